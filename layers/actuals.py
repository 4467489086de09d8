"""The `actuals` layer: what a park (or a whole plan) actually achieved against a target.

A record without geometry: `target_id` (a target of the `targets` layer), `year`, `value` in
`unit` (a unit of the target metric's dimension; converted to the target's unit when compared,
`layers.target_units`), and `source` — the statistical bulletin, report or URL the figure comes
from (required: an actual figure cites its own source). Entered in the app or imported from a
CSV/XLSX through a check report (`layers.actuals_import`); judged against its target by the rule
of `layers.progress`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from layers.base import Column, LayerSchema, validate
from layers.programmes import read_table


def _check_year(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [(fid, "year", f"{y!r} is not a year between 1990 and 2060") for fid, y in zip(gdf["id"], gdf["year"])
            if isinstance(y, (int, float)) and not 1990 <= y <= 2060]


_check_year.per_feature = True  # type: ignore[attr-defined]

SCHEMA = LayerSchema(
    layer_id="actuals",
    columns=(
        Column("id"),
        Column("target_id"),
        Column("year", kind="int"),
        Column("value", kind="float"),
        Column("unit"),
        Column("source"),
        Column("as_of", kind="date", nullable=True),
        Column("note", nullable=True),
    ),
    geometry_types=frozenset(),
    geometry_nullable=True,
    checks=(_check_year,),
)


def load(path: Path) -> gpd.GeoDataFrame:
    """Read and validate data/actuals.csv (the bundled figures: none yet, a header); by id."""
    gdf = read_table(path)
    for col in ("year", "value"):
        if col in gdf.columns:
            gdf[col] = gdf[col].astype(float)
    gdf = validate(gdf, SCHEMA, origin=str(path))
    gdf["year"] = gdf["year"].astype("Int64")
    return gdf.set_index("id", drop=False).rename_axis(None)
