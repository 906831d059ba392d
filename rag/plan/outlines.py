"""Plan types (topics) and their outlines, loaded from data/outlines/*.yaml, and where their
key dates fall in a given year."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from rag.config import get_settings
from rag.errors import ConfigError
from rag.text.zh import WEEKDAYS, cn_numeral

ROLES = ("指导思想", "目标", "任务措施", "安排", "保障", "情况", "问题", "建议", "其他")
# The last entry of a schedule whose key dates leave December empty.
CLOSING = "全面总结全年工作，整理工作台账和档案资料，研究提出下一年度工作思路。"


@dataclass(frozen=True)
class Section:
    title: str
    role: str
    purpose: str
    length: int


@dataclass(frozen=True)
class KeyDate:
    """A recurring date: a fixed day, the Nth weekday of a month, or a span of months."""

    name: str
    activity: str
    month: int
    end_month: int
    day: int | None = None
    nth_weekday: tuple[int, int] | None = None  # (n, weekday 0=Monday)


@dataclass(frozen=True)
class Outline:
    key: str
    name: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    sections: tuple[Section, ...]
    key_dates: tuple[KeyDate, ...] = field(default=())

    @property
    def work_name(self) -> str:
        """The type's name ending in 工作, without doubling it: 双拥工作, 学雷锋志愿服务工作."""
        return self.name if self.name.endswith("工作") else f"{self.name}工作"

    def plan_title(self, community: str, year: int) -> str:
        """<community><year>年<name>工作计划."""
        return f"{community}{year}年{self.work_name}计划"


def parse_key_date(entry: dict) -> KeyDate:
    """One key_dates entry; `date` is "M月D日" or "M月第N个星期X", `months` is [start, end]."""
    name, activity = str(entry["name"]), str(entry.get("activity", ""))
    if "months" in entry:
        start, end = (int(m) for m in entry["months"])
        if not (1 <= start <= end <= 12):
            raise ValueError(f"月份范围无效：{entry['months']}")
        return KeyDate(name, activity, start, end)
    text = str(entry["date"])
    if m := re.fullmatch(r"(\d{1,2})月(\d{1,2})日", text):
        month, day = int(m[1]), int(m[2])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            raise ValueError(f"日期无效：{text}")
        return KeyDate(name, activity, month, month, day=day)
    if m := re.fullmatch(rf"(\d{{1,2}})月第(\d)个星期([{WEEKDAYS}天])", text):
        month, n = int(m[1]), int(m[2])
        weekday = 6 if m[3] in "日天" else WEEKDAYS.index(m[3])
        if not (1 <= month <= 12 and 1 <= n <= 5):
            raise ValueError(f"日期无效：{text}")
        return KeyDate(name, activity, month, month, nth_weekday=(n, weekday))
    raise ValueError(f"无法识别的日期格式：{text}")


def parse_outline(data: dict) -> Outline:
    """Validate one outline mapping."""
    sections = []
    for s in data["sections"]:
        if s["role"] not in ROLES:
            raise ValueError(f"未知的章节角色：{s['role']}")
        sections.append(Section(str(s["title"]), s["role"], str(s["purpose"]), int(s["length"])))
    if not re.fullmatch(r"[a-z][a-z0-9_]*", str(data["key"])):
        raise ValueError(f"类型键必须是小写 ASCII：{data['key']}")
    return Outline(
        key=str(data["key"]),
        name=str(data["name"]),
        aliases=tuple(str(a) for a in data.get("aliases", ())),
        keywords=tuple(str(k) for k in data.get("keywords", ())),
        sections=tuple(sections),
        key_dates=tuple(parse_key_date(d) for d in data.get("key_dates", ())),
    )


@lru_cache(maxsize=4)
def load_outlines(folder: Path | None = None) -> dict[str, Outline]:
    """All plan types by key."""
    if folder is None:
        folder = get_settings().outlines_dir
    outlines = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            outline = parse_outline(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (KeyError, TypeError, ValueError, yaml.YAMLError) as e:
            raise ConfigError(f"计划类型文件 {path.name} 格式有误：{e}") from e
        outlines[outline.key] = outline
    return outlines


def key_date_when(kd: KeyDate, year: int) -> str:
    """ "3月5日", "9月21日（9月第三个星期六）", "1月至2月" for a key date in a year."""
    if kd.day:
        return f"{kd.month}月{kd.day}日"
    if kd.nth_weekday:
        n, weekday = kd.nth_weekday
        days = [
            d
            for d in calendar.Calendar().itermonthdates(year, kd.month)
            if d.month == kd.month and d.weekday() == weekday
        ]
        day: dt.date = days[min(n, len(days)) - 1]
        return f"{kd.month}月{day.day}日（{kd.month}月第{cn_numeral(n)}个星期{WEEKDAYS[weekday]}）"
    if kd.month == kd.end_month:
        return f"{kd.month}月"
    return f"{kd.month}月至{kd.end_month}月"


def schedule_entries(outline: Outline, year: int) -> tuple[list[tuple[str, KeyDate]], bool]:
    """((when, key date) in calendar order, whether a December closing item is needed)."""
    dates = sorted(outline.key_dates, key=lambda kd: (kd.month, kd.end_month))
    return [(key_date_when(kd, year), kd) for kd in dates], not any(
        kd.end_month == 12 for kd in dates
    )


def key_dates_text(outline: Outline, year: int) -> str:
    """The plan type's key dates in a year, one per line: "3月5日 学雷锋纪念日：…"."""
    entries, closing = schedule_entries(outline, year)
    lines = [f"{when} {kd.name}：{kd.activity}" for when, kd in entries]
    if closing:
        lines.append(f"12月 年度总结：{CLOSING}")
    return "\n".join(lines)
