"""Access on the pages (AppTest): the Sites page says what network it measures, offers no HSR or
airport filter the network cannot answer, and with an imported GTFS network (saved in the
workspace) the ranking changes and says so; the atlas keeps its view in the URL."""

from __future__ import annotations

import os
import zipfile

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from layers.gtfs import read_gtfs
from tests.helpers import run_page
from ui.safe_html import md

SITES = "from ui.pages import sites\nsites.render()\n"

FEED = {
    "feed_info.txt": "feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,feed_version\n"
                     "Foshan Metro,https://example.com,zh,20250301,v1\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nF1,Foshan Base,23.0100,113.0100\nF2,Far,23.3000,113.3000\n",
    "routes.txt": "route_id,route_short_name,route_long_name,route_type\nGF,GF,Guangfo Line,1\n",
    "trips.txt": "route_id,service_id,trip_id\nGF,WK,T1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                      "T1,08:00:00,08:00:00,F1,1\nT1,08:30:00,08:30:00,F2,2\n",
}


@pytest.fixture()
def small_data(small_data_with_targets):
    return small_data_with_targets


def sites(query: dict | None = None) -> AppTest:
    return run_page({"lang": "en", **(query or {})}, script=SITES)


def url(at: AppTest) -> dict[str, str]:
    """The page's URL query (AppTest gives a value or a list of values per key)."""
    return {k: (v if isinstance(v, str) else v[-1]) for k, v in at.query_params.items()}


def infos(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_bundled_network_is_named_and_filters_it_cannot_answer_are_hidden():
    st.cache_resource.clear()
    at = sites()
    assert "Access measured on the links the five planning documents name" in infos(at)
    assert f"in service in {__import__('datetime').date.today().year}" in infos(at)
    keys = [s.key for s in at.selectbox]
    assert "ws_hsr" not in keys and "ws_air" not in keys and "ws_metro" in keys
    assert "No high-speed-rail filter" in captions(at) and "No airport filter" in captions(at)
    at.selectbox(key="ws_net").set_value("full").run()
    keys = [s.key for s in at.selectbox]
    assert "ws_air" in keys and "ws_hsr" not in keys  # 白云机场北 is the airport's station, in the full plan
    assert "the full plan" in infos(at)
    st.cache_resource.clear()


def import_network(tmp_path, name: str = "Foshan metro 2025", source: str | None = None) -> str:
    """Import FEED into the test's workspace as the network `name` (as Data → GTFS does); its key."""
    from store import open_workspace
    from ui.networks import register

    path = tmp_path / "foshan-metro.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for member, text in FEED.items():
            zf.writestr(member, text)
    feed = read_gtfs(path)
    ws = open_workspace(os.environ["PARKATLAS_WORKSPACE"], user="tester")
    key = register(ws, name, feed.lines, feed.nodes, source=source or str(feed.nodes["source"].iloc[0]),
                   as_of=feed.as_of, origin=path.name, notes=feed.notes, reason="test import",
                   part_names=(f"{name} (stations)", f"{name} (lines)"))
    ws.engine.dispose()
    return key


def test_an_imported_network_changes_the_ranking_and_says_so(small_data, tmp_path):
    key = import_network(tmp_path)
    at = sites({"net": "full", "metro": "500"})
    table = at.dataframe[0].value
    assert set(table["Name"]) == {"Test Park <script>alert(1)</script> ${x}", "Test Phase 1"}
    assert [s.key for s in at.selectbox].count("access_network") == 1
    at.selectbox(key="access_network").set_value(key).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Name"]) == ["Foshan Test Base"]
    assert "Foshan Base, existing" in table["Why this rank"].iloc[0]
    assert "Access measured on Foshan metro 2025" in infos(at) and md("2025-03-01") in infos(at)
    assert url(at)["src"] == key
    # A shared link opens the same network
    again = sites({"net": "full", "metro": "500", "src": key})
    assert list(again.dataframe[0].value["Name"]) == ["Foshan Test Base"]


def atlas(query: dict) -> AppTest:
    return run_page(query)


def test_the_atlas_keeps_language_and_filters_in_its_url_and_drops_bad_values(small_data):
    at = atlas({"lang": "en", "city": "佛山市", "area": "0.5-3", "unk": "1", "net": "2030", "q": "x" * 20000})
    assert at.multiselect(key="w_cities").value == ["佛山市"]
    assert at.slider(key="w_area").value == (0.5, 3.0)
    warnings = [w.value for w in at.warning]
    dropped = [w for w in warnings if "q=" in w]
    assert dropped and len(dropped[0]) < 300 and "20000 characters" in dropped[0]
    params = url(at)
    assert params["lang"] == "en" and params["city"] == "佛山市" and params["area"] == "0.5-3"
    assert params["net"] == "2030" and "q" not in params
    at.multiselect(key="w_kinds").set_value(["park"]).run()
    assert url(at)["kind"] == "park"


def test_the_profile_and_access_table_say_what_network_they_measure(small_data):
    at = atlas({"lang": "en", "park": "test-square-park", "net": "full"})
    html = " ".join(h.proto.body for h in at.get("html") if "parkatlas-access" in h.proto.body)
    assert "parkatlas-network" in html and "Access measured on the links the five planning documents name" in html
    assert "<span style='color:#666'>existing</span>" in html  # each station says its state
    assert "Access measured on" in captions(at)  # above the access table
