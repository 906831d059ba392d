"""Hybrid retrieval: dense (Chroma) + BM25 (jieba tokens) fused by reciprocal rank fusion."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass

import numpy as np

from rag.errors import PlanError
from rag.index.progress import KEYWORDS, NO_PROGRESS, Progress
from rag.index.store import ChunkStore
from rag.index.terms import doc_texts, rare_terms_of
from rag.library.chunking import context_text
from rag.plan.specifics import quoted_terms
from rag.text.tokens import TOKENIZER_VERSION, tokenize

RRF_K = 60
SHINGLE_MEMO = 512  # chunks whose 4-gram sets are kept between queries (about 60 KB each)
QUERY_MEMO = 256  # query vectors kept: drafting asks one query with other filters up to 3 times
DENSE_WEIGHT = 1.0
PIECE_CHARS = 250  # characters per embedded piece (e5 cost grows with length)
MODES = ("hybrid", "dense", "bm25")
# Chunk metadata a search can be restricted by (values: one or a list of allowed ones).
FILTER_FIELDS = ("topic", "kind", "role", "community_type")


@dataclass(frozen=True)
class Hit:
    id: str
    text: str
    score: float
    doc_id: str
    title: str
    topic: str
    kind: str
    section: str
    role: str
    position: int
    source_id: str
    community_type: str = ""  # of the sample's community ("" when it declares none)

    def to_dict(self) -> dict:
        return asdict(self)


def _as_list(value: str | list[str] | tuple[str, ...] | None) -> list[str] | None:
    if value is None or value == "":
        return None
    return [value] if isinstance(value, str) else list(value)


def _filters(filters: dict) -> list[tuple[str, list[str]]]:
    """(field, allowed values) for each metadata field a search is filtered by."""
    return [(f, values) for f in FILTER_FIELDS if (values := _as_list(filters.get(f)))]


def chroma_where(hidden_owners: frozenset[str] = frozenset(), **filters) -> dict | None:
    """A Chroma `where` filter for topic/kind/role/community_type values, leaving out the
    private uploads of `hidden_owners` (a chunk indexed before owners existed is shared)."""
    clauses = [{field: {"$in": values}} for field, values in _filters(filters)]
    if hidden_owners:  # $nin also keeps records that have no owner at all
        clauses.append({"owner": {"$nin": sorted(hidden_owners)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Memo:
    """A small thread-safe least-recently-used map: `get(key, compute)`."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, compute):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute(key)  # outside the lock: two threads may compute one key, both right
        with self._lock:
            self._items[key] = value
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class _Bm25:
    """A BM25 index over everything the store holds, rebuilt when the store's revision moves."""

    def __init__(self, store: ChunkStore, progress: Progress = NO_PROGRESS):
        import bm25s

        self.revision = store.revision()
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.metas: list[dict] = []
        corpus_tokens = []
        total = store.count()
        progress.step(KEYWORDS, 0, total)
        for n, stored in enumerate(store.iter_all(), 1):
            if n % 500 == 0:
                progress.step(KEYWORDS, n, total)
            self.ids.append(stored.id)
            self.texts.append(stored.text)
            self.metas.append(stored.meta)
            if stored.meta.get("tokenizer") == TOKENIZER_VERSION:
                tokens = stored.meta.get("tokens", "").split()
            else:
                meta = stored.meta
                tokens = tokenize(context_text(meta["title"], meta.get("section", ""), stored.text))
            corpus_tokens.append(tokens or ["∅"])
        self.index = bm25s.BM25()
        if corpus_tokens:
            self.index.index(corpus_tokens, show_progress=False)
        self.position = {id_: i for i, id_ in enumerate(self.ids)}
        self._masks: dict[tuple, np.ndarray] = {}
        self._shingles = Memo(SHINGLE_MEMO)
        self._doc_texts: dict[str, str] | None = None
        self._rare_terms: dict[str, frozenset[str]] = {}
        self._terms_lock = threading.Lock()
        users: dict[str, set[str]] = {}
        for text, meta in zip(self.texts, self.metas, strict=True):
            for term in quoted_terms(text):
                users.setdefault(term, set()).add(meta.get("doc_id", ""))
        # a term more than one sample uses is a way of saying things, not one sample's brand
        self.shared_terms = frozenset(t for t, docs in users.items() if len(docs) > 1)
        # the users whose private uploads are in the index
        self.owners = frozenset(m.get("owner", "") for m in self.metas) - {""}
        progress.step(KEYWORDS, total, total)

    def rare_terms(self, doc_id: str) -> frozenset[str]:
        """A document's rare terms (rag.index.terms), worked out when first asked for: its
        own text tagged, the others' only searched."""
        with self._terms_lock:
            if self._doc_texts is None:
                pairs = zip((m.get("doc_id", "") for m in self.metas), self.texts, strict=True)
                self._doc_texts = doc_texts(pairs)
            if doc_id not in self._rare_terms:
                texts = self._doc_texts
                others = (t for d, t in texts.items() if d != doc_id)
                self._rare_terms[doc_id] = rare_terms_of(texts.get(doc_id, ""), others)
            return self._rare_terms[doc_id]

    def shingles(self, id_: str) -> frozenset[str]:
        """A chunk's character 4-grams, kept for the chunks the last queries returned."""
        return self._shingles.get(id_, lambda i: _shingles(self.texts[self.position[i]]))

    def search(
        self, query_tokens: list[str], n: int, mask: np.ndarray | None
    ) -> list[tuple[str, float]]:
        if not self.ids or not query_tokens:
            return []
        scores = self.index.get_scores(query_tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores, kind="stable")[:n]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def mask(self, hidden_owners: frozenset[str] = frozenset(), **filters) -> np.ndarray | None:
        """Which chunks pass the filters and belong to none of `hidden_owners` (None: all);
        cached, as the index is immutable."""
        key = tuple((f, frozenset(v)) for f, v in _filters(filters))
        if not key and not hidden_owners:
            return None
        if (key, hidden_owners) not in self._masks:
            self._masks[key, hidden_owners] = np.array(
                [
                    all(m.get(f) in v for f, v in key) and m.get("owner", "") not in hidden_owners
                    for m in self.metas
                ],
                dtype=bool,
            )
        return self._masks[key, hidden_owners]


def vector_pieces(meta: dict, text: str) -> list[str]:
    """The paragraph-sized pieces of a chunk that get their own vector, each with its title.

    Short lines (headings) join the line after them; long lines are cut between sentences.
    """
    pieces, pending = [], ""
    for line in text.split("\n"):
        line = pending + line
        if len(line) < 30:
            pending = line + "\n"
            continue
        pending = ""
        current = ""
        for sentence in re.findall(r"[^。！？；]+[。！？；”]*", line) or [line]:
            if current and len(current) + len(sentence) > PIECE_CHARS:
                pieces.append(current)
                current = ""
            current += sentence
        pieces.append(current)
    if pending.strip():
        if pieces:
            pieces[-1] += "\n" + pending.strip()
        else:
            pieces.append(pending.strip())
    return [f"{meta.get('title', '')}\n{p}" for p in pieces]


class Retriever:
    """Dense + BM25 retrieval with filters, near-duplicate removal and optional MMR."""

    def __init__(self, store: ChunkStore):
        self.store = store
        self._bm25: _Bm25 | None = None
        self._bm25_lock = threading.Lock()
        self._model_loaded = False
        self.query_vectors = Memo(QUERY_MEMO)

    def scoped(self, owner: str) -> OwnedRetriever:
        """This retriever as one user sees the library: the shared samples and their own
        private uploads, never another user's ("" without accounts: the shared ones)."""
        return OwnedRetriever(self, owner)

    def bm25(self, progress: Progress = NO_PROGRESS) -> _Bm25:
        """The BM25 side, rebuilt if the store changed since it was built."""
        with self._bm25_lock:
            if self._bm25 is None or self._bm25.revision != self.store.revision():
                self._bm25 = _Bm25(self.store, progress)
            return self._bm25

    def ready(self) -> bool:
        """Whether a search now pays neither for the BM25 build nor for loading the model."""
        with self._bm25_lock:
            built = self._bm25 is not None and self._bm25.revision == self.store.revision()
        return built and self._model_loaded

    def warm_up(self, progress: Progress = NO_PROGRESS) -> None:
        """Build the BM25 side and load the embedding model, before the first search."""
        self.bm25(progress)
        self._embed_query("社区工作计划")
        self._model_loaded = True

    def shared_terms(self) -> frozenset[str]:
        """The quoted terms (schemes, slogans, brands) more than one library sample uses."""
        return self.bm25().shared_terms

    def rare_terms(self, doc_id: str) -> frozenset[str]:
        """The words only this library document uses that name something: its places,
        units, brands (what a sentence taken from it must not still say)."""
        return self.bm25().rare_terms(doc_id)

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        topic=None,
        kind=None,
        role=None,
        community_type=None,
        mode: str = "hybrid",
        mmr: float | None = None,
        exclude_ids: set[str] | frozenset[str] = frozenset(),
        owner: str | None = None,
    ) -> list[Hit]:
        """The k best chunks for a query; mode is hybrid, dense or bm25; mmr is λ in (0, 1].

        topic, kind, role and community_type restrict the search to chunks whose metadata
        has that value (or one of a list of values); with an owner, other users' private
        uploads are left out (None: everything is searched)."""
        if mode not in MODES:
            raise PlanError(f"未知的检索方式“{mode}”，可选：{'、'.join(MODES)}。")
        pool = max(4 * k, 40) + len(exclude_ids)
        filters = {
            "topic": topic,
            "kind": kind,
            "role": role,
            "community_type": community_type,
        }
        bm25 = self.bm25()
        # Owners known to this BM25 snapshot; a chunk newer than it is dropped below (only
        # chunks of the snapshot are returned), so another's fresh upload never slips through.
        hidden = bm25.owners - {owner} if owner is not None else frozenset()
        rankings: list[tuple[float, list[str]]] = []
        dense_scores: dict[str, float] = {}
        if mode in ("hybrid", "dense"):
            qvec = self.query_vectors.get(query, self._embed_query)
            dense = self.store.query_dense(qvec, pool, chroma_where(hidden, **filters))
            dense_scores = dict(dense)
            rankings.append((DENSE_WEIGHT, [i for i, _ in dense]))
        if mode in ("hybrid", "bm25"):
            lexical = bm25.search(tokenize(query), pool, bm25.mask(hidden, **filters))
            rankings.append((1.0, [i for i, _ in lexical]))
            if mode == "bm25":
                dense_scores = dict(lexical)
        fused: dict[str, float] = {}
        for weight, ranking in rankings:
            for rank, id_ in enumerate(ranking):
                fused[id_] = fused.get(id_, 0.0) + weight / (RRF_K + rank + 1)
        if mode != "hybrid":
            fused = {i: dense_scores[i] for i in fused}
        ordered = [i for i in sorted(fused, key=lambda i: (-fused[i], i)) if i not in exclude_ids]
        ordered = [i for i in ordered if i in bm25.position]
        # Only the first k chunks (3k for MMR) are used: the rest need no comparing.
        ordered = _drop_near_duplicates(
            ordered, bm25.shingles, limit=3 * k if mmr is not None else k
        )
        if mmr is not None and len(ordered) > k:
            ordered = self._mmr(ordered[: 3 * k], k, mmr, fused)
        hits = []
        for id_ in ordered[:k]:
            meta = bm25.metas[bm25.position[id_]]
            hits.append(
                Hit(
                    id=id_,
                    text=bm25.texts[bm25.position[id_]],
                    score=round(fused[id_], 6),
                    doc_id=meta["doc_id"],
                    title=meta["title"],
                    topic=meta["topic"],
                    kind=meta["kind"],
                    section=meta.get("section", ""),
                    role=meta.get("role", ""),
                    position=int(meta.get("position", 0)),
                    source_id=meta["source_id"],
                    community_type=meta.get("community_type", ""),
                )
            )
        return hits

    def _embed_query(self, query: str):
        return self.store.embedding_function.embed_query([query])[0]

    def _mmr(self, ids: list[str], k: int, lam: float, relevance: dict[str, float]) -> list[str]:
        vectors = self.store.embeddings_of(ids)
        mat = {i: np.asarray(v, dtype=np.float32) for i, v in vectors.items()}
        top = max(relevance[i] for i in ids) or 1.0
        chosen: list[str] = []
        rest = list(ids)
        while rest and len(chosen) < k:

            def gain(i: str) -> float:
                sim = max((float(mat[i] @ mat[j]) for j in chosen), default=0.0)
                return lam * relevance[i] / top - (1 - lam) * sim

            best = max(rest, key=gain)
            chosen.append(best)
            rest.remove(best)
        return chosen + rest


class OwnedRetriever:
    """A Retriever seen by one owner: every search leaves out other users' private uploads."""

    def __init__(self, retriever: Retriever, owner: str):
        self.retriever = retriever
        self.owner = owner

    def search(self, query: str, k: int = 5, **options) -> list[Hit]:
        return self.retriever.search(query, k, **options, owner=self.owner)

    def __getattr__(self, name: str):
        return getattr(self.retriever, name)


def _shingles(text: str, n: int = 4) -> frozenset[str]:
    text = re.sub(r"\W", "", text)
    return frozenset(text[i : i + n] for i in range(max(1, len(text) - n + 1)))


def _drop_near_duplicates(
    ids: list[str], shingles_of, threshold: float = 0.8, limit: int | None = None
) -> list[str]:
    """Keep the first of chunks whose 4-gram Jaccard similarity exceeds the threshold; stop
    once `limit` are kept (what is kept never depends on the ids after it)."""
    kept: list[tuple[str, frozenset[str]]] = []
    for id_ in ids:
        if limit is not None and len(kept) >= limit:
            break
        sh = shingles_of(id_)
        if all(_jaccard(sh, s) < threshold for _, s in kept):
            kept.append((id_, sh))
    return [i for i, _ in kept]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    common = len(a & b)
    return common / max(1, len(a) + len(b) - common)
