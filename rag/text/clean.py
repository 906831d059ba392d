"""Cleaning Chinese web text: pinyin ruby, Traditional→Simplified, mojibake, HTML, SEO inserts,
site furniture (rag.text.furniture), one placeholder form."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from rag.text.furniture import Piece, Removal, kept_text, mark_furniture, removals

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = f"a-zü{_TONES}"
_SYLLABLE = re.compile(
    rf"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouüv{_TONES}][a-zü{_TONES}]{{0,4}}$"
)
# Syllables written without a tone mark in ruby (neutral tone).
_NEUTRAL = frozenset("de le me ne ma ba zi men zhe guo li tou shang xia".split())
# Full-width punctuation counts as Chinese context for punctuation normalisation.
_CJK_PUNCT = "，。、；：？！（）“”‘’《》〔〕【】…—×"
_CJK_CONTEXT = f"[{HAN}{_CJK_PUNCT}]"

# What XML 1.0, and so a Word file, cannot hold: C0 controls but tab, newline and carriage
# return; DEL; the non-characters U+FFFE/U+FFFF; lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_RUBY = re.compile(rf"(?<=[{HAN}A-Za-z])\(([{_PINYIN_LETTERS}]{{1,7}})\)")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]*)?/?>|[?？]/[A-Za-z]{1,6}\d?>")
_MOJIBAKE_ANCHOR = re.compile(
    rf"[?？][{_PINYIN_LETTERS}]{{1,7}}\)|[\u3040-\u30ff]|(?<=[{HAN}])\^|\^(?=[{HAN}(])|\ufffd"
)
_CLAUSE_SPLIT = re.compile(r"([，,；;。！!])")
_SEO_PAREN = re.compile(
    r"[（(][^（）()\n]{0,30}(?:调研报告|工作计划|工作总结|范文|心得体会|述职报告)[^（）()\n]{0,10}[)）]"
)
_SEO_REPEAT = re.compile(r"(?:(?:社区)?(?:调研报告|工作报告|工作计划|工作总结)){2,}")
_SEO_TITLE_SENTENCE = re.compile(
    rf"(?<=。)[{HAN}]{{2,12}}(?:工作计划|调研报告|工作总结|宣传标语|计划书|工作报告)。"
)


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified; sentences already Simplified are left alone.

    tw2s also gets 隨著 → 随着 right, but would turn Simplified 显著 into 显着, so it only
    sees sentences that hold Traditional characters.
    """
    t2s, tw2s = _converter("t2s"), _converter("tw2s")
    parts = re.findall(r"[^。！？\n]*[。！？\n]?", text)
    return fix_phrases("".join(tw2s.convert(p) if t2s.convert(p) != p else p for p in parts))


# 著 is Simplified too (著作, 显著, 著名), so OpenCC leaves it where a Simplified sentence
# needs 着: after a verb it is the particle (本着, 接着, 围绕着), before 力/手/重 … it is zhuó.
_ZHE_AFTER = (
    "本|接|随|沿|朝|向|为|意味|有|存在|发挥|起|肩负|跟|看|带|穿|衣|执|沉|沈|围绕|伴随|充满|"
    "承担|承载|保持|面临|关系|影响|代表|标志|象征|顺|靠|凭|怀|抱|守|盯|等|忙|试|活|想|说|写|"
    "挂|摆|放|住|坐|站|走|引领|推动|见证|激励|鼓舞|温暖|守护|传承|延续|书写|践行|履行|牵|"
    "紧|照|按|冲|对|指|领|载|含|藏|留|记|惦|盼|望|唱|笑|干|做|思考|坚守|扛|担|连|系|拿|用"
)
_ZHE = re.compile(
    rf"({_ZHE_AFTER})著(?!作|名|称|述|录|者|书)|()著(?=力|手|重|眼|想|落|实|急|装|陆|迷|火|凉|色|墨|意|笔)"
)


# What OpenCC itself writes wrong (充電覆蓋 → 充电复盖).
_PHRASES = {"复盖": "覆盖"}


def fix_phrases(text: str) -> str:
    """著 → 着 where Simplified writes 着 (本著 → 本着, 著力 → 着力; 著作, 显著, 著名 stay),
    and the words OpenCC gets wrong."""
    for wrong, right in _PHRASES.items():
        text = text.replace(wrong, right)
    return _ZHE.sub(lambda m: (m[1] or "") + "着", text)


def has_traditional(text: str) -> bool:
    """True when OpenCC t2s would change the text, i.e. it holds Traditional characters."""
    return _converter("t2s").convert(text) != text


def _is_ruby(content: str) -> bool:
    if not _SYLLABLE.match(content):
        return False
    return any(ch in _TONES for ch in content) or content in _NEUTRAL


def strip_ruby(text: str) -> str:
    """Remove pinyin annotations such as 社區(qū) → 社區."""
    return _RUBY.sub(lambda m: "" if _is_ruby(m.group(1)) else m.group(0), text)


def has_pinyin(text: str) -> bool:
    """True when the text still carries pinyin ruby annotations."""
    return any(_is_ruby(m.group(1)) for m in _RUBY.finditer(text))


def strip_html(text: str) -> str:
    """Remove HTML tags and their broken remnants, unescape entities."""
    return html.unescape(_HTML_TAG.sub("", text)).replace("\xa0", " ")


def drop_mojibake_clauses(text: str) -> str:
    """Drop each clause (between commas/full stops) that contains encoding debris."""
    return "\n".join(_drop_in_line(line) for line in text.split("\n"))


def _drop_in_line(line: str) -> str:
    if not _MOJIBAKE_ANCHOR.search(line):
        return line
    sentences = re.findall(r"[^。！!]+[。！!]?", line)
    return "".join(_drop_in_sentence(s) for s in sentences)


def _drop_in_sentence(sentence: str) -> str:
    if not _MOJIBAKE_ANCHOR.search(sentence):
        return sentence
    parts = _CLAUSE_SPLIT.split(sentence)
    clauses = [
        [parts[i], parts[i + 1] if i + 1 < len(parts) else ""] for i in range(0, len(parts), 2)
    ]
    end = clauses[-1][1] if clauses[-1][1] in "。！!" else ""
    kept = [c for c in clauses if not _MOJIBAKE_ANCHOR.search(c[0])]
    text = "".join(body + delim for body, delim in kept).rstrip("，,；;")
    # What is left may be a bare fragment (a date span, a few words): drop it whole.
    if len(text) < 8 or re.fullmatch(r"[\dxX×年月日至到和及、—～\-]+", text):
        return ""
    return text if text.endswith(("。", "！", "!")) else text + (end or "。")


def strip_seo(text: str, removed: list[Removal] | None = None) -> str:
    """Remove SEO phrases inserted into sentences (repeated titles, bracketed ads)."""
    for pattern in (_SEO_PAREN, _SEO_REPEAT, _SEO_TITLE_SENTENCE):
        if removed is not None:
            removed += [Removal("seo", m[0]) for m in pattern.finditer(text)]
        text = pattern.sub("", text)
    return text


def normalize_punctuation(text: str) -> str:
    """Half-width punctuation in Chinese context → full-width; tidy spaces and numbering."""

    def paren(m: re.Match[str]) -> str:
        inner, after = m.group(1), m.string[m.end() : m.end() + 1]
        if re.search(f"[{HAN}]", inner) or (
            re.fullmatch(r"\d{1,2}|[一二三四五六七八九十]{1,3}", inner)
            and (not after or re.match(f"[{HAN}“]", after))
        ):
            return f"（{inner.strip()}）"
        return m.group(0)

    text = re.sub(r"\(([^()\n]{1,80})\)", paren, text)
    for half, full in ((",", "，"), (";", "；"), ("?", "？"), ("!", "！")):
        text = re.sub(
            rf"(?<={_CJK_CONTEXT}){re.escape(half)}|{re.escape(half)}(?={_CJK_CONTEXT})", full, text
        )
    text = re.sub(rf"(?<=[{HAN}]):|:(?=[{HAN}])", "：", text)
    # Spaces between Chinese characters or punctuation are typesetting debris.
    text = re.sub(rf"(?<={_CJK_CONTEXT})[ \t\u3000]+(?={_CJK_CONTEXT})", "", text)
    # Item numbers: "1 、" / "1、" / "1．" at the start of a line → "1."
    text = re.sub(r"(?m)^[ \t\u3000]*(\d{1,2})[ \t]*[、．.][ \t]*(?!\d)", r"\1.", text)
    text = re.sub(r"，+。|。{2,}", "。", text)
    # A range written with hyphens: 1--3月 → 1—3月.
    text = re.sub(r"(?<=\d)\s*(?:-{2,}|—{1,2}|－{1,2})\s*(?=\d)", "—", text)
    # A full stop between digits is a corrupted decimal point (7。6% → 7.6%).
    text = re.sub(r"(?<=\d)。(?=\d)", ".", text)
    return text


# A blank left to fill in: underscores, stars before what is counted or named, 〇〇 (not in
# a year written in numerals, 二〇〇八年).
_BLANK = re.compile(
    r"[_＿]{2,}|(?<![*＊])[*＊]{2,4}(?=社区|街道|小区|村|镇|区|市|县|同志|年|月|日|号|名|人|户|个|次|元|万|级|班|系|届)|"
    r"(?<![一二三四五六七八九〇零○])[○〇]{2,}(?![〇○一二三四五六七八九年])"
)


def normalize_placeholders(text: str) -> str:
    """One placeholder form: ××××年 for a year (20xx年, 200*年, 20__年, ____年), ×× for a
    name or number (xx社区, 某某, 港工系__级, x月x日, ____月)."""
    text = re.sub(r"(?<![\dA-Za-z])[12]\d{0,2}[xX×*＊_＿]{1,3}(?=\s*年)", "××××", text)
    text = re.sub(r"20[xX]{2}", "××××", text)
    text = _BLANK.sub("××", text)
    text = re.sub(r"(?<![A-Za-z×])(?:[xX]{1,3}|×)(?=[月日号时])", "××", text)
    text = re.sub(r"(?<![A-Za-z])[xX]{2,3}(?![A-Za-z])", "××", text)
    text = re.sub("某{2,}", "××", text)
    return re.sub(r"(?<!×)××年", "××××年", text)


def strip_control(text: str) -> str:
    """Text without control characters: vertical tab and form feed (a line or page break
    copied from Word) become newlines, the others are dropped; tab and newline are kept."""
    return _CONTROL.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


def normalize_whitespace(text: str) -> str:
    """One paragraph per line: strip lines, drop empty ones, unify newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    lines = (re.sub(r"[ \t\u3000]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class CleanedPage:
    """A cleaned page, the page as the furniture rules saw it (each piece kept or removed by
    a named rule, for a highlighted preview) and everything the named rules removed."""

    text: str
    marked: list[list[Piece]]
    removed: list[Removal]


def clean_page(text: str) -> CleanedPage:
    """The whole cleaning pipeline for a pasted or downloaded Chinese text, with its record."""
    text = normalize_whitespace(strip_control(text))
    text = strip_html(text)
    text = strip_ruby(text)
    text = drop_mojibake_clauses(text)
    text = to_simplified(text)
    marked = mark_furniture(text)
    removed = removals(marked)
    text = strip_seo(kept_text(marked), removed)
    text = normalize_placeholders(text)
    text = normalize_punctuation(text)
    return CleanedPage(normalize_whitespace(text), marked, removed)


def clean_text(text: str) -> str:
    """The whole cleaning pipeline for a pasted or downloaded Chinese text."""
    return clean_page(text).text
