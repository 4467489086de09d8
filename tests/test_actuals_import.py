"""layers.actuals_import: the check report of a CSV or XLSX of actual figures, before anything is saved."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook

from layers import registry
from layers._errors import TableFileError
from layers.actuals_import import COLUMN_ALIASES, MAX_BYTES, MESSAGES, ROW_CODES, WARNING_CODES, check_actuals
from layers.progress import ACTUALS_COLUMNS, validate_actual

PARKS = pd.DataFrame({"id": ["p-a", "p-b", "p-twin-1", "p-twin-2"],
                      "name_zh": ["甲园", "乙园", "同名园", "同名园"],
                      "name_en": ["Park A", "Park B", "Twin", "Twin"]}).set_index("id", drop=False)

TARGETS = pd.DataFrame([
    # id, park_id (a park, or the plan "zone-plan"), metric, value, unit, target_year
    ("t-a-rev-2020", "p-a", "revenue", 100.0, "亿元", 2020),
    ("t-a-rev-2025", "p-a", "revenue", 200.0, "亿元", 2025),
    ("t-a-jobs", "p-a", "jobs", 3.0, "万人", None),
    ("t-a-firms-2025", "p-a", "firms", 50.0, "家", 2025),
    ("t-b-rev-core-2025", "p-b", "revenue", 80.0, "亿元", 2025),
    ("t-b-rev-all-2025", "p-b", "revenue", 120.0, "亿元", 2025),
    ("t-b-land-2025", "p-b", "land-developed", 1000.0, "亩", 2025),
    ("t-zone-gdp-2025", "zone-plan", "gdp", 1000.0, "亿元", 2025),
], columns=["id", "park_id", "metric", "value", "unit", "target_year"]).set_index("id", drop=False)
TARGETS["target_year"] = TARGETS["target_year"].astype("Int64")

HEADER = "park,metric,year,value,unit,source"


def csv(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


def check(content: bytes, name: str = "figures.csv", existing: pd.DataFrame | None = None):
    return check_actuals(content, name, TARGETS, PARKS, existing)


MATCHED = [
    # (row as written, the target it is for, value, unit as saved)
    ("p-a,revenue,2019,90,亿元,2019年统计公报", "t-a-rev-2020", 90.0, "亿元"),
    ("p-a,revenue,2020,90,亿元,s", "t-a-rev-2020", 90.0, "亿元"),
    ("p-a,revenue,2021,150,亿元,s", "t-a-rev-2025", 150.0, "亿元"),
    ("p-a,revenue,2027,150,亿元,s", "t-a-rev-2025", 150.0, "亿元"),  # after every target year: the latest
    ("甲园,主营业务收入,2019,90,亿元,s", "t-a-rev-2020", 90.0, "亿元"),
    ("park a,营业收入,2019,90,亿元,s", "t-a-rev-2020", 90.0, "亿元"),
    ("P-A,Operating revenue,2019,90,亿元,s", "t-a-rev-2020", 90.0, "亿元"),
    ("zone-plan,gdp,2023,900,亿元,s", "t-zone-gdp-2025", 900.0, "亿元"),  # a plan id for a zone-wide target
    ("p-a,jobs,2030,35000,人,s", "t-a-jobs", 35000.0, "人"),  # a target without a year is open-ended
    ("p-a,revenue,2019,\"900,000\",万元,s", "t-a-rev-2020", 900000.0, "万元"),
    ("p-a,revenue,2019年,90,亿元人民币,s", "t-a-rev-2020", 90.0, "亿元"),
    ("p-b,land-developed,2024,1.2,km²,s", "t-b-land-2025", 1.2, "km²"),
    ("p-b,land-developed,2024,1.2,平方公里,s", "t-b-land-2025", 1.2, "km²"),
]


@pytest.mark.parametrize(("row", "target_id", "value", "unit"), MATCHED, ids=[m[0] for m in MATCHED])
def test_a_row_is_matched_to_its_target(row, target_id, value, unit):
    report = check(csv(row))
    assert report.ok and report.warnings == [], [p.message for p in report.problems + report.warnings]
    rec = report.records.iloc[0]
    assert (rec["target_id"], rec["value"], rec["unit"], rec["row"]) == (target_id, value, unit, 2)
    assert rec["id"] == f"a-{target_id}-{rec['year']}"


PROBLEMS = [
    # (row as written, code, column, in the message)
    ("nowhere,revenue,2019,90,亿元,s", "unknown-park", "park", "'nowhere' is not a park id, park name or plan id"),
    ("同名园,revenue,2019,90,亿元,s", "unknown-park", "park", "'同名园' names 2 parks (p-twin-1, p-twin-2): give the park id"),
    (",revenue,2019,90,亿元,s", "unknown-park", "park", "is empty"),
    ("p-a,happiness,2019,90,亿元,s", "unknown-metric", "metric", "'happiness' is not a metric"),
    ("p-a,gdp,2019,90,亿元,s", "no-target", "metric", "park 'p-a' has no target for metric 'gdp'"),
    ("p-b,revenue,2021,90,亿元,s", "ambiguous-target", "target_id",
     "ambiguous: 2 targets of 'p-b' for 'revenue' (2025): give target_id (one of t-b-rev-all-2025, t-b-rev-core-2025)"),
    ("p-a,revenue,2019,90,亩,s", "unit-dimension", "unit",
     "'亩' is a unit of land area, but metric 'revenue' is money (亿元, 万元, 亿美元)"),
    ("p-b,land-developed,2019,9,万㎡,s", "unit-dimension", "unit", "'万㎡' is a unit of floor area, but metric "
     "'land-developed' is land area"),
    ("p-a,revenue,2019,90,furlong,s", "unknown-unit", "unit", "'furlong' is not a unit we know; units of money"),
    ("p-a,revenue,2019,90,,s", "unknown-unit", "unit", "is empty; units of money: 亿元, 万元, 亿美元"),
    ("p-a,revenue,1989,90,亿元,s", "bad-year", "year", "'1989' is not a year between 1990 and 2060"),
    ("p-a,revenue,二〇一九,90,亿元,s", "bad-year", "year", "'二〇一九' is not a year"),
    ("p-a,revenue,,90,亿元,s", "bad-year", "year", "is empty"),
    ("p-a,revenue,2019,abc,亿元,s", "bad-value", "value", "'abc' is not a finite number"),
    ("p-a,revenue,2019,,亿元,s", "bad-value", "value", "is empty"),
    ("p-a,revenue,2019,inf,亿元,s", "bad-value", "value", "'inf' is not a finite number"),
    ("p-a,revenue,2019,90,亿元,", "missing-source", "source", "is empty: every figure cites"),
]


@pytest.mark.parametrize(("row", "code", "column", "message"), PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_a_problem_names_its_row_column_and_code(row, code, column, message):
    report = check(csv("p-a,revenue,2018,80,亿元,s", row))  # the problem is in row 3
    assert not report.ok
    assert [(p.row, p.column, p.code) for p in report.problems] == [(3, column, code)]
    assert report.problems[0].message.startswith(f"row 3, column {column!r}: {message}")
    assert report.problems[0].message_zh.startswith("第 3 行")
    assert list(report.records["row"]) == [2]  # the good row is kept


@pytest.mark.parametrize(("row", "message"), [
    ("p-a,revenue,2019,9,亿美元,s", "'亿美元' does not convert to the target's '亿元'"),
    ("p-a,firms,2019,3,个,s", "'个' does not convert to the target's '家'"),
])
def test_a_unit_that_does_not_convert_is_a_warning(row, message):
    report = check(csv(row))
    assert report.ok and len(report.records) == 1
    assert [(w.row, w.code) for w in report.warnings] == [(2, "unit-not-convertible")]
    assert message in report.warnings[0].message


def test_one_row_may_have_several_problems_in_column_order():
    report = check(csv("nowhere,revenue,19,abc,亿元,"))
    assert [(p.column, p.code) for p in report.problems] == [
        ("park", "unknown-park"), ("year", "bad-year"), ("value", "bad-value"), ("source", "missing-source")]


def test_the_same_target_and_year_twice():
    report = check(csv("p-a,revenue,2019,90,亿元,s", "p-a,revenue,2021,150,亿元,s", "甲园,revenue,2019,95,亿元,t"))
    assert [(p.row, p.column, p.code) for p in report.problems] == [(4, "year", "duplicate-year")]
    assert "target 't-a-rev-2020' already has a figure for 2019 in row 2" in report.problems[0].message
    assert list(report.records["row"]) == [2, 3]


def test_a_saved_figure_is_replaced_with_a_warning_keeping_its_id():
    existing = pd.DataFrame([{"id": "a-entered-by-hand", "target_id": "t-a-rev-2020", "year": 2019, "value": 80.0,
                              "unit": "亿元", "source": "s", "as_of": None, "note": None}])
    report = check(csv("p-a,revenue,2019,90,亿元,s", "p-a,revenue,2020,99,亿元,s"), existing=existing)
    assert report.ok
    assert [(w.row, w.code) for w in report.warnings] == [(2, "replaces")]
    assert "replaces the saved figure 80 亿元 of 2019 (a-entered-by-hand)" in report.warnings[0].message
    assert list(report.records["id"]) == ["a-entered-by-hand", "a-t-a-rev-2020-2020"]


def test_target_id_decides():
    header = "target_id,park,metric,year,value,unit,source"
    report = check(csv("t-b-rev-core-2025,p-b,revenue,2021,60,亿元,s",  # the ambiguous pair, told apart
                       "t-b-rev-all-2025,,,2021,100,亿元,s",
                       "t-nowhere,p-a,revenue,2021,1,亿元,s",
                       "t-a-rev-2025,p-b,revenue,2022,160,亿元,s",  # its park is p-a: warned, saved
                       ",p-a,revenue,2023,170,亿元,s",  # no target_id: matched by park and metric
                       header=header))
    assert [(p.row, p.column, p.code) for p in report.problems] == [(4, "target_id", "no-target")]
    assert [(w.row, w.code) for w in report.warnings] == [(5, "target-differs")]
    assert list(report.records["target_id"]) == ["t-b-rev-core-2025", "t-b-rev-all-2025", "t-a-rev-2025",
                                                 "t-a-rev-2025"]


def test_a_file_with_target_ids_needs_no_park_or_metric():
    report = check(csv("t-a-rev-2020,2019,90,亿元,s", header="target_id,year,value,unit,source"))
    assert report.ok and list(report.records["target_id"]) == ["t-a-rev-2020"]


@pytest.mark.parametrize(("header", "code", "message"), [
    ("park,metric,year,value,unit", "missing-columns", "missing column\\(s\\) source \\(accepted headers — source: "
     "source / 来源 / 数据来源 / 出处\\)"),
    ("year,value,unit,source", "missing-columns", "missing column\\(s\\) park, metric"),
    ("park,metric,year,年份,value,unit,source", "duplicate-column", "columns 'year' and '年份' both give year"),
])
def test_a_file_without_its_columns_is_refused(header, code, message):
    with pytest.raises(TableFileError, match=message) as err:
        check(csv(header=header))
    assert err.value.code == code and err.value.message_zh


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_chinese_headers_in_every_encoding(encoding):
    content = csv("甲园,主营业务收入,2019,90,亿元,2019年海珠区统计公报", header="园区,指标,年份,数值,单位,数据来源",
                  encoding=encoding)
    report = check(content)
    assert report.ok and report.records.iloc[0]["source"] == "2019年海珠区统计公报"
    assert report.encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"}[encoding]
    assert report.encoding_source.startswith("detected")


def test_headers_are_case_insensitive_and_unknown_ones_are_warned():
    report = check(csv("p-a,revenue,2019,90,亿元,s,x,2020-03-01", header=" Park ,METRIC,Year,Value,Unit,Source,colour,As_Of"))
    assert report.ok and report.records.iloc[0]["as_of"] == "2020-03-01"
    assert [(w.row, w.column, w.code) for w in report.warnings] == [(1, "colour", "ignored-column")]


def test_blank_rows_are_skipped_and_rows_keep_their_numbers():
    report = check(csv("p-a,revenue,2019,90,亿元,s", ",,,,,", "", "p-a,revenue,2019x,90,亿元,s"))
    assert report.rows == 2 and [p.row for p in report.problems] == [5]


def test_semicolon_separated():
    report = check(csv("p-a;revenue;2019;90;亿元;s", header=HEADER.replace(",", ";")))
    assert report.ok and len(report.records) == 1


def test_records_are_valid_actuals():
    report = check(csv(*(m[0] for m in MATCHED[:4])))
    assert list(report.records.columns) == [*ACTUALS_COLUMNS, "row"]
    assert report.records["year"].dtype == "int64" and report.records["value"].dtype == float
    for rec in report.records.to_dict("records"):
        assert validate_actual(rec, TARGETS) == []


def test_no_rows_gives_an_empty_report():
    report = check(csv())
    assert report.ok and report.rows == 0 and list(report.records.columns) == [*ACTUALS_COLUMNS, "row"]


def test_every_message_has_a_known_code():
    assert {code for code, _, _ in MESSAGES.values()} <= set(ROW_CODES) | set(WARNING_CODES)
    assert "park" in COLUMN_ALIASES and "园区" in COLUMN_ALIASES["park"]


def test_the_bundled_targets():
    targets, parks = registry.load("targets"), registry.load("parks")
    content = csv("gz-vip-pazhou,revenue,2019,1100,亿元,2019年海珠区国民经济和社会发展统计公报",
                  "海珠琶洲互联网价值创新园,主营业务收入,2021,1500,亿元,2021年统计公报",
                  "gz-hitech-zone,地区生产总值,2023,4000,亿元,黄埔区2023年统计公报",
                  "gz-vip-pazhou,revenue,2018,1,亩,s")
    report = check_actuals(content, "pazhou.csv", targets, parks, None)
    assert list(report.records["target_id"]) == ["t-pazhou-revenue-2020", "t-gzhtz-gdp-2025"]
    assert list(report.records["id"]) == ["a-t-pazhou-revenue-2020-2019", "a-t-gzhtz-gdp-2025-2023"]
    assert [(p.row, p.code) for p in report.problems] == [(3, "ambiguous-target"), (5, "unit-dimension")]
    assert "t-pazhou-revenue-2025, t-pazhou-west-revenue-2025" in report.problems[0].message
    assert report.problems[0].text("zh").startswith("第 3 行“target_id”列：无法确定目标")


# --- XLSX ---------------------------------------------------------------------------------------

def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.create_sheet("ignored").append(["not", "read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_first_sheet_with_numbers_and_dates():
    content = xlsx([["园区", "指标", "年份", "数值", "单位", "来源", "统计日期"],
                    ["p-a", "revenue", 2019, 90.5, "亿元", "公报", dt.datetime(2020, 3, 1)],
                    [None, None, None, None, None, None, None],
                    ["p-a", "revenue", 2019.5, 91, "亿元", "公报", None]])
    report = check(content, "figures.xlsx")
    rec = report.records.iloc[0]
    assert (rec["year"], rec["value"], rec["as_of"], rec["row"]) == (2019, 90.5, "2020-03-01", 2)
    assert [(p.row, p.code) for p in report.problems] == [(4, "bad-year")]
    assert report.encoding is None


@pytest.mark.parametrize(("content", "name", "code", "message"), [
    (xlsx([["park"]])[:1500], "figures.xlsx", "unreadable", "not a readable XLSX workbook: the file is damaged or truncated"),
    (b"park,metric\n", "figures.xlsx", "unreadable", "not an XLSX workbook \\(an .xlsx file is a zip archive"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "figures.xls", "unsupported", "the old .xls format is not read"),
    (b"", "figures.csv", "empty", "the file is empty"),
    (b"a,b\n1,2,3,4\n", "figures.csv", "unreadable", "not a readable CSV table"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "figures.csv", "unreadable", "it looks like png"),
    (b"x" * (MAX_BYTES + 1), "figures.csv", "too-large", "20.0 MB a file of figures may be"),
])
def test_files_that_cannot_be_checked(content, name, code, message):
    with pytest.raises(TableFileError, match=message) as err:
        check(content, name)
    assert err.value.code == code and err.value.message_zh.startswith(name)


def test_a_workbook_whose_parts_are_missing():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(TableFileError, match="damaged or truncated \\(") as err:
        check(buf.getvalue(), "figures.xlsx")
    assert err.value.code == "unreadable"


def test_a_zip_bomb_named_xlsx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (8 * 1024 * 1024))
    with pytest.raises(TableFileError, match="expands .*:1") as err:
        check(buf.getvalue(), "figures.xlsx")
    assert err.value.code == "unsafe"


def test_too_many_rows():
    rows = ["p-a,revenue,2019,90,亿元,s"] * 100_001
    with pytest.raises(TableFileError, match="more than 100,000 rows") as err:
        check(csv(*rows))
    assert err.value.code == "too-many-rows"


def test_a_workbook_with_broken_sheet_xml():
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([["park"]]))) as good, zipfile.ZipFile(buf, "w") as bad:
        for info in good.infolist():
            data = good.read(info)
            bad.writestr(info, b"<worksheet><sheetData><row" if info.filename.endswith("sheet1.xml") else data)
    with pytest.raises(TableFileError, match="damaged or truncated \\(.*ParseError") as err:
        check(buf.getvalue(), "figures.xlsx")
    assert err.value.code == "unreadable"


def test_no_damaged_workbook_crashes_the_check():
    """Law: whatever bytes of a workbook are changed, the check returns a report or raises TableFileError."""
    import random

    good, rnd = xlsx([HEADER.split(","), ["p-a", "revenue", 2019, 90, "亿元", "s"]]), random.Random(7)
    for _ in range(300):
        damaged = bytearray(good)
        for _ in range(rnd.randint(1, 8)):
            damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
        try:
            check(bytes(damaged), "figures.xlsx")
        except TableFileError:
            pass
