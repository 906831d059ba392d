"""The drafting stage's interface: what a writer gets for one section (SectionJob), what it
must provide (SectionWriter), and the progress hooks the pipeline calls (DraftCallbacks)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from rag.plan.draft import Passage, Version
from rag.plan.outlines import Outline, Section
from rag.plan.profile import Profile


@dataclass
class SectionJob:
    """Everything a writer needs for one section."""

    profile: Profile
    outline: Outline
    index: int
    passages: list[Passage]
    fallback_passages: set[str] = field(default_factory=set)  # from other plan types
    earlier_unit_sets: list[set[str]] = field(default_factory=list)  # composer: per version
    used_sentences: set[str] = field(default_factory=set)  # said by other sections
    others: list[tuple[str, str]] = field(default_factory=list)  # (heading, summary)
    current: str = ""  # the text being regenerated
    instruction: str = ""
    # quoted terms more than one library sample uses; None when the library was not asked
    shared_terms: frozenset[str] | None = None

    @property
    def section(self) -> Section:
        return self.outline.sections[self.index]

    @property
    def avoid_units(self) -> set[str]:
        """Every unit an earlier version used."""
        return set().union(*self.earlier_unit_sets)


class SectionWriter(Protocol):
    """Writes one section from its job; streams text through on_text when it can.

    The attributes tell the pipeline how to drive the writer: how many passages to retrieve
    (and how many more per earlier version when regenerating), whether sections must be
    written one after another (each seeing what the earlier ones said) or how many at once,
    and which section roles it writes without sample passages.
    """

    name: str
    origin: str
    passages_per_section: int
    extra_per_version: int
    in_order: bool
    concurrency: int
    unretrieved_roles: frozenset[str]

    def write(self, job: SectionJob, on_text: Callable[[str], None] | None = None) -> Version: ...

    def for_batch(self, variety: Variety) -> SectionWriter | None:
        """The writer for a batch whose plans are drafted one after another, each varying from
        the earlier ones (what they said is kept in variety); None when this writer drafts every
        plan on its own, so that a batch may draft several at once."""
        ...


class Variety(Protocol):
    """What the plans of a batch said, for a writer that varies them (the composer)."""

    def start_plan(self) -> None:
        """What is added from now on is another plan's."""
        ...

    def used(self, text: str) -> int:
        """How often earlier plans said the sentences of a text."""
        ...

    def allows(self, text: str) -> bool:
        """Whether the current plan may still say a text."""
        ...

    def add(self, text: str) -> None:
        """The current plan says a text."""
        ...


class Cancelled(BaseException):
    """Raised in a writer's thread by a progress hook once nobody listens for the results any
    more (the user left the page or started something else): a BaseException, so that it
    passes every `except Exception` in a writer, closes the model's stream and stops the run."""


class DraftCallbacks:
    """Progress hooks; each does nothing unless overridden (the UI and CLI implement them)."""

    def section_started(self, index: int) -> None:
        """A section's request went out (or composition began)."""

    def section_text(self, index: int, text: str) -> None:
        """The section's text so far, while it streams."""

    def section_done(self, index: int, version: Version) -> None:
        """A section has a new version (complete, or partial with an error)."""

    def section_failed(self, index: int, message: str) -> None:
        """A section could not be written; its earlier versions are unchanged."""
