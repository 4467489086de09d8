"""Benchmark: vector tiles of a big parcel layer (geo.vector_tiles.build_pmtiles, cut by tippecanoe),
issues 13 and 25.

ILLUSTRATIVE generated parcels (layers.landuse.illustrative_parcels, a jittered grid with random
land-use codes: NOT real data) tile a ~50 km x 50 km box over Guangzhou at each size; one PMTiles
archive of gzip MVT tiles at zooms 10-16 holds the `code` column (the MVT feature id is the row
position), tiny polygons (< 4 px²) as stand-in squares. Prints the build time, the archive's size,
the peak memory of the build (this process plus tippecanoe, sampled every 50 ms, above what the
process held before it), and per zoom: tiles, total and largest tile bytes (gzip) and tippecanoe's
count of tiny polygon pieces. `--app` builds with the app's settings instead (layers.big_layers:
zooms 6-16, STAND_IN_PX by zoom: three tippecanoe runs). Generating the parcels is timed apart.

    python -m bench.tiles_bench [--sizes 100000 1000000] [--minzoom 10] [--maxzoom 16] [--app]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import psutil

from geo.vector_tiles import DEFAULT_MIN_AREA_PX, TileStats, build_pmtiles
from layers.big_layers import STAND_IN_PX, TILE_ZOOMS
from layers.landuse import illustrative_parcels

CITY = (113.05, 22.9, 113.55, 23.35)  # lon/lat: ~51 km x 50 km over Guangzhou


class PeakMemory:
    """The largest RSS of this process plus its children (tippecanoe) while in the `with` block,
    sampled every 50 ms, in bytes above this process's RSS when the block began."""

    def __init__(self) -> None:
        self.me = psutil.Process()
        self.peak = self.base = 0
        self._stop = threading.Event()

    def _rss(self) -> int:
        total = self.me.memory_info().rss
        for child in self.me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:  # gone between the listing and the reading
                pass
        return total

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self._rss())

    def __enter__(self) -> PeakMemory:
        self.base = self.peak = self._rss()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def above_base(self) -> int:
        return self.peak - self.base


def run(sizes: list[int], minzoom: int = 10, maxzoom: int = 16, app: bool = False) -> dict[int, tuple[TileStats, int]]:
    if app:
        minzoom, maxzoom = TILE_ZOOMS
    rule = "the app's STAND_IN_PX by zoom" if app else f"< {DEFAULT_MIN_AREA_PX:g} px² at every zoom"
    print(f"illustrative generated parcels (not real data) over lon/lat {CITY}, zooms {minzoom}-{maxzoom}, "
          f"property `code`, cut by tippecanoe; tiny polygons -> stand-in squares ({rule})")
    results = {}
    for n in sizes:
        t0 = time.perf_counter()
        parcels = illustrative_parcels(CITY, n, seed=1)[["code", "geometry"]]
        generated = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp, PeakMemory() as memory:
            stats = build_pmtiles(parcels, Path(tmp) / "parcels.pmtiles", layer="landuse", properties=["code"],
                                  minzoom=minzoom, maxzoom=maxzoom,
                                  min_area_px=STAND_IN_PX if app else DEFAULT_MIN_AREA_PX)
        results[n] = (stats, memory.above_base)
        print(f"\n{stats.features:,} illustrative generated parcels (generated in {generated:.1f} s): "
              f"build {stats.seconds:.1f} s, archive {stats.archive_bytes / 2**20:.1f} MiB, "
              f"{stats.tile_count:,} tiles, peak memory +{memory.above_base / 2**20:,.0f} MiB "
              f"(this process + tippecanoe)")
        print("tippecanoe runs: " + ", ".join(f"zooms {a}-{b} ({px:g} px²) {s:.1f} s" for a, b, px, s in stats.runs))
        print(f"{'zoom':>4}{'tiles':>8}{'total MiB':>11}{'max tile KiB':>14}{'tiny pieces':>13}")
        for z in sorted(stats.tiles):
            print(f"{z:>4}{stats.tiles[z]:>8,}{stats.bytes_total[z] / 2**20:>11.2f}{stats.bytes_max[z] / 1024:>14.1f}"
                  f"{stats.tiny[z]:>13,}")
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--minzoom", type=int, default=10)
    ap.add_argument("--maxzoom", type=int, default=16)
    ap.add_argument("--app", action="store_true", help="the app's zooms and stand-in sizes (layers.big_layers)")
    a = ap.parse_args()
    run(a.sizes, a.minzoom, a.maxzoom, a.app)
