"""Carrying last year's plan over to the new year: its year, its dates on the new calendar
(春节 moves, a third Saturday stays a third Saturday), its figures marked as last year's unless
the profile gives the new value, and what it reports as done turned into a baseline."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from lunardate import LunarDate

from rag.plan.outlines import load_outlines
from rag.plan.profile import Profile
from rag.text.zh import NUMERALS, OLD_DATA, WEEKDAYS, sentences, unnumbered

# Lunar festivals: (lunar month, day, days after it); 除夕 is the day before 春节.
_LUNAR = {
    "春节": (1, 1, 0),
    "除夕": (1, 1, -1),
    "元宵": (1, 15, 0),
    "端午": (5, 5, 0),
    "七夕": (7, 7, 0),
    "中秋": (8, 15, 0),
    "重阳": (9, 9, 0),
}
_FESTIVAL_REACH = 20  # a date this near a festival named beside it moves with the festival
# Commemorations on a fixed day besides the outlines' own key dates.
_FIXED = {(1, 1), (3, 8), (3, 12), (3, 15), (5, 4), (7, 1), (8, 1), (10, 1), (12, 4)}
_WEEKDAY_NOTE = rf"[（(](?:星期|周)([{WEEKDAYS}天])[）)]"
_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})月(\d{{1,2}})日({_WEEKDAY_NOTE})?")
_NTH_WEEKDAY = re.compile(rf"第([{NUMERALS}\d])个?(?:星期|周)([{WEEKDAYS}天])")
# Numbers that are no figure of last year: dates, years, ordinals, clock times, ages,
# durations and per-period norms (每月1次).
_NOT_FIGURE = re.compile(
    r"\d{1,2}月\d{1,2}日|\d{1,2}月(?:份|底|初|中旬|上旬|下旬)?|\d{4}年|第\d+|\d+时(?:\d+分)?|"
    r"\d+周?岁|\d+个?(?:小时|工作日|日|天|周|月)[内以之]|每[^，。；\d]{0,6}?\d+(?:次|期|轮|场)"
)
_FIGURE = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)(万|余|多)?(%|名|人次|人|户|个|支|家|处|所|座|栋|幢|间|份|件|套|"
    r"台|辆|场次|场|次|项|类|条|面|本|册|元|万元|平方米|米|公里|小时|组|批|位|期)?"
)
# What a summary reports as done.
_DONE = re.compile(
    r"已(?:经)?(?:完成|建成|建立|开展|实现|组建|举办)|建成了?|完成了|开展了|举办了|组织了|建立了|"
    r"实现了|组建了|累计(?:开展|完成|服务)|共(?:开展|举办|组织|完成|走访|慰问|发放)"
)
_DONE_LEAD = re.compile(
    r"^(?:\d{4}年(?:以来|度)?|全年|去年|上年|今年|本年度?|一年来|过去一年)[，,]?"
    r"|^(?:社区|我社区|本社区)(?=[已共累建完开举组实])"
)


def plan_year(text: str) -> int | None:
    """The year a plan is for: the year its title names, else the one it names most."""
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)年", text)]
    if not years:
        return None
    first_line = text.strip().split("\n", 1)[0]
    if m := re.search(r"(?<!\d)(20\d\d)年", first_line):
        return int(m[1])
    return max(set(years), key=lambda y: (years.count(y), y))


def _festival(name: str, year: int) -> dt.date:
    month, day, offset = _LUNAR[name]
    return LunarDate(year, month, day).to_solar_date() + dt.timedelta(days=offset)


def _nth_weekday(year: int, month: int, n: int, weekday: int) -> dt.date:
    days = [
        d
        for d in calendar.Calendar().itermonthdates(year, month)
        if d.month == month and d.weekday() == weekday
    ]
    return days[min(n, len(days)) - 1]


def _fixed_days() -> set[tuple[int, int]]:
    days = set(_FIXED)
    for outline in load_outlines().values():
        days |= {(kd.month, kd.day) for kd in outline.key_dates if kd.day}
    return days


def move_date(old: dt.date, context: str, year: int, fixed: set[tuple[int, int]]) -> dt.date:
    """Where a date of last year's plan falls in the new year. A date given with its weekday
    (9月20日（星期六）), or on a key date of the Nth weekday named beside it (全民国防教育日),
    keeps its place in the month (the third Saturday); a date near a lunar festival named
    beside it moves with the festival (春节前); a fixed commemoration stays; any other
    weekend day keeps its place in the month, and a working day its date."""
    nth = (old.day - 1) // 7 + 1
    if re.search(_WEEKDAY_NOTE, context) or _NTH_WEEKDAY.search(context):
        return _nth_weekday(year, old.month, nth, old.weekday())
    for kd in _weekday_dates():
        if kd.name in context and kd.month == old.month:
            return _nth_weekday(year, old.month, *kd.nth_weekday)
    for name in _LUNAR:
        if name in context:
            then = _festival(name, old.year)
            if abs((old - then).days) <= _FESTIVAL_REACH:
                return _festival(name, year) + (old - then)
    if (old.month, old.day) not in fixed and old.weekday() >= 5:
        return _nth_weekday(year, old.month, nth, old.weekday())
    return _same_day(old, year)


def _weekday_dates() -> list:
    """The outlines' key dates that fall on the Nth weekday of a month."""
    return [kd for o in load_outlines().values() for kd in o.key_dates if kd.nth_weekday]


def _same_day(old: dt.date, year: int) -> dt.date:
    return dt.date(year, old.month, min(old.day, calendar.monthrange(year, old.month)[1]))


def shift_dates(text: str, old_year: int, year: int) -> str:
    """Every M月D日 of a text of old_year moved to year (weekday notes recomputed)."""
    fixed = _fixed_days()
    out = []
    for sentence in re.split(r"(?<=[。；\n])", text):

        def move(m: re.Match, sentence: str = sentence) -> str:
            try:
                old = dt.date(old_year, int(m[1]), int(m[2]))
            except ValueError:
                return m[0]
            new = move_date(old, sentence, year, fixed)
            note = f"（星期{WEEKDAYS[new.weekday()]}）" if m[3] else ""
            return f"{new.month}月{new.day}日{note}"

        out.append(_DATE.sub(move, sentence))
    return "".join(out)


def shift_years(text: str, old_year: int, year: int) -> str:
    """The plan's own year (and the year after it, a summary's 明年) become the new ones."""
    step = year - old_year

    def move(m: re.Match) -> str:
        value = int(m[1])
        return str(value + step) if value in (old_year, old_year + 1) else m[1]

    return re.sub(r"(?<!\d)(20\d\d)(?=年|－|-|至)", move, text)


def as_baseline(sentence: str) -> str:
    """What a summary reports as done (已建成…, 开展了…) as the ground this year builds on:
    在上年…的基础上，继续巩固提升。 Other sentences unchanged."""
    if not _DONE.search(sentence):
        return sentence
    body = sentence.strip().rstrip("。；！")
    body = _DONE_LEAD.sub("", body).strip("，, ")
    body = re.sub(r"已(?:经)?|共(?=开展|举办|组织|完成|走访|慰问|发放)|累计", "", body)
    body = re.sub(r"(建成|完成|开展|举办|组织|建立|实现|组建)了", r"\1", body)
    return f"在上年{body}的基础上，继续巩固提升。"


def _new_value(before: str, unit: str, profile: Profile) -> str | None:
    """The profile's value for a figure of last year: the fact named just before it, or the
    households and population."""
    for key, value in profile.facts.items():
        if key in before and re.fullmatch(r"\d+(?:\.\d+)?", value):
            return value
    if unit == "户" and profile.households and re.search(r"住户|居民户|户数|共有", before):
        return str(profile.households)
    if unit == "人" and profile.population and re.search(r"人口|居民", before):
        return str(profile.population)
    return None


def mark_figures(text: str, profile: Profile) -> str:
    """Each figure of last year marked 【上年数据，请更新】, or replaced by the profile's value."""
    protected = [(m.start(), m.end()) for m in _NOT_FIGURE.finditer(text)]
    out, last = [], 0
    for m in _FIGURE.finditer(text):
        if any(a <= m.start() < b for a, b in protected) or text[m.end() : m.end() + 1] == "年":
            continue
        if not m[3] and not m[2]:  # a bare number (a list number, a code) is no figure
            continue
        # what the figure counts: the words right before it or right after it
        before = re.split(r"[，。；：、和及与\n\d]", text[: m.start()])[-1][-10:]
        after = re.split(r"[，。；：、和及与\n\d]", text[m.end() :])[0][:8]
        new = _new_value(f"{before}|{after}", m[3] or "", profile)
        out.append(text[last : m.start()])
        if new is not None:
            out.append(new + (m[2] if m[2] and new == m[1] else "") + (m[3] or ""))
        else:
            out.append(m[0] + OLD_DATA)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def carry_over(text: str, old_year: int | None, profile: Profile) -> str:
    """Last year's text for this year's plan: years and dates moved, done items as the
    baseline, figures marked (or updated from the profile)."""
    year = profile.year
    if old_year and old_year != year:
        text = shift_dates(shift_years(text, old_year, year), old_year, year)
    lines = []
    for line in text.split("\n"):
        body = unnumbered(line)
        label = line[: len(line) - len(body)]
        lines.append(label + "".join(as_baseline(s) for s in sentences(body)) if body else line)
    return mark_figures("\n".join(lines), profile)
