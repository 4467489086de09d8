"""The workspace's tables as SQLAlchemy Core objects: portable SQL, one definition for every backend.

- `ws_meta`: key/value settings of the workspace (schema version, the local author's name, ...).
- `ws_layers`: one row per layer: its table, name, kind (bundled | user), role, origin, who made
  it and when, hidden or not, its columns (original name -> SQL column and kind), and a revision
  number bumped by every write (the app's caches key on it).
- `ws_layer_events`: who added, hid or restored a whole layer, when and why.
- `ws_versions`: every version of every feature (DESIGN.md §3): layer, feature id, version,
  operation, geometry, attributes (JSON), author, time, reason, evidence, geodesic area.
- `ws_documents` (schema 2): plan documents kept in the workspace (`store.documents`), each once,
  by the SHA-256 of its content: file name, media type, size, the bytes, who added it and when.
- one current-state table per layer (`parks`, `transport_lines`, `user_...`): feature id, its
  current version, hidden flag, one column per attribute and the geometry. In a GeoPackage these
  are feature tables QGIS opens; `ws_versions` is a feature table beside them.

Geometry is EPSG:4326. Times are UTC.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from typing import Any

import numpy as np
import shapely
from sqlalchemy import (Boolean, Column, Double, Index, Integer, LargeBinary, MetaData, Table, Text, UniqueConstraint,
                        func, type_coerce, types)

from store import _gpkg

SCHEMA_VERSION = 2
"""The workspace layout this code reads and writes; a file with a higher number is refused, one
with a lower number is upgraded in place when opened (`store._upgrade`, Alembic for PostGIS).
1: settings, layers, layer events, versions (release of 2026-12-04). 2: + ws_documents."""

FEATURE_TABLE_COLUMNS = ("fid", "feature_id", "version", "hidden", "geom")
"""Our own columns of a current-state table; attribute columns never take these names."""


class GeometryType(types.TypeDecorator):
    """A shapely geometry in EPSG:4326: a GeoPackage geometry blob in SQLite (declared type
    GEOMETRY, as the spec asks), `geometry(GEOMETRY, 4326)` in PostGIS (GeoAlchemy2; bound as
    EWKB, so no precision is lost)."""

    impl = types.LargeBinary
    cache_ok = True
    spatial_index = False
    """For GeoAlchemy2's table events: our DDL creates the spatial indexes itself."""

    def load_dialect_impl(self, dialect):
        if dialect is None or dialect.name == "postgresql":
            from geoalchemy2 import Geometry

            geometry = Geometry("GEOMETRY", srid=4326, spatial_index=False)
            return geometry if dialect is None else dialect.type_descriptor(geometry)
        return dialect.type_descriptor(_GpkgGeometry())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":
            from geoalchemy2.shape import from_shape

            return from_shape(value, srid=4326, extended=True)
        return _gpkg.encode(value)

    def process_result_value(self, value, dialect):  # single-row reads; bulk reads use geometry_wkb
        if value is None:
            return None
        if dialect.name == "postgresql":
            from geoalchemy2.shape import to_shape

            return to_shape(value)
        return _gpkg.decode(value)


class _GpkgGeometry(types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "GEOMETRY"


def geometry_wkb(column, dialect_name: str):
    """A select expression giving a geometry column's raw bytes for `decode_geometries`."""
    if dialect_name == "postgresql":
        return func.ST_AsBinary(column)
    return type_coerce(column, types.LargeBinary)


def decode_geometries(values: list, dialect_name: str) -> np.ndarray:
    """The bytes of `geometry_wkb` as shapely geometries (one vectorised read); None stays None."""
    if dialect_name == "postgresql":
        wkbs = np.array([None if v is None else bytes(v) for v in values], dtype=object)
        return shapely.from_wkb(wkbs) if len(wkbs) else np.array([], dtype=object)
    return _gpkg.decode_many(values)


class JsonText(types.TypeDecorator):
    """A JSON value (dict, list, str, number, bool, None) stored as TEXT; NaN becomes null."""

    impl = types.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else json.dumps(jsonable(value), ensure_ascii=False)

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(value)


class UtcTime(types.TypeDecorator):
    """A timezone-aware UTC datetime: `timestamptz` in PostgreSQL; in SQLite ISO 8601 text
    `YYYY-MM-DDTHH:MM:SS.sssZ` (the GeoPackage DATETIME form)."""

    impl = types.Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_GpkgDateTime())
        return dialect.type_descriptor(types.DateTime(timezone=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = value.astimezone(dt.timezone.utc)
        if dialect.name != "sqlite":
            return value
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.timezone.utc)
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class _GpkgDateTime(types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "DATETIME"


def jsonable(value: Any) -> Any:
    """`value` with numpy scalars, NaN and tuples turned into plain JSON values.

    >>> jsonable({"a": float("nan"), "b": (1, 2)})
    {'a': None, 'b': [1, 2]}
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy scalar or array
        return jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    try:
        if value != value:  # pandas NA / NaT
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def now() -> dt.datetime:
    """The current time, UTC, to the millisecond (what `ws_versions.time` holds)."""
    t = dt.datetime.now(dt.timezone.utc)
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


metadata = MetaData()

ws_meta = Table(
    "ws_meta", metadata,
    Column("fid", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("value", JsonText),
    sqlite_autoincrement=True,
)

ws_layers = Table(
    "ws_layers", metadata,
    Column("fid", Integer, primary_key=True),
    Column("layer_id", Text, nullable=False, unique=True),
    Column("table_name", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("origin", Text, nullable=False, default=""),
    Column("created_at", UtcTime, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("hidden", Boolean, nullable=False, default=False),
    Column("revision", Integer, nullable=False, default=0),
    Column("columns", JsonText, nullable=False),
    Column("notes", JsonText),
    sqlite_autoincrement=True,
)

ws_layer_events = Table(
    "ws_layer_events", metadata,
    Column("fid", Integer, primary_key=True),
    Column("layer_id", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("time", UtcTime, nullable=False),
    Column("reason", Text, nullable=False),
    sqlite_autoincrement=True,
)

ws_versions = Table(
    "ws_versions", metadata,
    Column("fid", Integer, primary_key=True),
    Column("layer_id", Text, nullable=False),
    Column("feature_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("op", Text, nullable=False),
    Column("attributes", JsonText, nullable=False),
    Column("author", Text, nullable=False),
    Column("time", UtcTime, nullable=False),
    Column("reason", Text, nullable=False),
    Column("evidence", Text, nullable=False, default=""),
    Column("area_m2", Double),
    Column("restored_from", Integer),
    Column("bundle_hash", Text),
    Column("geom", GeometryType),
    UniqueConstraint("layer_id", "feature_id", "version", name="uq_version"),
    sqlite_autoincrement=True,
)
Index("ix_versions_feature", ws_versions.c.layer_id, ws_versions.c.feature_id)

ws_documents = Table(
    "ws_documents", metadata,
    Column("fid", Integer, primary_key=True),
    Column("sha256", Text, nullable=False, unique=True),
    Column("file_name", Text, nullable=False),
    Column("media_type", Text, nullable=False, default=""),
    Column("size_bytes", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("added_by", Text, nullable=False),
    Column("added_at", UtcTime, nullable=False),
    sqlite_autoincrement=True,
)

OPERATIONS = ("seed", "bundle", "create", "update", "restore", "hide", "unhide")
"""What made a version: the bundled data (first seed, a later release), a user's new feature,
change, restore of an older version, hide, or un-hide."""

SQL_TYPES = {"str": Text, "float": Double, "int": Integer, "bool": Boolean, "json": JsonText, "date": Text}
"""The SQL column type of each attribute kind."""


def feature_table(name: str, columns: list[dict]) -> Table:
    """The current-state table of one layer: `columns` are the layer's attribute columns, each a
    dict {"name": original name, "column": SQL column name, "kind": one of SQL_TYPES}. The same
    Table object for the same layout, so SQLAlchemy's compiled-statement cache is used."""
    return _feature_table(name, tuple((c["column"], c["kind"]) for c in columns))


@functools.lru_cache(maxsize=256)
def _feature_table(name: str, columns: tuple[tuple[str, str], ...]) -> Table:
    md = MetaData()
    return Table(
        name, md,
        Column("fid", Integer, primary_key=True),
        Column("feature_id", Text, nullable=False, unique=True),
        Column("version", Integer, nullable=False),
        Column("hidden", Boolean, nullable=False, default=False),
        *[Column(column, SQL_TYPES[kind]()) for column, kind in columns],
        Column("geom", GeometryType),
        sqlite_autoincrement=True,
    )


def geometry_or_none(value: Any) -> shapely.Geometry | None:
    """A shapely geometry, or None for None/NaN (pandas uses None for missing geometry)."""
    return value if isinstance(value, shapely.Geometry) else None
