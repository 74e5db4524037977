"""The gap analysis on the warehouse: its tables read once per warehouse version, and the
gaps that do not move with the analysis date kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from analysis.errors import DateError, GapError
from analysis.gap import frontiers
from analysis.gap.arena import ARENA, arena_selection
from analysis.gap.cheapest import cheapest_over_time
from analysis.gap.claims import DEFAULT_CHEAPER_FACTOR, claim_check
from analysis.gap.frames import (
    pandas_copy,
    timestamp,
)
from analysis.gap.frontiers import DEFAULT_LEVELS, GapResult
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
    :data:`KEEP_GAPS`; and the latest gap asked for by :func:`benchmark_gap`, so that a
    panel and its claim check measuring the same benchmark on the same date share one
    computation. Gap errors are kept as messages. Results handed out are shared: treat
    them as read-only.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: tuple[Any, ...] | None = None
        self.tables: dict[str, pd.DataFrame] = {}
        self.candidates: dict[tuple[Any, ...], Candidates] = {}
        self.fixed: dict[tuple[Any, ...], GapResult | str] = {}
        self.latest: tuple[tuple[Any, ...], GapResult | str] | None = None

    def check(self) -> tuple[Any, ...]:
        """The current warehouse version (building it if needed); forget an older one."""
        from analysis import warehouse

        version = warehouse.version()
        with self.lock:
            if version != self.version:
                self.version, self.tables, self.latest = version, {}, None
                self.candidates, self.fixed = {}, {}
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
        with self.lock:
            cands = self.candidates.get(key)
        if cands is None:
            cands = candidates(sc, md, label, source, variant, include_base)
            with self.lock:
                if self.version == version and len(self.candidates) < KEEP_GAPS:
                    self.candidates[key] = cands
        return choose(cands, setting, cut)

    def gap(
        self,
        key: tuple[Any, ...],
        compute: Callable[[tuple[Any, ...]], GapResult],
        fixed: bool,
        version: tuple[Any, ...] | None = None,
    ) -> GapResult:
        """The gap for ``key``: kept, else ``compute(version)`` and kept (``fixed``: among
        the fixed dates' gaps, else as the latest); ``version`` if just checked."""
        version = version or self.check()
        key = (version, *key)
        with self.lock:
            if fixed:
                found = self.fixed.get(key)
            else:
                found = self.latest[1] if self.latest and self.latest[0] == key else None
        if found is None:
            try:
                found = compute(version)
            except GapError as exc:
                found = str(exc)
            with self.lock:
                if self.version == version:
                    if not fixed:
                        self.latest = (key, found)
                    elif len(self.fixed) < KEEP_GAPS:
                        self.fixed[key] = found
        if isinstance(found, str):
            raise GapError(found)
        return found


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
    from analysis import warehouse

    day = timestamp(as_of)
    if day is None:
        raise GapError("as_of = None: prices need a date")
    return warehouse.query(
        "SELECT * FROM model_prices_at(CAST(? AS DATE))", [day.date()], backend="pandas"
    )


def benchmark_gap(
    benchmark: str,
    *,
    source: str = "independent",
    setting: str | None = None,
    variant: str | None = None,
    as_of: DateLike | None = None,
    include_base: bool = False,
    levels: int = DEFAULT_LEVELS,
) -> GapResult:
    """The open-vs-closed gap on a benchmark, read from the warehouse.

    ``benchmark`` "arena" (any case) or "Arena rating" analyses the Arena snapshot on or
    before ``as_of`` (see :func:`arena_selection`). The latest result is kept for the same
    arguments and warehouse version (a panel and its claim check share it); it is shared,
    so treat it as read-only.

    Args:
        benchmark: benchmark label.
        source: ``independent``, ``vendor`` or ``all``.
        setting: None, ``"best"`` or a setting text.
        variant: a ``benchmark_variant`` to keep.
        as_of: only models released on or before it.
        include_base: count base models too.
        levels: score levels for the lag.

    Returns:
        The :class:`GapResult`.

    Raises:
        GapError: see :func:`measure_gap`.
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
    version: tuple[Any, ...] | None = None,
) -> GapResult:
    """:func:`benchmark_gap`, kept as the latest result or (``fixed``) among fixed dates';
    ``version``: the warehouse version if just checked."""

    def compute(version: tuple[Any, ...]) -> GapResult:
        table = _REMEMBERED.table
        if benchmark.strip().lower() in ("arena", ARENA.lower()):
            sel = arena_selection(
                table("arena_ratings", version),
                table("models", version),
                as_of=as_of,
                include_base=include_base,
            )
            return frontiers.gap_from_selection(sel, levels=levels, ratio=False)
        sel = _REMEMBERED.selection(
            benchmark, source, setting, variant, as_of, include_base, version
        )
        return frontiers.gap_from_selection(sel, levels=levels)

    key = (benchmark, source, setting, variant, _date_key(as_of), include_base, int(levels))
    return _REMEMBERED.gap(key, compute, fixed, version)


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
) -> pd.DataFrame:
    """The claim-check table from the warehouse (see :func:`claim_check`).

    The gap as of ``as_of`` is shared with :func:`benchmark_gap` (the latest one kept);
    gaps as of the claims' publication dates, which do not depend on ``as_of``, are kept
    per warehouse version, so moving ``as_of`` measures one gap per benchmark.

    Args:
        benchmarks: benchmark labels to measure on.
        as_of: measurement and price date.
        source: source selection.
        setting: setting rule.
        cheaper_factor: price factor read as "dramatically lower cost".

    Returns:
        See :func:`claim_check`.

    Raises:
        WarehouseError: the warehouse cannot be opened.
    """
    cut = timestamp(as_of)
    version = _REMEMBERED.check()

    def measure(benchmark: str, when: pd.Timestamp | None) -> GapResult:
        return _warehouse_gap(
            benchmark,
            source=source,
            setting=setting,
            variant=None,
            as_of=when,
            include_base=False,
            levels=DEFAULT_LEVELS,
            fixed=when != cut,
            version=version,
        )

    return claim_check(
        _REMEMBERED.table("benchmark_scores", version),
        _REMEMBERED.table("models", version),
        _REMEMBERED.table("gap_claims", version),
        benchmarks,
        prices=model_prices(as_of),
        as_of=as_of,
        source=source,
        setting=setting,
        cheaper_factor=cheaper_factor,
        measure=measure,
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
