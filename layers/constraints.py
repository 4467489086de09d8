"""Constraint kinds (三区三线 and other control lines) and the park × check table of their verdicts.

A constraint is an imported polygon layer used as one *kind*, each with a default rule (`avoid`:
must not overlap; `within`: must lie within), a default tolerance (m²) below which an overlap is a
sliver, and a map colour. The kinds are data (`KINDS`); an officer may name another kind
(`officer_kind`). The geometry work is `geo.constraints`; this module labels it for people:
one row per (park, check) with areas in m², ha and 亩, the share of the park, the verdict, and a
`method` string saying how and from which layer version the figure was computed.

Colours (`colour_source` says which): 城市蓝线 and 城市紫线 are named for their colour by the
regulations that define them (城市蓝线管理办法, 建设部令第145号, 2005; 城市紫线管理办法, 建设部令第119号,
2003), so 河湖管理范围/蓝线 is blue and 历史文化保护线 purple. The others are OUR CHOICE, picked to
read against the land-use palette: 永久基本农田 a farmland yellow-ochre, 生态保护红线 red (after its
name), 城镇开发边界 magenta, 水源保护区 cyan; we found no national drawing standard at hand to cite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.constraints import RULES, ConstraintLayer, check_parks
from geo.measure import convert_area


@dataclass(frozen=True)
class ConstraintKind:
    """One kind of constraint layer: names, default rule and tolerance (m²), colour and its source."""

    id: str
    name_zh: str
    name_en: str
    rule: str
    tolerance_m2: float
    colour: str
    colour_source: str


_OURS = "our choice (no drawing standard cited)"
KINDS: dict[str, ConstraintKind] = {k.id: k for k in (
    ConstraintKind("permanent-basic-farmland", "永久基本农田", "Permanent basic farmland", "avoid", 100.0,
                   "#e6c229", _OURS),
    ConstraintKind("ecological-redline", "生态保护红线", "Ecological protection red line", "avoid", 100.0,
                   "#d7191c", _OURS + "; red after the name 红线"),
    ConstraintKind("urban-development-boundary", "城镇开发边界", "Urban development boundary", "within", 100.0,
                   "#c51b7d", _OURS),
    ConstraintKind("river-lake-blue-line", "河湖管理范围/蓝线", "River and lake management area / blue line",
                   "avoid", 50.0, "#2b83ba", "城市蓝线管理办法 (建设部令第145号, 2005): the 蓝线 is blue by name"),
    ConstraintKind("water-source-protection", "水源保护区", "Drinking-water source protection area", "avoid", 50.0,
                   "#00bcd4", _OURS),
    ConstraintKind("historic-cultural-line", "历史文化保护线", "Historic and cultural protection line", "avoid", 50.0,
                   "#7b3294", "城市紫线管理办法 (建设部令第119号, 2003): the 紫线 is purple by name"),
)}
"""The bundled kinds. The 三区三线 are the first three (永久基本农田, 生态保护红线, 城镇开发边界).
Default tolerances are OUR choice (a digitising sliver of a 10 m × 10 m square, 50 m² for the
narrower water and heritage lines), for officers to change per check."""


def officer_kind(name: str, rule: str = "avoid", tolerance_m2: float = 100.0, colour: str = "#636363") -> ConstraintKind:
    """A kind an officer names (e.g. 地质灾害风险区): their rule (avoid / within) and tolerance (m²).

    >>> officer_kind("地质灾害风险区").rule
    'avoid'
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {RULES}")
    return ConstraintKind(f"officer-{name}", name, name, rule, float(tolerance_m2), colour, "named by the officer")


def kind_by_name(name: str) -> ConstraintKind:
    """The bundled kind whose id, Chinese or English name is `name`, else an officer-named kind."""
    for kind in KINDS.values():
        if name in (kind.id, kind.name_zh, kind.name_en) or name in kind.name_zh.split("/"):
            return kind
    return officer_kind(name)


@dataclass
class ConstraintCheck:
    """One check to run: a prepared layer used as a kind, with the rule and tolerance to apply
    (the kind's defaults unless given) and the layer's version and as-of date for the record."""

    kind: ConstraintKind
    layer: ConstraintLayer
    rule: str | None = None
    tolerance_m2: float | None = None
    version: str | None = None
    as_of: str | None = None
    label: str | None = None
    extra_notes: list[str] = field(default_factory=list)
    extent_version: str | None = None
    """The revision of the layer whose outline is the extent (a given extent from a workspace layer)."""

    @property
    def name(self) -> str:
        return self.label or self.kind.name_zh

    @property
    def effective_rule(self) -> str:
        return self.rule or self.kind.rule

    @property
    def effective_tolerance_m2(self) -> float:
        return self.kind.tolerance_m2 if self.tolerance_m2 is None else float(self.tolerance_m2)

    def method(self) -> str:
        """How this check's figures are computed, from which layer version, as of when."""
        layer = f"layer {self.layer.name!r}"
        if self.version:
            layer += f" version {self.version}"
        if self.as_of:
            layer += f" as of {self.as_of}"
        notes = "; ".join(self.layer.notes + self.extra_notes)
        extent = self.layer.extent_source + (f" (revision {self.extent_version})" if self.extent_version else "")
        return (f"geodesic area on the WGS84 ellipsoid (pyproj.Geod), EPSG:4326 geometry; {layer} "
                f"({len(self.layer)} features, extent: {extent}); rule {self.effective_rule}, "
                f"tolerance {self.effective_tolerance_m2:g} m²" + (f"; input: {notes}" if notes else ""))

    def method_parts(self) -> dict:
        """The parts `method` is made of, for saying it in another language (`ui.i18n_inspection.
        method_text`): {"key": "constraint", "layer" (name), "version", "as_of" ("" when unknown),
        "features" (count), "coverage" (envelope / union / given), "extent_name", "extent_version"
        (the revision of the layer whose outline it is, "" when none), "rule",
        "tolerance_m2" (m²), "notes" ([(code, values)], `geo.constraints.ConstraintLayer.note_parts`),
        "extra" (other notes, as written)}."""
        return {"key": "constraint", "layer": self.layer.name, "version": self.version or "",
                "as_of": self.as_of or "", "features": len(self.layer), "coverage": self.layer.coverage,
                "extent_name": self.layer.extent_name,
                "extent_version": self.extent_version or "", "rule": self.effective_rule,
                "tolerance_m2": self.effective_tolerance_m2, "notes": list(self.layer.note_parts),
                "extra": list(self.extra_notes)}


ROW_COLUMNS = ["park_id", "check", "rule", "area_m2", "share", "verdict", "area_ha", "area_mu",
               "covered_share", "method"]


def constraint_rows(parks: gpd.GeoDataFrame, checks: Sequence[ConstraintCheck]) -> gpd.GeoDataFrame:
    """One row per (park, check): the inspection table of constraint checks.

    parks: EPSG:4326, indexed by park id (outlines as Polygon/MultiPolygon; others are "no
    outline"). Columns: `park_id`, `check` (the kind's Chinese name or the check's label), `rule`
    (avoid / within), `area_m2` (geodesic area in conflict, m²), `share` (of the park's area),
    `verdict` (clear / sliver / conflict / not covered / no outline), `area_ha`, `area_mu` (亩),
    `covered_share`, `method`; geometry: the conflicting part (EPSG:4326; None when none), for
    drawing it hatched. Rows ordered by park then check, as given.
    """
    frames = []
    for order, check in enumerate(checks):
        result = check_parks(parks, check.layer, check.effective_rule, check.effective_tolerance_m2)
        frame = pd.DataFrame({
            "park_id": parks.index.astype(str), "check": check.name, "rule": check.effective_rule,
            "area_m2": result["area_m2"].to_numpy(), "share": result["share"].to_numpy(),
            "verdict": result["verdict"].to_numpy(), "covered_share": result["covered_share"].to_numpy(),
            "method": check.method(), "_order": order, "_park": np.arange(len(parks)),
        })
        frame["geometry"] = np.asarray(result.geometry.array, dtype=object)
        frames.append(frame)
    if not frames:
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in ROW_COLUMNS}, geometry=[], crs=4326)
    rows = pd.concat(frames, ignore_index=True).sort_values(["_park", "_order"], kind="stable")
    rows["area_ha"] = convert_area(rows["area_m2"], "ha")
    rows["area_mu"] = convert_area(rows["area_m2"], "mu")
    return gpd.GeoDataFrame(rows[ROW_COLUMNS + ["geometry"]].reset_index(drop=True), geometry="geometry", crs=4326)
