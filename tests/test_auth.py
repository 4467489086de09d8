"""Sign-in and roles: the users CLI (bcrypt-hashed passwords in a credentials file), the sign-in
form before anything else, and a viewer who crafts the session state to open the outline editor
still cannot write (the store refuses it)."""

from __future__ import annotations

import io
import os
import stat

import bcrypt
import pytest
import yaml
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from store import PermissionDenied, default_location, open_workspace
from tests.conftest import ROOT
from tests.helpers import fake_editor_map
from ui import users

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


def signed_in_as(username: str, name: str) -> AppTest:
    """The atlas for a session streamlit-authenticator has signed in (its session state)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = name
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
