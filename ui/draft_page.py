"""起草: streamed generation and section-by-section refinement of a draft (the community form is
ui/profile_form.py); every decision about the draft is the drafting service's (rag/drafting/service.py)."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import closing
from functools import partial

import streamlit as st

from rag.drafting import edited as round_trip
from rag.drafting import service
from rag.errors import (
    DatabaseUnavailable,
    DraftNotFound,
    InputFileError,
    NoMoreVariants,
    PlanError,
)
from rag.export.files import safe_filename
from rag.plan.draft import MAX_INSTRUCTION_CHARS, MAX_SECTION_CHARS, Draft
from rag.plan.previous import PreviousPlan
from rag.plan.profile import make_profile, profile_errors
from ui import edited, state, unsaved
from ui.literal import literal
from ui.profile_form import profile_form
from ui.sources_view import package_button, sources_view

OFFLINE_INSTRUCTION = (
    "离线组合时，修改要求用来挑选与之相关的范文材料；在“时间安排”一节，会把要求的事项补到对应的节点，"
    "细节以【待补充】标出。离线组合不会按要求改写句子，需要改写时请直接编辑，或改用模型。"
)
LIMITS = (
    f"正文最多 {MAX_SECTION_CHARS} 字，修改要求最多 {MAX_INSTRUCTION_CHARS} 字"
    "（输入框右下角显示已用字数，超出的部分输不进去）。"
)
ORIGINS = {"composer": "离线组合", "model": "模型", "edit": "手工修改", "import": "修改稿"}
UNEXPECTED_ERROR = (
    "出现了意外错误（详细信息已记入服务器日志）。请稍后再试；如果反复出现，请联系管理员。"
)
log = logging.getLogger(__name__)


def generate(draft: Draft, *, new: bool = False) -> None:
    """Draft every unlocked section with live progress, each streaming into its place.

    The service saves the draft as it goes (a new one once a section has text); here a new
    draft is named in the URL once saved. A failure is told after a rerun that keeps the form
    and every saved section; one that is not the engine's goes to the log with its traceback.
    """
    run = None
    try:
        run = service.PlanRun(
            draft,
            store=unsaved.store(),
            retriever=state.retriever(),
            writer=state.writer(),
            new=new,
        )
        _generate(run)
    except PlanError as e:
        failure = str(e)
    except Exception:  # not the engine's: the details stay in the log, not on the page
        log.exception("drafting %s failed", draft.id or "a new draft")
        failure = UNEXPECTED_ERROR
    else:
        return
    finally:
        if run is not None:
            _tell_conflicts(run.outcome.conflicts)
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


def _generate(run: service.PlanRun) -> None:
    draft, indices = run.draft, run.indices
    heads = draft.headings()
    progress = st.progress(0.0, text=literal(f"正在起草（{run.writer.name}）……"))
    slots = {}
    for i in indices:
        st.markdown(f"**{literal(heads[i])}**")
        slots[i] = st.empty()
        slots[i].caption("等待中……")
    done = 0
    # closing(): a rerun or a stop of this script (the user went elsewhere) ends the loop
    # with an exception, and closing the events then stops the model calls behind them.
    with closing(run.events()) as events:
        for event, index, payload in events:
            if event == "text":
                slots[index].text(payload)
            elif event == "started":
                slots[index].caption("正在生成……")
            else:  # saved by the service before it is told here
                _name_in_url(draft, run.new)
                done += 1
                if event == "done" and payload.complete:
                    slots[index].text(payload.text)
                else:
                    message = payload.error if event == "done" else payload
                    slots[index].error(literal(message))
                    state.flash("warning", f"{heads[index]}：{message}")
                progress.progress(done / len(indices), text=f"已完成 {done}/{len(indices)} 节")
    _name_in_url(draft, run.new)


def _name_in_url(draft: Draft, new: bool) -> None:
    """A new draft, once saved, is the one the URL names (a refresh shows it)."""
    if new and draft.id and not _in_url(draft):
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
        draft = service.start(profile, state.writer(), previous)
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
    return service.read_previous(upload.getvalue(), upload.name, profile)


def _saved(step, *args) -> service.Outcome | None:
    """A service step that saves; its failure shown here, its conflicts told after a rerun.
    With the database down the change is kept in the page (ui/unsaved.py): None, and the
    next run draws the kept draft and says so."""
    try:
        outcome = step(unsaved.store(), *args)
    except DatabaseUnavailable:
        return None
    except PlanError as e:
        st.error(literal(e))
        return None
    _tell_conflicts(outcome.conflicts)
    return outcome


def _tell_conflicts(conflicts: list[str]) -> None:
    """After a save that met another window's save of the same sections (both kept)."""
    if conflicts:
        state.flash(
            "warning",
            f"{'、'.join(conflicts)} 在另一个窗口中也修改过：两边的文本都保留在该节的"
            "“版本历史”里，当前显示的是本窗口的版本，需要时可“恢复此版”。",
        )


def _on_edit(draft_id: str, index: int, key: str) -> None:
    outcome = _saved(service.edit, draft_id, index, st.session_state[key])
    if outcome and outcome.version:
        # A toast stays in view wherever the section is; a message at the top would not.
        title = outcome.draft.sections[index].title
        st.toast(literal(f"已保存对“{title}”的修改。"), icon="✅")


def _on_lock(draft_id: str, index: int, key: str) -> None:
    _saved(service.set_locked, draft_id, index, bool(st.session_state[key]))


def _origin(version) -> str:
    """Who wrote a version, each name once: 离线组合, 手工修改, 模型（deepseek-chat）."""
    origin = ORIGINS.get(version.origin, version.origin)
    if version.file:
        return f"{origin}（{version.file}）"
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
            max_chars=service.edit_limit(section),  # a counter under the box
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
                restore = n != section.current and st.button(
                    "恢复此版", key=state.section_key("restore", draft.id, index, n)
                )
                if restore and (_saved(service.restore, draft, index, n) or unsaved.holds(draft)):
                    st.rerun()
            edited.compare_versions(draft, index)
    if undo and ((outcome := _saved(service.undo, draft, index)) or unsaved.holds(draft)):
        if outcome and outcome.changed:
            state.flash("info", f"“{section.title}”已撤销到上一版。")
        st.rerun()
    if regen:
        _regenerate(draft, index, instruction, slot)


def _regenerate(draft: Draft, index: int, instruction: str, slot) -> None:
    """One section again, its text streaming into its box; saved by the service."""
    try:
        run = service.SectionRun(
            draft,
            index,
            store=unsaved.store(),
            retriever=state.retriever(),  # here: the worker thread has no session state
            writer=state.writer(),
            instruction=instruction,
        )
        with closing(run.events()) as events:  # closed: the model call stops
            for event, _, payload in events:
                if event == "text":
                    slot.text(payload)
    except NoMoreVariants as e:
        st.warning(literal(e))
        return
    except DatabaseUnavailable:  # the new version is kept in the page: the rerun draws it
        st.rerun()
    except PlanError as e:
        st.error(literal(e))
        return
    _tell_conflicts(run.outcome.conflicts)
    if error := run.outcome.failures.get(index):
        state.flash("error", f"“{draft.sections[index].title}”：{error}")
    st.rerun()


def export_buttons(draft: Draft, findings: list) -> None:
    st.subheader("导出")
    for warning in service.download_warnings(draft, findings):
        st.warning(literal(warning))  # it names the sections
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
            # built when clicked, not on every rerun; the export is recorded on the draft
            data=partial(round_trip.export, state.draft_store(), draft.id, suffix),
            file_name=safe_filename(draft.title, suffix),
            mime=mime,
            key=f"dl{suffix}",
        )
    package_button(cols[3], draft, findings)


def current_draft() -> Draft | None:
    """The draft named in the URL (so a refresh, a second tab or a restart shows it)."""
    draft_id = st.query_params.get("draft") or st.session_state[state.DRAFT_ID]
    if not draft_id:
        return None
    try:
        draft = unsaved.load(draft_id)
    except DraftNotFound as e:
        st.warning(literal(e))
        st.session_state[state.DRAFT_ID] = None
        del st.query_params["draft"]
        return None
    except DatabaseUnavailable as e:  # and no copy of that draft in this page
        st.error(literal(f"{e}{unsaved.NOT_KEPT}"))
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
    st.caption(literal(f"起草方式：{draft.drafted_by} · 草稿编号 {draft.id}"))
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
    findings = service.findings(draft, state.retriever())
    by_section: dict[str, list] = {}
    for f in findings:
        by_section.setdefault(f.section, []).append(f)
    for f in by_section.get("全文", []):
        st.warning(literal(f"【{f.kind}】{f.message}"))
    for index, head in enumerate(draft.headings()):
        section_view(draft, index, by_section.get(head, []))
    st.text(f"{draft.author}\n{draft.date}".strip())
    export_buttons(draft, findings)
    edited.import_panel(draft)
