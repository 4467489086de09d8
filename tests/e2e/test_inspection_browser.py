"""Inspection in a real browser (issue 25): a 永久基本农田 layer in the workspace overlaps half of a
park; the atlas opened on that park draws the conflicting part hatched (an SVG pattern the map's
own script defines: nothing from a CDN) and the profile's Inspection section names the conflict."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from layers.constraint_layers import mark, spec
from layers.user_layers import AttributeMapping, apply_mapping
from store import open_workspace
from tests.e2e.conftest import app_with_workspace, map_frame, new_page, settle, shot

pytestmark = pytest.mark.browser

PARK = "gz-vip-pazhou"
HATCHED_JS = """() => Array.from(document.querySelectorAll('path.leaflet-interactive'))
  .some(p => (p.getAttribute('fill') || '').startsWith('url(#parkatlas-hatch-'))
  && !!document.querySelector('pattern[id^="parkatlas-hatch-"]')"""


@pytest.fixture(scope="module")
def inspected_app(tmp_path_factory):
    with app_with_workspace(tmp_path_factory, "inspection") as (base, workspace):
        ws = open_workspace(workspace, user="测试员", role="admin")
        centre = ws.layer("parks").geometry.loc[PARK]  # the bundled parks are approximate points
        outline = shapely.box(centre.x - 0.01, centre.y - 0.01, centre.x + 0.01, centre.y + 0.01)
        ws.save_feature("parks", PARK, outline, {"geometry_quality": "digitised"}, reason="an officer's outline")
        minx, miny, maxx, maxy = outline.bounds
        west_half = shapely.box(minx - 0.001, miny - 0.001, (minx + maxx) / 2, maxy + 0.001)
        gdf = gpd.GeoDataFrame({"name": ["西侧农田"]}, geometry=[west_half], crs=4326)
        mapped = mark(apply_mapping(gdf, AttributeMapping(name="name"), "constraint", "farmland.geojson"),
                      spec("permanent-basic-farmland"))
        ws.add_layer("永久基本农田", mapped, role="constraint", origin="farmland.geojson", reason="browser test")
        yield base


def test_the_conflicting_part_is_hatched_and_the_profile_names_it(browser, inspected_app):
    ctx, page = new_page(browser, inspected_app)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        page.goto(f"{inspected_app}/?lang=en&park={PARK}")
        settle(page)
        frame = map_frame(page, ready_js=HATCHED_JS, timeout_s=60)
        assert frame is not None
        page.get_by_text("Inspection", exact=False).first.wait_for(timeout=30_000)
        settle(page)
        shot(page, "inspection-atlas-hatched")
        body = page.content()
        assert "永久基本农田" in body
        assert page.outside.refused == [], f"off-machine requests other than tiles: {page.outside.refused}"
    finally:
        ctx.close()
