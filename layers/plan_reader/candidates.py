"""Where parks are named: the rules that propose a name (NAME_RULES), each a pattern of the text's
structure or wording, and the merging of what they propose.

| rule | strength | what it reads |
|---|---|---|
| table-row | 3 | the name column of a park table (园区名称) |
| heading | 3 | a heading whose title is a name (（一）马鞍岛东片区。), or a short title under a heading about places (核心区, 分园, 地标) |
| lead | 3 | a paragraph opening with a name and a full stop (南部园区。面积约87平方公里…) |
| defined | 3 | a name with its short name (以下简称“翠亨园区”) |
| nickname | 3 | a name with what people call it (被业内称为“钱塘芯谷”的…产业园; …小镇，当地人习惯称之为“医药港”) |
| carrier | 3 | a building named as a park's carrier (位于…的钱塘科创中心，是…重要载体) |
| area-named | 3 | 规划约1平方公里的中国新材料CID(中央创新区) |
| phase | 3 | 一期/第二期/首期/起步区/启动区 with its area, 四至 or land (一期工程计划用地面积…) |
| located | 3 | a name with any suffix followed by where it is or how large (庆盛枢纽区块位于…, …区块规划面积…) |
| org | 2 | the park an administration is named after (佛山高新区禅城园管理局) |
| suffix | 1 | any other name ending with a suffix that may stand bare (机器人谷, 产业园, 小镇) |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from layers.plan_reader._text import View, canonical
from layers.plan_reader.names import (AREA_NEXT, PHASE_WORD, STOP_WORDS, counted, is_generic, is_org, name_start, split_place,
                                      standalone, start_of_name_ending, suffix_names, suffix_of)
from layers.plan_reader.nicknames import nicknames
from layers.plan_reader.numerals import NUMBER
from layers.plan_reader.sections import Sections
from layers.plan_reader.tables import Table


@dataclass(frozen=True)
class NameRule:
    """A rule that proposes names: id, strength (3 structure, 2 an administration, 1 a bare
    mention) and, for the rules that are one pattern, the pattern."""

    id: str
    strength: int
    pattern: str = ""


PLACE_HEADING = re.compile(r"园区|分园|多园|核心区|地标|载体|平台|片区|基地|组团|板块|一[区核][一二两三四五六七八九十多]+[园翼区]|园$")
"""A heading about places: its short child titles are names even without a suffix (1.知识城)."""
DEFINED = r"[(](?:以下)?(?:简称|又称|也称|称)[为:：]?\s*[“\"「]?(?P<alias>[^”\"」(),，、]{2,14})[”\"」]?(?P<more>[^()]{0,30})[)]"
_DEFINED_END = re.compile(DEFINED + "$")
_SUB_AREA_TITLE = re.compile(r"^[\u4e00-\u9fff]{2,10}(?:片区|组团|区块)$")
"""A heading that is a sub-area's name, however generic its words (二、智能制造片区)."""
MORE_ALIASES = re.compile(r"(?:又称|也称|简称|或称)[为:：]?\s*[“\"「]?(?P<alias>[^”\"」(),，、]{2,14})")
AREA_UNIT = r"(?:平方公里|平方千米|km²|公顷|亩)"
SIDE_PHASE = re.compile(r"(?:(?<=[,，。;；:：、\s和及.])|(?<=其中))(?P<name>[东南西北中]区|[东南西北中]片区|先行启动区|先行区|核心区)"
                        f"(?=(?:规划|用地|占地)?面积(?:约|为)?{NUMBER}{AREA_UNIT})")
"""A sub-area named by its side, with its area (其中北区面积742.30公顷)."""
CARRIER = re.compile(r"(?P<name>[\u4e00-\u9fffA-Za-z0-9]{2,14}(?:中心|大厦|综合体|广场|孵化器|大楼|总部园|创新港|双创港|金谷|汇))"
                     r"(?:[，,](?:[^。；;，,]{0,20}[，,])?\s*(?:是|为|作为)[^。；;]{0,24}?(?:载体|集聚区)"
                     r"|(?:建成投用|投入使用|已建成|建成)?[，,]?\s*(?:总)?建筑面积)")
"""A building the text calls a park's carrier (…的钱塘科创中心，是园区企业研发和孵化的重要载体)."""
ADDRESSEES = re.compile(r"\s*各[^。\n]{2,160}[:：]\s*$")
"""A notice's addressee line (各区县经济信息委，两江新区、万盛经开区经济运行局：): bodies written to, not parks."""
OPERATOR_HEADING = re.compile(r"运营主体|协调单位|运营单位|建设主体|管理机构|责任单位|牵头单位")
"""A section naming who runs a park: a name opening its paragraph is a body, not a park."""
NAME_RULES: tuple[NameRule, ...] = (
    NameRule("table-row", 3),
    NameRule("heading", 3),
    NameRule("lead", 3, r"^(?P<name>[\u4e00-\u9fffA-Za-z0-9+·()]{2,20})[。:：]"),
    NameRule("defined", 3, DEFINED),
    NameRule("nickname", 3),
    NameRule("carrier", 3),
    NameRule("area-named", 3, f"(?:在(?P<loc>[^,，。;；、]{{2,12}}?))?规划(?:建设)?(?:约)?{NUMBER}{AREA_UNIT}的"
                              r"(?P<name>[^,，。;；、]{2,24})"),
    NameRule("phase", 3, r"(?<!项目)(?P<name>(?:第?[一二三四五六七八九十]|首)期|起步区|启动区)(?!厂房|标准厂房|载体|用房|楼宇|建筑|项目)(?:工程|"
                         r"(?=[^,，。;；]{0,4}(?:用地|占地|面积|四至|位于|[东南西北]至|约[\d一二三四五六七八九]))|"
                         r"(?=(?:已建成|在建|建成|规划建设|已投产|投产))|"
                         f"(?={NUMBER}{AREA_UNIT}))"),
    NameRule("located", 3, r"(?:位于|地处|坐落于|坐落在|规划总?面积|总面积|占地面积|用地面积|面积约|面积为|"
                           r"面积(?=[\d一二三四五六七八九十]))"),
    NameRule("org", 2, r"(?=管委会|管理委员会|管理局|管理办公室|开发建设办公室)"),
    NameRule("suffix", 1),
)
"""The rules, in the order they are applied (a name proposed twice keeps its strongest rule)."""
STRENGTH = {r.id: r.strength for r in NAME_RULES}
_RX = {r.id: re.compile(r.pattern, re.M) for r in NAME_RULES if r.pattern}
_NAME_ONLY = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9+·()\-—]+$")


@dataclass
class Cand:
    """A proposed name: canonical key, name as written, kind, rule, clean span of the defining
    occurrence, the span it owns (its heading's section, lead paragraph or table row), aliases,
    the parent's key when a rule gives one, and the cells of its table row (role → text as written,
    clean span, the unit its header writes, the header)."""

    key: str
    name: str
    kind: str
    rule: str
    start: int
    end: int
    scope: tuple[int, int] | None = None
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    parent_rule: str | None = None
    place: str | None = None
    row: dict[str, tuple[str, int, int, str | None, str]] = field(default_factory=dict)

    @property
    def match_names(self) -> list[str]:
        """The key and the aliases in canonical form (what `View.canon` is searched for)."""
        return [self.key, *(canonical(a) for a in self.aliases)]

    @property
    def strength(self) -> int:
        """How sure the name is (see NAME_RULES)."""
        return STRENGTH[self.rule]


def propose(view: View, sections: Sections, tables: list[Table]) -> list[Cand]:
    """Every name the rules propose, merged (see the module docstring)."""
    text = view.canon
    cands: list[Cand] = []
    table_spans = [(t.start, t.end) for t in tables]

    def add(a: int, b: int, kind: str | None, rule: str, scope: tuple[int, int] | None = None) -> Cand | None:
        name = view.written(a, b).strip("“”\"「」 ")
        key = text[a:b].strip("“”\"「」 ")
        if len(key) < 2:
            return None
        place, rest = split_place(key)
        if place and rule != "table-row":
            place = view.written(a, a + len(place))
            a += len(place)
            name, key = view.written(a, b), rest
        if re.match(r"\s*[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]", text[b:b + 10]):
            return None  # 甬经信园〔2024〕15号: a document number, not a park
        suffix = suffix_of(key)
        kind = kind or (suffix.kind if suffix else "park")
        cand = Cand(key, name, kind, rule, a, b, scope, place=place)
        cands.append(cand)
        return cand

    for table in tables:
        ni = table.role("name")
        if ni is None:
            continue
        for row in table.rows:
            cell = row[ni]
            end = cell.end
            defined = re.search(r"[(](?:以下)?(?:简称|又称)", cell.text)
            if defined:
                end = cell.start + defined.start()
            name = text[cell.start:end].strip()
            if not name or table.is_total(row) or not _NAME_ONLY.match(name.replace(" ", "")):
                continue
            cand = add(cell.start, cell.start + len(text[cell.start:end].rstrip()), None, "table-row",
                       (row[0].start, row[-1].end))
            if cand:
                for r in row:
                    for am in MORE_ALIASES.finditer(text, r.start, r.end):
                        cand.aliases.append(view.written(am.start("alias"), am.end("alias")))
                note = table.role("note")
                if note is not None:  # 园内中关村软件园约2.6平方公里: a park inside the row's
                    for a, b, kind, _ in suffix_names(view, row[note].start, row[note].end):
                        if re.search(r"(?:园内|区内|其中)$", text[max(0, a - 2):a]) and b - a >= 4:
                            inner = add(a, b, kind, "located", (a, row[note].end))
                            if inner:
                                inner.parent, inner.parent_rule = cand.key, "contains"
                cand.row = {c.role or "": (r.written, r.start, r.end, c.unit, c.header.text)
                            for c, r in zip(table.columns, row) if c.role}
    for heading in sections.headings:
        h = heading
        title = text[h.title_start:h.title_end]
        parent = sections.at(h.start - 1) if h.start else None
        about_places = parent is not None and parent.depth < h.depth and bool(PLACE_HEADING.search(parent.title))
        if _is_name_title(title) or PHASE_WORD.match(title) or _SUB_AREA_TITLE.match(title) or (about_places and len(title) <= 10 and _NAME_ONLY.match(title)
                                     and not title.startswith(STOP_WORDS)):
            core = re.sub(r"\([^()]*\)$", "", title)
            kind = "phase" if PHASE_WORD.match(title) else suffix_of(core).kind if suffix_of(core) else (  # type: ignore[union-attr]
                "carrier" if "地标" in (parent.title if parent else "") else "park")
            defined = _DEFINED_END.search(title)
            if defined:  # （一）青岛中德生态园（以下简称“中德生态园”）: the name, and its short name
                cand = add(h.title_start, h.title_start + defined.start(), kind, "heading", sections.span_of(h))
                if cand:
                    cand.aliases.append(view.written(h.title_start + defined.start("alias"),
                                                     h.title_start + defined.end("alias")))
            else:
                add(h.title_start, h.title_end, kind, "heading", sections.span_of(h))
    for line in view.lines:
        m = _RX["lead"].match(text, line.start, line.end)
        at = sections.at(line.start)
        if not m or (at is not None and (at.start == line.start or OPERATOR_HEADING.search(at.title))):
            continue
        name = m.group("name")
        rest = text[m.end():line.end]
        if (suffix_of(name) or re.match(r"(?:位于|地处|[^。,，]{0,6}面积)", rest)) \
                and (not is_generic(name) or PHASE_WORD.match(name)) \
                and start_of_name_ending(text, m.end("name"), line.start) == m.start("name"):
            add(m.start("name"), m.end("name"), None, "lead", (line.start, line.end))
    for m in _RX["defined"].finditer(text):
        a = start_of_name_ending(text, m.start())
        if m.start() - a >= 2:
            cand = add(a, m.start(), None, "defined")
            if cand:
                cand.aliases.append(view.written(m.start("alias"), m.end("alias")))
                base = m.start("more")
                for more in MORE_ALIASES.finditer(m.group("more")):
                    cand.aliases.append(view.written(base + more.start("alias"), base + more.end("alias")))
    nicknames(view, add)
    for m in CARRIER.finditer(text):
        a = max(m.start("name"), start_of_name_ending(text, m.end("name"), m.start("name")))
        if re.search(r"(?:服务中心|政务中心|会展中心|展示中心|体育中心|文化中心|指挥中心|调度中心)$", m.group("name")):
            continue  # a service centre is not a park's carrier
        by_floor = "载体" not in m.group() and "集聚区" not in m.group()
        if by_floor and not (a == 0 or text[a - 1] in "。；;，,\n" or re.search(r"(?:内的|核心区的|园区的|区内|核内|园内|城内)$", text[max(0, a - 4):a])):
            continue  # …所在的绿地国际博览中心建筑面积…: a venue with a floor area, not a park's carrier
        if m.end("name") - a >= 4 and not is_generic(text[a:m.end("name")]):
            add(a, m.end("name"), "carrier", "carrier")
    for m in _RX["area-named"].finditer(text):
        name = m.group("name")
        if len(name) >= 3 and not name.startswith(STOP_WORDS):
            cand = add(m.start("name"), m.end("name"), None, "area-named")
            if cand and m.group("loc"):
                cand.parent, cand.parent_rule = m.group("loc").strip("“”\""), "area-named-in"
    for m in _RX["phase"].finditer(text):
        a = m.start("name")
        if re.search(r"项目(?:第?[一二三四五六七八九十]|首)期", text[view.sentence_at(a).start:view.sentence_at(a).end]):
            continue  # 项目一期用地约210亩，二期用地约150亩: a project's phases
        owner_end = a
        inside = re.search(r"(?:内的|内)$", text[max(0, a - 3):a])
        if inside:  # 南区内的启动区: the phase of the sub-area named before 内
            owner_end = a - len(inside.group())
            add(a, m.end("name"), "phase", "phase")
            cands[-1].parent = text[start_of_name_ending(text, owner_end):owner_end] or None
            continue
        add(a, m.end("name"), "phase", "phase")
        cands[-1].parent = text[name_start(text, owner_end):owner_end] or None
    for m in SIDE_PHASE.finditer(text):  # 园区分为北区和南区两个片区，其中北区面积742.30公顷
        add(m.start("name"), m.end("name"), "phase", "phase")
    addressees = [(line.start, line.end) for line in view.lines if ADDRESSEES.match(text, line.start, line.end)]
    for a, b, kind, suffix in suffix_names(view):
        at = sections.at(a)
        if any(x <= a < y for x, y in table_spans + addressees) or (at is not None and OPERATOR_HEADING.search(at.title)):
            continue
        if text[a - 1:a] in ("和", "与", "及", "、") and _RX["org"].match(text, b):
            continue  # 琶洲会展总部和互联网创新集聚区管理委员会: the body's name, cut at its 和
        if text.startswith("项目", b):
            continue  # 通用航空维修基地项目占地约150亩: a project, not a park
        org = _RX["org"].match(text, b)
        rule = "org" if org else "located" if _RX["located"].match(text, b) and not is_generic(text[a:b]) else "suffix"
        area_next = bool(AREA_NEXT.match(text, b)) and not suffix_of(text[a:b - len(suffix)])  # 钢铁深加工起步区约1650亩
        if rule == "suffix" and (is_org(text, b) or not (standalone(text, b) or area_next)):
            continue
        cand = add(a, b, kind, rule)
        if cand and kind == "phase" and suffix in ("片区", "起步区", "启动区") and not PHASE_WORD.match(cand.key):
            owner = text[a:b - len(suffix)]
            cand.parent = owner or None
    return cands


def _is_name_title(title: str) -> bool:
    core = re.sub(r"\([^()]*\)$", "", title)
    suffix = suffix_of(core)
    if not suffix or len(title) > 30 or is_generic(core):
        return False
    return bool(_NAME_ONLY.match(core)) and not any(w in core[:-len(suffix.text)] for w in STOP_WORDS if len(w) > 1)


def category_keys(view: View, cands: list[Cand]) -> set[str]:
    """Keys used as a category somewhere (10个价值创新园区, 各园区): not a park."""
    out = set()
    for c in cands:
        if c.rule in ("table-row", "heading", "lead", "defined"):
            continue
        for m in re.finditer(re.escape(c.key), view.canon):
            if counted(view.canon, m.start()):
                out.add(c.key)
                break
    return out
