"""The words that stand in one sample only: each library document's rare terms.

A sample plan's own words (its garrison 警卫连, its street, its brand, its estate) are what a
draft must not carry over. Over the whole library, a document's rare terms are the words no
other document uses that name something: a proper name (a place, a person, an
organisation), a unit, place or institution word (…连, …街, …小区, …小学), a word jieba's
dictionary does not know, or a quoted brand. A sentence taken from that sample that still
holds one speaks of the other community.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.plan.specifics import quoted_terms
from rag.text.tokens import tagged, word_frequency

_HAN = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_NAMED = re.compile(
    r"(?:连|营|团|中队|支队|大队|分队|军分区|武装部|街|路|巷|里|弄|村|组|小区|花园|家园|苑|庄|"
    r"广场|公园|大厦|小学|中学|学校|幼儿园|医院|卫生院|厂|公司|集团|超市|银行|站|所)$"
)
_NAME_TAGS = ("nr", "ns", "nt", "nz")


def naming_words(text: str) -> set[str]:
    """The words of a text that name something (see the module's docstring)."""
    found = set(quoted_terms(text))
    for word, tag in tagged(text):
        if not _HAN.match(word):
            continue
        if (
            tag.startswith(_NAME_TAGS)
            or (tag.startswith("n") and _NAMED.search(word) and len(word) >= 3)
            or (tag.startswith("n") and word_frequency(word) == 0 and len(word) >= 3)
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
