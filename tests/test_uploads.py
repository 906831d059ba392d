"""The user's own samples: preview, save (write + index), list, delete, rollback, path guard."""

from __future__ import annotations

import os
import time
import tomllib
from dataclasses import replace

import pytest

from rag.config import REPO_ROOT
from rag.errors import InputFileError
from rag.index.ingest import delete_upload, ingest, save_upload
from rag.index.retrieve import Retriever
from rag.library.corpus import parse_corpus_text
from rag.library.uploads import (
    MAX_UPLOAD_BYTES,
    UPLOAD_PREFIX,
    UploadPreview,
    list_uploads,
    preview_upload,
    upload_dir,
    upload_document,
    upload_path,
    write_upload,
)
from tests.conftest import small_corpus

# A 消防 plan with a Traditional title (GBK can encode both scripts), Windows line endings.
FIRE_PLAN = (
    "幸福社區2027年消防安全工作計劃\r\n"
    "一、指导思想\r\n"
    "为切实做好社区消防安全工作，认真落实消防安全责任制，特制定本计划。"
    "坚持预防为主、防消结合的方针，加强火灾隐患排查整治。\r\n"
    "二、工作目标\r\n"
    "全年开展消防安全检查不少于12次，楼道堆物清理整改率达到100%，"
    "组织消防演练两次，为独居老人安装烟感报警器。\r\n"
    "三、工作措施\r\n"
    "（一）加强消防宣传教育，组织居民学习灭火器使用方法。"
    "（二）开展电动自行车充电隐患专项整治，在幸福社区北门建设集中充电棚。\r\n"
)
# A 双拥 plan, for a second upload with other content.
ARMY_PLAN = (
    "红旗社区双拥工作计划\n"
    "一、指导思想\n"
    "深入开展拥军优属活动，巩固军政军民团结，做好退役军人服务保障，特制定本计划。\n"
    "二、工作措施\n"
    "八一建军节前走访慰问现役军人家庭和重点优抚对象，组织红旗社区退役军人座谈会，"
    "做好征兵宣传动员和光荣牌悬挂工作，开展国防教育进校园活动。\n"
)
UNIQUE_QUERY = "幸福社区北门 电动自行车 集中充电棚"


def fire_preview() -> UploadPreview:
    return preview_upload(FIRE_PLAN.encode("gbk"), "幸福社区消防计划.txt")


def files_in(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# Preview


def test_preview_of_a_gbk_upload_is_cleaned_simplified_text_with_suggested_labels():
    data = FIRE_PLAN.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    preview = fire_preview()
    assert preview.filename == "幸福社区消防计划.txt"
    lines = preview.text.split("\n")
    assert lines[0] == "幸福社区2027年消防安全工作计划"  # 區/計劃 → 区/计划
    assert "社區" not in preview.text and "計劃" not in preview.text
    assert "\r" not in preview.text and "" not in lines
    assert "电动自行车充电隐患专项整治" in preview.text
    assert preview.kind == "计划"
    assert preview.topic == "xiaofang"
    assert preview.title == "幸福社区2027年消防安全工作计划"


def test_preview_suggests_the_topic_from_the_content():
    preview = preview_upload(ARMY_PLAN.encode("utf-8"), "plan.md")
    assert (preview.kind, preview.topic) == ("计划", "shuangyong")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.txt", "空文件"),
        ("社区消防工作计划。".encode(), "a.txt", "不足以作为范文"),
        (FIRE_PLAN.encode("utf-8"), "a.pdf", "不支持"),
        (b"x" * (5 * 1024 * 1024 + 1), "a.txt", "太大"),
    ],
)
def test_preview_refuses_unusable_uploads(data, filename, message):
    with pytest.raises(InputFileError, match=message):
        preview_upload(data, filename)


def test_the_servers_upload_limit_is_the_apps():
    """Streamlit refuses larger uploads itself (server.maxUploadSize, in MB); the app checks again."""
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_UPLOAD_BYTES


# Save, search, list, delete


def test_save_upload_writes_a_corpus_file_whose_chunks_are_found(store, settings):
    preview = fire_preview()
    path, report = save_upload(preview, store, settings)
    assert path.parent == upload_dir(settings)
    assert path.parent.parent == settings.data_dir
    assert path.name.startswith(UPLOAD_PREFIX) and path.suffix == ".md"
    doc = parse_corpus_text(path.read_text(encoding="utf-8"), path.stem)
    assert (doc.kind, doc.topic, doc.title) == ("计划", "xiaofang", preview.title)
    assert doc.source == "上传：幸福社区消防计划.txt"
    assert doc.body == preview.text
    assert report.documents_added == 1 and report.sources == [path.stem]
    assert report.chunks_added == len(store.sources()[path.stem]["ids"]) > 0

    hits = Retriever(store).search(UNIQUE_QUERY, k=3)
    assert hits and hits[0].source_id == path.stem and hits[0].doc_id == path.stem
    assert "集中充电棚" in "".join(h.text for h in hits if h.source_id == path.stem)


def test_an_upload_is_found_among_the_shipped_samples(tmp_path, store, settings):
    ingest([small_corpus(tmp_path / "corpus")], store)
    path, _ = save_upload(fire_preview(), store, settings)
    hits = Retriever(store).search(UNIQUE_QUERY, k=5, topic="xiaofang")
    assert hits[0].source_id == path.stem


def test_list_uploads_lists_saved_uploads_newest_first(store, settings):
    assert list_uploads(settings) == []
    fire, _ = save_upload(fire_preview(), store, settings)
    army, _ = save_upload(preview_upload(ARMY_PLAN.encode("utf-8"), "army.md"), store, settings)
    now = time.time()
    os.utime(fire, (now - 100, now - 100))
    os.utime(army, (now + 100, now + 100))
    listed = list_uploads(settings)
    assert [d.doc_id for d in listed] == [army.stem, fire.stem]
    assert [d.topic for d in listed] == ["shuangyong", "xiaofang"]
    # The order follows the files' times, not their names or the order of saving.
    os.utime(fire, (now + 200, now + 200))
    assert [d.doc_id for d in list_uploads(settings)] == [fire.stem, army.stem]


def test_list_uploads_ignores_other_files_in_the_uploads_folder(store, settings):
    fire, _ = save_upload(fire_preview(), store, settings)
    (upload_dir(settings) / "notes.md").write_text("not an upload", encoding="utf-8")
    assert [d.doc_id for d in list_uploads(settings)] == [fire.stem]


def test_delete_upload_removes_the_file_and_its_chunks(tmp_path, store, settings):
    ingest([small_corpus(tmp_path / "corpus")], store)
    path, _ = save_upload(fire_preview(), store, settings)
    chunk_ids = store.sources()[path.stem]["ids"]
    total = store.count()
    retriever = Retriever(store)
    assert retriever.search(UNIQUE_QUERY, k=3)[0].source_id == path.stem

    removed = delete_upload(path.stem, store, settings)

    assert removed == len(chunk_ids) > 0
    assert not path.exists()
    assert list_uploads(settings) == []
    assert path.stem not in store.sources()
    assert store.count() == total - removed
    hits = retriever.search(UNIQUE_QUERY, k=50)
    assert hits and not [h for h in hits if h.source_id == path.stem]
    # Deleting again finds nothing more to remove.
    assert delete_upload(path.stem, store, settings) == 0


# Rollback


def test_a_failed_index_write_leaves_no_file_and_reaches_the_caller(store, settings, monkeypatch):
    def refuse(batch, progress=None):
        raise RuntimeError("index is read-only")

    monkeypatch.setattr(store, "replace_sources", refuse)
    with pytest.raises(RuntimeError, match="read-only"):
        save_upload(fire_preview(), store, settings)
    assert files_in(upload_dir(settings)) == []
    assert list_uploads(settings) == []
    assert store.count() == 0


def test_a_failed_embedding_leaves_no_file_and_reaches_the_caller(store, settings, monkeypatch):
    class Broken(RuntimeError):
        pass

    def embed(texts):
        raise Broken("embedding model crashed")

    monkeypatch.setattr(store, "embedding_function", embed)
    with pytest.raises(Broken):
        save_upload(fire_preview(), store, settings)
    assert files_in(upload_dir(settings)) == []
    assert store.count() == 0


def test_a_failed_resave_keeps_the_earlier_saved_upload(store, settings, monkeypatch):
    preview = fire_preview()
    path, _ = save_upload(preview, store, settings)
    before = path.read_text(encoding="utf-8")

    def refuse(batch, progress=None):
        raise RuntimeError("index is read-only")

    monkeypatch.setattr(store, "replace_sources", refuse)
    with pytest.raises(RuntimeError):
        save_upload(replace(preview, title="幸福社区消防计划（修订）"), store, settings)
    # The index still holds the first save's chunks, so its file must still be there.
    assert path.stem in store.sources()
    assert path.exists() and path.read_text(encoding="utf-8") == before


def test_a_resave_whose_index_write_fails_part_way_gives_the_earlier_chunks_back(
    store, settings, monkeypatch
):
    import rag.index.store as chunk_store
    from rag.errors import LibraryIndexError

    preview = fire_preview()
    path, _ = save_upload(preview, store, settings)
    before = path.read_text(encoding="utf-8")
    found = [h.id for h in Retriever(store).search(UNIQUE_QUERY, k=5, mode="bm25")]
    assert found
    real_add, calls = chunk_store._add, []

    def vectors_fail_once(collection, rows):
        calls.append(collection.name)
        if collection.name.endswith("_vectors") and calls.count(collection.name) == 1:
            raise ValueError("disk I/O error")  # after the old chunks went, the new half-written
        yield from real_add(collection, rows)

    monkeypatch.setattr(chunk_store, "_add", vectors_fail_once)
    with pytest.raises(LibraryIndexError):
        save_upload(replace(preview, title="幸福社区消防计划（修订）"), store, settings)
    assert path.read_text(encoding="utf-8") == before
    assert [d.doc_id for d in list_uploads(settings)] == [path.stem]
    assert [h.id for h in Retriever(store).search(UNIQUE_QUERY, k=5, mode="bm25")] == found


def test_the_library_write_lock_holds_writers_of_other_processes_off(store, settings):
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            "f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('locked', flush=True); time.sleep(1.5); fcntl.flock(f, fcntl.LOCK_UN)\n"
            "time.sleep(5)",
            str(store.lock_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        asked = time.monotonic()
        with store.writing():
            assert time.monotonic() - asked > 1.0  # it waited for the other process
            with store.writing():  # re-entrant within the thread (an upload's save)
                pass
    finally:
        holder.kill()
        holder.wait()


# Path guard


@pytest.mark.parametrize(
    "doc_id",
    [
        "xiaofang_01",
        "shuangyong_01",
        "",
        "../upload_x",
        "upload_x/../../victim",
        "upload_../../victim",
        "upload_x\\..\\..\\victim",
        "upload_/etc/passwd",
        "upload_0123456789a\x00",  # a NUL byte would make the file system call itself fail
        "upload_0123456789ab.md",
    ],
)
def test_upload_path_refuses_anything_but_an_upload_id(doc_id, settings):
    with pytest.raises(InputFileError, match="只能删除上传的范文"):
        upload_path(doc_id, settings)


def test_upload_path_of_an_upload_id_is_inside_the_uploads_folder(settings):
    path = upload_path("upload_0123456789ab", settings)
    assert path == upload_dir(settings) / "upload_0123456789ab.md"


@pytest.mark.parametrize(
    "doc_id",
    ["upload_x/../../victim", "upload_x\\..\\..\\victim", "upload_../victim", "victim"],
)
def test_delete_upload_refuses_path_tricks_and_deletes_nothing_outside(doc_id, store, settings):
    path, _ = save_upload(fire_preview(), store, settings)
    outside = settings.data_dir / "victim.md"
    outside.write_text("must survive", encoding="utf-8")
    chunks = store.count()
    with pytest.raises(InputFileError):
        delete_upload(doc_id, store, settings)
    assert outside.read_text(encoding="utf-8") == "must survive"
    assert path.exists()
    assert store.count() == chunks


def test_delete_upload_refuses_a_shipped_sample_and_keeps_its_chunks(tmp_path, store, settings):
    corpus = small_corpus(tmp_path / "corpus")
    ingest([corpus], store)
    before = store.sources()["xiaofang_01"]["ids"]
    with pytest.raises(InputFileError):
        delete_upload("xiaofang_01", store, settings)
    assert store.sources()["xiaofang_01"]["ids"] == before
    assert (corpus / "xiaofang_01.md").exists()


# write_upload's own checks


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "社区消防工作要抓好。"}, "不足以作为范文"),
        ({"text": "   \n  "}, "不足以作为范文"),
        ({"kind": "通知"}, "文种应为"),
        ({"kind": ""}, "文种应为"),
        ({"topic": "nosuchtopic"}, "计划类型"),
    ],
)
def test_write_upload_refuses_short_or_mislabelled_previews(change, message, settings):
    preview = replace(fire_preview(), **change)
    with pytest.raises(InputFileError, match=message):
        upload_document(preview)
    assert files_in(upload_dir(settings)) == []


def test_write_upload_keeps_the_users_labels_and_falls_back_to_a_default_title(settings):
    preview = replace(fire_preview(), kind="方案", topic="yingji", title="  ")
    path = write_upload(upload_document(preview), settings)
    doc = parse_corpus_text(path.read_text(encoding="utf-8"), path.stem)
    assert (doc.kind, doc.topic, doc.title) == ("方案", "yingji", "上传范文")


def test_control_characters_in_an_upload_or_its_review_are_dropped(settings):
    data = ARMY_PLAN.replace("拥军优属", "拥军\x1b优属\x01").encode("utf-8")
    preview = preview_upload(data, "plan.txt")
    assert "拥军优属" in preview.text
    preview.text += "\n三、保障措施\n明确\x07分工。"  # typed while reviewing
    doc = upload_document(preview)
    assert "明确分工。" in doc.body and "\x07" not in doc.body


def test_an_uploads_folder_that_cannot_be_written_is_explained_and_indexes_nothing(store, settings):
    from rag.errors import PlanError

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upload_dir(settings).write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(PlanError, match="上传文件夹无法写入"):
        save_upload(fire_preview(), store, settings)
    assert store.count() == 0


def test_an_index_write_failing_part_way_leaves_no_chunk_and_no_file(store, settings):
    from rag.errors import LibraryIndexError

    # A real Chroma refusal after the chunk records are written: the vectors collection
    # already holds a vector of another dimension, so adding the upload's vectors fails.
    store.vectors.add(
        ids=["other::00000#000"],
        embeddings=[[1.0, 0.0, 0.0]],
        metadatas=[{"source_id": "other", "chunk_id": "other::00000"}],
    )
    with pytest.raises(LibraryIndexError, match="无法写入范文库索引"):
        save_upload(fire_preview(), store, settings)
    assert files_in(upload_dir(settings)) == []
    assert list_uploads(settings) == []
    assert store.count() == 0 and store.sources() == {}
    assert not Retriever(store).search(UNIQUE_QUERY, k=5, mode="bm25")
