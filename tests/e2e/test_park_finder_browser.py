"""Finding a park in a real browser (issue 21), at 1440 x 900 and 1024 x 768: typing a name in
the atlas's park search opens the park; a click on a row of the parks table opens it; a click on
the one point the three 增城 records share offers all three. Screenshots in test-artifacts/browser/."""

from __future__ import annotations

import time

import pytest

from layers import registry
from tests.e2e.conftest import map_frame, new_page, settle, shot
from tests.e2e.test_atlas_browser import _click_park

pytestmark = pytest.mark.browser

VIEWPORTS = [(1440, 900), (1024, 768)]
HEADER_PX, ROW_PX = 35, 35
"""Streamlit's data grid: the height of its header and of each row (default row height)."""


@pytest.fixture(scope="module")
def parks():
    return registry.load("parks")


@pytest.fixture(params=VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def sized_page(request, browser, app_url):
    """A fresh page at one of the sizes (its off-machine requests answered as in `new_page`)."""
    context, pg = new_page(browser, app_url)
    width, height = request.param
    pg.set_viewport_size({"width": width, "height": height})
    pg.size = f"{width}x{height}"
    yield pg
    context.close()


def open_atlas(page, lang: str) -> None:
    """The atlas in `lang`, its map drawn and its sidebar (which comes after the map) there."""
    page.goto(page.base + f"/?lang={lang}")
    map_frame(page)
    page.get_by_role("combobox", name="Find a park" if lang == "en" else "查找园区").wait_for(timeout=60_000)
    settle(page)


def search(page, label: str, text: str) -> list[str]:
    """Type `text` in the park search labelled `label`; return the options it then offers."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.keyboard.type(text, delay=40)
    page.get_by_role("option").first.wait_for(timeout=10_000)
    return [o.inner_text().strip() for o in page.get_by_role("option").all()]


def profile_of(page, park_id: str, timeout_ms: int = 30_000):
    """The profile of `park_id`, once shown."""
    profile = page.locator(f".parkatlas-profile[data-park-id='{park_id}']")
    profile.wait_for(timeout=timeout_ms)
    return profile


VIEW_JS = """() => ({zoom: map_div.getZoom(), lat: map_div.getCenter().lat, lng: map_div.getCenter().lng,
                     moving: !!document.querySelector('.leaflet-zoom-anim')})"""


def map_zoomed_to(page, park, timeout_s: float = 20.0) -> dict:
    """Wait until the map has zoomed to `park` (a point: zoom 13 around it) and stopped moving;
    return its view (a screenshot taken mid-animation shows the markers scaled up)."""
    frame = map_frame(page)
    deadline = time.monotonic() + timeout_s
    view = frame.evaluate(VIEW_JS)
    while time.monotonic() < deadline:
        view = frame.evaluate(VIEW_JS)
        near = abs(view["lat"] - park.geometry.y) < 0.01 and abs(view["lng"] - park.geometry.x) < 0.01
        if view["zoom"] >= 12 and near and not view["moving"]:
            time.sleep(0.5)  # the last tiles and markers
            return view
        time.sleep(0.2)
    raise AssertionError(f"the map did not zoom to the park: {view}")


def click_table_row(page, row: int) -> None:
    """Click the row marker (the selection box at the left) of `row` in the parks table."""
    grid = page.locator('[data-testid="stDataFrame"]:visible').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2)


def test_search_and_table_rows_open_parks(sized_page, parks):
    page = sized_page
    open_atlas(page, "en")
    options = search(page, "Find a park", "pazhou")
    assert len(options) == 1 and "Haizhu Pazhou" in options[0] and "gz-vip-pazhou" in options[0]
    shot(page, f"park-search-typing-{page.size}")
    page.get_by_role("option").first.click()
    profile = profile_of(page, "gz-vip-pazhou")
    assert parks.at["gz-vip-pazhou", "name_en"] in profile.inner_text()
    assert "park=gz-vip-pazhou" in page.url
    settle(page)
    map_zoomed_to(page, parks.loc["gz-vip-pazhou"])  # as a map click or ?park= does
    shot(page, f"park-search-{page.size}")

    page.get_by_text("Tables and downloads").click()
    page.locator('[data-testid="stDataFrame"]:visible').first.wait_for(timeout=30_000)
    settle(page)
    row = 4  # a row the grid shows without scrolling (the table lists the parks in the data's order)
    target = parks.index[row]
    for _ in range(3):  # a rerun may redraw the grid under the click
        click_table_row(page, row)
        try:
            profile_of(page, target, timeout_ms=10_000)
            break
        except Exception:
            settle(page)
    profile = profile_of(page, target)
    assert parks.at[target, "name_en"] in profile.inner_text()
    assert f"park={target}" in page.url
    settle(page)
    page.locator(".parkatlas-profile").first.scroll_into_view_if_needed()
    shot(page, f"park-table-row-{page.size}")


def test_a_chinese_short_name_offers_every_record_and_the_chooser_reaches_each(page, parks):
    page.set_viewport_size({"width": 1024, "height": 768})
    open_atlas(page, "zh")
    options = search(page, "查找园区", "增城")
    assert len(options) == 3 and all("增城新型显示价值创新园" in o for o in options)
    shot(page, "park-search-typing-zh-1024x768")
    page.get_by_role("option", name="gz-vip-zengcheng-phase-1").click()
    profile_of(page, "gz-vip-zengcheng-phase-1")
    chooser = page.get_by_role("radiogroup", name="此处共有 3 个园区")
    chooser.wait_for(timeout=20_000)
    assert chooser.get_by_role("radio").count() == 3
    chooser.get_by_text("增城新型显示价值创新园 · 园区").click()
    profile_of(page, "gz-vip-zengcheng")
    settle(page)
    shot(page, "park-same-place-chooser-1024x768")


def test_a_click_on_the_shared_zengcheng_point_offers_all_three(page, parks):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(page.base + "/?lang=en")
    frame = map_frame(page)
    settle(page)
    _click_park(page, frame, "gz-vip-zengcheng-phase-2")  # the top marker of the three
    profile_of(page, "gz-vip-zengcheng-phase-2")
    chooser = page.get_by_role("radiogroup", name="3 parks at this place")
    chooser.wait_for(timeout=20_000)
    labels = [r.inner_text() for r in chooser.locator("label").all()]
    assert len(labels) == 3, labels
    chooser.get_by_text("Zengcheng New Display Park, phase 1").click()
    profile_of(page, "gz-vip-zengcheng-phase-1")
    time.sleep(0.5)
    settle(page)
    shot(page, "park-same-place-click-1440x900")


def test_sites_search_finds_a_park_and_opens_it_in_the_atlas(page, parks):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(page.base + "/sites?lang=en&net=full")
    page.get_by_role("combobox", name="Find a park").wait_for(timeout=90_000)
    settle(page)
    options = search(page, "Find a park", "Bio Island")
    assert len(options) == 2  # the value-innovation park and the high-tech zone's carrier
    page.get_by_role("option", name="gz-htz-biological-island").click()
    card = page.locator(".st-key-ws_found")
    card.get_by_text("Rank").wait_for(timeout=30_000)
    assert "Bio Island" in card.inner_text()
    settle(page)
    assert "park=gz-htz-biological-island" in page.url
    map_zoomed_to(page, parks.loc["gz-htz-biological-island"])  # the results map, at the found park
    shot(page, "sites-found-park-1440x900")
    card.get_by_role("button", name="Open its profile in the atlas").click()
    profile_of(page, "gz-htz-biological-island", timeout_ms=60_000)
    assert "park=gz-htz-biological-island" in page.url
