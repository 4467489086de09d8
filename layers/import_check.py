"""An upload checked outside the server process (issue 15): `geo.io.import_file` runs in a child,
which keeps the checked layer in a file and hands back only what the page shows.

Why: a 150 MB upload becomes a GeoDataFrame of several hundred MB. Held by the server until its
session ends, that memory did not come back (the allocator and references we could not trace kept
it). In a child it goes back to the system when the child exits, whatever happens; and a hostile
file that crashes or exhausts the reader takes down the child, not the server.

The children fork from one forkserver process that has `geo.io` (geopandas, pyogrio, pyproj)
loaded already, so a check starts in tens of milliseconds, not the seconds a fresh interpreter
needs; each check gets a fresh child (`max_tasks_per_child=1`). The checked layer is written with
pickle into a private temporary folder (mode 0700, ours alone): every attribute kind a hostile
file may carry survives, and only our own child ever writes there.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo._errors import InputError
from geo.io import ImportReport, import_file

PREVIEW_FEATURES = 5000
"""Past this many features the preview map draws a sample (the checked layer is intact)."""
HEAD_ROWS = 20
"""Rows of the attribute preview."""


@dataclass
class CheckedImport:
    """A checked upload: its report, the layer's columns (geometry last), a preview (a sample of
    at most PREVIEW_FEATURES non-empty features, EPSG:4326), the first HEAD_ROWS rows, and the
    whole checked layer in a file (`load()`; EPSG:4326, indexed by position in the file)."""

    report: ImportReport
    columns: list[str]
    preview: gpd.GeoDataFrame
    head: gpd.GeoDataFrame
    path: Path
    features: int
    released: bool = field(default=False)

    def load(self) -> gpd.GeoDataFrame:
        """The whole checked layer, read from its file (for the step that uses it: mapping, saving)."""
        if self.released:
            raise InputError(f"{self.report.source}: the checked layer was released; check the file again")
        return pd.read_pickle(self.path)

    def release(self) -> None:
        """Remove the checked layer's file (the session has ended, or the import was used)."""
        self.released = True
        shutil.rmtree(self.path.parent, ignore_errors=True)


def check_file(path: str, options: dict, folder: str) -> CheckedImport:
    """Run `import_file(path, **options)` and keep its layer in `folder` (runs in the child)."""
    result = import_file(path, **options)
    gdf = result.gdf
    out = Path(folder) / "checked.pickle"
    gdf.to_pickle(out)
    shown = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if len(shown) > PREVIEW_FEATURES:
        shown = shown.sample(PREVIEW_FEATURES, random_state=0)
    return CheckedImport(report=result.report, columns=[str(c) for c in gdf.columns], preview=shown,
                         head=gdf.head(HEAD_ROWS), path=out, features=len(gdf))


_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ProcessPoolExecutor:
    """The children's pool: forked from a forkserver with `geo.io` loaded, one check per child."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["geo.io", "layers.import_check"])
            _POOL = ProcessPoolExecutor(max_workers=2, mp_context=context, max_tasks_per_child=1)
        return _POOL


def _reset_pool() -> None:
    """Stop the pool and kill its children (a check that overran may be looping on a hostile file);
    the next check starts a new pool."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None:
            for child in list((getattr(_POOL, "_processes", None) or {}).values()):  # no public kill
                child.kill()
            _POOL.shutdown(wait=True, cancel_futures=True)  # the children are gone: returns at once
        _POOL = None


def check_upload(data: bytes, file_name: str, options: dict, timeout_s: float = 900.0) -> CheckedImport:
    """Check the upload `data` (named `file_name` by the user; already reduced to a safe name) in a
    child process. Raises InputError with the reader's message, or when the child died (a file
    that exhausted its memory or crashed its reader) or took longer than `timeout_s`."""
    folder = Path(tempfile.mkdtemp(prefix="parkatlas-check-"))  # 0700: ours alone
    try:
        source = folder / "upload" / file_name
        source.parent.mkdir()
        source.write_bytes(data)
        future = _pool().submit(check_file, str(source), options, str(folder))
        try:
            checked = future.result(timeout=timeout_s)
        except BrokenProcessPool as exc:
            _reset_pool()
            raise InputError(f"{file_name}: the check stopped before it finished (the file may be too "
                             "big or damaged for the reader). Import a smaller extract.") from exc
        except TimeoutError as exc:
            _reset_pool()
            raise InputError(f"{file_name}: the check took longer than {timeout_s:.0f} s. "
                             "Import a smaller extract.") from exc
        shutil.rmtree(source.parent, ignore_errors=True)
        return checked
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
