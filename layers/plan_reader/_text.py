"""The text a reader works on: the document as written, and a view for matching with its offsets.

`View(text)` keeps three strings of the document:

- `original`: the text exactly as received; every finding's span (start, end) and quote are in it;
- `clean`: the original less reading aids that are not part of the text (pinyin after each
  character of a copied web page, 當(dāng)前 → 當前); names are reported from it, as written;
- `canon`: `clean` one character for one, for matching only: traditional characters as simplified
  (`_hant`), full-width ASCII folded (（）→(), ２０２３→2023, ％→%), no-break and ideographic spaces
  as spaces.

`pos[i]` is the offset in `original` of `clean[i]`, so any match in `canon` maps back to a span.
Paragraphs (lines), sentences and clauses are cut on `canon`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from layers.plan_reader._hant import T2S

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN_TONED = re.compile(f"(?<=[\u3400-\u9fff])\\((?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}\\)")
_PINYIN_ANY = re.compile(f"(?<=[\u3400-\u9fff])\\([a-z{_TONED}]{{1,7}}\\)")
MIN_PINYIN = 5
"""A document with at least this many tone-marked annotations (字(zì)) is read without them."""

_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x200B: 0x20, 0xFEFF: 0x20})
_CANON = {**{k: ord(v) for k, v in T2S.items()}, **_FOLD}

SENTENCE_END = "。；;！？!?\n"
"""Characters that end a sentence."""
CLAUSE_END = SENTENCE_END + ",，、:："
"""Characters that end a clause."""


def canonical(text: str) -> str:
    """`text` as the canonical view writes it (simplified, full-width folded): for matching a name
    as written (an alias in traditional characters) against the view's `canon`.

    >>> canonical("影視產業區（簡稱）")
    '影视产业区(简称)'
    """
    return text.translate(_CANON)


@dataclass(frozen=True)
class Piece:
    """A stretch of the clean text: [start, end) in `View.clean` / `View.canon` offsets."""

    start: int
    end: int


@dataclass
class View:
    """A document's text as written and as matched (see the module docstring)."""

    original: str
    clean: str = field(init=False)
    canon: str = field(init=False)
    pos: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        text = self.original
        pattern = _PINYIN_ANY if len(_PINYIN_TONED.findall(text)) >= MIN_PINYIN else None
        keep: list[int] = []
        last = 0
        if pattern is not None:
            for m in pattern.finditer(text):
                keep.extend(range(last, m.start()))
                last = m.end()
        keep.extend(range(last, len(text)))
        self.pos = keep + [len(text)]
        self.clean = "".join(text[i] for i in keep) if pattern is not None else text
        self.canon = self.clean.translate(_CANON)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span in `original` of clean[start:end]."""
        if end <= start:
            return self.pos[start], self.pos[start]
        return self.pos[start], self.pos[end - 1] + 1

    def quote(self, start: int, end: int) -> str:
        """The original text of clean[start:end] (reading aids included: it is what is written)."""
        a, b = self.span(start, end)
        return self.original[a:b]

    def written(self, start: int, end: int) -> str:
        """clean[start:end] without surrounding spaces: a name or value as written."""
        return self.clean[start:end].strip()

    @cached_property
    def lines(self) -> list[Piece]:
        """Every non-blank line (a paragraph), without its leading and trailing spaces."""
        out = []
        for m in re.finditer(r"[^\n]+", self.canon):
            a, b = m.start(), m.end()
            while a < b and self.canon[a].isspace():
                a += 1
            while b > a and self.canon[b - 1].isspace():
                b -= 1
            if b > a:
                out.append(Piece(a, b))
        return out

    @cached_property
    def sentences(self) -> list[Piece]:
        """Sentences: cut after 。；;！？ and at line ends."""
        out = []
        for line in self.lines:
            a = line.start
            for i in range(line.start, line.end):
                if self.canon[i] in SENTENCE_END:
                    if i + 1 > a:
                        out.append(Piece(a, i + 1))
                    a = i + 1
            if line.end > a:
                out.append(Piece(a, line.end))
        return out

    def sentence_at(self, offset: int) -> Piece:
        """The sentence holding clean offset `offset` (or the nearest before it)."""
        from bisect import bisect_right

        starts = self._sentence_starts
        i = max(0, bisect_right(starts, offset) - 1)
        return self.sentences[i] if self.sentences else Piece(0, len(self.canon))

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def line_at(self, offset: int) -> Piece:
        """The line (paragraph) holding clean offset `offset` (or the nearest before it)."""
        from bisect import bisect_right

        i = max(0, bisect_right(self._line_starts, offset) - 1)
        return self.lines[i] if self.lines else Piece(0, len(self.canon))

    @cached_property
    def _line_starts(self) -> list[int]:
        return [s.start for s in self.lines]

    def clause_start(self, offset: int, floor: int = 0) -> int:
        """Where the clause holding `offset` starts (after the last clause end before it)."""
        i = offset - 1
        while i >= floor and self.canon[i] not in CLAUSE_END:
            i -= 1
        return i + 1

    def clause_end(self, offset: int, ceiling: int | None = None) -> int:
        """Where the clause holding `offset` ends (at the next clause end, not included)."""
        stop = len(self.canon) if ceiling is None else ceiling
        i = offset
        while i < stop and self.canon[i] not in CLAUSE_END:
            i += 1
        return i
