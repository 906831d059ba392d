"""The drafting service: one path from a click (or a command) to a saved draft and what to
show; a plan type whose outline changed leaves its older drafts readable."""

from __future__ import annotations

import dataclasses

import pytest

from rag.config import Settings
from rag.drafting import pipeline, service
from rag.drafting.writer import DraftCallbacks, SectionJob
from rag.errors import NoMoreVariants, PlanError
from rag.factory import open_draft_store
from rag.plan.draft import Version
from rag.plan.outlines import Section, load_outlines
from rag.review.checks import MARKS_WARNING, TO_CONFIRM, Finding, marks_warning


class TitleWriter:
    """Writes each section as its title; fails with `error` for the sections in `fail`."""

    name = "title"
    origin = "model"
    passages_per_section = 2
    extra_per_version = 0
    in_order = True
    concurrency = 1
    unretrieved_roles = frozenset()

    def __init__(self, fail=(), error: Exception | None = None):
        self.fail, self.error = set(fail), error
        self.jobs: list[SectionJob] = []

    def write(self, job: SectionJob, on_text=None) -> Version:
        self.jobs.append(job)
        if job.index in self.fail:
            raise self.error
        return Version(f"{job.section.title}的正文。", self.origin, model=self.name)


@pytest.fixture
def store(tmp_path):
    return open_draft_store(Settings(data_dir=tmp_path / "data"))


def test_findings_to_confirm_are_decided_in_review():
    assert Finding("一、指导思想", "范文专名", "…").to_confirm
    assert not Finding("一、指导思想", "篇幅", "…").to_confirm
    assert Finding("全文", "落款日期", "…").to_dict()["to_confirm"] is True
    marks = [Finding("一", kind, "…") for kind in sorted(TO_CONFIRM)[:3]]
    assert marks_warning(marks) == MARKS_WARNING.format(n=3)
    assert marks_warning([Finding("一", "篇幅", "…")]) == ""


def test_a_new_draft_is_saved_once_a_section_has_text_and_its_run_ends(store, profile):
    draft = service.start(profile(), TitleWriter())
    saves = []
    real_save = store.save

    def counting(d):
        saves.append(sum(1 for s in d.sections if s.text))
        return real_save(d)

    store.save = counting
    outcome = service.draft_plan(draft, store=store, retriever=None, writer=TitleWriter())
    assert outcome.saved and min(saves) >= 1  # never saved before a section had text
    kept = store.load(draft.id)
    assert [s.text for s in kept.sections] == [f"{s.title}的正文。" for s in kept.sections]
    assert kept.run is None and kept.drafted_by == "title" and not kept.unfinished()
    assert outcome.findings is not None and outcome.failures == {}


def test_a_new_draft_with_no_text_is_not_saved_and_is_told(store, profile):
    draft = service.start(profile(), TitleWriter())
    failing = TitleWriter(fail=range(9), error=PlanError("模型服务拒绝了访问（401）。"))
    told = []

    class Hooks(DraftCallbacks):
        def section_done(self, index, version):
            told.append((index, version.error))

    with pytest.raises(PlanError, match="没有一节生成出内容"):
        service.draft_plan(draft, store=store, retriever=None, writer=failing, callbacks=Hooks())
    assert store.list() == []
    assert len(told) == len(draft.sections) and all("401" in e for _, e in told)


def test_both_paths_share_one_failure_policy(store, profile):
    """A writer's failure is a version carrying the error in a whole-plan run and in a
    regeneration alike; over existing text it adds nothing, and the text stays."""
    draft = service.start(profile(), TitleWriter())
    service.draft_plan(draft, store=store, retriever=None, writer=TitleWriter())
    error = PlanError("模型服务暂时不可用（503）。")
    outcome = service.regenerate(
        draft, 1, store=store, retriever=None, writer=TitleWriter({1}, error)
    )
    assert outcome.version.error == str(error) and outcome.failures == {1: str(error)}
    kept = store.load(draft.id)
    assert len(kept.sections[1].versions) == 1 and kept.sections[1].text
    run = service.draft_plan(
        kept, store=store, retriever=None, writer=TitleWriter({1}, error), new=False
    )
    assert run.failures == {1: str(error)}
    assert len(store.load(draft.id).sections[1].versions) == 1


def test_a_regeneration_with_nothing_new_raises_and_changes_nothing(store, profile):
    draft = service.start(profile(), TitleWriter())
    service.draft_plan(draft, store=store, retriever=None, writer=TitleWriter())
    revision = store.load(draft.id).revision
    with pytest.raises(NoMoreVariants):
        service.regenerate(
            draft, 2, store=store, retriever=None, writer=TitleWriter({2}, NoMoreVariants("无"))
        )
    assert store.load(draft.id).revision == revision


def test_edit_lock_undo_and_restore_are_saved(store, profile):
    draft = service.start(profile(), TitleWriter())
    service.draft_plan(draft, store=store, retriever=None, writer=TitleWriter())
    assert not service.edit(store, draft.id, 0, draft.sections[0].text).changed
    edited = service.edit(store, draft.id, 0, "我们自己的指导思想。")
    assert edited.version.text == "我们自己的指导思想。" and edited.saved
    service.set_locked(store, draft.id, 0, True)
    kept = store.load(draft.id)
    assert kept.sections[0].locked and kept.sections[0].text == "我们自己的指导思想。"
    assert service.undo(store, kept, 0).changed
    assert store.load(draft.id).sections[0].text == "指导思想的正文。"
    service.restore(store, store.load(draft.id), 0, 1)
    assert store.load(draft.id).sections[0].text == "我们自己的指导思想。"


def test_conflicts_with_another_window_are_in_the_outcome(store, profile):
    draft = service.start(profile(), TitleWriter())
    service.draft_plan(draft, store=store, retriever=None, writer=TitleWriter())
    other = store.load(draft.id)
    mine = store.load(draft.id)
    service.edit(store, other.id, 2, "另一个窗口的文字。")
    mine.sections[2].edit("本窗口的文字。")
    outcome = service.restore(store, mine, 2, 1)  # saved: both changed section three
    assert outcome.conflicts == [mine.headings()[2]]


def test_default_year_turns_in_october():
    import datetime as dt

    assert service.default_year(dt.date(2026, 9, 30)) == 2026
    assert service.default_year(dt.date(2026, 10, 1)) == 2027


@pytest.mark.parametrize("lost", [0, 1], ids=["gains a section", "gains one, loses one"])
def test_a_plan_type_whose_outline_changed_keeps_older_drafts_readable(
    store, profile, monkeypatch, lost
):
    draft = service.start(profile(), TitleWriter())
    service.draft_plan(draft, store=store, retriever=None, writer=TitleWriter())
    old = load_outlines()["shuangyong"]
    added = Section("宣传引导", "其他", "宣传双拥工作的做法和成效。", 300)
    changed = dataclasses.replace(old, sections=(*old.sections[: len(old.sections) - lost], added))
    outlines = {**load_outlines(), "shuangyong": changed}
    monkeypatch.setattr(pipeline, "load_outlines", lambda: outlines)
    kept = store.load(draft.id)
    assert [s.title for s in kept.sections] == [s.title for s in old.sections]
    findings = service.findings(kept)
    heads = kept.headings()
    assert any(f.kind == "缺少章节" and "宣传引导" in f.message for f in findings)
    assert any(f.kind == "提纲已变" for f in findings) == bool(lost)
    if lost:
        assert [f.section for f in findings if f.kind == "提纲已变"] == [heads[-1]]
    # every step still works, and each section is written as the draft has it
    last = len(kept.sections) - 1
    writer = TitleWriter()
    outcome = service.regenerate(kept, last, store=store, retriever=None, writer=writer)
    assert not outcome.failures and writer.jobs[-1].section.title == old.sections[-1].title
    assert [o for o, _ in writer.jobs[-1].others] == heads[:-1]
    again = service.draft_plan(
        store.load(draft.id), store=store, retriever=None, writer=TitleWriter(), new=False
    )
    assert not again.failures and len(again.draft.sections) == len(old.sections)
    assert service.edit(store, draft.id, 0, "新的指导思想。").saved


def test_drafting_refuses_a_retriever_not_scoped_to_an_owner(hash_index, profile):
    _, _, scoped = hash_index
    assert scoped.owner == ""
    unscoped = scoped.retriever  # the whole library, every user's uploads included
    draft = service.start(profile(), TitleWriter())
    with pytest.raises(TypeError, match="scoped to an owner"):
        service.draft_plan(draft, store=None, retriever=unscoped, writer=TitleWriter())
    with pytest.raises(TypeError, match="scoped to an owner"):
        pipeline.regenerate_section(draft, 0, retriever=unscoped, writer=TitleWriter())
    # scoped, the same library drafts
    outcome = service.draft_plan(draft, store=None, retriever=scoped, writer=TitleWriter())
    assert not outcome.failures


def test_findings_without_the_librarys_rare_terms_while_its_server_is_down(hash_index, profile):
    from rag.drafting.composer.compose import Composer
    from rag.errors import LibraryUnavailable

    _, _, retriever = hash_index
    draft = service.start(profile(), Composer())
    pipeline.draft_sections(draft, retriever=retriever, writer=Composer())
    asked = []

    class DownLibrary:
        def rare_terms(self, doc_id):
            asked.append(doc_id)
            raise LibraryUnavailable("范文库服务器（Chroma）暂时无法连接")

    found = service.findings(draft, DownLibrary())  # the page still draws, with every check
    assert asked and found == service.findings(draft, None)  # but the library's own words
