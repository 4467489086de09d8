"""Give memory back to the system once sessions let go of it.

A session that imported a large file holds the checked layer (hundreds of MB for a 150 MB file).
Streamlit keeps a disconnected session, with its session state, in a TTL cache that only evicts
when touched, so what lives in session state can outlive the visit for good. Large per-session
values are therefore held here instead (`hold` / `held`), keyed by the session, and dropped as
soon as Streamlit no longer counts the session as active. A daemon thread, started once per
server process, does that every `EVERY_S` seconds, then collects garbage and asks the allocators
(glibc's `malloc_trim`, Arrow's pool) to return the freed memory to the system.

It also ends what Streamlit (1.67) leaves behind: a disconnected session waits
`server.disconnectedSessionTTL` seconds for its browser to come back, but when that time has
passed its entry is only skipped, never shut down, so the session's uploaded files (the whole
upload, in memory), media and state stay for good. `close_expired_sessions` shuts those sessions
down as Streamlit's own close does, on Streamlit's event loop.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import os
import threading
import time

EVERY_S = 20.0
_started = threading.Event()
_HELD: dict[str, dict[str, object]] = {}
_HELD_LOCK = threading.Lock()


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def hold(name: str, value: object | None) -> None:
    """Keep `value` for this session under `name` (None forgets it)."""
    sid = _session_id()
    with _HELD_LOCK:
        if value is None:
            _HELD.get(sid, {}).pop(name, None)
        else:
            _HELD.setdefault(sid, {})[name] = value


def forget(name: str) -> None:
    """Drop what this session holds under `name`, letting it `release()` its data first (a
    pending import removes its checked layer's file)."""
    value = held(name)
    release_data = getattr(value, "release", None)
    if callable(release_data):
        release_data()
    hold(name, None)


def held(name: str) -> object | None:
    """What this session holds under `name`, or None."""
    with _HELD_LOCK:
        return _HELD.get(_session_id(), {}).get(name)


def drop_ended_sessions() -> int:
    """Forget what sessions that are no longer active held; returns how many were dropped."""
    try:
        from streamlit.runtime import Runtime

        runtime = Runtime.instance()
    except RuntimeError:  # no Streamlit server in this process (tests, scripts)
        return 0
    with _HELD_LOCK:
        ended = [sid for sid in _HELD if not runtime.is_active_session(sid)]
        for sid in ended:
            # emptied, not only forgotten: some reference the garbage collector cannot see (not
            # found: no thread, exception or tracked object reaches them) kept the session's dict
            # and its pending import alive, with the 150 MB upload's layer. Values that can
            # `release()` their data do so; the dict is cleared.
            values = _HELD.pop(sid)
            for value in values.values():
                release_data = getattr(value, "release", None)
                if callable(release_data):
                    release_data()
            values.clear()
    return len(ended)


_LOG = logging.getLogger(__name__)


def close_expired_sessions(timeout_s: float = 10.0) -> int:
    """Shut down the disconnected sessions whose reconnect time has passed, and drop uploaded
    files of sessions Streamlit no longer knows; returns how many sessions were closed. Runs on
    Streamlit's event loop (where Streamlit touches its session storage) and waits for it; 0
    without a running Streamlit server or on a Streamlit whose internals differ (logged)."""
    try:
        from streamlit.runtime import Runtime

        runtime = Runtime.instance()
        loop = runtime._get_async_objs().eventloop
    except (RuntimeError, AttributeError):  # no Streamlit server in this process (tests, scripts)
        return 0

    async def close() -> int:
        manager = runtime._session_mgr
        cache = getattr(getattr(manager, "_session_storage", None), "_cache", None)
        expired = cache.expire() if hasattr(cache, "expire") else []
        for _, info in expired:
            info.session.shutdown()  # its uploaded files, media and caches, as a close does
            _forget_state(info.session)
        files = runtime.uploaded_file_mgr
        known = {info.session.id for info in manager.list_sessions()}
        for session_id in [s for s in getattr(files, "file_storage", {}) if s not in known]:
            files.remove_session_files(session_id)
        return len(expired)

    if loop.is_closed() or not loop.is_running():  # a Runtime that is not serving (AppTest, a stopped server)
        return 0
    coroutine = close()
    try:
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout_s)
    except Exception:
        coroutine.close()  # if it never ran: no "never awaited" warning  # never let the releasing thread die; say why nothing was closed
        _LOG.warning("could not close expired Streamlit sessions", exc_info=True)
        return 0


def _forget_state(session: object) -> None:
    """Empty a shut-down session's state. Streamlit's shutdown leaves it, and something keeps the
    session object itself alive afterwards; its state holds the file uploader's last value, an
    UploadedFile (a BytesIO sharing the whole upload's bytes, which the garbage collector does not
    see as a reference), so a 150 MB upload stayed in memory after its session was closed."""
    state = getattr(session, "_session_state", None)
    if state is not None and callable(getattr(state, "clear", None)):
        state.clear()


def release() -> None:
    """Close expired sessions, drop what ended sessions held, collect garbage, then return the
    allocators' free memory to the operating system."""
    close_expired_sessions()
    drop_ended_sessions()
    gc.collect()
    try:
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
    except Exception:  # pyarrow missing or a pool without release: nothing to give back there
        pass
    name = ctypes.util.find_library("c")
    if name:
        try:
            ctypes.CDLL(name).malloc_trim(0)
        except (OSError, AttributeError):  # not glibc
            pass


def start_releasing(every_s: float | None = None) -> None:
    """Start the releasing thread (once per process; later calls do nothing), every `every_s`
    seconds (default: `PARKATLAS_RELEASE_EVERY_S`, else `EVERY_S`)."""
    every_s = every_s or float(os.environ.get("PARKATLAS_RELEASE_EVERY_S") or EVERY_S)
    if _started.is_set():
        return
    _started.set()

    def loop() -> None:
        while True:
            time.sleep(every_s)
            release()

    threading.Thread(target=loop, name="parkatlas-memory-release", daemon=True).start()
