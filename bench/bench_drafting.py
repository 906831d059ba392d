"""Drafting speed: model drafting against a local OpenAI-compatible server with a fixed
per-token delay (sequential vs parallel, against the slowest single section), the prompt size
of a full draft and of one regeneration, and offline composing time per plan at ~1k and ~10k
chunks (with the shipped library alone as the same-run baseline).

Run: .venv/bin/python bench/bench_drafting.py [--token-delay 0.004] [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rag.config import REPO_ROOT, Settings
from rag.drafting.composer.compose import Composer
from rag.drafting.model.providers import make_llm_config
from rag.drafting.model.writer import ModelWriter
from rag.drafting.pipeline import draft_sections, new_draft, outline_of, regenerate_section
from rag.index.embeddings import E5EmbeddingFunction, HashEmbeddingFunction
from rag.index.ingest import ingest
from rag.index.retrieve import Retriever
from rag.index.store import ChunkStore
from rag.plan.outlines import load_outlines
from rag.plan.profile import make_profile

sys.path[:0] = [str(REPO_ROOT / "bench"), str(REPO_ROOT)]
from bench_retrieval import corpus_sentences, ingest_synthetic, synthetic_chunks  # noqa: E402

from tests.fake_llm import FakeLLM  # noqa: E402

CORPUS = REPO_ROOT / "data" / "corpus"
PROFILE = {
    "community": "阳光社区",
    "parent": "杭州市西湖区北山街道",
    "year": 2027,
    "households": 2860,
    "population": 7420,
    "facts": {"退役军人": 126, "60周岁以上老年人": 1530},
    "priorities": ["完善网格化服务管理", "加强重点人群关爱服务"],
}
CHARS_PER_TOKEN = 2  # one streamed piece stands for one token of about two Chinese characters


def fake_model(outline, token_delay: float):
    """A local model server answering each section of the outline with its length of text,
    one token per token_delay; and the model settings that reach it."""
    fake = FakeLLM().start()
    for n, section in enumerate(outline.sections):
        fake.add(
            match=f"“{'一二三四五六'[n]}、",
            reply="按计划推进各项工作。" * (section.length // 10),
            piece_chars=CHARS_PER_TOKEN,
            piece_delay=token_delay,
        )
    config = make_llm_config("custom", "bench", fake.base_url, None, timeout=60, concurrency=8)
    return fake, config


def model_bench(token_delay: float) -> None:
    folder = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=folder, embedding="hash", collection="bench_draft")
    store = ChunkStore.open(settings, HashEmbeddingFunction())
    ingest([CORPUS], store)
    retriever = Retriever(store).scoped("")
    profile = make_profile({**PROFILE, "topic": "shuangyong"})
    outline = outline_of(profile)
    fake, config = fake_model(outline, token_delay)
    writer = ModelWriter(config)

    def run(indices=None, concurrency=1) -> float:
        draft = new_draft(profile, writer)
        start = time.perf_counter()
        draft_sections(
            draft, retriever=retriever, writer=writer, concurrency=concurrency, indices=indices
        )
        assert all(s.version.complete for s in draft.sections if s.versions)
        return time.perf_counter() - start

    singles = [run([i]) for i in range(len(outline.sections))]
    slowest = max(singles)
    sequential = run(concurrency=1)
    fake.requests.clear()
    parallel = run(concurrency=len(outline.sections))
    full_chars = sum(sum(len(m["content"]) for m in r["messages"]) for r in fake.requests)
    draft = new_draft(profile, writer)
    draft_sections(draft, retriever=retriever, writer=writer, concurrency=5)
    fake.requests.clear()
    regenerate_section(draft, 2, retriever=retriever, writer=writer, instruction="更具体一些")
    regen_chars = sum(len(m["content"]) for m in fake.requests[0]["messages"])
    fake.stop()
    print(
        f"model drafting, {len(outline.sections)} sections, {token_delay * 1000:.1f} ms per token"
    )
    print(f"  single sections: {', '.join(f'{s:.2f}s' for s in singles)} (slowest {slowest:.2f}s)")
    print(
        f"  sequential full draft: {sequential:.2f}s = {sequential / slowest:.2f}x slowest section"
    )
    print(f"  parallel full draft:   {parallel:.2f}s = {parallel / slowest:.2f}x slowest section")
    print(f"  sent for a full draft: {full_chars} characters in {len(outline.sections)} requests")
    print(f"  sent to regenerate one section: {regen_chars} characters in 1 request")


def composer_times(retriever) -> list[float]:
    writer = Composer()
    times = []
    for key in load_outlines():
        profile = make_profile({**PROFILE, "topic": key})
        start = time.perf_counter()
        draft_sections(new_draft(profile, writer), retriever=retriever, writer=writer)
        times.append(time.perf_counter() - start)
    return times


def composer_bench(sizes: list[int]) -> None:
    ef = E5EmbeddingFunction()
    sentences = corpus_sentences()
    vectors = dict(zip(sentences, ef(sentences), strict=True))
    rng = random.Random(7)
    print("offline composer, one plan of each of the 13 types (e5 + BM25 retrieval)")
    print(
        f"  {'chunks':>7} | {'median s/plan':>13} | {'max s/plan':>10} | {'vs shipped library':>18}"
    )
    baseline = None
    for size in [0, *sizes]:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), embedding="e5", collection="bench_compose")
            store = ChunkStore.open(settings, ef)
            ingest([CORPUS], store)
            real = store.count()
            if size > real:
                ingest_synthetic(store, synthetic_chunks(size - real, sentences, rng), vectors)
            retriever = Retriever(store).scoped("")
            retriever.search("预热", k=1)  # BM25 build and model load are not per plan
            times = composer_times(retriever)
            median = statistics.median(times)
            baseline = baseline or median
            print(
                f"  {store.count():>7} | {median:>13.3f} | {max(times):>10.3f} | "
                f"{median / baseline:>17.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token-delay", type=float, default=0.004)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    model_bench(args.token_delay)
    print()
    composer_bench(args.sizes)


if __name__ == "__main__":
    main()
