"""The `indicator_rules` record layer (issue 25, land-use indicators against rules): the bundled
rules seeded as records equal to data/landuse_rules.csv; the checks a rule must pass at save
(indicator, comparison, a number in the CSV's unit — a share 0–1 or a ratio —, a plan of the
workspace or ``*``, a citation); versions, a stale save refused, a viewer refused; a release's
workspace (no such layer) gains the rules on open and loses nothing; the command line without a
workspace still reads the CSV."""

from __future__ import annotations

import shutil

import geopandas as gpd
import pytest
from shapely.geometry import box

from layers import registry
from layers._errors import LayerValidationError
from layers.indicator_rules import ANY, IndicatorRule, load, rules_of, unit_of, value_problem
from layers.inspection import inspect_parks
from layers.inspection.indicators import RULES_FILE, load_rules
from layers.records import RecordContext, check
from store import ConflictError, PermissionDenied, default_location, open_workspace
from store.workspace import BUNDLE_AUTHOR
from tests.test_store_upgrade import RELEASE, _assert_release_kept, _release_state

PLANS = {"gz-value-innovation", "zs-plan"}


def context() -> RecordContext:
    return RecordContext(ids={"programmes": PLANS})


def rule(**changes) -> dict:
    base = {"programme": "zs-plan", "park_kind": ANY, "indicator": "far", "op": ">=", "value": 1.2,
            "unit": unit_of("far"), "quote": None, "source": "中府〔2026〕1号 二、(三)"}
    return {**base, **changes}


def test_a_sound_rule_passes_and_every_broken_field_is_named():
    assert check("indicator_rules", "rule-zs-far", rule(), None, context()) == []
    assert check("indicator_rules", "rule-any", rule(programme=ANY, park_kind="park", indicator="green_ratio",
                                                     value=0.2, quote="绿地率不低于20%", source=None),
                 None, context()) == []
    problems = check("indicator_rules", "r", rule(programme="gone", park_kind="campus", indicator="plot_ratio",
                                                  op="≥", quote=" ", source=None), None, context())
    assert problems == [
        "feature 'r': field 'park_kind': 'campus' is not one of *, zone, park, carrier, phase",
        "feature 'r': field 'indicator': 'plot_ratio' is not one of green_ratio, industrial_share, residential_share, "
        "public_service_share, road_share, parcel_coverage, far, building_coverage",
        "feature 'r': field 'op': '≥' is not one of >=, <=, >, <",
        "feature 'r': field 'quote': ' ' is not a non-empty string",
        "feature 'r': field 'quote': a rule cites something: give the plan's words (quote) or the document and "
        "section (source)",
        "feature 'r': field 'programme': 'gone' is not a plan of the workspace (give a plan, or * for any plan)",
    ]


def test_a_value_is_a_number_in_the_unit_the_csv_stores():
    """Shares are stored 0–1 (20 % is 0.2), the floor-area ratio as a ratio."""
    assert check("indicator_rules", "r", rule(indicator="green_ratio", value=20.0), None, context()) == [
        "feature 'r': field 'value': 20 is not a share between 0 and 1 (the rules store 20 % as 0.2)"]
    assert check("indicator_rules", "r", rule(value=-1.0), None, context()) == [
        "feature 'r': field 'value': -1 is not a ratio (0 or more)"]
    assert check("indicator_rules", "r", rule(value="1.2倍"), None, context()) == [
        "feature 'r': field 'value': '1.2倍' is not a finite number"]
    assert check("indicator_rules", "r", rule(value=None), None, context()) == ["feature 'r': field 'value': is missing"]
    assert value_problem("far", 3.5) is None and value_problem("building_coverage", 1.0) is None
    assert unit_of("green_ratio") == "share of the park's area"


def test_the_bundled_csv_loads_as_records_and_as_rules_alike(tmp_path):
    records = registry.read_validated("indicator_rules")
    assert rules_of(records) == load_rules(RULES_FILE)
    (only,) = rules_of(records)
    assert (only.programme, only.park_kind, only.indicator, only.op, only.value) == (
        "gz-value-innovation", "park", "green_ratio", ">=", 0.2)
    assert "105号" in only.source and only.quote == "各园区绿地率达到20%"
    bad = tmp_path / "rules.csv"
    bad.write_text(RULES_FILE.read_text(encoding="utf-8").replace(",0.20,", ",20,"), encoding="utf-8")
    with pytest.raises(LayerValidationError, match="field 'value': 20 is not a share"):
        load(bad)
    with pytest.raises(ValueError, match="rules.csv: line 2: field 'value': 20 is not a share"):
        load_rules(bad)
    with pytest.raises(LayerValidationError, match="'gz-value-innovation' is not a plan"):
        load(RULES_FILE, plan_ids={"other"})


def test_rules_of_skips_damaged_records_and_cites_what_it_has():
    frame = rule_frame({"a": rule(), "b": rule(indicator="?"), "c": rule(value="x"), "d": rule(quote="q", source=None)})
    rules = rules_of(frame)
    assert [r.id for r in rules] == ["a", "d"]
    assert rules[1].text() == "far >= 1.2 (q)"
    assert rules_of(None) == [] and IndicatorRule("x", ANY, ANY, "far", "<", 2, "", "", "s").text() == "far < 2 (s)"


def rule_frame(records: dict[str, dict]):
    import pandas as pd

    return pd.DataFrame.from_dict(records, orient="index")


def test_the_bundled_rules_are_seeded_as_version_one_records():
    ws = open_workspace(default_location(), user="x")
    frame = ws.layer("indicator_rules")
    assert list(frame.index) == ["gz-vip-green-ratio"] and frame.geometry.isna().all()
    assert rules_of(frame) == load_rules()
    history = ws.history("indicator_rules", "gz-vip-green-ratio")
    assert history["op"].tolist() == ["seed"] and history["author"].tolist() == [BUNDLE_AUTHOR]
    assert "105号" in history["evidence"].iloc[0]
    ws.engine.dispose()


def test_every_save_is_a_version_a_stale_one_and_a_viewers_are_refused():
    ws = open_workspace(default_location(), user="李工", role="editor")
    attrs = rule(programme="gz-value-innovation")
    assert ws.save_feature("indicator_rules", "rule-far", None, attrs, reason="控规容积率", expected_version=0) == 1
    other = ws.as_user("王工", "editor")
    other.save_feature("indicator_rules", "rule-far", None, {"value": 1.5}, reason="修订", expected_version=1)
    with pytest.raises(ConflictError) as info:
        ws.save_feature("indicator_rules", "rule-far", None, {"value": 1.0}, reason="stale", expected_version=1)
    assert info.value.current_version == 2 and info.value.theirs["author"] == "王工"
    with pytest.raises(PermissionDenied, match="a viewer may not save"):
        ws.as_user("visitor", "viewer").save_feature("indicator_rules", "rule-v", None, attrs, reason="x",
                                                     expected_version=0)
    with pytest.raises(LayerValidationError, match="a rule cites something"):  # the store checks it too
        ws.save_feature("indicator_rules", "rule-x", None, rule(source=None), reason="x", expected_version=0)
    assert ws.layer("indicator_rules").loc["rule-far", "value"] == 1.5
    assert ws.history("indicator_rules", "rule-far")["author"].tolist() == ["李工", "王工"]
    ws.hide_feature("indicator_rules", "rule-far", reason="规则废止", expected_version=2)
    assert "rule-far" not in ws.layer("indicator_rules").index
    assert ws.history("indicator_rules", "rule-far")["op"].tolist() == ["create", "update", "hide"]
    ws.engine.dispose()


def test_a_release_workspace_gains_the_rules_and_loses_nothing(tmp_path):
    path = tmp_path / "release.gpkg"
    shutil.copy(RELEASE, path)
    old_rows, old_states, old_layers = _release_state(path)
    assert "indicator_rules" not in old_layers
    ws = open_workspace(path, user="李伟", role="editor")
    added = _assert_release_kept(old_rows, old_states, old_layers, ws)
    assert "indicator_rules" in added
    assert rules_of(ws.layer("indicator_rules")) == load_rules()
    ws.engine.dispose()
    again = open_workspace(path, user="李伟", role="editor")  # opened again: nothing seeded twice
    assert again.history("indicator_rules", "gz-vip-green-ratio")["op"].tolist() == ["seed"]
    again.engine.dispose()


def test_without_a_workspace_the_csv_rules_apply():
    """The command line (`python -m layers.inspection`) has no workspace: the bundled CSV's rules."""
    park = box(113.36, 23.09, 113.37, 23.10)
    parks = gpd.GeoDataFrame({"programme": ["gz-value-innovation"], "kind": ["park"]}, geometry=[park],
                             index=["p"], crs=4326)
    parcels = gpd.GeoDataFrame({"code": ["G1"]}, geometry=[box(113.36, 23.09, 113.365, 23.10)], crs=4326)
    rows = inspect_parks(parks, parcels=parcels).set_index("check")
    assert rows.at["green_ratio", "verdict"] == "met" and "105号" in rows.at["green_ratio", "rule"]
    none = inspect_parks(parks, parcels=parcels, rules=[]).set_index("check")
    assert none.at["green_ratio", "verdict"] == "no rule"
