"""Last year's plan or summary of the community itself, attached to one draft.

It is the one source whose specifics are true for the community: its places, teams, partners
and brands may be kept (they become names the profile knows). Its year, dates and figures are
last year's (rag.plan.carry_over moves and marks them). It belongs to its draft alone: it is
saved with the draft, never indexed into the shared library.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from rag.plan.carry_over import carry_over
from rag.plan.outlines import Outline
from rag.plan.profile import MAX_NAMES, Profile, stored_profile
from rag.plan.specifics import specifics, type_words
from rag.text.zh import parse_heading, role_of_heading

PREVIOUS_TITLE = "上年计划"
PREVIOUS_PREFIX = "previous:"
# Where a summary's parts go in a plan: what was done is the ground of this year's tasks,
# and so is what it plans next; its problems are no section of a plan.
_SUMMARY_ROLES = {"情况": "任务措施", "建议": "任务措施", "问题": None}
_OWN_KINDS = frozenset({"地名", "人名", "单位", "品牌", "说法"})


@dataclass(frozen=True)
class PreviousSection:
    """A part of last year's plan under its own level-1 heading, and the outline section
    (by index) it maps to (None: no section of this plan type)."""

    heading: str
    text: str
    index: int | None


@dataclass(frozen=True)
class PreviousPlan:
    filename: str
    year: int | None
    sections: tuple[PreviousSection, ...]

    def text_for(self, index: int) -> str:
        """Last year's text for an outline section (empty when it covers none)."""
        return "\n".join(s.text for s in self.sections if s.index == index and s.text)

    def covered(self) -> list[int]:
        return sorted({s.index for s in self.sections if s.index is not None})

    def own_words(self) -> list[str]:
        """Its places, units, people, brands and the words of its kind of community: true of
        this community (a word with a figure in it is last year's, not a name)."""
        text = "\n".join(s.heading + "\n" + s.text for s in self.sections)
        found = [s.word for s in specifics(text) if s.kind in _OWN_KINDS]
        found += type_words(text, None)
        words = [w for w in dict.fromkeys(found) if not re.search(r"\d", w) and len(w) <= 30]
        return words[:MAX_NAMES]

    def passage_text(self, index: int, profile: Profile) -> str:
        """The section's text carried over to the profile's year."""
        return carry_over(self.text_for(index), self.year, profile)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> PreviousPlan | None:
        if not data:
            return None
        sections = tuple(PreviousSection(**s) for s in data.get("sections", []))
        return cls(data.get("filename", ""), data.get("year"), sections)


def _similarity(a: str, b: str) -> float:
    x = {a[i : i + 2] for i in range(len(a) - 1)}
    y = {b[i : i + 2] for i in range(len(b) - 1)}
    return len(x & y) / max(1, min(len(x), len(y)))


def map_heading(title: str, outline: Outline) -> int | None:
    """The outline section a heading of last year's plan fills: by the role its words name
    (a summary's 主要工作 and 下一步打算 go to the tasks), else by shared words."""
    role = role_of_heading(title)
    roles = [s.role for s in outline.sections]
    if role is not None and role not in roles:
        role = _SUMMARY_ROLES.get(role, role)
    if role is not None and role in roles:
        return roles.index(role)
    if role is None:
        scored = [(_similarity(title, s.title), i) for i, s in enumerate(outline.sections)]
        best = max(scored, default=(0.0, None))
        return best[1] if best[0] >= 0.5 else None
    return None


def split_previous(text: str, filename: str, outline: Outline, year: int | None) -> PreviousPlan:
    """A cleaned plan split at its level-1 headings (一、…), each part mapped onto the outline;
    the title and opening paragraph before the first heading are not a section's."""
    parts: list[tuple[str, list[str]]] = []
    for line in (ln.strip() for ln in text.split("\n")):
        if not line:
            continue
        heading = parse_heading(line)
        if heading and heading[0] == 1:
            title = line[len(heading[1]) :].strip()
            head, _, rest = title.partition("。")
            parts.append((head.rstrip("：:"), [rest] if rest else []))
        elif parts:
            parts[-1][1].append(line)
    sections = tuple(
        PreviousSection(head, "\n".join(body), map_heading(head, outline)) for head, body in parts
    )
    return PreviousPlan(filename, year, sections)


def with_known_names(profile: Profile, previous: PreviousPlan | None) -> Profile:
    """The profile knowing last year's names (a copy; the same profile without a plan)."""
    if previous is None:
        return profile
    names = list(dict.fromkeys([*profile.known_names, *previous.own_words()]))[:MAX_NAMES]
    return stored_profile({**profile.model_dump(), "known_names": names})
