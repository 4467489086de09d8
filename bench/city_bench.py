"""Benchmark: land-use composition of ~50 park-sized zones over a city-sized parcel layer, in one
process (geo.overlay.composition on the whole frame) vs over a Hilbert-partitioned GeoParquet
folder on a local dask cluster (geo.partitioned.composition_distributed).

ILLUSTRATIVE parcels (layers.landuse.illustrative_parcels, jittered grid cells with random codes,
NOT real data) tile a ~60 km x 55 km box around Guangzhou, generated in latitude strips of at most
--chunk parcels and streamed into geo.partitioned.write_partitioned_chunks, so the whole layer is
never in memory for the partitioned path (neighbouring strips overlap by a few metres at their
seams: both paths count those parcels alike). Zones are 50 discs of 1-10 km² at random places in
the box, EPSG:4547. The one-process path needs the whole frame in memory and is skipped above
--single-max parcels. The streamed write and (a) run in child processes (so each RSS is its own).
Peak RSS is sampled every 50 ms during each phase, of this (driver) process and of each worker
process (the largest one shown). One run per figure.

    python -m bench.city_bench [--sizes 1000000 5000000 20000000] [--workers 2]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import psutil
import shapely

from geo.crs import PLANAR, WGS84
from geo.overlay import composition
from geo.partitioned import PartitionIndex, composition_distributed, write_partitioned_chunks
from layers.landuse import illustrative_parcels

CITY = (113.1, 22.9, 113.7, 23.4)  # lon/lat box, about 61 km x 55 km


def parcel_chunks(n: int, chunk: int) -> Iterator[gpd.GeoDataFrame]:
    """About `n` ILLUSTRATIVE parcels (code, geometry; EPSG:4547) in latitude strips of <= `chunk`."""
    strips = max(1, math.ceil(n / chunk))
    edges = np.linspace(CITY[1], CITY[3], strips + 1)
    for i in range(strips):
        part = illustrative_parcels((CITY[0], edges[i], CITY[2], edges[i + 1]), n // strips, seed=i, crs="planar")
        yield part[["code", "geometry"]]


def write_city(n: int, chunk: int, folder: Path, rows_per_partition: int) -> None:
    """Generate about `n` parcels chunk by chunk, streamed into a partitioned folder."""
    write_partitioned_chunks(parcel_chunks(n, chunk), folder, "code", city_extent(), rows_per_partition)


def single_process(n: int, chunk: int) -> tuple[float, float, float, pd.DataFrame]:
    """In a fresh process: the whole layer as one frame, then `composition` of the zones over it.
    Returns (seconds to generate, seconds of composition, peak RSS MB during it, the result)."""
    frame, load_s, _ = timed(lambda: pd.concat(list(parcel_chunks(n, chunk)), ignore_index=True))
    result, seconds, peaks = timed(composition, park_zones(), frame, "code")
    return load_s, seconds, peaks.driver, result


def city_extent() -> tuple[float, float, float, float]:
    """The city box's planar envelope, EPSG:4547 metres."""
    outline = gpd.GeoSeries([shapely.box(*CITY)], crs=WGS84).segmentize(0.001).to_crs(PLANAR)
    x0, y0, x1, y1 = (float(v) for v in outline.total_bounds)
    return x0, y0, x1, y1


def park_zones(count: int = 50, seed: int = 5) -> gpd.GeoDataFrame:
    """`count` discs of 1-10 km² at random places in the city box, EPSG:4547, labelled z00..."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = city_extent()
    pad = 2_000
    xs, ys = rng.uniform(x0 + pad, x1 - pad, count), rng.uniform(y0 + pad, y1 - pad, count)
    radii = np.sqrt(rng.uniform(1e6, 10e6, count) / math.pi)
    discs = shapely.buffer(shapely.points(xs, ys), radii, quad_segs=32)
    return gpd.GeoDataFrame(geometry=discs, index=[f"z{i:02d}" for i in range(count)], crs=PLANAR)


class Peaks:
    """Peak RSS (MB) of this process and of `pids`, sampled every 50 ms while in the `with` block."""

    def __init__(self, pids: list[int] | None = None) -> None:
        self.procs = [psutil.Process(p) for p in (pids or [])]
        self.driver = 0.0
        self.workers = 0.0
        self._stop = threading.Event()

    def _sample(self) -> None:
        me = psutil.Process()
        while True:
            self.driver = max(self.driver, me.memory_info().rss / 2**20)
            for p in self.procs:
                try:
                    self.workers = max(self.workers, p.memory_info().rss / 2**20)
                except psutil.Error:  # a process that has just ended
                    pass
            if self._stop.wait(0.05):
                return

    def __enter__(self) -> Peaks:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(func: Callable[..., Any], *args: Any, pids: list[int] | None = None, **kw: Any) -> tuple[Any, float, Peaks]:
    with Peaks(pids) as peaks:
        t0 = time.perf_counter()
        out = func(*args, **kw)
        seconds = time.perf_counter() - t0
    return out, seconds, peaks


def agree(a: pd.DataFrame, b: pd.DataFrame) -> float:
    """Largest |area_m2| difference between two compositions (inf if zones/classes differ)."""
    if a[["zone", "class"]].values.tolist() != b[["zone", "class"]].values.tolist():
        return float("inf")
    return float(np.abs(a["area_m2"].to_numpy() - b["area_m2"].to_numpy()).max())


def run(sizes: list[int], workers: int, chunk: int, rows_per_partition: int, single_max: int, root: Path) -> dict:
    from distributed import Client, LocalCluster

    zones = park_zones()
    print(f"ILLUSTRATIVE generated grid parcels (not real data) over lon/lat {list(CITY)}; {len(zones)} disc zones "
          f"of 1-10 km² (EPSG:4547); chunks of <= {chunk:,} parcels, partitions of ~{rows_per_partition:,} rows; "
          f"{workers}-worker LocalCluster (processes, 1 thread each) on {os.cpu_count()} cores")
    results = {}
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        for n in sizes:
            folder = root / f"parcels-{n}"
            writer = multiprocessing.get_context("spawn").Process(
                target=write_city, args=(n, chunk, folder, rows_per_partition))
            t0 = time.perf_counter()
            writer.start()
            with Peaks([writer.pid]) as w:
                writer.join()
            write_s = time.perf_counter() - t0
            if writer.exitcode != 0:
                raise RuntimeError(f"the writer process failed (exit code {writer.exitcode})")
            index = PartitionIndex.read(folder)
            rows = sum(p.rows for p in index.partitions)
            print(f"\n{rows:,} parcels: streamed write of {len(index.partitions)} partitions (generating "
                  f"included, in a child process) {write_s:.1f} s, its peak RSS {w.workers:,.0f} MB")
            dist, dist_s, d = timed(composition_distributed, zones, folder, client=client, pids=pids)
            row: dict[str, Any] = {"parcels": rows, "partitions": len(index.partitions), "write_s": write_s,
                                   "write_process_mb": w.workers, "distributed_s": dist_s,
                                   "distributed_driver_mb": d.driver, "distributed_worker_mb": d.workers}
            print(f"  (b) composition_distributed, {workers} workers: {dist_s:7.2f} s, "
                  f"driver peak RSS {d.driver:,.0f} MB, largest worker peak RSS {d.workers:,.0f} MB")
            if n <= single_max:
                with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                    load_s, one_s, one_mb, one = pool.submit(single_process, n, chunk).result()
                row.update(single_s=one_s, single_mb=one_mb, max_area_diff_m2=agree(one, dist))
                print(f"  (a) composition in one process:    {one_s:7.2f} s, its peak RSS {one_mb:,.0f} MB "
                      f"(whole frame in memory, in a fresh process; generating it took {load_s:.1f} s)")
                print(f"  ratio (a)/(b): time {one_s / dist_s:.2f}x, peak RSS (a)/(largest process of b) "
                      f"{one_mb / max(d.driver, d.workers):.2f}x; largest area difference {row['max_area_diff_m2']:.2e} m²")
            else:
                print(f"  (a) skipped: {n:,} parcels is above --single-max {single_max:,} (the whole frame would "
                      f"have to be in memory)")
            results[n] = row
            shutil.rmtree(folder, ignore_errors=True)
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000, 20_000_000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=1_000_000)
    ap.add_argument("--rows-per-partition", type=int, default=250_000)
    ap.add_argument("--single-max", type=int, default=5_000_000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="parkatlas-citybench-") as tmp:
        run(a.sizes, a.workers, a.chunk, a.rows_per_partition, a.single_max, Path(tmp))
