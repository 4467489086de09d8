"""Transport overlays in a real browser: planned and under-construction lines drawn dashed,
one white marker per station, and the year slider removing what is not yet open."""

from __future__ import annotations

import pytest

from layers import registry
from layers.transport import open_in
from tests.e2e.conftest import map_frame, shot

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
def network():
    try:
        return registry.load("transport_lines"), registry.load("transport_nodes")
    except Exception as exc:  # noqa: BLE001 - say exactly why the layer is missing
        pytest.fail(f"transport layers do not load: {exc}")


def test_planned_lines_are_dashed_and_stations_drawn(page, network):
    lines, nodes = network
    page.goto(page.base + "/?lang=en")
    drawn = map_frame(page).evaluate(TRANSPORT_JS)
    shot(page, "transport")
    not_existing = int((lines["status"] != "existing").sum())
    assert drawn["dashed"] == not_existing
    assert drawn["solid"] == len(lines) - not_existing
    assert drawn["stations"] == len(nodes)
