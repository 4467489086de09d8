"""The re-authentication cookie as the server sets it (issue 22): HttpOnly, so no script in the
page can read it, SameSite=Strict, Secure when the app is reached over HTTPS.

A cookie set from JavaScript (streamlit-authenticator's component) is readable by every script of
the page. Instead, the page puts a 1x1 image whose URL is a one-time grant of this session
(`ui.file_gate`, served by `ui.server_routes`); its response carries the `Set-Cookie`. The same
way deletes it. Streamlit hands every cookie, HttpOnly ones too, to the session in
`st.context.cookies`, which is where `ui.auth` reads it back.
"""

from __future__ import annotations

import streamlit as st

from ui import file_gate
from ui.session_rights import signed_in_user

PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
"""A transparent 1x1 GIF: what the image is, besides its cookie header."""


def cookie_header(name: str, value: str, max_age_s: int, secure: bool) -> str:
    """The Set-Cookie header value.

    >>> cookie_header("parkatlas_auth", "abc", 60, False)
    'parkatlas_auth=abc; Max-Age=60; Path=/; HttpOnly; SameSite=Strict'
    """
    return f"{name}={value}; Max-Age={max(int(max_age_s), 0)}; Path=/; HttpOnly; SameSite=Strict" + (
        "; Secure" if secure else "")


def _over_https() -> bool:
    """Whether the browser reached the app over HTTPS (directly, or through a proxy that says so)."""
    try:
        proto = str(st.context.headers.get("X-Forwarded-Proto") or "").lower()
        return proto == "https" or str(st.context.url or "").startswith("https:")
    except Exception:  # no request behind this run (AppTest)
        return False


def _pixel(kind: str, header: str, allowed) -> None:
    """Put the one-time image whose response sets `header` into the page."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    token = file_gate.grant(kind, "p.gif", ctx.session_id if ctx else "", allowed, produce=lambda: PIXEL,
                            media_type="image/gif", headers={"set-cookie": header}, once=True)
    url = file_gate.url(token, "p.gif", st.get_option("server.baseUrlPath") or "")
    st.html(f'<img src="{url}" alt="" width="1" height="1" style="position:absolute;opacity:0">')


def set_cookie(name: str, value: str, days: float, username: str) -> None:
    """Give the browser the HttpOnly cookie `name`=`value` for `days`, answered only while this
    session is signed in as `username`."""
    header = cookie_header(name, value, int(days * 86400), _over_https())
    _pixel("cookie-set", header, lambda get: (signed_in_user(get) or ("",))[0] == username)


def clear_cookie(name: str) -> None:
    """Delete the browser's cookie `name` (ours, or one an earlier release set from JavaScript)."""
    _pixel("cookie-clear", cookie_header(name, "", 0, _over_https()), lambda get: True)
