"""Manage the users of a team install: the credentials file that `ui.auth` signs people in with.

    python -m ui.users add li --name 李伟 --role editor     # asks for the password twice
    python -m ui.users reset-password li                    # and ends li's sessions
    python -m ui.users set-role li viewer                   # a lower role ends li's sessions
    python -m ui.users remove li                            # and ends li's sessions
    python -m ui.users unlock li                            # lifts a lock after too many failed sign-ins
    python -m ui.users rotate-cookie-key                    # a new cookie key; everyone signs in again
    python -m ui.users list

The file is `PARKATLAS_CREDENTIALS` (or `--file`); it is created on the first `add`, readable by
its owner only, with a random cookie key. Every change is a locked read-modify-write
(`ui.credentials.update`), so a running app's sign-ins never undo it, and is written to the audit
JSONL beside the file. Passwords are stored bcrypt-hashed (streamlit-authenticator's Hasher); they
are read with getpass, or from standard input with `--password-stdin` (for scripts). Keep the file
outside the repository (e.g. /etc/parkatlas/credentials.yaml, its folder owned by the app's user).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from pathlib import Path

from store.roles import ROLES
from ui import credentials
from ui.credentials import CREDENTIALS_ENV, CredentialsError, users

REPO = Path(__file__).resolve().parent.parent
MIN_PASSWORD = 10
MAX_PASSWORD_BYTES = 72


class UsersError(Exception):
    """A request the credentials file cannot take (unknown user, weak password, bad role)."""


def hashed(password: str) -> str:
    """A bcrypt hash of `password` (refuses passwords shorter than MIN_PASSWORD)."""
    if len(password) < MIN_PASSWORD:
        raise UsersError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise UsersError(f"a password may have at most {MAX_PASSWORD_BYTES} bytes (bcrypt reads no more)")
    from streamlit_authenticator.utilities.hasher import Hasher

    return Hasher.hash(password)


def check_role(role: str) -> None:
    """Refuse a role that is not one of ROLES."""
    if role not in ROLES:
        raise UsersError(f"role must be one of {', '.join(ROLES)}")


def check_username(username: str) -> None:
    """Refuse a user name that is not lowercase letters, digits, '-' and '_'."""
    if not username or username != username.strip().lower() or not username.replace("_", "").replace("-", "").isalnum():
        raise UsersError("a user name is lowercase letters, digits, '-' and '_'")


def add_user(config: dict, username: str, name: str, email: str, role: str, password_hash: str) -> None:
    """Add `username` with `role` and the bcrypt `password_hash`."""
    check_role(role)
    check_username(username)
    if username in users(config):
        raise UsersError(f"{username} exists already; use reset-password or set-role")
    users(config)[username] = {"name": name or username, "email": email or f"{username}@localhost",
                               "password": password_hash, "roles": [role]}


def _known(config: dict, username: str) -> dict:
    try:
        return users(config)[username]
    except KeyError:
        raise UsersError(f"no user {username}") from None


def reset_password(config: dict, username: str, password_hash: str, now: float) -> bool:
    """Give `username` a new password, end their sessions and lift any lock; whether there was one."""
    _known(config, username)["password"] = password_hash
    credentials.revoke_sessions(config, username, now)
    return credentials.clear_failures(config, username)


def set_role(config: dict, username: str, role: str, now: float) -> bool:
    """Give `username` the role `role`; a lower one than before ends their sessions (returns True)."""
    check_role(role)
    lowered = ROLES.index(role) < ROLES.index(credentials.role_of(config, username))
    _known(config, username)["roles"] = [role]
    if lowered:
        credentials.revoke_sessions(config, username, now)
    return lowered


def remove_user(config: dict, username: str) -> None:
    """Remove `username` (their sessions end: a session of a user the file lacks is refused)."""
    _known(config, username)
    del users(config)[username]


def unlock_user(config: dict, username: str) -> bool:
    """Lift a lock after too many failed sign-ins; whether there was one."""
    _known(config, username)
    return credentials.clear_failures(config, username)


def rotate_cookie_key(config: dict, now: float) -> None:
    """A new random cookie key: every cookie signed with the old one is refused, every session ends."""
    cookie = config.get("cookie") if isinstance(config.get("cookie"), dict) else {}
    cookie.setdefault("name", credentials.COOKIE_NAME)
    cookie.setdefault("expiry_days", credentials.EXPIRY_DAYS)
    cookie["key"] = credentials.new_cookie_key()
    cookie["sessions_valid_after"] = now
    config["cookie"] = cookie


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise UsersError("the two passwords differ")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ui.users", description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=os.environ.get(CREDENTIALS_ENV) or None,
                        help=f"the credentials file (default: ${CREDENTIALS_ENV})")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add a user")
    add.add_argument("username")
    add.add_argument("--name", default="")
    add.add_argument("--email", default="")
    add.add_argument("--role", choices=ROLES, default="viewer")
    add.add_argument("--password-stdin", action="store_true")
    reset = sub.add_parser("reset-password", help="set a new password (ends the user's sessions)")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    role = sub.add_parser("set-role", help="change a user's role (a lower one ends their sessions)")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    sub.add_parser("remove", help="remove a user (ends their sessions)").add_argument("username")
    sub.add_parser("unlock", help="lift a lock after too many failed sign-ins").add_argument("username")
    sub.add_parser("rotate-cookie-key", help="a new cookie key (every session and cookie ends)")
    sub.add_parser("list", help="list the users, their roles and locks")
    return parser


def _list(path: Path) -> str:
    """One line a user: name, display name, roles, and a running lock."""
    config, now = credentials.read(path), time.time()
    lines = []
    for username, user in users(config).items():
        until = credentials.locked_until(config, username, now)
        lock = f"\tlocked until {time.strftime('%Y-%m-%d %H:%M', time.localtime(until))}" if until else ""
        lines.append(f"{username}\t{user.get('name', '')}\t{','.join(user.get('roles') or [])}{lock}")
    return "\n".join(lines)


def _operator() -> str:
    """Who runs the command (the audit's `by`): the login name, else the numeric user id."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment
        return str(os.getuid())


def _add(path: Path, args: argparse.Namespace, by: str, now: float) -> str:
    check_role(args.role)
    check_username(args.username)
    new_hash = hashed(_password(args))  # bcrypt takes a while: not under the lock
    credentials.update(path, lambda c: add_user(c, args.username, args.name, args.email, args.role, new_hash),
                       create=True)
    credentials.audit(path, "user_added", user=args.username, role=args.role, by=by)
    return f"add: {args.username} ({path})"


def _reset(path: Path, args: argparse.Namespace, by: str, now: float) -> str:
    new_hash = hashed(_password(args))
    if credentials.update(path, lambda c: reset_password(c, args.username, new_hash, now)):
        credentials.audit(path, "unlocked", user=args.username, by=by, why="reset-password", was_locked=True)
    credentials.audit(path, "password_reset", user=args.username, by=by)
    return f"reset-password: {args.username} ({path}); their sessions ended"


def _set_role(path: Path, args: argparse.Namespace, by: str, now: float) -> str:
    lowered = credentials.update(path, lambda c: set_role(c, args.username, args.role, now))
    credentials.audit(path, "role_set", user=args.username, role=args.role, sessions_ended=lowered, by=by)
    return f"set-role: {args.username} ({path}){'; their sessions ended' if lowered else ''}"


def _remove(path: Path, args: argparse.Namespace, by: str, now: float) -> str:
    credentials.update(path, lambda c: remove_user(c, args.username))
    credentials.audit(path, "user_removed", user=args.username, by=by)
    return f"remove: {args.username} ({path}); their sessions ended"


def _unlock(path: Path, args: argparse.Namespace, by: str, now: float) -> str:
    lifted = credentials.update(path, lambda c: unlock_user(c, args.username))
    credentials.audit(path, "unlocked", user=args.username, by=by, why="unlock", was_locked=lifted)
    return f"unlock: {args.username} ({path}){'' if lifted else ' was not locked'}"


def _rotate(path: Path, args: argparse.Namespace, by: str, now: float) -> str:
    credentials.update(path, lambda c: rotate_cookie_key(c, now))
    credentials.audit(path, "cookie_key_rotated", by=by)
    return f"rotate-cookie-key: every session and cookie ended ({path})"


COMMANDS = {"add": _add, "reset-password": _reset, "set-role": _set_role, "remove": _remove, "unlock": _unlock,
            "rotate-cookie-key": _rotate}
"""The changing commands: each a locked read-modify-write of the file, then one audit line."""


def main(argv: list[str] | None = None) -> int:
    """The command line; 0 when done, 2 (with the reason on stderr) when refused."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.file is None:
        parser.error(f"say which credentials file: --file PATH or ${CREDENTIALS_ENV}")
    path = Path(args.file).expanduser().resolve()
    if REPO in path.parents:
        print(f"warning: {path} is inside the repository; keep credentials outside it", file=sys.stderr)
    try:
        print(_list(path) if args.command == "list" else COMMANDS[args.command](path, args, _operator(), time.time()))
    except (UsersError, CredentialsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
