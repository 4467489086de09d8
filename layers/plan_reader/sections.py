"""The heading structure of a plan and the section path of any offset (一、（二）3.).

Heading markers are rules (HEADING_RULES): 第X章, 第X节, 一、, （一）, 1. / 1、, （1）, 3.1 / 3.1.2.
A marker counts at the start of a line, followed by a title: the whole line when it is short, the
words up to the first 。/：when the body runs on in the same line ("（一）马鞍岛东片区。北至…"), or
for a numbered paragraph ("二、翠亨园区起步区位于…，面积…") its first clause.
Depth follows the usual order of Chinese official documents (章 > 节 > 一、 > （一） > 3.1 > 1. > （1）):
a heading closes every open heading of its own or a lower rank, so a skipped or garbled level does
not push the next ones deeper. The path is the markers as written, joined: "二、(一)3.".

>>> s = Sections.of(View("一、总体要求\\n（一）发展目标。到2025年…\\n1.园区。面积约3平方公里。\\n二、任务"))
>>> [(h.path, h.title) for h in s.headings]
[('一、', '总体要求'), ('一、（一）', '发展目标'), ('一、（一）1.', '园区'), ('二、', '任务')]
>>> s.path_at(30)
'一、（一）1.'
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from layers.plan_reader._text import View

_CN = "一二三四五六七八九十"


@dataclass(frozen=True)
class HeadingRule:
    """A kind of heading marker: its id and the regex of the marker at a line's start."""

    id: str
    marker: str


HEADING_RULES: tuple[HeadingRule, ...] = (
    HeadingRule("chapter", f"第[{_CN}百零〇\\d]+[章篇部分]+"),
    HeadingRule("part", f"第[{_CN}\\d]+节"),
    HeadingRule("cn-comma", f"[{_CN}]{{1,3}}、"),
    HeadingRule("cn-paren", f"[(][{_CN}]{{1,3}}[)]"),
    HeadingRule("decimal-3", r"\d{1,2}\.\d{1,2}\.\d{1,2}(?![\d.])\s*"),
    HeadingRule("decimal-2", r"\d{1,2}\.\d{1,2}(?![\d.%])\s+|\d{1,2}\.\d{1,2}(?=[\u4e00-\u9fff])"),
    HeadingRule("arabic", r"\d{1,2}[.、](?!\d)"),
    HeadingRule("arabic-paren", r"[(]\d{1,2}[)]"),
)
"""Heading markers, tried in this order at each line's start (on the canonical text)."""

_RULES = [(r.id, re.compile(r.marker)) for r in HEADING_RULES]
RANK: dict[str, int] = {"chapter": 0, "part": 1, "cn-comma": 2, "cn-paren": 3, "decimal-2": 4, "decimal-3": 5,
                        "arabic": 6, "arabic-paren": 7}
"""Rank of each marker kind: a heading closes the open headings of the same or a higher number."""
MAX_TITLE = 40
"""A line longer than this is a heading only when a short title ends at 。/:/：."""
MAX_INLINE_TITLE = 30
_NOT_TITLE = re.compile(r"^(?!(?:19|20)\d{2}年)[\d.,%]|^[年月日]")
"""What a title never starts with (一、2.5 is a number) — a year may (三、2025年工作安排)."""


@dataclass(frozen=True)
class Heading:
    """A heading: its marker kind and text (as written), title, clean offsets and its path."""

    kind: str
    marker: str
    title: str
    start: int
    title_start: int
    title_end: int
    body_start: int
    depth: int
    path: str
    titles: tuple[str, ...]


class Sections:
    """The headings of a document in order, and look-ups by offset."""

    def __init__(self, view: View, headings: list[Heading]):
        self.view = view
        self.headings = headings
        self._starts = [h.start for h in headings]

    @classmethod
    def of(cls, view: View) -> Sections:
        """Find the headings of `view` (see the module docstring)."""
        headings: list[Heading] = []
        stack: list[tuple[str, str, str]] = []  # (kind, marker as written, title)
        text = view.canon
        for line in view.lines:
            found = _heading(view, text, line.start, line.end)
            if found is None:
                continue
            kind, m_end, t_start, t_end, body = found
            while stack and RANK[stack[-1][0]] >= RANK[kind]:
                stack.pop()
            marker = view.clean[line.start:m_end].strip()
            title = view.written(t_start, t_end)
            stack.append((kind, marker, title))
            headings.append(Heading(kind, marker, title, line.start, t_start, t_end, body, len(stack),
                                    "".join(m for _, m, _ in stack), tuple(t for _, _, t in stack)))
        return cls(view, headings)

    def at(self, offset: int) -> Heading | None:
        """The innermost heading whose section holds clean offset `offset`."""
        i = bisect_right(self._starts, offset) - 1
        return self.headings[i] if i >= 0 else None

    def path_at(self, offset: int) -> str:
        """The section path at clean offset `offset` ("" before the first heading)."""
        h = self.at(offset)
        return h.path if h else ""

    def span_of(self, heading: Heading) -> tuple[int, int]:
        """The clean span of `heading`'s section: to the next heading of the same or a lower depth."""
        i = self.headings.index(heading)
        for later in self.headings[i + 1:]:
            if later.depth <= heading.depth:
                return heading.start, later.start
        return heading.start, len(self.view.canon)

    def innermost_span(self, offset: int) -> tuple[int, int]:
        """The clean span from the heading at `offset` to the next heading of any depth."""
        h = self.at(offset)
        i = bisect_right(self._starts, offset)
        end = self._starts[i] if i < len(self._starts) else len(self.view.canon)
        return (h.start if h else 0), end

    def children(self, heading: Heading) -> list[Heading]:
        """The headings one level below `heading`, inside its section."""
        a, b = self.span_of(heading)
        return [h for h in self.headings if a < h.start < b and h.depth == heading.depth + 1]


def _heading(view: View, text: str, a: int, b: int) -> tuple[str, int, int, int, int] | None:
    for kind, rx in _RULES:
        m = rx.match(text, a, b)
        if not m:
            continue
        t_start = m.end()
        while t_start < b and text[t_start] in " \t":
            t_start += 1
        if t_start >= b or _NOT_TITLE.match(text[t_start:t_start + 6]):
            return None
        rest = text[t_start:b]
        stop = re.search("[。:：]", rest)
        if stop and stop.start() <= MAX_INLINE_TITLE:
            t_end = t_start + stop.start()
            body = t_start + stop.end()
        elif b - t_start <= MAX_TITLE and not re.search("[。；;，,]", rest[:-1]):
            t_end = b
            while t_end > t_start and text[t_end - 1] in "。.;；,， ":
                t_end -= 1
            body = b
        else:  # a numbered paragraph: its first clause names it
            clause = re.search("[,，。；;]", rest)
            t_end = t_start + min(clause.start() if clause else len(rest), MAX_INLINE_TITLE)
            body = t_start
        t_end = _strip_page_number(text, t_start, t_end)
        if t_end <= t_start:
            return None
        return kind, m.end(), t_start, t_end, body
    return None


_PAGE = re.compile(r"[-—\s]*\d+\s*[-—]*\s*$")


def _strip_page_number(text: str, a: int, b: int) -> int:
    """A table of contents line ("一、发展基础- 4 -") without its page number."""
    m = _PAGE.search(text, a, b)
    if m and m.start() > a and text[m.start() - 1] not in "0123456789" and "-" in text[m.start():b]:
        return m.start()
    return b
