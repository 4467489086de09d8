"""Exported slides show their subject (issue 15): the view fitted beside or below the caption,
names that never overlap each other or the caption and stay on the page (ui.exports.static_layout with
adjustText), and the extent written into the PNG."""

from __future__ import annotations

import io

import geopandas as gpd
import pytest
from PIL import Image
from shapely.geometry import Point

from layers import parks as parks_layer
from ui.exports import static_map as sm
from ui.exports.static_layout import pixel_in

LONG = ("A caption long enough to take a good part of the slide: " * 6).strip()


@pytest.fixture(scope="module")
def crowded(small_parks_path) -> sm.RenderLayers:
    """The small parks plus three points a few hundred metres apart with long names."""
    parks = parks_layer.load(small_parks_path)
    base = parks.loc["test-point"]
    rows = []
    for i, (dx, dy) in enumerate([(0.0, 0.0), (0.004, 0.001), (0.002, -0.003)]):
        row = base.copy()
        row["id"] = f"near-{i}"
        row["name_en"] = f"Panyu Smart City Park, phase {i + 1}"
        row["name_zh"] = f"番禺智慧城市价值创新园第{i + 1}期"
        row["geometry"] = Point(113.30 + dx, 23.00 + dy)
        rows.append(row)
    extra = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    extra.index = extra["id"]
    return sm.RenderLayers(parks=gpd.GeoDataFrame(
        __import__("pandas").concat([parks, extra]), geometry="geometry", crs=4326))


def overlap(a, b) -> bool:
    return not (a[2] <= b[0] or a[0] >= b[2] or a[3] <= b[1] or a[1] >= b[3])


@pytest.mark.parametrize("size", [(1600, 1000), (1000, 1000)])
def test_subject_is_beside_the_caption_and_names_are_apart_on_the_page(crowded, size):
    ids = ("near-0", "near-1", "near-2")
    bounds = (113.295, 22.992, 113.31, 23.006)
    res = sm.render_view_png(sm.MapView(bounds, title="Three phases", caption=LONG, highlighted=ids), crowded,
                             lang="en", tile_fetcher=sm.no_tiles, size_px=size)
    assert res.caption_px is not None and len(res.label_px) == 3
    w, h = size
    for pid in ids:
        geom = crowded.parks.at[pid, "geometry"]
        col, row = pixel_in(geom.x, geom.y, res.extent, size)
        assert 0 <= col <= w and 0 <= row <= h
        assert not (res.caption_px[0] <= col <= res.caption_px[2] and res.caption_px[1] <= row <= res.caption_px[3])
    for i, a in enumerate(res.label_px):
        assert a[0] >= 0 and a[1] >= 0 and a[2] <= w and a[3] <= h, a  # on the page
        assert not overlap(a, res.caption_px), (a, res.caption_px)
        for b in res.label_px[i + 1:]:
            assert not overlap(a, b), (a, b)
    info = Image.open(io.BytesIO(res.png)).info
    assert [float(v) for v in info["parkatlas:extent_epsg3857"].split()] == pytest.approx(list(res.extent), abs=0.01)
    assert [float(v) for v in info["parkatlas:caption_px"].split()] == pytest.approx(list(res.caption_px), abs=0.1)


def test_no_caption_uses_the_whole_width(crowded):
    bounds = (113.295, 22.992, 113.31, 23.006)
    res = sm.render_view_png(sm.MapView(bounds, highlighted=("near-0",)), crowded, lang="en",
                             tile_fetcher=sm.no_tiles)
    assert res.caption_px is None
    geom = crowded.parks.at["near-0", "geometry"]
    col, _ = pixel_in(geom.x, geom.y, res.extent, (1600, 1000))
    assert 500 < col < 1100  # near the middle: no room kept for a caption that is not there
