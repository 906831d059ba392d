"""Cleaning the seed web page: what must go, and what must survive unchanged."""

import re

import pytest

from rag.library.corpus import documents_from_text, split_compilation
from rag.text.clean import (
    clean_text,
    drop_mojibake_clauses,
    has_pinyin,
    has_traditional,
    normalize_placeholders,
    normalize_punctuation,
    strip_ruby,
)
from tests.conftest import SEED_RAW

RAW = SEED_RAW.read_text(encoding="utf-8")

# (fragment of the raw page, what the cleaned text must contain)
KNOWN = [
    (
        "科學(xué)決策是確保執(zhí)政、施政正確的前提和基礎(chǔ)。",
        "科学决策是确保执政、施政正确的前提和基础。",
    ),
    ("今年發(fā)生刑事案件13宗,其中盜竊案3宗", "今年发生刑事案件13宗，其中盗窃案3宗"),
    (
        "已達到300平方米社區(qū)調(diào)研報告社區(qū)調(diào)研報告。大多數(shù)社區(qū)的年度總開支",
        "已达到300平方米。大多数社区的年度总开支",
    ),
    ("文明(2019最新招商引資情況調(diào)研報告)祥和", "文明祥和"),
    ("“單位人”轉(zhuǎn)為“社會人”社區(qū)調(diào)研報告工作報告。", "“单位人”转为“社会人”。"),
    ("社會公益活動。社區(qū)雙擁工作計劃。\n", "社会公益活动。\n"),
    ("在隧道口新建1個崗?fù)ぁ?/p>", "（2）主动支持派出所的辖区防控建设。\n"),
    ("全市流動人口已近10萬,約占城市總?cè)丝诘?/7。", "全市流动人口已近10万。"),
    ("目前綿陽全市g(shù)dp為560億元", "目前绵阳全市gdp为560亿元"),
    ("1 、充分運用多種宣傳陣地作用", "1.充分运用多种宣传阵地作用"),
    ("確保了xx社區(qū)的平安和諧", "确保了××社区的平安和谐"),
    ("現(xiàn)制定了xx年擁軍優(yōu)屬工作計劃如下", "现制定了××××年拥军优属工作计划如下"),
    ("總體同比去年(14宗)下降了7。6%", "总体同比去年（14宗）下降了7.6%"),
    ("隨著市場經(jīng)濟的不斷發(fā)展和完善", "随着市场经济的不断发展和完善"),
    ("(1)純居民式社區(qū)", "（1）纯居民式社区"),
    ("以“雙擁宣傳教育月”、“國防教育月”為契機", "以“双拥宣传教育月”、“国防教育月”为契机"),
]


@pytest.fixture(scope="module")
def cleaned() -> str:
    return clean_text(RAW)


@pytest.mark.parametrize(("raw", "expected"), KNOWN)
def test_known_sentences_survive_cleaning(cleaned, raw, expected):
    assert raw in RAW  # the fixture really quotes the page
    assert expected in cleaned


def test_no_debris_left(cleaned):
    assert not has_traditional(cleaned)
    assert not has_pinyin(cleaned)
    assert drop_mojibake_clauses(cleaned) == cleaned  # no clause with encoding debris
    assert not re.search(r"</?\w+>|/p>|[?？][a-z]", cleaned)
    assert "调研报告调研报告" not in cleaned and "调研报告工作报告" not in cleaned
    assert "招商引资" not in cleaned
    # No half-width punctuation left next to Chinese characters.
    assert not re.search(r"[\u4e00-\u9fff][,;:?!(]|[,;:?!)][\u4e00-\u9fff]", cleaned)
    assert "xx" not in cleaned.lower()


def test_raw_page_really_has_the_debris():
    assert has_traditional(RAW) and has_pinyin(RAW)
    assert drop_mojibake_clauses(RAW) != RAW  # clauses with encoding debris


def test_page_splits_into_eight_labelled_documents():
    preface, pieces = split_compilation(clean_text(RAW))
    assert len(pieces) == 8
    assert "计划书怎么写" in preface and not any("怎么写" in p for p in pieces)
    docs = documents_from_text(RAW, "seed", "seed")
    labels = [(d.kind, d.topic) for d in docs]
    assert labels == [
        ("调研报告", "shequ"),
        ("总结", "zongzhi"),
        ("计划", "shuangyong"),
        ("调研报告", "shequ"),
        ("计划", "shuangyong"),
        ("计划", "leifeng"),
        ("标语", "wenming"),
        ("计划", "shuangyong"),
    ]


def test_ruby_needs_a_real_syllable():
    assert strip_ruby("社區(qū)工作") == "社區工作"
    assert strip_ruby("支付宝(alipay)") == "支付宝(alipay)"
    assert strip_ruby("見第(3)條") == "見第(3)條"


def test_punctuation_and_placeholders():
    assert normalize_punctuation("开展活动,加强宣传;做好服务") == "开展活动，加强宣传；做好服务"
    assert normalize_punctuation("共1,000元") == "共1,000元"
    assert normalize_punctuation("(一)组织领导") == "（一）组织领导"
    assert normalize_placeholders("xx社区20xx年工作,某某街道") == "××社区××××年工作,××街道"


def test_clean_is_idempotent(cleaned):
    assert clean_text(cleaned) == cleaned
