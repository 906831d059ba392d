"""A .docx is a zip from a stranger: its unpacked size is checked before python-docx reads it,
and every way it can be broken gives the same clear message."""

from __future__ import annotations

import io
import struct
import zipfile

import docx
import pytest

from rag.errors import InputFileError
from rag.library.loaders import read_bytes
from rag.library.uploads import MAX_UPLOAD_BYTES, preview_upload

DOCUMENT = "word/document.xml"
BROKEN = "“plan.docx”已损坏、加密或不是 Word 文档，无法读取：请用 Word 或 WPS 打开后另存为 .docx 再上传。"


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PLAN = docx_bytes("一、指导思想", "以服务居民为中心，做好双拥工作。")


def rezip(data: bytes, write_document=None, drop: str | None = None) -> bytes:
    """The .docx's parts in a new zip; write_document(zip, info) writes document.xml instead."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename == drop:
                continue
            if info.filename == DOCUMENT and write_document:
                write_document(dst, info, src.read(info))
            else:
                dst.writestr(info, src.read(info))
    return out.getvalue()


def padded(megabytes: int):
    """A document.xml that stays valid but unpacks to `megabytes` MB of spaces (written in
    pieces: the test never holds it whole)."""

    def write(dst: zipfile.ZipFile, info: zipfile.ZipInfo, xml: bytes) -> None:
        head, tail = xml.split(b"<w:body>")
        with dst.open(info.filename, "w") as f:
            f.write(head + b"<w:body>")
            for _ in range(megabytes):
                f.write(b" " * (1 << 20))
            f.write(tail)

    return write


def central_entry(data: bytes, name: str) -> int:
    """The offset of a member's central directory entry."""
    at = data.index(b"PK\x05\x06")
    offset = struct.unpack("<I", data[at + 16 : at + 20])[0]
    while data[offset : offset + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[offset + 28 : offset + 34])
        if data[offset + 46 : offset + 46 + name_len].decode() == name:
            return offset
        offset += 46 + name_len + extra_len + comment_len
    raise KeyError(name)


def patched(data: bytes, offset: int, value: bytes) -> bytes:
    return data[:offset] + value + data[offset + len(value) :]


def encrypted(data: bytes) -> bytes:
    """document.xml flagged as encrypted (general purpose bit 0) in the central directory."""
    entry = central_entry(data, DOCUMENT)
    flags = struct.unpack("<H", data[entry + 8 : entry + 10])[0]
    return patched(data, entry + 8, struct.pack("<H", flags | 1))


def bad_crc(data: bytes) -> bytes:
    entry = central_entry(data, DOCUMENT)
    return patched(data, entry + 16, b"\x00\x00\x00\x00")


def bad_deflate(data: bytes) -> bytes:
    """document.xml's compressed stream starting with a reserved block type (a zlib error)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(DOCUMENT)
    header = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[header + 26 : header + 30])
    return patched(data, header + 30 + name_len + extra_len, b"\x07")


def not_word(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("notes.txt", "一、指导思想")
    return out.getvalue()


def bad_xml(data: bytes) -> bytes:
    return rezip(data, lambda dst, info, xml: dst.writestr(info, xml[: len(xml) // 2]))


@pytest.fixture
def no_parsing(monkeypatch):
    """python-docx must not be reached."""

    def refuse(*args, **kwargs):
        raise AssertionError("python-docx was asked to parse the file")

    monkeypatch.setattr(docx, "Document", refuse)


def test_a_zip_bomb_is_refused_before_python_docx_reads_it(no_parsing):
    bomb = rezip(PLAN, padded(200))
    assert len(bomb) < MAX_UPLOAD_BYTES // 10  # a small upload …
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:  # … that unpacks to 200 MB
        assert z.getinfo(DOCUMENT).file_size > 200 * 1024 * 1024
    with pytest.raises(InputFileError, match="解压后") as refused:
        preview_upload(bomb, "plan.docx")
    assert "plan.docx" in str(refused.value)


def test_a_highly_compressed_part_is_refused_even_under_the_size_limit(no_parsing):
    with pytest.raises(InputFileError, match="压缩比"):
        read_bytes(rezip(PLAN, padded(12)), "plan.docx")


def test_too_many_parts_are_refused(no_parsing):
    def many(dst, info, xml):
        dst.writestr(info, xml)
        for n in range(2000):
            dst.writestr(f"word/media/x{n}.bin", b"")

    with pytest.raises(InputFileError, match="部件"):
        read_bytes(rezip(PLAN, many), "plan.docx")


@pytest.mark.parametrize(
    "breakage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: b"PK\x03\x04" + b"\x00" * 100,
        not_word,
        lambda data: rezip(data, drop=DOCUMENT),
        bad_xml,
        encrypted,
        bad_crc,
        bad_deflate,
    ],
    ids=[
        "truncated",
        "not-a-zip",
        "not-word",
        "no-document",
        "bad-xml",
        "encrypted",
        "crc",
        "zlib",
    ],
)
def test_every_broken_docx_gets_the_same_clear_message(breakage):
    with pytest.raises(InputFileError) as refused:
        read_bytes(breakage(PLAN), "plan.docx")
    assert str(refused.value) == BROKEN


def test_a_sound_docx_is_still_read():
    assert read_bytes(PLAN, "plan.docx") == "一、指导思想\n以服务居民为中心，做好双拥工作。"
