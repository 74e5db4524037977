"""The committed tables are exactly what the curation script derives from the reference data.

A hand edit to a generated CSV, or a script change whose output was not
regenerated, fails here: the tables stay reproducible from their sources.
``api_prices.csv`` may also grow by ``refresh-prices`` (new dated rows from a
price feed), so there every curated row must be present, unchanged.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TABLES = [
    "models.csv",
    "benchmark_scores.csv",
    "arena_ratings.csv",
    "eci_scores.csv",
    "model_shapes.csv",
    "gpus.csv",
    "gpu_cloud_prices.csv",
    "gap_claims.csv",
    "decode_measurements.csv",
    "api_aliases.csv",
    "gpu_price_index.csv",
    "cross_check_resolutions.csv",
]


@pytest.mark.slow
def test_committed_tables_match_a_fresh_curation(reference_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "datasets"
    out.mkdir()
    shutil.copy(REPO / "datasets" / "schema.yaml", out / "schema.yaml")
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "curate_reference.py"),
            "--reference",
            str(reference_dir),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    differing = [
        name
        for name in TABLES
        if (out / name).read_bytes() != (REPO / "datasets" / name).read_bytes()
    ]
    assert differing == [], f"regenerate with tools/curate_reference.py: {differing}"
    curated = (out / "api_prices.csv").read_text(encoding="utf-8").splitlines()
    committed = set((REPO / "datasets" / "api_prices.csv").read_text(encoding="utf-8").splitlines())
    missing = [line for line in curated if line not in committed]
    assert missing == [], f"curated price rows changed or removed: {missing[:3]}"
