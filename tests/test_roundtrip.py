"""The Word round trip: a plan written by the app, exported, edited as a person would in Word
or WPS (or a text editor), read back, reviewed, accepted per section, versioned, re-checked."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

import pytest

from rag.drafting import edited as round_trip
from rag.drafting.composer.compose import Composer
from rag.drafting.edited import accept_checked, review_file
from rag.drafting.pipeline import draft_sections, new_draft
from rag.errors import InputFileError
from rag.export.files import exported, render
from rag.export.text import to_text
from rag.library.edited import read_edited
from rag.plan.draft import Draft
from rag.plan.profile import make_profile
from rag.plan.revise import IMPORT, accept
from rag.review.diff import ADDED, CHANGED, REMOVED, changes
from rag.text.zh import cn_numeral
from tests import word_edits as word

PROFILE = {
    "community": "阳光社区",
    "parent": "杭州市西湖区北山街道",
    "year": 2027,
    "topic": "消防",
    "households": 2860,
    "date": "2027年1月8日",
}
NEW_TITLE = "阳光社区2027年度消防安全工作计划"
INSERTED = "表彰先进楼长，"  # the tracked insertion


@pytest.fixture(scope="module")
def drafted(hash_index) -> dict:
    _, _, retriever = hash_index
    writer = Composer()
    draft = draft_sections(
        new_draft(make_profile(PROFILE), writer), retriever=retriever, writer=writer
    )
    draft.id = "0123456789ab"
    return draft.to_dict()


@pytest.fixture
def draft(drafted) -> Draft:
    return Draft.from_dict(copy.deepcopy(drafted))


@dataclass(frozen=True)
class Edits:
    """Where a person's edits go in this draft (whatever the library made it say): a clause of
    一 to delete, words of 二 to reword, the last item of 三 to add one after, words of 四 to
    insert before; and the item added."""

    clause: str
    old: str
    new: str
    last_item: str
    added: str
    before: str

    @classmethod
    def of(cls, draft: Draft) -> Edits:
        lines = [s.text.split("\n") for s in draft.sections]
        first = next(line for line in lines[0] if line.count("，") >= 2)
        item = next(
            line for line in lines[1] if re.match(r"（[一二三四五六七八九十]+）.{12}", line)
        )
        old = item[3:13]
        items = [line for line in lines[2] if re.match(r"（[一二三四五六七八九十]+）", line)]
        number = cn_numeral(len(items) + 1)
        added = f"（{number}）加强消防宣传阵地建设。在xx小区各楼栋单元门口张贴消防安全提示。"
        last = lines[3][-1]
        edits = cls(
            first.split("，")[1] + "，",
            old,
            old[:4] + "切实" + old[4:],
            lines[2][-1],
            added,
            last[-9:-1],
        )
        whole = to_text(draft)
        for part in (edits.clause, edits.old, edits.before):
            assert whole.count(part) == 1, part
        return edits


def edited_in_word(draft: Draft) -> bytes:
    """The export, then a day's work in Word with track changes on for two of the edits."""
    edits = Edits.of(draft)
    doc = word.load(exported(draft, ".docx"))
    word.replace(doc, draft.title, NEW_TITLE)
    word.track_delete(doc, edits.clause)  # 一、指导思想
    word.replace(doc, edits.old, edits.new)  # 二、工作目标
    word.add_after(doc, edits.last_item, edits.added)  # 三、主要任务
    word.track_insert(doc, edits.before, INSERTED)  # 四、时间安排
    word.replace(doc, "五、保障措施", "五、组织保障")
    return word.save(doc)


def test_the_draft_is_as_the_edits_expect(draft):
    assert draft.headings() == [
        "一、指导思想",
        "二、工作目标",
        "三、主要任务",
        "四、时间安排",
        "五、保障措施",
    ]
    Edits.of(draft)


def _runs(change) -> list[tuple[str, int]]:
    return [(p.kind, len(p.text)) for p in change.pieces if p.kind != "same"]


def test_a_word_edit_offers_exactly_its_changes(draft):
    data = edited_in_word(draft)
    found = review_file(draft, data, "消防计划（张科长改）.docx")
    assert found.marked and found.export is draft.exports[-1]
    assert found.removed == [] and found.app_changed == []
    assert [(c.key, c.label, c.new) for c in found.head] == [("title", "标题", NEW_TITLE)]
    assert [(c.key, c.kind, c.index) for c in found.sections] == [
        (f"s{i}", "changed", i) for i in range(5)
    ]
    by = {c.index: changes(c.current, c.text) for c in found.sections}
    edits = Edits.of(draft)
    # 一: the tracked deletion is gone from the text, and only it (one run of its length: a
    # comma on either side of the clause is the same change)
    [deleted] = by[0]
    assert deleted.kind == CHANGED and deleted.new == deleted.old.replace(edits.clause, "")
    assert _runs(deleted) == [(REMOVED, len(edits.clause))]
    # 二: one sentence reworded, the words within it marked
    [changed] = by[1]
    assert changed.new == changed.old.replace(edits.old, edits.new)
    assert _runs(changed) == [(ADDED, 2)]
    # 三: a paragraph added (two sentences)
    assert [(c.kind, c.new) for c in by[2]] == [
        (ADDED, edits.added.split("。")[0] + "。"),
        (ADDED, "在xx小区各楼栋单元门口张贴消防安全提示。"),
    ]
    # 四: the tracked insertion is in the text
    [inserted] = by[3]
    assert inserted.new == inserted.old.replace(edits.before, INSERTED + edits.before)
    assert _runs(inserted) == [(ADDED, len(INSERTED))]
    # 五: renamed, its text as it was
    assert found.sections[4].renamed and found.sections[4].title == "组织保障"
    assert by[4] == []


def test_accepted_per_section_versioned_and_checked(draft):
    data = edited_in_word(draft)
    draft.sections[3].locked = True  # locked in the app
    before = copy.deepcopy(draft.to_dict())
    found = review_file(draft, data, "修改稿.docx")
    assert draft.to_dict() == before  # a review changes nothing
    done, findings = accept_checked(draft, found, {"title", "s1", "s2", "s3"})
    assert done.sections == ["二、工作目标", "三、主要任务"] and done.locked == ["四、时间安排"]
    assert done.head == ["标题"] and draft.title == NEW_TITLE
    for i in (1, 2):
        version = draft.sections[i].version
        assert (version.origin, version.file) == (IMPORT, "修改稿.docx")
        assert len(draft.sections[i].versions) == 2 and draft.sections[i].current == 1
        # every sentence kept from the draft keeps its source; the file's own are 用户修改
        before_sources = {x.text.strip(): x.source for x in draft.sections[i].versions[0].sentences}
        for sentence in version.sentences:
            if sentence.text.strip() in before_sources:
                assert sentence.source == before_sources[sentence.text.strip()]
            elif sentence.text.strip():
                assert sentence.kind == "用户修改", sentence
        assert "".join(x.text for x in version.sentences) == version.text
        assert {p.id for p in version.passages} <= {
            p.id for p in draft.sections[i].versions[0].passages
        }
    assert "在xx小区各楼栋单元门口张贴消防安全提示。" in draft.sections[2].text
    # declined, locked and not chosen: as they were
    for i in (0, 3, 4):
        assert draft.sections[i].to_dict() == _section(before, i)
    assert draft.headings()[4] == "五、保障措施"
    # the checks ran on the accepted text: the xx of the added paragraph is marked
    marks = [(f.section, f.kind) for f in findings]
    assert ("三、主要任务", "占位符") in marks
    assert all(f.section in ("二、工作目标", "三、主要任务", "全文") for f in findings)
    # accepted changes are no longer offered; the declined ones still are
    again = review_file(draft, data, "修改稿.docx")
    assert [c.key for c in again.sections] == ["s0", "s3", "s4"]
    assert again.head == []


def _section(data: dict, i: int) -> dict:
    return {
        k: v
        for k, v in data["sections"][i].items()
        if k not in ("heading", "text", "passages", "sentences")
    }


def test_new_removed_reordered_and_renumbered_sections_from_a_text_file(draft):
    exported(draft, ".txt")
    lines = to_text(draft).split("\n")
    text = "\n".join(lines)
    blocks = text.split("\n\n")  # title, one block per section, then the 落款
    sections = [b for b in blocks if b.startswith(("一、", "二、", "三、", "四、", "五、"))]
    assert len(sections) == 5
    new_section = "三、宣传教育\n每季度开展一次消防安全宣传进楼道活动。"
    # 一 二 (new) 四 三 — 五 removed; renumbered throughout
    order = [
        sections[0],
        sections[1],
        new_section,
        "四、" + sections[3][2:],
        "五、" + sections[2][2:],
    ]
    edited = "\n\n".join([blocks[0], *order, "阳光社区居民委员会\n2027年1月8日"]) + "\n"
    found = review_file(draft, edited.encode("gb18030"), "计划.txt")
    assert not found.marked and found.export is draft.exports[-1]  # by its text
    assert found.removed == ["五、保障措施"]
    assert [(c.key, c.kind, c.title) for c in found.sections] == [("s2", "new", "宣传教育")]
    done = accept(draft, found, {"s2"})
    assert done.sections == ["三、宣传教育"]
    assert [s.title for s in draft.sections] == [
        "指导思想",
        "工作目标",
        "宣传教育",
        "主要任务",
        "时间安排",
        "保障措施",  # reported, never deleted
    ]
    assert draft.sections[2].version.origin == IMPORT


def test_a_change_made_in_the_app_since_the_export_is_not_undone(draft):
    edits = Edits.of(draft)
    doc = word.load(exported(draft, ".docx"))
    word.replace(doc, edits.old, edits.new)
    data = word.save(doc)
    draft.sections[2].edit(draft.sections[2].text + "\n社区另行制定高层住宅专项方案。")
    draft.sections[1].edit(draft.sections[1].text + "\n全年目标完成情况年底向居民公开。")
    found = review_file(draft, data, "改.docx")
    assert found.app_changed == ["二、工作目标", "三、主要任务"]
    # 三 is as exported in the file: its app text is not offered for reverting
    assert [(c.key, c.app_changed) for c in found.sections] == [("s1", True)]
    accept(draft, found, {"s1"})
    texts = [v.text for v in draft.sections[1].versions]
    assert "年底向居民公开" in texts[-2] and edits.new in texts[-1]  # both sides kept


def test_a_wps_copy_with_bold_headings_and_no_styles(draft):
    paragraphs = [(NEW_TITLE, False, "center")]
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        title = head.split("、", 1)[1]
        paragraphs.append((title, True, ""))  # WPS: a bold line, no number, no style
        paragraphs += [(line, False, "") for line in section.text.split("\n")]
    paragraphs[-1] = (paragraphs[-1][0] + "各楼栋每月自查一次。", False, "")
    paragraphs += [("阳光社区居委会", False, "right"), ("2027年1月9日", False, "right")]
    plan = read_edited(word.wps_copy(paragraphs), "WPS.docx")
    assert [s.title for s in plan.sections] == [s.title for s in draft.sections]
    assert (plan.title, plan.author, plan.date) == (NEW_TITLE, "阳光社区居委会", "2027年1月9日")
    found = review_file(draft, word.wps_copy(paragraphs), "WPS.docx")
    assert not found.marked and found.removed == []
    assert [c.key for c in found.head] == ["title", "author", "date"]
    assert [(c.key, c.index) for c in found.sections] == [("s4", 4)]
    assert [
        (c.kind, c.new) for c in changes(found.sections[0].current, found.sections[0].text)
    ] == [(ADDED, "各楼栋每月自查一次。")]
    accept(draft, found, {"author", "date"})
    assert (draft.author, draft.date) == ("阳光社区居委会", "2027年1月9日")


def test_word_heading_styles_and_outline_levels_are_headings(draft):
    from docx import Document

    from tests.word_edits import save

    document = Document()
    document.add_paragraph(draft.title, style="Title")
    for i, section in enumerate(draft.sections):
        if i % 2:
            document.add_heading(section.title, level=1)  # Word's 标题 1
        else:
            p = document.add_paragraph(section.title)
            p._p.get_or_add_pPr().append(_outline_level())
        for line in section.text.split("\n"):
            document.add_paragraph(line)
    found = review_file(draft, save(document), "Word.docx")
    assert found.sections == [] and found.head == [] and found.removed == []


def _outline_level():
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "0")
    return level


def test_a_markdown_export_read_back_is_unchanged(draft):
    data = exported(draft, ".md")
    found = review_file(draft, data, "计划.md")
    assert found.sections == [] and found.head == [] and found.removed == []
    assert found.export is draft.exports[-1]


def _zip_bomb() -> bytes:
    """A small .docx that would unpack to 60 MB."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"0" * (60 * 1024 * 1024))
    return buffer.getvalue()


def test_bad_files_get_a_chinese_message_and_change_nothing(draft, drafted):
    other = Draft.from_dict(copy.deepcopy(drafted))
    other.id, other.created = "ba9876543210", other.created + 5
    other.title = "幸福社区2027年消防安全工作计划"
    for s in other.sections:
        s.edit("（一）" + "幸福社区另有安排。" * 3)
    before = copy.deepcopy(draft.to_dict())
    bad = {
        "随笔.txt": "今天天气很好，我们去公园散步。\n晚上回家吃饭。".encode(),
        "另一份.docx": exported(other, ".docx"),
        "另一份.txt": render(other, ".txt"),
        "坏的.docx": b"PK\x03\x04" + b"\x00broken" * 100,
        "太大.docx": b"PK\x03\x04" + b"0" * (50 * 1024 * 1024),
        "图片.png": b"\x89PNG",
        "炸弹.docx": _zip_bomb(),
    }
    messages = {}
    for name, data in bad.items():
        with pytest.raises(InputFileError) as caught:
            review_file(draft, data, name)
        messages[name] = str(caught.value)
    assert "不像是一份工作计划" in messages["随笔.txt"]
    assert "另一份草稿" in messages["另一份.docx"]
    assert "不像是这份草稿的修改稿" in messages["另一份.txt"]
    assert "已损坏" in messages["坏的.docx"]
    assert "太大" in messages["太大.docx"]
    assert "不支持" in messages["图片.png"]
    assert "解压后超过" in messages["炸弹.docx"]
    assert draft.to_dict() == before


def test_a_renamed_section_is_still_the_outlines_section(draft):
    found = review_file(draft, edited_in_word(draft), "修改稿.docx")
    done, findings = accept_checked(draft, found, {"s4"})
    assert done.sections == ["五、组织保障"] and draft.sections[4].role == "保障"
    assert len(draft.sections[4].versions) == 1  # its text is as it was: no new version
    assert not [f for f in findings if f.kind == "缺少章节"]


def test_the_store_keeps_exports_and_imported_versions(draft, tmp_path):
    from rag.plan.store import SQLiteDraftStore

    store = SQLiteDraftStore(tmp_path / "drafts.db")
    draft.id = ""
    store.save(draft)
    stale = store.load(draft.id)
    data = round_trip.export(store, draft.id, ".docx")  # a download, recorded and saved
    loaded = store.load(draft.id)
    assert len(loaded.exports) == 1 and loaded.exports[-1]["revision"] == 1
    edits = Edits.of(loaded)
    doc = word.load(data)
    word.replace(doc, edits.old, edits.new)
    word.add_after(doc, edits.last_item, edits.added)
    data = word.save(doc)
    assert review_file(loaded, data, "修改稿.docx").marked
    outcome, done = round_trip.accept_saved(store, draft.id, data, "修改稿.docx", {"s2"})
    assert outcome.saved and done.sections == ["三、主要任务"]
    assert ("三、主要任务", "占位符") in {(f.section, f.kind) for f in outcome.findings}
    exported(stale, ".md")  # another window exports meanwhile: both exports are kept
    store.save(stale)
    again = store.load(draft.id)
    assert [e["format"] for e in again.exports] == ["docx", "md"]
    version = again.sections[2].version
    assert (version.origin, version.file) == (IMPORT, "修改稿.docx")
    assert again.sections[1].versions == loaded.sections[1].versions  # not chosen
    outcome, done = round_trip.accept_saved(store, draft.id, data, "修改稿.docx", {"s2"})
    assert not outcome.changed and done.sections == []  # already in: nothing offered


def test_a_signature_the_profile_refuses_is_shown_not_taken(draft):
    text = to_text(draft).replace("阳光社区居民委员会", "<b>阳光社区</b>居委会")
    found = review_file(draft, text.encode(), "计划.txt")
    [change] = found.head
    assert change.key == "author" and change.problem
    accept(draft, found, {"author"})
    assert draft.author == "阳光社区居民委员会"


def test_a_deleted_paragraph_mark_joins_two_paragraphs(draft):
    doc = word.load(exported(draft, ".docx"))
    lines = draft.sections[1].text.split("\n")
    first = word.paragraph(doc, lines[1])
    mark = first._p.get_or_add_pPr()
    rpr = mark.find(word.qn("w:rPr"))
    if rpr is None:
        rpr = word.OxmlElement("w:rPr")
        mark.append(rpr)
    rpr.append(word.tracked("w:del", 9))  # Word: the paragraph break deleted, 修订 on
    found = review_file(draft, word.save(doc), "合并.docx")
    [change] = found.sections
    assert change.text.split("\n") == [lines[0], lines[1] + lines[2], *lines[3:]]


def test_word_automatic_numbering_reads_as_typed(draft):
    from docx import Document

    document = Document()
    num_id = word.chinese_numbering(document)
    document.add_paragraph(draft.title)
    for section in draft.sections:
        word.numbered(document.add_paragraph(section.title, style="Heading 1"), num_id, 0)
        for line in section.text.split("\n"):
            label = re.match(r"（[一二三四五六七八九十]+）", line)
            p = document.add_paragraph(line[label.end() :] if label else line)
            if label:
                word.numbered(p, num_id, 1)
    plan = read_edited(word.save(document), "自动编号.docx")
    assert [s.heading for s in plan.sections] == draft.headings()
    assert [s.text for s in plan.sections] == [s.text for s in draft.sections]
    found = review_file(draft, word.save(document), "自动编号.docx")
    assert found.sections == [] and found.head == []


def test_bold_lines_are_headings_only_where_nothing_else_is(draft):
    paragraphs = [(draft.title, False, "center")]
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        paragraphs.append((head, False, ""))  # numbered: these are the headings
        paragraphs += [(line, False, "") for line in section.text.split("\n")]
    paragraphs.insert(4, ("重点说明", True, ""))  # emphasis inside 一、, not a section
    plan = read_edited(word.wps_copy(paragraphs), "强调.docx")
    assert [s.heading for s in plan.sections] == draft.headings()
    assert "重点说明" in plan.sections[0].lines
