"""Benchmark of the atlas page: cold start, filter rerun, map payload, time to a drawn map.

- cold start: a fresh process runs `AppTest.from_file("streamlit_app.py").run()` (median of 3);
- filter rerun (server side): in one AppTest, set the city filter and rerun (median of 10), with a
  rerun that changes nothing as the baseline;
- payload: bytes the browser receives over Streamlit's websocket until the map has drawn, and the
  size of what st_folium is handed (map script + overlays), for the default atlas;
- map drawn: from page open to Leaflet paths on screen in headless Debian chromium, with every
  off-machine request refused (first and warm visit, median of 3).

    python -m bench.app_bench
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLD = "import time; t=time.perf_counter(); from streamlit.testing.v1 import AppTest; " \
       "AppTest.from_file('streamlit_app.py', default_timeout=120).run(); print(time.perf_counter()-t)"


def cold_start(repeat: int = 3) -> float:
    times = [float(subprocess.run([sys.executable, "-c", COLD], cwd=ROOT, capture_output=True, text=True, check=True)
                   .stdout.strip().splitlines()[-1]) for _ in range(repeat)]
    return statistics.median(times)


def rerun_times(repeat: int = 10) -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    change, same = [], []
    for i in range(repeat):
        t0 = time.perf_counter()
        at.multiselect(key="w_cities").set_value(["广州市"] if i % 2 == 0 else []).run()
        change.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        at.run()
        same.append(time.perf_counter() - t0)
    return statistics.median(change), statistics.median(same)


def st_folium_payload() -> int:
    """Bytes of the map script, header, html and overlay scripts st_folium sends for the default atlas."""
    from streamlit_folium import _get_feature_group_string, _get_header, _get_html, _get_map_string

    from layers.parks import ParkFilter, filter_parks
    from layers import registry
    from ui.mapview import base_map, display_frame, park_groups

    parks = registry.load("parks")
    shown = filter_parks(parks, ParkFilter())
    m = base_map("zh", "light", (23.2, 113.3), 9, "/app/static/vendor")
    m.get_root().render()
    size = len(_get_html(m)) + len(_get_header(m)) + len(_get_map_string(m))
    for i, g in enumerate(park_groups(display_frame(shown, "zh"), "zh", None)):
        size += len(_get_feature_group_string(g, m, i))
    return size


def browser_figures(repeat: int = 3) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import running_app

    with running_app(log_name="streamlit-bench.log") as base:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"])
            cold, warm, ws_bytes = [], [], []
            for _ in range(repeat):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
                received = [0]
                page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.__setitem__(0, received[0] + len(f))))
                for visit in (cold, warm):
                    received[0] = 0
                    t0 = time.monotonic()
                    page.goto(base + "/", wait_until="domcontentloaded")
                    while time.monotonic() - t0 < 60:
                        if any(_drawn(fr) for fr in page.frames):
                            break
                        time.sleep(0.05)
                    visit.append(time.monotonic() - t0)
                    if visit is cold:
                        ws_bytes.append(received[0])
                context.close()
            browser.close()
    return {"map_drawn_first_s": statistics.median(cold), "map_drawn_warm_s": statistics.median(warm),
            "websocket_bytes": statistics.median(ws_bytes)}


def _drawn(frame) -> bool:
    try:
        return frame.locator("path.leaflet-interactive").count() > 0
    except Exception:  # frames come and go while Streamlit reruns
        return False


def run() -> dict:
    os.chdir(ROOT)
    change, same = rerun_times()
    figures = {
        "cold_start_s": cold_start(),
        "filter_rerun_ms": change * 1e3,
        "no_change_rerun_ms": same * 1e3,
        "st_folium_payload_bytes": st_folium_payload(),
        **browser_figures(),
    }
    rows = [
        ("cold start to first rendered page (AppTest, fresh process)", f"{figures['cold_start_s']:.2f} s", ""),
        ("filter change rerun, server side", f"{figures['filter_rerun_ms']:.0f} ms", "≤ 300 ms"),
        ("  rerun with no change (baseline)", f"{figures['no_change_rerun_ms']:.0f} ms",
         f"ratio {figures['filter_rerun_ms'] / figures['no_change_rerun_ms']:.2f}"),
        ("map payload handed to st_folium", f"{figures['st_folium_payload_bytes'] / 1024:.0f} KiB", "≤ 1 MB"),
        ("websocket bytes until the map is drawn", f"{figures['websocket_bytes'] / 1024:.0f} KiB", "≤ 1 MB"),
        ("map drawn in headless chromium, first visit", f"{figures['map_drawn_first_s']:.2f} s", "≤ 2 s"),
        ("map drawn in headless chromium, warm visit", f"{figures['map_drawn_warm_s']:.2f} s", "≤ 2 s"),
    ]
    for name, value, budget in rows:
        print(f"{name:<58}{value:>12}  {budget}")
    return figures


if __name__ == "__main__":
    out = run()
    Path(ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "bench_app.json").write_text(json.dumps(out, indent=2))
