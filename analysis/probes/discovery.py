"""What a server offers: its models, its tokenizer, its running token counters.

- :func:`list_models`: ``GET /v1/models`` or Ollama's ``/api/tags``;
- :func:`token_counter`: a token-counting function backed by the server's
  tokenizer endpoint, if it has one (llama-cpp-python, llama.cpp, vLLM), and
  :func:`prompt_counter`, which adds what the chat template adds;
- :func:`read_server_counters`: running totals from Prometheus ``/metrics``
  (llama.cpp, vLLM), to compare what a client measured with what the server counted.
"""

from __future__ import annotations

import http.client
import json
import math
import time
from collections.abc import Callable
from typing import Any

from analysis.errors import ProbeError
from analysis.probes.backends import Backend, get_backend
from analysis.probes.config import DEFAULT_API_KEY_ENV, ProbeConfig, parse_url
from analysis.probes.prompts import synthetic_prompt
from analysis.probes.results import RequestResult
from analysis.probes.streams import as_count
from analysis.probes.transport import (
    USER_AGENT,
    Client,
    RequestFailure,
    api_key_from_env,
    deadline_in,
    failure_message,
    request_headers,
)

_BodyBuilder = Callable[[str, str], dict[str, Any]]  # (model, text) -> request body
_CountReader = Callable[[dict[str, Any]], Any]  # reply -> token count

#: Tokenizer endpoints tried in order, as (path, body builder, count reader):
#: llama-cpp-python, llama.cpp's server, vLLM.
TOKENIZER_ROUTES: tuple[tuple[str, _BodyBuilder, _CountReader], ...] = (
    ("/extras/tokenize/count", lambda m, t: {"input": t, "model": m}, lambda r: r.get("count")),
    (
        "/tokenize",
        lambda m, t: {"content": t},
        lambda r: len(r["tokens"]) if "tokens" in r else None,
    ),
    ("/tokenize", lambda m, t: {"model": m, "prompt": t}, lambda r: r.get("count")),
)


def token_counter(
    client: Client, model: str, deadline: float
) -> tuple[Callable[[str], int], str] | None:
    """A function counting tokens with the server's tokenizer, and its route; None if none works."""
    probe_text = synthetic_prompt(20, 0)
    for path, build, read in TOKENIZER_ROUTES:
        try:
            reply = client.post_json(path, build(model, probe_text), deadline)
            count = as_count(read(reply)) if isinstance(reply, dict) else None
        except (RequestFailure, KeyError, TypeError):
            continue
        if count:

            def counter(
                text: str, path: str = path, build: _BodyBuilder = build, read: _CountReader = read
            ) -> int:
                value = as_count(read(client.post_json(path, build(model, text), deadline)))
                if value is None:
                    raise RequestFailure("malformed", f"tokenizer {path} gave no count")
                return value

            return counter, path
    return None


#: Largest chat-template overhead believed, tokens (a larger difference means the two
#: counts disagree for another reason, and the overhead is left out).
MAX_TEMPLATE_OVERHEAD = 4096


def server_prompt_tokens(
    client: Client, backend: Backend, endpoint: str, model: str, text: str
) -> int | None:
    """Prompt tokens the server counts for ``text`` sent as a real request.

    Sends one streamed request with ``max_tokens = 1`` through ``endpoint``
    (the chat template applies, as for the measured requests) and reads the
    server's own count (``usage.prompt_tokens``, else its timings).

    Returns:
        The count, or None when the request fails or the server reports none.
    """
    body = json.dumps(backend.body(endpoint, model, text, 1, False)).encode()
    try:
        obs, _ = client.stream(
            backend, backend.endpoints[endpoint], body, RequestResult(index=-1), time.perf_counter()
        )
    except RequestFailure:
        client.close()
        return None
    return obs.usage_input if obs.usage_input is not None else obs.timing_input


def prompt_counter(
    client: Client, backend: Backend, endpoint: str, model: str, deadline: float
) -> tuple[Callable[[str], int], str] | None:
    """Counts a prompt's tokens as the server will see them, template included.

    The server's tokenizer endpoint (:func:`token_counter`) counts the text;
    one real request (:func:`server_prompt_tokens`) shows how many tokens the
    chat template and special tokens add: ``overhead = served - tokenized``
    for the same text. The count is ``tokenized + overhead``.

    Returns:
        ``(count, note)``: the counting function and what it includes, for the
        calibration's basis; None when the server has no tokenizer endpoint.
    """
    found = token_counter(client, model, deadline) if backend.name == "openai" else None
    if found is None:
        return None
    count, route = found
    text = synthetic_prompt(20, 1)
    try:
        tokenized = count(text)
    except RequestFailure:
        return None
    served = server_prompt_tokens(client, backend, endpoint, model, text)
    if served is None or not 0 <= served - tokenized <= MAX_TEMPLATE_OVERHEAD:
        seen = "no prompt count" if served is None else f"{served} against {tokenized}"
        return count, (
            f"; counted with {route}; the {endpoint} template's tokens are not included "
            f"(the server's count of a test request: {seen})"
        )
    overhead = served - tokenized

    def with_template(prompt: str) -> int:
        return count(prompt) + overhead

    return with_template, (
        f"; counted with {route}, {endpoint} template and special tokens included "
        f"(+{overhead}, from the server's count of a test request)"
    )


def list_models(
    url: str,
    api: str = "openai",
    *,
    api_key_env: str | None = None,
    timeout_s: float = 10.0,
) -> list[str]:
    """The model names a server offers (``GET /v1/models`` or Ollama's ``/api/tags``).

    Args:
        url: the server's base URL.
        api: ``openai`` or ``ollama``.
        api_key_env: environment variable holding the API key (default
            ``AISTRAT_PROBE_API_KEY`` when set).
        timeout_s: bound on the whole call.

    Returns:
        Model names, as the server lists them.

    Raises:
        ProbeConfigError: the URL or API is invalid.
        ProbeError: the server cannot be reached or its reply is not a model list.
    """
    target = parse_url(url)
    backend = get_backend(api)
    cfg = ProbeConfig(
        url=url, api=api, connect_timeout_s=min(5.0, timeout_s), read_timeout_s=timeout_s
    )
    key = api_key_from_env(api_key_env or DEFAULT_API_KEY_ENV, explicit=api_key_env is not None)
    client = Client(target, cfg, request_headers(backend, key), key)
    try:
        payload = client.get_json(backend.models_path, deadline_in(timeout_s))
    except RequestFailure as failure:
        raise ProbeError(failure_message(url, failure, "listing models")) from None
    finally:
        client.close()
    return backend.model_names(payload)


def read_server_counters(url: str, *, timeout_s: float = 5.0) -> dict[str, float] | None:
    """Running token counters from a server's Prometheus ``/metrics``, if it has them.

    Reads llama.cpp's ``llamacpp:tokens_predicted_total``,
    ``llamacpp:prompt_tokens_total`` and their ``…_seconds_total`` (the tiny
    server and ``llama-server --metrics``) or vLLM's
    ``vllm:generation_tokens_total`` and ``vllm:prompt_tokens_total`` (summed
    over label sets).

    Args:
        url: the server's base URL.
        timeout_s: bound on the call.

    Returns:
        ``{"output_tokens": …, "prompt_tokens": …, "output_seconds": …,
        "prompt_seconds": …}`` (only those found), or None when the server has
        no such metrics.
    """
    target = parse_url(url)
    cfg = ProbeConfig(url=url, connect_timeout_s=timeout_s, read_timeout_s=timeout_s)
    client = Client(target, cfg, {"User-Agent": USER_AGENT, "Accept": "text/plain"}, None)
    deadline = deadline_in(timeout_s)
    try:
        resp = client.send("GET", "/metrics", None, deadline)
        if resp.status != 200:
            return None
        text = bytearray()
        while len(text) < cfg.max_response_bytes:
            piece = client.read_some(resp, deadline, 65536)
            if not piece:
                break
            text += piece
    except (RequestFailure, OSError, http.client.HTTPException):
        return None
    finally:
        client.close()
    names = {
        "llamacpp:tokens_predicted_total": "output_tokens",
        "llamacpp:prompt_tokens_total": "prompt_tokens",
        "llamacpp:tokens_predicted_seconds_total": "output_seconds",
        "llamacpp:prompt_seconds_total": "prompt_seconds",
        "vllm:generation_tokens_total": "output_tokens",
        "vllm:prompt_tokens_total": "prompt_tokens",
    }
    found: dict[str, float] = {}
    for raw in bytes(text).decode("utf-8", "replace").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        name_part, _, value = raw.rpartition(" ")
        name = name_part.split("{", 1)[0].strip()
        if name in names:
            try:
                number = float(value)
            except ValueError:
                continue
            if math.isfinite(number):
                found[names[name]] = found.get(names[name], 0.0) + number
    return found or None
