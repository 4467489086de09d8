"""The Data page in a real browser: upload a file, see it on the preview map, add it as a layer,
export it and get the file."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import TEST_DATA
from tests.e2e.conftest import shot

pytestmark = pytest.mark.browser

UPLOAD = TEST_DATA / "bad" / "gcj02_points.geojson"


def _frame_with_paths(page, min_paths: int, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for fr in page.frames:
            try:
                n = fr.evaluate("() => typeof map_div !== 'undefined' ? document.querySelectorAll('path.leaflet-interactive').length : -1")
            except Exception:  # frames come and go while Streamlit reruns
                continue
            if n >= min_paths:
                return fr, n
        time.sleep(0.2)
    pytest.fail(f"no map with {min_paths} drawn features in {timeout_s:.0f} s")


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit select box labelled `label` (opens it, clicks the option)."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option).first.click()
    page.wait_for_timeout(500)


def give_name(page, name: str) -> None:
    """Answer the workspace's one-time "your name" question."""
    page.get_by_label("Your name").first.fill(name)
    page.get_by_role("button", name="Save name").first.click()
    page.get_by_text("Your name").first.wait_for(state="detached", timeout=20_000)


def test_upload_see_on_the_map_add_and_export(page, tmp_path):
    features = json.loads(UPLOAD.read_text(encoding="utf-8"))["features"]
    page.goto(page.base + "/data?lang=en")
    page.get_by_text("Choose a file").first.wait_for(timeout=30_000)
    page.locator("input[type=file]").first.set_input_files(str(UPLOAD))
    page.get_by_role("button", name="Import and check").click()
    page.get_by_text("Check report: gcj02_points.geojson").wait_for(timeout=30_000)
    frame, drawn = _frame_with_paths(page, len(features))
    assert drawn == len(features)
    shot(page, "data-import-report")
    give_name(page, "Officer Li")
    page.get_by_role("button", name="Add as a new layer").click()
    page.get_by_text("Added layer").wait_for(timeout=20_000)
    page.reload()  # saved in the workspace: still there after a reload, with its origin and author
    page.get_by_text("gcj02_points.geojson").first.wait_for(timeout=30_000)
    assert page.get_by_text("Officer Li").count() >= 1

    page.get_by_role("tab", name="Export").click()
    shot(page, "data-export-tab")
    choose(page, "Layer", "My layer: gcj02_points")
    choose(page, "Format", "GeoJSON")
    page.get_by_role("button", name="Build the file").click()
    shot(page, "data-export-built")
    button = page.get_by_role("button", name="Download gcj02_points", exact=False)
    button.wait_for(timeout=30_000)
    with page.expect_download() as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    shot(page, "data-export")
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert path.suffix == ".geojson" and len(exported["features"]) == len(features)
    assert page.outside.refused == [], page.outside.refused
