"""The land-use section of the park profile: composition chart (Altair) and the green-ratio check."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from layers.landuse import CODES, GREEN_TARGET, ILLUSTRATIVE_LABEL, green_ratio
from ui.i18n import Lang, t


def composition_chart(comp: pd.DataFrame, lang: Lang) -> alt.Chart:
    """Horizontal bars: share of the park's area by land-use code, in planning colours."""
    df = comp.assign(
        name=comp["class"].map(lambda c: f"{c} {CODES[c].name_zh if lang == 'zh' else CODES[c].name_en}"),
        ha=comp["area_m2"] / 1e4,
    )
    colours = alt.Scale(domain=df["name"].tolist(), range=[CODES[c].colour for c in df["class"]])
    return alt.Chart(df).mark_bar().encode(
        y=alt.Y("name:N", sort="-x", title=None),
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title=None),
        color=alt.Color("name:N", scale=colours, legend=None),
        tooltip=[alt.Tooltip("name:N"), alt.Tooltip("share:Q", format=".1%"), alt.Tooltip("ha:Q", format=",.1f", title="ha")],
    ).properties(height=max(120, 22 * len(df)))


def render_landuse_section(comp: pd.DataFrame, illustrative: bool, green_target_applies: bool, lang: Lang) -> None:
    """Draw the composition of one park and, where the 20 % green target applies, the check."""
    st.markdown(f"**{t('landuse_section', lang)}**")
    if illustrative:
        st.caption(f"⚠️ {ILLUSTRATIVE_LABEL}")
    if comp.empty:
        return
    st.altair_chart(composition_chart(comp, lang), width="stretch")
    ratio = float(green_ratio(comp).get(comp["zone"].iloc[0], 0.0))
    text = t("green_ratio", lang, ratio=ratio, target=GREEN_TARGET)
    if green_target_applies:
        (st.success if ratio >= GREEN_TARGET else st.warning)(
            f"{text}: {t('green_ok' if ratio >= GREEN_TARGET else 'green_short', lang)}")
    else:
        st.caption(text)
    st.caption(t("landuse_method", lang))
