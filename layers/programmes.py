"""The `programmes` layer: the plans that name parks and set targets, as records (no geometry).

A plan is data, not code: the five bundled plans are seeded from data/programmes.csv into the
workspace like the parks, and officers add their own (any city) in the app. Everything that shows
a plan — legend, filters, colours, URL values, exports — asks a `Catalogue` built from the
workspace's current `programmes` layer, never a constant.

Colours come from Paul Tol's colour-blind-safe schemes ("bright", then "vibrant"/"muted" hues
that stay apart from them; https://personal.sron.nl/~pault/), and are unique among the plans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from layers._errors import LayerValidationError
from layers.base import Column, LayerSchema, validate

STATUSES = ("in-force", "superseded", "expired", "draft")
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "in-force": ("现行", "In force"),
    "superseded": ("已被替代", "Superseded"),
    "expired": ("已到期", "Expired"),
    "draft": ("草案", "Draft"),
}

PALETTE: tuple[str, ...] = (
    "#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377",  # Tol "bright"
    "#EE7733", "#332288", "#999933", "#882255", "#44AA99", "#DDCC77",  # Tol "vibrant" orange, "muted"
)
"""Plan colours: colour-blind-safe, distinct on the light and OSM basemaps; 12 plans before a
colour repeats (`next_colour` then says so by returning a repeat only when all are taken)."""

UNKNOWN_COLOUR = "#888888"
"""A park whose plan is not (or no longer) a record: drawn grey, listed as its plan id."""

COLOUR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _check_colours(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    out = []
    seen: dict[str, str] = {}
    for fid, c in zip(gdf["id"], gdf["colour"]):
        key = str(c).upper()
        if key in seen:
            out.append((fid, "colour", f"{c} is already the colour of {seen[key]!r}; plans are told apart by colour"))
        seen.setdefault(key, fid)
    return out


def _check_colour_format(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [(fid, "colour", f"{c!r} is not a colour #RRGGBB") for fid, c in zip(gdf["id"], gdf["colour"])
            if c is not None and not (isinstance(c, str) and COLOUR_PATTERN.match(c))]


_check_colour_format.per_feature = True  # type: ignore[attr-defined]


def _check_superseded(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [(fid, "superseded_by", "a superseded plan names the plan that replaced it")
            for fid, status, by in zip(gdf["id"], gdf["status"], gdf["superseded_by"])
            if status == "superseded" and not (isinstance(by, str) and by.strip())]


_check_superseded.per_feature = True  # type: ignore[attr-defined]

SCHEMA = LayerSchema(
    layer_id="programmes",
    columns=(
        Column("id"),
        Column("name_zh"),
        Column("name_en", nullable=True),
        Column("title"),
        Column("document", nullable=True),
        Column("issuer"),
        Column("date", kind="date"),
        Column("province"),
        Column("city", nullable=True),
        Column("status", allowed=STATUSES),
        Column("superseded_by", nullable=True),
        Column("colour"),
        Column("document_sha256", nullable=True),
        Column("document_file", nullable=True),
        Column("source"),
        Column("as_of", kind="date"),
        Column("note", nullable=True),
    ),
    geometry_types=frozenset(),
    geometry_nullable=True,
    checks=(_check_colour_format, _check_colours, _check_superseded),
)
"""A plan: `title` as the document is headed, `document` its number (文号) where it has one,
`issuer` the issuing body, `date` the date it speaks for, region `province`/`city` (no city for a
provincial plan), `status`, `colour` on the map, and the document itself as evidence
(`document_sha256` of the file we read, `document_file` its name)."""


def read_table(path: Path) -> gpd.GeoDataFrame:
    """A CSV table of records (UTF-8) as a GeoDataFrame without geometry (EPSG:4326, every
    geometry None): empty cells become None, numbers stay text unless the schema says otherwise."""
    try:
        df = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise LayerValidationError([f"{path}: cannot be read as a UTF-8 CSV table: {exc}"]) from None
    df = df.astype(object).where(df != "", None)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([None] * len(df), index=df.index, crs=4326), crs=4326)


def load(path: Path) -> gpd.GeoDataFrame:
    """Read and validate data/programmes.csv; indexed by id, geometry None."""
    gdf = validate(read_table(path), SCHEMA, origin=str(path))
    return gdf.set_index("id", drop=False).rename_axis(None)


@dataclass(frozen=True)
class Programme:
    """One plan as the app shows it."""

    id: str
    name_zh: str
    name_en: str | None
    title: str
    document: str | None
    issuer: str
    date: str
    province: str
    city: str | None
    status: str
    colour: str

    def name(self, lang: str) -> str:
        """The plan's name in `lang`; in English without an English name, the Chinese name."""
        return self.name_zh if lang == "zh" or not self.name_en else self.name_en

    def has_name(self, lang: str) -> bool:
        """Whether the plan has its own name in `lang` (else `name` falls back to Chinese)."""
        return lang == "zh" or bool(self.name_en)

    @property
    def citation(self) -> str:
        """How exports cite the plan: 文号《title》, or 《title》 without a number."""
        return f"{self.document or ''}《{self.title}》"

    @property
    def year(self) -> int | None:
        """The year of the plan's date."""
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None


def _colour(v: object) -> str:
    """A record's colour if it is one (#RRGGBB), else grey: it goes into HTML and SVG styles."""
    return v.upper() if isinstance(v, str) and COLOUR_PATTERN.match(v) else UNKNOWN_COLOUR


def _text(v: object) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None


class Catalogue:
    """The plans of a workspace, in the order they were added: names, colours, citations. A plan id
    that is not a record (a park saved before its plan, a plan hidden since) still gets a name (its
    id) and a grey colour, so nothing breaks and nothing hides."""

    def __init__(self, records: pd.DataFrame | None):
        self._by_id: dict[str, Programme] = {}
        if records is None:
            return
        for rec in records.to_dict("records"):
            pid = str(rec.get("id"))
            self._by_id[pid] = Programme(
                id=pid, name_zh=_text(rec.get("name_zh")) or pid, name_en=_text(rec.get("name_en")),
                title=_text(rec.get("title")) or _text(rec.get("name_zh")) or pid, document=_text(rec.get("document")),
                issuer=_text(rec.get("issuer")) or "", date=_text(rec.get("date")) or "",
                province=_text(rec.get("province")) or "", city=_text(rec.get("city")),
                status=_text(rec.get("status")) or "in-force",
                colour=_colour(rec.get("colour")))

    def __contains__(self, programme_id: object) -> bool:
        return programme_id in self._by_id

    def __iter__(self):
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def ids(self) -> list[str]:
        """Every plan id, in record order."""
        return list(self._by_id)

    def get(self, programme_id: str) -> Programme | None:
        return self._by_id.get(programme_id)

    def name(self, programme_id: str, lang: str) -> str:
        """The plan's name in `lang` (English falls back to Chinese; an unknown id is itself)."""
        p = self._by_id.get(programme_id)
        return programme_id if p is None else p.name(lang)

    def colour(self, programme_id: str) -> str:
        """The plan's map colour (#RRGGBB); grey for an id that is not a plan record."""
        p = self._by_id.get(programme_id)
        return UNKNOWN_COLOUR if p is None else p.colour

    def citation(self, programme_id: str) -> str:
        p = self._by_id.get(programme_id)
        return programme_id if p is None else p.citation

    def in_use(self, programme_ids: Iterable[str]) -> list[str]:
        """The plans among `programme_ids` (e.g. of the parks shown), in record order, then any id
        that is not a record (so a legend lists every colour on the map)."""
        wanted = list(dict.fromkeys(str(p) for p in programme_ids))
        return [p for p in self._by_id if p in wanted] + [p for p in wanted if p not in self._by_id]


def next_colour(used: Iterable[str]) -> str:
    """The first palette colour no plan uses yet (case-insensitive); when all are taken, the least
    used one.

    >>> next_colour(["#4477aa"]), next_colour([])
    ('#EE6677', '#4477AA')
    """
    counts = {c: 0 for c in PALETTE}
    for c in used:
        key = str(c).upper()
        if key in counts:
            counts[key] += 1
    return min(PALETTE, key=lambda c: (counts[c], PALETTE.index(c)))


def new_programme_id(name: str, taken: Iterable[str]) -> str:
    """A lowercase slug for a new plan: from an ASCII name if there is one, else `plan-<n>`.

    >>> new_programme_id("Zhongshan torch zone", ["a"]), new_programme_id("中山火炬区", ["plan-1"])
    ('zhongshan-torch-zone', 'plan-2')
    """
    taken = set(taken)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    base = slug or "plan"
    n, candidate = 1, slug
    while not candidate or candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate
