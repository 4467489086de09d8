"""What an officer reads before saving an outline: its geodesic area in km², ha and 亩 against
the park's current and stated area, how far it lies from where the park is known to be, what was
repaired, and the warnings of `layers.outlines.check_outline` in words."""

from __future__ import annotations

import streamlit as st

from geo.measure import convert_area
from layers.outlines import AREA_RATIO_LIMITS, MAX_DISTANCE_M, OutlineCheck
from ui.i18n import Lang, t


def area_words(m2: float) -> str:
    """An area as "km² · ha · 亩".

    >>> area_words(1_000_000)
    '1.000 km² · 100.00 ha · 1,500 亩'
    """
    return f"{convert_area(m2, 'km2'):,.3f} km² · {convert_area(m2, 'ha'):,.2f} ha · {convert_area(m2, 'mu'):,.0f} 亩"


def warning_text(code: str, values: dict, lang: Lang) -> str:
    """One warning of check_outline in words."""
    if code == "far":
        return t("warn_far", lang, km=values["km"], limit=MAX_DISTANCE_M / 1000)
    if code == "area_ratio":
        return t("warn_area_ratio", lang, ratio=values["ratio"], lo=AREA_RATIO_LIMITS[0], hi=AREA_RATIO_LIMITS[1])
    return t("warn_no_overlap", lang)


def render_check(check: OutlineCheck, repairs: list[str], lang: Lang) -> None:
    """The measures, repairs and warnings of one candidate outline."""
    lines = [f"**{t('chk_new_area', lang)}** {area_words(check.area_after_m2)}",
             f"{t('chk_old_area', lang)} {area_words(check.area_before_m2) if check.area_before_m2 > 0 else t('chk_point', lang)}"]
    if check.stated_m2:
        diff = (check.area_after_m2 - check.stated_m2) / check.stated_m2 * 100
        lines.append(f"{t('chk_stated', lang)} {area_words(check.stated_m2)} ({t('difference', lang)} {diff:+.1f} %)")
    else:
        lines.append(f"{t('chk_stated', lang)} {t('not_stated', lang)}")
    lines.append(t("chk_distance", lang, m=f"{check.distance_m:,.0f}"))
    if check.overlap is not None:
        lines.append(t("chk_overlap", lang, pct=f"{check.overlap * 100:.0f}"))
    st.markdown("  \n".join(lines))
    st.caption(t("chk_method", lang))
    for repair in repairs:
        st.info(t("chk_repaired", lang, what=repair))
    for code, values in check.warnings:
        st.warning(warning_text(code, values, lang))
