"""起草 page, the Word round trip: 导入修改稿 (an edited file reviewed section by section,
接受 / 不接受 each) and 对比 of two versions in a section's history. Text from the file or
a version is shown with st.text or escaped (ui.literal) inside our own highlight markup."""

from __future__ import annotations

import datetime as dt
import hashlib

import streamlit as st

from rag.drafting.edited import accept_saved, review_file
from rag.errors import PlanError
from rag.plan.draft import Draft
from rag.plan.revise import HeadChange, Review, SectionChange
from rag.review.diff import ADDED, REMOVED, SentenceChange, changes, summary
from ui import state
from ui.literal import literal

INTRO = (
    "在 Word 或 WPS 中修改过的计划（.docx，也可以是 .txt、.md）：逐节列出删除、新增和修改的句子。"
    "点“接受”后，文件中的文本成为该节的新版本（原来的版本保留在版本历史中），并立即重新检查；"
    "点“接受”之前，草稿不会有任何改动。锁定的章节只显示，不改动。"
)


def _when(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds).strftime("%m-%d %H:%M")


def sentence_markdown(change: SentenceChange) -> str:
    """A changed sentence as Markdown: the text escaped, removed runs struck through in red,
    added runs in green (the markup is ours, never the text's)."""
    if change.kind == ADDED:
        return f"新增： :green-background[{literal(change.new)}]"
    if change.kind == REMOVED:
        return f"删除： :red-background[~~{literal(change.old)}~~]"
    parts = []
    for piece in change.pieces:
        text = literal(piece.text)
        if piece.kind == ADDED:
            parts.append(f":green-background[{text}]")
        elif piece.kind == REMOVED:
            parts.append(f":red-background[~~{text}~~]")
        else:
            parts.append(text)
    return "修改： " + "".join(parts)


def show_changes(found: list[SentenceChange]) -> None:
    st.caption(summary(found))
    for change in found:
        st.markdown(sentence_markdown(change))


def _file_id(draft_id: str, name: str, data: bytes) -> str:
    return f"{draft_id}:{hashlib.sha256(data).hexdigest()[:16]}:{name}"


def _declined(file_id: str) -> set[str]:
    return st.session_state[state.EDITED_DECLINED].setdefault(file_id, set())


def _accept(draft_id: str, data: bytes, name: str, key: str) -> None:
    """Take one change of the file into the stored draft (read afresh), tell what the checks
    found in the accepted text."""
    outcome, done = accept_saved(state.draft_store(), draft_id, data, name, {key})
    if done.locked:
        state.flash("warning", f"{'、'.join(done.locked)} 已锁定，没有改动；需要时请先解除锁定。")
        return
    if not outcome.changed:
        state.flash("info", "这处改动已经在草稿中了。")
        return
    taken = "、".join([*done.head, *done.sections])
    state.flash("success", f"已接受修改稿中的“{taken}”，已重新检查。")
    if outcome.conflicts:
        state.flash(
            "warning",
            f"{'、'.join(outcome.conflicts)} 在另一个窗口中也修改过：两边的文本都保留在版本历史里。",
        )
    for f in outcome.findings or []:
        items = f"：{'、'.join(f.items[:6])}" if f.items else ""
        state.flash("warning", f"【{f.kind}】{f.section} {f.message}{items}")


def _buttons(draft: Draft, data: bytes, name: str, key: str, locked: bool = False) -> None:
    file_id = _file_id(draft.id, name, data)
    left, right, _ = st.columns([1, 1, 4])
    if left.button("接受", key=f"edited_accept_{draft.id}_{key}", type="primary", disabled=locked):
        try:
            _accept(draft.id, data, name, key)
        except PlanError as e:
            st.error(literal(e))
            return
        st.rerun()
    if right.button("不接受", key=f"edited_decline_{draft.id}_{key}"):
        _declined(file_id).add(key)
        st.rerun()


def _source(found: Review) -> None:
    if found.export:
        how = "文件中的导出标记" if found.marked else "与各次导出的内容比对"
        st.caption(
            literal(
                f"这份文件最可能来自 {_when(found.export['time'])} 导出的 "
                f"{found.export['format']} 文件（据{how}）。"
            )
        )
    else:
        st.caption("没有找到对应的导出记录：按草稿当前的内容比对。")
    if found.app_changed:
        st.info(
            literal(
                f"{'、'.join(found.app_changed)} 在导出之后又在本应用中修改过：接受文件中的文本后，"
                "应用中的修改仍保留在该节的版本历史里。"
            )
        )


def _head_change(draft: Draft, data: bytes, name: str, change: HeadChange) -> None:
    with st.container(border=True):
        st.markdown(f"**{change.label}**")
        left, right = st.columns(2)
        left.caption("草稿中")
        left.text(change.current or "（空）")
        right.caption("修改稿中")
        right.text(change.new)
        if change.problem:
            st.warning(literal(f"不能采用：{change.problem}"))
            return
        _buttons(draft, data, name, change.key)


def _section_change(draft: Draft, data: bytes, name: str, change: SectionChange) -> None:
    with st.container(border=True, key=f"edited_{draft.id}_{change.key}"):
        if change.kind == "new":
            st.markdown(f"**新增章节：{literal(change.heading)}**")
            st.caption("接受后作为新的一节，放在修改稿中它所在的位置。")
            st.text(change.text)
            _buttons(draft, data, name, change.key)
            return
        st.markdown(f"**{literal(change.current_heading)}**")
        if change.renamed:
            st.caption(literal(f"标题改为“{change.title}”"))
        if change.locked:
            st.warning("本节已锁定：只显示改动，不会改动本节。需要接受时请先解除锁定。")
        if change.app_changed:
            st.caption("本节在导出后也在应用中修改过。")
        show_changes(changes(change.current, change.text))
        left, right = st.columns(2)
        left.caption("当前内容")
        left.text(change.current)
        right.caption("修改稿")
        right.text(change.text)
        _buttons(draft, data, name, change.key, locked=change.locked)


def import_panel(draft: Draft) -> None:
    """导入修改稿 for the open draft: upload, review, accept or decline each change."""
    key = f"edited_file_{draft.id}"
    with st.expander(  # open while a file is under review (a rerun would close it)
        "导入修改稿（Word / WPS 改过的文件）", expanded=st.session_state.get(key) is not None
    ):
        st.caption(INTRO)
        upload = st.file_uploader(
            "修改稿", type=["docx", "txt", "md"], key=key, label_visibility="collapsed"
        )
        if upload is None:
            return
        data, name = upload.getvalue(), upload.name
        try:
            found = review_file(draft, data, name)
        except PlanError as e:
            st.error(literal(e))
            return
        _source(found)
        declined = _declined(_file_id(draft.id, name, data))
        shown = 0
        for change in found.head:
            if change.key not in declined:
                _head_change(draft, data, name, change)
                shown += 1
        for change in found.sections:
            if change.key not in declined:
                _section_change(draft, data, name, change)
                shown += 1
        if found.removed:
            st.info(
                literal(
                    f"修改稿中没有这些章节：{'、'.join(found.removed)}。草稿中保留它们；"
                    "确实不要时，请在草稿中自行删改。"
                )
            )
        if declined & set(found.keys):
            st.caption(f"不接受的改动 {len(declined & set(found.keys))} 处：草稿保持原样。")
        if not shown:
            st.success("修改稿中的改动都已处理：其余内容与草稿相同。")


def compare_versions(draft: Draft, index: int) -> None:
    """对比: two versions of a section, the sentences added, removed and changed."""
    section = draft.sections[index]
    if len(section.versions) < 2:
        return
    numbers = list(range(len(section.versions)))
    label = {n: f"第{n + 1}版" for n in numbers}.get
    left, right = st.columns(2)
    old = left.selectbox(
        "对比：较早的版本",
        numbers,
        index=max(0, section.current - 1) if section.current else 0,
        format_func=label,
        key=state.section_key("cmp_old", draft.id, index),
    )
    new = right.selectbox(
        "对比：较新的版本",
        numbers,
        index=section.current if section.current else len(numbers) - 1,
        format_func=label,
        key=state.section_key("cmp_new", draft.id, index),
    )
    if old == new:
        st.caption("请选择两个不同的版本。")
        return
    found = changes(section.versions[old].text, section.versions[new].text)
    st.caption(literal(f"{label(old)} → {label(new)}"))
    show_changes(found)
