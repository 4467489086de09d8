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
