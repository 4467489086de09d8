"""A new region added through the app in a real browser (issue 23): an officer creates the 中山 plan,
a park placed by typed coordinates, a park not placed yet and a target on the Plans page; after a
reload the atlas (filtered to 中山市) draws the placed park in the plan's colour, lists both, and
the Targets page lists the target. Two officers on the same plan record: the second save, started
from the older version, is refused naming the first officer, and nothing is overwritten."""

from __future__ import annotations

import pytest

from store import open_workspace
from tests.e2e.conftest import app_with_workspace, map_frame, new_page, settle, shot
from tests.e2e.test_outline_browser import wait_until

pytestmark = pytest.mark.browser

PLAN_ZH = "中山火炬高技术产业开发区"


@pytest.fixture(scope="module")
def plans_app(tmp_path_factory):
    with app_with_workspace(tmp_path_factory, "plans") as app:
        yield app


def set_name(page, name: str) -> None:
    """Answer the workspace's one-time name question, if this workspace has not been told yet (the
    local workspace has one author; a team database signs each officer in)."""
    page.get_by_text("Section", exact=True).first.wait_for(timeout=60_000)
    settle(page)
    if page.get_by_label("Your name").count():
        page.get_by_label("Your name").first.fill(name)
        page.get_by_role("button", name="Save name").first.click()
        settle(page)


def open_section(page, base: str, section: str) -> None:
    page.goto(f"{base}/plans?lang=en&section={section}")
    page.get_by_text("Section", exact=True).first.wait_for(timeout=60_000)
    settle(page)


def fill(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True).first
    box.fill(value)
    box.press("Tab")


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit select box labelled `label`."""
    settle(page)
    options = page.get_by_role("option")
    for _ in range(3):  # a click that lands while the page reruns opens nothing: click again
        page.get_by_label(label, exact=True).first.click()
        try:
            options.first.wait_for(timeout=5_000)
            break
        except Exception:
            settle(page)
    else:
        shot(page, "plans-select-did-not-open")
    names = options.all_inner_texts()
    if option in names:
        options.nth(names.index(option)).click()
    else:  # the list is virtual (only some options are in the page): typing narrows it to the one wanted
        page.keyboard.type(option)
        page.wait_for_timeout(400)
        names = options.all_inner_texts()
        assert names and names[0] == option, f"{label}: {option!r} is not first among {names}"
        page.keyboard.press("Enter")
    settle(page)


def press(page, name: str) -> None:
    page.get_by_role("button", name=name).first.click()
    settle(page)


def add_plan(page, base: str) -> None:
    open_section(page, base, "plans")
    choose(page, "Choose a record to edit", "+ New plan")
    fill(page, "Chinese name (required)", PLAN_ZH)
    fill(page, "Issuing body (required)", "中山市人民政府")
    fill(page, "Date of the document (required)", "2026-03-01")
    fill(page, "Province (required)", "广东省")
    fill(page, "City", "中山市")
    fill(page, "Reason for the change (required)", "a new plan of Zhongshan")
    press(page, "Create and save")
    page.get_by_text("saved as version 1").first.wait_for(timeout=30_000)


def add_park(page, base: str, name: str, placed: bool) -> None:
    open_section(page, base, "parks")
    fill(page, "Chinese name (required)", name)
    choose(page, "Plan", PLAN_ZH + " (Chinese name)")
    fill(page, "City (required)", "中山市")
    fill(page, "District (required)", "火炬开发区")
    fill(page, "Source document (number and title, required)", "中山火炬高技术产业开发区发展规划（测试）")
    if placed:
        page.get_by_text("Type coordinates", exact=True).first.click()
        settle(page)
        fill(page, "Longitude X (degrees)", "113.49")
        fill(page, "Latitude Y (degrees)", "22.55")
    else:
        fill(page, "Stated area (the number as written)", "1200")
        choose(page, "Unit", "亩")
    fill(page, "Reason for the change (required)", "a park of the new plan")
    press(page, "Add the park (version 1)")
    page.get_by_text("as version 1").first.wait_for(timeout=30_000)


def test_an_officer_adds_the_zhongshan_plan_and_sees_it_after_a_reload(browser, plans_app):
    base, workspace = plans_app
    ctx, page = new_page(browser, base)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        page.goto(f"{base}/plans?lang=en")
        set_name(page, "Officer Li")
        add_plan(page, base)
        add_park(page, base, "中山健康科技产业基地", placed=True)
        add_park(page, base, "中山装备制造产业园", placed=False)
        shot(page, "plans-park-added")

        ws = open_workspace(workspace, seed=False)
        plans = ws.layer("programmes")
        plan_id = plans.index[plans["name_zh"] == PLAN_ZH][0]
        parks = ws.layer("parks")
        ours = parks[parks["programme"] == plan_id]
        assert len(ours) == 2 and ours.geometry.isna().sum() == 1
        assert ws.history("programmes", plan_id)["author"].tolist() == ["Officer Li"]

        open_section(page, base, "targets")
        choose(page, "Choose a record to edit", "+ New target")
        choose(page, "Metric (the units offered follow it)", "Land developed")
        choose(page, "Park or plan (required)", f"{PLAN_ZH} (Chinese name) (whole plan)")
        fill(page, "Chinese name (required)", "开发土地")
        fill(page, "Target value (required)", "3000")
        fill(page, "Target year", "2028")
        fill(page, "Source (document and section) (required)", "中山火炬高技术产业开发区发展规划（测试） 三、")
        fill(page, "As of (required)", "2026-03-01")
        fill(page, "Reason for the change (required)", "the plan's land target")
        press(page, "Create and save")
        page.get_by_text("saved as version 1").first.wait_for(timeout=30_000)

        # A reload of the atlas filtered to the new city: the placed park is drawn, both are listed.
        page.goto(f"{base}/?lang=en&city=中山市")
        page.get_by_text("中山装备制造产业园").first.wait_for(timeout=60_000)  # said: listed, not drawn
        settle(page)  # the sidebar arrives after the map's first paint, and the map is drawn again
        frame = map_frame(page)
        wait_until(lambda: frame.locator("path.leaflet-interactive").count() >= 1, what="the placed park")
        legend = frame.locator(".parkatlas-legend").inner_text()
        assert PLAN_ZH in legend
        colour = open_workspace(workspace, seed=False).layer("programmes").at[plan_id, "colour"]
        fills = frame.evaluate("() => [...document.querySelectorAll('path.leaflet-interactive')].map(p => p.getAttribute('fill'))")
        assert colour.lower() in [f.lower() for f in fills if f]
        shot(page, "plans-atlas-zhongshan")

        page.goto(f"{base}/targets?lang=en")
        page.get_by_text("Showing 74 of 74 targets").first.wait_for(timeout=60_000)  # 73 bundled + ours
        shot(page, "plans-targets-zhongshan")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download CSV").first.click()
        table = download.value.path().read_text(encoding="utf-8-sig")
        assert f"{PLAN_ZH} (whole programme)" in table and "3,000 亩" in table and "No data" in table
        assert not page.outside.refused, page.outside.refused
    finally:
        ctx.close()


def test_two_officers_on_one_plan_the_later_save_is_refused(browser, plans_app):
    base, workspace = plans_app
    ctx_a, a = new_page(browser, base)
    ctx_b, b = new_page(browser, base)
    try:
        for page in (a, b):
            page.goto(f"{base}/plans?lang=en")
            set_name(page, "Officer Li")
            open_section(page, base, "plans")
            choose(page, "Choose a record to edit", "Qingcheng parks")
        before = open_workspace(workspace, seed=False).feature("programmes", "qingcheng")["version"]
        fill(a, "Note", "A: checked against the issuing notice")
        fill(a, "Reason for the change (required)", "A's check")
        press(a, "Save (new version)")
        a.get_by_text(f"saved as version {before + 1}").first.wait_for(timeout=30_000)

        fill(b, "Note", "B: a different note")
        fill(b, "Reason for the change (required)", "B's check")
        press(b, "Save (new version)")
        b.get_by_text("A's check").first.wait_for(timeout=30_000)  # the save in between is named, with its reason
        shot(b, "plans-conflict-second-officer")
        after = open_workspace(workspace, seed=False).feature("programmes", "qingcheng")
        assert after["version"] == before + 1 and after["attributes"]["note"] == "A: checked against the issuing notice"
        assert b.get_by_label("Note", exact=True).first.input_value() == "B: a different note"  # B's input kept
    finally:
        ctx_a.close()
        ctx_b.close()
