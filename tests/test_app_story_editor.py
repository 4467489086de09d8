"""Stories as workspace records on the Present page (issue 26, AppTest): an editor creates a story
(a Chinese title only), adds the view the map reports as panned to as a slide, edits its caption in
Chinese only — a new session (a reload) still has it all, the English page shows the Chinese
caption marked so, and every save is a version with its author and reason; slides move and hide;
a stale save is refused keeping the input; a viewer sees stories and no editor.

st_folium is replaced by a fake that renders the map (to read the caption) and reports a panned view."""

from __future__ import annotations

import io
import json

import pytest

from tests.helpers import signed_in_page
import streamlit as st
from streamlit.testing.v1 import AppTest

from store import PermissionDenied, default_location, open_workspace
from ui import users
from ui.safe_html import esc

PAGE = ("import streamlit as st\nst.set_page_config(layout='wide')\n"
        "from ui.pages import present\npresent.render()\n")
PANNED = {"bounds": {"_southWest": {"lat": 23.05, "lng": 113.30}, "_northEast": {"lat": 23.15, "lng": 113.45}},
          "center": {"lat": 23.10, "lng": 113.375}, "zoom": 13}
"""What streamlit-folium reports after the presenter panned (Haizhu, Pazhou), over a WGS84 basemap."""


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """A fake st_folium that keeps the rendered map and reports the panned view; no tiles."""
    import ui.present_view as pv
    from ui.exports import static_map as sm

    drawn: dict = {}

    def fake_st_folium(m, **kwargs):
        for group in kwargs["feature_group_to_add"]:
            group.add_to(m)
        drawn["html"] = m.get_root().render()
        drawn["kwargs"] = kwargs
        return dict(PANNED) if kwargs["returned_objects"] else None

    monkeypatch.setattr(pv, "st_folium", fake_st_folium)
    monkeypatch.setattr(pv, "TILE_FETCHER", sm.no_tiles)
    monkeypatch.delenv("PARKATLAS_DATA_DIR", raising=False)
    st.cache_resource.clear()
    yield drawn
    st.cache_resource.clear()


@pytest.fixture()
def officer():
    """The workspace (seeded from the bundled data), its local author 李工."""
    ws = open_workspace(default_location(), user="李工")
    ws.set_setting("local_author", "李工")
    yield ws
    ws.engine.dispose()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def run(query: dict) -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    return ok(at.run())


def texts(at: AppTest, kind: str) -> str:
    return "\n".join(str(e.value) for e in getattr(at, kind))


def in_map(text: str, html: str) -> bool:
    return json.dumps(esc(text), ensure_ascii=True)[1:-1] in html


def counter(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "parkatlas-slide-counter" in m.value).split(">")[1].split("<")[0]


def test_create_add_the_panned_view_edit_a_caption_in_chinese_and_reload(officer, offline):
    at = run({"lang": "zh", "story": "metro-to-parks"})
    at.text_input(key="story_new_title_zh").input("琶洲一瞥")
    ok(at.button(key="FormSubmitter:story_new_form-创建故事").click().run())
    assert not at.error, texts(at, "error")
    assert "已创建故事" in texts(at, "success")
    sid = at.selectbox(key="w_present_story").value
    assert sid == "story-1" and counter(at) == "1 / 1"  # a stand-in slide to pan: the story has none yet
    assert "还没有幻灯片" in texts(at, "info")

    at.text_area(key="story_add_caption_zh").input("琶洲：只写了中文 <b>${x}</b>")
    at.radio(key="story_add_fit").set_value("view")
    ok(at.button(key="FormSubmitter:story_add_form-添加幻灯片").click().run())
    assert not at.error, texts(at, "error")
    record = officer.feature("stories", sid)["attributes"]
    assert record["title_zh"] == "琶洲一瞥" and record["title_en"] is None
    [slide] = record["slides"]
    assert slide["bounds"] == [113.3, 23.05, 113.45, 23.15] and slide["center"] == [113.375, 23.1]
    assert slide["zoom"] == 13 and not slide["fit_parks"] and slide["caption_en"] == ""

    at.text_area(key=f"story_cap_zh_{sid}_0").input("琶洲互联网创新集聚区")
    ok(at.button(key=f"FormSubmitter:story_cap_form_{sid}-保存说明").click().run())
    assert not at.error, texts(at, "error")

    again = run({"lang": "en", "story": sid})  # a new session: what the workspace holds
    assert again.selectbox(key="w_present_story").value == sid and counter(again) == "1 / 1"
    assert in_map("琶洲互联网创新集聚区 [Chinese only]", offline["html"])  # the fallback, marked
    assert in_map("琶洲一瞥 [Chinese only]", offline["html"])
    history = officer.history("stories", sid)
    assert history["version"].tolist() == [1, 2, 3] and set(history["author"]) == {"李工"}
    assert history["reason"].tolist() == ["新建故事", "添加第 1 页幻灯片", "修改第 1 页说明"]


def test_a_slide_fitting_the_highlighted_parks_moves_and_hides(officer, offline):
    story = "foshan-hitech-zone"
    at = run({"lang": "en", "story": story})
    n = len(officer.layer("stories").loc[story]["slides"])
    at.text_area(key="story_add_caption_en").input("Pazhou, fitted")
    at.multiselect(key="story_add_highlight").set_value(["gz-vip-pazhou"])
    at.radio(key="story_add_fit").set_value("highlight")
    at.text_input(key="story_add_reason").input("for the Haizhu talk")
    ok(at.button(key="FormSubmitter:story_add_form-Add the slide").click().run())
    assert not at.error, texts(at, "error")
    assert counter(at) == f"{n + 1} / {n + 1}"  # the new slide is shown
    slides = officer.layer("stories").loc[story]["slides"]
    assert slides[-1]["fit_parks"] and slides[-1]["parks"] == ["gz-vip-pazhou"] and slides[-1]["caption_zh"] == ""
    assert officer.history("stories", story)["reason"].iloc[-1] == "for the Haizhu talk"

    ok(at.button(key=f"story_up_{n}").click().run())
    assert officer.layer("stories").loc[story]["slides"][n - 1]["caption_en"] == "Pazhou, fitted"
    ok(at.button(key=f"story_hide_{n - 1}").click().run())
    assert officer.layer("stories").loc[story]["slides"][n - 1]["hidden"]
    fresh = run({"lang": "en", "story": story})
    assert counter(fresh) == f"1 / {n}"  # the hidden slide is kept, not presented
    assert "(hidden)" in texts(fresh, "text")
    assert officer.history("stories", story)["reason"].tolist()[-2:] == [f"moved slide {n + 1} up", f"hid slide {n}"]


def test_a_story_without_a_caption_or_title_is_refused_in_the_page_language(officer):
    at = run({"lang": "zh", "story": "metro-to-parks"})
    ok(at.button(key="FormSubmitter:story_new_form-创建故事").click().run())
    assert texts(at, "error") == "请填写标题（中文或英文）。"
    ok(at.button(key="FormSubmitter:story_add_form-添加幻灯片").click().run())
    assert texts(at, "error") == "请填写说明（中文或英文）。"
    assert officer.history("stories", "metro-to-parks")["version"].tolist() == [1]


def test_a_stale_save_is_refused_and_the_input_kept(officer):
    story = "metro-to-parks"
    at = run({"lang": "en", "story": story})
    key = f"story_cap_en_{story}_0"
    at.text_area(key=key).input("My English caption")
    other = officer.as_user("王工", "editor")  # another editor saves the story in between
    slides = other.layer("stories").loc[story]["slides"]
    other.save_feature("stories", story, None, {"slides": slides[::-1]}, reason="reversed for the board",
                       expected_version=1)
    ok(at.button(key=f"FormSubmitter:story_cap_form_{story}-Save the caption").click().run())
    assert "Not saved: 王工 saved version 2 of this story" in texts(at, "error")
    assert "reversed for the board" in texts(at, "error")
    assert at.text_area(key=key).value == "My English caption"  # the input is kept
    assert officer.feature("stories", story)["version"] == 2
    ok(at.button(key="story_reload").click().run())
    assert not at.warning
    ok(at.button(key=f"FormSubmitter:story_cap_form_{story}-Save the caption").click().run())
    assert not at.error, texts(at, "error")
    assert officer.feature("stories", story)["version"] == 3


@pytest.fixture()
def viewer(officer, tmp_path, monkeypatch):
    """Sign-in configured, with a viewer (the users CLI)."""
    path = tmp_path / "secret" / "credentials.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("visitor-password-1\n"))
    assert users.main(["--file", str(path), "add", "visitor", "--name", "Visitor", "--role", "viewer",
                       "--password-stdin"]) == 0
    monkeypatch.setenv("PARKATLAS_CREDENTIALS", str(path))


def test_a_viewer_sees_stories_and_cannot_edit(viewer, officer, offline):
    at = signed_in_page(PAGE, "visitor", "Visitor", timeout=60)
    at.query_params["story"] = "metro-to-parks"
    ok(at.run())
    assert counter(at).startswith("1 / ")
    assert offline["kwargs"]["returned_objects"] == []  # no view to report: nothing to save
    assert "may view stories but not change them" in texts(at, "caption")
    assert not at.main.text_area and not at.main.text_input and not at.get("file_uploader")
    assert {b.key for b in at.main.button} <= {"present_prev", "present_next", "present_png", "present_pdf"}
    with pytest.raises(PermissionDenied, match="a viewer may not save"):
        officer.as_user("visitor", "viewer").save_feature("stories", "metro-to-parks", None, {"title_en": "x"},
                                                          reason="crafted", expected_version=1)


def test_a_story_file_is_imported_as_a_new_version(officer, offline):
    from dataclasses import replace

    from layers.stories import Text, story_to_yaml
    from layers.story_records import story_from_record

    story = story_from_record({**officer.feature("stories", "metro-to-parks")["attributes"], "id": "metro-to-parks"}, None)
    first = replace(story.slides[0], caption=Text("导入的说明", "Imported caption"))
    text = story_to_yaml(replace(story, slides=(first, *story.slides[1:])))
    at = run({"lang": "en", "story": "metro-to-parks"})
    at.get("file_uploader")[0].set_value(("metro-to-parks.yaml", text.encode(), "application/x-yaml"))
    ok(at.run())
    ok(at.button(key="story_import_go").click().run())
    assert not at.error, texts(at, "error")
    assert officer.layer("stories").loc["metro-to-parks"]["slides"][0]["caption_en"] == "Imported caption"
    assert officer.history("stories", "metro-to-parks")["reason"].iloc[-1] == "imported from the file metro-to-parks.yaml"
