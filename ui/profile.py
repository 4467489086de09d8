"""The park profile: names, kind, place, industries, boundary as written, stated vs computed
area (km², ha, 亩) with the difference in %, geometry quality and source. All values escaped."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd

from geo.measure import convert_area, to_square_metres
from layers.parks import KIND_LABELS, QUALITY_LABELS, STATUS_LABELS, label
from ui.i18n import Lang, t
from ui.plan_names import plan_name, region_name
from ui.safe_html import esc


def _row(key: str, value: str, lang: Lang) -> str:
    """One labelled entry: the label small and grey above its (already escaped) value."""
    return (f"<div style='margin:0 0 7px 0'><div style='color:#6b6b6b;font-size:0.8em'>{esc(t(key, lang))}</div>"
            f"<div>{value}</div></div>")


def _present(value: object) -> bool:
    """False for None, NaN and blank strings (missing attributes come back as either)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return not (isinstance(value, str) and not value.strip())


def _num(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def area_table_html(park: pd.Series, lang: Lang, outline_note: str | None = None) -> str:
    """Stated vs computed area in km², ha and 亩, with the difference in %, as an HTML table.
    outline_note: where the outline comes from (version, author, date), said under the table in
    place of the document's date when an officer saved the outline."""
    stated_km2 = park["stated_area_km2"]
    has_stated = _present(stated_km2)
    head = "".join(f"<th style='padding:2px 8px;text-align:right'>{u}</th>" for u in ("km²", "ha", "亩"))
    rows = []
    if has_stated:
        m2 = to_square_metres(float(stated_km2), "km2")
        cells = "".join(f"<td style='padding:2px 8px;text-align:right'>{_num(convert_area(m2, u), d)}</td>"
                        for u, d in (("km2", 3), ("ha", 1), ("mu", 0)))
        text = f"<br><span style='color:#666'>{esc(park['stated_area_text'])}</span>" if _present(park["stated_area_text"]) else ""
        rows.append(f"<tr><td style='padding:2px 8px 2px 0'>{esc(t('stated_area', lang))}{text}</td>{cells}</tr>")
    else:
        rows.append(f"<tr><td>{esc(t('stated_area', lang))}</td><td colspan=3 style='padding:2px 8px;color:#666'>{esc(t('not_stated', lang))}</td></tr>")
    if park["area_m2"] > 0:
        cells = "".join(f"<td style='padding:2px 8px;text-align:right'>{_num(park[c], d)}</td>"
                        for c, d in (("area_km2", 3), ("area_ha", 1), ("area_mu", 0)))
        rows.append(f"<tr><td style='padding:2px 8px 2px 0'>{esc(t('computed_area', lang))}</td>{cells}</tr>")
        if not math.isnan(park["area_diff_pct"]):
            rows.append(f"<tr><td>{esc(t('difference', lang))}</td><td colspan=3 style='padding:2px 8px;text-align:right'>{park['area_diff_pct']:+.1f} %</td></tr>")
        method = outline_note or t("area_method", lang, as_of=park["as_of"],
                                   quality=label(QUALITY_LABELS, park["geometry_quality"], lang), markdown=False)
    else:
        method = t("point_no_area", lang)
    table = f"<table style='border-collapse:collapse;margin:4px 0;font-size:0.95em'><tr><th></th>{head}</tr>{''.join(rows)}</table>"
    return f"{table}<div style='color:#666;font-size:0.85em'>{esc(method)}</div>"


def profile_html(park: pd.Series, parks: gpd.GeoDataFrame, lang: Lang, outline_note: str | None = None) -> str:
    """The whole profile of one park (a row of the parks layer) as escaped HTML; outline_note as
    in `area_table_html`."""
    name, other = (park["name_zh"], park["name_en"]) if lang == "zh" else (park["name_en"], park["name_zh"])
    parent = park["parent_id"]
    parent_name = ""
    if _present(parent) and parent in parks.index:
        parent_name = parks.at[parent, "name_zh" if lang == "zh" else "name_en"]
    industries = park["industries"] if lang == "zh" else park["industries_en"]
    town = park.get("town")
    place = f"{region_name(park['city'], lang)} · {park['district']}" + (f" · {town}" if isinstance(town, str) and town else "")
    kind = f"{label(KIND_LABELS, park['kind'], lang)} · {plan_name(park['programme'], lang)}"
    rows = [
        _row("kind", esc(kind), lang),
        _row("parent", esc(parent_name), lang) if parent_name else "",
        _row("location", esc(place), lang),
        _row("industries", esc("、".join(industries) if lang == "zh" else ", ".join(industries)) or esc(t("not_stated", lang)), lang),
        _row("operator", esc(park["operator"] if _present(park["operator"]) else t("not_stated", lang)), lang),
        _row("boundary", esc(park["boundary_text"] if _present(park["boundary_text"]) else t("not_stated", lang)), lang),
        _row("status", esc(label(STATUS_LABELS, park["status"], lang)), lang),
        _row("areas", area_table_html(park, lang, outline_note), lang),
        _row("geometry_quality", esc(label(QUALITY_LABELS, park["geometry_quality"], lang)), lang),
        _row("source", esc(park["source"]), lang),
        _row("as_of", esc(park["as_of"]), lang),
        _row("note_bundled" if outline_note else "note", esc(park["note"]), lang) if _present(park["note"]) else "",
    ]
    return (
        f"<div class='parkatlas-profile' data-park-id='{esc(park['id'])}' style='font-size:0.92rem'>"
        f"<h3 style='margin:0 0 2px 0'>{esc(name)}</h3><div style='color:#555;margin-bottom:6px'>{esc(other)}</div>"
        f"{''.join(rows)}</div>"
    )
