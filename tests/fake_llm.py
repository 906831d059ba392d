"""An OpenAI-compatible chat server on 127.0.0.1 for tests and benchmarks.

It streams Server-Sent Events with HTTP/1.1 chunked encoding like real providers, records
every request body and Authorization header, and follows rules matched against the request's text: a status code
(429/500/401/404), a delay before the response, a delay per streamed piece, a stream cut
after some pieces (abruptly, or "cleanly" without a finish reason), reasoning in <think>.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Rule:
    match: str | None = None  # substring of the request's messages; None matches all
    status: int = 200
    times: int | None = None  # how many requests it applies to (None: all)
    reply: str | None = None  # None: a reply made from the request
    delay: float = 0.0  # before the response starts
    piece_delay: float = 0.0  # between streamed pieces
    piece_chars: int = 8
    cut_after: int | None = None  # pieces sent before the stream is cut
    clean_cut: bool = False  # end the body properly but without finish_reason / [DONE]
    think: str = ""  # reasoning text sent first inside <think>…</think>
    retry_after: float | None = None
    used: int = 0


def default_reply(body: dict) -> str:
    """A section text made from the request: it names the section it was asked for."""
    user = body["messages"][-1]["content"]
    m = re.search(r"“([一二三四五六七八九十]+、[^”]+)”一节", user)
    title = m[1] if m else "本节"
    return (
        f"（一）围绕{title}明确工作要求。坚持问题导向，压实工作责任，确保各项任务落到实处。\n"
        f"（二）加强统筹协调。定期研究{title.split('、', 1)[-1]}推进情况，及时解决存在的困难。"
    )


@dataclass
class FakeLLM:
    host: str = "127.0.0.1"
    model: str = "fake-model"
    rules: list[Rule] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)  # each request's Authorization
    in_flight: int = 0  # requests being answered right now
    max_in_flight: int = 0  # the most answered at once since the last reset
    abandoned: int = 0  # streams the client hung up on before their end

    def __post_init__(self):
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((self.host, 0), _handler(self))
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # clients hang up on purpose
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.server.server_address[1]}/v1"

    def start(self) -> FakeLLM:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, **kwargs) -> Rule:
        rule = Rule(**kwargs)
        with self._lock:
            self.rules.append(rule)
        return rule

    def reset(self) -> None:
        with self._lock:
            self.rules.clear()
            self.requests.clear()
            self.authorizations.clear()
            self.max_in_flight = 0
            self.abandoned = 0

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def rule_for(self, body: dict, authorization: str = "") -> Rule:
        text = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        with self._lock:
            self.requests.append(body)
            self.authorizations.append(authorization)
            for rule in self.rules:
                if (rule.match is None or rule.match in text) and (
                    rule.times is None or rule.used < rule.times
                ):
                    rule.used += 1
                    return rule
        return Rule()


def _handler(fake: FakeLLM):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep test output clean
            pass

        def do_GET(self):
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": fake.model, "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self):
            fake._enter()
            try:
                self._answer()
            finally:
                fake._leave()

        def _answer(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            rule = fake.rule_for(body, self.headers.get("Authorization", ""))
            time.sleep(rule.delay)
            if rule.status != 200:
                messages = {
                    401: ("Incorrect API key provided", "invalid_api_key"),
                    404: (f"The model `{body.get('model')}` does not exist", "model_not_found"),
                    429: ("Rate limit reached", "rate_limit_exceeded"),
                }
                message, code = messages.get(rule.status, ("Internal error", "server_error"))
                headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after else {}
                self._json(rule.status, {"error": {"message": message, "code": code}}, headers)
                return
            text = rule.reply if rule.reply is not None else default_reply(body)
            if not body.get("stream"):
                self._json(200, _completion(body, text))
                return
            self._stream(body, rule, text)

        def _json(self, status: int, data: dict, headers: dict | None = None):
            raw = json.dumps(data, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(raw)

        def _chunk(self, data: bytes):
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _event(self, payload):
            data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
            self._chunk(f"data: {data}\n\n".encode())

        def _stream(self, body: dict, rule: Rule, text: str):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            full = (f"<think>{rule.think}</think>\n" if rule.think else "") + text
            pieces = [full[i : i + rule.piece_chars] for i in range(0, len(full), rule.piece_chars)]
            for n, piece in enumerate(pieces):
                if rule.cut_after is not None and n >= rule.cut_after:
                    if rule.clean_cut:
                        self._chunk(b"")
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                try:
                    self._event(_delta(body, {"content": piece}))
                except OSError:  # the client went away: stop writing, count it
                    with fake._lock:
                        fake.abandoned += 1
                    self.close_connection = True
                    return
                time.sleep(rule.piece_delay)
            self._event(_delta(body, {}, finish="stop"))
            if (body.get("stream_options") or {}).get("include_usage"):
                prompt = sum(len(str(m.get("content", ""))) for m in body["messages"])
                self._event(
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": body.get("model"),
                        "choices": [],
                        "usage": {
                            "prompt_tokens": prompt,
                            "completion_tokens": len(full),
                            "total_tokens": prompt + len(full),
                        },
                    }
                )
            self._event("[DONE]")
            self._chunk(b"")

    return Handler


def _delta(body: dict, delta: dict, finish: str | None = None) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(body: dict, text: str) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model"),
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": 1,
            "completion_tokens": len(text),
            "total_tokens": 1 + len(text),
        },
    }
