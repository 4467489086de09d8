"""Transport overlays in a real browser: planned and under-construction lines drawn dashed,
one white marker per station, and the year slider removing what is not yet open."""

from __future__ import annotations

import pytest

import shutil

from layers import transport
from tests.conftest import TEST_DATA
from tests.e2e.conftest import map_frame, new_page, running_app, shot

pytestmark = pytest.mark.browser

TRANSPORT_JS = """() => {
  let dashed = 0, solid = 0, stations = 0;
  map_div.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.style && l._path) { (l._path.getAttribute('stroke-dasharray') ? dashed++ : solid++); }
    if (l instanceof L.CircleMarker && !l.feature && l.options.fillColor === '#ffffff' && l._path) stations++;
  });
  return {dashed, solid, stations};
}"""


@pytest.fixture(scope="module")
def fixture_app(tmp_path_factory):
    """The app on the test fixtures (parks, transport, facilities): the drawing is what is tested
    here, whatever the bundled data holds."""
    folder = tmp_path_factory.mktemp("transport-data")
    shutil.copy(TEST_DATA / "parks_small.geojson", folder / "parks.geojson")
    for name in ("transport_lines", "transport_nodes", "facilities"):
        shutil.copy(TEST_DATA / f"{name}.geojson", folder / f"{name}.geojson")
    with running_app(folder, "streamlit-transport.log") as base:
        yield base


def test_planned_lines_are_dashed_and_stations_drawn(browser, fixture_app):
    # Only links with a geometry are drawn (a named-only link is listed in the profile instead).
    lines = transport.placed(transport.load_lines(TEST_DATA / "transport_lines.geojson"))
    nodes = transport.placed(transport.load_nodes(TEST_DATA / "transport_nodes.geojson"))
    assert len(lines) < len(transport.load_lines(TEST_DATA / "transport_lines.geojson"))
    context, page = new_page(browser, fixture_app)
    page.goto(page.base + "/?lang=en")
    drawn = map_frame(page).evaluate(TRANSPORT_JS)
    shot(page, "transport")
    not_existing = int((lines["status"] != "existing").sum())
    assert drawn["dashed"] == not_existing
    assert drawn["solid"] == len(lines) - not_existing
    assert drawn["stations"] == len(nodes)
    context.close()
