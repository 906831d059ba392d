"""依据 beside each section (every sentence with its source and the marks still open on it, a
sample's sentence told apart from the community's own facts at a glance) and the download of
the review package (送审包). Sentences, titles and marks are not the app's own: escaped."""

from __future__ import annotations

from collections import Counter
from functools import partial

import streamlit as st

from rag.export.package import (
    CALENDAR,
    MODEL_ONLY,
    OWN,
    SAMPLE_ONLY,
    UNKNOWN,
    USER,
    package_name,
    package_zip,
    section_rows,
)
from rag.plan.draft import Draft
from ui.literal import literal

COLOURS = {
    OWN: "green",
    CALENDAR: "blue",
    SAMPLE_ONLY: "orange",
    MODEL_ONLY: "violet",
    USER: "gray",
    UNKNOWN: "gray",
}
LEGEND = (
    "绿色：本社区信息（社区信息表和上年计划）；蓝色：本年度时间节点和计划提纲；"
    "橙色：仅凭范文（其他社区的写法，请核对是否符合本社区）；紫色：模型写成、无范文出处；"
    "灰色：用户填写或未记录。"
)
PACKAGE_LABEL = "下载送审包（Word＋依据表＋待确认事项）"
PACKAGE_HELP = (
    "一个压缩包：公文格式的 Word 文件；依据表（每一句的来源和待确认的标记，仅凭范文的句子标为橙色）；"
    "待确认事项清单。供审核、签发的同志逐句核对。"
)


def sources_view(draft: Draft, index: int, findings: list) -> None:
    """The 依据 expander of a section: its sentences in order, each with a coloured label of
    what it rests on, where it came from, and its open marks."""
    rows = section_rows(draft, index, findings)
    counts = Counter(row.nature for row in rows)
    sample = f"，仅凭范文 {counts[SAMPLE_ONLY]} 句" if counts[SAMPLE_ONLY] else ""
    with st.expander(f"依据（{len(rows)} 句{sample}）"):
        st.caption(LEGEND)
        for n, row in enumerate(rows, 1):
            label = f":{COLOURS[row.nature]}-background[{row.nature}]"
            st.markdown(f"**{n}** {label} {literal(row.text)}")
            mark = f" · :red[{literal('待确认：' + row.marks)}]" if row.marks else ""
            st.caption(literal(row.detail) + mark)


def package_button(column, draft: Draft, findings: list) -> None:
    """The review package's download, built when clicked."""
    column.download_button(
        PACKAGE_LABEL,
        data=partial(package_zip, draft, findings),
        file_name=package_name(draft),
        mime="application/zip",
        key="dl.zip",  # beside the other downloads (dl.docx, dl.md, dl.txt)
        help=PACKAGE_HELP,
    )
