"""The fault matrix (tests/faults.py) against a real server and browser: for every failure of
the model or the page, the user is told what happened and no accepted word is lost."""

from __future__ import annotations

import pytest

from tests.faults import MODEL_FAULTS, run, table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        rows = run(tmp_path_factory.mktemp("faults"), playwright)
    print(table(rows))
    return {r.fault: r for r in rows}


@pytest.mark.parametrize("fault", MODEL_FAULTS, ids=[f.name for f in MODEL_FAULTS])
def test_each_model_fault_is_told_and_loses_no_accepted_word(rows, fault):
    row = rows[fault.name]
    assert row.kept and row.others_kept, row
    if fault.seen:
        assert any(fault.seen in message for message in row.seen), row
    expected = {
        True: ("完整", "新生成"),
        False: ("不完整", "不完整的新文字"),
        None: ("无新版本", "用户确认的文字"),
    }[fault.complete]
    assert (row.newest, row.current) == expected, row
    if fault.complete:  # a fault retried away leaves nothing to tell
        assert not [m for m in row.seen if "模型" in m], row.seen


@pytest.mark.parametrize(
    "fault", ["刷新页面（全部重新生成途中）", "重启服务器（全部重新生成途中）"]
)
def test_a_page_refreshed_or_a_server_restarted_mid_generation_loses_no_accepted_word(rows, fault):
    row = rows[fault]
    assert row.kept and row.others_kept, row
    assert not [m for m in row.seen if "意外错误" in m or "Traceback" in m], row.seen
    [told] = [m for m in row.seen if m.startswith("上一次生成没有写完")]
    assert "四、" in told and "三、" not in told  # the slow section, not the finished ones
