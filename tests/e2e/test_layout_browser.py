"""The atlas is map-first (issue 15), measured in a real browser at 1440×900 and 1024×768: the
share of the screen that is map (its Leaflet container, clipped to the viewport), the profile
beside the map only when a park is selected, and the legend and minimap folded on small screens."""

from __future__ import annotations

import pytest

from layers import registry
from tests.e2e.conftest import map_frame, settle, shot

pytestmark = pytest.mark.browser

MAP_SHARE_JS = """() => {
  const el = document.querySelector('.leaflet-container');
  const r = el.getBoundingClientRect();
  const frame = window.frameElement.getBoundingClientRect();
  const top = window.parent;
  const x0 = Math.max(frame.left + r.left, 0), y0 = Math.max(frame.top + r.top, 0);
  const x1 = Math.min(frame.left + r.right, top.innerWidth), y1 = Math.min(frame.top + r.bottom, top.innerHeight);
  return {share: Math.max(0, x1 - x0) * Math.max(0, y1 - y0) / (top.innerWidth * top.innerHeight),
          width: r.width, height: r.height, frameHeight: frame.height,
          minimap: !!document.querySelector('.leaflet-control-minimap') &&
                   getComputedStyle(document.querySelector('.leaflet-control-minimap')).display !== 'none',
          legendOpen: !!document.querySelector('.parkatlas-legend details[open]')};
}"""


def _measure(browser, app_url, width: int, height: int, query: str = "", name: str = "layout"):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(app_url) else r.abort())
    try:
        page.goto(f"{app_url}/?lang=en{query}")
        frame = map_frame(page, timeout_s=90)
        settle(page)
        frame.wait_for_timeout(300)  # Leaflet's invalidateSize after the frame took its size
        measured = frame.evaluate(MAP_SHARE_JS)
        shot(page, f"{name}-{width}x{height}")
        return measured
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height", "least"), [(1440, 900, 0.60), (1024, 768, 0.50)])
def test_the_map_is_most_of_the_screen(browser, app_url, width, height, least):
    m = _measure(browser, app_url, width, height)
    assert m["share"] >= least, m
    assert abs(m["height"] - m["frameHeight"]) < 2, m  # the map fills its frame
    small = width < 1200
    assert m["minimap"] is not small and m["legendOpen"] is not small, m


def test_a_selected_park_opens_its_profile_beside_the_map(browser, app_url):
    m = _measure(browser, app_url, 1440, 900, "&park=gz-vip-pazhou", name="layout-selected")
    assert 0.30 <= m["share"] < 0.60, m  # the map gives room to the profile, and only then


def test_the_atlas_answers_at_its_own_path(page, app_url):
    page.goto(f"{app_url}/atlas?lang=en&city=%E4%BD%9B%E5%B1%B1%E5%B8%82")
    frame = map_frame(page, timeout_s=90)
    assert page.get_by_text("Page not found").count() == 0
    foshan = int((registry.load("parks")["city"] == "佛山市").sum())
    assert f"Showing {foshan} of" in page.locator("h1.parkatlas-title").inner_text()  # the link's filter applied
    assert frame.evaluate("() => !!document.querySelector('.leaflet-container')")
    assert "/atlas" in page.url and "city=" in page.url  # the view stays in the link


def test_the_page_links_and_filters_follow_the_drawn_map(page, app_url):
    """The first paint of the atlas is the title and the map alone (no sidebar: its page links and
    widgets were a fresh browser's work before the map); once the map is drawn, the sidebar brings
    both. Another page keeps its links from its first run."""
    page.add_init_script("""  // when the page links, and the map's first path in its frame, first appeared
      if (window === window.top) {
        window.__seen = {};
        const watch = setInterval(() => {
          const now = performance.now();
          if (!window.__seen.nav && document.querySelector('[data-testid="stSidebarNav"]')) window.__seen.nav = now;
          for (const f of document.querySelectorAll('iframe')) {
            try { if (!window.__seen.path && f.contentDocument.querySelector('path.leaflet-interactive')) window.__seen.path = now; }
            catch (e) {}
          }
          if (window.__seen.nav && window.__seen.path) clearInterval(watch);
        }, 10);
      }""")
    page.goto(f"{app_url}/?lang=en")
    map_frame(page, timeout_s=90)
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_text("Sites · 选址").wait_for(timeout=30_000)
    page.locator('[data-testid="stSidebar"]').get_by_text("City").first.wait_for(timeout=30_000)
    seen = page.evaluate("() => window.__seen")
    assert seen["nav"] >= seen["path"], f"the page links came before the map: {seen}"

    page.goto(f"{app_url}/sites?lang=en")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Atlas · 园区地图").wait_for(timeout=60_000)
