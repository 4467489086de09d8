"""Integrity of the bundled transport and facilities layers (data/transport_lines.geojson,
data/transport_nodes.geojson, data/facilities.geojson): valid, cited, placed only where a
document and the reference stations support it, with the documents' exact figures. A link a
document names but gives no placeable points for is kept with null geometry and the parks
(`park_ids`) whose section names it.

Reference geodata (../shared/data/reference) is used to check positions; it is never copied into data/.
"""

from __future__ import annotations

import json
import re
import shutil

import geopandas as gpd
import pytest

from layers import registry
from layers._errors import LayerValidationError
from layers.transport import FULL_PLAN, check_line_refs, load_lines, named_for_park, open_in, placed

DOCUMENTS = (
    "广州市价值创新园区建设三年行动方案",
    "广州高新技术产业开发区“十四五”发展规划",
    "佛山国家高新区高质量发展行动方案",
    "“2+2+4”产业集群",
    "清城区科技创新发展“十四五”规划",
)
"""A distinctive part of each source document's official title (data/SOURCES.md)."""
AS_OF = {
    "广州市价值创新园区建设三年行动方案": "2018-06-21",
    "广州高新技术产业开发区“十四五”发展规划": "2021-10-11",
    "佛山国家高新区高质量发展行动方案": "2021",
}
STATUSES = {"existing", "under-construction", "planned"}
BUNDLED = ("transport_lines", "transport_nodes", "facilities")
UNPLACED = "位置未定：文件未给出可定位的走向/站位，未绘制"
"""What the note of every link without geometry says."""


@pytest.fixture(scope="module")
def lines() -> gpd.GeoDataFrame:
    return registry.load("transport_lines")


@pytest.fixture(scope="module")
def nodes() -> gpd.GeoDataFrame:
    return registry.load("transport_nodes")


@pytest.fixture(scope="module")
def facilities() -> gpd.GeoDataFrame:
    return registry.load("facilities")


@pytest.fixture(scope="module")
def parks() -> gpd.GeoDataFrame:
    return registry.load("parks")


@pytest.fixture(scope="module")
def layers(lines, nodes, facilities) -> dict[str, gpd.GeoDataFrame]:
    return {"transport_lines": lines, "transport_nodes": nodes, "facilities": facilities}


@pytest.fixture(scope="module")
def stations(reference_dir) -> dict[str, tuple[float, float]]:
    """Reference station name -> (lon, lat) rounded to 5 decimals, as the data files use them."""
    doc = json.loads((reference_dir / "metro_stations_gz_fs.geojson").read_text(encoding="utf-8"))
    out: dict[str, tuple[float, float]] = {}
    for f in doc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        out.setdefault(f["properties"]["name_zh"], (round(lon, 5), round(lat, 5)))
    return out


# --- loading, citation, status -------------------------------------------------------------

def test_bundled_layers_load_with_unique_ids(layers):
    assert {k: len(v) for k, v in layers.items()} == {"transport_lines": 46, "transport_nodes": 37, "facilities": 62}
    assert {k: len(placed(layers[k])) for k in ("transport_lines", "transport_nodes")} == {
        "transport_lines": 6, "transport_nodes": 31}  # 2 named nodes + 29 stations of the drawn lines
    for gdf in layers.values():
        assert gdf["id"].is_unique
        assert gdf.crs.to_epsg() == 4326


@pytest.mark.parametrize("layer_id", BUNDLED)
def test_every_feature_cites_one_of_the_five_documents_and_a_section(layers, layer_id):
    gdf = layers[layer_id]
    uncited = [fid for fid, src in zip(gdf["id"], gdf["source"]) if not any(d in src for d in DOCUMENTS)]
    assert uncited == []
    no_section = [fid for fid, src in zip(gdf["id"], gdf["source"]) if not re.search(r"[一二三四五六七八九十]、", src)]
    assert no_section == []


@pytest.mark.parametrize("layer_id", BUNDLED)
def test_as_of_is_the_cited_documents_date(layers, layer_id):
    gdf = layers[layer_id]
    wrong = [fid for fid, src, as_of in zip(gdf["id"], gdf["source"], gdf["as_of"])
             if as_of != next(date for doc, date in AS_OF.items() if doc in src)]
    assert wrong == []


@pytest.mark.parametrize("layer_id", BUNDLED)
def test_statuses_are_in_the_allowed_set(layers, layer_id):
    assert set(layers[layer_id]["status"]) <= STATUSES


def test_every_node_line_ref_names_a_line(lines, nodes):
    assert check_line_refs(lines, nodes) == []


def test_check_line_refs_catches_a_dangling_ref(lines, nodes):
    broken = nodes.copy()
    broken.loc["node-xinzao-tod-hub", "line_refs"] = ["gz-metro-99"]
    assert check_line_refs(lines, broken) == [
        "transport_nodes: feature 'node-xinzao-tod-hub': field 'line_refs': 'gz-metro-99' is not the line_ref of any line"]


def test_every_null_geometry_link_names_existing_parks(lines, nodes, parks):
    for gdf in (lines, nodes):
        for fid, ids in zip(gdf.loc[gdf.geometry.isna(), "id"], gdf.loc[gdf.geometry.isna(), "park_ids"]):
            assert isinstance(ids, list) and ids, fid
            assert set(ids) <= set(parks.index), fid


def test_facility_parks_exist(facilities, parks):
    assert sorted(set(facilities["park_id"]) - set(parks.index)) == []


# --- geometry: how it was placed ---------------------------------------------------------------

def test_lines_are_schematic_and_say_so(lines):
    assert (lines["geometry_quality"] == "schematic").all()
    drawn = placed(lines)
    assert drawn["note"].str.contains("示意线").all()
    assert drawn["note"].str.contains("非实际线位").all()


def test_links_without_geometry_say_why_and_name_their_parks(lines, nodes, parks):
    """A named-only link (null geometry) says its position is not given, and hangs on the parks
    whose section names it."""
    for gdf in (lines, nodes):
        unplaced = gdf[gdf.geometry.isna()]
        assert not unplaced.empty
        assert unplaced["note"].str.contains(UNPLACED, regex=False).all()
    for gdf in (lines, nodes):
        unknown = sorted({pid for ids in gdf["park_ids"] if isinstance(ids, list) for pid in ids} - set(parks.index))
        assert unknown == []


def test_every_link_names_its_parks(lines, nodes):
    """Placed links too: every link is named in some park's section."""
    for gdf in (lines, nodes):
        assert gdf["park_ids"].map(lambda ids: isinstance(ids, list) and len(ids) > 0).all()


def test_line_refs_are_unique(lines):
    assert lines["line_ref"].is_unique


@pytest.mark.parametrize(("link_id", "park_id"), [
    ("line-road-huanan-expressway", "gz-vip-pazhou"),      # 东至华南快速 (四至)
    ("line-gz-metro-19-pazhou", "gz-vip-pazhou"),
    ("line-gz-tram-pazhou-ring", "gz-vip-pazhou"),
    ("node-pazhou-pier", "gz-vip-pazhou"),
    ("node-pazhou-airport-check-in", "gz-vip-pazhou"),
    ("line-gz-metro-18-pazhou", "gz-vip-pazhou"),
    ("line-gz-metro-12", "gz-vip-biological-island"),
    ("node-guanzhou-metro-12", "gz-vip-biological-island"),
    ("line-suiguanshen-intercity", "gz-vip-zengcheng"),
    ("line-guangshan-hsr", "gz-vip-zengcheng"),
    ("line-gz-metro-8-north-extension", "gz-vip-huadu"),
    ("line-road-guanghua-expressway", "gz-vip-huadu"),
    ("line-humen-bridge-2", "gz-vip-nansha-ai"),
    ("line-road-jingzhu-expressway", "gz-vip-nansha-ai"),     # 西至京珠高速 (四至)
    ("line-guangshengang-hsr", "gz-vip-nansha-ai"),          # 南至广深港客运专线 (四至)
    ("line-road-qingsheng-avenue", "gz-vip-nansha-ai"),
    ("line-road-nansha-eastern-trunk-road", "gz-vip-nansha-ai"),
    ("line-road-yongjiu-expressway", "gz-vip-huangpu-biotech"),
    ("line-road-zhishi-avenue-phase-1", "gz-vip-huangpu-biotech"),
    ("line-gz-tram-panyu-4", "gz-vip-panyu-smart-city"),
    ("line-panyu-smart-city-monorail", "gz-vip-panyu-smart-city"),
    ("node-knowledge-city-hsr-station", "gz-htz-knowledge-city"),
    ("node-huangpu-hsr-station", "gz-htz-knowledge-city"),
    ("line-gz-tram-huangpu-2", "gz-htz-science-city"),
    ("node-huangpu-cruise-city", "gz-htz-huangpu-port"),
])
def test_named_links_spot_checks(lines, nodes, link_id, park_id):
    gdf = lines if link_id.startswith("line-") else nodes
    assert link_id in named_for_park(gdf, park_id).index


def test_boundary_roads_are_links_of_their_park(lines, parks):
    """A road or railway in a park's 四至 (boundary_text) is a link named for that park."""
    for park_id, words in {"gz-vip-pazhou": ["华南快速", "阅江路"], "gz-vip-nansha-ai": ["京珠高速", "广深港客运专线"],
                           "gz-vip-huangpu-biotech": ["九龙大道", "钟太快速"], "gz-vip-tianhe-software": ["大观路", "环城高速"],
                           "gz-vip-panyu-nev": ["南大干线", "莲花大道", "金山大道东延段"],
                           "gz-vip-panyu-smart-city": ["兴业大道", "金光东路", "市新路"],
                           "gz-vip-zengcheng-phase-1": ["新誉北路", "新建北路", "创强路"],
                           "gz-vip-zengcheng-phase-2": ["新誉北路", "创业大道", "永宁大道"]}.items():
        named = named_for_park(lines, park_id)
        for word in words:
            assert word in parks.loc[park_id, "boundary_text"], (park_id, word)
            hits = named[named["name_zh"].str.contains(word, regex=False)]
            assert len(hits) == 1, (park_id, word)
            assert hits.iloc[0].geometry is None
            assert "3.具体区位范围" in hits.iloc[0]["source"]


def test_line_vertices_are_reference_station_positions(lines, stations):
    """Nothing invented: every vertex of a schematic line is a reference station (5 decimals)."""
    known = set(stations.values())
    drawn = placed(lines)
    invented = [(fid, xy) for fid, geom in zip(drawn["id"], drawn.geometry)
                for xy in geom.coords if (round(xy[0], 5), round(xy[1], 5)) not in known]
    assert invented == []


def test_nodes_are_approximate_and_at_a_reference_station(nodes, stations):
    assert (nodes["geometry_quality"] == "approximate-location").all()
    named = placed(nodes)[~placed(nodes)["id"].str.startswith("stn-")]
    assert sorted(named["id"]) == ["node-guanzhou-metro-12", "node-xinzao-tod-hub"]
    assert nodes.loc["node-guanzhou-metro-12"].geometry.coords[0] == stations["官洲"]
    assert nodes.loc["node-xinzao-tod-hub"].geometry.coords[0] == stations["新造"]


def test_pazhou_pier_and_check_in_are_not_on_the_park_point(nodes):
    """The document gives the pier and the check-in point no position: no geometry (not 0 m from the park)."""
    for nid in ("node-pazhou-pier", "node-pazhou-airport-check-in"):
        assert nodes.loc[nid].geometry is None
        assert nodes.loc[nid, "park_ids"] == ["gz-vip-pazhou"]
        assert UNPLACED in nodes.loc[nid, "note"]


def test_placed_nodes_lie_inside_a_reference_district(nodes, reference_dir):
    districts = gpd.read_file(reference_dir / "districts_gz_fs_qy.geojson")
    joined = gpd.sjoin(placed(nodes)[["id", "geometry"]], districts[["name_zh", "geometry"]], how="left", predicate="within")
    assert joined["name_zh"].notna().all(), joined[joined["name_zh"].isna()]["id"].tolist()
    named = joined[~joined["id"].str.startswith("stn-")]
    assert dict(zip(named["id"], named["name_zh"])) == {
        "node-guanzhou-metro-12": "海珠区", "node-xinzao-tod-hub": "番禺区"}


def test_every_vertex_of_a_drawn_line_is_one_of_its_stations(lines, nodes, stations):
    """The stations of a drawn line are its vertices, at reference positions, with the line's
    status and opening year; a station shared by two drawn lines is one node naming both."""
    stops = placed(nodes)[placed(nodes)["id"].str.startswith("stn-")]
    assert len(stops) == 29
    known = set(stations.values())
    assert all((round(g.x, 5), round(g.y, 5)) in known for g in stops.geometry)
    for _, line in placed(lines).iterrows():
        on_line = stops[stops["line_refs"].map(lambda refs, r=line["line_ref"]: r in refs)]
        vertices = {(round(x, 5), round(y, 5)) for x, y in line.geometry.coords}
        assert {(round(g.x, 5), round(g.y, 5)) for g in on_line.geometry} == vertices, line["id"]
    line18 = stops[stops["line_refs"].map(lambda r: r == ["gz-metro-18"])]
    assert set(line18["status"]) == {"planned"} and set(line18["open_year"]) == {2021}


def test_facilities_have_no_invented_site(facilities):
    """No document gives a facility's site: every facility hangs on its park with null geometry."""
    assert facilities.geometry.isna().all()


def test_files_are_reviewable_text():
    for layer_id in BUNDLED:
        text = registry.LAYERS[layer_id].path.read_text(encoding="utf-8")
        assert "\\u" not in text, layer_id
        doc = json.loads(text)
        assert len(text.splitlines()) == len(doc["features"]) + 2, layer_id  # one feature per line
        coords = re.findall(r"-?\d+\.\d+", json.dumps([f["geometry"] for f in doc["features"]]))
        assert all(len(c.split(".")[1]) <= 6 for c in coords), layer_id


# --- years ----------------------------------------------------------------------------------

def test_open_year_only_with_its_source(lines, nodes):
    assert lines["open_year"].notna().sum() == 5
    for gdf in (lines, nodes):
        with_year = gdf[gdf["open_year"].notna()]
        assert with_year["open_year_source"].notna().all()
        assert all(str(int(y)) in src for y, src in zip(with_year["open_year"], with_year["open_year_source"]))


def test_known_openings(lines):
    assert lines.set_index("line_ref")["open_year"].dropna().astype(int).to_dict() == {
        "gz-metro-18": 2021, "gz-metro-13": 2017, "gz-metro-21": 2019, "gz-metro-14": 2017, "humen-bridge-2": 2019}
    assert "2019-04-02" in lines.loc["line-humen-bridge-2", "open_year_source"]
    assert lines.loc["line-gz-metro-21-zhenlong", "open_year_source"] == "广州地铁21号线全线开通运营，2019-12-20"


def test_network_in_service_by_year(lines, nodes):
    def in_service(gdf, year):
        return sorted(gdf.loc[open_in(gdf, year), "line_ref" if "line_ref" in gdf else "id"])

    drawn = placed(lines)
    assert in_service(drawn, 2018) == ["gz-metro-13", "gz-metro-14"]
    assert in_service(drawn, 2020) == ["gz-metro-13", "gz-metro-14", "gz-metro-21"]
    assert in_service(drawn, 2021) == ["gz-metro-13", "gz-metro-14", "gz-metro-18", "gz-metro-21", "gz-tram-huangpu-1"]
    assert open_in(lines, FULL_PLAN).all()
    named = nodes[~nodes["id"].str.startswith("stn-")]
    assert in_service(named, 2030) == []  # no named node is existing or has a known opening
    stops = nodes[nodes["id"].str.startswith("stn-")]
    assert len(in_service(stops, 2018)) == 10  # the stations of lines 13 and 14 (opened 2017), 镇龙 shared with 21

    # named-only links: the boundary roads the 2018 document treats as existing, and 虎门二桥 from 2019
    named = lines[lines.geometry.isna()]
    boundary = sorted(named.loc[named["source"].str.contains("3.具体区位范围", regex=False), "line_ref"])
    assert in_service(named, 2018) == boundary
    assert in_service(named, 2019) == sorted(boundary + ["humen-bridge-2"])
    assert set(named.loc[named["line_ref"].isin(boundary), "status"]) == {"existing"}


def test_a_year_without_its_source_is_rejected(tmp_path):
    path = tmp_path / "transport_lines.geojson"
    shutil.copy(registry.LAYERS["transport_lines"].path, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["open_year_source"] = None
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LayerValidationError,
                       match="feature 'line-gz-metro-18-pazhou': field 'open_year_source': is required when open_year is given"):
        load_lines(path)


# --- the documents' own words ---------------------------------------------------------------

@pytest.mark.parametrize(("line_id", "line_ref", "mode", "status", "as_of"), [
    ("line-gz-metro-18-pazhou", "gz-metro-18", "metro", "planned", "2018-06-21"),
    ("line-gz-metro-13-xintang", "gz-metro-13", "metro", "under-construction", "2018-06-21"),
    ("line-gz-metro-21-zhenlong", "gz-metro-21", "metro", "under-construction", "2018-06-21"),
    ("line-gz-metro-14-knowledge-city", "gz-metro-14", "metro", "under-construction", "2018-06-21"),
    ("line-gz-tram-huangpu-1", "gz-tram-huangpu-1", "tram", "existing", "2021-10-11"),
    ("line-xinbaiguang-intercity", "xinbaiguang-intercity", "intercity", "under-construction", "2018-06-21"),
    ("line-gz-metro-12", "gz-metro-12", "metro", "planned", "2018-06-21"),
    ("line-gz-metro-19-pazhou", "gz-metro-19", "metro", "planned", "2018-06-21"),
    ("line-gz-metro-8-north-extension", "gz-metro-8", "metro", "planned", "2018-06-21"),
    ("line-gz-tram-pazhou-ring", "gz-tram-pazhou-ring", "tram", "planned", "2018-06-21"),
    ("line-gz-tram-huangpu-2", "gz-tram-huangpu-2", "tram", "under-construction", "2021-10-11"),
    ("line-gz-tram-panyu-4", "gz-tram-panyu-4", "tram", "under-construction", "2018-06-21"),
    ("line-panyu-smart-city-monorail", "panyu-smart-city-monorail", "monorail", "under-construction", "2018-06-21"),
    ("line-suiguanshen-intercity", "suiguanshen-intercity", "intercity", "under-construction", "2018-06-21"),
    ("line-guangshan-hsr", "guangshan-hsr", "high-speed-rail", "under-construction", "2018-06-21"),
    ("line-guangshengang-hsr", "guangshengang-hsr", "high-speed-rail", "existing", "2018-06-21"),
    ("line-humen-bridge-2", "humen-bridge-2", "bridge", "planned", "2018-06-21"),
    ("line-road-huanan-expressway", "road-huanan-expressway", "expressway", "existing", "2018-06-21"),
    ("line-road-jingzhu-expressway", "road-jingzhu-expressway", "expressway", "existing", "2018-06-21"),
    ("line-road-guanghua-expressway", "road-guanghua-expressway", "expressway", "planned", "2018-06-21"),
    ("line-road-yongjiu-expressway", "road-yongjiu-expressway", "expressway", "under-construction", "2018-06-21"),
    ("line-road-nansha-eastern-trunk-road", "road-nansha-eastern-trunk-road", "arterial", "planned", "2018-06-21"),
    ("line-road-qingsheng-avenue", "road-qingsheng-avenue", "arterial", "planned", "2018-06-21"),
    ("line-road-zhishi-avenue-phase-1", "road-zhishi-avenue-phase-1", "arterial", "under-construction", "2018-06-21"),
])
def test_lines_as_the_documents_state_them(lines, line_id, line_ref, mode, status, as_of):
    row = lines.loc[line_id]
    assert (row["line_ref"], row["mode"], row["status"], row["as_of"]) == (line_ref, mode, status, as_of)


def test_nodes_as_the_documents_state_them(nodes):
    got = {nid: (row["mode"], row["status"], row["line_refs"]) for nid, row in nodes.iterrows() if not nid.startswith("stn-")}
    assert got == {
        "node-guanzhou-metro-12": ("station", "planned", ["gz-metro-12"]),
        "node-xinzao-tod-hub": ("hub", "planned", []),
        "node-pazhou-pier": ("pier", "planned", []),
        "node-pazhou-airport-check-in": ("airport-check-in", "planned", []),
        "node-huangpu-hsr-station": ("hsr-station", "planned", []),
        "node-knowledge-city-hsr-station": ("hsr-station", "planned", []),
        "node-huangpu-cruise-city": ("pier", "under-construction", []),
        "node-suigang-pier": ("pier", "under-construction", []),
    }
    assert "12号线官洲站" in nodes.loc["node-guanzhou-metro-12", "source"] + nodes.loc["node-guanzhou-metro-12", "note"]


@pytest.mark.parametrize(("fid", "park_id", "category", "capacity", "unit", "text"), [
    ("fac-pazhou-parking", "gz-vip-pazhou", "parking", 5503, "个", "5503个"),
    ("fac-pazhou-charging", "gz-vip-pazhou", "charging", 10, "%", "不低于停车位总量10%"),
    ("fac-pazhou-health-centres", "gz-vip-pazhou", "hospital", 2, "个", "2—3个"),
    ("fac-pazhou-nurseries", "gz-vip-pazhou", "school", 6, "个", "托儿所6—8个"),
    ("fac-bio-island-hq-community", "gz-vip-biological-island", "housing", 1700, "套", "18.5万平方米,共1700套公寓,可满足5200位科研人员"),
    ("fac-panyu-central-park-corridor", "gz-vip-panyu-smart-city", "green", 60, "m", "60米宽中央公园"),
    ("fac-panyu-riverside-green-belt", "gz-vip-panyu-smart-city", "green", 100, "m", "100米滨江绿带"),
    ("fac-nansha-schools", "gz-vip-nansha-ai", "school", 5, "所", "等5个学校建设"),
    ("fac-nev-nine-year-school", "gz-vip-panyu-nev", "school", 1, "所", "九年一贯制学校各1所"),
])
def test_facility_figures_are_the_documents(facilities, fid, park_id, category, capacity, unit, text):
    row = facilities.loc[fid]
    assert (row["park_id"], row["category"], row["capacity"], row["unit"]) == (park_id, category, capacity, unit)
    assert text in row["capacity_text"]


def test_every_value_innovation_park_with_a_facility_list_has_facilities(facilities):
    counts = facilities.groupby("park_id").size().to_dict()
    for park_id in ("gz-vip-pazhou", "gz-vip-zengcheng", "gz-vip-tianhe-software", "gz-vip-panyu-smart-city",
                    "gz-vip-huadu", "gz-vip-nansha-ai", "gz-vip-huangpu-equipment", "gz-vip-panyu-nev",
                    "gz-vip-biological-island", "gz-vip-huangpu-biotech"):
        assert counts.get(park_id, 0) >= 2, park_id
    assert counts["gz-vip-pazhou"] == 11


def test_a_capacity_always_has_its_unit_and_words(facilities):
    with_cap = facilities[facilities["capacity"].notna()]
    assert with_cap["unit"].notna().all()
    assert with_cap["capacity_text"].notna().all()
    assert all(str(int(c)) in t for c, t in zip(with_cap["capacity"], with_cap["capacity_text"]))
