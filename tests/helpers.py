"""Helpers shared by the AppTest modules."""

from __future__ import annotations

from pathlib import Path

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def run_page(query: dict | None = None, *, script: str | None = None, tables: bool = True):
    """An AppTest of the app (or of `script`, a page's source) run once with `query` in its URL;
    the atlas's tables shown (they are on request) unless `tables` is False. Fails on a traceback."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(script, default_timeout=60) if script else AppTest.from_file(APP, default_timeout=60)
    if tables:
        at.session_state["w_tables"] = True
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at

PAGES_WITH_MAPS = ("ui.panels.outline_editor", "ui.pages.atlas", "ui.panels.history_panel")


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


def signed_in_page(script: str, username: str, name: str, *, timeout: float = 60, lang: str = "en"):
    """An AppTest of `script` as `username` (display `name`) signed in just now, in `lang`: the
    session a sign-in leaves (streamlit-authenticator's keys and our `signed_in_at` claim)."""
    import time

    from streamlit.testing.v1 import AppTest

    from ui.credentials import SIGNED_IN_AT

    at = AppTest.from_string(script, default_timeout=timeout)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = name
    at.session_state[SIGNED_IN_AT] = time.time()
    at.query_params["lang"] = lang
    return at

