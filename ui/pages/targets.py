"""The Targets page: every quantitative target by park, zone, metric and year, with a timeline
chart (baseline -> target) and CSV/XLSX downloads."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from layers.progress import PROGRESS_STATUSES
from layers.targets import METRICS, owner_name, owner_programme
from ui import data
from ui.exports.downloads import table_csv, table_xlsx
from ui.i18n import Lang, t
from ui.page import start
from ui.plan_names import plan_name


def targets_view(targets: pd.DataFrame, parks: pd.DataFrame, lang: Lang, progress: pd.DataFrame | None = None) -> pd.DataFrame:
    """The targets as a table with names and headers in `lang`; with `progress`
    (`layers.progress.assess`), plan against actual: the status, the deciding actual figure in
    the target's unit, its year and its source."""
    name_col = "name_zh" if lang == "zh" else "name_en"
    prog = (progress if progress is not None else pd.DataFrame(columns=["status", "actual_value", "actual_year",
                                                                         "actual_source"])).reindex(targets.index)
    metric = targets["metric"].map(lambda m: METRICS[m].name_zh if lang == "zh" else METRICS[m].name_en)
    cmp = targets["comparison"].fillna("")
    return pd.DataFrame({
        t("col_owner", lang): targets["park_id"].map(lambda i: owner_name(i, parks, lang, data.programmes())),
        t("col_metric", lang): metric,
        t("col_target_text", lang): targets[name_col].where(targets[name_col].notna() & (targets[name_col] != ""),
                                                            targets["name_zh"]),
        t("col_target", lang): cmp + " " + targets["value"].map(lambda v: f"{v:,.10g}") + " " + targets["unit"],
        t("col_target_year", lang): targets["target_year"].astype("string").fillna(""),
        t("col_baseline", lang): targets["baseline_value"].map(lambda v: "" if pd.isna(v) else f"{v:,.10g}"),
        t("col_baseline_year", lang): targets["baseline_year"].astype("string").fillna(""),
        t("col_progress", lang): prog["status"].map(lambda s: t(f"progress_{s}", lang) if isinstance(s, str) else
                                                    t("progress_no-data", lang)),
        t("col_actual_figure", lang): [("" if pd.isna(v) else f"{v:,.10g} {u}") for v, u in zip(prog["actual_value"], targets["unit"])],
        t("col_actual_year", lang): prog["actual_year"].astype("string").fillna(""),
        t("col_actual_source", lang): prog["actual_source"].fillna(""),
        t("col_source", lang): targets["source"],
    }, index=targets.index).rename_axis("id")


def timeline_chart(targets: pd.DataFrame, parks: pd.DataFrame, metric: str, lang: Lang,
                   progress: pd.DataFrame | None = None) -> alt.Chart | None:
    """Baseline -> target lines per park for one metric (one unit per chart), with each target's
    deciding actual figure (converted to the target's unit) as a point of its own kind."""
    rows = targets[targets["metric"] == metric]
    if rows.empty:
        return None
    unit = rows["unit"].mode().iloc[0]
    rows = rows[rows["unit"] == unit]
    points = []
    for _, r in rows.iterrows():
        park = owner_name(r["park_id"], parks, lang, data.programmes())
        if pd.notna(r["baseline_value"]) and pd.notna(r["baseline_year"]):
            points.append({"park": park, "year": int(r["baseline_year"]), "value": float(r["baseline_value"]), "kind": t("baseline", lang)})
        if pd.notna(r["target_year"]):
            points.append({"park": park, "year": int(r["target_year"]), "value": float(r["value"]), "kind": t("target", lang)})
        if progress is not None and r.name in progress.index and pd.notna(progress.at[r.name, "actual_value"]):
            points.append({"park": park, "year": int(progress.at[r.name, "actual_year"]),
                           "value": float(progress.at[r.name, "actual_value"]), "kind": t("actual_point", lang)})
    if not points:
        return None
    df = pd.DataFrame(points).drop_duplicates()
    y_title = f"{METRICS[metric].name_zh if lang == 'zh' else METRICS[metric].name_en} ({unit})"
    base = alt.Chart(df).encode(
        x=alt.X("year:O", title=t("col_target_year", lang)),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=True, nice=True)),
        color=alt.Color("park:N", title=t("col_owner", lang)),
        tooltip=["park", "year", "value", "kind"],
    )
    return (base.mark_line() + base.mark_point(filled=True, size=70).encode(shape=alt.Shape("kind:N", title=""))).properties(height=340)


def _progress_summary(progress: pd.DataFrame | None, shown: pd.DataFrame, lang: Lang) -> None:
    """How many of the shown targets are met, on track, behind or without data, and the rule."""
    from datetime import date

    from layers.progress import rule_text

    counts = (progress["status"].reindex(shown.index).fillna("no-data").value_counts() if progress is not None
              else pd.Series({"no-data": len(shown)}))
    st.markdown(t("progress_summary", lang, date=date.today().isoformat(), met=int(counts.get("met", 0)),
                  on=int(counts.get("on-track", 0)), behind=int(counts.get("behind", 0)), none=int(counts.get("no-data", 0))))
    with st.expander(t("progress_rule", lang)):
        st.text(rule_text(lang))


def render() -> None:
    """Draw the Targets page."""
    state = start()
    lang = state.lang
    st.title(t("page_targets", lang), anchor=False)
    targets = data.targets_or_report(lang)
    if targets is None:
        return
    parks = data.parks()
    sb = st.sidebar
    plans = data.programmes()
    progs = sb.multiselect(t("programme", lang), plans.in_use(targets["park_id"].map(lambda i: owner_programme(i, parks, plans))
                                                              .dropna()),
                           format_func=lambda v: plan_name(v, lang), key="wt_programmes", placeholder=t("all", lang))
    owners = sorted(set(targets["park_id"]), key=lambda i: owner_name(i, parks, lang, plans))
    chosen_parks = sb.multiselect(t("col_owner", lang), owners, format_func=lambda i: owner_name(i, parks, lang, plans),
                                  key="wt_parks", placeholder=t("all", lang))
    metrics = sorted(set(targets["metric"]))
    chosen_metrics = sb.multiselect(t("col_metric", lang), metrics,
                                    format_func=lambda m: METRICS[m].name_zh if lang == "zh" else METRICS[m].name_en,
                                    key="wt_metrics", placeholder=t("all", lang))
    shown = targets
    if progs:
        shown = shown[shown["park_id"].map(lambda i: owner_programme(i, parks, plans)).isin(progs)]
    if chosen_parks:
        shown = shown[shown["park_id"].isin(chosen_parks)]
    if chosen_metrics:
        shown = shown[shown["metric"].isin(chosen_metrics)]
    progress = data.progress()
    chosen_states = sb.multiselect(t("progress_filter", lang), list(PROGRESS_STATUSES), key="wt_progress",
                                   format_func=lambda s: t(f"progress_{s}", lang), placeholder=t("all", lang))
    if chosen_states and progress is not None:
        shown = shown[progress["status"].reindex(shown.index).isin(chosen_states)]
    st.caption(t("targets_shown", lang, n=len(shown), total=len(targets)))
    _progress_summary(progress, shown, lang)
    table = targets_view(shown, parks, lang, progress)
    st.dataframe(table, width="stretch", height=380)
    c1, c2 = st.columns(2)
    c1.download_button(t("download_csv", lang), table_csv(table), "parkatlas-targets.csv", "text/csv", key="dl_targets_csv")
    c2.download_button(t("download_xlsx", lang), table_xlsx(table, t("page_targets", lang), lang), "parkatlas-targets.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dl_targets_xlsx")
    st.subheader(t("timeline", lang), anchor=False)
    present = shown["metric"].value_counts().index.tolist()  # the most common metric first
    if present:
        metric = st.selectbox(t("col_metric", lang), present, key="wt_chart_metric",
                              format_func=lambda m: METRICS[m].name_zh if lang == "zh" else METRICS[m].name_en)
        chart = timeline_chart(shown, parks, metric, lang, progress)
        if chart is not None:
            st.altair_chart(chart, width="stretch")
        st.caption(t("timeline_note", lang))
