"""Inspection in a real browser (issue 25): a 永久基本农田 layer in the workspace overlaps half of a
park; the atlas opened on that park draws the conflicting part hatched (an SVG pattern the map's
own script defines: nothing from a CDN), the profile's Inspection section names the conflict, and
its report button gives a PDF that poppler reads back as text (name, verdict, outline version)."""

from __future__ import annotations

import subprocess

import geopandas as gpd
import pytest
import shapely
import shapely.affinity

from layers.constraint_layers import mark, spec
from layers.user_layers import AttributeMapping, apply_mapping
from store import open_workspace
from tests.test_inspection_report import all_fonts_embedded
from tests.e2e.conftest import ARTIFACTS, DRAWN_JS, app_with_workspace, map_frame, new_page, settle, shot

pytestmark = pytest.mark.browser

PARK = "gz-vip-pazhou"
HATCHED_JS = """() => Array.from(document.querySelectorAll('path.leaflet-interactive'))
  .some(p => (p.getAttribute('fill') || '').startsWith('url(#parkatlas-hatch-'))
  && !!document.querySelector('pattern[id^="parkatlas-hatch-"]')"""


@pytest.fixture(scope="module")
def inspected_app(tmp_path_factory):
    with app_with_workspace(tmp_path_factory, "inspection") as (base, workspace):
        ws = open_workspace(workspace, user="测试员", role="admin")
        centre = ws.layer("parks").geometry.loc[PARK]  # the bundled parks are approximate points
        outline = shapely.box(centre.x - 0.01, centre.y - 0.01, centre.x + 0.01, centre.y + 0.01)
        ws.save_feature("parks", PARK, outline, {"geometry_quality": "digitised"}, reason="an officer's outline")
        minx, miny, maxx, maxy = outline.bounds
        west_half = shapely.box(minx - 0.001, miny - 0.001, (minx + maxx) / 2, maxy + 0.001)
        gdf = gpd.GeoDataFrame({"name": ["西侧农田"]}, geometry=[west_half], crs=4326)
        mapped = mark(apply_mapping(gdf, AttributeMapping(name="name"), "constraint", "farmland.geojson"),
                      spec("permanent-basic-farmland"))
        ws.add_layer("永久基本农田", mapped, role="constraint", origin="farmland.geojson", reason="browser test")
        yield base, workspace


def test_the_conflicting_part_is_hatched_and_the_profile_names_it(browser, inspected_app):
    ctx, page = new_page(browser, inspected_app[0])
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        page.goto(f"{inspected_app[0]}/?lang=en&park={PARK}")
        settle(page)
        frame = map_frame(page, ready_js=HATCHED_JS, timeout_s=60)
        assert frame is not None
        page.get_by_text("Inspection", exact=False).first.wait_for(timeout=30_000)
        settle(page)
        shot(page, "inspection-atlas-hatched")
        body = page.content()
        assert "永久基本农田" in body
        assert page.outside.refused == [], f"off-machine requests other than tiles: {page.outside.refused}"
    finally:
        ctx.close()


HATCHED_PATHS_JS = """() => Array.from(document.querySelectorAll('path.leaflet-interactive'))
  .filter(p => (p.getAttribute('fill') || '').startsWith('url(#parkatlas-hatch-')).length"""


def test_the_report_pdf_downloads_and_reads_back(browser, inspected_app, tmp_path):
    """The profile's report button, then its download: the PDF's text (pdftotext) has the park's
    name and id, the conflict's verdict, the outline's version and the layer used; fonts embedded."""
    base, workspace = inspected_app
    ws = open_workspace(workspace, seed=False)
    name_zh = str(ws.layer("parks").loc[PARK, "name_zh"])
    version = int(ws.history("parks", PARK)["version"].iloc[-1])
    ctx, page = new_page(browser, base)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        page.goto(f"{base}/?lang=en&park={PARK}")
        settle(page)
        frame = map_frame(page, ready_js=HATCHED_JS, timeout_s=60)
        assert frame.evaluate(HATCHED_PATHS_JS) >= 1  # the conflicting part, hatched
        settle(page)
        make = page.get_by_role("button", name="Make the inspection report (PDF)")
        download_button = page.get_by_role("button", name="Download the inspection report")
        for _attempt in range(3):  # a click that lands while the map's first rerun replaces the button is lost
            make.scroll_into_view_if_needed(timeout=30_000)
            make.click()
            settle(page, timeout_s=60)
            try:
                download_button.wait_for(timeout=20_000)
                break
            except Exception:
                continue
        shot(page, "inspection-report-made")
        assert download_button.is_visible(), page.inner_text("body")[:3000]
        download_button.scroll_into_view_if_needed()
        shot(page, "inspection-report-button")
        with page.expect_download(timeout=30_000) as dl:
            download_button.click()
        assert dl.value.suggested_filename == f"inspection-{PARK}.pdf"
        path = tmp_path / "report.pdf"
        dl.value.save_as(str(path))
        assert path.read_bytes().startswith(b"%PDF")
        text = subprocess.run(["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        squashed = "".join(text.split())
        assert name_zh in text and PARK in text
        assert "Inspectionreport" in squashed and "conflict" in text.split("Checks and verdicts")[1]
        assert "Basemap not available" in text  # the server has no internet here: vector layers alone, said so
        assert f"version{version}" in squashed and "永久基本农田(" in squashed  # the outline's version, the layer used
        assert "测试员" in text  # the outline's author
        fonts = subprocess.run(["/usr/bin/pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert all_fonts_embedded(fonts), fonts
        subprocess.run(["/usr/bin/pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(path),
                        str(ARTIFACTS / "inspection-report-browser")], check=True)
        assert page.outside.refused == [], f"off-machine requests other than tiles: {page.outside.refused}"
    finally:
        ctx.close()


def test_history_shows_what_moving_the_outline_did_to_the_checks(browser, inspected_app):
    """An officer moves the outline east, off most of the farmland: the History panel's two
    versions' inspection appears side by side under the two outlines (looked at in the screenshot)."""
    base, workspace = inspected_app
    ws = open_workspace(workspace, user="测试员", role="admin")
    hist = ws.history("parks", PARK)
    before = hist.geometry.iloc[-1]
    minx, miny, maxx, maxy = before.bounds
    moved = shapely.affinity.translate(before, xoff=(maxx - minx) * 0.4)
    new = ws.save_feature("parks", PARK, moved, {"geometry_quality": "digitised"}, reason="moved east, off the farmland")
    ctx, page = new_page(browser, base)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        page.goto(f"{base}/?lang=en&park={PARK}")
        settle(page)
        map_frame(page, ready_js=HATCHED_JS, timeout_s=60)
        heading = page.get_by_text(f"Inspection of version {new - 1} and version {new}")
        heading.wait_for(timeout=60_000)
        settle(page)
        maps = page.locator('iframe[title="streamlit_folium.st_folium"]')
        maps.last.scroll_into_view_if_needed()  # the two outlines' map, the table under it
        drawn = 0
        for _ in range(150):  # the History map (a second Leaflet frame) draws both versions' outlines
            drawn = sum(1 for fr in page.frames if _drawn(fr))
            if drawn >= 2:
                break
            page.wait_for_timeout(200)
        assert drawn >= 2, "the History map did not draw"
        page.wait_for_timeout(500)
        shot(page, "inspection-history-map")
        heading.scroll_into_view_if_needed()
        shot(page, "inspection-history-side-by-side")
        assert page.get_by_text("The same computation as the profile's Inspection", exact=False).count() == 1
    finally:
        ctx.close()


def _drawn(frame) -> bool:
    try:
        return bool(frame.evaluate(DRAWN_JS))
    except Exception:  # frames come and go while Streamlit reruns
        return False
