"""The atlas's outline editor: draw a new outline for the selected park or move the vertices of
its current one (leaflet-draw, served from our install), see the area while editing, and save it
as a new version with a reason. A save from a version someone else has since replaced is refused
and both outlines are shown; the officer then re-applies theirs or drops it."""

from __future__ import annotations

from dataclasses import dataclass

import shapely
import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from geo._errors import InputError
from geo.generalize import zoom_for_bounds
from geo.outline import prepare_outline, union_of
from layers._errors import LayerValidationError
from layers.outlines import check_outline
from store import ConflictError, PermissionDenied, StoreError
from ui import workspace
from ui.assets import localize
from ui.i18n import LANGS, Lang, t
from ui.mapview import base_map
from ui.mapview.draw_control import add_draw
from ui.mapview.outlines import LiveArea, editable_outline, outline_pair
from ui.panels.outline_checks import render_check
from ui.page import vendor_url
from ui.safe_html import md
from ui.state import ViewState

EDITOR_HEIGHT = 560
EDIT_OPTIONS = {"edit": {"selectedPathOptions": {"maintainColor": True, "dashArray": "8, 6", "fillOpacity": 0.1}},
                "remove": {}, "poly": {"allowIntersection": False}}
"""leaflet-draw's edit toolbar: `edit` and `remove` must be objects (a bare `true` leaves the
vertex handles undrawn), and a ring may not cross itself while its vertices move."""


@dataclass
class Conflict:
    """A refused save: the store's ConflictError and the outline the editor tried to save."""

    error: ConflictError
    mine: shapely.Geometry
    reason: str
    evidence: str


def _margin_deg(park) -> float:
    """Room around the park in the editor, in degrees: for a point, enough for an outline of the
    stated area (about 1.5× its side; 1 km without one), for an outline a little around it."""
    if park.geometry.geom_type != "Point":
        return 0.004
    stated = park.get("stated_area_km2")
    side_km = float(stated) ** 0.5 if stated is not None and stated == stated and float(stated) > 0 else 1.0
    return min(max(side_km * 1.5 / 100, 0.01), 0.15)


def start_editing(state: ViewState, park_id: str) -> None:
    """Open the editor on `park_id`, remembering the version the edit starts from and its geometry."""
    frame = workspace.layer("parks")
    known = frame is not None and park_id in frame.index
    state.editing_outline = park_id
    state.edit_base_version = int(frame.at[park_id, "_version"]) if known else None
    state.edit_base_geometry = frame.at[park_id, "geometry"] if known else None
    state.conflict = None


def stop_editing(state: ViewState) -> None:
    state.editing_outline = None
    state.edit_base_version = None
    state.edit_base_geometry = None
    state.conflict = None


def _saved_meanwhile(state: ViewState, park_id: str) -> dict | None:
    """The version another save made of the park since this edit started ({"version", "author",
    "time"}), or None while the edit is on the current version."""
    frame = workspace.layer("parks")
    if state.edit_base_version is None or frame is None or park_id not in frame.index:
        return None
    current = int(frame.at[park_id, "_version"])
    if current == state.edit_base_version:
        return None
    hist = workspace.current().history("parks", park_id) if workspace.current() is not None else None
    last = hist.iloc[-1] if hist is not None and len(hist) else None
    return {"version": current, "author": str(last["author"]) if last is not None else "?",
            "time": f"{last['time']:%H:%M:%S}" if last is not None and last["time"] is not None else ""}


def editor_basemap(state: ViewState) -> str:
    """The basemap the editor draws on: the page's, unless it is one of the shifted (GCJ-02) or
    token-bound ones, then the light basemap. The evidence saved names this one."""
    return state.basemap if state.basemap in ("light", "osm", "satellite") else "light"


def drawn_outline(drawings: list[dict] | None) -> shapely.Geometry | None:
    """The polygons of the editor's drawings as one geometry (None when there are none)."""
    polygons = []
    for feature in drawings or []:
        try:
            geom = shape(feature.get("geometry") or {})
        except (AttributeError, ValueError, TypeError, KeyError):
            continue
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            polygons.append(geom)
    return union_of(polygons) if polygons else None


def render_outline_editor(state: ViewState, park, lang: Lang) -> None:
    """The editor in place of the atlas map, for the park row `park` (of ui.data.parks())."""
    ws = workspace.current()
    name = park["name_zh"] if lang == "zh" else park["name_en"]
    st.subheader(t("edit_outline_title", lang, name=name), anchor=False)
    if ws is None:
        st.error(t("ws_refused", lang))
        return
    if isinstance(state.conflict, Conflict):
        _render_conflict(state, park, lang)
        return
    st.caption(t("edit_outline_hint", lang))
    # The editor draws the version the edit started from, all through the edit: when another
    # officer saves meanwhile, the map (and what is drawn on it) stays; the save then asks.
    base = state.edit_base_geometry if state.edit_base_geometry is not None else park.geometry
    park = park.copy()
    park["geometry"] = base
    meanwhile = _saved_meanwhile(state, park["id"])
    if meanwhile:
        st.warning(t("edit_saved_meanwhile", lang, **meanwhile))
    minx, miny, maxx, maxy = base.buffer(_margin_deg(park)).bounds
    zoom = zoom_for_bounds((minx, miny, maxx, maxy), width_px=800, height_px=EDITOR_HEIGHT - 60)
    basemap = editor_basemap(state)
    m = base_map(lang, basemap, ((miny + maxy) / 2, (minx + maxx) / 2), min(zoom, 16), vendor_url(), compact=True)
    group = editable_outline(park.geometry, t("edit_outline_layer", lang))
    group.add_to(m)
    if park.geometry.geom_type == "Point":
        outline_pair(park.geometry, None, t("edit_known_point", lang), t("edit_known_point", lang), "").add_to(m)
    add_draw(m, lang, export=False, position="topleft", feature_group=group,
             draw_options={"polyline": False, "circle": False, "circlemarker": False, "marker": False,
                           "rectangle": True, "polygon": {"allowIntersection": False, "showArea": False}},
             edit_options=EDIT_OPTIONS)
    LiveArea(group, t("live_drawing", lang), t("live_outline", lang), t("live_note", lang), t("live_none", lang),
             t("live_short", lang)).add_to(m)
    result = st_folium(localize(m, vendor_url()), key=f"outline_editor_{park['id']}_{state.edit_base_version}",
                       height=EDITOR_HEIGHT, use_container_width=True, returned_objects=["all_drawings"])
    drawings = (result or {}).get("all_drawings")
    try:
        outline = drawn_outline(drawings) if drawings is not None else None
    except InputError as exc:
        st.error(md(str(exc)))
        outline = None
    if drawings is not None and outline is None:
        st.warning(t("edit_no_polygon", lang))
    if outline is None:
        st.info(t("edit_waiting", lang))
        if st.button(t("edit_cancel", lang), key="outline_cancel"):
            stop_editing(state)
            st.rerun()
        return
    prepared = prepare_outline(outline)
    render_check(check_outline(park, prepared.geometry), prepared.repairs, lang)
    _save_form(state, ws, park, prepared.geometry, lang)


def _save_form(state: ViewState, ws, park, outline: shapely.Geometry, lang: Lang) -> None:
    if workspace.writer(lang, "outline") is None:
        return
    reason = st.text_input(t("save_reason", lang), key="outline_reason", max_chars=300, placeholder=t("save_reason_hint", lang))
    evidence = _evidence_input(state, lang)
    c1, c2 = st.columns(2)
    if c1.button(t("save_outline", lang), key="outline_save", type="primary", disabled=not reason.strip()):
        _save(state, ws, park["id"], outline, reason, evidence, state.edit_base_version, lang)
    if c2.button(t("edit_cancel", lang), key="outline_cancel"):
        stop_editing(state)
        st.rerun()


def _evidence_input(state: ViewState, lang: Lang) -> str:
    """The evidence field, filled with what the editor is (in `lang`, naming the basemap drawn
    on). The text is saved and read later, so while the officer has not changed it, it follows a
    language switch rather than keeping the language the editor was opened in."""
    key = "outline_evidence"
    basemap = editor_basemap(state)
    defaults = {code: t("drawn_evidence", code, basemap=t(f"basemap_{basemap}", code), markdown=False) for code in LANGS}
    if key in st.session_state and st.session_state[key] in defaults.values():
        st.session_state[key] = defaults[lang]
    return st.text_input(t("save_evidence", lang), key=key, max_chars=300,
                         value="" if key in st.session_state else defaults[lang])


def _save(state: ViewState, ws, park_id: str, outline, reason: str, evidence: str, expected: int | None, lang: Lang) -> None:
    try:
        version = ws.save_feature("parks", park_id, outline, {"geometry_quality": "digitised"}, reason=reason,
                                  evidence=evidence, expected_version=expected)
    except ConflictError as exc:
        state.conflict = Conflict(exc, outline, reason, evidence)
        workspace.changed()
        st.rerun()
    except (PermissionDenied, LayerValidationError, StoreError, ValueError) as exc:
        st.error(t("save_failed", lang))
        st.code(str(exc))
        return
    workspace.changed()
    stop_editing(state)
    state.flash = t("outline_saved", lang, version=version)
    st.rerun()


def _render_conflict(state: ViewState, park, lang: Lang) -> None:
    """Theirs (the version saved in between) against mine, with the areas; re-apply or drop."""
    from geo.measure import geodesic_area_one_m2

    c: Conflict = state.conflict
    theirs = c.error.theirs
    st.error(t("conflict_title", lang, author=theirs.get("author", "?"), version=c.error.current_version))
    st.caption(t("conflict_reason", lang, reason=theirs.get("reason", ""), time=f"{theirs.get('time'):%Y-%m-%d %H:%M} UTC"
                                                                         if theirs.get("time") else ""))
    a_theirs, a_mine = geodesic_area_one_m2(theirs.get("geometry")), geodesic_area_one_m2(c.mine)
    st.markdown(t("conflict_areas", lang, theirs=f"{a_theirs / 1e6:,.3f}", mine=f"{a_mine / 1e6:,.3f}"))
    minx, miny, maxx, maxy = shapely.union_all([g for g in (theirs.get("geometry"), c.mine) if g is not None]).buffer(0.003).bounds
    m = base_map(lang, "light", ((miny + maxy) / 2, (minx + maxx) / 2),
                 min(zoom_for_bounds((minx, miny, maxx, maxy), 800, 440), 16), vendor_url(), compact=True)
    outline_pair(theirs.get("geometry"), c.mine, t("conflict_map", lang), t("conflict_theirs", lang), t("conflict_mine", lang)).add_to(m)
    st_folium(localize(m, vendor_url()), key=f"conflict_{park['id']}_{c.error.current_version}", height=460,
              use_container_width=True, returned_objects=[])
    c1, c2 = st.columns(2)
    if c1.button(t("conflict_reapply", lang), key="conflict_reapply", type="primary"):
        state.conflict = None
        _save(state, workspace.current(), park["id"], c.mine, c.reason, c.evidence, c.error.current_version, lang)
    if c2.button(t("conflict_drop", lang), key="conflict_drop"):
        stop_editing(state)
        st.rerun()
