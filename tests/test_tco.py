"""The cost model: the two worked examples to the cent, sizing, break-even,
sensitivity, Monte Carlo, quality adjustment and bad input."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from analysis import sizing, tco
from analysis.errors import ModelDoesNotFitError, ScenarioError
from analysis.sizing import GpuSpec, ModelSpec, SelfHostedOption, memory_fit, size_replica
from analysis.tco import (
    ApiOption,
    TcoCase,
    Workload,
    api_cost,
    break_even,
    evaluate,
    quality_adjusted,
    self_hosted_cost,
)
from analysis.uncertainty import (
    LogNormal,
    Triangular,
    Uniform,
    distribution_from_dict,
    monte_carlo,
    tornado,
)

WORKLOAD = Workload(requests_per_month=1_000_000, input_tokens=1_500, output_tokens=500)
API = ApiOption(
    provider="openai", model="gpt-4o", input_usd_per_mtok=2.50, output_usd_per_mtok=10.00
)
RENTED = SelfHostedOption(
    gpus_per_replica=2,
    throughput_tok_s=1_000,
    utilisation=0.7,
    gpu_hour_usd=2.00,
    staff_fte=0.25,
    staff_annual_usd=180_000,
)
BOUGHT = replace(
    RENTED,
    ownership="buy",
    gpu_hour_usd=None,
    capex_usd_per_gpu=30_000,
    amortisation_years=3,
    power_w=700,
    pue=1.3,
    usd_per_kwh=0.12,
    hosting_usd_per_gpu_month=150,
)
EXAMPLE_1 = TcoCase(WORKLOAD, API, RENTED)
EXAMPLE_2 = TcoCase(WORKLOAD, API, BOUGHT)

# Llama-3.3-70B-shaped figures (80 layers, 8 KV heads of 128) on an 80 GB, 3.35 TB/s GPU.
LLAMA_70B = ModelSpec(params_total_b=70, layers=80, kv_heads=8, head_dim=128)
GPU_80GB = GpuSpec(memory_gb=80, mem_bandwidth_tbps=3.35, tdp_w=700)


def cents(value: float) -> float:
    return round(value, 2)


def at_volume(case: TcoCase, requests: int) -> TcoCase:
    return case.with_value("workload.requests_per_month", requests)


# --------------------------------------------------------------------------- worked examples


def test_example_1_rent_reproduces_to_the_cent():
    result = evaluate(EXAMPLE_1)
    assert cents(result.api.monthly_usd) == 8_750.00
    hosted = result.self_hosted
    assert (hosted.replicas, hosted.gpus) == (1, 2)
    assert cents(hosted.infrastructure_usd) == 2_920.00
    assert cents(hosted.staff_usd) == 3_750.00
    assert cents(hosted.monthly_usd) == 6_670.00
    assert round(hosted.per_mtok_usd, 6) == 3.335
    assert round(result.api.per_mtok_usd, 6) == 4.375
    assert round(hosted.per_request_usd, 8) == 0.00667
    assert round(result.api.per_request_usd, 8) == 0.00875
    assert result.break_even.requests_per_month == 762_286
    assert result.cheaper == "self_hosted"
    assert cents(result.difference_usd) == -2_080.00


def test_example_1_break_even_agrees_with_the_costs_on_both_sides():
    at = evaluate(at_volume(EXAMPLE_1, 762_286))
    below = evaluate(at_volume(EXAMPLE_1, 762_285))
    assert at.self_hosted.monthly_usd <= at.api.monthly_usd
    assert below.self_hosted.monthly_usd > below.api.monthly_usd
    assert cents(at.api.monthly_usd) == 6_670.00  # 762,286 · $0.00875 = $6,670.0025


def test_example_1_next_replica_volume_is_where_the_replica_count_steps():
    result = evaluate(EXAMPLE_1)
    # One replica serves T·u·730·3600/(O·P) = 1000·0.7·2,628,000/(500·2) = 1,839,600 requests.
    assert result.self_hosted.requests_per_replica_month == pytest.approx(1_839_600)
    assert result.self_hosted.next_replica_at_requests_per_month == 1_839_601
    assert result.break_even.next_replica_at_requests_per_month == 1_839_601
    assert evaluate(at_volume(EXAMPLE_1, 1_839_600)).self_hosted.replicas == 1
    two = evaluate(at_volume(EXAMPLE_1, 1_839_601)).self_hosted
    assert (two.replicas, two.gpus, cents(two.monthly_usd)) == (2, 4, 9_590.00)


def test_example_2_buy_reproduces_to_the_cent():
    result = evaluate(EXAMPLE_2)
    hosted = result.self_hosted
    assert round(hosted.sizing.gpu_hour.usd, 6) == 1.456232
    assert cents(hosted.infrastructure_usd) == 2_126.10
    assert cents(hosted.monthly_usd) == 5_876.10
    parts = hosted.sizing.gpu_hour
    # capex 30,000/(3·8760), power 0.7 kW·1.3·$0.12, hosting $150/730
    assert parts.capex_usd == pytest.approx(30_000 / 26_280)
    assert parts.power_usd == pytest.approx(0.1092)
    assert parts.hosting_usd == pytest.approx(150 / 730)


def test_cached_input_is_billed_at_the_cached_price():
    workload = replace(WORKLOAD, cached_share=0.4)
    api = replace(API, cached_input_usd_per_mtok=1.25)
    result = api_cost(workload, api)
    # 1e6·(1500·0.6·2.5 + 1500·0.4·1.25 + 500·10)/1e6 = 2250 + 750 + 5000
    assert cents(result.monthly_usd) == 8_000.00
    assert (cents(result.input_usd), cents(result.cached_input_usd)) == (2_250.00, 750.00)
    # Without a cached price, cached tokens cost the input price.
    assert cents(api_cost(workload, API).monthly_usd) == 8_750.00


def test_result_is_json_safe():
    text = json.dumps(evaluate(EXAMPLE_2).to_dict(), allow_nan=False)
    data = json.loads(text)
    assert data["self_hosted"]["sizing"]["throughput"]["basis"] == "given"
    assert data["break_even"]["requests_per_month"] > 0


# --------------------------------------------------------------------------- sizing


def test_memory_fit_follows_the_formula():
    option = SelfHostedOption(
        model_spec=LLAMA_70B,
        gpu_spec=GPU_80GB,
        quantisation="fp8",
        context_tokens=8192,
        concurrent_sequences=16,
    )
    fit = memory_fit(option)
    kv_bytes = 2 * 80 * 8 * 128 * 2 * 8192 * 16  # = 42,949,672,960
    assert fit.weights_gb == pytest.approx(70.0)
    assert fit.kv_cache_gb == pytest.approx(kv_bytes / 1e9)
    assert fit.required_gb == pytest.approx((70e9 + kv_bytes) * 1.1 / 1e9)
    assert fit.gpus_needed == 2  # 124.2 GB over 80 GB GPUs
    assert memory_fit(option, "bf16").gpus_needed == 3  # (140 + 42.9)·1.1 = 201.2 GB


def test_decode_estimate_when_no_throughput_is_given():
    # The roofline this replaces counted only the weights: 16 × 2 × 3.35e12/70e9 = 1,531 tok/s.
    # The decode model also reads the KV cache of the 16 sequences at a measured fraction
    # of the bandwidth (new hand computation):
    # bytes per step = 70e9 + 16 × 8,192 × (80 × 2 × 8 × 128 × 2 = 327,680) = 112,949,672,960;
    # T = 16 × 2 × 3.35e12 × f / bytes with f = 0.57, √(0.57·0.83), 0.83 = 541 / 653 / 788.
    option = SelfHostedOption(
        model_spec=LLAMA_70B,
        gpu_spec=GPU_80GB,
        quantisation="fp8",
        context_tokens=8192,
        concurrent_sequences=16,
        gpu_hour_usd=2.0,
        staff_fte=0,
    )
    sizing = size_replica(option)
    assert (sizing.gpus_per_replica, sizing.gpus_basis) == (2, "memory fit")
    throughput = sizing.throughput
    assert throughput.basis == "decode estimate" and throughput.estimated
    read = 70e9 + 16 * 8192 * 327_680
    assert read == 112_949_672_960
    f = math.sqrt(0.57 * 0.83)
    assert throughput.tok_s == pytest.approx(16 * 2 * 3.35e12 * f / read, rel=1e-12)
    assert throughput.range.low == pytest.approx(16 * 2 * 3.35e12 * 0.57 / read, rel=1e-12)
    assert throughput.range.high == pytest.approx(16 * 2 * 3.35e12 * 0.83 / read, rel=1e-12)
    assert round(throughput.tok_s) == 653  # 2.3× below the roofline's 1,531
    assert throughput.limit == "bandwidth"  # the planned batch fits and meets the target
    assert throughput.per_sequence_tok_s == pytest.approx(throughput.tok_s / 16, rel=1e-12)
    assert "42.9 GB of KV cache" in throughput.detail


def test_decode_estimate_of_a_mixture_of_experts_reads_the_experts_the_batch_routes_to():
    # Mixtral 8x7B: 47B total, 12B active, 8 experts, top-2 (mistralai model card).
    # One expert over all layers p = (47 − 12)/(8 − 2) = 5.8333B; shared part 47 − 8p =
    # 0.3333B. Batch 4 routes to 8·(1 − (6/8)^4) = 5.46875 experts per layer: the step reads
    # (0.3333 + 5.46875 × 5.8333)B = 32.2344B params × 2 bytes = 64.469 GB of weights
    # (the roofline counted the 12B active only) + 4 × 4,096 × 131,072 bytes of KV cache.
    moe = ModelSpec(
        params_total_b=47,
        params_active_b=12,
        layers=32,
        kv_heads=8,
        head_dim=128,
        experts=8,
        experts_per_token=2,
    )
    option = SelfHostedOption(
        model_spec=moe,
        gpu_spec=GPU_80GB,
        gpus_per_replica=2,  # 94 GB of bf16 weights
        context_tokens=4096,
        concurrent_sequences=4,
        gpu_hour_usd=1.0,
    )
    plan = size_replica(option).throughput.plan
    assert plan is not None
    weights = (47 - 8 * 35 / 6 + 5.46875 * 35 / 6) * 1e9 * 2
    assert weights == pytest.approx(64.46875e9, rel=1e-12)
    assert plan.step.weight_bytes == pytest.approx(weights, rel=1e-12)
    assert plan.step.kv_bytes == 4 * 4096 * 131_072
    assert plan.step.experts_read == pytest.approx(5.46875)


def test_batch_and_replica_size_chosen_for_the_latency_target():
    # No planned batch and no GPU count: each replica size is planned at the TPOT target
    # and the one serving the peak on the fewest GPUs is kept.
    option = SelfHostedOption(
        model_spec=LLAMA_70B,
        gpu_spec=GpuSpec(memory_gb=80, mem_bandwidth_tbps=3.35, fp8_dense_tflops=1979),
        quantisation="fp8",
        context_tokens=8192,
        target_tpot_ms=30,
        gpu_hour_usd=2.0,
        staff_fte=0,
    )
    workload = Workload(requests_per_month=3_000_000, input_tokens=1_000, output_tokens=500)
    sizing = size_replica(option, traffic=workload.traffic)
    plan = sizing.throughput.plan
    assert plan is not None and sizing.gpus_basis == "fewest GPUs for the peak"
    assert plan.tpot_ms.point <= 30
    assert sizing.throughput.limit in ("memory", "latency")
    peak = 3_000_000 * 500 * 2 / (730 * 3600)
    gpus = sizing.gpus_per_replica * math.ceil(peak / (sizing.throughput.tok_s * 0.7))
    for g in (1, 2, 4, 8):  # no other size serves the peak on fewer GPUs
        try:
            other = size_replica(replace(option, gpus_per_replica=g), traffic=workload.traffic)
        except ScenarioError:
            continue
        assert g * math.ceil(peak / (other.throughput.tok_s * 0.7)) >= gpus
    # The result's TTFT at the planned peak is the decode model's (prefill counted).
    result = evaluate(
        TcoCase(workload, ApiOption(input_usd_per_mtok=1, output_usd_per_mtok=4), option)
    )
    assert result.self_hosted.ttft_p95_ms is not None
    assert result.self_hosted.ttft_p95_ms.point < 2000


def test_power_cost_in_the_bill_is_energy_times_price():
    option = SelfHostedOption(
        model_spec=LLAMA_70B,
        gpu_spec=GPU_80GB,
        quantisation="fp8",
        context_tokens=8192,
        concurrent_sequences=16,
        ownership="buy",
        capex_usd_per_gpu=30_000,
        amortisation_years=4,
        power_w=700,
        power_basis="estimate: TDP",
        pue=1.3,
        usd_per_kwh=0.12,
        hosting_usd_per_gpu_month=100,
        staff_fte=0,
        grid_gco2e_per_kwh=350,
    )
    workload = Workload(requests_per_month=2_000_000, input_tokens=1_000, output_tokens=500)
    hosted = evaluate(
        TcoCase(workload, ApiOption(input_usd_per_mtok=1, output_usd_per_mtok=4), option)
    ).self_hosted
    energy = hosted.energy
    assert energy is not None
    power_in_bill = hosted.sizing.gpu_hour.power_usd * hosted.gpus * 730
    assert power_in_bill == pytest.approx(energy.kwh_per_month * 0.12, rel=1e-12)
    assert energy.usd_per_month == pytest.approx(power_in_bill, rel=1e-12)
    # By hand: GPUs × 0.7 kW × 1.3 × 730 h; per 1M output tokens over 1e9 tokens a month.
    assert energy.kwh_per_month == pytest.approx(hosted.gpus * 0.7 * 1.3 * 730, rel=1e-12)
    assert energy.kwh_per_mtok == pytest.approx(energy.kwh_per_month / 1000, rel=1e-12)
    assert energy.gco2e_per_mtok == pytest.approx(energy.kwh_per_mtok * 350, rel=1e-12)
    assert energy.power_basis == "estimate: TDP"


def test_energy_of_rented_gpus_rests_on_the_tdp():
    hosted = evaluate(EXAMPLE_1).self_hosted
    assert hosted.energy is None  # no GPU figures: no power known
    option = replace(RENTED, gpu_spec=GPU_80GB, gpu="nvidia-h100-sxm")
    hosted = self_hosted_cost(EXAMPLE_1.workload, option)
    assert hosted.energy is not None
    assert hosted.energy.power_w == 700 and hosted.energy.power_basis.startswith("estimate")
    assert hosted.energy.pue == 1.0 and hosted.energy.usd_per_month is None


def test_throughput_from_a_probe_run_says_so():
    option = replace(RENTED, probe_run="20250101T120000Z-3fa2c1")
    assert size_replica(option).throughput.basis == "probe run 20250101T120000Z-3fa2c1"
    stated = replace(option, throughput_basis="probe run 7: 1,000 tok/s at concurrency 8")
    assert size_replica(stated).throughput.basis.startswith("probe run 7:")


def test_model_that_fits_only_at_a_smaller_precision_names_quantisation():
    option = replace(
        RENTED, model_spec=LLAMA_70B, gpu_spec=GPU_80GB, context_tokens=4096, gpus_per_replica=1
    )
    with pytest.raises(ScenarioError) as info:
        size_replica(option)  # bf16: 140 GB of weights on one 80 GB GPU
    assert not isinstance(info.value, ModelDoesNotFitError)
    assert info.value.parameter == "self_hosted.quantisation"
    assert "int4" in str(info.value) and "'bf16'" in str(info.value)


def test_model_that_does_not_fit_even_at_int4_is_an_error_naming_the_gpu():
    huge = ModelSpec(params_total_b=405, layers=126, kv_heads=8, head_dim=128)
    small_gpu = GpuSpec(memory_gb=24, mem_bandwidth_tbps=1.0)
    option = SelfHostedOption(
        model="llama-405b",
        gpu="rtx-24gb",
        model_spec=huge,
        gpu_spec=small_gpu,
        context_tokens=8192,
        gpu_hour_usd=1.0,
        staff_fte=0,
    )
    with pytest.raises(ModelDoesNotFitError) as info:
        size_replica(option)
    assert isinstance(info.value, ValueError)
    assert info.value.parameter == "self_hosted.gpu"
    assert info.value.value == "rtx-24gb"
    assert "even at int4" in str(info.value) and "192 GB" in str(info.value)  # 8 × 24 GB
    given = replace(option, gpus_per_replica=4)
    with pytest.raises(ModelDoesNotFitError) as info:
        size_replica(given)
    assert (info.value.parameter, info.value.value) == ("self_hosted.gpus_per_replica", 4)


def test_missing_kv_figures_name_the_field():
    option = SelfHostedOption(
        model_spec=ModelSpec(params_total_b=7), gpu_spec=GPU_80GB, context_tokens=4096
    )
    with pytest.raises(ScenarioError) as info:
        size_replica(option)
    assert info.value.parameter == "self_hosted.model_spec.layers"


# --------------------------------------------------------------------------- break-even


def test_break_even_none_when_a_full_replica_costs_more_than_its_api_bill():
    dear = replace(RENTED, gpu_hour_usd=40.0, throughput_tok_s=50)
    result = evaluate(TcoCase(WORKLOAD, API, dear))
    assert result.break_even.requests_per_month is None
    assert "never" in result.break_even.reason
    json.dumps(result.to_dict(), allow_nan=False)


def test_break_even_at_one_request_when_self_hosting_is_cheaper_at_any_volume():
    cheap = replace(RENTED, gpu_hour_usd=0.000001, staff_fte=0)  # $0.0015 a month
    be = break_even(WORKLOAD, API, cheap)
    assert be.requests_per_month == 1


def test_break_even_after_several_replica_steps_is_the_first_volume_that_works():
    # Staff dominate: break-even needs several replicas' worth of traffic.
    option = replace(RENTED, throughput_tok_s=500, staff_fte=2.0)
    be = break_even(WORKLOAD, API, option)
    r = be.requests_per_month
    assert r is not None and be.replicas is not None and be.replicas > 1
    costs = [self_hosted_cost(replace(WORKLOAD, requests_per_month=x), option) for x in (r - 1, r)]
    apis = [api_cost(replace(WORKLOAD, requests_per_month=x), API) for x in (r - 1, r)]
    assert costs[1].monthly_usd <= apis[1].monthly_usd
    assert costs[0].monthly_usd > apis[0].monthly_usd


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("workload.requests_per_month", 0),
        ("workload.requests_per_month", -5),
        ("workload.input_tokens", -1),
        ("workload.output_tokens", 0),
        ("workload.cached_share", 1.2),
        ("workload.peak_to_average", 0.5),
        ("workload.requests_per_month", math.nan),
        ("workload.requests_per_month", math.inf),
        ("workload.requests_per_month", True),
        ("api.input_usd_per_mtok", 0),
        ("api.output_usd_per_mtok", -10),
        ("self_hosted.gpu_hour_usd", 0),
        ("self_hosted.utilisation", 0),
        ("self_hosted.utilisation", 1.5),
        ("self_hosted.gpus_per_replica", 1.5),
        ("self_hosted.throughput_tok_s", -1),
        ("self_hosted.staff_fte", -0.5),
    ],
)
def test_bad_values_raise_an_error_naming_the_parameter_and_value(path, value):
    with pytest.raises(ScenarioError) as info:
        EXAMPLE_1.with_value(path, value)
    assert isinstance(info.value, ValueError)
    assert info.value.parameter == path
    assert f"{path} = {value!r}" in str(info.value)


def test_unset_price_is_an_error_naming_it():
    case = TcoCase(WORKLOAD, ApiOption(provider="openai", model="gpt-4o"), RENTED)
    with pytest.raises(ScenarioError) as info:
        evaluate(case)
    assert info.value.parameter == "api.input_usd_per_mtok"
    assert "warehouse lookup" in str(info.value)


def test_bought_option_without_its_figures_names_the_first_missing_one():
    case = EXAMPLE_2.with_value("self_hosted.pue", None)
    with pytest.raises(ScenarioError) as info:
        evaluate(case)
    assert info.value.parameter == "self_hosted.pue"


def test_unknown_parameter_path_is_an_error():
    with pytest.raises(ScenarioError) as info:
        EXAMPLE_1.with_value("workload.requests", 5)
    assert info.value.parameter == "workload.requests"


def test_inputs_beyond_the_ceiling_are_refused_so_costs_stay_finite():
    with pytest.raises(ScenarioError) as info:
        EXAMPLE_1.with_value("workload.requests_per_month", 1e300)
    assert "<= 1e+12" in str(info.value)
    huge = EXAMPLE_1.with_value("workload.requests_per_month", 1e12).with_value(
        "api.output_usd_per_mtok", 1e12
    )
    result = evaluate(huge.with_value("self_hosted.throughput_tok_s", 1e12))
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert "Infinity" not in text


# --------------------------------------------------------------------------- sensitivity


def test_tornado_rows_are_sorted_by_swing_with_the_example_values():
    result = tornado(EXAMPLE_1, pct=20)
    swings = [row.swing for row in result.rows]
    assert swings == sorted(swings, reverse=True)
    top = result.rows[0]
    assert top.parameter == "workload.requests_per_month"
    # API ±20% = ±$1,750 while self-hosted stays at one replica: difference swings $3,500.
    assert (top.low_value, top.high_value) == (800_000, 1_200_000)
    assert (cents(top.low_result), cents(top.high_result)) == (-330.00, -3_830.00)
    assert cents(top.swing) == 3_500.00
    assert cents(result.base_result) == -2_080.00
    by_name = {row.parameter: row for row in result.rows}
    # Whole numbers are moved outwards; shares stay in range.
    assert (
        by_name["self_hosted.gpus_per_replica"].low_value,
        by_name["self_hosted.gpus_per_replica"].high_value,
    ) == (1, 3)
    assert "workload.hours_per_month" not in by_name  # a convention, not an assumption
    assert "self_hosted.capex_usd_per_gpu" not in by_name  # renting: buy figures unused


def test_tornado_keeps_values_in_range():
    case = EXAMPLE_1.with_value("self_hosted.utilisation", 0.9)
    row = next(r for r in tornado(case).rows if r.parameter == "self_hosted.utilisation")
    assert row.high_value == 1.0
    assert row.low_value == pytest.approx(0.72)


def test_tornado_for_one_option_and_bad_settings():
    api_only = tornado(EXAMPLE_1, pct=10, metric="api")
    row = next(r for r in api_only.rows if r.parameter == "self_hosted.gpu_hour_usd")
    assert row.swing == 0.0
    with pytest.raises(ScenarioError):
        tornado(EXAMPLE_1, pct=0)
    with pytest.raises(ScenarioError):
        tornado(EXAMPLE_1, metric="profit")


# --------------------------------------------------------------------------- Monte Carlo


def test_monte_carlo_with_zero_width_distributions_is_the_point_estimate():
    point = evaluate(EXAMPLE_2)
    dists = {
        "workload.requests_per_month": Triangular(1_000_000, 1_000_000, 1_000_000),
        "api.output_usd_per_mtok": LogNormal(10.0, 0.0),
        "self_hosted.power_w": Uniform(700, 700),
        "self_hosted.usd_per_kwh": LogNormal.from_p10_p90(0.12, 0.12),
    }
    mc = monte_carlo(EXAMPLE_2, dists, draws=10_000, seed=3)
    for p in (mc.api.p10, mc.api.p50, mc.api.p90):
        assert p == point.api.monthly_usd
    for p in (mc.self_hosted.p10, mc.self_hosted.p50, mc.self_hosted.p90):
        assert p == point.self_hosted.monthly_usd
    assert mc.p_self_hosted_cheaper == 1.0


def test_monte_carlo_spread_and_probability():
    dists = {
        "workload.requests_per_month": Triangular(300_000, 1_000_000, 3_000_000),
        "self_hosted.gpu_hour_usd": LogNormal.from_p10_p90(1.5, 3.0),
    }
    mc = monte_carlo(EXAMPLE_1, dists, draws=20_000, seed=1)
    assert mc.api.p10 < mc.api.p50 < mc.api.p90
    assert mc.self_hosted.p10 <= mc.self_hosted.p50 <= mc.self_hosted.p90
    assert 0.0 < mc.p_self_hosted_cheaper < 1.0
    # The triangular's mean is (0.3 + 1 + 3)/3 = 1.4333 M requests; API $8.75 per 1,000.
    assert mc.api.mean == pytest.approx(8.75e-3 * 1_433_333, rel=0.02)
    again = monte_carlo(EXAMPLE_1, dists, draws=20_000, seed=1)
    assert again == mc
    json.dumps(mc.to_dict(), allow_nan=False)


def test_lognormal_from_p10_p90_hits_its_percentiles():
    dist = LogNormal.from_p10_p90(1.5, 3.0)
    import numpy as np

    draws = dist.sample(np.random.default_rng(0), 200_000)
    assert np.percentile(draws, 10) == pytest.approx(1.5, rel=0.01)
    assert np.percentile(draws, 90) == pytest.approx(3.0, rel=0.01)


@pytest.mark.parametrize(
    ("dists", "draws", "parameter"),
    [
        ({"self_hosted.utilisation": LogNormal(0.7, 0.2)}, 10_000, "self_hosted.utilisation"),
        ({"self_hosted.utilisation": Uniform(0.5, 1.2)}, 10_000, "self_hosted.utilisation"),
        ({"self_hosted.gpus_per_replica": Uniform(1, 3)}, 10_000, "self_hosted.gpus_per_replica"),
        ({"self_hosted.power_w": Uniform(500, 900)}, 10_000, "self_hosted.power_w"),
        ({"workload.requests_per_month": Triangular(5, 1, 10)}, 10_000, "requests_per_month"),
        ({}, 999, "monte_carlo.draws"),
    ],
)
def test_monte_carlo_rejects_bad_distributions(dists, draws, parameter):
    with pytest.raises(ScenarioError) as info:
        monte_carlo(EXAMPLE_1, dists, draws=draws)
    assert parameter in info.value.parameter


def test_a_distribution_must_draw_only_valid_values():
    # Utilisation lies in (0, 1]; a lognormal draws up to median·e^(8σ) = 0.7·e^1.6 ≈ 3.47.
    with pytest.raises(
        ScenarioError, match=r"can draw 0\.\.3\.4\d* but the parameter must be in \(0, 1\]"
    ):
        monte_carlo(EXAMPLE_1, {"self_hosted.utilisation": LogNormal(0.7, 0.2)})


def test_distribution_from_dict_is_strict():
    assert distribution_from_dict({"kind": "uniform", "low": 1, "high": 2}, "x") == Uniform(1, 2)
    assert distribution_from_dict({"kind": "lognormal", "p10": 1, "p90": 4}, "x").median == 2.0
    with pytest.raises(ScenarioError) as info:
        distribution_from_dict({"kind": "uniform", "low": 1, "hi": 2}, "x")
    assert "hi" in str(info.value)
    with pytest.raises(ScenarioError):
        distribution_from_dict({"kind": "normal", "mean": 1}, "x")


# --------------------------------------------------------------------------- quality


def test_quality_adjusted_ratio_and_cost_per_point():
    result = evaluate(EXAMPLE_1)
    q = quality_adjusted(result, {"MMLU": 86.0, "GPQA": 50.0}, {"MMLU": 88.0, "GPQA": 60.0})
    assert q.open_quality == 68.0 and q.closed_quality == 74.0
    assert q.ratio == pytest.approx(68 / 74)
    assert q.self_hosted_usd_per_point == pytest.approx(6_670 / 68)
    assert q.api_usd_per_point == pytest.approx(8_750 / 74)
    assert [b.benchmark for b in q.benchmarks] == ["GPQA", "MMLU"]
    with pytest.raises(ScenarioError) as info:
        quality_adjusted(result, {"MMLU": 86.0}, {"GPQA": 60.0})
    assert "GPQA" in str(info.value) and "MMLU" in str(info.value)
    with pytest.raises(ScenarioError):
        quality_adjusted(result, {"MMLU": 0.0}, {"MMLU": 88.0})


def test_the_public_names_of_the_split_modules_stay_importable_from_tco() -> None:
    """``analysis.tco`` re-exports the sizing and parameter names it was split from."""
    for name in tco.__all__:
        assert hasattr(tco, name), name
    for name in ("SelfHostedOption", "ModelSpec", "GpuSpec", "memory_fit", "size_replica"):
        assert getattr(tco, name) is getattr(sizing, name)
