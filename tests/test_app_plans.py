"""The Plans & records page (AppTest, issue 23): an officer adds a plan, edits it, is refused a
save someone else's save overtook (theirs named, nothing overwritten), adds a target in a unit of
its metric's dimension only, retires a target (history kept); a viewer sees the tables and no
form or button, and the store refuses a viewer's save; a plan colour already used is refused;
both languages render, and the English page marks a plan that has only a Chinese name."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from tests.helpers import signed_in_page
from streamlit.testing.v1 import AppTest

from layers.programmes import PALETTE, next_colour
from store import PermissionDenied, default_location, open_workspace
from ui import users, workspace

PAGE = "from ui.pages import plans\nplans.render()\n"
NEW_PLAN = "rf_programmes___new__"
NEW_TARGET = "rf_targets___new__"
ZHONGSHAN = {"name_zh": "中山火炬高技术产业开发区", "issuer": "中山市人民政府", "date": "2026-03-01",
             "province": "广东省", "city": "中山市"}
ZS_ID = "plan-1"  # new_programme_id of a plan with a Chinese name only


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def page(lang: str = "en", section: str = "plans") -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["section"] = section
    return ok(at.run())


def store(user: str = "李工", role: str = "editor"):
    return open_workspace(default_location(), user=user, role=role)


@pytest.fixture()
def officer(small_data_with_targets):
    """The local officer's name, set once (the app saves every version under it)."""
    ws = store()
    ws.set_setting("local_author", "李工")
    return ws


def texts(at: AppTest, kind: str) -> str:
    return "\n".join(str(e.value) for e in getattr(at, kind))


def add_zhongshan(at: AppTest, document: bytes | None = None) -> AppTest:
    if document is not None:
        at.file_uploader(key=f"{NEW_PLAN}_doc").upload("zs-2026-1.pdf", document)
    for name, value in ZHONGSHAN.items():
        at.text_input(key=f"{NEW_PLAN}_{name}").set_value(value)
    at.text_input(key=f"{NEW_PLAN}_reason").set_value("新设规划：中山火炬开发区")
    at.text_input(key=f"{NEW_PLAN}_ev_doc").set_value("中府〔2026〕1号")
    return ok(at.button(key=f"{NEW_PLAN}_submit").click().run())


def plan_record(**attrs) -> dict:
    base = {"name_zh": "测试规划", "title": "测试规划", "issuer": "测试机关", "date": "2026", "province": "广东省",
            "status": "in-force", "colour": "#999933", "source": "测试", "as_of": "2026"}
    return {**base, **attrs}


def test_an_officer_adds_a_plan_then_edits_it(officer):
    used = set(officer.layer("programmes")["colour"].str.upper())
    at = page()
    assert "Changes are saved as 李工 (admin)" in texts(at, "caption")
    offered = at.selectbox(key=f"{NEW_PLAN}_colour").options
    assert offered and not {o.removeprefix("■ ") for o in offered} & used  # only free colours
    document = b"%PDF-1.4 zhongshan torch zone plan"
    add_zhongshan(at, document)
    assert "saved as version 1" in texts(at, "success")
    ws = store()
    sha = hashlib.sha256(document).hexdigest()
    assert ws.layer("programmes").loc[ZS_ID, ["document_sha256", "document_file"]].tolist() == [sha, "zs-2026-1.pdf"]
    assert ws.document(sha) == ("zs-2026-1.pdf", "application/pdf", document)  # kept in the workspace
    row = ws.layer("programmes").loc[ZS_ID]
    assert row["_version"] == 1 and row["name_zh"] == ZHONGSHAN["name_zh"] and row["issuer"] == "中山市人民政府"
    assert row["city"] == "中山市" and row["date"] == "2026-03-01" and row["status"] == "in-force"
    assert row["title"] == ZHONGSHAN["name_zh"] and row["as_of"] == "2026-03-01"  # derived
    assert row["colour"] == next_colour(used) and pd.isna(row["name_en"])
    last = ws.history("programmes", ZS_ID).iloc[-1]
    assert (last["author"], last["reason"], last["op"]) == ("李工", "新设规划：中山火炬开发区", "create")
    assert last["evidence"] == "中府〔2026〕1号"
    # The plan just created is chosen: edit it.
    form = f"rf_programmes_{ZS_ID}"
    assert at.selectbox(key="rec_choice_programmes").value == ZS_ID
    assert at.text_input(key=f"{form}_issuer").value == "中山市人民政府"
    at.text_input(key=f"{form}_name_en").set_value("Zhongshan Torch Hi-tech Zone")
    at.text_input(key=f"{form}_document").set_value("中府〔2026〕1号")
    at.text_input(key=f"{form}_reason").set_value("英文名称与文号")
    ok(at.button(key=f"{form}_submit").click().run())
    assert "saved as version 2" in texts(at, "success")
    row = store().layer("programmes").loc[ZS_ID]
    assert row["_version"] == 2 and row["name_en"] == "Zhongshan Torch Hi-tech Zone"
    assert row["document"] == "中府〔2026〕1号" and row["issuer"] == "中山市人民政府"


def test_a_number_that_is_not_one_saves_nothing(officer):
    at = page(section="targets")
    at.selectbox(key=f"{NEW_TARGET}_park_id").set_value("test-foshan-base")
    at.text_input(key=f"{NEW_TARGET}_name_zh").set_value("开发土地")
    at.text_input(key=f"{NEW_TARGET}_value").set_value("1200亩")
    at.text_input(key=f"{NEW_TARGET}_target_year").set_value("2030年")
    at.text_input(key=f"{NEW_TARGET}_reason").set_value("x")
    ok(at.button(key=f"{NEW_TARGET}_submit").click().run())
    errors = texts(at, "error")
    assert "is not a number" in errors and "is not a whole number" in errors
    assert len(store().layer("targets")) == 5


def test_a_save_overtaken_by_another_is_refused_and_names_them(officer):
    officer.save_feature("programmes", ZS_ID, None, plan_record(name_zh=ZHONGSHAN["name_zh"], colour="#999933"),
                         reason="seed", expected_version=0)
    at = page()
    at.selectbox(key="rec_choice_programmes").set_value(ZS_ID)
    ok(at.run())
    form = f"rf_programmes_{ZS_ID}"
    # 王工 saves the plan meanwhile, through the store (another browser); the form says so.
    store("王工").save_feature("programmes", ZS_ID, None, {"issuer": "中山市人民政府办公室"}, reason="发文机关更正",
                              expected_version=1)
    workspace.changed()  # as another process's save shows within a second
    ok(at.run())
    assert "saved as version 2 after you opened the form on version 1" in texts(at, "warning")
    at.text_area(key=f"{form}_note").set_value("我的备注")
    at.text_input(key=f"{form}_reason").set_value("补充备注")
    ok(at.button(key=f"{form}_submit").click().run())
    assert "王工 saved version 2 while you were editing" in texts(at, "error")
    assert "发文机关更正" in texts(at, "caption")
    (diff,) = [d.value for d in at.dataframe if "Your input" in d.value.columns]
    assert set(diff["Field"]) == {"Issuing body", "Note"}
    row = store().layer("programmes").loc[ZS_ID]
    assert row["_version"] == 2 and row["issuer"] == "中山市人民政府办公室" and row["note"] != "我的备注"
    assert at.text_area(key=f"{form}_note").value == "我的备注"  # the officer's input is kept
    # Apply only the fields the officer changed on top of theirs: their issuer stays.
    ok(at.button(key=f"{form}_apply").click().run())
    assert "saved as version 3" in texts(at, "success")
    row = store().layer("programmes").loc[ZS_ID]
    assert (row["_version"], row["issuer"], row["note"]) == (3, "中山市人民政府办公室", "我的备注")
    # Overtaken again: this time the officer reloads theirs.
    store("王工").save_feature("programmes", ZS_ID, None, {"city": "中山市火炬区"}, reason="地区更正",
                              expected_version=3)
    at.text_input(key=f"{form}_issuer").set_value("另一个机关")
    at.text_input(key=f"{form}_reason").set_value("改发文机关")
    ok(at.button(key=f"{form}_submit").click().run())
    assert "王工 saved version 4 while you were editing" in texts(at, "error")
    assert store().layer("programmes").loc[ZS_ID, "issuer"] == "中山市人民政府办公室"  # nothing overwritten
    ok(at.button(key=f"{form}_reload").click().run())
    assert at.text_input(key=f"{form}_city").value == "中山市火炬区"
    assert at.text_input(key=f"{form}_issuer").value == "中山市人民政府办公室"
    assert not texts(at, "error")


def test_a_target_in_a_unit_of_its_metric_then_retired_with_history(officer):
    officer.save_feature("programmes", ZS_ID, None, plan_record(name_zh=ZHONGSHAN["name_zh"]), reason="seed",
                         expected_version=0)
    at = page(section="targets")
    assert at.selectbox(key=f"{NEW_TARGET}_metric_live").value == "land-developed"
    units = at.selectbox(key=f"{NEW_TARGET}_unit_land_area").options
    assert "亩" in units and "万㎡" not in units and "㎡" not in units  # a floor area is never a land area
    owners = at.selectbox(key=f"{NEW_TARGET}_park_id")
    assert "中山火炬高技术产业开发区 (Chinese name) (whole plan)" in owners.options
    owners.set_value(ZS_ID)
    at.selectbox(key=f"{NEW_TARGET}_unit_land_area").set_value("亩")
    for name, value in {"name_zh": "开发土地面积", "value": "1,200", "target_year": "2030",
                        "source": "中府〔2026〕1号 三、", "as_of": "2026-03-01", "reason": "规划目标"}.items():
        at.text_input(key=f"{NEW_TARGET}_{name}").set_value(value)
    ok(at.button(key=f"{NEW_TARGET}_submit").click().run())
    assert "saved as version 1" in texts(at, "success")
    targets = store().layer("targets")
    (tid,) = targets.index[targets["park_id"] == ZS_ID]
    assert targets.loc[tid, ["metric", "value", "unit", "target_year"]].tolist() == ["land-developed", 1200.0, "亩", 2030]
    # The metric chooses the units: a floor-area metric offers floor areas only.
    form = f"rf_targets_{tid}"
    ok(at.selectbox(key=f"{form}_metric_live").set_value("floor-area").run())
    assert at.selectbox(key=f"{form}_unit_floor_area").options == ["万㎡", "㎡"]
    ok(at.selectbox(key=f"{form}_metric_live").set_value("land-developed").run())
    # The plan cannot be retired while the target names it.
    plans = page()
    plans.selectbox(key="rec_choice_programmes").set_value(ZS_ID)
    ok(plans.run())
    assert "Cannot retire: these records still name it: target 开发土地面积" in texts(plans, "warning")
    # Retire the target, with a reason: hidden, every version kept.
    at.text_input(key=f"{form}_retire_reason").set_value("目标已并入总体规划")
    ok(at.run())
    ok(at.button(key=f"{form}_retire").click().run())
    assert "retired (version 2; history kept)" in texts(at, "success")
    ws = store()
    assert tid not in ws.layer("targets").index
    assert bool(ws.layer("targets", include_hidden=True).loc[tid, "_hidden"])
    hist = ws.history("targets", tid)
    assert hist["op"].tolist() == ["create", "hide"] and hist.iloc[-1]["reason"] == "目标已并入总体规划"


def test_a_plan_colour_already_used_is_refused(officer):
    at = page()
    chosen = at.selectbox(key=f"{NEW_PLAN}_colour").value
    # Another officer takes that colour for another plan while this form is open.
    store("王工").save_feature("programmes", "zs-other", None, plan_record(colour=chosen), reason="另一个规划",
                              expected_version=0)
    add_zhongshan(at)
    assert f"{chosen} is already the colour of plan" in texts(at, "error").replace("\\", "")
    assert ZS_ID not in store().layer("programmes").index
    fresh = page()
    assert f"■ {chosen}" not in fresh.selectbox(key=f"{NEW_PLAN}_colour").options
    assert len(fresh.selectbox(key=f"{NEW_PLAN}_colour").options) == len(PALETTE) - 6


@pytest.fixture()
def viewer(small_data_with_targets, tmp_path, monkeypatch):
    """Sign-in configured, with a viewer (the users CLI); the page as that viewer's session."""
    path = tmp_path / "secret" / "credentials.yaml"
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("visitor-password-1\n"))
    assert users.main(["--file", str(path), "add", "visitor", "--name", "Visitor", "--role", "viewer",
                       "--password-stdin"]) == 0
    monkeypatch.setenv("PARKATLAS_CREDENTIALS", str(path))


@pytest.mark.parametrize("section", ["plans", "targets", "rules", "transport"])
def test_a_viewer_sees_tables_and_no_form_or_button(viewer, section):
    at = signed_in_page(PAGE, "visitor", "Visitor", timeout=60)
    at.query_params["section"] = section
    ok(at.run())
    assert "may look but not change" in texts(at, "info")
    assert at.main.dataframe and len(at.main.dataframe[0].value) > 0  # the table is shown
    main = at.main
    assert not main.button and not main.text_input and not main.text_area and not main.selectbox
    assert not main.get("file_uploader") and not main.multiselect
    with pytest.raises(PermissionDenied, match="a viewer may not save"):
        store("visitor", "viewer").save_feature("programmes", ZS_ID, None, plan_record(), reason="crafted",
                                                expected_version=0)
    assert ZS_ID not in store().layer("programmes").index


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("section", ["plans", "parks", "targets", "rules", "progress", "transport"])
def test_every_section_renders_in_both_languages(officer, lang, section):
    officer.save_feature("programmes", ZS_ID, None, plan_record(name_zh=ZHONGSHAN["name_zh"]), reason="seed",
                         expected_version=0)
    at = page(lang, section)
    assert at.title[0].value == ("规划与园区" if lang == "zh" else "Plans & records")
    assert at.query_params["section"] == [section] or at.query_params["section"] == section
    if section == "plans":
        names = at.dataframe[0].value.iloc[:, 0].tolist()
        marked = "中山火炬高技术产业开发区 (Chinese name)" if lang == "en" else "中山火炬高技术产业开发区"
        assert marked in names


def test_a_new_facility_is_saved_not_placed_yet(officer):
    at = page(section="transport")
    ok(at.radio(key="rec_tr_layer").set_value("facilities").run())
    assert "not placed yet" in texts(at, "caption")
    form = "rf_facilities___new__"
    at.selectbox(key=f"{form}_park_id").set_value("test-foshan-base")
    at.selectbox(key=f"{form}_category").set_value("school")
    for name, value in {"name_zh": "园区配套学校", "name_en": "Park school", "source": "测试文件 §5",
                        "as_of": "2026-03", "capacity": "36", "unit": "班", "reason": "规划配套"}.items():
        (at.text_area if name == "source" else at.text_input)(key=f"{form}_{name}").set_value(value)
    ok(at.button(key=f"{form}_submit").click().run())
    assert "saved as version 1" in texts(at, "success")
    row = store().layer("facilities").loc["fac-park-school"]
    assert row.geometry is None and row["park_id"] == "test-foshan-base" and row["capacity"] == 36.0
    assert "Not placed yet" in at.dataframe[0].value["Place"].tolist()
