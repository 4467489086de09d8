"""The Sites page's explanation of an empty or tiny search (`layers.site_explain`): which
criterion removed how many parks, the most restrictive one, and the nearest relaxations as
buttons that apply them; and the map of a search that found nothing (`empty_map`). Every value
shown goes through `t` (Markdown-escaped)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from layers.parks import KIND_LABELS, STATUS_LABELS, label, placed
from layers.site_explain import (Relaxation, SearchExplanation, explain_search, needs_explaining, network_in_area,
                                 search_area)
from layers.sites import SiteQuery, criteria_masks
from ui import data
from ui.i18n import Lang, t
from ui.mapview.sites_map import greyed_group, network_group, view_target
from ui.networks import year_label
from ui.plan_names import region_name

WIDGET_OF = {"metro": "ws_metro", "hsr": "ws_hsr", "airport": "ws_air", "min_area": "ws_min_area",
             "max_area": "ws_max_area"}
"""Relaxation key -> the search form's widget that holds that bound."""


def distance_label(metres: float) -> str:
    """A distance as the search form's choices show it: "800 m", "5 km".

    >>> distance_label(800), distance_label(5000), distance_label(12500)
    ('800 m', '5 km', '12.5 km')
    """
    return f"{metres:,.0f} m" if metres < 2000 else f"{metres / 1000:,.4g} km"


def _area_text(v: float) -> str:
    return f"{v:g}"


def criterion_text(key: str, query: SiteQuery, lang: Lang) -> str:
    """The criterion `key` of `query` with its value, in `lang` (values Markdown-escaped by `t`)."""
    sep = "、" if lang == "zh" else ", "
    if key == "industries":
        value = sep.join(query.industries)
    elif key == "cities":
        value = sep.join(region_name(c, lang) for c in query.cities)
    elif key == "kinds":
        value = sep.join(label(KIND_LABELS, k, lang) for k in query.kinds)
    elif key == "statuses":
        value = sep.join(label(STATUS_LABELS, s, lang) for s in query.statuses)
    elif key == "area":
        lo, hi = query.min_area_km2, query.max_area_km2
        value = (f"{_area_text(lo)}–{_area_text(hi)}" if lo is not None and hi is not None
                 else f"≥ {_area_text(lo)}" if lo is not None else f"≤ {_area_text(hi or 0.0)}")
    elif key == "no_conflict":
        value = ""
    else:
        limit = {"metro": query.metro_within_m, "hsr": query.max_hsr_m, "airport": query.max_airport_m}[key]
        value = distance_label(float(limit or 0.0))
    return t(f"crit_{key}", lang, value=value)


def relaxation_text(r: Relaxation, lang: Lang) -> str:
    """A relaxation as its button says it: "Station within 5 km: 3 parks"."""
    value = _area_text(r.value) if r.key in ("min_area", "max_area") else distance_label(r.value)
    return t(f"relax_{r.key}", lang, value=value, n=r.matches)


def _apply(r: Relaxation) -> None:
    st.session_state[WIDGET_OF[r.key]] = r.value


def explain(parks: gpd.GeoDataFrame, access: pd.DataFrame | None, query: SiteQuery, matches: int,
            lang: Lang) -> SearchExplanation | None:
    """Under the count of results: for a search finding ≤ 2 parks, say what each criterion
    removed, which one blocks most, and offer the nearest relaxations as buttons (each sets the
    form's widget and reruns). Returns the explanation shown, or None when none is needed."""
    masks = criteria_masks(parks, access, query, lang)
    if not needs_explaining(matches, masks):
        return None
    e = explain_search(parks, access, query, lang)
    head = (t("explain_none", lang, n=len(e.effects)) if e.matches == 0
            else t("explain_few", lang, m=e.matches, n=len(e.effects)))
    if e.blocking is not None:
        without = next(f.matches_without for f in e.effects if f.key == e.blocking)
        head += " " + t("explain_blocking", lang, criterion=criterion_text(e.blocking, query, lang), k=without,
                         markdown=False)  # the criterion is escaped already
    else:
        head += " " + t("explain_nothing_helps", lang)
    rows = [t("explain_row", lang, criterion=criterion_text(f.key, query, lang), removed=f.removes_alone,
              left=f.left_after, without=f.matches_without, markdown=False) for f in e.effects]
    box = st.container(border=True, key="ws_explain")
    box.markdown(head)
    box.markdown("\n".join(f"- {row}" for row in rows) + "\n\n" + t("explain_of", lang, total=e.total))
    if e.relaxations:
        box.caption(t("explain_relax", lang))
        cols = box.columns(len(e.relaxations))
        for col, r in zip(cols, e.relaxations):
            col.button(relaxation_text(r, lang), key=f"ws_relax_{r.key}", on_click=_apply, args=(r,),
                       icon=":material/tune:")
    return e


def empty_map(parks, query, lang: Lang, found: str | None, network, fit_frame):
    """For a search that found nothing: the groups under the found park (every other park greyed,
    the network in service around the place the search covers) and the parks to fit (the found
    park, else that place); says so above the map."""
    _, lines, nodes, year = network
    area = data.park_display_rows(lang, search_area(parks, query) if query is not None else list(parks.index))
    target = view_target(area)
    shown = network_group(*network_in_area(lines, nodes, year, target[0] if target else None), year, lang,
                          "sites_layer_network_area")
    greyed = greyed_group(data.park_display_rows(lang, [i for i in parks.index if i != found]), lang)
    cities = list(query.cities) if query is not None and len(area) < len(placed(parks)) else []
    place = ("、" if lang == "zh" else ", ").join(region_name(c, lang) for c in cities)
    note = t("sites_map_empty", lang, area=place or t("sites_map_area_all", lang))
    if shown is not None:
        note += " " + t("sites_map_empty_network", lang, year=year_label(year, lang))
    st.caption(note)
    return (fit_frame if found in fit_frame.index else area), [g for g in (shown, greyed) if g is not None]
