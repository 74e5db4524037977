"""Cost-model speed, against the targets that keep a notebook slider instant.

Targets (medians of repeated runs, 2-core machine):

- one scenario evaluation (both bills, sizing, break-even search) <= 1 ms;
- a 10,000-draw Monte Carlo <= 0.5 s;
- the tornado over every assumption in use <= 50 ms.

Two scenarios are timed: worked example 1 (given sizing and throughput) and a
memory-fit + decode-model scenario (prefill counted) with a staff-heavy break-even several replicas
out. No warehouse is needed: the figures are given. Usage::

    python bench/bench_tco.py [--runs 50] [--check]

``--check`` exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from timing import median_ms  # noqa: E402

from analysis.console import print_table  # noqa: E402
from analysis.tco import (  # noqa: E402
    ApiOption,
    GpuSpec,
    ModelSpec,
    SelfHostedOption,
    TcoCase,
    Workload,
    evaluate,
)
from analysis.uncertainty import LogNormal, Triangular, Uniform, monte_carlo, tornado  # noqa: E402

EVALUATE_TARGET_MS = 1.0
MONTE_CARLO_TARGET_MS = 500.0
TORNADO_TARGET_MS = 50.0

EXAMPLE_1 = TcoCase(
    Workload(requests_per_month=1_000_000, input_tokens=1_500, output_tokens=500),
    ApiOption(input_usd_per_mtok=2.5, output_usd_per_mtok=10.0),
    SelfHostedOption(
        gpus_per_replica=2,
        throughput_tok_s=1_000,
        gpu_hour_usd=2.0,
        staff_fte=0.25,
        staff_annual_usd=180_000,
    ),
)
DECODE = TcoCase(
    Workload(requests_per_month=5_000_000, input_tokens=2_000, output_tokens=400, cached_share=0.3),
    ApiOption(input_usd_per_mtok=2.5, output_usd_per_mtok=10.0, cached_input_usd_per_mtok=1.25),
    SelfHostedOption(
        model_spec=ModelSpec(params_total_b=70, layers=80, kv_heads=8, head_dim=128),
        gpu_spec=GpuSpec(memory_gb=80, mem_bandwidth_tbps=3.35, fp8_dense_tflops=1979),
        quantisation="fp8",
        context_tokens=8_192,
        concurrent_sequences=8,
        ownership="buy",
        capex_usd_per_gpu=30_000,
        amortisation_years=3,
        power_w=700,
        pue=1.3,
        usd_per_kwh=0.12,
        hosting_usd_per_gpu_month=150,
        staff_fte=3,
        staff_annual_usd=180_000,
    ),
)
DISTRIBUTIONS = {
    "workload.requests_per_month": Triangular(500_000, 1_000_000, 3_000_000),
    "workload.output_tokens": Uniform(300, 700),
    "api.output_usd_per_mtok": LogNormal.from_p10_p90(8, 12),
    "self_hosted.throughput_tok_s": Triangular(600, 1_000, 1_400),
    "self_hosted.staff_fte": Triangular(0.1, 0.25, 0.5),
}
DECODE_DISTRIBUTIONS = {
    "workload.requests_per_month": Triangular(2_000_000, 5_000_000, 9_000_000),
    "self_hosted.power_w": Uniform(500, 700),
    "self_hosted.usd_per_kwh": LogNormal.from_p10_p90(0.08, 0.2),
    "self_hosted.staff_fte": Triangular(2, 3, 5),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="repeats per measurement")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    rows = []
    for label, case, dists in (
        ("example 1", EXAMPLE_1, DISTRIBUTIONS),
        ("memory fit + decode model, buy", DECODE, DECODE_DISTRIBUTIONS),
    ):
        n_params = len(tornado(case).rows)
        for what, fn, inner, target in (
            ("evaluate", lambda c=case: evaluate(c), 100, EVALUATE_TARGET_MS),
            (
                "Monte Carlo 10,000 draws",
                lambda c=case, d=dists: monte_carlo(c, d, draws=10_000, seed=1),
                1,
                MONTE_CARLO_TARGET_MS,
            ),
            (f"tornado ({n_params} assumptions)", lambda c=case: tornado(c), 5, TORNADO_TARGET_MS),
        ):
            ms = median_ms(fn, max(5, args.runs if inner == 1 else args.runs // 5), inner)
            rows.append(
                {
                    "scenario": label,
                    "measure": what,
                    "median ms": f"{ms:.3f}",
                    "target ms": f"{target:g}",
                    "ok": "yes" if ms <= target else "NO",
                }
            )
    print_table(rows)
    missed = [r for r in rows if r["ok"] == "NO"]
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
