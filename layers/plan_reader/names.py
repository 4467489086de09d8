"""Names of parks, zones, carriers and phases: where a name stands and how far it reaches.

A name ends with a suffix of SUFFIXES (园区, 产业园, 科技城, 基地, 高新区, 片区, 起步区 …) and reaches
left over name characters (Chinese, Latin letters and digits, a bracketed place such as （惠州）) to
the last stop word (STOP_WORDS: verbs and function words such as 建设, 依托, 位于, 的, 和) or
punctuation. A leading 南海区/广州市 is the place, not the name (`split_place`). A name is a
category, not a park, when it is generic (GENERIC_WORDS only: 重点产业园区, 世界领先科技园区) or
counted (10个价值创新园区, 各园区). `standalone` says whether a name ends where it stands (followed by
punctuation or a word such as 管委会, 位于, 规划面积) rather than being the head of a longer name
(滨海湾新区 inside 东莞滨海湾新区先进制造产业园).

>>> v = View("加快建设碧桂园博智林机器人谷、美的库卡智能制造科技园等重点项目，推动高明区中车四方氢能有轨电车制造基地建设。")
>>> [(v.clean[a:b], kind) for a, b, kind, _ in suffix_names(v)]
[('碧桂园博智林机器人谷', 'park'), ('美的库卡智能制造科技园', 'park'), ('高明区中车四方氢能有轨电车制造基地', 'park')]
>>> split_place("高明区中车四方氢能有轨电车制造基地"), split_place("东莞滨海湾新区先进制造产业园")
(('高明区', '中车四方氢能有轨电车制造基地'), (None, '东莞滨海湾新区先进制造产业园'))
>>> is_generic("世界领先科技园区"), is_generic("新川创新科技园"), is_generic("重点产业园区")
(True, False, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layers.plan_reader._text import View


@dataclass(frozen=True)
class Suffix:
    """A name suffix: the kind of place it names, whether a bare mention in running text counts
    (`bare`: 片区 or 社区 count only under a heading, in a table or with an area), and words that,
    right after it, show it is not a suffix there (园 in 园林)."""

    text: str
    kind: str
    bare: bool
    not_before: tuple[str, ...] = ()


SUFFIXES: tuple[Suffix, ...] = tuple(sorted((
    Suffix("高新技术产业开发区", "zone", True), Suffix("经济技术开发区", "zone", True), Suffix("高新技术开发区", "zone", True),
    Suffix("经济开发区", "zone", True), Suffix("产业开发区", "zone", True), Suffix("开发区", "zone", True),
    Suffix("高新区", "zone", True), Suffix("新区", "zone", True, ("县",)), Suffix("新片区", "zone", True), Suffix("集聚区", "zone", True),
    Suffix("智慧区", "zone", True), Suffix("合作区", "zone", True), Suffix("功能区", "zone", False),
    Suffix("经济区", "zone", True), Suffix("示范区", "zone", False), Suffix("试验区", "zone", False), Suffix("创新区", "zone", False),
    Suffix("产业园区", "park", True), Suffix("科技园区", "park", True), Suffix("工业园区", "park", True),
    Suffix("园区", "park", False), Suffix("产业园", "park", True), Suffix("科技园", "park", True),
    Suffix("工业园", "park", True), Suffix("创新园", "park", True), Suffix("软件园", "park", True),
    Suffix("园", "park", True, ("林", "艺", "丁", "长", "所")), Suffix("产业基地", "park", True),
    Suffix("基地", "park", True), Suffix("小镇", "park", True), Suffix("科技城", "park", True),
    Suffix("科学城", "park", True), Suffix("知识城", "park", True), Suffix("生物城", "park", True),
    Suffix("数码城", "park", True), Suffix("新城", "park", True, ("区", "镇")), Suffix("汽车城", "park", True),
    Suffix("谷", "park", True, ("物", "底", "歌")), Suffix("加速器", "park", True), Suffix("社区", "carrier", False),
    Suffix("城", "park", False, ("市", "乡", "区", "镇", "际", "墙")), Suffix("港", "park", False), Suffix("岛", "park", False),
    Suffix("片区", "phase", True), Suffix("起步区", "phase", True), Suffix("启动区", "phase", True),
    Suffix("先行区", "phase", False), Suffix("东区", "phase", False), Suffix("西区", "phase", False),
    Suffix("南区", "phase", False), Suffix("北区", "phase", False), Suffix("区块", "phase", False),
    Suffix("组团", "phase", False), Suffix("拓展区", "phase", True), Suffix("产业区", "park", False),
), key=lambda s: -len(s.text)))
"""Name suffixes, longest first; `kind` is zone, park, carrier or phase."""
BY_TEXT = {s.text: s for s in SUFFIXES}
PHASE_WORD = re.compile(r"^(?:(?:第?[一二三四五六七八九十]|首)期|起步区|启动区|先行区|[东南西北中]区|[东南西北中]片区|核心区|拓展区|扩展区)$")
"""A phase named only by its place in the park (一期, 起步区, 东区): it is told apart by its parent."""

NOT_PARK_ENDINGS = ("公园", "花园", "果园", "校园", "家园", "乐园", "植物园", "动物园", "陵园", "菜园", "茶园", "庄园", "幼儿园",
                    "游乐园", "大学城", "培训基地", "教育基地", "实践基地", "孵化基地", "研发基地", "生产基地", "总部基地",
                    "人才基地", "创业基地", "中试基地", "转化基地", "示范基地", "产业化基地", "出海航道", "山谷", "河谷", "峡谷",
                    "低谷", "机场", "港口", "海港", "空港", "码头", "半岛", "群岛", "城区", "老城", "名城", "中心城", "县城",
                    "都城", "皇城")
"""Endings that name something else (a public park, a campus, a training base, a port …)."""
STOP_WORDS = ("园区内", "园内", "辖区内", "区内", "境内", "核内", "城内", "整个", "整座", "扩区后", "调区后", "调整后", "整合后", "扩容后", "理顺", "确定", "计入", "走进", "来到", "走入", "新建", "拟建", "改扩建", "在建", "会同", "我局", "认定", "核准", "印发", "隶属", "目前", "现已", "正在", "全年", "下辖", "实行", "符合", "所在区", "所在", "今年", "明年", "去年", "扩区前", "调整前", "调区前", "加快推进", "加快建设", "建设", "打造", "推动", "推进", "加快", "依托", "位于", "地处", "坐落", "支持", "包括",
              "围绕", "发展", "培育", "引进", "形成", "构建", "提升", "建成", "开展", "布局", "规划", "实施", "组建", "设立",
              "成立", "申报", "创建", "争创", "筹建", "共建", "联合", "对接", "链接", "毗邻", "邻近", "临近", "紧邻", "以及",
              "其中", "同时", "作为", "成为", "属于", "借助", "结合", "利用", "通过", "重点", "大力", "积极", "全力", "着力",
              "加强", "完善", "优化", "升级", "改造", "承接", "吸引", "集聚", "聚焦", "带动", "辐射", "面向", "进入", "纳入",
              "入驻", "落户", "落地", "按照", "根据", "明确", "保障", "做好", "形成", "前往", "赴", "参与", "参加", "复制",
              "探索", "关于", "审定", "编制", "组织", "实现", "横跨", "跨越", "覆盖", "分为", "推广", "介绍", "了解", "同意",
              "管理", "负责", "批准", "研究", "调研", "考察", "走访", "参观", "原则", "深入", "加速", "助力", "支撑", "促进",
              "引导", "鼓励", "力争", "确保", "启动", "完成", "开工", "投产", "运营", "举办", "召开", "打造成", "建设成",
              "成为", "营造", "强化", "深化", "健全", "坚持", "做强", "做大", "补齐", "拓展", "下放", "每年", "暂无", "部分",
              "没有", "缺少", "缺乏", "严重", "增强", "是", "为", "在",
              "和", "与", "及", "的", "等", "由", "对", "以", "向", "从", "把", "被", "于", "或", "并", "即", "含", "至",
              "到", "该", "各", "其", "这", "那", "将", "给", "让", "使")
"""Words a name never runs over, leftwards (verbs and function words)."""
PROTECTED = ("美的", "以色列", "中以", "和平", "与时俱进", "的士", "至诚", "本田", "其乐", "将军", "使馆", "自由")
"""Words holding a stop word that names may contain (a company, a country)."""
GENERIC_WORDS = ("世界", "全球", "国际", "国内", "全国", "一流", "领先", "高水平", "高科技", "高新", "高端", "先进", "现代", "新型",
                 "特色", "重点", "专业", "综合", "产业", "科技", "创新", "创业", "孵化", "企业", "发展", "制造", "服务", "示范",
                 "国家级", "国家", "省级", "市级", "区级", "县级", "镇级", "村级", "一批", "若干", "各类", "未来", "工业", "智能",
                 "数字", "绿色", "生态", "智慧", "标杆", "标志性", "首批", "重要", "主要", "大型", "小型", "新兴", "战略性",
                 "优质", "优势", "主题", "功能", "配套", "公共", "农业", "物流", "商贸", "文化", "旅游", "总部", "所在",
                 "相关", "周边", "区内", "市内", "省内", "其他", "其它", "现有", "已有", "全市", "全区", "全省", "同类", "城市",
                 "区域", "地区", "经济", "开发", "技术", "价值", "信息", "新能源", "先行", "核心", "融合", "协同",
                 "合作", "共享", "开放", "质量", "一体化", "集群", "链", "各类", "小微", "中小", "主导")
"""Words that alone make no proper name (世界领先科技园区 is a kind of park, not a park)."""
COUNTED = re.compile(r"(?:\d+|[一二两三四五六七八九十百几多若干]+)\s*(?:个|家|大|类|批|座|处)$|(?:各|每|该|本|首批|一批|等|各类|这些|这个)$")
"""Words right before a name that make it a category (10个价值创新园区, 各园区)."""
POST_WORDS = ("管委会", "管理委员会", "管理局", "管理办公室", "开发建设办公室", "位于", "规划", "面积", "总面积", "占地", "用地",
              "地处", "坐落", "重点", "主导", "建设", "发展", "范围", "四至", "起步区", "启动区", "一期", "二期", "三期",
              "首期", "内", "外", "的", "是", "为", "于", "和", "与", "及", "等", "以", "在", "将", "已", "由", "作为",
              "东至", "南至", "西至", "北至", "东侧", "西侧", "南侧", "北侧", "东部", "西部", "南部", "北部", "一带",
              "片区", "项目", "获", "成为", "形成", "实现", "已经", "入选", "列入", "开发", "核心区", "所在", "共", "总",
              "里", "基础", "新引进", "新签约", "新增", "新开工", "新建", "全年", "力争", "要", "加快", "持续", "累计",
              "引进", "签约", "联动", "建筑面积", "占地面积", "签订", "签署", "联合", "共建", "合作")
"""Words that may follow a name standing on its own."""
ORG_WORDS = ("有限公司", "公司", "集团", "研究院", "研究所", "大学", "学院", "医院", "学校", "银行", "协会", "商会", "联盟",
             "基金", "中心", "实验室", "办公室")
"""A name followed by one of these is part of an organisation's name, not a park (except 管委会 …)."""

_NAME_CHAR = r"[\u4e00-\u9fffA-Za-z0-9+·]"
_BRACKET = r"\((?![一二三四五六七八九十\d]{1,3}\))[\u4e00-\u9fffA-Za-z]{1,8}\)"
_COUNT = re.compile(r"(?:[一二两三四五六七八九十\d]+|多|几|若干)(?:个|家|类|大|批|座|处|期)")
_SUFFIX_RX = re.compile("|".join(re.escape(s.text) for s in SUFFIXES))
_PLACE_PREFIX = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,3}?(?:市|区|县))(?P<rest>[\u4e00-\u9fff(（].+)$")
_NOT_PLACE = ("园区", "片区", "新区", "高新区", "开发区", "集聚区", "功能区", "示范区", "试验区", "合作区", "智慧区", "核心区",
              "起步区", "启动区", "先行区", "城区", "社区", "自贸区", "保税区", "景区", "街区", "校区", "辖区", "湾区", "港区")
MAX_NAME = 24
"""Longest name read leftwards from a suffix (characters)."""


def suffix_names(view: View, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, str]]:
    """Every name ending with a suffix in clean [start, end): (start, end, kind, suffix), longest
    suffix at each end, nested names kept apart (the outer one wins a shared end)."""
    text = view.canon
    stop = len(text) if end is None else end
    out: list[tuple[int, int, str, str]] = []
    pos = start
    while True:
        m = _SUFFIX_RX.search(text, pos, stop)
        if not m:
            break
        s, e = m.start(), m.end()
        for p in range(s + 1, e):  # a longer suffix overlapping this one (创新园|园区 → 园区)
            m2 = _SUFFIX_RX.match(text, p, stop)
            if m2 and m2.end() > e:
                s, e = p, m2.end()
        pos = e
        suffix = BY_TEXT[text[s:e]]
        if any(text.startswith(w, e) for w in suffix.not_before):
            continue
        a = name_start(text, s, start)
        if s - a < 1 and suffix.text not in ("起步区", "启动区"):
            continue
        if text[a:e].endswith(NOT_PARK_ENDINGS):
            continue
        out.append((a, e, suffix.kind, suffix.text))
    # a name inside a longer one that runs on (碧桂园 in 碧桂园博智林机器人谷) is not a name of its own
    return [n for n in out if standalone(text, n[1])
            or not any(o is not n and o[0] <= n[0] and n[1] < o[1] for o in out)]


def name_start(text: str, suffix_start: int, floor: int = 0) -> int:
    """Where a name ending in a suffix at `suffix_start` begins (see the module docstring)."""
    i = suffix_start
    lo = max(floor, suffix_start - MAX_NAME)
    while i > lo:
        if re.match(_NAME_CHAR, text[i - 1]) or _joining_dash(text, i - 1):
            i -= 1
            continue
        if text[i - 1] == ")":
            m = re.search(_BRACKET + "$", text[max(lo, i - 10):i])
            if m:
                i -= len(m.group())
                continue
        break
    seg = text[i:suffix_start]
    cut = max((m.end() for m in _COUNT.finditer(seg) if m.end() < len(seg) or True), default=0)
    for w in STOP_WORDS:
        k = seg.rfind(w)
        while k >= 0 and any(seg.startswith(p, k - p.index(w)) for p in PROTECTED if w in p and k - p.index(w) >= 0):
            k = seg.rfind(w, 0, k)
        if k >= 0:
            cut = max(cut, k + len(w))
    return i + cut


def _joining_dash(text: str, i: int) -> bool:
    """True when text[i] is a dash after a two-character place that opens a name (中国—东盟信息港小镇,
    广西—东盟经济技术开发区), not a sentence dash (——), a range (2—3个) or a chain (众创空间—孵化器—加速器)."""
    def cjk(k: int) -> bool:
        return 0 <= k < len(text) and "\u4e00" <= text[k] <= "\u9fff"
    return (text[i] in "—－" and cjk(i - 1) and cjk(i - 2) and not cjk(i - 3) and cjk(i + 1)
            and not re.match(r"[\u4e00-\u9fff]{1,12}[—－]", text[i + 1:i + 14]))


def start_of_name_ending(text: str, end: int, floor: int = 0) -> int:
    """Where a name ending at `end` begins: as `name_start`, from its suffix when it has one."""
    for suf in SUFFIXES:
        if text.startswith(suf.text, end - len(suf.text)):
            return name_start(text, end - len(suf.text), floor)
    return name_start(text, end, floor)


AREA_NEXT = re.compile(r"(?:约|约为|为)?[\d一二三四五六七八九十两][\d.,一二三四五六七八九十百千万点两]*\s*(?:万?亩|公顷|平方公里|平方千米|km²)")


def standalone(text: str, end: int) -> bool:
    """True when the name ending at `end` stands on its own (see the module docstring)."""
    nxt = text[end:end + 1]
    if not nxt or not re.match(_NAME_CHAR, nxt):
        return True
    return any(text.startswith(w, end) for w in POST_WORDS)


def is_org(text: str, end: int) -> bool:
    """True when the name ending at `end` is the head of an organisation's name (…科技园开发有限公司)."""
    rest = text[end:end + 12]
    if rest.startswith(("管委会", "管理委员会", "管理局", "管理办公室", "开发建设办公室")):
        return False
    m = re.match(r"[\u4e00-\u9fff]{0,6}?(" + "|".join(ORG_WORDS) + ")", rest)
    return bool(m) and not any(rest.startswith(w) for w in POST_WORDS[:15])


def counted(text: str, start: int) -> bool:
    """True when the name at `start` is counted or generic by the words before it (10个…, 各…)."""
    return bool(COUNTED.search(text[max(0, start - 6):start]))


def split_place(name: str) -> tuple[str | None, str]:
    """(place, name): a leading district, county or city split off a name (高明区中车四方… →
    高明区, 中车四方…); (None, name) when the name does not start with one."""
    m = _PLACE_PREFIX.match(name)
    if not m:
        return None, name
    place, rest = m.group("place"), m.group("rest")
    if any(place.endswith(w) for w in _NOT_PLACE) or any(name.startswith(place[:-1] + w) for w in _NOT_PLACE):
        return None, name
    if len(rest) < 3:
        return None, name
    return place, rest


_MATERIAL_CHARS = set("钛铜铝锂钢铁煤油气氢硅钨锌镁锡铅金银茶药酒盐瓷陶纸木竹丝棉粮肉奶糖菌果花鞋衣")
"""Characters of a material or product that alone name an industry park (钛产业起步区, 茶产业园)."""


def is_generic(name: str) -> bool:
    """True when `name` is only generic words and a suffix (see GENERIC_WORDS), or a slogan such as
    一区五园 or 一核两翼多园."""
    if re.fullmatch(r"(?:[一二两三四五六七八九十多]+[区园城核翼带廊轴心片极圈]+)+|园中园|区中园|园外园", name):
        return True
    core = name
    for s in SUFFIXES:
        if core.endswith(s.text):
            core = core[: -len(s.text)]
            break
    core = re.sub(r"^[\u4e00-\u9fff]{2,3}[市省]", "", core)
    for w in sorted(GENERIC_WORDS, key=len, reverse=True):
        core = core.replace(w, "")
    core = re.sub(r"[\d\s()（）“”\"]", "", core)
    if re.fullmatch(r"(?:[一二两三四五六七八九十百千]*|多|几|若干)[大个类批座处家]?", core):  # 十大, 三个, 多个: a count
        return True
    if len(core) == 1 and core in _MATERIAL_CHARS:
        return False  # 钛产业起步区: one material's character is a name (titanium), not a kind
    return len(core) < 2  # a numeral inside a place name stays (三灶科技工业园)


def suffix_of(name: str) -> Suffix | None:
    """The longest suffix `name` ends with, or None."""
    for s in SUFFIXES:
        if name.endswith(s.text):
            return s
    return None
