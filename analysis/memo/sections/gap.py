"""How far open-weight models trail closed ones, with intervals, and whether the gap is closing.

The headline measure is Epoch AI's Capabilities Index (one snapshot): the lag and
the ECI points gap averaged over the six months to the brief's date, each with
its 90% interval, and the trend of the monthly series over 12 and 24 months.
A single benchmark and the Arena rating follow, labelled as such.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from analysis.errors import GapError
from analysis.freshness import DataDates, data_dates
from analysis.memo.context import BriefContext, kept
from analysis.memo.formatting import pct
from analysis.memo.layout import (
    DETAIL_HEIGHT,
    FULL_WIDTH,
    SMALL_HEIGHT,
    Figure,
    Section,
    compact,
    size,
)
from analysis.memo.options import OPTIONS

if TYPE_CHECKING:
    from analysis.gap import Estimate, GapResult, GapSeries, Trend


def _ci(e: Estimate, digits: int = 1) -> str:
    """``6.8 months (90% CI 4.4–9.4)``, or the value alone, or ``n/a``."""
    if e.value is None:
        return "n/a"
    unit = f" {e.unit}" if e.unit else ""
    if e.ci_low is None or e.ci_high is None:
        return f"{e.value:.{digits}f}{unit}"
    return f"{e.value:.{digits}f}{unit} (90% CI {e.ci_low:.{digits}f}–{e.ci_high:.{digits}f})"


def trend_words(t: Trend) -> str:
    """``narrowing by 2.1 months a year (90% CI -3.0 to -1.2)``, ``widening by …`` or
    ``without a clear trend (+1.9 months a year, 90% CI -0.5 to +4.4)``."""
    e = t.per_year
    if e.value is None:
        return "not measurable"
    unit = "months" if t.figure == "lag_months" else "ECI points"
    ci = (
        f"90% CI {e.ci_low:+.1f} to {e.ci_high:+.1f}"
        if e.ci_low is not None and e.ci_high is not None
        else ""
    )
    if t.reading in ("closing", "widening"):
        word = "narrowing" if t.reading == "closing" else "widening"
        return f"{word} by {abs(e.value):.1f} {unit} a year" + (f" ({ci})" if ci else "")
    return f"without a clear trend ({e.value:+.1f} {unit} a year" + (f", {ci})" if ci else ")")


def _eci_paragraph(g: GapResult, series: GapSeries | None, trends: list[Trend]) -> str:
    e = g.estimate
    assert e is not None
    v = g.vertical
    other = e.lag_variants.get("records")
    text = (
        f"ECI snapshot {g.selection.snapshot} (an index of many benchmarks): best open "
        f"{v.best_open.model} {v.best_open.score:.1f}, best closed {v.best_closed.model} "
        f"{v.best_closed.score:.1f}. Lag: each day, how long the closed frontier took to "
        "reach the best open score"
    )
    if other is not None and other.value is not None:
        text += f" (at new open-weight records only: {_ci(other)})"
    text += "."
    lag24 = next((t for t in trends if t.figure == "lag_months" and t.months == 24), None)
    if lag24 is not None and series is not None:
        text += (
            f" Trends from the monthly series to {series.months[-1]} (snapshot "
            f"{series.snapshot}): over 24 months the lag is {trend_words(lag24)}."
        )
    return text


def gap_section(
    benchmark: str,
    as_of: date,
    *,
    source: str = OPTIONS["gap_source"],
    dates: DataDates | None = None,
) -> Section:
    """The gap on ECI (headline) and on one benchmark as of a date, with intervals and trend.

    Args:
        benchmark: a single benchmark shown beside ECI (e.g. ``GPQA-Diamond``).
        as_of: models released by this date; ECI snapshots and Arena snapshots up to it.
        source: which scores count on the benchmark: ``independent``, ``vendor`` or ``all``.
        dates: how current the data is on ``as_of``, for the chart captions (read when None).

    Returns:
        A section with the ECI gap month by month (in the body) and the frontier and
        Arena charts (``placement="appendix"``).

    Raises:
        GapError: the benchmark has no scores of one side by ``as_of``.
        WarehouseError: the warehouse cannot be read.
    """
    import pandas as pd

    from analysis import charts, gap

    dates = dates if dates is not None else data_dates(as_of)
    day = as_of.isoformat()
    numbers: dict[str, float] = {}
    paragraphs: list[str] = []
    figures: list[Figure] = []
    finding = ""
    try:
        eci = gap.benchmark_gap("eci", as_of=as_of)
    except GapError as exc:
        eci = None
        paragraphs.append(f"The gap on Epoch AI's Capabilities Index cannot be measured: {exc}.")
    if eci is not None and eci.estimate is not None:
        e = eci.estimate
        series = None
        trends: list[Trend] = []
        try:
            series = gap.gap_over_time("eci", as_of=as_of)
            trends = [gap.trend(series, f, m) for f in ("lag_months", "points") for m in (12, 24)]
        except GapError as exc:
            paragraphs.append(f"The monthly series cannot be drawn: {exc}.")
        paragraphs.append(_eci_paragraph(eci, series, trends))
        for name, est in (("eci_lag_months", e.lag_months), ("eci_points", e.points)):
            if est.value is not None:
                numbers[name] = est.value
                if est.ci_low is not None and est.ci_high is not None:
                    numbers[f"{name}_low"], numbers[f"{name}_high"] = est.ci_low, est.ci_high
        lag12 = next((t for t in trends if t.figure == "lag_months" and t.months == 12), None)
        if lag12 is not None and lag12.per_year.value is not None:
            numbers["eci_lag_trend_12m_per_year"] = lag12.per_year.value
        finding = (
            f"On Epoch AI's Capabilities Index, open-weight models trail the closed frontier by "
            f"{_ci(e.lag_months)} and {_ci(e.points)}, averaged from {e.method.window_start} to "
            f"{e.method.window_end}"
            + (f"; over 12 months the lag is {trend_words(lag12)}" if lag12 else "")
        )
        if series is not None:
            figures.append(
                Figure(
                    charts.gap_over_time(
                        series.table,
                        source=f"Epoch AI Capabilities Index, snapshot {series.snapshot}",
                        as_of=series.months[-1],
                        title="Is the gap closing? ECI gap and lag, month by month",
                        height=70,
                        width=105,
                        side_by_side=True,
                        note=dates.line(["eci_scores"]),
                    ),
                    "Monthly averages as of each month's end, with 90% bands.",
                    axis_titles={"x": None},
                )
            )
    try:
        g = gap.benchmark_gap(benchmark, source=source, as_of=as_of)
    except GapError as exc:
        paragraphs.append(
            f"On {benchmark} alone (a single benchmark) the gap cannot be measured: {exc}."
        )
        g = None
    if g is not None:
        v = g.vertical
        be = g.estimate
        if be is not None and be.ratio.value is not None:
            share = f"{_ci_share(be.ratio)} of"
        elif v.ratio is not None:
            share = f"{pct(v.ratio)} of"
        else:
            share = f"{v.points:.1f} points below"
        if be is not None:
            lag = _ci(be.lag_months)
        else:
            lag = f"{g.lag_months:.1f} months" if g.lag_months is not None else "n/a"
        paragraphs.append(
            f"{g.benchmark} alone ({source} scores): {v.best_open.model} "
            f"{v.best_open.score:.1f}, {share} {v.best_closed.model} "
            f"{v.best_closed.score:.1f}; lag over score levels {lag}."
        )
        if v.ratio is not None:
            numbers["ratio"] = v.ratio
        if g.lag_months is not None:
            numbers["lag_months"] = g.lag_months
        figures.append(
            Figure(
                compact(
                    charts.frontier(
                        g.frontier,
                        source=", ".join(g.selection.reported_by) or "benchmark_scores",
                        as_of=day,
                        title=f"Best open and closed scores over time: {g.benchmark}",
                        score_title=f"{g.benchmark} ({g.selection.unit or 'score'})",
                        note=dates.line(["benchmark_scores", "models"]),
                    )
                ),
                "Each line is the best score of its side so far (a single benchmark); the "
                "shaded band is the gap.",
                size=size(FULL_WIDTH, DETAIL_HEIGHT),
                placement="appendix",
            )
        )
        if not finding:
            finding = (
                f"Open-weight models trail the closed frontier by about {lag} on {g.benchmark}"
            )
    ratings = gap.load_tables("arena_ratings")["arena_ratings"]
    try:
        monthly = gap.arena_monthly_gap(ratings, as_of=as_of)
    except GapError as exc:  # no month with both sides
        paragraphs.append(f"The Arena trend cannot be drawn: {exc}.")
        monthly = None
    if monthly is not None and len(monthly):
        last = monthly.iloc[-1]
        year_before = last["snapshot_date"] - pd.DateOffset(years=1)
        year_ago = monthly[monthly["snapshot_date"] <= year_before]
        trend = ""
        if len(year_ago):
            before = year_ago.iloc[-1]
            change = float(last["gap_points"]) - float(before["gap_points"])
            trend = f", against {float(before['gap_points']):.0f} a year before"
            numbers["arena_change_points"] = change
        numbers["arena_gap_points"] = float(last["gap_points"])
        figures.append(
            Figure(
                compact(
                    charts.arena_gap(
                        monthly,
                        source="LMArena text leaderboard snapshots (arena_ratings)",
                        as_of=day,
                        title="The gap in human preference votes",
                        note=(
                            f"{dates.line(['arena_ratings'])} Ratings compared within each "
                            "month only; the scale drifts between months."
                        ),
                    )
                ),
                f"One bar per monthly snapshot: the best closed model led by "
                f"{float(last['gap_points']):.0f} rating points in "
                f"{last['snapshot_date']:%B %Y}{trend}.",
                size=size(FULL_WIDTH, SMALL_HEIGHT + 40),
                placement="appendix",
            )
        )
    return Section(
        key="gap",
        title="The gap between open and closed models, and its trend",
        finding=(finding or "The gap cannot be measured on this date") + ".",
        layout="split",
        paragraphs=paragraphs,
        figures=figures,
        numbers=numbers,
    )


def _ci_share(e: Estimate) -> str:
    """``96% (90% CI 93–97%)``."""
    if e.value is None:
        return "n/a"
    if e.ci_low is None or e.ci_high is None:
        return f"{e.value:.0%}"
    return f"{e.value:.0%} (90% CI {e.ci_low * 100:.0f}–{e.ci_high:.0%})"


@kept
def gap_trend(ctx: BriefContext) -> Section:
    """How far open-weight models trail closed ones, with intervals, and the trend.

    Args:
        ctx: the brief's context (the first of its ``benchmarks``, its ``gap_source``).

    Returns:
        See :func:`gap_section`.
    """
    o = ctx.options
    return gap_section(o["benchmarks"][0], ctx.as_of, source=o["gap_source"], dates=ctx.data_dates)
