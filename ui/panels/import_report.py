"""The check report of an import, shown before anything is added: what was detected (format,
encoding, CRS), repaired and dropped, the bounds on a preview map, and the attributes."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.generalize import zoom_for_bounds
from geo.io import FeatureNote, ImportReport
from ui.i18n import Lang, t
from ui.i18n_report import geometry_type, report_text
from ui.mapview import base_map
from ui.mapview.user_layers import user_layer_group
from ui.page import vendor_url
from ui.safe_html import md


def report_lines(report: ImportReport, lang: Lang) -> list[str]:
    """The report as short lines of text (also used by tests)."""
    types = ", ".join(f"{geometry_type(k, lang)} × {v}" for k, v in report.geometry_types.items()) or "—"
    lines = [
        t("rep_features", lang, n_in=report.features_in, n_out=report.features_out),
        t("rep_format", lang, fmt=report_text(report.format, lang) or "—", layer=report.layer or "—"),
        t("rep_types", lang, types=types),
        t("rep_crs", lang, crs=report.crs_original or "—", how=report_text(report.crs_source, lang) or "—"),
        t("rep_system", lang, system=t(f"system_{report.coordinate_system}", lang)),
    ]
    if report.encoding:
        lines.append(t("rep_encoding", lang, enc=report.encoding, how=report_text(report.encoding_source, lang) or "—"))
    if report.axes_swapped_detected:
        lines.append(t("rep_swapped_applied" if report.axes_swapped_applied else "rep_swapped_seen", lang))
    lines.append(t("rep_z_dropped" if report.z_dropped else "rep_z_none", lang))
    if report.bounds:
        b = ", ".join(f"{v:.5f}" for v in report.bounds)
        lines.append(t("rep_bounds", lang, bounds=b))
    return lines


def render_report(report: ImportReport, preview: gpd.GeoDataFrame, head: gpd.GeoDataFrame, lang: Lang) -> None:
    """Draw the report of a checked import: summary, warnings, repairs, drops, preview map (of
    `preview`, a sample of the layer) and attribute table (of `head`, its first rows)."""

    st.subheader(t("import_report", lang, name=report.source), anchor=False)
    st.markdown("\n".join(f"- {line}" for line in report_lines(report, lang)))
    if report.crs_source.startswith("detected"):
        st.warning(t("rep_crs_confirm", lang))
    if report.far_from_study_region:
        st.warning(t("rep_far", lang))
    for warning in report.warnings:
        st.warning(md(report_text(warning, lang)))
    if report.repaired:
        with st.expander(t("rep_repaired", lang, n=len(report.repaired)), icon=":material/build:"):
            st.dataframe(notes_table(report.repaired, lang), hide_index=True)
    if report.dropped:
        with st.expander(t("rep_dropped", lang, n=len(report.dropped)), icon=":material/warning:", expanded=True):
            st.dataframe(notes_table(report.dropped, lang), hide_index=True)
    if not preview.empty and report.bounds:
        minx, miny, maxx, maxy = report.bounds
        zoom = zoom_for_bounds(report.bounds, width_px=700, height_px=380)
        st_folium(base_map(lang, "light", ((miny + maxy) / 2, (minx + maxx) / 2), zoom, vendor_url(), compact=True),
                  key="import_preview", height=400, use_container_width=True,
                  feature_group_to_add=[user_layer_group(report.source, preview)], returned_objects=[])
    st.dataframe(attribute_preview(head, lang), width="stretch", height=240)


def notes_table(notes: list[FeatureNote], lang: Lang) -> dict[str, list]:
    """Repaired or dropped features: the feature's number in the file and what happened, in `lang`."""
    return {"#": [n.index + 1 for n in notes], "": [report_text(n.description, lang) for n in notes]}


def attribute_preview(gdf, lang: Lang, rows: int = 20) -> pd.DataFrame:
    """The first rows of the attributes, geometry as its type in `lang` (st.dataframe escapes every
    cell). The geometry column's header is ours; a column of the file with that name is kept."""
    out = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).head(rows)
    header = t("rep_geometry_col", lang)
    if header not in out.columns:
        out.insert(0, header, [geometry_type(g, lang) if isinstance(g, str) else "—" for g in gdf.geom_type.head(rows)])
    return out.astype(str)
