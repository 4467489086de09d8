"""Exception types raised by `geo`: one place, so callers can catch ours and not a library's."""

from __future__ import annotations


class GeoError(Exception):
    """Base class of every error raised on purpose by `geo`."""


class CRSError(GeoError, ValueError):
    """A GeoSeries or GeoDataFrame is in a CRS the function does not accept (or has none)."""


class UnitError(GeoError, ValueError):
    """An area or length unit name that we do not know."""


class InputError(GeoError, ValueError):
    """A file the user brought cannot be imported as it is; the message names the file, says what is
    wrong and what to do (pass crs=, choose a layer, re-save as UTF-8, ...)."""


class FileTooLargeError(InputError):
    """A file (or an archive's expanded content) is larger than the import limit."""


class UnsafeArchiveError(InputError):
    """A zip archive that is refused before anything is extracted: path traversal (`..`, absolute
    paths), symlinks, too many entries, or a zip bomb (too large or too compressible)."""
