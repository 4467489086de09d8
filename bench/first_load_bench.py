"""The first visit after a server start: the Present page against the atlas (and the floor page,
Streamlit with one map), each measured on a freshly started server, in one run, alternating.

A presenter opens the Present page on a laptop whose server has just started: that first visit
pays every import and cache the page needs. Issue #26 measured 7–10 s before the map; this bench
gives the seconds from opening the URL until Leaflet has drawn a path, in a fresh context of
offline Debian chromium, for `rounds` rounds of (floor, atlas, present), each on a new server.
The figures are compared as ratios in one run (the machine is shared and noisy).

    python -m bench.first_load_bench [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from bench.visit_bench import CHROMIUM_ARGS, floor_script, server, visit

PAGES = {"floor": ("floor", "/?lang=zh"), "atlas": ("streamlit_app.py", "/?lang=zh"),
         "present": ("streamlit_app.py", "/present?lang=zh")}
"""Page name -> (script to serve, path of the first visit)."""


async def first_visit(base: str, path: str) -> float | None:
    """Seconds until the first map is drawn on a visit to `path` (a new browser, offline)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            async def leave() -> None:
                return None

            return await visit(browser, base, path, leave, timeout_s=120)
        finally:
            await browser.close()


def run(rounds: int) -> dict[str, list[float | None]]:
    """`rounds` rounds of one first visit per page, each on a server started for it."""
    out: dict[str, list[float | None]] = {name: [] for name in PAGES}
    for _ in range(rounds):
        for name, (script, path) in PAGES.items():
            with server(floor_script() if script == "floor" else script, f"{name}.log") as (base, _pid):
                out[name].append(asyncio.run(first_visit(base, path)))
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args(argv)
    res = run(a.rounds)
    med = {n: statistics.median(t for t in ts if t is not None) for n, ts in res.items()}
    print(f"first visit after a server start, {a.rounds} rounds, offline chromium, seconds until the map is drawn")
    for n, ts in res.items():
        shown = ", ".join("never" if t is None else f"{t:.1f}" for t in ts)
        print(f"{n:8} median {med[n]:5.1f} s   ({shown})")
    print(f"present / atlas {med['present'] / med['atlas']:.2f}x, present / floor {med['present'] / med['floor']:.2f}x, "
          f"atlas / floor {med['atlas'] / med['floor']:.2f}x")
    return {"res": res, "median": med}


if __name__ == "__main__":
    main()
