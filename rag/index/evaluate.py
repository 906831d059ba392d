"""Retrieval quality on a labelled query set: hit@k and MRR, per mode and per topic."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rag.index.retrieve import Retriever


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    topic: str
    answers: tuple[tuple[str, str], ...]  # accepted (document, verbatim phrase) pairs

    def answered_by(self, doc_id: str, text: str) -> bool:
        """Whether a chunk of doc_id with this text is one of the accepted answers."""
        flat = text.replace("\n", "")
        return any(doc_id == doc and phrase in flat for doc, phrase in self.answers)


@dataclass
class EvalResult:
    mode: str
    k: int
    hits: int = 0
    total: int = 0
    reciprocal_ranks: list[float] = field(default_factory=list)
    per_topic: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)

    @property
    def hit_rate(self) -> float:
        return self.hits / self.total if self.total else 0.0

    @property
    def mrr(self) -> float:
        return (
            sum(self.reciprocal_ranks) / len(self.reciprocal_ranks)
            if self.reciprocal_ranks
            else 0.0
        )

    def line(self) -> str:
        return f"{self.mode:<7} hit@{self.k} = {self.hit_rate:.3f}  MRR@10 = {self.mrr:.3f}  (n={self.total})"


def load_queries(path: Path) -> list[LabelledQuery]:
    """Entries name docs + expect (one phrase in each doc) and/or answers: [{doc, expect}]."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    queries = []
    for q in data:
        answers = [(doc, q["expect"]) for doc in q.get("docs", ())]
        answers += [(a["doc"], a["expect"]) for a in q.get("answers", ())]
        queries.append(LabelledQuery(q["query"], q["topic"], tuple(answers)))
    return queries


def evaluate(
    retriever: Retriever, queries: list[LabelledQuery], mode: str, k: int = 5
) -> EvalResult:
    """Run every query unfiltered; a hit is a chunk of an accepted document with its phrase."""
    result = EvalResult(mode=mode, k=k)
    for q in queries:
        hits = retriever.search(q.query, k=max(k, 10), mode=mode)
        ranks = [rank for rank, h in enumerate(hits, 1) if q.answered_by(h.doc_id, h.text)]
        first = ranks[0] if ranks else None
        ok = first is not None and first <= k
        result.total += 1
        result.hits += ok
        result.reciprocal_ranks.append(1.0 / first if first else 0.0)
        result.per_topic[q.topic][0] += ok
        result.per_topic[q.topic][1] += 1
        if not ok:
            result.misses.append(f"{q.query} → {[h.doc_id for h in hits[:k]]}")
    return result
