"""Published claims about the open-vs-closed gap, checked against the measured figures.

Each claim is read as its author meant it (:mod:`analysis.gap.verdicts`), measured
on the claim's own terms and given a verdict with the interval it follows from:

Performance ("open models deliver 90–95% of closed performance")
    Read as *at least 90%*: the share open / closed on each benchmark of the
    check (a single benchmark on a percent scale, labelled as such), as of the
    date, with its bootstrap interval. Undated: judged now only.
Cost ("… at dramatically lower cost")
    Read as *the closed model costs at least* ``cheaper_factor`` *times the open
    one at equal capability*: the cheapest closed model reaching ``share`` of the
    closed frontier's score against the cheapest open one
    (:mod:`analysis.gap.equal_capability`), prices in force on the date. Prices
    are exact: the measured factor alone decides. Undated: judged now only.
Lag and points (``gap_claims`` rows)
    Measured on the claim's metric only: claims on the Epoch Capabilities Index
    on ECI (one snapshot, over the claim's window: :func:`analysis.gap.eci.eci_window_gap`);
    claims on other metrics or benchmark sets are *not comparable*, and say why.
    Each dated claim is judged twice: *then*, with the data of its publication
    date (the ECI snapshot published by then, models dated by then), and *now*,
    with the data of the check's date. The lag is read by ``lag_method`` (days in
    the window by default); the other window variant is reported beside it.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from analysis.errors import DateError, GapError
from analysis.gap.eci import EciIndex, EciWindowGap, eci_index, eci_window_gap
from analysis.gap.equal_capability import DEFAULT_SHARE, CapabilityCost, cost_at_capability
from analysis.gap.frames import finite, iso, pandas_copy, timestamp
from analysis.gap.frontiers import DEFAULT_LEVELS, GapResult, measure_gap
from analysis.gap.intervals import Bootstrap, Estimate, default_window
from analysis.gap.verdicts import (
    Reading,
    Verdict,
    floor,
    judge,
    measured_text,
    not_comparable,
    not_measurable,
    point,
    span,
)

if TYPE_CHECKING:
    import pandas as pd

    from analysis.gap.frames import DateLike, Table


PERFORMANCE_CLAIM = "Open models deliver 90–95% of closed performance"
PERFORMANCE_CLAIM_RANGE = (0.90, 0.95)  # the claim's own figures, as a ratio open / closed
PERFORMANCE_READING = (
    "“90–95%” read as at least 90% of the closed frontier's score, as its authors meant "
    "it: consistent when the measured share reaches 90% or its interval does"
)
COST_CLAIM = "Open models deliver it at dramatically lower cost"
DEFAULT_CHEAPER_FACTOR = 3.0
"""Declared reading of "dramatically lower cost": the cheapest closed model at equal
capability costs at least this many times the cheapest open one (blended 3:1). A
judgement, not data; pass another value to ``claim_check``."""

ECI_METRIC_WORDS = ("eci", "capabilities index")
"""Words that mark a claim's metric as the Epoch Capabilities Index."""

COLUMNS = [
    "claim_id",
    "claim",
    "publisher",
    "published_date",
    "url",
    "figure",
    "measure",
    "stated",
    "stated_low",
    "stated_high",
    "at_least",
    "reading",
    "then_as_of",
    "then_measure",
    "then_value",
    "then_ci_low",
    "then_ci_high",
    "then_measured",
    "then_verdict",
    "then_detail",
    "now_as_of",
    "now_measure",
    "now_value",
    "now_ci_low",
    "now_ci_high",
    "now_measured",
    "now_verdict",
    "now_detail",
    "other_method",
    "rests_on",
    "as_of",
]
"""The claim table's columns (see :func:`claim_check`)."""

NUMERIC = (
    "stated_low",
    "stated_high",
    "then_value",
    "then_ci_low",
    "then_ci_high",
    "now_value",
    "now_ci_low",
    "now_ci_high",
)


@dataclass(frozen=True)
class Judgement:
    """One claim figure judged on one date.

    Attributes:
        as_of: the date the data describes.
        measure: what was measured (``ECI (snapshot 2026-08-11), days 2026-01-01 to …``).
        estimate: the measured figure with its interval (None: not measured).
        verdict: the verdict.
        reading: how the claim was read (formats the figure as the claim states it).
    """

    as_of: date | None
    measure: str
    estimate: Estimate | None
    verdict: Verdict
    reading: Reading | None = None


def is_eci_metric(metric: object) -> bool:
    """True when a claim's ``metric`` text names the Epoch Capabilities Index."""
    text = str(metric or "").lower()
    return any(w in text for w in ECI_METRIC_WORDS)


def window_bounds(start: object, end: object) -> tuple[date, date] | None:
    """A claim's window from ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` ends (None: not given).

    The start is the first day of the period it names, the end the last
    (``2025-10`` ends on 2025-10-31; ``2024`` on 2024-12-31).

    Raises:
        DateError: an end is not such a date.
    """

    def read(text: object, last: bool) -> date | None:
        value = "" if text is None or (isinstance(text, float) and math.isnan(text)) else text
        value = value.isoformat() if isinstance(value, date) else str(value).strip()[:10]
        if not value:
            return None
        parts = value.split("-")
        try:
            year = int(parts[0])
            month = int(parts[1]) if len(parts) > 1 else (12 if last else 1)
            day = (
                int(parts[2])
                if len(parts) > 2
                else (calendar.monthrange(year, month)[1] if last else 1)
            )
            return date(year, month, day)
        except (ValueError, IndexError):
            raise DateError("window", value, "is not YYYY, YYYY-MM or YYYY-MM-DD") from None

    a, b = read(start, False), read(end, True)
    return None if a is None or b is None else (a, b)


def _lag_reading(claim: dict[str, Any]) -> Reading | None:
    low = finite(claim.get("lag_months"))
    if low is None:
        return None
    high = finite(claim.get("lag_months_high"))
    words = ("longer", "shorter")
    if high is not None and high != low:
        return span(low, high, "months", f"{low:g}–{high:g} months", words=words)
    return point(low, "months", f"{low:g} months", words=words)


def _points_reading(claim: dict[str, Any]) -> Reading | None:
    value = finite(claim.get("gap_points"))
    if value is None:
        return None
    unit = str(claim.get("gap_points_unit") or "ECI points")
    return point(value, unit, f"about {value:g} {unit}", words=("larger", "smaller"))


def _row(**values: Any) -> dict[str, Any]:
    return {c: values.get(c) for c in COLUMNS}


def _put(row: dict[str, Any], when: str, j: Judgement | None, level: float) -> None:
    if j is None:
        return
    est = j.estimate
    row[f"{when}_as_of"] = iso(j.as_of)
    row[f"{when}_measure"] = j.measure
    if est is not None:
        row[f"{when}_value"] = est.value
        row[f"{when}_ci_low"] = est.ci_low
        row[f"{when}_ci_high"] = est.ci_high
        row[f"{when}_measured"] = (
            None
            if est.value is None
            else measured_text(j.reading, est, level)
            if j.reading is not None
            else est.text(level=level)
        )
    row[f"{when}_verdict"] = j.verdict.level
    row[f"{when}_detail"] = j.verdict.text


def _stated(row: dict[str, Any], reading: Reading) -> None:
    row["stated"] = reading.stated
    row["stated_low"] = reading.low
    row["stated_high"] = reading.high
    row["at_least"] = reading.at_least
    row["reading"] = reading.declared


def _rests_on(g: GapResult) -> str:
    v = g.vertical
    return (
        f"{g.benchmark} (single benchmark) · {g.selection.source} "
        f"({', '.join(g.selection.reported_by)}) · {g.selection.setting_rule} · best open "
        f"{v.best_open.model} {v.best_open.score:.4g} ({v.best_open.date}) vs best closed "
        f"{v.best_closed.model} {v.best_closed.score:.4g} ({v.best_closed.date}) · "
        f"{int(g.selection.rows['open_weights'].sum())} open / "
        f"{int((~g.selection.rows['open_weights']).sum())} closed models"
    )


def _cost_rests_on(c: CapabilityCost) -> str:
    parts = [
        f"{c.benchmark}, prices in force {c.as_of}, blended 3:1; level {c.share:.0%} of the "
        f"closed frontier {c.closed_frontier.text(c.unit)} = {c.level:.4g}{c.unit}",
        f"open: {c.open_model.text(c.unit) if c.open_model else 'none priced'}",
        f"cheapest closed at the level: "
        f"{c.cheapest_closed.text(c.unit) if c.cheapest_closed else 'none priced'}",
    ]
    if c.factor_vs_frontier is not None:
        parts.append(f"the frontier model costs {c.factor_vs_frontier:.1f}× the open one")
    if c.unpriced_open:
        parts.append(f"not priced: {', '.join(c.unpriced_open[:3])}")
    return " · ".join(parts)


def claim_check(
    scores: Table,
    models: Table,
    claims: Table | None,
    benchmarks: Sequence[str],
    *,
    prices: Table | None = None,
    eci: Table | EciIndex | None = None,
    as_of: DateLike | None = None,
    source: str = "independent",
    setting: str | None = None,
    cheaper_factor: float = DEFAULT_CHEAPER_FACTOR,
    share: float = DEFAULT_SHARE,
    lag_method: str = "days",
    bootstrap: Bootstrap | None = None,
    levels: int = DEFAULT_LEVELS,
    measure: Callable[[str, pd.Timestamp | None], GapResult] | None = None,
    eci_measure: Callable[[date, tuple[date, date]], EciWindowGap] | None = None,
    cost: Callable[[GapResult, pd.Timestamp | None], CapabilityCost] | None = None,
) -> pd.DataFrame:
    """Published claims about the open-vs-closed gap, each with its verdicts then and now.

    Args:
        scores: ``benchmark_scores`` table.
        models: ``models`` table.
        claims: ``gap_claims`` table (claim_id, publisher, title, published_date, metric,
            claim_verbatim, lag_months, lag_months_high, gap_points, gap_points_unit,
            window_start, window_end, url); None: only the performance and cost claims.
        benchmarks: single benchmarks (percent scales) for the performance and cost claims.
        prices: per-model prices in force on ``as_of`` (``model_prices_at``); None: the
            cost claim is not measurable.
        eci: ``eci_scores`` table (or its :class:`~analysis.gap.eci.EciIndex`); None: ECI
            claims are not measurable.
        as_of: the date of "now" (None: all data).
        source: source selection for the single benchmarks.
        setting: setting rule for them.
        cheaper_factor: the declared reading of "dramatically lower cost".
        share: the capability level for the cost claim (share of the closed frontier).
        lag_method: ``days`` or ``records``: the lag variant the verdict follows.
        bootstrap: how intervals are drawn (default :class:`Bootstrap`).
        levels: score levels for single-benchmark lags.
        measure: ``measure(benchmark, date)``: a benchmark's :class:`GapResult` with its
            ``estimate`` as of a date; default :func:`measure_gap` on the tables.
        cost: ``cost(gap, date)``: the cost at equal capability on a benchmark's selection
            as of a date; default :func:`cost_at_capability` on it and ``prices``.
        eci_measure: ``eci_measure(date, window)``: the ECI gap over the window as of the
            date, on the snapshots published by that date; default :func:`eci_window_gap` on
            ``eci`` and ``models``.

    Claims published after ``as_of`` are left out: they were not made yet on that date.

    Returns:
        One row per claim figure, columns :data:`COLUMNS`: the claim; ``figure``
        (``share of closed``, ``cost``, ``lag``, ``points``); ``measure``; ``stated``,
        ``stated_low``/``stated_high``/``at_least`` and the declared ``reading``; per
        ``then``/``now``: the date, what was measured, the value, its interval
        (``ci_low``/``ci_high``), the figure as text, the verdict level and its text;
        ``other_method`` (the lag by the other window variant); ``rests_on``; ``as_of``.
    """
    import pandas as pd

    if lag_method not in ("days", "records"):
        raise GapError(f"lag_method = {lag_method!r}: choose days or records")
    boot = bootstrap or Bootstrap()
    level = boot.level
    cut = timestamp(as_of)
    now = cut.date() if cut is not None else None
    cl = pandas_copy(claims, "claims") if claims is not None else pd.DataFrame()
    out: list[dict[str, Any]] = []
    if measure is None:

        def measure(b: str, when: pd.Timestamp | None) -> GapResult:
            return measure_gap(
                scores,
                models,
                b,
                source=source,
                setting=setting,
                as_of=when,
                levels=levels,
                bootstrap=boot,
            )

    for b in benchmarks:
        out.extend(_benchmark_rows(b, measure, cut, prices, cheaper_factor, share, level, cost))

    if eci_measure is None and eci is not None:
        index = eci if isinstance(eci, EciIndex) else eci_index(eci, models)

        def eci_measure(when: date, window: tuple[date, date]) -> EciWindowGap:
            return eci_window_gap(
                index,
                as_of=when,
                window=window,
                method=lag_method,
                bootstrap=boot,
                published_by=when,  # the data of that day
            )

    kept: dict[tuple[date, tuple[date, date]], EciWindowGap | GapError] = {}

    def eci_at(when: date, window: tuple[date, date]) -> EciWindowGap:
        key = (when, window)
        if key not in kept:
            try:
                assert eci_measure is not None
                kept[key] = eci_measure(when, window)
            except GapError as exc:
                kept[key] = exc
        found = kept[key]
        if isinstance(found, GapError):
            raise GapError(str(found))
        return found

    for claim in cl.to_dict("records") if not cl.empty else []:
        published = timestamp(claim.get("published_date"), "published_date")
        if now is not None and published is not None and published.date() > now:
            continue  # not yet published on the date of the check
        out.extend(_gap_claim_rows(claim, now, eci_at if eci_measure else None, lag_method, level))
    when_text = iso(cut)
    for r in out:
        r["as_of"] = when_text

    def column(col: str) -> Any:
        """One column, built once: numbers as Float64 (NA, never NaN), flags as boolean,
        text as Python objects (missing as None)."""
        values = [r.get(col) for r in out]
        if col in NUMERIC:
            return pd.array([finite(v) for v in values], dtype="Float64")
        if col == "at_least":
            return pd.array(values, dtype="boolean")
        return pd.Series(values, dtype=object)

    return pd.DataFrame({col: column(col) for col in COLUMNS}, columns=COLUMNS)


def _benchmark_rows(
    b: str,
    measure: Callable[[str, pd.Timestamp | None], GapResult],
    cut: pd.Timestamp | None,
    prices: Table | None,
    cheaper_factor: float,
    share: float,
    level: float,
    cost_of: Callable[[GapResult, pd.Timestamp | None], CapabilityCost] | None = None,
) -> list[dict[str, Any]]:
    """The performance and cost claims on one benchmark, judged as of ``cut``."""
    now = cut.date() if cut is not None else None
    perf = floor(PERFORMANCE_CLAIM_RANGE[0], "90–95%", PERFORMANCE_READING)
    perf_row = _row(claim_id="performance-90-95", claim=PERFORMANCE_CLAIM, figure="share of closed")
    _stated(perf_row, perf)
    cost = floor(
        float(cheaper_factor),
        "dramatically lower cost",
        f"read as: the cheapest closed model at equal capability (≥ {share:.0%} of the closed "
        f"frontier's score) costs at least {cheaper_factor:g}× the cheapest open one "
        "(a declared reading); prices are exact, so the measured factor decides",
        unit="×",
        percent=False,
    )
    cost_row = _row(claim_id="cost-dramatically-lower", claim=COST_CLAIM, figure="cost")
    _stated(cost_row, cost)
    label = f"{b} (single benchmark)"
    try:
        g = measure(b, cut)
    except GapError as exc:
        for row in (perf_row, cost_row):
            row["measure"] = label
            _put(row, "now", Judgement(now, label, None, not_measurable(str(exc))), level)
        return [perf_row, cost_row]
    label = f"{g.benchmark} (single benchmark)"
    perf_row["measure"] = cost_row["measure"] = label
    perf_row["rests_on"] = _rests_on(g)
    if g.selection.unit != "%":
        verdict = not_comparable(
            "a share of performance", f"{label}, on a {g.selection.unit} scale"
        )
        _put(perf_row, "now", Judgement(now, label, None, verdict), level)
    else:
        est = g.estimate.ratio if g.estimate is not None else Estimate(g.ratio, None, None, "")
        _put(perf_row, "now", Judgement(now, label, est, judge(perf, est, level), perf), level)
    if prices is None:
        verdict = not_measurable("no prices given")
        _put(cost_row, "now", Judgement(now, label, None, verdict), level)
        return [perf_row, cost_row]
    try:
        c = (
            cost_of(g, cut)
            if cost_of is not None
            else cost_at_capability(
                g.selection.rows,
                prices,
                benchmark=g.benchmark,
                unit=g.selection.unit,
                as_of=iso(cut) or "",
                share=share,
            )
        )
    except GapError as exc:
        _put(cost_row, "now", Judgement(now, label, None, not_measurable(str(exc))), level)
        return [perf_row, cost_row]
    cost_row["rests_on"] = _cost_rests_on(c)
    factor = c.factor_vs_cheapest_closed
    if factor is None:
        why = (
            "no open model at the level has a price in force"
            if c.open_model is None
            else "no closed model at the level has a price in force"
        )
        _put(cost_row, "now", Judgement(now, label, None, not_measurable(why)), level)
    else:
        est = Estimate(factor, None, None, "×", 0, None)
        _put(cost_row, "now", Judgement(now, label, est, judge(cost, est, level), cost), level)
        assert c.cheapest_closed is not None and c.open_model is not None
        cost_row["now_measured"] = (
            f"closed costs {factor:.1f}× open ({c.cheapest_closed.model} vs {c.open_model.model})"
        )
    return [perf_row, cost_row]


def _gap_claim_rows(
    claim: dict[str, Any],
    now: date | None,
    eci_at: Callable[[date, tuple[date, date]], EciWindowGap] | None,
    lag_method: str,
    level: float,
) -> list[dict[str, Any]]:
    """The lag and points rows of one ``gap_claims`` row, judged then and now."""
    readings = [("lag", _lag_reading(claim)), ("points", _points_reading(claim))]
    readings = [(f, r) for f, r in readings if r is not None]
    if not readings:
        return []
    published = timestamp(claim.get("published_date"), "published_date")
    then = published.date() if published is not None else None
    metric = str(claim.get("metric") or "an unstated metric")
    base = {
        "claim_id": claim.get("claim_id"),
        "claim": claim.get("claim_verbatim") or claim.get("title"),
        "publisher": claim.get("publisher"),
        "published_date": iso(published),
        "url": claim.get("url"),
    }
    window = window_bounds(claim.get("window_start"), claim.get("window_end"))
    rows = []
    for figure, reading in readings:
        assert reading is not None
        row = _row(**base, figure=figure, measure="ECI")
        _stated(row, reading)
        for when, day in (("then", then), ("now", now)):
            if day is None:
                continue
            judged, m = _judge_gap(figure, reading, metric, day, window, eci_at, lag_method, level)
            _put(row, when, judged, level)
            if m is not None and when == "now":
                row["rests_on"] = _eci_rests_on(m)
                if figure == "lag":
                    row["other_method"] = _other_method(m, reading, lag_method, level)
        rows.append(row)
    return rows


def _other_method(m: EciWindowGap, reading: Reading, lag_method: str, level: float) -> str | None:
    """The lag by the other window variant and its verdict, e.g. ``by new open records:
    5.2 months (90% CI 3.9–9.9), consistent``."""
    other = "records" if lag_method == "days" else "days"
    est = m.estimate.lag_variants.get(other)
    if est is None or est.value is None:
        return None
    words = {"days": "averaged over days", "records": "by new open records"}
    return f"{words[other]}: {est.text(level=level)}, {judge(reading, est, level).level}"


def _eci_rests_on(m: EciWindowGap) -> str:
    """What an ECI verdict rests on: the models counted, the best on each side (the first
    listed among equals), the method and what was skipped."""
    import numpy as np

    rows = m.selection.rows
    open_weights = rows["open_weights"].to_numpy(dtype=bool)
    scores = rows["score"].to_numpy(dtype=float)
    text = [
        f"{m.label}, models dated by {m.as_of}: {int(open_weights.sum())} open / "
        f"{int((~open_weights).sum())} closed",
    ]
    for side, word in ((True, "best open"), (False, "best closed")):
        on_side = np.flatnonzero(open_weights == side)
        if on_side.size:
            r = rows.iloc[on_side[np.argmax(scores[on_side])]]
            text.append(f"{word} {r['model']} {float(r['score']):.1f} ({iso(r['release_date'])})")
    text.append(m.estimate.method.description)
    text.extend(m.skipped)
    return " · ".join(text)


def _judge_gap(
    figure: str,
    reading: Reading,
    metric: str,
    day: date,
    window: tuple[date, date] | None,
    eci_at: Callable[[date, tuple[date, date]], EciWindowGap] | None,
    lag_method: str,
    level: float,
) -> tuple[Judgement, EciWindowGap | None]:
    """One ``gap_claims`` figure judged on ``day`` (and the ECI measurement, if made)."""
    if not is_eci_metric(metric):
        verdict = not_comparable(metric, "ECI (Epoch Capabilities Index, one snapshot)")
        return Judgement(day, "ECI", None, verdict), None
    if eci_at is None:
        verdict = not_measurable("no ECI data in the warehouse")
        return Judgement(day, "ECI", None, verdict), None
    if window is None:
        window = default_window(day)
    span_ = (window[0], min(window[1], day))
    if span_[0] > span_[1]:
        reason = f"the claim's window starts ({window[0]}) after {day}"
        return Judgement(day, "ECI", None, not_measurable(reason)), None
    try:
        m = eci_at(day, span_)
    except GapError as exc:
        return Judgement(day, "ECI", None, not_measurable(str(exc))), None
    est = m.estimate.lag_months if figure == "lag" else m.estimate.points
    words = {"days": "averaged over the days", "records": "over the new open records"}
    used = (m.estimate.method.window_start, m.estimate.method.window_end)
    measure = f"{m.label}, {words[lag_method]} from {used[0]} to {used[1]}"
    return Judgement(day, measure, est, judge(reading, est, level), reading), m
