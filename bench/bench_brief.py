"""How long `make brief` takes on a warm machine, split into kernel start-up and the rest.

Renders reports/params/default.yaml (or the file given) several times into a
temporary reports folder and prints the median of each stage:

- kernel start-up: starting the brief's Python kernel until it answers, alone;
- notebook cells: the sum of the executed cells' run times (papermill's record);
- startup + notebook I/O: the rest of the papermill run (kernel start, reads, saves);
- export: executed notebook -> self-contained HTML (Vega bundle from the cache);
- render total: one `analysis.brief.render` call;
- CLI end to end: `python -m analysis brief -f ...` in a new process, as `make brief` runs it.

The first render (which builds the warehouse and caches the Vega bundle) is a
warm-up and is not counted. Target: CLI end to end <= 30 s.

Usage: .venv/bin/python bench/bench_brief.py [PARAMS.yaml] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET_S = 30.0


def kernel_startup_seconds() -> float:
    """Seconds from starting the brief's kernel to its first reply, then shut it down."""
    from analysis import brief

    async def run(socket_dir: Path) -> float:
        manager = brief.kernel_manager_class(socket_dir)()
        started = time.perf_counter()
        await manager.start_kernel()
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=brief.START_TIMEOUT)
        elapsed = time.perf_counter() - started
        client.stop_channels()
        await manager.shutdown_kernel(now=True)
        return elapsed

    with tempfile.TemporaryDirectory(prefix="aistrat-kernel-") as socket_dir:
        return asyncio.run(run(Path(socket_dir)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("params", nargs="?", default=str(REPO / "reports/params/default.yaml"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-brief-") as tmp:
        os.environ["AISTRAT_REPORTS"] = str(Path(tmp) / "reports")
        from analysis import brief

        params = brief.load_params(args.params)
        brief.render(params)  # warm-up: warehouse build, Vega bundle cache
        stages: dict[str, list[float]] = {
            "kernel start-up (alone)": [],
            "notebook cells": [],
            "startup + notebook I/O": [],
            "export to HTML": [],
            "render total": [],
            "CLI end to end": [],
        }
        for _ in range(args.runs):
            stages["kernel start-up (alone)"].append(kernel_startup_seconds())
            result = brief.render(params)
            stages["notebook cells"].append(result.seconds["cells"])
            stages["startup + notebook I/O"].append(result.seconds["startup"])
            stages["export to HTML"].append(result.seconds["export"])
            stages["render total"].append(result.seconds["total"])
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "analysis", "brief", "-f", args.params],
                cwd=REPO,
                check=True,
                stdout=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
            stages["CLI end to end"].append(time.perf_counter() - started)

    print(f"brief render: {Path(args.params).name}, {args.runs} runs after one warm-up")
    print(f"{'stage':<26} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, values in stages.items():
        print(
            f"{name:<26} {statistics.median(values):>9.2f} {min(values):>7.2f} {max(values):>7.2f}"
        )
    cli = statistics.median(stages["CLI end to end"])
    verdict = "ok" if cli <= TARGET_S else "OVER TARGET"
    print(f"target: CLI end to end <= {TARGET_S:.0f} s: {verdict}")
    return 0 if cli <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
