"""The Sites map in a real browser at 1440×900 and 1024×768 (issue 26): every result of the
reproduction link is inside the map frame as drawn, and the stations the reasons name are drawn.
Screenshots: test-artifacts/browser/sites-fit-<w>x<h>.png."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import map_frame, settle, shot

pytestmark = pytest.mark.browser

LINK = "/sites?lang=zh&ind=新型显示,生物医药&area=1-&net=2025&metro=10000"

PLACES_JS = """() => {
  const box = document.querySelector('.leaflet-container').getBoundingClientRect();
  const frame = window.frameElement.getBoundingClientRect();
  const parks = [];
  map_div.eachLayer(l => {
    if (!l._path || !l._path.classList.contains('leaflet-interactive')) return;
    const p = l.feature && l.feature.properties;
    let id = p && p.tip !== undefined && p.programme !== undefined ? p.id : null;
    const m = Array.from(l._path.classList).find(c => c.startsWith('park-') && c !== 'park-marker');
    if (m) id = m.slice(5);
    if (!id) return;
    const r = l._path.getBoundingClientRect();
    parks.push({id: id, l: r.left - box.left, t: r.top - box.top, r: r.right - box.left, b: r.bottom - box.top});
  });
  return {w: box.width, h: box.height, frameLeft: frame.left, frameRight: frame.right, parks: parks,
          stations: document.querySelectorAll('.site-station').length, zoom: map_div.getZoom()};
}"""


def _results(page) -> int:
    """How many parks the page says match (the first number of the caption "N / M")."""
    caption = page.get_by_text("个园区（交通网络").first
    caption.wait_for(timeout=90_000)
    return int(caption.inner_text().split("符合条件")[1].split("/")[0].strip())


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1024, 768)])
def test_every_result_is_inside_the_map_frame(browser, app_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(app_url) else r.fulfill(
        status=200, body=b"", content_type="image/png"))
    try:
        page.goto(app_url + LINK)
        n = _results(page)
        settle(page)
        frame = map_frame(page, timeout_s=60)
        page.wait_for_timeout(1500)  # the fit after the frame's final size
        settle(page)
        g = frame.evaluate(PLACES_JS)
        page.locator('iframe[title="streamlit_folium.st_folium"]').first.scroll_into_view_if_needed()
        shot(page, f"sites-fit-{width}x{height}")
        assert n >= 1 and len({p["id"] for p in g["parks"]}) == n, (n, g)
        for p in g["parks"]:  # every result's marker or outline, whole, inside the frame as drawn
            assert p["l"] >= 0 and p["t"] >= 0 and p["r"] <= g["w"] and p["b"] <= g["h"], (p, g["w"], g["h"])
        assert 0 <= g["frameLeft"] and g["frameRight"] <= width, g
        assert g["stations"] >= 1, "the stations the reasons name are not drawn"
    finally:
        context.close()


def test_an_empty_search_names_its_blocking_criterion(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(app_url) else r.fulfill(
        status=200, body=b"", content_type="image/png"))
    try:
        page.goto(app_url + "/sites?lang=en&ind=New display,Biomedicine&area=1-&net=2025&metro=500")
        box = page.get_by_text("No park meets all").first
        box.wait_for(timeout=90_000)
        # The empty search's map fits the parks it greys and reports that view (written into the URL):
        # a click racing that rerun could be undone by it, so wait for it first.
        page.wait_for_url("**&z=*", timeout=30_000)
        settle(page)
        text = page.locator('[class*="st-key-ws_explain"]').inner_text()
        assert "The most restrictive:" in text and "Station within 500 m: removes" in text, text
        relax = page.locator('[class*="st-key-ws_relax_metro"] button')
        assert relax.count() == 1 and "Station within" in relax.inner_text()
        page.locator('[class*="st-key-ws_explain"]').scroll_into_view_if_needed()
        shot(page, "sites-explain-empty-1440x900")
        relax.click()
        settle(page)
        page.get_by_text("No park meets all").first.wait_for(state="detached", timeout=30_000)
        shot(page, "sites-explain-relaxed-1440x900")
    finally:
        context.close()
