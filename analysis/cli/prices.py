"""Price commands: price, price-history, refresh-prices."""

from __future__ import annotations

import argparse

from analysis import prices


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's commands to ``python -m analysis``."""
    prices.register_cli(subparsers)
