"""Site furniture, rule by rule: what each named rule removes, and plan sentences it must keep."""

import pytest

from rag.text.clean import clean_page, clean_text, fix_phrases, normalize_placeholders
from rag.text.furniture import RULES, kept_text, mark_furniture, removals

PLAN = (
    "为进一步做好社区消防安全工作，结合本社区实际，特制定本计划。\n"
    "一、工作目标\n"
    "全年辖区不发生较大火灾事故，楼道堆物整改率达到95%以上。\n"
    "二、主要任务\n"
    "1.组织网格员每月巡查楼道一次，发现堆物当场劝导清理。\n"
    "2.联合物业检查消火栓和灭火器，确保完好有效。"
)


def _rules(text: str) -> dict[str, list[str]]:
    removed = removals(mark_furniture(text))
    out: dict[str, list[str]] = {}
    for r in removed:
        out.setdefault(r.rule, []).append(r.text)
    return out


def _kept(text: str) -> str:
    return kept_text(mark_furniture(text))


@pytest.mark.parametrize(
    ("rule", "furniture"),
    [
        ("boilerplate", "下面是范文小站小编为您精心整理的社区消防工作计划，希望大家能够喜欢！"),
        ("boilerplate", "以上就是本文的全部内容，希望对您有所帮助，欢迎收藏。"),
        ("navigation", "当前位置：好文坊>工作计划>社区工作计划>"),
        ("navigation", "首页 > 范文大全 > 工作计划"),
        ("navigation", "上一篇：社区禁毒工作计划"),
        ("navigation", "【字体：大 中 小】 【打印】 【关闭】"),
        ("navigation", "第2页 / 共5页"),
        ("navigation", "最新列表"),
        ("navigation", "---"),
        ("boilerplate", "希望这篇文章符合您的期待！如果还有其他要求，请随时告诉我。"),
        ("byline", "发布时间：2018-05-04"),
        ("byline", "| 李明轩"),
        ("byline", "好文坊人气：3.6W"),
        ("byline", "2020-03-01 10:12:45 来源：网络 作者：佚名 浏览：88次"),
        ("byline", "分类：随笔 | 发表于 2019-01-20 21:14 | 阅读(231) | 评论(4)"),
        ("footer", "Copyright © 2010-2020 好文坊 All rights reserved"),
        ("footer", "工信部备案号：京ICP备10000001号"),
        ("footer", "本站为文档交易平台，内容由网友上传，如有侵权请联系删除。"),
        ("footer", "关于我们 | 联系我们 | 网站地图"),
    ],
)
def test_each_rule_removes_its_line_and_keeps_the_plan(rule, furniture):
    page = f"{PLAN.split(chr(10))[0]}\n{furniture}\n" + "\n".join(PLAN.split("\n")[1:])
    # a line of two boilerplate sentences is removed sentence by sentence: joined, the line
    assert {r: "".join(texts) for r, texts in _rules(page).items()} == {rule: furniture}
    assert _kept(page) == PLAN


def test_boilerplate_sentence_goes_and_the_rest_of_its_line_stays():
    line = "本计划供参考使用。本文由好文坊网友投稿，仅供参考。社区每季度召开一次消防例会。"
    kept = _kept(line)
    assert "网友投稿" not in kept and "社区每季度召开一次消防例会。" in kept
    assert "本计划供参考使用。" in kept


def test_watermark_cut_into_a_sentence_is_found_by_its_own_line():
    page = (
        "社区文明创建工作计划\n"
        "节前开展一次“军文秘114，公文人共同天地民共建洁净家园”的宣传。\n"
        "文秘114，公文人共同天地\n"
        "组织志愿者清理楼道杂物。"
    )
    assert _rules(page) == {"watermark": ["文秘114，公文人共同天地"] * 2}
    assert "开展一次“军民共建洁净家园”的宣传。" in _kept(page)


def test_site_name_seen_twice_is_cut_wherever_it_stands():
    page = "社区开展禁毒宣传好文章范文网活动。\n组织居民观看好文章范文网禁毒展览。"
    kept = _kept(page)
    assert kept == "社区开展禁毒宣传活动。\n组织居民观看禁毒展览。"


def test_repeated_title_goes_but_the_first_stays():
    page = f"社区消防安全工作计划\n{PLAN}\n社区消防安全工作计划\n三、保障措施\n落实经费。"
    assert _rules(page) == {"repeated_title": ["社区消防安全工作计划"]}
    assert _kept(page).startswith("社区消防安全工作计划\n为进一步")


@pytest.mark.parametrize(
    "line",
    [
        "活动时间：3月5日上午9时",
        "资金来源：社区公益金列支",
        "二、活动时间",
        "工作目标",
        "组织网格员每月巡查一次，网格长负责汇总。",
        "围绕工作目标，社区将落实以下指导思想。",
        "现制定社区消防安全工作计划如下。",
        "3.活动地点：社区广场 > 东侧",
        "社区书记：张丽 | 副书记：王强",
        "居民有困难请联系我们社区居委会。",
        "希望大家积极参与，共同帮助困难群众。",
        "社区为大家提供家电维修、理发等便民服务。",
        "以下是社区为居民提供的服务清单。",
        "让更多居民关注社区公共事务。",
        "活动现场为大家准备了茶水和急救药品。",
    ],
)
def test_plan_lines_that_look_a_little_like_furniture_stay(line):
    page = f"社区消防安全工作计划\n{line}\n指导思想\n工作目标\n{PLAN}"
    assert line in _kept(page).split("\n")


def test_a_heading_repeated_in_sentences_is_no_watermark():
    page = "工作目标\n围绕工作目标开展工作。\n对照工作目标逐项检查。\n工作目标\n落实工作目标。"
    assert "watermark" not in _rules(page)


def test_every_rule_has_a_chinese_label():
    assert set(RULES) >= {
        "boilerplate",
        "navigation",
        "byline",
        "footer",
        "watermark",
        "repeated_title",
    }
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in RULES.values())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("200*年1--3月", "××××年1—3月"),
        ("20__年x月x日", "××××年××月××日"),
        ("港工系__级", "港工系××级"),
        ("____月____日", "××月××日"),
        ("xx社区", "××社区"),
        ("20xx年", "××××年"),
        ("XX街道**社区", "××街道××社区"),
        ("某某某同志", "××同志"),
        ("○○小区", "××小区"),
    ],
)
def test_every_placeholder_spelling_becomes_one_form(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "text",
    ["二〇〇八年三月", "2027年3月5日", "面积3*4米", "Python_x86", "box", "xyz"],
)
def test_what_is_not_a_placeholder_stays(text):
    assert normalize_placeholders(text) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("社区本著服务居民的宗旨", "社区本着服务居民的宗旨"),
        ("接著开展入户走访", "接着开展入户走访"),
        ("著力解决群众急难愁盼问题", "着力解决群众急难愁盼问题"),
        ("围绕著中心工作，著眼长远", "围绕着中心工作，着眼长远"),
        ("成效显著，著名作家的著作，编著一本书", "成效显著，著名作家的著作，编著一本书"),
        ("电动自行车集中充电复盖所有楼院", "电动自行车集中充电覆盖所有楼院"),
    ],
)
def test_phrase_aware_simplified(raw, expected):
    assert fix_phrases(raw) == expected
    assert clean_text(raw) == expected


def test_a_traditional_page_gets_its_phrases_right():
    assert clean_text("社區本著為民服務的宗旨，接著開展工作。") == (
        "社区本着为民服务的宗旨，接着开展工作。"
    )


def test_clean_page_marks_what_it_removed_for_a_highlighted_preview():
    page = clean_page(f"当前位置：好文坊>计划>\n{PLAN}\n版权所有 © 好文坊")
    removed = [(t, rule) for line in page.marked for t, rule in line if rule]
    assert removed == [
        ("当前位置：好文坊>计划>", "navigation"),
        ("版权所有 © 好文坊", "footer"),
    ]
    assert page.text == PLAN
