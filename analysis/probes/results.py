"""Probe results and their statistics, and the throughput they give the cost model.

- :class:`RequestResult`: one request, what happened and what it measured;
- :func:`percentile`, :func:`summarise`, :class:`Summary`: the statistics of one metric;
- :func:`aggregate`, :class:`LevelStats`: one load level's throughput, goodput and percentiles;
- :class:`ProbeRun`: a whole run (configuration, context, requests);
- economics: :func:`best_throughput` (the highest level meeting the SLO) and
  :func:`to_tco_throughput` (its output tokens/s per replica with a basis text).

The metrics are defined in :data:`METRIC_DEFINITIONS` and the error classes
in :data:`ERROR_CLASSES`.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from analysis.errors import ProbeError
from analysis.probes.backends import get_backend
from analysis.probes.config import SLO, ProbeConfig
from analysis.records import Record, to_plain

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


@dataclass
class RequestResult(Record):
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


@dataclass(frozen=True)
class Summary(Record):
    """Mean and percentiles of one metric over a level's requests (None when no value)."""

    n: int
    mean: float | None = None
    p50: float | None = None
    p90: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None


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
            "slo": to_plain(slo or cfg.slo),
            "slo_text": (slo or cfg.slo).describe(),
            "levels": [level.to_dict() for level in self.levels(slo)],
            "best_within_slo": best,
            "definitions": METRIC_DEFINITIONS,
        }


# --------------------------------------------------------------------------- economics


@dataclass(frozen=True)
class ThroughputPoint(Record):
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


def new_run_id(at: datetime) -> str:
    """A unique, time-ordered run id such as ``20250101T120000Z-3fa2c1``."""
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%SZ}-{os.urandom(3).hex()}"
