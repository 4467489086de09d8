"""Saved web pages for `layers.plan_reader.sources`: the charset (a BOM, the page's meta tag, else
detected) and the visible text through the standard library's `html.parser` (script, style, nav,
header, footer, aside, forms' controls and hidden elements dropped; tables one row a line)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from layers._errors import DocumentError
from layers.plan_reader._source_text import _decode, _Read, _table_lines, squeeze_cjk

_GB = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb18030": "gb18030",
       "utf8": "utf-8", "utf-8": "utf-8"}


def _read_html(content: bytes, name: str, ocr: bool) -> _Read:
    meta = re.search(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", content[:8192], re.I)
    declared = _GB.get(meta.group(1).decode("ascii").lower(), meta.group(1).decode("ascii").lower()) if meta else None
    text, encoding, why = _decode(content, name, declared)
    # html.parser asserts on a bogus "<![" (Python < 3.13): made text first
    text = re.sub(r"<!\[(?!(?:CDATA|if|else|endif|temp|ignore|include|rcdata)\b)", "&lt;![", text, flags=re.I)
    keep: set[str] = set()
    while True:
        parser = _Visible(frozenset(keep))
        try:
            parser.feed(text)
            parser.close()
        except (AssertionError, ValueError) as exc:
            raise DocumentError("broken-html", f"{name}: not a readable web page ({exc}); save it again from the "
                                "browser.",
                                f"{name}：无法读取的网页（{exc}）；请在浏览器中重新保存。") from exc
        if parser.skip is None or parser.skip[2] in ("script", "style"):
            break
        keep.add(parser.skip[2])  # dropped up to the end of the page: never closed, so read it after all
    lines, dropped = parser.finish(), parser.dropped
    notes = [f"read as {encoding} ({why})", "visible text only (html.parser): "
             + (", ".join(sorted(dropped)) + " dropped" if dropped else "nothing hidden to drop")]
    notes += [f"{', '.join(sorted(keep))} never closed: kept"] if keep else []
    return "\n".join(lines), encoding, None, False, notes


class _Lines:
    """Text pieces gathered into lines (whitespace collapsed, spaces between Chinese removed)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cur: list[str] = []

    def brk(self) -> None:
        line = squeeze_cjk(re.sub(r"\s+", " ", "".join(self.cur)).strip())
        if line:
            self.lines.append(line)
        self.cur = []


@dataclass
class _Table:
    rows: list[list[_Lines]]
    pre: _Lines
    nested: bool = False


_SKIP = {"script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside", "select", "button",
         "textarea", "iframe", "svg", "object"}
_VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "area", "base", "col", "embed", "param", "source", "track"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main", "title",
          "blockquote", "pre", "dl", "dt", "dd", "hr", "address", "figure", "figcaption", "caption", "center", "form"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


class _Visible(HTMLParser):
    """The visible text of an HTML page as lines; `dropped` names what was left out, `keep` what is
    not (a kind of element that a damaged page never closes)."""

    def __init__(self, keep: frozenset[str] = frozenset()) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = _Lines()
        self.tables: list[_Table] = []
        self.skip: tuple[str, int, str] | None = None  # tag, depth, what it is (a _SKIP tag or "hidden elements")
        self.keep = keep
        self.dropped: set[str] = set()

    def _sink(self) -> _Lines:
        if not self.tables:
            return self.doc
        table = self.tables[-1]
        return table.rows[-1][-1] if table.rows and table.rows[-1] else table.pre

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            if self.skip[0] == "head" and tag == "body":  # </head> may be left out
                self.skip = None
            elif tag == self.skip[0]:
                self.skip = (tag, self.skip[1] + 1, self.skip[2])
                return
            else:
                return
        a = dict(attrs)
        hidden = "hidden" in a or a.get("aria-hidden") == "true" or bool(_HIDDEN_STYLE.search(a.get("style") or ""))
        what = tag if tag in _SKIP else "hidden elements" if hidden else ""
        if what and what not in self.keep and tag not in _VOID:
            self.skip = (tag, 1, what)
            self.dropped.add(what)
        elif tag == "table":
            self._sink().brk()
            self.tables.append(_Table([], _Lines()))
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            if not table.rows:
                table.rows.append([])
            table.rows[-1].append(_Lines())
        elif tag in _BLOCK:
            self._sink().brk()

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[0]:
                self.skip = (tag, self.skip[1] - 1, self.skip[2]) if self.skip[1] > 1 else None
            return
        if tag == "table" and self.tables:
            self._close_table()
        elif tag in _BLOCK or tag in ("td", "th", "tr"):
            self._sink().brk()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._sink().cur.append(data)

    def _close_table(self) -> None:
        table = self.tables.pop()
        for part in [table.pre, *(cell for row in table.rows for cell in row)]:
            part.brk()
        if self.tables:
            self.tables[-1].nested = True
        sink = self._sink()
        sink.brk()
        sink.lines += table.pre.lines + _table_lines([[c.lines for c in row] for row in table.rows], table.nested)

    def finish(self) -> list[str]:
        while self.tables:
            self._close_table()
        self.doc.brk()
        return self.doc.lines

