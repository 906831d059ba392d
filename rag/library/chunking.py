"""Heading-aware chunking (一、 （一） 1. （1） and unnumbered headings); sentences stay whole."""

from __future__ import annotations

from dataclasses import dataclass

from rag.library.corpus import CorpusDoc
from rag.library.structure import COMMUNITY, ROLE_HEADINGS, has_outline_headings, prose_roles
from rag.text.zh import SENTENCE, parse_heading, role_of_heading

MAX_CHARS = 800
MIN_CHARS = 150


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    title: str
    kind: str
    topic: str
    source: str
    section: str
    role: str
    position: int
    text: str
    community_type: str = ""  # the sample's kind of community ("" when it declares none)

    @property
    def context_text(self) -> str:
        """What is tokenised for BM25: the text with its document title and section."""
        return context_text(self.title, self.section, self.text)


def context_text(title: str, section: str, text: str) -> str:
    """Title, section path and body: the text BM25 sees for a chunk."""
    return f"{title}\n{section}\n{text}"


@dataclass
class _Unit:
    text: str
    path: tuple[str, ...]
    role: str
    top: int  # index of the top-level section it belongs to (-1: preamble)


def _units(doc: CorpusDoc) -> list[_Unit]:
    if doc.scope != COMMUNITY:
        # Another organisation's activity or an essay: searchable, never drafted from.
        return [_Unit(line, (), "其他", -1) for line in doc.body.split("\n")]
    if doc.kind in ("计划", "方案") and not has_outline_headings(doc.body):
        return _prose_units(doc.body.split("\n"))
    default = "任务措施" if doc.kind in ("计划", "方案") else "情况"
    preamble_role = {"计划": "指导思想", "方案": "指导思想", "标语": "其他"}.get(doc.kind, "情况")
    stack: list[tuple[int, str, str | None]] = []  # (level, path label, role)
    units, top = [], -1
    for line in doc.body.split("\n"):
        heading = parse_heading(line)
        if heading:
            level, label, short = heading
            while stack and stack[-1][0] >= level:
                stack.pop()
            if level <= 1:
                top += 1
            name = (label + short) if level <= 2 else label
            stack.append((level, name, role_of_heading(short) if short else None))
        path = tuple(name for _, name, _ in stack)
        roles = [r for _, _, r in stack if r]
        if not stack:
            role = preamble_role
        elif doc.kind == "标语":
            role = "其他"
        else:
            role = roles[-1] if roles else default
        units.append(_Unit(line, path, role, top))
    return units


def _prose_units(lines: list[str]) -> list[_Unit]:
    """A plan written without outline headings: each run of paragraphs of one role (judged by
    their content) is a section named by the heading that role stands for."""
    units, top, previous = [], -1, None
    for line, role in zip(lines, prose_roles(lines), strict=True):
        if role != previous:
            top, previous = top + 1, role
        units.append(_Unit(line, (ROLE_HEADINGS.get(role, role),), role, top))
    return units


def _is_bare_heading(line: str) -> bool:
    heading = parse_heading(line)
    return bool(heading) and "。" not in line and len(line) <= 32


def _size(units: list[_Unit]) -> int:
    return sum(len(u.text) + 1 for u in units)


def _split_long(text: str) -> list[str]:
    """Pieces of at most MAX_CHARS, cut between sentences."""
    pieces, current = [], ""
    for sentence in SENTENCE.findall(text) or [text]:
        if current and len(current) + len(sentence) > MAX_CHARS:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def chunk_document(doc: CorpusDoc) -> list[Chunk]:
    """The chunks of one document, in order."""
    groups: list[list[_Unit]] = []
    for unit in _units(doc):
        if groups and groups[-1][0].top == unit.top:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    # A short preamble belongs with the first section.
    if len(groups) > 1 and groups[0][0].top == -1 and _size(groups[0]) < MIN_CHARS:
        first = groups.pop(0)
        groups[0] = [_Unit(u.text, groups[0][0].path, u.role, u.top) for u in first] + groups[0]
    # Short neighbouring sections of the same role share a chunk.
    merged: list[list[_Unit]] = []
    for group in groups:
        prev = merged[-1] if merged else None
        if (
            prev
            and prev[-1].role == group[0].role
            and min(_size(prev), _size(group)) < MIN_CHARS
            and _size(prev) + _size(group) <= MAX_CHARS
        ):
            prev.extend(group)
        else:
            merged.append(list(group))
    groups = merged
    pieces: list[tuple[str, tuple[str, ...], str]] = []
    for group in groups:
        pieces.extend(_pack(group))
    return [
        Chunk(
            doc.doc_id,
            doc.title,
            doc.kind,
            doc.topic,
            doc.source,
            " > ".join(path),
            role,
            i,
            text,
            doc.community_type or "",
        )
        for i, (text, path, role) in enumerate(pieces)
    ]


def _pack(group: list[_Unit]) -> list[tuple[str, tuple[str, ...], str]]:
    """Greedy packing of one top-level section into chunks of MIN..MAX characters."""
    parts: list[tuple[str, _Unit]] = []
    for unit in group:
        parts.extend((piece, unit) for piece in _split_long(unit.text))
    chunks: list[list[tuple[str, _Unit]]] = [[]]
    for piece, unit in parts:
        size = sum(len(p) + 1 for p, _ in chunks[-1])
        if chunks[-1] and size + len(piece) > MAX_CHARS:
            # A heading line goes with the text it heads, not at the end of a chunk.
            carried = []
            while len(chunks[-1]) > 1 and _is_bare_heading(chunks[-1][-1][0]):
                carried.insert(0, chunks[-1].pop())
            chunks.append(carried)
        chunks[-1].append((piece, unit))
    # Fold a short tail into its predecessor when both fit.
    if len(chunks) > 1:
        tail = sum(len(p) + 1 for p, _ in chunks[-1])
        prev = sum(len(p) + 1 for p, _ in chunks[-2])
        if tail < MIN_CHARS and tail + prev <= MAX_CHARS:
            chunks[-2].extend(chunks.pop())
    out = []
    for chunk in chunks:
        first = chunk[0][1]
        paths = [u.path for _, u in chunk]
        path = _common_prefix(paths) or first.path
        out.append(("\n".join(p for p, _ in chunk), path, first.role))
    return out


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    prefix = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(prefix), len(path)) and prefix[n] == path[n]:
            n += 1
        prefix = prefix[:n]
    # A chunk that starts at an item keeps that item's label even if it runs on.
    if len(prefix) < len(paths[0]) and len(paths) > 1 and paths[0][:-1] == prefix:
        return paths[0]
    return prefix
