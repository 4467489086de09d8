"""Each park point lies on the stated side of the 四至 features the reference data holds.

The documents bound several parks by roads and rivers (四至, the park's `boundary_text`). Where a
named feature exists in ../shared/data/reference/roads_waterways_named.geojson (README-roads.md
there), the park point must lie on the side the document states, e.g. 琶洲 "东至华南快速": the east
edge is 华南快速, so the point lies west of it. The reference is used for checking only; it is
never copied into data/. (That each point lies in the district it names is tested in
test_data_parks.py.)
"""

from __future__ import annotations

import json
import math

import pytest
from shapely.geometry import LineString, Point, shape

from layers import registry

SCAN_DEG = 0.05
"""Half-length of the scan line through the point (~5 km): the feature must cross it."""
M_PER_DEG_LAT = 110_950.0

CHECKED = [
    # (park id, reference name_zh, side of the feature the park point lies on)
    ("gz-vip-pazhou", "华南快速干线", "west"),        # 东至华南快速
    ("gz-vip-pazhou", "黄埔涌", "north"),             # 南至黄埔涌 (bridge crossings only, see below)
    ("gz-vip-nansha-ai", "广深港客运专线", "north"),  # 南至广深港客运专线
]
NOT_CHECKABLE = {
    ("gz-vip-tianhe-software", "广州环城高速"):
        "南至环城高速: the reference piece ends ~113.40 E / 23.166 N, SW of the park; the stretch along "
        "the park is missing (README-footprints.md, doubt 3), so there is no line at the point's longitude.",
}
ALIASES = {"华南快速干线": "华南快速", "广州环城高速": "环城高速"}
"""How the documents write the reference features' names in the 四至 (otherwise the same name)."""
SLUGS = {"华南快速干线": "huanan-expressway", "黄埔涌": "huangpu-creek",
         "广深港客运专线": "guangzhou-shenzhen-hk-hsr", "广州环城高速": "ring-expressway"}
"""ASCII names for readable test ids (pytest escapes non-ASCII ids)."""


@pytest.fixture(scope="module")
def points() -> dict[str, Point]:
    doc = json.loads(registry.LAYERS["parks"].path.read_text(encoding="utf-8"))
    return {f["properties"]["id"]: shape(f["geometry"]) for f in doc["features"]}


@pytest.fixture(scope="module")
def boundary_texts() -> dict[str, str]:
    doc = json.loads(registry.LAYERS["parks"].path.read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f["properties"]["boundary_text"] or "" for f in doc["features"]}


@pytest.fixture(scope="module")
def features(reference_dir) -> dict[str, list[dict]]:
    doc = json.loads((reference_dir / "roads_waterways_named.geojson").read_text(encoding="utf-8"))
    by_name: dict[str, list[dict]] = {}
    for f in doc["features"]:
        by_name.setdefault(f["properties"]["name_zh"], []).append(f)
    return by_name


def _nearest_crossing(line, pt: Point, side: str) -> float | None:
    """The line's longitude (for east/west) or latitude (north/south) where it crosses the scan
    line through the point, nearest to the point; None when the line does not reach it."""
    if side in ("east", "west"):
        scan = LineString([(pt.x - SCAN_DEG, pt.y), (pt.x + SCAN_DEG, pt.y)])
        coord = 0
    else:
        scan = LineString([(pt.x, pt.y - SCAN_DEG), (pt.x, pt.y + SCAN_DEG)])
        coord = 1
    hit = line.intersection(scan)
    values = [g.coords[0][coord] for g in getattr(hit, "geoms", [hit]) if not g.is_empty]
    here = (pt.x, pt.y)[coord]
    return min(values, key=lambda v: abs(v - here)) if values else None


def _offset_m(pt: Point, value: float, side: str) -> float:
    """Signed distance in metres from the feature to the point, positive on the stated side."""
    if side in ("east", "west"):
        d = (pt.x - value) * M_PER_DEG_LAT * math.cos(math.radians(pt.y))
        return d if side == "east" else -d
    d = (pt.y - value) * M_PER_DEG_LAT
    return d if side == "north" else -d


@pytest.mark.parametrize(("park_id", "name", "side"), CHECKED,
                         ids=[f"{pid}-{side}-of-{SLUGS[name]}" for pid, name, side in CHECKED])
def test_point_is_on_the_stated_side(points, features, park_id, name, side):
    pt = points[park_id]
    assert pt.geom_type == "Point", park_id
    found = features.get(name)
    assert found, f"{name} is not in the reference roads/waterways"
    offsets = []
    for f in found:
        geom = shape(f["geometry"])
        if f["properties"]["kind"] == "river_crossing":
            # Only bridge decks spanning the channel are known, not its course: the point must lie
            # beyond the whole deck (on the bank of the stated side) at every known crossing.
            k = 0 if side in ("east", "west") else 1
            pick = {"north": max, "east": max, "south": min, "west": min}[side]
            for part in getattr(geom, "geoms", [geom]):
                edge = pick(xy[k] for xy in part.coords)
                offsets.append((f["properties"].get("source_short", ""), _offset_m(pt, edge, side)))
            continue
        value = _nearest_crossing(geom, pt, side)
        if value is not None:  # a feature clipped short of the point (e.g. the OSM piece) says nothing
            offsets.append((f["properties"].get("source_short", ""), _offset_m(pt, value, side)))
    assert offsets, f"no reference {name} reaches {park_id}'s {'latitude' if side in ('east', 'west') else 'longitude'}"
    wrong = [(src, round(m)) for src, m in offsets if m <= 0]
    assert not wrong, f"{park_id} {pt.x:.6f},{pt.y:.6f} is not {side} of {name}: offsets in m {wrong}"


def test_every_reference_boundary_feature_is_checked_or_explained(boundary_texts, features):
    """A reference feature named in some park's 四至 is in CHECKED or NOT_CHECKABLE (with a reason),
    so a feature added to the reference data is not silently left unchecked."""
    checked = {(pid, name) for pid, name, _ in CHECKED}
    missing = [(pid, name) for name in features for pid, text in boundary_texts.items()
               if ALIASES.get(name, name) in text and (pid, name) not in checked | set(NOT_CHECKABLE)]
    assert not missing, missing
    for pid, name, _ in CHECKED:
        assert ALIASES.get(name, name) in boundary_texts[pid], (pid, name)


@pytest.mark.parametrize(("park_id", "name"), list(NOT_CHECKABLE), ids=[f"{p}-{SLUGS[n]}" for p, n in NOT_CHECKABLE])
def test_not_checkable_features_still_do_not_reach_the_park(points, features, park_id, name):
    """When the reference data grows to cover these, move them to CHECKED."""
    pt = points[park_id]
    for f in features[name]:
        geom = shape(f["geometry"])
        assert _nearest_crossing(geom, pt, "north") is None, f"{name} now reaches {park_id}: check its side"
