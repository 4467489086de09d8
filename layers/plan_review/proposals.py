"""A reading's findings as proposed records, matched against the workspace's records.

`review(reading, frames, plan_id=...)` proposes one `programmes` record for the document, one
`parks` record per park the reading found and one `targets` record per target. A proposal that
names a record of the workspace is an *update* of it, carrying only the fields the document
states (what the document does not mention keeps the record's value) and listing the fields that
differ; a proposal whose fields all agree is *unchanged*, so a newer edition of a plan proposes
only what changed. Parks match by name: the name or a short name the text uses (琶洲园区) is a
park's name, or ends one after a place prefix (广州市黄埔区X园 is X园); a park of the plan being
read is preferred. Targets match on owner, metric and target year.

Values are as the document writes them: areas as text with the km² they mean, targets' value and
unit as written. Nothing here is placed on the map (see `placement`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from layers.parks import KINDS
from layers.plan_reader._hant import T2S
from layers.plan_reader.model import Document, Evidence, Park, Reading, Target
from layers.programmes import next_colour
from layers.regions import province_of
from layers.target_units import canonical_unit, dimension_of_unit
from layers.targets import METRICS

RECOGNISED_NOTE = "recognised text — check against the scan"
"""The note every proposal read from OCR text carries (`Reading.recognised`)."""

STATUS_WORDS: dict[str, str] = {"已建成": "established", "建成": "established", "已投用": "established",
                                "已投产": "established", "在建": "developing", "建设中": "developing",
                                "规划建设": "planned", "规划": "planned"}
"""A status word as the text writes it → the parks layer's status."""

COMPARISON_OF: dict[str, str] = {"≥": "≥", "≤": "≤", "以上": "≥", "突破": ">", "超过": ">", "达到": "="}
"""A reader's comparison (the word's meaning) → the targets layer's comparison."""

PARK_FIELDS = ("name_zh", "kind", "parent_id", "city", "district", "town", "industries", "operator",
               "stated_area_km2", "stated_area_text", "boundary_text", "status")
"""The park fields a document can state (compared for an update)."""
TARGET_FIELDS = ("value", "unit", "comparison", "target_year", "baseline_value", "baseline_year")
PLAN_FIELDS = ("title", "document", "issuer", "date", "document_sha256", "document_file")

_T2S = T2S
UPDATE_IGNORES = ("name_zh", "kind")
"""Fields an update never changes: the record was matched by its name, and a kind read from a
name's suffix is a guess the officer's record overrides."""
_OTHER_METRIC = {"money": "other-money", "ratio": "other-ratio"}


@dataclass
class Proposal:
    """One proposed record. `key` is stable within a review ("plan", "park:3", "target:park:3:0",
    "target:plan:1"); `attrs` the full record as it would be saved (an update: the record's own
    attributes with what the document states on top); `found` the fields the document stated;
    `record_id`/`current` the record it updates (None: a new record); `changes` the fields that
    differ from it; `owner_key` the parent park's proposal (parks) or the owner's (targets);
    `evidence` the finding's rule, quote, section and offsets; `aliases` short names the text
    uses; `notes` what the officer should know (plain English, shown translated by the page)."""

    key: str
    layer: str
    attrs: dict[str, Any]
    found: tuple[str, ...]
    evidence: Evidence | None
    record_id: str | None = None
    current: dict[str, Any] | None = None
    changes: tuple[str, ...] = ()
    owner_key: str | None = None
    aliases: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    version: int | None = None
    """The version of the record it updates, as read (a save in between is refused)."""
    edition: str | None = None
    """Against the previous edition's reading, when there is one: "same" (it stated all of this
    already: unchanged, whatever the record says), "changed" or "added"; None without one."""
    strength: int = 0
    """How many facts beyond its name the document states (area, 四至, industries …): a park named
    in passing has 0 and is not accepted by default."""

    @property
    def status(self) -> str:
        """"new", "update" (fields differ from the record) or "unchanged" (also: the previous
        edition stated the same)."""
        if self.edition == "same":
            return "unchanged"
        if self.record_id is None:
            return "new"
        return "update" if self.changes else "unchanged"

    @property
    def name(self) -> str:
        """The name (parks, plans) or the metric words as written (targets)."""
        return str(self.attrs.get("name_zh") or self.attrs.get("title") or self.key)


@dataclass
class Review:
    """A reading as proposals: the plan, its parks (in the document's order) and targets (each
    park's, then the plan-wide ones), and `not_named`: ids of the matched plan's parks this
    document does not name (a newer edition may have dropped them; nothing is retired for it)."""

    reading: Reading
    plan: Proposal
    parks: list[Proposal]
    targets: list[Proposal]
    not_named: list[str] = field(default_factory=list)

    def proposals(self) -> list[Proposal]:
        """The plan, the parks and the targets, in that order."""
        return [self.plan, *self.parks, *self.targets]

    def get(self, key: str) -> Proposal | None:
        """The proposal with `key`."""
        return next((p for p in self.proposals() if p.key == key), None)

    def counts(self) -> Counter[str]:
        """How many proposals are new, updates and unchanged."""
        return Counter(p.status for p in self.proposals())


def _plain(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "tolist") and not isinstance(v, str):
        v = v.tolist()
    if isinstance(v, str):
        return v.strip() or None
    return v


def _same(a: Any, b: Any) -> bool:
    a, b = _plain(a), _plain(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return list(a or []) == list(b or [])
    return a == b


def _versions(frame: pd.DataFrame | None) -> dict[str, int]:
    if frame is None or frame.empty or "_version" not in frame.columns:
        return {}
    return {str(i): int(v) for i, v in zip(frame.index, frame["_version"]) if v is not None and v == v}


def _records(frame: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    if frame is None or frame.empty:
        return {}
    geometry = getattr(frame, "_geometry_column_name", None)
    cols = [c for c in frame.columns if c != geometry and not str(c).startswith("_")]
    return {str(i): {c: _plain(v) for c, v in row.items()} for i, row in zip(frame.index, frame[cols].to_dict("records"))}


def _canon(name: str) -> str:
    """A name for matching: simplified characters, no spaces, quotes or brackets."""
    return re.sub(r"[\s“”\"'‘’《》()（）·]", "", name.translate(_T2S))


def source_text(document: Document, file_name: str, section: str) -> str:
    """A record's `source`: the document (文号《title》, or its file name) and the section.

    >>> d = Document("某园区规划", (), "某府〔2026〕1号", None, None, ())
    >>> source_text(d, "plan.pdf", "二、（一）")
    '某府〔2026〕1号《某园区规划》 二、（一）'
    """
    head = "".join(p for p in (document.number or "", f"《{document.title}》" if document.title else "") if p)
    return " ".join(p for p in (head or file_name, section) if p).strip()


def _full_date(date: str | None) -> str | None:
    return date if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None


_YEARS = re.compile(r"[(（]?\d{4}\s*[—–\-~至到]+\s*\d{4}\s*年?[)）]?|\d{4}\s*年|[“”\"]?[十]?[一二三四五六七八九十]五[”\"]?")


def title_stem(title: str) -> str:
    """A plan's title without its years or five-year period: what editions of one plan share.

    >>> title_stem("中山市科创园区建设行动方案(2024—2026年)") == title_stem("中山市科创园区建设行动方案（2026-2028年）")
    True
    """
    return _canon(_YEARS.sub("", title))


def match_plan(document: Document, sha256: str, plans: Mapping[str, dict]) -> tuple[str, str] | None:
    """(plan id, how) of the workspace's plan this document is, or an edition of: the same file
    (SHA-256), 文号, title, or title with its years aside ("title_stem"); None for a new plan."""
    wanted = {"document_sha256": sha256, "document": document.number, "title": document.title}
    for how, want in wanted.items():
        hits = [pid for pid, r in plans.items() if want and r.get(how) and _canon(str(r[how])) == _canon(str(want))]
        if hits:
            return hits[0], how
    stem = title_stem(document.title or "")
    hits = [pid for pid, r in plans.items() if len(stem) >= 6 and r.get("title") and title_stem(str(r["title"])) == stem]
    return (hits[0], "title_stem") if hits else None


def _plan_proposal(reading: Reading, plans: Mapping[str, dict], plan_id: str | None, data_dir: Path) -> Proposal:
    d = reading.document
    cities = Counter(p.city for p in reading.parks if p.city)
    city = cities.most_common(1)[0][0] if len(cities) == 1 else None
    stated = {"title": d.title, "document": d.number, "issuer": d.issuer, "date": _full_date(d.date),
              "document_sha256": reading.sha256 or None, "document_file": reading.file_name or None}
    found = tuple(k for k, v in stated.items() if v)
    evidence = d.evidence[0] if d.evidence else None
    notes = [] if _full_date(d.date) else [f"the document's date reads {d.date!r}: give the full date" if d.date
                                            else "the document states no date: give the date it speaks for"]
    if plan_id in plans:
        current = plans[str(plan_id)]
        attrs = {**current, **{k: stated[k] for k in found}}
        changes = tuple(k for k in found if not _same(current.get(k), stated[k]))
        return Proposal("plan", "programmes", attrs, found, evidence, str(plan_id), current, changes, notes=notes)
    title = d.title or reading.file_name
    attrs = {"name_zh": title, "name_en": None, "title": title, "document": d.number, "issuer": d.issuer,
             "date": _full_date(d.date), "province": province_of(city, data_dir), "city": city, "status": "in-force",
             "superseded_by": None, "colour": next_colour(str(r.get("colour") or "") for r in plans.values()),
             "document_sha256": reading.sha256 or None, "document_file": reading.file_name or None,
             "source": source_text(d, reading.file_name, evidence.section if evidence else ""),
             "as_of": _full_date(d.date), "note": None}
    return Proposal("plan", "programmes", attrs, found, evidence, notes=notes)


def _park_found(p: Park) -> dict[str, Any]:
    area = p.areas[0] if p.areas else None
    status = next((v for w, v in STATUS_WORDS.items() if p.status and w in p.status), None)
    stated = {"name_zh": p.name, "kind": p.kind if p.kind in KINDS else None, "city": p.city,
              "district": p.district, "town": p.town, "industries": list(p.industries) or None,
              "operator": p.operator, "status": status,
              "stated_area_km2": round(area.km2, 6) if area else None, "stated_area_text": area.text if area else None,
              "boundary_text": p.boundary.text if p.boundary else None}
    return {k: v for k, v in stated.items() if v not in (None, "", [])}


def _park_matches(p: Park, parks: Mapping[str, dict], plan_id: str | None) -> str | None:
    names = [_canon(n) for n in p.names() if len(_canon(n)) >= 3]
    exact, prefixed = [], []
    for pid, r in parks.items():
        own = _canon(str(r.get("name_zh") or ""))
        if not own:
            continue
        if own in names:
            exact.append(pid)
        elif any(len(n) >= 4 and own.endswith(n) and re.search(r"[市区县镇]", own[: -len(n)]) for n in names):
            prefixed.append(pid)
    for hits in (exact, prefixed):
        if hits:
            ours = [h for h in hits if parks[h].get("programme") == plan_id]
            return (ours or hits)[0]
    return None


def _strength(found: Mapping[str, Any]) -> int:
    return sum(1 for k in ("stated_area_km2", "boundary_text", "industries", "operator", "status", "district", "town")
               if found.get(k))


def _park_proposals(reading: Reading, parks: Mapping[str, dict], plan: Proposal, plan_city: str | None) -> list[Proposal]:
    out: list[Proposal] = []
    by_name: dict[str, str] = {}
    plan_id = plan.record_id
    used: set[str] = set()
    for i, p in enumerate(reading.parks):
        key = f"park:{i}"
        for n in p.names():
            by_name.setdefault(_canon(n), key)
        found = _park_found(p)
        match = _park_matches(p, {k: v for k, v in parks.items() if k not in used}, plan_id)
        source = source_text(reading.document, reading.file_name, p.evidence.section)
        notes = [RECOGNISED_NOTE] if reading.recognised else []
        if p.floor_areas:
            notes.append("floor areas (not land): " + "; ".join(f.text for f in p.floor_areas))
        if len(p.areas) > 1:
            notes.append("other areas stated: " + "; ".join(a.text for a in p.areas[1:]))
        if match is not None:
            used.add(match)
            found = {k: v for k, v in found.items() if k not in UPDATE_IGNORES}
            current = parks[match]
            attrs = {**current, **found}
        else:
            attrs = {"name_zh": p.name, "name_en": None, "kind": "park", "programme": plan_id, "parent_id": None,
                     "city": plan_city, "district": None, "town": None, "industries": [], "industries_en": None,
                     "operator": None, "stated_area_km2": None, "stated_area_text": None, "boundary_text": None,
                     "status": None, "geometry_quality": None, "source": source,
                     "as_of": plan.attrs.get("date"), "note": None, **found}
        out.append(Proposal(key, "parks", attrs, tuple(found), p.evidence, match, parks.get(match) if match else None,
                            aliases=list(p.aliases), notes=notes, strength=_strength(found)))
    keys = {q.key: q for q in out}
    for prop, p in zip(out, reading.parks):
        parent = keys.get(by_name.get(_canon(p.parent), "")) if p.parent else None
        if parent is not None and parent is not prop:
            prop.owner_key = parent.key
            if prop.current is None or parent.record_id is not None:  # an update is re-parented to known records only
                prop.attrs["parent_id"] = parent.record_id
                prop.found = (*prop.found, "parent_id")
        if prop.current is not None:
            prop.changes = tuple(k for k in prop.found if not _same(prop.current.get(k), prop.attrs.get(k)))
    return out


def _metric_of(t: Target) -> str:
    if t.metric in METRICS:
        return str(t.metric)
    return _OTHER_METRIC.get(str(dimension_of_unit(t.unit) or ""), "other-count")


def _target_attrs(t: Target, source: str, as_of: str | None) -> dict[str, Any]:
    base_value, base_year = t.baseline if t.baseline else (None, None)
    return {"metric": _metric_of(t), "name_zh": t.metric_text or t.value_text, "name_en": None, "value": float(t.value),
            "unit": t.unit, "target_year": t.year, "baseline_value": base_value, "baseline_year": base_year,
            "comparison": COMPARISON_OF.get(str(t.comparison)), "status": "target", "source": source,
            "as_of": as_of, "note": None}


def _target_proposals(reading: Reading, targets: Mapping[str, dict], plan: Proposal,
                      parks: list[Proposal]) -> list[Proposal]:
    owned: list[tuple[str, Proposal | None, Target, int]] = []
    for prop, p in zip(parks, reading.parks):
        owned += [(prop.key, prop, t, j) for j, t in enumerate(p.targets)]
    owned += [("plan", None, t, j) for j, t in enumerate(reading.targets)]
    out: list[Proposal] = []
    used: set[str] = set()
    for owner_key, owner, t, j in owned:
        attrs = _target_attrs(t, source_text(reading.document, reading.file_name, t.evidence.section),
                              plan.attrs.get("date"))
        owner_id = owner.record_id if owner is not None else plan.record_id
        attrs["park_id"] = owner_id
        notes = [RECOGNISED_NOTE] if reading.recognised else []
        if t.metric not in METRICS:
            notes.append(f"no metric of the list fits {t.metric_text!r}: proposed as {attrs['metric']!r}")
        match = next((tid for tid, r in targets.items() if tid not in used and owner_id and r.get("park_id") == owner_id
                      and r.get("metric") == attrs["metric"] and _same(r.get("target_year"), t.year)), None)
        found = TARGET_FIELDS
        if match is not None:
            used.add(match)
            current = targets[match]
            merged = {**current, **{k: attrs[k] for k in found}}
            changes = tuple(k for k in found if not _same(current.get(k), attrs[k]))
            out.append(Proposal(f"target:{owner_key}:{j}", "targets", merged, found, t.evidence, match, current, changes,
                                owner_key=owner_key, notes=notes))
        else:
            out.append(Proposal(f"target:{owner_key}:{j}", "targets", attrs, found, t.evidence,
                                owner_key=owner_key, notes=notes))
    return out


def _against_previous(parks: list[Proposal], targets: list[Proposal], reading: Reading, previous: Reading) -> None:
    """Mark each proposal against the previous edition's reading: what that edition stated the
    same way is not proposed again (`edition` "same"; an update keeps only the fields that
    changed between the editions)."""
    before: dict[str, dict[str, Any]] = {}
    for p in previous.parks:
        for n in p.names():
            before.setdefault(_canon(n), _park_found(p))
    for prop, p in zip(parks, reading.parks):
        old = next((before[_canon(n)] for n in p.names() if _canon(n) in before), None)
        if old is None:
            prop.edition = "added"
            continue
        moved = tuple(k for k in prop.found if k != "parent_id" and not _same(old.get(k), prop.attrs.get(k)))
        prop.edition = "changed" if moved else "same"
        if prop.current is not None:
            prop.changes = tuple(k for k in prop.changes if k in moved)
    names = {q.key: p.name for q, p in zip(parks, reading.parks)}

    def target_key(owner: str, t: Target) -> tuple:
        return (owner, _metric_of(t), t.year, float(t.value), canonical_unit(t.unit), COMPARISON_OF.get(str(t.comparison)))

    seen = {target_key(_canon(p.name), t) for p in previous.parks for t in p.targets}
    seen |= {target_key("plan", t) for t in previous.targets}
    for prop in targets:
        owner = "plan" if prop.owner_key == "plan" else _canon(names.get(str(prop.owner_key), ""))
        a = prop.attrs
        same = (owner, a["metric"], a["target_year"], float(a["value"]), canonical_unit(str(a["unit"])), a["comparison"])
        prop.edition = "same" if same in seen else "changed"


def review(reading: Reading, frames: Mapping[str, pd.DataFrame | None], *, plan_id: str | None = None,
           auto_match: bool = True, previous: Reading | None = None, data_dir: Path | None = None) -> Review:
    """The reading as proposals against the workspace's records (`frames`: layer id → frame
    indexed by id, as `Workspace.layer` gives them; a missing layer counts as empty).

    `plan_id` names the plan the document is (an edition of); None with `auto_match` looks for
    a plan with the same document SHA-256, 文号 or title, and else proposes a new plan.
    `previous`: the reading of the plan's previous edition (its kept document), when there is
    one: then only what changed between the editions is proposed.
    """
    from layers.registry import data_dir as default_dir

    plans = _records(frames.get("programmes"))
    if plan_id is None and auto_match:
        matched = match_plan(reading.document, reading.sha256, plans)
        plan_id = matched[0] if matched else None
    plan = _plan_proposal(reading, plans, plan_id, data_dir or default_dir())
    parks = _records(frames.get("parks"))
    park_props = _park_proposals(reading, parks, plan, plan.attrs.get("city"))
    targets = _target_proposals(reading, _records(frames.get("targets")), plan, park_props)
    for layer, props in (("programmes", [plan]), ("parks", park_props), ("targets", targets)):
        versions = _versions(frames.get(layer))
        for prop in props:
            prop.version = versions.get(prop.record_id or "")
    if previous is not None:
        _against_previous(park_props, targets, reading, previous)
    named = {p.record_id for p in park_props if p.record_id}
    not_named = [pid for pid, r in parks.items() if plan.record_id and r.get("programme") == plan.record_id
                 and pid not in named]
    return Review(reading, plan, park_props, targets, not_named)


def _related(frame: pd.DataFrame, layer: str, park_id: str | None) -> pd.Series:
    if park_id is None:
        return pd.Series(False, index=frame.index)
    if layer == "facilities" and "park_id" in frame.columns:
        return frame["park_id"].astype(str) == park_id
    if "park_ids" in frame.columns:
        return pd.Series([isinstance(v, (list, tuple)) and park_id in v or (hasattr(v, "tolist") and park_id in v.tolist())
                          for v in frame["park_ids"]], index=frame.index)
    return pd.Series(False, index=frame.index)


def _names_link(written: str, name: str) -> bool:
    """A workspace name is the written link: equal, or containing it not as part of a longer number
    (官洲站 in 地铁12号线官洲站; 4号线 is not 14号线)."""
    key, own = _canon(written), _canon(name)
    if key == own:
        return True
    at = own.find(key)
    return len(key) >= 3 and at >= 0 and not (at > 0 and own[at - 1].isdigit())


def links_in_workspace(park: Park, frames: Mapping[str, pd.DataFrame | None],
                       park_id: str | None = None) -> list[tuple[Any, str | None]]:
    """The transport links and facilities the document names for `park`, each with the id of the
    workspace's station, line or facility it is, or None (what the officer may add on the Plans
    page). Records of the park `park_id` (its facilities, the links that name it) match by name
    as `_names_link` says; any other record only by the same name (4 characters or more: 幼儿园
    alone names no one school)."""
    records: list[tuple[str, str, bool]] = []
    for layer in ("transport_nodes", "transport_lines", "facilities"):
        frame = frames.get(layer)
        if frame is not None and "name_zh" in frame.columns:
            related = _related(frame, layer, park_id)
            records += [(str(i), str(n), bool(r)) for i, n, r in zip(frame.index, frame["name_zh"], related)
                        if isinstance(n, str) and n]
    out = []
    for link in park.links:
        hit = next((i for i, n, ours in records if ours and _names_link(link.name, n)), None) or next(
            (i for i, n, _ in records if len(_canon(link.name)) >= 4 and _canon(n) == _canon(link.name)), None)
        out.append((link, hit))
    return out


def unchanged_count(proposals: Iterable[Proposal]) -> int:
    """How many of `proposals` a newer edition does not change."""
    return sum(1 for p in proposals if p.status == "unchanged")
