"""Markdown injection (issue 22, finding 7): a layer name, a file name, a network name or a value
from the URL is text on every page, never a link, an image, emphasis or a block of Streamlit's
Markdown. `ui.safe_html.md` makes a value inert; `ui.i18n.t` passes its values through it.

What Streamlit does with the text (react-markdown + remark-gfm + remark-math) is checked here on
what that parser is given: every Markdown character escaped, the escapes resolving to exactly the
text typed, and nothing left for remark-gfm's literal autolinks, which it finds in the text after
the escapes are resolved (the regular expressions below are theirs)."""

from __future__ import annotations

import re
import string

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import run_page
from ui.i18n import t
from ui.safe_html import WORD_JOINER as WJ
from ui.safe_html import md

PHISH = "[Sign in again](https://ev.il/x)"
IMAGE = "![c](http://127.0.0.1:9/x.png)"
LAYER_NAME = "![x](http://127.0.0.1:9/x.png) [y](https://ev.il)"

MARKDOWN_CHARS = set("\\`*_{}[]()<>#+-.!|~$:&")
"""What must never reach Streamlit's Markdown unescaped from a value."""
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE | re.ASCII)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
"""mdast-util-gfm-autolink-literal's transform (as bundled in Streamlit's StreamlitMarkdown.js)."""


def shown(escaped: str) -> str:
    """The text CommonMark makes of `escaped` when it holds no Markdown: each backslash escape of
    an ASCII punctuation character resolved to that character (the word joiners kept)."""
    return re.sub(r"\\([%s])" % re.escape(string.punctuation), r"\1", escaped)


def unescaped_markdown(escaped: str) -> list[str]:
    """The Markdown characters of `escaped` that no backslash escapes."""
    found, i = [], 0
    while i < len(escaped):
        if escaped[i] == "\\" and i + 1 < len(escaped) and escaped[i + 1] in string.punctuation:
            i += 2
            continue
        if escaped[i] in MARKDOWN_CHARS:
            found.append(escaped[i])
        i += 1
    return found


PAYLOADS = [
    "[x](https://ev.il)", "![c](http://127.0.0.1:9/c.png)", "<img src=x onerror=alert(1)>", "http://ev.il",
    "HTTPS://EV.IL/a?b=c", "www.ev.il", "mail a@ev.il", "**bold** _it_ ~~gone~~ `code`", "$x$ and $$y$$",
    "line 1\n\n# line 2\r\n- item\n> quote\n1. one", "| a | b |\n|---|---|", ":red[x] :material/home: :smile:",
    "&lt;b&gt; &#91;x&#93;", "\\[x](y)", "<https://ev.il>", "[x]: https://ev.il", "    indented code",
    "Test Park <script>alert(1)</script> ${x}", "华南新材料园（一期）·佛山市", LAYER_NAME,
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_leaves_nothing_for_markdown_and_shows_the_text_as_typed(payload):
    out = md(payload)
    assert not unescaped_markdown(out), out
    assert "\n" not in out and "\r" not in out  # a value cannot open a block
    text = shown(out)
    assert text.replace(WJ, "") == re.sub(r"\s*[\r\n]+\s*", " ", payload).lstrip()  # what was typed, on one line
    assert not GFM_URL.search(text) and not GFM_EMAIL.search(text), text  # no autolink either


@pytest.mark.parametrize(("payload", "expected"), [
    ("[x](https://ev.il)", rf"\[x\]\(https{WJ}\:\/\/ev\.il\)"),
    ("![c](http://127.0.0.1:9/c.png)", rf"\!\[c\]\(http{WJ}\:\/\/127\.0\.0\.1\:9\/c\.png\)"),
    ("<img src=x>", r"\<img src=x\>"),
    ("http://ev.il", rf"http{WJ}\:\/\/ev\.il"),
    ("www.ev.il", rf"www{WJ}\.ev\.il"),
    ("**bold**", r"\*\*bold\*\*"),
    ("$x$", r"\$x\$"),
    ("a\n\n# b\r\n- c", r"a \# b \- c"),
    ("华南新材料园（一期）", "华南新材料园（一期）"),  # Chinese text and its full-width punctuation untouched
    (None, ""),
    (2025, "2025"),
])
def test_md_of_each_payload(payload, expected):
    assert md(payload) == expected


def test_t_escapes_its_text_values_but_not_numbers_and_can_leave_them_plain():
    assert t("layer_added", "en", name=LAYER_NAME, n=2) == f"Added layer “{md(LAYER_NAME)}” (2 features)."
    built = t("tiles_built", "en", name=PHISH, n=np.int64(1200), mib=1.5, s=3.0)
    assert md(PHISH) in built and "(1200 features, 1.5 MiB, in 3 s)" in built  # numbers keep their formats
    assert t("layer_added", "en", name=LAYER_NAME, n=2, markdown=False) == f"Added layer “{LAYER_NAME}” (2 features)."
    assert t("unknown_park", "zh", id=IMAGE) == f"链接中的园区编号“{md(IMAGE)}”不存在，已显示全部园区。"


# --------------------------------------------------------------------------- pages

def markdown_texts(at: AppTest) -> list[str]:
    """Every text of the page that Streamlit renders as Markdown: bodies, alerts, headings,
    expander labels and the help texts of markdown elements."""
    texts = [e.value for kind in ("markdown", "caption", "success", "info", "warning", "error", "title", "header",
                                  "subheader") for e in getattr(at, kind)]
    texts += [e.label for e in at.expander]
    texts += [e.proto.help for e in at.markdown if e.proto.help]
    return texts


def assert_inert(at: AppTest, payload: str) -> list[str]:
    """No Markdown element of the page holds `payload` as it is, or any link or image syntax;
    returns the texts holding it escaped."""
    texts = markdown_texts(at)
    for text in texts:
        assert payload not in text and "](" not in text and "![" not in text, text
        assert not GFM_URL.search(shown(text)), text
    return [text for text in texts if md(payload) in text]


SITES = "from ui.pages import sites\nsites.render()\n"


def test_a_link_in_the_sites_url_is_quoted_as_text(small_data_with_targets):
    at = run_page({"lang": "en", "city": PHISH}, script=SITES)
    (warning,) = [w.value for w in at.warning if "city" in w.value]
    assert md(PHISH) in warning and "not valid and was ignored" in warning
    assert assert_inert(at, PHISH) == [warning]


def test_an_image_in_an_atlas_link_is_quoted_as_text(small_data):
    at = run_page({"lang": "en", "park": IMAGE, "city": IMAGE})
    assert at.warning and len(assert_inert(at, IMAGE)) == 2  # the unknown park and the dropped city
    assert any("does not exist" in w.value for w in at.warning)


def test_a_network_name_in_the_access_statement_is_text(small_data_with_targets, tmp_path):
    from tests.test_app_access import import_network

    key = import_network(tmp_path, PHISH, source="test feed")
    at = run_page({"lang": "en", "net": "full", "src": key}, script=SITES)
    (statement,) = [i.value for i in at.info if "Access measured on" in i.value]
    assert md(PHISH) in statement
    assert_inert(at, PHISH)


DATA = "from ui.pages import data_page\ndata_page.render()\n"


def test_a_layer_and_file_name_are_text_in_the_data_page(small_data):
    from tests.conftest import TEST_DATA

    file_name = "[y](ev.il) ![f](x.png).geojson"
    at = AppTest.from_string(DATA, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.file_uploader(key="w_upload").upload(file_name, (TEST_DATA / "bad" / "script_attrs.geojson").read_bytes()).run()
    at.button(key="w_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(md(file_name) in s.value for s in at.subheader)  # the check report of the file
    at.text_input(key="import_author").set_value("[me](https://ev.il)").run()
    at.button(key="import_author_save").click().run()
    at.text_input(key="w_imp_layer_name").set_value(LAYER_NAME).run()
    at.button(key="w_add_layer").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith(f"Added layer “{md(LAYER_NAME)}” (") for s in at.success)
    # A new session lists the layer with its name, its file and its author as text.
    again = AppTest.from_string(DATA, default_timeout=60)
    again.query_params["lang"] = "en"
    again.run()
    (row,) = [m.value for m in again.markdown if md(LAYER_NAME) in m.value]
    assert md(file_name) in row and md("[me](https://ev.il)") in row
    for text in (LAYER_NAME, file_name, "[me](https://ev.il)"):
        assert_inert(again, text)
