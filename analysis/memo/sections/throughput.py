"""Measured throughput of the open model, from a stored probe run."""

from __future__ import annotations

from analysis.memo.context import BriefContext, ProbeFacts, kept
from analysis.memo.formatting import number
from analysis.memo.layout import DETAIL_HEIGHT, FULL_WIDTH, Figure, Kpi, Section, compact, size


def throughput_section(probe: ProbeFacts) -> Section:
    """What a probe run measured: throughput per replica within its SLO, and per load level.

    Args:
        probe: the stored run, summarised (:func:`analysis.memo.context.probe_facts`).

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
        numbers={"best_tok_s": float(p.best_tok_s or 0)},
    )


@kept
def throughput(ctx: BriefContext) -> Section | None:
    """Measured throughput of the open model from a stored probe run, when one is named.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the throughput against concurrency, or None without a probe run.
    """
    return throughput_section(ctx.probe) if ctx.probe is not None else None
