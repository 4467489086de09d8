"""A process-based Dask cluster starts after a page test (AppTest) has run: the CI failure of
2026-12-04 ("Nanny failed to start") was AppTest leaving a deleted script as `__main__`."""

from __future__ import annotations

import sys

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    st.write("a page")


def test_a_page_test_runs_first():
    AppTest.from_function(_page).run()
    main_file = getattr(sys.modules["__main__"], "__file__", "") or ""
    assert "pytest" not in main_file  # AppTest's own script (a temporary file), not pytest's main


def test_then_a_process_cluster_starts():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        assert client.submit(sum, [1, 2, 3]).result(timeout=60) == 6
