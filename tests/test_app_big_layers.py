"""The atlas with a big layer (AppTest): its vector tiles are started on their own in a child
process when missing (a new or changed layer), the page says so and draws the layer once they are
built; a build that fails is named with its reason and not started again until asked."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from layers.big_layers import BIG_LAYER_FEATURES
from layers.landuse import illustrative_parcels
from store import default_location, open_workspace
from tests.helpers import APP

AREA = (113.355, 23.085, 113.375, 23.105)


@pytest.fixture()
def big_layer(small_data, tmp_path, monkeypatch):
    monkeypatch.setattr("ui.big_layers.TILES_DIR", tmp_path / "tiles")
    monkeypatch.setenv("PARKATLAS_PARTITIONS_DIR", str(tmp_path / "partitions"))
    parcels = illustrative_parcels(AREA, BIG_LAYER_FEATURES + 300, seed=4)[["code", "geometry"]]
    open_workspace(default_location(), user="李工").add_layer("区级地块", parcels, role="landuse", origin="d.gpkg",
                                                            reason="district parcels")
    return tmp_path


def atlas() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def wait_for_builds(timeout_s: float = 120.0) -> None:
    from ui import big_layers

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and any(child.poll() is None for child, _ in big_layers._RUNNING.values()):
        time.sleep(0.2)


def test_missing_tiles_are_built_on_their_own_and_then_drawn(big_layer):
    at = atlas()
    assert any("are being built" in c.value for c in at.caption)
    wait_for_builds()
    assert list((big_layer / "tiles").glob("*.wgs84.*.pmtiles"))
    assert list((big_layer / "partitions").glob("*/*/partitions.json"))  # a land-use layer: partitions too
    at.run()
    assert not at.exception
    assert not any("are being built" in c.value for c in at.caption) and not at.error


def test_a_failed_build_is_named_and_not_started_again_until_asked(big_layer, monkeypatch):
    from ui import big_layers

    blocked = big_layer / "not-a-folder"
    blocked.write_text("a file where the tiles folder should be")
    monkeypatch.setattr("ui.big_layers.TILES_DIR", blocked)
    at = atlas()
    wait_for_builds()
    at.run()
    (error,) = [e.value for e in at.error]
    assert "could not be built" in error and "区级地块" in error
    assert not any(child.poll() is None for child, _ in big_layers._RUNNING.values())  # not started again
    monkeypatch.setattr("ui.big_layers.TILES_DIR", big_layer / "tiles")
    (retry,) = [b for b in at.button if b.key.startswith("tiles_retry_")]
    retry.click().run()
    wait_for_builds()
    at.run()
    assert not at.error and list((big_layer / "tiles").glob("*.pmtiles"))


def test_a_hidden_layer_takes_its_tiles_and_partitions_with_it(big_layer):
    """Hiding a big layer on the Data page removes its archives and partitions from this server;
    a layer another server hid loses them at this server's next build (`remove_hidden_layers_files`)."""
    from tests.test_app_data import give_name, page

    atlas()
    wait_for_builds()
    assert list((big_layer / "tiles").glob("*.pmtiles")) and list((big_layer / "partitions").iterdir())
    ws = open_workspace(default_location(), seed=False)
    (layer_id,) = [r.layer_id for r in ws.layers().itertuples() if r.kind == "user"]
    data = give_name(page(), f"w_hide_{layer_id}")  # asked in the hide box (no other save on the page)
    data.text_input(key=f"w_hide_reason_{layer_id}").set_value("superseded").run()
    data.button(key=f"w_hide_{layer_id}").click().run()
    assert not data.exception and not data.error, [e.value for e in data.error]
    assert layer_id in ws.layer_ids(include_hidden=True) and layer_id not in ws.layer_ids()
    assert not list((big_layer / "tiles").glob("*.pmtiles")) and not list((big_layer / "partitions").iterdir())


def test_a_build_sweeps_the_files_of_layers_hidden_elsewhere(big_layer):
    from ui import big_layers

    atlas()
    wait_for_builds()
    ws = open_workspace(default_location(), user="王工", seed=False)
    (first,) = [r.layer_id for r in ws.layers().itertuples() if r.kind == "user"]
    ws.hide_layer(first, reason="hidden by a colleague on another server")  # not through this server's page
    second = illustrative_parcels(AREA, BIG_LAYER_FEATURES + 50, seed=5)[["code", "geometry"]]
    ws.add_layer("新地块", second, role="landuse", origin="e.gpkg", reason="new parcels")
    at = atlas()  # starts the second layer's build, which sweeps the first one's files
    wait_for_builds()
    at.run()
    assert not at.exception
    names = [p.name for p in (big_layer / "tiles").glob("*.pmtiles")]
    assert len(names) == 1 and not any(p.name.startswith(big_layers.file_stem(big_layers._key_of(first)))
                                       for p in (big_layer / "tiles").iterdir())
    assert [p.name for p in (big_layer / "partitions").iterdir()] != [] and not (
        big_layer / "partitions" / big_layers.file_stem(big_layers._key_of(first))).exists()


def test_every_session_gets_a_map_with_its_own_tile_url(big_layer, monkeypatch):
    """The atlas's map is cached across sessions, but a big layer's archive URL is private to the
    session that asked (ui.file_gate): a second visitor must not get the first one's URL, which
    dies with that session (the layer then stays blank)."""
    from ui import file_gate
    from ui.mapview import cached

    atlas()
    wait_for_builds()
    shown: list[str] = []
    real = cached.prepared
    monkeypatch.setattr(cached, "prepared", lambda key, build: shown.append(real(key, build).script) or real(key, build))
    visitor = [""]  # AppTest gives every session one id: tell them apart as a server would
    grant = file_gate.grant
    monkeypatch.setattr(file_gate, "grant", lambda kind, name, session_id, *a, **kw: grant(
        kind, name, session_id + visitor[0], *a, **kw))
    urls = []
    for visitor[0] in ("-first", "-second"):  # two sessions, one after the other
        atlas()
        tokens = {part.split("/")[0] for part in shown[-1].split("/parkatlas/file/")[1:]}
        assert len(tokens) == 1, tokens
        urls.append(tokens.pop())
    assert urls[0] != urls[1]
