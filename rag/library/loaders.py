"""Reading .txt/.md/.docx files into text, in any common Chinese encoding."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import charset_normalizer

from rag.errors import EncodingError, InputFileError
from rag.text.clean import strip_control, to_simplified
from rag.text.tokens import word_frequency, words

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx")
MAX_FILE_BYTES = 20 * 1024 * 1024
# A .docx is a zip: what it may unpack to before python-docx is let near it. A plan is a few
# hundred kB unpacked; Word's XML packs about 5-20 times, never a hundred.
MAX_DOCX_UNPACKED = 50 * 1024 * 1024
MAX_DOCX_PARTS = 1000
MAX_DOCX_RATIO = 100
_RATIO_FROM = 1024 * 1024  # parts smaller than this are not judged by their ratio
# How a broken zip shows itself: bad or truncated (BadZipFile, EOFError, ValueError), encrypted
# (RuntimeError), an unknown compression (NotImplementedError), a damaged stream (zlib.error).
_BROKEN_ZIP = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)
# Candidates when a file is not UTF-8. cp950 is Big5 as Windows writes it.
_LEGACY_CODECS = ("gb18030", "cp950")
_COMMON_WORD = 500  # jieba dictionary frequency of a "common" word
_MIN_PLAUSIBLE = 0.25
_MIN_MARGIN = 0.15


def plausibility(text: str) -> float:
    """Share of Chinese characters inside common dictionary words (real text ≈ 0.45–0.6).

    Mis-decoded bytes and random characters almost never form frequent words, even when
    every single character is a common one.
    """
    simplified = to_simplified(text)
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in simplified)
    if not han:
        return 0.0
    covered = sum(
        len(w) for w in words(simplified) if len(w) > 1 and word_frequency(w) >= _COMMON_WORD
    )
    return covered / han


def decode_bytes(data: bytes, name: str = "文件") -> str:
    """Decode bytes: strict UTF-8 (BOM or not) first, else GB18030 vs Big5 by content."""
    if not data.strip():
        raise InputFileError(f"{name}是空文件，没有可读取的内容。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise EncodingError(f"{name}的 UTF-16 编码已损坏，请另存为 UTF-8 后重试。") from e
    if b"\x00" in data:
        raise InputFileError(f"{name}不是文本文件（含二进制内容），请上传 .txt、.md 或 .docx。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    decoded: dict[str, str] = {}
    for codec in _LEGACY_CODECS:
        try:
            decoded[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    scored = sorted(((plausibility(t), c) for c, t in decoded.items()), reverse=True)
    if scored and scored[0][0] >= _MIN_PLAUSIBLE:
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if scored[0][0] - runner_up >= _MIN_MARGIN:
            return decoded[scored[0][1]]
        # Both readings look like text: let charset-normalizer's coherence measure decide,
        # but only when it clearly prefers one of our two candidates.
        guess = charset_normalizer.from_bytes(data, cp_isolation=list(decoded)).best()
        if guess is not None and guess.encoding in {"gb18030", "cp950", "big5"}:
            return decoded["cp950" if guess.encoding in {"big5", "cp950"} else "gb18030"]
    raise EncodingError(
        f"无法确定{name}的文字编码（不是 UTF-8，也无法可靠判断为 GBK/GB18030 或 Big5）。"
        "请用记事本或 WPS 将文件另存为 UTF-8 编码后重试。"
    )


def _broken_docx(name: str) -> InputFileError:
    return InputFileError(
        f"{name}已损坏、加密或不是 Word 文档，无法读取：请用 Word 或 WPS 打开后另存为 .docx 再上传。"
    )


def _check_zip(data: bytes, name: str = "文件") -> None:
    """Refuse a .docx whose zip would unpack to too much (a zip bomb), from its directory alone:
    nothing is unpacked. (Python's zipfile never unpacks a part past its stated size.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except _BROKEN_ZIP as e:
        raise _broken_docx(name) from e
    if len(parts) > MAX_DOCX_PARTS:
        raise InputFileError(f"{name}包含 {len(parts)} 个部件（Word 文档通常只有几十个），未读取。")
    if sum(p.file_size for p in parts) > MAX_DOCX_UNPACKED:
        raise InputFileError(
            f"{name}解压后超过 {MAX_DOCX_UNPACKED // 1024 // 1024} MB，不像一份工作计划，未读取。"
        )
    if any(
        p.file_size > _RATIO_FROM and p.file_size > MAX_DOCX_RATIO * max(p.compress_size, 1)
        for p in parts
    ):
        raise InputFileError(
            f"{name}的压缩比异常（有部件解压后超过压缩时的 {MAX_DOCX_RATIO} 倍），"
            "可能是恶意构造的文件，未读取。"
        )


def check_zip(data: bytes, name: str = "文件") -> None:
    """The zip-bomb guard of a .docx, for any Office file (a .xlsx table)."""
    _check_zip(data, name)


def open_docx(data: bytes, name: str = "文件"):
    """A python-docx Document of checked bytes: the PK signature and the zip first."""
    if not data.startswith(b"PK\x03\x04"):
        raise _broken_docx(name)
    _check_zip(data, name)
    import docx
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    try:
        return docx.Document(io.BytesIO(data))
    except (*_BROKEN_ZIP, KeyError, OpcError, LxmlError) as e:
        raise _broken_docx(name) from e


def read_docx_bytes(data: bytes, name: str = "文件") -> str:
    """Paragraph and table text of a .docx, one paragraph per line; its zip is checked first."""
    document = open_docx(data, name)
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    try:
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    except (*_BROKEN_ZIP, KeyError, OpcError, LxmlError) as e:
        raise _broken_docx(name) from e
    text = "\n".join(lines)
    if not text.strip():
        raise InputFileError(f"{name}中没有文字内容。")
    return text


def check_size(data: bytes, filename: str) -> str:
    """The quoted file name of a file of a supported type and size; InputFileError otherwise."""
    suffix = Path(filename).suffix.lower()
    name = f"“{Path(filename).name}”"
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputFileError(f"不支持{name}的文件类型，请使用 .txt、.md 或 .docx。")
    if len(data) > MAX_FILE_BYTES:
        raise InputFileError(f"{name}太大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB）。")
    return name


def read_bytes(data: bytes, filename: str) -> str:
    """Text of an uploaded or read file, chosen by its extension."""
    name = check_size(data, filename)
    if Path(filename).suffix.lower() == ".docx":
        return strip_control(read_docx_bytes(data, name))
    return strip_control(decode_bytes(data, name))


def read_file(path: str | Path) -> str:
    """Text of a .txt/.md/.docx file on disk."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"找不到文件：{path}")
    if not path.is_file():
        raise InputFileError(f"不是文件：{path}")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputFileError(f"无法读取文件 {path}：{e.strerror}") from e
    return read_bytes(data, path.name)
