"""Layers for the pages, from the workspace: read once per layer revision, not per rerun.

Every layer the app shows comes from the workspace (`ui.workspace`), which was seeded from the
bundled data/ and holds the officers' changes; a derived frame (the parks as drawn, access, land
use of a park) is cached by the revisions of the layers it is made from, so a save anywhere shows
on the next rerun and nothing is recomputed otherwise. When the workspace is refused the pages
fall back to the bundled files (read-only). Everything returned is shared between sessions:
never mutate it.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
import pandas as pd
import streamlit as st

from layers import registry
from layers._errors import LayerError, LayerValidationError
from layers.access import access_table
from layers.programmes import Catalogue
from layers.transport import check_line_refs, open_in
from layers.user_layers import UserLayer
from store import WorkspaceError
from ui import workspace
from ui.i18n import Lang
from ui.mapview import display_frame

INTERNAL = ("_version", "_hidden")


def _key(*layer_ids: str) -> tuple:
    """What a derived frame depends on: the workspace and the revisions of `layer_ids`."""
    revs = workspace.revisions()
    return (workspace.location(),) + tuple(revs.get(i, -1) for i in layer_ids)


def _all_key() -> tuple:
    """The workspace and the revision of every layer (for what depends on the list of layers)."""
    return (workspace.location(), tuple(sorted(workspace.revisions().items())))


@st.cache_resource(show_spinner=False, max_entries=32)
def _bundled(layer_id: str, data_dir: str) -> gpd.GeoDataFrame:
    return registry.load(layer_id)


@st.cache_resource(show_spinner=False, max_entries=32)
def _finished(layer_id: str, key: tuple) -> gpd.GeoDataFrame:
    frame = workspace.layer(layer_id)
    return registry.finish(layer_id, frame.drop(columns=[c for c in INTERNAL if c in frame.columns]))


def _layer(layer_id: str) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """(frame, None); (None, None) when there is no such layer; (None, why) when it is broken."""
    ws = workspace.current()
    revisions = workspace.revisions()  # also tells whether the workspace can be read now
    if ws is None or workspace.problem():  # refused or unreachable: the bundled files, read-only
        if not registry.is_bundled(layer_id):
            return None, None
        try:
            return _bundled(layer_id, str(registry.data_dir())), None
        except (LayerError, OSError) as exc:
            return None, str(exc)
    if layer_id in revisions:
        try:
            return _finished(layer_id, _key(layer_id)), None
        except WorkspaceError as exc:  # it went away between the two reads
            workspace.went_down(ws.location, str(exc))
            return _layer(layer_id)
    return None, ws.bundle_problems.get(layer_id)


def parks() -> gpd.GeoDataFrame:
    """The parks layer (EPSG:4326, indexed by id, with geodesic areas): the workspace's current
    state. Raises LayerError when there is none (its bundled file could not be read)."""
    frame, problem = _layer("parks")
    if frame is None:
        raise LayerValidationError((problem or "no parks layer in the workspace or the data folder").splitlines())
    return frame


@st.cache_resource(show_spinner=False, max_entries=8)
def _display(lang: Lang, key: tuple) -> gpd.GeoDataFrame:
    return display_frame(parks(), lang, programmes())


def park_display_frame(lang: Lang) -> gpd.GeoDataFrame:
    """The placed parks as the map draws them in `lang` (simplified, escaped tooltips, each in its
    plan's colour)."""
    return _display(lang, _key("parks", "programmes"))


@st.cache_resource(show_spinner=False, max_entries=8)
def _catalogue(key: tuple) -> Catalogue:
    frame, _ = _layer("programmes")
    return Catalogue(frame)


def programmes() -> Catalogue:
    """The plans of the workspace (names, colours, citations), cached by the layer's revision.
    Empty when there is no `programmes` layer: parks then show their plan ids, in grey."""
    return _catalogue(_key("programmes"))


def records(layer_id: str) -> pd.DataFrame | None:
    """A table of records of the workspace (`targets`, `actuals`, `programmes`) as a plain
    DataFrame indexed by id (no geometry), or None when the workspace has no such layer."""
    frame, _ = _layer(layer_id)
    if frame is None:
        return None
    return pd.DataFrame(frame.drop(columns=[c for c in ("geometry",) if c in frame.columns]))


def park_display_rows(lang: Lang, ids) -> gpd.GeoDataFrame:
    """The display rows (`park_display_frame`) of the parks `ids`, in that order, leaving out those
    not placed yet (they have nothing to draw)."""
    frame = park_display_frame(lang)
    return frame.loc[[i for i in ids if i in frame.index]]


def optional_layer(layer_id: str) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """A layer that the atlas can do without: (frame, None); (None, None) when there is none; or
    (None, why it could not load) when its file is broken. `targets` comes as a plain table."""
    if layer_id == "targets":
        frame, problem = _layer("targets")
        return (None if frame is None else registry.finish("targets", frame)), problem
    gdf, problem = _layer(layer_id)
    if gdf is not None and layer_id == "transport_nodes":
        lines, _ = _layer("transport_lines")
        problems = check_line_refs(lines, gdf) if lines is not None else []
        if problems:
            return None, "\n".join(problems)
    return gdf, problem


@st.cache_resource(show_spinner=False, max_entries=8)
def _progress(key: tuple, today_iso: str) -> pd.DataFrame | None:
    from datetime import date

    from layers.progress import assess

    targets, _ = optional_layer("targets")
    if targets is None:
        return None
    return assess(targets, records("actuals"), date.fromisoformat(today_iso))


def progress() -> pd.DataFrame | None:
    """Each target's progress today (`layers.progress.assess`: status, the deciding actual figure
    in the target's unit, its year and source), indexed by target id; None without targets.
    Cached by the revisions of targets and actuals and by the date."""
    from datetime import date

    return _progress(_key("targets", "actuals"), date.today().isoformat())


def empty_layer(*columns: str) -> gpd.GeoDataFrame:
    """An empty EPSG:4326 layer with `columns`, for an optional layer that is not bundled."""
    return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=4326)


@st.cache_resource(show_spinner=False, max_entries=16)
def _network(year: int | str, key: tuple) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    lines, _ = optional_layer("transport_lines")
    nodes, _ = optional_layer("transport_nodes")
    empty = empty_layer("mode", "status", "line_ref")
    lines = empty if lines is None else lines[open_in(lines, year)]
    nodes = empty if nodes is None else nodes[open_in(nodes, year)]
    return lines, nodes


def network(year: int | str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Transport lines and nodes in service in `year` (or the full plan); empty when absent."""
    return _network(year, _key("transport_lines", "transport_nodes"))


@st.cache_resource(show_spinner=False, max_entries=16)
def _access(year: int | str, key: tuple) -> pd.DataFrame | None:
    lines, _ = optional_layer("transport_lines")
    nodes, _ = optional_layer("transport_nodes")
    if lines is None or nodes is None:
        return None
    return access_table(parks(), lines, nodes, year)


def access(year: int | str) -> pd.DataFrame | None:
    """Access of every park in `year` (layers.access.access_table, measured from each park's
    outline when it has one), or None without transport data."""
    return _access(year, _key("parks", "transport_lines", "transport_nodes"))


def user_layers() -> list[UserLayer]:
    """The layers users imported or drew (visible ones), oldest first; none while the workspace
    is refused or cannot be reached."""
    key = _all_key()
    ws = workspace.current()
    if ws is None or workspace.problem():
        return []
    try:
        return _user_layers(key)
    except WorkspaceError as exc:
        workspace.went_down(ws.location, str(exc))
        return []


@st.cache_resource(show_spinner=False, max_entries=8)
def _user_layers(key: tuple) -> list[UserLayer]:
    ws = workspace.current()
    if ws is None:
        return []
    out = []
    for row in ws.layers().itertuples():
        if row.kind != "user":
            continue
        frame = workspace.layer(row.layer_id)
        out.append(UserLayer(row.name, frame.drop(columns=[c for c in INTERNAL if c in frame.columns]), row.role,
                             row.origin, list(row.notes or []), layer_id=row.layer_id, created_at=row.created_at,
                             created_by=row.created_by))
    return out


def _parcel_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    """The columns of a land-use layer the inspection reads: `code`, the floor area and footprint
    (m², `layers.landuse_measures`) when it has them, and geometry."""
    from layers.landuse_measures import FLOOR_AREA, FOOTPRINT

    return ["code", *[c for c in (FLOOR_AREA, FOOTPRINT) if c in gdf.columns], "geometry"]


def real_parcels(near: shapely.Geometry | None = None) -> gpd.GeoDataFrame | None:
    """Real land-use parcels: the bundled layer and every visible user layer used as land use,
    together (None when there are none); `code`, `floor_area_m2` and `footprint_m2` (m², mapped
    at import; NaN where a layer has none) and geometry, EPSG:4326.

    near: a geometry (EPSG:4326) to keep only the parcels whose bounding box meets its bounds; a
    big layer saved in spatial partitions is then read from them (only the files and row groups
    near it), not from the whole layer in memory."""
    from geo.crs import PLANAR, project
    from geo.partitioned import read_near
    from layers.big_layers import is_big
    from ui import big_layers

    frames = []
    bundled, _ = optional_layer("landuse")
    window = None if near is None else project(gpd.GeoSeries([near], crs=4326), PLANAR).total_bounds
    if bundled is not None:
        frames.append(bundled[_parcel_columns(bundled)])
    any_layer = bundled is not None
    for layer in user_layers():
        if not layer.is_land_use:
            continue
        any_layer = True
        folder = big_layers.partitioned(layer) if window is not None and is_big(layer.gdf) else None
        if folder is not None:
            frames.append(read_near(folder, window).to_crs(4326))
        else:
            frames.append(layer.gdf[_parcel_columns(layer.gdf)])
    if not any_layer:
        return None
    parcels = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326)
    if near is not None:
        parcels = parcels.iloc[parcels.sindex.query(shapely.box(*near.bounds), predicate="intersects")]
    return parcels


@st.cache_resource(show_spinner=False, max_entries=16)
def _landuse(park_id: str, key: tuple) -> tuple[gpd.GeoDataFrame, pd.DataFrame, bool]:
    from layers.landuse import clip_to, illustrative_for_park, park_composition

    park = parks().loc[[park_id]]
    real = real_parcels(near=park.geometry.iloc[0])  # big layers: only their partitions near the park
    illustrative = real is None
    parcels = illustrative_for_park(park_id, park.geometry.iloc[0]) if illustrative else real
    candidates = parcels.iloc[parcels.sindex.query(park.geometry.iloc[0], predicate="intersects")]
    return clip_to(candidates, park.geometry.iloc[0]), park_composition(park, candidates), illustrative


def landuse_for_park(park_id: str) -> tuple[gpd.GeoDataFrame, pd.DataFrame, bool]:
    """Land use of one park, composed on its current outline: (parcels clipped to it, its
    composition, illustrative?). Real parcels (bundled or imported as land use) when the
    workspace has any, else illustrative parcels generated for the park, which say so."""
    return _landuse(park_id, _all_key())


def targets_or_report(lang: Lang) -> pd.DataFrame | None:
    """The targets table, or None after saying why there is none: its bundled file is broken (the
    problem shown), or there are no targets yet."""
    from ui.i18n import t

    targets, problem = optional_layer("targets")
    if targets is None:
        if problem:
            st.warning(t("layer_warning", lang, layer="targets"))
            st.code(problem)
        else:
            st.info(t("no_targets", lang))
    return targets


def parks_or_report(lang: Lang) -> gpd.GeoDataFrame | None:
    """The parks layer, or None after telling the user why it could not be loaded (a page then
    stops drawing instead of crashing)."""
    from ui.i18n import t

    workspace.report_problem(lang)
    try:
        return parks()
    except LayerError as exc:
        st.error(t("data_error", lang))
        st.code(str(exc))
        return None
