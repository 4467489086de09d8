"""Does the server give memory back after a big upload? Starts the app, visits it once, then in a
fresh browser context uploads a generated GeoJSON of about `--mb` MB on the Data page, checks it
(the import report), and closes the context (the session ends). After Streamlit's disconnected
session TTL and one release cycle (`ui.memory`), the server's resident memory is compared with
where it was before the upload. Goal: within 50 MB.

    python -m bench.memory_bench [--mb 150]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from bench.visit_bench import CHROMIUM_ARGS, server, wait_idle

TTL_S = 145  # Streamlit's server.disconnectedSessionTTL, then a release cycle of ui.memory


def rss_mb(pid: int) -> float:
    """Resident memory of process `pid` in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_geojson(path: Path, mb: float) -> int:
    """Points around Guangzhou with a few attributes, about `mb` MB; returns the feature count."""
    rng = random.Random(3)
    n, size = 0, 0
    with path.open("w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        while size < mb * 1024 * 1024:
            feat = {"type": "Feature", "properties": {"name": f"地块 {n}", "code": rng.choice(["M1", "R2", "B1"]),
                                                      "note": "x" * 60},
                    "geometry": {"type": "Point", "coordinates": [113.2 + rng.random() * 0.3, 23.0 + rng.random() * 0.3]}}
            line = ("," if n else "") + json.dumps(feat, ensure_ascii=False) + "\n"
            f.write(line)
            size += len(line.encode())
            n += 1
        f.write("]}\n")
    return n


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=150)
    a = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="parkatlas-membench-"))
    upload = folder / "big_parcels.geojson"
    n = make_geojson(upload, a.mb)
    with server("streamlit_app.py", "memory.log") as (base, pid), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/?lang=en")
        page.wait_for_timeout(5000)
        context.close()
        wait_idle(pid)
        time.sleep(25)  # one release cycle
        before = rss_mb(pid)
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/data?lang=en")
        page.get_by_text("Choose a file").first.wait_for(timeout=60_000)
        page.locator("input[type=file]").first.set_input_files(str(upload))
        page.get_by_role("button", name="Import and check").click()
        page.get_by_text("Check report:").first.wait_for(timeout=600_000)
        wait_idle(pid)
        peak = rss_mb(pid)
        context.close()
        browser.close()
        time.sleep(TTL_S)
        after = rss_mb(pid)
    print(f"memory bench: upload of {upload.stat().st_size / 1024 / 1024:.0f} MB ({n:,} points), checked on the Data page")
    print(f"server RSS before {before:.0f} MB, with the session {peak:.0f} MB, {TTL_S} s after it ended {after:.0f} MB"
          f" (+{after - before:.0f} MB; goal ≤ 50 MB)")
    return {"before_mb": before, "peak_mb": peak, "after_mb": after}


if __name__ == "__main__":
    main()
