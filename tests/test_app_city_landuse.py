"""The Data page's "Land use of every park" (AppTest): a big land-use layer is saved in spatial
partitions by a child process, then every outlined park is composed from it and a small layer,
in this process and on a real 2-worker dask LocalCluster named by PARKATLAS_DASK_SCHEDULER, with
the same figures as the in-memory overlay; an unreachable scheduler is a clear error."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from geo.overlay import composition
from layers.big_layers import BIG_LAYER_FEATURES
from layers.landuse import illustrative_parcels
from store import default_location, open_workspace
from tests.test_app_data import page as tab  # the Data page, run once
from ui.safe_html import md

AREA = (113.355, 23.085, 113.375, 23.105)  # around the two Guangzhou test squares (park and phase)


@pytest.fixture()
def layers(small_data, tmp_path, monkeypatch):
    """A workspace with a small land-use layer and a big one (illustrative parcels, not real);
    tiles and partitions written under tmp_path. Returns both layers' parcels."""
    monkeypatch.setattr("ui.big_layers.TILES_DIR", tmp_path / "tiles")
    monkeypatch.setenv("PARKATLAS_PARTITIONS_DIR", str(tmp_path / "partitions"))
    monkeypatch.delenv("PARKATLAS_DASK_SCHEDULER", raising=False)
    big = illustrative_parcels(AREA, BIG_LAYER_FEATURES + 500, seed=11)[["code", "geometry"]]
    big.insert(0, "id", [f"b{i}" for i in range(len(big))])
    small = gpd.GeoDataFrame({"id": ["s1", "s2"], "code": ["G1", "M0"]},
                             geometry=[box(113.361, 23.091, 113.363, 23.093), box(113.366, 23.096, 113.369, 23.099)],
                             crs=4326)
    ws = open_workspace(default_location(), user="李工")
    ws.add_layer("区级地块", big, role="landuse", origin="district.gpkg", reason="district parcels")
    ws.add_layer("补充地块", small, role="landuse", origin="extra.gpkg", reason="extra parcels")
    return big, small


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def expected(big: gpd.GeoDataFrame, small: gpd.GeoDataFrame) -> pd.DataFrame:
    parks = open_workspace(default_location(), seed=False).layer("parks")
    outlined = parks[parks.geom_type.isin(["Polygon", "MultiPolygon"])]
    return composition(outlined, pd.concat([big, small], ignore_index=True), "code")


def shown(at: AppTest) -> pd.DataFrame:
    (table,) = [df.value for df in at.dataframe if "Share of park %" in df.value.columns]
    return table


def test_every_park_is_composed_from_partitions_and_memory(layers, tmp_path):
    big, small = layers
    at = tab()
    assert any("not yet saved in spatial partitions" in w.value for w in at.warning)
    assert "city_lu_run" not in [b.key for b in at.button]
    click(at, "city_lu_prepare")  # a child process writes the partitions and the tiles
    assert list((tmp_path / "partitions").glob("*/*/partitions.json"))
    assert list((tmp_path / "tiles").glob("*.pmtiles"))
    assert not at.warning
    click(at, "city_lu_run")
    table = shown(at)
    want = expected(big, small)
    assert len(table) == len(want) and set(table["ID"]) == {"test-square-park", "test-square-phase"}
    got = table.set_index(["ID", "Code"])["ha"].sort_index()
    np.testing.assert_allclose(got.to_numpy(), (want.set_index(["zone", "class"])["area_m2"].sort_index() / 1e4).round(2))
    how = "\n".join(c.value for c in at.caption)
    assert md("区级地块 (r1)") in how and md("补充地块 (r1)") in how and "in this process" in how and "EPSG:4547" in how
    assert "Parks with an outline, composed: 3; parks that are only points, not composed: 1" in how
    assert any(b.label == "Download CSV" for b in at.get("download_button"))


def test_on_a_dask_cluster_the_figures_are_the_same(layers, monkeypatch):
    from distributed import LocalCluster

    big, small = layers
    at = click(tab(), "city_lu_prepare")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        monkeypatch.setenv("PARKATLAS_DASK_SCHEDULER", cluster.scheduler_address)
        click(at, "city_lu_run")
    table = shown(at)
    want = expected(big, small).set_index(["zone", "class"])["share"].sort_index()
    got = table.set_index(["ID", "Code"])["Share of park %"].sort_index()
    np.testing.assert_allclose(got.to_numpy(), (want * 100).round(2).to_numpy())
    assert any(md(cluster.scheduler_address) in c.value for c in at.caption)


def test_an_unreachable_scheduler_is_a_clear_error(layers, monkeypatch):
    at = click(tab(), "city_lu_prepare")
    monkeypatch.setenv("PARKATLAS_DASK_SCHEDULER", "tcp://127.0.0.1:9")
    click(at, "city_lu_run")
    assert any(md("cannot reach the Dask scheduler at tcp://127.0.0.1:9") in e.value for e in at.error)
    assert not [df for df in at.dataframe if "Share of park %" in df.value.columns]


def test_without_land_use_layers_the_tab_says_how_to_bring_one(small_data):
    at = tab("zh")
    assert any("还没有用地图层" in i.value for i in at.info)


def test_the_atlas_composes_a_park_from_the_partitions_near_it(layers, monkeypatch):
    import geo.partitioned
    from tests.helpers import APP

    big, small = layers
    click(tab(), "city_lu_prepare")
    calls = []
    real = geo.partitioned.read_near
    monkeypatch.setattr(geo.partitioned, "read_near", lambda folder, bounds: calls.append(bounds) or real(folder, bounds))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["park"] = "test-square-phase"
    at.query_params["lang"] = "en"
    at.run()
    at.sidebar.toggle(key="w_landuse").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(calls) == 1  # the big layer was read from its partitions, around this park only
    from ui import data

    _, comp, illustrative = data.landuse_for_park("test-square-phase")
    want = expected(big, small)
    want = want[want["zone"] == "test-square-phase"].set_index("class")["area_m2"].sort_index()
    assert not illustrative
    np.testing.assert_allclose(comp.set_index("class")["area_m2"].sort_index().to_numpy(), want.to_numpy(), atol=1e-6)
