"""Present: guided stories (records of the workspace, seeded from data/stories/*.yaml), one map
view per slide with its caption on the map, previous/next with the arrow keys, presentation mode,
PNG/PDF/YAML export, and for an editor the story editor (`ui.story_editor`): a new story, the view
panned to added as a slide, slides reordered, hidden, captioned; a story file imported.

Link: `?story=<id>&slide=<n>` (1-based) opens a slide; the URL follows the slide shown. An
unknown story or slide shows a notice and the first story (or its first slide).
"""

from __future__ import annotations

import streamlit as st

from ui import present_view as pv, story_editor, workspace
from ui.i18n import t
from ui.page import start_with_parks, vendor_url


def render() -> None:
    """Draw the Present page."""
    started = start_with_parks()
    if started is None:
        return
    state, parks = started
    lang = state.lang
    records, problems = pv.stories(parks)
    shown = {sid: pv.presented(s, parks) for sid, s in records.items()}
    found = {sid: s for sid, (s, _) in shown.items()}
    notices = pv.apply_url(state, found, lang)

    if state.presenting:
        st.html(pv.PRESENT_CSS)
    else:
        st.title(t("present_heading", lang), anchor=False)
    for notice in notices:
        st.warning(notice)
    if problems:
        with st.expander(t("present_broken", lang, n=len(problems)), icon="⚠️", expanded=not found):
            st.warning(t("present_broken_help", lang))
            st.code("\n".join(problems), language=None)
    editor = workspace.can_edit(workspace.current())
    if not found:
        st.info(t("present_no_stories", lang))
        if editor and not state.presenting:
            story_editor.render(records, state, parks, lang)
        return
    story, empty = shown[state.story_id]
    total = len(story.slides)

    pick_col, mode_col = st.columns([5, 2], vertical_alignment="bottom")
    pv.keep_widget("w_present_story", state.story_id)
    pick_col.selectbox(t("present_story", lang), list(found), key="w_present_story",
                       format_func=lambda i: pv.shown_text(found[i].title, lang), on_change=pv.pick_story,
                       args=(state, "w_present_story"), label_visibility="collapsed" if state.presenting else "visible")
    pv.keep_widget("w_present_mode", state.presenting)
    mode_col.toggle(t("present_mode", lang), key="w_present_mode", help=t("present_mode_help", lang),
                    on_change=pv.set_presenting, args=(state, "w_present_mode"))
    if not state.presenting and story.description.get(lang):
        st.caption(pv.shown_text(story.description, lang))

    prev_col, count_col, next_col, _ = st.columns([3, 2, 3, 6], vertical_alignment="center")
    prev_col.button(t("present_prev", lang), key="present_prev", shortcut="Left", icon=":material/arrow_back:",
                    disabled=state.slide <= 0, on_click=pv.step, args=(state, -1, total), width="stretch")
    count_col.markdown(f"<div class='parkatlas-slide-counter' style='text-align:center;font-size:1.25rem;"
                       f"font-weight:600'>{state.slide + 1} / {total}</div>", unsafe_allow_html=True)
    next_col.button(t("present_next", lang), key="present_next", shortcut="Right", icon=":material/arrow_forward:",
                    disabled=state.slide >= total - 1, on_click=pv.step, args=(state, +1, total), width="stretch")
    pv.sync_url(state)

    pv.draw_slide_map(story, state.slide, lang, vendor_url(),
                      pv.PRESENT_MAP_HEIGHT if state.presenting else pv.MAP_HEIGHT,
                      report_view=editor and not state.presenting)
    if state.presenting:
        return
    st.subheader(t("present_export", lang), anchor=False)
    if not empty:
        pv.export_section(story, state.slide, lang)
        pv.yaml_export(records[story.id], lang)
    story_editor.render(records, state, parks, lang)
