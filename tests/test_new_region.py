"""A new region end to end (issue 23): a plan for 中山 with two parks (one placed, one not placed
yet) and three targets, saved as workspace records, shows on every page in both languages — the
atlas (legend, filters, table), Sites, Targets, the comparison, exports — and nothing breaks on a
park without a place or a plan without an English name."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import streamlit as st

from layers.programmes import Catalogue, next_colour
from store import open_workspace
from tests.helpers import run_page

PLAN = {"name_zh": "中山火炬高技术产业开发区", "name_en": None, "title": "中山火炬高技术产业开发区发展规划（测试）",
        "document": None, "issuer": "中山市人民政府", "date": "2026-03-01", "province": "广东省", "city": "中山市",
        "status": "in-force", "superseded_by": None, "source": "测试用规划 文首", "as_of": "2026-03-01", "note": None}
PARK_COMMON = {"kind": "park", "programme": "zs-torch", "parent_id": None, "city": "中山市", "district": "火炬开发区",
               "industries": ["生物医药", "装备制造"], "industries_en": None, "operator": None, "status": "planned",
               "note": None, "as_of": "2026-03-01", "boundary_text": None}
PLACED = {**PARK_COMMON, "name_zh": "中山健康科技产业基地", "name_en": "Zhongshan health-tech base",
          "source": "测试用规划 二、（一）", "geometry_quality": "approximate-location", "stated_area_km2": None,
          "stated_area_text": None}
UNPLACED = {**PARK_COMMON, "name_zh": "中山装备制造产业园", "name_en": None, "source": "测试用规划 二、（二）",
            "geometry_quality": None, "stated_area_km2": 0.8, "stated_area_text": "1200亩"}
TARGET = {"metric": "land-developed", "name_zh": "开发土地", "name_en": "Land developed", "unit": "亩",
          "target_year": 2028, "baseline_value": None, "baseline_year": None, "comparison": "≥", "status": "target",
          "source": "测试用规划 三、", "as_of": "2026-03-01", "note": None}


@pytest.fixture()
def zhongshan(own_workspace):
    """The workspace with the 中山 plan, its two parks and three targets, saved as an editor."""
    st.cache_resource.clear()
    ws = open_workspace(own_workspace, user="officer-zs", role="editor")
    colour = next_colour(ws.layer("programmes")["colour"])
    ws.save_feature("programmes", "zs-torch", None, {**PLAN, "colour": colour}, reason="new plan", expected_version=0)
    ws.save_feature("parks", "zs-health", shapely.Point(113.49, 22.55), PLACED, reason="new park", expected_version=0)
    ws.save_feature("parks", "zs-equipment", None, UNPLACED, reason="new park, not placed yet", expected_version=0)
    for tid, owner, value in (("t-zs-health-land", "zs-health", 500.0), ("t-zs-equipment-land", "zs-equipment", 1200.0),
                              ("t-zs-plan-land", "zs-torch", 3000.0)):
        ws.save_feature("targets", tid, None, {**TARGET, "park_id": owner, "value": value}, reason="new target",
                        expected_version=0)
    st.cache_resource.clear()
    yield ws
    st.cache_resource.clear()


def test_the_records_are_versions_with_author_and_reason(zhongshan):
    parks = zhongshan.layer("parks")
    assert parks.loc["zs-equipment", "geometry"] is None and parks.loc["zs-health", "geometry"] is not None
    history = zhongshan.history("parks", "zs-equipment")
    assert history[["version", "op", "author", "reason"]].iloc[0].tolist() == [1, "create", "officer-zs",
                                                                              "new park, not placed yet"]
    plan = Catalogue(zhongshan.layer("programmes")).get("zs-torch")
    assert plan is not None and plan.name("en") == "中山火炬高技术产业开发区" and not plan.has_name("en")
    assert len(set(zhongshan.layer("programmes")["colour"].str.upper())) == 6  # unique among the plans


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_atlas_lists_both_parks_offers_the_city_and_plan(zhongshan, lang):
    at = run_page({"lang": lang})
    cities = next(w for w in at.multiselect if w.key == "w_cities")
    plans = next(w for w in at.multiselect if w.key == "w_programmes")
    assert ("中山市" if lang == "zh" else "Zhongshan") in cities.options  # English from the gazetteer
    assert ("中山火炬高技术产业开发区" if lang == "zh" else "中山火炬高技术产业开发区 (Chinese name)") in plans.options
    table = next(df.value for df in at.dataframe if "zs-equipment" in df.value.index)
    assert "zs-health" in table.index
    quality = [c for c in table.columns if c in ("几何来源", "Geometry")] or [table.columns[-3]]
    assert ("尚未落位" if lang == "zh" else "Not placed yet") in table.loc["zs-equipment"].astype(str).tolist(), quality


def test_atlas_filtered_to_the_new_city_and_its_park_profile(zhongshan):
    at = run_page({"lang": "en", "city": "中山市"})
    table = next(df.value for df in at.dataframe if "zs-health" in df.value.index)
    assert set(table.index) == {"zs-health", "zs-equipment"}
    at = run_page({"lang": "en", "park": "zs-equipment"})
    profile = next(h.proto.body for h in at.get("html") if "parkatlas-profile" in h.proto.body)
    assert "中山装备制造产业园" in profile and "1200亩" in profile


def test_the_map_draws_the_placed_park_in_its_plan_colour_and_legend(zhongshan):
    from ui import data
    from ui.mapview import base_map, plan_legend

    frame = data.park_display_frame("en")
    assert "zs-health" in frame.index and "zs-equipment" not in frame.index  # not placed: not drawn
    plans = data.programmes()
    assert frame.at["zs-health", "colour"] == plans.colour("zs-torch") != "#888888"
    html = base_map("en", "light", (22.55, 113.49), 10, "/app/static/vendor",
                    plans=plan_legend(data.parks()["programme"], plans, "en")).get_root().render()
    assert json.dumps("中山火炬高技术产业开发区")[1:-1] in html and plans.colour("zs-torch") in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sites_and_comparison_include_the_new_parks(zhongshan, lang):
    at = run_page({"lang": lang, "city": "中山市", "cmp": "zs-health,zs-equipment"}, script="from ui.pages import sites\nsites.render()\n")
    assert not at.exception
    frames = [df.value for df in at.dataframe]
    assert any("中山健康科技产业基地" in " ".join(map(str, f.index)) + " ".join(map(str, f.iloc[:, 0]))
               or "中山健康科技产业基地" in " ".join(map(str, f.columns)) for f in frames)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_targets_page_lists_the_three_targets(zhongshan, lang):
    at = run_page({"lang": lang}, script="from ui.pages import targets\ntargets.render()\n")
    table = pd.concat([df.value for df in at.dataframe], ignore_index=True)
    text = table.astype(str).to_string()
    assert "中山健康科技产业基地" in text or "Zhongshan health-tech base" in text
    assert "中山装备制造产业园" in text and "中山火炬高技术产业开发区" in text


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_exports_carry_the_new_parks_placed_or_not(zhongshan, fmt, tmp_path):
    from geo.export import export_layer
    from ui import data
    from ui.panels.export_panel import parks_for_export

    exported = export_layer(parks_for_export(data.parks()), fmt, "wgs84", layer_name="parks")
    path = tmp_path / exported.filename
    path.write_bytes(exported.data)
    if fmt == "csv":
        back = pd.read_csv(path, encoding="utf-8-sig")
    else:
        back = gpd.read_file(path)
    rows = back.set_index("id")
    assert {"zs-health", "zs-equipment"} <= set(rows.index)
    assert rows.loc["zs-equipment", "programme"] == "zs-torch" and rows.loc["zs-equipment", "stated_area_km2"] == 0.8


ZS_STORY = """title: {zh: 中山新规划, en: Zhongshan's new plan}
description: {zh: 测试用故事：中山的新规划。, en: A test story of the Zhongshan plan.}
basemap: light
slides:
- title: {zh: 两个园区, en: Two parks}
  parks: [zs-health, zs-equipment]
  layers: [parks]
  highlight: [zs-health, zs-equipment]
  caption: {zh: 健康科技产业基地已落位；装备制造产业园尚未落位。, en: The health-tech base is placed; the equipment park is not yet.}
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_story_of_the_new_plan_presents_the_placed_park(zhongshan, lang):
    from layers.stories import parse_story as parse
    from layers.story_records import story_record

    # stories are workspace records (issue 26): the officer's story file, imported
    zhongshan.save_feature("stories", "zhongshan", None, story_record(parse(ZS_STORY, "zhongshan"), source="test",
                                                                      as_of=None),
                           reason="a story of the new plan", expected_version=0)
    st.cache_resource.clear()
    at = run_page({"lang": lang, "story": "zhongshan"}, script="from ui.pages import present\npresent.render()\n")
    text = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.subheader, *at.title, *at.info, *at.warning])
    assert "1 / 1" in text and ("中山的新规划" if lang == "zh" else "Zhongshan plan") in text  # the story opened
    assert not at.error and not at.warning, [e.value for e in [*at.error, *at.warning]]
    from layers.stories import parse_story, slide_bounds
    from ui import data as app_data

    slide = parse_story(ZS_STORY, "zhongshan").slides[0]
    west, south, east, north = slide_bounds(slide, app_data.parks())  # the placed park only, padded
    assert (west, south, east, north) == pytest.approx((113.47, 22.53, 113.51, 22.57))


def test_an_actual_figure_shows_as_progress_on_targets_profile_and_map(zhongshan):
    zhongshan.save_feature("actuals", "a-t-zs-health-land-2026", None,
                           {"target_id": "t-zs-health-land", "year": 2026, "value": 40.0, "unit": "ha",
                            "source": "中山市统计公报 2026（测试）"}, reason="figure of the bulletin", expected_version=0)
    st.cache_resource.clear()
    from ui import data
    from ui.atlas_symbols import coloured_by_progress

    progress = data.progress()
    met = progress.loc["t-zs-health-land"]
    assert met["status"] == "met" and met["actual_value"] == pytest.approx(600.0)  # 40 ha = 600 亩
    frame, legend = coloured_by_progress(data.park_display_frame("en"), "en")
    assert frame.at["zs-health", "colour"] == "#228833" and ("#228833", "Met") in legend
    at = run_page({"lang": "en"}, script="from ui.pages import targets\ntargets.render()\n")
    table = next(df.value for df in at.dataframe if "t-zs-health-land" in df.value.index)
    row = table.loc["t-zs-health-land"]
    assert row["Progress"] == "Met" and row["Actual (in the target's unit)"] == "600 亩"
    assert row["Source of the actual"] == "中山市统计公报 2026（测试）"
    assert table.loc["t-zs-equipment-land", "Progress"] == "No data"
    atlas = run_page({"lang": "en", "city": "中山市"})
    parks_table = next(df.value for df in atlas.dataframe if "zs-health" in df.value.index)
    assert parks_table.loc["zs-health", "Progress"] == "Met" and parks_table.loc["zs-equipment", "Progress"] == "No data"
    at = run_page({"lang": "zh", "park": "zs-health"})
    profile = next(h.proto.body for h in at.get("html") if "parkatlas-targets" in h.proto.body)
    assert "已达成" in profile and "中山市统计公报 2026（测试）" in profile
