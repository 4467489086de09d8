"""leaflet-draw in the page's language: its toolbar buttons, actions and tooltips are read from
the global `L.drawLocal`, which `DrawLocal` fills from `ui.i18n` before the Draw control is made.

Both languages are set in full (English as leaflet-draw's own defaults), so a map frame that
drew in one language and is reused in the other never keeps the first one's words."""

from __future__ import annotations

import json

import folium
from folium.plugins import Draw
from jinja2 import Template

from ui.i18n import Lang, t

DRAW_LOCAL_KEYS: dict = {
    "draw": {
        "toolbar": {
            "actions": {"title": "ld_draw_cancel_title", "text": "ld_draw_cancel"},
            "finish": {"title": "ld_draw_finish_title", "text": "ld_draw_finish"},
            "undo": {"title": "ld_draw_undo_title", "text": "ld_draw_undo"},
            "buttons": {kind: f"ld_draw_{kind}"
                        for kind in ("polyline", "polygon", "rectangle", "circle", "marker", "circlemarker")},
        },
        "handlers": {
            "circle": {"tooltip": {"start": "ld_circle_start"}, "radius": "ld_circle_radius"},
            "circlemarker": {"tooltip": {"start": "ld_circlemarker_start"}},
            "marker": {"tooltip": {"start": "ld_marker_start"}},
            "polygon": {"tooltip": {"start": "ld_polygon_start", "cont": "ld_polygon_cont", "end": "ld_polygon_end"}},
            "polyline": {"error": "ld_line_error",
                         "tooltip": {"start": "ld_line_start", "cont": "ld_line_cont", "end": "ld_line_end"}},
            "rectangle": {"tooltip": {"start": "ld_rectangle_start"}},
            "simpleshape": {"tooltip": {"end": "ld_simpleshape_end"}},
        },
    },
    "edit": {
        "toolbar": {
            "actions": {"save": {"title": "ld_edit_save_title", "text": "ld_edit_save"},
                        "cancel": {"title": "ld_edit_cancel_title", "text": "ld_edit_cancel"},
                        "clearAll": {"title": "ld_edit_clear_title", "text": "ld_edit_clear"}},
            "buttons": {"edit": "ld_edit_layers", "editDisabled": "ld_edit_layers_none",
                        "remove": "ld_remove_layers", "removeDisabled": "ld_remove_layers_none"},
        },
        "handlers": {"edit": {"tooltip": {"text": "ld_edit_drag", "subtext": "ld_edit_drag_sub"}},
                     "remove": {"tooltip": {"text": "ld_remove_click"}}},
    },
}
"""The shape of leaflet-draw 1.0's `L.drawLocal`, each text named by its `ui.i18n` key."""


def draw_texts(lang: Lang, keys: dict | None = None) -> dict:
    """`DRAW_LOCAL_KEYS` with every key replaced by its text in `lang`.

    >>> draw_texts("en")["edit"]["toolbar"]["actions"]["save"]["title"]
    'Save changes'
    """
    keys = DRAW_LOCAL_KEYS if keys is None else keys
    return {name: draw_texts(lang, value) if isinstance(value, dict) else t(value, lang)
            for name, value in keys.items()}


class DrawLocal(folium.MacroElement):
    """Sets leaflet-draw's texts (`L.drawLocal`) in one language; add it before the Draw control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            function merge(into, from) {
                Object.keys(from).forEach(function(k) {
                    if (typeof from[k] === "object" && into[k]) { merge(into[k], from[k]); } else { into[k] = from[k]; }
                });
            }
            merge(L.drawLocal, {{ this.texts_json }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: Lang):
        super().__init__()
        self._name = "DrawLocal"
        self.texts_json = json.dumps(draw_texts(lang), ensure_ascii=False).replace("</", "<\\/")


def add_draw(m: folium.Map, lang: Lang, **options) -> Draw:
    """Add leaflet-draw to `m` (folium's Draw with `options`), its texts in `lang`."""
    DrawLocal(lang).add_to(m)
    draw = Draw(**options)
    draw.add_to(m)
    return draw
