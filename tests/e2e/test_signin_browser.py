"""Sign-in in a real browser: nothing but the form before signing in, a wrong password said so,
an editor is offered the outline editor and a viewer is not, and signing out ends the session."""

from __future__ import annotations

import io

import pytest

from tests.e2e.conftest import new_page, running_app, settle, shot
from ui import users

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def team_app(tmp_path_factory, monkeypatch_module):
    folder = tmp_path_factory.mktemp("team")
    credentials = folder / "credentials.yaml"
    for name, role in (("li", "editor"), ("visitor", "viewer")):
        monkeypatch_module.setattr("sys.stdin", io.StringIO(f"{name}-password-1\n"))
        assert users.main(["--file", str(credentials), "add", name, "--role", role, "--password-stdin"]) == 0
    with running_app(log_name="streamlit-team.log", extra_env={"PARKATLAS_CREDENTIALS": str(credentials)}) as base:
        yield base


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


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
        page.reload()  # the cookie keeps the session signed in across a reload ...
        page.get_by_text("Signed in as Li (editor)").wait_for(timeout=60_000)
        page.get_by_role("button", name="Sign out").click()
        page.get_by_label("User name").wait_for(timeout=30_000)
        settle(page)
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
