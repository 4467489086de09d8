"""The import's "use as park boundaries" step: match the file's features to parks (by an id or
name column, by containing the park's position, or by hand), look at each match on a map (the
current geometry dashed, the new outline solid) with its areas and distance, and save only the
matches the officer confirms — each as a new version of the park with the reason and the file as
evidence. The features left unmatched are saved as a layer of their own."""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from geo._errors import InputError
from geo.generalize import zoom_for_bounds
from geo.outline import prepare_outline
from layers.outlines import MATCH_METHODS, QUALITY_FROM_FILE, check_outline, match_features
from layers.parks import QUALITY_LABELS, label
from layers._errors import LayerValidationError
from store import ConflictError, FeatureChange, StoreError
from ui import data, memory, workspace
from ui.assets import localize
from ui.i18n import Lang, t
from ui.mapview import base_map
from ui.mapview.outlines import outline_pair
from ui.panels.outline_checks import warning_text
from ui.page import vendor_url
from ui.state import PENDING_IMPORT, ViewState

NO_PARK = "—"


def _park_label(pid: str, parks: gpd.GeoDataFrame, lang: Lang) -> str:
    name = parks.at[pid, "name_zh" if lang == "zh" else "name_en"]
    return f"{name} · {pid}"


def match_table(features: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, method: str, column: str | None,
                lang: Lang) -> tuple[pd.DataFrame, dict[int, object]]:
    """The table the officer confirms (one row per feature) and each feature's prepared outline
    (or the InputError that says why it cannot be one)."""
    matches = match_features(features, parks, method, column)
    outlines: dict[int, object] = {}
    rows = []
    for m, geom in zip(matches.itertuples(), features.geometry):
        try:
            prepared = prepare_outline(geom, where=t("bm_feature", lang, n=m.feature + 1))
            outlines[m.feature] = prepared
        except InputError as exc:
            outlines[m.feature] = exc
        pid = m.park_id
        ok = not isinstance(outlines[m.feature], InputError)
        check = check_outline(parks.loc[pid], outlines[m.feature].geometry) if (pid and ok) else None
        notes = ([warning_text(c, v, lang) for c, v in check.warnings] if check else []) + \
                ([str(outlines[m.feature])] if not ok else outlines[m.feature].repairs)
        others = [p for p in m.candidates[1:]][:3]
        if others:
            notes.append(t("bm_also", lang, ids=", ".join(others), markdown=False))  # a table cell
        rows.append({
            "confirm": bool(pid) and ok and not (check and check.warnings),
            "feature": m.feature + 1,
            "value": m.value or "",
            "park": _park_label(pid, parks, lang) if pid else NO_PARK,
            "area_after_km2": round(check.area_after_m2 / 1e6, 3) if check else None,
            "stated_km2": round(check.stated_m2 / 1e6, 3) if check and check.stated_m2 else None,
            "distance_m": round(check.distance_m) if check else None,
            "notes": "; ".join(notes),
            "matched_by": t(f"bm_by_{(m.matched_by or 'none').split(' ')[0]}", lang)
                          + (" ~" if m.matched_by == "name (partial)" else ""),
            "area_before_km2": round(check.area_before_m2 / 1e6, 3) if check else None,
        })
    return pd.DataFrame(rows), outlines


def render_boundary_match(state: ViewState, file_name: str, file_bytes: bytes, features: gpd.GeoDataFrame) -> None:
    """The whole matching step for one checked import (`features` in EPSG:4326)."""
    lang = state.lang
    ws = workspace.current()
    if ws is None or workspace.problem():
        st.error(t("ws_refused", lang))
        return
    parks = data.parks()
    base_versions(file_bytes)  # the versions these saves start from: as they are now, when first shown
    st.markdown(f"**{t('bm_title', lang)}**")
    st.caption(t("bm_hint", lang))
    columns = [str(c) for c in features.columns if c != features.geometry.name]
    c1, c2 = st.columns(2)
    method = c1.radio(t("bm_method", lang), MATCH_METHODS, key="w_bm_method", horizontal=True,
                      format_func=lambda k: t(f"bm_method_{k}", lang))
    column = None
    if method in ("id", "name"):
        hints = ("id", "park_id", "编号") if method == "id" else ("name_zh", "name", "名称", "园区名称", "name_en", "mc")
        guess = next((i for h in hints for i, c in enumerate(columns) if c.lower() == h.lower()), 0)
        column = c2.selectbox(t("bm_column", lang), columns, index=guess, key=f"w_bm_column_{method}") if columns else None
    table, outlines = match_table(features, parks, method, column, lang)
    options = [NO_PARK] + [_park_label(pid, parks, lang) for pid in parks.index]
    edited = st.data_editor(
        table, key=f"w_bm_table_{method}_{column}", hide_index=True, width="stretch",
        disabled=[c for c in table.columns if c not in ("confirm", "park")],
        column_config={
            "confirm": st.column_config.CheckboxColumn(t("bm_confirm", lang)),
            "feature": st.column_config.NumberColumn(t("bm_feature_col", lang), format="%d"),
            "value": st.column_config.TextColumn(t("bm_value", lang), width="small"),
            "park": st.column_config.SelectboxColumn(t("bm_park", lang), options=options, required=True, width="medium"),
            "matched_by": t("bm_matched_by", lang),
            "area_before_km2": st.column_config.NumberColumn(t("bm_area_before", lang), format="%.3f"),
            "area_after_km2": st.column_config.NumberColumn(t("bm_area_after", lang), format="%.3f"),
            "stated_km2": st.column_config.NumberColumn(t("bm_stated", lang), format="%.3f"),
            "distance_m": st.column_config.NumberColumn(t("bm_distance", lang), format="%d"),
            "notes": t("bm_notes", lang),
        })
    st.caption(t("chk_method", lang))
    chosen = _chosen(edited, parks, lang)
    _render_chosen_checks(chosen, outlines, parks, table, lang)
    _map(chosen, outlines, parks, features, lang)
    _save_step(state, ws, chosen, outlines, edited, file_name, file_bytes, features, parks)


def base_versions(file_bytes: bytes) -> dict[str, int]:
    """{park id: version} as they were when this file's matching was first shown: the versions its
    saves start from, so a park another officer saved meanwhile is not overwritten unasked."""
    key = f"bm_base_{hashlib.sha256(file_bytes).hexdigest()[:16]}"
    if key not in st.session_state:
        current = workspace.layer("parks")
        st.session_state[key] = ({str(pid): int(v) for pid, v in current["_version"].items()}
                                 if current is not None and "_version" in current.columns else {})
    return st.session_state[key]


def chosen_checks(chosen, outlines, parks: gpd.GeoDataFrame, table: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Every match about to be saved — matched by id, name, position or by hand — with the same
    checks: area after (km², geodesic), stated area, distance from the park's position (m),
    warnings; `by_hand` when the officer chose a park other than the one the table proposed."""
    proposed = dict(zip(table["feature"] - 1, table["park"]))
    rows = []
    for pos, pid, _ in chosen:
        prepared = outlines.get(pos)
        if isinstance(prepared, InputError) or prepared is None:
            continue
        check = check_outline(parks.loc[pid], prepared.geometry)
        rows.append({
            "feature": pos + 1,
            "park": _park_label(pid, parks, lang),
            "by_hand": proposed.get(pos) != _park_label(pid, parks, lang),
            "area_after_km2": round(check.area_after_m2 / 1e6, 3),
            "stated_km2": round(check.stated_m2 / 1e6, 3) if check.stated_m2 else None,
            "distance_m": round(check.distance_m),
            "warnings": "; ".join(warning_text(c, v, lang) for c, v in check.warnings),
        })
    return pd.DataFrame(rows, columns=["feature", "park", "by_hand", "area_after_km2", "stated_km2", "distance_m",
                                       "warnings"])


def _render_chosen_checks(chosen, outlines, parks: gpd.GeoDataFrame, table: pd.DataFrame, lang: Lang) -> None:
    checks = chosen_checks(chosen, outlines, parks, table, lang)
    if checks.empty:
        return
    st.markdown(f"**{t('bm_checked_title', lang, n=len(checks))}**")
    st.dataframe(checks, hide_index=True, width="stretch", column_config={
        "feature": st.column_config.NumberColumn(t("bm_feature_col", lang), format="%d"),
        "park": t("bm_park", lang),
        "by_hand": st.column_config.CheckboxColumn(t("bm_by_hand", lang)),
        "area_after_km2": st.column_config.NumberColumn(t("bm_area_after", lang), format="%.3f"),
        "stated_km2": st.column_config.NumberColumn(t("bm_stated", lang), format="%.3f"),
        "distance_m": st.column_config.NumberColumn(t("bm_distance", lang), format="%d"),
        "warnings": t("bm_notes", lang)})
    warned = checks[checks["warnings"] != ""]
    if len(warned):
        st.warning(t("bm_chosen_warned", lang, n=len(warned), features=", ".join(str(f) for f in warned["feature"])))


def _chosen(edited: pd.DataFrame, parks: gpd.GeoDataFrame, lang: Lang) -> list[tuple[int, str, str]]:
    """(feature position, park id, the file's value) of every confirmed row with a park."""
    by_label = {_park_label(pid, parks, lang): pid for pid in parks.index}
    return [(int(r.feature) - 1, by_label[r.park], r.value) for r in edited.itertuples()
            if r.confirm and r.park in by_label]


def _map(chosen, outlines, parks: gpd.GeoDataFrame, features: gpd.GeoDataFrame, lang: Lang) -> None:
    """Every confirmed match: the park's current geometry dashed, the new outline solid."""
    pairs = [(pos, pid) for pos, pid, _ in chosen if not isinstance(outlines.get(pos), InputError)]
    shown = [outlines[pos].geometry for pos, _ in pairs] + [parks.at[pid, "geometry"] for _, pid in pairs]
    if not shown:
        return
    minx, miny, maxx, maxy = shapely.union_all(shown).buffer(0.003).bounds
    m = base_map(lang, "light", ((miny + maxy) / 2, (minx + maxx) / 2),
                 min(zoom_for_bounds((minx, miny, maxx, maxy), 800, 380), 16), vendor_url(), compact=True)
    for pos, pid in pairs:
        name = parks.at[pid, "name_zh" if lang == "zh" else "name_en"]
        outline_pair(parks.at[pid, "geometry"], outlines[pos].geometry, name,
                     t("bm_current", lang, name=name, markdown=False),
                     t("bm_new", lang, name=name, n=pos + 1, markdown=False)).add_to(m)
    shown_key = "_".join(f"{pos}-{pid}" for pos, pid in pairs)  # a new view when the matches change
    st_folium(localize(m, vendor_url()), key=f"bm_map_{abs(hash(shown_key))}", height=400, use_container_width=True,
              returned_objects=[])
    st.caption(t("bm_map_legend", lang))


def _save_step(state, ws, chosen, outlines, edited, file_name: str, file_bytes: bytes, features, parks) -> None:
    lang = state.lang
    dupes = sorted({pid for _, pid, _ in chosen if sum(1 for _, p, _ in chosen if p == pid) > 1})
    if dupes:
        st.error(t("bm_duplicate", lang, ids=", ".join(dupes)))
        return
    if workspace.writer(lang, "bm") is None:
        return
    c1, c2 = st.columns([1, 2])
    quality = c1.selectbox(t("bm_quality", lang), QUALITY_FROM_FILE, key="w_bm_quality",
                           format_func=lambda q: label(QUALITY_LABELS, q, lang))
    reason = c2.text_input(t("save_reason", lang), key="w_bm_reason", max_chars=300, placeholder=t("bm_reason_hint", lang))
    n = len(chosen)
    if _render_conflict(state, ws, chosen, outlines, file_name, file_bytes, features, quality, reason):
        return
    if not st.button(t("bm_save", lang, n=n), key="w_bm_save", type="primary", disabled=not (reason.strip() and n)):
        return
    _save_matches(state, ws, chosen, outlines, file_name, file_bytes, features, quality, reason)


def _render_conflict(state, ws, chosen, outlines, file_name: str, file_bytes: bytes, features, quality: str,
                     reason: str) -> bool:
    """The last save was refused because another officer saved a park meanwhile: say who, and offer
    to save these outlines on top of theirs or drop them. True while the conflict is shown."""
    lang = state.lang
    conflict = st.session_state.get("bm_conflict")
    if not conflict:
        return False
    st.error(t("bm_conflict", lang, park=conflict["park"], author=conflict["author"], version=conflict["version"]))
    c1, c2 = st.columns(2)
    if c1.button(t("bm_save_on_top", lang), key="w_bm_on_top", type="primary", disabled=not reason.strip()):
        base = base_versions(file_bytes)
        current = workspace.layer("parks")
        base.update({pid: int(current.at[pid, "_version"]) for _, pid, _ in chosen if pid in current.index})
        st.session_state.pop("bm_conflict", None)
        _save_matches(state, ws, chosen, outlines, file_name, file_bytes, features, quality, reason)
    if c2.button(t("bm_drop", lang), key="w_bm_drop"):
        st.session_state.pop("bm_conflict", None)
        memory.forget(PENDING_IMPORT)
        st.rerun()
    return True


def outline_evidence(file_name: str, position: int, value: str | None, digest: str, lang: Lang) -> str:
    """The evidence a version saved from a file carries, in the officer's language: the file, the
    feature (0-based `position`, shown from 1), the value it was matched by, and a digest."""
    named = t("bm_evidence_named", lang, value=value, markdown=False) if value else ""
    return t("bm_evidence", lang, file=file_name, n=position + 1, named=named, digest=digest, markdown=False)


def _save_matches(state, ws, chosen, outlines, file_name: str, file_bytes: bytes, features, quality: str,
                  reason: str) -> None:
    """Save every confirmed outline in one transaction, each from the version its park had when the
    matching was first shown; the rest of the file as a layer of its own."""
    lang = state.lang
    digest = hashlib.sha256(file_bytes).hexdigest()[:12]
    base = base_versions(file_bytes)
    current = workspace.layer("parks")
    changes = [FeatureChange(pid, outlines[pos].geometry, {"geometry_quality": quality},
                             outline_evidence(file_name, pos, value, digest, lang),
                             base.get(pid, int(current.at[pid, "_version"])))
               for pos, pid, value in chosen if not isinstance(outlines[pos], InputError)]
    try:  # one transaction: every confirmed outline, or none
        saved = ws.save_features("parks", changes, reason=reason)
    except ConflictError as exc:
        workspace.changed()
        theirs = exc.theirs or {}
        st.session_state["bm_conflict"] = {"park": exc.feature_id, "author": str(theirs.get("author", "?")),
                                           "version": exc.current_version}
        st.rerun()
    except (StoreError, LayerValidationError, ValueError) as exc:
        workspace.changed()
        st.error(t("bm_failed_all", lang))
        st.code(str(exc))
        return
    matched = {pos for pos, _, _ in chosen}
    rest = features.iloc[[i for i in range(len(features)) if i not in matched]]
    if len(rest):
        from layers.user_layers import AttributeMapping, apply_mapping

        name = f"{Path(file_name).stem} ({t('bm_unmatched', lang)})"
        mapped = apply_mapping(rest, AttributeMapping(), "parks", file_name)
        ws.add_layer(name, mapped, role="parks", origin=file_name,
                     reason=t("bm_unmatched_reason", lang, file=file_name, markdown=False))
    workspace.changed()
    st.session_state.pop(f"bm_base_{hashlib.sha256(file_bytes).hexdigest()[:16]}", None)
    memory.forget(PENDING_IMPORT)  # used: its file goes
    state.flash = t("bm_saved", lang, n=len(saved), rest=len(rest))
    st.rerun()
