"""Helpers shared by the AppTest modules."""

from __future__ import annotations

PAGES_WITH_MAPS = ("ui.outline_editor", "ui.pages.atlas", "ui.history_panel")


def fake_editor_map(monkeypatch, drawings: list[dict] | None) -> None:
    """Replace st_folium (AppTest cannot run the component) with a fake: the outline editor's map
    answers `drawings` (what leaflet-draw would report), every other map answers nothing."""
    import streamlit_folium

    def fake(fig, key=None, **kwargs):
        return {"all_drawings": drawings} if key and key.startswith("outline_editor") else {}

    monkeypatch.setattr(streamlit_folium, "st_folium", fake)
    monkeypatch.setattr("ui.mapview.cached.show", lambda prep, key=None, **kwargs: {})  # the atlas's map
    for module in PAGES_WITH_MAPS:
        monkeypatch.setattr(f"{module}.st_folium", fake, raising=False)
