"""Whole drafts of the offline composer on three profiles, compared with files under
tests/snapshots/ (JSON, Chinese kept readable).

A change that is meant to alter what the composer writes (a larger library, a new rule)
rewrites them with `PLAN_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py`, and
the diff of the JSON files is what a reviewer reads. A refactoring leaves them as they are.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import draft_sections, new_draft, outline_of
from rag.plan.profile import make_profile
from rag.review.checks import check_draft

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("PLAN_UPDATE_SNAPSHOTS") == "1"

PROFILES = {
    "shuangyong_old_town": {
        "community": "芙蓉街社区",
        "parent": "济南市历下区大明湖街道",
        "year": 2027,
        "topic": "双拥",
        "community_type": "老城区",
        "households": 1860,
        "population": 4300,
        "facts": {"退役军人": "85", "军烈属": "9"},
        "priorities": ["春节走访慰问", "退役军人服务站规范化建设"],
        "notes": "老街巷多，老年居民比例高",
        "date": "2027年1月10日",
    },
    "xiaofang_new_estate": {
        "community": "锦绣园社区",
        "parent": "成都市武侯区簇锦街道",
        "year": 2027,
        "topic": "消防",
        "community_type": "新建商品房小区",
        "households": 3200,
        "facts": {"高层住宅楼": "24", "微型消防站": "1"},
        "priorities": ["电动自行车充电管理", "高层建筑消防通道畅通"],
        "date": "2027年1月12日",
    },
    "jiuye_village": {
        "community": "柳河湾社区",
        "parent": "合肥市蜀山区南岗镇",
        "year": 2027,
        "topic": "就业社保",
        "community_type": "村改居",
        "households": 2400,
        "population": 7100,
        "facts": {"失地农民": "860", "就业困难人员": "46"},
        "priorities": ["失地农民技能培训", "灵活就业人员参保"],
        "notes": "由原柳河村整体搬迁而来",
        "date": "2027年1月6日",
    },
}


def snapshot_of(draft, findings) -> dict:
    """What a reader of the draft sees, without ids and clocks."""
    return {
        "title": draft.title,
        "preamble": draft.preamble,
        "sections": [
            {
                "heading": heading,
                "text": section.text,
                "passages": [p.id for p in section.version.passages] if section.version else [],
            }
            for heading, section in zip(draft.headings(), draft.sections, strict=True)
        ],
        "findings": [{"section": f.section, "kind": f.kind, "items": f.items} for f in findings],
    }


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_composed_draft_equals_its_snapshot(name, hash_index):
    _, _, retriever = hash_index
    profile = make_profile(PROFILES[name])
    writer = Composer()
    draft = new_draft(profile, writer)
    draft_sections(draft, retriever=retriever, writer=writer, concurrency=1)
    got = snapshot_of(draft, check_draft(draft, outline_of(draft.profile)))
    path = SNAPSHOTS / f"{name}.json"
    if UPDATE or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path.name} did not exist and was written: check it and commit it")
    assert got == json.loads(path.read_text(encoding="utf-8"))
