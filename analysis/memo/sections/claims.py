"""Published claims about open vs closed models, checked against the data on a date."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from analysis.memo.context import BriefContext, kept
from analysis.memo.layout import Section, Table
from analysis.memo.options import OPTIONS


def _text(value: object) -> str:
    """``value`` as text; None and NaN (a missing cell) as the empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        import pandas as pd

        if pd.isna(value):  # type: ignore[arg-type]
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def verdict_kind(verdict: str) -> str:
    """A claim check's verdict in one of three words: holds, does not hold, not measured."""
    v = verdict.lower()
    if v.startswith("not measured"):
        return "not measured"
    if v.startswith("within") or v == "supported":
        return "holds"
    return "does not hold"


def claims_section(
    benchmarks: Sequence[str],
    as_of: date,
    *,
    source: str = OPTIONS["gap_source"],
    cheaper_factor: float = OPTIONS["cheaper_factor"],
) -> Section:
    """The claim check: each published claim, what it states, what the data shows, the verdict.

    Args:
        benchmarks: the benchmarks the claims are measured on.
        as_of: the date of the data (models released by then, prices in force then).
        source: which scores count: ``independent``, ``vendor`` or ``all``.
        cheaper_factor: "dramatically lower cost" read as closed at least this
            many times the open blended price.

    Returns:
        A section with one table row per claim.

    Raises:
        GapError: the benchmarks have no scores to measure with.
        WarehouseError: the warehouse cannot be read.
    """
    from analysis import gap

    df = gap.claims_table(list(benchmarks), as_of, source=source, cheaper_factor=cheaper_factor)
    rows, kinds = [], []
    for rec in df.to_dict("records"):
        verdict = _text(rec.get("verdict"))
        kind = verdict_kind(verdict)
        kinds.append(kind)
        who = _text(rec.get("publisher")) or "a common claim"
        when = f", {_text(rec.get('published_date'))}" if _text(rec.get("published_date")) else ""
        claim = _text(rec.get("claim"))
        if len(claim) > 64:  # a quote, shortened; the full text is in gap_claims
            claim = claim[:63].rstrip(" ,;:") + "…"
        rows.append(
            [
                f"{claim} ({who}{when})",
                _text(rec.get("stated")),
                _text(rec.get("measured")) or "—",
                f"{kind[:1].upper()}{kind[1:]}: {verdict}" if kind != "not measured" else verdict,
            ]
        )
    holds = kinds.count("holds")
    fails = kinds.count("does not hold")
    day = as_of.isoformat()
    finding = (
        f"Of {len(rows)} claims checked on {', '.join(benchmarks)} as of {day}, "
        f"{holds} hold{'s' if holds == 1 else ''} and {fails} do{'es' if fails == 1 else ''} not"
        + (
            f"; {kinds.count('not measured')} cannot be measured."
            if "not measured" in kinds
            else "."
        )
    )
    return Section(
        key="claims",
        title="Published claims against today's data",
        finding=finding,
        tables=[
            Table(
                ["Claim", "Stated", "Measured today", "Verdict"],
                rows,
                widths=(43, 20, 11, 26),
                note=(
                    f"Measured on {source} benchmark results of models released by "
                    f"{day} (warehouse tables benchmark_scores, models, gap_claims, "
                    f"api_prices). 'Dramatically lower cost' is read as closed at least "
                    f"{cheaper_factor:g}× the open blended price (a declared reading)."
                ),
            )
        ],
        numbers={"claims": float(len(rows)), "hold": float(holds), "do_not_hold": float(fails)},
    )


@kept
def claim_check(ctx: BriefContext) -> Section:
    """Published claims about open vs closed models, checked against the brief's data.

    Args:
        ctx: the brief's context (options ``benchmarks``, ``gap_source``, ``cheaper_factor``).

    Returns:
        A section with a small table: the claim, what it states, what the data
        shows as of the brief's date, and whether it holds.
    """
    o = ctx.options
    return claims_section(
        o["benchmarks"],
        ctx.as_of,
        source=o["gap_source"],
        cheaper_factor=float(o["cheaper_factor"]),
    )
