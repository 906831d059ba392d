"""Input an attacker or a careless paste would give: spreadsheet formulas, path parts and
markup in names, plan types typed loosely. Nothing the app writes runs as a formula, names are
names, and a type close to a known one is read as that one (and said so)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from rag.batch.run import Batch, summary_xlsx, write_outputs
from rag.batch.table import table_rows, template_bytes
from rag.config import Settings
from rag.drafting.composer.compose import Composer
from rag.errors import ProfileError
from rag.export.sheets import is_formula_like, workbook_bytes
from rag.factory import open_draft_store
from rag.plan.profile import make_profile, profile_errors
from rag.plan.topics import match_topic, nearest_topics, resolve_topic, unknown_topic_message
from tests.conftest import run_cli
from tests.test_batch import HEADER, csv_bytes, good_rows

FORMULAS = [
    '=HYPERLINK("http://example.invalid","点此")社区',
    "=1+2社区",
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def formula_cells(data: bytes) -> list[str]:
    """Every cell of every sheet that a spreadsheet program would evaluate."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        f"{sheet.title}!{cell.coordinate}={cell.value!r}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_formula_like_strings_are_written_as_text_with_what_was_typed():
    data = workbook_bytes("表", ["甲", "乙"], [[value, 7] for value in FORMULAS])
    assert formula_cells(data) == []
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == FORMULAS
    assert all(row[0].quotePrefix for row in sheet.iter_rows(min_row=2))
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [7] * len(FORMULAS)


def test_the_same_strings_written_plainly_would_be_formulas():
    # The guard above is needed: openpyxl itself makes "=…" a formula cell.
    book = openpyxl.Workbook()
    book.active.append(FORMULAS[:2])
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(formula_cells(buffer.getvalue())) == 2


def test_is_formula_like():
    assert all(is_formula_like(v) for v in FORMULAS)
    assert not any(is_formula_like(v) for v in ["阳光社区", "", 5, None, "社区=1"])


def hostile_rows() -> list[list]:
    """A formula in every column of some rows, path parts and markup in names in others."""
    rows = [[FORMULAS[i % len(FORMULAS)] for _ in HEADER] for i in range(3)]
    rows += [
        ["../../../tmp/越界社区", "杭州市西湖区", 2027, "双拥", "", 2000, "走访慰问", 10],
        ["阳光社区", "=1+2", 2027, "双拥", "", 2000, "走访慰问", 10],
        ["**和平**社区", "杭州市西湖区", 2027, "双拥", "", 2000, "走访慰问", 10],
        ["新华社区", "杭州市西湖区", 2027, "双拥", "", 2000, "=1+2", "=SUM(A1)"],
    ]
    return rows


def text_xlsx(rows: list[list]) -> bytes:
    """A table whose cells hold the formulas as typed text (as a CSV opened in Excel gives)."""
    return workbook_bytes("社区信息", HEADER, rows)


@pytest.mark.parametrize("make", [csv_bytes, text_xlsx])
def test_a_batch_of_hostile_rows_writes_no_formula_anywhere(make, hash_index, tmp_path):
    _, _, retriever = hash_index
    rows = table_rows(make(hostile_rows()), "t.csv" if make is csv_bytes else "t.xlsx")
    # Names that are not names are refused with a Chinese message; the rest is drafted.
    refused = [r for r in rows if r.errors]
    assert len(refused) == 6
    assert any("不能包含“/”" in e for r in refused for e in r.errors)
    assert any("不能以“=”" in e for r in refused for e in r.errors)
    assert any("排版符号" in e for r in refused for e in r.errors)
    store = open_draft_store(Settings(data_dir=tmp_path / "data"))
    out = tmp_path / "out"
    results = Batch(rows, out, retriever=retriever, make_writer=Composer, store=store).run()
    assert [r.ok for r in results].count(True) == 1
    summary, archive = write_outputs(out, results)
    assert formula_cells(summary.read_bytes()) == []
    with zipfile.ZipFile(archive) as z:
        assert formula_cells(z.read("汇总.xlsx")) == []
        assert all(".." not in n and not n.startswith("/") for n in z.namelist())
    # What the table said is kept visibly, as text.
    sheet = openpyxl.load_workbook(summary).active
    shown = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert '=HYPERLINK("http://example.invalid","点此")社区' in shown
    assert formula_cells(summary_xlsx(results)) == []
    assert formula_cells(template_bytes()) == []


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("community", "../../../tmp/越界社区", "不能包含“/”"),
        ("community", "越界社区\\..\\x", "不能包含“/”"),
        ("community", "=1+2社区", "不能以“=”"),
        ("community", "＝1+2社区", "不能以“=”"),
        ("community", "阳光\n社区", "控制字符"),
        ("community", "<script>阳光</script>社区", "排版符号"),
        ("community", "[阳光社区](http://x)", "排版符号"),
        ("parent", "@杭州市西湖区", "不能以“=”"),
        ("parent", "杭州市/西湖区", "不能包含“/”"),
        ("author", "阳光社区居委会<br>", "排版符号"),
        ("author", "-阳光社区", "不能以“=”"),
    ],
)
def test_names_that_are_not_names_are_refused_in_chinese(field, value, says):
    data = {"community": "阳光社区", "year": 2027, "topic": "双拥", field: value}
    errors = profile_errors(data)
    assert says in errors[field], errors
    with pytest.raises(ProfileError):
        make_profile(data)


@pytest.mark.parametrize("name", ["阳光社区", "阳光社区（筹）", "A区社区", "阳光·和平社区"])
def test_ordinary_names_pass(name):
    parent = "杭州市西湖区北山街道"
    data = {"community": name, "parent": parent, "author": name, "year": 2027, "topic": "双拥"}
    assert profile_errors(data) == {}


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("防汛应急", "yingji"),
        ("防汛防灾应急工作", "yingji"),
        ("老龄工作安排", "laoling"),
        ("2027年度双拥工作计划", "shuangyong"),
        ("阳光社区消防工作计划", "xiaofang"),
        ("垃圾分类工作方案", "huanjing"),
        ("关爱未成年人工作", "weichengnian"),
        ("禁毒宣传月", "jindu"),
    ],
)
def test_a_type_close_to_a_known_one_is_read_as_it_and_said_so(typed, key):
    match = match_topic(typed)
    assert match is not None and match.key == key
    assert match.note(typed) == f"计划类型“{typed}”按“{match.name}”处理"
    assert make_profile({"community": "阳光社区", "year": 2027, "topic": typed}).topic == key


def test_an_exact_type_needs_no_note():
    assert match_topic("双拥").note("双拥") == ""
    assert resolve_topic("shuangyong") == "shuangyong"


def test_an_ambiguous_or_unknown_type_is_refused_with_the_nearest_suggested():
    assert resolve_topic("消防应急") is None  # 消防 or 应急: the user decides
    assert nearest_topics("消防应急")[:2] == ["消防安全工作", "防汛防灾与应急管理工作"]
    assert "最接近的有“消防安全工作”" in unknown_topic_message("消防应急")
    assert resolve_topic("扫黑除恶") is None
    assert "请填写以下类型之一" in unknown_topic_message("扫黑除恶")
    errors = profile_errors({"community": "阳光社区", "year": 2027, "topic": "消防应急"})
    assert "最接近的有" in errors["topic"]


def test_the_batch_table_says_how_a_loose_type_was_read():
    rows = good_rows(2)
    rows[0][3] = "防汛防灾应急工作"
    read = table_rows(csv_bytes(rows), "t.csv")
    assert read[0].profile.topic == "yingji"
    assert read[0].notes == ["第2行 计划类型“防汛防灾应急工作”按“防汛防灾与应急管理工作”处理"]
    assert read[1].notes == []


def test_cli_search_says_how_a_loose_type_was_read(tmp_path):
    done = run_cli(
        "search",
        "汛前隐患排查",
        "--topic",
        "防汛应急",
        env={"PLAN_DATA_DIR": str(tmp_path / "data"), "PLAN_EMBEDDING": "hash"},
    )
    assert "计划类型“防汛应急”按“防汛防灾与应急管理工作”处理" in done.stderr
    refused = run_cli(
        "search",
        "x",
        "--topic",
        "消防应急",
        env={"PLAN_DATA_DIR": str(tmp_path / "data"), "PLAN_EMBEDDING": "hash"},
    )
    assert refused.returncode != 0 and "最接近的有" in refused.stderr


def test_a_draft_saved_before_the_name_rules_still_opens(tmp_path):
    from rag.plan.draft import Draft
    from rag.plan.outlines import load_outlines

    profile = make_profile({"community": "阳光社区", "year": 2027, "topic": "双拥"})
    profile = profile.model_copy(update={"community": "[旧]**阳光**社区"})
    outline = load_outlines()["shuangyong"]
    draft = Draft.new(profile, outline, "", "composer")
    again = Draft.from_dict(draft.to_dict())
    assert again.profile.community == "[旧]**阳光**社区"
    with pytest.raises(ProfileError):  # typed anew, the same name is refused
        make_profile(again.profile.model_dump())
