"""Presentation mode at 1440×900 and 1024×768 in a real browser (issue 15): the page fits the
viewport (nothing to scroll, the caption and the map's bottom on screen), no minimap, the slide's
highlighted parks carry their names, and none of them is under the caption (checked on their
drawn markers' pixels)."""

from __future__ import annotations

import pytest

from layers import registry
from layers.stories import load_stories
from tests.e2e.conftest import map_frame, settle, shot
from tests.e2e.test_present_browser import STORY, caption_text

pytestmark = pytest.mark.browser

GEOMETRY_JS = """() => {
  const frame = window.frameElement.getBoundingClientRect();
  const cap = document.querySelector('.parkatlas-caption').getBoundingClientRect();
  const marks = Array.from(document.querySelectorAll('.park-highlight')).map(e => {
    const r = e.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}; });
  const boxes = Array.from(document.querySelectorAll('.parkatlas-highlight-label')).map(e => {
    const r = e.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom}; });
  const labels = Array.from(document.querySelectorAll('.parkatlas-highlight-label')).map(e => e.innerText);
  const size = document.querySelector('.leaflet-container').getBoundingClientRect();
  return {frameBottom: frame.bottom, cap: {l: cap.left, r: cap.right, t: cap.top, b: cap.bottom},
          marks, labels, boxes, mapW: size.width, mapH: size.height,
          minimap: !!document.querySelector('.leaflet-control-minimap')};
}"""


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1024, 768)])
def test_presentation_fits_and_the_caption_never_covers_a_highlighted_park(browser, app_url, width, height):
    parks = registry.load("parks")
    stories, _ = load_stories(registry.DATA_DIR / "stories", set(parks.index))
    slide = stories[STORY].slides[3]  # slide 4: 天河软件, which the caption used to cover
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(app_url) else r.abort())
    try:
        page.goto(f"{app_url}/present?lang=en&story={STORY}&slide=4")
        caption_text(page, expect=slide.title.en)
        page.get_by_text("Presentation mode", exact=True).click()
        page.locator('section[data-testid="stSidebar"]').wait_for(state="hidden", timeout=20_000)
        settle(page)
        page.wait_for_timeout(1500)  # the frame's new height, Leaflet's resize and the fit beside the caption
        frame = map_frame(page)
        g = frame.evaluate(GEOMETRY_JS)
        shot(page, f"present-fit-{width}x{height}")
        scroll = page.evaluate("() => document.scrollingElement.scrollHeight - window.innerHeight")
        assert scroll <= 2, f"the page scrolls by {scroll} px"
        assert g["frameBottom"] <= height + 1, g
        assert 0 <= g["cap"]["t"] and g["cap"]["b"] <= g["mapH"] + 1, g  # the caption is on screen
        assert not g["minimap"], g
        names = [parks.at[p, "name_en"] for p in slide.highlight]
        assert sorted(g["labels"]) == sorted(names), g["labels"]
        assert g["marks"], "no highlighted park drawn"
        for m in g["marks"]:
            inside_map = 0 <= m["x"] <= g["mapW"] and 0 <= m["y"] <= g["mapH"]
            under = g["cap"]["l"] <= m["x"] <= g["cap"]["r"] and g["cap"]["t"] <= m["y"] <= g["cap"]["b"]
            assert inside_map and not under, (m, g["cap"])
        cap = g["cap"]
        for b in g["boxes"]:  # the names are neither under the caption nor off the map
            overlap = not (b["r"] <= cap["l"] or b["l"] >= cap["r"] or b["b"] <= cap["t"] or b["t"] >= cap["b"])
            assert not overlap and b["l"] >= 0 and b["r"] <= g["mapW"] and b["t"] >= 0, (b, cap)
    finally:
        context.close()
