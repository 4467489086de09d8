"""A reading as the JSON of issue 24 and as a summary an officer can read.

The JSON has exactly the fields of the issue, and for every finding its "span" ([start, end] into
the text read) and "rule" (the rule id that produced it), so an officer can see why it is there.
Values and units are as written (650 and 亿元; 一千亿元 → 1000 and 亿元).
"""

from __future__ import annotations

from typing import Any

from layers.plan_reader.model import Area, Boundary, Evidence, FloorArea, Park, Reading, Target
from layers.plan_reader.numerals import plain


def _where(e: Evidence) -> dict[str, Any]:
    return {"span": [e.start, e.end], "rule": e.rule}


def _area(a: Area) -> dict[str, Any]:
    return {"text": a.text, "km2": a.km2, "approx": a.approx, **_where(a.evidence)}


def _floor(f: FloorArea) -> dict[str, Any]:
    return {"text": f.text, "m2": plain(f.m2), **_where(f.evidence)}


def _boundary(b: Boundary | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {"text": b.text, "east": b.east, "south": b.south, "west": b.west, "north": b.north, **_where(b.evidence)}


def target_json(t: Target) -> dict[str, Any]:
    """One target: metric, value and unit as written, comparison, year, quote, span and rule."""
    return {"metric": t.metric, "value": plain(t.value), "unit": t.unit, "comparison": t.comparison, "year": t.year,
            "quote": t.evidence.quote, **_where(t.evidence)}


def park_json(p: Park) -> dict[str, Any]:
    """One park with everything read about it."""
    return {"name": p.name, "aliases": p.aliases, "kind": p.kind, "parent": p.parent, "city": p.city,
            "district": p.district, "town": p.town, "areas": [_area(a) for a in p.areas],
            "floor_areas": [_floor(f) for f in p.floor_areas], "boundary": _boundary(p.boundary),
            "industries": p.industries, "operator": p.operator, "status": p.status,
            "targets": [target_json(t) for t in p.targets],
            "links": [{"name": k.name, "kind": k.kind, "status": k.status, "quote": k.evidence.quote, **_where(k.evidence)}
                      for k in p.links],
            "quote": p.evidence.quote, "section": p.evidence.section,
            **_where(p.evidence)}


def to_json(r: Reading) -> dict[str, Any]:
    """The reading as issue 24's JSON (plus "span" and "rule" on every finding)."""
    d = r.document
    return {"document": {"title": d.title, "number": d.number, "issuer": d.issuer, "date": d.date, "sha256": r.sha256},
            "parks": [park_json(p) for p in r.parks], "targets": [target_json(t) for t in r.targets]}


def _target_line(t: Target) -> str:
    cmp = f" {t.comparison}" if t.comparison else ""
    year = f" ({t.year})" if t.year else ""
    base = f", baseline {plain(t.baseline[0])} ({t.baseline[1]})" if t.baseline else ""
    return f"{t.metric_text}{cmp} {plain(t.value)} {t.unit}{year}{base} [{t.metric or '-'}; {t.evidence.section or '-'}]"


def summary(r: Reading) -> str:
    """A readable summary: the document, each park with its areas, 四至 and targets, plan targets."""
    d = r.document
    out = [f"文件 Document: {d.title or '(no title found)'}",
           f"  文号 {d.number or '-'} · 发文 {d.issuer or '-'} · 日期 {d.date or '-'} · SHA-256 {r.sha256[:12]}…",
           f"  {len(r.parks)} parks, {sum(len(p.targets) for p in r.parks) + len(r.targets)} targets, "
           f"read in {r.seconds:.2f} s" + ("  (recognised text — check against the scan)" if r.recognised else ""), ""]
    for p in r.parks:
        head = f"- {p.name} [{p.kind}]"
        if p.aliases:
            head += f" 简称 {'、'.join(p.aliases)}"
        if p.parent:
            head += f" ⊂ {p.parent}"
        out.append(head + f"  ({p.evidence.rule}; {p.evidence.section or '-'})")
        place = " ".join(x for x in (p.city, p.district, p.town) if x)
        if place:
            out.append(f"    位置 {place}")
        for a in p.areas:
            out.append(f"    面积 {a.text} = {a.km2:g} km²")
        for f in p.floor_areas:
            out.append(f"    建筑面积 {f.text} = {f.m2:g} m² (floor, not land)")
        if p.boundary:
            out.append(f"    四至 {p.boundary.text}")
        if p.industries:
            out.append(f"    产业 {'、'.join(p.industries)}")
        if p.operator:
            out.append(f"    运营 {p.operator}")
        if p.status:
            out.append(f"    状态 {p.status}")
        for t in p.targets:
            out.append(f"    目标 {_target_line(t)}")
    if r.targets:
        out.append("")
        out.append("Plan-wide targets:")
        out.extend(f"  - {_target_line(t)}" for t in r.targets)
    return "\n".join(out)
