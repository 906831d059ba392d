"""Session-state keys, initialised in one place, and the resources shared by all sessions.

Every key the pages read or write in st.session_state is named here: fixed keys as
constants, per-draft and per-section widget keys by the functions below.
"""

from __future__ import annotations

import streamlit as st

from rag.config import get_settings
from rag.errors import PlanError
from rag.factory import (
    Library,
    ModelChoice,
    make_writer,
    model_config,
    open_draft_store,
    open_sign_ins,
)
from rag.factory import open_library as _open_library
from rag.plan.outlines import load_outlines
from ui.literal import literal
from ui.progress import BarProgress

PAGE = "page"
USER = "user"  # the signed-in user's name: the owner of their drafts and uploads ("": no accounts)
USER_ROLE = "user_role"  # user or admin (an administrator shares uploads with everyone)
SIGN_IN = "sign_in"  # the token of this page's password sign-in (checked on every run)
DRAFT_ID = "draft_id"
SHOWN_DRAFT = "shown_draft"  # the draft as the page last drew it (drawn while the database is down)
UNSAVED = "unsaved"  # SHOWN_DRAFT holds changes the database has not taken yet
FORM_ERRORS = "form_errors"
FORM_OWNER = "form_for"  # the draft whose profile fills the form (None: a new one)
FLASH = "flash"  # messages to show once after a rerun: [(kind, text)]
CONFIRM_DELETE = "confirm_delete"  # the draft whose 删除 waits for a confirmation
LLM_MODE = "llm_mode"
LLM_PROVIDER = "llm_provider"
LLM_MODEL = "llm_model"
LLM_BASE_URL = "llm_base_url"
LLM_API_KEY = "llm_api_key"  # typed in this session only: never saved, logged or exported
UPLOAD = "upload_preview"
UPLOAD_ROUND = "upload_round"  # a new uploader key after each save clears the uploader
UPLOAD_TEXT = "up_text"
UPLOAD_TITLE = "up_title"
UPLOAD_KIND = "up_kind"
UPLOAD_TOPIC = "up_topic"
PREVIOUS_FILE = "form_previous"  # last year's plan attached on the form (an uploader)
BATCH_TABLE = "batch_table"  # the table of communities (an uploader)
BATCH_TOPIC = "batch_topic"
BATCH_YEAR = "batch_year"
BATCH_RESULT = "batch_result"  # the last batch of this session: (output folder, results)
PASTE = "paste_import"  # a pasted page, cleaned and split: (RawImport, [UploadPreview])
PASTE_ROUND = "paste_round"  # a new text area after each save empties it

PAGES = ("起草", "我的草稿", "批量起草", "范文库")
OFFLINE = "离线组合（不需要网络和密钥）"
MODEL = "调用模型"


def form_key(field: str) -> str:
    """The form widget of a profile field."""
    return f"form_{field}"


def section_key(kind: str, draft_id: str, index: int, *more: object) -> str:
    """A widget of one section of one draft: lock, text, instr, regen, undo, restore."""
    return "_".join(str(part) for part in (kind, draft_id, index, *more))


def uploader_key() -> str:
    return f"lib_upload_{st.session_state[UPLOAD_ROUND]}"


def paste_key(field: str = "text", index: int | None = None) -> str:
    """The paste area (text) and the widgets of each document found in it."""
    if index is None:
        return f"paste_{field}_{st.session_state[PASTE_ROUND]}"
    return f"paste_{field}_{st.session_state[PASTE_ROUND]}_{index}"


def init_state() -> None:
    """Every key this app keeps, with its default, set once per session."""
    try:
        env_model = model_config(get_settings())
    except PlanError:  # a broken environment setting is reported on the settings panel
        env_model = None
    defaults = {
        PAGE: PAGES[0],
        USER: "",
        USER_ROLE: "user",
        SIGN_IN: None,
        DRAFT_ID: None,
        SHOWN_DRAFT: None,
        UNSAVED: False,
        FORM_ERRORS: {},
        FORM_OWNER: None,
        FLASH: [],
        CONFIRM_DELETE: None,
        LLM_MODE: MODEL if env_model else OFFLINE,
        LLM_PROVIDER: env_model.provider if env_model else "deepseek",
        LLM_MODEL: "",
        LLM_BASE_URL: "",
        LLM_API_KEY: "",
        UPLOAD: None,
        UPLOAD_ROUND: 0,
        BATCH_TOPIC: "",
        BATCH_YEAR: 0,
        BATCH_RESULT: None,
        PASTE: None,
        PASTE_ROUND: 0,
    }
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value


def flash(kind: str, text: str) -> None:
    """A message for the next run (after st.rerun)."""
    st.session_state[FLASH].append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state[FLASH]:
        getattr(st, kind)(literal(text))  # messages carry titles, names and errors
    st.session_state[FLASH] = []


def writer():
    """The section writer for this session: the composer, or a model from this session's
    fields merged with `.env` (built per call, never cached: it may carry this user's key)."""
    s = st.session_state
    if s[LLM_MODE] == OFFLINE:
        return make_writer(None)
    choice = ModelChoice(s[LLM_PROVIDER], s[LLM_MODEL], s[LLM_BASE_URL], s[LLM_API_KEY])
    return make_writer(model_config(get_settings(), choice))


@st.cache_resource(show_spinner="正在加载范文库……")
def library() -> Library:
    """The index and retriever shared by every session: thread-safe and holds no user data."""
    return _open_library(get_settings())


def owner() -> str:
    """Whose drafts and uploads this session sees: the signed-in user ("" without accounts)."""
    return st.session_state[USER]


def manages_library() -> bool:
    """May delete shared uploads and share private ones: an administrator, or the one user of
    an app without accounts."""
    return not get_settings().accounts or st.session_state[USER_ROLE] == "admin"


@st.cache_resource
def _draft_store():
    """The drafts database (a connection per call, so sessions never share one)."""
    return open_draft_store(get_settings())


@st.cache_resource
def sign_ins():
    """Password sessions and wrong-password counts, in the drafts database."""
    return open_sign_ins(get_settings(), _draft_store())


def draft_store():
    """The drafts of this session's user only (another's are neither listed nor opened)."""
    return _draft_store().scoped(owner())


def retriever():
    """The library as this session's user sees it: shared samples and their own uploads."""
    return library().retriever.scoped(owner())


@st.cache_data(show_spinner=False)
def topic_names() -> dict[str, str]:
    return {key: o.name for key, o in load_outlines().items()}


def warm_up(notice) -> None:
    """Load the embedding model and build BM25 after the page is on screen (and again after
    the library changed), with a bar in `notice` (a placeholder at the top of the page), so
    the first "生成计划" does not pay for them. An unusable index is told there instead,
    with what to do, and tried again next run."""
    try:
        retriever = library().retriever
        if retriever.ready():
            return
        bar = notice.progress(0.0, text="正在准备范文库……")
        retriever.warm_up(BarProgress(bar))
        notice.empty()
    except PlanError as e:
        notice.error(literal(e))
