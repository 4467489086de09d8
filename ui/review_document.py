"""The plan document as the review shows it: its text with every finding highlighted.

`marks(review)` lists what the reader found, each a span of the document's text: the document's
own facts, each park's name sentence, areas, floor areas (not land), 四至 and targets.
`document_html(text, marks, selected)` is the text as escaped HTML with those spans marked (a
finding inside a park's sentence shows over it); the selected proposal's spans are outlined and
the first of them carries `id="rv-selected"`. Every character of the document goes through
`esc`: a hostile document is text, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.plan_review import Review
from ui.i18n import Lang, t
from ui.safe_html import esc

KINDS = ("document", "park", "area", "floor", "boundary", "target")
"""Kinds of finding, in rising priority where spans overlap."""
COLOURS = {"document": "#DDDDDD", "park": "#BBCCEE", "area": "#CCEEFF", "floor": "#FFCCCC", "boundary": "#CCDDAA",
           "target": "#EEEEBB"}
"""Background of each kind (Paul Tol's pale scheme: readable under black text)."""


@dataclass(frozen=True)
class Mark:
    """A finding's span (`start`, `end` in the document's text), its kind and the proposal it
    belongs to (`key`; "" for none)."""

    start: int
    end: int
    kind: str
    key: str


def marks(review: Review) -> list[Mark]:
    """Every finding of the review as a span of the document's text."""
    reading = review.reading
    out = [Mark(e.start, e.end, "document", "plan") for e in reading.document.evidence]
    for prop, park in zip(review.parks, reading.parks):
        out.append(Mark(park.evidence.start, park.evidence.end, "park", prop.key))
        out += [_figure(a.text, a.evidence.start, a.evidence.quote, "area", prop.key) for a in park.areas]
        out += [_figure(f.text, f.evidence.start, f.evidence.quote, "floor", prop.key) for f in park.floor_areas]
        if park.boundary is not None:
            out.append(Mark(park.boundary.evidence.start, park.boundary.evidence.end, "boundary", prop.key))
    for prop in review.targets:
        if prop.evidence is not None:
            out.append(Mark(prop.evidence.start, prop.evidence.end, "target", prop.key))
    return [m for m in out if 0 <= m.start < m.end]


def _figure(written: str, start: int, quote: str, kind: str, key: str) -> Mark:
    """A figure's own words within its quoted clause (the whole clause when they are not found as
    written there, e.g. a table cell read with its header's unit)."""
    at = quote.find(written)
    return Mark(start + at, start + at + len(written), kind, key) if at >= 0 and written else \
        Mark(start, start + len(quote), kind, key)


def document_html(text: str, found: list[Mark], selected: str | None, lang: Lang) -> str:
    """The document as HTML in a scrolling box, findings highlighted by kind, the `selected`
    proposal's outlined (the first with id "rv-selected")."""
    n = len(text)
    kind_at: list[int] = [-1] * n
    key_at: list[str] = [""] * n
    for m in sorted(found, key=lambda m: KINDS.index(m.kind)):
        rank = KINDS.index(m.kind)
        for i in range(m.start, min(m.end, n)):
            if rank >= kind_at[i]:
                kind_at[i], key_at[i] = rank, m.key
    chosen = [bool(selected) and k == selected for k in key_at]
    parts: list[str] = []
    anchored = False
    i = 0
    while i < n:
        j = i
        while j < n and kind_at[j] == kind_at[i] and key_at[j] == key_at[i] and chosen[j] == chosen[i]:
            j += 1
        chunk = esc(text[i:j])
        if kind_at[i] < 0:
            parts.append(chunk)
        else:
            kind = KINDS[kind_at[i]]
            attrs = f'class="rv-{kind}" title="{esc(t("rv_kind_" + kind, lang, markdown=False))}"'
            style = f"background:{COLOURS[kind]};"
            if chosen[i]:
                style += "outline:2px solid #004488;"
                if not anchored:
                    attrs += ' id="rv-selected"'
                    anchored = True
            parts.append(f'<mark {attrs} style="{style}">{chunk}</mark>')
        i = j
    legend = " ".join(f'<mark style="background:{COLOURS[k]}">{esc(t("rv_kind_" + k, lang, markdown=False))}</mark>'
                      for k in KINDS)
    return (f'<div class="rv-legend" style="font-size:0.85em;margin-bottom:4px">{legend}</div>'
            '<div class="rv-document" style="white-space:pre-wrap;max-height:640px;overflow-y:auto;'
            'border:1px solid #ccc;padding:8px;font-size:0.9em;line-height:1.6">' + "".join(parts) + "</div>")


def excerpt_html(text: str, found: list[Mark], key: str, lang: Lang, around: int = 160) -> str:
    """The part of the document around the proposal `key`'s findings, marked as in
    `document_html` (what the officer checks a proposal against without scrolling)."""
    own = [m for m in found if m.key == key]
    if not own:
        return ""
    a = max(0, min(m.start for m in own) - around)
    b = min(len(text), max(m.end for m in own) + around)
    shifted = [Mark(m.start - a, m.end - a, m.kind, m.key) for m in found if m.start < b and m.end > a]
    shifted = [Mark(max(m.start, 0), min(m.end, b - a), m.kind, m.key) for m in shifted]
    body = document_html(text[a:b], shifted, key, lang)
    return body.replace("max-height:640px", "max-height:260px", 1)
