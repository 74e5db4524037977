"""The ``gap`` command: how far open-weight models trail closed ones on a benchmark.

It parses the arguments, asks :mod:`analysis.gap` and prints what it returns.
"""

from __future__ import annotations

import argparse
from datetime import date

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
        help="how far open-weight models trail closed ones on a benchmark",
        description=(
            "Current vertical gap (best closed - best open, and open/closed), the average "
            "lag in months (Epoch AI's horizontal gap) and the models on each frontier. "
            "Use --benchmark arena for the Arena rating (one snapshot)."
        ),
    )
    p.add_argument("--benchmark", help="benchmark label, e.g. GPQA-Diamond (see --list)")
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
    p.add_argument("--list", action="store_true", help="list benchmarks with row counts by source")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_gap)


def run_gap(args: argparse.Namespace) -> int:
    """``gap``: the gap on one benchmark (text or JSON), or the benchmark list.

    Returns:
        The exit status.

    Raises:
        GapError: no benchmark named, or the gap cannot be measured.
    """
    if args.list:
        rows = gap.benchmark_counts()
        if args.json:
            print_json(rows)
        else:
            print_table(rows)
        return 0
    if not args.benchmark:
        raise GapError("--benchmark is required (see `python -m analysis gap --list`)")
    as_of = args.as_of or date.today()  # the "now" default lives here, at the edge
    result = gap.benchmark_gap(
        args.benchmark,
        source=args.source,
        setting=args.setting,
        variant=args.variant,
        as_of=as_of,
        include_base=args.include_base,
    )
    data = result.to_dict()
    if args.json:
        print_json(data)
        return 0
    unit = "" if data["unit"] == "rating" else (" %" if data["unit"] == "%" else f" {data['unit']}")
    bo, bc = data["best_open"], data["best_closed"]
    print(
        f"{data['benchmark']} — {data['source']} ({', '.join(data['reported_by'])}), "
        f"models released by {data['as_of']}"
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
    if data["excluded"]:
        print("Left out: " + ", ".join(f"{k}: {v}" for k, v in data["excluded"].items()))
    for n in data["notes"]:
        print(f"Note: {n}")
    for side, label in (("closed", "Closed frontier"), ("open", "Open-weight frontier")):
        print(f"\n{label}:")
        print_table(data["frontier"][side], ["date", "model", "score"])
    return 0
