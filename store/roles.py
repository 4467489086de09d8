"""Who may do what in a workspace. Checked by the store on every write, whatever the page shows.

- viewer: read.
- editor: save features and layers, restore an older version, hide a feature or a layer, keep
  plan documents in the workspace.
- admin: everything an editor may, show hidden features and layers again, manage users and
  export the audit log.

A local single-user workspace is opened by the app as its owner (admin); sign-in with roles
comes with the team database.
"""

from __future__ import annotations

from store._errors import PermissionDenied

ROLES = ("viewer", "editor", "admin")

ALLOWED: dict[str, frozenset[str]] = {
    "viewer": frozenset(),
    "editor": frozenset({"save", "restore", "hide", "hide_layer", "add_layer", "settings", "keep_documents"}),
    "admin": frozenset({"save", "restore", "hide", "hide_layer", "add_layer", "settings", "keep_documents", "unhide",
                        "manage_users", "audit"}),
}
"""The write actions (and the audit export) each role may take."""


def may(role: str, action: str) -> bool:
    """Whether `role` may take the write `action`.

    >>> may("editor", "save"), may("viewer", "save"), may("editor", "unhide")
    (True, False, False)
    """
    return action in ALLOWED.get(role, frozenset())


def require(role: str, action: str, location: str = "") -> None:
    """Raise PermissionDenied unless `role` may take `action`."""
    if role not in ROLES:
        raise PermissionDenied(f"{location}: unknown role {role!r}; roles are {', '.join(ROLES)}")
    if not may(role, action):
        raise PermissionDenied(f"{location}: a {role} may not {action.replace('_', ' ')}; ask an "
                               f"{'admin' if action in ('unhide', 'manage_users') else 'editor or admin'}")
