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


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_an_empty_search_says_which_criterion_blocks_and_offers_the_nearest_relaxation(small_data):
    at = page({"ind": "Internet", "net": "full", "metro": "500", "hsr": "500"})
    assert at.dataframe[0].value.empty
    said = texts(at)
    assert "No park meets all 3 criteria." in said
    assert "The most restrictive: HSR station within 500 m — dropping only this one finds 2 parks." in said
    assert "Industries: Internet: removes 2 alone; 2 left once applied in order; 0 found without it" in said
    assert "HSR station within 500 m: removes 4 alone; 0 left once applied in order; 2 found without it" in said
    relax = at.button(key="ws_relax_hsr")
    assert relax.label == "HSR station within 20 km: 2 parks"  # the two parks' HSR is 17.0 km away
    relax.click().run()
    assert not at.exception
    assert at.selectbox(key="ws_hsr").value == 20000 and len(at.dataframe[0].value) == 2
    assert at.query_params["hsr"] in ("20000", ["20000"])


def test_the_explanation_in_chinese_and_escaped(small_data):
    at = page({"lang": "zh", "ind": "互联网", "net": "full", "hsr": "500"})
    said = texts(at)
    assert "没有园区同时满足这 2 项条件。" in said
    assert "最严格的一项：高铁站 500 m 以内——只去掉这一项，可找到 2 个园区。" in said
    assert at.button(key="ws_relax_hsr").label == "高铁站 20 km 以内：2 个园区"


def test_a_tiny_result_is_explained_and_tied_neighbours_say_what_separated_them(small_data):
    at = page({"ind": "Internet", "net": "full", "metro": "500"})
    table = at.dataframe[0].value
    assert list(table["Rank"]) == [1, 2]
    assert "Only 2 parks meet all 3 criteria." not in texts(at)  # two criteria here
    assert "Only 2 parks meet all 2 criteria." in texts(at)
    assert table["Why this rank"].iloc[1].endswith(
        "after #1 Test Park <script>alert(1)</script> ${x} (same matches, same station distance): "
        "area 0.18 vs 1.13 km² (larger first)")
    assert any("How parks are ranked" in c.value for c in at.caption)
    wide = page({"net": "full"})
    assert "meet all" not in texts(wide)  # four parks found: nothing to explain


class FakeMap:
    """Stands in for st_folium and keeps what the page handed it."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, fig, key=None, **kwargs):
        self.calls.append({"fig": fig, **kwargs})
        return {}


def fit_of(call: dict):
    from ui.mapview.sites_map import FitView
    views = [c for g in call["feature_group_to_add"] for c in g._children.values() if isinstance(c, FitView)]
    return views[0] if views else None


def test_the_map_fits_its_results_and_draws_the_stations_the_reasons_name(small_data, monkeypatch):
    fake = FakeMap()
    monkeypatch.setattr("ui.pages.sites.st_folium", fake)
    at = page({"ind": "Internet", "net": "full"})
    fit = fit_of(fake.calls[-1])
    assert fit is not None and fit.point_json == "false"
    assert fit.bounds == pytest.approx((113.36, 23.09, 113.37, 23.1))  # the two Internet parks, not all four
    script = fit._template.module.script(fit, {})
    assert "fitBounds" in script and "paddingTopLeft: [60, 48]" in script and "maxZoom: 15" in script
    names = [g.layer_name for g in fake.calls[-1]["feature_group_to_add"]]
    assert names[0] == "Stations and lines the reasons name"
    html = fake.calls[-1]["fig"].get_root().render()
    assert "Node Test Station" not in html  # the stations travel in the groups, not in the base map
    stations = fake.calls[-1]["feature_group_to_add"][0]
    assert any("site-station" in str(getattr(c, "options", {}).get("className", "")) for c in stations._children.values())
    first_base = fake.calls[-1]["fig"].location
    at.multiselect(key="ws_ind").set_value(["E-commerce"]).run()  # one point park
    fit = fit_of(fake.calls[-1])
    assert fit.point_json == "true" and fit.point_zoom == 13
    assert fit.bounds == pytest.approx((113.05, 23.7, 113.05, 23.7))
    assert fake.calls[-1]["fig"].location == first_base  # the base map is the same: only its groups change


def test_a_linked_view_is_kept_until_the_search_changes(small_data, monkeypatch):
    fake = FakeMap()
    monkeypatch.setattr("ui.pages.sites.st_folium", fake)
    at = page({"lat": "23.1", "lon": "113.3", "z": "11"})
    assert fit_of(fake.calls[-1]) is None and fake.calls[-1]["fig"].location == [23.1, 113.3]
    at.multiselect(key="ws_ind").set_value(["Internet"]).run()
    assert fit_of(fake.calls[-1]) is not None


def map_html(call: dict) -> str:
    """The page's map as the browser gets it: the base map with the groups the page handed over."""
    import folium

    fig = folium.Map(location=[23.1, 113.3], zoom_start=10)
    for group in call["feature_group_to_add"]:
        group.add_to(fig)
    return fig.get_root().render()


def test_a_clicked_row_is_highlighted_on_the_map_and_kept_in_the_link(small_data, monkeypatch):
    from ui.park_finder import SITES_ROWS, rows_key

    fake = FakeMap()
    monkeypatch.setattr("ui.pages.sites.st_folium", fake)
    at = page({"net": "full"})
    assert "site-highlight" not in map_html(fake.calls[-1])  # nothing selected: nothing emphasised
    ids = list(at.dataframe[0].value.index)
    row = ids.index("test-square-park")
    at.session_state[rows_key(SITES_ROWS, None)] = {"selection": {"rows": [row], "columns": []}}  # the click
    at.run()
    assert not at.exception
    assert at.query_params["park"] in ("test-square-park", ["test-square-park"])
    names = [g.layer_name for g in fake.calls[-1]["feature_group_to_add"]]
    assert names.index("highlight") < names.index("Selected park")  # under the park: it stays clickable
    html = map_html(fake.calls[-1])
    assert 'className": "site-highlight"' in html and "site-highlight-label" in html
    assert f"#{row + 1} · Test Park &lt;script&gt;alert(1)&lt;/script&gt; &#36;{{x}}" in html  # its rank, escaped
    assert "<script>alert(1)" not in html
    # The stations its reasons name, labelled: the nearest station and HSR station of that park.
    assert "site-highlight-station station-node-test-station" in html and "Node Test Station" in html
    assert fit_of(fake.calls[-1]).bounds == pytest.approx((113.36, 23.09, 113.37, 23.1), abs=0.006)
    # A shared link opens with the same park highlighted.
    st.cache_resource.clear()
    page({"net": "full", "park": "test-square-park"})
    assert f"#{row + 1} · Test Park &lt;script&gt;" in map_html(fake.calls[-1])


def test_an_empty_search_still_has_a_map(small_data, monkeypatch):
    fake = FakeMap()
    monkeypatch.setattr("ui.pages.sites.st_folium", fake)
    at = page({"ind": "Internet", "net": "full", "metro": "500", "hsr": "500"})
    assert at.dataframe[0].value.empty and "No park meets all 3 criteria." in texts(at)  # the explanation stays
    call = fake.calls[-1]
    names = [g.layer_name for g in call["feature_group_to_add"]]
    assert names[:2] == ["Stations and lines of the chosen network in the area", "All parks (none meets the criteria)"]
    html = map_html(call)
    assert html.count('"site-greyed"') == 2  # the point parks as grey dots; the outlines in one grey layer
    assert "Test Park \\u0026lt;script\\u0026gt;" in html and "<script>alert(1)" not in html  # tooltips, escaped
    assert "site-station" in html and "Node Test Station" in html
    assert fit_of(call).bounds == pytest.approx((113.0, 23.0, 113.37, 23.7))  # every park: no city was chosen
    assert any(c.value.startswith("No park meets the criteria: the map shows every park in grey") for c in at.caption)
    # A search in one city frames that city's parks.
    page({"city": "佛山市", "net": "full", "hsr": "500"})
    assert fit_of(fake.calls[-1]).bounds == pytest.approx((113.0, 23.0, 113.02, 23.02))
