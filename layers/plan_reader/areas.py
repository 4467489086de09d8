"""Figures with an area unit, and what each one is: a park's land, a building floor area, a target,
or another area (green space …). Numbers with other units are never areas.

The figure pattern (AREA_RE) needs a number directly followed by an area unit (AREA_UNITS), so a
road width (50米), a distance (约3公里), money (85亿元, 400万元/亩), 容积率, people (1.2万人) or a
capacity never match. What a matched figure is comes from USE_RULES, tried in order on the words
of its clause before it (and right after it); the first that fits decides:

>>> [(m.text, m.use) for m in find_figures(View("规划面积约三点三平方公里，已建成标准厂房建筑面积18万平方米、人才公寓约八万平方米。"))]
[('约三点三平方公里', 'land'), ('18万平方米', 'floor'), ('约八万平方米', 'floor')]
>>> [(m.text, m.use) for m in find_figures(View("到2023年，完成5000亩土地开发建设；占地面积约15.6万平方米。"))]
[('5000亩', 'target'), ('约15.6万平方米', 'land')]
>>> km2_of(2600, "亩"), km2_of(35, "公顷"), m2_of(40, "万平方米")
(1.733333, 0.35, 400000.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layers.plan_reader._text import View
from layers.plan_reader.numerals import NUMBER, parse_number, tidy


@dataclass(frozen=True)
class AreaUnit:
    """An area unit as written: its family ("land" or "m2": square metres, floor unless a land cue
    says otherwise) and its size in km² (land) or m² (floor)."""

    text: str
    family: str
    km2: float
    m2: float


AREA_UNITS: tuple[AreaUnit, ...] = (
    AreaUnit("平方公里", "land", 1.0, 1e6),
    AreaUnit("平方千米", "land", 1.0, 1e6),
    AreaUnit("km²", "land", 1.0, 1e6),
    AreaUnit("km2", "land", 1.0, 1e6),
    AreaUnit("公顷", "land", 0.01, 1e4),
    AreaUnit("hm²", "land", 0.01, 1e4),
    AreaUnit("万亩", "land", 10000 / 1500, 1e8 / 15),
    AreaUnit("亩", "land", 1 / 1500, 10000 / 15),
    AreaUnit("万平方米", "m2", 0.01, 1e4),
    AreaUnit("万㎡", "m2", 0.01, 1e4),
    AreaUnit("万m²", "m2", 0.01, 1e4),
    AreaUnit("平方米", "m2", 1e-6, 1.0),
    AreaUnit("㎡", "m2", 1e-6, 1.0),
    AreaUnit("m²", "m2", 1e-6, 1.0),
)
"""Area units (1 km² = 100 公顷 = 1500 亩 = 1,000,000 平方米), longest first where one holds another."""
UNITS = {u.text: u for u in AREA_UNITS}

APPROX = ("约为", "大约", "约", "近")
"""Words before a figure that make it approximate."""
AREA_RE = re.compile(
    f"(?P<approx>约为|大约|约|近|超过|逾)?(?<![\\d.第])(?P<num>{NUMBER})"
    f"(?P<unit>{'|'.join(re.escape(u.text) for u in AREA_UNITS)})(?![/均])(?P<more>以上|左右|余)?")
"""A number directly followed by an area unit (not 亩均, not 万元/亩)."""


@dataclass(frozen=True)
class UseRule:
    """What an area figure is: `use` when `before` is found in its clause before it (or `after`
    matches right after it); `families` limits the rule to units of those families."""

    id: str
    use: str
    families: tuple[str, ...]
    before: str | None = None
    after: str | None = None
    sentence: str | None = None
    following: str | None = None
    """Searched in the words right after the figure across its clause's end (…占地约12公顷，作为公共绿地)."""


FLOOR_WORDS = ("建筑面积|建面|厂房|载体|楼宇|公寓|用房|写字楼|办公|研发楼|商业面积|孵化场地|场地面积|总部社区|"
               "航站楼|展馆|展厅|住宅|宿舍|车间|仓储面积|建成面积|物业")
USE_RULES: tuple[UseRule, ...] = (
    UseRule("floor-words-before", "floor", ("m2", "land"), before=FLOOR_WORDS),
    UseRule("floor-words-after", "floor", ("m2",), after=r"(?:的)?(?:[\u4e00-\u9fff]{0,6})?(?:载体|厂房|用房|楼宇|公寓|空间|建筑)"),
    UseRule("project-land", "other", ("m2", "land"),
            before=r"项目[^，,。；;]{0,8}(?:占地|用地)|地块|宗地|出让[^，,。；;]{0,6}用地|调出|调入|"
                   r"(?:19|20)\d{2}年[^，,。；;]{0,4}新增[^，,。；;]{0,4}用地"),
    UseRule("moved", "other", ("m2", "land"), following=r"^[^，,。；;]{0,12}?(?:调出|调入)"),
    UseRule("former-or-change", "other", ("m2", "land"),
            before=r"原规划|原有|原面积|调整前|调区前|扩区前|建成区|本次[^，,。；;]{0,4}新增|现状[^，,。；;]{0,8}用地|较[^，,。；;]{0,8}(?:减少|增加|扩大|缩小|增长)|"
                   r"(?:上述|以上|各)[^，,。；;]{0,12}?(?:合计|总计|共计)|净增|净减|"
                   r"(?:[个家]|两|[二三四五六七八九十]+)[^，,。；;]{0,4}?(?:园区|开发区|片区|区块|产业园|区|园)[^，,。；;]{0,8}?(?:合计|总计|共计)"),
    UseRule("land-words-m2", "land", ("m2",), before="占地面积|用地面积|占地|土地面积|用地规模|规划面积"),
    UseRule("m2-is-floor", "floor", ("m2",)),
    UseRule("other-area", "other", ("land",), before="绿地|绿化|水域|水面|湿地|耕地|农田|试验田|林地|公园|森林|生态用地|生态带|农用地|海域"),
    UseRule("other-area-after", "other", ("land",),
            following=r"^[,，]\s*(?:作为|为|属于|均为)?(?:公共|城市|生态|防护)?(?:绿地|水域|湿地|公园)"),
    UseRule("target-verb", "target", ("land",), before="完成|开发|供应|出让|盘活|收储|征收|整备|新增|腾挪|释放",
            sentence=r"(?:到|至|力争|争取|确保|计划)\s*(?:19|20)\d{2}\s*年|年底前|年内|全年计划|明年|力争|十[四五六]五[”\"]?期间[^。；;]*计划|"
                     r"计划(?:供应|新增|出让|完成)|全年[^。；;]{0,4}(?:供应|完成|盘活|出让|新增|收储)"),
    UseRule("target-land-after", "target", ("land",), after=r"(?:的)?土地(?:合作)?(?:开发|供应|出让|整备|收储)",
            sentence=r"(?:到|至|力争|争取|确保)\s*(?:19|20)\d{2}\s*年"),
    UseRule("quota", "other", ("land", "m2"), before=r"指标|缺口|可供|(?:中心|站|码头|厂)(?:占地|用地)"),
    UseRule("project-phase", "other", ("land", "m2"), before=r"期(?:用地|占地)", sentence=r"项目[一二三四五六七八九十首]期"),
    UseRule("land-supplied", "other", ("land",), before=r"供应[^，,。；;]{0,4}用地|供地|低效用地|闲置|存量"),
    UseRule("current-before-expansion", "other", ("land", "m2"), before=r"现有规划面积", sentence=r"扩区|调区|调整后"),
    UseRule("land", "land", ("land",)),
)
"""Tried in order; the first rule that fits a figure decides what it is."""
_COMPILED = [(r, re.compile(r.before) if r.before else None, re.compile(r.after) if r.after else None,
              re.compile(r.sentence) if r.sentence else None, re.compile(r.following) if r.following else None)
             for r in USE_RULES]
FOLLOWING_CHARS = 16
"""How many characters after a figure `UseRule.following` reads."""


@dataclass(frozen=True)
class Figure:
    """An area figure: text as written, value and unit, clean span, its use and the rule deciding it."""

    text: str
    value: float
    unit: str
    approx: bool
    use: str
    rule: str
    start: int
    end: int

    @property
    def km2(self) -> float:
        """The area in km²."""
        return km2_of(self.value, self.unit)

    @property
    def m2(self) -> float:
        """The area in square metres."""
        return m2_of(self.value, self.unit)


def km2_of(value: float, unit: str) -> float:
    """`value` `unit` in km², rounded to 6 decimals."""
    return tidy(value * UNITS[unit].km2)


def m2_of(value: float, unit: str) -> float:
    """`value` `unit` in square metres, rounded to 2 decimals."""
    return round(value * UNITS[unit].m2, 2)


def unit_in(text: str) -> str | None:
    """The area unit `text` ends with or is (亩, 平方公里 …), or None."""
    for u in AREA_UNITS:
        if text.endswith(u.text):
            return u.text
    return None


def find_figures(view: View, start: int = 0, end: int | None = None) -> list[Figure]:
    """Every area figure in clean [start, end) of `view`, with the use USE_RULES give it."""
    text = view.canon
    out: list[Figure] = []
    for m in AREA_RE.finditer(text, start, len(text) if end is None else end):
        value = parse_number(m.group("num"))
        if value is None:
            continue
        unit = m.group("unit")
        approx = m.group("approx") in APPROX
        use, rule = classify(view, m.start(), m.end(), unit)
        prev = out[-1] if out else None
        if (prev is not None and prev.use in ("other", "target") and use == "land"
                and view.sentence_at(prev.start).start == view.sentence_at(m.start()).start
                and re.match(r"\s*其中", text[view.clause_start(m.start()):m.start()])):
            use, rule = prev.use, "part-of-previous"  # 新增供应产业用地约2600亩，其中美安科技新城约1800亩
        a = m.start() if approx else m.start("num")
        out.append(Figure(view.written(a, m.end()), value, unit, approx, use, rule, a, m.end()))
    return out


def classify(view: View, start: int, end: int, unit: str) -> tuple[str, str]:
    """(use, rule id) of the area figure at clean [start, end) with `unit` (see USE_RULES)."""
    text = view.canon
    family = UNITS[unit].family
    c0 = view.clause_start(start)
    before = text[c0:start]
    after = text[end:view.clause_end(end)]
    sentence = view.sentence_at(start)
    sent_text = text[sentence.start:sentence.end]
    following = text[end:min(end + FOLLOWING_CHARS, sentence.end)]
    for rule, b_rx, a_rx, s_rx, f_rx in _COMPILED:
        if family not in rule.families:
            continue
        if b_rx is not None and not b_rx.search(before):
            continue
        if a_rx is not None and not a_rx.match(after):
            continue
        if s_rx is not None and not s_rx.search(sent_text):
            continue
        if f_rx is not None and not f_rx.search(following):
            continue
        if rule.use == "land" and _last_state(text[sentence.start:start]) == "before":
            return "other", "former-in-sentence"  # 调整前，园区规划面积为1342.18公顷；调整后，…
        return rule.use, rule.id
    return "land", "land"


_STATE = re.compile(r"(?P<before>调整前|调区前|扩区前|原规划|原有)|(?P<after>调整后|调区后|扩区后|现)")


def _last_state(text: str) -> str | None:
    """"before" or "after": the last of 调整前/调整后 (and the like) in `text`, None when neither."""
    last = None
    for m in _STATE.finditer(text):
        last = "before" if m.group("before") else "after"
    return last


def cell_figure(text: str, header_unit: str | None) -> tuple[float, str, bool] | None:
    """A table cell's area: (value, unit, approx) from a cell such as "约180" under 面积（亩） or a
    cell that writes its own unit ("约15.6万平方米"); None when it is not an area.

    >>> cell_figure("约180", "亩"), cell_figure("35", "公顷"), cell_figure("—", "亩")
    ((180.0, '亩', True), (35.0, '公顷', False), None)
    """
    t = text.strip().replace(" ", "")
    approx = t.startswith(APPROX)
    for w in APPROX:
        if t.startswith(w):
            t = t[len(w):]
            break
    unit = unit_in(t)
    if unit:
        t = t[: -len(unit)]
    else:
        unit = _header_unit(header_unit)
    t = re.sub(r"(以上|左右|余)$", "", t)
    value = parse_number(t)
    if value is None or unit is None:
        return None
    return value, unit, approx


_HEADER_UNITS = {"平方公里": "平方公里", "km²": "km²", "km2": "km2", "公顷": "公顷", "ha": "公顷", "hm²": "hm²", "亩": "亩",
                 "万平方米": "万平方米", "万㎡": "万㎡", "平方米": "平方米", "㎡": "㎡", "m²": "m²"}


def _header_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    return _HEADER_UNITS.get(unit.strip())

