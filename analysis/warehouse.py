"""The DuckDB warehouse: one database file built from the curated CSVs in ``datasets/``.

``build()`` validates every CSV against ``datasets/schema.yaml`` (see
:mod:`analysis.schema`) and loads the typed rows into tables, beside the views
and macros the notebooks share:

- ``api_prices_history`` (view): ``api_prices`` with ``effective_to`` the end of
  each price: the next ``effective_from`` of the same ``provider`` + ``api_model``
  or the offer's end (the ``effective_to`` given on one of its rows), whichever
  comes first,
  exclusive; NULL = still current; plus ``start_known`` (false for ``date_basis =
  unknown_start``). Computed once per build into the internal table
  ``_api_prices_history``.
- ``api_prices_resolved`` (view): each price period cut by the periods of
  ``api_aliases`` (what the API name served): ``model_id`` is the model served in
  the period, ``effective_from``/``effective_to`` the overlap, ``alias_of`` the
  API name (NULL for names without alias rows, which keep their own
  ``model_id``). A name with alias rows is priced only inside them. Computed once
  per build into ``_api_prices_resolved``, which the macros read.
- ``prices_at(d)`` (table macro): the price in force on date ``d`` for every
  ``(provider, api_model)`` and the model it served: ``effective_from <= d <
  effective_to`` in ``api_prices_resolved``. A row with an unknown start is in
  force before its ``effective_to``; a scheduled row only from its date on; an
  ended offer never after its end.
- ``blended_price(input_usd, output_usd, input_weight := 3, output_weight := 1)``
  (scalar macro), in USD per 1M tokens:
  ``(input_weight x input_usd + output_weight x output_usd) / (input_weight + output_weight)``;
  3:1 is the Artificial Analysis convention.
- ``model_prices_at(d)`` (table macro): one price per ``model_id`` on date ``d``:
  the developer's own (first-party) price when it sells the model, else the
  median over third-party hosts (input and output medians taken separately,
  blended from those). Each seller counts once, at its standard list price: the
  highest 3:1 blend when it lists several variants of the model (peak/off-peak,
  Turbo, tiers); if two first-party sellers remain, the higher blend wins.
  Columns: ``model_id, price_basis ('first-party: <provider>', 'median of N
  hosts' or 'median of 1 host'), input_usd_per_mtok, output_usd_per_mtok,
  blended_usd_per_mtok`` (USD per 1M tokens) and ``n_offers`` (sellers with a
  price in force that day).
- ``models_priced`` (view): ``models`` LEFT JOIN ``model_prices_at(current_date)``;
  unpriced models keep NULL prices.
- ``metadata`` (table): what was built from what: ``file, table_name, sha256,
  bytes, rows, built_at`` (UTC), ``schema_version, toolkit_version, build_format``.
- ``schema_columns`` (table): every column's type, unit, required flag and description.

Tables and columns are those of ``schema.yaml``, in its order and with its types
(``str`` VARCHAR, ``int`` BIGINT, ``float`` DOUBLE, ``bool`` BOOLEAN, ``date`` DATE;
an empty cell is NULL). Internal names start with ``_`` and are not listed.

The database is rebuilt only when a source changed: a stat check of every CSV
and ``schema.yaml`` against a small stamp file beside the database first, then
a SHA-256 of the contents when a stat differs. A build writes a temporary file
in the same folder, checks it, and moves it into place with ``os.replace``, under
a lock file, so a failed or concurrent build never leaves a half-written
database and readers keep the previous one.

Readers attach the file read-only to an in-memory DuckDB, so a rebuilt file is
seen by the next call even while an older connection is still open. The ways in:
:func:`connect` (a connection of one's own), :func:`load` (a whole table or
view), :func:`query` (SQL to a DataFrame), :func:`query_rows` (SQL to plain
tuples, no DataFrame library), :func:`table_names`, :func:`table_sources`,
:func:`data_through` (how current each table is on a date) and :func:`summary`;
:func:`build`, :func:`validate` / :func:`validate_dir`,
:func:`export` and :func:`version` (the key caches of warehouse reads use).
These return values; ``python -m analysis build|validate|sql|export|summary``
(:mod:`analysis.cli.data`) prints them.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from analysis import __version__, config
from analysis.errors import DataValidationError, WarehouseError
from analysis.files import atomic_write, exclusive_lock
from analysis.records import to_plain
from analysis.schema import (
    SCHEMA_FILE,
    ParsedTable,
    Schema,
    load_schema,
    parse_schema,
    validate_sources,
)

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import pandas
    import polars

# Bump when the tables, views or macros built from the same CSVs change shape.
BUILD_FORMAT = 1
CATALOG = "warehouse"
BACKENDS = ("polars", "pandas")
LOCK_TIMEOUT_S = 300.0
# A file modified this close to the stamp's stat time may change again within the
# file system's timestamp granularity (2 s on FAT), so its contents are hashed.
_RACY_NS = 2_000_000_000
_DUCKDB_TYPES = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
}

_VIEWS_SQL = (
    # effective_to depends only on api_prices, so it is computed once per build into an
    # internal table; the view and the macros read it (a window per query costs ~4 ms).
    # A row ends at the next row's start or at the offer's end (the effective_to given
    # on any of its rows), whichever comes first.
    """
    CREATE TABLE _api_prices_history AS
    WITH h AS (
        SELECT p.*,
               lead(p.effective_from) OVER (
                   PARTITION BY p.provider, p.api_model ORDER BY p.effective_from ASC NULLS FIRST
               ) AS _next_from,
               min(p.effective_to) OVER (PARTITION BY p.provider, p.api_model) AS _offer_end
        FROM api_prices AS p
    )
    SELECT h.* EXCLUDE (_next_from, _offer_end) REPLACE (
               CASE WHEN h._offer_end IS NULL THEN h._next_from
                    WHEN h._next_from IS NULL THEN h._offer_end
                    ELSE least(h._offer_end, h._next_from) END AS effective_to
           ),
           h.date_basis <> 'unknown_start' AS start_known
    FROM h
    ORDER BY h.provider, h.api_model, h.effective_from ASC NULLS FIRST
    """,
    "CREATE VIEW api_prices_history AS SELECT * FROM _api_prices_history",
    # Each price period cut by the periods of api_aliases: the row's model_id becomes the
    # model the API name served (alias_of keeps the name). A name with alias rows is
    # priced only inside them; a name without any keeps its own model_id.
    """
    CREATE TABLE _api_prices_resolved AS
    WITH named AS (
        SELECT h.*, regexp_replace(h.api_model, ' \\[[^]]*\\]$', '') AS _alias
        FROM _api_prices_history AS h
    ),
    aliased AS (SELECT DISTINCT provider, alias FROM api_aliases)
    SELECT n.* EXCLUDE (_alias) REPLACE (
               a.model_id AS model_id,
               CASE WHEN n.effective_from IS NULL THEN a.valid_from
                    ELSE greatest(n.effective_from, a.valid_from) END AS effective_from,
               CASE WHEN n.effective_to IS NULL THEN a.valid_to
                    WHEN a.valid_to IS NULL THEN n.effective_to
                    ELSE least(n.effective_to, a.valid_to) END AS effective_to
           ),
           n._alias AS alias_of
    FROM named AS n
    JOIN api_aliases AS a
      ON a.provider = n.provider AND a.alias = n._alias
     AND (n.effective_to IS NULL OR a.valid_from < n.effective_to)
     AND (a.valid_to IS NULL OR n.effective_from IS NULL OR n.effective_from < a.valid_to)
    UNION ALL BY NAME
    SELECT n.* EXCLUDE (_alias), NULL::VARCHAR AS alias_of
    FROM named AS n
    WHERE NOT EXISTS (
        SELECT 1 FROM aliased AS x WHERE x.provider = n.provider AND x.alias = n._alias
    )
    ORDER BY provider, api_model, effective_from ASC NULLS FIRST, model_id
    """,
    "CREATE VIEW api_prices_resolved AS SELECT * FROM _api_prices_resolved",
    """
    CREATE MACRO prices_at(d) AS TABLE
    SELECT * FROM _api_prices_resolved
    WHERE coalesce(effective_from <= CAST(d AS DATE), true)
      AND coalesce(CAST(d AS DATE) < effective_to, true)
    """,
    """
    CREATE MACRO blended_price(input_usd, output_usd, input_weight := 3, output_weight := 1) AS
    CASE WHEN input_weight < 0 OR output_weight < 0 OR input_weight + output_weight = 0
         THEN error('blended_price: weights must be >= 0 and not both 0, got input_weight='
                    || input_weight || ', output_weight=' || output_weight)
         ELSE (input_weight * input_usd + output_weight * output_usd)
              / (input_weight + output_weight)
    END
    """,
    # Aggregates rather than window functions: half the time on a 2-core machine.
    # A seller's standard price is its highest 3:1 blend (ties: the larger api_model);
    # among first-party sellers the highest blend wins (ties: the larger provider name).
    """
    CREATE MACRO model_prices_at(d) AS TABLE
    WITH sellers AS (
        SELECT model_id, provider, provider_kind = 'first-party' AS fp,
               arg_max(input_usd_per_mtok,
                       (3 * input_usd_per_mtok + output_usd_per_mtok, api_model)) AS i,
               arg_max(output_usd_per_mtok,
                       (3 * input_usd_per_mtok + output_usd_per_mtok, api_model)) AS o,
               max(3 * input_usd_per_mtok + output_usd_per_mtok) AS b
        FROM prices_at(d)
        GROUP BY model_id, provider, provider_kind
    ),
    chosen AS (
        SELECT model_id,
               CASE WHEN bool_or(fp) THEN 'first-party: ' || arg_max(provider, (fp, b, provider))
                    WHEN count(*) = 1 THEN 'median of 1 host'
                    ELSE 'median of ' || count(*) || ' hosts' END AS price_basis,
               CASE WHEN bool_or(fp) THEN arg_max(i, (fp, b, provider)) ELSE median(i) END AS i,
               CASE WHEN bool_or(fp) THEN arg_max(o, (fp, b, provider)) ELSE median(o) END AS o,
               count(*) AS n_offers
        FROM sellers
        GROUP BY model_id
    )
    SELECT model_id, price_basis,
           i AS input_usd_per_mtok, o AS output_usd_per_mtok,
           blended_price(i, o) AS blended_usd_per_mtok,
           n_offers
    FROM chosen
    """,
    """
    CREATE VIEW models_priced AS
    SELECT m.*, p.price_basis, p.input_usd_per_mtok, p.output_usd_per_mtok,
           p.blended_usd_per_mtok, p.n_offers
    FROM models AS m LEFT JOIN model_prices_at(current_date) AS p USING (model_id)
    """,
)
# Queries that must run on a freshly written database before it replaces the old one.
_SELF_CHECKS = (
    "SELECT count(*) FROM api_prices_history",
    "SELECT count(*) FROM api_prices_resolved",
    "SELECT count(*) FROM prices_at(current_date)",
    "SELECT count(*) FROM model_prices_at(current_date)",
    "SELECT count(*) FROM models_priced",
    "SELECT blended_price(1, 1)",
)


@dataclass
class BuildReport:
    """What a call to :func:`build` did.

    Attributes:
        path: the warehouse file.
        rebuilt: whether the database was (re)written by this call.
        reason: why it was rebuilt, or why not (``"up to date"``).
        rows: rows per table loaded from the CSVs.
        built_at: when the database in place was built (UTC).
        seconds: wall time of the call.
    """

    path: Path
    rebuilt: bool
    reason: str
    rows: dict[str, int] = field(default_factory=dict)
    built_at: datetime | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (:func:`analysis.records.to_plain`; seconds to 0.1 ms)."""
        out: dict[str, Any] = to_plain(self)
        out["seconds"] = round(self.seconds, 4)
        return out


@dataclass(frozen=True)
class Validation:
    """What :func:`validate_dir` found in a datasets folder.

    Attributes:
        problems: every problem, one ``datasets/FILE.csv:LINE: column: what is wrong (value)``
            line each; empty when the data is valid.
        rows: rows read per table (those the schema describes and the folder holds).
    """

    problems: list[str]
    rows: dict[str, int]

    @property
    def ok(self) -> bool:
        """Whether the folder has no problem."""
        return not self.problems


# --------------------------------------------------------------------------- sources and freshness


def _source_files(datasets: Path) -> list[Path]:
    """``schema.yaml`` and every CSV in ``datasets`` (the files a build depends on)."""
    files = [datasets / SCHEMA_FILE]
    with contextlib.suppress(FileNotFoundError):
        files += sorted(p for p in datasets.glob("*.csv") if p.is_file())
    return files


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".stamp.json")


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _read_stamp(path: Path) -> dict[str, Any] | None:
    try:
        stamp = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def _write_stamp(
    path: Path,
    datasets: Path,
    stats: dict[str, list[int]],
    hashes: dict[str, str],
    rows: dict[str, int],
    built_at: str,
    stat_ns: int,
) -> None:
    st = path.stat()
    stamp = {
        "build_format": BUILD_FORMAT,
        "toolkit_version": __version__,
        "datasets": str(datasets),
        "db": _stat_key(st),
        "stat_ns": stat_ns,
        "files": {name: [*stats[name], hashes[name]] for name in stats},
        "rows": rows,
        "built_at": built_at,
    }
    atomic_write(_stamp_path(path), json.dumps(stamp, indent=1))


def _attach(path: Path, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with ``path`` attached as the default catalog.

    Attaching (rather than ``duckdb.connect(path)``) bypasses DuckDB's per-process
    instance cache, which would keep serving a replaced file while any earlier
    connection to it is open.
    """
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS {CATALOG}" + (" (READ_ONLY)" if read_only else ""))
        con.execute(f"USE {CATALOG}")
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(
            f"cannot open the warehouse {path}: {exc}; run `python -m analysis build --force`"
        ) from exc
    return con


def _metadata_from_db(path: Path) -> dict[str, Any] | None:
    """Hashes, rows and build info recorded inside the database (None if unreadable)."""
    try:
        con = _attach(path)
    except WarehouseError:
        return None
    try:
        rows = con.execute(
            "SELECT file, table_name, sha256, rows, built_at, toolkit_version, build_format "
            "FROM metadata"
        ).fetchall()
    except Exception:  # noqa: BLE001 - any failure means "not a usable warehouse"
        return None
    finally:
        con.close()
    if not rows:
        return None
    return {
        "files": {r[0]: r[2] for r in rows},
        "rows": {r[1]: int(r[3]) for r in rows if r[1]},
        "built_at": rows[0][4].replace(tzinfo=UTC).isoformat(),
        "toolkit_version": rows[0][5],
        "build_format": rows[0][6],
    }


@dataclass
class _Freshness:
    fresh: bool
    reason: str
    rows: dict[str, int] = field(default_factory=dict)
    built_at: str | None = None


def _freshness(datasets: Path, path: Path) -> _Freshness:
    """Whether ``path`` was built from the current contents of ``datasets``.

    Stats first (no file is read when every size, mtime and inode matches the
    stamp); contents are hashed only for files whose stat changed or is too recent
    to trust, and the stamp is refreshed when the contents turn out unchanged.
    """
    try:
        db_stat = path.stat()
    except FileNotFoundError:
        return _Freshness(False, "no warehouse yet")
    stat_ns = time.time_ns()
    stats: dict[str, list[int]] = {}
    for f in _source_files(datasets):
        try:
            stats[f.name] = _stat_key(f.stat())
        except FileNotFoundError:
            stats[f.name] = [-1, -1, -1]
    stamp = _read_stamp(path)
    stamp_ok = (
        stamp is not None
        and stamp.get("build_format") == BUILD_FORMAT
        and stamp.get("toolkit_version") == __version__
        and stamp.get("datasets") == str(datasets)
        and stamp.get("db") == _stat_key(db_stat)
        and isinstance(stamp.get("files"), dict)
    )
    if stamp_ok:
        assert stamp is not None
        recorded = {name: v[3] for name, v in stamp["files"].items()}
        trusted = stamp.get("stat_ns", 0) - _RACY_NS
        if set(stamp["files"]) == set(stats) and all(
            stamp["files"][n][:3] == s and s[1] < trusted for n, s in stats.items()
        ):
            return _Freshness(True, "up to date", dict(stamp["rows"]), stamp.get("built_at"))
        rows, built_at = dict(stamp["rows"]), stamp.get("built_at")
    else:
        meta = _metadata_from_db(path)
        if meta is None:
            return _Freshness(False, "the existing warehouse is unreadable or has no metadata")
        if meta["build_format"] != BUILD_FORMAT or meta["toolkit_version"] != __version__:
            return _Freshness(False, "built by another toolkit version")
        recorded, rows, built_at = meta["files"], meta["rows"], meta["built_at"]
    if set(recorded) != set(stats):
        added = sorted(set(stats) - set(recorded))
        removed = sorted(set(recorded) - set(stats))
        return _Freshness(False, f"files added {added} or removed {removed}")
    hashes: dict[str, str] = {}
    for name in stats:
        try:
            hashes[name] = _sha256((datasets / name).read_bytes())
        except FileNotFoundError:
            return _Freshness(False, f"{name} disappeared")
    changed = sorted(n for n in stats if hashes[n] != recorded[n])
    if changed:
        return _Freshness(False, f"changed: {', '.join(changed)}")
    with contextlib.suppress(OSError):  # the stamp is a cache; failing to write it is harmless
        _write_stamp(path, datasets, stats, hashes, rows, built_at or "", stat_ns)
    return _Freshness(True, "up to date (contents unchanged)", rows, built_at)


def _build_lock(
    path: Path, timeout: float = LOCK_TIMEOUT_S
) -> contextlib.AbstractContextManager[None]:
    """Hold an exclusive lock on ``<warehouse>.lock``; one build at a time."""
    lock = _lock_path(path)
    return exclusive_lock(
        lock,
        timeout=timeout,
        poll_s=0.05,
        timeout_error=lambda: WarehouseError(
            f"another build has held {lock} for over {timeout:.0f} s; "
            "if no build is running, delete that file and retry"
        ),
    )


# --------------------------------------------------------------------------- building


def _read_sources(
    datasets: Path,
) -> tuple[Schema, dict[str, bytes], dict[str, list[int]], list[str], int]:
    """Read schema and CSV bytes once (stats taken before reading, so a later edit shows)."""
    if not datasets.is_dir():
        raise WarehouseError(
            f"datasets folder not found: {datasets}; set AISTRAT_DATASETS or create it"
        )
    stat_ns = time.time_ns()
    stats: dict[str, list[int]] = {}
    blobs: dict[str, bytes] = {}
    for f in _source_files(datasets):
        try:
            stats[f.name] = _stat_key(f.stat())
            blobs[f.name] = f.read_bytes()
        except FileNotFoundError:
            continue
    schema_label = f"{datasets.name}/{SCHEMA_FILE}"
    if SCHEMA_FILE not in blobs:
        raise DataValidationError([f"{schema_label}: schema file not found in {datasets}"])
    schema = parse_schema(
        blobs[SCHEMA_FILE].decode("utf-8", errors="replace"), datasets / SCHEMA_FILE, schema_label
    )
    described = {t.file for t in schema.tables.values()}
    extra = sorted(n for n in blobs if n != SCHEMA_FILE and n not in described)
    return schema, blobs, stats, extra, stat_ns


def _validate_blobs(
    datasets: Path, schema: Schema, blobs: dict[str, bytes], extra: Sequence[str], today: date
) -> tuple[list[str], dict[str, ParsedTable]]:
    files = {name: blobs.get(t.file) for name, t in schema.tables.items()}
    return validate_sources(
        schema, files, label_prefix=datasets.name, today=today, extra_files=extra
    )


def _stage_csv(path: Path, parsed: ParsedTable) -> None:
    """Write validated, typed values as a canonical CSV for DuckDB's reader.

    Loading through DuckDB's CSV reader avoids Python-object scans (which pull in
    pandas, ~0.2 s); the canonical form (ISO dates, ``repr`` floats, which
    round-trip exactly, ``true``/``false``, empty = NULL) leaves nothing to guess.
    """
    text: dict[str, Callable[[Any], str]] = {
        "str": lambda v: v,
        "int": str,
        "float": repr,
        "bool": lambda v: "true" if v else "false",
        "date": date.isoformat,
    }
    columns = []
    for c in parsed.table.columns:
        fmt = text[c.type]
        columns.append(["" if v is None else fmt(v) for v in parsed.columns[c.name]])
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(parsed.table.column_names)
        writer.writerows(zip(*columns, strict=True))


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert rows in one statement (``executemany`` costs ~1 ms per row)."""
    if not rows:
        return
    one = "(" + ", ".join("?" * len(rows[0])) + ")"
    params = [v for r in rows for v in r]
    con.execute(f'INSERT INTO "{table}" VALUES ' + ", ".join([one] * len(rows)), params)


def _write_database(
    target: Path,
    schema: Schema,
    parsed: dict[str, ParsedTable],
    blobs: dict[str, bytes],
    built_at: datetime,
) -> dict[str, int]:
    import duckdb

    rows: dict[str, int] = {}
    con = duckdb.connect(str(target))
    try:
        for name, table in schema.tables.items():
            p = parsed[name]
            cols = ", ".join(
                f'"{c.name}" {_DUCKDB_TYPES[c.type]}' + (" NOT NULL" if c.required else "")
                for c in table.columns
            )
            con.execute(f'CREATE TABLE "{name}" ({cols})')
            staged = target.with_name(f"{target.name}.{name}.csv")
            try:
                _stage_csv(staged, p)
                spec = ", ".join(f"'{c.name}': '{_DUCKDB_TYPES[c.type]}'" for c in table.columns)
                quoted = str(staged).replace("'", "''")
                con.execute(
                    f"INSERT INTO \"{name}\" SELECT * FROM read_csv('{quoted}', header = true, "
                    f"columns = {{{spec}}}, delim = ',', quote = '\"', escape = '\"', "
                    "nullstr = '', auto_detect = false, strict_mode = true)"
                )
            finally:
                with contextlib.suppress(FileNotFoundError):
                    staged.unlink()
            (loaded,) = _one_row(con, f'SELECT count(*) FROM "{name}"')
            if loaded != p.rows:
                raise WarehouseError(
                    f"{table.file}: {p.rows} rows validated but {loaded} loaded; "
                    "the file may have changed during the build, retry"
                )
            rows[name] = p.rows
            if table.description:
                con.execute(f"COMMENT ON TABLE \"{name}\" IS '{_sql_text(table.description)}'")
        con.execute(
            "CREATE TABLE schema_columns (table_name VARCHAR, column_name VARCHAR, "
            "position INTEGER, type VARCHAR, unit VARCHAR, required BOOLEAN, "
            "references_column VARCHAR, description VARCHAR)"
        )
        _insert_rows(
            con,
            "schema_columns",
            [
                (
                    t.name,
                    c.name,
                    i,
                    c.type,
                    c.unit,
                    c.required,
                    ".".join(c.references) if c.references else None,
                    c.description,
                )
                for t in schema.tables.values()
                for i, c in enumerate(t.columns)
            ],
        )
        con.execute(
            "CREATE TABLE metadata (file VARCHAR NOT NULL, table_name VARCHAR, "
            "sha256 VARCHAR NOT NULL, bytes BIGINT NOT NULL, rows BIGINT, "
            "built_at TIMESTAMP NOT NULL, schema_version INTEGER NOT NULL, "
            "toolkit_version VARCHAR NOT NULL, build_format INTEGER NOT NULL)"
        )
        by_file = {t.file: t.name for t in schema.tables.values()}
        naive_utc = built_at.astimezone(UTC).replace(tzinfo=None)
        _insert_rows(
            con,
            "metadata",
            [
                (
                    fname,
                    by_file.get(fname),
                    _sha256(data),
                    len(data),
                    rows.get(by_file[fname]) if fname in by_file else None,
                    naive_utc,
                    schema.version,
                    __version__,
                    BUILD_FORMAT,
                )
                for fname, data in sorted(blobs.items())
            ],
        )
        for sql in _VIEWS_SQL:
            con.execute(sql)
        for sql in _SELF_CHECKS:
            con.execute(sql).fetchall()
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise WarehouseError(f"the warehouse build failed: {_one_line(exc)}") from exc
    finally:
        con.close()
    return rows


def _one_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    """The single row of a query that always returns one (an aggregate)."""
    row = con.execute(sql).fetchone()
    if row is None:
        raise WarehouseError(f"the warehouse build failed: no row from {sql}")
    return row


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _remove_leftovers(path: Path) -> None:
    """Delete temporary files of builds that crashed (called under the build lock)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp*"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def build(
    *,
    force: bool = False,
    datasets: str | os.PathLike[str] | None = None,
    path: str | os.PathLike[str] | None = None,
    today: date | None = None,
) -> BuildReport:
    """Build the warehouse from the datasets folder, unless it is already up to date.

    Validation runs first; on any problem nothing is written and the previous
    database stays in place. The new database is written to a temporary file in
    the same folder, checked (every view and macro is queried), then moved into
    place atomically. Concurrent builds wait for each other on a lock file.

    Args:
        force: rebuild even when no source changed.
        datasets: the folder of CSVs and ``schema.yaml`` (default: ``config.datasets_dir()``).
        path: the database file (default: ``config.warehouse_path()``).
        today: the date against which unscheduled future prices are rejected
            (default: ``date.today()``).

    Returns:
        What was done: rows per table, whether it rebuilt and why.

    Raises:
        DataValidationError: the datasets have problems (every one is listed).
        WarehouseError: the database cannot be written or the folder is missing.
    """
    started = time.perf_counter()
    datasets_dir = Path(datasets or config.datasets_dir()).expanduser().resolve()
    db = Path(path or config.warehouse_path()).expanduser().resolve()
    if not force:
        state = _freshness(datasets_dir, db)
        if state.fresh:
            return _report(db, False, state, started)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot create the warehouse folder {db.parent}: {exc}") from exc
    with _build_lock(db):
        if not force:  # another process may have built it while this one waited
            state = _freshness(datasets_dir, db)
            if state.fresh:
                return _report(db, False, state, started)
            reason = state.reason
        else:
            reason = "forced"
        _remove_leftovers(db)
        schema, blobs, stats, extra, stat_ns = _read_sources(datasets_dir)
        problems, parsed = _validate_blobs(
            datasets_dir, schema, blobs, extra, today or date.today()
        )
        if problems:
            raise DataValidationError(problems)
        built_at = datetime.now(UTC).replace(microsecond=0)
        tmp = db.with_name(f".{db.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            rows = _write_database(tmp, schema, parsed, blobs, built_at)
            os.replace(tmp, db)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
        hashes = {name: _sha256(data) for name, data in blobs.items()}
        with contextlib.suppress(OSError):
            _write_stamp(db, datasets_dir, stats, hashes, rows, built_at.isoformat(), stat_ns)
    state = _Freshness(True, reason, rows, built_at.isoformat())
    return _report(db, True, state, started)


def _report(db: Path, rebuilt: bool, state: _Freshness, started: float) -> BuildReport:
    built_at = datetime.fromisoformat(state.built_at) if state.built_at else None
    return BuildReport(
        path=db,
        rebuilt=rebuilt,
        reason=state.reason,
        rows=dict(state.rows),
        built_at=built_at,
        seconds=time.perf_counter() - started,
    )


def ensure_built() -> Path:
    """Build the warehouse if it is missing or stale, and return its path.

    Returns:
        The absolute path of the database file.

    Raises:
        DataValidationError: the datasets have problems.
        WarehouseError: the database cannot be built.
    """
    return build().path


def version(path: Path | None = None) -> tuple[str, int, int, int]:
    """The warehouse file's version key: ``(path, size, mtime_ns, inode)``.

    It changes whenever a build replaces the file, so caches of what was read
    from the warehouse (this module's shared connection, the gap analysis's
    tables) key on it and are dropped when it moves.

    Args:
        path: the database file (default: build it if needed, then use it).
    """
    path = path or ensure_built()
    st = path.stat()
    return (str(path), st.st_size, st.st_mtime_ns, st.st_ino)


def validate(
    directory: str | os.PathLike[str] | None = None, *, today: date | None = None
) -> list[str]:
    """Check a datasets folder against its schema without building anything.

    The problems of :func:`validate_dir`.

    Args:
        directory: the folder of CSVs (default: ``config.datasets_dir()``).
        today: the date against which unscheduled future prices are rejected
            (default: ``date.today()``).

    Returns:
        Every problem, one ``datasets/FILE.csv:LINE: column: what is wrong (value)``
        line each; empty when the data is valid.

    Raises:
        WarehouseError: the folder does not exist.
    """
    return validate_dir(directory, today=today).problems


def validate_dir(
    directory: str | os.PathLike[str] | None = None, *, today: date | None = None
) -> Validation:
    """Check a datasets folder against its schema without building anything.

    The folder's own ``schema.yaml`` is used, or the toolkit's when it has none.

    Args:
        directory: the folder of CSVs (default: ``config.datasets_dir()``).
        today: the date against which unscheduled future prices are rejected
            (default: ``date.today()``).

    Returns:
        The problems and the rows read per table.

    Raises:
        WarehouseError: the folder does not exist.
    """
    folder = Path(directory or config.datasets_dir()).expanduser().resolve()
    if not folder.is_dir():
        raise WarehouseError(f"datasets folder not found: {folder}")
    try:
        schema_path = folder / SCHEMA_FILE
        if schema_path.is_file():
            schema = load_schema(schema_path)
        else:
            schema = load_schema(config.datasets_dir() / SCHEMA_FILE)
    except DataValidationError as exc:
        return Validation(exc.problems, {})
    blobs: dict[str, bytes] = {}
    for f in sorted(folder.glob("*.csv")):
        blobs[f.name] = f.read_bytes()
    described = {t.file for t in schema.tables.values()}
    extra = sorted(n for n in blobs if n not in described)
    problems, parsed = _validate_blobs(folder, schema, blobs, extra, today or date.today())
    return Validation(problems, {name: p.rows for name, p in parsed.items()})


# --------------------------------------------------------------------------- reading


def connect(*, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, building it first if needed.

    The connection has the warehouse as its default catalog, so tables, views and
    macros are used by name: ``con.sql("SELECT * FROM prices_at('2026-01-01')")``.
    Close it when done (or use it as a context manager).

    Args:
        read_only: open read-only (the default, for every reader). A writable
            connection changes the generated file; its changes are lost at the
            next rebuild.

    Returns:
        A new DuckDB connection of its own.

    Raises:
        DataValidationError: the datasets have problems.
        WarehouseError: the database cannot be built or opened.
    """
    return _attach(ensure_built(), read_only=read_only)


class _Shared:
    """One read-only attachment per process, reopened when the file is replaced.

    Opening a DuckDB file costs ~15 ms; reusing the attachment (one cursor per call)
    keeps a warm ``load()`` to a few milliseconds.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[str, int, int, int] | None = None
        self.con: duckdb.DuckDBPyConnection | None = None
        self.names: tuple[str, ...] = ()

    def cursor(self, path: Path) -> tuple[duckdb.DuckDBPyConnection, tuple[str, ...]]:
        key = version(path)
        with self.lock:
            if self.con is None or self.key != key:
                # The old connection is dropped, not closed: cursors in use elsewhere keep it alive.
                con = _attach(path)
                names = tuple(
                    r[0]
                    for r in con.execute(
                        "SELECT table_name FROM information_schema.tables "
                        "WHERE table_catalog = ? AND NOT starts_with(table_name, '_') "
                        "ORDER BY table_name",
                        [CATALOG],
                    ).fetchall()
                )
                self.con, self.key, self.names = con, key, names
            cur = self.con.cursor()
            names = self.names
        cur.execute(f"USE {CATALOG}")
        return cur, names


_SHARED = _Shared()


def _frame(
    cur: duckdb.DuckDBPyConnection, sql: str, params: Any, backend: str
) -> polars.DataFrame | pandas.DataFrame:
    rel = cur.sql(sql, params=params)
    if rel is None:  # a statement without a result
        if backend == "polars":
            import polars as pl

            return pl.DataFrame()
        import pandas as pd

        return pd.DataFrame()
    return rel.pl() if backend == "polars" else rel.df()


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise WarehouseError(f"backend = {backend!r}: use one of {', '.join(BACKENDS)}")


def table_names() -> list[str]:
    """Every table and view of the warehouse (building it first if needed).

    Returns:
        Sorted names.
    """
    cur, names = _SHARED.cursor(ensure_built())
    cur.close()
    return list(names)


@overload
def load(name: str, *, backend: Literal["polars"] = ...) -> polars.DataFrame: ...
@overload
def load(name: str, *, backend: Literal["pandas"]) -> pandas.DataFrame: ...
@overload
def load(name: str, *, backend: str) -> polars.DataFrame | pandas.DataFrame: ...
def load(name: str, *, backend: str = "polars") -> polars.DataFrame | pandas.DataFrame:
    """Load a whole table or view of the warehouse (building it first if needed).

    Args:
        name: a table (``models``, ``api_prices``, ``metadata``, ...) or view
            (``api_prices_history``, ``models_priced``).
        backend: ``"polars"`` (default) or ``"pandas"``.

    Returns:
        The rows as a DataFrame.

    Raises:
        WarehouseError: unknown name (the message lists the known ones) or backend.
        DataValidationError: the datasets have problems.
    """
    _check_backend(backend)
    cur, names = _SHARED.cursor(ensure_built())
    try:
        if name not in names:
            raise WarehouseError(f"no table or view named {name!r}; known: {', '.join(names)}")
        return _frame(cur, f'SELECT * FROM "{name}"', None, backend)
    finally:
        cur.close()


@overload
def query(
    sql: str,
    params: Sequence[Any] | dict[str, Any] | None = ...,
    *,
    backend: Literal["polars"] = ...,
) -> polars.DataFrame: ...
@overload
def query(
    sql: str, params: Sequence[Any] | dict[str, Any] | None = ..., *, backend: Literal["pandas"]
) -> pandas.DataFrame: ...
@overload
def query(
    sql: str, params: Sequence[Any] | dict[str, Any] | None = ..., *, backend: str
) -> polars.DataFrame | pandas.DataFrame: ...
def query(
    sql: str,
    params: Sequence[Any] | dict[str, Any] | None = None,
    *,
    backend: str = "polars",
) -> polars.DataFrame | pandas.DataFrame:
    """Run SQL on a read-only connection to the warehouse.

    Args:
        sql: the query; use ``?`` or ``$name`` placeholders for values.
        params: values for the placeholders.
        backend: ``"polars"`` (default) or ``"pandas"``.

    Returns:
        The result as a DataFrame.

    Raises:
        WarehouseError: the SQL fails (the message carries DuckDB's explanation).
    """
    import duckdb

    _check_backend(backend)
    cur, _ = _SHARED.cursor(ensure_built())
    try:
        return _frame(cur, sql, params, backend)
    except duckdb.Error as exc:
        raise WarehouseError(f"SQL error: {_one_line(exc)}") from exc
    finally:
        cur.close()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def query_rows(
    sql: str, params: Sequence[Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run SQL on a read-only connection and return plain Python rows (no DataFrame).

    Args:
        sql: the query; use ``?`` placeholders for values.
        params: values for the placeholders.

    Returns:
        The column names (empty for a statement without a result) and the rows as tuples.

    Raises:
        WarehouseError: the SQL fails (the message carries DuckDB's explanation).
    """
    import duckdb

    cur, _ = _SHARED.cursor(ensure_built())
    try:
        cur.execute(sql, params)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    except duckdb.Error as exc:
        raise WarehouseError(f"SQL error: {_one_line(exc)}") from exc
    finally:
        cur.close()


def table_sources() -> dict[str, dict[str, Any]]:
    """Per curated table: rows, distinct sources and the as-of date range, for briefs.

    The as-of column is the table's first date column (``models.release_date``,
    ``benchmark_scores.source_date``, ``arena_ratings.snapshot_date``,
    ``api_prices.effective_from``, ``gpu_cloud_prices.as_of``,
    ``gap_claims.published_date``; ``gpus`` has none).

    Returns:
        ``{table: {"file", "rows", "sources", "as_of_column", "as_of_min", "as_of_max"}}``
        with dates as ``datetime.date`` (None when the table has no date column or rows).
    """
    _, meta = query_rows(
        "SELECT m.table_name, m.file, m.rows, "
        "  (SELECT c.column_name FROM schema_columns c WHERE c.table_name = m.table_name "
        "   AND c.type = 'date' ORDER BY c.position LIMIT 1), "
        "  EXISTS (SELECT 1 FROM schema_columns c WHERE c.table_name = m.table_name "
        "   AND c.column_name = 'source') "
        "FROM metadata m WHERE m.table_name IS NOT NULL ORDER BY m.file"
    )
    out: dict[str, dict[str, Any]] = {}
    for table, file, nrows, as_of, has_source in meta:
        parts = ['count(DISTINCT "source")' if has_source else "NULL"]
        parts += [f'min("{as_of}")', f'max("{as_of}")'] if as_of else ["NULL", "NULL"]
        _, ((sources, lo, hi),) = query_rows(f'SELECT {", ".join(parts)} FROM "{table}"')
        out[table] = {
            "file": file,
            "rows": int(nrows),
            "sources": int(sources) if sources is not None else 0,
            "as_of_column": as_of,
            "as_of_min": lo,
            "as_of_max": hi,
        }
    return out


def data_through(at: date | None = None) -> dict[str, date | None]:
    """Per dated table: the date of its newest row on or before ``at``.

    The date is the table's first date column (see :func:`table_sources`), so
    "benchmark_scores data through 2026-07-01" means no score in the warehouse
    is dated later than that day (the day its source published it).

    Args:
        at: the day the data is read as of (None: every row counts).

    Returns:
        ``{table: date}`` for every table with a date column; None when no row
        is dated on or before ``at``.
    """
    _, meta = query_rows(
        "SELECT m.table_name, (SELECT c.column_name FROM schema_columns c "
        "WHERE c.table_name = m.table_name AND c.type = 'date' ORDER BY c.position LIMIT 1) "
        "FROM metadata m WHERE m.table_name IS NOT NULL ORDER BY m.table_name"
    )
    dated = [(table, column) for table, column in meta if column]
    if not dated:
        return {}
    selects = " UNION ALL ".join(
        f'SELECT \'{table}\' AS t, max("{column}") FILTER (WHERE ? IS NULL OR "{column}" <= ?) '
        f'FROM "{table}"'
        for table, column in dated
    )
    params: list[Any] = [at, at] * len(dated)
    _, rows = query_rows(selects, params)
    return {table: newest for table, newest in rows}


def undated_priced_models() -> list[dict[str, Any]]:
    """Models with an API price but no release date, each with the reason the row gives.

    Returns:
        ``[{"model_id", "name", "open_weights", "reason"}]`` ordered by ``model_id``;
        ``reason`` is ``release_date_missing_reason`` ("no reason given" when empty).
    """
    cols, rows = query_rows(
        "SELECT m.model_id, m.name, m.open_weights, "
        "coalesce(nullif(trim(m.release_date_missing_reason), ''), 'no reason given') AS reason "
        "FROM models m WHERE m.release_date IS NULL "
        "AND EXISTS (SELECT 1 FROM api_prices p WHERE p.model_id = m.model_id) ORDER BY 1"
    )
    return [dict(zip(cols, row, strict=True)) for row in rows]


def score_counts() -> dict[str, Any]:
    """Benchmark scores counted by side (open or closed weights) and by who reported them.

    Returns:
        ``{"by_side": {"open": n, "closed": n}, "by_reporter": {eval_relationship:
        {"open": n, "closed": n}}}``; ``eval_relationship`` is ``independent``,
        ``self-reported``, ``competitor-reported``, ...
    """
    _, rows = query_rows(
        "SELECT b.eval_relationship, m.open_weights, count(*) FROM benchmark_scores b "
        "JOIN models m USING (model_id) GROUP BY ALL ORDER BY 1, 2"
    )
    by_side = {"open": 0, "closed": 0}
    by_reporter: dict[str, dict[str, int]] = {}
    for relationship, open_weights, n in rows:
        side = "open" if open_weights else "closed"
        by_side[side] += int(n)
        counts = by_reporter.setdefault(str(relationship), {"open": 0, "closed": 0})
        counts[side] += int(n)
    return {"by_side": by_side, "by_reporter": by_reporter}


def summary(*, today: date | None = None) -> dict[str, Any]:
    """A short account of the warehouse: tables, rows, how current each is, gaps in it.

    Args:
        today: the date for "prices in force" and "data through" (default: ``date.today()``).

    Returns:
        ``{"path", "built_at", "today", "tables", "newest_price_date",
        "prices_in_force", "scheduled_changes", "undated_priced", "scores"}``:
        ``tables`` is :func:`table_sources` with each table's ``data_through`` on
        ``today`` (:func:`data_through`); ``undated_priced`` the models with a price
        and no release date, with the reason (:func:`undated_priced_models`);
        ``scores`` the counts by side and reporter (:func:`score_counts`).
    """
    today = today or date.today()
    path = ensure_built()
    tables = table_sources()
    through = data_through(today)
    for table, info in tables.items():
        info["data_through"] = through.get(table)
    _, ((built_at,),) = query_rows("SELECT max(built_at) FROM metadata")
    _, ((newest, scheduled),) = query_rows(
        "SELECT max(effective_from) FILTER (WHERE effective_from <= ?), "
        "count(*) FILTER (WHERE effective_from > ?) FROM api_prices",
        [today, today],
    )
    _, ((in_force,),) = query_rows("SELECT count(*) FROM prices_at(?)", [today])
    return {
        "path": str(path),
        "built_at": built_at.replace(tzinfo=UTC) if built_at else None,
        "today": today,
        "tables": tables,
        "newest_price_date": newest,
        "prices_in_force": int(in_force),
        "scheduled_changes": int(scheduled),
        "undated_priced": undated_priced_models(),
        "scores": score_counts(),
    }


def export(directory: str | os.PathLike[str], *, fmt: str = "parquet") -> list[Path]:
    """Write every table of the warehouse to ``directory``, one file per table.

    Each file is written under a temporary name and moved into place, so a reader
    never sees a half-written file.

    Args:
        directory: the output folder (created if missing).
        fmt: ``"parquet"``.

    Returns:
        The files written.

    Raises:
        WarehouseError: unknown format, or the folder cannot be written.
    """
    import duckdb

    if fmt != "parquet":
        raise WarehouseError(f"format = {fmt!r}: only parquet is supported")
    out_dir = Path(directory).expanduser().resolve()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot create {out_dir}: {exc}") from exc
    _, tables = query_rows(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = ? AND table_type = 'BASE TABLE' "
        "AND NOT starts_with(table_name, '_') ORDER BY table_name",
        [CATALOG],
    )
    written: list[Path] = []
    cur, _ = _SHARED.cursor(ensure_built())
    try:
        for (table,) in tables:
            target = out_dir / f"{table}.parquet"
            tmp = out_dir / f".{table}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
            try:
                quoted = str(tmp).replace("'", "''")
                cur.execute(f"COPY \"{table}\" TO '{quoted}' (FORMAT parquet)")
                os.replace(tmp, target)
            except (duckdb.Error, OSError) as exc:
                raise WarehouseError(f"cannot write {target}: {_one_line(exc)}") from exc
            finally:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
            written.append(target)
    finally:
        cur.close()
    return written
