"""Replica sizing with the decode model, against the target that keeps a panel slider instant.

Target (median of repeated runs, 2-core machine): one sizing evaluation
(:func:`analysis.sizing.size_replica`: memory fit, the decode model's plan at the
latency target, the GPU-hour) <= 1 ms, timed with the remembered plans forgotten
before each call (a first evaluation). Four cases, figures given (no warehouse):

- a planned batch: Llama-3.3-70B shape, fp8, 16 × 8k sequences on H100s;
- the batch and the replica size chosen: the same model with no planned batch and a
  TPOT target, every power-of-two replica size planned;
- a mixture of experts with MLA: DeepSeek-V3 shape (671B/37B, 256 experts top-8) at
  fp8 on H200s, batch chosen;
- a TTFT target that caps the load: long prompts on a Llama-3.1-8B shape.

Also prints the estimate of every measured H200 point of
``datasets/decode_measurements.csv`` against the measurement. Usage::

    python bench/bench_sizing.py [--runs 200] [--check]

``--check`` exits with status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from timing import median_ms  # noqa: E402

from analysis.console import print_table  # noqa: E402
from analysis.decode import Hardware, ModelSpec, decode_step  # noqa: E402
from analysis.sizing import (  # noqa: E402
    GpuSpec,
    SelfHostedOption,
    Traffic,
    forget_plans,
    size_replica,
)

SIZING_TARGET_MS = 1.0

H100 = GpuSpec(
    memory_gb=80, mem_bandwidth_tbps=3.35, bf16_dense_tflops=989.4, fp8_dense_tflops=1979
)
H200 = GpuSpec(
    memory_gb=141, mem_bandwidth_tbps=4.8, bf16_dense_tflops=989.5, fp8_dense_tflops=1979
)
LLAMA_70B = ModelSpec(params_total_b=70, layers=80, kv_heads=8, head_dim=128)
LLAMA_8B = ModelSpec(params_total_b=8.03, layers=32, kv_heads=8, head_dim=128)
DEEPSEEK_V3 = ModelSpec(
    671, 37, layers=61, kv_lora_rank=512, qk_rope_head_dim=64, experts=256, experts_per_token=8
)
TRAFFIC = Traffic(1_500, 500, 3_000_000, 2.0, 730)
COMMON = {"gpu_hour_usd": 2.0, "staff_fte": 0.0}
CASES = {
    "planned batch (70B fp8, 16 × 8k, H100)": (
        SelfHostedOption(
            model_spec=LLAMA_70B,
            gpu_spec=H100,
            quantisation="fp8",
            context_tokens=8192,
            concurrent_sequences=16,
            **COMMON,
        ),
        TRAFFIC,
    ),
    "batch and size chosen (70B fp8, TPOT 30 ms)": (
        SelfHostedOption(
            model_spec=LLAMA_70B,
            gpu_spec=H100,
            quantisation="fp8",
            context_tokens=8192,
            target_tpot_ms=30,
            **COMMON,
        ),
        TRAFFIC,
    ),
    "MoE + MLA chosen (DeepSeek-V3 fp8, H200)": (
        SelfHostedOption(
            model_spec=DEEPSEEK_V3, gpu_spec=H200, quantisation="fp8", context_tokens=8192, **COMMON
        ),
        TRAFFIC,
    ),
    "TTFT caps the load (8B, 30k-token prompts)": (
        SelfHostedOption(
            model_spec=LLAMA_8B,
            gpu_spec=H200,
            context_tokens=32_768,
            concurrent_sequences=32,
            target_ttft_ms=2000,
            **COMMON,
        ),
        Traffic(30_000, 100, 300_000, 2.0, 730),
    ),
}


def measured_points() -> list[dict[str, str]]:
    """The decode model against every measured H200 point (one bandwidth fraction for all)."""
    with (REPO / "datasets" / "gpus.csv").open(newline="") as f:
        gpus = {r["gpu_id"]: r for r in csv.DictReader(f)}
    rows = []
    with (REPO / "datasets" / "decode_measurements.csv").open(newline="") as f:
        for r in csv.DictReader(f):
            gpu = gpus[r["gpu_id"]]
            fp8 = r["quantisation"] == "fp8"
            flops = float(gpu["fp8_dense_tflops" if fp8 else "bf16_dense_tflops"])
            hw = Hardware(1, float(gpu["mem_bandwidth_tbps"]), flops, float(gpu["memory_gb"]))
            spec = ModelSpec(
                float(r["params_total_b"]),
                layers=int(r["layers"]),
                kv_heads=int(r["kv_heads"]),
                head_dim=int(r["head_dim"]),
            )
            step = decode_step(
                spec,
                hw,
                batch=int(r["batch"]),
                context_tokens=int(r["context_tokens"]),
                bytes_per_param=1.0 if fp8 else 2.0,
                kv_bytes_per_value=float(r["kv_bytes_per_value"]),
            )
            measured = float(r["tok_s"])
            rows.append(
                {
                    "shape": f"{r['shape']} {r['quantisation']}",
                    "batch × context": f"{r['batch']} × {int(r['context_tokens']):,}",
                    "measured tok/s": f"{measured:,.0f}",
                    "estimate tok/s": f"{step.tok_s.point:,.0f}",
                    "range": f"{step.tok_s.low:,.0f}–{step.tok_s.high:,.0f}",
                    "error": f"{step.tok_s.point / measured - 1:+.1%}",
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="repeats per measurement")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    rows = []
    for label, (option, traffic) in CASES.items():

        def cold(o: SelfHostedOption = option, t: Traffic = traffic) -> object:
            forget_plans()  # plans are remembered: every call plans the replica afresh
            return size_replica(o, 730.0, t)

        ms = median_ms(cold, args.runs, inner=20)
        sizing = size_replica(option, 730.0, traffic)
        t = sizing.throughput
        rows.append(
            {
                "case": label,
                "GPUs × batch": f"{sizing.gpus_per_replica} × {t.plan.batch if t.plan else '-'}",
                "tok/s": f"{t.tok_s:,.0f}",
                "limit": t.limit,
                "median ms": f"{ms:.3f}",
                "target ms": f"{SIZING_TARGET_MS:g}",
                "ok": "yes" if ms <= SIZING_TARGET_MS else "NO",
            }
        )
    print_table(rows)
    print()
    print_table(measured_points())
    missed = [r for r in rows if r["ok"] == "NO"]
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
