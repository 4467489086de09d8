"""The Sites page in a real browser: the comparison of two parks exported as XLSX and PDF, and
the network it was measured on (its name and year) and each station's state read back from
the files; the page itself says what network it measures and offers no HSR filter."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import openpyxl
import pytest

from tests.e2e.conftest import download, settle, shot

pytestmark = pytest.mark.browser

YEAR = date.today().year


def test_comparison_exports_say_what_network_and_station_states(page, app_url, tmp_path):
    page.goto(f"{app_url}/sites?lang=en&net=full&cmp=gz-vip-pazhou,gz-vip-biological-island")
    page.get_by_text("Access measured on the links the five planning documents name").first.wait_for(timeout=90_000)
    assert page.get_by_text("No high-speed-rail filter").count() == 1
    settle(page)
    xlsx_button = page.get_by_role("button", name="Download XLSX")
    xlsx_button.wait_for(timeout=60_000)
    xlsx_button.scroll_into_view_if_needed()
    shot(page, "sites-compare")
    book = openpyxl.load_workbook(io.BytesIO(download(page, xlsx_button)))
    sheet, about = book.worksheets
    assert about.title == "About"
    cells = {row[0].value: [c.value for c in row[1:]] for row in sheet.iter_rows()}
    assert cells["Access network"][0].endswith("; Full plan")
    assert "planned (2018), 0 m" in cells["Nearest station"][1]  # 官洲 (Line 12) is only planned ...
    assert "Line 12" in cells["Lines within 800 m"][1]  # ... and its line counts at 0 m
    assert "open since 2021" in cells["Nearest station"][0]  # Line 18 opened in 2021
    network = {row[0].value: row[1].value for row in about.iter_rows(min_row=2)}
    assert "the full plan, incl. under construction and planned" in network["Access network"]
    assert sheet.column_dimensions["B"].width > 20

    build = page.get_by_role("button", name="Build a one-page PDF")
    build.scroll_into_view_if_needed()
    build.click()
    pdf_button = page.get_by_role("button", name="Download PDF")
    try:
        pdf_button.wait_for(timeout=60_000)
    finally:
        shot(page, "sites-compare-pdf")
    pdf = download(page, pdf_button)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, timeout=60)
    assert text.stderr == b"", text.stderr  # fonts embedded cleanly: poppler says nothing
    words = " ".join(text.stdout.decode().split())
    assert "the full plan, incl. under construction and planned" in words and "planned (2018)" in words
    assert page.outside.refused == [], page.outside.refused
