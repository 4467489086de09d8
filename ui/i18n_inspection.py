"""Labels of inspection (constraint layers, the profile's Inspection section, the atlas's
Inspection table, Sites' "no conflict"), in Chinese and English; merged into `ui.i18n.LABELS`."""

from __future__ import annotations

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
}
