"""Editing the plan's records: the rules a new or changed record must keep before it is saved.

The workspace checks each record against its own layer's schema (`layers.registry.schema`); the
rules here need the other records too — a park's plan and parent exist, a target belongs to a
park or a plan, an actual figure to a target and in a unit of its metric's dimension, a plan's
colour is not another plan's, a land-use rule names a plan of the workspace (or ``*``). `check` returns every problem as text naming the field; the app
shows them and saves nothing. `stated_area_km2` turns an area as a document writes it into km².
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
import shapely

from geo.measure import to_square_metres
from layers import registry
from layers._errors import LayerValidationError
from layers.base import validate_feature
from layers.indicator_rules import plan_problem
from layers.story_records import story_problems
from layers.targets import DIMENSION_UNITS, METRICS

EDITABLE_LAYERS = ("programmes", "parks", "targets", "actuals", "transport_lines", "transport_nodes", "facilities",
                   "stories", "indicator_rules")
"""The record layers an editor changes in the app (each a bundled layer of the workspace)."""

AREA_UNITS: dict[str, str] = {"平方公里": "km2", "km²": "km2", "公顷": "ha", "ha": "ha", "亩": "mu", "平方米": "m2", "m²": "m2"}
"""Land-area units as documents write them -> `geo.measure` unit. 万平方米/万㎡ is floor area, never land."""


@dataclass
class RecordContext:
    """The other records a check needs: ids by layer, and the plans' colours and targets' metrics."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    plan_colours: dict[str, str] = field(default_factory=dict)
    target_metrics: dict[str, str] = field(default_factory=dict)
    park_parents: dict[str, str | None] = field(default_factory=dict)
    line_refs: set[str] = field(default_factory=set)

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame | None]) -> RecordContext:
        """From the current layers (frames by layer id; a missing layer counts as empty)."""
        def ids(layer: str) -> set[str]:
            f = frames.get(layer)
            return set() if f is None else {str(i) for i in f.index}

        plans, targets, parks = frames.get("programmes"), frames.get("targets"), frames.get("parks")
        lines = frames.get("transport_lines")
        return cls(
            ids={layer: ids(layer) for layer in EDITABLE_LAYERS},
            plan_colours={} if plans is None else {str(i): str(c).upper() for i, c in zip(plans.index, plans["colour"])},
            target_metrics={} if targets is None else {str(i): str(m) for i, m in zip(targets.index, targets["metric"])},
            park_parents={} if parks is None else {str(i): (p if isinstance(p, str) and p else None)
                                                    for i, p in zip(parks.index, parks["parent_id"])},
            line_refs=set() if lines is None else {str(r) for r in lines["line_ref"]},
        )


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _schema_problems(layer_id: str, feature_id: str, attrs: dict, geometry: shapely.Geometry | None) -> list[str]:
    schema = registry.schema(layer_id)
    if schema is None:
        return []
    try:
        validate_feature(schema, {**attrs, "id": feature_id}, geometry, origin=layer_id)
    except LayerValidationError as exc:
        return [p.split(": ", 1)[1] if p.startswith(f"{layer_id}: ") else p for p in exc.problems]
    return []


def _parent_cycle(feature_id: str, parent: str, parents: dict[str, str | None]) -> bool:
    seen = {feature_id}
    while parent:
        if parent in seen:
            return True
        seen.add(parent)
        parent = parents.get(parent) or ""
    return False


def check(layer_id: str, feature_id: str, attrs: dict, geometry: shapely.Geometry | None,
          context: RecordContext) -> list[str]:
    """Every reason the record (its full attributes after the change) may not be saved; [] when
    it may. Messages name the record and the field."""
    if layer_id not in EDITABLE_LAYERS:
        return [f"{layer_id}: not a record layer edited in the app"]
    out = _schema_problems(layer_id, feature_id, attrs, geometry)

    def say(fld: str, what: str) -> None:
        out.append(f"feature '{feature_id}': field '{fld}': {what}")

    ids = context.ids
    other = {"programmes": "parks", "parks": "programmes"}.get(layer_id)
    if other and feature_id in ids.get(other, set()):
        say("id", f"{feature_id!r} is already the id of a {'park' if other == 'parks' else 'plan'}: a target names a park "
                  "or a plan by id, so the two never share one")
    if layer_id == "programmes":
        colour = str(attrs.get("colour") or "").upper()
        taken = [p for p, c in context.plan_colours.items() if c == colour and p != feature_id]
        if colour and taken:
            say("colour", f"{colour} is already the colour of plan {taken[0]!r}; choose another")
        by = attrs.get("superseded_by")
        if not _missing(by) and by not in ids.get("programmes", set()):
            say("superseded_by", f"{by!r} is not a plan")
        if not _missing(by) and by == feature_id:
            say("superseded_by", "a plan cannot replace itself")
    elif layer_id == "parks":
        if not _missing(attrs.get("programme")) and attrs["programme"] not in ids.get("programmes", set()):
            say("programme", f"{attrs['programme']!r} is not a plan of the workspace")
        parent = attrs.get("parent_id")
        if not _missing(parent):
            if parent not in ids.get("parks", set()):
                say("parent_id", f"{parent!r} is not a park")
            elif _parent_cycle(feature_id, str(parent), context.park_parents):
                say("parent_id", f"{parent!r} is this park or lies inside it: parents cannot go round in a circle")
    elif layer_id == "targets":
        owner = attrs.get("park_id")
        if not _missing(owner) and owner not in ids.get("parks", set()) | ids.get("programmes", set()):
            say("park_id", f"{owner!r} is neither a park nor a plan")
    elif layer_id == "actuals":
        target = attrs.get("target_id")
        metric = context.target_metrics.get(str(target)) if not _missing(target) else None
        if not _missing(target) and metric is None:
            say("target_id", f"{target!r} is not a target")
        unit = attrs.get("unit")
        if metric in METRICS and not _missing(unit):
            dim = METRICS[metric].dimension
            if unit not in DIMENSION_UNITS[dim]:
                say("unit", f"{unit!r} is not a unit of {dim} ({', '.join(DIMENSION_UNITS[dim])}), the target's dimension")
    elif layer_id == "stories" and not out:  # the schema's check found the slides sound: now the parks they name
        out += story_problems(feature_id, attrs, ids.get("parks", set()))
    elif layer_id == "indicator_rules":
        why = plan_problem(attrs.get("programme"), ids.get("programmes", set()))
        if why:
            say("programme", why)
    elif layer_id == "facilities":
        park = attrs.get("park_id")
        if not _missing(park) and park not in ids.get("parks", set()):
            say("park_id", f"{park!r} is not a park")
    if layer_id == "transport_nodes":
        unknown_refs = [r for r in (attrs.get("line_refs") or []) if r not in context.line_refs]
        if unknown_refs:
            say("line_refs", f"not the line_ref of any line: {', '.join(map(repr, unknown_refs))} (add the line first)")
    if layer_id in ("transport_lines", "transport_nodes"):
        unknown = [p for p in (attrs.get("park_ids") or []) if p not in ids.get("parks", set())]
        if unknown:
            say("park_ids", f"not parks: {', '.join(map(repr, unknown))}")
    return out


_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


def stated_area_km2(value: float, unit: str) -> float:
    """The km² a stated land area means.

    >>> stated_area_km2(1200, "亩"), stated_area_km2(2.2, "平方公里"), stated_area_km2(150, "公顷")
    (0.8, 2.2, 1.5)
    """
    if unit not in AREA_UNITS:
        raise ValueError(f"{unit!r} is not a land-area unit ({', '.join(AREA_UNITS)}); 万平方米 is floor area")
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{value!r} is not an area (a number ≥ 0)")
    return round(to_square_metres(float(value), AREA_UNITS[unit]) / 1e6, 6)  # type: ignore[arg-type]


def evidence_text(document: str, section: str, quote: str) -> str:
    """The evidence saved with a version: document, section and the quoted sentence.

    >>> evidence_text("中府〔2026〕1号", "二、(一)", "面积约1200亩")
    '中府〔2026〕1号 · 二、(一) · “面积约1200亩”'
    """
    parts = [p.strip() for p in (document, section) if p and p.strip()]
    if quote and quote.strip():
        parts.append(f"“{quote.strip()}”")
    return " · ".join(parts)


def new_id(prefix: str, name: str, taken: Iterable[str]) -> str:
    """A fresh lowercase slug for a record: `prefix` + an ASCII form of `name` when it has one,
    else `prefix` + a number.

    >>> new_id("zs", "Torch park", {"zs-torch-park"}), new_id("zs", "火炬园", set())
    ('zs-torch-park-2', 'zs-1')
    """
    taken = set(taken)
    slug = re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-")[:40]
    base = "-".join(p for p in (prefix.strip("-").lower(), slug) if p) or "record"
    if slug and base not in taken:
        return base
    n = 1 if not slug else 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
