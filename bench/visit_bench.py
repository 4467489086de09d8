"""A visit, as a new user makes it: the atlas against the floor page (one st_folium map of 93
circle markers, `bench/floor_page.py`) in one run, each visit in a fresh browser context of
offline Debian chromium, alternating the two pages. Measures the time until the map's paths are
drawn and the server CPU a visit costs (the server process's user+system time, from the visit's
start until the server is idle again: browsers share this machine, so their CPU is left out).
The visitor stays until then: the reruns a drawn page asks for (the atlas's sidebar) are part of
its visit. Then 20 visitors arrive at once on each page and stay until all are drawn and the
server is idle: all must be drawn; CPU per visit is compared with a lone visit.

    python -m bench.visit_bench [--visits 6] [--crowd 20] [--plans 10 --parks 500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
DRAWN_JS = "() => document.querySelectorAll('path.leaflet-interactive').length > 0"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def idle(pid: int):
    """A lone visitor's stay: until the server is idle (`wait_idle`), without blocking the event loop."""
    async def stay() -> None:
        await asyncio.to_thread(wait_idle, pid)
    return stay


class Crowd:
    """Visitors who arrived together stay until all `n` are drawn and the server is idle (or
    `deadline_s` has passed since they came): its CPU then includes every rerun their pages asked for."""

    def __init__(self, n: int, pid: int, deadline_s: float) -> None:
        self.n, self.pid, self.drawn = n, pid, 0
        self.deadline = time.monotonic() + deadline_s
        self.quiet = asyncio.Event()

    async def stay(self) -> None:
        self.drawn += 1
        if self.drawn == self.n:
            await asyncio.to_thread(wait_idle, self.pid)
            self.quiet.set()
        try:
            await asyncio.wait_for(self.quiet.wait(), timeout=max(0.0, self.deadline - time.monotonic()))
        except TimeoutError:
            pass


def wait_idle(pid: int, quiet_s: float = 0.6, timeout_s: float = 30.0) -> None:
    """Wait until the server has used no CPU for `quiet_s` (its reruns are over)."""
    deadline, last, since = time.monotonic() + timeout_s, cpu_s(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = cpu_s(pid)
        if now - last > 0.005:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return


@contextmanager
def server(script: str, log: str, plans: int = 0, parks: int = 0):
    """`streamlit run script` with a workspace of its own (tests.e2e.conftest.serve); yields (url, pid).
    plans / parks: fill that workspace first to that many plans and parks (`bench.many_plans`)."""
    from tests.e2e.conftest import serve

    folder = Path(tempfile.mkdtemp(prefix="parkatlas-visit-"))
    if plans or parks:
        from bench.many_plans import fill_workspace

        print("workspace:", fill_workspace(folder / "workspace.gpkg", plans, parks))
    env = {**os.environ, "PARKATLAS_WORKSPACE": str(folder / "workspace.gpkg"), "PYTHONPATH": str(ROOT)}
    with serve(script, env, folder / log) as (base, proc):
        yield base, proc.pid


async def visit(browser, base: str, path: str, stay, timeout_s: float = 90.0) -> float | None:
    """Seconds from opening `path` in a fresh context until Leaflet has drawn a path (None: never).
    The visitor then stays until `stay()` (a coroutine function) returns: a visit is over when its
    page is complete (the reruns the drawn page asks for are part of the visit's server CPU), not
    when the first path appears."""
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    await page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    t0 = time.monotonic()
    try:
        await page.goto(base + path, wait_until="commit")
        while time.monotonic() - t0 < timeout_s:
            for frame in page.frames:
                try:
                    if await frame.evaluate(DRAWN_JS):
                        drawn = time.monotonic() - t0
                        await stay()
                        return drawn
                except Exception:  # frames come and go while Streamlit reruns
                    pass
            await asyncio.sleep(0.05)
        return None
    finally:
        await context.close()


async def measure(pages: dict[str, tuple[str, int]], visits: int, crowd: int) -> dict:
    from playwright.async_api import async_playwright

    out: dict[str, dict] = {name: {"times": [], "cpu": []} for name in pages}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, (base, pid) in pages.items():  # warm-up: the first visit after a start pays imports
            await visit(browser, base, "/?lang=zh", idle(pid))
        for _ in range(visits):
            for name, (base, pid) in pages.items():
                before = cpu_s(pid)
                took = await visit(browser, base, "/?lang=zh", idle(pid))
                out[name]["times"].append(took)
                out[name]["cpu"].append(cpu_s(pid) - before)
        for name, (base, pid) in pages.items():
            before, t0 = cpu_s(pid), time.monotonic()
            together = Crowd(crowd, pid, deadline_s=180)
            took = await asyncio.gather(*[visit(browser, base, "/?lang=zh", together.stay, timeout_s=180)
                                          for _ in range(crowd)])
            wait_idle(pid)
            out[name]["crowd_times"] = took
            out[name]["crowd_cpu"] = (cpu_s(pid) - before) / crowd
            out[name]["crowd_wall"] = time.monotonic() - t0
        await browser.close()
    return out


def floor_script() -> str:
    """A launcher of `bench/floor_page.py` in a temporary folder whose `static` is a link to ours,
    so the floor page is served the same vendored Leaflet as the app."""
    folder = Path(tempfile.mkdtemp(prefix="parkatlas-floor-"))
    (folder / "static").symlink_to(ROOT / "static", target_is_directory=True)
    (folder / "floor.py").write_text("import runpy\nrunpy.run_module('bench.floor_page', run_name='__main__')\n")
    return str(folder / "floor.py")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visits", type=int, default=6)
    ap.add_argument("--crowd", type=int, default=20)
    ap.add_argument("--plans", type=int, default=0, help="fill the atlas's workspace to this many plans")
    ap.add_argument("--parks", type=int, default=0, help="... and this many parks (synthetic points)")
    a = ap.parse_args(argv)
    with server("streamlit_app.py", "atlas.log", a.plans, a.parks) as atlas, server(floor_script(), "floor.log") as floor:
        res = asyncio.run(measure({"atlas": atlas, "floor": floor}, a.visits, a.crowd))
    med = {n: (statistics.median(t for t in r["times"] if t is not None), statistics.median(r["cpu"]))
           for n, r in res.items()}
    print(f"visit bench, {a.visits} alternating visits each, fresh browser context per visit (offline chromium)")
    print(f"{'page':8} {'drawn (median)':>15} {'server CPU/visit':>17} {'crowd of ' + str(a.crowd) + ': drawn':>20}"
          f" {'slowest':>8} {'CPU/visit':>10}")
    for n, r in res.items():
        drawn = sum(t is not None for t in r["crowd_times"])
        slowest = max((t for t in r["crowd_times"] if t is not None), default=float("nan"))
        print(f"{n:8} {med[n][0]:>13.2f} s {med[n][1]:>15.2f} s {drawn:>14}/{a.crowd} {slowest:>7.1f}s"
              f" {r['crowd_cpu']:>9.2f}s")
    t_ratio, c_ratio = med["atlas"][0] / med["floor"][0], med["atlas"][1] / med["floor"][1]
    crowd_ratio = res["atlas"]["crowd_cpu"] / med["atlas"][1]
    print(f"atlas / floor: time until drawn {t_ratio:.2f}x, server CPU per visit {c_ratio:.2f}x (goal ≤ 1.15x both); "
          f"atlas CPU per visit in the crowd / alone: {crowd_ratio:.2f}x")
    return {"res": res, "time_ratio": t_ratio, "cpu_ratio": c_ratio, "crowd_ratio": crowd_ratio}


if __name__ == "__main__":
    main()
