"""Layer id -> the bundled file and loader; the app asks here, never for a file path.

Use: `load("parks")` returns the validated parks layer (EPSG:4326, indexed by id).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

import pandas as pd

from layers import actuals, facilities, indicator_rules, landuse, parks, programmes, story_records, targets, transport
from layers._errors import UnknownLayerError
from layers.base import LayerSchema, read_geojson, validate

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""The bundled dataset. `PARKATLAS_DATA_DIR` points the registry elsewhere (tests, staging data)."""


def data_dir() -> Path:
    """The folder the bundled layer files are read from."""
    return Path(os.environ.get("PARKATLAS_DATA_DIR") or DATA_DIR)


@dataclass(frozen=True)
class LayerEntry:
    """A bundled layer: its file under data/, the function that loads and validates it, and for
    geo layers its schema and the computed columns added on load (`finish`)."""

    layer_id: str
    filename: str
    loader: Callable[[Path], gpd.GeoDataFrame]
    schema: LayerSchema | None = None
    finish: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame] | None = None
    records: bool = False
    """A table of records without geometry (plans, targets, actuals, stories, land-use rules): a CSV
    in data/ (the stories: a folder of YAML files), a layer of the workspace whose features all have
    geometry None."""

    @property
    def path(self) -> Path:
        return data_dir() / self.filename


LAYERS: dict[str, LayerEntry] = {
    "programmes": LayerEntry("programmes", "programmes.csv", programmes.load, programmes.SCHEMA, records=True),
    "parks": LayerEntry("parks", "parks.geojson", parks.load, parks.SCHEMA, parks.finish),
    "transport_lines": LayerEntry("transport_lines", "transport_lines.geojson", transport.load_lines,
                                  transport.LINES_SCHEMA, transport.finish),
    "transport_nodes": LayerEntry("transport_nodes", "transport_nodes.geojson", transport.load_nodes,
                                  transport.NODES_SCHEMA, transport.finish),
    "facilities": LayerEntry("facilities", "facilities.geojson", facilities.load, facilities.SCHEMA),
    "landuse": LayerEntry("landuse", "landuse.geojson", landuse.load, landuse.SCHEMA, landuse.finish),
    "targets": LayerEntry("targets", "targets.csv", lambda path: _bundled_targets(path), targets.SCHEMA,
                          targets.finish, records=True),
    "actuals": LayerEntry("actuals", "actuals.csv", actuals.load, actuals.SCHEMA, records=True),
    "stories": LayerEntry("stories", "stories", lambda path: _bundled_stories(path), story_records.SCHEMA,
                          records=True),
    "indicator_rules": LayerEntry("indicator_rules", "landuse_rules.csv", lambda path: _bundled_rules(path),
                                  indicator_rules.SCHEMA, records=True),
}


def _bundled_rules(path: Path) -> gpd.GeoDataFrame:
    """data/landuse_rules.csv as `indicator_rules` records, each naming a bundled plan or ``*``."""
    return indicator_rules.load(path, set(load("programmes").index) if is_bundled("programmes") else None)


def _bundled_stories(folder: Path) -> gpd.GeoDataFrame:
    """data/stories/*.yaml as `stories` records, checked against the bundled parks."""
    return story_records.load_bundled(folder, set(load("parks").index) if is_bundled("parks") else None)


def _bundle_paths(layer_id: str) -> list[Path]:
    """The file(s) of a bundled layer: its file, or the story files of its folder."""
    path = LAYERS[layer_id].path
    return sorted(path.glob("*.yaml")) if path.is_dir() else [path] if path.is_file() else []


def fingerprint(layer_id: str) -> str:
    """SHA-256 of a bundled layer's file (of a folder's files: their names and contents), to see
    whether a release changed it."""
    paths = _bundle_paths(layer_id)
    if len(paths) == 1 and paths[0] == LAYERS[layer_id].path:
        return hashlib.sha256(paths[0].read_bytes()).hexdigest()
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _bundled_targets(path: Path) -> pd.DataFrame:
    """data/targets.csv, validated against the bundled parks and plans it may point at."""
    owners = set(load("parks").index) | (set(load("programmes").index) if is_bundled("programmes") else set())
    return targets.load(path, owners)


def layer_ids() -> list[str]:
    """The ids of every bundled layer."""
    return list(LAYERS)


def workspace_layer_ids() -> list[str]:
    """The ids of the bundled layers a workspace holds (geo layers and record tables), in seeding
    order: plans before the parks that name them, targets after both."""
    return [k for k, e in LAYERS.items() if e.schema is not None]


def is_records(layer_id: str) -> bool:
    """Whether a bundled layer is a table of records without geometry (plans, targets, actuals)."""
    entry = LAYERS.get(layer_id)
    return entry is not None and entry.records


def schema(layer_id: str) -> LayerSchema | None:
    """The schema of a bundled geo layer (None for tables and unknown ids)."""
    entry = LAYERS.get(layer_id)
    return None if entry is None else entry.schema


def read_validated(layer_id: str) -> gpd.GeoDataFrame:
    """A bundled geo layer as its file holds it, validated, without computed columns (what the
    workspace seeds from). Raises LayerValidationError as `load` does."""
    entry = LAYERS[layer_id]
    if entry.schema is None:
        raise UnknownLayerError(f"{layer_id!r} is not a workspace layer")
    if entry.records:
        frame = entry.loader(entry.path)
        if layer_id == "targets":
            frame = targets.as_records(frame)
        return frame
    return validate(read_geojson(entry.path), entry.schema, origin=str(entry.path)).set_index("id", drop=False).rename_axis(None)


def finish(layer_id: str, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A layer frame (from the workspace or a file) with the columns its loader computes: the
    parks' geodesic areas, the land-use parcels' `area_m2`, transport's nullable open_year."""
    entry = LAYERS.get(layer_id)
    return gdf if entry is None or entry.finish is None else entry.finish(gdf)


def is_bundled(layer_id: str) -> bool:
    """Whether the data folder has a file for this layer (optional layers may be absent; the
    stories are a folder with at least one story file)."""
    return layer_id in LAYERS and bool(_bundle_paths(layer_id))


def load(layer_id: str) -> gpd.GeoDataFrame:
    """Load, validate and return a bundled layer as a GeoDataFrame in EPSG:4326 (the `targets`
    table is a plain DataFrame).

    Raises UnknownLayerError for an id the registry does not know, and LayerValidationError
    (naming the file, feature id and field) when the file breaks its schema.
    """
    try:
        entry = LAYERS[layer_id]
    except KeyError:
        raise UnknownLayerError(f"no layer {layer_id!r}; known layers: {', '.join(LAYERS)}") from None
    return entry.loader(entry.path)
