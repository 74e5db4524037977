"""What the warehouse holds: its tables, their sources and dates, and what is missing.

The account :func:`summary` gives (``python -m analysis summary``, the start
page): per table its rows, distinct sources and the range of its as-of column
(:func:`table_sources`), the date of its newest row on or before a day
(:func:`data_through`, the "data through" every brief and chart states), the
models that have a price but no release date (:func:`undated_priced_models`)
and the benchmark scores counted by side and reporter (:func:`score_counts`).
Each reads the built warehouse through :func:`analysis.warehouse.query_rows`.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from analysis.warehouse import ensure_built, query_rows


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
