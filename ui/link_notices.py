"""What a page says about its link (an unknown park, a value it dropped from the URL) stays until
the user dismisses it: the link is read in a session's first run only, and the map's first
report reruns the page a second later — a warning drawn in the first run alone vanished before
anyone could read it."""

from __future__ import annotations

import streamlit as st

from ui.i18n import Lang, t


def _key(page: str) -> str:
    return f"_parkatlas_link_notices_{page}"


def remember(page: str, messages: list[str]) -> None:
    """Keep `messages` (already formatted and escaped, e.g. by `t()`) for `page`."""
    if messages:
        kept = st.session_state.setdefault(_key(page), [])
        kept.extend(m for m in messages if m not in kept)


def show(page: str, lang: Lang) -> None:
    """The page's kept notices, each a warning, with one button that dismisses them."""
    kept = st.session_state.get(_key(page)) or []
    for message in kept:
        st.warning(message)
    if kept and st.button(t("link_notices_dismiss", lang), key=f"w_dismiss_link_notices_{page}"):
        st.session_state[_key(page)] = []
        st.rerun()
