"""The Present page through streamlit.testing.v1.AppTest: every bundled story in both languages,
previous/next and the URL, bad links, broken story files, export (PNG, PDF, YAML). Making and
editing stories: tests/test_app_story_editor.py.

The folium component is opaque here: st_folium is replaced by a fake that renders the map with
its overlays and keeps the HTML. Exports never fetch tiles (ui.present_view.TILE_FETCHER)."""

from __future__ import annotations

import io
import json
import shutil

import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from layers import registry
from layers.stories import load_stories
from tests.conftest import ROOT
from ui.exports import static_map as sm
from ui.safe_html import esc, md

PAGE = ("import streamlit as st\nst.set_page_config(layout='wide')\n"
        "from ui.pages import present\npresent.render()\n")
BUNDLED = ROOT / "data"
STORIES, _ = load_stories(BUNDLED / "stories", set(registry.load("parks").index))


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No tiles, small images, and a fake st_folium that keeps what it was given."""
    import ui.present_view as pv

    drawn: dict = {}

    def fake_st_folium(m, **kwargs):
        for group in kwargs["feature_group_to_add"]:
            group.add_to(m)
        drawn["html"] = m.get_root().render()
        drawn["kwargs"] = kwargs
        return None

    monkeypatch.setattr(pv, "st_folium", fake_st_folium)
    monkeypatch.setattr(pv, "TILE_FETCHER", sm.no_tiles)
    monkeypatch.setattr(pv, "EXPORT_SIZE", (480, 300))
    monkeypatch.delenv("PARKATLAS_DATA_DIR", raising=False)
    st.cache_resource.clear()
    yield drawn
    st.cache_resource.clear()


def run(query: dict | None = None) -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def counter(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "parkatlas-slide-counter" in m.value).split(">")[1].split("<")[0]


def param(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def in_map(text: str, html: str) -> bool:
    """`text` as the caption control carries it: escaped, inside a JSON string."""
    return json.dumps(esc(text), ensure_ascii=True)[1:-1] in html


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("story_id", sorted(STORIES))
def test_every_bundled_story_renders_in_both_languages(offline, story_id, lang):
    story = STORIES[story_id]
    at = run({"lang": lang, "story": story_id})
    assert at.title[0].value == ("演示" if lang == "zh" else "Present")
    assert at.selectbox(key="w_present_story").value == story_id
    assert counter(at) == f"1 / {len(story.slides)}"
    assert not at.warning
    html = offline["html"]
    first = story.slides[0]
    assert "parkatlas-caption" in html
    assert in_map(first.caption.get(lang), html)
    assert in_map((first.title or story.title).get(lang), html)
    for pid in first.highlight:
        assert f"park-highlight park-{pid}" in html
    # the local owner may edit: the map reports the view panned to (for "add the current view")
    assert offline["kwargs"]["returned_objects"] == ["bounds", "center", "zoom"] and offline["kwargs"]["height"] == 640


def test_next_and_previous_move_the_slide_and_the_url(offline):
    story = STORIES["gz-value-innovation-parks"]
    at = run({"lang": "en", "story": story.id})
    assert param(at, "story") == story.id and param(at, "slide") == "1"
    assert at.button(key="present_prev").disabled
    at.button(key="present_next").click().run()
    assert counter(at) == f"2 / {len(story.slides)}" and param(at, "slide") == "2"
    assert in_map(story.slides[1].caption.en, offline["html"])
    zoom_one = offline["kwargs"]["zoom"]
    at.button(key="present_next").click().run()
    assert param(at, "slide") == "3"
    at.button(key="present_prev").click().run()
    assert counter(at) == f"2 / {len(story.slides)}" and param(at, "slide") == "2"
    assert offline["kwargs"]["zoom"] == zoom_one
    assert offline["kwargs"]["key"] == f"present_map_{story.id}_640"  # the base map stays; overlays change


def test_the_last_slide_stops_at_the_end(offline):
    story = STORIES["metro-to-parks"]
    n = len(story.slides)
    at = run({"lang": "en", "story": story.id, "slide": str(n)})
    assert counter(at) == f"{n} / {n}" and at.button(key="present_next").disabled


def test_a_link_opens_a_slide_and_picking_a_story_starts_at_its_first(offline):
    at = run({"lang": "zh", "story": "metro-to-parks", "slide": "3"})
    assert counter(at) == f"3 / {len(STORIES['metro-to-parks'].slides)}"
    at.selectbox(key="w_present_story").set_value("foshan-hitech-zone").run()
    assert param(at, "story") == "foshan-hitech-zone" and param(at, "slide") == "1"
    assert counter(at).startswith("1 / ")


def test_unknown_story_in_the_link_shows_a_notice_and_the_first_story(offline):
    at = run({"lang": "en", "story": "no-such-story", "slide": "4"})
    assert any(md("no-such-story") in w.value for w in at.warning)  # a value from the URL, inert Markdown
    first = sorted(STORIES)[0]
    assert at.selectbox(key="w_present_story").value == first
    assert param(at, "story") == first and param(at, "slide") == "1"
    at.button(key="present_next").click().run()
    assert not at.warning  # the notice is for the link, once


@pytest.mark.parametrize("slide", ["99", "0", "two"])
def test_unknown_slide_in_the_link_shows_a_notice_and_slide_one(offline, slide):
    at = run({"lang": "en", "story": "foshan-hitech-zone", "slide": slide})
    assert any(f"“{slide}”" in w.value for w in at.warning)
    assert counter(at).startswith("1 / ") and param(at, "slide") == "1"


def test_a_broken_story_file_is_reported_and_the_others_still_work(offline, tmp_path, monkeypatch):
    for path in BUNDLED.glob("*.geojson"):
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(BUNDLED / "targets.csv", tmp_path / "targets.csv")
    shutil.copytree(BUNDLED / "stories", tmp_path / "stories")
    (tmp_path / "stories" / "broken.yaml").write_text("title: {zh: 坏, en: Broken\nslides: [", encoding="utf-8")
    (tmp_path / "stories" / "bad-park.yaml").write_text(
        "title: {zh: 甲, en: A}\ndescription: {zh: 乙, en: B}\nslides:\n"
        "- parks: [no-such-park]\n  caption: {zh: 丙, en: C}\n", encoding="utf-8")
    monkeypatch.setenv("PARKATLAS_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    at = run({"lang": "en", "story": "broken"})
    code = "\n".join(c.value for c in at.code)
    assert "broken.yaml: YAML syntax error" in code
    assert "bad-park.yaml: slide 1: field 'parks': 'no-such-park' is not the id of a park" in code
    assert any("broken" in w.value for w in at.warning)  # the link's story could not be loaded
    assert at.selectbox(key="w_present_story").options == [STORIES[i].title.en for i in sorted(STORIES)]
    at.button(key="present_next").click().run()
    assert counter(at).startswith("2 / ")


def test_no_story_folder_says_so(offline, tmp_path, monkeypatch, small_parks_path):
    import ui.present_view as pv

    shutil.copy(small_parks_path, tmp_path / "parks.geojson")
    monkeypatch.setenv("PARKATLAS_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(pv.registry, "DATA_DIR", tmp_path)  # no bundled stories to fall back to
    st.cache_resource.clear()
    at = run({"lang": "en"})
    assert any("No story to present" in i.value for i in at.info)


def test_slide_png_export_offers_the_download_and_says_the_basemap_is_missing(offline):
    story = STORIES["gz-value-innovation-parks"]
    at = run({"lang": "en", "story": story.id, "slide": "2"})
    assert [b.key for b in at.get("download_button")] == ["present_yaml_download"]
    at.button(key="present_png").click().run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons if b.key != "present_yaml_download"] == ["Download PNG"]
    assert any("Basemap not available offline" in c.value for c in at.caption)
    # the bytes: render the same slide as the page does and check it is that PNG's size
    import ui.present_view as pv

    res = pv._render(story, story.slides[1], "en", sm.no_tiles)
    assert Image.open(io.BytesIO(res.png)).size == (480, 300)


def test_story_pdf_export_offers_the_download(offline):
    at = run({"lang": "zh", "story": "foshan-hitech-zone"})
    at.button(key="present_pdf").click().run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button") if b.key != "present_yaml_download"] == ["下载 PDF"]


def test_presentation_mode_hides_the_chrome_and_enlarges_the_map(offline):
    at = run({"lang": "en", "story": "metro-to-parks"})
    at.toggle(key="w_present_mode").set_value(True).run()
    styles = [h.proto.body for h in at.get("html") if "<style>" in h.proto.body]
    assert len(styles) == 1 and 'section[data-testid="stSidebar"]' in styles[0]
    assert offline["kwargs"]["height"] == 820 and offline["kwargs"]["returned_objects"] == []  # no rerun per pan
    assert not at.title and not at.get("download_button")
    assert at.button(key="present_next") and at.button(key="present_prev")
    at.button(key="present_next").click().run()
    assert counter(at).startswith("2 / ") and offline["kwargs"]["height"] == 820
    at.toggle(key="w_present_mode").set_value(False).run()
    assert at.title and offline["kwargs"]["height"] == 640


def test_a_story_downloads_as_the_yaml_it_was_seeded_from(offline):
    story = STORIES["foshan-hitech-zone"]
    at = run({"lang": "en", "story": story.id})
    button = next(b for b in at.get("download_button") if "yaml" in b.proto.label)
    assert button.proto.label == f"Download the story file {story.id}.yaml"


def test_the_caption_control_escapes_its_texts():
    import folium

    from ui.mapview.story import caption_group

    m = folium.Map()
    caption_group('<img src=x onerror="alert(1)">', "${alert(2)} `x` </script>", "1 / 2").add_to(m)
    html = m.get_root().render()
    assert "parkatlas-caption" in html
    assert "<img" not in html and "${alert" not in html and "</script> " not in html
    assert in_map('<img src=x onerror="alert(1)">', html) and in_map("${alert(2)} `x` </script>", html)


def test_the_story_pdf_is_text_a_reader_can_search(offline, tmp_path):
    """Issue 26: each page's caption, title and footer are text (pdftotext finds them), every font
    embedded (pdffonts), one page per slide."""
    import subprocess

    import ui.present_view as pv
    from ui.exports import static_map as sm
    from ui.exports.static_pdf import story_pdf_pages

    story = STORIES["foshan-hitech-zone"]
    pages = [pv._render(story, slide, "zh", sm.no_tiles, pdf=True).pdf for slide in story.slides[:3]]
    path = tmp_path / "story.pdf"
    path.write_bytes(story_pdf_pages(pages, story.title.get("zh")))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    squashed = "".join(text.split())
    for slide in story.slides[:3]:
        caption = "".join(str(slide.caption.get("zh") or "").split())
        assert caption[:12] in squashed, (caption[:12], squashed[:300])
    assert "ParkAtlas" in text and text.count("\f") == 3
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [ln for ln in fonts.splitlines()[2:] if ln.strip()]
    assert rows and all(" yes " in ln for ln in rows), fonts
