"""The brief command: render executive briefs from parameter files (:mod:`analysis.brief`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import brief
from analysis.console import print_json, print_table


def _cmd_brief(args: argparse.Namespace) -> int:
    overrides = [tuple(p) for p in args.param or []]
    if args.all:
        outcomes = brief.render_all(args.all, args.output, overrides, notebook=args.notebook)
        if args.json:
            print_json([o.to_dict() for o in outcomes])
        else:
            print_table(
                [
                    {
                        "parameters": o.params_file.name,
                        "brief": str(o.result.html) if o.result else "",
                        "seconds": round(o.result.seconds["total"], 1) if o.result else None,
                        "status": o.status,
                    }
                    for o in outcomes
                ]
            )
            for o in outcomes:
                if o.skipped:
                    print(f"skipped {o.params_file.name}: {o.skipped}")
            for o in outcomes:
                if o.error:
                    print(f"error: {o.error}", file=sys.stderr)
        return 0 if all(o.error is None for o in outcomes) else 1
    params = brief.load_params(args.file, overrides)
    result = brief.render(params, args.output, notebook=args.notebook)
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"brief written: {result.html}")
        print(f"index: {result.html.parent / brief.INDEX}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's commands to ``python -m analysis``: ``brief``."""
    parser = subparsers.add_parser(
        "brief",
        help="render executive briefs (HTML memos) from parameter files",
        description=(
            "Run notebooks/executive_brief.ipynb with the parameters of a file and write "
            "REPORTS/<organisation>-<as-of>.html (self-contained, works offline), the executed "
            "notebook beside it, and REPORTS/index.html. A failed run exits 1, keeps its "
            "notebook under REPORTS/failed/ and leaves the last good brief in place."
        ),
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("-f", "--file", type=Path, help="a brief parameter file (YAML)")
    source.add_argument(
        "--all", type=Path, metavar="DIR", help="render every *.yaml parameter file in DIR"
    )
    parser.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("KEY", "VALUE"),
        help="override a parameter by dotted key, e.g. -p scenario.horizon_months 24 (repeatable)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="DIR", help="output folder (default: reports/)"
    )
    parser.add_argument(
        "--notebook",
        type=Path,
        metavar="IPYNB",
        help="render another brief notebook (default: notebooks/executive_brief.ipynb)",
    )
    parser.add_argument("--json", action="store_true", help="print what was written as JSON")
    parser.set_defaults(func=_cmd_brief)
