"""Park outlines brought by officers: which feature of a boundary file outlines which park, and
what to check before an outline replaces a park's point or older outline.

Matching (`match_features`): by an id column (the park's id), by a name column (the park's
Chinese or English name, exactly or as part of the other), by containing the park's current
position, or by hand (no automatic match). Every match says how it was made.

Checks (`check_outline`): geodesic area before and after, the distance from the park's current
geometry, the share of the old outline covered, and warnings when the outline is far from where
the park is known to be (`MAX_DISTANCE_M`) or its area is far from the stated one
(`AREA_RATIO_LIMITS`). Warnings are codes with values so the page can word them in zh or en.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from geo.measure import geodesic_area_one_m2
from geo.outline import distance_m, overlap_share

MAX_DISTANCE_M = 3_000.0
"""An outline further than this from the park's known point or outline is probably another place."""

AREA_RATIO_LIMITS = (0.5, 2.0)
"""An outline whose area is under half or over twice the stated area gets a warning."""

QUALITY_FROM_FILE = ("surveyed", "digitised", "schematic")
"""What an outline from a file can be: an official survey (红线, 控规 parcels), a digitisation, or
a sketch; a drawn outline is `digitised`."""

MATCH_METHODS = ("id", "name", "contains", "hand")
KIND_ORDER = {"zone": 0, "park": 1, "carrier": 2, "phase": 3}
"""When one feature contains several parks' points (a park and its phases share one), the
larger kind is proposed first."""


def _norm(text: object) -> str:
    """A name compared loosely: no spaces or punctuation, case-folded.

    >>> _norm(" Pazhou  Internet-Park "), _norm("琶洲·互联网园")
    ('pazhouinternetpark', '琶洲互联网园')
    """
    return re.sub(r"[\W_]+", "", str(text or ""), flags=re.UNICODE).casefold()


def _name_matches(value: object, parks: gpd.GeoDataFrame) -> tuple[list[str], str]:
    """Parks whose zh or en name equals `value` (else contains it or is contained in it)."""
    v = _norm(value)
    if not v:
        return [], ""
    exact = [pid for pid, zh, en in zip(parks.index, parks["name_zh"], parks["name_en"]) if v in (_norm(zh), _norm(en))]
    if exact:
        return exact, "name"
    partial = [pid for pid, zh, en in zip(parks.index, parks["name_zh"], parks["name_en"])
               if any(n and (v in n or n in v) for n in (_norm(zh), _norm(en)))]
    partial.sort(key=lambda pid: -len(_norm(parks.at[pid, "name_zh"])))  # the most specific name first
    return partial, "name (partial)"


def match_features(features: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, method: str,
                   column: str | None = None) -> pd.DataFrame:
    """One row per feature of `features` (EPSG:4326): `feature` (its position in the file),
    `park_id` (the proposed park, None when none), `matched_by` (id | name | name (partial) |
    contains | None), `value` (the file's value that matched), `candidates` (every park that
    could match, the proposed one first).

    method: "id" or "name" (with `column`, the file's column), "contains" (the feature contains
    the park's current position), or "hand" (nothing proposed).
    """
    if method not in MATCH_METHODS:
        raise ValueError(f"method must be one of {', '.join(MATCH_METHODS)}")
    rows = []
    points = parks.geometry.representative_point()
    for pos, (idx, feat) in enumerate(features.iterrows()):
        candidates: list[str] = []
        how, value = None, None
        if method == "id" and column:
            value = feat.get(column)
            key = str(value).strip().lower() if value is not None else ""
            candidates = [key] if key in parks.index else []
            how = "id" if candidates else None
        elif method == "name" and column:
            value = feat.get(column)
            candidates, how = _name_matches(value, parks)
            how = how if candidates else None
        elif method == "contains" and feat.geometry is not None and not feat.geometry.is_empty:
            inside = points[shapely.contains(feat.geometry, points.values)]
            candidates = sorted(inside.index, key=lambda pid: (KIND_ORDER.get(parks.at[pid, "kind"], 9), pid))
            how = "contains" if candidates else None
        rows.append({"feature": pos, "park_id": candidates[0] if candidates else None, "matched_by": how,
                     "value": None if value is None else str(value), "candidates": candidates})
    frame = pd.DataFrame(rows, columns=["feature", "park_id", "matched_by", "value", "candidates"], dtype=object)
    frame["feature"] = frame["feature"].astype(int)
    return frame


@dataclass
class OutlineCheck:
    """What an officer looks at before saving an outline for a park (areas in m², distance in m)."""

    area_before_m2: float
    area_after_m2: float
    stated_m2: float | None
    distance_m: float
    overlap: float | None
    warnings: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def ratio_to_stated(self) -> float | None:
        return self.area_after_m2 / self.stated_m2 if self.stated_m2 else None


def check_outline(park: pd.Series, outline: shapely.Geometry) -> OutlineCheck:
    """Measure `outline` (a prepared (Multi)Polygon, EPSG:4326) against the park's current
    geometry and stated area (`stated_area_km2`) and list the warnings.

    Warnings: ("far", {"km": ...}) when the outline is more than MAX_DISTANCE_M from the park's
    current geometry; ("area_ratio", {"ratio": ...}) when the area is outside AREA_RATIO_LIMITS of
    the stated area; ("no_overlap", {}) when an older outline exists and the new one does not
    touch it.
    """
    current = park.geometry
    stated = park.get("stated_area_km2")
    stated_m2 = float(stated) * 1e6 if stated is not None and stated == stated and float(stated) > 0 else None
    after = geodesic_area_one_m2(outline)
    dist = distance_m(outline, current) if current is not None and not current.is_empty else 0.0
    share = overlap_share(outline, current) if current is not None else None
    check = OutlineCheck(geodesic_area_one_m2(current), after, stated_m2, dist, share)
    if dist > MAX_DISTANCE_M:
        check.warnings.append(("far", {"km": round(dist / 1000, 1)}))
    ratio = check.ratio_to_stated
    if ratio is not None and not (AREA_RATIO_LIMITS[0] <= ratio <= AREA_RATIO_LIMITS[1]):
        check.warnings.append(("area_ratio", {"ratio": round(ratio, 2)}))
    if share == 0.0:
        check.warnings.append(("no_overlap", {}))
    return check


def outline_evidence(file_name: str, position: int, value: str | None, digest: str) -> str:
    """The evidence a version saved from a file carries: the file, the feature and a digest.

    >>> outline_evidence("红线.gpkg", 2, "琶洲", "ab12cd34")
    '红线.gpkg, feature #3 (琶洲), sha256 ab12cd34'
    """
    named = f" ({value})" if value else ""
    return f"{file_name}, feature #{position + 1}{named}, sha256 {digest}"
