"""Layer id -> the bundled file and loader; the app asks here, never for a file path.

Use: `load("parks")` returns the validated parks layer (EPSG:4326, indexed by id).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from layers import facilities, landuse, parks, targets, transport
from layers._errors import UnknownLayerError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""The bundled dataset. `PARKATLAS_DATA_DIR` points the registry elsewhere (tests, staging data)."""


def data_dir() -> Path:
    """The folder the bundled layer files are read from."""
    return Path(os.environ.get("PARKATLAS_DATA_DIR") or DATA_DIR)


@dataclass(frozen=True)
class LayerEntry:
    """A bundled layer: its file under data/ and the function that loads and validates it."""

    layer_id: str
    filename: str
    loader: Callable[[Path], gpd.GeoDataFrame]

    @property
    def path(self) -> Path:
        return data_dir() / self.filename


LAYERS: dict[str, LayerEntry] = {
    "parks": LayerEntry("parks", "parks.geojson", parks.load),
    "transport_lines": LayerEntry("transport_lines", "transport_lines.geojson", transport.load_lines),
    "transport_nodes": LayerEntry("transport_nodes", "transport_nodes.geojson", transport.load_nodes),
    "facilities": LayerEntry("facilities", "facilities.geojson", facilities.load),
    "landuse": LayerEntry("landuse", "landuse.geojson", landuse.load),
    "targets": LayerEntry("targets", "targets.csv", lambda path: targets.load(path, set(load("parks").index) | set(parks.PROGRAMMES))),
}


def layer_ids() -> list[str]:
    """The ids of every bundled layer."""
    return list(LAYERS)


def is_bundled(layer_id: str) -> bool:
    """Whether the data folder has a file for this layer (optional layers may be absent)."""
    return layer_id in LAYERS and LAYERS[layer_id].path.is_file()


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
