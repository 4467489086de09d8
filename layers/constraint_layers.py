"""Imported layers used as constraints (role "constraint"): the kind, rule and tolerance kept with
the layer, the checks they make, and a park's overall verdict.

A constraint layer is a user layer (`layers.user_layers`, role ``"constraint"``) whose features
carry three columns, written at import like a land-use layer's `code` (so they are saved,
versioned and exported with the layer like every other attribute):

- ``constraint_kind``: the id of a bundled kind (`layers.constraints.KINDS`) or, for a kind the
  officer named, ``officer-<name>``; ``constraint_name``: the kind's name as shown (Chinese);
- ``constraint_rule``: ``avoid`` (must not overlap) or ``within`` (must lie within);
- ``constraint_tolerance_m2``: conflicts at or below it (m², geodesic) are slivers;
- ``constraint_coverage`` (optional; absent = ``envelope``): what the data covers, so a park outside
  it is "not covered" rather than "clear" (`geo.constraints`): ``envelope`` (the bounding box of
  the features), ``union`` (the union of the features) or ``layer:<layer id>`` /
  ``layer:<layer id>#<feature id>`` (the outline of another workspace layer, or of one of its
  features, e.g. a district, as it is when the inspection runs).

The spec is changed by saving every feature again with the new columns (`spec_attributes`): a new
version of the layer, with its reason and author, like any other edit.

Geometry is EPSG:4326 (lon/lat, as every stored layer); areas come from `geo.constraints`
(geodesic on the WGS84 ellipsoid, m²).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from geo._errors import GeoError
from geo.constraints import RULES, outline_extent, prepare_constraint
from layers._errors import LayerValidationError
from layers.constraints import KINDS, ConstraintCheck, ConstraintKind, officer_kind

ROLE = "constraint"
KIND_COLUMN, NAME_COLUMN, RULE_COLUMN, TOLERANCE_COLUMN = (
    "constraint_kind", "constraint_name", "constraint_rule", "constraint_tolerance_m2")
COLUMNS = (KIND_COLUMN, NAME_COLUMN, RULE_COLUMN, TOLERANCE_COLUMN)
COVERAGE_COLUMN = "constraint_coverage"
"""Optional (a layer saved before it has none: the envelope)."""
COVERAGES = ("envelope", "union", "layer")
"""What a constraint layer's data covers: its envelope, the union of its features, another layer's outline."""
LAYER_PREFIX = "layer:"
OFFICER_PREFIX = "officer-"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

OVERALL_ORDER = ("conflict", "not covered", "no outline", "sliver", "clear")
"""A park's overall constraint verdict is the first of these that any of its checks has."""


@dataclass(frozen=True)
class ConstraintSpec:
    """What a constraint layer is used as: its kind, rule (avoid / within), tolerance (m²) and what
    its data covers (`coverage`: "envelope", "union" or "layer:<layer id>[#<feature id>]")."""

    kind: ConstraintKind
    rule: str
    tolerance_m2: float
    coverage: str = "envelope"

    @property
    def coverage_mode(self) -> str:
        """"envelope", "union" or "layer" (`COVERAGES`)."""
        return parse_coverage(self.coverage)[0]

    @property
    def colour(self) -> str:
        """The kind's map colour (``#rrggbb``; grey if the stored one is not such a colour)."""
        return self.kind.colour if _COLOUR.match(self.kind.colour) else "#636363"


def parse_coverage(value: object) -> tuple[str, str, str]:
    """(mode, layer id, feature id) of a coverage value; ("envelope", "", "") for none. Raises
    LayerValidationError for a value that is none of `COVERAGES`.

    >>> parse_coverage("layer:L7#d-2"), parse_coverage(None), parse_coverage("union")
    (('layer', 'L7', 'd-2'), ('envelope', '', ''), ('union', '', ''))
    """
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    if text in ("", "envelope"):
        return "envelope", "", ""
    if text == "union":
        return "union", "", ""
    if text.startswith(LAYER_PREFIX) and text[len(LAYER_PREFIX):].split("#")[0].strip():
        layer_id, _, feature_id = text[len(LAYER_PREFIX):].partition("#")
        return "layer", layer_id.strip(), feature_id.strip()
    raise LayerValidationError([f"coverage {text!r} is not envelope, union or layer:<layer id>"])


def layer_coverage(layer_id: str, feature_id: str = "") -> str:
    """The coverage value naming another layer's outline (or one feature's, e.g. a district)."""
    return f"{LAYER_PREFIX}{layer_id}" + (f"#{feature_id}" if feature_id else "")


def spec(kind_id_or_name: str, rule: str | None = None, tolerance_m2: float | None = None,
         coverage: str | None = None) -> ConstraintSpec:
    """The spec of a bundled kind (by id or name) or an officer-named one, with the kind's default
    rule and tolerance unless given, and the envelope as coverage unless given. Raises
    LayerValidationError for an empty name, an unknown rule, a negative tolerance or a coverage
    that is none of `COVERAGES`.

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
    mode, layer_id, feature_id = parse_coverage(coverage)
    return ConstraintSpec(kind, rule, tolerance, layer_coverage(layer_id, feature_id) if mode == "layer" else mode)


def spec_attributes(used_as: ConstraintSpec) -> dict:
    """The constraint columns of every feature of a layer used as `used_as` (`COLUMNS` and
    `COVERAGE_COLUMN`): what `mark` writes at import and a change of the spec saves again."""
    return {KIND_COLUMN: used_as.kind.id, NAME_COLUMN: used_as.kind.name_zh, RULE_COLUMN: used_as.rule,
            TOLERANCE_COLUMN: float(used_as.tolerance_m2), COVERAGE_COLUMN: used_as.coverage}


def mark(gdf: gpd.GeoDataFrame, used_as: ConstraintSpec, origin: str = "") -> gpd.GeoDataFrame:
    """`gdf` (EPSG:4326, already mapped by `apply_mapping`) with the constraint columns set on
    every feature (a new frame). Raises LayerValidationError when it holds no polygon."""
    polygonal = gdf.geom_type.isin(["Polygon", "MultiPolygon"])
    if not polygonal.any():
        raise LayerValidationError([f"{origin or 'layer'}: a constraint layer needs polygons; this one has none "
                                    f"({', '.join(sorted(set(map(str, gdf.geom_type.dropna())))) or 'no geometry'})"])
    out = gdf.copy()
    for column, value in spec_attributes(used_as).items():
        out[column] = value
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
    coverage = first[COVERAGE_COLUMN] if COVERAGE_COLUMN in gdf.columns else None
    try:
        return spec(kind_id if kind_id in KINDS else name or kind_id, str(first[RULE_COLUMN] or "") or None,
                    None if pd.isna(tolerance) else float(tolerance), coverage)
    except LayerValidationError:
        return None


def coverage_extent(used_as: ConstraintSpec,
                    layers: Mapping[str, tuple[str, gpd.GeoDataFrame]]) -> tuple[shapely.Geometry | None, str]:
    """The extent (EPSG:4326 polygon) a layer used as `used_as` covers when it is another layer's
    outline, and the name to cite it by ("<layer name>" or "<layer name> / <feature name>");
    (None, "") for the envelope and the union (`prepare_constraint` makes those). `layers`:
    {layer id: (name, frame in EPSG:4326, indexed by feature id)} of the workspace's visible
    layers. Raises LayerValidationError when the layer or feature named is not there (hidden,
    say) or has no polygon."""
    mode, layer_id, feature_id = parse_coverage(used_as.coverage)
    if mode != "layer":
        return None, ""
    if layer_id not in layers:
        raise LayerValidationError([f"the layer {layer_id!r} named as the extent the data covers is not in the "
                                    "workspace (hidden?): change the constraint's coverage"])
    name, frame = layers[layer_id]
    if feature_id:
        if feature_id not in frame.index.astype(str):
            raise LayerValidationError([f"layer {name!r} has no feature {feature_id!r} (named as the extent the data "
                                        "covers): change the constraint's coverage"])
        frame = frame[frame.index.astype(str) == feature_id]
        label = str(frame.iloc[0].get("name_zh") or feature_id) if "name_zh" in frame.columns else feature_id
        name = f"{name} / {label}"
    try:
        return outline_extent(frame.geometry, name=name), name
    except GeoError as exc:
        raise LayerValidationError([str(exc)]) from None


def make_check(gdf: gpd.GeoDataFrame, used_as: ConstraintSpec, *, layer_name: str, version: str | None = None,
               as_of: str | None = None, extent: shapely.Geometry | None = None,
               extent_name: str = "") -> ConstraintCheck:
    """The check of one saved constraint layer (its polygons prepared: `geo.constraints`), labelled
    with the kind's name, the layer's name, version (workspace revision) and as-of date. Its extent
    is `used_as.coverage`'s: the envelope or the union of its polygons, or, for another layer's
    outline, `extent` (EPSG:4326, from `coverage_extent`) named `extent_name`."""
    polygons = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
    mode = used_as.coverage_mode
    if mode == "layer" and extent is None:
        raise LayerValidationError([f"{layer_name}: its coverage is another layer's outline, but none was given"])
    layer = prepare_constraint(polygons.geometry, name=layer_name, extent=extent if mode == "layer" else None,
                               coverage="given" if mode == "layer" else mode, extent_name=extent_name)
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
