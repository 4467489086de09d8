"""四至: the roads, rivers and places that bound a park, in any order and with any separator.

Three forms (BOUNDARY_RULES), each needing at least two directions in one run of clauses so that a
lone 北至 in running prose is not read as a boundary:

- `bounded-by`: 北以X为界 (the park's north side is X);
- `direction-verb`: 东至X, 南到X, 西及X, 北临X, 东靠X, 南依X, 北望X, 西邻X, 东、北至X …
- `beside`: X以南, Y以北 … (the park lies south of X, so X bounds it on the north).

>>> b = find_boundaries(View("规划范围为北至横门东出海航道；东至伶仃洋海堤、南至马鞍岛南侧海岸线、西至兴港大道，面积约5.8平方公里。"))[0]
>>> b.parts["east"], b.parts["north"], b.written
('伶仃洋海堤', '横门东出海航道', '北至横门东出海航道；东至伶仃洋海堤、南至马鞍岛南侧海岸线、西至兴港大道')
>>> find_boundaries(View("区域规划为珠江水道以南,兴业大道以北,金光东路以西,市新路以东区域。"))[0].parts
{'east': '金光东路', 'south': '兴业大道', 'west': '市新路', 'north': '珠江水道'}
>>> find_boundaries(View("东、北至沙湾水道,西至京珠高速,南至广深港客运专线"))[0].parts["north"]
'沙湾水道'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layers.plan_reader._text import View

DIRECTIONS = {"东": "east", "南": "south", "西": "west", "北": "north"}
"""Direction characters and the field each fills."""
OPPOSITE = {"east": "west", "west": "east", "south": "north", "north": "south"}
VERBS = "至|到|达|抵|临|接|靠|邻|依|望|及|界|起|止|连|迄|濒|:|："
"""Verbs after a direction (东至, 南抵, 西接, 北靠 …)."""
_SEP = "[,，;；、 ]|以及|及|和"
_STOP = ",，;；、。\n\t|(（:："
_VALUE = f"[^{_STOP}]{{1,40}}"


@dataclass(frozen=True)
class BoundaryRule:
    """A 四至 form: id, the regex of one clause, and whether a direction names the park's side
    (东至X: east X) or the side of X it lies on (X以西: east X)."""

    id: str
    clause: str
    inverted: bool


BOUNDARY_RULES: tuple[BoundaryRule, ...] = (
    BoundaryRule("bounded-by", f"(?P<dirs>[东南西北](?:[、和及与][东南西北])*)(?:侧|面|边)?以(?P<value>{_VALUE}?)为界", False),
    BoundaryRule("direction-verb",
                 f"(?P<dirs>[东南西北](?:[、和及与][东南西北])*)(?:侧|面|边)?(?:(?P<verb>{VERBS})于?)(?P<value>{_VALUE})",
                 False),
    BoundaryRule("beside", f"(?P<value>{_VALUE}?)以(?P<dirs>[东南西北])(?:区域|地区|范围|一带|地块)?(?=[{_STOP}]|$)", True),
)
"""The forms of 四至, tried in this order (a run may mix 以X为界 with 至: see `_found`)."""
MIN_DIRECTIONS = 2
"""A run of clauses is a 四至 when it names at least this many directions; runs of different forms
written one after the other join first (南以A为界，东起B，北以C为界，西至D: one 四至)."""
_LEAD = re.compile(r"^.*?(?:范围为|规划为|区域为|位于|为|于|在)")


@dataclass(frozen=True)
class Found:
    """A 四至 run: rule id, parts by direction (as written), its text and clean span."""

    rule: str
    parts: dict[str, str | None]
    written: str
    start: int
    end: int


_RXS = [(r, re.compile(r.clause)) for r in BOUNDARY_RULES]
_SEP_RX = re.compile(f"(?:{_SEP})*")
_GOOD_BEFORE = set(",，;；、。:：(（ \n\t|为是到至围区其园") | {""}
"""What may stand before the first clause of a 四至 run (范围为东至…, 。北至…, 片区东至…)."""


def find_boundaries(view: View, start: int = 0, end: int | None = None) -> list[Found]:
    """Every 四至 run in clean [start, end) of `view`."""
    text = view.canon
    stop = len(text) if end is None else end
    out: list[Found] = []
    for rule, rx in _RXS:
        taken = -1
        pos = start
        while True:
            m = rx.search(text, pos, stop)
            if not m:
                break
            bad_before = not rule.inverted and text[m.start() - 1:m.start()] not in _GOOD_BEFORE
            if m.start() < taken or any(f.start <= m.start() < f.end for f in out):
                pos = m.start() + 1
                continue
            run = [m]
            while True:
                sep = _SEP_RX.match(text, run[-1].end(), stop)
                nxt = rx.match(text, sep.end() if sep else run[-1].end(), stop)
                if not nxt or nxt.end() == run[-1].end():
                    break
                run.append(nxt)
            found = _found(view, rule, run)
            if found is not None and bad_before and len(_named(found)) < 3:
                found = None  # 华东至… in prose; but 创新核东临汉江，南至…，西抵…: a name right before a long run
            if found is None:
                pos = m.end()
                continue
            out.append(found)
            taken = found.end
            pos = found.end
    joined = _joined(view, sorted(out, key=lambda f: f.start))
    return [f for f in joined if len(_named(f)) >= MIN_DIRECTIONS]


def _joined(view: View, found: list[Found]) -> list[Found]:
    """Runs of two forms written one after the other (北以X为界，南以Y为界；西至Z，东至W) as one 四至."""
    out: list[Found] = []
    for f in found:
        prev = out[-1] if out else None
        gap = view.canon[prev.end:f.start] if prev is not None else None
        if prev is not None and gap is not None and _SEP_RX.fullmatch(gap) and prev.rule != f.rule \
                and "beside" not in (prev.rule, f.rule) and not set(_named(prev)) & set(_named(f)):
            parts = {k: prev.parts[k] or f.parts[k] for k in prev.parts}
            out[-1] = Found(f"{prev.rule}+{f.rule}", parts, view.written(prev.start, f.end), prev.start, f.end)
        else:
            out.append(f)
    return out


def _named(f: Found) -> list[str]:
    return [k for k, v in f.parts.items() if v]


def _found(view: View, rule: BoundaryRule, run: list[re.Match[str]]) -> Found | None:
    parts: dict[str, str | None] = {"east": None, "south": None, "west": None, "north": None}
    named = 0
    first_start = None
    for m in run:
        value_start, value_end = m.start("value"), m.end("value")
        raw = view.canon[value_start:value_end]
        if rule.inverted:
            lead = _LEAD.match(raw)
            if lead:
                value_start += lead.end()
        value = view.written(value_start, value_end)
        if not value:
            continue
        for ch in m.group("dirs"):
            if ch not in DIRECTIONS:
                continue
            side = DIRECTIONS[ch]
            if rule.inverted:
                side = OPPOSITE[side]
            if parts[side] is None:
                parts[side] = value
                named += 1
        if first_start is None:
            first_start = value_start if rule.inverted else m.start()
    if named < (MIN_DIRECTIONS if rule.inverted else 1) or first_start is None:  # 北以X为界 alone may join a run
        return None
    end = run[-1].end() if rule.id == "bounded-by" else run[-1].end("value") if not rule.inverted else run[-1].end("dirs")
    return Found(rule.id, parts, view.written(first_start, end), first_start, end)
