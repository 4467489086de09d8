"""The `stories` layer: the Present page's stories as records of the workspace (no geometry).

A story is a record like a plan: seeded from the bundled data/stories/*.yaml (the YAML stays the
export and import format, `layers.stories`), made and changed in the app by an editor, every save
a version with its author and reason. One record per story:

- `id` (a slug), `title_zh` / `title_en` (one is enough: the other falls back to it and is marked
  on screen), `description_zh` / `description_en` (optional), `basemap`, `source`, `as_of`;
- `slides`: a JSON list, one mapping per slide, in order::

      {"caption_zh": "...", "caption_en": "",          # one language is enough
       "title_zh": "", "title_en": "",                 # optional slide title
       "bounds": [minlon, minlat, maxlon, maxlat],     # the view (EPSG:4326 degrees) ...
       "center": [lon, lat], "zoom": 11.5,             # ... as the presenter panned to it
       "fit_parks": false, "parks": [...],             # or: fit the map to these parks
       "highlight": [...], "layers": ["parks"], "network_year": "full", "hidden": false}

A record is checked by building its `Story` with the same rules as a story file
(`layers.stories.story_from_dict`), so every message names the slide and the field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from layers._errors import StoryError
from layers.base import Column, LayerSchema, validate
from layers.stories import STORY_BASEMAPS, Slide, Story, Text, load_stories, story_from_dict
from layers.transport import FULL_PLAN

SLIDE_KEYS = ("caption_zh", "caption_en", "title_zh", "title_en", "bounds", "center", "zoom", "fit_parks", "parks",
              "highlight", "layers", "network_year", "hidden")
"""The keys of one slide in a record's `slides` list."""

APP_SOURCE = "ParkAtlas Present page"
"""The `source` of a story made in the app."""


def _check_story(gdf: Any) -> list[tuple[str, str, str]]:
    """Every problem of each record's titles and slides, as a story file's rules find them."""
    out = []
    for rec in _records(gdf):
        fid = str(rec.get("id"))
        try:
            story_from_record(rec, None)
        except StoryError as exc:
            for line in exc.problems:
                if "the story id" in line:  # the id's own check says it
                    continue
                what = line.split(": ", 1)[1] if ": " in line else line
                fld = "slides" if what.startswith("slide") else "title_zh"
                out.append((fid, fld, what))
    return out


_check_story.per_feature = True  # type: ignore[attr-defined]


def _records(gdf: Any) -> list[dict]:
    names = ("id", "title_zh", "title_en", "description_zh", "description_en", "basemap", "slides")
    columns = {n: list(gdf[n]) for n in names}
    return [dict(zip(names, values)) for values in zip(*columns.values())]


SCHEMA = LayerSchema(
    layer_id="stories",
    columns=(
        Column("id"),
        Column("title_zh", nullable=True),
        Column("title_en", nullable=True),
        Column("description_zh", nullable=True),
        Column("description_en", nullable=True),
        Column("basemap", allowed=STORY_BASEMAPS),
        Column("slides", kind="json"),
        Column("source"),
        Column("as_of", kind="date", nullable=True),
    ),
    geometry_types=frozenset(),
    geometry_nullable=True,
    checks=(_check_story,),
)


# --------------------------------------------------------------------------- record <-> Story

def _s(v: Any) -> str:
    return v.strip() if isinstance(v, str) else ""


def _text(zh: Any, en: Any) -> dict[str, str]:
    return {"zh": _s(zh), "en": _s(en)}


def _slide_as_file(rec: Any) -> Any:
    """One record slide as the mapping a story file holds (what `story_from_dict` checks)."""
    if not isinstance(rec, Mapping):
        return rec  # the check says it must be a mapping
    d: dict[str, Any] = {k: v for k, v in rec.items() if k not in SLIDE_KEYS}  # reported as unknown fields
    title = _text(rec.get("title_zh"), rec.get("title_en"))
    if any(title.values()):
        d["title"] = title
    if rec.get("fit_parks"):
        d["parks"] = list(rec.get("parks") or rec.get("highlight") or [])
    elif rec.get("bounds") is not None:
        d["bounds"] = rec.get("bounds")
    for key in ("layers", "network_year", "highlight", "center", "zoom", "hidden"):
        if rec.get(key) is not None:
            d[key] = rec[key]
    d["caption"] = _text(rec.get("caption_zh"), rec.get("caption_en"))
    return d


def story_from_record(attrs: Mapping[str, Any], park_ids: Collection[str] | None) -> Story:
    """The Story of a `stories` record (its attributes by name), with its hidden slides.

    park_ids: the ids its slides may name (None: not checked). Raises StoryError naming the
    story, the slide (1-based) and the field."""
    sid = str(attrs.get("id") or "")
    slides = attrs.get("slides")
    data: dict[str, Any] = {"title": _text(attrs.get("title_zh"), attrs.get("title_en")),
                            "basemap": attrs.get("basemap") or "light",
                            "slides": [_slide_as_file(s) for s in slides] if isinstance(slides, list) else slides}
    description = _text(attrs.get("description_zh"), attrs.get("description_en"))
    if any(description.values()):
        data["description"] = description
    return story_from_dict(data, sid, park_ids, origin=f"story '{sid}'", draft=True)


def slide_record(slide: Slide) -> dict[str, Any]:
    """One slide as a record's `slides` list holds it."""
    title = slide.title or Text("", "")
    return {"caption_zh": slide.caption.zh, "caption_en": slide.caption.en, "title_zh": title.zh, "title_en": title.en,
            "bounds": None if slide.bounds is None else list(slide.bounds),
            "center": None if slide.center is None else list(slide.center), "zoom": slide.zoom,
            "fit_parks": slide.bounds is None, "parks": list(slide.parks), "highlight": list(slide.highlight),
            "layers": list(slide.layers), "network_year": slide.network_year, "hidden": slide.hidden}


def story_record(story: Story, *, source: str, as_of: str | None) -> dict[str, Any]:
    """A story's attributes as a `stories` record (empty texts as None)."""
    return {"id": story.id, "title_zh": story.title.zh or None, "title_en": story.title.en or None,
            "description_zh": story.description.zh or None, "description_en": story.description.en or None,
            "basemap": story.basemap, "slides": [slide_record(s) for s in story.slides], "source": source,
            "as_of": as_of}


def stories_from_records(frame: pd.DataFrame | None, park_ids: Collection[str] | None
                         ) -> tuple[dict[str, Story], list[str]]:
    """The stories of a `stories` layer (by id, in record order) and one line per problem of the
    records that cannot be shown (e.g. a slide naming a park that is gone)."""
    stories: dict[str, Story] = {}
    problems: list[str] = []
    if frame is None:
        return stories, problems
    for rec in frame.to_dict("records"):
        try:
            story = story_from_record(rec, park_ids)
        except StoryError as exc:
            problems.extend(exc.problems)
        else:
            stories[story.id] = story
    return stories, problems


def record_frame(records: Sequence[Mapping[str, Any]], origin: str) -> gpd.GeoDataFrame:
    """`stories` records as a validated layer frame (EPSG:4326, geometry None, indexed by id)."""
    df = pd.DataFrame(list(records), columns=SCHEMA.column_names).astype(object)
    df = df.where(df.notna(), None)
    gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([None] * len(df), index=df.index, crs=4326), crs=4326)
    return validate(gdf, SCHEMA, origin=origin).set_index("id", drop=False).rename_axis(None)


def load_bundled(folder: Path, park_ids: Collection[str] | None) -> gpd.GeoDataFrame:
    """The story files of `folder` as `stories` records (what the workspace seeds). A file that
    cannot be loaded is left out (the Present page lists it); StoryError when none can."""
    stories, problems = load_stories(folder, park_ids)
    if not stories:
        raise StoryError(problems or [f"{folder}: no story file (*.yaml)"])
    return record_frame([story_record(s, source=f"data/stories/{s.id}.yaml", as_of=None) for s in stories.values()],
                        str(folder))


# --------------------------------------------------------------------------- editing a story's slides

def new_story(story_id: str, title_zh: str, title_en: str, as_of: str, basemap: str = "light") -> dict[str, Any]:
    """A new story record with no slide yet (a title in one language is enough)."""
    return {"id": story_id, "title_zh": _s(title_zh) or None, "title_en": _s(title_en) or None, "description_zh": None,
            "description_en": None, "basemap": basemap, "slides": [], "source": APP_SOURCE, "as_of": as_of}


def view_slide(caption_zh: str, caption_en: str, *, bounds: Sequence[float] | None = None,
               center: Sequence[float] | None = None, zoom: float | None = None, highlight: Sequence[str] = (),
               fit_highlight: bool = False, layers: Sequence[str] = ("parks",),
               network_year: int | str = FULL_PLAN) -> dict[str, Any]:
    """A record slide of a map view: the extent the presenter panned to (`bounds` (minlon, minlat,
    maxlon, maxlat), `center` (lon, lat), EPSG:4326, and `zoom`), or with `fit_highlight` the
    highlighted parks fitted (bounds then kept only as what the presenter saw)."""
    def rounded(v: Sequence[float] | None) -> list[float] | None:
        return None if v is None else [round(float(x), 6) for x in v]

    return {"caption_zh": _s(caption_zh), "caption_en": _s(caption_en), "title_zh": "", "title_en": "",
            "bounds": rounded(bounds), "center": rounded(center),
            "zoom": None if zoom is None else float(zoom), "fit_parks": bool(fit_highlight),
            "parks": list(highlight) if fit_highlight else [], "highlight": list(highlight), "layers": list(layers),
            "network_year": network_year, "hidden": False}


def _copy(slides: Any) -> list[dict[str, Any]]:
    return [dict(s) for s in (slides or [])]


def _at(slides: list, index: int) -> None:
    if not 0 <= index < len(slides):
        raise IndexError(f"no slide {index + 1} (the story has {len(slides)})")


def add_slide(slides: Any, slide: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The slides with `slide` appended (a new list; the given one is not changed)."""
    return _copy(slides) + [dict(slide)]


def move_slide(slides: Any, index: int, by: int) -> list[dict[str, Any]]:
    """The slides with slide `index` (0-based) moved `by` places (-1 up, +1 down), kept in range.

    >>> [s["n"] for s in move_slide([{"n": 1}, {"n": 2}, {"n": 3}], 2, -1)]
    [1, 3, 2]
    """
    out = _copy(slides)
    _at(out, index)
    to = min(max(index + by, 0), len(out) - 1)
    out.insert(to, out.pop(index))
    return out


def set_caption(slides: Any, index: int, caption_zh: str, caption_en: str) -> list[dict[str, Any]]:
    """The slides with slide `index`'s captions replaced (one language may be empty)."""
    out = _copy(slides)
    _at(out, index)
    out[index].update(caption_zh=_s(caption_zh), caption_en=_s(caption_en))
    return out


def set_hidden(slides: Any, index: int, hidden: bool) -> list[dict[str, Any]]:
    """The slides with slide `index` hidden (kept, not presented) or shown again."""
    out = _copy(slides)
    _at(out, index)
    out[index]["hidden"] = bool(hidden)
    return out


def story_problems(feature_id: str, attrs: Mapping[str, Any], park_ids: Collection[str]) -> list[str]:
    """Why a story record may not be saved, against the parks there are now ([] when it may)."""
    try:
        story_from_record({**attrs, "id": feature_id}, park_ids)
    except StoryError as exc:
        return list(exc.problems)
    return []
