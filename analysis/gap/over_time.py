"""Is the gap closing? The gap month by month, with bands, and its trend with an interval.

For each calendar month up to a date, the points gap and the lag are averaged
over the month's days (:mod:`analysis.gap.timeline`, ``days``), computed *as of
the month's last day*: a closed model released later cannot date a level. The
bootstrap resamples (:mod:`analysis.gap.intervals`) give every month its band and
every resample its own series.

Trend
    The least-squares slope of the monthly series over its last 12 (or 24)
    months (the months where it is defined: at least 3 and at least half), per
    year (figure units per 12 months): negative means the gap is narrowing. Its
    interval is the percentile interval of the slopes of the resampled series.
    The reading: *closing* when the whole interval is below
    zero, *widening* when it is above, otherwise *no clear trend*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from analysis.errors import GapError
from analysis.gap.frames import timestamp
from analysis.gap.intervals import (
    Bootstrap,
    Estimate,
    percentile_interval,
    points_unit,
    side_draws,
)
from analysis.gap.timeline import means, run_arrays, score_matrix, segments, sides
from analysis.records import Record

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from analysis.gap.frames import DateLike
    from analysis.gap.selection import Selection

FIGURES = {"points": "points gap", "lag_months": "lag, months"}
"""The series' figures and their labels."""


@dataclass(frozen=True)
class Trend(Record):
    """The slope of a monthly gap series.

    Attributes:
        figure: ``points`` or ``lag_months``.
        months: months the slope is fitted over.
        first_month: the first of them (ISO).
        per_year: the slope, figure units per year, with its interval.
        reading: ``closing``, ``widening`` or ``no clear trend``.
    """

    figure: str
    months: int
    first_month: str
    per_year: Estimate
    reading: str


@dataclass(frozen=True)
class GapSeries:
    """The monthly series, its resamples and how it was drawn.

    Attributes:
        table: one row per month and figure: month (the month's last day, or the end
            date), figure, label, value, ci_low, ci_high, unit, defined.
        draws: per figure, the resamples × months matrix (NaN where undefined).
        observed: per figure, the observed series.
        months: the month-end dates.
        bootstrap: how the resamples were drawn.
        snapshot: the ECI snapshot the series rests on (None for a single benchmark).
        notes: what a reader should know (snapshots passed over, a shortened series).
    """

    table: pd.DataFrame
    draws: dict[str, np.ndarray]
    observed: dict[str, np.ndarray]
    months: list[date]
    bootstrap: Bootstrap
    snapshot: date | None = None
    notes: list[str] = field(default_factory=list)

    def until(self, end: date, start: date | None = None) -> GapSeries:
        """The months ending on or before ``end`` (and, with ``start``, not before it).

        Each month is computed as of its own last day, so the months kept read the same
        as in a series computed to ``end`` (the last, partial month aside).
        """
        keep = [i for i, m in enumerate(self.months) if m <= end and (start is None or m >= start)]
        months = [self.months[i] for i in keep]
        table = self.table[self.table["month"].dt.date.isin(months)].reset_index(drop=True)
        return GapSeries(
            table=table,
            draws={k: v[:, keep] for k, v in self.draws.items()},
            observed={k: v[keep] for k, v in self.observed.items()},
            months=months,
            bootstrap=self.bootstrap,
            snapshot=self.snapshot,
            notes=self.notes,
        )


def month_ends(end: date, months: int) -> list[tuple[date, date]]:
    """The last ``months`` calendar months up to ``end``: (first day, last day) each; the
    last month stops at ``end``."""
    out = []
    year, month = end.year, end.month
    for _ in range(months):
        first = date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        last = min(date.fromordinal(nxt.toordinal() - 1), end)
        out.append((first, last))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def gap_series(
    selection: Selection,
    *,
    end: DateLike | None = None,
    months: int = 24,
    bootstrap: Bootstrap | None = None,
) -> GapSeries:
    """The points gap and the lag for each of the last ``months`` months, with bands.

    Args:
        selection: the per-model scores (one ECI snapshot, or one benchmark).
        end: the last day (default: the selection's date).
        months: number of months (>= 3).
        bootstrap: how to draw the bands (default :class:`Bootstrap`).

    Returns:
        The :class:`GapSeries`.

    Raises:
        GapError: fewer than 3 months.
    """
    import numpy as np
    import pandas as pd

    if int(months) < 3:
        raise GapError(f"months = {months!r}: a trend needs at least 3")
    boot = bootstrap or Bootstrap()
    stop = timestamp(end) if end is not None else selection.as_of
    if stop is None:
        stop = pd.Timestamp(pd.to_datetime(selection.rows["release_date"]).max())
    spans = month_ends(stop.date(), int(months))
    open_side, closed_side = sides(selection.rows, interval_level=boot.interval_level)
    o_in, o_noise = side_draws(open_side, boot)
    c_in, c_noise = side_draws(closed_side, boot)
    first = int(np.datetime64(spans[0][0], "D").astype(np.int64))
    last = int(np.datetime64(spans[-1][1], "D").astype(np.int64))
    month_starts = np.array([np.datetime64(a, "D").astype(np.int64) for a, _ in spans])
    ends = np.array([np.datetime64(b, "D").astype(np.int64) for _, b in spans])
    runs, _ = segments(first, last, open_side, closed_side, month_starts)
    month_of_run = np.searchsorted(month_starts, runs, side="right") - 1
    groups = np.searchsorted(month_of_run, np.arange(len(spans)), side="left")
    observed: dict[str, np.ndarray] = {}
    drawn: dict[str, np.ndarray] = {}
    for name, scores in (
        ("observed", (score_matrix(open_side), score_matrix(closed_side))),
        (
            "drawn",
            (
                score_matrix(open_side, o_in, o_noise),
                score_matrix(closed_side, c_in, c_noise),
            ),
        ),
    ):
        r = run_arrays(
            open_side,
            closed_side,
            *scores,
            (first, last),
            "days",
            splits=month_starts,
            cut=ends[month_of_run],
        )
        m = means(r, groups)
        out = observed if name == "observed" else drawn
        out["points"], out["lag_months"] = m.points, m.lag_months
    units = {"points": points_unit(selection.unit), "lag_months": "months"}
    records = []
    for figure, label in FIGURES.items():
        for j, (_, month_end) in enumerate(spans):
            est = percentile_interval(
                drawn[figure][:, j], boot.level, units[figure], float(observed[figure][0, j])
            )
            records.append(
                {
                    "month": pd.Timestamp(month_end),
                    "figure": figure,
                    "label": label,
                    "value": est.value,
                    "ci_low": est.ci_low,
                    "ci_high": est.ci_high,
                    "unit": units[figure],
                    "defined": est.defined,
                }
            )
    table = pd.DataFrame.from_records(records)
    for col in ("value", "ci_low", "ci_high"):
        table[col] = table[col].astype("Float64")
    return GapSeries(
        table=table,
        draws=drawn,
        observed={k: v[0] for k, v in observed.items()},
        months=[b for _, b in spans],
        bootstrap=boot,
        snapshot=selection.snapshot,
    )


def _slopes(values: np.ndarray) -> np.ndarray:
    """Least-squares slope per row against the month index 0, 1, …, n-1, over the months
    where the row is defined (NaN when fewer than 3, or fewer than half, are)."""
    import numpy as np

    ok = np.isfinite(values)
    x = np.broadcast_to(np.arange(values.shape[1], dtype=float), values.shape)
    n = ok.sum(axis=1)
    safe = np.maximum(n, 1)
    x_mean = np.where(ok, x, 0.0).sum(axis=1) / safe
    y_mean = np.where(ok, values, 0.0).sum(axis=1) / safe
    dx = np.where(ok, x - x_mean[:, None], 0.0)
    dy = np.where(ok, values - y_mean[:, None], 0.0)
    sxx = (dx**2).sum(axis=1)
    enough = (n >= 3) & (2 * n >= values.shape[1]) & (sxx > 0)
    return np.where(enough, (dx * dy).sum(axis=1) / np.where(sxx > 0, sxx, 1.0), np.nan)


def trend(series: GapSeries, figure: str, months: int = 12) -> Trend:
    """The slope of the last ``months`` months of a series, per year, with its interval.

    slope = Σ (x - x̄)(y - ȳ) / Σ (x - x̄)², x = month index; per year = 12 × slope.

    Args:
        series: from :func:`gap_series`.
        figure: ``points`` or ``lag_months``.
        months: months to fit (>= 3, at most the series' length).

    Returns:
        The :class:`Trend`.

    Raises:
        GapError: unknown figure, or a bad number of months.
    """
    if figure not in FIGURES:
        raise GapError(f"figure = {figure!r}: choose one of {', '.join(FIGURES)}")
    n = len(series.months)
    if not 3 <= int(months) <= n:
        raise GapError(f"months = {months!r}: between 3 and the series' {n} months")
    tail = slice(n - int(months), n)
    observed = _slopes(series.observed[figure][None, tail])[0] * 12
    drawn = _slopes(series.draws[figure][:, tail]) * 12
    unit = series.table.loc[series.table["figure"] == figure, "unit"].iloc[0]
    est = percentile_interval(drawn, series.bootstrap.level, f"{unit} per year", float(observed))
    if est.ci_low is None or est.ci_high is None:
        reading = "no clear trend" if est.value is not None else "not measurable"
    elif est.ci_high < 0:
        reading = "closing"
    elif est.ci_low > 0:
        reading = "widening"
    else:
        reading = "no clear trend"
    return Trend(figure, int(months), series.months[n - int(months)].isoformat(), est, reading)
