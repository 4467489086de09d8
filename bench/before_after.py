"""The atlas against an earlier revision of ParkAtlas, in one run: cold start and filter rerun of
this checkout vs a git revision (default: the last commit before the workspace), alternating so
the shared machine's noise falls on both alike.

Each side runs in its own process (`AppTest`, the same venv): the first start (which creates and
seeds the workspace, in this checkout), a fresh process per cold start on that workspace (median
of `repeat`), then `repeat` rounds of one process per side running that revision's own
`bench.app_bench.rerun_times` (the median of 10 filter reruns, the city filter on and off, and
of 10 reruns that change nothing); the figure is the median of the rounds. The other revision
must have that function (every revision since the app bench was written does). The other revision is checked out with
`git worktree` into a temporary folder (its static/vendor linked to ours) and removed afterwards.
Every side gets a workspace of its own in a temporary folder (this checkout seeds it on first
start; the old revision ignores it).

    python -m bench.before_after [REVISION]        # default f9e33e5 (before issue 11)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import app_bench

ROOT = Path(__file__).resolve().parent.parent
BEFORE_WORKSPACE = "f9e33e5"

COLD = app_bench.COLD
"""A cold start: a fresh process's first AppTest run (the same code as the app bench's)."""

RERUN = ("import json; from bench.app_bench import rerun_times; change, same = rerun_times(); "
         "print(json.dumps({'change': [change], 'same': [same]}))")
"""One round in a side's own tree: its `bench.app_bench.rerun_times` (medians of 10 reruns)."""


def _run(code: str, cwd: Path, workspace: Path) -> str:
    env = {**os.environ, "PARKATLAS_WORKSPACE": str(workspace), "PYTHONPATH": str(cwd)}
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def checkout(revision: str, into: Path) -> Path:
    """A worktree of `revision` at `into`, with our static/vendor linked in."""
    subprocess.run(["git", "worktree", "add", "--detach", str(into), revision], cwd=ROOT, check=True,
                   capture_output=True)
    (into / "static").mkdir(exist_ok=True)
    (into / "static" / "vendor").symlink_to(ROOT / "static" / "vendor")
    return into


def measure(sides: dict[str, Path], repeat: int = 3) -> dict[str, dict]:
    """The first start of each side (the workspace created and seeded, where there is one), cold
    starts on that workspace alternated between the sides, then the rerun figures of each side."""
    scratch = Path(tempfile.mkdtemp(prefix="parkatlas-bench-"))
    first = {name: float(_run(COLD, cwd, scratch / f"{name}.gpkg")) for name, cwd in sides.items()}
    cold: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(repeat):
        for name, cwd in sides.items():
            cold[name].append(float(_run(COLD, cwd, scratch / f"{name}.gpkg")))
    reruns: dict[str, dict[str, list[float]]] = {name: {"change": [], "same": []} for name in sides}
    for _ in range(repeat):  # rounds of 10 reruns, alternating the sides
        for name, cwd in sides.items():
            got = json.loads(_run(RERUN, cwd, scratch / f"{name}.gpkg"))
            for kind in ("change", "same"):
                reruns[name][kind] += got[kind]
    return {name: {"first_start_s": first[name], "cold_start_s": statistics.median(cold[name]),
                   "filter_rerun_ms": statistics.median(reruns[name]["change"]) * 1e3,
                   "no_change_rerun_ms": statistics.median(reruns[name]["same"]) * 1e3} for name in sides}


def run(revision: str = BEFORE_WORKSPACE) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="parkatlas-rev-")) / "tree"
    try:
        old = checkout(revision, tmp)
        figures = measure({"before": old, "now": ROOT})
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tmp)], cwd=ROOT, capture_output=True)
    before, now = figures["before"], figures["now"]
    print(f"{'':<34}{'before (' + revision + ')':>18}{'now':>12}{'now/before':>12}")
    for key, unit in (("first_start_s", "s"), ("cold_start_s", "s"), ("filter_rerun_ms", "ms"),
                      ("no_change_rerun_ms", "ms")):
        print(f"{key:<34}{before[key]:>16.2f} {unit}{now[key]:>10.2f} {unit}{now[key] / before[key]:>12.2f}")
    return {"revision": revision, **figures}


if __name__ == "__main__":
    result = run(sys.argv[1] if len(sys.argv) > 1 else BEFORE_WORKSPACE)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "bench_before_after.json").write_text(json.dumps(result, indent=2))
