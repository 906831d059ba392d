"""Batch variety: what the plans of one batch said, so that they do not copy each other.

A single plan has NoVariety, which allows everything and remembers nothing; a batch drafted
by the composer shares one BatchVariety across its plans.
"""

from __future__ import annotations

from rag.text.zh import sentence_key, sentences, unnumbered

MIN_SHARED_SENTENCE = 12  # shorter sentences (加强组织领导。) may be any plan's
# Sections a batch's variety does not count: the schedule is the calendar's key dates, the same
# in every plan of a plan type, not a sample's sentences.
UNSAMPLED_ROLES = frozenset({"安排"})


class NoVariety:
    """The variety of a plan drafted on its own: nothing used before, everything allowed."""

    def start_plan(self) -> None:
        """Nothing to separate: there is one plan."""

    def used(self, text: str) -> int:
        return 0

    def allows(self, text: str) -> bool:
        return True

    def add(self, text: str) -> None:
        """Nothing is remembered."""


class BatchVariety:
    """What the plans of one batch said, so that they do not copy each other: the next plan
    prefers sentences fewer plans used, and takes no sample sentence that would make MAX_SHARED
    or more of the smaller plan's sentences the same as an earlier plan's (the earlier plan's
    count is known; this plan's is taken as at least FULL_PLAN). A small library then gives
    later plans fewer sample sentences: what is missing is marked 【待补充】 like anything the
    library cannot give."""

    MAX_SHARED = 0.3
    FULL_PLAN = 16  # sample sentences a plan has at least (20-30 in full): the share is of so many

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.plans: list[set[str]] = []
        self.current: set[str] = set()

    def start_plan(self) -> None:
        """The sentences added from now on are another plan's."""
        if self.current:
            self.plans.append(self.current)
        self.current = set()

    def used(self, text: str) -> int:
        """How often the sentences of a text were used by earlier plans of the batch."""
        return sum(self.counts.get(k, 0) for k in sample_keys(text))

    def allows(self, text: str) -> bool:
        """Whether the current plan may say a text and still share few sentences with each
        earlier plan."""
        taken = self.current | sample_keys(text)
        size = max(len(taken), self.FULL_PLAN)  # this plan's, when it is drafted in full
        return all(
            len(taken & plan) < self.MAX_SHARED * min(size, len(plan)) for plan in self.plans
        )

    def add(self, text: str) -> None:
        """The current plan says a text."""
        for key in sample_keys(text) - self.current:
            self.counts[key] = self.counts.get(key, 0) + 1
            self.current.add(key)


def sample_keys(text: str) -> set[str]:
    """The keys of the sentences of a text that may come from a sample: long enough to tell
    plans apart, no mark of what to fill in."""
    return {
        key
        for line in text.split("\n")
        for s in sentences(unnumbered(line))
        if "【" not in s and len(key := sentence_key(s)) >= MIN_SHARED_SENTENCE
    }
