"""Targets: what a plan says will be reached, with value and unit as written, comparison, year,
baseline and scope; from sentences and from indicator tables.

A sentence is read for targets when it (or its paragraph before it) has a target cue (TARGET_CUES: 到2025年, 力争, 确保, 不少于 …).
In it, every number with a target unit (TARGET_UNITS) is a target unless it is a range or a date;
its metric is the words before it in its clause (or the verb and the words after it: 培育5家"链主"
企业), its comparison the word around it (COMPARISONS), its year the last year written before it in
the sentence, else the nearest 到YYYY年 earlier in its paragraph or section; a baseline is read from
(2020年为2401亿元) right after it. Indicator tables: the metric column, the unit column (or the unit
in brackets in the metric cell), the last year column is the target, an earlier one the baseline.

>>> from layers.plan_reader.sections import Sections
>>> v = View("到2025年，园区地区生产总值突破4000亿元（2020年为2401亿元）；新增上市企业30家以上。")
>>> [(t.metric, t.metric_text, t.value, t.unit, t.comparison, t.year, t.baseline)
...  for t in find_targets(v, Sections.of(v), [])]
[('gdp', '园区地区生产总值', 4000.0, '亿元', '突破', 2025, (2401.0, 2020)), ('firms', '新增上市企业', 30.0, '家', '以上', 2025, None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from layers.plan_reader._text import View
from layers.plan_reader.metrics import metric_id
from layers.plan_reader.numerals import NUMBER, RANGE_SEP, parse_number, parse_year
from layers.plan_reader.sections import Sections
from layers.plan_reader.tables import Table

TARGET_UNITS = ("万元/亩", "亿元/平方公里", "万亿元", "亿美元", "万美元", "亿元", "万元", "万亿", "亿吨", "万标箱", "亿", "元", "万平方米", "万㎡", "平方米", "㎡", "平方公里",
                "公顷", "亩", "万人次", "万人", "人次", "人", "名", "家", "个", "项", "件", "套", "所", "座", "条", "万辆",
                "辆", "万台", "台", "万吨", "吨", "万小时", "小时", "万个", "万户", "户", "场", "万亩", "万架", "架", "万家", "GWh", "吉瓦", "万千瓦", "MW", "个百分点", "%", "‰", "吨标准煤/万元")
"""Units a target may be given in, as written (longest first where one holds another)."""

_YEAR = r"(?:(?:19|20)\d{2}|[二][〇零○][一二三四五六七八九〇零○]{2})"
TARGET_CUES = re.compile(
    f"(?<![增长加升降高])(?:到|至|力争|争取|确保|预计到|计划|目标)\\s*(?P<year>{_YEAR})\\s*年(?!的)|"
    f"(?P<year2>{_YEAR})\\s*年(?:底|末)?前|力争|争取|确保|目标|不少于|不低于|不小于|不超过|规划建设|"
    f"(?:到|至)[“\"]?十[四五六]五[”\"]?末|[“\"]十[四五六]五[”\"]?(?:期间|时期)|到明年|"
    f"(?:今年|明年|全年)[^。；;]{{0,12}}?(?:要|力争|争取|确保|将|计划|预计)|"
    f"由\\s*{_YEAR}\\s*年(?:底|末)?的?\\s*{NUMBER}[^,，;；。]{{0,12}}?(?:提高|增加|增长|提升|扩大|上升|下降|降低|减少|缩小)(?:到|至)(?!\\s*{_YEAR}\\s*年)")
"""A sentence with any of these is read for targets (a year before the document's own is no cue;
"由2020年的3260亿元提高到6000亿元" is a cue whatever its baseline year)."""
FROM_TO = re.compile(f"由\\s*(?P<year>{_YEAR})\\s*年(?:底|末)?的?\\s*(?P<num>{NUMBER})[^,，;；。\\d]{{0,12}}?"
                     f"(?:(?:提高|增加|增长|提升|扩大|上升|下降|降低|减少|缩小)?(?:到|至)\\s*(?:{_YEAR}\\s*年(?:底|末)?的?)?)?\\s*$")
""""由2020年的3260亿元提高到" right before a figure: the figure is a target whose baseline is the
first number in its year; the target's year is the one the sentence or section gives (到2025年),
or the one written after 提高到 ("增长至2020年的1816件": history when that year is past)."""

COMPARISONS: tuple[tuple[str, str], ...] = (
    ("不少于", "≥"), ("不低于", "≥"), ("不小于", "≥"), ("≥", "≥"), (">=", "≥"), ("至少", "≥"),
    ("不超过", "≤"), ("不高于", "≤"), ("≤", "≤"), ("控制在", "≤"),
    ("突破", "突破"), ("超过", "超过"), ("超", "超过"), ("大于", "超过"), ("高于", "超过"),
    ("力争达到", "达到"), ("达到", "达到"), ("提高到", "达到"), ("提高至", "达到"), ("提升到", "达到"),
    ("提升至", "达到"), ("增加到", "达到"), ("增加至", "达到"), ("增至", "达到"), ("降至", "达到"), ("降低到", "达到"),
    ("达", "达到"),
)
"""Comparison words before a figure and what they mean (以上/以下 after it win: …以上 → 以上)."""
AFTER_COMPARISONS = (("以上", "以上"), ("以下", "≤"))

LEAD_VERBS = ("累计认定", "累计培育", "累计引进", "累计", "培育", "引进", "完成", "建成", "扶持", "认定", "实现", "打造",
              "建设", "集聚", "设立", "组建", "吸引", "带动", "规划建设", "设置", "新建", "落地", "招引", "推动",
              "布局", "争取布局", "争取", "新增")
"""Verbs that may stand alone before a figure: the metric is then the verb and what follows."""
_STRIP_LEAD = re.compile(
    f"^(?:[,，;；、\\s]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\\d]+[)）]|\\d+[.、](?!\\d)|并|和|及|以及|其中|同时|力争|争取|确保|预计|计划|将|要|使|基本|全面|实现了|年内|"
    f"(?:到|至|预计到)?\\s*{_YEAR}\\s*年(?:底|末)?(?:前)?[,，]?)+")
_STRIP_TAIL = re.compile(r"(?:力争|争取|确保|将|要|预计|累计|均|总计|合计|总数|总量)+$")

_UNIT_RX = "|".join(re.escape(u) for u in TARGET_UNITS)
_CMP_RX = "|".join(re.escape(w) for w, _ in sorted(COMPARISONS, key=lambda p: -len(p[0])))
FIGURE_RE = re.compile(
    f"(?P<cmp>{_CMP_RX})?(?P<approx>约)?(?<![\\d.第零〇○一二两三四五六七八九十百千万])(?P<num>{NUMBER})(?P<range>[{RANGE_SEP}]{NUMBER})?"
    f"(?P<unit>{_UNIT_RX})(?P<after>以上|以下|左右)?")
BASELINE_RE = re.compile(f"\\s*(?:[(（]|[,，;；]\\s*(?:比|较)?)\\s*(?P<year>{_YEAR})\\s*年(?:底|末)?(?:为|是|:|：)\\s*(?P<num>{NUMBER})"
                         f"|\\s*[(（]\\s*(?P<year2>{_YEAR})\\s*年(?:底|末)?\\s*(?P<num2>{NUMBER})")
BASELINE_BEFORE = re.compile(f"(?<![到至])(?:{_YEAR})\\s*年(?:底|末)?(?:为|是|:|：)\\s*$|由\\s*{_YEAR}\\s*年(?:底|末)?的?\\s*$")
"""A figure right after 2022年为 is a baseline or a past value, not a target."""
_YEAR_MENTION = re.compile(f"(?<![比较与由\\d])(?P<year>{_YEAR})\\s*年(?![度均代])|(?P<plan>十[一二三四五六七八九]五)[”\"]?(?:末|期间|时期)"
                           f"|(?<![比较与由])(?P<rel>明年|今年)")
FIVE_YEAR_PLAN_END = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030, "十六五": 2035}
"""The last year of each five-year plan (“十四五”末, “十四五”期间 → 2025)."""
_SECTION_YEAR = re.compile(f"(?:到|至|预计到)\\s*(?P<year>{_YEAR})\\s*年|(?:到|至)[“\"]?(?P<plan>十[一二三四五六七八九]五)[”\"]?末")


@dataclass(frozen=True)
class Found:
    """A target before it is given a scope: clean span, rule id and the fields of model.Target."""

    rule: str
    metric: str | None
    metric_text: str
    value: float
    value_text: str
    unit: str
    comparison: str | None
    year: int | None
    baseline: tuple[float, int | None] | None
    start: int
    end: int
    quote_start: int
    quote_end: int


def find_targets(view: View, sections: Sections, tables: list[Table], *, min_year: int | None = None,
                 area_uses: dict[int, str] | None = None, plan_end: int | None = None) -> list[Found]:
    """Every target in the sentences and indicator tables of `view` (see the module docstring).

    `min_year`: the document's year, when known (a year cue before it is history, not a target);
    `area_uses`: the use `areas` gave each area figure by its clean start (only "target" and
    "floor" figures can be targets: a park's stated land area is not one); `plan_end`: the last
    year of the plan the title names (“十四五”发展规划 → 2025), the year of a target that has none."""
    out: list[Found] = []
    skip = [(t.start, t.end) for t in tables]
    for sentence in view.sentences:
        if any(a <= sentence.start < b for a, b in skip):
            continue
        text = view.canon[view.line_at(sentence.start).start:sentence.end]
        if not any(_is_cue(m, min_year) for m in TARGET_CUES.finditer(text)) and not _plan_section(sections, sentence.start, min_year):
            continue
        for found in _sentence_targets(view, sections, sentence.start, sentence.end, min_year):
            if area_uses is not None and found.unit in _AREA_UNITS and area_uses.get(found.start) not in ("target", "floor"):
                continue
            if min_year is not None and found.year is not None and found.year < min_year:
                continue
            if found.year is None and plan_end is not None:
                found = replace(found, year=plan_end)
            out.append(found)
    for table in tables:
        out.extend(_table_targets(view, table))
    return out


_AREA_UNITS = ("万平方米", "万㎡", "平方米", "㎡", "平方公里", "公顷", "亩")


PLAN_HEADING = re.compile(f"(?P<year>{_YEAR})\\s*年[^，,。]{{0,8}}?(?:工作安排|工作计划|重点工作|主要任务|发展目标|目标任务|工作思路)|"
                          r"(?:下一步|明年)(?:工作)?(?:安排|计划|打算|重点)|^(?:重点工作|工作安排|主要任务|工作重点|发展目标|园区目标|"
                          r"主要目标|总体目标|目标任务|主要指标)$")
"""A heading over a plan's part (三、2025年工作安排): every sentence in it is read for targets."""


def _plan_section(sections: Sections, offset: int, min_year: int | None) -> bool:
    """True when a heading over `offset` names a plan for a year not before the document's (PLAN_HEADING)."""
    h = sections.at(offset)
    while h is not None:
        m = PLAN_HEADING.search(h.title)
        if m:
            year = parse_year(m.group("year")) if m.group("year") else None
            return year is None or min_year is None or year >= min_year
        i = sections.headings.index(h)
        h = next((x for x in reversed(sections.headings[:i]) if x.depth < h.depth), None)
    return False


def _is_cue(m: re.Match[str], min_year: int | None) -> bool:
    year = m.group("year") or m.group("year2")
    if year is None or min_year is None:
        return True
    y = parse_year(year)
    return y is None or y >= min_year


def _sentence_targets(view: View, sections: Sections, a: int, b: int, doc_year: int | None = None) -> list[Found]:
    text = view.canon
    found = []
    for m in FIGURE_RE.finditer(text, a, b):
        if m.group("range"):
            continue
        value = parse_number(m.group("num"))
        if value is None or _is_date(text, m):
            continue
        unit = m.group("unit")
        cmp_word = m.group("cmp") or ""
        comparison = dict(COMPARISONS).get(cmp_word) if cmp_word else None
        if m.group("after"):
            comparison = dict(AFTER_COMPARISONS).get(m.group("after"), comparison)
        if _inside_brackets_or_quotes(text, a, m.start()) or BASELINE_BEFORE.search(text, a, m.start()):
            continue
        c0 = _clause_start(text, m.start(), a)
        from_to = FROM_TO.search(text, c0, m.start())
        prev = [p for p in FIGURE_RE.finditer(text, c0, m.start()) if p.end() <= m.start()]
        if from_to:
            prev = [p for p in prev if p.end() <= from_to.start()]
        if prev:
            c0 = prev[-1].end()
        before = view.clean[c0:from_to.start() if from_to else m.start()]
        metric = _clean_metric(before)
        if len(metric) <= 2 or metric in LEAD_VERBS or _STRIP_LEAD.sub("", before).strip() in LEAD_VERBS:
            tail_end = _clause_end(text, m.end(), b)
            metric = (_clean_metric(before) or "") + view.clean[m.end():tail_end].strip()
            metric = re.sub(r"^(?:以上|以下|左右)", "", metric)
        if not metric:
            continue
        year = _year_before(view, sections, a, m.start(), doc_year)
        baseline = None
        if from_to:
            base_year = parse_year(from_to.group("year"))
            base_value = parse_number(from_to.group("num"))
            if year is not None and base_year is not None and year <= base_year:
                continue  # 由2016年的380件增长至2020年的1816件 in a plan of 2021: what happened
            baseline = (base_value, base_year) if base_value is not None else None
        bm = BASELINE_RE.match(text, m.end(), b)
        if bm:
            bv = parse_number(bm.group("num") or bm.group("num2"))
            if bv is not None:
                baseline = (bv, parse_year(bm.group("year") or bm.group("year2")))
        num_start = m.start("approx") if m.group("approx") else m.start("num")
        found.append(Found("sentence", metric_id(metric, unit), metric, value, view.written(num_start, m.end("unit")),
                           unit, comparison, year, baseline, num_start, m.end(), c0, m.end()))
    return found


def _inside_brackets_or_quotes(text: str, a: int, i: int) -> bool:
    """True when offset i is inside brackets or quotes opened in [a, i) — but not inside a quote
    that opens the sentence (someone's words in a news report: “明年，化工谷产值力争突破600亿元。”)."""
    while a < i and text[a] in " \u3000":
        a += 1
    if text[a:a + 1] in ("“", '"'):
        a += 1
    speech = re.search(r"(?:表示|说|介绍|指出|强调|透露)[:：]?[“\"]", text[a:i])  # …负责人表示：“今年…力争…”
    if speech:
        a += speech.end()
    seg = text[a:i]
    return (seg.count("(") + seg.count("（") > seg.count(")") + seg.count("）")
            or seg.count("“") > seg.count("”"))


def _clause_start(text: str, i: int, floor: int) -> int:
    j = i - 1
    while j >= floor and text[j] not in ",，;；。:：\n":
        j -= 1
    return j + 1


def _clause_end(text: str, i: int, ceiling: int) -> int:
    j = i
    while j < ceiling and text[j] not in ",，;；。:：\n(（":
        j += 1
    return j


def _clean_metric(text: str) -> str:
    t = _STRIP_LEAD.sub("", text.strip())
    t = _STRIP_TAIL.sub("", t)
    for word, _ in sorted(COMPARISONS, key=lambda p: -len(p[0])):
        if t.endswith(word):
            t = t[: -len(word)]
            break
    return t.strip(" ,，、“”\"和及")


def _is_date(text: str, m: re.Match[str]) -> bool:
    after = text[m.end("unit"):m.end("unit") + 1]
    return m.group("unit") in ("个", "家") and after in "月年" and after != ""


def _mention_year(m: re.Match[str], doc_year: int | None) -> int | None:
    """The year a _YEAR_MENTION or _SECTION_YEAR match names: written, a plan's last (十四五 → 2025), or
    relative to the document's year (明年)."""
    if m.group("year"):
        return parse_year(m.group("year"))
    if m.group("plan"):
        return FIVE_YEAR_PLAN_END.get(m.group("plan"))
    rel = m.groupdict().get("rel")
    if rel and doc_year is not None:
        return doc_year + (1 if rel == "明年" else 0)
    return None


def _year_before(view: View, sections: Sections, a: int, i: int, doc_year: int | None = None) -> int | None:
    text = view.canon
    last = None
    depth = 0
    j = a
    for k in range(a, i):  # the last year mention in the sentence before the figure, outside brackets
        ch = text[k]
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        if k >= j and depth == 0:
            m = _YEAR_MENTION.match(text, k, i)
            if m:
                last = _mention_year(m, doc_year) or last
                j = m.end()
    if last is not None:
        return last
    line = view.line_at(a)
    s0, _ = sections.innermost_span(a)
    for lo in (line.start, s0):
        years = [y for m in _SECTION_YEAR.finditer(text, lo, a) if (y := _mention_year(m, doc_year)) is not None]
        if years:
            return years[-1]
    h = sections.at(a)  # a heading that names the year (3.2 2027年发展目标)
    while h is not None:
        m = re.search(f"(?P<year>{_YEAR})\\s*年", h.title)
        if m and not re.search(f"{_YEAR}\\s*[-—–~至到]", h.title):
            return parse_year(m.group("year"))
        k = sections.headings.index(h)
        h = next((x for x in reversed(sections.headings[:k]) if x.depth < h.depth), None)
    if doc_year is not None and re.search("全年|年内", text[a:i]):
        return doc_year  # 全年计划供应工业用地不少于3000亩, in a plan with no year of its own
    return None


def _table_targets(view: View, table: Table) -> list[Found]:
    mi = table.role("metric")
    if mi is None:
        return []
    years = [(i, c.year) for i, c in enumerate(table.columns) if c.role == "year" and c.year]
    ui = table.role("unit")
    ti, bi = table.role("target"), table.role("baseline")
    out = []
    for row in table.rows:
        cell = row[mi]
        metric = cell.written
        unit = None
        um = re.search(r"[(（]([^()（）]{1,12})[)）]\s*$", metric)
        if um:
            unit = um.group(1)
            metric = metric[: um.start()].strip()
        if ui is not None and row[ui].text:
            unit = row[ui].written
        if not metric or unit is None:
            continue
        if years:
            (vi, year), base = years[-1], (years[-2] if len(years) > 1 else None)
        elif ti is not None:
            vi, year, base = ti, None, None
        else:
            continue
        value = parse_number(re.sub(r"^[〔\[［(（]|[〕\]］)）]$", "", row[vi].text))  # 〔13.5〕: a five-year total
        if value is None:
            continue
        baseline: tuple[float, int | None] | None = None
        if base is not None:
            bv = parse_number(row[base[0]].text)
            baseline = (bv, base[1]) if bv is not None else None
        elif bi is not None:
            bv = parse_number(row[bi].text)
            baseline = (bv, None) if bv is not None else None
        v = row[vi]
        out.append(Found("table", metric_id(metric, unit), metric, value, v.written, unit, None, year, baseline,
                         v.start, v.end, row[0].start, row[-1].end))
    return out
