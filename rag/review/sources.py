"""Checks that read the sentences' sources: a sample's sentence that still says that sample's
own words, and a model's sentence that rests on nothing yet states a figure, a date or a name.
The same for composed and model drafts."""

from __future__ import annotations

from collections.abc import Callable

from rag.plan.draft import Version
from rag.plan.profile import Profile
from rag.plan.sources import MODEL, SAMPLE, Sentence
from rag.plan.specifics import is_proper_name, profile_text
from rag.text.tokens import tagged
from rag.text.zh import TO_FILL

# doc_id -> the words only that library document uses (Retriever.rare_terms)
RareTerms = Callable[[str], frozenset[str]]


def sample_of(sentence: Sentence) -> str:
    """The library document a sentence came from or follows: a sample's, or the one whose
    wording a model sentence follows; "" for any other."""
    source = sentence.source
    if source.get("kind") == SAMPLE or (source.get("kind") == MODEL and source.get("chunk_id")):
        return source.get("doc_id", "")
    return ""


def sample_words(version: Version, profile: Profile, rare_terms: RareTerms) -> list[str]:
    """The words of its sample that a sentence taken from it still says (and the profile does
    not): another community's places, units and brands."""
    own = profile_text(profile)
    found: list[str] = []
    for sentence in version.sentences:
        doc = sample_of(sentence)
        if not doc:
            continue
        text = TO_FILL.sub("", sentence.text)
        found += [
            w
            for w in sorted(rare_terms(doc), key=lambda w: text.find(w))
            if w in text and w not in own and w not in found
        ]
    return found


def unsourced_claims(
    version: Version, profile: Profile, grounded: set[str], numbers: Callable[[str], list[str]]
) -> list[str]:
    """The model's sentences that follow no passage and state a figure, a date or a name the
    profile and the calendar do not give."""
    own = profile_text(profile)
    found = []
    for sentence in version.sentences:
        if sentence.source.get("kind") != MODEL or sentence.source.get("chunk_id"):
            continue
        text = TO_FILL.sub("", sentence.text).strip()
        figures = set(numbers(text)) - grounded - {str(profile.year)}
        names = [w for w, tag in tagged(text) if is_proper_name(w, tag) and w not in own]
        if figures or names:
            found.append(text)
    return found
