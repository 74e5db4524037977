"""Where the toolkit keeps its files.

Every path can be moved with an environment variable, so that tests and
scheduled runs never touch a user's files:

- ``AISTRAT_DATASETS``: the curated CSV tables and their schema (default: ``datasets/``).
- ``AISTRAT_WAREHOUSE``: the DuckDB file built from them (default: ``build/warehouse.duckdb``).
- ``AISTRAT_PROBES``: the folder of stored probe runs, Parquet files (default: ``build/probes/``).
- ``AISTRAT_CACHE``: generated files kept between runs, such as the tiny test model
  (default: ``build/cache/``).
- ``AISTRAT_REPORTS``: where briefs are written (default: ``reports/``).

Paths are resolved to absolute paths, so that a notebook run by papermill from
another directory still finds them.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser().resolve() if value else default


def datasets_dir() -> Path:
    """The folder of curated CSV tables and ``schema.yaml``."""
    return _path("AISTRAT_DATASETS", PROJECT_ROOT / "datasets")


def warehouse_path() -> Path:
    """The DuckDB warehouse file."""
    return _path("AISTRAT_WAREHOUSE", PROJECT_ROOT / "build" / "warehouse.duckdb")


def probes_path() -> Path:
    """The folder of stored probe runs: Parquet files, separate from the warehouse.

    Each run is written to a temporary file and renamed into place, so readers
    (notebooks, a brief being rendered) never see a partial run and never wait.
    """
    return _path("AISTRAT_PROBES", PROJECT_ROOT / "build" / "probes")


def cache_dir() -> Path:
    """Generated files kept between runs (e.g. the tiny test model), safe to delete."""
    return _path("AISTRAT_CACHE", PROJECT_ROOT / "build" / "cache")


def reports_dir() -> Path:
    """Where rendered briefs and their executed notebooks go."""
    return _path("AISTRAT_REPORTS", PROJECT_ROOT / "reports")
