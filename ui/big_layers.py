"""Big user layers on the map as vector tiles (issue 13): their archives, built with progress
shown, kept in `.cache/tiles/` (private: each session's map gets its own URL for an archive, served
by `ui.server_routes` only while that session may read layers, Range requests included) by layer and
revision (`layers.big_layers.tile_archive`), and where the map finds them; for land-use layers
also their spatially partitioned GeoParquet (`geo.partitioned`), which city-scale composition reads.

Both are made by a child process (`layers.big_layer_job`): the server never holds a build's
memory, and a build goes on when its visitor leaves the page. One archive per display system: over
Gaode the layer is shifted to GCJ-02 before its tiles are cut (the same shift every other layer
gets for display, `ui.mapview.basemaps.for_display`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import geopandas as gpd
import streamlit as st

from layers.big_layer_job import JobSpec, partitions_ready
from layers.big_layers import archive_name, file_stem
from layers.user_layers import UserLayer
from store import WorkspaceError
from ui import file_gate, session_rights, workspace
from ui.i18n import Lang, t
from ui.assets import localize
from ui.mapview.basemaps import display_system
from ui.mapview.vector_tiles import LABELS, VectorTileLayer, land_use_tiles
from ui.page import vendor_url
from ui.safe_html import esc

TILES_ENV = "PARKATLAS_TILES_DIR"
TILES_DIR = Path(os.environ.get(TILES_ENV, "").strip() or Path(__file__).resolve().parent.parent / ".cache" / "tiles")
"""Where the archives live: outside static/ (which Streamlit serves to anyone); a session fetches
one only through the URL `tiles_url` gives it."""

PARTITIONS_ENV = "PARKATLAS_PARTITIONS_DIR"

SHOWN_FIELDS = ("code", "name_zh", "name", "id", "label")
"""Attributes a parcel's popup shows, when the layer has them (plus its geodesic area)."""


def tiles_url(path: Path) -> str:
    """This session's URL for the archive at `path` (in TILES_DIR): answered by our server only
    while this session is connected and may read layers (`ui.file_gate`), honouring
    server.baseUrlPath."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    token = file_gate.grant("tiles", path.name, ctx.session_id if ctx else "", session_rights.may_read_layers,
                            path=path, media_type="application/vnd.pmtiles")
    return file_gate.url(token, path.name, st.get_option("server.baseUrlPath") or "")


def fields(layer: UserLayer) -> list[str]:
    """The attributes that go into the tiles: SHOWN_FIELDS the layer has, and `area_m2`."""
    return [c for c in SHOWN_FIELDS if c in layer.gdf.columns] + ["area_m2"]


def _revision(layer: UserLayer) -> str:
    return str(workspace.revisions().get(layer.layer_id or "", 0))


def _key(layer: UserLayer) -> str:
    """The layer's name for its archives (and so, in part, their public file names): its id and
    a digest of its workspace (two workspaces may each have a layer "user-1" at revision 3)."""
    return _key_of(layer.layer_id or layer.name)


def _key_of(layer_id: str) -> str:
    where = hashlib.sha256(public_location(workspace.location()).encode("utf-8")).hexdigest()[:12]
    return f"{layer_id}@{where}"


def public_location(location: str) -> str:
    """The workspace's location with any password taken out: what a file name may be derived from.

    >>> public_location("postgresql+psycopg://atlas:s3cret@db:5432/parkatlas")
    'postgresql+psycopg://atlas:***@db:5432/parkatlas'
    >>> public_location("/home/li/workspace.gpkg")
    '/home/li/workspace.gpkg'
    """
    if "://" not in location:
        return location
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(location).render_as_string(hide_password=True)
    except ArgumentError:
        return location.split("://", 1)[0] + "://"


def _partitions_root() -> Path:
    return Path(os.environ.get(PARTITIONS_ENV, "").strip() or Path(__file__).resolve().parent.parent / ".cache" / "partitions")


def remove_files(layer_ids: list[str]) -> int:
    """Remove the tile archives (every revision and display system) and the partitioned GeoParquet
    of these layers of the current workspace: what a hidden layer no longer needs (restored, its
    tiles are built again). Returns how many archives and folders were removed."""
    removed = 0
    for layer_id in layer_ids:
        stem = file_stem(_key_of(layer_id))
        for path in TILES_DIR.glob(f"{stem}.*.pmtiles"):
            path.unlink(missing_ok=True)
            removed += 1
        folder = _partitions_root() / stem
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def remove_hidden_layers_files() -> int:
    """`remove_files` for every hidden layer of the current workspace (a layer another server of
    the team hid leaves its archives here until this sweep); 0 when the workspace cannot be read."""
    ws = workspace.current()
    if ws is None:
        return 0
    try:
        visible = set(ws.layer_ids())
        hidden = [layer_id for layer_id in ws.layer_ids(include_hidden=True) if layer_id not in visible]
    except WorkspaceError:
        return 0
    return remove_files(hidden)


def existing(layer: UserLayer, basemap: str) -> Path | None:
    """The archive of the layer's current revision for `basemap`'s display system, if built."""
    path = TILES_DIR / _archive_name(layer, basemap)
    return path if path.exists() else None


def partitions_folder(layer: UserLayer) -> Path:
    """Where the layer's current revision is kept as partitioned GeoParquet (land-use layers):
    `$PARKATLAS_PARTITIONS_DIR` (shared storage every Dask worker can read, for a cluster) or
    `.cache/partitions` in the app's folder; one folder per layer, one sub-folder per revision."""
    return _partitions_root() / file_stem(_key(layer)) / _revision(layer)


def partitioned(layer: UserLayer) -> Path | None:
    """The layer's partitioned GeoParquet folder when it is written for its current revision."""
    folder = partitions_folder(layer)
    return folder if partitions_ready(folder) else None


_RUNNING: dict[str, tuple[subprocess.Popen, Path]] = {}
"""Jobs this server started, by archive name: (the child, its status file)."""
_FAILED: dict[str, str] = {}
"""Why the last job of an archive failed, by archive name (not started again on its own)."""
_ENDED: dict[str, float] = {}
"""When a job was first seen finished (time.monotonic()), by archive name."""
_RUNNING_LOCK = threading.Lock()


def _archive_name(layer: UserLayer, basemap: str) -> str:
    return archive_name(_key(layer), _revision(layer), fields(layer), display_system(basemap))


def building(layer: UserLayer, basemap: str) -> bool:
    """Whether this server is building the layer's archive for `basemap` right now."""
    with _RUNNING_LOCK:
        job = _RUNNING.get(_archive_name(layer, basemap))
    return job is not None and job[0].poll() is None


def failed(layer: UserLayer, basemap: str) -> str | None:
    """Why the last build of the layer's archive for `basemap` failed, or None."""
    _settle()
    with _RUNNING_LOCK:
        return _FAILED.get(_archive_name(layer, basemap))


def _settle(grace_s: float = 10.0) -> None:
    """Forget jobs that finished over `grace_s` ago (pages waiting on them have read their status
    by then): a failure's reason is kept (`failed`), the job's folder removed."""
    now = time.monotonic()
    with _RUNNING_LOCK:
        for name, (child, status_file) in list(_RUNNING.items()):
            if child.poll() is None:
                continue
            status = _last_status(status_file)
            if "archive" not in status:
                _FAILED[name] = str(status.get("error") or f"exit status {child.returncode}")[:300]
            if now - _ENDED.setdefault(name, now) >= grace_s:
                del _RUNNING[name], _ENDED[name]
                shutil.rmtree(status_file.parent, ignore_errors=True)


def start(layer: UserLayer, basemap: str, retry: bool = False) -> tuple[subprocess.Popen, Path] | None:
    """Start the child that builds the layer's archive for `basemap` and, for a land-use layer,
    its partitioned GeoParquet (`layers.big_layer_job`), without waiting; join it when it runs
    already. None when the archive exists, or when its last build failed and `retry` is False."""
    if existing(layer, basemap) is not None:
        return None
    _settle()
    name = _archive_name(layer, basemap)
    with _RUNNING_LOCK:
        job = _RUNNING.get(name)
        if job is not None and (job[0].poll() is None or name not in _FAILED or not retry):
            return job  # running, or just finished (its status is still there)
        if name in _FAILED and not retry:
            return None
        _FAILED.pop(name, None)
        _ENDED.pop(name, None)
        stale = _RUNNING.pop(name, None)  # a failed job being tried again
        if stale is not None:
            shutil.rmtree(stale[1].parent, ignore_errors=True)
        folder = Path(tempfile.mkdtemp(prefix="parkatlas-job-"))
        gdf = layer.gdf
        source = gpd.GeoDataFrame({c: gdf[c].astype("string").fillna("") for c in SHOWN_FIELDS if c in gdf.columns},
                                  geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
        source.to_parquet(folder / "source.parquet")
        del source
        spec = JobSpec(source=str(folder / "source.parquet"), layer=_key(layer), revision=_revision(layer),
                       tiles_folder=str(TILES_DIR), properties=fields(layer), variant=display_system(basemap),
                       partitions=str(partitions_folder(layer)) if layer.is_land_use else None,
                       status=str(folder / "status.jsonl"))
        root = Path(__file__).resolve().parent.parent
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
        with open(folder / "stderr.txt", "wb") as errors:  # the child's own copy stays open
            child = subprocess.Popen([sys.executable, "-m", "layers.big_layer_job", str(spec.write(folder / "spec.json"))],
                                     cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=errors, start_new_session=True)
        _RUNNING[name] = job = (child, folder / "status.jsonl")
    remove_hidden_layers_files()  # a new build is when disk space is wanted
    return job


def _last_status(path: Path) -> dict:
    """The last whole line the child wrote to its status file ({} before the first)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    for line in reversed(lines):
        try:
            return json.loads(line)
        except json.JSONDecodeError:  # a line being written
            continue
    return {}


def build(layer: UserLayer, basemap: str, lang: Lang) -> Path | None:
    """Build (or find) the layer's archive for `basemap` in a child process, with a progress bar
    while this page waits; None, after saying why, when it cannot be built. The child goes on if
    the visitor leaves the page: the atlas then finds the archive when it is done."""
    found = existing(layer, basemap)
    if found is not None:
        return found
    text = t("tiles_building", lang, name=layer.name, n=len(layer.gdf))
    bar = st.progress(0.0, text=text)
    try:
        job = start(layer, basemap, retry=True)
    except (OSError, ValueError) as exc:
        bar.empty()
        st.error(t("tiles_failed", lang, name=layer.name, why=str(exc)[:300]))
        return None
    if job is None:  # built meanwhile by another visitor's job
        bar.empty()
        return existing(layer, basemap)
    child, status_file = job
    status: dict = {}
    while child.poll() is None:
        status = _last_status(status_file)
        if status.get("phase") == "tiles":
            bar.progress(min(status["done"] / max(status["total"], 1), 1.0), text=text)
        elif status.get("phase") == "partitions":
            bar.progress(0.0, text=t("partitions_writing", lang, name=layer.name))
        time.sleep(0.25)
    status = _last_status(status_file)  # the job's folder goes when it is settled: others may wait on it too
    bar.empty()
    if "archive" not in status:
        why = status.get("error") or t("tiles_child_died", lang, code=child.returncode)
        st.error(t("tiles_failed", lang, name=layer.name, why=str(why)[:300]))
        return None
    st.success(t("tiles_built", lang, name=layer.name, n=len(layer.gdf), mib=status["bytes"] / 2**20,
                 s=status["seconds"]))
    return Path(status["archive"])


def map_layer(layer: UserLayer, path: Path, lang: Lang) -> VectorTileLayer:
    """The big layer `layer` drawn from its archive at `path` (served by us, its scripts too); a
    constraint layer (`layers.constraint_layers`) filled in its kind's colour."""
    from layers.constraint_layers import spec_of

    used_as = spec_of(layer.gdf, layer.role)
    if used_as is not None:
        kind = used_as.kind.name_zh if lang == "zh" else used_as.kind.name_en
        return localize(VectorTileLayer(
            tiles_url(path), data_layer=path.name.split(".")[0], colours={}, code_field="code",
            labels=[(f, t(LABELS[f], lang)) for f in fields(layer) if f in LABELS], area_label=t("tiles_area", lang),
            attribution=esc(layer.name), name=esc(f"{layer.name} · {kind}"), default_fill=used_as.colour), vendor_url())
    codes = [str(c) for c in layer.gdf["code"].dropna().unique()] if "code" in layer.gdf.columns else []
    return localize(land_use_tiles(tiles_url(path), path.name.split(".")[0], fields(layer), lang,
                                   attribution=esc(layer.name),
                                   name=esc(t("tiles_layer", lang, name=layer.name, markdown=False)),
                                   codes=codes), vendor_url())
