"""What a browser session may fetch outside its page (issue 22): checked by `ui.server_routes` on
every request for a file (`ui.file_gate`), and for every upload, from the session's own state and
the credentials file at that moment, never from anything the request says about itself.

Single-user install (no `PARKATLAS_CREDENTIALS`): whoever reaches the server is the local owner.
Team install: a session must be signed in, as a user the credentials file still holds, with a role
that allows the file (`store.roles`); a signed-out, removed or demoted user loses access at once.
"""

from __future__ import annotations

from ui.auth import session_role
from ui.file_gate import StateGetter

UPLOADER_SHOWN = "_parkatlas_uploader_shown"
"""Session-state key a page sets when it draws a file uploader (`mark_uploader_shown`)."""


def signed_in_user(state: StateGetter) -> tuple[str, str] | None:
    """(user name, role) of the session now (`ui.auth.session_role`: the credentials file read at
    this moment, revocations applied): ("", "admin") for a single-user install, ("", "viewer") on
    a team database without sign-in; None when sign-in is configured and this session is not
    signed in, or its user is gone, or its sign-in was revoked since."""
    return session_role(state)


def may_read_layers(state: StateGetter) -> bool:
    """Whether the session may fetch the workspace's layers (every signed-in role reads)."""
    return signed_in_user(state) is not None


def may_audit(state: StateGetter) -> bool:
    """Whether the session may fetch the audit log (admin)."""
    who = signed_in_user(state)
    return who is not None and who[1] == "admin"


def may_upload(state: StateGetter) -> bool:
    """Whether the session may send a file: it shows an uploader now (viewers too: checking a file
    before anyone saves it is reading), and is signed in when sign-in is configured."""
    return bool(state(UPLOADER_SHOWN)) and signed_in_user(state) is not None
