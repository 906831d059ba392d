"""A progress bar in the page for long index work (rag.index.progress.Progress)."""

from __future__ import annotations

from rag.index.progress import Progress


class BarProgress(Progress):
    """Moves an `st.progress` bar and says the stage and count beside it."""

    def __init__(self, bar):
        self.bar = bar

    def step(self, stage: str, done: int, total: int) -> None:
        self.bar.progress(min(1.0, done / max(1, total)), text=f"{stage}：{done}/{total}")
