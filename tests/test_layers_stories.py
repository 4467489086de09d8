"""layers.stories: the bundled stories load; each broken file in tests/data/stories/ gives its exact
error; story -> YAML -> story is the identity; one language is enough for a text (the other falls
back and says so); a saved view (center, zoom) and a hidden slide round-trip."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from layers import registry
from layers._errors import LayerError, LayerValidationError, StoryError
from layers.stories import Slide, Story, Text, load_stories, load_story, parse_story, slide_bounds, story_to_yaml

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "data" / "stories"
BROKEN = ROOT / "tests" / "data" / "stories"
TEST_IDS = {"test-square-park", "test-square-phase", "test-foshan-base", "test-point"}


@pytest.fixture(scope="module")
def park_ids() -> set[str]:
    return set(registry.load("parks").index)


# --------------------------------------------------------------------------- bundled stories

def test_the_three_bundled_stories_load(park_ids):
    stories, problems = load_stories(STORIES, park_ids)
    assert problems == []
    assert sorted(stories) == ["foshan-hitech-zone", "gz-value-innovation-parks", "metro-to-parks"]
    assert [len(s.slides) for s in (stories["gz-value-innovation-parks"], stories["foshan-hitech-zone"],
                                     stories["metro-to-parks"])] == [10, 9, 6]
    assert stories["foshan-hitech-zone"].title.en == "Foshan high-tech zone: one zone, five parks, six landmarks"


def test_value_innovation_story_covers_the_ten_parks(park_ids):
    story = load_story(STORIES / "gz-value-innovation-parks.yaml", park_ids)
    vip = {p for p in park_ids if p.startswith("gz-vip-") and "-phase-" not in p}
    assert len(vip) == 10
    assert set(story.slides[0].parks) == vip
    assert vip <= {p for s in story.slides[1:] for p in s.parks}


def test_metro_story_steps_through_the_years(park_ids):
    story = load_story(STORIES / "metro-to-parks.yaml", park_ids)
    assert [s.network_year for s in story.slides] == [2018, 2021, 2025, 2025, "full", "full"]
    assert all("transport_lines" in s.layers for s in story.slides)


def test_bundled_stories_round_trip_through_yaml(park_ids):
    stories, _ = load_stories(STORIES, park_ids)
    for sid, story in stories.items():
        assert parse_story(story_to_yaml(story), sid, park_ids) == story


# --------------------------------------------------------------------------- good and broken files

def test_good_story_file():
    story = load_story(BROKEN / "good.yaml", TEST_IDS)
    assert story == Story(
        id="good", title=Text("测试故事", "Test story"), description=Text("两张幻灯片", "Two slides"), basemap="osm",
        slides=(Slide(caption=Text("两个园区", "Two parks"), bounds=(113.0, 23.0, 113.4, 23.2),
                      layers=("parks", "transport_lines"), network_year=2021, highlight=("test-square-park",),
                      title=Text("总览", "Overview")),
                Slide(caption=Text("佛山", "Foshan"), parks=("test-foshan-base",))))
    assert story.slides[1].layers == ("parks",) and story.slides[1].network_year == "full"
    assert story.title.get("en") == "Test story" and story.title.get("zh") == "测试故事"


BROKEN_CASES = {
    "bad-syntax.yaml": ["bad-syntax.yaml: YAML syntax error at line 5, column 16: mapping values are not allowed here"],
    "not-mapping.yaml": ["not-mapping.yaml: the file must hold a mapping (title, description, slides), not a list"],
    "empty-slides.yaml": ["empty-slides.yaml: field 'slides': must list at least one slide"],
    "unknown-park.yaml": ["unknown-park.yaml: slide 2: field 'parks': 'no-such-park' is not the id of a park",
                          "unknown-park.yaml: slide 2: field 'highlight': 'ghost' is not the id of a park"],
    "bounds-order.yaml": ["bounds-order.yaml: slide 1: field 'bounds': minlon 113.4 is not less than maxlon 113"],
    "bounds-range.yaml": ["bounds-range.yaml: slide 1: field 'bounds': maxlon 200 is outside -180..180 degrees",
                          "bounds-range.yaml: slide 1: field 'bounds': maxlat 95 is outside -90..90 degrees"],
    "bounds-and-parks.yaml": ["bounds-and-parks.yaml: slide 1: give either 'bounds' or 'parks' (where the map looks), "
                              "not both",
                              "bounds-and-parks.yaml: slide 2: give 'bounds' or 'parks' to say where the map looks"],
    "unknown-layer.yaml": ["unknown-layer.yaml: slide 1: field 'layers': 'roads' is not a layer "
                           "(parks, transport_lines, transport_nodes, facilities, landuse)"],
    "bad-year.yaml": ["bad-year.yaml: slide 1: field 'network_year': 'soon' is not a year (1990-2060) or 'full'",
                      "bad-year.yaml: slide 2: field 'network_year': 1850 is not a year (1990-2060) or 'full'"],
    "missing-caption.yaml": ["missing-caption.yaml: slide 1: field 'caption': needs a text in zh or en "
                             "(one language is enough)",
                             "missing-caption.yaml: slide 2: field 'caption': is missing"],
}


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_broken_story_gives_its_exact_error(name):
    expected = BROKEN_CASES[name]
    with pytest.raises(StoryError, match=re.escape(expected[0])) as info:
        load_story(BROKEN / name, TEST_IDS)
    assert info.value.problems == expected
    assert isinstance(info.value, LayerValidationError) and isinstance(info.value, LayerError)


def test_load_stories_keeps_the_good_and_reports_the_broken():
    stories, problems = load_stories(BROKEN, TEST_IDS)
    assert list(stories) == ["good"]
    assert problems == [line for name in sorted(BROKEN_CASES) for line in BROKEN_CASES[name]]


def test_missing_folder_is_no_stories(tmp_path):
    assert load_stories(tmp_path / "nope", TEST_IDS) == ({}, [])


def test_story_level_problems_all_reported():
    text = "title: {zh: 只有中文}\nbasemap: neon\ncolour: red\nslides: [{parks: [test-point], caption: {zh: a, en: b}}]\n"
    with pytest.raises(StoryError) as info:
        parse_story(text, "Bad_Id", TEST_IDS)
    assert info.value.problems == [
        "Bad_Id.yaml: the story id 'Bad_Id' (the file name) must be a lowercase slug like 'metro-to-parks'",
        "Bad_Id.yaml: unknown field 'colour' (known: title, description, basemap, slides)",
        "Bad_Id.yaml: field 'description': is missing",
        "Bad_Id.yaml: field 'basemap': 'neon' is not one of light, osm, satellite, gaode, tianditu",
    ]


def test_slide_problems_bounds_shape_and_types():
    text = ("title: {zh: a, en: b}\ndescription: {zh: a, en: b}\nslides:\n"
            "  - bounds: [113, 23, 114]\n    caption: {zh: a, en: b}\n"
            "  - just a text\n"
            "  - parks: []\n    caption: {zh: a, en: b, fr: c}\n    zom: 12\n")
    with pytest.raises(StoryError) as info:
        parse_story(text, "s", TEST_IDS)
    assert info.value.problems == [
        "s.yaml: slide 1: field 'bounds': must be [minlon, minlat, maxlon, maxlat], four numbers",
        "s.yaml: slide 2: must be a mapping (caption, parks or bounds, ...), not a text",
        "s.yaml: slide 3: unknown field 'zom' (known: title, bounds, parks, layers, network_year, highlight, caption, "
        "center, zoom, hidden)",
        "s.yaml: slide 3: field 'parks': must name at least one park",
        "s.yaml: slide 3: field 'caption': unknown language(s) fr (use zh and en)",
    ]


def test_yaml_tags_are_refused_by_safe_load():
    text = "title: !!python/object/apply:os.system ['true']\ndescription: {zh: a, en: b}\nslides: []\n"
    with pytest.raises(StoryError, match=r"s\.yaml: YAML syntax error at line 1, column 8: .*python/object/apply"):
        parse_story(text, "s", TEST_IDS)


# --------------------------------------------------------------------------- round trip and saving views

def test_round_trip_story_yaml_story(tmp_path):
    story = load_story(BROKEN / "good.yaml", TEST_IDS)
    text = story_to_yaml(story)
    assert "bounds: [113.0, 23.0, 113.4, 23.2]" in text and "测试故事" in text
    path = tmp_path / "good.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_story(path, TEST_IDS) == story


def test_one_language_is_enough_and_the_other_falls_back_marked():
    text = ("title: {en: Only English}\nslides:\n"
            "  - parks: [test-point]\n    caption: {zh: 只有中文}\n    center: [113.3, 23.1]\n    zoom: 12.5\n"
            "    hidden: true\n")
    story = parse_story(text, "talk", TEST_IDS, draft=True)  # made in the app: no description needed
    assert story.title == Text("", "Only English") and story.title.get("zh") == "Only English"
    assert story.title.is_fallback("zh") and not story.title.is_fallback("en")
    slide = story.slides[0]
    assert slide.caption.get("en") == "只有中文" and slide.caption.is_fallback("en")
    assert slide.center == (113.3, 23.1) and slide.zoom == 12.5 and slide.hidden and story.shown() == ()
    assert parse_story(story_to_yaml(story), "talk", TEST_IDS, draft=True) == story
    with pytest.raises(StoryError, match="field 'description': is missing"):
        parse_story(text, "talk", TEST_IDS)  # a story file still has a description


def test_a_saved_view_is_checked():
    text = ("title: {zh: a}\ndescription: {zh: b}\nslides:\n"
            "  - parks: [test-point]\n    caption: {zh: c}\n    center: [200, 23]\n    zoom: 30\n    hidden: 1\n")
    with pytest.raises(StoryError) as info:
        parse_story(text, "s", TEST_IDS)
    assert info.value.problems == ["s.yaml: slide 1: field 'center': must be [lon, lat] in degrees",
                                   "s.yaml: slide 1: field 'zoom': 30 is not a zoom level (0-22)",
                                   "s.yaml: slide 1: field 'hidden': must be true or false, not a number"]


def test_slide_bounds_fits_the_parks_with_padding():
    parks = gpd.GeoDataFrame(geometry=[box(113.0, 23.0, 113.1, 23.1), Point(113.3, 23.2)], index=["a", "b"], crs=4326)
    assert slide_bounds(Slide(caption=Text("a", "b"), parks=("a", "b")), parks) == pytest.approx(
        (112.98, 22.98, 113.32, 23.22))
    assert slide_bounds(Slide(caption=Text("a", "b"), bounds=(1.0, 2.0, 3.0, 4.0)), parks) == (1.0, 2.0, 3.0, 4.0)
    with pytest.raises(StoryError, match="none of zz is in the parks layer"):
        slide_bounds(Slide(caption=Text("a", "b"), parks=("zz",)), parks)
