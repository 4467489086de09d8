"""Finding a park (issue 21): the park search on the atlas and the Sites page, the choice among
parks that share one place (the three 增城 records), and table rows that open a park.

The search is a select box whose options Streamlit's browser code filters as one types, by a
case-insensitive "contains" match on each option's line (`filter_mode="contains"`): here a query
is matched the same way on the lines the page sends (AppTest cannot type), and the browser test
(tests/e2e/test_park_finder_browser.py) types for real."""

from __future__ import annotations

import pytest
import streamlit as st

from layers import registry
from layers.park_lookup import named_in, same_place, search_labels, stack_sizes
from tests.helpers import run_page
from ui.park_finder import PARK_ROWS, SEARCH_KEY, SITES_ROWS, SITES_SEARCH_KEY, rows_key
from ui.mapview import display_frame
from layers.programmes import Catalogue

PLANS = Catalogue(registry.load("programmes"))

ZENGCHENG = ["gz-vip-zengcheng", "gz-vip-zengcheng-phase-1", "gz-vip-zengcheng-phase-2"]
ZENGCHENG_POINT = {"lat": 23.199694, "lng": 113.644495}


@pytest.fixture(scope="module")
def parks():
    return registry.load("parks")


@pytest.fixture()
def bundled():
    """The bundled data (its 54 parks), Streamlit's caches cleared before and after."""
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def offered(options: list[str], query: str) -> list[str]:
    """The park ids of the search lines a "contains" filter keeps for `query` (each line ends in its id)."""
    return [line.rsplit("· ", 1)[1] for line in options if query.casefold() in line.casefold()]


# ---- layers.park_lookup ----------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("琶洲", ["gz-vip-pazhou"]),                     # a short name: part of the Chinese name
    ("pazhou", ["gz-vip-pazhou"]),                   # English, any case
    ("增城", ZENGCHENG),                              # a short name shared by a park and its phases
    ("华南声谷", ["qc-huanan-sound-valley"]),          # a name the data gives in brackets
    ("Knowledge City", ["gz-htz-knowledge-city"]),
    ("gz-htz-tianhe-park", ["gz-htz-tianhe-park"]),  # the id
])
def test_search_lines_hold_chinese_english_and_short_names(parks, query, expected):
    assert offered(list(search_labels(parks, "zh").values()), query) == expected
    assert offered(list(search_labels(parks, "en").values()), query) == expected


def test_the_zengcheng_records_share_one_place(parks):
    assert same_place(parks, "gz-vip-zengcheng-phase-2") == ZENGCHENG
    assert same_place(parks, "gz-vip-pazhou") == ["gz-vip-pazhou"]
    assert stack_sizes(parks)[ZENGCHENG].tolist() == [3, 3, 3]
    assert stack_sizes(parks)["gz-vip-pazhou"] == 1


def test_a_phase_tooltip_names_the_phase_not_its_park(parks):
    tooltip = "增城新型显示价值创新园 二期\nZengcheng New Display Park, phase 2\nLocation only"
    assert named_in(parks, ZENGCHENG, tooltip)[0] == "gz-vip-zengcheng-phase-2"


def test_tooltips_of_stacked_parks_say_how_many_share_the_place(parks):
    frame = display_frame(parks, "en", PLANS)
    assert "3 parks at this place" in frame.at["gz-vip-zengcheng-phase-1", "tip"]
    assert "at this place" not in frame.at["gz-vip-pazhou", "tip"]


# ---- the atlas -------------------------------------------------------------------------------

def profile_ids(at) -> list[str]:
    import re

    return [re.search(r"data-park-id='([^']+)'", h.proto.body).group(1)
            for h in at.get("html") if "parkatlas-profile" in h.proto.body]


def url_park(at) -> str | None:
    value = at.query_params.get("park")
    return value[0] if isinstance(value, list) else value


@pytest.mark.parametrize(("lang", "query", "park"), [
    ("zh", "琶洲", "gz-vip-pazhou"),
    ("en", "pazhou", "gz-vip-pazhou"),
    ("zh", "知识城", "gz-htz-knowledge-city"),
    ("en", "Foshan High-tech Zone, Shunde", "fs-htz-shunde"),
])
def test_atlas_search_opens_the_park(bundled, lang, query, park):
    at = run_page({"lang": lang})
    box = at.selectbox(key=SEARCH_KEY)
    assert box.proto.DESCRIPTOR.fields_by_name["filter_mode"].enum_type.values_by_number[
        box.proto.filter_mode].name == "FILTER_MODE_CONTAINS"  # what `offered` mimics
    assert box in at.sidebar.selectbox  # it heads the sidebar
    assert offered(box.options, query) == [park]
    box.set_value(park).run()
    assert not at.exception
    assert profile_ids(at) == [park] and url_park(at) == park
    assert at.selectbox(key=SEARCH_KEY).value == park  # the box shows the open park


def test_atlas_search_by_a_shared_short_name_offers_each_record(bundled):
    at = run_page({"lang": "zh"})
    assert offered(at.selectbox(key=SEARCH_KEY).options, "增城") == ZENGCHENG
    at.selectbox(key=SEARCH_KEY).set_value("gz-vip-zengcheng-phase-1").run()
    assert profile_ids(at) == ["gz-vip-zengcheng-phase-1"]


def test_search_finds_a_park_the_filters_hide_and_draws_it(bundled, monkeypatch):
    import ui.pages.atlas as atlas

    drawn: dict = {}

    def fake_show(prep, **kwargs):
        drawn["html"] = prep.feature_group or ""
        return None

    monkeypatch.setattr(atlas.cached, "show", fake_show)
    at = run_page({"lang": "en", "city": "佛山市"})
    at.selectbox(key=SEARCH_KEY).set_value("gz-vip-pazhou").run()
    assert profile_ids(at) == ["gz-vip-pazhou"]
    assert any("The filters hide this park" in c.value for c in at.caption)
    assert "park-gz-vip-pazhou" in drawn["html"]  # its marker, outlined as the selected park
    assert "gz-vip-pazhou" not in list(at.dataframe[0].value.index)  # the table keeps to the filters


def test_clearing_the_search_closes_the_profile(bundled):
    at = run_page({"lang": "en", "park": "gz-vip-pazhou"})
    assert at.selectbox(key=SEARCH_KEY).value == "gz-vip-pazhou"
    at.selectbox(key=SEARCH_KEY).set_value(None).run()
    assert profile_ids(at) == [] and url_park(at) is None


def test_a_click_on_the_shared_zengcheng_point_offers_all_three(bundled, monkeypatch):
    import ui.pages.atlas as atlas

    def fake_show(*args, **kwargs):  # the top marker there is phase 2's (drawn last)
        return {"last_object_clicked": ZENGCHENG_POINT, "zoom": 12,
                "last_object_clicked_tooltip": "增城新型显示价值创新园 二期\nZengcheng New Display Park, phase 2\n"
                                               "Location only\n3 parks at this place: click, then choose one"}

    monkeypatch.setattr(atlas.cached, "show", fake_show)
    at = run_page({"lang": "en"})
    assert profile_ids(at) == ["gz-vip-zengcheng-phase-2"]  # what the tooltip named, not its park
    chooser = at.radio(key="w_same_place:gz-vip-zengcheng")
    assert chooser.label == "3 parks at this place"
    assert chooser.options[0].startswith("Zengcheng New Display Value") and len(chooser.options) == 3
    assert chooser.value == "gz-vip-zengcheng-phase-2"
    for park in ZENGCHENG:  # each one of them can be opened
        at.radio(key="w_same_place:gz-vip-zengcheng").set_value(park).run()
        assert not at.exception
        assert profile_ids(at) == [park] and url_park(at) == park
        assert at.radio(key="w_same_place:gz-vip-zengcheng").value == park


def test_a_park_alone_at_its_place_has_no_chooser(bundled):
    at = run_page({"lang": "en", "park": "gz-vip-pazhou"})
    assert not [r for r in at.radio if r.key and r.key.startswith("w_same_place")]


def park_table_ids(at) -> list[str]:
    """The ids of the atlas's parks table (the profile may hold tables of its own)."""
    tables = [d for d in at.dataframe if (d.key or "").startswith(PARK_ROWS + ":")]
    assert len(tables) == 1
    return list(tables[0].value.index)


def test_a_table_row_opens_its_park(small_data):
    """A click on a row of the parks table (its selection state, as the browser sends it)."""
    at = run_page({"lang": "en"})
    ids = park_table_ids(at)
    at.session_state[rows_key(PARK_ROWS, None)] = {"selection": {"rows": [2], "columns": []}}
    at.run()
    assert not at.exception
    assert profile_ids(at) == [ids[2]] and url_park(at) == ids[2]
    # The table now belongs to the open park and starts at its row: another row opens another park.
    at.session_state[rows_key(PARK_ROWS, ids[2])] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert profile_ids(at) == [ids[0]]
    assert at.selectbox(key=SEARCH_KEY).value == ids[0]  # the search box follows


def test_a_table_row_of_the_open_park_changes_nothing(small_data):
    at = run_page({"lang": "en", "park": "test-point"})
    ids = park_table_ids(at)
    at.session_state[rows_key(PARK_ROWS, "test-point")] = {"selection": {"rows": [ids.index("test-point")],
                                                                          "columns": []}}
    at.run()
    assert profile_ids(at) == ["test-point"]


# ---- the Sites page --------------------------------------------------------------------------

SITES = "from ui.pages import sites\nsites.render()\n"


def sites_page(query: dict | None = None):
    return run_page({"lang": "en", **(query or {})}, script=SITES)


def found_text(at) -> str:
    return " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)


def test_sites_search_finds_a_park_with_its_rank(small_data_with_targets):
    at = sites_page()
    box = at.selectbox(key=SITES_SEARCH_KEY)
    assert box in at.sidebar.selectbox
    assert offered(box.options, "foshan test") == ["test-foshan-base"]
    box.set_value("test-foshan-base").run()
    assert not at.exception
    assert "Foshan Test Base" in found_text(at) and "of 4 results" in found_text(at)
    assert url_park(at) == "test-foshan-base"
    at.button(key="ws_add_to_compare").click().run()
    assert at.multiselect(key="ws_cmp").value == ["test-foshan-base"]
    assert at.button(key="ws_add_to_compare").disabled


def test_sites_search_finds_a_park_the_criteria_leave_out(small_data_with_targets):
    at = sites_page({"city": "广州市"})
    at.selectbox(key=SITES_SEARCH_KEY).set_value("test-foshan-base").run()
    assert "Not among these results" in found_text(at)


def test_sites_row_click_finds_the_park_and_a_link_reopens_it(small_data_with_targets):
    at = sites_page()
    ids = list(at.dataframe[0].value.index)  # the results, ranked (the table hides the ids)
    at.session_state[rows_key(SITES_ROWS, None)] = {"selection": {"rows": [1], "columns": []}}
    at.run()
    assert not at.exception
    found = at.selectbox(key=SITES_SEARCH_KEY).value
    assert found == ids[1] and url_park(at) == found
    assert "Rank 2 of 4 results" in found_text(at)
    # A link with ?park= opens the page with that park found.
    st.cache_resource.clear()
    again = sites_page({"park": found})
    assert again.selectbox(key=SITES_SEARCH_KEY).value == found
