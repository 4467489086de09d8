"""A big layer's derived files, made in a child process (issue 13): its vector-tile archive for
one display system and, for land-use layers, its spatially partitioned GeoParquet.

Why a child process: the job reads the whole layer, writes it for tippecanoe (which cuts the tiles
in a process of its own) and, for land use, sorts it into partitions: 1M parcels' tiles alone peak
at about +360 MiB (bench/tiles_bench.py; our own encoder took 4.3 GB before issue 25). Done inside
the Streamlit server, that memory stays with the server long after the build (the allocator keeps
it) and is shared by every visitor; in a child it goes back to the system when the child exits. The child also outlives the page: an officer who leaves the Data page while the
tiles are cut still finds them on the atlas.

Run as `python -m layers.big_layer_job SPEC.json`; SPEC names the source GeoParquet (EPSG:4326, the
layer's shown attributes and geometry; the child deletes it when read), what to build, and a status
file. The child appends one JSON object per line to the status file (a file, not a pipe: nobody
may be reading when the page that started it has gone): `{"phase": ..., "done": n, "total": m}` as
it goes, then `{"archive": path, "tiles": n, "bytes": n, "seconds": s, "partitions": n | null}`;
on failure `{"error": "..."}` and exit status 1. `run_job` is the same work in-process.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import geopandas as gpd

from geo.chinese_offsets import from_wgs84
from geo.measure import geodesic_area_m2
from geo.partitioned import INDEX_FILE, write_partitioned
from layers.big_layers import tile_archive

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class JobSpec:
    """What to build from `source` (a GeoParquet in EPSG:4326).

    layer / revision / properties / variant: as `layers.big_layers.tile_archive` takes them;
    `area_m2` (geodesic, WGS84 ellipsoid, before any display shift) is added to the tiles when
    listed in `properties`. partitions: a folder for the partitioned GeoParquet (EPSG:4547,
    Hilbert order, `geo.partitioned`) of land-use layers, keyed by `class_col`; None for none.
    """

    source: str
    layer: str
    revision: str
    tiles_folder: str
    properties: list[str]
    variant: str = "wgs84"
    partitions: str | None = None
    class_col: str = "code"
    status: str | None = None
    keep_source: bool = False

    def write(self, path: Path) -> Path:
        """Save the spec as JSON at `path` (what the child reads)."""
        path.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")
        return path

    @classmethod
    def read(cls, path: Path) -> JobSpec:
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


def partitions_ready(folder: Path) -> bool:
    """Whether `folder` holds a whole partitioned layer (its index is written last)."""
    return (Path(folder) / INDEX_FILE).exists()


def _write_partitions(gdf: gpd.GeoDataFrame, folder: Path, class_col: str) -> int:
    """Write the partitioned GeoParquet into `folder` through a temporary sibling renamed at the
    end (a reader sees no folder or a whole one); returns the number of partitions."""
    if partitions_ready(folder):
        return len(json.loads((folder / INDEX_FILE).read_text(encoding="utf-8")).get("partitions", []))
    partial = folder.with_name(f".{folder.name}.{os.getpid()}.{time.monotonic_ns()}.part")
    try:
        index = write_partitioned(gdf, partial, class_col, rows_per_partition=100_000)
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(partial, folder)
        except OSError:  # another build put a whole one there first
            if not partitions_ready(folder):
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    for old in folder.parent.iterdir():  # older revisions of the same layer
        if old != folder and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    return len(index.partitions)


def run_job(spec: JobSpec, progress: Progress | None = None) -> dict:
    """Build what `spec` asks for; returns the figures the child prints last."""
    started = time.perf_counter()
    try:
        gdf = gpd.read_parquet(spec.source)
    finally:
        if not spec.keep_source:
            Path(spec.source).unlink(missing_ok=True)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise ValueError(f"the job's source must be EPSG:4326, not {gdf.crs}")
    parts = None
    if spec.partitions:
        if progress:
            progress("partitions", 0, 1)
        parts = _write_partitions(gdf, Path(spec.partitions), spec.class_col)
        if progress:
            progress("partitions", 1, 1)
    tiles = gdf[[c for c in spec.properties if c in gdf.columns] + [gdf.geometry.name]].copy()
    if "area_m2" in spec.properties:
        tiles["area_m2"] = geodesic_area_m2(gdf.geometry).round(1)  # on the ellipsoid, before any shift
    if spec.variant != "wgs84":
        present = tiles.geometry.notna()
        tiles.loc[present, tiles.geometry.name] = from_wgs84(tiles.geometry[present], spec.variant).values
    del gdf
    archive = tile_archive(tiles, layer=spec.layer, revision=spec.revision, folder=Path(spec.tiles_folder),
                           properties=spec.properties, variant=spec.variant,
                           progress=(lambda d, t: progress("tiles", d, t)) if progress else None)
    stats = archive.stats
    return {"archive": str(archive.path), "cached": archive.cached, "tiles": stats.tile_count if stats else None,
            "bytes": archive.path.stat().st_size, "seconds": round(time.perf_counter() - started, 2),
            "partitions": parts}


def main(argv: list[str]) -> int:
    """The child's entry: run the job in argv[0] (a JobSpec JSON file, removed when read)."""
    spec_path = Path(argv[0])
    spec = JobSpec.read(spec_path)
    spec_path.unlink(missing_ok=True)
    status = open(spec.status, "a", encoding="utf-8") if spec.status else sys.stdout  # noqa: SIM115
    last = [0.0]

    def say(record: dict) -> None:
        status.write(json.dumps(record, ensure_ascii=False) + "\n")
        status.flush()

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done in (0, total) or now - last[0] > 0.2:  # at most five lines a second
            last[0] = now
            say({"phase": phase, "done": done, "total": total})

    try:
        say(run_job(spec, progress))
    except Exception as exc:  # reported to the page, which says what failed; never a traceback only
        say({"error": f"{type(exc).__name__}: {exc}"[:500]})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
