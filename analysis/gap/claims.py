"""Published claims about the open-vs-closed gap, checked against the measured figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from analysis.errors import DateError, GapError
from analysis.gap.frames import (
    CLOSED_LABEL,
    OPEN_LABEL,
    finite,
    is_missing,
    iso,
    pandas_copy,
    timestamp,
)
from analysis.gap.frontiers import DEFAULT_LEVELS, GapResult, measure_gap
from analysis.gap.quality import quality_price_table

if TYPE_CHECKING:
    import pandas as pd

    from analysis.gap.frames import DateLike, Table


PERFORMANCE_CLAIM = "Open models deliver 90–95% of closed performance"
PERFORMANCE_CLAIM_RANGE = (0.90, 0.95)  # the claim's own figures, as a ratio open / closed
COST_CLAIM = "Open models deliver it at dramatically lower cost"
DEFAULT_CHEAPER_FACTOR = 3.0
"""Declared reading of "dramatically lower cost": closed blended price at least this many
times the open one. A judgement, not data; pass another value to ``claim_check``."""


def _rests_on(g: GapResult) -> str:
    v = g.vertical
    return (
        f"{g.benchmark} · {g.selection.source} ({', '.join(g.selection.reported_by)}) · "
        f"{g.selection.setting_rule} · best open {v.best_open.model} {v.best_open.score:.4g} "
        f"({v.best_open.date}) vs best closed {v.best_closed.model} {v.best_closed.score:.4g} "
        f"({v.best_closed.date}) · {int(g.selection.rows['open_weights'].sum())} open / "
        f"{int((~g.selection.rows['open_weights']).sum())} closed models"
    )


def _priced(row: pd.Series) -> str:
    basis = row.get("price_basis")
    return (
        f"{row['model']} ({float(row['score']):.4g}, "
        f"${float(row['blended_usd_per_mtok']):.4g}/Mtok"
        f"{', ' + str(basis) if not is_missing(basis) else ''})"
    )


def claim_check(
    scores: Table,
    models: Table,
    claims: Table,
    benchmarks: Sequence[str],
    *,
    prices: Table | None = None,
    as_of: DateLike | None = None,
    source: str = "independent",
    setting: str | None = None,
    cheaper_factor: float = DEFAULT_CHEAPER_FACTOR,
    levels: int = DEFAULT_LEVELS,
    measure: Callable[[str, pd.Timestamp | None], GapResult] | None = None,
) -> pd.DataFrame:
    """Published claims about the open-vs-closed gap against the measured figures.

    Rows, per benchmark: the performance claim (ratio open / closed against 0.90-0.95);
    the cost claim (closed / open blended price of the best-scoring priced model on each
    side, "supported" when at least ``cheaper_factor``); and each ``gap_claims`` row with a
    ``lag_months`` (measured lag as of ``as_of`` and as of the claim's date; the difference
    is measured minus the nearest end of the stated range, 0 inside it).

    Args:
        scores: ``benchmark_scores`` table.
        models: ``models`` table.
        claims: ``gap_claims`` table (claim_id, publisher, title, published_date,
            claim_verbatim, lag_months, lag_months_high, url).
        benchmarks: benchmark labels to measure on.
        prices: per-model prices in force on ``as_of`` (``model_prices_at``); None skips
            the cost claim.
        as_of: the measurement date (None: all data).
        source: source selection.
        setting: setting rule.
        cheaper_factor: price factor read as "dramatically lower cost".
        levels: score levels for the lag.
        measure: ``measure(benchmark, date)`` gives a benchmark's :class:`GapResult` as of
            a date (a normalised Timestamp, or None for all data); default
            :func:`measure_gap` on ``scores`` and ``models`` with this call's source,
            setting and levels. Either way each distinct (benchmark, date) is measured
            once per call: claims published on the same day, or on ``as_of``, share it.

    Returns:
        Columns claim_id, claim, publisher, published_date, url, benchmark, stated,
        measured, measured_value, measured_at_claim_date, difference, verdict, rests_on,
        as_of. Figures that cannot be measured are empty, with the reason in ``verdict``.
    """
    import pandas as pd

    cut = timestamp(as_of)
    cl = pandas_copy(claims, "claims") if claims is not None else pd.DataFrame()
    claims_rows = cl.to_dict("records")  # plain dicts: read row by row below
    out: list[dict[str, Any]] = []
    lo, hi = PERFORMANCE_CLAIM_RANGE
    if measure is None:

        def measure(b: str, when: pd.Timestamp | None) -> GapResult:
            return measure_gap(
                scores, models, b, source=source, setting=setting, as_of=when, levels=levels
            )

    measured_once: dict[tuple[str, pd.Timestamp | None], GapResult | GapError] = {}

    def gap_at(b: str, when: pd.Timestamp | None) -> GapResult:
        """The gap on ``b`` as of ``when``, measured once per call (errors too)."""
        key = (b, when)
        if key not in measured_once:
            try:
                measured_once[key] = measure(b, when)
            except GapError as exc:
                measured_once[key] = exc
        found = measured_once[key]
        if isinstance(found, GapError):
            raise GapError(str(found))
        return found

    for b in benchmarks:
        try:
            g = gap_at(b, cut)
        except GapError as exc:
            out.append(
                {"claim": PERFORMANCE_CLAIM, "benchmark": b, "verdict": f"not measured: {exc}"}
            )
            continue
        rests_on = _rests_on(g)  # the same for every row of this benchmark
        ratio = g.vertical.ratio
        if ratio is None:
            verdict = "not measured: no ratio on this scale"
        elif ratio < lo:
            verdict = "below the claimed range: open models trail by more"
        elif ratio > hi:
            verdict = "above the claimed range: open models are closer"
        else:
            verdict = "within the claimed range"
        out.append(
            {
                "claim_id": "performance-90-95",
                "claim": PERFORMANCE_CLAIM,
                "benchmark": g.benchmark,
                "stated": "90–95% (ratio 0.90–0.95)",
                "measured": None if ratio is None else f"{ratio:.1%}",
                "measured_value": ratio,
                "difference": None
                if ratio is None
                else (ratio - lo if ratio < lo else max(0.0, ratio - hi)),
                "verdict": verdict,
                "rests_on": rests_on,
            }
        )
        if prices is not None:
            # Only the columns the cost claim reads (the table merges whatever it is given).
            q = quality_price_table(
                g.selection.rows[["model_id", "model", "open_weights", "score"]], prices
            )
            sides = {}
            for label in (OPEN_LABEL, CLOSED_LABEL):
                side = q[q["group"] == label].sort_values(
                    ["score", "blended_usd_per_mtok"], ascending=[False, True]
                )
                sides[label] = None if side.empty else side.iloc[0]
            o, c = sides[OPEN_LABEL], sides[CLOSED_LABEL]
            if o is None or c is None or float(o["blended_usd_per_mtok"]) <= 0:
                out.append(
                    {
                        "claim_id": "cost-dramatically-lower",
                        "claim": COST_CLAIM,
                        "benchmark": g.benchmark,
                        "stated": f"closed costs >= {cheaper_factor:g}× open (declared reading)",
                        "verdict": "not measured: no priced model on one side",
                    }
                )
            else:
                factor = float(c["blended_usd_per_mtok"]) / float(o["blended_usd_per_mtok"])
                out.append(
                    {
                        "claim_id": "cost-dramatically-lower",
                        "claim": COST_CLAIM,
                        "benchmark": g.benchmark,
                        "stated": f"closed costs >= {cheaper_factor:g}× open (declared reading)",
                        "measured": f"closed costs {factor:.1f}× open",
                        "measured_value": factor,
                        "difference": factor - cheaper_factor,
                        "verdict": "supported" if factor >= cheaper_factor else "not supported",
                        "rests_on": (
                            f"{g.benchmark}: best priced open {_priced(o)} vs best priced "
                            f"closed {_priced(c)}; blended 3:1, prices in force "
                            f"{iso(cut) or 'latest'}"
                        ),
                    }
                )
        if cl.empty or "lag_months" not in cl.columns:
            continue
        for claim in claims_rows:
            stated_lo = finite(claim.get("lag_months"))
            if stated_lo is None:
                continue
            stated_hi = finite(claim.get("lag_months_high")) or stated_lo
            measured = g.horizontal.lag_months
            then = None
            published = claim.get("published_date")
            try:
                then = gap_at(b, timestamp(published)).lag_months
            except (GapError, DateError):
                then = None
            if measured is None:
                diff, verdict = None, f"not measured: {g.horizontal.reason}"
            else:
                diff = (
                    measured - stated_hi if measured > stated_hi else min(0.0, measured - stated_lo)
                )
                if diff == 0:
                    verdict = "within the stated lag"
                elif diff > 0:
                    verdict = f"measured lag {diff:.1f} months longer"
                else:
                    verdict = f"measured lag {-diff:.1f} months shorter"
            stated = (
                f"{stated_lo:g} months"
                if stated_hi == stated_lo
                else f"{stated_lo:g}–{stated_hi:g} months"
            )
            out.append(
                {
                    "claim_id": claim.get("claim_id"),
                    "claim": claim.get("claim_verbatim") or claim.get("title"),
                    "publisher": claim.get("publisher"),
                    "published_date": iso(timestamp(published, "published_date")),
                    "url": claim.get("url"),
                    "benchmark": g.benchmark,
                    "stated": stated,
                    "measured": None if measured is None else f"{measured:.1f} months",
                    "measured_value": measured,
                    "measured_at_claim_date": then,
                    "difference": diff,
                    "verdict": verdict,
                    "rests_on": rests_on,
                }
            )
    cols = [
        "claim_id",
        "claim",
        "publisher",
        "published_date",
        "url",
        "benchmark",
        "stated",
        "measured",
        "measured_value",
        "measured_at_claim_date",
        "difference",
        "verdict",
        "rests_on",
        "as_of",
    ]
    numeric = ("measured_value", "measured_at_claim_date", "difference")
    when = iso(cut)
    # Built once, column by column (no NaN: missing numbers are NA, missing text None).
    return pd.DataFrame(
        {
            col: pd.array([finite(r.get(col)) for r in out], dtype="Float64")
            if col in numeric
            else [None if is_missing(v) else v for v in (r.get(col) for r in out)]
            if col != "as_of"
            else [when] * len(out)
            for col in cols
        },
        columns=cols,
    )
