"""st_folium with the expensive part cached: the JavaScript of the map and of its overlays is
built once per view (language, basemap, year, filter, selection, data revisions, ...) and reused
by every rerun and every visitor asking for the same view; only the centre and zoom, which change
without rebuilding anything, are passed per call.

Rendering folium objects to JavaScript (branca/jinja templates, ~450 elements for the atlas) was
most of the atlas's server time per visit. `prepare` does what `streamlit_folium.st_folium` does
before it calls its component (the same private helpers of the pinned streamlit-folium 0.27.4),
and `show` makes that call; `tests/test_mapview.py` checks that the arguments are the ones
st_folium itself would send.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from threading import Lock
from typing import Any

import folium
import streamlit as st
import streamlit_folium as sf

MAX_VIEWS = 64
"""Prepared views kept (least recently used dropped first); one is ~50–300 KB of text."""


@dataclass(frozen=True)
class PreparedMap:
    """The arguments st_folium sends its component that do not change with centre and zoom."""

    script: str
    header: str
    html: str
    map_id: str
    defaults: dict
    feature_group: str | None
    layer_control: str | None
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    hash_base: str


def prepare(fig: folium.Map, feature_groups: list[folium.FeatureGroup] | None = None,
            layer_control: folium.LayerControl | None = None,
            returned_objects: Iterable[str] | None = None) -> PreparedMap:
    """Render `fig` and its overlays to the strings st_folium would send (see the module doc)."""
    fig.get_root().render()
    fig.render()
    html, header = sf._get_html(fig), sf._get_header(fig)
    script = sf._get_map_string(fig)
    map_id = sf.get_full_id(fig)
    bounds = fig.get_bounds()
    defaults_all = {
        "last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
        "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": bounds[0][0], "lng": bounds[0][1]},
                   "_northEast": {"lat": bounds[1][0], "lng": bounds[1][1]}},
        "zoom": fig.options.get("zoom"), "last_circle_radius": None, "last_circle_polygon": None,
        "selected_layers": None, "selected_tags": None, "last_geocoder_result": None,
    }
    wanted = None if returned_objects is None else set(returned_objects)
    defaults = {k: v for k, v in defaults_all.items() if wanted is None or k in wanted}
    groups = None
    if feature_groups is not None:
        groups = "".join(sf._get_feature_group_string(g, map=fig, idx=i) for i, g in enumerate(feature_groups))
    control = sf._get_layer_control_string(layer_control, fig) if layer_control is not None else None
    css: list[str] = []
    js: list[str] = []
    stack: list[Any] = [fig]
    while stack:  # the JS/CSS every element asks for, in document order
        el = stack.pop(0)
        css += [href for _, href in getattr(el, "default_css", [])]
        js += [src for _, src in getattr(el, "default_js", [])]
        stack[0:0] = list(getattr(el, "_children", {}).values())
    return PreparedMap(script=script, header=header, html=html, map_id=map_id, defaults=defaults,
                       feature_group=groups, layer_control=control, css_links=tuple(dict.fromkeys(css)),
                       js_links=tuple(dict.fromkeys(js)), hash_base=script)


_CACHE: OrderedDict[Hashable, PreparedMap] = OrderedDict()
_LOCK = Lock()


def prepared(key: Hashable, build: Callable[[], PreparedMap]) -> PreparedMap:
    """The prepared map for `key`, built by `build()` on the first request (shared by sessions)."""
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    made = build()
    with _LOCK:
        _CACHE[key] = made
        _CACHE.move_to_end(key)
        while len(_CACHE) > MAX_VIEWS:
            _CACHE.popitem(last=False)
    return made


def show(prep: PreparedMap, *, key: str, height: int, returned_objects: Iterable[str] | None = None,
         center: tuple[float, float] | None = None, zoom: int | None = None,
         use_container_width: bool = True, width: int | None = 500) -> dict | None:
    """Send a prepared map to the st_folium component (as `st_folium` would) and return what
    the component returns (clicks, zoom, ...)."""
    hash_key = sf.generate_js_hash(prep.hash_base, key, False)

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=prep.script, header=prep.header, html=prep.html, id=prep.map_id, key=hash_key, height=height,
        width=None if use_container_width else width,
        returned_objects=None if returned_objects is None else list(returned_objects),
        default=prep.defaults, zoom=zoom, center=center, feature_group=prep.feature_group,
        return_on_hover=False, layer_control=prep.layer_control, pixelated=False,
        css_links=list(prep.css_links), js_links=list(prep.js_links), on_change=_on_change, wrap_longitude=False)
