"""Probe commands: probe, probe-runs, tiny-server."""

from __future__ import annotations

import argparse

from analysis import probes, tiny_server


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's commands to ``python -m analysis``."""
    probes.register_cli(subparsers)
    tiny_server.register_cli(subparsers)
