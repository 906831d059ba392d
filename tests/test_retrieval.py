"""Retrieval quality on the labelled query set, and the retriever's filters and diversity."""

import numpy as np
import pytest

from rag.index.evaluate import evaluate, load_queries
from rag.index.ingest import ingest
from rag.index.retrieve import Retriever
from rag.text.tokens import tokenize
from tests.conftest import CORPUS, REPO_ROOT

QUERIES = load_queries(REPO_ROOT / "tests" / "data" / "retrieval_queries.yaml")


def test_query_set_is_labelled_correctly():
    assert len(QUERIES) >= 30
    for q in QUERIES:
        assert q.answers, q
        for doc, phrase in q.answers:
            assert phrase in (CORPUS / f"{doc}.md").read_text(encoding="utf-8"), (q.query, doc)
    per_topic = {}
    for q in QUERIES:
        per_topic[q.topic] = per_topic.get(q.topic, 0) + 1
    assert len(per_topic) >= 12 and min(per_topic.values()) >= 3


def test_labels_accept_listed_docs_and_further_answers(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "- {query: q, topic: t, expect: 甲乙, docs: [a_01, a_02],"
        " answers: [{doc: b_01, expect: 丙丁}]}\n",
        encoding="utf-8",
    )
    (q,) = load_queries(path)
    assert q.answers == (("a_01", "甲乙"), ("a_02", "甲乙"), ("b_01", "丙丁"))
    assert q.answered_by("a_02", "……甲\n乙……") and q.answered_by("b_01", "丙丁")
    assert not q.answered_by("b_01", "甲乙") and not q.answered_by("c_01", "丙丁")


def test_hybrid_retrieval_quality(e5_index, capsys):
    _, _, retriever = e5_index
    results = {mode: evaluate(retriever, QUERIES, mode) for mode in ("hybrid", "dense", "bm25")}
    with capsys.disabled():
        print("\nretrieval quality on", len(QUERIES), "labelled queries:")
        for r in results.values():
            print("  " + r.line())
    hybrid = results["hybrid"]
    assert hybrid.hit_rate >= 0.9, hybrid.misses
    for topic, (ok, total) in hybrid.per_topic.items():
        assert ok / total >= 2 / 3, (topic, hybrid.misses)
    # Fusion should not be worse than either side alone.
    assert hybrid.mrr >= min(results["dense"].mrr, results["bm25"].mrr)


def test_filters_by_topic_kind_and_role(e5_index):
    _, _, retriever = e5_index
    hits = retriever.search("宣传活动", k=8, topic="jindu", kind="计划", role="安排")
    assert hits
    assert all(h.topic == "jindu" and h.kind == "计划" and h.role == "安排" for h in hits)
    hits = retriever.search("宣传活动", k=5, topic=["jindu", "xiaofang"], mode="bm25")
    assert {h.topic for h in hits} <= {"jindu", "xiaofang"}


def test_results_are_best_first_and_without_near_duplicates(store, tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    text = (CORPUS / "xiaofang_01.md").read_text(encoding="utf-8")
    (folder / "a.md").write_text(text, encoding="utf-8")
    (folder / "b.md").write_text(text.replace("title: ", "title: 副本"), encoding="utf-8")
    ingest([folder], store)
    hits = Retriever(store).search("楼道堆物 电动自行车 充电", k=10)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    texts = [h.text for h in hits]
    assert len(texts) == len(set(texts))  # the copy's identical chunks are dropped


def test_zero_score_bm25_hits_are_dropped(store, tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.md").write_text((CORPUS / "jindu_01.md").read_text(encoding="utf-8"))
    ingest([folder], store)
    assert Retriever(store).search("量子计算机芯片", k=5, mode="bm25") == []


def _mean_pairwise_similarity(store, hits) -> float:
    vectors = store.embeddings_of([h.id for h in hits])
    mat = np.asarray([vectors[h.id] for h in hits], dtype=np.float32)
    sims = mat @ mat.T
    n = len(hits)
    return float((sims.sum() - np.trace(sims)) / (n * (n - 1)))


def test_mmr_diversifies(e5_index):
    _, store, retriever = e5_index
    plain = retriever.search("消防安全检查", k=6)
    diverse = retriever.search("消防安全检查", k=6, mmr=0.3)
    assert len(diverse) == 6
    assert diverse[0].id == plain[0].id  # the most relevant chunk always comes first
    # MMR brings in chunks plain ranking leaves out, and they are less alike each other
    assert {h.id for h in diverse} - {h.id for h in plain}
    assert _mean_pairwise_similarity(store, diverse) < _mean_pairwise_similarity(store, plain)


@pytest.mark.parametrize(
    ("text", "token"),
    [("做好退役军人服务站建设", "退役军人服务站"), ("开展垃圾分类桶边督导", "桶边督导")],
)
def test_tokenizer_keeps_domain_terms(text, token):
    assert token in tokenize(text)
