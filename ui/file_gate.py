"""Files a page hands to one browser session, and only to it (issue 22): tile archives of imported
layers, the audit log. Nothing private is served from a public folder or under a guessable name.

A page asks `file_url(kind, name, ...)` for a URL; the URL holds a random token (256 bits) that this
server process maps to the file, the session that asked, and a check run again on every request.
`ui.server_routes` serves `/parkatlas/file/<token>/<name>`: a request is answered only while that session
is still connected and the check still passes (signed in, its role still allows the file); a
session that signs out, is revoked or ends takes its URLs with it, and no URL outlives
`MAX_AGE_S`. Tokens live in this process's memory: with several instances, the proxy's sticky
sessions (README, teams) send a browser's requests to the instance that gave it its URLs.

No URL, file name or log line is derived from a secret: the token is random, and the archive
names it points to are derived from the workspace's location with any password removed.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROUTE = "/parkatlas/file"
"""Where `ui.server_routes` serves the files (under `server.baseUrlPath` when one is set)."""

MAX_AGE_S = 12 * 3600
"""No URL is answered longer than this after it was made (a page rerun later gets a new one)."""

RENEW_AFTER_S = MAX_AGE_S / 2
"""A URL older than this is replaced by a fresh one at the page's next run."""

StateGetter = Callable[[str], Any]
"""Reads one key of a session's state (None when absent)."""


@dataclass
class Grant:
    """One URL's promise: what it serves, to which session, while `allowed` says yes."""

    kind: str
    name: str
    session_id: str
    allowed: Callable[[StateGetter], bool]
    path: Path | None = None
    produce: Callable[[], bytes] | None = None
    media_type: str = "application/octet-stream"
    download_name: str | None = None
    made: float = field(default_factory=time.time)
    headers: dict[str, str] = field(default_factory=dict)
    """Extra response headers (e.g. the Set-Cookie of a sign-in)."""
    once: bool = False
    """Answered once, then forgotten (a URL that carries a secret in its response)."""


_grants: dict[str, Grant] = {}
_by_key: dict[tuple[str, str, str], str] = {}
_lock = threading.Lock()


def grant(kind: str, name: str, session_id: str, allowed: Callable[[StateGetter], bool], *,
          path: Path | None = None, produce: Callable[[], bytes] | None = None,
          media_type: str = "application/octet-stream", download_name: str | None = None,
          headers: dict[str, str] | None = None, once: bool = False, now: float | None = None) -> str:
    """The token for (`kind`, `name`) in `session_id`: the one given before while it is young
    enough (a map whose URL changed would be rebuilt), else a new one. Exactly one of `path` (a
    file served with Range requests) or `produce` (bytes made when asked) says what is served."""
    if (path is None) == (produce is None):
        raise ValueError("a grant serves a path or produced bytes, not both or neither")
    now = time.time() if now is None else now
    key = (kind, name, session_id)
    with _lock:
        token = _by_key.get(key)
        old = _grants.get(token) if token else None
        if old is not None and now - old.made < RENEW_AFTER_S and old.path == path and not once:
            old.allowed, old.produce = allowed, produce
            return token  # type: ignore[return-value]
        token = secrets.token_urlsafe(32)
        _grants[token] = Grant(kind, name, session_id, allowed, path, produce, media_type, download_name, now,
                               dict(headers or {}), once)
        _by_key[key] = token
        _purge(now)
        return token


def _purge(now: float) -> None:
    """Forget grants past MAX_AGE_S (called with the lock held)."""
    for token, g in list(_grants.items()):
        if now - g.made > MAX_AGE_S:
            del _grants[token]
            if _by_key.get((g.kind, g.name, g.session_id)) == token:
                del _by_key[(g.kind, g.name, g.session_id)]


def forget_session(session_id: str) -> int:
    """Drop every grant of a session (it ended); returns how many."""
    with _lock:
        tokens = [tok for tok, g in _grants.items() if g.session_id == session_id]
        for tok in tokens:
            g = _grants.pop(tok)
            _by_key.pop((g.kind, g.name, g.session_id), None)
    return len(tokens)


def resolve(token: str, session_state: Callable[[str], StateGetter | None], now: float | None = None) -> Grant | None:
    """The grant behind `token` when it may be served now, else None (unknown, too old, its session
    gone, or its check failing). `session_state(session_id)` gives a reader of that session's
    state, or None when the session is not connected."""
    now = time.time() if now is None else now
    with _lock:
        g = _grants.get(token)
    if g is None or now - g.made > MAX_AGE_S:
        return None
    reader = session_state(g.session_id)
    if reader is None:
        forget_session(g.session_id)
        return None
    try:
        ok = g.allowed(reader)
    except Exception:  # a check that cannot decide refuses
        return None
    if ok and g.once:
        with _lock:
            if _grants.pop(token, None) is None:
                return None  # answered already, to another request
            if _by_key.get((g.kind, g.name, g.session_id)) == token:
                del _by_key[(g.kind, g.name, g.session_id)]
    return g if ok else None


def url(token: str, name: str, base_url_path: str = "") -> str:
    """The path a browser fetches `token` at, ending in the file's `name` (a PMTiles reader knows
    an archive by its ".pmtiles" ending), honouring `server.baseUrlPath`.

    >>> url("abc", "x.pmtiles"), url("abc", "log.csv", "/atlas/")
    ('/parkatlas/file/abc/x.pmtiles', '/atlas/parkatlas/file/abc/log.csv')
    """
    from urllib.parse import quote

    base = base_url_path.strip("/")
    tail = f"{ROUTE}/{token}/{quote(name, safe='')}"
    return f"/{base}{tail}" if base else tail


def reader_of(state: Mapping[str, Any]) -> StateGetter:
    """A StateGetter over a plain mapping (tests, and the page's own st.session_state)."""
    return lambda key: state.get(key)
