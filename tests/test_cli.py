"""`python -m rag` as users run it: output, JSON, and one clear line for every bad input."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CORPUS, PYTHON, SEED_RAW, run_cli


@pytest.fixture
def env(tmp_path):
    return {"PLAN_DATA_DIR": str(tmp_path / "data"), "PLAN_EMBEDDING": "hash"}


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "corpus"
    target.mkdir()
    for name in ("xiaofang_02.md", "laoling_01.md"):
        shutil.copy(CORPUS / name, target / name)
    return target


def test_ingest_reports_counts_and_search_prints_json(env, folder):
    first = run_cli("ingest", str(folder), env=env)
    assert first.returncode == 0, first.stderr
    assert "文档：新增 2" in first.stdout
    assert "仅按关键词" in first.stderr  # lexical mode says so
    again = run_cli("ingest", str(folder), env=env)
    assert "未变 2" in again.stdout and "片段：新增 0" in again.stdout
    out = run_cli("search", "电动自行车集中充电", "-k", "3", "--json", env=env)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert 1 <= len(hits) <= 3
    for key in ("text", "score", "doc_id", "title", "topic", "kind", "section"):
        assert key in hits[0]
    assert hits[0]["doc_id"] == "xiaofang_02"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    filtered = json.loads(run_cli("search", "服务", "--topic", "老龄", "--json", env=env).stdout)
    assert filtered and {h["topic"] for h in filtered} == {"laoling"}


def test_clean_prints_simplified_text_of_a_gbk_file(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(SEED_RAW.read_text(encoding="utf-8").encode("gb18030"))
    out = run_cli("clean", str(page))
    assert out.returncode == 0, out.stderr
    assert "科学决策是确保执政、施政正确的前提和基础。" in out.stdout
    assert "(q" not in out.stdout


def test_topics_lists_every_plan_type():
    out = run_cli("topics")
    assert out.returncode == 0
    assert "shuangyong\t双拥工作" in out.stdout and len(out.stdout.splitlines()) >= 12


def _bad_inputs(tmp_path):
    rng_bytes = bytes((0xA4 + i * 7 % 0x22, 0xA1 + i * 13 % 0x5D)[i % 2] for i in range(400))
    files = {
        "empty.txt": b"",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "fake.docx": "一、指导思想".encode(),
        "unknown.txt": rng_bytes,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return [tmp_path / n for n in files] + [tmp_path / "missing.txt"]


def test_bad_inputs_get_one_clear_line_and_change_nothing(tmp_path, env, folder):
    assert run_cli("ingest", str(folder), env=env).returncode == 0
    before = json.loads(run_cli("search", "消防", "-k", "50", "--json", env=env).stdout)
    for path in _bad_inputs(tmp_path):
        for command in (["clean", str(path)], ["ingest", str(path)]):
            out = run_cli(*command, env=env)
            assert out.returncode != 0, (command, out.stdout)
            lines = [line for line in out.stderr.splitlines() if not line.startswith("提示")]
            assert len(lines) == 1 and lines[0].startswith("错误："), (command, out.stderr)
            assert "Traceback" not in out.stderr
    # A folder with a good and a bad file is refused whole.
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(CORPUS / "jindu_01.md", mixed / "jindu_01.md")
    (mixed / "bad.docx").write_bytes(b"nope")
    assert run_cli("ingest", str(mixed), env=env).returncode != 0
    after = json.loads(run_cli("search", "消防", "-k", "50", "--json", env=env).stdout)
    assert [h["id"] for h in after] == [h["id"] for h in before]
    assert all(h["topic"] != "jindu" for h in after)


def test_console_script_is_installed():
    exe = Path(PYTHON).parent / "plan-rag"
    assert exe.exists(), "make install puts the plan-rag console script in .venv/bin"
    out = subprocess.run([str(exe), "topics"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "jindu" in out.stdout
