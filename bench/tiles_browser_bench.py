"""Big layers in the browser: illustrative generated parcels (NOT real data) at several sizes,
drawn from their PMTiles archive of vector tiles vs as one GeoJSON (up to --geojson-max), each
against the same page without the layer, in one run. Each visit is a fresh offline chromium
context; measured: seconds until the layer is painted (tiles: a painted canvas; GeoJSON: drawn
paths; no layer: the Leaflet map exists) and the view's data bytes (the archive's byte ranges
and the websocket's frames, which carry the map and any GeoJSON; Streamlit's own JS, the same
on every page, is left out), at zooms 11, 14 and 17 over the layer's centre. Also the archive's build time.

    python -m bench.tiles_browser_bench [--sizes 10000 100000 1000000] [--geojson-max 100000] [--visits 3]
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

from bench.visit_bench import CHROMIUM_ARGS
from geo.measure import geodesic_area_m2
from layers.big_layers import tile_archive
from layers.landuse import illustrative_parcels

ROOT = Path(__file__).resolve().parent.parent
CENTRE = (113.30, 23.10)
ZOOMS = (11, 14, 17)
MAP_JS = "Object.values(window).find(v => v instanceof L.Map)"
READY = {
    "none": f"() => typeof L !== 'undefined' && !!({MAP_JS})",
    "geojson": "() => document.querySelectorAll('path.leaflet-interactive').length > 0",
    "tiles": """() => [...document.querySelectorAll('.leaflet-tile-pane canvas')].some(c => {
        if (!c.width) return false; const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 4 * 97) if (px[i] > 0) return true; return false; })""",
}


def bounds_for(n: int) -> tuple[float, float, float, float]:
    """A square around CENTRE whose side grows with sqrt(n): ~50 m parcels at every size (1M ~ 0.5°)."""
    half = 0.25 * (n / 1_000_000) ** 0.5
    return (CENTRE[0] - half, CENTRE[1] - half, CENTRE[0] + half, CENTRE[1] + half)


def prepare(sizes: list[int], geojson_max: int, folder: Path) -> tuple[dict[str, str], dict[int, dict]]:
    """Build each size's archive (and GeoJSON file up to geojson_max) under folder/static/tiles;
    return the page's environment and each size's build figures."""
    env: dict[str, str] = {}
    figures: dict[int, dict] = {}
    for n in sizes:
        parcels = illustrative_parcels(bounds_for(n), n, seed=1)
        parcels["area_m2"] = geodesic_area_m2(parcels.geometry).round(1)
        started = time.perf_counter()
        built = tile_archive(parcels, layer=f"parcels{n}", revision="1", folder=folder / "static" / "tiles",
                             properties=["code", "label", "area_m2"])
        figures[n] = {"parcels": len(parcels), "build_s": time.perf_counter() - started,
                      "archive_mb": built.path.stat().st_size / 2**20}
        started = time.perf_counter()
        again = tile_archive(parcels, layer=f"parcels{n}", revision="1", folder=folder / "static" / "tiles",
                             properties=["code", "label", "area_m2"])
        figures[n]["cache_hit_ms"] = (time.perf_counter() - started) * 1000
        assert again.cached
        env[f"PARKATLAS_TILES_{n}_URL"] = f"/app/static/tiles/{built.path.name}"
        env[f"PARKATLAS_TILES_{n}_LAYER"] = built.path.name.split(".")[0]
        if n <= geojson_max:
            path = folder / f"parcels{n}.geojson"
            parcels[["code", "geometry"]].to_file(path, driver="GeoJSON")
            env[f"PARKATLAS_TILES_{n}_GEOJSON"] = str(path)
            figures[n]["geojson_mb"] = path.stat().st_size / 2**20
    return env, figures


async def visit(browser, base: str, query: str, mode: str, timeout_s: float) -> tuple[float | None, int]:
    """(seconds until painted or None, data bytes) of one fresh visit."""
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    await page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    got = {"bytes": 0}  # the view's data: the archive's byte ranges and the websocket's frames

    def response(r) -> None:
        if ".pmtiles" in r.url:
            got["bytes"] += int(r.headers.get("content-length") or 0)

    page.on("response", response)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: got.__setitem__("bytes", got["bytes"] + len(p))))
    t0 = time.monotonic()
    took = None
    try:
        await page.goto(f"{base}/?{query}", wait_until="commit")
        while time.monotonic() - t0 < timeout_s and took is None:
            for frame in page.frames:
                try:
                    if await frame.evaluate(READY[mode]):
                        took = time.monotonic() - t0
                        break
                except Exception:  # frames come and go
                    pass
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # the tiles of the rest of the view
        return took, got["bytes"]
    finally:
        await context.close()


async def measure(base: str, sizes: list[int], env: dict[str, str], visits: int, timeout_s: float,
                  zooms: tuple[int, ...] = ZOOMS) -> list[dict]:
    from playwright.async_api import async_playwright

    rows = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        await visit(browser, base, f"mode=none&n={sizes[0]}&z=11", "none", timeout_s)  # warm-up
        for n in sizes:
            for z in zooms:
                modes = ["none", "tiles"] + (["geojson"] if f"PARKATLAS_TILES_{n}_GEOJSON" in env else [])
                got: dict[str, list] = {m: [] for m in modes}
                for _ in range(visits):
                    for mode in modes:  # alternating, so the machine's noise falls on all alike
                        got[mode].append(await visit(browser, base, f"mode={mode}&n={n}&z={z}", mode, timeout_s))
                row = {"n": n, "z": z}
                for mode, results in got.items():
                    times = [t for t, _ in results if t is not None]
                    row[mode] = (statistics.median(times) if times else None, statistics.median(b for _, b in results),
                                 len(results) - len(times))
                rows.append(row)
        await browser.close()
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    from tests.e2e.conftest import serve

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--geojson-max", type=int, default=100_000)
    ap.add_argument("--visits", type=int, default=3)
    ap.add_argument("--zooms", type=int, nargs="+", default=list(ZOOMS))
    ap.add_argument("--timeout", type=float, default=90.0)
    a = ap.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="parkatlas-tilesbench-"))
    (folder / "static").mkdir()
    shutil.copytree(ROOT / "static" / "vendor", folder / "static" / "vendor")
    env, figures = prepare(a.sizes, a.geojson_max, folder)
    (folder / "page.py").write_text("import runpy\nrunpy.run_module('tests.e2e.tiles_page', run_name='__main__')\n")
    centre = f"{CENTRE[1]},{CENTRE[0]},11"
    server_env = {**os.environ, **env, "PYTHONPATH": str(ROOT), "PARKATLAS_TILES_VIEW": centre}
    with serve(str(folder / "page.py"), server_env, folder / "tiles.log") as (base, _):
        rows = asyncio.run(measure(base, a.sizes, env, a.visits, a.timeout, tuple(a.zooms)))
    print("big layers in the browser: ILLUSTRATIVE generated parcels (not real data), offline chromium, "
          f"fresh context per visit, median of {a.visits}")
    for n, f in figures.items():
        extra = f", GeoJSON file {f['geojson_mb']:.1f} MiB" if "geojson_mb" in f else ""
        print(f"{f['parcels']:,} parcels: archive built in {f['build_s']:.1f} s ({f['archive_mb']:.1f} MiB){extra}; "
              f"found again (cache hit) in {f['cache_hit_ms']:.1f} ms")
    print(f"{'parcels':>9} {'zoom':>4} | {'no layer':>16} | {'vector tiles':>27} | {'GeoJSON':>27}")
    for r in rows:
        base_t = r["none"][0]

        def cell(key: str) -> str:
            if key not in r:
                return f"{'(not run)':>27}"
            t, b, failed = r[key]
            if t is None:
                return f"{'not drawn in ' + str(int(a.timeout)) + ' s':>27}"
            ratio = f"{t / base_t:.2f}x" if base_t else "?"
            return f"{t:6.2f} s {ratio:>6} {b / 1024:9,.0f} KiB" + (f" ({failed} failed)" if failed else "")

        print(f"{r['n']:>9,} {r['z']:>4} | {base_t or float('nan'):6.2f} s {r['none'][1] / 1024:5,.0f} KiB | "
              f"{cell('tiles')} | {cell('geojson')}")
    return rows


if __name__ == "__main__":
    main()
