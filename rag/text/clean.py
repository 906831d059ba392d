"""Cleaning Chinese web text: pinyin ruby, Traditional→Simplified, mojibake, HTML, SEO inserts."""

from __future__ import annotations

import html
import re
from functools import lru_cache

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
    return "".join(tw2s.convert(p) if t2s.convert(p) != p else p for p in parts)


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


def has_mojibake(text: str) -> bool:
    """True when the text holds encoding debris (stray ?pinyin), kana, U+FFFD)."""
    return bool(_MOJIBAKE_ANCHOR.search(text))


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


def strip_seo(text: str) -> str:
    """Remove SEO phrases inserted into sentences (repeated titles, bracketed ads)."""
    text = _SEO_PAREN.sub("", text)
    text = _SEO_REPEAT.sub("", text)
    return _SEO_TITLE_SENTENCE.sub("", text)


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
    # A full stop between digits is a corrupted decimal point (7。6% → 7.6%).
    text = re.sub(r"(?<=\d)。(?=\d)", ".", text)
    return text


def normalize_placeholders(text: str) -> str:
    """Unify placeholders: 20xx年 → ××××年, xx社区 → ××社区, 某某 → ××."""
    text = re.sub(r"20[xX]{2}", "××××", text)
    text = re.sub(r"(?<![A-Za-z])[xX]{2,3}(?![A-Za-z])", "××", text)
    text = text.replace("某某", "××")
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


def clean_text(text: str) -> str:
    """The whole cleaning pipeline for a pasted or downloaded Chinese text."""
    text = normalize_whitespace(strip_control(text))
    text = strip_html(text)
    text = strip_ruby(text)
    text = drop_mojibake_clauses(text)
    text = to_simplified(text)
    text = strip_seo(text)
    text = normalize_placeholders(text)
    text = normalize_punctuation(text)
    return normalize_whitespace(text)
