"""Export: the .docx checked in its XML (GB/T 9704 layout, East Asian fonts on every run),
read back, and rendered by LibreOffice; Markdown, plain text and safe file names."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from io import BytesIO

import pytest
from docx import Document

from rag.drafting import service
from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import draft_sections, new_draft
from rag.export.docx import GB2312_FONTS, PLAIN_FONTS, to_docx
from rag.export.files import render, safe_filename
from rag.export.text import to_markdown, to_text
from rag.plan.draft import Draft
from rag.plan.profile import make_profile
from tests.conftest import run_cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HAN = re.compile(r"[\u4e00-\u9fff]")
PROFILE = {
    "community": "阳光社区",
    "parent": "杭州市西湖区北山街道",
    "year": 2027,
    "topic": "消防",
    "households": 2860,
    "facts": {"微型消防站": 2},
    "date": "2027年1月8日",
}


@pytest.fixture(scope="module")
def draft(hash_index) -> Draft:
    _, _, retriever = hash_index
    writer = Composer()
    d = new_draft(make_profile(PROFILE), writer)
    return draft_sections(d, retriever=retriever, writer=writer)


def parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def xml(data: bytes, name: str):
    from lxml import etree

    with zipfile.ZipFile(BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def run_text(r) -> str:
    return "".join(t.text or "" for t in r.iter(f"{W}t"))


def east_asia(r) -> str | None:
    fonts = r.find(f"{W}rPr/{W}rFonts")
    return None if fonts is None else fonts.get(f"{W}eastAsia")


def test_page_size_and_margins(draft):
    sect = xml(to_docx(draft), "word/document.xml").find(f"{W}body/{W}sectPr")
    size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4
    # 37, 35, 28, 26 mm in twips
    assert [margins.get(f"{W}{k}") for k in ("top", "bottom", "left", "right")] == [
        "2098",
        "1984",
        "1587",
        "1474",
    ]


def test_every_chinese_run_has_its_east_asian_font_and_no_theme_fonts_remain(draft):
    data = to_docx(draft)
    for name, text in parts(data).items():
        assert "eastAsiaTheme" not in text and "asciiTheme" not in text, name
    body = xml(data, "word/document.xml").find(f"{W}body")
    paragraphs = body.findall(f"{W}p")
    texts = ["".join(run_text(r) for r in p.iter(f"{W}r")) for p in paragraphs]
    fonts_by_text: dict[str, set[str]] = {}
    for p, text in zip(paragraphs, texts, strict=True):
        for r in p.iter(f"{W}r"):
            if HAN.search(run_text(r)):
                font = east_asia(r)
                assert font, run_text(r)
                fonts = r.find(f"{W}rPr/{W}rFonts")
                # digits and Latin letters in the same font as the Chinese around them
                assert fonts.get(f"{W}ascii") == fonts.get(f"{W}hAnsi") == font
                fonts_by_text.setdefault(text, set()).add(font)
    assert fonts_by_text[draft.title] == {GB2312_FONTS.title}
    for head in draft.headings():
        assert fonts_by_text[head] == {GB2312_FONTS.heading1}, head
    item = next(t for t in texts if t.startswith("（一）"))
    assert fonts_by_text[item] >= {GB2312_FONTS.heading2}
    plain_lines = [t for t in texts if t and not re.match(r"[（一二三四五六七八九十]", t)]
    for text in plain_lines[1:]:
        assert fonts_by_text[text] == {GB2312_FONTS.body}, text
    styles = parts(data)["word/styles.xml"]
    assert 'w:eastAsia="zh-CN"' in styles
    assert f'w:eastAsia="{GB2312_FONTS.body}"' in styles


def test_body_paragraphs_have_exact_28pt_lines_and_a_two_character_indent(draft):
    body = xml(to_docx(draft), "word/document.xml").find(f"{W}body")
    body_paras = [
        p for p in body.findall(f"{W}p") if "".join(run_text(r) for r in p.iter(f"{W}r"))
    ][1:-2]  # the title and the 落款 lines have their own layout
    assert len(body_paras) > 20
    for p in body_paras:
        spacing = p.find(f"{W}pPr/{W}spacing")
        assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("560", "exact")
        ind = p.find(f"{W}pPr/{W}ind")
        assert ind.get(f"{W}firstLineChars") == "200" and ind.get(f"{W}firstLine") == "640"
        for r in p.iter(f"{W}r"):
            assert r.find(f"{W}rPr/{W}sz").get(f"{W}val") == "32"  # 16 pt
    last = body.findall(f"{W}p")[-1]
    assert last.find(f"{W}pPr/{W}jc").get(f"{W}val") == "right"


def test_footer_has_a_page_field_between_dashes(draft):
    data = to_docx(draft)
    footers = [n for n in parts(data) if n.startswith("word/footer")]
    assert len(footers) == 2  # odd pages right, even pages left
    for name in footers:
        root = xml(data, name)
        instr = "".join(t.text for t in root.iter(f"{W}instrText"))
        assert instr.strip() == "PAGE"
        text = "".join(t.text or "" for t in root.iter(f"{W}t"))
        assert text.startswith("— ") and text.endswith(" —")
        for r in root.iter(f"{W}r"):
            assert east_asia(r) == GB2312_FONTS.page_number
            assert r.find(f"{W}rPr/{W}sz").get(f"{W}val") == "28"  # 14 pt
    assert "<w:evenAndOddHeaders/>" in parts(data)["word/settings.xml"]


def test_fonts_are_configurable(draft):
    data = to_docx(draft, PLAIN_FONTS)
    document = parts(data)["word/document.xml"]
    assert 'w:eastAsia="仿宋"' in document and 'w:eastAsia="楷体"' in document
    assert "GB2312" not in document


def test_docx_reads_back_as_the_markdown_text(draft):
    document = Document(BytesIO(to_docx(draft)))
    from_docx = [p.text for p in document.paragraphs if p.text.strip()]
    from_md = [re.sub(r"^#+ ", "", line) for line in to_markdown(draft).split("\n") if line.strip()]
    assert from_docx == from_md


def test_markdown_and_text_keep_headings_numbering_and_utf8(draft):
    md = to_markdown(draft)
    assert md.startswith(f"# {draft.title}\n\n{draft.preamble}\n")
    for head in draft.headings():
        assert f"\n## {head}\n" in md
    assert "（一）" in md and md.rstrip().endswith("2027年1月8日")
    txt = to_text(draft)
    assert txt.split("\n")[0] == draft.title and "#" not in txt
    assert render(draft, ".txt", bom=True).startswith("\ufeff".encode())
    assert render(draft, ".txt").decode("utf-8") == txt


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("阳光社区2027年双拥工作计划", "阳光社区2027年双拥工作计划.docx"),
        ("../../etc/passwd", "_etc_passwd.docx"),
        ('a<b>:"c"|d?*\x00e\n', "a_b_c_d_e.docx"),
        ("CON", "_CON.docx"),
        ("  ...  ", "工作计划.docx"),
    ],
)
def test_safe_filenames(title, name):
    assert safe_filename(title, ".docx") == name


def test_long_titles_are_cut_to_a_safe_length():
    name = safe_filename("很长的标题" * 100, ".docx")
    assert len(name.encode("utf-8")) <= 200 and name.endswith(".docx")


def test_cli_exports_a_saved_draft(draft, tmp_path):
    saved = tmp_path / "draft.json"
    saved.write_text(json.dumps(draft.to_dict(), ensure_ascii=False), encoding="utf-8")
    for suffix in (".docx", ".md", ".txt"):
        out = tmp_path / f"plan{suffix}"
        done = run_cli("export", str(saved), "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 1000
        # the page's download warnings, in the same words
        warnings = service.download_warnings(draft, service.findings(draft))
        assert warnings and all(w in done.stderr for w in warnings)
    assert Document(str(tmp_path / "plan.docx")).paragraphs[0].text == draft.title
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    done = run_cli("export", str(bad), "--out", str(tmp_path / "x.docx"))
    assert done.returncode == 2 and "不是 draft --json 输出的草稿文件" in done.stderr


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_the_docx_with_every_heading(draft, tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(to_docx(draft))
    profile_dir = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile_dir}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "plan.pdf"
    assert pdf.exists(), done.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    chars = len(re.sub(r"\s", "", to_text(draft)))
    # 22 lines of 28 characters: about 500 characters of text a page at most
    assert chars / 616 <= pages <= chars / 250 + 2, (pages, chars)
    text = re.sub(
        r"\s",
        "",
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout,
    )
    assert draft.title in text
    for head in draft.headings():
        assert head in text, head


def test_control_characters_in_a_saved_draft_do_not_break_the_word_file(draft):
    """Older drafts may hold them: the export drops them rather than fail."""
    from dataclasses import replace

    from rag.plan.draft import Version

    broken = replace(
        draft, title=draft.title + "\x02", sections=[replace(s) for s in draft.sections]
    )
    broken.sections[0].versions = [Version("（一）加强\x01组织\x1b领导。\x00", "edit")]
    broken.sections[0].current = 0
    paragraphs = [p.text for p in Document(BytesIO(to_docx(broken))).paragraphs]
    assert paragraphs[0] == draft.title
    assert "（一）加强组织领导。" in paragraphs


@pytest.mark.parametrize("suffix", [".docx", ".md", ".txt"])
def test_a_section_cut_off_mid_stream_is_marked_in_every_export(draft, suffix):
    from dataclasses import replace

    from rag.plan.draft import Version

    cut = replace(draft, sections=[replace(s) for s in draft.sections])
    cut.sections[2].versions = [
        Version("（一）按月推进各项任务，做到有", "model", complete=False, error="中断")
    ]
    cut.sections[2].current = 0
    data = render(cut, suffix)
    if suffix == ".docx":
        lines = [p.text for p in Document(BytesIO(data)).paragraphs]
    else:
        lines = data.decode("utf-8").split("\n")
    start = lines.index(next(x for x in lines if x.endswith(cut.headings()[2])))
    end = lines.index(next(x for x in lines if x.endswith(cut.headings()[3])))
    section = [x for x in lines[start + 1 : end] if x]
    assert section[0] == "（一）按月推进各项任务，做到有"
    assert section[-1].startswith("【本节未完成")
    assert sum("【本节未完成" in x for x in lines) == 1  # the complete sections are not marked
