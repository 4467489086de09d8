"""Schema changes inside a write transaction: a new layer table, a new attribute column.

On SQLite the new table is also registered as a GeoPackage feature table with an R-tree index,
so QGIS and GDAL see it as a layer; on PostgreSQL it gets a GiST index on its geometry.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, literal
from sqlalchemy.schema import CreateIndex, CreateTable

from store import _gpkg


def ddl_statements(table: Table, dialect) -> list[tuple[str, tuple]]:
    """CREATE TABLE (and its indexes) of `table` as SQL text for `dialect`."""
    out = [(str(CreateTable(table).compile(dialect=dialect)), ())]
    out += [(str(CreateIndex(ix).compile(dialect=dialect)), ()) for ix in table.indexes]
    return out


def create_layer_table(con: Connection, table: Table, description: str) -> None:
    """Create a layer's current-state table in the open transaction (and register it, on SQLite)."""
    for sql, params in ddl_statements(table, con.dialect):
        con.exec_driver_sql(sql, params)
    if con.dialect.name == "sqlite":
        for sql, params in _gpkg.register_features(table.name, "geom", description) + _gpkg.rtree_statements(table.name, "geom"):
            con.exec_driver_sql(sql, params)
    elif con.dialect.name == "postgresql":
        quoted = con.dialect.identifier_preparer.quote
        con.exec_driver_sql(f"CREATE INDEX {quoted('ix_' + table.name + '_geom')} ON {quoted(table.name)} USING GIST (geom)")
        comment = literal(description).compile(dialect=con.dialect, compile_kwargs={"literal_binds": True})
        con.exec_driver_sql(f"COMMENT ON TABLE {quoted(table.name)} IS {comment}")


def add_column(con: Connection, table_name: str, spec: dict, sql_type) -> None:
    """Add one attribute column (spec: {"name", "column", "kind"}) to a layer table."""
    col_type = sql_type().compile(dialect=con.dialect)
    quoted = con.dialect.identifier_preparer.quote
    con.exec_driver_sql(f"ALTER TABLE {quoted(table_name)} ADD COLUMN {quoted(spec['column'])} {col_type}")
