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
import sys
from collections.abc import Sequence
from datetime import date

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
