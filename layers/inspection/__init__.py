"""Inspecting park footprints: constraint checks (三区三线 and others) and land-use indicators
against the plan's rules, as one table of (park, check) rows.

The computation the app and the command line share:

- `read_parks(path)`: a parks file through the app's import reader (`geo.io.import_file`), indexed
  by its `id` column, EPSG:4326.
- `load_constraint(path, name, rule=...)`: a constraint file, imported and prepared
  (`geo.constraints.prepare_constraint`) as a `ConstraintCheck` of the kind `name` names.
- `inspect_parks(parks, checks, parcels=...)`: the rows `park_id, check, rule, area_m2, share,
  verdict` (+ `area_ha`, `area_mu`, `covered_share`, `method`), constraint checks first, then
  land-use indicators.

Command line: ``python -m layers.inspection PARKS_FILE [--avoid NAME=FILE ...] [--within NAME=FILE ...]
[--landuse FILE] [--csv]`` (see `layers.inspection.__main__`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo._errors import InputError
from geo.constraints import prepare_constraint
from geo.io import import_file
from layers.constraints import ROW_COLUMNS, ConstraintCheck, constraint_rows, kind_by_name
from layers.inspection.indicators import IndicatorRule, indicator_rows

__all__ = ["ROW_COLUMNS", "inspect_parks", "load_constraint", "read_parks", "read_parcels"]


def read_parks(path: str | Path) -> gpd.GeoDataFrame:
    """Parks from any file the import reads (EPSG:4326), indexed by their `id` column (as text).

    Raises `InputError` (naming the file) when there is no `id` column or an id is missing or repeated.
    """
    result = import_file(path)
    gdf = result.gdf
    name = Path(path).name
    if "id" not in gdf.columns:
        raise InputError(f"{name}: no 'id' column (found {[c for c in gdf.columns if c != gdf.geometry.name]}); "
                         "every park needs an id.")
    ids = gdf["id"]
    if ids.isna().any() or (ids.astype(str).str.strip() == "").any():
        raise InputError(f"{name}: {int(ids.isna().sum() + (ids.astype(str).str.strip() == '').sum())} park(s) "
                         "without an id.")
    repeated = sorted(set(ids[ids.duplicated()].astype(str)))
    if repeated:
        raise InputError(f"{name}: repeated id(s) {repeated[:5]}; ids must be unique.")
    return gdf.set_index(ids.astype(str), drop=False).rename_axis(None)


def load_constraint(path: str | Path, name: str, rule: str | None = None, *, tolerance_m2: float | None = None,
                    crs: int | str | None = None, accept_guessed_crs: bool = False) -> ConstraintCheck:
    """A constraint file as a check: imported (`geo.io.import_file`: any supported format, invalid
    geometries repaired, reprojected to EPSG:4326 from the CRS it declares) and indexed.

    name: a bundled kind (永久基本农田, 生态保护红线, 城镇开发边界, ... or its id) or one the officer
    names; rule: "avoid" / "within" (default: the kind's); tolerance_m2: sliver tolerance (m²,
    default the kind's). crs: the CRS of the file's coordinates when it declares none. A CRS the
    importer only *guessed* is refused (`InputError`) unless accept_guessed_crs: a constraint
    verdict must not rest on a guess.
    """
    result = import_file(path, crs=crs)
    report = result.report
    if report.crs_source.startswith("detected") and not accept_guessed_crs:
        raise InputError(f"{report.source}: the file does not say its CRS; its coordinates look like "
                         f"{report.crs_original} but a constraint check must not rest on a guess. Give the CRS "
                         "(e.g. NAME=FILE@4547 on the command line, crs= in Python) or save the file with it.")
    polygons = result.gdf[result.gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
    kind = kind_by_name(name)
    layer = prepare_constraint(polygons, name=report.source)
    notes = []
    if report.crs_original and report.crs_original != "EPSG:4326":
        notes.append(f"reprojected from {report.crs_original} ({report.crs_source})")
    if report.repaired:
        notes.append(f"{len(report.repaired)} invalid geometr{'y' if len(report.repaired) == 1 else 'ies'} made valid "
                     f"(e.g. feature {report.repaired[0].index}: {report.repaired[0].description})")
    if report.dropped or len(polygons) < len(result.gdf):
        notes.append(f"{len(report.dropped) + len(result.gdf) - len(polygons)} feature(s) dropped "
                     "(missing, empty or not polygons)")
    return ConstraintCheck(kind=kind, layer=layer, rule=rule, tolerance_m2=tolerance_m2, label=name,
                           extra_notes=notes)


def read_parcels(path: str | Path) -> gpd.GeoDataFrame:
    """Land-use parcels from any file the import reads (EPSG:4326); needs a `code` column."""
    gdf = import_file(path).gdf
    if "code" not in gdf.columns:
        raise InputError(f"{Path(path).name}: no 'code' column (a GB 50137-2011 or 用地用海分类 code per parcel).")
    return gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]


def inspect_parks(parks: gpd.GeoDataFrame, checks: Sequence[ConstraintCheck] = (),
                  parcels: gpd.GeoDataFrame | None = None, rules: list[IndicatorRule] | None = None,
                  *, landuse_label: str = "land use") -> pd.DataFrame:
    """The inspection table: every park × constraint check, then every park × land-use indicator.

    parks: EPSG:4326, indexed by park id (with `programme` and `kind` to select the plan's rules).
    Returns a DataFrame with ROW_COLUMNS; areas in geodesic m² (ha, 亩), shares of the park's area.
    """
    parts = []
    if checks:
        parts.append(pd.DataFrame(constraint_rows(parks, checks).drop(columns="geometry")))
    if parcels is not None:
        parts.append(indicator_rows(parks, parcels, rules, layer_label=landuse_label))
    if not parts:
        return pd.DataFrame(columns=ROW_COLUMNS)
    return pd.concat([p[ROW_COLUMNS] for p in parts], ignore_index=True)
