"""The user's own samples: check an upload, clean and label it for review, write it as a corpus
file under the data folder; list them. Indexing an upload is rag.index.ingest's.

With accounts, an upload is private to its owner (its file header says whose it is) until an
administrator shares it: it is then written again with no owner, under the id its text alone
gives (rag.index.ingest.share_upload)."""

from __future__ import annotations

import hashlib
import re
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path

from rag.errors import InputFileError, PlanError
from rag.library.classify import classify_kind, classify_topic
from rag.library.corpus import KINDS, CorpusDoc, parse_corpus_text, title_for
from rag.library.importing import RawImport, import_raw
from rag.library.loaders import read_bytes
from rag.library.structure import COMMUNITY, document_scope
from rag.plan.outlines import load_outlines
from rag.text.clean import clean_text

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MIN_CHARS = 80
UPLOAD_PREFIX = "upload_"
_UPLOAD_ID = re.compile(rf"{UPLOAD_PREFIX}[0-9a-f]{{12}}")


@dataclass
class UploadPreview:
    """A cleaned upload with suggested labels, shown to the user before saving."""

    filename: str
    text: str
    title: str
    kind: str
    topic: str
    scope: str = COMMUNITY  # 社区, or whose document it is (kept out of drafting)
    found: RawImport | None = None  # the cleaning's record: what was removed, documents


def upload_dir(settings) -> Path:
    return Path(settings.data_dir) / "uploads"


def preview_upload(data: bytes, filename: str) -> UploadPreview:
    """Server-side checks (extension, size, content), then cleaning and suggested labels."""
    check_upload(data, filename)
    found = import_raw(read_bytes(data, filename), filename)
    text = enough_text(found.page.text, filename)
    outlines = load_outlines()
    kind = classify_kind(text)
    topic = classify_topic(text, outlines)
    name = outlines[topic].name if topic in outlines else "社区工作"
    title = title_for(text, name, kind)
    return UploadPreview(filename, text, title, kind, topic, document_scope(text), found)


def pasted_previews(found: RawImport) -> list[UploadPreview]:
    """The documents found in a pasted page, each ready for review like an upload."""
    return [
        UploadPreview("粘贴文本", d.doc.body, d.doc.title, d.doc.kind, d.doc.topic, d.doc.scope)
        for d in found.documents
    ]


def check_upload(data: bytes, filename: str, what: str = "范文") -> None:
    """An uploaded file's size, before anything reads it; `what` the file is for names it."""
    if not data:
        raise InputFileError(f"“{filename}”是空文件。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputFileError(
            f"“{filename}”太大（{len(data) / 1024 / 1024:.1f} MB），{what}上传不超过 "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB。"
        )


def enough_text(text: str, filename: str, what: str = "范文") -> str:
    if len(text) < MIN_CHARS:
        raise InputFileError(f"“{filename}”清洗后只剩 {len(text)} 个字，不足以作为{what}。")
    return text


def uploaded_text(data: bytes, filename: str, what: str = "范文") -> str:
    """The cleaned text of an uploaded file after the server-side checks (extension, size,
    encoding, the .docx zip, enough text); `what` the file is for names it in the messages."""
    check_upload(data, filename, what)
    return enough_text(clean_text(read_bytes(data, filename)), filename, what)


def upload_document(preview: UploadPreview, owner: str = "") -> CorpusDoc:
    """The reviewed upload as a corpus document, private to `owner` ("": shared), its id
    derived from its text and owner (two users' copies of one text are two uploads)."""
    if preview.kind not in KINDS:
        raise InputFileError(f"文种应为：{'、'.join(KINDS)}。")
    if preview.topic not in load_outlines():
        raise InputFileError("请选择计划类型。")
    title = preview.title.strip() or "上传范文"
    body = clean_text(preview.text)
    if len(body) < MIN_CHARS:
        raise InputFileError(f"正文只有 {len(body)} 个字，不足以作为范文。")
    doc = CorpusDoc(
        "",
        title[:60],
        preview.kind,
        preview.topic,
        f"上传：{preview.filename}",
        body,
        scope=preview.scope,
        owner=owner,
    )
    return replace(doc, doc_id=_upload_id(doc))


def _upload_id(doc: CorpusDoc) -> str:
    key = doc.body if not doc.owner else f"{doc.owner}\n{doc.body}"
    return f"{UPLOAD_PREFIX}{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


def shared_document(doc: CorpusDoc) -> CorpusDoc:
    """The same sample in the shared library (no owner; the id of its text alone)."""
    shared = replace(doc, owner="")
    return replace(shared, doc_id=_upload_id(shared))


def write_upload(doc: CorpusDoc, settings) -> Path:
    """Write an upload's document as a corpus file; returns its path."""
    path = upload_path(doc.doc_id, settings)
    partial = path.with_name(f"{path.name}.part")  # never listed: a whole file or none
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(doc.render(), encoding="utf-8")
        partial.replace(path)
    except OSError as e:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise PlanError(
            f"范文没有保存：上传文件夹无法写入（{e.strerror or type(e).__name__}）。"
            "请管理员检查数据目录的写入权限和磁盘空间。"
        ) from e
    return path


@dataclass(frozen=True)
class UnreadableUpload:
    """A file in the uploads folder that cannot be read as a sample (gone, unreadable, not
    UTF-8, a broken header): listed with what is wrong, so that it can still be deleted."""

    doc_id: str
    problem: str

    @property
    def title(self) -> str:
        return self.doc_id


def list_uploads(settings, owner: str | None = None) -> list[CorpusDoc | UnreadableUpload]:
    """The saved uploads, newest first; a file that cannot be read is listed as unreadable.
    With an owner: only that owner's own (no unreadable ones: whose they are is unknown)."""
    folder = upload_dir(settings)
    if not folder.exists():
        return []
    paths = sorted(folder.glob(f"{UPLOAD_PREFIX}*.md"), key=lambda p: -_mtime(p))
    docs = [_read_upload(p) for p in paths if _UPLOAD_ID.fullmatch(p.stem)]
    if owner is None:
        return docs
    return [d for d in docs if isinstance(d, CorpusDoc) and d.owner == owner]


def read_upload(doc_id: str, settings, owner: str | None = None) -> CorpusDoc:
    """One saved upload; with an owner, only one of that owner's own (else not found)."""
    doc = _read_upload(upload_path(doc_id, settings))
    if isinstance(doc, UnreadableUpload) or (owner is not None and doc.owner != owner):
        raise InputFileError("找不到这份上传的范文：它可能已被删除，或不是您上传的。")
    return doc


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # gone since the folder was listed: read (and reported) like the others
        return 0.0


def _read_upload(path: Path) -> CorpusDoc | UnreadableUpload:
    try:
        return parse_corpus_text(path.read_text(encoding="utf-8"), path.stem)
    except FileNotFoundError:
        problem = "文件已不在上传文件夹中（可能已被移走或删除）。"
    except UnicodeDecodeError:
        problem = "文件不是 UTF-8 编码的文本，可能已损坏。"
    except OSError as e:
        problem = f"文件无法读取（{e.strerror or type(e).__name__}），请检查文件的读取权限。"
    except InputFileError as e:
        problem = f"文件内容已损坏：{e}"
    return UnreadableUpload(path.stem, problem)


def upload_path(doc_id: str, settings) -> Path:
    """The file of an upload; anything but an upload's own id is refused (no path tricks)."""
    if not _UPLOAD_ID.fullmatch(doc_id):
        raise InputFileError("只能删除上传的范文。")
    return upload_dir(settings) / f"{doc_id}.md"
