"""The community form of the 起草 page: its widgets keyed by profile field, filled once from
the open draft's profile (or empty), each with its field's error message under it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rag.drafting import service
from rag.plan.community import COMMUNITY_TYPES
from rag.plan.draft import Draft
from ui import state
from ui.literal import literal


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
    p = draft.profile if draft else None
    st.session_state[state.form_key("community")] = p.community if p else ""
    st.session_state[state.form_key("parent")] = p.parent if p else ""
    st.session_state[state.form_key("year")] = p.year if p else service.default_year()
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
