"""Heading-aware chunks: paths, roles, sizes, and sentences kept whole."""

import re

import pytest

from rag.library.chunking import MAX_CHARS, chunk_document
from rag.library.corpus import CorpusDoc, parse_corpus_text
from rag.text.zh import numbering_problems, role_of_heading
from tests.conftest import CORPUS

DOCS = [
    parse_corpus_text(p.read_text(encoding="utf-8"), p.stem) for p in sorted(CORPUS.glob("*.md"))
]

PLAN = CorpusDoc(
    doc_id="t",
    title="××社区××××年双拥工作计划",
    kind="计划",
    topic="shuangyong",
    source="test",
    body="\n".join(
        [
            "为做好本年度双拥工作，结合实际，特制定本计划。",
            "一、指导思想",
            "坚持服务国防和军队建设，巩固军政军民团结。" * 3,
            "二、工作目标",
            "全年走访慰问优抚对象不少于两次，退役军人服务站规范运行。" * 3,
            "三、具体措施",
            "（一）加强宣传教育",
            "1.利用宣传栏开展国防教育。" + "组织居民学习国防知识，增强国防意识。" * 20,
            "2.开展征兵宣传。" + "宣传征兵政策，动员适龄青年报名。" * 20,
            "（二）做好优抚工作",
            "1.春节走访慰问。" + "走访慰问军烈属和退役军人，帮助解决困难。" * 20,
            "（1）建立台账。逐户登记。",
            "四、保障措施",
            "成立双拥工作领导小组，落实经费，加强督查考核。" * 4,
        ]
    ),
)


def test_sections_roles_and_paths():
    chunks = chunk_document(PLAN)
    by_role = {c.role: c for c in chunks}
    assert set(by_role) == {"指导思想", "目标", "任务措施", "保障"}
    assert by_role["指导思想"].text.startswith("为做好本年度双拥工作")  # short preamble joins
    sections = [c.section for c in chunks if c.role == "任务措施"]
    assert sections == ["三、具体措施", "三、具体措施 > （二）做好优抚工作"]
    assert chunks[3].text.startswith("（二）做好优抚工作\n1.春节走访慰问。")
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert all(c.doc_id == "t" and c.topic == "shuangyong" and c.kind == "计划" for c in chunks)


@pytest.mark.parametrize(
    ("heading", "role"),
    [
        ("一、指导思想", "指导思想"),
        ("二、工作目标", "目标"),
        ("三、主要任务和具体措施", "任务措施"),
        ("四、时间安排", "安排"),
        ("五、保障措施", "保障"),
        ("一、总体要求", "指导思想"),
        ("二、存在的问题", "问题"),
        ("三、下一步打算", "建议"),
        ("一、基本情况", "情况"),
        ("努力办实事好事", None),
    ],
)
def test_role_of_heading(heading, role):
    assert role_of_heading(heading) == role


@pytest.mark.parametrize("doc", DOCS, ids=[d.doc_id for d in DOCS])
def test_corpus_chunks_cover_the_text_within_bounds(doc):
    chunks = chunk_document(doc)
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    # Nothing lost or duplicated: chunks concatenate back to the body.
    assert "".join(c.text.replace("\n", "") for c in chunks) == doc.body.replace("\n", "")
    # Every chunk ends at a sentence or paragraph end, never mid-sentence.
    ends = {m.end() for m in re.finditer(r"[。！？；”]", doc.body)}
    ends |= {m.start() for m in re.finditer(r"\n|$", doc.body)}
    position = 0
    flat = doc.body
    for c in chunks[:-1]:
        position = flat.index(c.text.split("\n")[-1], position) + len(c.text.split("\n")[-1])
        assert position in ends, (doc.doc_id, c.text[-20:])


def test_chunk_sizes_are_mostly_in_range():
    sizes = [len(c.text) for d in DOCS for c in chunk_document(d)]
    in_range = sum(150 <= s <= MAX_CHARS for s in sizes)
    assert in_range / len(sizes) >= 0.8, sorted(sizes)[:20]


def test_numbering_checker_finds_skips():
    assert numbering_problems("一、甲\n（一）乙\n（二）丙\n二、丁\n（一）戊\n1.己") == []
    assert numbering_problems("一、甲\n三、乙") == ["“三、乙”：应为第 2 项"]
