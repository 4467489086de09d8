"""ui.exports.static_map: PNG views (offline and with a fake tile server) and PDFs. No network: every
render gets a tile fetcher of ours."""

from __future__ import annotations

import io
import re
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from PIL import Image

from geo._errors import CRSError
from layers import facilities as facilities_layer
from layers import registry
from layers.programmes import Catalogue
from layers import parks as parks_layer
from layers import transport
from tests.conftest import TEST_DATA
from ui.exports import static_map as sm
from ui.exports import static_pdf as sp
from ui.exports.static_layout import pixel_in

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
POINT = (113.05, 23.7)  # test-point, programme qingcheng (#AA3377 in data/programmes.csv)
QINGCHENG = (0xAA, 0x33, 0x77)
BG = (0xF2, 0xF1, 0xED)
TILE_RGB = (200, 230, 255)
AROUND_POINT = (113.0, 23.66, 113.1, 23.74)


def solid_png(rgb: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), rgb).save(buf, "PNG")
    return buf.getvalue()


def pixel(png: bytes, col: float, row: float) -> tuple[int, int, int]:
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((int(col), int(row)))


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.fixture(scope="module")
def layers(small_parks_path) -> sm.RenderLayers:
    return sm.RenderLayers(
        parks=parks_layer.load(small_parks_path),
        lines=transport.load_lines(TEST_DATA / "transport_lines.geojson"),
        nodes=transport.load_nodes(TEST_DATA / "transport_nodes.geojson"),
        facilities=facilities_layer.load(TEST_DATA / "facilities.geojson"),
        programmes=Catalogue(registry.load("programmes")),
    )


GZ_VIEW = sm.MapView((113.34, 23.07, 113.39, 23.12), title="海珠测试 Test view",
                     caption="说明：测试园区与地铁站。 Caption with a $ sign and ${x}.", highlighted=("test-square-park",))


# ---------------------------------------------------------------- PNG views

def test_offline_png_has_size_no_basemap_and_says_so(layers):
    res = sm.render_view_png(GZ_VIEW, layers, tile_fetcher=sm.no_tiles)
    assert res.png.startswith(PNG_MAGIC)
    assert Image.open(io.BytesIO(res.png)).size == (1600, 1000)
    assert res.basemap is False
    assert res.note == "Basemap not available offline — vector layers only / 离线：未加载底图，仅矢量图层"
    assert pixel(res.png, 300, 500) == BG  # plain background, left of every feature


def test_fake_tile_server_gives_basemap_under_the_vectors(layers):
    calls: list[tuple[int, int, int]] = []

    def fetch(z, x, y):
        calls.append((z, x, y))
        return solid_png(TILE_RGB)

    res = sm.render_view_png(GZ_VIEW, layers, tile_fetcher=fetch, size_px=(800, 500), dpi=80)
    assert res.basemap is True and res.note == ""
    assert Image.open(io.BytesIO(res.png)).size == (800, 500)
    assert 1 <= len(calls) <= sm.MAX_TILES and len({z for z, _, _ in calls}) == 1
    assert pixel(res.png, 150, 250) == TILE_RGB


def test_tiles_are_placed_where_they_belong(layers):
    """Left of a tile edge the tile of an even column is drawn, right of it the next (odd) one."""
    size = (800, 500)
    red, blue = (230, 40, 40), (40, 40, 230)
    res = sm.render_view_png(sm.MapView(AROUND_POINT), layers, size_px=size, dpi=80,
                             tile_fetcher=lambda z_, x, y: solid_png(red if x % 2 == 0 else blue))
    extent = res.extent  # the extent drawn (the view fitted above the footer)
    z, cols, rows = sm.tile_grid(extent, size[0])
    assert len(cols) >= 2
    span = 2 * 20037508.342789244 / 2**z
    first = cols.start if cols.start % 2 == 0 else cols.start + 1  # an even column with its odd neighbour
    edge_x = -20037508.342789244 + (first + 1) * span
    col = (edge_x - extent[0]) / (extent[2] - extent[0]) * size[0]
    assert 3 < col < size[0] - 3
    assert pixel(res.png, col - 3, 120) == red
    assert pixel(res.png, col + 3, 120) == blue


def test_a_missing_tile_gives_up_at_once(layers):
    calls = []

    def fetch(z, x, y):
        calls.append((z, x, y))
        return None

    res = sm.render_view_png(GZ_VIEW, layers, tile_fetcher=fetch, size_px=(800, 500), dpi=80)
    assert res.basemap is False and len(calls) == 1
    assert "Basemap not available offline" in res.note


def test_slow_tile_server_is_abandoned_past_the_budget(layers, monkeypatch):
    monkeypatch.setattr("ui.exports.static_tiles.TILE_BUDGET_S", -1.0)  # every tile arrives after the budget
    calls = []
    res = sm.render_view_png(GZ_VIEW, layers, tile_fetcher=lambda z, x, y: calls.append(1) or solid_png(TILE_RGB),
                             size_px=(800, 500), dpi=80)
    assert res.basemap is False and len(calls) == 1


def test_undecodable_tile_counts_as_missing(layers):
    res = sm.render_view_png(GZ_VIEW, layers, tile_fetcher=lambda z, x, y: b"<html>blocked</html>",
                             size_px=(800, 500), dpi=80)
    assert res.basemap is False


def test_highlighted_park_is_drawn_at_its_position_larger(layers):
    hi = sm.render_view_png(sm.MapView(AROUND_POINT, highlighted=("test-point",)), layers, tile_fetcher=sm.no_tiles)
    lo = sm.render_view_png(sm.MapView(AROUND_POINT), layers, tile_fetcher=sm.no_tiles)
    assert hi.extent == lo.extent
    col, row = pixel_in(*POINT, hi.extent, (1600, 1000))
    assert round(col) == 800 and 300 < row < 500  # centred across; above the footer and legend
    assert pixel(hi.png, col, row) == QINGCHENG
    assert pixel(hi.png, col + 9, row) == QINGCHENG  # highlighted circle: radius 14 px
    assert pixel(lo.png, col + 9, row) == BG  # ordinary circle: radius 7 px
    assert pixel(lo.png, col, row) != BG


def test_pixel_of_follows_the_grown_extent():
    size = (1600, 1000)
    x0, y0, x1, y1 = sm.view_extent(AROUND_POINT, size)
    assert (x1 - x0) / (y1 - y0) == pytest.approx(1.6)
    c0, r0 = sm.pixel_of(AROUND_POINT[0], AROUND_POINT[1], AROUND_POINT, size)
    c1, r1 = sm.pixel_of(AROUND_POINT[2], AROUND_POINT[3], AROUND_POINT, size)
    assert r0 == pytest.approx(1000) and r1 == pytest.approx(0)  # latitude span fills the height
    assert c0 > 0 and c1 < 1600 and c0 + c1 == pytest.approx(1600)


def test_tile_grid_of_the_whole_world():
    half = 20037508.342789244
    assert sm.tile_grid((-half, -half, half, half), 512) == (1, range(0, 2), range(0, 2))


def test_tile_grid_keeps_to_the_tile_budget():
    extent = sm.view_extent(GZ_VIEW.bounds, (1600, 1000))
    z, cols, rows = sm.tile_grid(extent, 1600)
    assert len(cols) * len(rows) <= 30
    z_more, cols_more, rows_more = sm.tile_grid(extent, 1600, max_tiles=10_000)
    assert z_more == z + 1 and len(cols_more) * len(rows_more) > 30


def test_render_is_fast_enough(layers):
    sm.render_view_png(GZ_VIEW, layers, tile_fetcher=sm.no_tiles)  # fonts and caches warm
    start = time.perf_counter()
    sm.render_view_png(GZ_VIEW, layers, tile_fetcher=lambda z, x, y: solid_png(TILE_RGB))
    assert time.perf_counter() - start < 3.0  # ~0.2 s measured on 2 shared cores; budget 1.5 s


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_missing_glyph_warnings(layers, lang):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sm.render_view_png(GZ_VIEW, layers, lang=lang, tile_fetcher=sm.no_tiles, size_px=(800, 500), dpi=80)
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []


def test_without_cjk_font_english_only_and_said(layers, monkeypatch):
    monkeypatch.setattr(sm, "cjk_font", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sm.render_view_png(GZ_VIEW, layers, lang="zh", tile_fetcher=sm.no_tiles, size_px=(800, 500), dpi=80)
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    assert res.notes == ("Basemap not available offline — vector layers only",
                         "No Chinese (CJK) font found: names drawn in English, Chinese text left out")


def test_bad_bounds_language_highlight_and_crs(layers):
    with pytest.raises(sm.StaticMapError, match=r"bounds \(113\.4, 23\.0, 113\.3, 23\.1\) must be .* min < max"):
        sm.render_view_png(sm.MapView((113.4, 23.0, 113.3, 23.1)), layers, tile_fetcher=sm.no_tiles)
    with pytest.raises(sm.StaticMapError, match="lang 'fr' must be 'zh' or 'en'"):
        sm.render_view_png(GZ_VIEW, layers, lang="fr", tile_fetcher=sm.no_tiles)
    with pytest.raises(sm.StaticMapError, match=r"highlighted park id\(s\) \['nope'\] are not in layers.parks"):
        sm.render_view_png(sm.MapView(GZ_VIEW.bounds, highlighted=("nope",)), layers, tile_fetcher=sm.no_tiles)
    mercator = sm.RenderLayers(parks=layers.parks.to_crs(3857), programmes=layers.programmes)
    with pytest.raises(CRSError, match="parks are in EPSG:3857; expected EPSG:4326"):
        sm.render_view_png(GZ_VIEW, mercator, tile_fetcher=sm.no_tiles)


# ---------------------------------------------------------------- text helpers and fonts

def test_wrap():
    assert sm.wrap("园区图谱园区", 4) == ["园区", "图谱", "园区"]
    assert sm.wrap("hello world foo", 11) == ["hello world", "foo"]
    assert sm.wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert sm.wrap("a\nb", 10) == ["a", "b"]


def test_cjk_font_draws_chinese():
    if not list(Path("/usr/share/fonts/opentype/noto").glob("NotoSansCJK*")):
        pytest.skip("fonts-noto-cjk is not installed here")
    name = sm.cjk_font()
    assert name == "Noto Sans CJK SC"
    path = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    font = FT2Font(path)
    assert all(font.get_char_index(ord(c)) != 0 for c in "园区图谱离线底图")


def test_cjk_font_none_when_no_font_installed(monkeypatch):
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(sm, "cjk_font_files", lambda: ())  # neither the pip package's font nor Debian's
    sm.cjk_font.cache_clear()
    try:
        assert sm.cjk_font() is None
    finally:
        sm.cjk_font.cache_clear()


# ---------------------------------------------------------------- PDFs

def test_story_pdf_one_page_per_slide(layers):
    """Issue 26: the story PDF joins the slides' own one-page PDFs (no images of text), each slide's
    title a bookmark."""
    from pypdf import PdfReader

    slides = [sm.render_view_png(sm.MapView(b, title=f"Slide {i}"), layers, tile_fetcher=sm.no_tiles,
                                 size_px=(800, 500), dpi=80, pdf=True).pdf
              for i, b in enumerate((GZ_VIEW.bounds, AROUND_POINT, (112.9, 22.9, 113.5, 23.8)))]
    pdf = sp.story_pdf_pages(slides, "Story")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3 and reader.metadata.title == "Story"
    assert [o.title for o in reader.outline] == ["1. Slide 0", "2. Slide 1", "3. Slide 2"]
    assert len(PdfReader(io.BytesIO(sp.story_pdf_pages(slides[:1], "One"))).pages) == 1


def test_story_pdf_errors():
    with pytest.raises(sm.StaticMapError, match="story_pdf_pages needs at least one slide page; got none"):
        sp.story_pdf_pages([], "Empty")
    with pytest.raises(sm.StaticMapError, match="slide 2 of 2 is not a readable PDF page"):
        sp.story_pdf_pages([sp.comparison_pdf(COMPARISON, "t", "n"), b"not a pdf"], "Broken")


COMPARISON = pd.DataFrame(
    {"海珠测试园 Test Park": ["1.10 km²", "互联网、人工智能、数字创意、" * 8, "穗府办函〔2018〕105号"],
     "Foshan Test Base": ["4.0 km²", "Robotics, smart appliances and a long list of other industries " * 4, None]},
    index=["Area / 面积", "Industries / 产业", "Source / 来源"],
)


def test_comparison_pdf_is_one_a4_landscape_page():
    pdf = sp.comparison_pdf(COMPARISON, "Park comparison", "Sources: test documents; schematic; as of 2026-11-24")
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == 1
    assert re.findall(rb"/MediaBox\s*\[\s*([\d. ]+?)\s*\]", pdf) == [b"0 0 841.68 595.44"]
    assert b"(Park comparison)" in pdf  # the document title
    assert b"WenQuanYiMicroHei" in pdf  # Chinese drawn with an embedded TrueType CJK font (fonts-wqy-microhei)


def test_comparison_too_long_for_a_page():
    table = pd.DataFrame({"a": ["x"] * 200, "b": ["y"] * 200}, index=[f"attr {i}" for i in range(200)])
    with pytest.raises(sm.StaticMapError, match="comparison table of 200 rows does not fit one A4 page even at 5.5 pt"):
        sp.comparison_pdf(table, "t", "n")


@pytest.mark.parametrize("n", [1, 5])
def test_comparison_needs_two_to_four_parks(n):
    table = pd.DataFrame({f"p{i}": ["x"] for i in range(n)}, index=["Area"])
    with pytest.raises(sm.StaticMapError, match=f"comparison table has {n} park column\\(s\\); it must have 2 to 4"):
        sp.comparison_pdf(table, "t", "n")


def test_comparison_without_cjk_font_has_no_tofu(monkeypatch):
    monkeypatch.setattr(sm, "cjk_font", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = sp.comparison_pdf(COMPARISON, "园区对比 Comparison", "来源 Sources")
    assert page_count(pdf) == 1
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
