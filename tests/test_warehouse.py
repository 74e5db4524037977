"""The DuckDB warehouse: build, rebuild detection, atomicity, views, macros and readers.

Most tests build the small fixture in tests/fixtures/warehouse/valid (real rows
from the reference data) into a temporary folder; the tests that only read it
share one build (the ``ro`` fixture). The tests at the end run on
the curated datasets/ and its declared column checks.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from analysis import config, warehouse
from analysis.errors import DataValidationError, WarehouseError
from analysis.schema import load_schema

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "warehouse"
TODAY = date(2026, 11, 29)
FIXTURE_ROWS = {
    "models": 4,
    "benchmark_scores": 5,
    "arena_ratings": 2,
    "eci_scores": 4,
    "model_shapes": 2,
    "api_prices": 10,
    "api_aliases": 0,
    "gpus": 2,
    "gpu_cloud_prices": 2,
    "gpu_price_index": 0,
    "gap_claims": 1,
    "decode_measurements": 2,
    "cross_check_resolutions": 0,
}


@pytest.fixture
def wh(tmp_path: Path, make_datasets, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fixture warehouse, built, with config pointing at it; returns the datasets folder."""
    datasets = make_datasets()
    monkeypatch.setenv("AISTRAT_DATASETS", str(datasets))
    monkeypatch.setenv("AISTRAT_WAREHOUSE", str(tmp_path / "db" / "warehouse.duckdb"))
    warehouse.build(today=TODAY)
    return datasets


@pytest.fixture(scope="module")
def built_once(
    tmp_path_factory: pytest.TempPathFactory, lay_out_datasets: Callable[..., Path]
) -> tuple[Path, Path]:
    """The fixture warehouse built once for the tests that only read it: (datasets, database)."""
    root = tmp_path_factory.mktemp("shared-warehouse")
    datasets = lay_out_datasets(root)
    db = root / "db" / "warehouse.duckdb"
    warehouse.build(datasets=datasets, path=db, today=TODAY)
    return datasets, db


@pytest.fixture
def ro(built_once: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config pointing at the shared fixture warehouse (tests that change nothing); its datasets."""
    datasets, db = built_once
    monkeypatch.setenv("AISTRAT_DATASETS", str(datasets))
    monkeypatch.setenv("AISTRAT_WAREHOUSE", str(db))
    return datasets


def _age(path: Path, seconds: float = 3600) -> None:
    """Move a file's mtime into the past (as an old, untouched file would be)."""
    t = time.time() - seconds
    os.utime(path, (t, t))


def _price(sql_date: str, provider: str, api_model: str) -> tuple:
    df = warehouse.query(
        "SELECT input_usd_per_mtok, output_usd_per_mtok, effective_from, effective_to, "
        "start_known FROM prices_at(?) WHERE provider = ? AND api_model = ?",
        [sql_date, provider, api_model],
    )
    assert df.height <= 1, df
    return tuple(df.row(0)) if df.height else ()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


# --------------------------------------------------------------------------- build and metadata


def test_build_loads_every_table_and_records_metadata(ro: Path) -> None:
    report = warehouse.build(today=TODAY)
    assert report.rebuilt is False
    assert report.rows == FIXTURE_ROWS
    meta = warehouse.load("metadata")
    by_file = {r["file"]: r for r in meta.iter_rows(named=True)}
    assert set(by_file) == {f"{t}.csv" for t in FIXTURE_ROWS} | {"schema.yaml"}
    for name, n in FIXTURE_ROWS.items():
        row = by_file[f"{name}.csv"]
        data = (ro / f"{name}.csv").read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert row["bytes"] == len(data)
        assert row["rows"] == n
        assert row["table_name"] == name
        assert row["schema_version"] == 1
        assert row["toolkit_version"] == "0.1.0"
    assert by_file["schema.yaml"]["rows"] is None
    assert warehouse.table_names() == sorted(
        [
            *FIXTURE_ROWS,
            "api_prices_history",
            "api_prices_resolved",
            "metadata",
            "models_priced",
            "schema_columns",
        ]
    )


def test_types_follow_the_schema(ro: Path) -> None:
    df = warehouse.load("api_prices")
    assert df.schema["effective_from"] == pl.Date
    assert df.schema["input_usd_per_mtok"] == pl.Float64
    assert df.schema["scheduled"] == pl.Boolean
    assert warehouse.load("gpu_cloud_prices").schema["gpu_count"] == pl.Int64
    cols = warehouse.query(
        "SELECT unit FROM schema_columns WHERE table_name = 'api_prices' "
        "AND column_name = 'input_usd_per_mtok'"
    )
    assert cols.item() == "USD per 1M tokens"


def test_rebuilds_only_when_a_source_changes(wh: Path) -> None:
    db = config.warehouse_path()
    first = db.stat().st_ino
    assert warehouse.build(today=TODAY).rebuilt is False
    # Touched but unchanged: the stat differs, the hash does not.
    future = time.time() + 5
    os.utime(wh / "gpus.csv", (future, future))
    again = warehouse.build(today=TODAY)
    assert (again.rebuilt, again.reason) == (False, "up to date (contents unchanged)")
    assert db.stat().st_ino == first
    # Changed content: rebuilt, and the new value is served.
    path = wh / "api_prices.csv"
    path.write_text(path.read_text().replace(",0.59,0.79,", ",0.6,0.79,"))
    changed = warehouse.build(today=TODAY)
    assert changed.rebuilt is True
    assert changed.reason == "changed: api_prices.csv"
    assert db.stat().st_ino != first
    assert _price("2026-01-01", "groq", "llama-3.3-70b-versatile")[0] == 0.6


def test_warm_check_reads_no_file_when_stats_match(wh: Path) -> None:
    for f in wh.iterdir():
        _age(f)
    # The first check after the files' stats moved hashes them and refreshes the stamp ...
    assert warehouse.build(today=TODAY).reason == "up to date (contents unchanged)"
    # ... after which the stat check alone decides.
    assert warehouse.build(today=TODAY).reason == "up to date"


def test_schema_change_and_new_file_trigger_a_rebuild(wh: Path) -> None:
    schema = wh / "schema.yaml"
    schema.write_text(schema.read_text() + "\n# a comment\n")
    assert warehouse.build(today=TODAY).reason == "changed: schema.yaml"
    (wh / "extra.csv").write_text("a\n1\n")
    with pytest.raises(DataValidationError) as info:
        warehouse.build(today=TODAY)
    assert info.value.problems == [
        "datasets/extra.csv:1: (file): no table in schema.yaml describes this file (extra.csv)"
    ]


def test_lost_stamp_falls_back_to_the_metadata_table(wh: Path) -> None:
    stamp = config.warehouse_path().with_name("warehouse.duckdb.stamp.json")
    assert stamp.is_file()
    stamp.unlink()
    report = warehouse.build(today=TODAY)
    assert (report.rebuilt, report.rows) == (False, FIXTURE_ROWS)
    assert stamp.is_file()


def test_force_rebuilds(wh: Path) -> None:
    assert warehouse.build(force=True, today=TODAY).rebuilt is True


# --------------------------------------------------------------------------- atomicity


def test_failed_validation_keeps_the_previous_database(wh: Path) -> None:
    db = config.warehouse_path()
    before = db.stat().st_ino
    shutil.copy(FIXTURES / "bad" / "several" / "api_prices.csv", wh / "api_prices.csv")
    with pytest.raises(DataValidationError) as info:
        warehouse.build(today=TODAY)
    assert len(info.value.problems) == 4
    assert db.stat().st_ino == before
    # The previous database is intact and readable with its old contents.
    with duckdb.connect(str(db), read_only=True) as con:
        (price,) = con.execute(
            "SELECT input_usd_per_mtok FROM api_prices "
            "WHERE provider = 'deepseek' AND effective_from = DATE '2025-02-08'"
        ).fetchone()
    assert price == 0.27
    assert _leftovers(db.parent) == []


def test_failed_write_keeps_the_previous_database(wh: Path) -> None:
    db = config.warehouse_path()
    before = db.stat().st_ino
    # A column the macros need is renamed in schema and CSV alike: the data is valid,
    # and the write fails at the check of the macros, after the tables were written.
    schema = wh / "schema.yaml"
    schema.write_text(schema.read_text().replace("{name: provider_kind,", "{name: seller_kind,"))
    prices = wh / "api_prices.csv"
    prices.write_text(prices.read_text().replace(",provider_kind,", ",seller_kind,", 1))
    assert warehouse.validate(wh, today=TODAY) == []
    with pytest.raises(WarehouseError, match="the warehouse build failed: .*provider_kind"):
        warehouse.build(today=TODAY)
    assert db.stat().st_ino == before
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM api_prices").fetchone() == (10,)
    assert _leftovers(db.parent) == []


@pytest.mark.slow
def test_concurrent_builds_do_not_corrupt(wh: Path) -> None:
    db = config.warehouse_path()
    code = (
        "from datetime import date; from analysis.warehouse import build; "
        "print(build(force=True, today=date(2026, 11, 29)).rebuilt)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    assert [o[0].decode().strip() for o in outs] == ["True"] * 3
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM metadata").fetchone() == (14,)
        assert con.execute("SELECT count(*) FROM models_priced").fetchone() == (4,)
    assert _leftovers(db.parent) == []


def test_open_connection_keeps_its_snapshot_and_new_calls_see_the_rebuild(wh: Path) -> None:
    old = warehouse.connect()
    try:
        assert warehouse.load("gap_claims").height == 1
        path = wh / "gap_claims.csv"
        lines = path.read_text().splitlines()
        lines.append(lines[1].replace("epoch-2025-10-data-insight", "epoch-2025-10-copy", 1))
        path.write_text("\n".join(lines) + "\n")
        assert warehouse.build(today=TODAY).rebuilt is True
        assert old.execute("SELECT count(*) FROM gap_claims").fetchone() == (1,)
        assert warehouse.load("gap_claims").height == 2
        with warehouse.connect() as new:
            assert new.execute("SELECT count(*) FROM gap_claims").fetchone() == (2,)
    finally:
        old.close()


# --------------------------------------------------------------------------- prices


def test_prices_at_across_a_price_change_with_unknown_start(ro: Path) -> None:
    before = _price("2025-02-07", "deepseek", "deepseek-chat")
    assert before == (0.14, 0.28, None, date(2025, 2, 8), False)
    on = _price("2025-02-08", "deepseek", "deepseek-chat")
    assert on == (0.27, 1.1, date(2025, 2, 8), None, True)
    # An unknown start counts as in force before its end, however early.
    assert _price("2020-01-01", "deepseek", "deepseek-chat")[:2] == (0.14, 0.28)
    assert _price("2020-01-01", "anthropic", "claude-3-7-sonnet-latest") == ()


def test_prices_at_accepts_a_date_value(ro: Path) -> None:
    df = warehouse.query(
        "SELECT count(*) AS n FROM prices_at(?) WHERE provider = 'together'", [date(2026, 11, 20)]
    )
    assert df.item() == 1


def test_scheduled_price_applies_from_its_date(tmp_path: Path, make_datasets, monkeypatch) -> None:
    datasets = make_datasets()
    path = datasets / "api_prices.csv"
    # As the table stood a week before the change: the two deepseek-chat rows, the
    # second one announced (scheduled).
    header, *rows = path.read_text().splitlines()
    rows = [r for r in rows if r.startswith("deepseek,first-party,deepseek-chat,")]
    assert len(rows) == 2 and ",2025-02-08,explicit,false," in rows[1]
    rows[1] = rows[1].replace(",2025-02-08,explicit,false,", ",2025-02-08,explicit,true,")
    path.write_text("\n".join([header, *rows]) + "\n")
    monkeypatch.setenv("AISTRAT_DATASETS", str(datasets))
    monkeypatch.setenv("AISTRAT_WAREHOUSE", str(tmp_path / "w.duckdb"))
    warehouse.build(today=date(2025, 2, 1))  # announced a week ahead
    assert _price("2025-02-07", "deepseek", "deepseek-chat")[:2] == (0.14, 0.28)
    assert _price("2025-02-08", "deepseek", "deepseek-chat")[:2] == (0.27, 1.1)


def test_api_prices_history_has_exclusive_effective_to(ro: Path) -> None:
    df = warehouse.query(
        "SELECT effective_from, effective_to, start_known FROM api_prices_history "
        "WHERE provider = 'together' ORDER BY effective_from"
    )
    assert df.rows() == [
        (date(2025, 6, 22), date(2026, 11, 20), True),
        (date(2026, 11, 20), None, True),
    ]
    assert warehouse.load("api_prices_history").height == FIXTURE_ROWS["api_prices"]


def test_blended_price_defaults_to_three_to_one(ro: Path) -> None:
    df = warehouse.query(
        "SELECT blended_price(3, 15) AS d, "
        "blended_price(3, 15, input_weight := 1, output_weight := 1) AS even, "
        "blended_price(3, 15, output_weight := 5) AS out_heavy"
    )
    assert df.row(0) == (6.0, 9.0, pytest.approx(10.5))
    with pytest.raises(WarehouseError, match="weights must be >= 0 and not both 0"):
        warehouse.query("SELECT blended_price(3, 15, input_weight := 0, output_weight := 0)")
    with pytest.raises(WarehouseError, match="input_weight=-1"):
        warehouse.query("SELECT blended_price(3, 15, input_weight := -1)")


def _model_price(d: str, model_id: str) -> dict:
    df = warehouse.query("SELECT * FROM model_prices_at(?) WHERE model_id = ?", [d, model_id])
    assert df.height == 1
    return df.row(0, named=True)


def test_model_prices_at_prefers_the_first_party_price(ro: Path) -> None:
    row = _model_price("2026-11-21", "deepseek-v3")
    assert row == {
        "model_id": "deepseek-v3",
        "price_basis": "first-party: deepseek",
        "input_usd_per_mtok": 0.27,
        "output_usd_per_mtok": 1.1,
        "blended_usd_per_mtok": pytest.approx((3 * 0.27 + 1.1) / 4),
        "n_offers": 2,
    }


def test_model_prices_at_takes_the_median_of_hosts(ro: Path) -> None:
    # deepinfra lists a Turbo variant too; each host counts once at its standard price.
    row = _model_price("2026-11-21", "llama-3.3-70b-instruct")
    assert row["price_basis"] == "median of 4 hosts"
    assert row["input_usd_per_mtok"] == pytest.approx((0.59 + 0.9) / 2)
    assert row["output_usd_per_mtok"] == pytest.approx((0.79 + 0.9) / 2)
    assert row["blended_usd_per_mtok"] == pytest.approx((3 * 0.745 + 0.845) / 4)
    assert row["n_offers"] == 4
    two = _model_price("2026-06-01", "llama-3.3-70b-instruct")
    assert (two["price_basis"], two["input_usd_per_mtok"]) == ("median of 2 hosts", 0.735)
    one = _model_price("2025-07-01", "llama-3.3-70b-instruct")
    assert (one["price_basis"], one["input_usd_per_mtok"]) == ("median of 1 host", 0.88)


def test_models_priced_keeps_unpriced_models(ro: Path) -> None:
    df = warehouse.load("models_priced").sort("model_id")
    assert df.height == FIXTURE_ROWS["models"]
    assert df.columns[: len(warehouse.load("models").columns)] == warehouse.load("models").columns
    unpriced = df.filter(pl.col("model_id") == "llama-3.1-8b-instruct").row(0, named=True)
    assert unpriced["price_basis"] is None and unpriced["blended_usd_per_mtok"] is None
    claude = df.filter(pl.col("model_id") == "claude-3-7-sonnet-20250219").row(0, named=True)
    assert (claude["price_basis"], claude["blended_usd_per_mtok"]) == (
        "first-party: anthropic",
        6.0,
    )


def test_no_nan_or_infinity_anywhere(ro: Path) -> None:
    for name in warehouse.table_names():
        df = warehouse.load(name)
        for col, dtype in df.schema.items():
            if dtype == pl.Float64:
                assert df[col].drop_nulls().is_finite().all(), (name, col)


# --------------------------------------------------------------------------- readers


def test_load_backends_and_unknown_names(ro: Path) -> None:
    assert isinstance(warehouse.load("models"), pl.DataFrame)
    frame = warehouse.load("models", backend="pandas")
    assert isinstance(frame, pd.DataFrame) and len(frame) == 4
    with pytest.raises(WarehouseError, match="no table or view named 'model'; known: .*models"):
        warehouse.load("model")
    with pytest.raises(WarehouseError, match="_api_prices_history"):
        warehouse.load("_api_prices_history")
    with pytest.raises(WarehouseError, match="backend = 'arrow': use one of polars, pandas"):
        warehouse.load("models", backend="arrow")


def test_query_is_read_only_and_reports_sql_errors(ro: Path) -> None:
    df = warehouse.query("SELECT model_id FROM models WHERE organisation = $org", {"org": "Meta"})
    assert sorted(df["model_id"]) == ["llama-3.1-8b-instruct", "llama-3.3-70b-instruct"]
    with pytest.raises(WarehouseError, match="SQL error: .*no_such_table"):
        warehouse.query("SELECT * FROM no_such_table")
    with pytest.raises(WarehouseError, match="read-only"):
        warehouse.query("DELETE FROM models")
    assert warehouse.load("models").height == 4


def test_connect_is_read_only_by_default(ro: Path) -> None:
    with warehouse.connect() as con:
        assert con.execute("SELECT count(*) FROM prices_at('2026-11-21')").fetchone() == (8,)
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("CREATE TABLE scratch (a INTEGER)")


def test_database_holds_no_relative_paths(ro: Path, tmp_path: Path, monkeypatch) -> None:
    with warehouse.connect() as con:
        sql = " ".join(r[0] for r in con.execute("SELECT sql FROM duckdb_views()").fetchall())
        macros = con.execute(
            "SELECT string_agg(macro_definition, ' ') FROM duckdb_functions() "
            "WHERE database_name = 'warehouse'"
        ).fetchone()[0]
    for text in (sql, macros):
        assert "read_csv" not in text and ".csv" not in text
    # A notebook run from another folder reads the same data.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert warehouse.load("models_priced").height == 4


def test_table_sources_for_briefs(ro: Path) -> None:
    sources = warehouse.table_sources()
    assert set(sources) == set(FIXTURE_ROWS)
    assert sources["api_prices"] == {
        "file": "api_prices.csv",
        "rows": 10,
        "sources": 3,
        "as_of_column": "effective_from",
        "as_of_min": date(2025, 2, 8),
        "as_of_max": date(2026, 11, 20),
    }
    assert sources["gpus"]["as_of_column"] is None
    assert sources["gpus"]["sources"] == 2


def test_summary(ro: Path) -> None:
    info = warehouse.summary(today=date(2026, 11, 21))
    assert info["newest_price_date"] == date(2026, 11, 20)
    assert info["prices_in_force"] == 8
    assert info["scheduled_changes"] == 0
    assert info["tables"]["models"]["rows"] == 4


def test_export_writes_every_table_as_parquet(ro: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    files = warehouse.export(out)
    names = sorted(f.stem for f in files)
    assert names == sorted([*FIXTURE_ROWS, "metadata", "schema_columns"])
    with duckdb.connect() as con:
        for f in files:
            (n,) = con.execute("SELECT count(*) FROM read_parquet(?)", [str(f)]).fetchone()
            assert n == warehouse.load(f.stem).height
    assert _leftovers(out) == []
    with pytest.raises(WarehouseError, match="only parquet"):
        warehouse.export(out, fmt="csv")


# --------------------------------------------------------------------------- the curated datasets

REAL = config.PROJECT_ROOT / "datasets"
SCHEMA = load_schema(REAL / "schema.yaml")
MIN_ROWS = {
    "models": 80,
    "benchmark_scores": 1500,
    "api_prices": 150,
    "gpus": 15,
    "gpu_cloud_prices": 40,
    "gap_claims": 3,
}


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The warehouse built from the curated datasets/ (skipped until they exist, except in CI)."""
    missing = [t.file for t in SCHEMA.tables.values() if not (REAL / t.file).is_file()]
    if missing:
        message = f"curated datasets not in {REAL} yet: {', '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    saved = {k: os.environ.get(k) for k in ("AISTRAT_DATASETS", "AISTRAT_WAREHOUSE")}
    os.environ["AISTRAT_DATASETS"] = str(REAL)
    os.environ["AISTRAT_WAREHOUSE"] = str(tmp_path_factory.mktemp("real") / "warehouse.duckdb")
    warehouse.ensure_built()
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_real_datasets_validate(real) -> None:
    assert warehouse.validate(REAL) == []


@pytest.mark.parametrize("table", sorted(MIN_ROWS))
def test_real_minimum_rows(real, table: str) -> None:
    assert warehouse.load(table).height >= MIN_ROWS[table]


def test_real_arena_ratings_are_monthly_over_20_months(real) -> None:
    df = warehouse.query(
        "SELECT date_trunc('month', snapshot_date) AS month, "
        "count(DISTINCT snapshot_date) AS snapshots FROM arena_ratings GROUP BY ALL"
    )
    assert df.height >= 20
    assert df["snapshots"].max() == 1  # the last snapshot of each month only


@pytest.mark.parametrize("table", sorted(SCHEMA.tables))
def test_real_rows_all_cite_a_source(real, table: str) -> None:
    n = warehouse.query(
        f"SELECT count(*) FROM \"{table}\" WHERE source IS NULL OR trim(source) = ''"
    ).item()
    assert n == 0


def _declared_checks() -> list[tuple[str, str, str]]:
    checks = []
    for t in SCHEMA.tables.values():
        if t.primary_key:
            checks.append((t.name, "unique", ",".join(t.primary_key)))
        for c in t.columns:
            if c.required:
                checks.append((t.name, "not_null", c.name))
            if c.allowed:
                checks.append((t.name, "accepted_values", c.name))
    return checks


@pytest.mark.parametrize(("table", "kind", "column"), _declared_checks())
def test_real_declared_column_checks(real, table: str, kind: str, column: str) -> None:
    if kind == "unique":
        cols = ", ".join(f'"{c}"' for c in column.split(","))
        dupes = f'SELECT {cols} FROM "{table}" GROUP BY ALL HAVING count(*) > 1'
        assert warehouse.query(f"SELECT count(*) FROM ({dupes})").item() == 0
    elif kind == "not_null":
        nulls = f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NULL'
        assert warehouse.query(nulls).item() == 0
    else:
        allowed = next(c.allowed for c in SCHEMA.tables[table].columns if c.name == column)
        df = warehouse.query(
            f'SELECT DISTINCT "{column}" AS v FROM "{table}" WHERE "{column}" IS NOT NULL'
        )
        assert set(df["v"]) <= set(allowed)


def test_real_gpt_5_6_sol_price_change(real) -> None:
    assert _price("2026-08-20", "openai", "gpt-5.6-sol")[:2] == (5.0, 30.0)
    assert _price("2026-08-21", "openai", "gpt-5.6-sol")[:2] == (4.0, 20.0)


def test_real_deepseek_chat_price_change(real) -> None:
    on = _price("2025-02-08", "deepseek", "deepseek-chat")
    assert on[:3] == (0.27, 1.1, date(2025, 2, 8))
    before = _price("2025-02-07", "deepseek", "deepseek-chat")
    assert before[:2] != (0.27, 1.1)


def test_real_models_priced_has_no_nan(real) -> None:
    df = warehouse.load("models_priced")
    assert df.height == warehouse.load("models").height
    for col in ("input_usd_per_mtok", "output_usd_per_mtok", "blended_usd_per_mtok"):
        assert df[col].drop_nulls().is_finite().all()
    assert not any(isinstance(v, float) and math.isnan(v) for v in df["blended_usd_per_mtok"])


def test_import_is_cheap() -> None:
    code = (
        "import sys, analysis.warehouse; "
        "print(sorted(m for m in ('duckdb', 'yaml', 'polars', 'pandas', 'pyarrow') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"
