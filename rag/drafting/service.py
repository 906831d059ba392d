"""The drafting service: what the pages, the CLI and the batch do to a draft, each step owning
load → write → save (the store merges a save made meanwhile) → run markers → the outcome the
caller shows (the new version, the sections changed in another window too, what failed, the
findings to confirm). Callers draw widgets or print lines; every rule of the path is here.

A run streams: `PlanRun.events()` yields the pipeline's (event, index, payload) through the
event bridge (run_with_events) so a page can show each section as it is written, and closing
it early cancels the work. `draft_plan` and `regenerate` run one to its end for callers that
only want the outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field

from rag.drafting.pipeline import (
    draft_sections,
    new_draft,
    outline_of,
    regenerate_section,
    run_with_events,
)
from rag.drafting.previous import read_previous as read_previous_upload
from rag.drafting.retriever import Retriever
from rag.drafting.writer import DraftCallbacks, SectionWriter
from rag.errors import PlanError, ServiceUnavailable
from rag.plan.draft import MAX_SECTION_CHARS, Draft, SectionState, Version
from rag.plan.previous import PreviousPlan
from rag.plan.profile import Profile
from rag.plan.store import DraftStore
from rag.review.checks import Finding, check_draft, marks_warning, to_confirm

NOTHING_WRITTEN = "没有一节生成出内容（各节的原因见上）。"

__all__ = [
    "NOTHING_WRITTEN",
    "Outcome",
    "PlanRun",
    "SectionRun",
    "default_year",
    "download_warnings",
    "draft_plan",
    "edit",
    "edit_limit",
    "findings",
    "is_cut",
    "read_previous",
    "regenerate",
    "restore",
    "set_locked",
    "start",
    "undo",
]


def default_year(today: dt.date | None = None) -> int:
    """The year a new plan is for: this one, or the next from October (plans are written ahead)."""
    today = today or dt.date.today()
    return today.year + (1 if today.month >= 10 else 0)


def edit_limit(section: SectionState) -> int:
    """How long the user may make a section's text (never shorter than it already is)."""
    return max(MAX_SECTION_CHARS, len(section.text))


def is_cut(section: SectionState) -> bool:
    """The section's current text stopped before its end (a model stream broke off)."""
    return bool(section.version) and not section.version.complete


def findings(draft: Draft, retriever: object | None = None) -> list[Finding]:
    """Every check's findings on a draft, against its plan type's current outline; with the
    library's retriever, also a sample's own words (its rare terms) still said."""
    rare_terms = getattr(retriever, "rare_terms", None)
    try:
        return check_draft(draft, outline_of(draft.profile), rare_terms)
    except ServiceUnavailable:  # the library's server is down: the page still shows the draft
        return check_draft(draft, outline_of(draft.profile), None)


def download_warnings(draft: Draft, found: list[Finding]) -> list[str]:
    """What every way out of the app (the page's downloads, `export`) tells before the file:
    the marks left to confirm, and the sections a model's output broke off in."""
    warnings = [marks_warning(found)] if marks_warning(found) else []
    if cut := [h for h, s in zip(draft.headings(), draft.sections, strict=True) if is_cut(s)]:
        warnings.append(
            f"{'、'.join(cut)} 未完成（模型输出中断）：下载的文件在这些节末尾标有"
            "“【本节未完成】”，请先重新生成或补全后再正式使用。"
        )
    return warnings


@dataclass
class Outcome:
    """What a step did, for its caller to show."""

    draft: Draft
    saved: bool = False  # the draft is in the store (a new one only once a section has text)
    changed: bool = True  # False: nothing to save (an edit equal to the text)
    version: Version | None = None  # a regeneration's or an edit's new version
    # the sections whose text was also changed in another window (both kept, ours current)
    conflicts: list[str] = field(default_factory=list)
    failures: dict[int, str] = field(default_factory=dict)  # sections left incomplete: why
    findings: list[Finding] | None = None  # set by check()

    def check(self, retriever: object | None = None) -> Outcome:
        self.findings = findings(self.draft, retriever)
        return self

    @property
    def to_confirm(self) -> list[Finding]:
        return to_confirm(self.findings or [])

    @property
    def marks_warning(self) -> str:
        """The download warning about marks to confirm ("" when none is left)."""
        return marks_warning(self.findings or [])


def _save(store: DraftStore | None, outcome: Outcome) -> None:
    """Save through the store's merge; the sections both sides changed join the outcome."""
    if store is None:
        return
    store.save(outcome.draft)
    outcome.saved = True
    for head in outcome.draft.conflicts:
        if head not in outcome.conflicts:
            outcome.conflicts.append(head)


class PlanRun:
    """Drafting every unlocked section of a draft (a new one, or all again), streamed.

    A new draft is saved once a section has text, so a run that writes nothing leaves no
    empty draft; after that, before each section shows as done. The run markers say which
    sections the run began, so a run cut off (a refresh, a restart) can be told afterwards.
    A new draft no section of which got text raises PlanError(NOTHING_WRITTEN) at the end.
    """

    def __init__(
        self,
        draft: Draft,
        *,
        store: DraftStore | None,
        retriever: Retriever | None,
        writer: SectionWriter,
        new: bool = False,
    ):
        self.draft, self.store, self.retriever, self.writer = draft, store, retriever, writer
        self.new = new
        self.indices = draft.unlocked()
        self.outcome = Outcome(draft)

    def _save_drafted(self) -> None:
        if self.new and not any(s.text.strip() for s in self.draft.sections):
            return
        _save(self.store, self.outcome)

    def events(self) -> Iterator[tuple]:
        """The run's (event, index, payload), as run_with_events yields them; saved as told."""
        draft = self.draft
        draft.begin_run(self.indices)  # saved with the first section: a cut-off run can be told

        def work(callbacks: DraftCallbacks) -> None:
            draft_sections(
                draft,
                retriever=self.retriever,
                writer=self.writer,
                callbacks=callbacks,
                indices=self.indices,
            )

        # closing(): a caller that stops listening closes this generator, and closing the
        # events then stops the writer's calls behind them.
        with closing(run_with_events(work)) as events:
            for event, index, payload in events:
                if event in ("done", "failed"):
                    self._save_drafted()  # saved before the section shows as done
                    if event == "failed":
                        self.outcome.failures[index] = payload
                    elif not payload.complete:
                        self.outcome.failures[index] = payload.error
                yield event, index, payload
        draft.drafted_by = self.writer.name
        draft.end_run()
        self._save_drafted()
        if self.new and not self.outcome.saved and self.store is not None:
            raise PlanError(NOTHING_WRITTEN)
        self.outcome.check(self.retriever)


def draft_plan(
    draft: Draft,
    *,
    store: DraftStore | None,
    retriever: Retriever | None,
    writer: SectionWriter,
    new: bool = True,
    callbacks: DraftCallbacks | None = None,
) -> Outcome:
    """Run a PlanRun to its end, telling its events to the callbacks; the outcome checked.
    Without a store (the CLI's draft) nothing is saved."""
    callbacks = callbacks or DraftCallbacks()
    run = PlanRun(draft, store=store, retriever=retriever, writer=writer, new=new)
    hooks = {
        "started": lambda i, _: callbacks.section_started(i),
        "text": callbacks.section_text,
        "done": callbacks.section_done,
        "failed": callbacks.section_failed,
    }
    with closing(run.events()) as events:
        for event, index, payload in events:
            hooks[event](index, payload)
    return run.outcome


def read_previous(data: bytes, filename: str, profile: Profile) -> PreviousPlan:
    """Last year's own plan (an uploaded file) read for the profile's plan type and year."""
    return read_previous_upload(data, filename, outline_of(profile), profile.year)


def start(profile: Profile, writer: SectionWriter, previous: PreviousPlan | None = None) -> Draft:
    """An empty draft for a profile (not saved before a section has text)."""
    return new_draft(profile, writer, previous)


class SectionRun:
    """Regenerating one section with an optional instruction, streamed; saved at the end.

    The writer's failure is the pipeline's one policy (a version that carries the error,
    not kept over existing text); the composer's NoMoreVariants is raised from events().
    """

    def __init__(
        self,
        draft: Draft,
        index: int,
        *,
        store: DraftStore,
        retriever: Retriever | None,
        writer: SectionWriter,
        instruction: str = "",
    ):
        self.draft, self.index, self.store = draft, index, store
        self.retriever, self.writer, self.instruction = retriever, writer, instruction
        self.outcome = Outcome(draft)

    def events(self) -> Iterator[tuple]:
        result: list[Version] = []

        def work(callbacks: DraftCallbacks) -> None:
            result.append(
                regenerate_section(
                    self.draft,
                    self.index,
                    retriever=self.retriever,
                    writer=self.writer,
                    instruction=self.instruction,
                    callbacks=callbacks,
                )
            )

        with closing(run_with_events(work)) as events:  # closed: the model call stops
            yield from events
        version = self.outcome.version = result[0]
        if version.error:
            self.outcome.failures[self.index] = version.error
        _save(self.store, self.outcome)
        self.outcome.check(self.retriever)


def regenerate(
    draft: Draft,
    index: int,
    *,
    store: DraftStore,
    retriever: Retriever | None,
    writer: SectionWriter,
    instruction: str = "",
) -> Outcome:
    """A new version of one section, saved; run to its end."""
    run = SectionRun(
        draft, index, store=store, retriever=retriever, writer=writer, instruction=instruction
    )
    with closing(run.events()) as events:
        for _ in events:
            pass
    return run.outcome


def _change(store: DraftStore, draft_id: str, change) -> Outcome:
    """Load a draft, change it (change returns whether anything changed), save it."""
    draft = store.load(draft_id)
    outcome = Outcome(draft)
    outcome.changed = bool(change(draft, outcome))
    if outcome.changed:
        _save(store, outcome)
    return outcome


def edit(store: DraftStore, draft_id: str, index: int, text: str) -> Outcome:
    """The user's own text for a section as a new version (nothing saved when unchanged)."""

    def change(draft: Draft, outcome: Outcome) -> bool:
        outcome.version = draft.sections[index].edit(text)
        return outcome.version is not None

    return _change(store, draft_id, change)


def set_locked(store: DraftStore, draft_id: str, index: int, locked: bool) -> Outcome:
    """Lock a section against whole-plan regeneration, or unlock it."""

    def change(draft: Draft, outcome: Outcome) -> bool:
        draft.sections[index].locked = bool(locked)
        return True

    return _change(store, draft_id, change)


def undo(store: DraftStore, draft: Draft, index: int) -> Outcome:
    """Back to a section's previous version, saved (the draft as the page shows it)."""
    outcome = Outcome(draft)
    outcome.changed = draft.sections[index].undo()
    if outcome.changed:
        _save(store, outcome)
    return outcome


def restore(store: DraftStore, draft: Draft, index: int, number: int) -> Outcome:
    """Make an earlier version of a section current again, saved."""
    outcome = Outcome(draft)
    outcome.version = draft.sections[index].restore(number)
    _save(store, outcome)
    return outcome
