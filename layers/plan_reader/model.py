"""What a reading finds: dataclasses, each finding with the rule that produced it and its evidence.

Offsets (`start`, `end`) are character offsets into the text given to `read_plan` (the document as
read, `SourceText.text`); `quote` is that text's slice, never rewritten; `section` is the section
path of the heading structure (一、（二）3. as the headings write it, "" before the first heading).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """Where a finding comes from: the rule id, the span in the text, its exact quote, the section."""

    rule: str
    start: int
    end: int
    quote: str
    section: str


@dataclass(frozen=True)
class Area:
    """A land area as written ("约2.1平方公里"; a table cell "约180" with the unit from its header).

    `value` and `unit` are the figure and unit as written (unit normalised to the written form of
    the header when the figure stands in a table), `km2` the area it means (1 km² = 100 公顷 = 1500 亩
    = 1e6 m²), `approx` True when the text starts with 约/近/大约."""

    text: str
    value: float
    unit: str
    km2: float
    approx: bool
    evidence: Evidence


@dataclass(frozen=True)
class FloorArea:
    """A building floor area (万平方米 of 厂房, 载体, 建筑面积 …): never land. `m2` in square metres."""

    text: str
    value: float
    unit: str
    m2: float
    evidence: Evidence


@dataclass(frozen=True)
class AreaMention:
    """Any figure with an area unit and what the rules decided it is: `use` is "land" (a stated
    area), "floor" (floor area), "target" (a land or floor figure to reach, e.g. 完成5000亩土地开发),
    or "other" (green space, a water area … not the park's land). `reason` names the rule."""

    text: str
    value: float
    unit: str
    use: str
    reason: str
    start: int
    end: int


@dataclass(frozen=True)
class Boundary:
    """四至: what follows each direction word as written (东至X / X以西 → east X), and the whole text."""

    text: str
    east: str | None
    south: str | None
    west: str | None
    north: str | None
    evidence: Evidence

    def parts(self) -> dict[str, str | None]:
        """{"east": …, "south": …, "west": …, "north": …}."""
        return {"east": self.east, "south": self.south, "west": self.west, "north": self.north}


@dataclass(frozen=True)
class Target:
    """A quantitative target: `value` and `unit` as written (650 and 亿元; 一千亿元 → 1000 and 亿元).

    `metric` is an id of layers.targets.METRICS where one fits (else None) and `metric_text` the
    words as written; `comparison` is ≥ (不少于/不低于/≥), 达到, 突破, 以上, 超过, ≤ … or None (a table
    cell); `year` the target year (from the sentence, its section or a table column); `baseline`
    (value, year) when the text gives an earlier value; `scope` the park's name or "plan"."""

    metric: str | None
    metric_text: str
    value: float
    value_text: str
    unit: str
    comparison: str | None
    year: int | None
    baseline: tuple[float, int | None] | None
    scope: str
    evidence: Evidence


@dataclass(frozen=True)
class Link:
    """A transport link or facility the text names for a park: `name` as written, `kind` (line,
    road, station, port, airport, facility), `status` (established, developing, planned; None when
    the clause says nothing); the evidence quotes its clause."""

    name: str
    kind: str
    status: str | None
    evidence: Evidence


@dataclass
class Park:
    """A park, zone, carrier or phase the plan names, with everything read about it."""

    name: str
    kind: str
    evidence: Evidence
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    city: str | None = None
    district: str | None = None
    town: str | None = None
    areas: list[Area] = field(default_factory=list)
    floor_areas: list[FloorArea] = field(default_factory=list)
    boundary: Boundary | None = None
    industries: list[str] = field(default_factory=list)
    operator: str | None = None
    status: str | None = None
    targets: list[Target] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    """Every (start, end) in the clean text where the name or an alias stands (for attaching)."""
    section_span: tuple[int, int] | None = None
    """The clean-text span of the section that is about this park (a heading or table row)."""
    notes: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """The name and its aliases."""
        return [self.name, *self.aliases]


@dataclass(frozen=True)
class Document:
    """The document itself: title (the plan's own when a notice issues it), alternatives, 文号,
    issuing body, date (YYYY-MM-DD, or YYYY when only the year is known; None when not given)."""

    title: str | None
    title_alternatives: tuple[str, ...]
    number: str | None
    issuer: str | None
    date: str | None
    evidence: tuple[Evidence, ...]


@dataclass
class Reading:
    """Everything read from one document: the document, its parks (each with its own targets),
    the plan-wide targets, every area-like figure with the use decided for it, and the text's
    SHA-256 and file name as evidence."""

    document: Document
    parks: list[Park]
    targets: list[Target]
    area_mentions: list[AreaMention]
    sha256: str = ""
    file_name: str = ""
    recognised: bool = False
    seconds: float = 0.0
