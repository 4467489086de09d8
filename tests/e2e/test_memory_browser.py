"""A session that uploaded a file lets go of it once it has ended (ui.memory).

Streamlit keeps a disconnected session for `server.disconnectedSessionTTL` seconds in case its
browser comes back; after that, `ui.memory.close_expired_sessions` shuts it down, and with it go
the uploaded file's bytes. Read from Streamlit's own metrics endpoint (the uploaded-file
manager's memory) and from the server process's resident memory (within 30 MB of where it was
before a ~60 MB upload), on a server started with a 2 s reconnect time and a 1 s release cycle.
"""

from __future__ import annotations

import json
import random
import re
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import new_page, running_app

pytestmark = pytest.mark.browser


def uploaded_bytes(base: str) -> int:
    """Bytes Streamlit's uploaded-file manager holds, from /_stcore/metrics (Prometheus text)."""
    text = urllib.request.urlopen(base + "/_stcore/metrics?families=cache_memory_bytes", timeout=10).read().decode()
    return sum(int(float(m.group(1))) for m in
               re.finditer(r'^cache_memory_bytes\{[^}]*UploadedFileManager[^}]*\}\s+([0-9.e+]+)', text, re.M))


def server_rss_mb(base: str) -> float:
    """Resident memory of the `streamlit run` process serving `base` (found by its port), MB."""
    port = base.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(cmd) and port.encode() in cmd:
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    raise AssertionError(f"no streamlit process on port {port}")


def points_geojson(path, n: int = 20_000) -> None:
    rng = random.Random(5)
    features = [{"type": "Feature", "properties": {"name": f"地块 {i}", "note": "x" * 40},
                 "geometry": {"type": "Point", "coordinates": [113.2 + rng.random() * 0.3, 23.0 + rng.random() * 0.3]}}
                for i in range(n)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")


def test_an_ended_sessions_upload_is_freed(browser, tmp_path):
    upload = tmp_path / "many_points.geojson"
    points_geojson(upload, n=400_000)  # ~60 MB
    size = upload.stat().st_size
    env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "2", "PARKATLAS_RELEASE_EVERY_S": "1",
           "PARKATLAS_EXPOSE_METRICS": "1"}  # this test reads Streamlit's metrics (refused by default)
    with running_app(log_name="memory.log", extra_env=env) as base:
        context, page = new_page(browser, base)
        page.goto(base + "/data?lang=en")
        page.get_by_text("Choose a file").first.wait_for(timeout=60_000)
        time.sleep(3)  # a release cycle: what the first visit freed goes back first
        before = server_rss_mb(base)
        page.locator("input[type=file]").first.set_input_files(str(upload))
        page.get_by_role("button", name="Import and check").click()
        page.get_by_text("Check report: many_points.geojson").wait_for(timeout=120_000)
        held = uploaded_bytes(base)
        assert held >= size  # the upload lives in the server's memory while the session does
        assert server_rss_mb(base) - before > size / 2**20 * 0.8  # and the process's memory shows it

        context.close()  # the visitor leaves
        deadline = time.monotonic() + 30
        while uploaded_bytes(base) > 0 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert uploaded_bytes(base) == 0, "the ended session's upload is still held"
        # ... and the process gives it back (the checked layer never entered it: layers.import_check)
        deadline = time.monotonic() + 15
        while server_rss_mb(base) - before > 30 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert server_rss_mb(base) - before <= 30, (before, server_rss_mb(base))
