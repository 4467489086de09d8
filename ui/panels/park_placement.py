"""Where a park goes on the map, chosen in the park form (`ui.panels.park_record`): not placed yet
(geometry None: listed everywhere, drawn nowhere), a click on a small map, coordinates typed in a
coordinate system the file import knows (converted to WGS84 with `geo.crs` and
`geo.chinese_offsets`; a result outside China is refused), or a feature of an imported layer.

Every geometry returned is EPSG:4326. A click or a typed point is an `approximate-location`
Point; an imported polygon is the park's outline as `reference` data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import shapely
import streamlit as st
from pyproj import CRS
from streamlit_folium import st_folium

from geo.chinese_offsets import bd09_to_wgs84, gcj02_to_wgs84
from geo.crs import transformer
from geo.detect import CHINA_LAT, CHINA_LON, COMMON_CRS
from ui.assets import localize
from ui.data import user_layers
from ui.i18n import Lang, t
from ui.mapview.place_picker import PICKER_HEIGHT, picked_group, picker_view, place_picker_map
from ui.page import vendor_url
from ui.state import ViewState

OFFSET_SYSTEMS = {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}
"""The Chinese web-map systems (lon/lat degrees, offset from WGS84) and their exact inverses."""

SYSTEMS: tuple[str, ...] = tuple(dict.fromkeys(
    ["EPSG:4326", "EPSG:4490", *(f"EPSG:{c.epsg}" for c in COMMON_CRS), "EPSG:3857", *OFFSET_SYSTEMS]))
"""The coordinate systems a typed point may be in: those the file import offers (WGS84, CGCS2000
and its Gauss-Kruger zones, Xi'an 80, Beijing 54), Web Mercator, and GCJ-02 / BD-09."""

KEY_PLACE, KEY_CLICK = "pe_place", "pe_clicked"


@dataclass
class Placement:
    """What the form's placement choice gives: `changed` (False: the park keeps its geometry, or
    stays not placed), the new `geometry` (EPSG:4326) and its `quality`, and `ready` (False when
    the choice still lacks input or was refused: nothing may be saved)."""

    changed: bool = False
    geometry: shapely.Geometry | None = None
    quality: str | None = None
    ready: bool = True


def is_lonlat(system: str) -> bool:
    """Whether coordinates in `system` are longitude/latitude in degrees (else easting/northing
    in metres)."""
    return system in OFFSET_SYSTEMS or CRS.from_user_input(system).is_geographic


def system_label(system: str, lang: Lang) -> str:
    """How the choice of a coordinate system reads, e.g. "EPSG:4547 · CGCS2000 / 3-degree
    Gauss-Kruger CM 114E"."""
    if system in OFFSET_SYSTEMS:
        return t(f"pe_system_{system}", lang, markdown=False)
    if system == "EPSG:3857":
        return f"{system} · {t('pe_system_web_mercator', lang, markdown=False)}"
    common = {f"EPSG:{c.epsg}": (c.name_zh if lang == "zh" else c.name_en) for c in COMMON_CRS}
    return f"{system} · {common[system]}" if system in common else system


def typed_point(x: float, y: float, system: str) -> shapely.Point:
    """The WGS84 point (EPSG:4326 lon/lat) of coordinates typed in `system` (x = longitude or
    easting, y = latitude or northing). Raises ValueError for coordinates that are not finite
    numbers or that the system cannot convert."""
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError("coordinates must be finite numbers")
    if system in OFFSET_SYSTEMS:
        lon, lat = OFFSET_SYSTEMS[system](float(x), float(y))
    elif system in ("EPSG:4326", "EPSG:4490"):
        lon, lat = float(x), float(y)  # CGCS2000 is WGS84 at map scale (DESIGN.md §2)
    else:
        lon, lat = transformer(system, "EPSG:4326").transform(float(x), float(y))
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError(f"{system} cannot convert ({x}, {y})")
    return shapely.Point(float(lon), float(lat))


def in_china(point: shapely.Point) -> bool:
    """Whether a WGS84 point lies in China's extent as the file import knows it
    (`geo.detect.CHINA_LON` / `CHINA_LAT`)."""
    return CHINA_LON[0] <= point.x <= CHINA_LON[1] and CHINA_LAT[0] <= point.y <= CHINA_LAT[1]


def placement_choices(record_geometry: shapely.Geometry | None, is_new: bool) -> list[str]:
    """The placement options of a park: a placed park keeps its geometry or is placed anew (the
    store keeps a geometry when None is saved, so a placed park is not un-placed here); a new or
    not yet placed park may stay not placed."""
    placed = record_geometry is not None and not record_geometry.is_empty
    return ["keep", "click", "coords", "layer"] if placed and not is_new else ["none", "click", "coords", "layer"]


def reset_placement(choices: list[str]) -> None:
    """Start a freshly loaded form on its first placement option with no click remembered."""
    st.session_state[KEY_PLACE] = choices[0]
    st.session_state.pop(KEY_CLICK, None)


def render_placement(state: ViewState, lang: Lang, choices: list[str], others: gpd.GeoDataFrame,
                     other_names: list[str]) -> Placement:
    """The placement choice and its inputs. others: the plan's other parks (EPSG:4326) to show on
    the click map, named by `other_names`."""
    choice = st.radio(t("pe_placement", lang), choices, key=KEY_PLACE, horizontal=True,
                      format_func=lambda c: t(f"pe_place_{c}", lang, markdown=False))
    if choice == "keep":
        return Placement()
    if choice == "none":
        st.caption(t("pe_place_none_note", lang))
        return Placement()
    if choice == "click":
        return _by_click(state, lang, others, other_names)
    if choice == "coords":
        return _by_coordinates(lang)
    return _by_layer(lang)


def _checked_point(point: shapely.Point, lang: Lang) -> Placement:
    if not in_china(point):
        st.error(t("pe_outside_china", lang, lon=point.x, lat=point.y))
        return Placement(ready=False)
    st.caption(t("pe_point_wgs84", lang, lon=point.x, lat=point.y))
    return Placement(True, point, "approximate-location")


def _by_click(state: ViewState, lang: Lang, others: gpd.GeoDataFrame, names: list[str]) -> Placement:
    clicked = st.session_state.get(KEY_CLICK)
    picked = shapely.Point(*clicked) if clicked else None
    center, zoom = picker_view(others, None)  # not the click: the map is not rebuilt (and re-centred) by one
    m = place_picker_map(lang, state.basemap, others, names, t("pe_click_others", lang, markdown=False), center, zoom,
                         vendor_url())
    st.caption(t("pe_click_hint", lang))
    result = st_folium(localize(m, vendor_url()), key="pe_click_map", height=PICKER_HEIGHT, use_container_width=True,
                       returned_objects=["last_clicked"],
                       feature_group_to_add=picked_group(picked, t("pe_click_picked", lang, markdown=False)))
    last = (result or {}).get("last_clicked")
    if isinstance(last, dict) and isinstance(last.get("lat"), (int, float)) and isinstance(last.get("lng"), (int, float)):
        point = (round(float(last["lng"]), 6), round(float(last["lat"]), 6))
        if point != clicked:  # a new click: remembered, and the marker moves there on the rerun
            st.session_state[KEY_CLICK] = point
            st.rerun()
    if picked is None:
        st.info(t("pe_click_waiting", lang))
        return Placement(ready=False)
    return _checked_point(picked, lang)


def _by_coordinates(lang: Lang) -> Placement:
    system = st.selectbox(t("pe_system", lang), SYSTEMS, key="pe_crs", format_func=lambda s: system_label(s, lang))
    lonlat = is_lonlat(system)
    c1, c2 = st.columns(2)
    x = c1.number_input(t("pe_x_lon" if lonlat else "pe_x_easting", lang), value=None, key="pe_x",
                        format="%.6f" if lonlat else "%.2f", step=0.000001 if lonlat else 1.0)
    y = c2.number_input(t("pe_y_lat" if lonlat else "pe_y_northing", lang), value=None, key="pe_y",
                        format="%.6f" if lonlat else "%.2f", step=0.000001 if lonlat else 1.0)
    if x is None or y is None:
        st.info(t("pe_coords_waiting", lang))
        return Placement(ready=False)
    try:
        point = typed_point(float(x), float(y), system)
    except ValueError as exc:
        st.error(t("pe_coords_refused", lang, why=str(exc)))
        return Placement(ready=False)
    return _checked_point(point, lang)


def _by_layer(lang: Lang) -> Placement:
    layers = [layer for layer in user_layers() if layer.layer_id]
    if not layers:
        st.info(t("pe_layer_none", lang))
        return Placement(ready=False)
    by_id = {str(layer.layer_id): layer for layer in layers}
    layer_id = st.selectbox(t("pe_layer", lang), list(by_id), key="pe_layer", format_func=lambda i: by_id[i].name)
    gdf = by_id[layer_id].gdf
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    if gdf.empty or not columns:
        st.info(t("pe_layer_empty", lang))
        return Placement(ready=False)
    column = st.selectbox(t("pe_layer_column", lang), columns, key=f"pe_layer_col_{layer_id}",
                          index=columns.index("name_zh") if "name_zh" in columns else 0)
    values = gdf[column].tolist()
    position = st.selectbox(t("pe_layer_feature", lang), list(range(len(gdf))), key=f"pe_layer_feature_{layer_id}",
                            format_func=lambda i: f"{values[i]} (#{i + 1})")
    geom = gdf.geometry.iloc[position]
    if geom is not None and geom.geom_type == "MultiPoint" and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if geom is None or geom.is_empty or geom.geom_type not in ("Point", "Polygon", "MultiPolygon"):
        st.error(t("pe_layer_geom_refused", lang, kind=geom.geom_type if geom is not None else "—"))
        return Placement(ready=False)
    if geom.geom_type == "Point":
        return _checked_point(geom, lang)
    if not in_china(geom.representative_point()):
        point = geom.representative_point()
        st.error(t("pe_outside_china", lang, lon=point.x, lat=point.y))
        return Placement(ready=False)
    st.caption(t("pe_layer_outline", lang, name=str(values[position])))
    return Placement(True, geom, "reference")


def district_warnings(district: str | None, geometry: shapely.Geometry | None, lang: Lang) -> list[str]:
    """Warnings (never refusals) when a placed park lies outside the district it names, for every
    visible imported layer used as administrative districts (`layers.districts`); [] when there is
    no such layer, no geometry or no district."""
    if geometry is None or geometry.is_empty or not district:
        return []
    layers = [layer for layer in user_layers() if layer.role == "districts" and not layer.gdf.empty]
    if not layers:
        return []
    from layers.districts import district_mismatches, guess_name_column

    park = gpd.GeoDataFrame({"id": ["park"], "district": [district]}, geometry=[geometry], crs=4326, index=["park"])
    out = []
    for layer in layers:
        column = guess_name_column(layer.gdf)
        if column is None:
            continue
        for row in district_mismatches(park, layer.gdf, column).to_dict("records"):
            out.append(_mismatch_text(row, layer.name, district, lang))
    return out


def _mismatch_text(row: dict, layer: str, district: str, lang: Lang) -> str:
    """One district mismatch (`layers.districts.district_mismatches` row) as a warning."""
    if not row.get("covered"):
        return t("pe_district_uncovered", lang, layer=layer, district=district)
    return t("pe_district_mismatch", lang, layer=layer, district=district, found=row.get("found") or "—")
