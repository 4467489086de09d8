"""Benchmark: vector tiles of a big parcel layer (geo.vector_tiles.build_pmtiles), issue 13.

ILLUSTRATIVE generated parcels (layers.landuse.illustrative_parcels, a jittered grid with random
land-use codes: NOT real data) tile a ~50 km x 50 km box over Guangzhou at each size; one PMTiles
archive of gzip MVT tiles at zooms 10-16 holds the `code` column (the MVT feature id is the row
position). Prints the build time, the archive's size, and per zoom: tiles, total and largest tile
bytes (gzip), tiny parcels drawn as stand-in squares or dropped, and the zoom's seconds. Generating
the parcels is timed apart. Serving the archive (and a cache hit on it) is the caller's business.

    python -m bench.tiles_bench [--sizes 100000 1000000] [--minzoom 10] [--maxzoom 16]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from geo.vector_tiles import TileStats, build_pmtiles
from layers.landuse import illustrative_parcels

CITY = (113.05, 22.9, 113.55, 23.35)  # lon/lat: ~51 km x 50 km over Guangzhou


def run(sizes: list[int], minzoom: int = 10, maxzoom: int = 16) -> dict[int, TileStats]:
    print(f"illustrative generated parcels (not real data) over lon/lat {CITY}, zooms {minzoom}-{maxzoom}, "
          "property `code`, tiny-polygon rule: < 4 px² -> stand-in squares")
    results = {}
    for n in sizes:
        t0 = time.perf_counter()
        parcels = illustrative_parcels(CITY, n, seed=1)[["code", "geometry"]]
        generated = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            stats = build_pmtiles(parcels, Path(tmp) / "parcels.pmtiles", layer="landuse", properties=["code"],
                                  minzoom=minzoom, maxzoom=maxzoom)
        results[n] = stats
        print(f"\n{stats.features:,} illustrative generated parcels (generated in {generated:.1f} s): "
              f"build {stats.seconds:.1f} s, archive {stats.archive_bytes / 2**20:.1f} MiB, "
              f"{stats.tile_count:,} tiles")
        print(f"{'zoom':>4}{'tiles':>8}{'total MiB':>11}{'max tile KiB':>14}{'stand-ins':>11}{'dropped':>10}{'s':>8}")
        for z in sorted(stats.tiles):
            print(f"{z:>4}{stats.tiles[z]:>8,}{stats.bytes_total[z] / 2**20:>11.2f}{stats.bytes_max[z] / 1024:>14.1f}"
                  f"{stats.stand_ins[z]:>11,}{stats.dropped[z]:>10,}{stats.seconds_by_zoom[z]:>8.1f}")
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--minzoom", type=int, default=10)
    ap.add_argument("--maxzoom", type=int, default=16)
    a = ap.parse_args()
    run(a.sizes, a.minzoom, a.maxzoom)
