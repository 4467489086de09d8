"""The district check of parks: does the district a park record names contain the park?

A park names its district as the documents write it (`district`, e.g. "黄埔区", or several joined by
"、": "南沙区、番禺区"). Given a layer of district polygons (imported by the user, any CRS), each
placed park's representative point (a point inside its polygon, `representative_point()`) is looked
up, and the parks whose named district does not contain it are listed.

Names are compared tolerant of how they are written: the administrative suffix may be left out
("南沙" is "南沙区") and a city or province prefix may be given ("广州市南沙区" is "南沙区").
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import shapely

from layers._errors import LayerError, MissingColumnError

NAME_SEPARATORS = re.compile(r"[、，,；;/／]")
"""What separates several districts in one `district` value."""

SUFFIXES = ("自治县", "新区", "区", "县", "市", "旗")
"""Administrative suffixes a district name may be written with or without (longest first)."""

PREFIX_ENDS = ("省", "市", "州", "盟", "自治区")
"""What ends a prefix ("广东省", "广州市") that may stand before a district name."""

NAME_COLUMNS = ("name", "名称", "district", "district_name", "区县", "区县名称", "行政区", "行政区名称", "xzqmc",
                "qxmc", "name_zh", "name_chn", "dist_name")
"""Column names (case-insensitive) that usually hold district names, best first."""

RESULT_COLUMNS = ("park_id", "named", "found", "covered")


def _core(name: str) -> str:
    """A district name without surrounding spaces and its administrative suffix ("南沙区" -> "南沙")."""
    name = re.sub(r"\s+", "", name)
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def same_district(written: str, name: str) -> bool:
    """Whether a district name as a park record writes it and a district layer's name are the same
    district: equal without their suffixes, or one is the other with a province or city prefix.

    >>> same_district("南沙", "南沙区"), same_district("广州市南沙区", "南沙区"), same_district("南沙区", "番禺区")
    (True, True, False)
    >>> same_district("新南沙区", "南沙区")
    False
    """
    a, b = _core(written), _core(name)
    if not a or not b:
        return False
    if a == b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer.endswith(shorter) and longer[: -len(shorter)].endswith(PREFIX_ENDS)


def named_districts(value: object) -> list[str]:
    """The district names in a park's `district` value ([] for none).

    >>> named_districts("南沙区、番禺区")
    ['南沙区', '番禺区']
    """
    if not isinstance(value, str):
        return []
    return [part.strip() for part in NAME_SEPARATORS.split(value) if part.strip()]


def _in_4326(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        bounds = gdf.total_bounds
        if len(gdf) and not (-180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
            raise LayerError(f"{what}: the layer has no CRS and its coordinates are not lon/lat; import it again "
                             "saying its CRS")
        return gdf.set_crs(4326)
    return gdf if gdf.crs.to_epsg() == 4326 else gdf.to_crs(4326)


def district_mismatches(parks: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, name_column: str) -> pd.DataFrame:
    """The placed parks whose named district does not contain their representative point.

    Parameters
    ----------
    parks : parks with `district` (as written; several joined by "、") and geometry in EPSG:4326
        (None for a park not placed yet: skipped, as are empty geometries and parks naming no
        district). The park id is the `id` column, else the index.
    districts : district polygons with their names in `name_column`, in any CRS (reprojected to
        EPSG:4326; a layer without CRS is taken as lon/lat when its coordinates are).
    name_column : the column of `districts` holding the names (`guess_name_column` proposes one).

    Returns
    -------
    DataFrame (RESULT_COLUMNS), one row per mismatch in the parks' order: `park_id`, `named` (the
    `district` value as written), `found` (the names of the districts the point lies in, joined by
    "、"; "" when no district polygon covers it) and `covered` (whether one does: False means the
    district layer may simply not reach that far).

    Raises MissingColumnError when `name_column` is not a column of `districts`.
    """
    if name_column not in districts.columns or name_column == districts.geometry.name:
        raise MissingColumnError(f"districts: no column {name_column!r}; columns: "
                                 f"{', '.join(str(c) for c in districts.columns if c != districts.geometry.name)}")
    parks = _in_4326(parks, "parks")
    areas = _in_4326(districts, "districts")
    geoms = areas.geometry.to_numpy().copy()
    fixable = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    geoms[fixable] = shapely.make_valid(geoms[fixable])
    names = [str(n).strip() if isinstance(n, str) else "" for n in areas[name_column]]
    shapes = parks.geometry.to_numpy()
    placed = ~shapely.is_missing(shapes) & ~shapely.is_empty(shapes)
    ids = (parks["id"] if "id" in parks.columns else pd.Series(parks.index, index=parks.index)).to_numpy()[placed]
    points = parks.geometry[placed].representative_point().to_numpy()
    hits: dict[int, list[int]] = {}
    for i, j in zip(*shapely.STRtree(geoms).query(points, predicate="intersects")):
        hits.setdefault(int(i), []).append(int(j))
    rows = []
    for i, (pid, named) in enumerate(zip(ids, parks["district"].to_numpy()[placed])):
        written = named_districts(named)
        if not written:
            continue
        found = list(dict.fromkeys(names[j] for j in sorted(hits.get(i, [])) if names[j]))
        if not any(same_district(w, f) for w in written for f in found):
            rows.append({"park_id": pid, "named": named, "found": "、".join(found), "covered": i in hits})
    out = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    out["covered"] = out["covered"].astype(bool)
    return out


def guess_name_column(districts: pd.DataFrame) -> str | None:
    """The column of a district layer most likely to hold the district names, or None.

    First the text column whose values mostly (at least 60 %) end with 区, 县 or 市 (the largest
    share wins; ties go to a column named like NAME_COLUMNS, then to the first); else the first
    column named like NAME_COLUMNS (case-insensitive).

    >>> guess_name_column(pd.DataFrame({"code": ["440115"], "NAME": ["南沙区"]}))
    'NAME'
    """
    geometry = districts.geometry.name if isinstance(districts, gpd.GeoDataFrame) else None
    columns = [c for c in districts.columns if c != geometry]
    known = {n.casefold(): rank for rank, n in enumerate(NAME_COLUMNS)}

    def rank(col: object) -> int:
        return known.get(str(col).strip().casefold(), len(known))

    best, best_key = None, None
    for pos, col in enumerate(columns):
        text = [v.strip() for v in districts[col] if isinstance(v, str) and v.strip()]
        if not text:
            continue
        share = sum(v.endswith(("区", "县", "市")) for v in text) / len(text)
        key = (share, -rank(col), -pos)
        if share >= 0.6 and (best_key is None or key > best_key):
            best, best_key = col, key
    if best is not None:
        return str(best)
    named = sorted((rank(c), pos, c) for pos, c in enumerate(columns) if rank(c) < len(known))
    return str(named[0][2]) if named else None
