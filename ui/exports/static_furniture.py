"""The furniture of an exported map (`ui.exports.static_map`): legend, scale bar and the source
footer, and the text helpers they are set with. Every text is wrapped so that it stays inside its
box and the box inside the page: lines are measured as drawn (in the font in use), not guessed.
"""

from __future__ import annotations

import math
import re
import unicodedata

import geopandas as gpd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from layers.programmes import Catalogue
from ui.exports.static_layout import box_of
from ui.exports.static_tiles import BASEMAP

NO_BASEMAP_NOTE = "Basemap not available offline — vector layers only / 离线：未加载底图，仅矢量图层"
NO_BASEMAP_NOTE_EN = "Basemap not available offline — vector layers only"
NO_CJK_NOTE = "No Chinese (CJK) font found: names drawn in English, Chinese text left out"
FOOTER_SCALE = 0.8
"""The footer's type size, a share of the body text's."""


def has_cjk(text: str) -> bool:
    """True when `text` holds a character DejaVu Sans cannot draw (CJK ideographs, kana, hangul,
    full-width punctuation)."""
    return any(unicodedata.east_asian_width(c) in ("W", "F") for c in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` broken into lines of at most `width` columns (a CJK character counts 2): breaks at
    spaces, or between CJK characters, or inside a word longer than a line."""
    lines: list[str] = []
    for para in str(text).split("\n"):
        line, used = "", 0
        for tok in re.findall(r"\s+|[^\s\u2e80-\uffef]+|[\u2e80-\uffef]", para):
            if tok.isspace():
                if line:
                    line, used = line + " ", used + 1
                continue
            w = sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in tok)
            if used + w > width and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0
            while w > width:  # a word longer than a line: cut it
                lines.append(tok[:width])
                tok = tok[width:]
                w = len(tok)
            line, used = line + tok, used + w
        lines.append(line.rstrip())
    return lines


def wrap_to_width(fig: Figure, parts: list[str], fontsize: float, max_px: float) -> list[str]:
    """`parts` (paragraphs) wrapped into lines none of which is wider than `max_px` pixels when
    drawn at `fontsize` points in the current font: a first guess of ~0.55 em a column, then
    measured with the figure's renderer and narrowed until the widest line fits."""
    cols = max(10, int(max_px / (fontsize * fig.dpi / 72 * 0.55)))
    probe = fig.text(0, 0, "", fontsize=fontsize)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # an Agg canvas (FigureCanvasAgg)
    try:
        while True:
            lines = [ln for part in parts for ln in wrap(part, cols)]
            widest = 0.0
            for ln in lines:
                probe.set_text(ln)
                widest = max(widest, probe.get_window_extent(renderer).width)
            if widest <= max_px or cols <= 10:
                return lines
            cols = max(10, min(cols - 1, int(cols * max_px / widest)))
    finally:
        probe.remove()


def basemap_note(lang: str, font: str | None) -> str:
    """What the footer says when there is no basemap: in both languages on a Chinese page (with a
    CJK font), in English otherwise."""
    return NO_BASEMAP_NOTE if (lang == "zh" and font) else NO_BASEMAP_NOTE_EN


def _cited(programmes: Catalogue, programme_id: str, lang: str) -> str:
    """How the footer cites a plan: 文号《title》 in Chinese; in English its English name with the
    document number (or, without one, the title as written) beside it."""
    plan = programmes.get(programme_id)
    if lang == "zh" or plan is None or not plan.name_en:
        return programmes.citation(programme_id)
    return f"{plan.name_en} ({plan.document or f'《{plan.title}》'})"


def footer_lines(fig: Figure, parks: gpd.GeoDataFrame | None, basemap: bool, notes: list[str], text_ok, fs: float,
                 programmes: Catalogue, lang: str) -> list[str]:
    """The footer's lines: the data's documents, the view's CRS, the basemap's attribution, notes;
    wrapped to fit the figure's width inside the footer's box (`wrap_to_width`)."""
    documents = dict.fromkeys(_cited(programmes, p, lang) for p in (parks["programme"] if parks is not None else []))
    name = "ParkAtlas 园区图谱" if lang == "zh" else "ParkAtlas"
    footer = [text_ok(f"{name} · data: {'; '.join(documents) or '—'} · EPSG:3857 view")]
    if basemap:
        footer.append(BASEMAP.get("attribution", BASEMAP.get("name", "")))
    footer.extend(n for n in notes if n != NO_CJK_NOTE)
    size = fs * FOOTER_SCALE
    pad_px = 2 * 0.35 * size * fig.dpi / 72  # the box's padding, both sides
    return wrap_to_width(fig, footer, size, fig.bbox.width * 0.96 - pad_px - 4)


def draw_legend(ax, parks: gpd.GeoDataFrame, lang: str, font: str | None, fs: float, y: float,
                programmes: Catalogue):
    """The plans of the parks drawn, colour and name, at the bottom right (the Legend, or None).
    Without a CJK font a plan with no English name is listed by its id."""
    shown = programmes.in_use(parks["programme"])

    def name(p: str) -> str:
        plan = programmes.get(p)
        if lang == "zh" and font:
            return programmes.name(p, "zh")
        return plan.name_en if plan is not None and plan.name_en else (programmes.name(p, "zh") if font else p)

    handles = [Line2D([], [], marker="s", ls="", ms=fs, mfc=programmes.colour(p), mec=programmes.colour(p), alpha=0.8,
                      label=name(p)) for p in shown]
    if handles:
        leg = ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(0.99, y), fontsize=fs * 0.85,
                        framealpha=0.92, edgecolor="#bbbbbb")
        leg.set_zorder(11)
        return leg
    return None


def _nice_km(km: float) -> float:
    exp = 10 ** math.floor(math.log10(km))
    return max(m * exp for m in (1, 2, 5) if m * exp <= km)


def draw_scale_bar(ax, extent, fs: float, y: float) -> None:
    """A scale bar (km, true length at the view's centre latitude) at the bottom left, at height y
    (axes fraction)."""
    x0, y0, x1, y1 = extent
    lat = math.degrees(2 * math.atan(math.exp((y0 + y1) / 2 / 6378137.0)) - math.pi / 2)
    width_km = (x1 - x0) * math.cos(math.radians(lat)) / 1000
    km = _nice_km(width_km / 5)
    frac = km / width_km
    ax.plot([0.02, 0.02 + frac], [y, y], transform=ax.transAxes, color="#222222", lw=fs / 3,
            solid_capstyle="butt", zorder=10)
    label = f"{km:g} km"
    ax.text(0.02 + frac / 2, y + 0.01, label, transform=ax.transAxes, ha="center", va="bottom", fontsize=fs,
            path_effects=[patheffects.withStroke(linewidth=3, foreground="white")], zorder=10)


def above_footer(n_lines: int, fs: float, h: int, dpi: int) -> float:
    """The axes fraction just above a footer of `n_lines` lines at body size `fs` (points) on an
    image `h` pixels high: where the scale bar and the legend stand."""
    return 0.012 + (n_lines + 0.7) * fs * FOOTER_SCALE * 1.2 / (h / dpi * 72) + 0.015


def bottom_band(ax, fig, parks, lang: str, font: str | None, fs: float, text_ok, h: int, dpi: int,
                programmes: Catalogue) -> float:
    """Pixels at the bottom of the image that the footer, scale bar and legend take at most
    (drawn once to be measured, then removed)."""
    worst = footer_lines(fig, parks, True, [basemap_note(lang, font)], text_ok, fs, programmes, lang)
    above = above_footer(len(worst), fs, h, dpi)
    tallest = above * h + 3 * fs * dpi / 72  # the scale bar and its label
    legend = draw_legend(ax, parks, lang, font, fs, above, programmes) if parks is not None and not parks.empty else None
    if legend is not None:
        tallest = max(tallest, h - box_of(legend, fig)[1])
        legend.remove()
    return tallest + 8


def bold_weight(font: str | None) -> str:
    """"bold" when `font` (None: DejaVu Sans) is installed with a bold face, else "normal" (no
    faked bold, and no findfont warnings)."""
    from matplotlib import font_manager

    name = font or "DejaVu Sans"
    bold = any(f.name == name and f.weight in ("bold", 700, "700") for f in font_manager.fontManager.ttflist)
    return "bold" if bold else "normal"
