"""The app's workspace: opened once per process at `PARKATLAS_WORKSPACE` (else the user's data
folder), read through revision-keyed caches, written only through `store`.

Without sign-in (the team database brings it) the local user owns the workspace file and opens it
as admin; every version is written under the name they set once (remembered in the workspace).
A workspace that is refused (damaged, newer, locked) is reported on every page and never
overwritten; the app then shows the bundled data and saves nothing.
"""

from __future__ import annotations

import threading
import time

import geopandas as gpd
import streamlit as st

from store import Workspace, WorkspaceError, default_location, open_workspace
from ui.i18n import Lang, t

LOCAL_ROLE = "admin"
"""The role of the local single user, who owns the workspace file."""

_REVISIONS_TTL_S = 1.0
"""How long one reading of the layers' revisions is reused (saves of this app clear it at once;
another process's save shows within this time)."""


_opened: dict[str, Workspace] = {}
_lock = threading.Lock()


def _open(location: str) -> Workspace:
    """The workspace at `location`, opened (and on first use created and seeded) once per
    process; a refusal is not remembered, so a repaired file is used on the next run."""
    ws = _opened.get(location)
    if ws is None:
        with _lock:
            ws = _opened.get(location)
            if ws is None:
                ws = open_workspace(location, user="", role=LOCAL_ROLE)
                ws.user = str(ws.setting("local_author") or "")
                _opened[location] = ws
    return ws


def location() -> str:
    """Where the workspace is (the file path)."""
    return str(default_location())


def current() -> Workspace | None:
    """The workspace, or None when it was refused (`problem()` says why)."""
    try:
        return _open(location())
    except WorkspaceError:
        return None


def problem() -> str | None:
    """Why the workspace cannot be used, or None."""
    try:
        _open(location())
    except WorkspaceError as exc:
        return str(exc)
    return None


_memo: dict[str, tuple[float, dict[str, int]]] = {}


def revisions() -> dict[str, int]:
    """{layer id: revision} of the workspace (empty without one), read at most once a second."""
    ws = current()
    if ws is None:
        return {}
    hit = _memo.get(ws.location)
    if hit is not None and time.monotonic() - hit[0] < _REVISIONS_TTL_S:
        return hit[1]
    revs = ws.revisions()
    _memo[ws.location] = (time.monotonic(), revs)
    return revs


def changed() -> None:
    """Call after every write of this app: the next read sees it."""
    _memo.clear()


@st.cache_resource(show_spinner=False, max_entries=64)
def _frame(location: str, layer_id: str, revision: int, include_hidden: bool) -> gpd.GeoDataFrame:
    return _open(location).layer(layer_id, include_hidden=include_hidden)


def layer(layer_id: str, include_hidden: bool = False) -> gpd.GeoDataFrame | None:
    """A workspace layer's current state (shared between sessions: never mutate it), or None
    when the workspace has no such layer."""
    revs = revisions()
    ws = current()
    if ws is None or layer_id not in revs:
        return None
    return _frame(ws.location, layer_id, revs[layer_id], include_hidden)


def author_field(ws: Workspace, lang: Lang, key: str) -> bool:
    """Ask once for the name every version is saved under; True when there is one."""
    if ws.user:
        return True
    st.info(t("ws_name_needed", lang))
    c1, c2 = st.columns([3, 1])
    name = c1.text_input(t("ws_your_name", lang), key=f"{key}_author", max_chars=60)
    if c2.button(t("ws_save_name", lang), key=f"{key}_author_save") and name.strip():
        ws.set_setting("local_author", name.strip())
        ws.user = name.strip()
        st.rerun()
    return False


def report_problem(lang: Lang) -> None:
    """Say, once on a page, that the workspace was refused (the page goes on with bundled data)."""
    why = problem()
    if why:
        st.error(t("ws_refused", lang))
        st.code(why)
