"""Command line: ``python -m layers.inspection PARKS_FILE [--avoid NAME=FILE ...] [--within NAME=FILE ...]
[--landuse FILE] [--csv]``.

Prints one row per park and check: ``park_id, check, rule, area_m2, share, verdict`` (the same
computation as the app: `layers.inspection.inspect_parks`); with --csv as CSV (UTF-8), else as an
aligned table. Areas are geodesic m² on the WGS84 ellipsoid; share is of the park's area (for the
`far` indicator: floor area / land area). A constraint file that does not declare its CRS takes one
as NAME=FILE@EPSG (e.g. 永久基本农田=farmland.geojson@4547). What was repaired, reprojected or
dropped is said on stderr. Exit codes: 0 done, 2 a bad argument or file (the message says which).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from geo._errors import GeoError
from layers.inspection import ROW_COLUMNS, inspect_parks, load_constraint, read_parcels, read_parks

OUTPUT_COLUMNS = ROW_COLUMNS[:6]
_SPEC = re.compile(r"^(?P<name>[^=]+)=(?P<file>.+?)(?:@(?P<epsg>\d{4,6}))?$")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m layers.inspection",
                                description="Inspect park outlines against constraint layers and land-use rules.")
    p.add_argument("parks_file", metavar="PARKS_FILE", help="parks (any format the import reads) with an 'id' column")
    p.add_argument("--avoid", action="append", default=[], metavar="NAME=FILE[@EPSG]",
                   help="a constraint the parks must not overlap (e.g. 永久基本农田=farmland.gpkg)")
    p.add_argument("--within", action="append", default=[], metavar="NAME=FILE[@EPSG]",
                   help="a constraint the parks must lie within (e.g. 城镇开发边界=ubg.gpkg)")
    p.add_argument("--landuse", metavar="FILE", help="land-use parcels with a 'code' column")
    p.add_argument("--csv", action="store_true", help="print CSV instead of an aligned table")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        parks = read_parks(args.parks_file)
        checks = []
        for rule, specs in (("avoid", args.avoid), ("within", args.within)):
            for spec in specs:
                match = _SPEC.match(spec)
                if not match:
                    parser.error(f"--{rule} {spec!r}: expected NAME=FILE or NAME=FILE@EPSG")
                epsg = match["epsg"]
                check = load_constraint(match["file"], match["name"].strip(), rule, crs=int(epsg) if epsg else None)
                for note in check.layer.notes + check.extra_notes:
                    print(f"{check.name}: {note}", file=sys.stderr)
                checks.append(check)
        parcels = read_parcels(args.landuse) if args.landuse else None
        rows = inspect_parks(parks, checks, parcels, landuse_label=args.landuse or "land use")
    except (GeoError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = rows[OUTPUT_COLUMNS]
    if args.csv:
        out.to_csv(sys.stdout, index=False, float_format="%.6g")
    else:
        print(out.to_string(index=False, float_format=lambda v: f"{v:.6g}") if len(out) else "(no rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
