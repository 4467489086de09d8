"""Where things go on an exported map image (PNG/PDF slides): the view fitted into the part of
the image the caption and the footer leave free, and name labels placed so that they never
overlap each other, the caption or the footer, and stay on the page (adjustText, with leader
lines when a label had to move away from its park).

Pixels count from the image's top-left corner; extents are EPSG:3857 metres (x0, y0, x1, y1).
"""

from __future__ import annotations

import math

from adjustText import adjust_text

Box = tuple[float, float, float, float]
"""A rectangle in pixels: (left, top, right, bottom), from the image's top-left corner."""


def _merc(lon: float, lat: float) -> tuple[float, float]:
    return math.radians(lon) * 6378137.0, math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6378137.0


def free_rect(size_px: tuple[int, int], caption: Box | None, bottom_px: float, margin_px: float) -> Box:
    """The largest rectangle of the image that neither the caption box (top left) nor the bottom
    band (footer, scale bar, legend: `bottom_px` high) covers — beside the caption or below it —
    shrunk by `margin_px` on every side (room for markers and their names).

    >>> free_rect((1600, 1000), (0, 0, 600, 600), 100, 20)  # a tall caption: beside it
    (620.0, 20.0, 1580.0, 880.0)
    >>> free_rect((1600, 1000), (0, 0, 1400, 200), 100, 20)  # a wide one: below it
    (20.0, 220.0, 1580.0, 880.0)
    """
    w, h = size_px
    floor = h - bottom_px
    options = [(0.0, 0.0, float(w), floor)]
    if caption is not None:
        _, _, cr, cb = caption
        options = [(cr, 0.0, float(w), floor), (0.0, cb, float(w), floor)]
    left, top, right, bottom = max(options, key=lambda r: max(r[2] - r[0], 0) * max(r[3] - r[1], 0))
    box = (float(left + margin_px), float(top + margin_px), float(right - margin_px), float(bottom - margin_px))
    if box[2] - box[0] < w * 0.2 or box[3] - box[1] < h * 0.2:  # too little room: use the whole image
        return (float(margin_px), float(margin_px), float(w - margin_px), float(h - margin_px))
    return box


def view_extent_in(bounds: tuple[float, float, float, float], size_px: tuple[int, int], free: Box,
                   ) -> tuple[float, float, float, float]:
    """The EPSG:3857 extent of the whole image such that `bounds` (minlon, minlat, maxlon, maxlat,
    EPSG:4326) fill the `free` rectangle as far as they can, centred in it (same scale on both
    axes, so the map is not distorted).

    >>> x0, y0, x1, y1 = view_extent_in((113.0, 23.0, 113.2, 23.2), (1000, 500), (0, 0, 500, 500))
    >>> round((x1 - x0) / (y1 - y0), 3)  # the image's aspect ratio
    2.0
    """
    minlon, minlat, maxlon, maxlat = bounds
    bx0, by0 = _merc(minlon, minlat)
    bx1, by1 = _merc(maxlon, maxlat)
    fl, ft, fr, fb = free
    scale = max((bx1 - bx0) / max(fr - fl, 1.0), (by1 - by0) / max(fb - ft, 1.0))  # metres per pixel
    cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
    left = cx - (fl + fr) / 2 * scale
    top = cy + (ft + fb) / 2 * scale
    w, h = size_px
    return left, top - h * scale, left + w * scale, top


def pixel_in(lon: float, lat: float, extent: tuple[float, float, float, float], size_px: tuple[int, int],
             ) -> tuple[float, float]:
    """The (column, row) pixel of lon/lat (EPSG:4326) in an image of `extent` (EPSG:3857) at `size_px`."""
    x0, y0, x1, y1 = extent
    x, y = _merc(lon, lat)
    return (x - x0) / (x1 - x0) * size_px[0], (y1 - y) / (y1 - y0) * size_px[1]


def box_of(artist, fig) -> Box:
    """An artist's drawn extent in image pixels (top-left origin); for text in a box, the box."""
    renderer = fig.canvas.get_renderer()
    patch = artist.get_bbox_patch() if hasattr(artist, "get_bbox_patch") else None
    if patch is not None:
        artist.update_bbox_position_size(renderer)
        bb = patch.get_window_extent(renderer)
    else:
        bb = artist.get_window_extent(renderer)
    h = fig.bbox.height
    return (bb.x0, h - bb.y1, bb.x1, h - bb.y0)


def place_labels(ax, texts: list, points: list[tuple[float, float]], avoid: list) -> None:
    """Move the name `texts` (matplotlib Text in data coordinates) so that none overlaps another,
    a marker in `points` (data x, y) or an `avoid` artist (caption, footer, legend), all inside
    the axes; a label moved off its park gets a thin leader line to it."""
    if not texts:
        return
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    adjust_text(texts, x=xs, y=ys, objects=avoid or None, ax=ax, ensure_inside_axes=True,
                expand=(1.15, 1.4), force_static=(0.3, 0.5), time_lim=2.0,
                arrowprops={"arrowstyle": "-", "color": "#333333", "lw": 0.8})
