"""Session-state keys, initialised in one place, and the resources shared by all sessions."""

from __future__ import annotations

import streamlit as st

from rag.config import get_settings

PAGE = "page"
DRAFT_ID = "draft_id"
FORM_ERRORS = "form_errors"
FLASH = "flash"  # messages to show once after a rerun: [(kind, text)]
LLM_MODE = "llm_mode"
LLM_PROVIDER = "llm_provider"
LLM_MODEL = "llm_model"
LLM_BASE_URL = "llm_base_url"
LLM_API_KEY = "llm_api_key"  # typed in this session only: never saved, logged or exported
UPLOAD = "upload_preview"

PAGES = ("起草", "我的草稿", "范文库")
OFFLINE = "离线组合（不需要网络和密钥）"
MODEL = "调用模型"


def init_state() -> None:
    """Every key this app keeps, with its default, set once per session."""
    from rag.errors import PlanError
    from rag.llm import llm_config

    try:
        env_model = llm_config(get_settings())
    except PlanError:  # a broken environment setting is reported on the settings panel
        env_model = None
    defaults = {
        PAGE: PAGES[0],
        DRAFT_ID: None,
        FORM_ERRORS: {},
        FLASH: [],
        LLM_MODE: MODEL if env_model else OFFLINE,
        LLM_PROVIDER: env_model.provider if env_model else "deepseek",
        LLM_MODEL: "",
        LLM_BASE_URL: "",
        LLM_API_KEY: "",
        UPLOAD: None,
    }
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value


def flash(kind: str, text: str) -> None:
    """A message for the next run (after st.rerun)."""
    st.session_state[FLASH].append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state[FLASH]:
        getattr(st, kind)(text)
    st.session_state[FLASH] = []


@st.cache_resource(show_spinner="正在加载范文库……")
def library():
    """(ChunkStore, Retriever) shared by every session: thread-safe and holds no user data."""
    from rag.embeddings import is_semantic
    from rag.index import ChunkStore
    from rag.retrieve import Retriever

    store = ChunkStore.open(get_settings())
    return store, Retriever(store, semantic=is_semantic(store.embedding_function))


@st.cache_resource
def draft_store():
    """The drafts database (a connection per call, so sessions never share one)."""
    from rag.drafts import open_draft_store

    return open_draft_store(get_settings())


@st.cache_resource
def composer():
    from rag.compose import Composer

    return Composer()


@st.cache_data(show_spinner=False)
def topic_names() -> dict[str, str]:
    from rag.outlines import load_outlines

    return {key: o.name for key, o in load_outlines().items()}


@st.cache_resource(show_spinner=False)
def warm_up() -> bool:
    """Load the embedding model and build BM25 once, after the first page is on screen,
    so the first "生成计划" does not pay for them."""
    from rag.errors import PlanError

    _, retriever = library()
    try:
        retriever.search("社区工作计划", k=1)
    except PlanError:  # an unusable index is reported where it is used, with what to do
        return False
    return True
