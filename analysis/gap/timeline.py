"""The two frontiers as arrays over time, and the gap statistics read from them.

One engine serves the point estimate and every bootstrap resample: a side is its
models in release order (day numbers, scores), and a *score matrix* holds one row
per resample (the observed scores are the one-row case). Excluded models score
``-inf``, so each row's running maximum is that resample's frontier.

Definitions (``O(t)``, ``C(t)``: the best open-weight and the best closed score
among the models released on or before day ``t``):

Points gap at ``t``
    ``C(t) - O(t)``, in score points. Ratio at ``t``: ``O(t) / C(t)``.
Lag at ``t``
    ``(t - d) / 30.4375`` months, where ``d`` is the first day the closed
    frontier reached ``O(t)``: how long ago closed models were where the best
    open model is on day ``t`` (Epoch AI's horizontal gap read at a date).
    Negative when the closed frontier reached that level only after ``t``.
    Undefined on a day with no open model yet, or when no closed model in the
    data ever reached ``O(t)`` (open models ahead). *Left-censored* when the
    first closed model in the data already scores ``O(t)`` or more: the closed
    frontier got there on or before the data starts, so the lag would be a
    lower bound; such days are left out and counted.
Window averages (two variants)
    ``days``: the mean over every day ``t`` of the window ``[start, end]`` on
    which the figure is defined. ``records``: the mean over the days in the
    window on which a new open record was set (``O(t) > O(t - 1)``): each time
    an open model catches up, how long the closed side had been there.
    The first weighs how long each state lasted; the second counts each
    catch-up once, so a long wait before the next open record moves ``days``
    but not ``records``.
Levels (the whole-history variant, :func:`analysis.gap.horizontal_gap`)
    The mean, over ``levels`` evenly spaced score levels from the higher of the
    two frontiers' first values to the lower of their best values, of the days
    between the closed and the open frontier first reaching the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING

from analysis.errors import GapError
from analysis.gap.frames import require_columns, to_bool

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DAYS_PER_MONTH = 30.4375
"""Average days in a month (365.25 / 12); months = days / DAYS_PER_MONTH."""

DEFAULT_LEVELS = 101
"""Score levels averaged over for the horizontal gap (evenly spaced, ends included)."""

METHODS = ("days", "records", "levels")
"""Lag methods: averaged over the days of a window, over the new open records in it, or
over score levels across the whole history."""


@dataclass(frozen=True)
class Side:
    """One side's models in release order (ties: highest score first).

    Attributes:
        keys: model keys (``model_id``), one per model.
        days: release dates as day numbers (days since 1970-01-01), ascending.
        scores: observed scores.
        sd_low: standard deviation below the score implied by the model's own interval
            (``(score - ci_low) / z``), 0 where there is none.
        sd_high: the same above (``(ci_high - score) / z``).
    """

    keys: tuple[str, ...]
    days: np.ndarray
    scores: np.ndarray
    sd_low: np.ndarray
    sd_high: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def has_intervals(self) -> bool:
        """True when some model carries its own interval."""
        return bool((self.sd_low > 0).any() or (self.sd_high > 0).any())


def day_numbers(values: pd.Series | np.ndarray) -> np.ndarray:
    """Dates as int64 day numbers (days since 1970-01-01)."""
    import numpy as np
    import pandas as pd

    return pd.to_datetime(values).to_numpy().astype("datetime64[D]").astype(np.int64)


def sides(rows: pd.DataFrame, *, interval_level: float = 0.90) -> tuple[Side, Side]:
    """The open and the closed side of one-row-per-model scores.

    Args:
        rows: model_id, open_weights, release_date, score; optional ci_low and ci_high
            (the model's own interval, e.g. ECI's), read at ``interval_level``, and
            draw_key (the key resampling draws are tied to; default model_id).
        interval_level: the two-sided level of ``ci_low``-``ci_high`` (0.90 for ECI).

    Returns:
        (open side, closed side).

    Raises:
        GapError: a required column is missing or ``interval_level`` is not in (0, 1).
    """
    import numpy as np

    require_columns(rows, ["model_id", "open_weights", "release_date", "score"], "score rows")
    if not 0 < interval_level < 1:
        raise GapError(f"interval_level = {interval_level!r}: must be between 0 and 1")
    z = NormalDist().inv_cdf(0.5 + interval_level / 2)
    days = day_numbers(rows["release_date"])
    scores = rows["score"].to_numpy(dtype=float)
    low = rows["ci_low"].to_numpy(dtype=float) if "ci_low" in rows else np.full(len(rows), np.nan)
    high = (
        rows["ci_high"].to_numpy(dtype=float) if "ci_high" in rows else np.full(len(rows), np.nan)
    )
    sd_low = np.where(np.isfinite(low), np.maximum(scores - low, 0.0) / z, 0.0)
    sd_high = np.where(np.isfinite(high), np.maximum(high - scores, 0.0) / z, 0.0)
    flags = rows["open_weights"].map(to_bool).to_numpy()
    key = "draw_key" if "draw_key" in rows.columns else "model_id"
    keys = rows[key].astype(str).to_numpy()
    out = []
    for flag in (True, False):
        at = np.flatnonzero(flags == flag)
        at = at[np.lexsort((-scores[at], days[at]))]
        out.append(Side(tuple(keys[at]), days[at], scores[at], sd_low[at], sd_high[at]))
    return out[0], out[1]


def score_matrix(
    side: Side, include: np.ndarray | None = None, noise: np.ndarray | None = None
) -> np.ndarray:
    """One row of scores per resample; ``-inf`` where a model is left out.

    score = observed + noise × sd_low (noise < 0) or × sd_high (noise >= 0): a two-piece
    normal that puts ``ci_low`` and ``ci_high`` at the interval's quantiles.

    Args:
        side: the side.
        include: resamples × models, True where the model is in the resample (None: the
            observed data, one row with every model).
        noise: resamples × models, standard normal draws (None: no per-model noise).

    Returns:
        A float array, resamples × models.
    """
    import numpy as np

    if include is None:
        return side.scores[None, :].astype(float)
    scores = np.broadcast_to(side.scores, include.shape).astype(float)
    if noise is not None:
        scores = scores + np.where(noise < 0, noise * side.sd_low, noise * side.sd_high)
    return np.where(include, scores, -np.inf)


def running_best(scores: np.ndarray) -> np.ndarray:
    """Each row's running maximum: the frontier after each model, in release order."""
    import numpy as np

    return np.maximum.accumulate(scores, axis=1)


def values_at(front: np.ndarray, days: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Each row's frontier value on each day of ``when`` (``-inf`` before its first model).

    Args:
        front: running best, resamples × models.
        days: the side's release day numbers (ascending).
        when: day numbers to read at.

    Returns:
        resamples × len(when).
    """
    import numpy as np

    k = np.searchsorted(days, when, side="right") - 1
    out = front[:, np.maximum(k, 0)]
    return np.where(k >= 0, out, -np.inf) if len(days) else np.full(out.shape, -np.inf)


def reach_index(front: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """For each row and level, the first model at which the row's frontier reached it.

    ``front`` rows never decrease, so this is a search per row; every row is searched at
    once by laying the rows end to end on one increasing axis (row b shifted by b × span,
    span larger than the range of every value).

    Args:
        front: running best, resamples × models (``-inf`` allowed).
        levels: resamples × levels.

    Returns:
        resamples × levels model positions; the number of models where never reached.
    """
    import numpy as np

    rows, n = front.shape
    if n == 0:
        return np.zeros(levels.shape, dtype=np.int64)
    finite = np.concatenate([front[np.isfinite(front)], levels[np.isfinite(levels)]])
    if not len(finite):
        return np.zeros(levels.shape, dtype=np.int64)
    base = float(finite.min()) - 1.0
    span = float(finite.max()) - base + 1.0
    shift = (np.arange(rows, dtype=float) * span)[:, None]
    axis = (np.where(np.isfinite(front), front, base) + shift).ravel()
    wanted = np.where(np.isneginf(levels), base, levels)
    found = np.searchsorted(axis, (wanted + shift).ravel(), side="left").reshape(levels.shape)
    return found - (np.arange(rows) * n)[:, None]


def first_days(scores: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Each row's first release day among the models it includes (-1 when it has none)."""
    import numpy as np

    present = np.isfinite(scores)
    first = present.argmax(axis=1)
    return np.where(present.any(axis=1), days[first] if len(days) else -1, -1)


def segments(
    first: int, last: int, open_side: Side, closed_side: Side, splits: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The days ``first``..``last`` cut into runs on which neither frontier changes.

    Both frontiers, and so the points gap and the day a level was first reached, can
    change only on a release day; between two release days the lag grows by one day a
    day. Each run starts on the window's first day, a release day or a ``splits`` day.

    Returns:
        (start day numbers, run lengths in days), ascending, covering the window once.
    """
    import numpy as np

    cuts = [np.array([first]), open_side.days, closed_side.days]
    if splits is not None:
        cuts.append(np.asarray(splits, dtype=np.int64))
    starts = np.unique(np.concatenate(cuts).astype(np.int64))
    starts = starts[(starts >= first) & (starts <= last)]
    lengths = np.diff(np.append(starts, last + 1))
    return starts, lengths


@dataclass(frozen=True)
class RunArrays:
    """Per-resample figures on runs of days (resamples × runs).

    A run is ``lengths[j]`` consecutive days from ``starts[j]``; in ``records`` mode a
    run is one record day. The sums make window means: mean = sum / days.

    Attributes:
        starts: the runs' first days.
        lengths: the runs' lengths in days.
        points: C(t) - O(t) on the run (NaN where a side has no model, or not counted).
        ratio: O(t) / C(t) on the run (NaN also where C(t) is not positive).
        lag_sum: the lag in days summed over the run's days (NaN where unusable):
            length × (start - d) + length × (length - 1) / 2.
        counted: the run counts under the mode.
        censored: counted, and the lag is left-censored.
        open_ahead: counted, and no closed model (visible by the cut) reached O(t).
        no_open: counted, and no open model yet.
    """

    starts: np.ndarray
    lengths: np.ndarray
    points: np.ndarray
    ratio: np.ndarray
    lag_sum: np.ndarray
    counted: np.ndarray
    censored: np.ndarray
    open_ahead: np.ndarray
    no_open: np.ndarray


def run_arrays(
    open_side: Side,
    closed_side: Side,
    open_scores: np.ndarray,
    closed_scores: np.ndarray,
    window: tuple[int, int],
    mode: str,
    *,
    splits: np.ndarray | None = None,
    cut: np.ndarray | None = None,
) -> RunArrays:
    """Points gap, ratio and lag on the runs of a window, per resample.

    Args:
        open_side: the open side.
        closed_side: the closed side.
        open_scores: :func:`score_matrix` of the open side.
        closed_scores: :func:`score_matrix` of the closed side.
        window: (first day, last day) as day numbers, both included.
        mode: ``days`` (every day counts) or ``records`` (only days setting an open record).
        splits: extra run starts (e.g. month starts, to sum by month).
        cut: per run start (aligned with the runs :func:`segments` gives with ``splits``),
            the last release day visible: a closed model released later cannot date a
            level (the figure is computed as of that day). None: no cut.

    Returns:
        The :class:`RunArrays`.

    Raises:
        GapError: unknown ``mode``.
    """
    import numpy as np

    if mode not in ("days", "records"):
        raise GapError(f"mode = {mode!r}: choose days or records")
    first, last = window
    if mode == "records":
        days = open_side.days
        starts = np.unique(days[(days >= first) & (days <= last)]).astype(np.int64)
        lengths = np.ones(len(starts), dtype=np.int64)
    else:
        starts, lengths = segments(first, last, open_side, closed_side, splits)
    o_front, c_front = running_best(open_scores), running_best(closed_scores)
    o_now = values_at(o_front, open_side.days, starts)
    c_now = values_at(c_front, closed_side.days, starts)
    has_open = np.isfinite(o_now)
    if mode == "records":
        counted = has_open & (o_now > values_at(o_front, open_side.days, starts - 1))
    else:
        counted = np.ones(o_now.shape, dtype=bool)
    idx = reach_index(c_front, o_now)
    n_c = len(closed_side)
    reached = has_open & (idx < n_c)
    reach_day = closed_side.days[np.minimum(idx, max(n_c - 1, 0))] if n_c else idx
    if cut is not None:
        reached &= reach_day <= np.asarray(cut)[None, :]
    censored = reached & (reach_day == first_days(closed_scores, closed_side.days)[:, None])
    usable = counted & reached & ~censored
    both = counted & has_open & np.isfinite(c_now)
    positive = both & (c_now > 0)
    span = lengths[None, :].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(positive, o_now / np.where(c_now > 0, c_now, 1.0), np.nan)
        points = np.where(both, c_now - o_now, np.nan)
        lag_sum = np.where(
            usable, span * (starts[None, :] - reach_day) + span * (span - 1) / 2, np.nan
        )
    return RunArrays(
        starts=starts,
        lengths=lengths,
        points=points,
        ratio=ratio,
        lag_sum=lag_sum,
        counted=counted,
        censored=counted & censored,
        open_ahead=counted & has_open & ~reached,
        no_open=counted & ~has_open,
    )


@dataclass(frozen=True)
class WindowArrays:
    """Per-resample means over a window (or over groups of its runs: one column each).

    Attributes:
        points: mean of C(t) - O(t) over the days (or records) counted.
        ratio: mean of O(t) / C(t).
        lag_months: mean lag in months over the usable days.
        days_used: days (or records) the lag mean rests on.
        censored: days left out as left-censored.
        open_ahead: days left out because no closed model reached O(t).
        no_open: days with no open model yet.
    """

    points: np.ndarray
    ratio: np.ndarray
    lag_months: np.ndarray
    days_used: np.ndarray
    censored: np.ndarray
    open_ahead: np.ndarray
    no_open: np.ndarray


def means(runs: RunArrays, groups: np.ndarray | None = None) -> WindowArrays:
    """Day-weighted means of :func:`run_arrays` over all runs, or per group of runs.

    Args:
        runs: the runs.
        groups: indices of the first run of each group (ascending, starting at 0); None:
            one group. The result then has one column per group (else a 1-d array).

    Returns:
        The :class:`WindowArrays`.
    """
    import numpy as np

    starts = np.array([0]) if groups is None else np.asarray(groups)
    span = np.broadcast_to(runs.lengths[None, :].astype(float), runs.points.shape)

    def total(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, starts, axis=1) if values.shape[1] else np.zeros(
            (values.shape[0], len(starts))
        )  # fmt: skip

    def mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
        ok = np.isfinite(values)
        n = total(np.where(ok, weights, 0.0))
        s = total(np.where(ok, values, 0.0))
        return np.where(n > 0, s / np.maximum(n, 1), np.nan)

    points = mean(runs.points * span, span)
    ratio = mean(runs.ratio * span, span)
    ok = np.isfinite(runs.lag_sum)
    n_lag = total(np.where(ok, span, 0.0))
    lag = np.where(n_lag > 0, total(np.where(ok, runs.lag_sum, 0.0)) / np.maximum(n_lag, 1), np.nan)
    out = WindowArrays(
        points=points,
        ratio=ratio,
        lag_months=lag / DAYS_PER_MONTH,
        days_used=n_lag.astype(np.int64),
        censored=total(np.where(runs.censored, span, 0.0)).astype(np.int64),
        open_ahead=total(np.where(runs.open_ahead, span, 0.0)).astype(np.int64),
        no_open=total(np.where(runs.no_open, span, 0.0)).astype(np.int64),
    )
    if groups is not None:
        return out
    return WindowArrays(*(getattr(out, f)[:, 0] for f in out.__dataclass_fields__))


def window_arrays(
    open_side: Side,
    closed_side: Side,
    open_scores: np.ndarray,
    closed_scores: np.ndarray,
    window: tuple[int, int],
    mode: str,
) -> WindowArrays:
    """Points gap, ratio and lag averaged over a window, per resample (1-d arrays).

    Args:
        open_side: the open side.
        closed_side: the closed side.
        open_scores: :func:`score_matrix` of the open side.
        closed_scores: :func:`score_matrix` of the closed side.
        window: (first day, last day) as day numbers, both included.
        mode: ``days`` or ``records`` (see :func:`run_arrays`).

    Returns:
        The :class:`WindowArrays`.
    """
    return means(run_arrays(open_side, closed_side, open_scores, closed_scores, window, mode))


def levels_lag(
    open_side: Side,
    closed_side: Side,
    open_scores: np.ndarray,
    closed_scores: np.ndarray,
    levels: int,
) -> np.ndarray:
    """The whole-history lag (months) over evenly spaced score levels, per resample.

    Per row: low = the higher of the two frontiers' first values (best score on each
    side's first release day), high = the lower of their best values; levels
    linspace(low, high, ``levels``) (``high`` alone when ``levels`` is 1 or low = high);
    lag = mean over levels of (open first day - closed first day) / 30.4375. NaN where
    low > high or a side is empty.

    Args:
        open_side: the open side.
        closed_side: the closed side.
        open_scores: :func:`score_matrix` of the open side.
        closed_scores: :func:`score_matrix` of the closed side.
        levels: number of levels (>= 1).

    Returns:
        Months per resample.
    """
    import numpy as np

    rows = open_scores.shape[0]
    if not len(open_side) or not len(closed_side):
        return np.full(rows, np.nan)
    tops, firsts = [], []
    fronts = []
    for side, scores in ((open_side, open_scores), (closed_side, closed_scores)):
        front = running_best(scores)
        start = first_days(scores, side.days)
        at = np.searchsorted(side.days, start, side="right") - 1
        firsts.append(np.where(start >= 0, front[np.arange(rows), np.maximum(at, 0)], np.nan))
        tops.append(np.where(np.isfinite(front[:, -1]), front[:, -1], np.nan))
        fronts.append(front)
    low, high = np.maximum(firsts[0], firsts[1]), np.minimum(tops[0], tops[1])
    ok = np.isfinite(low) & np.isfinite(high) & (low <= high)
    low, high = np.where(ok, low, 0.0), np.where(ok, high, 0.0)
    if levels == 1:
        grid = high[:, None]
    else:
        # As numpy's linspace builds it: start + i × step, the last level set to stop.
        step = (high - low) / (levels - 1)
        grid = np.arange(levels)[None, :] * step[:, None] + low[:, None]
        grid[:, -1] = high
        grid = np.where((low == high)[:, None], high[:, None], grid)
    o_day = open_side.days[np.minimum(reach_index(fronts[0], grid), len(open_side) - 1)]
    c_day = closed_side.days[np.minimum(reach_index(fronts[1], grid), len(closed_side) - 1)]
    lag = (o_day - c_day).mean(axis=1) / DAYS_PER_MONTH
    return np.where(ok, lag, np.nan)
