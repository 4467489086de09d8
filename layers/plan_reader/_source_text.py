"""Shared by the readers of `layers.plan_reader.sources`: the `_Read` tuple, `squeeze_cjk`, TXT and
its encodings (a BOM, an HTML meta charset, else detected; a few damaged bytes replaced), tables as
text lines, and the too-much-text refusal. Import the public names from `sources`."""

from __future__ import annotations

import re

from geo import detect
from layers._errors import DocumentError

MAX_TEXT_CHARS = 20_000_000
"""Most characters a PDF or DOCX may expand into (a text bomb is refused past it)."""

_Read = tuple[str, str | None, int | None, bool, list[str]]
"""What a reader of one format returns: text, encoding, pages, recognised, notes."""

_CJK = "\u2018-\u201d\u2014\u2026\u2e80-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACES = re.compile(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")


def squeeze_cjk(text: str) -> str:
    """Remove the spaces PDF layout and OCR put between Chinese characters.

    >>> squeeze_cjk("园 区 规划 面积 ， 约 2.2 平方公里")
    '园区规划面积，约 2.2 平方公里'
    """
    return _CJK_SPACES.sub("", text)


MAX_BAD_BYTES = 16
"""Undecodable byte sequences replaced by U+FFFD before a text is refused as undecodable (a damaged file)."""


def _lenient(content: bytes, encoding: str) -> tuple[str, int] | None:
    """`content` decoded, each undecodable sequence replaced by U+FFFD, and how many there were;
    None past MAX_BAD_BYTES."""
    parts: list[str] = []
    pos = bad = 0
    while True:
        try:
            parts.append(content[pos:].decode(encoding))
            return "".join(parts), bad
        except UnicodeDecodeError as exc:
            bad += 1
            if bad > MAX_BAD_BYTES:
                return None
            parts.append(content[pos:pos + exc.start].decode(encoding) + "\ufffd")
            pos += exc.end


def _decode(content: bytes, name: str, declared: str | None = None) -> tuple[str, str, str]:
    """Text, encoding, how it was decided: a BOM, then `declared` (an HTML meta charset), else
    `geo.detect.detect_encoding` (UTF-8, else GB18030, a superset of GBK and GB2312). A few damaged
    byte sequences (MAX_BAD_BYTES; in UTF-8 at most 1 in 10 of its non-ASCII characters) become U+FFFD."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, why = ("utf-16-le" if content[0] == 0xFF else "utf-16-be"), "UTF-16 byte-order mark"
    elif declared and not content.startswith(b"\xef\xbb\xbf"):
        try:
            return content.decode(declared), declared, "the page's meta charset"
        except (UnicodeDecodeError, LookupError):
            text, encoding, why = _decode(content, name)
            return text, encoding, f"the page declares {declared}, but its bytes are not; {why}"
    else:
        encoding, why = detect.detect_encoding(content)
    read = _lenient(content, encoding)
    if encoding == "gb18030":  # damaged UTF-8 (a byte or two) is still UTF-8
        utf8 = _lenient(content, "utf-8")
        if utf8 and utf8[1] * 10 <= sum(not ch.isascii() for ch in utf8[0]):
            read, encoding, why = utf8, "utf-8", "detected: UTF-8 with damaged bytes"
    if read is None:
        raise DocumentError("undecodable", f"{name}: the text is neither UTF-8 nor GBK/GB18030; save it as UTF-8.",
                            f"{name}：文本既不是 UTF-8 也不是 GBK/GB18030；请另存为 UTF-8。")
    text, bad = read
    replaced = f"; {bad} undecodable byte sequence(s) replaced by U+FFFD" if bad else ""
    return text.lstrip("\ufeff"), encoding, why + replaced


def _read_txt(content: bytes, name: str, ocr: bool) -> _Read:
    text, encoding, why = _decode(content, name)
    notes = [f"read as {encoding} ({why})"]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("line endings normalised to \\n")
    return text, encoding, None, False, notes


def _table_lines(rows: list[list[list[str]]], nested: bool) -> list[str]:
    """A table as text: one row a line, cells (their lines joined by a space) joined by " | "; a
    layout table (one holding another table) as the lines of its cells, in order."""
    if nested:
        return [line for row in rows for cell in row for line in cell]
    cells = [[" ".join(cell) for cell in row] for row in rows]
    return [" | ".join(row) for row in cells if any(c.strip() for c in row)]



def _too_much_text(name: str) -> DocumentError:
    return DocumentError("too-large", f"{name}: more than {MAX_TEXT_CHARS:,} characters of text; split the document.",
                         f"{name}：文字超过 {MAX_TEXT_CHARS:,} 个字符；请拆分文档。")

