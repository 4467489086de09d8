"""Every user-facing label of the UI in Chinese and English; `t(key, lang)` picks one.

Domain value labels (kinds, statuses, programmes) live with their layer in `layers/`.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("园区图谱", "ParkAtlas"),
    "app_tagline": ("广东高新技术产业园区规划地图", "Planning map of Guangdong's high-tech industrial parks"),
    "page_atlas": ("园区地图", "Park atlas"),
    "language": ("语言 / Language", "Language / 语言"),
    "filters": ("筛选", "Filters"),
    "all": ("全部", "All"),
    "city": ("城市", "City"),
    "programme": ("规划/园区体系", "Programme / zone"),
    "kind": ("类型", "Kind"),
    "industry": ("产业关键词", "Industry keyword"),
    "industry_help": ("匹配主导产业或园区名称（中文或英文）", "Matches a leading industry or the park name (Chinese or English)"),
    "area_range": ("面积范围（km²）", "Area range (km²)"),
    "area_help": ("多边形用计算面积，点位用文件所述面积；面积不明的园区仅在不限面积时显示",
                  "Computed area for polygons, stated area for points; parks of unknown area show only when the range is not narrowed"),
    "basemap": ("底图", "Basemap"),
    "basemap_osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap_light": ("浅色演示底图", "Light (presentation)"),
    "basemap_satellite": ("卫星影像", "Satellite imagery"),
    "shown": ("显示 {n} / {total} 个园区", "Showing {n} of {total} parks"),
    "none_match": ("没有符合筛选条件的园区。", "No park matches the filters."),
    "unknown_park": ("链接中的园区编号“{id}”不存在，已显示全部园区。",
                     "The link names a park id “{id}” that does not exist; showing the whole atlas."),
    "click_hint": ("点击地图上的园区查看详情。", "Click a park on the map to see its profile."),
    "legend": ("图例", "Legend"),
    "legend_schematic": ("虚线边界：示意（依文件描述绘制）", "Dashed outline: schematic (drawn from the document)"),
    "legend_point": ("圆点：大致位置", "Dot: approximate location"),
    "table": ("园区列表", "Parks table"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "close_profile": ("关闭", "Close"),
    # profile
    "name": ("名称", "Name"),
    "parent": ("所属", "Part of"),
    "location": ("位置", "Location"),
    "industries": ("主导产业", "Leading industries"),
    "operator": ("运营/协调主体", "Operator / coordinator"),
    "boundary": ("四至（原文）", "Boundary as written (四至)"),
    "status": ("状态", "Status"),
    "areas": ("面积", "Area"),
    "stated_area": ("文件所述面积", "Stated area"),
    "computed_area": ("计算面积（椭球面）", "Computed area (geodesic)"),
    "difference": ("差异", "Difference"),
    "geometry_quality": ("几何精度", "Geometry quality"),
    "source": ("来源", "Source"),
    "as_of": ("资料日期", "As of"),
    "note": ("说明", "Note"),
    "not_stated": ("文件未说明", "not stated"),
    "area_method": ("计算面积为 WGS84 椭球面大地测量面积（pyproj.Geod），依据示意边界，资料日期 {as_of}。",
                    "Computed area: geodesic on the WGS84 ellipsoid (pyproj.Geod) of the schematic outline, as of {as_of}."),
    "point_no_area": ("仅有大致位置（点），无边界可计算面积。", "Only an approximate location (a point): no outline to measure."),
    # table headers
    "col_name": ("名称", "Name"),
    "col_kind": ("类型", "Kind"),
    "col_programme": ("规划/园区体系", "Programme"),
    "col_city": ("城市", "City"),
    "col_district": ("区", "District"),
    "col_stated_km2": ("所述面积 km²", "Stated km²"),
    "col_area_km2": ("计算面积 km²", "Computed km²"),
    "col_area_ha": ("计算面积 公顷", "Computed ha"),
    "col_area_mu": ("计算面积 亩", "Computed 亩 (mu)"),
    "col_diff_pct": ("差异 %", "Difference %"),
    "col_quality": ("几何精度", "Geometry quality"),
    "col_status": ("状态", "Status"),
    "col_source": ("来源", "Source"),
    "col_industries": ("主导产业", "Industries"),
    "tooltip_area": ("面积", "Area"),
    "tooltip_location_only": ("大致位置", "approximate location"),
    "data_error": ("内置数据未通过校验，无法显示：", "The bundled data failed validation and cannot be shown:"),
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The label `key` in `lang`, with `{placeholders}` filled from `values`."""
    zh, en = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text
