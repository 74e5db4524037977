"""The toolkit's command line run in the test process: its exit status, stdout and stderr."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

from analysis import cli


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``python -m analysis ARGV...`` in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()
