"""`python -m rag draft` as users run it: offline by default, a model when configured."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli, small_corpus

PROFILE = {
    "community": "阳光社区",
    "parent": "杭州市西湖区北山街道",
    "year": 2027,
    "topic": "双拥",
    "community_type": "老城区",
    "households": 2860,
    "facts": {"退役军人": 126},
    "priorities": ["退役军人服务站规范化建设"],
    "date": "2027年1月8日",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """A small library indexed by the CLI itself (hash embeddings)."""
    root = tmp_path_factory.mktemp("cli_library")
    corpus = small_corpus(
        root / "corpus",
        (
            "shuangyong_0*.md",
            "shuangyong_9*.md",
        ),
    )
    env = {"PLAN_DATA_DIR": str(root / "data"), "PLAN_EMBEDDING": "hash"}
    done = run_cli("ingest", str(corpus), env=env)
    assert done.returncode == 0, done.stderr
    return env


def write_profile(tmp_path, **change) -> str:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({**PROFILE, **change}, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_offline_draft_as_json(library, tmp_path):
    done = run_cli("draft", "--profile", write_profile(tmp_path), "--json", env=library)
    assert done.returncode == 0, done.stderr
    assert "未配置模型" in done.stderr and "离线组合" in done.stderr
    data = json.loads(done.stdout)
    assert data["title"] == "阳光社区2027年双拥工作计划"
    assert [s["heading"] for s in data["sections"]] == [
        "一、指导思想",
        "二、工作目标",
        "三、主要任务和具体措施",
        "四、时间安排",
        "五、保障措施",
    ]
    for section in data["sections"]:
        current = section["versions"][section["current"]]
        assert section["text"] == current["text"] and current["text"]
        assert section["passages"] == current["given"]
        # the sentences, in order, make up the text, each with its source
        assert "".join(x["text"] for x in section["sentences"]) == section["text"]
        assert all(x["source"]["kind"] for x in section["sentences"])
        named = {x["source"].get("chunk_id") for x in section["sentences"]} - {None}
        assert {p["id"] for p in section["passages"]} == named
        if section["role"] != "安排":
            assert all(p["doc_id"].startswith("shuangyong_") for p in section["passages"])
            assert all(p["title"] for p in section["passages"])
    # only marks for the user to confirm: sample figures and what is left to fill in
    assert {f["kind"] for f in data["findings"]} <= {"范文数字", "社区条件", "待补充"}
    assert data["profile"]["community_type"] == "老城区"
    assert data["author"] == "阳光社区居民委员会" and data["date"] == "2027年1月8日"


def test_the_cli_warns_of_marks_to_confirm_as_the_page_does(library, tmp_path):
    from rag.plan.draft import Draft
    from rag.review.checks import Finding, marks_warning

    # no 落款日期 and a fact the samples do not give: marks the page would warn about
    done = run_cli("draft", "--profile", write_profile(tmp_path, date=""), "--json", env=library)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    findings = [
        Finding(f["section"], f["kind"], f["message"], f["items"]) for f in data["findings"]
    ]
    assert [f["to_confirm"] for f in data["findings"]] == [f.to_confirm for f in findings]
    assert any(f.kind == "落款日期" and f.to_confirm for f in findings)
    warning = marks_warning(findings)
    assert warning and warning in done.stderr  # the page's words, with the same count
    assert Draft.from_dict(data).title == data["title"]


def test_offline_draft_to_markdown_and_text(library, tmp_path):
    md = tmp_path / "plan.md"
    done = run_cli("draft", "--profile", write_profile(tmp_path), "--out", str(md), env=library)
    assert done.returncode == 0, done.stderr
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# 阳光社区2027年双拥工作计划\n")
    assert "## 四、时间安排" in text and text.rstrip().endswith("2027年1月8日")
    txt = tmp_path / "plan.txt"
    assert (
        run_cli(
            "draft", "--profile", write_profile(tmp_path), "--out", str(txt), env=library
        ).returncode
        == 0
    )
    plain = txt.read_text(encoding="utf-8")
    assert plain.splitlines()[0] == "阳光社区2027年双拥工作计划"
    assert "#" not in plain


def test_bad_profile_gets_one_line_naming_the_field(library, tmp_path):
    done = run_cli("draft", "--profile", write_profile(tmp_path, year=1800), env=library)
    assert done.returncode == 2
    assert done.stderr.strip() == "错误：年度：应在 2000 至 2100 之间"
    done = run_cli("draft", "--profile", write_profile(tmp_path), "--out", "x.pdf", env=library)
    assert done.returncode == 2 and "不支持的导出格式“.pdf”：请用 .docx、.md 或 .txt" in done.stderr


def test_draft_with_a_configured_model(library, tmp_path, fake_llm):
    env = {**library, "PLAN_LLM_BASE_URL": fake_llm.base_url, "PLAN_LLM_MODEL": "fake-model"}
    done = run_cli("draft", "--profile", write_profile(tmp_path), "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert "使用模型 fake-model" in done.stderr
    data = json.loads(done.stdout)
    assert len(fake_llm.requests) == len(data["sections"])
    assert all(s["versions"][0]["origin"] == "model" for s in data["sections"])
    # --offline overrides the configured model
    fake_llm.reset()
    done = run_cli("draft", "--profile", write_profile(tmp_path), "--offline", env=env)
    assert done.returncode == 0 and not fake_llm.requests


def test_a_failing_model_is_reported_and_the_exit_code_says_so(library, tmp_path, fake_llm):
    fake_llm.add(status=401)
    env = {**library, "PLAN_LLM_BASE_URL": fake_llm.base_url, "PLAN_LLM_MODEL": "fake-model"}
    done = run_cli("draft", "--profile", write_profile(tmp_path), env=env)
    assert done.returncode == 1
    assert "未完成 一、指导思想：模型服务拒绝了访问（401）" in done.stderr


def test_offline_draft_to_word(library, tmp_path):
    from docx import Document

    out = tmp_path / "plan.docx"
    done = run_cli("draft", "--profile", write_profile(tmp_path), "--out", str(out), env=library)
    assert done.returncode == 0, done.stderr
    paragraphs = [p.text for p in Document(str(out)).paragraphs if p.text]
    assert paragraphs[0] == "阳光社区2027年双拥工作计划"
    assert "一、指导思想" in paragraphs and paragraphs[-1] == "2027年1月8日"
