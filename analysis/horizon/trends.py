"""Measured price trends: how fast a price falls, fitted as an annual factor with its interval.

Pure: dated points in, a fit out; no warehouse access (:mod:`analysis.horizon.store`
reads the warehouse and calls these functions).

Three trends feed the horizon:

- the cheapest blended price (3:1) of any model reaching a capability threshold (a
  benchmark score or an ECI level), over time: the points are the dates on which
  the cheapest offer changed (:func:`analysis.gap.cheapest_over_time`), without the
  closing row that only repeats the last price;
- the list price of one model (its own price history);
- the GPU rent per GPU type: the median USD per GPU-hour of the offers (or the
  index value) on each date.

The fit (ordinary least squares on logarithms), with t in years since the first point::

    ln(price) = a + b·t,   factor = exp(−b)  [× per year: the price divides by it each year]

The interval is ``exp(−(b ± t_q·se(b)))`` with ``se(b) = sqrt(Σ e²/(n−2) / Σ (t − t̄)²)``
and t_q the Student-t quantile with n − 2 degrees of freedom at the confidence
level (90% unless given). A series with fewer than :data:`MIN_POINTS` points, or
spanning less than :data:`MIN_SPAN_DAYS` days, is not fitted: the result says
"data too thin: not fitted" and why, and carries the points it had.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from analysis.errors import ScenarioError
from analysis.records import Record

#: Fewest points a fit needs (two degrees of freedom for the interval).
MIN_POINTS = 4
#: Shortest span a fit needs [days]: less than half a year says little about a year.
MIN_SPAN_DAYS = 180
DAYS_PER_YEAR = 365.25
DEFAULT_CONFIDENCE = 0.90
THIN = "data too thin: not fitted"


@dataclass(frozen=True, slots=True)
class TrendPoint(Record):
    """One dated value a trend rests on.

    Attributes:
        date: the date [YYYY-MM-DD].
        value: the price [USD per 1M tokens, or USD per GPU-hour].
        label: what it is (model, provider, offer; or "median of 4 offers").
        source: where the row comes from.
    """

    date: date
    value: float
    label: str = ""
    source: str | None = None


@dataclass(frozen=True, slots=True)
class DeclineFit(Record):
    """An annual decline factor fitted to dated prices, or why there is none.

    Attributes:
        name: what was fitted ("GPQA-Diamond >= 60", "nvidia-h100-sxm rent").
        unit: the unit of the points' values.
        fitted: False when the data are too thin (see ``reason``).
        factor: the price divides by this each year [× per year] (None: not fitted).
        low, high: the interval of the factor at ``confidence`` (low <= factor <= high).
        confidence: the interval's level (0.90 = 90%).
        n: the points fitted.
        start, end: the window (first and last point).
        slope_per_year: b, in ln(price) per year.
        r_squared: the share of the variance of ln(price) the line explains
            (1 when all points lie on it; 0 when it explains none).
        reason: "data too thin: not fitted" and why, or how it was fitted.
        points: the rows used, in date order.
    """

    name: str
    unit: str
    fitted: bool
    factor: float | None
    low: float | None
    high: float | None
    confidence: float
    n: int
    start: date | None
    end: date | None
    slope_per_year: float | None
    r_squared: float | None
    reason: str
    points: tuple[TrendPoint, ...]

    @property
    def percent_per_year(self) -> float | None:
        """The change a year in percent (−90 for a factor of 10) [% per year]."""
        return None if self.factor is None else (1.0 / self.factor - 1.0) * 100.0

    def interval_text(self) -> str:
        """The interval in the direction of the change: ``4.1×–23×`` for a fall, and for a
        rise the rise factors (``1.20×–1.41×``), so both ends read like the factor."""
        if self.low is None or self.high is None or self.factor is None:
            return "n/a"
        if self.factor < 1:
            return f"{factor_text(1 / self.high)}–{factor_text(1 / self.low)}"
        return f"{factor_text(self.low)}–{factor_text(self.high)}"

    def describe(self) -> str:
        """The fit in words: "falls 9.8× a year (90% CI 4.1–23×), n = 12, 2024-01 to 2026-06"."""
        if not self.fitted or self.factor is None:
            return f"{self.name}: {self.reason}"
        span = f"{_iso(self.start)} to {_iso(self.end)}"
        level = int(round(self.confidence * 100))
        ci = f"{level}% CI {self.interval_text()}"
        return f"{self.name}: {direction_text(self.factor)} ({ci}), n = {self.n}, {span}"


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else "?"


def factor_text(factor: float | None) -> str:
    """``26×`` / ``5.21×`` / ``0.0043×``: whole above 10, two decimals above 1, else two
    significant figures."""
    if factor is None:
        return "n/a"
    if factor >= 10:
        return f"{factor:,.0f}×"
    if factor >= 1:
        return f"{factor:.2f}×"
    return f"{factor:.2g}×"


def direction_text(factor: float) -> str:
    """``falls 9.8× a year`` / ``rises 1.10× a year`` / ``is flat``."""
    if factor > 1:
        return f"falls {factor_text(factor)} a year ({(1 / factor - 1) * 100:+.0f}%)"
    if factor < 1:
        return f"rises {factor_text(1 / factor)} a year ({(1 / factor - 1) * 100:+.0f}%)"
    return "is flat"


# --------------------------------------------------------------------------- #
# Student's t (no SciPy): the regularised incomplete beta by continued fraction
# --------------------------------------------------------------------------- #


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta (modified Lentz; Numerical Recipes 6.4)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function, for x in [0, 1]."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * regularized_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (bisection on the CDF).

    Raises:
        ScenarioError: unless 0 < p < 1 and df > 0.
    """
    if not 0.0 < p < 1.0 or not df > 0:
        raise ScenarioError("t_quantile", (p, df), "needs 0 < p < 1 and df > 0")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


# --------------------------------------------------------------------------- #
# The fit
# --------------------------------------------------------------------------- #


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return value.to_pydatetime().date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise ScenarioError("trend.date", value, "must be a date (YYYY-MM-DD)")


def _thin(
    name: str, unit: str, points: tuple[TrendPoint, ...], why: str, confidence: float
) -> DeclineFit:
    start = points[0].date if points else None
    end = points[-1].date if points else None
    return DeclineFit(
        name,
        unit,
        False,
        None,
        None,
        None,
        confidence,
        len(points),
        start,
        end,
        None,
        None,
        f"{THIN} ({why})",
        points,
    )


def fit_decline(
    points: Iterable[TrendPoint],
    name: str,
    unit: str = "USD per 1M tokens",
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    min_points: int = MIN_POINTS,
    min_span_days: int = MIN_SPAN_DAYS,
) -> DeclineFit:
    """Fit ``ln(price) = a + b·years`` and report ``exp(−b)`` as the annual decline factor.

    Args:
        points: dated prices (> 0); their order does not matter.
        name: what is fitted, for the result and its text.
        unit: the prices' unit.
        confidence: the interval's level, in (0, 1).
        min_points: fewest points to fit (at least 3).
        min_span_days: shortest span to fit [days].

    Returns:
        The fit with its interval, or (too few points or too short a span) a result
        that says "data too thin: not fitted" and why.

    Raises:
        ScenarioError: a price that is not a finite number > 0, or a bad setting.
    """
    if not 0.0 < confidence < 1.0:
        raise ScenarioError("trend.confidence", confidence, "must be in (0, 1)")
    if min_points < 3:
        raise ScenarioError("trend.min_points", min_points, "must be at least 3")
    pts = []
    for p in points:
        value = p.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(f"trend.{name}", value, "a price must be a number")
        if not math.isfinite(value) or value <= 0:
            raise ScenarioError(f"trend.{name}", value, "a price must be a finite number > 0")
        pts.append(TrendPoint(_as_date(p.date), float(value), p.label, p.source))
    ordered = tuple(sorted(pts, key=lambda p: (p.date, p.value, p.label)))
    n = len(ordered)
    if n < min_points:
        return _thin(name, unit, ordered, f"{n} point(s); a fit needs {min_points}", confidence)
    span = (ordered[-1].date - ordered[0].date).days
    if span < min_span_days:
        return _thin(
            name,
            unit,
            ordered,
            f"the points span {span} days; a fit needs {min_span_days}",
            confidence,
        )
    t0 = ordered[0].date
    xs = [(p.date - t0).days / DAYS_PER_YEAR for p in ordered]
    ys = [math.log(p.value) for p in ordered]
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    intercept = my - slope * mx
    residuals = [y - (intercept + slope * x) for x, y in zip(xs, ys, strict=True)]
    sse = sum(e * e for e in residuals)
    syy = sum((y - my) ** 2 for y in ys)
    se = math.sqrt(sse / (n - 2) / sxx)
    q = t_quantile(0.5 + confidence / 2.0, n - 2)
    factor = math.exp(-slope)
    low, high = math.exp(-(slope + q * se)), math.exp(-(slope - q * se))
    r2 = 1.0 - sse / syy if syy > 0 else 1.0
    return DeclineFit(
        name=name,
        unit=unit,
        fitted=True,
        factor=factor,
        low=low,
        high=high,
        confidence=confidence,
        n=n,
        start=ordered[0].date,
        end=ordered[-1].date,
        slope_per_year=slope,
        r_squared=max(0.0, min(1.0, r2)),
        reason=(
            f"least squares on ln(price) over {span} days; {int(round(confidence * 100))}% "
            f"interval from Student's t with {n - 2} degrees of freedom"
        ),
        points=ordered,
    )


# --------------------------------------------------------------------------- #
# Points from tables
# --------------------------------------------------------------------------- #


def _records(table: Any) -> list[dict[str, Any]]:
    if hasattr(table, "to_dicts"):  # polars
        return list(table.to_dicts())
    if hasattr(table, "to_dict"):  # pandas
        return list(table.to_dict("records"))
    return [dict(r) for r in table]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def cheapest_points(series: Any, group: str = "All") -> tuple[TrendPoint, ...]:
    """The points of a cheapest-price series (:func:`analysis.gap.cheapest_over_time`).

    One point per change of the cheapest price in ``group``; a row that repeats the
    previous one's price (another offer at the same price, or the closing row at
    the series' end) is left out, so that ties do not count as fresh evidence.

    Args:
        series: the step series (group, date, usd_per_mtok, model, provider, api_model, …).
        group: ``All``, ``Open weights`` or ``Closed``.

    Returns:
        The points, in date order.
    """
    out: list[TrendPoint] = []
    last: tuple[Any, ...] | None = None
    for row in _records(series):
        if row.get("group", group) != group:
            continue
        key = (round(float(row["usd_per_mtok"]), 9),)
        if key == last:
            continue
        last = key
        model = row.get("model") or row.get("model_id")
        label = f"{model} ({row.get('provider')} {row.get('api_model')})"
        basis = row.get("date_basis")
        out.append(
            TrendPoint(
                _as_date(row["date"]),
                float(row["usd_per_mtok"]),
                label,
                None if _missing(basis) else f"price date: {basis}",
            )
        )
    return tuple(out)


#: How ``api_prices.date_basis`` marks a start date that is only when the feed first saw it.
RECORDED_ONLY = ("first_recorded", "snapshot", "unknown_start")


def offers_from_release(price_history: Any, models: Any) -> Any:
    """The price history with each offer's first price dated at its model's release.

    A feed that records only when it first saw a price (``date_basis`` in
    :data:`RECORDED_ONLY`) dates the offer's start too late: the model was on offer
    from its release, most likely at its launch price. For the first row of each
    (provider, api_model) with such a date, ``effective_from`` becomes the model's
    ``release_date`` when that is earlier (an assumption, stated in every fit that
    uses it); later rows keep their dates.

    Args:
        price_history: ``api_prices`` rows (provider, api_model, model_id,
            effective_from, date_basis, …), pandas or polars.
        models: ``models`` rows (model_id, release_date).

    Returns:
        A pandas DataFrame shaped like ``price_history``, with ``date_basis`` set to
        ``release date (first recorded later)`` on the rows it moved.
    """
    import pandas as pd

    ph = _frame(price_history).copy()
    rel = _frame(models).set_index("model_id")["release_date"]
    ph["effective_from"] = pd.to_datetime(ph["effective_from"], errors="coerce")
    release = pd.to_datetime(ph["model_id"].map(rel), errors="coerce")
    ph = ph.sort_values(["provider", "api_model", "effective_from"], kind="stable")
    first = ~ph.duplicated(["provider", "api_model"])
    basis = ph["date_basis"] if "date_basis" in ph.columns else pd.Series(None, index=ph.index)
    move = (
        first.to_numpy()
        & basis.isin(RECORDED_ONLY).to_numpy()
        & release.loc[ph.index].notna().to_numpy()
        & (release.loc[ph.index] < ph["effective_from"]).to_numpy()
    )
    ph.loc[move, "effective_from"] = release.loc[ph.index][move]
    ph["date_basis"] = basis.astype(object)
    ph.loc[move, "date_basis"] = "release date (first recorded later)"
    return ph.reset_index(drop=True)


def rows_by(table: Any, column: str, as_of: date | str | None) -> Any:
    """The rows of ``table`` whose date in ``column`` is on or before ``as_of`` (all when None).

    A trend measured as of a date uses what was known then.
    """
    import pandas as pd

    frame = _frame(table)
    if as_of is None:
        return frame
    when = pd.to_datetime(frame[column], errors="coerce")
    return frame[when.notna() & (when <= pd.Timestamp(str(as_of)))]


def known_by(price_history: Any, as_of: date | str | None) -> Any:
    """The price rows recorded on or before ``as_of``, before any is dated back to its
    model's release (:func:`rows_by` on ``effective_from``)."""
    return rows_by(price_history, "effective_from", as_of)


def _frame(table: Any) -> Any:
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        return table
    if hasattr(table, "to_pandas"):
        return table.to_pandas()
    return pd.DataFrame(list(table))


def capability_decline(
    rows: Any,
    price_history: Any,
    models: Any,
    threshold: float,
    name: str,
    *,
    as_of: date | str | None = None,
    group: str = "All",
    confidence: float = DEFAULT_CONFIDENCE,
    dated: Any = None,
) -> DeclineFit:
    """The decline of the cheapest price of a capability level, fitted.

    The cheapest blended (3:1) price of any model scoring at least ``threshold``
    (:func:`analysis.gap.cheapest_over_time` over :func:`offers_from_release` of the rows
    recorded by ``as_of``, :func:`known_by`),
    one point per change of that price (:func:`cheapest_points`), then
    :func:`fit_decline`.

    Args:
        rows: one row per model (model_id, model, open_weights, score), e.g. a
            benchmark selection's rows or ECI scores of one snapshot.
        price_history: ``api_prices`` rows.
        models: ``models`` rows (release dates).
        threshold: the capability level, in the rows' unit.
        name: what is fitted ("GPQA-Diamond >= 60").
        as_of: the series' end (None: the last price change).
        group: ``All``, ``Open weights`` or ``Closed``.
        confidence: the interval's level.
        dated: ``offers_from_release(price_history, models)`` when already made
            (several thresholds share it).

    Returns:
        The fit, or "data too thin: not fitted" when no model reaches the level
        or the points are too few.
    """
    from analysis.errors import GapError
    from analysis.gap import cheapest_over_time

    if dated is None:
        dated = offers_from_release(known_by(price_history, as_of), models)
    try:
        series = cheapest_over_time(rows, dated, threshold, as_of=as_of, by_group=group != "All")
    except GapError as exc:
        return _thin(name, "USD per 1M tokens", (), str(exc), confidence)
    fit = fit_decline(cheapest_points(series, group), name, confidence=confidence)
    if fit.fitted:
        fit = replace(fit, reason=fit.reason + "; " + RELEASE_NOTE)
    return fit


RELEASE_NOTE = (
    "an offer first seen later in a price feed is dated from its model's release (launch price "
    "assumed)"
)


def list_price_points(history: Any) -> tuple[TrendPoint, ...]:
    """One point per dated list price of one offer: blended (3:1) USD per 1M tokens.

    ``blended = (3·input + 1·output)/4``. Rows without ``effective_from`` are left out.

    Args:
        history: rows of ``api_prices`` for one (provider, api_model).
    """
    from analysis.prices import blended_usd_per_mtok

    out = []
    for row in _records(history):
        start = row.get("effective_from")
        if _missing(start) or _missing(row.get("input_usd_per_mtok")):
            continue
        out.append(
            TrendPoint(
                _as_date(start),
                blended_usd_per_mtok(row["input_usd_per_mtok"], row["output_usd_per_mtok"]),
                f"{row.get('provider')} {row.get('api_model')}",
                row.get("source"),
            )
        )
    return tuple(sorted(out, key=lambda p: p.date))


def rent_points(offers: Any, gpu_id: str) -> tuple[TrendPoint, ...]:
    """One point per date for a GPU type: the median USD per GPU-hour of its offers that day.

    Args:
        offers: ``gpu_cloud_prices`` rows (gpu_id, usd_per_gpu_hour, as_of, provider, source).
        gpu_id: the GPU type.
    """
    by_day: dict[date, list[dict[str, Any]]] = {}
    for row in _records(offers):
        if row.get("gpu_id") != gpu_id or _missing(row.get("usd_per_gpu_hour")):
            continue
        by_day.setdefault(_as_date(row["as_of"]), []).append(row)
    out = []
    for day in sorted(by_day):
        rows = by_day[day]
        values = sorted(float(r["usd_per_gpu_hour"]) for r in rows)
        mid = len(values) // 2
        median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
        providers = sorted({str(r.get("provider")) for r in rows})
        sources = sorted({str(r.get("source")) for r in rows if not _missing(r.get("source"))})
        label = (
            f"{rows[0].get('provider')} {rows[0].get('instance_type')}"
            if len(rows) == 1
            else f"median of {len(rows)} offers ({', '.join(providers)})"
        )
        out.append(TrendPoint(day, median, label, "; ".join(sources) or None))
    return tuple(out)


def index_points(index: Any, gpu_id: str) -> tuple[TrendPoint, ...]:
    """One point per month of a GPU price index series for a GPU type (published months only).

    Args:
        index: ``gpu_price_index`` rows (index_code, month, gpu_id, usd_per_gpu_hour,
            provider_count, status, as_of, source): normalised list prices.
        gpu_id: the GPU type.

    Returns:
        The points, dated at each month's ``as_of`` (its last day), in date order.
    """
    out = []
    for row in _records(index):
        if row.get("gpu_id") != gpu_id or row.get("status") not in (None, "published"):
            continue
        if _missing(row.get("usd_per_gpu_hour")):
            continue
        count = row.get("provider_count")
        providers = (
            f", median of {int(count)} providers"
            if count is not None and not _missing(count)
            else ""
        )
        out.append(
            TrendPoint(
                _as_date(row["as_of"]),
                float(row["usd_per_gpu_hour"]),
                f"{row.get('index_code')} {row.get('month')} (normalised list price{providers})",
                row.get("source"),
            )
        )
    return tuple(sorted(out, key=lambda p: p.date))


def annual_factor_from_percent(pct_per_year: float) -> float:
    """The decline factor of a fall of ``pct_per_year`` % a year: ``1/(1 − pct/100)``.

    Raises:
        ScenarioError: unless pct < 100.
    """
    if not isinstance(pct_per_year, (int, float)) or not pct_per_year < 100:
        raise ScenarioError("pct_per_year", pct_per_year, "must be a number below 100")
    return 1.0 / (1.0 - pct_per_year / 100.0)
