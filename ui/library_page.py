"""范文库: search the library with the same retrieval drafting uses; upload and delete samples."""

from __future__ import annotations

import streamlit as st

from rag.errors import PlanError
from rag.library.corpus import KINDS
from rag.library.importing import RawImport, import_raw
from rag.library.structure import COMMUNITY
from rag.library.uploads import (
    MAX_UPLOAD_BYTES,
    UnreadableUpload,
    UploadPreview,
    list_uploads,
    pasted_previews,
    preview_upload,
)
from rag.plan.outlines import ROLES
from rag.text.furniture import RULES
from ui import state
from ui.literal import literal
from ui.progress import BarProgress

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


def cleaning_record(found: RawImport) -> None:
    """What cleaning removed, by rule, with the page shown and the removed parts highlighted;
    and the lines that still look wrong."""
    removed = found.removed_by_rule()
    if removed:
        counts = "，".join(f"{RULES.get(r, r)} {len(t)} 处" for r, t in removed.items())
        st.caption(f"清洗时删除了网页附带的内容：{counts}。")
    else:
        st.caption("没有发现需要删除的网页附带内容。")
    with st.expander("查看删除了什么（红色为删除的部分）"):
        lines = []
        for line in found.page.marked:
            parts = [
                f":red-background[{literal(t)}] :gray[（{RULES.get(rule, rule)}）]"
                if rule
                else literal(t)
                for t, rule in line
                if t.strip()
            ]
            if parts:
                lines.append("".join(parts))
        st.markdown("  \n".join(lines) or "（空）")
        if found.preface:
            st.caption("合集开头（第一篇之前的文字）不作为范文保存：")
            st.text(found.preface)
    for why, line in found.suspicious[:10]:
        st.warning(literal(f"请核对（{why}）：{line[:60]}"))


def paste_section() -> None:
    """Text copied from a browser: cleaned, split into documents, labelled, reviewed, saved."""
    st.caption(
        "把网页上的范文全文复制后粘贴到这里：网站的导航、署名、版权、水印等会自动删除，"
        "合集会拆成单篇。保存前请逐篇核对。"
    )
    text = st.text_area("粘贴网页文字", key=state.paste_key(), height=200)
    if st.button("清洗并预览", key="paste_preview"):
        if not text.strip():
            st.warning("请先把网页上的文字粘贴到上面的框里。")
        else:
            found = import_raw(text, "粘贴文本")
            if not found.documents:
                st.error(
                    "清洗后没有剩下可用的正文：请确认粘贴的是范文全文。粘贴的文字仍保留在框中。"
                )
                st.session_state[state.PASTE] = None
            else:
                _start_review(found)
    pending = st.session_state[state.PASTE]
    if pending is None:
        return
    found, previews = pending
    st.success(f"找到 {len(previews)} 篇文档。")
    cleaning_record(found)
    names = state.topic_names()
    for n, (preview, doc) in enumerate(zip(previews, found.documents, strict=True)):
        with st.container(border=True):
            st.text(f"第 {n + 1} 篇")
            c1, c2, c3 = st.columns([2, 1, 1])
            c1.text_input("标题", key=state.paste_key("title", n))
            c2.selectbox("文种", KINDS, key=state.paste_key("kind", n))
            c3.selectbox(
                "计划类型", list(names), key=state.paste_key("topic", n), format_func=names.get
            )
            how = "（没有小标题，按内容判断）" if doc.roles_from_content else ""
            st.caption(f"检测到的章节{how}：{'、'.join(doc.roles)}")
            if preview.scope != COMMUNITY:
                st.warning(
                    f"这篇看来不是社区的文档（{preview.scope}），保存后只供检索，不用于起草。"
                )
            st.text_area("正文（可修改）", key=state.paste_key("body", n), height=200)
            st.checkbox("保存这一篇", key=state.paste_key("keep", n))
    if st.button("保存勾选的文档到范文库", key="paste_save", type="primary"):
        _save_pasted(previews)


def _start_review(found: RawImport) -> None:
    previews = pasted_previews(found)
    st.session_state[state.PASTE] = (found, previews)
    for n, preview in enumerate(previews):
        st.session_state[state.paste_key("title", n)] = preview.title
        st.session_state[state.paste_key("kind", n)] = preview.kind
        st.session_state[state.paste_key("topic", n)] = preview.topic
        st.session_state[state.paste_key("body", n)] = preview.text
        st.session_state[state.paste_key("keep", n)] = preview.scope == COMMUNITY


def _save_pasted(previews: list[UploadPreview]) -> None:
    from rag.index.ingest import save_upload  # the index loads with the library, not before

    chosen = [n for n in range(len(previews)) if st.session_state[state.paste_key("keep", n)]]
    if not chosen:
        st.warning("没有勾选要保存的文档。")
        return
    saved = []
    for n in chosen:
        preview = previews[n]
        preview.title = st.session_state[state.paste_key("title", n)]
        preview.kind = st.session_state[state.paste_key("kind", n)]
        preview.topic = st.session_state[state.paste_key("topic", n)]
        preview.text = st.session_state[state.paste_key("body", n)]
        try:
            with st.spinner(f"正在保存并建立索引：{preview.title}"):
                save_upload(
                    preview, state.library().store, state.get_settings(), owner=state.owner()
                )
        except PlanError as e:
            done = f"已保存 {len(saved)} 篇；" if saved else ""
            st.error(literal(f"{done}“{preview.title}”没有保存：{e}"))
            return
        saved.append(preview.title)
    st.session_state[state.PASTE] = None
    st.session_state[state.PASTE_ROUND] += 1
    state.flash("success", f"已保存并建立索引 {len(saved)} 篇：{'、'.join(saved)}")
    st.rerun()


def add_section() -> None:
    st.subheader("添加自己的范文")
    upload_tab, paste_tab = st.tabs(["上传文件", "粘贴网页文字"])
    with upload_tab:
        upload_section()
    with paste_tab:
        paste_section()


def upload_section() -> None:
    names = state.topic_names()
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
    if preview.found is not None:
        cleaning_record(preview.found)
        if len(preview.found.documents) > 1:
            st.info(
                f"这个文件里有 {len(preview.found.documents)} 篇文档。"
                "若要分篇保存，请把全文粘贴到“粘贴网页文字”中。"
            )
    if preview.scope != COMMUNITY:
        st.warning(f"这篇看来不是社区的文档（{preview.scope}），保存后只供检索，不用于起草。")
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
        bar = st.progress(0.0, text="正在建立索引……")
        try:
            _, report = save_upload(
                preview,
                state.library().store,
                state.get_settings(),
                owner=state.owner(),
                progress=BarProgress(bar),
            )
        except PlanError as e:
            bar.empty()
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
    add_section()
    uploads_list()
