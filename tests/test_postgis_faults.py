"""The team database going away: the server stopped abruptly (`pg_ctl stop -m immediate`) in the
middle of a save. The save fails with WorkspaceError and nothing half-written is there after the
restart; the page says the database cannot be reached (no traceback), shows the bundled data,
and uses the database again once it is back, without restarting the app."""

from __future__ import annotations

import threading

import pytest
import streamlit as st
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from store import WorkspaceError, open_workspace
from store.workspace import Workspace
from tests.conftest import ROOT

APP = str(ROOT / "streamlit_app.py")
PARK = "gz-vip-pazhou"


@pytest.fixture()
def own_server():
    """A server of this test's own (the test stops it)."""
    from tests.postgis import PostgisServer, has_postgis

    if not has_postgis():
        pytest.skip("PostgreSQL + PostGIS are not installed")
    server = PostgisServer.start()
    yield server
    server.close()


def test_a_save_interrupted_by_a_crash_leaves_nothing_half_written(own_server, monkeypatch):
    url = own_server.new_database()
    ws = open_workspace(url, user="li")
    between, go_on = threading.Event(), threading.Event()
    original = Workspace._write_current

    def stop_between(self, *args, **kwargs):
        between.set()  # the version row is written, the current state not yet
        go_on.wait(60)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Workspace, "_write_current", stop_between)
    outcome: dict = {}

    def save():
        try:
            ws.save_feature("parks", PARK, box(113.33, 23.09, 113.345, 23.105), {"geometry_quality": "digitised"},
                            reason="interrupted", expected_version=1)
        except Exception as exc:  # noqa: BLE001 (the test inspects what it was)
            outcome["error"] = exc

    saver = threading.Thread(target=save)
    saver.start()
    assert between.wait(60)
    own_server.stop("immediate")  # the crash
    go_on.set()
    saver.join(60)
    assert isinstance(outcome.get("error"), WorkspaceError)
    assert "cannot be reached" in str(outcome["error"]) and "nothing was saved" in str(outcome["error"])
    monkeypatch.setattr(Workspace, "_write_current", original)
    with pytest.raises(WorkspaceError, match="cannot be reached"):
        ws.history("parks", PARK)  # while it is down: our error, not the driver's
    own_server.restart()
    assert ws.history("parks", PARK)["version"].tolist() == [1]  # the same object reconnects; nothing half-written
    assert ws.layer("parks").loc[PARK].geometry.geom_type == "Point"
    assert ws.save_feature("parks", PARK, box(113.33, 23.09, 113.345, 23.105), {"geometry_quality": "digitised"},
                           reason="after the restart", expected_version=1) == 2


def test_the_page_says_the_database_is_unreachable_and_recovers(own_server, monkeypatch):
    url = own_server.new_database()
    open_workspace(url, user="seed").engine.dispose()
    monkeypatch.setenv("PARKATLAS_DATABASE_URL", url)
    monkeypatch.setenv("PARKATLAS_ALLOW_ANONYMOUS_TEAM", "1")  # no sign-in here: the operator opts in (else read-only)
    st.cache_resource.clear()

    def atlas() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["w_tables"] = True  # the atlas's tables are shown on request
        at.query_params["lang"] = "en"
        at.run()
        assert not at.exception, [e.value for e in at.exception]  # never a traceback
        return at

    at = atlas()
    assert len(at.dataframe[0].value) == 54 and not at.error
    own_server.stop("immediate")
    import ui.workspace

    ui.workspace._memo.clear()  # the next run reads the revisions again (it would within a second)
    at = atlas()
    assert any("cannot be used" in e.value for e in at.error)
    assert any("cannot be reached" in c.value for c in at.code)
    assert len(at.dataframe[0].value) == 54  # the bundled parks, read-only
    own_server.restart()
    ui.workspace._memo.clear()
    at = atlas()
    assert not at.error and len(at.dataframe[0].value) == 54  # back on the database, same process
