"""Data commands: build, validate, sql, export, summary (over :mod:`analysis.warehouse`)."""

from __future__ import annotations

import argparse
import csv
import sys

from analysis import warehouse
from analysis.cli import date_arg
from analysis.console import print_json, print_table
from analysis.records import to_plain


def _cmd_build(args: argparse.Namespace) -> int:
    report = warehouse.build(force=args.force)
    if args.json:
        print_json(report.to_dict())
        return 0
    state = f"rebuilt ({report.reason})" if report.rebuilt else report.reason
    print(f"{report.path}: {state} in {report.seconds:.2f} s")
    print_table([{"table": t, "rows": n} for t, n in report.rows.items()])
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    found = warehouse.validate_dir(args.directory, today=args.today)
    if found.problems:
        for line in found.problems:
            print(line)
        print(f"{len(found.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(found.rows)} tables, {sum(found.rows.values())} rows")
    return 0


def _cmd_sql(args: argparse.Namespace) -> int:
    # Database values as plain data; a NaN or infinite cell is shown as missing.
    columns, rows = warehouse.query_rows(args.query)
    if args.json:
        print_json([to_plain(dict(zip(columns, r, strict=True)), non_finite="none") for r in rows])
    elif args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if v is None else to_plain(v, non_finite="none") for v in r])
    else:
        print_table([dict(zip(columns, r, strict=True)) for r in rows], columns)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    for f in warehouse.export(args.directory, fmt=args.format):
        print(f)
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    info = warehouse.summary()
    if args.json:
        print_json(to_plain(info, non_finite="none"))
        return 0
    built = info["built_at"].strftime("%Y-%m-%d %H:%M UTC") if info["built_at"] else "?"
    print(f"Warehouse {info['path']} (built {built})")
    print_table(
        [
            {
                "table": t,
                "rows": v["rows"],
                "sources": v["sources"],
                "as of": f"{v['as_of_min']} .. {v['as_of_max']}" if v["as_of_column"] else "",
                "date column": v["as_of_column"] or "",
            }
            for t, v in info["tables"].items()
        ]
    )
    print(
        f"Newest price date: {info['newest_price_date']}; "
        f"{info['prices_in_force']} API prices in force on {info['today']}; "
        f"{info['scheduled_changes']} scheduled change(s) after it."
    )
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``build``, ``validate``, ``sql``, ``export`` and ``summary`` to ``python -m analysis``.

    Args:
        subparsers: the sub-command collection of the main parser.
    """
    p = subparsers.add_parser(
        "build", help="build the warehouse from datasets/ (only if a source changed)"
    )
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.set_defaults(func=_cmd_build)

    p = subparsers.add_parser("validate", help="check dataset CSVs against schema.yaml")
    p.add_argument("directory", nargs="?", help="folder of CSVs (default: datasets/)")
    p.add_argument(
        "--today", type=date_arg, help="YYYY-MM-DD for the future-price rule (default: today)"
    )
    p.set_defaults(func=_cmd_validate)

    p = subparsers.add_parser("sql", help="run a read-only SQL query on the warehouse")
    p.add_argument("query", help='the SQL, e.g. "SELECT * FROM models_priced LIMIT 5"')
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print rows as a JSON list")
    fmt.add_argument("--csv", action="store_true", help="print rows as CSV")
    p.set_defaults(func=_cmd_sql)

    p = subparsers.add_parser("export", help="write every warehouse table to a folder")
    p.add_argument("directory", help="output folder")
    p.add_argument("--format", choices=["parquet"], default="parquet", help="file format")
    p.set_defaults(func=_cmd_export)

    p = subparsers.add_parser("summary", help="tables, rows, date ranges and newest prices")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_cmd_summary)
