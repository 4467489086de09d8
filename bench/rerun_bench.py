"""Benchmark (issue 13): an atlas rerun does not grow with a big layer's size, and a tile build
costs the server nothing it keeps.

For each size, a workspace of its own gets one land-use layer of ILLUSTRATIVE generated parcels
(`layers.landuse.illustrative_parcels`: NOT real data) over a ~50 km box of Guangzhou. The atlas
is run with Streamlit's AppTest (the script runs as on the server; no browser): its first run
starts the vector tiles in a child process (`layers.big_layer_job`), and while they are built the
server process's resident memory is sampled; then the page is rerun `reruns` times (a
rerun, and a new session on the warm server) and the median script time is compared, in the same
run, with the same atlas over a workspace without the layer. For comparison, the same job run
inside this process: the memory the server would have held before builds moved to a child.

    python -m bench.rerun_bench [--sizes 10000 100000 1000000] [--reruns 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from layers.landuse import illustrative_parcels

CITY = (113.05, 22.9, 113.55, 23.35)
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def rss_mib() -> float:
    """This process's resident memory, MiB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class PeakRss:
    """Sample this process's RSS every 50 ms while in the `with` block; `.peak` MiB."""

    def __enter__(self) -> PeakRss:
        self.peak, self._stop = rss_mib(), threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mib())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed_runs(make, workspaces: list[Path], reruns: int) -> list[tuple[float, float]]:
    """Per workspace: (median seconds of `reruns` reruns of one session, median of `reruns` first
    runs of new sessions on the warm server). Workspaces alternate run by run, so the machine's
    noise falls on all alike."""
    def on(ws: Path) -> None:
        os.environ["PARKATLAS_WORKSPACE"] = str(ws)

    sessions = []
    for ws in workspaces:
        on(ws)
        at = make()
        at.run()
        sessions.append(at)
    again: list[list[float]] = [[] for _ in workspaces]
    fresh: list[list[float]] = [[] for _ in workspaces]
    for _ in range(reruns):
        for i, ws in enumerate(workspaces):
            on(ws)
            t0 = time.perf_counter()
            sessions[i].run()
            again[i].append(time.perf_counter() - t0)
            other = make()
            t0 = time.perf_counter()
            other.run()
            fresh[i].append(time.perf_counter() - t0)
    return [(statistics.median(a), statistics.median(f)) for a, f in zip(again, fresh)]


def in_process_peak(path: Path, n: int, folder: Path) -> float:
    """MiB the same job adds to this process's peak RSS when run here (what the server held
    before builds moved to a child): the parcels read, tiled and partitioned in-process."""
    from layers.big_layer_job import JobSpec, run_job

    illustrative_parcels(CITY, n, seed=2)[["code", "label", "geometry"]].to_parquet(path)
    before = rss_mib()
    with PeakRss() as peak:
        run_job(JobSpec(source=str(path), layer="inproc", revision="1", tiles_folder=str(folder),
                        properties=["code", "label", "area_m2"], partitions=str(folder / "parts" / "1")))
    return peak.peak - before


def run(sizes: list[int], reruns: int = 7) -> dict:
    from streamlit.testing.v1 import AppTest

    import ui.big_layers
    from store import open_workspace

    def atlas():
        at = AppTest.from_file(APP, default_timeout=1800)
        at.query_params["lang"] = "en"
        return at

    results: dict = {}
    tmp = Path(tempfile.mkdtemp(prefix="parkatlas-rerun-bench-"))
    ui.big_layers.TILES_DIR = tmp / "tiles"
    os.environ["PARKATLAS_PARTITIONS_DIR"] = str(tmp / "partitions")
    os.environ["PARKATLAS_WORKSPACE"] = str(tmp / "none" / "workspace.gpkg")
    none = tmp / "none" / "workspace.gpkg"
    print(f"{'parcels':>10}{'first run s':>13}{'build s':>9}{'server +MiB':>13}{'in-proc +MiB':>13}{'rerun ms':>10}{'×':>6}"
          f"{'new session ms':>16}{'×':>6}   (× = against the atlas without the layer, median of {reruns}, alternating)")
    for n in sizes:
        ws = tmp / f"n{n}" / "workspace.gpkg"
        os.environ["PARKATLAS_WORKSPACE"] = str(ws)
        parcels = illustrative_parcels(CITY, n, seed=2)[["code", "label", "geometry"]]
        open_workspace(str(ws), user="bench").add_layer(
            f"parcels {n}", parcels, role="landuse", origin="bench", reason="illustrative parcels (bench)")
        del parcels
        at = atlas()
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        before = rss_mib()
        with PeakRss() as peak:  # the first run started the build in a child; the page reruns when it is done
            t0 = time.perf_counter()
            while any(child.poll() is None for child, _ in ui.big_layers._RUNNING.values()):
                time.sleep(0.2)
            build = time.perf_counter() - t0
        assert list((tmp / "tiles").glob("*.pmtiles")), "no archive was built"
        inproc = in_process_peak(parcels_path := tmp / f"n{n}.parquet", n, tmp / f"inproc{n}")
        parcels_path.unlink(missing_ok=True)
        (b_rerun, b_fresh), (rerun, fresh) = timed_runs(atlas, [none, ws], reruns)
        results[n] = {"first_run_s": first, "build_s": build, "server_peak_extra_mib": peak.peak - before,
                      "in_process_peak_extra_mib": inproc, "rerun_s": rerun, "rerun_ratio": rerun / b_rerun,
                      "new_session_s": fresh, "new_session_ratio": fresh / b_fresh,
                      "base_rerun_s": b_rerun, "base_new_session_s": b_fresh}
        print(f"{n:>10,}{first:>13.1f}{build:>9.1f}{peak.peak - before:>13.0f}{inproc:>13.0f}{rerun * 1000:>10.0f}"
              f"{rerun / b_rerun:>6.2f}{fresh * 1000:>16.0f}{fresh / b_fresh:>6.2f}")
    shutil.rmtree(tmp, ignore_errors=True)
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--reruns", type=int, default=7)
    a = ap.parse_args()
    run(a.sizes, a.reruns)
