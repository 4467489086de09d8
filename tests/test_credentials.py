"""The credentials file (ui.credentials) and the users CLI (ui.users): locked read-modify-writes
that never undo each other (two real processes racing), revocation, the limits on password
guessing with their audit trail, cookie checks, the cookie key, and files that cannot be used."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import textwrap
import time

import bcrypt
import jwt
import pytest
import yaml

from tests.conftest import ROOT
from ui import credentials, users
from ui.credentials import (LOCK_S, MAX_FAILURES, SIGNED_IN_AT, SIGNED_IN_ROLE, WINDOW_S, CredentialsError,
                            attempt, cookie_identity, cookie_token, session_still_valid)

FAST = 4
"""bcrypt cost for test users made here (the CLI uses the default)."""


def fast_hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(FAST)).decode()


def run_cli(monkeypatch, path, *args: str, password: str | None = None) -> int:
    if password is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return users.main(["--file", str(path), *args])


@pytest.fixture(autouse=True)
def fresh_limits():
    """The per-process limits start empty in every test."""
    credentials.CLIENTS.clear()
    credentials.UNKNOWN_USERS.clear()
    yield
    credentials.CLIENTS.clear()
    credentials.UNKNOWN_USERS.clear()


@pytest.fixture()
def path(tmp_path):
    """A credentials file with li (editor), visitor (viewer) and boss (admin), passwords
    `<name>-password-1` (cheap bcrypt)."""
    p = tmp_path / "secret" / "credentials.yaml"

    def fill(config: dict) -> None:
        for name, role in (("li", "editor"), ("visitor", "viewer"), ("boss", "admin")):
            users.add_user(config, name, name.title(), "", role, fast_hash(f"{name}-password-1"))

    credentials.update(p, fill, create=True)
    return p


def user(path, name: str) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["credentials"]["usernames"][name]


# --- locked writes ------------------------------------------------------------------------------

RACER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ui import credentials
    path, stop = Path(sys.argv[1]), Path(sys.argv[2])
    writes = 0
    while not stop.exists():
        credentials.record_failure(path, "visitor", f"client-{writes}", time.time())
        writes += 1
        if writes % 4 == 0:  # a sign-in: forget the failures (a write, as after failures)
            password = credentials.read(path)["credentials"]["usernames"]["visitor"]["password"]
            assert credentials.record_success(path, "visitor", password, time.time())
            writes += 1
    print(writes)
""")


def test_sign_in_bookkeeping_and_the_cli_racing_in_two_processes_lose_no_change(path, tmp_path):
    """One process writes sign-in bookkeeping as fast as it can; the other runs the CLI. Every
    role change and password reset is still there after the racer has written many times since."""
    stop = tmp_path / "stop"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    racer = subprocess.Popen([sys.executable, "-c", RACER, str(path), str(stop)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)  # the racer is writing
        expected_role, passwords = "editor", []
        for i, role in enumerate(["viewer", "admin", "viewer", "editor", "admin", "viewer"]):
            cli = [sys.executable, "-m", "ui.users", "--file", str(path)]
            if i % 2:
                passwords.append(f"new-password-{i}")
                done = subprocess.run([*cli, "reset-password", "boss", "--password-stdin"], input=passwords[-1] + "\n",
                                      cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
                assert done.returncode == 0, done.stderr
            done = subprocess.run([*cli, "set-role", "li", role], cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=60)
            assert done.returncode == 0, done.stderr
            expected_role = role
            time.sleep(0.3)  # the racer writes again and again meanwhile
            assert racer.poll() is None, racer.stderr.read()
            assert user(path, "li")["roles"] == [expected_role], f"set-role {role} was undone"
            if passwords:
                assert bcrypt.checkpw(passwords[-1].encode(), user(path, "boss")["password"].encode()), "reset undone"
    finally:
        stop.touch()
        out, err = racer.communicate(timeout=60)
    assert racer.returncode == 0, err
    assert int(out) > 50  # the racer really raced (writes between and during the CLI's)
    assert user(path, "li")["roles"] == ["viewer"]
    assert bcrypt.checkpw(b"new-password-5", user(path, "boss")["password"].encode())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not list(path.parent.glob("*.tmp"))
    events = [e["event"] for e in credentials.read_audit(path)]
    assert events.count("role_set") == 6 and events.count("password_reset") == 3


def test_a_writer_waits_for_the_lock_and_applies_its_change_to_the_newest_file(path):
    """update re-reads the file under the lock: a change made while it waited is kept."""
    with credentials.locked(path):
        code = ("import sys, time; from pathlib import Path; from ui import credentials, users; "
                "credentials.update(Path(sys.argv[1]), lambda c: users.set_role(c, 'boss', 'viewer', time.time()))")
        waiting = subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=ROOT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)})
        time.sleep(1.5)
        assert waiting.poll() is None  # blocked on the lock
        credentials._write(path, {**credentials.read(path), "extra": "kept"})  # as another holder of the lock would
    assert waiting.wait(60) == 0
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert config["extra"] == "kept" and config["credentials"]["usernames"]["boss"]["roles"] == ["viewer"]


def test_an_unchanged_file_is_not_rewritten_and_a_failed_change_leaves_it(path):
    before = os.stat(path)
    credentials.update(path, lambda c: None)
    with pytest.raises(users.UsersError):
        credentials.update(path, lambda c: users.set_role(c, "ghost", "admin", time.time()))
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert stat.S_IMODE(os.stat(credentials.lock_path(path)).st_mode) == 0o600


# --- files that cannot be used ------------------------------------------------------------------

@pytest.mark.parametrize("text, why", [
    ("credentials: [unclosed\n  password: $2b$12$secret", "not valid YAML (line"),
    ("", "it is empty"),
    ("- li\n- boss\n", "not a mapping"),
    ("credentials: [li]\n", "no `credentials: usernames:` mapping"),
    ("credentials: {usernames: [li]}\n", "no `credentials: usernames:` mapping"),
    ("credentials: {usernames: {li: Li}}\n", "user 'li' is not a mapping"),
    ("credentials: {usernames: {li: {password: 12345}}}\n", "password hash of user 'li' is not text"),
    ("credentials: {usernames: {li: {password: $2b$x, roles: editor}}}\n", "roles of user 'li' are not a list"),
    ("credentials: {usernames: {}}\ncookie: abc\n", "`cookie` is not a mapping"),
])
def test_a_file_that_cannot_be_used_is_refused_with_what_is_wrong_and_never_its_content(tmp_path, text, why):
    p = tmp_path / "credentials.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CredentialsError) as caught:
        credentials.read(p)
    assert why in caught.value.why and "secret" not in str(caught.value) and str(p) in str(caught.value)


def test_the_cli_says_so_too_and_changes_nothing(tmp_path, monkeypatch, capsys):
    p = tmp_path / "credentials.yaml"
    p.write_text("credentials: [", encoding="utf-8")
    assert run_cli(monkeypatch, p, "set-role", "li", "viewer") == 2
    assert "is not valid YAML" in capsys.readouterr().err and p.read_text(encoding="utf-8") == "credentials: ["


@pytest.mark.parametrize("cookie, problem", [
    ({}, "no cookie key"), ({"key": ""}, "no cookie key"), ({"key": "short-key"}, "shorter than 32"),
    ({"key": 12345}, "no cookie key"), ({"key": "k" * 32}, None),
])
def test_a_cookie_key_must_be_there_and_long(cookie, problem):
    found = credentials.cookie_key_problem({"credentials": {"usernames": {}}, "cookie": cookie})
    assert (found is None) if problem is None else (problem in found)


def test_rotate_cookie_key_makes_a_strong_key_and_refuses_every_older_cookie(path, monkeypatch):
    credentials.update(path, lambda c: c.pop("cookie"))  # a file without a cookie key
    assert credentials.cookie_key_problem(credentials.read(path)) == "it has no cookie key"
    assert run_cli(monkeypatch, path, "rotate-cookie-key") == 0
    config = credentials.read(path)
    assert credentials.cookie_key_problem(config) is None and len(config["cookie"]["key"]) == 64
    old = cookie_token(config, "li", time.time())  # signed in after the first rotation
    assert cookie_identity(config, old, time.time()) is not None
    assert run_cli(monkeypatch, path, "rotate-cookie-key") == 0
    rotated = credentials.read(path)
    assert rotated["cookie"]["key"] != config["cookie"]["key"]
    assert cookie_identity(rotated, old, time.time()) is None  # signed with the old key
    assert not session_still_valid(rotated, "li", {SIGNED_IN_AT: time.time() - 5}.get)  # every session ends
    assert [e["event"] for e in credentials.read_audit(path)] == ["cookie_key_rotated"] * 2


# --- revocation ----------------------------------------------------------------------------------

def session(at: float, role: str | None = None):
    return {SIGNED_IN_AT: at, SIGNED_IN_ROLE: role}.get


def test_reset_password_lowered_role_and_remove_end_sessions_a_raised_role_does_not(path, monkeypatch):
    before = time.time() - 1
    config = credentials.read(path)
    assert session_still_valid(config, "li", session(before, "editor"))
    assert run_cli(monkeypatch, path, "set-role", "li", "admin") == 0  # raised: the session goes on
    assert session_still_valid(credentials.read(path), "li", session(before, "editor"))
    assert run_cli(monkeypatch, path, "set-role", "li", "viewer") == 0  # lowered: it ends
    assert not session_still_valid(credentials.read(path), "li", session(before, "editor"))
    assert session_still_valid(credentials.read(path), "li", session(time.time(), "viewer"))  # signed in since

    assert session_still_valid(credentials.read(path), "boss", session(before, "admin"))
    assert run_cli(monkeypatch, path, "reset-password", "boss", "--password-stdin", password="another-password-2") == 0
    assert not session_still_valid(credentials.read(path), "boss", session(before, "admin"))
    assert not session_still_valid(credentials.read(path), "boss", session(0.0))  # a session that does not say when

    assert run_cli(monkeypatch, path, "remove", "visitor") == 0
    assert "visitor" not in credentials.users(credentials.read(path))
    assert not session_still_valid(credentials.read(path), "visitor", session(time.time() + 10, "viewer"))
    assert run_cli(monkeypatch, path, "remove", "visitor") == 2


def test_a_role_lowered_by_hand_in_the_file_ends_the_session_too(path):
    credentials.update(path, lambda c: c["credentials"]["usernames"]["li"].update(roles=["viewer"]))
    assert not session_still_valid(credentials.read(path), "li", session(time.time(), "editor"))


def test_cookies_good_garbage_foreign_unknown_expired_and_revoked(path, monkeypatch):
    config = credentials.read(path)
    now = time.time()
    _, key, days = credentials.cookie_settings(config)
    good = cookie_token(config, "li", now - 60)
    assert cookie_identity(config, good, now) == ("li", now - 60)
    stauth_made = jwt.encode({"username": "li", "exp_date": now + days * 86400 - 60}, key, algorithm="HS256")
    assert cookie_identity(config, stauth_made, now)[0] == "li"  # issued at expiry minus expiry_days
    bad = {
        "garbage": "not-a-jwt",
        "foreign key": jwt.encode({"username": "li", "exp_date": now + 999}, "x" * 64, algorithm="HS256"),
        "unknown user": jwt.encode({"username": "ghost", "exp_date": now + 999}, key, algorithm="HS256"),
        "expired": jwt.encode({"username": "li", "exp_date": now - 1}, key, algorithm="HS256"),
        "no user": jwt.encode({"exp_date": now + 999}, key, algorithm="HS256"),
        "odd claims": jwt.encode({"username": ["li"], "exp_date": "soon"}, key, algorithm="HS256"),
        "none alg": jwt.encode({"username": "li", "exp_date": now + 999}, None, algorithm="none"),
    }
    for why, token in bad.items():
        assert cookie_identity(config, token, now) is None, why
    assert run_cli(monkeypatch, path, "reset-password", "li", "--password-stdin", password="li-password-2x") == 0
    assert cookie_identity(credentials.read(path), good, time.time()) is None  # replayed after the reset
    assert cookie_identity(credentials.read(path), stauth_made, time.time()) is None


# --- attempt limits ------------------------------------------------------------------------------

def test_five_failures_lock_the_user_even_for_the_right_password_until_the_lock_ends(path):
    now = 1_000_000.0
    for i in range(MAX_FAILURES - 1):
        assert attempt(path, "li", f"wrong-{i}", f"10.0.0.{i}", now + i) == credentials.Attempt(False)
    locked = attempt(path, "li", "wrong-again", "10.0.0.9", now + 10)
    assert not locked.ok and locked.blocked_until == now + 10 + LOCK_S
    refused = attempt(path, "li", "li-password-1", "10.0.1.1", now + 20)  # the right one, from elsewhere
    assert not refused.ok and refused.blocked_until == now + 10 + LOCK_S
    assert attempt(path, "visitor", "visitor-password-1", "10.0.1.1", now + 20).ok  # another user is not locked
    later = attempt(path, "li", "li-password-1", "10.0.1.1", now + 11 + LOCK_S)
    assert later.ok and later.at == now + 11 + LOCK_S
    assert "locked_until" not in user(path, "li") and "failed_logins" not in user(path, "li")
    events = credentials.read_audit(path)
    assert [(e["event"], e.get("user")) for e in events] == [("user_locked", "li"), ("lock_ended", "li")]
    assert events[0]["client"] == "10.0.0.9" and events[0]["failures"] == MAX_FAILURES


def test_failures_outside_the_window_do_not_count(path):
    now = 2_000_000.0
    for i in range(MAX_FAILURES * 2):
        assert attempt(path, "li", "wrong", "10.0.0.1", now + i * (WINDOW_S / (MAX_FAILURES - 1))).blocked_until is None


def test_unknown_user_names_are_locked_like_real_ones_without_touching_the_file(path):
    before = path.read_bytes()
    now = 3_000_000.0
    outcomes = [attempt(path, "ghost", "whatever-1", "10.0.0.2", now + i) for i in range(MAX_FAILURES + 1)]
    assert [o.blocked_until is not None for o in outcomes] == [False] * (MAX_FAILURES - 1) + [True, True]
    assert path.read_bytes() == before


def test_one_client_guessing_many_user_names_is_locked_out(path):
    now = 4_000_000.0
    names = [f"name{i}" for i in range(credentials.CLIENT_MAX_FAILURES)]
    outcomes = [attempt(path, name, "guess-1", "10.9.9.9", now + i) for i, name in enumerate(names)]
    assert outcomes[-1].blocked_until == now + len(names) - 1 + LOCK_S
    assert attempt(path, "li", "li-password-1", "10.9.9.9", now + 100).blocked_until  # even the right password
    assert attempt(path, "li", "li-password-1", "10.1.1.1", now + 100).ok  # another client is not locked out
    assert [e["event"] for e in credentials.read_audit(path)] == ["client_locked"]


def test_unlock_lifts_the_lock_and_is_audited(path, monkeypatch, capsys):
    now = time.time()
    for i in range(MAX_FAILURES):
        attempt(path, "li", "wrong", "10.0.0.1", now + i * 0.01)
    assert attempt(path, "li", "li-password-1", "10.0.0.3").blocked_until
    assert run_cli(monkeypatch, path, "list") == 0
    assert "li\tLi\teditor\tlocked until" in capsys.readouterr().out
    assert run_cli(monkeypatch, path, "unlock", "li") == 0
    assert attempt(path, "li", "li-password-1", "10.0.0.3").ok
    unlocked = credentials.read_audit(path)[-1]
    assert unlocked["event"] == "unlocked" and unlocked["user"] == "li" and unlocked["was_locked"] is True
    assert unlocked["by"]
    assert run_cli(monkeypatch, path, "unlock", "ghost") == 2


def test_a_successful_sign_in_without_failures_does_not_write_the_file(path):
    before = os.stat(path)
    assert attempt(path, "li", "li-password-1", "10.0.0.1").ok
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_password_reset_between_the_check_and_the_bookkeeping_refuses_the_old_password(path):
    old_hash = user(path, "li")["password"]
    credentials.update(path, lambda c: users.reset_password(c, "li", fast_hash("brand-new-pass"), time.time()))
    assert not credentials.record_success(path, "li", old_hash, time.time())


def test_long_passwords_and_unknown_users_are_checked_without_error(path, monkeypatch, capsys):
    assert attempt(path, "li", "x" * 200, "10.0.0.1") == credentials.Attempt(False)
    assert attempt(path, "ghost", "y" * 200, "10.0.0.1") == credentials.Attempt(False)
    assert run_cli(monkeypatch, path, "reset-password", "li", "--password-stdin", password="z" * 73) == 2
    assert "at most 72 bytes" in capsys.readouterr().err
