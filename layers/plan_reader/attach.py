"""Everything read about a park, given to its owner (`parks.Owners`): areas, floor areas, 四至,
place, industries, operator, status and targets, each with its evidence. The patterns for the
attributes are rules as data (ATTRIBUTE_RULES).

>>> m = re.search(ATTRIBUTE_RULES["industries"][0], "重点发展高端装备制造、新一代信息技术、新能源、新材料和健康医药产业。")
>>> split_list(m.group("list"))
['高端装备制造', '新一代信息技术', '新能源', '新材料', '健康医药']
>>> split_list("新经济、软件和信息服务、金融科技产业")
['新经济', '软件和信息服务', '金融科技']
"""

from __future__ import annotations

import re

from layers.plan_reader._text import View
from layers.plan_reader.areas import UNITS, Figure, cell_figure, km2_of, m2_of
from layers.plan_reader.boundaries import Found as BoundaryFound
from layers.plan_reader.candidates import Cand
from layers.plan_reader.links import LinkFound
from layers.plan_reader.model import Area, AreaMention, Boundary, Evidence, FloorArea, Link, Park, Target
from layers.plan_reader.names import _NOT_PLACE
from layers.plan_reader.parks import Owners
from layers.plan_reader.sections import Sections
from layers.plan_reader.targets import Found as TargetFound

ATTRIBUTE_RULES: dict[str, tuple[str, ...]] = {
    "industries": (r"重点发展(?P<list>[^。；;，,]{2,120})", r"以(?P<list>[^。；;，,]{2,60}?)为主导产业",
                   r"主导产业(?:为|是|包括)(?P<list>[^。；;，,]{2,120})"),
    "operator": (r"由(?P<op>[^，,。；;]{2,40}?)负责(?:开发|建设|运营|管理)",),
    "operator-heading": (r"开发运营主体|运营主体|综合协调单位|运营管理单位|运营单位|建设主体",),
    "status": (r"已建成(?![\u4e00-\u9fff]{0,6}(?:载体|厂房|用房|面积|标准|研发|公寓))|在建|规划建设|建设中|已投用|已投产",),
    "located": (r"(?:位于|地处|坐落于|坐落在)(?P<loc>[^，,。；;]{2,40})",),
}
"""Patterns of the attributes read in running text."""
PLACE_RE = re.compile(r"^(?P<city>[\u4e00-\u9fff]{2,3}市)?(?P<district>[\u4e00-\u9fff]{2,3}?[区县])?"
                      r"(?P<town>[\u4e00-\u9fff]{2,3}?(?:镇|街道|乡))?")
_LIST_TAIL = re.compile(r"(?:等)?(?:[一二三四五六七八九十\d]+大)?(?:产业集群|产业|领域|行业|业态)?$")


def split_list(text: str) -> list[str]:
    """Industries written as a list: split at 、, and at 和/及 in the last item only."""
    text = _LIST_TAIL.sub("", text.strip())
    items = [i.strip() for i in text.split("、") if i.strip()]
    if items:
        last = re.split(r"和|及|以及", items[-1])
        items = items[:-1] + [x.strip() for x in last if x.strip()]
    return [_LIST_TAIL.sub("", i) or i for i in items]


KEY_ROW_REACH = 800
"""How far before a key–value table row (characters) its subject may be named."""


class Attacher:
    """Builds the parks of a reading from the kept names and what the other rules found."""

    def __init__(self, view: View, sections: Sections, owners: Owners):
        self.view = view
        self.sections = sections
        self.owners = owners
        self.parks: dict[int, Park] = {}
        self.mentions: list[AreaMention] = []
        for c in owners.parks:
            self.parks[id(c)] = Park(c.name, c.kind, self.ev(c.rule, *self._quote_span(c)))
            park = self.parks[id(c)]
            park.aliases = [a for a in dict.fromkeys(c.aliases) if a != c.name]
            park.mentions = [(c.start, c.end)]
            park.section_span = c.scope
            if c.place:
                if c.place.endswith("市"):
                    park.city = c.place
                else:
                    park.district = c.place

    def ev(self, rule: str, a: int, b: int) -> Evidence:
        """Evidence for clean [a, b): the rule, the original span and quote, the section path."""
        s, e = self.view.span(a, b)
        return Evidence(rule, s, e, self.view.original[s:e], self.sections.path_at(a))

    def _quote_span(self, c: Cand) -> tuple[int, int]:
        if c.rule == "table-row" and c.scope:
            return c.scope
        if c.rule in ("heading", "lead"):
            line = self.view.line_at(c.start)
            return line.start, line.end
        sentence = self.view.sentence_at(c.start)
        return sentence.start, sentence.end

    def park(self, c: Cand | None) -> Park | None:
        """The Park built for candidate `c`."""
        return self.parks.get(id(c)) if c is not None else None

    def parents(self) -> None:
        """Parent names as written."""
        for c in self.owners.parks:
            if c.parent and c.parent in self.owners.by_key:
                self.parks[id(c)].parent = self.owners.by_key[c.parent].name

    def tables(self) -> None:
        """The cells of each park's table row: place, area, industries, status, operator, note."""
        for c in self.owners.parks:
            p = self.parks[id(c)]
            for role, (text, a, b, unit, header) in c.row.items():
                if not text or text in ("—", "-", "/", "无"):
                    continue
                if role == "district":
                    p.district = text
                elif role == "town":
                    p.town = text
                elif role == "industries":
                    p.industries = split_list(text)
                elif role == "status":
                    p.status = text
                elif role == "operator":
                    p.operator = text
                elif role in ("area", "floor_area"):
                    fig = cell_figure(text, unit)
                    if fig is None:
                        continue
                    value, u, approx = fig
                    if role == "area" and UNITS[u].family == "m2" and not re.search("占地|用地|土地", header):
                        role = "floor_area"  # 面积（万平方米） with no 占地: a floor area
                    e = self.ev(f"table-{role}", a, b)
                    s, t = self.view.span(a, b)
                    if role == "area":
                        p.areas.append(Area(text, value, u, km2_of(value, u), approx, e))
                        self.mentions.append(AreaMention(text, value, u, "land", "table-area", s, t))
                    else:
                        p.floor_areas.append(FloorArea(text, value, u, m2_of(value, u), e))
                        self.mentions.append(AreaMention(text, value, u, "floor", "table-floor-area", s, t))
                elif role == "note":
                    m = re.search(ATTRIBUTE_RULES["operator"][0], text)
                    if m and not p.operator:
                        p.operator = m.group("op")

    def figures(self, figures: list[Figure]) -> None:
        """Areas and floor areas to their owners; every figure kept as a mention with its use."""
        cells = [(a, b) for c in self.owners.parks for role, (_, a, b, _, _) in c.row.items() if role in ("area", "floor_area")]
        for f in figures:
            if any(a <= f.start < b for a, b in cells):
                continue  # a table's area cell (约1200公顷): read once, by `tables`
            s, t = self.view.span(f.start, f.end)
            self.mentions.append(AreaMention(f.text, f.value, f.unit, f.use, f.rule, s, t))
            if f.use not in ("land", "floor"):
                continue
            owner = self.park(self.owners.named_after(f.end) or self.owners.at(f.start)
                              or self._key_row_owner(f.start, "规划总面积|规划面积|总面积|用地面积|占地面积"))
            if owner is None:
                continue
            sentence = self.view.sentence_at(f.start)
            e = self.ev(f"area-{f.rule}", sentence.start, sentence.end)
            if f.use == "land":
                owner.areas.append(Area(f.text, f.value, f.unit, f.km2, f.approx, e))
            else:
                owner.floor_areas.append(FloorArea(f.text, f.value, f.unit, f.m2, e))

    def links(self, found: list[LinkFound]) -> None:
        """Each link or facility to the park that owns its place (none: not a park's, left out)."""
        for f in found:
            owner = self.park(self.owners.at(f.start))
            if owner is not None and all(k.name != f.name for k in owner.links):
                owner.links.append(Link(f.name, f.kind, f.status, self.ev(f"link-{f.kind}", f.clause_start, f.clause_end)))

    def _key_row_owner(self, offset: int, keys: str) -> Cand | None:
        """In a key–value table (| 规划总面积 | 1126.48公顷 |, | 规划范围 | 东至… |) nobody is named on
        the row: the park the text named last before it (within KEY_ROW_REACH) is its subject."""
        line = self.view.line_at(offset)
        if not re.match(rf"\s*\|?\s*(?:{keys})\s*[|：:]", self.view.canon[line.start:offset]):
            return None
        return self.owners.subject_before(offset, max(0, offset - KEY_ROW_REACH), skip_phases=True)

    def boundaries(self, found: list[BoundaryFound]) -> None:
        """Each 四至 to its owner (the first one an owner gets)."""
        for b in found:
            owner = self.park(self.owners.at(b.start) or self._key_row_owner(b.start, "规划范围|四至范围|四至|范围"))
            if owner is not None and owner.boundary is None:
                owner.boundary = Boundary(b.written, b.parts["east"], b.parts["south"], b.parts["west"],
                                          b.parts["north"], self.ev(b.rule, b.start, b.end))

    def attributes(self) -> None:
        """Place, industries, operator and status from running text."""
        text = self.view.canon
        for rx in ATTRIBUTE_RULES["located"]:
            for m in re.finditer(rx, text):
                owner = self.park(self.owners.at(m.start()))
                if owner is None:
                    continue
                loc = PLACE_RE.match(m.group("loc"))
                if not loc:
                    continue
                a = m.start("loc")
                if loc.group("city") and not owner.city:
                    owner.city = self.view.written(a + loc.start("city"), a + loc.end("city"))
                d = loc.group("district")
                if d and not any(d.endswith(w) for w in _NOT_PLACE) and not owner.district:
                    owner.district = self.view.written(a + loc.start("district"), a + loc.end("district"))
                if loc.group("town") and d and not owner.town:
                    owner.town = self.view.written(a + loc.start("town"), a + loc.end("town"))
        for rx in ATTRIBUTE_RULES["industries"]:
            for m in re.finditer(rx, text):
                owner = self.park(self.owners.at(m.start()))
                if owner is not None and not owner.industries:
                    owner.industries = split_list(self.view.clean[m.start("list"):m.end("list")])
        for rx in ATTRIBUTE_RULES["operator"]:
            for m in re.finditer(rx, text):
                owner = self.park(self.owners.at(m.start()))
                if owner is not None and not owner.operator:
                    owner.operator = self.view.written(m.start("op"), m.end("op"))
        for h in self.sections.headings:
            if not re.fullmatch(ATTRIBUTE_RULES["operator-heading"][0] + r"(?:及.*)?", h.title):
                continue
            owner = self.park(self.owners.at(h.start))
            body = self.view.sentence_at(h.body_start + 1 if h.body_start < len(text) else h.body_start)
            if h.body_start >= len(text):
                continue
            nxt = next((s for s in self.view.sentences if s.start >= h.body_start), None)
            if owner is None or owner.operator or nxt is None or body is None:
                continue
            op = self.view.written(nxt.start, nxt.end).rstrip("。.")
            op = re.split(r"为", op, maxsplit=1)[-1] if "为" in op[:12] else op
            if op and not op.startswith(("暂无", "无")) and len(op) <= 40:
                owner.operator = op
        for c in self.owners.parks:
            p = self.parks[id(c)]
            if p.status or c.rule not in ("lead", "table-row") or not c.scope:
                continue
            sm = re.search(ATTRIBUTE_RULES["status"][0], text[c.scope[0]:c.scope[1]])
            if sm:
                p.status = self.view.written(c.scope[0] + sm.start(), c.scope[0] + sm.end())

    def targets(self, found: list[TargetFound]) -> list[Target]:
        """Each target to the park it names or whose section holds it; the others are plan-wide."""
        plan: list[Target] = []
        for t in found:
            owner = self.park(self.owners.at(t.start, within="line")) if t.rule == "sentence" else None
            target = Target(t.metric, t.metric_text, t.value, t.value_text, t.unit, t.comparison, t.year, t.baseline,
                            owner.name if owner else "plan", self.ev(f"target-{t.rule}", t.quote_start, t.quote_end))
            (owner.targets if owner else plan).append(target)
        return plan

    def kinds(self) -> None:
        """A named place with floor areas and no land area, and no suffix, is a carrier."""
        for c in self.owners.parks:
            p = self.parks[id(c)]
            if c.rule in ("lead", "heading") and p.floor_areas and not p.areas and p.kind == "park" \
                    and not re.search(r"园|城|区|基地|小镇|谷", p.name[-2:]):
                p.kind = "carrier"
