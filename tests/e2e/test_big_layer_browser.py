"""A big layer an officer brings (2,500 illustrative parcels, over the GeoJSON threshold) reaches
the atlas as vector tiles: built with progress when it is added on the Data page, then drawn on
the atlas from the archive our server serves, offline, with no CDN; a click shows a parcel."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from geo.measure import geodesic_area_m2
from layers.big_layers import BIG_LAYER_FEATURES
from layers.landuse import CODES, illustrative_parcels
from tests.conftest import ROOT
from tests.e2e.conftest import map_frame, new_page, running_app, shot
from tests.e2e.test_data_browser import give_name
from tests.e2e.test_vector_tiles_browser import LEAFLET_MAP, PAINTED_JS, click_parcel, middle_parcel

pytestmark = pytest.mark.browser

BOUNDS = (113.45, 23.15, 113.48, 23.17)


def test_a_big_layer_added_on_the_data_page_is_drawn_on_the_atlas(browser, tmp_path):
    parcels = illustrative_parcels(BOUNDS, 2_500, seed=9)[["code", "label", "geometry"]]
    assert len(parcels) > BIG_LAYER_FEATURES
    upload = tmp_path / "district_parcels.geojson"
    parcels.to_file(upload, driver="GeoJSON")
    with running_app(log_name="big_layer.log") as base:
        context, page = new_page(browser, base)
        archives: list[str] = []
        page.on("request", lambda r: archives.append(r.url) if ".pmtiles" in r.url else None)
        try:
            page.goto(base + "/data?lang=en")
            page.get_by_text("Choose a file").first.wait_for(timeout=60_000)
            page.locator("input[type=file]").first.set_input_files(str(upload))
            page.get_by_role("button", name="Import and check").click()
            page.get_by_text("Check report: district_parcels.geojson").wait_for(timeout=60_000)
            give_name(page, "Officer Li")
            page.get_by_role("button", name="Add as a new layer").click()
            page.get_by_text("Added layer").wait_for(timeout=60_000)
            page.get_by_text("are built").wait_for(timeout=120_000)  # by a child process, with progress

            page.goto(base + "/?lang=en")
            frame = map_frame(page, ready_js=f"() => typeof L !== 'undefined' && !!({LEAFLET_MAP})"
                                             " && !!window.parkatlasVectorLayers")
            assert page.get_by_text("are being built").count() == 0  # built on the Data page already
            lat, lon = (BOUNDS[1] + BOUNDS[3]) / 2, (BOUNDS[0] + BOUNDS[2]) / 2
            frame.evaluate(f"() => {LEAFLET_MAP}.setView([{lat}, {lon}], 15, {{animate: false}})")
            deadline, painted = time.monotonic() + 30, {"painted": 0}
            while time.monotonic() < deadline and painted["painted"] == 0:
                time.sleep(0.3)
                painted = frame.evaluate(PAINTED_JS)
            assert painted["painted"] > 0, painted

            i = middle_parcel(parcels)
            text = click_parcel(frame, parcels, i)
            area = float(geodesic_area_m2(parcels.geometry.iloc[[i]]).iloc[0])
            assert CODES[parcels["code"].iloc[i]].name_en in text
            assert f"{area / 1e4:.2f} ha" in text
            shot(page, "atlas_big_layer")

            # its legend lists its codes; the layer control names it, and unticking it hides layer and legend
            legend = frame.locator(".parkatlas-tile-legend")
            assert "Land use (whole layer): district_parcels" in legend.inner_text()
            for code in parcels["code"].unique():
                assert CODES[code].name_en in legend.inner_text()
            frame.locator(".leaflet-control-layers").hover()
            entry = frame.locator(".leaflet-control-layers-overlays label",
                                  has_text="Land use (whole layer): district_parcels")
            entry.locator("input").uncheck()
            assert frame.locator(".parkatlas-tile-legend").count() == 0
            assert frame.evaluate("() => !window.parkatlasVectorLayers[0]._map")
            entry.locator("input").check()
            assert frame.locator(".parkatlas-tile-legend").count() == 1
            assert page.outside.refused == [], page.outside.refused

            # the archive came through this session's own URL, not a public folder (issue 22)
            assert archives and all(u.startswith(f"{base}/parkatlas/file/") for u in archives), archives
            assert list((ROOT / "static").glob("**/*.pmtiles")) == []
            assert _status(archives[0], {"Range": "bytes=0-126"}) == 206  # what the map fetched, while it is open
        finally:
            context.close()
        deadline = time.monotonic() + 10  # the session ends with its browser: its URLs with it
        while time.monotonic() < deadline and _status(archives[0]) != 404:
            time.sleep(0.3)
        assert _status(archives[0]) == 404


def _status(url: str, headers: dict | None = None) -> int:
    """The HTTP status a client without cookies gets for `url`."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
