"""The brief command."""

from __future__ import annotations

import argparse

from analysis import brief


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's commands to ``python -m analysis``."""
    brief.register_cli(subparsers)
