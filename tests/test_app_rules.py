"""The Land-use rules section of the Plans & records page (AppTest, issue 25): an officer adds a
rule (容积率 ≥ 1.2 for a plan) and the park's inspection judges its floor-area ratio against it at
once, with the rule's citation; edits it as a new version; a save overtaken by another's is
refused and names them; a plan cannot be retired while a rule names it; a viewer sees the rules
and no form."""

from __future__ import annotations


import geopandas as gpd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from layers.user_layers import AttributeMapping, apply_mapping
from tests.helpers import run_page, signed_in_page
from tests.test_app_inspection import inspection_html, truth_m2
from tests.test_app_plans import PAGE, ok, page, store, texts, viewer  # noqa: F401  (viewer: the fixture)
from ui import workspace

NEW_RULE = "rf_indicator_rules___new__"
PLAN = "gz-value-innovation"
PARK = box(113.36, 23.09, 113.37, 23.10)  # test-square-park's outline
QUOTE = "容积率不低于1.2"


@pytest.fixture()
def officer(small_data_with_targets):
    """The local officer, and land-use parcels over test-square-park with a floor-area ratio of 1.0."""
    ws = store()
    ws.set_setting("local_author", "李工")
    parcels = gpd.GeoDataFrame({"dldm": ["M1"], "建筑面积": [truth_m2(PARK)]}, geometry=[PARK], crs=4326)
    mapped = apply_mapping(parcels, AttributeMapping(code="dldm", floor_area_m2="建筑面积"), "landuse", "parcels.geojson")
    ws.add_layer("parcels", mapped, role="landuse", origin="parcels.geojson", reason="test")
    return ws


def far_row(body: str) -> str:
    """The floor-area ratio's row of the inspection section's indicator table."""
    start = body.index("Floor-area ratio")
    return body[start:body.index("</tr>", start)]


def add_far_rule(at: AppTest, value: str = "1.2") -> AppTest:
    at.selectbox(key=f"{NEW_RULE}_programme").set_value(PLAN)
    at.selectbox(key=f"{NEW_RULE}_indicator").set_value("far")
    at.selectbox(key=f"{NEW_RULE}_op").set_value(">=")
    at.text_input(key=f"{NEW_RULE}_value").set_value(value)
    at.text_area(key=f"{NEW_RULE}_quote").set_value(QUOTE)
    at.text_area(key=f"{NEW_RULE}_source").set_value("穗规划〔2026〕7号 三、(二)")
    at.text_input(key=f"{NEW_RULE}_reason").set_value("控规新增容积率下限")
    return ok(at.button(key=f"{NEW_RULE}_submit").click().run())


def test_an_officer_adds_a_rule_and_the_inspection_judges_by_it(officer):
    before = far_row(inspection_html(run_page({"park": "test-square-park", "lang": "en"})))
    assert ">1.00</td>" in before and "no rule" in before
    at = page(section="rules")
    assert "Changes are saved as 李工 (admin)" in texts(at, "caption")
    (table,) = [d.value for d in at.main.dataframe]
    assert table["Rule"].tolist() == ["≥ 20 %"] and "105号" in table["Source"].iloc[0]  # the bundled rule
    add_far_rule(at)
    assert "saved as version 1" in texts(at, "success")
    rules = store().layer("indicator_rules")
    (rid,) = rules.index[rules["indicator"] == "far"]
    assert rules.loc[rid, ["programme", "park_kind", "op", "value", "unit", "quote"]].tolist() == [
        PLAN, "*", ">=", 1.2, "floor area / land area", QUOTE]
    assert store().history("indicator_rules", rid)["reason"].tolist() == ["控规新增容积率下限"]
    (table,) = [d.value for d in at.main.dataframe]
    assert "≥ 1.2" in table["Rule"].tolist()
    # The park's inspection judges its floor-area ratio against the new rule at once, citing it.
    after = far_row(inspection_html(run_page({"park": "test-square-park", "lang": "en"})))
    assert "'>not met</b>" in after and QUOTE in after and "穗规划〔2026〕7号" in after
    foshan = inspection_html(run_page({"park": "test-foshan-base", "lang": "en"}))  # another plan: no rule
    assert QUOTE not in foshan
    # Edited: version 2, and the verdict follows.
    form = f"rf_indicator_rules_{rid}"
    at.text_input(key=f"{form}_value").set_value("0.8")
    at.text_input(key=f"{form}_reason").set_value("修订为0.8")
    ok(at.button(key=f"{form}_submit").click().run())
    assert "saved as version 2" in texts(at, "success")
    assert "'>met</b>" in far_row(inspection_html(run_page({"park": "test-square-park", "lang": "en"})))
    # The plan cannot be retired while the rule names it.
    plans = page()
    plans.selectbox(key="rec_choice_programmes").set_value(PLAN)
    ok(plans.run())
    warning = texts(plans, "warning").replace("\\", "")  # as Markdown, escaped
    assert "land-use rule Guangzhou value-innovation parks · * (any kind) · Floor-area ratio ≥ 0.8" in warning


def test_a_rule_that_breaks_the_checks_saves_nothing(officer):
    at = page(section="rules")
    add_far_rule(at, value="abc")
    assert "is not a number" in texts(at, "error")
    at.selectbox(key=f"{NEW_RULE}_indicator").set_value("green_ratio")
    at.text_input(key=f"{NEW_RULE}_value").set_value("20")
    ok(at.button(key=f"{NEW_RULE}_submit").click().run())
    assert "20 is not a share between 0 and 1" in texts(at, "error")
    at.text_input(key=f"{NEW_RULE}_value").set_value("0.3")
    at.text_area(key=f"{NEW_RULE}_quote").set_value("")
    at.text_area(key=f"{NEW_RULE}_source").set_value("")
    ok(at.button(key=f"{NEW_RULE}_submit").click().run())
    assert "a rule cites something" in texts(at, "error")
    assert list(store().layer("indicator_rules").index) == ["gz-vip-green-ratio"]


def test_a_stale_save_of_a_rule_is_refused_and_names_them(officer):
    at = page(section="rules")
    rid = "gz-vip-green-ratio"
    at.selectbox(key="rec_choice_indicator_rules").set_value(rid)
    ok(at.run())
    form = f"rf_indicator_rules_{rid}"
    store("王工").save_feature("indicator_rules", rid, None, {"value": 0.25}, reason="新文件提高至25%",
                              expected_version=1)
    workspace.changed()
    at.text_input(key=f"{form}_value").set_value("0.3")
    at.text_input(key=f"{form}_reason").set_value("提高到30%")
    ok(at.button(key=f"{form}_submit").click().run())
    assert "王工 saved version 2 while you were editing" in texts(at, "error")
    assert "新文件提高至25%" in texts(at, "caption")
    row = store().layer("indicator_rules").loc[rid]
    assert (row["_version"], row["value"]) == (2, 0.25)  # theirs kept, nothing overwritten
    assert at.text_input(key=f"{form}_value").value == "0.3"  # the officer's input kept


@pytest.mark.usefixtures("viewer")
def test_a_viewer_sees_the_rules_and_cannot_add_one():
    at = signed_in_page(PAGE, "visitor", "Visitor", timeout=60)
    at.query_params["section"] = "rules"
    ok(at.run())
    assert "may look but not change" in texts(at, "info")
    (table,) = [d.value for d in at.main.dataframe]
    assert table["Quote"].tolist() == ["各园区绿地率达到20%"]
    main = at.main
    assert not main.button and not main.text_input and not main.text_area and not main.selectbox
    assert f"{NEW_RULE}_submit" not in [b.key for b in at.button]
