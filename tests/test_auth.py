"""Sign-in and roles: the users CLI (bcrypt-hashed passwords in a credentials file), the sign-in
form before anything else, and a viewer who crafts the session state to open the outline editor
still cannot write (the store refuses it). Issue 22: a session is signed out when its user's
password is reset, role lowered or account removed, and its cookie is refused; a signed-in page
never writes the credentials file; too many failures lock a user name (without telling whether
it exists); a team database without sign-in is read-only; a credentials file without a strong
cookie key, or that is not a credentials file, stops the page with what to do, never a traceback."""

from __future__ import annotations

import io
import os
import re
import stat
import time

import bcrypt
import pytest
import yaml
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from store import PermissionDenied, default_location, open_workspace
from tests.conftest import ROOT
from tests.helpers import fake_editor_map
from ui import credentials as creds
from ui import users
from ui.credentials import SIGNED_IN_AT, SIGNED_IN_ROLE

APP = str(ROOT / "streamlit_app.py")
POINT_PARK = "test-point"
OUTLINE = box(113.046, 23.697, 113.0535, 23.7035)


def run_cli(monkeypatch, path, *args: str, password: str | None = None) -> int:
    if password is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return users.main(["--file", str(path), *args])


@pytest.fixture()
def credentials(tmp_path, monkeypatch):
    """A credentials file with a viewer, an editor and an admin (made with the CLI), in use."""
    path = tmp_path / "secret" / "credentials.yaml"
    for name, role in (("visitor", "viewer"), ("li", "editor"), ("boss", "admin")):
        assert run_cli(monkeypatch, path, "add", name, "--name", name.title(), "--role", role, "--password-stdin",
                       password=f"{name}-password-1") == 0
    monkeypatch.setenv("PARKATLAS_CREDENTIALS", str(path))
    return path


def test_the_cli_keeps_bcrypt_hashes_in_an_owner_only_file(credentials, monkeypatch, capsys):
    config = yaml.safe_load(credentials.read_text(encoding="utf-8"))
    li = config["credentials"]["usernames"]["li"]
    assert li["roles"] == ["editor"] and li["password"].startswith("$2")
    assert bcrypt.checkpw(b"li-password-1", li["password"].encode())
    assert "li-password-1" not in credentials.read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
    assert len(config["cookie"]["key"]) == 64
    assert run_cli(monkeypatch, credentials, "reset-password", "li", "--password-stdin", password="a-new-password-2") == 0
    new = yaml.safe_load(credentials.read_text(encoding="utf-8"))["credentials"]["usernames"]["li"]["password"]
    assert bcrypt.checkpw(b"a-new-password-2", new.encode()) and not bcrypt.checkpw(b"li-password-1", new.encode())
    assert run_cli(monkeypatch, credentials, "set-role", "li", "admin") == 0
    assert run_cli(monkeypatch, credentials, "list") == 0
    assert "li\tLi\tadmin" in capsys.readouterr().out


@pytest.mark.parametrize("args, password, message", [
    (("add", "short", "--password-stdin"), "2short", "at least 10 characters"),
    (("add", "Bad Name", "--password-stdin"), "long-enough-1", "lowercase"),
    (("add", "li", "--password-stdin"), "long-enough-1", "exists already"),
    (("reset-password", "ghost", "--password-stdin"), "long-enough-1", "no user ghost"),
])
def test_the_cli_refuses_and_says_why(credentials, monkeypatch, capsys, args, password, message):
    before = credentials.read_bytes()
    assert run_cli(monkeypatch, credentials, *args, password=password) == 2
    assert message in capsys.readouterr().err
    assert credentials.read_bytes() == before


def test_with_sign_in_configured_nothing_shows_before_signing_in(small_data, credentials):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["w_tables"] = True  # would show the tables, were there anything to show
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["User name", "Password"]
    assert not at.dataframe and not [h for h in at.get("html") if "parkatlas-title" in h.proto.body]  # nothing yet


@pytest.fixture(autouse=True)
def fresh_limits():
    """The per-process sign-in limits (per client, per unknown user name) start empty."""
    creds.CLIENTS.clear()
    creds.UNKNOWN_USERS.clear()
    yield
    creds.CLIENTS.clear()
    creds.UNKNOWN_USERS.clear()


def signed_in_as(username: str, name: str, role: str | None = None) -> AppTest:
    """The atlas for a session that signed in just now (its session state), as `role`."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = name
    at.session_state[SIGNED_IN_AT] = time.time()
    if role:
        at.session_state[SIGNED_IN_ROLE] = role
    at.query_params["lang"] = "en"
    at.query_params["park"] = POINT_PARK
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_viewer_sees_no_edit_button_and_a_crafted_save_is_refused_by_the_store(small_data, credentials, monkeypatch):
    fake_editor_map(monkeypatch, [{"type": "Feature", "properties": {}, "geometry": OUTLINE.__geo_interface__}])
    at = signed_in_as("visitor", "Visitor")
    assert any("Signed in as Visitor (viewer)" in c.value for c in at.sidebar.caption)
    assert "edit_outline" not in [b.key for b in at.button]  # the page offers no edit
    # The viewer crafts the session: opens the editor and calls its save handler directly.
    from ui.panels.outline_editor import _save

    state = at.session_state["parkatlas_view"]
    state.editing_outline, state.edit_base_version = POINT_PARK, 1
    at.run()
    assert any("may look but not change" in i.value for i in at.info)  # the form is not offered either
    ws = open_workspace(default_location(), seed=False).as_user("visitor", "viewer")
    _save(state, ws, POINT_PARK, OUTLINE, "crafted", "", 1, "en")  # the page's own handler: refused, said
    with pytest.raises(PermissionDenied, match="a viewer may not save"):
        ws.save_feature("parks", POINT_PARK, OUTLINE, {"geometry_quality": "digitised"}, reason="crafted",
                        expected_version=1)
    assert open_workspace(default_location(), seed=False).feature("parks", POINT_PARK)["version"] == 1


def test_an_editor_saves_under_their_user_name(small_data, credentials, monkeypatch):
    fake_editor_map(monkeypatch, [{"type": "Feature", "properties": {}, "geometry": OUTLINE.__geo_interface__}])
    at = signed_in_as("li", "Li")
    at.button(key="edit_outline").click().run()
    assert "outline_author" not in [t.key for t in at.text_input]  # the user name is the author: no question
    at.text_input(key="outline_reason").set_value("from the 控规 map").run()
    at.button(key="outline_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    hist = open_workspace(default_location(), seed=False).history("parks", POINT_PARK)
    assert hist.iloc[-1][["version", "author", "reason"]].tolist() == [2, "li", "from the 控规 map"]


# --- issue 22 ------------------------------------------------------------------------------------

def sign_in_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.query_params["park"] = POINT_PARK
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest, username: str, password: str) -> AppTest:
    """Fill in the sign-in form and send it."""
    at.text_input(key="parkatlas_login_user").input(username)
    at.text_input(key="parkatlas_login_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shows_form(at: AppTest) -> bool:
    return [t.label for t in at.text_input] == ["User name", "Password"]


def caption(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def test_signing_in_with_the_form_leaves_the_credentials_file_alone(small_data, credentials):
    before = os.stat(credentials)
    at = submit(sign_in_page(), "li", "li-password-1")
    assert "Signed in as Li (editor)" in caption(at) and not shows_form(at)
    at.button(key="parkatlas_logout").click().run()  # signing out writes nothing either
    assert shows_form(at)
    after = os.stat(credentials)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("change", [
    ("set-role", "li", "viewer"),
    ("reset-password", "li", "--password-stdin"),
    ("remove", "li"),
])
def test_a_session_is_signed_out_at_its_next_run_when_its_user_is_revoked(small_data, credentials, monkeypatch,
                                                                         change):
    at = signed_in_as("li", "Li", role="editor")
    assert "Signed in as Li (editor)" in caption(at)
    assert run_cli(monkeypatch, credentials, *change, password="li-new-password-2") == 0
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Your sign-in has ended" in w.value for w in at.warning)
    assert shows_form(at) and "Signed in as" not in caption(at)
    assert not at.session_state["authentication_status"]


def test_a_raised_role_keeps_the_session_and_shows_at_once(small_data, credentials, monkeypatch):
    at = signed_in_as("li", "Li", role="editor")
    assert run_cli(monkeypatch, credentials, "set-role", "li", "admin") == 0
    at.run()
    assert "Signed in as Li (admin)" in caption(at) and not shows_form(at)


def with_cookie(monkeypatch, token: str) -> None:
    """The browser sends `token` as the re-authentication cookie when the session starts."""
    monkeypatch.setattr("ui.auth._request_cookies", lambda: {creds.COOKIE_NAME: token})


def test_a_good_cookie_signs_in_and_a_replayed_one_after_a_password_reset_is_refused(small_data, credentials,
                                                                                     monkeypatch):
    token = creds.cookie_token(creds.read(credentials), "li", time.time())
    with_cookie(monkeypatch, token)
    assert "Signed in as Li (editor)" in caption(sign_in_page())
    assert run_cli(monkeypatch, credentials, "reset-password", "li", "--password-stdin", password="li-new-password-2") == 0
    at = sign_in_page()
    assert shows_form(at) and "Signed in as" not in caption(at)


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.x", "unknown-user", "foreign"])
def test_a_bad_cookie_shows_the_sign_in_form_never_a_traceback(small_data, credentials, monkeypatch, token):
    import jwt

    key = yaml.safe_load(credentials.read_text(encoding="utf-8"))["cookie"]["key"]
    token = {"unknown-user": jwt.encode({"username": "ghost", "exp_date": time.time() + 99}, key, algorithm="HS256"),
             "foreign": jwt.encode({"username": "li", "exp_date": time.time() + 99}, "k" * 64, algorithm="HS256"),
             }.get(token, token)
    with_cookie(monkeypatch, token)
    at = sign_in_page()
    assert shows_form(at) and not at.error


TOO_MANY = r"Too many attempts; try again after \d\d:\d\d\."


def test_too_many_failures_lock_the_user_name_and_say_until_when_without_telling_if_it_exists(
        small_data, credentials, monkeypatch):
    at = sign_in_page()
    for _ in range(creds.MAX_FAILURES - 1):
        submit(at, "li", "wrong-password")
        assert [e.value for e in at.error] == ["The user name or password is not right."]
    submit(at, "li", "wrong-password")
    locked = [e.value for e in at.error]
    assert len(locked) == 1 and re.fullmatch(TOO_MANY, locked[0])
    submit(at, "li", "li-password-1")  # the right password: still refused
    assert [e.value for e in at.error] == locked and "Signed in as" not in caption(at)
    ghost = sign_in_page()
    for _ in range(creds.MAX_FAILURES):
        submit(ghost, "ghost", "wrong-password")
    assert len(ghost.error) == 1 and re.fullmatch(TOO_MANY, ghost.error[0].value)  # unknown: the same message
    locks = [("user_locked", "li", True), ("user_locked", "ghost", False)]
    assert [(e["event"], e["user"], e["known_user"]) for e in credentials_audit(credentials)] == locks
    assert run_cli(monkeypatch, credentials, "unlock", "li") == 0
    submit(at, "li", "li-password-1")
    assert "Signed in as Li (editor)" in caption(at)
    assert [(e["event"], e["user"]) for e in credentials_audit(credentials)][2:] == [("unlocked", "li")]


def credentials_audit(path) -> list[dict]:
    """The audit trail of sign-ins (without the users the fixture added)."""
    return [e for e in creds.read_audit(path) if e["event"] != "user_added"]


@pytest.mark.parametrize("damage, says", [
    (lambda c: c["cookie"].pop("key"), "has no cookie key"),
    (lambda c: c["cookie"].update(key="too-short"), "shorter than 32 characters"),
    (lambda c: c.pop("cookie"), "has no cookie key"),
])
def test_a_credentials_file_without_a_strong_cookie_key_stops_the_page_with_the_fix(small_data, credentials, damage,
                                                                                   says):
    creds.update(credentials, damage)
    at = sign_in_page()
    assert not shows_form(at)
    assert len(at.error) == 1 and says in at.error[0].value and str(credentials) in at.error[0].value
    assert "python -m ui.users rotate-cookie-key" in at.code[0].value


@pytest.mark.parametrize("text, says", [
    ("credentials: [\n", "is not valid YAML (line"),
    ("- li\n", "not a mapping"),
    ("credentials: {usernames: {li: {password: 12345}}}\ncookie: {key: " + "k" * 64 + "}\n", "is not text"),
])
def test_a_credentials_file_that_is_not_one_stops_the_page_with_what_is_wrong(small_data, credentials, text, says):
    credentials.write_text(text, encoding="utf-8")
    at = sign_in_page()
    assert not shows_form(at)
    assert len(at.error) == 1 and says in at.error[0].value and str(credentials) in at.error[0].value


def team_page(monkeypatch, url: str, allow: bool) -> AppTest:
    """The atlas on the team database at `url` without sign-in (with the opt-in when `allow`)."""
    monkeypatch.delenv("PARKATLAS_CREDENTIALS", raising=False)
    monkeypatch.setenv("PARKATLAS_DATABASE_URL", url)
    if allow:
        monkeypatch.setenv("PARKATLAS_ALLOW_ANONYMOUS_TEAM", "1")
    else:
        monkeypatch.delenv("PARKATLAS_ALLOW_ANONYMOUS_TEAM", raising=False)
    return sign_in_page()


def test_a_team_database_without_sign_in_is_read_only_unless_the_operator_opts_in(small_data, postgis_server,
                                                                                  monkeypatch):
    import ui.workspace

    url = postgis_server.new_database()
    at = team_page(monkeypatch, url, allow=False)
    assert any("needs sign-in" in e.value and "PARKATLAS_ALLOW_ANONYMOUS_TEAM=1" in e.value for e in at.error)
    assert "edit_outline" not in [b.key for b in at.button]  # nothing offered ...
    ws = ui.workspace.current()
    assert ws.role == "viewer"
    with pytest.raises(PermissionDenied):  # ... and the store refuses what the page would save with
        ws.save_feature("parks", POINT_PARK, OUTLINE, {"geometry_quality": "digitised"}, reason="anyone",
                        expected_version=1)
    at = team_page(monkeypatch, url, allow=True)
    assert not [e for e in at.error if "needs sign-in" in e.value]
    assert any("Team database without sign-in" in w.value for w in at.sidebar.warning)
    assert "edit_outline" in [b.key for b in at.button]
    assert ui.workspace.current().role == "admin"


def test_session_role_for_checks_outside_a_run(credentials, monkeypatch):
    """What a file route asks (ui.auth.session_role): the same answer the page gets."""
    from ui.auth import session_role

    now = time.time()
    li = {"authentication_status": True, "username": "li", SIGNED_IN_AT: now, SIGNED_IN_ROLE: "editor"}
    assert session_role(li.get) == ("li", "editor")
    assert session_role({}.get) is None  # not signed in
    assert run_cli(monkeypatch, credentials, "set-role", "li", "viewer") == 0
    assert session_role(li.get) is None  # demoted since it signed in
    monkeypatch.delenv("PARKATLAS_CREDENTIALS")
    monkeypatch.delenv("PARKATLAS_DATABASE_URL", raising=False)
    assert session_role({}.get) == ("", "admin")  # a single-user install
    monkeypatch.setenv("PARKATLAS_DATABASE_URL", "postgresql+psycopg://atlas@db.example/parkatlas")
    assert session_role({}.get) == ("", "viewer")  # a team database without sign-in
    monkeypatch.setenv("PARKATLAS_ALLOW_ANONYMOUS_TEAM", "1")
    assert session_role({}.get) == ("", "admin")


def test_the_client_is_the_connection_unless_a_proxy_is_declared(monkeypatch):
    """Per-client limits count the connection's address; X-Forwarded-For only with
    PARKATLAS_BEHIND_PROXY=1, and then its last entry (the one the proxy added)."""
    from types import SimpleNamespace

    import ui.auth

    forwarded = {"X-Forwarded-For": "6.6.6.6, 10.1.2.3"}  # the client wrote the first entry
    monkeypatch.setattr(ui.auth.st, "context", SimpleNamespace(headers=forwarded, ip_address="192.168.0.9"))
    monkeypatch.delenv("PARKATLAS_BEHIND_PROXY", raising=False)
    assert ui.auth.client_key() == "192.168.0.9"
    monkeypatch.setenv("PARKATLAS_BEHIND_PROXY", "1")
    assert ui.auth.client_key() == "10.1.2.3"
    monkeypatch.setattr(ui.auth.st, "context", SimpleNamespace(headers={}, ip_address=None))
    assert ui.auth.client_key() == "localhost"
