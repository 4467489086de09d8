"""Importing a transit network (GTFS) in a real browser: the Data page's network tab checks and
saves it in the workspace, and the Sites page then measures on it, says so, and keeps it after
a reload (it is in the workspace and in the URL)."""

from __future__ import annotations

import zipfile

import pytest

from tests.e2e.conftest import new_page, running_app, settle, shot
from tests.test_app_access import FEED

pytestmark = pytest.mark.browser


def upload(page, uploader, path, attempts: int = 3) -> None:
    """Give the file uploader `path` and wait until it shows the file (again if it did not take)."""
    for _ in range(attempts):
        uploader.locator("input[type=file]").set_input_files(str(path))
        try:
            page.get_by_text(path.name).first.wait_for(timeout=20_000)
            settle(page)
            return
        except Exception:  # a rerun redrew the uploader while the file was being given
            settle(page)
    raise AssertionError(f"the uploader never showed {path.name}")


def pick(page, label: str, option: str, attempts: int = 3) -> None:
    """Choose `option` in the selectbox `label` (opening it again if a rerun closed it)."""
    for attempt in range(attempts):
        settle(page)
        page.get_by_role("combobox", name=label).click()
        try:
            page.get_by_role("option", name=option).click(timeout=10_000)
            return
        except Exception:  # a rerun redrew the box while it was opening
            shot(page, f"pick-{attempt}")
            page.keyboard.press("Escape")
    raise AssertionError(f"could not pick {option!r} in {label!r}")


@pytest.fixture(scope="module")
def net_app():
    with running_app(log_name="streamlit-network.log") as base:
        yield base


def test_import_a_gtfs_network_then_measure_on_it(browser, net_app, tmp_path):
    feed = tmp_path / "foshan-metro.zip"
    with zipfile.ZipFile(feed, "w") as zf:
        for name, text in FEED.items():
            zf.writestr(name, text)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("stops.txt", FEED["stops.txt"])
    context, page = new_page(browser, net_app)
    try:
        page.goto(f"{net_app}/data?lang=en")
        page.get_by_role("tab", name="Transit network (GTFS)").click()
        uploader = page.locator("[data-testid='stFileUploader']", has_text="GTFS (.zip)")  # the tab's own (Read a plan has one too)
        uploader.wait_for(timeout=30_000)
        settle(page)
        upload(page, uploader, broken)
        page.get_by_label("Your name").last.wait_for(timeout=60_000)  # asked once, when there is something to save
        page.get_by_label("Your name").last.fill("Officer Li")
        page.get_by_role("button", name="Save name").last.click()
        settle(page)
        page.get_by_label("Network name").wait_for(timeout=30_000)
        settle(page)
        page.get_by_role("button", name="Import and save the network").click()
        page.get_by_text("This GTFS file could not be imported").wait_for(timeout=30_000)
        shot(page, "network-refused")
        assert "routes.txt" in page.locator("[data-testid=stCode]").last.inner_text()  # names the missing file
        upload(page, uploader, feed)
        page.get_by_label("Network name").and_(page.locator("[value='foshan-metro']")).wait_for(timeout=30_000)
        settle(page)
        page.get_by_role("button", name="Import and save the network").click()
        try:
            page.get_by_text("Imported the network “foshan-metro”: 2 stations, 1 lines (as of 2025-03-01).").wait_for(
                timeout=60_000)
        finally:
            shot(page, "network-imported")
        shot(page, "network-imported")

        page.goto(f"{net_app}/sites?lang=en")
        page.get_by_text("Access measured on the links the five planning documents name").first.wait_for(
            timeout=60_000)  # a new visit starts on the plan network ...
        pick(page, "Access network", "foshan-metro")
        page.get_by_text("Access measured on foshan-metro").first.wait_for(timeout=30_000)
        settle(page)
        assert "src=user%3Afoshan-metro" in page.url or "src=user:foshan-metro" in page.url
        shot(page, "network-sites")
        page.reload()  # ... and a link keeps the chosen one
        page.get_by_text("Access measured on foshan-metro").first.wait_for(timeout=60_000)
        assert page.outside.refused == [], page.outside.refused
    finally:
        context.close()
