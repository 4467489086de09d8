"""Metric words → the metric ids of layers.targets.METRICS (checked against it in the tests).

The reader does not import layers.targets (it pulls in geopandas); the ids here are the same.

>>> metric_id("园区绿地率", "%"), metric_id("主营业务收入", "亿元"), metric_id("引进海外创新创业项目", "个")
('green-ratio', 'revenue', 'projects')
"""

from __future__ import annotations

import re

METRIC_RULES: tuple[tuple[str, str], ...] = (
    ("patents-per-10k", r"每万人.*专利"),
    ("rd-share", r"(?:研发|R&D|研究与试验).*(?:比重|占比|强度|占)"),
    ("green-ratio", r"绿地率|绿化率|绿化覆盖率"),
    ("charging-ratio", r"充电"),
    ("industry-concentration", r"集聚度"),
    ("graduate-share", r"本科|学历"),
    ("energy-intensity", r"能耗"),
    ("high-tech-firms", r"高新技术企业|高企"),
    ("revenue", r"营业收入|主营业务收入|营收|收入"),
    ("gdp", r"生产总值|GDP|增加值"),
    ("output", r"产值|产业规模|规模"),
    ("tax", r"税"),
    ("fund", r"基金"),
    ("investment", r"投资"),
    ("jobs", r"就业"),
    ("parking-spaces", r"停车位|车位"),
    ("housing-units", r"公寓|住房|人才房"),
    ("platforms", r"实验室|研发机构|孵化器|众创空间|创新中心|创新平台|研究院|平台|工程中心|技术中心"),
    ("patents", r"专利"),
    ("projects", r"项目"),
    ("firms", r"企业|公司"),
    ("residents", r"人才|人员|院士|专家|团队|人口"),
    ("land-developed", r"土地|用地|开发"),
    ("floor-area", r"载体|厂房|建筑面积|楼宇|用房"),
)
"""Metric words → layers.targets.METRICS id, tried in order (the unit must fit the metric)."""
UNIT_DIMENSIONS = {"money": ("万亿元", "亿美元", "万美元", "亿元", "万元", "万亿", "亿", "元"),
                   "land_area": ("平方公里", "公顷", "亩"), "floor_area": ("万平方米", "万㎡", "平方米", "㎡"),
                   "ratio": ("%", "‰", "个百分点"), "energy_intensity": ("吨标准煤/万元",)}
METRIC_DIMENSION = {"revenue": "money", "output": "money", "gdp": "money", "tax": "money", "investment": "money",
                    "fund": "money", "land-developed": "land_area", "land-area": "land_area",
                    "floor-area": "floor_area", "green-ratio": "ratio", "charging-ratio": "ratio", "rd-share": "ratio",
                    "industry-concentration": "ratio", "graduate-share": "ratio", "other-ratio": "ratio",
                    "energy-intensity": "energy_intensity", "patents-per-10k": "per_population",
                    "other-money": "money"}
"""The dimension of each metric id (others count things), as in layers.targets."""

def metric_id(metric_text: str, unit: str) -> str | None:
    """The METRICS id for `metric_text` in `unit`: the first of METRIC_RULES whose words it holds
    and whose dimension fits the unit, else other-money/other-ratio/other-count (None for a unit of
    no known dimension)."""
    dim = next((d for d, units in UNIT_DIMENSIONS.items() if unit in units), "count")
    for mid, rx in METRIC_RULES:
        if re.search(rx, metric_text) and METRIC_DIMENSION.get(mid, "count") in (dim, "per_population"):
            if mid == "patents-per-10k" or METRIC_DIMENSION.get(mid, "count") == dim:
                return mid
    return {"money": "other-money", "ratio": "other-ratio", "count": "other-count"}.get(dim)


