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
        if is_proper_name(word, tag) or (
            _HAN.match(word) and tag.startswith("n") and _NAMED.search(word)
        ):
            found.add(word)
    return found


def rare_terms_by_doc(texts: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """{doc_id: the naming words no other document uses} from (doc_id, text) pairs (a
    document's chunks may come one by one)."""
    by_doc: dict[str, set[str]] = {}
    for doc_id, text in texts:
        by_doc.setdefault(doc_id, set()).update(naming_words(text))
    users: dict[str, int] = {}
    for found in by_doc.values():
        for w in found:
            users[w] = users.get(w, 0) + 1
    return {doc: frozenset(w for w in found if users[w] == 1) for doc, found in by_doc.items()}
