"""The workspace: every layer's current state and every version of every feature.

One `Workspace` per location (a GeoPackage file; a PostGIS database arrives with the team issue).
Reads are plain; every write is one transaction that writes the version row, the current-state row
and the layer's revision together — all or nothing — and checks, before anything else, that the
signed-in role may write and (with `expected_version`) that nobody saved the feature in between.

Geometry is EPSG:4326 throughout; areas in versions are geodesic on the WGS84 ellipsoid (m²).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from geo.measure import geodesic_area_one_m2
from store import _read, documents as _documents
from store._columns import attributes_of, is_missing, kind_of_value, sql_name, to_sql_value
from store._engine import translated
from store._errors import ConflictError, FeatureNotFound, MissingAuthorError, WorkspaceError
from store._tables import (SQL_TYPES, feature_table, geometry_or_none, jsonable, now, ws_layer_events, ws_layers,
                           ws_meta, ws_versions)
from store.roles import require
from store._schema_ops import add_column

BUNDLE_AUTHOR = "ParkAtlas (bundled data)"
"""The author of versions that come from the bundled data/ of a release."""


@dataclass
class FeatureChange:
    """One feature's change in a batch (`Workspace.save_features`): as `save_feature`'s arguments."""

    feature_id: str
    geometry: shapely.Geometry | None = None
    attributes: dict = field(default_factory=dict)
    evidence: str = ""
    expected_version: int | None = None


def geodesic_area(geom: shapely.Geometry | None) -> float | None:
    """Geodesic area of one geometry on the WGS84 ellipsoid in m² (0 for points and lines; None
    for no geometry)."""
    return None if geom is None else geodesic_area_one_m2(geom)


def feature_hash(attributes: dict, geom: shapely.Geometry | None) -> str:
    """A fingerprint of a feature's content (attributes and geometry), to see what changed."""
    payload = json.dumps(jsonable(attributes), sort_keys=True, ensure_ascii=False).encode()
    wkb = b"" if geom is None else shapely.to_wkb(geom, output_dimension=2, byte_order=1)
    return hashlib.sha256(payload + b"|" + wkb).hexdigest()[:32]


class Workspace:
    """A workspace opened as `user` with `role` (viewer | editor | admin). See `store.open_workspace`."""

    def __init__(self, location: str, engine: Engine, *, user: str, role: str):
        self.location = location
        self.engine = engine
        self.user = (user or "").strip()
        self.role = role
        self._frames: dict[tuple[str, bool], tuple[int, gpd.GeoDataFrame]] = {}
        self.bundle_problems: dict[str, str] = {}
        """Bundled layers whose file could not be read at open (layer id -> why)."""

    def as_user(self, user: str, role: str) -> Workspace:
        """The same workspace (engine, caches) acting as another user with another role: what a
        signed-in session writes through, so every version carries its author and every write
        is checked against its role."""
        if role not in ("viewer", "editor", "admin"):
            raise ValueError(f"unknown role {role!r}")
        other = Workspace.__new__(Workspace)
        other.__dict__.update(self.__dict__)
        other.user, other.role = (user or "").strip(), role
        return other

    def __repr__(self) -> str:
        return f"Workspace({self.location!r}, user={self.user!r}, role={self.role!r})"

    # --- reading -------------------------------------------------------------------------------

    def _read(self, doing: str):
        return translated(self.location, doing)

    def _layer_row(self, con: Connection, layer_id: str) -> Any:
        row = con.execute(select(ws_layers).where(ws_layers.c.layer_id == layer_id)).first()
        if row is None:
            raise FeatureNotFound(f"{self.location}: no layer {layer_id!r} in the workspace")
        return row

    def layer_ids(self, include_hidden: bool = False) -> list[str]:
        """The ids of the workspace's layers, oldest first."""
        with self._read("listing layers"), self.engine.connect() as con:
            stmt = select(ws_layers.c.layer_id).order_by(ws_layers.c.fid)
            if not include_hidden:
                stmt = stmt.where(ws_layers.c.hidden.is_(False))
            return [r[0] for r in con.execute(stmt)]

    def layers(self, include_hidden: bool = False) -> pd.DataFrame:
        """One row per layer: layer_id, name, kind (bundled | user), role, origin, created_at,
        created_by, hidden, revision, features (count of visible features), notes."""
        with self._read("listing layers"), self.engine.connect() as con:
            stmt = select(ws_layers).order_by(ws_layers.c.fid)
            if not include_hidden:
                stmt = stmt.where(ws_layers.c.hidden.is_(False))
            rows = con.execute(stmt).all()
            out = []
            for r in rows:
                table = feature_table(r.table_name, r.columns)
                n = con.execute(select(func.count()).select_from(table).where(table.c.hidden.is_(False))).scalar_one()
                out.append({"layer_id": r.layer_id, "name": r.name, "kind": r.kind, "role": r.role, "origin": r.origin,
                            "created_at": r.created_at, "created_by": r.created_by, "hidden": bool(r.hidden),
                            "revision": r.revision, "features": n, "notes": r.notes or []})
        return pd.DataFrame(out, columns=["layer_id", "name", "kind", "role", "origin", "created_at", "created_by",
                                          "hidden", "revision", "features", "notes"])

    def revisions(self) -> dict[str, int]:
        """{layer id: revision} of every layer, hidden ones included (one read)."""
        with self._read("reading revisions"), self.engine.connect() as con:
            return {k: int(v) for k, v in con.execute(select(ws_layers.c.layer_id, ws_layers.c.revision))}

    def revision(self, layer_id: str | None = None) -> int:
        """A number that changes whenever the layer (or, with None, the list of layers or any
        layer) changes: caches key on it. One indexed read."""
        with self._read("reading a revision"), self.engine.connect() as con:
            if layer_id is None:
                return int(con.execute(select(func.coalesce(func.sum(ws_layers.c.revision), 0) + func.count())).scalar_one())
            value = con.execute(select(ws_layers.c.revision).where(ws_layers.c.layer_id == layer_id)).scalar()
        if value is None:
            raise FeatureNotFound(f"{self.location}: no layer {layer_id!r} in the workspace")
        return int(value)

    def layer(self, layer_id: str, include_hidden: bool = False) -> gpd.GeoDataFrame:
        """The current state of a layer: a GeoDataFrame in EPSG:4326 indexed by feature id, with
        `id`, the layer's attributes under their own names, `_version` (each feature's current
        version; pass it back as `expected_version`) and the geometry. Hidden features only
        with include_hidden (then with a `_hidden` column). A new frame each call."""
        key = (layer_id, include_hidden)
        with self._read(f"reading layer {layer_id}"), self.engine.connect() as con:
            info = self._layer_row(con, layer_id)
            cached = self._frames.get(key)
            if cached is None or cached[0] != info.revision:
                frame = _read.layer_frame(con, feature_table(info.table_name, info.columns), info.columns, include_hidden)
                self._frames[key] = cached = (info.revision, frame)
        return cached[1].copy()

    def feature(self, layer_id: str, feature_id: str) -> dict:
        """One feature's current state: {"version", "hidden", "attributes", "geometry"}."""
        with self._read(f"reading {layer_id}/{feature_id}"), self.engine.connect() as con:
            return self._current(con, self._layer_row(con, layer_id), feature_id, must_exist=True)

    def _current(self, con: Connection, info: Any, feature_id: str, must_exist: bool = False,
                 lock: bool = False) -> dict | None:
        """A feature's current row; with lock, locked for the rest of the transaction (PostgreSQL's
        FOR UPDATE: a concurrent save of the same feature waits, then sees the new version; SQLite
        holds the whole file's write lock already)."""
        table = feature_table(info.table_name, info.columns)
        stmt = select(table).where(table.c.feature_id == feature_id)
        row = con.execute(stmt.with_for_update() if lock else stmt).first()
        if row is None:
            if must_exist:
                raise FeatureNotFound(f"{self.location}: no feature {feature_id!r} in layer {info.layer_id!r}")
            return None
        m = row._mapping
        attrs = {c["name"]: m[c["column"]] for c in info.columns}
        return {"version": m["version"], "hidden": bool(m["hidden"]), "attributes": attrs, "geometry": m["geom"], "fid": m["fid"]}

    def history(self, layer_id: str, feature_id: str) -> gpd.GeoDataFrame:
        """Every version of a feature, oldest first: version, op, author, time (UTC), reason,
        evidence, area_m2 (geodesic), restored_from, attributes, geometry (EPSG:4326)."""
        with self._read(f"reading the history of {layer_id}/{feature_id}"), self.engine.connect() as con:
            self._layer_row(con, layer_id)
            frame = _read.history_frame(con, layer_id, feature_id)
        if frame.empty:
            raise FeatureNotFound(f"{self.location}: no feature {feature_id!r} in layer {layer_id!r}")
        return frame

    def audit_log(self) -> pd.DataFrame:
        """Every change ever made, oldest first (admin): one row per feature version (op =
        seed, bundle, create, update, restore, hide, unhide) and per layer action (add, hide,
        unhide): time (UTC), author, layer_id, feature_id, version, action, reason, evidence,
        area_m2 (geodesic)."""
        require(self.role, "audit", self.location)
        v, e = ws_versions.c, ws_layer_events.c
        with self._read("reading the audit log"), self.engine.connect() as con:
            versions = con.execute(select(v.time, v.author, v.layer_id, v.feature_id, v.version, v.op, v.reason,
                                          v.evidence, v.area_m2).order_by(v.fid)).all()
            events = con.execute(select(e.time, e.author, e.layer_id, e.action, e.reason).order_by(e.fid)).all()
        columns = ["time", "author", "layer_id", "feature_id", "version", "action", "reason", "evidence", "area_m2"]
        rows = [list(r) for r in versions] + [[r.time, r.author, r.layer_id, None, None, f"layer {r.action}", r.reason,
                                               None, None] for r in events]
        frame = pd.DataFrame(rows, columns=columns)
        frame["version"] = pd.array(frame["version"].tolist(), dtype="Int64")
        return frame.sort_values("time", kind="stable").reset_index(drop=True)

    def setting(self, key: str, default: Any = None) -> Any:
        """A workspace setting (e.g. "local_author"), or `default`."""
        with self._read("reading settings"), self.engine.connect() as con:
            row = con.execute(select(ws_meta.c.value).where(ws_meta.c.key == key)).first()
        return default if row is None else row[0]

    def layer_events(self, layer_id: str | None = None) -> pd.DataFrame:
        """Who added, hid or restored layers, when and why (newest first)."""
        e = ws_layer_events.c
        stmt = select(e.layer_id, e.action, e.author, e.time, e.reason).order_by(e.fid.desc())
        if layer_id is not None:
            stmt = stmt.where(e.layer_id == layer_id)
        with self._read("reading layer events"), self.engine.connect() as con:
            return pd.DataFrame(con.execute(stmt).all(), columns=["layer_id", "action", "author", "time", "reason"])

    # --- plan documents (store.documents) ----------------------------------------------------

    def keep_document(self, file_name: str, content: bytes, media_type: str = "") -> str:
        """Keep a document (≤ 50 MB, else WorkspaceError) as an editor or admin; return its SHA-256.
        The same content is stored once (its first file name stays); media_type: guessed from the
        file name when empty."""
        return _documents.keep(self, file_name, content, media_type)

    def document(self, sha256: str) -> tuple[str, str, bytes]:
        """(file name, media type, content) of a kept document; FeatureNotFound when absent."""
        return _documents.read(self, sha256)

    def documents(self) -> pd.DataFrame:
        """Every kept document, oldest first: sha256, file_name, media_type, size_bytes, added_by,
        added_at (UTC); not the content."""
        return _documents.listing(self)

    # --- writing -------------------------------------------------------------------------------

    def _write(self, action: str, doing: str):
        """Check that the role may do `action` and that there is an author; then a transaction."""
        require(self.role, action, self.location)
        if not self.user:
            raise MissingAuthorError("every change is saved under its author's name: set your name first")
        return self._tx(doing)

    def set_setting(self, key: str, value: Any) -> None:
        """Remember a workspace setting (any JSON value). Viewers may not."""
        require(self.role, "settings", self.location)
        with self._tx("saving a setting") as con:
            done = con.execute(update(ws_meta).where(ws_meta.c.key == key).values(value=value)).rowcount
            if not done:
                con.execute(insert(ws_meta).values(key=key, value=value))

    @contextlib.contextmanager
    def _tx(self, doing: str) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE: the write lock first), committed when the block
        ends and rolled back on any error; driver errors become WorkspaceError."""
        with translated(self.location, doing), self.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as con:
            with con.begin():
                yield con

    def save_feature(self, layer_id: str, feature_id: str, geometry: shapely.Geometry | None, attributes: dict | None = None,
                     *, reason: str, evidence: str = "", expected_version: int | None = None) -> int:
        """Save a change of one feature (or a new feature) as a new version; return its number.

        geometry: the new geometry (EPSG:4326), or None to keep the current one. attributes: the
        attributes that change (merged onto the current ones; a new name adds a column).
        reason: why (required). evidence: the document and section, or the file it came from.
        expected_version: the version the editor started from (0 for a feature that must be new;
        None skips the check, for scripts): when another save came in between, raises
        ConflictError and writes nothing.
        """
        try:
            with self._write("save", f"saving {layer_id}/{feature_id}") as con:
                version = self._save(con, layer_id, feature_id, geometry, attributes or {}, op=None, reason=reason,
                                     evidence=evidence, expected_version=expected_version, check_expected=True)
                self._touch(con, layer_id)
                return version
        except IntegrityError:  # a concurrent save created the same feature or version first
            raise ConflictError(layer_id, feature_id, expected_version, None) from None

    def save_features(self, layer_id: str, changes: Iterable[FeatureChange], *, reason: str) -> dict[str, int]:
        """Save several feature changes as one transaction — all of them or none (a conflict or an
        invalid feature anywhere refuses the whole batch). Returns {feature id: new version}."""
        ordered = sorted(changes, key=lambda c: c.feature_id)  # one lock order for every batch: no deadlock
        try:
            with self._write("save", f"saving {layer_id}") as con:
                saved = {c.feature_id: self._save(con, layer_id, c.feature_id, c.geometry, dict(c.attributes), op=None,
                                                  reason=reason, evidence=c.evidence,
                                                  expected_version=c.expected_version, check_expected=True)
                         for c in ordered}
                self._touch(con, layer_id)
                return saved
        except IntegrityError:
            raise ConflictError(layer_id, ", ".join(c.feature_id for c in ordered), None, None) from None

    def save_records(self, changes: Iterable[tuple[str, FeatureChange]], *, reason: str) -> dict[tuple[str, str], int]:
        """Save changes to features of several layers as one transaction — all of them or none (as
        `save_features`, across layers: a plan, its parks and their targets read from one document).
        Saved in the order given (a parent before the parks that name it). Returns
        {(layer id, feature id): new version}."""
        items = list(changes)
        try:
            with self._write("save", "saving records") as con:
                saved = {(layer, c.feature_id): self._save(con, layer, c.feature_id, c.geometry, dict(c.attributes),
                                                           op=None, reason=reason, evidence=c.evidence,
                                                           expected_version=c.expected_version, check_expected=True)
                         for layer, c in items}
                for layer in dict.fromkeys(layer for layer, _ in items):
                    self._touch(con, layer)
                return saved
        except IntegrityError:
            raise ConflictError("records", ", ".join(f"{layer}/{c.feature_id}" for layer, c in items), None, None) from None

    def restore(self, layer_id: str, feature_id: str, version: int, *, reason: str,
                expected_version: int | None = None) -> int:
        """Make an old version current again by writing it as a new version; return its number.
        Restoring a hidden feature shows it again, which only an admin may do."""
        with self._write("restore", f"restoring {layer_id}/{feature_id}") as con:
            old = con.execute(select(ws_versions).where(
                ws_versions.c.layer_id == layer_id, ws_versions.c.feature_id == feature_id,
                ws_versions.c.version == int(version))).first()
            if old is None:
                raise FeatureNotFound(f"{self.location}: {layer_id}/{feature_id} has no version {version}")
            info = self._layer_row(con, layer_id)
            current = self._current(con, info, feature_id, must_exist=True, lock=True)
            if current["hidden"]:
                require(self.role, "unhide", self.location)
            version = self._save(con, layer_id, feature_id, old.geom, dict(old.attributes), op="restore",
                                 reason=reason, evidence=f"version {old.version} of {old.time:%Y-%m-%d %H:%M} UTC by {old.author}",
                                 expected_version=expected_version, check_expected=expected_version is not None,
                                 restored_from=int(old.version), replace_attributes=True, keep_geometry_if_none=False)
            self._touch(con, layer_id)
            return version

    def hide_feature(self, layer_id: str, feature_id: str, *, reason: str, expected_version: int | None = None) -> int:
        """Hide a feature (it leaves the current layer; every version stays); return the new version."""
        with self._write("hide", f"hiding {layer_id}/{feature_id}") as con:
            version = self._save(con, layer_id, feature_id, None, {}, op="hide", reason=reason, evidence="",
                                 expected_version=expected_version, check_expected=expected_version is not None,
                                 hidden=True)
            self._touch(con, layer_id)
            return version

    def unhide_feature(self, layer_id: str, feature_id: str, *, reason: str) -> int:
        """Show a hidden feature again (admin); return the new version."""
        with self._write("unhide", f"restoring hidden {layer_id}/{feature_id}") as con:
            version = self._save(con, layer_id, feature_id, None, {}, op="unhide", reason=reason, evidence="",
                                 expected_version=None, check_expected=False, hidden=False)
            self._touch(con, layer_id)
            return version

    def _save(self, con: Connection, layer_id: str, feature_id: str, geometry, attributes: dict, *, op: str | None,
              reason: str, evidence: str, expected_version: int | None, check_expected: bool, hidden: bool | None = None,
              restored_from: int | None = None, replace_attributes: bool = False, keep_geometry_if_none: bool = True,
              author: str | None = None, bundle_hash: str | None = None) -> int:
        reason = (reason or "").strip()
        if not reason:
            raise ValueError("a reason is required for every change")
        info = self._layer_row(con, layer_id)
        current = self._current(con, info, feature_id, lock=True)
        current_version = None if current is None else current["version"]
        if check_expected and expected_version is not None and expected_version != (current_version or 0):
            raise ConflictError(layer_id, feature_id, expected_version, current_version,
                                self._version_row(con, layer_id, feature_id, current_version))
        if current is None and op in ("hide", "unhide", "restore"):
            raise FeatureNotFound(f"{self.location}: no feature {feature_id!r} in layer {layer_id!r}")
        columns = list(info.columns)
        table = feature_table(info.table_name, columns)
        for name, value in attributes.items():  # an attribute the layer does not have yet
            # A null adds no column: its kind cannot be known from it (a list saved later into a
            # column made text for a null would read back as text); an absent column reads as null.
            if name not in {c["name"] for c in columns} and name != "id" and not is_missing(value):
                spec = {"name": name, "column": sql_name(name, {c["column"] for c in columns}), "kind": kind_of_value(value)}
                add_column(con, info.table_name, spec, SQL_TYPES[spec["kind"]])
                columns.append(spec)
                con.execute(update(ws_layers).where(ws_layers.c.layer_id == layer_id).values(columns=columns))
        merged = {} if (replace_attributes or current is None) else dict(current["attributes"])
        merged.update({k: v for k, v in attributes.items() if k != "id"})
        merged = attributes_of(merged, columns)
        geom = geometry_or_none(geometry)
        if geom is None and keep_geometry_if_none and current is not None:
            geom = current["geometry"]
        self._validate(info, feature_id, merged, geom)
        version = (current_version or 0) + 1
        is_hidden = (current["hidden"] if current is not None else False) if hidden is None else hidden
        con.execute(insert(ws_versions).values(
            layer_id=layer_id, feature_id=feature_id, version=version,
            op=op or ("create" if current is None else "update"), attributes=merged, author=author or self.user,
            time=now(), reason=reason, evidence=(evidence or "").strip(), area_m2=geodesic_area(geom),
            restored_from=restored_from, bundle_hash=bundle_hash, geom=geom))
        table = feature_table(info.table_name, columns)
        row = {c["column"]: to_sql_value(merged.get(c["name"]), c["kind"]) for c in columns}
        row.update(version=version, hidden=is_hidden, geom=geom)
        self._write_current(con, table, feature_id, row, exists=current is not None)
        return version

    def _touch(self, con: Connection, layer_id: str) -> None:
        """Bump the layer's revision: last in every write transaction, after the feature rows, so
        every transaction takes its locks in the same order (features by id, then the layer)."""
        con.execute(update(ws_layers).where(ws_layers.c.layer_id == layer_id).values(revision=ws_layers.c.revision + 1))

    def _write_current(self, con: Connection, table, feature_id: str, row: dict, exists: bool) -> None:
        """The current-state write that follows the version row (a separate step so the kill test
        can stop a process between the two)."""
        if exists:
            con.execute(update(table).where(table.c.feature_id == feature_id).values(**row))
        else:
            con.execute(insert(table).values(feature_id=feature_id, **row))

    def _version_row(self, con: Connection, layer_id: str, feature_id: str, version: int | None) -> dict | None:
        if version is None:
            return None
        v = con.execute(select(ws_versions).where(ws_versions.c.layer_id == layer_id, ws_versions.c.feature_id == feature_id,
                                                  ws_versions.c.version == version)).first()
        if v is None:
            return None
        return {"version": v.version, "author": v.author, "time": v.time, "reason": v.reason, "evidence": v.evidence,
                "area_m2": v.area_m2, "geometry": v.geom, "attributes": v.attributes, "op": v.op}

    def _validate(self, info: Any, feature_id: str, attributes: dict, geom) -> None:
        """Check a bundled layer's feature against the layer's schema (LayerValidationError)."""
        if info.kind != "bundled":
            return
        from layers import registry
        from layers.base import validate_feature

        schema = registry.schema(info.layer_id)
        if schema is not None:
            validate_feature(schema, {**attributes, "id": feature_id}, geom, origin=f"workspace layer {info.layer_id}")

    # --- whole layers --------------------------------------------------------------------------

    def add_layer(self, name: str, gdf: gpd.GeoDataFrame, *, role: str, origin: str, reason: str,
                  evidence: str | pd.Series = "", notes: list[str] | None = None, layer_id: str | None = None,
                  kind: str = "user") -> str:
        """Save a whole new layer (an import, a drawing, or the bundled data at first start) in one
        transaction: its table, and version 1 of every feature. Returns the layer id.

        gdf: EPSG:4326; feature ids from its `id` column (else its index). evidence: one text for
        every feature, or a Series by feature id (the bundled data cite each feature's source).
        """
        from store._bulk import insert_layer

        with self._write("add_layer", f"saving layer {name}") as con:
            return insert_layer(self, con, name, gdf, role=role, origin=origin, reason=reason, evidence=evidence,
                                notes=notes or [], layer_id=layer_id, kind=kind)

    def hide_layer(self, layer_id: str, *, reason: str) -> None:
        """Hide a whole layer (it leaves the app's lists; every feature and version stays)."""
        self._set_layer_hidden(layer_id, True, reason, "hide_layer")

    def unhide_layer(self, layer_id: str, *, reason: str) -> None:
        """Show a hidden layer again (admin)."""
        self._set_layer_hidden(layer_id, False, reason, "unhide")

    def _set_layer_hidden(self, layer_id: str, hidden: bool, reason: str, action: str) -> None:
        if not (reason or "").strip():
            raise ValueError("a reason is required for every change")
        with self._write(action, f"{'hiding' if hidden else 'restoring'} layer {layer_id}") as con:
            info = self._layer_row(con, layer_id)
            if info.kind == "bundled" and hidden:
                raise WorkspaceError(f"{layer_id} is a bundled layer: hide its features one by one instead")
            con.execute(update(ws_layers).where(ws_layers.c.layer_id == layer_id)
                        .values(hidden=hidden, revision=ws_layers.c.revision + 1))
            con.execute(insert(ws_layer_events).values(layer_id=layer_id, action="hide" if hidden else "unhide",
                                                       author=self.user, time=now(), reason=reason.strip()))
