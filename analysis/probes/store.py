"""Durable storage of probe runs: a Parquet dataset that any engine reads as tables.

Layout under the store's folder (``config.probes_path()``, default
``build/probes/``; ``--store DIR`` on the command line), hive-partitioned by
the run's UTC start date and the probing host::

    runs/date=YYYY-MM-DD/host=HOST/<run_id>.parquet      one row per run: endpoint, model,
                                                         server kind, hardware, client host,
                                                         load shape, SLO, connection mode,
                                                         origin, warnings, summary
    levels/date=YYYY-MM-DD/host=HOST/<run_id>.parquet    one row per load level: throughput,
                                                         goodput, percentiles
    requests/date=YYYY-MM-DD/host=HOST/<run_id>.parquet  one row per request (warm-up
                                                         included, flagged)

Each table is one dataset that DuckDB, polars or Spark read without the
toolkit, e.g. ``read_parquet('build/probes/levels/**/*.parquet',
hive_partitioning = true)``, with ``date`` and ``host`` as columns. Several
probing hosts can point at one shared folder: a run's files are named by its
unique id, so writers never collide.

Why files rather than a database: a run is written once and never changed, so
each file is written with :func:`analysis.files.atomic_write` (a temporary
name in its folder, flushed to disk and renamed into place: an atomic step on
one file system). Readers (a notebook, a brief being rendered) see a run
completely or not at all, never wait for a lock, and never lock a writer out;
the dataset warehouse is not touched. The run's row is written last, so a
listed run always has its levels and requests.

Stores written before the partitioned layout kept each table's files flat
(``runs/<run_id>.parquet``). They are still read, and :func:`migrate` (run by
every :func:`save_run`) moves them into their partitions, requests and levels
before the run's row, each with one rename.

Readers use DuckDB's ``read_parquet`` over each table (:func:`register_views`
adds ``probe_runs``, ``probe_levels`` and ``probe_requests`` views to any
connection, e.g. the warehouse's read-only one).
"""

from __future__ import annotations

import io
import json
import os
import re
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import __version__, config
from analysis.errors import ProbeError
from analysis.files import atomic_write
from analysis.probes.backends import get_backend
from analysis.probes.config import ConcurrencySweep, PoissonLoad, ProbeConfig
from analysis.probes.results import (
    LEVEL_METRICS,
    SUMMARY_KEYS,
    LevelStats,
    ProbeRun,
    RequestResult,
    Summary,
    best_throughput,
    min_samples,
)

if TYPE_CHECKING:
    import duckdb
    import polars as pl
    import pyarrow as pa

_RUN_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$")
TABLES = ("runs", "levels", "requests")
_STATS = ("mean", "p50", "p90", "p95", "p99", "max")

#: Run columns shown by ``probe-runs`` and returned by :func:`list_runs`, in order.
RUN_COLUMNS = (
    "run_id",
    "started_at",
    "finished_at",
    "url",
    "api",
    "endpoint",
    "model",
    "server_kind",
    "server_software",
    "hardware",
    "client_host",
    "load_shape",
    "levels",
    "rate_per_s",
    "requests_per_level",
    "warmup",
    "duration_limit_s",
    "input_tokens",
    "input_tokens_basis",
    "max_tokens",
    "slo_ttft_ms",
    "slo_tpot_ms",
    "slo_e2e_ms",
    "slo_percentile",
    "completed",
    "errors",
    "best_concurrency",
    "best_output_tokens_per_s",
    "connection",
    "gpu",
    "gpus",
    "server_input_tokens",
    "origin",
    "levels_source",
    "definition_notes",
    "warnings",
    "toolkit_version",
    "config_json",
)


def partition(run: ProbeRun) -> str:
    """The run's partition folder, ``date=YYYY-MM-DD/host=HOST`` (UTC start date, client host).

    The host keeps letters, digits, ``.``, ``_`` and ``-``; anything else becomes ``_``.
    """
    day = run.started_at.astimezone(UTC).date().isoformat()
    host = re.sub(r"[^A-Za-z0-9._-]", "_", run.client_host or "")[:100] or "unknown"
    return f"date={day}/host={host}"


def _root(root: Path | None) -> Path:
    return Path(root) if root is not None else config.probes_path()


def _folder(table: str, root: Path | None = None) -> Path:
    return _root(root) / table


def _find(table: str, run_id: str, root: Path | None) -> Path | None:
    """A run's file of ``table``, in its partition or (older stores) flat in the folder."""
    folder = _folder(table, root)
    flat = folder / f"{run_id}.parquet"
    if flat.is_file():
        return flat
    return next(iter(sorted(folder.glob(f"date=*/host=*/{run_id}.parquet"))), None)


def _check_run_id(run_id: str) -> str:
    if not isinstance(run_id, str) or not _RUN_ID.match(run_id):
        raise ProbeError(
            f"run id {run_id!r} is not a probe run id (like 20250101T120000Z-3fa2c1); "
            "`python -m analysis probe-runs` lists them"
        )
    return run_id


def _write_parquet(table: pa.Table, path: Path) -> None:
    """Write a pyarrow table to ``path`` atomically (the temporary name is not ``*.parquet``)."""
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    atomic_write(path, buffer.getvalue())


def _run_row(run: ProbeRun) -> dict[str, Any]:
    cfg = run.config
    load = cfg.load
    try:
        best = best_throughput(run)
        best_c, best_tps = best.concurrency, best.output_tokens_per_s
    except ProbeError:
        best_c, best_tps = None, None
    measured = [r for r in run.requests if not r.warmup]
    if run.imported_levels is not None:
        completed = sum(lv.completed for lv in run.imported_levels)
        errors = sum(lv.errors for lv in run.imported_levels)
    else:
        completed = sum(1 for r in measured if r.ok)
        errors = sum(1 for r in measured if not r.ok)
    return {
        "run_id": run.run_id,
        "started_at": run.started_at.astimezone(UTC),
        "finished_at": run.finished_at.astimezone(UTC),
        "url": cfg.url,
        "api": cfg.api,
        "endpoint": get_backend(cfg.api).endpoint_name(cfg.endpoint),
        "model": run.model,
        "server_kind": run.server_kind,
        "server_software": run.server_software,
        "hardware": cfg.hardware,
        "client_host": run.client_host,
        "load_shape": load.kind,
        "levels": ",".join(str(c) for c in load.levels)
        if isinstance(load, ConcurrencySweep)
        else None,
        "rate_per_s": float(load.rate_per_s) if isinstance(load, PoissonLoad) else None,
        "requests_per_level": load.requests,
        "warmup": load.warmup,
        "duration_limit_s": load.duration_s,
        "input_tokens": cfg.input_tokens,
        "input_tokens_basis": run.input_tokens_basis,
        "max_tokens": cfg.max_tokens,
        "slo_ttft_ms": cfg.slo.ttft_ms,
        "slo_tpot_ms": cfg.slo.tpot_ms,
        "slo_e2e_ms": cfg.slo.e2e_ms,
        "slo_percentile": cfg.slo.percentile,
        "completed": completed,
        "errors": errors,
        "best_concurrency": best_c,
        "best_output_tokens_per_s": best_tps,
        "connection": cfg.connection,
        "gpu": cfg.gpu,
        "gpus": cfg.gpus,
        "server_input_tokens": run.server_input_tokens,
        "origin": run.origin,
        "levels_source": "requests" if run.imported_levels is None else "summary",
        "definition_notes": json.dumps(list(run.notes)),
        "warnings": json.dumps(run.warnings()),
        "toolkit_version": __version__,
        "config_json": json.dumps(cfg.to_dict(), sort_keys=True),
    }


def _level_rows(run: ProbeRun) -> list[dict[str, Any]]:
    rows = []
    for order, level in enumerate(run.levels()):
        row: dict[str, Any] = {
            "run_id": run.run_id,
            "level_order": order,
            "concurrency": level.concurrency,
            "rate_per_s": level.rate_per_s,
            "attempted": level.attempted,
            "completed": level.completed,
            "errors": level.errors,
            "error_counts": json.dumps(level.error_counts, sort_keys=True),
            "duration_s": level.duration_s,
            "request_throughput": level.request_throughput,
            "output_tokens": level.output_tokens,
            "output_tokens_per_s": level.output_tokens_per_s,
            "goodput_rps": level.goodput_rps,
            "slo_attainment": level.slo_attainment,
            "meets_slo": level.meets_slo,
            "output_tokens_source": json.dumps(level.output_tokens_source, sort_keys=True),
            "tpot_undefined": level.tpot_undefined,
            "note": level.note,
        }
        for name, summary in level.metrics.items():
            key = SUMMARY_KEYS.get(name, name)
            row[f"{key}_n"] = summary.n
            for stat in _STATS:
                row[f"{key}_{stat}"] = getattr(summary, stat)
        rows.append(row)
    return rows


def _requests_table(run: ProbeRun) -> pa.Table:
    import pyarrow as pa

    columns: dict[str, list[Any]] = {"run_id": []}
    names = list(RequestResult.__dataclass_fields__)
    for name in names:
        columns[name] = []
    for result in run.requests:
        columns["run_id"].append(run.run_id)
        for name in names:
            columns[name].append(getattr(result, name))
    types = {
        "run_id": pa.string(),
        "index": pa.int64(),
        "concurrency": pa.int64(),
        "rate_per_s": pa.float64(),
        "warmup": pa.bool_(),
        "ok": pa.bool_(),
        "error": pa.string(),
        "error_detail": pa.string(),
        "http_status": pa.int64(),
        "output_tokens": pa.int64(),
        "output_tokens_source": pa.string(),
        "input_tokens": pa.int64(),
        "prompt_words": pa.int64(),
        "output_chunks": pa.int64(),
        "output_chars": pa.int64(),
        "output_reads": pa.int64(),
        "itl_ms": pa.list_(pa.float64()),
        "finish_reason": pa.string(),
    }
    return pa.table(
        {
            name: pa.array(values, type=types.get(name, pa.float64()))
            for name, values in columns.items()
        }
    )


# Column types (explicit, so that a column that is empty in one run has the
# same type as in the others); unnamed columns are float64.
_RUN_TYPES = {
    "started_at": "timestamp",
    "finished_at": "timestamp",
    "levels": "string",
    "requests_per_level": "int64",
    "warmup": "int64",
    "input_tokens": "int64",
    "max_tokens": "int64",
    "completed": "int64",
    "errors": "int64",
    "best_concurrency": "int64",
    "gpus": "int64",
}
_LEVEL_TYPES = {
    "run_id": "string",
    "level_order": "int64",
    "concurrency": "int64",
    "attempted": "int64",
    "completed": "int64",
    "errors": "int64",
    "error_counts": "string",
    "output_tokens": "int64",
    "meets_slo": "bool",
    "output_tokens_source": "string",
    "tpot_undefined": "int64",
    "note": "string",
}
_FLOAT_RUN_COLUMNS = {
    "rate_per_s",
    "duration_limit_s",
    "slo_ttft_ms",
    "slo_tpot_ms",
    "slo_e2e_ms",
    "slo_percentile",
    "best_output_tokens_per_s",
    "server_input_tokens",
}


def _schema(row: dict[str, Any], types: dict[str, str]) -> pa.Schema:
    import pyarrow as pa

    arrow = {
        "string": pa.string(),
        "int64": pa.int64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "float64": pa.float64(),
    }
    fields = []
    for name in row:
        kind = types.get(name)
        if kind is None and types is _LEVEL_TYPES and name.endswith("_n"):
            kind = "int64"
        if kind is None:
            if types is _RUN_TYPES and name not in _FLOAT_RUN_COLUMNS:
                kind = "string"
            else:
                kind = "float64"
        fields.append(pa.field(name, arrow[kind]))
    return pa.schema(fields)


def save_run(run: ProbeRun, root: Path | None = None) -> str:
    """Store a probe run in its partition (atomically; readers never see part of it).

    Runs of an older flat store are moved into their partitions first (:func:`migrate`).

    Args:
        run: the run.
        root: the store's folder (default: ``config.probes_path()``).

    Returns:
        The run's id.

    Raises:
        ProbeError: the store cannot be written (the message names the folder).
    """
    import pyarrow as pa

    run_id = _check_run_id(run.run_id)
    part = partition(run)
    try:
        migrate(root)
        name = f"{run_id}.parquet"
        _write_parquet(_requests_table(run), _folder("requests", root) / part / name)
        levels = _level_rows(run)
        if levels:
            table = pa.Table.from_pylist(levels, schema=_schema(levels[0], _LEVEL_TYPES))
            _write_parquet(table, _folder("levels", root) / part / name)
        row = _run_row(run)
        table = pa.Table.from_pylist([row], schema=_schema(row, _RUN_TYPES))
        # Written last: a run is listed only once its levels and requests are in place.
        _write_parquet(table, _folder("runs", root) / part / name)
    except OSError as exc:
        raise ProbeError(
            f"cannot store probe run {run_id} under {_root(root)}: {exc.strerror or exc}"
        ) from exc
    return run_id


def migrate(root: Path | None = None) -> list[str]:
    """Move the runs of an older, flat store into their partitions.

    For each flat ``runs/<run_id>.parquet``, its requests and levels files
    move first and its row last, each with one rename, so a reader sees every
    run at every moment (the readers take both layouts). Safe to run from
    several processes at once: a file another one moved is skipped.

    Args:
        root: the store's folder (default: ``config.probes_path()``).

    Returns:
        The ids of the runs moved.

    Raises:
        OSError: a file cannot be moved (e.g. a read-only store).
    """
    import pyarrow.parquet as pq

    runs = _folder("runs", root)
    moved = []
    for flat in sorted(runs.glob("*.parquet")) if runs.is_dir() else []:
        run_id = flat.stem
        if not _RUN_ID.match(run_id):
            continue
        try:
            row = pq.read_table(flat, columns=["started_at", "client_host"]).to_pylist()[0]
        except (OSError, IndexError):
            continue  # moved meanwhile by another process, or not a run file
        day = row["started_at"].astimezone(UTC).date().isoformat()
        host = re.sub(r"[^A-Za-z0-9._-]", "_", row["client_host"] or "")[:100] or "unknown"
        part = f"date={day}/host={host}"
        for table in ("requests", "levels", "runs"):
            source = _folder(table, root) / flat.name
            target = _folder(table, root) / part / flat.name
            if not source.is_file():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(source, target)
            except FileNotFoundError:
                continue
        moved.append(run_id)
    return moved


def _source(table: str, root: Path | None = None) -> str | None:
    """The read_parquet() call over a table's files (both layouts), or None when it has none."""
    folder = _folder(table, root)
    if not folder.is_dir() or not any(folder.rglob("*.parquet")):
        return None
    pattern = str(folder / "**" / "*.parquet").replace("'", "''")
    # The partition columns are left out: every row carries its own run_id,
    # started_at and client_host, and flat files of older stores have no partition.
    return f"read_parquet('{pattern}', union_by_name = true, hive_partitioning = false)"


def register_views(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> list[str]:
    """Add views ``probe_runs``, ``probe_levels`` and ``probe_requests`` to a DuckDB connection.

    Temporary views work on read-only connections too (e.g. the warehouse's),
    so probe results can be joined with the datasets in one query. A view over
    an empty store has no rows.

    Args:
        con: a ``duckdb`` connection.
        root: the store's folder (default: ``config.probes_path()``).

    Returns:
        The names of the views created.
    """
    created = []
    for table in TABLES:
        source = _source(table, root)
        name = f"probe_{table}"
        if source is None:
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {_empty_select(table)}")
        else:
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {source}")
        created.append(name)
    return created


def _empty_select(table: str) -> str:
    if table == "runs":
        cols = ", ".join(
            f"CAST(NULL AS {'TIMESTAMPTZ' if c.endswith('_at') else 'VARCHAR'}) AS {c}"
            for c in RUN_COLUMNS
        )
    else:
        cols = "CAST(NULL AS VARCHAR) AS run_id"
    return f"SELECT {cols} WHERE false"


def _query(sql: str, params: list[Any] | None = None, root: Path | None = None) -> pl.DataFrame:
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        register_views(con, root)
        if "{run_columns}" in sql:  # columns older stores lack read as NULL
            have = {r[0] for r in con.execute("DESCRIBE probe_runs").fetchall()}
            sql = sql.replace(
                "{run_columns}",
                ", ".join(c if c in have else f"NULL AS {c}" for c in RUN_COLUMNS),
            )
        return con.sql(sql, params=params or None).pl()
    except duckdb.Error as exc:
        raise ProbeError(f"cannot read the probe store at {_root(root)}: {exc}") from exc
    finally:
        con.close()


def list_runs(root: Path | None = None) -> pl.DataFrame:
    """Stored runs, oldest first.

    Args:
        root: the store's folder (default: ``config.probes_path()``).

    Returns:
        A polars DataFrame with the columns of :data:`RUN_COLUMNS` (no rows when empty).
    """
    return _query("SELECT {run_columns} FROM probe_runs ORDER BY started_at, run_id", root=root)


def levels_of(run_id: str, root: Path | None = None) -> pl.DataFrame:
    """The stored per-level statistics of a run, as a polars DataFrame.

    Raises:
        ProbeError: no such run.
    """
    _require(run_id, root)
    return _query(
        "SELECT * FROM probe_levels WHERE run_id = ? ORDER BY level_order", [run_id], root
    )


def requests_of(run_id: str, root: Path | None = None) -> pl.DataFrame:
    """The stored requests of a run (one row each, warm-up flagged), as a polars DataFrame.

    Raises:
        ProbeError: no such run.
    """
    _require(run_id, root)
    return _query('SELECT * FROM probe_requests WHERE run_id = ? ORDER BY "index"', [run_id], root)


def _require(run_id: str, root: Path | None) -> Path:
    _check_run_id(run_id)
    path = _find("runs", run_id, root)
    if path is None:
        raise ProbeError(
            f"no stored probe run {run_id!r} in {_root(root)}; "
            "`python -m analysis probe-runs` lists them"
        )
    return path


def _summary_levels(rows: list[dict[str, Any]]) -> list[LevelStats]:
    """Levels rebuilt from their stored rows (runs imported from a summary file)."""
    levels = []
    for row in sorted(rows, key=lambda r: r["level_order"]):
        metrics = {}
        for name in LEVEL_METRICS:
            key = SUMMARY_KEYS.get(name, name)
            n = int(row.get(f"{key}_n") or 0)
            stats = {stat: row.get(f"{key}_{stat}") for stat in _STATS}
            small = tuple(f"p{p}" for p in (50, 90, 95, 99) if n and n < min_samples(p))
            metrics[name] = Summary(n=n, small_sample=small, **stats)
        levels.append(
            LevelStats(
                concurrency=row.get("concurrency"),
                rate_per_s=row.get("rate_per_s"),
                attempted=int(row.get("attempted") or 0),
                completed=int(row.get("completed") or 0),
                errors=int(row.get("errors") or 0),
                error_counts=json.loads(row.get("error_counts") or "{}"),
                duration_s=float(row.get("duration_s") or 0.0),
                request_throughput=row.get("request_throughput"),
                output_tokens=int(row.get("output_tokens") or 0),
                output_tokens_per_s=row.get("output_tokens_per_s"),
                goodput_rps=row.get("goodput_rps"),
                slo_attainment=row.get("slo_attainment"),
                meets_slo=bool(row.get("meets_slo")),
                output_tokens_source=json.loads(row.get("output_tokens_source") or "{}"),
                metrics=metrics,
                tpot_undefined=int(row.get("tpot_undefined") or 0),
                note=row.get("note"),
            )
        )
    return levels


def load_run(run_id: str, root: Path | None = None) -> ProbeRun:
    """A stored run, rebuilt as a ProbeRun (levels recomputed from its requests).

    Runs imported from a summary file, which has no per-request results, get
    their stored levels back instead.

    Args:
        run_id: the run's id.
        root: the store's folder (default: ``config.probes_path()``).

    Returns:
        The run.

    Raises:
        ProbeError: no such run, or its files cannot be read.
    """
    import pyarrow.parquet as pq

    path = _require(run_id, root)
    try:
        row = pq.read_table(path).to_pylist()[0]
        requests_path = _find("requests", run_id, root)
        requests = pq.read_table(requests_path).to_pylist() if requests_path else []
        imported: list[LevelStats] | None = None
        if row.get("levels_source") == "summary":
            levels_path = _find("levels", run_id, root)
            imported = _summary_levels(
                pq.read_table(levels_path).to_pylist() if levels_path else []
            )
    except (OSError, IndexError) as exc:
        raise ProbeError(f"stored probe run {run_id} cannot be read: {exc}") from exc
    fields = set(RequestResult.__dataclass_fields__)
    results = [RequestResult(**{k: v for k, v in r.items() if k in fields}) for r in requests]
    for result in results:
        result.itl_ms = list(result.itl_ms or [])
        result.output_reads = int(result.output_reads or 0)
    results.sort(key=lambda r: r.index)
    return ProbeRun(
        run_id=row["run_id"],
        config=ProbeConfig.from_dict(json.loads(row["config_json"])),
        model=row["model"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        client_host=row["client_host"],
        server_software=row.get("server_software"),
        input_tokens_basis=row["input_tokens_basis"],
        requests=results,
        origin=row.get("origin") or "probe",
        notes=json.loads(row.get("definition_notes") or "[]"),
        imported_levels=imported,
    )
