"""The Access and Facilities sections of the park profile, as escaped HTML.

Distances are planar in EPSG:4547 metres from the park boundary (layers.access).
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd

from layers.access import station_status
from layers.facilities import CATEGORY_LABELS
from layers.base import label
from layers.transport import MODE_LABELS, STATUS_LABELS
from ui.i18n import Lang, t
from ui.safe_html import esc


def _dist(metres: float) -> str:
    if metres is None or (isinstance(metres, float) and math.isnan(metres)):
        return "–"
    return "0 m" if metres < 1 else (f"{metres:,.0f} m" if metres < 2000 else f"{metres / 1000:,.1f} km")


def _node_name(nodes: gpd.GeoDataFrame, node_id: str | None, lang: Lang) -> str:
    if not node_id or node_id not in nodes.index:
        return "–"
    row = nodes.loc[node_id]
    return f"{row['name_zh'] if lang == 'zh' else row['name_en']} ({label(MODE_LABELS, row['mode'], lang)})"


def _line_names(lines: gpd.GeoDataFrame, refs: list[str], lang: Lang) -> str:
    if not refs:
        return "–"
    by_ref = lines.drop_duplicates("line_ref").set_index("line_ref")
    col = "name_zh" if lang == "zh" else "name_en"
    return ("、" if lang == "zh" else ", ").join(by_ref.at[r, col] if r in by_ref.index else r for r in refs)


def _node_state(nodes: gpd.GeoDataFrame, node_id: str | None, year: int | str, lang: Lang) -> str:
    """The node's state in `year` ("open since 2021", "planned (2018)"), as a grey line."""
    if not node_id or node_id not in nodes.index:
        return ""
    return f"<br><span style='color:#666'>{esc(station_status(nodes.loc[node_id], year, lang))}</span>"


def access_html(park_id: str, now: pd.DataFrame, full: pd.DataFrame, year: int | str,
                lines: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, lang: Lang, statement: str = "") -> str:
    """Nearest station, stations and lines within 800 m / 2 km, HSR and airport: in `year` and in
    the full plan, side by side, each station with its state; `statement` (what network the
    figures measure, `layers.access.network_statement`) below."""
    a, b = now.loc[park_id], full.loc[park_id]
    year_label = t("full_plan", lang) if year == "full" else str(year)

    def cell(row: pd.Series, key: str, when: int | str) -> str:
        if key == "nearest_stop":
            return (f"{esc(_node_name(nodes, row['nearest_stop'], lang))}<br>{esc(_dist(row['nearest_stop_m']))}"
                    + _node_state(nodes, row["nearest_stop"], when, lang))
        if key in ("stations_800m", "stations_2km"):
            ids = row[key]
            return f"{len(ids)}" + (f"<br><span style='color:#666'>{esc('、'.join(_node_name(nodes, i, lang) for i in ids[:4]))}</span>" if ids else "")
        if key in ("lines_800m", "lines_2km"):
            return esc(_line_names(lines, row[key], lang))
        node_key = f"nearest_{key}"
        if node_key not in row.index:
            return "–"
        return (f"{esc(_node_name(nodes, row[node_key], lang))}<br>{esc(_dist(row[node_key + '_m']))}"
                + _node_state(nodes, row[node_key], when, lang))

    rows = [("nearest_stop", "acc_nearest"), ("station", "acc_nearest_metro"), ("stations_800m", "acc_stations_800"), ("lines_800m", "acc_lines_800"),
            ("stations_2km", "acc_stations_2k"), ("lines_2km", "acc_lines_2k"), ("hsr-station", "acc_hsr"), ("airport", "acc_airport")]
    both = year != "full"
    body = "".join(
        f"<tr><td style='padding:3px 8px 3px 0;color:#555;vertical-align:top'>{esc(t(k, lang))}</td>"
        f"<td style='padding:3px 8px;vertical-align:top'>{cell(a, key, year)}</td>"
        + (f"<td style='padding:3px 0;vertical-align:top'>{cell(b, key, 'full')}</td>" if both else "") + "</tr>"
        for key, k in rows
    )
    head = (f"<tr><th></th><th style='text-align:left;padding:2px 8px'>{esc(year_label)}</th>"
            + (f"<th style='text-align:left'>{esc(t('full_plan', lang))}</th>" if both else "") + "</tr>")
    return (f"<div class='parkatlas-access'><h4 style='margin:10px 0 4px 0'>{esc(t('access', lang))}</h4>"
            f"<table style='border-collapse:collapse;font-size:0.9em'>{head}{body}</table>"
            f"<div style='color:#666;font-size:0.8em'>{esc(t('access_method', lang))}</div>"
            + (f"<div class='parkatlas-network' style='color:#444;font-size:0.8em;margin-top:2px'>{esc(statement)}</div>"
               if statement else "") + "</div>")


def facilities_html(park_id: str, facilities: gpd.GeoDataFrame, lang: Lang) -> str:
    """The planned facilities of a park, with capacity as written and status."""
    rows = facilities[facilities["park_id"] == park_id]
    if rows.empty:
        items = f"<div style='color:#666'>{esc(t('no_facilities', lang))}</div>"
    else:
        items = "".join(
            f"<li>{esc(label(CATEGORY_LABELS, r['category'], lang))}: {esc(r['name_zh'] if lang == 'zh' else r['name_en'])}"
            + (f" — {esc(r['capacity_text'])}" if isinstance(r["capacity_text"], str) and r["capacity_text"] else "")
            + f" <span style='color:#666'>({esc(label(STATUS_LABELS, r['status'], lang))}"
            + ("" if r.geometry is not None else f"; {esc(t('site_not_given', lang))}") + ")</span></li>"
            for _, r in rows.iterrows()
        )
        items = f"<ul style='margin:2px 0 0 18px;padding:0'>{items}</ul>"
    return (f"<div class='parkatlas-facilities'><h4 style='margin:10px 0 4px 0'>{esc(t('facilities', lang))}</h4>"
            f"{items}</div>")


def _progress_note(tid: str, unit: str, progress: pd.DataFrame | None, lang: Lang) -> str:
    """' — Met: 820 亿元 (2019; source)' for a target with progress, '' without."""
    from layers.park_progress import PROGRESS_COLOURS

    if progress is None or tid not in progress.index:
        return ""
    p = progress.loc[tid]
    status = str(p["status"])
    badge = (f" <span style='background:{PROGRESS_COLOURS.get(status, '#BBBBBB')};color:#111;border-radius:3px;"
             f"padding:0 4px'>{esc(t(f'progress_{status}', lang))}</span>")
    if pd.isna(p["actual_value"]):
        return badge
    return (badge + f" {float(p['actual_value']):,.10g} {esc(unit)} ({int(p['actual_year'])}"
            f"; {esc(p['actual_source'])})")


def targets_html(park_id: str, targets: pd.DataFrame, lang: Lang, progress: pd.DataFrame | None = None) -> str:
    """The park's quantitative targets as the documents state them (value, unit, year), each with
    its progress (`layers.progress.assess`: status, the deciding actual figure and its source)."""
    from layers.targets import METRICS

    rows = targets[targets["park_id"] == park_id]
    if rows.empty:
        return ""
    items = "".join(
        f"<li>{esc(r['name_zh'] if lang == 'zh' or not isinstance(r['name_en'], str) else r['name_en'])}: "
        f"{esc(r['comparison'] if isinstance(r['comparison'], str) else '')} "
        f"{r['value']:,.10g} {esc(r['unit'])}"
        + (f" ({int(r['target_year'])})" if pd.notna(r["target_year"]) else "")
        + f" <span style='color:#666'>· {esc(METRICS[r['metric']].name_zh if lang == 'zh' else METRICS[r['metric']].name_en)}</span>"
        + _progress_note(str(tid), str(r["unit"]), progress, lang) + "</li>"
        for tid, r in rows.iterrows()
    )
    return (f"<div class='parkatlas-targets'><h4 style='margin:10px 0 4px 0'>{esc(t('targets_section', lang))}</h4>"
            f"<ul style='margin:2px 0 0 18px;padding:0'>{items}</ul></div>")


def named_links_html(park_id: str, lines: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, lang: Lang) -> str:
    """The links the document names for this park (drawn or not), with their status as stated;
    a link with no geometry says its position is not given (it is not on the map or in distances)."""
    from layers.transport import named_for_park

    rows = pd.concat([named_for_park(lines, park_id), named_for_park(nodes, park_id)]) if not (lines.empty and nodes.empty) else lines
    if rows.empty:
        return ""
    items = "".join(
        f"<li>{esc(r['name_zh'] if lang == 'zh' else r['name_en'])} "
        f"<span style='color:#666'>({esc(label(MODE_LABELS, r['mode'], lang))} · {esc(label(STATUS_LABELS, r['status'], lang))}"
        + ("" if r.geometry is not None and not r.geometry.is_empty else f"; {esc(t('position_not_given', lang))}") + ")</span></li>"
        for _, r in rows.iterrows()
    )
    return (f"<div class='parkatlas-named-links'><h4 style='margin:10px 0 4px 0'>{esc(t('named_links', lang))}</h4>"
            f"<ul style='margin:2px 0 0 18px;padding:0'>{items}</ul></div>")
