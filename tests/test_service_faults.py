"""The shared services failing, at the engine's boundaries: a real PostgreSQL and a real Chroma
server are stopped and started again while the same store, retriever and sign-in objects are
in use (as in a running app). A stopped service is a named error of the project's hierarchy
(DatabaseUnavailable, LibraryUnavailable) whose message names the service and what to do, never
a driver's exception; once the service is back the same objects work again."""

from __future__ import annotations

import psycopg
import pytest

from rag.config import Settings
from rag.errors import DatabaseUnavailable, LibraryUnavailable, ServiceUnavailable
from rag.index.embeddings import HashEmbeddingFunction
from rag.index.ingest import ingest
from rag.index.retrieve import Retriever
from rag.index.store import SERVER_DOWN, ChunkStore
from rag.plan.pgstore import PostgresDraftStore
from rag.signin import SignIns
from tests.conftest import small_corpus
from tests.test_draft_store import a_draft

pytestmark = pytest.mark.slow
QUERY = "退役军人 走访慰问"


def test_a_stopped_drafts_database_is_told_by_name_and_the_same_store_works_when_it_is_back(
    own_postgres,
):
    store = PostgresDraftStore(own_postgres.new_database())
    sign_ins = SignIns(store)
    draft = a_draft()
    draft_id = store.save(draft)
    token = sign_ins.start("alice").token

    own_postgres.pause()
    draft.sections[0].edit("（一）停机期间写下的一段文字。")
    calls = {
        "load": lambda: store.load(draft_id),
        "save": lambda: store.save(draft),
        "list": store.list,
        "delete": lambda: store.delete(draft_id),
        "sign-in check": lambda: sign_ins.user(token),
        "wrong password": lambda: sign_ins.failed("alice"),
    }
    for name, call in calls.items():
        with pytest.raises(DatabaseUnavailable) as caught:
            call()
        message = str(caught.value)
        assert "草稿数据库（PostgreSQL）暂时无法连接" in message, name
        assert "PLAN_DATABASE_URL" in message and "请稍后再试" in message, name
        assert isinstance(caught.value.__cause__, psycopg.Error), name
    with pytest.raises(DatabaseUnavailable):  # a new process starting now is told the same
        PostgresDraftStore(store.url)

    own_postgres.resume()
    store.save(draft)  # the edit made while it was down is saved by the same store
    assert store.load(draft_id).sections[0].text == "（一）停机期间写下的一段文字。"
    assert sign_ins.user(token) == "alice"


def test_a_stopped_chroma_server_is_told_by_name_and_the_same_retriever_works_when_it_is_back(
    own_chroma, tmp_path
):
    settings = Settings(
        data_dir=tmp_path / "data",
        embedding="hash",
        collection="faults",
        chroma_host="127.0.0.1",
        chroma_port=own_chroma.port,
    )
    store = ChunkStore.open(settings, HashEmbeddingFunction())
    ingest([small_corpus(tmp_path / "corpus")], store)
    retriever = Retriever(store).scoped("alice")
    assert retriever.search(QUERY, k=3)

    own_chroma.stop()
    for mode in ("hybrid", "dense"):
        with pytest.raises(LibraryUnavailable) as caught:
            retriever.search(QUERY, k=3, mode=mode)
        assert str(caught.value) == SERVER_DOWN
        assert "Chroma" in SERVER_DOWN and "重建" not in SERVER_DOWN  # the index is not broken
    with pytest.raises(ServiceUnavailable, match="Chroma"):  # opening it now is told alike
        ChunkStore.open(
            settings.model_copy(update={"collection": "other"}), HashEmbeddingFunction()
        )

    own_chroma.start()
    assert [h.id for h in retriever.search(QUERY, k=3)]
