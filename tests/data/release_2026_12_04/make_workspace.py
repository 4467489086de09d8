"""Write `workspace.gpkg` beside this script: a workspace as the LAST RELEASE wrote it, for the
upgrade tests (tests/test_store_upgrade.py).

Written by commit 67cd7a7 (workspace schema 1, the release of 2026-12-04), with its own code and
its own bundled data/, never with the code of the checkout the tests run in. To write it again:

    git -C /work/main worktree add /tmp/release-67cd7a7 67cd7a7
    cd /tmp/release-67cd7a7 && PYTHONPATH=/tmp/release-67cd7a7 /work/main/.venv/bin/python \\
        /work/main/tests/data/release_2026_12_04/make_workspace.py \\
        /work/main/tests/data/release_2026_12_04/workspace.gpkg
    git -C /work/main worktree remove --force /tmp/release-67cd7a7

What it holds, besides the seeded bundled data: two outline versions of the park
"gz-vip-pazhou" saved by an editor (versions 2 and 3, polygons around its point), version 1
restored (version 4), a user layer of three points (role "points") with one of them hidden.
The file is VACUUMed at the end. The script refuses to run with any code but the release's.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

RELEASE = "67cd7a7"
EDITOR = "李伟"
PARK = "gz-vip-pazhou"


def _check_release_code() -> Path:
    """The release worktree the `store` package is imported from; exits unless it is at RELEASE."""
    import store

    root = Path(store.__file__).resolve().parent.parent
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=7", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=True).stdout.strip()
    if head != RELEASE or dirty or os.environ.get("PARKATLAS_DATA_DIR"):
        sys.exit(f"run with the code of {RELEASE} (PYTHONPATH=<its worktree>, no PARKATLAS_DATA_DIR); "
                 f"store comes from {root} at {head}{' with changes' if dirty else ''}")
    return root


def write(out: Path) -> None:
    """Write the release workspace to `out` (which must not exist yet)."""
    import geopandas as gpd
    from shapely.geometry import Point, box

    from store import open_workspace

    if out.exists():
        sys.exit(f"{out} exists; remove it first")
    ws = open_workspace(out, user=EDITOR, role="editor")  # creates it and seeds the bundled data/
    point = ws.feature("parks", PARK)["geometry"]
    x, y = point.x, point.y
    v2 = ws.save_feature("parks", PARK, box(x - 0.006, y - 0.004, x + 0.006, y + 0.004),
                         {"geometry_quality": "schematic"},
                         reason="四至示意边界 (sketch of the four boundaries)", evidence="穗府办函〔2018〕105号 二、(一)",
                         expected_version=1)
    v3 = ws.save_feature("parks", PARK, box(x - 0.008, y - 0.005, x + 0.007, y + 0.005),
                         {"geometry_quality": "digitised"}, reason="边界按红线图修正",
                         evidence="pazhou_hongxian.gpkg", expected_version=v2)
    ws.restore("parks", PARK, 1, reason="红线图不是本园区的 (the file was another park's)", expected_version=v3)
    points = gpd.GeoDataFrame({"id": ["p1", "p2", "p3"], "名称": ["琶洲站", "磨碟沙站", "万胜围站"],
                               "rank": [1, 2, 3]},
                              geometry=[Point(113.3640, 23.0960), Point(113.3372, 23.1020), Point(113.3900, 23.0930)],
                              crs=4326)
    layer_id = ws.add_layer("地铁站 stations", points, role="points", origin="stations.geojson",
                            reason="survey points for the Pazhou outline", evidence="site visit 2026-12-03")
    ws.hide_feature(layer_id, "p3", reason="duplicate of another record")
    ws.engine.dispose()
    con = sqlite3.connect(out)
    con.execute("VACUUM")
    con.close()
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB): user layer {layer_id}, {PARK} at version 4")


if __name__ == "__main__":
    _check_release_code()
    write(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("workspace.gpkg")).resolve())
