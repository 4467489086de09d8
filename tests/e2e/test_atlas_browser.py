"""The atlas in a real browser: the map draws offline, a click opens a profile, deep links,
the CSV download, the language switch."""

from __future__ import annotations

import csv
import io
import time

import pytest

from layers import registry
from tests.e2e.conftest import MAP_FRAME, PARK_PATHS_JS, map_frame, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def parks():
    return registry.load("parks")


def test_map_draws_one_path_per_park_with_no_cdn(page, parks):
    t0 = time.monotonic()
    page.goto(page.base + "/")
    frame = map_frame(page)
    drawn = frame.evaluate(PARK_PATHS_JS)
    elapsed = time.monotonic() - t0
    shot(page, "atlas")
    assert drawn["paths"] == len(parks), f"{drawn['paths']} park paths for {len(parks)} parks"
    assert sorted(drawn["ids"]) == sorted(parks.index)
    assert page.outside.refused == [], f"off-machine requests other than tiles: {page.outside.refused}"
    assert frame.locator(".leaflet-control-fullscreen, .leaflet-control-zoom-fullscreen").count() >= 1
    assert frame.locator(".leaflet-control-minimap").count() == 1
    assert frame.locator(".parkatlas-legend").count() == 1
    assert elapsed < 30


def _click_park(page, frame, park_id: str) -> None:
    """Fit the map to a park, then click a point inside it that is not under a control."""
    frame.evaluate("""(id) => { map_div.eachLayer(l => {
        if (l.feature && l.feature.properties.id === id && l.getBounds) { map_div.fitBounds(l.getBounds(), {padding: [120, 120], animate: false}); }
    }); }""", park_id)
    page.wait_for_timeout(600)
    point = frame.evaluate("""(id) => {
        let found = null;
        map_div.eachLayer(l => {
            if (found || !(l.feature && l.feature.properties.id === id && l._path)) return;
            const r = l._path.getBoundingClientRect();
            for (let fy = 0.5; fy > 0.05 && !found; fy -= 0.1) for (let fx = 0.5; fx > 0.05 && !found; fx -= 0.1) {
                for (const [x, y] of [[r.left + r.width * fx, r.top + r.height * fy], [r.right - r.width * fx, r.bottom - r.height * fy]]) {
                    if (document.elementFromPoint(x, y) === l._path) { found = [x, y]; break; }
                }
            }
        });
        return found;
    }""", park_id)
    assert point, f"no clickable point of {park_id} on screen"
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def test_clicking_a_park_opens_its_profile(page, parks):
    page.goto(page.base + "/?lang=en")
    frame = map_frame(page)
    polygons = parks[parks.geom_type != "Point"].sort_values("area_m2", ascending=False)
    park_id = polygons.index[len(polygons) // 2]
    _click_park(page, frame, park_id)
    profile = page.locator(f".parkatlas-profile[data-park-id='{park_id}']")
    profile.wait_for(timeout=20_000)
    assert parks.at[park_id, "name_en"] in profile.inner_text()
    assert f"park={park_id}" in page.url
    shot(page, "profile-after-click")


def test_deep_link_opens_the_park_in_english(page, parks):
    park_id = parks.index[0]
    page.goto(page.base + f"/?park={park_id}&lang=en")
    profile = page.locator(f".parkatlas-profile[data-park-id='{park_id}']")
    profile.wait_for(timeout=30_000)
    assert profile.locator("h3").inner_text().strip() == parks.at[park_id, "name_en"].strip()
    map_frame(page)
    shot(page, "deep-link")


def test_unknown_deep_link_shows_a_notice_and_the_map(page, parks):
    page.goto(page.base + "/?park=no-such-park&lang=en")
    page.get_by_text("no-such-park").first.wait_for(timeout=30_000)
    frame = map_frame(page)
    assert frame.evaluate(PARK_PATHS_JS)["paths"] == len(parks)


def test_csv_download_has_every_park(page, parks):
    page.goto(page.base + "/?lang=en")
    map_frame(page)
    with page.expect_download(timeout=30_000) as dl:
        page.get_by_role("button", name="Download CSV").first.click()
    text = open(dl.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == list(parks.index)
    assert "Computed 亩 (mu)" in rows[0]


def test_language_switch_changes_the_title(page):
    page.goto(page.base + "/")
    page.get_by_role("heading", name="园区图谱").wait_for(timeout=30_000)
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="ParkAtlas").wait_for(timeout=30_000)
    shot(page, "english")
