"""Adapting sample sentences to one community: placeholders, other places' names and numbers.

A sample passage describes somebody else's community. What may pass into a plan is its way of
saying things, never its facts: a clause that still names another place or states another
community's counts is dropped, so every name and count in a composed plan is the user's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from rag.plan.outlines import Outline
from rag.plan.profile import Profile
from rag.plan.specifics import (
    BRAND_NOUN,
    MILITARY_UNIT,
    NOT_NAMES,
    foreign_specifics,
    is_proper_name,
    profile_text,
    quoted_terms,
    specifics,
)
from rag.text.tokens import tagged
from rag.text.zh import ACTION, OLD_DATA, OLD_FIGURE, PLACEHOLDER, is_fragment, sentence_key

_CLAUSE = re.compile(r"([^，；：]*)([，；：]?)")
_INSTITUTION = (
    "小学|中学|学校|幼儿园|医院|卫生服务中心|卫生院|派出所|供电所|消防救援站|物业公司|物业|"
    "公司|企业|超市|银行|养老院|敬老院|工厂|商场|驻地部队|部队|小区|花园|家园|苑"
)
# A count of things: another community's 187名, 23个, 3100余户, 1.2万小时.
_COUNT = re.compile(
    r"\d+(?:\.\d+)?(?:万|余|多)?(?:名|人|户|个|支|家|处|所|座|栋|幢|间|份|件|套|台|辆|场次|人次|"
    r"项|类|块|条|面|张|本|册|元|平方米|米|公里|小时|组|批|对|位|株|棵)"
)
# Numbers a plan may reuse as norms: 100%, 每月1次, 48小时内, 3月5日, 80岁以上, 第1 …
_NORM = re.compile(
    r"\d+(?:\.\d+)?%|\d+(?:\.\d+)?(?:次|期|轮|遍|场)|\d+个?(?:小时|工作日|日|天|周|月)[内以之]|"
    r"\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日|\d+周?岁|\d+时(?:\d+分)?|第\d+"
)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?=年|－|-|至)")
# A word written twice by placeholder replacement: 辖区辖区小学.
_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1(?=[\u4e00-\u9fff])")
_SECTION_NAME = re.compile(
    r"^(?:基本情况|工作目标|目标任务|指导思想|总体要求|总体思路|主要任务|工作任务|重点工作|主要工作|"
    r"保障措施|时间安排|工作安排|进度安排|存在问题|[\u4e00-\u9fff]{0,4}(?:方面|目标|情况))[。：]?$"
)
_SLOGAN = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")
# The head of a list whose items are other sentences: 具体目标是：…；
_LIST_INTRO = re.compile(r"^[^，。；：]{0,12}(?:是|如下|以下|包括|有)：")
_OLD_MARK = OLD_DATA.replace("，", "")  # the mark while a sentence is cut at its commas
# Another community's brand before what it names: "巧手匠"志愿服务队 → 志愿服务队.
_QUOTED_BRAND = re.compile(rf"[“‘「]([\u4e00-\u9fff]{{2,8}})[”’」](?={BRAND_NOUN})")

# What starts an item of a list in running text (一是, 二是要, 首先, 其次) and the motto that may
# follow it (二是打“智力拥军”牌，): no sentence of a plan starts with them.
_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+是要?|首先|其次|再次|最后|第[一二三四五六七八九十]+|另一方面|一方面)"
    r"[，、：:]?"
)
_MOTTO = re.compile(
    r"^(?:打好?|念好|唱好|下好|做好|写好|用好|擦亮)[“「‘][^”」’]{2,10}[”」’]"
    r"(?:牌|经|戏|棋|文章|名片)[，；：]"
)
# Another community's garrison, with where it is: 驻地警卫连, 市军分区.
_UNIT_HERE = re.compile(rf"(?:驻地|驻区|驻军|辖区|附近|周边)?(?P<unit>{MILITARY_UNIT.pattern})")
_ORGANS = "党委|党总支|党支部|居委会|两委"
# A school named by its street or village or a school name (解放路小学, 实验小学), not by
# whose it is (厂属幼儿园: a kind of community's, which the checks mark).
_NAMED_SCHOOL = re.compile(
    r"(?:[路街巷村镇里湾桥山河湖门庄苑城]|第[一二三四五六七八九十]+|实验|育才|育英|明德|外国语)"
    r"(小学|中学|学校|幼儿园)$"
)


@dataclass(frozen=True)
class Places:
    """The user's own place names, from 上级单位 ("××市××区××街道")."""

    city: str = ""
    district: str = ""
    street: str = ""

    @classmethod
    def parse(cls, parent: str) -> Places:
        m = re.match(
            r"(?:(?P<city>[\u4e00-\u9fff]{1,8}?市|[\u4e00-\u9fff]{1,8}?(?:自治州|盟)))?"
            r"(?:(?P<district>[\u4e00-\u9fff]{1,8}?(?:区|县|旗)))?"
            r"(?:(?P<street>[\u4e00-\u9fff]{1,10}?(?:街道|镇|乡|苏木)))?",
            parent.replace(" ", ""),
        )
        parts = {k: v or "" for k, v in m.groupdict().items()} if m else {}
        return cls(**{k: v for k, v in parts.items() if not PLACEHOLDER.search(v)})


class Adapter:
    """Rewrites sample sentences for one profile, or rejects the clauses it cannot keep."""

    def __init__(
        self,
        profile: Profile,
        outline: Outline,
        other_keywords: frozenset[str],
        shared_terms: frozenset[str] | None = None,
    ):
        self.profile = profile
        self.shared_terms = shared_terms
        self.outline = outline
        self.places = Places.parse(profile.parent)
        self.other_keywords = other_keywords
        self.own_keywords = frozenset(outline.keywords)
        # what each sentence it returned was in the sample (by characters): for its source
        self.origins: dict[str, str] = {}

    @cached_property
    def allowed_numbers(self) -> frozenset[str]:
        """Numbers the user gave as counts (facts, households, population): these may stay."""
        p = self.profile
        text = " ".join([*p.facts.values(), str(p.households or ""), str(p.population or "")])
        return frozenset(re.findall(r"\d+(?:\.\d+)?", text))

    @cached_property
    def counted(self) -> dict[str, set[str]]:
        """What each of the user's counts counts: 126 → {退役军人}, 2860 → {户}."""
        p = self.profile
        found: dict[str, set[str]] = {}
        for key, value in p.facts.items():
            for number in re.findall(r"\d+(?:\.\d+)?", value):
                found.setdefault(number, set()).add(key)
        if p.households:
            found.setdefault(str(p.households), set()).add("户")
        if p.population:
            found.setdefault(str(p.population), set()).add("人")
        return found

    def _counts_own(self, clause: str, count: str) -> bool:
        """Whether a count in a clause is one of the user's, of the same thing (126名 with
        退役军人 in the clause; not 6家企业 because the user has 6 people in rehabilitation)."""
        number = re.match(r"\d+(?:\.\d+)?", count)[0]
        unit = count[len(number) :].lstrip("万余多")
        return any(
            key in clause or (key == "户" and unit == "户") or (key == "人" and unit == "人")
            for key in self.counted.get(number, ())
        )

    @cached_property
    def own_text(self) -> str:
        """Everything the user wrote about the community."""
        return profile_text(self.profile)

    @cached_property
    def allowed_names(self) -> frozenset[str]:
        return frozenset(w for w, _ in tagged(self.own_text))

    def replace_placeholders(self, text: str) -> str:
        """××社区 → the community, ××街道 → the street (or 街道), ××××年 → the year …"""
        p, places = self.profile, self.places
        text = re.sub(r"(?:×{2,4}|[xX]{2,4}|20[xX×]{2})\s*年(?!\d)", f"{p.year}年", text)
        text = re.sub(r"(?:×{2}|某某)(?:社区|居委会|社区居委会)", p.community, text)
        text = re.sub(r"(?:×{2}|某某)(街道|镇|乡)", places.street or r"\1", text)
        text = re.sub(r"(?:×{2}|某某)(区|县)(?=[\u4e00-\u9fff])", places.district or r"\1", text)
        text = re.sub(r"(?:×{2}|某某)市", places.city or "市", text)
        text = re.sub(rf"(?:×{{2}}|某某)({_INSTITUTION})", r"辖区\1", text)
        return text

    def generic_roles(self, text: str) -> str:
        """Another community's garrison, schools, street office and own name said by their role
        (驻地部队, 辖区学校, the user's street, 本社区); the profile's own names stay."""
        own = self.own_text
        text = _UNIT_HERE.sub(lambda m: m[0] if m["unit"] in own else _unit_role(m["unit"]), text)
        for s in specifics(text, pairs=False):
            word = s.word
            if s.kind != "单位" or word in own:
                continue
            if school := _NAMED_SCHOOL.search(word):
                role = "辖区幼儿园" if school[1] == "幼儿园" else "辖区学校"
                text = re.sub(rf"(?:辖区)?{re.escape(word)}", role, text)
            elif f"{word}街道" in text:
                text = text.replace(f"{word}街道", self.places.street or "街道")
            elif word.endswith("社区"):
                text = re.sub(rf"{re.escape(word)}(?={_ORGANS})", "社区", text)
                text = re.sub(rf"^{re.escape(word)}", "本社区", text)
        return text

    def clause_ok(self, clause: str, topic_check: bool) -> bool:
        """Whether a clause (after placeholder replacement) says nothing of another place."""
        if PLACEHOLDER.search(clause):
            return False
        for year in _YEAR.findall(clause):
            if int(year) != self.profile.year:
                return False
        stripped = _NORM.sub("", OLD_FIGURE.sub("", clause))  # last year's, marked
        for m in _COUNT.finditer(stripped):
            number = re.match(r"\d+(?:\.\d+)?", m[0])[0]
            per_unit = "每" in stripped[: m.start()]
            if not self._counts_own(stripped, m[0]) and not (per_unit and len(number) == 1):
                return False
        if not self._numbers_allowed(stripped):
            return False
        if topic_check and any(k in clause for k in self.other_keywords):
            return False
        return not self._names(clause)

    def _numbers_allowed(self, stripped: str) -> bool:
        rest = _COUNT.sub("", stripped).replace(f"{self.profile.year}年", "")
        return all(n in self.allowed_numbers for n in re.findall(r"\d+(?:\.\d+)?", rest))

    def _names(self, clause: str) -> list[str]:
        """Place and person names jieba finds that the user did not give."""
        plain = re.sub(r"[^\u4e00-\u9fff]", "，", clause)
        return [
            w
            for w, tag in tagged(plain)
            if is_proper_name(w, tag) and w not in self.allowed_names and w not in self.own_keywords
        ]

    def _ones_own_terms(self, sentence: str) -> bool:
        """Whether a sentence quotes a scheme, slogan or brand only its own sample uses
        (“邻里帮帮”, “放心、关注、严管”三类): another community's, unless the profile says it."""
        if self.shared_terms is None:
            return False
        own = self.own_text
        return any(t not in self.shared_terms and t not in own for t in quoted_terms(sentence))

    def _generic_brand(self, match: re.Match) -> str:
        """A quoted brand kept when it is the user's own or a common term, else dropped."""
        own = match[1] in NOT_NAMES or match[1] in self.own_text
        # without its name, "…"品牌 would still claim a brand, and 开展活动 says nothing:
        # the sentence goes instead
        named = re.match(r"(?:志愿服务|服务)?品牌|活动", match.string[match.end() :])
        return match[0] if own or named else ""

    def heading(self, heading: str, topic_check: bool = False) -> str | None:
        """An item's heading adapted: like a sentence, but it may be short and a noun phrase
        (组织保障, 社会保险); never the name of a section (基本情况) or an aspect (参与方面)."""
        if _SECTION_NAME.match(heading.strip()):
            return None
        return self._adapted(heading, topic_check, min_length=4)

    def sentence(self, sentence: str, topic_check: bool = False) -> str | None:
        """The sentence adapted, with unusable clauses removed; None when its subject goes,
        when what is left is no longer a whole sentence, or when it is another community's.
        A slogan (学雷锋 暖乡邻) or a line with no verb (全年度。) is no sentence of a plan."""
        text = self._adapted(sentence, topic_check, min_length=7)
        if not text or _SLOGAN.search(text) or not any(t.startswith("v") for _, t in tagged(text)):
            return None
        return text

    def _adapted(self, sentence: str, topic_check: bool, min_length: int) -> str | None:
        # the mark of last year's figures holds a comma that divides no clause
        original, marked = sentence, OLD_DATA in sentence
        sentence = sentence.replace(OLD_DATA, _OLD_MARK)
        text = self._adapted_clauses(sentence, topic_check, min_length)
        text = text.replace(_OLD_MARK, OLD_DATA) if text and marked else text
        if text:
            self.origins.setdefault(sentence_key(text), original)
        return text

    def _adapted_clauses(self, sentence: str, topic_check: bool, min_length: int) -> str | None:
        sentence = _MOTTO.sub("", _ENUMERATOR.sub("", sentence.strip()))
        sentence = self.generic_roles(self.replace_placeholders(sentence))
        sentence = _QUOTED_BRAND.sub(self._generic_brand, sentence)
        if self._ones_own_terms(sentence):
            return None
        end = re.search(r"[。！？；：]+[”’」）]*$", sentence)
        ending = end[0] if end else "。"
        body = sentence[: end.start()] if end else sentence
        parts = [(c, d) for c, d in _CLAUSE.findall(body) if c or d]
        kept: list[tuple[str, str]] = []
        cut = False  # a clause of this run (up to the next ；) was dropped
        for i, (clause, delim) in enumerate(parts):
            if self.clause_ok(clause, topic_check):
                if cut:
                    return None  # what follows a dropped clause depends on it
                kept.append((clause, delim))
            elif i == 0 or delim == "：":
                return None
            else:
                cut = True
                if delim == "；" and kept:
                    kept[-1] = (kept[-1][0], "；")
            if delim == "；":
                cut = False
        if not kept:
            return None
        if len(kept) < len(parts) and not ACTION.search("".join(c for c, _ in kept)):
            return None  # what is left names things but does nothing with them
        if len(kept) < len(parts) and re.search(
            r"(同时|之际|时|后|期间|基础上|前提下|通过|围绕)$", kept[-1][0]
        ):
            return None
        text = "".join(c + d for c, d in kept[:-1]) + kept[-1][0]
        if text.count("《") != text.count("》"):
            return None
        text = _DOUBLED.sub(r"\1", text.rstrip("，、；：")) + ending
        if len(text) < min_length or is_fragment(text) or _LIST_INTRO.search(text):
            return None
        # A sentence that names, claims or speaks as another community goes whole.
        return None if foreign_specifics(text, self.profile) else text


def _unit_role(unit: str) -> str:
    """What any community may call a garrison or military body: 驻地部队, 武装部, 消防救援站."""
    if unit.endswith(("军分区", "警备区")):
        return "武装部"
    return "辖区消防救援站" if unit.startswith("消防") else "驻地部队"
