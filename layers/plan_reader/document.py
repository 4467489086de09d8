"""The document itself: title, 文号, issuing body and date, each with the rule that found it.

- 文号 (`NUMBER_RE`): 穗府办函〔2018〕105号 on a line of its own; a number cited in the text (a
  request's 〔2022〕41号 in brackets, a law in 《》) is never the document's.
- Title: a notice that issues a plan (关于印发X的通知, 现将《X》印发) gives the plan's title, the notice's
  own title becoming an alternative; otherwise the first title-like line (关于…的批复/通知/报告, …方案,
  …规划) near the top.
- Issuer: the body signing it (an organisation's line right above the signing date), else the body
  before 关于 in the title, else a line right below the title that names a body.
- Date: the signing date (a line holding only a date, in Arabic or Chinese numerals, after a body's
  name); else the first such line; a page's 发布时间 only when there is nothing else; month-only → None.

>>> d = read_document_facts(View("中山市人民政府关于X产业园规划范围的批复\\n\\n中府函〔2022〕188号\\n\\n正文（中翠新管〔2022〕41号）。\\n中山市人民政府\\n二〇二二年九月十六日"))
>>> d.title, d.number, d.issuer, d.date
('中山市人民政府关于X产业园规划范围的批复', '中府函〔2022〕188号', '中山市人民政府', '2022-09-16')
"""

from __future__ import annotations

import re

from layers.plan_reader._text import View
from layers.plan_reader.model import Document, Evidence
from layers.plan_reader.numerals import parse_number, parse_year
from layers.plan_reader.sections import Sections

NUMBER_RE = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[(【]\s*(?:19|20)\d{2}\s*[〕\])】]\s*\d{1,4}\s*号$")
"""A 文号 standing alone on its line."""
ORG_SUFFIX = ("人民政府办公厅", "人民政府办公室", "人民政府", "办公厅", "办公室", "管理委员会", "管委会", "委员会", "调研组",
              "工作组", "领导小组", "局", "厅", "委", "部", "院", "中心", "政府")
"""Endings of an organisation's name (the issuer)."""
TITLE_END = re.compile(r"(?:通知|批复|意见|决定|报告|方案|规划|计划|纲要|办法|名单|函|公告|通告|细则|措施)"
                       r"(?:\s*[(（][^()（）]{0,12}[)）])?$")
"""How a title line ends (a bracketed remark such as （节选） or (2021-2025年) may follow)."""
ISSUED_RE = re.compile(r"关于印发《?(?P<plan>.+?)》?的通知$")
ISSUES_PLAN_RE = re.compile(r"(?:现将|特将|现把)《(?P<plan>[^《》]{4,80})》(?:印发|予以印发|发给|公布)")
ANNEX_RE = re.compile(r"附件\s*\d?\s*[:：]\s*(?P<annex>[^\n]{4,60}?(?:名单|一览表|清单|目录|方案|规划))\s*$", re.M)
"""An attached list named under the notice (附件：…名单): an alternative title."""
_CN_D = "〇零○一二两三四五六七八九十"
DATE_RE = re.compile(
    rf"^[(（]?\s*(?P<y>(?:19|20)\d{{2}}|[二][{_CN_D}]{{3}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN_D}]{{1,3}})\s*月"
    rf"(?:\s*(?P<d>\d{{1,2}}|[{_CN_D}]{{1,3}})\s*日)?\s*[)）]?$")
"""A line holding only a date: 2018年6月21日, 二〇二三年三月十日, （2023年6月12日）; month-only too."""
PAGE_DATE_RE = re.compile(r"(?:发布时间|发布日期|日期|时间)\s*[:：]\s*(?P<y>(?:19|20)\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})"
                          r"\s*[-月/.]\s*(?P<d>\d{1,2})")
TOP_LINES = 25
"""Title and number are looked for in this many first lines."""


def read_document_facts(view: View, sections: Sections | None = None) -> Document:
    """Title, number, issuer and date of the document in `view`, each with its evidence."""
    sections = sections or Sections.of(view)
    lines = view.lines
    evidence: list[Evidence] = []

    def ev(rule: str, a: int, b: int) -> None:
        s, e = view.span(a, b)
        evidence.append(Evidence(rule, s, e, view.original[s:e], sections.path_at(a)))

    number = None
    for line in lines[:TOP_LINES]:
        if NUMBER_RE.match(view.canon[line.start:line.end].strip()):
            number = view.written(line.start, line.end)
            ev("number-line", line.start, line.end)
            break

    title, alternatives = None, []
    notice_line = None
    for want_about in (True, False):
        for line in lines[:TOP_LINES]:
            text = view.canon[line.start:line.end].strip()
            if len(text) > 80 or len(text) < 8 or DATE_RE.match(text) or NUMBER_RE.match(text) or text[0] in "-•·*>|" \
                    or re.search(r"\S\s*>\s*\S", text):
                continue  # (首页 > 政务公开 > 规划计划: a site's breadcrumb, not the title)
            if TITLE_END.search(text) and ("关于" in text or not want_about):
                notice_line = line
                break
        if notice_line is not None:
            break
    if notice_line is not None:
        written = view.written(notice_line.start, notice_line.end)
        title = written
        ev("title-line", notice_line.start, notice_line.end)
        m = ISSUED_RE.search(view.canon[notice_line.start:notice_line.end])
        if m:
            a = notice_line.start + m.start("plan")
            title = view.written(a, notice_line.start + m.end("plan"))
            alternatives.append(written)
    m = ISSUES_PLAN_RE.search(view.canon)
    if m and (title is None or alternatives or "印发" in (title or "") or not TITLE_END.search(title or "")
              or (notice_line is not None and "通知" in view.canon[notice_line.start:notice_line.end])):
        plan = view.written(m.start("plan"), m.end("plan"))
        if plan != title:
            if title and title not in alternatives:
                alternatives.append(title)
            title = plan
            ev("title-issued", m.start("plan"), m.end("plan"))
    if title and ("（节选）" in title or "(节选)" in title):
        alternatives.append(re.sub(r"[（(]节选[)）]$", "", title))
    am = ANNEX_RE.search(view.canon)
    if am:
        annex = view.written(am.start("annex"), am.end("annex"))
        if annex and annex != title and annex not in alternatives:
            alternatives.append(annex)
            ev("title-annex", am.start("annex"), am.end("annex"))

    date, issuer = None, None
    for i, line in enumerate(lines):
        text = view.canon[line.start:line.end].strip()
        dm = DATE_RE.match(text)
        if not dm:
            continue
        prev = lines[i - 1] if i else None
        prev_text = view.canon[prev.start:prev.end].strip() if prev else ""
        if _is_org(prev_text) and prev is not None:
            d = _date(dm)
            if d:
                date = d
                ev("date-signed", line.start, line.end)
                issuer = view.written(prev.start, prev.end)
                ev("issuer-signed", prev.start, prev.end)
                break
    if date is None:
        for line in lines:
            dm = DATE_RE.match(view.canon[line.start:line.end].strip())
            if dm and _date(dm):
                date = _date(dm)
                ev("date-line", line.start, line.end)
                break
    if date is None:
        pm = PAGE_DATE_RE.search(view.canon)
        if pm:
            date = f"{int(pm.group('y')):04d}-{int(pm.group('m')):02d}-{int(pm.group('d')):02d}"
            ev("date-page", pm.start(), pm.end())
    if issuer is None and notice_line is not None:
        head = view.canon[notice_line.start:notice_line.end].split("关于")[0].strip()
        if head and _is_org(head):
            issuer = view.clean[notice_line.start:notice_line.start + len(head)]
            ev("issuer-title", notice_line.start, notice_line.start + len(head))
    if issuer is None and notice_line is not None:
        i = lines.index(notice_line)
        for line in lines[i + 1:i + 3]:
            text = view.canon[line.start:line.end].strip()
            if _is_org(text) and len(text) <= 30:
                issuer = view.written(line.start, line.end)
                ev("issuer-below-title", line.start, line.end)
                break
    return Document(title, tuple(alternatives), number, issuer, date, tuple(evidence))


def _is_org(text: str) -> bool:
    text = text.strip()
    return 3 <= len(text) <= 40 and text.endswith(ORG_SUFFIX) and not re.search(r"[，,。；;:：]", text)


def _date(m: re.Match[str]) -> str | None:
    if not m.group("d"):
        return None
    y = parse_year(m.group("y"))
    mo, d = parse_number(m.group("m")), parse_number(m.group("d"))
    if y is None or mo is None or d is None or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{int(mo):02d}-{int(d):02d}"
