"""The inspection report of one park as an A4 PDF with real text (issue 25).

The first page: the title (park, plan), a map of the outline over the land-use parcels (filled by
use) and the constraint layers around it, the conflicting parts hatched, on the light basemap when
its tiles can be had (`ui.exports.static_tiles`; offline, as in tests, the vector layers alone and
a note saying so); then the table of checks and indicators (rule, area in m²/ha/亩, share, verdict,
how computed), continued on further pages rather than cut, the layers used (rule, tolerance,
revision, as-of), the outline inspected (version, author, date, reason, evidence) and how every
figure was computed (geodesic, WGS84). The map is drawn in EPSG:3857 (the tiles' CRS; every
figure is computed geodesically elsewhere, never measured on it). Drawn with matplotlib; text
stays text (`pdf.fonttype` 42) in the TrueType CJK font the app ships
(`ui.exports.static_map.pdf_cjk_font`), embedded in the PDF. `combined_pdf` joins several
reports (a whole plan's) into one file.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib.backends.backend_pdf import FigureCanvasPdf, PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from layers.inspection.report import ReportData, ReportLine
from ui.exports.static_map import _rc, pdf_cjk_font, wrap
from ui.exports.static_tiles import BASEMAP, TileFetcher, mosaic

A4_PORTRAIT_IN = (8.27, 11.69)
MAP_MARGIN = 0.25
"""How much of the outline's extent the map shows around it (a share of its size)."""
MAP_CRS = 3857
"""The CRS the report's map is drawn in (Web Mercator, the basemap tiles' own)."""
MAP_WIDTH_PX = 1000
"""The map's width in pixels when choosing the basemap tiles' zoom."""


@dataclass(frozen=True)
class MapLayer:
    """A constraint layer on the report's map: its name, polygons (EPSG:4326) and colour."""

    name: str
    gdf: gpd.GeoDataFrame
    colour: str


class LatchingFetcher:
    """A TileFetcher that stops asking after the first tile it cannot have: one report of a whole
    plan then waits for the network once, not once per park."""

    def __init__(self, fetcher: TileFetcher) -> None:
        self.fetcher = fetcher
        self.failed = False

    def __call__(self, z: int, x: int, y: int) -> bytes | None:
        if self.failed:
            return None
        tile = self.fetcher(z, x, y)
        self.failed = tile is None
        return tile


def _projected(gdf: gpd.GeoSeries | gpd.GeoDataFrame):
    return gdf.to_crs(MAP_CRS)


def _scale_bar(ax, window: shapely.Geometry, lat: float) -> None:
    """A scale bar in ground metres (EPSG:3857 units shrunk by cos(latitude)) at the lower left."""
    x0, y0, x1, y1 = window.bounds
    ground = (x1 - x0) * math.cos(math.radians(lat))  # metres across the map on the ground
    target = ground / 5
    step = 10 ** math.floor(math.log10(target))
    metres = max(m * step for m in (1, 2, 5) if m * step <= target)
    length = metres / math.cos(math.radians(lat))
    left, base = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.04
    ax.plot([left, left + length], [base, base], color="black", linewidth=2, solid_capstyle="butt", zorder=6)
    text = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    ax.text(left + length / 2, base + (y1 - y0) * 0.015, text, ha="center", va="bottom", fontsize=6.5, zorder=6)


def _draw_map(ax, outline: shapely.Geometry | None, layers: Sequence[MapLayer], conflicts: gpd.GeoDataFrame,
              no_outline: str, landuse: gpd.GeoDataFrame | None = None,
              tile_fetcher: TileFetcher | None = None) -> tuple[list[str], bool]:
    """The outline over the basemap (when `tile_fetcher` gives its tiles), land use and the
    constraint layers, conflicts hatched, with a scale bar; returns (the land-use groups drawn,
    whether the basemap was drawn)."""
    ax.set_axis_off()
    if outline is None or outline.is_empty or outline.geom_type not in ("Polygon", "MultiPolygon"):
        ax.text(0.5, 0.5, no_outline, ha="center", va="center", transform=ax.transAxes, fontsize=10, color="#555555")
        return [], False
    shape = _projected(gpd.GeoSeries([outline], crs=4326))
    minx, miny, maxx, maxy = shape.total_bounds
    pad = max(maxx - minx, maxy - miny) * MAP_MARGIN
    window = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    tiles = mosaic(window.bounds, MAP_WIDTH_PX, tile_fetcher, BASEMAP.get("max_zoom", 18)) if tile_fetcher else None
    if tiles is not None:
        img, extent = tiles
        ax.imshow(np.asarray(img), extent=extent, interpolation="bilinear", zorder=0)
    drew_landuse = _draw_landuse(ax, landuse, window)
    for layer in layers:
        near = _projected(layer.gdf[layer.gdf.geometry.notna()])
        near = near[near.intersects(window)]
        if not near.empty:
            near.clip(window).plot(ax=ax, color=layer.colour, alpha=0.35, edgecolor=layer.colour, linewidth=0.6)
    if not conflicts.empty:
        for colour, part in conflicts.groupby("colour"):
            _projected(part).plot(ax=ax, facecolor="none", edgecolor=str(colour), hatch="////", linewidth=0.8)
    shape.plot(ax=ax, facecolor="none", edgecolor="black", linewidth=1.4)
    ax.set_xlim(window.bounds[0], window.bounds[2])
    ax.set_ylim(window.bounds[1], window.bounds[3])
    ax.set_aspect("equal")
    _scale_bar(ax, window, outline.centroid.y)
    return drew_landuse, tiles is not None


def _area(line: ReportLine) -> str:
    if line.area_m2 is None:
        return "—"
    return f"{line.area_m2:,.0f} m² · {line.area_ha:,.2f} ha · {line.area_mu:,.1f} 亩"


def _share(line: ReportLine) -> str:
    if line.share is None:
        return "—"
    return f"{line.share:.2f}" if line.check == "far" else f"{line.share * 100:.1f} %"


LANDUSE_COLOURS: dict[str, str] = {
    "residential": "#ffd966", "industrial": "#a0785a", "green": "#66bd63", "public_service": "#f4a3c0",
    "road": "#bdbdbd",
}
"""Land-use group (`data/landuse_codes.csv`) -> its fill on the report's map (the conventional
hues of Chinese land-use plans: R yellow, M brown, G green, A/B pink, S grey); other codes light grey."""
LANDUSE_OTHER = "#e5e5e5"


def _draw_landuse(ax, parcels: gpd.GeoDataFrame | None, window: shapely.Geometry) -> list[str]:
    """The land-use parcels inside `window` (EPSG:3857), filled by group; the groups drawn
    ("other" for codes of no group), in LANDUSE_COLOURS' order."""
    if parcels is None or parcels.empty or "code" not in parcels.columns:
        return []
    x0, y0, x1, y1 = gpd.GeoSeries([window], crs=MAP_CRS).to_crs(4326).total_bounds
    near = parcels[parcels.geometry.notna()].cx[x0:x1, y0:y1]  # only the parcels near the park are projected
    near = _projected(near[["code", near.geometry.name]])
    near = near[near.intersects(window)]
    if near.empty:
        return []
    from layers.inspection.indicators import group_of

    groups = [g if (g := group_of(code) or "") in LANDUSE_COLOURS else "other" for code in near["code"]]
    colours = [LANDUSE_COLOURS.get(g, LANDUSE_OTHER) for g in groups]
    near.clip(window).plot(ax=ax, color=colours, edgecolor="white", linewidth=0.3, alpha=0.9)
    return [g for g in (*LANDUSE_COLOURS, "other") if g in groups]


def _bold_weight(font: str | None) -> str:
    """"bold" when `font` (None: DejaVu Sans) is installed with a bold face, else "normal": no
    faked bold, and no findfont warning per heading (the CJK font the app ships has no bold)."""
    from matplotlib import font_manager

    name = font or "DejaVu Sans"
    faces = font_manager.fontManager.ttflist
    return "bold" if any(f.name == name and f.weight in ("bold", 700, "700") for f in faces) else "normal"


class _Pages:
    """A4 pages filled top to bottom: `need(h)` starts a new page when `h` does not fit."""

    TOP, BOTTOM = 0.965, 0.05

    def __init__(self, heading: str) -> None:
        self.figures: list[Figure] = []
        self.heading = heading
        self.fig = self._new()
        self.y = self.TOP

    def _new(self) -> Figure:
        fig = Figure(figsize=A4_PORTRAIT_IN)
        FigureCanvasPdf(fig)
        self.figures.append(fig)
        return fig

    def need(self, height: float) -> None:
        if self.y - height < self.BOTTOM:
            self.fig = self._new()
            self.y = self.TOP
            self.text(0.06, self.heading, fontsize=8, color="#444444")
            self.y -= 0.02

    def text(self, x: float, text: str, **kw) -> None:
        self.fig.text(x, self.y, text, va="top", **kw)


def inspection_pdf(data: ReportData, outline: shapely.Geometry | None, layers: Sequence[MapLayer],
                   conflicts: gpd.GeoDataFrame, label: Callable[..., str],
                   check_name: Callable[[ReportLine], str], verdict_name: Callable[[str], str],
                   landuse: gpd.GeoDataFrame | None = None, tile_fetcher: TileFetcher | None = None) -> bytes:
    """The report as PDF bytes (A4, as many pages as its checks need: none is left out).

    `label(key, **values)` gives the page's words in its language (already plain text),
    `check_name` and `verdict_name` name checks and verdicts in it; `conflicts` are the park's
    conflicting parts (EPSG:4326) with a `colour` column; `landuse` the land-use parcels
    (EPSG:4326, a `code` column) drawn under the constraint layers, None for none;
    `tile_fetcher` the basemap's tiles (None: no basemap asked for; when it gives none, the map
    says so under it)."""
    font = pdf_cjk_font()
    bold = _bold_weight(font)
    with matplotlib.rc_context(_rc(font)):
        title = f"{label('rep_title')}: {data.name_zh}" + (f" · {data.name_en}" if data.name_en and data.name_en != data.name_zh else "")
        page = _Pages(f"{title} {label('rep_continued')}")
        for text in wrap(title, 70):
            page.text(0.06, text, fontsize=13, weight=bold)
            page.y -= 0.022
        sub = " · ".join(p for p in (data.plan, data.park_id, f"{label('rep_made')} {data.made_at}") if p)
        page.text(0.06, sub, fontsize=8, color="#444444")
        page.y -= 0.02
        ax = page.fig.add_axes((0.06, page.y - 0.36, 0.88, 0.35))
        drew_landuse, basemap = _draw_map(ax, outline, layers, conflicts, label("rep_no_outline"), landuse,
                                          tile_fetcher)
        page.y -= 0.36
        outlined = outline is not None and not outline.is_empty
        if basemap:
            page.text(0.94, BASEMAP.get("attribution", ""), fontsize=5.5, color="#666666", ha="right")
        elif tile_fetcher is not None and outlined:
            page.text(0.94, label("rep_no_basemap"), fontsize=6, color="#666666", ha="right")
        page.y -= 0.015
        handles = [Patch(facecolor=layer.colour, edgecolor=layer.colour, alpha=0.35, label=layer.name) for layer in layers]
        handles += [Patch(facecolor=LANDUSE_COLOURS.get(g, LANDUSE_OTHER), edgecolor="white",
                          label=f"{label('rep_landuse')}: {label('rep_lu_' + g)}") for g in drew_landuse]
        if outlined:
            handles += [Patch(facecolor="none", edgecolor="#333333", hatch="////", label=label("rep_conflict_part")),
                        Patch(facecolor="none", edgecolor="black", linewidth=1.4, label=label("rep_outline_line"))]
        if handles:
            rows = -(-len(handles) // 3)
            page.fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.06, page.y), ncol=3, fontsize=7,
                            frameon=False, title=label("rep_legend"), title_fontsize=7.5, alignment="left",
                            handlelength=1.6, columnspacing=1.2)
            page.y -= 0.02 + 0.0165 * rows
        page.y -= 0.006
        page.text(0.06, label("rep_checks"), fontsize=10, weight=bold)
        page.y -= 0.02
        header = (label("rep_col_check"), label("rep_col_rule"), label("rep_col_area"), label("rep_col_share"),
                  label("rep_col_verdict"))
        xs = (0.06, 0.25, 0.43, 0.74, 0.84)

        def draw_header() -> None:
            for x, h in zip(xs, header):
                page.text(x, h, fontsize=7.5, weight=bold)
            page.y -= 0.016

        draw_header()
        for n, line in enumerate(data.lines):
            cells = (check_name(line), line.rule or "—", _area(line), _share(line), verdict_name(line.verdict))
            widths = (22, 22, 38, 10, 18)
            wrapped = [wrap(c, w) for c, w in zip(cells, widths)]
            last_of_its_method = n + 1 == len(data.lines) or data.lines[n + 1].method != line.method
            # a method shared by consecutive lines (every land-use indicator) is said once, under the last
            method = wrap(f"{label('rep_method')}: {line.method}", 130)[:3] if last_of_its_method else []
            height = 0.012 * max(len(w) for w in wrapped) + 0.008 + 0.010 * len(method)
            before = len(page.figures)
            page.need(height)
            if len(page.figures) > before:
                draw_header()
            for x, cell in zip(xs, wrapped):
                for k, text in enumerate(cell):
                    page.fig.text(x, page.y - k * 0.012, text, fontsize=7, va="top")
            page.y -= 0.012 * max(len(w) for w in wrapped) + 0.004
            for text in method:
                page.text(0.08, text, fontsize=6, color="#555555")
                page.y -= 0.010
            page.y -= 0.004
        if not data.lines:
            page.text(0.06, label("rep_no_checks"), fontsize=8, color="#555555")
            page.y -= 0.02
        page.y -= 0.008
        page.need(0.016 + 0.011 * max(1, len(data.layers)))
        page.text(0.06, label("rep_layers"), fontsize=9, weight=bold)
        page.y -= 0.016
        for used in data.layers:
            facts = [f"{used.name} ({used.used_as})"]
            if used.rule:
                facts.append(f"{label('rep_layer_rule')} {used.rule}")
            if used.tolerance_m2 is not None:
                facts.append(f"{label('rep_layer_tol')} {used.tolerance_m2:g} m²")
            facts.append(f"{label('rep_revision')} {used.revision or '—'}")
            facts.append(f"{label('rep_as_of')} {used.as_of or '—'}")
            for text in wrap(" · ".join(facts), 130)[:3]:
                page.need(0.011)
                page.text(0.06, text, fontsize=6.5)
                page.y -= 0.011
        if not data.layers:
            page.text(0.06, "—", fontsize=6.5)
            page.y -= 0.011
        page.y -= 0.008
        if data.outline_version is None:
            facts = [label("rep_no_outline")]
        else:
            record = (f" ({label('rep_record_version')} {data.record_version})"
                      if data.record_version is not None else "")
            facts = [f"{label('rep_version')} {data.outline_version}{record} · {data.outline_author or '—'} · "
                     f"{data.outline_time or '—'} · {data.outline_quality or '—'}",
                     f"{label('rep_reason')}: {data.outline_reason or '—'}",
                     f"{label('rep_evidence')}: {data.outline_evidence or '—'}"]
        facts.append(f"{label('rep_method')}: {label('rep_how')}")
        wrapped_facts = [wrap(fact, 130)[:3] for fact in facts]
        page.need(0.016 + 0.011 * sum(len(w) for w in wrapped_facts))
        page.text(0.06, label("rep_outline"), fontsize=9, weight=bold)
        page.y -= 0.016
        for lines in wrapped_facts:
            for text in lines:
                page.text(0.06, text, fontsize=6.5)
                page.y -= 0.011
        total = len(page.figures)
        buf = io.BytesIO()
        with PdfPages(buf, metadata={"Title": title, "Creator": "ParkAtlas"}) as pdf:
            for n, fig in enumerate(page.figures, start=1):
                if total > 1:
                    fig.text(0.94, 0.025, label("rep_page", n=n, total=total), fontsize=6.5, ha="right",
                             color="#666666")
                pdf.savefig(fig)
    return buf.getvalue()


def combined_pdf(reports: Sequence[bytes], title: str) -> bytes:
    """One PDF of several reports (each `inspection_pdf`'s bytes), in order, each report's first
    page bookmarked with its title; `title` is the document's. ValueError for no report."""
    from pypdf import PdfReader, PdfWriter

    if not reports:
        raise ValueError("combined_pdf needs at least one report; got none")
    writer = PdfWriter()
    for n, report in enumerate(reports, start=1):
        reader = PdfReader(io.BytesIO(report))
        first = len(writer.pages)
        for pdf_page in reader.pages:
            writer.add_page(pdf_page)
        heading = reader.metadata.title if reader.metadata is not None else None
        writer.add_outline_item(title=f"{n}. {heading}" if heading else str(n), page_number=first)
    writer.add_metadata({"/Title": title, "/Creator": "ParkAtlas"})
    writer.page_mode = "/UseOutlines"
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
