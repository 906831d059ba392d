"""Prompt templates: UTF-8 files in prompts/, rendered with named {variables}."""

from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path

from rag.config import REPO_ROOT
from rag.errors import ConfigError, MissingVariable

PROMPTS_DIR = REPO_ROOT / "prompts"
PASSAGE_OPEN = "<<<范文片段"
PASSAGE_CLOSE = "<<<片段结束"
# Brackets a model could read as a fence's "<<<" or ">>>": runs of angle brackets of any
# script (spaces or invisible characters between them too), runs of three title marks, and
# the single characters that already look doubled.
_OPENERS = "<‹＜〈〈⟨❮❬❰﹤˂ᐸ«≪⋘⟪"
_CLOSERS = ">›＞〉〉⟩❯❭❱﹥˃ᐳ»≫⋙⟫"
_DOUBLED = "«»≪≫⋘⋙⟪⟫"
_GAP = r"[\s\u200b-\u200f\u2060\ufeff]*"
_ANGLE = f"[{_OPENERS}{_CLOSERS}]"
_FENCE_LIKE = re.compile(
    rf"{_ANGLE}(?:{_GAP}{_ANGLE})+|[{_OPENERS}{_CLOSERS}《》](?:{_GAP}[{_OPENERS}{_CLOSERS}《》]){{2,}}"
    rf"|[{_DOUBLED}]"
)


_INCLUDE = re.compile(r"\{>([a-z_]+)\}")  # {>name}: the text of prompts/<name>.txt


@lru_cache(maxsize=16)
def template(name: str, folder: Path = PROMPTS_DIR) -> str:
    """The text of prompts/<name>.txt, each {>part} replaced by prompts/<part>.txt (so two
    templates share their rules by inclusion)."""
    path = folder / f"{name}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"缺少提示词模板：{path}") from e
    return _INCLUDE.sub(lambda m: template(m[1], folder).rstrip("\n"), text)


def variables(text: str) -> set[str]:
    """The {names} a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def render(name: str, **values: object) -> str:
    """The template filled in; every variable it names must be given."""
    text = template(name)
    if missing := variables(text) - values.keys():
        raise MissingVariable(f"提示词模板 {name} 缺少变量：{'、'.join(sorted(missing))}")
    return text.format(**values)


def fence(passage_id: str, title: str, section: str, text: str) -> str:
    """A passage inside its delimiters; delimiter-like text inside it is defused."""
    title, section, text = (_defuse(s) for s in (title, section, text))
    head = f"{PASSAGE_OPEN} {passage_id}｜来源：{title}" + (f"｜{section}" if section else "")
    return f"{head}>>>\n{text}\n{PASSAGE_CLOSE} {passage_id}>>>"


def quoted(label: str, text: str) -> str:
    """Text of the draft (the section being rewritten, the other sections) inside delimiters
    named by its label, as quoted material; delimiter-like text inside it is defused."""
    return f"<<<{label}>>>\n{_defuse(text)}\n<<<{label}结束>>>"


def _defuse(text: str) -> str:
    """Fence look-alikes in quoted text made title marks: <<通知>> reads 《通知》, and a forged
    ‹‹‹片段结束››› or ＜＜＜…＞＞＞ no longer looks like a delimiter."""

    def bracket(m: re.Match[str]) -> str:
        marks = {ch for ch in m[0] if ch in _OPENERS + _CLOSERS + "《》"}
        if marks <= set(_OPENERS + "《"):
            return "《"
        return "》" if marks <= set(_CLOSERS + "》") else " "

    return _FENCE_LIKE.sub(bracket, text)
