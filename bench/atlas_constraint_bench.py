"""Benchmark (issue 25): the atlas with a 1,000,000-polygon constraint layer in the workspace,
against the same atlas without it, in one run (goal: within 1.3x).

The layer is `bench.inspection_bench.synthetic_patches` (a SYNTHETIC grid of jittered patches over
113.0-113.8 E, 22.8-23.6 N: NOT real data), saved as an imported layer with role "constraint" and
the columns `layers.constraint_layers.mark` writes (永久基本农田, avoid, 100 m²). Two workspaces,
one with it and one without, each with the bundled data.

1. Server side (Streamlit's AppTest, the script as the server runs it): the first run after the
   layer is saved (it reads the layer and starts its vector tiles in a child process, tippecanoe),
   the build's time, then `reruns` reruns of one session and first runs of new sessions on the warm
   server, alternating between the two workspaces; medians and their ratio.
2. In a browser (`--visits`, 0 to skip): both atlases served by `streamlit run` (the archive built
   in step 1 found again), visited alternately, each visit a fresh offline chromium context at
   1440x900: seconds until Leaflet has drawn its paths (and, with the layer, until its tile canvas
   is painted), and the server's CPU per visit (until it is idle again); medians and ratios.

    python -m bench.atlas_constraint_bench [--patches 1000000] [--reruns 7] [--visits 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd

from bench.inspection_bench import synthetic_patches
from bench.rerun_bench import timed_runs
from bench.visit_bench import CHROMIUM_ARGS, DRAWN_JS, cpu_s, wait_idle

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
PAINTED_JS = """() => [...document.querySelectorAll('.leaflet-tile-pane canvas')].some(c => {
    if (!c.width) return false; const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < px.length; i += 4 * 97) if (px[i] > 0) return true; return false; })"""


def constraint_layer(patches: int) -> gpd.GeoDataFrame:
    """The synthetic patches as a 永久基本农田 constraint layer (avoid, 100 m²), EPSG:4326."""
    from layers.constraint_layers import mark, spec

    geoms = synthetic_patches(patches)
    gdf = gpd.GeoDataFrame({"id": [f"patch-{i}" for i in range(len(geoms))]}, geometry=geoms, crs=4326)
    return mark(gdf, spec("permanent-basic-farmland"), origin="synthetic patches (bench)")


def server_side(tmp: Path, patches: int, reruns: int) -> dict:
    from streamlit.testing.v1 import AppTest

    import ui.big_layers
    from store import open_workspace

    def atlas():
        at = AppTest.from_file(APP, default_timeout=1800)
        at.query_params["lang"] = "en"
        return at

    none, with_layer = tmp / "none" / "workspace.gpkg", tmp / "with" / "workspace.gpkg"
    for ws in (none, with_layer):  # both get the bundled data at their first run
        os.environ["PARKATLAS_WORKSPACE"] = str(ws)
        atlas().run()
    t0 = time.perf_counter()
    layer = constraint_layer(patches)
    open_workspace(str(with_layer), user="bench").add_layer(
        "永久基本农田 (synthetic)", layer, role="constraint", origin="bench", reason="synthetic patches (bench)")
    saved = time.perf_counter() - t0
    n = len(layer)
    del layer
    os.environ["PARKATLAS_WORKSPACE"] = str(with_layer)
    at = atlas()
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    while any(child.poll() is None for child, _ in ui.big_layers._RUNNING.values()):
        time.sleep(0.2)
    build = time.perf_counter() - t0
    archives = list(ui.big_layers.TILES_DIR.glob("*.pmtiles"))
    assert archives, "no archive was built"
    (b_rerun, b_fresh), (rerun, fresh) = timed_runs(atlas, [none, with_layer], reruns)
    return {"patches": n, "saved_s": saved, "first_s": first, "build_s": build,
            "archive_mib": max(a.stat().st_size for a in archives) / 2**20,
            "rerun": (b_rerun, rerun), "fresh": (b_fresh, fresh), "workspaces": (none, with_layer)}


async def _visit(browser, base: str, pid: int, tiles: bool, timeout_s: float = 120.0) -> tuple[float | None, float | None]:
    """(seconds until Leaflet drew its paths, seconds until the tile canvas was painted or None) of one
    fresh visit; the visitor stays until the server is idle."""
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    await page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    t0 = time.monotonic()
    drawn = painted = None
    try:
        await page.goto(base + "/?lang=zh", wait_until="commit")
        while time.monotonic() - t0 < timeout_s and (drawn is None or (tiles and painted is None)):
            for frame in page.frames:
                try:
                    if drawn is None and await frame.evaluate(DRAWN_JS):
                        drawn = time.monotonic() - t0
                    if tiles and painted is None and await frame.evaluate(PAINTED_JS):
                        painted = time.monotonic() - t0
                except Exception:  # frames come and go while Streamlit reruns
                    pass
            await asyncio.sleep(0.05)
        await asyncio.to_thread(wait_idle, pid)
        return drawn, painted
    finally:
        await context.close()


async def _visits(pages: dict[str, tuple[str, int]], visits: int) -> dict[str, dict[str, list]]:
    from playwright.async_api import async_playwright

    out: dict[str, dict[str, list]] = {name: {"drawn": [], "painted": [], "cpu": []} for name in pages}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, (base, pid) in pages.items():  # warm-up: the first visit after a start pays imports
            await _visit(browser, base, pid, tiles=name == "with")
        for _ in range(visits):
            for name, (base, pid) in pages.items():
                before = cpu_s(pid)
                drawn, painted = await _visit(browser, base, pid, tiles=name == "with")
                out[name]["drawn"].append(drawn)
                out[name]["painted"].append(painted)
                out[name]["cpu"].append(cpu_s(pid) - before)
        await browser.close()
    return out


def browser_side(tmp: Path, workspaces: tuple[Path, Path], visits: int) -> dict[str, dict[str, list]]:
    from contextlib import ExitStack

    from tests.e2e.conftest import serve

    with ExitStack() as stack:
        pages = {}
        for name, ws in zip(("none", "with"), workspaces):
            env = {**os.environ, "PARKATLAS_WORKSPACE": str(ws), "PYTHONPATH": str(ROOT)}
            base, proc = stack.enter_context(serve(APP, env, tmp / f"{name}.log"))
            pages[name] = (base, proc.pid)
        return asyncio.run(_visits(pages, visits))


def _median(values: list) -> float:
    got = [v for v in values if v is not None]
    return statistics.median(got) if got else float("nan")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patches", type=int, default=1_000_000)
    ap.add_argument("--reruns", type=int, default=7)
    ap.add_argument("--visits", type=int, default=5)
    a = ap.parse_args(argv)
    import ui.big_layers

    tmp = Path(tempfile.mkdtemp(prefix="parkatlas-constraint-bench-"))
    os.environ["PARKATLAS_TILES_DIR"] = str(tmp / "tiles")  # the served atlases find the archive built here
    os.environ["PARKATLAS_PARTITIONS_DIR"] = str(tmp / "partitions")
    ui.big_layers.TILES_DIR = tmp / "tiles"
    s = server_side(tmp, a.patches, a.reruns)
    print(f"atlas with a constraint layer of {s['patches']:,} SYNTHETIC patches (永久基本农田, avoid) vs without it; "
          f"{os.cpu_count()} cores, shared")
    print(f"layer saved to the workspace in {s['saved_s']:.1f} s; atlas first run after it {s['first_s']:.1f} s; "
          f"tiles built (child, tippecanoe) in {s['build_s']:.1f} s into {s['archive_mib']:.1f} MiB")
    print(f"server side (AppTest, median of {a.reruns}, alternating):")
    for label, (base, got) in (("rerun", s["rerun"]), ("new session", s["fresh"])):
        print(f"  {label:12} without {base * 1000:7.0f} ms   with {got * 1000:7.0f} ms   {got / base:5.2f}x  (goal <= 1.3x)")
    result: dict = {"server": s}
    if a.visits:
        v = browser_side(tmp, s["workspaces"], a.visits)
        d0, d1 = _median(v["none"]["drawn"]), _median(v["with"]["drawn"])
        c0, c1 = _median(v["none"]["cpu"]), _median(v["with"]["cpu"])
        p1 = _median(v["with"]["painted"])
        print(f"in the browser (offline chromium, fresh context per visit, median of {a.visits}, alternating):")
        print(f"  map drawn    without {d0:6.2f} s   with {d1:6.2f} s   {d1 / d0:5.2f}x  (goal <= 1.3x); "
              f"the layer's tiles painted at {p1:.2f} s ({p1 / d0:.2f}x the page without it)")
        print(f"  server CPU   without {c0:6.2f} s   with {c1:6.2f} s   {c1 / c0:5.2f}x per visit")
        for name, got in v.items():
            print(f"  each visit, {name}: " + "; ".join(
                f"drawn {d if d is None else round(d, 2)} s, painted {p if p is None else round(p, 2)} s, CPU {c:.2f} s"
                for d, p, c in zip(got["drawn"], got["painted"], got["cpu"])))
        result["browser"] = v
    shutil.rmtree(tmp, ignore_errors=True)
    return result


if __name__ == "__main__":
    main()
