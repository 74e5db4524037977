"""Sensitivity (tornado) and uncertainty (P10–P90) of the cost comparison."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.freshness import DataDates
from analysis.memo.context import BriefContext, Names, kept
from analysis.memo.formatting import (
    difference_range,
    format_value,
    lower_first,
    number,
    parameter_label,
    share_words,
    usd,
)
from analysis.memo.layout import HALF_WIDTH, Figure, Section, Table, size
from analysis.memo.options import OPTIONS
from analysis.memo.sections.cost import price_dates

if TYPE_CHECKING:
    from analysis.scenario import ScenarioReport


def risk_section(
    report: ScenarioReport,
    names: Names,
    *,
    tornado_bars: int = OPTIONS["tornado_bars"],
    dates: DataDates | None = None,
) -> Section:
    """Sensitivity and uncertainty of an evaluated scenario.

    Args:
        report: the evaluated scenario.
        names: display names.
        tornado_bars: the tornado shows at most this many assumptions.
        dates: how current the price data is, for the chart caption (read when None).

    Returns:
        A section with the tornado chart of the assumptions that move the
        result most, and the Monte Carlo percentiles when a simulation ran.
    """
    import pandas as pd

    from analysis import charts, tco

    r = report
    t = r.tornado
    top = [row for row in t.rows if row.swing > 0][: int(tornado_bars)]
    base = t.base_result
    flips = [
        row
        for row in top
        if any(x is not None and (x < 0) != (base < 0) for x in (row.low_result, row.high_result))
    ]
    metric_words = {
        "difference": "self-hosted − API, USD a month",
        "api": "API cost, USD a month",
        "self_hosted": "self-hosted cost, USD a month",
    }[t.metric]
    paragraphs = []
    finding = "No assumption moves the result."
    if top:
        label = lower_first(parameter_label(top[0].parameter))
        finding = (
            f"The answer is most exposed to {label}: ±{t.pct:g}% moves the result by up to "
            f"{usd(top[0].swing)} a month"
        )
        if t.metric == "difference":
            finding += (
                f", and no single ±{t.pct:g}% change reverses which option is cheaper."
                if not flips
                else f"; a ±{t.pct:g}% change in "
                f"{lower_first(parameter_label(flips[0].parameter))} alone reverses which "
                "option is cheaper: watch it."
            )
        else:
            finding += "."
    tables = []
    mc = r.monte_carlo
    if mc is not None:
        drawn = ", ".join(lower_first(parameter_label(p)) for p in mc.parameters)
        paragraphs.append(
            f"In 80% of {number(mc.draws)} simulated futures (P10 to P90), "
            f"{difference_range(mc.difference)}; self-hosting is cheaper in "
            f"{share_words(mc.p_self_hosted_cheaper)} (each option's spread: appendix A)."
        )
        tables.append(
            Table(
                ["Monthly cost", "P10", "Median", "P90"],
                [
                    [
                        f"API: {names.api_model}",
                        usd(mc.api.p10),
                        usd(mc.api.p50),
                        usd(mc.api.p90),
                    ],
                    [
                        f"Self-hosted: {names.open_model}",
                        usd(mc.self_hosted.p10),
                        usd(mc.self_hosted.p50),
                        usd(mc.self_hosted.p90),
                    ],
                    [
                        "Difference (self-hosted − API)",
                        usd(mc.difference.p10),
                        usd(mc.difference.p50),
                        usd(mc.difference.p90),
                    ],
                ],
                caption="Monthly cost across simulated futures",
                numeric=[1, 2, 3],
                highlight=[2],
                widths=(49, 17, 17, 17),
                note=f"Monte Carlo, {number(mc.draws)} draws, seed {mc.seed}, drawing {drawn} "
                "from the ranges stated in the scenario (see the assumptions).",
                # The memo's sentence states the P10–P90 spread; the table is detail.
                placement="appendix",
            )
        )
    else:
        paragraphs.append("No uncertainty ranges were given, so no simulation was run.")
    figures = []
    if top:
        df = pd.DataFrame(
            [
                {
                    "parameter": parameter_label(row.parameter),
                    "low_result": row.low_result if row.low_result is not None else base,
                    "high_result": row.high_result if row.high_result is not None else base,
                    "low_label": format_value(
                        row.low_value, tco.parameter_spec(row.parameter).unit
                    ),
                    "high_label": format_value(
                        row.high_value, tco.parameter_spec(row.parameter).unit
                    ),
                }
                for row in top
            ]
        )
        as_of = r.scenario.as_of.isoformat() if r.scenario.as_of else "an unstated date"
        figures.append(
            Figure(
                charts.tornado(
                    df,
                    source="the scenario's assumptions (appendix B)",
                    as_of=as_of,
                    base=base,
                    title=f"What moves the answer: each assumption ±{t.pct:g}%",
                    x_title=metric_words[:1].upper() + metric_words[1:],
                    value_format="$,.0f",
                    note=price_dates(r, dates),
                ),
                "The result with one assumption lowered and raised, the others held. "
                + (
                    "Below zero, self-hosting is cheaper."
                    if t.metric == "difference"
                    else "Longer bars matter more."
                ),
                size=size(HALF_WIDTH - 50, 14 * len(top), config={"legend": {"offset": 6}}),
                # One legend row: "low value", "high value" (the builder says "Parameter at its …").
                legend={"columns": 2, "labelExpr": "replace(datum.label, 'Parameter at its ', '')"},
            )
        )
    return Section(
        key="risk",
        title="Sensitivity and uncertainty",
        finding=finding,
        layout="split",
        paragraphs=paragraphs,
        figures=figures,
        tables=tables,
        numbers={
            "base_result": base,
            "p_self_hosted_cheaper": mc.p_self_hosted_cheaper if mc else -1.0,
        },
    )


@kept
def risk(ctx: BriefContext) -> Section:
    """Sensitivity (tornado) and uncertainty (P10–P90) of the cost comparison.

    Args:
        ctx: the brief's context (option ``tornado_bars``).

    Returns:
        A section with the tornado chart of the assumptions that move the
        difference most, and the Monte Carlo percentiles.
    """
    return risk_section(
        ctx.report,
        ctx.names,
        tornado_bars=int(ctx.options["tornado_bars"]),
        dates=ctx.data_dates,
    )
