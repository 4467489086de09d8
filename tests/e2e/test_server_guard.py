"""What an outsider gets from the server without a browser (issue 22): the probes of the security
review, made again with plain HTTP and a raw websocket client against `streamlit run`.

- no public tile folder, no metrics, no file by a made-up token, no wildcard CORS;
- an upload only to a session that shows an uploader (and, with sign-in, is signed in), within a
  per-session cap;
- a "clear cache" message from a session that is not an admin's is ignored;
- the audit log only through the admin's own link, and only while they are signed in.
"""

from __future__ import annotations

import asyncio
import io
import time

import pytest

from tests.e2e.conftest import ARTIFACTS, new_page, running_app, settle
from tests.e2e.test_signin_browser import sign_out
from tests.e2e.raw_client import http_status, run, send_clear_cache, session, upload
from ui import users

pytestmark = pytest.mark.browser

CAP_MB = 3


@pytest.fixture(scope="module")
def guarded_app():
    """A single-user app whose sessions may hold CAP_MB of uploads."""
    with running_app(log_name="guard.log", extra_env={"PARKATLAS_UPLOAD_SESSION_MB": str(CAP_MB)}) as base:
        yield base


@pytest.fixture(scope="module")
def team_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guard-team")
    credentials = folder / "credentials.yaml"
    mp = pytest.MonkeyPatch()
    for name, role in (("boss", "admin"), ("visitor", "viewer")):
        mp.setattr("sys.stdin", io.StringIO(f"{name}-password-1\n"))
        assert users.main(["--file", str(credentials), "add", name, "--role", role, "--password-stdin"]) == 0
    mp.undo()
    with running_app(log_name="guard-team.log", extra_env={"PARKATLAS_CREDENTIALS": str(credentials)}) as base:
        yield base


def test_nothing_private_by_plain_http(guarded_app):
    assert http_status(f"{guarded_app}/_stcore/metrics")[0] == 404
    assert http_status(f"{guarded_app}/app/static/tiles/user-1@abc.1.pmtiles")[0] == 404
    assert http_status(f"{guarded_app}/parkatlas/file/{'A' * 43}/x.pmtiles")[0] == 404
    status, headers = http_status(f"{guarded_app}/app/static/vendor/leaflet/leaflet.js", headers={"Origin": "http://ev.il"})
    assert status == 200 and "access-control-allow-origin" not in headers


def test_uploads_only_where_an_uploader_is_shown_and_within_the_cap(guarded_app):
    async def probe() -> tuple[int, int, int, int]:
        async with session(guarded_app) as (atlas_session, _):
            on_atlas = upload(guarded_app, atlas_session, 100_000)  # the atlas shows no uploader
        async with session(guarded_app, "data") as (data_session, _):
            first = upload(guarded_app, data_session, 2_000_000)
            second = upload(guarded_app, data_session, 2_000_000)  # 4 MB held would pass the 3 MB cap
            small = upload(guarded_app, data_session, 500_000)
        return on_atlas, first, second, small

    on_atlas, first, second, small = run(probe())
    assert on_atlas == 403
    assert first in (200, 204)
    assert second == 413
    assert small in (200, 204)


def test_an_anonymous_session_of_a_team_install_uploads_nothing(team_app):
    async def probe() -> int:
        async with session(team_app, "data") as (sid, _):  # the data page shows only the sign-in form
            return upload(team_app, sid, 100_000)

    assert run(probe()) == 403


def test_clear_cache_from_an_anonymous_session_is_ignored(team_app):
    async def probe() -> None:
        async with session(team_app) as (_, ws):
            await send_clear_cache(ws)
            await asyncio.sleep(1.0)

    run(probe())
    log = (ARTIFACTS / "guard-team.log").read_text(encoding="utf-8")
    assert "clear_cache refused" in log


def test_the_audit_log_only_to_the_signed_in_admin(browser, team_app):
    context, page = new_page(browser, team_app)
    try:
        page.goto(f"{team_app}/data?lang=en")
        page.get_by_label("User name").wait_for(timeout=60_000)
        page.get_by_label("User name").fill("boss")
        page.get_by_role("textbox", name="Password").fill("boss-password-1")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("The workspace (where it is, backups)").wait_for(timeout=60_000)
        settle(page)
        page.get_by_text("The workspace (where it is, backups)").click()
        link = page.get_by_role("link", name="Download the audit log")
        link.wait_for(timeout=30_000)
        href = link.get_attribute("href") or ""
        url = href if href.startswith("http") else team_app + href
        assert "/parkatlas/file/" in url and "/media/" not in url
        status, headers = http_status(url)
        assert status == 200 and headers["content-type"].startswith("text/csv")
        assert "attachment" in headers.get("content-disposition", "")
        sign_out(page)
        assert http_status(url)[0] == 404  # signed out: the link went with the sign-in
    finally:
        context.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and http_status(url)[0] != 404:
        time.sleep(0.3)
    assert http_status(url)[0] == 404
