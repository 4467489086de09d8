"""The inspection report (issue 25): its data for a park with a known overlap, and the PDF the
profile's button makes, read back with poppler (real text, every font embedded)."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone

import pandas as pd
import pytest

from layers.inspection.report import report_data
from store import default_location, open_workspace
from tests.helpers import run_page
from tests.test_app_inspection import farmland, small_data  # noqa: F401 (fixtures)


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
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


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
    lines = [ln for ln in fonts.splitlines()[2:] if ln.strip()]
    assert lines and all(" yes " in ln for ln in lines), fonts  # every font embedded


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
    tables = [d.value for d in at.dataframe if "Verdict changed" in d.value.columns]
    assert tables, "no side-by-side inspection"
    table = tables[0]
    assert table["Verdict changed"].tolist() == ["yes"]
    assert table["Change (b − a)"].iloc[0].startswith("-")
