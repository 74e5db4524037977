"""``python -m analysis``: a thin command line over the package.

Each concept module that offers commands defines ``register_cli(subparsers)``,
which adds its sub-commands and sets ``func`` (called with the parsed
arguments, returning an exit status). Errors of the toolkit's own are printed
as one clear message, with exit status 1, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from datetime import date

from analysis.errors import ToolkitError

# Modules that contribute commands, in the order they appear in --help.
COMMAND_MODULES = (
    "analysis.warehouse",
    "analysis.prices",
    "analysis.scenario",
    "analysis.gap",
    "analysis.probes",
    "analysis.tiny_server",
    "analysis.brief",
)


def date_arg(value: str) -> date:
    """An argparse ``type`` for a date written YYYY-MM-DD.

    Raises:
        argparse.ArgumentTypeError: ``value`` is not such a date.
    """
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every module's commands."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="AI strategy toolkit: sourced data, TCO, gap analysis, probes and briefs.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a module not written yet: its commands are absent
                continue
            raise
        register = getattr(module, "register_cli", None)
        if register is not None:
            register(subparsers)
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
