"""An officer outlines a park in a real browser: draw the outline with leaflet-draw (real mouse
clicks), see its area while drawing, save it with a reason, reload (it is still there), move a
vertex, see the versions in the history, restore one."""

from __future__ import annotations

import time

import pytest

from store import open_workspace
from tests.e2e.conftest import app_with_workspace, map_frame, new_page, settle, shot

pytestmark = pytest.mark.browser

PARK = "gz-vip-pazhou"
EDITOR = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def outline_app(tmp_path_factory):
    """The app on the bundled data with a workspace of this module's own (read back by the test)."""
    with app_with_workspace(tmp_path_factory, "outline") as app:
        yield app


EDITOR_JS = "() => typeof map_div !== 'undefined' && !!document.querySelector('.leaflet-draw-draw-polygon')"
"""The outline editor's Leaflet frame: the one with leaflet-draw's toolbar."""


def to_page(page, frame, lat: float, lon: float) -> tuple[float, float]:
    """Page coordinates of a lat/lon on the editor's map."""
    box = page.locator(EDITOR).first.bounding_box()
    x, y = frame.evaluate(f"() => {{ const p = map_div.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }}")
    return box["x"] + x, box["y"] + y


def live_area_m2(frame) -> float:
    return float(frame.evaluate("() => document.querySelector('.parkatlas-live-area').getAttribute('data-area-m2')"))


def open_editor(page) -> object:
    """Press "Draw / edit the outline" until the editor's frame is there (a press that lands while
    Streamlit is still running is lost), then wait until the frame stands still on the page."""
    button = page.get_by_role("button", name="Draw / edit the outline")
    button.wait_for(timeout=60_000)
    frame = None
    deadline = time.monotonic() + 90
    while frame is None and time.monotonic() < deadline:
        if button.count() and button.is_enabled():
            button.click()
        settle(page)
        frame = map_frame(page, timeout_s=10, ready_js=EDITOR_JS, fail=False)
    frame = frame or map_frame(page, ready_js=EDITOR_JS)
    page.locator(EDITOR).first.scroll_into_view_if_needed()
    wait_until(lambda: _box(page) == _box(page) and frame.evaluate("() => map_div.getSize().x > 0"))
    return frame


def _box(page) -> tuple:
    b = page.locator(EDITOR).first.bounding_box() or {}
    return (b.get("x"), b.get("y"), b.get("width"), b.get("height"))


def wait_until(condition, timeout_s: float = 20.0, what: str = "the page") -> None:
    """Poll `condition` (a function of nothing) until it is true; fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # a frame being replaced
            pass
        time.sleep(0.1)
    pytest.fail(f"{what} did not reach the expected state in {timeout_s:.0f} s")


VERTICES_JS = "() => document.querySelectorAll('.leaflet-marker-icon.leaflet-editing-icon').length"
"""How many vertex handles leaflet-draw shows (while drawing or editing)."""


def click_vertex(page, frame, lat: float, lon: float, n: int) -> None:
    """Click the `n`th vertex of a polygon being drawn, until leaflet-draw shows it (it ignores a
    click that comes right after the previous vertex): never a second vertex for one click."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        page.mouse.click(*to_page(page, frame, lat, lon))
        until = time.monotonic() + 1.0
        while time.monotonic() < until:
            if frame.evaluate(VERTICES_JS) >= n:
                return
            time.sleep(0.05)
    pytest.fail(f"leaflet-draw did not take vertex {n}")


def save_with_reason(page, reason: str, version: int) -> None:
    page.get_by_text("New outline (geodesic)").wait_for(timeout=30_000)
    if page.get_by_label("Your name").count():
        page.get_by_label("Your name").fill("Officer Li")
        page.get_by_role("button", name="Save name").click()
        page.get_by_label("Reason for the change (required)").first.wait_for(timeout=20_000)
    reason_box = page.get_by_label("Reason for the change (required)").first  # the editor's (the history's is below)
    reason_box.fill(reason)
    reason_box.press("Enter")
    settle(page)
    page.get_by_role("button", name="Save the outline (new version)").click()
    page.get_by_text(f"Outline saved as version {version}").wait_for(timeout=30_000)


def test_draw_save_reload_edit_and_restore_an_outline(browser, outline_app):
    base, workspace = outline_app
    context, page = new_page(browser, base)
    try:
        page.goto(f"{base}/?park={PARK}&lang=en")
        frame = open_editor(page)
        frame.click(".leaflet-draw-draw-polygon")
        corners = [(23.095, 113.330), (23.095, 113.344), (23.109, 113.344), (23.109, 113.330)]
        for n, (lat, lon) in enumerate(corners, start=1):
            click_vertex(page, frame, lat, lon, n)
        assert live_area_m2(frame) > 2.0e6  # the area shows while drawing (geodesic, GeographicLib)
        frame.locator('a[title="Finish drawing"]').click()
        wait_until(lambda: frame.evaluate(VERTICES_JS) == 0, what="the finished polygon")
        drawn = live_area_m2(frame)
        assert 2.2e6 < drawn < 2.4e6, drawn
        shot(page, "outline-drawn")
        save_with_reason(page, "digitised from the 控规 plan map", 2)

        page.reload()  # saved in the workspace: a new page load draws the polygon
        page.get_by_role("button", name="Draw / edit the outline").wait_for(timeout=30_000)
        page.get_by_text("Computed area (geodesic)").wait_for(timeout=30_000)
        shot(page, "outline-after-reload")
        ws = open_workspace(workspace, seed=False)
        park = ws.layer("parks").loc[PARK]
        assert park.geometry.geom_type == "Polygon" and park["geometry_quality"] == "digitised"
        assert ws.history("parks", PARK).iloc[-1]["author"] == "Officer Li"

        frame = open_editor(page)  # move one vertex 0.004° east with the edit tool
        frame.click(".leaflet-draw-edit-edit")
        wait_until(lambda: frame.evaluate(VERTICES_JS) >= 4, what="the vertex handles")
        x, y = to_page(page, frame, 23.109, 113.344)
        tx, ty = to_page(page, frame, 23.109, 113.348)
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move((x + tx) / 2, (y + ty) / 2, steps=5)
        page.mouse.move(tx, ty, steps=5)
        page.mouse.up()
        wait_until(lambda: live_area_m2(frame) > drawn * 1.05, what="the live area after the move")
        edited = live_area_m2(frame)
        assert edited > drawn * 1.05  # the live area follows the vertex
        frame.locator('a[title="Save changes"]').click()
        save_with_reason(page, "north-east corner follows the approved red line", 3)

        hist = open_workspace(workspace, seed=False).history("parks", PARK)
        assert hist.iloc[1]["area_m2"] == pytest.approx(drawn, rel=1e-4)  # the live figure is the saved one
        assert hist["version"].tolist() == [1, 2, 3]
        assert hist.iloc[2]["area_m2"] == pytest.approx(edited, rel=1e-4)
        assert hist.iloc[2].geometry.bounds[2] == pytest.approx(113.348, abs=3e-4)

        settle(page)
        page.get_by_text("History (3 versions)").first.wait_for(timeout=20_000)  # restore version 2 from the profile
        settle(page)
        if not page.get_by_text("Restore an older version").first.is_visible():  # the history opens by itself
            page.get_by_text("History (3 versions)").first.click()
        page.get_by_text("Restore an older version").first.wait_for(timeout=20_000)
        shot(page, "outline-history")
        page.get_by_role("textbox", name="Reason for the change (required)").last.fill("the corner was right before")
        page.get_by_role("textbox", name="Reason for the change (required)").last.press("Enter")
        settle(page)
        settle(page)
        page.get_by_text("Restore an older version").first.scroll_into_view_if_needed()
        shot(page, "outline-restore-form")
        page.get_by_role("button", name="Restore version 2").click()
        page.get_by_text("Version 2 restored as version 4").wait_for(timeout=30_000)
        shot(page, "outline-restored")
        hist = open_workspace(workspace, seed=False).history("parks", PARK)
        assert hist["version"].tolist() == [1, 2, 3, 4] and hist.iloc[3]["restored_from"] == 2
        assert hist.iloc[3].geometry.equals(hist.iloc[1].geometry)
        assert page.outside.refused == [], page.outside.refused
    finally:
        context.close()
