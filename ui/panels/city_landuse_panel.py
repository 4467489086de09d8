"""The Data page's "Land use of every park": the composition of every park with an outline, from
every land-use layer of the workspace, as one table to read and download (issue 13).

Small layers are composed in memory; big ones (over `layers.big_layers.BIG_LAYER_FEATURES`) from
their spatially partitioned GeoParquet, each partition meeting only the parks near it, on the Dask
cluster that `PARKATLAS_DASK_SCHEDULER` names when set, else in this process, with progress shown.
The result says how it was computed (geodesic-scaled areas, layers and revisions, where, when).
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.measure import SQUARE_METRES_PER
from geo.partitioned import SCHEDULER_ENV, scheduler_client
from layers.big_layers import BIG_LAYER_FEATURES, is_big
from layers.landuse import CODES, green_ratio, parks_composition
from layers.user_layers import UserLayer
from ui import big_layers, data, workspace
from ui.exports.downloads import table_csv
from ui.i18n import Lang, t
from ui.state import ViewState

RESULT = "city_landuse_result"
"""Session-state key of the last result: (inputs key, table, how-computed caption)."""


def land_use_layers() -> tuple[list[UserLayer], list[UserLayer]]:
    """The workspace's land-use layers with codes: (small ones, big ones)."""
    layers = [layer for layer in data.user_layers() if layer.is_land_use]
    return [layer for layer in layers if not is_big(layer.gdf)], [layer for layer in layers if is_big(layer.gdf)]


def render_city_landuse(state: ViewState) -> None:
    """The panel: which layers and parks take part, the run button (with progress), the result."""
    lang = state.lang
    st.caption(t("city_lu_intro", lang, n=BIG_LAYER_FEATURES, env=SCHEDULER_ENV))
    parks = data.parks_or_report(lang)
    if parks is None:
        return
    outlined = parks[parks.geom_type.isin(["Polygon", "MultiPolygon"])]
    small, big = land_use_layers()
    bundled, _ = data.optional_layer("landuse")
    if not small and not big and bundled is None:
        st.info(t("city_lu_no_layers", lang))
        return
    st.caption(t("city_lu_parks", lang, outlined=len(outlined), points=len(parks) - len(outlined)))
    waiting = [layer for layer in big if big_layers.partitioned(layer) is None]
    if waiting:
        names = "、".join(layer.name for layer in waiting)
        st.warning(t("city_lu_waiting", lang, names=names))
        if st.button(t("city_lu_prepare", lang), key="city_lu_prepare"):
            for layer in waiting:
                big_layers.build(layer, state.basemap, lang)
            st.rerun()
        return
    where = os.environ.get(SCHEDULER_ENV, "").strip()
    key = (data._all_key(), tuple(outlined.index))
    if st.button(t("city_lu_run", lang), key="city_lu_run", disabled=outlined.empty):
        done = _run(outlined, small, big, bundled, where, lang)
        if done is not None:
            st.session_state[RESULT] = (key, *done)
    result = st.session_state.get(RESULT)
    if result is not None and result[0] == key:
        _show(result[1], result[2], parks, lang)
    elif result is not None:
        st.caption(t("city_lu_stale", lang))


def _run(outlined: gpd.GeoDataFrame, small: list[UserLayer], big: list[UserLayer], bundled: gpd.GeoDataFrame | None,
         where: str, lang: Lang) -> tuple[pd.DataFrame, str] | None:
    """Compose every outlined park, with a progress bar; (table, how computed), or None after
    saying why it could not run (a scheduler that cannot be reached, a partition that cannot be read)."""
    frames = [layer.gdf[["code", "geometry"]] for layer in small] + ([bundled[["code", "geometry"]]] if bundled is not None else [])
    parcels = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326) if frames else None
    folders = [big_layers.partitioned(layer) for layer in big]
    bar = st.progress(0.0, text=t("city_lu_running", lang, where=where or t("city_lu_here", lang)))
    started = time.perf_counter()
    client = None
    try:
        client = scheduler_client()
        comp = parks_composition(outlined, parcels, [f for f in folders if f is not None], client=client,
                                 progress=lambda d, n: bar.progress(min(d / max(n, 1), 1.0),
                                                                    text=t("city_lu_progress", lang, done=d, total=n)))
    except (ValueError, OSError) as exc:
        bar.empty()
        st.error(t("city_lu_failed", lang, why=str(exc)[:400]))
        return None
    finally:
        if client is not None:
            client.close()
    bar.empty()
    revisions = workspace.revisions()
    layers = "、".join(f"{layer.name} (r{revisions.get(layer.layer_id or '', 0)})" for layer in [*small, *big])
    how = t("city_lu_how", lang, layers=layers or t("layer_landuse", lang), where=where or t("city_lu_here", lang),
            s=time.perf_counter() - started, at=f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    return comp, how


def result_table(comp: pd.DataFrame, parks: gpd.GeoDataFrame, lang: Lang) -> pd.DataFrame:
    """The composition as officers read it: park, code and its name, ha, 亩, share of the park
    (geodesic-scaled areas), and the park's green ratio."""
    names = parks["name_zh" if lang == "zh" else "name_en"]
    green = green_ratio(comp)

    def code_name(code: str) -> str:
        known = CODES.get(code)
        return (known.name_zh if lang == "zh" else known.name_en) if known else ""

    return pd.DataFrame({
        t("city_lu_col_park", lang): comp["zone"].map(names),
        t("city_lu_col_id", lang): comp["zone"],
        t("city_lu_col_code", lang): comp["class"],
        t("city_lu_col_name", lang): comp["class"].map(code_name),
        "ha": (comp["area_m2"] / SQUARE_METRES_PER["ha"]).round(2),
        "亩": (comp["area_m2"] / SQUARE_METRES_PER["mu"]).round(1),
        t("city_lu_col_share", lang): (comp["share"] * 100).round(2),
        t("city_lu_col_green", lang): (comp["zone"].map(green).fillna(0.0) * 100).round(1),
    })


def _show(comp: pd.DataFrame, how: str, parks: gpd.GeoDataFrame, lang: Lang) -> None:
    if comp.empty:
        st.info(t("city_lu_empty", lang))
        st.caption(how)
        return
    table = result_table(comp, parks, lang)
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(how)
    st.download_button(t("city_lu_download", lang), data=table_csv(table.set_index(table.columns[0])),
                       file_name="parkatlas-land-use-of-every-park.csv", mime="text/csv", key="city_lu_download")
