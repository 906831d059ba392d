"""批量起草: a street office's table of communities → a plan for each, with progress, the
summary table and a zip to download. Every plan is also a draft in 我的草稿."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from rag.batch.run import (
    SUMMARY_HEADER,
    ZIP_FILE,
    Batch,
    run_with_progress,
    summary_rows,
    write_outputs,
)
from rag.batch.table import table_rows, template_bytes
from rag.config import get_settings
from rag.errors import PlanError
from ui import state
from ui.literal import literal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _out_folder(data: bytes, topic: str, year: int, mode: str) -> Path:
    """The batch's folder: the same table with the same choices resumes where it stopped (the
    same user's only: with accounts, another's batch and its drafts are never reached)."""
    key = hashlib.sha1(data + f"|{topic}|{year}|{mode}|{state.owner()}".encode()).hexdigest()[:12]
    return Path(get_settings().data_dir) / "batches" / key


def _run(upload, topic: str, year: int) -> None:
    data = upload.getvalue()
    try:
        rows = table_rows(data, upload.name, topic=topic or None, year=year or None)
        writer = state.writer()
    except PlanError as e:
        st.error(literal(e))
        return
    if notes := [n for r in rows for n in r.notes]:
        st.info("以下各行的计划类型按最接近的类型处理：")
        st.text("\n".join(notes))
    if bad := [r for r in rows if r.errors]:
        st.warning(f"{len(bad)} 行有问题，未起草（其余各行照常起草）：")
        st.text("\n".join(e for r in bad for e in r.errors))
    out = _out_folder(data, topic, year, writer.name)
    batch = Batch(
        rows,
        out,
        retriever=state.retriever(),  # the shared samples and this user's own uploads
        make_writer=lambda: writer,  # built here: the session is not reachable from the batch
        store=state.draft_store(),
    )
    progress = st.progress(0.0, text=f"正在起草（{writer.name}）……")
    lines = st.empty()
    finished: list[str] = []
    try:
        for result, done, total in run_with_progress(batch):
            name = result.community or f"第{result.number}行"
            if result.ok:
                note = "沿用上次结果" if result.resumed else f"已完成，{result.characters}字"
            else:
                note = "未起草"
            finished.append(f"{name}：{note}")
            progress.progress(done / total, text=f"已完成 {done}/{total}：{name}")
            lines.text("\n".join(finished[-8:]))
        results = batch.in_order()
        write_outputs(out, results)
    except PlanError as e:
        st.error(literal(f"批量起草没有完成：{e}已完成的各行已保存，再次点击“开始起草”会继续。"))
        return
    st.session_state[state.BATCH_RESULT] = (str(out), results)
    st.rerun()


def _show_result() -> None:
    kept = st.session_state[state.BATCH_RESULT]
    if not kept:
        return
    out, results = Path(kept[0]), kept[1]
    drafted = sum(1 for r in results if r.ok)
    st.subheader("汇总")
    st.caption(f"共 {len(results)} 行，已起草 {drafted} 份；每份计划也在“我的草稿”中，可逐节修改。")
    # the warning each draft's page gives before its download, one line per plan
    if marked := [
        f"{r.community or f'第{r.number}行'}：{r.marks_warning}" for r in results if r.marks_warning
    ]:
        st.warning("\n\n".join(literal(line) for line in marked))
    st.dataframe(
        pd.DataFrame(summary_rows(results), columns=list(SUMMARY_HEADER)),
        hide_index=True,
        width="stretch",
    )
    archive = out / ZIP_FILE
    if archive.is_file():
        st.download_button(
            "下载全部（Word 文件和汇总表，.zip）",
            data=archive.read_bytes(),
            file_name=ZIP_FILE,
            mime="application/zip",
            key="batch_zip",
            type="primary",
        )


def page() -> None:
    st.header("批量起草")
    st.caption(
        "街道为各社区同时起草同一类计划：每行一个社区，每列一项社区信息，其余各列作为关键数据"
        "（列名为事项，单元格为数量），工作重点用“、”或“；”分隔。有问题的行会标明行号和栏目，"
        "不影响其他行。中途停止后再次点击“开始起草”，已起草的社区会保留。"
    )
    st.download_button(
        "下载社区信息表模板（.xlsx）",
        data=template_bytes,
        file_name="社区信息表模板.xlsx",
        mime=XLSX,
        key="batch_template",
    )
    upload = st.file_uploader(
        "社区信息表（.xlsx 或 .csv）", type=["xlsx", "csv"], key=state.BATCH_TABLE
    )
    names = state.topic_names()
    left, right = st.columns(2)
    left.selectbox(
        "计划类型",
        ["", *names],
        format_func=lambda k: names.get(k, "按表格中的“计划类型”列"),
        key=state.BATCH_TOPIC,
    )
    right.number_input(
        "年度（0 表示按表格中的“年度”列）",
        min_value=0,
        max_value=2100,
        step=1,
        key=state.BATCH_YEAR,
    )
    start = st.button("开始起草", type="primary", key="batch_start", disabled=upload is None)
    if start and upload is not None:
        _run(upload, st.session_state[state.BATCH_TOPIC], st.session_state[state.BATCH_YEAR])
    _show_result()
