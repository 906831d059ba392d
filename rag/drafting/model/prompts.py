"""Prompt templates: UTF-8 files in prompts/, rendered with named {variables}."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from rag.config import REPO_ROOT
from rag.errors import ConfigError, MissingVariable

PROMPTS_DIR = REPO_ROOT / "prompts"
PASSAGE_OPEN = "<<<范文片段"
PASSAGE_CLOSE = "<<<片段结束"


@lru_cache(maxsize=16)
def template(name: str, folder: Path = PROMPTS_DIR) -> str:
    """The text of prompts/<name>.txt."""
    path = folder / f"{name}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"缺少提示词模板：{path}") from e


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


def _defuse(text: str) -> str:
    """Delimiter look-alikes in quoted text made harmless."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")
