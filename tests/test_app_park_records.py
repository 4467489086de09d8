"""Parks and progress as records (issue 23, AppTest): an officer adds a park of a new plan placed
by typed coordinates and one not placed yet, edits and retires parks, with versions, author,
reason and evidence in the workspace; a stale edit conflicts; coordinates in GCJ-02 and EPSG:4547
are converted, a point outside China refused; a viewer sees no form. Progress: an actual figure
entered by hand and imported from a CSV through its check report."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo.chinese_offsets import gcj02_to_wgs84
from geo.crs import transformer
from layers.programmes import next_colour
from store import default_location, open_workspace

PLAN = "zs-torch"
SCRIPT = """
import streamlit as st
from ui import workspace
from ui.page import start
from ui.panels.park_record import render_parks_section
state = start()
ws = workspace.current()
if st.session_state.get("as_viewer"):
    ws = ws.as_user("visitor", "viewer")
render_parks_section(state, ws)
"""
PROGRESS = """
from ui import workspace
from ui.page import start
from ui.panels.progress_panel import render_progress_section
render_progress_section(start(), workspace.current())
"""


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture()
def plan():
    """A workspace seeded from the bundled data, its author 李工, with the plan 中山火炬 added."""
    st.cache_resource.clear()
    ws = open_workspace(default_location(), user="李工")
    ws.set_setting("local_author", "李工")
    colours = ws.layer("programmes")["colour"].tolist()
    ws.save_feature("programmes", PLAN, None, {
        "name_zh": "中山火炬高技术产业开发区", "name_en": "Zhongshan Torch Hi-tech Zone", "title": "中山火炬高技术产业开发区发展规划",
        "issuer": "中山市人民政府", "date": "2023-05-01", "province": "广东省", "city": "中山市", "status": "in-force",
        "colour": next_colour(colours), "source": "中山市人民政府", "as_of": "2023-05-01"},
        reason="plan added", expected_version=0)
    yield ws
    st.cache_resource.clear()


def app(lang: str = "en", viewer: bool = False, script: str = SCRIPT) -> AppTest:
    at = AppTest.from_string(script, default_timeout=90)
    at.query_params["lang"] = lang
    if viewer:
        at.session_state["as_viewer"] = True
    return ok(at.run())


def fill(at: AppTest, **fields) -> AppTest:
    """Type into the park form: text inputs and areas by field name, then selects and numbers."""
    for name, value in fields.items():
        key = f"pe_{name}"
        widget = next((w for w in [*at.text_input, *at.text_area, *at.selectbox, *at.number_input, *at.checkbox,
                                   *at.radio] if w.key == key), None)
        assert widget is not None, f"no widget {key}"
        ok(widget.set_value(value).run())
    return at


def new_park(at: AppTest, name_zh: str, name_en: str = "", **more) -> AppTest:
    ok(at.selectbox(key="pe_choice").set_value("").run())
    return fill(at, name_zh=name_zh, name_en=name_en, plan=PLAN, city="中山市", district="火炬开发区",
                source_doc="中山火炬高技术产业开发区发展规划", source_section="第三章", **more)


def save(at: AppTest, reason: str) -> AppTest:
    fill(at, reason=reason)
    return ok(at.button(key="pe_save").click().run())


def typed(at: AppTest, system: str, x: float, y: float) -> AppTest:
    return fill(at, place="coords", crs=system, x=x, y=y)


def test_a_park_is_added_by_typed_coordinates_and_one_not_placed_yet(plan):
    at = app()
    new_park(at, "火炬科学园", "Torch Science Park", quote="科学园位于火炬开发区中部。")
    typed(at, "EPSG:4326", 113.49, 22.55)
    assert any("lon 113.490000, lat 22.550000" in c.value for c in at.caption)
    assert any("`zs-torch-science-park`" in c.value for c in at.caption)
    save(at, "新规划录入")
    assert any("Saved" in s.value and "version 1" in s.value for s in at.success)
    new_park(at, "火炬二期", area_value=1200.0, area_unit="亩")
    assert any("0.8 km²" in c.value for c in at.caption)  # shown before saving
    assert any("Not placed yet" in c.value or "drawn on no map" in c.value for c in at.caption)
    save(at, "新规划录入")
    ws = open_workspace(default_location(), seed=False)
    parks = ws.layer("parks")
    mine = parks[parks["programme"] == PLAN]
    assert len(mine) == 2
    placed = mine.loc["zs-torch-science-park"]
    assert placed.geometry.equals_exact(__import__("shapely").Point(113.49, 22.55), 1e-9)
    assert placed["geometry_quality"] == "approximate-location" and placed["_version"] == 1
    (other,) = [i for i in mine.index if i != "zs-torch-science-park"]
    assert other == "zs-1" and mine.loc[other].geometry is None
    assert mine.loc[other, "stated_area_km2"] == pytest.approx(0.8) and mine.loc[other, "stated_area_text"] == "1200亩"
    hist = ws.history("parks", "zs-torch-science-park").iloc[-1]
    assert hist["author"] == "李工" and hist["reason"] == "新规划录入"
    assert "科学园位于火炬开发区中部。" in hist["evidence"] and "第三章" in hist["evidence"]
    table = at.dataframe[0].value
    assert "Not placed yet" in table.loc[other].tolist()


def test_edit_conflict_and_retire(plan):
    at = app()
    new_park(at, "火炬科学园", "Torch Science Park")
    typed(at, "EPSG:4326", 113.49, 22.55)
    save(at, "录入")
    pid = "zs-torch-science-park"
    ok(at.selectbox(key="pe_choice").set_value(pid).run())
    assert at.radio(key="pe_place").value == "keep"
    fill(at, operator="中山火炬集团", town="火炬开发区")
    save(at, "补充运营主体")
    ws = open_workspace(default_location(), seed=False)
    rec = ws.layer("parks").loc[pid]
    assert rec["_version"] == 2 and rec["operator"] == "中山火炬集团" and rec["town"] == "火炬开发区"
    assert rec.geometry.equals_exact(__import__("shapely").Point(113.49, 22.55), 1e-9)  # kept
    # another officer saves while this form is open on version 2
    other = open_workspace(default_location(), seed=False)
    other.user = "王工"
    other.save_feature("parks", pid, None, {"status": "developing"}, reason="their edit", expected_version=2)
    fill(at, operator="另一家公司")
    save(at, "我的修改")
    assert any("王工 saved version 3" in e.value for e in at.error), [e.value for e in at.error]
    assert at.text_input(key="pe_operator").value == "另一家公司"  # the input stays
    assert ws.feature("parks", pid)["version"] == 3
    ok(at.button(key="pe_conflict_on_top").click().run())
    assert ws.feature("parks", pid)["version"] == 4 and ws.layer("parks").loc[pid, "operator"] == "另一家公司"
    # retire it
    ok(at.selectbox(key="pe_choice").set_value(pid).run())
    ok(at.text_input(key="pe_retire_reason").set_value("规划调整，取消该园").run())
    ok(at.button(key="pe_retire").click().run())
    assert pid not in ws.layer("parks").index
    hist = ws.history("parks", pid)
    assert hist["version"].tolist() == [1, 2, 3, 4, 5] and hist.iloc[-1]["op"] == "hide"
    assert pid not in at.dataframe[0].value.index


def test_coordinates_in_gcj02_and_cgcs2000_gauss_kruger_are_converted(plan):
    at = app()
    new_park(at, "火炬甲园", "Torch A")
    typed(at, "gcj02", 113.49, 22.55)
    save(at, "录入")
    new_park(at, "火炬乙园", "Torch B")
    x, y = transformer("EPSG:4326", "EPSG:4547").transform(113.40, 22.60)
    typed(at, "EPSG:4547", x, y)
    save(at, "录入")
    parks = open_workspace(default_location(), seed=False).layer("parks")
    lon, lat = gcj02_to_wgs84(113.49, 22.55)
    a, b = parks.loc["zs-torch-a"].geometry, parks.loc["zs-torch-b"].geometry
    assert abs(a.x - lon) < 1e-9 and abs(a.y - lat) < 1e-9 and abs(a.x - 113.49) > 1e-3  # the offset removed
    assert abs(b.x - 113.40) < 1e-6 and abs(b.y - 22.60) < 1e-6


def test_a_point_outside_china_is_refused_and_nothing_saved(plan):
    at = app()
    new_park(at, "远方园", "Far away")
    typed(at, "EPSG:4326", 2.35, 48.85)  # Paris
    assert any("outside China" in e.value for e in at.error)
    fill(at, reason="录入")
    assert at.button(key="pe_save").disabled
    typed(at, "EPSG:4326", 22.55, 113.49)  # lat/lon swapped: refused too (latitude beyond 90)
    assert at.error and at.button(key="pe_save").disabled
    assert "zs-far-away" not in open_workspace(default_location(), seed=False).layer("parks").index


def test_a_viewer_sees_the_table_but_no_form(plan):
    at = app(viewer=True)
    assert len(at.dataframe[0].value) == len(open_workspace(default_location(), seed=False).layer("parks"))
    assert not [w for w in at.selectbox if w.key == "pe_choice"] and not [b for b in at.button if b.key == "pe_save"]
    assert not at.text_input and not at.number_input  # nothing to type into


def test_the_section_speaks_chinese(plan):
    at = app("zh")
    assert at.subheader[0].value == "园区"
    new_park(at, "火炬科学园", "")
    typed(at, "EPSG:4326", 113.49, 22.55)
    assert any("WGS84 位置" in c.value for c in at.caption)


TARGET = "t-pazhou-revenue-2020"  # 琶洲: ≥ 1000 亿元 by 2020, no baseline


def test_an_actual_figure_entered_by_hand_gives_the_target_a_status(plan):
    at = app(script=PROGRESS)
    assert any("How a target's progress is judged" in x.value for x in at.text)  # the rule, in English, without codes
    table = at.dataframe[0].value
    assert table.loc[TARGET, "Progress"] == "No data"
    ok(at.selectbox(key="pg_target").set_value(TARGET).run())
    assert at.selectbox(key="pg_unit").options == ["亿元", "万元", "亿美元"]  # the metric's dimension only
    ok(at.number_input(key="pg_year").set_value(2019).run())
    ok(at.number_input(key="pg_value").set_value(800.0).run())
    ok(at.text_input(key="pg_source").set_value("广州统计年鉴 2020").run())
    ok(at.text_input(key="pg_reason").set_value("统计年鉴录入").run())
    ok(at.button(key="pg_save").click().run())
    rid = f"a-{TARGET}-2019"
    assert any(rid.replace("-", "\\-") in s.value and "version 1" in s.value for s in at.success), [s.value for s in at.success]
    row = at.dataframe[0].value.loc[TARGET]
    assert row["Actual (in the target's unit)"] == "800 亿元" and row["Year of the actual"] == "2019"
    assert row["Progress"] == "Behind"  # 2020 has passed and 800 < 1000 (deadline-passed)
    ws = open_workspace(default_location(), seed=False)
    rec = ws.layer("actuals").loc[rid]
    assert rec["value"] == 800 and rec["unit"] == "亿元" and rec["source"] == "广州统计年鉴 2020" and rec["year"] == 2019
    hist = ws.history("actuals", rid).iloc[-1]
    assert hist["author"] == "李工" and hist["reason"] == "统计年鉴录入" and hist["evidence"] == "广州统计年鉴 2020"
    # a second figure for the same target and year: said before saving, then a new version of the record
    ok(at.selectbox(key="pg_target").set_value(TARGET).run())
    ok(at.number_input(key="pg_year").set_value(2019).run())
    assert any("already has a figure for 2019" in w.value for w in at.warning)
    fill_progress = {"pg_value": 1100.0, "pg_source": "广州统计年鉴 2020（修订）", "pg_reason": "修订"}
    for key, value in fill_progress.items():
        widget = at.number_input(key=key) if key == "pg_value" else at.text_input(key=key)
        ok(widget.set_value(value).run())
    ok(at.button(key="pg_save").click().run())
    assert ws.feature("actuals", rid)["version"] == 2
    assert at.dataframe[0].value.loc[TARGET, "Progress"] == "Met"


def test_an_import_is_checked_and_only_accepted_good_rows_are_saved(plan):
    csv = ("园区,指标,年份,数值,单位,来源\n"
           "gz-vip-pazhou,revenue,2019,800,亿元,广州统计年鉴 2020\n"
           "不存在的园区,revenue,2019,5,亿元,某年鉴\n").encode("utf-8")
    at = app(script=PROGRESS)
    ok(at.file_uploader(key="pg_upload").upload("actuals.csv", csv).run())
    problems = [d.value for d in at.dataframe if "What is wrong" in d.value.columns]
    assert len(problems) == 1 and problems[0]["Row"].tolist() == [3]
    assert "not a park id, park name or plan id" in problems[0]["What is wrong"].iloc[0]
    ws = open_workspace(default_location(), seed=False)
    assert ws.layer("actuals").empty  # nothing saved yet
    assert at.button(key="pg_accept").label == "Accept and save 1 figure(s)" and at.button(key="pg_accept").disabled
    ok(at.text_input(key="pg_import_reason").set_value("2019 年统计年鉴").run())
    ok(at.button(key="pg_accept").click().run())
    saved = ws.layer("actuals")
    assert saved.index.tolist() == [f"a-{TARGET}-2019"] and saved.iloc[0]["value"] == 800
    hist = ws.history("actuals", f"a-{TARGET}-2019").iloc[-1]
    assert hist["reason"] == "2019 年统计年鉴" and hist["evidence"] == "actuals.csv, row 2"
    assert any("Saved 1 figure(s)" in s.value for s in at.success)
    ok(at.file_uploader(key="pg_upload_1").upload("actuals.csv", csv).run())  # the same file again
    (notes,) = [d.value for d in at.dataframe if "What is wrong" in d.value.columns and d.value["Row"].tolist() == [2]]
    assert "replaces the saved figure 800 亿元 of 2019" in notes["What is wrong"].iloc[0]


def test_the_picker_map_escapes_park_names():
    import geopandas as gpd
    from shapely.geometry import Point, box

    from ui.mapview.place_picker import picked_group, place_picker_map

    parks = gpd.GeoDataFrame(geometry=[Point(113.4, 22.5), box(113.41, 22.51, 113.42, 22.52), None], crs=4326)
    m = place_picker_map("en", "light", parks, ["<img src=x onerror=alert(1)>", "${evil}", "unplaced"], "Others",
                         (22.5, 113.4), 12, "/app/static/vendor")
    picked_group(Point(113.43, 22.53), "Picked").add_to(m)
    html = m.get_root().render()
    assert "<img src=x" not in html and "&lt;img src=x" in html and "${evil}" not in html
    assert "unplaced" not in html  # nothing to draw for a park not placed yet


def test_the_template_has_a_header_and_one_example_row():
    from ui.panels.progress_panel import template_csv

    text = template_csv("en").decode("utf-8-sig").splitlines()
    assert text[0] == "park,metric,year,value,unit,source,as_of,note" and len(text) == 2
    assert "Example row" in text[1]


def test_a_click_on_the_map_places_a_point(plan, monkeypatch):
    monkeypatch.setattr("ui.panels.park_placement.st_folium",
                        lambda fig, key=None, **kw: {"last_clicked": {"lat": 22.56, "lng": 113.41}})
    at = app()
    new_park(at, "火炬点选园", "Torch Clicked")
    fill(at, place="click")
    assert any("lon 113.410000, lat 22.560000" in c.value for c in at.caption)
    save(at, "地图点选")
    rec = open_workspace(default_location(), seed=False).layer("parks").loc["zs-torch-clicked"]
    assert (rec.geometry.x, rec.geometry.y) == (113.41, 22.56) and rec["geometry_quality"] == "approximate-location"


def test_a_feature_of_an_imported_layer_becomes_the_outline_and_a_district_mismatch_warns(plan):
    import geopandas as gpd
    from shapely.geometry import box

    outline = box(113.40, 22.50, 113.42, 22.52)
    red = gpd.GeoDataFrame({"id": ["user-1"], "name_zh": ["火炬红线"], "园区": ["火炬红线"]}, geometry=[outline], crs=4326)
    layer_id = plan.add_layer("红线", red, role="overlay", origin="hongxian.geojson", reason="红线")
    districts = gpd.GeoDataFrame({"id": ["user-1", "user-2"], "name_zh": ["南朗街道", "火炬开发区"],
                                  "NAME": ["南朗街道", "火炬开发区"]},
                                 geometry=[box(113.3, 22.4, 113.45, 22.6), box(113.45, 22.4, 113.6, 22.6)], crs=4326)
    plan.add_layer("中山行政区划", districts, role="districts", origin="zs.geojson", reason="行政区划")
    at = app()
    new_park(at, "火炬红线园", "Torch Outline")
    fill(at, place="layer", layer=layer_id)
    assert any("becomes the park's outline" in c.value for c in at.caption)
    assert any("outside “火炬开发区”" in w.value and "南朗街道" in w.value for w in at.warning)  # warned, not refused
    save(at, "红线")
    rec = open_workspace(default_location(), seed=False).layer("parks").loc["zs-torch-outline"]
    assert rec.geometry.equals(outline) and rec["geometry_quality"] == "reference"
