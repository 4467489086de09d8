"""Transport links and facilities a plan names for a park, with their status as written.

Rules as data (LINK_RULES): metro and rail lines (地铁12号线, 广佛肇城际), expressways (广佛肇高速),
stations (官洲站, 知识城高铁站), ports and airports (码头, 机场), and facilities (学校, 医院, 人才公寓,
变电站, 污水处理厂 …). Each mention is given to the park that owns its place in the text (as areas
are: `parks.Owners.at`); a mention inside a 四至 is a boundary road, not a link, and is skipped.
The status is the word in the mention's clause (STATUS_WORDS): 已建成/开通/通车 → established,
在建/建设中/开工 → developing, 规划/拟建/预留 → planned; None when the clause says nothing.

>>> [(f.name, f.kind, f.status) for f in find_links("园区毗邻地铁12号线官洲站（在建），规划建设一所九年一贯制学校。")]
[('地铁12号线', 'line', 'developing'), ('官洲站', 'station', 'developing'), ('九年一贯制学校', 'facility', 'planned')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layers.plan_reader.names import name_start

LINK_RULES: tuple[tuple[str, str], ...] = (
    ("line", r"(?:地铁|轨道交通|城市轨道)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})号线(?:[\u4e00-\u9fff]{1,6}?(?:延长线|支线|延段|段))?"),
    ("line", r"(?P<kw>城际铁路|城际轨道|城际|高速铁路|铁路|有轨电车)"),
    ("road", r"(?P<kw>高速公路|高速(?![发增度成推化])|快速路)"),
    ("station", r"(?P<kw>高铁站|地铁站|城际站|火车站|站)(?=[（(，,。；;、\s和及与]|$)"),
    ("port", r"(?P<kw>客运码头|码头)"),
    ("airport", r"(?P<kw>国际机场|机场)"),
    ("facility", r"(?P<kw>学校|小学|中学|幼儿园|医院|人才公寓|变电站|污水处理厂|净水厂|消防站|公交首末站|停车场|充电站|会展中心|"
                 r"体育中心|邻里中心)"),
)
"""(kind, pattern) of what is a link or facility, in the order tried (a span is found once)."""

STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("已建成", "established"), ("建成通车", "established"), ("已开通", "established"), ("开通运营", "established"),
    ("已通车", "established"), ("投入使用", "established"), ("在建", "developing"), ("建设中", "developing"),
    ("加快建设", "developing"), ("开工", "developing"), ("规划建设", "planned"), ("规划", "planned"),
    ("拟建", "planned"), ("预留", "planned"), ("谋划", "planned"),
)
"""Status words of a link's clause and the status they mean (the first found in the clause wins)."""

_LEAD = re.compile(r"(?:规划建设|规划|建设|新建|拟建|推进|加快|加快建设|毗邻|临近|紧邻|靠近|依托|距离?|至|到|经|连接|串联|"
                   r"打通|开通|配套|配建|设置|布局|完善|园区|区内|周边|附近|和|与|及|以及|并)+")
_COUNT = re.compile(r"[一二两三四五六七八九十\d]*[所条个座家处]")
_DIRECTIONS = ("东至", "南至", "西至", "北至", "东临", "南临", "西临", "北临", "东接", "南接", "西接", "北接")
_NOT_LINK = re.compile(r"(?:加油|加气|服务|工作|网|驿|检测|监测|观测|气象|基)站$")
"""Names with a station keyword that are no transport station."""
MAX_NAME = 10
"""Longest name read leftwards from a link's keyword (characters)."""
_GENERIC = ("站", "车站", "港区", "码头", "机场", "学校", "医院", "停车场", "网站", "工作站", "服务站", "加油站", "一站",
            "首站", "站点")


@dataclass(frozen=True)
class LinkFound:
    """A link or facility as written: name, kind, status (None: not said), clean span (start, end)
    of the name and of its clause (for the quote)."""

    name: str
    kind: str
    status: str | None
    start: int
    end: int
    clause_start: int
    clause_end: int


def _clause(text: str, a: int, b: int) -> tuple[int, int]:
    start = max(text.rfind(ch, 0, a) for ch in "，,。；;\n") + 1
    ends = [i for i in (text.find(ch, b) for ch in "，,。；;\n") if i >= 0]
    return start, min(ends) if ends else len(text)


def _status(clause: str) -> str | None:
    return next((status for word, status in STATUS_WORDS if word in clause), None)


def find_links(text: str, skip: list[tuple[int, int]] | None = None) -> list[LinkFound]:
    """Every link and facility named in `text` (the canonical text of a reading), outside the
    spans in `skip` (四至); each span once, the earlier rule first."""
    taken = [False] * (len(text) + 1)
    for a, b in skip or []:
        for i in range(max(a, 0), min(b, len(text))):
            taken[i] = True
    out: list[LinkFound] = []
    for kind, pattern in LINK_RULES:
        for m in re.finditer(pattern, text):
            b = m.end()
            if "kw" in m.groupdict():  # a name written before its keyword (广佛肇城际, 官洲站)
                a = m.start("kw")
                while a > 0 and not taken[a - 1] and re.match(r"[\u4e00-\u9fffA-Za-z0-9]", text[a - 1]) \
                        and m.start("kw") - a < MAX_NAME:
                    a -= 1
                a = name_start(text, m.start("kw"), a)
            else:
                a = m.start()
            lead = _LEAD.match(text, a, b)
            a = lead.end() if lead and lead.end() < b else a
            count = _COUNT.match(text, a, b)
            a = count.end() if count and count.end() < b else a
            name = text[a:b]
            if len(name) < 2 or name in _GENERIC or any(taken[a:b]) or text[max(0, a - 2):a] in _DIRECTIONS \
                    or _NOT_LINK.search(name) or (kind == "road" and len(name) < 4):
                continue
            for i in range(a, b):
                taken[i] = True
            c0, c1 = _clause(text, a, b)
            out.append(LinkFound(name, kind, _status(text[c0:c1]), a, b, c0, c1))
    return sorted(out, key=lambda f: f.start)
