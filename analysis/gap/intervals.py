"""Uncertainty on every gap figure: bootstrap intervals for the points gap, the ratio and
the lag, with the method each figure rests on.

Resampling
    Models are resampled within each side by the Poisson bootstrap: in each
    resample a model appears a Poisson(1) number of times, independently of the
    others (the streaming form of drawing n models with replacement from n). The
    frontiers depend only on which models appear, so a model is *in* a resample
    when its count is at least 1 (probability 1 - e^-1 ≈ 0.632). Each model's
    draws come from a generator seeded by the run's seed and the model's key, so a
    model keeps its draws whatever other models enter or leave (a moved date cut
    reuses them: see :func:`model_draws`) and every run with the same seed and
    count gives the same interval.
Per-model intervals
    Where a score carries its own interval (ECI's ``ci_low``-``ci_high``, read
    as a two-sided ``interval_level`` interval, 90% by default), each resample
    also redraws the score from a two-piece normal with those quantiles
    (:func:`analysis.gap.timeline.score_matrix`).
Interval
    The percentile interval: the ``(1 - level) / 2`` and ``(1 + level) / 2``
    quantiles (linear interpolation) of the figure over the resamples in which it
    is defined (both sides present, a level both reached). Fewer than half the
    resamples defined: no interval, with the reason.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from analysis.errors import GapError
from analysis.gap.frames import timestamp
from analysis.gap.timeline import (
    DEFAULT_LEVELS,
    METHODS,
    Side,
    WindowArrays,
    levels_lag,
    score_matrix,
    sides,
    window_arrays,
)
from analysis.records import Record

if TYPE_CHECKING:
    import numpy as np

    from analysis.gap.frames import DateLike
    from analysis.gap.selection import Selection

DEFAULT_RESAMPLES = 1000
"""Bootstrap resamples per interval."""

DEFAULT_SEED = 2026
"""Seed of the resampling generators (with each model's key)."""

DEFAULT_LEVEL = 0.90
"""Confidence level of the intervals (Epoch AI reports 90% intervals)."""

MIN_DEFINED = 0.5
"""Least share of resamples in which a figure must be defined for an interval."""


@dataclass(frozen=True)
class Bootstrap(Record):
    """How intervals are drawn.

    Attributes:
        resamples: number of resamples (>= 20).
        seed: the generators' seed; the same seed and count give the same intervals.
        level: the interval's confidence level, in (0, 1).
        model_intervals: also redraw scores that carry their own interval.
        interval_level: the level at which those per-model intervals are given.
    """

    resamples: int = DEFAULT_RESAMPLES
    seed: int = DEFAULT_SEED
    level: float = DEFAULT_LEVEL
    model_intervals: bool = True
    interval_level: float = DEFAULT_LEVEL

    def __post_init__(self) -> None:
        if int(self.resamples) < 20:
            raise GapError(f"resamples = {self.resamples!r}: use at least 20")
        for name in ("level", "interval_level"):
            value = getattr(self, name)
            if not 0 < float(value) < 1:
                raise GapError(f"{name} = {value!r}: must be between 0 and 1 (e.g. 0.9)")


@functools.lru_cache(maxsize=16384)
def model_draws(key: str, resamples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One model's draws for every resample: in or out, and a standard normal.

    The generator is seeded by ``(seed, 64-bit BLAKE2b hash of key)``, so the draws depend
    on the model alone; they are kept (up to 16,384 models × settings), which is what
    lets a panel re-measure after a date move without drawing again.

    Args:
        key: the model's key (``model_id``).
        resamples: number of resamples.
        seed: the run's seed.

    Returns:
        (included: bool array, noise: float array), each of length ``resamples``;
        read-only.
    """
    import numpy as np

    digest = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")
    rng = np.random.default_rng([int(seed), digest])
    included = rng.random(resamples) >= math.exp(-1.0)  # Poisson(1) count >= 1
    noise = rng.standard_normal(resamples)
    included.flags.writeable = False
    noise.flags.writeable = False
    return included, noise


def side_draws(side: Side, boot: Bootstrap) -> tuple[np.ndarray, np.ndarray | None]:
    """The resamples × models inclusion and noise matrices of one side."""
    import numpy as np

    if not len(side):
        empty = np.zeros((boot.resamples, 0))
        return empty.astype(bool), empty
    pairs = [model_draws(k, int(boot.resamples), int(boot.seed)) for k in side.keys]
    included = np.stack([p[0] for p in pairs], axis=1)
    if not (boot.model_intervals and side.has_intervals):
        return included, None
    return included, np.stack([p[1] for p in pairs], axis=1)


@dataclass(frozen=True)
class Estimate(Record):
    """A figure with its interval.

    Attributes:
        value: the figure on the data as observed (None: not measurable).
        ci_low: the interval's lower end (None: no interval).
        ci_high: its upper end.
        unit: the figure's unit.
        defined: resamples in which the figure was defined.
        note: why the value or the interval is missing, or a caveat.
    """

    value: float | None
    ci_low: float | None
    ci_high: float | None
    unit: str
    defined: int = 0
    note: str | None = None

    def text(self, digits: int = 1, unit: str | None = None, level: float = DEFAULT_LEVEL) -> str:
        """``4.4 months (90% CI 3.1–6.2)``, or ``n/a`` with the reason."""
        if self.value is None:
            return f"n/a ({self.note})" if self.note else "n/a"
        shown = f"{self.value:.{digits}f}" + (
            f" {unit or self.unit}" if (unit or self.unit) else ""
        )
        if self.ci_low is None or self.ci_high is None:
            return shown
        return f"{shown} ({level:.0%} CI {self.ci_low:.{digits}f}–{self.ci_high:.{digits}f})"


@dataclass(frozen=True)
class Method(Record):
    """What a set of figures rests on.

    Attributes:
        lag: ``days``, ``records`` or ``levels`` (see :mod:`analysis.gap.timeline`).
        window_start: first day averaged over (``days``/``records``), else None.
        window_end: last day averaged over, else None.
        levels: score levels (``levels``).
        resamples: bootstrap resamples.
        seed: the generators' seed.
        level: the intervals' confidence level.
        resampling: the resampling scheme, in words.
        model_intervals: how per-model intervals were used, in words.
        description: the method in one sentence.
    """

    lag: str
    window_start: date | None
    window_end: date | None
    levels: int
    resamples: int
    seed: int
    level: float
    resampling: str
    model_intervals: str
    description: str


@dataclass(frozen=True)
class GapEstimate(Record):
    """The gap figures with their intervals and method.

    Attributes:
        points: points gap (closed - open).
        ratio: open / closed (value None on scales without a true zero).
        lag_months: the lag, by ``method.lag``.
        method: what the figures rest on.
        lag_variants: the lag by every method that applies (``days`` and ``records`` need a
            window; ``levels`` always), so readers see where the methods differ.
        counts: days used, left-censored, open-ahead and no-open days (window methods).
        notes: caveats.
    """

    points: Estimate
    ratio: Estimate
    lag_months: Estimate
    method: Method
    lag_variants: dict[str, Estimate] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def percentile_interval(
    values: np.ndarray, level: float, unit: str, observed: float | None, digits: int = 6
) -> Estimate:
    """The observed figure with the percentile interval of its resampled values.

    Args:
        values: the figure per resample (NaN where undefined).
        level: confidence level.
        unit: the figure's unit.
        observed: the figure on the observed data (None or NaN: not measurable).
        digits: rounding of the returned numbers.

    Returns:
        The :class:`Estimate`; no interval when fewer than half the resamples define it.
    """
    import numpy as np

    value = None if observed is None or not math.isfinite(observed) else round(observed, digits)
    ok = values[np.isfinite(values)]
    if not len(values):
        return Estimate(value, None, None, unit, 0, None)
    if len(ok) < MIN_DEFINED * len(values):
        return Estimate(
            value,
            None,
            None,
            unit,
            int(len(ok)),
            f"defined in only {len(ok)} of {len(values)} resamples: no interval",
        )
    low, high = np.quantile(ok, [(1 - level) / 2, (1 + level) / 2])
    return Estimate(value, round(float(low), digits), round(float(high), digits), unit, len(ok))


def day_span(start: DateLike, end: DateLike) -> tuple[int, int]:
    """(first, last) day numbers of a window, both included.

    Raises:
        GapError: ``start`` is after ``end``.
    """
    import numpy as np

    a, b = timestamp(start, "window_start"), timestamp(end, "window_end")
    assert a is not None and b is not None
    if a > b:
        raise GapError(f"window {a.date()} to {b.date()}: the start is after the end")
    first = int(np.datetime64(a.date(), "D").astype(np.int64))
    return first, int(np.datetime64(b.date(), "D").astype(np.int64))


DEFAULT_WINDOW_DAYS = 183
"""Days averaged over when no window is given: about the six months to the date (Epoch AI's
2026 figure averages over the five months since January)."""


def default_window(as_of: date) -> tuple[date, date]:
    """The :data:`DEFAULT_WINDOW_DAYS` days to ``as_of``, both ends included."""
    return as_of - timedelta(days=DEFAULT_WINDOW_DAYS - 1), as_of


def _method_text(lag: str, window: tuple[date, date] | None, levels: int) -> str:
    if lag == "levels":
        return (
            f"lag averaged over {levels} evenly spaced score levels both frontiers reached "
            "(whole history); points gap as of the date"
        )
    assert window is not None
    span = f"{window[0].isoformat()} to {window[1].isoformat()}"
    if lag == "days":
        return f"lag and points gap averaged over every day from {span}"
    return f"lag and points gap averaged over the new open-weight records set from {span}"


def estimate_gap(
    selection: Selection,
    *,
    method: str = "levels",
    window: tuple[DateLike, DateLike] | None = None,
    levels: int = DEFAULT_LEVELS,
    bootstrap: Bootstrap | None = None,
    ratio: bool = True,
    variants: tuple[str, ...] = METHODS,
) -> GapEstimate:
    """The points gap, ratio and lag of a selection, each with its bootstrap interval.

    Args:
        selection: the per-model scores (``rows`` may carry ``ci_low``/``ci_high``).
        method: ``levels`` (lag over score levels, points and ratio as of the selection's
            date), ``days`` or ``records`` (all three averaged over ``window``).
        window: (start, end) for ``days``/``records`` (default: the 12 months to the
            selection's date); the end is cut at that date.
        levels: score levels for ``levels``.
        bootstrap: how to draw the intervals (default :class:`Bootstrap`).
        ratio: report the ratio (False on scales without a true zero, e.g. ECI, ratings).
        variants: the lag methods to report beside ``method`` (``days`` and ``records``
            only with a window); ``method`` itself is always computed.

    Returns:
        The :class:`GapEstimate`.

    Raises:
        GapError: unknown method, a bad window or ``levels`` < 1.
    """
    import pandas as pd

    for name in (method, *variants):
        if name not in METHODS:
            raise GapError(f"method = {name!r}: choose one of {', '.join(METHODS)}")
    if int(levels) < 1:
        raise GapError(f"levels = {levels!r}: must be at least 1")
    boot = bootstrap or Bootstrap()
    rows = selection.rows
    cut = selection.as_of
    if cut is None:
        cut = pd.Timestamp(pd.to_datetime(rows["release_date"]).max())
    as_of = cut.date()
    notes: list[str] = []
    win: tuple[date, date] | None = None
    if window is not None or method != "levels":
        start, end = window if window is not None else default_window(as_of)
        a, b = timestamp(start, "window_start"), timestamp(end, "window_end")
        assert a is not None and b is not None
        if b.date() > as_of:
            notes.append(f"The window ends at the data's date, {as_of}, not {b.date()}.")
            b = pd.Timestamp(as_of)
        win = (a.date(), b.date())
        day_span(*win)  # checks the order
    open_side, closed_side = sides(rows, interval_level=boot.interval_level)
    observed = (score_matrix(open_side), score_matrix(closed_side))
    o_in, o_noise = side_draws(open_side, boot)
    c_in, c_noise = side_draws(closed_side, boot)
    drawn = (score_matrix(open_side, o_in, o_noise), score_matrix(closed_side, c_in, c_noise))
    noisy = o_noise is not None or c_noise is not None

    def window_figures(mode: str) -> tuple[WindowArrays, WindowArrays]:
        assert win is not None
        days = day_span(*win)
        return (
            window_arrays(open_side, closed_side, *observed, days, mode),
            window_arrays(open_side, closed_side, *drawn, days, mode),
        )

    unit = points_unit(selection.unit)
    level = boot.level
    found: dict[str, Estimate] = {}
    counts: dict[str, int] = {}
    wanted = {*variants, method}
    if win is not None:
        for mode in [m for m in ("days", "records") if m in wanted]:
            w_obs, w_res = window_figures(mode)
            found[mode] = percentile_interval(
                w_res.lag_months, level, "months", float(w_obs.lag_months[0])
            )
            if mode == method:
                counts = {
                    "days_used" if mode == "days" else "records_used": int(w_obs.days_used[0]),
                    "left_censored": int(w_obs.censored[0]),
                    "open_ahead": int(w_obs.open_ahead[0]),
                    "no_open_model": int(w_obs.no_open[0]),
                }
                on_window = (w_obs, w_res)
    if "levels" in wanted:
        obs = levels_lag(open_side, closed_side, *observed, int(levels))
        res = levels_lag(open_side, closed_side, *drawn, int(levels))
        found["levels"] = percentile_interval(res, level, "months", float(obs[0]))
    if method == "levels":
        day = day_span(as_of, as_of)
        on_window = (
            window_arrays(open_side, closed_side, *observed, day, "days"),
            window_arrays(open_side, closed_side, *drawn, day, "days"),
        )
    w_obs, w_res = on_window
    points = percentile_interval(w_res.points, level, unit, float(w_obs.points[0]))
    share = percentile_interval(w_res.ratio, level, "", float(w_obs.ratio[0]))
    if not ratio:
        share = Estimate(None, None, None, "", 0, "no ratio on a scale without a true zero")
    lag = found[method]
    if lag.value is None:
        lag = Estimate(None, None, None, "months", lag.defined, _lag_reason(method, counts))
    if counts.get("left_censored"):
        notes.append(
            f"{counts['left_censored']} day(s) left out: the closed frontier already stood at "
            "the open level when the data starts, so the lag there is only a lower bound."
        )
    if counts.get("open_ahead"):
        notes.append(
            f"{counts['open_ahead']} day(s) left out: the best open model was ahead of every "
            "closed model in the data."
        )
    used = "per-model intervals redrawn as two-piece normals " if noisy else ""
    return GapEstimate(
        points=points,
        ratio=share,
        lag_months=lag,
        method=Method(
            lag=method,
            window_start=win[0] if win else None,
            window_end=win[1] if win else None,
            levels=int(levels),
            resamples=int(boot.resamples),
            seed=int(boot.seed),
            level=float(level),
            resampling="Poisson bootstrap of the models within each side",
            model_intervals=(
                f"{used}(read as {boot.interval_level:.0%} intervals)"
                if noisy
                else "none (no per-model intervals in the data)"
            ),
            description=_method_text(method, win, int(levels)),
        ),
        lag_variants=found,
        counts=counts,
        notes=notes,
    )


def points_unit(unit: str) -> str:
    """The unit of a difference of scores: ``percentage points`` for %, else ``<unit> points``
    (``ECI points``, ``rating points``)."""
    if unit == "%":
        return "percentage points"
    return unit if unit.endswith("points") else f"{unit} points"


def _lag_reason(method: str, counts: dict[str, int]) -> str:
    if method == "levels":
        return "the two frontiers share no score level"
    if method == "records" and not counts.get("records_used") and not counts.get("open_ahead"):
        if not counts.get("left_censored"):
            return "no new open-weight record in the window"
    if counts.get("left_censored"):
        return "every usable day is left-censored: the data starts too late for this window"
    if counts.get("open_ahead"):
        return "open models were ahead of every closed model in the data"
    return "no open-weight model in the window"
