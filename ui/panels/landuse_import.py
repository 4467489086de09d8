"""The import step's options for a layer used as land-use parcels: which of the file's columns
hold each parcel's total floor area (m², 建筑面积) and building footprint (m², 建筑基底面积).

Both are optional. A column is proposed from its name (`layers.landuse_measures.suggest_column`:
floor_area, 建筑面积, JZMJ, footprint, 基底面积, JDMJ, ...) and the proposal is said as such, with the
first values, so the officer confirms it (or picks another, or none) before adding the layer; the
mapping itself, its checks and the renaming are `layers.landuse_measures.map_measures`."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from layers.landuse_measures import FLOOR_AREA_HINTS, FOOTPRINT_HINTS, suggest_column
from ui.i18n import Lang, t

FLOOR_KEY, FOOTPRINT_KEY = "w_imp_floor_col", "w_imp_footprint_col"
SAMPLE = 3
"""Values shown of a chosen column (from the check's first rows)."""


def measure_options(columns: list[str | None], head: gpd.GeoDataFrame, lang: Lang) -> tuple[str | None, str | None]:
    """The floor-area and footprint column widgets; (floor area column, footprint column), None
    for not mapped. columns: None first, then the file's columns; head: the check's first rows."""
    st.caption(t("import_measures_help", lang))
    c1, c2 = st.columns(2)
    chosen = []
    for col, key, label, hints, what in ((c1, FLOOR_KEY, "import_floor_col", FLOOR_AREA_HINTS, "import_what_floor"),
                                         (c2, FOOTPRINT_KEY, "import_footprint_col", FOOTPRINT_HINTS,
                                          "import_what_footprint")):
        suggested = suggest_column([c for c in columns if c is not None], hints)
        index = columns.index(suggested) if suggested in columns else 0
        picked = col.selectbox(t(label, lang), columns, index=index, key=key,
                               format_func=lambda v: t("none", lang) if v is None else v)
        if picked is not None and picked == suggested:
            col.caption(t("import_measure_suggested", lang, column=picked, what=t(what, lang, markdown=False)))
        if picked is not None and picked in head.columns:
            values = ", ".join(str(v) for v in head[picked].head(SAMPLE).tolist())
            col.caption(t("import_measure_sample", lang, column=picked, values=values))
        chosen.append(picked)
    return chosen[0], chosen[1]
