"""The Present page in a real browser: the caption on the map, the arrow keys, the PNG export
(its highlighted park in the programme colour), presentation mode."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from layers import registry
from layers.programmes import Catalogue
from layers.stories import load_stories
from tests.e2e.conftest import map_frame, settle, shot
from ui import present_view
from ui.exports.static_layout import pixel_in

pytestmark = pytest.mark.browser

STORY = "gz-value-innovation-parks"


@pytest.fixture(scope="module")
def parks():
    return registry.load("parks")


@pytest.fixture(scope="module")
def story(parks):
    stories, _ = load_stories(registry.DATA_DIR / "stories", set(parks.index))
    return stories[STORY]


def caption_text(page, timeout_s: float = 20.0, expect: str | None = None) -> str:
    """The text of the map's caption control (waiting for `expect` in it, when given)."""
    deadline = page.evaluate("Date.now()") + timeout_s * 1000
    while True:
        frame = map_frame(page)
        loc = frame.locator(".parkatlas-caption")
        text = loc.first.inner_text() if loc.count() else ""
        if (expect is None and text) or (expect is not None and expect in text):
            return text
        if page.evaluate("Date.now()") > deadline:
            return text
        page.wait_for_timeout(200)


def wait_for_slide(page, n: int) -> None:
    """Wait until the slide counter reads `n / ...`."""
    js = f"() => document.querySelector('.parkatlas-slide-counter')?.innerText.trim().startsWith('{n} /')"
    page.wait_for_function(js, timeout=20_000)


def counter(page) -> str:
    return page.locator(".parkatlas-slide-counter").first.inner_text().strip()


def test_caption_arrow_keys_and_png_export(page, parks, story):
    page.goto(page.base + f"/present?lang=en&story={STORY}")
    first = caption_text(page)
    assert story.slides[0].caption.en[:60] in first
    assert story.slides[0].title.en in first
    assert counter(page) == f"1 / {len(story.slides)}"
    frame = map_frame(page)
    assert frame.locator(".parkatlas-caption").count() == 1
    assert frame.locator(".park-highlight").count() == len(story.slides[0].highlight)
    shot(page, "present-slide-1")

    page.get_by_role("heading", name="Present").click()  # focus the page, not the map's iframe
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, 2)
    second = caption_text(page, expect=story.slides[1].title.en)
    assert story.slides[1].title.en in second and story.slides[1].caption.en[:60] in second
    assert map_frame(page).locator(".parkatlas-caption").count() == 1  # the old caption left with its slide
    assert re.search(r"[?&]slide=2\b", page.url) and f"story={STORY}" in page.url
    shot(page, "present-slide-2")

    page.keyboard.press("ArrowLeft")
    wait_for_slide(page, 1)
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, 2)

    page.get_by_role("button", name="This slide as PNG").click()
    download_button = page.get_by_role("button", name="Download PNG")
    download_button.wait_for(timeout=60_000)
    with page.expect_download(timeout=30_000) as dl:
        download_button.click()
    assert dl.value.suggested_filename == f"story-{STORY}-slide-2.png"
    png = open(dl.value.path(), "rb").read()
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == present_view.EXPORT_SIZE
    slide = story.slides[1]
    pid = slide.highlight[0]
    geom = parks.at[pid, "geometry"]
    info = Image.open(io.BytesIO(png)).info  # the extent drawn and the caption's box, written into the PNG
    extent = tuple(float(v) for v in info["parkatlas:extent_epsg3857"].split())
    left, top, right, bottom = (float(v) for v in info["parkatlas:caption_px"].split())
    col, row = pixel_in(geom.x, geom.y, extent, img.size)
    colour = Catalogue(registry.load("programmes")).colour(parks.at[pid, "programme"]).lstrip("#")
    assert img.getpixel((int(col), int(row))) == tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))
    assert not (left <= col <= right and top <= row <= bottom)  # the caption does not cover it
    shot(page, "present-png-export")


def test_presentation_mode_hides_the_chrome(page, story):
    page.goto(page.base + f"/present?lang=en&story={STORY}&slide=2")
    caption_text(page, expect=story.slides[1].title.en)
    assert page.locator('section[data-testid="stSidebar"]').is_visible()
    toggle = page.locator('label:has-text("Presentation mode") input[type="checkbox"]').first
    for attempt in range(3):  # a click landing while the map's first report reruns the page is lost
        settle(page)
        if not toggle.is_checked():  # never a second click: it would turn the mode off again
            page.get_by_text("Presentation mode", exact=True).click()
        try:
            page.locator('section[data-testid="stSidebar"]').wait_for(state="hidden", timeout=15_000)
            break
        except Exception:
            if attempt == 2:
                raise
    page.wait_for_timeout(1500)
    frame_box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    assert frame_box["height"] >= 800
    leaflet_height = map_frame(page).evaluate(
        "() => document.querySelector('.leaflet-container').getBoundingClientRect().height")
    assert leaflet_height >= 780, f"the Leaflet map is {leaflet_height} px high in a {frame_box['height']} px frame"
    assert page.get_by_role("button", name="Next").is_visible()
    assert not page.locator('header[data-testid="stHeader"]').is_visible()
    text = caption_text(page, expect=story.slides[1].title.en)
    assert story.slides[1].title.en in text
    shot(page, "present-presentation-mode")
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, 3)
    caption_text(page, expect=story.slides[2].title.en)
    shot(page, "present-presentation-mode-slide-3")
