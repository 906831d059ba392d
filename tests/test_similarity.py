"""The same thing said twice: by characters, by content words, by the work a heading names."""

from __future__ import annotations

from rag.text.similarity import (
    content_words,
    near_duplicate,
    same_topic,
    says_again,
    subject_words,
)


def test_content_words_leave_out_what_any_work_says():
    assert content_words("加强退役军人服务站规范化建设") == {"退役军人服务站"}


def test_headings_about_one_work_are_the_same_topic():
    assert same_topic("征兵宣传和兵役登记", "把征兵工作抓早抓实")  # the example
    assert same_topic("加强国防教育", "国防教育进校园")
    assert not same_topic("征兵宣传", "国防教育宣传")  # 宣传 is any work's
    assert not same_topic("电动自行车充电管理", "高层建筑消防通道畅通")


def test_the_plan_s_subject_tells_no_two_items_apart():
    headings = ["在职党员进社区", "流动党员管理", "党员发展和教育", "党员积分管理"]
    subject = subject_words(headings, "社区党建工作")
    assert "党员" in subject
    assert same_topic("流动党员管理", "党员发展和教育")
    assert not same_topic("流动党员管理", "党员发展和教育", subject)


def test_near_duplicates_share_most_of_their_words():
    assert near_duplicate(
        "春节、八一期间，由社区党委书记带队走访现役军人家庭、烈属。",
        "春节、八一期间走访慰问现役军人家庭、烈属和重点优抚对象。",
    )
    assert not near_duplicate("每月清理楼道堆物。", "劝导居民不在楼道给电动自行车充电。")


def test_the_plan_type_s_name_is_its_subject_however_few_the_headings():
    assert "文明" in subject_words([], "文明社区创建")
    assert not same_topic("楼道文明公约", "文明阵地有效运转", subject_words([], "文明社区创建"))


def test_a_clause_said_again_is_said_again():
    first = "电梯全部安装电动自行车识别阻车装置，物业保安每天巡查楼道和地下车库。"
    assert says_again(first, "在电梯轿厢内安装智能识别阻车系统，电动自行车进入电梯时自动报警。")
    assert not says_again(first, "社区联合交警中队每季度开展一次占用消防车道专项整治。")
