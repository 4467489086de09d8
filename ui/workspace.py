"""The app's workspace: opened once per process at `PARKATLAS_WORKSPACE` (else the user's data
folder), read through revision-keyed caches, written only through `store`.

The workspace is a GeoPackage file (`PARKATLAS_WORKSPACE`), or a team's PostGIS database
(`PARKATLAS_DATABASE_URL`). Without sign-in the local user owns it and acts as admin, every
version written under the name they set once (remembered in the workspace); with sign-in
(`ui.auth`) each session acts as its signed-in user with their role, checked by the store.
A workspace that is refused (damaged, newer) or cannot be reached is reported on every page and
never overwritten; the pages then show the bundled data and save nothing, and a database that
comes back is used again without restarting the app.
"""

from __future__ import annotations

import os
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


DATABASE_ENV = "PARKATLAS_DATABASE_URL"


def location() -> str:
    """Where the workspace is: the team database (`PARKATLAS_DATABASE_URL`, a
    postgresql+psycopg:// URL) when set, else the GeoPackage file (`PARKATLAS_WORKSPACE`)."""
    return os.environ.get(DATABASE_ENV, "").strip() or str(default_location())


def _shared() -> Workspace | None:
    try:
        return _open(location())
    except WorkspaceError:
        return None


def current() -> Workspace | None:
    """The workspace as this session acts on it — the signed-in user with their role when
    sign-in is configured (`ui.auth`), else the local owner — or None when it was refused
    (`problem()` says why)."""
    ws = _shared()
    if ws is None:
        return None
    from ui.auth import signed_in

    who = signed_in()
    return ws if who is None else ws.as_user(who.username, who.role)


_down: dict[str, str] = {}
"""Workspaces whose last read failed (a database that went away): location -> why."""


def problem() -> str | None:
    """Why the workspace cannot be used now (refused at open, or unreachable since), or None."""
    try:
        ws = _open(location())
    except WorkspaceError as exc:
        return str(exc)
    return _down.get(ws.location)


_memo: dict[str, tuple[float, dict[str, int]]] = {}


def revisions() -> dict[str, int]:
    """{layer id: revision} of the workspace, read at most once a second; empty without a
    workspace or while it cannot be reached (then `problem()` says why, and the next read after a
    second tries again — a database that comes back is used without restarting the app)."""
    ws = _shared()
    if ws is None:
        return {}
    hit = _memo.get(ws.location)
    if hit is not None and time.monotonic() - hit[0] < _REVISIONS_TTL_S:
        return hit[1]
    try:
        revs = ws.revisions()
    except WorkspaceError as exc:
        went_down(ws.location, str(exc))
        return {}
    _down.pop(ws.location, None)
    _memo[ws.location] = (time.monotonic(), revs)
    return revs


def went_down(where: str, why: str) -> None:
    """Remember that the workspace at `where` failed a read (its layers then come from data/)."""
    _down[where] = why
    _memo.pop(where, None)


def changed() -> None:
    """Call after every write of this app: the next read sees it."""
    _memo.clear()


@st.cache_resource(show_spinner=False, max_entries=64)
def _frame(location: str, layer_id: str, revision: int, include_hidden: bool) -> gpd.GeoDataFrame:
    return _open(location).layer(layer_id, include_hidden=include_hidden)


def layer(layer_id: str, include_hidden: bool = False) -> gpd.GeoDataFrame | None:
    """A workspace layer's current state (shared between sessions: never mutate it), or None
    when the workspace has no such layer or cannot be read now."""
    revs = revisions()
    ws = _shared()
    if ws is None or layer_id not in revs:
        return None
    try:
        return _frame(ws.location, layer_id, revs[layer_id], include_hidden)
    except WorkspaceError as exc:
        went_down(ws.location, str(exc))
        return None


def can_edit(ws: Workspace | None) -> bool:
    """Whether this session's role may change features and layers (what the page offers; the
    store checks it again on every write)."""
    from store.roles import may

    return ws is not None and may(ws.role, "save")


def author_field(ws: Workspace, lang: Lang, key: str) -> bool:
    """Ask once for the name every version is saved under; True when there is one. A signed-in
    user's name is their user name; a viewer is told they cannot change anything."""
    if not can_edit(ws):
        st.info(t("role_cannot_edit", lang, role=t(f"role_name_{ws.role}", lang)))
        return False
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


def writer(lang: Lang, key: str) -> Workspace | None:
    """The workspace to save through, or None after saying why not: refused or unreachable, a
    role that may not change anything, or (once) no author name yet."""
    ws = current()
    if ws is None or problem():
        st.error(t("ws_refused", lang))
        return None
    return ws if author_field(ws, lang, key) else None


def save_layer(ws: Workspace, lang: Lang, name: str, gdf: gpd.GeoDataFrame, **kwargs) -> bool:
    """Save a whole new layer (`Workspace.add_layer` arguments); on failure say why and keep
    everything as it was. True when it was saved."""
    from store import StoreError

    try:
        ws.add_layer(name, gdf, **kwargs)
    except (StoreError, ValueError) as exc:
        st.error(t("save_failed", lang))
        st.code(str(exc))
        return False
    changed()
    st.success(t("layer_added", lang, name=name, n=len(gdf)))
    return True


def report_problem(lang: Lang) -> None:
    """Say, once on a page, that the workspace was refused or cannot be reached (the page goes
    on with the bundled data)."""
    revisions()  # a read now, so a database that went away (or came back) is seen
    why = problem()
    if why:
        st.error(t("ws_refused", lang))
        st.code(why)


def report_failure(exc: Exception, lang) -> None:
    """Tell the user a save was refused or failed, and the store's own words (in a code block:
    they name the record, the field and the value)."""
    from ui.i18n import t

    st.error(t("save_failed", lang))
    st.code(str(exc))
