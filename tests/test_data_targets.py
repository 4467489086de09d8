"""Integrity of the bundled targets (data/targets.csv)."""

from __future__ import annotations

from layers import registry
from layers.targets import METRICS


def test_targets_load_cited_and_linked():
    targets = registry.load("targets")  # validates units per metric dimension and park ids
    parks = registry.load("parks")
    assert len(targets) >= 70
    assert targets["park_id"].isin(set(parks.index) | set(registry.load("programmes").index)).all()
    assert targets["source"].str.contains("105号|行动方案|发展规划|“十四五”规划").all()


def test_zone_indicator_tables_are_bundled_with_baselines():
    """The Guangzhou zone's table 2-1 (2020 -> 2025), Foshan's 2023 and Qingcheng's 2025 targets."""
    targets = registry.load("targets")
    gz = targets[targets["park_id"] == "gz-hitech-zone"]
    assert len(gz) == 10 and set(gz["baseline_year"]) == {2020} and set(gz["target_year"]) == {2025}
    revenue = gz.loc["t-gzhtz-revenue-2025"]
    assert (revenue["baseline_value"], revenue["value"], revenue["unit"]) == (12831.4, 20000, "亿元")
    assert gz.loc["t-gzhtz-energy-2025", "comparison"] == "≤"
    fs = targets[targets["park_id"] == "fs-hitech-zone"]
    assert set(fs["target_year"]) == {2023} and fs.loc["t-fshtz-high-tech-firms-2023", "value"] == 3800
    qc = targets[targets["park_id"] == "qingcheng"]
    assert qc.loc["t-qc-high-tech-firms-2025", ["value", "baseline_value"]].tolist() == [100, 72]
    assert qc.loc["t-qc-rd-share-2025", "unit"] == "%"


def test_floor_areas_are_never_land():
    targets = registry.load("targets")
    floor = targets[targets["metric"].map(lambda m: METRICS[m].dimension) == "floor_area"]
    assert set(floor["unit"]) <= {"万㎡", "㎡"} and len(floor) == 2
    land = targets[targets["metric"].map(lambda m: METRICS[m].dimension) == "land_area"]
    assert set(land["unit"]) == {"亩"}


def test_every_value_innovation_park_has_the_green_ratio_target():
    targets = registry.load("targets")
    parks = registry.load("parks")
    vip = parks[(parks["programme"] == "gz-value-innovation") & (parks["kind"] == "park")].index
    green = targets[(targets["metric"] == "green-ratio") & (targets["value"] == 20)]
    assert set(green["park_id"]) == set(vip)
