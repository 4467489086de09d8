"""DOCX for `layers.plan_reader.sources`: word/document.xml read with the standard library after
`geo._archive.check_zip` (zip bombs, a DOCTYPE refused): paragraphs, tables and text boxes in
document order, tracked insertions and content controls kept, deletions left out."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath
from xml.etree import ElementTree as ET

from geo._archive import check_zip
from geo._errors import UnsafeArchiveError
from layers._errors import DocumentError
from layers.plan_reader._source_text import MAX_TEXT_CHARS, _Read, _table_lines, _too_much_text

DOCX_MAX_EXPANDED = 200 * 1024 * 1024
DOCX_MAX_PART = 100 * 1024 * 1024
DOCX_MAX_RATIO = 200.0
DOCX_MAX_ENTRIES = 2000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


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

