"""Two versions of a park's outline inspected side by side: what an outline change did to its
conflicts and indicators (issue 25, History).

`version_rows` runs the same computation as the profile (`layers.constraints.constraint_rows`,
`layers.inspection.indicators.indicator_rows`) on each version's outline; `side_by_side` puts
the two versions of every check in one row with the change: Δ area in conflict (geodesic m²)
for a constraint, Δ value for an indicator, and whether the verdict changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.constraints import ConstraintCheck, constraint_rows
from layers.inspection.indicators import IndicatorRule, indicator_rows

SIDE_COLUMNS = ["check", "kind", "rule", "verdict_a", "value_a", "share_a", "verdict_b", "value_b", "share_b", "delta",
                "verdict_changed"]


def version_rows(park: Mapping[str, object], outlines: Mapping[str, shapely.Geometry | None],
                 checks: Sequence[ConstraintCheck], parcels: gpd.GeoDataFrame | None = None,
                 rules: list[IndicatorRule] | None = None) -> pd.DataFrame:
    """The inspection rows of each outline in `outlines` ({label: geometry, EPSG:4326}) of the
    park `park` (its `programme` and `kind` decide which plan rules apply; rules: the workspace's,
    None for data/landuse_rules.csv): ROW_COLUMNS with `park_id` the label, and `kind`
    ("constraint" / "indicator")."""
    labels = list(outlines)
    frame = gpd.GeoDataFrame({"programme": [park.get("programme")] * len(labels), "kind": [park.get("kind")] * len(labels)},
                             geometry=[outlines[k] for k in labels], index=labels, crs=4326)
    parts = []
    if checks:
        parts.append(pd.DataFrame(constraint_rows(frame, list(checks)).drop(columns="geometry")).assign(kind="constraint"))
    if parcels is not None and not parcels.empty:
        parts.append(indicator_rows(frame, parcels, rules).assign(kind="indicator"))
    if not parts:
        return pd.DataFrame(columns=["park_id", "check", "rule", "area_m2", "share", "verdict", "kind"])
    return pd.concat(parts, ignore_index=True)


def _finite(v: object) -> float | None:
    return float(v) if isinstance(v, (int, float, np.number)) and np.isfinite(v) else None


def side_by_side(rows: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """One row per check: version `a`'s and `b`'s verdict, value (geodesic m² in conflict for a
    constraint, the indicator's value for an indicator: a share 0–1, or floor/land for `far`) and
    share (of the version's own outline area), the change of the value b − a and whether the
    verdict changed (SIDE_COLUMNS). A check one version lacks has None there."""
    out = []
    for (check, kind, rule), group in rows.groupby(["check", "kind", "rule"], sort=False, dropna=False):
        by = group.set_index("park_id")
        value = "area_m2" if kind == "constraint" else "share"

        def pick(label: str, col: str) -> object:
            return by.at[label, col] if label in by.index else None

        fa, fb = _finite(pick(a, value)), _finite(pick(b, value))
        out.append({"check": check, "kind": kind, "rule": rule, "verdict_a": pick(a, "verdict"), "value_a": fa,
                    "share_a": _finite(pick(a, "share")), "verdict_b": pick(b, "verdict"), "value_b": fb,
                    "share_b": _finite(pick(b, "share")),
                    "delta": fb - fa if fa is not None and fb is not None else None,
                    "verdict_changed": pick(a, "verdict") != pick(b, "verdict")})
    return pd.DataFrame(out, columns=SIDE_COLUMNS)
