"""``python -m analysis``: the command line, a thin layer over the package.

Each module of this package is one group of commands (``data``, ``prices``,
``tco``, ``gap``, ``probes``, ``briefs``) and defines ``register(subparsers)``,
which adds its sub-commands and sets ``func``: called with the parsed
arguments, it returns the exit status. The domain modules never import this
package: they return values, which the commands here format. Errors of the
toolkit's own are printed as one ``error:`` line with exit status 1, never as
a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from analysis.dates import parse_date
from analysis.errors import DateError, ToolkitError

# Command groups, in the order their commands appear in --help.
GROUPS = ("data", "prices", "tco", "gap", "probes", "briefs")


def date_arg(value: str) -> date:
    """An argparse ``type`` for a date written YYYY-MM-DD (:func:`analysis.dates.parse_date`).

    Raises:
        argparse.ArgumentTypeError: ``value`` is not such a date.
    """
    try:
        return parse_date(value)
    except DateError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def positive_number(value: str) -> float:
    """An argparse ``type`` for a positive, finite number.

    Raises:
        argparse.ArgumentTypeError: ``value`` is not a number, or not > 0.
    """
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} should be a positive number")
    return number


def add_download_options(
    parser: argparse.ArgumentParser, *, noun: str, max_mb: float, size_help: str, untracked: str
) -> None:
    """The options of a refresh from a public download, the same for every refresh command.

    ``--url`` or ``--file`` (one is required), ``--dry-run``, ``--today``, ``--max-mb``,
    ``--timeout``, ``--show-untracked`` and ``--json``.

    Args:
        parser: the refresh command's parser.
        noun: what is downloaded ("feed", "download"), for the help texts.
        max_mb: the default of ``--max-mb`` [MB].
        size_help: what ``--max-mb`` bounds, e.g. "largest feed accepted".
        untracked: what ``--show-untracked`` lists, e.g. "every feed model not tracked".
    """
    from analysis.feeds import fetch

    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help=f"http(s) URL of the {noun}")
    where.add_argument("--file", help=f"a saved copy of the {noun}")
    parser.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")
    parser.add_argument("--today", type=date_arg, help="refresh date YYYY-MM-DD (default: today)")
    parser.add_argument(
        "--max-mb",
        type=positive_number,
        default=max_mb,
        help=f"{size_help}, in MB (default: %(default)g)",
    )
    parser.add_argument(
        "--timeout",
        type=positive_number,
        default=fetch.DEFAULT_TIMEOUT_S,
        help="seconds to connect and between received data (default: %(default)g)",
    )
    parser.add_argument("--show-untracked", action="store_true", help=f"list {untracked}")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def download_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of a refresh function, from :func:`add_download_options`'s options."""
    from analysis.feeds import fetch

    return {
        "today": args.today or date.today(),
        "url": args.url,
        "file": args.file,
        "dry_run": args.dry_run,
        "max_bytes": int(args.max_mb * fetch.MIB),
        "timeout": args.timeout,
    }


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every group's commands."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="AI strategy toolkit: sourced data, TCO, gap analysis, probes and briefs.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in GROUPS:
        importlib.import_module(f"analysis.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
