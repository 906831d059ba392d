"""范文库: search the library with the same retrieval drafting uses; upload and delete samples."""

from __future__ import annotations

import streamlit as st

from rag.errors import PlanError
from rag.library.corpus import KINDS
from rag.library.uploads import (
    MAX_UPLOAD_BYTES,
    UnreadableUpload,
    list_uploads,
    preview_upload,
)
from rag.plan.outlines import ROLES
from ui import state
from ui.literal import literal

SEARCH_ROLES = ("", *(r for r in ROLES if r != "其他"))


def search_section() -> None:
    names = state.topic_names()
    with st.form("library_search"):
        query = st.text_input(
            "检索范文", key="lib_query", placeholder="例如：春节期间走访慰问军烈属"
        )
        c1, c2, c3 = st.columns(3)
        topic = c1.selectbox(
            "计划类型", ["", *names], key="lib_topic", format_func=lambda k: names.get(k, "全部")
        )
        kind = c2.selectbox("文种", ["", *KINDS], key="lib_kind", format_func=lambda k: k or "全部")
        role = c3.selectbox("章节", SEARCH_ROLES, key="lib_role", format_func=lambda k: k or "全部")
        submitted = st.form_submit_button("检索", key="lib_search")
    if not submitted:
        return
    if not query.strip():
        st.warning("请输入要检索的内容。")
        return
    try:
        hits = state.retriever().search(
            query, k=8, topic=topic or None, kind=kind or None, role=role or None
        )
    except PlanError as e:
        st.error(literal(e))
        return
    if not hits:
        st.info("没有找到相关段落。若范文库还是空的，请先运行 make run 或 python -m rag ingest。")
    for hit in hits:
        with st.container(border=True):
            # Plain text only: sample text is never rendered as Markdown or HTML.
            st.text(
                f"《{hit.title}》 · {hit.section or '开头'} · {hit.kind} · {names.get(hit.topic, hit.topic)}"
            )
            st.text(hit.text)


def upload_section() -> None:
    names = state.topic_names()
    st.subheader("上传自己的范文")
    st.caption(
        f"支持 .txt、.md、.docx，单个文件不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB；"
        "GBK、Big5 等编码会自动识别。保存前会显示清洗后的正文，请核对。"
    )
    # A new key after each save clears the uploader, so a saved file is not offered again.
    upload = st.file_uploader("选择文件", type=["txt", "md", "docx"], key=state.uploader_key())
    if upload is not None and (
        st.session_state[state.UPLOAD] is None
        or st.session_state[state.UPLOAD]["file_id"] != upload.file_id
    ):
        try:
            preview = preview_upload(upload.getvalue(), upload.name)
        except PlanError as e:
            st.error(literal(e))
            return
        st.session_state[state.UPLOAD] = {"file_id": upload.file_id, "preview": preview}
        st.session_state[state.UPLOAD_TEXT] = preview.text
        st.session_state[state.UPLOAD_TITLE] = preview.title
        st.session_state[state.UPLOAD_KIND] = preview.kind
        st.session_state[state.UPLOAD_TOPIC] = preview.topic
    pending = st.session_state[state.UPLOAD]
    if pending is None or upload is None:
        return
    preview = pending["preview"]
    st.text_area("清洗后的正文（可修改）", key=state.UPLOAD_TEXT, height=260)
    c1, c2, c3 = st.columns([2, 1, 1])
    c1.text_input("标题", key=state.UPLOAD_TITLE)
    c2.selectbox("文种", KINDS, key=state.UPLOAD_KIND)
    c3.selectbox("计划类型", list(names), key=state.UPLOAD_TOPIC, format_func=names.get)
    if st.button("保存到范文库", key="up_save", type="primary"):
        from rag.index.ingest import save_upload  # the index loads with the library, not before

        preview.text = st.session_state[state.UPLOAD_TEXT]
        preview.title = st.session_state[state.UPLOAD_TITLE]
        preview.kind = st.session_state[state.UPLOAD_KIND]
        preview.topic = st.session_state[state.UPLOAD_TOPIC]
        try:
            with st.spinner("正在建立索引……"):
                _, report = save_upload(
                    preview, state.library().store, state.get_settings(), owner=state.owner()
                )
        except PlanError as e:
            st.error(literal(e))
            return
        st.session_state[state.UPLOAD] = None
        st.session_state[state.UPLOAD_ROUND] += 1
        private = "，仅您自己可见，管理员加入共享范文库后大家都能用" if state.owner() else ""
        state.flash("success", f"已保存并建立索引{private}：{preview.title}（{report.summary()}）")
        st.rerun()


def uploads_list() -> None:
    """Without accounts: every upload. With accounts: a user's own private uploads; an
    administrator sees every upload and may share a private one with everyone."""
    settings = state.get_settings()
    admin = settings.accounts and state.manages_library()
    docs = list_uploads(settings, owner=None if state.manages_library() else state.owner())
    if not docs:
        return
    st.subheader(f"已上传的范文（{len(docs)}）")
    if settings.accounts and not admin:
        st.caption("您上传的范文只有您自己能检索和使用；管理员加入共享范文库后，大家都能使用。")
    names = state.topic_names()
    for doc in docs:
        c1, c2, c3 = st.columns([5, 1, 1])
        if isinstance(doc, UnreadableUpload):
            c1.warning(literal(f"{doc.doc_id}：{doc.problem}可以点“删除”把它从范文库中移除。"))
        else:
            whose = ""
            if admin:
                whose = f" · {doc.owner} 上传，未共享" if doc.owner else " · 共享"
            c1.text(
                f"{doc.title} · {doc.kind} · {names.get(doc.topic, doc.topic)} · {doc.source}{whose}"
            )
            if admin and doc.owner:
                c3.button(
                    "加入共享范文库",
                    key=f"share_upload_{doc.doc_id}",
                    on_click=_library_change,
                    args=("share_upload", doc, f"已加入共享范文库：{doc.title}"),
                )
        c2.button(
            "删除",
            key=f"del_upload_{doc.doc_id}",
            on_click=_library_change,
            args=("delete_upload", doc, f"已删除：{doc.title}"),
        )


def _library_change(action: str, doc, done: str) -> None:
    """Delete or share an upload (the index is imported with the library, not before)."""
    from rag.index import ingest

    settings = state.get_settings()
    try:
        if action == "share_upload":
            ingest.share_upload(doc.doc_id, state.library().store, settings)
        else:
            owner = None if state.manages_library() else state.owner()
            ingest.delete_upload(doc.doc_id, state.library().store, settings, owner=owner)
    except PlanError as e:
        state.flash("error", str(e))
        return
    state.flash("success", done)


def page() -> None:
    st.header("范文库")
    search_section()
    st.divider()
    upload_section()
    uploads_list()
