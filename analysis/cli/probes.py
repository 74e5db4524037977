"""Probe commands: probe, probe-runs, tiny-server.

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
    backend_names,
    get_backend,
    parse_levels,
    run_probe,
    tiny_server,
    to_tco_throughput,
)
from analysis.probes import store as probe_store

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


def level_rows(levels: Sequence[LevelStats]) -> list[dict[str, Any]]:
    """One printable row per load level: throughput, latency percentiles, goodput, SLO."""
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


def format_run(run: ProbeRun) -> str:
    """A run's results as text, with the definitions of its numbers."""
    cfg = run.config
    hardware = f" · hardware: {cfg.hardware}" if cfg.hardware else ""
    endpoint = get_backend(cfg.api).endpoint_name(cfg.endpoint)
    lines = [
        f"probe run {run.run_id} · {run.model} at {cfg.url} "
        f"({run.server_kind}, {endpoint}){hardware}",
        f"input: {cfg.input_tokens} tokens ({run.input_tokens_basis}) · output: up to "
        f"{cfg.max_tokens} tokens · SLO: {cfg.slo.describe()}",
    ]
    levels = run.levels()
    lines += ["", format_table(level_rows(levels))]
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
        probe_store.save_run(run)
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
    rows = probe_store.list_runs().to_dicts()
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
    _register_tiny_server(subparsers)
