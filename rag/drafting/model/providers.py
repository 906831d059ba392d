"""OpenAI-compatible chat models through LangChain: provider presets, the resolved endpoint
(LLMConfig) and the one place a chat client is built."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.config import Settings
from rag.errors import ConfigError


@dataclass(frozen=True)
class Preset:
    label: str
    base_url: str
    model: str
    needs_key: bool
    extra_body: dict = field(default_factory=dict)


PROVIDERS: dict[str, Preset] = {
    "openai": Preset("OpenAI", "https://api.openai.com/v1", "gpt-4o-mini", True),
    "deepseek": Preset("DeepSeek", "https://api.deepseek.com/v1", "deepseek-chat", True),
    "qwen": Preset(
        "通义千问（DashScope 兼容模式）",
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "qwen-plus",
        True,
        {"enable_thinking": False},
    ),
    "zhipu": Preset("智谱 GLM", "https://open.bigmodel.cn/api/paas/v4", "glm-4-flash", True),
    "moonshot": Preset("Moonshot（Kimi）", "https://api.moonshot.cn/v1", "moonshot-v1-8k", True),
    "ollama": Preset("Ollama（本机）", "http://127.0.0.1:11434/v1", "qwen2.5:7b", False),
    "vllm": Preset("vLLM（自建服务）", "http://127.0.0.1:8000/v1", "", False),
    "custom": Preset("自定义 OpenAI 兼容接口", "", "", False),
}
NO_KEY = "EMPTY"  # local servers ignore the key, the SDK insists on one


@dataclass(frozen=True)
class LLMConfig:
    """A resolved model endpoint. The key lives only here (never logged: repr hides it)."""

    provider: str
    model: str
    base_url: str
    api_key: str = field(repr=False)
    timeout: float = 60.0  # seconds per read
    deadline: float = 300.0  # seconds for a whole section, retries included
    max_retries: int = 2
    concurrency: int = 4
    temperature: float = 0.3
    extra_body: dict = field(default_factory=dict)
    retry_base: float = 1.0  # seconds; doubled per retry unless the server says Retry-After

    @property
    def label(self) -> str:
        return f"{self.model}（{self.base_url}）"


def endpoint(base_url: str) -> str:
    """A base URL as the config keeps it (no surrounding spaces, no trailing slash)."""
    return base_url.strip().rstrip("/")


def make_llm_config(
    provider: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    **options,
) -> LLMConfig:
    """Fill a provider's base URL and default model; a missing piece is a ConfigError."""
    provider = (provider or ("custom" if base_url else "openai")).strip().lower()
    if provider not in PROVIDERS:
        raise ConfigError(f"未知的模型服务商“{provider}”，可选：{'、'.join(PROVIDERS)}。")
    preset = PROVIDERS[provider]
    base_url = endpoint(base_url or preset.base_url)
    model = (model or preset.model).strip()
    if not base_url:
        raise ConfigError(
            "请填写模型服务的接口地址（PLAN_LLM_BASE_URL），例如 http://127.0.0.1:8000/v1。"
        )
    if not re.match(r"https?://", base_url):
        raise ConfigError(f"接口地址应以 http:// 或 https:// 开头：{base_url}")
    if not model:
        raise ConfigError(
            f"请填写要使用的模型名称（PLAN_LLM_MODEL），{preset.label} 没有默认模型。"
        )
    if preset.needs_key and not api_key:
        raise ConfigError(f"使用 {preset.label} 需要 API Key：请设置 PLAN_LLM_API_KEY。")
    return LLMConfig(
        provider, model, base_url, api_key or NO_KEY, extra_body=dict(preset.extra_body), **options
    )


def llm_config(settings: Settings) -> LLMConfig | None:
    """The configured model, or None when nothing is configured (offline composing)."""
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if not any((settings.llm_provider, settings.llm_model, settings.llm_base_url, key)):
        return None
    return make_llm_config(
        settings.llm_provider,
        settings.llm_model,
        settings.llm_base_url,
        key,
        **llm_options(settings),
    )


def llm_options(settings: Settings) -> dict:
    """The request options every model call takes from settings, whoever chose the model."""
    return {
        "timeout": settings.llm_timeout,
        "deadline": settings.llm_section_deadline,
        "max_retries": settings.llm_max_retries,
        "concurrency": settings.llm_concurrency,
        "temperature": settings.llm_temperature,
    }


def chat_model(config: LLMConfig):
    """A streaming ChatOpenAI for the endpoint; retries are ours (before the first text)."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        model=config.model,
        base_url=config.base_url,
        api_key=SecretStr(config.api_key),
        timeout=config.timeout,
        max_retries=0,
        streaming=True,
        stream_usage=True,
        temperature=config.temperature,
        extra_body=config.extra_body or None,
    )
