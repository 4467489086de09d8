"""PDFs for presenters and investors: a story as one PDF (the slides' own one-page PDFs, their text
kept as text) and a park comparison on one A4 landscape page. Drawn with matplotlib's PDF backend,
Chinese text in a TrueType CJK font (`ui.exports.static_map.pdf_cjk_font`: the one requirements.txt
installs, else Debian's), which the PDF embeds (subset, TrueType) cleanly."""

from __future__ import annotations

import io
import math

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ui.exports.static_furniture import bold_weight, has_cjk, wrap
from ui.exports.static_map import StaticMapError, _rc, pdf_cjk_font

def story_pdf_pages(pages: list[bytes], title: str) -> bytes:
    """One PDF of the slides' one-page PDFs (`RenderResult.pdf`), in order: captions, legend and
    footer stay text a reader can search, copy and read aloud (fonts embedded as each page has
    them); each page's own title (its slide's) becomes a bookmark; `title` is the document title."""
    from pypdf import PdfReader, PdfWriter

    if not pages:
        raise StaticMapError("story_pdf_pages needs at least one slide page; got none")
    writer = PdfWriter()
    for i, page in enumerate(pages):
        try:
            reader = PdfReader(io.BytesIO(page))
            first = len(writer.pages)
            for p in reader.pages:
                writer.add_page(p)
            heading = reader.metadata.title if reader.metadata is not None else None
        except Exception as exc:  # pypdf raises many kinds for a damaged page
            raise StaticMapError(f"slide {i + 1} of {len(pages)} is not a readable PDF page: {exc}") from exc
        writer.add_outline_item(title=f"{i + 1}. {heading}" if heading else f"{i + 1}", page_number=first)
    writer.add_metadata({"/Title": title, "/Creator": "ParkAtlas"})
    writer.page_mode = "/UseOutlines"
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


A4_LANDSCAPE_IN = (11.69, 8.27)


def comparison_pdf(table: pd.DataFrame, title: str, note: str) -> bytes:
    """A one-page A4 landscape PDF of a comparison `table` (rows = attributes in the index,
    columns = 2 to 4 parks), long cells wrapped, with `note` (sources, data quality, date) below.
    The font shrinks (10 pt down to 5.5 pt) until the table fits the page; StaticMapError if it never does.
    Chinese is set in a TrueType font (`pdf_cjk_font`, registered with matplotlib even when its
    font cache predates it), embedded cleanly; with none, Chinese text is left out."""
    font = pdf_cjk_font()
    with matplotlib.rc_context(_rc(font)):
        fig = comparison_figure(table, title, note)
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf", metadata={"Title": title if font else _strip_cjk(title)})
    return buf.getvalue()


def _line_height_in(size: float) -> float:
    """Inches one line of text takes at `size` points and linespacing 1.3 in the current font
    (measured on ten lines drawn with matplotlib, so the fit follows the font actually used)."""
    fig = Figure(figsize=(4, 4), dpi=100)
    FigureCanvasAgg(fig)
    text = fig.text(0, 0, "\n".join(["Ag园"] * 10), fontsize=size, linespacing=1.3)
    return text.get_window_extent(fig.canvas.get_renderer()).height / fig.dpi / 10 * 1.02


def _columns(text: str) -> int:
    """Text columns `text` takes (a CJK character counts 2)."""
    return sum(2 if has_cjk(c) else 1 for c in text)


def _strip_cjk(s: str) -> str:
    return "".join(c for c in s if not has_cjk(c))


def comparison_figure(table: pd.DataFrame, title: str, note: str) -> Figure:
    """The A4 landscape matplotlib Figure behind `comparison_pdf` (call it inside the same rc
    context, see `comparison_pdf`)."""
    if not 2 <= table.shape[1] <= 4:
        raise StaticMapError(f"comparison table has {table.shape[1]} park column(s); it must have 2 to 4")
    font = pdf_cjk_font()
    clean = (lambda s: s) if font else _strip_cjk
    cells = [[clean(str(a))] + [clean("—" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
                                for v in row] for a, row in zip(table.index, table.itertuples(index=False))]
    header = [""] + [clean(str(c)) for c in table.columns]
    page_w, page_h = A4_LANDSCAPE_IN
    margin, title_h, usable_w = 0.5, 0.55, A4_LANDSCAPE_IN[0] - 1.0  # inches
    label_cols = max(_columns(str(c[0])) for c in cells)
    for size in (10, 9, 8, 7, 6, 5.5):  # points; the first size at which everything fits
        # the label column as wide as its longest label (10-22 % of the width), the parks share the rest
        label_frac = min(0.22, max(0.10, (label_cols + 3) * size * 0.55 / 72 / usable_w))
        fracs = [label_frac] + [(1 - label_frac) / table.shape[1]] * table.shape[1]
        line_h = _line_height_in(size)
        chars = [max(8, int(f * usable_w * 72 / (size * 0.55)) - 2) for f in fracs]
        rows = [[wrap(c, n) for c, n in zip(r, chars)] for r in [header] + cells]
        pad = 0.3 * line_h  # inches of space around a row's text, in proportion to the type
        heights = [max(len(c) for c in r) * line_h + pad for r in rows]
        note_lines = wrap(clean(note), int(usable_w * 72 / (size * 0.9 * 0.55)))
        if sum(heights) + title_h + len(note_lines) * line_h + 0.2 <= page_h - 2 * margin:
            break
    else:
        raise StaticMapError(f"comparison table of {table.shape[0]} rows does not fit one A4 page even at {size} pt; "
                             "shorten its cells or split it")
    fig = Figure(figsize=A4_LANDSCAPE_IN)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, page_w)
    ax.set_ylim(page_h, 0)  # y in inches from the top
    bold = bold_weight(font)  # no faked bold (and no findfont warnings)
    ax.text(margin, margin, clean(title), fontsize=15, fontweight=bold, va="top")
    y = margin + title_h
    xs = np.cumsum([margin] + [f * usable_w for f in fracs])
    for i, (r, hgt) in enumerate(zip(rows, heights)):
        if i == 0 or i % 2 == 0:
            ax.add_patch(Rectangle((margin, y), usable_w, hgt, color="#e8eef5" if i == 0 else "#f6f6f6", lw=0))
        for j, lines in enumerate(r):
            ax.text(xs[j] + 0.06, y + pad / 2, "\n".join(lines), fontsize=size, va="top", ha="left",
                    fontweight=bold if (i == 0 or j == 0) else "normal", linespacing=1.3)
        y += hgt
        ax.plot([margin, margin + usable_w], [y, y], color="#cccccc", lw=0.5)
    ax.text(margin, page_h - margin, "\n".join(note_lines), fontsize=size * 0.9, va="bottom", color="#444444",
            linespacing=1.3)
    return fig
