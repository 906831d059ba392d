"""Sentence sources: the split that gives the text back, edits that keep sources, model
sentences matched to passages by overlap, and versions saved before sources load."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict

import pytest

from rag.drafting.composer.compose import Composer
from rag.drafting.composer.sources import how_adapted
from rag.drafting.pipeline import new_draft
from rag.plan.draft import Passage, SectionState, Version
from rag.plan.profile import make_profile
from rag.plan.sources import (
    MODEL,
    SAMPLE,
    USER,
    Sentence,
    carried,
    model_sentences,
    source,
    split,
)
from rag.plan.store import SQLiteDraftStore

P1 = Passage("shuangyong_01::00001", "shuangyong_01", "双拥计划", "任务", "走访慰问驻地部队官兵。")
P2 = Passage(
    "shuangyong_02::00003",
    "shuangyong_02",
    "双拥计划二",
    "任务",
    "依托退役军人服务站，建立退役军人档案，开展常态化联系。",
)


@pytest.mark.parametrize(
    "text",
    [
        "（一）加强组织领导。成立领导小组；明确分工。\n1.每月走访。\n（二）强化宣传",
        "“拥军优属”！是吗？\n\n下一段。",
        "没有句号的一行",
        "\n开头空行。",
        "",
    ],
)
def test_split_gives_the_text_back(text):
    pieces = split(text)
    assert "".join(pieces) == text
    assert all(p.strip() for p in pieces)


def test_split_ends_a_sentence_at_its_punctuation_and_keeps_the_line_break():
    assert split("（一）加强组织领导。成立领导小组；明确分工。\n1.每月走访。") == [
        "（一）加强组织领导。",
        "成立领导小组；",
        "明确分工。\n",
        "1.每月走访。",
    ]


def test_an_edit_keeps_the_source_of_unchanged_sentences_and_marks_new_ones():
    sample = source(SAMPLE, doc_id=P1.doc_id, chunk_id=P1.id, how="原句")
    state = SectionState("主要任务", "任务措施", "写任务。", 300)
    state.add(
        Version(
            "走访慰问驻地部队官兵。开展国防教育。",
            "composer",
            sentences=[
                Sentence("走访慰问驻地部队官兵。", sample),
                Sentence("开展国防教育。", source("日历提纲", what="提纲")),
            ],
            given=[P1, P2],
        )
    )
    assert state.version.passages == [P1]  # P2 named by no sentence
    edited = state.edit("走访慰问驻地部队官兵。\n组织退役军人座谈会。")
    assert [s.text for s in edited.sentences] == [
        "走访慰问驻地部队官兵。\n",
        "组织退役军人座谈会。",
    ]
    assert edited.sentences[0].source == sample
    assert edited.sentences[1].source == {"kind": USER}
    assert edited.passages == [P1]
    rewritten = state.edit("组织退役军人座谈会。")
    assert rewritten.passages == []  # the sample's sentence is gone, and so is its passage


def test_model_sentences_name_the_given_passages_and_the_one_their_wording_follows():
    text = "依托退役军人服务站建立退役军人档案。组织辖区居民参加春节联欢。"
    found = model_sentences(text, [P1, P2])
    assert "".join(s.text for s in found) == text
    follows, own = found
    assert follows.source["kind"] == MODEL and follows.source["chunk_id"] == P2.id
    assert follows.source["given"] == [P1.id, P2.id] and follows.source["overlap"] >= 0.4
    assert "chunk_id" not in own.source and own.source["given"] == [P1.id, P2.id]
    version = Version(text, "model", sentences=found, given=[P1, P2])
    assert version.passages == [P1, P2]  # the model was given both


def test_a_version_saved_before_sources_loads_with_its_passages():
    old = {"text": "旧版本。", "origin": "composer", "passages": [P1.__dict__], "units": ["u"]}
    version = Version.from_dict(json.loads(json.dumps(old)))
    assert version.sentences == [] and version.passages == [P1]
    state = SectionState("目标", "目标", "写目标。", 200)
    state.add(version)
    assert state.edit("新的目标。").passages == [P1]  # no sources to carry: the list stays


def test_a_sourced_version_round_trips():
    version = Version(
        "走访慰问驻地部队官兵。",
        "composer",
        sentences=[Sentence("走访慰问驻地部队官兵。", source(SAMPLE, chunk_id=P1.id))],
        given=[P1, P2],
    )
    again = Version.from_dict(json.loads(json.dumps(asdict(version), ensure_ascii=False)))
    assert again == version and again.given == [P1]


def test_carried_matches_sentences_by_their_characters_only():
    before = [Sentence("开展国防教育。", {"kind": SAMPLE, "chunk_id": "a"})]
    after = carried(before, "开展国防教育；开展国防教育。")
    assert after[0].source["chunk_id"] == "a" and after[1].source == {"kind": USER}


def test_the_draft_store_keeps_the_sources_and_reads_a_draft_saved_before_them(tmp_path):
    store = SQLiteDraftStore(tmp_path / "drafts.db")
    profile = make_profile({"community": "阳光社区", "year": 2027, "topic": "双拥"})
    draft = new_draft(profile, Composer())
    sample = source(SAMPLE, doc_id=P1.doc_id, chunk_id=P1.id, how="改写", replaced=[["××", "阳光"]])
    draft.sections[0].add(
        Version(
            "走访慰问驻地部队官兵。",
            "composer",
            sentences=[Sentence("走访慰问驻地部队官兵。", sample)],
            given=[P1, P2],
        )
    )
    draft_id = store.save(draft)
    again = store.load(draft_id)
    assert again.sections[0].version.sentences == draft.sections[0].version.sentences
    assert again.sections[0].version.passages == [P1]
    # a section saved before sources: its version has passages and no sentences
    old = again.sections[1].to_dict()
    old["versions"] = [{"text": "旧文。", "origin": "composer", "passages": [asdict(P2)]}]
    old["current"] = 0
    with sqlite3.connect(tmp_path / "drafts.db") as db:
        db.execute(
            "UPDATE draft_section SET body = ? WHERE draft_id = ? AND idx = 1",
            (json.dumps(old, ensure_ascii=False), draft_id),
        )
    loaded = store.load(draft_id).sections[1].version
    assert loaded.text == "旧文。" and loaded.sentences == [] and loaded.passages == [P2]


def test_how_a_sample_sentence_was_taken():
    same = "组织志愿者开展上门服务。"
    assert how_adapted(same, same) == {"how": "原句"}
    cut = how_adapted("组织志愿者开展上门服务，全年服务500人次。", "组织志愿者开展上门服务。")
    assert cut == {"how": "改写", "replaced": [["，全年服务500人次", ""]]}
    named = how_adapted("联合××社区卫生服务站开展体检。", "联合芙蓉街社区卫生服务站开展体检。")
    assert named == {"how": "改写", "replaced": [["××", "芙蓉街"]]}
    assert how_adapted("××社区开展××活动。", "芙蓉街社区每季度召开联席会议。")["how"] == "仅结构"
