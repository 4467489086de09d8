"""Our part of the app's web server (issue 22): `streamlit_app.py` hands these to Streamlit's
`st.App`, so `streamlit run streamlit_app.py` serves them beside Streamlit's own routes.

- `GET /parkatlas/file/<token>/<name>`: a file given to one session (`ui.file_gate`): tile archives
  (HTTP Range requests answered, as PMTiles readers need) and the audit log, each only while that
  session may have it (`ui.session_rights`); no CORS header, so no other site's page reads them.
- A guard in front of Streamlit's routes:
  * `/app/static/tiles/…` is refused (where archives were public before; the folder is emptied);
  * `/_stcore/metrics` is refused (cache and session statistics are nobody's business outside)
    unless the operator sets PARKATLAS_EXPOSE_METRICS=1 for a monitor;
  * an upload (`PUT /_stcore/upload_file/<session>/…`) is accepted only for a session that shows
    an uploader and, with sign-in, is signed in; it must say its size, and a session may hold at
    most `PARKATLAS_UPLOAD_SESSION_MB` (default: twice `server.maxUploadSize`) of uploads at once;
  * responses under `/app/static/` lose `Access-Control-Allow-Origin: *`.
- A "clear cache" message sent by a browser (it empties every user's caches) is obeyed only for an
  admin session (`guard_clear_cache`).

What Streamlit does not let us choose: `/_stcore/health`, `/_stcore/host-config` and the static
files stay public (they hold nothing private), and `/media/…` downloads of public tables are served
to whoever holds their URL until the session that made them ends (the audit log goes through
`/parkatlas/file/` instead).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from ui import file_gate, session_rights

LOG = logging.getLogger("parkatlas.server")

UPLOAD_CAP_ENV = "PARKATLAS_UPLOAD_SESSION_MB"
METRICS_ENV = "PARKATLAS_EXPOSE_METRICS"
"""Set to 1 to answer /_stcore/metrics (for a monitor on a private network; off by default)."""
LEGACY_TILES = Path(__file__).resolve().parent.parent / "static" / "tiles"
"""Where tile archives were kept (and public) before: removed when the server starts."""


def _runtime() -> Any | None:
    from streamlit.runtime import Runtime

    return Runtime.instance() if Runtime.exists() else None


def session_reader(session_id: str) -> file_gate.StateGetter | None:
    """A reader of a connected session's state, or None when no such session is connected."""
    runtime = _runtime()
    if runtime is None or not session_id:
        return None
    info = runtime._session_mgr.get_active_session_info(session_id)  # noqa: SLF001 (Streamlit has no public accessor)
    if info is None:
        return None
    state = info.session.session_state

    def get(key: str) -> Any:
        try:
            return state[key]
        except (KeyError, AttributeError):
            return None

    return get


def _held_upload_bytes(session_id: str) -> int:
    """Bytes of uploads Streamlit holds in memory for the session now."""
    runtime = _runtime()
    storage = getattr(getattr(runtime, "uploaded_file_mgr", None), "file_storage", {}) if runtime else {}
    return sum(len(rec.data) for rec in (storage.get(session_id) or {}).values())


def upload_cap_bytes() -> int:
    """The most upload bytes one session may hold at once."""
    from streamlit import config

    value = os.environ.get(UPLOAD_CAP_ENV, "").strip()
    try:
        mb = float(value) if value else 2 * float(config.get_option("server.maxUploadSize"))
    except ValueError:
        mb = 2 * float(config.get_option("server.maxUploadSize"))
    return int(mb * 1024 * 1024)


def upload_refusal(session_id: str, content_length: str | None) -> tuple[int, str] | None:
    """(HTTP status, reason) when an upload for `session_id` must be refused, else None."""
    reader = session_reader(session_id)
    if reader is None:
        return 400, "no such session"
    if not session_rights.may_upload(reader):
        return 403, "this session shows no file uploader, or is not signed in"
    try:
        size = int(content_length or "")
    except ValueError:
        return 411, "an upload must state its Content-Length"
    if _held_upload_bytes(session_id) + size > upload_cap_bytes():
        return 413, "this session holds too many uploaded bytes; remove a file first"
    return None


async def _plain(send: Any, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware in front of Streamlit's routes (see the module docstring)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        path = _without_base(scope.get("path") or "")
        method = scope.get("method", "GET")
        metrics = path.rstrip("/") == "/_stcore/metrics" and os.environ.get(METRICS_ENV, "").strip() != "1"
        if path.startswith("/app/static/tiles/") or metrics:
            await _plain(send, 404, "not found")
            return
        if path.startswith("/_stcore/upload_file/") and method in ("PUT", "POST"):
            parts = path.split("/")
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
            refusal = upload_refusal(parts[3] if len(parts) > 3 else "", headers.get("content-length"))
            if refusal is not None:
                LOG.warning("upload refused (%s): %s", refusal[0], refusal[1])
                await _plain(send, *refusal)
                return
        if path.startswith("/app/static/"):
            await self.app(scope, receive, _without_cors(send))
            return
        await self.app(scope, receive, send)


def _without_base(path: str) -> str:
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return path[len(base) + 1:] if base and path.startswith(f"/{base}/") else path


def _without_cors(send: Any) -> Any:
    async def sender(message: dict) -> None:
        if message.get("type") == "http.response.start":
            message = {**message, "headers": [(k, v) for k, v in message.get("headers") or []
                                              if k.lower() != b"access-control-allow-origin"]}
        await send(message)

    return sender


async def serve_file(request: Any) -> Any:
    """GET /parkatlas/file/<token>/<name>: the granted file, or 404 (one answer for every refusal)."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import FileResponse, PlainTextResponse, Response

    grant = file_gate.resolve(request.path_params["token"], session_reader)
    headers = {"cache-control": "private, max-age=600", "x-content-type-options": "nosniff"}
    if grant is None or request.path_params["name"] != grant.name:
        return PlainTextResponse("not found", status_code=404, headers={"cache-control": "no-store"})
    if grant.path is not None:
        if not grant.path.is_file():
            return PlainTextResponse("not found", status_code=404, headers={"cache-control": "no-store"})
        return FileResponse(grant.path, media_type=grant.media_type, headers=headers,
                            filename=grant.download_name, content_disposition_type="attachment"
                            if grant.download_name else "inline")
    assert grant.produce is not None
    body = await run_in_threadpool(grant.produce)
    headers["cache-control"] = "no-store"
    headers.update(grant.headers)
    if grant.download_name:
        from urllib.parse import quote

        headers["content-disposition"] = f"attachment; filename*=UTF-8''{quote(grant.download_name)}"
    return Response(body, media_type=grant.media_type, headers=headers)


def routes() -> list:
    """Our routes for `st.App(routes=...)`."""
    from starlette.routing import Route

    return [Route(file_gate.ROUTE + "/{token}/{name}", serve_file, methods=["GET", "HEAD"])]


def middleware() -> list:
    """Our middleware for `st.App(middleware=...)`."""
    from starlette.middleware import Middleware

    return [Middleware(Guard)]


def guard_clear_cache() -> None:
    """Let a browser's "clear cache" message (it empties every user's caches) through only for an
    admin session; others are logged and ignored."""
    from streamlit.runtime.app_session import AppSession

    original = AppSession._handle_clear_cache_request
    if getattr(original, "_parkatlas_guarded", False):
        return

    def guarded(self: Any) -> None:
        state = self.session_state

        def get(key: str) -> Any:
            try:
                return state[key]
            except (KeyError, AttributeError):
                return None

        if session_rights.may_audit(get):
            original(self)
        else:
            LOG.warning("clear_cache refused for a session that is not an admin's")

    guarded._parkatlas_guarded = True  # type: ignore[attr-defined]
    AppSession._handle_clear_cache_request = guarded  # type: ignore[method-assign]


def prepare_server() -> None:
    """What the server does once when it starts: guard cache clearing, remove the public archives
    an earlier release left in static/tiles."""
    guard_clear_cache()
    if LEGACY_TILES.is_dir():
        shutil.rmtree(LEGACY_TILES, ignore_errors=True)
