"""Issue 21: filters never hide parks a user did not choose to hide (AppTest).

A range the user did not set follows the data: an outline saved to the workspace by another
session (or this one) that is larger than every area so far leaves every open atlas showing
every park, with no `area=` in its URL. Parks of unknown area stay unless the user unticks them.
Whenever a filter hides parks, the page says how many and offers to clear the filters.
"""

from __future__ import annotations

import json
import re

import pytest
import streamlit as st
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from store import default_location, open_workspace
from tests.helpers import run_page

POINT_PARK = "test-point"  # 清城测试点, a point at 113.05 E, 23.70 N, stated 0.5 km²
BIG_OUTLINE = box(113.03, 23.68, 113.06, 23.71)  # ~10 km²: larger than every park so far (top 5 km²)
UNKNOWN = ("test-unknown-a", "test-unknown-b")  # points with no stated area
ALL = 6
SITES = "from ui.pages import sites\nsites.render()\n"


@pytest.fixture()
def unknown_data(small_data, monkeypatch):
    """The small parks plus two points of unknown area (no outline, no stated area); the
    workspace's revisions read on every run (not once a second), so a save shows on the next."""
    monkeypatch.setattr("ui.workspace._REVISIONS_TTL_S", 0.0)
    path = small_data / "parks.geojson"
    layer = json.loads(path.read_text(encoding="utf-8"))
    point = next(f for f in layer["features"] if f["properties"]["id"] == POINT_PARK)
    for i, park_id in enumerate(UNKNOWN):
        extra = json.loads(json.dumps(point))
        extra["properties"].update(id=park_id, name_zh=f"面积不明{i}", name_en=f"Unknown area {i}", stated_area_km2=None)
        extra["geometry"]["coordinates"] = [113.06 + i / 100, 23.72]
        layer["features"].append(extra)
    path.write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    st.cache_resource.clear()
    return small_data


def save_big_outline() -> None:
    """Save the big outline of POINT_PARK to the workspace through the store, as another session would."""
    ws = open_workspace(default_location(), user="李工")
    ws.save_feature("parks", POINT_PARK, BIG_OUTLINE, {"geometry_quality": "surveyed"}, reason="控规红线",
                    evidence="hongxian.geojson")
    ws.engine.dispose()


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_ids(at: AppTest) -> list[str]:
    """The ids of the atlas's park table (the first table indexed by park ids: a profile's history comes first)."""
    return next(list(d.value.index) for d in at.dataframe if all(str(i).startswith("test-") for i in d.value.index))


def shown_caption(at: AppTest) -> tuple[int, int]:
    """(shown, total) from the atlas's title line "Showing N of M parks"."""
    head = next(h.proto.body for h in at.get("html") if "parkatlas-title" in h.proto.body)
    n, total = re.search(r"Showing (\d+) of (\d+) parks", head).groups()
    return int(n), int(total)


def params(at: AppTest) -> dict[str, str]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning] + [i.value for i in at.info]


# --------------------------------------------------------------------------- the range follows the data

def test_a_bigger_outline_saved_elsewhere_narrows_no_open_atlas(unknown_data):
    at = run_page({"lang": "en"})
    assert len(table_ids(at)) == ALL and shown_caption(at) == (ALL, ALL)
    assert at.slider(key="w_area").value == (0.0, 5.0)
    save_big_outline()
    rerun(at)
    assert len(table_ids(at)) == ALL and shown_caption(at) == (ALL, ALL)  # the unknown-area parks too
    assert "area" not in params(at) and "unk" not in params(at)
    assert at.slider(key="w_area").value == (0.0, 11.0)  # the slider's full range grew with the data
    assert not [n for n in notices(at) if "hide" in n]
    rerun(at)  # and stays so
    assert len(table_ids(at)) == ALL and "area" not in params(at)


def test_the_saver_keeps_every_park_too(unknown_data, monkeypatch):
    """The session that saves the big outline in the outline editor is back on the whole atlas."""
    from tests.helpers import fake_editor_map

    fake_editor_map(monkeypatch, [{"type": "Feature", "properties": {}, "geometry": BIG_OUTLINE.__geo_interface__}])
    at = run_page({"lang": "en", "park": POINT_PARK})
    for act in (lambda: at.button(key="edit_outline").click(), lambda: at.text_input(key="outline_author").set_value("王工"),
                lambda: at.button(key="outline_author_save").click(),
                lambda: at.text_input(key="outline_reason").set_value("控规红线"),
                lambda: at.button(key="outline_save").click()):
        act()
        rerun(at)
    assert any("Outline saved as version 2" in s.value for s in at.success)
    assert len(table_ids(at)) == ALL and shown_caption(at) == (ALL, ALL) and "area" not in params(at)
    assert at.slider(key="w_area").value == (0.0, 11.0)


def test_the_first_paint_session_also_follows_the_data(unknown_data, monkeypatch):
    """A session whose first run sent the map alone (no slider yet) keeps every park too."""
    monkeypatch.setenv("PARKATLAS_MAP_FIRST", "1")
    at = run_page({"lang": "en"})
    assert shown_caption(at) == (ALL, ALL)
    rerun(at)  # the sidebar arrives
    save_big_outline()
    rerun(at)
    assert shown_caption(at) == (ALL, ALL) and "area" not in params(at)


def test_a_full_range_in_a_link_is_no_filter(unknown_data):
    """`area=0-5` when 5 km² is the data's top (what the defect wrote into addresses) hides nothing."""
    at = run_page({"lang": "en", "area": "0-5"})
    assert len(table_ids(at)) == ALL and "area" not in params(at)
    save_big_outline()
    rerun(at)
    assert len(table_ids(at)) == ALL and "area" not in params(at)


# --------------------------------------------------------------------------- a range the user set

def test_a_user_set_range_survives_the_data_growing_and_keeps_unknown_areas(unknown_data):
    at = run_page({"lang": "en"})
    assert at.checkbox(key="w_unknown_area").value is True  # included unless the user unticks it
    at.slider(key="w_area").set_value((1.0, 3.0))
    rerun(at)
    assert sorted(table_ids(at)) == sorted(["test-square-park", *UNKNOWN])
    assert params(at)["area"] == "1-3" and "unk" not in params(at)
    save_big_outline()
    rerun(at)
    assert at.slider(key="w_area").value == (1.0, 3.0)
    assert sorted(table_ids(at)) == sorted(["test-square-park", *UNKNOWN])
    assert params(at)["area"] == "1-3"
    at.checkbox(key="w_unknown_area").uncheck()
    rerun(at)
    assert table_ids(at) == ["test-square-park"]
    assert params(at)["unk"] == "0"


def test_a_link_can_exclude_unknown_areas(unknown_data):
    at = run_page({"lang": "en", "area": "1-3", "unk": "0"})
    assert table_ids(at) == ["test-square-park"] and at.checkbox(key="w_unknown_area").value is False
    old = run_page({"lang": "en", "area": "1-3", "unk": "1"})  # links from before: "1" is the default now
    assert len(table_ids(old)) == 3 and "unk" not in params(old)


# --------------------------------------------------------------------------- hidden parks are said, and can be shown

@pytest.mark.parametrize("narrow", [
    lambda at: at.multiselect(key="w_cities").set_value(["佛山市"]),
    lambda at: at.multiselect(key="w_programmes").set_value(["qingcheng"]),
    lambda at: at.multiselect(key="w_kinds").set_value(["phase"]),
    lambda at: at.text_input(key="w_industry").input("互联网"),
    lambda at: at.slider(key="w_area").set_value((1.0, 3.0)),
], ids=["city", "programme", "kind", "industry", "area"])
def test_hidden_parks_are_counted_and_the_filters_can_be_cleared(unknown_data, narrow):
    at = run_page({"lang": "en"})
    assert "clear_filters" not in [b.key for b in at.button]  # nothing hidden: nothing to clear
    narrow(at)
    rerun(at)
    n, total = shown_caption(at)
    assert n < total == ALL
    said = [s for s in notices(at) if "hidden by the filters" in s]
    assert said == [f"{total - n} of {total} parks are hidden by the filters."]
    at.button(key="clear_filters").click()
    rerun(at)
    assert len(table_ids(at)) == ALL and shown_caption(at) == (ALL, ALL)
    assert not [s for s in notices(at) if "hidden by the filters" in s]
    assert set(params(at)) <= {"lang"}
    assert at.slider(key="w_area").value == (0.0, 5.0) and at.multiselect(key="w_cities").value == []


def test_sites_page_counts_hidden_parks_and_clears_its_filters(unknown_data):
    kept = run_page({"lang": "en", "area": "1-"}, script=SITES)  # unknown areas stay unless unticked
    assert sorted(kept.dataframe[0].value.index) == sorted(["test-square-park", "test-foshan-base", *UNKNOWN])
    assert "unk" not in params(kept)
    at = run_page({"lang": "en", "city": "佛山市", "area": "1-"}, script=SITES)
    assert len(at.dataframe[0].value) == 1
    said = [s for s in notices(at) if "hidden by the filters" in s]
    assert said == [f"{ALL - 1} of {ALL} parks are hidden by the filters."]
    at.button(key="ws_clear_filters").click()
    rerun(at)
    assert len(at.dataframe[0].value) == ALL
    assert not [s for s in notices(at) if "hidden by the filters" in s]
    assert "city" not in params(at) and "area" not in params(at)
