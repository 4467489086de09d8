"""Static PNG/PDF export of map views and park comparisons (issue 7), drawn server-side with
matplotlib (Agg, no pyplot, no Streamlit, no folium).

A view is drawn in Web Mercator (EPSG:3857, like the web map and its tiles). The axes fill the
whole image (`fig.add_axes([0, 0, 1, 1])`); title, caption, scale bar and footer are overlays, so
a lon/lat maps to a known pixel (`pixel_of`). The basemap is a mosaic of light tiles when they can
be fetched; offline the vector layers are drawn on a plain background and the footer says so.
"""

from __future__ import annotations

import importlib.util
import io
import math
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import geopandas as gpd
import matplotlib
import numpy as np
from matplotlib import font_manager, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from geo.crs import project, require_wgs84
from layers.facilities import CATEGORY_COLOURS
from layers.programmes import Catalogue
from layers.transport import line_style
from ui.exports.static_furniture import (NO_BASEMAP_NOTE, NO_BASEMAP_NOTE_EN, NO_CJK_NOTE,  # noqa: F401
                                          above_footer, basemap_note, bold_weight, bottom_band, draw_legend,
                                          draw_scale_bar, footer_lines, has_cjk, wrap, wrap_to_width)
from ui.exports.static_layout import box_of, free_rect, pixel_in, place_labels, view_extent_in
from ui.exports.static_tiles import BACKGROUND, BASEMAP, MAX_TILES, TileFetcher, no_tiles, tile_grid, url_tile_fetcher  # noqa: F401
from ui.exports.static_tiles import mosaic as mosaic_of

Bounds = tuple[float, float, float, float]
"""(minlon, minlat, maxlon, maxlat) in EPSG:4326 degrees, or (x0, y0, x1, y1) in EPSG:3857 metres."""


CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Serif CJK SC",
             "Noto Serif CJK JP", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback")
"""Fonts that can draw Chinese, best first."""

HIGHLIGHT_EDGE = "#1a1a1a"


class StaticMapError(ValueError):
    """A view, layer or table that cannot be drawn; the message says which value and why."""


@dataclass(frozen=True)
class MapView:
    """What to draw: `bounds` (minlon, minlat, maxlon, maxlat) in EPSG:4326 degrees, a title, a
    caption, and the ids of parks to highlight (drawn larger, outlined dark, labelled)."""

    bounds: Bounds
    title: str = ""
    caption: str = ""
    highlighted: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderLayers:
    """The layers to draw, each a GeoDataFrame in EPSG:4326: parks (indexed by id; name_zh,
    name_en, programme, geometry_quality), optional transport lines/nodes (mode, line_ref, status)
    and facilities (category)."""

    parks: gpd.GeoDataFrame
    lines: gpd.GeoDataFrame | None = None
    nodes: gpd.GeoDataFrame | None = None
    facilities: gpd.GeoDataFrame | None = None
    programmes: Catalogue = field(default_factory=lambda: Catalogue(None))
    """The plan records: each park's colour and legend name, the documents the footer cites."""


@dataclass(frozen=True)
class RenderResult:
    """A PNG image; `basemap` says whether tiles were drawn; `note` what is missing, if anything;
    `extent` the EPSG:3857 extent drawn (x0, y0, x1, y1), `caption_px` the caption's box and
    `label_px` the highlighted parks' name boxes (pixels from the top left: left, top, right,
    bottom). The PNG carries `extent` and `caption_px` as text chunks too."""

    png: bytes
    basemap: bool
    note: str = ""
    notes: tuple[str, ...] = field(default=())
    extent: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    caption_px: tuple[float, float, float, float] | None = None
    label_px: tuple[tuple[float, float, float, float], ...] = ()
    pdf: bytes | None = None
    """The same view as a one-page PDF (when asked for): text as text in an embedded TrueType CJK
    font, parks and transport as vectors, the basemap (if any) as an image."""


# ---------------------------------------------------------------- fonts and text

TRUETYPE_CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN")
"""Chinese fonts with TrueType outlines, which a PDF embeds as what it says they are (matplotlib
declares every embedded font TrueType: a CFF font such as Noto Sans CJK makes poppler warn
"Mismatch between font type and embedded font file")."""

PACKAGED_CJK_FONT = ("paperang_p2_fonts_cjk", "fonts", "wqy-microhei.ttc")
"""The Chinese font the project installs itself: WenQuanYi Micro Hei (文泉驿微米黑; TrueType
`glyf` outlines; Apache-2.0 or GPL-3+ with the font exception) in the PyPI package
`paperang-p2-fonts-cjk` pinned in requirements.txt — (package, folder, file). `make run` needs no
root and no Debian font for Chinese in PNGs and PDFs."""

PACKAGED_CJK_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"
"""SHA-256 of that file: byte for byte Debian bookworm's fonts-wqy-microhei 0.2.0-beta-3.1
(a test holds the installed file to it)."""

TRUETYPE_CJK_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                      "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
"""Where Debian puts TrueType CJK fonts (fonts-wqy-microhei, fonts-wqy-zenhei, fonts-droid-fallback):
the fallback when the package above is not installed."""


_FONT_LOCK = threading.Lock()


def packaged_cjk_file() -> str | None:
    """Path of the pip-installed CJK font (`PACKAGED_CJK_FONT`), or None when it is not installed.
    Found without importing the package."""
    package, *rest = PACKAGED_CJK_FONT
    spec = importlib.util.find_spec(package)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    path = os.path.join(folders[0], *rest) if folders else ""
    return path if path and os.path.isfile(path) else None


def cjk_font_files() -> tuple[str, ...]:
    """TrueType CJK font files on this machine, ours first: the pip package's, then Debian's."""
    packaged = packaged_cjk_file()
    return tuple(p for p in ((packaged,) if packaged else ()) + TRUETYPE_CJK_FILES if os.path.isfile(p))


def register_cjk_fonts() -> set[str]:
    """Add each of `cjk_font_files()` that matplotlib does not list yet to its font manager
    (`fontManager.addfont`) and return the family names it then lists. matplotlib's font cache
    (in $MPLCONFIGDIR or ~/.cache/matplotlib) is built once, from the system font folders: it
    never holds a font inside site-packages, nor one installed after it was built."""
    manager = font_manager.fontManager
    with _FONT_LOCK:  # exports of several sessions at once add each file once
        listed = {os.path.realpath(f.fname) for f in manager.ttflist}
        for path in cjk_font_files():
            if os.path.realpath(path) not in listed:
                manager.addfont(path)
                listed.add(os.path.realpath(path))
        return {f.name for f in manager.ttflist}


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a font that draws Chinese (see CJK_FONTS), for PNGs, or None: an
    installed one, or the project's own (`register_cjk_fonts`)."""
    installed = register_cjk_fonts()
    return next((name for name in CJK_FONTS if name in installed), None)


def pdf_cjk_font() -> str | None:
    """The font for Chinese text in a PDF: a TrueType one (`TRUETYPE_CJK_FONTS`, the project's
    own first registered), else `cjk_font()`, else None."""
    installed = register_cjk_fonts()
    return next((name for name in TRUETYPE_CJK_FONTS if name in installed), None) or cjk_font()


def _rc(font: str | None) -> dict:
    family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    return {"font.family": "sans-serif", "font.sans-serif": family, "axes.unicode_minus": False,
            "lines.scale_dashes": False, "pdf.fonttype": 42, "text.parse_math": False}


# ---------------------------------------------------------------- geometry helpers

def _merc(lon: float, lat: float) -> tuple[float, float]:
    x = math.radians(lon) * 6378137.0
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6378137.0
    return x, y


def view_extent(bounds: Bounds, size_px: tuple[int, int]) -> Bounds:
    """The EPSG:3857 extent (x0, y0, x1, y1, metres) drawn for `bounds` (EPSG:4326) at `size_px`
    (width, height): the bounds' Mercator box grown about its centre to the image's aspect ratio."""
    minlon, minlat, maxlon, maxlat = bounds
    if not (-180 <= minlon < maxlon <= 180 and -85 < minlat < maxlat < 85):
        raise StaticMapError(f"bounds {bounds!r} must be (minlon, minlat, maxlon, maxlat) in EPSG:4326 with "
                             "min < max, lon within ±180 and lat within ±85")
    x0, y0 = _merc(minlon, minlat)
    x1, y1 = _merc(maxlon, maxlat)
    w, h = size_px
    cx, cy, dx, dy = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    if dx / dy < w / h:
        dx = dy * w / h
    else:
        dy = dx * h / w
    return cx - dx / 2, cy - dy / 2, cx + dx / 2, cy + dy / 2


def pixel_of(lon: float, lat: float, bounds: Bounds, size_px: tuple[int, int]) -> tuple[float, float]:
    """The (column, row) pixel position of lon/lat (EPSG:4326) in an image of `bounds` at `size_px`
    drawn edge to edge (`view_extent`); an exported slide's own extent is `RenderResult.extent`
    (then use `ui.exports.static_layout.pixel_in`)."""
    return pixel_in(lon, lat, view_extent(bounds, size_px), size_px)


def _rings_path(geom) -> MplPath:
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    paths = [MplPath(np.asarray(ring.coords)[:, :2], closed=True)
             for p in polys for ring in (p.exterior, *p.interiors)]
    return MplPath.make_compound_path(*paths)


def _line_parts(geom) -> list[np.ndarray]:
    parts = list(geom.geoms) if geom.geom_type.startswith("Multi") else [geom]
    return [np.asarray(g.coords)[:, :2] for g in parts]


def _in_view(gdf: gpd.GeoDataFrame | None, extent, what: str) -> gpd.GeoDataFrame | None:
    """Features of `gdf` (EPSG:4326) whose bounding box meets `extent`, projected to EPSG:3857."""
    if gdf is None or gdf.empty:
        return None
    require_wgs84(gdf, what)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    g = gdf.set_geometry(project(gdf.geometry, 3857))
    b = g.geometry.bounds
    x0, y0, x1, y1 = extent
    return g[(b["maxx"] >= x0) & (b["minx"] <= x1) & (b["maxy"] >= y0) & (b["miny"] <= y1)]


# ---------------------------------------------------------------- drawing

def _pt(px: float, dpi: int) -> float:
    return px * 72.0 / dpi


def _dash(dash: str | None, dpi: int, k: float):
    if not dash:
        return "solid"
    return (0, tuple(_pt(float(v) * k, dpi) for v in dash.split()))


def _draw_parks(ax, parks: gpd.GeoDataFrame, highlighted: set[str], lang: str, font: str | None, dpi: int,
                k: float, programmes: Catalogue) -> list[tuple[str, tuple[float, float], float]]:
    """Parks coloured by programme; highlighted ones larger, outlined dark and on top. Returns
    the highlighted parks' labels to place: (name, anchor x/y in EPSG:3857, lift in pixels)."""
    labels: list[tuple[str, tuple[float, float], float]] = []
    order = sorted(parks.index, key=lambda i: i in highlighted)  # highlighted on top
    for pid in order:
        row = parks.loc[pid]
        hi = pid in highlighted
        colour = programmes.colour(row["programme"])
        geom, z = row.geometry, (5 if hi else 3)
        if geom.geom_type == "Point":
            r = (14 if hi else 7) * k
            ax.plot([geom.x], [geom.y], "o", ms=_pt(2 * r, dpi), mfc=colour, mec=HIGHLIGHT_EDGE if hi else "white",
                    mew=_pt((3 if hi else 1.5) * k, dpi), alpha=1.0 if hi else 0.85, zorder=z + 1)
            anchor, dy = (geom.x, geom.y), r + 4 * k
        else:
            dashed = row.get("geometry_quality") == "schematic"
            ax.add_patch(PathPatch(_rings_path(geom), facecolor=to_rgba(colour, 0.45 if hi else 0.22),
                                   lw=0, zorder=z))
            ax.add_patch(PathPatch(_rings_path(geom), fill=False, edgecolor=HIGHLIGHT_EDGE if hi else colour,
                                   lw=_pt((4 if hi else 2) * k, dpi), zorder=z + 0.5,
                                   linestyle=_dash("6 4", dpi, k) if dashed else "solid"))
            anchor, dy = (geom.centroid.x, geom.bounds[3]), 4 * k  # label above the polygon
        if hi:
            name = row["name_zh"] if (lang == "zh" and font) else row["name_en"]
            labels.append((str(name), anchor, dy))
    return labels


def _draw_transport(ax, lines, nodes, dpi: int, k: float) -> None:
    if lines is not None:
        for _, row in lines.iterrows():
            st = line_style(row["mode"], row["line_ref"], row["status"])
            for xy in _line_parts(row.geometry):
                ax.plot(xy[:, 0], xy[:, 1], color=st["color"], lw=_pt(st["weight"] * k, dpi), alpha=st["opacity"],
                        linestyle=_dash(st["dashArray"], dpi, k), solid_capstyle="round", zorder=2)
    if nodes is not None:
        for _, row in nodes.iterrows():
            big = row["mode"] in ("hsr-station", "airport", "hub")
            ax.plot([row.geometry.x], [row.geometry.y], "s" if big else "o", ms=_pt((12 if big else 8) * k, dpi),
                    mfc="white", mec="#333333", mew=_pt(2 * k, dpi), zorder=4)


def _draw_facilities(ax, fac, dpi: int, k: float) -> None:
    for _, row in fac.iterrows():
        colour, geom = CATEGORY_COLOURS.get(row["category"], "#555555"), row.geometry
        if geom.geom_type == "Point":
            ax.plot([geom.x], [geom.y], "D", ms=_pt(8 * k, dpi), mfc=colour, mec="white", mew=_pt(k, dpi), zorder=4)
        elif "Polygon" in geom.geom_type:
            ax.add_patch(PathPatch(_rings_path(geom), facecolor=to_rgba(colour, 0.3),
                                   edgecolor=colour, lw=_pt(k, dpi), zorder=2))
        else:
            for xy in _line_parts(geom):
                ax.plot(xy[:, 0], xy[:, 1], color=colour, lw=_pt(3 * k, dpi), alpha=0.8, zorder=2)


def render_view_png(view: MapView, layers: RenderLayers, *, lang: str = "zh", tile_fetcher: TileFetcher | None = None,
                    size_px: tuple[int, int] = (1600, 1000), dpi: int = 160, pdf: bool = False) -> RenderResult:
    """Draw `view` of `layers` as a PNG of `size_px` (width, height) pixels, in EPSG:3857.

    Parks are coloured by programme (schematic polygons dashed, points as circles); highlighted
    parks are larger, outlined dark and labelled (in `lang`, "zh" or "en"). Transport lines follow
    `layers.transport.line_style`. `tile_fetcher` (z, x, y) -> bytes | None supplies basemap
    tiles; None means the light basemap over HTTP (`url_tile_fetcher`), `no_tiles` means offline.
    With no tiles the background is plain and the footer and `note` say the basemap is missing;
    with no CJK font, names are drawn in English and `note` says so. With `pdf`, the same drawing
    is also saved as a one-page PDF (`RenderResult.pdf`), its text in the TrueType CJK font.
    """
    if lang not in ("zh", "en"):
        raise StaticMapError(f"lang {lang!r} must be 'zh' or 'en'")
    w, h = size_px
    if w < 200 or h < 150:
        raise StaticMapError(f"size_px {size_px!r} is too small: at least 200 x 150 pixels")
    font = (pdf_cjk_font() if pdf else None) or cjk_font()
    notes: list[str] = []
    k = w / 1600  # pixel sizes below are for a 1600-px-wide image; k keeps their share of other sizes

    fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi, facecolor=BACKGROUND)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_facecolor(BACKGROUND)

    with matplotlib.rc_context(_rc(font)):
        fs = _pt(20 * k, dpi)  # body text: 20 px high on a 1600-px image
        text_ok = (lambda s: s) if font else (lambda s: "".join(c for c in s if not has_cjk(c)).strip())
        box = {"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": "#bbbbbb", "alpha": 0.92}
        caption = None
        if view.title or view.caption:
            parts = [text_ok(view.title)] * bool(view.title) + wrap(text_ok(view.caption), 60) * bool(view.caption)
            pad_px = 2 * 0.5 * fs * 1.15 * dpi / 72  # the box's padding, both sides
            lines = wrap_to_width(fig, parts, fs * 1.15, w * 0.95 - pad_px)  # never wider than the page
            caption = ax.text(0.015, 0.975, "\n".join(lines), transform=ax.transAxes,
                              ha="left", va="top", fontsize=fs * 1.15, bbox=box, zorder=11, linespacing=1.4)
        caption_px = box_of(caption, fig) if caption is not None else None
        # The bottom band (footer, scale bar, legend) measured as it will be at its largest, then
        # the view fitted into what the caption and the band leave free (issue 15).
        subject = _in_view(layers.parks, view_extent(view.bounds, size_px), "parks")
        band = bottom_band(ax, fig, subject, lang, font, fs, text_ok, h, dpi, layers.programmes)
        extent = view_extent_in(view.bounds, size_px, free_rect(size_px, caption_px, band, 60 * k))

        fetcher = tile_fetcher if tile_fetcher is not None else url_tile_fetcher()
        mosaic = mosaic_of(extent, w, fetcher, BASEMAP.get("max_zoom", 18))
        if mosaic is not None:
            img, (left, right, bottom, top) = mosaic
            ax.imshow(np.asarray(img), extent=(left, right, bottom, top), interpolation="bilinear", zorder=0)
        else:
            notes.append(basemap_note(lang, font))
        if not font:
            notes.append(NO_CJK_NOTE)

        parks = _in_view(layers.parks, extent, "parks")
        missing = set(view.highlighted) - set(layers.parks.index)
        if missing:
            raise StaticMapError(f"highlighted park id(s) {sorted(missing)} are not in layers.parks")
        labels = (_draw_parks(ax, parks, set(view.highlighted), lang, font, dpi, k, layers.programmes)
                  if parks is not None else [])
        _draw_transport(ax, _in_view(layers.lines, extent, "transport lines"),
                        _in_view(layers.nodes, extent, "transport nodes"), dpi, k)
        fac = _in_view(layers.facilities, extent, "facilities")
        if fac is not None:
            _draw_facilities(ax, fac, dpi, k)
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect("auto")

        footer_text = footer_lines(fig, parks, mosaic is not None, notes, text_ok, fs, layers.programmes, lang)
        footer = ax.text(0.5, 0.012, "\n".join(footer_text), transform=ax.transAxes, ha="center", va="bottom",
                         fontsize=fs * 0.8, color="#333333", bbox={**box, "boxstyle": "square,pad=0.35"}, zorder=11)
        above = above_footer(len(footer_text), fs, h, dpi)  # axes fraction
        draw_scale_bar(ax, extent, fs, above)
        bold = bold_weight(font)
        ax.annotate("N\n▲", (0.975, 0.96), xycoords="axes fraction", ha="center", va="top", fontsize=fs * 1.2,
                    fontweight=bold, zorder=10)
        legend = (draw_legend(ax, parks, lang, font, fs, above, layers.programmes)
                  if parks is not None and not parks.empty else None)

        m_per_px = (extent[3] - extent[1]) / h
        halo = [patheffects.withStroke(linewidth=_pt(4 * k, dpi), foreground="white")]
        texts = [ax.text(x, y + lift * m_per_px, name, ha="center", va="bottom", fontsize=_pt(22 * k, dpi),
                         fontweight=bold, color=HIGHLIGHT_EDGE, path_effects=halo, zorder=9)
                 for name, (x, y), lift in labels]
        place_labels(ax, texts, [xy for _, xy, _ in labels],
                     [a for a in (caption, footer, legend) if a is not None])
        label_px = tuple(box_of(t, fig) for t in texts)

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor=BACKGROUND, metadata={
            "Software": "ParkAtlas", "parkatlas:extent_epsg3857": " ".join(f"{v:.3f}" for v in extent),
            "parkatlas:caption_px": " ".join(f"{v:.1f}" for v in caption_px) if caption_px else ""})
        page = None
        if pdf:
            out = io.BytesIO()
            fig.savefig(out, format="pdf", dpi=dpi, facecolor=BACKGROUND,
                        metadata={"Title": text_ok(view.title or ""), "Creator": "ParkAtlas"})
            page = out.getvalue()
    return RenderResult(png=buf.getvalue(), basemap=mosaic is not None, note="; ".join(notes), notes=tuple(notes),
                        extent=extent, caption_px=caption_px, label_px=label_px, pdf=page)


# ---------------------------------------------------------------- PDFs
