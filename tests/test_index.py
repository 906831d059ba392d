"""The Chroma index: replace-by-source, no orphans, reopening in a fresh process, server mode."""

import json
import shutil
import subprocess

import pytest

from rag.config import Settings
from rag.errors import InputFileError
from rag.index.embeddings import HashEmbeddingFunction
from rag.index.ingest import ingest
from rag.index.retrieve import Retriever
from rag.index.store import ChunkStore
from tests.conftest import CORPUS, PYTHON, free_port, run_cli

SAMPLE = ["shuangyong_01.md", "jindu_02.md", "seed_08.md"]


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "corpus"
    target.mkdir()
    for name in SAMPLE:
        shutil.copy(CORPUS / name, target / name)
    return target


def test_ingest_twice_keeps_the_same_chunks(store, folder):
    first = ingest([folder], store)
    count = store.count()
    assert first.documents_added == 3 and first.chunks_added == count > 10
    second = ingest([folder], store)
    assert store.count() == count
    assert second.documents_unchanged == 3 and second.chunks_added == 0


def test_reingesting_a_shortened_file_removes_its_old_chunks(store, folder):
    ingest([folder], store)
    before = store.sources()["shuangyong_01"]["ids"]
    path = folder / "shuangyong_01.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[: len(lines) // 3]) + "\n", encoding="utf-8")
    report = ingest([folder], store)
    after = store.sources()["shuangyong_01"]["ids"]
    assert len(after) < len(before)
    assert report.documents_replaced == 1 and report.chunks_removed == len(before) - len(after)
    gone = set(before) - set(after)
    assert store.collection.get(ids=sorted(gone))["ids"] == []
    # The BM25 side follows: no search returns a removed chunk.
    hits = Retriever(store).search("双拥 退役军人 服务站", k=50, mode="bm25")
    assert not {h.id for h in hits} & gone


def test_deleted_file_and_rebuild(store, folder):
    ingest([folder], store)
    (folder / "jindu_02.md").unlink()
    report = ingest([folder], store)
    assert report.documents_removed == 1
    assert "jindu_02" not in store.sources()
    count = store.count()
    rebuilt = ingest([folder], store, rebuild=True)
    assert rebuilt.documents_added == 2 and store.count() == count


def test_a_bad_file_stops_the_ingest_before_anything_is_written(store, folder):
    (folder / "broken.docx").write_bytes(b"not a zip at all")
    with pytest.raises(InputFileError, match=r"broken\.docx"):
        ingest([folder], store)
    assert store.count() == 0


def test_collection_reopens_in_a_fresh_process_with_our_embedding(tmp_path, folder):
    env = {"PLAN_DATA_DIR": str(tmp_path / "data"), "PLAN_EMBEDDING": "hash"}
    done = run_cli("ingest", str(folder), env=env)
    assert done.returncode == 0, done.stderr
    # A new interpreter that opens the collection without passing an embedding function:
    # Chroma must rebuild ours from the stored config, never its downloading default.
    script = f"""
import chromadb, json
from chromadb.config import Settings
import chromadb.utils.embedding_functions as efs
def refuse(self, input):
    raise SystemExit("default embedding function used")
efs.DefaultEmbeddingFunction.__call__ = refuse
import rag.index.embeddings  # registers our functions
client = chromadb.PersistentClient(path={str(tmp_path / "data" / "chroma")!r},
                                   settings=Settings(anonymized_telemetry=False))
col = client.get_collection("plan_chunks_hash")
res = col.query(query_texts=["禁毒宣传"], n_results=3)
print(json.dumps({{"ef": col.configuration["embedding_function"].name(), "ids": res["ids"][0]}}))
"""
    out = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["ef"] == "plan_hash"
    assert len(result["ids"]) == 3


def test_e5_index_reopens_in_a_fresh_process(e5_index):
    settings, _, _ = e5_index
    script = f"""
import json
from rag.config import Settings
from rag.index.store import ChunkStore
from rag.index.retrieve import Retriever
store = ChunkStore.open(Settings(data_dir={str(settings.data_dir)!r}, embedding="e5",
                                 collection="eval_chunks"))
hits = Retriever(store).search("国际禁毒日宣传活动", k=3, mode="dense")
print(json.dumps([h.topic for h in hits]))
"""
    out = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0] == "jindu"


def test_server_mode_ingest_and_search(tmp_path, folder, chroma_server):
    env = {
        "PLAN_CHROMA_HOST": "127.0.0.1",
        "PLAN_CHROMA_PORT": str(chroma_server),
        "PLAN_DATA_DIR": str(tmp_path / "local"),
        "PLAN_EMBEDDING": "hash",
    }
    first = run_cli("ingest", str(folder), env=env)
    assert first.returncode == 0, first.stderr
    assert "新增 3" in first.stdout
    found = run_cli("search", "春节走访慰问军烈属", "--json", "-k", "3", env=env)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert hits and hits[0]["topic"] == "shuangyong"
    # Two clients in this process see the same server-side data.
    settings = Settings(chroma_host="127.0.0.1", chroma_port=chroma_server, embedding="hash")
    assert ChunkStore.open(settings, HashEmbeddingFunction()).count() > 10
    assert not (tmp_path / "local" / "chroma").exists()


def test_a_server_whose_library_is_gone_gets_the_servers_rebuild_steps(tmp_path, chroma_server):
    import chromadb

    from rag.errors import LibraryIndexError

    settings = Settings(
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
        embedding="hash",
        data_dir=tmp_path / "local",
    )
    store = ChunkStore.open(settings, HashEmbeddingFunction())
    chromadb.HttpClient(host="127.0.0.1", port=chroma_server).delete_collection(store.name)
    with pytest.raises(LibraryIndexError) as failure:
        store.count()
    message = str(failure.value)
    assert "PLAN_CHROMA_HOST" in message and "ingest --rebuild" in message
    assert "chroma 文件夹" not in message  # the local index's steps would mislead here


def test_unreachable_server_is_a_clear_error(tmp_path):
    env = {"PLAN_CHROMA_HOST": "127.0.0.1", "PLAN_CHROMA_PORT": str(free_port())}
    out = run_cli("search", "双拥", env=env)
    assert out.returncode != 0
    assert "Chroma" in out.stderr and "Traceback" not in out.stderr
