"""Parks nested and findings owned.

Nested (PARENT_RULES, first that applies): a phase in its park (`merge`); a phase named after its
park (科创园一期 in 中山科创园's section, or after the park whose name ends so); 位于/在 a named park; the
park an administration leading the section is named after (牵头单位…禅城园管理局, or the district's
park); the zone the paragraph before a table of parks names (table-zone); the park whose section
holds a name written after 园区内 (inside); the only zone of a document, for parks headed under a
heading about parks (sole-zone); a zone whose name or short name begins the park's (中山翠亨新区 → 中山翠亨新区先进制造产业园;
肇庆高新区 → 肇庆高新区新能源汽车产业园); a zone the
park is made of (由A和B组成, 分为A和B); the zone a heading's section opens with.

Everything else read (areas, floor areas, 四至, place, industries, operator, status, targets) goes
to its owner (`Owners.at`): the park named as the subject of the sentence before it (not one that
follows 位于, 由, 和 … nor one in brackets), else of its paragraph, else the park whose heading
section, lead paragraph or table row holds it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from layers.plan_reader._text import View
from layers.plan_reader.candidates import PLACE_HEADING, Cand
from layers.plan_reader.merge import bare_phase as _bare_phase
from layers.plan_reader.merge import scope_owner as _scope_owner
from layers.plan_reader.names import standalone
from layers.plan_reader.sections import Sections

PARENT_RULES = ("phase-in-park", "phase-of-named", "located-in", "area-named-in", "zone-prefix", "made-of", "lead-unit",
                "lead-district", "heading-zone", "table-zone", "inside", "layout", "members", "sole-zone",
                "carrier-paragraph")
"""Parent rules, in the order they are tried."""
NOT_SUBJECT_BEFORE = ("位于", "地处", "坐落于", "分为", "包括", "包含", "由", "和", "与", "及", "、", "以", "对", "向",
                      "距", "距离", "临近", "毗邻", "紧邻", "靠近", "在", "于", "至", "到", "赴", "依托", "联合", "赋予", "是",
                      "为", "作为", "成为", "下辖", "辖", "隶属", "属于", "同属")
"""A park named right after one of these is not the subject of its sentence."""
MADE_OF = re.compile(r"由(?P<list>[^。；;]{2,120}?)(?:组成|构成)|(?:负责建设管理|托管|下辖|包括|分为)(?P<list2>[^。；;，,]{2,60})")
LEAD_UNIT = re.compile(r"牵头单位[:：](?P<units>[^;；)]{2,120})")
_MARKER_ONLY = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、]|\d+\.\d+\s*)?\s*$")
LOCATED = re.compile(r"位于|地处|坐落|在|依托|毗邻|紧邻|临近|靠近")
"""A park named after one of these in its clause is where something is, not what it is about."""


@dataclass
class Mention:
    """Where a park's name or alias stands in the clean text."""

    start: int
    end: int
    key: str


class Owners:
    """Who owns an offset: the subject named before it in its sentence, else the innermost scope."""

    def __init__(self, view: View, parks: list[Cand]):
        self.view = view
        self.parks = parks
        self.by_key = {p.key: p for p in parks}
        names = sorted({(n, p.key) for p in parks if not _bare_phase(p) for n in p.match_names if len(n) >= 2},
                       key=lambda t: -len(t[0]))
        taken = [False] * (len(view.canon) + 1)
        mentions: list[Mention] = []
        for name, key in names:
            for m in re.finditer(re.escape(name), view.canon):
                if name.endswith("园") and view.canon.startswith("区", m.end()) and name != key:
                    continue  # 全市科创园区: the generic word 园区, not the short name 科创园
                if not any(taken[m.start():m.end()]):
                    mentions.append(Mention(m.start(), m.end(), key))
                    for i in range(m.start(), m.end()):
                        taken[i] = True
        bare = [p for p in parks if _bare_phase(p)]
        for p in bare:  # a phase named 一期, 北片区 …: where it is defined, and elsewhere in its park's section
            ident = f"{p.parent}\x00{p.key}" if p.parent else p.key
            parent = next((q for q in parks if q.key == p.parent), None)
            unique = sum(q.key == p.key for q in bare) == 1
            lo, hi = (parent.scope if parent is not None and parent.scope else (0, len(view.canon) if unique else 0))
            spots = [(p.start, p.end)] + [(m.start(), m.end()) for m in re.finditer(re.escape(p.key), view.canon)
                                          if lo <= m.start() < hi]
            for a, b in spots:
                if not any(taken[a:b]):
                    mentions.append(Mention(a, b, ident))
                    for i in range(a, b):
                        taken[i] = True
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]
        self.by_ident = {(p.key if not p.parent or not _bare_phase(p) else f"{p.parent}\x00{p.key}"): p for p in parks}

    def subject_before(self, offset: int, floor: int, *, skip_phases: bool = False) -> Cand | None:
        """The park named as a subject in clean [floor, offset), nearest to `offset` (not a phase
        with `skip_phases`)."""
        text = self.view.canon
        i = bisect_right(self._starts, offset) - 1
        while i >= 0 and self.mentions[i].start >= floor:
            m = self.mentions[i]
            clause = text[self.view.clause_start(m.start, floor):m.start]
            opens_line = bool(_MARKER_ONLY.match(text[self.view.line_at(m.start).start:m.start]))
            defines = bool(re.search(r"[一二两三四五六七八九十多][核翼园区带轴廊心极](?:为|是|即)$", text[max(floor, m.start - 4):m.start]))
            where = HELD_BY.search(text, max(floor, m.start - 32), m.start)
            held = bool(where and where.group().endswith("的"))  # 位于经开区西部的X（…）规划面积: X is the subject
            if m.end <= offset and (opens_line or defines or not text[max(floor, m.start - 2):m.start].endswith(NOT_SUBJECT_BEFORE)) \
                    and (held or not LOCATED.search(clause)) and not _in_brackets(text, floor, m.start):
                found = self.by_ident.get(m.key)
                if not (skip_phases and found is not None and found.kind == "phase"):
                    return found
            i -= 1
        return None

    def at(self, offset: int, *, within: str = "sentence") -> Cand | None:
        """The owner of clean offset `offset`: the subject named before it in its sentence, else in its
        paragraph, else the park whose section, lead paragraph or table row holds it."""
        line = self.view.line_at(offset)
        row = next((p for p in self.parks if p.rule == "table-row" and p.scope and p.scope[0] <= offset < p.scope[1]), None)
        if within == "sentence":
            found = self.subject_before(offset, self.view.sentence_at(offset).start)
            if found is not None and (row is None or found is row or found.parent == row.key):
                return found
        if row is not None:  # a table row's cells are its park's (or its phases'), not another name's (所在区: 两江新区)
            return row
        return self.subject_before(offset, line.start) or _scope_owner(offset, self.parks)

    def named_after(self, offset: int) -> Cand | None:
        """A park named right after `offset` by 的 (规划约1平方公里的中国新材料CID)."""
        text = self.view.canon
        if not text.startswith("的", offset):
            return None
        i = bisect_right(self._starts, offset + 1) - 1
        if 0 <= i < len(self.mentions) and self.mentions[i].start == offset + 1:
            return self.by_ident.get(self.mentions[i].key)
        return None


def _lead_units(text: str, parks: list[Cand]) -> None:
    """The park whose administration leads a park's section (牵头单位:…禅城园管理局), or the one named
    after the district whose government leads it (南海区人民政府 → 南海园)."""
    for p in parks:
        if p.parent is not None or p.scope is None or p.kind == "phase":
            continue
        lead = LEAD_UNIT.search(text, p.scope[0], p.scope[1])
        if lead:
            units = lead.group("units")
            for q in parks:
                if q is not p and q.kind != "phase" and re.search(re.escape(q.key) + "管理局", units):
                    p.parent, p.parent_rule = q.key, "lead-unit"
                    break
            if p.parent is None:
                for d in re.findall(r"([\u4e00-\u9fff]{2})区人民政府", units):
                    match = [q for q in parks if q is not p and q.kind == "park" and q.key.endswith(d + "园")]
                    if len(match) == 1:
                        p.parent, p.parent_rule = match[0].key, "lead-district"
                        break


def _in_brackets(text: str, a: int, b: int) -> bool:
    seg = text[a:b]
    return seg.count("(") > seg.count(")")


NAMED_PHASE = re.compile(r"^(?P<base>.{2,}?)(?:第?[一二三四五六七八九十]|首)期$")
"""A phase named after its park: 科创园一期, 知识城二期 (the base is the park's name or ends it)."""


HELD_BY = re.compile(r"(?:在|位于|地处)[“\"]?(?P<loc>[^，,。；;、在位“”\"]{2,24}?)[”\"]?(?:核心区|范围|区域|[东南西北中]部|东北部|东南部|西北部|西南部)?(?:内|里|中)?的?"
                     r"(?:规划建设|规划|建设|布局|设立|打造|新建|建成)?$")
"""Words right before a park's name that put it in a park named there (在创新核内建设X, 位于“芯谷”核心区的X)."""


def _held_by_named(text: str, p: Cand, strong: dict[str, Cand]) -> str | None:
    """The key of the park a mention of `p` is said to lie in (HELD_BY; 东翼内的X, 株洲高新区下辖的X,
    同属株洲高新区的X), or None."""
    for m in re.finditer(re.escape(p.key), text):
        held = HELD_BY.search(text, max(0, m.start() - 32), m.start())
        before = text[max(0, m.start() - 40):m.start()]
        for n, q in sorted(strong.items(), key=lambda t: -len(t[0])):
            if q is p or q.key == p.key:
                continue
            if (held and held.group("loc") == n) or re.search(
                    f"{re.escape(n)}[”\"]?(?:(?:范围)?内的?|下辖的|所属的|管辖的|旗下的)$|同属{re.escape(n)}的$", before):
                return q.key
    return None


LAYOUT = re.compile(r"在(?P<loc>[^，,。；;]{2,20}?)(?:范围)?内[^，,。；;]{0,6}?构建[“\"]?(?P<slogan>[一二两三四五六七八九十多]+[核区园城翼带廊轴心片极圈][^”\"，,。]{0,12})")
"""在沈阳高新区范围内构建“一核两翼多园”: the parts of that layout (the chapter's parks) are the zone's."""
BLOCKS = re.compile(r"(?P<list>[^，,。；;]{2,60}?)[两二三四五六七八九十]+(?:大|个)(?:板块|组团|片区|园区|功能区)")
"""A, B两大板块: the parts of the park the sentence is about."""
MEMBERS = re.compile(r"作为[“\"]?(?P<loc>[^，,。；;“”\"]{2,20}?)[”\"]?的[^，,。；;]{0,10}?(?:园区|平台|载体|引擎|地标)[，,]")
"""作为滨海高新区的两个重点园区，A和B…: the parks named after it in its sentence are the zone's."""


def _layout_and_members(view: View, sections: Sections, parks: list[Cand], strong: dict[str, Cand]) -> None:
    """Parents from a layout sentence (LAYOUT: the parks of its chapter with no parent yet) and from
    a members sentence (MEMBERS: the parks named in the rest of its sentence), in place."""
    text = view.canon
    for rx, whole_chapter in ((LAYOUT, True), (MEMBERS, False)):
        for m in rx.finditer(text):
            zone = strong.get(m.group("loc").strip("“”\""))
            if zone is None:
                continue
            if whole_chapter:
                h = sections.at(m.start())
                while h is not None and h.depth > 1:
                    h = next((x for x in reversed(sections.headings[:sections.headings.index(h)]) if x.depth < h.depth), None)
                lo, hi = sections.span_of(h) if h is not None else (0, len(text))
            else:
                lo, hi = m.end(), view.sentence_at(m.start()).end
            for p in parks:
                if p is not zone and p.parent is None and p.kind != "zone" and lo <= p.start < hi:
                    p.parent, p.parent_rule = zone.key, "layout" if whole_chapter else "members"


def _phase_of_named(p: Cand, parks: list[Cand]) -> bool:
    """Nest a phase named after its park (NAMED_PHASE) under it, in place: the park whose section
    holds the phase first, else the strongest whose name is or ends with the base. True when done."""
    m = NAMED_PHASE.match(p.key)
    if m is None or p.parent:
        return False
    base = m.group("base")
    named = [q for q in parks if q is not p and q.kind != "phase" and any(n == base or n.endswith(base)
                                                                      for n in q.match_names)]
    holding = [q for q in named if q.scope and q.scope[0] <= p.start < q.scope[1]]
    ranked = holding or sorted(named, key=lambda q: -q.strength)
    if not ranked:
        return False
    parent = ranked[0]
    p.parent, p.parent_rule, p.kind = parent.key, "phase-of-named", "phase"
    return True


def nest(view: View, sections: Sections, parks: list[Cand], owners: Owners) -> None:
    """Give each park its parent by PARENT_RULES (first that applies), in place."""
    text = view.canon
    bare_keys = [p.key for p in parks if _bare_phase(p)]
    keys = {n: p for p in parks if not _bare_phase(p) or bare_keys.count(p.key) == 1 for n in p.match_names}
    strong = {n: p for n, p in keys.items() if p.strength >= 3 or p.kind == "zone"}  # a kept zone is a plan's park
    zones = [p for p in parks if p.kind == "zone"]
    for p in parks:
        if _phase_of_named(p, parks):
            continue
        if p.kind == "phase" and p.parent and not any(p.parent in k for k, q in keys.items() if q is not p):
            p.parent = None  # 钢铁深加工起步区: the words before its suffix are its name, not a park
        if p.kind == "phase" and p.parent:
            loc = re.match(r"(?:位于|地处)(?P<loc>[^，,。；;]{2,40})", text[p.end:p.end + 45])
            for n, q in sorted(keys.items(), key=lambda t: -len(t[0])):
                if loc and q is not p and q.key != p.parent and loc.group("loc").startswith(n):
                    p.parent, p.parent_rule = q.key, "located-in"
                    break
            continue
        if p.parent and p.parent_rule == "area-named-in":
            target = keys.get(p.parent) or next((q for n, q in keys.items() if p.parent.endswith(n)), None)
            p.parent = target.key if target and target is not p else None
            if p.parent:
                continue
        if p.parent_rule == "contains" and p.parent in keys:
            p.parent = keys[p.parent].key
            continue
        p.parent, p.parent_rule = None, None
        for m in re.finditer(re.escape(p.key), text):
            after = re.sub(r"^\([^()]{0,30}\)", "", text[m.end():m.end() + 80])  # X(简称“Y”)位于…
            locs = [x for x in (re.match(r"(?:位于|地处|坐落于|隶属于?|同属)(?P<loc>[^，,。；;]{2,40})", after[:45]),
                                re.match(r"[^。；;]{0,30}?[，,]\s*(?:隶属于?|同属|属于)(?P<loc>[^，,。；;]{2,40})", after))
                    if x and not re.search(r"交界|之间|结合部|接合部", x.group("loc"))]  # X位于…，隶属Y: Y holds X
            for loc in locs:
                for n, q in sorted(strong.items(), key=lambda t: -len(t[0])):
                    if q is not p and loc.group("loc").startswith(n):
                        p.parent, p.parent_rule = q.key, "located-in"
                        break
                if p.parent:
                    break
            if p.parent:
                break
        if p.parent is None:  # "在创新核内建设X", "位于芯谷核心区的X": the park named before X holds it
            p.parent = _held_by_named(text, p, strong)
            p.parent_rule = "located-in" if p.parent else None
        inside = re.search(r"(?:开发区|园区|高新区|经开区|新区|基地|新城|小镇|园|城|核|片区|区块|[东南西北中]区)内(?:的|设|建有|规划)?$",
                           text[max(0, p.start - 6):p.start])
        if p.parent is None and inside:  # 开发区内的钢铁深加工起步区; 片区内的生物医药起步区 (the 片区 is a phase)
            owner = owners.subject_before(p.start, view.line_at(p.start).start,
                                          skip_phases=not re.match(r"(?:片区|区块|[东南西北中]区)", inside.group()))
            if owner is not None and owner is not p:
                p.parent, p.parent_rule = owner.key, "inside"
        if p.parent is None:  # a sentence "X位于…" that names X by a pronoun (小镇位于智慧区西部)
            for h_start, h_end in [p.scope] if p.scope else []:
                loc = re.search(r"(?:位于|地处)(?P<loc>[^，,。；;]{2,40})", text[h_start:min(h_end, h_start + 200)])
                if loc and not re.search(r"交界|之间", loc.group("loc")):
                    for n, q in sorted(strong.items(), key=lambda t: -len(t[0])):
                        if q is not p and loc.group("loc").startswith(n):
                            p.parent, p.parent_rule = q.key, "located-in"
                            break
    _lead_units(text, parks)
    for p in parks:
        if p.parent is None and p.kind != "phase":
            z = max((z for z in zones if z is not p and p.key.startswith(z.key) and len(p.key) > len(z.key)
                     and standalone(text, z.end)), key=lambda z: len(z.key), default=None)
            z = z or next((z for z in zones if z is not p and any(len(a) >= 4 and p.key.startswith(a) and len(p.key) > len(a)
                                                                for a in z.match_names[1:])), None)
            if z is not None:
                p.parent, p.parent_rule = z.key, "zone-prefix"
    for m in MADE_OF.finditer(text):
        owner = owners.subject_before(m.start(), view.sentence_at(m.start()).start) or \
            owners.subject_before(m.start(), view.line_at(m.start()).start)  # …面积约九平方公里，由A、B和C组成
        span = (m.start("list"), m.end("list")) if m.group("list") else (m.start("list2"), m.end("list2"))
        if owner is None:
            continue
        for p in parks:
            if p is not owner and (p.parent is None or p.parent_rule == "phase-in-park") and any(
                    span[0] <= q.start < span[1] for q in owners.mentions if q.key == p.key):
                p.parent, p.parent_rule = owner.key, "made-of"
    for p in parks:
        if p.parent is not None or p.rule != "heading" or p.kind == "zone":
            continue
        h = sections.at(p.start)
        if h is None:
            continue
        up = next((x for x in reversed(sections.headings[:sections.headings.index(h)]) if x.depth < h.depth), None)
        if up is None:
            continue
        first = next((s for s in view.sentences if s.start >= up.body_start), None)
        intro = owners.subject_before(first.end, first.start) if first and first.start < h.start else None
        if intro is not None and intro is not p and intro.kind == "zone":
            p.parent, p.parent_rule = intro.key, "heading-zone"
    _table_zone(text, parks)
    _inside(text, parks)
    _layout_and_members(view, sections, parks, keys)
    for m in BLOCKS.finditer(text):  # 崖州湾科技城…，南繁科技城、深海科技城两大板块加快成形
        owner = owners.subject_before(m.start("list"), view.sentence_at(m.start()).start)
        for p in parks:
            if owner is not None and p is not owner and p.parent is None and p.key in m.group("list"):
                p.parent, p.parent_rule = owner.key, "members"
    _sole_zone(view, sections, parks)
    for p in parks:  # a carrier building with no parent yet: in the park its paragraph is about (园区核心区的信创大厦)
        if p.parent is None and p.kind == "carrier":
            owner = owners.subject_before(p.start, view.line_at(p.start).start, skip_phases=True)
            if owner is None and re.search(r"(?:园区内的|园区核心区的|园区的)$", text[max(0, p.start - 6):p.start]):
                owner = owners.subject_before(p.start, max(0, p.start - 300), skip_phases=True)  # the paragraph before's park
            if owner is not None and owner is not p and owner.kind != "phase":
                p.parent, p.parent_rule = owner.key, "carrier-paragraph"


INSIDE = ("园区内", "园内", "区内", "基地内", "城内", "岛内")
"""Words right before a name that put it inside the park the passage is about (园区内生物创新园)."""


def _inside(text: str, parks: list[Cand]) -> None:
    """A park named right after 园区内/园内 … with no parent yet lies in the park whose section holds it."""
    for p in parks:
        if p.parent is not None or not text[max(0, p.start - 3):p.start].endswith(INSIDE):
            continue
        owner = _scope_owner(p.start, [q for q in parks if q is not p and q.kind != "phase"])
        if owner is not None:
            p.parent, p.parent_rule = owner.key, "inside"


def _sole_zone(view: View, sections: Sections, parks: list[Cand]) -> None:
    """In a document about one zone (defined, headed or leading a paragraph), a park whose heading
    sits under a heading about parks (重点园区…), or any park when the document's title names the
    zone (南京江北新区管理委员会2024年工作总结), with no parent yet is a park of that zone."""
    zones = [z for z in parks if z.kind == "zone" and z.strength >= 3]  # a zone named in passing is no document's subject
    if len(zones) != 1:
        return
    if re.search(r"(?:位于|地处|坐落于)$", view.canon[max(0, zones[0].start - 4):zones[0].start]):
        return  # 1.南昌航空城，位于南昌高新技术产业开发区（以下简称…）: defined, but only where a park lies
    title = next((line for line in view.canon.split("\n") if line.strip() and ">" not in line and "首页" not in line), "")
    titled = any(len(n) >= 4 and n in title for n in zones[0].match_names)
    for p in parks:
        if p.parent is not None or p.kind == "zone" or (p.rule != "heading" and not titled):
            continue
        if titled and p.rule != "heading":  # the document is the zone's own (its title names it)
            p.parent, p.parent_rule = zones[0].key, "sole-zone"
            continue
        h = sections.at(p.start)
        if h is None:
            continue
        up = next((x for x in reversed(sections.headings[:sections.headings.index(h)]) if x.depth < h.depth), None)
        if up is not None and PLACE_HEADING.search(up.title):
            p.parent, p.parent_rule = zones[0].key, "sole-zone"


TABLE_INTRO = 400
"""How far before a table (characters) its introducing paragraph is read for the zone it lists."""


def _table_zone(text: str, parks: list[Cand]) -> None:
    """Rows of a table of parks with no parent yet belong to the zone the paragraph before the
    table names (苏州高新区……主要产业园区情况如下：), when it names exactly one zone and that zone is
    not a row of the table itself."""
    rows = sorted((p for p in parks if p.rule == "table-row" and p.scope), key=lambda p: p.start)
    groups: list[list[Cand]] = []
    for p in rows:
        if groups and p.scope[0] - groups[-1][-1].scope[1] <= 200:  # type: ignore[index]
            groups[-1].append(p)
        else:
            groups.append([p])
    zones = [z for z in parks if z.kind == "zone"]
    for group in groups:
        head = max(text.rfind("\n", 0, group[0].scope[0] - 1), 0)  # type: ignore[index]  # before the header line
        intro = text[max(0, head - TABLE_INTRO):head]
        named = [z for z in zones if z not in group and any(len(n) >= 3 and n in intro for n in z.match_names)]
        if len(named) != 1:
            continue
        for p in group:
            if p.parent is None and p.kind != "zone":
                p.parent, p.parent_rule = named[0].key, "table-zone"
