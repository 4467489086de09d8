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

The readers live in private modules of this package: `_source_text` (TXT, encodings, what they
share), `_source_docx`, `_source_pdf` (text layer and OCR; its OCR settings are read from there)
and `_source_html`. This module sniffs the format and is where their names are imported from.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Callable

from geo import detect
from layers._errors import DocumentError
from layers.plan_reader._source_docx import (DOCX_MAX_ENTRIES, DOCX_MAX_EXPANDED, DOCX_MAX_PART, DOCX_MAX_RATIO,
                                             _read_docx)
from layers.plan_reader._source_html import _read_html
from layers.plan_reader._source_pdf import (MAX_PAGES, MIN_PAGE_CHARS, OCR_INSTALL, OCR_LANGS, OCR_LONG_SIDE_PX,
                                            OCR_MAX_PAGES, OCR_TIMEOUT_S, OCR_WORKERS, PDFTOPPM, RECOGNISED_NOTE,
                                            TESSERACT, _read_pdf)
from layers.plan_reader._source_text import MAX_BAD_BYTES, MAX_TEXT_CHARS, _lenient, _Read, _read_txt, squeeze_cjk

__all__ = ["DOCX_MAX_ENTRIES", "DOCX_MAX_EXPANDED", "DOCX_MAX_PART", "DOCX_MAX_RATIO", "MAX_BAD_BYTES", "MAX_BYTES",
           "MAX_PAGES", "MAX_TEXT_CHARS", "MIN_PAGE_CHARS", "OCR_INSTALL", "OCR_LANGS", "OCR_LONG_SIDE_PX",
           "OCR_MAX_PAGES", "OCR_TIMEOUT_S", "OCR_WORKERS", "PDFTOPPM", "RECOGNISED_NOTE", "TESSERACT", "SourceText",
           "read_document", "squeeze_cjk"]

MAX_BYTES = 50 * 1024 * 1024
"""Largest document read (bytes)."""


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

