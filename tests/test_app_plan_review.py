"""The Data page's "Read a plan" tab (AppTest): a document uploaded, its proposals shown beside the
highlighted text, a park edited and accepted, the rest rejected, saved as versions with the
document as evidence; a newer edition proposes only what changed; a hostile file is a clear error;
a viewer reads but cannot save."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import signed_in_page
from streamlit.testing.v1 import AppTest

from store import default_location, open_workspace

DOCS = Path(__file__).parent / "data" / "plan_review"
PAGE = "from ui.pages import data_page\ndata_page.render()\n"
DOC_2024 = (DOCS / "zs_kechuang_2024.txt").read_bytes()
DOC_2026 = (DOCS / "zs_kechuang_2026.txt").read_bytes()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def page(lang: str = "en") -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=90)
    at.query_params["lang"] = lang
    return ok(at.run())


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return ok(at.file_uploader(key="rv_upload").upload(name, data).run())


def texts(at: AppTest, kind: str) -> str:
    return "\n".join(str(e.value) for e in getattr(at, kind))


def html(at: AppTest) -> str:
    return "\n".join(str(e.proto.body) for e in at.get("html"))


def ticks(at: AppTest) -> dict[str, object]:
    return {c.label: c for c in at.checkbox if c.label.startswith("[")}


@pytest.fixture()
def officer(own_workspace):
    ws = open_workspace(default_location(), user="李工", role="editor")
    ws.set_setting("local_author", "李工")
    return ws


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_document_is_read_into_proposals_beside_its_highlighted_text(officer, lang):
    at = upload(page(lang), "zs_kechuang_2024.txt", DOC_2024)
    found = ticks(at)
    labels = "\n".join(found)
    assert "中山科创园" in labels and "翠亨生命健康产业园" in labels and "中府〔2024〕12号" in labels
    assert ("新增" if lang == "zh" else "New") in texts(at, "markdown")
    page_html = html(at)
    assert 'class="rv-area"' in page_html and "约3.2平方公里" in page_html and 'class="rv-boundary"' in page_html
    passing = next(c for label, c in found.items() if "火炬开发区" in label)
    assert passing.value is False  # named in passing: not accepted until ticked


def test_an_officer_edits_accepts_and_saves_with_the_document_as_evidence(officer):
    at = upload(page(), "zs_kechuang_2024.txt", DOC_2024)
    for label, box in ticks(at).items():
        if "火炬开发区" in label or "科创园:" in label or "[new] 科创园 ·" in label:
            box.uncheck()
    ok(at.run())
    at.selectbox(key=next(s.key for s in at.selectbox if s.key and s.key.startswith("rv_bulk_status_"))).set_value(
        "planned").run()
    chooser = next(s for s in at.selectbox if s.key and s.key.startswith("rv_chosen_"))
    for name in ("中山科创园", "科创园一期", "翠亨生命健康产业园"):
        park_key = _park_key(at, name)
        ok(at.selectbox(key=chooser.key).set_value(park_key).run())
        district = next(t for t in at.text_input if t.label.startswith("District"))
        district.set_value("火炬开发区")
        ok(next(b for b in at.button if b.label == "Keep these edits").click().run())
        assert f"Edits to “{name}” kept" in texts(at, "success")
    save = next(b for b in at.button if b.label.startswith("Save the"))
    ok(save.click().run())
    assert "Saved" in texts(at, "success"), (texts(at, "error"), html(at))
    ws = open_workspace(default_location(), user="李工", role="editor")
    plans = ws.layer("programmes")
    plan_id = plans.index[plans["document"] == "中府〔2024〕12号"][0]
    parks = ws.layer("parks")
    ours = parks[parks["programme"] == plan_id]
    assert set(ours["name_zh"]) == {"中山科创园", "科创园一期", "翠亨生命健康产业园"}
    assert set(ours["district"]) == {"火炬开发区"} and set(ours["status"]) == {"planned"}
    evidence = ws.history("parks", ours.index[0])["evidence"].iloc[-1]
    assert "zs_kechuang_2024.txt" in evidence and "SHA-256" in evidence
    assert not ws.documents().empty  # the document kept as evidence


def _park_key(at: AppTest, name: str) -> str:
    """The proposal key of the park called `name` (from the session's review)."""
    readings = at.session_state["rv_readings"]
    (_source, reading), = [v for v in readings.values()]
    return f"park:{[p.name for p in reading.parks].index(name)}"


def test_a_newer_edition_proposes_only_what_changed(officer):
    at = upload(page(), "zs_kechuang_2024.txt", DOC_2024)
    at.selectbox(key=next(s.key for s in at.selectbox if s.key and s.key.startswith("rv_bulk_status_"))).set_value(
        "planned").run()
    for label, box in ticks(at).items():
        if not any(n in label for n in ("中山科创园 ·", "翠亨生命健康产业园", "中府")):
            box.uncheck()
    ok(at.run())
    for name in ("中山科创园", "翠亨生命健康产业园"):
        chooser = next(s for s in at.selectbox if s.key and s.key.startswith("rv_chosen_"))
        ok(at.selectbox(key=chooser.key).set_value(_park_key(at, name)).run())
        next(t for t in at.text_input if t.label.startswith("District")).set_value("火炬开发区")
        ok(next(b for b in at.button if b.label == "Keep these edits").click().run())
    ok(next(b for b in at.button if b.label.startswith("Save the")).click().run())
    assert "Saved" in texts(at, "success"), texts(at, "error") + html(at)
    later = upload(page(), "zs_kechuang_2026.txt", DOC_2026)
    assert "Compared with the previous edition" in texts(later, "info") and "2024" in texts(later, "info")
    labels = "\n".join(ticks(later))
    assert "[update] 翠亨生命健康产业园" in labels and "中山科创园 ·" not in labels
    assert "350" in labels


def test_a_broken_pdf_is_a_clear_error_and_nothing_breaks(officer):
    at = upload(page("zh"), "plan.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer\n%%EOF")
    assert "无法读取该文件" in texts(at, "error")
    assert not ticks(at)


def test_a_hostile_document_is_shown_as_text(officer):
    hostile = "（一）测试<script>alert(1)</script>园。面积约1平方公里，重点发展<b>软件</b>。".encode()
    at = upload(page(), "evil.txt", hostile)
    body = html(at)
    assert "<script>" not in body and "&lt;script&gt;" in body


@pytest.fixture()
def viewer(own_workspace, tmp_path, monkeypatch):
    import io

    from ui import users

    path = tmp_path / "secret" / "credentials.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("visitor-password-1\n"))
    assert users.main(["--file", str(path), "add", "visitor", "--name", "Visitor", "--role", "viewer",
                       "--password-stdin"]) == 0
    monkeypatch.setenv("PARKATLAS_CREDENTIALS", str(path))


def test_a_viewer_reads_the_document_but_cannot_save(viewer):
    at = signed_in_page(PAGE, "visitor", "Visitor", timeout=90)
    at = upload(ok(at.run()), "zs_kechuang_2024.txt", DOC_2024)
    assert ticks(at)
    assert "saving needs an editor or admin role" in texts(at, "info")
    assert not [b for b in at.button if b.label.startswith("Save the")]


def test_a_suggested_place_is_confirmed_and_saved_as_the_parks_outline(officer):
    import geopandas as gpd
    import shapely

    outline = shapely.box(113.40, 22.52, 113.42, 22.54)
    layer = gpd.GeoDataFrame({"id": ["f1"], "name": ["翠亨生命健康产业园"], "geometry_quality": ["reference"]},
                             geometry=[outline], crs=4326)
    officer.add_layer("园区边界（测绘）", layer, role="overlay", origin="boundaries.gpkg", reason="imported")
    at = upload(page(), "zs_kechuang_2024.txt", DOC_2024)
    for label, box in ticks(at).items():
        if "[new] 中山科创园" in label or "科创园一期" in label or "火炬开发区" in label or "园区主营业务收入" in label:
            box.uncheck()
    ok(at.run())
    chooser = next(s for s in at.selectbox if s.key and s.key.startswith("rv_chosen_"))
    ok(at.selectbox(key=chooser.key).set_value(_park_key(at, "翠亨生命健康产业园")).run())
    next(t for t in at.text_input if t.label.startswith("District")).set_value("翠亨新区")
    ok(next(b for b in at.button if b.label == "Keep these edits").click().run())
    place = next(r for r in at.radio if r.key and r.key.startswith("rv_place_"))
    feature = next(o for o in place.options if "园区边界（测绘）" in o)
    assert place.options[0] == "Not placed yet" and place.value == "none"  # nothing placed unasked
    ok(place.set_value(feature).run())
    ok(next(b for b in at.button if b.label == "Confirm this place").click().run())
    assert "Place confirmed" in texts(at, "success")
    at.selectbox(key=next(s.key for s in at.selectbox if s.key and s.key.startswith("rv_bulk_status_"))).set_value(
        "planned").run()
    ok(next(b for b in at.button if b.label.startswith("Save the")).click().run())
    assert "Saved" in texts(at, "success"), texts(at, "error") + html(at)
    parks = open_workspace(default_location(), user="李工", role="editor").layer("parks")
    saved = parks[parks["name_zh"] == "翠亨生命健康产业园"].iloc[0]
    assert saved.geometry.equals(outline) and saved["geometry_quality"] == "reference"
