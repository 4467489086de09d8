"""Safe reading of zip archives (zipped Shapefiles): every entry is checked from the central directory
before a byte is extracted, and only the needed members are written, under our own flat names, into
a private temporary directory that the caller removes.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from geo._errors import FileTooLargeError, InputError, UnsafeArchiveError

MAX_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 100.0
RATIO_CHECK_MIN_BYTES = 1024 * 1024
"""The compression ratio is checked on entries larger than this (small text compresses well too)."""

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"


def _unsafe_name(name: str) -> str | None:
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    parts = re.split(r"[\\/]", name)
    if ".." in parts:
        return "a '..' path component"
    if "\x00" in name:
        return "a NUL byte"
    return None


def check_zip(zf: zipfile.ZipFile, label: str, *, max_entries: int = MAX_ENTRIES,
              max_total: int = MAX_UNCOMPRESSED_BYTES, max_ratio: float = MAX_RATIO) -> list[zipfile.ZipInfo]:
    """Raise `UnsafeArchiveError` unless every entry of `zf` is safe to extract; return the file entries.

    Checked from the central directory, before extraction: entry count, absolute or `..` paths,
    symlinks, total uncompressed size, and the compression ratio of large entries (a zip bomb).
    """
    infos = zf.infolist()
    if len(infos) > max_entries:
        raise UnsafeArchiveError(f"{label}: the zip has {len(infos)} entries; the limit is {max_entries}. "
                                 "Zip only the Shapefile's own files (.shp, .shx, .dbf, .prj, .cpg).")
    total = 0
    for info in infos:
        bad = _unsafe_name(info.filename)
        if bad:
            raise UnsafeArchiveError(f"{label}: refused: zip entry {info.filename!r} has {bad} "
                                     "(it could write outside the extraction folder). Re-zip the files "
                                     "without folders above them.")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UnsafeArchiveError(f"{label}: refused: zip entry {info.filename!r} is a symbolic link. "
                                     "Zip the files themselves, not links to them.")
        total += info.file_size
    if total > max_total:
        raise UnsafeArchiveError(f"{label}: refused: the zip would expand to {_mb(total)}; the limit is "
                                 f"{_mb(max_total)} (a zip bomb?). Import a smaller extract.")
    for info in infos:
        if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise UnsafeArchiveError(f"{label}: refused: zip entry {info.filename!r} expands {ratio:.0f}:1 "
                                     f"({_mb(info.compress_size)} -> {_mb(info.file_size)}); the limit is "
                                     f"{max_ratio:.0f}:1 (a zip bomb?).")
    return [i for i in infos if not i.is_dir()]


def open_zip(path: Path, label: str) -> zipfile.ZipFile:
    """`zipfile.ZipFile(path)` with archive errors as `InputError`."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError(f"{label}: not a readable zip archive ({exc}). Re-create the zip.") from exc


def extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest_dir: Path, dest_name: str,
                   label: str) -> Path:
    """Stream one checked entry to `dest_dir/dest_name` (a flat name of ours, never the entry's path),
    stopping if it yields more bytes than the central directory declared."""
    if os.sep in dest_name or "/" in dest_name or dest_name in ("", ".", ".."):
        raise ValueError(f"bad destination name {dest_name!r}")
    target = dest_dir / dest_name
    written = 0
    try:
        with zf.open(info) as src, open(target, "xb") as dst:
            while chunk := src.read(1024 * 1024):
                written += len(chunk)
                if written > info.file_size:
                    raise FileTooLargeError(f"{label}: zip entry {info.filename!r} expands beyond its "
                                            f"declared {info.file_size} bytes; refused.")
                dst.write(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise InputError(f"{label}: zip entry {info.filename!r} cannot be read ({exc}). "
                         "Re-create the zip (plain deflate, no password).") from exc
    return target


def shapefile_sets(infos: list[zipfile.ZipInfo]) -> dict[str, dict[str, zipfile.ZipInfo]]:
    """Shapefile entries grouped by stem: {"roads": {".shp": info, ".dbf": info, ...}}, in zip order.
    macOS resource forks (__MACOSX/, ._name) are ignored."""
    sets: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for info in infos:
        p = PurePosixPath(info.filename.replace("\\", "/"))
        if "__MACOSX" in p.parts or p.name.startswith("._"):
            continue
        ext = p.suffix.lower()
        if ext in SHAPEFILE_PARTS:
            stem = str(p.with_suffix(""))
            sets.setdefault(stem, {})[ext] = info
    return sets
