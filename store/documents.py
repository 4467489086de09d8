"""Plan documents kept in the workspace (`ws_documents`, workspace schema 2): the PDF of a 控规, the
scan a red line was digitised from, the file an evidence text names. Each is kept once, under the
SHA-256 of its bytes — the same file kept twice is one row, and the hash is what evidence and
settings point at. A document is never changed or removed by ParkAtlas.

Used through `Workspace.keep_document`, `Workspace.document` and `Workspace.documents`.
"""

from __future__ import annotations

import hashlib
import mimetypes
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from store._errors import FeatureNotFound, WorkspaceError
from store._tables import now, ws_documents
from store.roles import require

if TYPE_CHECKING:
    from store.workspace import Workspace

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
"""The largest document the workspace keeps (50 MB): a GeoPackage is one file people copy and
mail, and a team database reads a document whole into memory."""

LISTING_COLUMNS = ["sha256", "file_name", "media_type", "size_bytes", "added_by", "added_at"]

_FALLBACK_MEDIA_TYPE = "application/octet-stream"


def sha256_of(content: bytes) -> str:
    """The SHA-256 of `content` as 64 lowercase hex digits: a kept document's key.

    >>> sha256_of(b"")
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    return hashlib.sha256(content).hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def keep(ws: Workspace, file_name: str, content: bytes, media_type: str = "") -> str:
    """Keep a document in the workspace; return the SHA-256 of its content. See
    `Workspace.keep_document`."""
    require(ws.role, "keep_documents", ws.location)
    name = (file_name or "").strip()
    if not name:
        raise ValueError("a document needs its file name")
    data = bytes(content)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise WorkspaceError(f"{name}: {_megabytes(len(data))} ({len(data):,} bytes) is more than the "
                             f"{MAX_DOCUMENT_BYTES // 1024 // 1024} MB ({MAX_DOCUMENT_BYTES:,} bytes) a document kept in the "
                             "workspace may have; it was not saved. Keep a smaller file (or the pages that matter).")
    sha = sha256_of(data)
    kind = (media_type or "").strip() or mimetypes.guess_type(name)[0] or _FALLBACK_MEDIA_TYPE
    try:
        with ws._write("keep_documents", f"keeping the document {name}") as con:
            if con.execute(select(ws_documents.c.fid).where(ws_documents.c.sha256 == sha)).first() is None:
                con.execute(insert(ws_documents).values(sha256=sha, file_name=name, media_type=kind,
                                                        size_bytes=len(data), content=data, added_by=ws.user,
                                                        added_at=now()))
    except IntegrityError:  # the same content kept by another session at the same moment: it is there
        pass
    return sha


def read(ws: Workspace, sha256: str) -> tuple[str, str, bytes]:
    """(file name, media type, content) of a kept document; FeatureNotFound when there is none."""
    key = (sha256 or "").strip().lower()
    d = ws_documents.c
    with ws._read("reading a document"), ws.engine.connect() as con:
        row = con.execute(select(d.file_name, d.media_type, d.content).where(d.sha256 == key)).first()
    if row is None:
        raise FeatureNotFound(f"{ws.location}: no document {sha256!r} in the workspace")
    return row.file_name, row.media_type, bytes(row.content)


def listing(ws: Workspace) -> pd.DataFrame:
    """Every kept document, oldest first, without its content: the columns of LISTING_COLUMNS."""
    d = ws_documents.c
    with ws._read("listing documents"), ws.engine.connect() as con:
        rows = con.execute(select(*(d[c] for c in LISTING_COLUMNS)).order_by(d.fid)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=LISTING_COLUMNS)
