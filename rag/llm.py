"""OpenAI-compatible chat models through LangChain: provider presets, one client factory,
and a streaming call that retries only before the first text and explains failures in Chinese.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.config import Settings
from rag.errors import ConfigError, PlanError


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
    timeout: float = 60.0
    max_retries: int = 2
    concurrency: int = 4
    temperature: float = 0.3
    extra_body: dict = field(default_factory=dict)
    retry_base: float = 1.0  # seconds; doubled per retry unless the server says Retry-After

    @property
    def label(self) -> str:
        return f"{self.model}（{self.base_url}）"


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
    base_url = (base_url or preset.base_url).strip().rstrip("/")
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
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        concurrency=settings.llm_concurrency,
        temperature=settings.llm_temperature,
    )


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


class ModelError(PlanError):
    """A model request that failed; the message says what happened and what to do."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.kind = kind  # timeout connection auth model rate server broken other
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


def classify(error: Exception, config: LLMConfig) -> ModelError:
    """A ModelError with a Chinese explanation for an exception from the SDK or the network."""
    import httpx
    import openai

    if isinstance(error, ModelError):
        return error
    status = getattr(error, "status_code", None)
    if isinstance(error, openai.APITimeoutError | httpx.TimeoutException):
        return ModelError(
            f"模型服务在 {config.timeout:g} 秒内没有响应：请稍后重试，或在设置中调大超时时间。",
            kind="timeout",
            retryable=True,
        )
    if isinstance(error, openai.APIConnectionError | httpx.ConnectError):
        return ModelError(
            f"无法连接模型服务 {config.base_url}：请检查接口地址、网络，以及服务是否已启动。",
            kind="connection",
            retryable=True,
        )
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return ModelError(
            f"模型服务拒绝了访问（{status}）：请检查 API Key 是否正确、是否过期、是否有权使用该模型。",
            kind="auth",
            retryable=False,
            status=status,
        )
    if isinstance(error, openai.NotFoundError) or (
        isinstance(error, openai.BadRequestError) and "model" in str(error).lower()
    ):
        return ModelError(
            f"模型服务找不到模型“{config.model}”或接口地址不对（{status}）：请检查模型名称和接口地址。",
            kind="model",
            retryable=False,
            status=status,
        )
    if isinstance(error, openai.RateLimitError):
        return ModelError(
            "模型服务限流（429）：请求过于频繁或额度不足，请稍后再试，或在设置中降低并发数。",
            kind="rate",
            retryable=True,
            status=429,
            retry_after=_retry_after(error),
        )
    if isinstance(error, openai.APIStatusError):
        retryable = status is not None and status >= 500
        advice = "服务端暂时故障，请稍后重试。" if retryable else "请检查模型设置。"
        return ModelError(
            f"模型服务返回错误（{status}）：{advice}",
            kind="server",
            retryable=retryable,
            status=status,
        )
    if isinstance(error, httpx.HTTPError | openai.APIError):
        return ModelError(
            "与模型服务的连接中途断开：请重新生成本节。", kind="broken", retryable=True
        )
    return ModelError(
        f"调用模型时出现意外错误（{type(error).__name__}）：请重新生成本节；如反复出现，请检查模型设置。",
        kind="other",
        retryable=False,
    )


def _retry_after(error) -> float | None:
    try:
        value = error.response.headers.get("retry-after")
        return float(value) if value else None
    except (AttributeError, ValueError):
        return None


_THINK_BLOCK = re.compile(r"<think>.*?(?:</think>|$)", re.S)


def visible_text(raw: str) -> str:
    """The text a reader may see: <think> blocks (closed, open, or only closed) removed."""
    if "</think>" in raw and "<think>" not in raw:
        raw = raw.rsplit("</think>", 1)[1]
    text = _THINK_BLOCK.sub("", raw)
    partial = re.search(r"<(?:t(?:h(?:i(?:n(?:k)?)?)?)?)?$", text)
    return text[: partial.start()] if partial else text


@dataclass
class StreamResult:
    text: str
    complete: bool
    error: str = ""
    usage: dict = field(default_factory=dict)
    attempts: int = 1


# Finish reasons that mean the text is not whole, and what the user can do.
UNFINISHED = {
    "length": "模型输出达到长度上限被截断：可重新生成，或要求写得更简洁。",
    "content_filter": "模型服务的内容审核拦截了部分输出：请调整要求后重新生成。",
}


def _backoff(config: LLMConfig, attempt: int, retry_after: float | None = None) -> float:
    return min(retry_after or config.retry_base * 2 ** (attempt - 1), 30.0)


def stream_chat(
    chat,
    messages: list,
    config: LLMConfig,
    on_text: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> StreamResult:
    """Stream a reply; retry only while no text has arrived; keep partial text on failure."""
    attempt = 0
    while True:
        attempt += 1
        raw, text, usage, finish = "", "", {}, None
        try:
            for chunk in chat.stream(messages):
                raw += str(chunk.text)  # text blocks only: reasoning blocks never reach it
                if chunk.usage_metadata:
                    usage = dict(chunk.usage_metadata)
                finish = chunk.response_metadata.get("finish_reason") or finish
                if getattr(chunk, "chunk_position", None) == "last" and str(chunk.text):
                    finish = finish or "stop"  # a model that marks its own last chunk
                new = visible_text(raw)
                if new != text:
                    text = new
                    if on_text:
                        on_text(text)
        except Exception as e:  # every failure becomes a message on this section only
            error = classify(e, config)
            if not text.strip() and error.retryable and attempt <= config.max_retries:
                sleep(_backoff(config, attempt, error.retry_after))
                continue
            if text.strip():
                cause = (
                    f"模型服务超过 {config.timeout:g} 秒没有继续输出"
                    if error.kind == "timeout"
                    else "与模型服务的连接中途断开"
                )
                message = (
                    f"生成中途中断（已保留已生成的 {len(text)} 字）：{cause}。"
                    "可点击“重新生成”补全本节。"
                )
            else:
                message = str(error) + (f"（已重试 {attempt - 1} 次）" if attempt > 1 else "")
            return StreamResult(text, False, message, usage, attempt)
        if finish in UNFINISHED:
            return StreamResult(text, False, UNFINISHED[finish], usage, attempt)
        if finish is None:
            if not text.strip() and attempt <= config.max_retries:
                sleep(_backoff(config, attempt))
                continue
            message = (
                f"模型的输出在结束前中断（已保留已生成的 {len(text)} 字）：可点击“重新生成”补全本节。"
                if text.strip()
                else "模型服务没有返回任何内容：请检查模型设置后重新生成。"
            )
            return StreamResult(text, False, message, usage, attempt)
        if not text.strip():
            return StreamResult(text, False, "模型返回了空内容：请重新生成本节。", usage, attempt)
        return StreamResult(text, True, "", usage, attempt)


def check_connection(config: LLMConfig, chat=None) -> str:
    """Send one tiny request; returns the model's reply or raises ModelError in Chinese."""
    chat = chat if chat is not None else chat_model(config)
    result = stream_chat(chat, [("human", "请只回复两个字：收到")], config)
    if not result.complete:
        raise ModelError(result.error, kind="other", retryable=False)
    return result.text.strip()
