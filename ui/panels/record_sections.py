"""The Targets and the Transport & facilities sections of the Plans & records page
(`ui.pages.plans`): each layer's records as a table and, for an editor or admin, a form per
record (`ui.panels.record_form`) saved as a new version (`ui.panels.record_save`). A target's
unit is chosen among the units of its metric's dimension only; a new transport link or facility
is created without a place ("not placed yet") when its layer allows it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from layers import registry
from layers._errors import LayerError
from layers.base import label
from layers.facilities import CATEGORY_LABELS
from layers.parks import QUALITY_LABELS
from layers.records import new_id
from layers.targets import COMPARISONS, DIMENSION_UNITS, METRICS, SCHEMA as TARGET_SCHEMA, owner_name
from layers.transport import MODE_LABELS, NODE_ROLES, STATUS_LABELS as LINK_STATUS_LABELS
from store import Workspace
from ui import data, workspace
from ui.i18n import Lang, t
from ui.panels.record_form import FieldSpec, form_key, plain, record_form
from ui.panels.record_save import choose_record, record_name, render_conflict, retire_panel, save_record, saved, taken_ids

OTHER_LAYERS = ("transport_lines", "transport_nodes", "facilities")
NEW_ID_PREFIX = {"transport_lines": "line", "transport_nodes": "node", "facilities": "fac"}


def parks_frame() -> pd.DataFrame:
    """The parks (names by id) for labels; empty when they cannot be read (the page says why)."""
    try:
        return data.parks()
    except LayerError:
        return pd.DataFrame({"name_zh": [], "name_en": [], "programme": []})


def layer_frame(layer_id: str, lang: Lang) -> pd.DataFrame | None:
    """The layer's current records with their versions, or None after saying there are none."""
    frame = workspace.layer(layer_id)
    if frame is None:
        frame = data.records(layer_id)
    if frame is None:
        st.info(t("rec_no_layer", lang, layer=t(f"rec_layer_{layer_id}" if layer_id in OTHER_LAYERS else
                                               f"layer_{layer_id}", lang, markdown=False)))
    return frame


def row_of(frame: pd.DataFrame, rid: str | None) -> dict | None:
    return None if rid is None else {**frame.loc[rid].to_dict(), "id": rid}


def text_of(v: Any) -> str:
    v = plain(v)
    return "" if v is None else "、".join(v) if isinstance(v, list) else str(v)


def heading(record: dict | None, lang: Lang) -> None:
    if record is None:
        st.subheader(t("rec_new_heading", lang), anchor=False)
    else:
        st.subheader(t("rec_editing", lang, name=record_name(record, lang), version=int(record["_version"])),
                     anchor=False)


# --- targets -------------------------------------------------------------------------------------


def _metric_name(metric: str, lang: Lang) -> str:
    m = METRICS.get(metric)
    return metric if m is None else (m.name_zh if lang == "zh" else m.name_en)


def _targets_table(frame: pd.DataFrame, parks: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    plans = data.programmes()
    return pd.DataFrame({
        t("rec_col_owner", lang): [owner_name(str(o), parks, lang, plans) for o in frame["park_id"]],
        t("rec_col_metric", lang): [_metric_name(str(m), lang) for m in frame["metric"]],
        t("rec_col_value", lang): [f"{v:,.10g}" if plain(v) is not None else "" for v in frame["value"]],
        t("rec_col_unit", lang): [text_of(v) for v in frame["unit"]],
        t("rec_col_comparison", lang): [text_of(v) for v in frame["comparison"]],
        t("rec_col_year", lang): [text_of(v) for v in frame["target_year"]],
        t("rec_col_baseline", lang): [f"{b:,.10g} ({text_of(y)})" if plain(b) is not None else ""
                                      for b, y in zip(frame["baseline_value"], frame["baseline_year"])],
    })


def targets_section(ws: Workspace | None, lang: Lang) -> None:
    frame = layer_frame("targets", lang)
    if frame is None:
        return
    parks = parks_frame()
    st.caption(t("rec_count", lang, n=len(frame)))
    st.dataframe(_targets_table(frame, parks, lang), hide_index=True, width="stretch")
    if ws is None or "_version" not in frame.columns:
        return
    rid = choose_record("targets", frame.index, lambda i: _target_label(frame.loc[i], parks, lang), "rec_new_target", lang)
    record = row_of(frame, rid)
    heading(record, lang)
    render_conflict(ws, "targets", rid, lang, None, None if record is None else int(record["_version"]))
    prefix = form_key("targets", rid)
    metrics = list(METRICS)
    current = str(record["metric"]) if record is not None and record.get("metric") in METRICS else "land-developed"
    metric = st.selectbox(t("rec_metric_live", lang), metrics, index=metrics.index(current), key=f"{prefix}_metric_live",
                          format_func=lambda m: _metric_name(m, lang))
    dim = METRICS[metric].dimension
    plans = data.programmes()
    owners = {str(i): record_name(r, lang) for i, r in zip(parks.index, parks.to_dict("records"))}
    owners.update({p.id: t("rec_whole_plan", lang, name=record_name(p.__dict__, lang), markdown=False) for p in plans})
    fields = {
        "park_id": FieldSpec(label_key="rec_f_target_owner", widget="select", options=list(owners),
                             format=lambda i: owners.get(i, i)),
        "unit": FieldSpec(widget="select", options=DIMENSION_UNITS[dim], key_suffix=f"_{dim}", keep_current=False),
        "comparison": FieldSpec(widget="select", options=COMPARISONS, format=lambda v: t(f"rec_cmp_{v}", lang)),
        "status": FieldSpec(format=lambda v: t(f"rec_tstatus_{v}", lang)),
        "note": FieldSpec(widget="textarea"),
    }
    order = ("park_id", "name_zh", "name_en", "value", "unit", "comparison", "target_year", "baseline_value",
             "baseline_year", "status", "source", "as_of", "note")
    sub = record_form("targets", TARGET_SCHEMA, record, lang, record_id=rid, fields=fields, order=order,
                      fixed={"metric": metric}, defaults={"status": "target", "comparison": "≥"})
    if sub is not None:
        attrs = sub.attributes
        tid = rid or new_id("t", f"{attrs.get('park_id')} {metric} {attrs.get('target_year') or ''}", taken_ids("targets"))
        version = save_record(ws, "targets", tid, attrs, reason=sub.reason, evidence=sub.evidence,
                              expected=sub.opened.version, geometry=None, lang=lang, form_id=rid)
        if version is not None:
            saved("targets", rid, tid, t("rec_saved", lang, name=record_name(attrs, lang), version=version))
    if record is not None and rid is not None:
        actuals = workspace.layer("actuals")
        users = [] if actuals is None or "target_id" not in actuals.columns else [
            t("rec_ref_actual", lang, name=f"{text_of(a.get('year'))} {text_of(a.get('value'))} {text_of(a.get('unit'))}",
              markdown=False) for a in actuals[actuals["target_id"] == rid].to_dict("records")]
        retire_panel(ws, "targets", rid, record_name(record, lang), lang, users)


def _target_label(row: pd.Series, parks: pd.DataFrame, lang: Lang) -> str:
    owner = owner_name(str(row["park_id"]), parks, lang, data.programmes())
    return f"{owner} · {record_name(row, lang)} · {text_of(row.get('target_year'))}"


# --- transport and facilities --------------------------------------------------------------------


def _kind(layer_id: str, row: dict, lang: Lang) -> str:
    if layer_id == "facilities":
        return label(CATEGORY_LABELS, text_of(row.get("category")), lang)
    return label(MODE_LABELS, text_of(row.get("mode")), lang)


def _others_table(layer_id: str, frame: pd.DataFrame, parks: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    def park(i: Any) -> str:
        return record_name(parks.loc[i], lang) if i in parks.index else str(i)

    rows = frame.to_dict("records")
    placed = [g is not None and not g.is_empty for g in frame.geometry] if "geometry" in frame.columns else [False] * len(rows)
    return pd.DataFrame({
        t("rec_col_name", lang): [record_name(r, lang) for r in rows],
        t("rec_col_kind", lang): [_kind(layer_id, r, lang) for r in rows],
        t("rec_col_status", lang): [label(LINK_STATUS_LABELS, text_of(r.get("status")), lang) for r in rows],
        t("rec_col_place", lang): [t("rec_placed" if p else "not_placed_yet", lang) for p in placed],
        t("rec_col_parks", lang): ["、".join(park(i) for i in (plain(r.get("park_ids")) or [plain(r.get("park_id"))])
                                            if i) for r in rows],
    })


def others_section(ws: Workspace | None, lang: Lang) -> None:
    layer_id = st.radio(t("rec_tr_layer", lang), OTHER_LAYERS, format_func=lambda v: t(f"rec_layer_{v}", lang),
                        horizontal=True, key="rec_tr_layer")
    frame = layer_frame(layer_id, lang)
    schema = registry.schema(layer_id)
    if frame is None or schema is None:
        return
    parks = parks_frame()
    st.caption(t("rec_count", lang, n=len(frame)))
    st.dataframe(_others_table(layer_id, frame, parks, lang), hide_index=True, width="stretch")
    if ws is None or "_version" not in frame.columns:
        return
    if not schema.geometry_nullable:
        st.info(t("rec_attrs_only", lang))
    rid = choose_record(layer_id, frame.index, lambda i: record_name(frame.loc[i], lang),
                        "rec_new_record" if schema.geometry_nullable else None, lang)
    record = row_of(frame, rid)
    if record is None and not schema.geometry_nullable:
        return
    heading(record, lang)
    st.caption(t("rec_new_unplaced" if record is None else "rec_geometry_kept", lang))
    geometry = None if record is None else record.get("geometry")
    render_conflict(ws, layer_id, rid, lang, geometry, None if record is None else int(record["_version"]))
    park_names = {str(i): record_name(r, lang) for i, r in zip(parks.index, parks.to_dict("records"))}
    fields = {
        "mode": FieldSpec(labels=MODE_LABELS), "status": FieldSpec(labels=LINK_STATUS_LABELS),
        "category": FieldSpec(labels=CATEGORY_LABELS), "geometry_quality": FieldSpec(labels=QUALITY_LABELS),
        "park_id": FieldSpec(widget="select", options=list(park_names), format=lambda i: park_names.get(i, i)),
        "park_ids": FieldSpec(widget="multiselect", options=list(park_names), format=lambda i: park_names.get(i, i)),
        "roles": FieldSpec(widget="multiselect", options=NODE_ROLES, labels=MODE_LABELS),
        "note": FieldSpec(widget="textarea"), "source": FieldSpec(widget="textarea"),
    }
    sub = record_form(layer_id, schema, record, lang, record_id=rid, fields=fields,
                      defaults={"geometry_quality": "approximate-location", "status": "planned"})
    if sub is not None:
        attrs = sub.attributes
        fid = rid or new_id(NEW_ID_PREFIX[layer_id], str(attrs.get("name_en") or ""), taken_ids(layer_id))
        version = save_record(ws, layer_id, fid, attrs, reason=sub.reason, evidence=sub.evidence,
                              expected=sub.opened.version, geometry=geometry, lang=lang, form_id=rid)
        if version is not None:
            saved(layer_id, rid, fid, t("rec_saved", lang, name=record_name(attrs, lang), version=version))
    if record is not None and rid is not None:
        retire_panel(ws, layer_id, rid, record_name(record, lang), lang, [])
