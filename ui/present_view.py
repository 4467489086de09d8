"""The Present page's parts: the stories, the story and slide in the URL, presentation mode,
the slide map (which reports the view the presenter panned to, for an editor) and image export.

Stories are records of the workspace (`layers.story_records`), seeded from data/stories/*.yaml;
they are changed in `ui.story_editor`, never in data/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from layers import registry
from layers.stories import Slide, Story, Text, load_stories, slide_bounds, story_to_yaml
from layers.story_records import stories_from_records
from ui import data
from ui.i18n import LABELS, Lang, t
from ui.mapview import base_map, layer_control, plan_legend
from ui.mapview.basemaps import click_to_wgs84, for_display, point_for_display
from ui.mapview.story import shown_text, slide_overlays, tight_zoom, view_for_bounds
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


VIEW_KEY = "present_view_now"
"""Session key of the view the presenter panned to: {"story", "bounds", "center", "zoom"} (EPSG:4326)."""


def stories_folder() -> Path:
    """data/stories/ of the data folder in use (PARKATLAS_DATA_DIR): what the workspace seeds from."""
    return registry.data_dir() / "stories"


def stories(parks: gpd.GeoDataFrame) -> tuple[dict[str, Story], list[str]]:
    """The workspace's stories (by id, hidden slides included) and one line per problem: of a
    story record that cannot be shown now, and of a story file in data/stories/ that could not
    be loaded (so was not seeded)."""
    found, problems = stories_from_records(data.records("stories"), set(parks.index))
    folder = stories_folder()
    files = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.yaml"))) if folder.is_dir() else ()
    return found, problems + _file_problems(str(folder), files, tuple(parks.index))


@st.cache_resource(show_spinner=False, max_entries=4)
def _file_problems(folder: str, _files_key: tuple, park_ids: tuple[str, ...]) -> list[str]:
    return load_stories(Path(folder), set(park_ids))[1]


def presented(story: Story, parks: gpd.GeoDataFrame) -> tuple[Story, bool]:
    """The story as presented: its slides that are not hidden; a story with none yet gets one
    stand-in slide over every placed park saying so (True then), so there is a map to pan."""
    shown = story.shown()
    if shown:
        return (story if len(shown) == len(story.slides) else replace(story, slides=shown)), False
    placed = parks.geometry[parks.geometry.notna() & ~parks.geometry.is_empty]
    minx, miny, maxx, maxy = (float(v) for v in placed.total_bounds) if len(placed) else (112.9, 22.5, 114.0, 23.9)
    zh, en = LABELS["story_no_slides"]
    title = Text(*LABELS["story_empty_caption"])
    slide = Slide(caption=Text(zh, en), bounds=(minx - 0.02, miny - 0.02, maxx + 0.02, maxy + 0.02), title=title)
    return replace(story, slides=(slide,)), True


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
    """The slide's title, else the story's (the other language's, marked, when it has none in `lang`)."""
    return shown_text(slide.title or story.title, lang)


def map_view(returned: Any, basemap: str) -> dict | None:
    """The view streamlit-folium reports (bounds, center, zoom, as displayed over `basemap`) in
    EPSG:4326: {"bounds": (minlon, minlat, maxlon, maxlat), "center": (lon, lat), "zoom"}; None
    when the map has not reported one."""
    if not isinstance(returned, dict):
        return None
    b, c, z = returned.get("bounds") or {}, returned.get("center") or {}, returned.get("zoom")
    try:
        s, w = click_to_wgs84(float(b["_southWest"]["lat"]), float(b["_southWest"]["lng"]), basemap)
        n, e = click_to_wgs84(float(b["_northEast"]["lat"]), float(b["_northEast"]["lng"]), basemap)
        lat, lon = click_to_wgs84(float(c["lat"]), float(c["lng"]), basemap) if c else ((s + n) / 2, (w + e) / 2)
    except (KeyError, TypeError, ValueError):
        return None
    if not (w < e and s < n):
        return None
    clamp = lambda v, lim: min(max(v, -lim), lim)  # noqa: E731 - Leaflet reports beyond ±180 when panned round
    return {"bounds": (clamp(w, 180), clamp(s, 90), clamp(e, 180), clamp(n, 90)), "center": (clamp(lon, 180), lat),
            "zoom": float(z) if isinstance(z, (int, float)) else None}


def draw_slide_map(story: Story, index: int, lang: Lang, vendor: str, height: int, report_view: bool = False) -> None:
    """The slide's map: the story's basemap, the slide's layers and highlighted parks, its
    caption on the map, fitted to the slide's bounds. With `report_view` (an editor) the map
    reports where the presenter panned it (`VIEW_KEY` in the session, see `map_view`: every
    pan reruns the page); otherwise nothing is returned (no reruns when the presenter pans).
    The key holds the height: streamlit-folium resizes its frame but not the Leaflet map in it,
    so a new height is a new map."""
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
    returned = st_folium(
        tight_zoom(base_map(lang, bm, point_for_display(*home_center, bm), home_zoom, vendor, fill_frame=presenting,
                            minimap=not presenting, legend_open=not presenting,
                            plans=plan_legend(frame["programme"], data.programmes(), lang))),
        key=f"present_map_{story.id}_{height}", height=height, use_container_width=True,
        feature_group_to_add=overlays, layer_control=layer_control(),
        center=point_for_display(*center, bm), zoom=zoom,
        returned_objects=["bounds", "center", "zoom"] if report_view else [],
    )
    seen = map_view(returned, bm) if report_view else None
    if seen is not None:
        st.session_state[VIEW_KEY] = {"story": story.id, **seen}


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
                      caption=shown_text(slide.caption, lang), highlighted=slide.highlight)
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


def yaml_export(story: Story, lang: Lang) -> None:
    """The story (hidden slides included) as a story file (YAML) to download: what
    "import a story file" and data/stories/ read."""
    st.download_button(t("story_export", lang, name=f"{story.id}.yaml", markdown=False),  # a checked slug
                       data=story_to_yaml(story).encode("utf-8"), file_name=f"{story.id}.yaml",
                       mime="application/x-yaml", key="present_yaml_download", on_click="ignore",
                       icon=":material/download:")
