"""Cost and decision figures: TCO components, break-even, tornado, Monte Carlo, hybrid
routing and the strategic scorecard."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from analysis.charts.data import (
    chart_title,
    frame,
    inline,
    inline_rows,
    layered,
)
from analysis.errors import ChartError

if TYPE_CHECKING:  # altair is imported when a chart is built
    import altair as alt

    from analysis.charts.data import Table


def tco_comparison(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Monthly cost of each option, by component",
    note: str | None = None,
) -> alt.LayerChart:
    """Stacked bars of monthly cost per option, split by cost component, with totals.

    Args:
        df: one row per (option, component): ``option`` (e.g. "API: GPT-4o",
            "Self-host: Llama 3.1 70B on 2×H100"), ``component`` (e.g. "GPU rental",
            "Tokens", "Staff"), ``monthly_usd`` (USD per month, >= 0).
        source: where the prices and assumptions come from.
        as_of: the price date.
        title: chart title.
        note: an extra caption line (e.g. the workload).

    Returns:
        A layer chart: stacked horizontal bars and a total label per option.

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt

    what = "TCO comparison"
    data = frame(df, ["option", "component", "monthly_usd"], what)
    data["monthly_usd"] = data["monthly_usd"].astype(float)
    data = data[["option", "component", "monthly_usd"]]
    totals = data.groupby("option", as_index=False, sort=False)["monthly_usd"].sum()
    totals["label"] = [f"${v:,.0f}" for v in totals["monthly_usd"]]
    order = totals.sort_values("monthly_usd")["option"].tolist()
    y = alt.Y("option:N", title=None, sort=order)
    x = alt.X("monthly_usd:Q", title="Cost per month (USD)", axis=alt.Axis(format="$,.0f"))
    bars = (
        alt.Chart(inline(data, what))
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color("component:N", title="Cost component"),
            order=alt.Order("component:N"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("component:N", title="Component"),
                alt.Tooltip("monthly_usd:Q", title="USD / month", format="$,.0f"),
            ],
        )
    )
    labels = (
        alt.Chart(inline(totals, what))
        .mark_text(align="left", dx=4)
        .encode(
            x=alt.X("monthly_usd:Q"),
            y=y,
            text=alt.Text("label:N"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("monthly_usd:Q", title="Total USD / month", format="$,.0f"),
            ],
        )
    )
    return layered(bars, labels, title=chart_title(title, source, as_of, note))


def break_even_curve(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    break_even: float | None = None,
    title: str = "Monthly cost as volume grows",
    x_title: str = "Requests per month",
    note: str | None = None,
) -> alt.LayerChart:
    """Cost-versus-volume lines per option, with the break-even volume marked.

    Args:
        df: one row per (requests_per_month, option): ``requests_per_month`` (> 0),
            ``option``, ``monthly_usd`` (USD per month).
        source: where the prices and assumptions come from.
        as_of: the price date.
        break_even: requests per month at which the options cost the same (computed by the
            caller); None draws no marker.
        title: chart title.
        x_title: x-axis title (say the unit of volume).
        note: an extra caption line.

    Returns:
        A layer chart: one line per option, and a labelled rule at ``break_even``.

    Raises:
        ChartError: a column is missing, a value is not finite, or ``break_even`` is not
            a positive number.
    """
    import altair as alt

    what = "break-even curve"
    data = frame(df, ["requests_per_month", "option", "monthly_usd"], what)
    data = data[["requests_per_month", "option", "monthly_usd"]]
    x = alt.X("requests_per_month:Q", title=x_title, axis=alt.Axis(format="~s"))
    y = alt.Y("monthly_usd:Q", title="Cost per month (USD)", axis=alt.Axis(format="$,.0f"))
    tooltip = [
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("requests_per_month:Q", title="Requests / month", format=",.0f"),
        alt.Tooltip("monthly_usd:Q", title="USD / month", format="$,.0f"),
    ]
    base = alt.Chart(inline(data, what))
    layers = [
        base.mark_line().encode(
            x=x, y=y, color=alt.Color("option:N", title="Option"), tooltip=tooltip
        )
    ]
    if break_even is not None:
        value = float(break_even)
        if not math.isfinite(value) or value <= 0:
            raise ChartError(f"{what}: break_even = {break_even!r}; expected a positive number")
        mark = inline_rows([{"x": value, "label": f"Break-even ≈ {value:,.0f} / month"}])
        tip = [alt.Tooltip("x:Q", title="Break-even (requests / month)", format=",.0f")]
        layers.append(alt.Chart(mark).mark_rule().encode(x=alt.X("x:Q"), tooltip=tip))
        layers.append(
            alt.Chart(mark)
            .mark_text(align="left", dx=4, baseline="top")
            .encode(x=alt.X("x:Q"), y=alt.value(4), text=alt.Text("label:N"), tooltip=tip)
        )
    return layered(*layers, title=chart_title(title, source, as_of, note))


def tornado(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    base: float | None = None,
    title: str = "What moves the result most",
    x_title: str = "Monthly cost (USD)",
    value_format: str = "$,.0f",
    note: str | None = None,
) -> alt.LayerChart:
    """Tornado chart: the result at each parameter's low and high value around the base case.

    Args:
        df: one row per parameter: ``parameter``, ``low_result``, ``high_result`` (the
            result with the parameter at its low/high value, others at base); ``base``
            (the base-case result, same on every row) unless passed as ``base=``; optional
            ``low_label``, ``high_label`` (the parameter values, for tooltips).
        source: where the assumptions come from.
        as_of: the price date.
        base: the base-case result (overrides the column).
        title: chart title.
        x_title: axis title (name the result and its unit).
        value_format: d3 format of the result.
        note: an extra caption line.

    Returns:
        A layer chart: bars from the base to each end, widest swing on top, and a base rule.

    Raises:
        ChartError: a column is missing, no base is given, or a value is not finite.
    """
    import altair as alt
    import pandas as pd

    what = "tornado"
    data = frame(df, ["parameter", "low_result", "high_result"], what)
    if base is None:
        if "base" not in data.columns or data["base"].isna().all():
            raise ChartError(f"{what}: give the base-case result as base= or a base column")
        base = float(data["base"].dropna().iloc[0])
    base = float(base)
    for col in ("low_label", "high_label"):
        if col not in data.columns:
            data[col] = None
    data["swing"] = (data["high_result"].astype(float) - data["low_result"].astype(float)).abs()
    order = data.sort_values("swing", ascending=False)["parameter"].astype(str).tolist()
    cases = ["Parameter at its low value", "Parameter at its high value"]
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "parameter": data["parameter"].astype(str),
                    "case": case,
                    "result": data[f"{key}_result"].astype(float),
                    "input": data[f"{key}_label"].map(lambda v: None if pd.isna(v) else str(v)),
                    "base": base,
                    "change": data[f"{key}_result"].astype(float) - base,
                    "swing": data["swing"],
                }
            )
            for key, case in zip(("low", "high"), cases, strict=True)
        ],
        ignore_index=True,
    )
    y = alt.Y("parameter:N", title=None, sort=order)
    bars = (
        alt.Chart(inline(long, what))
        .mark_bar()
        .encode(
            x=alt.X(
                "result:Q",
                title=x_title,
                axis=alt.Axis(format=value_format),
                scale=alt.Scale(zero=False),
            ),
            x2=alt.X2("base:Q"),
            y=y,
            color=alt.Color("case:N", title=None, sort=cases),
            tooltip=[
                alt.Tooltip("parameter:N", title="Parameter"),
                alt.Tooltip("case:N", title="Case"),
                alt.Tooltip("input:N", title="Parameter value"),
                alt.Tooltip("result:Q", title="Result", format=value_format),
                alt.Tooltip("change:Q", title="Change from base", format=value_format),
            ],
        )
    )
    rule = (
        alt.Chart(inline_rows([{"base": base}]))
        .mark_rule()
        .encode(
            x=alt.X("base:Q"),
            tooltip=[alt.Tooltip("base:Q", title="Base case", format=value_format)],
        )
    )
    return layered(bars, rule, title=chart_title(title, source, as_of, note))


def monte_carlo(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    value: str = "monthly_usd",
    bins: int = 40,
    title: str = "Range of likely monthly costs (simulation)",
    x_title: str = "Monthly cost (USD)",
    value_format: str = "$,.0f",
    note: str | None = None,
) -> alt.LayerChart:
    """Distribution of simulated results per option, with the median and 90 % range marked.

    The draws are binned here (shared bins across options), so only the histogram is
    embedded, however many draws there are.

    Args:
        df: one row per draw: ``option``, and the value column (default ``monthly_usd``).
        source: where the assumptions come from.
        as_of: the price date.
        value: the column holding the draws.
        bins: number of bins (>= 5).
        title: chart title.
        x_title: axis title (name the result and its unit).
        value_format: d3 format of the value.
        note: an extra caption line (e.g. number of draws, seed).

    Returns:
        A layer chart: step areas (share of draws per bin) and rules at each option's median,
        with p5/p50/p95 in the tooltip.

    Raises:
        ChartError: a column is missing, a draw is not finite, or ``bins`` < 5.
    """
    import altair as alt
    import numpy as np
    import pandas as pd

    what = "Monte Carlo distribution"
    if int(bins) < 5:
        raise ChartError(f"{what}: bins = {bins!r}; use at least 5")
    data = frame(df, ["option", value], what)
    draws = data[value].astype(float).to_numpy()
    if not np.isfinite(draws).all():
        raise ChartError(f"{what}: column {value} holds non-finite draws")
    lo, hi = float(draws.min()), float(draws.max())
    if hi == lo:
        hi = lo + max(abs(lo) * 1e-6, 1e-9)
    edges = np.linspace(lo, hi, int(bins) + 1)
    hist, stats = [], []
    for option, part in data.groupby("option", sort=False):
        v = part[value].astype(float).to_numpy()
        counts, _ = np.histogram(v, bins=edges)
        share = counts / len(v)
        for i, c in enumerate(counts):
            hist.append(
                {
                    "option": str(option),
                    "bin_start": float(edges[i]),
                    "bin_end": float(edges[i + 1]),
                    "share": float(share[i]),
                    "draws": int(c),
                }
            )
        p5, p50, p95 = (float(q) for q in np.percentile(v, [5, 50, 95]))
        stats.append({"option": str(option), "p5": p5, "p50": p50, "p95": p95, "draws": len(v)})
    hist_df, stats_df = pd.DataFrame(hist), pd.DataFrame(stats)
    color = alt.Color("option:N", title="Option")
    areas = (
        alt.Chart(inline(hist_df, what))
        .mark_area(interpolate="step-after", line=True)
        .encode(
            x=alt.X("bin_start:Q", title=x_title, axis=alt.Axis(format=value_format)),
            y=alt.Y(
                "share:Q",
                title="Share of simulated outcomes",
                axis=alt.Axis(format="%"),
                stack=None,
            ),
            color=color,
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("bin_start:Q", title="From", format=value_format),
                alt.Tooltip("bin_end:Q", title="To", format=value_format),
                alt.Tooltip("share:Q", title="Share of outcomes", format=".1%"),
            ],
        )
    )
    tip = [
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("p5:Q", title="5th percentile", format=value_format),
        alt.Tooltip("p50:Q", title="Median", format=value_format),
        alt.Tooltip("p95:Q", title="95th percentile", format=value_format),
        alt.Tooltip("draws:Q", title="Draws", format=",d"),
    ]
    medians = (
        alt.Chart(inline(stats_df, what))
        .mark_rule()
        .encode(x=alt.X("p50:Q"), color=color, tooltip=tip)
    )
    return layered(areas, medians, title=chart_title(title, source, as_of, note))


def hybrid_split(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Which option serves each kind of task",
    note: str | None = None,
) -> alt.Chart:
    """Stacked bars of each task class's traffic share by serving option, cost in tooltips.

    Args:
        df: one row per (task_class, option): ``task_class`` (e.g. "Summaries"),
            ``option`` (e.g. "Self-hosted open model", "Closed API"), ``share`` (fraction
            of the task class's requests, 0-1), ``monthly_usd`` (USD per month).
        source: where the routing rules and prices come from.
        as_of: the price date.
        title: chart title.
        note: an extra caption line.

    Returns:
        A bar chart.

    Raises:
        ChartError: a column is missing, a value is not finite, or a share is outside 0-1.
    """
    import altair as alt

    what = "hybrid split"
    data = frame(df, ["task_class", "option", "share", "monthly_usd"], what)
    data = data[["task_class", "option", "share", "monthly_usd"]]
    share = data["share"].astype(float)
    if ((share < 0) | (share > 1)).any():
        raise ChartError(f"{what}: share must be a fraction between 0 and 1")
    return (
        alt.Chart(inline(data, what), title=chart_title(title, source, as_of, note))
        .mark_bar()
        .encode(
            x=alt.X(
                "share:Q",
                title="Share of the task's requests",
                axis=alt.Axis(format="%"),
                stack="zero",
            ),
            y=alt.Y("task_class:N", title=None),
            color=alt.Color("option:N", title="Served by"),
            order=alt.Order("option:N"),
            tooltip=[
                alt.Tooltip("task_class:N", title="Task"),
                alt.Tooltip("option:N", title="Served by"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
                alt.Tooltip("monthly_usd:Q", title="USD / month", format="$,.0f"),
            ],
        )
    )


def hybrid_pareto(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Cost against quality: every cheapest routing as the floor varies",
    x_title: str = "Cost per month (USD)",
    score_title: str = "Traffic-weighted score (points)",
    note: str | None = None,
) -> alt.LayerChart:
    """Cost against quality of hybrid routings: the Pareto frontier, the current one marked.

    Args:
        df: one row per routing: ``monthly_usd`` (blended cost, USD per month),
            ``quality`` (traffic-weighted score, points: Σ share × score), ``current``
            (bool: the routing at the quality floor shown; the other rows are the
            frontier's cheapest routings); optional ``routing`` (text, e.g.
            "Chat → Open model; Code → Closed API"), ``floor`` (the floor factor that gives
            the routing, a ratio: 1 = each class's required score as stated).
            :func:`analysis.routing.pareto_frontier` and :func:`analysis.routing.route`
            give the figures.
        source: where the scores, prices and task classes come from.
        as_of: the price and score date.
        title: chart title.
        x_title: x-axis title (the cost and its unit).
        score_title: y-axis title (the quality measure and its unit).
        note: an extra caption line.

    Returns:
        A layer chart: the frontier as a line through its routings (cheapest first) and
        the current routing as a larger point with a legend entry.

    Raises:
        ChartError: a column is missing, a value is not finite, or ``current`` is not
            true or false.
    """
    import altair as alt

    what = "hybrid Pareto chart"
    data = frame(df, ["monthly_usd", "quality", "current"], what, ["routing", "floor"])
    for col in ("routing", "floor"):
        if col not in data.columns:
            data[col] = None
    data["monthly_usd"] = data["monthly_usd"].astype(float)
    data["quality"] = data["quality"].astype(float)
    data["current"] = [_flag(v, "current", what) for v in data["current"]]
    data["kind"] = ["At this floor" if c else "On the frontier" for c in data["current"]]
    data = data[["monthly_usd", "quality", "kind", "floor", "routing", "current"]]
    x = alt.X(
        "monthly_usd:Q",
        title=x_title,
        axis=alt.Axis(format="$,.0f"),
        scale=alt.Scale(zero=False),
    )
    y = alt.Y("quality:Q", title=score_title, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("kind:N", title="Routing"),
        alt.Tooltip("monthly_usd:Q", title="USD / month", format="$,.0f"),
        alt.Tooltip("quality:Q", title="Quality (points)", format=".1f"),
        alt.Tooltip("floor:Q", title="Floor factor", format=".0%"),
        alt.Tooltip("routing:N", title="Classes → options"),
    ]
    front = data[~data["current"]].sort_values("monthly_usd", kind="stable")
    here = data[data["current"]]
    layers = []
    if not front.empty:
        layers.append(
            alt.Chart(inline(front, what))
            .mark_line(point=True)
            .encode(x=x, y=y, order=alt.Order("monthly_usd:Q"), tooltip=tooltip)
        )
    if not here.empty:
        layers.append(
            alt.Chart(inline(here, what))
            .mark_point(size=160, shape="diamond", filled=True)
            .encode(x=x, y=y, color=alt.Color("kind:N", title=None), tooltip=tooltip)
        )
    return layered(*layers, title=chart_title(title, source, as_of, note))


def _flag(value: Any, column: str, what: str) -> bool:
    """A true/false cell (bool, 0/1 or the words), else a :class:`ChartError`."""
    text = str(value).strip().lower()
    if text in ("true", "1", "1.0"):
        return True
    if text in ("false", "0", "0.0"):
        return False
    raise ChartError(f"{what}: {column} = {value!r}; expected true or false")


def scorecard(
    df: Table,
    *,
    source: str | Sequence[str],
    as_of: date | str,
    title: str = "Scorecard: how each option rates on what matters",
    total: bool = True,
    note: str | None = None,
) -> alt.LayerChart:
    """Grid of factor scores per option, with the weighted total as the last row.

    weighted total (per option) = Σ(score × weight) / Σ(weight), on the scores' scale.

    Options are the columns, in alphabetical order; long option names are wrapped onto
    up to three lines of the column header (the full name is in every cell's tooltip).

    Args:
        df: one row per (factor, option): ``factor``, ``option``, ``score`` (e.g. 1-5),
            ``weight`` (the factor's weight, >= 0; same for every option).
        source: where the scores come from (e.g. "team workshop, 2026-03").
        as_of: the date the scores describe.
        title: chart title.
        total: add the weighted-total row.
        note: an extra caption line.

    Returns:
        A layer chart: shaded cells and their values.

    Raises:
        ChartError: a column is missing, a value is not finite, or the weights sum to 0.
    """
    import altair as alt
    import pandas as pd

    what = "scorecard"
    data = frame(df, ["factor", "option", "score", "weight"], what)
    data = data[["factor", "option", "score", "weight"]].copy()
    data["score"] = data["score"].astype(float)
    data["weight"] = data["weight"].astype(float)
    weights = data.groupby("factor", sort=False)["weight"].first()
    if (weights < 0).any() or weights.sum() <= 0:
        raise ChartError(f"{what}: weights must be >= 0 and not all 0")
    share = weights / weights.sum()
    data["row"] = [f"{f} (weight {share[f]:.0%})" for f in data["factor"]]
    rows = [f"{f} (weight {share[f]:.0%})" for f in weights.index]
    if total:
        w = data.assign(ws=data["score"] * data["weight"])
        agg = w.groupby("option", sort=False)[["ws", "weight"]].sum()
        tot = pd.DataFrame(
            {
                "factor": "Weighted total",
                "option": agg.index,
                "score": (agg["ws"] / agg["weight"]).to_numpy(),
                "weight": agg["weight"].to_numpy(),
                "row": "Weighted total",
            }
        )
        data = pd.concat([data, tot], ignore_index=True)
        rows.append("Weighted total")
    data["label"] = [f"{v:.1f}" for v in data["score"]]
    # Column headers: each option's name wrapped onto lines ("\n" in the data, split into
    # lines by the axis), so long names stay inside their own column. Vega stacks a label's
    # lines downwards from where a one-line label would sit, so every header gets as many
    # lines (blank ones first) and the labels are lifted by the extra lines' height: the
    # last lines line up just above the grid.
    names = sorted({str(o) for o in data["option"]})
    wrapped = {n: _wrap(n, _HEADER_CHARS, _HEADER_LINES) for n in names}
    depth = max(w.count("\n") for w in wrapped.values())
    headers = {n: "\n" * (depth - w.count("\n")) + w for n, w in wrapped.items()}
    seen: dict[str, int] = {}
    for n in names:  # two names shortened alike keep two columns (zero-width spaces differ)
        seen[headers[n]] = seen.get(headers[n], 0) + 1
        headers[n] += "\u200b" * (seen[headers[n]] - 1)
    data["header"] = [headers[str(o)] for o in data["option"]]
    x = alt.X(
        "header:N",
        title=None,
        sort=[headers[n] for n in names],
        axis=alt.Axis(
            orient="top",
            labelAngle=0,
            labelExpr="split(datum.label, '\\n')",
            labelLimit=_HEADER_STEP - 8,
            labelLineHeight=_HEADER_LINE_PX,
            labelPadding=4 + depth * _HEADER_LINE_PX,
        ),
    )
    y = alt.Y("row:N", title=None, sort=rows)
    tooltip = [
        alt.Tooltip("factor:N", title="Factor"),
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("score:Q", title="Score", format=".2f"),
        alt.Tooltip("weight:Q", title="Weight", format=".2f"),
    ]
    base = alt.Chart(inline(data, what))
    cells = base.mark_rect().encode(
        x=x, y=y, color=alt.Color("score:Q", title="Score", legend=None), tooltip=tooltip
    )
    text = base.mark_text().encode(x=x, y=y, text=alt.Text("label:N"), tooltip=tooltip)
    # One column per option, wide enough for a header line.
    return layered(
        cells, text, width=alt.Step(_HEADER_STEP), title=chart_title(title, source, as_of, note)
    )


_HEADER_STEP = 150  # px per scorecard column
_HEADER_CHARS = 22  # characters per header line (11 px labels: about 6 px a character)
_HEADER_LINES = 3
_HEADER_LINE_PX = 14  # header line height (px)


def _wrap(text: str, width: int, lines: int) -> str:
    """``text`` broken at spaces into lines of about ``width`` characters, joined by
    newlines; past ``lines`` lines the last one ends with "…"."""
    parts = textwrap.wrap(text, width, break_long_words=False) or [text]
    if len(parts) > lines:
        parts = [
            *parts[: lines - 1],
            textwrap.shorten(" ".join(parts[lines - 1 :]), width, placeholder="…"),
        ]
    return "\n".join(parts)
