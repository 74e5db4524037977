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
from dataclasses import dataclass, field, replace
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
        "undefined with fewer than 2 output tokens or when the whole answer came in one read. "
        "An undefined TPOT is flagged in the run's warnings and is not counted as an SLO miss."
    ),
    "itl_ms": (
        "Inter-token gap, ms: time between successive socket reads that brought output. Chunks "
        "arriving in the same read count once (no 0 ms gaps), and a read or a chunk may carry "
        "several tokens, so gaps can be fewer and longer than tokens."
    ),
    "output_reads": (
        "Socket reads of a request that brought output: output tokens / output reads above 1 "
        "means tokens arrived bunched (server batching, buffering, or Nagle stalls)."
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
    "imported_error": "a request the imported tool recorded as failed (its message in the detail)",
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
        itl_ms: the inter-token gaps, one per read after the first (see METRIC_DEFINITIONS).
        output_reads: socket reads that brought output.
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
    output_reads: int = 0
    decode_tps: float | None = None
    server_decode_tps: float | None = None
    prefill_tps: float | None = None
    finish_reason: str | None = None

    @property
    def start_delay_ms(self) -> float:
        """How late the client started the request against its schedule (open loop)."""
        return max(0.0, self.sent_ms - self.scheduled_ms)

    def meets(self, slo: SLO) -> bool:
        """Whether the request completed within every bound of ``slo``.

        A failed request misses. An undefined TPOT (fewer than two output
        tokens, or the whole answer in one read) is not a miss: the request is
        judged on its other bounds, and the run flags it
        (:meth:`ProbeRun.warnings`). A missing TTFT or e2e on a completed
        request (never the case for the probe's own runs) is a miss.
        """
        if not self.ok:
            return False
        for name, bound, value in (
            ("ttft", slo.ttft_ms, self.ttft_ms),
            ("tpot", slo.tpot_ms, self.tpot_ms),
            ("e2e", slo.e2e_ms, self.e2e_ms),
        ):
            if bound is None:
                continue
            if value is None:
                if name == "tpot":
                    continue
                return False
            if value > bound:
                return False
        return True


#: Confidence of the bound behind the small-sample rule (see :func:`supported_percentile`).
SUPPORT_CONFIDENCE = 0.95


def min_samples(pct: float) -> int:
    """Fewest samples for which the sample bounds the ``pct`` percentile from above.

    ``n_min = ceil(ln(1 - c) / ln(pct / 100))`` with confidence ``c`` = 0.95: with
    n independent samples the largest one lies above the true ``pct``
    percentile with probability ``1 - (pct/100)^n``, which reaches ``c`` only
    from ``n_min`` samples on (p50: 5, p90: 29, p95: 59, p99: 299). Below that,
    the sample cannot even bound the percentile, so its value is indicative only.

    Args:
        pct: percentile in (0, 100).

    Returns:
        The smallest such sample size.
    """
    return math.ceil(math.log(1 - SUPPORT_CONFIDENCE) / math.log(pct / 100) - 1e-9)


def supported_percentile(pct: float, n: int) -> bool:
    """Whether ``n`` samples support the ``pct`` percentile (:func:`min_samples`)."""
    return n >= min_samples(pct)


@dataclass(frozen=True)
class Summary(Record):
    """Mean and percentiles of one metric over a level's requests (None when no value).

    Attributes:
        n: values summarised.
        mean, p50, p90, p95, p99, max: the statistics, in the metric's unit.
        small_sample: the percentiles (``"p95"`` …) reported from fewer samples
            than support them (:func:`min_samples`); shown with a note.
    """

    n: int
    mean: float | None = None
    p50: float | None = None
    p90: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None
    small_sample: tuple[str, ...] = ()

    def note(self) -> str | None:
        """A note on the percentiles the sample does not support, or None."""
        if not self.small_sample or not self.n:
            return None
        which = ", ".join(self.small_sample)
        return (
            f"{which} from {self.n} samples: too few to bound them "
            f"({', '.join(f'{p} needs {min_samples(int(p[1:]))}' for p in self.small_sample)}); "
            "indicative only"
        )


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
    small = tuple(f"p{p}" for p in PERCENTILES if not supported_percentile(p, len(data)))
    return Summary(
        n=len(data),
        mean=math.fsum(data) / len(data),
        max=data[-1],
        small_sample=small,
        **stats,
    )


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
    "output_reads",
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
        tpot_undefined: completed requests whose TPOT is undefined (judged on their
            other SLO bounds only).
        note: how the figures were obtained when not from per-request results
            (an imported summary), else None.
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
    tpot_undefined: int = 0
    note: str | None = None

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
            "tpot_undefined": self.tpot_undefined,
            "note": self.note,
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
    good = sum(1 for r in done if r.meets(slo))
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
        tpot_undefined=sum(1 for r in done if r.tpot_ms is None),
    )


def judge_summary_level(level: LevelStats, slo: SLO) -> LevelStats:
    """An imported level's SLO verdict, from its reported percentiles (no per-request data).

    The level meets the SLO when, for each bound, the metric's reported value
    at the SLO percentile (p50, p90, p95 or p99) is within the bound.
    Attainment and goodput cannot be counted without per-request results:
    they are None, and the note says so.

    Args:
        level: the level as imported (statistics from the tool's summary).
        slo: the objectives.

    Returns:
        The level with ``meets_slo`` and ``note`` set for ``slo``.
    """
    key = f"p{slo.percentile:g}"
    verdict = True
    missing = []
    for name, bound in (("ttft_ms", slo.ttft_ms), ("tpot_ms", slo.tpot_ms), ("e2e_ms", slo.e2e_ms)):
        if bound is None:
            continue
        value = getattr(level.metrics.get(name) or Summary(n=0), key, None)
        if value is None:
            missing.append(f"{name} {key}")
            verdict = False
        elif value > bound:
            verdict = False
    base = (level.note or "imported summary").split(" | ")[0]
    note = f"{base} | SLO judged on reported {key} values; goodput needs per-request results"
    if missing:
        note += f" | not reported: {', '.join(missing)} (the SLO counts as missed)"
    return replace(
        level,
        meets_slo=verdict and level.completed > 0,
        slo_attainment=None,
        goodput_rps=None,
        note=note,
    )


#: How close to a multiple of 40 ms a gap must be to count on the delayed-ACK grid, ms.
GRID_TOLERANCE_MS = 5.0
_DELAYED_ACK_MS = 40.0


def grid_gaps(gaps_ms: Sequence[float]) -> tuple[int, int] | None:
    """Whether gaps sit on the ~40 ms grid of delayed ACKs: ``(near, long)`` or None.

    ``long`` counts gaps of 30 ms or more, ``near`` those within
    :data:`GRID_TOLERANCE_MS` of a multiple k·40 ms (k >= 1). The grid shows
    when at least 3 gaps are near and they are at least half of the long ones.

    Args:
        gaps_ms: gaps between reads, ms.

    Returns:
        The counts when the grid shows, else None.
    """
    long_gaps = [g for g in gaps_ms if g >= 30.0]
    near = 0
    for gap in long_gaps:
        k = round(gap / _DELAYED_ACK_MS)
        if k >= 1 and abs(gap - k * _DELAYED_ACK_MS) <= GRID_TOLERANCE_MS:
            near += 1
    if near >= 3 and near * 2 >= len(long_gaps):
        return near, len(long_gaps)
    return None


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
        origin: ``probe`` for the toolkit's own runs, else the tool whose result file
            was imported (``guidellm``, ``vllm-bench-serve``, ``llmperf``).
        notes: how the origin's metric definitions differ from ours
            (:data:`METRIC_DEFINITIONS`); empty for the toolkit's own runs.
        imported_levels: level statistics taken from an imported summary that has no
            per-request results; None when the levels come from ``requests``.
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
    origin: str = "probe"
    notes: list[str] = field(default_factory=list)
    imported_levels: list[LevelStats] | None = None

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
        if self.imported_levels is not None:
            return [judge_summary_level(level, slo) for level in self.imported_levels]
        keys: list[tuple[int | None, float | None]] = []
        groups: dict[tuple[int | None, float | None], list[RequestResult]] = {}
        for result in self.requests:
            key = (result.concurrency, result.rate_per_s)
            if key not in groups:
                keys.append(key)
                groups[key] = []
            groups[key].append(result)
        return [aggregate(groups[k], slo, concurrency=k[0], rate_per_s=k[1]) for k in keys]

    @property
    def server_input_tokens(self) -> float | None:
        """Median prompt tokens as the server counted them (measured, completed requests)."""
        counts = [r.input_tokens for r in self.requests if r.ok and not r.warmup]
        values = sorted(float(c) for c in counts if c is not None)
        return percentile(values, 50) if values else None

    def warnings(self) -> list[str]:
        """What the run's timings may not show plainly, each said with what it means.

        - a burst: requests whose multi-token answer arrived in one read (the
          stream was held back and released at once);
        - a ~40 ms grid: gaps between reads sitting near multiples of 40 ms while
          tokens arrive bunched, the signature of Nagle's algorithm on the
          server meeting delayed ACKs on the client;
        - undefined TPOT, which is flagged and not counted as an SLO miss;
        - output tokens estimated from characters.
        """
        done = [r for r in self.requests if r.ok and not r.warmup]
        out: list[str] = []
        if not done:
            return out
        burst = [r for r in done if (r.output_tokens or 0) >= 2 and r.output_reads == 1]
        if burst:
            out.append(
                f"burst: {len(burst)} of {len(done)} completed requests received their whole "
                "multi-token answer in one read. The stream was held back and released at "
                "once (a buffering proxy or server, or Nagle's algorithm meeting delayed "
                "ACKs), so TTFT includes the generation and TPOT is undefined for them. "
                "Check that the server sets TCP_NODELAY and streams without buffering, or "
                "compare with --connection fresh."
            )
        grid = grid_gaps([g for r in done for g in r.itl_ms])
        tokens = sum(r.output_tokens or 0 for r in done)
        reads = sum(r.output_reads for r in done)
        if grid and reads and tokens / reads >= 1.5:
            near, long_gaps = grid
            out.append(
                f"~40 ms grid: {near} of {long_gaps} gaps of 30 ms or more sit within "
                f"{GRID_TOLERANCE_MS:g} ms of a multiple of 40 ms while tokens arrive "
                f"{tokens / reads:.1f} per read: the signature of Nagle's algorithm on the "
                "server meeting delayed ACKs on the client. The latencies include these "
                "stalls; the server should set TCP_NODELAY."
            )
        undefined = [r for r in done if r.tpot_ms is None]
        if undefined:
            out.append(
                f"TPOT undefined for {len(undefined)} of {len(done)} completed requests "
                "(fewer than 2 output tokens, or the whole answer in one read): they are "
                "judged on TTFT and e2e only, not counted as TPOT misses."
            )
        estimated = [r for r in done if r.output_tokens_source == "estimate"]
        if estimated:
            out.append(
                f"output tokens estimated (~4 characters per token) for {len(estimated)} of "
                f"{len(done)} requests: the server reported no usage or timings."
            )
        return out

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
            "server_input_tokens": self.server_input_tokens,
            "max_tokens": cfg.max_tokens,
            "connection": cfg.connection,
            "gpu": cfg.gpu,
            "gpus": cfg.gpus,
            "origin": self.origin,
            "definition_notes": list(self.notes),
            "warnings": self.warnings(),
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
