"""A plan's sources that are not library samples: its plan type's key dates in the year, and
last year's own plan (each cited as a passage, first among a section's sources)."""

from __future__ import annotations

from rag.plan.draft import Passage
from rag.plan.outlines import Outline, key_dates_text
from rag.plan.previous import PREVIOUS_PREFIX, PREVIOUS_TITLE, PreviousPlan
from rag.plan.profile import Profile


def key_dates_passage(outline: Outline, year: int) -> Passage:
    """The plan type's key dates in a year, as the source a schedule section cites."""
    return Passage(
        id=f"outline:{outline.key}",
        doc_id=f"outline:{outline.key}",
        title=f"{outline.name}·全年重要节点",
        section="key_dates",
        text=key_dates_text(outline, year),
    )


def previous_passage(previous: PreviousPlan, index: int, profile: Profile) -> Passage:
    """Last year's own plan for a section, carried over to the profile's year: its first source."""
    heads = [s.heading for s in previous.sections if s.index == index]
    return Passage(
        id=f"{PREVIOUS_PREFIX}{index}",
        doc_id="previous",
        title=PREVIOUS_TITLE,
        section="、".join(heads),
        text=previous.passage_text(index, profile),
    )


def is_previous(passage: Passage) -> bool:
    return passage.id.startswith(PREVIOUS_PREFIX)
