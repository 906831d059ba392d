"""The minimal page loads and searches (AppTest; the full web app comes with its own issue)."""

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from rag.config import REPO_ROOT, get_settings


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    get_settings.cache_clear()


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PLAN_EMBEDDING", "hash")
    get_settings.cache_clear()
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    yield at
    get_settings.cache_clear()


def test_page_loads_and_asks_for_a_query(app):
    assert not app.exception
    assert app.title[0].value == "社区工作计划助手"
    app.button[0].click().run()
    assert "请输入要检索的内容" in app.warning[0].value


def test_search_on_an_empty_library_says_what_to_do(app):
    app.text_input(key="query").input("春节走访慰问")
    app.button[0].click().run()
    assert not app.exception
    assert any("python -m rag ingest" in i.value for i in app.info), [
        e.value for e in (*app.info, *app.warning, *app.error)
    ]


def test_search_shows_passages_as_plain_text(tmp_path, monkeypatch):
    from rag.embeddings import HashEmbeddingFunction
    from rag.index import ChunkStore
    from rag.ingest import ingest

    monkeypatch.setenv("PLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PLAN_EMBEDDING", "hash")
    get_settings.cache_clear()
    ingest(
        [REPO_ROOT / "data" / "corpus" / "shuangyong_01.md"],
        ChunkStore.open(get_settings(), HashEmbeddingFunction()),
    )
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.text_input(key="query").input("退役军人服务站")
    at.button[0].click().run()
    assert not at.exception
    shown = "\n".join(t.value for t in at.text)
    assert "退役军人服务站" in shown and "双拥工作计划" in shown
    get_settings.cache_clear()
