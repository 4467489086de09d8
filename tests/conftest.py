"""Shared fixtures: paths to the repo, the test data and the shared reference geodata."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"
REFERENCE = ROOT.parent / "shared" / "data" / "reference"


@pytest.fixture(autouse=True)
def own_workspace(tmp_path, monkeypatch) -> Path:
    """Every test gets a workspace file of its own (PARKATLAS_WORKSPACE), created and seeded from
    the data folder in use on first open: no test reads or writes the user's workspace, and no
    test sees another's saves."""
    path = tmp_path / "workspace" / "workspace.gpkg"
    monkeypatch.setenv("PARKATLAS_WORKSPACE", str(path))
    monkeypatch.setenv("PARKATLAS_MAP_FIRST", "0")  # AppTest has no browser to ask for the sidebar
    return path


@pytest.fixture(autouse=True)
def real_main_module():
    """Put pytest's own `__main__` back after every test. AppTest leaves `sys.modules["__main__"]`
    as the module it ran the page in, whose file (for `AppTest.from_function`) is a temporary
    script deleted afterwards; a process-based Dask cluster started by a later test spawns workers
    that import the parent's main module by that path, and they die at start ("Nanny failed to
    start"). Under `streamlit run` the main module is streamlit_app.py, which exists and does
    nothing as `__mp_main__` (tests/test_import_check.py)."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def small_parks_path() -> Path:
    """A 4-feature parks file: two Guangzhou squares (park + phase), a Foshan square, a point."""
    return TEST_DATA / "parks_small.geojson"


@pytest.fixture()
def small_data(small_parks_path, tmp_path, monkeypatch):
    """A data folder with the small parks file, the test transport and facilities layers and the
    bundled plans and land-use rules (PARKATLAS_DATA_DIR), Streamlit's caches cleared before and after."""
    import streamlit as st

    (tmp_path / "parks.geojson").write_bytes(small_parks_path.read_bytes())
    for name in ("transport_lines.geojson", "transport_nodes.geojson", "facilities.geojson"):
        (tmp_path / name).write_bytes((TEST_DATA / name).read_bytes())
    (tmp_path / "programmes.csv").write_bytes((ROOT / "data" / "programmes.csv").read_bytes())  # the plans it names
    (tmp_path / "landuse_rules.csv").write_bytes((ROOT / "data" / "landuse_rules.csv").read_bytes())  # their rules
    monkeypatch.setenv("PARKATLAS_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


@pytest.fixture()
def small_data_with_targets(small_data):
    """`small_data` plus the test targets table (what the Sites page compares)."""
    import streamlit as st

    (small_data / "targets.csv").write_bytes((TEST_DATA / "targets.csv").read_bytes())
    st.cache_resource.clear()
    return small_data


@pytest.fixture(scope="session")
def postgis_server():
    """A real PostgreSQL + PostGIS for the session (tests/postgis.py); `make test` installs
    Debian's packages. Without them the PostGIS tests are skipped locally and fail in CI."""
    from tests.postgis import PostgisServer, has_postgis

    if not has_postgis():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL + PostGIS are missing: `make test` installs postgresql and postgis")
        pytest.skip("PostgreSQL + PostGIS are not installed (apt-get install postgresql postgis)")
    server = PostgisServer.start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """../shared/data/reference (real third-party geodata, for checks only). Required in CI."""
    if not REFERENCE.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{REFERENCE} is missing: CI runs with shared/ beside the repo")
        pytest.skip(f"{REFERENCE} not found (shared/ is not beside this checkout)")
    return REFERENCE
