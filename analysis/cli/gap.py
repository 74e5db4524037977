"""The gap command."""

from __future__ import annotations

import argparse

from analysis import gap


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's commands to ``python -m analysis``."""
    gap.register_cli(subparsers)
