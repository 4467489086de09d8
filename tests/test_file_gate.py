"""Files handed to one session (ui.file_gate, ui.session_rights): a URL is answered only while its
session is connected and allowed, never past its age, and no name is derived from a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui import file_gate, session_rights
from ui.big_layers import public_location
from ui.file_gate import MAX_AGE_S, RENEW_AFTER_S, grant, reader_of, resolve


def sessions(**states):
    """A session_state lookup over plain dicts: connected sessions by id."""
    return lambda sid: reader_of(states[sid]) if sid in states else None


def test_a_grant_is_answered_only_while_its_session_is_connected_and_allowed(tmp_path):
    archive = tmp_path / "a.pmtiles"
    archive.write_bytes(b"x")
    token = grant("tiles", archive.name, "s1", lambda get: bool(get("ok")), path=archive)
    assert len(token) >= 43  # 256 random bits, nothing derived from the file or the session
    assert resolve(token, sessions(s1={"ok": True})).path == archive
    assert resolve(token, sessions(s1={"ok": False})) is None  # signed out / demoted
    assert resolve(token, sessions()) is None  # the session ended: its grants go with it
    assert resolve(token, sessions(s1={"ok": True})) is None
    assert resolve("made-up", sessions(s1={"ok": True})) is None


def test_the_same_url_is_given_again_until_it_is_renewed_and_none_outlives_its_age(tmp_path):
    archive = tmp_path / "b.pmtiles"
    archive.write_bytes(b"x")
    allow = lambda get: True  # noqa: E731
    first = grant("tiles", archive.name, "s2", allow, path=archive, now=1000.0)
    assert grant("tiles", archive.name, "s2", allow, path=archive, now=1000.0 + RENEW_AFTER_S - 1) == first
    assert grant("tiles", archive.name, "other", allow, path=archive, now=1000.0) != first  # one URL per session
    renewed = grant("tiles", archive.name, "s2", allow, path=archive, now=1000.0 + RENEW_AFTER_S + 1)
    assert renewed != first
    connected = sessions(s2={})
    assert resolve(first, connected, now=1000.0 + MAX_AGE_S - 1) is not None
    assert resolve(first, connected, now=1000.0 + MAX_AGE_S + 1) is None


def test_a_grant_serves_a_file_or_made_bytes():
    with pytest.raises(ValueError):
        grant("x", "x", "s", lambda get: True)
    with pytest.raises(ValueError):
        grant("x", "x", "s", lambda get: True, path=Path("x"), produce=lambda: b"")


def test_a_check_that_fails_refuses():
    def broken(get):
        raise RuntimeError("credentials unreadable")

    token = grant("audit", "log.csv", "s3", broken, produce=lambda: b"secret")
    assert resolve(token, sessions(s3={})) is None


def test_rights_without_sign_in_are_the_local_owners(monkeypatch):
    monkeypatch.delenv("PARKATLAS_CREDENTIALS", raising=False)
    state = reader_of({})
    assert session_rights.may_read_layers(state) and session_rights.may_audit(state)
    assert not session_rights.may_upload(state)  # no uploader shown
    assert session_rights.may_upload(reader_of({session_rights.UPLOADER_SHOWN: True}))


def test_rights_with_sign_in_follow_the_credentials_file_now(tmp_path, monkeypatch):
    import yaml

    path = tmp_path / "credentials.yaml"
    config = {"credentials": {"usernames": {"boss": {"roles": ["admin"]}, "li": {"roles": ["viewer"]}}},
              "cookie": {"name": "c", "key": "k" * 64, "expiry_days": 7}}
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("PARKATLAS_CREDENTIALS", str(path))
    anonymous = reader_of({session_rights.UPLOADER_SHOWN: True})
    boss = reader_of({"authentication_status": True, "username": "boss"})
    viewer = reader_of({"authentication_status": True, "username": "li", session_rights.UPLOADER_SHOWN: True})
    assert not session_rights.may_read_layers(anonymous) and not session_rights.may_upload(anonymous)
    assert session_rights.may_audit(boss) and not session_rights.may_audit(viewer)
    assert session_rights.may_read_layers(viewer) and session_rights.may_upload(viewer)
    del config["credentials"]["usernames"]["li"]  # removed: access ends at once
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert not session_rights.may_read_layers(viewer)


def test_archive_names_do_not_depend_on_the_database_password():
    a = public_location("postgresql+psycopg://atlas:first-secret@db:5432/parkatlas")
    b = public_location("postgresql+psycopg://atlas:other-secret@db:5432/parkatlas")
    assert a == b and "secret" not in a


def test_the_clear_cache_message_is_guarded():
    from streamlit.runtime.app_session import AppSession

    from ui.server_routes import guard_clear_cache

    guard_clear_cache()
    guard_clear_cache()  # once only
    assert getattr(AppSession._handle_clear_cache_request, "_parkatlas_guarded", False)
    assert file_gate.ROUTE == "/parkatlas/file"


def test_a_revoked_sign_in_loses_its_files_and_a_team_database_without_sign_in_is_no_admin(tmp_path, monkeypatch):
    import yaml

    from ui.credentials import SIGNED_IN_AT

    path = tmp_path / "credentials.yaml"
    config = {"credentials": {"usernames": {"boss": {"roles": ["admin"], "sessions_valid_after": 2000.0}}},
              "cookie": {"name": "c", "key": "k" * 64, "expiry_days": 7}}
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("PARKATLAS_CREDENTIALS", str(path))
    before_reset = reader_of({"authentication_status": True, "username": "boss", SIGNED_IN_AT: 1000.0})
    after_reset = reader_of({"authentication_status": True, "username": "boss", SIGNED_IN_AT: 3000.0})
    assert not session_rights.may_read_layers(before_reset) and not session_rights.may_audit(before_reset)
    assert session_rights.may_audit(after_reset)

    monkeypatch.delenv("PARKATLAS_CREDENTIALS")
    monkeypatch.setenv("PARKATLAS_DATABASE_URL", "postgresql+psycopg://atlas:pw@db/parkatlas")
    monkeypatch.delenv("PARKATLAS_ALLOW_ANONYMOUS_TEAM", raising=False)
    anyone = reader_of({})
    assert session_rights.may_read_layers(anyone) and not session_rights.may_audit(anyone)


def test_a_grant_made_once_is_answered_once():
    token = grant("cookie", "signin.gif", "s9", lambda get: True, produce=lambda: b"GIF", once=True,
                  headers={"set-cookie": "x=1; HttpOnly"})
    first = resolve(token, sessions(s9={}))
    assert first is not None and first.headers["set-cookie"].endswith("HttpOnly")
    assert resolve(token, sessions(s9={})) is None
