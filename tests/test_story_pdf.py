"""The story PDF as a document (issue 26): slides drawn as PDF pages with their text as text,
read back with poppler — pdftotext finds the captions (zh and en), legend and footer, every word
inside its page; pdffonts lists only embedded TrueType fonts; the map is vectors without a
basemap and one image with it."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from layers import parks as parks_layer
from layers import registry, transport
from layers.programmes import Catalogue
from tests.conftest import TEST_DATA
from ui.exports import static_map as sm
from ui.exports.static_pdf import story_pdf_pages

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdffonts"),
                                reason="poppler-utils (make setup) is not installed")

SLIDES = {
    "zh": [("一区五园", "《佛山国家高新区高质量发展行动方案》把佛山国家高新区组织为“一区五园”：禅城园、南海园、"
                       "顺德园、高明园、三水园，并为十条产业链指定牵头区。"),
           ("海珠测试", "说明：测试园区与地铁站，距离自大致位置点起算。")],
    "en": [("One zone, five parks", "The action plan organises the Foshan National High-tech Zone as one zone of "
                                    "five parks and names a lead district for each of ten industry chains."),
           ("Haizhu test view", "Test parks and metro stations; distances from the approximate point.")],
}
BOUNDS = [(112.9, 22.9, 113.5, 23.8), (113.34, 23.07, 113.39, 23.12)]


@pytest.fixture(scope="module")
def layers(small_parks_path) -> sm.RenderLayers:
    """The four small test parks, each put in a different plan, so that the footer cites four plan
    documents (the long footer of the issue's page 1)."""
    parks = parks_layer.load(small_parks_path)
    programmes = Catalogue(registry.load("programmes"))
    parks["programme"] = (programmes.ids() * 2)[:len(parks)]
    return sm.RenderLayers(parks=parks, lines=transport.load_lines(TEST_DATA / "transport_lines.geojson"),
                           nodes=transport.load_nodes(TEST_DATA / "transport_nodes.geojson"), programmes=programmes)


def story(layers, lang: str, size_px=(1600, 1000), fetcher=sm.no_tiles) -> bytes:
    pages = [sm.render_view_png(sm.MapView(b, title=title, caption=caption, highlighted=(layers.parks.index[0],)),
                                layers, lang=lang, tile_fetcher=fetcher, size_px=size_px, pdf=True).pdf
             for b, (title, caption) in zip(BOUNDS, SLIDES[lang])]
    return story_pdf_pages([p for p in pages if p is not None], SLIDES[lang][0][0])


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "story.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, *args, str(path), "-"] if tool == "pdftotext" else [tool, *args, str(path)],
                          capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_captions_legend_and_footer_are_text_in_embedded_fonts(layers, lang, tmp_path):
    pdf = story(layers, lang)
    text = poppler("pdftotext", pdf, tmp_path)
    squashed = "".join(text.split())
    assert text.count("\f") == 2  # one page per slide
    for title, caption in SLIDES[lang]:
        assert "".join(title.split()) in squashed and "".join(caption.split())[:40] in squashed
    plans = layers.programmes
    for pid in plans.in_use(layers.parks["programme"]):  # the legend: every plan drawn, by its name in the language
        assert "".join(plans.name(pid, lang).split()) in squashed
    assert "ParkAtlas" in text and "EPSG:3857" in text
    if lang == "en":  # an English footer: the plans by their English names, the note in English only
        assert "园区图谱" not in text and "离线" not in text
        assert "Basemap not available offline — vector layers only" in text
    fonts = poppler("pdffonts", pdf, tmp_path)
    header, _rule, *rows = [ln for ln in fonts.splitlines() if ln.strip()]
    at = header.index("emb")
    assert rows and all(r[at:at + 3] == "yes" for r in rows), fonts
    assert not any("Type 3" in r for r in rows), fonts  # TrueType, searchable and crisp


@pytest.mark.parametrize("size_px", [(1600, 1000), (1024, 640), (480, 300)])
def test_every_word_stays_on_its_page(layers, size_px, tmp_path):
    """The footer citing five documents is wrapped to the page: no word of any page (caption,
    legend, footer) runs past its edges — pdftotext -bbox gives each word's box in points."""
    pdf = story(layers, "zh", size_px=size_px)
    html = poppler("pdftotext", pdf, tmp_path, "-bbox")
    for page in re.findall(r"<page width=\"([\d.]+)\" height=\"([\d.]+)\">(.*?)</page>", html, re.S):
        width, height, body = float(page[0]), float(page[1]), page[2]
        words = re.findall(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)', body)
        assert words
        for x0, y0, x1, y1, word in words:
            assert 0 <= float(x0) and float(x1) <= width and 0 <= float(y0) and float(y1) <= height, (word, size_px)
    assert "ParkAtlas" in html


def test_the_map_is_vectors_offline_and_one_image_with_a_basemap(layers, tmp_path):
    offline = poppler("pdfimages", story(layers, "en", size_px=(800, 500)), tmp_path, "-list")
    assert len(offline.strip().splitlines()) == 2  # the header alone: no image on any page

    def tile(z, x, y):
        buf = io.BytesIO()
        Image.new("RGB", (256, 256), (200, 230, 255)).save(buf, "PNG")
        return buf.getvalue()

    online = poppler("pdfimages", story(layers, "en", size_px=(800, 500), fetcher=tile), tmp_path, "-list")
    assert len(online.strip().splitlines()) == 2 + 2  # one basemap image per page
