"""Data commands: build, validate, sql, export, summary."""

from __future__ import annotations

import argparse

from analysis import warehouse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's commands to ``python -m analysis``."""
    warehouse.register_cli(subparsers)
