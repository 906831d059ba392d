"""The Word round trip for the pages and the CLI: an edited file read and set against its draft
(nothing changes), then the changes the user accepts taken in and checked at once."""

from __future__ import annotations

from rag.library.edited import read_edited
from rag.plan.draft import Draft
from rag.plan.outlines import load_outlines
from rag.plan.revise import Accepted, Review, accept, review
from rag.review.checks import Finding, check_draft


def review_file(draft: Draft, data: bytes, filename: str) -> Review:
    """What an edited file (.docx, .txt, .md) would change in the draft; InputFileError with a
    Chinese message for a file that is broken, too big, not a plan, or another draft's."""
    return review(draft, read_edited(data, filename))


def accept_checked(
    draft: Draft, found: Review, keys: set[str] | list[str]
) -> tuple[Accepted, list[Finding]]:
    """Take the chosen changes into the draft (the caller saves it); the findings of the
    sections given a new text and of the whole plan, from the checks run on the result."""
    done = accept(draft, found, keys)
    findings = check_draft(draft, load_outlines()[draft.topic])
    touched = set(done.sections) | {"全文"}
    return done, [f for f in findings if f.section in touched]
