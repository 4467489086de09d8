"""Access figures that say what network they measure (issue 14): roles of HSR/airport nodes,
lines through nearby stations, the network statement, station states, CSV neutralising, XLSX
and PDF exports, area filters with unknown areas, and the atlas/Sites URL."""

from __future__ import annotations

import io
import shutil
import subprocess

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from geo.csv_safe import FORMULA_PREFIXES, neutralised, safe_csv
from geo.export import export_layer
from layers import registry, transport
from layers.access import (PLAN, AccessNetwork, access_table, network_statement, station_status, summarise,
                           with_role)
from layers.parks import ParkFilter, area_range_km2, filter_parks
from layers.transport import FULL_PLAN


def _lines(rows):
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=4326).set_index("id", drop=False)


def _net(lines, nodes) -> AccessNetwork:
    return AccessNetwork(PLAN, "规划线路", "the plans' links", "docs", lines, nodes)


PARK = gpd.GeoDataFrame({"id": ["p"]}, geometry=[box(113.30, 23.10, 113.31, 23.11)], index=["p"], crs=4326)
BASE = {"as_of": "2018-06-21", "open_year_source": None}


def _toy():
    lines = _lines([
        {"id": "l-placed", "line_ref": "m1", "mode": "metro", "status": "existing", "open_year": None,
         "geometry": LineString([(113.40, 23.0), (113.40, 23.2)]), **BASE},
        {"id": "l-named", "line_ref": "m12", "mode": "metro", "status": "planned", "open_year": None,
         "geometry": None, **BASE},
    ])
    nodes = _lines([
        {"id": "s-in", "mode": "station", "line_refs": ["m12"], "status": "existing", "open_year": None,
         "roles": None, "geometry": Point(113.305, 23.105), **BASE},
        {"id": "air", "mode": "station", "line_refs": ["m1"], "status": "existing", "open_year": None,
         "roles": ["airport"], "geometry": Point(113.40, 23.10), **BASE},
        {"id": "named-hsr", "mode": "hsr-station", "line_refs": [], "status": "planned", "open_year": None,
         "roles": None, "geometry": None, **BASE},
    ])
    return transport.finish(lines), transport.finish(nodes)


def test_a_station_at_0_m_brings_its_lines_within_800_m_once_they_run():
    lines, nodes = _toy()
    full = access_table(PARK, lines, nodes, FULL_PLAN).loc["p"]
    assert full["nearest_station_m"] == 0 and full["stations_800m"] == ["s-in"]
    assert full["lines_800m"] == ["m12"]  # the line has no geometry, but its station is in the park
    now = access_table(PARK, lines, nodes, 2026).loc["p"]
    assert now["lines_800m"] == []  # m12 is only planned: the station counts, its line does not run yet
    assert now["lines_2km"] == []  # m1 runs, ~9 km away


def test_nodes_with_a_cited_role_count_as_airport_and_named_only_nodes_never():
    lines, nodes = _toy()
    assert list(nodes.index[with_role(nodes, "airport")]) == ["air"]
    row = access_table(PARK, lines, nodes, FULL_PLAN).loc["p"]
    assert row["nearest_airport"] == "air" and row["nearest_airport_m"] > 8000
    assert pd.isna(row["nearest_hsr-station_m"])  # the HSR station has no position: not measured
    s = summarise(_net(lines, nodes), FULL_PLAN)
    assert (s.hsr_in_service, s.airports_in_service, s.named_only, s.stations_placed) == (0, 1, 2, 2)
    assert s.rail_stations_in_service == 2
    assert summarise(_net(lines, nodes), 2000).rail_stations_in_service == 0  # before its documents: nothing to measure


def test_the_bundled_airport_station_is_cited_and_only_in_the_full_plan():
    nodes = registry.load("transport_nodes")
    airport = nodes[with_role(nodes, "airport")]
    assert list(airport.index) == ["stn-xinbaiguang-intercity-2"]
    assert "白云机场" in airport.iloc[0]["roles_source"] and "105号" in airport.iloc[0]["roles_source"]
    net = _net(registry.load("transport_lines"), nodes)
    assert summarise(net, 2026).airports_in_service == 0 and summarise(net, FULL_PLAN).airports_in_service == 1
    assert summarise(net, FULL_PLAN).hsr_in_service == 0  # 黄埔/知识城 HSR stations are named, not placed


def test_a_role_needs_its_citation():
    from layers._errors import LayerValidationError
    from layers.base import validate

    _, nodes = _toy()
    bad = nodes.assign(open_year=None, roles=[None, ["airport"], ["seaport"]], roles_source=[None, None, "x"],
                       name_zh="站", name_en="stop", source="doc", geometry_quality="schematic", note=None,
                       park_ids=None)
    with pytest.raises(LayerValidationError) as err:
        validate(bad.reset_index(drop=True), transport.NODES_SCHEMA, "t")
    text = str(err.value)
    assert "feature 'air': field 'roles_source': is required" in text and "'seaport' is not one of" in text


def test_the_statement_names_the_network_year_counts_and_dates():
    lines, nodes = _toy()
    net = _net(lines, nodes)
    en = network_statement(net, summarise(net, 2026), "en")
    assert en.startswith("Access measured on the plans' links (in service in 2026): 2 of 2 placed stations, "
                         "1 of 1 placed lines")
    assert "2 named links have no position and are not measured" in en and "2018-06-21" in en
    zh = network_statement(net, summarise(net, FULL_PLAN), "zh")
    assert "规划线路" in zh and "全部规划" in zh and "未计入距离" in zh


@pytest.mark.parametrize(("row", "year", "lang", "text"), [
    ({"status": "planned", "open_year": 2021, "as_of": "2018-06-21"}, 2026, "en", "open since 2021"),
    ({"status": "planned", "open_year": 2021, "as_of": "2018-06-21"}, 2019, "en", "planned (2018), opening 2021"),
    ({"status": "under-construction", "open_year": None, "as_of": "2018-06-21"}, FULL_PLAN, "en",
     "under construction (2018)"),
    ({"status": "existing", "open_year": None, "as_of": "2018-06-21"}, 2026, "zh", "已建成"),
    ({"status": "planned", "open_year": None, "as_of": "2021-10-11"}, 2026, "zh", "规划（2021年）"),
])
def test_station_status(row, year, lang, text):
    assert station_status(pd.Series(row), year, lang) == text


# --------------------------------------------------------------------------- exports

@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_every_formula_prefix_is_neutralised(prefix):
    cell = f'{prefix}HYPERLINK("http://evil.example","click")'
    assert neutralised(cell) == "'" + cell
    table = pd.DataFrame({f"{prefix}col": [cell, "plain", -3.5]}, index=pd.Index([f"{prefix}i", "b", "c"], name="id"))
    text = safe_csv(table, index=True).decode("utf-8-sig")
    assert f"'{prefix}col" in text and f"'{cell}" in text.replace('""', '"') and f"'{prefix}i" in text
    assert "plain" in text and "-3.5" in text  # numbers stay numbers


@pytest.mark.parametrize("space", [" ", "   ", "\u00a0", "\u3000", " \t"])
@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_a_formula_after_leading_spaces_is_neutralised(space, prefix):
    cell = f'{space}{prefix}HYPERLINK("http://evil.example","click")'  # Excel and LibreOffice skip the spaces
    assert neutralised(cell) == "'" + cell
    text = safe_csv(pd.DataFrame({"note": [cell, " plain"]})).decode("utf-8-sig")
    assert f"'{cell}" in text.replace('""', '"') and "\r\n plain\r\n" in text


def test_geo_export_csv_neutralises_attributes():
    gdf = gpd.GeoDataFrame({"id": ["a"], "note": ['=HYPERLINK("http://x","click")'], "n": [-2]},
                           geometry=[Point(113.3, 23.1)], crs=4326)
    out = export_layer(gdf, "csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in out and ",-2," in out
    assert "\r\n=" not in out and ",=" not in out


def test_table_xlsx_sizes_columns_keeps_one_language_and_never_runs_formulas():
    from ui.exports.downloads import table_xlsx

    table = pd.DataFrame({"甲园": ["=1+1", "官洲站（规划（2018年）），0 米" * 3]}, index=["名称", "最近车站"])
    data = table_xlsx(table, "园区对比", "zh", {"数据来源": "五份规划文件", "交通网络说明": "交通可达性按……计算"})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["园区对比", "说明"]
    sheet = book["园区对比"]
    assert sheet["B2"].data_type == "s" and sheet["B2"].value == "=1+1"
    assert sheet.column_dimensions["B"].width >= 40 and sheet.column_dimensions["A"].width < 20
    about = book["说明"]
    assert [c.value for c in about[1]] == ["项目", "内容"]
    assert about["B3"].value == "交通可达性按……计算"


def test_comparison_pdf_embeds_its_fonts_cleanly():
    from ui.exports.static_pdf import comparison_pdf

    if not shutil.which("pdffonts"):
        pytest.fail("poppler-utils is missing: `make test` installs it (apt-get install poppler-utils)")
    table = pd.DataFrame({"甲园": ["新型显示", "官洲站（规划（2018年）），0 米"], "Park B": ["AI", "—"]},
                         index=["主导产业", "最近车站"])
    pdf = comparison_pdf(table, "园区对比 · ParkAtlas", "交通可达性按“规划文件所列交通线路”计算（2026年在运营）")
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, timeout=60)
    assert fonts.returncode == 0 and b"TrueType" in fonts.stdout, fonts.stdout
    assert b"Warning" not in fonts.stderr and b"Error" not in fonts.stderr, fonts.stderr
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, timeout=60)
    assert text.stderr == b"", text.stderr
    assert "2026年在运营" in text.stdout.decode() and "规划（2018年）" in text.stdout.decode()


# --------------------------------------------------------------------------- area filter

def test_area_filter_can_include_parks_of_unknown_area():
    parks = gpd.GeoDataFrame({"area_km2": [2.0, 30.0, 0.0], "stated_area_km2": [None, None, None]},
                             geometry=[box(0, 0, 1, 1)] * 3, index=["a", "zone", "unknown"], crs=4326)
    assert area_range_km2(parks) == (30.0, 1)  # the range comes from the data: zones are large
    assert list(filter_parks(parks, ParkFilter(min_area_km2=1, max_area_km2=5)).index) == ["a"]
    assert list(filter_parks(parks, ParkFilter(min_area_km2=1, max_area_km2=5, include_unknown_area=True)).index) == [
        "a", "unknown"]
    assert len(filter_parks(parks, ParkFilter())) == 3
