"""Probe commands: probe, probe-runs, probe-import, probe-compare, tiny-server.

The commands parse their options into the probe package's values
(:class:`~analysis.probes.config.ProbeConfig`, a tiny model's spec), call it,
and print what it returns: the run's table with the definitions of its
numbers, the stored runs, where the tiny server listens.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis.cli import date_arg
from analysis.console import format_table, print_json, print_table
from analysis.errors import ProbeConfigError, ProbeError
from analysis.probes import (
    DEFAULT_API_KEY_ENV,
    ERROR_CLASSES,
    METRIC_DEFINITIONS,
    SLO,
    ConcurrencySweep,
    LevelStats,
    LoadShape,
    PoissonLoad,
    ProbeConfig,
    ProbeRun,
    Summary,
    backend_names,
    get_backend,
    parse_levels,
    run_probe,
    tiny_server,
    to_tco_throughput,
)
from analysis.probes import store as probe_store
from analysis.probes.config import CONNECTION_MODES
from analysis.probes.results import min_samples

#: The ``--concurrency`` levels when none are given.
DEFAULT_LEVELS = "1,2,4,8,16"


# --------------------------------------------------------------------------- probe


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
            levels=parse_levels(args.concurrency or DEFAULT_LEVELS),
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
        connection=args.connection,
        gpu=args.gpu,
        gpus=args.gpus,
    )
    cfg.validate()
    return cfg


class ProgressBar:
    """A one-line progress bar on a terminal's stderr (silent when stderr is not a terminal)."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, done: int, total: int, label: str) -> None:
        """Show ``done`` of ``total`` requests at level ``label`` (at most every 0.1 s)."""
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        print(f"\r[{bar}] {done}/{total} requests ({label})", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled:
            print(file=sys.stderr, flush=True)


def _fmt(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


#: Marks a percentile reported from fewer samples than support it.
SMALL_SAMPLE_MARK = "*"


def _stat(summary: Summary, stat: str, digits: int, completed: int) -> str:
    value = getattr(summary, stat)
    if value is None:
        return "undefined" if completed else ""  # never a silent blank: see the warnings
    mark = SMALL_SAMPLE_MARK if stat in summary.small_sample else ""
    return _fmt(value, digits) + mark


def level_rows(levels: Sequence[LevelStats]) -> list[dict[str, Any]]:
    """One printable row per load level: throughput, latency percentiles, goodput, SLO.

    A percentile marked ``*`` comes from fewer samples than support it
    (:func:`analysis.probes.results.min_samples`); a TPOT that no request
    defines reads ``undefined`` (the run's warnings say why).
    """
    rows = []
    for lv in levels:
        m = lv.metrics
        done = lv.completed
        rows.append(
            {
                "level": lv.label,
                "done": done,
                "errors": lv.errors,
                "out tok/s": _fmt(lv.output_tokens_per_s, 1),
                "req/s": _fmt(lv.request_throughput, 2),
                "TTFT p50": _stat(m["ttft_ms"], "p50", 0, done),
                "TTFT p90": _stat(m["ttft_ms"], "p90", 0, done),
                "TTFT p99": _stat(m["ttft_ms"], "p99", 0, done),
                "TPOT p50": _stat(m["tpot_ms"], "p50", 1, done),
                "TPOT p90": _stat(m["tpot_ms"], "p90", 1, done),
                "TPOT p99": _stat(m["tpot_ms"], "p99", 1, done),
                "e2e p50": _stat(m["e2e_ms"], "p50", 0, done),
                "goodput req/s": _fmt(lv.goodput_rps, 2),
                "SLO": "met" if lv.meets_slo else "missed",
            }
        )
    return rows


def small_sample_note(levels: Sequence[LevelStats]) -> str | None:
    """The footnote of the ``*`` marks, or None when no percentile carries one."""
    marked = sorted(
        {p for lv in levels for name in ("ttft_ms", "tpot_ms", "e2e_ms")
         for p in lv.metrics[name].small_sample},
        key=lambda p: int(p[1:]),
    )  # fmt: skip
    if not marked:
        return None
    needs = ", ".join(f"{p} needs {min_samples(int(p[1:]))}" for p in marked)
    return (
        f"{SMALL_SAMPLE_MARK} from fewer samples than bound it at 95% confidence ({needs}): "
        "indicative only; run more requests per level"
    )


def format_run(run: ProbeRun) -> str:
    """A run's results as text, with the definitions of its numbers."""
    cfg = run.config
    hardware = f" · hardware: {cfg.hardware}" if cfg.hardware else ""
    endpoint = get_backend(cfg.api).endpoint_name(cfg.endpoint)
    served = run.server_input_tokens
    served_text = f", the server counted {served:g} (p50)" if served is not None else ""
    origin = f" · imported from {run.origin}" if run.origin != "probe" else ""
    lines = [
        f"probe run {run.run_id} · {run.model} at {cfg.url or 'an unrecorded URL'} "
        f"({run.server_kind}, {endpoint}){hardware}{origin}",
        f"input: {cfg.input_tokens} tokens{served_text} ({run.input_tokens_basis}) · output: "
        f"up to {cfg.max_tokens} tokens · connection: {cfg.connection} · "
        f"SLO: {cfg.slo.describe()}",
    ]
    levels = run.levels()
    lines += ["", format_table(level_rows(levels))]
    note = small_sample_note(levels)
    if note:
        lines.append(note)
    for warning in run.warnings():
        lines.append(f"warning: {warning}")
    for difference in run.notes:
        lines.append(f"definition: {difference}")
    sources: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for lv in levels:
        sources.update(lv.output_tokens_source)
        errors.update(lv.error_counts)
    lines.append("")
    if sources:
        parts = ", ".join(f"{k}: {v}" for k, v in sorted(sources.items()))
        lines.append(f"output tokens counted from ({parts} requests)")
    for kind, n in sorted(errors.items()):
        lines.append(f"errors {kind} x{n}: {ERROR_CLASSES.get(kind, '')}")
    try:
        tok_s, basis = to_tco_throughput(run)
        lines.append(f"best within SLO: {tok_s:,.1f} output tok/s per replica — {basis}")
    except ProbeError as exc:
        lines.append(f"best within SLO: none — {exc}")
    lines += ["", "Definitions (times in ms):"]
    for name in (
        "ttft_ms",
        "tpot_ms",
        "itl_ms",
        "e2e_ms",
        "output_tokens",
        "output_tokens_per_s",
        "request_throughput",
        "goodput_rps",
        "slo_attainment",
    ):
        lines.append(f"  {name}: {METRIC_DEFINITIONS[name]}")
    return "\n".join(lines)


def _cmd_probe(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    bar = ProgressBar()
    try:
        run = run_probe(cfg, progress=bar)
    finally:
        bar.close()
    if not args.no_store:
        probe_store.save_run(run, root=args.store)
    if args.json:
        print_json(run.to_dict())
    else:
        print(format_run(run))
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
    rows = probe_store.list_runs(root=args.store).to_dicts()
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


def _store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        type=Path,
        help="the probe store's folder, e.g. a directory shared by every probing host "
        "(default: $AISTRAT_PROBES or build/probes)",
    )


def _register_probe(subparsers: argparse._SubParsersAction) -> None:
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
    p.add_argument(
        "--concurrency",
        help=f"levels: whole numbers separated by commas or spaces (default {DEFAULT_LEVELS})",
    )
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
        "--gpu", help="warehouse GPU id of the server, e.g. nvidia-l4 (prices the run later)"
    )
    p.add_argument("--gpus", type=int, default=1, help="GPUs serving one replica")
    p.add_argument(
        "--connection",
        choices=tuple(CONNECTION_MODES),
        default="reuse",
        help="reuse: kept-alive connections, as SDK clients do (default); "
        "fresh: a new connection per request",
    )
    p.add_argument(
        "--api-key-env",
        help=f"environment variable holding the API key (default {DEFAULT_API_KEY_ENV})",
    )
    p.add_argument("--timeout", type=float, default=300.0, help="bound on one request, s")
    p.add_argument("--read-timeout", type=float, default=60.0, help="bound on a stall (no byte), s")
    p.add_argument("--connect-timeout", type=float, default=5.0, help="bound on connecting, s")
    p.add_argument("--seed", type=int, default=0, help="seed of the prompts and arrivals")
    p.add_argument("--no-store", action="store_true", help="do not store the run")
    _store_option(p)
    p.add_argument(
        "--json", action="store_true", help="print JSON: one entry per level under 'levels'"
    )
    p.set_defaults(func=_cmd_probe)

    r = subparsers.add_parser("probe-runs", help="list stored probe runs")
    r.add_argument("--json", action="store_true", help="print JSON")
    _store_option(r)
    r.set_defaults(func=_cmd_probe_runs)


# --------------------------------------------------------------------------- import, compare


def _cmd_probe_import(args: argparse.Namespace) -> int:
    from analysis.probes.importers import import_files

    run = import_files(
        args.files, fmt=args.format, hardware=args.hardware or "", gpu=args.gpu, gpus=args.gpus
    )
    probe_store.save_run(run, root=args.store)
    if args.json:
        print_json(run.to_dict())
    else:
        print(format_run(run))
        print(f"\nstored as {run.run_id} (compare with: python -m analysis probe-compare ...)")
    return 0


def _price_arg(value: str) -> tuple[str, float]:
    run_id, _, price = value.rpartition("=")
    try:
        usd = float(price)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r}: give USD per GPU-hour, e.g. 2.5, or RUN_ID=2.5"
        ) from None
    return run_id or "*", usd


def comparison_rows(comparison: Any) -> list[dict[str, Any]]:
    """One printable row per compared run."""
    rows = []
    for run in comparison.runs:
        rows.append(
            {
                "run": run.label,
                "best c": run.best_concurrency if run.best_concurrency is not None else "none",
                "out tok/s": _fmt(run.output_tokens_per_s, 1),
                "TTFT p90": _fmt(run.ttft_p90_ms, 1),
                "TPOT p90": _fmt(run.tpot_p90_ms, 2),
                "goodput req/s": _fmt(run.goodput_rps, 2) or "n/a",
                "USD/GPU-h": _fmt(run.gpu_hour_usd, 3),
                "USD / 1M out tok": _fmt(run.cost_per_mtok_usd, 4),
            }
        )
    return rows


def _cmd_probe_compare(args: argparse.Namespace) -> int:
    from analysis.probes.compare import compare_runs, comparison_charts

    runs = [probe_store.load_run(run_id, root=args.store) for run_id in args.run_ids]
    slo = SLO(
        ttft_ms=args.slo_ttft_ms,
        tpot_ms=args.slo_tpot_ms,
        e2e_ms=args.slo_e2e_ms,
        percentile=args.slo_percentile,
    )
    slo.validate()
    comparison = compare_runs(runs, slo, prices=dict(args.price or []), price_at=args.at)
    if args.json:
        print_json(comparison.to_dict())
    else:
        print(f"{len(runs)} runs under one objective: {slo.describe()}")
        print(format_table(comparison_rows(comparison)))
        for run in comparison.runs:
            if run.price_source:
                print(f"price of {run.run_id}: {run.price_source}")
            if run.note:
                print(f"note on {run.run_id}: {run.note}")
        print(
            "cost per 1M output tokens = USD per GPU-hour x GPUs / (output tok/s x 3600) x 1e6,"
            " at each run's best level meeting the objective"
        )
    if args.charts:
        from analysis import charts

        charts.use_theme()
        args.charts.mkdir(parents=True, exist_ok=True)
        for name, chart in comparison_charts(comparison).items():
            if chart is not None:
                path = args.charts / f"probe-compare-{name}.html"
                chart.save(str(path))
                if not args.json:
                    print(f"chart: {path}")
    return 0


def _register_import_compare(subparsers: argparse._SubParsersAction) -> None:
    i = subparsers.add_parser(
        "probe-import",
        help="import GuideLLM, vLLM bench serve or llmperf results into the probe store",
        description=(
            "Read a GuideLLM benchmarks.json, or vLLM bench serve result files / llmperf "
            "summary files of one server (one per concurrency level), map their metrics onto "
            "the probe's, record where a definition differs, and store them as one run."
        ),
    )
    i.add_argument("files", nargs="+", type=Path, help="result files (.json or .json.gz)")
    i.add_argument("--format", choices=("guidellm", "vllm", "llmperf"), help="default: detect")
    i.add_argument("--hardware", help="label of the serving hardware")
    i.add_argument("--gpu", help="warehouse GPU id of the server, e.g. nvidia-l4")
    i.add_argument("--gpus", type=int, default=1, help="GPUs serving one replica")
    i.add_argument("--json", action="store_true", help="print JSON")
    _store_option(i)
    i.set_defaults(func=_cmd_probe_import)

    c = subparsers.add_parser(
        "probe-compare",
        help="compare stored probe runs: throughput, latency, goodput and cost per 1M tokens",
        description=(
            "Compare stored runs (servers, GPUs, quantisations) under one SLO: throughput "
            "against concurrency, TTFT and TPOT p90 against throughput, goodput, and the cost "
            "per 1M output tokens at each run's best level meeting the SLO, priced from the "
            "warehouse's GPU-hour offers for the run's GPU (--gpu when probing) or --price."
        ),
    )
    c.add_argument("run_ids", nargs="+", metavar="RUN_ID", help="stored run ids")
    c.add_argument("--slo-ttft-ms", type=float, help="SLO bound on TTFT, ms")
    c.add_argument("--slo-tpot-ms", type=float, help="SLO bound on TPOT, ms")
    c.add_argument("--slo-e2e-ms", type=float, help="SLO bound on end-to-end latency, ms")
    c.add_argument("--slo-percentile", type=float, default=95.0, help="share meeting them, %%")
    c.add_argument(
        "--price",
        type=_price_arg,
        action="append",
        help="USD per GPU-hour for every run (2.5) or one run (RUN_ID=2.5); repeatable",
    )
    c.add_argument("--at", type=date_arg, help="date of the warehouse prices (default: run date)")
    c.add_argument("--charts", type=Path, help="write the charts as HTML files into this folder")
    c.add_argument("--json", action="store_true", help="print JSON")
    _store_option(c)
    c.set_defaults(func=_cmd_probe_compare)


# --------------------------------------------------------------------------- tiny-server


def spec_from_args(args: argparse.Namespace) -> tiny_server.TinyModelSpec:
    """The tiny model's shape from the ``tiny-server`` command's arguments."""
    return tiny_server.TinyModelSpec(
        layers=args.layers,
        hidden=args.hidden,
        heads=args.heads,
        kv_heads=args.kv_heads if args.kv_heads is not None else args.heads,
        ffn=args.ffn,
        context=args.context,
        seed=args.seed,
    )


def _cmd_tiny_server(args: argparse.Namespace) -> int:
    if args.fd is not None:
        # Started by start_tiny_server: serve the given model on the inherited socket.
        if args.gguf is None or args.model_name is None:
            raise ProbeConfigError("--fd needs --gguf and --model-name")
        sock = socket.socket(fileno=args.fd)
        with contextlib.suppress(KeyboardInterrupt):
            tiny_server.serve(
                args.gguf,
                model_name=args.model_name,
                sock=sock,
                context=args.context,
                threads=args.threads,
            )
        return 0
    spec = spec_from_args(args)
    tiny_server.check_loopback(args.host)
    if args.threads < 1:
        raise ProbeConfigError(f"--threads {args.threads}: must be at least 1")
    tiny_server.require_server_packages()
    path = tiny_server.tiny_gguf(spec)
    sock = tiny_server.listen("127.0.0.1", args.port)
    port = sock.getsockname()[1]
    print(f"url:   http://127.0.0.1:{port}")
    print(f"model: {spec.model_name}")
    print(f"file:  {path}")
    print(f"note:  {tiny_server.DISCLAIMER}")
    print(f"try:   python -m analysis probe --url http://127.0.0.1:{port} --concurrency 1,2,4")
    print("Serving until Ctrl-C.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        tiny_server.serve(
            path, model_name=spec.model_name, sock=sock, context=spec.context, threads=args.threads
        )
    return 0


def _register_tiny_server(subparsers: argparse._SubParsersAction) -> None:
    defaults = tiny_server.TinyModelSpec()
    parser = subparsers.add_parser(
        "tiny-server",
        help="serve a tiny random llama model with llama.cpp on 127.0.0.1 (for trying probes)",
        description=(
            "Start llama-cpp-python's OpenAI-compatible server on 127.0.0.1 with a tiny "
            f"llama-architecture model generated by the toolkit. Note: {tiny_server.DISCLAIMER}. "
            "Every request yields exactly the tokens asked for (the model cannot end its answer)."
        ),
    )
    parser.add_argument("--port", type=int, default=8080, help="TCP port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    parser.add_argument("--layers", type=int, default=defaults.layers, help="transformer blocks")
    parser.add_argument("--hidden", type=int, default=defaults.hidden, help="embedding width")
    parser.add_argument("--heads", type=int, default=defaults.heads, help="attention heads")
    parser.add_argument(
        "--kv-heads", type=int, default=None, help="key/value heads (default: heads)"
    )
    parser.add_argument("--ffn", type=int, default=defaults.ffn, help="feed-forward width")
    parser.add_argument("--context", type=int, default=defaults.context, help="context in tokens")
    parser.add_argument(
        "--seed", type=int, default=defaults.seed, help="seed of the random weights"
    )
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for llama.cpp")
    # Used by start_tiny_server, which binds the port itself and passes the socket down.
    parser.add_argument("--fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--gguf", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--model-name", help=argparse.SUPPRESS)
    parser.set_defaults(func=_cmd_tiny_server)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's commands to ``python -m analysis``."""
    _register_probe(subparsers)
    _register_import_compare(subparsers)
    _register_tiny_server(subparsers)
