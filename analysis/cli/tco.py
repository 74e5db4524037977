"""The tco command."""

from __future__ import annotations

import argparse

from analysis import scenario


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's commands to ``python -m analysis``."""
    scenario.register_cli(subparsers)
