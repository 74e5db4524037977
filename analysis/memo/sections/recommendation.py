"""The title block: the recommendation in one paragraph, with its numbers, and the KPIs.

It is the brief's first screen, so it also says how current the data is: the
newest row of each dataset the brief reads ("Data through: ..."), a warning in
plain words when the newest benchmark data is older than ``stale_after_days``
before the brief's date (:func:`analysis.freshness.staleness`), and the best
open and closed models in the data on that date with the recent models it could
not rank (:func:`analysis.standings.standings`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.freshness import staleness
from analysis.memo.context import BriefContext, kept
from analysis.memo.decision import decide
from analysis.memo.formatting import (
    iso,
    lower_first,
    number,
    ownership_word,
    parameter_label,
    pct,
    usd,
)
from analysis.memo.layout import Kpi, Section
from analysis.standings import standings

#: The datasets a brief reads, in the order its first screen names how current each is.
BRIEF_DATASETS = (
    "benchmark_scores",
    "eci_scores",
    "arena_ratings",
    "models",
    "api_prices",
    "gpu_cloud_prices",
    "gap_claims",
)

if TYPE_CHECKING:
    from analysis.tco import Workload


def tokens_per_day(workload: Workload) -> float:
    """Tokens a day of a workload: tokens/month ÷ (H/24 days/month) [tokens/day]."""
    return workload.tokens_per_month / (workload.hours_per_month / 24)


@kept
def recommendation(ctx: BriefContext) -> Section:
    """The title block: the recommendation in one paragraph, with its numbers, and the KPIs.

    Args:
        ctx: the brief's context.

    Returns:
        The level-1 section that opens the brief.
    """
    r, n = ctx.report, ctx.names
    tco, w = r.tco, r.tco.workload
    sh, api = tco.self_hosted, tco.api
    d = decide(r, n, ctx.options)
    be = tco.break_even
    diff = tco.difference_usd  # self-hosted − API [USD/month]
    cheaper_word = "less" if diff < 0 else "more"
    owned = ownership_word(ctx.scenario.self_hosted)
    parts = [d.why]
    if d.choice == "hybrid" and r.routing is not None:
        parts.append(
            f"The split costs {usd(r.routing.monthly_usd)} a month at a traffic-weighted "
            f"quality of {r.routing.quality:.1f} points."
        )
    parts += [
        f"At {number(tokens_per_day(w))} tokens a day, {n.api_model} through the "
        f"{n.api_provider} API costs {usd(api.monthly_usd)} a month; self-hosting {n.open_model} "
        f"on {sh.gpus} {owned} {n.gpu} "
        f"GPU{'s' if sh.gpus != 1 else ''} costs {usd(sh.monthly_usd)}, "
        f"{usd(abs(diff))} {cheaper_word}.",
    ]
    if be.requests_per_month is not None:
        ratio = be.requests_per_month / w.requests_per_month
        parts.append(
            f"Self-hosting breaks even at {number(be.requests_per_month)} requests a month, "
            f"{ratio:.1f}× today's {number(w.requests_per_month)}."
        )
    else:
        parts.append("Self-hosting never breaks even at these prices.")
    if d.choice in ("api", "self_hosted") and d.monthly_usd is not None:
        cheapest = min(api.monthly_usd, sh.monthly_usd)
        if d.monthly_usd > cheapest:
            parts.append(
                f"Meeting the must-haves and strategic aims costs {usd(d.monthly_usd - cheapest)} "
                "a month more than the cheapest option."
            )
    for kind, fails in d.ruled_out.items():
        if kind in ("api", "self_hosted") and fails and fails[0] not in d.why:
            label = f"The {n.api_model} API" if kind == "api" else f"Self-hosted {n.open_model}"
            parts.append(f"{label} is ruled out: it {fails[0]}.")
    # Short details: each tile is about a sixth of the page wide.
    kpis = [
        Kpi("API · month", usd(api.monthly_usd), n.api_model),
        Kpi(
            "Self-hosted · month",
            usd(sh.monthly_usd),
            f"{sh.gpus} {owned} GPU{'s' if sh.gpus != 1 else ''}",
        ),
    ]
    if d.choice == "hybrid" and r.routing is not None:
        kpis.append(
            Kpi("Hybrid · month", usd(r.routing.monthly_usd), f"quality {r.routing.quality:.1f}")
        )
    kpis.append(
        Kpi(
            "Break-even",
            number(be.requests_per_month) if be.requests_per_month else "none",
            f"req/month, {be.requests_per_month / w.requests_per_month:.1f}× today"
            if be.requests_per_month
            else "at any volume",
        )
    )
    # The simulated futures are in a tile here and in the sensitivity section's text.
    mc = r.monte_carlo
    if mc is not None:
        kpis.append(
            Kpi(
                "Self-host cheaper",
                pct(mc.p_self_hosted_cheaper),
                f"of {number(mc.draws)} futures",
            )
        )
    if r.horizon_months:
        total = diff * r.horizon_months
        kpis.append(
            Kpi(
                f"Over {r.horizon_months} months",
                usd(abs(total)),
                "saved by self-hosting" if total < 0 else "extra to self-host",
            )
        )
    bullets = []
    if be.requests_per_month is not None:
        ratio = be.requests_per_month / w.requests_per_month
        side = "self-hosting becomes" if diff > 0 else "self-hosting stays"
        bullets.append(
            f"Volume: above {number(be.requests_per_month)} requests a month ({ratio:.1f}× "
            f"today's), {side} the cheaper option."
        )
    moving = [row for row in r.tornado.rows if row.swing > 0]
    if moving:
        bullets.append(
            f"Sensitivity: {lower_first(parameter_label(moving[0].parameter))} moves the monthly "
            f"difference by up to {usd(moving[0].swing)} at ±{r.tornado.pct:g}%."
        )
    dates = ctx.data_dates
    stale = staleness(dates, threshold_days=int(ctx.options["stale_after_days"]))
    ranks = standings(
        ctx.as_of, benchmark=ctx.options["benchmarks"][0], source=ctx.options["gap_source"]
    )
    return Section(
        key="recommendation",
        title=d.headline,
        eyebrow=f"{ctx.title} · {ctx.organisation}",
        dateline=dates.line(BRIEF_DATASETS),
        alert=stale.note("this brief"),
        paragraphs=[ranks.sentence()],
        byline=(
            f"Executive brief · prices and models as of {iso(ctx.as_of)} · workload "
            f"{number(tokens_per_day(w))} tokens a day, {number(w.input_tokens)} in and "
            f"{number(w.output_tokens)} out per request"
            + (f" · horizon {r.horizon_months} months" if r.horizon_months else "")
        ),
        finding=" ".join(parts),
        kpis=kpis,
        bullets=bullets,
        bullets_title="What would change the answer",
        level=1,
        numbers={
            "api_monthly_usd": api.monthly_usd,
            "self_hosted_monthly_usd": sh.monthly_usd,
            "difference_usd": diff,
            "break_even_requests_per_month": float(be.requests_per_month or 0),
            "tokens_per_day": tokens_per_day(w),
            "stale": float(stale.stale),
            "unranked": float(len(ranks.unranked)),
        },
    )
