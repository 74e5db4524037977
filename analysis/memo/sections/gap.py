"""How far open-weight models trail closed ones, and whether the gap is closing."""

from __future__ import annotations

from datetime import date

from analysis.errors import GapError
from analysis.memo.context import BriefContext, kept
from analysis.memo.formatting import months, pct
from analysis.memo.layout import (
    DETAIL_HEIGHT,
    FULL_WIDTH,
    HALF_WIDTH,
    SMALL_HEIGHT,
    Figure,
    Section,
    compact,
    size,
)
from analysis.memo.options import OPTIONS


def gap_section(benchmark: str, as_of: date, *, source: str = OPTIONS["gap_source"]) -> Section:
    """The gap on one benchmark as of a date, and the trend of the Arena rating gap.

    Args:
        benchmark: the benchmark the gap is measured on.
        as_of: models released by this date; Arena snapshots up to it.
        source: which scores count: ``independent``, ``vendor`` or ``all``.

    Returns:
        A section with the monthly Arena gap (in the body) and the frontier
        chart of the benchmark (``placement="appendix"``).

    Raises:
        GapError: the benchmark has no scores of one side by ``as_of``.
        WarehouseError: the warehouse cannot be read.
    """
    import pandas as pd

    from analysis import charts, gap

    g = gap.benchmark_gap(benchmark, source=source, as_of=as_of)
    v = g.vertical
    day = as_of.isoformat()
    lag = g.lag_months
    paragraphs = [
        f"On {g.benchmark}, the best open-weight model released by {day} "
        f"({v.best_open.model}, {v.best_open.score:.1f}) scores "
        + (f"{pct(v.ratio)} of" if v.ratio is not None else f"{v.points:.1f} points below")
        + f" the best closed model ({v.best_closed.model}, {v.best_closed.score:.1f})"
        + (
            "; the lag is Epoch AI's measure, averaged over the score levels both sides reached."
            if lag is not None
            else "."
        )
    ]
    figures = [
        Figure(
            compact(
                charts.frontier(
                    g.frontier,
                    source=", ".join(g.selection.reported_by) or "benchmark_scores",
                    as_of=day,
                    title=f"Best open and closed scores over time: {g.benchmark}",
                    score_title=f"{g.benchmark} ({g.selection.unit or 'score'})",
                )
            ),
            "Each line is the best score of its side so far; the shaded band is the gap.",
            size=size(FULL_WIDTH, DETAIL_HEIGHT),
            placement="appendix",
        )
    ]
    trend_words = ""
    numbers: dict[str, float] = {
        "ratio": v.ratio or 0.0,
        "lag_months": lag if lag is not None else -1.0,
    }
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
            word = "narrowed" if change < 0 else "widened"
            trend = (
                f" (against {float(before['gap_points']):.0f} in {before['snapshot_date']:%B %Y})"
            )
            trend_words = (
                f"; in people's head-to-head votes the gap has {word} by {abs(change):.0f} "
                "rating points over a year"
            )
            numbers["arena_change_points"] = change
        paragraphs.append(
            f"In head-to-head votes (LMArena) the best closed model led the best open one by "
            f"{float(last['gap_points']):.0f} rating points in {last['snapshot_date']:%B %Y}, "
            f"the latest snapshot{trend}; the open model wins about "
            f"{pct(float(last['open_win_share']))} of direct comparisons."
        )
        numbers["arena_gap_points"] = float(last["gap_points"])
        figures.append(
            Figure(
                compact(
                    charts.arena_gap(
                        monthly,
                        source="LMArena text leaderboard snapshots (arena_ratings)",
                        as_of=day,
                        title="The gap in human preference votes",
                    )
                ),
                "One bar per monthly snapshot.",
                size=size(HALF_WIDTH + 30, SMALL_HEIGHT - 45),
                axis_titles={"y": "Lead (rating points)", "x": None},
            )
        )
    finding = (
        f"Open-weight models trail the closed frontier by about {months(lag)} on {g.benchmark}"
        if lag is not None
        else f"On {g.benchmark}, open-weight models are {v.points:.1f} points behind"
    ) + f"{trend_words}."
    return Section(
        key="gap",
        title="The gap between open and closed models, and its trend",
        finding=finding,
        layout="split",
        paragraphs=paragraphs,
        figures=figures,
        numbers=numbers,
    )


@kept
def gap_trend(ctx: BriefContext) -> Section:
    """How far open-weight models trail closed ones, and whether the gap is closing.

    Args:
        ctx: the brief's context (the first of its ``benchmarks``, its ``gap_source``).

    Returns:
        A section with the frontier chart of the first benchmark and the
        monthly Arena rating gap.
    """
    o = ctx.options
    return gap_section(o["benchmarks"][0], ctx.as_of, source=o["gap_source"])
