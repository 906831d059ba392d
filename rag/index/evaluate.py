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
    expect: str
    docs: tuple[str, ...]


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
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [LabelledQuery(q["query"], q["topic"], q["expect"], tuple(q["docs"])) for q in data]


def evaluate(
    retriever: Retriever, queries: list[LabelledQuery], mode: str, k: int = 5
) -> EvalResult:
    """Run every query unfiltered; a hit is a chunk of a listed document containing the phrase."""
    result = EvalResult(mode=mode, k=k)
    for q in queries:
        hits = retriever.search(q.query, k=max(k, 10), mode=mode)
        ranks = [
            rank
            for rank, h in enumerate(hits, 1)
            if h.doc_id in q.docs and q.expect in h.text.replace("\n", "")
        ]
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
