"""The proposals an officer accepted, as one batch of record changes, checked together.

`build(review, decisions, frames)` gives every accepted proposal its record id (the record it
updates, or a fresh one: `layers.records.new_id`, never a plan's id for a park or the reverse),
resolves the names between them (a park's plan and parent, a target's owner), checks each record
against the others as they will be after the batch (`layers.records.check`), and orders the
changes so what is named is saved first: the plan, parents before their parks, then targets. An
unchanged proposal is not saved again. Each change's evidence is the document: file name,
SHA-256, section and the quote the finding stands on.

`store.Workspace.save_records` saves it all or nothing (each `RecordChange` is a `FeatureChange`
with its layer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import shapely

from layers.plan_review.proposals import Proposal, Review
from layers.programmes import new_programme_id
from layers.records import RecordContext, check, evidence_text, new_id

MAX_QUOTE = 300
"""The longest quote (characters) an evidence text carries; a longer one is cut with "…"."""


@dataclass
class Decision:
    """What the officer decided for one proposal: `accept`, `attrs` edited on top of the
    proposal's, and for a park the confirmed place (`geometry` EPSG:4326 and its `quality`;
    None: not placed, or for an update: kept where it is)."""

    accept: bool = True
    attrs: dict[str, Any] = field(default_factory=dict)
    geometry: shapely.Geometry | None = None
    quality: str | None = None
    owner: str | None = None
    """Another proposal as the park's parent or the target's owner (its key, or "plan"); an
    existing record is named in `attrs` (parent_id, park_id) instead."""


@dataclass(frozen=True)
class RecordChange:
    """One record to save, as `store.Workspace.save_records` takes it (its `FeatureChange`'s
    fields with the layer): geometry None keeps the record's place (or leaves a new park not
    placed); `expected_version` 0 for a new record."""

    layer: str
    feature_id: str
    geometry: shapely.Geometry | None
    attributes: dict[str, Any]
    evidence: str
    expected_version: int | None


@dataclass
class Batch:
    """The changes to save, in order; `ids` the record id of every accepted
    proposal by key; `problems` by proposal key (nothing may be saved while any is listed);
    `notes` what was adjusted (a parent not accepted, so left empty)."""

    changes: list[RecordChange]
    ids: dict[str, str]
    problems: dict[str, list[str]]
    notes: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        """Whether the batch may be saved (no problems, something to save)."""
        return not self.problems and bool(self.changes)


def evidence_of(proposal: Proposal, review: Review) -> str:
    """A change's evidence: the document (file name · SHA-256), the section and the quote."""
    reading = review.reading
    document = " · ".join(p for p in (reading.file_name, f"SHA-256 {reading.sha256}" if reading.sha256 else "") if p)
    ev = proposal.evidence
    quote = "" if ev is None else (ev.quote if len(ev.quote) <= MAX_QUOTE else ev.quote[:MAX_QUOTE] + "…")
    text = evidence_text(document, ev.section if ev else "", quote)
    return f"{text} · recognised text (OCR)" if reading.recognised else text


def _ids(review: Review, accepted: list[Proposal], decisions: Mapping[str, Decision],
         frames: Mapping[str, pd.DataFrame | None]) -> dict[str, str]:
    def taken(layer: str) -> set[str]:
        f = frames.get(layer)
        return set() if f is None else {str(i) for i in f.index}

    plans, parks, targets = taken("programmes"), taken("parks"), taken("targets")
    ids: dict[str, str] = {}
    for p in accepted:
        if p.record_id is not None:
            ids[p.key] = p.record_id
            continue
        attrs = {**p.attrs, **decisions[p.key].attrs}
        if p.layer == "programmes":
            ids[p.key] = new_programme_id(str(attrs.get("name_en") or ""), plans | parks)
            plans.add(ids[p.key])
        elif p.layer == "parks":
            plan_id = review.plan.record_id or ids.get("plan") or "park"
            ids[p.key] = new_id(plan_id, str(attrs.get("name_en") or ""), parks | plans)
            parks.add(ids[p.key])
    for p in accepted:
        if p.layer == "targets" and p.key not in ids:
            attrs = {**p.attrs, **decisions[p.key].attrs}
            owner = ids.get(str(p.owner_key)) or attrs.get("park_id") or ""
            ids[p.key] = new_id("t", f"{owner} {attrs.get('metric')} {attrs.get('target_year') or ''}", targets)
            targets.add(ids[p.key])
    return ids


def _ordered_parks(parks: list[Proposal]) -> list[Proposal]:
    """Parents before the parks that name them (a cycle keeps the document's order)."""
    by_key = {p.key: p for p in parks}
    done: list[Proposal] = []
    seen: set[str] = set()

    def visit(p: Proposal, path: set[str]) -> None:
        if p.key in seen or p.key in path:
            return
        parent = by_key.get(str(p.owner_key))
        if parent is not None:
            visit(parent, path | {p.key})
        seen.add(p.key)
        done.append(p)

    for p in parks:
        visit(p, set())
    return done


def build(review: Review, decisions: Mapping[str, Decision], frames: Mapping[str, pd.DataFrame | None]) -> Batch:
    """The accepted proposals of `review` (a proposal without a decision is accepted as
    proposed) as one ordered, checked batch against the records `frames` hold now."""
    decisions = {p.key: decisions.get(p.key, Decision()) for p in review.proposals()}
    accepted = [p for p in review.proposals() if decisions[p.key].accept]
    notes: dict[str, list[str]] = {}
    problems: dict[str, list[str]] = {}
    plan_needed = any(p.layer != "programmes" for p in accepted) and review.plan.record_id is None
    if plan_needed and not decisions["plan"].accept:
        problems["plan"] = ["the plan is new: accept it too, or choose the plan this document is an edition of"]
    ids = _ids(review, accepted, decisions, frames)
    ctx = RecordContext.from_frames(dict(frames))
    plan_id = ids.get("plan") or review.plan.record_id
    changes: list[RecordChange] = []
    parks = _ordered_parks([p for p in accepted if p.layer == "parks"])
    ordered = [p for p in accepted if p.layer == "programmes"] + parks + [p for p in accepted if p.layer == "targets"]
    for p in ordered:
        d = decisions[p.key]
        attrs = {**p.attrs, **d.attrs}
        if p.layer == "parks":
            if p.record_id is None:
                attrs["programme"] = plan_id
            owner_key = d.owner or p.owner_key
            named = review.get(str(owner_key)) if owner_key else None
            if named is not None and "parent_id" not in d.attrs and (p.record_id is None or named.record_id or d.owner):
                attrs["parent_id"] = ids.get(named.key) or named.record_id  # a record kept as it is still names it
                if attrs["parent_id"] is None:
                    notes.setdefault(p.key, []).append(f"its parent {named.name!r} is not accepted: saved without one")
            if d.geometry is not None:
                attrs["geometry_quality"] = d.quality
        elif p.layer == "targets":
            owner_key = d.owner or p.owner_key
            named_owner = review.get(str(owner_key)) if owner_key != "plan" else None
            owner = plan_id if owner_key == "plan" else ids.get(str(owner_key)) or (
                named_owner.record_id if named_owner is not None else None)
            if owner is None and "park_id" not in d.attrs:
                named = review.get(str(owner_key))
                problems.setdefault(p.key, []).append(
                    f"its park {named.name if named else owner_key!r} is not accepted: accept the park, or give the "
                    "target another owner")
            elif "park_id" not in d.attrs:
                attrs["park_id"] = owner
        if not attrs.get("as_of"):
            attrs["as_of"] = {**review.plan.attrs, **decisions["plan"].attrs}.get("date")
        rid = ids[p.key]
        unchanged = p.status == "unchanged" and not d.attrs and d.geometry is None
        found = check(p.layer, rid, attrs, d.geometry, ctx)
        if found:
            problems.setdefault(p.key, []).extend(found)
        ctx.ids.setdefault(p.layer, set()).add(rid)
        if p.layer == "parks":
            ctx.park_parents[rid] = attrs.get("parent_id") or None
        if p.layer == "programmes":
            ctx.plan_colours[rid] = str(attrs.get("colour") or "").upper()
        if unchanged:
            continue
        clean = {k: v for k, v in attrs.items() if k not in ("id", "geometry") and not str(k).startswith("_")}
        changes.append(RecordChange(p.layer, rid, d.geometry, clean, evidence_of(p, review),
                                    p.version if p.record_id is not None else 0))
    return Batch(changes, ids, problems, notes)
