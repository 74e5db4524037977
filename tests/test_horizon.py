"""The horizon model: worked examples to the cent, checked against hand arithmetic and
closed forms, then growth, replacement, resale, crossovers and the Monte Carlo."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from analysis.errors import ScenarioError
from analysis.horizon import (
    ApiPricePath,
    HardwarePlan,
    HorizonSettings,
    Plan,
    PriceEvent,
    Regime,
    RentPricePath,
    api_plan,
    evaluate_horizon,
    horizon_monte_carlo,
    with_settings,
)
from analysis.tco import ApiOption, SelfHostedOption, TcoCase, Workload, evaluate
from analysis.uncertainty import Triangular, Uniform

WORKLOAD = Workload(requests_per_month=1_000_000, input_tokens=1_500, output_tokens=500)
API = ApiOption(input_usd_per_mtok=2.50, output_usd_per_mtok=10.00)
BOUGHT = SelfHostedOption(
    gpus_per_replica=2,
    throughput_tok_s=1_000,
    utilisation=0.7,
    ownership="buy",
    capex_usd_per_gpu=30_000,
    amortisation_years=3,
    power_w=700,
    pue=1.3,
    usd_per_kwh=0.12,
    hosting_usd_per_gpu_month=100,
    staff_fte=0.25,
    staff_annual_usd=180_000,
)
RENTED = SelfHostedOption(
    gpus_per_replica=2,
    throughput_tok_s=1_000,
    utilisation=0.7,
    gpu_hour_usd=2.00,
    staff_fte=0.25,
    staff_annual_usd=180_000,
)
BUY_CASE = TcoCase(WORKLOAD, API, BOUGHT)
RENT_CASE = TcoCase(WORKLOAD, API, RENTED)

# Hand arithmetic for the bought case (no toolkit code):
# API: 1e6 requests × (1,500 × $2.50 + 500 × $10.00) / 1e6 = $8,750 a month.
API_MONTH = 1_000_000 * (1_500 * 2.50 + 500 * 10.00) / 1e6
# Peak output 1e6 × 500 / (730 × 3600) × 2 = 380.5 tok/s < 1,000 × 0.7: one replica, 2 GPUs.
GPUS = 2
CAPEX = GPUS * 30_000  # $60,000 in month 1
POWER = GPUS * 730 * 700 / 1000 * 1.3 * 0.12  # $159.432 a month
HOSTING = GPUS * 100  # $200 a month
STAFF = 0.25 * 180_000 / 12  # $3,750 a month
RUNNING = POWER + HOSTING + STAFF  # $4,109.432 a month


def cents(x: float) -> float:
    return round(x, 2)


# --------------------------------------------------------------------------- worked examples


def test_36_month_buy_vs_api_without_decline_is_36_monthly_bills_plus_capex_timing() -> None:
    result = evaluate_horizon(BUY_CASE, HorizonSettings(months=36))
    api, hosted = result.plan("api"), result.plan("self_hosted")
    assert cents(api.total_cash_usd) == cents(36 * API_MONTH) == 315_000.00
    assert cents(hosted.total_cash_usd) == cents(CAPEX + 36 * RUNNING) == 207_939.55
    # ... the same as 36 × the monthly model, whose buy bill amortises the capex over 3 years.
    monthly = evaluate(BUY_CASE)
    assert cents(36 * monthly.api.monthly_usd) == cents(api.total_cash_usd)
    assert cents(36 * monthly.self_hosted.monthly_usd) == cents(hosted.total_cash_usd)
    # Capex timing: the whole capex is paid in month 1, running costs every month.
    assert hosted.capex_usd[0] == CAPEX and sum(hosted.capex_usd[1:]) == 0
    assert cents(hosted.cumulative_usd[0]) == cents(CAPEX + RUNNING)
    assert cents(hosted.cumulative_usd[11]) == cents(CAPEX + 12 * RUNNING)
    assert [cents(d) for d in hosted.depreciation_usd] == [cents(CAPEX / 36)] * 36
    assert hosted.purchases[0].gpus == GPUS and hosted.purchases[0].reason == "initial"
    # Crossover: 60,000 + 4,109.432·t <= 8,750·t from t = 12.93, so month 13.
    assert result.crossover is not None and result.crossover.month == 13
    assert result.crossover.leader_at_start == "api"
    assert result.crossover.leader_at_end == "self_hosted"
    assert result.cheapest == "self_hosted"


@pytest.mark.parametrize("factor", [1.25, 4.0, 10.0])
def test_constant_api_decline_is_a_geometric_sum(factor: float) -> None:
    settings = HorizonSettings(months=36, api_price=ApiPricePath("trend", factor))
    api = evaluate_horizon(BUY_CASE, settings).plan("api")
    q = factor ** (-1 / 12)  # the monthly price ratio
    closed_form = API_MONTH * (1 - q**36) / (1 - q)
    assert cents(api.total_cash_usd) == cents(closed_form)
    assert math.isclose(api.api_usd[12] / api.api_usd[0], 1 / factor)  # a year on: 1/f
    # The self-hosted path does not move with the API price.
    hosted = evaluate_horizon(BUY_CASE, settings).plan("self_hosted")
    assert cents(hosted.total_cash_usd) == cents(CAPEX + 36 * RUNNING)


def test_npv_at_a_discount_rate() -> None:
    r, d = 0.10, 4.0
    settings = HorizonSettings(months=36, discount_rate=r, api_price=ApiPricePath("trend", d))
    result = evaluate_horizon(BUY_CASE, settings)
    v = 1.1 ** (-1 / 12)  # monthly discount factor; bills at each month's end
    q = d ** (-1 / 12)
    annuity = v * (1 - v**36) / (1 - v)
    assert cents(result.plan("self_hosted").npv_usd) == cents(CAPEX + RUNNING * annuity)
    assert cents(result.plan("api").npv_usd) == cents(
        API_MONTH * v * (1 - (q * v) ** 36) / (1 - q * v)
    )
    # Undiscounted cash is unchanged by the rate.
    assert cents(result.plan("self_hosted").total_cash_usd) == cents(CAPEX + 36 * RUNNING)


def test_volume_growth_compounds_monthly_and_adds_gpus_when_needed() -> None:
    g = 0.05
    settings = HorizonSettings(months=24, volume_growth=g)
    result = evaluate_horizon(BUY_CASE, settings)
    api = result.plan("api")
    assert cents(api.total_cash_usd) == cents(API_MONTH * ((1 + g) ** 24 - 1) / g)
    hosted = result.plan("self_hosted")
    # Peak 380.5 tok/s × 1.05^(t−1) exceeds one replica's 700 tok/s from t = 14 (1.05^13 = 1.886).
    assert hosted.gpus_in_service[12] == 2 and hosted.gpus_in_service[13] == 4
    volume = [p for p in hosted.purchases if p.reason == "volume"]
    assert [(p.month, p.gpus, p.usd) for p in volume] == [(14, 2, 60_000.0)]
    assert hosted.power_usd[13] == pytest.approx(2 * POWER)


def test_rent_follows_its_trend_and_staff_only_while_gpus_are_rented() -> None:
    settings = HorizonSettings(months=24, rent_price=RentPricePath("trend", 2.0))
    hosted = evaluate_horizon(RENT_CASE, settings).plan("self_hosted")
    k = 2.0 ** (-1 / 12)
    rent_month = 2 * 730 * 2.00
    assert cents(sum(hosted.rent_usd)) == cents(rent_month * (1 - k**24) / (1 - k))
    assert hosted.capex_usd == (0.0,) * 24 and hosted.ownership == "rent"
    assert cents(sum(hosted.staff_usd)) == cents(24 * STAFF)
    # No self-hosted traffic in a regime: no GPUs and no staff that month.
    plan = Plan(
        "self_hosted",
        "part-time",
        (Regime(1, 0.0, 500.0), Regime(7, API_MONTH, 0.0), Regime(13, 0.0, 500.0)),
    )
    path = evaluate_horizon(RENT_CASE, settings, (api_plan(RENT_CASE), plan)).plan("self_hosted")
    assert path.gpus_in_service[6:12] == (0,) * 6 and path.staff_usd[6:12] == (0.0,) * 6
    assert path.api_usd[6] == pytest.approx(API_MONTH)


def test_end_of_life_replacement_and_resale_of_book_value() -> None:
    one_year = replace(BOUGHT, amortisation_years=1)
    settings = HorizonSettings(months=36)
    hosted = evaluate_horizon(TcoCase(WORKLOAD, API, one_year), settings).plan("self_hosted")
    assert [(p.month, p.reason) for p in hosted.purchases] == [
        (1, "initial"),
        (13, "end of life"),
        (25, "end of life"),
    ]
    assert cents(hosted.total_cash_usd) == cents(3 * CAPEX + 36 * RUNNING)
    assert hosted.book_value_end_usd == pytest.approx(0.0)
    # Five-year GPUs sold after 36 months at half their book value (2/5 of the capex).
    five = replace(BOUGHT, amortisation_years=5)
    resale = HorizonSettings(months=36, hardware=HardwarePlan(resale_fraction=0.5))
    path = evaluate_horizon(TcoCase(WORKLOAD, API, five), resale).plan("self_hosted")
    assert cents(path.book_value_end_usd) == cents(CAPEX * (1 - 36 / 60))
    assert cents(path.resale_usd[-1]) == cents(-0.5 * CAPEX * 0.4)
    assert cents(path.total_cash_usd) == cents(CAPEX + 36 * RUNNING - 0.2 * CAPEX)
    # A life given on its own overrides the amortisation period.
    two = HorizonSettings(months=36, hardware=HardwarePlan(life_years=2))
    path = evaluate_horizon(TcoCase(WORKLOAD, API, five), two).plan("self_hosted")
    assert [p.month for p in path.purchases] == [1, 25]


def test_later_purchases_follow_the_hardware_price_trend() -> None:
    one_year = TcoCase(WORKLOAD, API, replace(BOUGHT, amortisation_years=1))
    settings = HorizonSettings(months=24, hardware=HardwarePlan(price_decline_factor=2.0))
    hosted = evaluate_horizon(one_year, settings).plan("self_hosted")
    assert hosted.capex_usd[12] == pytest.approx(CAPEX / 2)  # a year later, half the price


def test_switch_path_takes_the_cheapest_of_trend_and_known_offers() -> None:
    offers = (PriceEvent(4, 0.5, "model B"), PriceEvent(10, 0.2, "model C"))
    held = HorizonSettings(months=12, api_price=ApiPricePath("switch", 1.0, offers=offers))
    api = evaluate_horizon(RENT_CASE, held).plan("api")
    assert [round(a / API_MONTH, 6) for a in api.api_usd] == [1, 1, 1, 0.5] + [0.5] * 5 + [0.2] * 3
    trended = with_settings(held, api_price__decline_factor=1000.0)
    api = evaluate_horizon(RENT_CASE, trended).plan("api")
    assert api.api_usd[3] == pytest.approx(API_MONTH * 1000 ** (-3 / 12))  # the trend is lower
    with pytest.raises(ScenarioError, match="switch"):
        ApiPricePath("trend", 2.0, offers=offers)


def test_a_price_cut_event_applies_in_every_path() -> None:
    cut = (PriceEvent(7, 0.5, "API price cut 50%"),)
    settings = HorizonSettings(months=12, api_price=ApiPricePath("held", events=cut))
    api = evaluate_horizon(RENT_CASE, settings).plan("api")
    assert cents(api.total_cash_usd) == cents(6 * API_MONTH + 6 * API_MONTH / 2)


def test_crossover_never_within_the_horizon() -> None:
    cheap_api = replace(API, input_usd_per_mtok=0.1, output_usd_per_mtok=0.4)
    result = evaluate_horizon(TcoCase(WORKLOAD, cheap_api, BOUGHT), HorizonSettings(months=60))
    assert result.crossover is not None and result.crossover.month is None
    assert "no crossover within the 60 months" in result.crossover.text
    assert result.cheapest == "api"


def test_a_falling_api_price_can_take_the_lead_back() -> None:
    # Rented GPUs lead at first; the API, falling 10× a year, overtakes them later.
    settings = HorizonSettings(months=60, api_price=ApiPricePath("trend", 10.0))
    result = evaluate_horizon(RENT_CASE, settings)
    cross = result.crossover
    assert cross is not None and cross.leader_at_start == "self_hosted"
    assert cross.leader_at_end == "api" and cross.month is not None
    hosted, api = result.plan("self_hosted"), result.plan("api")
    t = cross.month
    assert api.cumulative_usd[t - 1] < hosted.cumulative_usd[t - 1]
    assert api.cumulative_usd[t - 2] >= hosted.cumulative_usd[t - 2]


def test_settings_are_checked_and_name_the_parameter() -> None:
    with pytest.raises(ScenarioError, match=r"horizon\.months"):
        HorizonSettings(months=6)
    with pytest.raises(ScenarioError, match=r"horizon\.months"):
        HorizonSettings(months=61)
    with pytest.raises(ScenarioError, match=r"horizon\.discount_rate"):
        HorizonSettings(discount_rate=-0.1)
    with pytest.raises(ScenarioError, match=r"horizon\.api_price\.path"):
        ApiPricePath("falling")
    with pytest.raises(ScenarioError, match="decline_factor"):
        ApiPricePath("trend", 0.0)
    with pytest.raises(ScenarioError, match="after the horizon"):
        HorizonSettings(months=12, api_price=ApiPricePath(events=(PriceEvent(13, 0.5),)))
    with pytest.raises(ScenarioError, match="month 1"):
        Plan("x", "x", (Regime(2, 0.0, 1.0),))
    with pytest.raises(ScenarioError, match="unknown setting"):
        with_settings(HorizonSettings(), api_price__nope=1)
    with pytest.raises(ScenarioError, match="amortisation_years"):
        evaluate_horizon(
            TcoCase(WORKLOAD, API, replace(BOUGHT, amortisation_years=None)), HorizonSettings()
        )


def test_every_figure_is_finite_and_json_safe() -> None:
    settings = HorizonSettings(
        months=60, discount_rate=0.08, volume_growth=0.03, api_price=ApiPricePath("trend", 900.0)
    )
    result = evaluate_horizon(BUY_CASE, settings)
    plain = result.to_dict()
    assert plain["plans"][1]["name"] == "self_hosted"
    for path in result.plans:
        assert len(path.cumulative_usd) == 60
        assert all(math.isfinite(v) for v in path.present_value_usd)


# --------------------------------------------------------------------------- Monte Carlo


def test_zero_width_distributions_give_back_the_point_estimate() -> None:
    settings = HorizonSettings(
        months=36, discount_rate=0.05, volume_growth=0.02, api_price=ApiPricePath("trend", 3.0)
    )
    point = evaluate_horizon(BUY_CASE, settings)
    mc = horizon_monte_carlo(
        BUY_CASE,
        settings,
        {
            "api_price.decline_factor": Uniform(3.0, 3.0),
            "volume_growth": Triangular(0.02, 0.02, 0.02),
        },
        draws=1_000,
    )
    for name in ("api", "self_hosted"):
        assert mc.npv[name].p10 == pytest.approx(point.plan(name).npv_usd, rel=1e-12)
        band = next(b for b in mc.bands if b.name == name)
        assert band.p90 == pytest.approx(point.plan(name).cumulative_usd, rel=1e-12)
    assert mc.p_self_hosted_cheaper == (
        1.0 if point.plan("self_hosted").npv_usd < point.plan("api").npv_usd else 0.0
    )


def test_probability_self_hosting_is_cheaper_matches_the_break_even_decline() -> None:
    """Only the API decline is drawn, uniformly on [1, 5]: self-hosting is cheaper exactly
    when the factor is below the break-even factor d*, found here by bisection on the point
    model, so P = (d* − 1)/4 up to sampling error."""
    settings = HorizonSettings(months=36, api_price=ApiPricePath("trend", 1.0))

    def gap(d: float) -> float:
        r = evaluate_horizon(BUY_CASE, with_settings(settings, api_price__decline_factor=d))
        return r.plan("self_hosted").npv_usd - r.plan("api").npv_usd

    lo, hi = 1.0, 5.0
    assert gap(lo) < 0 < gap(hi)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    expected = (lo - 1.0) / 4.0
    mc = horizon_monte_carlo(
        BUY_CASE, settings, {"api_price.decline_factor": Uniform(1.0, 5.0)}, 40_000, 3
    )
    assert mc.p_self_hosted_cheaper == pytest.approx(expected, abs=0.01)
    assert mc.p_cheapest["self_hosted"] == pytest.approx(mc.p_self_hosted_cheaper)
    # Same seed, same answer; P10 <= P50 <= P90 month by month.
    again = horizon_monte_carlo(
        BUY_CASE, settings, {"api_price.decline_factor": Uniform(1.0, 5.0)}, 40_000, 3
    )
    assert again == mc
    band = next(b for b in mc.bands if b.name == "api")
    assert all(a <= b <= c for a, b, c in zip(band.p10, band.p50, band.p90, strict=True))


def test_monte_carlo_refuses_what_has_no_effect_or_cannot_be_drawn() -> None:
    held = HorizonSettings(months=24)
    with pytest.raises(ScenarioError, match="no effect"):
        horizon_monte_carlo(BUY_CASE, held, {"api_price.decline_factor": Uniform(1, 2)})
    with pytest.raises(ScenarioError, match="no effect"):
        horizon_monte_carlo(
            BUY_CASE,
            with_settings(held, rent_price__path="trend"),
            {"rent_price.decline_factor": Uniform(1, 2)},
        )
    with pytest.raises(ScenarioError, match="cannot be drawn"):
        horizon_monte_carlo(BUY_CASE, held, {"discount_rate": Uniform(0, 0.1)})
    # A uniform from 0 can draw a decline factor of 0, which must be above 0.
    with pytest.raises(ScenarioError, match=r"can draw 0\.\.2 but it must be > 0 "):
        horizon_monte_carlo(BUY_CASE, held, {"hardware.price_decline_factor": Uniform(0, 2)})
    with pytest.raises(ScenarioError, match="must be"):
        horizon_monte_carlo(BUY_CASE, held, {"volume_growth": Uniform(-2, 0.1)})
    with pytest.raises(ScenarioError, match="draws"):
        horizon_monte_carlo(BUY_CASE, held, {}, draws=10)
