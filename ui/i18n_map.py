"""zh/en labels of the map's own controls: zoom, full screen, minimap and leaflet-draw's toolbars
and tooltips (`ui.mapview.draw_control`). Merged into `ui.i18n.LABELS`.

The English texts are the plugins' own defaults, word for word (the browser tests click
`a[title="Finish drawing"]` and `a[title="Save changes"]`)."""

from __future__ import annotations

MAP_LABELS: dict[str, tuple[str, str]] = {
    "map_zoom_in": ("放大", "Zoom in"),
    "map_zoom_out": ("缩小", "Zoom out"),
    "map_fullscreen": ("全屏", "Full screen"),
    "map_fullscreen_exit": ("退出全屏", "Exit full screen"),
    "map_minimap_hide": ("隐藏小地图", "Hide MiniMap"),
    "map_minimap_show": ("显示小地图", "Show MiniMap"),
    "map_mu_unit": ("亩", "亩 (mu)"),
    # leaflet-draw: the draw toolbar (L.drawLocal.draw)
    "ld_draw_cancel_title": ("取消绘制", "Cancel drawing"),
    "ld_draw_cancel": ("取消", "Cancel"),
    "ld_draw_finish_title": ("完成绘制", "Finish drawing"),
    "ld_draw_finish": ("完成", "Finish"),
    "ld_draw_undo_title": ("删除最后绘制的点", "Delete last point drawn"),
    "ld_draw_undo": ("删除最后一点", "Delete last point"),
    "ld_draw_polyline": ("绘制折线", "Draw a polyline"),
    "ld_draw_polygon": ("绘制多边形", "Draw a polygon"),
    "ld_draw_rectangle": ("绘制矩形", "Draw a rectangle"),
    "ld_draw_circle": ("绘制圆", "Draw a circle"),
    "ld_draw_marker": ("放置标记点", "Draw a marker"),
    "ld_draw_circlemarker": ("放置圆形标记", "Draw a circlemarker"),
    "ld_circle_start": ("按住并拖动以绘制圆。", "Click and drag to draw circle."),
    "ld_circle_radius": ("半径", "Radius"),
    "ld_circlemarker_start": ("点击地图放置圆形标记。", "Click map to place circle marker."),
    "ld_marker_start": ("点击地图放置标记点。", "Click map to place marker."),
    "ld_polygon_start": ("点击开始绘制多边形。", "Click to start drawing shape."),
    "ld_polygon_cont": ("点击继续绘制多边形。", "Click to continue drawing shape."),
    "ld_polygon_end": ("点击第一个点以闭合多边形。", "Click first point to close this shape."),
    "ld_line_error": ("<strong>错误：</strong>边线不能相交！", "<strong>Error:</strong> shape edges cannot cross!"),
    "ld_line_start": ("点击开始绘制线。", "Click to start drawing line."),
    "ld_line_cont": ("点击继续绘制线。", "Click to continue drawing line."),
    "ld_line_end": ("点击最后一个点以结束线。", "Click last point to finish line."),
    "ld_rectangle_start": ("按住并拖动以绘制矩形。", "Click and drag to draw rectangle."),
    "ld_simpleshape_end": ("松开鼠标完成绘制。", "Release mouse to finish drawing."),
    # leaflet-draw: the edit toolbar (L.drawLocal.edit)
    "ld_edit_save_title": ("保存修改", "Save changes"),
    "ld_edit_save": ("保存", "Save"),
    "ld_edit_cancel_title": ("取消编辑，放弃所有修改", "Cancel editing, discards all changes"),
    "ld_edit_cancel": ("取消", "Cancel"),
    "ld_edit_clear_title": ("清除所有图形", "Clear all layers"),
    "ld_edit_clear": ("全部清除", "Clear All"),
    "ld_edit_layers": ("编辑图形", "Edit layers"),
    "ld_edit_layers_none": ("没有可编辑的图形", "No layers to edit"),
    "ld_remove_layers": ("删除图形", "Delete layers"),
    "ld_remove_layers_none": ("没有可删除的图形", "No layers to delete"),
    "ld_edit_drag": ("拖动节点或标记点以编辑图形。", "Drag handles or markers to edit features."),
    "ld_edit_drag_sub": ("点击“取消”可撤销修改。", "Click cancel to undo changes."),
    "ld_remove_click": ("点击要删除的图形。", "Click on a feature to remove."),
}
