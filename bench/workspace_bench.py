"""Benchmark of the workspace store (store/): big saves, long histories, a big workspace in the app.

Every workspace is a new file in a temporary directory (never the user's), removed at the end.

- save_10k_vertices: one `save_feature` of a park outline with 10,000 vertices (a ~1 km circle
  around the park's point) next to saving a 5-vertex square the same way (median of 5 each,
  interleaved, each passing the current version as expected_version);
- history_1000_versions: one park given 1,000 versions (999 saves, setup, not timed), then
  `ws.history` (median of 5), and the first `ws.layer("parks")` of a newly opened workspace
  (open_workspace(seed=False), not timed) on it vs on a freshly seeded one (median of 5);
- big_workspace: 10,000 land-use parcels (`add_layer`) plus 90,000 versions spread over the 54
  parks, written with `save_features` in transactions of 1,000 (each park's last version puts back
  its bundled point, so the current parks equal the fresh workspace's); setup time and file size
  printed, and a single `save_feature` on it (median of 20) against one on a fresh workspace. Then
  the app against it vs against a fresh seeded workspace in the same run: cold start (a fresh
  process running AppTest with PARKATLAS_WORKSPACE set, median of 3, interleaved) and the atlas
  filter rerun server side (`app_bench.rerun_times`, median of 10).

The machine is shared and noisy: read the ratios, measured within one run.

    python -m bench.workspace_bench
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import Point, box

from bench.app_bench import COLD, ROOT, rerun_times
from store import FeatureChange, Workspace, open_workspace

REASON, EVIDENCE = "benchmark", "bench/workspace_bench.py"
CODES = ["M1", "M0", "R2", "B1", "G1"]
BATCH = 1_000
"""Changes per transaction when building the big workspace (Workspace.save_features)."""


def new_workspace(tmp: str, name: str, seed: bool = True) -> Workspace:
    """A new workspace file `name` in `tmp`, seeded from the bundled data/."""
    return open_workspace(os.path.join(tmp, name), user="bench", role="editor", seed=seed)


def save(ws: Workspace, pid: str, geom: shapely.Geometry, quality: str = "digitised") -> float:
    """Save `geom` as park `pid`'s outline, passing its current version; return the seconds taken."""
    version = int(ws.layer("parks").loc[pid, "_version"])
    t0 = time.perf_counter()
    ws.save_feature("parks", pid, geom, {"geometry_quality": quality}, reason=REASON, evidence=EVIDENCE,
                    expected_version=version)
    return time.perf_counter() - t0


def square(p: Point, half: float) -> shapely.Geometry:
    """An axis-aligned square of half-side `half` degrees centred on `p` (5 vertices with closure)."""
    return box(p.x - half, p.y - half, p.x + half, p.y + half)


def median_of(func: Callable[[], Any], repeat: int = 5) -> float:
    """Median seconds of `repeat` calls of `func`."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def save_10k_vertices(tmp: str, repeat: int = 5) -> dict[str, float]:
    """Median save of a 10,000-vertex outline vs a 5-vertex square, on the same park."""
    ws = new_workspace(tmp, "save.gpkg")
    pid = ws.layer("parks").index[0]
    p = ws.layer("parks").geometry.loc[pid]
    circle = p.buffer(0.009, quad_segs=2500)  # ~1 km; 4 * 2500 segments
    assert len(circle.exterior.coords) - 1 >= 10_000, len(circle.exterior.coords)
    big, small = [], []
    for _ in range(repeat):
        big.append(save(ws, pid, circle))
        small.append(save(ws, pid, square(p, 0.001)))
    b, s = statistics.median(big), statistics.median(small)
    return {"vertices": len(circle.exterior.coords) - 1, "save_10k_ms": b * 1e3, "save_square_ms": s * 1e3,
            "ratio": b / s}


def history_1000_versions(tmp: str) -> dict[str, float]:
    """One park with 1,000 versions: history read, and the parks layer read vs a fresh workspace."""
    ws = new_workspace(tmp, "history.gpkg")
    pid = ws.layer("parks").index[0]
    p = ws.layer("parks").geometry.loc[pid]
    version = int(ws.layer("parks").loc[pid, "_version"])
    t0 = time.perf_counter()
    changes = [FeatureChange(pid, square(p, 0.001 + 1e-6 * v), {"geometry_quality": "digitised"}, EVIDENCE, v)
               for v in range(version, 1000)]  # setup: 999 versions of squares whose size changes a little
    for start in range(0, len(changes), BATCH):
        ws.save_features("parks", changes[start:start + BATCH], reason=REASON)
    setup = time.perf_counter() - t0
    hist = ws.history("parks", pid)
    assert len(hist) == 1000, len(hist)
    t_hist = median_of(lambda: ws.history("parks", pid))
    fresh = new_workspace(tmp, "history-fresh.gpkg").location

    def first_layer_read(path: str) -> float:
        """Median of the first parks read of a newly opened workspace (the open is not timed)."""
        times = []
        for _ in range(5):
            w = open_workspace(path, user="bench", role="editor", seed=False)
            times.append(median_of(lambda: w.layer("parks"), repeat=1))
        return statistics.median(times)

    t_layer, t_layer_fresh = first_layer_read(ws.location), first_layer_read(fresh)
    return {"setup_999_saves_s": setup, "history_ms": t_hist * 1e3, "layer_ms": t_layer * 1e3,
            "layer_fresh_ms": t_layer_fresh * 1e3, "layer_ratio": t_layer / t_layer_fresh}


def parcels(n_side: int = 100, cell: float = 0.001) -> gpd.GeoDataFrame:
    """n_side² square land-use parcels tiling an area from 113.3E 23.1N, ids p00001..."""
    geoms, ids, codes = [], [], []
    for k in range(n_side * n_side):
        i, j = divmod(k, n_side)
        x, y = 113.3 + j * cell, 23.1 + i * cell
        geoms.append(box(x, y, x + cell, y + cell))
        ids.append(f"p{k + 1:05d}")
        codes.append(CODES[k % len(CODES)])
    return gpd.GeoDataFrame({"id": ids, "code": codes}, geometry=geoms, crs=4326)


def build_big(tmp: str, extra_versions: int = 90_000) -> tuple[str, dict[str, float]]:
    """10,000 parcels + `extra_versions` park versions via save_feature; returns (path, figures)."""
    t_start = time.perf_counter()
    ws = new_workspace(tmp, "big.gpkg")
    ws.add_layer("bench parcels", parcels(), role="landuse", origin="bench", reason=REASON)
    parks = ws.layer("parks")
    ids = list(parks.index)
    points = dict(zip(ids, parks.geometry))
    versions = {pid: int(v) for pid, v in parks["_version"].items()}
    t_loop = time.perf_counter()
    for start in range(0, extra_versions, BATCH):  # one transaction per BATCH changes (setup, not timed)
        batch = []
        for k in range(start, min(start + BATCH, extra_versions)):
            pid = ids[k % len(ids)]
            if k >= extra_versions - len(ids):  # the last save of each park puts its bundled point back
                geom, quality = points[pid], parks.loc[pid, "geometry_quality"]
            else:
                geom, quality = square(points[pid], 0.0005 + 1e-7 * (k // len(ids))), "digitised"
            batch.append(FeatureChange(pid, geom, {"geometry_quality": quality}, EVIDENCE, versions[pid]))
            versions[pid] += 1
        ws.save_features("parks", batch, reason=REASON)
        if (start + BATCH) % 10_000 == 0:
            print(f"  ... {start + BATCH:,} versions, {time.perf_counter() - t_loop:.0f} s", flush=True)
    single = [save(ws, ids[i], square(points[ids[i]], 0.0007)) for i in range(20)]  # single saves, then the points back
    for i in range(20):
        save(ws, ids[i], points[ids[i]], parks.loc[ids[i], "geometry_quality"])
    loop = time.perf_counter() - t_loop
    total_versions = sum(int(ws.layer(i, include_hidden=True)["_version"].sum()) for i in ws.layer_ids(True))
    figures = {"setup_s": time.perf_counter() - t_start, "save_loop_s": loop, "saves": extra_versions,
               "single_save_big_ms": statistics.median(single) * 1e3, "features": sum(
                   len(ws.layer(i, include_hidden=True)) for i in ws.layer_ids(True)),
               "versions": total_versions, "file_mb": os.path.getsize(ws.location) / 1e6}
    return ws.location, figures


def cold_start(path: str) -> float:
    """Seconds for a fresh process to run the app once in AppTest on the workspace at `path`."""
    out = subprocess.run([sys.executable, "-c", COLD], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PARKATLAS_WORKSPACE": path})
    return float(out.stdout.strip().splitlines()[-1])


def app_figures(big: str, fresh: str) -> dict[str, float]:
    """Cold start (median of 3, interleaved) and filter rerun (median of 10) on big vs fresh."""
    import streamlit

    cold: dict[str, list[float]] = {"big": [], "fresh": []}
    for _ in range(3):
        cold["fresh"].append(cold_start(fresh))
        cold["big"].append(cold_start(big))
    rerun = {}
    for name, path in (("fresh", fresh), ("big", big)):
        os.environ["PARKATLAS_WORKSPACE"] = path
        streamlit.cache_resource.clear()
        rerun[name] = rerun_times()[0]
    os.environ.pop("PARKATLAS_WORKSPACE", None)
    streamlit.cache_resource.clear()
    c_big, c_fresh = statistics.median(cold["big"]), statistics.median(cold["fresh"])
    return {"cold_big_s": c_big, "cold_fresh_s": c_fresh, "cold_ratio": c_big / c_fresh,
            "rerun_big_ms": rerun["big"] * 1e3, "rerun_fresh_ms": rerun["fresh"] * 1e3,
            "rerun_ratio": rerun["big"] / rerun["fresh"]}


def run(extra_versions: int = 90_000) -> dict:
    """Run every measurement, print each figure and a summary table; return the figures."""
    os.chdir(ROOT)
    tmp = tempfile.mkdtemp(prefix="parkatlas-wsbench-")
    t_all = time.perf_counter()
    try:
        s = save_10k_vertices(tmp)
        print(f"save_feature, {s['vertices']:,}-vertex outline: {s['save_10k_ms']:.0f} ms; 5-vertex square "
              f"{s['save_square_ms']:.0f} ms; ratio {s['ratio']:.1f}")
        h = history_1000_versions(tmp)
        print(f"1,000 versions of one park (999 saves took {h['setup_999_saves_s']:.1f} s): history "
              f"{h['history_ms']:.0f} ms; layer('parks') {h['layer_ms']:.1f} ms vs fresh {h['layer_fresh_ms']:.1f} ms "
              f"(ratio {h['layer_ratio']:.2f})")
        print(f"building the big workspace ({extra_versions:,} saves) ...", flush=True)
        big, b = build_big(tmp, extra_versions)
        print(f"big workspace: {b['features']:,} features, {b['versions']:,} versions, {b['file_mb']:.1f} MB; setup "
              f"{b['setup_s']:.0f} s ({b['saves']:,} versions in batches of {BATCH:,} in {b['save_loop_s']:.0f} s); "
              f"a single save on it {b['single_save_big_ms']:.1f} ms (on a fresh workspace {s['save_square_ms']:.1f} ms)")
        fresh = new_workspace(tmp, "fresh.gpkg").location
        a = app_figures(big, fresh)
        print(f"app cold start: big {a['cold_big_s']:.2f} s vs fresh {a['cold_fresh_s']:.2f} s; filter rerun: big "
              f"{a['rerun_big_ms']:.0f} ms vs fresh {a['rerun_fresh_ms']:.0f} ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    total = time.perf_counter() - t_all
    rows = [
        ("save, 10k-vertex outline vs 5-vertex square", f"{s['save_10k_ms']:.0f} ms", f"{s['save_square_ms']:.0f} ms", s["ratio"]),
        ("history of a park with 1,000 versions", f"{h['history_ms']:.0f} ms", "", None),
        ("layer('parks'), 1,000-version park vs fresh", f"{h['layer_ms']:.1f} ms", f"{h['layer_fresh_ms']:.1f} ms", h["layer_ratio"]),
        ("big workspace setup / file size", f"{b['setup_s']:.0f} s", f"{b['file_mb']:.0f} MB", None),
        ("save_feature, big vs fresh workspace", f"{b['single_save_big_ms']:.1f} ms", f"{s['save_square_ms']:.1f} ms",
         b["single_save_big_ms"] / s["save_square_ms"]),
        ("app cold start, big vs fresh", f"{a['cold_big_s']:.2f} s", f"{a['cold_fresh_s']:.2f} s", a["cold_ratio"]),
        ("atlas filter rerun, big vs fresh", f"{a['rerun_big_ms']:.0f} ms", f"{a['rerun_fresh_ms']:.0f} ms", a["rerun_ratio"]),
    ]
    print(f"\n{'measure':<46}{'value':>10}{'baseline':>10}{'ratio':>8}")
    for name, value, base, ratio in rows:
        print(f"{name:<46}{value:>10}{base:>10}{'' if ratio is None else f'{ratio:.2f}':>8}")
    print(f"total run time {total:.0f} s")
    return {"save_10k_vertices": s, "history_1000_versions": h, "big_workspace": {**b, **a}, "total_s": total}


if __name__ == "__main__":
    run()
