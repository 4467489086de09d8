"""`python -m layers.plan_reader FILE [--json]`: read a plan document and print what it says.

Without --json a readable summary; with --json issue 24's JSON. A file that cannot be read (too
large, damaged, a scan without OCR …) is reported on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from layers._errors import DocumentError
from layers.plan_reader.output import summary, to_json
from layers.plan_reader.read import read_plan
from layers.plan_reader.sources import read_document


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    ap = argparse.ArgumentParser(prog="python -m layers.plan_reader", description="Read a Chinese plan document "
                                 "(TXT, DOCX, PDF, HTML) and propose its parks, areas, 四至 and targets.")
    ap.add_argument("file", type=Path, help="the document")
    ap.add_argument("--json", action="store_true", help="print issue 24's JSON instead of a summary")
    args = ap.parse_args(argv)
    try:
        src = read_document(args.file.read_bytes(), args.file.name)
    except DocumentError as e:
        print(f"{e}\n{e.message_zh}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"{args.file}: {e.strerror}", file=sys.stderr)
        return 2
    reading = read_plan(src.text, sha256=src.sha256, file_name=src.file_name, recognised=src.recognised)
    if args.json:
        print(json.dumps(to_json(reading), ensure_ascii=False, indent=1))
    else:
        print(summary(reading))
    return 0


if __name__ == "__main__":
    sys.exit(main())
