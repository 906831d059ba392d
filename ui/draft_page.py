"""起草: the community form, streamed generation, and section-by-section refinement."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import closing
from functools import partial

import pandas as pd
import streamlit as st

from rag.drafting.pipeline import (
    draft_sections,
    new_draft,
    outline_of,
    regenerate_section,
    run_with_events,
)
from rag.drafting.previous import read_previous
from rag.errors import DraftNotFound, InputFileError, NoMoreVariants, PlanError
from rag.export.files import render, safe_filename
from rag.plan.community import COMMUNITY_TYPES
from rag.plan.draft import MAX_INSTRUCTION_CHARS, MAX_SECTION_CHARS, Draft
from rag.plan.previous import PreviousPlan
from rag.plan.profile import make_profile, profile_errors
from rag.review.checks import check_draft
from ui import state
from ui.literal import literal
from ui.sources_view import package_button, sources_view

OFFLINE_INSTRUCTION = (
    "离线组合时，修改要求用来挑选与之相关的范文材料；在“时间安排”一节，会把要求的事项补到对应的节点，"
    "细节以【待补充】标出。离线组合不会按要求改写句子，需要改写时请直接编辑，或改用模型。"
)
LIMITS = (
    f"正文最多 {MAX_SECTION_CHARS} 字，修改要求最多 {MAX_INSTRUCTION_CHARS} 字"
    "（输入框右下角显示已用字数，超出的部分输不进去）。"
)
# Findings that mean the text says something not yet true of the community.
MARKS_TO_RESOLVE = frozenset(
    {
        "范文专名",
        "类型用语",
        "情况说法",
        "社区条件",
        "范文数字",
        "待补充",
        "上年数据",
        "占位符",
        "句子不完整",
        "重点无内容",
        "落款日期",
    }
)
ORIGINS = {"composer": "离线组合", "model": "模型", "edit": "手工修改"}
UNEXPECTED_ERROR = (
    "出现了意外错误（详细信息已记入服务器日志）。请稍后再试；如果反复出现，请联系管理员。"
)
log = logging.getLogger(__name__)


def _field_error(name: str) -> None:
    message = st.session_state[state.FORM_ERRORS].get(name)
    if message:
        st.error(literal(message))


def _field(widget, name: str, label: str, options: dict) -> None:
    """A profile widget keyed by its field, with the field's error message under it."""
    widget(label, key=state.form_key(name), **options)
    _field_error(name)


def _form_defaults(draft: Draft | None) -> None:
    """Fill the form's widgets once: from the open draft's profile, or empty."""
    owner = draft.id if draft else None
    if state.form_key("year") in st.session_state and st.session_state[state.FORM_OWNER] in (
        owner,
        None,
    ):
        return
    st.session_state[state.FORM_OWNER] = owner
    today = dt.date.today()
    p = draft.profile if draft else None
    st.session_state[state.form_key("community")] = p.community if p else ""
    st.session_state[state.form_key("parent")] = p.parent if p else ""
    st.session_state[state.form_key("year")] = (
        p.year if p else today.year + (1 if today.month >= 10 else 0)
    )
    st.session_state[state.form_key("topic")] = p.topic if p else None  # the user chooses
    st.session_state[state.form_key("community_type")] = (p.community_type or "") if p else ""
    st.session_state[state.form_key("households")] = p.households or 0 if p else 0
    st.session_state[state.form_key("population")] = p.population or 0 if p else 0
    st.session_state[state.form_key("facts")] = [
        {"名称": k, "数值": v} for k, v in (p.facts.items() if p else [])
    ]
    st.session_state[state.form_key("priorities")] = "\n".join(p.priorities) if p else ""
    st.session_state[state.form_key("notes")] = p.notes if p else ""
    st.session_state[state.form_key("author")] = p.author if p else ""
    st.session_state[state.form_key("date")] = p.date if p else ""


def _profile_data() -> dict:
    s = st.session_state
    return {
        "community": s[state.form_key("community")],
        "parent": s[state.form_key("parent")],
        "year": s[state.form_key("year")],
        "topic": s[state.form_key("topic")],
        "community_type": s[state.form_key("community_type")] or None,
        "households": s[state.form_key("households")] or None,
        "population": s[state.form_key("population")] or None,
        "facts": [
            {"name": r.get("名称"), "value": r.get("数值")} for r in s[state.form_key("facts")]
        ],
        "priorities": s[state.form_key("priorities")],
        "notes": s[state.form_key("notes")],
        "author": s[state.form_key("author")],
        "date": s[state.form_key("date")],
    }


def _community_type_label(name: str) -> str:
    return f"{name}：{COMMUNITY_TYPES[name].hint}" if name else "未选择"


def profile_form(draft: Draft | None) -> dict | None:
    """The community form; returns the profile data when "生成计划" was pressed."""
    _form_defaults(draft)
    names = state.topic_names()
    with st.form("profile", enter_to_submit=False):  # no English "Press Enter" hint
        rows = (
            (
                (st.text_input, "community", "社区名称 *", {"placeholder": "例如：阳光社区"}),
                (st.text_input, "parent", "上级单位", {"placeholder": "例如：××市××区××街道"}),
            ),
            (
                (
                    st.number_input,
                    "year",
                    "年度 *",
                    {"step": 1},  # the range is checked on submit, with a Chinese message
                ),
                (
                    st.selectbox,
                    "topic",
                    "计划类型 *",
                    {
                        "options": list(names),
                        "format_func": names.get,
                        "index": None,
                        "placeholder": "请选择计划类型",
                    },
                ),
            ),
            (
                (st.number_input, "households", "户数（不填为 0）", {"min_value": 0, "step": 1}),
                (
                    st.number_input,
                    "population",
                    "常住人口（不填为 0）",
                    {"min_value": 0, "step": 1},
                ),
            ),
        )
        for row in rows:
            for column, field in zip(st.columns(2), row, strict=True):
                with column:
                    _field(*field)
        _field(
            st.selectbox,
            "community_type",
            "社区类型",
            {
                "options": ["", *COMMUNITY_TYPES],
                "format_func": _community_type_label,
                "help": "起草时优先引用同类社区的范文；不选时会根据补充说明提示可能的类型。",
            },
        )
        st.caption("关键数据：计划里会原样使用这些数字，例如 退役军人 126、军烈属 14。")
        st.data_editor(
            pd.DataFrame(
                st.session_state[state.form_key("facts")], columns=["名称", "数值"], dtype=str
            ),
            key=state.form_key("facts_editor"),
            num_rows="dynamic",
            placeholder="",  # an empty cell shows empty, not "None"
            column_config={
                "名称": st.column_config.TextColumn("名称", max_chars=30),
                "数值": st.column_config.TextColumn("数值", max_chars=60),
            },
            width="stretch",
        )
        _field_error("facts")
        _field(st.text_area, "priorities", "工作重点（每行一项）", {"height": 90})
        _field(st.text_area, "notes", "补充说明（社区特点等）", {"height": 70})
        for column, field in zip(
            st.columns(2),
            (
                (
                    st.text_input,
                    "author",
                    "落款单位",
                    {"placeholder": "默认：社区名称 + 居民委员会"},
                ),
                (st.text_input, "date", "落款日期", {"placeholder": "例如：2027年1月8日"}),
            ),
            strict=True,
        ):
            with column:
                _field(*field)
        st.file_uploader(
            "上年计划或总结（可选，.docx/.txt/.md）",
            type=["docx", "txt", "md"],
            key=state.PREVIOUS_FILE,
            help="本社区自己上一年的计划或工作总结：作为起草的首要依据，其中的名称可沿用，"
            "日期换算到今年，数字标出待更新。只用于这份草稿，不进入共享范文库。",
        )
        _field_error("previous")
        submitted = st.form_submit_button("生成计划", type="primary", key="generate")
    if not submitted:
        return None
    st.session_state[state.form_key("facts")] = merge_editor_rows(
        st.session_state[state.form_key("facts")],
        st.session_state.get(state.form_key("facts_editor")) or {},
    )
    return _profile_data()


def merge_editor_rows(rows: list[dict], editor: dict) -> list[dict]:
    """The table's rows after a data editor's edited, deleted and added rows."""
    rows = [dict(r) for r in rows]
    for index, changes in editor.get("edited_rows", {}).items():
        rows[int(index)].update(changes)
    deleted = {int(i) for i in editor.get("deleted_rows", [])}
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    return rows + [dict(r) for r in editor.get("added_rows", [])]


def generate(draft: Draft, *, new: bool = False) -> None:
    """Draft every unlocked section with live progress, each streaming into its place.

    A new draft is saved, and named in the URL, once a section has text, so a run that writes
    nothing leaves no empty draft. A failure is told after a rerun that keeps the form and every
    saved section; one that is not the engine's goes to the log with its traceback.
    """
    try:
        _generate(draft, new)
    except PlanError as e:
        failure = str(e)
    except Exception:  # not the engine's: the details stay in the log, not on the page
        log.exception("drafting %s failed", draft.id or "a new draft")
        failure = UNEXPECTED_ERROR
    else:
        return
    if not new:
        state.flash("error", f"重新生成没有完成：{failure}草稿中已有的内容都还在。")
    elif _in_url(draft):
        state.flash(
            "error", f"生成计划没有完成：{failure}已生成的各节已保存，其余各节可“重新生成”。"
        )
    else:
        state.flash(
            "error", f"生成计划没有完成：{failure}表单中填写的内容都还在，处理后请再点“生成计划”。"
        )
    st.rerun()


def _generate(draft: Draft, new: bool) -> None:
    retriever = state.retriever()
    store = state.draft_store()
    section_writer = state.writer()
    indices = draft.unlocked()
    heads = draft.headings()
    progress = st.progress(0.0, text=literal(f"正在起草（{section_writer.name}）……"))
    slots = {}
    for i in indices:
        st.markdown(f"**{literal(heads[i])}**")
        slots[i] = st.empty()
        slots[i].caption("等待中……")
    done = 0
    draft.begin_run(indices)  # saved with the first section: a cut-off run can be told

    def work(callbacks):
        draft_sections(
            draft, retriever=retriever, writer=section_writer, callbacks=callbacks, indices=indices
        )

    # closing(): a rerun or a stop of this script (the user went elsewhere) ends the loop
    # with an exception, and closing the events then stops the model calls behind them.
    with closing(run_with_events(work)) as events:
        for event, index, payload in events:
            if event == "text":
                slots[index].text(payload)
            elif event == "started":
                slots[index].caption("正在生成……")
            else:
                _save_drafted(store, draft, new)  # saved before the section shows as done
                done += 1
                if event == "done" and payload.complete:
                    slots[index].text(payload.text)
                else:
                    message = payload.error if event == "done" else payload
                    slots[index].error(literal(message))
                    state.flash("warning", f"{heads[index]}：{message}")
                progress.progress(done / len(indices), text=f"已完成 {done}/{len(indices)} 节")
    draft.mode = section_writer.name
    draft.end_run()
    _save_drafted(store, draft, new)
    if new and not _in_url(draft):
        raise PlanError("没有一节生成出内容（各节的原因见上）。")


def _save_drafted(store, draft: Draft, new: bool) -> None:
    """Save a draft being drafted; a new one only once it has text, and then name it in the URL."""
    if new and not any(s.text.strip() for s in draft.sections):
        return
    store.save(draft)
    _tell_conflicts(draft)
    if new and not _in_url(draft):
        st.session_state[state.DRAFT_ID] = draft.id
        st.query_params["draft"] = draft.id


def _in_url(draft: Draft) -> bool:
    return bool(draft.id) and st.session_state[state.DRAFT_ID] == draft.id


def start_new(data: dict) -> None:
    errors = profile_errors(data)
    st.session_state[state.FORM_ERRORS] = errors
    if errors:
        state.flash("error", "请先改正表单中标出的问题。")
        st.rerun()
    try:
        profile = make_profile(data)
        previous = attached_previous(profile)
        draft = new_draft(profile, state.writer(), previous)
    except InputFileError as e:  # the attached plan: told under its field, the form kept
        st.session_state[state.FORM_ERRORS] = {"previous": str(e)}
        state.flash("error", "上年计划无法使用，请看表单中的说明；填写的内容都还在。")
        st.rerun()
    except PlanError as e:
        st.error(literal(e))
        return
    generate(draft, new=True)
    st.rerun()


def attached_previous(profile) -> PreviousPlan | None:
    """Last year's plan attached on the form, read for this profile's plan type and year."""
    upload = st.session_state.get(state.PREVIOUS_FILE)
    if upload is None:
        return None
    return read_previous(upload.getvalue(), upload.name, outline_of(profile), profile.year)


def _save(draft: Draft) -> bool:
    try:
        state.draft_store().save(draft)
    except PlanError as e:
        st.error(literal(e))
        return False
    _tell_conflicts(draft)
    return True


def _tell_conflicts(draft: Draft) -> None:
    """After a save that met another window's save of the same sections (both kept)."""
    if draft.conflicts:
        state.flash(
            "warning",
            f"{'、'.join(draft.conflicts)} 在另一个窗口中也修改过：两边的文本都保留在该节的"
            "“版本历史”里，当前显示的是本窗口的版本，需要时可“恢复此版”。",
        )


def _on_edit(draft_id: str, index: int, key: str) -> None:
    store = state.draft_store()
    draft = store.load(draft_id)
    section = draft.sections[index]
    if section.edit(st.session_state[key]):
        store.save(draft)
        _tell_conflicts(draft)
        # A toast stays in view wherever the section is; a message at the top would not.
        st.toast(literal(f"已保存对“{section.title}”的修改。"), icon="✅")


def _on_lock(draft_id: str, index: int, key: str) -> None:
    store = state.draft_store()
    draft = store.load(draft_id)
    draft.sections[index].locked = bool(st.session_state[key])
    store.save(draft)
    _tell_conflicts(draft)


def _origin(version) -> str:
    """Who wrote a version, each name once: 离线组合, 手工修改, 模型（deepseek-chat）."""
    origin = ORIGINS.get(version.origin, version.origin)
    return f"{origin}（{version.model}）" if version.model and version.model != origin else origin


def section_view(draft: Draft, index: int, findings) -> None:
    section = draft.sections[index]
    head = draft.headings()[index]
    version = section.version
    with st.container(border=True):
        top = st.columns([6, 1])
        top[0].subheader(literal(head))
        top[1].toggle(
            "锁定",
            value=section.locked,
            key=state.section_key("lock", draft.id, index),
            on_change=_on_lock,
            args=(draft.id, index, state.section_key("lock", draft.id, index)),
            help="锁定后，“全部重新生成”不会改动本节。",
        )
        if version and version.error:
            st.error(literal(version.error))
        elif version is None:
            st.info(
                "本节还没有内容（起草可能被中断了）：可点击“重新生成”，或直接在下面的框中填写。"
            )
        slot = st.empty()
        key = state.section_key("text", draft.id, index, len(section.versions), section.current)
        slot.text_area(
            "正文",
            value=section.text,
            key=key,
            height=max(
                120, min(600, 28 * (section.text.count("\n") + len(section.text) // 40 + 2))
            ),
            label_visibility="collapsed",
            max_chars=max(MAX_SECTION_CHARS, len(section.text)),  # a counter under the box
            on_change=_on_edit,
            args=(draft.id, index, key),
        )
        for f in findings:
            st.warning(literal(f"【{f.kind}】{f.message}"))
            if f.items:
                st.text("、".join(f.items[:12]))
        c1, c2, c3 = st.columns([4, 1, 1])
        instruction = c1.text_input(
            "修改要求",
            key=state.section_key("instr", draft.id, index),
            placeholder="可选，例如：更具体，突出退役军人服务站建设",
            label_visibility="collapsed",
            max_chars=MAX_INSTRUCTION_CHARS,
        )
        regen = c2.button(
            "重新生成", key=state.section_key("regen", draft.id, index), disabled=section.locked
        )
        undo = c3.button(
            "撤销", key=state.section_key("undo", draft.id, index), disabled=section.current <= 0
        )
        st.caption(LIMITS)
        if st.session_state[state.LLM_MODE] == state.OFFLINE:
            st.caption(OFFLINE_INSTRUCTION)
        with st.expander(f"参考范文（{len(version.passages) if version else 0}）"):
            for p in version.passages if version else []:
                st.text(f"《{p.title}》 · {p.section or '开头'}")
                st.text(p.text[:160] + ("……" if len(p.text) > 160 else ""))
        sources_view(draft, index, findings)
        with st.expander(f"版本历史（{len(section.versions)}）"):
            for n, v in enumerate(section.versions):
                when = dt.datetime.fromtimestamp(v.created).strftime("%m-%d %H:%M")
                mark = "（当前）" if n == section.current else ""
                label = f"第{n + 1}版 · {_origin(v)} · {when}{mark}"
                st.text(label + (f" · 要求：{v.instruction}" if v.instruction else ""))
                if n != section.current and st.button(
                    "恢复此版", key=state.section_key("restore", draft.id, index, n)
                ):
                    section.restore(n)
                    if _save(draft):
                        st.rerun()
    if undo:
        section.undo()
        if _save(draft):
            state.flash("info", f"“{section.title}”已撤销到上一版。")
            st.rerun()
    if regen:
        try:
            section_writer = state.writer()
        except PlanError as e:
            st.error(literal(e))
            return
        result: list = []

        def work(callbacks):
            result.append(
                regenerate_section(
                    draft,
                    index,
                    retriever=retriever,
                    writer=section_writer,
                    instruction=instruction,
                    callbacks=callbacks,
                )
            )

        try:
            retriever = state.retriever()  # here: the worker thread has no session state
            with closing(run_with_events(work)) as events:  # closed: the model call stops
                for event, _, payload in events:
                    if event == "text":
                        slot.text(payload)
        except NoMoreVariants as e:
            st.warning(literal(e))
            return
        except PlanError as e:
            st.error(literal(e))
            return
        if _save(draft):
            if result and result[0].error:
                state.flash("error", f"“{section.title}”：{result[0].error}")
            st.rerun()


def export_buttons(draft: Draft, findings: list) -> None:
    st.subheader("导出")
    if marks := [f for f in findings if f.kind in MARKS_TO_RESOLVE]:
        st.warning(
            f"还有 {len(marks)} 处标记尚未处理（范文中的名称和数字、不属于本社区的说法、"
            "待补充的内容等，见各节下方）：下载的文件会照原样保留它们，请处理后再正式使用。"
        )
    if cut := [h for h, s in zip(draft.headings(), draft.sections, strict=True) if _is_cut(s)]:
        st.warning(
            literal(
                f"{'、'.join(cut)} 未完成（模型输出中断）：下载的文件在这些节末尾标有"
                "“【本节未完成】”，请先重新生成或补全后再正式使用。"
            )
        )
    cols = st.columns(4)
    for col, (suffix, label, mime) in zip(
        cols[:3],
        (
            (
                ".docx",
                "下载 Word（公文格式）",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (".md", "下载 Markdown", "text/markdown"),
            (".txt", "下载纯文本", "text/plain"),
        ),
        strict=True,
    ):
        col.download_button(
            label,
            data=partial(render, draft, suffix),  # built when clicked, not on every rerun
            file_name=safe_filename(draft.title, suffix),
            mime=mime,
            key=f"dl{suffix}",
        )
    package_button(cols[3], draft, findings)


def _is_cut(section) -> bool:
    return bool(section.version) and not section.version.complete


def current_draft() -> Draft | None:
    """The draft named in the URL (so a refresh, a second tab or a restart shows it)."""
    draft_id = st.query_params.get("draft") or st.session_state[state.DRAFT_ID]
    if not draft_id:
        return None
    try:
        draft = state.draft_store().load(draft_id)
    except DraftNotFound as e:
        st.warning(literal(e))
        st.session_state[state.DRAFT_ID] = None
        del st.query_params["draft"]
        return None
    st.session_state[state.DRAFT_ID] = draft.id
    if st.query_params.get("draft") != draft.id:
        st.query_params["draft"] = draft.id
    return draft


def page() -> None:
    draft = current_draft()
    with st.expander("社区信息", expanded=draft is None):
        data = profile_form(draft)
        if draft is not None:
            st.caption("修改后点“生成计划”会另起一份新草稿，当前草稿仍保留在“我的草稿”中。")
    if data is not None:
        start_new(data)
        return
    if draft is None:
        st.info("填写社区信息后点“生成计划”，系统会逐节起草，并标出每节引用的范文。")
        return
    st.header(literal(draft.title))
    st.caption(literal(f"起草方式：{draft.mode} · 草稿编号 {draft.id}"))
    if draft.previous:
        st.caption(literal(f"上年计划：{draft.previous.filename}（首要依据，仅用于本草稿）"))
    if st.button("全部重新生成", key="regen_all", help="重新生成所有未锁定的章节"):
        generate(draft)
        st.rerun()
    if unfinished := draft.unfinished():
        heads = draft.headings()
        st.warning(
            literal(
                f"上一次生成没有写完：{'、'.join(heads[i] for i in unfinished)}（页面被刷新、"
                "服务器重启或生成出错）。这些节保留着原来的内容（新草稿中为空），可点击各节的“重新生成”补上；"
                "如果另一个窗口仍在生成，请稍后刷新。"
            )
        )
    if draft.preamble:
        st.text(draft.preamble)
    findings = check_draft(draft, outline_of(draft.profile), state.retriever().rare_terms)
    by_section: dict[str, list] = {}
    for f in findings:
        by_section.setdefault(f.section, []).append(f)
    for f in by_section.get("全文", []):
        st.warning(literal(f"【{f.kind}】{f.message}"))
    for index, head in enumerate(draft.headings()):
        section_view(draft, index, by_section.get(head, []))
    st.text(f"{draft.author}\n{draft.date}".strip())
    export_buttons(draft, findings)
