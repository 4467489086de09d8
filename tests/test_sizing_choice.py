"""`ui.filters.sizing_from_state`: the "size parks by target" choice the sidebar's select boxes
start from and the atlas's first paint uses without them."""

from __future__ import annotations

from ui.filters import sizing_from_state
from ui.state import ViewState

CHOICES = {"land-developed": [2023, 2025, 2030], "output": [2025]}


def test_a_valid_choice_is_kept():
    assert sizing_from_state(ViewState(size_metric="land-developed", size_year=2025), CHOICES) == ("land-developed", 2025)


def test_a_year_the_metric_has_no_target_for_becomes_its_latest():
    assert sizing_from_state(ViewState(size_metric="land-developed", size_year=2024), CHOICES) == ("land-developed", 2030)
    assert sizing_from_state(ViewState(size_metric="output", size_year=None), CHOICES) == ("output", 2025)


def test_no_metric_or_an_unknown_one_sizes_nothing():
    assert sizing_from_state(ViewState(), CHOICES) == (None, None)
    assert sizing_from_state(ViewState(size_metric="gone", size_year=2025), CHOICES) == (None, None)
