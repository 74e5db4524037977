"""The hybrid split: each task class sent to the cheapest option good enough for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.memo.context import BriefContext, Names, kept
from analysis.memo.decision import hybrid_failures, must_have_failures
from analysis.memo.formatting import pct, usd
from analysis.memo.layout import Kpi, Section, Table

if TYPE_CHECKING:
    from analysis.scenario import ScenarioReport

#: The single options a hybrid split is compared with, as the finding names them.
ALONE = {"API only": "the API alone", "Self-hosted only": "self-hosting alone"}


def hybrid_section(report: ScenarioReport, names: Names) -> Section:
    """The hybrid split of an evaluated scenario, against the single options.

    Args:
        report: the evaluated scenario (its ``routing`` the split, None when not assessed).
        names: display names.

    Returns:
        A section with the split as a table, its cost against the single options
        as KPIs, and the must-haves the split fails.
    """
    r, n = report, names
    rr = r.routing
    if rr is None:
        return Section(
            key="hybrid",
            title="A hybrid split",
            finding="Not assessed: the scenario defines no task classes to route.",
        )
    single = {"API only": r.tco.api.monthly_usd, "Self-hosted only": r.tco.self_hosted.monthly_usd}
    best_name = min(single, key=lambda k: single[k])
    saving = 1 - rr.monthly_usd / single[best_name] if single[best_name] else 0.0
    rows = [
        [
            c.name,
            pct(c.share),
            c.option,
            f"{c.score:.1f} vs {c.required_score:.1f} ({c.benchmark})",
            usd(c.monthly_usd),
        ]
        for c in rr.classes
    ]
    failures = hybrid_failures(r, must_have_failures(r.scenario))
    paragraphs = [f"It fails the must-haves: {failures[0]}."] if failures else []
    return Section(
        key="hybrid",
        title="A hybrid split",
        finding=(
            "Sending each task class to the cheapest model good enough for it costs "
            f"{usd(rr.monthly_usd)} a month, "
            + (f"{pct(saving)} less than" if saving > 0 else f"{pct(-saving)} more than")
            + f" {ALONE[best_name]} ({usd(single[best_name])}), at a traffic-weighted quality of "
            f"{rr.quality:.1f} points."
        ),
        paragraphs=paragraphs,
        kpis=[
            Kpi("Hybrid · per month", usd(rr.monthly_usd), f"quality {rr.quality:.1f} points"),
            Kpi("API only", usd(single["API only"]), n.api_model),
            Kpi("Self-hosted only", usd(single["Self-hosted only"]), n.open_model),
        ],
        brief_kpis=False,
        tables=[
            Table(
                ["Task class", "Share", "Sent to", "Score vs floor", "Per month"],
                rows,
                numeric=[1, 4],
                widths=(16, 8, 20, 44, 12),
                note="Each class goes to the cheapest option whose published score meets its "
                "floor; a self-hosted deployment's cost is shared by output tokens.",
            )
        ],
        numbers={"hybrid_monthly_usd": rr.monthly_usd, "saving_share": saving},
    )


@kept
def hybrid(ctx: BriefContext) -> Section:
    """The hybrid split: each task class sent to the cheapest option good enough for it.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the split as a table and its cost against the single options.
    """
    return hybrid_section(ctx.report, ctx.names)
