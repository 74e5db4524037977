"""Data commands: build, validate, sql, export, summary (over :mod:`analysis.warehouse`),
and refresh-scores (over :mod:`analysis.feeds.scores`)."""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from analysis import catalog, crosscheck, warehouse
from analysis.cli import add_download_options, date_arg, download_arguments
from analysis.console import print_json, print_table
from analysis.crosscheck import CrossCheck
from analysis.feeds import fetch
from analysis.feeds import scores as score_feeds
from analysis.feeds.scores import ScoreRefreshResult
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
    if not args.cross_check:
        return 0
    reference = args.reference
    if reference is None and crosscheck.DEFAULT_REFERENCE.is_dir():
        reference = crosscheck.DEFAULT_REFERENCE
    checked = crosscheck.cross_check(
        Path(args.directory) if args.directory else None, Path(reference) if reference else None
    )
    print()
    print(format_cross_check(checked))
    return 0 if checked.ok else 1


def _short(source: str) -> str:
    return re.sub(r"@([0-9a-f]{8})[0-9a-f]{32}", r"@\1", source)


def format_cross_check(checked: CrossCheck) -> str:
    """Every disagreement with its resolution, then what is unresolved or stale."""
    lines = [f"cross-check ({', '.join(checked.compared)}):"]
    lines += [f"  skipped: {reason}" for reason in checked.skipped]
    for d, r in checked.resolved:
        lines.append(
            f"  {d.fact} {d.subject}: datasets {d.value}; {_short(d.other_source)} {d.other_value}"
            f" -> kept {r.kept_value} ({r.resolution})"
        )
    for d in checked.unresolved:
        lines.append(
            f"  UNRESOLVED {d.fact} {d.subject}: datasets {d.value} ({d.source}); "
            f"{d.other_source} {d.other_value}"
        )
    for r in checked.stale:
        lines.append(
            f"  STALE resolution (line {r.line}): {r.fact} {r.subject} against {r.other_source} "
            f"{r.other_value} matches no disagreement now"
        )
    total = len(checked.resolved) + len(checked.unresolved)
    if checked.ok:
        lines.append(f"{total} disagreement(s), all resolved in {crosscheck.RESOLUTIONS_FILE}")
    else:
        lines.append(
            f"{len(checked.unresolved)} of {total} disagreement(s) unresolved, "
            f"{len(checked.stale)} stale resolution(s): add or update rows of "
            f"{crosscheck.RESOLUTIONS_FILE} (tools/curate/resolutions.py)"
        )
    return "\n".join(lines)


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
    info = catalog.summary()
    if args.json:
        print_json(to_plain(info, non_finite="none"))
        return 0
    built = info["built_at"].strftime("%Y-%m-%d %H:%M UTC") if info["built_at"] else "?"
    today = info["today"]
    print(f"Warehouse {info['path']} (built {built})")
    print_table(
        [
            {
                "table": t,
                "rows": v["rows"],
                "sources": v["sources"],
                "as of": f"{v['as_of_min']} .. {v['as_of_max']}" if v["as_of_column"] else "",
                "date column": v["as_of_column"] or "",
                f"data through {today}": (v["data_through"] or "none yet")
                if v["as_of_column"]
                else "",
            }
            for t, v in info["tables"].items()
        ]
    )
    print(
        f"Newest price date: {info['newest_price_date']}; "
        f"{info['prices_in_force']} API prices in force on {today}; "
        f"{info['scheduled_changes']} scheduled change(s) after it."
    )
    undated = info["undated_priced"]
    print(f"\nModels with a price but no release date: {len(undated)}")
    if undated:
        print_table(
            [
                {
                    "model": m["model_id"],
                    "side": "open" if m["open_weights"] else "closed",
                    "reason": m["reason"],
                }
                for m in undated
            ]
        )
    scores = info["scores"]
    side = scores["by_side"]
    print(f"\nBenchmark scores: {side['open']:,} of open models, {side['closed']:,} of closed")
    print_table(
        [
            {
                "reported as": relationship,
                "open": counts["open"],
                "closed": counts["closed"],
                "open share": _share(counts["open"], side["open"]),
                "closed share": _share(counts["closed"], side["closed"]),
            }
            for relationship, counts in scores["by_reporter"].items()
        ]
    )
    return 0


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def format_score_refresh(result: ScoreRefreshResult, *, show_untracked: bool = False) -> str:
    """The readable report of a score refresh: the diff, then the counts.

    Args:
        result: what ``refresh_scores`` returned.
        show_untracked: list every model version not tracked (otherwise a count).

    Returns:
        Plain text, one item per line.
    """
    lines = [
        f"{result.source} download {result.origin} (as of {result.today.isoformat()}, "
        f"index snapshot {result.snapshot.isoformat()})"
    ]
    if result.changes:
        lines.append("added:")
        lines += [f"  {change.describe()}" for change in result.changes]
    else:
        lines.append("no new rows")
    if result.rejected:
        lines.append("rejected:")
        lines += [f"  {name}: {why}" for name, why in result.rejected]
    if result.not_tracked:
        if show_untracked:
            lines.append("not tracked (Epoch model versions without a models row):")
            lines += [f"  {name}" for name in result.not_tracked]
        else:
            lines.append(
                f"not tracked: runs of {len(result.not_tracked)} Epoch model version(s) "
                "without a known model (--show-untracked lists them)"
            )
    if result.skipped:
        lines.append(f"files skipped: {len(result.skipped)}")
        lines += [f"  {name}: {why}" for name, why in result.skipped]
    lines.append(result.summary())
    if result.dry_run:
        lines.append(f"dry run: {', '.join(str(p) for p in result.paths)} not changed")
    elif result.written:
        lines.append(f"wrote {len(result.changes)} new row(s)")
    else:
        lines.append("already up to date")
    return "\n".join(lines)


def _cmd_refresh_scores(args: argparse.Namespace) -> int:
    result = score_feeds.refresh_scores(
        args.source, snapshot=args.snapshot, **download_arguments(args)
    )
    if args.json:
        print_json(result.to_dict())
    else:
        print(format_score_refresh(result, show_untracked=args.show_untracked))
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
    p.add_argument(
        "--cross-check",
        action="store_true",
        help="also list every fact a second source gives differently, with its resolution; "
        "fails on an unresolved disagreement",
    )
    p.add_argument(
        "--reference",
        help="the reference folder for the parameter, context and price comparisons "
        "(default: ../shared/reference when present)",
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

    p = subparsers.add_parser(
        "refresh-scores",
        help="add new Epoch AI runs and index rows to benchmark_scores.csv and eci_scores.csv",
        description="Read Epoch AI's benchmark_data.zip, one of its CSV files or eci_scores.csv "
        "and add new dated rows for known models. Nothing is overwritten; a malformed "
        "download changes nothing.",
    )
    p.add_argument(
        "--from", dest="source", required=True, choices=score_feeds.SOURCES, help="data source"
    )
    add_download_options(
        p,
        noun="download",
        max_mb=score_feeds.DEFAULT_MAX_BYTES / fetch.MIB,
        size_help="largest download, and largest it may unpack to",
        untracked="every model version not tracked",
    )
    p.add_argument(
        "--snapshot",
        type=date_arg,
        help="the ECI release the download is, YYYY-MM-DD (default: the refresh date)",
    )
    p.set_defaults(func=_cmd_refresh_scores)
