"""The words that stand in one sample only: each library document's rare terms.

A sample plan's own words (its garrison 警卫连, its street, its brand, its estate) are what a
draft must not carry over. Over the whole library, a document's rare terms are the words no
other document uses that name something: a proper name (a place, a person, an
organisation), a unit, place or institution named in full (…连, …街, …小区, …小学), or a
quoted brand or slogan. A sentence taken from that sample that still
holds one speaks of the other community.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.plan.specifics import is_proper_name, quoted_terms
from rag.text.tokens import tagged

_HAN = re.compile(r"^[\u4e00-\u9fff]{3,}$")
# A unit, a place or an institution named in full: 警卫连, 朝阳街, 红星小学 (three characters
# or more, so that 连 or 街 alone is no name).
_NAMED = re.compile(
    r"(?:[连营排]|中队|支队|大队|分队|军分区|武装部|街|路|巷|弄|村|小区|花园|家园|苑|府|庄|"
    r"广场|大厦|小学|中学|幼儿园|医院|卫生院|厂|公司|集团)$"
)


def naming_words(text: str) -> set[str]:
    """The words of a text that name something: a quoted brand or slogan, a place or a
    person as jieba tags them, a unit, place or institution named in full."""
    found = set(quoted_terms(text))
    for word, tag in tagged(text):
        named = _NAMED.search(word) if _HAN.match(word) and tag.startswith("n") else None
        # a name before the kind of thing it names (警卫连, not 武装部 or 幼儿园 alone)
        if is_proper_name(word, tag) or (named and named.start() >= 2):
            found.add(word)
    return found


def rare_terms_of(text: str, others: Iterable[str]) -> frozenset[str]:
    """The naming words of a document's text that none of the other documents' texts holds."""
    others = list(others)
    return frozenset(w for w in naming_words(text) if not any(w in other for other in others))


def rare_terms_by_doc(texts: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """{doc_id: its rare terms} from (doc_id, text) pairs (a document's chunks may come one
    by one)."""
    by_doc = doc_texts(texts)
    return {
        doc: rare_terms_of(text, (t for d, t in by_doc.items() if d != doc))
        for doc, text in by_doc.items()
    }


def doc_texts(texts: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each document's text, its chunks joined, from (doc_id, text) pairs."""
    by_doc: dict[str, list[str]] = {}
    for doc_id, text in texts:
        by_doc.setdefault(doc_id, []).append(text)
    return {doc: "\n".join(parts) for doc, parts in by_doc.items()}
