"""Reading a plan document in a real browser (issue 24): an officer uploads the 2024 中山 plan on the
Data page's "Read a plan" tab, sees the document with its findings highlighted beside the proposals,
keeps one park (its district filled in), saves; the records are versions with the document as
evidence. Then two officers open the 2026 edition at once: the first saves what changed, the
second's page, on its next run, proposes nothing more and saves nothing twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from store import open_workspace
from tests.e2e.conftest import app_with_workspace, new_page, settle, shot
from tests.e2e.test_plans_browser import choose, fill, press

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[1] / "data" / "plan_review"
CORE = "[new] 中山科创园 · 约3.2平方公里 · 一、（一）"


@pytest.fixture(scope="module")
def review_app(tmp_path_factory):
    with app_with_workspace(tmp_path_factory, "plan-review") as app:
        yield app


def open_reader(page, base: str, document: Path) -> None:
    page.goto(f"{base}/data?lang=en")
    page.get_by_role("tab", name="Read a plan").first.wait_for(timeout=60_000)
    settle(page)
    page.get_by_role("tab", name="Read a plan").first.click()
    uploader = page.locator('[data-testid="stFileUploader"]', has_text="Plan document")
    uploader.locator("input[type=file]").set_input_files(str(document))
    page.get_by_text("Proposals", exact=True).first.wait_for(timeout=60_000)
    settle(page)


def save_review(page) -> None:
    """Give the workspace the officer's name if it asks (once per workspace), then save."""
    save = page.get_by_role("button", name=re.compile(r"^Save the \d+ accepted"))
    name = page.get_by_label("Your name")
    for _ in range(100):
        if save.count() or name.count():
            break
        page.wait_for_timeout(200)
    if not save.count() and name.count():
        name.first.fill("Officer Li")
        page.get_by_role("button", name="Save name").first.click()
        save.first.wait_for(timeout=30_000)
    save.first.click()
    settle(page)


def test_an_officer_reads_a_plan_keeps_one_park_and_saves_it(browser, review_app):
    base, workspace = review_app
    ctx, page = new_page(browser, base)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        open_reader(page, base, DOCS / "zs_kechuang_2024.txt")
        marks = page.locator("mark.rv-area")
        assert marks.count() >= 3 and "约3.2平方公里" in marks.all_inner_texts()
        assert page.locator("mark.rv-boundary").count() >= 1
        shot(page, "plan-review-read")
        page.get_by_role("button", name="Reject all").nth(1).click()  # the parks
        settle(page)
        page.get_by_text(CORE, exact=True).first.click()  # tick the one park the officer keeps
        settle(page)
        choose(page, "Status of the parks whose status the document does not state", "Planned")
        choose(page, "Choose a proposal", CORE)
        fill(page, "District (required)", "火炬开发区")
        press(page, "Keep these edits")
        page.get_by_text("Edits to “中山科创园” kept").first.wait_for(timeout=20_000)
        shot(page, "plan-review-edited")
        save_review(page)
        page.get_by_text(re.compile(r"Saved \d+ records")).first.wait_for(timeout=30_000)
        shot(page, "plan-review-saved")
    finally:
        ctx.close()
    ws = open_workspace(workspace, seed=False)
    plans = ws.layer("programmes")
    plan_id = plans.index[plans["document"] == "中府〔2024〕12号"][0]
    parks = ws.layer("parks")
    ours = parks[parks["programme"] == plan_id]
    assert list(ours["name_zh"]) == ["中山科创园"] and ours["geometry"].iloc[0] is None
    evidence = ws.history("parks", ours.index[0])["evidence"].iloc[-1]
    assert "zs_kechuang_2024.txt" in evidence and "SHA-256" in evidence and "东至中山港大道" in evidence
    assert not ws.documents().empty


def test_two_officers_read_the_newer_edition_and_nothing_is_saved_twice(browser, review_app):
    base, workspace = review_app
    before = open_workspace(workspace, seed=False)
    plan_id = before.layer("programmes").index[before.layer("programmes")["document"] == "中府〔2024〕12号"]
    if not len(plan_id):
        pytest.skip("needs the plan saved by the test before")
    versions_before = len(before.history("programmes", plan_id[0]))
    contexts = [new_page(browser, base) for _ in range(2)]
    try:
        for _ctx, page in contexts:
            page.set_viewport_size({"width": 1440, "height": 900})
            open_reader(page, base, DOCS / "zs_kechuang_2026.txt")
            page.get_by_text("Compared with the previous edition", exact=False).first.wait_for(timeout=20_000)
        first, second = contexts[0][1], contexts[1][1]
        first.get_by_text("[new] 翠亨生命健康产业园", exact=False).first.click()  # not this time: no district yet
        settle(first)
        save_review(first)
        shot(first, "plan-review-edition-first")
        first.get_by_text(re.compile(r"Saved \d+ records")).first.wait_for(timeout=30_000)
        shot(first, "plan-review-edition-first")
        second.get_by_role("button", name=re.compile(r"^Save the \d+ accepted")).first.click()
        settle(second)
        shot(second, "plan-review-edition-second")
        assert not second.get_by_text(re.compile(r"Saved \d+ records")).count()
    finally:
        for ctx, _ in contexts:
            ctx.close()
    ws = open_workspace(workspace, seed=False)
    history = ws.history("programmes", plan_id[0])
    assert len(history) == versions_before + 1  # the first officer's update, once
    assert ws.layer("programmes").loc[plan_id[0], "document"] == "中府〔2026〕8号"
