"""Where each sentence of a version came from: the sentence list and its sources.

A version's text is a list of sentences that, in order, make it up exactly (line breaks
included); each has a source, a dict with its kind and the details of that kind:

- 社区信息: {"field": the profile field (community, households, population, facts, notes,
  priorities, community_type …), "key": a fact's name}
- 日历提纲: {"what": "日历" (the year's key dates) or "提纲" (the outline: a section's
  purpose, the plan's wording), "chunk_id": the calendar's pseudo-passage id}
- 上年计划: {"chunk_id": "previous:N", "doc_id"}
- 范文: {"doc_id", "chunk_id", "how": 原句 | 改写 | 仅结构, "replaced": [[sample's, ours] …]}
- 模型: {"given": the chunk ids it was given, and where its wording follows one of them by
  character overlap: "chunk_id", "doc_id", "overlap"}
- 用户修改: {}

The passages a version lists are derived from these (never kept beside them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.text.zh import sentence_key

PROFILE, CALENDAR, PREVIOUS, SAMPLE, MODEL, USER = (
    "社区信息",
    "日历提纲",
    "上年计划",
    "范文",
    "模型",
    "用户修改",
)
KINDS = (PROFILE, CALENDAR, PREVIOUS, SAMPLE, MODEL, USER)
AS_IS, ADAPTED, STRUCTURE = "原句", "改写", "仅结构"

# A sentence with its end punctuation, any closing quote after it and the line break that
# follows; a line without end punctuation is a sentence too.
_PIECE = re.compile(r"[^。！？；\n]*(?:[。！？；]+[”’」）]*[ \t]*\n*|\n+|$)")


@dataclass
class Sentence:
    """One sentence of a version's text and where it came from."""

    text: str
    source: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.source.get("kind", "")

    def passage_ids(self) -> list[str]:
        """The passages this sentence's source names: the one it came from, and for a model
        sentence every passage the model was given."""
        ids = list(self.source.get("given", []))
        if chunk := self.source.get("chunk_id"):
            ids.insert(0, chunk)
        return ids

    def to_dict(self) -> dict:
        return {"text": self.text, "source": dict(self.source)}

    @classmethod
    def from_dict(cls, data: dict) -> Sentence:
        return cls(data["text"], dict(data.get("source", {})))


def source(kind: str, **details) -> dict:
    """A source of the given kind; details without a value are left out."""
    if kind not in KINDS:
        raise ValueError(f"unknown source kind: {kind}")
    return {"kind": kind, **{k: v for k, v in details.items() if v not in (None, "", [], ())}}


def split(text: str) -> list[str]:
    """The sentences of a text, each with its end punctuation and the line breaks after it:
    joined in order they give the text back exactly."""
    pieces = [m[0] for m in _PIECE.finditer(text) if m[0]]
    if pieces and not pieces[0].strip() and len(pieces) > 1:  # leading blank lines
        pieces[1] = pieces[0] + pieces[1]
        del pieces[0]
    return pieces


def line_sentences(lines: list[tuple[str, dict]]) -> list[Sentence]:
    """The sentences of lines joined by line breaks, each line's from that line's source."""
    out = []
    for n, (line, src) in enumerate(lines):
        pieces = split(line + ("\n" if n < len(lines) - 1 else ""))
        out += [Sentence(piece, dict(src)) for piece in pieces]
    return out


def named_passages(sentences: list[Sentence]) -> set[str]:
    """Every passage id the sources of the sentences name."""
    return {i for s in sentences for i in s.passage_ids()}


def carried(previous: list[Sentence], text: str) -> list[Sentence]:
    """The sentences of an edited text: one the previous version had (same characters) keeps
    its source, any other is the user's."""
    known: dict[str, list[dict]] = {}
    for s in previous:
        known.setdefault(sentence_key(s.text), []).append(s.source)
    out = []
    for piece in split(text):
        key = sentence_key(piece)
        sources = known.get(key) if key else None
        out.append(Sentence(piece, sources.pop(0) if sources else source(USER)))
    return out


N = 4  # the character n-grams a model sentence and a passage are compared by
FOLLOWS = 0.4  # the share of a sentence's n-grams a passage must hold for its wording


def ngrams(text: str, n: int = N) -> set[str]:
    key = sentence_key(text)
    return {key[i : i + n] for i in range(len(key) - n + 1)}


def overlap(sentence: str, passage_grams: set[str]) -> float:
    """The share of a sentence's character n-grams that a passage holds."""
    grams = ngrams(sentence)
    return len(grams & passage_grams) / len(grams) if grams else 0.0


def model_sentences(text: str, passages: list) -> list[Sentence]:
    """A model's text as sentences: each names the passages the model was given and, where
    its wording follows one of them (most of its character n-grams), that passage."""
    given = [p.id for p in passages]
    grams = [(p, ngrams(p.text)) for p in passages]
    out = []
    for piece in split(text):
        best, score = None, 0.0
        for p, g in grams:
            if (s := overlap(piece, g)) > score:
                best, score = p, s
        if best is not None and score >= FOLLOWS and len(ngrams(piece)) >= 3:
            src = source(MODEL, given=given, chunk_id=best.id, doc_id=best.doc_id)
            src["overlap"] = round(score, 2)
        else:
            src = source(MODEL, given=given)
        out.append(Sentence(piece, src))
    return out


def of_kind(sentences: list[Sentence], kind: str) -> list[Sentence]:
    return [s for s in sentences if s.kind == kind]
