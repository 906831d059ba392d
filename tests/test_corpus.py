"""The committed corpus: seed files in step with the raw page, authored files valid and varied."""

import re
from collections import Counter, defaultdict

import pytest

from rag.library.classify import classify_kind, classify_topic
from rag.library.corpus import KINDS, documents_from_text, parse_corpus_text
from rag.plan.outlines import load_outlines
from rag.text.clean import has_pinyin, has_traditional
from rag.text.zh import numbering_problems
from tests.conftest import CORPUS, SEED_RAW

FILES = sorted(CORPUS.glob("*.md"))
DOCS = {p.stem: parse_corpus_text(p.read_text(encoding="utf-8"), p.stem) for p in FILES}
AUTHORED = {k: d for k, d in DOCS.items() if d.source == "本项目编写"}
OUTLINES = load_outlines()


def test_seed_corpus_is_what_the_pipeline_makes_of_the_raw_page():
    docs = documents_from_text(
        SEED_RAW.read_text(encoding="utf-8"), "网页 000_072645984c6080c5.txt", "seed"
    )
    assert [d.doc_id for d in docs] == sorted(k for k in DOCS if k.startswith("seed_"))
    for doc in docs:
        assert (CORPUS / f"{doc.doc_id}.md").read_text(encoding="utf-8") == doc.render(), doc.doc_id


@pytest.mark.parametrize("doc", DOCS.values(), ids=DOCS.keys())
def test_every_corpus_file_is_valid(doc):
    assert doc.title and doc.source
    assert doc.kind in KINDS
    assert doc.topic in OUTLINES
    assert not has_traditional(doc.body)
    assert not has_pinyin(doc.body)


@pytest.mark.parametrize("doc", AUTHORED.values(), ids=AUTHORED.keys())
def test_authored_files_are_clean_and_well_numbered(doc):
    assert 900 <= len(doc.body.replace("\n", "")) <= 2500
    assert not re.search(r"[xX]{2}|20[xX]{2}|某某", doc.body + doc.title)
    assert not re.search(r"^\s*(#|\*|- )", doc.body, re.M), "Markdown syntax in the body"
    assert numbering_problems(doc.body) == []
    assert doc.community_type in {"老城区", "新建商品房小区", "村改居", "单位型社区", "城乡结合部"}


def test_library_covers_every_plan_type():
    plans = Counter(d.topic for d in AUTHORED.values() if d.kind == "计划")
    others = [d for d in AUTHORED.values() if d.kind != "计划"]
    plan_types = set(OUTLINES) - {"shequ"}
    assert len(plan_types) >= 12
    for topic in plan_types | {"shequ"}:
        assert plans[topic] >= 12, topic
    assert sum(plans.values()) >= 160
    assert len(others) >= 6
    assert {d.kind for d in others} >= {"总结", "方案"}


def _paragraphs(body: str) -> list[str]:
    # Headings such as 一、指导思想 are shared by design; paragraphs are the longer lines.
    return [line for line in body.split("\n") if len(line) > 20]


def _sentences(body: str) -> set[str]:
    return {s for s in re.split(r"(?<=[。！？；])", body.replace("\n", "")) if len(s) > 20}


def _line_sentences(body: str, at_least: int = 12) -> set[str]:
    """Sentences of at least 12 characters, each within its line (a heading stays apart)."""
    return {
        s.strip()
        for line in body.split("\n")
        for s in re.split(r"(?<=[。！？；])", line)
        if len(s.strip()) >= at_least
    }


def _found_in_more_than(units_of, limit: int) -> dict[str, list[str]]:
    """Units (paragraphs, sentences) that more than `limit` files contain, with those files."""
    owners = defaultdict(set)
    for key, doc in DOCS.items():
        for unit in units_of(doc.body):
            owners[unit].add(key)
    return {u[:30]: sorted(o) for u, o in owners.items() if len(o) > limit}


def test_no_shared_paragraphs_or_repeated_long_sentences():
    assert _found_in_more_than(_paragraphs, 1) == {}
    assert _found_in_more_than(_sentences, 2) == {}
    assert _found_in_more_than(_line_sentences, 2) == {}


@pytest.mark.parametrize("doc", AUTHORED.values(), ids=AUTHORED.keys())
def test_classifier_recognises_authored_files(doc):
    assert classify_topic(doc.body, OUTLINES) == doc.topic
    assert classify_kind(doc.body) == doc.kind
