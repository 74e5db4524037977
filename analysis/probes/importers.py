"""Importing the results of the benchmark tools people already run into the probe store.

- GuideLLM's ``benchmarks.json`` (report version 2, GuideLLM 0.8): per-request
  timestamps, from which the toolkit's own metrics are computed;
- vLLM ``bench serve`` result JSON (``--save-result``): the run's reported
  means and percentiles (per-request arrays when saved with ``--save-detailed``
  are not needed);
- llmperf's ``*_summary.json`` (``token_benchmark_ray.py``): reported quantiles.

Each file (or several files of one server, one per concurrency level) becomes
one :class:`~analysis.probes.results.ProbeRun` whose ``origin`` names the tool
and whose ``notes`` say, metric by metric, where the tool's definition differs
from the toolkit's (:data:`~analysis.probes.results.METRIC_DEFINITIONS`):
nothing is converted silently. Runs from summaries keep the reported figures
as their levels (``imported_levels``); goodput needs per-request results and
stays unknown for them.

Files are untrusted input: size-bounded (:data:`MAX_FILE_BYTES`, also after
gzip decompression), parsed as JSON only, and every field checked.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis.errors import ProbeError
from analysis.probes.config import SLO, ConcurrencySweep, ProbeConfig
from analysis.probes.results import (
    LEVEL_METRICS,
    LevelStats,
    ProbeRun,
    RequestResult,
    Summary,
    min_samples,
)

#: Largest result file read, bytes (after decompression).
MAX_FILE_BYTES = 64 << 20

#: Host recorded for imported runs (their partition in the store).
IMPORT_HOST = "imported"

FORMATS = ("guidellm", "vllm", "llmperf")

GUIDELLM_NOTES = (
    "TTFT: GuideLLM times from its request_start to the first stream iteration carrying "
    "tokens (a role-only chunk does not count), as the toolkit does.",
    "TPOT: GuideLLM's own time_per_output_token_ms is (last token - request start) / output "
    "tokens, TTFT included; the toolkit recomputes TPOT = (e2e - TTFT) / (output tokens - 1) "
    "from the file's timestamps.",
    "ITL: GuideLLM reports (last token - first token) / (output tokens - 1) per request and "
    "keeps no per-read gaps, so itl_ms is empty for this run.",
    "e2e: request_end - request_start (GuideLLM's request_latency).",
    "Output and prompt tokens: GuideLLM's counts, the server's usage when it reports one.",
    "Percentiles: recomputed by the toolkit (linear interpolation) from the per-request "
    "values; GuideLLM's own summaries use another method (e.g. its median of an even count "
    "is one of the middle values), so they can differ slightly.",
)
VLLM_NOTES = (
    "TTFT: vLLM bench serve times from sending to the first chunk carrying output (content, "
    "reasoning or a tool call; a role-only chunk does not count), as the toolkit does.",
    "TPOT: (latency - TTFT) / (output tokens - 1) per request, as the toolkit's, but vLLM's "
    "latency ends at the last token chunk, not at the end of the stream.",
    "ITL: vLLM times every streamed chunk, so chunks read together give ~0 ms gaps; the "
    "toolkit's gaps are between reads (the reported figures are kept as vLLM's).",
    "e2e (E2EL): ends at the last token chunk; the toolkit's ends at the end of the stream.",
    "Percentiles: numpy's linear interpolation, as the toolkit's; max is not reported.",
    "Throughput: total output tokens / benchmark duration (first request sent to last done).",
)
LLMPERF_NOTES = (
    "TTFT: llmperf times from sending to the first chunk with non-empty content (a "
    "role-only chunk does not count), as the toolkit does.",
    "ITL: llmperf's inter_token_latency_s is the sum of the gaps between content chunks "
    "with TTFT included, divided by the chunks received: about e2e / output tokens. It is "
    "kept as itl_ms but is neither the toolkit's per-read gap nor a TPOT; TPOT is not "
    "reported.",
    "Output tokens: llmperf re-tokenizes the generated text with its own Llama tokenizer "
    "(not the server's count).",
    "Throughput: llmperf's results_mean_output_throughput_token_per_s, output tokens / the "
    "test's wall time (its client start-up included).",
    "Percentiles: pandas quantiles (linear interpolation), as the toolkit's; p25/p75 are not kept.",
)


def _read(path: Path) -> Any:
    """The JSON of a result file (``.gz`` decompressed), size-bounded."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ProbeError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unzip:
                raw = unzip.read(MAX_FILE_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise ProbeError(f"{path}: not a readable gzip file ({exc})") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise ProbeError(f"{path}: larger than {MAX_FILE_BYTES >> 20} MiB; not a result file?")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ProbeError(f"{path}: not JSON ({exc})") from exc


def detect_format(data: Any) -> str:
    """``guidellm``, ``vllm`` or ``llmperf`` from a result file's keys.

    Raises:
        ProbeError: none of them.
    """
    if isinstance(data, Mapping):
        if isinstance(data.get("benchmarks"), list) and "metadata" in data:
            return "guidellm"
        if "mean_ttft_ms" in data and ("max_concurrency" in data or "backend" in data):
            return "vllm"
        if "results_ttft_s_mean" in data and "num_concurrent_requests" in data:
            return "llmperf"
    raise ProbeError(
        "not a GuideLLM benchmarks.json, a vLLM bench serve result or an llmperf summary "
        "(keys seen: " + ", ".join(list(data)[:8] if isinstance(data, Mapping) else []) + ")"
    )


def _number(value: Any, where: str, *, required: bool = True) -> float | None:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            value = None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        if required:
            raise ProbeError(f"{where}: expected a number, found {value!r}")
        return None
    return float(value)


def _get(data: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(data, Mapping) or key not in data:
        raise ProbeError(f"{where}: no {key!r}")
    return data[key]


def _run_id(at: datetime, digest: str) -> str:
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%SZ}-{digest[:6]}"


def _config(
    url: str, model: str, levels: Sequence[int], requests: int, input_tokens: float, output: float,
    hardware: str, gpu: str | None, gpus: int, connection: str = "reuse",
) -> ProbeConfig:  # fmt: skip
    return ProbeConfig(
        connection=connection,
        url=url,
        model=model,
        load=ConcurrencySweep(levels=tuple(levels), requests=max(1, requests), warmup=0),
        input_tokens=max(1, round(input_tokens or 1)),
        max_tokens=max(1, round(output or 1)),
        slo=SLO(),
        hardware=hardware,
        gpu=gpu,
        gpus=gpus,
    )


# --------------------------------------------------------------------------- GuideLLM


def _guidellm_run(data: Mapping[str, Any], name: str, digest: str, **labels: Any) -> ProbeRun:
    benchmarks = _get(data, "benchmarks", name)
    version = str(_get(data, "metadata", name).get("guidellm_version", "?"))
    spec = (data.get("config") or {}).get("spec") or {}
    backend = spec.get("backend") or {}
    requests: list[RequestResult] = []
    levels: list[int] = []
    starts: list[float] = []
    for b_index, bench in enumerate(benchmarks):
        where = f"{name}: benchmarks[{b_index}]"
        strategy = (_get(bench, "config", where)).get("strategy") or {}
        streams = strategy.get("streams") or strategy.get("max_concurrency")
        if strategy.get("type_") == "synchronous":
            streams = 1
        concurrency = int(_number(streams, f"{where}.config.strategy.streams") or 1)
        levels.append(concurrency)
        groups = _get(bench, "requests", where)
        for status in ("successful", "errored", "incomplete"):
            for item in groups.get(status) or []:
                timings = ((item.get("info") or {}).get("timings")) or {}
                start = _number(timings.get("request_start"), f"{where} request_start")
                starts.append(float(start or 0.0))
                requests.append(_guidellm_request(item, status, concurrency, timings))
    if not requests:
        raise ProbeError(f"{name}: no request in any benchmark")
    base = min(starts)
    for index, result in enumerate(sorted(requests, key=lambda r: r.sent_ms)):
        result.index = index
        result.sent_ms = (result.sent_ms - base) * 1000
        result.scheduled_ms = result.sent_ms
        result.end_ms = (result.end_ms - base) * 1000
    requests.sort(key=lambda r: r.index)
    data_spec = (spec.get("data") or [{}])[0]
    done = [r for r in requests if r.ok]
    started = datetime.fromtimestamp(base, UTC)
    finished = datetime.fromtimestamp(base + max(r.end_ms for r in requests) / 1000, UTC)
    model = str(backend.get("model") or "unknown model")
    return ProbeRun(
        run_id=_run_id(started, digest),
        config=_config(
            str(backend.get("target") or ""),
            model,
            levels,
            len(requests) // max(1, len(levels)),
            data_spec.get("prompt_tokens") or 0,
            data_spec.get("output_tokens") or 0,
            **labels,
            connection="fresh",  # GuideLLM opens a connection per request
        ),  # fmt: skip
        model=model,
        started_at=started,
        finished_at=finished,
        client_host=IMPORT_HOST,
        server_software=None,
        input_tokens_basis=f"as GuideLLM generated the prompts ({len(done)} completed requests)",
        requests=requests,
        origin=f"guidellm {version}",
        notes=list(GUIDELLM_NOTES),
    )


def _guidellm_request(
    item: Mapping[str, Any], status: str, concurrency: int, timings: Mapping[str, Any]
) -> RequestResult:
    start = float(timings["request_start"])
    end = _number(timings.get("request_end"), "request_end", required=False) or start
    first = _number(timings.get("first_token_iteration"), "first_token", required=False)
    tokens = (item.get("output_metrics") or {}).get("text_tokens")
    prompt = (item.get("input_metrics") or {}).get("text_tokens")
    result = RequestResult(index=0, concurrency=concurrency, sent_ms=start, end_ms=end)
    if status != "successful" or first is None or not tokens:
        info = item.get("info") or {}
        result.error = "imported_error"
        result.error_detail = str(info.get("error") or status)[:240]
        return result
    result.ok = True
    result.output_tokens = int(tokens)
    result.output_tokens_source = "usage"
    result.input_tokens = int(prompt) if isinstance(prompt, (int, float)) else None
    result.ttft_ms = (first - start) * 1000
    result.ttfat_ms = result.ttft_ms
    result.e2e_ms = (end - start) * 1000
    if result.output_tokens >= 2 and end > first:
        result.tpot_ms = (end - first) * 1000 / (result.output_tokens - 1)
        result.decode_tps = 1000 / result.tpot_ms
    result.output_chars = len(item.get("output") or "")
    return result


# --------------------------------------------------------------------------- summaries


def _summary(n: int, values: Mapping[str, float | None]) -> Summary:
    small = tuple(f"p{p}" for p in (50, 90, 95, 99) if n and n < min_samples(p))
    return Summary(
        n=n,
        mean=values.get("mean"),
        p50=values.get("p50"),
        p90=values.get("p90"),
        p95=values.get("p95"),
        p99=values.get("p99"),
        max=values.get("max"),
        small_sample=small,
    )


def _level(
    concurrency: int, completed: int, failed: int, duration_s: float | None,
    output_tokens: int, tok_s: float | None, req_s: float | None,
    metrics: Mapping[str, Summary], source: str, note: str,
) -> LevelStats:  # fmt: skip
    empty = {name: Summary(n=0) for name in LEVEL_METRICS}
    return LevelStats(
        concurrency=concurrency,
        rate_per_s=None,
        attempted=completed + failed,
        completed=completed,
        errors=failed,
        error_counts={"imported_error": failed} if failed else {},
        duration_s=duration_s or 0.0,
        request_throughput=req_s,
        output_tokens=output_tokens,
        output_tokens_per_s=tok_s,
        goodput_rps=None,
        slo_attainment=None,
        meets_slo=completed > 0,
        output_tokens_source={source: completed} if completed else {},
        metrics={**empty, **metrics},
        note=note,
    )


def _vllm_level(data: Mapping[str, Any], name: str) -> tuple[LevelStats, dict[str, Any]]:
    completed = int(_number(_get(data, "completed", name), f"{name}: completed") or 0)
    failed = int(_number(data.get("failed", 0), f"{name}: failed") or 0)
    concurrency = data.get("max_concurrency")
    if concurrency is None:
        raise ProbeError(
            f"{name}: no max_concurrency (a rate-driven run); import runs made with "
            "--max-concurrency"
        )
    metrics = {}
    for ours, theirs in (("ttft_ms", "ttft"), ("tpot_ms", "tpot"), ("itl_ms", "itl"),
                         ("e2e_ms", "e2el")):  # fmt: skip
        values = {
            "mean": _number(data.get(f"mean_{theirs}_ms"), name, required=False),
            "p50": _number(
                data.get(f"p50_{theirs}_ms", data.get(f"median_{theirs}_ms")), name, required=False
            ),
        }
        for p in (90, 95, 99):
            values[f"p{p}"] = _number(data.get(f"p{p}_{theirs}_ms"), name, required=False)
        if values["mean"] is not None:
            metrics[ours] = _summary(completed, values)
    if "ttft_ms" not in metrics or "tpot_ms" not in metrics:
        raise ProbeError(f"{name}: no TTFT or TPOT statistics")
    level = _level(
        int(_number(concurrency, f"{name}: max_concurrency") or 1), completed, failed,
        _number(data.get("duration"), name, required=False),
        int(_number(data.get("total_output_tokens", 0), name) or 0),
        _number(data.get("output_throughput"), name, required=False),
        _number(data.get("request_throughput"), name, required=False),
        metrics, "usage", f"vLLM bench serve summary ({name})",
    )  # fmt: skip
    return level, dict(data)


def _llmperf_level(data: Mapping[str, Any], name: str) -> tuple[LevelStats, dict[str, Any]]:
    completed = int(_number(_get(data, "results_num_completed_requests", name), name) or 0)
    failed = int(_number(data.get("results_number_errors", 0), name) or 0)
    metrics = {}
    for ours, theirs in (("ttft_ms", "ttft_s"), ("itl_ms", "inter_token_latency_s"),
                         ("e2e_ms", "end_to_end_latency_s")):  # fmt: skip
        values: dict[str, float | None] = {}
        for stat, key in (("mean", "mean"), ("max", "max"), ("p50", "quantiles_p50"),
                          ("p90", "quantiles_p90"), ("p95", "quantiles_p95"),
                          ("p99", "quantiles_p99")):  # fmt: skip
            value = _number(data.get(f"results_{theirs}_{key}"), name, required=False)
            values[stat] = None if value is None else value * 1000
        metrics[ours] = _summary(completed, values)
    out = {}
    for stat, key in (("mean", "mean"), ("max", "max"), ("p50", "quantiles_p50"),
                      ("p90", "quantiles_p90"), ("p95", "quantiles_p95"),
                      ("p99", "quantiles_p99")):  # fmt: skip
        out[stat] = _number(data.get(f"results_number_output_tokens_{key}"), name, required=False)
    metrics["output_tokens"] = _summary(completed, out)
    per_min = _number(data.get("results_num_completed_requests_per_min"), name, required=False)
    req_s = per_min / 60 if per_min else None
    duration = completed / req_s if req_s else None
    mean_tokens = out.get("mean") or 0.0
    level = _level(
        int(_number(_get(data, "num_concurrent_requests", name), name) or 1), completed, failed,
        duration, round(mean_tokens * completed),
        _number(data.get("results_mean_output_throughput_token_per_s"), name, required=False),
        req_s, metrics, "tokenizer", f"llmperf summary ({name})",
    )  # fmt: skip
    return level, dict(data)


def _summary_run(
    fmt: str, parts: Sequence[tuple[LevelStats, dict[str, Any], str]], digest: str, **labels: Any
) -> ProbeRun:
    parts = sorted(parts, key=lambda p: p[0].concurrency or 0)
    first = parts[0][1]
    if fmt == "vllm":
        model = str(first.get("model_id") or "unknown model")
        stamp = str(first.get("date") or "")
        try:  # vLLM writes its local time; taken as UTC
            started = datetime.strptime(stamp, "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        except ValueError as exc:
            raise ProbeError(f"{parts[0][2]}: date {stamp!r} is not YYYYMMDD-HHMMSS") from exc
        inputs = [
            (_number(d.get("total_input_tokens"), n) or 0) / max(1, lv.completed)
            for lv, d, n in parts
        ]
        outputs = [lv.output_tokens / max(1, lv.completed) for lv, _, _ in parts]
        origin = "vllm-bench-serve"
        notes: tuple[str, ...] = VLLM_NOTES
        connection = "reuse"  # an aiohttp session keeps connections alive
    else:
        model = str(first.get("model") or "unknown model")
        epoch = _number(first.get("timestamp"), f"{parts[0][2]}: timestamp")
        started = datetime.fromtimestamp(epoch or 0.0, UTC)
        inputs = [_number(d.get("mean_input_tokens"), n, required=False) or 0 for _, d, n in parts]
        outputs = [
            _number(d.get("mean_output_tokens"), n, required=False) or 0 for _, d, n in parts
        ]
        origin = f"llmperf ({first.get('version', '?')})"
        notes = LLMPERF_NOTES
        connection = "fresh"  # requests.post without a session: a connection per request
    for _, data, name in parts:
        other = str(data.get("model_id") or data.get("model") or "")
        if other and other != model:
            raise ProbeError(f"{name}: model {other!r}, not {model!r}: import one server's runs")
    levels = [lv for lv, _, _ in parts]
    finished = started
    return ProbeRun(
        run_id=_run_id(started, digest),
        config=_config(
            "",
            model,
            [lv.concurrency or 1 for lv in levels],
            max(lv.attempted for lv in levels),
            sum(inputs) / len(inputs),
            sum(outputs) / len(outputs),
            **labels,
            connection=connection,
        ),  # fmt: skip
        model=model,
        started_at=started,
        finished_at=finished,
        client_host=IMPORT_HOST,
        server_software=None,
        input_tokens_basis=f"as {origin} reported (mean per request)",
        requests=[],
        origin=origin,
        notes=list(notes),
        imported_levels=levels,
    )


def import_files(
    paths: Sequence[str | Path],
    *,
    fmt: str | None = None,
    hardware: str = "",
    gpu: str | None = None,
    gpus: int = 1,
) -> ProbeRun:
    """One run from the result files of one tool and one server (one file per level, or one).

    Args:
        paths: GuideLLM ``benchmarks.json`` (one), or vLLM bench serve / llmperf summary
            files (one per concurrency level); ``.gz`` files are read decompressed.
        fmt: ``guidellm``, ``vllm`` or ``llmperf``; None detects it from the files.
        hardware: the label of the serving hardware.
        gpu: the warehouse id of the serving GPU (prices the run in comparisons).
        gpus: GPUs serving one replica.

    Returns:
        The run (not stored: see :func:`analysis.probes.store.save_run`). Its id is
        built from the tool's start time and the files' digest, so importing the
        same files again gives the same id.

    Raises:
        ProbeError: a file cannot be read, is of another format, or lacks a field.
    """
    if not paths:
        raise ProbeError("give at least one result file")
    if fmt is not None and fmt not in FORMATS:
        raise ProbeError(f"format = {fmt!r}: use one of {', '.join(FORMATS)}")
    loaded = []
    digest = hashlib.sha256()
    for path in map(Path, paths):
        data = _read(path)
        kind = detect_format(data)
        if fmt is not None and kind != fmt:
            raise ProbeError(f"{path}: a {kind} result, not {fmt}")
        loaded.append((kind, data, path.name))
        digest.update(json.dumps(data, sort_keys=True).encode())
    kinds = {kind for kind, _, _ in loaded}
    if len(kinds) > 1:
        raise ProbeError(f"files of several tools ({', '.join(sorted(kinds))}): import apart")
    kind = kinds.pop()
    labels = {"hardware": hardware, "gpu": gpu, "gpus": gpus}
    if kind == "guidellm":
        if len(loaded) > 1:
            raise ProbeError("one GuideLLM benchmarks.json at a time (it holds every level)")
        _, data, name = loaded[0]
        return _guidellm_run(data, name, digest.hexdigest(), **labels)
    read = _vllm_level if kind == "vllm" else _llmperf_level
    parts = [(*read(data, name), name) for _, data, name in loaded]
    return _summary_run(kind, parts, digest.hexdigest(), **labels)
