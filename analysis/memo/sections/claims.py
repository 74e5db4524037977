"""Published claims about open vs closed models, judged then and now against the data.

Each claim is read as its author meant it (the declared reading is in the table),
measured on its own metric (ECI claims on one ECI snapshot, over the claim's
window; the performance and cost claims on a single benchmark) and judged with
the data of its publication date ("then") and of the brief's date ("now"). Each
cell shows the measured figure, its 90% interval and the verdict that follows
from them (:mod:`analysis.gap.verdicts`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from analysis.memo.context import BriefContext, kept
from analysis.memo.layout import Section, Table
from analysis.memo.options import OPTIONS

if TYPE_CHECKING:
    from analysis.gap import CapabilityCost

LEVEL_WORDS = ("consistent", "differs", "not comparable", "not measurable")
SHARE = 0.90  # cost at equal capability: at least 90% of the closed frontier's score


def _text(value: object) -> str:
    """``value`` as text; None, NaN and NA (a missing cell) as the empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        import pandas as pd

        if pd.isna(value):  # type: ignore[call-overload]
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _short_reading(rec: Mapping[str, Any]) -> str:
    """How the claim is read, in a few words (the full reading is in the table's note)."""
    figure = _text(rec.get("figure"))
    low, high = rec.get("stated_low"), rec.get("stated_high")
    if figure == "share of closed":
        return f"read as ≥ {float(low):.0%}"
    if figure == "cost":
        return f"read as closed ≥ {float(low):g}× open at equal capability"
    if _text(high) and float(low) != float(high):
        unit = "months" if figure == "lag" else "ECI points"
        return f"read as {float(low):g}–{float(high):g} {unit}"
    return ""


def verdict_cell(rec: Mapping[str, Any], when: str) -> str:
    """A then/now cell: ``7.7 months (90% CI 5.4–11.9): differs, 3.7 months longer``."""
    level = _text(rec.get(f"{when}_verdict"))
    if not level:
        return "—"
    detail = _text(rec.get(f"{when}_detail"))
    measured = _text(rec.get(f"{when}_measured"))
    if level == "not comparable":
        return "not comparable: another benchmark set"
    if level == "not measurable":
        return detail.split(" (")[0]
    if level == "differs":
        size = detail.removeprefix("differs: ").split(" (measured")[0]
        return f"{measured}: differs, {size.split(' than')[0]}"
    return f"{measured}: consistent"


def _claim_label(rec: Mapping[str, Any]) -> str:
    who = _text(rec.get("publisher")) or "a common claim"
    day = _text(rec.get("published_date"))
    claim = _text(rec.get("claim"))
    if len(claim) > 60:  # a quote, shortened; the full text is in gap_claims
        claim = claim[:59].rstrip(" ,;:") + "…"
    figure = {"lag": " — lag", "points": " — ECI gap"}.get(_text(rec.get("figure")), "")
    return f"{claim}{figure} ({who}{', ' + day if day else ''})"


def headline(records: Sequence[Mapping[str, Any]]) -> str:
    """The newest dated claim on the headline measure (ECI), judged now and then, in words.

    E.g. "Epoch AI's “4 months” (2026-05-29) differs from today's data: 7.7 months (90% CI
    5.4–11.9); with the data of its day it already differed: 7.9 months (90% CI 5.2–11.0)".
    """
    dated = [
        r
        for r in records
        if _text(r.get("figure")) == "lag"
        and _text(r.get("now_verdict")) in ("consistent", "differs")
        and _text(r.get("published_date"))
    ]
    if not dated:
        return ""
    r = max(dated, key=lambda x: _text(x.get("published_date")))
    now_phrase = {
        "consistent": "is consistent with today's data",
        "differs": "differs from today's data",
    }[_text(r.get("now_verdict"))]
    text = (
        f"{_text(r.get('publisher'))}'s “{_text(r.get('stated'))}” "
        f"({_text(r.get('published_date'))}) {now_phrase}: {_text(r.get('now_measured'))}"
    )
    then = _text(r.get("then_verdict"))
    if then in ("consistent", "differs"):
        again = "already " if then == _text(r.get("now_verdict")) == "differs" else ""
        word = "differed" if then == "differs" else "was consistent"
        text += f"; with the data of its day it {again}{word}: {_text(r.get('then_measured'))}"
    elif then:
        text += "; with the data of its day it could not be checked"
    return text


def cost_table(cost: CapabilityCost) -> Table:
    """The models, scores and prices the cost check rests on (every figure traces to rows)."""
    unit = cost.unit

    def row(role: str, m: Any) -> list[str]:
        if m is None:
            return [role, "none priced", "—", "—", "—"]
        score = f"{m.score:.1f}{unit}" if unit == "%" else f"{m.score:.1f} {unit}"
        price = "no price in force" if m.usd_per_mtok is None else f"${m.usd_per_mtok:.3g}"
        return [role, m.model, score, price, _text(m.price_basis) or "—"]

    level = f"{cost.share:.0%} of the frontier ({cost.level:.1f}{unit})"
    rows = [
        row("Closed frontier", cost.closed_frontier),
        row(f"Cheapest closed at ≥ {level}", cost.cheapest_closed),
        row(f"Cheapest open at ≥ {level}", cost.open_model),
    ]
    if cost.unpriced_open:
        unpriced = ", ".join(cost.unpriced_open[:3])
        rows.append(["Open at the level, not priced", unpriced, "—", "—", "—"])
    return Table(
        ["Cost at equal capability", "Model", cost.benchmark, "USD / 1M tokens (3:1)", "Price"],
        rows,
        widths=(30, 22, 12, 14, 22),
        note=(
            f"Prices in force on {cost.as_of}: the developer's own (first-party) price where it "
            "sells one, else the median of hosts (warehouse model_prices_at, from api_prices)."
        ),
    )


def claims_section(
    benchmarks: Sequence[str],
    as_of: date,
    *,
    source: str = OPTIONS["gap_source"],
    cheaper_factor: float = OPTIONS["cheaper_factor"],
) -> Section:
    """The claim check: each published claim, how it is read, the data then and now, verdicts.

    Args:
        benchmarks: the single benchmarks the performance and cost claims are measured on
            (the lag and points claims are measured on ECI, their own metric).
        as_of: the date of "now" (models released by then, prices in force then).
        source: which scores count on those benchmarks: ``independent``, ``vendor``, ``all``.
        cheaper_factor: "dramatically lower cost" read as the cheapest closed model at
            equal capability costing at least this many times the cheapest open one.

    Returns:
        A section with one table row per claim figure, and the models and prices behind
        the cost check.

    Raises:
        GapError: the benchmarks have no scores to measure with.
        WarehouseError: the warehouse cannot be read.
    """
    from analysis import gap
    from analysis.errors import GapError

    df = gap.claims_table(
        list(benchmarks), as_of, source=source, cheaper_factor=cheaper_factor, share=SHARE
    )
    records = df.to_dict("records")
    rows = []
    for rec in records:
        reading = _short_reading(rec)
        rows.append(
            [
                _claim_label(rec),
                _text(rec.get("stated")) + (f"; {reading}" if reading else ""),
                verdict_cell(rec, "then"),
                verdict_cell(rec, "now"),
            ]
        )
    counts = {w: sum(_text(r.get("now_verdict")) == w for r in records) for w in LEVEL_WORDS}
    day = as_of.isoformat()
    lead = headline(records)
    tally = ", ".join(f"{n} {w}" for w, n in counts.items() if n)
    finding = (f"{lead}. " if lead else "") + (
        f"Of {len(rows)} claim figures checked against the data of {day}: {tally}."
    )
    eci_rows = [r for r in records if _text(r.get("now_measure")).startswith("ECI (")]
    method = (
        f"ECI figures: {eci_rows[0]['now_measure'].split(',')[0]} now, the snapshot of the "
        "claim's day then; lag and ECI gap averaged over the days of the claim's window "
        "(the other lag variant, over new open-weight records, in the notes below); "
        if eci_rows
        else ""
    )
    tables = [
        Table(
            ["Claim", "Stated", "Then: data of its day", f"Now: data of {day}"],
            rows,
            widths=(34, 18, 24, 24),
            note=(
                f"{method}90% bootstrap intervals (1,000 resamples, seed {gap.DEFAULT_SEED}; "
                "models resampled within each side, ECI's per-model intervals redrawn). A "
                "point figure is read as rounded (“4 months”: 3.5–4.5); “90–95%” as at least "
                f"90%; “dramatically lower cost” as the cheapest closed model at ≥ {SHARE:.0%} of "
                f"the closed frontier's score costing at least {cheaper_factor:g}× the cheapest "
                f"open one (declared readings). Performance and cost on {', '.join(benchmarks)} "
                f"({source} scores), a single benchmark."
            ),
        )
    ]
    notes = []
    for rec in records:
        other = _text(rec.get("other_method"))
        if other:
            notes.append(f"{_claim_label(rec)}, now {other}.")
    try:
        cost = gap.capability_cost(benchmarks[0], as_of, share=SHARE, source=source)
        tables.append(cost_table(cost))
    except GapError as exc:
        notes.append(f"Cost at equal capability on {benchmarks[0]}: not measurable ({exc}).")
    return Section(
        key="claims",
        title="Published claims, then and now",
        finding=finding,
        tables=tables,
        notes=notes,
        numbers={
            "claims": float(len(rows)),
            **{k.replace(" ", "_"): float(v) for k, v in counts.items()},
        },
    )


@kept
def claim_check(ctx: BriefContext) -> Section:
    """Published claims about open vs closed models, judged then and now.

    Args:
        ctx: the brief's context (options ``benchmarks``, ``gap_source``, ``cheaper_factor``).

    Returns:
        See :func:`claims_section`.
    """
    o = ctx.options
    return claims_section(
        o["benchmarks"],
        ctx.as_of,
        source=o["gap_source"],
        cheaper_factor=float(o["cheaper_factor"]),
    )
