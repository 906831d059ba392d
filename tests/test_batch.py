"""Batch drafting from a street office's table: reading and validating rows, one plan per
valid row (file, draft, summary, zip), resuming, plans that do not copy each other."""

from __future__ import annotations

import csv
import io
import itertools
import json
import threading
import zipfile

import openpyxl
import pytest

from rag.batch.run import SUMMARY_FILE, ZIP_FILE, Batch, BatchCallbacks, write_outputs
from rag.batch.table import TEMPLATE_HEADER, table_rows, template_bytes
from rag.config import Settings
from rag.drafting import service
from rag.drafting.composer.compose import Composer
from rag.drafting.composer.variety import BatchVariety, sample_keys
from rag.drafting.edited import review_file
from rag.drafting.model.providers import make_llm_config
from rag.drafting.model.writer import ModelWriter
from rag.errors import InputFileError
from rag.factory import open_draft_store
from rag.review.checks import marks_warning
from tests.conftest import cli_library, run_cli

HEADER = ["社区名称", "上级单位", "年度", "计划类型", "社区类型", "户数", "工作重点", "退役军人"]
NAMES = ["阳光", "和平", "新华", "建设", "光明", "东风"]
TYPES = ["老城区", "新建商品房小区", "村改居", "单位型社区", "城乡结合部", "混合型"]


def good_rows(n: int = 6) -> list[list]:
    return [
        [
            f"{NAMES[i]}社区",
            "杭州市西湖区北山街道",
            2027,
            "双拥",
            TYPES[i],
            2000 + 37 * i,
            "退役军人服务站规范化建设、征兵宣传进小区" if i % 2 else "走访慰问；国防教育",
            100 + i,
        ]
        for i in range(n)
    ]


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_as_excel_and_wps_save_it(encoding):
    rows = table_rows(csv_bytes(good_rows(2), encoding), "社区.csv")
    assert [r.profile.community for r in rows] == ["阳光社区", "和平社区"]
    assert rows[0].profile.priorities == ["走访慰问", "国防教育"]
    assert rows[1].profile.priorities == ["退役军人服务站规范化建设", "征兵宣传进小区"]
    assert rows[0].profile.facts == {"退役军人": "100"}  # a further column is a fact
    assert rows[0].number == 2  # as the spreadsheet numbers it, under the header


def test_xlsx_rows_and_the_template_read_back():
    rows = table_rows(xlsx_bytes(good_rows(3)), "社区.xlsx")
    assert [r.profile.households for r in rows] == [2000, 2037, 2074]
    template = table_rows(template_bytes(), "模板.xlsx")
    assert len(template) == 1 and template[0].profile.community == "阳光社区"
    assert template[0].profile.facts == {"退役军人": "126", "优抚对象": "38"}
    sheet = openpyxl.load_workbook(io.BytesIO(template_bytes())).active
    assert [c.value for c in sheet[1]] == TEMPLATE_HEADER


def test_bad_rows_are_reported_by_row_and_field_and_do_not_stop_the_others():
    rows = [
        *good_rows(2),
        ["坏社区", "", 2027, "双拥", "老城区", "很多", "", ""],
        ["", "", 2027, "双拥", "", "", "", ""],
        ["阳光社区", "", 2027, "双拥", "", "", "", ""],
        ["远方社区", "", 1999, "不存在的类型", "", "", "", ""],
    ]
    result = table_rows(csv_bytes(rows), "社区.csv")
    assert [r.profile is not None for r in result] == [True, True, False, False, False, False]
    assert result[2].errors == ["第4行 户数：应为整数"]
    assert result[3].errors == ["第5行 社区名称：必须填写"]
    assert result[4].errors == ["第6行 社区名称：与第2行重复"]
    assert len(result[5].errors) == 2 and all(e.startswith("第7行") for e in result[5].errors)
    assert any("年度" in e for e in result[5].errors)


def test_type_and_year_options_apply_to_every_row():
    rows = table_rows(csv_bytes(good_rows(2)), "社区.csv", topic="消防", year=2028)
    assert {(r.profile.topic, r.profile.year) for r in rows} == {("xiaofang", 2028)}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "空文件"),
        (b"a,b", "a.pdf", "不支持"),
        (b"PK\x03\x04broken", "a.xlsx", "已损坏"),
        ("户数,年度\n1,2027\n".encode(), "a.csv", "没有“社区名称”一列"),
        ("社区名称,年度\n".encode(), "a.csv", "只有表头"),
        (bytes(range(128, 256)) * 10, "a.csv", "编码"),
    ],
)
def test_bad_tables_are_refused_in_chinese(data, name, message):
    with pytest.raises(InputFileError, match=message):
        table_rows(data, name)


def test_a_zip_bomb_table_is_refused_before_it_is_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    with pytest.raises(InputFileError, match=r"解压后超过|压缩比"):
        table_rows(buffer.getvalue(), "a.xlsx")


class Recorder(BatchCallbacks):
    def __init__(self):
        self.lines = []

    def row_finished(self, result, done, total):
        self.lines.append((result.number, done, total, result.ok, result.resumed))


@pytest.fixture
def batch_setup(hash_index, tmp_path):
    _, _, retriever = hash_index
    store = open_draft_store(Settings(data_dir=tmp_path / "data"))
    return retriever, store, tmp_path / "out"


def test_a_batch_writes_a_plan_per_valid_row_a_summary_and_a_zip(batch_setup):
    retriever, store, out = batch_setup
    rows = table_rows(
        csv_bytes([*good_rows(3), ["坏社区", "", 2027, "双拥", "", "x", "", ""]]), "t.csv"
    )
    progress = Recorder()
    results = Batch(
        rows, out, retriever=retriever, make_writer=Composer, store=store, callbacks=progress
    ).run()
    assert [r.ok for r in results] == [True, True, True, False]
    assert "第5行 户数：应为整数" in results[3].error
    assert sorted(n for n, *_ in progress.lines) == [2, 3, 4, 5]
    assert [d for _, d, _, _, _ in progress.lines] == [1, 2, 3, 4]
    for r in results[:3]:
        docx = out / r.file
        assert docx.read_bytes().startswith(b"PK") and r.file.endswith("2027年双拥工作计划.docx")
        assert store.load(r.draft_id).profile.community == r.community  # a normal draft
        # the file is an export of the saved draft: an edited copy comes back to it
        assert [e["format"] for e in store.load(r.draft_id).exports] == ["docx"]
        assert review_file(store.load(r.draft_id), docx.read_bytes(), r.file).marked
        assert r.sections == 5 and r.characters > 1000 and r.seconds > 0
        # the batch warns of marks to confirm as the draft's page does
        page_warning = marks_warning(service.findings(store.load(r.draft_id)))
        assert r.marks_warning == page_warning and r.to_confirm > 0
    assert {i.id for i in store.list()} == {r.draft_id for r in results[:3]}
    summary, archive = write_outputs(out, results)
    sheet = openpyxl.load_workbook(summary).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["行号", "社区", "文件"] and len(values) == 5
    assert values[4][7] == results[3].error
    names = zipfile.ZipFile(archive).namelist()
    assert sorted(names) == sorted([r.file for r in results[:3]] + [SUMMARY_FILE])


def test_a_stopped_batch_resumes_keeping_the_rows_drafted(batch_setup):
    retriever, store, out = batch_setup
    rows = table_rows(csv_bytes(good_rows(4)), "t.csv")
    stop = threading.Event()

    class StopAfterTwo(BatchCallbacks):
        def row_finished(self, result, done, total):
            if done == 2:
                stop.set()

    first = Batch(
        rows,
        out,
        retriever=retriever,
        make_writer=Composer,
        store=store,
        callbacks=StopAfterTwo(),
        stop=stop,
    ).run()
    assert [r.community for r in first] == ["阳光社区", "和平社区"]
    kept = {r.file: (out / r.file).stat().st_mtime_ns for r in first}
    second = Batch(rows, out, retriever=retriever, make_writer=Composer, store=store).run()
    assert [(r.ok, r.resumed) for r in second] == [(True, True)] * 2 + [(True, False)] * 2
    assert {f: (out / f).stat().st_mtime_ns for f in kept} == kept  # not drafted again
    assert len(store.list()) == 4
    state = json.loads((out / "batch_state.json").read_text(encoding="utf-8"))
    assert len(state) == 4


def sample_sentences(draft) -> set[str]:
    """The sentences of a plan that may come from samples (the schedule is the calendar's)."""
    return set().union(*(sample_keys(s.text) for s in draft.sections if s.role != "安排"))


def test_plans_of_one_batch_do_not_copy_each_other(batch_setup):
    retriever, store, out = batch_setup
    rows = table_rows(csv_bytes(good_rows(6)), "t.csv")
    results = Batch(rows, out, retriever=retriever, make_writer=Composer, store=store).run()
    keys = [sample_sentences(store.load(r.draft_id)) for r in results]
    batch_shared = [len(a & b) for a, b in itertools.combinations(keys, 2)]
    for a, b in itertools.combinations(keys, 2):  # b is drafted after a
        limit = BatchVariety.MAX_SHARED * max(len(b), BatchVariety.FULL_PLAN)
        assert len(a & b) <= limit + 2  # a unit's sentences are split a little differently
    # the same rows drafted one by one, each on its own, share much more
    alone = []
    for row in rows:
        from rag.drafting.pipeline import draft_sections, new_draft

        writer = Composer()
        draft = draft_sections(new_draft(row.profile, writer), retriever=retriever, writer=writer)
        alone.append(sample_sentences(draft))
    alone_shared = [len(a & b) for a, b in itertools.combinations(alone, 2)]
    assert sum(batch_shared) < 0.7 * sum(alone_shared)


def test_every_two_plans_of_a_batch_share_under_the_cap_of_the_smaller(batch_setup):
    retriever, store, out = batch_setup
    rows = table_rows(csv_bytes(good_rows(6)), "t.csv")
    results = Batch(rows, out, retriever=retriever, make_writer=Composer, store=store).run()
    keys = [sample_sentences(store.load(r.draft_id)) for r in results]
    for a, b in itertools.combinations(keys, 2):
        assert len(a & b) < BatchVariety.MAX_SHARED * min(len(a), len(b))
    assert all(r.findings.get("待补充", 0) <= 2 for r in results)  # not by leaving plans empty


def test_a_model_drafts_several_communities_at_once_within_bounds(batch_setup, fake_llm):
    retriever, store, out = batch_setup
    fake_llm.add(piece_delay=0.01)
    config = make_llm_config("custom", "fake-model", fake_llm.base_url, None, timeout=30)
    rows = table_rows(csv_bytes(good_rows(4)), "t.csv")
    results = Batch(
        rows,
        out,
        retriever=retriever,
        make_writer=lambda: ModelWriter(config),
        store=store,
        workers=2,
    ).run()
    assert all(r.ok for r in results) and len(store.list()) == 4
    sections = len(store.load(results[0].draft_id).sections)
    assert 1 < fake_llm.max_in_flight <= 2 * sections  # two communities, their sections each
    assert len(fake_llm.requests) == 4 * sections


@pytest.mark.slow
def test_cli_batch(tmp_path):
    env = cli_library(tmp_path / "lib")
    table = tmp_path / "社区.csv"
    table.write_bytes(
        csv_bytes([*good_rows(2), ["坏社区", "", 2027, "双拥", "", "x", "", ""]], "gbk")
    )
    out = tmp_path / "out"
    done = run_cli("batch", str(table), "--out", str(out), "--offline", "--year", "2028", env=env)
    assert done.returncode == 1, done.stderr  # a bad row: reported, the others drafted
    assert "[1/3] 第4行 坏社区：未起草。第4行 户数：应为整数" in done.stderr  # validated first
    assert "已完成 002_阳光社区2028年双拥工作计划.docx" in done.stderr
    assert "处标记尚未处理" in done.stderr  # the page's download warning, per plan
    assert done.stdout.splitlines()[0].startswith("行号\t社区")
    assert (out / ZIP_FILE).exists() and (out / SUMMARY_FILE).exists()
    again = run_cli("batch", str(table), "--out", str(out), "--offline", "--year", "2028", env=env)
    assert again.stderr.count("沿用上次结果") == 2
    template = tmp_path / "模板.xlsx"
    assert run_cli("batch-template", str(template), env=env).returncode == 0
    assert len(table_rows(template.read_bytes(), template.name)) == 1
