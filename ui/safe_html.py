"""Escaping for every value that reaches HTML or Streamlit's Markdown.

folium inserts feature properties into tooltips as HTML, unescaped, and its templates are
JavaScript template literals where `${...}` is live (DESIGN.md §7). `esc` makes a value inert in
both: HTML-escaped, and `$` written as an entity so no `${` survives.

Streamlit renders the body of st.markdown, st.caption, st.info/warning/error/success, and every
label, help text, expander, tab, status and progress text as Markdown (react-markdown with
remark-gfm and remark-math, plus its own `:color[...]` and `:material/...:` directives). A layer
name `[Sign in again](https://ev.il/x)` becomes a live link there, and `![c](http://…/c.png)` an
image every viewer's browser fetches. `md` makes a value inert in that Markdown.
"""

from __future__ import annotations

import html
import re


def esc(value: object) -> str:
    """`value` as text that is safe inside HTML and inside a JS template literal.

    >>> esc('<b onclick="x">${alert(1)}</b>')
    '&lt;b onclick=&quot;x&quot;&gt;&#36;{alert(1)}&lt;/b&gt;'
    """
    text = "" if value is None else str(value)
    return html.escape(text, quote=True).replace("$", "&#36;").replace("`", "&#96;")


WORD_JOINER = "\u2060"
"""An invisible character that breaks a literal URL or e-mail address for GFM's autolinker."""

_LINE_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]\s*")
_AUTOLINK = re.compile(r"https?(?=:)|www(?=\.)|@", re.IGNORECASE)
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&/])")


def md(value: object) -> str:
    r"""`value` as inert text inside Streamlit Markdown: no link, image, emphasis, code, HTML,
    LaTeX, directive, autolink or block, whatever it holds. For values (names, file names, URL
    values, reasons...) in a Markdown body, label or help text; never for HTML (use `esc`) or
    plain text (table cells, file names, folium, what is stored), where the backslashes would show.

    - Markdown's punctuation is backslash-escaped (CommonMark: an escaped ASCII punctuation
      character is that character, nothing more): links and images (`[`, `]`, `!`, `(`), emphasis,
      code spans, tables, headings, lists, quotes, HTML tags and entities (`<`, `&`), LaTeX (`$`),
      Streamlit's directives (`:`).
    - Escapes do not stop GFM's literal autolinks: remark-gfm looks for `http://`, `https://`,
      `www.` and e-mail addresses again in the text after the escapes are resolved
      (remarkjs/remark-gfm#33). An invisible word joiner (U+2060) after `http`, `https`, `www`
      and `@` leaves nothing for it to find.
    - Line breaks (and the spaces around them) become one space, leading spaces go: a value cannot
      open a block.

    The phishing link and the image payload become text (in the repr the word joiner is \u2060):

    >>> md("[Sign in again](https://ev.il/x)")
    '\\[Sign in again\\]\\(https\u2060\\:\\/\\/ev\\.il\\/x\\)'
    >>> md("![c](http://127.0.0.1:9/c.png)")
    '\\!\\[c\\]\\(http\u2060\\:\\/\\/127\\.0\\.0\\.1\\:9\\/c\\.png\\)'
    >>> md("www.ev.il a@b.cn")
    'www\u2060\\.ev\\.il a@\u2060b\\.cn'
    >>> print(md("**bold** <img src=x> $x$ 第一行\n\n# 第二行"))
    \*\*bold\*\* \<img src=x\> \$x\$ 第一行 \# 第二行
    >>> md("华南新材料园（一期）"), md(None), md(3)
    ('华南新材料园（一期）', '', '3')
    """
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value)).lstrip()  # four spaces: a code block
    text = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
