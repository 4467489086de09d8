"""Sign-in for teams: bcrypt-hashed passwords in a credentials file outside the repository
(`PARKATLAS_CREDENTIALS`), each user with a role (viewer | editor | admin). Without that file the
app is a single-user install, as before: no sign-in, the local user owns the workspace — except
on a team database (`PARKATLAS_DATABASE_URL`), where it fails closed: every page says what is
missing and nobody may change anything, unless the operator sets
`PARKATLAS_ALLOW_ANONYMOUS_TEAM=1`.

The role a session acts with is read from the credentials file by the signed-in user name on
every run, never from what the session says about itself; the store checks it on every write
(`store.roles`). A session is signed out at its next run when its user was removed, given a
lower role or a new password, or every session was ended (`ui.credentials.session_still_valid`);
a re-authentication cookie from before that is refused, as is any cookie that is not one of ours.

The file is only read here and changed through `ui.credentials` (locked read-modify-write):
streamlit-authenticator gets a copy of the credentials, so it never writes the file; it draws
the sign-out button and sets and deletes the cookie. The password check, its limits (per user
name in the file, per client in this process's memory) and the cookie check are ours. Manage
users with `python -m ui.users`.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from ui import credentials
from ui.credentials import (CREDENTIALS_ENV, SIGNED_IN_AT, SIGNED_IN_ROLE, CredentialsError, role_of,
                            session_still_valid)
from ui.i18n import Lang, t

__all__ = ["CREDENTIALS_ENV", "SignedIn", "client_key", "credentials_path", "read_credentials",
           "require_sign_in", "role_of", "session_role", "session_still_valid", "signed_in", "team_read_only"]

DATABASE_ENV = "PARKATLAS_DATABASE_URL"
"""The team database (the same name as `ui.workspace.DATABASE_ENV`)."""
ALLOW_ANONYMOUS_ENV = "PARKATLAS_ALLOW_ANONYMOUS_TEAM"
"""Set to 1 to let a team database run without sign-in, everyone acting as admin."""
PROXY_ENV = "PARKATLAS_BEHIND_PROXY"
"""Set to 1 when a reverse proxy sets X-Forwarded-For: the client is then its last entry."""

COOKIE_CHECKED = "_parkatlas_cookie_checked"
COOKIE_GIVEN = "_parkatlas_cookie_given"
"""Set when this session gave the browser a re-authentication cookie (to delete at sign-out)."""
"""Session-state key: the request's cookie was looked at (once a session: a browser's cookies
reach the server when the session starts, and a signed-out session must not use them again)."""
REVOKED = "_parkatlas_revoked"
"""Session-state key: this session was signed out because it is no longer valid (said until the
next sign-in)."""
LOGIN_FORM = "parkatlas_login"


@dataclass(frozen=True)
class SignedIn:
    """Who this session is: their user name (what versions record), display name and role."""

    username: str
    name: str
    role: str


ANONYMOUS = SignedIn("", "", "viewer")
"""A session that is not signed in (or a team database without sign-in): it may only look."""


def credentials_path() -> Path | None:
    """The credentials file when sign-in is configured, else None."""
    value = os.environ.get(CREDENTIALS_ENV, "").strip()
    return Path(value).expanduser() if value else None


def read_credentials(path: Path) -> dict:
    """The credentials file as a dict; `ui.credentials.CredentialsError` when it cannot be used."""
    return credentials.read(path)


def team_read_only() -> bool:
    """A team database without sign-in, and no explicit opt-in to anonymous editing: read-only."""
    return (credentials_path() is None and bool(os.environ.get(DATABASE_ENV, "").strip())
            and os.environ.get(ALLOW_ANONYMOUS_ENV, "").strip() != "1")


def signed_in() -> SignedIn | None:
    """This session's user when sign-in is configured (an anonymous viewer until they sign in, or
    once their session is no longer valid); an anonymous viewer on a team database without
    sign-in (`team_read_only`); None for a single-user install."""
    if credentials_path() is None:
        return ANONYMOUS if team_read_only() else None
    found = session_role(st.session_state.get)
    if found is None or not found[0]:
        return ANONYMOUS
    username, role = found
    return SignedIn(username, str(st.session_state.get("name") or username), role)


def session_role(state: Callable[[str], Any]) -> tuple[str, str] | None:
    """(user name, role) a session acts as, its state read through `state(key)` — for checks made
    outside the page's run (e.g. serving a file): ("", "admin") on a single-user install, ("",
    "viewer") on a team database without sign-in (`team_read_only`), else the signed-in user with
    their role now, or None when not signed in, or no longer valid (removed, revoked, demoted)."""
    path = credentials_path()
    if path is None:
        return ("", "viewer") if team_read_only() else ("", "admin")
    username = str(state("username") or "") if state("authentication_status") else ""
    if not username:
        return None
    try:
        config = credentials.read(path)
    except CredentialsError:  # an unusable credentials file grants nothing
        return None
    if not session_still_valid(config, username, state):
        return None
    return username, role_of(config, username)


def client_key() -> str:
    """Who is guessing, for the per-client limit: the connection's address (`st.context.ip_address`;
    "localhost" for a local connection), or with PARKATLAS_BEHIND_PROXY=1 the last entry of
    X-Forwarded-For, which the proxy must set (a client-sent one would come first)."""
    if os.environ.get(PROXY_ENV, "").strip() == "1":
        forwarded = st.context.headers.get("X-Forwarded-For")
        last = forwarded.split(",")[-1].strip() if isinstance(forwarded, str) else ""
        if last:
            return last
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "localhost"


def _request_cookies() -> dict[str, str]:
    """The cookies the browser sent when this session started (none outside a browser session)."""
    try:
        return {str(k): v for k, v in st.context.cookies.items() if isinstance(v, str)}
    except Exception:  # no request behind this run (AppTest, bare mode)
        return {}


def _authenticated() -> bool:
    return bool(st.session_state.get("authentication_status"))


def _usable_config(path: Path, lang: Lang) -> dict:
    """The credentials file, or (after saying what is wrong and how to fix it) the page stops:
    missing, unreadable, not YAML, the wrong shape, no strong cookie key."""
    if not path.is_file():
        st.error(t("auth_no_file", lang, path=path))
        st.stop()
    try:
        config = credentials.read(path)
    except CredentialsError as exc:
        st.error(t("auth_bad_file", lang, markdown=False, path=path, why=exc.why))  # path in a code span
        st.stop()
    problem = credentials.cookie_key_problem(config)
    if problem:
        st.error(t("auth_weak_cookie_key", lang, markdown=False, path=path, why=problem, n=credentials.MIN_COOKIE_KEY))
        st.code(f"{CREDENTIALS_ENV}={path} python -m ui.users rotate-cookie-key", language="sh")
        st.stop()
    return config


def _authenticator(config: dict) -> Any:
    """streamlit-authenticator over a copy of the credentials (it never writes the file)."""
    import streamlit_authenticator as stauth

    name, key, days = credentials.cookie_settings(config)
    return stauth.Authenticate(copy.deepcopy(config["credentials"]), name, key, days, auto_hash=False)


def _enter(config: dict, username: str, at: float) -> None:
    """Sign this session in as `username`, who signed in at `at`."""
    user = credentials.users(config)[username]
    st.session_state.update({"authentication_status": True, "username": username,
                             "name": credentials.display_name(config, username), "email": user.get("email"),
                             "roles": user.get("roles"), SIGNED_IN_AT: at, SIGNED_IN_ROLE: role_of(config, username),
                             REVOKED: False})


def _sign_out(authenticator: Any) -> None:
    """End this session's sign-in and delete its cookie."""
    authenticator.logout(location="unrendered")
    for key in (SIGNED_IN_AT, SIGNED_IN_ROLE):
        st.session_state.pop(key, None)
    st.session_state[COOKIE_CHECKED] = True  # the cookie this session started with is not used again


def _sign_in_from_cookie(config: dict) -> None:
    """Once a session: sign in with the request's re-authentication cookie when it is good (a
    cookie that is not is deleted with every other cookie a signed-out session's browser holds:
    `_forget_cookie`)."""
    if st.session_state.get(COOKIE_CHECKED):
        return
    st.session_state[COOKIE_CHECKED] = True
    name, _, _ = credentials.cookie_settings(config)
    found = credentials.cookie_identity(config, _request_cookies().get(name), time.time())
    if found is not None:
        _enter(config, *found)


def _forget_cookie(authenticator: Any, config: dict) -> None:
    """In a session that is not signed in, delete the re-authentication cookie the browser may
    still hold (refused, or from before signing out or being signed out): on every such run, since
    a rerun can replace the page before the browser has fetched what deletes it."""
    from ui import signin_cookie  # it checks sessions with ui.session_rights, which reads this module

    name, _, _ = credentials.cookie_settings(config)
    if name in _request_cookies() or st.session_state.get(COOKIE_GIVEN):
        signin_cookie.clear_cookie(name)


def _set_cookie(authenticator: Any, config: dict, username: str, at: float) -> None:
    """Give the browser an HttpOnly re-authentication cookie for `username`, signed in at `at`
    (`ui.signin_cookie`: set by our server, never readable by a script)."""
    from ui import signin_cookie

    name, _, days = credentials.cookie_settings(config)
    signin_cookie.set_cookie(name, credentials.cookie_token(config, username, at), days, username)
    st.session_state[COOKIE_GIVEN] = True


def _until_text(until: float) -> str:
    """HH:MM (this server's local time) at or after `until`."""
    return time.strftime("%H:%M", time.localtime(until + 59))


def _sign_in_form(authenticator: Any, path: Path, lang: Lang) -> None:
    """The sign-in form; on a submission, the attempt (within the limits) and what came of it."""
    with st.form(LOGIN_FORM, clear_on_submit=True):
        st.subheader(t("auth_title", lang))
        username = st.text_input(t("auth_username", lang), key=f"{LOGIN_FORM}_user", autocomplete="off",
                                 max_chars=64)
        password = st.text_input(t("auth_password", lang), type="password", key=f"{LOGIN_FORM}_password",
                                 autocomplete="off")
        submitted = st.form_submit_button(t("auth_login", lang))
    username = username.strip().lower()
    if not submitted or not username or not password:
        return
    try:
        outcome = credentials.attempt(path, username, password, client_key())
        config = credentials.read(path)
    except (CredentialsError, OSError) as exc:
        st.error(t("auth_cannot_record", lang, markdown=False, path=path, why=getattr(exc, "why", type(exc).__name__)))
        return
    if outcome.ok and username in credentials.users(config):
        _enter(config, username, outcome.at)
        _set_cookie(authenticator, config, username, outcome.at)
    elif outcome.blocked_until:
        st.error(t("auth_too_many", lang, markdown=False, time=_until_text(outcome.blocked_until)))
    else:
        st.error(t("auth_failed", lang))


def _without_sign_in(lang: Lang) -> SignedIn | None:
    """No credentials file: None (single-user install), or on a team database without the
    explicit opt-in, the read-only anonymous viewer after saying why and how to fix it."""
    if not team_read_only():
        return None
    st.error(t("team_needs_sign_in", lang))
    return ANONYMOUS


def require_sign_in(lang: Lang) -> SignedIn | None:
    """With sign-in configured: the sign-in form until the user is signed in (the page stops
    there), then their name, role and a sign-out button in the sidebar. A session that is no
    longer valid is signed out first, and told so. Without sign-in: None, or the read-only
    anonymous viewer on a team database (`team_read_only`)."""
    path = credentials_path()
    if path is None:
        return _without_sign_in(lang)
    config = _usable_config(path, lang)
    authenticator = _authenticator(config)
    identity = st.sidebar.container()
    # The notice and the form always at this place: the cookie components drawn after them on
    # some runs only (deleting, setting) never move them, so a rerun never shows two forms.
    form_place = st.container()
    username = str(st.session_state.get("username") or "")
    if _authenticated() and not session_still_valid(config, username, st.session_state.get):
        _sign_out(authenticator)
        st.session_state[REVOKED] = True
    if st.session_state.get(REVOKED) and not _authenticated():
        form_place.warning(t("auth_revoked", lang))  # on every run until they sign in again
    if not _authenticated():
        _sign_in_from_cookie(config)
    if _authenticated():
        # The sign-out button comes before the page: when it was pressed, this same run goes on
        # to the sign-in form (and renders the component that deletes the re-authentication
        # cookie), instead of drawing one more signed-in page that only the next click replaces.
        authenticator.logout(t("auth_logout", lang), location="sidebar", key="parkatlas_logout")
    if not _authenticated():
        with form_place:
            _sign_in_form(authenticator, path, lang)
        if not _authenticated():
            _forget_cookie(authenticator, config)
            st.stop()
        # Signed in by this run's form (which also set the cookie): the button to end it.
        authenticator.logout(t("auth_logout", lang), location="sidebar", key="parkatlas_logout")
    username = str(st.session_state["username"])
    who = SignedIn(username, credentials.display_name(config, username), role_of(config, username))
    identity.caption(t("auth_as", lang, name=who.name, role=t(f"role_name_{who.role}", lang)))
    return who
