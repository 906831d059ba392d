"""What makes a search cheap changes no result: near-duplicate removal that stops early, memoised
shingles and query vectors, and a revision check that trusts this process's own writes."""

from __future__ import annotations

import random
import re
import shutil

import pytest

from rag.index import retrieve
from rag.index.ingest import ingest
from rag.index.retrieve import Retriever, _drop_near_duplicates
from rag.index.store import ChunkStore
from tests.conftest import CORPUS
from tests.test_retrieval import QUERIES


def reference_dedup(ids, text_of, threshold=0.8):
    """Near-duplicate removal as it was before: every id, shingles computed afresh."""

    def shingles(text, n=4):
        text = re.sub(r"\W", "", text)
        return {text[i : i + n] for i in range(max(1, len(text) - n + 1))}

    kept = []
    for id_ in ids:
        sh = shingles(text_of(id_))
        if all(len(sh & s) / max(1, len(sh | s)) < threshold for _, s in kept):
            kept.append((id_, sh))
    return [i for i, _ in kept]


@pytest.fixture
def reference(monkeypatch):
    """Searches as before: full dedup, the store's revision read on every query, and every
    query embedded again."""

    def search(retriever: Retriever, query: str, **kwargs):
        bm25 = retriever.bm25()
        with monkeypatch.context() as m:
            m.setattr(
                retrieve,
                "_drop_near_duplicates",
                lambda ids, _, limit=None: reference_dedup(
                    ids, lambda i: bm25.texts[bm25.position[i]]
                ),
            )
            m.setattr(retriever.store, "recheck_seconds", 0.0)
            retriever.query_vectors.clear()
            return retriever.search(query, **kwargs)

    return search


def test_early_stopping_dedup_keeps_what_the_full_one_keeps():
    rng = random.Random(7)
    base = ["组织开展消防安全检查，排查楼道堆物和电动车违规充电。" * 3 for _ in range(3)]
    texts = {}
    for n in range(60):
        text = rng.choice(base)
        if rng.random() < 0.5:  # a near-duplicate, or a different text
            text = text[: rng.randint(20, len(text))] + "".join(rng.sample("社区党员志愿服务", 4))
        texts[f"c{n}"] = text
    ids = list(texts)
    full = reference_dedup(ids, texts.get)
    assert 1 < len(full) < len(ids)  # the case has duplicates to drop
    for limit in (1, 3, 5, len(full), len(ids)):
        fast = _drop_near_duplicates(ids, lambda i: retrieve._shingles(texts[i]), limit=limit)
        assert fast == full[:limit]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_search_results_are_unchanged(hash_index, reference, mode):
    _, _, retriever = hash_index
    cases = [
        {"k": 5},
        {"k": 8, "mmr": 0.5},
        {"k": 4, "mmr": 0.0},  # λ = 0 still diversifies: 3k are kept for it
        {"k": 3, "topic": "xiaofang"},
        {"k": 4, "role": "任务措施", "kind": ["计划", "方案"]},
    ]
    for q in QUERIES:
        for case in cases:
            fast = retriever.search(q.query, mode=mode, **case)
            assert fast == reference(retriever, q.query, mode=mode, **case), (q.query, case)
            assert retriever.search(q.query, mode=mode, **case) == fast  # memoised: the same


def test_hybrid_results_with_e5_are_unchanged(e5_index, reference):
    _, _, retriever = e5_index
    for q in QUERIES[::3]:
        fast = retriever.search(q.query, k=5)
        assert fast == reference(retriever, q.query, k=5), q.query


def test_writes_through_another_store_object_are_seen_at_once(settings, store, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(CORPUS / "xiaofang_01.md", folder)
    ingest([folder], store)
    retriever = Retriever(store)
    assert not retriever.search("禁毒宣传 罂粟 排查", k=20, mode="bm25", topic="jindu")
    assert store.recheck_seconds > 0  # a local folder: the stored revision is not re-read
    other = ChunkStore.open(settings, store.embedding_function)  # same client, own object
    shutil.copy(CORPUS / "jindu_02.md", folder)
    ingest([folder], other)
    found = retriever.search("禁毒宣传 罂粟 排查", k=20, mode="bm25", topic="jindu")
    assert found and all(h.source_id == "jindu_02" for h in found)
    other.delete_source("jindu_02")
    assert not retriever.search("禁毒宣传 罂粟 排查", k=20, mode="bm25", topic="jindu")


def test_a_server_index_is_asked_for_its_revision_every_time(monkeypatch):
    made = {}

    class Client:  # stands in for the HttpClient: only what ChunkStore.__init__ touches
        def get_or_create_collection(self, name, **_):
            made[name] = True
            return object()

    shared = ChunkStore(Client(), "plan", None, shared=True)
    assert shared.recheck_seconds == 0.0 and set(made) == {"plan", "plan_vectors"}
    assert ChunkStore(Client(), "plan", None).recheck_seconds > 0
