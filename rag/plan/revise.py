"""An edited file set against its draft: which export it came from, which sections it changed,
added or left out, and its title and 落款; then the changes the user accepts, each section as a
new version (origin import, shown as 修改稿). Nothing changes before accept()."""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher

from rag.errors import InputFileError, ProfileError
from rag.plan.draft import Draft, SectionState, Version, heading
from rag.plan.edited import EditedPlan, normal_text
from rag.plan.profile import make_profile
from rag.text.zh import role_of_heading

IMPORT = "import"  # the origin of a version taken from an edited file (修改稿)
SAME_TITLE = 0.5  # headings this alike (difflib ratio of their words) are the same section
SAME_BODY = 0.5  # or texts this alike
SAME_PLAN = 0.35  # a file less like the draft than this (and under another title) is another plan
SAME_EXPORT = 0.6  # a file this like an export's text came from that export
HEAD_FIELDS = {"title": "标题", "preamble": "开头段落", "author": "落款单位", "date": "落款日期"}


def _words(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", text)


def similarity(a: str, b: str) -> float:
    """How alike two texts are by their characters (0 … 1), punctuation and spaces aside."""
    a, b = _words(a), _words(b)
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass
class SectionChange:
    """A section of the file that differs from the draft: changed (index: the draft's section)
    or new (index None; placed after the file section `after`)."""

    key: str  # s<n>: the n-th section of the file
    kind: str  # changed | new
    heading: str  # the file's
    title: str  # the file's, without its number
    text: str  # the file's
    index: int | None = None
    current: str = ""  # the draft's current text
    current_heading: str = ""
    renamed: bool = False
    locked: bool = False
    app_changed: bool = False  # the app changed the section since the export the file came from
    after: int | None = None  # new: the file section it follows


@dataclass
class HeadChange:
    key: str  # title | preamble | author | date
    label: str
    current: str
    new: str
    problem: str = ""  # why it cannot be taken (a 落款 the profile's rules refuse)


@dataclass
class Review:
    """Everything an edited file would change, for the user to accept piece by piece."""

    filename: str
    sections: list[SectionChange] = field(default_factory=list)
    head: list[HeadChange] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # the draft's headings the file lacks
    export: dict | None = None  # the export the file most likely came from
    marked: bool = False  # told by the mark the export wrote into the file
    app_changed: list[str] = field(default_factory=list)  # headings changed since that export
    pairs: list[int | None] = field(default_factory=list)  # match(): file section → draft's

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.head] + [c.key for c in self.sections]

    def to_dict(self) -> dict:
        return asdict(self)


def _same_draft(draft: Draft, mark: dict) -> bool:
    if mark.get("draft") and draft.id:
        return mark["draft"] == draft.id
    return abs(float(mark.get("created", 0)) - draft.created) < 1e-3


def _base_texts(draft: Draft, record: dict | None) -> list[str | None]:
    """Each section's text as the export held it (None: not known, e.g. a version since
    dropped, or a section added after it)."""
    if record is None:
        return [None] * len(draft.sections)
    wanted = {t for t in record.get("versions", []) if t is not None}
    texts: list[str | None] = []
    for section in draft.sections:
        found = [v.text for v in section.versions if v.created in wanted]
        texts.append(found[-1] if found else None)
    return texts


def _whole(texts) -> str:
    return "\n".join(t or "" for t in texts)


def source_export(draft: Draft, plan: EditedPlan) -> tuple[dict | None, bool]:
    """The export the file came from: the one its mark names, else the one whose text it is
    most like (None when none is alike); the flag says the mark told it."""
    if plan.mark:
        for record in draft.exports:
            if abs(record["time"] - float(plan.mark.get("exported", 0))) < 1e-3:
                return record, True
    body = _whole(s.text for s in plan.sections)
    scored = [
        (similarity(body, _whole(_base_texts(draft, r))), r["time"], r) for r in draft.exports
    ]
    scored = [s for s in scored if s[0] >= SAME_EXPORT]
    return (max(scored, key=lambda s: s[:2])[2], False) if scored else (None, False)


def match(draft: Draft, plan: EditedPlan) -> list[int | None]:
    """For each section of the file, the draft's section it is (None: a new one): by heading
    words (renumbered, reworded, reordered), by text when the heading is new, best pairs first."""
    candidates = []
    for j, edited in enumerate(plan.sections):
        role = role_of_heading(edited.title)
        for i, section in enumerate(draft.sections):
            by_title = similarity(edited.title, section.title)
            by_text = similarity(edited.text, section.text) if section.text else 0.0
            if by_title >= SAME_TITLE or by_text >= SAME_BODY:
                bonus = 0.1 if role and role == section.role else 0.0
                candidates.append((max(by_title, by_text) + bonus, by_title, -abs(i - j), j, i))
    pairs: list[int | None] = [None] * len(plan.sections)
    used: set[int] = set()
    for *_, j, i in sorted(candidates, reverse=True):
        if pairs[j] is None and i not in used:
            pairs[j] = i
            used.add(i)
    return pairs


def _check_same_plan(draft: Draft, plan: EditedPlan, pairs: list[int | None]) -> None:
    """Refuse a file of another draft: by its mark, or by being unlike this one throughout."""
    if plan.mark and not _same_draft(draft, plan.mark):
        raise InputFileError(
            f"“{plan.filename}”是从另一份草稿导出的，不是“{draft.title}”的修改稿，未导入。"
            "请在“我的草稿”中打开那份草稿后再导入。"
        )
    if plan.mark:
        return
    body = similarity(_whole(s.text for s in plan.sections), _whole(s.text for s in draft.sections))
    retitled = _words(plan.title) != _words(draft.title)
    if all(p is None for p in pairs) or (body < SAME_PLAN and retitled):
        raise InputFileError(
            f"“{plan.filename}”的标题和正文与“{draft.title}”相差太多，不像是这份草稿的修改稿，"
            "未导入。请确认选择的文件和打开的草稿。"
        )


def review(draft: Draft, plan: EditedPlan) -> Review:
    """What the file would change in the draft; the draft itself is not touched."""
    pairs = match(draft, plan)
    _check_same_plan(draft, plan, pairs)
    record, marked = source_export(draft, plan)
    bases = _base_texts(draft, record)
    heads = draft.headings()
    result = Review(plan.filename, export=record, marked=marked, pairs=pairs)
    for i, section in enumerate(draft.sections):
        base = bases[i]
        if base is not None and normal_text(base) != normal_text(section.text):
            result.app_changed.append(heads[i])
    for j, (edited, i) in enumerate(zip(plan.sections, pairs, strict=True)):
        text = normal_text(edited.text)
        if i is None:
            after = j - 1 if j else None
            result.sections.append(
                SectionChange(f"s{j}", "new", edited.heading, edited.title, text, after=after)
            )
            continue
        section = draft.sections[i]
        renamed = _words(edited.title) != _words(section.title)
        current = normal_text(section.text)
        base = bases[i]
        edited_here = base is None or text != normal_text(base)
        if (text != current and edited_here) or renamed:
            result.sections.append(
                SectionChange(
                    f"s{j}",
                    "changed",
                    edited.heading,
                    edited.title,
                    text,
                    index=i,
                    current=section.text,
                    current_heading=heads[i],
                    renamed=renamed,
                    locked=section.locked,
                    app_changed=heads[i] in result.app_changed,
                )
            )
    result.removed = [heads[i] for i in range(len(draft.sections)) if i not in pairs]
    for key, label in HEAD_FIELDS.items():
        new, current = getattr(plan, key), getattr(draft, key)
        base = record.get(key) if record else None
        if new and new != current and new != base:
            result.head.append(HeadChange(key, label, current, new, _problem(draft, key, new)))
    return result


def _problem(draft: Draft, key: str, value: str) -> str:
    if key in ("title", "preamble"):
        return ""
    try:
        make_profile({**draft.profile.model_dump(), key: value})
    except ProfileError as e:
        return str(e)
    return ""


@dataclass
class Accepted:
    """What accept() did: the headings given a new version (or added), those left as they
    were because they are locked, and the head fields taken."""

    sections: list[str] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    head: list[str] = field(default_factory=list)


def accept(
    draft: Draft, found: Review, keys: set[str] | list[str], when: float | None = None
) -> Accepted:
    """Take the chosen changes into the draft: a changed section gets the file's text as a new
    version (origin import, with the file's name; its heading's words too when reworded); a new
    one is added at its place; a locked section is left as it is."""
    when = when if when is not None else time.time()
    keys = set(keys)
    done = Accepted()
    # file section → the draft's section it is now (indices move as new ones are added)
    placed = {j: draft.sections[i] for j, i in enumerate(found.pairs) if i is not None}
    for change in found.sections:
        j = int(change.key[1:])
        if change.key not in keys:
            continue
        if change.kind == "changed":
            section = placed[j]
            at = _position(draft, section)
            if section.locked:
                done.locked.append(heading(at, section.title))
                continue
            _take(section, change, found.filename, when)
            done.sections.append(heading(at, section.title))
        else:
            section = SectionState(change.title, role_of_heading(change.title) or "", "", 0)
            section.length = max(len(change.text), 1)
            _take(section, change, found.filename, when)
            at = _after(draft, placed, change.after)
            draft.sections.insert(at, section)
            placed[j] = section
            done.sections.append(heading(at, section.title))
    for change in found.head:
        if change.key in keys and not change.problem:
            _take_head(draft, change)
            done.head.append(change.label)
    return done


def _take(section: SectionState, change: SectionChange, filename: str, when: float) -> None:
    if change.renamed:
        section.title = change.title
    if change.text != normal_text(section.text) or not section.versions:
        # sentences kept from the current text keep their sources, the others are 用户修改
        section.add(
            Version.following(section.version, change.text, IMPORT, created=when, file=filename)
        )


def _after(draft: Draft, placed: dict[int, SectionState], after: int | None) -> int:
    """Where a new section goes: after the draft's section of the nearest file section before
    it that is in the draft (at the start when there is none)."""
    while after is not None:
        if after in placed:
            return _position(draft, placed[after]) + 1
        after = after - 1 if after else None
    return 0


def _position(draft: Draft, section: SectionState) -> int:
    return next(i for i, s in enumerate(draft.sections) if s is section)


def _take_head(draft: Draft, change: HeadChange) -> None:
    if change.key in ("title", "preamble"):
        setattr(draft, change.key, change.new)
    else:
        draft.profile = make_profile({**draft.profile.model_dump(), change.key: change.new})
