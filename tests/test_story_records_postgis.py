"""Stories on a PostGIS team database (issue 26), on the real server (`postgis_server`, no mocks):
the bundled stories are seeded as records there too; a story one editor makes — through the store
with the checks the editor runs, and through the Present page itself (signed in) — is there for
another editor on a connection of their own, slides (JSON) and texts unchanged; every save is a
version with its author and reason; a save started from an older version, or a second "new story"
with the same id, is refused naming who saved in between, and nothing is overwritten."""

from __future__ import annotations

import io

import pytest

import streamlit as st
from streamlit.testing.v1 import AppTest

from layers import registry
from layers.records import RecordContext, check
from layers.stories import Text, load_stories
from layers.story_records import (add_slide, move_slide, new_story, set_caption, set_hidden, stories_from_records,
                                  story_from_record, view_slide)
from store import ConflictError, PermissionDenied, open_workspace
from store.workspace import BUNDLE_AUTHOR
from tests import helpers
from tests.test_app_story_editor import PAGE, PANNED, ok, texts
from ui import users

STORY = "story-haizhu-talk"
PAZHOU_VIEW = dict(bounds=(113.30, 23.05, 113.45, 23.15), center=(113.375, 23.1), zoom=13)


@pytest.fixture()
def team_db(postgis_server):
    """A team database seeded from the bundled data (a copy of the server's seeded template)."""
    return postgis_server.new_database(template=postgis_server.seeded_template())


@pytest.fixture()
def li_and_wang(team_db):
    """Two editors, each on a connection (engine) of their own, as two app servers would be."""
    li = open_workspace(team_db, user="李工", role="editor", seed=False)
    wang = open_workspace(team_db, user="王工", role="editor", seed=False)
    yield li, wang
    li.engine.dispose()
    wang.engine.dispose()


def park_ids(ws) -> set[str]:
    return set(ws.layer("parks").index)


def save_checked(ws, story_id: str, attrs: dict, *, reason: str, expected: int) -> int:
    """What `ui.story_editor._save` does: check the whole record against the parks, then save it as
    the version after `expected` (0: a new story)."""
    problems = check("stories", story_id, attrs, None, RecordContext(ids={"parks": park_ids(ws)}))
    assert problems == []
    return ws.save_feature("stories", story_id, None, attrs, reason=reason, expected_version=expected)


def test_the_bundled_stories_are_seeded_on_the_team_database(li_and_wang):
    li, _ = li_and_wang
    bundled, _ = load_stories(registry.DATA_DIR / "stories", park_ids(li))
    found, problems = stories_from_records(li.layer("stories"), park_ids(li))
    assert problems == [] and found == bundled
    assert li.history("stories", "metro-to-parks")["author"].tolist() == [BUNDLE_AUTHOR]


def test_a_story_one_editor_makes_is_there_for_another_with_every_version(li_and_wang):
    li, wang = li_and_wang
    assert STORY not in wang.layer("stories").index
    record = new_story(STORY, "海珠讲解", "", "2026-12-04")
    assert save_checked(li, STORY, record, reason="新建故事", expected=0) == 1
    slides = add_slide([], view_slide("琶洲：只写了中文 <b>${x}</b>", "", **PAZHOU_VIEW))
    slides = add_slide(slides, view_slide("", "Pazhou, fitted", highlight=["gz-vip-pazhou"], fit_highlight=True))
    assert save_checked(li, STORY, {**record, "slides": slides}, reason="添加第 1、2 页幻灯片", expected=1) == 2

    # Wang, on his own connection, sees Li's story as Li saved it: JSON slides, floats, Chinese text.
    frame = wang.layer("stories")
    assert int(frame.loc[STORY, "_version"]) == 2
    found, problems = stories_from_records(frame, park_ids(wang))
    assert problems == [] and STORY in found
    story = found[STORY]
    assert story.title == Text("海珠讲解", "") and story.title.get("en") == "海珠讲解"
    assert story.slides[0].bounds == PAZHOU_VIEW["bounds"] and story.slides[0].center == PAZHOU_VIEW["center"]
    assert story.slides[0].zoom == 13 and story.slides[0].caption.zh == "琶洲：只写了中文 <b>${x}</b>"
    assert story.slides[1].parks == ("gz-vip-pazhou",) and story.slides[1].caption.is_fallback("zh")
    assert wang.feature("stories", STORY)["attributes"]["slides"] == slides  # the JSON round trip is exact

    # Wang reorders and captions; Li hides a slide on top of Wang's version: three authors' versions.
    theirs = wang.feature("stories", STORY)["attributes"]
    moved = set_caption(move_slide(theirs["slides"], 1, -1), 1, "琶洲", "Pazhou")
    assert save_checked(wang, STORY, {**theirs, "slides": moved}, reason="reordered for the board", expected=2) == 3
    now = li.feature("stories", STORY)
    assert now["version"] == 3
    assert save_checked(li, STORY, {**now["attributes"], "slides": set_hidden(now["attributes"]["slides"], 0, True)},
                        reason="隐藏第 1 页", expected=3) == 4
    history = wang.history("stories", STORY)
    assert history["version"].tolist() == [1, 2, 3, 4]
    assert history["author"].tolist() == ["李工", "李工", "王工", "李工"]
    assert history["reason"].tolist() == ["新建故事", "添加第 1、2 页幻灯片", "reordered for the board", "隐藏第 1 页"]
    assert [len(a["slides"]) for a in history["attributes"]] == [0, 2, 2, 2]  # each version kept whole
    assert history["attributes"].iloc[1]["slides"] == slides
    final = story_from_record({**wang.feature("stories", STORY)["attributes"], "id": STORY}, park_ids(wang))
    assert [s.caption.en for s in final.slides] == ["Pazhou, fitted", "Pazhou"]
    assert final.slides[0].hidden and [s.caption.en for s in final.shown()] == ["Pazhou"]


def test_a_stale_save_and_a_second_new_story_with_the_same_id_are_refused(li_and_wang):
    li, wang = li_and_wang
    record = new_story(STORY, "", "Haizhu talk", "2026-12-04")
    save_checked(li, STORY, record, reason="new story", expected=0)
    with pytest.raises(ConflictError) as info:  # Wang's page had not seen it: "new story" again, same id
        save_checked(wang, STORY, new_story(STORY, "", "Haizhu talk (Wang)", "2026-12-04"), reason="new story",
                     expected=0)
    assert info.value.current_version == 1 and info.value.theirs["author"] == "李工"

    opened = li.feature("stories", STORY)["version"]  # both open version 1
    assert wang.feature("stories", STORY)["version"] == opened == 1
    slide = view_slide("", "Wang's view", **PAZHOU_VIEW)
    save_checked(wang, STORY, {**record, "slides": add_slide([], slide)}, reason="added slide 1", expected=opened)
    mine = {**record, "title_en": "Li's title", "slides": add_slide([], view_slide("", "Li's view", **PAZHOU_VIEW))}
    with pytest.raises(ConflictError) as info:
        save_checked(li, STORY, mine, reason="Li's slide", expected=opened)
    assert info.value.current_version == 2 and info.value.expected_version == 1
    assert info.value.theirs["author"] == "王工" and info.value.theirs["reason"] == "added slide 1"
    after = li.feature("stories", STORY)  # nothing of Li's was written
    assert after["version"] == 2 and after["attributes"]["title_en"] == "Haizhu talk"
    assert [s["caption_en"] for s in after["attributes"]["slides"]] == ["Wang's view"]
    assert li.history("stories", STORY)["author"].tolist() == ["李工", "王工"]
    # after a reload (the current version) Li's save goes through, on top of Wang's
    assert save_checked(li, STORY, {**after["attributes"], "title_en": "Li's title"}, reason="Li's title",
                        expected=2) == 3
    with pytest.raises(PermissionDenied):
        wang.as_user("visitor", "viewer").save_feature("stories", STORY, None, {"title_en": "x"}, reason="crafted",
                                                       expected_version=3)
    assert wang.feature("stories", STORY)["attributes"]["title_en"] == "Li's title"


# ------------------------------------------------------------------ through the Present page (AppTest)

@pytest.fixture()
def team_page(team_db, tmp_path, monkeypatch):
    """The Present page on the team database with sign-in: two editors, li (李工) and wang (王工);
    st_folium replaced by a fake that reports the panned view (no browser here)."""
    import ui.present_view as pv
    from ui.exports import static_map as sm

    path = tmp_path / "secret" / "credentials.yaml"
    for username, name in (("li", "李工"), ("wang", "王工")):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{username}-password-1\n"))
        assert users.main(["--file", str(path), "add", username, "--name", name, "--role", "editor",
                           "--password-stdin"]) == 0
    monkeypatch.setenv("PARKATLAS_CREDENTIALS", str(path))
    monkeypatch.setenv("PARKATLAS_DATABASE_URL", team_db)
    monkeypatch.delenv("PARKATLAS_DATA_DIR", raising=False)

    def fake_st_folium(m, **kwargs):
        return dict(PANNED) if kwargs["returned_objects"] else None

    monkeypatch.setattr(pv, "st_folium", fake_st_folium)
    monkeypatch.setattr(pv, "TILE_FETCHER", sm.no_tiles)
    st.cache_resource.clear()
    yield team_db
    st.cache_resource.clear()


def signed_in_page(username: str, name: str, story: str) -> AppTest:
    at = helpers.signed_in_page(PAGE, username, name, timeout=90)
    at.query_params["story"] = story
    return ok(at.run())


def test_a_story_made_on_the_present_page_is_there_for_another_editor_and_a_stale_save_is_refused(team_page):
    li = signed_in_page("li", "李工", "metro-to-parks")
    li.text_input(key="story_new_title_en").input("Haizhu talk")
    ok(li.button(key="FormSubmitter:story_new_form-Create the story").click().run())
    assert not li.error, texts(li, "error")
    assert li.selectbox(key="w_present_story").value == STORY
    li.text_area(key="story_add_caption_en").input("Pazhou, as panned")
    ok(li.button(key="FormSubmitter:story_add_form-Add the slide").click().run())
    assert not li.error, texts(li, "error")

    wang_ws = open_workspace(team_page, user="王工", role="editor", seed=False)  # another connection
    try:
        saved = wang_ws.feature("stories", STORY)
        assert saved["version"] == 2 and saved["attributes"]["title_en"] == "Haizhu talk"
        [slide] = saved["attributes"]["slides"]
        assert slide["bounds"] == [113.3, 23.05, 113.45, 23.15] and slide["center"] == [113.375, 23.1]
        assert slide["zoom"] == 13 and slide["caption_en"] == "Pazhou, as panned" and slide["highlight"] == []
        assert wang_ws.history("stories", STORY)["author"].tolist() == ["li", "li"]  # the signed-in user

        wang = signed_in_page("wang", "王工", STORY)  # Wang's own session sees it, and edits the caption
        assert "1. Pazhou, as panned" in texts(wang, "text")
        wang.text_area(key=f"story_cap_en_{STORY}_0").input("Pazhou from the river")
        ok(wang.button(key=f"FormSubmitter:story_cap_form_{STORY}-Save the caption").click().run())
        assert not wang.error, texts(wang, "error")

        # Li's page still has version 2 open: Li's caption is refused, naming Wang, and kept.
        li.text_area(key=f"story_cap_en_{STORY}_0").input("Li's caption")
        ok(li.button(key=f"FormSubmitter:story_cap_form_{STORY}-Save the caption").click().run())
        assert "Not saved: wang saved version 3 of this story" in texts(li, "error")
        assert li.text_area(key=f"story_cap_en_{STORY}_0").value == "Li's caption"
        current = wang_ws.feature("stories", STORY)
        assert current["version"] == 3 and current["attributes"]["slides"][0]["caption_en"] == "Pazhou from the river"
        history = wang_ws.history("stories", STORY)
        assert history["author"].tolist() == ["li", "li", "wang"]
        assert history["reason"].tolist() == ["new story", "added slide 1", "edited the caption of slide 1"]
    finally:
        wang_ws.engine.dispose()
