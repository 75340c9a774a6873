"""A policy backed by an OpenAI-compatible chat completions server (vLLM, SGLang, OpenAI, ...).

Spec ``openai:BASE_URL#MODEL``, e.g. ``openai:http://127.0.0.1:8000/v1#Qwen/Qwen2.5-0.5B``.
Each request is one ``POST {BASE_URL}/chat/completions`` (a trailing slash on ``BASE_URL`` is
fine) with ``model``, ``messages``, ``max_tokens``, ``temperature``, ``top_p``, ``n=1``,
``stop`` (only when non-empty), ``seed`` (only when set) and any ``extra_body`` fields.

Options of :class:`OpenAIPolicy`:

- ``api_key``: sent as ``Authorization: Bearer ...``; defaults to ``$OPENAI_API_KEY`` if set.
  It is never logged, and is scrubbed from every error text;
- ``max_concurrency`` (16): at most this many requests of a batch in flight at once. A batch runs
  on asyncio, each HTTP exchange (standard-library :mod:`http.client`) in a worker thread. Called
  from a thread whose event loop is already running (a notebook), the batch runs on a private loop
  in a worker thread instead;
- ``timeout`` (120 s): per attempt: connecting, each wait for data, and the whole body read;
- ``max_retries`` (4): retries after connection errors, timeouts, HTTP 429 and 5xx, with
  exponential backoff (``backoff`` * 2**attempt, at most ``max_backoff``) and jitter; a
  ``Retry-After`` header (seconds or HTTP date) is honoured, capped at ``max_retry_after``. Other
  4xx answers (e.g. 400) are not retried;
- ``max_response_bytes`` (8 MiB): a larger response body is an error.

Answers: ``choices[0].message.content`` is the text; ``finish_reason`` ``"length"`` maps to
``"length"``, anything else to ``"stop"``; ``usage.prompt_tokens`` / ``usage.completion_tokens``
are kept when present. Results come back in request order; a request that finally fails (after
retries, or at once for a bad request or a malformed answer) gives
``Generation("", "error", error=...)`` instead of raising. ``seconds`` covers all attempts.
"""

from __future__ import annotations

import asyncio
import email.utils
import http.client
import json
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from rlvr.policies.base import FinishReason, Generation, GenerationRequest

logger = logging.getLogger(__name__)

_MAX_ERROR_CHARS = 500


class _Retryable(Exception):
    """An attempt that failed in a way worth retrying."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _Fatal(Exception):
    """An attempt that failed in a way that retrying will not fix."""


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int | None
    path: str


def _parse_base_url(base_url: str) -> _Target:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base URL must be http(s)://HOST[:PORT][/PATH], got {base_url!r}")
    return _Target(
        parts.scheme, parts.hostname, parts.port, parts.path.rstrip("/") + "/chat/completions"
    )


def _truncate(text: str, limit: int = _MAX_ERROR_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_message(body: bytes) -> str:
    """The server's error message: ``error.message`` of a JSON body, else the body text."""
    text = body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        return text.strip()
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
        if isinstance(error, str):
            return error
        if isinstance(data.get("message"), str):
            return data["message"]
    return text.strip()


def _parse_completion(body: bytes) -> tuple[str, FinishReason, int | None, int | None]:
    """``(text, finish_reason, prompt_tokens, completion_tokens)`` from a response body."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _Fatal(f"malformed JSON in response: {error}") from None
    if not isinstance(data, dict):
        raise _Fatal(f"malformed response: expected a JSON object, got {type(data).__name__}")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise _Fatal("malformed response: no choices[0]")
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise _Fatal("malformed response: choices[0].message is not an object")
    content = message.get("content")
    if content is None:
        content = ""
    if not isinstance(content, str):
        raise _Fatal("malformed response: choices[0].message.content is not a string")
    finish: FinishReason = "length" if choice.get("finish_reason") == "length" else "stop"
    usage = data.get("usage")
    prompt_tokens = completion_tokens = None
    if isinstance(usage, dict):
        if isinstance(usage.get("prompt_tokens"), int):
            prompt_tokens = usage["prompt_tokens"]
        if isinstance(usage.get("completion_tokens"), int):
            completion_tokens = usage["completion_tokens"]
    return content, finish, prompt_tokens, completion_tokens


class OpenAIPolicy:
    """Chat completions from an OpenAI-compatible server; see the module docstring."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        max_concurrency: int = 16,
        timeout: float = 120.0,
        max_retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 60.0,
        max_response_bytes: int = 8 * 1024 * 1024,
        extra_body: Mapping[str, Any] | None = None,
    ) -> None:
        if not model:
            raise ValueError("the openai policy needs a model: openai:BASE_URL#MODEL")
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be >= 1, got {max_concurrency}")
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0, got {timeout}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        self._target = _parse_base_url(base_url)
        self.spec = f"openai:{base_url}#{model}"
        self.base_url = base_url
        self.model = model
        self.max_concurrency = max_concurrency
        self.timeout = float(timeout)
        self.max_retries = max_retries
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        self.max_retry_after = float(max_retry_after)
        self.max_response_bytes = max_response_bytes
        self.extra_body = dict(extra_body or {})
        self._api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")

    def __repr__(self) -> str:
        return f"OpenAIPolicy({self.base_url!r}, {self.model!r})"

    # -- public ---------------------------------------------------------------------------------

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        """One generation per request, in order; failures become error generations."""
        requests = list(requests)
        if not requests:
            return []
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self._generate_all(requests))
        # A loop is running in this thread: run the batch on a private loop in another thread.
        result: list[list[Generation]] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                result.append(asyncio.run(self._generate_all(requests)))
            except BaseException as error:  # re-raised in the caller's thread
                failure.append(error)

        worker = threading.Thread(target=run, name="rlvr-openai-batch", daemon=True)
        worker.start()
        worker.join()
        if failure:
            raise failure[0]
        return result[0]

    def close(self) -> None:
        """Nothing to release: connections live only for one attempt."""

    # -- internals ------------------------------------------------------------------------------

    def _body(self, request: GenerationRequest) -> bytes:
        params = request.params
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [dict(message) for message in request.messages],
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "n": 1,
        }
        if params.stop:
            body["stop"] = list(params.stop)
        if params.seed is not None:
            body["seed"] = params.seed
        body.update(self.extra_body)
        return json.dumps(body).encode("utf-8")

    def _scrub(self, text: str) -> str:
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return text

    async def _generate_all(self, requests: list[GenerationRequest]) -> list[Generation]:
        semaphore = asyncio.Semaphore(self.max_concurrency)
        workers = min(self.max_concurrency, len(requests))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rlvr-openai") as pool:
            return list(
                await asyncio.gather(
                    *(self._generate_one(request, semaphore, pool) for request in requests)
                )
            )

    async def _generate_one(
        self, request: GenerationRequest, semaphore: asyncio.Semaphore, pool: ThreadPoolExecutor
    ) -> Generation:
        loop = asyncio.get_running_loop()
        start = time.monotonic()
        try:
            body = self._body(request)
        except (TypeError, ValueError) as error:
            return Generation("", "error", error=self._scrub(f"cannot encode request: {error}"))
        attempt = 0
        while True:
            try:
                async with semaphore:
                    raw = await loop.run_in_executor(pool, self._post, body)
                text, finish, prompt_tokens, completion_tokens = _parse_completion(raw)
                return Generation(
                    text,
                    finish,
                    prompt_tokens=prompt_tokens,
                    completion_tokens=completion_tokens,
                    seconds=time.monotonic() - start,
                )
            except _Fatal as error:
                message = str(error)
            except _Retryable as error:
                if attempt < self.max_retries:
                    delay = self._delay(attempt, error.retry_after)
                    logger.debug(
                        "openai request failed (%s); retry %d/%d in %.2fs",
                        self._scrub(str(error)),
                        attempt + 1,
                        self.max_retries,
                        delay,
                    )
                    attempt += 1
                    await asyncio.sleep(delay)
                    continue
                message = f"{error} (after {attempt + 1} attempts)"
            return Generation(
                "", "error", seconds=time.monotonic() - start, error=self._scrub(message)
            )

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds before retry ``attempt + 1``: ``Retry-After`` if given, else backoff+jitter."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        ceiling = min(self.max_backoff, self.backoff * 2**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _post(self, body: bytes) -> bytes:
        """One blocking attempt: the 2xx response body, or :class:`_Retryable` / :class:`_Fatal`."""
        target = self._target
        deadline = time.monotonic() + self.timeout
        connection_class = (
            http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(target.host, target.port, timeout=self.timeout)
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "rlvr-openai-policy",
        }
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            sock = connection.sock  # getresponse() may detach it from the connection
            response = connection.getresponse()
            payload = self._read(sock, response, deadline)
            status = response.status
            retry_after = _retry_after_seconds(response.getheader("Retry-After"))
        except TimeoutError:
            raise _Retryable(f"timed out after {self.timeout:g}s") from None
        except (OSError, http.client.HTTPException) as error:
            raise _Retryable(f"connection error: {type(error).__name__}: {error}") from None
        finally:
            connection.close()
        if 200 <= status < 300:
            return payload
        message = f"HTTP {status}: {_truncate(_error_message(payload))}"
        if status == 429 or status >= 500:
            raise _Retryable(message, retry_after)
        raise _Fatal(message)

    def _read(
        self,
        sock: socket.socket | None,
        response: http.client.HTTPResponse,
        deadline: float,
    ) -> bytes:
        """The response body, within the deadline and at most ``max_response_bytes``."""
        chunks: list[bytes] = []
        size = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if sock is not None:
                sock.settimeout(remaining)
            chunk = response.read1(65536)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_response_bytes:
                raise _Fatal(f"response larger than {self.max_response_bytes} bytes")
            chunks.append(chunk)
