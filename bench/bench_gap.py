"""Bootstrap speed: a 1,000-resample interval on one benchmark, and on the ECI window.

Target (2-core machine): the points gap, ratio and lag of one benchmark with
1,000-resample intervals, every lag method computed, in <= 1 s, with the
resampling draws drawn afresh (median of repeated runs in one process). The
same with the draws kept (as a panel has them after its first showing) is
reported beside it, and so is the ECI gap over a window when the warehouse
has ECI data. The warehouse is built into a temporary folder from ``datasets/``.

Usage::

    python bench/bench_gap.py [--runs 7] [--check]

``--check`` exits with status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET_S = 1.0
AS_OF = "2025-11-30"
BENCHMARK = "GPQA-Diamond"
RESAMPLES = 1000


def timed(fn: Callable[[], Any], runs: int, fresh: bool) -> list[float]:
    """Seconds per call; ``fresh``: forget the kept draws before each call."""
    from analysis.gap.intervals import model_draws

    out = []
    for _ in range(runs):
        if fresh:
            model_draws.cache_clear()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="repeated runs (at least 3)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(argv)
    runs = max(args.runs, 3)

    with tempfile.TemporaryDirectory(prefix="bench-gap-") as tmp:
        os.environ["AISTRAT_WAREHOUSE"] = str(Path(tmp) / "warehouse.duckdb")
        from analysis import gap
        from analysis.gap.eci import eci_window_gap
        from analysis.gap.store import optional_table

        t = gap.load_tables("benchmark_scores", "models")
        sel = gap.select_scores(t["benchmark_scores"], t["models"], BENCHMARK, as_of=AS_OF)
        boot = gap.Bootstrap(resamples=RESAMPLES)
        window = ("2024-12-01", AS_OF)
        n = len(sel.rows)

        def one() -> Any:
            return gap.estimate_gap(sel, method="days", window=window, bootstrap=boot)

        rows = [
            (f"{BENCHMARK}, {n} models, all lag methods, draws afresh", timed(one, runs, True)),
            (f"{BENCHMARK}, draws kept", timed(one, runs, False)),
        ]
        eci = optional_table("eci_scores")
        if eci is not None and len(eci):
            models = t["models"]
            snap = gap.snapshots(eci)[-1]

            def eci_one() -> Any:
                return eci_window_gap(
                    eci, models, as_of=snap, window=("2026-01-01", "2026-05-28"), bootstrap=boot
                )

            rows.append((f"ECI snapshot {snap}, window 2026-01..05", timed(eci_one, runs, True)))
        result = one()

    print(f"Bootstrap: {RESAMPLES} resamples, {runs} runs, median seconds")
    for label, times in rows:
        print(f"  {label:<62} {statistics.median(times):.3f} s")
    median = statistics.median(rows[0][1])
    ok = median <= TARGET_S
    lag = result.lag_months
    print(
        f"One benchmark: median {median:.3f} s (target <= {TARGET_S:.1f} s) "
        f"{'ok' if ok else 'MISSED'}; lag {lag.text()}"
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
