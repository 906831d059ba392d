"""Corpus documents: Markdown files with a YAML header, and turning raw pages into them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from rag.errors import InputFileError
from rag.library.classify import classify_kind, classify_topic
from rag.library.loaders import read_file
from rag.library.structure import COMMUNITY, document_scope
from rag.plan.outlines import load_outlines
from rag.text.clean import clean_text
from rag.text.zh import NUMERALS

KINDS = ("计划", "总结", "方案", "调研报告", "标语")
_KIND_SUFFIX = {"计划": "工作计划", "总结": "工作总结", "方案": "活动方案", "标语": "宣传标语"}
# Headings of compilation pages: "…怎么写一", "…范文3", "篇二", "【篇三】".
_ORDINAL_TAIL = re.compile(rf"^(.{{2,50}}?)([{NUMERALS}]{{1,3}}|\d{{1,2}})$")
_PIECE_MARKER = re.compile(rf"^[【\[]?(?:篇|范文|第)([{NUMERALS}]{{1,3}}|\d{{1,2}})[篇】\]]?$")
# A marker that carries the piece's title: "篇一：社区禁毒工作计划", "【范文2】社区……方案".
_TITLED_MARKER = re.compile(
    rf"^[【\[]?(?:篇|范文|第)(?:[{NUMERALS}]{{1,3}}|\d{{1,2}})篇?[】\]]?\s*[：:]?\s*(.{{4,40}})$"
)


@dataclass(frozen=True)
class CorpusDoc:
    """One sample document: its metadata and cleaned body (one paragraph per line)."""

    doc_id: str
    title: str
    kind: str
    topic: str
    source: str
    body: str
    year: int | None = None
    community_type: str | None = None
    scope: str = COMMUNITY  # whose document: 社区, or 学校/单位/个人随笔 (not for drafting)
    owner: str = ""  # the user an upload is private to ("": the shared library)

    def header(self) -> dict:
        meta = {"title": self.title, "kind": self.kind, "topic": self.topic, "source": self.source}
        if self.year is not None:
            meta["year"] = self.year
        if self.community_type:
            meta["community_type"] = self.community_type
        if self.scope != COMMUNITY:
            meta["scope"] = self.scope
        if self.owner:
            meta["owner"] = self.owner
        return meta

    def render(self) -> str:
        """The Markdown file text: YAML header, then paragraphs separated by blank lines."""
        head = yaml.safe_dump(self.header(), allow_unicode=True, sort_keys=False)
        paragraphs = [line for line in self.body.split("\n") if line.strip()]
        return f"---\n{head}---\n" + "\n\n".join(paragraphs) + "\n"


def parse_corpus_text(text: str, doc_id: str) -> CorpusDoc:
    """Parse a corpus Markdown file (YAML header + body)."""
    m = re.match(r"\A\ufeff?---\n(.*?)\n---\n(.*)\Z", text, re.S)
    if not m:
        raise InputFileError(f"{doc_id}：缺少 YAML 文件头（--- … ---）。")
    try:
        meta = yaml.safe_load(m[1]) or {}
    except yaml.YAMLError as e:
        raise InputFileError(f"{doc_id}：文件头不是有效的 YAML：{e}") from e
    missing = [k for k in ("title", "kind", "topic", "source") if not meta.get(k)]
    if missing:
        raise InputFileError(f"{doc_id}：文件头缺少字段 {', '.join(missing)}。")
    body = "\n".join(line.strip() for line in m[2].split("\n") if line.strip())
    year = meta.get("year")
    return CorpusDoc(
        doc_id=doc_id,
        title=str(meta["title"]),
        kind=str(meta["kind"]),
        topic=str(meta["topic"]),
        source=str(meta["source"]),
        body=body,
        year=int(year) if year else None,
        community_type=meta.get("community_type"),
        scope=str(meta.get("scope") or COMMUNITY),
        owner=str(meta.get("owner") or ""),
    )


def has_front_matter(text: str) -> bool:
    return bool(re.match(r"\A\ufeff?---\n.*?\n---\n", text, re.S))


def split_compilation(text: str) -> tuple[str, list[str]]:
    """Split a cleaned page holding several texts; returns (preface, pieces)."""
    lines = text.split("\n")
    prefixes: dict[str, int] = {}
    for line in lines:
        if (m := _ORDINAL_TAIL.match(line)) and "。" not in line:
            prefixes[m[1]] = prefixes.get(m[1], 0) + 1
    repeated = {p for p, n in prefixes.items() if n >= 2}

    def is_marker(line: str) -> bool:
        m = _ORDINAL_TAIL.match(line)
        return bool(m and m[1] in repeated and "。" not in line) or bool(_PIECE_MARKER.match(line))

    marks = [i for i, line in enumerate(lines) if is_marker(line) or _titled(line)]
    if len(marks) < 2:
        return "", [text]
    pieces = [
        "\n".join([*_piece_title(lines[a], repeated), *lines[a + 1 : b]]).strip()
        for a, b in zip(marks, [*marks[1:], len(lines)], strict=True)
    ]
    return "\n".join(lines[: marks[0]]).strip(), [p for p in pieces if p]


def _titled(line: str) -> str | None:
    """The title a marker line carries ("篇一：社区禁毒工作计划"), if it is one."""
    m = _TITLED_MARKER.match(line)
    return m[1] if m and "。" not in line and not _PIECE_MARKER.match(line) else None


def _piece_title(marker: str, repeated: set[str]) -> list[str]:
    """The title line a marker gives its piece: what "篇一：" introduces, or the common part of
    "……活动方案篇1"; none for a bare ordinal ("篇二", "……怎么写三")."""
    if title := _titled(marker):
        return [title]
    m = _ORDINAL_TAIL.match(marker)
    if m and m[1] in repeated and m[1].rstrip().endswith("篇"):
        return [m[1].rstrip().removesuffix("篇").rstrip()]
    return []


def documents_from_text(text: str, source: str, stem: str, outlines=None) -> list[CorpusDoc]:
    """Clean, split and label a raw text (a web page, a user's sample)."""
    return documents_from_clean(clean_text(text), source, stem, outlines)


def documents_from_clean(text: str, source: str, stem: str, outlines=None) -> list[CorpusDoc]:
    """Split and label a text already cleaned."""
    outlines = load_outlines() if outlines is None else outlines
    _, pieces = split_compilation(text)
    many = len(pieces) > 1
    docs = []
    for n, body in enumerate(pieces, start=1):
        kind = classify_kind(body)
        topic = classify_topic(body, outlines, title=_own_title(body))
        name = outlines[topic].name if topic in outlines else "社区工作"
        suffix = f"（网络范文·{NUMERALS[n - 1] if n <= 10 else n}）" if many else ""
        title = title_for(body, name, kind) + suffix
        doc_id = f"{stem}_{n:02d}" if many else stem
        docs.append(
            CorpusDoc(
                doc_id,
                title,
                kind,
                topic,
                f"{source}#{n}" if many else source,
                body,
                scope=document_scope(body),
            )
        )
    return docs


def _own_title(body: str) -> str:
    """The document's first line when it is its title ("……工作计划"), else ""."""
    first = body.split("\n", 1)[0]
    return first if len(first) <= 40 and re.search(r"(计划|总结|方案|报告)$", first) else ""


def title_for(body: str, name: str, kind: str) -> str:
    if first := _own_title(body):
        return first
    suffix = _KIND_SUFFIX.get(kind, kind)
    if name.endswith("工作") and suffix.startswith("工作"):
        suffix = suffix[2:]
    return name + suffix


def load_path(path: Path, outlines=None) -> list[CorpusDoc]:
    """Documents in one file: a corpus file as written, anything else cleaned and labelled."""
    text = read_file(path)
    if path.suffix == ".md" and has_front_matter(text):
        return [parse_corpus_text(text, path.stem)]
    docs = documents_from_text(text, source=path.name, stem=path.stem, outlines=outlines)
    if not any(d.body.strip() for d in docs):
        raise InputFileError(f"{path.name}：清洗后没有剩下可用的正文。")
    return docs


def write_corpus(docs: list[CorpusDoc], folder: Path) -> list[Path]:
    """Write documents as corpus files named by doc id."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in docs:
        path = folder / f"{doc.doc_id}.md"
        path.write_text(doc.render(), encoding="utf-8")
        paths.append(path)
    return paths
