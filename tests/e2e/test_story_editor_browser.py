"""The story editor on the Present page in a real browser (issue 26), at 1440×900: the local
workspace's owner (the plain GeoPackage workspace, as the other browser tests edit) creates a
story, drags the real Leaflet map with the mouse and zooms in with its + button (no tiles load:
there is no network), adds the view as a slide, and reloads the page. The story and its slide are
still there, the stored bounds are the extent the map showed (not the stand-in view over every
park that a story without slides opens on), and the reloaded map looks at that extent."""

from __future__ import annotations

import re

import pytest

from store import open_workspace
from tests.e2e.conftest import MAP_FRAME, app_with_workspace, map_frame, new_page, settle, shot
from tests.e2e.test_outline_browser import wait_until
from tests.e2e.test_plans_browser import fill, press

pytestmark = pytest.mark.browser

TITLE = "Pazhou from the river"
STORY_ID = "story-pazhou-from-the-river"  # layers.records.new_id("story", TITLE, ...)
CAPTION = "Pazhou and the Haizhu riverside, as panned"
PAZHOU = (113.3372, 23.102)
"""gz-vip-pazhou (lon, lat): a point park."""

VIEW_JS = """() => {
  const b = map_div.getBounds(), c = map_div.getCenter();
  return {bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], center: [c.lng, c.lat],
          zoom: map_div.getZoom()};
}"""
"""Where the Leaflet map in the frame looks (the story's basemap is "light": WGS84, no shift)."""
VIEW_NOW = re.compile(r"Current view: centre (-?\d+\.\d+), (-?\d+\.\d+), zoom (\S+)")


@pytest.fixture(scope="module")
def story_app(tmp_path_factory):
    with app_with_workspace(tmp_path_factory, "story-editor") as app:
        yield app


def view_caption(page) -> tuple[float, float, str] | None:
    """The editor's "Current view: centre lon, lat, zoom z" line, parsed (None when not shown)."""
    loc = page.get_by_text(VIEW_NOW)
    if not loc.count():
        return None
    m = VIEW_NOW.search(loc.first.inner_text())
    return (float(m.group(1)), float(m.group(2)), m.group(3)) if m else None


def close(a, b, tol: float) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def wait_for_reported(page, frame, what: str) -> dict:
    """Wait until the map is still, the page has rerun with the view it reported, and the
    editor's line says the map's centre and zoom; return the map's view."""
    def agreed() -> bool:
        settle(page, quiet_ms=800)
        view, said = frame.evaluate(VIEW_JS), view_caption(page)
        return (said is not None and close(said[:2], view["center"], 1e-4)
                and said[2] == f"{float(view['zoom']):g}")
    wait_until(agreed, timeout_s=40, what=what)
    return frame.evaluate(VIEW_JS)


def test_a_presenter_adds_the_panned_view_as_a_slide_and_finds_it_after_a_reload(browser, story_app):
    base, workspace = story_app
    ctx, page = new_page(browser, base)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        page.goto(f"{base}/present?lang=en")
        page.get_by_role("heading", name="Present").first.wait_for(timeout=60_000)
        settle(page)
        asked, form = page.get_by_label("Your name"), page.get_by_label("Title in English", exact=True)
        wait_until(lambda: asked.count() or form.count(), timeout_s=60, what="the story editor")
        for _ in range(3):  # the workspace's one-time author question (a click during a rerun may be lost)
            if not asked.count():
                break
            fill(page, "Your name", "Presenter Chen")
            press(page, "Save name")
            try:
                form.first.wait_for(timeout=10_000)
            except Exception:
                shot(page, "story-editor-name-question")
        form.first.wait_for(timeout=10_000)

        fill(page, "Title in English", TITLE)
        press(page, "Create the story")
        page.get_by_text(f"Created the story “{TITLE}” (version 1)").first.wait_for(timeout=30_000)
        assert re.search(rf"[?&]story={STORY_ID}\b", page.url), page.url
        settle(page)
        assert page.get_by_label("Title in English", exact=True).first.input_value() == ""  # the form forgot it
        page.get_by_text("This story has no slide yet").first.wait_for(timeout=30_000)

        # The stand-in view over every placed park, reported by the new story's map as it opened.
        frame = map_frame(page)
        start = wait_for_reported(page, frame, "the map's first view in the editor")
        page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
        shot(page, "story-editor-1-new-story")

        # Drag Pazhou to the middle of the real map with the mouse, then zoom in twice with its + button.
        page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
        box = page.locator(MAP_FRAME).first.bounding_box()
        px = frame.evaluate(f"() => map_div.latLngToContainerPoint([{PAZHOU[1]}, {PAZHOU[0]}])")
        size = frame.evaluate("() => map_div.getSize()")
        x, y = box["x"] + px["x"], box["y"] + px["y"]
        to_x, to_y = box["x"] + size["x"] / 2, box["y"] + size["y"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        for i in range(1, 13):
            page.mouse.move(x + (to_x - x) * i / 12, y + (to_y - y) * i / 12)
        page.wait_for_timeout(400)  # held still before letting go: no inertia carries the map past the point
        page.mouse.up()
        dragged = wait_for_reported(page, frame, "the dragged view")
        assert close(dragged["center"], PAZHOU, 0.02), dragged["center"]  # the drag moved the map, by its pixels
        assert not close(dragged["center"], start["center"], 0.05)
        for _ in range(2):
            before = frame.evaluate(VIEW_JS)["zoom"]
            frame.locator(".leaflet-control-zoom-in").first.click()
            wait_until(lambda z=before: frame.evaluate(VIEW_JS)["zoom"] == z + 1, what="the zoomed map")
            settle(page)
        seen = wait_for_reported(page, frame, "the zoomed view")
        assert seen["zoom"] == start["zoom"] + 2
        w, s, e, n = seen["bounds"]
        assert w < PAZHOU[0] < e and s < PAZHOU[1] < n
        shot(page, "story-editor-2-panned")

        fill(page, "Caption in English", CAPTION)
        fill(page, "Reason for the change (optional)", "the riverside view for the board")
        press(page, "Add the slide")
        page.get_by_text("Added slide 1 (version 2)").first.wait_for(timeout=30_000)
        settle(page)
        assert page.get_by_label("Caption in English", exact=True).first.input_value() == ""  # ready for the next

        record = open_workspace(workspace, seed=False).feature("stories", STORY_ID)
        assert record["version"] == 2
        [slide] = record["attributes"]["slides"]
        assert slide["caption_en"] == CAPTION and not slide["fit_parks"] and not slide["hidden"]
        assert slide["highlight"] == [] and slide["layers"] == ["parks"]  # none chosen (a new story has no slide)
        span = seen["bounds"][2] - seen["bounds"][0]
        assert close(slide["bounds"], seen["bounds"], 1e-5), (slide["bounds"], seen["bounds"])  # what the map showed
        assert close(slide["center"], seen["center"], 1e-5) and slide["zoom"] == seen["zoom"]
        assert not close(slide["bounds"], start["bounds"], span / 4), (slide["bounds"], start["bounds"])  # not the default
        start_span = start["bounds"][2] - start["bounds"][0]
        assert span < start_span / 3  # zoomed in twice: a quarter of the width

        # A reload: a new session reads the story from the workspace.
        page.reload()
        page.get_by_role("heading", name="Present").first.wait_for(timeout=60_000)
        settle(page)
        page.get_by_text(f"1. {CAPTION}").first.wait_for(timeout=30_000)  # the editor's list of slides
        assert page.locator(".parkatlas-slide-counter").first.inner_text().strip() == "1 / 1"
        assert not page.get_by_text("This story has no slide yet").count()
        frame = map_frame(page)
        wait_until(lambda: CAPTION in frame.locator(".parkatlas-caption").first.inner_text(), what="the caption")
        again = wait_for_reported(page, frame, "the reloaded slide's view")
        page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
        shot(page, "story-editor-3-reloaded")
        # The map opens on the slide's extent: all of it in view (a slide that names no park fills the
        # map as it was saved; one naming parks is fitted beside the caption, one zoom level out at
        # most), Pazhou in view.
        w, s, e, n = again["bounds"]
        sw, ss, se, sn = slide["bounds"]
        tol = 1e-5  # the slide keeps 6 decimals
        assert w <= sw + tol and s <= ss + tol and se <= e + tol and sn <= n + tol, (again["bounds"], slide["bounds"])
        assert again["zoom"] >= slide["zoom"] - 1 and (e - w) <= 2.5 * span
        assert w < PAZHOU[0] < e and s < PAZHOU[1] < n
        assert not close(again["bounds"], start["bounds"], span / 4)

        history = open_workspace(workspace, seed=False).history("stories", STORY_ID)
        assert history["reason"].tolist() == ["new story", "the riverside view for the board"]
        assert set(history["author"]) == {"Presenter Chen"}
        assert not page.outside.refused, page.outside.refused
    finally:
        ctx.close()
