"""The atlas page through streamlit.testing.v1.AppTest (the folium component itself is opaque
here: a click is simulated by replacing the component call, `ui.mapview.cached.show`, with a fake
that returns one)."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.safe_html import md

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture()
def small_data(small_parks_path, tmp_path, monkeypatch):
    (tmp_path / "parks.geojson").write_bytes(small_parks_path.read_bytes())
    monkeypatch.setenv("PARKATLAS_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


def run(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["w_tables"] = True  # the atlas's tables are shown on request
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_title(at: AppTest) -> str:
    """The atlas's one-line title (ui.page.map_first_header): its bold part."""
    import re

    heads = [h.proto.body for h in at.get("html") if "parkatlas-title" in h.proto.body]
    assert heads, "no title"
    return re.search(r"<b>(.*?)</b>", heads[0]).group(1)


def table_ids(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value.index)


def profile_ids(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "parkatlas-profile" in h.proto.body]


@pytest.mark.parametrize(("lang", "title", "header"), [("zh", "园区图谱", "计算面积 亩"), ("en", "ParkAtlas", "Computed 亩 (mu)")])
def test_renders_in_both_languages(small_data, lang, title, header):
    at = run({"lang": lang})
    assert page_title(at) == title
    assert header in at.dataframe[0].value.columns
    assert len(table_ids(at)) == 4


def test_switching_language_relabels_the_page(small_data):
    at = run()
    assert page_title(at) == "园区图谱"
    at.sidebar.get("button_group")[0].set_value("en").run()
    assert page_title(at) == "ParkAtlas"
    assert "City" in [m.label for m in at.sidebar.multiselect]


def test_filters_narrow_the_table(small_data):
    at = run()
    at.multiselect(key="w_cities").set_value(["佛山市"]).run()
    assert table_ids(at) == ["test-foshan-base"]
    at.multiselect(key="w_cities").set_value([]).run()
    at.text_input(key="w_industry").input("互联网").run()
    assert table_ids(at) == ["test-square-park", "test-square-phase"]
    at.slider(key="w_area").set_value((1.0, 2.0)).run()
    assert table_ids(at) == ["test-square-park"]


def test_deep_link_opens_the_park(small_data):
    at = run({"park": "test-foshan-base", "lang": "en"})
    bodies = profile_ids(at)
    assert len(bodies) == 1 and "data-park-id='test-foshan-base'" in bodies[0]
    assert "Foshan Test Base" in bodies[0]
    assert not at.warning


def test_unknown_deep_link_shows_a_notice_and_the_whole_atlas(small_data):
    at = run({"park": "no-such-park", "lang": "en"})
    assert any(md("no-such-park") in w.value for w in at.warning)  # a value from the URL, inert Markdown
    assert len(table_ids(at)) == 4
    assert profile_ids(at) == []


def test_a_click_on_the_map_opens_the_clicked_park(small_data, monkeypatch):
    import ui.pages.atlas as atlas

    def fake_show(*args, **kwargs):
        # A click inside the phase, which lies inside its park: the tooltip names the phase.
        return {"last_object_clicked": {"lat": 23.094, "lng": 113.364}, "last_object_clicked_tooltip": "测试一期 Test Phase 1"}

    monkeypatch.setattr(atlas.cached, "show", fake_show)
    at = run()
    bodies = profile_ids(at)
    assert len(bodies) == 1 and "data-park-id='test-square-phase'" in bodies[0]
    assert at.query_params["park"] in ("test-square-phase", ["test-square-phase"])


def test_profile_shows_stated_and_computed_area_and_escapes(small_data):
    at = run({"park": "test-square-park", "lang": "en"})
    body = profile_ids(at)[0]
    assert "1.100" in body and "1.135" in body and "+3.1 %" in body  # stated, computed km², difference
    assert "1,702" in body  # 亩
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "geodesic on the WGS84 ellipsoid" in body


def test_broken_bundled_data_is_reported_not_crashed(small_data):
    (small_data / "parks.geojson").write_text("{broken", encoding="utf-8")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["w_tables"] = True  # the atlas's tables are shown on request
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.error and "failed validation" in at.error[0].value
    assert "parks.geojson: cannot be read as UTF-8 JSON" in at.code[0].value


def test_profile_lists_the_parks_targets(small_data):
    import shutil

    from tests.conftest import TEST_DATA

    shutil.copy(TEST_DATA / "targets.csv", small_data / "targets.csv")
    st.cache_resource.clear()
    at = run({"park": "test-square-park", "lang": "en"})
    body = [h.proto.body for h in at.get("html") if "parkatlas-targets" in h.proto.body]
    assert len(body) == 1
    assert "≥ 2,000 亿元 (2025)" in body[0] and "Green ratio" in body[0]


def test_sizing_parks_by_a_target_scales_markers_by_value(small_data, monkeypatch):
    """Choosing a metric and year draws each park's dot with AREA proportional to its target and
    puts the scale in the map legend; a park with no such target is a small hollow dot."""
    import ui.pages.atlas as atlas
    from tests.conftest import TEST_DATA

    (small_data / "targets.csv").write_bytes((TEST_DATA / "targets.csv").read_bytes())
    st.cache_resource.clear()
    drawn: dict = {}

    def fake_show(prep, **kwargs):  # what the component would get: the map's and the overlays' JavaScript
        drawn["html"] = prep.script + (prep.feature_group or "")
        return None

    monkeypatch.setattr(atlas.cached, "show", fake_show)
    at = run({"lang": "en"})
    assert '"radius": 4.0' not in drawn["html"]  # not sized: every dot the same
    at.selectbox(key="w_size_metric").set_value("land-developed").run()
    assert not at.exception
    assert at.selectbox(key="w_size_year").value == 2023
    html = drawn["html"]
    # test-foshan-base (a polygon) has the only 2023 land target (5000 亩): the largest symbol, on
    # its outline; the one point park without such a target is a small hollow dot.
    assert html.count('"radius": 22.0') == 1 and html.count('"radius": 4.0') == 1
    legend = json.dumps("Land developed (2023 target, 亩)")[1:-1]  # the legend's HTML is a JSON string
    assert legend in html and json.dumps("5,000 亩")[1:-1] in html and "width:44px" in html


def test_a_first_paint_sends_the_map_before_the_sidebar(small_data, monkeypatch):
    """PARKATLAS_MAP_FIRST (on for users): a session's first run sends the map with the filters a
    link chose but no sidebar widget; the rerun the drawn map asks for adds them, same filters."""
    from tests.helpers import run_page

    monkeypatch.setenv("PARKATLAS_MAP_FIRST", "1")
    at = run_page({"lang": "en", "city": "广州市"})
    assert not at.sidebar.multiselect and not at.sidebar.slider  # no filter widget yet
    assert not at.toggle  # nor the tables' toggle below the map (its code would hold the map back)
    assert any("Showing 2 of 4 parks" in h.value for h in at.get("html")) or any(
        "Showing 2 of 4" in m.value for m in at.markdown)
    at.run()  # what the map's "drawn" message triggers
    assert not at.exception
    assert at.sidebar.multiselect(key="w_cities").value == ["广州市"]
    assert at.toggle(key="w_tables")
    assert any("Showing 2 of 4" in h.value for h in at.get("html")) or any("Showing 2 of 4" in m.value for m in at.markdown)
