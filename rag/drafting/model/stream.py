"""The streamed model call: retries only before the first text, keeps partial text on failure,
hides reasoning blocks, and explains every failure in Chinese."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field

from rag.drafting.model.providers import LLMConfig, chat_model
from rag.errors import ModelError


def model_error(error: Exception, config: LLMConfig) -> ModelError:
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


# Reasoning some models write before their answer, in any case: <think>, <thinking>, <reasoning>.
_REASONING = r"(?:think|thinking|reasoning)"
_REASONING_NAMES = ("think", "thinking", "reasoning")
_OPEN_TAG = re.compile(rf"<{_REASONING}\b[^<>]*>", re.I)
_CLOSE_TAG = re.compile(rf"</{_REASONING}\s*>", re.I)
# A block ends at any reasoning close tag, or at the end of what has arrived (never closed).
_BLOCK = re.compile(rf"<{_REASONING}\b[^<>]*>.*?(?:</{_REASONING}\s*>|$)", re.I | re.S)
_TAIL_TAG = re.compile(r"<([A-Za-z]*)\s*$")


def visible_text(raw: str) -> str:
    """The text a reader may see: reasoning blocks (closed, still open, or whose opening tag
    never came) removed, in any letter case, and a tag still arriving held back."""
    opening = _OPEN_TAG.search(raw)
    orphans = list(_CLOSE_TAG.finditer(raw, 0, opening.start() if opening else len(raw)))
    if orphans:  # everything before a close tag without its opening tag was reasoning
        raw = raw[orphans[-1].end() :]
    text = _BLOCK.sub("", raw)
    tail = _TAIL_TAG.search(text)
    if tail and any(name.startswith(tail[1].lower()) for name in _REASONING_NAMES):
        return text[: tail.start()]
    return text


@dataclass
class StreamResult:
    text: str
    complete: bool
    error: str = ""
    usage: dict = field(default_factory=dict)


# Finish reasons that mean the text is not whole, and what the user can do.
UNFINISHED = {
    "length": "模型输出达到长度上限被截断：可重新生成，或要求写得更简洁。",
    "content_filter": "模型服务的内容审核拦截了部分输出：请调整要求后重新生成。",
}


def _backoff(config: LLMConfig, attempt: int, retry_after: float | None = None) -> float:
    return min(retry_after or config.retry_base * 2 ** (attempt - 1), 30.0)


def _overdue(config: LLMConfig, text: str) -> str:
    kept = f"（已保留已生成的 {len(text)} 字）" if text.strip() else ""
    return (
        f"本节生成超过 {config.deadline:g} 秒仍未完成，已停止{kept}："
        "可点击“重新生成”补全本节，或在设置中调大每节时限（PLAN_LLM_SECTION_DEADLINE）。"
    )


def stream_chat(
    chat,
    messages: list,
    config: LLMConfig,
    on_text: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> StreamResult:
    """Stream a reply; retry only while no text has arrived; keep partial text on failure;
    stop at the section's deadline (checked as text arrives: a read waits at most the timeout)."""
    attempt = 0
    due = clock() + config.deadline
    while True:
        attempt += 1
        raw, text, usage, finish = "", "", {}, None
        try:
            with closing(chat.stream(messages)) as stream:
                for chunk in stream:
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
                    if finish is None and clock() > due:
                        return StreamResult(text, False, _overdue(config, text), usage)
        except Exception as e:  # every failure becomes a message on this section only
            error = model_error(e, config)
            retry = error.retryable and attempt <= config.max_retries and clock() < due
            if not text.strip() and retry:
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
            return StreamResult(text, False, message, usage)
        if finish in UNFINISHED:
            return StreamResult(text, False, UNFINISHED[finish], usage)
        if finish is None:
            if not text.strip() and attempt <= config.max_retries and clock() < due:
                sleep(_backoff(config, attempt))
                continue
            message = (
                f"模型的输出在结束前中断（已保留已生成的 {len(text)} 字）：可点击“重新生成”补全本节。"
                if text.strip()
                else "模型服务没有返回任何内容：请检查模型设置后重新生成。"
            )
            return StreamResult(text, False, message, usage)
        if not text.strip():
            return StreamResult(text, False, "模型返回了空内容：请重新生成本节。", usage)
        return StreamResult(text, True, "", usage)


def check_connection(config: LLMConfig, chat=None) -> str:
    """Send one tiny request; returns the model's reply or raises ModelError in Chinese."""
    chat = chat if chat is not None else chat_model(config)
    result = stream_chat(chat, [("human", "请只回复两个字：收到")], config)
    if not result.complete:
        raise ModelError(result.error, kind="other", retryable=False)
    return result.text.strip()
