"""The workspace's own tables: settings, layers, layer events and every version of every feature.

The current-state table of each layer (`parks`, `u001_…`) is made by the store when the layer is
added (its columns are the layer's), in the same transaction as the layer's first versions.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.schema import CreateIndex, CreateTable

from store._tables import ws_layer_events, ws_layers, ws_meta, ws_versions

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # CreateTable itself, not op.create_table: GeoAlchemy2's table events would add indexes of
    # their own; the spatial index is created explicitly below.
    for table in (ws_meta, ws_layers, ws_layer_events, ws_versions):
        op.execute(CreateTable(table))
        for index in table.indexes:
            op.execute(CreateIndex(index))
    op.execute("CREATE INDEX ix_versions_geom ON ws_versions USING GIST (geom)")
    op.execute("INSERT INTO ws_meta (key, value) VALUES ('schema_version', '1'), ('application', '\"ParkAtlas\"')")


def downgrade() -> None:
    for name in ("ws_versions", "ws_layer_events", "ws_layers", "ws_meta"):
        op.drop_table(name)
