"""Browser tests: Debian chromium, driven by Playwright, against `streamlit run` on 127.0.0.1.

One server and one browser for the session. Every request that leaves the machine is answered
without the network: basemap tiles get an empty 200 (no test needs them), anything else is
refused and recorded, so a test can assert that the map's JS/CSS all came from our own server.
Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
TILE = re.compile(r"/\d+/\d+/\d+(\.png|\.jpg|\.jpeg)?(\?.*)?$|/tile/\d+/\d+/\d+")
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """`streamlit run streamlit_app.py` on a free port of 127.0.0.1, with the bundled data."""
    port = _free_port()
    env = dict(os.environ)  # PARKATLAS_DATA_DIR, if set, points both the server and the tests at other data
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited with {proc.returncode}; see {ARTIFACTS / 'streamlit.log'}")
                time.sleep(0.25)
        else:
            pytest.fail("streamlit did not become healthy in 60 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        yield b
        b.close()


class OffMachine:
    """What the page tried to fetch from outside 127.0.0.1."""

    def __init__(self) -> None:
        self.tiles: list[str] = []
        self.refused: list[str] = []


@pytest.fixture()
def page(browser, app_url):
    """A fresh page (1400 x 1000) whose off-machine requests never reach a network."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    outside = OffMachine()

    def route(r):
        url = r.request.url
        if url.startswith(app_url) or url.split(":", 1)[0] in ("data", "blob", "about"):
            return r.continue_()
        if TILE.search(url):
            outside.tiles.append(url)
            return r.fulfill(status=200, body=b"", content_type="image/png")
        outside.refused.append(url)
        return r.abort()

    pg.route("**/*", route)
    pg.outside = outside
    pg.base = app_url
    yield pg
    context.close()


def shot(page, name: str) -> Path:
    """Save a screenshot of the page under test-artifacts/browser/."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def map_frame(page, timeout_s: float = 30.0):
    """The Leaflet iframe once its map has drawn at least one park path (or fail)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for fr in page.frames:
            try:
                if fr.evaluate("() => typeof map_div !== 'undefined' && document.querySelectorAll('path.leaflet-interactive').length > 0"):
                    return fr
            except Exception:  # frames come and go while Streamlit reruns
                pass
        time.sleep(0.1)
    pytest.fail(f"the map did not draw in {timeout_s:.0f} s")


PARK_PATHS_JS = """() => {
  const ids = new Set();
  let paths = 0;
  map_div.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.tip !== undefined && p.programme !== undefined && l._path && l._path.classList.contains('leaflet-interactive')
        && !l._path.closest('.leaflet-control-minimap')) { paths += 1; ids.add(p.id); }
  });
  return {paths: paths, ids: Array.from(ids)};
}"""
"""Count the park features drawn on the main map (park properties carry `programme` and `tip`)."""
