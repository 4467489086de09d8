"""The inspection report of one park as an A4 PDF with real text (issue 25).

Page: the title (park, plan), a map of the outline with the constraint layers around it and the
conflicting parts hatched (vector shapes only: no basemap, so it draws offline and prints
cleanly), the table of checks and indicators with their verdicts, the outline inspected
(version, author, date, reason, evidence) and how every figure was computed. Drawn with
matplotlib; text stays text (`pdf.fonttype` 42) in the TrueType CJK font the app ships
(`ui.exports.static_map.pdf_cjk_font`), embedded in the PDF.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import matplotlib
import shapely
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure

from layers.inspection.report import ReportData, ReportLine
from ui.exports.static_map import _rc, pdf_cjk_font, wrap

A4_PORTRAIT_IN = (8.27, 11.69)
MAP_MARGIN = 0.25
"""How much of the outline's extent the map shows around it (a share of its size)."""


@dataclass(frozen=True)
class MapLayer:
    """A constraint layer on the report's map: its name, polygons (EPSG:4326) and colour."""

    name: str
    gdf: gpd.GeoDataFrame
    colour: str


def _metres(gdf: gpd.GeoSeries | gpd.GeoDataFrame):
    return gdf.to_crs(4547)


def _draw_map(ax, outline: shapely.Geometry | None, layers: Sequence[MapLayer], conflicts: gpd.GeoDataFrame,
              no_outline: str) -> None:
    ax.set_axis_off()
    if outline is None or outline.is_empty or outline.geom_type not in ("Polygon", "MultiPolygon"):
        ax.text(0.5, 0.5, no_outline, ha="center", va="center", transform=ax.transAxes, fontsize=10, color="#555555")
        return
    shape = _metres(gpd.GeoSeries([outline], crs=4326))
    minx, miny, maxx, maxy = shape.total_bounds
    pad = max(maxx - minx, maxy - miny) * MAP_MARGIN
    window = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    for layer in layers:
        near = _metres(layer.gdf[layer.gdf.geometry.notna()])
        near = near[near.intersects(window)]
        if not near.empty:
            near.clip(window).plot(ax=ax, color=layer.colour, alpha=0.35, edgecolor=layer.colour, linewidth=0.6)
    if not conflicts.empty:
        for colour, part in conflicts.groupby("colour"):
            _metres(part).plot(ax=ax, facecolor="none", edgecolor=str(colour), hatch="////", linewidth=0.8)
    shape.plot(ax=ax, facecolor="none", edgecolor="black", linewidth=1.4)
    ax.set_xlim(window.bounds[0], window.bounds[2])
    ax.set_ylim(window.bounds[1], window.bounds[3])
    ax.set_aspect("equal")


def _area(line: ReportLine) -> str:
    if line.area_m2 is None:
        return "—"
    return f"{line.area_m2:,.0f} m² · {line.area_ha:,.2f} ha · {line.area_mu:,.1f} 亩"


def _share(line: ReportLine) -> str:
    if line.share is None:
        return "—"
    return f"{line.share:.2f}" if line.check == "far" else f"{line.share * 100:.1f} %"


def inspection_pdf(data: ReportData, outline: shapely.Geometry | None, layers: Sequence[MapLayer],
                   conflicts: gpd.GeoDataFrame, label: Callable[[str], str],
                   check_name: Callable[[ReportLine], str], verdict_name: Callable[[str], str]) -> bytes:
    """The report as PDF bytes. `label(key)` gives the page's words in its language (already
    plain text), `check_name` and `verdict_name` name checks and verdicts in it; `conflicts` are
    the park's conflicting parts (EPSG:4326) with a `colour` column."""
    font = pdf_cjk_font()
    with matplotlib.rc_context(_rc(font)):
        fig = Figure(figsize=A4_PORTRAIT_IN)
        FigureCanvasPdf(fig)
        y = 0.965
        title = f"{label('rep_title')}: {data.name_zh}" + (f" · {data.name_en}" if data.name_en and data.name_en != data.name_zh else "")
        for text in wrap(title, 70):
            fig.text(0.06, y, text, fontsize=13, weight="bold", va="top")
            y -= 0.022
        sub = " · ".join(p for p in (data.plan, data.park_id, f"{label('rep_made')} {data.made_at}") if p)
        fig.text(0.06, y, sub, fontsize=8, color="#444444", va="top")
        y -= 0.02
        ax = fig.add_axes((0.06, y - 0.36, 0.88, 0.35))
        _draw_map(ax, outline, layers, conflicts, label("rep_no_outline"))
        y -= 0.375
        legend = "  ".join(f"■ {layer.name}" for layer in layers)
        if legend:
            for text in wrap(f"{label('rep_legend')}: {legend}; {label('rep_hatched')}", 120):
                fig.text(0.06, y, text, fontsize=7, color="#333333", va="top")
                y -= 0.014
        y -= 0.006
        fig.text(0.06, y, label("rep_checks"), fontsize=10, weight="bold", va="top")
        y -= 0.02
        header = (label("rep_col_check"), label("rep_col_rule"), label("rep_col_area"), label("rep_col_share"),
                  label("rep_col_verdict"))
        xs = (0.06, 0.25, 0.43, 0.74, 0.84)
        for x, h in zip(xs, header):
            fig.text(x, y, h, fontsize=7.5, weight="bold", va="top")
        y -= 0.016
        for line in data.lines or []:
            cells = (check_name(line), line.rule or "—", _area(line), _share(line), verdict_name(line.verdict))
            widths = (22, 22, 38, 10, 18)
            wrapped = [wrap(c, w) for c, w in zip(cells, widths)]
            for x, lines in zip(xs, wrapped):
                for k, text in enumerate(lines):
                    fig.text(x, y - k * 0.012, text, fontsize=7, va="top")
            y -= 0.012 * max(len(w) for w in wrapped) + 0.004
            for text in wrap(f"{label('rep_method')}: {line.method}", 130)[:3]:
                fig.text(0.08, y, text, fontsize=6, color="#555555", va="top")
                y -= 0.010
            y -= 0.004
            if y < 0.17:
                break
        if not data.lines:
            fig.text(0.06, y, label("rep_no_checks"), fontsize=8, color="#555555", va="top")
            y -= 0.02
        y = min(y, 0.16)
        fig.text(0.06, y, label("rep_outline"), fontsize=9, weight="bold", va="top")
        y -= 0.016
        if data.outline_version is None:
            facts = [label("rep_no_outline")]
        else:
            facts = [f"{label('rep_version')} {data.outline_version} · {data.outline_author or '—'} · "
                     f"{data.outline_time or '—'} · {data.outline_quality or '—'}",
                     f"{label('rep_reason')}: {data.outline_reason or '—'}",
                     f"{label('rep_evidence')}: {data.outline_evidence or '—'}"]
        facts.append(label("rep_how"))
        for fact in facts:
            for text in wrap(fact, 130)[:3]:
                fig.text(0.06, y, text, fontsize=6.5, va="top")
                y -= 0.011
        fig.set_label(title)
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf", metadata={"Title": title, "Creator": "ParkAtlas"})
    return buf.getvalue()
