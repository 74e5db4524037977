"""Chart speed: the full figure set built, converted to a spec (JSON) and rendered to SVG.

Target (2-core machine): the whole set, every builder in ``analysis.charts``, in
<= 2 s (median of repeated runs in one process; the first run, which starts
vl-convert's engine, is reported separately).

The gap figures use the real warehouse (built into a temporary file from
``datasets/``): GPQA-Diamond frontier, lag per benchmark, quality vs price,
price trend, Arena monthly gap, the gap month by month with its bands. The
cost and probe figures use stand-in tables of realistic size (timing only:
their numbers are made up and shown nowhere).
Usage::

    python bench/bench_charts.py [--runs 7] [--check]

``--check`` exits with status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import json
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

TARGET_S = 2.0
AS_OF = "2025-11-30"
BENCHMARKS = [
    "GPQA-Diamond",
    "MATH-Level-5",
    "OTIS-Mock-AIME-2024-2025",
    "SWE-bench-Verified",
    "FrontierMath-Tier1-3 (public)",
]


def _gap_inputs() -> dict[str, tuple[str, Any, dict[str, Any]]]:
    """Gap figures from the real warehouse."""
    from analysis import gap

    t = gap.load_tables("benchmark_scores", "models", "arena_ratings", "api_prices")
    g = gap.measure_gap(t["benchmark_scores"], t["models"], "GPQA-Diamond", as_of=AS_OF)
    lags = gap.lag_by_benchmark(t["benchmark_scores"], t["models"], BENCHMARKS, as_of=AS_OF)
    qp = gap.quality_price_table(g.selection.rows, gap.model_prices(AS_OF))
    trend = gap.cheapest_over_time(g.selection.rows, t["api_prices"], 70.0, as_of=AS_OF)
    arena = gap.arena_monthly_gap(t["arena_ratings"], as_of=AS_OF)
    series = gap.gap_series(g.selection, end=AS_OF, months=24).table
    src = "Epoch AI Benchmarking Hub"
    return {
        "frontier": ("frontier", g.frontier, {"source": src}),
        "lag_bars": ("lag_bars", lags, {"source": src}),
        "quality_price": ("quality_price", qp, {"source": [src, "api_prices"]}),
        "price_trend": ("price_trend", trend, {"source": [src, "api_prices"]}),
        "arena_gap": ("arena_gap", arena, {"source": "LMArena snapshots"}),
        "gap_over_time": ("gap_over_time", series, {"source": src}),
    }


def _stand_in_inputs() -> dict[str, tuple[str, Any, dict[str, Any]]]:
    """Cost and probe figures on stand-in tables (timing only)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    options = ["Closed API", "Self-host on rented GPUs", "Self-host on owned GPUs"]
    components = ["Tokens", "GPU rental", "GPU purchase", "Power", "Staff", "Networking"]
    tco = pd.DataFrame(
        [(o, c, float(rng.uniform(100, 9000))) for o in options for c in components],
        columns=["option", "component", "monthly_usd"],
    )
    volume = np.geomspace(1e4, 1e8, 60)
    be = pd.DataFrame(
        [
            (v, o, 200 + i * 900 + v * (3e-3 / (i + 1)))
            for i, o in enumerate(options)
            for v in volume
        ],
        columns=["requests_per_month", "option", "monthly_usd"],
    )
    params = [f"Parameter {i}" for i in range(12)]
    tornado = pd.DataFrame(
        {
            "parameter": params,
            "low_result": rng.uniform(3000, 5000, 12),
            "high_result": rng.uniform(5000, 8000, 12),
            "base": 5000.0,
        }
    )
    mc = pd.DataFrame(
        {
            "option": np.repeat(options, 10_000),
            "monthly_usd": rng.lognormal(8.5, 0.35, 30_000),
        }
    )
    tasks = ["Chat", "Summaries", "Code", "Extraction", "Agents", "Search"]
    share = rng.dirichlet(np.ones(3), len(tasks))
    hybrid = pd.DataFrame(
        [
            (t, o, float(share[i][j]), float(rng.uniform(100, 3000)))
            for i, t in enumerate(tasks)
            for j, o in enumerate(options)
        ],
        columns=["task_class", "option", "share", "monthly_usd"],
    )
    floors = np.round(np.linspace(0.5, 1.2, 8), 2)
    pareto = pd.DataFrame(
        {
            "monthly_usd": np.sort(rng.uniform(800, 9000, 8)),
            "quality": np.sort(rng.uniform(55, 85, 8)),
            "current": [False] * 8,
            "floor": floors,
            "routing": [
                "; ".join(f"{t} → {options[int(rng.integers(0, 3))]}" for t in tasks)
                for _ in floors
            ],
        }
    )
    pareto = pd.concat([pareto, pareto.iloc[[5]].assign(current=True)], ignore_index=True)
    factors = [
        "Cost",
        "Quality",
        "Latency",
        "Data control",
        "Lock-in",
        "Skills",
        "Compliance",
        "Roadmap",
    ]
    scorecard = pd.DataFrame(
        [
            (f, o, float(rng.integers(1, 6)), float(w))
            for w, f in enumerate(factors, 1)
            for o in options
        ],
        columns=["factor", "option", "score", "weight"],
    )
    conc = [1, 2, 4, 8, 16, 32]
    lat = pd.DataFrame(
        [
            (c, m, b * c**0.5, b * 1.3 * c**0.5, b * 2 * c**0.5)
            for c in conc
            for m, b in (("Time to first token", 40.0), ("Total response time", 900.0))
        ],
        columns=["concurrency", "metric", "p50", "p90", "p99"],
    )
    tp = pd.DataFrame({"concurrency": conc, "output_tokens_per_s": [25.0 * c**0.7 for c in conc]})
    months = np.arange(1, 61)
    paths = pd.DataFrame(
        [(int(m), o, float(m * (1500 + 700 * i))) for i, o in enumerate(options) for m in months],
        columns=["month", "plan", "cumulative_usd"],
    )
    bands = paths.assign(
        p10_usd=paths["cumulative_usd"] * 0.85, p90_usd=paths["cumulative_usd"] * 1.2
    )[["month", "plan", "p10_usd", "p90_usd"]]
    src = "stand-in table (timing only)"
    return {
        "horizon_paths": (
            "horizon_paths",
            paths,
            {"source": src, "bands": bands, "crossover_month": 14},
        ),
        "tco_comparison": ("tco_comparison", tco, {"source": src}),
        "break_even_curve": ("break_even_curve", be, {"source": src, "break_even": 2.5e6}),
        "tornado": ("tornado", tornado, {"source": src}),
        "monte_carlo": ("monte_carlo", mc, {"source": src}),
        "hybrid_split": ("hybrid_split", hybrid, {"source": src}),
        "hybrid_pareto": ("hybrid_pareto", pareto, {"source": src}),
        "scorecard": ("scorecard", scorecard, {"source": src}),
        "probe_latency": ("probe_latency", lat, {"source": src}),
        "probe_throughput": ("probe_throughput", tp, {"source": src}),
    }


def _render_all(
    inputs: dict[str, tuple[str, Any, dict[str, Any]]],
) -> dict[str, tuple[float, float]]:
    """Build, convert and render every figure; seconds per figure (spec, SVG)."""
    import vl_convert as vlc

    from analysis import charts

    out = {}
    for name, (builder, df, kwargs) in inputs.items():
        fn: Callable[..., Any] = getattr(charts, builder)
        t0 = time.perf_counter()
        spec = fn(df, as_of=AS_OF, **kwargs).to_dict()
        json.dumps(spec, allow_nan=False)
        t1 = time.perf_counter()
        svg = vlc.vegalite_to_svg(spec)
        t2 = time.perf_counter()
        if not svg.lstrip().startswith("<svg"):
            raise RuntimeError(f"{name}: vl-convert returned no SVG")
        out[name] = (t1 - t0, t2 - t1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="repeated runs (at least 3)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(argv)
    runs = max(args.runs, 3)

    with tempfile.TemporaryDirectory(prefix="bench-charts-") as tmp:
        # A warehouse of its own, so the user's build folder is never touched.
        os.environ["AISTRAT_WAREHOUSE"] = str(Path(tmp) / "warehouse.duckdb")
        from analysis import charts

        charts.use_theme()
        inputs = {**_gap_inputs(), **_stand_in_inputs()}
        missing = set(charts.BUILDERS) - set(inputs)
        if missing:
            raise SystemExit(f"builders not benchmarked: {sorted(missing)}")

        t0 = time.perf_counter()
        _render_all(inputs)
        first = time.perf_counter() - t0
        samples: list[dict[str, tuple[float, float]]] = []
        totals = []
        for _ in range(runs):
            t0 = time.perf_counter()
            samples.append(_render_all(inputs))
            totals.append(time.perf_counter() - t0)

    print(f"Full figure set: {len(inputs)} charts, {runs} runs, median per chart (ms)")
    print(f"{'chart':<18} {'spec+JSON':>10} {'SVG':>8}")
    for name in inputs:
        spec_ms = statistics.median(s[name][0] for s in samples) * 1000
        svg_ms = statistics.median(s[name][1] for s in samples) * 1000
        print(f"{name:<18} {spec_ms:>10.1f} {svg_ms:>8.1f}")
    median = statistics.median(totals)
    ok = median <= TARGET_S
    print(
        f"{'whole set':<18} median {median:.3f} s (target <= {TARGET_S:.1f} s) "
        f"{'ok' if ok else 'MISSED'}; first run {first:.3f} s (starts vl-convert)"
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
