"""The 依据 view beside each section, through AppTest: every sentence of the section with what
it rests on, text that is not the app's own escaped."""

from __future__ import annotations

from rag.config import get_settings
from rag.export.package import section_rows
from rag.factory import open_draft_store
from tests.test_app import environment, generated, library_dir, new_app, texts  # noqa: F401
from ui.literal import literal
from ui.sources_view import LEGEND


def test_each_section_shows_its_sentences_with_their_sources():
    at = generated(new_app())
    draft = open_draft_store(get_settings()).load(at.query_params["draft"])
    labels = [e.label for e in at.expander if e.label.startswith("依据（")]
    assert len(labels) == len(draft.sections)
    assert [c.value for c in at.caption].count(LEGEND) == len(draft.sections)
    shown = [m.value for m in at.markdown]
    for index in range(len(draft.sections)):
        rows = section_rows(draft, index, [])
        assert labels[index].startswith(f"依据（{len(rows)} 句")
        for row in rows:
            assert any(v.endswith(f"-background[{row.nature}] {literal(row.text)}") for v in shown)


def test_a_sentence_typed_into_a_section_is_shown_escaped():
    at = generated(new_app())
    draft_id = at.query_params["draft"]
    key = next(k for k in texts(at) if k.startswith(f"text_{draft_id}_1_"))
    typed = "联系[警卫连](http://x.example)开展*共建*活动。"
    at.text_area(key=key).input(typed).run()
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert any(v.endswith(literal(typed)) for v in shown)
    assert not any(typed in v for v in shown)
    # its open mark in red beside it
    assert any(":red[待确认：范文专名：警卫连]" in c.value for c in at.caption)
