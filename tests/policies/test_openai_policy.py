"""OpenAIPolicy against a scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from rlvr.policies import GenerationRequest, SamplingParams, make_policy
from rlvr.policies.openai import OpenAIPolicy

# A handler gets (recorded request, attempt number for this prompt) and returns
# (status, headers, body bytes); it may sleep to simulate a slow model.
Reply = tuple[int, dict[str, str], bytes]
Script = Callable[[dict[str, Any], int], Reply]


def answer(
    content: str,
    finish_reason: str = "stop",
    usage: dict[str, int] | None = None,
) -> Reply:
    body: dict[str, Any] = {
        "id": "cmpl-1",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
    }
    if usage is not None:
        body["usage"] = usage
    return 200, {}, json.dumps(body).encode()


def echo(request: dict[str, Any], attempt: int) -> Reply:
    return answer("echo: " + request["body"]["messages"][-1]["content"])


@dataclass
class FakeServer:
    """A fake ``/v1/chat/completions`` endpoint that records requests and concurrency."""

    script: Script = echo
    requests: list[dict[str, Any]] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the test ends."""
        self.release.wait(seconds)

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", 0))
        raw = handler.rfile.read(length)
        body = json.loads(raw)
        record = {
            "path": handler.path,
            "headers": dict(handler.headers.items()),
            "body": body,
            "time": time.monotonic(),
        }
        key = body["messages"][-1]["content"]
        with self.lock:
            self.requests.append(record)
            attempt = self.attempts[key] = self.attempts.get(key, 0) + 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            status, headers, payload = self.script(record, attempt)
        finally:
            with self.lock:
                self.in_flight -= 1
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many simultaneous connects must not overflow the backlog

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that gave up (timeouts) make broken pipes; they are expected


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path != "/v1/chat/completions":
                self.send_error(404)
                return
            fake.handle(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = _QuietServer(("127.0.0.1", 0), Handler)
    fake.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def ask(*prompts: str, **params: Any) -> list[GenerationRequest]:
    sampling = SamplingParams(**params)
    return [GenerationRequest(({"role": "user", "content": p},), sampling) for p in prompts]


def fast(server: FakeServer, **options: Any) -> OpenAIPolicy:
    options = {"backoff": 0.01, "timeout": 5.0, **options}
    return OpenAIPolicy(server.base_url, "test-model", **options)


def test_request_body_fields(server: FakeServer) -> None:
    policy = fast(server, api_key="")
    policy.generate(ask("plain", max_tokens=7, temperature=0.3, top_p=0.9))
    policy.generate(ask("fancy", stop=("\n\n", "END"), seed=42))
    plain, fancy = (r["body"] for r in server.requests)
    assert server.requests[0]["path"] == "/v1/chat/completions"
    assert plain == {
        "model": "test-model",
        "messages": [{"role": "user", "content": "plain"}],
        "max_tokens": 7,
        "temperature": 0.3,
        "top_p": 0.9,
        "n": 1,
    }
    assert fancy["stop"] == ["\n\n", "END"]
    assert fancy["seed"] == 42
    assert fancy["max_tokens"] == 512
    assert "Authorization" not in server.requests[0]["headers"]


def test_trailing_slash_and_spec(server: FakeServer) -> None:
    policy = OpenAIPolicy(server.base_url + "/", "m", api_key="")
    assert policy.generate(ask("hi"))[0].text == "echo: hi"
    assert server.requests[0]["path"] == "/v1/chat/completions"
    assert policy.spec == f"openai:{server.base_url}/#m"
    policy.close()


def test_results_in_request_order(server: FakeServer) -> None:
    def reversed_speed(request: dict[str, Any], attempt: int) -> Reply:
        index = int(request["body"]["messages"][-1]["content"])
        server.sleep(0.01 * (10 - index))  # later requests answer first
        return echo(request, attempt)

    server.script = reversed_speed
    prompts = [str(i) for i in range(10)]
    out = fast(server).generate(ask(*prompts))
    assert [g.text for g in out] == [f"echo: {p}" for p in prompts]
    assert all(g.finish_reason == "stop" and g.error is None for g in out)
    assert all(g.seconds > 0 for g in out)


def test_concurrency_is_bounded(server: FakeServer) -> None:
    def slow(request: dict[str, Any], attempt: int) -> Reply:
        server.sleep(0.08)
        return echo(request, attempt)

    server.script = slow
    out = fast(server, max_concurrency=3).generate(ask(*(str(i) for i in range(12))))
    assert all(g.error is None for g in out)
    assert 1 < server.max_in_flight <= 3


def test_concurrency_one_is_sequential(server: FakeServer) -> None:
    def slow(request: dict[str, Any], attempt: int) -> Reply:
        server.sleep(0.02)
        return echo(request, attempt)

    server.script = slow
    fast(server, max_concurrency=1).generate(ask("a", "b", "c", "d"))
    assert server.max_in_flight == 1


def test_retry_on_500_then_success(server: FakeServer) -> None:
    def flaky(request: dict[str, Any], attempt: int) -> Reply:
        if attempt < 3:
            return 500, {}, b'{"error": {"message": "overloaded"}}'
        return echo(request, attempt)

    server.script = flaky
    [out] = fast(server).generate(ask("x"))
    assert out.text == "echo: x" and out.error is None
    assert server.attempts["x"] == 3


def test_retry_on_429_honours_retry_after(server: FakeServer) -> None:
    def limited(request: dict[str, Any], attempt: int) -> Reply:
        if attempt == 1:
            return 429, {"Retry-After": "0.3"}, b'{"error": {"message": "slow down"}}'
        return echo(request, attempt)

    server.script = limited
    [out] = fast(server, backoff=0.001).generate(ask("x"))
    assert out.text == "echo: x"
    first, second = server.requests
    assert second["time"] - first["time"] >= 0.25


def test_retry_after_is_capped(server: FakeServer) -> None:
    def limited(request: dict[str, Any], attempt: int) -> Reply:
        if attempt == 1:
            return 429, {"Retry-After": "3600"}, b"{}"
        return echo(request, attempt)

    server.script = limited
    start = time.monotonic()
    [out] = fast(server, max_retry_after=0.05).generate(ask("x"))
    assert out.text == "echo: x"
    assert time.monotonic() - start < 2


def test_retries_exhausted(server: FakeServer) -> None:
    server.script = lambda request, attempt: (503, {}, b"busy")
    [out] = fast(server, max_retries=2).generate(ask("x"))
    assert out.finish_reason == "error" and out.text == ""
    assert "503" in out.error and "busy" in out.error and "3 attempts" in out.error
    assert server.attempts["x"] == 3


def test_no_retry_on_400(server: FakeServer) -> None:
    message = "maximum context length exceeded " + "x" * 5000
    body = json.dumps({"error": {"message": message}}).encode()
    server.script = lambda request, attempt: (400, {}, body)
    [out] = fast(server).generate(ask("x"))
    assert out.finish_reason == "error"
    assert "HTTP 400" in out.error and "maximum context length exceeded" in out.error
    assert len(out.error) < 1000
    assert server.attempts["x"] == 1


def test_timeout_becomes_error_after_retries(server: FakeServer) -> None:
    def stuck(request: dict[str, Any], attempt: int) -> Reply:
        server.sleep(2)
        return echo(request, attempt)

    server.script = stuck
    start = time.monotonic()
    [out] = fast(server, timeout=0.2, max_retries=1).generate(ask("x"))
    assert out.finish_reason == "error" and "timed out" in out.error
    assert server.attempts["x"] == 2
    assert time.monotonic() - start < 1.5


def test_connection_refused_is_error_quickly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    policy = OpenAIPolicy(f"http://127.0.0.1:{port}/v1", "m", backoff=0.01, max_retries=1)
    start = time.monotonic()
    out = policy.generate(ask("a", "b"))
    assert [g.finish_reason for g in out] == ["error", "error"]
    assert all("connection error" in g.error for g in out)
    assert time.monotonic() - start < 2


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"{not json", "malformed JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"choices": []}', "choices[0]"),
        (b'{"choices": [{"message": {"content": 3}}]}', "content"),
    ],
)
def test_malformed_response_is_error(server: FakeServer, payload: bytes, problem: str) -> None:
    server.script = lambda request, attempt: (200, {}, payload)
    [out] = fast(server).generate(ask("x"))
    assert out.finish_reason == "error" and out.text == ""
    assert problem in out.error
    assert server.attempts["x"] == 1


def test_response_size_is_bounded(server: FakeServer) -> None:
    server.script = lambda request, attempt: answer("y" * 5000)
    [out] = fast(server, max_response_bytes=1000).generate(ask("x"))
    assert out.finish_reason == "error" and "larger than 1000 bytes" in out.error


def test_usage_and_finish_reason(server: FakeServer) -> None:
    def script(request: dict[str, Any], attempt: int) -> Reply:
        prompt = request["body"]["messages"][-1]["content"]
        if prompt == "long":
            return answer("trunc", "length", {"prompt_tokens": 11, "completion_tokens": 7})
        return answer("done", "eos")

    server.script = script
    long, short = fast(server).generate(ask("long", "short"))
    assert (long.text, long.finish_reason) == ("trunc", "length")
    assert (long.prompt_tokens, long.completion_tokens) == (11, 7)
    assert (short.text, short.finish_reason) == ("done", "stop")
    assert short.prompt_tokens is None and short.completion_tokens is None


def test_api_key_sent_and_never_in_errors(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-test-SECRET-1234567890"

    def script(request: dict[str, Any], attempt: int) -> Reply:
        auth = request["headers"].get("Authorization", "")
        prompt = request["body"]["messages"][-1]["content"]
        if prompt == "ok":
            return echo(request, attempt)
        status = 401 if prompt == "bad" else 500
        return status, {}, json.dumps({"error": {"message": f"rejected {auth}"}}).encode()

    server.script = script
    explicit = fast(server, api_key=secret, max_retries=1)
    ok, bad, broken = explicit.generate(ask("ok", "bad", "broken"))
    assert ok.text == "echo: ok"
    assert {r["headers"]["Authorization"] for r in server.requests} == {f"Bearer {secret}"}
    for failed in (bad, broken):
        assert failed.finish_reason == "error" and "rejected" in failed.error
        assert secret not in failed.error
    assert secret not in repr(explicit)

    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    server.requests.clear()
    fast(server).generate(ask("ok"))
    assert server.requests[0]["headers"]["Authorization"] == "Bearer sk-from-env"


def test_generate_inside_running_event_loop(server: FakeServer) -> None:
    policy = fast(server, max_concurrency=4)

    async def notebook_cell() -> list[str]:
        asyncio.get_running_loop()
        return [g.text for g in policy.generate(ask("a", "b", "c"))]

    assert asyncio.run(notebook_cell()) == ["echo: a", "echo: b", "echo: c"]


def test_empty_batch(server: FakeServer) -> None:
    assert fast(server).generate([]) == []
    assert server.requests == []


def test_make_policy_builds_it(server: FakeServer) -> None:
    spec = f"openai:http://127.0.0.1:{server.port}/v1#m"
    policy = make_policy(spec, max_concurrency=2, api_key="")
    assert isinstance(policy, OpenAIPolicy)
    assert policy.spec == spec and policy.model == "m" and policy.max_concurrency == 2
    assert policy.generate(ask("hello"))[0].text == "echo: hello"
    assert server.requests[0]["body"]["model"] == "m"


def test_bad_configuration() -> None:
    with pytest.raises(ValueError, match="model"):
        OpenAIPolicy("http://127.0.0.1:1/v1", "")
    with pytest.raises(ValueError, match="base URL"):
        OpenAIPolicy("127.0.0.1:8000/v1", "m")
    with pytest.raises(ValueError, match="max_concurrency"):
        OpenAIPolicy("http://127.0.0.1:1/v1", "m", max_concurrency=0)
