"""From a plan document's reading to saved records (issue 24's review): proposals matched against
the workspace (new, update with the fields that differ, unchanged), a newer edition proposing only
what changed, placement suggestions that say what they are, and one checked, ordered batch saved
all or nothing with the document as every version's evidence. Real workspaces (GeoPackage)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from layers.plan_reader.read import read_plan
from layers.plan_reader.sources import read_document
from layers.plan_review import review
from layers.plan_review.batch import Decision, build
from layers.plan_review.placement import NamedLayer, suggest
from store import ConflictError, FeatureChange, open_workspace

DOCS = Path(__file__).parent / "data" / "plan_review"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def reading_of(path: Path):
    source = read_document(path.read_bytes(), path.name)
    return read_plan(source.text, sha256=source.sha256, file_name=source.file_name)


def frames(ws) -> dict:
    return {layer: ws.layer(layer) for layer in ("programmes", "parks", "targets", "transport_nodes")}


def save(ws, batch, reason="read from the plan") -> dict:
    return ws.save_records([(c.layer, FeatureChange(c.feature_id, c.geometry, c.attributes, c.evidence,
                                                    c.expected_version)) for c in batch.changes], reason=reason)


FILLED = {"district": "火炬开发区", "status": "planned"}
"""What the officer adds where the test plan does not say (中山 has no districts: its parks name a zone)."""


def accept_real_parks(rv) -> dict[str, Decision]:
    """The officer's decisions on the 2024 test plan: the three parks the text describes (with
    district and status filled in), their targets, the plan; the names mentioned in passing rejected."""
    keep = {"中山科创园", "科创园一期", "翠亨生命健康产业园"}
    out = {}
    for p in rv.parks:
        out[p.key] = Decision(p.name in keep, dict(FILLED) if p.name in keep else {})
    for p in rv.targets:
        owner = rv.get(str(p.owner_key))
        out[p.key] = Decision(owner is None or owner.name in keep, owner=None if owner is None or owner.name in keep else "plan")
    return out


@pytest.fixture()
def ws(own_workspace):
    return open_workspace(own_workspace, user="officer-zs", role="editor")


def test_a_new_plan_is_proposed_with_its_parks_areas_boundaries_and_targets(ws):
    rv = review(reading_of(DOCS / "zs_kechuang_2024.txt"), frames(ws))
    assert rv.plan.status == "new" and rv.plan.attrs["document"] == "中府〔2024〕12号"
    assert rv.plan.attrs["date"] == "2024-03-01" and rv.plan.attrs["issuer"] == "中山市人民政府"
    assert rv.plan.attrs["province"] == "广东省"  # 中山市 from the parks, its province from the gazetteer
    parks = {p.name: p for p in rv.parks}
    core = parks["中山科创园"]
    assert core.status == "new" and core.attrs["stated_area_text"] == "约3.2平方公里"
    assert core.attrs["stated_area_km2"] == pytest.approx(3.2)
    assert core.attrs["boundary_text"].startswith("东至中山港大道")
    assert core.attrs["industries"] == ["生物医药", "新一代信息技术"]
    assert parks["科创园一期"].attrs["stated_area_km2"] == pytest.approx(0.8)  # 1200亩 = 0.8 km²
    assert core.evidence.quote in (DOCS / "zs_kechuang_2024.txt").read_text("utf-8")
    revenue = next(t for t in rv.targets if t.attrs["metric"] == "revenue")
    assert (revenue.attrs["value"], revenue.attrs["unit"], revenue.attrs["target_year"]) == (300.0, "亿元", 2026)
    assert revenue.owner_key == core.key
    assert parks["中山科创园"].strength > 0 and parks["火炬开发区"].strength == 0  # named in passing: not ticked


def test_the_accepted_batch_saves_as_one_transaction_with_the_document_as_evidence(ws):
    rv = review(reading_of(DOCS / "zs_kechuang_2024.txt"), frames(ws))
    batch = build(rv, accept_real_parks(rv), frames(ws))
    assert batch.ok, batch.problems
    layers = [c.layer for c in batch.changes]
    assert layers[0] == "programmes" and layers.index("targets") > max(i for i, x in enumerate(layers) if x == "parks")
    plan_id = batch.ids["plan"]
    park_ids = {rv.get(k).name: v for k, v in batch.ids.items() if k.startswith("park:")}
    assert plan_id not in park_ids.values() and len(set(park_ids.values())) == len(park_ids)
    saved = save(ws, batch)
    assert len(saved) == len(batch.changes)
    parks = ws.layer("parks")
    core = parks.loc[park_ids["中山科创园"]]
    assert core["programme"] == plan_id and core["stated_area_text"] == "约3.2平方公里" and core.geometry is None
    assert parks.loc[park_ids["科创园一期"], "parent_id"] == park_ids["中山科创园"]
    history = ws.history("parks", park_ids["中山科创园"])
    evidence = history["evidence"].iloc[-1]
    assert "zs_kechuang_2024.txt" in evidence and rv.reading.sha256 in evidence and "一、（一）" in evidence
    assert "东至中山港大道" in evidence  # the quote the finding stands on
    targets = ws.layer("targets")
    assert set(targets[targets["park_id"] == park_ids["中山科创园"]]["metric"]) == {"revenue"}


def test_the_same_document_read_again_proposes_nothing(ws):
    first = review(reading_of(DOCS / "zs_kechuang_2024.txt"), frames(ws))
    save(ws, build(first, accept_real_parks(first), frames(ws)))
    again = review(reading_of(DOCS / "zs_kechuang_2024.txt"), frames(ws))
    assert again.plan.record_id is not None and again.plan.status == "unchanged"
    kept = {p.name: p.status for p in again.parks}
    assert kept["中山科创园"] == kept["科创园一期"] == kept["翠亨生命健康产业园"] == "unchanged"
    decisions = {p.key: Decision(p.status != "unchanged") for p in again.proposals()}
    assert not [c for c in build(again, decisions, frames(ws)).changes if c.layer in ("programmes", "parks")
                and c.feature_id in {again.plan.record_id}]


def test_a_newer_edition_proposes_only_what_changed(ws):
    old = reading_of(DOCS / "zs_kechuang_2024.txt")
    first = review(old, frames(ws))
    save(ws, build(first, accept_real_parks(first), frames(ws)))
    new = reading_of(DOCS / "zs_kechuang_2026.txt")
    plan_id = ws.layer("programmes").index[ws.layer("programmes")["document"] == "中府〔2024〕12号"][0]
    rv = review(new, frames(ws), plan_id=plan_id, previous=old)
    assert rv.plan.status == "update" and {"title", "document", "date", "document_sha256"} <= set(rv.plan.changes)
    by_name = {p.name: p for p in rv.parks}
    assert by_name["翠亨生命健康产业园"].status == "update"
    assert by_name["翠亨生命健康产业园"].changes == ("stated_area_km2", "stated_area_text")
    assert by_name["中山科创园"].status == "unchanged" and by_name["科创园一期"].status == "unchanged"
    changed_targets = [t for t in rv.targets if t.status != "unchanged"]
    assert {(t.attrs["value"], t.attrs["target_year"]) for t in changed_targets} >= {(350.0, 2028)}
    assert all(t.attrs["target_year"] == 2028 for t in changed_targets)


def test_an_update_of_a_bundled_park_lists_the_fields_that_differ_and_never_its_kind(ws):
    seed = next(SEEDS.glob("003_*.txt"))
    rv = review(reading_of(seed), frames(ws))
    assert rv.plan.record_id == "gz-value-innovation"  # matched by the document's SHA-256
    pazhou = next(p for p in rv.parks if p.record_id == "gz-vip-pazhou")
    assert "kind" not in pazhou.found and "name_zh" not in pazhou.found
    assert set(pazhou.changes) <= set(pazhou.found)
    for field in pazhou.changes:
        assert str(pazhou.current.get(field)) != str(pazhou.attrs.get(field))


def test_placement_suggestions_say_what_they_are():
    parks = gpd.GeoDataFrame({"name_zh": ["中山科创园", "别的园"]}, geometry=[shapely.Point(113.5, 22.6), None],
                             crs=4326, index=["zs-a", "zs-b"])
    stations = gpd.GeoDataFrame({"name_zh": ["地铁12号线官洲站", "远处站"]},
                                geometry=[shapely.Point(113.4, 23.1), shapely.Point(100, 30)], crs=4326)
    outline = shapely.box(113.3, 22.5, 113.31, 22.51)
    imported = NamedLayer("园区边界.shp", gpd.GeoDataFrame({"名称": ["翠亨生命健康产业园"]}, geometry=[outline], crs=4326), "名称")
    districts = gpd.GeoDataFrame({"name": ["南沙区"]}, geometry=[shapely.box(113.4, 22.6, 113.7, 22.9)], crs=4326)
    found = suggest(["翠亨生命健康产业园", "翠亨园"], "广州市南沙区", "翠亨生命健康产业园，毗邻中山科创园和官洲站。", parks=parks,
                    stations=stations, layers=[imported], districts=[districts])
    kinds = [(s.kind, s.label, s.quality) for s in found]
    assert kinds[0] == ("feature", "翠亨生命健康产业园", "reference") and found[0].geometry.equals(outline)
    assert ("park", "中山科创园", "approximate-location") in kinds
    assert ("station", "地铁12号线官洲站", "approximate-location") in kinds
    district = next(s for s in found if s.kind == "district")
    assert district.geometry.equals(districts.geometry[0].centroid) and district.quality == "approximate-location"
    assert not any(s.label == "远处站" for s in found)


def test_a_projected_imported_layer_is_suggested_in_wgs84():
    outline = gpd.GeoSeries([shapely.box(113.3, 22.5, 113.31, 22.51)], crs=4326).to_crs(4547)
    layer = NamedLayer("cgcs.gpkg", gpd.GeoDataFrame({"name": ["甲园"]}, geometry=outline, crs=4547), "name")
    (s,) = suggest(["甲园"], None, "", layers=[layer])
    assert s.geometry.bounds[0] == pytest.approx(113.3, abs=1e-6)


def test_a_batch_with_a_rejected_owner_says_so_and_saves_nothing(ws):
    rv = review(reading_of(DOCS / "zs_kechuang_2024.txt"), frames(ws))
    decisions = accept_real_parks(rv)
    core = next(p for p in rv.parks if p.name == "中山科创园")
    decisions[core.key] = Decision(False)
    batch = build(rv, decisions, frames(ws))
    revenue = next(t for t in rv.targets if t.owner_key == core.key)
    assert any("not accepted" in m for m in batch.problems[revenue.key])
    phase = next(p for p in rv.parks if p.name == "科创园一期")
    assert any("saved without one" in n for n in batch.notes[phase.key])
    decisions = accept_real_parks(rv)
    decisions["plan"] = Decision(False)
    assert "plan" in build(rv, decisions, frames(ws)).problems


def test_a_save_overtaken_by_another_is_refused_whole(ws, own_workspace):
    first = review(reading_of(DOCS / "zs_kechuang_2024.txt"), frames(ws))
    save(ws, build(first, accept_real_parks(first), frames(ws)))
    plan_id = ws.layer("programmes").index[ws.layer("programmes")["document"] == "中府〔2024〕12号"][0]
    rv = review(reading_of(DOCS / "zs_kechuang_2026.txt"), frames(ws), plan_id=plan_id,
                previous=reading_of(DOCS / "zs_kechuang_2024.txt"))
    batch = build(rv, {}, frames(ws))
    cuiheng = next(p for p in rv.parks if p.name == "翠亨生命健康产业园")
    other = open_workspace(own_workspace, user="officer-2", role="editor")
    other.save_feature("parks", cuiheng.record_id, None, {"note": "checked on site"}, reason="site visit",
                       expected_version=cuiheng.version)
    before = len(ws.history("programmes", plan_id))
    with pytest.raises(ConflictError):
        save(ws, batch)
    assert len(ws.history("programmes", plan_id)) == before  # the plan's update was not saved either
    assert ws.layer("parks").loc[cuiheng.record_id, "note"] == "checked on site"


def test_a_viewer_cannot_save_a_batch(own_workspace, ws):
    rv = review(reading_of(DOCS / "zs_kechuang_2024.txt"), frames(ws))
    batch = build(rv, accept_real_parks(rv), frames(ws))
    viewer = open_workspace(own_workspace, user="guest", role="viewer")
    from store import PermissionDenied

    with pytest.raises(PermissionDenied):
        save(viewer, batch)
    assert "中府〔2024〕12号" not in set(ws.layer("programmes")["document"].dropna())


def test_links_named_for_a_park_with_status_and_what_the_workspace_has(ws):
    seed = next(SEEDS.glob("003_*.txt"))
    reading = reading_of(seed)
    rv = review(reading, frames(ws) | {"transport_lines": ws.layer("transport_lines"), "facilities": ws.layer("facilities")})
    from layers.plan_review.proposals import links_in_workspace

    i = next(i for i, p in enumerate(rv.parks) if p.record_id == "gz-vip-biological-island")
    found = {link.name: (link.kind, link.status, hit) for link, hit in
             links_in_workspace(reading.parks[i], frames(ws) | {"transport_lines": ws.layer("transport_lines")},
                                rv.parks[i].record_id)}
    assert found["地铁12号线"][:2] == ("line", "planned") and found["官洲站"][:2] == ("station", "planned")
    assert found["官洲站"][2] is not None  # the workspace's 地铁12号线官洲站
    huadu = reading.parks[next(i for i, p in enumerate(rv.parks) if p.record_id == "gz-vip-huadu")]
    assert ("广花快速路", "road", "planned") in {(k.name, k.kind, k.status) for k in huadu.links}
    assert all(k.evidence.quote in seed.read_text("utf-8") for k in huadu.links)
