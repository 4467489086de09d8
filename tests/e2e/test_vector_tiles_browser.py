"""A big layer drawn offline from its PMTiles archive by the vendored protomaps-leaflet: the
parcels are painted in their planning colours, the archive is read by Range requests from our own
server, nothing is fetched from outside, and a click on a parcel shows its code and area."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from geo.measure import geodesic_area_m2
from layers.big_layers import tile_archive
from layers.landuse import CODES, illustrative_parcels
from tests.conftest import ROOT
from tests.e2e.conftest import map_frame, new_page, serve, shot

pytestmark = pytest.mark.browser

BOUNDS = (113.30, 23.10, 113.33, 23.12)

PAINTED_JS = """() => {
    const canvases = [...document.querySelectorAll('.leaflet-tile-pane canvas')];
    let painted = 0;
    for (const c of canvases) {
        if (!c.width || !c.height) continue;
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 4 * 97) if (px[i] > 0) { painted++; break; }
    }
    return {canvases: canvases.length, painted: painted};
}"""

LEAFLET_MAP = "Object.values(window).find(v => v instanceof L.Map)"


def middle_parcel(parcels) -> int:
    """Position of the parcel nearest the layer's centre (measured in EPSG:4547 metres)."""
    planar = parcels.geometry.to_crs(4547)
    return int(planar.representative_point().distance(planar.union_all().centroid).values.argmin())


def click_parcel(frame, parcels, i: int) -> str:
    """Click (a Leaflet click on the map) inside parcel `i`; return the text of the popup it opens."""
    p = parcels.geometry.representative_point().iloc[i]
    frame.evaluate(f"""() => {{ const m = {LEAFLET_MAP};
        m.fire('click', {{latlng: L.latLng({p.y}, {p.x}), containerPoint: m.latLngToContainerPoint([{p.y}, {p.x}])}}); }}""")
    popup = frame.locator(".parkatlas-parcel-popup")
    popup.wait_for(timeout=10_000)
    return popup.inner_text()


@pytest.fixture(scope="module")
def tiles_site():
    """A folder served by Streamlit: the page, our vendored map code, and one archive of
    3,000 illustrative parcels (with their geodesic area); yields (base URL, parcels, requests)."""
    folder = Path(tempfile.mkdtemp(prefix="parkatlas-tiles-"))
    (folder / "static").mkdir()
    shutil.copytree(ROOT / "static" / "vendor", folder / "static" / "vendor")  # a link out of the folder is refused
    parcels = illustrative_parcels(BOUNDS, 3_000, seed=4)
    parcels["area_m2"] = geodesic_area_m2(parcels.geometry).round(1)
    middle = middle_parcel(parcels)
    parcels.loc[parcels.index[middle], "label"] += " <img src=x onerror=alert(1)>"  # hostile text stays text
    built = tile_archive(parcels, layer="parcels", revision="1", folder=folder / "static" / "tiles",
                         properties=["code", "label", "area_m2"])
    (folder / "page.py").write_text("import runpy\nrunpy.run_module('tests.e2e.tiles_page', run_name='__main__')\n")
    lat, lon = (BOUNDS[1] + BOUNDS[3]) / 2, (BOUNDS[0] + BOUNDS[2]) / 2
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PARKATLAS_TILES_URL": f"/app/static/tiles/{built.path.name}",
           "PARKATLAS_TILES_VIEW": f"{lat},{lon},15", "PARKATLAS_TILES_LAYER": built.path.name.split(".")[0]}
    with serve(str(folder / "page.py"), env, folder / "tiles.log") as (base, _):
        yield base, parcels, middle


def test_parcels_draw_offline_and_a_click_shows_one(browser, tiles_site):
    base, parcels, i = tiles_site
    context, page = new_page(browser, base)
    ranges: list[str] = []
    page.on("request", lambda r: ranges.append(r.headers.get("range", "")) if r.url.endswith(".pmtiles") else None)
    try:
        page.goto(base + "/")
        frame = map_frame(page, ready_js=f"() => typeof L !== 'undefined' && !!({LEAFLET_MAP})")
        deadline, painted = time.monotonic() + 30, {"painted": 0}
        while time.monotonic() < deadline and painted["painted"] == 0:
            time.sleep(0.3)
            painted = frame.evaluate(PAINTED_JS)
        shot(page, "vector_tiles")
        assert painted["painted"] > 0, painted
        assert ranges and all(r.startswith("bytes=") for r in ranges)  # the archive is read in ranges
        assert page.outside.refused == [], page.outside.refused  # no CDN, nothing from outside

        # a click on the parcel in the middle shows its code, name and area, its text escaped
        text = click_parcel(frame, parcels, i)
        popup = frame.locator(".parkatlas-parcel-popup")
        code = parcels["code"].iloc[i]
        assert code in text and CODES[code].name_en in text
        assert f"{parcels['area_m2'].iloc[i] / 1e4:.2f} ha" in text
        assert "illustrative" in text  # the parcels' own label says what they are
        assert "<img src=x onerror=alert(1)>" in text and popup.locator("img").count() == 0
        shot(page, "vector_tiles_click")
    finally:
        context.close()
