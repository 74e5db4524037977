"""Frontiers, the vertical gap (points, ratio) and the horizontal gap (lag in months)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analysis.errors import GapError
from analysis.gap.frames import (
    CLOSED_LABEL,
    OPEN_LABEL,
    group_label,
    iso,
    norm_setting,
    pandas_copy,
    require_columns,
    timestamp,
    to_bool,
)
from analysis.gap.intervals import Bootstrap, GapEstimate, estimate_gap
from analysis.gap.selection import Selection, select_scores
from analysis.gap.timeline import DAYS_PER_MONTH, DEFAULT_LEVELS
from analysis.records import Record

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from analysis.gap.frames import DateLike, Table


def months_between(earlier: DateLike, later: DateLike) -> float:
    """Months from ``earlier`` to ``later``.

    months = (later - earlier) in days / 30.4375.

    Args:
        earlier: a date (date, datetime, Timestamp or ISO text).
        later: a date.

    Returns:
        Signed months (negative when ``later`` precedes ``earlier``).
    """
    a, b = timestamp(earlier, "earlier"), timestamp(later, "later")
    if a is None or b is None:
        raise GapError("months_between needs two dates")
    return (b - a).days / DAYS_PER_MONTH


def frontier(rows: Table) -> pd.DataFrame:
    """The running best score of open-weight and of closed models by release date.

    Args:
        rows: one row per model with columns model, open_weights (bool), release_date,
            score (e.g. ``Selection.rows``). Other columns are carried along.

    Returns:
        The rows sorted by release date, with ``group`` ("Open weights"/"Closed"),
        ``frontier_score`` (best score of the group among models released on or before
        this one's date) and ``on_frontier`` (True when the model raised its group's best).

    Raises:
        GapError: a required column is missing.
    """
    import pandas as pd

    df = pandas_copy(rows, "rows")
    require_columns(df, ["model", "open_weights", "release_date", "score"], "frontier rows")
    df["release_date"] = pd.to_datetime(df["release_date"])
    df["open_weights"] = df["open_weights"].map(to_bool).astype(bool)
    df["group"] = df["open_weights"].map(group_label)
    df["score"] = df["score"].astype(float)
    df = df.sort_values(["release_date", "score"], ascending=[True, False], ignore_index=True)
    df["frontier_score"] = df.groupby("group")["score"].cummax()
    previous = df.groupby("group")["frontier_score"].shift(1)
    df["on_frontier"] = previous.isna() | (df["score"] > previous)
    return df


@dataclass(frozen=True)
class FrontierPoint(Record):
    """A model at the top of its side's frontier.

    Attributes:
        model_id: warehouse key.
        model: display name.
        score: its score, in the analysis unit.
        date: its release date (ISO).
        setting: configuration the score was measured in.
        source: where the score comes from.

    ``to_dict()`` gives these fields as plain data (:class:`analysis.records.Record`).
    """

    model_id: str
    model: str
    score: float
    date: str
    setting: str | None = None
    source: str | None = None


def _point(row: pd.Series) -> FrontierPoint:
    setting = row.get("setting")
    return FrontierPoint(
        model_id=str(row.get("model_id", row["model"])),
        model=str(row["model"]),
        score=round(float(row["score"]), 6),
        date=iso(row["release_date"]) or "",
        setting=None if norm_setting(setting) == "" else str(setting),
        source=None if row.get("source") is None else str(row.get("source")),
    )


@dataclass(frozen=True)
class VerticalGap:
    """Best open vs best closed score as of a date.

    Attributes:
        best_open: the best open-weight model.
        best_closed: the best closed model.
        points: best closed - best open, in score points.
        ratio: best open / best closed (None when the closed score is not positive or the
            scale has no meaningful zero, like a rating).
    """

    best_open: FrontierPoint
    best_closed: FrontierPoint
    points: float
    ratio: float | None


def vertical_gap(rows: Table, as_of: DateLike | None = None, *, ratio: bool = True) -> VerticalGap:
    """The vertical gap between the two frontiers as of a date.

    points = best_closed - best_open (score points); ratio = best_open / best_closed.

    Args:
        rows: one row per model (model, open_weights, release_date, score).
        as_of: only models released on or before it (None: all).
        ratio: compute the ratio (False for interval scales such as ratings).

    Returns:
        The :class:`VerticalGap`.

    Raises:
        GapError: one side has no model by ``as_of``.
    """
    return _vertical(frontier(rows), timestamp(as_of), ratio)


def _sides(
    df: pd.DataFrame, cut: pd.Timestamp | None
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Row positions of each side among the models released by ``cut``, with the score and
    release-date columns as arrays (whole-column work, no per-side table copies).

    Returns:
        ({"Open weights": positions, "Closed": positions}, scores, release dates).
    """
    import numpy as np

    dates = df["release_date"].to_numpy()
    scores = df["score"].to_numpy(dtype=float)
    groups = df["group"].to_numpy()
    kept = np.ones(len(df), dtype=bool) if cut is None else dates <= cut.to_datetime64()
    return (
        {label: np.flatnonzero(kept & (groups == label)) for label in (OPEN_LABEL, CLOSED_LABEL)},
        scores,
        dates,
    )


def _vertical(df: pd.DataFrame, cut: pd.Timestamp | None, ratio: bool) -> VerticalGap:
    """:func:`vertical_gap` on a table :func:`frontier` has already prepared."""
    import numpy as np

    sides, scores, dates = _sides(df, cut)
    best: dict[str, Any] = {}
    for label in (OPEN_LABEL, CLOSED_LABEL):
        at = sides[label]
        if not len(at):
            raise GapError(
                f"no {label.lower()} model with a score released by {iso(cut) or 'now'}: "
                "a gap needs both sides"
            )
        # Highest score; among equals, the earliest to reach it; then table order (a
        # stable sort: score descending, missing last, then release date ascending).
        first = np.lexsort((dates[at], -scores[at]))[0]
        best[label] = df.iloc[at[first]]
    o, c = best[OPEN_LABEL], best[CLOSED_LABEL]
    points = float(c["score"]) - float(o["score"])
    r = float(o["score"]) / float(c["score"]) if ratio and float(c["score"]) > 0 else None
    return VerticalGap(
        best_open=_point(o),
        best_closed=_point(c),
        points=round(points, 6),
        ratio=None if r is None else round(r, 6),
    )


def _reach_dates(
    scores: np.ndarray, dates: np.ndarray, levels: Sequence[float] | np.ndarray
) -> np.ndarray:
    """First release date at which one side's frontier reached each level, all levels at once.

    ``scores`` and ``dates`` are one side's models in release-date order (as
    :func:`frontier` leaves them). The running best, best[i] = max(score[0..i]), never
    decreases, so the first model reaching level L is i = searchsorted(best, L, "left"):
    the first i with best[i] >= L, whose date is the earliest release date of any model
    scoring >= L. A missing score counts as never reaching any level.

    Args:
        scores: the side's scores (float array), in release-date order.
        dates: their release dates (datetime64 array).
        levels: score levels (a 1-d array).

    Returns:
        A datetime64 array, one date per level (NaT where the side never reached it).
    """
    import numpy as np

    best = np.maximum.accumulate(np.where(np.isnan(scores), -np.inf, scores))
    at = np.searchsorted(best, np.asarray(levels, dtype=float), side="left")
    out = np.full(len(at), np.datetime64("NaT"), dtype=dates.dtype)
    reached = at < len(best)
    out[reached] = dates[at[reached]]
    return out


def first_reach(rows: Table, open_weights: bool, level: float) -> pd.Timestamp | None:
    """The first release date at which a side's frontier reached a score level.

    Args:
        rows: one row per model (model, open_weights, release_date, score).
        open_weights: True for the open side, False for the closed side.
        level: the score level (inclusive).

    Returns:
        A pandas Timestamp, or None when the side never reached the level.
    """
    import pandas as pd

    df = frontier(rows)
    side = df[df["open_weights"] == bool(open_weights)]
    found = _reach_dates(
        side["score"].to_numpy(dtype=float), side["release_date"].to_numpy(), [float(level)]
    )[0]
    return None if pd.isna(found) else pd.Timestamp(found)


def lag_at_level(rows: Table, level: float) -> float | None:
    """Months between the closed and the open frontier first reaching a level.

    lag = (open first date - closed first date) in days / 30.4375.

    Args:
        rows: one row per model (model, open_weights, release_date, score).
        level: the score level.

    Returns:
        Months (negative when open got there first), or None when a side never reached it.
    """
    closed, opened = first_reach(rows, False, level), first_reach(rows, True, level)
    if closed is None or opened is None:
        return None
    return (opened - closed).days / DAYS_PER_MONTH


@dataclass(frozen=True)
class HorizontalGap:
    """The lag of the open frontier behind the closed one.

    Attributes:
        lag_months: mean of the per-level lags (None when the frontiers share no level).
        low: lowest level averaged over.
        high: highest level averaged over.
        levels: per level: level, closed_date, open_date, lag_months.
        reason: why ``lag_months`` is None, else None.
    """

    lag_months: float | None
    low: float | None
    high: float | None
    levels: pd.DataFrame
    reason: str | None = None


def horizontal_gap(
    rows: Table, *, as_of: DateLike | None = None, levels: int = DEFAULT_LEVELS
) -> HorizontalGap:
    """Epoch AI's horizontal gap: lag in months averaged over evenly spaced score levels.

    For each level L in linspace(low, high, levels):
    lag(L) = (first open date with score >= L - first closed date with score >= L) / 30.4375
    months, where low = max(first closed frontier value, first open frontier value) and
    high = min(best closed, best open). lag_months = mean of lag(L).

    Args:
        rows: one row per model (model, open_weights, release_date, score).
        as_of: only models released on or before it.
        levels: number of levels (>= 1; 1 uses ``high`` alone).

    Returns:
        The :class:`HorizontalGap`.

    Raises:
        GapError: ``levels`` < 1.
    """
    if int(levels) < 1:
        raise GapError(f"levels = {levels!r}: must be at least 1")
    return _horizontal(frontier(rows), timestamp(as_of), int(levels))


def _horizontal(df: pd.DataFrame, cut: pd.Timestamp | None, levels: int) -> HorizontalGap:
    """:func:`horizontal_gap` on a table :func:`frontier` has already prepared.

    Every level is looked up at once (:func:`_reach_dates`), not filtered for one by one.
    """
    import numpy as np
    import pandas as pd

    empty = pd.DataFrame(columns=["level", "closed_date", "open_date", "lag_months"])
    at, scores, dates = _sides(df, cut)
    if any(not len(a) for a in at.values()):
        return HorizontalGap(None, None, None, empty, "one side has no model with a score")
    running = df["frontier_score"].to_numpy(dtype=float)
    firsts = {k: float(running[a[0]]) for k, a in at.items()}
    other = {OPEN_LABEL: CLOSED_LABEL, CLOSED_LABEL: OPEN_LABEL}
    tops = {k: _max(scores[a]) for k, a in at.items()}
    low, high = max(firsts.values()), min(tops.values())
    if low > high:
        behind = OPEN_LABEL if tops[OPEN_LABEL] < firsts[CLOSED_LABEL] else CLOSED_LABEL
        return HorizontalGap(
            None,
            None,
            None,
            empty,
            f"the {behind.lower()} frontier never reached the other's first level in the data "
            f"(best {tops[behind]:.4g} < first {firsts[other[behind]]:.4g})",
        )
    grid = np.array([high]) if levels == 1 or low == high else np.linspace(low, high, levels)
    c, o = at[CLOSED_LABEL], at[OPEN_LABEL]
    closed = _reach_dates(scores[c], dates[c], grid)
    opened = _reach_dates(scores[o], dates[o], grid)
    # Whole days, rounded down as Timedelta.days does: months = days / 30.4375.
    days = (opened - closed) // np.timedelta64(1, "D")
    table = pd.DataFrame(
        {
            "level": grid.astype(float),
            "closed_date": pd.to_datetime(closed),
            "open_date": pd.to_datetime(opened),
            "lag_months": days / DAYS_PER_MONTH,
        }
    )
    return HorizontalGap(
        lag_months=round(float(table["lag_months"].mean()), 6),
        low=float(low),
        high=float(high),
        levels=table,
    )


def _max(values: np.ndarray) -> float:
    """The largest number, missing ones skipped (NaN when there is none), as pandas' max."""
    import numpy as np

    present = values[~np.isnan(values)]
    return float(present.max()) if len(present) else math.nan


@dataclass(frozen=True)
class GapResult:
    """The open-vs-closed gap on one benchmark, with what it rests on.

    Attributes:
        selection: the per-model scores and the rules that chose them.
        frontier: :func:`frontier` of the selection.
        vertical: :class:`VerticalGap` as of ``selection.as_of``.
        horizontal: :class:`HorizontalGap`.
        estimate: the figures with their bootstrap intervals and method, when asked for
            (:func:`analysis.gap.intervals.estimate_gap`); else None.
    """

    selection: Selection
    frontier: pd.DataFrame
    vertical: VerticalGap
    horizontal: HorizontalGap
    estimate: GapEstimate | None = None

    @property
    def benchmark(self) -> str:
        """The benchmark label."""
        return self.selection.benchmark

    @property
    def measure(self) -> str:
        """What kind of measure the benchmark is: ``index of many benchmarks`` (ECI),
        ``human preference rating`` (Arena), ``composite`` or ``single benchmark``."""
        label = self.selection.benchmark
        if label == "ECI":
            return "index of many benchmarks"
        if label == "Arena rating":
            return "human preference rating"
        if label.startswith("Composite"):
            return "composite"
        return "single benchmark"

    @property
    def lag_months(self) -> float | None:
        """Mean lag in months (see :func:`horizontal_gap`)."""
        return self.horizontal.lag_months

    @property
    def ratio(self) -> float | None:
        """Best open / best closed."""
        return self.vertical.ratio

    def frontier_models(self, group: str) -> list[dict[str, Any]]:
        """The models that raised a side's best, oldest first.

        Args:
            group: ``"Open weights"`` or ``"Closed"``.

        Returns:
            Dicts with model, score and date.
        """
        side = self.frontier[(self.frontier["group"] == group) & self.frontier["on_frontier"]]
        return [
            {"model": str(r["model"]), "score": float(r["score"]), "date": iso(r["release_date"])}
            for _, r in side.iterrows()
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no NaN: missing figures are None)."""
        s = self.selection
        return {
            "benchmark": s.benchmark,
            "measure": self.measure,
            "source": s.source,
            "reported_by": s.reported_by,
            "as_of": iso(s.as_of),
            "unit": s.unit,
            "setting_rule": s.setting_rule,
            "configurations": s.configurations,
            "best_open": self.vertical.best_open.to_dict(),
            "best_closed": self.vertical.best_closed.to_dict(),
            "points": self.vertical.points,
            "ratio": self.vertical.ratio,
            "lag_months": self.horizontal.lag_months,
            "lag_levels": {
                "count": int(len(self.horizontal.levels)),
                "low": self.horizontal.low,
                "high": self.horizontal.high,
                "reason": self.horizontal.reason,
            },
            "frontier": {
                "open": self.frontier_models(OPEN_LABEL),
                "closed": self.frontier_models(CLOSED_LABEL),
            },
            "models": {
                "open": int((s.rows["open_weights"]).sum()),
                "closed": int((~s.rows["open_weights"]).sum()),
            },
            "excluded": s.excluded,
            "sources": s.sources,
            "notes": s.notes + (self.estimate.notes if self.estimate else []),
            **self._uncertainty(),
        }

    def _uncertainty(self) -> dict[str, Any]:
        """``figures`` (value, ci_low, ci_high, unit per figure) and ``method``, or nothing."""
        e = self.estimate
        if e is None:
            return {}
        return {
            "snapshot": self.selection.snapshot.isoformat() if self.selection.snapshot else None,
            "figures": {
                name: est.to_dict()
                for name, est in (
                    ("points", e.points),
                    ("ratio", e.ratio),
                    ("lag_months", e.lag_months),
                )
            },
            "method": {
                **e.method.to_dict(),
                "lag_variants": {k: v.to_dict() for k, v in e.lag_variants.items()},
                "counts": e.counts,
            },
        }


def gap_from_selection(
    selection: Selection,
    *,
    levels: int = DEFAULT_LEVELS,
    ratio: bool = True,
    bootstrap: Bootstrap | None = None,
    method: str = "levels",
    window: tuple[DateLike, DateLike] | None = None,
) -> GapResult:
    """Frontier, vertical gap and lag for a :class:`Selection`; with intervals on request.

    Args:
        selection: from :func:`select_scores` (or built by hand).
        levels: score levels for the lag.
        ratio: compute open / closed (False for ratings).
        bootstrap: draw intervals this way (None: no intervals, ``estimate`` is None).
        method: the lag method of the estimate (``levels``, ``days``, ``records``).
        window: (start, end) for ``days``/``records``.

    Returns:
        The :class:`GapResult`.

    Raises:
        GapError: one side has no model.
    """
    sides = selection.rows["open_weights"].astype(bool)
    if sides.all() or not sides.any():
        missing = "closed" if sides.all() else "open-weight"
        raise GapError(
            f"{selection.benchmark} ({selection.source}; {selection.setting_rule}) has no "
            f"{missing} model, only {len(sides)} {'open-weight' if sides.all() else 'closed'} "
            "ones: a gap needs both sides. Try another --setting or --source"
        )
    if int(levels) < 1:
        raise GapError(f"levels = {levels!r}: must be at least 1")
    front = frontier(selection.rows)  # once: both gaps read the same frontier
    estimate = None
    if bootstrap is not None:
        estimate = estimate_gap(
            selection,
            method=method,
            window=window,
            levels=int(levels),
            bootstrap=bootstrap,
            ratio=ratio,
        )
    return GapResult(
        selection=selection,
        frontier=front,
        vertical=_vertical(front, None, ratio),
        horizontal=_horizontal(front, None, int(levels)),
        estimate=estimate,
    )


def measure_gap(
    scores: Table,
    models: Table,
    benchmark: str,
    *,
    source: str = "independent",
    setting: str | None = None,
    variant: str | None = None,
    as_of: DateLike | None = None,
    include_base: bool = False,
    levels: int = DEFAULT_LEVELS,
    bootstrap: Bootstrap | None = None,
) -> GapResult:
    """The open-vs-closed gap on a benchmark from tidy tables.

    Args:
        scores: ``benchmark_scores`` table.
        models: ``models`` table.
        benchmark: benchmark label.
        source: ``independent`` (default), ``vendor`` or ``all``.
        setting: None, ``"best"`` or a setting text (see :func:`select_scores`).
        variant: a ``benchmark_variant`` to keep.
        as_of: only models released on or before it.
        include_base: count base models too.
        levels: score levels averaged over for the lag.
        bootstrap: draw intervals this way (None: none).

    Returns:
        The :class:`GapResult`.

    Raises:
        GapError: see :func:`select_scores`; or one side has no model.
    """
    selection = select_scores(
        scores,
        models,
        benchmark,
        source=source,
        setting=setting,
        variant=variant,
        as_of=as_of,
        include_base=include_base,
    )
    return gap_from_selection(selection, levels=levels, bootstrap=bootstrap)
