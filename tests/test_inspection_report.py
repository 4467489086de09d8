"""The inspection report (issue 25): its data for a park with a known overlap, and the PDF the
profile's button makes, read back with poppler (real text, every font embedded)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from datetime import datetime, timezone

import pandas as pd
import pytest

from layers.inspection.report import report_data
from tests.test_app_inspection import STRIP, truth_m2
from store import default_location, open_workspace
from tests.helpers import run_page
from tests.test_app_inspection import farmland, small_data  # noqa: F401 (fixtures)

PDFTOTEXT, PDFFONTS = "/usr/bin/pdftotext", "/usr/bin/pdffonts"


@pytest.fixture(autouse=True)
def offline_basemap(monkeypatch):
    """The app's reports ask for no basemap tile over the network in these tests."""
    from ui.exports.static_tiles import no_tiles

    monkeypatch.setattr("ui.panels.inspection_section.TILE_FETCHER", no_tiles)


def test_report_data_names_the_outline_and_every_check():
    park = pd.Series({"name_zh": "测试园", "name_en": "Test park", "geometry_quality": "digitised", "area_m2": 1e6})
    rows = pd.DataFrame({"check": ["永久基本农田", "green_ratio"], "kind": ["constraint", "indicator"],
                         "rule": ["avoid", "≥ 20 %（105号）"], "area_m2": [250_000.0, None], "share": [0.25, 0.31],
                         "verdict": ["conflict", "met"], "method": ["geodesic, layer v3", "parcels v2"]})
    history = pd.DataFrame({"version": [1, 2], "author": ["甲", "乙"], "reason": ["seed", "redrawn"],
                            "evidence": ["", "红线图 2026-01"], "geometry": [None, "poly"],
                            "time": [datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)]})
    data = report_data("p1", park, rows, history, "某规划")
    assert (data.outline_version, data.outline_author, data.outline_reason) == (2, "乙", "redrawn")
    assert data.outline_time == "2026-03-02 09:30 UTC" and data.outline_evidence == "红线图 2026-01"
    (conflict,) = data.constraint_lines()
    assert conflict.area_ha == pytest.approx(25.0) and conflict.area_mu == pytest.approx(375.0)
    (green,) = data.indicator_lines()
    assert green.area_m2 is None and green.verdict == "met"


def pdf_text(pdf: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run([PDFFONTS, str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


def all_fonts_embedded(fonts: str) -> bool:
    """Whether pdffonts lists at least one font and says "yes" in the `emb` column of every one."""
    header, _rule, *rows = fonts.splitlines()
    at = header.index("emb")
    rows = [r for r in rows if r.strip()]
    return bool(rows) and all(r[at:at + 3] == "yes" for r in rows)


def pdf_pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["/usr/bin/pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_profile_button_makes_a_pdf_of_real_text(farmland, tmp_path, lang):  # noqa: F811
    at = run_page({"park": "test-square-park", "lang": lang})
    button = next(b for b in at.button if b.key and b.key.startswith("insp_report_test-square-park"))
    button.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    pdf = at.session_state[f"insp_report_test-square-park_{lang}"]
    assert pdf.startswith(b"%PDF")
    text, fonts = pdf_text(pdf, tmp_path)
    version = int(open_workspace(default_location(), seed=False).history("parks", "test-square-park")["version"].iloc[-1])
    squashed = "".join(text.split())
    assert "test-square-park" in text
    assert ("conflict" if lang == "en" else "冲突") in text.lower()
    assert (f"version{version}" if lang == "en" else f"版本{version}") in squashed
    assert ("Inspectionreport" if lang == "en" else "园区合规检查报告") in squashed
    assert all_fonts_embedded(fonts), fonts


def test_the_report_page_looked_at(farmland, tmp_path):  # noqa: F811
    """Writes the English report and its first page as PNG under test-artifacts/ for a person to look at."""
    at = run_page({"park": "test-square-park", "lang": "zh"})
    next(b for b in at.button if b.key and b.key.startswith("insp_report_")).click().run()
    pdf = at.session_state["insp_report_test-square-park_zh"]
    out = __import__("pathlib").Path("test-artifacts") / "inspection-report"
    out.parent.mkdir(exist_ok=True)
    out.with_suffix(".pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(out.with_suffix(".pdf")), str(out)], check=True)
    assert out.with_suffix(".png").stat().st_size > 10_000


def test_two_outline_versions_side_by_side():
    import geopandas as gpd
    from shapely.geometry import box

    from geo.constraints import prepare_constraint
    from layers.constraints import ConstraintCheck, kind_by_name
    from layers.inspection.versions import side_by_side, version_rows

    layer = prepare_constraint(gpd.GeoSeries([box(113.30, 23.00, 113.31, 23.02)], crs=4326), name="farmland",
                                  extent=box(113.28, 22.99, 113.34, 23.03))  # the district the layer covers
    check = ConstraintCheck(kind_by_name("永久基本农田"), layer)
    before = box(113.295, 23.00, 113.305, 23.01)  # half of it on the farmland
    after = box(113.311, 23.00, 113.321, 23.01)  # moved east, clear of it
    rows = version_rows({"programme": "p", "kind": "park"}, {"v1": before, "v2": after}, [check])
    (row,) = side_by_side(rows, "v1", "v2").to_dict("records")
    assert row["verdict_a"] == "conflict" and row["verdict_b"] == "clear" and row["verdict_changed"]
    assert row["value_a"] > 0 and row["value_b"] == 0 and row["delta"] == -row["value_a"]


def test_the_history_panel_compares_the_inspection_of_two_versions(farmland):  # noqa: F811
    from shapely.geometry import box

    ws = open_workspace(default_location(), user="测试员", role="editor")
    ws.save_feature("parks", "test-square-park", box(113.37, 23.09, 113.38, 23.10), {}, reason="moved east of the strip")
    at = run_page({"park": "test-square-park", "lang": "en"})
    tables = [h.proto.body for h in at.get("html") if "parkatlas-history-inspection" in h.proto.body]
    assert tables, "no side-by-side inspection"
    table = tables[0]
    assert table.count("<tr>") == 2 and table.count("class='verdict-changed'") == 1  # header + the one check
    assert "<span class='delta'>-" in table and "<script>" not in table


def test_report_data_of_a_park_with_a_known_overlap():
    """A 1 km-ish square park, its west half on 永久基本农田 (computed, not given): the report says
    the area in conflict (geodesic truth, in m², ha and 亩), half the park, the conflict, the layer's
    revision and as-of; the green-ratio indicator against 105号's rule from real parcels."""
    import geopandas as gpd
    from shapely.geometry import box

    from geo.constraints import prepare_constraint
    from geo.measure import geodesic_area_m2
    from layers.constraints import ConstraintCheck, constraint_rows, kind_by_name
    from layers.inspection.indicators import indicator_rows
    from layers.inspection.report import layers_used

    park_shape = box(113.36, 23.09, 113.37, 23.10)
    parks = gpd.GeoDataFrame({"name_zh": ["测试园"], "name_en": ["Test park"], "programme": ["gz-value-innovation"],
                              "kind": ["park"]}, geometry=[park_shape], crs=4326, index=["p1"])
    parks["area_m2"] = geodesic_area_m2(parks.geometry)
    layer = prepare_constraint(gpd.GeoSeries([STRIP], crs=4326), name="farmland.geojson",
                               extent=box(113.30, 23.00, 113.40, 23.20))
    check = ConstraintCheck(kind_by_name("永久基本农田"), layer, version="3", as_of="2025-12-31")
    parcels = gpd.GeoDataFrame({"code": ["G1", "M1"]}, geometry=[box(113.36, 23.09, 113.3625, 23.10),
                                                                box(113.3625, 23.09, 113.3675, 23.10)], crs=4326)
    rows = pd.concat([pd.DataFrame(constraint_rows(parks, [check]).drop(columns="geometry")).assign(kind="constraint"),
                      indicator_rows(parks, parcels).assign(kind="indicator")], ignore_index=True)
    used = layers_used([check])
    data = report_data("p1", parks.loc["p1"], rows, None, "广州价值创新园区", layers=used)
    (conflict,) = data.constraint_lines()
    truth = truth_m2(STRIP)  # the strip lies wholly inside the park
    assert conflict.verdict == "conflict" and conflict.area_m2 == pytest.approx(truth, rel=1e-3)
    assert conflict.area_ha == pytest.approx(truth / 1e4, rel=1e-3)
    assert conflict.area_mu == pytest.approx(truth * 0.0015, rel=1e-3)
    assert conflict.share == pytest.approx(0.5, rel=1e-3)
    assert "geodesic" in conflict.method and "version 3" in conflict.method and "2025-12-31" in conflict.method
    green = next(line for line in data.indicator_lines() if line.check == "green_ratio")
    assert green.share == pytest.approx(0.25, rel=1e-3) and green.verdict == "met" and "105号" in green.rule
    assert green.area_m2 is None  # indicators carry no "area in conflict"
    assert data.park_area_m2 == pytest.approx(truth_m2(park_shape), rel=1e-6)
    assert data.outline_version is None  # no workspace: no version to name
    (farm,) = data.layers
    assert (farm.name, farm.used_as, farm.rule, farm.revision, farm.as_of) == (
        "farmland.geojson", "永久基本农田", "avoid", "3", "2025-12-31")
    assert farm.tolerance_m2 == check.effective_tolerance_m2


def test_a_long_report_goes_on_to_more_pages_and_draws_land_use(tmp_path):
    """Sixty checks do not fit one page: none is cut, every verdict is in the text, pages numbered;
    land-use parcels near the park are drawn (and named in the legend)."""
    import geopandas as gpd
    from shapely.geometry import box

    from layers.inspection.report import LayerUsed, ReportData, ReportLine
    from ui.exports.inspection_report import MapLayer, inspection_pdf

    outline = box(113.36, 23.09, 113.37, 23.10)
    lines = [ReportLine(f"check-{n:02d}", "constraint", "avoid", 10.0 * n, n / 1e3, n * 0.015, n / 100,
                        "conflict" if n % 2 else "clear", f"geodesic, layer v{n}") for n in range(60)]
    data = ReportData("p1", "测试园", "Test park", "某规划", 1e6, 4, "测试员", "2026-03-02 09:30 UTC", "redrawn",
                      "红线图", "digitised", lines, "2026-12-04 10:00 UTC",
                      [LayerUsed("farmland", "永久基本农田", "avoid", 100.0, "7", "2025-12-31")])
    layer = MapLayer("farmland", gpd.GeoDataFrame(geometry=[STRIP], crs=4326), "#e6ab02")
    conflicts = gpd.GeoDataFrame({"colour": ["#e6ab02"]}, geometry=[STRIP], crs=4326)
    parcels = gpd.GeoDataFrame({"code": ["G1", "M1", "R2"]},
                               geometry=[box(113.36, 23.09, 113.3625, 23.10), box(113.3625, 23.09, 113.3675, 23.10),
                                         box(113.50, 23.50, 113.51, 23.51)], crs=4326)  # the last far away
    labels = {"rep_page": "page {n} of {total}", "rep_landuse": "land use", "rep_lu_green": "green",
              "rep_lu_industrial": "industrial"}
    pdf = inspection_pdf(data, outline, [layer], conflicts, lambda k, **v: labels.get(k, k).format(**v),
                         lambda line: line.check, lambda v: v.upper(), landuse=parcels)
    text, fonts = pdf_text(pdf, tmp_path)
    pages = pdf_pages(pdf, tmp_path)
    assert pages >= 2 and f"page {pages} of {pages}" in text
    squashed = "".join(text.split())
    for line in lines:
        assert f"{line.check}" in text
    assert text.count("CONFLICT") == 30 and text.count("CLEAR") == 30
    assert "landuse:green" in squashed and "landuse:industrial" in squashed and "residential" not in text
    assert "rep_layers" in text and "farmland(永久基本农田)" in squashed
    assert "rep_revision7" in squashed and "rep_as_of2025-12-31" in squashed
    assert "rep_version4" in squashed and "红线图" in text
    assert all_fonts_embedded(fonts), fonts


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_of_a_park_with_land_use_names_every_verdict(farmland, tmp_path, lang):  # noqa: F811
    """With the farmland layer and parcels in the workspace: every check's and indicator's verdict,
    the park's name, the outline's version, the layer's revision and the how-computed line are in the PDF."""
    import geopandas as gpd
    from shapely.geometry import box

    from layers.user_layers import AttributeMapping, apply_mapping
    from ui.i18n import t
    from ui.inspection import verdict_label

    parcels = gpd.GeoDataFrame({"dldm": ["G1", "M1"]}, geometry=[box(113.36, 23.09, 113.3625, 23.10),
                                                                 box(113.3625, 23.09, 113.3675, 23.10)], crs=4326)
    mapped = apply_mapping(parcels, AttributeMapping(code="dldm"), "landuse", "parcels.geojson")
    farmland.add_layer("parcels", mapped, role="landuse", origin="parcels.geojson", reason="test")
    at = run_page({"park": "test-square-park", "lang": lang})
    next(b for b in at.button if b.key == f"insp_report_test-square-park_{lang}_make").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    pdf = at.session_state[f"insp_report_test-square-park_{lang}"]
    assert pdf.startswith(b"%PDF")
    assert t("rep_download", lang) in [d.label for d in at.get("download_button")]
    text, fonts = pdf_text(pdf, tmp_path)
    squashed = "".join(text.split())
    ws = open_workspace(default_location(), seed=False)
    version = int(ws.history("parks", "test-square-park")["version"].iloc[-1])
    assert "测试园" in text and "test-square-park" in text  # the park's name and id
    from ui.inspection import inspection

    rows = inspection().of_park("test-square-park")
    assert set(rows["kind"]) == {"constraint", "indicator"}
    for verdict in rows["verdict"]:
        assert "".join(verdict_label(verdict, lang).split()) in squashed, verdict
    assert f"{t('rep_version', lang, markdown=False)}{version}".replace(" ", "") in squashed
    assert "".join(t("rep_layers", lang, markdown=False).split()) in squashed
    revision = "".join(t("rep_revision", lang, markdown=False).split())
    assert revision in squashed and ("WGS84" in text)
    layers = ws.layers().set_index("name")
    for name in ("farmland<script>x</script>", "parcels"):  # each layer used, with its revision
        assert f"{name}(" in squashed
    assert f"{revision}{int(layers.at['parcels', 'revision'])}" in squashed
    for group in ("green", "industrial"):  # the parcels drawn on the map, named in the legend
        drawn = t("rep_landuse", lang, markdown=False) + ":" + t(f"rep_lu_{group}", lang, markdown=False)
        assert "".join(drawn.split()) in squashed
    assert all_fonts_embedded(fonts), fonts
    out = Path("test-artifacts") / f"inspection-report-landuse-{lang}"
    out.parent.mkdir(exist_ok=True)
    out.with_suffix(".pdf").write_bytes(pdf)  # for a person to look at


def test_a_report_for_all_parks_of_a_plan(farmland, tmp_path):  # noqa: F811
    at = run_page({"lang": "en"})
    chooser = at.selectbox(key="insp_plan_report_plan")
    assert chooser.options and at.get("download_button")
    script = ("import streamlit as st\n"
              "from ui.inspection import inspection\n"
              "from ui.panels.inspection_section import plan_report\n"
              "st.session_state['pdf'] = plan_report(inspection(), ['test-square-park', 'test-square-phase'], 'en')\n")
    made = run_page({"lang": "en"}, script=script)
    pdf = made.session_state["pdf"]
    text, fonts = pdf_text(pdf, tmp_path)
    assert "test-square-park" in text and "test-square-phase" in text and text.count("\f") >= 2
    assert all_fonts_embedded(fonts), fonts
    from pypdf import PdfReader

    marks = [m.title for m in PdfReader(__import__("io").BytesIO(pdf)).outline]
    assert len(marks) == 2 and marks[0].startswith("1. Inspection report") and marks[1].startswith("2. ")


def test_the_chinese_report_says_how_each_check_was_computed_in_chinese(farmland, tmp_path):  # noqa: F811
    at = run_page({"park": "test-square-park", "lang": "zh"})
    next(b for b in at.button if b.key == "insp_report_test-square-park_zh_make").click().run()
    assert not at.exception and not at.error
    text, _ = pdf_text(at.session_state["insp_report_test-square-park_zh"], tmp_path)
    squashed = "".join(text.split())
    assert "WGS84椭球面上的大地面积" in squashed and "数据覆盖范围：要素外包矩形" in squashed
    assert "规则：不得重叠，容差100m²" in squashed
    assert "geodesic" not in text and "tolerance" not in text and "extent:" not in text
    en = run_page({"park": "test-square-park", "lang": "en"})
    next(b for b in en.button if b.key == "insp_report_test-square-park_en_make").click().run()
    text_en, _ = pdf_text(en.session_state["insp_report_test-square-park_en"], tmp_path)
    assert "geodesicareaontheWGS84ellipsoid" in "".join(text_en.split()) and "椭球面" not in text_en
