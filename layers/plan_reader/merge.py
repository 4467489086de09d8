"""Which proposed names are parks, and how names of one park are merged.

Kept: a name proposed by a structural rule (table, heading, lead, definition, phase, area), or a
bare name that is specific (not only generic words), not used as a category (各园区) and standing
on its own somewhere; a zone named only once in passing is context, not kept. Merged: a defined short name (以下简称), a short name in brackets
(互联网+创新产业园(华南声谷)), a weak short form of a structural name (顺德机器人谷 / 佛山顺德机器人谷),
a heading's short name and the full name used elsewhere (1.知识城 / 中新广州知识城), a park named
without its zone (顺德园 / 佛山高新区顺德园). Phases named by their place (一期, 起步区, 北片区) are kept
once per park: the park their name starts with, whose section holds them, or named last before them.
"""

from __future__ import annotations

import re

from layers.plan_reader._text import View, canonical
from layers.plan_reader.candidates import Cand, category_keys
from layers.plan_reader.names import BY_TEXT, PHASE_WORD, Suffix, is_generic, standalone, suffix_of

TOO_LONG_PHASE_OWNER = 20
BUILT = re.compile(r"(?:建设|打造|推进|推动|加快|规划|设立|建成|培育)[\u4e00-\u9fff]{0,2}$")
"""Verbs before a name that make it a place the plan builds."""


def keep(view: View, cands: list[Cand], boundary_spans: list[tuple[int, int]]) -> list[Cand]:
    """The names kept as parks, merged, each once (see the module docstring)."""
    text = view.canon
    categories = category_keys(view, cands)
    titled = [(m.start(), m.end()) for m in re.finditer(r"《[^《》]{2,80}》", text)]
    by_key: dict[str, Cand] = {}
    order: list[str] = []
    for c in cands:
        if c.kind == "phase" and (PHASE_WORD.match(c.key) or c.rule == "phase" or _owned_phase(c, cands)):
            continue
        if c.strength < 3 and (c.key in categories or is_generic(c.key) or _goal_phrase(text, c)
                               or any(a <= c.start < b for a, b in titled + boundary_spans)):
            continue
        if c.rule == "suffix" and not (suffix_of(c.key) and suffix_of(c.key).bare):  # type: ignore[union-attr]
            continue
        old = by_key.get(c.key)
        if old is None:
            by_key[c.key] = c
            order.append(c.key)
        elif c.strength > old.strength:
            c.aliases = sorted(set(old.aliases + c.aliases), key=(old.aliases + c.aliases).index)
            by_key[c.key] = c
        else:
            old.aliases.extend(a for a in c.aliases if a not in old.aliases)
            if old.scope is None and c.scope is not None:
                old.scope = c.scope
    # defined short names that were also proposed as names of their own
    for key in list(order):
        named = by_key.get(key)
        if named is None:
            continue
        for alias in named.match_names[1:]:
            other = by_key.pop(alias, None)
            if other is not None and other is not named:
                order.remove(alias)
                named.aliases.extend(a for a in other.aliases if canonical(a) not in named.match_names)  # “动力谷”，是株洲高新区的别称
                if named.scope is None:
                    named.scope = other.scope
    # the standard short form of a zone's name, where the text uses it (肇庆高新技术产业开发区 → 肇庆高新区)
    for key in list(order):
        named = by_key.get(key)
        for long, abbrev in ZONE_ABBREVIATIONS:
            if named is None or not key.endswith(long) or len(key) == len(long):
                continue
            alias = key[: -len(long)] + abbrev
            at = text.find(alias)
            city = re.match(r"[\u4e00-\u9fff]{2}", key)
            if at < 0 and city and city.group() + "市" in text:  # 天津滨海高新技术产业开发区 → 滨海高新区 (天津市 named)
                alias = alias[len(city.group()):]
                at = text.find(alias) if len(alias) >= 4 else -1
            if at < 0 or alias in named.match_names:
                continue
            named.aliases.append(view.written(at, at + len(alias)))
            if by_key.get(alias) is not None and by_key[alias] is not named:
                by_key.pop(alias)
                order.remove(alias)
    # a heading's park referred to in its own section by the end of its name (（一）光谷科学岛。科学岛规划面积…;
    # （二）武汉国家生物产业基地。基地（以下简称“光谷生物城”）…): one park, the short form an alias
    for key in list(order):
        head = by_key.get(key)
        if head is None or head.rule != "heading" or head.scope is None or head.kind == "phase":
            continue
        for ref_key in list(order):
            ref = by_key.get(ref_key)
            if ref is None or ref is head or ref.kind == "phase" or not head.key.endswith(ref.key) \
                    or not head.scope[0] <= ref.start < head.scope[1]:
                continue
            if len(ref.key) >= 3 and not is_generic(ref.key):
                head.aliases.append(ref.name)
            head.aliases.extend(a for a in ref.aliases if a not in head.aliases)
            by_key.pop(ref_key)
            order.remove(ref_key)
    # a name and a short name in brackets after it (互联网+创新产业园(华南声谷))
    for key in list(order):
        named = by_key.get(key)
        if named is None:
            continue
        m = re.match(r"\((?P<rel>含|包括|包含)?(?P<alias>[^()]{2,16})\)", text[named.end:named.end + 20])
        if m and m.group("alias") in by_key and m.group("alias") != key:
            if m.group("rel"):  # 聚锦科创园(含禅城千亩产业加速器): a part of it
                by_key[m.group("alias")].parent = key
                by_key[m.group("alias")].parent_rule = "contains"
                continue
            gone = by_key.pop(m.group("alias"))
            order.remove(gone.key)
            named.aliases.append(view.written(named.end + m.start("alias"), named.end + m.end("alias")))
    # a weak short form of a structural name (顺德机器人谷 / 佛山顺德机器人谷), and a heading's name
    # without its remark (聚锦科创园 / 聚锦科创园(含禅城千亩产业加速器))
    for key in list(order):
        weak = by_key.get(key)
        if weak is None or weak.strength >= 3 or len(key) < 4:
            continue
        owners = [by_key[k] for k in order if k != key and k in by_key and by_key[k].strength >= 3
                  and (re.sub(r"\([^()]*\)$", "", k).endswith(key)) and len(k) > len(key)]
        if len(owners) == 1:
            if not (owners[0].start < weak.start and weak.end == owners[0].end):  # not a fragment of its own mention
                owners[0].aliases.append(weak.name)
            by_key.pop(key)
            order.remove(key)
    # a heading's short name and the full name used elsewhere (知识城 / 中新广州知识城; 聚锦科创园(含…) /
    # 禅城聚锦科创园), and a park named without its zone (顺德园 / 佛山高新区顺德园)
    zones = {n for c in by_key.values() if c.kind == "zone" for n in c.match_names}
    for key in list(order):
        found = by_key.get(key)
        core = re.sub(r"\([^()]*\)$", "", key)
        if found is None or len(core) < 3:
            continue
        short = found
        longer = [by_key[k] for k in order if k != key and k in by_key and k.endswith(core)
                  and by_key[k].kind == short.kind and len(k) - len(core) <= 6
                  and ((short.rule in ("heading", "lead") and by_key[k].strength < 3) or k[:-len(core)] in zones)]
        if len(longer) == 1:
            full = longer[0]
            keep_scope = short.scope or full.scope
            short.aliases.append(short.name)
            short.aliases.extend(full.aliases)
            remark = short.name[len(re.sub(r"[(（][^()（）]*[)）]$", "", short.name)):]
            short.key, short.name, short.scope = full.key + text[short.end - len(remark):short.end], \
                full.name + remark, keep_scope
            if full.strength > short.strength:
                short.rule = full.rule
            by_key.pop(full.key)
            order.remove(full.key)
            by_key[full.key] = short
            order[order.index(key)] = full.key
            del by_key[key]
    kept = [by_key[k] for k in order if k in by_key]
    # a zone only named in passing (对接南沙新区) is context, not a park of the plan: kept when a park's
    # name starts with it, it is named again, or the plan builds it (加快建设…集聚区)
    kept = [c for c in kept if not (c.rule == "suffix" and c.kind == "zone") or len(text.split(c.key)) > 2
            or any(o is not c and o.key.startswith(c.key) for o in kept) or BUILT.search(text, max(0, c.start - 6), c.start)
            or _full_zone_name(c.key)]
    kept = _place_free_aliases(text, kept)
    kept += _phases(view, cands, kept)
    return sorted(kept, key=lambda c: c.start)


_PLACE_STEM = re.compile(r"([\u4e00-\u9fff]{2})(?:区|市|县|新区)(?![\u4e00-\u9fff]{0,2}(?:园|谷|城))")


def _place_free_aliases(text: str, parks: list[Cand]) -> list[Cand]:
    """A nickname that starts with a place the text names (钱塘芯谷, with 钱塘区 in the text; 中国信创谷)
    is also used without it where the text quotes that (“芯谷”) or uses it again: the shorter form
    is an alias too, and a weak name of that form is that park."""
    stems = {m.group(1) for m in _PLACE_STEM.finditer(text)} | {"中国", "全国"}
    for p in parks:
        for alias in list(p.aliases):
            for stem in stems:
                short = canonical(alias)[len(stem):] if canonical(alias).startswith(stem) else ""
                if len(short) >= 2 and short not in p.match_names and short not in BY_TEXT and (
                        re.search(f"[“\"「]{re.escape(short)}[”\"」]", text) or text.count(short) - text.count(alias) >= 2):
                    p.aliases.append(short)
            core = canonical(alias)[2:]  # 丝路数据港 → 数据港, used again on its own and named like a park
            if (len(core) >= 3 and core not in p.match_names and suffix_of(core) and core not in BY_TEXT
                    and re.search(f"[“\"「]{re.escape(canonical(alias))}[”\"」]", text)
                    and text.count(core) - text.count(canonical(alias)) >= 2):
                p.aliases.append(core)
    aliases = {a: p for p in parks for a in p.match_names[1:] if a}
    out = []
    for p in parks:
        other = aliases.get(p.key)
        if other is not None and other is not p and p.kind != "phase":
            other.scope = other.scope or p.scope  # 数据港：算力规模持续扩大 — the park's own paragraph
            continue
        out.append(p)
    return out


def _full_zone_name(key: str) -> bool:
    """A zone's official name (赣州高新技术产业开发区, 北京经济技术开发区): a plan that names one, even in
    passing, names a place an officer may want on the map (the review proposes it unticked)."""
    return bool(re.search(r"(?:高新技术产业开发区|经济技术开发区|经济开发区|高新技术开发区)$", key)) and len(key) >= 7


GOAL_VERBS = re.compile(r"(?:建成|打造成?|建设成|成为|创建|争创)[^，,。；;]*的$|"
                        r"(?:是|为)(?:全国|全省|国内|国家|世界|全球)[^，,。；;]*的[^，,。；;]*$")
"""A weak name after 的 in a clause that begins with one of these describes a goal (建成国内领先的
通用航空产业基地), it does not name a park."""


def _goal_phrase(text: str, c: Cand) -> bool:
    start = max(text.rfind(ch, 0, c.start) for ch in "，,。；;\n")
    return bool(GOAL_VERBS.search(text[start + 1:c.start]))


def _owned_phase(c: Cand, cands: list[Cand]) -> bool:
    """A phase whose name starts with a park's name or short name (翠亨园区起步区)."""
    return any(c.key != o.key and c.key.startswith(n) and PHASE_WORD.match(c.key[len(n):])
               for o in cands if o.kind != "phase" and (o.strength >= 2 or (suffix_of(o.key) or _NO_SUFFIX).bare)
               for n in o.match_names)


def _phases(view: View, cands: list[Cand], parks: list[Cand]) -> list[Cand]:
    """Phases named by their place in a park (一期, 起步区, 北片区), each once per park; a phase of a
    phase (西区起步区) once its parent phase is known."""
    names = {n: p for p in parks for n in p.match_names}
    out: dict[tuple[str, str], Cand] = {}
    for _ in range(2):
        for c in cands:
            if c.kind != "phase" or len(c.key) > TOO_LONG_PHASE_OWNER:
                continue
            if c.rule == "suffix" and any(o.rule == "phase" and (o.start, o.end) == (c.start, c.end) for o in cands):
                continue  # the phase rule read this one with its owner (南区内的启动区)
            owner, key = None, c.key
            if c.parent and c.parent in names and PHASE_WORD.match(c.key):
                owner = names[c.parent]
            for n in sorted(names, key=len, reverse=True):
                if owner is None and c.key.startswith(n) and PHASE_WORD.match(c.key[len(n):]):
                    owner, key = names[n], c.key[len(n):]
            if key != c.key and c.key in names:
                continue  # 西区起步区 is kept under its full name already
            if owner is None:
                if not PHASE_WORD.match(c.key) and c.rule != "phase":
                    continue
                owner = scope_owner(c.start, parks) or _park_before(c.start, parks, view.canon)
            if owner is None or (c.rule == "suffix" and not standalone(view.canon, c.end)):
                continue
            if c.rule == "suffix" and re.search(r"(?:在|于|位于|毗邻|临近|紧邻|靠近)$", view.canon[max(0, c.start - 2):c.start]):
                continue  # 在起步区以北: a phase referred to, defined elsewhere
            if any(o is not c and o.start <= c.start and c.end <= o.end and (o.start, o.end) != (c.start, c.end)
                   and o.kind == "phase" for o in cands):
                continue  # 起步区 inside 西区起步区: the longer name is the phase
            ident = (owner.key, key)
            if ident in out:
                continue
            if any(i[1] == key and out[i].start == c.end - len(key) for i in out):  # re-owned in the 2nd pass
                old = next(i for i in out if i[1] == key and out[i].start == c.end - len(key))
                del out[old]
            out[ident] = Cand(key, view.written(c.end - len(key), c.end), "phase", c.rule, c.end - len(key), c.end,
                              c.scope, parent=owner.key, parent_rule="phase-in-park")
        keys = [p.key for p in out.values()]
        names.update({p.key: p for p in out.values() if keys.count(p.key) == 1})
    return list(out.values())


ZONE_ABBREVIATIONS = (("高新技术产业开发区", "高新区"), ("经济技术开发区", "经开区"), ("高新技术产业园区", "高新园区"),
                      ("经济开发区", "经开区"))
"""Official zone names and the short forms documents use for them (the place name kept)."""
_NO_SUFFIX = Suffix("", "park", False)
NEAR_PARK = 600
"""A phase with no park around it belongs to the park mentioned last before it, this close (characters)."""


def _park_before(offset: int, parks: list[Cand], text: str) -> Cand | None:
    """The park mentioned last (by its name or a short name) before `offset`, within NEAR_PARK."""
    best, best_at = None, -1
    for p in parks:
        if bare_phase(p) or (p.kind == "phase" and p.key.endswith(("起步区", "启动区", "先行区"))):
            continue  # 光伏锂电起步区约3800亩已建成，二期约2600亩在建: the park's second phase, not the 起步区's
        found = [(_last_subject_mention(text, n, max(0, offset - NEAR_PARK), offset), n) for n in p.match_names
                 if len(n) >= 2]
        at = max((a + len(n) for a, n in found if a >= 0), default=-1)  # by where the mention ends: 新区 inside
        # 南京江北新区智能制造产业园 ends before the park's own name does
        if at > best_at or (at == best_at >= 0 and best is not None and len(p.key) > len(best.key)):
            best, best_at = p, at
    return best


_WHERE = re.compile(r"(?:位于|地处|坐落于|在|于|毗邻|临近|紧邻|靠近|距|距离|与|隶属|属于|同属)$")


def _last_subject_mention(text: str, name: str, lo: int, hi: int) -> int:
    """The last place in text[lo:hi] where `name` stands as what the text is about (not after 位于,
    在, 毗邻 … where it says where something else is); -1 when there is none."""
    at = text.rfind(name, lo, hi)
    while at >= 0 and (_WHERE.search(text[max(0, at - 2):at]) or _DEFINING.search(text[max(0, at - 6):at])):
        at = text.rfind(name, lo, at)
    return at


_DEFINING = re.compile(r"(?:简称|称为|又称)[“\"「]?$")
"""A short name defined in brackets (隶属X（以下简称“Y”）): Y there is X's mention, where X stands."""


def scope_owner(offset: int, parks: list[Cand]) -> Cand | None:
    best = None
    for p in parks:
        if p.scope and p.scope[0] <= offset < p.scope[1]:
            if best is None or (p.scope[1] - p.scope[0]) < (best.scope[1] - best.scope[0]):  # type: ignore[index]
                best = p
    return best


def bare_phase(p: Cand) -> bool:
    """A phase named only by its place in its park (一期, 起步区)."""
    return p.kind == "phase" and bool(PHASE_WORD.match(p.key))


