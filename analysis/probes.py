"""Live inference probes: how many tokens per second a replica delivers, at what latency.

A probe sends streamed requests to an inference server under a chosen load
and measures, per request, the latencies a user feels and the tokens the
server produced; per load level it derives throughput, percentiles, errors by
class and goodput against service-level objectives (SLOs). The throughput at
the highest load that still meets the SLO feeds the cost model
(:func:`to_tco_throughput`).

Servers (a small registry, :func:`get_backend`):

- ``openai``: OpenAI-compatible servers (vLLM, llama.cpp's server, Ollama's
  ``/v1``, LM Studio, TGI), ``/v1/chat/completions`` or ``/v1/completions``,
  streamed as server-sent events with ``stream_options.include_usage``;
- ``ollama``: Ollama's native ``/api/generate`` or ``/api/chat``, streamed as
  newline-delimited JSON, with durations in nanoseconds.

The metrics are defined in :data:`METRIC_DEFINITIONS` and the error classes
in :data:`ERROR_CLASSES`; the CLI prints both beside the numbers.

The client is :mod:`http.client` rather than requests: it returns each piece
of a stream as soon as it arrives, whatever the framing (chunked or
close-delimited), which the timings depend on, and it costs little CPU per
streamed token, so the probe is not the bottleneck. Every request has a
connect timeout, a stall (read) timeout and a total deadline, and replies are
bounded in size. Proxies are not used: a probe measures the server, not a
proxy in between. An API key is read only from an environment variable
(``AISTRAT_PROBE_API_KEY`` by default), sent as a Bearer header, and never
stored or printed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import socket
import ssl
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from analysis.errors import ProbeConfigError, ProbeError

# --------------------------------------------------------------------------- definitions

#: Words of the synthetic prompts: common English words, about one token each
#: in most tokenizers (the tiny server's vocabulary holds each as one token).
PROMPT_WORDS: tuple[str, ...] = tuple(
    "the of and to in is that for it as with on be by this are from at or an will can "
    "which data model cost price token time per more than each use we our plan team "
    "market risk value open user work year new first one two also how when what".split()
)

#: Environment variable holding the API key, unless ``api_key_env`` names another.
DEFAULT_API_KEY_ENV = "AISTRAT_PROBE_API_KEY"

#: Percentiles reported for every metric (linear interpolation between ranks).
PERCENTILES: tuple[int, ...] = (50, 90, 95, 99)

#: What each reported number means; printed beside the numbers by the CLI.
METRIC_DEFINITIONS: dict[str, str] = {
    "ttft_ms": (
        "Time to first token, ms: from sending the request to the first streamed chunk that "
        "carries output on any channel (answer text, reasoning text or a tool call). A chunk "
        "that carries only the role (or empty text) does not count."
    ),
    "ttfat_ms": (
        "Time to first answer token, ms: as TTFT, but reasoning text does not count; equals "
        "TTFT for models that do not reason aloud."
    ),
    "e2e_ms": "End-to-end latency, ms: from sending the request to the end of the stream.",
    "output_tokens": (
        "Output tokens of a request: the server's usage count (stream_options.include_usage), "
        "else its timings (Ollama eval_count, llama.cpp predicted_n), else an estimate of one "
        "token per 4 characters, flagged as 'estimate' in output_tokens_source."
    ),
    "tpot_ms": (
        "Time per output token after the first, ms: TPOT = (e2e - TTFT) / (output tokens - 1); "
        "needs 2 or more output tokens."
    ),
    "itl_ms": (
        "Inter-token gap, ms: time between successive streamed chunks carrying output (a chunk "
        "may carry more than one token, so with batched chunks gaps are fewer and longer)."
    ),
    "decode_tps": (
        "Decode speed seen by the client, tokens/s: (output tokens - 1) / (e2e - TTFT), "
        "i.e. 1000 / TPOT."
    ),
    "server_decode_tps": (
        "Decode speed reported by the server, tokens/s (Ollama eval_count / eval_duration; "
        "llama.cpp timings predicted_per_second); absent when the server does not report it."
    ),
    "prefill_tps": (
        "Prefill speed reported by the server, tokens/s: prompt tokens evaluated / prompt "
        "evaluation time (Ollama prompt_eval_count / prompt_eval_duration; llama.cpp timings "
        "prompt_n / prompt_ms); absent when the server does not report it."
    ),
    "input_tokens": "Prompt tokens as the server counted them (usage.prompt_tokens, or timings).",
    "request_throughput": (
        "Completed requests per second over the level's window: from the first measured "
        "request sent to the last one finished (warm-up requests excluded)."
    ),
    "output_tokens_per_s": (
        "Output tokens of completed requests per second over the same window: what the "
        "replica delivers at that load, all streams together."
    ),
    "goodput_rps": (
        "Requests per second that completed and met every per-request SLO bound (TTFT, "
        "TPOT, e2e) over the same window."
    ),
    "slo_attainment": (
        "Share of the level's measured requests (errors count as misses) that met every SLO "
        "bound. A level meets the SLO when this share is at least the SLO percentile, e.g. "
        "'TTFT p95 <= 500 ms' is a TTFT bound of 500 ms met by at least 95% of requests."
    ),
    "errors": "Measured requests that failed, counted by class (see the error classes).",
}

#: Every error class a request can end with, and what it means.
ERROR_CLASSES: dict[str, str] = {
    "connect_refused": "nothing listens at the URL's host and port (connection refused)",
    "connect_timeout": "the connection could not be opened within the connect timeout",
    "connect_error": "the connection failed otherwise (name not resolved, network unreachable)",
    "tls_error": "the TLS handshake failed (certificate or protocol)",
    "timeout": "the server sent nothing for longer than the read timeout (a stall)",
    "deadline": "the request exceeded its total time bound (e.g. a slow trickle)",
    "http_429": "HTTP 429 Too Many Requests: the server or a gateway is rate-limiting",
    "http_4xx": "another HTTP 4xx: the server refused the request (model name, key, prompt size)",
    "http_5xx": "HTTP 5xx: the server failed",
    "http_other": "an unexpected HTTP status (1xx or 3xx)",
    "non_streamed": "the server replied with one JSON body instead of a stream: no TTFT possible",
    "stream_cut": "the connection closed before the stream ended ([DONE] or done: true)",
    "malformed": "the reply was not a valid stream (a line not SSE, or not the JSON expected)",
    "stream_error": "the server reported an error inside the stream",
    "too_large": "the reply exceeded the size bound (max_response_bytes or a 1 MiB line)",
    "no_output": "the stream ended without any output",
    "client_error": "an unexpected failure inside the probe client",
}

_LINE_LIMIT = 1 << 20  # longest stream line accepted, bytes
_DETAIL_LIMIT = 240  # longest error detail kept, characters
_USER_AGENT = "ai-strategy-toolkit-probe/0.1"


# --------------------------------------------------------------------------- options


def _positive(name: str, value: Any, *, whole: bool = False, zero_ok: bool = False) -> None:
    ok_type = isinstance(value, int) if whole else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type or not math.isfinite(value):
        kind = "a whole number" if whole else "a number"
        raise ProbeConfigError(f"{name} = {value!r}: must be {kind}")
    if value < 0 or (value == 0 and not zero_ok):
        bound = ">= 0" if zero_ok else "> 0"
        raise ProbeConfigError(f"{name} = {value!r}: must be {bound}")


@dataclass(frozen=True)
class SLO:
    """Service-level objectives: per-request bounds and the share of requests that must meet them.

    Attributes:
        ttft_ms: bound on time to first token, ms (None: no bound).
        tpot_ms: bound on time per output token, ms.
        e2e_ms: bound on end-to-end latency, ms.
        percentile: share of requests, in percent, that must meet every bound (95: "p95").
    """

    ttft_ms: float | None = None
    tpot_ms: float | None = None
    e2e_ms: float | None = None
    percentile: float = 95.0

    def validate(self) -> None:
        """Check the bounds.

        Raises:
            ProbeConfigError: a bound is not a positive number or the percentile not in (0, 100].
        """
        for name in ("ttft_ms", "tpot_ms", "e2e_ms"):
            value = getattr(self, name)
            if value is not None:
                _positive(f"slo {name}", value)
        _positive("slo percentile", self.percentile)
        if self.percentile > 100:
            raise ProbeConfigError(f"slo percentile = {self.percentile!r}: must be at most 100")

    def met_by(self, result: RequestResult) -> bool:
        """Whether a request completed within every bound (lacking a bounded metric fails)."""
        if not result.ok:
            return False
        for bound, value in (
            (self.ttft_ms, result.ttft_ms),
            (self.tpot_ms, result.tpot_ms),
            (self.e2e_ms, result.e2e_ms),
        ):
            if bound is not None and (value is None or value > bound):
                return False
        return True

    def describe(self) -> str:
        """E.g. ``TTFT <= 500 ms, TPOT <= 50 ms for 95% of requests``."""
        parts = [
            f"{label} <= {value:g} ms"
            for label, value in (
                ("TTFT", self.ttft_ms),
                ("TPOT", self.tpot_ms),
                ("e2e", self.e2e_ms),
            )
            if value is not None
        ]
        what = ", ".join(parts) if parts else "no error"
        return f"{what} for {self.percentile:g}% of requests"


@dataclass(frozen=True)
class ConcurrencySweep:
    """Closed-loop load: at each level, that many requests in flight at all times.

    Attributes:
        levels: concurrency levels, run in order (e.g. 1, 2, 4, 8, 16).
        requests: measured requests per level.
        warmup: requests per level sent first at the same concurrency and not measured
            (they open connections and warm caches).
        duration_s: optional time limit per level: no new request starts after it.
    """

    levels: tuple[int, ...] = (1, 2, 4, 8, 16)
    requests: int = 32
    warmup: int = 1
    duration_s: float | None = None

    kind = "concurrency"

    def validate(self) -> None:
        """Raises ProbeConfigError on an invalid level, count or limit."""
        if not self.levels:
            raise ProbeConfigError("concurrency: give at least one level, e.g. 1,2,4")
        for level in self.levels:
            _positive("concurrency", level, whole=True)
            if level > 1024:
                raise ProbeConfigError(f"concurrency = {level}: at most 1024 requests in flight")
        _positive("requests", self.requests, whole=True)
        _positive("warmup", self.warmup, whole=True, zero_ok=True)
        if self.duration_s is not None:
            _positive("duration_s", self.duration_s)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, with ``kind``."""
        return {"kind": self.kind, **asdict(self), "levels": list(self.levels)}


@dataclass(frozen=True)
class PoissonLoad:
    """Open-loop load: requests arrive at a fixed mean rate, with exponential gaps (seeded).

    Attributes:
        rate_per_s: mean arrivals per second.
        requests: measured requests.
        warmup: first arrivals not measured.
        seed: seed of the arrival times.
        duration_s: optional time limit: no new request starts after it.
        max_in_flight: bound on concurrent requests (client threads); an arrival finding
            all busy waits, which shows as its ``start_delay_ms``.
    """

    rate_per_s: float
    requests: int = 64
    warmup: int = 0
    seed: int = 0
    duration_s: float | None = None
    max_in_flight: int = 64

    kind = "poisson"

    def validate(self) -> None:
        """Raises ProbeConfigError on an invalid rate, count or limit."""
        _positive("rate_per_s", self.rate_per_s)
        _positive("requests", self.requests, whole=True)
        _positive("warmup", self.warmup, whole=True, zero_ok=True)
        _positive("max_in_flight", self.max_in_flight, whole=True)
        if self.duration_s is not None:
            _positive("duration_s", self.duration_s)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, with ``kind``."""
        return {"kind": self.kind, **asdict(self)}


LoadShape = ConcurrencySweep | PoissonLoad


def load_from_dict(data: dict[str, Any]) -> LoadShape:
    """The load shape described by ``to_dict()`` output.

    Raises:
        ProbeConfigError: unknown kind or keys.
    """
    data = dict(data)
    kind = data.pop("kind", None)
    try:
        if kind == "concurrency":
            return ConcurrencySweep(**{**data, "levels": tuple(data.get("levels", ()))})
        if kind == "poisson":
            return PoissonLoad(**data)
    except TypeError as exc:
        raise ProbeConfigError(f"load shape {kind}: {exc}") from exc
    raise ProbeConfigError(f"load shape kind = {kind!r}: use 'concurrency' or 'poisson'")


@dataclass(frozen=True)
class ProbeConfig:
    """Everything a probe run needs (no secrets: the API key stays in the environment).

    Attributes:
        url: server base URL, http(s)://host[:port][/prefix]; a trailing ``/v1`` is accepted.
        model: model name to request; None takes the server's first listed model.
        api: backend name (``openai`` or ``ollama``).
        endpoint: ``chat`` or ``completions`` (openai), ``generate`` or ``chat`` (ollama);
            None takes the backend's default (``chat``, ``generate``).
        load: the load shape.
        input_tokens: target prompt length, tokens.
        max_tokens: output length asked for, tokens.
        slo: service-level objectives for goodput and the economics link.
        hardware: the user's label of the serving hardware (e.g. ``1x L4, vLLM 0.6``).
        ignore_eos: ask the server to ignore end-of-sequence (vLLM, llama.cpp server) so
            every answer has ``max_tokens`` tokens.
        connect_timeout_s: bound on opening a connection.
        read_timeout_s: bound on a stall (no byte received).
        request_timeout_s: bound on one request, start to end.
        max_response_bytes: bound on one reply's size.
        api_key_env: environment variable holding the API key.
        seed: seed of the synthetic prompts.
    """

    url: str
    model: str | None = None
    api: str = "openai"
    endpoint: str | None = None
    load: LoadShape = field(default_factory=ConcurrencySweep)
    input_tokens: int = 256
    max_tokens: int = 128
    slo: SLO = field(default_factory=SLO)
    hardware: str = ""
    ignore_eos: bool = False
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 60.0
    request_timeout_s: float = 300.0
    max_response_bytes: int = 8 << 20
    api_key_env: str = DEFAULT_API_KEY_ENV
    seed: int = 0

    def validate(self) -> None:
        """Check every option.

        Raises:
            ProbeConfigError: the first invalid option, named with its value.
        """
        _parse_url(self.url)
        backend = get_backend(self.api)
        backend.check_endpoint(self.endpoint)
        if self.ignore_eos and not backend.supports_ignore_eos:
            raise ProbeConfigError(f"ignore_eos: the {self.api} API has no such option")
        if self.model is not None and (not isinstance(self.model, str) or not self.model.strip()):
            raise ProbeConfigError(f"model = {self.model!r}: give a model name or leave it unset")
        self.load.validate()
        self.slo.validate()
        _positive("input_tokens", self.input_tokens, whole=True)
        _positive("max_tokens", self.max_tokens, whole=True)
        for name in ("connect_timeout_s", "read_timeout_s", "request_timeout_s"):
            _positive(name, getattr(self, name))
        _positive("max_response_bytes", self.max_response_bytes, whole=True)
        if not self.api_key_env or not self.api_key_env.replace("_", "").isalnum():
            raise ProbeConfigError(
                f"api_key_env = {self.api_key_env!r}: the name of an environment variable"
            )
        if len(self.hardware) > 200:
            raise ProbeConfigError("hardware: keep the label under 200 characters")

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready)."""
        data = asdict(self)
        data["load"] = self.load.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProbeConfig:
        """The configuration described by ``to_dict()`` output.

        Raises:
            ProbeConfigError: unknown keys or an invalid load shape.
        """
        data = dict(data)
        try:
            data["load"] = load_from_dict(data["load"])
            data["slo"] = SLO(**data.get("slo", {}))
            return cls(**data)
        except (KeyError, TypeError) as exc:
            raise ProbeConfigError(f"stored probe configuration is not readable: {exc}") from exc


# --------------------------------------------------------------------------- results


@dataclass
class RequestResult:
    """One request: what happened and what it measured (times in ms from the run's start).

    Attributes:
        index: position in the run.
        concurrency: the level's concurrency (closed loop), else None.
        rate_per_s: the level's arrival rate (open loop), else None.
        warmup: a warm-up request (excluded from every statistic).
        ok: completed with output.
        error: the error class (see ERROR_CLASSES), None when ok.
        error_detail: a short, bounded description of the error.
        http_status: the reply's HTTP status, if one came.
        scheduled_ms: when the request was due (open loop) or started (closed loop).
        sent_ms: when the client started it.
        end_ms: when it ended (stream end or failure).
        ttft_ms, ttfat_ms, e2e_ms, tpot_ms: see METRIC_DEFINITIONS.
        output_tokens: see METRIC_DEFINITIONS; output_tokens_source says where it comes from
            (``usage``, ``server_timings`` or ``estimate``).
        input_tokens: prompt tokens as the server counted them.
        prompt_words: words in the synthetic prompt.
        output_chunks: streamed chunks that carried output.
        output_chars: characters of output received.
        itl_ms: the inter-token gaps.
        decode_tps, server_decode_tps, prefill_tps: see METRIC_DEFINITIONS.
        finish_reason: the server's finish reason (``length``, ``stop``…).
    """

    index: int
    concurrency: int | None = None
    rate_per_s: float | None = None
    warmup: bool = False
    ok: bool = False
    error: str | None = None
    error_detail: str | None = None
    http_status: int | None = None
    scheduled_ms: float = 0.0
    sent_ms: float = 0.0
    end_ms: float = 0.0
    ttft_ms: float | None = None
    ttfat_ms: float | None = None
    e2e_ms: float | None = None
    tpot_ms: float | None = None
    output_tokens: int | None = None
    output_tokens_source: str | None = None
    input_tokens: int | None = None
    prompt_words: int = 0
    output_chunks: int = 0
    output_chars: int = 0
    itl_ms: list[float] = field(default_factory=list)
    decode_tps: float | None = None
    server_decode_tps: float | None = None
    prefill_tps: float | None = None
    finish_reason: str | None = None

    @property
    def start_delay_ms(self) -> float:
        """How late the client started the request against its schedule (open loop)."""
        return max(0.0, self.sent_ms - self.scheduled_ms)

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


@dataclass(frozen=True)
class Summary:
    """Mean and percentiles of one metric over a level's requests (None when no value)."""

    n: int
    mean: float | None = None
    p50: float | None = None
    p90: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Percentile by linear interpolation between closest ranks (numpy's default).

    ``p = v[lo] + (v[hi] - v[lo]) * (r - lo)`` with rank ``r = pct/100 * (n - 1)``.

    Args:
        sorted_values: values in ascending order (not empty).
        pct: percentile in [0, 100].

    Returns:
        The percentile, in the values' unit.
    """
    rank = pct / 100 * (len(sorted_values) - 1)
    lo = math.floor(rank)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (rank - lo)


def summarise(values: Iterable[float | None]) -> Summary:
    """Mean, p50/p90/p95/p99 and max of the finite values (None and NaN are skipped).

    Args:
        values: one metric's values, in its unit.

    Returns:
        The summary (fields None when there is no value).
    """
    data = sorted(v for v in values if v is not None and math.isfinite(v))
    if not data:
        return Summary(n=0)
    stats = {f"p{p}": percentile(data, p) for p in PERCENTILES}
    return Summary(n=len(data), mean=math.fsum(data) / len(data), max=data[-1], **stats)


#: Metrics summarised per level (request fields, or gaps for itl_ms).
LEVEL_METRICS: tuple[str, ...] = (
    "ttft_ms",
    "ttfat_ms",
    "e2e_ms",
    "tpot_ms",
    "itl_ms",
    "output_tokens",
    "input_tokens",
    "decode_tps",
    "server_decode_tps",
    "prefill_tps",
)


#: Keys of per-request summaries whose plain name is a level total.
SUMMARY_KEYS: dict[str, str] = {
    "output_tokens": "request_output_tokens",
    "input_tokens": "request_input_tokens",
}


@dataclass(frozen=True)
class LevelStats:
    """Statistics of one load level (warm-up excluded).

    Attributes:
        concurrency: the level's concurrency (closed loop), else None.
        rate_per_s: the level's mean arrival rate (open loop), else None.
        attempted: measured requests sent.
        completed: those that completed with output.
        errors: those that failed.
        error_counts: failures by class.
        duration_s: the level's window, s.
        request_throughput: completed requests per s.
        output_tokens: output tokens of completed requests.
        output_tokens_per_s: output tokens per s.
        goodput_rps: requests per s that met the SLO.
        slo_attainment: share of requests that met the SLO.
        meets_slo: slo_attainment reaches the SLO percentile.
        output_tokens_source: completed requests by token-count source.
        metrics: summaries of LEVEL_METRICS.
    """

    concurrency: int | None
    rate_per_s: float | None
    attempted: int
    completed: int
    errors: int
    error_counts: dict[str, int]
    duration_s: float
    request_throughput: float | None
    output_tokens: int
    output_tokens_per_s: float | None
    goodput_rps: float | None
    slo_attainment: float | None
    meets_slo: bool
    output_tokens_source: dict[str, int]
    metrics: dict[str, Summary]

    @property
    def label(self) -> str:
        """``c=4`` or ``2.5/s``."""
        if self.concurrency is not None:
            return f"c={self.concurrency}"
        return f"{self.rate_per_s:g}/s"

    def to_dict(self) -> dict[str, Any]:
        """Plain data: one JSON entry of the CLI's ``levels``."""
        data: dict[str, Any] = {
            "concurrency": self.concurrency,
            "rate_per_s": self.rate_per_s,
            "attempted": self.attempted,
            "completed": self.completed,
            "errors": self.errors,
            "error_counts": dict(self.error_counts),
            "duration_s": self.duration_s,
            "request_throughput": self.request_throughput,
            "output_tokens": self.output_tokens,
            "output_tokens_per_s": self.output_tokens_per_s,
            "goodput_rps": self.goodput_rps,
            "slo_attainment": self.slo_attainment,
            "meets_slo": self.meets_slo,
            "output_tokens_source": dict(self.output_tokens_source),
        }
        for name, summary in self.metrics.items():
            data[SUMMARY_KEYS.get(name, name)] = summary.to_dict()
        return data


def aggregate(
    results: Sequence[RequestResult],
    slo: SLO,
    *,
    concurrency: int | None = None,
    rate_per_s: float | None = None,
) -> LevelStats:
    """Statistics of one level's requests.

    Window ``W`` = last measured end - first measured send (s); request
    throughput = completed / W [req/s]; output-token throughput = sum of output
    tokens of completed requests / W [tok/s]; goodput = requests meeting the
    SLO / W [req/s]; SLO attainment = requests meeting the SLO / measured
    requests.

    Args:
        results: the level's requests (warm-up requests are skipped).
        slo: the objectives for goodput.
        concurrency: the level's concurrency (closed loop).
        rate_per_s: the level's rate (open loop).

    Returns:
        The level's statistics; rates are None when the window is empty.
    """
    measured = [r for r in results if not r.warmup]
    done = [r for r in measured if r.ok]
    if measured:
        window = (max(r.end_ms for r in measured) - min(r.sent_ms for r in measured)) / 1000
    else:
        window = 0.0

    def rate(count: float) -> float | None:
        return count / window if window > 0 else None

    output_tokens = sum(r.output_tokens or 0 for r in done)
    good = sum(1 for r in done if slo.met_by(r))
    metrics = {
        name: summarise(
            (g for r in done for g in r.itl_ms)
            if name == "itl_ms"
            else (getattr(r, name) for r in done)
        )
        for name in LEVEL_METRICS
    }
    attainment = good / len(measured) if measured else None
    return LevelStats(
        concurrency=concurrency,
        rate_per_s=rate_per_s,
        attempted=len(measured),
        completed=len(done),
        errors=len(measured) - len(done),
        error_counts=dict(Counter(r.error for r in measured if not r.ok and r.error)),
        duration_s=window,
        request_throughput=rate(len(done)),
        output_tokens=output_tokens,
        output_tokens_per_s=rate(output_tokens),
        goodput_rps=rate(good),
        slo_attainment=attainment,
        meets_slo=bool(done) and attainment is not None and attainment >= slo.percentile / 100,
        output_tokens_source=dict(
            Counter(r.output_tokens_source for r in done if r.output_tokens_source)
        ),
        metrics=metrics,
    )


@dataclass
class ProbeRun:
    """A probe run: its configuration, context and one result per request.

    Attributes:
        run_id: unique id, time-ordered (``20250101T120000Z-3fa2c1``).
        config: the run's configuration.
        model: the model actually requested.
        started_at: UTC start.
        finished_at: UTC end.
        client_host: the machine that ran the probe.
        server_software: the server's ``Server`` header, if any.
        input_tokens_basis: how the prompt length was calibrated.
        requests: one result per request, warm-up included.
    """

    run_id: str
    config: ProbeConfig
    model: str
    started_at: datetime
    finished_at: datetime
    client_host: str
    server_software: str | None
    input_tokens_basis: str
    requests: list[RequestResult]

    @property
    def server_kind(self) -> str:
        """The API the server was probed through, with its software when it says."""
        kind = get_backend(self.config.api).title
        return f"{kind} ({self.server_software})" if self.server_software else kind

    def levels(self, slo: SLO | None = None) -> list[LevelStats]:
        """Statistics per load level, in the order run.

        Args:
            slo: objectives for goodput (default: the run's own).
        """
        slo = slo or self.config.slo
        keys: list[tuple[int | None, float | None]] = []
        groups: dict[tuple[int | None, float | None], list[RequestResult]] = {}
        for result in self.requests:
            key = (result.concurrency, result.rate_per_s)
            if key not in groups:
                keys.append(key)
                groups[key] = []
            groups[key].append(result)
        return [aggregate(groups[k], slo, concurrency=k[0], rate_per_s=k[1]) for k in keys]

    def to_dict(self, slo: SLO | None = None) -> dict[str, Any]:
        """The run's summary as plain data (what ``probe --json`` prints)."""
        cfg = self.config
        try:
            best: dict[str, Any] | None = best_throughput(self, slo).to_dict()
        except ProbeError:
            best = None
        return {
            "run_id": self.run_id,
            "url": cfg.url,
            "api": cfg.api,
            "endpoint": get_backend(cfg.api).endpoint_name(cfg.endpoint),
            "model": self.model,
            "server_kind": self.server_kind,
            "hardware": cfg.hardware,
            "client_host": self.client_host,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "load": cfg.load.to_dict(),
            "input_tokens": cfg.input_tokens,
            "input_tokens_basis": self.input_tokens_basis,
            "max_tokens": cfg.max_tokens,
            "slo": asdict(slo or cfg.slo),
            "slo_text": (slo or cfg.slo).describe(),
            "levels": [level.to_dict() for level in self.levels(slo)],
            "best_within_slo": best,
            "definitions": METRIC_DEFINITIONS,
        }


# --------------------------------------------------------------------------- economics


@dataclass(frozen=True)
class ThroughputPoint:
    """The replica throughput a run supports within an SLO.

    Attributes:
        run_id: the run.
        concurrency: the highest concurrency that met the SLO (closed loop), else None.
        rate_per_s: the rate of that level (open loop), else None.
        output_tokens_per_s: output tokens per s per replica at that level.
        request_throughput: completed requests per s at that level.
        ttft_p95_ms: TTFT p95 at that level.
        tpot_p95_ms: TPOT p95 at that level.
        slo_attainment: share of requests that met the SLO.
        slo: the SLO applied.
        estimated_tokens: some token counts are estimates (no server count).
    """

    run_id: str
    concurrency: int | None
    rate_per_s: float | None
    output_tokens_per_s: float
    request_throughput: float
    ttft_p95_ms: float | None
    tpot_p95_ms: float | None
    slo_attainment: float
    slo: SLO
    estimated_tokens: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


def best_throughput(run: ProbeRun, slo: SLO | None = None) -> ThroughputPoint:
    """The highest load level of ``run`` that still meets ``slo``, and its throughput.

    Args:
        run: a probe run.
        slo: the objectives (default: the run's own).

    Returns:
        The point: output tokens/s per replica at the highest concurrency (or rate)
        whose SLO attainment reaches the SLO percentile.

    Raises:
        ProbeError: no level meets the SLO.
    """
    slo = slo or run.config.slo
    levels = run.levels(slo)
    passing = [lv for lv in levels if lv.meets_slo and lv.output_tokens_per_s]
    if not passing:
        seen = (
            ", ".join(f"{lv.label}: {100 * (lv.slo_attainment or 0):.0f}%" for lv in levels)
            or "no level"
        )
        raise ProbeError(
            f"no load level of probe run {run.run_id} meets the SLO ({slo.describe()}); "
            f"attainment by level: {seen}. Relax the SLO or probe lower concurrency."
        )
    best = max(passing, key=lambda lv: (lv.concurrency or 0, lv.rate_per_s or 0.0))
    return ThroughputPoint(
        run_id=run.run_id,
        concurrency=best.concurrency,
        rate_per_s=best.rate_per_s,
        output_tokens_per_s=float(best.output_tokens_per_s or 0.0),
        request_throughput=float(best.request_throughput or 0.0),
        ttft_p95_ms=best.metrics["ttft_ms"].p95,
        tpot_p95_ms=best.metrics["tpot_ms"].p95,
        slo_attainment=float(best.slo_attainment or 0.0),
        slo=slo,
        estimated_tokens="estimate" in best.output_tokens_source,
    )


def to_tco_throughput(run: ProbeRun, slo: SLO | None = None) -> tuple[float, str]:
    """The replica throughput for the cost model, with the basis it rests on.

    Feed the pair to the TCO's self-hosted option as ``throughput_tok_s`` and
    ``throughput_basis`` (and ``probe_run = run.run_id``).

    Args:
        run: a probe run.
        slo: the objectives (default: the run's own).

    Returns:
        ``(output tokens/s per replica, basis text)``.

    Raises:
        ProbeError: no level meets the SLO.
    """
    point = best_throughput(run, slo)
    where = (
        f"concurrency {point.concurrency}" if point.concurrency else f"{point.rate_per_s:g} req/s"
    )
    hardware = f" on {run.config.hardware}" if run.config.hardware else ""
    estimate = (
        "; token counts partly estimated (~4 characters/token)" if point.estimated_tokens else ""
    )
    basis = (
        f"probe run {run.run_id}: {point.output_tokens_per_s:,.1f} output tok/s measured at "
        f"{where} "
        f"({point.slo.describe()}; met by {100 * point.slo_attainment:.0f}%), model {run.model}"
        f"{hardware}, {run.server_kind}, {run.started_at:%Y-%m-%d}, "
        f"~{run.config.input_tokens} input / {run.config.max_tokens} output tokens{estimate}"
    )
    return point.output_tokens_per_s, basis


# --------------------------------------------------------------------------- stream parsing


class _Observation:
    """What one streamed reply showed, as it arrives (times from ``time.perf_counter``)."""

    __slots__ = (
        "chars",
        "chunks",
        "done",
        "end",
        "error",
        "finish_reason",
        "first_answer",
        "first_output",
        "gaps",
        "last_output",
        "prefill_tps",
        "server_decode_tps",
        "timing_input",
        "timing_output",
        "usage_input",
        "usage_output",
    )

    def __init__(self) -> None:
        self.first_output: float | None = None
        self.first_answer: float | None = None
        self.last_output: float | None = None
        self.gaps: list[float] = []
        self.chunks = 0
        self.chars = 0
        self.usage_output: int | None = None
        self.usage_input: int | None = None
        self.timing_output: int | None = None
        self.timing_input: int | None = None
        self.prefill_tps: float | None = None
        self.server_decode_tps: float | None = None
        self.finish_reason: str | None = None
        self.done = False
        self.end: float | None = None
        self.error: tuple[str, str] | None = None

    def output(self, at: float, chars: int, answer: bool) -> None:
        if self.last_output is None:
            self.first_output = at
        else:
            self.gaps.append(at - self.last_output)
        if answer and self.first_answer is None:
            self.first_answer = at
        self.last_output = at
        self.chunks += 1
        self.chars += chars

    def fail(self, kind: str, detail: str) -> None:
        if self.error is None:
            self.error = (kind, detail)


def _count(value: Any) -> int | None:
    """A non-negative whole count from a server field, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or value < 0 or value != int(value):
        return None
    return int(value)


def _rate(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and value > 0 else None


def _per_second(count: Any, duration: Any, scale: float) -> float | None:
    n, d = _count(count), _rate(duration)
    return n / (d * scale) if n and d else None


class _StreamParser(Protocol):
    def feed(self, line: bytes, at: float) -> None: ...

    def end(self, at: float) -> None: ...


class _SSEParser:
    """Server-sent events carrying OpenAI-style JSON chunks (``data: {...}``, ``data: [DONE]``)."""

    def __init__(self, obs: _Observation):
        self.obs = obs
        self.data: list[bytes] = []
        self.event = b""

    def feed(self, line: bytes, at: float) -> None:
        if line[:6] == b"data: " and line[-1:] != b"\r":  # the usual line, fast
            self.data.append(line[6:])
            return
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:
            self._dispatch(at)
            return
        if line[:1] == b":":
            return  # a comment: keep-alive ping
        name, _, value = line.partition(b":")
        if value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self.data.append(value)
        elif name == b"event":
            self.event = value
        elif name not in (b"id", b"retry"):
            self.obs.fail("malformed", f"not a server-sent event line: {_snippet(line)}")

    def end(self, at: float) -> None:
        if self.data:
            self._dispatch(at)

    def _dispatch(self, at: float) -> None:
        if not self.data:
            self.event = b""
            return
        payload = self.data[0] if len(self.data) == 1 else b"\n".join(self.data)
        self.data = []
        event, self.event = self.event, b""
        if payload.strip() == b"[DONE]":
            self.obs.done = True
            self.obs.end = at
            return
        try:
            chunk = json.loads(payload)
        except ValueError:
            self.obs.fail("malformed", f"event data is not JSON: {_snippet(payload)}")
            return
        if event == b"error":
            self.obs.fail("stream_error", f"error event: {_snippet(payload)}")
            return
        self._chunk(chunk, at)

    def _chunk(self, chunk: Any, at: float) -> None:
        obs = self.obs
        if not isinstance(chunk, dict):
            obs.fail("malformed", f"event data is not a JSON object: {_snippet(chunk)}")
            return
        if "error" in chunk:
            obs.fail("stream_error", f"server error in stream: {_snippet(chunk['error'])}")
            return
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            obs.usage_output = _count(usage.get("completion_tokens"))
            obs.usage_input = _count(usage.get("prompt_tokens"))
        timings = chunk.get("timings")
        if isinstance(timings, dict):  # llama.cpp's server
            obs.timing_output = _count(timings.get("predicted_n"))
            obs.timing_input = _count(timings.get("prompt_n"))
            obs.prefill_tps = _rate(timings.get("prompt_per_second")) or _per_second(
                timings.get("prompt_n"), timings.get("prompt_ms"), 1e-3
            )
            obs.server_decode_tps = _rate(timings.get("predicted_per_second"))
        choices = chunk.get("choices")
        if choices is None:
            if usage is None and timings is None:
                obs.fail("malformed", f"chunk without choices or usage: {_snippet(chunk)}")
            return
        if not isinstance(choices, list):
            obs.fail("malformed", f"choices is not a list: {_snippet(choices)}")
            return
        answer = reasoning = 0
        for choice in choices:
            if not isinstance(choice, dict):
                obs.fail("malformed", f"a choice is not an object: {_snippet(choice)}")
                return
            delta = choice.get("delta")
            if isinstance(delta, dict):  # chat
                content = delta.get("content")
                if isinstance(content, str):
                    answer += len(content)
                for key in ("reasoning_content", "reasoning"):
                    thought = delta.get(key)
                    if isinstance(thought, str):
                        reasoning += len(thought)
                if delta.get("tool_calls"):
                    answer += len(json.dumps(delta["tool_calls"]))
            else:  # completions
                text = choice.get("text")
                if isinstance(text, str):
                    answer += len(text)
            reason = choice.get("finish_reason")
            if isinstance(reason, str) and reason:
                obs.finish_reason = reason
        if answer or reasoning:
            obs.output(at, answer + reasoning, answer > 0)


class _NDJSONParser:
    """Ollama's native stream: one JSON object per line, the last with ``done: true``."""

    def __init__(self, obs: _Observation):
        self.obs = obs

    def feed(self, line: bytes, at: float) -> None:
        if not line.strip():
            return
        obs = self.obs
        try:
            item = json.loads(line)
        except ValueError:
            obs.fail("malformed", f"line is not JSON: {_snippet(line)}")
            return
        if not isinstance(item, dict):
            obs.fail("malformed", f"line is not a JSON object: {_snippet(item)}")
            return
        if "error" in item:
            obs.fail("stream_error", f"server error in stream: {_snippet(item['error'])}")
            return
        if "done" not in item:
            obs.fail("malformed", f"line without 'done': {_snippet(item)}")
            return
        answer = reasoning = 0
        message = item.get("message")
        source = message if isinstance(message, dict) else item  # chat or generate
        content = source.get("content") if source is message else item.get("response")
        if isinstance(content, str):
            answer += len(content)
        thinking = source.get("thinking")
        if isinstance(thinking, str):
            reasoning += len(thinking)
        if source.get("tool_calls"):
            answer += len(json.dumps(source["tool_calls"]))
        if answer or reasoning:
            obs.output(at, answer + reasoning, answer > 0)
        if item.get("done") is True:
            obs.timing_output = _count(item.get("eval_count"))
            obs.timing_input = _count(item.get("prompt_eval_count"))
            # Durations are in nanoseconds.
            obs.server_decode_tps = _per_second(
                item.get("eval_count"), item.get("eval_duration"), 1e-9
            )
            obs.prefill_tps = _per_second(
                item.get("prompt_eval_count"), item.get("prompt_eval_duration"), 1e-9
            )
            reason = item.get("done_reason")
            obs.finish_reason = reason if isinstance(reason, str) else obs.finish_reason
            obs.done = True
            obs.end = at

    def end(self, at: float) -> None:
        return None


# --------------------------------------------------------------------------- backends


class Backend:
    """An inference-server API the probe can speak.

    Subclasses set the class attributes and build request bodies; they are
    registered with :func:`register_backend`.
    """

    name = ""
    title = ""
    endpoints: dict[str, str] = {}  # endpoint name -> path; the first is the default
    models_path = ""
    stream_type = ""  # the Accept header
    supports_ignore_eos = False

    def check_endpoint(self, endpoint: str | None) -> None:
        """Raises ProbeConfigError when ``endpoint`` is not one of this API's."""
        if endpoint is not None and endpoint not in self.endpoints:
            known = ", ".join(self.endpoints)
            raise ProbeConfigError(f"endpoint = {endpoint!r}: the {self.name} API offers {known}")

    def endpoint_name(self, endpoint: str | None) -> str:
        """The endpoint's name, or the default's."""
        return endpoint or next(iter(self.endpoints))

    def body(
        self, endpoint: str, model: str, prompt: str, max_tokens: int, ignore_eos: bool
    ) -> dict[str, Any]:
        """The JSON body of a streamed request."""
        raise NotImplementedError

    @staticmethod
    def prompt_fields(endpoint: str, prompt: str) -> dict[str, Any]:
        """The prompt as one user message (``chat``) or as plain text (other endpoints)."""
        if endpoint == "chat":
            return {"messages": [{"role": "user", "content": prompt}]}
        return {"prompt": prompt}

    def parser(self, obs: _Observation) -> _StreamParser:
        """A parser that records a reply's stream into ``obs``."""
        raise NotImplementedError

    def model_names(self, payload: Any) -> list[str]:
        """Model names from the reply of ``models_path``."""
        raise NotImplementedError


class OpenAIBackend(Backend):
    """OpenAI-compatible servers: streamed server-sent events."""

    name = "openai"
    title = "OpenAI-compatible"
    endpoints = {"chat": "/v1/chat/completions", "completions": "/v1/completions"}
    models_path = "/v1/models"
    stream_type = "text/event-stream"
    supports_ignore_eos = True

    def body(
        self, endpoint: str, model: str, prompt: str, max_tokens: int, ignore_eos: bool
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"model": model, **self.prompt_fields(endpoint, prompt)}
        body.update(max_tokens=max_tokens, stream=True, stream_options={"include_usage": True})
        if ignore_eos:
            body["ignore_eos"] = True
        return body

    def parser(self, obs: _Observation) -> _StreamParser:
        return _SSEParser(obs)

    def model_names(self, payload: Any) -> list[str]:
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, list):
            raise ProbeError("the server's /v1/models reply has no 'data' list")
        return [str(m["id"]) for m in data if isinstance(m, dict) and "id" in m]


class OllamaBackend(Backend):
    """Ollama's native API: newline-delimited JSON, durations in nanoseconds."""

    name = "ollama"
    title = "Ollama"
    endpoints = {"generate": "/api/generate", "chat": "/api/chat"}
    models_path = "/api/tags"
    stream_type = "application/x-ndjson"

    def body(
        self, endpoint: str, model: str, prompt: str, max_tokens: int, ignore_eos: bool
    ) -> dict[str, Any]:
        return {
            "model": model,
            "stream": True,
            **self.prompt_fields(endpoint, prompt),
            "options": {"num_predict": max_tokens},
        }

    def parser(self, obs: _Observation) -> _StreamParser:
        return _NDJSONParser(obs)

    def model_names(self, payload: Any) -> list[str]:
        models = payload.get("models") if isinstance(payload, dict) else None
        if not isinstance(models, list):
            raise ProbeError("the server's /api/tags reply has no 'models' list")
        return [str(m.get("name") or m.get("model")) for m in models if isinstance(m, dict)]


_BACKENDS: dict[str, Backend] = {}


def register_backend(backend: Backend) -> None:
    """Make ``backend`` available under ``backend.name``."""
    _BACKENDS[backend.name] = backend


def get_backend(name: str) -> Backend:
    """The backend called ``name``.

    Raises:
        ProbeConfigError: no such backend (the message lists the known ones).
    """
    try:
        return _BACKENDS[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(_BACKENDS))
        raise ProbeConfigError(f"api = {name!r}: unknown; use one of {known}") from None


def backend_names() -> list[str]:
    """Names of the registered backends."""
    return sorted(_BACKENDS)


register_backend(OpenAIBackend())
register_backend(OllamaBackend())


# --------------------------------------------------------------------------- transport


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    prefix: str  # path prefix before /v1 or /api, without a trailing slash


def _parse_url(url: Any) -> _Target:
    """Check a server URL and split it.

    Raises:
        ProbeConfigError: not http(s), no host, credentials in it, or a bad port.
    """
    if not isinstance(url, str) or not url.strip():
        raise ProbeConfigError("url: give the server's address, e.g. http://127.0.0.1:8080")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise ProbeConfigError(
            f"url = {url!r}: must start with http:// or https:// (e.g. http://127.0.0.1:8080)"
        )
    if not parts.hostname:
        raise ProbeConfigError(f"url = {url!r}: has no host name")
    if parts.username or parts.password:
        raise ProbeConfigError(
            "url: contains credentials; put the API key in an environment variable "
            f"({DEFAULT_API_KEY_ENV} or --api-key-env) instead"
        )
    if parts.query or parts.fragment:
        raise ProbeConfigError(f"url = {url!r}: give the base address without ?query or #fragment")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ProbeConfigError(f"url = {url!r}: invalid port") from exc
    prefix = parts.path.rstrip("/")
    for suffix in ("/v1", "/api"):
        if prefix.endswith(suffix):
            prefix = prefix[: -len(suffix)]
    return _Target(parts.scheme, parts.hostname, port, prefix)


def _snippet(value: Any, limit: int = 120) -> str:
    """A short, printable rendering of untrusted data for an error message."""
    if isinstance(value, bytes):
        text = value[: limit * 4].decode("utf-8", "replace")
    elif isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)[: limit * 4]
        except (TypeError, ValueError):
            text = type(value).__name__
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _api_key(env_name: str, explicit: bool) -> str | None:
    key = os.environ.get(env_name)
    if explicit and not key:
        raise ProbeConfigError(f"api_key_env: the environment variable {env_name} is not set")
    return key or None


class _Failure(Exception):
    def __init__(self, kind: str, detail: str, status: int | None = None):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.status = status


class _Client:
    """One connection (kept alive between requests) used by one thread at a time."""

    def __init__(
        self, target: _Target, cfg: ProbeConfig, headers: dict[str, str], secret: str | None
    ):
        self.target = target
        self.cfg = cfg
        self.headers = headers
        self.secret = secret
        self.conn: http.client.HTTPConnection | None = None
        self.server_header: str | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _connect(self) -> http.client.HTTPConnection:
        t = self.target
        timeout = self.cfg.connect_timeout_s
        if t.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                t.host, t.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(t.host, t.port, timeout=timeout)
        try:
            conn.connect()
        except ConnectionRefusedError as exc:
            raise _Failure("connect_refused", f"connection refused by {t.host}:{t.port}") from exc
        except TimeoutError as exc:
            raise _Failure(
                "connect_timeout", f"no connection to {t.host}:{t.port} within {timeout:g} s"
            ) from exc
        except ssl.SSLError as exc:
            raise _Failure("tls_error", f"TLS handshake with {t.host} failed: {exc}") from exc
        except OSError as exc:
            raise _Failure("connect_error", f"cannot connect to {t.host}:{t.port}: {exc}") from exc
        return conn

    def _redact(self, text: str) -> str:
        return text.replace(self.secret, "***") if self.secret else text

    def _send(
        self, method: str, path: str, body: bytes | None, deadline: float
    ) -> http.client.HTTPResponse:
        """Send a request and read the status line, reusing the connection when possible."""
        for attempt in (0, 1):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = self._connect()
            conn = self.conn
            try:
                assert conn.sock is not None
                conn.sock.settimeout(
                    max(0.001, min(self.cfg.read_timeout_s, deadline - time.perf_counter()))
                )
                conn.request(method, self.target.prefix + path, body=body, headers=self.headers)
                return conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if reused and attempt == 0:
                    continue  # the server dropped an idle kept-alive connection: reconnect once
                raise _Failure("stream_cut", f"the server closed the connection: {exc}") from exc
            except TimeoutError as exc:
                self.close()
                raise self._timeout(deadline, "waiting for the reply") from exc
            except http.client.HTTPException as exc:
                self.close()
                raise _Failure("malformed", f"invalid HTTP reply: {exc!r}") from exc
            except OSError as exc:
                self.close()
                raise _Failure("stream_cut", f"connection failed while sending: {exc}") from exc
        raise AssertionError("unreachable")

    def _timeout(self, deadline: float, what: str) -> _Failure:
        if time.perf_counter() >= deadline - 0.002:
            return _Failure(
                "deadline", f"request exceeded its {self.cfg.request_timeout_s:g} s bound ({what})"
            )
        return _Failure("timeout", f"nothing received for {self.cfg.read_timeout_s:g} s ({what})")

    def _read_some(self, resp: http.client.HTTPResponse, deadline: float, limit: int) -> bytes:
        sock = self.conn.sock if self.conn else None
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise self._timeout(deadline, "streaming")
        if sock is not None and remaining < self.cfg.read_timeout_s:
            sock.settimeout(remaining)
        return resp.read1(limit)

    def _error_body(self, resp: http.client.HTTPResponse, deadline: float) -> str:
        try:
            return _snippet(self._read_some(resp, min(deadline, time.perf_counter() + 2.0), 2048))
        except Exception:  # the detail is optional: any failure here leaves it out
            return ""

    def get_json(self, path: str, deadline: float) -> Any:
        """GET ``path`` and decode a bounded JSON reply (for model lists and tokenizers)."""
        return self._json_call("GET", path, None, deadline)

    def post_json(self, path: str, payload: dict[str, Any], deadline: float) -> Any:
        """POST JSON to ``path`` and decode a bounded JSON reply."""
        return self._json_call("POST", path, json.dumps(payload).encode(), deadline)

    def _json_call(self, method: str, path: str, body: bytes | None, deadline: float) -> Any:
        resp = self._send(method, path, body, deadline)
        try:
            if resp.status != 200:
                raise _Failure(_status_class(resp.status), f"HTTP {resp.status}", resp.status)
            data = bytearray()
            while True:
                piece = self._read_some(resp, deadline, 65536)
                if not piece:
                    break
                data += piece
                if len(data) > self.cfg.max_response_bytes:
                    raise _Failure(
                        "too_large", f"reply larger than {self.cfg.max_response_bytes} bytes"
                    )
            try:
                return json.loads(data)
            except ValueError as exc:
                raise _Failure("malformed", f"reply is not JSON: {_snippet(bytes(data))}") from exc
        except TimeoutError as exc:
            raise self._timeout(deadline, "reading the reply") from exc
        except (http.client.HTTPException, OSError) as exc:
            raise _Failure("stream_cut", f"reply cut: {exc!r}") from exc
        finally:
            if not resp.isclosed():
                self.close()
            elif resp.will_close:
                self.close()

    def stream(
        self, backend: Backend, path: str, body: bytes, result: RequestResult, t0: float
    ) -> tuple[_Observation, float]:
        """Send one streamed request and record its reply; returns the observation and end time."""
        deadline = t0 + self.cfg.request_timeout_s
        obs = _Observation()
        resp = self._send("POST", path, body, deadline)
        result.http_status = resp.status
        if self.server_header is None:
            self.server_header = _snippet(resp.getheader("Server") or "", 80) or None
        try:
            if resp.status != 200:
                detail = f"HTTP {resp.status} {_snippet(resp.reason, 60)}"
                retry = resp.getheader("Retry-After")
                if retry:
                    detail += f" (Retry-After: {_snippet(retry, 20)})"
                body_text = self._error_body(resp, deadline)
                raise _Failure(
                    _status_class(resp.status),
                    self._redact(f"{detail}: {body_text}" if body_text else detail),
                    resp.status,
                )
            ctype = (resp.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/json":
                body_text = self._error_body(resp, deadline)
                raise _Failure(
                    "non_streamed",
                    f"one JSON body instead of a stream (is streaming disabled?): {body_text}",
                )
            self._read_stream(resp, backend.parser(obs), obs, deadline)
            return obs, obs.end or time.perf_counter()
        except TimeoutError as exc:
            raise self._timeout(deadline, "streaming") from exc
        except http.client.IncompleteRead as exc:
            raise _Failure(
                "stream_cut", "the connection closed in the middle of the stream"
            ) from exc
        except http.client.HTTPException as exc:
            raise _Failure("malformed", f"invalid HTTP framing: {exc!r}") from exc
        except OSError as exc:
            raise _Failure("stream_cut", f"the connection failed mid-stream: {exc}") from exc
        finally:
            self._finish(resp, obs)

    def _read_stream(
        self,
        resp: http.client.HTTPResponse,
        parser: _StreamParser,
        obs: _Observation,
        deadline: float,
    ) -> None:
        body = _Body(resp)
        sock = self.conn.sock if self.conn else None
        read_timeout = self.cfg.read_timeout_s
        limit = self.cfg.max_response_bytes
        total = 0
        pending = b""
        while not obs.done:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise self._timeout(deadline, "streaming")
            if sock is not None and remaining < read_timeout:
                sock.settimeout(remaining)
            data = body.read()
            now = time.perf_counter()
            if not data:
                if pending:
                    parser.feed(pending, now)
                parser.end(now)
                if not obs.done and obs.error is None:
                    if obs.finish_reason is not None:
                        obs.done, obs.end = True, now  # ended after its last chunk, without [DONE]
                    else:
                        obs.fail("stream_cut", "the stream ended before its end marker")
                break
            total += len(data)
            if total > limit:
                raise _Failure("too_large", f"reply larger than {limit} bytes")
            pending += data
            if b"\n" not in data:
                if len(pending) > _LINE_LIMIT:
                    raise _Failure("too_large", "a stream line longer than 1 MiB")
                continue
            *lines, pending = pending.split(b"\n")
            for line in lines:
                parser.feed(line, now)
                if obs.error is not None:
                    raise _Failure(*obs.error)
                if obs.done:
                    break
        if obs.error is not None:
            raise _Failure(*obs.error)
        self._body = body

    _body: _Body | None = None

    def _finish(self, resp: http.client.HTTPResponse, obs: _Observation) -> None:
        """Leave the connection reusable (the reply read to its end), or close it."""
        body, self._body = self._body, None
        if resp.isclosed() or body is None or not obs.done or obs.error is not None:
            self.close()
            return
        try:
            # Read what is left of the reply (e.g. the chunked terminator after [DONE]), briefly.
            if self.conn is not None and self.conn.sock is not None:
                self.conn.sock.settimeout(0.5)
            for _ in range(8):
                if not body.read():
                    break
        except Exception:  # anything odd here: just do not reuse the connection
            self.close()
            return
        if body.ended and not resp.will_close:
            resp.close()  # marks the reply done, so the connection takes the next request
        else:
            self.close()


class _Body:
    """Reads a reply's body as it arrives, undoing chunked transfer framing.

    ``http.client`` does the same, but at several calls per chunk; a stream
    brings one chunk per token, so this reads the socket buffer directly (one
    ``read1`` per arrival) to keep the client's CPU cost per token low.
    """

    __slots__ = ("chunked", "ended", "fp", "left", "length", "raw", "state")

    def __init__(self, resp: http.client.HTTPResponse):
        self.fp = resp.fp
        self.chunked = bool(resp.chunked)
        self.length = resp.length  # None when the body ends at the connection's close
        self.raw = b""
        self.left = 0
        self.state = "size"  # size, data, crlf, trailer
        self.ended = False

    def read(self) -> bytes:
        """The body's next bytes (blocking until some arrive); ``b""`` at its end.

        Raises:
            http.client.IncompleteRead: the connection closed before the body ended.
            http.client.HTTPException: invalid chunked framing.
        """
        if self.ended or self.fp is None:
            return b""
        if not self.chunked:
            if self.length == 0:
                self.ended = True
                return b""
            data = self.fp.read1(65536 if self.length is None else min(65536, self.length))
            if not data:
                if self.length is not None:
                    raise http.client.IncompleteRead(b"", self.length)
                self.ended = True
            elif self.length is not None:
                self.length -= len(data)
            return data
        while True:
            if self.raw:
                out = self._decode()
                if out or self.ended:
                    return out
            data = self.fp.read1(65536)
            if not data:
                raise http.client.IncompleteRead(b"")
            self.raw += data

    def _decode(self) -> bytes:
        raw, pos, out = self.raw, 0, []
        size = len(raw)
        while pos < size:
            if self.state == "data":
                take = min(self.left, size - pos)
                out.append(raw[pos : pos + take])
                pos += take
                self.left -= take
                if self.left == 0:
                    self.state = "crlf"
                continue
            eol = raw.find(b"\n", pos)
            if eol < 0:
                if size - pos > 4096:
                    raise http.client.HTTPException("chunk header longer than 4 KiB")
                break
            line = raw[pos:eol].strip()
            pos = eol + 1
            if self.state == "size":
                try:
                    self.left = int(line.split(b";", 1)[0], 16)
                except ValueError:
                    raise http.client.HTTPException(f"invalid chunk size {line[:20]!r}") from None
                self.state = "data" if self.left > 0 else "trailer"
            elif self.state == "crlf":
                self.state = "size"
            elif not line:  # the empty line after the trailers ends the body
                self.ended = True
                break
        self.raw = raw[pos:]
        return b"".join(out)


def _status_class(status: int) -> str:
    if status == 429:
        return "http_429"
    if 400 <= status < 500:
        return "http_4xx"
    if status >= 500:
        return "http_5xx"
    return "http_other"


def _fill_metrics(
    result: RequestResult, obs: _Observation, t0: float, t_end: float, base: float
) -> None:
    """Derive a request's metrics from what its stream showed (all times from perf_counter)."""
    result.end_ms = (t_end - base) * 1000
    result.output_chunks = obs.chunks
    result.output_chars = obs.chars
    result.finish_reason = obs.finish_reason
    result.input_tokens = obs.usage_input if obs.usage_input is not None else obs.timing_input
    result.prefill_tps = obs.prefill_tps
    result.server_decode_tps = obs.server_decode_tps
    if obs.usage_output is not None:
        tokens, source = obs.usage_output, "usage"
    elif obs.timing_output is not None:
        tokens, source = obs.timing_output, "server_timings"
    elif obs.chars:
        tokens, source = max(1, round(obs.chars / 4)), "estimate"
    else:
        tokens, source = 0, None
    if obs.first_output is None or tokens == 0:
        result.error = "no_output"
        result.error_detail = "the stream ended without any output"
        return
    result.ok = True
    result.output_tokens = tokens
    result.output_tokens_source = source
    result.e2e_ms = (t_end - t0) * 1000
    result.ttft_ms = (obs.first_output - t0) * 1000
    if obs.first_answer is not None:
        result.ttfat_ms = (obs.first_answer - t0) * 1000
    result.itl_ms = [g * 1000 for g in obs.gaps]
    decode_s = t_end - obs.first_output
    if tokens >= 2 and decode_s > 0:
        result.tpot_ms = decode_s * 1000 / (tokens - 1)
        result.decode_tps = (tokens - 1) / decode_s


# --------------------------------------------------------------------------- prompts


def synthetic_prompt(words: int, seed: int) -> str:
    """Text of ``words`` common English words drawn with ``seed`` (meaningless, deterministic).

    Args:
        words: number of words (at least 1).
        seed: seed of the draw; each request uses its own, so servers cannot reuse a
            cached prefix from another request.

    Returns:
        The prompt text.
    """
    rng = random.Random(seed)
    return " ".join(rng.choices(PROMPT_WORDS, k=max(1, words)))


# Characters per word of the synthetic text (mean word length plus a space).
_CHARS_PER_WORD = sum(len(w) + 1 for w in PROMPT_WORDS) / len(PROMPT_WORDS)
_TOKENIZER_ROUTES = (
    # (path, body builder, reply reader): llama-cpp-python, llama.cpp's server, vLLM.
    ("/extras/tokenize/count", lambda m, t: {"input": t, "model": m}, lambda r: r.get("count")),
    (
        "/tokenize",
        lambda m, t: {"content": t},
        lambda r: len(r["tokens"]) if "tokens" in r else None,
    ),
    ("/tokenize", lambda m, t: {"model": m, "prompt": t}, lambda r: r.get("count")),
)


def _token_counter(
    client: _Client, model: str, deadline: float
) -> tuple[Callable[[str], int], str] | None:
    """A function counting tokens with the server's tokenizer, and its route; None if none works."""
    probe_text = synthetic_prompt(20, 0)
    for path, build, read in _TOKENIZER_ROUTES:
        try:
            reply = client.post_json(path, build(model, probe_text), deadline)
            count = _count(read(reply)) if isinstance(reply, dict) else None
        except (_Failure, KeyError, TypeError):
            continue
        if count:

            def counter(text: str, path: str = path, build: Any = build, read: Any = read) -> int:
                value = _count(read(client.post_json(path, build(model, text), deadline)))
                if value is None:
                    raise _Failure("malformed", f"tokenizer {path} gave no count")
                return value

            return counter, path
    return None


def calibrate_prompt(
    target_tokens: int, count_tokens: Callable[[str], int] | None
) -> tuple[int, str]:
    """How many synthetic words make a prompt of about ``target_tokens`` tokens.

    With a tokenizer: start from ~4 characters per token, count, rescale
    ``words = words * target / counted`` twice and keep the closest. Without
    one: ``words = target * 4 / characters per word``, flagged as an estimate.

    Args:
        target_tokens: the wanted prompt length, tokens.
        count_tokens: counts a text's tokens with the server's tokenizer, or None.

    Returns:
        ``(words, basis)``, the basis saying how the length was set.
    """
    words = max(1, round(target_tokens * 4 / _CHARS_PER_WORD))
    if count_tokens is None:
        return words, (
            f"estimate: ~4 characters per token ({words} words for {target_tokens} tokens); "
            "the server offers no tokenizer endpoint"
        )
    best: tuple[int, int] | None = None
    for _ in range(3):
        counted = count_tokens(synthetic_prompt(words, 0))
        if best is None or abs(counted - target_tokens) < abs(best[1] - target_tokens):
            best = (words, counted)
        if counted == target_tokens or counted <= 0:
            break
        words = max(1, round(words * target_tokens / counted))
    assert best is not None
    return best[0], f"server tokenizer: {best[0]} words = {best[1]} tokens (target {target_tokens})"


# --------------------------------------------------------------------------- discovery


def _short_deadline(seconds: float) -> float:
    return time.perf_counter() + seconds


def _headers(backend: Backend, key: str | None) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "Accept": backend.stream_type,
        "User-Agent": _USER_AGENT,
    }
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return headers


def _failure_message(target_url: str, failure: _Failure, what: str) -> str:
    hint = ""
    if failure.kind in ("connect_refused", "connect_timeout", "connect_error"):
        hint = " Is the server running? Try: python -m analysis tiny-server"
    elif failure.status in (401, 403):
        hint = (
            f" Set the API key in {DEFAULT_API_KEY_ENV} (or name its variable with --api-key-env)."
        )
    return f"{what} at {target_url} failed ({failure.kind}): {failure.detail}.{hint}"


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
    target = _parse_url(url)
    backend = get_backend(api)
    cfg = ProbeConfig(
        url=url, api=api, connect_timeout_s=min(5.0, timeout_s), read_timeout_s=timeout_s
    )
    key = _api_key(api_key_env or DEFAULT_API_KEY_ENV, explicit=api_key_env is not None)
    client = _Client(target, cfg, _headers(backend, key), key)
    try:
        payload = client.get_json(backend.models_path, _short_deadline(timeout_s))
    except _Failure as failure:
        raise ProbeError(_failure_message(url, failure, "listing models")) from None
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
    target = _parse_url(url)
    cfg = ProbeConfig(url=url, connect_timeout_s=timeout_s, read_timeout_s=timeout_s)
    client = _Client(target, cfg, {"User-Agent": _USER_AGENT, "Accept": "text/plain"}, None)
    deadline = _short_deadline(timeout_s)
    try:
        resp = client._send("GET", "/metrics", None, deadline)
        if resp.status != 200:
            return None
        text = bytearray()
        while len(text) < cfg.max_response_bytes:
            piece = client._read_some(resp, deadline, 65536)
            if not piece:
                break
            text += piece
    except (_Failure, OSError, http.client.HTTPException):
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


# --------------------------------------------------------------------------- running


class _Runner:
    """Sends the requests of one run and collects their results."""

    def __init__(
        self, cfg: ProbeConfig, backend: Backend, target: _Target, model: str, key: str | None
    ):
        self.cfg = cfg
        self.backend = backend
        self.target = target
        self.model = model
        self.key = key
        self.headers = _headers(backend, key)
        self.endpoint = backend.endpoint_name(cfg.endpoint)
        self.path = backend.endpoints[self.endpoint]
        self.words = 1
        self.base = time.perf_counter()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.results: list[RequestResult] = []
        self.server_header: str | None = None
        self.progress: Callable[[int, int, str], None] | None = None
        self.done = 0
        self.total = 0
        self.label = ""
        self._serial = 0  # next request index

    def client(self) -> _Client:
        return _Client(self.target, self.cfg, self.headers, self.key)

    def request(self, client: _Client, result: RequestResult) -> None:
        """Run one request into ``result`` (never raises)."""
        prompt = synthetic_prompt(self.words, self.cfg.seed * 1_000_003 + result.index)
        result.prompt_words = self.words
        body = json.dumps(
            self.backend.body(
                self.endpoint, self.model, prompt, self.cfg.max_tokens, self.cfg.ignore_eos
            )
        ).encode()
        t0 = time.perf_counter()
        result.sent_ms = (t0 - self.base) * 1000
        try:
            obs, t_end = client.stream(self.backend, self.path, body, result, t0)
            _fill_metrics(result, obs, t0, t_end, self.base)
        except _Failure as failure:
            client.close()
            result.error = failure.kind
            result.error_detail = client._redact(failure.detail)[:_DETAIL_LIMIT]
            result.http_status = failure.status or result.http_status
            result.end_ms = (time.perf_counter() - self.base) * 1000
        except Exception as exc:  # never let one request's surprise end the run
            client.close()
            result.error = "client_error"
            result.error_detail = _snippet(f"{type(exc).__name__}: {exc}", _DETAIL_LIMIT)
            result.end_ms = (time.perf_counter() - self.base) * 1000
        if client.server_header and self.server_header is None:
            self.server_header = client.server_header
        with self.lock:
            self.results.append(result)
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, self.total, self.label)

    def closed_loop(
        self,
        clients: Sequence[_Client],
        count: int,
        warmup: bool,
        duration_s: float | None,
    ) -> None:
        """``count`` requests, one in flight per client; no new one past ``duration_s``.

        The clients (one per unit of concurrency) outlive the call, so the
        connections a warm-up opened are the ones the measured requests use.
        """
        concurrency = len(clients)
        claimed = 0
        claim_lock = threading.Lock()
        start = time.perf_counter()

        def worker(client: _Client) -> None:
            nonlocal claimed
            while not self.stop.is_set():
                if duration_s is not None and time.perf_counter() - start >= duration_s:
                    return
                with claim_lock:
                    if claimed >= count:
                        return
                    claimed += 1
                    with self.lock:
                        index = self._serial
                        self._serial += 1
                now_ms = (time.perf_counter() - self.base) * 1000
                result = RequestResult(
                    index=index, concurrency=concurrency, warmup=warmup, scheduled_ms=now_ms
                )
                self.request(client, result)

        self._join(
            [
                threading.Thread(target=worker, args=(client,), daemon=True)
                for client in clients[: min(concurrency, count)]
            ]
        )

    def open_loop(self, load: PoissonLoad) -> None:
        """Poisson arrivals at ``load.rate_per_s``; the first ``load.warmup`` are warm-up."""
        rng = random.Random(load.seed)
        total = load.warmup + load.requests
        jobs: list[RequestResult | None] = []
        ready = threading.Condition()
        start = time.perf_counter()

        def worker() -> None:
            client = self.client()
            try:
                while True:
                    with ready:
                        while not jobs and not self.stop.is_set():
                            ready.wait(0.2)
                        if self.stop.is_set() and not jobs:
                            return
                        job = jobs.pop(0)
                    if job is None:
                        return
                    self.request(client, job)
            finally:
                client.close()

        threads = [
            threading.Thread(target=worker, daemon=True)
            for _ in range(min(load.max_in_flight, total))
        ]
        for thread in threads:
            thread.start()
        due = 0.0
        try:
            for i in range(total):
                due += rng.expovariate(load.rate_per_s)
                if load.duration_s is not None and due > load.duration_s:
                    break
                wait = start + due - time.perf_counter()
                if wait > 0:
                    self.stop.wait(wait)
                if self.stop.is_set():
                    break
                with self.lock:
                    index = self._serial
                    self._serial += 1
                job = RequestResult(
                    index=index,
                    rate_per_s=load.rate_per_s,
                    warmup=i < load.warmup,
                    scheduled_ms=(start + due - self.base) * 1000,
                )
                with ready:
                    jobs.append(job)
                    ready.notify()
        finally:
            with ready:
                jobs.extend([None] * len(threads))
                ready.notify_all()
        self._join(threads, started=True)

    def _join(self, threads: list[threading.Thread], started: bool = False) -> None:
        if not started:
            for thread in threads:
                thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.2)  # short joins keep Ctrl-C responsive
        except KeyboardInterrupt:
            self.stop.set()
            raise


def run_probe(
    cfg: ProbeConfig, progress: Callable[[int, int, str], None] | None = None
) -> ProbeRun:
    """Probe a server under ``cfg``'s load and return the run (not stored: see ``probe_store``).

    The run's wall time is bounded: with a duration limit D per level and a
    request bound R, a level ends within about D + R seconds; without, each
    request ends within R (connect, stall and size bounds apply too).

    Args:
        cfg: what to probe and how.
        progress: called as ``progress(done, total, level_label)`` after each request.

    Returns:
        The run, with one result per request (warm-up included, flagged).

    Raises:
        ProbeConfigError: ``cfg`` is invalid, or its API key variable is unset.
        ProbeError: the server cannot be reached to find its model.
    """
    cfg.validate()
    backend = get_backend(cfg.api)
    target = _parse_url(cfg.url)
    key = _api_key(cfg.api_key_env, explicit=cfg.api_key_env != DEFAULT_API_KEY_ENV)
    started = datetime.now(UTC)
    setup = _Client(target, cfg, _headers(backend, key), key)
    deadline = _short_deadline(min(cfg.request_timeout_s, 30.0))
    try:
        model = cfg.model
        if model is None:
            try:
                names = backend.model_names(setup.get_json(backend.models_path, deadline))
            except _Failure as failure:
                raise ProbeError(_failure_message(cfg.url, failure, "finding the model")) from None
            if not names:
                raise ProbeConfigError(f"the server at {cfg.url} lists no model: pass --model")
            model = names[0]
        counter = _token_counter(setup, model, deadline) if backend.name == "openai" else None
        try:
            words, basis = calibrate_prompt(cfg.input_tokens, counter[0] if counter else None)
        except _Failure:
            words, basis = calibrate_prompt(cfg.input_tokens, None)
    finally:
        setup.close()

    runner = _Runner(cfg, backend, target, model, key)
    runner.words = words
    runner.progress = progress
    load = cfg.load
    if isinstance(load, ConcurrencySweep):
        runner.total = len(load.levels) * (load.warmup + load.requests)
        for level in load.levels:
            runner.label = f"c={level}"
            clients = [runner.client() for _ in range(level)]
            try:
                if load.warmup:
                    runner.closed_loop(clients, load.warmup, True, None)
                runner.closed_loop(clients, load.requests, False, load.duration_s)
            finally:
                for client in clients:
                    client.close()
            if runner.stop.is_set():
                break
    else:
        runner.total = load.warmup + load.requests
        runner.label = f"{load.rate_per_s:g}/s"
        runner.open_loop(load)
    finished = datetime.now(UTC)
    results = sorted(runner.results, key=lambda r: r.index)
    return ProbeRun(
        run_id=new_run_id(started),
        config=replace(cfg, model=model),
        model=model,
        started_at=started,
        finished_at=finished,
        client_host=socket.gethostname(),
        server_software=runner.server_header,
        input_tokens_basis=basis,
        requests=results,
    )


def new_run_id(at: datetime) -> str:
    """A unique, time-ordered run id such as ``20250101T120000Z-3fa2c1``."""
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%SZ}-{os.urandom(3).hex()}"


# --------------------------------------------------------------------------- CLI


def _parse_levels(text: str) -> tuple[int, ...]:
    levels = []
    for part in text.split(","):
        part = part.strip()
        try:
            value = int(part)
        except ValueError:
            raise ProbeConfigError(
                f"--concurrency {text!r}: {part!r} is not a whole number (e.g. 1,2,4)"
            ) from None
        if value < 1:
            raise ProbeConfigError(
                f"--concurrency {text!r}: {value} is not a positive number of requests in flight"
            )
        levels.append(value)
    return tuple(levels)


def config_from_args(args: argparse.Namespace) -> ProbeConfig:
    """The probe configuration of the ``probe`` command's arguments.

    Raises:
        ProbeConfigError: an invalid option.
    """
    if args.requests is not None and args.requests < 1:
        raise ProbeConfigError(f"--requests {args.requests}: must be at least 1")
    load: LoadShape
    if args.rate is not None and args.concurrency is not None:
        raise ProbeConfigError(
            "give --concurrency (a sweep) or --rate (Poisson arrivals), not both"
        )
    if args.rate is not None:
        load = PoissonLoad(
            rate_per_s=args.rate,
            requests=args.requests or 64,
            warmup=args.warmup if args.warmup is not None else 0,
            seed=args.seed,
            duration_s=args.duration,
            max_in_flight=args.max_in_flight,
        )
    else:
        load = ConcurrencySweep(
            levels=_parse_levels(args.concurrency or "1,2,4,8,16"),
            requests=args.requests or 32,
            warmup=args.warmup if args.warmup is not None else 1,
            duration_s=args.duration,
        )
    cfg = ProbeConfig(
        url=args.url,
        model=args.model,
        api=args.api,
        endpoint=args.endpoint,
        load=load,
        input_tokens=args.input_tokens,
        max_tokens=args.max_tokens,
        slo=SLO(
            ttft_ms=args.slo_ttft_ms,
            tpot_ms=args.slo_tpot_ms,
            e2e_ms=args.slo_e2e_ms,
            percentile=args.slo_percentile,
        ),
        hardware=args.hardware or "",
        ignore_eos=args.ignore_eos,
        connect_timeout_s=args.connect_timeout,
        read_timeout_s=args.read_timeout,
        request_timeout_s=args.timeout,
        api_key_env=args.api_key_env or DEFAULT_API_KEY_ENV,
        seed=args.seed,
    )
    cfg.validate()
    return cfg


class _ProgressBar:
    """A one-line progress bar on a terminal's stderr (silent when stderr is not a terminal)."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, done: int, total: int, label: str) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        print(f"\r[{bar}] {done}/{total} requests ({label})", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.enabled:
            print(file=sys.stderr, flush=True)


def _fmt(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _level_rows(levels: Sequence[LevelStats]) -> list[dict[str, Any]]:
    rows = []
    for lv in levels:
        m = lv.metrics
        rows.append(
            {
                "level": lv.label,
                "done": lv.completed,
                "errors": lv.errors,
                "out tok/s": _fmt(lv.output_tokens_per_s, 1),
                "req/s": _fmt(lv.request_throughput, 2),
                "TTFT p50": _fmt(m["ttft_ms"].p50),
                "TTFT p90": _fmt(m["ttft_ms"].p90),
                "TTFT p99": _fmt(m["ttft_ms"].p99),
                "TPOT p50": _fmt(m["tpot_ms"].p50, 1),
                "TPOT p90": _fmt(m["tpot_ms"].p90, 1),
                "TPOT p99": _fmt(m["tpot_ms"].p99, 1),
                "e2e p50": _fmt(m["e2e_ms"].p50),
                "goodput req/s": _fmt(lv.goodput_rps, 2),
                "SLO": "met" if lv.meets_slo else "missed",
            }
        )
    return rows


def print_run(run: ProbeRun, out: Any = None) -> None:
    """Print a run's results, with the definitions of its numbers."""
    from analysis.console import format_table

    out = out or sys.stdout
    cfg = run.config
    hardware = f" · hardware: {cfg.hardware}" if cfg.hardware else ""
    endpoint = get_backend(cfg.api).endpoint_name(cfg.endpoint)
    print(
        f"probe run {run.run_id} · {run.model} at {cfg.url} "
        f"({run.server_kind}, {endpoint}){hardware}",
        file=out,
    )
    print(
        f"input: {cfg.input_tokens} tokens ({run.input_tokens_basis}) · output: up to "
        f"{cfg.max_tokens} tokens · SLO: {cfg.slo.describe()}",
        file=out,
    )
    levels = run.levels()
    print(file=out)
    print(format_table(_level_rows(levels)), file=out)
    sources = Counter()
    errors = Counter()
    for lv in levels:
        sources.update(lv.output_tokens_source)
        errors.update(lv.error_counts)
    print(file=out)
    if sources:
        parts = ", ".join(f"{k}: {v}" for k, v in sorted(sources.items()))
        print(f"output tokens counted from ({parts} requests)", file=out)
    for kind, n in sorted(errors.items()):
        print(f"errors {kind} x{n}: {ERROR_CLASSES.get(kind, '')}", file=out)
    try:
        tok_s, basis = to_tco_throughput(run)
        print(f"best within SLO: {tok_s:,.1f} output tok/s per replica — {basis}", file=out)
    except ProbeError as exc:
        print(f"best within SLO: none — {exc}", file=out)
    print("\nDefinitions (times in ms):", file=out)
    for name in (
        "ttft_ms",
        "tpot_ms",
        "e2e_ms",
        "output_tokens",
        "output_tokens_per_s",
        "request_throughput",
        "goodput_rps",
        "slo_attainment",
    ):
        print(f"  {name}: {METRIC_DEFINITIONS[name]}", file=out)


def _cmd_probe(args: argparse.Namespace) -> int:
    from analysis import probe_store
    from analysis.console import print_json

    cfg = config_from_args(args)
    bar = _ProgressBar()
    try:
        run = run_probe(cfg, progress=bar)
    finally:
        bar.close()
    if not args.no_store:
        probe_store.save_run(run)
    if args.json:
        print_json(run.to_dict())
    else:
        print_run(run)
        if not args.no_store:
            print(f"\nstored as {run.run_id} (list with: python -m analysis probe-runs)")
    if not any(r.ok for r in run.requests if not r.warmup):
        print(
            "error: no request completed; the error classes above say why",
            file=sys.stderr,
        )
        return 1
    return 0


def _cmd_probe_runs(args: argparse.Namespace) -> int:
    from analysis import probe_store
    from analysis.console import print_json, print_table

    frame = probe_store.list_runs()
    rows = frame.to_dicts()
    if args.json:
        print_json(rows)
        return 0
    columns = [
        "run_id",
        "started_at",
        "model",
        "url",
        "api",
        "hardware",
        "load_shape",
        "levels",
        "completed",
        "errors",
        "best_output_tokens_per_s",
        "best_concurrency",
    ]
    print_table(rows, columns)
    return 0


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``probe`` and ``probe-runs`` commands."""
    p = subparsers.add_parser(
        "probe",
        help="measure an inference server's latency and throughput under load; store the run",
        description=(
            "Send streamed requests to an OpenAI-compatible or Ollama server at a sweep of "
            "concurrency levels (or a Poisson request rate), print TTFT, TPOT, throughput and "
            "goodput per level with their definitions, and store the run. The API key, if any, "
            f"is read from ${DEFAULT_API_KEY_ENV} (or the variable named by --api-key-env)."
        ),
    )
    p.add_argument("--url", required=True, help="server base URL, e.g. http://127.0.0.1:8080")
    p.add_argument("--model", help="model name (default: the server's first listed model)")
    p.add_argument("--api", default="openai", choices=backend_names(), help="server API")
    p.add_argument("--endpoint", help="chat or completions (openai); generate or chat (ollama)")
    p.add_argument("--concurrency", help="levels, e.g. 1,2,4 (default 1,2,4,8,16)")
    p.add_argument("--rate", type=float, help="Poisson arrivals per second instead of a sweep")
    p.add_argument(
        "--max-in-flight", type=int, default=64, help="bound on concurrent requests with --rate"
    )
    p.add_argument(
        "--requests", type=int, help="measured requests per level (default 32; 64 with --rate)"
    )
    p.add_argument(
        "--warmup",
        type=int,
        help="unmeasured warm-up requests per level (default 1; 0 with --rate)",
    )
    p.add_argument(
        "--duration", type=float, help="time limit per level, s (no new request after it)"
    )
    p.add_argument("--input-tokens", type=int, default=256, help="prompt length, tokens")
    p.add_argument("--max-tokens", type=int, default=128, help="output length asked for, tokens")
    p.add_argument(
        "--ignore-eos", action="store_true", help="ask the server to ignore end-of-sequence"
    )
    p.add_argument("--slo-ttft-ms", type=float, help="SLO bound on TTFT, ms")
    p.add_argument("--slo-tpot-ms", type=float, help="SLO bound on TPOT, ms")
    p.add_argument("--slo-e2e-ms", type=float, help="SLO bound on end-to-end latency, ms")
    p.add_argument(
        "--slo-percentile",
        type=float,
        default=95.0,
        help="share of requests that must meet the bounds, %%",
    )
    p.add_argument("--hardware", help="label of the serving hardware, e.g. '1x L4, vLLM 0.6'")
    p.add_argument(
        "--api-key-env",
        help=f"environment variable holding the API key (default {DEFAULT_API_KEY_ENV})",
    )
    p.add_argument("--timeout", type=float, default=300.0, help="bound on one request, s")
    p.add_argument("--read-timeout", type=float, default=60.0, help="bound on a stall (no byte), s")
    p.add_argument("--connect-timeout", type=float, default=5.0, help="bound on connecting, s")
    p.add_argument("--seed", type=int, default=0, help="seed of the prompts and arrivals")
    p.add_argument("--no-store", action="store_true", help="do not store the run")
    p.add_argument(
        "--json", action="store_true", help="print JSON: one entry per level under 'levels'"
    )
    p.set_defaults(func=_cmd_probe)

    r = subparsers.add_parser("probe-runs", help="list stored probe runs")
    r.add_argument("--json", action="store_true", help="print JSON")
    r.set_defaults(func=_cmd_probe_runs)
