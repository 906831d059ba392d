"""`python -m rag import-edited` as users run it: a saved draft, its export edited in Word, the
changes listed, accepted with --accept all, and bad files refused with one Chinese line."""

from __future__ import annotations

import json

import pytest

from rag.plan.draft import Draft
from tests import word_edits as word
from tests.conftest import run_cli
from tests.test_roundtrip import INSERTED, NEW_TITLE, Edits, drafted  # noqa: F401 (a fixture)


@pytest.fixture
def saved(drafted, tmp_path):  # noqa: F811
    data = dict(drafted)
    data["sections"] = [dict(s) for s in drafted["sections"]]
    data["sections"][3]["locked"] = True  # 四、时间安排, locked in the app
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _edited(saved, tmp_path) -> tuple:
    out = tmp_path / "计划.docx"
    done = run_cli("export", str(saved), "--out", str(out))
    assert done.returncode == 0, done.stderr
    draft = Draft.from_dict(json.loads(saved.read_text(encoding="utf-8")))
    assert len(draft.exports) == 1 and draft.exports[0]["format"] == "docx"  # recorded
    edits = Edits.of(draft)
    doc = word.load(out.read_bytes())
    word.replace(doc, draft.title, NEW_TITLE)
    word.replace(doc, edits.old, edits.new)
    word.add_after(doc, edits.last_item, edits.added)
    word.track_insert(doc, edits.before, INSERTED)
    edited = tmp_path / "计划（改）.docx"
    edited.write_bytes(word.save(doc))
    return edited, edits


def test_changes_are_listed_and_nothing_is_accepted_by_default(saved, tmp_path):
    edited, edits = _edited(saved, tmp_path)
    before = saved.read_text(encoding="utf-8")
    done = run_cli("import-edited", str(saved), str(edited))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "据文件中的导出标记" in out
    assert f"[标题] 阳光社区2027年消防安全工作计划 → {NEW_TITLE}" in out
    assert "[二、工作目标] 修改 1 句" in out
    assert edits.new in out.split("[二、工作目标]")[1].split("[三、")[0]
    assert "[三、主要任务] 新增 2 句" in out and f"  + {edits.added.split('。')[0]}。" in out
    assert "[四、时间安排] 修改 1 句（已锁定，不会改动）" in out
    assert "指导思想" not in out and "保障措施" not in out  # not changed in the file
    assert saved.read_text(encoding="utf-8") == before


def test_accept_all_prints_the_draft_with_new_versions(saved, tmp_path, drafted):  # noqa: F811
    edited, edits = _edited(saved, tmp_path)
    done = run_cli("import-edited", str(saved), str(edited), "--accept", "all", "--json")
    assert done.returncode == 0, done.stderr
    assert "已接受：标题、二、工作目标、三、主要任务" in done.stderr
    assert "已锁定，未改动：四、时间安排" in done.stderr
    data = json.loads(done.stdout)
    assert data["title"] == NEW_TITLE
    sections = data["sections"]
    for i in (1, 2):
        current = sections[i]["versions"][sections[i]["current"]]
        assert current["origin"] == "import" and current["file"] == "计划（改）.docx"
        assert sections[i]["text"] == current["text"]
    assert INSERTED not in sections[3]["text"]  # locked
    assert edits.new in sections[1]["text"] and edits.added in sections[2]["text"]
    for i in (0, 3, 4):
        assert sections[i]["versions"] == drafted["sections"][i]["versions"]
    assert ("三、主要任务", "占位符") in {(f["section"], f["kind"]) for f in data["findings"]}


def test_bad_files_get_one_chinese_line(saved, tmp_path):
    before = saved.read_text(encoding="utf-8")
    files = {
        "随笔.txt": "今天天气很好。".encode(),
        "坏的.docx": b"PK\x03\x04broken",
        "大.docx": b"PK\x03\x04" + bytes(50 * 1024 * 1024),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    for name in [*files, "没有.docx"]:
        done = run_cli("import-edited", str(saved), str(tmp_path / name), "--accept", "all")
        assert done.returncode == 2 and done.stdout == ""
        [line] = done.stderr.strip().splitlines()
        assert line.startswith("错误：") and "Traceback" not in done.stderr
    done = run_cli("import-edited", str(tmp_path / "随笔.txt"), str(tmp_path / "随笔.txt"))
    assert done.returncode == 2 and "不是 draft --json 输出的草稿文件" in done.stderr
    assert saved.read_text(encoding="utf-8") == before
