"""Exception types raised by `store`: one place, so the app catches ours and not a driver's."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error raised on purpose by `store`."""


class WorkspaceError(StoreError):
    """The workspace cannot be used as asked: a file that is corrupt, not a ParkAtlas workspace,
    written by a newer ParkAtlas, locked by another program for too long, or a database that
    cannot be reached. The message names the location and says what to do; the file is never
    changed by the failed attempt."""


class ConflictError(StoreError):
    """A save started from a version that is no longer the current one: someone (another editor,
    tab or process) saved the same feature in between. Nothing was written.

    `current_version` is the version now in the workspace, `expected_version` the one the editor
    started from; `theirs` is the history row of the newer save (a dict: author, time, reason,
    evidence, area_m2, geometry) so the page can show both changes."""

    def __init__(self, layer_id: str, feature_id: str, expected_version: int | None,
                 current_version: int | None, theirs: dict | None = None):
        self.layer_id = layer_id
        self.feature_id = feature_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.theirs = theirs or {}
        who = f" by {self.theirs['author']}" if self.theirs.get("author") else ""
        super().__init__(
            f"{layer_id}/{feature_id}: you started from version {expected_version}, but version "
            f"{current_version} was saved{who} in the meantime; nothing was saved. Reload the feature "
            "and apply your change again, or drop it.")


class PermissionDenied(StoreError):
    """The signed-in role may not make this change (checked in the store on every write)."""


class MissingAuthorError(StoreError, ValueError):
    """A write without an author name: every version says who made it."""


class FeatureNotFound(StoreError, KeyError):
    """A layer or feature id the workspace does not hold."""

    def __str__(self) -> str:  # KeyError prints the repr of its argument
        return str(self.args[0]) if self.args else "not found"
