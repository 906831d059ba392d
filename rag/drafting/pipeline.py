"""Drafting a plan: per-section retrieval, then a writer (composer or model) per section.

Retrieval runs section by section so no passage serves two sections; writing runs in
parallel for a model (a full draft takes about as long as its slowest section) and in order
for a writer that asks for it, as the composer does (so it is deterministic and never
repeats a sentence across sections).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from rag.drafting.own_sources import key_dates_passage, previous_passage
from rag.drafting.retriever import Retriever, require_owner
from rag.drafting.writer import Cancelled, DraftCallbacks, SectionJob, SectionWriter
from rag.errors import NoMoreVariants, PlanError
from rag.plan.draft import Draft, Passage, Version, heading
from rag.plan.outlines import Outline, Section, load_outlines
from rag.plan.previous import PreviousPlan, with_known_names
from rag.plan.profile import Profile
from rag.text.zh import sentence_key, sentences

PLAN_KINDS = ("计划", "方案")
ANNUAL_ONLY_ROLES = frozenset({"目标", "任务措施", "保障"})
PER_PRIORITY = 2  # passages retrieved by each priority's own words


class QueueCallbacks(DraftCallbacks):
    """Puts every hook call on a queue as (event, index, payload) for another thread; once
    `cancelled` is set, a section starting or streaming raises Cancelled instead."""

    def __init__(self, events: queue.Queue, cancelled: threading.Event | None = None):
        self.events = events
        self.cancelled = cancelled or threading.Event()

    def _check(self) -> None:
        if self.cancelled.is_set():
            raise Cancelled

    def section_started(self, index: int) -> None:
        self._check()  # no request goes out for a result nobody will see
        self.events.put(("started", index, None))

    def section_text(self, index: int, text: str) -> None:
        self._check()
        self.events.put(("text", index, text))

    def section_done(self, index: int, version: Version) -> None:
        self.events.put(("done", index, version))

    def section_failed(self, index: int, message: str) -> None:
        self.events.put(("failed", index, message))


TEXT_EVERY = 0.25  # seconds between two texts of one section shown while it streams


def run_with_events(
    work: Callable[[DraftCallbacks], object],
    poll: float = 0.05,
    text_every: float = TEXT_EVERY,
    clock: Callable[[], float] = time.monotonic,
    callbacks: Callable[[queue.Queue], object] | None = None,
) -> Iterator[tuple]:
    """Run work(callbacks) in a thread and yield its events in this one (a UI's own thread).

    The callbacks put 3-tuples on the event queue: QueueCallbacks' (event, index, payload) by
    default, or those of the given factory (which then stops its work its own way). A
    streaming section's text is yielded at most every `text_every` seconds, the newest only
    (each showing re-sends the whole text to the browser; a token each would send the section
    hundreds of times over); a section's done or failed event replaces any text not yet
    yielded. Closing the generator early (the page stopped listening) cancels the work: its
    sections stop at their next text and no new one starts. The work's exception, if any,
    is raised here after the last event.
    """
    events: queue.Queue = queue.Queue()
    cancelled = threading.Event()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            work(QueueCallbacks(events, cancelled) if callbacks is None else callbacks(events))
        except Cancelled:
            pass
        except BaseException as e:  # handed to the caller's thread below
            failure.append(e)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    pending: dict[int, str] = {}  # the newest text of each section, not yet yielded
    shown: dict[int, float] = {}
    try:
        while thread.is_alive() or not events.empty() or pending:
            try:
                event, index, payload = events.get(timeout=poll)
            except queue.Empty:
                event = None
            if event == "text":
                pending[index] = payload
            elif event is not None:
                pending.pop(index, None)
                yield event, index, payload
            now = clock()
            quiet = not thread.is_alive() and events.empty()
            for i in [i for i in pending if quiet or now - shown.get(i, -text_every) >= text_every]:
                shown[i] = now
                yield "text", i, pending.pop(i)
    finally:
        cancelled.set()
    if failure:
        raise failure[0]


def outline_of(profile: Profile) -> Outline:
    """The plan type's outline as its YAML says today."""
    return load_outlines()[profile.topic]


def outline_for(draft: Draft) -> Outline:
    """The outline a draft is written to: its plan type's, with the draft's own sections (a
    draft made before the plan type gained or lost a section keeps the sections it has)."""
    outline = outline_of(draft.profile)
    own = tuple(Section(s.title, s.role, s.purpose, s.length) for s in draft.sections)
    return outline if own == outline.sections else replace(outline, sections=own)


def preamble(profile: Profile, outline: Outline) -> str:
    """The opening paragraph: purpose, basis, 特制定本计划."""
    basis = f"{profile.parent}有关工作部署" if profile.parent else "上级有关工作部署"
    return (
        f"为扎实做好{profile.community}{profile.year}年{outline.work_name}，根据{basis}，"
        f"结合社区实际，特制定本计划。"
    )


def new_draft(
    profile: Profile, writer: SectionWriter, previous: PreviousPlan | None = None
) -> Draft:
    """An empty draft for a profile: title, preamble and the outline's sections; with last
    year's own plan, the profile knows that plan's names."""
    outline = outline_of(profile)
    profile = with_known_names(profile, previous)
    return Draft.new(profile, outline, preamble(profile, outline), writer.name, previous)


def section_query(outline: Outline, index: int, profile: Profile, instruction: str = "") -> str:
    """What to search for a section: the plan type, the section, its purpose, the priorities."""
    section = outline.sections[index]
    parts = [outline.name, section.title, section.purpose]
    if section.role == "任务措施":
        parts += profile.priorities
    if instruction:
        parts.insert(0, instruction)
    return " ".join(parts)


def retrieve_passages(
    retriever: Retriever | None,
    outline: Outline,
    index: int,
    profile: Profile,
    *,
    k: int,
    exclude: set[str],
    instruction: str = "",
    fill: bool = False,
) -> tuple[list[Passage], set[str]]:
    """The section's passages and which came from other plan types.

    Samples of the same plan type and role come first, those of the profile's kind of
    community before the others; other plan types only fill in when the type has
    fewer than two passages for the role (or, with fill, fewer than k: a regeneration
    looks further afield once the type's own material is used up). Goals, tasks and guarantees come from annual
    plans only (a one-day 方案's programme is no year's work). The tasks also get the
    passages that best match each priority's own words.
    """
    section = outline.sections[index]
    if retriever is None:
        return [], set()
    query = section_query(outline, index, profile, instruction)
    kinds = ("计划",) if section.role in ANNUAL_ONLY_ROLES else PLAN_KINDS
    same_type = {"topic": outline.key, "kind": kinds}
    ctype = profile.community_type
    hits = _preferring_type(retriever, query, k, exclude, ctype, role=section.role, **same_type)
    if section.role == "任务措施":
        for priority in profile.priorities:
            seen = exclude | {h.id for h in hits}
            hits += _preferring_type(
                retriever, priority, PER_PRIORITY, seen, ctype, role=section.role, **same_type
            )
    fallback: set[str] = set()
    if len(hits) < 2 or (fill and len(hits) < k):
        seen = exclude | {h.id for h in hits}
        want = 2 * k if len(hits) < 2 else k - len(hits)
        more = retriever.search(query, k=want, kind=kinds, role=section.role, exclude_ids=seen)
        fallback = {h.id for h in more}
        hits += more
    return [Passage.from_hit(h) for h in hits], fallback


def _preferring_type(retriever: Retriever, query, k, exclude, community_type, **filters) -> list:
    """The k best hits, those of the community type first when one is given."""
    hits = []
    if community_type:
        hits = retriever.search(
            query, k=k, community_type=community_type, exclude_ids=exclude, **filters
        )
    if len(hits) < k:
        seen = exclude | {h.id for h in hits}
        hits += retriever.search(query, k=k - len(hits), exclude_ids=seen, **filters)
    return hits


def _summary(text: str, limit: int = 120) -> str:
    text = text.replace("\n", " ").strip()
    return text if len(text) <= limit else text[:limit] + "…"


def _others(draft: Draft, outline: Outline, index: int) -> list[tuple[str, str]]:
    """The other sections as (heading, summary): their text if any, else their purpose."""
    out = []
    for i, (s, spec) in enumerate(zip(draft.sections, outline.sections, strict=True)):
        if i != index:
            out.append((heading(i, s.title), _summary(s.text) if s.text else spec.purpose))
    return out


def _used_sentences(draft: Draft, index: int) -> set[str]:
    return {
        sentence_key(x)
        for i, s in enumerate(draft.sections)
        if i != index
        for x in sentences(s.text)
    }


def _jobs(draft, indices, retriever: Retriever | None, writer, instruction: str = ""):
    """The sections' jobs, each yielded as soon as its passages are retrieved.

    A section that already has versions looks further down the ranking (the writer's
    extra_per_version for each), so regenerating it, alone or with the whole plan, can
    offer material its earlier versions did not use.
    """
    require_owner(retriever)  # an unscoped search would reach other users' uploads
    outline = outline_for(draft)
    used = {p.id for i, s in enumerate(draft.sections) if i not in indices for p in _passages(s)}
    for i in indices:
        role = outline.sections[i].role
        section = draft.sections[i]
        k = writer.passages_per_section + writer.extra_per_version * len(section.versions)
        passages, fallback = [], set()
        if role not in writer.unretrieved_roles:
            passages, fallback = retrieve_passages(
                retriever,
                outline,
                i,
                draft.profile,
                k=k,
                exclude=used,
                instruction=instruction,
                fill=bool(section.versions),
            )
            used |= {p.id for p in passages}
        if role == "安排":
            passages.insert(0, key_dates_passage(outline, draft.profile.year))
        if draft.previous and draft.previous.text_for(i):
            passages.insert(0, previous_passage(draft.previous, i, draft.profile))
        yield SectionJob(
            profile=draft.profile,
            outline=outline,
            index=i,
            passages=passages,
            fallback_passages=fallback,
            earlier_unit_sets=[set(v.units) for v in section.versions if v.units],
            others=_others(draft, outline, i),
            current=section.text,
            instruction=instruction,
            shared_terms=None if retriever is None else retriever.shared_terms(),
        )


def _passages(section) -> list[Passage]:
    return section.version.passages if section.version else []


def draft_sections(
    draft: Draft,
    *,
    retriever: Retriever | None,
    writer: SectionWriter,
    callbacks: DraftCallbacks | None = None,
    concurrency: int | None = None,
    indices: list[int] | None = None,
) -> Draft:
    """Write the given sections (default: every unlocked one); each gets a new version.

    concurrency defaults to the writer's own.
    """
    callbacks = callbacks or DraftCallbacks()
    if indices is None:
        indices = draft.unlocked()
    jobs = _jobs(draft, indices, retriever, writer)
    lock = threading.Lock()

    def run(job: SectionJob) -> None:
        _run_job(draft, job, writer, callbacks, lock)

    concurrency = writer.concurrency if concurrency is None else concurrency
    if writer.in_order or concurrency <= 1:
        for job in jobs:  # in order: later sections avoid what earlier ones said
            job.used_sentences = _used_sentences(draft, job.index)
            run(job)
    else:
        # A section's request goes out as soon as its passages are found.
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            for future in [pool.submit(run, job) for job in jobs]:
                future.result()
    return draft


def _run_job(
    draft: Draft,
    job: SectionJob,
    writer: SectionWriter,
    callbacks: DraftCallbacks,
    lock: threading.Lock | None = None,
    *,
    nothing_new_raises: bool = False,
) -> Version:
    """Write one section and keep its version: the one failure policy of every path.

    A writer's failure (PlanError) costs only its section: it becomes a version that carries
    the error, kept unless it is empty over existing text (see _keep). The composer's
    NoMoreVariants is no failure but an answer to a regeneration: raised when asked to.
    """
    callbacks.section_started(job.index)
    try:
        version = writer.write(job, on_text=lambda t: callbacks.section_text(job.index, t))
    except PlanError as e:  # one section's failure never costs the others
        if nothing_new_raises and isinstance(e, NoMoreVariants):
            raise
        version = Version("", writer.origin, model=writer.name, complete=False, error=str(e))
    with lock or threading.Lock():
        kept = _keep(draft.sections[job.index], version)
    if kept:
        callbacks.section_done(job.index, version)
    else:
        callbacks.section_failed(job.index, version.error)
    return version


def _keep(section, version: Version) -> bool:
    """Add a version unless it is an empty failure over existing text (which stays current)."""
    if not version.text.strip() and not version.complete and section.versions:
        return False
    section.add(version)
    return True


def regenerate_section(
    draft: Draft,
    index: int,
    *,
    retriever: Retriever | None,
    writer: SectionWriter,
    instruction: str = "",
    callbacks: DraftCallbacks | None = None,
) -> Version:
    """A new version of one section (the others untouched, the old version kept).

    A writer's failure is handled as in draft_sections: a failure that produced no text adds
    no version over existing text, and the returned version carries the error. The composer
    raises NoMoreVariants when it has nothing new to offer.
    """
    callbacks = callbacks or DraftCallbacks()
    (job,) = _jobs(draft, [index], retriever, writer, instruction.strip())
    job.used_sentences = _used_sentences(draft, index)
    return _run_job(draft, job, writer, callbacks, nothing_new_raises=True)
