"""Sign-in for teams (streamlit-authenticator): bcrypt-hashed passwords in a credentials file
outside the repository (`PARKATLAS_CREDENTIALS`), each user with a role (viewer | editor |
admin). Without that file the app is a single-user install, as before: no sign-in, the local
user owns the workspace.

The role a session acts with is read from the credentials file by the signed-in user name, never
from what the session says about itself; the store checks it on every write (`store.roles`).
Manage users with `python -m ui.users` (add, reset-password, set-role, list).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
import yaml

from store.roles import ROLES
from ui.i18n import Lang, t

CREDENTIALS_ENV = "PARKATLAS_CREDENTIALS"


@dataclass(frozen=True)
class SignedIn:
    """Who this session is: their user name (what versions record), display name and role."""

    username: str
    name: str
    role: str


def credentials_path() -> Path | None:
    """The credentials file when sign-in is configured, else None."""
    value = os.environ.get(CREDENTIALS_ENV, "").strip()
    return Path(value).expanduser() if value else None


def read_credentials(path: Path) -> dict:
    """The credentials file as a dict ({"credentials": {"usernames": {...}}, "cookie": {...}})."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


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


def signed_in() -> SignedIn | None:
    """This session's user when sign-in is configured (an anonymous viewer until they sign in),
    or None for a single-user install."""
    path = credentials_path()
    if path is None:
        return None
    username = st.session_state.get("username") if st.session_state.get("authentication_status") else None
    if not username:
        return SignedIn("", "", "viewer")
    try:
        config = read_credentials(path)
    except (OSError, yaml.YAMLError):
        return SignedIn("", "", "viewer")
    return SignedIn(str(username), str(st.session_state.get("name") or username), role_of(config, str(username)))


def _authenticator():
    import streamlit_authenticator as stauth

    path = credentials_path()
    cookie = read_credentials(path).get("cookie") or {}
    return stauth.Authenticate(str(path), cookie.get("name", "parkatlas_auth"), cookie.get("key", ""),
                               float(cookie.get("expiry_days", 7)))


def require_sign_in(lang: Lang) -> SignedIn | None:
    """With sign-in configured: the sign-in form until the user is signed in (the page stops
    there), then their name, role and a sign-out button in the sidebar. Without: None."""
    path = credentials_path()
    if path is None:
        return None
    if not path.is_file():
        st.error(t("auth_no_file", lang, path=path))
        st.stop()
    authenticator = _authenticator()
    identity = st.sidebar.container()
    if st.session_state.get("authentication_status"):
        # The sign-out button comes before the page: when it was pressed, this same run goes on
        # to the sign-in form (and renders the component that deletes the re-authentication
        # cookie), instead of drawing one more signed-in page that only the next click replaces.
        authenticator.logout(t("auth_logout", lang), location="sidebar", key="parkatlas_logout")
    if not st.session_state.get("authentication_status"):
        authenticator.login(location="main", key="parkatlas_login",
                            fields={"Form name": t("auth_title", lang), "Username": t("auth_username", lang),
                                    "Password": t("auth_password", lang), "Login": t("auth_login", lang)})
        if st.session_state.get("authentication_status") is False:
            st.error(t("auth_failed", lang))
        if not st.session_state.get("authentication_status"):
            st.stop()
        # Signed in by this run's form (which also set the cookie): the button to end it.
        authenticator.logout(t("auth_logout", lang), location="sidebar", key="parkatlas_logout")
    who = signed_in()
    assert who is not None
    identity.caption(t("auth_as", lang, name=who.name, role=t(f"role_name_{who.role}", lang)))
    return who
