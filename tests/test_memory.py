"""ui.memory: giving freed memory back runs anywhere and starts one thread per process."""

from __future__ import annotations

import threading

from ui import memory


def test_release_runs_and_the_thread_starts_once(monkeypatch):
    memory.release()  # glibc here: malloc_trim; must not raise elsewhere either
    monkeypatch.setattr(memory, "_started", threading.Event())
    before = sum(t.name == "parkatlas-memory-release" for t in threading.enumerate())
    memory.start_releasing(every_s=3600)
    memory.start_releasing(every_s=3600)
    after = sum(t.name == "parkatlas-memory-release" for t in threading.enumerate())
    assert after == before + 1


def test_an_ended_sessions_values_are_released_and_forgotten(monkeypatch):
    """Values held for a session that is no longer active are released (their data let go even
    if a stray reference to them survives) and forgotten; an active session's are kept."""

    class Big:
        def __init__(self):
            self.data = list(range(1000))

        def release(self):
            self.data = []

    class FakeRuntime:  # only the question ui.memory asks: is this session still active?
        def is_active_session(self, sid):
            return sid == "live"

    from streamlit.runtime import Runtime

    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: FakeRuntime()))
    ended, live = Big(), Big()
    monkeypatch.setattr(memory, "_HELD", {"gone": {"x": ended}, "live": {"x": live}})
    assert memory.drop_ended_sessions() == 1
    assert ended.data == [] and len(live.data) == 1000
    assert list(memory._HELD) == ["live"]
