"""Labels of the plan records (plans, parks, targets, actual figures, progress) in Chinese and
English; merged into `ui.i18n.LABELS`."""

from __future__ import annotations

PLAN_LABELS: dict[str, tuple[str, str]] = {
    "layer_programmes": ("规划", "Plans"),
    "layer_targets": ("发展目标", "Targets"),
    "layer_actuals": ("实际完成情况", "Actual figures"),
    "name_in_chinese": ("{name}", "{name} (Chinese name)"),
    "not_placed_yet": ("尚未落位", "Not placed yet"),
    "not_placed_note": ("{n} 个园区已登记但尚未落位：列于表中，地图上不绘制。",
                        "{n} park(s) recorded but not placed yet: listed in the table, not drawn on the map."),
}
