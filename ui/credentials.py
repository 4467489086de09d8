"""The credentials file of a team install (`PARKATLAS_CREDENTIALS`): reading it, every change to
it, session revocation and the limits on password guessing. No Streamlit here (`ui.auth` draws).

**Reading.** `read` returns the file as a dict or raises `CredentialsError` naming the file and
what is wrong with it (not YAML — with the line —, not shaped like a credentials file), never its
content. Readers take no lock: the file is only ever replaced whole.

**Writing.** Every change is `update(path, change)`: an exclusive `fcntl.flock` on the sibling
file `<name>.lock` (created 0600, never removed), the file read again under it, `change` applied
to that fresh copy, and — when something changed — written to a temporary file in the same folder
(0600, fsynced) that replaces the old one (`os.replace`). Sign-in bookkeeping, `python -m
ui.users` and every app instance go through it, so none undoes another's change. The folder must
be writable by the app's user. (flock also works on NFS on Linux, where it is emulated with POSIX
locks.)

**Revocation.** A user may carry `sessions_valid_after` (unix time): a session or re-authentication
cookie of theirs that signed in earlier is refused. `reset-password`, a lowered `set-role` and
`remove` set it; the `cookie` section may carry one for everybody (`rotate-cookie-key`).

**Attempt limits.** A known user's failures within `WINDOW_S` are kept in the file
(`failed_logins`, so every instance counts them); the `MAX_FAILURES`-th locks the user
(`locked_until`) for `LOCK_S`, or until `python -m ui.users unlock USER`. Unknown user names and
clients are counted in this server process's memory (`Limiter`): a restart forgets them. Locks,
their ends and lifts, and every user change go to an append-only JSONL beside the file
(`<stem>-audit.jsonl`, 0600).
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import yaml

from store.roles import ROLES

CREDENTIALS_ENV = "PARKATLAS_CREDENTIALS"
COOKIE_NAME = "parkatlas_auth"
EXPIRY_DAYS = 7
MIN_COOKIE_KEY = 32
"""A cookie key shorter than this (characters) is refused: the cookies it signs could be forged."""

MAX_FAILURES = 5
"""Failed sign-ins of one user name within WINDOW_S that lock it for LOCK_S."""
CLIENT_MAX_FAILURES = 20
"""Failed sign-ins from one client (any user names) within WINDOW_S that lock it out for LOCK_S."""
WINDOW_S = 15 * 60
LOCK_S = 15 * 60
_MAX_KEYS = 10_000
"""The most user names / clients a `Limiter` remembers (the oldest are forgotten first)."""

T = TypeVar("T")


class CredentialsError(Exception):
    """The credentials file cannot be used; `why` says what is wrong, never what the file holds."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


# --- reading -------------------------------------------------------------------------------

def new_cookie_key() -> str:
    """A random cookie key (64 hex characters)."""
    return secrets.token_hex(32)


def new_config() -> dict:
    """An empty credentials file's content, with a random cookie key."""
    return {"credentials": {"usernames": {}},
            "cookie": {"name": COOKIE_NAME, "key": new_cookie_key(), "expiry_days": EXPIRY_DAYS}}


def shape_problem(config: Any) -> str | None:
    """What keeps `config` from being a credentials file's content, or None.

    >>> shape_problem({"credentials": {"usernames": {"li": {"password": "$2b$...", "roles": ["editor"]}}}})
    >>> shape_problem(["li"])
    'it is not a mapping with `credentials` and `cookie`'
    """
    if not isinstance(config, dict):
        return "it is not a mapping with `credentials` and `cookie`"
    creds = config.get("credentials")
    if not isinstance(creds, dict) or not isinstance(creds.get("usernames") or {}, dict):
        return "it has no `credentials: usernames:` mapping"
    for name, user in (creds.get("usernames") or {}).items():
        if not isinstance(name, str):
            return "a user name is not text"
        if not isinstance(user, dict):
            return f"user {name!r} is not a mapping"
        if not isinstance(user.get("password", ""), str):  # without one, the user cannot sign in
            return f"the password hash of user {name!r} is not text"
        if not isinstance(user.get("roles") or [], list):
            return f"the roles of user {name!r} are not a list"
    if not isinstance(config.get("cookie") or {}, dict):
        return "`cookie` is not a mapping"
    return None


def parse(text: str, path: Path) -> dict:
    """The credentials in `text` (the content of `path`); CredentialsError when unusable."""
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise CredentialsError(path, f"it is not valid YAML{where}") from None
    problem = "it is empty" if config is None else shape_problem(config)
    if problem:
        raise CredentialsError(path, problem)
    config["credentials"]["usernames"] = config["credentials"].get("usernames") or {}
    return config


def read(path: Path) -> dict:
    """The credentials file as a dict ({"credentials": {"usernames": {...}}, "cookie": {...}})."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CredentialsError(path, "it is not UTF-8 text") from None
    except OSError as exc:
        raise CredentialsError(path, f"it cannot be read ({exc.strerror or type(exc).__name__})") from None
    return parse(text, path)


def users(config: dict) -> dict:
    """{user name: entry} of the credentials (created empty when missing)."""
    creds = config.setdefault("credentials", {})
    if not isinstance(creds.get("usernames"), dict):
        creds["usernames"] = {}
    return creds["usernames"]


def role_of(config: dict, username: str) -> str:
    """The highest role the credentials give `username` (viewer when none or unknown).

    >>> role_of({"credentials": {"usernames": {"li": {"roles": ["viewer", "editor"]}}}}, "li")
    'editor'
    >>> role_of({"credentials": {"usernames": {}}}, "ghost")
    'viewer'
    """
    user = ((config.get("credentials") or {}).get("usernames") or {}).get(username) or {}
    roles = [r for r in (user.get("roles") or []) if r in ROLES]
    return max(roles, key=ROLES.index) if roles else "viewer"


def display_name(config: dict, username: str) -> str:
    """The name `username` is shown with (their user name when none is given)."""
    user = users(config).get(username) or {}
    return str(user.get("name") or username)


def cookie_settings(config: dict) -> tuple[str, str, float]:
    """(cookie name, key, expiry in days) of the re-authentication cookie (defaults when unset)."""
    cookie = config.get("cookie") or {}
    days = cookie.get("expiry_days", EXPIRY_DAYS)
    days = float(days) if isinstance(days, (int, float)) and not isinstance(days, bool) and days > 0 else EXPIRY_DAYS
    return str(cookie.get("name") or COOKIE_NAME), str(cookie.get("key") or ""), days


def cookie_key_problem(config: dict) -> str | None:
    """Why the file's cookie key cannot sign cookies (missing, or shorter than MIN_COOKIE_KEY), or None."""
    key = (config.get("cookie") or {}).get("key")
    if not isinstance(key, str) or not key:
        return "it has no cookie key"
    if len(key) < MIN_COOKIE_KEY:
        return f"its cookie key is shorter than {MIN_COOKIE_KEY} characters"
    return None


# --- writing -------------------------------------------------------------------------------

def lock_path(path: Path) -> Path:
    """The sibling file every writer of `path` locks."""
    return path.with_name(path.name + ".lock")


def audit_path(path: Path) -> Path:
    """The append-only JSONL of locks, lifts and user changes beside `path`."""
    return path.with_name(path.stem + "-audit.jsonl")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock of `path`'s writers (blocks until every other writer is done)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _write(path: Path, config: dict) -> None:
    """Replace `path` with `config` (0600) in one step: a fsynced temporary file, then os.replace."""
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yaml.safe_dump(config, f, allow_unicode=True, sort_keys=False)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a crash
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def update(path: Path, change: Callable[[dict], T], *, create: bool = False) -> T:
    """Apply `change` to the file as it is now, under the writers' lock; write it back only when
    `change` changed something. A missing file is a new one with `create`, else CredentialsError.
    Returns what `change` returns (its exceptions leave the file as it was)."""
    path = Path(path)
    with locked(path):
        if path.is_file():
            config = read(path)
        elif create:
            config = new_config()
        else:
            raise CredentialsError(path, "it does not exist")
        before = copy.deepcopy(config)
        result = change(config)
        if config != before or not path.is_file():
            _write(path, config)
        return result


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="seconds")


def audit(path: Path, event: str, **fields: Any) -> None:
    """Append one event (with its UTC time) to the audit JSONL beside `path`."""
    line = json.dumps({"at": _iso(time.time()), "event": event, **fields}, ensure_ascii=False, default=str) + "\n"
    fd = os.open(audit_path(path), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def read_audit(path: Path) -> list[dict]:
    """Every event of the audit JSONL beside `path` (empty when there is none)."""
    try:
        text = audit_path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# --- revocation ----------------------------------------------------------------------------

def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def revoke_sessions(config: dict, username: str, now: float) -> None:
    """End every session and cookie `username` signed in with before `now`."""
    users(config)[username]["sessions_valid_after"] = now


def valid_after(config: dict, username: str) -> float:
    """A session of `username` that signed in before this unix time is no longer valid."""
    user = users(config).get(username) or {}
    return max(_number(user.get("sessions_valid_after")),
               _number((config.get("cookie") or {}).get("sessions_valid_after")))


SIGNED_IN_AT = "_parkatlas_signed_in_at"
"""Session-state key: when the session signed in (unix time; a cookie's sign-in time for a
session signed in by its cookie)."""
SIGNED_IN_ROLE = "_parkatlas_signed_in_role"
"""Session-state key: the role the session had when it signed in."""


def session_still_valid(config: dict, username: str, state: Callable[[str], Any]) -> bool:
    """Whether a session signed in as `username` (its state read through `state(key)`) may go
    on: the user still exists, was not revoked since the session signed in (password reset, role
    lowered, every session ended) and has no lower role than then. A session that does not say
    when it signed in counts as signed in at time 0."""
    if not isinstance(users(config).get(username), dict):
        return False
    if _number(state(SIGNED_IN_AT)) < valid_after(config, username):
        return False
    then = state(SIGNED_IN_ROLE)
    return then not in ROLES or ROLES.index(role_of(config, username)) >= ROLES.index(then)


def cookie_token(config: dict, username: str, now: float) -> str:
    """A re-authentication cookie for `username`, signed in at `now` (a JWT signed with the
    file's cookie key; streamlit-authenticator's claims plus `signed_in_at`)."""
    import jwt

    _, key, days = cookie_settings(config)
    return jwt.encode({"username": username, "exp_date": now + days * 86400, "signed_in_at": now}, key,
                      algorithm="HS256")


def cookie_identity(config: dict, token: Any, now: float) -> tuple[str, float] | None:
    """(user name, sign-in time) of a re-authentication cookie that is still good at `now`: signed
    with the file's key, not expired, of a user the file holds, signed in no earlier than that
    user's `sessions_valid_after`. None for anything else (garbage, another key, unknown user,
    expired, revoked). A cookie without `signed_in_at` (made by streamlit-authenticator itself)
    signed in at its expiry minus the file's expiry_days."""
    import jwt

    _, key, days = cookie_settings(config)
    if not isinstance(token, str) or not token or cookie_key_problem(config):
        return None
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    username, expires = claims.get("username"), _number(claims.get("exp_date"))
    if not isinstance(username, str) or not isinstance(users(config).get(username), dict) or expires <= now:
        return None
    at = _number(claims["signed_in_at"]) if "signed_in_at" in claims else expires - days * 86400
    if at > now + 60 or at < valid_after(config, username):
        return None
    return username, at


# --- attempt limits ------------------------------------------------------------------------

def locked_until(config: dict, username: str, now: float) -> float | None:
    """When the lock on `username` ends, while it is locked at `now`; else None."""
    until = _number((users(config).get(username) or {}).get("locked_until"))
    return until if until > now else None


def note_failure(config: dict, username: str, now: float) -> tuple[float | None, bool]:
    """Count a failed sign-in of the known user `username` at `now`: (when the lock its
    MAX_FAILURES-th failure within WINDOW_S set ends, else None; whether an expired lock was
    cleared on the way)."""
    user = users(config)[username]
    ended = user.pop("locked_until", None) is not None
    recent = [t for t in user.get("failed_logins") or [] if 0 <= now - _number(t) < WINDOW_S]
    recent.append(now)
    if len(recent) >= MAX_FAILURES:
        user.pop("failed_logins", None)
        user["locked_until"] = now + LOCK_S
        return now + LOCK_S, ended
    user["failed_logins"] = recent
    return None, ended


def clear_failures(config: dict, username: str) -> bool:
    """Forget `username`'s failures and lock; whether there was a lock (running or expired)."""
    user = users(config).get(username) or {}
    user.pop("failed_logins", None)
    return user.pop("locked_until", None) is not None


class Limiter:
    """Failed sign-ins per key (a client, or a user name the file does not hold) in this server
    process's memory: `max_failures` within WINDOW_S lock the key for LOCK_S."""

    def __init__(self, max_failures: int) -> None:
        self.max_failures = max_failures
        self._failures: dict[str, list[float]] = {}
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def blocked_until(self, key: str, now: float) -> float | None:
        """When `key`'s lock ends, while it is locked at `now`; else None."""
        with self._lock:
            until = self._until.get(key, 0.0)
            return until if until > now else None

    def failure(self, key: str, now: float) -> float | None:
        """Count a failure of `key`: the end of the lock it set, when it set one."""
        with self._lock:
            recent = [t for t in self._failures.get(key, []) if 0 <= now - t < WINDOW_S] + [now]
            self._failures.pop(key, None)
            if len(recent) >= self.max_failures:
                self._until[key] = now + LOCK_S
                return now + LOCK_S
            self._failures[key] = recent
            self._forget_old(now)
            return None

    def _forget_old(self, now: float) -> None:
        """Keep memory bounded: drop expired locks, then the keys with the oldest failures."""
        if len(self._failures) + len(self._until) <= _MAX_KEYS:
            return
        self._until = {k: u for k, u in self._until.items() if u > now}
        for key in sorted(self._failures, key=lambda k: self._failures[k][-1])[: len(self._failures) // 2]:
            del self._failures[key]

    def clear(self) -> None:
        """Forget every failure and lock (tests; a restart does the same)."""
        with self._lock:
            self._failures.clear()
            self._until.clear()


CLIENTS = Limiter(CLIENT_MAX_FAILURES)
"""Failures per client (IP address) in this process."""
UNKNOWN_USERS = Limiter(MAX_FAILURES)
"""Failures per user name the credentials file does not hold, in this process: such a name is
locked after as many failures as a real one, so the lock does not tell whether a user exists."""

_dummy_hash: list[bytes] = []


def _check_password(password: str, hashed: str | None) -> bool:
    """bcrypt check of `password` against `hashed`; with no hash, the same work against a dummy
    one (an unknown user name takes as long as a wrong password)."""
    import bcrypt

    secret = password.encode()[:72]  # bcrypt reads 72 bytes (and bcrypt 5 refuses more)
    try:
        if hashed is None:
            if not _dummy_hash:
                _dummy_hash.append(bcrypt.hashpw(b"no such user", bcrypt.gensalt()))
            bcrypt.checkpw(secret, _dummy_hash[0])  # the work a real user's check takes
            return False
        return bcrypt.checkpw(secret, hashed.encode())
    except ValueError:  # not a bcrypt hash
        return False


@dataclass(frozen=True)
class Attempt:
    """What a sign-in attempt came to: signed in (`ok`, at `at`), refused until `blocked_until`
    (too many failures of this user name or client), or a wrong user name or password."""

    ok: bool
    blocked_until: float | None = None
    at: float = 0.0


def _blocked(config: dict, username: str, client: str, now: float) -> float | None:
    """The end of a lock that refuses this attempt without checking the password, or None."""
    known = username in users(config)
    until = max(CLIENTS.blocked_until(client, now) or 0.0,
                (locked_until(config, username, now) if known else UNKNOWN_USERS.blocked_until(username, now)) or 0.0)
    return until or None


def record_failure(path: Path, username: str, client: str, now: float) -> float | None:
    """Count a failed sign-in of `username` from `client`; audit any lock it sets; the end of the
    lock that now refuses this user name or client, or None."""
    client_until = CLIENTS.failure(client, now)
    if client_until:
        audit(path, "client_locked", client=client, until=_iso(client_until))

    def change(config: dict) -> tuple[float | None, bool, bool]:
        if username not in users(config):
            return UNKNOWN_USERS.failure(username, now), False, False
        return (*note_failure(config, username, now), True)

    user_until, ended, known = update(path, change)
    if ended:
        audit(path, "lock_ended", user=username)
    if user_until:
        audit(path, "user_locked", user=username, known_user=known, client=client, until=_iso(user_until),
              failures=MAX_FAILURES)
    return max(client_until or 0.0, user_until or 0.0) or None


def record_success(path: Path, username: str, password_hash: str, now: float) -> bool:
    """Forget the failures of `username`, who just gave the password of `password_hash` (a write
    only when there were any); False when, since the check, the user was removed, locked or given
    another password (the sign-in is then refused)."""

    def change(config: dict) -> tuple[bool, bool]:
        user = users(config).get(username)
        if not user or user.get("password") != password_hash or locked_until(config, username, now):
            return False, False
        return True, clear_failures(config, username)

    ok, ended = update(path, change)
    if ended:
        audit(path, "lock_ended", user=username)
    return ok


def attempt(path: Path, username: str, password: str, client: str, now: float | None = None) -> Attempt:
    """Sign `username` in with `password` from `client`, within the attempt limits: a locked user
    name or client is refused without checking the password, a wrong password is counted."""
    now = time.time() if now is None else now
    config = read(path)
    until = _blocked(config, username, client, now)
    if until:
        return Attempt(False, until)
    user = users(config).get(username)
    hashed = user.get("password") if user else None
    if _check_password(password, hashed) and hashed and record_success(path, username, hashed, now):
        return Attempt(True, at=now)
    return Attempt(False, record_failure(path, username, client, now))
