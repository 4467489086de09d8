"""The atlas in a real browser: the map draws offline, a click opens a profile, deep links,
the CSV download, the language switch."""

from __future__ import annotations

import csv
import io
import time

import pytest

from layers import registry
from tests.e2e.conftest import map_frame, park_paths, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def parks():
    return registry.load("parks")


def test_map_draws_one_path_per_park_with_no_cdn(page, parks):
    t0 = time.monotonic()
    page.goto(page.base + "/")
    frame = map_frame(page)
    drawn = park_paths(frame, len(parks))
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
    """Bring a park into view and click the middle of its drawn path.

    The click is a DOM mouse event (mousedown, mouseup, click) dispatched on the park's own SVG
    path at its on-screen centre, so it goes through Leaflet's and streamlit-folium's real
    handlers. Playwright's page.mouse lands ~110 px off inside this nested component iframe
    (measured: Leaflet's own latLngToContainerPoint and the path's bounding box agree, the mouse
    does not), which would test Playwright rather than the app.
    """
    find = """(id) => {
        let found = null;
        map_div.eachLayer(l => {
            if (!l._path || found) return;
            const byFeature = l.feature && l.feature.properties.id === id;
            if (byFeature || l._path.classList.contains('park-' + id)) found = l;
        });
        return found;
    }"""
    frame.evaluate(f"""(id) => {{ const l = ({find})(id); if (!l) return;
        if (l.getBounds) map_div.fitBounds(l.getBounds(), {{padding: [120, 120], animate: false}});
        else map_div.setView(l.getLatLng(), 14, {{animate: false}});
        l.bringToFront(); }}""", park_id)
    page.wait_for_timeout(1500)  # the zoom change reruns the script; let it settle before clicking
    found = frame.evaluate(f"""(id) => {{
        const l = ({find})(id);
        if (!l) return false;
        const path = l._path;
        const r = path.getBoundingClientRect();
        const o = {{clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true, view: window}};
        if (document.elementFromPoint(o.clientX, o.clientY) !== path) return false;
        for (const type of ['mousedown', 'mouseup', 'click']) path.dispatchEvent(new MouseEvent(type, o));
        return true;
    }}""", park_id)
    assert found, f"{park_id} is not drawn, or something covers its centre"


def test_clicking_a_park_opens_its_profile(page, parks):
    page.goto(page.base + "/?lang=en")
    frame = map_frame(page)
    polygons = parks[parks.geom_type != "Point"].sort_values("area_m2", ascending=False)
    candidates = polygons if not polygons.empty else parks[parks["kind"] != "phase"]
    park_id = candidates.index[len(candidates) // 2]
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
    assert park_paths(frame, len(parks))["paths"] == len(parks)


def test_csv_download_has_every_park(page, parks):
    page.goto(page.base + "/?lang=en")
    map_frame(page)
    page.get_by_text("Tables and downloads").click()  # shown on request: a map-only visit skips their code
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
