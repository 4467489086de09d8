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
    "legend_schematic": ("虚线边界：示意边界（依文件描述绘制）", "Dashed outline: schematic, drawn from the text"),
    "legend_transport": ("交通线：实线已建成，长虚线在建，短虚线规划", "Transport: solid existing, long dash building, short dash planned"),
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
    "opened": ("开通", "opened"),
    "layer_rail": ("轨道交通（地铁/有轨电车/城际/高铁）", "Rail (metro, tram, intercity, HSR)"),
    "layer_roads": ("道路与桥梁", "Roads and bridges"),
    "layer_stations": ("车站与码头", "Stations and piers"),
    "layer_facilities": ("规划配套设施", "Planned facilities"),
    "network_year": ("交通网络年份", "Network as of"),
    "network_help": ("只显示该年已开通的线路和站点（有开通年份，或文件发布时已建成）；“全部规划”含在建与规划线路",
                     "Shows links in service in that year (a known opening year, or existing when the document was issued); 'full plan' adds links under construction and planned"),
    "full_plan": ("全部规划", "Full plan"),
    "layer_warning": ("图层“{layer}”未能加载，地图上暂不显示：", "Layer “{layer}” could not be loaded and is not shown:"),
    "access": ("交通可达性", "Access"),
    "acc_nearest": ("最近站点", "Nearest station"),
    "acc_stations_800": ("800 米内站点", "Stations within 800 m"),
    "acc_lines_800": ("800 米内线路", "Lines within 800 m"),
    "acc_stations_2k": ("2 公里内站点", "Stations within 2 km"),
    "acc_lines_2k": ("2 公里内线路", "Lines within 2 km"),
    "acc_hsr": ("最近高铁站", "Nearest HSR station"),
    "acc_airport": ("最近机场", "Nearest airport"),
    "access_method": ("距离为园区边界至站点/线路的平面距离（EPSG:4547，米）。",
                      "Distances: planar, from the park boundary to the station or line (EPSG:4547, metres)."),
    "facilities": ("规划配套设施", "Planned facilities"),
    "no_facilities": ("文件未列出该园区的配套设施。", "The documents list no facilities for this park."),
    "site_not_given": ("文件未给出具体位置，按园区显示", "site not given; shown at park level"),
    "tab_parks": ("园区", "Parks"),
    "tab_access": ("交通可达性", "Access"),
    "download_access_csv": ("下载可达性 CSV", "Download access CSV"),
    "data_error": ("内置数据未通过校验，无法显示：", "The bundled data failed validation and cannot be shown:"),
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The label `key` in `lang`, with `{placeholders}` filled from `values`."""
    zh, en = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text
