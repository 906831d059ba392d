"""Comparing two texts of a section as a reviewer reads Chinese: sentence by sentence, then,
within a changed sentence, by runs of characters (Chinese has no spaces to split words on)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher

from rag.text.zh import sentences

SAME, ADDED, REMOVED, CHANGED = "same", "added", "removed", "changed"
PAIRING = 0.5  # two sentences this alike (difflib ratio) are one sentence changed
_BRIDGE = 2  # an unchanged run this short between two changes is shown as part of them


@dataclass(frozen=True)
class Piece:
    """A run of characters: kept (same), or only in the new (added) or old (removed) text."""

    kind: str
    text: str


@dataclass(frozen=True)
class SentenceChange:
    """One sentence of the comparison; a changed one carries its character runs."""

    kind: str  # same | added | removed | changed
    old: str = ""
    new: str = ""
    pieces: list[Piece] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def split(text: str) -> list[str]:
    """A text's sentences, line by line (a heading line without a full stop is one sentence)."""
    return [s for line in text.split("\n") for s in sentences(line.strip())]


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def char_runs(old: str, new: str) -> list[Piece]:
    """The runs of characters kept, removed and added from old to new; a kept run of one or
    two characters between two changes joins them (so 开展 → 组织 is one change, not two)."""
    pieces: list[Piece] = []
    ops = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(ops):
        inner = 0 < n < len(ops) - 1
        if op == "equal" and not (inner and i2 - i1 <= _BRIDGE):
            pieces.append(Piece(SAME, old[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(Piece(REMOVED, old[i1:i2]))
        if j2 > j1:
            pieces.append(Piece(ADDED, new[j1:j2]))
    return _joined(pieces)


def _joined(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring removed and added runs gathered: removed text first, then added."""
    out: list[Piece] = []
    i = 0
    while i < len(pieces):
        if pieces[i].kind == SAME:
            out.append(pieces[i])
            i += 1
            continue
        removed, added = [], []
        while i < len(pieces) and pieces[i].kind != SAME:
            (removed if pieces[i].kind == REMOVED else added).append(pieces[i].text)
            i += 1
        out += [Piece(REMOVED, "".join(removed))] if removed else []
        out += [Piece(ADDED, "".join(added))] if added else []
    return out


def _pair(old: list[str], new: list[str]) -> list[SentenceChange]:
    """A block of old sentences replaced by new ones: the alike pairs (in order) are changed
    sentences, the rest removed or added. A small alignment by similarity (the blocks are a
    few sentences long)."""
    n, m = len(old), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            ratio = _similar(old[i], new[j])
            paired = score[i + 1][j + 1] + ratio if ratio >= PAIRING else -1.0
            score[i][j] = max(paired, score[i + 1][j], score[i][j + 1])
    out: list[SentenceChange] = []
    i = j = 0
    while i < n and j < m:
        ratio = _similar(old[i], new[j])
        if ratio >= PAIRING and score[i][j] == score[i + 1][j + 1] + ratio:
            out.append(SentenceChange(CHANGED, old[i], new[j], char_runs(old[i], new[j])))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            out.append(SentenceChange(REMOVED, old=old[i]))
            i += 1
        else:
            out.append(SentenceChange(ADDED, new=new[j]))
            j += 1
    out += [SentenceChange(REMOVED, old=s) for s in old[i:]]
    out += [SentenceChange(ADDED, new=s) for s in new[j:]]
    return out


def compare(old_text: str, new_text: str) -> list[SentenceChange]:
    """Every sentence of both texts in reading order: kept, removed, added or changed."""
    old, new = split(old_text), split(new_text)
    out: list[SentenceChange] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out += [SentenceChange(SAME, s, s) for s in old[i1:i2]]
        else:
            out += _pair(old[i1:i2], new[j1:j2])
    return out


def changes(old_text: str, new_text: str) -> list[SentenceChange]:
    """Only the sentences that differ."""
    return [c for c in compare(old_text, new_text) if c.kind != SAME]


def summary(found: list[SentenceChange]) -> str:
    """新增 2 句，删除 1 句，修改 3 句 (the kinds present)."""
    counts = {kind: sum(1 for c in found if c.kind == kind) for kind in (ADDED, REMOVED, CHANGED)}
    words = {ADDED: "新增", REMOVED: "删除", CHANGED: "修改"}
    parts = [f"{words[k]} {n} 句" for k, n in counts.items() if n]
    return "，".join(parts) or "没有改动"
