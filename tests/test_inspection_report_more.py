"""The inspection report's outline version (the version that brought the outline in), its map on
a basemap or without one (said on the page), a whole plan's reports in one bookmarked PDF, and the
History panel's side-by-side figures (issue 25)."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime, timezone

import geopandas as gpd
import pandas as pd
import pytest
from PIL import Image
from shapely.geometry import box

from layers.inspection.report import LayerUsed, ReportData, ReportLine, outline_version, report_data
from tests.test_inspection_report import all_fonts_embedded, pdf_text

OUTLINE = box(113.36, 23.09, 113.37, 23.10)
MOVED = box(113.37, 23.09, 113.38, 23.10)
WHEN = [datetime(2026, m, 1, tzinfo=timezone.utc) for m in range(1, 6)]


def history(geometries, ops=None):
    n = len(geometries)
    return pd.DataFrame({"version": list(range(1, n + 1)), "op": ops or ["update"] * n,
                         "author": [f"officer{k}" for k in range(1, n + 1)], "reason": [f"r{k}" for k in range(1, n + 1)],
                         "evidence": [f"e{k}" for k in range(1, n + 1)], "geometry": geometries, "time": WHEN[:n]})


def test_the_outline_version_is_the_one_that_brought_the_outline_in():
    # v1 point-less seed, v2 drew the outline, v3 renamed the park (same outline)
    hist = history([None, OUTLINE, box(*OUTLINE.bounds)])
    outline, latest = outline_version(hist)
    assert int(outline["version"]) == 2 and int(latest["version"]) == 3
    data = report_data("p1", pd.Series({"name_zh": "园"}), pd.DataFrame(columns=["check", "kind"]), hist)
    assert (data.outline_version, data.outline_author, data.outline_evidence) == (2, "officer2", "e2")
    assert data.outline_time == "2026-02-01 00:00 UTC" and data.record_version == 3


def test_a_restore_makes_the_outline_its_own_and_no_history_names_none():
    hist = history([OUTLINE, MOVED, OUTLINE], ops=["create", "update", "restore"])
    outline, latest = outline_version(hist)
    assert int(outline["version"]) == 3 and outline["op"] == "restore"
    data = report_data("p1", pd.Series({"name_zh": "园"}), pd.DataFrame(columns=["check", "kind"]), hist)
    assert data.outline_version == 3 and data.record_version is None
    assert outline_version(None) == (None, None) and outline_version(hist.iloc[0:0]) == (None, None)


def report(lines=()) -> ReportData:
    return ReportData("p1", "测试园", "Test park", "某规划", 1e6, 4, "测试员", "2026-03-02 09:30 UTC", "redrawn",
                      "红线图", "digitised", list(lines), "2026-12-04 10:00 UTC",
                      [LayerUsed("farmland", "永久基本农田", "avoid", 100.0, "7", "2025-12-31")], record_version=6)


def make_pdf(tile_fetcher, data=None):
    from ui.exports.inspection_report import MapLayer, inspection_pdf

    strip = box(113.36, 23.09, 113.365, 23.10)
    conflicts = gpd.GeoDataFrame({"colour": ["#e6ab02"]}, geometry=[strip], crs=4326)
    layer = MapLayer("farmland", gpd.GeoDataFrame(geometry=[strip], crs=4326), "#e6ab02")
    line = ReportLine("永久基本农田", "constraint", "avoid", 5e5, 50.0, 750.0, 0.5, "conflict", "geodesic")
    return inspection_pdf(data or report([line]), OUTLINE, [layer], conflicts, lambda k, **v: k,
                          lambda ln: ln.check, lambda v: v.upper(), tile_fetcher=tile_fetcher)


def images(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "img.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["/usr/bin/pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    return len(listing.stdout.splitlines()) - 2


def test_the_map_lies_on_the_basemap_when_its_tiles_come(tmp_path):
    asked = []

    def tiles(z, x, y):
        asked.append((z, x, y))
        buf = io.BytesIO()
        Image.new("RGB", (256, 256), (200, 210, 220)).save(buf, format="PNG")
        return buf.getvalue()

    pdf = make_pdf(tiles)
    text, fonts = pdf_text(pdf, tmp_path)
    squashed = "".join(text.split())
    assert asked and images(pdf, tmp_path) >= 1
    assert "Esri" in text and "rep_no_basemap" not in text
    assert "rep_version4(rep_record_version6)" in squashed  # the outline's version and the record's
    assert " m" in text or " km" in text  # the scale bar
    assert all_fonts_embedded(fonts), fonts


def test_offline_the_vector_layers_are_drawn_alone_and_the_page_says_so(tmp_path):
    from ui.exports.inspection_report import LatchingFetcher
    from ui.exports.static_tiles import no_tiles

    calls = []

    def counting(z, x, y):
        calls.append(1)
        return no_tiles(z, x, y)

    latch = LatchingFetcher(counting)
    first, second = make_pdf(latch), make_pdf(latch)
    assert len(calls) == 1  # the second report did not ask again
    for pdf in (first, second):
        text, _ = pdf_text(pdf, tmp_path)
        assert "rep_no_basemap" in text and "Esri" not in text and images(pdf, tmp_path) == 0
        assert "CONFLICT" in text and "50.00ha" in "".join(text.split())
    text, _ = pdf_text(make_pdf(None), tmp_path)  # no basemap asked for: no note either
    assert "rep_no_basemap" not in text


def test_a_plans_reports_in_one_bookmarked_pdf(tmp_path):
    from pypdf import PdfReader

    from ui.exports.inspection_report import combined_pdf

    pdf = combined_pdf([make_pdf(None), make_pdf(None)], "某规划 检查报告")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2 and reader.metadata.title == "某规划 检查报告"
    assert [m.title for m in reader.outline] == ["1. rep_title: 测试园 · Test park", "2. rep_title: 测试园 · Test park"]
    _, fonts = pdf_text(pdf, tmp_path)
    assert all_fonts_embedded(fonts), fonts
    with pytest.raises(ValueError, match="at least one report"):
        combined_pdf([], "x")


def test_side_by_side_carries_each_versions_share_and_formats_each_kind():
    from geo.constraints import prepare_constraint
    from layers.constraints import ConstraintCheck, kind_by_name
    from layers.inspection.versions import side_by_side, version_rows
    from ui.panels.history_panel import side_delta, side_html, side_value

    layer = prepare_constraint(gpd.GeoSeries([box(113.30, 23.00, 113.31, 23.02)], crs=4326), name="farmland",
                               extent=box(113.28, 22.99, 113.34, 23.03))
    check = ConstraintCheck(kind_by_name("永久基本农田"), layer)
    half = box(113.305, 23.00, 113.315, 23.01)  # half on the farmland
    quarter = box(113.3075, 23.00, 113.3175, 23.01)  # a quarter on it
    parcels = gpd.GeoDataFrame({"code": ["G1", "M1"]}, geometry=[box(113.30, 23.00, 113.31, 23.01),
                                                                box(113.31, 23.00, 113.32, 23.01)], crs=4326)
    rows = version_rows({"programme": "gz-value-innovation", "kind": "park"}, {"v1": half, "v2": quarter},
                        [check], parcels)
    table = side_by_side(rows, "v1", "v2")
    farm = table.iloc[0]
    assert farm["verdict_a"] == farm["verdict_b"] == "conflict" and not farm["verdict_changed"]
    assert farm["share_a"] == pytest.approx(0.5, rel=1e-3) and farm["share_b"] == pytest.approx(0.25, rel=1e-3)
    assert farm["delta"] == pytest.approx(-farm["value_a"] / 2, rel=1e-3)
    green = table[table["check"] == "green_ratio"].iloc[0]
    assert green["value_a"] == pytest.approx(0.5, rel=1e-3) and green["value_b"] == pytest.approx(0.25, rel=1e-3)
    shown = side_html(table, 1, 2, "en")
    first = shown.split("<tr>")[2]  # the farmland's row
    assert "Permanent basic farmland" in first and "50.0 %)" in first and "25.0 %)" in first
    assert "verdict-changed" not in first and "<span class='delta'>-" in first
    hostile = table.iloc[:1].assign(check="<img src=x onerror=alert(1)>")
    assert "<img" not in side_html(hostile, 1, 2, "zh") and "&lt;img" in side_html(hostile, 1, 2, "zh")
    assert side_value(1.5, 1.5, "indicator", "far") == "1.50" and side_delta(-0.25, "indicator", "far") == "-0.25"
    assert side_value(0.2, 0.2, "indicator", "green_ratio") == "20.0 %"
    assert side_delta(-0.05, "indicator", "green_ratio") == "-5.0 pp"
    assert side_value(None, None, "constraint", "x") == "—" and side_delta(None, "constraint", "x") == "—"
    assert side_value(12_345.0, 0.1, "constraint", "x") == "12,345 m² (1.23 ha, 10.0 %)"
