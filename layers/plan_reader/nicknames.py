"""Nicknames: the other names a text gives a park, and the park each belongs to (rule `nickname`
of `candidates.NAME_RULES`, strength 3).

| form | the park is |
|---|---|
| 被业内称为“钱塘芯谷”的杭州钱塘集成电路产业园 | the name right after 的 (or, after 的园区, the one named just before) |
| 宝鸡高新区素有“中国钛谷”之称 | the name right before 素有 |
| “稀金谷”是赣州经开区内赣州稀土新材料产业园的简称 | the name between 是 and 的简称 (…，业内习惯称为“零碳谷” adds one more) |
| “芯港”，说的是临港新片区集成电路综合性产业基地 | the name right after 说的是 |
| …产业园里一派繁忙景象。这里被当地人习惯称为“电池谷” | the park named just before 这里 |
| 杭州医药港小镇，当地人习惯称之为“医药港”; X——业内习惯称为“Y”—— | the name right before the comma or dash (the sentence's first park when that name follows 位于) |

>>> from layers.plan_reader._text import View
>>> found = []
>>> nicknames(View("被业内称为“钱塘芯谷”的杭州钱塘集成电路产业园，占地面积约120万平方米。"),
...           lambda a, b, kind, rule: found.append([a, b, []]) or _Named(found[-1][2]))
>>> found
[[12, 23, ['钱塘芯谷']]]
"""

from __future__ import annotations

import re
from typing import Callable, Protocol

from layers.plan_reader._text import View
from layers.plan_reader.names import MAX_NAME, start_of_name_ending, suffix_names, suffix_of

NICKNAMED_BEFORE = re.compile(r"被[^，,。；;“”]{0,8}?(?:称为|称作|誉为|叫作|叫做)[“\"「](?P<alias>[^”\"」]{2,10})[”\"」]的")
"""被业内称为“钱塘芯谷”的 + the name it is said of (the name follows)."""
KNOWN_AS = re.compile(r"素有(?P<aliases>(?:[“\"「][^”\"」]{2,10}[”\"」])+)之(?:称|美誉|誉)")
"""宝鸡高新区素有“中国钛谷”之称: the quoted names are other names of the one right before 素有."""
ALIAS_OF = re.compile(r"[“\"「](?P<alias>[^”\"」]{2,10})[”\"」][，,]?\s*(?:是|为|即)(?P<name>[^，,。；;“”\"]{3,30}?)的(?:别称|简称|俗称|昵称|又称)")
"""“动力谷”，是株洲高新区的别称: the quoted name is another name of the one after 是."""
SAID_TO_BE = re.compile(r"[“\"「](?P<alias>[^”\"」]{2,10})[”\"」][，,]?\s*(?:说的是|指的是|就是|即)")
"""“芯港”，说的是临港新片区集成电路综合性产业基地: the quoted nickname of the name that follows."""
NICKNAMED_AFTER = re.compile(r"(?:[，,]|——)\s*被?(?:当地人|业内|业界|市民|群众|大家|人们|企业家们|企业)?(?:亲切地|形象地)?(?:习惯|通常|俗|也|又|亦)?"
                             r"(?:称之?为|称作|叫作|叫做)[“\"「](?P<alias>[^”\"」]{2,10})[”\"」]")
"""The name + ，当地人习惯称之为“医药港” (the name precedes)."""
NICKNAMED_PRONOUN = re.compile(r"(?:这里|该园区|该园|这个园区)(?:[^。；;“”]{0,40}?[，,])?被[^，,。；;“”]{0,8}?(?:称为|称作|誉为|叫作|叫做)"
                               r"[“\"「](?P<alias>[^”\"」]{2,10})[”\"」](?!的)")
"""…产业园里一派繁忙景象。这里被当地人习惯称为“电池谷”: the nickname of the park named just before."""
PRONOUN = re.compile(r"(?:园区|该园|这里|此地|片区|基地)(?![\u4e00-\u9fff]{0,2}(?:园|区|城|谷)[^区])")
"""A park referred to by its kind alone (…称为“海洋园”的园区)."""

_PUNCT = re.compile(r"[,，。；;、:：\s“”\"]")
_QUOTED = re.compile(r"[“\"「](?P<alias>[^”\"」]{2,10})[”\"」]")


class Named(Protocol):
    """What `add` returns: a candidate whose aliases can be extended."""

    aliases: list[str]


class _Named:
    def __init__(self, aliases: list[str]):
        self.aliases = aliases


Add = Callable[[int, int, "str | None", str], "Named | None"]
"""`candidates.propose`'s add(start, end, kind, rule): the candidate for clean [start, end), or None."""


Span = tuple[int, int, "str | None"]
"""A name's clean start and end, and its kind (None: from its suffix)."""


def _name_after(view: View, pos: int) -> Span | None:
    """The whole name starting at clean `pos` (…的杭州钱塘集成电路产业园): (start, end, kind)."""
    text = view.canon
    return next(((pos, n[1], n[2]) for n in suffix_names(view, pos, min(len(text), pos + MAX_NAME + 4))
                 if not _PUNCT.search(text[pos:n[0]])), None)


def _name_before(view: View, pos: int, reach: int = 80) -> Span | None:
    """The last name of at least four characters in the `reach` characters before `pos`."""
    return next(((n[0], n[1], n[2]) for n in reversed(suffix_names(view, max(0, pos - reach), pos)) if n[1] - n[0] >= 4),
                None)


def _name_ending(view: View, end: int) -> Span | None:
    """The name that ends at `end` (…产业园，当地人…): (start, end, None: its kind from its suffix)."""
    a = start_of_name_ending(view.canon, end)
    return (a, end, None) if end - a >= 3 and suffix_of(view.canon[a:end]) else None


def _give(view: View, add: Add, named: Span | None, *aliases: tuple[int, int]) -> None:
    """Propose `named` as a nickname candidate with the aliases at the clean spans `aliases`."""
    if named is None:
        return
    cand = add(named[0], named[1], named[2], "nickname")
    if cand is not None:
        cand.aliases.extend(view.written(a, b) for a, b in aliases)


def nicknames(view: View, add: Add) -> None:
    """Propose every park the text gives a nickname, with it (see the module docstring)."""
    text = view.canon
    for m in NICKNAMED_BEFORE.finditer(text):
        named: Span | None = _name_after(view, m.end())
        if named is None and PRONOUN.match(text, m.end()):  # 海洋科技园…。这个被当地人习惯称为“海洋园”的园区
            named = _name_before(view, m.start())
        _give(view, add, named, m.span("alias"))
    for m in KNOWN_AS.finditer(text):
        base = m.start("aliases")
        _give(view, add, _name_ending(view, m.start()),
              *[(base + q.start("alias"), base + q.end("alias")) for q in _QUOTED.finditer(m.group("aliases"))])
    for m in ALIAS_OF.finditer(text):
        if suffix_of(m.group("name")):
            a = max(m.start("name"), start_of_name_ending(text, m.end("name"), m.start("name")))  # 赣州经开区内X → X
            after = NICKNAMED_AFTER.match(text, m.end())  # …的简称，业内习惯称为“零碳谷”
            _give(view, add, (a, m.end("name"), None), m.span("alias"), *([after.span("alias")] if after else []))
    for m in SAID_TO_BE.finditer(text):
        _give(view, add, _name_after(view, m.end()), m.span("alias"))
    for m in NICKNAMED_PRONOUN.finditer(text):
        _give(view, add, _name_before(view, m.start()), m.span("alias"))
    for m in NICKNAMED_AFTER.finditer(text):
        named = _name_ending(view, m.start())  # (a Span, as above)
        a = start_of_name_ending(text, m.start())
        if re.search(r"(?:位于|地处|坐落于|落户)$", text[max(0, a - 4):a]):  # X位于五象新区，被业内叫作“数字小镇”: X's
            first = next(iter(suffix_names(view, view.sentence_at(a).start, a)), None)
            named = (first[0], first[1], None) if first else None
        _give(view, add, named, m.span("alias"))
