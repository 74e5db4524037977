"""Measured price trends: Student's t against published tables, the decline fit on
constructed series with a known factor, thin data, and the points taken from tables."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pandas as pd
import pytest

from analysis.errors import ScenarioError
from analysis.horizon.trends import (
    THIN,
    TrendPoint,
    annual_factor_from_percent,
    capability_decline,
    cheapest_points,
    fit_decline,
    index_points,
    list_price_points,
    offers_from_release,
    rent_points,
    t_cdf,
    t_quantile,
)

START = date(2023, 1, 1)


def series(factor: float, n: int, years: float, sigma: float, seed: int) -> list[TrendPoint]:
    """n prices over ``years``, falling ``factor``× a year, with lognormal noise of ``sigma``."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        t = years * i / (n - 1)
        price = 10.0 * factor ** (-t) * math.exp(rng.gauss(0.0, sigma))
        out.append(TrendPoint(START + timedelta(days=round(t * 365.25)), price, f"p{i}"))
    return out


@pytest.mark.parametrize(
    ("p", "df", "table"),
    [(0.95, 1, 6.314), (0.95, 5, 2.015), (0.975, 10, 2.228), (0.95, 30, 1.697), (0.995, 3, 5.841)],
)
def test_student_t_quantiles_match_the_published_table(p: float, df: int, table: float) -> None:
    assert round(t_quantile(p, df), 3) == table
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-10)
    assert t_quantile(1 - p, df) == pytest.approx(-t_quantile(p, df))


def test_an_exact_exponential_is_recovered_exactly() -> None:
    fit = fit_decline(series(10.0, 8, 3.0, 0.0, 0), "exact")
    assert fit.fitted and fit.n == 8
    assert fit.factor == pytest.approx(10.0, rel=1e-3)  # dates are rounded to whole days
    assert fit.low == pytest.approx(10.0, rel=1e-2) and fit.high == pytest.approx(10.0, rel=1e-2)
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.percent_per_year == pytest.approx(-90.0, abs=0.1)


@pytest.mark.parametrize(("factor", "seed"), [(9.0, 1), (40.0, 2), (1.3, 4)])
def test_a_known_factor_lies_within_the_fitted_interval(factor: float, seed: int) -> None:
    # One fixed series per factor; a 90% interval misses one series in ten, which the
    # coverage test below checks over many.
    fit = fit_decline(series(factor, 20, 3.0, 0.4, seed), f"known {factor}")
    assert fit.fitted and fit.low is not None and fit.high is not None
    assert fit.low <= factor <= fit.high
    assert fit.low <= fit.factor <= fit.high
    assert "falls" in fit.describe() and "90% CI" in fit.describe()


def test_the_interval_covers_the_true_factor_about_as_often_as_it_says() -> None:
    """Over 300 independent series the 90% interval must cover the true factor in about
    90% of them (binomial sd 1.7 points: 84–96% is a loose but failing-capable band)."""
    covered = 0
    for seed in range(300):
        fit = fit_decline(series(6.0, 10, 2.0, 0.5, 1000 + seed), "coverage")
        assert fit.low is not None and fit.high is not None
        covered += fit.low <= 6.0 <= fit.high
    assert 0.84 <= covered / 300 <= 0.96


def test_thin_data_says_so_rather_than_fit() -> None:
    few = fit_decline(series(5.0, 3, 2.0, 0.1, 0), "three points")
    assert not few.fitted and few.factor is None and few.low is None
    assert few.reason.startswith(THIN) and "3 point(s)" in few.reason
    assert len(few.points) == 3 and few.describe() == f"three points: {few.reason}"
    short = fit_decline(series(5.0, 10, 0.2, 0.1, 0), "ten weeks")
    assert not short.fitted and "span" in short.reason
    assert fit_decline([], "none").n == 0


def test_bad_prices_are_refused_with_the_series_named() -> None:
    with pytest.raises(ScenarioError, match="trend.bad"):
        fit_decline([TrendPoint(START, 0.0)], "bad")
    with pytest.raises(ScenarioError, match="trend.bad"):
        fit_decline([TrendPoint(START, float("nan"))], "bad")
    with pytest.raises(ScenarioError, match="confidence"):
        fit_decline([], "x", confidence=1.5)


def test_percent_a_year_and_factor() -> None:
    assert annual_factor_from_percent(20) == pytest.approx(1.25)
    assert annual_factor_from_percent(-25) == pytest.approx(0.8)
    with pytest.raises(ScenarioError):
        annual_factor_from_percent(100)


# --------------------------------------------------------------------------- points from tables

MODELS = pd.DataFrame(
    {
        "model_id": ["a", "b", "c", "d"],
        "model": ["A", "B", "C", "D"],
        "open_weights": [False, True, False, True],
        "score": [60.0, 62.0, 70.0, 40.0],
        "release_date": ["2023-03-01", "2023-09-01", "2024-03-01", "2024-06-01"],
    }
)


def prices(*rows: tuple[str, str, str, float, float, str, str]) -> pd.DataFrame:
    cols = ["provider", "api_model", "model_id", "input_usd_per_mtok", "output_usd_per_mtok"]
    cols += ["effective_from", "date_basis"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])


def test_offers_first_seen_in_a_feed_are_dated_from_their_release() -> None:
    ph = prices(
        ("x", "a-api", "a", 8.0, 8.0, "2024-06-01", "first_recorded"),
        ("x", "a-api", "a", 4.0, 4.0, "2024-09-01", "explicit"),
        ("y", "b-api", "b", 2.0, 2.0, "2023-10-01", "explicit"),
    )
    moved = offers_from_release(ph, MODELS).set_index(["api_model", "effective_from"])
    assert (moved.loc[("a-api", pd.Timestamp("2023-03-01")), "date_basis"]) == (
        "release date (first recorded later)"
    )
    assert ("a-api", pd.Timestamp("2024-09-01")) in moved.index  # a later change keeps its date
    assert ("b-api", pd.Timestamp("2023-10-01")) in moved.index  # an explicit date is kept


def test_capability_decline_fits_the_cheapest_price_at_a_threshold() -> None:
    # Models reaching 55: a (released 2023-03, $8), b (2023-09, $2), c (2024-03, $0.5);
    # d scores 40 and is ignored despite its $0.1.
    ph = prices(
        ("x", "a-api", "a", 8.0, 8.0, "2024-06-01", "first_recorded"),
        ("y", "b-api", "b", 2.0, 2.0, "2024-06-01", "first_recorded"),
        ("x", "c-api", "c", 0.5, 0.5, "2024-06-01", "first_recorded"),
        ("z", "d-api", "d", 0.1, 0.1, "2024-06-01", "first_recorded"),
        ("x", "c-api", "c", 0.125, 0.125, "2024-09-01", "explicit"),
    )
    fit = capability_decline(MODELS, ph, MODELS, 55, "score >= 55", as_of="2024-12-01")
    assert [(p.date.isoformat(), p.value) for p in fit.points] == [
        ("2023-03-01", 8.0),
        ("2023-09-01", 2.0),
        ("2024-03-01", 0.5),
        ("2024-09-01", 0.125),
    ]
    # 8 → 0.125 over 1.5 years: 64× in 1.5 years is 16× a year, exactly on the line here.
    assert fit.fitted and fit.factor == pytest.approx(16.0, rel=0.02)
    assert "release" in fit.reason
    none = capability_decline(MODELS, ph, MODELS, 99, "score >= 99")
    assert not none.fitted and "no model reaches it" in none.reason


def test_cheapest_points_drop_ties_and_the_closing_row() -> None:
    s = pd.DataFrame(
        {
            "group": ["All"] * 4 + ["Closed"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-02-01", "2024-03-01", "2024-06-01"] * 1 + ["2024-01-01"]
            ),
            "usd_per_mtok": [3.0, 3.0, 1.0, 1.0, 3.0],
            "model": ["A", "B", "C", "C", "A"],
            "provider": ["x", "y", "x", "x", "x"],
            "api_model": ["a", "b", "c", "c", "a"],
        }
    )
    pts = cheapest_points(s)
    assert [(p.date.isoformat(), p.value) for p in pts] == [
        ("2024-01-01", 3.0),
        ("2024-03-01", 1.0),
    ]
    assert len(cheapest_points(s, "Closed")) == 1


def test_list_price_and_rent_points() -> None:
    ph = prices(
        ("x", "m", "a", 2.0, 8.0, "2024-01-01", "explicit"),
        ("x", "m", "a", 1.0, 4.0, "2024-07-01", "explicit"),
        ("x", "m", "a", 1.0, 4.0, None, "unknown_start"),
    )
    pts = list_price_points(ph)
    assert [p.value for p in pts] == [(3 * 2 + 8) / 4, (3 * 1 + 4) / 4]
    offers = pd.DataFrame(
        {
            "gpu_id": ["h100", "h100", "h100", "a100", "h100"],
            "usd_per_gpu_hour": [2.0, 3.0, 4.0, 1.0, 2.5],
            "as_of": ["2025-01-01"] * 4 + ["2025-06-01"],
            "provider": ["p", "q", "r", "p", "p"],
            "instance_type": ["i"] * 5,
            "source": ["s1", "s2", "s3", "s4", "s5"],
        }
    )
    rent = rent_points(offers, "h100")
    assert [(p.date.isoformat(), p.value) for p in rent] == [
        ("2025-01-01", 3.0),
        ("2025-06-01", 2.5),
    ]
    assert rent[0].label.startswith("median of 3 offers")


def test_index_points_take_published_months_of_one_gpu() -> None:
    index = pd.DataFrame(
        {
            "index_code": ["GIX-H100"] * 3 + ["GIX-A100"],
            "month": ["2025-08", "2025-09", "2025-10", "2025-08"],
            "gpu_id": ["h100", "h100", "h100", None],
            "usd_per_gpu_hour": [2.4, 2.3, 9.9, 1.8],
            "provider_count": [6, 5, 1, 5],
            "status": ["published", "published", "withheld", "published"],
            "as_of": ["2025-08-31", "2025-09-30", "2025-10-31", "2025-08-31"],
            "source": ["s"] * 4,
        }
    )
    pts = index_points(index, "h100")
    assert [(p.date.isoformat(), p.value) for p in pts] == [
        ("2025-08-31", 2.4),
        ("2025-09-30", 2.3),
    ]
    assert pts[0].label == "GIX-H100 2025-08 (normalised list price, median of 6 providers)"


def test_a_rising_price_reads_as_a_rise_with_its_interval_the_same_way() -> None:
    rising = fit_decline(series(1 / 1.3, 14, 1.1, 0.02, 5), "rent")
    assert rising.fitted and rising.factor is not None and rising.factor < 1
    assert rising.describe().startswith("rent: rises 1.3")
    low, high = (float(x.rstrip("×")) for x in rising.interval_text().split("–"))
    assert 1 < low <= 1 / rising.factor <= high
