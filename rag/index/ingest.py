"""Ingestion: files → documents → chunks → embeddings → the index, a whole source at a time."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InputFileError, PlanError
from rag.index.progress import NO_PROGRESS, READING, Progress
from rag.index.retrieve import vector_pieces
from rag.index.store import ChunkStore
from rag.index.vector_cache import CACHE_DIR, embed_texts, read_cache
from rag.library.chunking import Chunk, chunk_document
from rag.library.corpus import CorpusDoc, load_path
from rag.library.loaders import SUPPORTED_SUFFIXES
from rag.library.uploads import (
    UploadPreview,
    read_upload,
    shared_document,
    upload_document,
    upload_path,
    write_upload,
)
from rag.text.tokens import TOKENIZER_VERSION, tokenize

log = logging.getLogger(__name__)

# Bumped when what is stored per chunk changes: every source is then written again.
INDEX_LAYOUT = "chunks+piece-vectors+community-type-2"


@dataclass
class IngestReport:
    documents_added: int = 0
    documents_replaced: int = 0
    documents_unchanged: int = 0
    documents_removed: int = 0
    chunks_added: int = 0
    chunks_replaced: int = 0
    chunks_removed: int = 0
    pieces_embedded: int = 0  # texts the embedding model ran on (the rest came from the cache)
    sources: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"文档：新增 {self.documents_added}，替换 {self.documents_replaced}，"
            f"未变 {self.documents_unchanged}，删除 {self.documents_removed}；"
            f"片段：新增 {self.chunks_added}，替换 {self.chunks_replaced}，"
            f"删除 {self.chunks_removed}"
        )


@dataclass(frozen=True)
class Source:
    source_id: str
    path: str
    docs: tuple[CorpusDoc, ...]

    @property
    def digest(self) -> str:
        # Index layout and tokenizer are part of the digest: a change re-embeds every source.
        h = hashlib.sha1(f"{INDEX_LAYOUT}:{TOKENIZER_VERSION}".encode())
        for doc in self.docs:
            h.update(doc.render().encode("utf-8"))
        return h.hexdigest()[:16]

    def chunks(self) -> list[Chunk]:
        return [c for doc in self.docs for c in chunk_document(doc)]

    @property
    def owner(self) -> str:
        """Whose private upload this is ("": the shared library)."""
        return self.docs[0].owner if self.docs else ""


def collect_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(files to read, folders scanned) for the given files and folders."""
    files, folders = [], []
    for path in paths:
        if path.is_dir():
            folders.append(path.resolve())
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file()
                )
            )
        elif path.exists():
            files.append(path)
        else:
            raise InputFileError(f"找不到文件或文件夹：{path}")
    return files, folders


def read_sources(files: list[Path], progress: Progress = NO_PROGRESS) -> list[Source]:
    """Every file read and parsed before anything is written; a bad file stops everything."""
    sources: dict[str, Source] = {}
    for n, path in enumerate(files, 1):
        docs = load_path(path)
        source_id = path.stem
        if source_id in sources:
            raise InputFileError(f"两个文件同名（{path.name}），请改名后再导入。")
        sources[source_id] = Source(source_id, str(path.resolve()), tuple(docs))
        progress.step(READING, n, len(files))
    return list(sources.values())


def chunk_metadata(chunk: Chunk, source: Source, digest: str) -> dict:
    return {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "kind": chunk.kind,
        "topic": chunk.topic,
        "source": chunk.source,
        "source_id": source.source_id,
        "section": chunk.section,
        "role": chunk.role,
        "community_type": chunk.community_type,
        "position": chunk.position,
        "path": source.path,
        "digest": digest,
        "tokenizer": TOKENIZER_VERSION,
        "tokens": " ".join(tokenize(chunk.context_text)),
        "owner": source.owner,
    }


def piece_texts(chunks: list[Chunk], metas: list[dict]) -> list[list[str]]:
    """The texts embedded for each chunk (its paragraph-sized pieces)."""
    return [vector_pieces(m, c.text) for c, m in zip(chunks, metas, strict=True)]


def _embed_pieces(
    store: ChunkStore, planned: list[tuple], cache_dir: Path | None, progress: Progress
) -> tuple[list[list[list[tuple]]], int]:
    """(text, vector) pairs per chunk of each planned source, the shipped library's from its
    cache, the rest embedded in batches; and how many texts the model embedded."""
    texts = [piece_texts(chunks, metas) for _, chunks, metas, _ in planned]
    flat = [t for source in texts for group in source for t in group]
    cache = read_cache(cache_dir) if cache_dir else None
    vectors, embedded = embed_texts(store.embedding_function, flat, cache, progress)
    it = iter(vectors)
    return [[[(t, next(it)) for t in group] for group in source] for source in texts], embedded


def ingest(
    paths: list[Path],
    store: ChunkStore,
    rebuild: bool = False,
    *,
    progress: Progress = NO_PROGRESS,
    cache_dir: Path | None = CACHE_DIR,
) -> IngestReport:
    """Bring the index in line with the given files and folders.

    Vectors the cache in `cache_dir` holds (the shipped library's) are not computed again;
    `progress` hears of reading, embedding and writing."""
    files, folders = collect_files(paths)
    if not files:
        raise InputFileError("没有找到可导入的 .txt、.md 或 .docx 文件。")
    sources = read_sources(files, progress)
    if rebuild:
        store.reset()
    existing = store.sources()
    report = IngestReport()
    planned = []
    for source in sources:
        digest = source.digest
        before = existing.get(source.source_id)
        if before and before["digest"] == digest:
            report.documents_unchanged += len(source.docs)
            continue
        chunks = source.chunks()
        if not chunks:
            raise InputFileError(f"{Path(source.path).name}：没有可切分的正文。")
        metas = [chunk_metadata(c, source, digest) for c in chunks]
        planned.append((source, chunks, metas, bool(before)))
    # Embed everything first, so a failure here leaves the index as it was.
    embedded, report.pieces_embedded = _embed_pieces(store, planned, cache_dir, progress)
    counts = (
        store.replace_sources(
            [
                (source.source_id, chunks, metas, pieces)
                for (source, chunks, metas, _), pieces in zip(planned, embedded, strict=True)
            ],
            progress,
        )
        if planned
        else {}
    )
    for source, _, _, existed in planned:
        added, replaced, removed = counts[source.source_id]
        report.chunks_added += added
        report.chunks_replaced += replaced
        report.chunks_removed += removed
        if existed:
            report.documents_replaced += len(source.docs)
        else:
            report.documents_added += len(source.docs)
        report.sources.append(source.source_id)
    # Sources that came from a scanned folder but whose file is gone.
    seen = {s.source_id for s in sources}
    for source_id, info in existing.items():
        origin = Path(info["path"]) if info["path"] else None
        if source_id in seen or origin is None or origin.exists():
            continue
        if any(folder in origin.parents for folder in folders):
            report.chunks_removed += store.delete_source(source_id)
            report.documents_removed += len(info["docs"])
    return report


def save_upload(
    preview: UploadPreview,
    store: ChunkStore,
    settings,
    owner: str = "",
    progress: Progress = NO_PROGRESS,
) -> tuple[Path, IngestReport]:
    """Write the reviewed upload as a corpus file, private to `owner` ("": shared), and index
    it; returns (path, ingest report).

    Holds the library's write lock throughout. When indexing fails the folder and the index are
    left as they were: a new file is removed (ChunkStore.replace_sources keeps none of its
    chunks, so nothing is retrieved that the list of uploads does not show), and a file the same
    text saved earlier (with other labels) gets its earlier content and chunks back.
    """
    return _save_document(upload_document(preview, owner), store, settings, progress)


def _save_document(
    doc, store: ChunkStore, settings, progress: Progress = NO_PROGRESS
) -> tuple[Path, IngestReport]:
    path = upload_path(doc.doc_id, settings)
    with store.writing():
        previous = path.read_bytes() if path.exists() else None
        write_upload(doc, settings)  # a file that cannot be written stops here, before the index
        try:
            report = ingest([path], store, progress=progress)
        except Exception:
            if previous is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(previous)
                _reindex_previous(path, store)
            raise
    return path, report


def _reindex_previous(path: Path, store: ChunkStore) -> None:
    """After a failed re-save, the earlier file's chunks back; when the index cannot take them
    either, the file stays listed and `python -m rag ingest` indexes it once the index works."""
    try:
        ingest([path], store)
    except Exception:
        log.warning("could not re-index %s after a failed save", path.name, exc_info=True)


def share_upload(doc_id: str, store: ChunkStore, settings) -> tuple[Path, IngestReport]:
    """An administrator's step: a user's private upload joins the shared library (written and
    indexed again with no owner, then its private copy removed)."""
    doc = read_upload(doc_id, settings)
    if not doc.owner:
        return upload_path(doc_id, settings), IngestReport()
    with store.writing():
        saved = _save_document(shared_document(doc), store, settings)
        delete_upload(doc_id, store, settings)
    return saved


def delete_upload(doc_id: str, store: ChunkStore, settings, owner: str | None = None) -> int:
    """Remove an upload's chunks, then its file; returns the chunks removed. With an owner,
    only an upload of that owner's own (another's is not found)."""
    path = upload_path(doc_id, settings)
    if owner is not None:
        read_upload(doc_id, settings, owner)
    with store.writing():
        removed = store.delete_source(doc_id)
        try:
            path.unlink(missing_ok=True)
        except OSError as e:  # e.g. a folder in its place
            raise PlanError(
                f"{doc_id} 已从范文库索引中移除，但文件无法删除（{e.strerror or type(e).__name__}）："
                "请管理员检查上传文件夹。"
            ) from e
    return removed
