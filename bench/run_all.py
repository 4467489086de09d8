"""Run every benchmark and print its figures (the README's Performance section quotes them).

    python -m bench.run_all            # or: make bench
"""

from __future__ import annotations

import json
from pathlib import Path

from bench import (access_bench, app_bench, before_after, landuse_bench, memory_bench, rerun_bench, team_bench,
                   visit_bench, workspace_bench)

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    results = {}
    print("== atlas page (cold start, filter rerun, payload, map drawn) ==")
    results["app"] = app_bench.run()
    print("\n== park access: STRtree vs naive all-pairs ==")
    results["access"] = access_bench.run()
    print("\n== land-use composition: ours vs geopandas.overlay, and dask-geopandas ==")
    results["landuse"] = landuse_bench.run([10_000, 100_000, 1_000_000], 100_000, [1_000_000, 5_000_000])
    print("\n== workspace store: big saves, long histories, a big workspace in the app ==")
    results["workspace"] = workspace_bench.run()
    print("\n== many editors at once: GeoPackage and PostGIS ==")
    results["team"] = team_bench.run()
    print("\n== the atlas now vs before the workspace (one run, alternating) ==")
    results["before_after"] = before_after.run()
    print("\n== a visit: the atlas against the floor page (one map), alone and 20 at once ==")
    results["visit"] = {k: v for k, v in visit_bench.main([]).items() if k != "res"}
    print("\n== memory after a session that uploaded a big file ends ==")
    results["memory"] = memory_bench.main([])
    print("\n== a big layer: atlas reruns against none, server memory while its tiles are built ==")
    results["big_layer_rerun"] = rerun_bench.run([10_000, 100_000])
    out = ROOT / "test-artifacts" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nfigures written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
