"""Labels of access networks, imported transit networks, exports and filters (merged into
`ui.i18n.LABELS`): (Chinese, English)."""

from __future__ import annotations

ACCESS_LABELS: dict[str, tuple[str, str]] = {
    "access_network": ("交通网络", "Access network"),
    "access_network_help": ("交通距离按哪个网络计算：规划文件所列线路（随软件附带），或您导入的公交/轨道网络（GTFS）。",
                            "Which network distances are measured on: the links the planning documents name "
                            "(bundled), or a transit network you imported (GTFS)."),
    "col_network": ("交通网络说明", "Access network"),
    "no_rail_in_network": ("地铁/轨道站条件不可用：所选网络在该年份没有已定位、在运营的地铁/轨道站。",
                           "No metro/rail filter: the chosen network has no placed metro or rail station in service "
                           "in that year."),
    "no_hsr_in_network": ("高铁站条件不可用：所选网络在该年份没有已定位、在运营的高铁站。",
                          "No high-speed-rail filter: the chosen network has no placed HSR station in service in that "
                          "year."),
    "no_hsr_in_network_plan": ("文件所列黄埔、知识城高铁站位置未定，未绘制。",
                               "The plans name the Huangpu and Knowledge City HSR stations but not where they are."),
    "no_airport_in_network": ("机场条件不可用：所选网络在该年份没有已定位、在运营的机场站点。",
                              "No airport filter: the chosen network has no placed airport station in service in that "
                              "year."),
    "no_airport_in_network_plan": ("经白云机场的城际线在建、开通年份未知，仅计入“全部规划”。",
                                   "The intercity via Baiyun Airport is under construction with no known opening "
                                   "year: it counts only in the full plan."),
    "assets_missing": ("地图无法显示：缺少 {n} 个地图组件文件（static/{folder}，Leaflet 及插件）。在项目目录运行下面的命令安装后刷新页面：",
                       "The map cannot draw: {n} of its files (Leaflet and plugins, static/{folder}) are missing. "
                       "Run this in the project folder, then reload the page:"),
    "show_tables": ("表格与下载（{n} 个园区）", "Tables and downloads ({n} parks)"),
    # export formats and coordinate systems (keys of geo.export.EXPORT_FORMATS / EXPORT_CRS)
    "exp_fmt_gpkg": ("GeoPackage", "GeoPackage"),
    "exp_fmt_geojson": ("GeoJSON", "GeoJSON"),
    "exp_fmt_shp": ("Shapefile（zip 压缩包）", "Shapefile (zip)"),
    "exp_fmt_csv": ("CSV（几何为 WKT）", "CSV (WKT geometry)"),
    "exp_fmt_xlsx": ("Excel 表格", "Excel"),
    "exp_crs_wgs84": ("WGS84 经纬度（EPSG:4326）", "WGS84 lon/lat (EPSG:4326)"),
    "exp_crs_cgcs2000": ("CGCS2000 经纬度（EPSG:4490）", "CGCS2000 lon/lat (EPSG:4490)"),
    "exp_crs_cgcs2000-gk-114": ("CGCS2000 3度带高斯-克吕格投影，中央经线114°E，单位米（EPSG:4547）",
                                "CGCS2000 / 3-degree Gauss-Kruger CM 114E, metres (EPSG:4547)"),
    "exp_crs_gcj02": ("GCJ-02（高德）—— 不是 WGS84：由 WGS84 偏移的经纬度，文件中标为 EPSG:4326",
                      "GCJ-02 (Gaode/AMap) — not WGS84: lon/lat shifted from WGS84, labelled EPSG:4326"),
    "xlsx_about": ("说明", "About"),
    "xlsx_item": ("项目", "Item"),
    "xlsx_value": ("内容", "Value"),
    "xlsx_sources": ("数据来源", "Sources"),
    "network_part_nodes": ("{name}（车站）", "{name} (stations)"),
    "network_part_lines": ("{name}（线路）", "{name} (lines)"),
    "network_import_reason": ("导入交通网络 {name}", "imported transit network {name}"),
    "network_import_title": ("导入公交/轨道网络（GTFS）", "Import a transit network (GTFS)"),
    "network_import_help": ("上传 GTFS 压缩包（stops、routes、trips、stop_times，可含 shapes）。导入后可在“选址”页和园区详情中选择按此网络计算交通距离；网络保存在工作区。",
                            "Upload a GTFS zip (stops, routes, trips, stop_times, optionally shapes). Once imported, "
                            "the Sites page and park profiles can measure access on it; it is saved in the workspace."),
    "network_import_name": ("网络名称", "Network name"),
    "network_import_button": ("导入并保存网络", "Import and save the network"),
    "network_too_big": ("{file}：{mb} MB，超过上限 {limit} MB", "{file}: {mb} MB; the limit is {limit} MB"),
    "network_import_failed": ("无法导入该 GTFS 文件：", "This GTFS file could not be imported:"),
    "network_import_done": ("已导入网络“{name}”：{stations} 个车站，{lines} 条线路（资料日期 {as_of}）。",
                            "Imported the network “{name}”: {stations} stations, {lines} lines (as of {as_of})."),
    "network_import_next": ("“选址”页与园区详情现按此网络计算交通距离（可在侧栏“交通网络”中切换）。",
                            "The Sites page and park profiles now measure access on it (switch under “Access network” "
                            "in the sidebar)."),
    "network_as_of": ("资料日期", "As of"),
    "network_stations": ("车站", "Stations"),
    "network_lines": ("线路", "Lines"),
    "tab_network": ("交通网络（GTFS）", "Transit network (GTFS)"),
    "network_list": ("已导入的网络", "Imported networks"),
    "area_data_range": ("园区面积（测地计算或文件所述）最大约 {top:g} km²。", "Park areas (geodesic or stated) go up to about {top:g} km²."),
    "include_unknown_area": ("包括面积不明的园区（{n} 个）", "Include parks of unknown area ({n})"),
    "unknown_area_note": ("{n} 个园区面积不明（文件未给出面积，也无边界）。", "{n} parks have no known area (no stated area and no outline)."),
}
