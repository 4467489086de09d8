"""Labels of adding, placing and editing parks and of entering actual figures, in Chinese and
English; merged into `ui.i18n.LABELS`."""

from __future__ import annotations

PARK_EDIT_LABELS: dict[str, tuple[str, str]] = {
}
