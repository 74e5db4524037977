"""The horizon's trends, read from the warehouse.

Thin: each function reads tables (through :func:`analysis.gap.load_tables`, kept
per warehouse version) and calls the pure fits of :mod:`analysis.horizon.trends`.
Every fit carries the rows it rests on, its window and, where the data are too
thin, says so instead of fitting.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from analysis.errors import GapError
from analysis.horizon.trends import (
    DEFAULT_CONFIDENCE,
    DeclineFit,
    capability_decline,
    fit_decline,
    index_points,
    known_by,
    list_price_points,
    offers_from_release,
    rent_points,
    rows_by,
)
from analysis.records import Record

ECI = "ECI"
#: Thresholds the trend table reports when none are asked for, per capability scale
#: [ECI points, or a benchmark's score 0–100].
DEFAULT_THRESHOLDS: dict[str, tuple[float, ...]] = {
    ECI: (120.0, 130.0, 140.0, 150.0),
    "GPQA-Diamond": (40.0, 50.0, 60.0, 70.0),
}


def capability_trends(
    benchmark: str,
    thresholds: Sequence[float],
    as_of: date | str,
    *,
    source: str = "independent",
    setting: str | None = None,
    group: str = "All",
    confidence: float = DEFAULT_CONFIDENCE,
) -> tuple[DeclineFit, ...]:
    """The decline of the cheapest price of each capability threshold on a benchmark.

    Args:
        benchmark: the benchmark (scores selected as in :func:`analysis.gap.select_scores`).
        thresholds: the score levels, one fit each.
        as_of: the end of the series (prices and releases up to it).
        source: ``independent``, ``vendor`` or ``all``.
        setting: the setting rule.
        group: ``All``, ``Open weights`` or ``Closed``.
        confidence: the interval's level.

    Returns:
        One fit per threshold (thin data: "data too thin: not fitted", with the points).

    Raises:
        GapError: the benchmark cannot be selected.
        WarehouseError: the warehouse cannot be read.
    """
    from analysis import gap

    t = gap.load_tables("benchmark_scores", "models", "api_prices")
    sel = gap.select_scores(
        t["benchmark_scores"], t["models"], benchmark, source=source, setting=setting
    )
    return _fits(sel.rows, sel.benchmark, "", thresholds, as_of, group, confidence)


def _fits(
    rows: Any,
    scale: str,
    suffix: str,
    thresholds: Sequence[float],
    as_of: date | str,
    group: str,
    confidence: float,
) -> tuple[DeclineFit, ...]:
    """One capability fit per threshold over ``rows`` (the offers dated once for all)."""
    from analysis import gap

    t = gap.load_tables("models", "api_prices")
    dated = offers_from_release(known_by(t["api_prices"], as_of), t["models"])
    return tuple(
        capability_decline(
            rows,
            t["api_prices"],
            t["models"],
            float(level),
            f"{scale} >= {level:g}{suffix}",
            as_of=as_of,
            group=group,
            confidence=confidence,
            dated=dated,
        )
        for level in thresholds
    )


def list_price_trend(
    api_model: str, provider: str | None = None, as_of: date | str | None = None
) -> DeclineFit:
    """The list-price history of one API model (blended 3:1), fitted.

    Args:
        api_model: the model as the provider names it (``api_prices.api_model``).
        provider: the provider (None: every provider of that name, first-party first).
        as_of: prices up to this date.

    Returns:
        The fit (a model whose price never changed is "data too thin").
    """
    from analysis import gap

    ph = gap.load_tables("api_prices")["api_prices"]
    rows = ph[ph["api_model"] == api_model]
    if provider is not None:
        rows = rows[rows["provider"] == provider]
    rows = rows_by(rows, "effective_from", as_of)
    name = f"{provider + ' ' if provider else ''}{api_model} list price"
    return fit_decline(list_price_points(rows), name)


#: The table of monthly GPU price index values, when the warehouse has it.
INDEX_TABLE = "gpu_price_index"


def _index_rows(as_of: date | str | None) -> Any | None:
    """The GPU price index rows dated up to ``as_of`` (None: the warehouse has no index)."""
    from analysis import gap, warehouse

    if INDEX_TABLE not in warehouse.table_names():
        return None
    return rows_by(gap.load_tables(INDEX_TABLE)[INDEX_TABLE], "as_of", as_of)


def rent_trend(gpu_id: str, as_of: date | str | None = None) -> DeclineFit:
    """The GPU rent of one GPU type, fitted.

    From the monthly GPU price index (``gpu_price_index``: normalised list prices)
    when it covers the GPU type; else from the dated offers (``gpu_cloud_prices``:
    the median USD per GPU-hour of the offers seen on each date).

    Args:
        gpu_id: the GPU type (``gpus.gpu_id``).
        as_of: values dated up to this date.
    """
    from analysis import gap

    index = _index_rows(as_of)
    if index is not None:
        points = index_points(index, gpu_id)
        if points:
            code = points[0].label.split(" ")[0]
            return fit_decline(points, f"{gpu_id} rent ({code} index)", "USD per GPU-hour")
    offers = rows_by(gap.load_tables("gpu_cloud_prices")["gpu_cloud_prices"], "as_of", as_of)
    return fit_decline(rent_points(offers, gpu_id), f"{gpu_id} rent", "USD per GPU-hour")


def rent_trends(as_of: date | str | None = None) -> tuple[DeclineFit, ...]:
    """The rent trend of every GPU type with an index series or offers, in GPU order."""
    from analysis import gap

    offers = rows_by(gap.load_tables("gpu_cloud_prices")["gpu_cloud_prices"], "as_of", as_of)
    index = _index_rows(as_of)
    gpus = set(offers["gpu_id"].dropna())
    if index is not None:
        gpus |= set(index["gpu_id"].dropna())
    return tuple(rent_trend(g, as_of) for g in sorted(gpus))


def model_score(model_id: str, benchmark: str, *, source: str = "independent") -> float | None:
    """A model's selected score on a benchmark (None when it has none)."""
    from analysis import gap

    t = gap.load_tables("benchmark_scores", "models")
    try:
        sel = gap.select_scores(t["benchmark_scores"], t["models"], benchmark, source=source)
    except GapError:
        return None
    rows = sel.rows[sel.rows["model_id"] == model_id]
    return float(rows["score"].iloc[0]) if len(rows) else None


@dataclass(frozen=True, slots=True)
class TrendSet(Record):
    """The trends a horizon rests on, as measured on a date.

    Attributes:
        as_of: the date of the data.
        equal_capability: the decline of the cheapest price at the API model's own
            level (None: the level is unknown), for the ``switch`` path.
        list_price: the API model's own list-price trend, for the ``trend`` path.
        rent: the GPU type's rent trend.
        thresholds: the capability declines at the reported thresholds.
    """

    as_of: date
    equal_capability: DeclineFit | None
    list_price: DeclineFit | None
    rent: DeclineFit | None
    thresholds: tuple[DeclineFit, ...] = field(default_factory=tuple)


def measured_trends(
    as_of: date,
    *,
    api_model: str | None = None,
    api_provider: str | None = None,
    api_model_id: str | None = None,
    gpu_id: str | None = None,
    benchmark: str = ECI,
    thresholds: Sequence[float] | None = None,
    source: str = "independent",
) -> TrendSet:
    """Every trend a scenario's horizon can use, from the warehouse.

    Args:
        as_of: the date of the data.
        api_model, api_provider: the API model (its list-price history).
        api_model_id: the API model's ``model_id`` (its level sets the equal-capability
            threshold).
        gpu_id: the GPU type (its rent trend).
        benchmark: the capability scale: ``ECI`` (one snapshot, see :func:`eci_snapshot`)
            or a benchmark name.
        thresholds: the levels reported (default :data:`DEFAULT_THRESHOLDS` for the scale).
        source: the score source (benchmarks only).

    Returns:
        The trends; each says "data too thin" where it is. The result is kept per
        warehouse version and arguments (a panel or a brief asks again for free).
    """
    from analysis import warehouse

    key = (
        warehouse.version(),
        as_of,
        api_model,
        api_provider,
        api_model_id,
        gpu_id,
        benchmark,
        None if thresholds is None else tuple(thresholds),
        source,
    )
    with _LOCK:
        if key in _KEPT:
            return _KEPT[key]
    found = _measure(
        as_of, api_model, api_provider, api_model_id, gpu_id, benchmark, thresholds, source
    )
    with _LOCK:
        _KEPT[key] = found
        while len(_KEPT) > KEEP_TRENDS:
            _KEPT.pop(next(iter(_KEPT)))
    return found


#: Trend sets kept (per warehouse version and arguments).
KEEP_TRENDS = 16
_KEPT: dict[tuple[Any, ...], TrendSet] = {}
_LOCK = threading.Lock()


def _measure(
    as_of: date,
    api_model: str | None,
    api_provider: str | None,
    api_model_id: str | None,
    gpu_id: str | None,
    benchmark: str,
    thresholds: Sequence[float] | None,
    source: str,
) -> TrendSet:
    from analysis import gap

    levels = (
        tuple(thresholds)
        if thresholds is not None
        else DEFAULT_THRESHOLDS.get(benchmark, (40.0, 50.0, 60.0))
    )
    rows, scale, suffix = None, benchmark, ""
    try:
        if benchmark.upper() == ECI:
            rows = eci_rows(as_of)
            scale = ECI
            suffix = (
                f" (snapshot {rows['snapshot'].iloc[0].date().isoformat()})" if len(rows) else ""
            )
        else:
            t = gap.load_tables("benchmark_scores", "models")
            sel = gap.select_scores(t["benchmark_scores"], t["models"], benchmark, source=source)
            rows, scale = sel.rows, sel.benchmark
    except GapError:
        rows = None
    fits: tuple[DeclineFit, ...] = ()
    equal = None
    if rows is not None:
        wanted = list(levels)
        mine = rows[rows["model_id"] == api_model_id] if api_model_id is not None else rows[:0]
        if len(mine):
            wanted.append(float(mine["score"].iloc[0]))
        found = _fits(rows, scale, suffix, wanted, as_of, "All", DEFAULT_CONFIDENCE)
        fits = found[: len(levels)]
        if len(mine):
            equal = replace(found[-1], name=f"{found[-1].name} (the API model's level)")
    return TrendSet(
        as_of=as_of,
        equal_capability=equal,
        list_price=list_price_trend(api_model, api_provider, as_of) if api_model else None,
        rent=rent_trend(gpu_id, as_of) if gpu_id else None,
        thresholds=fits,
    )


def eci_snapshot(as_of: date | str | None = None, snapshot: date | str | None = None) -> Any:
    """The date of the ECI snapshot to use: the one given, else the one with the most models
    among those published on or before ``as_of`` (the index is refitted at every release, so
    one snapshot is used at a time).

    Raises:
        GapError: no snapshot is available on that date, or the one given does not exist.
    """
    import pandas as pd

    from analysis import gap

    eci = gap.load_tables("eci_scores")["eci_scores"]
    if snapshot is not None:
        day = pd.Timestamp(snapshot)
        if not (eci["snapshot"] == day).any():
            known = ", ".join(sorted({d.date().isoformat() for d in eci["snapshot"]}))
            raise GapError(f"ECI snapshot = {snapshot}: not in eci_scores; snapshots: {known}")
        return day
    usable = eci if as_of is None else eci[eci["source_date"] <= pd.Timestamp(as_of)]
    if usable.empty:
        raise GapError(f"no ECI snapshot published on or before {as_of}")
    counts = usable.groupby("snapshot").size()
    best = counts[counts == counts.max()].index.max()  # the newest of the largest
    return best


def eci_rows(as_of: date | str | None = None, snapshot: date | str | None = None) -> Any:
    """One row per model of one ECI snapshot that maps to a model: model_id, model,
    open_weights, score (the ECI), release_date, the snapshot.

    Args:
        as_of: pick the snapshot among those published on or before it (see :func:`eci_snapshot`).
        snapshot: the snapshot's date, to name it.
    """
    from analysis import gap

    t = gap.load_tables("eci_scores", "models")
    day = eci_snapshot(as_of, snapshot)
    eci = t["eci_scores"]
    rows = eci[(eci["snapshot"] == day) & eci["model_id"].notna()]
    models = t["models"].set_index("model_id")
    out = rows[["model_id", "eci", "snapshot"]].rename(columns={"eci": "score"}).copy()
    out["model"] = out["model_id"].map(models["name"])
    out["open_weights"] = out["model_id"].map(models["open_weights"])
    out["release_date"] = out["model_id"].map(models["release_date"])
    return out.dropna(subset=["model"]).reset_index(drop=True)


def eci_trends(
    levels: Sequence[float],
    as_of: date | str,
    *,
    snapshot: date | str | None = None,
    group: str = "All",
    confidence: float = DEFAULT_CONFIDENCE,
) -> tuple[DeclineFit, ...]:
    """The decline of the cheapest price of each ECI level (one snapshot), fitted.

    Args:
        levels: ECI levels, one fit each.
        as_of: the end of the series.
        snapshot: the ECI snapshot (default: see :func:`eci_snapshot`).
        group: ``All``, ``Open weights`` or ``Closed``.
        confidence: the interval's level.

    Returns:
        One fit per level, named ``ECI >= L (snapshot YYYY-MM-DD)``.
    """
    rows = eci_rows(as_of, snapshot)
    day = rows["snapshot"].iloc[0].date().isoformat() if len(rows) else str(snapshot)
    return _fits(rows, ECI, f" (snapshot {day})", levels, as_of, group, confidence)
