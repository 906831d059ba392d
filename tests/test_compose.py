"""The offline composer: adapting samples to a community, whole plans of every type, variants."""

from __future__ import annotations

import itertools
import re

import pytest

from rag.drafting.composer.adapt import Places
from rag.drafting.composer.compose import Composer
from rag.drafting.composer.fit import guarantees, is_goal
from rag.drafting.composer.units import Unit, strip_number
from rag.drafting.pipeline import draft_sections, new_draft, outline_of, regenerate_section
from rag.drafting.writer import SectionJob
from rag.errors import NoMoreVariants
from rag.export.text import to_text
from rag.plan.draft import Draft
from rag.plan.outlines import load_outlines
from rag.plan.profile import make_profile
from rag.review.checks import check_draft
from rag.review.quality import section_items
from rag.text.similarity import same_topic
from rag.text.zh import PLACEHOLDER, sentence_key, sentences

FULL = {
    "community": "阳光社区",
    "parent": "杭州市西湖区北山街道",
    "year": 2027,
    "households": 2860,
    "population": 7420,
    "facts": {"退役军人": 126, "60周岁以上老年人": 1530, "网格": 12},
    "priorities": ["完善网格化服务管理", "加强重点人群关爱服务"],
    "community_type": "老城区",
    "notes": "辖区以老旧小区为主，老年人口比例较高",
    "date": "2027年1月8日",
}


def adapter(**change):
    profile = make_profile({**FULL, "topic": "shuangyong", **change})
    return Composer().adapter(profile, outline_of(profile))


def test_places_come_from_the_parent_unit():
    assert Places.parse("杭州市西湖区北山街道") == Places("杭州市", "西湖区", "北山街道")
    assert Places.parse("××市××区××街道") == Places()
    assert Places.parse("成都市武侯区") == Places("成都市", "武侯区", "")


@pytest.mark.parametrize(
    ("sample", "adapted"),
    [
        (
            "根据××街道关于双拥工作的年度部署，结合××社区实际。",
            "根据北山街道关于双拥工作的年度部署，结合阳光社区实际。",
        ),
        ("××××年双拥工作要突出重点。", "2027年双拥工作要突出重点。"),
        ("邀请老兵走进××小学讲述亲身经历。", "邀请老兵走进辖区小学讲述亲身经历。"),
        (
            "重点优抚对象每季度上门走访不少于1次，覆盖率达到100%。",
            "重点优抚对象每季度上门走访不少于1次，覆盖率达到100%。",
        ),
        # another community's counts go, the clause with a norm stays
        ("组织志愿服务，全年不少于20次，服务对象187名。", "组织志愿服务，全年不少于20次。"),
        # after a ；, a new run of clauses starts: a dropped clause before it cuts nothing
        (
            "组织志愿服务，服务对象187名；每季度评选优秀志愿者。",
            "组织志愿服务；每季度评选优秀志愿者。",
        ),
        # a count the user gave stays
        ("辖区有退役军人126名，逐一建立档案。", "辖区有退役军人126名，逐一建立档案。"),
        # a placeholder after 辖区 does not write 辖区 twice
        ("组织志愿者走进辖区××小学开展国防教育。", "组织志愿者走进辖区小学开展国防教育。"),
        # another community's brand goes, what it names stays
        ("依托社区“巧手匠”志愿服务队开展便民维修。", "依托社区志愿服务队开展便民维修。"),
        (
            "开设“小小雷锋”亲子志愿岗，组织亲子家庭参与楼道清洁。",
            "开设亲子志愿岗，组织亲子家庭参与楼道清洁。",
        ),
        # a common quoted term is no brand
        ("开展“学雷锋”活动，弘扬雷锋精神。", "开展“学雷锋”活动，弘扬雷锋精神。"),
        # what is left of an enumeration goes, with the motto stuck to it; a garrison, a
        # named school, another street office and another community are said by their role
        (
            "二是打“智力拥军”牌，与警卫连官兵一起举办知识竞赛。",
            "与驻地部队官兵一起举办知识竞赛。",
        ),
        ("一是为军属家庭悬挂光荣牌，做到应挂尽挂。", "为军属家庭悬挂光荣牌，做到应挂尽挂。"),
        (
            "其次，联合解放路小学开展国防教育，邀请武警中队官兵授课。",
            "联合辖区学校开展国防教育，邀请驻地部队官兵授课。",
        ),
        ("首先，配合市军分区做好兵役登记。", "配合武装部做好兵役登记。"),
        ("东关社区党委与消防中队结对开展演练。", "社区党委与辖区消防救援站结对开展演练。"),
        (
            "东关社区在解放路街道的指导下做好双拥工作。",
            "本社区在北山街道的指导下做好双拥工作。",
        ),
    ],
)
def test_sentences_are_adapted_to_the_profile(sample, adapted):
    assert adapter().sentence(sample) == adapted


@pytest.mark.parametrize(
    "sample",
    [
        "本社区共有老旧院落23个、住户3100余户。",  # another community's counts
        "2019年以来，社区累计开展活动。",  # another year
        "由××同志负责联络。",  # a placeholder that names a person
        "社区下辖锦华苑、滨河湾两个商品房小区。",  # another community's places
        "邀请张建国老师讲课。",  # a person's name
        "以“业主技能库”带动队伍建设。",
        "擦亮“老师傅”志愿服务品牌。",
        # what follows a dropped clause depends on it
        "会同街道城建科和供电所，排查1990年以前建成的楼栋，建立隐患台账。",
        "开展“关爱功臣”活动和社会公益活动。",  # 开展活动 says nothing  # a brand without its name is still another's brand  # another community's brand, with nothing to keep
        "撤村建居后，居民的就业方式和居住形态变化较大。",  # another kind, and its state
        "老年食堂座位少，午餐高峰时段拥挤。",  # how another community is
        "把今年工作的重心放在融入、健康、安全三个方面。",  # the focuses another sample chose
        "2月下旬在石桥文化广场举办招聘会。",  # another community's square
        "利用安置小区电子屏宣传征兵政策。",  # another kind of community (this one: 老城区)
        "力争年内通过市级双拥模范社区复审。",  # another community's claim
        "依托辖区退休骨干，组建义务消防队23支。",  # without its count, only an adverbial is left
        "辖区12家企业全部建立台账。",  # 12 is the user's count of 网格, not of companies
        "具体目标是：完成上级下达的征兵任务；",  # the head of a list whose items are gone
        "以与驻地警卫连共建30周年为契机，深化军民共建。",  # another community's anniversary
        "在解放路沿街设置双拥宣传栏，营造浓厚氛围。",  # another community's street
        "组织知识竞赛，打“智力拥军”牌。",  # another community's card, not at the start
    ],
)
def test_sentences_with_other_communities_facts_are_dropped(sample):
    assert adapter().sentence(sample) is None


def test_a_scheme_or_slogan_only_one_sample_quotes_is_that_samples(hash_index):
    _, _, retriever = hash_index
    shared = retriever.shared_terms()
    assert "春风行动" in shared and "邻里帮帮" not in shared  # two samples' and one sample's
    profile = make_profile({**FULL, "topic": "jiuye"})
    library_aware = Composer().adapter(profile, outline_of(profile), shared)
    assert library_aware.sentence("在各楼栋微信群开通“邻里帮帮”接龙。") is None
    assert library_aware.sentence("2月下旬举办“春风行动”专场招聘会。")
    assert library_aware.sentence("严格落实“三会一课”制度，按时召开支部党员大会。")  # the field's
    # without the library's word, nothing is known of the term
    assert Composer().adapter(profile, outline_of(profile)).sentence("开通“邻里帮帮”接龙服务。")


def test_without_a_parent_street_placeholders_become_generic():
    assert adapter(parent="").sentence("按照××街道的部署开展工作。") == "按照街道的部署开展工作。"


def compose(retriever, topic: str, **change) -> Draft:
    profile = make_profile({**FULL, "topic": topic, **change})
    writer = Composer()
    draft = new_draft(profile, writer)
    return draft_sections(draft, retriever=retriever, writer=writer)


@pytest.mark.parametrize("index_name", ["hash_index", "e5_index"])
def test_every_plan_type_composes_a_plan_that_keeps_the_grounding_contract(request, index_name):
    """Every statement is the profile's, generic, or marked: the only findings on a composed
    plan are sample figures and facilities to confirm, 【待补充】 marks and lengths, never another community's
    names or kind, a broken or repeated sentence, a list of one or a priority left empty."""
    _, _, retriever = request.getfixturevalue(index_name)
    for key, outline in load_outlines().items():
        draft = compose(retriever, key)
        findings = check_draft(draft, outline)
        assert {f.kind for f in findings} <= MARKS_ALLOWED, (key, findings)
        assert [s.title for s in draft.sections] == [s.title for s in outline.sections]
        text = to_text(draft)
        assert draft.title == outline.plan_title("阳光社区", 2027)
        assert not PLACEHOLDER.search(text), key
        for section in draft.sections:
            if section.role != "安排" and section.role != "情况":
                # drawn from samples, or saying plainly what the user must write
                assert section.version.passages or "【待补充：" in section.text, key


def test_composing_is_deterministic(hash_index):
    _, _, retriever = hash_index
    first = compose(retriever, "xiaofang").to_dict()
    second = compose(retriever, "xiaofang").to_dict()
    strip = lambda d: [(s["heading"], s["versions"][0]["text"]) for s in d["sections"]]  # noqa: E731
    assert strip(first) == strip(second)


def test_profile_facts_and_priorities_reach_their_sections(hash_index):
    _, _, retriever = hash_index
    draft = compose(retriever, "shuangyong", priorities=["退役军人服务站规范化建设"])
    goals, tasks = draft.sections[1].text, draft.sections[2].text
    assert "住户2860户" in goals and "退役军人126名" in goals
    assert tasks.startswith("（一）退役军人服务站规范化建设。")
    schedule = draft.sections[3].text
    assert "8月1日" in schedule and "9月18日" in schedule  # 国防教育日: 3rd Saturday of 2027-09
    numbers = re.findall(r"^（([一二三四五六七八九十]+)）", schedule, re.M)
    assert numbers[:3] == ["一", "二", "三"]


def test_no_passage_serves_two_sections(hash_index):
    _, _, retriever = hash_index
    draft = compose(retriever, "zongzhi")
    ids = [p.id for s in draft.sections for p in s.version.passages]
    assert ids and len(ids) == len(set(ids))


# What a composed plan may leave for the user to confirm: a sample's norms and figures, what
# a sample takes for granted (has this community a 日间照料中心, a 物业公司, rented flats?),
# what to fill in, length.
MARKS_ALLOWED = {"范文数字", "社区条件", "待补充", "篇幅"}


@pytest.mark.parametrize("topic", ["zongzhi", "xiaofang", "shuangyong", "laoling"])
def test_no_sentence_repeats_within_a_section_or_across_sections(hash_index, topic):
    _, _, retriever = hash_index
    draft = compose(retriever, topic)
    seen: dict[str, str] = {}
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        for line in section.text.split("\n"):
            for sentence in sentences(strip_number(line)[1]):
                key = sentence_key(sentence)
                if len(key) < 6:  # "加强组织领导。" may stand in two places
                    continue
                assert key not in seen, (sentence, head, seen.get(key))
                seen[key] = head
    assert len(seen) > 10


def test_regenerating_gives_new_variants_until_they_run_out(hash_index):
    _, _, retriever = hash_index
    draft = compose(retriever, "leifeng")
    writer = Composer()
    others = [s.text for i, s in enumerate(draft.sections) if i != 4]
    texts = [draft.sections[4].text]
    with pytest.raises(NoMoreVariants, match="已没有新的范文组合"):
        for _ in range(12):
            texts.append(regenerate_section(draft, 4, retriever=retriever, writer=writer).text)
    assert len(texts) >= 2 and len(set(texts)) == len(texts)
    assert len(draft.sections[4].versions) == len(texts)
    assert [s.text for i, s in enumerate(draft.sections) if i != 4] == others
    assert draft.sections[4].undo() and draft.sections[4].text == texts[-2]


def test_a_guiding_section_without_fitting_samples_gives_the_profiles_approach_and_a_mark():
    profile = make_profile(
        {**FULL, "topic": "laoling", "community_type": "单位型社区", "priorities": ["老年助餐"]}
    )
    outline = outline_of(profile)
    index = next(i for i, s in enumerate(outline.sections) if s.role == "指导思想")
    text = Composer().write(SectionJob(profile, outline, index, passages=[])).text
    first, mark = sentences(text)
    assert "结合单位型社区的实际，把老年助餐作为重点，扎实做好2027年" in first
    assert mark == f"【待补充：{outline.sections[index].purpose.rstrip('。')}】"


def test_a_fact_two_priorities_share_is_stated_once(hash_index):
    _, _, retriever = hash_index
    facts = {"党员": "318", "退休党员": "205"}
    draft = compose(retriever, "dangjian", facts=facts, priorities=["退休党员教育", "党员志愿服务"])
    tasks = next(s for s in draft.sections if s.role == "任务措施").text
    assert tasks.count("本社区现有退休党员205名。") == 1
    assert tasks.count("本社区现有党员318名。") == 1


def test_a_bare_profile_marks_what_is_missing_instead_of_inventing(hash_index):
    _, _, retriever = hash_index
    draft = compose(
        retriever, "laoling", households=None, population=None, facts={}, priorities=[], notes=""
    )
    situation = draft.sections[0]
    assert situation.role == "情况"
    assert situation.text.startswith("【待补充：")
    kinds = {f.kind for f in check_draft(draft, outline_of(draft.profile))}
    assert "待补充" in kinds
    assert "待核实" not in kinds


def test_priorities_get_measures_and_each_section_does_its_own_job(hash_index):
    """The issue's 村改居 双拥 plan: the priorities get sample measures first, fewer items
    follow and none repeats a priority, goals are goals, each guarantee comes once."""
    _, _, retriever = hash_index
    priorities = ["春节走访慰问", "退役军人服务站规范化建设", "征兵宣传"]
    draft = compose(retriever, "shuangyong", community_type="村改居", priorities=priorities)
    by_role = {s.role: s.text for s in draft.sections}
    items = section_items(by_role["任务措施"])
    for (head, text), priority in zip(items, priorities, strict=False):
        assert head == priority
        measures = [
            s for s in sentences(text)[1:] if "【" not in s and not s.startswith("本社区现有")
        ]
        assert len(measures) >= 2, (priority, text)
    extra = [h for h, _ in items[len(priorities) :]]
    assert len(extra) <= 5
    assert not any(same_topic(h, p) for h in extra for p in priorities), extra
    for line in by_role["目标"].split("\n")[1:]:
        assert all(is_goal(s) for s in sentences(strip_number(line)[1])), line
    kinds = [guarantees(Unit("", None, h, (t,))) for h, t in section_items(by_role["保障"])]
    assert all(not (a & b) for a, b in itertools.combinations(kinds, 2)), kinds
    assert "警民" not in to_text(draft)


def test_a_priority_no_goal_speaks_of_gets_a_mark_of_its_indicator_with_its_figures():
    profile = make_profile(
        {
            **FULL,
            "topic": "jindu",
            "facts": {"社区戒毒社区康复人员": "6"},
            "priorities": ["社区戒毒康复人员帮扶"],
        }
    )
    outline = outline_of(profile)
    index = [s.role for s in outline.sections].index("目标")
    text = Composer().write(SectionJob(profile, outline, index, passages=[])).text
    assert "社区戒毒康复人员帮扶：涉及社区戒毒社区康复人员6名，【待补充：" in text
    assert "年度目标指标" in text and "社区社区" not in text
