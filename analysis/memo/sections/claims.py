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
import re
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

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


ABBREVIATIONS = {"months": "mo", "ECI points": "ECI pts"}


def _figure_word(rec: Mapping[str, Any]) -> str:
    return {"lag": "lag", "points": "gap"}.get(_text(rec.get("figure")), "")


def stated_cell(rec: Mapping[str, Any]) -> str:
    """The figure as stated and as read: ``4 months (3.5–4.5)``, ``90–95% (read ≥ 90%)``."""
    figure = _text(rec.get("figure"))
    low = float(_text(rec.get("stated_low")) or 0.0)
    high = float(_text(rec.get("stated_high")) or low)
    stated = _text(rec.get("stated")).removeprefix("about ")
    if figure == "share of closed":
        return f"read: ≥ {low:.0%}"
    if figure == "cost":
        return f"read: closed ≥ {low:g}× open at equal capability"
    if low != high and "–" not in stated:
        return f"{stated} ({low:g}–{high:g})"
    return stated


def verdict_cell(rec: Mapping[str, Any], when: str) -> str:
    """One figure judged: ``lag 7.7 mo (CI 5.4–11.9): differs, 3.7 mo longer``."""
    level = _text(rec.get(f"{when}_verdict"))
    if not level:
        return "—"
    detail = _text(rec.get(f"{when}_detail"))
    if level == "not comparable":
        return "not comparable: another benchmark set"
    if level == "not measurable":
        detail = re.sub(r" \(the snapshots are [^)]*\)$", "", detail)
        return detail.replace("no ECI snapshot was published on or before", "no ECI snapshot by")
    measured = _text(rec.get(f"{when}_measured")).replace("90% CI ", "CI ")
    for long, short in ABBREVIATIONS.items():
        measured = measured.replace(f" {long}", f" {short}")
    word = _figure_word(rec)
    shown = f"{word} {measured}" if word else measured
    if level == "differs":
        size = detail.removeprefix("differs: ").split(" than")[0].split(" below")[0]
        for long, short in ABBREVIATIONS.items():
            size = size.replace(f" {long}", f" {short}")
        return f"{shown}: differs, {size}" + (" below" if " below" in detail else "")
    return f"{shown}: consistent"


def _cells(recs: Sequence[Mapping[str, Any]], when: str) -> str:
    """The figures of one claim judged on one date, joined (one text when they agree)."""
    cells = [verdict_cell(r, when) for r in recs]
    return cells[0] if len(set(cells)) == 1 else " · ".join(cells)


def _claim_label(rec: Mapping[str, Any]) -> str:
    """``Epoch AI, 2026-05: lag on ECI``, ``Common claim: open share of performance``."""
    figure = _text(rec.get("figure"))
    if figure == "share of closed":
        return "Common claim: “90–95% of closed performance”"
    if figure == "cost":
        return "Common claim: “at dramatically lower cost”"
    who = _text(rec.get("publisher")).split(" (")[0]
    day = _text(rec.get("published_date"))[:7]
    from analysis.gap import is_eci_metric

    measure = _text(rec.get("metric"))
    if is_eci_metric(measure) or not measure:
        measure = "ECI" if is_eci_metric(measure) or "ECI" in _text(rec.get("now_measure")) else ""
    elif len(measure) > 34:
        measure = measure[:33].rstrip(" ,;:(") + "…"
    return f"{who}, {day}" + (f": {measure}" if measure else "")


def cost_cell(cost: CapabilityCost, level: str) -> str:
    """The cost check with the models, scores and prices it rests on, e.g. ``12.3×:
    consistent (open X 86.1% $0.28, closed Y 87.6% $3.44, own APIs; level 85.1%)``."""
    unit = cost.unit

    def model(m: Any) -> str:
        score = f"{m.score:.1f}{unit}" if unit == "%" else f"{m.score:.1f} {unit}"
        basis = _text(m.price_basis)
        where = "own API" if basis.startswith("first-party") else basis
        return f"{m.model} {score} ${m.usd_per_mtok:.3g} ({where})"

    parts = []
    if cost.open_model is not None:
        parts.append(f"open {model(cost.open_model)}")
    if cost.cheapest_closed is not None:
        parts.append(f"closed {model(cost.cheapest_closed)}")
    unpriced = cost.unpriced_open[:2]
    if unpriced and (cost.open_model is None or unpriced[0] != cost.open_model.model):
        parts.append(f"{', '.join(unpriced)} unpriced")
    factor = cost.factor_vs_cheapest_closed
    if factor is None:
        return f"not measurable: no priced open model ≥ {cost.level:.1f}{unit} ({'; '.join(parts)})"
    return f"{factor:.1f}×: {level} ({'; '.join(parts)}; level {cost.level:.1f}{unit})"


def _split_other(rec: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """The other lag method's (words, measured, verdict), e.g. ``("by new open records",
    "5.2 months (90% CI 3.9–9.9)", "consistent")``; None when there is none."""
    text = _text(rec.get("other_method"))
    if ": " not in text or ", " not in text:
        return None
    words, rest = text.split(": ", 1)
    measured, verdict = rest.rsplit(", ", 1)
    return words, measured, verdict


def headline_record(records: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The newest dated lag claim judged on today's data; None when there is none."""
    dated = [
        r
        for r in records
        if _text(r.get("figure")) == "lag"
        and _text(r.get("now_verdict")) in ("consistent", "differs")
        and _text(r.get("published_date"))
    ]
    return max(dated, key=lambda x: _text(x.get("published_date"))) if dated else None


def headline(r: Mapping[str, Any]) -> str:
    """A lag claim (:func:`headline_record`) judged now and then, in words.

    E.g. "Epoch AI's “4 months” (2026-05-29) differs from today's data: 7.7 months (90% CI
    5.4–11.9); with the data of its day it already differed: 7.9 months (90% CI 5.2–11.0)".
    When the other lag method (new open records instead of days) reaches another verdict
    today, the headline says that the verdict depends on the method and gives both.
    """
    now = _text(r.get("now_verdict"))
    then = _text(r.get("then_verdict"))
    claim = (
        f"{_text(r.get('publisher'))}'s “{_text(r.get('stated'))}” "
        f"({_text(r.get('published_date'))})"
    )
    then_measured = _text(r.get("then_measured"))
    other = _split_other(r)
    if other is not None and other[2] != now:
        # The two lag methods disagree: a one-method verdict would overstate the finding.
        words, measured, verdict = other
        text = (
            f"{claim}: the verdict depends on the lag method. Averaged over days it "
            f"{'differs from' if now == 'differs' else 'is consistent with'} today's data, "
            f"{_text(r.get('now_measured'))}"
        )
        if then == now:
            text += f", as it did with the data of its day, {then_measured}"
        elif then in ("consistent", "differs"):
            text += f", and with the data of its day it was {then}, {then_measured}"
        return text + f"; {words} it is {verdict}, {measured}"
    text = {"consistent": f"{claim} is consistent with", "differs": f"{claim} differs from"}[now]
    text += f" today's data: {_text(r.get('now_measured'))}"
    if then in ("consistent", "differs"):
        again = "already " if then == now == "differs" else ""
        word = "differed" if then == "differs" else "was consistent"
        text += f"; with the data of its day it {again}{word}: {then_measured}"
    elif then:
        text += "; with the data of its day it could not be checked"
    return text


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
            (the lag and points claims are measured on ECI, their own metric); empty: only
            the published lag and points claims.
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
    cost: CapabilityCost | None = None
    if benchmarks:
        try:
            cost = gap.capability_cost(benchmarks[0], as_of, share=SHARE, source=source)
        except GapError:
            cost = None
    rows: list[list[str]] = []
    by_claim: dict[str, list[Mapping[str, Any]]] = {}
    for rec in records:
        by_claim.setdefault(f"{_text(rec.get('claim_id'))}|{_text(rec.get('measure'))}", []).append(
            rec
        )
    other: list[Mapping[str, Any]] = []  # claims on other benchmark sets: one row
    for recs in by_claim.values():
        first = recs[0]
        if all(_text(r.get("now_verdict")) == "not comparable" for r in recs):
            other.extend(recs)
            continue
        now = _cells(recs, "now")
        if _text(first.get("figure")) == "cost" and cost is not None:
            now = cost_cell(cost, verdict_cell(first, "now").split(": ")[-1])
        rows.append(
            [
                _claim_label(first),
                "; ".join(stated_cell(r) for r in recs),
                _cells(recs, "then"),
                now,
            ]
        )
    if other:
        rows.append(
            [
                "; ".join(_claim_label(r) for r in other),
                "; ".join(stated_cell(r) for r in other),
                "not comparable",
                "not comparable: other benchmark sets than ECI",
            ]
        )
    counts = {w: sum(_text(r.get("now_verdict")) == w for r in records) for w in LEVEL_WORDS}
    day = as_of.isoformat()
    head = headline_record(records)
    lead = headline(head) if head is not None else ""
    tally = ", ".join(f"{n} {w}" for w, n in counts.items() if n)
    finding = (f"{lead}. " if lead else "") + f"All {len(records)} claim figures now: {tally}."
    eci_rows = [r for r in records if _text(r.get("now_measure")).startswith("ECI (")]
    snapshot = eci_rows[0]["now_measure"].split("snapshot ")[1][:10] if eci_rows else ""
    tables = [
        Table(
            ["Claim", "Stated (read as)", "Then: data of its day", f"Now: data of {day}"],
            rows,
            widths=(27, 17, 28, 28),
            note=(
                (f"ECI snapshot of the claim's day (then), of {snapshot} (now), days of the "
                 "claim's window. " if snapshot else "")
                + f"90% bootstrap CIs (1,000 resamples, seed {gap.DEFAULT_SEED}). Read: a figure "
                "as rounded"
                + (f"; “90–95%” as ≥ 90%; lower cost as closed ≥ {cheaper_factor:g}× open at "
                   f"≥ {SHARE:.0%} of the closed frontier on {', '.join(benchmarks)} ({source})."
                   if benchmarks else ".")
            ),
        )
    ]  # fmt: skip
    # Where the other lag method disagrees (the headline's claim says so in the finding).
    notes = [
        f"{_text(r.get('publisher'))}'s {_text(r.get('stated'))} lag {o[0]} instead: {o[1]}, "
        f"{o[2]}."
        for r in records
        if (o := _split_other(r)) is not None
        and o[2] != _text(r.get("now_verdict"))
        and r is not head
    ]
    return Section(
        key="claims",
        title="Published claims, then and now",
        finding=finding,
        tables=tables,
        notes=notes,
        numbers={
            "claims": float(len(records)),
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
