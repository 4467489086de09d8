"""The typed view state of the app, kept as one object in `st.session_state`.

Pages read `view()` and change it through its fields; nothing else in the app keeps its own
session keys (widget keys are owned by the widget modules that declare them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from layers.parks import ParkFilter
from ui.i18n import Lang

_KEY = "parkatlas_view"


@dataclass
class ViewState:
    """What the user is looking at: language, basemap, filters and the selected park."""

    lang: Lang = "zh"
    basemap: str = "light"
    park_filter: ParkFilter = field(default_factory=ParkFilter)
    area_range: tuple[float, float] | None = None
    """The area range (km²) the user set on the atlas's slider; None: the full range, which
    follows the data (a bigger park saved anywhere widens it; it never becomes a filter)."""
    area_top: float | None = None
    """The top of the area slider when it was last drawn: a value reaching that old top after the
    data's range grew is still the full range (`ui.filters.user_area_range`)."""
    selected_park: str | None = None
    network_year: int | str = "full"
    show_landuse: bool = False
    size_metric: str | None = None
    size_year: int | None = None
    colour_by: str = "plan"
    """How the atlas colours parks: "plan" (each plan's colour) or "progress" (against targets)."""
    deep_link_checked: bool = False
    editing_outline: str | None = None
    """The park whose outline is being drawn or edited on the atlas (None: the normal map)."""
    edit_base_version: int | None = None
    """The version of that park the edit started from (a save from a stale version is refused)."""
    edit_base_geometry: object | None = None
    """That version's geometry: what the editor draws for the whole edit, so another officer's save
    neither redraws the editor nor drops the edit in progress (the save is then refused with both)."""
    conflict: object | None = None
    """The last refused save (store.ConflictError plus the geometry the editor tried to save)."""
    flash: str | None = None
    """A message for the next run of the page (e.g. "saved as version 3"), shown once."""
    last_click: tuple | None = None
    story_id: str | None = None
    """The story open on the Present page (None until the page first runs)."""
    slide: int = 0
    """The slide shown on the Present page, 0-based (the URL's `?slide=` is 1-based)."""
    presenting: bool = False
    """Presentation mode: sidebar and Streamlit chrome hidden, a taller map."""


PENDING_IMPORT = "pending_import"
"""`ui.memory` name of the session's checked but not yet added import (geo.io.ImportResult plus
the options used), held outside session state so that it is freed as soon as the session ends."""


def view() -> ViewState:
    """The session's ViewState, created on first use from the URL (`?lang=en`)."""
    if _KEY not in st.session_state:
        state = ViewState()
        if st.query_params.get("lang") in ("zh", "en"):
            state.lang = st.query_params["lang"]
        st.session_state[_KEY] = state
    return st.session_state[_KEY]


def select_park(state: ViewState, park_id: str | None) -> None:
    """Select (or clear, with None) a park and keep the URL's `?park=` in step, for sharing."""
    state.selected_park = park_id
    if park_id:
        st.query_params["park"] = park_id
    elif "park" in st.query_params:
        del st.query_params["park"]
