"""Markdown payloads in a link stay text in a real browser (issue 22): an image in a URL value is
never fetched and a link in it is never live, on Sites and on the atlas; and the notice that
quotes the value stays until dismissed (it vanished with the map's first rerun, issue 21)."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.e2e.conftest import map_frame, new_page, settle, shot

pytestmark = pytest.mark.browser

LISTENER = "http://127.0.0.1:9/"  # nothing listens; every request to it is recorded by the page's router


@pytest.mark.parametrize("path,param", [("/sites", "city"), ("/", "park"), ("/", "city")])
def test_url_values_with_markdown_are_shown_as_text(browser, app_url, path, param):
    payload = f"![c]({LISTENER}c.png) [Sign in again]({LISTENER}x) {LISTENER}auto"
    context, page = new_page(browser, app_url)
    try:
        page.goto(f"{app_url}{path}?lang=en&{param}={urllib.parse.quote(payload)}")
        page.get_by_text("![c](").first.wait_for(timeout=60_000)  # quoted back as text (shortened)
        map_frame(page)  # the drawn map reruns the page: the notice must outlive that run
        settle(page)
        settle(page)
        assert page.get_by_text("![c](").count() >= 1, "the notice about the link vanished"
        shot(page, f"markdown-payload-{path.strip('/') or 'atlas'}-{param}")
        assert page.locator(f'a[href^="{LISTENER}"]').count() == 0  # no live link
        assert page.locator(f'img[src^="{LISTENER}"]').count() == 0
        assert [u for u in page.outside.refused if u.startswith(LISTENER)] == []  # nothing fetched
    finally:
        context.close()
