"""Issue 21 in a real browser: an outline larger than every park so far, saved to the workspace
by someone else while the atlas is open, leaves the open atlas drawing every park (no area
filter appears in it or in its address) after its next rerun."""

from __future__ import annotations

import time

import pytest
from shapely.geometry import box

from layers import registry
from store import open_workspace
from tests.e2e.conftest import map_frame, new_page, park_paths, running_app, settle, shot

pytestmark = pytest.mark.browser

PARK = "gz-vip-tianhe-software"  # a point (113.405 E, 23.18 N) with a stated 3 km²
BIG_OUTLINE = box(113.39, 23.165, 113.42, 23.195)  # ~10 km²: more than any park's area so far (top 5 km²)
OUTLINED_JS = f"""() => {{ let found = false;
  map_div.eachLayer(l => {{ if (l.feature && l.feature.properties.id === '{PARK}' && l.getBounds) found = true; }});
  return found; }}"""
"""Whether the map draws PARK as a polygon (its saved outline) rather than a point marker."""


@pytest.fixture(scope="module")
def atlas_app(tmp_path_factory):
    """The app on the bundled data with a workspace of this module's own (written by the test)."""
    workspace = tmp_path_factory.mktemp("follow") / "workspace.gpkg"
    with running_app(log_name="streamlit-filters-follow.log", workspace=workspace) as base:
        yield base, workspace


def _wait_for_outline(page, timeout_s: float = 30.0):
    """The map frame once it draws PARK's saved outline (None when it never does in `timeout_s`)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        frame = map_frame(page, timeout_s=5, fail=False)
        try:
            if frame is not None and frame.evaluate(OUTLINED_JS):
                return frame
        except Exception:  # the frame was replaced while Streamlit reran
            pass
        time.sleep(0.3)
    return None


def test_a_bigger_outline_saved_elsewhere_keeps_every_park_on_the_open_atlas(browser, atlas_app):
    base, workspace = atlas_app
    parks = registry.load("parks")
    context, page = new_page(browser, base)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        page.goto(base + "/?lang=en")
        before = park_paths(map_frame(page), len(parks))
        page.get_by_text("Area range (km²)").wait_for(timeout=30_000)  # the sidebar's slider is drawn
        settle(page)
        assert before["paths"] == len(parks)

        ws = open_workspace(workspace, user="李工")  # another officer's save, from another process
        ws.save_feature("parks", PARK, BIG_OUTLINE, {"geometry_quality": "surveyed"}, reason="控规红线",
                        evidence="hongxian.geojson")
        ws.engine.dispose()
        time.sleep(1.5)  # the app reads the workspace's revisions at most once a second

        page.locator(".parkatlas-title").first.click()  # focus the page, not the map or a widget
        page.keyboard.press("r")  # Streamlit's "rerun" shortcut: the open session runs again
        settle(page)
        frame = _wait_for_outline(page)
        after = park_paths(frame or map_frame(page), len(parks))
        address = page.evaluate("() => window.location.href")
        page.get_by_text(f"Showing {after['paths']} of {len(parks)} parks").first.scroll_into_view_if_needed()
        shot(page, "filters-follow-data")
        assert frame is not None, "the open atlas never drew the saved outline"
        assert after["paths"] == before["paths"] == len(parks), f"{after['paths']} of {len(parks)} parks drawn"
        assert "area=" not in address and "unk=" not in address, address
        assert page.get_by_text(f"Showing {len(parks)} of {len(parks)} parks").count() >= 1
        assert page.get_by_text("hidden by the filters").count() == 0
        assert page.outside.refused == [], page.outside.refused
    finally:
        context.close()


@pytest.mark.parametrize("size", [(1440, 900), (1024, 768)])
def test_the_hidden_parks_notice_clears_the_filters(browser, atlas_app, size):
    base, _ = atlas_app
    parks = registry.load("parks")
    context, page = new_page(browser, base)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        page.goto(base + "/?lang=en&city=佛山市")  # 20 of the 54 bundled parks are in Foshan
        page.get_by_text("34 of 54 parks are hidden by the filters.").wait_for(timeout=30_000)
        clear = page.get_by_role("button", name="Clear filters")
        clear.wait_for(timeout=30_000)
        settle(page)
        shot(page, f"filters-hidden-notice-{size[0]}x{size[1]}")
        clear.click()
        settle(page)
        page.get_by_text(f"Showing {len(parks)} of {len(parks)} parks").first.wait_for(timeout=30_000)
        assert park_paths(map_frame(page), len(parks))["paths"] == len(parks)
        assert "city=" not in page.evaluate("() => window.location.href")
        assert page.get_by_text("hidden by the filters").count() == 0
    finally:
        context.close()
