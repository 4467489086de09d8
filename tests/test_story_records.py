"""The `stories` record layer (issue 26): the bundled story files seeded as records equal to the
files; record <-> Story both ways; slide editing; the checks a record must pass (one title
language is enough, parks that exist); versions and conflicts in a real GeoPackage workspace
(the own_workspace fixture); a release's workspace (schema 1, no stories) gains the stories and
loses nothing."""

from __future__ import annotations

import shutil

import pytest

from layers import registry
from layers.records import RecordContext, check
from layers.stories import Text, load_stories
from layers.story_records import (add_slide, move_slide, new_story, set_caption, set_hidden, story_from_record,
                                  story_record, stories_from_records, view_slide)
from store import ConflictError, default_location, open_workspace
from store.workspace import BUNDLE_AUTHOR
from tests.test_store_upgrade import RELEASE, _assert_release_kept, _release_state

PARK_IDS = set(registry.load("parks").index)
BUNDLED, _ = load_stories(registry.DATA_DIR / "stories", PARK_IDS)


def context() -> RecordContext:
    return RecordContext(ids={"parks": PARK_IDS})


def test_the_bundled_stories_are_seeded_as_records_equal_to_their_files():
    ws = open_workspace(default_location(), user="x")
    frame = ws.layer("stories")
    assert sorted(frame.index) == sorted(BUNDLED)
    assert frame.geometry.isna().all() and set(frame["_version"]) == {1}
    found, problems = stories_from_records(frame, PARK_IDS)
    assert problems == [] and found == BUNDLED
    history = ws.history("stories", "metro-to-parks")
    assert history["op"].tolist() == ["seed"] and history["author"].tolist() == [BUNDLE_AUTHOR]
    assert history["evidence"].tolist() == ["data/stories/metro-to-parks.yaml"]
    ws.engine.dispose()


def test_a_record_and_its_story_convert_both_ways():
    for story in BUNDLED.values():
        record = story_record(story, source="s", as_of=None)
        assert story_from_record(record, PARK_IDS) == story
        assert check("stories", story.id, record, None, context()) == []


def test_slides_are_edited_as_new_lists():
    a = view_slide("甲", "", bounds=(113.3, 23.0, 113.5, 23.2), center=(113.4, 23.1), zoom=12)
    b = view_slide("", "B", highlight=["gz-vip-pazhou"], fit_highlight=True)
    slides = add_slide(add_slide([], a), b)
    assert [s["caption_zh"] for s in move_slide(slides, 1, -1)] == ["", "甲"]
    assert move_slide(slides, 0, -1) == slides  # already first
    assert set_caption(slides, 1, "乙", "")[1]["caption_zh"] == "乙" and slides[1]["caption_zh"] == ""
    assert set_hidden(slides, 0, True)[0]["hidden"] and not slides[0]["hidden"]
    with pytest.raises(IndexError, match="no slide 3"):
        set_hidden(slides, 2, True)
    story = story_from_record({**new_story("talk", "", "Talk", "2026-12-04"), "slides": slides}, PARK_IDS)
    assert story.title == Text("", "Talk") and story.title.get("zh") == "Talk"
    assert story.slides[0].bounds == (113.3, 23.0, 113.5, 23.2) and story.slides[0].zoom == 12
    assert story.slides[1].parks == ("gz-vip-pazhou",) and story.slides[1].caption.is_fallback("zh")


def test_a_record_is_checked_like_a_story_file():
    record = new_story("talk", "", "", "2026-12-04")
    record["slides"] = [view_slide("", "", bounds=(113.5, 23.0, 113.3, 23.2)),
                        view_slide("丙", "", highlight=["gone"], fit_highlight=True), {"caption_zh": "x", "colour": 1}]
    problems = check("stories", "talk", record, None, context())
    assert problems == [
        "feature 'talk': field 'title_zh': field 'title': needs a text in zh or en (one language is enough)",
        "feature 'talk': field 'slides': slide 1: field 'bounds': minlon 113.5 is not less than maxlon 113.3",
        "feature 'talk': field 'slides': slide 1: field 'caption': needs a text in zh or en "
        "(one language is enough)",
        "feature 'talk': field 'slides': slide 3: unknown field 'colour' (known: title, bounds, parks, layers, "
        "network_year, highlight, caption, center, zoom, hidden)",
        "feature 'talk': field 'slides': slide 3: give 'bounds' or 'parks' to say where the map looks",
    ]
    record.update(title_zh="讲解", slides=record["slides"][1:2])
    assert check("stories", "talk", record, None, context()) == [
        "story 'talk': slide 1: field 'parks': 'gone' is not the id of a park",
        "story 'talk': slide 1: field 'highlight': 'gone' is not the id of a park"]


def test_every_save_is_a_version_and_a_stale_one_is_refused():
    ws = open_workspace(default_location(), user="李工", role="editor")
    ws.save_feature("stories", "talk", None, new_story("talk", "讲解", "", "2026-12-04"), reason="new story",
                    expected_version=0)
    slides = add_slide([], view_slide("只有中文", "", bounds=(113.3, 23.0, 113.5, 23.2)))
    assert ws.save_feature("stories", "talk", None, {"slides": slides}, reason="added slide 1", expected_version=1) == 2
    other = ws.as_user("王工", "editor")
    other.save_feature("stories", "talk", None, {"title_en": "Talk"}, reason="English title", expected_version=2)
    with pytest.raises(ConflictError) as info:
        ws.save_feature("stories", "talk", None, {"slides": set_hidden(slides, 0, True)}, reason="hid slide 1",
                        expected_version=2)
    assert info.value.current_version == 3 and info.value.theirs["author"] == "王工"
    history = ws.history("stories", "talk")
    assert history["author"].tolist() == ["李工", "李工", "王工"]
    assert history["reason"].tolist() == ["new story", "added slide 1", "English title"]
    story = story_from_record({**ws.feature("stories", "talk")["attributes"], "id": "talk"}, PARK_IDS)
    assert story.title == Text("讲解", "Talk") and not story.slides[0].hidden
    ws.engine.dispose()


def test_a_release_workspace_gains_the_stories_and_loses_nothing(tmp_path):
    path = tmp_path / "release.gpkg"
    shutil.copy(RELEASE, path)
    old_rows, old_states, old_layers = _release_state(path)
    assert "stories" not in old_layers
    ws = open_workspace(path, user="李伟", role="editor")
    added = _assert_release_kept(old_rows, old_states, old_layers, ws)
    assert "stories" in added
    found, problems = stories_from_records(ws.layer("stories"), set(ws.layer("parks").index))
    assert problems == [] and sorted(found) == sorted(BUNDLED)
    ws.engine.dispose()
