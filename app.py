"""社区工作计划助手: Streamlit UI only (the engine lives in rag/)."""

from __future__ import annotations

import streamlit as st

from rag.config import get_settings
from rag.errors import PlanError


@st.cache_resource(show_spinner="正在加载范文库……")
def get_retriever():
    """The shared, read-only retriever (Chroma client, embedding model, BM25)."""
    from rag.embeddings import is_semantic
    from rag.index import ChunkStore
    from rag.retrieve import Retriever

    store = ChunkStore.open(get_settings())
    return Retriever(store, semantic=is_semantic(store.embedding_function))


@st.cache_data(show_spinner=False)
def topic_names() -> dict[str, str]:
    from rag.outlines import load_outlines

    return {key: o.name for key, o in load_outlines().items()}


def main() -> None:
    st.set_page_config(page_title="社区工作计划助手", page_icon="📝", layout="wide")
    st.title("社区工作计划助手")
    st.caption("检索范文库中的相关段落。起草、修改和导出功能正在建设中。")
    names = topic_names()
    with st.form("search"):
        query = st.text_input(
            "要找什么内容？", key="query", placeholder="例如：春节期间走访慰问军烈属"
        )
        topic = st.selectbox(
            "计划类型", ["", *names], format_func=lambda k: names.get(k, "全部类型"), key="topic"
        )
        submitted = st.form_submit_button("检索")
    if not submitted:
        return
    if not query.strip():
        st.warning("请输入要检索的内容。")
        return
    try:
        retriever = get_retriever()
        if not retriever.semantic:
            st.info("本机无法加载离线向量模型，检索仅按关键词匹配。")
        hits = retriever.search(query, k=5, topic=topic or None)
    except PlanError as e:
        st.error(str(e))
        return
    if not hits:
        st.info(
            "范文库中没有找到相关段落。若尚未建立索引，请先运行 make run 或 python -m rag ingest。"
        )
    for hit in hits:
        with st.container(border=True):
            # Plain text only: sample text is never rendered as Markdown or HTML.
            st.text(f"《{hit.title}》 · {hit.section or '开头'} · {hit.kind}")
            st.text(hit.text)


main()
