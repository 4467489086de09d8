"""Browser tests: Debian chromium, driven by Playwright, against `streamlit run` on 127.0.0.1.

One server and one browser for the session. Every request that leaves the machine is answered
without the network: basemap tiles get an empty 200 (no test needs them), anything else is
refused and recorded, so a test can assert that the map's JS/CSS all came from our own server.
Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
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


@contextlib.contextmanager
def serve(script: str, env: dict[str, str], log_path: Path):
    """`streamlit run script` (from the project root) on a free port of 127.0.0.1 with `env`,
    its output in `log_path`; yields (base URL, process) once it is healthy, and stops it after.
    Raises RuntimeError when it exits or is not healthy in 60 s. Used by the tests and bench/."""
    port = _free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
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
                    raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}") from None
                time.sleep(0.25)
        else:
            raise RuntimeError(f"streamlit did not become healthy in 60 s; see {log_path}")
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def running_app(data_dir: Path | None = None, log_name: str = "streamlit.log", workspace: Path | None = None,
                extra_env: dict[str, str] | None = None):
    """The app (`serve("streamlit_app.py", ...)`); yields its base URL.

    data_dir: a folder of layer files to serve instead of the bundled data/ (PARKATLAS_DATA_DIR).
    workspace: the workspace file (PARKATLAS_WORKSPACE); by default a new one in a temp folder.
    extra_env: more environment (e.g. PARKATLAS_CREDENTIALS for sign-in).
    """
    env = dict(os.environ)
    if data_dir is not None:
        env["PARKATLAS_DATA_DIR"] = str(data_dir)
    if workspace is None:  # a workspace of its own, seeded on first open, removed with the server
        scratch = tempfile.mkdtemp(prefix="parkatlas-e2e-")
        workspace = Path(scratch) / "workspace.gpkg"
    env["PARKATLAS_WORKSPACE"] = str(workspace)
    env["PARKATLAS_PARTITIONS_DIR"] = tempfile.mkdtemp(prefix="parkatlas-e2e-partitions-")
    env["PARKATLAS_TILES_DIR"] = tempfile.mkdtemp(prefix="parkatlas-e2e-tiles-")
    env["PARKATLAS_MAP_FIRST"] = "1"  # as users get it (the unit tests' fixture turns it off for AppTest)
    env.update(extra_env or {})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with serve("streamlit_app.py", env, ARTIFACTS / log_name) as (base, _):
            yield base
    finally:
        shutil.rmtree(env["PARKATLAS_TILES_DIR"], ignore_errors=True)
        shutil.rmtree(env["PARKATLAS_PARTITIONS_DIR"], ignore_errors=True)


@contextlib.contextmanager
def app_with_workspace(tmp_path_factory, name: str):
    """The app on the bundled data with a workspace of its own that the test reads back; yields
    (base URL, workspace path). Its log: test-artifacts/browser/streamlit-<name>.log."""
    workspace = tmp_path_factory.mktemp(name) / "workspace.gpkg"
    with running_app(log_name=f"streamlit-{name}.log", workspace=workspace) as base:
        yield base, workspace


@pytest.fixture(scope="session")
def app_url():
    """The app on the bundled data (or on PARKATLAS_DATA_DIR when the test run sets it)."""
    with running_app() as base:
        yield base


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


def new_page(browser, app_url):
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
    return context, pg


@pytest.fixture()
def page(browser, app_url):
    context, pg = new_page(browser, app_url)
    yield pg
    context.close()


def settle(page, quiet_ms: int = 600, timeout_s: float = 30.0) -> None:
    """Wait until Streamlit has finished running the script (its "Running…" status widget gone
    for `quiet_ms`), so the elements a test reads are the rerun's, not the previous run's."""
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif (time.monotonic() - quiet_since) * 1000 >= quiet_ms:
            return
        time.sleep(0.1)


def download(page, button, tries: int = 3, timeout_ms: int = 30_000) -> bytes:
    """Click a download button and return the file's bytes. Streamlit serves a download button's
    file from its media store, which a rerun replaces: a click that lands while a rerun (the map
    reporting its first view, say) swaps the button gets "Download.path: canceled", as a user's
    click would. The page is let settle and the click tried again, at most `tries` times."""
    for attempt in range(tries):
        settle(page)
        try:
            with page.expect_download(timeout=timeout_ms) as dl:
                button.click()
            return dl.value.path().read_bytes()
        except Exception as exc:  # playwright's Error: canceled / failed
            if "canceled" not in str(exc) and "failed" not in str(exc) or attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def shot(page, name: str) -> Path:
    """Save a screenshot of the page under test-artifacts/browser/."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def park_paths(frame, expected: int, timeout_s: float = 20.0) -> dict:
    """Poll the drawn park paths until `expected` are there (or the time is up); return the last count."""
    deadline = time.monotonic() + timeout_s
    drawn = frame.evaluate(PARK_PATHS_JS)
    while drawn["paths"] < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        drawn = frame.evaluate(PARK_PATHS_JS)
    return drawn


DRAWN_JS = "() => typeof map_div !== 'undefined' && document.querySelectorAll('path.leaflet-interactive').length > 0"
"""A Leaflet frame that has drawn at least one interactive path."""


def map_frame(page, timeout_s: float = 30.0, ready_js: str = DRAWN_JS, fail: bool = True):
    """The first Leaflet iframe for which `ready_js` is true (by default: it has drawn a path);
    on timeout, fail the test (or return None with fail=False)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for fr in page.frames:
            try:
                if fr.evaluate(ready_js):
                    return fr
            except Exception:  # frames come and go while Streamlit reruns
                pass
        time.sleep(0.1)
    if fail:
        pytest.fail(f"the map did not draw in {timeout_s:.0f} s")
    return None


PARK_PATHS_JS = """() => {
  const ids = new Set();
  let paths = 0;
  map_div.eachLayer(l => {
    if (!l._path || !l._path.classList.contains('leaflet-interactive') || l._path.closest('.leaflet-control-minimap')) return;
    const p = l.feature && l.feature.properties;
    if (p && p.tip !== undefined && p.programme !== undefined) { paths += 1; ids.add(p.id); return; }
    const marker = Array.from(l._path.classList).find(c => c.startsWith('park-') && c !== 'park-marker');
    if (marker) { paths += 1; ids.add(marker.slice(5)); }
  });
  return {paths: paths, ids: Array.from(ids)};
}"""
"""Count the parks drawn on the main map: polygons (GeoJSON features with `programme` and `tip`)
and point markers (class `park-<id>`)."""
