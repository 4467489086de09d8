"""Park outlines against a constraint layer (三区三线 and the like): area in conflict and a verdict.

A *constraint layer* is a set of polygons (永久基本农田 patches, 生态保护红线, 城镇开发边界, ...) and
a *rule*:

- ``avoid``  — the park must not overlap the constraint; the conflict is park ∩ constraint.
- ``within`` — the park must lie within the constraint; the conflict is the part of the park
  (inside the layer's extent) that lies outside every constraint polygon.

Verdicts, with `tolerance_m2` (a conflict at or below it is a surveying/digitising sliver):

- ``no outline``  — the park has no polygon (a point, a line, nothing): nothing to measure.
- ``conflict``    — conflict area > tolerance_m2.
- ``not covered`` — no conflict above the tolerance, but the park is not wholly inside the layer's
  *extent*, so the absence of conflict says nothing about the uncovered part. The extent is the area
  the layer speaks for (`COVERAGES`): by default the envelope (bounding box) of all the layer's
  features; the union of its features (``coverage="union"``: the data covers only where it has
  polygons); or a polygon given to `prepare_constraint(extent=...)` (e.g. the outline of the
  district the layer was issued for, `outline_extent`). ``covered_share`` says how much of the park
  the extent covers (0 when none of it). With the rule ``within`` and the union as coverage, a park's
  part outside every polygon is outside the extent too: it makes the park "not covered", never a
  conflict (say so to the user).
- ``sliver``      — NUMERICAL_ZERO_M2 < conflict area <= tolerance_m2.
- ``clear``       — conflict area <= NUMERICAL_ZERO_M2 (a park touching the constraint along an
  edge has area exactly 0).

Everything is EPSG:4326 (lon/lat). Intersections are computed on lon/lat coordinates (the edges
are the same straight segments the layer stores) and every area is geodesic on the WGS84
ellipsoid (`geo.measure.geodesic_area_one_m2`, m²), so figures do not depend on a projection.
Only candidate constraint features found with an STRtree are touched: each is clipped to the park
(or taken whole when the park contains it properly), and the clipped pieces of one park are
unioned, so overlapping constraint features are not counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._errors import CRSError, InputError
from geo.crs import CGCS2000, WGS84, project, require_wgs84
from geo.measure import geodesic_area_one_m2
from geo.validate import invalid_reasons

Rule = Literal["avoid", "within"]
Verdict = Literal["clear", "sliver", "conflict", "not covered", "no outline"]
RULES: tuple[str, ...] = ("avoid", "within")
VERDICTS: tuple[str, ...] = ("clear", "sliver", "conflict", "not covered", "no outline")
COVERAGES: tuple[str, ...] = ("envelope", "union", "given")
"""What a layer's extent is: the envelope (bounding box) of its features, their union, or a given polygon."""
EXTENT_SOURCES = {"envelope": "envelope of the features", "union": "union of the features", "given": "given"}

NUMERICAL_ZERO_M2 = 0.01
"""Conflict areas at or below this (m², a 10 cm square) are floating-point noise of the overlay
(e.g. a park drawn on the very edge of the constraint), not a sliver: the verdict is ``clear``."""

_POLYGON, _MULTIPOLYGON, _COLLECTION = 3, 6, 7


@dataclass
class ConstraintLayer:
    """A constraint layer ready for checks: valid polygons in EPSG:4326, their STRtree, the extent.

    Built by `prepare_constraint` (once per layer version; cache it, a 10⁶-feature layer takes
    ~2 s). `notes` says what was reprojected, repaired and dropped, in English words for the user;
    `note_parts` says the same as (code, values) pairs for other languages: ("reprojected",
    {"crs"}), ("repaired", {"n", "example"}), ("dropped", {"n", "what": "missing" | "not polygonal"
    | "beyond repair"}). `coverage` is one of `COVERAGES`; `extent_name` names a given extent.
    """

    name: str
    geometries: np.ndarray
    tree: shapely.STRtree
    extent: shapely.Geometry | None
    extent_source: str
    crs_original: str
    repaired: int = 0
    dropped: int = 0
    notes: list[str] = field(default_factory=list)
    note_parts: list[tuple[str, dict]] = field(default_factory=list)
    coverage: str = "envelope"
    extent_name: str = ""

    def __len__(self) -> int:
        return len(self.geometries)


def prepare_constraint(layer: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str = "constraint",
                       extent: shapely.Geometry | None = None, reproject: bool = True,
                       coverage: str = "envelope", extent_name: str = "") -> ConstraintLayer:
    """Validate a constraint layer and index it for `check_parks`.

    layer: polygons (10⁵–10⁶ are fine) in EPSG:4326 or CGCS2000 (EPSG:4490, taken as equal). In any
    other CRS they are reprojected to EPSG:4326 (and a note says so), or, with reproject=False,
    refused with `CRSError`; a layer without a CRS is always refused (import it with
    `geo.io.import_file`, which detects the CRS or takes crs=). Invalid polygons are made valid
    (shapely.make_valid, polygonal parts kept) and counted in `notes`; missing, empty, non-finite
    and non-polygonal features are dropped with a note. The input is never mutated.
    extent: the area (EPSG:4326 polygon) the layer speaks for (then `coverage` is "given", and
    `extent_name` may say whose outline it is); else `coverage` says which: "envelope" (default,
    the bounding box of the features) or "union" (the union of the features, ~1 s per 10⁵ features).
    Raises `InputError` when nothing polygonal is left and no extent was given, ValueError for an
    unknown coverage.

    >>> sq = gpd.GeoSeries([shapely.box(113.0, 23.0, 113.01, 23.01)], crs=4326)
    >>> c = prepare_constraint(sq, name="永久基本农田")
    >>> len(c), c.extent_source, c.notes
    (1, 'envelope of the features', [])
    """
    if coverage not in COVERAGES:
        raise ValueError(f"unknown coverage {coverage!r}; expected one of {COVERAGES}")
    geoms, crs_original, repaired, dropped, parts = _polygons(layer, name, reproject)
    if len(geoms) == 0 and extent is None:
        notes = "; ".join(note_text(code, values) for code, values in parts)
        raise InputError(f"constraint layer {name!r} has no usable polygon: {notes or 'it is empty'}")
    if extent is not None:
        coverage = "given"
        extent_source = f"outline of {extent_name}" if extent_name else EXTENT_SOURCES["given"]
    else:
        if coverage == "given":
            raise ValueError("coverage 'given' needs an extent")
        extent = shapely.box(*shapely.total_bounds(geoms)) if coverage == "envelope" else shapely.union_all(geoms)
        extent_source = EXTENT_SOURCES[coverage]
    shapely.prepare(extent)
    return ConstraintLayer(name=name, geometries=geoms, tree=shapely.STRtree(geoms), extent=extent,
                           extent_source=extent_source, crs_original=crs_original, repaired=repaired,
                           dropped=dropped, notes=[note_text(code, values) for code, values in parts],
                           note_parts=parts, coverage=coverage, extent_name=extent_name)


def outline_extent(layer: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str = "extent") -> shapely.Geometry:
    """The outline of a polygon layer (e.g. a district, or every district of a layer) as one
    EPSG:4326 polygon to give `prepare_constraint(extent=...)`: its polygons made valid (another
    CRS reprojected) and unioned. Raises `CRSError` without a CRS, `InputError` without a polygon.

    >>> two = gpd.GeoSeries([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=4326)
    >>> outline_extent(two).equals(shapely.box(0, 0, 2, 1))
    True
    """
    geoms, *_ = _polygons(layer, name, True)
    if len(geoms) == 0:
        raise InputError(f"layer {name!r} has no polygon to use as the extent a constraint layer covers")
    return shapely.union_all(geoms)


def note_text(code: str, values: dict) -> str:
    """One `note_parts` entry in English words.

    >>> note_text("dropped", {"n": 2, "what": "missing"})
    '2 features dropped: missing or empty'
    """
    n = int(values.get("n", 0))
    if code == "reprojected":
        return f"reprojected from {values['crs']} to EPSG:4326"
    if code == "repaired":
        example = values.get("example") or ""
        return f"{n} invalid geometr{'y' if n == 1 else 'ies'} made valid" + (f" (e.g. {example})" if example else "")
    what = {"missing": "missing or empty", "not polygonal": "not polygons (points or lines)",
            "beyond repair": "beyond repair (non-finite coordinates or no area)"}.get(values.get("what", ""), "")
    return f"{n} feature{'s' if n > 1 else ''} dropped: {what}"


def _polygons(layer: gpd.GeoDataFrame | gpd.GeoSeries, name: str,
              reproject: bool) -> tuple[np.ndarray, str, int, int, list[tuple[str, dict]]]:
    """The valid polygons of a layer in EPSG:4326, its CRS as given, the counts repaired and dropped
    and the note parts (see `ConstraintLayer`)."""
    geoseries = layer.geometry if isinstance(layer, gpd.GeoDataFrame) else layer
    parts: list[tuple[str, dict]] = []
    crs = geoseries.crs
    if crs is None:
        raise CRSError(f"constraint layer {name!r} has no CRS; import it with the Data page or "
                       "geo.io.import_file (which detects the CRS or takes crs=) before using it as a constraint")
    crs_original = crs.to_string()
    if not (crs.equals(WGS84) or crs.equals(CGCS2000)):
        if not reproject:
            raise CRSError(f"constraint layer {name!r} is in {crs_original}; expected EPSG:4326 (WGS84 lon/lat). "
                           "Reproject it (or pass reproject=True).")
        geoseries = project(geoseries, WGS84)
        parts.append(("reprojected", {"crs": crs_original}))
    geoms = np.asarray(geoseries.array, dtype=object)
    geoms, repaired, dropped, more = _clean(geoms, geoseries.index)
    return geoms, crs_original, repaired, dropped, parts + more


def _clean(geoms: np.ndarray, index: pd.Index) -> tuple[np.ndarray, int, int, list[tuple[str, dict]]]:
    """Polygonal, valid geometries (vectorised for 10⁶ features); counts and note parts of what changed."""
    notes: list[tuple[str, dict]] = []
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    types = shapely.get_type_id(geoms)
    polygonal = (types == _POLYGON) | (types == _MULTIPOLYGON) | (types == _COLLECTION)
    keep = ~missing & polygonal
    valid = np.ones(len(geoms), dtype=bool)
    valid[keep] = shapely.is_valid(geoms[keep]) & (types[keep] != _COLLECTION)
    bad = np.flatnonzero(keep & ~valid)
    out = geoms.copy()
    repaired, unusable = 0, 0
    if len(bad):
        reasons = invalid_reasons(gpd.GeoSeries(geoms[bad], index=index[bad]))
        for pos, reason in zip(bad.tolist(), reasons.tolist()):
            fixed = None if reason.startswith("non-finite") else _polygonal_part(shapely.make_valid(geoms[pos]))
            if fixed is None:
                keep[pos] = False
                unusable += 1
            else:
                out[pos] = fixed
                repaired += int(types[pos] != _COLLECTION or reason != "")
        if repaired:
            example = next((r for r in reasons.tolist() if r), "")
            notes.append(("repaired", {"n": repaired, "example": example}))
    n_missing, n_other = int(missing.sum()), int((~missing & ~polygonal).sum())
    dropped = n_missing + n_other + unusable
    for count, what in ((n_missing, "missing"), (n_other, "not polygonal"), (unusable, "beyond repair")):
        if count:
            notes.append(("dropped", {"n": count, "what": what}))
    return out[keep], repaired, dropped, notes


def _polygonal_part(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """The polygons of `geom` (a collection's other parts dropped), or None when it has none."""
    if geom is None or geom.is_empty:
        return None
    tid = shapely.get_type_id(geom)
    if tid in (_POLYGON, _MULTIPOLYGON):
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (_POLYGON, _MULTIPOLYGON)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def verdict(area_m2: float, tolerance_m2: float, covered: bool = True) -> str:
    """The verdict of one conflict area (m², geodesic) under a tolerance (m²); see the module doc.

    >>> [verdict(a, 100.0) for a in (0.0, 40.0, 100.0, 100.5)]
    ['clear', 'sliver', 'sliver', 'conflict']
    >>> verdict(0.0, 100.0, covered=False)
    'not covered'
    """
    if np.isnan(area_m2):
        return "no outline"
    if area_m2 > tolerance_m2:
        return "conflict"
    if not covered:
        return "not covered"
    return "sliver" if area_m2 > NUMERICAL_ZERO_M2 else "clear"


def check_parks(parks: gpd.GeoDataFrame | gpd.GeoSeries, constraint: ConstraintLayer, rule: str,
                tolerance_m2: float = 0.0) -> gpd.GeoDataFrame:
    """The conflict of every park with one constraint layer under `rule` ("avoid" or "within").

    parks: EPSG:4326 (raises `CRSError` otherwise), indexed by park id; Polygon/MultiPolygon
    outlines are checked, points, lines, empty and missing geometries are "no outline".
    tolerance_m2: a conflict at or below it (m², geodesic) is a ``sliver`` (see the module doc).
    Returns a GeoDataFrame on the parks' index (EPSG:4326): ``park_area_m2`` (geodesic m²),
    ``area_m2`` (the conflict's geodesic area, m²; NaN without an outline), ``share`` (area_m2 /
    park_area_m2), ``covered_share`` (share of the park inside the layer's extent), ``candidates``
    (constraint features whose polygon meets the park), ``verdict``, and ``geometry`` (the
    conflicting part, None when there is none).

    >>> layer = prepare_constraint(gpd.GeoSeries([shapely.box(113.0, 23.0, 113.02, 23.02)], crs=4326))
    >>> park = gpd.GeoSeries([shapely.box(113.01, 23.0, 113.03, 23.02)], index=["p"], crs=4326)
    >>> r = check_parks(park, layer, "avoid", tolerance_m2=100)
    >>> round(float(r.loc["p", "share"]), 3), r.loc["p", "verdict"]
    (0.5, 'conflict')
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {RULES}")
    if tolerance_m2 < 0:
        raise ValueError(f"tolerance_m2 must be >= 0 m², got {tolerance_m2}")
    require_wgs84(parks, "parks")
    geoms = np.asarray((parks.geometry if isinstance(parks, gpd.GeoDataFrame) else parks).array, dtype=object)
    types = shapely.get_type_id(geoms)
    outlined = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) & ((types == _POLYGON) | (types == _MULTIPOLYGON))
    n = len(geoms)
    park_area = np.full(n, np.nan)
    area = np.full(n, np.nan)
    covered_share = np.full(n, np.nan)
    candidates = np.zeros(n, dtype=np.int64)
    conflict: np.ndarray = np.full(n, None, dtype=object)
    pos = np.flatnonzero(outlined)
    if len(pos):
        outlines = geoms[pos].copy()
        shapely.prepare(outlines)
        park_area[pos] = [geodesic_area_one_m2(g) for g in outlines]
        met = _constraint_inside(outlines, constraint)
        covered, covered_part = _coverage(outlines, constraint)
        for k, i in enumerate(pos.tolist()):
            inside, count = met[k]
            candidates[i] = count
            if rule == "avoid":
                part = inside
            else:
                part = shapely.difference(covered_part[k], inside) if inside is not None else covered_part[k]
            part = _polygonal_part(part)
            conflict[i] = part
            area[i] = geodesic_area_one_m2(part)
            covered_share[i] = 1.0 if covered[k] else (
                min(1.0, geodesic_area_one_m2(covered_part[k]) / park_area[i]) if park_area[i] > 0 else 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(park_area > 0, area / park_area, np.where(np.isnan(area), np.nan, 0.0))
    verdicts = [verdict(a, tolerance_m2, covered=bool(c >= 1.0)) if not np.isnan(a) else "no outline"
                for a, c in zip(area, covered_share)]
    return gpd.GeoDataFrame({"park_area_m2": park_area, "area_m2": area, "share": share,
                             "covered_share": covered_share, "candidates": candidates, "verdict": verdicts},
                            geometry=list(conflict), index=parks.index, crs=WGS84)


def _constraint_inside(outlines: np.ndarray, constraint: ConstraintLayer) -> list[tuple[shapely.Geometry | None, int]]:
    """For each (prepared) outline: the union of the constraint inside it (None when nothing is),
    and how many constraint features meet it. Candidates come from the STRtree; a feature the
    outline contains properly is taken whole, the others are clipped to the outline."""
    result: list[tuple[shapely.Geometry | None, int]] = [(None, 0)] * len(outlines)
    if len(constraint) == 0:
        return result
    p, c = constraint.tree.query(outlines, predicate="intersects")
    if len(p) == 0:
        return result
    features = constraint.geometries[c]
    whole = shapely.contains_properly(outlines[p], features)
    pieces = features.copy()
    cut = ~whole
    pieces[cut] = shapely.intersection(features[cut], outlines[p[cut]])
    has_area = shapely.area(pieces) > 0
    order = np.argsort(p, kind="stable")
    p_sorted = p[order]
    starts = np.flatnonzero(np.r_[True, p_sorted[1:] != p_sorted[:-1]])
    ends = np.r_[starts[1:], len(p_sorted)]
    for s, e in zip(starts.tolist(), ends.tolist()):
        rows = order[s:e]
        kept = pieces[rows[has_area[rows]]]
        k = int(p_sorted[s])
        if len(kept) == 0:
            result[k] = (None, e - s)
        elif len(kept) == 1:
            result[k] = (_polygonal_part(kept[0]), e - s)
        else:
            result[k] = (_polygonal_part(shapely.union_all(kept)), e - s)
    return result


def _coverage(outlines: np.ndarray, constraint: ConstraintLayer) -> tuple[np.ndarray, np.ndarray]:
    """Whether the layer's extent covers each outline, and the covered part of each outline."""
    extent = constraint.extent
    if extent is None:
        return np.zeros(len(outlines), dtype=bool), np.full(len(outlines), None, dtype=object)
    covered = shapely.covers(extent, outlines)
    part = outlines.copy()
    partial = ~covered
    if partial.any():
        part[partial] = shapely.intersection(outlines[partial], extent)
    return covered, part
