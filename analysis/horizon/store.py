"""The horizon's trends, read from the warehouse.

Thin: each function reads tables (through :func:`analysis.gap.load_tables`, kept
per warehouse version) and calls the pure fits of :mod:`analysis.horizon.trends`.
Every fit carries the rows it rests on, its window and, where the data are too
thin, says so instead of fitting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from analysis.errors import GapError
from analysis.horizon.trends import (
    DEFAULT_CONFIDENCE,
    DeclineFit,
    capability_decline,
    fit_decline,
    list_price_points,
    rent_points,
)
from analysis.records import Record

#: Benchmark thresholds the trend table reports when none are asked for [score, 0–100].
DEFAULT_THRESHOLDS: dict[str, tuple[float, ...]] = {"GPQA-Diamond": (40.0, 50.0, 60.0, 70.0)}


def _cut(frame: Any, column: str, as_of: date | str | None) -> Any:
    import pandas as pd

    if as_of is None:
        return frame
    return frame[pd.to_datetime(frame[column], errors="coerce") <= pd.Timestamp(as_of)]


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
    return tuple(
        capability_decline(
            sel.rows,
            t["api_prices"],
            t["models"],
            float(level),
            f"{sel.benchmark} >= {level:g}",
            as_of=as_of,
            group=group,
            confidence=confidence,
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
    rows = _cut(rows, "effective_from", as_of)
    name = f"{provider + ' ' if provider else ''}{api_model} list price"
    return fit_decline(list_price_points(rows), name)


def rent_trend(gpu_id: str, as_of: date | str | None = None) -> DeclineFit:
    """The GPU rent of one GPU type (median USD per GPU-hour per date), fitted.

    Args:
        gpu_id: the GPU type (``gpus.gpu_id``).
        as_of: offers dated up to this date.
    """
    from analysis import gap

    offers = _cut(gap.load_tables("gpu_cloud_prices")["gpu_cloud_prices"], "as_of", as_of)
    return fit_decline(rent_points(offers, gpu_id), f"{gpu_id} rent", "USD per GPU-hour")


def rent_trends(as_of: date | str | None = None) -> tuple[DeclineFit, ...]:
    """The rent trend of every GPU type that has offers, in GPU order."""
    from analysis import gap

    offers = _cut(gap.load_tables("gpu_cloud_prices")["gpu_cloud_prices"], "as_of", as_of)
    return tuple(
        fit_decline(rent_points(offers, g), f"{g} rent", "USD per GPU-hour")
        for g in sorted(set(offers["gpu_id"].dropna()))
    )


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
    benchmark: str = "GPQA-Diamond",
    thresholds: Sequence[float] | None = None,
    source: str = "independent",
) -> TrendSet:
    """Every trend a scenario's horizon can use, from the warehouse.

    Args:
        as_of: the date of the data.
        api_model, api_provider: the API model (its list-price history).
        api_model_id: the API model's ``model_id`` (its score sets the equal-capability level).
        gpu_id: the GPU type (its rent trend).
        benchmark: the capability scale of the thresholds.
        thresholds: the levels reported (default :data:`DEFAULT_THRESHOLDS` for the benchmark).
        source: the score source.

    Returns:
        The trends; each says "data too thin" where it is.
    """
    levels = (
        tuple(thresholds)
        if thresholds is not None
        else DEFAULT_THRESHOLDS.get(benchmark, (40.0, 50.0, 60.0))
    )
    try:
        fits = capability_trends(benchmark, levels, as_of, source=source)
    except GapError:
        fits = ()
    equal = None
    if api_model_id is not None:
        level = model_score(api_model_id, benchmark, source=source)
        if level is not None:
            equal = capability_trends(benchmark, (level,), as_of, source=source)[0]
    return TrendSet(
        as_of=as_of,
        equal_capability=equal,
        list_price=list_price_trend(api_model, api_provider, as_of) if api_model else None,
        rent=rent_trend(gpu_id, as_of) if gpu_id else None,
        thresholds=fits,
    )
