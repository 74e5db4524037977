"""Measured throughput of the open model, from a stored probe run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.memo.context import BriefContext, ProbeFacts, kept
from analysis.memo.formatting import number, pct
from analysis.memo.layout import DETAIL_HEIGHT, FULL_WIDTH, Figure, Kpi, Section, compact, size

if TYPE_CHECKING:
    from analysis.scenario.report import ThroughputCheck


def throughput_section(probe: ProbeFacts, check: ThroughputCheck | None = None) -> Section:
    """What a probe run measured: throughput per replica within its SLO, and per load level.

    Args:
        probe: the stored run, summarised (:func:`analysis.memo.context.probe_facts`).
        check: the decode model's estimate of the same run, to say how far it was.

    Returns:
        A section with the throughput against concurrency (``placement="appendix"``).
    """
    import pandas as pd

    from analysis import charts

    p = probe
    levels = p.levels
    ttft = (
        f"; measured p95 time to first token {number(p.ttft_p95_ms)} ms"
        if p.ttft_p95_ms is not None
        else ""
    )
    conc = p.best_concurrency
    finding = (
        f"Measured: {number(p.best_tok_s or 0)} output tokens a second per replica within the "
        "service level; the cost model uses it."
    )
    notes = [
        f"Load test of {p.started}: {p.model} on {p.hardware}, best at {conc} concurrent "
        f"request{'' if conc == 1 else 's'}; service level {p.slo}{ttft}."
    ]
    if check is not None:
        side = "above" if check.error >= 0 else "below"
        inside = "inside" if check.within_range else "outside"
        notes.append(
            f"The cost model uses the measurement, not the estimate: the decode model estimated "
            f"{number(check.estimate.point)} output tokens a second "
            f"({number(check.estimate.low)}–{number(check.estimate.high)}), "
            f"{pct(abs(check.error))} {side} the measurement, which lies {inside} that range "
            f"({check.note})."
            + (
                ""
                if check.matches
                else " The run's labels do not name the scenario's model and GPU."
            )
        )
    figures = []
    if "concurrency" in levels.columns and "output_tokens_per_s" in levels.columns:
        df = levels[["concurrency", "output_tokens_per_s"]].dropna()
        if len(df):
            figures.append(
                Figure(
                    compact(
                        charts.probe_throughput(
                            pd.DataFrame(df),
                            source=f"probe run {p.run_id}: {p.model} on {p.hardware}",
                            as_of=p.started,
                            title="Measured throughput against concurrent requests",
                        )
                    ),
                    "Output tokens per second across all concurrent requests, per load level.",
                    size=size(FULL_WIDTH, DETAIL_HEIGHT),
                    placement="appendix",
                )
            )
    kpis = [
        Kpi("Measured throughput", f"{number(p.best_tok_s or 0)} tok/s", "per replica, within SLO")
    ]
    if p.ttft_p95_ms is not None:
        kpis.append(Kpi("Time to first token", f"{number(p.ttft_p95_ms)} ms", "p95 at that load"))
    return Section(
        key="throughput",
        title="Measured throughput",
        finding=finding,
        notes=notes,
        kpis=kpis,
        brief_kpis=False,
        figures=figures,
        numbers={
            "best_tok_s": float(p.best_tok_s or 0),
            **({"estimate_error": check.error} if check is not None else {}),
        },
    )


@kept
def throughput(ctx: BriefContext) -> Section | None:
    """Measured throughput of the open model from a stored probe run, when one is named.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the throughput against concurrency, or None without a probe run.
    """
    if ctx.probe is None:
        return None
    return throughput_section(ctx.probe, ctx.report.throughput_check)


@kept
def probe_comparison(ctx: BriefContext) -> Section | None:
    """Stored probe runs compared side by side, when ``brief.compare_runs`` names them.

    Every run is judged by one SLO (the brief's probe run's, else "no error for
    95% of requests"); cost per 1M output tokens at each run's best level uses
    the warehouse's GPU-hour price of the run's GPU on the brief's date
    (:func:`analysis.probes.compare.compare_runs`).

    Args:
        ctx: the brief's context.

    Returns:
        A section with the comparison's table and cost chart, or None without run ids.
    """
    from analysis import probes
    from analysis.errors import ProbeError
    from analysis.memo.layout import Table
    from analysis.probes import store as probe_store
    from analysis.probes.compare import compare_runs, comparison_charts

    ids = list(ctx.options.get("compare_runs") or [])
    if not ids:
        return None
    try:
        runs = [probe_store.load_run(run_id) for run_id in ids]
        slo = (
            runs[0].config.slo
            if ctx.probe is None
            else probe_store.load_run(ctx.probe.run_id).config.slo
        )
        comparison = compare_runs(runs, slo or probes.SLO(), price_at=ctx.as_of)
    except ProbeError as exc:
        return Section(key="probe_comparison", title="Hardware compared", finding=str(exc))
    priced = [r for r in comparison.runs if r.cost_per_mtok_usd is not None]
    cheapest = min(priced, key=lambda r: r.cost_per_mtok_usd or 0.0) if priced else None
    finding = (
        f"Cheapest per output token: {cheapest.label}, at {number(cheapest.cost_per_mtok_usd or 0)}"
        " USD per million output tokens within the service level."
        if cheapest
        else "No compared run has both a price and a load level within the service level."
    )
    rows = [
        [
            r.label,
            "none" if r.best_concurrency is None else str(r.best_concurrency),
            number(r.output_tokens_per_s) if r.output_tokens_per_s is not None else "",
            number(r.ttft_p90_ms) if r.ttft_p90_ms is not None else "",
            number(r.cost_per_mtok_usd) if r.cost_per_mtok_usd is not None else "",
        ]
        for r in comparison.runs
    ]
    table = Table(
        ["Run", "Best concurrency", "Output tok/s", "TTFT p90, ms", "USD / 1M output tokens"],
        rows,
        caption=f"Runs compared under one service level: {comparison.slo.describe()}",
        numeric=[1, 2, 3, 4],
        note="Cost = USD per GPU-hour x GPUs / (output tok/s x 3600) x 1e6.",
    )
    charts = comparison_charts(comparison)
    figures = [
        Figure(
            compact(chart),
            caption,
            size=size(FULL_WIDTH, DETAIL_HEIGHT),
            placement="appendix",
        )
        for name, caption in (
            ("cost", "Cost per million output tokens at each run's best level."),
            ("throughput", "Throughput against concurrent requests, run by run."),
        )
        if (chart := charts.get(name)) is not None
    ]
    return Section(
        key="probe_comparison",
        title="Hardware compared",
        finding=finding,
        notes=[f"{r.run_id}: {r.note}" for r in comparison.runs if r.note],
        tables=[table],
        figures=figures,
        brief_kpis=False,
    )
