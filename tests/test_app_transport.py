"""The atlas with transport and facilities (AppTest): the year slider, the Access and
Facilities sections of the profile, the access table, and missing layers reported."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.helpers import run_page

from tests.conftest import TEST_DATA



@pytest.fixture()
def full_data(tmp_path, monkeypatch):
    shutil.copy(TEST_DATA / "parks_small.geojson", tmp_path / "parks.geojson")
    for name in ("transport_lines", "transport_nodes", "facilities"):
        shutil.copy(TEST_DATA / f"{name}.geojson", tmp_path / f"{name}.geojson")
    monkeypatch.setenv("PARKATLAS_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


def run(query: dict) -> AppTest:
    return run_page(query)


def html_with(at: AppTest, css_class: str) -> str:
    bodies = [h.proto.body for h in at.get("html") if css_class in h.proto.body]
    assert len(bodies) == 1, f"{len(bodies)} elements with {css_class}"
    return bodies[0]


def test_profile_has_access_and_facilities(full_data):
    at = run({"park": "test-square-park", "lang": "en"})
    access = html_with(at, "parkatlas-access")
    assert "Node Test Station" in access and "0 m" in access
    assert "17.0 km" in access  # the HSR station 0.15° west, from the park's west edge
    facilities = html_with(at, "parkatlas-facilities")
    assert "停车位5503个" in facilities and "site not given; shown at park level" in facilities


def test_year_slider_changes_access(full_data):
    at = run({"park": "test-square-park", "lang": "en"})
    assert "Node Test Tram Stop" in html_with(at, "parkatlas-access")  # full plan: the planned tram stop
    at.select_slider(key="w_year").set_value(2018).run()
    access = html_with(at, "parkatlas-access")
    first_column = access.split("Full plan")[0]
    assert "2018" in first_column
    assert access_table(at).loc["test-square-park", "Stations within 2 km"] == 1  # tram stop is planned, not open in 2018
    at.select_slider(key="w_year").set_value("full").run()
    assert access_table(at).loc["test-square-park", "Stations within 2 km"] == 2


def access_table(at: AppTest):
    """The atlas's access table (the profile's history table comes before it)."""
    (table,) = [d.value for d in at.dataframe if "Stations within 2 km" in d.value.columns]
    return table


def test_access_table_follows_filters(full_data):
    at = run({"lang": "en"})
    assert len(at.dataframe[1].value) == 4
    at.multiselect(key="w_cities").set_value(["广州市"]).run()
    assert list(at.dataframe[1].value.index) == ["test-square-park", "test-square-phase"]


def test_a_broken_layer_is_reported_an_absent_one_is_not_and_the_atlas_still_works(full_data):
    (full_data / "facilities.geojson").unlink()
    (full_data / "transport_nodes.geojson").write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                                                     '"properties": {"id": "x"}, "geometry": {"type": "Point", "coordinates": [113, 23]}}]}')
    at = run({"lang": "en"})
    labels = [e.label for e in at.expander]
    assert any("transport_nodes" in x for x in labels)  # broken: said
    assert not any("facilities" in x for x in labels)  # not bundled: nothing to say
    assert len(at.dataframe[0].value) == 4


def test_land_use_of_the_selected_park_is_labelled_illustrative(full_data):
    at = run({"park": "test-square-park", "lang": "en"})
    at.toggle(key="w_landuse").set_value(True).run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "illustrative — not an official plan" in captions
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    # the value-innovation park has the 20 % green target: a pass or a warning, never silence
    verdicts = [m.value for m in at.success] + [m.value for m in at.warning]
    assert any("Green ratio" in v and "target ≥ 20%" in v for v in verdicts)


def test_land_use_on_a_point_park_says_why_there_is_none(full_data):
    at = run({"park": "test-point", "lang": "en"})
    at.toggle(key="w_landuse").set_value(True).run()
    assert not at.exception
    assert any("no land-use composition" in c.value for c in at.caption)


def test_a_link_named_without_a_position_is_listed_not_drawn(full_data):
    """A road the document names for a park but gives no position for: in the profile, marked
    as not drawn; never on the map and never in distances."""
    at = run({"park": "test-square-park", "lang": "en"})
    named = [h.proto.body for h in at.get("html") if "parkatlas-named-links" in h.proto.body]
    assert len(named) == 1
    assert "Test Expressway" in named[0] and "position not given, not drawn" in named[0]
    from layers import registry
    from layers.access import access_table

    lines, nodes = registry.load("transport_lines"), registry.load("transport_nodes")
    assert lines.at["line-test-named-road", "geometry"] is None
    acc = access_table(registry.load("parks"), lines, nodes, "full")
    assert all("test-expressway" not in refs for refs in acc["lines_2km"])
