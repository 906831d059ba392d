"""The drafting pipeline: per-section retrieval with cross-topic fallback, worker failures,
events handed to another thread, and the retriever's mode check."""

from __future__ import annotations

import threading
import time

import pytest

from rag.drafting.pipeline import (
    PER_PRIORITY,
    draft_sections,
    new_draft,
    outline_of,
    retrieve_passages,
    run_with_events,
)
from rag.drafting.writer import DraftCallbacks, SectionJob
from rag.errors import PlanError
from rag.index.ingest import ingest
from rag.index.retrieve import Retriever
from rag.library.corpus import parse_corpus_text
from rag.plan.draft import Version
from rag.plan.outlines import load_outlines
from rag.plan.profile import make_profile
from tests.conftest import CORPUS, small_corpus


def profile(topic: str):
    return make_profile(
        {
            "community": "阳光社区",
            "parent": "北山街道",
            "year": 2027,
            "topic": topic,
            "priorities": ["做好退役军人服务"],
        }
    )


class RecordingWriter:
    """Writes each section as its title; keeps every job it was given."""

    name = "recording"
    origin = "model"
    passages_per_section = 3
    extra_per_version = 0
    unretrieved_roles = frozenset()

    def __init__(self, in_order: bool = True, concurrency: int = 1):
        self.in_order = in_order
        self.concurrency = concurrency
        self.jobs: list[SectionJob] = []
        self.lock = threading.Lock()

    def write(self, job: SectionJob, on_text=None) -> Version:
        with self.lock:
            self.jobs.append(job)
        text = f"{job.section.title}的正文。"
        if on_text:
            on_text(text)
        return Version(text, self.origin, given=list(job.passages), model=self.name)


class FailingWriter(RecordingWriter):
    """Raises `error` for the sections in `fail`, writes the others (in parallel)."""

    def __init__(self, fail: set[int], error: Exception, delay: float = 0.0):
        super().__init__(in_order=False, concurrency=2)
        self.fail = fail
        self.error = error
        self.delay = delay

    def write(self, job: SectionJob, on_text=None) -> Version:
        if job.index in self.fail:
            raise self.error
        time.sleep(self.delay)
        return super().write(job, on_text)


class Recorder(DraftCallbacks):
    def __init__(self):
        self.events: list[tuple] = []
        self.lock = threading.Lock()

    def section_started(self, index):
        with self.lock:
            self.events.append(("started", index))

    def section_done(self, index, version):
        with self.lock:
            self.events.append(("done", index))

    def section_failed(self, index, message):
        with self.lock:
            self.events.append(("failed", index, message))


@pytest.fixture
def fire_only(tmp_path, store):
    """A retriever over a store holding 消防 samples only."""
    ingest([small_corpus(tmp_path / "c", patterns=("xiaofang_0*.md",))], store)
    assert {source_id.split("_")[0] for source_id in store.sources()} == {"xiaofang"}
    return Retriever(store).scoped("")


@pytest.fixture
def army_and_fire(tmp_path, store):
    """A retriever over a store holding 双拥 and 消防 samples."""
    ingest([small_corpus(tmp_path / "c")], store)
    return Retriever(store).scoped("")


def source_topic(retriever: Retriever, passage_id: str) -> str:
    bm25 = retriever.bm25()
    return bm25.metas[bm25.position[passage_id]]["topic"]


# (a) cross-topic fallback


def test_retrieve_passages_falls_back_to_other_plan_types(fire_only):
    p = profile("shuangyong")
    outline = outline_of(p)
    passages, fallback = retrieve_passages(fire_only, outline, 0, p, k=3, exclude=set())
    assert passages
    assert fallback == {x.id for x in passages}
    assert {source_topic(fire_only, x.id) for x in passages} == {"xiaofang"}
    assert all(x.doc_id.startswith("xiaofang_") for x in passages)
    # The fallback still keeps the section's role.
    bm25 = fire_only.bm25()
    assert {bm25.metas[bm25.position[x.id]]["role"] for x in passages} == {"指导思想"}


def test_retrieve_passages_of_a_type_with_samples_has_no_fallback(army_and_fire):
    p = profile("shuangyong")
    outline = outline_of(p)
    passages, fallback = retrieve_passages(army_and_fire, outline, 0, p, k=3, exclude=set())
    assert len(passages) >= 2
    assert fallback == set()
    assert {source_topic(army_and_fire, x.id) for x in passages} == {"shuangyong"}


def test_retrieve_passages_without_a_retriever_is_empty():
    p = profile("shuangyong")
    assert retrieve_passages(None, outline_of(p), 0, p, k=3, exclude=set()) == ([], set())


def test_draft_sections_records_fallback_passages_per_section(fire_only):
    draft = new_draft(profile("shuangyong"), RecordingWriter())
    writer = RecordingWriter()
    draft_sections(draft, retriever=fire_only, writer=writer)
    assert [j.index for j in writer.jobs] == list(range(len(draft.sections)))
    seen: set[str] = set()
    for job in writer.jobs:
        retrieved = [x for x in job.passages if not x.id.startswith("outline:")]
        assert retrieved, job.section.title
        assert job.fallback_passages == {x.id for x in retrieved}
        assert all(x.doc_id.startswith("xiaofang_") for x in retrieved)
        # No passage serves two sections.
        assert not seen & job.fallback_passages
        seen |= job.fallback_passages
    # The versions cite what the writer was given, fallback passages included.
    for job, section in zip(writer.jobs, draft.sections, strict=True):
        assert section.version.passages == job.passages


def test_draft_sections_uses_the_types_own_samples_without_fallback(army_and_fire):
    draft = new_draft(profile("shuangyong"), RecordingWriter())
    writer = RecordingWriter()
    draft_sections(draft, retriever=army_and_fire, writer=writer)
    assert len(writer.jobs) == len(draft.sections)
    for job in writer.jobs:
        assert job.fallback_passages == set()
        retrieved = [x for x in job.passages if not x.id.startswith("outline:")]
        assert retrieved and all(x.doc_id.startswith("shuangyong_") for x in retrieved)


def test_a_single_own_passage_comes_first_and_the_rest_is_fallback(tmp_path, store):
    patterns = ("xiaofang_0*.md", "shuangyong_01.md")  # one 双拥 plan: one chunk per role
    ingest([small_corpus(tmp_path / "c", patterns=patterns)], store)
    retriever = Retriever(store).scoped("")
    p = profile("shuangyong")
    passages, fallback = retrieve_passages(retriever, outline_of(p), 1, p, k=3, exclude=set())
    assert passages[0].doc_id == "shuangyong_01"
    assert passages[0].id not in fallback
    assert fallback and fallback == {x.id for x in passages[1:]}
    assert all(x.doc_id.startswith("xiaofang_") for x in passages[1:])


def test_excluded_passages_are_not_retrieved_again(army_and_fire):
    p = profile("shuangyong")
    outline = outline_of(p)
    first, _ = retrieve_passages(army_and_fire, outline, 2, p, k=2, exclude=set())
    taken = {x.id for x in first}
    assert len(taken) == 2 + PER_PRIORITY * len(p.priorities)  # the section's, each priority's
    again, fallback = retrieve_passages(army_and_fire, outline, 2, p, k=2, exclude=taken)
    assert again and not taken & {x.id for x in again}
    assert not taken & fallback


# (b) failures inside drafting workers


def test_an_unexpected_error_in_a_worker_reaches_the_caller():
    draft = new_draft(profile("shuangyong"), RecordingWriter())
    writer = FailingWriter({1}, RuntimeError("writer crashed"))
    with pytest.raises(RuntimeError, match="writer crashed"):
        draft_sections(draft, retriever=None, writer=writer)
    assert draft.sections[1].versions == []


def test_an_unexpected_error_reaches_the_caller_when_several_sections_fail():
    draft = new_draft(profile("xiaofang"), RecordingWriter())
    writer = FailingWriter({0, 3}, KeyError("missing"))
    with pytest.raises(KeyError):
        draft_sections(draft, retriever=None, writer=writer, concurrency=2)


def test_a_plan_error_costs_only_its_own_section():
    draft = new_draft(profile("shuangyong"), RecordingWriter())
    writer = FailingWriter({2}, PlanError("模型服务超时，请稍后重试。"))
    callbacks = Recorder()
    draft_sections(draft, retriever=None, writer=writer, callbacks=callbacks)
    failed = draft.sections[2]
    assert len(failed.versions) == 1
    version = failed.version
    assert (version.text, version.complete, version.error) == (
        "",
        False,
        "模型服务超时，请稍后重试。",
    )
    assert (version.origin, version.model) == ("model", "recording")
    for i, section in enumerate(draft.sections):
        if i != 2:
            assert section.text == f"{section.title}的正文。"
            assert section.version.complete and not section.version.error
    assert sorted(j.index for j in writer.jobs) == [i for i in range(len(draft.sections)) if i != 2]
    # The failed section of a new draft still gets its (empty) version and a done event.
    assert sorted(e[1] for e in callbacks.events if e[0] == "done") == list(
        range(len(draft.sections))
    )


def test_a_plan_error_over_existing_text_keeps_that_text_current():
    draft = new_draft(profile("shuangyong"), RecordingWriter())
    draft.sections[2].add(Version("原有正文。", "composer"))
    callbacks = Recorder()
    writer = FailingWriter({2}, PlanError("连接中断。"))
    draft_sections(draft, retriever=None, writer=writer, callbacks=callbacks)
    assert [v.text for v in draft.sections[2].versions] == ["原有正文。"]
    assert draft.sections[2].text == "原有正文。"
    assert ("failed", 2, "连接中断。") in callbacks.events
    assert ("done", 2) not in callbacks.events
    assert all(s.text for s in draft.sections)


def test_locked_sections_are_not_written():
    draft = new_draft(profile("shuangyong"), RecordingWriter())
    draft.sections[0].locked = True
    writer = RecordingWriter(in_order=False, concurrency=2)
    draft_sections(draft, retriever=None, writer=writer)
    assert draft.sections[0].versions == []
    assert sorted(j.index for j in writer.jobs) == list(range(1, len(draft.sections)))


# (c) run_with_events


def test_run_with_events_reraises_after_the_events_before_it():
    worker_thread: list[int] = []

    def work(callbacks):
        worker_thread.append(threading.get_ident())
        callbacks.section_started(0)
        callbacks.section_text(0, "第一段")
        callbacks.section_done(0, Version("第一段。", "model"))
        callbacks.section_failed(1, "失败原因")
        raise RuntimeError("boom")

    seen = []
    events = run_with_events(work, poll=0.01)
    with pytest.raises(RuntimeError, match="boom"):
        for event in events:
            seen.append(event)
    assert [e[:2] for e in seen] == [("started", 0), ("text", 0), ("done", 0), ("failed", 1)]
    assert seen[1][2] == "第一段" and seen[2][2].text == "第一段。" and seen[3][2] == "失败原因"
    assert worker_thread and worker_thread[0] != threading.get_ident()


def test_run_with_events_yields_everything_when_the_work_succeeds():
    def work(callbacks):
        for i in range(5):
            time.sleep(0.01)
            callbacks.section_started(i)

    assert list(run_with_events(work, poll=0.005)) == [("started", i, None) for i in range(5)]


def test_run_with_events_carries_a_draft_worker_failure_to_the_caller():
    draft = new_draft(profile("shuangyong"), RecordingWriter())
    writer = FailingWriter({len(draft.sections) - 1}, RuntimeError("worker died"), delay=0.05)
    seen = []
    with pytest.raises(RuntimeError, match="worker died"):
        for event in run_with_events(
            lambda cb: draft_sections(draft, retriever=None, writer=writer, callbacks=cb)
        ):
            seen.append(event)
    started = {e[1] for e in seen if e[0] == "started"}
    assert len(draft.sections) - 1 in started
    # Sections written before the failure had their events delivered first.
    assert {e[1] for e in seen if e[0] == "done"} == {j.index for j in writer.jobs}
    assert seen


# (d) retrieval modes


def test_an_unknown_retrieval_mode_is_a_plan_error(store):
    with pytest.raises(PlanError, match="未知的检索方式“semantic”"):
        Retriever(store).search("x", mode="semantic")


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_known_retrieval_modes_search(mode, army_and_fire):
    hits = army_and_fire.search("拥军优属 走访慰问 退役军人", k=3, mode=mode, topic="shuangyong")
    assert hits and all(h.topic == "shuangyong" for h in hits)


def _declared_types() -> dict[str, str | None]:
    return {
        p.stem: parse_corpus_text(p.read_text(encoding="utf-8"), p.stem).community_type
        for p in CORPUS.glob("*.md")
    }


@pytest.mark.parametrize("kind", ["村改居", "老城区", "单位型社区"])
def test_samples_of_the_profiles_kind_of_community_come_first(hash_index, kind):
    _, _, retriever = hash_index
    types = _declared_types()
    outline = load_outlines()["shuangyong"]
    index = [s.role for s in outline.sections].index("任务措施")
    base = {"community": "阳光社区", "year": 2027, "topic": "双拥"}
    typed, _ = retrieve_passages(
        retriever,
        outline,
        index,
        make_profile({**base, "community_type": kind}),
        k=6,
        exclude=set(),
    )
    same = [types[p.doc_id] == kind for p in typed]
    assert same[0], [types[p.doc_id] for p in typed]
    assert same == sorted(same, reverse=True)  # every sample of that kind before any other
    assert len(typed) == 6
    untyped, _ = retrieve_passages(
        retriever, outline, index, make_profile(base), k=6, exclude=set()
    )
    assert [p.id for p in untyped] != [p.id for p in typed]
