"""layers.import_check: an upload checked in a real child process (forked from a preloaded
forkserver): the same report and layer as `geo.io.import_file` in-process, the layer kept in a
file until used, the reader's errors passed on, and a check that overruns stopped cleanly."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo._errors import InputError
from geo.io import import_file
from layers.import_check import HEAD_ROWS, PREVIEW_FEATURES, check_upload
from tests.conftest import TEST_DATA

BAD = TEST_DATA / "bad"


def test_a_checked_upload_equals_the_in_process_import_and_lives_in_a_file():
    data = (BAD / "script_attrs.geojson").read_bytes()
    checked = check_upload(data, "script_attrs.geojson", {})
    here = import_file(BAD / "script_attrs.geojson")
    assert checked.report.features_out == here.report.features_out == checked.features
    assert checked.report.warnings == here.report.warnings
    pd.testing.assert_frame_equal(pd.DataFrame(checked.load()), pd.DataFrame(here.gdf))
    assert checked.columns == [str(c) for c in here.gdf.columns]
    assert len(checked.head) == min(HEAD_ROWS, len(here.gdf))
    assert checked.path.exists() and checked.path.parent.stat().st_mode & 0o077 == 0  # a folder of ours alone
    checked.release()
    assert not checked.path.exists()
    with pytest.raises(InputError, match="released"):
        checked.load()


def test_a_big_layer_gets_a_sampled_preview(tmp_path):
    n = PREVIEW_FEATURES + 700
    gdf = gpd.GeoDataFrame({"name": [f"p{i}" for i in range(n)]},
                           geometry=[Point(113.3 + i * 1e-5, 23.1) for i in range(n)], crs=4326)
    path = tmp_path / "many.geojson"
    gdf.to_file(path, driver="GeoJSON")
    checked = check_upload(path.read_bytes(), "many.geojson", {})
    try:
        assert checked.features == n and len(checked.preview) == PREVIEW_FEATURES and len(checked.head) == HEAD_ROWS
        assert len(checked.load()) == n
    finally:
        checked.release()


def test_the_readers_error_reaches_the_page_with_its_message():
    with pytest.raises(InputError, match="random_bytes.geojson"):
        check_upload((BAD / "random_bytes.geojson").read_bytes(), "random_bytes.geojson", {})


def test_a_check_that_overruns_is_stopped_and_the_next_one_works():
    data = (BAD / "script_attrs.geojson").read_bytes()
    with pytest.raises(InputError, match="took longer than"):
        check_upload(data, "script_attrs.geojson", {}, timeout_s=0.0001)
    checked = check_upload(data, "script_attrs.geojson", {})
    assert checked.features > 0
    checked.release()


def test_the_check_child_does_not_run_the_app():
    """multiprocessing makes a child import the parent's main module as __mp_main__; during a
    Streamlit run that is streamlit_app.py, which must then do nothing (no pages, no threads)."""
    import runpy

    from tests.helpers import APP

    module = runpy.run_path(APP, run_name="__mp_main__")
    assert "main" in module and "st" not in module  # defined, not run: nothing imported or drawn
