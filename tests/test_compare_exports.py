"""The Sites comparison exports (issue 26) say exactly what was measured, park by park, and an
English export is English wherever the data has English: the XLSX read back with openpyxl, the
one-page PDF with poppler's pdftotext."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from shapely.geometry import box

from layers import registry, transport
from layers.access import access_table
from layers.programmes import Catalogue
from layers.site_compare import compare_parks
from layers.target_units import UNIT_ENGLISH
from layers.targets import DIMENSION_UNITS
from ui.exports.downloads import table_xlsx
from ui.exports.static_map import has_cjk
from ui.exports.static_pdf import comparison_pdf
from ui.i18n import t

POINT_PARK, OUTLINED_PARK = "gz-vip-pazhou", "gz-vip-zengcheng"
"""Two bundled parks (approximate points); the second is given a reference outline below."""
ENGLISH_PARKS = ["gz-vip-pazhou", "gz-vip-zengcheng", "gz-vip-tianhe-software", "gz-vip-biological-island"]
"""Bundled parks whose targets are in 亿元, 万人 and 人 and whose operators are in Chinese only."""


@pytest.fixture(scope="module")
def bundled():
    parks = registry.load("parks")
    lines, nodes = registry.load("transport_lines"), registry.load("transport_nodes")
    return {"parks": parks, "lines": lines, "nodes": nodes, "targets": registry.load("targets"),
            "facilities": registry.load("facilities"), "programmes": Catalogue(registry.load("programmes")),
            "access": access_table(parks, lines, nodes, transport.FULL_PLAN)}


def with_an_outline(parks, pid: str):
    """`parks` with park `pid` given a 1 km reference outline around its point."""
    out = parks.copy()
    p = out.geometry[pid]
    out.loc[pid, "geometry"] = box(p.x - 0.005, p.y - 0.0045, p.x + 0.005, p.y + 0.0045)
    out.loc[pid, "geometry_quality"] = "reference"
    return out


def comparison(bundled, parks, ids, lang):
    table = compare_parks(parks, ids, bundled["access"], bundled["targets"], bundled["facilities"], lang,
                          nodes=bundled["nodes"], lines=bundled["lines"], programmes=bundled["programmes"])
    table.columns = [parks.at[i, "name_zh" if lang == "zh" else "name_en"] for i in table.columns]
    return table


def xlsx_sheets(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [tuple(c for c in row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


@pytest.mark.parametrize("lang, point, outline", [
    ("en", "the approximate point (no outline)", "the boundary"),
    ("zh", "大致位置点（无边界）", "园区边界"),
])
def test_each_park_says_what_its_distances_are_measured_from(bundled, lang, point, outline):
    parks = with_an_outline(bundled["parks"], OUTLINED_PARK)
    table = comparison(bundled, parks, [POINT_PARK, OUTLINED_PARK], lang)
    note = t("compare_note", lang, date="2026-12-04", markdown=False)
    sheets = xlsx_sheets(table_xlsx(table, t("compare", lang), lang, {t("xlsx_sources", lang): note}))
    compared, about = sheets[t("compare", lang)[:31]], sheets[t("xlsx_about", lang)[:31]]
    label = "Distances measured from" if lang == "en" else "距离起算自"
    row = next(r for r in compared if r[0] == label)
    assert row[1:] == (point, outline)
    everything = " ".join(str(c) for r in compared + about for c in r if c)
    assert "park boundary" not in everything and "from the park's boundary" not in everything
    rule = " ".join(str(c) for r in about for c in r if c)
    if lang == "en":  # the About sheet states the rule
        assert "from a park's boundary where it has one and from its approximate point where it has none" in rule
    else:
        assert "有边界的园区自边界起算，只有大致位置的园区自该点起算" in rule


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (make setup) is not installed")
def test_the_comparison_pdf_says_approximate_point_per_park(bundled, tmp_path):
    parks = with_an_outline(bundled["parks"], OUTLINED_PARK)
    table = comparison(bundled, parks, [POINT_PARK, OUTLINED_PARK], "en")
    pdf = comparison_pdf(table, t("compare_title", "en"), t("compare_note", "en", date="2026-12-04", markdown=False))
    path = tmp_path / "compare.pdf"
    path.write_bytes(pdf)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "the approximate point (no outline)" in text and "the boundary" in text
    assert "from its approximate point where it has none" in text and "park boundary" not in text


def test_every_target_unit_has_english():
    units = {u for us in DIMENSION_UNITS.values() for u in us}
    assert {u for u in units if has_cjk(u)} <= set(UNIT_ENGLISH)
    assert not any(has_cjk(v) for v in UNIT_ENGLISH.values())


def test_an_english_xlsx_keeps_chinese_only_as_a_names_original(bundled):
    table = comparison(bundled, bundled["parks"], ENGLISH_PARKS, "en")
    sheet = xlsx_sheets(table_xlsx(table, t("compare", "en"), "en"))[t("compare", "en")[:31]]
    rows = {r[0]: r[1:] for r in sheet[1:]}
    assert not any(has_cjk(str(c)) for c in sheet[0] if c)  # the header: English park names
    assert not any(has_cjk(str(label)) for label in rows)  # "Area (mu)", not "Area (亩)"
    for label in ("City / district", "Targets", "Kind", "Status", "Programme", "Leading industries",
                  "Area basis", "Distances measured from", "Geometry quality"):
        assert not any(has_cjk(str(c)) for c in rows[label]), (label, rows[label])
    assert rows["City / district"][0] == "Guangzhou / Haizhu District"
    targets = "\n".join(rows["Targets"])
    assert "100 million yuan" in targets and "10,000 people" in targets and " people" in targets
    for unit in ("亿元", "万人", "人"):
        assert unit not in targets
    for cell in rows["Operator"]:  # English where the record has one, else a gloss before the original
        assert cell == "—" or not has_cjk(cell) or re.match(r"^[A-Z][a-z ,-]+: \S", cell), cell
    assert any(c.startswith("Limited company: ") for c in rows["Operator"])
    for cell in rows["Source"]:  # a document's title, kept as written, after its plan's English name
        assert re.match(r"^[A-Za-z].* — ", cell), cell
