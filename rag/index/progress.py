"""Progress of long index work (ingest, rebuild, the keyword index): hooks that do nothing by
default; the CLI prints lines and the page draws a bar."""

from __future__ import annotations

import sys
from typing import TextIO

# Stage names, shown to users as they are.
READING = "读取范文"
EMBEDDING = "计算向量"
WRITING = "写入索引"
KEYWORDS = "建立关键词索引"


class Progress:
    """Told how far a stage has come: `done` of `total` units (files, pieces, chunks)."""

    def step(self, stage: str, done: int, total: int) -> None:
        pass


NO_PROGRESS = Progress()


class PrintedProgress(Progress):
    """Progress lines for the CLI: a stage's start, every tenth of it, and its end."""

    def __init__(self, out: TextIO | None = None):
        self.out = out or sys.stderr
        self._last: tuple[str, int] | None = None

    def step(self, stage: str, done: int, total: int) -> None:
        tenth = 10 * done // max(1, total)
        if self._last == (stage, tenth) and done < total:
            return
        self._last = (stage, tenth)
        print(f"  {stage}：{done}/{total}（{100 * done // max(1, total)}%）", file=self.out)
        self.out.flush()
