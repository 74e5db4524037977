"""The horizon's trends on the real warehouse: fitted where the data allow, with their rows,
and "data too thin: not fitted" where they do not."""

from __future__ import annotations

import math
from datetime import date

import pytest

from analysis.horizon import THIN
from analysis.horizon.store import (
    capability_trends,
    eci_rows,
    eci_snapshot,
    eci_trends,
    list_price_trend,
    measured_trends,
    rent_trends,
)

AS_OF = date(2026, 12, 1)


def check_fit(fit) -> None:  # type: ignore[no-untyped-def]
    """A fitted trend: a finite factor inside its interval, n points, its rows in the window."""
    assert fit.fitted and fit.factor is not None and fit.low is not None and fit.high is not None
    assert math.isfinite(fit.factor) and fit.low <= fit.factor <= fit.high
    assert fit.n == len(fit.points) >= 4
    assert fit.start == fit.points[0].date and fit.end == fit.points[-1].date
    assert all(p.value > 0 and p.label for p in fit.points)
    assert "90% CI" in fit.describe() and f"n = {fit.n}" in fit.describe()


def test_benchmark_thresholds_on_the_real_warehouse() -> None:
    fits = capability_trends("GPQA-Diamond", (40, 50, 60, 70), AS_OF)
    fitted = [f for f in fits if f.fitted]
    assert len(fitted) >= 2, [f.describe() for f in fits]
    for fit in fitted:
        check_fit(fit)
        assert fit.name.startswith("GPQA-Diamond >= ")
        # Each point is the cheapest offer of a model reaching the threshold: a price change.
        values = [p.value for p in fit.points]
        assert all(a != b for a, b in zip(values, values[1:], strict=False))
    for fit in fits:
        assert fit.fitted or fit.reason.startswith(THIN)


def test_eci_levels_on_the_real_warehouse_use_one_snapshot() -> None:
    snapshot = eci_snapshot(AS_OF)
    rows = eci_rows(AS_OF)
    assert set(rows["snapshot"]) == {snapshot}
    fits = eci_trends((110, 120, 135, 140), AS_OF)
    fitted = [f for f in fits if f.fitted]
    assert len(fitted) >= 2, [f.describe() for f in fits]
    for fit in fitted:
        check_fit(fit)
        assert f"(snapshot {snapshot.date().isoformat()})" in fit.name
    with pytest.raises(Exception, match="not in eci_scores"):
        eci_snapshot(AS_OF, "2020-01-01")


def test_thin_series_say_so_rather_than_fit() -> None:
    # A GPU type seen on one date only, and a list price that never changed.
    rents = {f.name: f for f in rent_trends(AS_OF)}
    assert rents, "gpu_cloud_prices has offers"
    for fit in rents.values():
        assert fit.fitted or fit.reason.startswith(THIN)
    one_day = [f for f in rents.values() if len({p.date for p in f.points}) == 1]
    assert one_day and all(not f.fitted for f in one_day)
    flat = list_price_trend("gpt-4o", "openai", AS_OF)
    assert not flat.fitted and flat.reason.startswith(THIN)


def test_measured_trends_of_a_scenario() -> None:
    ts = measured_trends(
        AS_OF,
        api_model="gpt-4o",
        api_provider="openai",
        api_model_id="gpt-4o-2024-11-20",
        gpu_id="nvidia-h100-sxm",
        benchmark="GPQA-Diamond",
    )
    assert ts.equal_capability is not None and ts.equal_capability.name.startswith("GPQA")
    assert ts.list_price is not None and ts.rent is not None
    assert len(ts.thresholds) == 4
    rows = eci_rows(AS_OF)
    closed = rows[~rows["open_weights"].astype(bool)].sort_values("score").iloc[-1]
    on_eci = measured_trends(AS_OF, api_model_id=str(closed["model_id"]))
    assert len(on_eci.thresholds) == 4 and on_eci.equal_capability is not None
    assert on_eci.equal_capability.name == f"ECI >= {closed['score']:g} " + (
        f"(snapshot {eci_snapshot(AS_OF).date().isoformat()}) (the API model's level)"
    )


def test_gpu_rent_trend_per_gpu_type_from_the_price_index() -> None:
    rents = {f.name.split(" ")[0]: f for f in rent_trends(AS_OF)}
    for gpu in ("nvidia-h100-sxm", "nvidia-h200-sxm", "nvidia-b200"):
        fit = rents[gpu]
        check_fit(fit)
        assert "index)" in fit.name and fit.n >= 12  # one point a month, 2025-08 on
        assert all("normalised list price" in p.label for p in fit.points)
    # A GPU type the index does not cover falls back to its offers, and says it is thin.
    assert not rents["nvidia-t4"].fitted and rents["nvidia-t4"].reason.startswith(THIN)
