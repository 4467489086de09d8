"""An officer outlines a park in a real browser: draw the outline with leaflet-draw (real mouse
clicks), see its area while drawing, save it with a reason, reload (it is still there), move a
vertex, see the versions in the history, restore one."""

from __future__ import annotations

import pytest

from store import open_workspace
from tests.e2e.conftest import map_frame, new_page, running_app, settle, shot

pytestmark = pytest.mark.browser

PARK = "gz-vip-pazhou"
EDITOR = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def outline_app(tmp_path_factory):
    """The app on the bundled data with a workspace of this module's own (read back by the test)."""
    workspace = tmp_path_factory.mktemp("outline") / "workspace.gpkg"
    with running_app(log_name="streamlit-outline.log", workspace=workspace) as base:
        yield base, workspace


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
    button = page.get_by_role("button", name="Draw / edit the outline")
    button.click()
    frame = map_frame(page, timeout_s=15, ready_js=EDITOR_JS, fail=False)
    if frame is None and button.count():  # the click landed while Streamlit was still running
        button.click()
    frame = frame or map_frame(page, ready_js=EDITOR_JS)
    page.locator(EDITOR).first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    return frame


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
        for lat, lon in corners:
            page.mouse.click(*to_page(page, frame, lat, lon))
            page.wait_for_timeout(250)
        assert live_area_m2(frame) > 2.0e6  # the area shows while drawing (geodesic, GeographicLib)
        frame.locator('a[title="Finish drawing"]').click()
        page.wait_for_timeout(500)
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
        page.wait_for_timeout(500)
        x, y = to_page(page, frame, 23.109, 113.344)
        tx, ty = to_page(page, frame, 23.109, 113.348)
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move((x + tx) / 2, (y + ty) / 2, steps=5)
        page.mouse.move(tx, ty, steps=5)
        page.mouse.up()
        page.wait_for_timeout(500)
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
