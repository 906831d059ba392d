"""The Word round trip, as the service does it for the pages and the CLI: a download recorded
on the stored draft; an edited file read and set against its draft (nothing changes); the
changes the user accepts taken in, saved through the store's merge and checked at once."""

from __future__ import annotations

import logging

from rag.drafting.service import Outcome, findings
from rag.errors import PlanError
from rag.export.files import exported
from rag.library.edited import read_edited
from rag.plan.draft import Draft
from rag.plan.revise import Accepted, Review, accept, review
from rag.plan.store import DraftStore
from rag.review.checks import Finding

log = logging.getLogger(__name__)


def export(store: DraftStore, draft_id: str, suffix: str, **options) -> bytes:
    """A download's bytes, the export recorded on the stored draft so an edited copy can be
    traced back to it (when that save fails the file is still good: only its trace is lost)."""
    draft = store.load(draft_id)
    data = exported(draft, suffix, **options)
    try:
        store.save(draft)
    except PlanError as e:
        log.warning("the export of draft %s was not recorded: %s", draft_id, e)
    return data


def review_file(draft: Draft, data: bytes, filename: str) -> Review:
    """What an edited file (.docx, .txt, .md) would change in the draft; InputFileError with a
    Chinese message for a file that is broken, too big, not a plan, or another draft's."""
    return review(draft, read_edited(data, filename))


def accept_checked(
    draft: Draft, found: Review, keys: set[str] | list[str]
) -> tuple[Accepted, list[Finding]]:
    """Take the chosen changes into the draft (not saved); the findings of the sections given
    a new text and of the whole plan, from the checks run on the result."""
    done = accept(draft, found, keys)
    touched = set(done.sections) | {"全文"}
    return done, [f for f in findings(draft) if f.section in touched]


def accept_saved(
    store: DraftStore, draft_id: str, data: bytes, filename: str, keys: set[str] | list[str]
) -> tuple[Outcome, Accepted]:
    """The chosen changes of an edited file taken into the stored draft, read afresh (a change
    already in it is no longer offered), saved, checked: the outcome's findings are those of
    the sections given a new text and of the whole plan."""
    draft = store.load(draft_id)
    found = review_file(draft, data, filename)
    done, touched = accept_checked(draft, found, set(keys) & set(found.keys))
    outcome = Outcome(draft, changed=bool(done.sections or done.head))
    if outcome.changed:
        store.save(draft)
        outcome.saved = True
        outcome.conflicts = list(draft.conflicts)
    outcome.findings = touched
    return outcome, done
