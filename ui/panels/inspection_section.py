"""The park profile's Inspection section: each constraint check (area in conflict in m², ha, 亩
and % of the park, geodesic on the WGS84 ellipsoid; the verdict) and each land-use indicator
against the plan's rule, every figure with how it was computed. Escaped HTML (`ui.safe_html`)."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from geo.measure import convert_area
from ui.i18n import Lang, t
from ui.inspection import Inspection, check_label, in_language, inspection, rule_label, verdict_label
from ui.safe_html import esc

VERDICT_COLOURS = {"conflict": "#b2182b", "not met": "#b2182b", "sliver": "#b35806", "not covered": "#6a51a3",
                   "no outline": "#666666", "no data": "#666666", "no rule": "#666666", "clear": "#1a9850",
                   "met": "#1a9850"}
_CELL = "padding:2px 6px;vertical-align:top"
_METHOD = "color:#666;font-size:0.8em"


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not math.isnan(float(value))


def _verdict(verdict: str, lang: Lang) -> str:
    colour = VERDICT_COLOURS.get(str(verdict), "#333333")
    return f"<b style='color:{colour}'>{esc(verdict_label(verdict, lang))}</b>"


def _area(area_m2: object) -> str:
    if not _finite(area_m2):
        return "–"
    a = float(area_m2)  # type: ignore[arg-type]
    return esc(f"{a:,.0f} m² · {convert_area(a, 'ha'):,.2f} ha · {convert_area(a, 'mu'):,.1f} 亩")


def _share(share: object, indicator: str = "") -> str:
    if not _finite(share):
        return "–"
    value = float(share)  # type: ignore[arg-type]
    return esc(f"{value:.2f}") if indicator == "far" else esc(f"{value * 100:.1f} %")


def constraint_html(rows: pd.DataFrame, lang: Lang) -> str:
    """The constraint checks of one park: check, rule, verdict, area in conflict and share of the
    park, with each check's method (layer, version, as-of, tolerance) under it."""
    body = "".join(
        f"<tr><td style='{_CELL}'><b>{esc(check_label(r['check'], 'constraint', lang))}</b><br>"
        f"<span style='color:#555'>{esc(rule_label(r['rule'], 'constraint', lang))}</span></td>"
        f"<td style='{_CELL}'>{_verdict(r['verdict'], lang)}</td>"
        f"<td style='{_CELL}'>{_area(r['area_m2'])}<br><span style='color:#555'>{_share(r['share'])} "
        f"{esc(t('insp_of_park', lang))}</span></td></tr>"
        f"<tr><td colspan=3 style='{_CELL};{_METHOD}'>{esc(r['method'])}</td></tr>"
        for _, r in rows.iterrows())
    head = "".join(f"<th style='{_CELL};text-align:left'>{esc(t(k, lang))}</th>"
                   for k in ("insp_col_check", "insp_col_verdict", "insp_col_area_m2"))
    return f"<table style='border-collapse:collapse;font-size:0.9em'><tr>{head}</tr>{body}</table>"


def indicator_html(rows: pd.DataFrame, lang: Lang) -> str:
    """The land-use indicators of one park: value (a share in %, the floor-area ratio as a ratio),
    the rule with its citation, the verdict; under the table each distinct method once (the shares
    share one; floor-area ratio and building coverage each say their own, with their columns)."""
    body = "".join(
        f"<tr><td style='{_CELL}'>{esc(check_label(r['check'], 'indicator', lang))}</td>"
        f"<td style='{_CELL};text-align:right'>{_share(r['share'], r['check'])}</td>"
        f"<td style='{_CELL}'>{_verdict(r['verdict'], lang)}</td>"
        f"<td style='{_CELL};color:#555;font-size:0.85em'>{esc(rule_label(r['rule'], 'indicator', lang))}</td></tr>"
        for _, r in rows.iterrows())
    head = "".join(f"<th style='{_CELL};text-align:left'>{esc(t(k, lang))}</th>"
                   for k in ("insp_col_check", "insp_value", "insp_col_verdict", "insp_col_rule"))
    methods = "".join(f"<div style='{_METHOD}'>{esc(m)}</div>" for m in dict.fromkeys(rows["method"].astype(str)))
    return f"<table style='border-collapse:collapse;font-size:0.9em'><tr>{head}</tr>{body}</table>{methods}"


def inspection_html(found: Inspection, park_id: str, lang: Lang) -> str:
    """The whole Inspection section of one park as escaped HTML (`parkatlas-inspection`), each
    check's method in `lang`."""
    rows = in_language(found.of_park(park_id), lang)
    parts = [f"<h4 style='margin:8px 0 4px 0'>{esc(t('insp_section', lang))}</h4>",
             f"<div style='font-weight:600;margin:4px 0'>{esc(t('insp_constraints', lang))}</div>"]
    constraints = rows[rows["kind"] == "constraint"]
    parts.append(constraint_html(constraints, lang) if not constraints.empty
                 else f"<div style='color:#666'>{esc(t('insp_no_layers', lang))}</div>")
    parts.append(f"<div style='font-weight:600;margin:8px 0 4px 0'>{esc(t('insp_indicators', lang))}</div>")
    indicators = rows[rows["kind"] == "indicator"]
    parts.append(indicator_html(indicators, lang) if not indicators.empty
                 else f"<div style='color:#666'>{esc(t('insp_no_landuse', lang))}</div>")
    parts.append(f"<div style='{_METHOD};margin-top:4px'>{esc(t('insp_method_note', lang))}</div>")
    return (f"<div class='parkatlas-inspection' data-park-id='{esc(park_id)}' style='font-size:0.92rem'>"
            f"{''.join(parts)}</div>")


def render_inspection_section(park_id: str, lang: Lang) -> None:
    """The Inspection section of the open park's profile (and which constraint layers could not be used)."""
    found = inspection()
    st.html(inspection_html(found, park_id, lang))
    if found.problems:
        st.warning(t("insp_problem", lang))
        st.code("\n".join(found.problems))
    _report_button(found, park_id, lang)


def _report_button(found: Inspection, park_id: str, lang: Lang) -> None:
    """A button that makes the park's inspection report (PDF) and then offers it for download."""
    key = f"insp_report_{park_id}_{lang}"
    if st.button(t("rep_button", lang), key=key + "_make"):
        try:
            st.session_state[key] = inspection_report(found, park_id, lang)
        except Exception as exc:  # a drawing failure must not take the profile down
            st.error(t("rep_failed", lang))
            st.code(str(exc))
    pdf = st.session_state.get(key)
    if isinstance(pdf, bytes):
        st.download_button(t("rep_download", lang), pdf, file_name=f"inspection-{park_id}.pdf",
                           mime="application/pdf", key=key + "_download")


TILE_FETCHER = None
"""The report map's basemap tiles (a `ui.exports.static_tiles.TileFetcher`): None tries the light
basemap online and, when it cannot be had, draws the vector layers alone and says so."""


def report_tiles():
    """A TileFetcher for one click's reports: TILE_FETCHER (or the light basemap online), asked no
    more once a tile could not be had (`LatchingFetcher`: a plan's report waits for the network once)."""
    from ui.exports.inspection_report import LatchingFetcher
    from ui.exports.static_tiles import url_tile_fetcher

    return LatchingFetcher(TILE_FETCHER if TILE_FETCHER is not None else url_tile_fetcher())


def inspection_report(found: Inspection, park_id: str, lang: Lang, tiles=None) -> bytes:
    """The inspection report of one park as PDF bytes (`ui.exports.inspection_report`); `tiles`
    the basemap's TileFetcher (default `report_tiles()`)."""
    import shapely

    from layers.inspection.report import layers_used, report_data
    from ui import data, workspace
    from ui.exports.inspection_report import MapLayer, inspection_pdf
    from ui.inspection import constraint_checks, constraint_layers
    from ui.plan_names import plan_name

    parks = data.parks()
    park = parks.loc[park_id]
    ws = workspace.current()
    try:
        history = ws.history("parks", park_id) if ws is not None and not workspace.problem() else None
    except Exception:  # no such feature in the workspace (bundled data only): no version to name
        history = None
    rows = in_language(found.of_park(park_id), lang)
    used = [replace(u, rule=rule_label(u.rule or "", "constraint", lang))
            for u in layers_used(constraint_checks(), english=lang == "en")]
    outline = park.geometry
    parcels = None
    if found.landuse and outline is not None and outline.geom_type in ("Polygon", "MultiPolygon"):
        x0, y0, x1, y1 = outline.bounds
        pad = max(x1 - x0, y1 - y0) * 0.4  # a little more than the map's margin
        parcels = data.real_parcels(near=shapely.box(x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        used += _landuse_layers(lang)
    report = report_data(park_id, park, rows, history, plan_name(str(park.get("programme") or ""), lang),
                         layers=used)
    report.lines = [replace(line, rule=rule_label(line.rule, line.kind, lang)) for line in report.lines]
    layers = [MapLayer(layer.name, layer.gdf, used_as.colour) for layer, used_as in constraint_layers()]
    conflicts = rows[(rows["kind"] == "constraint") & rows.geometry.notna()]
    return inspection_pdf(report, outline, layers, conflicts, lambda k, **v: t(k, lang, markdown=False, **v),
                          lambda line: check_label(line.check, line.kind, lang), lambda v: verdict_label(v, lang),
                          landuse=parcels, tile_fetcher=tiles if tiles is not None else report_tiles())


def plan_report(found: Inspection, park_ids: list[str], lang: Lang) -> bytes:
    """One PDF of the reports of `park_ids` (a plan's outlined parks), in order, each bookmarked;
    the basemap is asked for once for all of them (`report_tiles`)."""
    from ui.exports.inspection_report import combined_pdf

    tiles = report_tiles()
    return combined_pdf([inspection_report(found, pid, lang, tiles) for pid in park_ids],
                        t("rep_title", lang, markdown=False))


def _landuse_layers(lang: Lang) -> list:
    """The land-use layers the indicators were computed from (`ui.data.real_parcels`: the bundled
    layer and the visible user layers used as land use), with their revision and as-of."""
    from layers.inspection.report import LayerUsed
    from ui import data, workspace
    from ui.inspection import layer_as_of

    used_as = t("rep_landuse", lang, markdown=False)
    out = []
    if data.optional_layer("landuse")[0] is not None:
        out.append(LayerUsed(t("rep_landuse_bundled", lang, markdown=False), used_as))
    revisions = workspace.revisions()
    for layer in data.user_layers():
        if layer.is_land_use:
            revision = revisions.get(layer.layer_id or "")
            out.append(LayerUsed(layer.name, used_as, revision=None if revision is None else str(revision),
                                 as_of=layer_as_of(layer) or None))
    return out


def conflicts_of(park_id: str) -> pd.DataFrame:
    """The constraint rows of one park with a conflicting part to draw (for the map)."""
    rows = inspection().of_park(park_id)
    return rows[(rows["kind"] == "constraint") & rows.geometry.notna()]



def user_overlay(layer, basemap: str, index: int, lang: Lang):
    """The atlas overlay of one (small) user layer: a constraint layer in its kind's colour
    (`ui.mapview.constraints`), any other as before (`ui.mapview.user_layers`)."""
    from layers.constraint_layers import spec_of
    from ui.mapview.basemaps import for_display
    from ui.mapview.constraints import constraint_group
    from ui.mapview.user_layers import user_layer_group

    used_as = spec_of(layer.gdf, layer.role)
    shown = for_display(layer.gdf, basemap)
    if used_as is None:
        return user_layer_group(layer.name, shown, index)
    kind = used_as.kind.name_zh if lang == "zh" else used_as.kind.name_en
    return constraint_group(layer.name, shown, used_as.colour, kind)


def conflict_overlay(park_id: str | None, basemap: str, lang: Lang):
    """The open park's conflicting parts, hatched (None when it has none or no park is open)."""
    from ui.mapview.basemaps import for_display
    from ui.mapview.constraints import conflict_group

    if not park_id:
        return None
    rows = conflicts_of(park_id)
    if rows.empty:
        return None
    labels = [check_label(c, "constraint", lang) for c in rows["check"]]
    return conflict_group(for_display(rows, basemap), lang, labels)
