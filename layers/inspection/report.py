"""What an inspection report of one park says: the park, the outline it inspected (version,
author, date, evidence), each check with its rule, area in conflict and verdict, each land-use
indicator against its rule, and how every figure was computed. Pure data (no Streamlit, no
drawing): `ui.exports.inspection_report` lays it out as a PDF.

Areas are geodesic m² on the WGS84 ellipsoid (`layers.constraints`), shares of the park's
geodesic area; the rows are those the app shows (`ui.inspection`), so the report and the profile
never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd
import shapely

from geo.measure import convert_area
from layers.constraints import ConstraintCheck


@dataclass(frozen=True)
class ReportLine:
    """One check or indicator: its name, rule, area in conflict (m², ha, 亩; None for
    indicators), share (0–1, or a value such as a floor-area ratio), verdict and method."""

    check: str
    kind: str
    rule: str
    area_m2: float | None
    area_ha: float | None
    area_mu: float | None
    share: float | None
    verdict: str
    method: str


@dataclass(frozen=True)
class LayerUsed:
    """A layer the report's figures were computed from: its name, what it is used as (a
    constraint kind, or land use), the rule and tolerance applied, its revision in the workspace
    and the date it speaks for (None where unknown)."""

    name: str
    used_as: str
    rule: str | None = None
    tolerance_m2: float | None = None
    revision: str | None = None
    as_of: str | None = None


def layers_used(checks: Sequence[ConstraintCheck], *, english: bool = False) -> list[LayerUsed]:
    """The constraint layers behind `checks` (`layers.constraints.ConstraintCheck`), in order;
    each kind by its Chinese name (English with `english`)."""
    return [LayerUsed(c.layer.name, c.kind.name_en if english else c.kind.name_zh, c.effective_rule,
                      c.effective_tolerance_m2, c.version, c.as_of) for c in checks]


@dataclass
class ReportData:
    """Everything a report of one park holds. `outline_*` describe the outline version inspected:
    the version that brought in the outline the park has now (None for a park without one);
    `record_version` the record's latest version when a later edit (of other attributes) kept
    that outline, else None; `made_at` is UTC."""

    park_id: str
    name_zh: str
    name_en: str
    plan: str
    park_area_m2: float | None
    outline_version: int | None
    outline_author: str | None
    outline_time: str | None
    outline_reason: str | None
    outline_evidence: str | None
    outline_quality: str | None
    lines: list[ReportLine] = field(default_factory=list)
    made_at: str = ""
    layers: list[LayerUsed] = field(default_factory=list)
    record_version: int | None = None

    def constraint_lines(self) -> list[ReportLine]:
        """The constraint checks, in the order of the table."""
        return [line for line in self.lines if line.kind == "constraint"]

    def indicator_lines(self) -> list[ReportLine]:
        """The land-use indicators against their rules."""
        return [line for line in self.lines if line.kind == "indicator"]


def _number(v: object) -> float | None:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _text(v: object) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None


def _same_geometry(a: object, b: object) -> bool:
    if isinstance(a, shapely.Geometry) and isinstance(b, shapely.Geometry):
        return bool(shapely.equals(a, b))
    return a is not None and a == b


def outline_version(history: pd.DataFrame | None) -> tuple[pd.Series | None, pd.Series | None]:
    """(the version that brought in the park's current outline, the record's latest version) of a
    history (`Workspace.history`, oldest first; a `geometry` column): later versions that kept the
    same outline (an edit of the name, say) do not make it theirs; a restore does. (None, None)
    for no history."""
    if history is None or history.empty:
        return None, None
    latest = history.iloc[-1]
    if "geometry" not in history.columns:
        return latest, latest
    placed = [i for i, g in enumerate(history["geometry"]) if g is not None]
    if not placed:
        return latest, latest
    at = placed[-1]
    geometry = history["geometry"].iloc[at]
    while at > 0 and _same_geometry(history["geometry"].iloc[at - 1], geometry):
        at -= 1
    return history.iloc[at], latest


def report_data(park_id: str, park: pd.Series, rows: pd.DataFrame, history: pd.DataFrame | None,
                plan_name: str = "", now: datetime | None = None,
                layers: Sequence[LayerUsed] = ()) -> ReportData:
    """The report of park `park_id`: `park` its row of the parks layer (name_zh, name_en,
    geometry_quality, area_m2), `rows` its inspection rows (`ui.inspection.Inspection.of_park`:
    ROW_COLUMNS and `kind`), `history` its versions (`Workspace.history`, oldest first; None when
    there is no workspace; the outline's version is `outline_version`'s), `plan_name` the plan it
    belongs to as shown, `layers` the layers the rows were computed from (`layers_used`, plus land
    use where indicators were computed)."""
    current, latest = outline_version(history)
    when = current.get("time") if current is not None else None
    lines = []
    for r in rows.to_dict("records"):
        area = _number(r.get("area_m2")) if r.get("kind") == "constraint" else None
        lines.append(ReportLine(str(r.get("check")), str(r.get("kind")), str(r.get("rule") or ""), area,
                                None if area is None else convert_area(area, "ha"),
                                None if area is None else convert_area(area, "mu"),
                                _number(r.get("share")), str(r.get("verdict") or ""), str(r.get("method") or "")))
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    return ReportData(
        park_id=str(park_id), name_zh=str(park.get("name_zh") or ""), name_en=str(park.get("name_en") or ""),
        plan=plan_name, park_area_m2=_number(park.get("area_m2")),
        outline_version=int(current["version"]) if current is not None and _number(current.get("version")) else None,
        outline_author=_text(current.get("author")) if current is not None else None,
        outline_time=f"{when:%Y-%m-%d %H:%M} UTC" if isinstance(when, (datetime, pd.Timestamp)) else _text(when),
        outline_reason=_text(current.get("reason")) if current is not None else None,
        outline_evidence=_text(current.get("evidence")) if current is not None else None,
        outline_quality=_text(park.get("geometry_quality")), lines=lines, made_at=stamp,
        layers=list(layers),
        record_version=(int(latest["version"]) if latest is not None and current is not None
                        and _number(latest.get("version")) and latest.get("version") != current.get("version")
                        else None))
