"""How current the data behind a result is: "data through" per dataset, and staleness.

A brief or a panel is dated (its as-of date: the prices in force, the models
released by then); the data it reads has dates of its own. For each dataset,
:class:`DataDates` holds the date of its newest row on or before the as-of date
("benchmark results: data through 2026-07-01"), so a reader sees how current
each part is, not only the date the result is stamped with.
:func:`staleness` says, by a stated rule, whether the newest benchmark data is
too old for the date: older than :data:`STALE_AFTER_DAYS` days before it.

:func:`data_dates` reads the dates from the warehouse
(:func:`analysis.warehouse.data_through`), once per warehouse version and date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from analysis.records import Record

#: How each dataset is named for a reader.
DATASET_LABELS = {
    "benchmark_scores": "benchmark results",
    "eci_scores": "Epoch Capabilities Index",
    "arena_ratings": "LMArena ratings",
    "api_prices": "API prices",
    "gpu_cloud_prices": "cloud GPU prices",
    "models": "model releases",
    "gap_claims": "published gap claims",
    "gpu_price_index": "GPU price index",
    "api_aliases": "API alias periods",
}

#: The datasets that say how capable models are: their newest row decides staleness.
BENCHMARK_TABLES = ("benchmark_scores", "eci_scores")

#: Benchmark data older than this many days before the as-of date is stale [days].
STALE_AFTER_DAYS = 90


@dataclass(frozen=True)
class DataDates(Record):
    """The newest row of each dataset on or before a date.

    Attributes:
        as_of: the date the data is read as of.
        through: table -> the date of its newest row on or before ``as_of``
            (None: no row by then).
    """

    as_of: date
    through: Mapping[str, date | None] = field(default_factory=dict)

    def newest(self, tables: Iterable[str]) -> date | None:
        """The newest date among ``tables`` (None when none of them has a row by ``as_of``)."""
        dates = [d for t in tables if (d := self.through.get(t)) is not None]
        return max(dates) if dates else None

    def line(self, tables: Sequence[str] | None = None) -> str:
        """``"Data through: benchmark results 2026-07-01; API prices 2026-11-20."``

        Args:
            tables: the datasets to name, in order (default: every dated dataset).

        Returns:
            One sentence; a dataset with no row by ``as_of`` reads "none by <as_of>".
        """
        names = list(tables) if tables is not None else list(self.through)
        parts = [f"{label(t)} {_day(self.through.get(t), self.as_of)}" for t in names]
        return f"Data through: {'; '.join(parts)}." if parts else ""


def label(table: str) -> str:
    """A dataset's name for a reader (:data:`DATASET_LABELS`, else the table's name)."""
    return DATASET_LABELS.get(table, table.replace("_", " "))


def _day(value: date | None, as_of: date) -> str:
    return value.isoformat() if value is not None else f"none by {as_of.isoformat()}"


@dataclass(frozen=True)
class Staleness(Record):
    """Whether the newest benchmark data is too old for a date, by :func:`staleness`'s rule.

    Attributes:
        as_of: the date of the result.
        newest: the newest benchmark data on or before ``as_of`` (None: none at all).
        age_days: ``as_of − newest`` [days] (None without data).
        threshold_days: the rule's limit [days].
        stale: ``newest`` is missing or more than ``threshold_days`` before ``as_of``.
    """

    as_of: date
    newest: date | None
    age_days: int | None
    threshold_days: int
    stale: bool

    def note(self, what: str = "this brief") -> str:
        """The staleness in plain words ("" when the data is current enough).

        Args:
            what: what the data is behind ("this brief", "this panel").
        """
        if not self.stale:
            return ""
        day = self.as_of.isoformat()
        if self.newest is None:
            return (
                f"The warehouse holds no benchmark results dated on or before {day}, so "
                f"{what} cannot say which models were the best then. Refresh the data "
                "(python -m analysis refresh-scores) or pick a later date."
            )
        return (
            f"The newest benchmark data behind {what} is from {self.newest.isoformat()}, "
            f"{self.age_days} days before its date ({day}). Models released since then are "
            "missing from the comparison, and the best models named here may have been "
            "overtaken: refresh the data (python -m analysis refresh-scores) before relying "
            "on it."
        )


def staleness(
    dates: DataDates,
    *,
    threshold_days: int = STALE_AFTER_DAYS,
    tables: Sequence[str] = BENCHMARK_TABLES,
) -> Staleness:
    """The staleness rule: benchmark data older than ``threshold_days`` before the date is stale.

    ``age = as_of − newest`` [days], ``newest`` the newest row of ``tables`` on
    or before ``as_of``; stale when there is none or ``age > threshold_days``.

    Args:
        dates: the datasets' dates (:func:`data_dates`).
        threshold_days: the limit [days], >= 0.
        tables: the datasets whose newest row counts.

    Returns:
        The verdict with its figures.
    """
    newest = dates.newest(tables)
    age = (dates.as_of - newest).days if newest is not None else None
    return Staleness(
        as_of=dates.as_of,
        newest=newest,
        age_days=age,
        threshold_days=threshold_days,
        stale=age is None or age > threshold_days,
    )


_CACHE: dict[tuple[object, date], DataDates] = {}


def data_dates(as_of: date) -> DataDates:
    """The newest row of every dated warehouse table on or before ``as_of``.

    Read once per warehouse version and date (a panel asks on every refresh).

    Raises:
        WarehouseError: the warehouse cannot be read.
    """
    from analysis import warehouse

    key = (warehouse.version(), as_of)
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) >= 64:
            _CACHE.clear()
        found = _CACHE[key] = DataDates(as_of, warehouse.data_through(as_of))
    return found
