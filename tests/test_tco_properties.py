"""Properties of the cost model over many generated scenarios (hypothesis)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.tco import (
    ApiOption,
    SelfHostedOption,
    TcoCase,
    Workload,
    api_cost,
    api_monthly_usd,
    break_even,
    evaluate,
    replicas_needed,
    self_hosted_cost,
    self_hosted_monthly_usd,
)
from analysis.uncertainty import SAMPLEABLE, LogNormal, Triangular, Uniform, monte_carlo

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


workloads = st.builds(
    Workload,
    requests_per_month=st.integers(1, 50_000_000),
    input_tokens=st.integers(1, 20_000),
    output_tokens=st.integers(1, 4_000),
    cached_share=floats(0, 1),
    peak_to_average=floats(1, 5),
)
apis = st.builds(
    ApiOption,
    input_usd_per_mtok=floats(0.01, 30),
    output_usd_per_mtok=floats(0.01, 100),
    cached_input_usd_per_mtok=st.one_of(st.none(), floats(0.001, 30)),
)
rented = st.builds(
    SelfHostedOption,
    gpus_per_replica=st.integers(1, 8),
    throughput_tok_s=floats(1, 20_000),
    utilisation=floats(0.05, 1),
    gpu_hour_usd=floats(0.05, 10),
    staff_fte=floats(0, 3),
    staff_annual_usd=floats(0, 300_000),
)
bought = st.builds(
    SelfHostedOption,
    ownership=st.just("buy"),
    gpus_per_replica=st.integers(1, 8),
    throughput_tok_s=floats(1, 20_000),
    utilisation=floats(0.05, 1),
    capex_usd_per_gpu=floats(1_000, 60_000),
    amortisation_years=floats(1, 6),
    power_w=floats(50, 1_500),
    pue=floats(1, 2),
    usd_per_kwh=floats(0.01, 0.5),
    hosting_usd_per_gpu_month=floats(0, 500),
    staff_fte=floats(0, 3),
    staff_annual_usd=floats(0, 300_000),
)
cases = st.builds(TcoCase, workloads, apis, st.one_of(rented, bought))


def costs_at(case: TcoCase, requests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both bills at many volumes at once, by the model's own formulas on arrays."""
    w, p, point = case.workload, case.api, evaluate(case).self_hosted
    cached = (
        p.input_usd_per_mtok if p.cached_input_usd_per_mtok is None else p.cached_input_usd_per_mtok
    )
    api = api_monthly_usd(
        requests,
        w.input_tokens,
        w.output_tokens,
        w.cached_share,
        p.input_usd_per_mtok,
        cached,
        p.output_usd_per_mtok,
    )
    sizing, sh = point.sizing, case.self_hosted
    replicas = replicas_needed(
        requests,
        w.output_tokens,
        w.peak_to_average,
        w.hours_per_month,
        sizing.throughput.tok_s,
        sh.utilisation,
    )
    hosted = self_hosted_monthly_usd(
        replicas * sizing.gpus_per_replica,
        w.hours_per_month,
        sizing.gpu_hour.usd,
        sh.staff_fte,
        sh.staff_annual_usd,
    )
    return api, hosted


@SETTINGS
@given(cases, st.integers(1, 10**9), st.integers(2, 50))
def test_api_cost_is_linear_in_volume(case, requests, factor):
    one = api_cost(replace(case.workload, requests_per_month=requests), case.api).monthly_usd
    many = api_cost(
        replace(case.workload, requests_per_month=requests * factor), case.api
    ).monthly_usd
    unit = api_cost(replace(case.workload, requests_per_month=1), case.api).monthly_usd
    assert many == pytest.approx(factor * one, rel=1e-12)
    assert one == pytest.approx(requests * unit, rel=1e-12)


@SETTINGS
@given(cases, st.lists(st.integers(1, 10**9), min_size=2, max_size=12))
def test_self_hosted_cost_is_a_non_decreasing_step_function(case, volumes):
    volumes = sorted(volumes)
    results = [
        self_hosted_cost(replace(case.workload, requests_per_month=r), case.self_hosted)
        for r in volumes
    ]
    monthly = [r.monthly_usd for r in results]
    assert monthly == sorted(monthly)
    staff = results[0].staff_usd
    per_replica = results[0].infrastructure_usd / results[0].replicas
    for r in results:
        # Every value is staff + a whole number of replicas, each costing the same.
        assert r.replicas >= 1 and r.gpus == r.replicas * r.sizing.gpus_per_replica
        assert r.monthly_usd == pytest.approx(staff + r.replicas * per_replica, rel=1e-12)


@SETTINGS
@given(cases)
def test_break_even_agrees_with_the_costs_on_both_sides(case):
    be = break_even(case.workload, case.api, case.self_hosted)
    r = be.requests_per_month
    if r is None:
        # No volume up to 2M (checked exhaustively) is cheaper to self-host.
        api, hosted = costs_at(case, np.arange(1, 2_000_001, dtype=float))
        assert (hosted > api).all()
        return
    at = evaluate(case.with_value("workload.requests_per_month", r))
    assert at.self_hosted.monthly_usd <= at.api.monthly_usd
    if r > 1:
        below = evaluate(case.with_value("workload.requests_per_month", r - 1))
        assert below.self_hosted.monthly_usd > below.api.monthly_usd
    # No smaller volume works either (exhaustive up to 2M requests).
    lower = np.arange(1, min(r, 2_000_001), dtype=float)
    if lower.size:
        api, hosted = costs_at(case, lower)
        assert (hosted > api).all()
    assert be.next_replica_at_requests_per_month > r


@SETTINGS
@given(cases, st.sets(st.sampled_from(sorted(SAMPLEABLE)), max_size=6), st.integers(0, 2**32))
def test_monte_carlo_with_zero_width_distributions_gives_the_point_estimate(case, paths, seed):
    point = evaluate(case)
    dists = {}
    for i, path in enumerate(sorted(paths)):
        value = case.value(path)
        if value is None:
            continue
        if case.self_hosted.ownership == "rent" and path.startswith(
            (
                "self_hosted.capex",
                "self_hosted.amort",
                "self_hosted.power",
                "self_hosted.pue",
                "self_hosted.usd_per_kwh",
                "self_hosted.hosting",
            )
        ):
            continue
        if case.self_hosted.ownership == "buy" and path == "self_hosted.gpu_hour_usd":
            continue
        if case.self_hosted.staff_fte == 0 and path == "self_hosted.staff_annual_usd":
            continue
        kind = i % 3
        if kind == 0:
            dists[path] = Triangular(value, value, value)
        elif kind == 1 and value > 0:
            dists[path] = LogNormal(value, 0.0)
        else:
            dists[path] = Uniform(value, value)
    mc = monte_carlo(case, dists, draws=10_000, seed=seed)
    assert mc.api.p10 == mc.api.p50 == mc.api.p90 == point.api.monthly_usd
    assert (
        mc.self_hosted.p10
        == mc.self_hosted.p50
        == mc.self_hosted.p90
        == (point.self_hosted.monthly_usd)
    )
    assert mc.p_self_hosted_cheaper == (1.0 if point.difference_usd < 0 else 0.0)


@SETTINGS
@given(cases)
def test_no_result_holds_nan_or_infinity(case):
    text = json.dumps(evaluate(case).to_dict(), allow_nan=False)
    assert "Infinity" not in text and "NaN" not in text
