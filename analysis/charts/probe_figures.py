"""Probe figures: latency percentiles and throughput against concurrency."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from analysis.charts.data import (
    chart_title,
    frame,
    inline,
)

if TYPE_CHECKING:  # altair is imported when a chart is built
    import altair as alt

    from analysis.charts.data import Table


def probe_latency(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    unit: str = "ms",
    title: str = "Response time as concurrent users grow",
    note: str | None = None,
) -> alt.LayerChart:
    """Latency percentiles (p50, p90, p99) against concurrency, one colour per metric.

    Args:
        df: one row per (concurrency, metric): ``concurrency`` (simultaneous requests),
            ``metric`` (e.g. "Time to first token", "Total response time"), ``p50``,
            ``p90``, ``p99`` (latency in ``unit``).
        source: the probed server and model.
        as_of: the probe date.
        unit: latency unit shown on the axis.
        title: chart title.
        note: an extra caption line.

    Returns:
        A layer chart: lines (dash = percentile) and points.

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt

    what = "probe latency"
    data = frame(df, ["concurrency", "metric", "p50", "p90", "p99"], what)
    data = data[["concurrency", "metric", "p50", "p90", "p99"]]
    long = data.melt(id_vars=["concurrency", "metric"], var_name="percentile", value_name="latency")
    long["percentile"] = long["percentile"].map(
        {
            "p50": "Median (p50)",
            "p90": "1 in 10 slower than (p90)",
            "p99": "1 in 100 slower than (p99)",
        }
    )
    pct_order = ["Median (p50)", "1 in 10 slower than (p90)", "1 in 100 slower than (p99)"]
    x = alt.X("concurrency:Q", title="Simultaneous requests")
    y = alt.Y("latency:Q", title=f"Latency ({unit})")
    color = alt.Color("metric:N", title="Measure")
    dash = alt.StrokeDash("percentile:N", title="Percentile", sort=pct_order)
    tooltip = [
        alt.Tooltip("metric:N", title="Measure"),
        alt.Tooltip("percentile:N", title="Percentile"),
        alt.Tooltip("concurrency:Q", title="Simultaneous requests"),
        alt.Tooltip("latency:Q", title=f"Latency ({unit})", format=",.1f"),
    ]
    base = alt.Chart(inline(long, what))
    lines = base.mark_line().encode(x=x, y=y, color=color, strokeDash=dash, tooltip=tooltip)
    points = base.mark_point().encode(x=x, y=y, color=color, tooltip=tooltip)
    return alt.layer(lines, points, title=chart_title(title, source, as_of, note))


def probe_throughput(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Output speed as concurrent users grow",
    note: str | None = None,
) -> alt.LayerChart:
    """Total output tokens per second against concurrency (one line per series if given).

    Args:
        df: one row per concurrency level: ``concurrency``, ``output_tokens_per_s``
            (aggregate output tokens per second); optional ``series`` (e.g. server or
            model) for several lines.
        source: the probed server and model.
        as_of: the probe date.
        title: chart title.
        note: an extra caption line.

    Returns:
        A layer chart: line and points.

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt

    what = "probe throughput"
    data = frame(df, ["concurrency", "output_tokens_per_s"], what)
    if "series" not in data.columns:
        data["series"] = "Measured"
    data = data[["concurrency", "output_tokens_per_s", "series"]]
    x = alt.X("concurrency:Q", title="Simultaneous requests")
    y = alt.Y("output_tokens_per_s:Q", title="Output tokens per second (all requests)")
    color = alt.Color("series:N", title="Series")
    tooltip = [
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("concurrency:Q", title="Simultaneous requests"),
        alt.Tooltip("output_tokens_per_s:Q", title="Tokens / s", format=",.1f"),
    ]
    base = alt.Chart(inline(data, what))
    lines = base.mark_line().encode(x=x, y=y, color=color, tooltip=tooltip)
    points = base.mark_point().encode(x=x, y=y, color=color, tooltip=tooltip)
    return alt.layer(lines, points, title=chart_title(title, source, as_of, note))
