"""Warehouse speed: cold build and warm load, against the targets.

Targets (2-core machine, real datasets: ~385 models, ~7,600 benchmark rows,
~4,100 arena rows, ~470 ECI rows, ~200 prices):

- cold build <= 2 s: a new process that imports the toolkit, validates every CSV
  and writes the database (reported both in a fresh process and in-process);
- warm load <= 20 ms: ``load(name)`` of any table or view once the database is
  built (median of repeated calls, freshness check included).

Runs on ``datasets/`` when every curated CSV is there; otherwise on the test
fixture rows repeated up to the real sizes (timing only: those rows are copies
with renamed keys, not data). Usage::

    python bench/bench_warehouse.py [--runs 10] [--check]

``--check`` exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from analysis import config, warehouse  # noqa: E402
from analysis.schema import load_schema  # noqa: E402

COLD_TARGET_S = 2.0
WARM_TARGET_MS = 20.0
FIXTURE = REPO / "tests" / "fixtures" / "warehouse" / "valid"
# Rows per table of the real datasets (approximate), for the stand-in data.
REAL_SIZES = {
    "models": 250,
    "benchmark_scores": 4000,
    "arena_ratings": 3300,
    "api_prices": 200,
    "gpus": 22,
    "gpu_cloud_prices": 60,
    "gap_claims": 5,
}
# Columns renamed per copy so that keys stay unique and references stay valid.
_KEYS = {
    "models": ["model_id"],
    "benchmark_scores": ["model_id", "row_ref"],
    "arena_ratings": ["arena_model", "model_id"],
    "api_prices": ["api_model", "model_id"],
    "gpus": ["gpu_id"],
    "gpu_cloud_prices": ["instance_type", "gpu_id"],
    "gap_claims": ["claim_id"],
}
_PARENT_COUNT = {"model_id": "models", "gpu_id": "gpus"}


def _stand_in(target: Path) -> None:
    """Repeat the fixture rows up to the real sizes, renaming keys per copy."""
    schema = load_schema(REPO / "datasets" / "schema.yaml")
    target.mkdir(parents=True)
    shutil.copy(REPO / "datasets" / "schema.yaml", target / "schema.yaml")
    for name, table in schema.tables.items():
        with open(FIXTURE / table.file, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        n = REAL_SIZES[name]
        with open(target / table.file, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=table.column_names, lineterminator="\n")
            writer.writeheader()
            for i in range(n):
                row = dict(rows[i % len(rows)])
                copy = i // len(rows)
                for key in _KEYS[name]:
                    if not row.get(key):
                        continue
                    if key in _PARENT_COUNT and name != _PARENT_COUNT[key]:
                        parent_copies = REAL_SIZES[_PARENT_COUNT[key]] // len(
                            _fixture_rows(schema.tables[_PARENT_COUNT[key]].file)
                        )
                        copy_ref = copy % parent_copies
                        row[key] = f"{row[key]}-c{copy_ref}" if copy_ref else row[key]
                    elif copy:
                        row[key] = f"{row[key]}-c{copy}"
                writer.writerow(row)


def _fixture_rows(file: str) -> list[dict[str, str]]:
    with open(FIXTURE / file, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _real_datasets_present() -> bool:
    folder = config.datasets_dir()
    schema = load_schema(folder / "schema.yaml")
    return all((folder / t.file).is_file() for t in schema.tables.values())


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="repetitions per measurement")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    runs = max(args.runs, 10)

    work = Path(tempfile.mkdtemp(prefix="bench-warehouse-"))
    try:
        if _real_datasets_present():
            datasets, label = config.datasets_dir(), "real datasets/"
        else:
            datasets, label = work / "datasets", "fixture rows repeated to real sizes"
            _stand_in(datasets)
        problems = warehouse.validate(datasets)
        if problems:
            print("the datasets do not validate:", *problems[:10], sep="\n  ")
            return 1
        db = work / "warehouse.duckdb"
        env = {**os.environ, "AISTRAT_DATASETS": str(datasets), "AISTRAT_WAREHOUSE": str(db)}
        os.environ.update(AISTRAT_DATASETS=str(datasets), AISTRAT_WAREHOUSE=str(db))

        # Cold build in a fresh process: interpreter start, imports, validation, write.
        code = "from analysis.warehouse import build; build(force=True)"
        process: list[float] = []
        for _ in range(runs):
            db.unlink(missing_ok=True)
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, check=True)
            process.append(time.perf_counter() - started)

        # Cold build in-process (imports already paid).
        inproc: list[float] = []
        for _ in range(runs):
            db.unlink(missing_ok=True)
            started = time.perf_counter()
            report = warehouse.build()
            inproc.append(time.perf_counter() - started)
        rows = report.rows

        # Validation alone, for the profile of where the build time goes.
        validation: list[float] = []
        for _ in range(runs):
            started = time.perf_counter()
            warehouse.validate(datasets)
            validation.append(time.perf_counter() - started)

        # Warm loads.
        warehouse.ensure_built()
        names = warehouse.table_names()
        warm: dict[str, float] = {}
        for name in names:
            warehouse.load(name)  # first call pays one-off imports and the attach
            samples = []
            for _ in range(max(runs, 20)):
                started = time.perf_counter()
                warehouse.load(name)
                samples.append(time.perf_counter() - started)
            warm[name] = _median_ms(samples)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"bench_warehouse: {label}; {sum(rows.values())} rows; median of {runs} runs")
    print()
    print(f"{'measurement':<36}{'median':>12}{'target':>12}  ok")
    print("-" * 64)
    ok = True

    def line(what: str, value: float, unit: str, target: float | None) -> None:
        nonlocal ok
        hit = target is None or value <= target
        ok = ok and hit
        tgt = f"{target:g} {unit}" if target is not None else ""
        mark = "" if target is None else ("yes" if hit else "NO")
        print(f"{what:<36}{value:>9.3f} {unit:<2}{tgt:>12}  {mark}")

    line("cold build, new process", statistics.median(process), "s", COLD_TARGET_S)
    line("cold build, in-process", statistics.median(inproc), "s", COLD_TARGET_S)
    line("  of which validation", statistics.median(validation), "s", None)
    for name in names:
        line(f"warm load {name}", warm[name], "ms", WARM_TARGET_MS)
    print()
    print(f"targets: cold build <= {COLD_TARGET_S:g} s; warm load <= {WARM_TARGET_MS:g} ms")
    return 1 if (args.check and not ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())
