"""PDF for `layers.plan_reader.sources`: the text layer through pypdf (lines wrapped at the page
width joined back into paragraphs, page numbers at page edges dropped), and scanned pages through
poppler's `pdftoppm` and the `tesseract` CLI (text marked recognised). The OCR settings below
(TESSERACT, PDFTOPPM, OCR_LANGS, OCR_TIMEOUT_S, ...) are read from this module when a page is
recognised: change them here, not on `sources`, which only re-exports them."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePath

from layers._errors import DocumentError
from layers.plan_reader._source_text import MAX_TEXT_CHARS, _Read, _too_much_text, squeeze_cjk

MAX_PAGES = 3000
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
