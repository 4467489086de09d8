"""Many editors at once, through the store, on the GeoPackage and on PostGIS.

20 editors (processes) each save their own park 50 times, and 5 pairs of editors fight over one
park each (both save it 50 times, each save from the version they last saw, so one of every two
concurrent saves is refused with ConflictError; the refused editor reloads and tries again).

Checked, not only timed: no lost update (every park's final version is 1 + the saves that were
accepted, and its history holds exactly the accepted saves, by their authors), no deadlock and no
other error (anything but ConflictError is counted as an error), and every refused save reported.
Printed per backend: saves, refusals, errors, p50/p95/max latency of an accepted save, wall time.

PostGIS runs on a throwaway server the bench starts itself (tests/postgis.py).

    python -m bench.team_bench
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import tempfile
import time
from pathlib import Path

from shapely.geometry import box

EDITORS = 20
PAIRS = 5
SAVES = 50


def editor(location: str, name: str, park: str, saves: int, start: mp.Event, out: mp.Queue) -> None:
    """One editor: `saves` accepted saves of `park`, each from the version last seen; reloads
    and retries when refused. Puts (name, park, latencies, refusals, errors) on `out`."""
    from store import ConflictError, StoreError, open_workspace

    ws = open_workspace(location, user=name, role="editor", seed=False)
    version = ws.feature("parks", park)["version"]
    latencies, refused, errors = [], 0, []
    start.wait()
    while len(latencies) < saves:
        size = 0.0005 + 0.00001 * len(latencies)
        t0 = time.perf_counter()
        try:
            version = ws.save_feature("parks", park, box(113.3, 23.1, 113.3 + size, 23.1 + size),
                                      {"geometry_quality": "digitised"}, reason=f"{name} #{len(latencies)}",
                                      expected_version=version)
            latencies.append(time.perf_counter() - t0)
        except ConflictError as exc:
            refused += 1
            version = exc.current_version  # the editor reloads: their next save starts from this one
        except StoreError as exc:  # a deadlock or a lock timeout would land here
            errors.append(f"{type(exc).__name__}: {exc}")
            version = ws.feature("parks", park)["version"]
            if len(errors) > 10:
                break
    out.put((name, park, latencies, refused, errors))


def run_backend(location: str) -> dict:
    """All editors against one seeded workspace; the figures and the checks."""
    from store import open_workspace

    ws = open_workspace(location, user="bench", role="admin")
    parks = list(ws.layer("parks").index)
    jobs = [(f"editor-{i:02d}", parks[i]) for i in range(EDITORS)]
    jobs += [(f"pair-{p}-{side}", parks[EDITORS + p]) for p in range(PAIRS) for side in "ab"]
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=editor, args=(location, name, park, SAVES, start, out)) for name, park in jobs]
    for p in procs:
        p.start()
    time.sleep(3.0)  # every editor has opened the workspace
    t0 = time.perf_counter()
    start.set()
    results = [out.get(timeout=1200) for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join(60)
    latencies = sorted(x for r in results for x in r[2])
    accepted: dict[str, dict[str, int]] = {}
    for name, park, lat, _, _ in results:
        accepted.setdefault(park, {})[name] = len(lat)
    lost = 0
    for park, by_editor in accepted.items():
        hist = ws.history("parks", park)
        authors = hist["author"].iloc[1:].value_counts().to_dict()
        if hist["version"].iloc[-1] != 1 + sum(by_editor.values()) or authors != by_editor:
            lost += 1
    return {
        "saves": len(latencies), "refused": sum(r[3] for r in results), "errors": [e for r in results for e in r[4]],
        "parks_with_lost_updates": lost, "wall_s": wall, "saves_per_s": len(latencies) / wall,
        "p50_ms": statistics.median(latencies) * 1e3, "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1e3,
        "max_ms": latencies[-1] * 1e3,
    }


def run() -> dict:
    from tests.postgis import PostgisServer

    results = {}
    with tempfile.TemporaryDirectory(prefix="parkatlas-team-") as tmp:
        results["geopackage"] = run_backend(str(Path(tmp) / "team.gpkg"))
    server = PostgisServer.start()
    try:
        results["postgis"] = run_backend(server.new_database())
    finally:
        server.close()
    print(f"{EDITORS} editors on their own park + {PAIRS} pairs fighting over one, {SAVES} accepted saves each")
    print(f"{'backend':<12}{'saves':>7}{'refused':>9}{'errors':>8}{'lost':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
          f"{'saves/s':>9}{'wall s':>8}")
    for name, r in results.items():
        print(f"{name:<12}{r['saves']:>7}{r['refused']:>9}{len(r['errors']):>8}{r['parks_with_lost_updates']:>6}"
              f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['max_ms']:>9.1f}{r['saves_per_s']:>9.1f}{r['wall_s']:>8.1f}")
        for e in r["errors"][:5]:
            print(f"  error: {e}")
    return results


if __name__ == "__main__":
    run()
