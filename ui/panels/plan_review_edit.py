"""The proposals side of the plan review: what to accept, and one proposal at a time to check,
edit and (for a park) place.

The officer's choices live in the session per document and plan (`review_state`): ticks are
checkbox widgets, edits are kept when a proposal's form is submitted, places when confirmed.
`decision_of` turns them into the `layers.plan_review.batch.Decision` a save builds from.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from layers.parks import KIND_LABELS, KINDS, STATUS_LABELS, STATUSES, label
from layers.plan_review import Review
from layers.plan_review.batch import Decision
from layers.plan_review.placement import NamedLayer, PlaceSuggestion, location_text, name_column, suggest
from layers.plan_review.proposals import Proposal, links_in_workspace
from layers.targets import COMPARISONS, METRICS
from ui.data import user_layers
from ui.i18n import Lang, t
from ui.panels.park_placement import render_placement, reset_placement
from ui.panels.record_form import parse_list, parse_number
from ui.state import ViewState

READINGS = "rv_readings"
"""Session key of the documents read: {SHA-256: (SourceText, Reading)}."""


def _sha(rv: Review) -> str:
    return rv.reading.sha256[:12]


def review_state(rv: Review) -> dict[str, dict[str, Any]]:
    """The officer's edits and confirmed places for this document read as this plan:
    {"edits": {key: attrs}, "owners": {key: owner key}, "places": {key: (geometry, quality, what)}}."""
    key = f"rv_state_{_sha(rv)}_{rv.plan.record_id or 'new'}"
    return st.session_state.setdefault(key, {"edits": {}, "owners": {}, "places": {}})


def _accept_key(rv: Review, p: Proposal) -> str:
    return f"rv_acc_{_sha(rv)}_{rv.plan.record_id or 'new'}_{p.key}"


def default_accept(rv: Review, p: Proposal) -> bool:
    """Ticked at first: the plan; a park that is an update or states something beyond its name; a
    target whose owner is ticked. Nothing unchanged."""
    if p.status == "unchanged":
        return False
    if p.layer == "parks":
        return p.status == "update" or p.strength > 0
    if p.layer == "targets" and p.owner_key not in (None, "plan"):
        owner = rv.get(str(p.owner_key))
        return owner is None or owner.status == "unchanged" or default_accept(rv, owner)
    return True


def decision_of(rv: Review, p: Proposal) -> Decision:
    """The officer's decision on `p` as the page holds it."""
    state = review_state(rv)
    accept = st.session_state.get(_accept_key(rv, p), default_accept(rv, p))
    place = state["places"].get(p.key)
    edits = dict(state["edits"].get(p.key, {}))
    bulk = st.session_state.get(_bulk_key(rv))
    if p.layer == "parks" and bulk and not {**p.attrs, **edits}.get("status"):
        edits["status"] = bulk
    return Decision(bool(accept), edits, place[0] if place else None, place[1] if place else None,
                    state["owners"].get(p.key))


def _bulk_key(rv: Review) -> str:
    return f"rv_bulk_status_{_sha(rv)}"


def _label(rv: Review, p: Proposal, lang: Lang) -> str:
    status = t(f"rv_status_{p.status}", lang, markdown=False)
    if p.layer == "programmes":
        bits = [p.attrs.get("title"), p.attrs.get("document"), p.attrs.get("date")]
    elif p.layer == "parks":
        bits = [p.name, p.attrs.get("stated_area_text") if "stated_area_text" in p.found else None,
                p.evidence.section if p.evidence else None]
    else:
        owner = rv.get(str(p.owner_key))
        whose = t("rv_owner_plan", lang, markdown=False) if p.owner_key == "plan" or owner is None else owner.name
        a = p.attrs
        bits = [f"{whose}: {a.get('name_zh')} {a.get('comparison') or ''}{_num(a.get('value'))} {a.get('unit')}",
                str(a.get("target_year") or "")]
    return f"[{status}] " + " · ".join(str(b) for b in bits if b)


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, (int, float)) else str(v or "")


def _ticks(rv: Review, props: list[Proposal], lang: Lang, group: str) -> None:
    if not props:
        return
    c1, c2, _ = st.columns([1, 1, 3])
    if c1.button(t("rv_accept_all", lang), key=f"rv_all_{group}_{_sha(rv)}"):
        for p in props:
            st.session_state[_accept_key(rv, p)] = True
    if c2.button(t("rv_accept_none", lang), key=f"rv_none_{group}_{_sha(rv)}"):
        for p in props:
            st.session_state[_accept_key(rv, p)] = False
    for p in props:
        key = _accept_key(rv, p)
        if key not in st.session_state:
            st.session_state[key] = default_accept(rv, p)
        st.checkbox(_label(rv, p, lang), key=key)


def render_editor(rv: Review, state: ViewState, frames: dict[str, pd.DataFrame | None], lang: Lang) -> str | None:
    """The proposals (ticks) and the editor of the one chosen; its key (None: none chosen)."""
    st.subheader(t("rv_proposals", lang), anchor=False)
    st.caption(t("rv_accept_help", lang))
    show_all = st.toggle(t("rv_show_unchanged", lang, n=rv.counts()["unchanged"]), key=f"rv_show_{_sha(rv)}")
    shown = [p for p in rv.proposals() if show_all or p.status != "unchanged"]
    parks = [p for p in shown if p.layer == "parks"]
    targets = [p for p in shown if p.layer == "targets"]
    with st.container(height=420):
        st.markdown(f"**{t('rv_group_plan', lang)}**")
        if rv.plan in shown:
            _ticks(rv, [rv.plan], lang, "plan")
        st.markdown(f"**{t('rv_group_parks', lang, n=len(parks))}**")
        statuses = ["", *STATUSES]
        st.selectbox(t("rv_bulk_status", lang), statuses, key=_bulk_key(rv),
                     format_func=lambda s: label(STATUS_LABELS, s, lang) if s else t("rv_status_unknown", lang, markdown=False))
        _ticks(rv, parks, lang, "parks")
        st.markdown(f"**{t('rv_group_targets', lang, n=len(targets))}**")
        _ticks(rv, targets, lang, "targets")
    st.subheader(t("rv_edit", lang), anchor=False)
    keys = [p.key for p in shown]
    if not keys:
        return None
    chosen = st.selectbox(t("rv_edit_choice", lang), keys, key=f"rv_chosen_{_sha(rv)}",
                          format_func=lambda k: _label(rv, rv.get(k), lang))  # type: ignore[arg-type]
    p = rv.get(chosen)
    if p is None:
        return None
    _evidence(p, lang)
    if p.layer == "parks":
        _park_form(rv, p, frames, lang)
        _links(rv, p, frames, lang)
        _place(rv, p, state, frames, lang)
    elif p.layer == "targets":
        _target_form(rv, p, frames, lang)
    else:
        _plan_form(rv, p, lang)
    return chosen


def _evidence(p: Proposal, lang: Lang) -> None:
    if p.evidence is not None:
        st.caption(t("rv_rule", lang, rule=p.evidence.rule))
    if p.notes:
        st.warning(t("rv_notes", lang, notes="; ".join(p.notes)))
    if p.changes and p.current is not None:
        st.markdown(t("rv_changes", lang))
        st.dataframe(pd.DataFrame({t("rv_col_field", lang): list(p.changes),
                                   t("rv_col_record", lang): [_shown(p.current.get(k)) for k in p.changes],
                                   t("rv_col_document", lang): [_shown(p.attrs.get(k)) for k in p.changes]}),
                     hide_index=True, width="stretch")


def _links(rv: Review, p: Proposal, frames: dict[str, pd.DataFrame | None], lang: Lang) -> None:
    """The transport links and facilities the document names for the park, with their status and
    whether the workspace has them (to add on the Plans page under Transport & facilities)."""
    found = links_in_workspace(rv.reading.parks[rv.parks.index(p)], frames, p.record_id)
    if not found:
        return
    st.markdown(t("rv_links", lang))
    st.dataframe(pd.DataFrame({
        t("rv_col_link", lang): [k.name for k, _ in found],
        t("rv_col_link_kind", lang): [t(f"rv_link_{k.kind}", lang, markdown=False) for k, _ in found],
        t("rv_col_link_status", lang): [label(STATUS_LABELS, k.status, lang) if k.status else "—" for k, _ in found],
        t("rv_col_link_workspace", lang): [hit or t("rv_link_missing", lang, markdown=False) for _, hit in found],
        t("rv_col_document", lang): [k.evidence.quote for k, _ in found]}), hide_index=True, width="stretch")


def _shown(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    return "、".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)


def _keep(rv: Review, p: Proposal, new: dict[str, Any], lang: Lang, owner: str | None = None) -> None:
    state = review_state(rv)
    edits = {k: v for k, v in new.items() if _shown(v) != _shown(p.attrs.get(k))}
    state["edits"][p.key] = edits
    if owner is not None:
        state["owners"][p.key] = owner
    st.success(t("rv_edits_kept", lang, name=p.name))


def _current(rv: Review, p: Proposal) -> dict[str, Any]:
    return {**p.attrs, **review_state(rv)["edits"].get(p.key, {})}


def _park_form(rv: Review, p: Proposal, frames: dict[str, pd.DataFrame | None], lang: Lang) -> None:
    a = _current(rv, p)
    others = [q for q in rv.parks if q.key != p.key]
    existing = frames.get("parks")
    ids = [] if existing is None else [str(i) for i in existing.index if str(i) != p.record_id]
    options = ["", *(q.key for q in others), *ids]
    names = {q.key: q.name for q in others}
    if existing is not None:
        names.update({str(i): str(n) for i, n in zip(existing.index, existing["name_zh"])})
    owner = review_state(rv)["owners"].get(p.key) or p.owner_key or a.get("parent_id") or ""
    if a.get("stated_area_text"):
        st.caption(t("rv_area", lang, text=a["stated_area_text"], km2=_num(a.get("stated_area_km2"))))
    else:
        st.caption(t("rv_no_area", lang))
    with st.form(f"rv_form_{_sha(rv)}_{p.key}"):
        c1, c2 = st.columns(2)
        name_zh = c1.text_input(t("rec_f_name_zh", lang), a.get("name_zh") or "", max_chars=120)
        name_en = c2.text_input(t("rec_f_name_en", lang), a.get("name_en") or "", max_chars=160)
        kind = c1.selectbox(t("pe_kind", lang), KINDS, index=KINDS.index(a["kind"]) if a.get("kind") in KINDS else 1,
                            format_func=lambda k: label(KIND_LABELS, k, lang))
        parent = c2.selectbox(t("rv_parent", lang), options, index=options.index(owner) if owner in options else 0,
                              format_func=lambda k: names.get(k, k) if k else t("rv_parent_none", lang, markdown=False))
        city = c1.text_input(t("rec_f_city", lang), a.get("city") or "", max_chars=40)
        district = c2.text_input(t("pe_district", lang), a.get("district") or "", max_chars=60)
        town = c1.text_input(t("pe_town", lang), a.get("town") or "", max_chars=40)
        statuses = ["", *STATUSES]
        status = c2.selectbox(t("rec_f_status", lang), statuses,
                              index=statuses.index(a["status"]) if a.get("status") in statuses else 0,
                              format_func=lambda s: label(STATUS_LABELS, s, lang) if s
                              else t("rv_status_unknown", lang, markdown=False))
        industries = st.text_input(t("rv_industries", lang), "、".join(a.get("industries") or []), max_chars=400)
        operator = st.text_input(t("pe_operator", lang), a.get("operator") or "", max_chars=120)
        if not st.form_submit_button(t("rv_keep_edits", lang)):
            return
    new = {"name_zh": name_zh.strip(), "name_en": name_en.strip() or None, "kind": kind, "city": city.strip() or None,
           "district": district.strip() or None, "town": town.strip() or None, "status": status or None,
           "industries": parse_list(industries), "operator": operator.strip() or None}
    if parent in ids:
        new["parent_id"] = parent
        _keep(rv, p, new, lang, owner="")
    elif parent:
        _keep(rv, p, new, lang, owner=parent)
    else:
        new["parent_id"] = None
        _keep(rv, p, new, lang, owner="")


def _target_form(rv: Review, p: Proposal, frames: dict[str, pd.DataFrame | None], lang: Lang) -> None:
    a = _current(rv, p)
    owners = ["plan", *(q.key for q in rv.parks)]
    names = {q.key: q.name for q in rv.parks}
    owner = review_state(rv)["owners"].get(p.key) or p.owner_key or "plan"
    metrics = list(METRICS)
    comparisons = ["", *COMPARISONS]
    with st.form(f"rv_form_{_sha(rv)}_{p.key}"):
        c1, c2 = st.columns(2)
        who = c1.selectbox(t("rv_owner", lang), owners, index=owners.index(owner) if owner in owners else 0,
                           format_func=lambda k: t("rv_owner_plan", lang, markdown=False) if k == "plan" else names.get(k, k))
        metric = c2.selectbox(t("rec_f_metric", lang), metrics,
                              index=metrics.index(a["metric"]) if a.get("metric") in metrics else 0,
                              format_func=lambda m: METRICS[m].name_zh if lang == "zh" else METRICS[m].name_en)
        name_zh = st.text_input(t("rec_f_name_zh", lang), a.get("name_zh") or "", max_chars=160)
        comparison = c1.selectbox(t("rec_f_comparison", lang), comparisons,
                                  index=comparisons.index(a["comparison"]) if a.get("comparison") in comparisons else 0)
        value = c2.text_input(t("rec_f_value", lang), _num(a.get("value")), max_chars=30)
        unit = c1.text_input(t("rec_f_unit", lang), a.get("unit") or "", max_chars=20)
        year = c2.text_input(t("rec_f_target_year", lang), _num(a.get("target_year")), max_chars=4)
        if not st.form_submit_button(t("rv_keep_edits", lang)):
            return
    new = {"metric": metric, "name_zh": name_zh.strip(), "comparison": comparison or None,
           "value": parse_number(value), "unit": unit.strip(), "target_year": parse_number(year, integer=True)}
    _keep(rv, p, new, lang, owner=who)


def _plan_form(rv: Review, p: Proposal, lang: Lang) -> None:
    a = _current(rv, p)
    fields = ("name_zh", "name_en", "title", "document", "issuer", "date", "province", "city")
    with st.form(f"rv_form_{_sha(rv)}_plan"):
        cols = st.columns(2)
        values = {f: cols[i % 2].text_input(t(f"rec_f_{f}", lang), str(a.get(f) or ""), max_chars=200)
                  for i, f in enumerate(fields)}
        if not st.form_submit_button(t("rv_keep_edits", lang)):
            return
    new: dict[str, Any] = {f: (v.strip() or None) for f, v in values.items()}
    if new.get("date"):
        new["as_of"] = new["date"]
    _keep(rv, p, new, lang)


def _layers_for_suggestions() -> tuple[list[NamedLayer], list[gpd.GeoDataFrame]]:
    named, districts = [], []
    for layer in user_layers():
        if layer.gdf.empty:
            continue
        if layer.role == "districts":
            districts.append(layer.gdf)
        column = name_column(layer.gdf)
        if column is not None:
            named.append(NamedLayer(layer.name, layer.gdf, column))
    return named, districts


def _suggestions(rv: Review, p: Proposal, frames: dict[str, pd.DataFrame | None]) -> list[PlaceSuggestion]:
    i = rv.parks.index(p)
    park = rv.reading.parks[i]
    text = location_text(_document_text(rv), park.evidence.start, park.evidence.end)
    named, districts = _layers_for_suggestions()
    parks = frames.get("parks")
    placed = None if parks is None else parks[[g is not None and not g.is_empty for g in parks.geometry]]
    return suggest(park.names(), _current(rv, p).get("district"), text, parks=placed, exclude_park=p.record_id,
                   stations=frames.get("transport_nodes"), layers=named, districts=districts)


def _document_text(rv: Review) -> str:
    got = st.session_state.get(READINGS, {}).get(rv.reading.sha256)
    return got[0].text if got else ""


def _suggestion_text(s: PlaceSuggestion, lang: Lang) -> str:
    return t(f"rv_place_{s.kind}", lang, label=s.label, source=s.source, markdown=False)


def _place(rv: Review, p: Proposal, state: ViewState, frames: dict[str, pd.DataFrame | None], lang: Lang) -> None:
    """Where the park goes: a suggestion, another way (click, coordinates, imported feature) or
    not placed yet; confirmed before it counts."""
    st.markdown(f"**{t('rv_place', lang)}**")
    places = review_state(rv)["places"]
    if p.key in places:
        st.success(t("rv_place_confirmed", lang, what=places[p.key][2]))
        if st.button(t("rv_place_clear", lang), key=f"rv_unplace_{_sha(rv)}_{p.key}"):
            del places[p.key]
            st.rerun()
        return
    st.caption(t("rv_place_note", lang))
    found = _suggestions(rv, p, frames)
    placed = p.current is not None and p.record_id is not None and _has_place(frames, p.record_id)
    options = ["keep" if placed else "none", *(f"s{i}" for i in range(len(found))), "other"]
    choice_key = f"rv_place_{_sha(rv)}_{p.key}"
    choice = st.radio(t("rv_place", lang), options, key=choice_key, label_visibility="collapsed",
                      format_func=lambda o: t("rv_place_keep" if o == "keep" else "rv_place_none", lang, markdown=False)
                      if o in ("keep", "none") else t("rv_place_other", lang, markdown=False) if o == "other"
                      else _suggestion_text(found[int(o[1:])], lang))
    if choice in ("keep", "none"):
        return
    if choice == "other":
        if st.session_state.get("rv_place_for") != choice_key:
            reset_placement(["click", "coords", "layer"])
            st.session_state["rv_place_for"] = choice_key
        parks = frames.get("parks")
        others = gpd.GeoDataFrame(geometry=[], crs=4326) if parks is None else parks[
            [g is not None and not g.is_empty for g in parks.geometry]]
        chosen = render_placement(state, lang, ["click", "coords", "layer"], others,
                                  [str(n) for n in others.get("name_zh", [])])
        if not (chosen.changed and chosen.ready and chosen.geometry is not None):
            return
        geometry, quality = chosen.geometry, chosen.quality
        what = f"{geometry.geom_type} ({quality})"
    else:
        s = found[int(choice[1:])]
        geometry, quality, what = s.geometry, s.quality, _suggestion_text(s, lang)
    if st.button(t("rv_place_confirm", lang), key=f"rv_confirm_{_sha(rv)}_{p.key}", type="primary"):
        places[p.key] = (geometry, quality, what)
        st.rerun()


def _has_place(frames: dict[str, pd.DataFrame | None], park_id: str) -> bool:
    parks = frames.get("parks")
    if parks is None or park_id not in parks.index:
        return False
    g = parks.geometry.loc[park_id]
    return g is not None and not g.is_empty
