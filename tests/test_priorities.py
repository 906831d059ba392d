"""The user's priorities as the first items of the tasks section."""

from __future__ import annotations

from rag.drafting.composer.compose import Composer
from rag.drafting.composer.priorities import priority_items, wanted
from rag.drafting.composer.units import passage_units
from rag.drafting.composer.variety import NoVariety
from rag.drafting.pipeline import outline_of
from rag.drafting.writer import SectionJob
from rag.plan.draft import Passage
from rag.plan.outlines import load_outlines
from rag.plan.profile import make_profile

TEXT = (
    "（一）做好走访慰问。春节前社区书记带队走访慰问重点优抚对象，送去慰问品和春联。"
    "网格员每季度上门走访慰问军烈属1次，建立走访台账。\n"
    "（二）加强国防教育。每年9月组织居民开展国防教育宣传，邀请退役军人进校园讲国防课。\n"
    "（三）规范退役军人服务站。退役军人服务站每周一至周五安排专人值班，来访事项当日登记、3日内答复。"
)


def items_for(priorities, facts=None, used_sentences=(), text=TEXT):
    profile = make_profile(
        {
            "community": "阳光社区",
            "year": 2027,
            "topic": "shuangyong",
            "priorities": priorities,
            "facts": facts or {},
        }
    )
    outline = outline_of(profile)
    index = [s.role for s in outline.sections].index("任务措施")
    passage = Passage("p#1", "p", "样例", "三、主要任务", text)
    job = SectionJob(profile, outline, index, [passage], used_sentences=set(used_sentences))
    units = passage_units(passage, Composer().adapter(profile, outline), False)
    return priority_items(job, units, NoVariety())


def test_a_priority_gets_the_sample_sentences_about_it_and_its_facts():
    [(head, body, subs)] = items_for(["军烈属走访慰问"], facts={"退役军人": "85", "军烈属": "9"})
    assert head == "军烈属走访慰问" and subs == []
    assert body == [  # its fact, then the sentence naming its own words first
        "本社区现有军烈属9名。",
        "网格员每季度上门走访慰问军烈属1次，建立走访台账。",
        "春节前社区书记带队走访慰问重点优抚对象，送去慰问品和春联。",
    ]


def test_a_sample_heading_about_the_priority_brings_the_sentences_under_it():
    # 每周一至周五安排专人值班 does not name the station: its heading does
    [(_, body, _)] = items_for(["退役军人服务站规范化建设"])
    assert body[0] == "退役军人服务站每周一至周五安排专人值班，来访事项当日登记、3日内答复。"


def test_synonyms_of_the_field_count_as_the_priority_s_words():
    # 探访 is 走访: the visits of the sample are the visits the user asked for
    [(_, body, _)] = items_for(["定期探访"])
    assert "春节前社区书记带队走访慰问重点优抚对象，送去慰问品和春联。" in body


def test_the_same_thing_twice_is_taken_once():
    text = TEXT + "\n（四）走访慰问。春节前社区书记带队走访慰问重点优抚对象，送去慰问品。"
    [(_, body, _)] = items_for(["走访慰问"], text=text)
    assert len([s for s in body if s.startswith("春节前社区书记带队")]) == 1


def test_a_priority_nothing_fits_is_marked_not_filled():
    [(head, body, _)] = items_for(["双拥主题文艺汇演"])
    assert head == "双拥主题文艺汇演"
    assert body == [
        "【待补充：双拥主题文艺汇演的具体做法，如由谁负责、多长时间一次、做到什么标准】"
    ]


def test_what_another_section_says_is_not_taken_again():
    said = "网格员每季度上门走访慰问军烈属1次建立走访台账"
    [(_, body, _)] = items_for(["军烈属走访慰问"], used_sentences=[said])
    assert "网格员每季度上门走访慰问军烈属1次，建立走访台账。" not in body


def test_the_rest_of_a_priority_after_its_head_is_its_first_sentence():
    [(head, body, _)] = items_for(["走访慰问，重点是独居的老军人"])
    assert head == "走访慰问" and body[0] == "重点是独居的老军人。" and len(body) > 2


def test_a_priority_s_words_leave_out_the_plan_type_s_subject_and_junk_parts():
    outlines = load_outlines()
    dog = wanted("不文明养犬劝导", outlines["wenming"])
    assert {"养犬", "劝导"} <= dog.rare and "文明" not in dog.rare  # every item is 文明
    station = wanted("退役军人服务站规范化建设", outlines["shuangyong"])
    assert "服务站" in station.words and "范化" not in station.words  # 规范化 is generic
    day = wanted("3月5日学雷锋主题活动", outlines["leifeng"])
    assert {"3月5日", "学雷锋"} <= day.rare  # nothing but the subject: the subject counts
