"""Reading files in every encoding users have, and refusing what cannot be read."""

import io
import random

import docx
import pytest

from rag.errors import EncodingError, InputFileError
from rag.library.loaders import decode_bytes, read_bytes, read_file

# Traditional text that Big5 can encode, as users paste it from Taiwanese or Hong Kong sites.
TRADITIONAL = (
    "為進一步加強軍民團結，社區將在春節期間走訪慰問轄區內的軍烈屬和退役軍人，幫助解決實際困難。"
)
SIMPLIFIED = (
    "为进一步加强军民团结，社区将在春节期间走访慰问辖区内的军烈属和退役军人，帮助解决实际困难。"
)


@pytest.mark.parametrize("text", [TRADITIONAL, SIMPLIFIED])
def test_same_text_in_every_encoding_reads_identically(text):
    encodings = {
        "utf-8": text.encode("utf-8"),
        "utf-8-bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "gb18030": text.encode("gb18030"),
        "utf-16": text.encode("utf-16"),
    }
    if text == TRADITIONAL:
        encodings["big5"] = text.encode("big5")
    else:
        encodings["gbk"] = text.encode("gbk")
    for name, data in encodings.items():
        assert decode_bytes(data) == text, name


def test_big5_and_gb18030_are_told_apart_although_both_decode():
    big5 = TRADITIONAL.encode("big5")
    gb = SIMPLIFIED.encode("gb18030")
    # The trap: each decodes without error under the other codec.
    big5.decode("gb18030")
    assert decode_bytes(big5) == TRADITIONAL
    assert decode_bytes(gb) == SIMPLIFIED


def test_undecidable_bytes_are_refused_with_a_message():
    rng = random.Random(7)
    # Valid double-byte sequences in both GB18030 and Big5, but no real text in either.
    data = bytes(b for _ in range(200) for b in (rng.randint(0xA4, 0xC6), rng.randint(0xA1, 0xFE)))
    data.decode("gb18030")
    data.decode("cp950")
    with pytest.raises(EncodingError, match="UTF-8"):
        decode_bytes(data)


def test_empty_binary_and_unknown_files_are_refused(tmp_path):
    with pytest.raises(InputFileError, match="空文件"):
        read_bytes(b"  \n", "a.txt")
    with pytest.raises(InputFileError, match="二进制"):
        read_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "a.txt")
    with pytest.raises(InputFileError, match="不支持"):
        read_bytes(b"hello", "a.pdf")
    with pytest.raises(InputFileError, match="找不到"):
        read_file(tmp_path / "missing.txt")


def test_docx_is_read_and_a_fake_docx_refused():
    document = docx.Document()
    document.add_paragraph("一、指导思想")
    document.add_paragraph("以服务居民为中心，做好双拥工作。")
    buffer = io.BytesIO()
    document.save(buffer)
    assert (
        read_bytes(buffer.getvalue(), "plan.docx")
        == "一、指导思想\n以服务居民为中心，做好双拥工作。"
    )
    with pytest.raises(InputFileError, match="不是 Word 文档"):
        read_bytes("一、指导思想".encode(), "plan.docx")
    with pytest.raises(InputFileError, match="损坏"):
        read_bytes(b"PK\x03\x04" + b"\x00" * 100, "plan.docx")
