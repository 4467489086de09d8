"""Two to four parks side by side (`compare_parks`): one row per attribute, one column per park,
every cell a display string, labels in Chinese or English.

In English every cell is English wherever the data has English: cities and districts from the
gazetteer (`layers.regions`), units in words (`layers.target_units`), operators in English where
the record has one, else the Chinese original after a gloss (`layers.glossary`). Chinese stays only
as a name's original (the park's Chinese name, a document's title, a station without English)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd

from geo.measure import convert_area
from layers._site_text import area_basis, finite, format_distance, label_of, line_names, num, pick, station_text
from layers.facilities import CATEGORY_LABELS
from layers.glossary import english_or_gloss
from layers.parks import KIND_LABELS, QUALITY_LABELS, STATUS_LABELS, area_for_filtering_km2
from layers.programmes import Catalogue
from layers.regions import city_label
from layers.target_units import unit_in_english
from layers.transport import FULL_PLAN

METRO_COLUMN = "nearest_station_m"
HSR_COLUMN = "nearest_hsr-station_m"
AIRPORT_COLUMN = "nearest_airport_m"

_ROWS = {
    "name_zh": ("名称", "Name (Chinese)"), "name_en": ("英文名称", "Name (English)"), "kind": ("类型", "Kind"),
    "programme": ("规划/园区体系", "Programme"), "status": ("状态", "Status"), "place": ("城市/区", "City / district"),
    "area_km2": ("面积（km²）", "Area (km²)"), "area_ha": ("面积（公顷）", "Area (ha)"), "area_mu": ("面积（亩）", "Area (mu)"),
    "area_basis": ("面积来源", "Area basis"), "industries": ("主导产业", "Leading industries"),
    "operator": ("开发运营主体", "Operator"), "station": ("最近车站", "Nearest station"),
    "lines_800m": ("800米内线路", "Lines within 800 m"), "hsr": ("最近高铁站", "Nearest HSR station"),
    "airport": ("最近机场", "Nearest airport"), "network": ("交通网络", "Access network"),
    "measured_from": ("距离起算自", "Distances measured from"), "targets": ("目标", "Targets"),
    "facilities": ("规划配套", "Planned facilities"), "source": ("来源", "Source"),
    "geometry_quality": ("位置/边界质量", "Geometry quality"),
    "inspection": ("合规检查（管控约束）", "Inspection (constraints)"),
}
_BASIS = {"computed": ("由边界计算（测地线）", "computed from the boundary (geodesic)"),
          "stated": ("文件所述", "stated in the document"), "unknown": ("不明", "unknown")}
_NO_DATA = ("无交通数据", "no transport data")
_FROM = {"outline": ("园区边界", "the boundary"),
         "schematic": ("示意边界（依文件描述绘制）", "the schematic boundary (drawn from the text)"),
         "rough": ("大致边界", "the approximate outline"),
         "point": ("大致位置点（无边界）", "the approximate point (no outline)"),
         "none": ("未落位，无距离", "not placed: no distances")}
"""What a park's distances are measured from (`measured_from`), in zh and en."""
_FACILITY_STATUS = {"existing": ("已建成", "existing"), "under-construction": ("在建", "under construction"),
                    "planned": ("规划", "planned")}


def _target_line(t: pd.Series, lang: str) -> str:
    name = t["name_zh"] if lang == "zh" else t["name_en"]
    comp = t.get("comparison")
    comp = "" if not isinstance(comp, str) or comp == "=" else comp
    year = t.get("target_year")
    when = f" ({int(year)})" if year is not None and not pd.isna(year) else ""
    shown = str(t["unit"]) if lang == "zh" else unit_in_english(str(t["unit"]))
    unit = shown if t["unit"] == "%" or not shown else f" × {shown}" if shown[:1].isdigit() else f" {shown}"
    colon = "：" if lang == "zh" else ": "
    return f"{name}{colon}{comp}{num(float(t['value']))}{unit}{when}"


def compare_parks(parks: gpd.GeoDataFrame, ids: Sequence[str], access: pd.DataFrame | None = None,
                  targets: pd.DataFrame | None = None, facilities: pd.DataFrame | None = None,
                  lang: str = "zh", *, nodes: pd.DataFrame | None = None,
                  lines: pd.DataFrame | None = None, year: int | str = FULL_PLAN,
                  network: str = "", programmes: Catalogue | None = None,
                  inspection: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Two to four parks side by side: one row per attribute (labels in `lang`), one column per
    park id, every cell a display string ("—" when unknown).

    Areas are computed (geodesic) for polygons or stated in the document for points; the
    "area basis" row says which. Distances come from `access` (metres, EPSG:4547) or read "no
    transport data" when access is None; the "distances measured from" row says, per park, what
    they are measured from (`measured_from`: the boundary, or the approximate point of a park
    without an outline); each station says its state in `year` (`layers.access.station_status`)
    and the "access network" row names `network` (what the distances are measured on, e.g. "plan
    links, in service in 2026"). Targets: one line per target ("name: ≥value unit (year)"; in
    English the unit in English, `layers.target_units.unit_in_english`); facilities: one line per
    facility of the park. inspection: each park's inspection verdicts as a display string in
    `lang` ({park id: text}); with it, an "inspection" row after the facilities ("—" for a park it
    does not name).
    Raises ValueError for fewer than 2 or more than 4 ids, a repeated id, or an unknown id.
    """
    ids = list(ids)
    if not 2 <= len(ids) <= 4:
        raise ValueError(f"compare 2 to 4 parks at a time; got {len(ids)}")
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"each park may be compared once; repeated: {', '.join(repeated)}")
    unknown = [i for i in ids if i not in parks.index]
    if unknown:
        raise ValueError(f"unknown park id(s): {', '.join(map(repr, unknown))}")
    sel = parks.loc[ids]
    area = area_for_filtering_km2(sel)
    basis = area_basis(sel)
    rows: dict[str, dict[str, str]] = {key: {} for key in _ROWS if key != "inspection"}
    for fid, p in sel.iterrows():
        col = rows
        col["name_zh"][fid] = str(p["name_zh"])
        col["name_en"][fid] = str(p["name_en"])
        col["kind"][fid] = label_of(KIND_LABELS, p["kind"], lang)
        col["programme"][fid] = programmes.name(p["programme"], lang) if programmes is not None else str(p["programme"])
        col["status"][fid] = label_of(STATUS_LABELS, p["status"], lang)
        col["place"][fid] = f"{city_label(p['city'], lang)} / {city_label(p['district'], lang) or '—'}"
        a = area[fid]
        if finite(a):
            m2 = float(a) * 1e6
            col["area_km2"][fid] = f"{a:.2f}"
            col["area_ha"][fid] = f"{convert_area(m2, 'ha'):.0f}"
            col["area_mu"][fid] = f"{convert_area(m2, 'mu'):,.0f}"
        else:
            for k in ("area_km2", "area_ha", "area_mu"):
                col[k][fid] = "—"
        col["area_basis"][fid] = pick(_BASIS[basis[fid]], lang)
        terms = p["industries"] if lang == "zh" else p["industries_en"]
        col["industries"][fid] = ("、" if lang == "zh" else ", ").join(terms) or "—"
        col["operator"][fid] = _operator(p, lang)
        _access_cells(col, fid, access, lang, nodes, lines, year)
        col["network"][fid] = network or "—"
        col["measured_from"][fid] = pick(_FROM[measured_from(p.geometry, p.get("geometry_quality"))], lang)
        col["targets"][fid] = _targets_cell(targets, fid, lang)
        col["facilities"][fid] = _facilities_cell(facilities, fid, lang)
        col["source"][fid] = _source(p, lang, programmes)
        col["geometry_quality"][fid] = label_of(QUALITY_LABELS, p["geometry_quality"], lang)
    if inspection is not None:
        rows = {**{k: v for k, v in rows.items() if k not in ("source", "geometry_quality")},
                "inspection": {fid: str(inspection.get(fid) or "—") for fid in ids},
                "source": rows["source"], "geometry_quality": rows["geometry_quality"]}
    table = pd.DataFrame.from_dict(rows, orient="index")[ids]
    table.index = [pick(_ROWS[k], lang) for k in table.index]
    return table


def measured_from(geom: object, quality: object = None) -> str:
    """What a park's distances are measured from, a key of `_FROM`: "point" (a Point: the park has
    no outline), "outline" (a surveyed or reference boundary), "schematic" (a boundary drawn from
    the text), "rough" (an outline of quality approximate-location) or "none" (not placed).

    >>> from shapely.geometry import Point, box
    >>> measured_from(Point(113, 23)), measured_from(box(0, 0, 1, 1), "reference"), measured_from(None)
    ('point', 'outline', 'none')
    """
    if geom is None or getattr(geom, "is_empty", True):
        return "none"
    if getattr(geom, "geom_type", "") in ("Point", "MultiPoint"):
        return "point"
    return {"schematic": "schematic", "approximate-location": "rough"}.get(str(quality), "outline")


def _operator(p: pd.Series, lang: str) -> str:
    """The operator in `lang`: in English its English where the record has one (`operator_en`),
    else the Chinese original after a gloss of what it is (`layers.glossary`); "—" when none."""
    original = p.get("operator")
    if not isinstance(original, str) or not original.strip():
        return "—"
    if lang == "zh":
        return original
    from layers.registry import data_dir  # as layers.regions does: the registry imports the layers

    english = p.get("operator_en")
    return english_or_gloss(original, english if isinstance(english, str) else None, data_dir())


def _source(p: pd.Series, lang: str, programmes: Catalogue | None) -> str:
    """The park's source as written (a document's title and section: a name, kept as the
    original); in English after the English name of its plan when the plan record has one."""
    source = str(p["source"])
    plan = programmes.get(str(p["programme"])) if programmes is not None and lang != "zh" else None
    return f"{plan.name_en} — {source}" if plan is not None and plan.name_en else source


def _access_cells(col: dict, fid: str, access: pd.DataFrame | None, lang: str,
                  nodes: pd.DataFrame | None, lines: pd.DataFrame | None, year: int | str) -> None:
    if access is None or fid not in access.index:
        for k in ("station", "lines_800m", "hsr", "airport"):
            col[k][fid] = pick(_NO_DATA, lang)
        return
    a = access.loc[fid]
    for key, id_col, m_col in (("station", "nearest_station", METRO_COLUMN), ("hsr", "nearest_hsr-station", HSR_COLUMN),
                               ("airport", "nearest_airport", AIRPORT_COLUMN)):
        d = a.get(m_col)
        if finite(d):
            col[key][fid] = f"{station_text(nodes, a.get(id_col), year, lang)}, {format_distance(float(d), lang)}"
        else:
            col[key][fid] = pick(("网络中无", "none in the network"), lang)
    refs = a.get("lines_800m")
    refs = refs if isinstance(refs, list) else []
    col["lines_800m"][fid] = ("、" if lang == "zh" else ", ").join(line_names(refs, lines, lang)) or "—"


def _targets_cell(targets: pd.DataFrame | None, fid: str, lang: str) -> str:
    if targets is None or targets.empty:
        return "—"
    own = targets[targets["park_id"] == fid]
    if "target_year" in own:
        own = own.sort_values(["target_year", "id"] if "id" in own else ["target_year"], na_position="last")
    return "\n".join(_target_line(t, lang) for _, t in own.iterrows()) or "—"


def _facilities_cell(facilities: pd.DataFrame | None, fid: str, lang: str) -> str:
    if facilities is None or facilities.empty:
        return "—"
    own = facilities[facilities["park_id"] == fid]
    lines_ = [f"{label_of(CATEGORY_LABELS, f['category'], lang)}: {f['name_zh'] if lang == 'zh' else f['name_en']} "
              f"({pick(_FACILITY_STATUS[f['status']], lang)})" for _, f in own.iterrows()]
    return "\n".join(lines_) or "—"
