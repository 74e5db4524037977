"""The ``gap`` command: how far open-weight models trail closed ones on a benchmark.

It parses the arguments, asks :mod:`analysis.gap` and prints what it returns.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from analysis import gap
from analysis.cli import date_arg
from analysis.console import print_json, print_table
from analysis.errors import GapError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``gap`` command.

    Args:
        subparsers: the ``add_subparsers()`` object of the main parser.
    """
    p = subparsers.add_parser(
        "gap",
        help="how far open-weight models trail closed ones, with intervals",
        description=(
            "The gap between the best open-weight and the best closed models: the points gap, "
            "the lag in months and (on percent scales) open/closed, each with a bootstrap "
            "interval and the method it rests on. The headline measure is Epoch AI's "
            "Capabilities Index (--benchmark eci, the default: one snapshot, the lag and "
            "gap averaged over a window); any benchmark_scores label gives that single "
            "benchmark; --benchmark arena the Arena rating (one snapshot)."
        ),
    )
    p.add_argument(
        "--benchmark",
        default="eci",
        help="eci (default), a benchmark label such as GPQA-Diamond (see --list), or arena",
    )
    p.add_argument(
        "--source",
        choices=list(gap.SOURCES),
        default="independent",
        help="independent runs (default), vendor-reported tables, or all",
    )
    p.add_argument(
        "--setting",
        help="keep one setting (text as in benchmark_scores), or 'best' for each model's best",
    )
    p.add_argument("--variant", help="keep one benchmark_variant")
    p.add_argument(
        "--as-of",
        type=date_arg,
        default=None,
        help="only models released on or before this date (default: today)",
    )
    p.add_argument("--include-base", action="store_true", help="count base models too")
    p.add_argument(
        "--method",
        choices=list(gap.METHODS),
        help="lag method: days or records (averaged over a window; ECI default: days) or "
        "levels (over score levels; single-benchmark default)",
    )
    p.add_argument("--window-start", type=date_arg, help="first day of the window (days/records)")
    p.add_argument("--window-end", type=date_arg, help="last day of the window (default: as-of)")
    p.add_argument("--snapshot", type=date_arg, help="the ECI snapshot to use (default: newest)")
    p.add_argument(
        "--resamples",
        type=int,
        default=gap.DEFAULT_RESAMPLES,
        help=f"bootstrap resamples (default {gap.DEFAULT_RESAMPLES})",
    )
    p.add_argument(
        "--seed", type=int, default=gap.DEFAULT_SEED, help=f"seed (default {gap.DEFAULT_SEED})"
    )
    p.add_argument(
        "--level", type=float, default=gap.DEFAULT_LEVEL, help="confidence level (default 0.9)"
    )
    p.add_argument("--no-intervals", action="store_true", help="skip the bootstrap")
    p.add_argument(
        "--trend", action="store_true", help="also the gap month by month and its 12/24-month trend"
    )
    p.add_argument("--list", action="store_true", help="list benchmarks with row counts by source")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_gap)


def run_gap(args: argparse.Namespace) -> int:
    """``gap``: the gap on one measure (text or JSON), or the benchmark list.

    Returns:
        The exit status.

    Raises:
        GapError: the gap cannot be measured, or the options do not fit together.
    """
    if args.list:
        rows = gap.benchmark_counts()
        if args.json:
            print_json(rows)
        else:
            print_table(rows)
        return 0
    as_of = args.as_of or date.today()  # the "now" default lives here, at the edge
    boot = None if args.no_intervals else gap.Bootstrap(args.resamples, args.seed, args.level)
    window = None
    if args.window_start or args.window_end:
        if not args.window_start:
            raise GapError("--window-end needs --window-start")
        window = (args.window_start, args.window_end or as_of)
    if args.no_intervals and (window or args.method in ("days", "records")):
        raise GapError("--method days/records and a window need the intervals' engine: "
                       "drop --no-intervals")  # fmt: skip
    result = gap.benchmark_gap(
        args.benchmark,
        source=args.source,
        setting=args.setting,
        variant=args.variant,
        as_of=as_of,
        include_base=args.include_base,
        intervals=boot or False,
        method=args.method,
        window=window,
        snapshot=args.snapshot,
    )
    data = result.to_dict()
    trend = None
    if args.trend:
        series = gap.gap_over_time(
            args.benchmark,
            as_of=as_of,
            bootstrap=boot or gap.Bootstrap(),
            snapshot=args.snapshot,
            source=args.source,
            setting=args.setting,
        )
        trend = {
            "months": series.table.to_dict("records"),
            "trends": [
                gap.trend(series, f, m).to_dict()
                for f in ("points", "lag_months")
                for m in (12, 24)
                if m <= len(series.months)
            ],
        }
        data["over_time"] = trend
    if args.json:
        print_json(data)
        return 0
    _print_text(data)
    return 0


def _print_text(data: dict[str, Any]) -> None:
    """The gap as text, in the order a reader checks it."""
    unit = "" if data["unit"] == "rating" else (" %" if data["unit"] == "%" else f" {data['unit']}")
    bo, bc = data["best_open"], data["best_closed"]
    print(
        f"{data['benchmark']} ({data['measure']}) — {data['source']} "
        f"({', '.join(data['reported_by'])}), models released by {data['as_of']}"
    )
    print(f"Settings: {data['setting_rule']}")
    for c in data["configurations"]:
        label = " / ".join(str(x) for x in (c.get("benchmark_variant"), c.get("setting")) if x)
        n = c.get("models")
        print(f"  {label or '(no setting given)'}: {n} model{'' if n == 1 else 's'}")
    print(f"Best closed: {bc['model']} {bc['score']:.4g}{unit} (released {bc['date']})")
    print(f"Best open:   {bo['model']} {bo['score']:.4g}{unit} (released {bo['date']})")
    ratio = f"; open/closed = {data['ratio']:.1%}" if data["ratio"] is not None else ""
    print(f"Vertical gap: {data['points']:.4g} points{ratio}")
    lv = data["lag_levels"]
    if data["lag_months"] is None:
        print(f"Lag: not measurable ({lv['reason']})")
    else:
        print(
            f"Lag: {data['lag_months']:.1f} months on average over {lv['count']} score levels "
            f"from {lv['low']:.4g} to {lv['high']:.4g}{unit}"
        )
    if "figures" in data:
        m = data["method"]
        print(
            f"\nWith {m['level']:.0%} intervals ({m['resamples']} resamples, seed {m['seed']}; "
            f"{m['resampling']}; per-model intervals: {m['model_intervals']}):"
        )
        print(f"  Method: {m['description']}")
        names = {"points": "Points gap", "ratio": "Open/closed", "lag_months": "Lag"}
        for name, fig in data["figures"].items():
            print(f"  {names[name]}: {_figure(fig, name)}")
        others = [
            f"{k} {_figure(v, 'lag_months')}" for k, v in m["lag_variants"].items() if k != m["lag"]
        ]
        if others:
            print(f"  Lag by the other methods: {'; '.join(others)}")
    if data["excluded"]:
        print("Left out: " + ", ".join(f"{k}: {v}" for k, v in data["excluded"].items()))
    for n in data["notes"]:
        print(f"Note: {n}")
    if "over_time" in data:
        print("\nTrend (least-squares slope of the monthly series, per year):")
        for t in data["over_time"]["trends"]:
            print(
                f"  {t['figure']}, last {t['months']} months: "
                f"{_figure(t['per_year'], t['figure'])}: {t['reading']}"
            )
    for side, label in (("closed", "Closed frontier"), ("open", "Open-weight frontier")):
        print(f"\n{label}:")
        print_table(data["frontier"][side], ["date", "model", "score"])


def _figure(fig: dict[str, Any], name: str) -> str:
    """``7.7 months (90% CI 5.4–11.9)``, ``88.9% (…)`` or ``n/a (reason)``."""
    if fig["value"] is None:
        return f"n/a ({fig['note']})" if fig.get("note") else "n/a"
    pct = name == "ratio"

    def show(v: float) -> str:
        return f"{v:.1%}" if pct else f"{v:.1f}"

    unit = "" if pct else f" {fig['unit']}"
    ci = (
        f" (CI {show(fig['ci_low'])}–{show(fig['ci_high'])})"
        if fig.get("ci_low") is not None and fig.get("ci_high") is not None
        else ""
    )
    return f"{show(fig['value'])}{unit}{ci}"
