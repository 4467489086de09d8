"""The `indicator_rules` layer: the plans' land-use rules (绿地率 ≥ 20 %, 容积率 ≥ 1.2, …) as records.

A rule is data with its citation, never a constant in code: `indicator` `op` `value` for the parks
of plan `programme` and of kind `park_kind` (``*`` matches any), with the plan's words (`quote`)
and where they stand (`source`). The bundled rules (data/landuse_rules.csv) are only what the
bundled documents state — 穗府办函〔2018〕105号's green ratio for the value-innovation parks — and
are seeded into the workspace like the plans; officers add their own per plan or park kind in the
app (`ui.panels.rules_section`), each a version with reason and evidence.

Values are stored as data/landuse_rules.csv stores them: a share indicator (green ratio,
industrial share, building coverage, …) as a share of the park's area between 0 and 1 (20 % is
0.2); the floor-area ratio (`far`) as a ratio (1.2). A rule cites something: its quote or its
source (an officer's own rule cites the officer's document and section).

This module is light (no geometry code): the registry, the record checks and the inspection
(`layers.inspection.indicators`) all take the rule vocabulary from here.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from layers.base import Column, LayerSchema, validate
from layers.parks import KINDS as PARK_KINDS
from layers.programmes import read_table

GROUP_INDICATORS: dict[str, str] = {
    "green": "green_ratio", "industrial": "industrial_share", "residential": "residential_share",
    "public_service": "public_service_share", "road": "road_share",
}
"""Indicator group (data/landuse_codes.csv `group`) -> the indicator that is its share."""
INDICATORS: tuple[str, ...] = (*GROUP_INDICATORS.values(), "parcel_coverage", "far", "building_coverage")
"""Every land-use indicator the inspection computes (and a rule may name)."""
RATIO_INDICATORS: tuple[str, ...] = ("far",)
"""Indicators that are a ratio (floor area / land area), not a share of the park between 0 and 1."""

OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
}
"""A rule's comparison, as data/landuse_rules.csv writes it."""
OP_SIGNS: dict[str, str] = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
"""How a comparison reads to people."""
ANY = "*"
"""`programme` / `park_kind` of a rule that applies to any plan / any kind of park."""
PARK_KIND_CHOICES: tuple[str, ...] = (ANY, *PARK_KINDS)

UNITS: dict[str, str] = {"share": "share of the park's area", "ratio": "floor area / land area"}
"""The `unit` a rule's value is in, by what its indicator is (as data/landuse_rules.csv says it)."""


def unit_of(indicator: str) -> str:
    """The unit a rule on `indicator` states its value in.

    >>> unit_of("green_ratio"), unit_of("far")
    ("share of the park's area", 'floor area / land area')
    """
    return UNITS["ratio" if indicator in RATIO_INDICATORS else "share"]


@dataclass(frozen=True)
class IndicatorRule:
    """One rule of a plan: `indicator` `op` `value` for parks of `programme` and `park_kind`."""

    id: str
    programme: str
    park_kind: str
    indicator: str
    op: str
    value: float
    unit: str
    quote: str
    source: str

    def applies(self, programme: object, kind: object) -> bool:
        """Whether the rule applies to a park of plan `programme` and kind `kind`."""
        return self.programme in (ANY, str(programme)) and self.park_kind in (ANY, str(kind))

    def met(self, value: float) -> bool:
        """Whether an indicator's value keeps the rule."""
        return OPS[self.op](value, self.value)

    def text(self) -> str:
        """E.g. ``green_ratio >= 0.2 (各园区绿地率达到20%; 穗府办函〔2018〕105号 ... 一、(二) 5)``."""
        cited = "; ".join(p for p in (self.quote, self.source) if p)
        return f"{self.indicator} {self.op} {self.value:g}" + (f" ({cited})" if cited else "")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number(text: object) -> object:
    try:
        return None if text is None else float(str(text))
    except ValueError:
        return text


def value_problem(indicator: object, value: object) -> str | None:
    """Why the number `value` cannot be a rule's value for `indicator`, or None (a value that is
    not a number is the `value` column's problem).

    >>> value_problem("green_ratio", 0.2), value_problem("far", 1.2)
    (None, None)
    >>> value_problem("green_ratio", 20)
    '20 is not a share between 0 and 1 (the rules store 20 % as 0.2)'
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None  # not a number at all: the column's own check says so
    if indicator in RATIO_INDICATORS:
        return None if value >= 0 else f"{value:g} is not a ratio (0 or more)"
    if indicator in INDICATORS and not 0 <= value <= 1:
        return f"{value:g} is not a share between 0 and 1 (the rules store 20 % as 0.2)"
    return None


def _check_value(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [(fid, "value", why) for fid, ind, v in zip(gdf["id"], gdf["indicator"], gdf["value"])
            if (why := value_problem(ind, v))]


_check_value.per_feature = True  # type: ignore[attr-defined]


def _check_cited(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [(fid, "quote", "a rule cites something: give the plan's words (quote) or the document and section "
                           "(source)")
            for fid, quote, source in zip(gdf["id"], gdf["quote"], gdf["source"]) if not (_text(quote) or _text(source))]


_check_cited.per_feature = True  # type: ignore[attr-defined]

SCHEMA = LayerSchema(
    layer_id="indicator_rules",
    columns=(
        Column("id"),
        Column("programme"),
        Column("park_kind", allowed=PARK_KIND_CHOICES),
        Column("indicator", allowed=INDICATORS),
        Column("op", allowed=tuple(OPS)),
        Column("value", kind="float"),
        Column("unit", nullable=True),
        Column("quote", nullable=True),
        Column("source", nullable=True),
    ),
    geometry_types=frozenset(),
    geometry_nullable=True,
    checks=(_check_value, _check_cited),
)
"""A rule: `programme` a plan id or ``*``, `park_kind` a park kind or ``*``, `indicator` one of
INDICATORS, `op` one of OPS, `value` (a share 0–1, or a ratio for `far`), `unit` as words, and its
citation: `quote` (the plan's words) and/or `source` (document and section)."""


def load(path: Path, plan_ids: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Read and validate a rules CSV (data/landuse_rules.csv); indexed by id, geometry None.
    plan_ids: the plans a rule may name (None: not checked here)."""
    gdf = read_table(path)
    for col in ("programme", "park_kind"):
        if col in gdf.columns:
            gdf[col] = gdf[col].fillna(ANY)
    if "value" in gdf.columns:  # a number stays a number; anything else stays as written, for the check to name
        gdf["value"] = [_number(v) for v in gdf["value"]]
    checks: tuple[Callable[[gpd.GeoDataFrame], list[tuple[str, str, str]]], ...] = ()
    if plan_ids is not None:
        plans = set(plan_ids)

        def _check_plan(frame: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
            return [(fid, "programme", f"{p!r} is not a plan") for fid, p in zip(frame["id"], frame["programme"])
                    if p != ANY and p not in plans]

        checks = (_check_plan,)
    schema = replace(SCHEMA, checks=(*SCHEMA.checks, *checks))
    gdf = validate(gdf, schema, origin=str(path))
    return gdf.set_index("id", drop=False).rename_axis(None)


def rule_of(record: dict) -> IndicatorRule:
    """A rule record (attributes by column, as the workspace holds them) as an IndicatorRule."""
    return IndicatorRule(str(record.get("id")), _text(record.get("programme")) or ANY,
                         _text(record.get("park_kind")) or ANY, str(record.get("indicator")), str(record.get("op")),
                         float(record.get("value")),  # type: ignore[arg-type]  # a number: the schema says so
                         _text(record.get("unit")), _text(record.get("quote")),
                         _text(record.get("source")))


def rules_of(frame: pd.DataFrame | None) -> list[IndicatorRule]:
    """The rules of a frame of rule records (the workspace's `indicator_rules` layer, indexed by
    id); [] for None. Records the inspection cannot use (an unknown indicator or comparison, no
    number) are left out: the workspace refuses them at save, so only damaged data has them."""
    if frame is None or frame.empty:
        return []
    out = []
    for fid, rec in zip(frame.index, frame.to_dict("records")):
        rec = {**rec, "id": str(fid)}
        value = rec.get("value")
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if rec.get("indicator") in INDICATORS and rec.get("op") in OPS and number and not value_problem(
                rec["indicator"], value):
            out.append(rule_of(rec))
    return out


def plan_problem(programme: object, plan_ids: Iterable[str]) -> str | None:
    """Why `programme` cannot be a rule's plan (not ``*`` and not a plan of the workspace), or None."""
    text = _text(programme)
    if not text or text == ANY or text in set(plan_ids):
        return None
    return f"{text!r} is not a plan of the workspace (give a plan, or * for any plan)"
