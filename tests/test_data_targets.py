"""Integrity of the bundled targets (data/targets.csv)."""

from __future__ import annotations

from layers import registry
from layers.targets import METRICS


def test_targets_load_cited_and_linked():
    targets = registry.load("targets")  # validates units per metric dimension and park ids
    parks = registry.load("parks")
    assert len(targets) >= 40
    assert targets["park_id"].isin(parks.index).all()
    assert targets["source"].str.contains("105号|行动方案").all()


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
