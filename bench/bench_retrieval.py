"""Ingest throughput and query latency at about 1k, 10k and 50k chunks.

Synthetic chunks are recombined from the real corpus's sentences. Embedding every synthetic
chunk with e5 would take hours at 50k, so each sentence is embedded once with the real model
and a piece's vector is the normalised mean of its sentences' vectors; e5's own throughput is
measured separately on real chunks and combined into the end-to-end ingest figure.

Run: .venv/bin/python bench/bench_retrieval.py [--sizes 1000 10000 50000]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.config import REPO_ROOT, Settings
from rag.index.embeddings import E5EmbeddingFunction
from rag.index.evaluate import load_queries
from rag.index.ingest import chunk_metadata
from rag.index.retrieve import Retriever, vector_pieces
from rag.index.store import ChunkStore, chunk_id
from rag.library.chunking import Chunk, chunk_document
from rag.library.corpus import parse_corpus_text

SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]")
TOPICS = "shuangyong zongzhi leifeng wenming dangjian laoling jindu xiaofang huanjing jiuye yingji weichengnian".split()
ROLES = ["指导思想", "目标", "任务措施", "任务措施", "任务措施", "安排", "保障"]


class _Src:
    def __init__(self, source_id):
        self.source_id, self.path = source_id, f"/bench/{source_id}.md"


def corpus_sentences() -> list[str]:
    out = []
    for path in sorted((REPO_ROOT / "data" / "corpus").glob("*.md")):
        body = parse_corpus_text(path.read_text(encoding="utf-8"), path.stem).body
        out.extend(s for s in SENTENCE.findall(body) if 8 <= len(s) <= 200)
    return sorted(set(out))


def synthetic_chunks(n: int, sentences: list[str], rng: random.Random) -> list[Chunk]:
    chunks = []
    for i in range(n):
        topic, role = rng.choice(TOPICS), rng.choice(ROLES)
        lines, size = [], 0
        while size < rng.randint(250, 650):
            line = "".join(rng.sample(sentences, rng.randint(1, 3)))
            lines.append(line)
            size += len(line)
        doc = f"syn{i // 20:05d}"
        chunks.append(
            Chunk(
                doc,
                f"××社区××××年{topic}工作计划",
                "计划",
                topic,
                "bench",
                "三、主要任务",
                role,
                i % 20,
                "\n".join(lines),
            )
        )
    return chunks


def piece_vector(piece: str, vectors: dict[str, np.ndarray]) -> np.ndarray:
    parts = [vectors[s] for s in SENTENCE.findall(piece) if s in vectors]
    mean = np.mean(parts, axis=0) if parts else next(iter(vectors.values()))
    return mean / np.linalg.norm(mean)


def ingest_synthetic(store: ChunkStore, chunks: list[Chunk], vectors) -> float:
    """Write chunks as sources of 20 (like files), 50 sources per write; returns seconds."""
    start = time.perf_counter()
    batch = []
    for s in range(0, len(chunks), 20):
        group = chunks[s : s + 20]
        source = _Src(group[0].doc_id)
        metas = [chunk_metadata(c, source, "bench") for c in group]
        pieces = [
            [(p, piece_vector(p, vectors)) for p in vector_pieces(m, c.text)]
            for c, m in zip(group, metas, strict=True)
        ]
        batch.append((source.source_id, group, metas, pieces))
        if len(batch) == 50:
            store.replace_sources(batch)
            batch = []
    if batch:
        store.replace_sources(batch)
    return time.perf_counter() - start


def baseline_write(store: ChunkStore, chunks: list[Chunk], vectors) -> float:
    """Chroma's own write speed for the same chunks: one vector each, no tokenising."""
    col = store.client.get_or_create_collection(
        "bench_baseline", embedding_function=store.embedding_function
    )
    start = time.perf_counter()
    for s in range(0, len(chunks), 1000):
        group = chunks[s : s + 1000]
        col.add(
            ids=[chunk_id(c.doc_id, c.position) for c in group],
            documents=[c.text for c in group],
            embeddings=np.asarray([piece_vector(c.text, vectors) for c in group], dtype=np.float32),
        )
    return time.perf_counter() - start


MODES = ("hybrid", "bm25", "dense", "e5 query")


def latency(retriever: Retriever, queries: list[str]) -> dict[str, tuple[float, float]]:
    """(p50, p95) ms per mode, and of the e5 query embedding alone. The modes take turns on
    each query, so a burst of load on the shared machine falls on all of them alike; the
    query-vector memo is emptied before each search, so every query is embedded cold."""
    ef = retriever.store.embedding_function
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    for q in queries:
        for mode in MODES:
            retriever.query_vectors.clear()
            start = time.perf_counter()
            if mode == "e5 query":
                ef.embed_query([q])
            else:
                retriever.search(q, k=5, mode=mode)
            times[mode].append((time.perf_counter() - start) * 1000)
    out = {}
    for mode, values in times.items():
        values.sort()
        out[mode] = (statistics.median(values), values[int(0.95 * (len(values) - 1))])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    args = parser.parse_args()
    rng = random.Random(42)
    ef = E5EmbeddingFunction()

    real = [
        c
        for p in sorted((REPO_ROOT / "data" / "corpus").glob("*.md"))[:12]
        for c in chunk_document(parse_corpus_text(p.read_text(encoding="utf-8"), p.stem))
    ][:60]
    start = time.perf_counter()
    n_pieces = 0
    for c in real:
        pieces = vector_pieces({"title": c.title}, c.text)
        n_pieces += len(pieces)
        ef(pieces)
    embed_rate = len(real) / (time.perf_counter() - start)
    print(
        f"e5 embedding on real chunks: {embed_rate:.1f} chunks/s ({n_pieces} pieces for {len(real)} chunks)"
    )

    sentences = corpus_sentences()
    start = time.perf_counter()
    vectors = dict(zip(sentences, ef(sentences), strict=True))
    print(
        f"embedded {len(sentences)} corpus sentences in {time.perf_counter() - start:.1f}s (setup)"
    )
    queries = [
        q.query for q in load_queries(REPO_ROOT / "tests" / "data" / "retrieval_queries.yaml")
    ]

    print()
    header = (
        f"{'chunks':>7} | {'store chunks/s':>14} | {'vs chroma add':>13} | {'e2e chunks/s':>12} | "
        f"{'bm25 build s':>12} | {'hybrid p50/p95 ms':>17} | {'bm25 p50/p95 ms':>15} | "
        f"{'dense p50/p95 ms':>16} | {'e5 query p50 ms':>15} | {'hybrid/bm25':>11}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), embedding="e5", collection="bench")
            store = ChunkStore.open(settings, ef)
            chunks = synthetic_chunks(size, sentences, rng)
            seconds = ingest_synthetic(store, chunks, vectors)
            base = baseline_write(store, chunks, vectors)
            store_rate = size / seconds
            e2e = 1 / (1 / store_rate + 1 / embed_rate)
            retriever = Retriever(store)
            start = time.perf_counter()
            retriever.bm25()
            build = time.perf_counter() - start
            retriever.search(queries[0], k=5)  # warm up
            lat = latency(retriever, queries)
            h, b, d, q = (lat[mode] for mode in MODES)
            print(
                f"{size:>7} | {store_rate:>14.0f} | {seconds / base:>12.1f}x | {e2e:>12.1f} | {build:>12.2f} | "
                f"{h[0]:>8.1f}/{h[1]:<8.1f} | {b[0]:>7.1f}/{b[1]:<7.1f} | {d[0]:>8.1f}/{d[1]:<7.1f} | "
                f"{q[0]:>15.1f} | {h[0] / b[0]:>10.1f}x"
            )


if __name__ == "__main__":
    main()
