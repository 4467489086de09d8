"""Labels of the plan records (plans, parks, targets, actual figures, progress) in Chinese and
English; merged into `ui.i18n.LABELS`."""

from __future__ import annotations

PLAN_LABELS: dict[str, tuple[str, str]] = {
    "layer_programmes": ("规划", "Plans"),
    "layer_targets": ("发展目标", "Targets"),
    "layer_actuals": ("实际完成情况", "Actual figures"),
    "progress_met": ("已达成", "Met"),
    "progress_on-track": ("按进度推进", "On track"),
    "progress_behind": ("滞后", "Behind"),
    "progress_no-data": ("无数据", "No data"),
    "col_progress": ("进展", "Progress"),
    "col_actual_figure": ("实际值（目标单位）", "Actual (in the target's unit)"),
    "col_actual_year": ("实际值年份", "Year of the actual"),
    "col_actual_source": ("实际值来源", "Source of the actual"),
    "progress_rule": ("进展如何判定", "How progress is judged"),
    "progress_summary": ("判定日期 {date}：已达成 {met} · 按进度推进 {on} · 滞后 {behind} · 无数据 {none}。实际值在“规划与园区”页的“进展”中录入或导入。",
                         "Judged on {date}: met {met} · on track {on} · behind {behind} · no data {none}. Actual figures "
                         "are entered or imported under Progress on the Plans page."),
    "progress_filter": ("进展", "Progress"),
    "actual_point": ("实际值", "actual"),
    "colour_by": ("园区着色依据", "Colour parks by"),
    "colour_by_plan": ("所属规划", "Plan"),
    "colour_by_progress": ("目标进展", "Progress against targets"),
    "progress_legend_rule": ("按园区自身目标：任一滞后为滞后，否则任一按进度为按进度，否则任一已达成为已达成。",
                             "From each park's own targets: any behind → behind, else any on track → on track, "
                             "else any met → met."),
    "name_in_chinese": ("{name}", "{name} (Chinese name)"),
    "not_placed_yet": ("尚未落位", "Not placed yet"),
    "not_placed_note": ("{n} 个园区已登记但尚未落位：列于表中，地图上不绘制。",
                        "{n} park(s) recorded but not placed yet: listed in the table, not drawn on the map."),
    "not_placed_atlas": ("{n} 个园区已登记但尚未落位（列于表中，地图上不绘制）：{names}",
                         "{n} park(s) recorded but not placed yet (listed in the table, not drawn on the map): {names}"),
}
