"""A draft plan: title, sections with their versions, 落款; saved and loaded as JSON."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from rag.errors import PlanError
from rag.plan.outlines import Outline
from rag.plan.previous import PreviousPlan
from rag.plan.profile import Profile, stored_profile
from rag.plan.sources import Sentence, carried, named_passages
from rag.text.clean import strip_control
from rag.text.zh import cn_numeral

MAX_VERSIONS = 20  # per section: the first and the newest; older ones in between are dropped
MAX_SECTION_CHARS = 5000  # a section's text as the user may edit it
MAX_INSTRUCTION_CHARS = 200  # a regeneration instruction
COMPOSER = "离线组合"  # the offline composer's name: who drafted a draft that does not say


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
    """One text of a section: composed, written by a model, or edited by the user.

    Its sentences make up its text, each with its source (rag.plan.sources); `given` holds
    the passages those sources name (a model's: every passage it was given), and the
    version's passage list is derived from the sources. A version saved before sentences had
    sources has none: its passages are the ones it was saved with.
    """

    text: str
    origin: str  # composer | model | edit
    sentences: list[Sentence] = field(default_factory=list)
    given: list[Passage] = field(default_factory=list)  # what the sources name, with texts
    model: str = ""
    instruction: str = ""
    complete: bool = True
    error: str = ""
    units: list[str] = field(default_factory=list)  # composer: ids of the pieces it used
    usage: dict = field(default_factory=dict)
    created: float = field(default_factory=time.time)

    def __post_init__(self):
        if self.sentences:  # keep only what the sources name, once each
            named, seen = named_passages(self.sentences), set()
            self.given = [
                p for p in self.given if p.id in named and not (p.id in seen or seen.add(p.id))
            ]

    @property
    def passages(self) -> list[Passage]:
        """The passages the sentences' sources name, in the order the writer had them."""
        if not self.sentences:
            return list(self.given)
        named = named_passages(self.sentences)
        return [p for p in self.given if p.id in named]

    @classmethod
    def following(cls, before: Version | None, text: str, origin: str, **fields) -> Version:
        """A text that replaces `before` (the user's edit, an edited file taken back): each
        sentence `before` had keeps its source, any other is 用户修改; the passages those
        sources name stay with it. After a version saved without sources, its passages stay."""
        given = list(before.given) if before else []
        if before and not before.sentences and before.text:
            return cls(text, origin, given=given, **fields)
        sentences = carried(before.sentences if before else [], text)
        return cls(text, origin, sentences=sentences, given=given, **fields)

    @classmethod
    def from_dict(cls, data: dict) -> Version:
        data = dict(data)
        legacy = data.pop("passages", [])  # saved before sentences had sources
        data["given"] = [Passage(**p) for p in data.get("given", legacy)]
        data["sentences"] = [Sentence.from_dict(s) for s in data.get("sentences", [])]
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
        self.current = len(self.versions) - 1
        _trim(self)
        return version

    def undo(self) -> bool:
        """Go back to the previous version; False when there is none."""
        if self.current <= 0:
            return False
        self.current -= 1
        return True

    def edit(self, text: str, origin: str = "edit") -> Version | None:
        """The user's own text (without control characters) as a new version: a sentence
        the replaced version had keeps its source, any other is 用户修改; None when it does
        not change the current text."""
        text = strip_control(text).strip()
        if text == self.text.strip():
            return None
        return self.add(Version.following(self.version, text, origin))

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

    def to_dict(self) -> dict:
        return asdict(self)

    def state(self) -> tuple:
        """What a save can change of the section: its versions, which one is current, the
        lock (versions told apart by when, by whom and what)."""
        current = _key(self.version) if self.version else None
        return tuple(_key(v) for v in self.versions), current, self.locked

    def merged(self, base: tuple, theirs: SectionState) -> tuple[SectionState, bool]:
        """This section (ours) after theirs was saved meanwhile from the same base state: the
        side that changed wins; when both did, the versions of both are kept and ours is
        current. The flag says both sides changed the current text, each in its own way."""
        mine, their_state = self.state(), theirs.state()
        if mine in (base, their_state):
            return theirs, False
        if their_state == base:
            return self, False
        versions = {_key(v): v for v in (*theirs.versions, *self.versions)}
        keys = sorted(versions, key=lambda k: (k[0], k))
        result = SectionState(self.title, self.role, self.purpose, self.length)
        result.versions = [versions[k] for k in keys]
        current = mine[1] if mine[1] != base[1] else their_state[1]
        result.current = keys.index(current) if current in versions else len(keys) - 1
        _trim(result)
        result.locked = self.locked if self.locked != base[2] else theirs.locked
        changed_both = base[1] != mine[1] and base[1] != their_state[1]
        return result, changed_both and mine[1] != their_state[1]


def _key(version: Version) -> tuple:
    """What tells two versions apart across saves: when, by whom, what."""
    return (version.created, version.origin, version.text)


def _trim(section: SectionState) -> None:
    """Beyond MAX_VERSIONS, drop the oldest but the first, never the current one."""
    while len(section.versions) > MAX_VERSIONS:
        drop = 1 if section.current != 1 else 2
        del section.versions[drop]
        if section.current > drop:
            section.current -= 1


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
    # Who drafted it, shown as 起草方式: the writer's name (离线组合, or the model's). Kept
    # under the key "mode" in stored drafts and `draft --json` files.
    drafted_by: str = COMPOSER
    id: str = ""
    created: float = field(default_factory=time.time)
    previous: PreviousPlan | None = None  # last year's own plan: this draft's first source
    # A whole-plan run under way, or cut off before its end: when it began, which sections.
    run: dict | None = None
    revision: int = 0  # the stored revision this draft was read at or last saved as
    # What the store last had of it (see snapshot), the base of a merge with a later save.
    base: tuple | None = field(default=None, repr=False, compare=False)
    # The sections whose text the last save found changed here and in another save since.
    conflicts: list[str] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def new(
        cls,
        profile: Profile,
        outline: Outline,
        preamble: str,
        drafted_by: str,
        previous: PreviousPlan | None = None,
    ) -> Draft:
        sections = [SectionState(s.title, s.role, s.purpose, s.length) for s in outline.sections]
        title = outline.plan_title(profile.community, profile.year)
        return cls(title, outline.key, profile, preamble, sections, drafted_by, previous=previous)

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

    def head(self) -> dict:
        """Everything but the sections."""
        return {
            "id": self.id,
            "title": self.title,
            "topic": self.topic,
            "mode": self.drafted_by,
            "created": self.created,
            "profile": self.profile.model_dump(),
            "preamble": self.preamble,
            "author": self.author,
            "date": self.date,
            "run": self.run,
            "previous": self.previous.to_dict() if self.previous else None,
        }

    def begin_run(self, indices: list[int]) -> None:
        self.run = {"started": time.time(), "sections": list(indices)}

    def end_run(self) -> None:
        self.run = None

    def unfinished(self) -> list[int]:
        """The sections a whole-plan run began and did not write (it was cut off: a refresh,
        a restart, a failure); a section with a newer version than the run's start is done."""
        if not self.run:
            return []
        started = self.run["started"]
        return [
            i
            for i in self.run["sections"]
            if not self.sections[i].versions
            or max(v.created for v in self.sections[i].versions) < started
        ]

    def snapshot(self) -> tuple:
        return self.head(), tuple(s.state() for s in self.sections)

    def rebase(self, theirs: Draft) -> None:
        """Take in a save of this draft made since it was read (theirs): for the head and
        each section, the side that changed it wins; a section both sides changed keeps the
        versions of both, ours current, and is named in conflicts. Without a base (a draft
        not read from the store) nothing counts as unchanged."""
        base_head, base_sections = self.base or ({}, ())
        if len(theirs.sections) != len(self.sections):
            return  # another outline: cannot happen to one draft id; ours stands
        if self.head() == base_head:
            self.title, self.topic = theirs.title, theirs.topic
            self.drafted_by = theirs.drafted_by
            self.profile, self.preamble = theirs.profile, theirs.preamble
            self.run, self.previous = theirs.run, theirs.previous
        empty = ((), None, False)
        self.conflicts = []
        for i, (mine, other) in enumerate(zip(self.sections, theirs.sections, strict=True)):
            base = base_sections[i] if i < len(base_sections) else empty
            self.sections[i], both = mine.merged(base, other)
            if both:
                self.conflicts.append(heading(i, mine.title))
        self.revision = theirs.revision

    def to_dict(self, findings: list | None = None) -> dict:
        data = self.head()
        data["sections"] = [
            {
                "heading": h,
                "text": s.text,
                "passages": [asdict(p) for p in (s.version.passages if s.version else [])],
                "sentences": [x.to_dict() for x in (s.version.sentences if s.version else [])],
                **s.to_dict(),
            }
            for h, s in zip(self.headings(), self.sections, strict=True)
        ]
        if findings is not None:
            data["findings"] = [f.to_dict() for f in findings]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Draft:
        sections = []
        for s in data["sections"]:
            s = {
                k: v for k, v in s.items() if k not in ("heading", "text", "passages", "sentences")
            }
            sections.append(SectionState.from_dict(s))
        return cls(
            title=data["title"],
            topic=data["topic"],
            profile=stored_profile(data["profile"]),
            preamble=data.get("preamble", ""),
            sections=sections,
            drafted_by=data.get("mode", COMPOSER),
            id=data.get("id", ""),
            created=data.get("created", time.time()),
            previous=PreviousPlan.from_dict(data.get("previous")),
            revision=data.get("revision", 0),
            run=data.get("run"),
        )
