"""Ingest and search with the network switched off: nothing is downloaded at run time."""

import json
import shutil
import subprocess

import pytest

from tests.conftest import CORPUS, PYTHON, REPO_ROOT


def _unshare_works() -> bool:
    exe = shutil.which("unshare")
    if exe is None:
        return False
    probe = subprocess.run([exe, "-n", "true"], capture_output=True)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(
    not _unshare_works(), reason="unshare -n (a network namespace) is not permitted here"
)


def _offline(*args, env):
    return subprocess.run(
        ["unshare", "-n", PYTHON, *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=600,
    )


def test_namespace_really_has_no_network(tmp_path):
    probe = "import socket; socket.create_connection(('1.1.1.1', 443), timeout=3)"
    out = _offline("-c", probe, env={"PATH": "/usr/bin:/bin"})
    assert out.returncode != 0 and "unreachable" in out.stderr.lower()


def test_ingest_and_search_offline_with_the_real_model(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("jindu_02.md", "yingji_01.md"):
        shutil.copy(CORPUS / name, folder / name)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PLAN_DATA_DIR": str(tmp_path / "data"),
        "PLAN_EMBEDDING": "e5",
    }
    done = _offline("-m", "rag", "ingest", str(folder), env=env)
    assert done.returncode == 0, done.stderr
    assert "新增 2" in done.stdout
    found = _offline("-m", "rag", "search", "汛期转移群众", "--json", "-k", "3", env=env)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert hits[0]["doc_id"] == "yingji_01"
