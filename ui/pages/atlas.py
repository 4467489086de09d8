"""The atlas (home page): the park map with filters, a profile of the clicked park, and a table.

Deep link: `?park=<id>` opens the atlas zoomed to that park with its profile open; an unknown id
shows a notice and the whole atlas.
"""

from __future__ import annotations

import math
import os
from functools import partial
from urllib.parse import urlsplit

import geopandas as gpd
import streamlit as st

from geo.generalize import zoom_for_bounds
from geo.query import features_at
from layers.big_layers import is_big
from layers.park_lookup import named_in
from layers.parks import filter_parks, is_placed, placed
from ui import atlas_url, big_layers, data, link_notices, networks, park_finder
from ui.atlas_symbols import coloured_by_progress, target_sizes
from ui.atlas_tables import render_tables
from ui.filters import filter_values, hidden_notice, network_year, sidebar_filters
from ui.i18n import Lang, t
from ui.mapview import base_map, cached, layer_control, park_groups, plan_legend
from ui.mapview.basemaps import click_to_wgs84, for_display, point_for_display
from ui.panels.inspection_section import conflict_overlay, render_inspection_section, user_overlay
from ui.panels.landuse_panel import render_landuse_section
from ui.mapview.landuse import landuse_group
from ui.mapview.transport import transport_groups
from ui.profile import profile_html
from ui.profile_sections import access_html, facilities_html, named_links_html, targets_html
from ui.state import ViewState, select_park
from ui.urlstate import shortened
from ui.page import map_first_header, start_with_parks, vendor_url
from ui import workspace
from ui.panels.history_panel import outline_note, render_history
from ui.panels.outline_editor import render_outline_editor, start_editing

MAP_HEIGHT = 680


def _apply_deep_link(state: ViewState, parks: gpd.GeoDataFrame) -> str | None:
    """On the first run, select the park named by `?park=`; return the id if it is unknown."""
    if state.deep_link_checked:
        return None
    state.deep_link_checked = True
    wanted = st.query_params.get("park")
    if not wanted:
        return None
    if wanted in parks.index:
        state.selected_park = wanted
        return None
    del st.query_params["park"]
    return wanted


def _picked_park(result: dict | None, shown: gpd.GeoDataFrame, state: ViewState) -> str | None:
    """The id of the park a new map click landed on, or None (no click, or the same click again).

    Uses the clicked object's position when streamlit-folium reports one, else the map click
    itself (it does not report clicks on GeoJSON point markers), with a tolerance of about 12
    screen pixels at the current zoom so a click on a marker counts.
    """
    if not result:
        return None
    clicked = result.get("last_object_clicked") or result.get("last_clicked")
    if not clicked:
        return None
    click = (clicked.get("lat"), clicked.get("lng"), result.get("last_object_clicked_tooltip"))
    if click == state.last_click:
        return None
    state.last_click = click
    lat, lon = click_to_wgs84(float(click[0]), float(click[1]), state.basemap)  # Gaode shows GCJ-02
    click = (lat, lon, click[2])
    zoom = result.get("zoom") or 10
    metres_per_pixel = 156_543.03 * math.cos(math.radians(float(click[0]))) / (2 ** float(zoom))
    hits = features_at(shown, lon=float(click[1]), lat=float(click[0]), tolerance_m=max(12 * metres_per_pixel, 5.0))
    chosen = named_in(shown, list(hits), click[2] or "") or list(hits)  # a phase's tooltip holds its park's name too
    return chosen[0] if chosen else None


DEFAULT_VIEW = ((23.0, 113.3), 8)
"""Where the map looks when no park has a place yet: the Pearl River Delta."""


def _not_placed_notice(shown: gpd.GeoDataFrame, lang: Lang) -> None:
    """Say which of the parks shown are recorded but not placed yet: in the table, not on the map."""
    waiting = shown[~is_placed(shown)]
    if not waiting.empty:
        names = waiting["name_zh" if lang == "zh" else "name_en"].astype(str).tolist()
        st.caption(t("not_placed_atlas", lang, n=len(waiting), names="、".join(names[:8]) + ("…" if len(names) > 8 else "")))


def _view_of(shown: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, selected: str | None) -> tuple[tuple[float, float], int]:
    """Map centre (lat, lon) and zoom: the selected park, else everything shown, else all parks
    (only parks with a place count: one not placed yet has nowhere to look at)."""
    shown, parks = placed(shown), placed(parks)
    target = parks.loc[[selected]] if selected in parks.index else (shown if not shown.empty else parks)
    if target.empty:
        return DEFAULT_VIEW
    minx, miny, maxx, maxy = target.total_bounds
    zoom = zoom_for_bounds((minx, miny, maxx, maxy), width_px=560, height_px=MAP_HEIGHT - 60)
    if selected in parks.index:  # leave room around the selected park
        zoom = 13 if target.geometry.iloc[0].geom_type == "Point" else max(zoom - 1, 1)
    return ((miny + maxy) / 2, (minx + maxx) / 2), zoom


MAP_FIRST_ENV = "PARKATLAS_MAP_FIRST"
SIDEBAR_SHOWN = "atlas_sidebar_shown"


def _first_paint() -> bool:
    """Whether this run is a session's first paint of the atlas, which sends the map alone: the
    sidebar's widgets (whose code is most of what a fresh browser downloads) follow in the rerun
    the drawn map asks for (`ui.mapview.base.FillFrame`), or with the visitor's first action.
    `PARKATLAS_MAP_FIRST=0` turns this off (AppTests: no browser asks for the rerun), and so do
    missing map assets: a map that cannot draw would never ask for the sidebar and page links."""
    from ui.assets import missing_files

    return (os.environ.get(MAP_FIRST_ENV, "1") != "0" and not st.session_state.get(SIDEBAR_SHOWN)
            and not missing_files())


ATLAS_URL_PATHS = ("home", "atlas")
"""The URL paths the atlas is served at (`streamlit_app.py`); "/" is "home"."""


def navigation_position(url: str | None, base_url_path: str = "") -> str:
    """Where `st.navigation` puts the page links this run: "hidden" when the run is the atlas's first
    paint (the links come with the sidebar in the next run: on the first paint, the sidebar and its
    page list were a tenth of a second of a fresh browser's work before the map), else "sidebar".
    `url` is `st.context.url` before navigation, `base_url_path` Streamlit's `server.baseUrlPath`."""
    return "hidden" if _first_paint() and is_atlas_address(url, base_url_path) else "sidebar"


def is_atlas_address(url: str | None, base_url_path: str = "") -> bool:
    """Whether the browser's address `url` (no query) opens the atlas; an unknown address does not.

    >>> is_atlas_address("http://127.0.0.1:8501"), is_atlas_address("http://h/atlas"), is_atlas_address("http://h/sites")
    (True, True, False)
    >>> is_atlas_address("https://h/parkatlas/home", "/parkatlas/"), is_atlas_address("https://h/parkatlas/data", "parkatlas")
    (True, False)
    >>> is_atlas_address(None)
    False
    """
    if url is None:
        return False
    path = urlsplit(url).path.strip("/")
    prefix = base_url_path.strip("/")
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix):].strip("/")
    return path in ("", *ATLAS_URL_PATHS)


def render() -> None:
    """Draw the atlas page."""
    first_paint = _first_paint()
    started = start_with_parks(sidebar=not first_paint)
    if started is None:
        return
    state, parks = started
    lang = state.lang
    unknown = _apply_deep_link(state, parks)
    dropped = atlas_url.seed_from_url(state, parks)
    if first_paint:
        flt, year = filter_values(parks, state), state.network_year
    else:
        search_slot = st.sidebar.container()  # the park search heads the sidebar (drawn once a table click is known)
        flt, year = sidebar_filters(parks, state), network_year(state)
        networks.choose(state.lang)
    atlas_url.sync_url(state, flt)
    radii, size_legend = target_sizes(state, parks, widgets=not first_paint)
    shown = filter_parks(parks, flt)
    _open_picked_row(state, shown)
    if not first_paint:
        park_finder.atlas_search(state, search_slot)
    drawn = _drawn(shown, parks, state.selected_park)
    lines, nodes = data.network(year)
    facilities, _ = data.optional_layer("facilities")

    map_first_header(t("app_title", lang), t("app_tagline", lang), t("shown", lang, n=len(shown), total=len(parks)),
                     "" if state.selected_park in parks.index else t("click_hint", lang))
    link_notices.remember("atlas", ([t("unknown_park", lang, id=shortened(unknown))] if unknown else [])
                          + [t("url_value_dropped", lang, what=problem) for problem in dropped])
    link_notices.show("atlas", lang)
    if state.flash:
        st.success(state.flash)
        state.flash = None
    _warn_missing_layers(lang)
    if not first_paint:  # the notice's button comes with the sidebar's widgets, after the map's first paint
        hidden_notice(len(parks) - len(shown), len(parks), lang, "clear_filters", partial(atlas_url.clear_filters, state))
        _not_placed_notice(shown, lang)

    selected = state.selected_park in parks.index
    # The map takes the whole width; a selected park's profile opens beside it.
    map_col, side_col = st.columns([3, 2], gap="small") if selected else (st.container(), st.container())
    home_center, home_zoom = _view_of(parks, parks, None)
    center, zoom = _view_of(shown, parks, state.selected_park)
    bm = state.basemap  # over Gaode every layer is shifted to GCJ-02 for display only
    home_center, center = point_for_display(*home_center, bm), point_for_display(*center, bm)
    landuse = _selected_landuse(state, parks)
    with map_col:
        if state.editing_outline in parks.index:
            render_outline_editor(state, parks.loc[state.editing_outline], lang)
            result = None
        else:
            result = _atlas_map(state, parks, drawn, radii, size_legend, (home_center, home_zoom), (center, zoom),
                                (lines, nodes, facilities, landuse))
    if first_paint:
        st.session_state[SIDEBAR_SHOWN] = True
    picked = _picked_park(result, drawn, state)
    if picked and picked != state.selected_park:
        select_park(state, picked)
        st.rerun()

    with side_col:
        if state.selected_park in parks.index:
            if state.selected_park not in shown.index:
                st.caption(t("selected_but_hidden", lang))
            park_finder.same_place_chooser(state, parks)
            _edit_button(state, state.selected_park, lang)
            st.html(profile_html(parks.loc[state.selected_park], parks, lang, outline_note(state.selected_park, lang)))
            render_history(state, state.selected_park)
            _profile_sections(state.selected_park, year, facilities, lang)
            if state.show_landuse and landuse is None:
                st.caption(t("landuse_needs_outline", lang))
            if landuse is not None:
                render_landuse_section(landuse[1], landuse[2], parks.at[state.selected_park, "programme"] == "gz-value-innovation", lang)
            render_inspection_section(state.selected_park, lang)
            if st.button(t("close_profile", lang), key="close_profile"):
                select_park(state, None)
                st.rerun()
        if shown.empty:
            st.warning(t("none_match", lang))

    if not first_paint:  # below the fold; its toggle's code would hold back the map's in a fresh browser
        render_tables(shown, year, lang, state.selected_park)


def _drawn(shown: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, selected: str | None) -> gpd.GeoDataFrame:
    """The parks the map draws: those the filters show, and the open park even when they hide it
    (the search, a link or the chooser open any park)."""
    if selected in parks.index and selected not in shown.index:
        return parks.loc[[*shown.index, selected]]
    return shown


TABLE_ROWS = (park_finder.PARK_ROWS, park_finder.ACCESS_ROWS)
"""The atlas's tables whose rows open a park (both list the parks shown, in order)."""


def _open_picked_row(state: ViewState, shown: gpd.GeoDataFrame) -> None:
    """Open the park of a table row clicked since the last run (before anything shows the open park)."""
    for prefix in TABLE_ROWS:
        picked = park_finder.row_pick(prefix, list(shown.index), state.selected_park)
        if picked:
            select_park(state, picked)
            return


def _atlas_map(state: ViewState, parks, shown, radii, size_legend, home, view, layers) -> dict | None:
    """The atlas map: parks, transport, facilities, land use of the selected park and the
    workspace's user layers as overlays (GeoJSON up to BIG_LAYER_FEATURES each, bigger ones from
    their vector tiles, `ui.big_layers`). Its JavaScript is built once per view (`ui.mapview.cached`): a
    rerun or another visitor with the same language, basemap, year, filter, selection, sizing and
    data only sends it again."""
    lang, bm = state.lang, state.basemap
    lines, nodes, facilities, landuse = layers
    mine = data.user_layers()
    tiled = _tiled_layers([layer for layer in mine if is_big(layer.gdf)], bm, lang)
    (home_center, home_zoom), (center, zoom) = home, view
    returned = ["last_object_clicked", "last_object_clicked_tooltip", "last_clicked", "zoom"]

    def build() -> cached.PreparedMap:
        frame = for_display(data.park_display_rows(lang, shown.index), bm)
        plans = plan_legend(shown["programme"], data.programmes(), lang)
        if state.colour_by == "progress":
            frame, plans = coloured_by_progress(frame, lang)
        overlays = park_groups(frame, lang, state.selected_park, hollow_selected=landuse is not None,
                               radii=radii) + transport_groups(
            for_display(lines, bm), for_display(nodes, bm),
            for_display(facilities if facilities is not None else data.empty_layer("park_id", "category"), bm),
            for_display(parks, bm), lang)
        if landuse is not None:
            overlays.insert(0, landuse_group(for_display(landuse[0], bm), lang, landuse[2]))
        overlays += [user_overlay(layer, bm, i, lang)  # imported or drawn (Data page); constraints in their colours
                     for i, layer in enumerate(mine) if not is_big(layer.gdf)]
        conflicts = conflict_overlay(state.selected_park, bm, lang)  # the open park's conflicts, hatched
        if conflicts is not None:
            overlays.append(conflicts)
        fig = base_map(lang, bm, home_center, home_zoom, vendor_url(), size_legend, fill_frame=True, plans=plans)
        for layer, path in tiled:  # big layers: from their vector-tile archives, at every zoom
            big_layers.map_layer(layer, path, lang).add_to(fig)
        return cached.prepare(fig, overlays, layer_control(), returned)

    view_key = ("atlas", lang, bm, state.colour_by, state.network_year, tuple(shown.index), state.selected_park, landuse is not None,
                tuple(sorted((radii or {}).items())), repr(size_legend), home, vendor_url(), data._all_key(),
                tuple(big_layers.tiles_url(path) for _, path in tiled))  # per session: its URLs die with it
    return cached.show(cached.prepared(view_key, build), key="atlas_map", height=MAP_HEIGHT,
                       returned_objects=returned, center=center, zoom=zoom)


def _tiled_layers(big: list, basemap: str, lang: Lang) -> list:
    """(layer, archive) of the big user layers whose vector tiles are built for this revision and
    display system. The others' tiles are started now, in a child process that outlives the page
    (a layer that changed is rebuilt without anyone asking); the page says so and reruns itself
    when they are done. A build that failed is named with its reason and a button to try again."""
    tiled, pending = [], []
    for layer in big:
        path = big_layers.existing(layer, basemap)
        why = big_layers.failed(layer, basemap) if path is None else None
        if path is not None:
            tiled.append((layer, path))
        elif why is not None:
            st.error(t("tiles_failed", lang, name=layer.name, why=why))
            if st.button(t("tiles_retry", lang), key=f"tiles_retry_{layer.layer_id}"):
                big_layers.start(layer, basemap, retry=True)
                st.rerun()
        else:
            big_layers.start(layer, basemap)
            pending.append(layer)
    if pending:
        st.caption(t("tiles_being_built", lang, name="、".join(layer.name for layer in pending)))
        _rerun_when_built(pending, basemap)
    return tiled


@st.fragment(run_every=2.0)
def _rerun_when_built(pending: list, basemap: str) -> None:
    """Every 2 s while big layers' tiles are being built: rerun the page once none is building."""
    if not any(big_layers.building(layer, basemap) for layer in pending):
        st.rerun(scope="app")


def _edit_button(state: ViewState, park_id: str, lang: Lang) -> None:
    """"Draw / edit the outline" of the selected park (opens the editor in place of the map)."""
    if not workspace.can_edit(workspace.current()) or state.editing_outline == park_id:
        return
    if st.button(t("edit_outline", lang), key="edit_outline", icon="✏️"):
        start_editing(state, park_id)
        st.rerun()


def _selected_landuse(state: ViewState, parks: gpd.GeoDataFrame):
    """(clipped parcels, composition, illustrative) of the selected polygon park, if land use is on."""
    pid = state.selected_park
    if not state.show_landuse or pid not in parks.index or parks.at[pid, "area_m2"] <= 0:
        return None
    return data.landuse_for_park(pid)


def _warn_missing_layers(lang: Lang) -> None:
    """Say which optional layers could not be loaded (the atlas goes on without them)."""
    for layer_id in ("transport_lines", "transport_nodes", "facilities"):
        _, problem = data.optional_layer(layer_id)
        if problem:
            with st.expander(t("layer_warning", lang, layer=layer_id, markdown=False), icon="⚠️"):  # our own ids
                st.code(problem)


def _profile_sections(park_id: str, year: int | str, facilities: gpd.GeoDataFrame | None, lang: Lang) -> None:
    """Access (in the chosen year and in the full plan) and facilities of the selected park."""
    network = networks.chosen()
    now, full = networks.access(network, year), networks.access(network, "full")
    if network is not None and now is not None and full is not None:
        lines, nodes = network.lines, network.nodes
        st.html(access_html(park_id, now, full, year, lines, nodes, lang, networks.statement(network, year, lang)))
        if not network.is_plan:  # the plan's named links of the park are listed whatever the network
            lines, _ = data.optional_layer("transport_lines")
            nodes, _ = data.optional_layer("transport_nodes")
        named = named_links_html(park_id, lines, nodes, lang) if lines is not None and nodes is not None else ""
        if named:
            st.html(named)
    if facilities is not None:
        st.html(facilities_html(park_id, facilities, lang))
    targets, _ = data.optional_layer("targets")
    if targets is not None and (park_id == targets["park_id"]).any():
        st.html(targets_html(park_id, targets, lang, data.progress()))
