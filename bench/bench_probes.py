"""Benchmark: the probe client's CPU cost per streamed token, and its counts against the server's.

Starts the tiny llama.cpp server, probes it at concurrency 16 several times
and prints medians:

- client CPU, % of one core per 1,000 output tokens/s
  = (client CPU seconds / wall seconds) / (output tokens/s / 1000) * 100,
  where client CPU is ``time.process_time()`` of this process (all threads,
  user + system) over the run. Target: <= 10 %, so the probe is never the
  bottleneck of what it measures;
- output tokens/s measured by the client against the server's own counter
  (``llamacpp:tokens_predicted_total`` on ``/metrics``) over the same wall
  time, and the token totals of both (they must be equal, once the one token of
  the set-up request that measures the chat template is taken off);
- the server's decode rate by its own clock (tokens / time spent decoding),
  which leaves out prefill, queueing and HTTP: the gap to the measured
  throughput is what the serving pipeline around the engine costs.

Usage: ``python bench/bench_probes.py [--repeats 5] [--requests 64] [--max-tokens 128]``.
Exits with status 1 when the CPU target is missed or the counts disagree.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import probes  # noqa: E402
from analysis.console import format_table  # noqa: E402
from analysis.probes.tiny_server import TinyModelSpec, start_tiny_server  # noqa: E402

CPU_TARGET_PCT = 10.0


def one_run(url: str, model: str, args: argparse.Namespace) -> dict[str, float]:
    """One probe at the chosen concurrency; the client's and the server's figures."""
    cfg = probes.ProbeConfig(
        url=url,
        model=model,
        load=probes.ConcurrencySweep(levels=(args.concurrency,), requests=args.requests, warmup=0),
        input_tokens=args.input_tokens,
        max_tokens=args.max_tokens,
    )
    before = probes.read_server_counters(url) or {}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    run = probes.run_probe(cfg)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    after = probes.read_server_counters(url) or {}
    (level,) = run.levels()
    client_tokens = sum(r.output_tokens or 0 for r in run.requests)
    # The set-up's one-token request (measuring the chat template) is the server's too.
    setup_tokens = 1 if "template and special tokens included" in run.input_tokens_basis else 0
    server_tokens = after.get("output_tokens", 0.0) - before.get("output_tokens", 0.0)
    server_tokens -= setup_tokens
    tok_s = client_tokens / wall
    decode_s = after.get("output_seconds", 0.0) - before.get("output_seconds", 0.0)
    return {
        # Decode seconds span each request's first to last token: n - 1 intervals.
        "server_decode_tok_s": (server_tokens - len(run.requests)) / decode_s if decode_s else 0.0,
        "errors": float(level.errors),
        "client_tokens": float(client_tokens),
        "server_tokens": server_tokens,
        "client_tok_s": tok_s,
        "server_tok_s": server_tokens / wall,
        "level_tok_s": level.output_tokens_per_s or 0.0,
        "cpu_us_per_token": cpu / client_tokens * 1e6,
        "cpu_pct_per_1k_tok_s": 100 * (cpu / wall) / (tok_s / 1000),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--input-tokens", type=int, default=256)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args(argv)

    with start_tiny_server(TinyModelSpec()) as server:
        one_run(server.url, server.model, argparse.Namespace(**{**vars(args), "requests": 16}))
        runs = [one_run(server.url, server.model, args) for _ in range(args.repeats)]

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    counts_agree = all(r["client_tokens"] == r["server_tokens"] for r in runs)
    cpu_ok = med("cpu_pct_per_1k_tok_s") <= CPU_TARGET_PCT
    rows = [
        {"measure": "client CPU per 1,000 output tok/s (% of one core)",
         "median": f"{med('cpu_pct_per_1k_tok_s'):.2f}", "target": f"<= {CPU_TARGET_PCT:g}",
         "ok": "yes" if cpu_ok else "NO"},
        {"measure": "client CPU per output token (us)", "median": f"{med('cpu_us_per_token'):.1f}",
         "target": "", "ok": ""},
        {"measure": "output tok/s, measured by the client", "median": f"{med('client_tok_s'):,.0f}",
         "target": "", "ok": ""},
        {"measure": "output tok/s, server counter over the same time",
         "median": f"{med('server_tok_s'):,.0f}", "target": "= client", "ok": ""},
        {"measure": "server decode rate (its tokens / its decode seconds)",
         "median": f"{med('server_decode_tok_s'):,.0f}", "target": "", "ok": ""},
        {"measure": "output tok/s, level window (first send to last end)",
         "median": f"{med('level_tok_s'):,.0f}", "target": "", "ok": ""},
        {"measure": "output tokens per run: client / server",
         "median": f"{med('client_tokens'):,.0f} / {med('server_tokens'):,.0f}",
         "target": "equal", "ok": "yes" if counts_agree else "NO"},
        {"measure": "failed requests per run", "median": f"{med('errors'):.0f}", "target": "0",
         "ok": "yes" if med("errors") == 0 else "NO"},
    ]  # fmt: skip
    print(
        f"probe client vs tiny llama.cpp server: concurrency {args.concurrency}, "
        f"{args.requests} requests x {args.max_tokens} output tokens, "
        f"~{args.input_tokens} input tokens; median of {args.repeats} runs"
    )
    print(format_table(rows))
    return 0 if cpu_ok and counts_agree and med("errors") == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
