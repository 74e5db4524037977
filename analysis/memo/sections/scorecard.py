"""The strategic scorecard: five factors beyond cost, scored 0–5 and weighted; the must-haves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.freshness import DataDates
from analysis.memo.context import BriefContext, Names, kept
from analysis.memo.decision import must_have_failures
from analysis.memo.formatting import FACTOR_NAMES
from analysis.memo.layout import Figure, Section, Table
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
    # Short column heads: the finding names the API's model.
    heads = {"api": "API", "self_hosted": "Self-hosted"}
    rows = [
        {
            "factor": FACTOR_NAMES[s.factor],
            "option": heads[o.kind],
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
    as_of = report.scenario.as_of.isoformat() if report.scenario.as_of else "an unstated date"
    # One row per option, one column per factor: the memo's scorecard in four lines.
    by_kind = {o.kind: o for o in card.options}
    total_weight = sum(getattr(weights, f) for f in FACTOR_NAMES) or 1.0
    score_rows = [
        ["Weight", *(f"{getattr(weights, f) / total_weight:.0%}" for f in FACTOR_NAMES)],
        *(
            [
                f"{labels[k]}: total {by_kind[k].weighted_total:.2f}",
                *(str(by_kind[k].score(f)) for f in FACTOR_NAMES),
            ]
            for k in ("api", "self_hosted")
        ),
    ]
    return Section(
        key="scorecard",
        title="Strategic scorecard",
        finding=finding,
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
                size={"width": {"step": 80}, "height": {"step": 14}},
                # The memo shows the same scores as a table.
                placement="appendix",
            )
        ],
        tables=[
            Table(
                ["Score 0–5 (higher is better)", *FACTOR_NAMES.values()],
                score_rows,
                numeric=list(range(1, len(FACTOR_NAMES) + 1)),
                widths=(30, *(14 for _ in FACTOR_NAMES)),
                note="Each score follows a stated rule from the scenario's facts; the weights "
                "are the scenario's.",
            ),
            *(
                [
                    Table(
                        ["Must-have", "API", "Self-hosted"],
                        must_rows,
                        widths=(34, 33, 33),
                        note="An option that fails a must-have is ruled out whatever it costs.",
                    )
                ]
                if must_rows
                else []
            ),
        ],
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
