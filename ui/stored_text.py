"""Words ParkAtlas itself stored in the workspace or uses as names (the bundled data's author and
reasons, a layer event's action, the bundled layers' ids), shown in the page's language. What an
officer wrote is shown as written."""

from __future__ import annotations

from store.seed import SEED_REASON, UPDATE_REASON
from store.workspace import BUNDLE_AUTHOR
from ui.i18n import Lang, t

_STORED = {BUNDLE_AUTHOR: "stored_bundle_author", SEED_REASON: "stored_seed_reason",
           UPDATE_REASON: "stored_update_reason"}
"""Texts the store writes in English -> their label."""

_ACTIONS = {"add": "op_create", "hide": "op_hide", "unhide": "op_unhide"}
"""A layer event's action (`Workspace.layer_events`) -> its label."""

BUNDLED_LAYERS = {"parks": "present_layer_parks", "transport_lines": "present_layer_transport_lines",
                  "transport_nodes": "present_layer_transport_nodes", "facilities": "present_layer_facilities",
                  "landuse": "present_layer_landuse", "programmes": "layer_programmes", "targets": "layer_targets",
                  "actuals": "layer_actuals", "stories": "layer_stories",
                  "indicator_rules": "layer_indicator_rules"}
"""A bundled layer's id -> the label of its name."""


def shown(value: object, lang: Lang) -> object:
    """`value` in `lang` when it is a text the app stored itself, else `value` unchanged.

    >>> shown("ParkAtlas (bundled data)", "zh"), shown("控规红线", "en")
    ('ParkAtlas（内置数据）', '控规红线')
    """
    key = _STORED.get(value) if isinstance(value, str) else None
    return t(key, lang) if key else value


def action(value: str, lang: Lang) -> str:
    """A layer event's action ("add", "hide", "unhide") in `lang` (an unknown one as it is)."""
    key = _ACTIONS.get(value)
    return t(key, lang) if key else value


def layer_title(layer_id: str, lang: Lang, name: str | None = None) -> str:
    """A layer's name to show: a bundled layer's in `lang`, else its own `name` (or its id)."""
    key = BUNDLED_LAYERS.get(layer_id)
    return t(key, lang) if key else (name or layer_id)
