"""The Land-use rules section of the Plans & records page (`ui.pages.plans`): the workspace's
`indicator_rules` records (`layers.indicator_rules`) as a table with each rule's citation and,
for an editor or admin, a form per rule (`ui.panels.record_form`) saved as a new version with
reason and evidence (`ui.panels.record_save`: checked against the plans first, refused when
stale), and retired with a reason (every version kept). A viewer sees the table only.

A rule's value is stored as data/landuse_rules.csv stores it — a share between 0 and 1, or the
floor-area ratio as a ratio — and its unit follows its indicator. The park's inspection reads
the rules from the workspace, so a saved rule changes the verdicts at once.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from layers.base import label
from layers.indicator_rules import ANY, INDICATORS, OP_SIGNS, OPS, PARK_KIND_CHOICES, RATIO_INDICATORS, SCHEMA, unit_of
from layers.parks import KIND_LABELS
from layers.records import new_id
from store import Workspace
from ui import data
from ui.i18n import Lang, t
from ui.panels.record_form import FieldSpec, plain, record_form
from ui.panels.record_save import choose_record, render_conflict, retire_panel, save_record, saved, taken_ids
from ui.panels.record_sections import heading, layer_frame, row_of, text_of

LAYER = "indicator_rules"
ORDER = ("programme", "park_kind", "indicator", "op", "value", "quote", "source")
"""The rule's attributes in the form, in order (`unit` follows the indicator)."""


def rule_value(indicator: str, op: str, value: Any, lang: Lang) -> str:
    """A rule's comparison and value for people: a share in %, the floor-area ratio as a ratio.

    >>> rule_value("green_ratio", ">=", 0.2, "en"), rule_value("far", "<=", 2.0, "zh")
    ('≥ 20 %', '≤ 2')
    """
    v = plain(value)
    if not isinstance(v, (int, float)):
        return f"{OP_SIGNS.get(op, op)} {text_of(v)}"
    shown = f"{v:g}" if indicator in RATIO_INDICATORS else f"{v * 100:.10g} %"
    return f"{OP_SIGNS.get(op, op)} {shown}"


def _plan_label(plan_id: Any, lang: Lang) -> str:
    pid = text_of(plan_id) or ANY
    return t("rule_any_plan", lang, markdown=False) if pid == ANY else data.programmes().name(pid, lang)


def _kind_label(kind: Any, lang: Lang) -> str:
    k = text_of(kind) or ANY
    return t("rule_any_kind", lang, markdown=False) if k == ANY else label(KIND_LABELS, k, lang)


def _indicator_label(indicator: Any, lang: Lang) -> str:
    ind = text_of(indicator)
    return t(f"ind_{ind}", lang, markdown=False) if ind in INDICATORS else ind


def rule_label(row: dict, lang: Lang) -> str:
    """One rule in a line: plan · kind · indicator and its comparison, e.g. "… · Green ratio ≥ 20 %"."""
    return (f"{_plan_label(row.get('programme'), lang)} · {_kind_label(row.get('park_kind'), lang)} · "
            f"{_indicator_label(row.get('indicator'), lang)} "
            f"{rule_value(text_of(row.get('indicator')), text_of(row.get('op')), row.get('value'), lang)}")


def rules_table(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The rules as a table for people, each with its citation."""
    rows = frame.to_dict("records")
    return pd.DataFrame({
        t("rule_col_plan", lang): [_plan_label(r.get("programme"), lang) for r in rows],
        t("rule_col_kind", lang): [_kind_label(r.get("park_kind"), lang) for r in rows],
        t("rule_col_indicator", lang): [_indicator_label(r.get("indicator"), lang) for r in rows],
        t("rule_col_rule", lang): [rule_value(text_of(r.get("indicator")), text_of(r.get("op")), r.get("value"), lang)
                                   for r in rows],
        t("rule_col_quote", lang): [text_of(r.get("quote")) for r in rows],
        t("rule_col_source", lang): [text_of(r.get("source")) for r in rows],
    })


def _derive(attrs: dict) -> dict:
    """The rule's unit follows its indicator (a share of the park's area, or a ratio)."""
    out = dict(attrs)
    if out.get("indicator") in INDICATORS:
        out["unit"] = unit_of(str(out["indicator"]))
    return out


def rules_section(ws: Workspace | None, lang: Lang) -> None:
    """Draw the Land-use rules section: the table, and for an editor the form and retire panel."""
    st.caption(t("rule_intro", lang))
    frame = layer_frame(LAYER, lang)
    if frame is None:
        return
    st.caption(t("rec_count", lang, n=len(frame)))
    st.dataframe(rules_table(frame, lang), hide_index=True, width="stretch")
    if ws is None or "_version" not in frame.columns:
        return
    rid = choose_record(LAYER, frame.index, lambda i: rule_label(row_of(frame, i) or {}, lang), "rec_new_rule", lang)
    record = row_of(frame, rid)
    shown = None if record is None else rule_label(record, lang)
    heading(None if record is None else {**record, "name_zh": shown, "name_en": shown}, lang)
    render_conflict(ws, LAYER, rid, lang, None, None if record is None else int(record["_version"]))
    plans = [ANY, *data.programmes().ids()]
    fields = {
        "programme": FieldSpec(label_key="rule_f_programme", widget="select", options=plans,
                               format=lambda p: _plan_label(p, lang)),
        "park_kind": FieldSpec(label_key="rule_f_park_kind", options=PARK_KIND_CHOICES,
                               format=lambda k: _kind_label(k, lang)),
        "indicator": FieldSpec(label_key="rule_f_indicator", format=lambda i: _indicator_label(i, lang)),
        "op": FieldSpec(label_key="rule_f_op", format=lambda o: OP_SIGNS.get(o, o)),
        "value": FieldSpec(label_key="rule_f_value", help_key="rule_value_help"),
        "quote": FieldSpec(label_key="rule_f_quote", help_key="rule_quote_help", widget="textarea"),
        "source": FieldSpec(label_key="rule_f_source", help_key="rule_source_help", widget="textarea"),
    }
    sub = record_form(LAYER, SCHEMA, record, lang, record_id=rid, fields=fields, order=ORDER, hidden=("unit",),
                      derive=_derive, defaults={"programme": ANY, "park_kind": ANY, "indicator": INDICATORS[0],
                                                "op": next(iter(OPS))})
    if sub is not None:
        attrs = sub.attributes
        programme = text_of(attrs.get("programme"))
        fid = rid or new_id("rule", f"{'any' if programme in ('', ANY) else programme} {attrs.get('indicator') or ''}",
                            taken_ids(LAYER))
        version = save_record(ws, LAYER, fid, attrs, reason=sub.reason, evidence=sub.evidence,
                              expected=sub.opened.version, geometry=None, lang=lang, form_id=rid)
        if version is not None:
            saved(LAYER, rid, fid, t("rec_saved", lang, name=rule_label(attrs, lang), version=version))
    if record is not None and rid is not None:
        retire_panel(ws, LAYER, rid, rule_label(record, lang), lang, [])
