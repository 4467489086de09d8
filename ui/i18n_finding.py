"""Labels of finding a park (the park search, parks sharing one place, table rows that open a
park), in Chinese and English; merged into `ui.i18n.LABELS`."""

from __future__ import annotations

FINDING_LABELS: dict[str, tuple[str, str]] = {
    "find_park": ("查找园区", "Find a park"),
    "find_park_placeholder": ("输入中文名、简称或英文名，如 琶洲、增城、pazhou",
                              "Type a Chinese, English or short name: 琶洲, Pazhou, 增城"),
    "find_park_help": ("在所有园区的中英文名称、所在区和编号中查找，不受筛选条件限制；选中即打开该园区。",
                       "Looks in every park's Chinese and English names, district and id, whatever the "
                       "filters; choosing one opens it."),
    "same_place": ("此处共有 {n} 个园区", "{n} parks at this place"),
    "same_place_help": ("这些园区在数据中位于同一点，在地图上相互重叠；选择一个即可查看。",
                        "These parks share one point in the data and overlap on the map; choose one to see it."),
    "tooltip_same_place": ("此处共有 {n} 个园区：点击后可逐个选择", "{n} parks at this place: click, then choose one"),
    "selected_but_hidden": ("当前筛选条件隐藏了该园区；因已打开，地图上仍显示它。",
                            "The filters hide this park; the map draws it because it is open."),
    "rows_open_parks": ("点击表格中的一行即可打开该园区。", "Click a row to open that park."),
    "found_rank": ("第 {rank} 名（共 {n} 个结果）：{reasons}", "Rank {rank} of {n} results: {reasons}"),
    "found_not_ranked": ("不在当前结果中：选址条件排除了它。", "Not among these results: the criteria leave it out."),
    "open_in_atlas": ("在园区地图中打开详情", "Open its profile in the atlas"),
    "add_to_compare": ("加入对比", "Add to comparison"),
    "compare_has_it": ("已在对比中", "In the comparison"),
    "compare_is_full": ("对比最多 4 个园区", "A comparison holds at most 4 parks"),
}
