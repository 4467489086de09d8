"""A plan document's bytes into its text, safely: TXT, DOCX, PDF (text layer, or OCR of a scan), HTML.

`read_document(content, file_name)` returns a `SourceText`: paragraphs separated by "\\n", tables as
one row a line with cells joined by " | ", and `notes` saying what was done or skipped. Every refusal
is a `DocumentError` with a `code`, an English `message` and a Chinese `message_zh`. The format is
sniffed from the bytes (the extension only breaks ties), and the file is never written anywhere
except, for OCR, into a private temporary folder.

Choices, measured on this 2-core machine (bench/plan_reader_sources_bench.py):

- **PDF: pypdf** 7.1 (BSD, pure Python, no dependencies). On the bench's generated 100-page Chinese PDF
  (131,000 characters; matplotlib, WenQuanYi Micro Hei embedded as CID TrueType) pypdf took 1.2 s and
  pdfplumber 0.11.10 4.6 s, with identical text on all 100 pages; on glyph-by-glyph and Type 3 font
  PDFs both gave the same Chinese too. pdfplumber also brings pdfminer.six, cryptography and the
  pypdfium2 binary. `read_document` reads the 100 pages in 1.3 s (the goal: 30 s). Lines that wrap
  at the page width are joined back into paragraphs and page numbers at page edges dropped.
- **Scans: poppler's `pdftoppm` + the `tesseract` CLI** (chi_sim+eng), two pages at a time, each
  tesseract on one thread, with timeouts and the image size capped: ~4.3 s a dense A4 page here
  (98 % of its characters found); the text is marked `recognised`.
- **DOCX: word/document.xml read here** with the standard library, after `geo._archive.check_zip`,
  rather than python-docx: python-docx 1.2.0 (tried here) gives an empty paragraph for text in a
  tracked insertion (`w:ins`) and skips paragraphs inside content controls (`w:sdt`, the fields of
  Word templates), and it needs lxml. Paragraphs, tables and text boxes are read in document order;
  a DOCTYPE (never in a real DOCX: an entity bomb) is refused before parsing.
- **HTML: the standard library's `html.parser`** (neither lxml nor beautifulsoup4 is installed, and
  visible text needs no tree): script, style, nav, header, footer, aside, forms' controls and hidden
  elements dropped; the charset from a BOM, the page's meta tag, else detected as the file import does.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePath, PurePosixPath
from typing import Callable
from xml.etree import ElementTree as ET

from geo import detect
from geo._archive import check_zip
from geo._errors import UnsafeArchiveError
from layers._errors import DocumentError

MAX_BYTES = 50 * 1024 * 1024
"""Largest document read (bytes)."""
MAX_PAGES = 3000
MAX_TEXT_CHARS = 20_000_000
"""Most characters a PDF or DOCX may expand into (a text bomb is refused past it)."""
DOCX_MAX_EXPANDED = 200 * 1024 * 1024
DOCX_MAX_PART = 100 * 1024 * 1024
DOCX_MAX_RATIO = 200.0
DOCX_MAX_ENTRIES = 2000
MIN_PAGE_CHARS = 20
"""A PDF page with fewer non-space characters than this has no usable text layer."""
OCR_MAX_PAGES = 200
OCR_LANGS = "chi_sim+eng"
TESSERACT = "tesseract"
PDFTOPPM = "pdftoppm"
OCR_TIMEOUT_S = 180
"""Seconds one page may take to render, and again to recognise."""
OCR_WORKERS = min(2, os.cpu_count() or 1)
"""Pages recognised at once (each tesseract on one thread)."""
OCR_LONG_SIDE_PX = 3508
"""Pages are rendered with their long side this many pixels (A4 at 300 dpi), whatever their size."""
OCR_INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"
RECOGNISED_NOTE = "recognised text — check against the scan"

_Read = tuple[str, str | None, int | None, bool, list[str]]
"""What a reader of one format returns: text, encoding, pages, recognised, notes."""

_CJK = "\u2018-\u201d\u2014\u2026\u2e80-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACES = re.compile(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


@dataclass(frozen=True)
class SourceText:
    """A document's text and how it was read. `recognised` is True when any of it came from OCR:
    every proposal from it is marked RECOGNISED_NOTE. `encoding` is set for TXT and HTML; `pages`
    for PDF; `notes` (English) say what the reader did or skipped."""

    text: str
    kind: str
    recognised: bool
    encoding: str | None
    sha256: str
    file_name: str
    pages: int | None
    notes: tuple[str, ...]


def squeeze_cjk(text: str) -> str:
    """Remove the spaces PDF layout and OCR put between Chinese characters.

    >>> squeeze_cjk("园 区 规划 面积 ， 约 2.2 平方公里")
    '园区规划面积，约 2.2 平方公里'
    """
    return _CJK_SPACES.sub("", text)


def read_document(content: bytes, file_name: str, *, ocr: bool = True) -> SourceText:
    """The text of a plan document (`content`, the bytes of a file named `file_name`).

    Reads TXT (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030), DOCX, PDF (its text
    layer; a scan through OCR unless `ocr` is False) and saved HTML pages. Raises DocumentError
    (see its `code`s) with what to do, never a library's exception.
    """
    name = PurePath(file_name).name or "document"
    if len(content) > MAX_BYTES:
        size, limit = f"{len(content) / 2**20:.1f} MB", f"{MAX_BYTES // 2**20} MB"
        raise DocumentError("too-large", f"{name}: {size} is more than the {limit} a document may be; split it or "
                            "save it without images.", f"{name}：文件大小 {size}，超过上限 {limit}；请拆分或去掉图片后另存。")
    if not content.strip():
        raise DocumentError("empty", f"{name}: the file is empty.", f"{name}：文件为空。")
    kind, notes = _sniff(content, name)
    readers: dict[str, Callable[[bytes, str, bool], _Read]] = {"txt": _read_txt, "html": _read_html,
                                                                "docx": _read_docx, "pdf": _read_pdf}
    text, encoding, pages, recognised, more = readers[kind](content, name, ocr)
    if not text.strip():
        raise DocumentError("empty", f"{name}: no text found in the {kind.upper()} file.",
                            f"{name}：{kind.upper()} 文件中没有文字。")
    return SourceText(text, kind, recognised, encoding, hashlib.sha256(content).hexdigest(), name, pages,
                      tuple(notes + more))


def _sniff(content: bytes, name: str) -> tuple[str, list[str]]:
    ext = PurePath(name).suffix.lower()
    head = content[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        found = "html" if re.search(r"<(html|body)[\s>]", head.decode("utf-16", "ignore"), re.I) else "txt"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError("unknown-format", f"{name}: an old Word .doc (or a password-protected Office file); "
                            "save it as .docx without a password, or as PDF.",
                            f"{name}：旧版 Word .doc 文件（或加密的 Office 文件）；请另存为不加密的 .docx 或 PDF。")
    else:
        sniffed = detect.sniff_format(head)
        if sniffed is None and b"\x00" not in head and _lenient(head[:4096], "gb18030") is not None:
            sniffed = "text"  # a few damaged bytes: _decode replaces them
        htmlish = re.search(rb"<(html|body)[\s>]|<!doctype html", head, re.I) is not None
        if sniffed == "pdf" or (sniffed is None and b"%PDF-" in content[:1024]):
            found = "pdf"
        elif sniffed == "zip":
            found = "docx"
            try:
                with zipfile.ZipFile(io.BytesIO(content)) as zf:
                    if "word/document.xml" not in zf.namelist() and not ext.startswith(".doc"):
                        found = ""
            except Exception:  # noqa: BLE001 - a damaged DOCX (zipfile raises many types): _read_docx says so
                pass
        elif sniffed == "html" or (sniffed in ("xml", "kml", "text") and htmlish):
            found = "html"
        elif sniffed in ("text", "json"):
            found = "txt"
        else:
            found = ""
        if not found:
            what = {"png": "a PNG image", "jpeg": "a JPEG image", "zip": "a zip archive that is not a Word document",
                    "xml": "XML that is not a web page"}.get(sniffed or "", "binary data")
            raise DocumentError("unknown-format", f"{name}: not a document we read ({what}). Read are .txt, .docx, "
                                ".pdf and saved web pages (.html); put a scanned image into a PDF.",
                                f"{name}：不是可读取的文档（{what}）。可读取 .txt、.docx、.pdf 和保存的网页（.html）；"
                                "扫描图片请先存为 PDF。")
    expected = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}
    if ext in expected and expected[ext] != found:
        return found, [f"named {ext}, but the content is {found.upper()}: read as {found.upper()}"]
    return found, []


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


def _table_lines(rows: list[list[list[str]]], nested: bool) -> list[str]:
    """A table as text: one row a line, cells (their lines joined by a space) joined by " | "; a
    layout table (one holding another table) as the lines of its cells, in order."""
    if nested:
        return [line for row in rows for cell in row for line in cell]
    cells = [[" ".join(cell) for cell in row] for row in rows]
    return [" | ".join(row) for row in cells if any(c.strip() for c in row)]


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


def _read_docx(content: bytes, name: str, ocr: bool) -> _Read:
    damaged = (f"{name}: not a readable Word document (.docx): the file is damaged or truncated",
               f"{name}：无法读取的 Word 文档（.docx）：文件已损坏或不完整")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            check_zip(zf, name, max_entries=DOCX_MAX_ENTRIES, max_total=DOCX_MAX_EXPANDED, max_ratio=DOCX_MAX_RATIO)
            info = zf.getinfo(_main_part(zf))
            if info.file_size > DOCX_MAX_PART:
                raise UnsafeArchiveError(f"{name}: refused: its text part {info.filename} is "
                                         f"{info.file_size / 2**20:.0f} MB; the limit is {DOCX_MAX_PART // 2**20} MB.")
            with zf.open(info) as part:
                xml = part.read(info.file_size + 1)
            if len(xml) > info.file_size:
                raise UnsafeArchiveError(f"{name}: refused: {info.filename} expands beyond its declared size.")
        if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
            raise UnsafeArchiveError(f"{name}: refused: its text part declares a DOCTYPE or entities, which no "
                                     "word processor writes (an XML entity bomb?).")
        body = ET.fromstring(xml).find(f"{_W}body")
        if body is None:
            raise ValueError("word/document.xml has no body")
        lines: list[str] = []
        _blocks(body, lines)
    except UnsafeArchiveError as exc:
        raise DocumentError("unsafe", str(exc), f"{name}：已拒绝：文档压缩包的条目过多、过大或压缩比异常（疑似 zip 炸弹）。") from exc
    except Exception as exc:  # noqa: BLE001 - zipfile, zlib and expat raise many types on a damaged file
        kind = type(exc).__name__
        raise DocumentError("broken-docx", f"{damaged[0]} ({kind}: {exc}). Save it again as .docx.",
                            f"{damaged[1]}（{kind}：{exc}）。请重新另存为 .docx。") from exc
    text = "\n".join(line for line in lines if line.strip())
    if len(text) > MAX_TEXT_CHARS:
        raise _too_much_text(name)
    return text, None, None, False, [f"read {info.filename}: paragraphs, tables and text boxes in document order "
                                     "(tracked insertions kept, deletions left out); headers, footers, footnotes "
                                     "and comments are not read"]


def _main_part(zf: zipfile.ZipFile) -> str:
    """The main text part of a DOCX: word/document.xml, else what _rels/.rels names."""
    names = set(zf.namelist())
    if "word/document.xml" in names or "_rels/.rels" not in names:
        return "word/document.xml"
    with zf.open("_rels/.rels") as part:
        rels = part.read(1024 * 1024)
    rel = re.search(rb"<Relationship[^>]*officeDocument\"[^>]*>", rels)
    target = re.search(rb'Target="([^"]+)"', rel.group(0)) if rel else None
    return str(PurePosixPath(target.group(1).decode("utf-8").lstrip("/"))) if target else "word/document.xml"


def _blocks(el: ET.Element, out: list[str]) -> None:
    """Paragraphs and tables under `el` (body, a cell, a content control, a text box) as lines."""
    for child in el:
        if child.tag == f"{_W}p":
            parts: list[str] = []
            boxes: list[str] = []
            _inline(child, parts, boxes)
            out.append("".join(parts))
            out.extend(boxes)
        elif child.tag == f"{_W}tbl":
            rows: list[list[list[str]]] = []
            for tr in _wrapped(child, "tr"):
                rows.append([])
                for tc in _wrapped(tr, "tc"):
                    cell: list[str] = []
                    _blocks(tc, cell)
                    rows[-1].append([line for line in cell if line.strip()])
            nested = any(t is not child for t in child.iter(f"{_W}tbl"))
            out.extend(_table_lines(rows, nested))
        else:  # content controls, custom XML, block-level tracked insertions
            _blocks(child, out)


def _wrapped(el: ET.Element, local: str):
    """Children of `el` named w:`local`, also inside content controls and custom XML around them."""
    for child in el:
        if child.tag == f"{_W}{local}":
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins"):
            yield from _wrapped(child, local)


_INLINE = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_NOT_READ = {_MC_FALLBACK, f"{_W}del", f"{_W}moveFrom", f"{_W}instrText", f"{_W}rPr", f"{_W}pPr"}


def _inline(el: ET.Element, parts: list[str], boxes: list[str]) -> None:
    for child in el:
        if child.tag == f"{_W}t":
            parts.append(child.text or "")
        elif child.tag in _INLINE:
            parts.append(_INLINE[child.tag])
        elif child.tag == f"{_W}txbxContent":
            _blocks(child, boxes)
        elif child.tag not in _NOT_READ:  # the DrawingML choice of a text box is read, its VML fallback not
            _inline(child, parts, boxes)


def _too_much_text(name: str) -> DocumentError:
    return DocumentError("too-large", f"{name}: more than {MAX_TEXT_CHARS:,} characters of text; split the document.",
                         f"{name}：文字超过 {MAX_TEXT_CHARS:,} 个字符；请拆分文档。")


def _page_list(pages: list[int]) -> str:
    return ", ".join(str(p) for p in pages[:20]) + (f" and {len(pages) - 20} more" if len(pages) > 20 else "")


def _read_pdf(content: bytes, name: str, ocr: bool) -> _Read:
    import pypdf

    notes: list[str] = []
    try:
        reader = pypdf.PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            if not reader.decrypt(""):
                raise pypdf.errors.FileNotDecryptedError("a password is needed to open it")
            notes.append("encrypted with an owner password only (limits on printing or copying): read without one")
        count = len(reader.pages)
    except (pypdf.errors.FileNotDecryptedError, pypdf.errors.DependencyError) as exc:
        raise DocumentError("encrypted", f"{name}: the PDF is encrypted and needs a password to open ({exc}). Save "
                            "or print it again as a PDF without a password.",
                            f"{name}：PDF 已加密，需要密码才能打开；请另存（或打印）为不加密的 PDF。") from exc
    except Exception as exc:  # noqa: BLE001 - a damaged PDF makes pypdf raise almost anything
        cut = b"%%EOF" not in content[-1024:]
        raise DocumentError("broken-pdf", f"{name}: not a readable PDF ({type(exc).__name__}: {exc})"
                            + ("; it looks truncated (no %%EOF at its end): download it again." if cut else "."),
                            f"{name}：无法读取的 PDF（{type(exc).__name__}：{exc}）"
                            + ("；文件似乎不完整（末尾没有 %%EOF）：请重新下载。" if cut else "。")) from exc
    if count == 0 or count > MAX_PAGES:
        raise DocumentError("broken-pdf" if count == 0 else "too-large", f"{name}: the PDF has {count} pages (1 to "
                            f"{MAX_PAGES} are read).", f"{name}：PDF 有 {count} 页（可读取 1 至 {MAX_PAGES} 页）。")
    texts, failed, total = [], [], 0
    for number, page in enumerate(reader.pages, start=1):
        try:
            texts.append(page.extract_text() or "")
        except Exception:  # noqa: BLE001 - one damaged page is named and skipped, not the whole document
            texts.append("")
            failed.append(number)
        total += len(texts[-1])
        if total > MAX_TEXT_CHARS:
            raise _too_much_text(name)
    if len(failed) == count:
        raise DocumentError("broken-pdf", f"{name}: no page of the PDF can be read; save it again as PDF.",
                            f"{name}：PDF 的页面都无法读取；请重新另存为 PDF。")
    solid = [len("".join(t.split())) for t in texts]
    scan = sum(solid) < MIN_PAGE_CHARS * count
    todo = list(range(count)) if scan else [i for i in range(count) if solid[i] < MIN_PAGE_CHARS
                                            and i + 1 not in failed and _has_image(reader.pages[i])]
    recognised = False
    if todo:
        missing = "you asked not to use OCR" if not ocr else _ocr_missing()
        if missing and scan:
            if not ocr:
                raise DocumentError("no-text", f"{name}: a scanned PDF (no text layer); it can only be read with OCR.",
                                    f"{name}：扫描版 PDF（没有文字层），只能通过 OCR 识别读取。")
            raise DocumentError("ocr-missing", f"{name}: a scanned PDF (no text layer); reading it needs OCR, which is "
                                f"not available here ({missing}). Install it with `{OCR_INSTALL}` (and "
                                "poppler-utils); the Makefile does this when run as root (make test).",
                                f"{name}：扫描版 PDF（没有文字层），需要 OCR 识别，但本机未安装（{missing}）。"
                                f"请安装：`{OCR_INSTALL}`（以及 poppler-utils）；以 root 运行 Makefile（make test）时会自动安装。")
        if missing:
            notes.append(f"pages {_page_list([i + 1 for i in todo])} look scanned (an image, no text) and were not "
                         f"recognised: {missing}; `{OCR_INSTALL}`")
        else:
            if len(todo) > OCR_MAX_PAGES:
                notes.append(f"only the first {OCR_MAX_PAGES} of {len(todo)} scanned pages were recognised")
                todo = todo[:OCR_MAX_PAGES]
            for i, text in zip(todo, _ocr_pages(content, name, todo)):
                texts[i] = text
            recognised = True
            notes.append(f"{'every page' if scan else 'pages ' + _page_list([i + 1 for i in todo])} recognised by "
                         f"OCR (tesseract, {OCR_LANGS}): {RECOGNISED_NOTE}")
    if failed:
        notes.append(f"pages {_page_list(failed)} could not be read and were skipped")
    text, more = _paragraphs(texts)
    return text, None, count, recognised, notes + more


def _has_image(page) -> bool:
    """Whether a PDF page draws an image of its own (a scanned page does)."""
    try:
        xobjects = page["/Resources"].get_object().get("/XObject")
        return xobjects is not None and any(x.get_object().get("/Subtype") == "/Image"
                                            for x in xobjects.get_object().values())
    except Exception:  # noqa: BLE001 - missing or damaged resources: no image
        return False


_PAGE_NO = re.compile(r"^[-—–－ ]*(第\s*)?\d{1,4}\s*页?\s*([/／]\s*\d{1,4}|共\s*\d{1,4}\s*页)?[-—–－ ]*$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*[.、．]\D"
                      r"|第[一二三四五六七八九十百\d]+[章节条部分篇]|[①-⑳]|附件|附表)")


def _width(line: str) -> float:
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.5 for ch in line)


def _paragraphs(pages: list[str]) -> tuple[str, list[str]]:
    """PDF page texts as paragraphs: spaces between Chinese characters removed, page numbers at the
    top or bottom of a page dropped, lines that fill the text width (and end without 。！？；：)
    joined to the next line unless it starts a heading (一、 （二） 3. 第四条 ...)."""
    dropped, lines = 0, []
    for text in pages:
        page = [squeeze_cjk(line.strip()) for line in text.replace("\r", "\n").split("\n") if line.strip()]
        while page and _PAGE_NO.match(page[0]):
            page.pop(0)
            dropped += 1
        while page and _PAGE_NO.match(page[-1]):
            page.pop()
            dropped += 1
        lines += page
    widths = sorted(_width(line) for line in lines)
    full = 0.85 * widths[int(0.9 * (len(widths) - 1))] if widths else 0.0
    out: list[str] = []
    joined, last = 0, 0.0
    for line in lines:
        prev = out[-1] if out else ""
        if prev and full >= 8 and last >= full and prev[-1] not in "。！？；：!?;:" and not _HEADING.match(line):
            out[-1] = prev + ("" if ord(prev[-1]) >= 0x2E80 or ord(line[0]) >= 0x2E80 else " ") + line
            joined += 1
        else:
            out.append(line)
        last = _width(line)
    notes = [f"{joined} line breaks inside paragraphs (lines wrapped at the page width) joined"] if joined else []
    return "\n".join(out), notes + ([f"{dropped} page-number lines dropped"] if dropped else [])


def _ocr_missing() -> str | None:
    """Why OCR cannot run here, or None: pdftoppm, tesseract and its OCR_LANGS data are needed."""
    for tool, package in ((PDFTOPPM, "poppler-utils"), (TESSERACT, "tesseract-ocr")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed ({package})"
    try:
        listed = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, text=True, timeout=60).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract does not run ({exc})"
    lacking = [lang for lang in OCR_LANGS.split("+") if lang not in listed]
    return f"tesseract has no {'/'.join(lacking)} language data (tesseract-ocr-chi-sim)" if lacking else None


def _ocr_pages(content: bytes, name: str, indices: list[int]) -> list[str]:
    """The recognised text of the pages `indices` (0-based), OCR_WORKERS pages at a time, each
    rendered in grey by pdftoppm (long side OCR_LONG_SIDE_PX) in a private temporary folder and read
    by tesseract on one thread (OMP_THREAD_LIMIT=1: its default four threads on two cores took 25 s
    a page here instead of 5.5 s)."""
    with tempfile.TemporaryDirectory(prefix="parkatlas-ocr-") as tmp:
        pdf = Path(tmp) / "document.pdf"
        pdf.write_bytes(content)

        def one(i: int) -> str:
            image = Path(tmp) / f"page{i + 1}"
            _run([PDFTOPPM, "-f", str(i + 1), "-l", str(i + 1), "-singlefile", "-gray", "-png",
                  "-scale-to", str(OCR_LONG_SIDE_PX), str(pdf), str(image)], name, i + 1)
            text = _run([TESSERACT, f"{image}.png", "stdout", "-l", OCR_LANGS, "--psm", "3"], name, i + 1)
            Path(f"{image}.png").unlink(missing_ok=True)
            return text.replace("\f", "")

        with ThreadPoolExecutor(max_workers=OCR_WORKERS) as pool:
            return list(pool.map(one, indices))


def _run(command: list[str], name: str, page: int) -> str:
    tool = PurePath(command[0]).name
    try:
        done = subprocess.run(command, capture_output=True, timeout=OCR_TIMEOUT_S, check=True,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except FileNotFoundError as exc:
        raise DocumentError("ocr-missing", f"{name}: {tool} is not installed; `{OCR_INSTALL}`.",
                            f"{name}：未安装 {tool}；请运行 `{OCR_INSTALL}`。") from exc
    except subprocess.TimeoutExpired as exc:
        raise DocumentError("ocr-failed", f"{name}: page {page}: {tool} took more than {OCR_TIMEOUT_S} s; split the "
                            "scan.",
                            f"{name}：第 {page} 页：{tool} 超过 {OCR_TIMEOUT_S} 秒；请拆分扫描件。") from exc
    except (subprocess.CalledProcessError, OSError) as exc:
        err = getattr(exc, "stderr", b"") or b""
        detail = err.decode("utf-8", "replace").strip()[-300:] or str(exc)
        raise DocumentError("ocr-failed", f"{name}: page {page}: {tool} failed ({detail}).",
                            f"{name}：第 {page} 页：{tool} 运行失败（{detail}）。") from exc
    return done.stdout.decode("utf-8", "replace")
