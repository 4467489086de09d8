"""Exception types raised by `geo`: one place, so callers can catch ours and not a library's."""

from __future__ import annotations


class GeoError(Exception):
    """Base class of every error raised on purpose by `geo`."""


class CRSError(GeoError, ValueError):
    """A GeoSeries or GeoDataFrame is in a CRS the function does not accept (or has none)."""


class UnitError(GeoError, ValueError):
    """An area or length unit name that we do not know."""
