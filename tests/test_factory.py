"""Building components from settings: the model endpoint (environment merged with a session's
own fields), the section writer, the sample library and the draft store."""

from __future__ import annotations

import pytest

import rag.factory as factory
from rag.config import Settings
from rag.drafting.composer.compose import Composer
from rag.drafting.model.providers import NO_KEY, PROVIDERS, make_llm_config
from rag.drafting.model.writer import ModelWriter
from rag.drafting.pipeline import new_draft
from rag.errors import ConfigError, DraftNotFound
from rag.factory import ModelChoice, make_writer, model_config, open_draft_store, open_library
from rag.index.ingest import ingest
from rag.index.retrieve import Retriever
from rag.plan.draft import Version
from rag.plan.profile import make_profile
from tests.conftest import small_corpus

DEEPSEEK = PROVIDERS["deepseek"]


def env(**fields) -> Settings:
    """Settings as if the environment held exactly these fields (no .env file read)."""
    return Settings(_env_file=None, **fields)


def deepseek_env(**more) -> Settings:
    fields = {"llm_provider": "deepseek", "llm_api_key": "sk-env", "llm_model": "deepseek-chat"}
    return env(**{**fields, **more})


# model_config without a session choice


def test_no_model_in_the_environment_means_none():
    assert model_config(env()) is None
    assert model_config(Settings(_env_file=None)) is None


def test_the_environments_model_without_a_choice():
    config = model_config(deepseek_env())
    assert (config.provider, config.model, config.base_url, config.api_key) == (
        "deepseek",
        "deepseek-chat",
        DEEPSEEK.base_url,
        "sk-env",
    )


def test_an_incomplete_environment_is_a_config_error():
    with pytest.raises(ConfigError, match="API Key"):
        model_config(env(llm_provider="deepseek"))


# model_config with a session choice


def test_empty_fields_of_the_same_provider_fall_back_to_the_environment():
    settings = deepseek_env(llm_base_url="https://proxy.example.com/v1", llm_model="deepseek-r1")
    config = model_config(settings, ModelChoice("deepseek"))
    assert (config.provider, config.model, config.base_url, config.api_key) == (
        "deepseek",
        "deepseek-r1",
        "https://proxy.example.com/v1",
        "sk-env",
    )


def test_blank_fields_count_as_empty():
    settings = deepseek_env(llm_model="deepseek-r1")
    config = model_config(settings, ModelChoice("deepseek", model="  ", api_key=" \t"))
    assert (config.model, config.api_key) == ("deepseek-r1", "sk-env")


def test_typed_fields_win_over_the_environment():
    settings = deepseek_env(llm_base_url="https://proxy.example.com/v1")
    choice = ModelChoice(
        "deepseek",
        model=" deepseek-reasoner ",
        base_url="https://mine.example.org/v1/",
        api_key=" sk-typed ",
    )
    config = model_config(settings, choice)
    assert (config.model, config.base_url, config.api_key) == (
        "deepseek-reasoner",
        "https://mine.example.org/v1",
        "sk-typed",
    )


def test_the_environments_key_goes_only_to_the_environments_base_url():
    settings = deepseek_env(llm_base_url="https://proxy.example.com/v1")
    # the same address, however it is typed, still uses the environment's key
    same = ModelChoice("deepseek", base_url=" https://proxy.example.com/v1/ ")
    assert model_config(settings, same).api_key == "sk-env"
    # another address must bring its own key; the message says so and holds no key
    other = ModelChoice("deepseek", base_url="https://elsewhere.example.org/v1")
    with pytest.raises(ConfigError, match="填写这个接口地址的密钥") as refused:
        model_config(settings, other)
    assert "sk-env" not in str(refused.value)
    mine = model_config(settings, ModelChoice("deepseek", other.model, other.base_url, "sk-mine"))
    assert (mine.base_url, mine.api_key) == ("https://elsewhere.example.org/v1", "sk-mine")
    # a provider that needs no key sends the placeholder elsewhere, never the environment's key
    local = env(
        llm_provider="vllm",
        llm_base_url="http://127.0.0.1:8000/v1",
        llm_model="qwen2.5-7b",
        llm_api_key="sk-env",
    )
    moved = model_config(local, ModelChoice("vllm", base_url="http://10.0.0.9:8000/v1"))
    assert (moved.base_url, moved.api_key) == ("http://10.0.0.9:8000/v1", NO_KEY)
    assert model_config(local, ModelChoice("vllm")).api_key == "sk-env"


def test_a_different_provider_does_not_get_the_environments_key():
    with pytest.raises(ConfigError, match="API Key"):
        model_config(deepseek_env(), ModelChoice("qwen"))


def test_a_different_provider_gets_its_own_preset_not_the_environments_model_or_url():
    settings = deepseek_env(llm_base_url="https://proxy.example.com/v1")
    config = model_config(settings, ModelChoice("qwen", api_key="sk-qwen"))
    qwen = PROVIDERS["qwen"]
    assert (config.provider, config.model, config.base_url, config.api_key) == (
        "qwen",
        qwen.model,
        qwen.base_url,
        "sk-qwen",
    )
    assert config.extra_body == qwen.extra_body


def test_a_keyless_provider_gets_the_placeholder_not_the_environments_key():
    config = model_config(deepseek_env(), ModelChoice("ollama"))
    assert config.provider == "ollama"
    assert config.api_key == NO_KEY
    assert config.base_url == PROVIDERS["ollama"].base_url
    assert config.model == PROVIDERS["ollama"].model


def test_a_choice_without_a_model_in_the_environment_must_say_everything():
    config = model_config(env(), ModelChoice("moonshot", api_key="sk-m"))
    assert (config.provider, config.api_key) == ("moonshot", "sk-m")
    with pytest.raises(ConfigError, match="API Key"):
        model_config(env(), ModelChoice("moonshot"))
    with pytest.raises(ConfigError, match="接口地址"):
        model_config(env(), ModelChoice("custom", model="m"))


def test_a_broken_environment_does_not_block_a_complete_choice():
    settings = env(llm_provider="deepseek")  # no key: the environment alone is unusable
    config = model_config(settings, ModelChoice("deepseek", api_key="sk-typed"))
    assert (config.model, config.api_key) == (DEEPSEEK.model, "sk-typed")


def test_the_placeholder_key_is_not_passed_on_as_a_key(monkeypatch):
    calls = []

    def recording(*args, **kwargs):
        calls.append(args)
        return make_llm_config(*args, **kwargs)

    monkeypatch.setattr(factory, "make_llm_config", recording)
    # A keyless server in the environment: its resolved key is the placeholder.
    settings = env(
        llm_provider="vllm", llm_base_url="http://127.0.0.1:8000/v1", llm_model="qwen2.5-7b"
    )
    config = model_config(settings, ModelChoice("vllm"))
    assert calls[-1] == ("vllm", "qwen2.5-7b", "http://127.0.0.1:8000/v1", None)
    assert config.api_key == NO_KEY
    # Typed as the key for a provider that needs a real one, the placeholder is no key at all.
    with pytest.raises(ConfigError, match="API Key"):
        model_config(deepseek_env(), ModelChoice("deepseek", api_key=NO_KEY))
    assert calls[-1][3] is None


def test_timeout_retries_concurrency_and_temperature_come_from_settings():
    settings = deepseek_env(
        llm_timeout=12.5, llm_max_retries=5, llm_concurrency=3, llm_temperature=0.9
    )
    for config in (
        model_config(settings, ModelChoice("deepseek")),
        model_config(settings, ModelChoice("ollama")),
        model_config(settings),
    ):
        assert (config.timeout, config.max_retries, config.concurrency, config.temperature) == (
            12.5,
            5,
            3,
            0.9,
        )


def test_an_unknown_provider_is_a_config_error():
    with pytest.raises(ConfigError, match="未知的模型服务商"):
        model_config(deepseek_env(), ModelChoice("nosuch", api_key="k"))


# make_writer


def test_no_model_means_the_offline_composer():
    writer = make_writer(None)
    assert isinstance(writer, Composer)
    assert writer.origin == "composer"


def test_a_model_config_means_a_model_writer_with_that_config():
    config = model_config(deepseek_env(llm_concurrency=6))
    writer = make_writer(config)
    assert isinstance(writer, ModelWriter)
    assert writer.config is config
    assert writer.origin == "model"
    assert writer.name == "deepseek-chat"
    assert writer.concurrency == 6
    assert make_writer(config) is not writer  # never shared between calls


# open_library / open_draft_store


def test_open_library_with_hash_embeddings_searches_its_store(tmp_path):
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "data", embedding="hash", collection="t"
    )
    library = open_library(settings)
    assert library.semantic is False
    assert isinstance(library.retriever, Retriever)
    assert library.retriever.store is library.store
    assert (settings.data_dir / "chroma").is_dir()
    assert library.retriever.search("双拥 退役军人", k=3) == []

    ingest([small_corpus(tmp_path / "corpus")], library.store)
    hits = library.retriever.search("拥军优属 退役军人 走访慰问", k=3, topic="shuangyong")
    assert hits and all(h.topic == "shuangyong" for h in hits)
    assert {h.source_id for h in hits} <= set(library.store.sources())


def test_open_draft_store_saves_and_loads_in_the_data_folder(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", embedding="hash")
    drafts = open_draft_store(settings)
    assert (settings.data_dir / "drafts.sqlite3").is_file()

    draft = new_draft(
        make_profile({"community": "阳光社区", "year": 2027, "topic": "双拥"}), Composer()
    )
    draft.sections[0].add(Version("指导思想正文。", "composer"))
    draft_id = drafts.save(draft)
    assert draft_id and draft.id == draft_id

    # A second store over the same settings reads the same file.
    loaded = open_draft_store(settings).load(draft_id)
    assert loaded.title == "阳光社区2027年双拥工作计划"
    assert loaded.sections[0].text == "指导思想正文。"
    assert [d.id for d in drafts.list()] == [draft_id]

    other = Settings(_env_file=None, data_dir=tmp_path / "elsewhere", embedding="hash")
    with pytest.raises(DraftNotFound):
        open_draft_store(other).load(draft_id)
