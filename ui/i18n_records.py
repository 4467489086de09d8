"""Labels of the record editor (plans, targets, transport, facilities) in Chinese and English;
merged into `ui.i18n.LABELS`."""

from __future__ import annotations

RECORD_LABELS: dict[str, tuple[str, str]] = {
}
