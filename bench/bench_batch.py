"""Batch drafting: 20 communities of one street office, offline and through a local
OpenAI-compatible server with a fixed per-token delay; wall time of the batch against the
slowest single plan, the requests in flight at once, and how many sample sentences two plans
of the batch share (against the same plans drafted one by one).

Run: .venv/bin/python bench/bench_batch.py [--communities 20] [--token-delay 0.004] [--workers 4]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rag.batch.run import Batch
from rag.batch.table import TableRow
from rag.config import REPO_ROOT, Settings
from rag.drafting.composer.compose import Composer
from rag.drafting.composer.variety import UNSAMPLED_ROLES, BatchVariety, sample_keys
from rag.drafting.model.writer import ModelWriter
from rag.drafting.pipeline import draft_sections, new_draft, outline_of
from rag.index.embeddings import HashEmbeddingFunction
from rag.index.ingest import ingest
from rag.index.retrieve import Retriever
from rag.index.store import ChunkStore
from rag.plan.community import COMMUNITY_TYPES
from rag.plan.profile import make_profile
from rag.plan.store import SQLiteDraftStore

sys.path[:0] = [str(REPO_ROOT / "bench"), str(REPO_ROOT)]
from bench_drafting import fake_model  # noqa: E402

NAMES = "阳光 和平 新华 建设 光明 东风 红星 友谊 春晖 长青 翠竹 金桥 永安 康乐 文化 胜利 前进 团结 民主 振兴"
PRIORITIES = (
    ["退役军人服务站规范化建设", "征兵宣传进小区"],
    ["军属子女关爱", "国防教育进校园"],
    ["走访慰问优抚对象", "双拥共建"],
    ["退役军人就业帮扶", "拥军志愿服务"],
)


def rows(n: int) -> list[TableRow]:
    types = list(COMMUNITY_TYPES)
    out = []
    for i, name in enumerate(NAMES.split()[:n]):
        data = {
            "community": f"{name}社区",
            "parent": "杭州市西湖区北山街道",
            "year": 2027,
            "topic": "shuangyong",
            "community_type": types[i % len(types)],
            "households": 2000 + 37 * i,
            "facts": {"退役军人": str(100 + i), "优抚对象": str(30 + i)},
            "priorities": PRIORITIES[i % len(PRIORITIES)],
            "date": "2027年1月8日",
        }
        out.append(TableRow(i + 2, data, make_profile(data)))
    return out


def sample_sentences(draft) -> set[str]:
    """The sentences of a plan that may come from samples, as the batch's variety counts them
    (the schedule is the calendar's)."""
    return set().union(
        *(sample_keys(s.text) for s in draft.sections if s.role not in UNSAMPLED_ROLES)
    )


def shares(plans: list[set[str]]) -> tuple[float, float, int]:
    """(mean, max) share of two plans' sample sentences that are the same, by the smaller, and
    the number of pairs at or above the cap."""
    values = [len(a & b) / max(1, min(len(a), len(b))) for a, b in itertools.combinations(plans, 2)]
    over = sum(v >= BatchVariety.MAX_SHARED for v in values)
    return statistics.mean(values), max(values), over


def run_batch(
    batch_rows, retriever, make_writer, workers=None
) -> tuple[float, list, SQLiteDraftStore]:
    folder = Path(tempfile.mkdtemp())
    store = SQLiteDraftStore(folder / "drafts.sqlite3")
    start = time.perf_counter()
    results = Batch(
        batch_rows,
        folder / "out",
        retriever=retriever,
        make_writer=make_writer,
        store=store,
        workers=workers,
    ).run()
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return time.perf_counter() - start, results, store


def single(row: TableRow, retriever, writer) -> tuple[float, object]:
    start = time.perf_counter()
    draft = draft_sections(new_draft(row.profile, writer), retriever=retriever, writer=writer)
    return time.perf_counter() - start, draft


def offline(batch_rows, retriever) -> None:
    alone = [single(row, retriever, Composer()) for row in batch_rows]  # first: a cold cache
    wall, results, store = run_batch(batch_rows, retriever, Composer)
    slowest = max(t for t, _ in alone)
    batch_plans = [sample_sentences(store.load(r.draft_id)) for r in results]
    alone_plans = [sample_sentences(d) for _, d in alone]
    print(f"offline composer, {len(batch_rows)} communities (双拥, shipped library)")
    print(
        f"  batch wall time {wall:.2f}s (incl. .docx and draft store); slowest single plan {slowest:.2f}s"
    )
    print(
        f"  = {wall / slowest:.1f}x the slowest single plan; sum of single plans {sum(t for t, _ in alone):.2f}s"
    )
    b_mean, b_max, b_over = shares(batch_plans)
    a_mean, a_max, a_over = shares(alone_plans)
    print(
        f"  sample sentences per plan: batch {statistics.mean(map(len, batch_plans)):.1f}, "
        f"one by one {statistics.mean(map(len, alone_plans)):.1f}"
    )
    print(
        f"  shared by two plans (of the smaller): batch mean {b_mean:.0%} max {b_max:.0%}; "
        f"one by one mean {a_mean:.0%} max {a_max:.0%}"
    )
    cap = f"{BatchVariety.MAX_SHARED:.0%}"
    print(
        f"  pairs sharing {cap} or more: batch {b_over}, one by one {a_over} "
        f"(of {len(batch_plans) * (len(batch_plans) - 1) // 2})"
    )
    marks = [r.findings.get("待补充", 0) for r in results]
    print(
        f"  【待补充】 findings per plan in the batch: mean {statistics.mean(marks):.1f}, "
        f"max {max(marks)}"
    )


def model(batch_rows, retriever, token_delay: float, workers: int) -> None:
    outline = outline_of(batch_rows[0].profile)
    fake, config = fake_model(outline, token_delay)
    singles = [single(row, retriever, ModelWriter(config))[0] for row in batch_rows]
    slowest = max(singles)
    fake.max_in_flight = 0
    wall, _, _ = run_batch(batch_rows, retriever, lambda: ModelWriter(config), workers=workers)
    fake.stop()
    print(
        f"model through a local server, {token_delay * 1000:.1f} ms per token, "
        f"{len(outline.sections)} sections per plan, {workers} communities at once"
    )
    print(f"  single plans: mean {statistics.mean(singles):.2f}s, slowest {slowest:.2f}s")
    print(
        f"  batch wall time {wall:.2f}s = {wall / slowest:.1f}x the slowest single plan "
        f"(one by one: {sum(singles):.2f}s); at most {fake.max_in_flight} requests at once"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--token-delay", type=float, default=0.004)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=folder, embedding="hash", collection="bench_batch")
    store = ChunkStore.open(settings, HashEmbeddingFunction())
    ingest([REPO_ROOT / "data" / "corpus"], store)
    retriever = Retriever(store).scoped("")
    batch_rows = rows(args.communities)
    offline(batch_rows, retriever)
    model(batch_rows, retriever, args.token_delay, args.workers)


if __name__ == "__main__":
    main()
