"""The Present page's parts: the stories, the story and slide in the URL, presentation mode,
the slide map, image export and "save current view as slide".

The app never writes into data/: a saved slide is offered as a story file to download.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from layers import registry
from layers._errors import StoryError
from layers.stories import STORY_LAYERS, Slide, Story, load_stories, slide_bounds, story_from_view, story_to_yaml
from ui import data
from ui.i18n import Lang, t
from ui.mapview import base_map, layer_control, plan_legend
from ui.mapview.basemaps import for_display, point_for_display
from ui.mapview.story import slide_overlays, view_for_bounds
from ui.state import ViewState

MAP_HEIGHT = 640
PRESENT_MAP_HEIGHT = 820
"""Map height (px) in presentation mode: about 85 % of a 1000-px-high window."""
MAP_WIDTH_GUESS = {False: 820, True: 1250}
"""The map's width (px) assumed when fitting a slide's bounds: beside the sidebar, and in
presentation mode (edge to edge)."""
TILE_FETCHER: Callable[[int, int, int], bytes | None] | None = None
"""Tiles for PNG/PDF export: None tries the light basemap online and falls back to a plain
background (tests replace it with `ui.exports.static_map.no_tiles`)."""
EXPORT_SIZE = (1600, 1000)
"""(width, height) in pixels of an exported slide."""

PRESENT_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="collapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container {
  padding: 0.6rem 1.2rem 0 1.2rem !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] > .main, [data-testid="stMain"] { padding-top: 0 !important; }
iframe[title="streamlit_folium.st_folium"] { height: max(320px, calc(100vh - 7.6rem)) !important; }
</style>"""
"""Presentation mode: no sidebar, no Streamlit header/toolbar, the page edge to edge, and the map
as tall as the viewport leaves below the story picker and the slide buttons (the map fills its
frame: `ui.mapview.base.FillFrame`), so the whole slide fits the screen at 1024×768 and above."""


def stories_folder() -> Path:
    """data/stories/ of the data folder in use (PARKATLAS_DATA_DIR), else of the bundled data."""
    folder = registry.data_dir() / "stories"
    return folder if folder.is_dir() else registry.DATA_DIR / "stories"


def stories(parks: gpd.GeoDataFrame) -> tuple[dict[str, Story], list[str]]:
    """The stories (by id) and one line per problem of the story files that could not be loaded."""
    folder = stories_folder()
    files = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.yaml"))) if folder.is_dir() else ()
    return _load(str(folder), files, tuple(parks.index))


@st.cache_resource(show_spinner=False)
def _load(folder: str, _files_key: tuple, park_ids: tuple[str, ...]) -> tuple[dict[str, Story], list[str]]:
    return load_stories(Path(folder), set(park_ids))


# ------------------------------------------------------------------ story and slide in the URL

def apply_url(state: ViewState, found: dict[str, Story], lang: Lang) -> list[str]:
    """On the page's first run (no story chosen yet), take the story and slide from the URL
    (`?story=<id>&slide=<n>`, 1-based); return notices for an unknown story or slide, which
    fall back to the first story and its first slide."""
    notices: list[str] = []
    if state.story_id is None and found:
        wanted, slide = st.query_params.get("story"), st.query_params.get("slide")
        if wanted and wanted not in found:
            notices.append(t("present_unknown_story", lang, id=wanted))
        state.story_id = wanted if wanted in found else next(iter(found))
        state.slide = 0
        if slide is not None and wanted in found:
            total = len(found[state.story_id].slides)
            if slide.strip().isdigit() and 1 <= int(slide) <= total:
                state.slide = int(slide) - 1
            else:
                notices.append(t("present_unknown_slide", lang, n=slide, total=total))
    if state.story_id not in found and found:  # the story's file went away
        state.story_id, state.slide = next(iter(found)), 0
    if state.story_id in found:
        state.slide = min(max(state.slide, 0), len(found[state.story_id].slides) - 1)
        sync_url(state)
    return notices


def sync_url(state: ViewState) -> None:
    """Keep `?story=` and `?slide=` (1-based) in step with the state, for a shareable link."""
    for key, value in (("story", state.story_id), ("slide", str(state.slide + 1))):
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def step(state: ViewState, by: int, total: int) -> None:
    """Move `by` slides (a button callback), staying within the story."""
    state.slide = min(max(state.slide + by, 0), total - 1)


def pick_story(state: ViewState, key: str) -> None:
    """The story picker's callback: open the chosen story at its first slide."""
    state.story_id, state.slide = st.session_state[key], 0


def set_presenting(state: ViewState, key: str) -> None:
    """The presentation-mode toggle's callback."""
    state.presenting = bool(st.session_state[key])


def keep_widget(key: str, value: object) -> None:
    """Make a widget show the state's value (set before the widget is drawn)."""
    if st.session_state.get(key) != value:
        st.session_state[key] = value


# ------------------------------------------------------------------ the map

def slide_title(story: Story, slide: Slide, lang: Lang) -> str:
    """The slide's title, else the story's."""
    return (slide.title or story.title).get(lang)


def draw_slide_map(story: Story, index: int, lang: Lang, vendor: str, height: int) -> None:
    """The slide's map: the story's basemap, the slide's layers and highlighted parks, its
    caption on the map, fitted to the slide's bounds. Nothing is returned to the script (no
    reruns when the presenter pans). The key holds the height: streamlit-folium resizes its
    frame but not the Leaflet map in it, so a new height is a new map."""
    parks = data.parks()
    slide = story.slides[index]
    bm = story.basemap
    lines, nodes = data.network(slide.network_year)
    facilities, _ = data.optional_layer("facilities")
    if facilities is None:
        facilities = data.empty_layer("park_id", "category", "name_zh", "name_en", "capacity_text")
    frame = for_display(data.park_display_frame(lang), bm)
    counter = f"{index + 1} / {len(story.slides)}"
    minx, miny, maxx, maxy = slide_bounds(slide, parks)
    (s, w), (n, e) = point_for_display(miny, minx, bm), point_for_display(maxy, maxx, bm)
    overlays = slide_overlays(slide, lang, frame, for_display(parks, bm), for_display(lines, bm),
                              for_display(nodes, bm), for_display(facilities, bm), slide_title(story, slide, lang),
                              counter, bounds=(w, s, e, n))
    size = (MAP_WIDTH_GUESS[height == PRESENT_MAP_HEIGHT], height - 40)
    home_center, home_zoom = view_for_bounds(slide_bounds(story.slides[0], parks), *size)
    center, zoom = view_for_bounds(slide_bounds(slide, parks), *size)
    presenting = height == PRESENT_MAP_HEIGHT
    st_folium(
        base_map(lang, bm, point_for_display(*home_center, bm), home_zoom, vendor, fill_frame=presenting,
                 minimap=not presenting, legend_open=not presenting,
                 plans=plan_legend(frame["programme"], data.programmes(), lang)),
        key=f"present_map_{story.id}_{height}", height=height, use_container_width=True,
        feature_group_to_add=overlays, layer_control=layer_control(),
        center=point_for_display(*center, bm), zoom=zoom, returned_objects=[],
    )


# ------------------------------------------------------------------ export

def _render(story: Story, slide: Slide, lang: Lang, fetcher, pdf: bool = False):
    """One slide as a PNG (ui.exports.static_map.RenderResult). matplotlib is imported here, on export,
    not when the app starts."""
    from ui.exports import static_map as sm

    parks = data.parks()
    lines, nodes = data.network(slide.network_year)
    facilities, _ = data.optional_layer("facilities")
    layers = sm.RenderLayers(
        parks=parks if "parks" in slide.layers else parks.loc[list(slide.highlight)],
        lines=lines if "transport_lines" in slide.layers else None,
        nodes=nodes if "transport_nodes" in slide.layers else None,
        facilities=facilities if "facilities" in slide.layers else None,
        programmes=data.programmes(),
    )
    view = sm.MapView(bounds=slide_bounds(slide, parks), title=slide_title(story, slide, lang),
                      caption=slide.caption.get(lang), highlighted=slide.highlight)
    return sm.render_view_png(view, layers, lang=lang, tile_fetcher=fetcher, size_px=EXPORT_SIZE, pdf=pdf)


def export_section(story: Story, index: int, lang: Lang) -> None:
    """"This slide as PNG" and "Whole story as PDF", each rendered on request and offered as a
    download (with a note when the basemap could not be fetched)."""
    png_col, pdf_col = st.columns(2)
    with png_col:
        if st.button(t("present_png", lang), key="present_png", icon=":material/image:"):
            with st.spinner(t("present_rendering", lang, i=index + 1, n=len(story.slides))):
                res = _render(story, story.slides[index], lang, TILE_FETCHER)
            st.download_button(t("present_png_download", lang), data=res.png, mime="image/png",
                               file_name=f"story-{story.id}-slide-{index + 1}.png", key="present_png_download",
                               on_click="ignore", type="primary", icon=":material/download:")
            if res.note:
                st.caption(res.note)
    with pdf_col:
        if st.button(t("present_pdf", lang), key="present_pdf", icon=":material/picture_as_pdf:"):
            pngs, notes, fetcher = [], [], TILE_FETCHER
            bar = st.progress(0.0)
            for i, slide in enumerate(story.slides):
                bar.progress(i / len(story.slides), text=t("present_rendering", lang, i=i + 1, n=len(story.slides)))
                res = _render(story, slide, lang, fetcher, pdf=True)
                if not res.basemap and fetcher is None:
                    from ui.exports.static_map import no_tiles

                    fetcher = no_tiles  # offline: do not wait for tiles on every slide
                pngs.append(res.pdf or b"")
                notes += [n for n in res.notes if n not in notes]
            bar.empty()
            from ui.exports.static_pdf import story_pdf_pages

            st.download_button(t("present_pdf_download", lang), data=story_pdf_pages(pngs, story.title.get(lang)),
                               mime="application/pdf", file_name=f"story-{story.id}.pdf", key="present_pdf_download",
                               on_click="ignore", type="primary", icon=":material/download:")
            if notes:
                st.caption("; ".join(notes))


# ------------------------------------------------------------------ save current view as slide

def save_slide_section(story: Story, index: int, lang: Lang) -> None:
    """A form that turns a view (captions, highlighted parks, network year, layers) into a
    slide, appended to the current story or as a new story, offered as YAML to download."""
    from ui.filters import NETWORK_YEARS

    parks = data.parks()
    slide = story.slides[index]
    name = "name_zh" if lang == "zh" else "name_en"
    st.caption(t("present_save_help", lang))
    with st.form("present_save_form"):
        c1, c2 = st.columns(2)
        title_zh = c1.text_input(t("present_title_zh", lang), key="present_save_title_zh", max_chars=80)
        title_en = c2.text_input(t("present_title_en", lang), key="present_save_title_en", max_chars=80)
        cap_zh = c1.text_area(t("present_caption_zh", lang), key="present_save_caption_zh", max_chars=1000)
        cap_en = c2.text_area(t("present_caption_en", lang), key="present_save_caption_en", max_chars=1000)
        highlight = st.multiselect(t("present_highlight", lang), list(parks.index), default=list(slide.highlight),
                                   format_func=lambda i: f"{parks.at[i, name]} ({i})", key="present_save_highlight")
        fit = st.radio(t("present_fit", lang), ["highlight", "slide"], horizontal=True, key="present_save_fit",
                       format_func=lambda v: t(f"present_fit_{v}", lang))
        c3, c4 = st.columns(2)
        year = c3.select_slider(t("network_year", lang), options=NETWORK_YEARS,
                                value=slide.network_year if slide.network_year in NETWORK_YEARS else "full",
                                format_func=lambda v: t("full_plan", lang) if v == "full" else str(v),
                                key="present_save_year")
        layers = c4.multiselect(t("present_layers", lang), list(STORY_LAYERS), default=list(slide.layers),
                                format_func=lambda v: t(f"present_layer_{v}", lang), key="present_save_layers")
        target = st.radio(t("present_save_to", lang), ["append", "new"], horizontal=True, key="present_save_to",
                          format_func=lambda v: t(f"present_save_{v}", lang, n=len(story.slides) + 1,
                                                  title=story.title.get(lang)))
        new_id = st.text_input(t("present_new_id", lang), value="my-story", key="present_save_new_id", max_chars=60)
        submitted = st.form_submit_button(t("present_save_build", lang), type="primary")
    if not submitted:
        return
    where = ({"parks": highlight} if fit == "highlight" and highlight
             else {"bounds": slide_bounds(slide, parks)})
    title = {"zh": title_zh, "en": title_en} if (title_zh.strip() or title_en.strip()) else None
    try:
        built = story_from_view({"zh": cap_zh, "en": cap_en}, **where, layers=layers, network_year=year,
                                highlight=highlight, title=title, story=story if target == "append" else None,
                                story_id=new_id.strip(), basemap=story.basemap, park_ids=set(parks.index))
    except StoryError as exc:
        st.error(t("present_save_invalid", lang))
        st.code("\n".join(exc.problems), language=None)
        return
    text = story_to_yaml(built)
    st.download_button(t("present_save_download", lang, name=f"{built.id}.yaml", markdown=False),  # a checked slug
                       data=text.encode("utf-8"),
                       file_name=f"{built.id}.yaml", mime="application/x-yaml", key="present_save_download",
                       on_click="ignore", type="primary", icon=":material/download:")
    st.code(text, language="yaml")
