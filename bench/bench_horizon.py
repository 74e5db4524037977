"""Horizon-model speed, against the targets that keep the horizon panel instant.

Targets (medians of repeated runs, 2-core machine):

- one 60-month horizon evaluation (API and self-hosting paths, NPV, crossover) <= 5 ms;
- a 10,000-draw horizon Monte Carlo (API decline, rent or hardware trend and growth
  drawn; P10–P90 bands of the cumulative cost and P(self-hosting cheaper)) <= 1 s.

Two cases are timed: rented GPUs with the API following its trend, and bought GPUs
with growth that adds GPUs, end-of-life replacement and resale. No warehouse is
needed: the figures are given. The horizon panel's slider is timed by
``bench/bench_widgets.py --only "horizon explorer"``. Usage::

    python bench/bench_horizon.py [--runs 30] [--check]

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
from analysis.horizon import (  # noqa: E402
    ApiPricePath,
    HardwarePlan,
    HorizonSettings,
    RentPricePath,
    evaluate_horizon,
    horizon_monte_carlo,
)
from analysis.tco import ApiOption, SelfHostedOption, TcoCase, Workload  # noqa: E402
from analysis.uncertainty import LogNormal, Triangular, Uniform  # noqa: E402

EVALUATE_TARGET_MS = 5.0
MONTE_CARLO_TARGET_MS = 1000.0

WORKLOAD = Workload(requests_per_month=1_000_000, input_tokens=1_500, output_tokens=500)
API = ApiOption(input_usd_per_mtok=2.5, output_usd_per_mtok=10.0)
RENTED = TcoCase(
    WORKLOAD,
    API,
    SelfHostedOption(
        gpus_per_replica=2,
        throughput_tok_s=1_000,
        gpu_hour_usd=2.0,
        staff_fte=0.25,
        staff_annual_usd=180_000,
    ),
)
BOUGHT = TcoCase(
    WORKLOAD,
    API,
    SelfHostedOption(
        gpus_per_replica=2,
        throughput_tok_s=1_000,
        ownership="buy",
        capex_usd_per_gpu=30_000,
        amortisation_years=2,
        power_w=700,
        pue=1.3,
        usd_per_kwh=0.12,
        hosting_usd_per_gpu_month=150,
        staff_fte=0.25,
        staff_annual_usd=180_000,
    ),
)
RENT_SETTINGS = HorizonSettings(
    months=60,
    discount_rate=0.08,
    volume_growth=0.02,
    api_price=ApiPricePath("trend", 4.0),
    rent_price=RentPricePath("trend", 1.3),
)
BUY_SETTINGS = HorizonSettings(
    months=60,
    discount_rate=0.08,
    volume_growth=0.03,
    api_price=ApiPricePath("switch", 9.0),
    hardware=HardwarePlan(resale_fraction=0.3, price_decline_factor=1.2),
)
RENT_DRAWS = {
    "api_price.decline_factor": LogNormal.from_p10_p90(2.0, 20.0),
    "rent_price.decline_factor": Triangular(1.0, 1.3, 2.0),
    "volume_growth": Uniform(0.0, 0.05),
}
BUY_DRAWS = {
    "api_price.decline_factor": LogNormal.from_p10_p90(2.0, 30.0),
    "hardware.price_decline_factor": Triangular(1.0, 1.2, 1.6),
    "volume_growth": Uniform(0.0, 0.06),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="repeats per measurement")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    rows = []
    for label, case, settings, draws in (
        ("rented GPUs, API trend", RENTED, RENT_SETTINGS, RENT_DRAWS),
        ("bought GPUs, growth, replacement, resale", BOUGHT, BUY_SETTINGS, BUY_DRAWS),
    ):
        for what, fn, inner, target in (
            (
                "60-month evaluation",
                lambda c=case, s=settings: evaluate_horizon(c, s),
                20,
                EVALUATE_TARGET_MS,
            ),
            (
                "Monte Carlo 10,000 draws",
                lambda c=case, s=settings, d=draws: horizon_monte_carlo(c, s, d, 10_000, 1),
                1,
                MONTE_CARLO_TARGET_MS,
            ),
        ):
            ms = median_ms(fn, max(5, args.runs if inner == 1 else args.runs // 3), inner)
            rows.append(
                {
                    "case": label,
                    "measure": what,
                    "median ms": f"{ms:.2f}",
                    "target ms": f"{target:g}",
                    "ok": "yes" if ms <= target else "NO",
                }
            )
    print_table(rows)
    missed = [r for r in rows if r["ok"] == "NO"]
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
