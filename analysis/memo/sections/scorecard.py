"""The strategic scorecard: five factors beyond cost, scored 0–5 and weighted; the must-haves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.freshness import DataDates
from analysis.memo.context import BriefContext, Names, kept
from analysis.memo.decision import must_have_failures
from analysis.memo.formatting import FACTOR_NAMES
from analysis.memo.layout import Figure, Section, Table, size
from analysis.memo.sections.cost import price_dates

if TYPE_CHECKING:
    from analysis.scenario import ScenarioReport


def scorecard_section(
    report: ScenarioReport, names: Names, *, dates: DataDates | None = None
) -> Section:
    """The scorecard of an evaluated scenario.

    Args:
        report: the evaluated scenario: ``report.scorecard`` the scores,
            ``report.scenario.scorecard`` the requirements and facts.
        names: display names.
        dates: how current the price data is, for the chart caption (read when None).

    Returns:
        A section with the scorecard grid and a must-have table ("not assessed"
        without a scorecard).
    """
    import pandas as pd

    from analysis import charts

    card = report.scorecard
    settings = report.scenario.scorecard
    if card is None or settings is None:
        return Section(
            key="scorecard",
            title="Strategic scorecard",
            finding="Not assessed: the scenario gives no scorecard requirements or weights.",
        )
    weights = card.weights
    labels = {"api": f"API ({names.api_model})", "self_hosted": "Self-hosted"}
    kinds = {o.name: o.kind for o in card.options}
    rows = [
        {
            "factor": FACTOR_NAMES[s.factor],
            "option": labels[o.kind],
            "score": s.score,
            "weight": getattr(weights, s.factor),
        }
        for o in card.options
        for s in o.scores
    ]
    failures = must_have_failures(report.scenario)
    req = card.requirements
    must = []
    if req.jurisdiction:
        must.append(f"Processed in {req.jurisdiction}")
    must.extend(req.compliance)
    must_rows = []
    for item in must:
        cells = [item]
        for kind in ("api", "self_hosted"):
            failed = [f for f in failures[kind] if item.casefold() in f.casefold()]
            if item.startswith("Processed in"):
                failed = [f for f in failures[kind] if req.jurisdiction and req.jurisdiction in f]
            cells.append("no: " + failed[0] if failed else "yes")
        must_rows.append(cells)
    totals = ", ".join(f"{labels[o.kind]} {o.weighted_total:.2f}" for o in card.options)
    if card.winner and card.deciding_factor:
        finding = (
            f"{labels[kinds[card.winner]]} leads the scorecard by {card.margin:.2f} points of 5 "
            f"({totals}); the deciding factor is "
            f"{FACTOR_NAMES[card.deciding_factor].lower()}."
        )
    else:
        finding = "The two options tie on the weighted scorecard."
    weight_text = ", ".join(
        f"{FACTOR_NAMES[f].lower()} {getattr(weights, f):g}" for f in FACTOR_NAMES
    )
    as_of = report.scenario.as_of.isoformat() if report.scenario.as_of else "an unstated date"
    return Section(
        key="scorecard",
        title="Strategic scorecard",
        finding=finding,
        layout="split",
        paragraphs=[
            f"Weights: {weight_text}. Each score follows a stated rule from the scenario's facts "
            "(where requests are processed, who owns the hardware, the documented compliance, "
            "the spread of the bill, measured latency).",
        ],
        figures=[
            Figure(
                charts.scorecard(
                    pd.DataFrame(rows),
                    source="scenario facts scored by the toolkit's stated rules",
                    as_of=as_of,
                    title="Strategic factors, scored 0–5",
                    # Cost predictability rests on the spread of the bills, so on the prices.
                    note=price_dates(report, dates),
                ),
                "Higher is better; the last row is the weighted total.",
                # Column labels on two lines ("API" / "(model)") so neighbours cannot overlap.
                size=size(
                    config={
                        "axisX": {
                            "labelExpr": "split(replace(datum.label, ' (', '|('), '|')",
                            "labelLineHeight": 12,
                            # Room for the second line above the grid (the axis is on top).
                            "labelPadding": 14,
                        }
                    }
                )
                | {"width": {"step": 80}, "height": {"step": 15}},
            )
        ],
        tables=[
            Table(
                ["Must-have", "API", "Self-hosted"],
                must_rows,
                caption="Must-have requirements",
                widths=(34, 33, 33),
                note="An option that fails a must-have is ruled out whatever it costs.",
            )
        ]
        if must_rows
        else [],
        numbers={"margin": card.margin},
    )


@kept
def scorecard(ctx: BriefContext) -> Section:
    """The five strategic factors beyond cost, scored 0–5 and weighted, and the must-haves.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the scorecard grid and a must-have table.
    """
    return scorecard_section(ctx.report, ctx.names, dates=ctx.data_dates)
