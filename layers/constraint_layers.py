"""Imported layers used as constraints (role "constraint"): the kind, rule and tolerance kept with
the layer, the checks they make, and a park's overall verdict.

A constraint layer is a user layer (`layers.user_layers`, role ``"constraint"``) whose features
carry three columns, written at import like a land-use layer's `code` (so they are saved,
versioned and exported with the layer like every other attribute):

- ``constraint_kind``: the id of a bundled kind (`layers.constraints.KINDS`) or, for a kind the
  officer named, ``officer-<name>``; ``constraint_name``: the kind's name as shown (Chinese);
- ``constraint_rule``: ``avoid`` (must not overlap) or ``within`` (must lie within);
- ``constraint_tolerance_m2``: conflicts at or below it (m², geodesic) are slivers.

Geometry is EPSG:4326 (lon/lat, as every stored layer); areas come from `geo.constraints`
(geodesic on the WGS84 ellipsoid, m²).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.constraints import RULES, prepare_constraint
from layers._errors import LayerValidationError
from layers.constraints import KINDS, ConstraintCheck, ConstraintKind, officer_kind

ROLE = "constraint"
KIND_COLUMN, NAME_COLUMN, RULE_COLUMN, TOLERANCE_COLUMN = (
    "constraint_kind", "constraint_name", "constraint_rule", "constraint_tolerance_m2")
COLUMNS = (KIND_COLUMN, NAME_COLUMN, RULE_COLUMN, TOLERANCE_COLUMN)
OFFICER_PREFIX = "officer-"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

OVERALL_ORDER = ("conflict", "not covered", "no outline", "sliver", "clear")
"""A park's overall constraint verdict is the first of these that any of its checks has."""


@dataclass(frozen=True)
class ConstraintSpec:
    """What a constraint layer is used as: its kind, rule (avoid / within) and tolerance (m²)."""

    kind: ConstraintKind
    rule: str
    tolerance_m2: float

    @property
    def colour(self) -> str:
        """The kind's map colour (``#rrggbb``; grey if the stored one is not such a colour)."""
        return self.kind.colour if _COLOUR.match(self.kind.colour) else "#636363"


def spec(kind_id_or_name: str, rule: str | None = None, tolerance_m2: float | None = None) -> ConstraintSpec:
    """The spec of a bundled kind (by id or name) or an officer-named one, with the kind's default
    rule and tolerance unless given. Raises LayerValidationError for an empty name, an unknown
    rule or a negative tolerance.

    >>> s = spec("permanent-basic-farmland")
    >>> s.kind.name_zh, s.rule, s.tolerance_m2
    ('永久基本农田', 'avoid', 100.0)
    >>> spec("地质灾害风险区", "avoid", 20).kind.id
    'officer-地质灾害风险区'
    """
    name = (kind_id_or_name or "").strip()
    if not name:
        raise LayerValidationError(["a constraint layer needs a kind (a bundled one or a name of your own)"])
    if name.startswith(OFFICER_PREFIX):
        name = name[len(OFFICER_PREFIX):]
    kind = KINDS.get(name) or next((k for k in KINDS.values() if name in (k.name_zh, k.name_en)), None)
    if kind is None:
        kind = officer_kind(name[:60], rule or "avoid", 100.0 if tolerance_m2 is None else max(float(tolerance_m2), 0.0))
    rule = rule or kind.rule
    if rule not in RULES:
        raise LayerValidationError([f"rule {rule!r} is not one of {', '.join(RULES)}"])
    tolerance = kind.tolerance_m2 if tolerance_m2 is None else float(tolerance_m2)
    if not tolerance >= 0:
        raise LayerValidationError([f"tolerance {tolerance_m2!r} m² must be a number >= 0"])
    return ConstraintSpec(kind, rule, tolerance)


def mark(gdf: gpd.GeoDataFrame, used_as: ConstraintSpec, origin: str = "") -> gpd.GeoDataFrame:
    """`gdf` (EPSG:4326, already mapped by `apply_mapping`) with the constraint columns set on
    every feature (a new frame). Raises LayerValidationError when it holds no polygon."""
    polygonal = gdf.geom_type.isin(["Polygon", "MultiPolygon"])
    if not polygonal.any():
        raise LayerValidationError([f"{origin or 'layer'}: a constraint layer needs polygons; this one has none "
                                    f"({', '.join(sorted(set(map(str, gdf.geom_type.dropna())))) or 'no geometry'})"])
    out = gdf.copy()
    out[KIND_COLUMN] = used_as.kind.id
    out[NAME_COLUMN] = used_as.kind.name_zh
    out[RULE_COLUMN] = used_as.rule
    out[TOLERANCE_COLUMN] = float(used_as.tolerance_m2)
    return out


def spec_of(gdf: gpd.GeoDataFrame, role: str) -> ConstraintSpec | None:
    """What a saved layer is used as (from its first feature's columns), or None when it is not a
    constraint layer (another role, or the columns are missing)."""
    if role != ROLE or gdf.empty or not set(COLUMNS) <= set(gdf.columns):
        return None
    first = gdf.iloc[0]
    kind_id = str(first[KIND_COLUMN] or "")
    name = str(first[NAME_COLUMN] or "")
    tolerance = pd.to_numeric(pd.Series([first[TOLERANCE_COLUMN]]), errors="coerce").iloc[0]
    try:
        return spec(kind_id if kind_id in KINDS else name or kind_id, str(first[RULE_COLUMN] or "") or None,
                    None if pd.isna(tolerance) else float(tolerance))
    except LayerValidationError:
        return None


def make_check(gdf: gpd.GeoDataFrame, used_as: ConstraintSpec, *, layer_name: str, version: str | None = None,
               as_of: str | None = None) -> ConstraintCheck:
    """The check of one saved constraint layer (its polygons prepared: `geo.constraints`), labelled
    with the kind's name, the layer's name, version (workspace revision) and as-of date."""
    polygons = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
    layer = prepare_constraint(polygons.geometry, name=layer_name)
    return ConstraintCheck(kind=used_as.kind, layer=layer, rule=used_as.rule, tolerance_m2=used_as.tolerance_m2,
                           version=version, as_of=as_of, label=used_as.kind.name_zh)


def overall(verdicts: Iterable[str]) -> str | None:
    """A park's overall constraint verdict from its checks' verdicts (`OVERALL_ORDER`); None
    without checks.

    >>> overall(["clear", "sliver"]), overall(["clear", "not covered"]), overall(["conflict", "no outline"])
    ('sliver', 'not covered', 'conflict')
    >>> overall([]) is None
    True
    """
    seen = set(verdicts)
    return next((v for v in OVERALL_ORDER if v in seen), None)


def overall_by_park(rows: pd.DataFrame, checks: Iterable[str] | None = None) -> pd.Series:
    """{park id: overall verdict} over the constraint rows of an inspection table (`rows` with
    `park_id`, `check`, `verdict`); `checks`: the constraint checks' names (default: every row
    whose verdict is a constraint verdict)."""
    if rows.empty:
        return pd.Series(dtype=object)
    mine = rows[rows["check"].isin(list(checks))] if checks is not None else rows[rows["verdict"].isin(OVERALL_ORDER)]
    return mine.groupby("park_id", sort=False)["verdict"].agg(overall)
