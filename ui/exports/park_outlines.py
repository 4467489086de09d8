"""What an export of parks says about each park's outline (issue 21): the workspace version its
current geometry was saved in by an officer — version, author, date, reason, evidence (the file
name and SHA-256, or the document, as the workspace stores it) — beside `geometry_quality`; and
no bundled note that the outline contradicts (the bundled notes speak of an approximate point).

Pure functions over a parks frame and `store.Workspace.history` frames; `outline_origins` reads
the histories it needs through a function it is given. Geometry is EPSG:4326 throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

OUTLINE_COLUMNS = ("outline_version", "outline_author", "outline_date", "outline_reason", "outline_evidence")
"""The columns every parks export carries (null where the geometry is the bundled one)."""

OUTLINE_ABOUT = {
    "outline": "outline_version/outline_author/outline_date (UTC)/outline_reason/outline_evidence: the workspace "
               "version in which an officer saved the park's current outline, and the evidence saved with it "
               "(file name and SHA-256, or document); empty where the geometry is the bundled one. A bundled note "
               "on an approximate position is left out of the parks an officer outlined."}
"""What a parks export says about those columns (GeoPackage metadata, README.txt, the XLSX "about" sheet)."""

BUNDLED_OPS = ("seed", "bundle")
"""Versions written from the bundled data/, not by an officer (`store.seed`)."""


@dataclass(frozen=True)
class OutlineOrigin:
    """The version a park's current geometry comes from: its number, author, UTC time, reason,
    evidence, and the note of the last bundled version before it (None when there was none)."""

    version: int
    author: str
    time: pd.Timestamp
    reason: str
    evidence: str
    bundled_note: str | None


def _same_geometry(a: shapely.Geometry | None, b: shapely.Geometry | None) -> bool:
    """Whether two versions' geometries (EPSG:4326) are the same, coordinate for coordinate.

    >>> from shapely.geometry import box
    >>> _same_geometry(box(0, 0, 1, 1), box(0, 0, 1, 1)), _same_geometry(None, None), _same_geometry(None, box(0, 0, 1, 1))
    (True, True, False)
    """
    if a is None or b is None:
        return a is None and b is None
    return bool(shapely.equals_exact(a, b, tolerance=0.0))


def _bundled_note(history: pd.DataFrame, before: int) -> str | None:
    """The `note` of the last seed/bundle version among the first `before` rows of `history`."""
    bundled = history.iloc[:before]
    bundled = bundled[bundled["op"].isin(BUNDLED_OPS)]
    if bundled.empty:
        return None
    note = (bundled.iloc[-1]["attributes"] or {}).get("note")
    return note if isinstance(note, str) and note.strip() else None


def _first_saved(rows: pd.DataFrame, i: int) -> int:
    """The row (of `rows`, versions oldest first) in which the geometry of row `i` was first
    saved: back over versions that kept it (an attribute change, hiding, showing again), and from
    a restore to the version it restored."""
    geoms = list(rows.geometry)
    while True:
        while i > 0 and _same_geometry(geoms[i - 1], geoms[i]):
            i -= 1
        restored = rows.iloc[i]["restored_from"] if rows.iloc[i]["op"] == "restore" else None
        earlier = [] if restored is None or pd.isna(restored) else list(rows.index[rows["version"] == int(restored)])
        if not earlier or earlier[0] >= i:
            return i
        i = int(earlier[0])


def outline_origin(history: gpd.GeoDataFrame | None) -> OutlineOrigin | None:
    """The version in which an officer saved a feature's current geometry, or None when the
    geometry is the bundled one (first saved by a seed or bundle version).

    history: `Workspace.history(layer, feature)` (oldest first; `geometry` in EPSG:4326). Versions
    that kept the geometry (attribute changes, hiding, showing again) are passed over, and a
    restore leads to the version it restored, whose author and evidence (file name and SHA-256,
    or document) are the outline's.
    """
    if history is None or history.empty:
        return None
    rows = history.reset_index(drop=True)
    i = _first_saved(rows, len(rows) - 1)
    row = rows.iloc[i]
    if row["op"] in BUNDLED_OPS:
        return None
    time = pd.Timestamp(row["time"])
    time = time.tz_localize("UTC") if time.tzinfo is None else time.tz_convert("UTC")  # the store writes UTC
    return OutlineOrigin(int(row["version"]), str(row["author"] or ""), time,
                         str(row["reason"] or ""), str(row["evidence"] or ""), _bundled_note(rows, i))


def outline_origins(versions: Mapping[str, int], history: Callable[[str], gpd.GeoDataFrame | None],
                    ) -> dict[str, OutlineOrigin]:
    """{park id: OutlineOrigin} of the parks whose geometry an officer saved.

    versions: {park id: current workspace version}; a park still at version 1 has its seeded
    geometry, so only the others' histories are read (`history(park_id)`, None when unreadable).
    """
    origins = {}
    for park_id, version in versions.items():
        if version is not None and int(version) > 1:
            origin = outline_origin(history(park_id))
            if origin is not None:
                origins[park_id] = origin
    return origins


def _note_left(note: object, origin: OutlineOrigin | None) -> object:
    """The park's note as exported: dropped when it is the bundled note and an officer's outline
    replaced the bundled geometry it was written about; kept otherwise (an officer's own note)."""
    if origin is None or not isinstance(note, str):
        return note
    return None if note == origin.bundled_note else note


def with_outline_columns(parks: gpd.GeoDataFrame, origins: Mapping[str, OutlineOrigin]) -> gpd.GeoDataFrame:
    """A copy of `parks` (EPSG:4326, indexed by park id) with `OUTLINE_COLUMNS` (before the
    geometry): filled for the parks in `origins`, null for the others; `outline_date` is the UTC
    date (YYYY-MM-DD) of the version. The `note` of an outlined park is dropped when it is the
    bundled note (`_note_left`)."""
    out = parks.copy()
    found = [origins.get(pid) for pid in out.index]
    geom_col = out.geometry.name
    columns = {
        "outline_version": pd.array([o.version if o else None for o in found], dtype="Int64"),
        "outline_author": [o.author if o else None for o in found],
        "outline_date": [f"{o.time:%Y-%m-%d}" if o else None for o in found],
        "outline_reason": [o.reason if o else None for o in found],
        "outline_evidence": [o.evidence if o else None for o in found],
    }
    for name, values in columns.items():
        out[name] = pd.Series(values, index=out.index, dtype="Int64" if name == "outline_version" else object)
    if "note" in out.columns:
        out["note"] = pd.Series([_note_left(n, o) for n, o in zip(out["note"], found)], index=out.index, dtype=object)
    order = [c for c in out.columns if c != geom_col] + [geom_col]
    return out[order]
