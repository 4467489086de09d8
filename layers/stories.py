"""Stories of the Present page: ordered slides, each a map view with a caption in zh and en.

A story is a YAML file in data/stories/ whose stem is the story id::

    title: {zh: 广州十大价值创新园区, en: Guangzhou's ten value-innovation parks}
    description: {zh: ..., en: ...}
    basemap: light                       # optional, default "light"
    slides:
      - title: {zh: ..., en: ...}        # optional
        parks: [gz-vip-pazhou]           # fit the map to these parks ...
        # bounds: [113.2, 22.9, 113.6, 23.4]   # ... or [minlon, minlat, maxlon, maxlat], EPSG:4326
        layers: [parks, transport_lines] # optional, default [parks]
        network_year: 2021               # optional: a year 1990-2060 or "full" (default)
        highlight: [gz-vip-pazhou]       # optional park ids drawn emphasised
        caption: {zh: ..., en: ...}      # one language is enough: the other falls back to it
        center: [113.36, 23.10]          # optional: the view as saved in the app (lon, lat) ...
        zoom: 12.5                       # ... and its zoom
        hidden: false                    # optional: a hidden slide is kept but not presented

Files are read with `yaml.safe_load` (no tags, no code). Every problem is reported at once as a
`StoryError` whose lines name the file, the slide (1-based) and the field.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import yaml

from layers._errors import StoryError
from layers.base import ID_PATTERN
from layers.transport import FULL_PLAN

STORY_LAYERS = ("parks", "transport_lines", "transport_nodes", "facilities", "landuse")
"""Layers a slide may show."""
STORY_BASEMAPS = ("light", "osm", "satellite", "gaode", "tianditu")
"""Basemaps a story may ask for (the keys `ui.mapview.basemaps` draws; layers/ cannot import ui/)."""
LANGS = ("zh", "en")
MIN_YEAR, MAX_YEAR = 1990, 2060

_STORY_KEYS = ("title", "description", "basemap", "slides")
_SLIDE_KEYS = ("title", "bounds", "parks", "layers", "network_year", "highlight", "caption", "center", "zoom", "hidden")


@dataclass(frozen=True)
class Text:
    """A text in Chinese and English; one of the two may be empty ("")."""

    zh: str
    en: str = ""

    def get(self, lang: str) -> str:
        """The text in `lang` ("zh" or "en"), else in the other language (see `is_fallback`).

        >>> Text("只有中文").get("en"), Text("", "English").get("zh")
        ('只有中文', 'English')
        """
        own = self.zh if lang == "zh" else self.en
        return own or (self.en if lang == "zh" else self.zh)

    def is_fallback(self, lang: str) -> bool:
        """Whether `get(lang)` is the other language's text (this one is empty).

        >>> Text("只有中文").is_fallback("en"), Text("只有中文").is_fallback("zh")
        (True, False)
        """
        return not (self.zh if lang == "zh" else self.en) and bool(self.zh or self.en)


@dataclass(frozen=True)
class Slide:
    """One map view of a story.

    Exactly one of `bounds` ((minlon, minlat, maxlon, maxlat), EPSG:4326 degrees) and `parks`
    (ids to fit the map to) is set. `network_year` is a year or "full" (the whole plan).
    `center` ((lon, lat), EPSG:4326) and `zoom` are the view as the presenter saved it in the app
    (bounds say where the map looks; these are kept with it). A `hidden` slide is kept, not shown.
    """

    caption: Text
    bounds: tuple[float, float, float, float] | None = None
    parks: tuple[str, ...] = ()
    layers: tuple[str, ...] = ("parks",)
    network_year: int | str = FULL_PLAN
    highlight: tuple[str, ...] = ()
    title: Text | None = None
    center: tuple[float, float] | None = None
    zoom: float | None = None
    hidden: bool = False


@dataclass(frozen=True)
class Story:
    """A named sequence of slides (at least one); `id` is the file stem."""

    id: str
    title: Text
    description: Text
    slides: tuple[Slide, ...]
    basemap: str = "light"

    def shown(self) -> tuple[Slide, ...]:
        """The slides a presentation shows (the hidden ones left out)."""
        return tuple(s for s in self.slides if not s.hidden)


# --------------------------------------------------------------------------- parsing


class _Problems:
    def __init__(self, origin: str):
        self.origin = origin
        self.items: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{self.origin}: {where}{what}")


def _text(value: Any, where: str, fld: str, out: _Problems, required: bool = True) -> Text | None:
    if value is None:
        if required:
            out.add(where, f"field '{fld}': is missing")
        return None
    if not isinstance(value, Mapping):
        out.add(where, f"field '{fld}': must be a mapping with 'zh' and/or 'en' texts, not {_kind(value)}")
        return None
    texts = {lang: "" for lang in LANGS}
    before = len(out.items)
    for lang in LANGS:
        v = value.get(lang)
        if isinstance(v, str):
            texts[lang] = v.strip()
        elif v is not None:
            out.add(where, f"field '{fld}': the '{lang}' text must be a text, not {_kind(v)}")
    if not any(texts.values()) and len(out.items) == before:
        out.add(where, f"field '{fld}': needs a text in zh or en (one language is enough)")
    extra = sorted(str(k) for k in value if k not in LANGS)
    if extra:
        out.add(where, f"field '{fld}': unknown language(s) {', '.join(extra)} (use zh and en)")
    return Text(**texts) if len(out.items) == before else None


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a text", int: "a number", float: "a number",
            bool: "true/false", type(None): "empty"}.get(type(value), type(value).__name__)


def _ids(value: Any, where: str, fld: str, park_ids: Collection[str] | None, out: _Problems) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        out.add(where, f"field '{fld}': must be a list of park ids")
        return ()
    bad = [v for v in value if park_ids is not None and v not in park_ids]
    for v in bad:
        out.add(where, f"field '{fld}': {v!r} is not the id of a park")
    return tuple(value)


def _bounds(value: Any, where: str, out: _Problems) -> tuple[float, float, float, float] | None:
    numbers = isinstance(value, list) and len(value) == 4 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value)
    if not numbers:
        out.add(where, "field 'bounds': must be [minlon, minlat, maxlon, maxlat], four numbers")
        return None
    minlon, minlat, maxlon, maxlat = (float(v) for v in value)
    before = len(out.items)
    named = (("minlon", minlon, 180), ("minlat", minlat, 90), ("maxlon", maxlon, 180), ("maxlat", maxlat, 90))
    for name, v, lim in named:
        if not -lim <= v <= lim:
            out.add(where, f"field 'bounds': {name} {v:g} is outside -{lim}..{lim} degrees")
    if minlon >= maxlon:
        out.add(where, f"field 'bounds': minlon {minlon:g} is not less than maxlon {maxlon:g}")
    if minlat >= maxlat:
        out.add(where, f"field 'bounds': minlat {minlat:g} is not less than maxlat {maxlat:g}")
    return (minlon, minlat, maxlon, maxlat) if len(out.items) == before else None


def _year(value: Any, where: str, out: _Problems) -> int | str:
    if value is None:
        return FULL_PLAN
    if value == FULL_PLAN:
        return FULL_PLAN
    if isinstance(value, int) and not isinstance(value, bool) and MIN_YEAR <= value <= MAX_YEAR:
        return value
    out.add(where, f"field 'network_year': {value!r} is not a year ({MIN_YEAR}-{MAX_YEAR}) or 'full'")
    return FULL_PLAN


def _slide(raw: Any, n: int, park_ids: Collection[str] | None, out: _Problems) -> Slide | None:
    where = f"slide {n}: "
    if not isinstance(raw, Mapping):
        out.add(where, f"must be a mapping (caption, parks or bounds, ...), not {_kind(raw)}")
        return None
    before = len(out.items)
    for key in sorted(str(k) for k in raw if k not in _SLIDE_KEYS):
        out.add(where, f"unknown field {key!r} (known: {', '.join(_SLIDE_KEYS)})")
    has_bounds, has_parks = raw.get("bounds") is not None, raw.get("parks") is not None
    bounds: tuple[float, float, float, float] | None = None
    parks: tuple[str, ...] = ()
    if has_bounds and has_parks:
        out.add(where, "give either 'bounds' or 'parks' (where the map looks), not both")
    elif not has_bounds and not has_parks:
        out.add(where, "give 'bounds' or 'parks' to say where the map looks")
    elif has_bounds:
        bounds = _bounds(raw["bounds"], where, out)
    else:
        at = len(out.items)
        parks = _ids(raw["parks"], where, "parks", park_ids, out)
        if not parks and len(out.items) == at:
            out.add(where, "field 'parks': must name at least one park")
    layers = raw.get("layers", ["parks"])
    if not isinstance(layers, list) or not all(isinstance(v, str) for v in layers):
        out.add(where, "field 'layers': must be a list of layer ids")
        layers = []
    for v in layers:
        if v not in STORY_LAYERS:
            out.add(where, f"field 'layers': {v!r} is not a layer ({', '.join(STORY_LAYERS)})")
    year = _year(raw.get("network_year"), where, out)
    highlight = _ids(raw.get("highlight"), where, "highlight", park_ids, out)
    caption = _text(raw.get("caption"), where, "caption", out)
    title = _text(raw.get("title"), where, "title", out, required=False)
    center, zoom = _view(raw.get("center"), raw.get("zoom"), where, out)
    hidden = raw.get("hidden", False)
    if not isinstance(hidden, bool):
        out.add(where, f"field 'hidden': must be true or false, not {_kind(hidden)}")
    if len(out.items) > before:
        return None
    assert caption is not None  # a missing or bad caption added a problem above
    return Slide(caption=caption, bounds=bounds, parks=parks, layers=tuple(layers), network_year=year,
                 highlight=highlight, title=title, center=center, zoom=zoom, hidden=bool(hidden))


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _view(center: Any, zoom: Any, where: str, out: _Problems) -> tuple[tuple[float, float] | None, float | None]:
    """The optional saved view: center [lon, lat] (degrees) and zoom (0-22)."""
    c: tuple[float, float] | None = None
    z: float | None = None
    if center is not None:
        if (isinstance(center, list) and len(center) == 2 and all(_number(v) for v in center)
                and -180 <= center[0] <= 180 and -90 <= center[1] <= 90):
            c = (float(center[0]), float(center[1]))
        else:
            out.add(where, "field 'center': must be [lon, lat] in degrees")
    if zoom is not None:
        if _number(zoom) and 0 <= zoom <= 22:
            z = float(zoom)
        else:
            out.add(where, f"field 'zoom': {zoom!r} is not a zoom level (0-22)")
    return c, z


def story_from_dict(data: Any, story_id: str, park_ids: Collection[str] | None = None,
                    origin: str | None = None, draft: bool = False) -> Story:
    """Build and validate a Story from parsed YAML (a mapping).

    park_ids: the ids `parks` and `highlight` may name (None: not checked). origin: the name used
    in messages (default ``<story_id>.yaml``). draft: a story being made in the app, which may
    have no description and no slide yet (a file has both). Raises StoryError listing every problem.
    """
    out = _Problems(origin or f"{story_id}.yaml")
    if not isinstance(data, Mapping):
        out.add("", f"the file must hold a mapping (title, description, slides), not {_kind(data)}")
        raise StoryError(out.items)
    if not ID_PATTERN.match(story_id):
        out.add("", f"the story id {story_id!r} (the file name) must be a lowercase slug like 'metro-to-parks'")
    for key in sorted(str(k) for k in data if k not in _STORY_KEYS):
        out.add("", f"unknown field {key!r} (known: {', '.join(_STORY_KEYS)})")
    title = _text(data.get("title"), "", "title", out)
    description = _text(data.get("description"), "", "description", out, required=not draft) or Text("", "")
    basemap = data.get("basemap", "light")
    if basemap not in STORY_BASEMAPS:
        out.add("", f"field 'basemap': {basemap!r} is not one of {', '.join(STORY_BASEMAPS)}")
    raw_slides = data.get("slides")
    slides: list[Slide | None] = []
    if not draft and (raw_slides is None or raw_slides == []):
        out.add("", "field 'slides': must list at least one slide")
    elif raw_slides is None:
        pass
    elif not isinstance(raw_slides, list):
        out.add("", f"field 'slides': must be a list of slides, not {_kind(raw_slides)}")
    else:
        slides = [_slide(raw, n, park_ids, out) for n, raw in enumerate(raw_slides, start=1)]
    if out.items:
        raise StoryError(out.items)
    # Every None above (a bad title, description or slide) added a problem, so there is none here.
    assert title is not None and description is not None
    return Story(id=story_id, title=title, description=description, slides=tuple(cast(list[Slide], slides)),
                 basemap=basemap)


def parse_story(text: str, story_id: str, park_ids: Collection[str] | None = None, origin: str | None = None,
                draft: bool = False) -> Story:
    """Parse the YAML text of a story (see `story_from_dict`, and `draft` there); a YAML syntax
    error becomes a StoryError naming the line and column."""
    name = origin or f"{story_id}.yaml"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise StoryError([f"{name}: YAML syntax error{where}: {problem}"]) from None
    return story_from_dict(data, story_id, park_ids, name, draft=draft)


def load_story(path: Path, park_ids: Collection[str] | None = None) -> Story:
    """Read one story file (UTF-8 YAML); its id is the file stem. Messages name the file by its
    name. Raises StoryError (a LayerValidationError) listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StoryError([f"{path.name}: cannot be read as UTF-8 text: {exc}"]) from None
    return parse_story(text, path.stem, park_ids, path.name)


def load_stories(folder: Path, park_ids: Collection[str] | None = None) -> tuple[dict[str, Story], list[str]]:
    """Every `*.yaml` story in `folder`, by id in file-name order, and the problems of the files
    that could not be loaded (one line each; the good stories are still returned).
    A missing folder gives no stories and no problems."""
    stories: dict[str, Story] = {}
    problems: list[str] = []
    folder = Path(folder)
    if not folder.is_dir():
        return stories, problems
    for path in sorted(folder.glob("*.yaml")):
        try:
            story = load_story(path, park_ids)
        except StoryError as exc:
            problems.extend(exc.problems)
        else:
            stories[story.id] = story
    return stories, problems


# --------------------------------------------------------------------------- writing


def _text_dict(t: Text) -> dict[str, str]:
    return {lang: v for lang, v in (("zh", t.zh), ("en", t.en)) if v}


def slide_to_dict(slide: Slide) -> dict[str, Any]:
    """A slide as the mapping its YAML holds (every field written out)."""
    d: dict[str, Any] = {}
    if slide.title is not None:
        d["title"] = _text_dict(slide.title)
    if slide.bounds is not None:
        d["bounds"] = list(slide.bounds)
    else:
        d["parks"] = list(slide.parks)
    d["layers"] = list(slide.layers)
    d["network_year"] = slide.network_year
    d["highlight"] = list(slide.highlight)
    d["caption"] = _text_dict(slide.caption)
    if slide.center is not None:
        d["center"] = list(slide.center)
    if slide.zoom is not None:
        d["zoom"] = slide.zoom
    if slide.hidden:
        d["hidden"] = True
    return d


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line (``parks: [a, b]``), mappings in block style."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flat = all(not isinstance(v, (list, dict)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(list, _represent_list)


def story_to_yaml(story: Story) -> str:
    """The YAML text of a story (UTF-8, Chinese kept readable); `parse_story` of it gives back an
    equal Story."""
    data: dict[str, Any] = {"title": _text_dict(story.title)}
    if story.description.zh or story.description.en:
        data["description"] = _text_dict(story.description)
    data.update(basemap=story.basemap, slides=[slide_to_dict(s) for s in story.slides])
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


# --------------------------------------------------------------------------- map views


def slide_bounds(slide: Slide, parks: gpd.GeoDataFrame, pad_deg: float = 0.02) -> tuple[float, float, float, float]:
    """Where the map looks for a slide: its bounds, or the bounds of its parks (EPSG:4326,
    indexed by id) widened by `pad_deg` degrees on every side (so a single point park shows
    its surroundings). Raises StoryError when none of the slide's parks is in `parks`."""
    if slide.bounds is not None:
        return slide.bounds
    present = [p for p in slide.parks if p in parks.index]
    if not present:
        raise StoryError([f"slide: field 'parks': none of {', '.join(slide.parks)} is in the parks layer"])
    geoms = parks.loc[present].geometry
    placed = geoms[geoms.notna() & ~geoms.is_empty]
    if placed.empty:
        raise StoryError([f"slide: field 'parks': none of {', '.join(present)} is placed on the map yet"])
    minx, miny, maxx, maxy = placed.total_bounds
    return (float(minx - pad_deg), float(miny - pad_deg), float(maxx + pad_deg), float(maxy + pad_deg))


__all__ = ["STORY_LAYERS", "STORY_BASEMAPS", "Text", "Slide", "Story", "StoryError", "story_from_dict",
           "parse_story", "load_story", "load_stories", "slide_to_dict", "story_to_yaml",
           "slide_bounds"]
