"""The Data page's "Read a plan" tab: a plan document in, its records proposed, reviewed and saved.

The document is read (`layers.plan_reader`) once per file (kept in the session by its SHA-256)
and turned into proposals against the workspace's records (`layers.plan_review`). The page shows
the document with every finding highlighted beside the proposals: the plan, its parks and their
targets, each *new*, an *update* (with the fields that differ) or *unchanged*. The officer ticks
what to accept, edits any proposal, confirms a place for a park (`plan_review_edit`), and saves:
one transaction of versions whose evidence is the document (file name, SHA-256), section and
quote; the document itself is kept in the workspace on request. A save someone else's overtook
is refused whole, and the officer's choices and edits stay.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from layers._errors import DocumentError
from layers.plan_reader.read import read_plan
from layers.plan_reader.sources import SourceText, read_document
from layers.plan_review import Review, review
from layers.plan_review.batch import Batch, Decision, build
from layers.plan_review.proposals import Proposal, match_plan
from store import ConflictError, FeatureChange, PermissionDenied, StoreError
from ui import workspace
from ui.i18n import Lang, t
from ui.panels.plan_review_edit import READINGS, decision_of, render_editor, review_state
from ui.review_document import document_html, excerpt_html, marks
from ui.safe_html import esc
from ui.state import ViewState
from ui.uploads import file_uploader

READ_TYPES = ["pdf", "docx", "txt", "html", "htm"]
"""The files the reader takes (a scan PDF through OCR)."""
RECORD_LAYERS = ("programmes", "parks", "targets")


def _read(content: bytes, file_name: str, lang: Lang) -> tuple[SourceText, Any] | None:
    """The document's text and reading, read once per content (the session keeps the last few)."""
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    cache: dict[str, Any] = st.session_state.setdefault(READINGS, {})
    if sha not in cache:
        try:
            with st.spinner(file_name):
                source = read_document(content, file_name)
                reading = read_plan(source.text, sha256=source.sha256, file_name=source.file_name,
                                    recognised=source.recognised)
        except DocumentError as exc:
            st.error(t("rv_read_failed", lang, why=exc.message_zh if lang == "zh" else exc.message))
            if exc.code == "ocr-missing":
                st.info(t("rv_ocr_missing_hint", lang))
            return None
        while len(cache) >= 3:
            cache.pop(next(iter(cache)))
        cache[sha] = (source, reading)
    return cache[sha]


def _frames() -> dict[str, pd.DataFrame | None]:
    """The plan's record layers as they are now."""
    return {layer: workspace.layer(layer) for layer in (*RECORD_LAYERS, "transport_nodes", "transport_lines", "facilities")}


def _plan_choice(rv_auto: Review, frames: dict[str, pd.DataFrame | None], sha: str, lang: Lang) -> str | None:
    """Which plan the document is: a new one, or an edition of a plan of the workspace (the one
    matched by fingerprint, 文号 or title first)."""
    plans = frames.get("programmes")
    ids = [] if plans is None else [str(i) for i in plans.index]
    names = {} if plans is None else {str(i): str(n) for i, n in zip(plans.index, plans["name_zh"])}
    matched = rv_auto.plan.record_id
    options = ["", *ids]
    choice = st.selectbox(t("rv_plan_is", lang), options, index=options.index(matched) if matched in options else 0,
                          key=f"rv_plan_{sha[:12]}",
                          format_func=lambda i: t("rv_plan_new", lang, markdown=False) if not i
                          else t("rv_plan_edition", lang, name=names.get(i, i), markdown=False))
    if choice and choice == matched:
        how = (match_plan(rv_auto.reading.document, sha, {choice: dict(plans.loc[choice])}) or ("", "title"))[1]
        st.caption(t("rv_plan_matched", lang, name=names.get(choice, choice), how=t(f"rv_how_{how}", lang, markdown=False)))
    return choice or None


def _previous(plan_id: str | None, frames: dict[str, pd.DataFrame | None], sha: str, lang: Lang):
    """The reading of the plan's previous edition, when its document is kept in the workspace."""
    plans = frames.get("programmes")
    if plan_id is None or plans is None or plan_id not in plans.index:
        return None
    old_sha = plans.at[plan_id, "document_sha256"]
    if not isinstance(old_sha, str) or not old_sha or old_sha == sha:
        return None
    ws = workspace.current()
    try:
        name, _media, content = ws.document(old_sha) if ws is not None else ("", "", b"")
    except (StoreError, KeyError):
        st.caption(t("rv_previous_missing", lang))
        return None
    got = _read(content, name, lang) if content else None
    return None if got is None else got[1]


def render_plan_review(state: ViewState) -> None:
    """The "Read a plan" tab."""
    lang = state.lang
    st.caption(t("rv_intro", lang))
    upload = file_uploader(t("rv_upload", lang), lang, type=READ_TYPES, key="rv_upload")
    if upload is None:
        return
    content = upload.getvalue()
    got = _read(content, upload.name, lang)
    if got is None:
        return
    source, reading = got
    st.caption(t("rv_read_summary", lang, file=source.file_name, kind=source.kind.upper(), chars=len(source.text),
                 seconds=reading.seconds, parks=len(reading.parks),
                 targets=len(reading.targets) + sum(len(p.targets) for p in reading.parks)))
    if reading.recognised:
        st.warning(t("rv_recognised", lang))
    frames = _frames()
    plan_id = _plan_choice(review(reading, frames), frames, source.sha256, lang)
    previous = _previous(plan_id, frames, source.sha256, lang)
    rv = review(reading, frames, plan_id=plan_id, auto_match=False, previous=previous)
    if previous is not None:
        same = sum(1 for p in rv.proposals() if p.edition == "same")
        st.info(t("rv_previous", lang, file=previous.file_name, n=same))
    counts = rv.counts()
    st.markdown(t("rv_counts", lang, new=counts["new"], update=counts["update"], unchanged=counts["unchanged"]))
    if rv.not_named:
        parks = frames.get("parks")
        names = [str(parks.at[i, "name_zh"]) if parks is not None and i in parks.index else i for i in rv.not_named]
        st.caption(t("rv_not_named", lang, names="、".join(names)))
    found = marks(rv)
    left, right = st.columns([5, 6], gap="medium")
    with right:
        selected = render_editor(rv, state, frames, lang)
    with left:
        excerpt = excerpt_html(source.text, found, selected, lang) if selected else ""
        if excerpt:
            st.html(excerpt)
        with st.expander(t("rv_whole_document", lang), expanded=not selected):
            st.html(document_html(source.text, found, selected, lang))
    _save(rv, frames, content, source, lang)


def _decisions(rv: Review) -> dict[str, Decision]:
    return {p.key: decision_of(rv, p) for p in rv.proposals()}


def _name(rv: Review, key: str) -> str:
    p: Proposal | None = rv.get(key)
    return p.name if p is not None else key


def _plain_problem(message: str) -> str:
    """A record check's message without the new record's id, which means nothing to the officer yet
    ("feature 'plan-1-2': field 'district': is missing" → "field 'district': is missing")."""
    import re

    return re.sub(r"^feature '[^']*': ", "", message)


def _save(rv: Review, frames: dict[str, pd.DataFrame | None], content: bytes, source: SourceText, lang: Lang) -> None:
    """Check the accepted proposals together and save them as one transaction."""
    st.subheader(t("rv_save_heading", lang), anchor=False)
    ws = workspace.current()
    if not workspace.can_edit(ws):
        st.info(t("rv_viewer", lang))
        return
    if ws is None or not workspace.author_field(ws, lang, "rv_author"):
        return
    batch: Batch = build(rv, _decisions(rv), frames)
    sha = source.sha256[:12]
    reason = st.text_input(t("rv_reason", lang), value=t("rv_reason_default", lang, file=source.file_name, markdown=False),
                           key=f"rv_reason_{sha}", max_chars=300)
    keep = st.checkbox(t("rv_keep_document", lang), value=True, key=f"rv_keep_{sha}")
    if batch.notes:
        st.caption(t("rv_adjusted", lang, notes="; ".join(f"{_name(rv, k)}: {', '.join(v)}" for k, v in batch.notes.items())))
    if not batch.changes:
        st.caption(t("rv_nothing", lang))
        return
    if not st.button(t("rv_save", lang, n=len(batch.changes)), key=f"rv_save_{sha}", type="primary",
                     disabled=not reason.strip()):
        return
    if batch.problems:
        st.error(t("rv_problems", lang))
        st.html("<ul>" + "".join(f"<li><b>{esc(_name(rv, k))}</b>: {esc('; '.join(_plain_problem(m) for m in v))}</li>"
                                 for k, v in batch.problems.items()) + "</ul>")
        return
    try:
        ws.save_records([(c.layer, FeatureChange(c.feature_id, c.geometry, c.attributes, c.evidence, c.expected_version))
                         for c in batch.changes], reason=reason.strip())
    except ConflictError as exc:
        workspace.changed()
        st.error(t("rv_conflict", lang, what=f"{exc.layer_id}/{exc.feature_id}"))
        return
    except PermissionDenied as exc:
        st.error(t("rec_permission", lang))
        st.code(str(exc))
        return
    except (StoreError, ValueError) as exc:
        workspace.report_failure(exc, lang)
        return
    if keep:
        try:
            ws.keep_document(source.file_name, content)
        except (StoreError, ValueError) as exc:
            workspace.report_failure(exc, lang)
    workspace.changed()
    by_layer = pd.Series([c.layer for c in batch.changes]).value_counts()
    state = review_state(rv)
    state.clear()
    st.success(t("rv_saved", lang, n=len(batch.changes), plans=int(by_layer.get("programmes", 0)),
                 parks=int(by_layer.get("parks", 0)), targets=int(by_layer.get("targets", 0))))
