"""The workspace under faults: two processes saving at once, a process killed in the middle of a
save, and a newer release's bundled data meeting a user's edits."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from shapely.geometry import box

from store import WorkspaceError, open_workspace
from store.seed import skipped_updates
from tests.conftest import ROOT

SAVER = textwrap.dedent("""
    import json, sys
    from shapely.geometry import box
    from store import open_workspace, ConflictError
    path, who, feature, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    ws = open_workspace(path, user=who, seed=False)
    mine, conflicts = [], 0
    while len(mine) < n:
        current = ws.feature("parks", feature)["version"]
        try:
            size = 0.001 * (len(mine) + 1)
            mine.append(ws.save_feature("parks", feature, box(113.3, 23.1, 113.3 + size, 23.1 + size),
                                        {"geometry_quality": "digitised"}, reason=f"{who} {len(mine)}",
                                        expected_version=current))
        except ConflictError:
            conflicts += 1
    print(json.dumps({"versions": mine, "conflicts": conflicts}))
""")


@pytest.fixture(params=["gpkg", "postgis"])
def workspace_path(request, tmp_path):
    """A seeded workspace on each backend: a GeoPackage path, or the URL of a PostGIS database."""
    if request.param == "gpkg":
        path = tmp_path / "ws.gpkg"
        open_workspace(path, user="seed")
        return path
    server = request.getfixturevalue("postgis_server")
    return server.new_database(template=server.seeded_template())


@pytest.fixture()
def gpkg_path(tmp_path):
    path = tmp_path / "ws.gpkg"
    open_workspace(path, user="seed")
    return path


def _integrity_ok(location) -> bool:
    """SQLite's integrity check for a GeoPackage (PostgreSQL keeps its own)."""
    if str(location).startswith("postgresql"):
        return True
    con = sqlite3.connect(location)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


def _run(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, **kw)


def test_two_processes_saving_the_same_park_lose_nothing(workspace_path):
    procs = [_run(SAVER, str(workspace_path), who, "gz-vip-pazhou", "25") for who in ("甲", "乙")]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    got = sorted(v for r in results for v in r["versions"])
    assert got == list(range(2, 52))  # every save landed once, none twice: no lost update
    hist = open_workspace(workspace_path, seed=False).history("parks", "gz-vip-pazhou")
    assert hist["version"].tolist() == list(range(1, 52))
    assert sorted(hist["author"].tolist()[1:]) == sorted(["甲"] * 25 + ["乙"] * 25)


def test_two_processes_saving_different_parks_all_land(workspace_path):
    procs = [_run(SAVER, str(workspace_path), who, park, "20")
             for who, park in (("甲", "gz-vip-pazhou"), ("乙", "gz-vip-huadu"))]
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        assert json.loads(out) == {"versions": list(range(2, 22)), "conflicts": 0}
    assert _integrity_ok(workspace_path)


KILLED = textwrap.dedent("""
    import sys, time
    from shapely.geometry import box
    from store import open_workspace
    from store.workspace import Workspace
    original = Workspace._write_current
    def stop_between(self, *args, **kwargs):
        print("version row written", flush=True)
        time.sleep(120)  # killed here: the version row is in, the current state not yet
        return original(self, *args, **kwargs)
    Workspace._write_current = stop_between
    ws = open_workspace(sys.argv[1], user="killed", seed=False)
    ws.save_feature("parks", "gz-vip-pazhou", box(113.3, 23.1, 113.31, 23.11), {"geometry_quality": "digitised"},
                    reason="never lands", expected_version=1)
""")


def test_a_process_killed_mid_save_leaves_the_old_version(workspace_path):
    proc = _run(KILLED, str(workspace_path))
    line = proc.stdout.readline()
    assert line.strip() == "version row written", proc.stderr.read()
    if not str(workspace_path).startswith("postgresql"):
        assert workspace_path.with_name(workspace_path.name + "-journal").exists()  # a save was under way
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    ws = open_workspace(workspace_path, user="next", seed=False)
    assert ws.feature("parks", "gz-vip-pazhou")["version"] == 1
    assert ws.history("parks", "gz-vip-pazhou")["version"].tolist() == [1]
    assert ws.layer("parks").loc["gz-vip-pazhou"].geometry.geom_type == "Point"
    assert ws.save_feature("parks", "gz-vip-pazhou", box(113.3, 23.1, 113.31, 23.11), {"geometry_quality": "digitised"},
                           reason="lands", expected_version=1) == 2  # and the workspace works on
    assert _integrity_ok(workspace_path)


@pytest.mark.parametrize("backend", ["gpkg", "postgis"])
def test_a_newer_release_updates_only_what_nobody_edited(tmp_path, monkeypatch, backend, request):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    monkeypatch.setenv("PARKATLAS_DATA_DIR", str(data))
    path = tmp_path / "ws.gpkg" if backend == "gpkg" else request.getfixturevalue("postgis_server").new_database()
    ws = open_workspace(path, user="officer")
    ws.save_feature("parks", "gz-vip-huadu", box(113.2, 23.4, 113.21, 23.41), {"geometry_quality": "digitised"},
                    reason="drawn from the 控规", expected_version=1)
    parks_file = data / "parks.geojson"
    lines = parks_file.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):  # the release corrects the note of two parks
        if '"id": "gz-vip-pazhou"' in line or '"id": "gz-vip-huadu"' in line:
            lines[i] = line.replace('"note": "', '"note": "（新版）', 1)
    parks_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws = open_workspace(path, user="officer")
    pazhou = ws.history("parks", "gz-vip-pazhou")
    assert pazhou["op"].tolist() == ["seed", "bundle"]
    assert ws.layer("parks").loc["gz-vip-pazhou", "note"].startswith("（新版）")
    huadu = ws.layer("parks").loc["gz-vip-huadu"]
    assert huadu["geometry_quality"] == "digitised" and not huadu["note"].startswith("（新版）")
    assert skipped_updates(ws).to_dict("records") == [{"layer_id": "parks", "feature_id": "gz-vip-huadu"}]
    again = open_workspace(path, user="officer")  # nothing new: nothing written
    assert again.history("parks", "gz-vip-pazhou")["version"].tolist() == [1, 2]


def test_a_workspace_locked_by_another_program_refuses_the_save_and_says_so(gpkg_path, monkeypatch):
    import store._engine

    monkeypatch.setattr(store._engine, "BUSY_TIMEOUT_S", 0.5)
    ws = open_workspace(gpkg_path, user="officer", seed=False)
    other = sqlite3.connect(gpkg_path, isolation_level=None)  # e.g. a QGIS editing session
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(WorkspaceError, match="locked by another program"):
            ws.save_feature("parks", "gz-vip-pazhou", box(113.3, 23.1, 113.31, 23.11), {"geometry_quality": "digitised"},
                            reason="blocked", expected_version=1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert ws.history("parks", "gz-vip-pazhou")["version"].tolist() == [1]
    assert ws.save_feature("parks", "gz-vip-pazhou", box(113.3, 23.1, 113.31, 23.11), {"geometry_quality": "digitised"},
                           reason="after the lock", expected_version=1) == 2
