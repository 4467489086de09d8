"""The Sites page (AppTest): filters and transport criteria rank parks with their reasons, the
comparison of 2-4 parks, and the whole state round-tripping through the URL."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.helpers import run_page

PAGE = "from ui.pages import sites\nsites.render()\n"


@pytest.fixture()
def small_data(small_data_with_targets):
    return small_data_with_targets


def page(query: dict | None = None) -> AppTest:
    return run_page({"lang": "en", **(query or {})}, script=PAGE)


def ranked_ids(at: AppTest) -> list[str]:
    table = at.dataframe[0].value
    return list(table["Name"])


def test_industry_and_metro_criteria_rank_with_reasons(small_data):
    at = page()
    assert len(at.dataframe[0].value) == 4
    at.multiselect(key="ws_ind").set_value(["Internet"]).run()
    assert set(ranked_ids(at)) == {"Test Park <script>alert(1)</script> ${x}", "Test Phase 1"}
    reasons = list(at.dataframe[0].value["Why this rank"])
    assert all("Internet" in r for r in reasons)
    at.selectbox(key="ws_net").set_value("full").run()
    at.selectbox(key="ws_metro").set_value(500).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Rank"]) == [1, 2] and list(table.index) == ["test-square-park", "test-square-phase"]
    assert table["Why this rank"].iloc[0] == ("matches Internet; station 0 m (Node Test Station, existing; Line test-metro, "
                                              "Line test-tram); HSR 17.0 km; area 1.1 km² (computed)")
    at.selectbox(key="ws_hsr").set_value(500).run()  # no park has HSR within 500 m
    assert at.dataframe[0].value.empty
    # The URL carries the state for sharing.
    assert at.query_params["ind"] in ("Internet", ["Internet"]) and at.query_params["metro"] in ("500", ["500"])
    assert at.query_params["net"] in ("full", ["full"])


def test_a_shared_link_opens_the_same_view_and_comparison(small_data):
    at = page({"city": "广州市", "cmp": "test-square-park,test-foshan-base", "net": "full", "lat": "23.1", "lon": "113.3", "z": "11"})
    assert set(at.multiselect(key="ws_city").value) == {"广州市"}
    assert at.multiselect(key="ws_cmp").value == ["test-square-park", "test-foshan-base"]
    comparison = at.dataframe[1].value
    assert len(comparison.columns) == 2 and comparison.columns[0].startswith("Test Park <script>")
    assert len(comparison) >= 10
    assert any("download" in b.proto.label.lower() or "Excel" in b.proto.label for b in at.get("download_button"))
    # Round trip: what the page wrote back into the URL is what it was given.
    assert at.query_params["cmp"] in ("test-square-park,test-foshan-base", ["test-square-park,test-foshan-base"])
    assert at.query_params["lat"] in ("23.1", ["23.1"]) and at.query_params["z"] in ("11", ["11"])


def test_a_bad_link_value_is_dropped_with_a_notice(small_data):
    at = page({"metro": "far", "cmp": "test-square-park,nope"})
    assert any("not valid and was ignored" in w.value for w in at.warning)
    assert at.selectbox(key="ws_metro").value is None


def test_comparison_pdf_is_one_page(small_data):
    at = page({"cmp": "test-square-park,test-point"})
    at.button(key="ws_build_pdf").click().run()
    assert not at.exception
    pdf = [b for b in at.get("download_button") if "PDF" in b.proto.label]
    assert pdf, "no PDF download offered"


def test_a_broken_parks_file_is_reported_not_a_crash(small_data):
    (small_data / "parks.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    st.cache_resource.clear()
    at = page()
    assert at.error and at.code and "parks.geojson" in at.code[0].value
