"""Escaping for every value that reaches HTML: tooltips, popups, the legend and the profile.

folium inserts feature properties into tooltips as HTML, unescaped, and its templates are
JavaScript template literals where `${...}` is live (DESIGN.md §7). `esc` makes a value inert in
both: HTML-escaped, and `$` written as an entity so no `${` survives.
"""

from __future__ import annotations

import html


def esc(value: object) -> str:
    """`value` as text that is safe inside HTML and inside a JS template literal.

    >>> esc('<b onclick="x">${alert(1)}</b>')
    '&lt;b onclick=&quot;x&quot;&gt;&#36;{alert(1)}&lt;/b&gt;'
    """
    text = "" if value is None else str(value)
    return html.escape(text, quote=True).replace("$", "&#36;").replace("`", "&#96;")
