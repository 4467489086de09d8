"""A record form built from a layer's schema: one input per attribute (text, text area, number,
whole number, choice, several choices, a list typed one per line, a date), a required reason and
the evidence (document, section, quoted sentence); on submit the record's new full attributes.

The form remembers the version it was opened on (`Opened`), so a save from it names that version
and is refused when someone saved in between (`ui.panels.record_save`). Numbers and dates are
parsed strictly: a bad one is named with its field and nothing is returned. Every widget key
starts with `form_key(layer, record)`, so two records' forms never share a widget, and `forget`
drops a form's state (after a save, or to reload the current version).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd
import streamlit as st

from layers.records import evidence_text
from layers.base import AS_OF_PATTERN, Column, LayerSchema, label
from ui.i18n import Lang, t
from ui.safe_html import md

Widget = Literal["text", "textarea", "number", "int", "select", "multiselect", "list", "date"]
NEW = "__new__"
"""The record id of a form for a record that does not exist yet."""
INTERNAL = ("id", "_version", "_hidden", "geometry")
"""Columns of a workspace frame that are not attributes of the record."""
_LIST_SEPARATORS = re.compile(r"[\n\r、,，;；]+")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


@dataclass(frozen=True)
class FieldSpec:
    """How one attribute is shown: its label and help (t() keys; default `rec_f_<name>`), its
    widget (default from the column's kind), the choices of a select (default the column's
    `allowed` values) and how a choice reads (`labels`: a zh/en table, or `format`), whether it
    is required (default: the column is not nullable), and a key suffix (a new suffix gives a
    fresh widget, e.g. when the choices change with another field)."""

    label_key: str | None = None
    help_key: str | None = None
    widget: Widget | None = None
    options: Sequence[Any] | None = None
    labels: Mapping[str, tuple[str, str]] | None = None
    format: Callable[[Any], str] | None = None
    required: bool | None = None
    key_suffix: str = ""
    keep_current: bool = True
    """Offer the record's current value even when it is not among `options` (False: only the
    options, e.g. the units of the metric now chosen)."""


@dataclass
class Opened:
    """The version a form was opened on: its number (0 for a new record) and attributes."""

    version: int
    attributes: dict = field(default_factory=dict)


@dataclass
class Submitted:
    """What a submitted form gives: the record's full new attributes, the reason and evidence of
    the change, the version it started from, and what the form's `extra` inputs returned."""

    attributes: dict
    reason: str
    evidence: str
    opened: Opened
    extra: Any = None


def plain(value: Any) -> Any:
    """A frame cell as a plain Python value: None for a missing one (None, NaN, pd.NA), lists as
    lists of text, numpy numbers as int/float.

    >>> import numpy as np, pandas as pd
    >>> plain(float("nan")), plain(pd.NA), plain(np.int64(3)), plain(np.array(["a"])), plain(" x ")
    (None, None, 3, ['a'], ' x ')
    """
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(v) for v in value]
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if isinstance(value, np.generic) else value


def clean_record(row: Mapping[str, Any] | None) -> dict:
    """A frame row (or dict) as the record's attributes: plain values, without id, version,
    hidden flag and geometry."""
    return {} if row is None else {str(k): plain(v) for k, v in dict(row).items() if k not in INTERNAL}


def parse_number(text: str, integer: bool = False) -> float | int | None:
    """A number typed by a person: full-width digits and thousands separators accepted, nothing
    else; None for an empty text; ValueError otherwise.

    >>> parse_number("1,200.5"), parse_number("１２"), parse_number(" "), parse_number("2030", integer=True)
    (1200.5, 12.0, None, 2030)
    >>> parse_number("12亩")
    Traceback (most recent call last):
    ValueError: '12亩' is not a number
    """
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return None
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    if integer:
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise ValueError(f"{text!r} is not a whole number")
        return int(raw)
    if not _NUMBER.match(raw) or not math.isfinite(float(raw)):
        raise ValueError(f"{text!r} is not a number")
    return float(raw)


def parse_list(text: str) -> list[str]:
    """Items typed one per line or separated by 、 or commas.

    >>> parse_list("地铁1号线、 地铁2号线\\n\\nAPM, x")
    ['地铁1号线', '地铁2号线', 'APM', 'x']
    """
    return [p.strip() for p in _LIST_SEPARATORS.split(text or "") if p.strip()]


def parse_date(text: str) -> str | None:
    """A date as YYYY, YYYY-MM or YYYY-MM-DD (a real one); None for an empty text; ValueError.

    >>> parse_date("2026-03-01"), parse_date("２０２６"), parse_date("")
    ('2026-03-01', '2026', None)
    >>> parse_date("2026-02-30")
    Traceback (most recent call last):
    ValueError: '2026-02-30' is not a date
    """
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return None
    if not AS_OF_PATTERN.match(raw):
        raise ValueError(f"{text!r} is not a date")
    parts = [int(p) for p in raw.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        raise ValueError(f"{text!r} is not a date") from None
    return raw


def form_key(layer_id: str, record_id: str | None) -> str:
    """The prefix of every widget key of the form of `record_id` (None: a new record)."""
    return f"rf_{layer_id}_{record_id or NEW}"


def forget(layer_id: str, record_id: str | None) -> None:
    """Drop everything the form of `record_id` remembers (its inputs, the version it was opened
    on, a refused save): it opens afresh on the current version."""
    prefix = form_key(layer_id, record_id) + "_"
    for k in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[k]


def opened(layer_id: str, record_id: str | None, record: Mapping[str, Any] | None,
           defaults: Mapping[str, Any] | None = None) -> Opened:
    """The version the form of `record_id` was opened on: `record` (with `_version`) the first
    time, then the same until `forget`."""
    key = form_key(layer_id, record_id) + "_opened"
    if key not in st.session_state:
        version = int(record["_version"]) if record is not None and plain(record.get("_version")) else 0
        attrs = clean_record(record) if record is not None else {k: v for k, v in (defaults or {}).items()}
        st.session_state[key] = Opened(version, attrs)
    return st.session_state[key]


def field_label(name: str, spec: FieldSpec, lang: Lang) -> str:
    """The label of attribute `name` in `lang` (without the required mark)."""
    return t(spec.label_key or f"rec_f_{name}", lang)


def _widget_of(col: Column, spec: FieldSpec) -> Widget:
    if spec.widget:
        return spec.widget
    if spec.options is not None or col.allowed is not None:
        return "multiselect" if col.kind == "str_list" else "select"
    return {"float": "number", "int": "int", "str_list": "list", "date": "date"}.get(col.kind, "text")  # type: ignore[return-value]


def _text_of(value: Any, widget: Widget) -> str:
    if value is None:
        return ""
    if widget == "list":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if widget in ("number", "int") and isinstance(value, (int, float)):
        return f"{value:.15g}" if widget == "number" else str(int(value))
    return str(value)


def _chooser(spec: FieldSpec, col: Column, lang: Lang) -> Callable[[Any], str]:
    def show(v: Any) -> str:
        if v is None:
            return t("rec_none", lang)
        if spec.format is not None:
            return spec.format(v)
        return label(dict(spec.labels), v, lang) if spec.labels else str(v)
    return show


def _input(name: str, col: Column, spec: FieldSpec, default: Any, required: bool, key: str, lang: Lang) -> Any:
    """Draw one input; return what it holds (text, a choice, or a list of choices)."""
    widget = _widget_of(col, spec)
    shown = field_label(name, spec, lang)
    text = t("rec_required_mark", lang, label=shown, markdown=False) if required else shown
    helptext = t(spec.help_key, lang) if spec.help_key else (
        t("rec_list_help", lang) if widget == "list" else t("rec_date_help", lang) if widget == "date" else None)
    if widget in ("select", "multiselect"):
        options = list(spec.options if spec.options is not None else (col.allowed or ()))
        show = _chooser(spec, col, lang)
        if widget == "multiselect":
            chosen = [v for v in (default or []) if v in options] if isinstance(default, list) else []
            return st.multiselect(text, options, default=chosen, format_func=show, key=key, help=helptext,
                                  placeholder=t("rec_choose_some", lang))
        if spec.keep_current and default is not None and default not in options:
            options.append(default)  # a value the record holds stays choosable
        if not required:
            options.insert(0, None)
        index = options.index(default) if default in options else 0
        return st.selectbox(text, options, index=index, format_func=show, key=key, help=helptext)
    value = _text_of(default, widget)
    if widget in ("textarea", "list"):
        return st.text_area(text, value=value, key=key, help=helptext, height=90 if widget == "list" else 100)
    return st.text_input(text, value=value, key=key, help=helptext)


def _parsed(name: str, col: Column, spec: FieldSpec, raw: Any, required: bool, lang: Lang) -> tuple[Any, str | None]:
    """(value, None), or (None, what is wrong in `lang`) for one input's content."""
    widget = _widget_of(col, spec)
    shown = field_label(name, spec, lang)
    try:
        if widget in ("number", "int"):
            value: Any = parse_number(raw, integer=widget == "int" or col.kind == "int")
            if value is not None and col.minimum is not None and value < col.minimum:
                return None, t("rec_below_min", lang, field=shown, minimum=col.minimum)
        elif widget == "date":
            value = parse_date(raw)
        elif widget == "list":
            value = parse_list(raw) or (None if col.nullable else [])
        elif widget == "multiselect":
            value = list(raw or []) or (None if col.nullable else [])
        elif widget == "select":
            value = raw
        else:
            value = (raw or "").strip() or None
    except ValueError:
        kind = "rec_not_date" if widget == "date" else "rec_not_integer" if widget == "int" else "rec_not_number"
        return None, t(kind, lang, field=shown, value=str(raw).strip())
    if required and (value is None or value == []):
        return None, t("rec_required", lang, field=shown)
    return value, None


def record_form(layer_id: str, schema: LayerSchema, record: Mapping[str, Any] | None, lang: Lang, *,
                record_id: str | None = None, fields: Mapping[str, FieldSpec] | None = None,
                order: Sequence[str] | None = None, hidden: Iterable[str] = (), fixed: Mapping[str, Any] | None = None,
                defaults: Mapping[str, Any] | None = None, derive: Callable[[dict], dict] | None = None,
                extra: Callable[[str], Any] | None = None) -> Submitted | None:
    """The form of one record of `layer_id`; on submit, when every input parses, the new full
    attributes (the record's current ones, then the inputs, then `fixed`, then `derive`).

    record: the record's current row (attributes and `_version`), None for a new one.
    fields: presentation overrides by attribute; order: the attributes shown, in order (default
    every column of `schema` but `id`); hidden: attributes not shown (kept as they are); fixed:
    values set without an input; defaults: a new record's first values; derive: fills derived
    attributes from the others; extra(key): more inputs inside the form (e.g. an upload), whose
    result comes back as `Submitted.extra`. Returns None until a submit that parses.
    """
    fields = fields or {}
    rid = record_id if record is not None else None
    prefix = form_key(layer_id, rid)
    base = opened(layer_id, rid, record, defaults)
    columns = {c.name: c for c in schema.columns}
    skip = set(hidden) | set(fixed or {}) | {"id"}
    names = [n for n in (order or [c.name for c in schema.columns]) if n in columns and n not in skip]
    raw: dict[str, Any] = {}
    with st.form(f"{prefix}_form", clear_on_submit=False, enter_to_submit=False):
        slot, grid = 0, None
        for name in names:  # short inputs two to a row, texts and lists across the form
            spec = fields.get(name, FieldSpec())
            required = spec.required if spec.required is not None else not columns[name].nullable
            wide = _widget_of(columns[name], spec) in ("textarea", "list", "multiselect")
            if not wide and slot == 0:
                grid = st.columns(2)
            with st.container() if wide or grid is None else grid[slot]:
                raw[name] = _input(name, columns[name], spec, base.attributes.get(name), required,
                                   f"{prefix}_{name}{spec.key_suffix}", lang)
            slot = 0 if wide else 1 - slot
        more = extra(prefix) if extra is not None else None
        reason = st.text_input(t("save_reason", lang), key=f"{prefix}_reason", max_chars=300,
                               placeholder=t("rec_reason_hint", lang))
        c1, c2, c3 = st.columns(3)
        doc = c1.text_input(t("rec_evidence_doc", lang), key=f"{prefix}_ev_doc", max_chars=200, help=t("rec_evidence_help", lang))
        section = c2.text_input(t("rec_evidence_section", lang), key=f"{prefix}_ev_section", max_chars=120)
        quote = c3.text_input(t("rec_evidence_quote", lang), key=f"{prefix}_ev_quote", max_chars=400)
        submitted = st.form_submit_button(t("rec_save" if record is not None else "rec_create", lang),
                                          type="primary", key=f"{prefix}_submit")
    if not submitted:
        return None
    attrs = dict(base.attributes) if record is None else clean_record(record)
    errors = []
    for name in names:
        spec = fields.get(name, FieldSpec())
        required = spec.required if spec.required is not None else not columns[name].nullable
        value, error = _parsed(name, columns[name], spec, raw[name], required, lang)
        if error:
            errors.append(error)
        attrs[name] = value
    if not (reason or "").strip():
        errors.append(t("rec_reason_missing", lang))
    if errors:
        st.error(t("rec_not_saved", lang) + "\n\n" + "\n".join(f"- {e}" for e in errors))
        return None
    attrs.update(fixed or {})
    if derive is not None:
        attrs = derive(attrs)
    return Submitted(attrs, reason.strip(), evidence_text(doc, section, quote), base, more)


def problems_box(problems: Sequence[str], lang: Lang) -> None:
    """Say every problem of a record that was not saved (each escaped)."""
    st.error(t("rec_problems", lang) + "\n\n" + "\n".join(f"- {md(p)}" for p in problems))
