"""How the atlas draws its parks beyond their plan's colour: sized by a target (dot area
proportional to the value) or coloured by progress against their targets."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from ui import data
from ui.filters import sizing_from_state, target_sizing
from ui.i18n import Lang, t
from ui.state import ViewState


def coloured_by_progress(frame: gpd.GeoDataFrame, lang: Lang) -> tuple[gpd.GeoDataFrame, list[tuple[str, str]]]:
    """The display frame with each park in the colour of its progress (`layers.park_progress`),
    and the legend's entries for the states on the map (the rule is in the legend's help)."""
    from layers.park_progress import PROGRESS_COLOURS, park_progress

    targets, _ = data.optional_layer("targets")
    progress = data.progress()
    if targets is None or progress is None:
        states = pd.Series("no-data", index=frame.index)
    else:
        states = park_progress(targets, progress, frame.index)
    frame = frame.assign(colour=states.map(PROGRESS_COLOURS))
    legend = [(PROGRESS_COLOURS[s], t(f"progress_{s}", lang, markdown=False)) for s in PROGRESS_COLOURS if s in set(states)]
    return frame, legend


def target_sizes(state: ViewState, parks: gpd.GeoDataFrame, widgets: bool = True):
    """(park id -> marker radius, legend) when the user sizes parks by a target, else (None, None).

    Dot AREA is proportional to the value (layers.targets.marker_radius); the legend shows the
    largest, middle and smallest values at their drawn sizes."""
    from layers.targets import METRICS, marker_radius, metric_values

    targets, _ = data.optional_layer("targets")
    if targets is None:
        return None, None
    ids = set(parks.index)
    choices = _sizing_choices(data._key("parks", "targets"))
    # The first paint: as chosen (a link, earlier runs), without the sidebar's select boxes.
    metric, year = target_sizing(state, choices) if widgets else sizing_from_state(state, choices)
    if metric is None:
        return None, None
    values, unit = metric_values(targets, metric, year, ids)
    radii = marker_radius(values)
    lang = state.lang
    name = METRICS[metric].name_zh if lang == "zh" else METRICS[metric].name_en
    ordered = values.sort_values(ascending=False)
    picks = list(dict.fromkeys([ordered.index[0], ordered.index[len(ordered) // 2], ordered.index[-1]])) if len(ordered) else []
    steps = [(float(radii[i]), f"{values[i]:,.10g} {unit}") for i in picks] + [(4.0, t("size_legend_none", lang))]
    return radii.to_dict(), (t("size_legend", lang, metric=name, year=year, unit=unit, markdown=False), steps)


@st.cache_resource(show_spinner=False, max_entries=8)
def _sizing_choices(key: tuple) -> dict[str, list[int]]:
    """The metrics parks can be sized by and their target years (cached by the data's revision)."""
    from layers.targets import sizing_choices

    targets, _ = data.optional_layer("targets")
    return sizing_choices(targets, set(data.parks().index)) if targets is not None else {}
