"""The Plans & records page: the plans, targets, transport links and facilities of the workspace
as tables, and — for an editor or admin — a form per record that saves a new version with a
reason and evidence (`ui.panels.record_form`, `ui.panels.record_save`). The targets and the
transport & facilities sections are `ui.panels.record_sections`, the land-use rules
`ui.panels.rules_section`; the parks and the progress against targets are sections of their own
modules. A viewer sees the tables only. The section
is kept in the URL (`?section=`)."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from layers.base import label
from layers.programmes import PALETTE, SCHEMA as PLAN_SCHEMA, STATUS_LABELS, new_programme_id, next_colour
from store import StoreError, Workspace
from ui import workspace
from ui.i18n import Lang, t
from ui.page import start
from ui.panels.record_form import FieldSpec, Submitted, form_key, plain, record_form
from ui.panels.record_save import choose_record, record_name, render_conflict, retire_panel, save_record, saved, taken_ids
from ui.panels.record_sections import heading, layer_frame, others_section, row_of, targets_section, text_of
from ui.panels.rules_section import rule_label, rules_section
from ui.plan_names import region_name
from ui.safe_html import esc
from ui.state import ViewState
from ui.uploads import file_uploader

SECTIONS = ("plans", "parks", "targets", "rules", "progress", "transport")
DOCUMENT_TYPES = ["pdf", "ofd", "doc", "docx", "wps", "txt", "html", "htm"]
"""The files a plan document may come as (PDF, OFD, Word/WPS, text or a saved web page)."""


def render() -> None:
    """Draw the Plans & records page."""
    state = start()
    lang = state.lang
    st.title(t("page_plans", lang), anchor=False)
    ws = workspace.current()
    editor = _editor(ws, lang)
    if state.flash:
        st.success(state.flash)
        state.flash = None
    section = _section(lang)
    if section == "plans":
        _plans(editor, lang)
    elif section == "targets":
        targets_section(editor, lang)
    elif section == "rules":
        rules_section(editor, lang)
    elif section == "transport":
        others_section(editor, lang)
    else:
        _delegated(section, state, ws, lang)


def _editor(ws: Workspace | None, lang: Lang) -> Workspace | None:
    """Say who saves the changes (or why this session may only look); the workspace to save
    through, or None (then the page shows tables only)."""
    workspace.report_problem(lang)
    if ws is None or workspace.problem() or not workspace.author_field(ws, lang, "records"):
        return None
    st.caption(t("rec_editing_as", lang, user=ws.user, role=t(f"role_name_{ws.role}", lang)))
    return ws


def _section(lang: Lang) -> str:
    """The section chosen, kept in the URL's `?section=`."""
    asked = st.query_params.get("section")
    choice = st.segmented_control(t("rec_section", lang), list(SECTIONS), format_func=lambda s: t(f"rec_sec_{s}", lang),
                                  default=asked if asked in SECTIONS else SECTIONS[0], key="rec_section",
                                  required=True)
    choice = choice if choice in SECTIONS else SECTIONS[0]
    if asked != choice:
        st.query_params["section"] = choice
    return choice


def _delegated(section: str, state: ViewState, ws: Workspace | None, lang: Lang) -> None:
    """Parks and Progress: their own modules, when they are there."""
    name, function = (("ui.panels.park_record", "render_parks_section") if section == "parks" else
                      ("ui.panels.progress_panel", "render_progress_section"))
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        st.info(t("rec_section_building", lang))
        return
    getattr(module, function)(state, ws)


# --- plans ---------------------------------------------------------------------------------------


def _plans_table(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    region = [" ".join(region_name(str(v), lang) for v in (p, c) if plain(v))
              for p, c in zip(frame["province"], frame["city"])]
    sha = [text_of(s)[:12].upper() for s in frame["document_sha256"]]
    return pd.DataFrame({
        t("rec_col_name", lang): [record_name(r, lang) for r in frame.to_dict("records")],
        t("rec_col_document", lang): [text_of(v) for v in frame["document"]],
        t("rec_col_issuer", lang): [text_of(v) for v in frame["issuer"]],
        t("rec_col_date", lang): [text_of(v) for v in frame["date"]],
        t("rec_col_region", lang): region,
        t("rec_col_status", lang): [label(STATUS_LABELS, text_of(v), lang) for v in frame["status"]],
        t("rec_col_colour", lang): [f"■ {text_of(v)}" for v in frame["colour"]],
        t("rec_col_file", lang): [text_of(v) for v in frame["document_file"]],
        t("rec_col_sha", lang): sha,
    })


def _swatches(colours: list[str], lang: Lang) -> None:
    boxes = "".join(f"<span style='display:inline-block;margin-right:.8em'><span style='display:inline-block;"
                    f"width:1em;height:1em;vertical-align:middle;border:1px solid #888;background:{esc(c)}'></span>"
                    f" {esc(c)}</span>" for c in colours)
    st.html(f"<div style='font-size:.85rem'>{esc(t('rec_colours_free', lang, markdown=False))} {boxes}</div>")


def _derive_plan(attrs: dict) -> dict:
    """A plan's derived attributes: the title is the Chinese name, the date speaks for it and the
    source is 文号《title》 unless the officer gave them."""
    out = dict(attrs)
    out["title"] = out.get("title") or out.get("name_zh")
    out["as_of"] = out.get("as_of") or out.get("date")
    if not out.get("source") and out.get("title"):
        out["source"] = f"{out.get('document') or ''}《{out['title']}》"
    return out


def _document_input(ws: Workspace, record: dict | None, lang: Lang) -> Callable[[str], Any]:
    def draw(prefix: str) -> tuple[Any, bool]:
        if record is not None and plain(record.get("document_file")):
            st.caption(t("rec_doc_current", lang, file=record["document_file"],
                         sha=text_of(record.get("document_sha256"))[:12].upper()))
        upload = file_uploader(t("rec_doc_upload", lang), lang, key=f"{prefix}_doc", type=DOCUMENT_TYPES)
        if getattr(ws, "keep_document", None) is None:
            st.caption(t("rec_doc_not_kept", lang))
            return upload, False
        return upload, st.checkbox(t("rec_doc_keep", lang), value=True, key=f"{prefix}_doc_keep")
    return draw


def _plans(ws: Workspace | None, lang: Lang) -> None:
    frame = layer_frame("programmes", lang)
    if frame is None:
        return
    st.caption(t("rec_count", lang, n=len(frame)))
    st.dataframe(_plans_table(frame, lang), hide_index=True, width="stretch")
    if ws is None or "_version" not in frame.columns:
        return
    rid = choose_record("programmes", frame.index, lambda i: record_name(frame.loc[i], lang), "rec_new_plan", lang)
    record = row_of(frame, rid)
    heading(record, lang)
    render_conflict(ws, "programmes", rid, lang, None, None if record is None else int(record["_version"]))
    prefix = form_key("programmes", rid)
    others = {str(c).upper() for i, c in zip(frame.index, frame["colour"]) if i != rid}
    free = [c for c in PALETTE if c not in others]
    held = [str(v).upper() for v in (record and record.get("colour"), st.session_state.get(f"{prefix}_colour")) if v]
    _swatches(free, lang)
    plan_names = {str(i): record_name(frame.loc[i], lang) for i in frame.index if i != rid}
    fields = {
        "name_en": FieldSpec(help_key="rec_name_en_help"),
        "title": FieldSpec(required=False, help_key="rec_title_help"),
        "status": FieldSpec(labels=STATUS_LABELS),
        "superseded_by": FieldSpec(widget="select", options=list(plan_names), format=lambda i: plan_names.get(i, i)),
        "colour": FieldSpec(widget="select", options=list(dict.fromkeys(free + held)), format=lambda c: f"■ {c}"),
        "source": FieldSpec(required=False, help_key="rec_source_help", widget="textarea"),
        "as_of": FieldSpec(required=False, help_key="rec_as_of_help"),
        "note": FieldSpec(widget="textarea"),
    }
    sub = record_form("programmes", PLAN_SCHEMA, record, lang, record_id=rid, fields=fields,
                      hidden=("document_sha256", "document_file"), derive=_derive_plan,
                      defaults={"status": "in-force", "colour": next_colour(others)},
                      extra=_document_input(ws, record, lang))
    if sub is not None:
        _save_plan(ws, rid, sub, lang)
    if record is not None and rid is not None:
        retire_panel(ws, "programmes", rid, record_name(record, lang), lang, _plan_users(rid, frame, lang))


def _id_name(attrs: dict) -> str:
    """What a new plan's id is made from: its English name, else its city's English name and
    "plan" (中山市 -> zhongshan-plan), else nothing (plan-<n>)."""
    from layers.regions import city_label

    if attrs.get("name_en"):
        return str(attrs["name_en"])
    city = str(attrs.get("city") or "")
    english = city_label(city, "en") if city else ""
    return f"{english} plan" if english and english.isascii() else ""


def _save_plan(ws: Workspace, rid: str | None, sub: Submitted, lang: Lang) -> None:
    attrs = sub.attributes
    upload, keep = sub.extra or (None, False)
    content = b"" if upload is None else upload.getvalue()
    if upload is not None:
        attrs["document_sha256"], attrs["document_file"] = hashlib.sha256(content).hexdigest(), upload.name
    pid = rid or new_programme_id(_id_name(attrs), taken_ids("programmes") | taken_ids("parks"))

    def keep_file() -> bool:
        keeper = getattr(ws, "keep_document", None)
        if upload is None or not keep or keeper is None:
            return True
        try:
            generic = upload.type in (None, "", "application/octet-stream")  # then the store guesses from the name
            keeper(upload.name, content, "" if generic else upload.type)
        except (StoreError, ValueError) as exc:
            st.error(t("rec_doc_keep_failed", lang))
            st.code(str(exc))
            return False
        return True

    version = save_record(ws, "programmes", pid, attrs, reason=sub.reason, evidence=sub.evidence,
                          expected=sub.opened.version, geometry=None, lang=lang, form_id=rid, before_save=keep_file)
    if version is not None:
        saved("programmes", rid, pid, t("rec_saved", lang, name=record_name(attrs, lang), version=version))


def _plan_users(pid: str, plans: pd.DataFrame, lang: Lang) -> list[str]:
    """The visible records that name plan `pid`: its parks, its targets, its land-use rules, the
    plans it replaced."""
    parks, targets, rules = workspace.layer("parks"), workspace.layer("targets"), workspace.layer("indicator_rules")
    out = [t("rec_ref_park", lang, name=record_name(r, lang), markdown=False)
           for r in ([] if parks is None else parks[parks["programme"] == pid].to_dict("records"))]
    out += [t("rec_ref_target", lang, name=record_name(r, lang), markdown=False)
            for r in ([] if targets is None else targets[targets["park_id"] == pid].to_dict("records"))]
    out += [t("rec_ref_rule", lang, name=rule_label(r, lang), markdown=False)
            for r in ([] if rules is None else rules[rules["programme"] == pid].to_dict("records"))]
    out += [t("rec_ref_plan", lang, name=record_name(r, lang), markdown=False)
            for r in plans[plans["superseded_by"] == pid].to_dict("records")]
    return out
