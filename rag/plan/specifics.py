"""What in a text belongs to one particular community, and so is false for any other.

A sample plan names its own places, estates, schools, companies and people, its project
brands ("巧手匠"志愿服务队), makes claims about itself (位于城区北部, 通过市级复审), counts its
own people and sets its own targets, and speaks the words of its kind of community (安置小区,
集体分红, 原厂 …). The composer uses this to keep such words out of a plan, and the checks to
flag them in any draft, composed or written by a model, unless the profile says them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.plan.community import COMMUNITY_TYPES
from rag.plan.profile import Profile
from rag.text.tokens import tagged, tokenize, word_frequency
from rag.text.zh import TO_FILL, sentences, unnumbered

# Words jieba tags as names that are common nouns of the field.
NOT_NAMES = frozenset(
    "雷锋 中华人民共和国 中国 中华 中华民族 青少年 双拥 中心广场 党中央 国务院 人民 全国 "
    "八一 建军节 重阳 重阳节 春节 元旦 清明 端午 中秋 国庆 七一 五四 六一 三八 学雷锋 马克思 "
    "毛泽东 邓小平 习近平 新时代 长江 黄河 网格 社工 红领巾 巾帼 夕阳红 银发 关工委 "
    "时间银行 光荣牌 光荣之家 平安 文明 和谐 幸福 温馨 爱心 阳光 同心 邻里 乡邻 街坊 "
    "老兵 老街坊 小小 民警 居委会 党委 党支部 党总支 志愿 公众号 微信群 力争 华夏 五老".split()
)
_PLACE_END = re.compile(r"[省市区县镇乡村庄苑府湾园河湖街巷路里城口]$")
GENERIC_PLACES = frozenset(
    "城市 老城区 城中村 新家园 古城 新城 城镇 小区 社区 校园 家园 公园 花园 乐园 城区 市区 "
    "景区 园区 街区 辖区 片区 库区 山区 郊区 农村 乡村 街巷 道路 马路 沿河 河湖 江河 文明城市 "
    "夏令营 入园 临街 临河 全市 全区 全县 本市 本区 我市 我区 各区 山村 本村 新农村 村庄 "
    "路口 街口 巷口 门口 入口 出口 港口 渡口 关口 窗口 城门 大门 校门 "
    "老旧小区 新建小区 安置小区 商品房小区 住宅小区 居民小区 开放式小区 各小区".split()
)
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
# A named place or body: a proper word followed by what it is (南岗片区, 实验小学, 永辉超市).
_NAMED_SUFFIX = (
    "片区|小区|花园|家园|社区|村|庄|路|大街|街|巷|里|广场|菜市场|市场|物流园|小学|中学|学校|幼儿园|"
    "医院|卫生院|派出所|消防救援站|物业公司|物业|公司|集团|厂|超市|商场|酒店|银行"
)
_SUFFIX_WORD = re.compile(rf"^(?:{_NAMED_SUFFIX})$")
_PLACE_ONLY = re.compile(r"(?:村|庄|巷|片区|小区|花园|家园|菜市场)$")
_PROPER_TAGS = frozenset({"ns", "nr", "nrt", "nz", "nt", "nrfg"})
# What may stand before such a word without naming anything (辖区小学, 周边超市, 各小区).
_GENERIC_BEFORE = frozenset(
    "辖区 本 该 各 全 周边 附近 相关 所在 社区 居民 老旧 新建 安置 商品房 农贸 城中 沿街 临街 "
    "驻区 驻地 共建 重点 每个 各个 其他 所有 所属 这些 有关 当地 学校 中小 大中 公办 民办 "
    "一个 两个 几个 个别 部分 主要 城区 小区 背街 沿线 周围 物业 专业 属地 同一 隔壁 "
    "街道 市 区 县 镇 乡 村 街 路 医 工 校 厂 会同 联合 协调 依托 通过 组织 邀请 联系 对接 配合 "
    "走进 深入 进入 前往 督促 指导 动员 农商 加工 商业 居民区 住宅 老年 儿童".split()
)
# What a quoted brand names: "巧手匠"志愿服务队, "小小雷锋"亲子志愿岗, "老师傅"志愿服务品牌.
BRAND_NOUN = (
    r"(?:志愿服务队|志愿者服务队|志愿服务品牌|服务品牌|服务队|志愿队|小分队|宣讲团|宣讲队|导师团|"
    r"工作室|驿站|服务站|之家|课堂|议事会|品牌|项目|联盟|调解室|书屋|茶话会|分享会|集市|志愿岗|亲子志愿岗|"
    r"示范户|主题展室|展室|专栏|小程序|门牌|军事体验营|体验营|特色课堂|活动)"
)
# A quoted term: a brand, a scheme or a slogan (“邻里帮帮”, “放心、关注、严管”) ...
QUOTED = re.compile(r"[“「]([^“”「」。]{2,16})[”」]")
# ... unless it is the field's own, known to every community whatever the library holds.
FIELD_TERMS = frozenset(
    "三会一课 九小场所 门前三包 雪亮工程 枫桥经验 红色物业 双报到 一户一卡 一楼一预案 一站式 "
    "一老一小 两新 三无 民转刑 以奖代补 五老 光荣之家 光荣牌 学雷锋 无毒社区 文明家庭 最美家庭 "
    "身边好人 好人榜 时间银行 一人一档 一户一档 一人一策 网格化 放管服 最多跑一次 四点半课堂 "
    "清无 一刀切 回头看 组合拳 互联网＋ 双拥 八一 七一 五一 春节 国庆 元旦 重阳".split()
)


def quoted_terms(text: str) -> set[str]:
    """The quoted terms of a text that are not the field's own."""
    return {t for t in QUOTED.findall(text) if t not in FIELD_TERMS and t not in NOT_NAMES}


# A project or team brand in quotes: "巧手匠"志愿服务队, ‘红管家’服务站.
_BRAND = re.compile(
    rf"[“‘「'\"]([\u4e00-\u9fff]{{2,12}})[”’」'\"](?={BRAND_NOUN})"
    r"|[“‘「]([\u4e00-\u9fff]{2,8}(?:食堂|学堂|讲堂|书屋|驿站|课堂|之家|工作室|超市|银行|书院|"
    r"队|团|小组|互助组|展室|专栏|小程序|门牌|日|柜))[”’」]"
    r"|《([\u4e00-\u9fff]{2,12}(?:护照|手册|指南|读本|承诺书|公约))》"
    # the card a sample says it plays: 打“智力拥军”牌
    r"|[“‘「]([\u4e00-\u9fff]{2,8})[”’」](?=牌)"
)
# Claims a sample makes about itself.
_CLAIM = re.compile(
    r"(?:位于|地处)[\u4e00-\u9fff]{2,12}|"
    # what happened to another community last year, and where its rooms are
    r"(?:去年|上年|往年)[^，。；]{0,10}(?:暴露|发生|出现)|(?:中心|大厅|大楼)[一二三四五六]楼|"
    r"(?:通过|迎接)[\u4e00-\u9fff]{0,12}(?:复审|复查|验收|评审|考评)|"
    r"(?:被评为|荣获|获评|创成|被命名为)[\u4e00-\u9fff“”]{2,20}|"
    r"辖区(?:内)?(?:有|共有|现有)[^，。；]{0,20}?\d+(?:个|家|所|座|处|条)|"
    r"(?:目前|当前|现在)(?:突出|存在|主要)?的?(?:问题|困难|短板)(?:有|是|主要是)?|"
    # how a sample describes its own community: 立足…的特点, …等问题较为突出
    r"(?:立足|针对)[^，。；]{2,30}?的(?:特点|实际|优势)|[^，。；]{0,12}(?:问题|矛盾)(?:较为|比较|十分|尤为)突出|"
    # another community's counts in words: 两个小区, 三家物业企业
    r"[两二三四五六七八九十]+[个家所座栋片](?:小区|网格|片区|院落|楼院|单位|学校|物业企业|"
    r"物业公司|物业|企业|商户|居民小组)|"
    # the setting of another community: a logistics park, a building-materials market
    r"物流园|建材市场|批发市场|工业园|产业园|文创园|园区|园企|火车站|高速路口|"
    r"电镀|印染|化工经营|进营区|驻训|续签|擦亮|"
    # the focuses a sample chose for itself: 两个重点, 三个方面, 四件事
    r"[两二三四五六七八九十]+(?:个|项)(?:重点|方面|薄弱环节|环节|核心指标|难点)|"
    r"[两二三四五六七八九十]+件(?:事|实事)|"
    # what a sample says it faces: …是社区面临的主要风险
    r"是(?:本|我)?社区(?:面临|存在)的主要(?:风险|问题|困难|矛盾)"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A military unit or body near another community: 警卫连, 武警中队, 消防三中队, 86321部队,
# 市军分区 (民兵连 and 驻地部队 are any community's).
MILITARY_UNIT = re.compile(
    r"(?:武警|警卫|消防|边防|特勤|侦察|通信|工兵|炮兵|装甲|防化|舟桥|雷达|导弹|守备|海警)"
    r"[一二三四五六七八九十\d]{0,3}(?:连|营|团|旅|中队|大队|支队|分队)"
    r"|\d{4,6}部队|市?(?:军分区|警备区)"
    r"|[一二三四五六七八九十\d]+(?:连|营|团|旅|师)(?=官兵|战士|指战员|全体|党支部)"
)
# Another community's anniversary (共建30周年, 成立10周年); the nation's (建军100周年) is the
# calendar's, and its number is checked as a figure.
_ANNIVERSARY = re.compile(
    r"(?:共建|结对|建连|建队|建营|建站|成立|创建|组建|挂牌|建成|落成|开馆|建校|建院)?"
    r"(?:\d+|[一二三四五六七八九十百]+)周年"
)
_NATIONAL = re.compile(
    r"建军|建党|建国|建团|新中国|共和国|抗战|抗日|反法西斯|改革开放|长征|诞辰|人民军队|红军|辛亥|五四"
)
# Two parties paired (东关社区与武警中队结对): a fact of one community when a side is named.
_PAIR = re.compile(
    r"[\u4e00-\u9fff“”\d]{2,16}?(?:与|和|同)[\u4e00-\u9fff“”\d]{2,16}?"
    r"(?:结对|结成对子|结成帮扶对子|签订共建协议|结为共建)"
)
# Words of a kind of community that a word list cannot hold (原机械厂, 原纺织厂).
_TYPE_PATTERNS = {"单位型社区": re.compile(r"原[\u4e00-\u9fff]{1,4}(?:厂|矿|公司)")}
# Schools named by a number or a common school name: 第二中学, 实验小学.
_SCHOOL = re.compile(
    r"(?:第[一二三四五六七八九十]+|实验|育才|育英|明德|外国语)(?:中学|小学|幼儿园)"
)

# How a text describes the state of a community (比例较高, 多为…, 问题较为突出) …
_STATE = re.compile(
    r"较多|偏多|较大|偏大|较高|偏高|偏低|较少|偏少|不足|拥挤|不够|薄弱|滞后|普遍|多为|"
    r"(?:较为|比较|十分|尤为)(?:突出|集中)|任务(?:较)?重|淡薄|意识不强|欠缺|匮乏|不能及时|尚未|"
    r"仍有|存在(?:问题|不足|短板|盲区)|比例|比重|难以"
)
# … unless the sentence says what will be done: a plan's verb near its start, or an obligation.
_DOING = re.compile(
    r"^(?:社区|各网格)?(?:以|为|对|将|把|由|每|要)"  # one-character verbs only where they start it
    r"|^[^，。；]{0,8}?(?:开展|组织|建立|落实|推动|推进|加强|做好|完善|确保|坚持|围绕|按照|实行|"
    r"实施|针对|结合|依托|利用|联合|会同|邀请|动员|引导|鼓励|发挥|提升|提高|强化|探索|力争|争取|"
    r"通过|聚焦|着力|注重|重点|突出|切实|进一步|积极|认真|全面|深入|继续|持续|大力|及时|逐步|"
    r"定期|统筹|优先|年底|年初|全年|根据)"
    r"|确保|做到|力争|必须|不得|严禁|督促|应(?:当|该|事先|及时|在|由|按)"
)


def circumstances(text: str) -> list[str]:
    """The sentences of a text that describe a community as it is (居民多为近年购房迁入,
    老年食堂座位少) rather than say what the plan will do: true of one community only."""
    return [
        sentence
        for line in text.split("\n")
        for sentence in sentences(unnumbered(line))
        if _STATE.search(sentence) and not _DOING.search(sentence)
    ]


def _supported(sentence: str, own: str) -> bool:
    """Whether most words of a sentence are the profile's (it restates the user's notes)."""
    words = [w for w in tokenize(sentence) if len(w) >= 2 and _HAN.match(w)]
    return bool(words) and sum(w in own for w in words) >= 0.6 * len(words)


# What a plan should say once: a rate with its value (参与率80%), a leading group.
RATE = re.compile(r"([\u4e00-\u9fff]{2,8}?率)[^，。；\d]{0,6}?(\d+(?:\.\d+)?)%")
LEADING_GROUP = re.compile(
    r"(?:领导小组|工作小组).{0,30}?组长|组长.{0,30}?(?:领导小组|工作小组)|"
    r"(?:成立|组建)[^。；]{0,40}?(?:领导小组|工作小组|工作专班|专班|委员会|指挥部)"
)


def rate_name(match: re.Match) -> str:
    """The rate a RATE match names, by its last three characters (居民参与率 → 参与率)."""
    return match[1][-3:]


@dataclass(frozen=True)
class Specific:
    """A word of one community: its text and what it is (地名 单位 人名 品牌 说法 类型用语),
    or a whole sentence describing it (情况)."""

    word: str
    kind: str


def is_proper_name(word: str, tag: str) -> bool:
    """A place (…苑, …市, …河) or a person (surname + given name) as jieba tags them."""
    if word in NOT_NAMES or len(word) < 2:
        return False
    if tag == "ns":
        return bool(_PLACE_END.search(word)) and word not in GENERIC_PLACES
    if tag in ("nr", "nrt") and 2 <= len(word) <= 3 and word[0] in _SURNAMES:
        return word_frequency(word) < 100
    return False


def _is_place_word(word: str, tag: str) -> bool:
    """A word jieba takes for a place name (石桥, 南岗) that no generic word list holds."""
    return tag == "ns" and len(word) >= 2 and word not in GENERIC_PLACES | NOT_NAMES


def _named_places(words: list[tuple[str, str]]) -> list[str]:
    """南岗片区, 实验小学, 前营村, 机械厂: a proper word joined to the kind of place it is."""
    found = []
    for i, (word, tag) in enumerate(words):
        if _SUFFIX_WORD.match(word):
            if i == 0:
                continue
            before, before_tag = words[i - 1]
            if (
                len(before) >= 2
                and _HAN.match(before)
                and before not in _GENERIC_BEFORE
                and (
                    before_tag in _PROPER_TAGS
                    or (before_tag == "n" and word_frequency(before) < 2000 and word != "社区")
                )
                and before not in NOT_NAMES
                and before not in GENERIC_PLACES
            ):
                found.append(before + word)
            elif i >= 2 and _HAN.match(before) and _is_place_word(*words[i - 2]):
                found.append(words[i - 2][0] + before + word)  # 石桥文化广场
        elif (
            len(word) >= 3
            and (m := re.search(rf"(?:{_NAMED_SUFFIX})$", word))
            and word[: m.start()] not in _GENERIC_BEFORE
            and word not in GENERIC_PLACES
            # a name, a coined word, or a word that can only be a place (…村, …巷, …小区)
            and (tag in _PROPER_TAGS or word_frequency(word) == 0 or _PLACE_ONLY.search(word))
        ):
            found.append(word)
    return found


def specifics(text: str, pairs: bool = True) -> list[Specific]:
    """The words of a text that only one community can say of itself, in order of appearance;
    a pair (X与Y结对) stands for the names it holds unless `pairs` is false."""
    plain = re.sub(r"[^\u4e00-\u9fff]", "，", text)
    words = tagged(plain)
    found = [Specific(w, "地名" if t == "ns" else "人名") for w, t in words if is_proper_name(w, t)]
    found += [Specific(w, "单位") for w in _named_places(words)]
    found += [Specific(m[0], "单位") for m in _SCHOOL.finditer(text)]
    found += [
        Specific(name, "品牌")
        for m in _BRAND.finditer(text)
        if (name := m[1] or m[2] or m[3] or m[4]) not in NOT_NAMES
    ]
    found += [Specific(m[0], "说法") for m in _CLAIM.finditer(text)]
    found += [Specific(m[0], "单位") for m in MILITARY_UNIT.finditer(text)]
    found += [
        Specific(m[0], "说法")
        for m in _ANNIVERSARY.finditer(text)
        if not _NATIONAL.search(text[max(0, m.start() - 10) : m.end()])
    ]
    found += _pairs(text, found) if pairs else []
    seen: set[str] = set()
    ordered = []
    for s in sorted(found, key=lambda s: text.find(s.word)):
        if s.word not in seen and not any(s.word in other.word for other in found if other != s):
            seen.add(s.word)
            ordered.append(s)
    return ordered


def _pairs(text: str, found: list[Specific]) -> list[Specific]:
    """ "X与Y结对" where a side names somebody (a unit, a place, a brand): the pair is a fact of
    one community, reported whole in place of its names."""
    return [
        Specific(m[0], "说法")
        for m in _PAIR.finditer(text)
        if any(s.word in m[0] for s in found) or quoted_terms(m[0])
    ]


def type_words(text: str, community_type: str | None) -> list[str]:
    """Words of another kind of community than the given one (any kind when none is given)."""
    own = set(COMMUNITY_TYPES[community_type].words) if community_type else set()
    found = [
        w
        for name, t in COMMUNITY_TYPES.items()
        if name != community_type
        for w in t.words
        if w in text and w not in own
    ]
    for name, pattern in _TYPE_PATTERNS.items():
        if name != community_type:
            found += [m[0] for m in pattern.finditer(text)]
    # 撤村建居, not also 撤村 and 建居
    return [w for w in dict.fromkeys(found) if not any(w != o and w in o for o in found)]


@dataclass(frozen=True)
class Condition:
    """Something a plan may take for granted only when the profile says so: a facility the
    community runs, a property company, rented flats. Some kinds of community imply it."""

    name: str
    words: tuple[str, ...]
    signs: tuple[str, ...] = ()  # words of the profile that say the community has it
    implied_by: tuple[str, ...] = ()  # kinds of community that have it
    set_up: bool = False  # a sentence that sets one up (开设四点半课堂) assumes nothing
    each: bool = False  # each word is a thing of its own (a 微型消防站 is no 老年食堂)


CONDITIONS = (
    Condition(
        "设施",
        (
            "日间照料中心",
            "老年食堂",
            "长者食堂",
            "助餐点",
            "时间银行",
            "微型消防站",
            "爱心超市",
            "爱心兑换柜",
            "零工驿站",
            "儿童之家",
            "四点半课堂",
            "应急救援队",
            "调解室",
            "法律服务室",
            "心理咨询室",
        ),
        set_up=True,
        each=True,
    ),
    Condition("物业", ("物业服务企业", "物业公司", "物业"), ("物业",), ("新建商品房小区",)),
    Condition(
        "出租房屋",
        ("出租房屋", "出租屋", "出租房", "房东", "租户", "租客"),
        ("出租", "租房", "流动人口", "外来"),
        ("城乡结合部", "村改居"),
    ),
    Condition(
        "流动人口",
        ("流动人口", "流动党员", "流入党员", "外来务工人员", "务工人员", "新市民"),
        ("流动", "外来", "务工", "出租", "租住"),
        ("城乡结合部", "村改居"),
    ),
)
_SETTING_UP = re.compile(r"建立|设立|建设|开设|新建|筹建|建成|打造|开办|增设|选址|争取")


def assumed_conditions(text: str, profile: Profile) -> list[str]:
    """What a text takes for granted about the community (办好日间照料中心, 督促物业…,
    与出租房屋房东签订…) that neither the profile nor its kind of community says."""
    own = profile_text(profile)
    found = []
    for condition in CONDITIONS:
        said = [w for w in condition.words + condition.signs if w in own]
        if profile.community_type in condition.implied_by or (said and not condition.each):
            continue
        for line in TO_FILL.sub("", text).split("\n"):
            for sentence in sentences(line):
                for word in condition.words:
                    at = sentence.find(word)
                    if word in said:
                        continue
                    if at < 0 or (condition.set_up and _SETTING_UP.search(sentence[:at])):
                        continue
                    found.append(word)
                    if not condition.each:
                        break  # 物业公司, not also 物业
    return list(dict.fromkeys(found))


def profile_text(profile: Profile) -> str:
    """Everything the user wrote about the community: what it says is true of it."""
    kind = profile.community_type or ""
    return "\n".join((profile.facts_text(), profile.parent, profile.community, kind))


def foreign_specifics(text: str, profile: Profile) -> list[Specific]:
    """The specifics and other kinds' words in a text that the profile does not say (what a
    【待补充：…】 mark asks the user for is no statement)."""
    return list(_foreign(text, profile_text(profile), profile.community_type))


@lru_cache(maxsize=1024)  # three checks of a section, and the composer per sentence, ask
def _foreign(text: str, own: str, community_type: str | None) -> tuple[Specific, ...]:
    text = TO_FILL.sub("", text)
    own_numbers = set(re.findall(r"\d+(?:\.\d+)?", own))
    found = [
        s
        for s in specifics(text)
        if s.word not in own
        # 辖区有网格14个 restates the profile's own count
        and not (
            s.kind == "说法"
            and set(re.findall(r"\d+(?:\.\d+)?", s.word)) <= own_numbers
            and re.search(r"\d", s.word)
        )
    ]
    found += [Specific(w, "类型用语") for w in type_words(text, community_type) if w not in own]
    found += [Specific(s, "情况") for s in circumstances(text) if not _supported(s, own)]
    return tuple(found)
