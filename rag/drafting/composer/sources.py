"""Where each sentence of a composed section came from.

While it composes, the composer writes down every piece it may use with its source (the
sentences of its passages' units, what it says from the profile, the outline's wording);
the finished text is then split into sentences and each is looked up by its characters.
A sample's sentence is 原句 when the adapter left it as it was, 改写 (with what it replaced
or cut) when it changed some words, 仅结构 when less than half of it is the sample's wording.
"""

from __future__ import annotations

import difflib

from rag.drafting.composer.adapt import Adapter
from rag.drafting.composer.units import Unit
from rag.drafting.own_sources import is_previous
from rag.plan.draft import Passage
from rag.plan.sources import (
    ADAPTED,
    AS_IS,
    CALENDAR,
    PREVIOUS,
    PROFILE,
    SAMPLE,
    STRUCTURE,
    Sentence,
    source,
    split,
)
from rag.text.zh import sentence_key, sentences, unnumbered

KEPT = 0.5  # a sentence less than half of whose characters are the sample's: its structure only


def _key(piece: str) -> str:
    return sentence_key(unnumbered(piece.strip()))


def how_adapted(original: str, adapted: str) -> dict:
    """原句, or 改写 with the replaced words ([sample's, ours] pairs), or 仅结构."""
    if sentence_key(original) == sentence_key(adapted):
        return {"how": AS_IS}
    matcher = difflib.SequenceMatcher(None, original, adapted, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    if kept < KEPT * len(sentence_key(adapted)):  # our words, in the sample's frame
        return {"how": STRUCTURE}
    replaced = [
        [original[i1:i2], adapted[j1:j2]]
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal" and sentence_key(original[i1:i2] + adapted[j1:j2])
    ]
    return {"how": ADAPTED, "replaced": replaced} if replaced else {"how": AS_IS}


def passage_source(passage: Passage, original: str | None, adapted: str) -> dict:
    """The source of a sentence taken from a passage (last year's plan, the calendar, or a
    sample), with how it was adapted when the adapter knows its original."""
    if is_previous(passage):
        return source(PREVIOUS, chunk_id=passage.id, doc_id=passage.doc_id)
    if passage.id.startswith("outline:"):
        return source(CALENDAR, what="日历", chunk_id=passage.id)
    how = how_adapted(original, adapted) if original else {"how": AS_IS}
    return source(SAMPLE, doc_id=passage.doc_id, chunk_id=passage.id, **how)


class Ledger:
    """The pieces a section may say, by their characters, each with its source."""

    def __init__(self):
        self.known: dict[str, dict] = {}

    def add(self, text: str, src: dict) -> None:
        """Every sentence of a text comes from src (the first source given for a text wins)."""
        for piece in split(text):
            if key := _key(piece):
                self.known.setdefault(key, src)

    def put(self, text: str, src: dict) -> None:
        """Every sentence of a text comes from src, whatever was known of it before (the
        composer's own words, which a sample may happen to share)."""
        for piece in split(text):
            if key := _key(piece):
                self.known[key] = src

    def add_units(self, units: list[Unit], adapter: Adapter) -> None:
        """The sentences of the units, each from its passage."""
        for unit in units:
            for part in (unit.heading, *unit.body, *unit.subitems):
                for s in sentences(part):
                    original = adapter.origins.get(sentence_key(s))
                    self.add(s, passage_source(unit.passage, original, s))

    def sentences(self, text: str, fallback: dict) -> list[Sentence]:
        """The text's sentences with their sources; a sentence the ledger does not know (it
        should know each) gets the fallback, marked as such."""
        out = []
        for piece in split(text):
            src = self.known.get(_key(piece))
            if src is None:
                src = {**fallback, "unmatched": True}
            out.append(Sentence(piece, dict(src)))
        return out


def profile_source(field: str, key: str = "") -> dict:
    return source(PROFILE, field=field, key=key)


def outline_source(what: str = "提纲", chunk_id: str = "") -> dict:
    return source(CALENDAR, what=what, chunk_id=chunk_id)
