"""The warehouse commands of ``python -m analysis``, run in a subprocess as a user would."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "warehouse"


@pytest.fixture
def env(tmp_path: Path, make_datasets) -> dict[str, str]:
    datasets = make_datasets()
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "AISTRAT_DATASETS": str(datasets),
        "AISTRAT_WAREHOUSE": str(tmp_path / "w" / "warehouse.duckdb"),
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_build_prints_rows_and_rebuilds_only_on_change(env: dict[str, str]) -> None:
    first = run(env, "build", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["rebuilt"] is True
    assert report["rows"]["api_prices"] == 10
    assert report["path"] == env["AISTRAT_WAREHOUSE"]
    second = run(env, "build")
    assert second.returncode == 0
    assert "up to date" in second.stdout.splitlines()[0]
    assert re.search(r"^api_prices +10 *$", second.stdout, re.MULTILINE)
    forced = json.loads(run(env, "build", "--force", "--json").stdout)
    assert (forced["rebuilt"], forced["reason"]) == (True, "forced")


def test_build_with_bad_data_fails_cleanly(env: dict[str, str], tmp_path: Path) -> None:
    assert run(env, "build").returncode == 0
    shutil.copy(FIXTURES / "bad" / "min_negative_price" / "api_prices.csv", tmp_path / "datasets")
    result = run(env, "build")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: 1 problem(s) in the datasets:",
        "datasets/api_prices.csv:9: output_usd_per_mtok: below the minimum 0 (-0.79)",
    ]
    assert "Traceback" not in result.stderr
    # The previous database is still there and serves the old price.
    with duckdb.connect(env["AISTRAT_WAREHOUSE"], read_only=True) as con:
        (out,) = con.execute(
            "SELECT output_usd_per_mtok FROM api_prices WHERE provider = 'groq'"
        ).fetchone()
    assert out == 0.79


def test_validate_lists_every_problem_and_exits_1(
    env: dict[str, str], tmp_path: Path, make_datasets
) -> None:
    bad = make_datasets("several", under=tmp_path / "bad")
    result = run(env, "validate", str(bad), "--today", "2026-11-29")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "datasets/models.csv:5: release_date: not a date YYYY-MM-DD (2024-07-32)",
        "datasets/api_prices.csv:2: cached_input_usd_per_mtok: above input_usd_per_mtok 3 (3.3)",
        "datasets/api_prices.csv:4: input_usd_per_mtok: below the minimum 0 (-0.27)",
        "datasets/api_prices.csv:6: provider_kind: not one of first-party, host (reseller)",
        "datasets/api_prices.csv:11: source: required value is empty",
    ]
    assert result.stderr.strip() == "5 problem(s)"


def test_validate_ok_and_bad_arguments(env: dict[str, str], tmp_path: Path) -> None:
    ok = run(env, "validate")
    assert (ok.returncode, ok.stdout.strip()) == (0, "ok: 13 tables, 34 rows")
    missing = run(env, "validate", str(tmp_path / "nowhere"))
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: datasets folder not found:")
    bad_date = run(env, "validate", "--today", "29/11/2026")
    assert bad_date.returncode == 2
    assert "YYYY-MM-DD" in bad_date.stderr


def test_sql_outputs_table_json_and_csv(env: dict[str, str]) -> None:
    query = (
        "SELECT model_id, price_basis, blended_usd_per_mtok FROM model_prices_at('2026-11-21') "
        "ORDER BY model_id"
    )
    as_json = run(env, "sql", query, "--json")
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert rows[0] == {
        "model_id": "claude-3-7-sonnet-20250219",
        "price_basis": "first-party: anthropic",
        "blended_usd_per_mtok": 6.0,
    }
    as_csv = run(env, "sql", query, "--csv")
    parsed = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["model_id"] for r in parsed] == [r["model_id"] for r in rows]
    table = run(env, "sql", query)
    assert table.stdout.splitlines()[0].split() == [
        "model_id",
        "price_basis",
        "blended_usd_per_mtok",
    ]


def test_sql_errors_and_writes_exit_1(env: dict[str, str]) -> None:
    broken = run(env, "sql", "SELEC 1")
    assert broken.returncode == 1
    assert broken.stderr.startswith("error: SQL error: Parser Error")
    assert len(broken.stderr.strip().splitlines()) == 1
    write = run(env, "sql", "DROP TABLE models")
    assert write.returncode == 1
    assert "read-only" in write.stderr
    assert run(env, "sql", "SELECT count(*) AS n FROM models", "--json").stdout.count('"n": 4') == 1


def test_export_parquet(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "parquet"
    result = run(env, "export", "--format", "parquet", str(out))
    assert result.returncode == 0, result.stderr
    written = sorted(Path(line).name for line in result.stdout.splitlines())
    assert "api_prices.parquet" in written and "metadata.parquet" in written
    assert sorted(p.name for p in out.iterdir()) == written
    with duckdb.connect() as con:
        (n,) = con.execute(
            "SELECT count(*) FROM read_parquet(?)", [str(out / "api_prices.parquet")]
        ).fetchone()
    assert n == 10


def test_summary_text_and_json(env: dict[str, str]) -> None:
    text = run(env, "summary")
    assert text.returncode == 0, text.stderr
    assert "api_prices" in text.stdout and "Newest price date: 2026-11-20" in text.stdout
    info = json.loads(run(env, "summary", "--json").stdout)
    assert info["tables"]["api_prices"]["as_of_max"] == "2026-11-20"
    assert info["tables"]["models"]["rows"] == 4


def test_commands_are_documented_in_help(env: dict[str, str]) -> None:
    helptext = run(env, "--help").stdout
    for command in ("build", "validate", "sql", "export", "summary"):
        assert command in helptext
