"""Accounts in the engine: the users file (argon2 hashes written by `python -m rag user add`),
and uploads private to their owner in listing, deletion and retrieval until an administrator
shares them."""

from __future__ import annotations

import pytest
import yaml

from rag.accounts import (
    add_user,
    authenticate,
    load_users,
    remove_user,
    role_of,
)
from rag.errors import ConfigError, InputFileError
from rag.index.ingest import delete_upload, ingest, save_upload, share_upload
from rag.index.retrieve import Retriever, chroma_where
from rag.library.uploads import UploadPreview, list_uploads, read_upload, upload_dir
from tests.conftest import run_cli, small_corpus
from tests.test_uploads import ARMY_PLAN, UNIQUE_QUERY, fire_preview

# ---- the users file --------------------------------------------------------------------------


def test_a_user_added_signs_in_with_their_password_only(tmp_path):
    path = tmp_path / "users.yaml"
    assert add_user(path, "zhangsan", "correct horse 1")
    assert add_user(path, "admin", "admin-pass-2", role="admin")
    assert authenticate(path, "zhangsan", "correct horse 1").role == "user"
    assert authenticate(path, "admin", "admin-pass-2").role == "admin"
    assert authenticate(path, "zhangsan", "admin-pass-2") is None
    assert authenticate(path, "nobody", "correct horse 1") is None
    stored = path.read_text(encoding="utf-8")
    assert "correct horse 1" not in stored and "$argon2id$" in stored
    assert path.stat().st_mode & 0o077 == 0  # hashes are readable by the file's owner only


def test_adding_a_user_again_sets_a_new_password_and_keeps_the_others(tmp_path):
    path = tmp_path / "users.yaml"
    add_user(path, "zhangsan", "first-password")
    add_user(path, "lisi", "lisi-password")
    assert not add_user(path, "zhangsan", "second-password")
    assert authenticate(path, "zhangsan", "first-password") is None
    assert authenticate(path, "zhangsan", "second-password")
    assert authenticate(path, "lisi", "lisi-password")
    remove_user(path, "lisi")
    assert set(load_users(path)) == {"zhangsan"}


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("张 三", "long-enough-1", "用户名"),
        ("../x", "long-enough-1", "用户名"),
        ("ok", "short", "至少"),
    ],
)
def test_unusable_names_and_short_passwords_are_refused_in_chinese(
    tmp_path, name, password, message
):
    with pytest.raises(ConfigError, match=message):
        add_user(tmp_path / "users.yaml", name, password)
    assert not (tmp_path / "users.yaml").exists()


def test_a_missing_or_broken_users_file_is_explained(tmp_path):
    with pytest.raises(ConfigError, match="python -m rag user add"):
        authenticate(tmp_path / "none.yaml", "a", "b")
    broken = tmp_path / "broken.yaml"
    broken.write_text("users: [a, b", encoding="utf-8")
    with pytest.raises(ConfigError, match="格式不对"):
        authenticate(broken, "a", "b")


def test_a_hand_written_plain_password_never_signs_in(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text(yaml.safe_dump({"users": {"bad": {"password": "plain-text-pw"}}}))
    assert authenticate(path, "bad", "plain-text-pw") is None


def test_roles_for_identity_provider_users_come_from_the_file(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text(yaml.safe_dump({"users": {"chief@street.gov.cn": {"role": "admin"}}}))
    assert role_of(path, "chief@street.gov.cn") == "admin"
    assert role_of(path, "clerk@street.gov.cn") == "user"
    assert role_of(None, "chief@street.gov.cn") == "user"


def test_the_cli_adds_a_user_from_stdin_and_lists_roles(tmp_path):
    users = tmp_path / "users.yaml"
    env = {"PLAN_USERS_FILE": str(users), "PLAN_DATA_DIR": str(tmp_path / "data")}
    done = run_cli(
        "user", "add", "wangwu", "--admin", "--password-stdin", env=env, input_text="s3cret-pass\n"
    )
    assert done.returncode == 0, done.stderr
    assert "已添加用户 wangwu" in done.stdout
    assert authenticate(users, "wangwu", "s3cret-pass").role == "admin"
    listed = run_cli("user", "list", env=env)
    assert "wangwu\t管理员" in listed.stdout
    short = run_cli("user", "add", "zhaoliu", "--password-stdin", env=env, input_text="abc\n")
    assert short.returncode == 2 and "密码至少" in short.stderr
    assert set(load_users(users)) == {"wangwu"}


# ---- private uploads ------------------------------------------------------------------------


@pytest.fixture
def library(tmp_path, store, settings):
    """The small shipped library (shared) with alice's private 消防 upload."""
    ingest([small_corpus(tmp_path / "corpus")], store)
    save_upload(fire_preview(), store, settings, owner="alice")
    return Retriever(store)


def upload_hits(hits) -> list[str]:
    return [h.doc_id for h in hits if h.doc_id.startswith("upload_")]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_a_private_upload_is_found_only_by_its_owner(library, mode):
    (alice,) = set(upload_hits(library.scoped("alice").search(UNIQUE_QUERY, k=5, mode=mode)))
    assert library.scoped("bob").search(UNIQUE_QUERY, k=5, mode=mode)  # the shared samples
    assert upload_hits(library.scoped("bob").search(UNIQUE_QUERY, k=20, mode=mode)) == []
    assert upload_hits(library.scoped("").search(UNIQUE_QUERY, k=20, mode=mode)) == []
    assert alice in upload_hits(library.search(UNIQUE_QUERY, k=5, mode=mode))  # unscoped: all


def test_the_owner_filter_combines_with_the_other_filters(library):
    hits = library.scoped("bob").search(UNIQUE_QUERY, k=20, topic="xiaofang", kind="计划")
    assert hits and all(h.topic == "xiaofang" for h in hits)
    assert upload_hits(hits) == []
    mine = library.scoped("alice").search(UNIQUE_QUERY, k=5, topic="xiaofang")
    assert upload_hits(mine)


def test_chunks_indexed_before_owners_existed_count_as_shared(store, settings):
    """An index written by an earlier version has no owner field: its chunks stay visible."""
    ingest([small_corpus(settings.data_dir.parent / "corpus", ("xiaofang_0*.md",))], store)
    for collection in (store.collection, store.vectors):  # drop the field everywhere
        ids = collection.get(include=[])["ids"]
        collection.update(ids=ids, metadatas=[{"owner": None}] * len(ids))
        assert all("owner" not in m for m in collection.get(include=["metadatas"])["metadatas"])
    store._bump_revision()
    save_upload(fire_preview(), store, settings, owner="alice")
    retriever = Retriever(store)
    for mode in ("dense", "bm25"):
        hits = retriever.scoped("bob").search("消防安全 隐患排查", k=5, mode=mode)
        assert hits and not upload_hits(hits)
    assert chroma_where(frozenset({"alice"}), topic="xiaofang") == {
        "$and": [{"topic": {"$in": ["xiaofang"]}}, {"owner": {"$nin": ["alice"]}}]
    }


def test_uploads_are_listed_and_deleted_by_their_owner_only(store, settings):
    path, _ = save_upload(fire_preview(), store, settings, owner="alice")
    doc_id = path.stem
    assert [d.doc_id for d in list_uploads(settings, owner="alice")] == [doc_id]
    assert list_uploads(settings, owner="bob") == []
    assert [d.doc_id for d in list_uploads(settings)] == [doc_id]  # an administrator sees all
    with pytest.raises(InputFileError, match="不是您上传的"):
        delete_upload(doc_id, store, settings, owner="bob")
    assert path.exists() and store.sources()[doc_id]
    assert delete_upload(doc_id, store, settings, owner="alice") > 0
    assert not path.exists() and doc_id not in store.sources()


def test_two_users_uploading_the_same_text_get_two_private_copies(store, settings):
    a, _ = save_upload(fire_preview(), store, settings, owner="alice")
    b, _ = save_upload(fire_preview(), store, settings, owner="bob")
    assert a != b
    delete_upload(a.stem, store, settings, owner="alice")
    retriever = Retriever(store)
    assert set(upload_hits(retriever.scoped("bob").search(UNIQUE_QUERY, k=5))) == {b.stem}
    assert upload_hits(retriever.scoped("alice").search(UNIQUE_QUERY, k=5)) == []


def test_an_administrator_shares_an_upload_with_everyone(library, store, settings):
    (private,) = list_uploads(settings, owner="alice")
    path, report = share_upload(private.doc_id, store, settings)
    shared = read_upload(path.stem, settings)
    assert shared.owner == "" and shared.body == private.body and report.chunks_added > 0
    assert list_uploads(settings, owner="alice") == []
    assert [p.name for p in upload_dir(settings).iterdir() if p.suffix == ".md"] == [path.name]
    assert private.doc_id not in store.sources()
    for user in ("bob", "alice", ""):
        assert set(upload_hits(library.scoped(user).search(UNIQUE_QUERY, k=5))) == {path.stem}
    # a user cannot delete a shared upload as if it were theirs
    with pytest.raises(InputFileError):
        delete_upload(path.stem, store, settings, owner="alice")


def test_without_accounts_uploads_are_shared_as_before(store, settings):
    path, _ = save_upload(fire_preview(), store, settings)
    assert "owner" not in path.read_text(encoding="utf-8")
    assert [d.doc_id for d in list_uploads(settings, owner="")] == [path.stem]
    assert upload_hits(Retriever(store).scoped("").search(UNIQUE_QUERY, k=5))
    second = save_upload(
        UploadPreview("a.txt", ARMY_PLAN, "红旗社区双拥工作计划", "计划", "shuangyong"),
        store,
        settings,
    )[0]
    assert {d.doc_id for d in list_uploads(settings, owner="")} == {path.stem, second.stem}


def test_the_vector_records_carry_the_owner(library, store):
    metas = store.vectors.get(include=["metadatas"])["metadatas"]
    owners = {m.get("owner") for m in metas}
    assert owners == {"", "alice"}
    assert sum(m.get("owner") == "alice" for m in metas) > 0


def test_an_upload_saved_after_the_retriever_was_built_stays_private(library, store, settings):
    assert library.scoped("bob").search(UNIQUE_QUERY, k=5)  # BM25 built before carol's upload
    preview = UploadPreview("c.txt", ARMY_PLAN, "红旗社区双拥工作计划", "计划", "shuangyong")
    save_upload(preview, store, settings, owner="carol")
    for mode in ("hybrid", "dense", "bm25"):
        hits = library.scoped("bob").search("红旗社区退役军人座谈会 光荣牌", k=10, mode=mode)
        assert hits and not upload_hits(hits)
        assert upload_hits(library.scoped("carol").search("红旗社区退役军人座谈会", k=5, mode=mode))
