"""Making and changing stories on the Present page (an editor or admin): a new story, the current
map view added as a slide (the extent the presenter panned to, or the highlighted parks fitted),
slides moved up and down, hidden and shown, captions edited in one language or both, and a story
file (YAML) imported. A viewer sees the stories and none of this.

Every change is a new version of the story's record (`layers.story_records`) with its author and
reason, saved against the version this session opened: a save someone else's save has overtaken
is refused (`store.ConflictError`), the input stays in the form, and a reload picks up theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from layers._errors import StoryError
from layers.records import RecordContext, check, new_id
from layers.stories import STORY_LAYERS, Story, parse_story, slide_bounds
from layers.story_records import (add_slide, move_slide, new_story, set_caption, set_hidden, story_record,
                                  view_slide)
from store import ConflictError, StoreError, Workspace
from ui import present_view as pv, workspace
from ui.i18n import Lang, t
from ui.mapview.story import shown_text
from ui.state import ViewState

LAYER = "stories"
OPENED = "story_opened"
"""Session key: {story id: the version this session opened (what its saves expect)}."""
FLASH = "story_flash"
CONFLICT = "story_conflict_message"
NEW_FORM_KEYS = ("story_new_title_zh", "story_new_title_en")
ADD_FORM_KEYS = ("story_add_caption_zh", "story_add_caption_en", "story_add_reason")
BLANK = "story_blank_next_run"
"""Session key: the text fields to empty at the start of the next run (after a save)."""
ADD_FOR = "story_add_for"
"""Session key: the (story id, slide) whose highlight, year and layers the add form was set to."""


def _record(frame: pd.DataFrame, story_id: str) -> tuple[dict[str, Any], int]:
    """A story record's attributes (without our columns) and its current version."""
    row = frame.loc[story_id]
    attrs = {k: row[k] for k in frame.columns if k not in ("_version", "_hidden", "geometry")}
    return attrs, int(row["_version"])


def _forget(*keys: str) -> None:
    for key in keys:
        st.session_state.pop(key, None)


def _save(ws: Workspace, story_id: str, attrs: dict[str, Any], *, reason: str, expected: int,
          parks: gpd.GeoDataFrame, lang: Lang) -> int | None:
    """Check the full record and save it as a new version expected to follow `expected` (0: a new
    story); the new version, or None after saying why not (the input stays in its form)."""
    problems = check(LAYER, story_id, attrs, None, RecordContext(ids={"parks": {str(i) for i in parks.index}}))
    if problems:
        st.error(t("story_invalid", lang))
        st.code("\n".join(problems), language=None)
        return None
    try:
        version = ws.save_feature(LAYER, story_id, None, attrs, reason=reason, expected_version=expected)
    except ConflictError as exc:
        workspace.changed()
        theirs = exc.theirs or {}
        st.session_state[CONFLICT] = t("story_conflict", lang, author=theirs.get("author") or "?",
                                       version=exc.current_version or "?", reason=theirs.get("reason") or "—")
        st.rerun()  # shows the refusal and "reload" at once; the forms keep their input
    except (StoreError, ValueError) as exc:
        workspace.report_failure(exc, lang)
        return None
    workspace.changed()
    st.session_state.setdefault(OPENED, {})[story_id] = version
    return version


def _done(message: str, forget: tuple[str, ...] = (), blank: tuple[str, ...] = ()) -> None:
    """After a save: the page says `message` on the next run, the fields `forget` are filled
    afresh from the record, and the fields `blank` are emptied. (Popping a widget's key alone
    does not empty it in the browser, which keeps showing, and later sends back, what was typed:
    the next run sets them to "" before they are drawn.)"""
    _forget(*forget, *blank)
    st.session_state[BLANK] = tuple(blank)
    st.session_state[FLASH] = message
    st.rerun()


# ------------------------------------------------------------------ a new story

def _new_story(ws: Workspace, frame: pd.DataFrame, state: ViewState, parks: gpd.GeoDataFrame, lang: Lang) -> None:
    with st.form("story_new_form"):
        st.markdown(f"**{t('story_new', lang)}**")
        c1, c2 = st.columns(2)
        zh = c1.text_input(t("story_title_zh", lang), key="story_new_title_zh", max_chars=80)
        en = c2.text_input(t("story_title_en", lang), key="story_new_title_en", max_chars=80)
        st.caption(t("story_one_language", lang))
        if not st.form_submit_button(t("story_create", lang)):
            return
    if not zh.strip() and not en.strip():
        st.error(t("story_title_needed", lang))
        return
    story_id = new_id("story", en, {str(i) for i in frame.index})
    attrs = new_story(story_id, zh, en, dt.date.today().isoformat())
    version = _save(ws, story_id, attrs, reason=t("story_reason_create", lang, markdown=False), expected=0,
                    parks=parks, lang=lang)
    if version is not None:
        state.story_id, state.slide = story_id, 0
        _done(t("story_created", lang, title=zh.strip() or en.strip(), version=version), blank=NEW_FORM_KEYS)


# ------------------------------------------------------------------ the current view as a slide

def _current_view(story: Story, index: int, parks: gpd.GeoDataFrame, lang: Lang) -> dict[str, Any]:
    """Where the map looks now: what it reported after the presenter panned, else the slide shown."""
    seen = st.session_state.get(pv.VIEW_KEY)
    if isinstance(seen, dict) and seen.get("story") == story.id:
        lon, lat = seen["center"]
        zoom = seen.get("zoom")
        st.caption(t("story_view_now", lang, lon=lon, lat=lat, zoom="—" if zoom is None else f"{zoom:g}"))
        return {"bounds": seen["bounds"], "center": seen["center"], "zoom": zoom}
    shown, _ = pv.presented(story, parks)
    st.caption(t("story_view_slide", lang))
    minx, miny, maxx, maxy = slide_bounds(shown.slides[min(index, len(shown.slides) - 1)], parks)
    return {"bounds": (minx, miny, maxx, maxy), "center": ((minx + maxx) / 2, (miny + maxy) / 2), "zoom": None}


def _add_view(ws: Workspace, attrs: dict[str, Any], expected: int, story: Story, state: ViewState,
              parks: gpd.GeoDataFrame, lang: Lang) -> None:
    from ui.filters import NETWORK_YEARS

    name = "name_zh" if lang == "zh" else "name_en"
    shown, empty = pv.presented(story, parks)
    here = None if empty else shown.slides[min(state.slide, len(shown.slides) - 1)]
    st.markdown(f"**{t('story_add_view', lang)}**")
    st.caption(t("story_add_view_help", lang))
    view = _current_view(story, state.slide, parks, lang)
    if st.session_state.get(ADD_FOR) != (story.id, state.slide):  # follow the slide shown, not an earlier one's
        st.session_state[ADD_FOR] = (story.id, state.slide)
        st.session_state["story_add_highlight"] = list(here.highlight) if here else []
        st.session_state["story_add_year"] = (here.network_year if here and here.network_year in NETWORK_YEARS
                                              else "full")
        st.session_state["story_add_layers"] = list(here.layers) if here else ["parks"]
    with st.form("story_add_form"):
        c1, c2 = st.columns(2)
        cap_zh = c1.text_area(t("story_caption_zh", lang), key="story_add_caption_zh", max_chars=1000)
        cap_en = c2.text_area(t("story_caption_en", lang), key="story_add_caption_en", max_chars=1000)
        st.caption(t("story_one_language", lang))
        highlight = st.multiselect(t("story_highlight", lang), list(parks.index), key="story_add_highlight",
                                   format_func=lambda i: f"{parks.at[i, name] or parks.at[i, 'name_zh']} ({i})")
        fit = st.radio(t("story_fit", lang), ["view", "highlight"], horizontal=True, key="story_add_fit",
                       format_func=lambda v: t(f"story_fit_{v}", lang))
        c3, c4 = st.columns(2)
        year = c3.select_slider(t("network_year", lang), options=NETWORK_YEARS, key="story_add_year",
                                format_func=lambda v: t("full_plan", lang) if v == "full" else str(v))
        layers = c4.multiselect(t("story_layers", lang), list(STORY_LAYERS), key="story_add_layers",
                                format_func=lambda v: t(f"present_layer_{v}", lang))
        reason = st.text_input(t("story_reason", lang), key="story_add_reason", max_chars=300)
        if not st.form_submit_button(t("story_add", lang), type="primary"):
            return
    if not cap_zh.strip() and not cap_en.strip():
        st.error(t("story_caption_needed", lang))
        return
    if fit == "highlight" and not highlight:
        st.error(t("story_highlight_needed", lang))
        return
    if fit == "highlight" and parks.loc[highlight].geometry.isna().all():
        st.error(t("story_no_parks_placed", lang))
        return
    slide = view_slide(cap_zh, cap_en, bounds=view["bounds"], center=view["center"], zoom=view["zoom"],
                       highlight=highlight, fit_highlight=fit == "highlight", layers=layers or ["parks"],
                       network_year=year)
    n = len(story.slides) + 1
    version = _save(ws, story.id, {**attrs, "slides": add_slide(attrs["slides"], slide)},
                    reason=reason.strip() or t("story_reason_add", lang, n=n, markdown=False), expected=expected,
                    parks=parks, lang=lang)
    if version is not None:
        state.slide = len(story.shown())  # the new slide, the last one shown
        _done(t("story_added", lang, n=n, version=version), blank=ADD_FORM_KEYS)


# ------------------------------------------------------------------ the slides: order, hidden, captions

def _slides(ws: Workspace, attrs: dict[str, Any], expected: int, story: Story, parks: gpd.GeoDataFrame,
            lang: Lang) -> None:
    st.markdown(f"**{t('story_slides', lang)}**")
    if not story.slides:
        st.info(t("story_no_slides", lang))
        return
    slides = attrs["slides"]

    def act(change: Callable[[], list], reason_key: str, n: int) -> None:
        version = _save(ws, story.id, {**attrs, "slides": change()}, reason=t(reason_key, lang, n=n, markdown=False),
                        expected=expected, parks=parks, lang=lang)
        if version is not None:
            _done(t("story_changed", lang, version=version))

    last = len(story.slides) - 1
    for i, slide in enumerate(story.slides):
        text, up, down, hide = st.columns([8, 1, 1, 1.4], vertical_alignment="center")
        mark = t("story_hidden_mark", lang) if slide.hidden else ""
        text.text(f"{i + 1}. {shown_text(slide.caption, lang)[:140]}{mark}")
        if up.button(t("story_up", lang), key=f"story_up_{i}", disabled=i == 0, icon=":material/arrow_upward:"):
            act(lambda i=i: move_slide(slides, i, -1), "story_reason_up", i + 1)
        if down.button(t("story_down", lang), key=f"story_down_{i}", disabled=i == last,
                       icon=":material/arrow_downward:"):
            act(lambda i=i: move_slide(slides, i, +1), "story_reason_down", i + 1)
        verb = "show" if slide.hidden else "hide"
        if hide.button(t(f"story_{verb}", lang), key=f"story_hide_{i}"):
            act(lambda i=i: set_hidden(slides, i, not story.slides[i].hidden), f"story_reason_{verb}", i + 1)
    _caption_form(ws, attrs, expected, story, parks, lang)


def _caption_form(ws: Workspace, attrs: dict[str, Any], expected: int, story: Story, parks: gpd.GeoDataFrame,
                  lang: Lang) -> None:
    st.markdown(f"**{t('story_edit_caption', lang)}**")
    i = st.selectbox(t("story_which_slide", lang), list(range(len(story.slides))), key=f"story_cap_which_{story.id}",
                     format_func=lambda k: f"{k + 1}. {shown_text(story.slides[k].caption, lang)[:60]}")
    i = min(int(i or 0), len(story.slides) - 1)
    keys = (f"story_cap_zh_{story.id}_{i}", f"story_cap_en_{story.id}_{i}", f"story_cap_reason_{story.id}_{i}")
    caption = story.slides[i].caption
    for key, value in zip(keys[:2], (caption.zh, caption.en)):
        st.session_state.setdefault(key, value)  # the slide's caption, or the input kept after a refusal
    with st.form(f"story_cap_form_{story.id}"):
        c1, c2 = st.columns(2)
        zh = c1.text_area(t("story_caption_zh", lang), key=keys[0], max_chars=1000)
        en = c2.text_area(t("story_caption_en", lang), key=keys[1], max_chars=1000)
        st.caption(t("story_one_language", lang))
        reason = st.text_input(t("story_reason", lang), key=keys[2], max_chars=300)
        if not st.form_submit_button(t("story_save_caption", lang)):
            return
    if not zh.strip() and not en.strip():
        st.error(t("story_caption_needed", lang))
        return
    version = _save(ws, story.id, {**attrs, "slides": set_caption(attrs["slides"], i, zh, en)},
                    reason=reason.strip() or t("story_reason_caption", lang, n=i + 1, markdown=False),
                    expected=expected, parks=parks, lang=lang)
    if version is not None:
        _done(t("story_changed", lang, version=version), forget=keys[:2], blank=keys[2:])


# ------------------------------------------------------------------ YAML import

def _import(ws: Workspace, frame: pd.DataFrame, state: ViewState, parks: gpd.GeoDataFrame, lang: Lang) -> None:
    from ui.uploads import file_uploader

    st.markdown(f"**{t('story_import', lang)}**")
    st.caption(t("story_import_help", lang))
    upload = file_uploader(t("story_yaml", lang), lang, type=["yaml", "yml"], key="story_import_file",
                           max_upload_size=1)
    if upload is None or not st.button(t("story_import_button", lang), key="story_import_go"):
        return
    stem = upload.name.rsplit(".", 1)[0]
    try:
        story = parse_story(upload.getvalue().decode("utf-8", errors="replace"), stem, set(parks.index),
                            origin=upload.name, draft=True)
    except StoryError as exc:
        st.error(t("story_import_bad", lang))
        st.code("\n".join(exc.problems), language=None)
        return
    exists = story.id in frame.index
    expected = _record(frame, story.id)[1] if exists else 0
    attrs = story_record(story, source=f"{t('story_yaml', lang, markdown=False)}: {upload.name}",
                         as_of=dt.date.today().isoformat())
    version = _save(ws, story.id, attrs, reason=t("story_reason_import", lang, name=upload.name, markdown=False),
                    expected=expected, parks=parks, lang=lang)
    if version is not None:
        state.story_id, state.slide = story.id, 0
        _done(t("story_imported", lang, title=shown_text(story.title, lang), version=version))


# ------------------------------------------------------------------ the section

def render(found: dict[str, Story], state: ViewState, parks: gpd.GeoDataFrame, lang: Lang) -> None:
    """The editor's part of the Present page, below the map; for a viewer one line saying they
    may look only."""
    for key in st.session_state.pop(BLANK, ()):
        st.session_state[key] = ""
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    refused = st.session_state.pop(CONFLICT, None)
    if refused:
        st.error(refused)
    ws = workspace.current()
    if ws is None or not workspace.can_edit(ws):
        st.caption(t("story_viewer_note", lang))
        return
    with st.expander(t("story_edit", lang), icon=":material/edit_note:", expanded=True):
        st.caption(t("story_edit_help", lang))
        ws = workspace.writer(lang, "story")
        if ws is None:
            return
        frame = workspace.layer(LAYER)
        if frame is None:
            st.warning(t("story_no_layer", lang))
            return
        story = found.get(state.story_id or "")
        if story is not None and story.id in frame.index:
            attrs, current = _record(frame, story.id)
            opened = st.session_state.setdefault(OPENED, {})
            expected = opened.setdefault(story.id, current)
            if expected != current:
                st.warning(t("story_changed_meanwhile", lang, version=current, opened=expected))
                if st.button(t("story_reload", lang), key="story_reload"):
                    opened[story.id] = current
                    _forget(*[k for k in st.session_state if str(k).startswith("story_cap_") and story.id in str(k)])
                    st.rerun()
            _add_view(ws, attrs, expected, story, state, parks, lang)
            st.divider()
            _slides(ws, attrs, expected, story, parks, lang)
            st.divider()
        elif story is not None:
            st.info(t("story_not_record", lang))
        _new_story(ws, frame, state, parks, lang)
        st.divider()
        _import(ws, frame, state, parks, lang)
