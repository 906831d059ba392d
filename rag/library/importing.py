"""Importing a raw page (pasted from a browser, a saved .txt): the cleaned text, the documents
found in it with their labels and roles, what each rule removed and what still looks wrong;
and the same for a folder of pages, as a report."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rag.library.chunking import chunk_document
from rag.library.corpus import (
    CorpusDoc,
    documents_from_clean,
    has_front_matter,
    split_compilation,
)
from rag.library.loaders import SUPPORTED_SUFFIXES, read_file
from rag.library.structure import COMMUNITY, has_outline_headings
from rag.plan.outlines import load_outlines
from rag.text.clean import CleanedPage, clean_page, has_traditional
from rag.text.furniture import RULES
from rag.text.zh import parse_heading

# What still looks like a site's, or broken, after cleaning: (reason, pattern).
_SUSPICIOUS = (
    ("网址或域名", re.compile(r"(?i)https?://|www\.|\.(?:com|cn|net|org)\b")),
    ("版权或备案", re.compile(r"©|版权所有|备案号|ICP")),
    ("网页日期", re.compile(r"(?<!\d)(?:19|20)\d{2}-\d{1,2}-\d{1,2}")),
    ("导航符号", re.compile(r"[>»›]")),
    ("网站用语", re.compile(r"小编|下载|点击|关注我们|收藏|转载|网友|本站|阅读全文|怎么写")),
    ("未统一的占位符", re.compile(r"_|＿|\*{2}|(?<![A-Za-z])[xX](?=[年月日号])")),
)
_TRUNCATED_MIN = 40  # a paragraph this long that ends without punctuation was cut off


@dataclass
class DocumentPreview:
    """One document found in a page: the corpus document and the roles its chunks serve."""

    doc: CorpusDoc
    roles: list[str]
    roles_from_content: bool  # no outline headings: roles judged from the paragraphs

    @property
    def for_drafting(self) -> bool:
        return self.doc.scope == COMMUNITY


@dataclass
class RawImport:
    """A raw page, cleaned, split and labelled, with the record of its cleaning."""

    name: str
    page: CleanedPage
    documents: list[DocumentPreview]
    preface: str = ""  # a compilation's opening, before its first document: not kept
    suspicious: list[tuple[str, str]] = field(default_factory=list)

    def removed_by_rule(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in self.page.removed:
            out.setdefault(r.rule, []).append(r.text)
        return out


def import_raw(text: str, name: str, stem: str = "paste", outlines=None) -> RawImport:
    """Clean, split and label a raw page; nothing is written."""
    page = clean_page(text)
    docs = documents_from_clean(page.text, name, stem, outlines)
    previews = [
        DocumentPreview(
            d,
            list(dict.fromkeys(c.role for c in chunk_document(d))),
            d.kind in ("计划", "方案") and not has_outline_headings(d.body),
        )
        for d in docs
        if d.body.strip()
    ]
    bodies = "\n".join(p.doc.body for p in previews)
    preface = split_compilation(page.text)[0]
    return RawImport(name, page, previews, preface, suspicious_lines(bodies))


def suspicious_lines(text: str) -> list[tuple[str, str]]:
    """Lines that still look like a site's or broken: (reason, line)."""
    found = []
    for line in text.split("\n"):
        reason = next((why for why, p in _SUSPICIOUS if p.search(line)), None)
        if reason is None and has_traditional(line):
            reason = "繁体字"
        if (
            reason is None
            and len(line) >= _TRUNCATED_MIN
            and not parse_heading(line)
            and not re.search(r"[。！？；：…”’）)」]$", line)
        ):
            reason = "句子不完整（可能被网页截断）"
        if reason:
            found.append((reason, line))
    return found


def raw_files(folder: Path) -> list[Path]:
    """The raw pages in a folder: text and Word files that are not corpus files."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not (p.suffix == ".md" and has_front_matter(p.read_text(encoding="utf-8")))
    )


def folder_report(folder: Path, outlines=None) -> str:
    """A report on a folder of raw pages: what each rule removed, the documents and roles
    found, and what stayed suspicious."""
    imports = [import_raw(read_file(p), p.name, p.stem, outlines) for p in raw_files(Path(folder))]
    lines = [f"原始网页清洗报告：{folder}（{len(imports)} 个文件）", ""]
    totals: Counter[str] = Counter()
    for imp in imports:
        lines += describe(imp)
        totals.update(r.rule for r in imp.page.removed)
        lines.append("")
    docs = [d for imp in imports for d in imp.documents]
    lines.append("合计：")
    for rule, label in RULES.items():
        lines.append(f"  {label}（{rule}）：删除 {totals[rule]} 处")
    lines.append(
        f"  文档 {len(docs)} 篇，其中可用于社区起草 {sum(d.for_drafting for d in docs)} 篇，"
        f"按内容判断章节的 {sum(d.roles_from_content for d in docs)} 篇；"
        f"存疑的行 {sum(len(imp.suspicious) for imp in imports)} 行"
    )
    return "\n".join(lines)


def describe(imp: RawImport) -> list[str]:
    """A raw import in plain lines: removals by rule, documents, suspicious lines."""
    names = {k: o.name for k, o in load_outlines().items()}
    out = [f"【{imp.name}】清洗后 {len(imp.page.text)} 字，{len(imp.documents)} 篇文档"]
    for rule, texts in imp.removed_by_rule().items():
        shown = "；".join(t[:30] for t in texts[:3]) + ("……" if len(texts) > 3 else "")
        out.append(f"  删除·{RULES.get(rule, rule)} {len(texts)} 处：{shown}")
    if imp.preface:
        out.append(f"  舍弃·合集开头（第一篇之前的文字）：{imp.preface[:40]}")
    for n, d in enumerate(imp.documents, 1):
        doc = d.doc
        scope = "" if d.for_drafting else f"；非社区文档（{doc.scope}），不用于起草"
        how = "（按内容判断）" if d.roles_from_content else ""
        out.append(
            f"  文档{n}：{doc.title} · {doc.kind} · {names.get(doc.topic, doc.topic)} · 章节{how}："
            f"{'、'.join(d.roles)}{scope}"
        )
    for why, line in imp.suspicious[:8]:
        out.append(f"  存疑·{why}：{line[:40]}")
    if len(imp.suspicious) > 8:
        out.append(f"  存疑的行还有 {len(imp.suspicious) - 8} 行")
    return out
