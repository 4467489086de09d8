"""layers.constraints, layers.inspection (indicators, rules, the table) and its command line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import Point, Polygon, box

from geo.constraints import prepare_constraint
from geo.crs import PLANAR
from layers.constraints import KINDS, ROW_COLUMNS, ConstraintCheck, constraint_rows, kind_by_name, officer_kind
from layers.inspection import inspect_parks, load_constraint, read_parks
from layers.inspection.indicators import CODES_FILE, RULES_FILE, group_of, indicator_rows, load_rules, park_indicators

ROOT = Path(__file__).resolve().parents[1]
SEED_105 = Path("/work/shared/seeds/003_3a2aab8b7852ced7.txt")
X, Y, D = 113.3, 23.1, 0.01
GEOD = Geod(ellps="WGS84")


def truth_m2(poly: Polygon) -> float:
    lon, lat = poly.exterior.coords.xy
    return abs(GEOD.polygon_area_perimeter(lon, lat)[0])


def strip(x0: float, x1: float) -> Polygon:
    """A meridian-bounded strip of the park square: its area is (x1 - x0) / D of the park's, exactly."""
    return box(X + x0 * D, Y, X + x1 * D, Y + D)


PARKS = gpd.GeoDataFrame(
    {"id": ["vip", "vip-phase", "pt"], "programme": ["gz-value-innovation"] * 3, "kind": ["park", "phase", "park"]},
    geometry=[box(X, Y, X + D, Y + D), box(X, Y, X + D, Y + D), Point(X, Y)], crs=4326,
).set_index("id", drop=False).rename_axis(None)


# --- constraint kinds and the table ------------------------------------------------------------

def test_kinds_are_data_with_rules_colours_and_sources():
    names = {k.name_zh for k in KINDS.values()}
    assert {"永久基本农田", "生态保护红线", "城镇开发边界", "河湖管理范围/蓝线", "水源保护区", "历史文化保护线"} <= names
    for kind in KINDS.values():
        assert kind.rule == ("within" if kind.name_zh == "城镇开发边界" else "avoid")
        assert kind.colour.startswith("#") and len(kind.colour) == 7 and kind.colour_source
        assert kind.tolerance_m2 >= 0
    assert kind_by_name("蓝线").id == "river-lake-blue-line"
    assert kind_by_name("地质灾害风险区") == officer_kind("地质灾害风险区")
    with pytest.raises(ValueError, match="unknown rule"):
        officer_kind("x", rule="near")


def test_constraint_rows_units_method_and_order():
    farmland = prepare_constraint(gpd.GeoSeries([strip(0, 0.5)], crs=4326), name="farmland.gpkg",
                                  extent=box(X - D, Y - D, X + 2 * D, Y + 2 * D))
    ubg = prepare_constraint(gpd.GeoSeries([strip(0, 0.75)], crs=4326), name="ubg.gpkg",
                             extent=box(X - D, Y - D, X + 2 * D, Y + 2 * D))
    checks = [ConstraintCheck(KINDS["permanent-basic-farmland"], farmland, version="3", as_of="2024-05-01"),
              ConstraintCheck(KINDS["urban-development-boundary"], ubg)]
    rows = constraint_rows(PARKS, checks)
    assert list(rows.columns) == ROW_COLUMNS + ["geometry"]
    assert list(rows["park_id"]) == ["vip", "vip", "vip-phase", "vip-phase", "pt", "pt"]
    vip = rows[rows["park_id"] == "vip"].set_index("check")
    assert vip.loc["永久基本农田", "rule"] == "avoid" and vip.loc["城镇开发边界", "rule"] == "within"
    assert vip.loc["永久基本农田", "area_m2"] == pytest.approx(truth_m2(strip(0, 0.5)), rel=1e-9)
    assert vip.loc["城镇开发边界", "area_m2"] == pytest.approx(truth_m2(strip(0.75, 1)), rel=1e-6)
    assert vip.loc["永久基本农田", "share"] == pytest.approx(0.5, rel=1e-6)
    assert vip.loc["城镇开发边界", "share"] == pytest.approx(0.25, rel=1e-6)
    assert vip.loc["永久基本农田", "area_ha"] == pytest.approx(vip.loc["永久基本农田", "area_m2"] / 1e4)
    assert vip.loc["永久基本农田", "area_mu"] == pytest.approx(vip.loc["永久基本农田", "area_m2"] * 15 / 1e4)
    assert set(vip["verdict"]) == {"conflict"}
    method = vip.loc["永久基本农田", "method"]
    assert "geodesic" in method and "WGS84" in method and "farmland.gpkg" in method
    assert "version 3" in method and "as of 2024-05-01" in method and "tolerance 100 m²" in method
    assert list(rows[rows["park_id"] == "pt"]["verdict"]) == ["no outline", "no outline"]
    assert rows.crs.to_epsg() == 4326


# --- land-use indicators and rules ---------------------------------------------------------------

def parcels() -> gpd.GeoDataFrame:
    """The park square in meridian strips: G1 25 %, M1 30 %, 1001 10 %, 0701 10 %, 0801 5 %,
    1207 10 %, B1 5 %; the last 5 % has no parcel. One parcel sticks out of the park (half inside)."""
    rows = [("G1", 0, 0.25, None, None), ("M1", 0.25, 0.55, 30000.0, 12000.0), ("100101", 0.55, 0.65, None, None),
            ("0701", 0.65, 0.75, None, None), ("0801", 0.75, 0.8, None, None), ("1207", 0.8, 0.9, None, None),
            ("B1", 0.9, 0.95, 8000.0, 2000.0)]
    geoms = [strip(a, b) for _, a, b, _, _ in rows]
    codes = [r[0] for r in rows]
    floor, foot = [r[3] for r in rows], [r[4] for r in rows]
    geoms.append(box(X + 1.0 * D, Y, X + 1.1 * D, Y + D))  # outside the park entirely
    codes.append("G1")
    floor.append(99999.0)
    foot.append(99999.0)
    return gpd.GeoDataFrame({"code": codes, "floor_area_m2": floor, "footprint_m2": foot}, geometry=geoms, crs=4326)


def test_code_groups_from_the_table():
    table = pd.read_csv(CODES_FILE, dtype=str)
    assert set(table["group"]) == {"green", "industrial", "residential", "public_service", "road"}
    assert table["source"].notna().all() and table["code"].is_unique
    assert not {"1002", "1003", "1201"} & set(table["code"])  # mining, salt, rail: not M / not roads
    cases = {"M0": "industrial", "M2": "industrial", "100102": "industrial", "1002": None, "G3": "green",
             "1402": "green", "R21": "residential", "070102": "residential", "A3": "public_service",
             "0806": "public_service", "S1": "road", "1207": "road", "S3": None, "B1": None, None: None, "": None}
    assert {code: group_of(code) for code in cases} == cases


def test_indicators_from_parcels_clipped_to_the_outline():
    ind = park_indicators(PARKS, parcels()).set_index(["park_id", "indicator"])["value"]
    assert ind["vip", "green_ratio"] == pytest.approx(0.25, rel=1e-5)
    assert ind["vip", "industrial_share"] == pytest.approx(0.40, rel=1e-5)
    assert ind["vip", "residential_share"] == pytest.approx(0.10, rel=1e-5)
    assert ind["vip", "public_service_share"] == pytest.approx(0.05, rel=1e-5)
    assert ind["vip", "road_share"] == pytest.approx(0.10, rel=1e-5)
    assert ind["vip", "parcel_coverage"] == pytest.approx(0.95, rel=1e-5)
    park_area = truth_m2(box(X, Y, X + D, Y + D))
    assert ind["vip", "far"] == pytest.approx((30000 + 8000) / park_area, rel=1e-5)
    assert ind["vip", "building_coverage"] == pytest.approx((12000 + 2000) / park_area, rel=1e-5)
    assert "pt" not in ind.index.get_level_values(0)


def test_far_apportions_a_parcel_that_crosses_the_outline():
    half_out = gpd.GeoDataFrame({"code": ["M1"], "floor_area_m2": [10000.0]},
                                geometry=[box(X + 0.5 * D, Y, X + 1.5 * D, Y + D)], crs=4326)
    ind = park_indicators(PARKS.iloc[:1], half_out).set_index("indicator")
    assert ind.loc["far", "value"] == pytest.approx(5000 / truth_m2(box(X, Y, X + D, Y + D)), rel=1e-5)
    assert pd.isna(ind.loc["building_coverage", "value"])  # no footprint column: no data


def test_rules_are_data_with_their_citation():
    rules = load_rules()
    (green,) = [r for r in rules if r.indicator == "green_ratio"]
    assert (green.programme, green.park_kind, green.op, green.value) == ("gz-value-innovation", "park", ">=", 0.2)
    assert "105号" in green.source and "一、(二) 5" in green.source
    if SEED_105.exists():
        assert green.quote in SEED_105.read_text(encoding="utf-8")


def test_indicator_verdicts_against_the_rules():
    rows = indicator_rows(PARKS, parcels())
    green = rows[rows["check"] == "green_ratio"].set_index("park_id")
    assert green.loc["vip", "verdict"] == "met" and "绿地率" in green.loc["vip", "rule"]
    assert green.loc["vip-phase", "verdict"] == "no rule"  # the rule is for parks, not their phases
    assert green.loc["pt", "verdict"] == "no outline"
    assert rows[(rows["park_id"] == "vip") & (rows["check"] == "industrial_share")]["verdict"].item() == "no rule"
    thin = parcels()[parcels()["code"] != "G1"]
    assert indicator_rows(PARKS.iloc[:1], thin).set_index("check").loc["green_ratio", "verdict"] == "not met"
    nothing = parcels().iloc[-1:]  # only the parcel outside the park
    assert indicator_rows(PARKS.iloc[:1], nothing).set_index("check").loc["green_ratio", "verdict"] == "no data"


def test_load_rules_names_a_bad_row(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text(RULES_FILE.read_text(encoding="utf-8").replace(",>=,", ",≥,"), encoding="utf-8")
    with pytest.raises(ValueError, match="rules.csv: line 2: field 'op'"):
        load_rules(bad)


def test_inspect_parks_puts_constraints_then_indicators():
    c = prepare_constraint(gpd.GeoSeries([strip(0, 0.5)], crs=4326))
    table = inspect_parks(PARKS, [ConstraintCheck(KINDS["ecological-redline"], c)], parcels())
    assert list(table.columns) == ROW_COLUMNS
    assert table.iloc[0]["check"] == "生态保护红线"
    assert "green_ratio" in set(table["check"])


# --- files and the command line ----------------------------------------------------------------

def write_geojson(path: Path, gdf: gpd.GeoDataFrame) -> Path:
    gdf.to_file(path, driver="GeoJSON")
    return path


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers.inspection", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture()
def files(tmp_path):
    parks = write_geojson(tmp_path / "parks.geojson", PARKS.reset_index(drop=True))
    farmland = write_geojson(tmp_path / "farmland.geojson", gpd.GeoDataFrame(
        {"n": [1, 2]}, geometry=[strip(0, 0.5), box(X - D, Y - D, X + 2 * D, Y - 0.5 * D)], crs=4326))
    ubg_planar = gpd.GeoDataFrame({"n": [1]}, geometry=[box(X - D, Y - D, X + 2 * D, Y + 2 * D)], crs=4326).to_crs(PLANAR)
    ubg = tmp_path / "ubg.gpkg"
    ubg_planar.to_file(ubg, driver="GPKG")  # declares EPSG:4547: reprojected on import
    landuse = write_geojson(tmp_path / "landuse.geojson", parcels())
    return {"parks": parks, "farmland": farmland, "ubg": ubg, "landuse": landuse, "dir": tmp_path}


def test_cli_prints_one_row_per_park_and_check(files):
    done = run_cli(str(files["parks"]), "--avoid", f"永久基本农田={files['farmland']}",
                   "--within", f"城镇开发边界={files['ubg']}", "--landuse", str(files["landuse"]), "--csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == ["park_id", "check", "rule", "area_m2", "share", "verdict"]
    by = {(r["park_id"], r["check"]): r for r in rows}
    farm = by["vip", "永久基本农田"]
    assert farm["rule"] == "avoid" and farm["verdict"] == "conflict"
    assert float(farm["area_m2"]) == pytest.approx(truth_m2(strip(0, 0.5)), rel=1e-5)
    assert float(farm["share"]) == pytest.approx(0.5, rel=1e-5)
    assert by["vip", "城镇开发边界"]["verdict"] == "clear"
    assert by["pt", "永久基本农田"]["verdict"] == "no outline"
    assert by["vip", "green_ratio"]["verdict"] == "met"
    assert "reprojected from EPSG:4547" in done.stderr
    table = run_cli(str(files["parks"]), "--avoid", f"永久基本农田={files['farmland']}")
    assert table.returncode == 0 and "conflict" in table.stdout and "park_id" in table.stdout.splitlines()[0]


def test_cli_invalid_constraint_geometry_is_repaired_and_said(files):
    bowtie = Polygon([(X, Y), (X + D, Y + D), (X + D, Y), (X, Y + D)])
    path = write_geojson(files["dir"] / "bow.geojson", gpd.GeoDataFrame(geometry=[bowtie], crs=4326))
    done = run_cli(str(files["parks"]), "--avoid", f"生态保护红线={path}", "--csv")
    assert done.returncode == 0, done.stderr
    assert "made valid" in done.stderr
    vip = [r for r in csv.DictReader(io.StringIO(done.stdout)) if r["park_id"] == "vip"][0]
    assert float(vip["share"]) == pytest.approx(0.5, rel=1e-3)


def test_cli_refuses_a_guessed_crs_and_takes_a_given_one(files):
    planar = gpd.GeoSeries([strip(0, 0.5)], crs=4326).to_crs(PLANAR).iloc[0]
    raw = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": json.loads(gpd.GeoSeries([planar]).to_json())
         ["features"][0]["geometry"]}]}
    path = files["dir"] / "nocrs.geojson"
    path.write_text(json.dumps(raw), encoding="utf-8")
    refused = run_cli(str(files["parks"]), "--avoid", f"永久基本农田={path}")
    assert refused.returncode == 2
    assert "does not say its CRS" in refused.stderr and "EPSG:4547" in refused.stderr
    given = run_cli(str(files["parks"]), "--avoid", f"永久基本农田={path}@4547", "--csv")
    assert given.returncode == 0, given.stderr
    vip = [r for r in csv.DictReader(io.StringIO(given.stdout)) if r["park_id"] == "vip"][0]
    assert float(vip["share"]) == pytest.approx(0.5, rel=1e-3)


def put(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.geojson", "no such file"),
    (lambda d: put(d / "empty.geojson", b""), "empty"),
    (lambda d: put(d / "pic.geojson", b"\x89PNG\r\n\x1a\n" + b"0" * 64), "not a geo file"),
])
def test_cli_bad_files_exit_2(files, make, message):
    bad = make(files["dir"])
    as_constraint = run_cli(str(files["parks"]), "--avoid", f"永久基本农田={bad}")
    as_parks = run_cli(str(bad))
    for done in (as_constraint, as_parks):
        assert done.returncode == 2
        assert message in done.stderr and "Traceback" not in done.stderr


def test_cli_parks_need_an_id_and_args_a_name(files):
    no_id = write_geojson(files["dir"] / "noid.geojson", PARKS.drop(columns="id").reset_index(drop=True))
    done = run_cli(str(no_id))
    assert done.returncode == 2 and "no 'id' column" in done.stderr
    done = run_cli(str(files["parks"]), "--avoid", str(files["farmland"]))
    assert done.returncode == 2 and "NAME=FILE" in done.stderr
    points = write_geojson(files["dir"] / "pts.geojson", gpd.GeoDataFrame(geometry=[Point(X, Y)], crs=4326))
    done = run_cli(str(files["parks"]), "--avoid", f"永久基本农田={points}")
    assert done.returncode == 2 and "no usable polygon" in done.stderr


def test_read_parks_and_load_constraint_in_python(files):
    parks = read_parks(files["parks"])
    assert list(parks.index) == ["vip", "vip-phase", "pt"]
    check = load_constraint(files["ubg"], "城镇开发边界")
    assert check.effective_rule == "within" and any("EPSG:4547" in n for n in check.extra_notes)
