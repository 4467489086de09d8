"""Basemap tiles for static exports: which XYZ tiles cover a view, fetching them (over HTTP, or
never when offline) within a time budget, and stitching them into one image in EPSG:3857."""

from __future__ import annotations

import io
import math
import time
import urllib.request
from collections.abc import Callable

from PIL import Image
from xyzservices import providers

TileFetcher = Callable[[int, int, int], "bytes | None"]
"""(z, x, y) -> PNG/JPEG bytes of one XYZ tile, or None when it cannot be had."""

BASEMAP = providers.Esri.WorldGrayCanvas
"""The light presentation basemap (the same as ui/mapview/base.py TILES["light"])."""
MAX_TILES = 30
TILE_TIMEOUT_S = 2.0
TILE_BUDGET_S = 10.0
"""Seconds one view may spend fetching tiles in all; past it the view is drawn without a basemap."""
BACKGROUND = "#f2f1ed"
_HALF_WORLD = 20037508.342789244  # half the width of the EPSG:3857 world, metres
_TILE_PX = 256


def url_tile_fetcher(provider=BASEMAP, timeout: float = TILE_TIMEOUT_S) -> TileFetcher:
    """A TileFetcher reading `provider`'s XYZ tiles over HTTP (urllib, `timeout` seconds each);
    it returns None on any network or HTTP error."""

    def fetch(z: int, x: int, y: int) -> bytes | None:
        url = provider.build_url(x=x, y=y, z=z)
        req = urllib.request.Request(url, headers={"User-Agent": "ParkAtlas/1 static export"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.read()
        except (OSError, ValueError):
            return None

    return fetch


def no_tiles(z: int, x: int, y: int) -> bytes | None:
    """A TileFetcher for offline use: there is never a tile."""
    return None


def tile_grid(extent, width_px: int, max_zoom: int = 16, max_tiles: int = MAX_TILES) -> tuple[int, range, range]:
    """The zoom and tile columns/rows covering `extent` (EPSG:3857): the zoom whose 256-px tiles
    come closest to the image's resolution (`width_px` across), lowered until at most `max_tiles`."""
    x0, y0, x1, y1 = extent
    res = (x1 - x0) / width_px
    z = max(0, min(max_zoom, math.ceil(math.log2(2 * _HALF_WORLD / (_TILE_PX * res)))))
    while True:
        n, span = 2 ** z, 2 * _HALF_WORLD / 2 ** z
        cols = range(max(0, int((x0 + _HALF_WORLD) // span)), min(n - 1, int((x1 + _HALF_WORLD) // span)) + 1)
        rows = range(max(0, int((_HALF_WORLD - y1) // span)), min(n - 1, int((_HALF_WORLD - y0) // span)) + 1)
        if len(cols) * len(rows) <= max_tiles or z == 0:
            return z, cols, rows
        z -= 1


def mosaic(extent, width_px: int, fetcher: TileFetcher, max_zoom: int) -> tuple[Image.Image, tuple] | None:
    """Tiles under `extent` stitched into one image with its EPSG:3857 extent (left, right,
    bottom, top), or None as soon as one tile cannot be had or decoded, or past TILE_BUDGET_S."""
    z, cols, rows = tile_grid(extent, width_px, max_zoom)
    deadline = time.monotonic() + TILE_BUDGET_S
    canvas = Image.new("RGB", (len(cols) * _TILE_PX, len(rows) * _TILE_PX), BACKGROUND)
    for j, ty in enumerate(rows):
        for i, tx in enumerate(cols):
            try:
                data = fetcher(z, tx, ty)
                if not data or time.monotonic() > deadline:
                    return None
                tile = Image.open(io.BytesIO(data)).convert("RGB")
            except (OSError, ValueError):
                return None
            canvas.paste(tile.resize((_TILE_PX, _TILE_PX)), (i * _TILE_PX, j * _TILE_PX))
    span = 2 * _HALF_WORLD / 2 ** z
    left, top = -_HALF_WORLD + cols.start * span, _HALF_WORLD - rows.start * span
    return canvas, (left, left + len(cols) * span, top - len(rows) * span, top)
