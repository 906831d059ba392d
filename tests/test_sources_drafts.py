"""Every sentence of every composed section has a source, and the section's passages are
exactly the ones those sources name: on the base profiles of `make eval`."""

from __future__ import annotations

import pytest

from rag.config import get_settings
from rag.drafting.composer.compose import Composer
from rag.drafting.model.providers import make_llm_config
from rag.drafting.model.writer import ModelWriter
from rag.drafting.pipeline import draft_sections, new_draft, outline_of, regenerate_section
from rag.errors import NoMoreVariants
from rag.plan.draft import Passage, Version
from rag.plan.profile import load_profiles
from rag.plan.sources import KINDS, MODEL, SAMPLE, model_sentences, named_passages
from rag.review.checks import check_draft

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


def test_a_model_copying_a_samples_brand_is_marked_through_the_librarys_rare_terms(hash_index):
    _, _, retriever = hash_index
    hit = next(
        h for h in retriever.search("巧手匠 志愿服务队 进营区服务", k=10) if "巧手匠" in h.text
    )
    assert "巧手匠" in retriever.rare_terms(hit.doc_id)
    passage = Passage.from_hit(hit)
    text = (
        "（一）依托社区“巧手匠”志愿服务队，每月安排理发、家电维修、义诊等志愿者进营区服务1次。\n"
        "（二）2027年5月12日组织王建国等8名老兵到红星小学讲述军营故事。"
    )
    draft = new_draft(PROFILES[0], Composer())
    draft.sections[2].add(
        Version(text, "model", sentences=model_sentences(text, [passage]), given=[passage])
    )
    head = draft.headings()[2]
    found = {
        f.kind: f.items
        for f in check_draft(draft, outline_of(draft.profile), retriever.rare_terms)
        if f.section == head
    }
    assert found["范文独有词"] == ["巧手匠"]
    assert found["无依据"] == ["（二）2027年5月12日组织王建国等8名老兵到红星小学讲述军营故事。"]


@pytest.mark.parametrize("instruction", ["", "突出志愿服务", "增加春节走访慰问的具体安排"])
def test_regenerated_sections_have_a_source_for_every_sentence(drafts, hash_index, instruction):
    _, _, retriever = hash_index
    draft = drafts[0]
    for index, section in enumerate(draft.sections):
        try:
            version = regenerate_section(
                draft, index, retriever=retriever, writer=Composer(), instruction=instruction
            )
        except NoMoreVariants:
            continue
        assert "".join(s.text for s in version.sentences) == version.text
        unknown = [s.text for s in version.sentences if "unmatched" in s.source]
        assert not unknown, (section.title, unknown)
        assert {p.id for p in version.passages} == named_passages(version.sentences)
