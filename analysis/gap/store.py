"""The gap analysis on the warehouse: its tables read once per warehouse version, and the
gaps that do not move with the analysis date kept.
"""

from __future__ import annotations

import bisect
import dataclasses
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from analysis.errors import DateError, GapError
from analysis.gap import frontiers
from analysis.gap.arena import ARENA, arena_selection
from analysis.gap.cheapest import cheapest_over_time
from analysis.gap.claims import DEFAULT_CHEAPER_FACTOR, claim_check
from analysis.gap.eci import (
    EciIndex,
    EciWindowGap,
    eci_index,
    eci_window_gap,
    is_eci,
    snapshot_for,
    window_snapshot,
)
from analysis.gap.equal_capability import DEFAULT_SHARE, CapabilityCost, cost_at_capability
from analysis.gap.frames import (
    iso,
    pandas_copy,
    timestamp,
)
from analysis.gap.frontiers import DEFAULT_LEVELS, GapResult
from analysis.gap.intervals import Bootstrap, default_window
from analysis.gap.over_time import GapSeries, gap_series, month_ends
from analysis.gap.quality import quality_price_table
from analysis.gap.selection import (
    INDEPENDENT,
    Candidates,
    Selection,
    candidates,
    choose,
    select_scores,
    selection_inputs,
)

if TYPE_CHECKING:
    import pandas as pd

    from analysis.gap.frames import DateLike


T = TypeVar("T")

KEEP_GAPS = 64
"""Gaps as of fixed dates (the claims' publication dates) kept per warehouse version;
also the number of benchmark selections kept before the ``as_of`` cut."""


class _Remembered:
    """Warehouse tables and gap results, kept for one version of the warehouse file.

    A version is the file's path, size, modification time and inode: a rebuilt or
    re-pointed warehouse is a new version, and what was kept for the old one is dropped.
    Kept: whole tables; per benchmark, source, variant and base rule, the rows the
    selection rules keep before the ``as_of`` cut (:class:`Candidates`: the part of a
    selection that does not move with the analysis date); gaps as of fixed dates (a
    claim's publication date does not move with the analysis date either); each up to
    :data:`KEEP_GAPS`; the ``eci_scores`` table read once (:class:`EciIndex`); the prices
    of every price period read once (:class:`PricePeriods`); and the latest gap asked for
    by :func:`benchmark_gap` and the latest selection, so that a panel, its claim check
    and its cost check on the same benchmark and date share one computation. Gap errors
    are kept as messages. Results handed out are shared: treat them as read-only.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: tuple[Any, ...] | None = None
        self.tables: dict[str, pd.DataFrame] = {}
        self.candidates: dict[tuple[Any, ...], Candidates] = {}
        self.fixed: dict[tuple[Any, ...], Any] = {}
        self.latest: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self.eci_read: tuple[tuple[Any, ...], EciIndex | None] | None = None
        self.chosen: tuple[tuple[Any, ...], Selection] | None = None
        self.periods: tuple[tuple[Any, ...], PricePeriods] | None = None

    def check(self) -> tuple[Any, ...]:
        """The current warehouse version (building it if needed); forget an older one."""
        from analysis import warehouse

        version = warehouse.version()
        with self.lock:
            if version != self.version:
                self.version, self.tables, self.latest = version, {}, {}
                self.candidates, self.fixed = {}, {}
                self.eci_read = self.chosen = self.periods = None
        return version

    def table(self, name: str, version: tuple[Any, ...] | None = None) -> pd.DataFrame:
        """A whole table (kept: read it, do not change it); ``version`` if just checked."""
        from analysis import warehouse

        version = version or self.check()
        with self.lock:
            found = self.tables.get(name)
        if found is None:
            found = pandas_copy(warehouse.load(name, backend="pandas"), name)
            with self.lock:
                if self.version == version:
                    self.tables[name] = found
        return found

    def selection(
        self,
        benchmark: str,
        source: str,
        setting: str | None,
        variant: str | None,
        as_of: DateLike | None,
        include_base: bool,
        version: tuple[Any, ...],
    ) -> Selection:
        """:func:`select_scores` on the warehouse tables, its first half kept."""
        sc, md, label = selection_inputs(
            self.table("benchmark_scores", version),
            self.table("models", version),
            benchmark,
            source,
        )
        cut = timestamp(as_of)
        key = (version, label, source, variant, include_base)
        chosen_key = (*key, setting, cut)
        with self.lock:
            cands = self.candidates.get(key)
            if self.chosen is not None and self.chosen[0] == chosen_key:
                return self.chosen[1]
        if cands is None:
            cands = candidates(sc, md, label, source, variant, include_base)
            with self.lock:
                if self.version == version and len(self.candidates) < KEEP_GAPS:
                    self.candidates[key] = cands
        found = choose(cands, setting, cut)
        with self.lock:
            if self.version == version:
                self.chosen = (chosen_key, found)
        return found

    def prices(self, day: date, version: tuple[Any, ...] | None = None) -> pd.DataFrame:
        """``model_prices_at(day)``, from :class:`PricePeriods` read once per version (a frame
        of the caller's own)."""
        version = version or self.check()
        with self.lock:
            periods = self.periods[1] if self.periods and self.periods[0] == version else None
        if periods is None:
            periods = PricePeriods.read()
            with self.lock:
                if self.version == version:
                    self.periods = (version, periods)
        return periods.at(day)

    def eci(self, version: tuple[Any, ...] | None = None) -> EciIndex | None:
        """The ``eci_scores`` table read into an :class:`EciIndex`, once per version (None:
        the warehouse has no such table)."""
        version = version or self.check()
        with self.lock:
            if self.eci_read is not None and self.eci_read[0] == version:
                return self.eci_read[1]
        eci = optional_table("eci_scores", version)
        found = None if eci is None else eci_index(eci, self.table("models", version))
        with self.lock:
            if self.version == version:
                self.eci_read = (version, found)
        return found

    def remember(
        self,
        key: tuple[Any, ...],
        compute: Callable[[tuple[Any, ...]], T],
        fixed: bool,
        version: tuple[Any, ...] | None = None,
        slot: str = "gap",
    ) -> T:
        """The result for ``key``: kept, else ``compute(version)`` and kept (``fixed``: among
        the fixed dates' results, up to :data:`KEEP_GAPS`, else as the latest of its
        ``slot``); ``version`` if just checked. A :class:`GapError` is kept as its message
        and raised again."""
        version = version or self.check()
        key = (version, *key)
        with self.lock:
            if fixed:
                found = self.fixed.get(key)
            else:
                last = self.latest.get(slot)
                found = last[1] if last is not None and last[0] == key else None
        if found is None:
            try:
                found = compute(version)
            except GapError as exc:
                found = _Failed(str(exc))
            with self.lock:
                if self.version == version:
                    if not fixed:
                        self.latest[slot] = (key, found)
                    elif len(self.fixed) < KEEP_GAPS:
                        self.fixed[key] = found
        if isinstance(found, _Failed):
            raise GapError(found.message)
        return found


@dataclass(frozen=True)
class PricePeriods:
    """``model_prices_at(d)`` for every date ``d``, read in one query.

    ``prices_at(d)`` depends on ``d`` only through ``effective_from <= d < effective_to``
    (see :mod:`analysis.warehouse`), so its result, and ``model_prices_at``'s, stays the
    same from one of those dates to the next: a period. One query reads the prices of
    every period at a representative day (its first; the day before the first change for
    the period before it), and a day's prices are those of its period. A slider moving
    the analysis date then costs a lookup, not a query.

    Attributes:
        changes: the dates a period starts on (every ``effective_from`` and
            ``effective_to``), ascending; period 0 runs before the first.
        rows: every period's prices, ``model_prices_at``'s columns, sorted by period and
            ``model_id``.
        bounds: period ``k`` is ``rows[bounds[k]:bounds[k + 1]]``.
    """

    changes: list[date]
    rows: pd.DataFrame
    bounds: list[int]

    @classmethod
    def read(cls) -> PricePeriods:
        """The periods of the current warehouse.

        Raises:
            WarehouseError: the warehouse cannot be queried.
        """
        from datetime import timedelta

        import numpy as np

        from analysis import warehouse

        _, found = warehouse.query_rows(
            "SELECT DISTINCT day FROM (SELECT effective_from AS day FROM api_prices_resolved "
            "UNION ALL SELECT effective_to FROM api_prices_resolved) "
            "WHERE day IS NOT NULL ORDER BY day"
        )
        changes = [r[0] for r in found]
        # With no change date every day has the same prices: any day stands for them.
        days = [changes[0] - timedelta(days=1) if changes else date(2000, 1, 1), *changes]
        rows = warehouse.query(
            "SELECT p.period AS _period, m.* "
            "FROM (SELECT unnest(?::BIGINT[]) AS period, unnest(?::DATE[]) AS day) AS p, "
            "LATERAL (SELECT * FROM model_prices_at(p.day)) AS m "
            "ORDER BY _period, m.model_id",
            [list(range(len(days))), days],
            backend="pandas",
        )
        period = rows.pop("_period").to_numpy()
        bounds = np.searchsorted(period, np.arange(len(days) + 1), side="left").tolist()
        return cls(changes, rows, bounds)

    def at(self, day: date) -> pd.DataFrame:
        """The prices in force on ``day`` (one row per ``model_id``, sorted by it)."""
        k = bisect.bisect_right(self.changes, day)
        return self.rows.iloc[self.bounds[k] : self.bounds[k + 1]].reset_index(drop=True)


@dataclass(frozen=True)
class _Failed:
    """A kept error: the message of the :class:`GapError` a computation raised."""

    message: str


_REMEMBERED = _Remembered()


def load_tables(*names: str) -> dict[str, pd.DataFrame]:
    """Warehouse tables as pandas DataFrames.

    Each table is read once per version of the warehouse file; every call gets its own
    copy (copy-on-write: changing it leaves the kept table as it is).

    Args:
        names: table names (e.g. ``benchmark_scores``, ``models``).

    Returns:
        Name -> DataFrame.

    Raises:
        WarehouseError: the warehouse cannot be opened (from :mod:`analysis.warehouse`).
    """
    return {n: _REMEMBERED.table(n).copy(deep=False) for n in names}


def model_prices(as_of: DateLike) -> pd.DataFrame:
    """Per-model prices in force on a date (the warehouse's ``model_prices_at`` macro).

    Args:
        as_of: the date.

    Returns:
        One row per model_id: price_basis, input/output/blended_usd_per_mtok.

    Raises:
        DateError: ``as_of`` is not a date.
        GapError: ``as_of`` is None.
        WarehouseError: the warehouse cannot be queried.
    """
    day = timestamp(as_of)
    if day is None:
        raise GapError("as_of = None: prices need a date")
    return _REMEMBERED.prices(day.date())


def optional_table(name: str, version: tuple[Any, ...] | None = None) -> pd.DataFrame | None:
    """A warehouse table that older warehouses may lack (``eci_scores``): None if absent.

    Raises:
        WarehouseError: the warehouse cannot be opened.
    """
    from analysis.errors import WarehouseError

    version = version or _REMEMBERED.check()
    try:
        return _REMEMBERED.table(name, version)
    except WarehouseError as exc:
        if str(exc).startswith("no table or view named"):
            return None
        raise


def _eci_needed(version: tuple[Any, ...]) -> EciIndex:
    found = _REMEMBERED.eci(version)
    if found is None:
        raise GapError("the warehouse has no eci_scores table: rebuild it from datasets/")
    return found


def _boot(intervals: bool | Bootstrap) -> Bootstrap | None:
    if isinstance(intervals, Bootstrap):
        return intervals
    return Bootstrap() if intervals else None


def benchmark_gap(
    benchmark: str,
    *,
    source: str = "independent",
    setting: str | None = None,
    variant: str | None = None,
    as_of: DateLike | None = None,
    include_base: bool = False,
    levels: int = DEFAULT_LEVELS,
    intervals: bool | Bootstrap = True,
    method: str | None = None,
    window: tuple[DateLike, DateLike] | None = None,
    snapshot: DateLike | None = None,
) -> GapResult:
    """The open-vs-closed gap on a benchmark, read from the warehouse, with intervals.

    ``benchmark`` "eci" (any case) analyses one snapshot of Epoch's Capabilities Index
    (``snapshot``, else the newest on or before ``as_of`` that covers the window; see
    :func:`analysis.gap.eci.eci_window_gap`): the lag and points gap averaged over
    ``window`` (default: :func:`analysis.gap.intervals.default_window`) by ``method``
    (default ``days``). "arena" or "Arena rating" analyses the
    Arena snapshot on or before ``as_of`` (see :func:`arena_selection`). Any other label
    is a single benchmark (lag by ``levels`` unless ``method`` says otherwise).

    The latest result is kept for the same arguments and warehouse version (a panel and
    its claim check share it); it is shared, so treat it as read-only.

    Args:
        benchmark: benchmark label, ``eci`` or ``arena``.
        source: ``independent``, ``vendor`` or ``all`` (single benchmarks).
        setting: None, ``"best"`` or a setting text.
        variant: a ``benchmark_variant`` to keep.
        as_of: only models released on or before it.
        include_base: count base models too.
        levels: score levels for the lag.
        intervals: bootstrap intervals (True: :class:`Bootstrap` defaults; or a
            :class:`Bootstrap`; False: none).
        method: the lag method of the figures (``levels``, ``days``, ``records``).
        window: (start, end) for ``days``/``records``.
        snapshot: the ECI snapshot to use.

    Returns:
        The :class:`GapResult` (``estimate`` holds the figures with their intervals).

    Raises:
        GapError: see :func:`measure_gap` and :func:`analysis.gap.eci.eci_selection`.
        WarehouseError: the warehouse cannot be opened.
    """
    return _warehouse_gap(
        benchmark,
        source=source,
        setting=setting,
        variant=variant,
        as_of=as_of,
        include_base=include_base,
        levels=levels,
        bootstrap=_boot(intervals),
        method=method,
        window=window,
        snapshot=snapshot,
        fixed=False,
    )


def _date_key(value: Any) -> pd.Timestamp | tuple[str, str] | None:
    """``value`` as a normalised Timestamp for a lookup key (kept as text when it is not a
    date: the computation then reports it, in its usual order of checks)."""
    try:
        return timestamp(value)
    except DateError:
        return ("not a date", repr(value))


def _warehouse_gap(
    benchmark: str,
    *,
    source: str,
    setting: str | None,
    variant: str | None,
    as_of: DateLike | None,
    include_base: bool,
    levels: int,
    fixed: bool,
    bootstrap: Bootstrap | None = None,
    method: str | None = None,
    window: tuple[DateLike, DateLike] | None = None,
    snapshot: DateLike | None = None,
    version: tuple[Any, ...] | None = None,
) -> GapResult:
    """:func:`benchmark_gap`, kept as the latest result or (``fixed``) among fixed dates';
    ``version``: the warehouse version if just checked."""

    def compute(version: tuple[Any, ...]) -> GapResult:
        table = _REMEMBERED.table
        if is_eci(benchmark):
            index = _eci_needed(version)
            day = timestamp(as_of)
            if day is None:
                day = timestamp(snapshot_for(index, None, snapshot))
            assert day is not None
            m = eci_window_gap(
                index,
                as_of=day,
                window=window or default_window(day.date()),
                method=method or "days",
                bootstrap=bootstrap or Bootstrap(),
                snapshot=snapshot,
            )
            result = frontiers.gap_from_selection(m.selection, levels=levels, ratio=False)
            estimate = dataclasses.replace(m.estimate, notes=[*m.estimate.notes, *m.skipped])
            return dataclasses.replace(result, estimate=estimate)
        if benchmark.strip().lower() in ("arena", ARENA.lower()):
            sel = arena_selection(
                table("arena_ratings", version),
                table("models", version),
                as_of=as_of,
                include_base=include_base,
            )
            return frontiers.gap_from_selection(
                sel, levels=levels, ratio=False, bootstrap=bootstrap, method=method or "levels",
                window=window,
            )  # fmt: skip
        sel = _REMEMBERED.selection(
            benchmark, source, setting, variant, as_of, include_base, version
        )
        return frontiers.gap_from_selection(
            sel, levels=levels, bootstrap=bootstrap, method=method or "levels", window=window
        )

    win = None if window is None else (_date_key(window[0]), _date_key(window[1]))
    key = (
        benchmark,
        source,
        setting,
        variant,
        _date_key(as_of),
        include_base,
        int(levels),
        bootstrap,
        method,
        win,
        _date_key(snapshot),
    )
    return _REMEMBERED.remember(key, compute, fixed, version)


def eci_gap_over_window(
    as_of: DateLike,
    window: tuple[DateLike, DateLike],
    *,
    method: str = "days",
    bootstrap: Bootstrap | None = None,
    snapshot: DateLike | None = None,
    published_by: DateLike | None = None,
) -> EciWindowGap:
    """The ECI gap over a window as of a date (see :func:`analysis.gap.eci.eci_window_gap`),
    kept per warehouse version (up to :data:`KEEP_GAPS`).

    Raises:
        GapError: no ECI data, no snapshot by ``published_by`` or no model left.
        WarehouseError: the warehouse cannot be opened.
    """
    boot = bootstrap or Bootstrap()
    return _eci_window(as_of, window, method, boot, snapshot, published_by, None)


def _eci_window(
    as_of: DateLike,
    window: tuple[DateLike, DateLike],
    method: str,
    bootstrap: Bootstrap,
    snapshot: DateLike | None,
    published_by: DateLike | None,
    version: tuple[Any, ...] | None,
) -> EciWindowGap:
    def compute(version: tuple[Any, ...]) -> EciWindowGap:
        return eci_window_gap(
            _eci_needed(version),
            as_of=as_of,
            window=window,
            method=method,
            bootstrap=bootstrap,
            snapshot=snapshot,
            published_by=published_by,
        )

    key = (
        "eci window",
        _date_key(as_of),
        _date_key(window[0]),
        _date_key(window[1]),
        method,
        bootstrap,
        _date_key(snapshot),
        _date_key(published_by),
    )
    return _REMEMBERED.remember(key, compute, True, version)


def capability_cost(
    benchmark: str,
    as_of: DateLike,
    *,
    share: float = DEFAULT_SHARE,
    source: str = "independent",
    setting: str | None = None,
) -> CapabilityCost:
    """Cost at equal capability on a benchmark, on a date, from the warehouse (the latest
    one kept, shared with :func:`claims_table`).

    Args:
        benchmark: a benchmark on a percent scale.
        as_of: the date of the models' cut and of the prices.
        share: the capability level as a share of the closed frontier's score.
        source: source selection.
        setting: setting rule.

    Returns:
        See :func:`analysis.gap.equal_capability.cost_at_capability`.

    Raises:
        GapError: see :func:`select_scores` and ``cost_at_capability``.
        WarehouseError: the warehouse cannot be opened.
    """
    return _cost(benchmark, timestamp(as_of), share, source, setting, None)


def _cost(
    benchmark: str,
    cut: pd.Timestamp | None,
    share: float,
    source: str,
    setting: str | None,
    version: tuple[Any, ...] | None,
) -> CapabilityCost:
    if cut is None:
        raise GapError("as_of = None: prices need a date")

    def compute(version: tuple[Any, ...]) -> CapabilityCost:
        sel = _REMEMBERED.selection(benchmark, source, setting, None, cut, False, version)
        return cost_at_capability(
            sel.rows,
            _REMEMBERED.prices(cut.date(), version),
            benchmark=sel.benchmark,
            unit=sel.unit,
            as_of=iso(cut) or "",
            share=share,
        )

    key = ("cost", benchmark, cut, float(share), source, setting)
    return _REMEMBERED.remember(key, compute, False, version, slot="cost")


def gap_over_time(
    benchmark: str = "eci",
    *,
    as_of: DateLike,
    months: int = 24,
    bootstrap: Bootstrap | None = None,
    snapshot: DateLike | None = None,
    source: str = "independent",
    setting: str | None = None,
) -> GapSeries:
    """The gap month by month to ``as_of``, with bands (see :mod:`analysis.gap.over_time`).

    ECI uses one snapshot for every month: ``snapshot``, else the newest by ``as_of`` that
    covers the months (:func:`analysis.gap.eci.window_snapshot`); the series ends at the
    snapshot's date at the latest. A single benchmark uses its selection as of ``as_of``.
    Kept per warehouse version and arguments (up to :data:`KEEP_GAPS`).

    Raises:
        GapError: no data, or fewer than 3 months.
        WarehouseError: the warehouse cannot be opened.
    """
    boot = bootstrap or Bootstrap()

    def compute(version: tuple[Any, ...]) -> GapSeries:
        day = timestamp(as_of)
        if day is None:
            raise GapError("as_of = None: a monthly series needs an end date")
        if not is_eci(benchmark):
            sel = _REMEMBERED.selection(benchmark, source, setting, None, as_of, False, version)
            return gap_series(sel, end=as_of, months=months, bootstrap=boot)
        first = month_ends(day.date(), int(months))[0][0]
        sel, used, notes = window_snapshot(
            _eci_needed(version), day.date(), (first, day.date()), snapshot
        )
        series = gap_series(sel, end=used[1], months=months, bootstrap=boot)
        return dataclasses.replace(series, notes=notes)

    key = (
        "series",
        benchmark.strip().lower(),
        _date_key(as_of),
        int(months),
        boot,
        _date_key(snapshot),
        source,
        setting,
    )
    return _REMEMBERED.remember(key, compute, True)


def quality_vs_price(
    benchmark: str,
    as_of: DateLike,
    *,
    source: str = "independent",
    setting: str | None = None,
    include_base: bool = False,
) -> pd.DataFrame:
    """Score against blended (3:1) price on a date, from the warehouse, with the Pareto frontier.

    Args:
        benchmark: benchmark label.
        as_of: price date (and release cut-off).
        source: source selection.
        setting: setting rule.
        include_base: count base models too.

    Returns:
        See :func:`quality_price_table`.

    Raises:
        GapError: see :func:`select_scores`.
        WarehouseError: the warehouse cannot be opened.
    """
    t = load_tables("benchmark_scores", "models")
    sel = select_scores(
        t["benchmark_scores"],
        t["models"],
        benchmark,
        source=source,
        setting=setting,
        as_of=as_of,
        include_base=include_base,
    )
    return quality_price_table(sel.rows, model_prices(as_of))


def price_trend(
    benchmark: str,
    threshold: float,
    as_of: DateLike,
    *,
    source: str = "independent",
    setting: str | None = None,
) -> pd.DataFrame:
    """Cheapest blended price of a capability level over time, from the warehouse.

    Args:
        benchmark: benchmark label.
        threshold: minimum score on it.
        as_of: end of the series.
        source: source selection.
        setting: setting rule.

    Returns:
        See :func:`cheapest_over_time`.

    Raises:
        GapError: see :func:`select_scores` and :func:`cheapest_over_time`.
        WarehouseError: the warehouse cannot be opened.
    """
    t = load_tables("benchmark_scores", "models", "api_prices")
    sel = select_scores(
        t["benchmark_scores"], t["models"], benchmark, source=source, setting=setting
    )
    return cheapest_over_time(sel.rows, t["api_prices"], threshold, as_of=as_of)


def claims_table(
    benchmarks: Sequence[str],
    as_of: DateLike,
    *,
    source: str = "independent",
    setting: str | None = None,
    cheaper_factor: float = DEFAULT_CHEAPER_FACTOR,
    share: float = DEFAULT_SHARE,
    lag_method: str = "days",
    bootstrap: Bootstrap | None = None,
) -> pd.DataFrame:
    """The claim-check table from the warehouse (see :func:`claim_check`).

    The single-benchmark gap as of ``as_of`` is shared with :func:`benchmark_gap` (the
    latest one kept); the ECI measurements, as of the claims' publication dates and as of
    ``as_of``, are kept per warehouse version (:func:`eci_gap_over_window`), so moving
    ``as_of`` re-measures only what depends on it.

    Args:
        benchmarks: single benchmarks for the performance and cost claims.
        as_of: the date of "now" (measurements and prices).
        source: source selection.
        setting: setting rule.
        cheaper_factor: the declared reading of "dramatically lower cost".
        share: the capability level of the cost claim.
        lag_method: ``days`` or ``records``: the lag variant the verdicts follow.
        bootstrap: how intervals are drawn (default :class:`Bootstrap`).

    Returns:
        See :func:`claim_check`.

    Raises:
        WarehouseError: the warehouse cannot be opened.
    """
    cut = timestamp(as_of)
    version = _REMEMBERED.check()
    boot = bootstrap or Bootstrap()

    def measure(benchmark: str, when: pd.Timestamp | None) -> GapResult:
        return _warehouse_gap(
            benchmark,
            source=source,
            setting=setting,
            variant=None,
            as_of=when,
            include_base=False,
            levels=DEFAULT_LEVELS,
            bootstrap=boot,
            fixed=when != cut,
            version=version,
        )

    def eci_measure(when: date, window: tuple[date, date]) -> EciWindowGap:
        return _eci_window(when, window, lag_method, boot, None, when, version)

    def cost(g: GapResult, when: pd.Timestamp | None) -> CapabilityCost:
        return _cost(g.benchmark, when, share, source, setting, version)

    eci = _REMEMBERED.eci(version)
    return claim_check(
        _REMEMBERED.table("benchmark_scores", version),
        _REMEMBERED.table("models", version),
        _REMEMBERED.table("gap_claims", version),
        benchmarks,
        prices=model_prices(as_of),
        eci=eci,
        as_of=as_of,
        source=source,
        setting=setting,
        cheaper_factor=cheaper_factor,
        share=share,
        lag_method=lag_method,
        bootstrap=boot,
        measure=measure,
        eci_measure=eci_measure if eci is not None else None,
        cost=cost,
    )


def benchmark_counts() -> list[dict[str, str | int]]:
    """Every benchmark in the warehouse with its number of models per kind of source.

    Returns:
        One dict per benchmark, sorted by name: ``benchmark``, ``independent_models``
        (models with an independent score) and ``vendor_models`` (models with a score
        from a developer's table).

    Raises:
        WarehouseError: the warehouse cannot be opened.
    """
    sc = _REMEMBERED.table("benchmark_scores")
    counts = (
        sc.assign(
            kind=sc["eval_relationship"].map(
                lambda r: "independent" if r in INDEPENDENT else "vendor"
            )
        )
        .groupby(["benchmark", "kind"])["model_id"]
        .nunique()
        .unstack(fill_value=0)
    )
    return [
        {
            "benchmark": str(b),
            "independent_models": int(r.get("independent", 0)),
            "vendor_models": int(r.get("vendor", 0)),
        }
        for b, r in counts.iterrows()
    ]
