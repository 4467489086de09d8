"""The Targets page: every quantitative target by park, zone, metric and year, with a timeline
chart (baseline -> target) and CSV/XLSX downloads."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from layers.targets import METRICS, owner_name, owner_programme
from ui import data
from ui.exports.downloads import table_csv, table_xlsx
from ui.i18n import Lang, t
from ui.page import start
from ui.plan_names import plan_name


def targets_view(targets: pd.DataFrame, parks: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The targets as a table with names and headers in `lang`."""
    name_col = "name_zh" if lang == "zh" else "name_en"
    metric = targets["metric"].map(lambda m: METRICS[m].name_zh if lang == "zh" else METRICS[m].name_en)
    cmp = targets["comparison"].fillna("")
    return pd.DataFrame({
        t("col_owner", lang): targets["park_id"].map(lambda i: owner_name(i, parks, lang, data.programmes())),
        t("col_metric", lang): metric,
        t("col_target_text", lang): targets[name_col],
        t("col_target", lang): cmp + " " + targets["value"].map(lambda v: f"{v:,.10g}") + " " + targets["unit"],
        t("col_target_year", lang): targets["target_year"].astype("string").fillna(""),
        t("col_baseline", lang): targets["baseline_value"].map(lambda v: "" if pd.isna(v) else f"{v:,.10g}"),
        t("col_baseline_year", lang): targets["baseline_year"].astype("string").fillna(""),
        t("col_actual", lang): targets["actual_value"].map(lambda v: "" if pd.isna(v) else f"{v:,.10g}"),
        t("col_source", lang): targets["source"],
    }, index=targets.index).rename_axis("id")


def timeline_chart(targets: pd.DataFrame, parks: pd.DataFrame, metric: str, lang: Lang) -> alt.Chart | None:
    """Baseline -> target lines per park for one metric (one unit per chart)."""
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


def render() -> None:
    """Draw the Targets page."""
    state = start()
    lang = state.lang
    st.title(t("page_targets", lang), anchor=False)
    targets, problem = data.optional_layer("targets")
    if targets is None:
        if problem:
            st.warning(t("layer_warning", lang, layer="targets"))
            st.code(problem)
        else:
            st.info(t("no_targets", lang))
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
    st.caption(t("targets_shown", lang, n=len(shown), total=len(targets)))
    table = targets_view(shown, parks, lang)
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
        chart = timeline_chart(shown, parks, metric, lang)
        if chart is not None:
            st.altair_chart(chart, width="stretch")
        st.caption(t("timeline_note", lang))
