"""The appendix: the detailed charts (A), every assumption with its source (B), the datasets (C)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from analysis.freshness import DataDates, data_dates
from analysis.memo.context import BriefContext, ProbeFacts
from analysis.memo.formatting import (
    date_range,
    format_value,
    iso,
    number,
    parameter_label,
    pct,
)
from analysis.memo.layout import Section, Table

if TYPE_CHECKING:
    from analysis.scenario import ScenarioReport


def detailed_charts_section(sections: Iterable[Section | None]) -> Section:
    """The first page of the appendix: every appendix-placed figure and table of ``sections``.

    Sections keep their secondary charts and tables (``placement="appendix"``) so
    that the memo itself stays within two printed pages; they are shown here, the
    charts full width.

    Args:
        sections: the memo's sections, in order (None for one that does not apply).

    Returns:
        A section that starts the appendix.
    """
    shown = [s for s in sections if s is not None]
    figures = [
        dataclasses.replace(f, placement="body")
        for s in shown
        for f in s.figures
        if f.placement == "appendix"
    ]
    tables = [
        dataclasses.replace(t, placement="body")
        for s in shown
        for t in s.tables
        if t.placement == "appendix"
    ]
    return Section(
        key="charts",
        eyebrow="Appendix A",
        title="Detailed charts",
        finding=(
            "Supporting detail for the memo: the full charts and tables behind its findings "
            "(A), every assumption with its source (B) and the datasets with their dates (C)."
        ),
        figures=figures,
        tables=tables,
        layout="wide",
        notes=[] if figures or tables else ["No section has a detailed chart for this brief."],
        appendix=True,
        starts_appendix=True,
        numbers={"charts": float(len(figures)), "tables": float(len(tables))},
    )


def basis_kind(text: str | None) -> str:
    """What a source text says a figure is: measured, estimate, assumption or sourced."""
    if not text:
        return "no stated source"
    low = text.lower()
    if low.startswith("measured"):
        return "measured"
    if "roofline" in low or ("estimate" in low and "assumption" not in low):
        return "estimate"
    if "assumption" in low or "illustrative" in low:
        return "assumption"
    return "sourced"


def throughput_rows(report: ScenarioReport) -> list[list[str]]:
    """The assumptions-table rows of the replica: throughput (range, basis, binding limit),
    GPUs per replica, and what the decode model and the energy figure rest on."""
    from analysis.decode import BANDWIDTH_FRACTION, COMPUTE_EFFICIENCY

    s = report.scenario
    hosted = report.tco.self_hosted
    sizing = hosted.sizing
    t = sizing.throughput
    given = s.sources.get("self_hosted.throughput_tok_s")
    value = f"{number(t.tok_s)} tok/s"
    if t.estimated and t.range is not None:
        value = f"{number(t.tok_s)} ({number(t.range.low)}–{number(t.range.high)}) tok/s"
    rows = [
        [
            "Replica throughput",
            value,
            basis_kind(given or t.basis),
            given or t.detail,
        ]
    ]
    if t.estimated and t.plan is not None:
        rows.append(
            [
                "Binding limit",
                t.limit,
                "derived",
                f"batch {t.plan.batch}: {t.plan.limit_detail}",
            ]
        )
    check = report.throughput_check
    if check is not None:
        rows.append(
            [
                "Estimate against the measurement",
                f"{'+' if check.error >= 0 else '−'}{pct(abs(check.error))}",
                "derived",
                f"the decode model estimated {number(check.estimate.point)} "
                f"({number(check.estimate.low)}–{number(check.estimate.high)}) tok/s against "
                f"{number(check.measured_tok_s)} measured in probe run {check.run_id}; "
                f"{check.note}",
            ]
        )
    plan = t.plan
    if plan is not None and (t.estimated or check is not None):
        target = plan.target
        if not target.source.startswith("scenario:"):
            parts = []
            if target.tpot_ms is not None:
                parts.append(f"TPOT ≤ {number(target.tpot_ms)} ms")
            if target.ttft_ms is not None:
                parts.append(f"p95 TTFT ≤ {number(target.ttft_ms)} ms")
            rows.append(["Latency target", ", ".join(parts) or "none", "sourced", target.source])
        rows.append(
            [
                "Decode bandwidth fraction",
                f"{BANDWIDTH_FRACTION.low:.2f}–{BANDWIDTH_FRACTION.high:.2f} "
                f"(point {BANDWIDTH_FRACTION.point:.2f})",
                "measured",
                BANDWIDTH_FRACTION.source,
            ]
        )
        rows.append(
            [
                "Prefill efficiency",
                f"{COMPUTE_EFFICIENCY.low:.2f}–{COMPUTE_EFFICIENCY.high:.2f} of dense FLOPS",
                "estimate",
                COMPUTE_EFFICIENCY.source,
            ]
        )
    if sizing.gpus_basis == "given":
        kind = basis_kind(s.sources.get("self_hosted.gpus_per_replica"))
    else:
        kind = "derived"
    rows.append(
        [
            "GPUs per replica",
            str(sizing.gpus_per_replica),
            kind,
            (
                f"{sizing.gpus_basis}: {sizing.memory_fit.required_gb:,.0f} GB needed at "
                f"{sizing.memory_fit.quantisation} for {sizing.memory_fit.sequences} "
                f"sequence{'s' if sizing.memory_fit.sequences != 1 else ''}, "
                f"{sizing.memory_fit.gpu_memory_gb:g} GB per GPU"
            )
            if sizing.memory_fit is not None
            else s.sources.get("self_hosted.gpus_per_replica", "given"),
        ]
    )
    e = hosted.energy
    if e is not None:
        carbon = (
            f"; {number(e.gco2e_per_mtok)} g CO2e at {number(e.grid_gco2e_per_kwh)} g CO2e/kWh"
            if e.gco2e_per_mtok is not None and e.grid_gco2e_per_kwh is not None
            else "; no grid intensity given"
        )
        rows.append(
            [
                "Energy per 1M output tokens",
                f"{e.kwh_per_mtok:,.2f} kWh",
                "estimate" if "estimate" in e.power_basis else "derived",
                f"GPUs × power × PUE × time per token: {e.gpus} GPUs × {number(e.power_w)} W "
                f"({e.power_basis}) × {e.pue:g} ({e.pue_basis}) × the fleet's seconds per "
                f"output token at this volume{carbon}",
            ]
        )
    return rows


def assumptions_section(report: ScenarioReport, options: Mapping[str, Any]) -> Section:
    """Every figure the comparison rests on, with its value and where it comes from.

    Args:
        report: the evaluated scenario (its ``scenario.sources`` the sources).
        options: brief options (the decision rule's thresholds are listed too).

    Returns:
        A section with the assumptions table; figures without a stated source are counted.
    """
    from analysis import tco

    s = report.scenario
    case = s.case
    rows = []
    for path in tco.assumptions_in_use(case):
        value = case.value(path)
        unit = tco.parameter_spec(path).unit
        basis = s.sources.get(path)
        rows.append(
            [parameter_label(path), format_value(value, unit), basis_kind(basis), basis or "—"]
        )
    rows += throughput_rows(report)
    o = options
    rows.append(
        [
            "Decision rule",
            f"margin {o['scorecard_margin']:g} pts, premium {pct(o['premium_tolerance'])}, "
            f"hybrid saving {pct(o['hybrid_min_saving'])}",
            "assumption",
            "the brief's stated rule for preferring the scorecard's winner or a hybrid split",
        ]
    )
    unsourced = [r[0] for r in rows if r[2] == "no stated source"]
    kinds = [r[2] for r in rows]
    estimated = kinds.count("estimate") + kinds.count("derived")
    assumed = kinds.count("assumption")
    finding = (
        f"{kinds.count('sourced')} figures come from sourced data, {kinds.count('measured')} "
        f"from measurement, {estimated} {'is' if estimated == 1 else 'are'} estimated or "
        f"derived and {assumed} {'is a' if assumed == 1 else 'are'} stated "
        f"assumption{'' if assumed == 1 else 's'}"
        + (f"; {len(unsourced)} have no stated source." if unsourced else ".")
    )
    return Section(
        key="assumptions",
        eyebrow="Appendix B",
        title="Assumptions",
        appendix=True,
        finding=finding,
        tables=[
            Table(["Figure", "Value", "Kind", "Source or basis"], rows, widths=(24, 19, 11, 46))
        ],
        numbers={"rows": float(len(rows)), "unsourced": float(len(unsourced))},
    )


def assumptions(ctx: BriefContext) -> Section:
    """Every figure the comparison rests on, with its value and where it comes from.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the assumptions table; figures without a stated source are counted.
    """
    return assumptions_section(ctx.report, ctx.options)


#: The warehouse tables a brief reads, with what each holds.
DATASETS = {
    "api_prices": "API prices by date",
    "models": "models and their specifications",
    "gpus": "GPU datasheet figures",
    "gpu_cloud_prices": "cloud GPU offers",
    "benchmark_scores": "benchmark results",
    "eci_scores": "Epoch Capabilities Index",
    "arena_ratings": "LMArena ratings",
    "gap_claims": "published gap claims",
}


def sources_section(
    as_of: date,
    *,
    probe: ProbeFacts | None = None,
    params_file: str = "",
    dates: DataDates | None = None,
) -> Section:
    """The sources and date ranges of every dataset a brief reads.

    Args:
        as_of: the brief's date.
        probe: the probe run used, if any.
        params_file: the parameter file, for the record.
        dates: how current each dataset is on ``as_of`` (read when None).

    Returns:
        A section with one row per dataset (rows, distinct sources, the dates the
        rows cover, and the newest row on or before ``as_of``: the data through)
        and the probe run, when one was used.

    Raises:
        WarehouseError: the warehouse cannot be read.
    """
    from analysis import catalog

    info = catalog.table_sources()
    dates = dates if dates is not None else data_dates(as_of)
    rows = []
    for table, what in DATASETS.items():
        t = info.get(table)
        if t is None:
            continue
        through = dates.through.get(table)
        rows.append(
            [
                f"{what} ({t['file']})",
                f"{t['rows']:,}",
                f"{t['sources']:,}",
                date_range(t.get("as_of_min"), t.get("as_of_max")),
                iso(through) if through else ("—" if not t.get("as_of_column") else "none yet"),
            ]
        )
    if probe is not None:
        rows.append(
            [f"probe run {probe.run_id} (probe store)", "1", "1", probe.started, probe.started]
        )
    built = catalog.summary(today=as_of).get("built_at")
    notes = [
        "Every row of the datasets names its source (repository and commit, or URL) and its "
        "date; see datasets/SOURCES.md. Estimates are marked as such in their rows.",
    ]
    if built is not None:
        notes.append(f"Warehouse built {built:%Y-%m-%d %H:%M} UTC from the curated CSV files.")
    if params_file:
        notes.append(f"Parameters: {params_file}.")
    return Section(
        key="sources",
        eyebrow="Appendix C",
        title="Sources and dates",
        appendix=True,
        finding=(
            f"Prices and models are as of {iso(as_of)}; each dataset's newest row on or before "
            "that date is its 'data through' date below."
        ),
        tables=[
            Table(
                ["Dataset", "Rows", "Sources", "Dates covered", "Data through"],
                rows,
                numeric=[1, 2],
                widths=(40, 9, 9, 25, 17),
                note="Data through: the date of the dataset's newest row on or before the "
                f"brief's date ({iso(as_of)}).",
            )
        ],
        notes=notes,
        numbers={"datasets": float(len(rows))},
    )


def sources(ctx: BriefContext) -> Section:
    """The sources and as-of dates of every dataset the brief used.

    Args:
        ctx: the brief's context.

    Returns:
        A section with one row per dataset (rows, distinct sources, date range)
        and the probe run, when one was used.
    """
    return sources_section(
        ctx.as_of, probe=ctx.probe, params_file=ctx.params_file, dates=ctx.data_dates
    )
