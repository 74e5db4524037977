"""The README stays true: its Python example runs and every command is documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import build_parser

README = Path(__file__).resolve().parent.parent / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


@pytest.mark.slow
def test_the_python_api_example_runs() -> None:
    block = re.search(r"```python\n(.*?)```", _section("Python API"), re.S)
    assert block, "the Python API section has no python example"
    done = subprocess.run(
        [sys.executable, "-c", block.group(1)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "8750.0 6670.0" in lines
    assert "762286" in lines


def test_every_command_is_documented() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    table = _section("Commands")
    missing = [name for name in commands if f"`{name}" not in table]
    assert missing == [], f"commands missing from the README's Commands table: {missing}"
