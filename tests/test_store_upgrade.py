"""A workspace written by the last release (schema 1, commit 67cd7a7:
tests/data/release_2026_12_04, made by its make_workspace.py) opened with this code: upgraded in
place to schema 2 in one transaction that only adds — every table, layer, feature, version and
layer event the release wrote is still there, identical — for a GeoPackage file, and through the
Alembic migration 0001 -> 0002 for a PostGIS database holding the release's rows."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import shapely
from sqlalchemy import inspect, select, text

from store import SCHEMA_VERSION, Workspace, WorkspaceError, open_workspace
from store._engine import gpkg_engine, pg_engine
from store._tables import decode_geometries, geometry_wkb, jsonable, ws_layers, ws_versions
from store.workspace import BUNDLE_AUTHOR
from tests.conftest import TEST_DATA

RELEASE = TEST_DATA / "release_2026_12_04" / "workspace.gpkg"
PARK = "gz-vip-pazhou"


@pytest.fixture()
def release_copy(tmp_path) -> Path:
    """The release's workspace file, copied (the fixture in tests/data is never opened)."""
    path = tmp_path / "release.gpkg"
    shutil.copy(RELEASE, path)
    return path


def _raw_workspace(path: Path) -> Workspace:
    """A Workspace on a file as it is (no check, no upgrade, no seeding): to read the release's state."""
    return Workspace(str(path), gpkg_engine(path), user="reader", role="viewer")


def version_rows(ws: Workspace) -> set[tuple]:
    """Every ws_versions row, backend-neutral: (layer_id, feature_id, version, op, author, time,
    reason, evidence, attributes as JSON, area_m2, restored_from, bundle_hash, geometry as ISO WKB hex)."""
    v = ws_versions.c
    with ws.engine.connect() as con:
        rows = con.execute(select(v.layer_id, v.feature_id, v.version, v.op, v.author, v.time, v.reason, v.evidence,
                                  v.attributes, v.area_m2, v.restored_from, v.bundle_hash,
                                  geometry_wkb(v.geom, con.dialect.name))).all()
        geoms = decode_geometries([r[-1] for r in rows], con.dialect.name)
    return {(*r[:8], json.dumps(r[8], sort_keys=True, ensure_ascii=False), *r[9:12],
             None if g is None else shapely.to_wkb(g, hex=True, byte_order=1, flavor="iso", output_dimension=2))
            for r, g in zip(rows, geoms)}


def current_states(ws: Workspace) -> dict[str, dict[str, dict]]:
    """{layer id: {feature id: its current attributes, version, hidden flag and geometry WKB}} of
    every layer, hidden layers and features included."""
    out: dict[str, dict[str, dict]] = {}
    for layer_id in ws.layer_ids(include_hidden=True):
        frame = ws.layer(layer_id, include_hidden=True)
        geoms = [None if g is None else g.wkb_hex for g in frame.geometry]
        records = frame.drop(columns=frame.geometry.name).to_dict("records")
        out[layer_id] = {str(fid): {**jsonable(rec), "geometry": g} for fid, rec, g in zip(frame.index, records, geoms)}
    return out


def layer_rows(ws: Workspace) -> dict[str, dict]:
    """{layer id: its ws_layers row} (without the revision, which every write bumps)."""
    with ws.engine.connect() as con:
        return {r.layer_id: {k: v for k, v in r._mapping.items() if k not in ("fid", "revision")}
                for r in con.execute(select(ws_layers))}


def _assert_release_kept(old_ws_rows: set[tuple], old_states: dict, old_layers: dict, ws: Workspace) -> set[str]:
    """What every upgrade keeps, on either backend. Returns the ids of the layers the current
    code's bundled data added."""
    new_rows = version_rows(ws)
    assert old_ws_rows <= new_rows  # every version of every feature, identical
    added_rows = new_rows - old_ws_rows
    for row in added_rows:  # only the current code's bundled data: new layers, or a release's change
        assert row[3] in ("seed", "bundle") and row[4] == BUNDLE_AUTHOR, row[:6]
    moved = {(r[0], r[1]) for r in added_rows}
    assert ("parks", PARK) not in moved  # an edited feature never takes the bundled data's change
    states = current_states(ws)
    for layer_id, features in old_states.items():
        for fid, state in features.items():
            if (layer_id, fid) not in moved:
                assert {k: v for k, v in states[layer_id][fid].items() if k in state} == state, (layer_id, fid)
    layers = layer_rows(ws)
    for layer_id, row in old_layers.items():
        assert {k: v for k, v in layers[layer_id].items() if k != "columns"} == {k: v for k, v in row.items()
                                                                                 if k != "columns"}
        assert layers[layer_id]["columns"][:len(row["columns"])] == row["columns"]  # a release may add columns
    new_layers = set(layers) - set(old_layers)
    for layer_id in new_layers:
        assert layers[layer_id]["kind"] == "bundled"
        assert {(r[2], r[3], r[4]) for r in added_rows if r[0] == layer_id} <= {(1, "seed", BUNDLE_AUTHOR)}
    user_layer = next(k for k, r in old_layers.items() if r["kind"] == "user")
    assert sorted(ws.layer(user_layer).index) == ["p1", "p2"]
    assert ws.layer(user_layer, include_hidden=True)["_hidden"].to_dict() == {"p1": False, "p2": False, "p3": True}
    history = ws.history("parks", PARK)
    assert history["op"].tolist() == ["seed", "update", "update", "restore"]
    assert history["author"].tolist() == [BUNDLE_AUTHOR, "李伟", "李伟", "李伟"]
    assert history["restored_from"].tolist()[3] == 1 and history.geometry.iloc[3].equals(history.geometry.iloc[0])
    assert history.geometry.iloc[1].geom_type == history.geometry.iloc[2].geom_type == "Polygon"
    sha = ws.keep_document("琶洲 红线.pdf", b"%PDF-1.7 kept after the upgrade")
    assert ws.document(sha)[2] == b"%PDF-1.7 kept after the upgrade"
    return new_layers


def _release_state(path: Path) -> tuple[set[tuple], dict, dict]:
    old = _raw_workspace(path)
    try:
        return version_rows(old), current_states(old), layer_rows(old)
    finally:
        old.engine.dispose()


def _sqlite(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_release_fixture_is_a_schema_1_workspace():
    assert _sqlite(RELEASE, "SELECT value FROM ws_meta WHERE key = 'schema_version'") == [("1",)]
    assert not _sqlite(RELEASE, "SELECT name FROM sqlite_master WHERE name = 'ws_documents'")
    assert RELEASE.stat().st_size < 3_000_000


def test_a_release_geopackage_is_upgraded_in_place_and_loses_nothing(release_copy, tmp_path):
    old_rows, old_states, old_layers = _release_state(release_copy)
    raw = {t: set(_sqlite(release_copy, f"SELECT * FROM {t}"))
           for t in ("ws_versions", "ws_layer_events", "gpkg_contents", "gpkg_geometry_columns", "gpkg_extensions",
                     "gpkg_spatial_ref_sys")}
    old_meta = dict(_sqlite(release_copy, "SELECT key, value FROM ws_meta"))
    old_objects = set(_sqlite(release_copy, "SELECT type, name, sql FROM sqlite_master"))

    ws = open_workspace(release_copy, user="李伟", role="editor")
    new_layers = _assert_release_kept(old_rows, old_states, old_layers, ws)
    ws.engine.dispose()

    assert _sqlite(release_copy, "SELECT value FROM ws_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert _sqlite(release_copy, "SELECT data_type FROM gpkg_contents WHERE table_name = 'ws_documents'") == [
        ("attributes",)]
    for table, rows in raw.items():  # byte for byte, fids included
        assert rows <= set(_sqlite(release_copy, f"SELECT * FROM {table}")), table
    meta = dict(_sqlite(release_copy, "SELECT key, value FROM ws_meta"))
    assert {k: v for k, v in meta.items() if k in old_meta and not k.startswith(("bundle:", "skipped:"))} == {
        **{k: v for k, v in old_meta.items() if not k.startswith(("bundle:", "skipped:"))}, "schema_version": "2"}
    objects = set(_sqlite(release_copy, "SELECT type, name, sql FROM sqlite_master"))
    grown = {name for _, name, _ in old_objects - objects}  # only a layer table a release added a column to
    assert grown <= set(old_layers), grown
    assert _sqlite(release_copy, "PRAGMA integrity_check") == [("ok",)]

    # what the current code seeds into a new workspace is what the old one gained: no more
    fresh = open_workspace(tmp_path / "fresh.gpkg", user="x")
    assert new_layers == set(fresh.layer_ids(include_hidden=True)) - set(old_layers)
    fresh.engine.dispose()

    before = _digest(release_copy)
    again = open_workspace(release_copy, user="李伟", role="editor")  # the second open changes nothing
    assert set(again.layer_ids(include_hidden=True)) == set(old_layers) | new_layers
    again.engine.dispose()
    assert _digest(release_copy) == before


def test_gdal_reads_the_upgraded_file(release_copy):
    pyogrio = pytest.importorskip("pyogrio")
    open_workspace(release_copy, user="x", seed=False).engine.dispose()
    names = {name for name, _ in pyogrio.list_layers(release_copy)}
    assert {"ws_documents", "ws_versions", "parks", "u005_地铁站_stations"} <= names
    assert len(pyogrio.read_dataframe(release_copy, layer="parks")) == 54


def test_a_failed_upgrade_leaves_the_file_as_it_was(release_copy, monkeypatch):
    from store import _upgrade

    before = _digest(release_copy)
    broken = lambda: _upgrade.documents_statements() + [("SELECT no_such_function()", ())]  # noqa: E731
    monkeypatch.setitem(_upgrade.STEPS, 2, broken)
    with pytest.raises(WorkspaceError, match="could not be upgraded.*it was not changed"):
        open_workspace(release_copy, user="x")
    assert _digest(release_copy) == before
    monkeypatch.undo()
    assert _upgrade.upgrade_file(release_copy) == 1  # and it upgrades once the step works
    after = _digest(release_copy)
    assert _upgrade.upgrade_file(release_copy) == SCHEMA_VERSION and _digest(release_copy) == after  # no write


def test_a_file_of_a_newer_schema_is_still_refused_and_left_alone(release_copy):
    con = sqlite3.connect(release_copy)
    con.execute("UPDATE ws_meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    con.commit()
    con.close()
    before = _digest(release_copy)
    with pytest.raises(WorkspaceError, match="newer ParkAtlas"):
        open_workspace(release_copy, user="x")
    assert _digest(release_copy) == before


def test_a_release_database_at_revision_0001_is_migrated_to_0002(release_copy, postgis_server):
    from alembic import command

    from store._postgis import _alembic_config
    from store.copy import copy_workspace

    url = postgis_server.new_database()
    engine = pg_engine(url)
    with engine.begin() as con:  # the release's schema: migration 0001 only
        command.upgrade(_alembic_config(con), "0001")
    source = _raw_workspace(release_copy)
    copied = copy_workspace(source, Workspace(url, engine, user="copy", role="admin"))
    assert "ws_documents" not in copied and copied["ws_versions"] == len(version_rows(source))
    old_rows, old_states, old_layers = _release_state(release_copy)
    source.engine.dispose()
    assert _digest(release_copy) == _digest(RELEASE)  # copying read the file, wrote nothing
    with engine.connect() as con:
        assert con.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"
        assert not inspect(con).has_table("ws_documents")
    assert version_rows(Workspace(url, engine, user="x", role="viewer")) == old_rows
    engine.dispose()

    ws = open_workspace(url, user="李伟", role="editor")  # migrates to head, then seeds what is new
    with ws.engine.connect() as con:
        assert con.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0002"
        assert inspect(con).has_table("ws_documents")
        assert con.execute(text("SELECT value FROM ws_meta WHERE key = 'schema_version'")).scalar_one() == "2"
    _assert_release_kept(old_rows, old_states, old_layers, ws)
    rows = version_rows(ws)

    with ws.engine.begin() as con:  # and back: the downgrade drops the documents, nothing else
        command.downgrade(_alembic_config(con), "0001")
    with ws.engine.connect() as con:
        assert not inspect(con).has_table("ws_documents")
        assert con.execute(text("SELECT value FROM ws_meta WHERE key = 'schema_version'")).scalar_one() == "1"
    assert version_rows(ws) == rows
    ws.engine.dispose()
