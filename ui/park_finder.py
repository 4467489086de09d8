"""Finding a park (issue 21): the park search, the choice among parks that share one place, and
table rows that open a park.

The atlas opens a park by selecting it (`ui.state.select_park`: its profile, the map zoomed to it,
`?park=`), whichever way it was found: a map click, a link, the search, the chooser or a table
row. The Sites page has no profile: there the found park is the search box's value, marked on the
map and in the results table, with its rank and a way to its profile in the atlas.

Every finder widget starts at the open park, so it never holds a stale choice: the search box and
the chooser are set to it before they are drawn (their callbacks open what the user picks), and a
table's selection is keyed by the open park and starts at its row (`st.dataframe` selections
cannot be set), so a row of that table other than the open park's is the user's new pick.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import geopandas as gpd
import pandas as pd
import streamlit as st

from layers.park_lookup import same_place, search_labels
from layers.parks import KIND_LABELS, label
from ui import data
from ui.i18n import Lang, t
from ui.safe_html import md
from ui.state import ViewState, select_park

SEARCH_KEY = "w_park_search"
"""The atlas's park search (its value: the open park)."""
SITES_SEARCH_KEY = "ws_park"
"""The Sites page's park search (its value: the park found, kept in the URL as `?park=`)."""
PARK_ROWS, ACCESS_ROWS, SITES_ROWS = "w_park_rows", "w_access_rows", "ws_rows"
"""Key prefixes of the tables whose rows open a park (the atlas's two tables, the Sites results)."""
COMPARE_KEY, COMPARE_MAX = "ws_cmp", 4
"""The Sites page's comparison (its widget key) and how many parks it holds at most."""


@st.cache_resource(show_spinner=False, max_entries=8)
def _labels(lang: Lang, key: tuple) -> dict[str, str]:
    """`labels`, cached by language and the parks layer's revision `key`."""
    return search_labels(data.parks(), lang)


def labels(lang: Lang) -> dict[str, str]:
    """Park id -> the line the search shows and matches (`layers.park_lookup.search_label`),
    cached by language and the parks layer's revision."""
    return _labels(lang, data._key("parks"))


def search_box(where, lang: Lang, key: str, on_change: Callable[..., None] | None = None, args: tuple = ()) -> str | None:
    """The park search in `where` (a container): a select box over every park, filtered as the
    user types by a case-insensitive "contains" match on its line (Chinese, English and short
    names, district, id), whatever the filters. Returns the chosen park id (None: none)."""
    names = labels(lang)
    if st.session_state.get(key) not in names:
        st.session_state[key] = None  # a park gone since (another session's save)
    return where.selectbox(t("find_park", lang), list(names), index=None, format_func=names.__getitem__, key=key,
                           placeholder=t("find_park_placeholder", lang), help=t("find_park_help", lang),
                           filter_mode="contains", on_change=on_change, args=args)


def atlas_search(state: ViewState, where) -> None:
    """The atlas's park search: it shows the open park, and choosing one opens it exactly as a
    map click or `?park=` does (clearing it closes the profile)."""
    st.session_state[SEARCH_KEY] = state.selected_park
    search_box(where, state.lang, SEARCH_KEY, on_change=_open_from, args=(state, SEARCH_KEY))


def _open_from(state: ViewState, key: str) -> None:
    """Callback of a finder widget: open the park it holds now (None closes the profile)."""
    select_park(state, st.session_state.get(key))


@st.cache_resource(show_spinner=False, max_entries=64)
def _same_place(park_id: str, key: tuple) -> list[str]:
    """`layers.park_lookup.same_place` of the parks layer, cached by its revision `key`."""
    return same_place(data.parks(), park_id)


def same_place_chooser(state: ViewState, parks: gpd.GeoDataFrame) -> None:
    """When other parks share the open park's place (one point for a park and its phases):
    "3 parks at this place" and a choice among them, the open one chosen; choosing opens it.
    Draws nothing for a park alone at its place. `parks`: the parks layer (`ui.data.parks`)."""
    lang, pid = state.lang, state.selected_park
    ids = _same_place(pid, data._key("parks"))  # cached by the layer's revision
    if len(ids) < 2:
        return
    key = f"w_same_place:{ids[0]}"
    st.session_state[key] = pid
    name = "name_zh" if lang == "zh" else "name_en"
    st.radio(t("same_place", lang, n=len(ids)), ids, key=key, help=t("same_place_help", lang),
             format_func=lambda i: f"{md(parks.at[i, name])} · {label(KIND_LABELS, parks.at[i, 'kind'], lang)}",
             on_change=_open_from, args=(state, key))


def rows_key(prefix: str, current: str | None) -> str:
    """The widget key of a table whose rows open a park, while `current` is the open park."""
    return f"{prefix}:{current or ''}"


def picked_row(selection: Mapping | None, ids: Sequence[str], current: str | None) -> str | None:
    """The park a table row selection picks, when it is not `current` (the open park, whose row
    the table starts at); None for no selection, a cleared one, or a row out of range.

    selection: the table's state (`{"selection": {"rows": [2]}}`); ids: the table's park ids,
    row by row (selection rows are positions in the table as given, however the user sorted it).

    >>> picked_row({"selection": {"rows": [1]}}, ["a", "b"], "a"), picked_row({"selection": {"rows": [0]}}, ["a", "b"], "a")
    ('b', None)
    >>> picked_row({"selection": {"rows": []}}, ["a"], None), picked_row(None, ["a"], None)
    (None, None)
    """
    rows = ((selection or {}).get("selection") or {}).get("rows") or []
    if not rows or not 0 <= rows[0] < len(ids):
        return None
    return ids[rows[0]] if ids[rows[0]] != current else None


def row_pick(prefix: str, ids: Sequence[str], current: str | None) -> str | None:
    """The park the user picked in the table `prefix` (drawn last run with rows `ids` while
    `current` was open) since then, or None. Read before the page draws anything that shows the
    open park, so the whole page follows the click in the same run."""
    return picked_row(st.session_state.get(rows_key(prefix, current)), ids, current)


def selectable_table(where, table: pd.DataFrame, prefix: str, current: str | None, **kwargs) -> None:
    """`table` (indexed by park id) in `where`, each row opening its park when clicked (one at a
    time); the open park's row starts selected. kwargs go to `st.dataframe` (width, height...)."""
    ids = list(table.index)
    default = {"selection": {"rows": [ids.index(current)]}} if current in ids else None
    where.dataframe(table, key=rows_key(prefix, current), on_select="rerun", selection_mode="single-row",
                    selection_default=default, **kwargs)


def sites_found(parks: gpd.GeoDataFrame, ranked_ids: Sequence[str], where, lang: Lang) -> str | None:
    """The Sites page's park search in `where`: a link's `?park=` on the page's first run, else
    a click on a results row, else what was typed and chosen. Returns the found park id."""
    if SITES_SEARCH_KEY not in st.session_state and st.query_params.get("park") in parks.index:
        st.session_state[SITES_SEARCH_KEY] = st.query_params["park"]
    current = st.session_state.get(SITES_SEARCH_KEY)
    picked = row_pick(SITES_ROWS, list(ranked_ids), current)
    if picked:
        st.session_state[SITES_SEARCH_KEY] = picked
    return search_box(where, lang, SITES_SEARCH_KEY)


def sync_found_url(found: str | None) -> None:
    """Keep the Sites page's `?park=` the found park (none: no key)."""
    if found and st.query_params.get("park") != found:
        st.query_params["park"] = found
    elif not found and "park" in st.query_params:
        del st.query_params["park"]


def found_card(parks: gpd.GeoDataFrame, ranked: pd.DataFrame, found: str, lang: Lang) -> None:
    """What the Sites page says of the found park: its rank and why, or that the criteria leave it
    out; a button to its profile in the atlas and one to add it to the comparison."""
    name = parks.at[found, "name_zh" if lang == "zh" else "name_en"]
    with st.container(border=True, key="ws_found"):
        st.markdown(f"**{md(name)}**")
        if found in ranked.index:
            st.caption(t("found_rank", lang, rank=int(ranked.at[found, "rank"]), n=len(ranked),
                         reasons=ranked.at[found, "reasons"]))
        else:
            st.caption(t("found_not_ranked", lang))
        c1, c2 = st.columns(2)
        if c1.button(t("open_in_atlas", lang), key="ws_open_in_atlas", icon=":material/map:"):
            open_in_atlas(found, lang)
        chosen = list(st.session_state.get(COMPARE_KEY) or [])
        full = len(chosen) >= COMPARE_MAX
        c2.button(t("compare_has_it" if found in chosen else "add_to_compare", lang), key="ws_add_to_compare",
                  on_click=_add_to_comparison, args=(found,), disabled=found in chosen or full,
                  help=t("compare_is_full", lang) if full and found not in chosen else None)


def _add_to_comparison(park_id: str) -> None:
    """Callback: put `park_id` in the Sites comparison (before the page draws it)."""
    chosen = list(st.session_state.get(COMPARE_KEY) or [])
    if park_id not in chosen and len(chosen) < COMPARE_MAX:
        st.session_state[COMPARE_KEY] = [*chosen, park_id]


def open_in_atlas(park_id: str, lang: Lang) -> None:
    """Go to the atlas with `park_id` open (its profile, the map zoomed to it)."""
    from ui.pages import atlas
    from ui.state import view

    select_park(view(), park_id)
    # The atlas page as streamlit_app.py registers it (a page is found by its URL path).
    page = st.Page(atlas.render, url_path=atlas.ATLAS_URL_PATHS[0], default=True)
    st.switch_page(page, query_params={"park": park_id, "lang": lang})
