"""The Progress section of the Plans & records page: the rule that judges a target against its
actual figures (`layers.progress.RULE_ZH` / `RULE_EN`), every target with the figure that decided
and its status (met / on track / behind / no data), and for an editor or admin an actual figure
entered by hand or a CSV/XLSX of figures imported through a check report (`layers.actuals_import`):
nothing is saved until the officer accepts the valid rows, then all of them in one transaction.

An actual figure is the `actuals` record `a-<target id>-<year>` (or the record that already holds
that target and year): a second figure for the same target and year is a new version of it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from layers._errors import LayerError, TableFileError
from layers.actuals_import import ActualsReport, check_actuals
from layers.progress import assess, rule_text, validate_actual
from layers.records import RecordContext, check
from layers.target_units import DIMENSION_NAMES
from layers.targets import DIMENSION_UNITS, METRICS, owner_name
from store import ConflictError, FeatureChange, PermissionDenied, StoreError, Workspace
from ui import data, workspace
from ui.i18n import Lang, t
from ui.state import ViewState
from ui.uploads import file_uploader

UPLOAD_TYPES = ["csv", "xlsx"]


def _number(v: object) -> str:
    return "" if v is None or pd.isna(v) else f"{float(v):,.10g}"  # type: ignore[arg-type]


def metric_name(metric: str, lang: Lang) -> str:
    m = METRICS.get(metric)
    return metric if m is None else (m.name_zh if lang == "zh" else m.name_en)


def target_label(targets: pd.DataFrame, tid: str, parks: pd.DataFrame, lang: Lang) -> str:
    """A target as the hand-entry form lists it: owner · metric · target year (· its value)."""
    r = targets.loc[tid]
    year = "—" if pd.isna(r["target_year"]) else str(int(r["target_year"]))
    owner = owner_name(str(r["park_id"]), parks, lang, data.programmes())
    value = f"{r['comparison'] if isinstance(r['comparison'], str) else ''}{_number(r['value'])} {r['unit']}".strip()
    return f"{owner} · {metric_name(str(r['metric']), lang)} · {year} ({value})"


def progress_table(targets: pd.DataFrame, result: pd.DataFrame, parks: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """One row per target (indexed by id): owner, metric, target, target year, the actual figure
    that decided (in the target's unit) and its year and source, and the status in `lang`."""
    cmp = targets["comparison"].map(lambda c: c if isinstance(c, str) else "")
    return pd.DataFrame({
        t("col_owner", lang): [owner_name(str(i), parks, lang, data.programmes()) for i in targets["park_id"]],
        t("col_metric", lang): targets["metric"].map(lambda m: metric_name(str(m), lang)),
        t("col_target", lang): cmp + targets["value"].map(_number) + " " + targets["unit"].astype(str),
        t("col_target_year", lang): targets["target_year"].astype("string").fillna("—"),
        t("pg_col_actual", lang): [f"{_number(v)} {u}" if not pd.isna(v) else "—"
                                   for v, u in zip(result["actual_value"], targets["unit"])],
        t("pg_col_actual_year", lang): result["actual_year"].astype("string").fillna("—"),
        t("pg_col_status", lang): result["status"].map(lambda s: t(f"pg_status_{s}", lang, markdown=False)),
        t("pg_col_source", lang): result["actual_source"].map(lambda s: s if isinstance(s, str) else ""),
    }, index=targets.index).rename_axis("id")


def _saved(save, conflict_message, lang: Lang):
    """Run one save of actual figures: its result, or None after saying why nothing was saved (a
    save in between: `conflict_message(exc)`; a refused role or a broken record: the store's words).
    The app's reads are refreshed either way."""
    try:
        result = save()
    except ConflictError as exc:
        st.error(conflict_message(exc))
        result = None
    except (PermissionDenied, StoreError, ValueError) as exc:
        workspace.report_failure(exc, lang)
        return None
    workspace.changed()
    return result


def _existing(actuals: pd.DataFrame | None, tid: str, year: int) -> pd.Series | None:
    """The saved record of a target and year (the largest id when there are several), or None."""
    if actuals is None or actuals.empty:
        return None
    same = actuals[(actuals["target_id"] == tid) & (pd.to_numeric(actuals["year"], errors="coerce") == year)]
    return None if same.empty else same.loc[sorted(same.index)[-1]]


def render_progress_section(state: ViewState, ws: Workspace | None) -> None:
    """The rule, the table of targets with their status, and (editor, admin) hand entry and import."""
    lang = state.lang
    st.subheader(t("pg_title", lang), anchor=False)
    with st.expander(t("pg_rule_title", lang)):
        st.text(rule_text(lang))  # the rule as the Targets page states it, without the reason codes
    targets = data.targets_or_report(lang)
    if targets is None:
        return
    try:
        parks = data.parks()
        result = assess(targets, data.records("actuals"), date.today())
    except LayerError as exc:
        st.error(t("data_error", lang))
        st.code(str(exc))
        return
    flash = st.session_state.pop("pg_flash", None)
    if flash:
        tid, text = flash
        status = result.at[tid, "status"] if tid in result.index else None
        st.success(text + ("" if status is None else " " + t("pg_status_now", lang, status=t(f"pg_status_{status}", lang))))
    counts = result["status"].value_counts()
    st.caption(" · ".join(f"{t(f'pg_status_{s}', lang)}: {int(counts.get(s, 0))}"
                          for s in ("met", "on-track", "behind", "no-data")))
    st.dataframe(progress_table(targets, result, parks, lang), width="stretch")
    if ws is None or workspace.problem() or not workspace.can_edit(ws):
        return  # the page says why
    if not ws.user:
        return  # the page asks once for the name every version is saved under
    raw = workspace.layer("actuals")
    with st.container(border=True):
        _hand_entry(ws, lang, targets, parks, raw)
    with st.container(border=True):
        _import(ws, lang, targets, parks, raw)


def _hand_entry(ws: Workspace, lang: Lang, targets: pd.DataFrame, parks: pd.DataFrame, raw) -> None:
    st.markdown(f"**{t('pg_entry_title', lang)}**")
    ss = st.session_state
    ids = [str(i) for i in targets.index]
    labels = {i: target_label(targets, i, parks, lang) for i in ids}
    tid = st.selectbox(t("pg_target", lang), ids, key="pg_target", format_func=lambda i: labels[i])
    metric = str(targets.at[tid, "metric"])
    dim = METRICS[metric].dimension if metric in METRICS else None
    units = list(DIMENSION_UNITS[dim]) if dim else [str(targets.at[tid, "unit"])]
    if ss.get("pg_unit") not in units:
        ss["pg_unit"] = targets.at[tid, "unit"] if targets.at[tid, "unit"] in units else units[0]
    c1, c2, c3 = st.columns([1, 2, 1])
    year = c1.number_input(t("pg_year", lang), min_value=1990, max_value=2060, value=date.today().year - 1, step=1,
                           key="pg_year")
    value = c2.number_input(t("pg_value", lang), value=None, format="%g", key="pg_value")
    unit = c3.selectbox(t("pg_unit", lang), units, key="pg_unit")
    if dim:
        st.caption(t("pg_unit_dimension", lang, dim=DIMENSION_NAMES[dim][0 if lang == "zh" else 1],
                     unit=str(targets.at[tid, "unit"])))
    source = st.text_input(t("pg_source", lang), key="pg_source", max_chars=300)
    c1, c2 = st.columns([1, 3])
    as_of = c1.text_input(t("pg_as_of", lang), key="pg_as_of", max_chars=10, help=t("pg_as_of_help", lang))
    note = c2.text_input(t("pg_note", lang), key="pg_note", max_chars=300)
    old = _existing(raw, tid, int(year))
    rid = str(old.name) if old is not None else f"a-{tid}-{int(year)}"
    if old is not None:
        st.warning(t("pg_replaces", lang, year=int(year), value=_number(old["value"]), unit=str(old["unit"]),
                     source=str(old["source"]), version=int(old["_version"])))
    reason = st.text_input(t("save_reason", lang), key="pg_reason", max_chars=300)
    if not st.button(t("pg_save", lang), key="pg_save", type="primary", disabled=not reason.strip()):
        return
    attrs = {"target_id": tid, "year": int(year), "value": None if value is None else float(value), "unit": unit,
             "source": source.strip() or None, "as_of": as_of.strip() or None, "note": note.strip() or None}
    context = RecordContext.from_frames({"targets": targets, "parks": parks, "actuals": raw})
    found = validate_actual(attrs, targets) or check("actuals", rid, attrs, None, context)
    if found:
        st.error(t("pg_not_saved", lang))
        st.code("\n".join(found))
        return
    version = _saved(lambda: ws.save_feature("actuals", rid, None, attrs, reason=reason.strip(), evidence=source.strip(),
                                             expected_version=0 if old is None else int(old["_version"])),
                     lambda exc: t("conflict_title", lang, author=str((exc.theirs or {}).get("author") or "?"),
                                   version=exc.current_version), lang)
    if version is None:
        return
    ss["pg_flash"] = (tid, t("pg_saved", lang, id=rid, version=version))
    for key in ("pg_value", "pg_source", "pg_as_of", "pg_note", "pg_reason"):
        ss.pop(key, None)
    st.rerun()


def template_csv(lang: Lang) -> bytes:
    """A CSV to fill in: the header (in `lang`; both languages' headers are read) and one example
    row, marked as an example in its note."""
    from geo.csv_safe import safe_csv

    header = (["园区", "指标", "年份", "数值", "单位", "来源", "数据日期", "备注"] if lang == "zh" else
              ["park", "metric", "year", "value", "unit", "source", "as_of", "note"])
    row = ["gz-vip-pazhou", "revenue", 2019, 800, "亿元", "广州统计年鉴 2020", "2020-12-31",
           t("pg_template_example", lang, markdown=False)]
    return safe_csv(pd.DataFrame([row], columns=header))


def _import(ws: Workspace, lang: Lang, targets: pd.DataFrame, parks: pd.DataFrame, raw) -> None:
    ss = st.session_state
    st.markdown(f"**{t('pg_import_title', lang)}**")
    st.caption(t("pg_import_hint", lang))
    st.download_button(t("pg_template", lang), template_csv(lang), file_name="actuals_template.csv", mime="text/csv",
                       key="pg_template")
    generation = int(ss.get("pg_upload_generation", 0))
    upload = file_uploader(t("pg_upload", lang), lang, type=UPLOAD_TYPES,
                           key="pg_upload" if not generation else f"pg_upload_{generation}")
    if upload is None:
        return
    try:
        report = check_actuals(upload.getvalue(), upload.name, targets, parks, raw)
    except TableFileError as exc:
        st.error(exc.message_zh if lang == "zh" and exc.message_zh else str(exc))
        return
    _report(report, targets, parks, lang)
    n = len(report.records)
    if not n:
        st.info(t("pg_nothing_to_save", lang))
        return
    reason = st.text_input(t("save_reason", lang), key="pg_import_reason", max_chars=300)
    if not st.button(t("pg_accept", lang, n=n), key="pg_accept", type="primary", disabled=not reason.strip()):
        return
    versions = {} if raw is None else {str(i): int(v) for i, v in zip(raw.index, raw["_version"])}
    changes = [FeatureChange(str(r["id"]), None, {k: (None if pd.isna(r[k]) else r[k]) for k in
                                                 ("target_id", "year", "value", "unit", "source", "as_of", "note")},
                             evidence=t("pg_import_evidence", lang, file=report.file_name, row=int(r["row"]),
                                        markdown=False),
                             expected_version=versions.get(str(r["id"]), 0))
               for r in report.records.to_dict("records")]
    for change in changes:
        change.attributes["year"], change.attributes["value"] = int(change.attributes["year"]), float(change.attributes["value"])
    saved = _saved(lambda: ws.save_features("actuals", changes, reason=reason.strip()),
                   lambda exc: t("pg_import_conflict", lang, ids=exc.feature_id), lang)
    if saved is None:
        return
    first = str(report.records["target_id"].iloc[0])
    ss["pg_flash"] = (first, t("pg_imported", lang, n=len(saved), file=report.file_name))
    ss["pg_upload_generation"] = generation + 1
    ss.pop("pg_import_reason", None)
    st.rerun()


def _report(report: ActualsReport, targets: pd.DataFrame, parks: pd.DataFrame, lang: Lang) -> None:
    """The check report: counts, each problem and warning with its row, column and message in
    `lang`, and the rows that would be saved."""
    st.markdown(t("pg_report_summary", lang, file=report.file_name, rows=report.rows, ok=len(report.records),
                  problems=len({p.row for p in report.problems}), warnings=len(report.warnings)))

    def findings(items) -> pd.DataFrame:
        return pd.DataFrame({t("pg_col_row", lang): [p.row for p in items],
                             t("pg_col_column", lang): [p.column for p in items],
                             t("pg_col_message", lang): [p.text(lang) for p in items]})

    if report.problems:
        st.error(t("pg_report_problems", lang))
        st.dataframe(findings(report.problems), hide_index=True, width="stretch")
    if report.warnings:
        st.warning(t("pg_report_warnings", lang))
        st.dataframe(findings(report.warnings), hide_index=True, width="stretch")
    if len(report.records):
        rec = report.records
        st.caption(t("pg_report_valid", lang))
        st.dataframe(pd.DataFrame({
            t("pg_col_row", lang): rec["row"].tolist(),
            t("pg_col_target", lang): [target_label(targets, str(i), parks, lang) for i in rec["target_id"]],
            t("pg_year", lang): rec["year"].tolist(),
            t("pg_col_value", lang): [f"{_number(v)} {u}" for v, u in zip(rec["value"], rec["unit"])],
            t("pg_col_source", lang): rec["source"].tolist(),
        }), hide_index=True, width="stretch")
