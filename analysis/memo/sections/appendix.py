"""The appendix: the detailed charts (A), every assumption with its source (B), the datasets (C)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

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
    """The first page of the appendix: every appendix-placed figure of ``sections``, full width.

    Sections keep their secondary charts (``placement="appendix"``) so that the
    memo itself stays about two printed pages; they are drawn here.

    Args:
        sections: the memo's sections, in order (None for one that does not apply).

    Returns:
        A section that starts the appendix.
    """
    figures = [
        dataclasses.replace(f, placement="body")
        for section in sections
        if section is not None
        for f in section.figures
        if f.placement == "appendix"
    ]
    return Section(
        key="charts",
        eyebrow="Appendix A",
        title="Detailed charts",
        finding=(
            "Supporting detail for the memo: the full charts behind its findings (A), every "
            "assumption with its source (B) and the datasets with their dates (C)."
        ),
        figures=figures,
        layout="wide",
        notes=[] if figures else ["No section has a detailed chart for this brief."],
        appendix=True,
        starts_appendix=True,
        numbers={"charts": float(len(figures))},
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
    sizing = report.tco.self_hosted.sizing
    rows = []
    for path in tco.assumptions_in_use(case):
        value = case.value(path)
        unit = tco.parameter_spec(path).unit
        basis = s.sources.get(path)
        rows.append(
            [parameter_label(path), format_value(value, unit), basis_kind(basis), basis or "—"]
        )
    rows.append(
        [
            "Replica throughput",
            f"{number(sizing.throughput.tok_s)} tok/s",
            basis_kind(s.sources.get("self_hosted.throughput_tok_s") or sizing.throughput.basis),
            s.sources.get("self_hosted.throughput_tok_s") or sizing.throughput.detail,
        ]
    )
    rows.append(
        [
            "GPUs per replica",
            str(sizing.gpus_per_replica),
            "derived"
            if sizing.gpus_basis == "memory fit"
            else basis_kind(s.sources.get("self_hosted.gpus_per_replica")),
            (
                f"memory fit: {sizing.memory_fit.required_gb:,.0f} GB needed at "
                f"{sizing.memory_fit.quantisation}, {sizing.memory_fit.gpu_memory_gb:g} GB per GPU"
            )
            if sizing.memory_fit is not None
            else s.sources.get("self_hosted.gpus_per_replica", "given"),
        ]
    )
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
    "arena_ratings": "LMArena ratings",
    "gap_claims": "published gap claims",
}


def sources_section(
    as_of: date, *, probe: ProbeFacts | None = None, params_file: str = ""
) -> Section:
    """The sources and date ranges of every dataset a brief reads.

    Args:
        as_of: the brief's date.
        probe: the probe run used, if any.
        params_file: the parameter file, for the record.

    Returns:
        A section with one row per dataset (rows, distinct sources, date range)
        and the probe run, when one was used.

    Raises:
        WarehouseError: the warehouse cannot be read.
    """
    from analysis import warehouse

    info = warehouse.table_sources()
    rows = []
    for table, what in DATASETS.items():
        t = info.get(table)
        if t is None:
            continue
        rows.append(
            [
                f"{what} ({t['file']})",
                f"{t['rows']:,}",
                f"{t['sources']:,}",
                date_range(t.get("as_of_min"), t.get("as_of_max")),
            ]
        )
    if probe is not None:
        rows.append([f"probe run {probe.run_id} (probe store)", "1", "1", probe.started])
    built = warehouse.summary(today=as_of).get("built_at")
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
        finding=f"All figures are as of {iso(as_of)} unless a row below says otherwise.",
        tables=[Table(["Dataset", "Rows", "Sources", "Dates covered"], rows, numeric=[1, 2])],
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
    return sources_section(ctx.as_of, probe=ctx.probe, params_file=ctx.params_file)
