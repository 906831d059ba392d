"""The review package (送审包): the GB/T 9704 .docx, the 依据表 .xlsx listing every sentence with
its source and open marks (sample-only sentences set apart), and the 待确认事项; as one .zip,
and written by `draft --package` / `export --package`."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
from docx import Document

from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import draft_sections, new_draft, outline_of
from rag.export.package import (
    BASIS_HEADER,
    CALENDAR,
    FILLS,
    MODEL_ONLY,
    OWN,
    SAMPLE_ONLY,
    UNKNOWN,
    USER,
    package_files,
    package_name,
    package_zip,
    section_rows,
)
from rag.plan.draft import Draft, Passage, Version
from rag.plan.profile import make_profile
from rag.plan.sources import KINDS, Sentence, source
from rag.review.checks import Finding, check_draft
from tests.conftest import run_cli, small_corpus

PROFILE = {
    "community": "青石社区",
    "parent": "泉州市鲤城区开元街道",
    "year": 2027,
    "topic": "双拥",
    "community_type": "老城区",
    "households": 2100,
    "facts": {"退役军人": "88"},
    "priorities": ["春节走访慰问", "国防教育进校园"],
    "date": "2027年1月8日",
}


@pytest.fixture(scope="module")
def drafted(hash_index):
    _, _, retriever = hash_index
    writer = Composer()
    draft = new_draft(make_profile(PROFILE), writer)
    draft_sections(draft, retriever=retriever, writer=writer, concurrency=1)
    return draft


def findings_of(draft: Draft) -> list:
    return check_draft(draft, outline_of(draft.profile))


def sheet_rows(data: bytes, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return list(book[name].iter_rows(values_only=True))


def xlsx_of(files: dict[str, bytes]) -> bytes:
    (name,) = [n for n in files if n.endswith("_依据表.xlsx")]
    return files[name]


def test_the_package_holds_the_word_file_the_basis_table_and_the_open_items(drafted):
    findings = findings_of(drafted)
    data = package_zip(drafted, findings)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        files = {n: z.read(n) for n in z.namelist()}
    title = drafted.title
    assert sorted(files) == sorted(
        [f"{title}.docx", f"{title}_依据表.xlsx", f"{title}_待确认事项.txt"]
    )
    assert package_name(drafted) == f"{title}_送审包.zip"
    document = Document(io.BytesIO(files[f"{title}.docx"]))
    assert document.paragraphs[0].text == title
    assert sheet_rows(files[f"{title}_依据表.xlsx"], "依据表")[0] == BASIS_HEADER
    listed = files[f"{title}_待确认事项.txt"].decode("utf-8-sig")
    assert findings, "the composed draft has marks to confirm"
    for f in findings:
        assert f"【{f.section}】{f.kind}：{f.message}" in listed
        if f.items:
            assert "、".join(f.items) in listed


def test_the_basis_table_lists_every_sentence_of_every_section(drafted):
    findings = findings_of(drafted)
    rows = sheet_rows(xlsx_of(package_files(drafted, findings)), "依据表")[1:]
    for head, section in zip(drafted.headings(), drafted.sections, strict=True):
        listed = [r for r in rows if r[1] == head]
        # the sentences in order make up the section's text
        assert "".join(r[2] for r in listed) == "".join(section.text.split()), head
        # each with a known source, said in words
        assert all(r[3] in KINDS and r[4] and r[5] != UNKNOWN for r in listed), head
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))


def test_a_reviewer_sees_which_sentences_rest_on_nothing_but_a_sample(drafted):
    data = xlsx_of(package_files(drafted, findings_of(drafted)))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["依据表"]
    natures = []
    for row in sheet.iter_rows(min_row=2):
        natures.append(row[5].value)
        fill = row[2].fill.fgColor.rgb if row[2].fill.fill_type == "solid" else ""
        assert fill[-6:] == FILLS.get(row[5].value, ""), row[2].value
        assert (row[5].value == SAMPLE_ONLY) == (row[3].value == "范文"), row[2].value
        if row[3].value == "范文":
            assert "范文《" in row[4].value and "》" in row[4].value
    assert {OWN, CALENDAR, SAMPLE_ONLY} <= set(natures)
    # the 说明 sheet counts them by section and says what each means
    notes = sheet_rows(data, "说明")
    counted = {r[0]: r for r in notes[1 : 1 + len(drafted.sections)]}
    assert list(counted) == drafted.headings()
    assert sum(r[1] for r in counted.values()) == len(natures)
    column = notes[0].index(SAMPLE_ONLY)
    assert sum(r[column] for r in counted.values()) == natures.count(SAMPLE_ONLY)
    assert any(r[0] == SAMPLE_ONLY and "其他社区" in r[1] for r in notes)


SAMPLE = Passage("shuangyong_02::00003", "shuangyong_02", "双拥工作计划", "三、重点工作", "……")
SOURCES = [  # (sentence, source, what it rests on, words its description holds)
    (
        "本社区现有退役军人88名。",
        source("社区信息", field="facts", key="退役军人"),
        OWN,
        "退役军人",
    ),
    ("1月至2月：元旦春节走访慰问。", source("日历提纲", what="日历"), CALENDAR, "时间节点"),
    (
        "与驻地部队官兵一起举办知识竞赛。",
        source(
            "范文",
            doc_id=SAMPLE.doc_id,
            chunk_id=SAMPLE.id,
            how="改写",
            replaced=[["警卫连", "驻地部队"]],
        ),
        SAMPLE_ONLY,
        "《双拥工作计划》·三、重点工作（改写：警卫连→驻地部队）",
    ),
    (
        "每季度召开1次联席会议。",
        {**source("模型", given=[SAMPLE.id], chunk_id=SAMPLE.id), "overlap": 0.62},
        SAMPLE_ONLY,
        "措辞重合62%",
    ),
    ("做好征兵宣传。", source("模型", given=[SAMPLE.id]), MODEL_ONLY, "不出自"),
    ("社区书记亲自走访。", source("用户修改"), USER, "用户"),
]


@pytest.fixture
def sourced(drafted):
    """The draft with its first section written from sentences of every kind of source."""
    draft = Draft.from_dict(drafted.to_dict())
    sentences = [Sentence(text, src) for text, src, _, _ in SOURCES]
    text = "".join(s.text for s in sentences)
    draft.sections[0].add(Version(text, "model", sentences=sentences, given=[SAMPLE]))
    return draft


def test_each_source_is_described_and_what_it_rests_on_is_coloured(sourced):
    rows = section_rows(sourced, 0, [])
    assert [(r.text, r.kind, r.nature) for r in rows] == [
        (text, src["kind"], nature) for text, src, nature, _ in SOURCES
    ]
    for row, (_, _, _, words) in zip(rows, SOURCES, strict=True):
        assert words in row.detail, row
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_of(package_files(sourced, []))))["依据表"]
    colours = {}
    for row in list(sheet.iter_rows(min_row=2))[: len(SOURCES)]:
        fill = row[2].fill.fgColor.rgb if row[2].fill.fill_type == "solid" else ""
        colours[row[5].value] = fill[-6:]
    assert colours == {nature: FILLS.get(nature, "") for _, _, nature, _ in SOURCES}
    assert colours[SAMPLE_ONLY] and not colours[OWN]


def test_a_figure_is_marked_where_it_stands_as_a_whole_number(sourced):
    figures = [Finding(sourced.headings()[0], "范文数字", "范文中的数字……", ["1", "88"])]
    marks = {r.text: r.marks for r in section_rows(sourced, 0, figures)}
    assert marks["本社区现有退役军人88名。"] == "范文数字：88"
    assert marks["每季度召开1次联席会议。"] == "范文数字：1"
    assert marks["1月至2月：元旦春节走访慰问。"] == "范文数字：1"
    assert marks["做好征兵宣传。"] == ""
    sourced.sections[0].edit("2.发挥作用。每月25日前检查签字。")
    found = [Finding(sourced.headings()[0], "范文数字", "范文中的数字……", ["2"])]
    assert [r.marks for r in section_rows(sourced, 0, found)] == ["", ""]


def test_open_marks_stand_beside_their_sentence_and_edits_are_the_users(sourced):
    section = sourced.sections[0]
    added = "邀请警卫连官兵讲授国防知识。"
    section.edit(section.text + "\n" + added + '\n=HYPERLINK("http://x")')
    findings = findings_of(sourced)
    rows = section_rows(sourced, 0, findings)
    (row,) = [r for r in rows if r.text == added]
    assert row.kind == "用户修改" and "范文专名：警卫连" in row.marks
    # sentences the edit kept keep their source
    assert [r.kind for r in rows[: len(SOURCES)]] == [src["kind"] for _, src, _, _ in SOURCES]
    # a sentence that looks like a formula stays text
    data = xlsx_of(package_files(sourced, findings))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["依据表"]
    (cell,) = [r[2] for r in sheet.iter_rows(min_row=2) if str(r[2].value).startswith("=")]
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_open_items_sheet_has_every_finding(drafted):
    findings = findings_of(drafted)
    rows = sheet_rows(xlsx_of(package_files(drafted, findings)), "待确认事项")
    assert rows[1:] == [
        (n, f.section, f.kind, f.message, "、".join(f.items) or None)
        for n, f in enumerate(findings, 1)
    ]


def test_cli_writes_the_package_from_a_saved_draft_and_from_a_new_one(drafted, tmp_path):
    saved = tmp_path / "draft.json"
    saved.write_text(json.dumps(drafted.to_dict(), ensure_ascii=False), encoding="utf-8")
    folder = tmp_path / "送审"
    done = run_cli("export", str(saved), "--package", str(folder))
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(package_files(drafted, findings_of(drafted)))
    # the sources came back with the saved draft
    (xlsx,) = folder.glob("*_依据表.xlsx")
    rows = sheet_rows(xlsx.read_bytes(), "依据表")[1:]
    assert rows and all(r[3] in KINDS for r in rows)
    neither = run_cli("export", str(saved))
    assert neither.returncode == 2 and "--package" in neither.stderr

    corpus = small_corpus(tmp_path / "corpus", ("shuangyong_0*.md", "shuangyong_9*.md"))
    env = {"PLAN_DATA_DIR": str(tmp_path / "data"), "PLAN_EMBEDDING": "hash"}
    assert run_cli("ingest", str(corpus), env=env).returncode == 0
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(PROFILE, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "new"
    done = run_cli("draft", "--profile", str(profile), "--offline", "--package", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "已写入送审包" in done.stderr
    (xlsx,) = out.glob("*_依据表.xlsx")
    rows = sheet_rows(xlsx.read_bytes(), "依据表")[1:]
    assert rows and all(r[3] in KINDS for r in rows)
