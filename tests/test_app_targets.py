"""The Targets page (AppTest): renders in both languages, filters, downloads."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import TEST_DATA


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    shutil.copy(TEST_DATA / "parks_small.geojson", tmp_path / "parks.geojson")
    shutil.copy(TEST_DATA / "targets.csv", tmp_path / "targets.csv")
    monkeypatch.setenv("PARKATLAS_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


PAGE = "from ui.pages import targets\ntargets.render()\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_targets_page_renders_and_filters(data_dir, lang):
    from ui.pages import targets as page

    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == ("发展目标" if lang == "zh" else "Targets")
    assert len(at.dataframe[0].value) == 5
    at.multiselect(key="wt_metrics").set_value(["floor-area", "land-developed"]).run()
    assert list(at.dataframe[0].value.index) == ["t-test-land", "t-test-floor"]
    assert page.METRICS["floor-area"].dimension != page.METRICS["land-developed"].dimension


def test_absent_targets_say_so_and_broken_targets_are_reported(data_dir, monkeypatch, tmp_path):
    (data_dir / "targets.csv").unlink()
    st.cache_resource.clear()
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.info and "no targets yet" in at.info[0].value
    (data_dir / "targets.csv").write_text("id,park_id\nx,y\n", encoding="utf-8")
    monkeypatch.setenv("PARKATLAS_WORKSPACE", str(tmp_path / "fresh.gpkg"))  # seeded anew from the broken file
    st.cache_resource.clear()
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.warning and "targets" in at.warning[0].value
    assert "missing column(s)" in at.code[0].value
