"""jieba, shared by the whole engine: the field's terms, one lock, search tokens and POS tags.

A leaf module: it imports only jieba (lazily), so cutting words never loads the index.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

TOKENIZER_VERSION = "jieba-1"
# Terms of the field jieba would otherwise cut in two.
_DOMAIN_WORDS = (
    "双拥 拥军优属 军烈属 退役军人 退役军人服务站 优抚对象 现役军人 国防教育 征兵 军民共建 "
    "综治 网格化 网格员 矛盾纠纷 群防群治 平安建设 反诈 出租屋 流动人口 学雷锋 志愿服务 "
    "志愿者 新时代文明实践站 文明创建 创文 移风易俗 党建 三会一课 主题党日 在职党员 红色物业 "
    "居家养老 日间照料 老年助餐 高龄津贴 适老化 空巢老人 独居老人 禁毒 吸毒人员 社区戒毒 "
    "社区康复 易制毒 消防 微型消防站 九小场所 电动自行车 疏散演练 垃圾分类 厨余垃圾 "
    "桶边督导 病媒生物 零就业家庭 公益性岗位 灵活就业 春风行动 防汛 应急预案 避难场所 "
    "防灾减灾 关工委 儿童之家 留守儿童 困境儿童 防溺水 居委会 党群服务中心"
).split()
_STOPWORDS = frozenset(
    "的 了 和 与 及 等 是 在 对 为 将 把 由 于 以 并 或 其 之 也 都 而 中 上 下 个 一 "
    "我 我们 社区 工作 开展 进行 加强".split()
)
_TOKEN_OK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# jieba's tokenizer and its POS tagger share state that is not thread-safe.
JIEBA_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def segmenter():
    """jieba with the field's terms added (shared by tokenising and encoding detection)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for word in _DOMAIN_WORDS:
        jieba.add_word(word, freq=20000)
    jieba.initialize()
    return jieba


def tokenize(text: str) -> list[str]:
    """Search tokens: jieba words and sub-words, lower-cased, no stopwords or punctuation."""
    with JIEBA_LOCK:
        words = segmenter().lcut_for_search(text)
    return [w.lower() for w in words if _TOKEN_OK.search(w) and w not in _STOPWORDS]


def tagged(text: str) -> list[tuple[str, str]]:
    """(word, jieba POS tag) pairs: ns is a place, nr a person …"""
    segmenter()
    import jieba.posseg as pseg

    with JIEBA_LOCK:
        return [(p.word, p.flag) for p in pseg.cut(text)]


def word_frequency(word: str) -> int:
    """How common a word is in jieba's dictionary (0 when it is not there)."""
    return segmenter().dt.FREQ.get(word, 0)


def words(text: str) -> list[str]:
    """Dictionary words only (no HMM guesses for unknown words), punctuation included."""
    with JIEBA_LOCK:
        return segmenter().lcut(text, HMM=False)
