"""Builds folium maps from layers and a view state: the only place folium is used.

The map is split as streamlit-folium wants it (DESIGN.md §7): `base_map` (tiles, controls,
legend) stays the same while the user filters, and the overlays (`park_groups`,
`transport_groups`, rebuilt on every change) are handed to `st_folium(feature_group_to_add=...)`,
so the map updates in place instead of reloading. Every property that reaches a tooltip is
escaped (`ui.safe_html`) and only the properties the map shows are sent.
"""

from ui.mapview.base import TILES, Legend, MetricScale, base_map, layer_control
from ui.mapview.parks import display_frame, park_groups, plan_legend

__all__ = ["TILES", "Legend", "MetricScale", "base_map", "layer_control", "display_frame", "park_groups", "plan_legend"]
