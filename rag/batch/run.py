"""Drafting a batch: one plan per valid row, each checked, saved as a normal draft and
exported as a GB/T 9704 .docx; a summary table and a zip of it all.

A batch is resumable: after each plan its result is written to a state file in the output
folder, and a run over the same table keeps the rows already drafted (same profile, file
still there) instead of drafting them again. The composer drafts the rows one after another,
varying its choice of sample sentences across the batch; a model drafts several rows at once.
"""

from __future__ import annotations

import hashlib
import json
import queue
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.batch.table import TableRow
from rag.drafting import edited as round_trip
from rag.drafting import service
from rag.drafting.composer.variety import UNSAMPLED_ROLES, BatchVariety
from rag.drafting.pipeline import run_with_events
from rag.drafting.writer import SectionWriter
from rag.errors import DraftNotFound, PlanError
from rag.export.files import safe_filename
from rag.export.sheets import workbook_bytes
from rag.plan.store import DraftStore
from rag.review.checks import MARKS_WARNING

STATE_FILE = "batch_state.json"
SUMMARY_FILE = "汇总.xlsx"
ZIP_FILE = "批量起草结果.zip"
MODEL_WORKERS = 4  # communities drafted at once by a model (each with its own sections)
SUMMARY_HEADER = ("行号", "社区", "文件", "章节", "字数", "检查结果", "用时（秒）", "说明")


@dataclass
class RowResult:
    """What became of one row: its plan (draft id, file, size, findings by kind, time) or
    why it has none."""

    number: int
    community: str
    key: str = ""
    draft_id: str = ""
    file: str = ""
    sections: int = 0
    characters: int = 0
    findings: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    error: str = ""
    resumed: bool = False
    to_confirm: int = 0  # marks the user must confirm or change before the plan is used

    @property
    def ok(self) -> bool:
        return bool(self.file) and not self.error

    @property
    def marks_warning(self) -> str:
        """The warning the page gives before a download, for this row's plan ("" if none)."""
        return MARKS_WARNING.format(n=self.to_confirm) if self.ok and self.to_confirm else ""

    def findings_text(self) -> str:
        return "、".join(f"{k}{n}" for k, n in self.findings.items()) or "无"


class BatchCallbacks:
    """Progress hooks of a batch; each does nothing unless overridden (CLI and page do)."""

    def row_started(self, row: TableRow) -> None:
        """A row's plan began."""

    def row_finished(self, result: RowResult, done: int, total: int) -> None:
        """A row has its result (a plan, a kept plan of an earlier run, or an error)."""


def row_key(row: TableRow) -> str:
    """What identifies a row's plan across runs: its profile."""
    data = json.dumps(row.profile.model_dump(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]


def _load_state(out: Path) -> dict[str, dict]:
    try:
        return json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_state(out: Path, state: dict[str, dict]) -> None:
    path = out / STATE_FILE
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(path)


def _kept(out: Path, row: TableRow, state: dict[str, dict]) -> RowResult | None:
    """The result of an earlier run for the same row, when its file is still there."""
    data = state.get(row_key(row))
    if not data or not data.get("file") or not (out / data["file"]).is_file():
        return None
    return RowResult(**{**data, "number": row.number, "resumed": True})


class Batch:
    """One batch run over a table's rows into an output folder."""

    def __init__(
        self,
        rows: list[TableRow],
        out: Path,
        *,
        retriever,
        make_writer: Callable[[], SectionWriter],
        store: DraftStore,
        callbacks: BatchCallbacks | None = None,
        stop: threading.Event | None = None,
        workers: int | None = None,
    ):
        self.rows, self.out = rows, Path(out)
        self.retriever, self.make_writer, self.store = retriever, make_writer, store
        self.callbacks = callbacks or BatchCallbacks()
        self.stop = stop or threading.Event()
        self.workers = workers
        self.lock = threading.Lock()
        self.results: dict[int, RowResult] = {}
        self.state: dict[str, dict] = {}

    def run(self) -> list[RowResult]:
        """Draft every valid row not drafted by an earlier run; results in table order."""
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise PlanError(f"无法创建输出文件夹 {self.out}：{e.strerror}") from e
        self.state = _load_state(self.out)
        todo = []
        for row in self.rows:
            if row.errors:
                self._finish(RowResult(row.number, row.community, error="；".join(row.errors)))
            elif kept := _kept(self.out, row, self.state):
                self._finish(kept)
            else:
                todo.append(row)
        variety = BatchVariety()
        writer = self.make_writer().for_batch(variety)
        if writer is not None:
            # one writer for the batch, row after row: each plan avoids what the others said
            self._seed(variety)
            for row in todo:
                variety.start_plan()
                self._draft(row, writer)
        else:
            workers = self.workers or MODEL_WORKERS
            with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                futures = [pool.submit(self._draft, row, None) for row in todo]
                try:
                    for future in futures:
                        future.result()
                except BaseException:  # Ctrl+C: the rows not begun are not begun
                    self.stop.set()
                    raise
        return self.in_order()

    def in_order(self) -> list[RowResult]:
        """The results so far, in table order."""
        return [self.results[r.number] for r in self.rows if r.number in self.results]

    def _seed(self, variety: BatchVariety) -> None:
        """What the plans kept from an earlier run say, so the new ones vary from them too."""
        for result in self.results.values():
            if result.resumed and result.draft_id:
                try:
                    draft = self.store.load(result.draft_id)
                except DraftNotFound:
                    continue
                variety.start_plan()
                for section in draft.sections:
                    if section.role not in UNSAMPLED_ROLES:
                        variety.add(section.text)

    def _draft(self, row: TableRow, writer: SectionWriter | None) -> None:
        if self.stop.is_set():
            return
        self.callbacks.row_started(row)
        start = time.perf_counter()
        try:
            writer = writer or self.make_writer()
            # saved as the page saves a draft being drafted (new=False: also one with no text)
            outcome = service.draft_plan(
                service.start(row.profile, writer),
                store=self.store,
                retriever=self.retriever,
                writer=writer,
                new=False,
            )
            draft, findings = outcome.draft, outcome.findings
            name = safe_filename(f"{row.number:03d}_{draft.title}", ".docx")
            # the export recorded on the saved draft: an edited copy can be traced back to it
            (self.out / name).write_bytes(round_trip.export(self.store, draft.id, ".docx"))
            draft_id = draft.id
        except (PlanError, OSError) as e:
            error = str(e) if isinstance(e, PlanError) else f"无法写入文件：{e.strerror}"
            self._finish(RowResult(row.number, row.community, error=error))
            return
        result = RowResult(
            row.number,
            row.community,
            key=row_key(row),
            draft_id=draft_id,
            file=name,
            sections=sum(1 for s in draft.sections if s.text.strip()),
            characters=sum(len(s.text) for s in draft.sections),
            findings=dict(Counter(f.kind for f in findings)),
            to_confirm=len(outcome.to_confirm),
            seconds=round(time.perf_counter() - start, 2),
        )
        self._finish(result)

    def _finish(self, result: RowResult) -> None:
        with self.lock:
            self.results[result.number] = result
            if result.ok and not result.resumed:
                self.state[result.key] = asdict(result)
                _save_state(self.out, self.state)
            done = len(self.results)
        self.callbacks.row_finished(result, done, len(self.rows))


class _QueueRows(BatchCallbacks):
    """Puts each finished row on a queue as (result, done, total) for another thread."""

    def __init__(self, events: queue.Queue):
        self.events = events

    def row_finished(self, result: RowResult, done: int, total: int) -> None:
        self.events.put((result, done, total))


def run_with_progress(batch: Batch) -> Iterator[tuple[RowResult, int, int]]:
    """Run a batch in a thread and yield (result, done, total) in this one (a UI's own thread)
    as rows finish. Closing the generator early (the page was left or rerun) stops the batch
    after the rows under way; the batch's own exception, if any, is raised here."""

    def work(callbacks: BatchCallbacks) -> None:
        batch.callbacks = callbacks
        batch.run()

    try:
        yield from run_with_events(work, callbacks=_QueueRows)
    finally:
        batch.stop.set()


def summary_rows(results: list[RowResult]) -> list[tuple]:
    """The summary table's rows (SUMMARY_HEADER's columns)."""
    return [
        (
            r.number,
            r.community,
            r.file,
            r.sections,
            r.characters,
            r.findings_text() if r.ok else "",
            r.seconds,
            r.error or ("沿用上次结果" if r.resumed else ""),
        )
        for r in results
    ]


def summary_xlsx(results: list[RowResult]) -> bytes:
    """The summary table as an .xlsx (data only: nothing a user typed becomes a formula)."""
    return workbook_bytes("汇总", SUMMARY_HEADER, summary_rows(results))


def write_outputs(out: Path, results: list[RowResult]) -> tuple[Path, Path]:
    """The summary .xlsx and the zip (every plan's .docx and the summary) in the folder."""
    summary = out / SUMMARY_FILE
    summary.write_bytes(summary_xlsx(results))
    archive = out / ZIP_FILE
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for r in results:
            if r.ok:
                z.write(out / r.file, r.file)
        z.write(summary, SUMMARY_FILE)
    return summary, archive
