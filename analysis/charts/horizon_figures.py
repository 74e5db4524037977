"""Horizon figures: the cumulative cost of each plan month by month, with its uncertainty
band and the month one plan overtakes another."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from analysis.charts.data import chart_title, frame, inline, inline_rows, layered
from analysis.errors import ChartError

if TYPE_CHECKING:  # altair is imported when a chart is built
    import altair as alt

    from analysis.charts.data import Table


def horizon_paths(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    bands: Table | None = None,
    crossover_month: int | None = None,
    crossover_label: str | None = None,
    title: str = "Cumulative cost over the horizon",
    y_title: str = "Cumulative cost, present value (USD)",
    note: str | None = None,
) -> alt.LayerChart:
    """Cumulative cost per plan against the month, with P10–P90 bands and the crossover.

    Args:
        df: one row per (month, plan): ``month`` (1, 2, …), ``plan`` (its label),
            ``cumulative_usd`` (USD, the running total of present values).
        source: where the prices, trends and assumptions come from.
        as_of: the date the horizon starts from.
        bands: one row per (month, plan) with ``p10_usd`` and ``p90_usd`` (the Monte
            Carlo's 10th and 90th percentiles of the cumulative cost); None draws none.
        crossover_month: the month one plan overtakes the other (computed by the
            caller); None draws no marker.
        crossover_label: the marker's text, in its tooltip and under the title (default
            "Crossover: month N").
        title: chart title.
        y_title: y-axis title (say whether the cost is discounted).
        note: an extra caption line.

    Returns:
        A layer chart: shaded bands, one line per plan and a dashed rule at the crossover
        (its label in the tooltip and the subtitle: a text layer would cost a third more
        time to build, which a panel slider pays on every move).

    Raises:
        ChartError: a column is missing, a value is not finite, or the month is not >= 1.
    """
    import altair as alt

    what = "horizon paths"
    data = frame(df, ["month", "plan", "cumulative_usd"], what)
    data = data[["month", "plan", "cumulative_usd"]]
    if (data["month"] < 1).any():
        raise ChartError(f"{what}: month must be 1 or more")
    order = list(dict.fromkeys(data["plan"].astype(str)))
    color = alt.Color("plan:N", title="Plan", scale=alt.Scale(domain=order))
    x = alt.X("month:Q", title="Month", axis=alt.Axis(tickMinStep=1, format="d"))
    y = alt.Y("cumulative_usd:Q", title=y_title, axis=alt.Axis(format="$,.0f"))
    layers = []
    if bands is not None:
        band = frame(bands, ["month", "plan", "p10_usd", "p90_usd"], f"{what} bands")
        band = band[["month", "plan", "p10_usd", "p90_usd"]]
        layers.append(
            alt.Chart(inline(band, what))
            .mark_area(opacity=0.18)
            .encode(
                x=x,
                y=alt.Y("p10_usd:Q", title=y_title),
                y2=alt.Y2("p90_usd:Q"),
                color=color,
                tooltip=[
                    alt.Tooltip("plan:N", title="Plan"),
                    alt.Tooltip("month:Q", title="Month"),
                    alt.Tooltip("p10_usd:Q", title="P10 (USD)", format="$,.0f"),
                    alt.Tooltip("p90_usd:Q", title="P90 (USD)", format="$,.0f"),
                ],
            )
        )
    layers.append(
        alt.Chart(inline(data, what))
        .mark_line()
        .encode(
            x=x,
            y=y,
            color=color,
            tooltip=[
                alt.Tooltip("plan:N", title="Plan"),
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("cumulative_usd:Q", title="Cumulative (USD)", format="$,.0f"),
            ],
        )
    )
    if crossover_month is not None:
        month = float(crossover_month)
        if not math.isfinite(month) or month < 1:
            raise ChartError(f"{what}: crossover_month = {crossover_month!r}; expected >= 1")
        label = crossover_label or f"Crossover: month {int(month)}"
        mark = inline_rows([{"month": month, "label": label}])
        tip = [alt.Tooltip("label:N", title="Crossover")]
        layers.append(
            alt.Chart(mark)
            .mark_rule(strokeDash=[4, 3], strokeWidth=1.5)
            .encode(x=alt.X("month:Q"), tooltip=tip)
        )
        note = f"Dashed line: {label[:1].lower() + label[1:]}." + (f" {note}" if note else "")
    return layered(*layers, title=chart_title(title, source, as_of, note))
