"""The one place the engine's components are built from settings: the sample library (index
and retriever), the draft store, and the section writer (the offline composer, or a model
from the environment or from one browser session's own fields). The CLI and the UI both
build through here; the logic modules take these components as arguments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rag.config import Settings
from rag.drafting.composer.compose import Composer
from rag.drafting.model.providers import (
    NO_KEY,
    PROVIDERS,
    LLMConfig,
    endpoint,
    llm_config,
    llm_options,
    make_llm_config,
)
from rag.drafting.model.writer import ModelWriter
from rag.drafting.writer import SectionWriter
from rag.errors import ConfigError, PlanError
from rag.plan.store import DraftStore, SQLiteDraftStore
from rag.signin import SignIns

if TYPE_CHECKING:  # the index (chromadb) is imported when a library is opened, not before
    from rag.index.embeddings import EmbeddingFunction
    from rag.index.retrieve import Retriever
    from rag.index.store import ChunkStore


@dataclass(frozen=True)
class Library:
    """The index of sample passages and the retriever over it."""

    store: ChunkStore
    retriever: Retriever

    @property
    def semantic(self) -> bool:
        """False when the dense side is lexical hashing (no e5 on this machine)."""
        from rag.index.embeddings import is_semantic

        return is_semantic(self.store.embedding_function)


def open_library(
    settings: Settings, embedding_function: EmbeddingFunction | None = None
) -> Library:
    """The configured index (local folder or Chroma server) with its retriever."""
    from rag.index.retrieve import Retriever
    from rag.index.store import ChunkStore

    store = ChunkStore.open(settings, embedding_function)
    return Library(store, Retriever(store))


def open_draft_store(settings: Settings, owner: str = "") -> DraftStore:
    """The configured draft store, scoped to an owner ("" without accounts): PostgreSQL when
    PLAN_DATABASE_URL is set, else SQLite under the data folder."""
    if settings.database_url:
        from rag.plan.pgstore import PostgresDraftStore

        return PostgresDraftStore(settings.database_url.get_secret_value(), owner)
    return SQLiteDraftStore(Path(settings.data_dir) / "drafts.sqlite3", owner)


def open_sign_ins(settings: Settings, store: DraftStore | None = None) -> SignIns:
    """Password sessions and wrong-password counts, in the drafts database (`store`'s, or
    the configured one)."""
    return SignIns(store or open_draft_store(settings), hours=settings.session_hours)


@dataclass(frozen=True)
class ModelChoice:
    """The model fields one browser session typed; an empty field falls back to `.env`
    when the provider is the same as there (the key only for the same base URL too)."""

    provider: str
    model: str = ""
    base_url: str = ""
    api_key: str = ""


def model_config(settings: Settings, choice: ModelChoice | None = None) -> LLMConfig | None:
    """The model to draft with: the environment's (None when it configures none), or a
    session's choice merged with it. A missing or unusable piece is a ConfigError."""
    if choice is None:
        return llm_config(settings)
    try:
        env = llm_config(settings)
    except PlanError:  # the session's fields must then say everything
        env = None
    same_provider = env is not None and env.provider == choice.provider
    base_url = endpoint(choice.base_url)
    # The environment's key belongs to the environment's endpoint: it never goes elsewhere.
    env_endpoint = same_provider and base_url in ("", env.base_url)
    key = choice.api_key.strip() or (env.api_key if env_endpoint else None)
    if same_provider and not env_endpoint and not key and PROVIDERS[env.provider].needs_key:
        raise ConfigError(
            "您填写了另一个接口地址：服务器配置的 API Key 只发往服务器配置的接口地址。"
            "请在“API Key”中填写这个接口地址的密钥，或清空接口地址以使用服务器的配置。"
        )
    return make_llm_config(
        choice.provider,
        choice.model.strip() or (env.model if same_provider else None),
        base_url or (env.base_url if same_provider else None),
        None if key == NO_KEY else key,
        **llm_options(settings),
    )


def make_writer(config: LLMConfig | None) -> SectionWriter:
    """The offline composer when no model is configured, else a model writer (built per call,
    never shared: it may carry one user's key)."""
    return Composer() if config is None else ModelWriter(config)
