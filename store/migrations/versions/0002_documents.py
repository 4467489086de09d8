"""Plan documents kept in the workspace: `ws_documents` (workspace schema 2), each document once,
by the SHA-256 of its content (`store.documents`). Only adds: every table and row of schema 1
stays as it was.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.schema import CreateIndex, CreateTable

from store._tables import ws_documents

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(CreateTable(ws_documents))
    for index in ws_documents.indexes:
        op.execute(CreateIndex(index))
    op.execute("UPDATE ws_meta SET value = '2' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.drop_table("ws_documents")
    op.execute("UPDATE ws_meta SET value = '1' WHERE key = 'schema_version'")
