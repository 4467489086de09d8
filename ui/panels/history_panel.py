"""A park's history in its profile: every version (who, when, why, evidence, area), any two of
them on one map with the area difference, and restoring an older one (as a new version)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from geo.generalize import zoom_for_bounds
from layers.parks import QUALITY_LABELS, label
from store import ConflictError, FeatureNotFound, StoreError, WorkspaceError
from ui import workspace
from ui.assets import localize
from ui.i18n import Lang, t
from ui.mapview import base_map
from ui.mapview.outlines import outline_pair
from ui.page import vendor_url
from ui.state import ViewState
from ui.stored_text import shown

OPS = ("seed", "bundle", "create", "update", "restore", "hide", "unhide")


@st.cache_resource(show_spinner=False, max_entries=32)
def _history(location: str, park_id: str, revision: int) -> gpd.GeoDataFrame:
    return workspace.current().history("parks", park_id)


def history(park_id: str) -> gpd.GeoDataFrame | None:
    """The versions of a park (cached by the parks layer's revision), or None without a
    workspace (or while it cannot be reached)."""
    ws = workspace.current()
    revs = workspace.revisions()
    if ws is None or "parks" not in revs:
        return None
    try:
        return _history(ws.location, park_id, revs["parks"])
    except FeatureNotFound:
        return None
    except WorkspaceError as exc:
        workspace.went_down(ws.location, str(exc))
        return None


def outline_note(park_id: str, lang: Lang) -> str | None:
    """Where the park's current outline comes from, when an officer saved it: the version, how it
    was made, who saved it, when, why and on what evidence (None for the bundled geometry)."""
    hist = history(park_id)
    if hist is None or hist.empty:
        return None
    last = hist.iloc[-1]
    quality = (last["attributes"] or {}).get("geometry_quality")
    if last["op"] in ("seed", "bundle") or quality not in ("digitised", "surveyed"):
        return None
    return t("outline_note", lang, version=last["version"], quality=label(QUALITY_LABELS, quality, lang),
             author=last["author"], date=f"{last['time']:%Y-%m-%d}", reason=last["reason"], evidence=last["evidence"] or "—",
             markdown=False)  # HTML: the profile escapes it


def history_table(hist: gpd.GeoDataFrame, lang: Lang) -> pd.DataFrame:
    """The versions as the profile lists them, newest first (st.dataframe escapes every cell)."""
    quality = [label(QUALITY_LABELS, (a or {}).get("geometry_quality"), lang) for a in hist["attributes"]]
    table = pd.DataFrame({
        t("h_version", lang): hist["version"],
        t("h_time", lang): [f"{v:%Y-%m-%d %H:%M} UTC" for v in hist["time"]],
        t("h_author", lang): [shown(a, lang) for a in hist["author"]],
        t("h_op", lang): [t(f"op_{o}", lang) if o in OPS else o for o in hist["op"]],
        t("h_reason", lang): [shown(r, lang) for r in hist["reason"]],
        t("h_evidence", lang): hist["evidence"],
        t("h_area", lang): (hist["area_m2"].fillna(0) / 1e6).round(3),
        t("h_quality", lang): quality,
    })
    return table.iloc[::-1].reset_index(drop=True)


def render_history(state: ViewState, park_id: str) -> None:
    """The history expander of a park's profile."""
    lang = state.lang
    hist = history(park_id)
    if hist is None or hist.empty:
        return
    with st.expander(t("history_title", lang, n=len(hist)), expanded=len(hist) > 1):
        st.dataframe(history_table(hist, lang), hide_index=True, width="stretch")
        st.caption(t("h_method", lang))
        versions = hist["version"].tolist()
        if len(versions) >= 2:
            _compare(park_id, hist, versions, lang)
        _restore(state, park_id, versions, hist)


def _compare(park_id: str, hist: gpd.GeoDataFrame, versions: list[int], lang: Lang) -> None:
    c1, c2 = st.columns(2)
    a = c1.selectbox(t("h_compare_a", lang), versions, index=len(versions) - 2, key=f"hist_a_{park_id}_{len(versions)}")
    b = c2.selectbox(t("h_compare_b", lang), versions, index=len(versions) - 1, key=f"hist_b_{park_id}_{len(versions)}")
    ga = hist.loc[hist["version"] == a].geometry.iloc[0]
    gb = hist.loc[hist["version"] == b].geometry.iloc[0]
    area_a = float(hist.loc[hist["version"] == a, "area_m2"].fillna(0).iloc[0])
    area_b = float(hist.loc[hist["version"] == b, "area_m2"].fillna(0).iloc[0])
    st.markdown(t("h_compare_areas", lang, a=a, b=b, area_a=f"{area_a / 1e6:,.3f}", area_b=f"{area_b / 1e6:,.3f}",
                  diff=f"{(area_b - area_a) / 1e6:+,.3f}", diff_mu=f"{(area_b - area_a) * 0.0015:+,.0f}"))
    both = [g for g in (ga, gb) if g is not None and not g.is_empty]
    if not both:
        return
    minx, miny, maxx, maxy = shapely.union_all(both).buffer(0.003).bounds
    m = base_map(lang, "light", ((miny + maxy) / 2, (minx + maxx) / 2),
                 min(zoom_for_bounds((minx, miny, maxx, maxy), 420, 300), 16), vendor_url(), compact=True)
    outline_pair(ga, gb, t("h_compare_map", lang), t("h_version_n", lang, n=a), t("h_version_n", lang, n=b)).add_to(m)
    st_folium(localize(m, vendor_url()), key=f"hist_map_{park_id}_{a}_{b}", height=320, use_container_width=True,
              returned_objects=[])
    st.caption(t("h_compare_legend", lang, a=a, b=b))
    _compare_inspection(park_id, ga, gb, a, b, lang)


def _compare_inspection(park_id: str, ga, gb, a: int, b: int, lang: Lang) -> None:
    """The inspection of the two versions side by side: each check's verdict and value in each,
    and what the change did (Δ m² in conflict, Δ indicator, verdict changed)."""
    from layers.inspection.versions import side_by_side, version_rows
    from ui import data
    from ui.inspection import constraint_checks, indicator_rules

    checks = constraint_checks()
    parcels = data.real_parcels()
    if not checks and (parcels is None or parcels.empty):
        st.caption(t("h_insp_none", lang))
        return
    park = data.parks().loc[park_id]
    rows = version_rows(park, {f"v{a}": ga, f"v{b}": gb}, checks, parcels, indicator_rules())
    table = side_by_side(rows, f"v{a}", f"v{b}")
    if table.empty:
        return

    st.markdown(t("h_insp_title", lang, a=a, b=b))
    st.html(side_html(table, a, b, lang))
    st.caption(t("h_insp_how", lang))


def side_value(value: float | None, share: float | None, kind: str, check: str) -> str:
    """One version's figure of a check as text: m² in conflict (and ha, % of that version's
    outline) for a constraint; the indicator's value (a %, or a ratio for the floor-area ratio)."""
    if value is None:
        return "—"
    if kind == "constraint":
        return f"{value:,.0f} m² ({value / 1e4:,.2f} ha" + (f", {share * 100:.1f} %)" if share is not None else ")")
    return f"{value:.2f}" if check == "far" else f"{value * 100:.1f} %"


def side_delta(delta: float | None, kind: str, check: str) -> str:
    """The change b − a of a check's figure: m² for a constraint, percentage points for a share,
    the ratio's change for the floor-area ratio; "—" when a version has no figure."""
    if delta is None or delta != delta:
        return "—"
    if kind == "constraint":
        return f"{delta:+,.0f} m² ({delta / 1e4:+,.2f} ha)"
    return f"{delta:+.2f}" if check == "far" else f"{delta * 100:+.1f} pp"


def side_html(table: pd.DataFrame, a: int, b: int, lang: Lang) -> str:
    """The side-by-side inspection (`layers.inspection.versions.side_by_side`) as an escaped HTML
    table that wraps in the profile's narrow column: each check, version a's and b's verdict
    (coloured as in the profile) and figure, and the change b − a, marked when the verdict changed."""
    from ui.inspection import check_label, verdict_label
    from ui.panels.inspection_section import VERDICT_COLOURS
    from ui.safe_html import esc

    cell_style = "padding:3px 6px;vertical-align:top;border-top:1px solid #e6e6e6"

    def version_cell(verdict: object, value: float | None, share: float | None, kind: str, check: str) -> str:
        if not isinstance(verdict, str):
            return f"<td style='{cell_style}'>—</td>"
        colour = VERDICT_COLOURS.get(verdict, "#333333")
        return (f"<td style='{cell_style}'><b style='color:{colour}'>{esc(verdict_label(verdict, lang))}</b><br>"
                f"<span style='color:#555'>{esc(side_value(value, share, kind, check))}</span></td>")

    body = []
    for r in table.to_dict("records"):
        changed = (f"<br><b class='verdict-changed'>{esc(t('h_insp_changed', lang))}</b>"
                   if r["verdict_changed"] else "")
        body.append(
            f"<tr><td style='{cell_style}'><b>{esc(check_label(r['check'], r['kind'], lang))}</b></td>"
            + version_cell(r["verdict_a"], r["value_a"], r["share_a"], r["kind"], r["check"])
            + version_cell(r["verdict_b"], r["value_b"], r["share_b"], r["kind"], r["check"])
            + f"<td style='{cell_style}'><span class='delta'>{esc(side_delta(r['delta'], r['kind'], r['check']))}"
              f"</span>{changed}</td></tr>")
    head = "".join(f"<th style='padding:3px 6px;text-align:left'>{esc(h)}</th>" for h in (
        t("insp_col_check", lang), t("h_version_n", lang, n=a), t("h_version_n", lang, n=b), t("h_insp_delta", lang)))
    return (f"<table class='parkatlas-history-inspection' style='border-collapse:collapse;font-size:0.85em;"
            f"width:100%'><tr>{head}</tr>{''.join(body)}</table>")


def _restore(state: ViewState, park_id: str, versions: list[int], hist: gpd.GeoDataFrame | None = None) -> None:
    """Restore an older version. The form keeps the version the officer saw while they fill it:
    the choice survives another officer's save, and the restore, started from an older version,
    is refused with both outlines and two choices (restore on top of theirs, or drop it)."""
    lang = state.lang
    ws = workspace.current()
    older = versions[:-1]
    if not workspace.can_edit(ws) or not older:
        return
    st.markdown(f"**{t('h_restore', lang)}**")
    if not workspace.author_field(ws, lang, f"restore_{park_id}"):
        return
    base_key, reason_key = f"restore_base_{park_id}", f"restore_reason_{park_id}"
    if not str(st.session_state.get(reason_key) or "").strip() or base_key not in st.session_state:
        st.session_state[base_key] = versions[-1]  # a clean form follows the latest version
    base = int(st.session_state[base_key])
    if base != versions[-1] and hist is not None:
        _render_restore_conflict(state, park_id, hist, base, lang)
    c1, c2 = st.columns([1, 2])
    choices = [v for v in older[::-1] if v < base] or older[::-1]
    version = c1.selectbox(t("h_restore_which", lang), choices, key=f"restore_v_{park_id}_{base}")
    reason = c2.text_input(t("save_reason", lang), key=reason_key, max_chars=300)
    if st.button(t("h_restore_button", lang, n=version), key=f"restore_{park_id}", disabled=not reason.strip()):
        _do_restore(state, ws, park_id, int(version), reason, base)


def _do_restore(state: ViewState, ws, park_id: str, version: int, reason: str, expected: int) -> None:
    lang = state.lang
    try:
        new = ws.restore("parks", park_id, version, reason=reason, expected_version=expected)
    except ConflictError:
        workspace.changed()
        st.rerun()  # the form now shows theirs against the version to restore
    except (StoreError, ValueError) as exc:
        st.error(t("save_failed", lang))
        st.code(str(exc))
        return
    workspace.changed()
    st.session_state.pop(f"restore_base_{park_id}", None)
    st.session_state.pop(f"restore_reason_{park_id}", None)
    state.flash = t("restored", lang, n=version, new=new)
    st.rerun()


def _render_restore_conflict(state: ViewState, park_id: str, hist: gpd.GeoDataFrame, base: int, lang: Lang) -> None:
    """Another save came after the version this restore started from: theirs against the version
    chosen, and the choice to restore on top of theirs or drop the restore."""
    last = hist.iloc[-1]
    chosen = st.session_state.get(f"restore_v_{park_id}_{base}")
    st.error(t("restore_conflict", lang, author=str(last["author"]), version=int(last["version"]), base=base))
    mine = hist.loc[hist["version"] == chosen].geometry.iloc[0] if chosen in set(hist["version"]) else None
    both = [g for g in (last.geometry, mine) if g is not None and not g.is_empty]
    if both:
        minx, miny, maxx, maxy = shapely.union_all(both).buffer(0.003).bounds
        m = base_map(lang, "light", ((miny + maxy) / 2, (minx + maxx) / 2),
                     min(zoom_for_bounds((minx, miny, maxx, maxy), 420, 300), 16), vendor_url(), compact=True)
        outline_pair(last.geometry, mine, t("conflict_map", lang), t("conflict_theirs", lang),
                     t("h_version_n", lang, n=chosen)).add_to(m)
        st_folium(localize(m, vendor_url()), key=f"restore_conflict_{park_id}_{int(last['version'])}_{chosen}",
                  height=300, use_container_width=True, returned_objects=[])
    c1, c2 = st.columns(2)
    reason = str(st.session_state.get(f"restore_reason_{park_id}") or "")
    if c1.button(t("restore_on_top", lang), key=f"restore_on_top_{park_id}", type="primary",
                 disabled=not reason.strip() or chosen is None):
        _do_restore(state, workspace.current(), park_id, int(chosen), reason, int(last["version"]))
    if c2.button(t("conflict_drop", lang), key=f"restore_drop_{park_id}"):
        st.session_state.pop(f"restore_base_{park_id}", None)
        st.session_state[f"restore_reason_{park_id}"] = ""
        st.rerun()
