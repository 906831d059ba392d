"""Every sentence of every composed section has a source, and the section's passages are
exactly the ones those sources name: on the base profiles of `make eval`."""

from __future__ import annotations

import pytest

from rag.config import get_settings
from rag.drafting.composer.compose import Composer
from rag.drafting.model.providers import make_llm_config
from rag.drafting.model.writer import ModelWriter
from rag.drafting.pipeline import draft_sections, new_draft
from rag.plan.profile import load_profiles
from rag.plan.sources import KINDS, MODEL, SAMPLE, named_passages

PROFILES = load_profiles(get_settings().corpus_dir.parent / "eval" / "profiles.json")


@pytest.fixture(scope="module")
def drafts(hash_index):
    _, _, retriever = hash_index
    writer = Composer()
    found = []
    for profile in PROFILES:
        draft = new_draft(profile, writer)
        draft_sections(draft, retriever=retriever, writer=writer, concurrency=1)
        found.append(draft)
    return found


def test_every_sentence_of_every_section_has_a_source(drafts):
    for draft in drafts:
        for section in draft.sections:
            version = section.version
            where = f"{draft.profile.community}·{section.title}"
            assert version and version.text, where
            assert "".join(s.text for s in version.sentences) == version.text, where
            for s in version.sentences:
                assert s.kind in KINDS, (where, s)
                assert "unmatched" not in s.source, (where, s)
                if s.kind == SAMPLE:
                    assert s.source["doc_id"] and s.source["chunk_id"] and s.source["how"]


def test_a_sections_passages_are_the_ones_its_sentences_name(drafts):
    for draft in drafts:
        for section in draft.sections:
            version = section.version
            ids = [p.id for p in version.passages]
            assert len(ids) == len(set(ids))
            assert set(ids) == named_passages(version.sentences), section.title


def test_a_model_drafts_sentences_name_the_passages_it_was_given(fake_llm, hash_index):
    _, _, retriever = hash_index
    writer = ModelWriter(make_llm_config("custom", "fake-model", fake_llm.base_url, None))
    draft = new_draft(PROFILES[0], writer)
    draft_sections(draft, retriever=retriever, writer=writer)
    for section in draft.sections:
        version = section.version
        assert "".join(s.text for s in version.sentences) == version.text
        given = [p.id for p in version.passages]
        assert given and all(s.kind == MODEL for s in version.sentences)
        assert all(s.source["given"] == given for s in version.sentences), section.title
        assert set(given) == named_passages(version.sentences)
