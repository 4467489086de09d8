"""Every user-facing label of the UI in Chinese and English; `t(key, lang)` picks one.

Domain value labels (kinds, statuses, programmes) live with their layer in `layers/`.
"""

from __future__ import annotations

from numbers import Number
from typing import Literal

from ui.i18n_access import ACCESS_LABELS
from ui.i18n_finding import FINDING_LABELS
from ui.i18n_inspection import INSPECTION_LABELS
from ui.i18n_map import MAP_LABELS
from ui.i18n_park_edit import PARK_EDIT_LABELS
from ui.i18n_plans import PLAN_LABELS
from ui.i18n_records import RECORD_LABELS
from ui.i18n_sites import SITES_LABELS
from ui.i18n_stories import STORY_LABELS
from ui.i18n_review import REVIEW_LABELS
from ui.i18n_rules import RULE_LABELS
from ui.i18n_workspace import WORKSPACE_LABELS
from ui.safe_html import md

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
    "industry": ("产业或名称关键词", "Industry or name keyword"),
    "industry_help": ("匹配主导产业，也匹配园区名称（中文或英文）；地图和列表只保留匹配的园区。要打开某一个园区，请用上方的“查找园区”。",
                      "Matches leading industries and also park names (Chinese or English); the map and table keep "
                      "only the matches. To open one park, use Find a park above."),
    "link_notices_dismiss": ("知道了", "Dismiss"),
    "area_range": ("面积范围（km²）", "Area range (km²)"),
    "basemap": ("底图", "Basemap"),
    "basemap_osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap_light": ("浅色演示底图", "Light (presentation)"),
    "basemap_satellite": ("卫星影像", "Satellite imagery"),
    "basemap_gaode": ("高德地图（GCJ-02）", "Gaode / AMap (GCJ-02)"),
    "basemap_tianditu": ("天地图", "Tianditu"),
    "gaode_note": ("高德底图：各图层仅为显示已转换为GCJ-02坐标，数据本身仍为WGS84。",
                   "Gaode basemap: layers are shifted to GCJ-02 for display only; the data stay in WGS84."),
    "shown": ("显示 {n} / {total} 个园区", "Showing {n} of {total} parks"),
    "none_match": ("没有符合筛选条件的园区。", "No park matches the filters."),
    "filters_hide": ("筛选条件隐藏了 {hidden} / {total} 个园区。", "{hidden} of {total} parks are hidden by the filters."),
    "clear_filters": ("清除筛选", "Clear filters"),
    "area_filter_help": ("多边形用计算面积，点位用文件所述面积。未移动滑块时为全部范围，随数据更新，不筛除任何园区；"
                         "设定范围后，面积不明的园区仍显示，除非取消勾选下方选项",
                         "Computed area for polygons, stated area for points. Until you move the slider it spans "
                         "the whole range, follows the data and hides no park; with a range set, parks of unknown "
                         "area still show unless you untick the option below"),
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
    "area_method": ("计算面积为所绘边界（{quality}）在 WGS84 椭球面上的大地测量面积（pyproj.Geod），资料日期 {as_of}。",
                    "Computed area: geodesic on the WGS84 ellipsoid (pyproj.Geod) of the drawn outline ({quality}), as of {as_of}."),
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
    "page_sites": ("选址：查找与比较园区", "Sites: find and compare parks"),
    "site_search": ("选址条件", "Site search"),
    "industry_chips": ("产业", "Industries"),
    "min_area": ("最小面积 km²", "Min area km²"),
    "max_area": ("最大面积 km²", "Max area km²"),
    "existing_today": ("现状（{year}年在运营）", "Existing today ({year})"),
    "metro_within": ("距地铁/轨道站不超过", "Metro/rail station within"),
    "hsr_within": ("距高铁站不超过", "High-speed rail station within"),
    "airport_within": ("距机场不超过", "Airport within"),
    "any": ("不限", "Any"),
    "url_value_dropped": ("链接中的一项设置无效，已忽略：{what}", "A setting in the link is not valid and was ignored: {what}"),
    "no_transport_data": ("没有交通数据：交通条件无法核实，相关园区标为“未核实”。", "No transport data: the transport criteria cannot be checked; parks are marked unverified."),
    "sites_found": ("符合条件 {n} / {total} 个园区（交通网络：{year}）", "{n} of {total} parks match (network: {year})"),
    "rank": ("排名", "Rank"),
    "reasons": ("排名理由", "Why this rank"),
    "compare": ("园区对比", "Compare parks"),
    "compare_pick": ("选择2至4个园区", "Pick two to four parks"),
    "compare_hint": ("选择至少两个园区进行对比。", "Pick at least two parks to compare them."),
    "compare_note": ("数据来源：各园区所属规划文件（见各园区“来源”）；面积为测地计算或文件所述（见“面积来源”）；距离为EPSG:4547平面距离，有边界的园区自边界起算，只有大致位置的园区自该点起算（逐园见“距离起算自”一行）；导出日期 {date}。",
                     "Sources: each park's planning document (see its source); areas geodesic or as stated (see Area basis); distances planar in EPSG:4547, measured from a park's boundary where it has one and from its approximate point where it has none (the row Distances measured from says which, park by park); exported {date}."),
    "compare_title": ("园区对比 · ParkAtlas 园区图谱", "Park comparison · ParkAtlas"),
    "compare_pdf": ("生成PDF（一页）", "Build a one-page PDF"),
    "download_pdf": ("下载PDF", "Download PDF"),
    "page_data": ("数据：导入、绘制、导出", "Data: import, draw, export"),
    "tab_import": ("导入", "Import"),
    "tab_draw": ("绘制", "Draw"),
    "tab_export": ("导出", "Export"),
    "remove_layer": ("移除", "Remove"),
    "role_overlay": ("普通叠加图层", "plain overlay"),
    "role_parks": ("园区边界", "park boundaries"),
    "role_landuse": ("用地地块", "land-use parcels"),
    "role_transport": ("交通", "transport"),
    "role_facilities": ("设施", "facilities"),
    "import_formats": ("支持格式：{formats}。导入前会显示检查报告，确认后才加入图层。",
                       "Formats: {formats}. You see a check report first; nothing is added until you confirm."),
    "import_supported": ("GeoJSON、GeoPackage、Shapefile（zip 压缩包）、KML、CSV（经纬度列或 WKT 列）、GeoParquet",
                         "GeoJSON, GeoPackage, zipped Shapefile, KML, CSV (lon/lat or WKT columns), GeoParquet"),
    "import_file": ("选择文件", "Choose a file"),
    "upload_hint": ("把文件拖到上方的方框里，或点击方框中的按钮选择文件；每个文件不超过 {mb} MB。"
                    "方框里的英文提示由 Streamlit 显示，本应用无法翻译。",
                    "Drag a file onto the box above, or press its button to choose one; up to {mb} MB per file."),
    "import_options": ("编码、坐标系与坐标体系", "Encoding, CRS and coordinate system"),
    "import_encoding": ("文本编码", "Text encoding"),
    "auto_detect": ("自动识别", "Detect"),
    "import_system": ("坐标来源", "Coordinates copied from"),
    "system_wgs84": ("WGS84 / GPS / 天地图", "WGS84 / GPS / Tianditu"),
    "system_gcj02": ("GCJ-02（高德、腾讯）", "GCJ-02 (Gaode, Tencent)"),
    "system_bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "import_crs": ("坐标参考系", "Coordinate reference system"),
    "crs_from_file": ("按文件/自动识别", "From the file / detect"),
    "import_layer": ("图层", "Layer"),
    "import_check": ("导入并检查", "Import and check"),
    "importing": ("正在导入 {name} …", "Importing {name} …"),
    "import_failed": ("导入失败，现有图层未受影响", "Import failed; nothing already loaded has changed"),
    "import_checked": ("已检查：{n} 个要素", "Checked: {n} features"),
    "import_report": ("检查报告：{name}", "Check report: {name}"),
    "rep_features": ("要素：读入 {n_in}，保留 {n_out}", "Features: {n_in} read, {n_out} kept"),
    "rep_format": ("格式：{fmt}；图层：{layer}", "Format: {fmt}; layer: {layer}"),
    "rep_types": ("几何类型：{types}", "Geometry types: {types}"),
    "rep_crs": ("坐标参考系：{crs}（{how}）", "CRS: {crs} ({how})"),
    "rep_system": ("坐标来源：{system}", "Coordinates from: {system}"),
    "rep_encoding": ("编码：{enc}（{how}）", "Encoding: {enc} ({how})"),
    "rep_swapped_applied": ("检测到经纬度颠倒，已交换", "Latitude/longitude looked swapped: swapped back"),
    "rep_swapped_seen": ("检测到经纬度可能颠倒（未交换）", "Latitude/longitude look swapped (not changed)"),
    "rep_z_dropped": ("Z坐标已舍弃（三维转二维）", "Z coordinates dropped (3D -> 2D)"),
    "rep_z_none": ("无Z坐标", "No Z coordinates"),
    "rep_geometry_col": ("几何类型", "geometry"),
    "rep_bounds": ("范围（WGS84）：{bounds}", "Bounds (WGS84): {bounds}"),
    "rep_crs_confirm": ("文件未声明坐标系，以下为根据坐标范围的推测，请确认。", "The file names no CRS: the one below is a guess from the coordinate ranges. Please confirm."),
    "rep_far": ("数据远离研究区域（广州、佛山、清远）：请检查坐标系或经纬度顺序。", "The data lie far from the study region (Guangzhou, Foshan, Qingyuan): check the CRS or the axis order."),
    "rep_repaired": ("已修复 {n} 个无效几何", "{n} invalid geometries repaired"),
    "rep_dropped": ("已舍弃 {n} 个要素", "{n} features dropped"),
    "confirm_crs": ("确认坐标系", "Confirm the CRS"),
    "reimport_crs": ("按此坐标系重新导入", "Re-import with this CRS"),
    "import_mapping": ("属性对应与用途", "Attributes and use"),
    "import_role": ("用作", "Use as"),
    "import_name_col": ("名称字段", "Name column"),
    "import_code_col": ("用地代码字段", "Land-use code column"),
    "import_area_col": ("面积字段（km²）", "Area column (km²)"),
    "none": ("（无）", "(none)"),
    "layer_name": ("图层名称", "Layer name"),
    "add_layer": ("加入为新图层", "Add as a new layer"),
    "mapping_failed": ("属性对应有误，未加入：", "The attributes do not fit; nothing was added:"),
    "layer_added": ("已加入图层“{name}”（{n} 个要素）。", "Added layer “{name}” ({n} features)."),
    "draw_hint": ("用左侧工具绘制多边形、线或点；完成后即显示测地面积或长度。", "Draw a polygon, line or point with the tools on the left; its geodesic area or length shows when the shape is finished."),
    "drawn_area": ("面积（测地）：{km2} km² · {ha} ha · {mu} 亩", "Area (geodesic): {km2} km² · {ha} ha · {mu} 亩"),
    "drawn_length": ("长度（测地）：{km} km（{m} m）", "Length (geodesic): {km} km ({m} m)"),
    "drawn_point": ("点", "Point"),
    "drawn_name": ("名称", "Name"),
    "drawn_default_name": ("我的草图", "My sketch"),
    "keep_drawn": ("保存为图层", "Keep as layer"),
    "drawn_origin": ("地图绘制", "drawn on the map"),
    "exp_layer": ("图层", "Layer"),
    "exp_format": ("格式", "Format"),
    "exp_crs": ("坐标系", "Coordinate system"),
    "exp_parks_all": ("全部园区（{n}）", "All parks ({n})"),
    "exp_parks_filtered": ("园区地图当前筛选结果（{n}）", "Parks as filtered on the atlas ({n})"),
    "exp_bundled": ("内置图层 {layer}（{n}）", "Bundled layer {layer} ({n})"),
    "exp_user": ("我的图层：{name}（{n}）", "My layer: {name} ({n})"),
    "exp_gcj02_note": ("GCJ-02 仅用于在高德等国内地图上叠加：坐标已偏移，不是 WGS84，文件名与属性中均已注明。",
                       "GCJ-02 is for use over Gaode and other Chinese web maps: the coordinates are offset, not WGS84; the file name and attributes say so."),
    "exp_label_note": ("此图层含示意数据，导出文件将注明：{label}", "This layer holds schematic or illustrative data; the export is labelled: {label}"),
    "exp_build": ("生成文件", "Build the file"),
    "exp_building": ("正在生成 …", "Building …"),
    "exp_download": ("下载 {name}", "Download {name}"),
    "acc_nearest_metro": ("最近地铁/轨道站", "Nearest metro/rail station"),
    "named_links": ("文件为本园区提出的交通", "Transport the plan names for this park"),
    "position_not_given": ("文件未给出位置，未绘制", "position not given, not drawn"),
    "size_by": ("按目标值标示园区大小", "Size parks by target"),
    "size_none": ("不标示", "None"),
    "size_year": ("目标年份", "Target year"),
    "size_help": ("圆点面积与园区的该项目标值成正比（文件所述目标，非实际值）；片区整体目标不在地图上标示。",
                  "Dot area proportional to the park's target value (as the document states it, not an actual); zone-wide targets are not drawn"),
    "size_legend": ("{metric}（{year}年目标，{unit}）", "{metric} ({year} target, {unit})"),
    "size_legend_none": ("空心小点：无此项目标", "Small hollow dot: no such target"),
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
    "access_method": ("距离为平面距离（EPSG:4547，米）：有边界的园区自边界起算，只有大致位置的园区自该点起算。",
                      "Distances: planar (EPSG:4547, metres), from the park's outline, or from its approximate point where it has no outline."),
    "facilities": ("规划配套设施", "Planned facilities"),
    "no_facilities": ("文件未列出该园区的配套设施。", "The documents list no facilities for this park."),
    "site_not_given": ("文件未给出具体位置，按园区显示", "site not given; shown at park level"),
    "tab_parks": ("园区", "Parks"),
    "tab_access": ("交通可达性", "Access"),
    "download_access_csv": ("下载可达性 CSV", "Download access CSV"),
    "page_targets": ("发展目标", "Targets"),
    "col_park": ("园区", "Park"),
    "col_owner": ("园区/片区", "Park or zone"),
    "col_metric": ("指标", "Metric"),
    "col_target_text": ("目标（原文）", "Target as written"),
    "col_target": ("目标值", "Target"),
    "col_target_year": ("目标年份", "Target year"),
    "col_baseline": ("基期值", "Baseline"),
    "col_baseline_year": ("基期年份", "Baseline year"),
    "col_actual": ("实际值", "Actual"),
    "baseline": ("基期", "Baseline"),
    "target": ("目标", "Target"),
    "targets_shown": ("显示 {n} / {total} 项目标", "Showing {n} of {total} targets"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "timeline": ("目标时间线（基期 → 目标）", "Timeline (baseline → target)"),
    "timeline_note": ("同一图中只比较同一单位的数值；建筑面积（万㎡）与用地面积（亩）不作比较。",
                      "One unit per chart; floor area (万㎡) is never compared with land area (亩)."),
    "layer_landuse": ("用地", "Land use"),
    "layer_corridors": ("绿廊/绿带（示意）", "Green corridors and belts (schematic)"),
    "schematic_buffer": ("依文件所述宽度绘制的示意缓冲区", "Schematic: the line buffered by the width the document states"),
    "show_landuse": ("显示所选园区用地（示意数据）", "Land use of the selected park (illustrative)"),
    "show_landuse_help": ("内置数据没有真实地块：开启后用示意地块演示用地构成，非官方规划。",
                          "The bundled data has no real parcels: this shows generated illustrative parcels, not an official plan."),
    "landuse_section": ("用地构成", "Land-use composition"),
    "green_ratio": ("绿地率 {ratio:.1%}（目标 ≥ {target:.0%}）", "Green ratio {ratio:.1%} (target ≥ {target:.0%})"),
    "green_short": ("低于目标", "short of the target"),
    "green_ok": ("达到目标", "meets the target"),
    "landuse_method": ("面积为地块与园区边界在 EPSG:4547 中的叠加，按园区椭球面积比例换算为大地面积。",
                       "Areas: parcels overlaid on the park outline in EPSG:4547, scaled to geodesic by the park's geodesic/planar ratio."),
    "landuse_needs_outline": ("该园区只有大致位置（点），没有边界，无法计算用地构成。",
                              "This park is only an approximate location (a point): with no outline there is no land-use composition."),
    "selected_park": ("所选园区", "Selected park"),
    "no_targets": ("数据目录中还没有目标数据（targets.csv）。", "The data folder has no targets yet (targets.csv)."),
    "targets_section": ("发展目标", "Targets"),
    "data_error": ("内置数据未通过校验，无法显示：", "The bundled data failed validation and cannot be shown:"),
    # Present page
    "present_heading": ("演示", "Present"),
    "present_story": ("故事", "Story"),
    "present_no_stories": ("没有可演示的故事：工作空间中没有故事（内置故事来自 data/stories/ 中的 YAML 文件）。",
                           "No story to present: the workspace holds no story (the bundled ones come from the YAML "
                           "files in data/stories/)."),
    "present_broken": ("{n} 处故事文件问题：这些故事未加载", "{n} problem(s) in story files: those stories are not shown"),
    "present_broken_help": ("以下故事文件有误，已跳过；其他故事照常可用。请修改文件后重新加载页面。",
                            "These story files have errors and were skipped; the other stories work. Fix the files and reload the page."),
    "present_unknown_story": ("链接中的故事“{id}”不存在，已打开第一个故事。",
                              "The link names a story “{id}” that does not exist; showing the first story."),
    "present_unknown_slide": ("链接中的页码“{n}”不存在（本故事共 {total} 页），已从第 1 页开始。",
                              "The link names a slide “{n}” that does not exist (this story has {total}); starting at slide 1."),
    "present_prev": ("上一页", "Previous"),
    "present_next": ("下一页", "Next"),
    "present_mode": ("演示模式", "Presentation mode"),
    "present_mode_help": ("隐藏侧栏和页面装饰，放大地图；左右方向键翻页；地图左上角的全屏按钮可真正全屏。",
                          "Hides the sidebar and page chrome and enlarges the map; Left/Right arrow keys change slides; "
                          "the map's full-screen button (top left) gives true full screen."),
    "present_highlighted": ("重点园区", "Highlighted parks"),
    "present_export": ("导出", "Export"),
    "present_png": ("本页导出为 PNG", "This slide as PNG"),
    "present_png_download": ("下载 PNG", "Download PNG"),
    "present_pdf": ("整个故事导出为 PDF", "Whole story as PDF"),
    "present_pdf_download": ("下载 PDF", "Download PDF"),
    "present_rendering": ("正在绘制第 {i} / {n} 页…", "Drawing slide {i} of {n}…"),
    "present_layers": ("图层", "Layers"),
    "present_layer_parks": ("园区", "Parks"),
    "present_layer_transport_lines": ("交通线路", "Transport lines"),
    "present_layer_transport_nodes": ("车站与码头", "Stations and piers"),
    "present_layer_facilities": ("配套设施", "Facilities"),
    "present_layer_landuse": ("用地", "Land use"),
}

LABELS.update(WORKSPACE_LABELS)
LABELS.update(ACCESS_LABELS)
LABELS.update(FINDING_LABELS)
LABELS.update(MAP_LABELS)
LABELS.update(PLAN_LABELS)
LABELS.update(RECORD_LABELS)
LABELS.update(PARK_EDIT_LABELS)
LABELS.update(SITES_LABELS)
LABELS.update(REVIEW_LABELS)
LABELS.update(INSPECTION_LABELS)
LABELS.update(STORY_LABELS)
LABELS.update(RULE_LABELS)


def t(key: str, lang: Lang, *, markdown: bool = True, **values: object) -> str:
    r"""The label `key` in `lang`, with `{placeholders}` filled from `values`.

    Streamlit shows labels as Markdown, so each value that is not a number (a layer or file name,
    a value from the URL, a reason) goes in through `md` and stays inert text. `markdown=False`
    puts values in as they are, for a label that is not shown as Markdown (HTML through `esc`,
    folium, a select box's options, a table cell, a PDF, a widget's value, a stored reason) or
    whose values are already safe there (a value inside a code span, numbers we formatted).

    >>> t("layer_added", "en", name="[x](https://ev.il)", n=2)
    'Added layer “\\[x\\]\\(https\u2060\\:\\/\\/ev\\.il\\)” (2 features).'
    >>> t("layer_added", "en", name="[x](https://ev.il)", n=2, markdown=False)
    'Added layer “[x](https://ev.il)” (2 features).'
    """
    zh, en = LABELS[key]
    text = zh if lang == "zh" else en
    if not values:
        return text
    if markdown:
        values = {k: v if v is None or isinstance(v, Number) else md(v) for k, v in values.items()}
    return text.format(**values)
