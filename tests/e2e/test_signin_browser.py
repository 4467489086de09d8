"""Sign-in in a real browser: nothing but the form before signing in, a wrong password said so,
an editor is offered the outline editor and a viewer is not, and signing out ends the session.
Issue 22: a forged cookie shows the sign-in form (no traceback) and is cleared; a cookie replayed
after a password reset is refused, and the open session is signed out at its next run."""

from __future__ import annotations

import io
import time

import jwt
import pytest
import yaml

from tests.e2e.conftest import new_page, running_app, settle, shot
from ui import users

pytestmark = pytest.mark.browser

COOKIE = "parkatlas_auth"


@pytest.fixture(scope="module")
def team_credentials(tmp_path_factory, monkeypatch_module):
    """The credentials file of the team app: li (editor), visitor (viewer), kim (editor)."""
    credentials = tmp_path_factory.mktemp("team") / "credentials.yaml"
    for name, role in (("li", "editor"), ("visitor", "viewer"), ("kim", "editor")):
        monkeypatch_module.setattr("sys.stdin", io.StringIO(f"{name}-password-1\n"))
        assert users.main(["--file", str(credentials), "add", name, "--role", role, "--password-stdin"]) == 0
    return credentials


@pytest.fixture(scope="module")
def team_app(team_credentials):
    with running_app(log_name="streamlit-team.log", extra_env={"PARKATLAS_CREDENTIALS": str(team_credentials)}) as base:
        yield base


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def sign_out(page) -> None:
    """Press "Sign out" until the sign-in form is there (a press that lands while Streamlit is still
    running the page is lost), then let the page settle."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        settle(page)
        button = page.get_by_role("button", name="Sign out")
        if button.count():
            button.click()
        try:
            page.get_by_label("User name").wait_for(timeout=10_000)
            settle(page)
            return
        except Exception:  # not there yet: press again
            continue
    pytest.fail("signing out did not bring the sign-in form back")


def sign_in(page, name: str, password: str) -> None:
    page.get_by_label("User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    settle(page)


def test_sign_in_then_roles_decide_what_is_offered(browser, team_app):
    context, page = new_page(browser, team_app)
    try:
        page.goto(f"{team_app}/?lang=en&park=gz-vip-pazhou")
        page.get_by_label("User name").wait_for(timeout=60_000)
        assert page.get_by_text("Haizhu Pazhou").count() == 0  # no data before signing in
        sign_in(page, "li", "wrong-password")
        page.get_by_text("The user name or password is not right").wait_for(timeout=20_000)
        sign_in(page, "li", "li-password-1")
        page.get_by_text("Signed in as Li (editor)").wait_for(timeout=30_000)
        page.get_by_role("button", name="Draw / edit the outline").wait_for(timeout=30_000)
        shot(page, "signed-in-editor")
        deadline = time.monotonic() + 20  # the server sets the cookie: HttpOnly, no script reads it
        while time.monotonic() < deadline and not [c for c in context.cookies() if c["name"] == COOKIE]:
            time.sleep(0.2)
        (cookie,) = [c for c in context.cookies() if c["name"] == COOKIE]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert COOKIE not in page.evaluate("() => document.cookie")
        page.reload()  # the cookie keeps the session signed in across a reload ...
        page.get_by_text("Signed in as Li (editor)").wait_for(timeout=60_000)
        sign_out(page)
        page.reload()  # ... and signing out deleted it
        page.get_by_label("User name").wait_for(timeout=60_000)
        assert page.get_by_text("Signed in as").count() == 0
        sign_in(page, "visitor", "visitor-password-1")
        page.get_by_text("Signed in as Visitor (viewer)").wait_for(timeout=30_000)
        page.get_by_text("Haizhu Pazhou Internet Value-Innovation Park").first.wait_for(timeout=30_000)
        assert page.get_by_role("button", name="Draw / edit the outline").count() == 0
        assert page.outside.refused == [], page.outside.refused
    finally:
        context.close()


def auth_cookie(context) -> str | None:
    """The re-authentication cookie the browser holds (None when there is none)."""
    return next((c["value"] for c in context.cookies() if c["name"] == COOKIE), None)


def wait_for_cookie(context, present: bool, timeout_s: float = 15.0) -> str | None:
    deadline = time.monotonic() + timeout_s
    while (auth_cookie(context) is not None) != present and time.monotonic() < deadline:
        time.sleep(0.2)
    return auth_cookie(context)


def no_traceback(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Traceback").count() == 0 and page.get_by_text("site-packages").count() == 0


@pytest.mark.parametrize("forged", ["garbage", "foreign key", "unknown user"])
def test_a_forged_cookie_shows_the_sign_in_form_and_is_cleared(browser, team_app, team_credentials, forged):
    key = yaml.safe_load(team_credentials.read_text(encoding="utf-8"))["cookie"]["key"]
    later = time.time() + 3600
    token = {"garbage": "not.a.jwt-at-all",
             "foreign key": jwt.encode({"username": "li", "exp_date": later}, "f" * 64, algorithm="HS256"),
             "unknown user": jwt.encode({"username": "ghost", "exp_date": later}, key, algorithm="HS256")}[forged]
    context, page = new_page(browser, team_app)
    try:
        context.add_cookies([{"name": COOKIE, "value": token, "url": team_app}])
        page.goto(f"{team_app}/?lang=en")
        page.get_by_label("User name").wait_for(timeout=60_000)
        settle(page)
        no_traceback(page)
        assert page.get_by_text("Signed in as").count() == 0
        assert wait_for_cookie(context, present=False) is None  # the page deleted it
        shot(page, f"forged-cookie-{forged.replace(' ', '-')}")
    finally:
        context.close()


def test_a_cookie_replayed_after_a_password_reset_is_refused(browser, team_app, team_credentials, monkeypatch):
    context, page = new_page(browser, team_app)
    other = None
    try:
        page.goto(f"{team_app}/?lang=en&park=gz-vip-pazhou")
        page.get_by_label("User name").wait_for(timeout=60_000)
        sign_in(page, "kim", "kim-password-1")
        page.get_by_text("Signed in as Kim (editor)").wait_for(timeout=30_000)
        page.get_by_role("button", name="Draw / edit the outline").wait_for(timeout=30_000)
        token = wait_for_cookie(context, present=True)
        assert token
        monkeypatch.setattr("sys.stdin", io.StringIO("kim-password-2x\n"))
        assert users.main(["--file", str(team_credentials), "reset-password", "kim", "--password-stdin"]) == 0
        other, replay = new_page(browser, team_app)
        other.add_cookies([{"name": COOKIE, "value": token, "url": team_app}])
        replay.goto(f"{team_app}/?lang=en")
        replay.get_by_label("User name").wait_for(timeout=60_000)  # the stolen cookie gets the form
        settle(replay)
        assert replay.get_by_text("Signed in as").count() == 0
        no_traceback(replay)
        # The open session's next run (the language switch) signs it out, and says why.
        page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
        page.get_by_text("您的登录已失效").wait_for(timeout=30_000)
        page.get_by_label("用户名").wait_for(timeout=30_000)
        assert page.get_by_text("已登录").count() == 0
        shot(page, "signed-out-after-reset")
        page.get_by_label("用户名").fill("kim")  # the new password works
        page.get_by_role("textbox", name="密码").fill("kim-password-2x")
        page.get_by_role("button", name="登录", exact=True).click()
        page.get_by_text("已登录：Kim").wait_for(timeout=30_000)
    finally:
        if other is not None:
            other.close()
        context.close()
