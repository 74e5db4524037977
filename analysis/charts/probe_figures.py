"""Probe figures: latency percentiles and throughput against concurrency."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from analysis.charts.data import (
    chart_title,
    frame,
    inline,
    layered,
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
    return layered(lines, points, title=chart_title(title, source, as_of, note))


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
    return layered(lines, points, title=chart_title(title, source, as_of, note))


def probe_compare_latency(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Latency against throughput, run by run",
    note: str | None = None,
) -> alt.FacetChart:
    """TTFT p90 and TPOT p90 against output throughput, one line per run, one panel per metric.

    Args:
        df: one row per (run, level): ``run`` (label), ``output_tokens_per_s``
            (tokens/s), ``ttft_p90_ms`` and ``tpot_p90_ms`` (ms; missing values are
            left out).
        source: the compared runs.
        as_of: the latest run's date.
        title: chart title.
        note: an extra caption line.

    Returns:
        A chart faceted by metric (independent latency axes).

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt

    what = "probe comparison latency"
    data = frame(df, ["run", "output_tokens_per_s", "ttft_p90_ms", "tpot_p90_ms"], what)
    data = data[["run", "output_tokens_per_s", "ttft_p90_ms", "tpot_p90_ms"]]
    long = data.melt(id_vars=["run", "output_tokens_per_s"], var_name="metric", value_name="ms")
    long = long.dropna()
    long["metric"] = long["metric"].map(
        {"ttft_p90_ms": "Time to first token, p90", "tpot_p90_ms": "Time per output token, p90"}
    )
    tooltip = [
        alt.Tooltip("run:N", title="Run"),
        alt.Tooltip("metric:N", title="Measure"),
        alt.Tooltip("output_tokens_per_s:Q", title="Tokens / s", format=",.1f"),
        alt.Tooltip("ms:Q", title="Latency (ms)", format=",.2f"),
    ]
    chart = (
        alt.Chart(inline(long, what))
        .mark_line(point=True)
        .encode(
            x=alt.X("output_tokens_per_s:Q", title="Output tokens per second (all requests)"),
            y=alt.Y("ms:Q", title="Latency (ms)"),
            color=alt.Color("run:N", title="Run"),
            tooltip=tooltip,
        )
    )
    return (
        chart.facet(column=alt.Column("metric:N", title=None))
        .resolve_scale(y="independent")
        .properties(title=chart_title(title, source, as_of, note))
    )


def probe_goodput(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    slo: str,
    title: str = "Goodput under the same objective",
    note: str | None = None,
) -> alt.LayerChart:
    """Requests per second meeting one SLO against concurrency, one line per run.

    Args:
        df: one row per (run, level): ``run``, ``concurrency``, ``goodput_rps``
            (requests/s meeting the SLO; missing for runs imported from summaries,
            which are left out).
        source: the compared runs.
        as_of: the latest run's date.
        slo: the objective, in words (shown in the caption).
        title: chart title.
        note: an extra caption line.

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt

    what = "probe goodput"
    data = frame(df, ["run", "concurrency", "goodput_rps"], what)
    data = data[["run", "concurrency", "goodput_rps"]].dropna()
    x = alt.X("concurrency:Q", title="Simultaneous requests")
    y = alt.Y("goodput_rps:Q", title="Requests per second meeting the objective")
    color = alt.Color("run:N", title="Run")
    tooltip = [
        alt.Tooltip("run:N", title="Run"),
        alt.Tooltip("concurrency:Q", title="Simultaneous requests"),
        alt.Tooltip("goodput_rps:Q", title="Goodput (req/s)", format=",.2f"),
    ]
    base = alt.Chart(inline(data, what))
    lines = base.mark_line().encode(x=x, y=y, color=color, tooltip=tooltip)
    points = base.mark_point().encode(x=x, y=y, color=color, tooltip=tooltip)
    caption_note = f"objective: {slo}" + (f"; {note}" if note else "")
    return layered(lines, points, title=chart_title(title, source, as_of, caption_note))


def probe_cost(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Cost per million output tokens at the best point meeting the objective",
    note: str | None = None,
) -> alt.Chart:
    """Cost per 1M output tokens by run (bars).

    Args:
        df: one row per run: ``run``, ``cost_per_mtok_usd`` (USD per 1M output
            tokens); runs without a cost are left out.
        source: the compared runs and the price sources.
        as_of: the date of the prices.
        title: chart title.
        note: an extra caption line.

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt

    what = "probe cost"
    data = frame(df, ["run", "cost_per_mtok_usd"], what)
    data = data[["run", "cost_per_mtok_usd"]].dropna()
    return (
        alt.Chart(inline(data, what))
        .mark_bar()
        .encode(
            x=alt.X("cost_per_mtok_usd:Q", title="USD per 1M output tokens"),
            y=alt.Y("run:N", title=None, sort="x"),
            tooltip=[
                alt.Tooltip("run:N", title="Run"),
                alt.Tooltip("cost_per_mtok_usd:Q", title="USD / 1M tokens", format=",.3f"),
            ],
        )
        .properties(title=chart_title(title, source, as_of, note))
    )
