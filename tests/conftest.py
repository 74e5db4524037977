"""Shared fixtures: tests never touch the user's files or the network.

The warehouse, the probe store and the reports folder are pointed at a
temporary folder for the whole session; the curated datasets are read in place.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO.parent / "shared" / "reference"
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="session", autouse=True)
def _isolated_paths(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("toolkit")
    saved = {k: os.environ.get(k) for k in ("AISTRAT_WAREHOUSE", "AISTRAT_PROBES", "AISTRAT_REPORTS")}
    os.environ["AISTRAT_WAREHOUSE"] = str(root / "warehouse.duckdb")
    os.environ["AISTRAT_PROBES"] = str(root / "probes.duckdb")
    os.environ["AISTRAT_REPORTS"] = str(root / "reports")
    yield root
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The shared reference data beside the checkout (present in CI)."""
    if not REFERENCE.is_dir():
        if IN_CI:
            pytest.fail(f"reference data missing at {REFERENCE}")
        pytest.skip(f"reference data not found at {REFERENCE}")
    return REFERENCE


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests save screenshots and other artifacts for people to look at."""
    path = REPO / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
