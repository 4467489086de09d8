"""Labels of the Sites page's explanations (why a search finds nothing or next to nothing, the
nearest relaxations, how ties are ranked) and its map, in Chinese and English; merged into
`ui.i18n.LABELS`."""

from __future__ import annotations

SITES_LABELS: dict[str, tuple[str, str]] = {
    "explain_none": ("没有园区同时满足这 {n} 项条件。", "No park meets all {n} criteria."),
    "explain_few": ("只有 {m} 个园区同时满足这 {n} 项条件。", "Only {m} parks meet all {n} criteria."),
    "explain_blocking": ("最严格的一项：{criterion}——只去掉这一项，可找到 {k} 个园区。",
                         "The most restrictive: {criterion} — dropping only this one finds {k} parks."),
    "explain_nothing_helps": ("单独去掉任何一项都不会找到更多园区：需同时放宽多项条件。",
                              "Dropping any one criterion alone finds no more parks: relax several at once."),
    "explain_row": ("{criterion}：单独排除 {removed} 个；依次应用后剩 {left} 个；去掉此项可找到 {without} 个",
                    "{criterion}: removes {removed} alone; {left} left once applied in order; {without} found without it"),
    "explain_of": ("（共 {total} 个园区，条件按表单顺序依次应用）", "(of {total} parks; criteria applied in the form's order)"),
    "explain_relax": ("最近的放宽（其余条件不变）：", "Nearest relaxations (every other criterion kept):"),
    "relax_metro": ("车站 {value} 以内：{n} 个园区", "Station within {value}: {n} parks"),
    "relax_hsr": ("高铁站 {value} 以内：{n} 个园区", "HSR station within {value}: {n} parks"),
    "relax_airport": ("机场 {value} 以内：{n} 个园区", "Airport within {value}: {n} parks"),
    "relax_min_area": ("面积 ≥ {value} km²：{n} 个园区", "Area ≥ {value} km²: {n} parks"),
    "relax_max_area": ("面积 ≤ {value} km²：{n} 个园区", "Area ≤ {value} km²: {n} parks"),
    "crit_industries": ("产业：{value}", "Industries: {value}"),
    "crit_cities": ("城市：{value}", "City: {value}"),
    "crit_kinds": ("类型：{value}", "Kind: {value}"),
    "crit_statuses": ("状态：{value}", "Status: {value}"),
    "crit_area": ("面积 {value} km²", "Area {value} km²"),
    "crit_metro": ("车站 {value} 以内", "Station within {value}"),
    "crit_hsr": ("高铁站 {value} 以内", "HSR station within {value}"),
    "crit_airport": ("机场 {value} 以内", "Airport within {value}"),
    "rank_order": ("排名规则：先比得分（已核验在前，匹配产业多者在前）；得分相同时依次比最近车站距离（近者在前）、面积（大者在前）、"
                   "园区编号。有无筛选条件，顺序都一样；同分相邻时，理由写明是哪一项分出先后。",
                   "How parks are ranked: by score (verified first, more matched industries first); on equal scores by "
                   "nearest-station distance (nearer first), then area (larger first), then park id. The order is the "
                   "same with or without filters; where neighbours share a score, the reason says what separated them."),
    "sites_layer_network": ("理由中提到的车站与线路", "Stations and lines the reasons name"),
    "sites_layer_network_area": ("此范围内所选交通网络的车站与线路", "Stations and lines of the chosen network in the area"),
    "sites_layer_greyed": ("全部园区（均不符合条件）", "All parks (none meets the criteria)"),
    "sites_highlight_rank": ("第 {rank} 名 · {name}", "#{rank} · {name}"),
    "sites_highlight_out": ("{name}（不在结果中）", "{name} (not among the results)"),
    "sites_map_empty": ("没有园区符合条件：地图以灰色显示全部园区，视野为{area}。",
                        "No park meets the criteria: the map shows every park in grey, framed on {area}."),
    "sites_map_empty_network": ("另绘出所选交通网络（{year}）在此范围内的车站与线路。",
                                "It also draws the stations and lines of the chosen network ({year}) there."),
    "sites_map_area_all": ("全部园区", "all parks"),
}
