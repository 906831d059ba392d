"""Plan-type outlines: valid sections, roles the chunker knows, dates that parse and exist."""

import calendar

import pytest

from rag.plan.outlines import ROLES, load_outlines, parse_key_date
from rag.plan.topics import resolve_topic
from rag.text.zh import role_of_heading

OUTLINES = load_outlines()


def test_at_least_twelve_plan_types():
    assert len(set(OUTLINES) - {"shequ"}) >= 12


@pytest.mark.parametrize("outline", OUTLINES.values(), ids=OUTLINES.keys())
def test_outline_is_complete(outline):
    assert outline.name and outline.aliases and len(outline.keywords) >= 8
    roles = [s.role for s in outline.sections]
    assert set(roles) <= set(ROLES)
    assert {"指导思想", "目标", "任务措施", "安排", "保障"} <= set(roles)
    for section in outline.sections:
        assert section.purpose and 100 <= section.length <= 1500
        # The chunker gives a sample section with this heading the same role.
        assert role_of_heading(section.title) in (section.role, None), section.title
    assert 1500 <= sum(s.length for s in outline.sections) <= 2500
    assert len(outline.key_dates) >= 4


@pytest.mark.parametrize("outline", OUTLINES.values(), ids=OUTLINES.keys())
def test_key_dates_fall_on_real_days(outline):
    for d in outline.key_dates:
        assert 1 <= d.month <= d.end_month <= 12
        if d.day is not None:
            assert d.day <= calendar.monthrange(2028, d.month)[1]  # 2028: leap year


def test_key_date_forms():
    assert parse_key_date({"name": "学雷锋纪念日", "date": "3月5日"}).day == 5
    third_saturday = parse_key_date({"name": "国防教育日", "date": "9月第3个星期六"})
    assert third_saturday.nth_weekday == (3, 5)
    assert parse_key_date({"name": "慰问", "months": [1, 2]}).end_month == 2
    with pytest.raises(ValueError):
        parse_key_date({"name": "x", "date": "农历九月初九"})


def test_field_dates_are_right():
    def dates(key):
        return {(d.month, d.day) for d in OUTLINES[key].key_dates if d.day}

    assert (3, 5) in dates("leifeng")
    assert (6, 26) in dates("jindu")
    assert (11, 9) in dates("xiaofang")
    assert (8, 1) in dates("shuangyong")
    national_defence = [d for d in OUTLINES["shuangyong"].key_dates if d.nth_weekday]
    assert (
        national_defence
        and national_defence[0].nth_weekday == (3, 5)
        and national_defence[0].month == 9
    )


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("双拥", "shuangyong"),
        ("平安建设", "zongzhi"),
        ("禁毒工作", "jindu"),
        ("xiaofang", "xiaofang"),
    ],
)
def test_users_can_name_a_type_their_way(typed, key):
    assert resolve_topic(typed) == key


def test_aliases_do_not_collide():
    seen = {}
    for key, outline in OUTLINES.items():
        for alias in (*outline.aliases, outline.name):
            assert seen.setdefault(alias, key) == key, alias
