"""The community profile a plan is drafted for: validated, with field errors in Chinese."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from rag.errors import ProfileError
from rag.plan.community import COMMUNITY_TYPES
from rag.plan.topics import resolve_topic, unknown_topic_message
from rag.text.clean import strip_control

FIELD_LABELS = {
    "community": "社区名称",
    "parent": "上级单位",
    "year": "年度",
    "topic": "计划类型",
    "community_type": "社区类型",
    "households": "户数",
    "population": "人口数",
    "facts": "关键数据",
    "priorities": "工作重点",
    "notes": "补充说明",
    "author": "落款单位",
    "date": "落款日期",
}
MAX_TEXT = 2000
MAX_ITEMS = 30
MAX_NAMES = 200  # names last year's plan gives (places, teams, partners, brands)
CHOSEN_FIELDS = frozenset({"topic"})  # picked from a list in the form: "请选择", not "必须填写"


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", strip_control(value)).strip()


# What a name (the community, its 上级单位, the 落款) never holds: it becomes a title, a file
# name, a cell of a spreadsheet and a line of the drafts list.
_PATH_PART = re.compile(r"[/\\]|\.\.")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_FORMULA_START = re.compile(r"^\s*[=+\-@＝＋－＠]")
_MARKUP = re.compile(r"[<>*_`#|~\[\]{}$^]|\]\(|https?:|www\.|&[a-zA-Z#0-9]+;")


def name_problem(value: str) -> str:
    """Why a typed name is not a name ("" when it is one), said in Chinese."""
    if _CONTROL.search(value.strip()):
        return "不能包含换行、制表符等控制字符：请只填写名称本身"
    if _FORMULA_START.search(value):
        return "不能以“=”“+”“-”“@”开头：请直接填写名称，例如“阳光社区”"
    if _MARKUP.search(value):
        return "不能包含网页或排版符号（如 < > * _ # [ ] ` | 或网址）：请只填写中文名称"
    if _PATH_PART.search(value):
        return "不能包含“/”“\\”或“..”：请只填写名称，例如“阳光社区”“××市××区××街道”"
    return ""


class Profile(BaseModel):
    """What the user tells us about the community; the only source of names and numbers."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    community: str = Field(min_length=2, max_length=40)
    parent: str = Field(default="", max_length=60)
    year: int = Field(ge=2000, le=2100)
    topic: str = Field(min_length=1, max_length=40)
    # 老城区, 新建商品房小区, 村改居, 单位型社区, 城乡结合部 or 混合型; None: not given
    community_type: str | None = None
    households: int | None = Field(default=None, ge=1, le=1_000_000)
    population: int | None = Field(default=None, ge=1, le=5_000_000)
    facts: dict[str, str] = Field(default_factory=dict)
    priorities: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    notes: str = Field(default="", max_length=MAX_TEXT)
    author: str = Field(default="", max_length=60)
    date: str = Field(default="", max_length=30)
    # Names of last year's own plan attached to the draft: true of the community, no form field.
    known_names: list[str] = Field(default_factory=list, max_length=MAX_NAMES)

    @field_validator("community", "parent", "author", mode="before")
    @classmethod
    def _name(cls, value: Any, info: ValidationInfo) -> Any:
        stored = bool(info.context and info.context.get("stored"))
        problem = "" if stored or not isinstance(value, str) else name_problem(value)
        if problem:
            raise ValueError(problem)
        return _clean(value) if isinstance(value, str) else value

    @field_validator("notes", "date", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _clean(value) if isinstance(value, str) else value

    @field_validator("community")
    @classmethod
    def _community(cls, value: str) -> str:
        if not re.search(r"[\u4e00-\u9fff]", value):
            raise ValueError("请填写中文社区名称，例如“阳光社区”")
        if re.search(r"[×xX]{2}|某某", value):
            raise ValueError("请填写真实的社区名称，不要使用“××”占位")
        return value

    @field_validator("topic")
    @classmethod
    def _topic(cls, value: str) -> str:
        key = resolve_topic(value)
        if key is None:
            raise ValueError(unknown_topic_message(value))
        return key

    @field_validator("community_type", mode="before")
    @classmethod
    def _community_type(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        value = _clean(str(value))
        if value not in COMMUNITY_TYPES:
            raise ValueError(f"应为以下之一：{'、'.join(COMMUNITY_TYPES)}")
        return value

    @field_validator("facts", mode="before")
    @classmethod
    def _facts(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, list):  # [{"name": …, "value": …}] as a table widget returns it
            value = {row.get("name", ""): row.get("value", "") for row in value}
        if not isinstance(value, dict):
            raise ValueError("应为“名称: 数值”的对应表")
        facts = {}
        for key, val in value.items():
            key = _clean(str(key or ""))
            val = "" if val is None else _clean(str(val))
            if not key and not val:
                continue
            if not key or not val:
                raise ValueError(f"“{key or val}”缺少{'名称' if not key else '数值'}")
            if len(key) > 30 or len(val) > 60:
                raise ValueError(f"“{key[:30]}”过长（名称不超过30字，数值不超过60字）")
            facts[key] = val
        if len(facts) > MAX_ITEMS:
            raise ValueError(f"最多填写{MAX_ITEMS}项")
        return facts

    @field_validator("priorities", mode="before")
    @classmethod
    def _priorities(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            value = re.split(r"[\n；;]+", value)
        if not isinstance(value, list):
            raise ValueError("应为一组文字（每行一项）")
        items = [_clean(str(v)) for v in value if str(v or "").strip()]
        for item in items:
            if len(item) > 120:
                raise ValueError(f"“{item[:20]}…”过长，每项不超过120字")
        return items

    @model_validator(mode="after")
    def _defaults(self) -> Profile:
        if not self.author:
            self.author = f"{self.community}居民委员会"
        return self

    def facts_text(self) -> str:
        """Every value the user gave, as one text (for grounding checks and prompts)."""
        parts = [self.community, self.parent, str(self.year), self.author, self.date, self.notes]
        if self.households:
            parts.append(f"{self.households}户")
        if self.population:
            parts.append(f"{self.population}人")
        parts += [f"{k}{v}" for k, v in self.facts.items()]
        parts += self.priorities
        parts += self.known_names
        return "\n".join(p for p in parts if p)


def _message(error: ValidationError, first: dict | None = None) -> tuple[str, str | None]:
    first = first or error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else None
    label = FIELD_LABELS.get(field or "", field or "")
    kind, ctx = first["type"], first.get("ctx", {})
    if kind == "missing":
        text = "必须填写"
    elif first.get("input", "") is None and field in FIELD_LABELS:  # a form left empty
        text = "请选择" if field in CHOSEN_FIELDS else "必须填写"
    elif kind == "extra_forbidden":
        text = f"不是可识别的字段（可用字段：{'、'.join(FIELD_LABELS)}）"
        label = field or ""
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        text = "应为整数"
    elif kind in ("greater_than_equal", "less_than_equal"):
        text = _range_text(field, kind, ctx)
    elif kind == "string_too_short":
        text = f"至少 {ctx.get('min_length')} 个字"
    elif kind == "string_too_long":
        text = f"不能超过 {ctx.get('max_length')} 个字"
    elif kind == "too_long":
        text = f"最多 {ctx.get('max_length')} 项"
    elif kind == "string_type":
        text = "应为文字"
    elif kind == "value_error":
        text = str(ctx.get("error", first["msg"]))
    else:
        text = "取值无效"
    return f"{label}：{text}", field


def _range_text(field: str | None, kind: str, ctx: dict) -> str:
    """What a number out of range must be: both bounds when the field has both."""
    bounds = {}
    if field in Profile.model_fields:
        for item in Profile.model_fields[field].metadata:
            bounds.update({k: getattr(item, k) for k in ("ge", "le") if hasattr(item, k)})
    if "ge" in bounds and "le" in bounds:
        return f"应在 {bounds['ge']} 至 {bounds['le']} 之间"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    return f"不能大于 {ctx.get('le')}"


def make_profile(data: dict) -> Profile:
    """A validated profile from a mapping; raises ProfileError naming the first bad field."""
    if not isinstance(data, dict):
        raise ProfileError("社区信息应为 JSON 对象（{…}）。")
    try:
        return Profile.model_validate(data)
    except ValidationError as e:
        message, field = _message(e)
        raise ProfileError(message, field) from e


def stored_profile(data: dict) -> Profile:
    """A profile saved with a draft: validated, except for the name rules, which a draft saved
    before they existed may break (its names are shown escaped wherever they appear)."""
    try:
        return Profile.model_validate(data, context={"stored": True})
    except ValidationError as e:
        message, field = _message(e)
        raise ProfileError(message, field) from e


def profile_errors(data: dict) -> dict[str, str]:
    """Every bad field of a profile mapping, field → message (empty when it is valid)."""
    try:
        Profile.model_validate(data)
    except ValidationError as e:
        errors: dict[str, str] = {}
        for item in e.errors():
            message, field = _message(e, item)
            errors.setdefault(field or "", message)
        return errors
    return {}


def _read_json(path: Path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError as e:
        raise ProfileError(f"找不到社区信息文件：{path}") from e
    except UnicodeDecodeError as e:
        raise ProfileError(f"社区信息文件不是 UTF-8 编码：{path}") from e
    except json.JSONDecodeError as e:
        raise ProfileError(f"社区信息文件不是有效的 JSON（第 {e.lineno} 行）：{path}") from e


def load_profile(path: Path) -> Profile:
    """A profile from a UTF-8 JSON file."""
    return make_profile(_read_json(path))


def load_profiles(path: Path) -> list[Profile]:
    """Profiles from a UTF-8 JSON file holding a list of them; a bad one names its place."""
    data = _read_json(path)
    if not isinstance(data, list):
        raise ProfileError(f"应为社区信息的列表（[{{…}}, …]）：{path}")
    profiles = []
    for n, item in enumerate(data, 1):
        try:
            profiles.append(make_profile(item))
        except ProfileError as e:
            raise ProfileError(f"第 {n} 份社区信息：{e}", e.field) from e
    return profiles
