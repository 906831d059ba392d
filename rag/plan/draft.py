"""A draft plan: title, sections with their versions, 落款; saved and loaded as JSON."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from rag.errors import PlanError
from rag.plan.outlines import Outline
from rag.plan.previous import PreviousPlan
from rag.plan.profile import Profile, make_profile
from rag.text.clean import strip_control
from rag.text.zh import cn_numeral

MAX_VERSIONS = 20  # per section: the first and the newest; older ones in between are dropped
MAX_SECTION_CHARS = 5000  # a section's text as the user may edit it
MAX_INSTRUCTION_CHARS = 200  # a regeneration instruction


@dataclass(frozen=True)
class Passage:
    """A retrieved sample passage a section drew on."""

    id: str
    doc_id: str
    title: str
    section: str
    text: str

    @classmethod
    def from_hit(cls, hit) -> Passage:
        return cls(hit.id, hit.doc_id, hit.title, hit.section, hit.text)


@dataclass
class Version:
    """One text of a section: composed, written by a model, or edited by the user."""

    text: str
    origin: str  # composer | model | edit
    passages: list[Passage] = field(default_factory=list)
    model: str = ""
    instruction: str = ""
    complete: bool = True
    error: str = ""
    units: list[str] = field(default_factory=list)  # composer: ids of the pieces it used
    usage: dict = field(default_factory=dict)
    created: float = field(default_factory=time.time)

    @classmethod
    def from_dict(cls, data: dict) -> Version:
        data = dict(data)
        data["passages"] = [Passage(**p) for p in data.get("passages", [])]
        return cls(**data)


@dataclass
class SectionState:
    """A section of the outline and every version of its text."""

    title: str
    role: str
    purpose: str
    length: int
    versions: list[Version] = field(default_factory=list)
    current: int = -1
    locked: bool = False

    @property
    def version(self) -> Version | None:
        return self.versions[self.current] if self.versions else None

    @property
    def text(self) -> str:
        return self.version.text if self.version else ""

    def add(self, version: Version) -> Version:
        """Append a version and make it current; beyond MAX_VERSIONS the oldest but the first
        are dropped (the first is what was drafted, the newest what the user worked on)."""
        self.versions.append(version)
        del self.versions[1 : max(1, len(self.versions) - MAX_VERSIONS + 1)]
        self.current = len(self.versions) - 1
        return version

    def undo(self) -> bool:
        """Go back to the previous version; False when there is none."""
        if self.current <= 0:
            return False
        self.current -= 1
        return True

    def edit(self, text: str) -> Version | None:
        """The user's own text (without control characters) as a new version, citing the
        passages of the one it replaces; None when it does not change the current text."""
        text = strip_control(text).strip()
        if text == self.text.strip():
            return None
        passages = list(self.version.passages) if self.version else []
        return self.add(Version(text, "edit", passages=passages))

    def restore(self, number: int) -> Version:
        """Make an earlier version current again (nothing is deleted)."""
        if not 0 <= number < len(self.versions):
            raise PlanError(f"“{self.title}”没有第 {number + 1} 版。")
        self.current = number
        return self.versions[number]

    @classmethod
    def from_dict(cls, data: dict) -> SectionState:
        data = dict(data)
        data["versions"] = [Version.from_dict(v) for v in data.get("versions", [])]
        return cls(**data)


def heading(index: int, title: str) -> str:
    """The level-1 heading of the index-th section: 一、指导思想."""
    return f"{cn_numeral(index + 1)}、{title}"


@dataclass
class Draft:
    """A whole plan under construction."""

    title: str
    topic: str
    profile: Profile
    preamble: str
    sections: list[SectionState]
    mode: str = "composer"
    id: str = ""
    created: float = field(default_factory=time.time)
    previous: PreviousPlan | None = None  # last year's own plan: this draft's first source

    @classmethod
    def new(
        cls,
        profile: Profile,
        outline: Outline,
        preamble: str,
        mode: str,
        previous: PreviousPlan | None = None,
    ) -> Draft:
        sections = [SectionState(s.title, s.role, s.purpose, s.length) for s in outline.sections]
        title = outline.plan_title(profile.community, profile.year)
        return cls(title, outline.key, profile, preamble, sections, mode, previous=previous)

    @property
    def author(self) -> str:
        return self.profile.author

    @property
    def date(self) -> str:
        return self.profile.date

    def headings(self) -> list[str]:
        return [heading(i, s.title) for i, s in enumerate(self.sections)]

    def unlocked(self) -> list[int]:
        """The sections a whole-plan (re)generation writes: every one not locked."""
        return [i for i, s in enumerate(self.sections) if not s.locked]

    def to_dict(self, findings: list | None = None) -> dict:
        data = {
            "id": self.id,
            "title": self.title,
            "topic": self.topic,
            "mode": self.mode,
            "created": self.created,
            "profile": self.profile.model_dump(),
            "preamble": self.preamble,
            "sections": [
                {
                    "heading": h,
                    "text": s.text,
                    "passages": [asdict(p) for p in (s.version.passages if s.version else [])],
                    **asdict(s),
                }
                for h, s in zip(self.headings(), self.sections, strict=True)
            ],
            "author": self.author,
            "date": self.date,
            "previous": self.previous.to_dict() if self.previous else None,
        }
        if findings is not None:
            data["findings"] = [f.to_dict() for f in findings]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Draft:
        sections = []
        for s in data["sections"]:
            s = {k: v for k, v in s.items() if k not in ("heading", "text", "passages")}
            sections.append(SectionState.from_dict(s))
        return cls(
            title=data["title"],
            topic=data["topic"],
            profile=make_profile(data["profile"]),
            preamble=data.get("preamble", ""),
            sections=sections,
            mode=data.get("mode", "composer"),
            id=data.get("id", ""),
            created=data.get("created", time.time()),
            previous=PreviousPlan.from_dict(data.get("previous")),
        )
