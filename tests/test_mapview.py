"""ui.mapview and ui.assets: the folium map as rendered HTML (no browser needed)."""

from __future__ import annotations

import re

import folium
import pytest

from layers import parks as parks_layer
from ui import assets
from ui.mapview import base_map, display_frame, layer_control, park_groups
from layers import registry
from layers.programmes import Catalogue

PLANS = Catalogue(registry.load("programmes"))

VENDOR = "/app/static/vendor"


@pytest.fixture(scope="module")
def small(small_parks_path):
    return parks_layer.load(small_parks_path)


def rendered(m: folium.Map) -> str:
    return m.get_root().render()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_script_and_stylesheet_is_ours(lang):
    html = rendered(base_map(lang, "light", (23.1, 113.3), 9, VENDOR))
    srcs = re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert srcs, "the map loads no assets at all?"
    assert all(s.startswith(VENDOR + "/") for s in srcs), srcs
    assert not re.search(r"cdn\.|jsdelivr|cdnjs|bootstrapcdn|jquery", html)


def test_the_files_the_map_names_are_installed():
    assert assets.missing_files() == []


def test_an_unvendored_plugin_is_refused():
    m = folium.Map()

    class Plugin(folium.MacroElement):
        default_js = [("x", "https://unpkg.com/some-plugin/plugin.js")]

    Plugin().add_to(m)
    with pytest.raises(assets.UnvendoredAssetError, match="some-plugin/plugin.js is not vendored"):
        assets.localize(m)


def test_base_map_has_the_controls_and_basemaps():
    html = rendered(base_map("en", "satellite", (23.1, 113.3), 9, VENDOR))
    for needle in ("L.control.fullscreen", "L.Control.Measure", "L.Control.MiniMap", "L.control.scale",
                   "World_Imagery", "World_Light_Gray_Base", "tile.openstreetmap.org", "parkatlas-legend", '"secondaryAreaUnit": "mu"', '"factor": 0.0015'):
        assert needle in html, needle


def test_one_feature_per_park_and_only_the_needed_properties(small):
    frame = display_frame(small, "en", PLANS)
    assert list(frame.columns) == ["id", "programme", "colour", "programme_label", "kind", "schematic", "tip", "name_html",
                                   "geometry"]
    m = base_map("en", "light", (23.1, 113.3), 9, VENDOR)
    groups = park_groups(frame, "en", selected=None)
    for g in groups:
        g.add_to(m)
    html = rendered(m)
    for pid in small.index:
        if small.at[pid, "geometry"].geom_type == "Point":  # circle markers, named by class
            assert html.count(f'"className": "park-marker park-{pid}"') == 1, pid
        else:
            assert html.count(f'"id": "{pid}"') == 1, pid
    assert "boundary_text" not in html and "source" not in html
    assert "name_html" not in html  # names are for slide labels, not sent with every park


def test_tooltips_are_escaped(small):
    frame = display_frame(small, "en", PLANS)
    tip = frame.loc["test-square-park", "tip"]
    assert "<script>" not in tip and "&lt;script&gt;" in tip
    assert "${" not in tip and "&#36;{x}" in tip
    m = base_map("en", "light", (23.1, 113.3), 9, VENDOR)
    for g in park_groups(frame, "en", selected=None):
        g.add_to(m)
    html = rendered(m)
    assert "<script>alert(1)" not in html
    assert "${x}" not in html


def test_selected_park_is_outlined(small):
    frame = display_frame(small, "en", PLANS)
    m = base_map("en", "light", (23.1, 113.3), 9, VENDOR)
    for g in park_groups(frame, "en", selected="test-foshan-base"):
        g.add_to(m)
    assert '"color": "#111111"' in rendered(m)


def test_gaode_basemap_shows_layers_shifted_to_gcj02_for_display_only(small):
    """Over Gaode (GCJ-02 tiles) the layers are shifted for display, the map holds only Gaode
    tiles (no WGS84 basemap to switch to under shifted layers), and a click shifts back."""
    from geo.chinese_offsets import wgs84_to_gcj02
    from ui.mapview.basemaps import click_to_wgs84, for_display, point_for_display

    shifted = for_display(small, "gaode")
    assert for_display(small, "light") is small
    pt = small.geometry[small.geom_type == "Point"].iloc[0]
    moved = shifted.geometry[small.geom_type == "Point"].iloc[0]
    glon, glat = wgs84_to_gcj02(pt.x, pt.y)
    assert (round(moved.x, 9), round(moved.y, 9)) == (round(float(glon), 9), round(float(glat), 9))
    assert small.geometry[small.geom_type == "Point"].iloc[0].equals(pt)  # input not mutated
    lat, lon = click_to_wgs84(*point_for_display(23.1, 113.3, "gaode"), "gaode")
    assert abs(lat - 23.1) < 1e-8 and abs(lon - 113.3) < 1e-8
    html = rendered(base_map("en", "gaode", (23.1, 113.3), 9, VENDOR))
    assert "autonavi.com" in html and "World_Imagery" not in html and "tile.openstreetmap.org" not in html
    assert "layers are shifted to GCJ-02 for display only" in html  # the legend says so


def test_tianditu_is_offered_only_with_a_token(monkeypatch):
    from ui.mapview.basemaps import available_basemaps

    monkeypatch.delenv("TIANDITU_TOKEN", raising=False)
    assert "tianditu" not in available_basemaps() and "gaode" in available_basemaps()
    monkeypatch.setenv("TIANDITU_TOKEN", "abc123")
    assert available_basemaps()[-1] == "tianditu"
    html = rendered(base_map("zh", "tianditu", (23.1, 113.3), 9, VENDOR))
    assert "tianditu.gov.cn/vec_w" in html and "tianditu.gov.cn/cva_w" in html and "tk=abc123" in html


def test_a_compact_map_folds_its_legend_and_has_no_minimap():
    full = rendered(base_map("en", "light", (23.1, 113.3), 9, VENDOR))
    small = rendered(base_map("en", "light", (23.1, 113.3), 9, VENDOR, compact=True))
    assert "L.Control.MiniMap" in full and "L.Control.MiniMap" not in small
    assert "<details open>" in full and "<details open>" not in small and "<details>" in small


def test_the_cached_map_sends_what_st_folium_would(small, monkeypatch):
    """ui.mapview.cached.prepare/show give the st_folium component the arguments st_folium itself
    gives it (random element ids aside), so caching the prepared map changes nothing drawn."""
    import re

    import streamlit_folium as sf

    from ui.mapview import cached

    sent: list[dict] = []
    monkeypatch.setattr(sf, "_component_func", lambda **kw: sent.append(kw))

    def build():
        frame = display_frame(small, "en", PLANS)
        return base_map("en", "light", (23.1, 113.3), 9, VENDOR, fill_frame=True), park_groups(frame, "en", None)

    returned = ["last_object_clicked", "zoom"]
    fig, groups = build()
    sf.st_folium(fig, key="atlas_map", height=500, use_container_width=True, feature_group_to_add=groups,
                 layer_control=layer_control(), center=(23.1, 113.3), zoom=9, returned_objects=returned)
    fig, groups = build()
    cached.show(cached.prepare(fig, groups, layer_control(), returned), key="atlas_map", height=500,
                returned_objects=returned, center=(23.1, 113.3), zoom=9)
    ours, theirs = sent[1], sent[0]
    assert set(ours) == set(theirs)

    def same(v):  # element ids are random per build
        return re.sub(r"_[0-9a-f]{32}", "_ID", v) if isinstance(v, str) else v

    for name in theirs:
        if name == "on_change":
            continue
        assert same(ours[name]) == same(theirs[name]), name


def test_vector_tile_layer_is_served_by_us_and_its_texts_cannot_end_the_script():
    from ui.mapview.vector_tiles import VectorTileLayer

    m = folium.Map(location=(23.1, 113.3), zoom_start=14, tiles=None)
    VectorTileLayer("/app/static/tiles/x.pmtiles", data_layer="parcels", colours={"M1": "#bb9674"}, code_field="code",
                    labels=[("code", "用地 </script><script>alert(1)</script>")], area_label="Area").add_to(m)
    html = assets.localize(m, "/app/static/vendor").get_root().render()
    assert "/app/static/vendor/protomaps-leaflet/protomaps-leaflet.js" in html
    assert "unpkg.com" not in html
    assert "</script><script>alert(1)" not in html and "<\\/script>" in html
