"""Gap figures: frontiers over time, lag per benchmark, quality against price, the price of
a capability level over time and the Arena rating gap."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from analysis.charts.data import (
    CLOSED_LABEL,
    OPEN_LABEL,
    TREND_ORDER,
    cell,
    chart_title,
    date_text,
    frame,
    group_color,
    group_labels,
    inline,
    inline_rows,
    layered,
    records,
)
from analysis.errors import ChartError
from analysis.pareto import pareto_flags

if TYPE_CHECKING:  # altair is imported when a chart is built
    import altair as alt

    from analysis.charts.data import Table


#: The frontier chart's datasets: the shaded gap, the step lines and the models' points.
FRONTIER_DATA = ("frontier-band", "frontier-steps", "frontier-models")


def frontier(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Best open-weight and closed model scores over time",
    score_title: str = "Score (%)",
    note: str | None = None,
) -> alt.LayerChart:
    """Frontier lines of open-weight and closed models with the gap between them shaded.

    Args:
        df: one row per model: ``release_date`` (date), ``model`` (text), ``group``
            ("Open weights"/"Closed") or ``open_weights`` (bool), ``score`` (number);
            optional ``frontier_score`` (running best of the group; computed when absent),
            ``on_frontier`` (bool), ``setting``. :func:`analysis.gap.frontier` returns this.
        source: where the scores come from (e.g. "Epoch AI Benchmarking Hub").
        as_of: the date the data describes; the frontier lines run to it.
        title: chart title.
        score_title: y-axis title (name the benchmark and unit).
        note: an extra caption line (e.g. which settings).

    Returns:
        A layer chart: shaded gap band, step lines (frontiers), points (every model).

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    data = frontier_data(df, as_of)
    return _frontier_layers(
        {name: inline_rows(rows) for name, rows in data.items()},
        score_title,
        title=chart_title(title, source, as_of, note),
    )


def frontier_spec(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Best open-weight and closed model scores over time",
    score_title: str = "Score (%)",
    note: str | None = None,
) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`frontier`, built without Altair on every call: the
    layers, encodings and theme, which do not depend on the rows, are converted once per
    y-axis title and theme; only the rows (in the top-level datasets named in
    :data:`FRONTIER_DATA`) and the caption are new. It draws what ``frontier(...).to_dict()``
    draws; a panel redraws the chart this way on each slider move.

    Args: as :func:`frontier`.

    Returns:
        The spec (a new dict; the kept skeleton is not shared).

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt

    data = frontier_data(df, as_of)
    spec = copy.deepcopy(_frontier_skeleton(tuple(data), score_title, alt.theme.active))
    spec["title"] = chart_title(title, source, as_of, note).to_dict(validate=False)
    spec["datasets"] = data
    return spec


@functools.lru_cache(maxsize=16)
def _frontier_skeleton(names: tuple[str, ...], score_title: str, theme: str) -> dict[str, Any]:
    """The spec of the frontier's layers without rows or title, under ``theme`` (a key
    only: :func:`frontier_spec` passes the active theme's name, which ``to_dict`` applies)."""
    import altair as alt

    sources = {name: alt.NamedData(name=name) for name in names}
    spec = _frontier_layers(sources, score_title).to_dict(validate=False)
    spec.pop("title", None)
    return spec


def frontier_data(df: Table, as_of: date | str) -> dict[str, list[dict[str, Any]]]:
    """The frontier chart's rows, by dataset (:data:`FRONTIER_DATA`; no band when one side
    has no model).

    The step lines carry the best score of each side at every date either side changed,
    run to ``as_of``; the band is where both sides have a value (``gap_points`` = closed
    best − open best, in the score's unit).

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import pandas as pd

    what = "frontier chart"
    used = ["group", "open_weights", "frontier_score", "on_frontier", "setting"]
    data = frame(df, ["release_date", "model", "score"], what, used)
    data["group"] = group_labels(data, what)
    data["release_date"] = pd.to_datetime(data["release_date"])
    data = data.sort_values(["release_date", "score"], ascending=[True, False], ignore_index=True)
    if "frontier_score" not in data.columns:
        data["frontier_score"] = data.groupby("group")["score"].cummax()
    if "on_frontier" not in data.columns:
        prev = data.groupby("group")["frontier_score"].shift(1)
        data["on_frontier"] = prev.isna() | (data["score"] > prev)
    data["on_frontier"] = data["on_frontier"].astype(bool)
    data["date_text"] = date_text(data["release_date"])
    data["status"] = data["on_frontier"].map(
        {True: "raised its side's best", False: "below its side's best"}
    )
    if "setting" not in data.columns:
        data["setting"] = None

    keep = [
        "release_date",
        "date_text",
        "model",
        "group",
        "score",
        "on_frontier",
        "status",
        "setting",
    ]
    models = records(data[keep], what)

    # Step lines: each side's best at every date either side changed, run to as_of. Plain
    # Python: with a hundred models, reshaping in pandas cost more than the rest of the chart.
    try:
        end = pd.Timestamp(str(as_of))
    except ValueError:  # a caption such as "latest": the lines stop at the last model
        end = data["release_date"].max()
    days = data["release_date"].tolist()
    dates = sorted(set(days) | ({end} if end >= data["release_date"].max() else set()))
    top: dict[tuple[Any, str], float] = {}
    for day, group, best in zip(days, data["group"], data["frontier_score"].tolist(), strict=True):
        if best == best:  # a missing best is skipped, as a maximum skips it
            top[day, group] = best if (day, group) not in top else max(top[day, group], best)
    filled: dict[str, list[float | None]] = {}
    for group in sorted(set(data["group"])):
        last: float | None = None
        filled[group] = [last := top.get((day, group), last) for day in dates]
    text = {day: (cell(day, "date", what), day.strftime("%Y-%m-%d")) for day in dates}
    steps = [
        {
            "date": text[day][0],
            "group": group,
            "best": cell(best, "best", what),
            "date_text": text[day][1],
        }
        for group, column in filled.items()
        for day, best in zip(dates, column, strict=True)
        if best is not None
    ]
    out: dict[str, list[dict[str, Any]]] = {}
    if OPEN_LABEL in filled and CLOSED_LABEL in filled:
        out[FRONTIER_DATA[0]] = [
            {
                "date": text[day][0],
                "date_text": text[day][1],
                "open_best": low,
                "closed_best": high,
                "gap_points": high - low,
            }
            for day, low, high in zip(dates, filled[OPEN_LABEL], filled[CLOSED_LABEL], strict=True)
            if low is not None and high is not None
        ]
    out[FRONTIER_DATA[1]] = steps
    out[FRONTIER_DATA[2]] = models
    return out


def _frontier_layers(
    sources: Mapping[str, alt.InlineData | alt.NamedData], score_title: str, **top: Any
) -> alt.LayerChart:
    """The frontier's layers, each reading its data from ``sources`` (by the names of
    :data:`FRONTIER_DATA`; no band layer without a band); ``top``: top-level properties."""
    import altair as alt

    x = alt.X("release_date:T", title="Release date", scale=alt.Scale(type="utc"))
    y_title = alt.Y("score:Q", title=score_title, scale=alt.Scale(zero=False))
    color = group_color()
    layers = []
    if FRONTIER_DATA[0] in sources:
        layers.append(
            alt.Chart(sources[FRONTIER_DATA[0]])
            .mark_area(interpolate="step-after")
            .encode(
                x=alt.X("date:T", scale=alt.Scale(type="utc")),
                y=alt.Y("open_best:Q"),
                y2=alt.Y2("closed_best:Q"),
                tooltip=[
                    alt.Tooltip("date_text:N", title="From"),
                    alt.Tooltip("closed_best:Q", title="Best closed", format=".1f"),
                    alt.Tooltip("open_best:Q", title="Best open", format=".1f"),
                    alt.Tooltip("gap_points:Q", title="Gap (points)", format=".1f"),
                ],
            )
        )
    layers.append(
        alt.Chart(sources[FRONTIER_DATA[1]])
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("date:T", scale=alt.Scale(type="utc")),
            y=alt.Y("best:Q"),
            color=color,
            tooltip=[
                alt.Tooltip("group:N", title="Models"),
                alt.Tooltip("date_text:N", title="Date"),
                alt.Tooltip("best:Q", title="Best score so far", format=".1f"),
            ],
        )
    )
    layers.append(
        alt.Chart(sources[FRONTIER_DATA[2]])
        .mark_point()
        .encode(
            x=x,
            y=y_title,
            color=color,
            opacity=alt.Opacity(
                "on_frontier:N",
                scale=alt.Scale(domain=[True, False], range=[1.0, 0.35]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("model:N", title="Model"),
                alt.Tooltip("group:N", title="Models"),
                alt.Tooltip("date_text:N", title="Released"),
                alt.Tooltip("score:Q", title="Score", format=".1f"),
                alt.Tooltip("status:N", title="Frontier"),
                alt.Tooltip("setting:N", title="Setting"),
            ],
        )
    )
    return layered(*layers, **top)


def lag_bars(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "How many months open-weight models trail closed ones",
    note: str | None = None,
) -> alt.LayerChart:
    """Bars of the average lag per benchmark (or per claim), labelled in months.

    Args:
        df: one row per bar: ``benchmark`` (label), ``lag_months`` (number; rows with no
            figure are listed in the caption instead); optional ``ci_low`` and ``ci_high``
            (the lag's interval, drawn as a line across the bar's end), ``best_open``,
            ``best_closed``, ``detail`` for the tooltip. :func:`analysis.gap.lag_by_benchmark`
            returns this.
        source: where the scores come from.
        as_of: the date the data describes.
        title: chart title.
        note: an extra caption line.

    Returns:
        A layer chart: horizontal bars, value labels and a zero line.

    Raises:
        ChartError: a column is missing, a value is not finite, or no row has a figure.
    """
    import altair as alt

    what = "lag bars"
    data = frame(df, ["benchmark", "lag_months"], what)
    missing = data[data["lag_months"].isna()]["benchmark"].astype(str).tolist()
    data = data[data["lag_months"].notna()].copy()
    if data.empty:
        raise ChartError(f"{what}: no row has a lag_months figure")
    data["lag_months"] = data["lag_months"].astype(float)
    data["label"] = [f"{v:.1f} mo" for v in data["lag_months"]]
    for col in ("best_open", "best_closed", "detail", "ci_low", "ci_high"):
        if col not in data.columns:
            data[col] = None
    for col in ("ci_low", "ci_high"):
        data[col] = data[col].astype("Float64").astype(float)
    data = data[
        [
            "benchmark",
            "lag_months",
            "label",
            "best_open",
            "best_closed",
            "detail",
            "ci_low",
            "ci_high",
        ]
    ]
    if missing:
        extra = "No lag measurable for: " + ", ".join(missing) + "."
        note = f"{note} {extra}" if note else extra
    y = alt.Y("benchmark:N", title=None, sort="-x")
    tooltip = [
        alt.Tooltip("benchmark:N", title="Benchmark"),
        alt.Tooltip("lag_months:Q", title="Lag (months)", format=".1f"),
        alt.Tooltip("best_open:N", title="Best open model"),
        alt.Tooltip("best_closed:N", title="Best closed model"),
        alt.Tooltip("detail:N", title="Detail"),
    ]
    base = alt.Chart(inline(data, what))
    bars = base.mark_bar().encode(
        x=alt.X("lag_months:Q", title="Months behind the closed frontier (average)"),
        y=y,
        tooltip=tooltip,
    )
    labels = base.mark_text(align="left", dx=4).encode(
        x=alt.X("lag_months:Q"), y=y, text=alt.Text("label:N"), tooltip=tooltip
    )
    zero = alt.Chart(inline_rows([{"x": 0}])).mark_rule().encode(x=alt.X("x:Q"))
    layers = [bars, labels, zero]
    if data["ci_low"].notna().any():
        ranged = data[data["ci_low"].notna() & data["ci_high"].notna()]
        layers.append(
            alt.Chart(inline(ranged, what))
            .mark_rule(strokeDash=[], strokeWidth=2, color="#222222")
            .encode(x=alt.X("ci_low:Q"), x2=alt.X2("ci_high"), y=y, tooltip=tooltip)
        )
    return layered(*layers, title=chart_title(title, source, as_of, note))


def quality_price(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Quality against price, with the best-value frontier",
    score_title: str = "Score (%)",
    note: str | None = None,
) -> alt.LayerChart:
    """Scatter of score against blended price, coloured open/closed, with the Pareto frontier.

    Args:
        df: one row per model: ``model``, ``group`` or ``open_weights``, ``score``,
            ``blended_usd_per_mtok`` (USD per 1M tokens, 3:1 input:output, > 0);
            optional ``on_frontier`` (bool; computed when absent), ``price_basis``.
            :func:`analysis.gap.quality_price_table` returns this.
        source: where the scores and prices come from.
        as_of: the price date.
        title: chart title.
        score_title: y-axis title.
        note: an extra caption line.

    Returns:
        A layer chart: frontier line, points, frontier model labels; log price axis.

    Raises:
        ChartError: a column is missing, a price is not positive, or a value is not finite.
    """
    import altair as alt

    what = "quality-price chart"
    data = frame(df, ["model", "score", "blended_usd_per_mtok"], what)
    data["group"] = group_labels(data, what)
    data["blended_usd_per_mtok"] = data["blended_usd_per_mtok"].astype(float)
    if (data["blended_usd_per_mtok"] <= 0).any():
        bad = data.loc[data["blended_usd_per_mtok"] <= 0, "model"].tolist()
        raise ChartError(f"{what}: blended_usd_per_mtok must be > 0 for a log axis; see {bad}")
    if "on_frontier" not in data.columns:
        data["on_frontier"] = pareto_flags(data["score"], data["blended_usd_per_mtok"])
    data["on_frontier"] = data["on_frontier"].astype(bool)
    if "price_basis" not in data.columns:
        data["price_basis"] = None
    data = data[["model", "group", "score", "blended_usd_per_mtok", "on_frontier", "price_basis"]]
    front = data[data["on_frontier"]].sort_values("blended_usd_per_mtok")
    x = alt.X(
        "blended_usd_per_mtok:Q",
        title="Price, USD per million tokens (3 input : 1 output, log scale)",
        scale=alt.Scale(type="log"),
    )
    y = alt.Y("score:Q", title=score_title, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("model:N", title="Model"),
        alt.Tooltip("group:N", title="Models"),
        alt.Tooltip("score:Q", title="Score", format=".1f"),
        alt.Tooltip("blended_usd_per_mtok:Q", title="USD / 1M tokens", format="$,.3f"),
        alt.Tooltip("price_basis:N", title="Price basis"),
        alt.Tooltip("on_frontier:N", title="Best value"),
    ]
    line = (
        alt.Chart(inline(front, what))
        .mark_line()
        .encode(x=x, y=y, order=alt.Order("blended_usd_per_mtok:Q"), tooltip=tooltip)
    )
    points = (
        alt.Chart(inline(data, what))
        .mark_point()
        .encode(x=x, y=y, color=group_color(), tooltip=tooltip)
    )
    labels = (
        alt.Chart(inline(front, what))
        .mark_text(align="left", dx=6, dy=-6)
        .encode(x=x, y=y, text=alt.Text("model:N"), tooltip=tooltip)
    )
    return layered(line, points, labels, title=chart_title(title, source, as_of, note))


def price_trend(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Cheapest price of a capability level over time",
    note: str | None = None,
) -> alt.LayerChart:
    """Step lines of the cheapest blended price at which a capability level was on offer.

    Args:
        df: a step series: ``group`` ("All", "Open weights", "Closed"), ``date``,
            ``usd_per_mtok`` (> 0), ``model``; optional ``provider``, ``score``.
            :func:`analysis.gap.cheapest_over_time` returns this.
        source: where prices and scores come from.
        as_of: end of the series.
        title: chart title (name the capability level, e.g. "GPQA-Diamond >= 70%").
        note: an extra caption line.

    Returns:
        A layer chart: step lines and points at each change; log price axis.

    Raises:
        ChartError: a column is missing or a price is not positive.
    """
    import altair as alt
    import pandas as pd

    what = "price trend"
    data = frame(df, ["group", "date", "usd_per_mtok", "model"], what)
    data["date"] = pd.to_datetime(data["date"])
    data["usd_per_mtok"] = data["usd_per_mtok"].astype(float)
    if (data["usd_per_mtok"] <= 0).any():
        raise ChartError(f"{what}: usd_per_mtok must be > 0 for a log axis")
    for col in ("provider", "score"):
        if col not in data.columns:
            data[col] = None
    data["date_text"] = date_text(data["date"])
    data = data[["group", "date", "date_text", "usd_per_mtok", "model", "provider", "score"]]
    order = [g for g in TREND_ORDER if g in set(data["group"])] or sorted(set(data["group"]))
    x = alt.X("date:T", title="Date", scale=alt.Scale(type="utc"))
    y = alt.Y(
        "usd_per_mtok:Q",
        title="Cheapest price, USD per million tokens (log)",
        scale=alt.Scale(type="log"),
    )
    color = alt.Color("group:N", title="Models", scale=alt.Scale(domain=order))
    tooltip = [
        alt.Tooltip("group:N", title="Models"),
        alt.Tooltip("date_text:N", title="From"),
        alt.Tooltip("usd_per_mtok:Q", title="USD / 1M tokens", format="$,.3f"),
        alt.Tooltip("model:N", title="Model"),
        alt.Tooltip("provider:N", title="Provider"),
        alt.Tooltip("score:Q", title="Score", format=".1f"),
    ]
    base = alt.Chart(inline(data, what))
    lines = base.mark_line(interpolate="step-after").encode(x=x, y=y, color=color, tooltip=tooltip)
    points = base.mark_point().encode(x=x, y=y, color=color, tooltip=tooltip)
    return layered(lines, points, title=chart_title(title, source, as_of, note))


def arena_gap(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Arena: rating points between the best closed and best open model, each month",
    note: str | None = "Ratings compared within each month only; the scale drifts between months.",
) -> alt.Chart:
    """Bars of the within-month Arena rating gap.

    Args:
        df: one row per snapshot: ``snapshot_date``, ``gap_points`` (best closed - best open
            rating); optional ``best_open_model``, ``best_closed_model``,
            ``best_open_rating``, ``best_closed_rating``, ``open_win_share``.
            :func:`analysis.gap.arena_monthly_gap` returns this.
        source: the leaderboard snapshots.
        as_of: the last snapshot date.
        title: chart title.
        note: an extra caption line.

    Returns:
        A bar chart.

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt
    import pandas as pd

    what = "arena gap"
    data = frame(df, ["snapshot_date", "gap_points"], what)
    data["snapshot_date"] = pd.to_datetime(data["snapshot_date"])
    data["date_text"] = date_text(data["snapshot_date"])
    optional = [
        "best_open_model",
        "best_open_rating",
        "best_closed_model",
        "best_closed_rating",
        "open_win_share",
    ]
    for col in optional:
        if col not in data.columns:
            data[col] = None
    data = data[["snapshot_date", "date_text", "gap_points", *optional]]
    return (
        alt.Chart(inline(data, what), title=chart_title(title, source, as_of, note))
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(snapshot_date):O", title="Month"),
            y=alt.Y("gap_points:Q", title="Rating points the best closed model leads by"),
            tooltip=[
                alt.Tooltip("date_text:N", title="Snapshot"),
                alt.Tooltip("gap_points:Q", title="Gap (points)", format=".0f"),
                alt.Tooltip("best_closed_model:N", title="Best closed"),
                alt.Tooltip("best_closed_rating:Q", title="Its rating", format=".0f"),
                alt.Tooltip("best_open_model:N", title="Best open"),
                alt.Tooltip("best_open_rating:Q", title="Its rating", format=".0f"),
                alt.Tooltip("open_win_share:Q", title="Open wins (expected)", format=".0%"),
            ],
        )
    )


def gap_over_time(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Is the gap closing? The gap month by month, with its interval",
    note: str | None = None,
    height: int = 150,
    width: int | None = None,
    side_by_side: bool = False,
) -> alt.VConcatChart | alt.HConcatChart:
    """The points gap and the lag month by month, each with its interval as a band.

    Args:
        df: one row per month and figure: ``month`` (date), ``figure`` (``points`` or
            ``lag_months``), ``value``; optional ``label`` (the panel's heading), ``unit``,
            ``ci_low`` and ``ci_high`` (the band). :func:`analysis.gap.gap_series`'s table.
        source: where the scores come from.
        as_of: the last day.
        title: chart title.
        note: an extra caption line (e.g. the method and the trend).
        height: each panel's height, px.
        width: each panel's width, px (None: the theme's).
        side_by_side: the two panels side by side (for a narrow, short space) rather than
            one above the other.

    Returns:
        Two panels (points gap, then lag): band, line and points.

    Raises:
        ChartError: a column is missing, a figure is unknown or a value is not finite.
    """
    import altair as alt
    import pandas as pd

    what = "gap over time"
    data = frame(df, ["month", "figure", "value"], what)
    labels = {"points": "Points gap", "lag_months": "Lag, months"}
    unknown = sorted(set(data["figure"].astype(str)) - set(labels))
    if unknown:
        raise ChartError(f"{what}: figure {unknown[0]!r}; expected points or lag_months")
    for col in ("label", "unit", "ci_low", "ci_high"):
        if col not in data.columns:
            data[col] = None
    data["month"] = pd.to_datetime(data["month"])
    data["date_text"] = date_text(data["month"])
    for col in ("value", "ci_low", "ci_high"):
        data[col] = pd.to_numeric(data[col], errors="coerce").astype(float)
    data = data[["month", "date_text", "figure", "label", "unit", "value", "ci_low", "ci_high"]]
    tooltip = [
        alt.Tooltip("date_text:N", title="Month to"),
        alt.Tooltip("value:Q", title="Value", format=".1f"),
        alt.Tooltip("ci_low:Q", title="Interval from", format=".1f"),
        alt.Tooltip("ci_high:Q", title="to", format=".1f"),
        alt.Tooltip("unit:N", title="Unit"),
    ]
    shown = [f for f in ("points", "lag_months") if (data["figure"] == f).any()]
    panels = []
    for figure in shown:
        part = data[data["figure"] == figure]
        unit = next((str(u) for u in part["unit"] if isinstance(u, str) and u), "")
        # Each panel is named by its own small title, not by a rotated axis title (which
        # would set a short panel's height); only the last panel labels the months.
        heading = labels[figure] + (f" ({unit})" if unit and figure == "points" else "")
        last = side_by_side or figure == shown[-1]
        x = alt.X("month:T", title=None, axis=alt.Axis(labels=last, ticks=last))
        base = alt.Chart(inline(part, what))
        layers = []
        if part["ci_low"].notna().any():
            layers.append(
                base.mark_area().encode(
                    x=x, y=alt.Y("ci_low:Q", title=None), y2=alt.Y2("ci_high"), tooltip=tooltip
                )
            )
        y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
        layers.append(base.mark_line().encode(x=x, y=y, tooltip=tooltip))
        layers.append(base.mark_point().encode(x=x, y=y, tooltip=tooltip))
        panel_title = alt.TitleParams(heading, fontSize=11, fontWeight="normal", anchor="start")
        size = {"height": height} if width is None else {"height": height, "width": width}
        panels.append(layered(*layers, title=panel_title, **size))
    if not panels:
        raise ChartError(f"{what}: the table has no points or lag_months rows")
    top = chart_title(title, source, as_of, note)
    if side_by_side:
        return alt.hconcat(*panels, title=top)
    return alt.vconcat(*panels, title=top)
