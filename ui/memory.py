"""Give memory back to the system once sessions let go of it.

A session that imported a large file holds the checked layer (hundreds of MB for a 150 MB file).
Streamlit keeps a disconnected session, with its session state, in a TTL cache that only evicts
when touched, so what lives in session state can outlive the visit for good. Large per-session
values are therefore held here instead (`hold` / `held`), keyed by the session, and dropped as
soon as Streamlit no longer counts the session as active. A daemon thread, started once per
server process, does that every `EVERY_S` seconds, then collects garbage and asks the allocators
(glibc's `malloc_trim`, Arrow's pool) to return the freed memory to the system.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
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
            del _HELD[sid]
    return len(ended)


def release() -> None:
    """Drop what ended sessions held, collect garbage, then return the allocators' free memory
    to the operating system."""
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


def start_releasing(every_s: float = EVERY_S) -> None:
    """Start the releasing thread (once per process; later calls do nothing)."""
    if _started.is_set():
        return
    _started.set()

    def loop() -> None:
        while True:
            time.sleep(every_s)
            release()

    threading.Thread(target=loop, name="parkatlas-memory-release", daemon=True).start()
