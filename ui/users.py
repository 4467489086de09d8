"""Manage the users of a team install: the credentials file that `ui.auth` signs people in with.

    python -m ui.users add li --name 李伟 --role editor     # asks for the password twice
    python -m ui.users reset-password li
    python -m ui.users set-role li admin
    python -m ui.users list

The file is `PARKATLAS_CREDENTIALS` (or `--file`); it is created on the first `add`, readable by
its owner only, with a random cookie key. Passwords are stored bcrypt-hashed
(streamlit-authenticator's Hasher); they are read with getpass, or from standard input with
`--password-stdin` (for scripts). Keep the file outside the repository (e.g.
/etc/parkatlas/credentials.yaml).
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from pathlib import Path

import yaml

from store.roles import ROLES
from ui.auth import CREDENTIALS_ENV, read_credentials

REPO = Path(__file__).resolve().parent.parent
MIN_PASSWORD = 10


class UsersError(Exception):
    """A request the credentials file cannot take (unknown user, weak password, bad role)."""


def new_config() -> dict:
    """An empty credentials file's content, with a random cookie key."""
    return {"credentials": {"usernames": {}},
            "cookie": {"name": "parkatlas_auth", "key": secrets.token_hex(32), "expiry_days": 7}}


def load(path: Path) -> dict:
    return read_credentials(path) if path.is_file() else new_config()


def save(path: Path, config: dict) -> None:
    """Write the file (owner-only permissions) through a temporary file, so it is never half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        yaml.safe_dump(config, f, allow_unicode=True, sort_keys=False)
    os.replace(tmp, path)


def hashed(password: str) -> str:
    """A bcrypt hash of `password` (refuses passwords shorter than MIN_PASSWORD)."""
    if len(password) < MIN_PASSWORD:
        raise UsersError(f"a password needs at least {MIN_PASSWORD} characters")
    from streamlit_authenticator.utilities.hasher import Hasher

    return Hasher.hash(password)


def _users(config: dict) -> dict:
    return config.setdefault("credentials", {}).setdefault("usernames", {})


def add_user(config: dict, username: str, name: str, email: str, role: str, password: str) -> None:
    if role not in ROLES:
        raise UsersError(f"role must be one of {', '.join(ROLES)}")
    if not username or username != username.strip().lower() or not username.replace("_", "").replace("-", "").isalnum():
        raise UsersError("a user name is lowercase letters, digits, '-' and '_'")
    if username in _users(config):
        raise UsersError(f"{username} exists already; use reset-password or set-role")
    _users(config)[username] = {"name": name or username, "email": email or f"{username}@localhost",
                                "password": hashed(password), "roles": [role], "failed_login_attempts": 0,
                                "logged_in": False}


def _known(config: dict, username: str) -> dict:
    try:
        return _users(config)[username]
    except KeyError:
        raise UsersError(f"no user {username}") from None


def reset_password(config: dict, username: str, password: str) -> None:
    _known(config, username)["password"] = hashed(password)


def set_role(config: dict, username: str, role: str) -> None:
    if role not in ROLES:
        raise UsersError(f"role must be one of {', '.join(ROLES)}")
    _known(config, username)["roles"] = [role]


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise UsersError("the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
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
    reset = sub.add_parser("reset-password", help="set a new password")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    role = sub.add_parser("set-role", help="change a user's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    sub.add_parser("list", help="list the users and their roles")
    args = parser.parse_args(argv)
    if args.file is None:
        parser.error(f"say which credentials file: --file PATH or ${CREDENTIALS_ENV}")
    path = Path(args.file).expanduser().resolve()
    if REPO in path.parents:
        print(f"warning: {path} is inside the repository; keep credentials outside it", file=sys.stderr)
    try:
        config = load(path)
        if args.command == "list":
            for username, user in _users(config).items():
                print(f"{username}\t{user.get('name', '')}\t{','.join(user.get('roles') or [])}")
            return 0
        if args.command == "add":
            add_user(config, args.username, args.name, args.email, args.role, _password(args))
        elif args.command == "reset-password":
            reset_password(config, args.username, _password(args))
        elif args.command == "set-role":
            set_role(config, args.username, args.role)
        save(path, config)
    except (UsersError, OSError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.command}: {args.username} ({path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
