"""One language at a time (issue 21): every page, in its main states, speaks the chosen language.

Each page is rendered with AppTest in English and in Chinese, and every text of its chrome is
read from the element tree: labels, help, placeholders, options, captions, headers, alerts,
Markdown and HTML (with its title attributes), tabs and expanders, table headers and cells.
Values that come from data are taken out first: the bundled layers' values (park names, districts,
sources, notes …) and, on the Data page, the uploaded file's name, layers, columns and values.
What remains must be in the page's language:

- in English, no Han character, except `EN_ALLOWED` (units, quoted document terms, examples);
- in Chinese, no Latin word of three or more letters, except words in capitals (acronyms, codes,
  environment variables: CSV, EPSG, WGS84, GTFS …), code (in backticks, file names, folders) and
  `ZH_ALLOWED` (format and product names, encodings, examples).

The map itself is a component AppTest cannot see into: its controls (zoom, full screen, measure,
minimap, leaflet-draw's toolbars and tooltips) are checked in the map's HTML.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import streamlit as st
from google.protobuf.message import Message
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from store import default_location, open_workspace
from tests.conftest import ROOT, TEST_DATA

APP = str(ROOT / "streamlit_app.py")
DATA_PAGE = "from ui.pages import data_page\ndata_page.render()\n"
SITES_PAGE = "from ui.pages import sites\nsites.render()\n"
TARGETS_PAGE = "from ui.pages import targets\ntargets.render()\n"
PRESENT_PAGE = ("import streamlit as st\nst.set_page_config(layout='wide')\n"
                "from ui.pages import present\npresent.render()\n")
BAD = TEST_DATA / "bad"
PARK = "gz-vip-pazhou"  # a point of the bundled data (stated 2.1 km²)
OUTLINE = box(113.330, 23.096, 113.344, 23.108)  # ~1.9 km² around it
LANGS = ("en", "zh")

EN_ALLOWED = (
    # units written in Chinese in both languages (亩 has no English name; 万㎡ = 10,000 m²); the
    # money units and the comparison "约" (about) as targets are stated (the progress rule names them)
    "亩", "万", "亿美元", "元", "约",
    # document terms quoted in the English text ("Boundary as written (四至)", "the approved 控规 red line")
    "四至", "控规",
    # what to type into the park search, in the language the park names are in
    "琶洲", "增城",
    # the language switch names both languages in both ("Language / 语言", "中文")
    "语言", "中文",
    # the label written into schematic / illustrative exports, quoted as the file carries it
    "示意边界", "示意数据，非官方规划",
)
"""Han text allowed in the English pages, by class (see the comment of each)."""

ZH_ALLOWED = (
    # file formats and products, named as they name themselves
    "GeoJSON", "GeoPackage", "GeoParquet", "Parquet", "Shapefile", "Excel", "OpenStreetMap", "ParkAtlas",
    "Streamlit", "Dask", "pyproj.Geod", "GeographicLib", "Leaflet",
    # units and codes in mixed case, and encodings and archive types as programs spell them
    "MiB", "NaN", "utf-8", "gbk", "Latin-1", "zip",
    # the files of a GTFS feed, by their names (stops.txt, routes.txt …)
    "stops", "routes", "trips", "stop_times", "shapes",
    # what to type into the park search: its Latin spelling
    "pazhou",
    # the language switch names both languages in both ("语言 / Language", "English")
    "Language", "English",
    # a story id the user types (lowercase Latin letters and hyphens, as the field says)
    "my-story",
    # the label written into schematic / illustrative exports, quoted as the file carries it
    "schematic geometry", "illustrative — not an official plan",
)
"""Latin words allowed in the Chinese pages, by class (see the comment of each)."""

TEXT_FIELDS = frozenset({"label", "help", "placeholder", "options", "content", "body", "value", "default",
                         "caption", "text"})
"""The string fields of Streamlit's element protos that are shown to the user."""

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z]+")
_CODE = re.compile(
    r"`[^`]*`"  # code spans
    r"|https?://\S+"  # links
    r"|[\w.\-]*\.(?:geojson|json|gpkg|zip|kml|csv|txt|parquet|geoparquet|yaml|yml|xlsx|pdf|png|cpg|shp|dbf|prj|shx)\b"
    r"|(?:[A-Za-z0-9_.\-]+/)+",  # folders: data/, data/stories/
    re.IGNORECASE)


# --- what a page shows ------------------------------------------------------------------------


def _walk(node):
    """Every node of an AppTest element tree."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _proto_texts(message: Message):
    """The shown string fields (`TEXT_FIELDS`) of an element's proto, nested ones included."""
    for field, value in message.ListFields():
        for item in value if field.is_repeated else [value]:
            if isinstance(item, Message):
                yield from _proto_texts(item)
            elif isinstance(item, str) and field.name in TEXT_FIELDS:
                yield item


def _table_texts(frame) -> list[str]:
    """A table's headers and its text cells (numbers say nothing of a language)."""
    texts = [str(c) for c in frame.columns]
    for col in frame.columns:
        texts += [v for v in frame[col].tolist() if isinstance(v, str)]
    return texts


def page_texts(at: AppTest) -> list[str]:
    """Every text the page shows outside its map components."""
    texts: list[str] = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or getattr(proto, "component_name", ""):  # a map: see the map tests below
            continue
        texts += _proto_texts(proto)
        if type(node).__name__ == "Dataframe":
            texts += _table_texts(node.value)
    return texts


def plain(text: str) -> str:
    """`text` as the reader sees it: HTML without tags (its tooltips kept), Markdown unescaped,
    code (spans, links, file and folder names) taken out."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)
    titles = re.findall(r"""title=['"]([^'"]*)['"]""", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text) + " " + " ".join(titles))
    text = re.sub(r"\\(.)", r"\1", text.replace("\u2060", ""))
    return _CODE.sub(" ", text)


# --- what may stay in the other language ------------------------------------------------------


def _values_of(frame) -> set[str]:
    """The text values of a table (list cells flattened), its column names and its index."""
    found = {str(c) for c in frame.columns} | {str(i) for i in frame.index}
    for col in frame.columns:
        if col == getattr(frame, "_geometry_column_name", None):
            continue
        for value in frame[col].dropna().tolist():
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(item, str) and item.strip():
                    found.add(item.strip())
    return found


def bundled_values() -> set[str]:
    """Every text value of the bundled layers (park names, districts, sources, notes, targets …)."""
    from layers import registry

    found: set[str] = set()
    for layer_id in registry.layer_ids():
        if registry.is_bundled(layer_id):
            found |= _values_of(registry.load(layer_id))
    return found


def file_values(path: Path) -> set[str]:
    """The uploaded file's own texts: its name, layers, columns (a CSV's coordinate columns too)
    and text values."""
    from geo.io import import_file, list_layers

    found = {path.name, path.stem}
    if path.suffix == ".csv":
        found |= {c.strip() for c in path.read_bytes().decode("utf-8-sig", "ignore").splitlines()[0].split(",")}
    layers = list_layers(path) if path.suffix in (".gpkg", ".kml") else [None]
    found |= {name for name in layers if name}
    for layer in layers:
        found |= _values_of(import_file(path, layer=layer).gdf)
    return found


def _remover(values) -> re.Pattern[str]:
    """A pattern matching any of `values` whole (a Latin edge does not cut into a word)."""
    parts = []
    for value in sorted(set(values), key=len, reverse=True):
        part = re.escape(value)
        if value[0].isascii() and value[0].isalnum():
            part = r"(?<![A-Za-z0-9_])" + part
        if value[-1].isascii() and value[-1].isalnum():
            part += r"(?![A-Za-z0-9_])"
        parts.append(part)
    return re.compile("|".join(parts))


def foreign(text: str, lang: str, remove: re.Pattern[str]) -> list[str]:
    """The words of `text` (already `plain`) in the other language, once data and allowed words
    are taken out: Han runs in English; Latin words of 3+ letters, not in capitals, in Chinese."""
    rest = remove.sub(" ", text)
    if lang == "en":
        return _HAN.findall(rest)
    return [w for w in _LATIN.findall(rest) if len(w) >= 3 and not w.isupper()]


def assert_one_language(at: AppTest, lang: str, data: set[str], where: str) -> None:
    """Fail with every text of the page that has words in the other language."""
    assert not at.exception, [e.value for e in at.exception]
    remove = _remover(data | set(EN_ALLOWED if lang == "en" else ZH_ALLOWED))
    found = {}
    for text in page_texts(at):
        words = foreign(plain(text), lang, remove)
        if words:
            found[text[:160]] = words
    assert not found, f"{where} ({lang}) shows the other language:\n" + "\n".join(f"  {w}: {t!r}" for t, w in found.items())


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> set[str]:
    return bundled_values()


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    """The bundled data (no PARKATLAS_DATA_DIR) with Streamlit's caches cleared around each test."""
    monkeypatch.delenv("PARKATLAS_DATA_DIR", raising=False)
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def run(script: str | None, lang: str, **query: str) -> AppTest:
    """The app (or one page's `script`) run once in `lang` with `query` in its URL, tables shown."""
    at = AppTest.from_string(script, default_timeout=90) if script else AppTest.from_file(APP, default_timeout=90)
    at.session_state["w_tables"] = True
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def give_name(at: AppTest, key: str, name: str) -> AppTest:
    """Answer the workspace's one-time "your name" question."""
    at.text_input(key=f"{key}_author").set_value(name).run()
    return at.button(key=f"{key}_author_save").click().run()


@pytest.mark.parametrize("lang", LANGS)
def test_atlas_and_a_profile(lang, bundled):
    assert_one_language(run(None, lang), lang, bundled, "the atlas")
    assert_one_language(run(None, lang, park=PARK), lang, bundled, "the atlas with a profile open")


@pytest.mark.parametrize("lang", LANGS)
def test_sites_targets_and_present(lang, bundled):
    assert_one_language(run(SITES_PAGE, lang), lang, bundled, "Sites")
    assert_one_language(run(SITES_PAGE, lang, cmp=f"{PARK},gz-vip-zengcheng"), lang, bundled, "Sites comparing two")
    assert_one_language(run(TARGETS_PAGE, lang), lang, bundled, "Targets")
    assert_one_language(run(PRESENT_PAGE, lang), lang, bundled, "Present")


PLANS_PAGE = "from ui.pages import plans\nplans.render()\n"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("section", ["plans", "parks", "targets", "rules", "progress", "transport"])
def test_the_plans_page_every_section(lang, section, bundled):
    at = run(PLANS_PAGE, lang, section=section)
    if any(ti.key and ti.key.endswith("_author") for ti in at.text_input):  # the one-time name question
        at = give_name(at, next(ti.key for ti in at.text_input if ti.key.endswith("_author"))[:-len("_author")], "Wang")
    assert_one_language(at, lang, bundled | {"Wang"}, f"the Plans page, section {section}")


UPLOADS = ("bowtie.geojson", "nan_huge_coords.geojson", "gbk_no_cpg.zip", "projected_says_nothing.geojson",
           "swapped_axes.csv", "far_away_beijing.geojson", "mojibake.csv", "z_coords.geojson", "multi_layer.gpkg")
"""Files whose check report says, between them, every kind of thing it says: repairs, drops, an
encoding detected without .cpg, a CRS to confirm, swapped axes, far from the region, mis-decoded
text, Z dropped, a choice of layers."""


@pytest.mark.parametrize("lang", LANGS)
def test_the_data_page_and_the_check_report(lang, bundled):
    at = run(DATA_PAGE, lang)
    assert_one_language(at, lang, bundled, "the Data page")
    for name in UPLOADS:
        at.file_uploader(key="w_upload").upload(name, (BAD / name).read_bytes()).run()
        at.button(key="w_import").click().run()
        assert at.markdown and any("EPSG" in m.value for m in at.markdown), f"no report for {name}"
        assert_one_language(at, lang, bundled | file_values(BAD / name), f"the check report of {name}")


@pytest.mark.parametrize("lang", LANGS)
def test_every_export_option(lang, bundled):
    from geo.export import EXPORT_CRS, EXPORT_FORMATS

    at = run(DATA_PAGE, lang)
    for layer in at.selectbox(key="w_exp_layer").options:
        at.selectbox(key="w_exp_layer").set_value(layer).run()
        assert_one_language(at, lang, bundled, f"exporting {layer}")
    for crs in EXPORT_CRS:
        at.selectbox(key="w_exp_crs").set_value(crs).run()
        assert_one_language(at, lang, bundled, f"exporting in {crs}")
    for fmt in EXPORT_FORMATS:
        at.selectbox(key="w_exp_format").set_value(fmt).run()
        at.button(key="w_exp_build").click().run()
        assert at.get("download_button"), f"no {fmt} file built"
        assert_one_language(at, lang, bundled, f"exporting as {fmt}")


@pytest.mark.parametrize("lang", LANGS)
def test_a_drawn_layer_is_kept_in_the_language_it_was_drawn_in(lang, bundled, monkeypatch):
    drawn = [{"type": "Feature", "properties": {}, "geometry": OUTLINE.__geo_interface__}]
    monkeypatch.setattr("ui.panels.draw_panel.st_folium", lambda fig, **kwargs: {"all_drawings": drawn})
    at = run(DATA_PAGE, lang)
    officer = "Officer Li" if lang == "en" else "李工"
    give_name(at, "draw", officer)
    at.button(key="w_keep_drawn").click().run()
    assert_one_language(at, lang, bundled | {officer}, "the Data page with a drawn layer")


def _editor_maps(monkeypatch, drawings: list[dict]) -> list[str]:
    """Fake st_folium (AppTest cannot run it): the outline editor answers `drawings`; the HTML of
    each editor map drawn is kept in the list returned."""
    import streamlit_folium

    maps: list[str] = []

    def fake(fig, key=None, **kwargs):
        if key and key.startswith("outline_editor"):
            maps.append(fig.get_root().render())
            return {"all_drawings": drawings}
        return {}

    monkeypatch.setattr(streamlit_folium, "st_folium", fake)
    monkeypatch.setattr("ui.mapview.cached.show", lambda prep, key=None, **kwargs: {})
    for module in ("ui.panels.outline_editor", "ui.pages.atlas", "ui.panels.history_panel"):
        monkeypatch.setattr(f"{module}.st_folium", fake, raising=False)
    return maps


def _open_editor(lang: str, officer: str) -> AppTest:
    at = run(None, lang, park=PARK)
    at.button(key="edit_outline").click().run()
    return give_name(at, "outline", officer)


@pytest.mark.parametrize("lang", LANGS)
def test_the_outline_editor_and_the_evidence_it_saves(lang, bundled, monkeypatch):
    maps = _editor_maps(monkeypatch, [{"type": "Feature", "properties": {}, "geometry": OUTLINE.__geo_interface__}])
    officer, reason = ("Officer Li", "digitised from the district plan") if lang == "en" else ("李工", "按区规划图勾绘")
    at = _open_editor(lang, officer)
    at.text_input(key="outline_reason").set_value(reason).run()
    assert_one_language(at, lang, bundled | {officer, reason}, "the outline editor")
    assert_map_in(maps[-1], lang)
    at.button(key="outline_save").click().run()
    assert_one_language(at, lang, bundled | {officer, reason}, "the atlas after saving an outline")
    saved = open_workspace(default_location(), seed=False).history("parks", PARK).iloc[-1]
    assert saved["evidence"] == ("digitised on the ParkAtlas map (basemap: Light (presentation))" if lang == "en"
                                 else "在 ParkAtlas 地图上勾绘（底图：浅色演示底图）")


def test_the_evidence_follows_a_language_switch_until_the_officer_writes_it(monkeypatch):
    _editor_maps(monkeypatch, [{"type": "Feature", "properties": {}, "geometry": OUTLINE.__geo_interface__}])
    at = _open_editor("en", "Officer Li")
    assert at.text_input(key="outline_evidence").value.startswith("digitised on the ParkAtlas map")
    at.button_group(key="w_lang").set_value("zh").run()
    assert at.text_input(key="outline_evidence").value == "在 ParkAtlas 地图上勾绘（底图：浅色演示底图）"
    at.text_input(key="outline_evidence").set_value("控规图则 A-3").run()
    at.button_group(key="w_lang").set_value("en").run()
    assert at.text_input(key="outline_evidence").value == "控规图则 A-3"  # what the officer wrote stays


def test_outlines_matched_from_a_file_carry_evidence_in_the_officers_language():
    from ui.panels.boundary_match import outline_evidence

    assert outline_evidence("红线.gpkg", 2, "琶洲", "ab12cd34", "en") == "红线.gpkg, feature #3 (琶洲), sha256 ab12cd34"
    assert outline_evidence("红线.gpkg", 2, "琶洲", "ab12cd34", "zh") == "红线.gpkg，第 3 个要素（琶洲），sha256 ab12cd34"
    assert outline_evidence("红线.gpkg", 0, None, "ab12cd34", "zh") == "红线.gpkg，第 1 个要素，sha256 ab12cd34"


# --- the check report's own phrases -------------------------------------------------------------


def _importable():
    """(file, options) of every file in tests/data/bad that imports, with the options it needs."""
    from geo._errors import InputError
    from geo.io import import_file

    options = {"gcj02_points.geojson": {"coordinate_system": "gcj02"}, "crs2008_epsg4547.geojson": {"crs": 4326}}
    for path in sorted(BAD.iterdir()):
        try:
            yield path, import_file(path, **options.get(path.name, {})).report
        except (InputError, ValueError):
            continue


def test_every_phrase_of_the_check_report_has_chinese():
    from ui.i18n_report import geometry_type, report_text

    quoted = re.compile(r"'[^']*'|\"[^\"]*\"")  # geo quotes what comes from the file (its columns, values)
    remove = _remover(ZH_ALLOWED)
    untranslated = {}
    for path, report in _importable():
        phrases = [report.format, report.crs_source, report.encoding_source, *report.warnings,
                   *(n.description for n in report.repaired + report.dropped)]
        for phrase in filter(None, phrases):
            zh = quoted.sub(" ", plain(report_text(phrase, "zh").replace(path.name, " ")))
            if foreign(zh, "zh", remove):
                untranslated[phrase] = path.name
            assert report_text(phrase, "en") == phrase
        assert all(geometry_type(kind, "zh") != kind for kind in report.geometry_types)
    assert not untranslated, untranslated


# --- the map's own controls ---------------------------------------------------------------------


def _unescaped(page: str) -> str:
    """A map's HTML with JSON's \\uXXXX escapes read back (folium writes its options as JSON)."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


def _draw_local(page: str) -> dict:
    """The texts the map's DrawLocal element gives leaflet-draw (L.drawLocal)."""
    found = re.search(r"merge\(L\.drawLocal, (\{.*?\})\);\n", page, re.S)
    assert found, "no L.drawLocal texts on the map"
    return json.loads(found.group(1).replace("<\\/", "</"))


def assert_map_in(page: str, lang: str) -> None:
    """The map's controls speak `lang`: zoom, full screen, minimap, measure and leaflet-draw."""
    page = _unescaped(page)
    zh = lang == "zh"
    for text in (("放大", "缩小", "全屏", "退出全屏") if zh else ("Zoom in", "Zoom out", "Full screen", "Exit full screen")):
        assert text in page, text
    assert f'"localization": "{"cn" if zh else "en"}"' in page
    texts = _draw_local(page)
    finish, save = texts["draw"]["toolbar"]["finish"]["title"], texts["edit"]["toolbar"]["actions"]["save"]["title"]
    assert (finish, save) == (("完成绘制", "保存修改") if zh else ("Finish drawing", "Save changes"))
    if zh:  # every text of leaflet-draw's toolbars and tooltips, not only those two
        english = [text for text in _leaves(texts) if _LATIN.search(re.sub(r"</?strong>", "", text))]
        assert not english, english


def _leaves(tree: dict) -> list[str]:
    """The texts of a nested dict of texts."""
    return [leaf for value in tree.values() for leaf in (_leaves(value) if isinstance(value, dict) else [value])]


@pytest.mark.parametrize("lang", LANGS)
def test_the_map_controls_speak_the_page_language(lang):
    from ui.mapview import base_map
    from ui.mapview.draw_control import add_draw

    m = base_map(lang, "light", (23.1, 113.3), 9, "/app/static/vendor")
    add_draw(m, lang, export=False)
    page = m.get_root().render()
    assert_map_in(page, lang)
    minimap = ("隐藏小地图", "显示小地图") if lang == "zh" else ("Hide MiniMap", "Show MiniMap")
    assert all(text in _unescaped(page) for text in minimap)


def _leaflet_draw_defaults() -> dict:
    """leaflet-draw's own English `L.drawLocal`, read from the installed source."""
    source = (ROOT / "static" / "vendor" / "leaflet-draw" / "leaflet.draw-src.js").read_text(encoding="utf-8")
    block = re.search(r"L\.drawLocal = (\{.*?\n\});", source, re.S).group(1)
    block = re.sub(r"//[^\n]*", "", block)
    block = re.sub(r"^(\s*)(\w+):", r'\1"\2":', block, flags=re.M).replace("'", '"')
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", block))


def test_the_english_draw_texts_are_leaflet_draws_own():
    """What the browser tests click (`a[title="Finish drawing"]`, `a[title="Save changes"]`) and
    every other English text of the toolbars stay leaflet-draw's, word for word."""
    from ui.mapview.draw_control import draw_texts

    assert draw_texts("en") == _leaflet_draw_defaults()
