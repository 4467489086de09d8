"""A candidate park outline made ready and measured: polygonal parts kept, invalid geometry
repaired (and the repair said), and the figures an officer checks before saving — geodesic area,
distance from the park's known position, overlap with it.

Input and output geometry in EPSG:4326; areas geodesic on the WGS84 ellipsoid (m²); distances
geodesic (m). No thresholds here: what counts as "too far" is the domain's (layers.outlines).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.ops import nearest_points

from geo._errors import InputError
from geo.measure import GEOD, geodesic_area_one_m2

@dataclass
class PreparedOutline:
    """An outline ready to save: `geometry` (Polygon or MultiPolygon, valid, 2-D) and what was
    done to make it so (`repairs`, plain sentences)."""

    geometry: Polygon | MultiPolygon
    repairs: list[str] = field(default_factory=list)


def prepare_outline(geom: shapely.Geometry | None, where: str = "the outline") -> PreparedOutline:
    """Make `geom` a valid (Multi)Polygon or say why it cannot be one.

    Raises InputError for a missing or empty geometry, and for points and lines (an outline
    encloses an area). Z is dropped; an invalid polygon is repaired with `make_valid` and only
    its polygonal parts kept; a collection keeps its polygons. Every change is listed.

    >>> bow = Polygon([(113, 23), (113.01, 23.01), (113.01, 23), (113, 23.01)])
    >>> out = prepare_outline(bow)
    >>> out.geometry.geom_type, out.repairs[0].startswith("repaired")
    ('MultiPolygon', True)
    """
    if geom is None or geom.is_empty:
        raise InputError(f"{where} is empty: draw or choose a polygon")
    repairs: list[str] = []
    if shapely.has_z(geom):
        geom = shapely.force_2d(geom)
        repairs.append("heights (Z) dropped")
    if geom.geom_type in ("Point", "MultiPoint", "LineString", "MultiLineString", "LinearRing"):
        raise InputError(f"{where} is a {geom.geom_type}, not an area: a park outline must be a polygon")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        geom = shapely.make_valid(geom)
        repairs.append(f"repaired: {reason}")
    polygons = _polygons(geom)
    if not polygons:
        raise InputError(f"{where} has no area left after repair: draw it again")
    if geom.geom_type == "GeometryCollection":
        repairs.append("only the polygonal parts were kept")
    out = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    return PreparedOutline(out, repairs)


def _polygons(geom: shapely.Geometry) -> list[Polygon]:
    if geom.geom_type == "Polygon":
        return [geom] if geom.area > 0 else []
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def union_of(polygons: list[shapely.Geometry]) -> Polygon | MultiPolygon:
    """Several drawn polygons as one outline (their union), e.g. a park in two parts."""
    merged = shapely.union_all([p for p in polygons if p is not None])
    return prepare_outline(merged).geometry


def distance_m(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Geodesic distance in metres between the nearest points of `a` and `b` (0 when they touch
    or overlap).

    >>> round(distance_m(shapely.Point(113.0, 23.0), shapely.Point(113.0, 23.01)))
    1107
    """
    if a.intersects(b):
        return 0.0
    pa, pb = nearest_points(a, b)
    _, _, dist = GEOD.inv(pa.x, pa.y, pb.x, pb.y)
    return float(dist)


def overlap_share(new: shapely.Geometry, old: shapely.Geometry) -> float | None:
    """Share (0–1) of the old outline's area the new one covers, None when the old has no area."""
    old_area = geodesic_area_one_m2(old)
    if old_area <= 0:
        return None
    return geodesic_area_one_m2(shapely.intersection(new, old)) / old_area
