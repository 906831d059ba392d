"""The model's prompts at the level of messages (a FakeChat, no HTTP): a first draft and a
regeneration of a section get the same rules, the role notes among them."""

from __future__ import annotations

import pytest

from rag.drafting.model.providers import make_llm_config
from rag.drafting.model.writer import ModelWriter
from rag.drafting.pipeline import new_draft, outline_of
from rag.drafting.writer import SectionJob

# The note each role's section gets, whichever template its prompt comes from.
ROLE_NOTES = {
    "任务措施": "须把社区信息中的每一项工作重点写成具体措施",
    "目标": "须写入社区信息中的底数",
    "安排": "时间节点以参考资料中的“全年重要节点”为准",
}
TEMPLATES = {  # what makes a job use each template
    "section": {},
    "regenerate": {"current": "（一）原有的文字。", "instruction": "更具体"},
}


def writer(chat) -> ModelWriter:
    config = make_llm_config("custom", "fake-model", "http://127.0.0.1:1/v1", None)
    return ModelWriter(config, chat=chat)


def job_for(profile, role: str, **change) -> SectionJob:
    outline = outline_of(profile)
    index = next(i for i, s in enumerate(outline.sections) if s.role == role)
    return SectionJob(profile=profile, outline=outline, index=index, passages=[], **change)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("role", sorted(ROLE_NOTES))
def test_every_template_gets_every_role_note(chat, profile, role, template):
    job = job_for(profile(), role, **TEMPLATES[template])
    version = writer(chat).write(job)
    assert version.complete
    prompt = chat.prompt()
    assert ("请按修改要求重写" in prompt) == (template == "regenerate")
    assert ROLE_NOTES[role] in prompt
    for other, note in ROLE_NOTES.items():
        if other != role:
            assert note not in prompt


def test_a_regeneration_repeats_the_first_drafts_rules(chat, profile):
    """Everything the first draft's prompt says is in the regeneration's too."""
    p = profile()
    first = job_for(p, "任务措施")
    again = job_for(p, "任务措施", current="（一）原有的文字。", instruction="更具体")
    writer(chat).write(first)
    writer(chat).write(again)
    brief = chat.prompt(0).split("\n", 2)[2].rsplit("\n\n", 1)[0]  # between ask and answer
    assert brief in chat.prompt(1)
    assert "【修改要求】\n更具体" in chat.prompt(1)


def test_each_call_is_recorded_and_replies_come_in_order(chat, profile):
    chat.enqueue("（一）第一节。", "（一）第二节。")
    draft = new_draft(profile(), writer(chat))
    texts = [writer(chat).write(job_for(draft.profile, role)).text for role in ("目标", "安排")]
    assert texts == ["（一）第一节。", "（一）第二节。"]
    assert len(chat.calls) == 2 and all(call[0][0] == "system" for call in chat.calls)
