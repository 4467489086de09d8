"""Plan documents kept in the workspace (schema 2), on both backends (a GeoPackage file and a real
PostGIS database, the same tests): kept once by content, read back byte for byte, listed without
their content; a viewer, a nameless author and a file over the limit are refused and write nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest

from store import FeatureNotFound, MissingAuthorError, PermissionDenied, WorkspaceError, open_workspace, sha256_of
from store.documents import LISTING_COLUMNS, MAX_DOCUMENT_BYTES

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\x00\r\n%%EOF\n"  # every byte value, NULs, CR LF


@pytest.fixture(params=["gpkg", "postgis"])
def location(request, tmp_path) -> str:
    """A new, empty workspace location of each backend."""
    if request.param == "gpkg":
        return str(tmp_path / "ws.gpkg")
    return request.getfixturevalue("postgis_server").new_database()


@pytest.fixture()
def editor(location):
    ws = open_workspace(location, user="李伟", role="editor", seed=False)
    ws.reopen_as = lambda **kw: open_workspace(location, seed=False, **kw)
    yield ws
    ws.engine.dispose()


def test_sha256_of_is_the_plain_hex_digest():
    assert sha256_of(PDF) == hashlib.sha256(PDF).hexdigest()
    assert len(sha256_of(b"x")) == 64 and sha256_of(b"x") == sha256_of(bytearray(b"x"))


def test_a_document_is_read_back_byte_for_byte(editor):
    sha = editor.keep_document("控规 图则 A-01.pdf", PDF, "application/pdf")
    assert sha == sha256_of(PDF)
    name, media_type, content = editor.document(sha)
    assert (name, media_type) == ("控规 图则 A-01.pdf", "application/pdf")
    assert content == PDF and type(content) is bytes
    assert editor.document(sha.upper())[2] == PDF  # the hash as another tool may print it
    viewer = editor.reopen_as(user="访客", role="viewer")  # anyone may read
    assert viewer.document(sha)[2] == PDF and len(viewer.documents()) == 1


def test_the_same_content_is_kept_once(editor):
    first = editor.keep_document("红线.pdf", PDF, "application/pdf")
    again = editor.reopen_as(user="王芳", role="admin").keep_document("copy of 红线.pdf", PDF)
    assert again == first
    listed = editor.documents()
    assert len(listed) == 1
    assert listed.iloc[0][["file_name", "added_by"]].tolist() == ["红线.pdf", "李伟"]  # the first keep's
    other = editor.keep_document("红线 v2.pdf", PDF + b"\n")
    assert other != first and len(editor.documents()) == 2


def test_the_listing_has_no_content(editor):
    assert editor.documents().columns.tolist() == LISTING_COLUMNS and editor.documents().empty
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    a = editor.keep_document("notes.txt", "备注\n".encode(), "text/plain; charset=utf-8")
    b = editor.keep_document("scan.png", b"\x89PNG\r\n\x1a\n")  # media type from the name
    c = editor.keep_document("blob", b"")  # nothing to guess from; an empty file is a file
    listed = editor.documents()
    assert listed.columns.tolist() == ["sha256", "file_name", "media_type", "size_bytes", "added_by", "added_at"]
    assert listed["sha256"].tolist() == [a, b, c]  # oldest first
    assert listed["media_type"].tolist() == ["text/plain; charset=utf-8", "image/png", "application/octet-stream"]
    assert listed["size_bytes"].tolist() == [len("备注\n".encode()), 8, 0]
    assert set(listed["added_by"]) == {"李伟"}
    assert all(before <= t <= dt.datetime.now(dt.timezone.utc) for t in listed["added_at"])


def test_a_viewer_or_a_nameless_author_is_refused_and_nothing_is_kept(editor):
    with pytest.raises(PermissionDenied, match="viewer may not keep documents"):
        editor.reopen_as(user="访客", role="viewer").keep_document("a.pdf", PDF)
    with pytest.raises(MissingAuthorError):
        editor.reopen_as(user=" ", role="editor").keep_document("a.pdf", PDF)
    with pytest.raises(ValueError, match="file name"):
        editor.keep_document("  ", PDF)
    assert editor.documents().empty


def test_a_document_over_the_limit_is_refused_naming_size_and_limit(editor):
    too_big = bytes(MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(WorkspaceError, match=r"a.pdf: 50\.0 MB \(52,428,801 bytes\) is more than the 50 MB "
                                             r"\(52,428,800 bytes\)"):
        editor.keep_document("a.pdf", too_big)
    assert editor.documents().empty
    with pytest.raises(PermissionDenied):  # a viewer hears about the role, not about the size
        editor.reopen_as(user="访客", role="viewer").keep_document("a.pdf", too_big)


def test_an_unknown_document_is_not_found(editor):
    with pytest.raises(FeatureNotFound, match="no document"):
        editor.document(sha256_of(b"never kept"))


def test_a_new_geopackage_has_schema_2_and_a_registered_documents_table(tmp_path):
    ws = open_workspace(tmp_path / "ws.gpkg", user="x", seed=False)
    ws.engine.dispose()
    con = sqlite3.connect(tmp_path / "ws.gpkg")
    assert con.execute("SELECT value FROM ws_meta WHERE key = 'schema_version'").fetchone()[0] == "2"
    assert con.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'ws_documents'").fetchone() == ("attributes",)
    con.close()
