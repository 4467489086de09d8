"""Parcels past one machine: a spatially partitioned GeoParquet folder, and `composition` over it.

`write_partitioned` / `write_partitioned_chunks` project parcels to EPSG:4547, order them along a
Hilbert curve (geopandas' `GeoSeries.hilbert_distance`, the function dask-geopandas' spatial
shuffle uses, over one fixed extent so every chunk shares one curve) and cut the order into
GeoParquet files of ~`rows_per_partition` rows: nearby parcels share a file, so each file covers a
small area. `partitions.json` lists each file with its row count and bounds (EPSG:4547 metres).

`composition_distributed` sends each file's *path* with only the zones whose bounds meet the
file's bounds to a worker (or loops in-process), adds the partial (zone, class, planar m²) sums and
finishes as `geo.overlay.composition` does. With a remote scheduler, the folder must be readable at
the same path by every worker (a shared filesystem).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import shapely

from geo.crs import PLANAR, project
from geo.overlay import _class_areas, _finish, _planar_zones, _polygonal

if TYPE_CHECKING:
    from distributed import Client

INDEX_FILE = "partitions.json"
SCHEDULER_ENV = "PARKATLAS_DASK_SCHEDULER"
_BATCH = 16_384  # rows per row group of the sorted runs, and per batch read back when merging
Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class Partition:
    """One GeoParquet file of the folder: its name, row count and bounds (EPSG:4547 metres)."""

    file: str
    rows: int
    minx: float
    miny: float
    maxx: float
    maxy: float

    def meets(self, bounds: Sequence[float]) -> bool:
        """Whether these bounds and `bounds` (minx, miny, maxx, maxy, EPSG:4547) intersect."""
        minx, miny, maxx, maxy = bounds
        return self.minx <= maxx and minx <= self.maxx and self.miny <= maxy and miny <= self.maxy


@dataclass(frozen=True)
class PartitionIndex:
    """The folder's `partitions.json`: the files in Hilbert order, the class column, the CRS
    (always EPSG:4547), the number of parcels given and of those skipped (empty or missing
    geometry: they lie in no zone)."""

    folder: Path
    class_col: str
    crs: str
    source_rows: int
    skipped_rows: int
    partitions: tuple[Partition, ...]

    @classmethod
    def read(cls, folder: Path) -> PartitionIndex:
        """The index of a folder written by `write_partitioned`."""
        data = json.loads((Path(folder) / INDEX_FILE).read_text(encoding="utf-8"))
        parts = tuple(Partition(**p) for p in data.pop("partitions"))
        return cls(folder=Path(folder), partitions=parts, **data)

    def write(self) -> None:
        """Write `partitions.json` into the folder."""
        data = {k: v for k, v in asdict(self).items() if k != "folder"}
        (self.folder / INDEX_FILE).write_text(json.dumps(data, indent=1), encoding="utf-8")

    def path(self, part: Partition) -> Path:
        """The file of `part`."""
        return self.folder / part.file

    def intersecting(self, bounds: Sequence[float]) -> list[Partition]:
        """Partitions whose bounds meet `bounds` (minx, miny, maxx, maxy, EPSG:4547 metres)."""
        return [p for p in self.partitions if p.meets(bounds)]


def write_partitioned(parcels: gpd.GeoDataFrame, folder: Path, class_col: str,
                      rows_per_partition: int = 250_000) -> PartitionIndex:
    """Write `parcels` (EPSG:4326 or EPSG:4547, with `class_col`) into `folder` as Hilbert-ordered
    GeoParquet partitions in EPSG:4547; the Hilbert curve spans the parcels' own planar extent."""
    geoms = project(parcels.geometry, PLANAR)
    present = ~(geoms.isna() | geoms.is_empty)
    bounds = tuple(geoms[present].total_bounds) if present.any() else (0.0, 0.0, 1.0, 1.0)
    planar = gpd.GeoDataFrame({class_col: parcels[class_col]}, geometry=geoms, crs=PLANAR)
    return write_partitioned_chunks([planar], folder, class_col, bounds, rows_per_partition)


def write_partitioned_chunks(chunks: Iterable[gpd.GeoDataFrame], folder: Path, class_col: str,
                             total_bounds: Sequence[float], rows_per_partition: int = 250_000) -> PartitionIndex:
    """Write parcels that arrive in chunks (each EPSG:4326 or EPSG:4547, with `class_col`) into
    `folder` as Hilbert-ordered GeoParquet partitions, never holding more than one chunk (and one
    partition) in memory.

    total_bounds: the layer's extent in EPSG:4547 metres (minx, miny, maxx, maxy), over which the
    Hilbert curve is laid; parcels outside it are still kept (clipped onto the curve's edge).
    An external merge sort: each chunk is Hilbert-sorted and spilled as one sorted run file; the
    cut points between partitions are every `rows_per_partition`-th Hilbert distance of all runs
    (4 bytes a parcel kept in memory); then all runs are read once, in step, in batches, and each
    partition's Hilbert range is gathered from them and written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.parquet"):
        old.unlink()
    spill = folder / "_runs"
    shutil.rmtree(spill, ignore_errors=True)
    spill.mkdir()
    source = skipped = 0
    runs: list[Path] = []
    keys: list[np.ndarray] = []
    try:
        for chunk in chunks:
            source += len(chunk)
            planar = project(chunk.geometry, PLANAR)
            present = ~(planar.isna() | planar.is_empty).to_numpy()
            skipped += int((~present).sum())
            if not present.any():
                continue
            geoms = planar[present]
            h = geoms.hilbert_distance(total_bounds=tuple(total_bounds)).to_numpy()
            order = np.argsort(h, kind="stable")
            table = pa.table({
                "_hilbert": h[order],
                class_col: pa.array(chunk[class_col].to_numpy()[present][order], from_pandas=True),
                "_wkb": shapely.to_wkb(np.asarray(geoms.array)[order]),
            })
            runs.append(spill / f"run-{len(runs):05d}.parquet")
            pq.write_table(table, runs[-1], row_group_size=_BATCH)
            keys.append(h[order])
        everything = np.sort(np.concatenate(keys)) if keys else np.empty(0, dtype="uint32")
        cuts = np.unique(everything[rows_per_partition::rows_per_partition]).tolist()
        del everything, keys
        readers = [_Run(path) for path in runs]
        parts: list[Partition] = []
        for hi in [*cuts, None]:
            pieces = [piece for r in readers for piece in r.take_below(hi)]
            table = pa.concat_tables(pieces, promote_options="permissive") if pieces else None
            if table is None or table.num_rows == 0:
                continue
            frame = gpd.GeoDataFrame({class_col: table.column(class_col).to_pandas()},
                                     geometry=shapely.from_wkb(table.column("_wkb").to_numpy(zero_copy_only=False)),
                                     crs=PLANAR)
            name = f"part-{len(parts):05d}.parquet"
            frame.to_parquet(folder / name, index=False, write_covering_bbox=True, row_group_size=_BATCH)
            minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
            parts.append(Partition(name, len(frame), minx, miny, maxx, maxy))
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    index = PartitionIndex(folder, class_col, "EPSG:4547", source, skipped, tuple(parts))
    index.write()
    return index


class _Run:
    """A sorted run file read forward in batches: `take_below(hi)` hands out its next rows whose
    Hilbert distance is below `hi` (all that is left for None)."""

    def __init__(self, path: Path) -> None:
        self._batches = pq.ParquetFile(path).iter_batches(batch_size=_BATCH)
        self._head: pa.RecordBatch | None = None

    def take_below(self, hi: int | None) -> list[pa.Table]:
        out: list[pa.Table] = []
        while True:
            if self._head is None:
                self._head = next(self._batches, None)
                if self._head is None:
                    return out
            h = self._head.column("_hilbert").to_numpy()
            k = len(h) if hi is None else int(np.searchsorted(h, hi, side="left"))
            out.append(pa.Table.from_batches([self._head.slice(0, k)]))
            if k < len(h):
                self._head = self._head.slice(k)
                return out
            self._head = None


def composition_distributed(zones: gpd.GeoDataFrame, folder: Path, client: Client | None = None,
                            progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """`geo.overlay.composition(zones, parcels, class_col)` for parcels written to `folder` by
    `write_partitioned`: same columns (`zone`, `class`, `area_m2` geodesic-scaled m², `share`),
    order and values (to float rounding; classes of exactly equal area in one zone may swap).

    zones: EPSG:4326 or EPSG:4547. Each partition meets only the zones whose bounds meet its own;
    partitions that meet none are not read. client: a `distributed.Client` (workers read the files
    themselves; results gathered as they complete), or None to loop in this process. progress is
    called with (done, total) after each partition, total counting only partitions that meet a zone.
    """
    index = PartitionIndex.read(folder)
    planar_zones, scale = _planar_zones(zones)
    zone_pos, zone_geoms = _polygonal(planar_zones)
    tasks = [(str(index.path(part)), near) for part, near in _near(index, zone_geoms)]
    partials = []
    if client is None:
        for done, (path, near) in enumerate(tasks, 1):
            partials.append(_partition_areas(path, index.class_col, zone_geoms[near], near))
            if progress:
                progress(done, len(tasks))
    else:
        from distributed import as_completed

        futures = [client.submit(_partition_areas, path, index.class_col, zone_geoms[near], near, pure=False)
                   for path, near in tasks]
        for done, future in enumerate(as_completed(futures), 1):
            partials.append(future.result())
            future.release()
            if progress:
                progress(done, len(tasks))
    partials = [p for p in partials if not p.empty]
    if partials:
        sums = pd.concat(partials, ignore_index=True).groupby(["z", "class"], sort=False)["area"].sum().reset_index()
    else:
        sums = pd.DataFrame({"z": pd.Series(dtype="int64"), "class": pd.Series(dtype=object),
                             "area": pd.Series(dtype=float)})
    return _finish(sums, zones, zone_pos, zone_geoms, scale)


def _near(index: PartitionIndex, zone_geoms: np.ndarray) -> list[tuple[Partition, np.ndarray]]:
    """(partition, positions of the zones whose bounds meet its bounds) for the partitions that
    meet any; zone_geoms in EPSG:4547."""
    zb = shapely.bounds(zone_geoms)
    out = []
    for part in index.partitions:
        near = np.flatnonzero((zb[:, 0] <= part.maxx) & (zb[:, 2] >= part.minx)
                              & (zb[:, 1] <= part.maxy) & (zb[:, 3] >= part.miny))
        if len(near):
            out.append((part, near))
    return out


def read_near(folder: Path, bounds: Sequence[float]) -> gpd.GeoDataFrame:
    """The parcels of a partitioned folder whose bounding boxes meet `bounds` (minx, miny, maxx,
    maxy in EPSG:4547 metres): only the partitions that meet it are opened, and in them only the
    row groups whose bbox statistics do. Returns the class column and geometry, EPSG:4547."""
    index = PartitionIndex.read(folder)
    minx, miny, maxx, maxy = bounds
    near = ((pc.field("bbox", "xmin") <= maxx) & (pc.field("bbox", "xmax") >= minx)
            & (pc.field("bbox", "ymin") <= maxy) & (pc.field("bbox", "ymax") >= miny))
    frames = [gpd.read_parquet(index.path(p), columns=[index.class_col, "geometry"], filters=near)
              for p in index.intersecting(bounds)]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return gpd.GeoDataFrame({index.class_col: pd.Series(dtype=object)}, geometry=gpd.GeoSeries(crs=PLANAR), crs=PLANAR)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=PLANAR)


def partitions_near(zones: gpd.GeoDataFrame, folder: Path) -> int:
    """How many of `folder`'s partitions `composition_distributed(zones, folder)` reads (those
    whose bounds meet some polygonal zone's); zones in EPSG:4326 or EPSG:4547."""
    _, zone_geoms = _polygonal(_planar_zones(zones)[0])
    return len(_near(PartitionIndex.read(folder), zone_geoms))


def _partition_areas(path: str, class_col: str, zone_geoms: np.ndarray, zone_ids: np.ndarray) -> pd.DataFrame:
    """Planar m² of each class of one partition file in each of `zone_geoms` (EPSG:4547); `z` is
    the zone's position in `zone_ids`' numbering. Runs on a worker: reads the file itself."""
    near = None  # rows whose bbox meets some zone's: the file's row-group statistics skip the others
    for minx, miny, maxx, maxy in shapely.bounds(zone_geoms):
        box = ((pc.field("bbox", "xmin") <= maxx) & (pc.field("bbox", "xmax") >= minx)
               & (pc.field("bbox", "ymin") <= maxy) & (pc.field("bbox", "ymax") >= miny))
        near = box if near is None else near | box
    part = gpd.read_parquet(path, columns=[class_col, "geometry"], filters=near)
    shapely.prepare(zone_geoms)
    sums = _class_areas(zone_geoms, np.asarray(part.geometry.array), part[class_col].to_numpy())
    sums["z"] = zone_ids[sums["z"].to_numpy()].astype("int64")
    return sums


def scheduler_client(timeout: float = 10.0) -> Client | None:
    """A `distributed.Client` on the scheduler named by $PARKATLAS_DASK_SCHEDULER (such as
    "tcp://10.0.0.5:8786"), or None when it is unset or blank. Raises ValueError when the
    scheduler cannot be reached within `timeout` seconds."""
    address = os.environ.get(SCHEDULER_ENV, "").strip()
    if not address:
        return None
    from distributed import Client

    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ValueError(f"cannot reach the Dask scheduler at {address} (from ${SCHEDULER_ENV}) "
                         f"within {timeout:g} s: {exc}") from exc
