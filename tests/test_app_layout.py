"""What every page does first (AppTest): a clear error, with the one command that fixes it, when
the map's vendored files are missing (`streamlit run` without `make setup`)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "streamlit_app.py")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_missing_map_assets_are_named_with_the_fix(tmp_path, monkeypatch, lang):
    monkeypatch.setattr("ui.assets.VENDOR_DIR", tmp_path / "vendor")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(("The map cannot draw" if lang == "en" else "地图无法显示") in e for e in errors), errors
    assert [c.value for c in at.code][0] == "make setup"


def test_no_error_when_the_assets_are_there():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not any("The map cannot draw" in e.value for e in at.error)


def test_assets_install_into_an_empty_folder(tmp_path, monkeypatch):
    """`python -m ui.assets` (run by `make setup`) fills an empty static/vendor, bundle included,
    after which nothing is missing (the fresh-machine path CI takes)."""
    from ui import assets

    monkeypatch.setattr(assets, "VENDOR_DIR", tmp_path / "vendor")
    assert assets.missing_files()
    assets.install()
    assert assets.missing_files() == []
    assert (tmp_path / "vendor" / assets.BUNDLE).stat().st_size > 100_000


def test_missing_map_assets_keep_the_sidebar_in_the_first_run(tmp_path, monkeypatch):
    """The atlas's map-first paint waits for the drawn map to ask for the sidebar; a map that cannot
    draw never asks, so without the assets the first run has the sidebar (and the error) at once."""
    monkeypatch.setenv("PARKATLAS_MAP_FIRST", "1")
    monkeypatch.setattr("ui.assets.VENDOR_DIR", tmp_path / "vendor")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert any("The map cannot draw" in e.value for e in at.error)
    assert at.sidebar.multiselect(key="w_cities")
