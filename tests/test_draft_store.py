"""The draft store: what it keeps of a section's versions, and deleted drafts kept for restoring."""

from __future__ import annotations

from rag.plan.draft import MAX_VERSIONS, Draft, SectionState, Version
from rag.plan.profile import make_profile
from rag.plan.store import SQLiteDraftStore


def a_draft() -> Draft:
    profile = make_profile({"community": "阳光社区", "year": 2027, "topic": "双拥"})
    sections = [SectionState(t, "任务措施", "", 300) for t in ("指导思想", "主要任务")]
    return Draft("阳光社区2027年双拥工作计划", "shuangyong", profile, "", sections)


def test_versions_per_section_are_bounded_keeping_the_first_and_the_newest(tmp_path):
    store = SQLiteDraftStore(tmp_path / "drafts.sqlite3")
    draft = a_draft()
    section = draft.sections[1]
    section.add(Version("第一稿", "composer"))
    draft_id = store.save(draft)
    for n in range(2, 3 * MAX_VERSIONS):
        loaded = store.load(draft_id)
        loaded.sections[1].edit(f"第{n}稿")
        store.save(loaded)
    kept = store.load(draft_id).sections[1]
    assert len(kept.versions) == MAX_VERSIONS
    assert kept.versions[0].text == "第一稿"
    texts = [v.text for v in kept.versions[1:]]
    assert texts == [
        f"第{n}稿" for n in range(3 * MAX_VERSIONS - MAX_VERSIONS + 1, 3 * MAX_VERSIONS)
    ]
    assert kept.current == MAX_VERSIONS - 1 and kept.text == f"第{3 * MAX_VERSIONS - 1}稿"
    assert kept.undo() and kept.text == f"第{3 * MAX_VERSIONS - 2}稿"


def test_a_deleted_draft_waits_in_the_trash_and_comes_back_whole(tmp_path):
    import pytest

    from rag.errors import DraftNotFound

    store = SQLiteDraftStore(tmp_path / "drafts.sqlite3")
    draft = a_draft()
    draft.sections[0].add(Version("坚持以人民为中心。", "composer"))
    draft_id = store.save(draft)
    store.delete(draft_id)
    assert store.list() == []
    with pytest.raises(DraftNotFound):
        store.load(draft_id)
    [trashed] = store.deleted()
    assert (trashed.id, trashed.filled, trashed.sections) == (draft_id, 1, 2)
    store.restore(draft_id)
    assert store.deleted() == []
    assert store.load(draft_id).sections[0].text == "坚持以人民为中心。"
    with pytest.raises(DraftNotFound):
        store.restore(draft_id)


def test_a_store_whose_files_were_removed_while_running_starts_again_empty(tmp_path):
    import shutil

    import pytest

    from rag.errors import DraftNotFound

    data = tmp_path / "data"
    store = SQLiteDraftStore(data / "drafts.sqlite3")
    draft_id = store.save(a_draft())
    shutil.rmtree(data)  # `.data/` removed while the app runs
    assert store.list() == [] and store.deleted() == []
    with pytest.raises(DraftNotFound):
        store.load(draft_id)
    again = store.save(a_draft())
    assert [d.id for d in store.list()] == [again]
    for name in ("drafts.sqlite3", "drafts.sqlite3-wal", "drafts.sqlite3-shm"):
        (data / name).unlink(missing_ok=True)  # only the database files this time
    store.delete(again)
    assert store.list() == [] and store.load(store.save(a_draft())).title
