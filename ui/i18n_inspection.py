"""Labels of inspection (constraint layers, the profile's Inspection section, the atlas's
Inspection table, Sites' "no conflict"), in Chinese and English; merged into `ui.i18n.LABELS`.
`method_text` says how a check was computed in either language, from the parts the computation
reports (`layers.constraints.ConstraintCheck.method_parts`, `layers.inspection.indicators`)."""

from __future__ import annotations

from collections.abc import Mapping

INSPECTION_LABELS: dict[str, tuple[str, str]] = {
    # import: a layer used as a constraint
    "role_constraint": ("管控约束图层", "constraint layer"),
    "insp_kind": ("约束类型", "Kind of constraint"),
    "insp_kind_other": ("其他（自行命名）", "Another kind (name it)"),
    "insp_kind_name": ("约束名称", "Name of the constraint"),
    "insp_kind_needed": ("请填写约束名称。", "Give the constraint a name."),
    "insp_rule": ("规则", "Rule"),
    "rule_avoid": ("不得重叠", "must not overlap"),
    "rule_within": ("须位于其内", "must lie within"),
    "insp_tolerance": ("碎片容差（m²）", "Sliver tolerance (m²)"),
    "insp_tolerance_help": ("冲突面积（测地线，m²）不超过此值时视为数字化碎片，而非冲突。",
                            "A conflict (geodesic area, m²) at or below this is a digitising sliver, not a conflict."),
    "insp_need_crs": ("用作约束图层前请先确认坐标系：检查结论不能建立在猜测的坐标系上。",
                      "Confirm the CRS before using this layer as a constraint: a verdict must not rest on a guessed CRS."),
    "insp_kind_colour": ("地图颜色：{colour}（{source}）", "Map colour: {colour} ({source})"),
    "insp_coverage": ("数据覆盖范围", "The data covers"),
    "insp_coverage_envelope": ("要素外包矩形（默认）", "its bounding box (default)"),
    "insp_coverage_union": ("要素并集（如城镇开发边界图层）", "the union of its features (e.g. a 城镇开发边界 layer)"),
    "insp_coverage_layer": ("另一导入图层/行政区的边界", "the outline of an imported layer or district"),
    "insp_coverage_help": ("园区若不完全位于覆盖范围内，且无超出容差的冲突，结论为“未覆盖”而非“无冲突”。",
                           "A park not wholly inside the covered extent, without a conflict above the tolerance, is "
                           "“not covered” rather than “clear”."),
    "insp_coverage_of": ("覆盖范围图层", "Layer whose outline the data covers"),
    "insp_coverage_feature": ("其中的要素（如某一行政区）", "Which of its features (e.g. one district)"),
    "insp_coverage_all": ("全部要素的并集", "all its features together"),
    "insp_coverage_no_layers": ("尚无其他可用作覆盖范围的多边形图层：请先导入（如行政区划）。",
                                "No other polygon layer to take the outline from yet: import one first (e.g. districts)."),
    "insp_coverage_within_union": ("注意：规则为“须位于其内”且覆盖范围为要素并集时，园区位于约束之外的部分也在覆盖范围之外，"
                                   "结论为“未覆盖”，不会判为冲突。",
                                   "Note: with “must lie within” and the union of its features as the coverage, a "
                                   "park's part outside the constraint is outside the coverage too: it is “not "
                                   "covered”, never a conflict."),
    # the Data page: change a constraint layer's spec (ui.panels.constraint_edit)
    "insp_spec_line": ("用作：{kind} · {rule} · 容差 {tolerance} m² · 覆盖范围：{coverage}",
                       "Used as: {kind} · {rule} · tolerance {tolerance} m² · covers: {coverage}"),
    "insp_spec_edit": ("修改约束设置", "Change the constraint"),
    "insp_spec_viewer": ("仅编辑者可修改约束设置（当前角色：{role}）。", "Only an editor may change the constraint (your role: {role})."),
    "insp_spec_save": ("保存为图层新版本", "Save as a new version of the layer"),
    "insp_spec_same": ("设置未改变：无需保存。", "Nothing changed: nothing to save."),
    "insp_spec_saved": ("已保存约束设置（{n} 个要素的新版本）；合规检查已重新计算。",
                        "The constraint was saved (a new version of {n} features); the inspection was recomputed."),
    "insp_spec_conflict": ("未保存：{author} 在您打开此表单后保存了该图层（要素 {feature}，版本 {version}）。您的输入保留；"
                           "请重新载入后再保存。",
                           "Not saved: {author} saved this layer after you opened the form (feature {feature}, "
                           "version {version}). Your input stays; reload, then save again."),
    "insp_spec_reload": ("重新载入当前设置", "Reload the current settings"),
    "insp_spec_evidence": ("依据（文件、文号等，可不填）", "Evidence (file, document number; optional)"),
    "insp_spec_reason_default": ("修改约束设置", "constraint changed"),
    # the profile's section
    "insp_section": ("合规检查", "Inspection"),
    "insp_constraints": ("管控约束", "Constraints"),
    "insp_indicators": ("用地指标与规划规则", "Land-use indicators against the plan's rules"),
    "insp_no_layers": ("尚无管控约束图层：在“数据”页导入多边形图层，并选择“用作：管控约束图层”。",
                       "No constraint layer yet: import a polygon layer on the Data page and use it as a constraint layer."),
    "insp_no_landuse": ("尚无真实用地地块：导入用地图层（用作：用地地块）后才计算用地指标。",
                        "No real land-use parcels yet: import a layer as land-use parcels to compute the indicators."),
    "insp_problem": ("以下约束图层无法使用：", "These constraint layers could not be used:"),
    "insp_landuse_label": ("工作区的用地地块", "the workspace's land-use parcels"),
    "insp_of_park": ("占园区", "of the park"),
    "insp_value": ("数值", "Value"),
    "insp_hatched": ("冲突部分（斜线）", "Conflicting part (hatched)"),
    "insp_hatched_tip": ("{check}：{verdict}，{area}", "{check}: {verdict}, {area}"),
    "insp_method_note": ("面积均为WGS84椭球面上的测地线面积。", "Every area is geodesic on the WGS84 ellipsoid."),
    # import: floor area and footprint of land-use parcels (ui.panels.landuse_import)
    "import_floor_col": ("建筑面积字段（m²）", "Floor area column (m²)"),
    "import_footprint_col": ("建筑基底面积字段（m²）", "Building footprint column (m²)"),
    "import_measures_help": ("可不选：用于合规检查中的容积率（总建筑面积 ÷ 用地面积）与建筑密度（建筑基底面积 ÷ 用地面积）。",
                             "Optional: for the inspection's floor-area ratio (floor area ÷ site area) and building "
                             "coverage (footprint ÷ site area)."),
    "import_measure_suggested": ("按字段名推荐“{column}”为{what}：请确认其为以 m² 计的数值。",
                                 "“{column}” is suggested as the {what} from its name: check that it holds m²."),
    "import_what_floor": ("建筑面积", "floor area"),
    "import_what_footprint": ("建筑基底面积", "building footprint"),
    "import_measure_sample": ("“{column}”前几个值：{values}", "First values of “{column}”: {values}"),
    # verdicts
    "verdict_clear": ("无冲突", "clear"),
    "verdict_sliver": ("碎片（容差内）", "sliver (within tolerance)"),
    "verdict_conflict": ("冲突", "conflict"),
    "verdict_not_covered": ("未覆盖（约束数据未覆盖园区）", "not covered (no constraint data over the park)"),
    "verdict_no_outline": ("无边界", "no outline"),
    "verdict_met": ("达标", "met"),
    "verdict_not_met": ("未达标", "not met"),
    "verdict_no_data": ("无数据", "no data"),
    "verdict_no_rule": ("无规则", "no rule"),
    # indicators
    "ind_green_ratio": ("绿地率", "Green ratio"),
    "ind_industrial_share": ("工业用地占比（M/M0）", "Industrial share (M / M0)"),
    "ind_residential_share": ("居住用地占比", "Residential share"),
    "ind_public_service_share": ("公共服务用地占比", "Public-service share"),
    "ind_road_share": ("道路用地占比", "Road share"),
    "ind_parcel_coverage": ("地块覆盖率", "Parcel coverage"),
    "ind_far": ("容积率", "Floor-area ratio"),
    "ind_building_coverage": ("建筑密度", "Building coverage"),
    # the table (atlas view, CSV, XLSX)
    "tab_inspection": ("合规检查", "Inspection"),
    "insp_col_park": ("园区", "Park"),
    "insp_col_check": ("检查项", "Check"),
    "insp_col_rule": ("规则", "Rule"),
    "insp_col_area_m2": ("面积（m²）", "Area (m²)"),
    "insp_col_area_ha": ("面积（公顷）", "Area (ha)"),
    "insp_col_area_mu": ("面积（亩）", "Area (亩)"),
    "insp_col_share": ("占园区（%）", "Share of the park (%)"),
    "insp_col_verdict": ("结论", "Verdict"),
    "insp_col_method": ("计算方法", "Method"),
    "insp_table_note": ("每个园区 × 每项检查一行；点击列名排序。冲突面积为园区与约束的重叠（“不得重叠”）或园区在约束外的部分"
                        "（“须位于其内”）；指标的面积为该类地块在边界内的面积，占比为指标值。",
                        "One row per park and check; click a column to sort. The area of a constraint check is the "
                        "park's overlap with it (must not overlap) or the park's part outside it (must lie within); an "
                        "indicator's area is that of its parcels inside the outline, its share the indicator's value."),
    "insp_empty": ("没有可检查的内容：尚无管控约束图层，也没有用地地块。",
                   "Nothing to inspect: no constraint layer and no land-use parcels yet."),
    "download_inspection_csv": ("下载合规检查 CSV", "Download inspection CSV"),
    "download_inspection_xlsx": ("下载合规检查 XLSX", "Download inspection XLSX"),
    "insp_xlsx_about": ("园区合规检查：管控约束与用地指标", "Park inspection: constraints and land-use indicators"),
    "insp_xlsx_date": ("计算日期", "Computed on"),
    # Sites
    "sites_no_conflict": ("不与管控约束冲突", "No conflict with constraint layers"),
    "sites_no_conflict_help": ("去掉任一约束检查结论为“冲突”的园区；约束数据未覆盖或无边界的园区保留并标注。",
                               "Removes parks with a conflict in any constraint check; parks not covered by the "
                               "constraint data or without an outline stay, marked."),
    "sites_no_conflict_no_layers": ("尚无管控约束图层：“不与管控约束冲突”无法检查，未去掉任何园区。",
                                    "No constraint layer yet: “no conflict” cannot be checked and removes no park."),
    "crit_no_conflict": ("不与管控约束冲突", "No conflict with constraint layers"),
    "col_inspection": ("合规检查", "Inspection"),
    # History: two versions inspected side by side
    "h_insp_title": ("**检查结果对比：版本 {a} 与版本 {b}**", "**Inspection of version {a} and version {b}**"),
    "h_insp_delta": ("变化（后减前）", "Change (b − a)"),
    "h_insp_changed": ("结论改变", "Verdict changed"),
    "h_insp_yes": ("是", "yes"),
    "h_insp_none": ("尚无管控约束图层或用地数据：无检查可对比。", "No constraint layer or land-use data yet: no checks to compare."),
    "h_insp_how": ("与资料卡中的检查同一计算（WGS84 椭球面大地面积），分别作用于两个版本的边界。",
                   "The same computation as the profile's Inspection (geodesic areas on the WGS84 ellipsoid), run on each version's outline."),
    "rep_plan_choose": ("整个规划的检查报告：选择规划（括号内为有边界的园区数）", "Report for a whole plan: choose the plan (parks with an outline)"),
    "rep_plan_download": ("下载该规划全部园区的检查报告", "Download the report of all its parks"),
    "rep_plan_none": ("所列园区均无边界：没有可生成报告的园区。", "None of the parks shown has an outline: no report to make."),
    # the inspection report (PDF)
    "rep_button": ("生成检查报告（PDF）", "Make the inspection report (PDF)"),
    "rep_download": ("下载检查报告", "Download the inspection report"),
    "rep_failed": ("报告生成失败：", "The report could not be made:"),
    "rep_title": ("园区合规检查报告", "Inspection report"),
    "rep_made": ("生成于", "made"),
    "rep_legend": ("图例", "Legend"),
    "rep_checks": ("检查项目与结论", "Checks and verdicts"),
    "rep_col_check": ("检查项", "Check"),
    "rep_col_rule": ("规则", "Rule"),
    "rep_col_area": ("冲突面积", "Area in conflict"),
    "rep_col_share": ("占园区", "Share"),
    "rep_col_verdict": ("结论", "Verdict"),
    "rep_method": ("计算方法", "How computed"),
    "rep_no_checks": ("尚无管控约束图层或用地数据：未作检查。", "No constraint layer or land-use data yet: nothing was checked."),
    "rep_outline": ("所检查的园区边界", "The outline inspected"),
    "rep_no_outline": ("该园区尚无边界（仅有大致位置或未落位），无法检查。",
                       "The park has no outline (an approximate point, or not placed): nothing to inspect."),
    "rep_version": ("版本", "version"),
    "rep_reason": ("原因", "reason"),
    "rep_evidence": ("依据", "evidence"),
    "rep_layers": ("所用图层", "Layers used"),
    "rep_layer_rule": ("规则", "rule"),
    "rep_layer_tol": ("容差", "tolerance"),
    "rep_revision": ("修订", "revision"),
    "rep_as_of": ("数据日期", "as of"),
    "rep_landuse": ("用地", "Land use"),
    "rep_lu_residential": ("居住", "residential"),
    "rep_lu_industrial": ("工业", "industrial"),
    "rep_lu_green": ("绿地", "green space"),
    "rep_lu_public_service": ("公共服务", "public service"),
    "rep_lu_road": ("道路", "roads"),
    "rep_lu_other": ("其他", "other"),
    "rep_conflict_part": ("冲突部分（斜线）", "conflicting part (hatched)"),
    "rep_outline_line": ("园区边界", "the park's outline"),
    "rep_landuse_bundled": ("随应用附带的用地数据", "the bundled land-use layer"),
    "rep_continued": ("（续）", "(continued)"),
    "rep_page": ("第 {n} 页，共 {total} 页", "page {n} of {total}"),
    "rep_how": ("面积为 WGS84 椭球面上的大地面积（m²，另折合公顷、亩）；占比为冲突面积占园区大地面积之比；"
                "每项的图层、版本与日期见其“计算方法”。地图以 Web 墨卡托投影绘制，仅供定位，不据以量算。",
                "Areas are geodesic on the WGS84 ellipsoid (m², also in ha and 亩); a share is the area in "
                "conflict over the park's geodesic area; each check's layer, version and date are in its "
                "“How computed”. The map is drawn in Web Mercator for orientation only; no figure is measured on it."),
    "rep_no_basemap": ("未能获取底图（离线）：仅绘矢量图层", "Basemap not available (offline): vector layers only"),
    "rep_record_version": ("记录当前版本", "the record's current version"),
    # how a check was computed (method_text), from its parts
    "meth_constraint": ("WGS84 椭球面上的大地面积（pyproj.Geod），几何为 EPSG:4326；图层“{layer}”{version}{as_of}"
                        "（{features} 个要素，数据覆盖范围：{extent}）；规则：{rule}，容差 {tolerance} m²{notes}",
                        "geodesic area on the WGS84 ellipsoid (pyproj.Geod), EPSG:4326 geometry; layer '{layer}'"
                        "{version}{as_of} ({features} features, extent: {extent}); rule {rule}, tolerance "
                        "{tolerance} m²{notes}"),
    "meth_version": ("，版本 {version}", " version {version}"),
    "meth_as_of": ("，数据日期 {as_of}", " as of {as_of}"),
    "meth_extent_envelope": ("要素外包矩形", "envelope of the features"),
    "meth_extent_union": ("要素并集", "union of the features"),
    "meth_extent_given": ("给定范围", "given"),
    "meth_extent_named": ("“{name}”的边界", "outline of {name}"),
    "meth_extent_revision": ("（修订 {revision}）", " (revision {revision})"),
    "meth_notes": ("；输入：{notes}", "; input: {notes}"),
    "meth_note_sep": ("，", "; "),
    "meth_note_reprojected": ("由 {crs} 转换为 EPSG:4326", "reprojected from {crs} to EPSG:4326"),
    "meth_note_repaired": ("{n} 个无效几何已修复", "{n} invalid geometries made valid"),
    "meth_note_dropped": ("剔除 {n} 个要素（{what}）", "{n} features dropped ({what})"),
    "meth_dropped_missing": ("缺失或为空", "missing or empty"),
    "meth_dropped_not polygonal": ("非多边形：点或线", "not polygons: points or lines"),
    "meth_dropped_beyond repair": ("无法修复：坐标非有限或无面积", "beyond repair: non-finite coordinates or no area"),
    "meth_indicator": ("{layer}裁剪至园区边界；面积为大地面积（WGS84 椭球面；各园区在 EPSG:4547 中平面叠加并按比例校正），"
                       "占比为占边界面积之比；用地代码分组：data/landuse_codes.csv",
                       "parcels of {layer} clipped to the outline; areas geodesic (WGS84 ellipsoid; planar overlay in "
                       "EPSG:4547 scaled per park), shares of the outline's area; code groups: data/landuse_codes.csv"),
    "meth_measure": ("{name} = 与边界相交的{layer}的{holds}之和（字段 {column}，m²，导入时映射），每块按其在边界内的面积比例计入"
                     "（一半在内：计一半）÷ 边界的大地面积（WGS84）；{reads}",
                     "{name} = Σ {holds} (column {column}, m², mapped at import) of {layer} meeting the outline, each "
                     "weighted by the share of its area inside the outline (half inside: half counted) / the outline's "
                     "geodesic area (WGS84); {reads}"),
    "meth_far": ("容积率（毛）", "floor-area ratio (容积率, gross)"),
    "meth_building_coverage": ("建筑密度（毛）", "building coverage (建筑密度, gross)"),
    "meth_far_holds": ("建筑面积", "floor area"),
    "meth_building_coverage_holds": ("建筑基底面积", "building footprint"),
    "meth_far_reads": ("为比值", "a ratio"),
    "meth_building_coverage_reads": ("为比例，以 % 显示", "a share, shown as %"),
    "meth_none": ("。没有地块与边界相交：无数据。", ". No parcel meets the outline: no data."),
    "meth_no_value": ("。与边界相交的 {n} 个地块均无{holds}：无数据。",
                      ". None of the {n} parcel(s) meeting the outline carries a {holds}: no data."),
    "meth_some": ("。{n} 个地块中 {k} 个有{holds}，其余 {m} 个按 0 计（为下限）。",
                  ". {k} of {n} parcels carry a {holds}; the other {m} count as 0 (a lower bound)."),
    "meth_all": ("。{n} 个地块均有{holds}。", ". All {n} parcel(s) carry a {holds}."),
}


def _say(key: str, lang: str, **values: object) -> str:
    """The label `key` in `lang` ("zh" or "en") with `values` put in as they are (plain text)."""
    zh, en = INSPECTION_LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def method_text(parts: Mapping | None, lang: str, fallback: str = "") -> str:
    """How one check was computed, in `lang` ("zh" / "en"), from its parts (a dict with "key":
    "constraint", "indicator" or "measure"; see the module doc): numbers and layer names put in,
    the rest in the page's language. Plain text (escape it for HTML). `fallback` (the computation's
    own English text) when there are no parts.

    >>> method_text({"key": "constraint", "layer": "农田.gpkg", "version": "3", "as_of": "", "features": 2,
    ...              "coverage": "union", "extent_name": "", "rule": "avoid", "tolerance_m2": 100.0}, "zh").split("；", 1)[1]
    '图层“农田.gpkg”，版本 3（2 个要素，数据覆盖范围：要素并集）；规则：不得重叠，容差 100 m²'
    """
    if not isinstance(parts, Mapping) or parts.get("key") not in ("constraint", "indicator", "measure"):
        return fallback
    key = parts["key"]
    landuse = INSPECTION_LABELS["insp_landuse_label"]
    layer = str(parts.get("layer") or "")
    if key != "constraint" and layer in landuse:  # the app's own name for the workspace's parcels
        layer = _say("insp_landuse_label", lang)
    if key == "indicator":
        return _say("meth_indicator", lang, layer=layer)
    if key == "measure":
        return _measure(parts, layer, lang)
    coverage = str(parts.get("coverage") or "envelope")
    name = str(parts.get("extent_name") or "")
    extent = (_say("meth_extent_named", lang, name=name) if coverage == "given" and name
              else _say(f"meth_extent_{coverage}", lang) if f"meth_extent_{coverage}" in INSPECTION_LABELS else coverage)
    if parts.get("extent_version"):
        extent += _say("meth_extent_revision", lang, revision=parts["extent_version"])
    notes = [_note(code, dict(values), lang) for code, values in parts.get("notes") or []]
    notes += [str(n) for n in parts.get("extra") or []]
    rule = str(parts.get("rule") or "")
    return _say("meth_constraint", lang, layer=layer,
                version=_say("meth_version", lang, version=parts["version"]) if parts.get("version") else "",
                as_of=_say("meth_as_of", lang, as_of=parts["as_of"]) if parts.get("as_of") else "",
                features=int(parts.get("features") or 0), extent=extent,
                rule=_say(f"rule_{rule}", lang) if f"rule_{rule}" in INSPECTION_LABELS else rule,
                tolerance=f"{float(parts.get('tolerance_m2') or 0):g}",
                notes=_say("meth_notes", lang, notes=_say("meth_note_sep", lang).join(notes)) if notes else "")


def _note(code: str, values: dict, lang: str) -> str:
    """One note on the constraint layer's input (`geo.constraints.ConstraintLayer.note_parts`)."""
    if code == "reprojected":
        return _say("meth_note_reprojected", lang, crs=values.get("crs", "?"))
    if code == "repaired":
        return _say("meth_note_repaired", lang, n=int(values.get("n", 0)))
    what = f"meth_dropped_{values.get('what', '')}"
    return _say("meth_note_dropped", lang, n=int(values.get("n", 0)),
                what=_say(what, lang) if what in INSPECTION_LABELS else str(values.get("what", "")))


def _measure(parts: Mapping, layer: str, lang: str) -> str:
    """A floor-area ratio's or building coverage's method (as `layers.inspection.indicators.measure_method`)."""
    indicator = str(parts.get("indicator"))
    if f"meth_{indicator}" not in INSPECTION_LABELS:
        return ""
    holds = _say(f"meth_{indicator}_holds", lang)
    text = _say("meth_measure", lang, name=_say(f"meth_{indicator}", lang), holds=holds, column=parts.get("column", ""),
                layer=layer, reads=_say(f"meth_{indicator}_reads", lang))
    n, k = int(parts.get("parcels") or 0), int(parts.get("valued") or 0)
    if n == 0:
        return text + _say("meth_none", lang)
    if k == 0:
        return text + _say("meth_no_value", lang, n=n, holds=holds)
    if k < n:
        return text + _say("meth_some", lang, n=n, k=k, m=n - k, holds=holds)
    return text + _say("meth_all", lang, n=n, holds=holds)
