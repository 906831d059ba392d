"""A chat model for prompt-level tests without HTTP: replies queued with enqueue(), the
messages of every call recorded in calls (tests/fake_llm.py is for the HTTP layer)."""

from __future__ import annotations

from collections import deque

from langchain_core.messages import AIMessageChunk

DEFAULT_REPLY = "（一）加强组织领导。"


class FakeChat:
    """Streams each queued reply as one chunk that ends the message; an exception queued as
    a reply is raised by its call instead. With the queue empty it answers DEFAULT_REPLY."""

    def __init__(self):
        self.replies: deque[str | BaseException] = deque()
        self.calls: list[list[tuple[str, str]]] = []

    def enqueue(self, *replies: str | BaseException) -> FakeChat:
        self.replies.extend(replies)
        return self

    def stream(self, messages):
        self.calls.append([tuple(m) for m in messages])
        reply = self.replies.popleft() if self.replies else DEFAULT_REPLY
        if isinstance(reply, BaseException):
            raise reply
        yield AIMessageChunk(content=reply, response_metadata={"finish_reason": "stop"})

    def prompt(self, call: int = -1) -> str:
        """The user message of a call (the last by default)."""
        return next(text for role, text in self.calls[call] if role == "human")
