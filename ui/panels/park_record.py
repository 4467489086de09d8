"""The Parks section of the Plans & records page: every park in a table (placed or not), and for an
editor or admin a form that adds a park, edits one or retires it.

The form takes a park as the plan writes it: names, kind, parent, plan, city / district / town,
四至, the stated area *as written* (a number and a unit, 约 / 以上 kept in the text, converted to
km² with `layers.records.stated_area_km2` and shown before saving), industries, operator, status,
the source and the quoted sentence as evidence; where it goes on the map is chosen in
`ui.panels.park_placement`. Every save checks the full record (`layers.records.check`) and saves
nothing while there is a problem; a save from a version someone else has replaced is refused
(ConflictError) naming who saved in between, and the input stays. Geometry is EPSG:4326.
"""

from __future__ import annotations

import re
from datetime import date

import geopandas as gpd
import streamlit as st

from layers._errors import LayerError, LayerValidationError
from layers.base import AS_OF_PATTERN
from layers.parks import KIND_LABELS, KINDS, STATUS_LABELS, STATUSES, is_placed, label
from layers.records import RecordContext, check, new_id, stated_area_km2
from store import ConflictError, PermissionDenied, StoreError, Workspace
from ui import data, workspace
from ui.i18n import Lang, t
from ui.panels.park_placement import (Placement, district_warnings, placement_choices, render_placement,
                                      reset_placement)
from ui.park_table import park_table
from ui.plan_names import plan_name
from ui.state import ViewState

NEW = ""
"""The choice that adds a park."""
AREA_UNITS_AS_WRITTEN = ("平方公里", "公顷", "亩", "平方米")
_UNIT_EN = {"平方公里": "km²", "公顷": "ha", "亩": "亩", "平方米": "m²"}
_AREA_TEXT = re.compile(r"^(约)?(\d+(?:\.\d+)?)(平方公里|公顷|亩|平方米)(以上)?$")
_AREA_KEYS = ("pe_area_value", "pe_area_unit", "pe_area_about", "pe_area_over")
_TEXT_FIELDS = ("name_zh", "name_en", "city", "district", "town", "boundary_text", "operator")


def area_text(value: float, unit: str, about: bool = False, over: bool = False) -> str:
    """A stated area as a document writes it.

    >>> area_text(2.2, "平方公里", about=True), area_text(1200.0, "亩", over=True)
    ('约2.2平方公里', '1200亩以上')
    """
    number = f"{value:.6f}".rstrip("0").rstrip(".")
    return f"{'约' if about else ''}{number}{unit}{'以上' if over else ''}"


def parse_area_text(text: object) -> tuple[float, str, bool, bool] | None:
    """(value, unit, 约, 以上) of a stated area written as `area_text` writes it; None otherwise.

    >>> parse_area_text("约2.1平方公里"), parse_area_text("约为3平方公里（两期合计）")
    ((2.1, '平方公里', True, False), None)
    """
    found = _AREA_TEXT.match(text.strip()) if isinstance(text, str) else None
    return None if found is None else (float(found[2]), found[3], bool(found[1]), bool(found[4]))


def park_names(parks: gpd.GeoDataFrame, lang: Lang) -> dict[str, str]:
    """{park id: "name · id"} in `lang`, for choosing a park (names are the stored text)."""
    column = "name_zh" if lang == "zh" else "name_en"
    return {str(i): f"{n} · {i}" for i, n in zip(parks.index, parks[column])}


def _text(v: object) -> str:
    return v.strip() if isinstance(v, str) else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _load(choice: str, record: dict | None, version: int, plan_ids: list[str], geometry) -> None:
    """Fill the form's widgets from `record` (None: an empty form for a new park), before they are
    drawn, and remember the version the edit starts from."""
    r = record or {}
    ss = st.session_state
    for name in _TEXT_FIELDS:
        ss[f"pe_{name}"] = _text(r.get(name))
    ss["pe_kind"] = r.get("kind") if r.get("kind") in KINDS else "park"
    ss["pe_status"] = r.get("status") if r.get("status") in STATUSES else "planned"
    ss["pe_parent"] = _text(r.get("parent_id"))
    ss["pe_plan"] = r.get("programme") if r.get("programme") else (plan_ids[0] if plan_ids else "")
    ss["pe_industries"] = "\n".join(r.get("industries") or [])
    ss["pe_industries_en"] = "\n".join(r.get("industries_en") or []) if isinstance(r.get("industries_en"), list) else ""
    ss["pe_source_doc"], ss["pe_source_section"] = _text(r.get("source")), ""
    ss["pe_as_of"], ss["pe_quote"], ss["pe_reason"] = _text(r.get("as_of")), "", ""
    km2 = r.get("stated_area_km2")
    known = float(km2) if isinstance(km2, (int, float)) and km2 == km2 else None
    parsed: tuple[float | None, str, bool, bool] = (parse_area_text(r.get("stated_area_text"))
                                                    or (known, "平方公里", False, False))
    for key, value in zip(_AREA_KEYS, parsed):
        ss[key] = value
    ss["pe_area_loaded"] = parsed
    ss["pe_loaded"], ss["pe_base"] = choice, version
    ss.pop("pe_conflict", None)
    reset_placement(placement_choices(geometry, choice == NEW))


def render_parks_section(state: ViewState, ws: Workspace | None) -> None:
    """The parks table, and (for an editor or admin) the form to add, edit or retire a park."""
    lang = state.lang
    st.subheader(t("pe_parks_title", lang), anchor=False)
    flash = st.session_state.pop("pe_flash", None)
    if flash:
        st.success(flash)
    try:
        parks = data.parks()
    except LayerError as exc:
        st.error(t("data_error", lang))
        st.code(str(exc))
        return
    unplaced = int((~is_placed(parks)).sum())
    if unplaced:
        st.caption(t("not_placed_note", lang, n=unplaced))
    st.dataframe(park_table(parks, lang), width="stretch")
    if ws is None or workspace.problem() or not workspace.can_edit(ws):
        return  # the page says why (refused workspace, a role that may only look)
    if not ws.user:
        return  # the page asks once for the name every version is saved under
    raw = workspace.layer("parks")
    if raw is None:
        st.error(t("ws_refused", lang))
        return
    _form(state, ws, raw, parks, lang)


def _form(state: ViewState, ws: Workspace, raw, parks, lang: Lang) -> None:
    ss = st.session_state
    options = [NEW, *[str(i) for i in raw.index]]
    names = park_names(parks, lang)
    pending = ss.pop("pe_next_choice", None)
    if pending is not None:
        ss["pe_choice"] = pending
    if ss.get("pe_choice") not in options:
        ss["pe_choice"] = NEW
    choice = st.selectbox(t("pe_choose", lang), options, key="pe_choice",
                          format_func=lambda i: t("pe_add_new", lang, markdown=False) if i == NEW else names.get(i, i))
    plan_ids = data.programmes().ids()
    record = None if choice == NEW else {k: v for k, v in raw.loc[choice].items() if k not in ("_version", "geometry")}
    geometry = None if choice == NEW else raw.at[choice, "geometry"]
    version = 0 if choice == NEW else int(raw.at[choice, "_version"])
    if ss.get("pe_loaded") != choice or "pe_name_zh" not in ss:  # another choice, or widgets dropped meanwhile
        _load(choice, record, version, plan_ids, geometry)
    attrs = _inputs(lang, choice, raw, names, plan_ids)
    plan = attrs["programme"]
    same_plan = parks[(parks["programme"] == plan) & (parks.index != choice)] if len(parks) else parks
    placement = render_placement(state, lang, placement_choices(geometry, choice == NEW), same_plan,
                                 [names.get(str(i), str(i)) for i in same_plan.index])
    target = placement.geometry if placement.changed else geometry
    for warning in district_warnings(attrs.get("district"), target, lang):
        st.warning(warning)
    _save_controls(ws, lang, choice, record, attrs, placement, target, raw)
    if choice != NEW:
        _retire(ws, lang, choice, parks, names)


def _inputs(lang: Lang, choice: str, raw, names: dict[str, str], plan_ids: list[str]) -> dict:
    """The form's widgets; returns the park's attributes as they would be saved."""
    ss = st.session_state
    c1, c2 = st.columns(2)
    c1.text_input(t("pe_name_zh", lang), key="pe_name_zh", max_chars=120)
    c2.text_input(t("pe_name_en", lang), key="pe_name_en", max_chars=160)
    c1, c2, c3 = st.columns(3)
    kind = c1.selectbox(t("pe_kind", lang), KINDS, key="pe_kind", format_func=lambda k: label(KIND_LABELS, k, lang))
    parents = [NEW, *[i for i in map(str, raw.index) if i != choice]]
    if ss.get("pe_parent") not in parents:
        parents.append(ss["pe_parent"])  # a parent retired since: shown, and named by the check
    parent = c2.selectbox(t("pe_parent", lang), parents, key="pe_parent",
                          format_func=lambda i: t("pe_no_parent", lang, markdown=False) if i == NEW else names.get(i, i))
    plans = list(plan_ids)
    if ss.get("pe_plan") and ss["pe_plan"] not in plans:
        plans.append(ss["pe_plan"])
    plan = c3.selectbox(t("pe_plan", lang), plans, key="pe_plan", format_func=lambda p: plan_name(p, lang))
    c1, c2, c3 = st.columns(3)
    c1.text_input(t("pe_city", lang), key="pe_city", max_chars=40)
    c2.text_input(t("pe_district", lang), key="pe_district", max_chars=80, help=t("pe_district_help", lang))
    c3.text_input(t("pe_town", lang), key="pe_town", max_chars=80)
    st.text_area(t("pe_boundary", lang), key="pe_boundary_text", height=68)
    area = _area_inputs(lang, choice)
    c1, c2 = st.columns(2)
    industries = c1.text_area(t("pe_industries", lang), key="pe_industries", height=100)
    industries_en = c2.text_area(t("pe_industries_en", lang), key="pe_industries_en", height=100)
    c1, c2 = st.columns(2)
    c1.text_input(t("pe_operator", lang), key="pe_operator", max_chars=120)
    status = c2.selectbox(t("pe_status", lang), STATUSES, key="pe_status",
                          format_func=lambda s: label(STATUS_LABELS, s, lang))
    c1, c2, c3 = st.columns([3, 2, 1])
    doc = c1.text_input(t("pe_source_doc", lang), key="pe_source_doc", max_chars=300)
    section = c2.text_input(t("pe_source_section", lang), key="pe_source_section", max_chars=120)
    as_of = c3.text_input(t("pe_as_of", lang), key="pe_as_of", max_chars=10, help=t("pe_as_of_help", lang))
    st.text_area(t("pe_quote", lang), key="pe_quote", height=68, help=t("pe_quote_help", lang))
    attrs: dict = {name: _text(ss.get(f"pe_{name}")) or None for name in _TEXT_FIELDS}
    attrs.update(kind=kind, parent_id=parent or None, programme=plan or None, status=status,
                 industries=_lines(industries), industries_en=_lines(industries_en) or None,
                 source=" ".join(p for p in (doc.strip(), section.strip()) if p) or None,
                 as_of=as_of.strip() or _plan_date(plan))
    attrs.update(area)
    return attrs


def _plan_date(plan: str | None) -> str:
    """The date a new record speaks for when none is typed: its plan's date, else today."""
    p = data.programmes().get(plan) if plan else None
    return p.date if p is not None and p.date and AS_OF_PATTERN.match(p.date) else date.today().isoformat()


def _area_inputs(lang: Lang, choice: str) -> dict:
    """The stated area as written; returns the attributes that change (none while an existing
    park's area is left as it was loaded, so a text the form cannot write stays as written)."""
    ss = st.session_state
    c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
    value = c1.number_input(t("pe_area_value", lang), key="pe_area_value", value=None, min_value=0.0, format="%g")
    unit = c2.selectbox(t("pe_area_unit", lang), AREA_UNITS_AS_WRITTEN, key="pe_area_unit",
                        format_func=lambda u: u if lang == "zh" else _UNIT_EN[u])
    about = c3.checkbox(t("pe_area_about", lang), key="pe_area_about", help=t("pe_area_about_help", lang))
    over = c4.checkbox(t("pe_area_over", lang), key="pe_area_over", help=t("pe_area_over_help", lang))
    now = (value, unit, about, over)
    if choice != NEW and now == ss.get("pe_area_loaded"):
        return {}
    if value is None:
        return {"stated_area_text": None, "stated_area_km2": None}
    km2 = stated_area_km2(float(value), unit)
    text = area_text(float(value), unit, about, over)
    st.caption(t("pe_area_preview", lang, text=text, km2=km2, ha=km2 * 100, mu=km2 * 1500))
    return {"stated_area_text": text, "stated_area_km2": km2}


def _problems(attrs: dict, lang: Lang) -> list[str]:
    """What the form itself must have, said in the page's language (the record check follows)."""
    needed = {"name_zh": "pe_need_name_zh", "programme": "pe_need_plan", "city": "pe_need_city",
              "district": "pe_need_district", "source": "pe_need_source"}
    out = [t(key, lang) for field, key in needed.items() if not attrs.get(field)]
    if attrs.get("as_of") and not AS_OF_PATTERN.match(str(attrs["as_of"])):
        out.append(t("pe_bad_as_of", lang, value=attrs["as_of"]))
    return out


def _save_controls(ws: Workspace, lang: Lang, choice: str, record: dict | None, attrs: dict, placement: Placement,
                   geometry, raw) -> None:
    ss = st.session_state
    if placement.changed:
        attrs["geometry_quality"] = placement.quality
    elif choice == NEW:
        attrs["geometry_quality"] = None
    every = workspace.layer("parks", include_hidden=True)
    taken = set(map(str, (raw if every is None else every).index))  # a retired park's id stays taken
    plans_every = workspace.layer("programmes", include_hidden=True)
    taken |= set() if plans_every is None else set(map(str, plans_every.index))  # a target names either: never both
    plan = attrs.get("programme") or ""
    park_id = choice or new_id(plan.split("-")[0], attrs.get("name_en") or "", taken)
    if choice == NEW:
        st.caption(t("pe_new_id", lang, id=park_id, markdown=False))  # a slug, in a code span
    reason = st.text_input(t("save_reason", lang), key="pe_reason", max_chars=300)
    conflict = ss.get("pe_conflict")
    on_top = False
    if conflict:
        st.error(t("conflict_title", lang, author=conflict["author"], version=conflict["version"]))
        st.caption(t("conflict_reason", lang, reason=conflict["reason"], time=conflict["time"]))
        c1, c2 = st.columns(2)
        if choice != NEW and conflict["version"] is not None:  # a new park gets another id on the next save
            on_top = c1.button(t("pe_conflict_on_top", lang, version=conflict["version"]), key="pe_conflict_on_top")
        if c2.button(t("pe_conflict_reload", lang), key="pe_conflict_reload"):
            ss["pe_loaded"] = None
            st.rerun()
    pressed = st.button(t("pe_save_new" if choice == NEW else "pe_save", lang), key="pe_save", type="primary",
                        disabled=not reason.strip() or not placement.ready)
    if not placement.ready:
        st.caption(t("pe_place_first", lang))
    if not (pressed or on_top):
        return
    full = {**(record or {}), **attrs}
    context = RecordContext.from_frames({"parks": raw, "programmes": data.records("programmes")})
    problems = _problems(attrs, lang)
    found = check("parks", park_id, full, geometry, context) if not problems else []
    if problems or found:
        st.error(t("pe_not_saved_problems", lang))
        for p in problems:
            st.markdown(f"- {p}")
        if found:
            st.code("\n".join(found))
        return
    base = int(conflict["version"]) if on_top and conflict else int(ss.get("pe_base") or 0)
    quote = _text(ss.get("pe_quote"))
    evidence = f"{full.get('source') or ''}：“{quote}”" if quote else str(full.get("source") or "")
    try:
        version = ws.save_feature("parks", park_id, geometry if placement.changed else None, attrs,
                                  reason=reason.strip(), evidence=evidence, expected_version=base)
    except ConflictError as exc:
        _remember_conflict(exc)
        return
    except (PermissionDenied, LayerValidationError, StoreError, ValueError) as exc:
        workspace.report_failure(exc, lang)
        return
    workspace.changed()
    ss["pe_flash"] = t("pe_saved", lang, name=attrs["name_zh"], id=park_id, version=version)
    ss["pe_loaded"] = None
    ss["pe_next_choice"] = NEW if choice == NEW else choice
    st.rerun()


def _remember_conflict(exc: ConflictError) -> None:
    """Keep the refused save's other side for the form (the input stays as typed)."""
    theirs = exc.theirs or {}
    when = theirs.get("time")
    st.session_state["pe_conflict"] = {"author": str(theirs.get("author") or "?"), "version": exc.current_version,
                                       "reason": str(theirs.get("reason") or ""),
                                       "time": f"{when:%Y-%m-%d %H:%M} UTC" if when is not None else ""}
    workspace.changed()
    st.rerun()


def _retire(ws: Workspace, lang: Lang, park_id: str, parks, names: dict[str, str]) -> None:
    """Retire a park: hidden everywhere, every version kept (an admin can show it again)."""
    with st.expander(t("pe_retire_title", lang)):
        st.caption(t("pe_retire_note", lang))
        children = [names.get(str(i), str(i)) for i in parks.index[parks["parent_id"] == park_id]]
        if children:
            st.warning(t("pe_retire_children", lang, n=len(children), names="、".join(children) if lang == "zh"
                         else "; ".join(children)))
        reason = st.text_input(t("pe_retire_reason", lang), key="pe_retire_reason", max_chars=300)
        if not st.button(t("pe_retire", lang), key="pe_retire", disabled=not reason.strip()):
            return
        try:
            version = ws.hide_feature("parks", park_id, reason=reason.strip(),
                                      expected_version=int(st.session_state.get("pe_base") or 0) or None)
        except ConflictError as exc:
            _remember_conflict(exc)
            return
        except (PermissionDenied, StoreError, ValueError) as exc:
            workspace.report_failure(exc, lang)
            return
    workspace.changed()
    st.session_state["pe_flash"] = t("pe_retired", lang, name=names.get(park_id, park_id), version=version)
    st.session_state["pe_loaded"] = None
    st.session_state["pe_next_choice"] = NEW
    st.session_state.pop("pe_retire_reason", None)
    st.rerun()
