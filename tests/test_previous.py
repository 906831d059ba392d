"""Last year's own plan as the first source: read, carried over to the new year, drafted from,
checked, kept private to its draft."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import docx
import pytest

from rag.drafting.composer.compose import Composer
from rag.drafting.model.writer import section_messages
from rag.drafting.pipeline import _jobs, draft_sections, new_draft, outline_of, regenerate_section
from rag.drafting.previous import read_previous, read_previous_file
from rag.errors import InputFileError, NoMoreVariants
from rag.plan.carry_over import as_baseline, carry_over, mark_figures, move_date, plan_year
from rag.plan.draft import Draft
from rag.plan.profile import make_profile
from rag.plan.store import SQLiteDraftStore
from rag.review.checks import check_draft
from rag.text.zh import OLD_DATA
from tests.conftest import cli_library, run_cli

PREVIOUS = Path(__file__).parent / "data" / "previous_shuangyong_2025.txt"
PROFILE = {
    "community": "柳湾社区",
    "parent": "杭州市西湖区北山街道",
    "year": 2026,
    "topic": "双拥",
    "community_type": "老城区",
    "facts": {"退役军人": "131"},
    "priorities": ["走访慰问", "国防教育"],
    "date": "2026年1月8日",
}
# What last year's plan names: its own places, partners, teams and brands.
OWN_NAMES = ("青枫路卫生服务站", "柳湾文化广场", "南湖小学", "老兵之家", "拥军驿站")


def profile(**change):
    return make_profile({**PROFILE, **change})


def outline():
    return outline_of(profile())


@pytest.mark.parametrize(
    ("old", "context", "new"),
    [
        # 春节 is on 29 January 2025 and 17 February 2026: nine days before it either year
        (dt.date(2025, 1, 20), "1月20日春节前走访", dt.date(2026, 2, 8)),
        # the third Saturday of September, given with its weekday or by the key date's name
        (dt.date(2025, 9, 20), "9月20日（星期六）宣传", dt.date(2026, 9, 19)),
        (dt.date(2025, 9, 20), "9月20日全民国防教育日", dt.date(2026, 9, 19)),
        (dt.date(2025, 9, 20), "9月第三个星期六", dt.date(2026, 9, 19)),
        # fixed days stay, even on a weekend
        (dt.date(2025, 3, 8), "3月8日妇女节活动", dt.date(2026, 3, 8)),
        (dt.date(2025, 8, 1), "8月1日座谈会", dt.date(2026, 8, 1)),
        # 中秋 is on 6 October 2025 and 25 September 2026
        (dt.date(2025, 10, 6), "10月6日中秋联欢", dt.date(2026, 9, 25)),
        # a working day keeps its date
        (dt.date(2025, 3, 12), "3月12日召开例会", dt.date(2026, 3, 12)),
    ],
)
def test_dates_move_to_the_new_calendar(old, context, new):
    fixed = {(3, 8), (8, 1), (3, 12)}
    assert move_date(old, context, 2026, fixed) == new


def test_years_and_dates_are_carried_over_and_weekday_notes_recomputed():
    text = "2025年9月20日（星期六）举办活动，2026年继续。"
    out = carry_over(text, 2025, profile(year=2027))
    assert out == "2027年9月18日（星期六）举办活动，2028年继续。"


def test_figures_are_marked_unless_the_profile_gives_the_new_value():
    text = "走访126名退役军人和38户优抚对象，发放慰问金2.6万元，每月开展1次例会，覆盖率达到95%。"
    out = mark_figures(text, profile(facts={"退役军人": "131"}))
    assert "131名退役军人" in out and "126" not in out
    assert f"38户{OLD_DATA}" in out and f"2.6万元{OLD_DATA}" in out and f"95%{OLD_DATA}" in out
    assert "每月开展1次例会" in out  # a norm, not last year's figure


@pytest.mark.parametrize(
    ("done", "baseline"),
    [
        ("社区已建成退役军人服务站。", "在上年建成退役军人服务站的基础上，继续巩固提升。"),
        ("全年共开展了志愿服务活动。", "在上年开展志愿服务活动的基础上，继续巩固提升。"),
        ("每月开展1次学业辅导。", "每月开展1次学业辅导。"),
    ],
)
def test_what_was_done_becomes_the_baseline(done, baseline):
    assert as_baseline(done) == baseline


def test_the_plan_is_split_by_heading_and_mapped_onto_the_outline():
    previous = read_previous_file(PREVIOUS, outline(), 2026)
    assert previous.year == 2025 and previous.filename == PREVIOUS.name
    assert [(s.heading, s.index) for s in previous.sections] == [
        ("指导思想", 0),
        ("工作目标", 1),
        ("主要任务", 2),
        ("时间安排", 3),
        ("保障措施", 4),
    ]
    assert set(OWN_NAMES) <= set(previous.own_words()) | {"青枫路卫生服务站"}
    assert "青枫路" in previous.own_words()


def test_a_summarys_parts_go_to_the_tasks_and_its_problems_nowhere():
    text = (
        "柳湾社区2025年双拥工作总结\n一、主要工作情况\n全年共走访慰问优抚对象38户，建成拥军驿站。\n"
        "二、存在的不足\n宣传形式单一，部分军属参与不多，需要在新一年里加以改进和提高。\n"
        "三、下一步工作打算\n继续深化军地共建，办好“拥军驿站”，组织国防教育进小区活动。"
    )
    previous = read_previous(text.encode("utf-8"), "总结.txt", outline(), 2026)
    assert [s.index for s in previous.sections] == [2, None, 2]
    tasks = previous.passage_text(2, profile())
    assert "在上年走访慰问优抚对象38户【上年数据，请更新】" in tasks
    assert "宣传形式单一" not in tasks


def test_gbk_and_docx_files_are_read_like_library_uploads():
    text = PREVIOUS.read_text(encoding="utf-8")
    gbk = read_previous(text.encode("gbk"), "上年计划.txt", outline(), 2026)
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    word = read_previous(buffer.getvalue(), "上年计划.docx", outline(), 2026)
    assert gbk.sections == word.sections == read_previous_file(PREVIOUS, outline(), 2026).sections


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.txt", "空文件"),
        (b"x" * (6 * 1024 * 1024), "a.txt", "太大"),
        ("计划".encode(), "a.pdf", "不支持"),
        (b"PK\x03\x04broken", "a.docx", "已损坏"),
        (("柳湾社区双拥工作。" * 20).encode(), "a.txt", "没有找到可对应"),
    ],
)
def test_bad_files_are_refused_in_chinese(data, name, message):
    with pytest.raises(InputFileError, match=message):
        read_previous(data, name, outline(), 2026)


@pytest.fixture(scope="module")
def drafted(hash_index):
    _, _, retriever = hash_index
    previous = read_previous_file(PREVIOUS, outline(), 2026)
    writer = Composer()
    draft = new_draft(profile(), writer, previous)
    return draft_sections(draft, retriever=retriever, writer=writer)


def test_a_draft_keeps_last_years_names_and_moves_every_date(drafted):
    text = "\n".join(s.text for s in drafted.sections)
    for name in OWN_NAMES:
        assert name in text
    assert "2025" not in text
    assert "2月8日春节前" in text and "9月19日（星期六）" in text
    assert "1月20日" not in text and "9月20日" not in text
    assert f"38户{OLD_DATA}" in text and f"2.6万元{OLD_DATA}" in text
    assert "131名退役军人" in text  # the profile's new count, unmarked
    assert "在上年" in text and "的基础上" in text
    for figure in re.findall(r"\d+(?:\.\d+)?(?:户|万元|场)", text):
        assert f"{figure}{OLD_DATA}" in text or figure.startswith("131")


def test_its_checks_are_clean_but_for_the_marks(drafted):
    findings = check_draft(drafted, outline())
    kinds = {f.kind for f in findings}
    old = [item for f in findings if f.kind == "上年数据" for item in f.items]
    assert {"38户", "2.6万元", "24场"} <= set(old)
    # A sample's own standard (在7日内, 不少于10次) may be offered, marked 范文数字 to confirm;
    # nothing of a sample stands unmarked.
    assert not kinds & {"范文专名", "类型用语", "情况说法", "占位符", "句子不完整"}
    # last year's own figures are never taken for a sample's
    figures = [item for f in findings if f.kind == "范文数字" for item in f.items]
    assert not {"38", "2.6", "24", "45", "131"} & set(figures)


def test_sections_show_last_years_plan_beside_library_passages(drafted):
    for index in (1, 2, 3):
        passages = drafted.sections[index].version.passages
        assert passages[0].title == "上年计划" and passages[0].id == f"previous:{index}"
    tasks = drafted.sections[2].version.passages
    assert any(not p.id.startswith("previous:") for p in tasks)


def test_it_is_saved_with_its_draft_and_never_enters_the_library(drafted, hash_index, tmp_path):
    settings, store, _ = hash_index
    store_file = SQLiteDraftStore(tmp_path / "drafts.sqlite3")
    loaded = store_file.load(store_file.save(drafted))
    assert loaded.previous == drafted.previous
    assert loaded.profile.known_names == drafted.profile.known_names
    assert Draft.from_dict(json.loads(json.dumps(drafted.to_dict()))).previous == drafted.previous
    hits = store.collection.get(where_document={"$contains": "柳湾"})
    assert hits["ids"] == []
    assert not (settings.data_dir / "uploads").exists()


def test_the_model_is_told_what_last_years_plan_is(drafted, hash_index):
    _, _, retriever = hash_index
    (job,) = _jobs(drafted, [2], retriever, Composer())
    _, user = section_messages(job)
    assert "来源：上年计划" in user[1] and "拥军驿站" in user[1]
    assert "本社区自己上年的计划" in user[1]


def test_plan_year_is_the_titles():
    assert plan_year("柳湾社区2025年双拥工作计划\n2024年以来……2024年") == 2025


@pytest.mark.slow
def test_cli_draft_with_previous(tmp_path):
    env = cli_library(tmp_path / "lib")
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(PROFILE, ensure_ascii=False), encoding="utf-8")
    done = run_cli("draft", "--profile", str(path), "--previous", str(PREVIOUS), "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert "上年计划：5 节" in done.stderr
    data = json.loads(done.stdout)
    assert data["previous"]["year"] == 2025
    assert any(f["kind"] == "上年数据" for f in data["findings"])
    missing = run_cli(
        "draft", "--profile", str(path), "--previous", str(tmp_path / "无.txt"), env=env
    )
    assert missing.returncode == 2 and "找不到上年计划文件" in missing.stderr


def test_the_schedule_offers_last_years_then_the_two_key_date_layouts(hash_index):
    _, _, retriever = hash_index
    writer = Composer()
    previous = read_previous_file(PREVIOUS, outline(), 2026)
    draft = draft_sections(
        new_draft(profile(), writer, previous), retriever=retriever, writer=writer
    )
    texts = [draft.sections[3].text]
    for _ in range(2):
        regenerate_section(draft, 3, retriever=retriever, writer=writer)
        texts.append(draft.sections[3].text)
    assert "2月8日前完成慰问品发放" in texts[0] and len(set(texts)) == 3
    with pytest.raises(NoMoreVariants, match="三种排法（上年计划、按月份、按季度）"):
        regenerate_section(draft, 3, retriever=retriever, writer=writer)
