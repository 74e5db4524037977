"""Frontier-shift presets: each changes the decision in a case built to flip it, the hybrid
split re-routes, and a preset that should not matter does not."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.errors import ScenarioError
from analysis.horizon import (
    DEFAULT_PRESETS,
    Capability,
    HorizonSettings,
    HybridInputs,
    Preset,
    evaluate_horizon,
    horizon_report,
    plans_under,
    run_preset,
)
from analysis.routing import RouteOption, TaskClass
from analysis.tco import ApiOption, TcoCase
from tests.test_horizon import (
    API as API_OPTION,
)
from tests.test_horizon import (
    API_MONTH,
    BOUGHT,
    BUY_CASE,
    CAPEX,
    HOSTING,
    RENT_CASE,
    RENTED,
    RUNNING,
    STAFF,
    WORKLOAD,
    cents,
)

SETTINGS = HorizonSettings(months=36)


def baseline(case: TcoCase, **kw: object):
    plans, _ = plans_under(case, (), SETTINGS.months, **kw)  # type: ignore[arg-type]
    return evaluate_horizon(case, SETTINGS, plans)


def test_closed_jump_strands_bought_hardware_and_flips_to_the_api() -> None:
    # Without the jump: self-hosting (bought) $207,940 against the API's $315,000.
    base = baseline(BUY_CASE)
    assert base.cheapest == "self_hosted"
    jump = Preset("Closed jumps 8 ECI points in month 6", "closed_jump", points=8, month=6)
    out = run_preset(BUY_CASE, SETTINGS, jump, base)
    assert out.changed and out.decision == "api" and out.baseline_decision == "self_hosted"
    # From month 6 the open model falls short: its traffic goes to the API while the owned
    # GPUs still cost their hosting and the staff (no power: nothing runs on them).
    stranded = CAPEX + 5 * RUNNING + 31 * (API_MONTH + HOSTING + STAFF)
    assert cents(out.npv["self_hosted"]) == cents(stranded)
    assert "changes from" in out.text and "8 ECI points in month 6" in out.description


def test_closed_jump_with_a_quick_catch_up_does_not_flip() -> None:
    base = baseline(BUY_CASE)
    jump = Preset("jump, caught up", "closed_jump", points=8, month=6, catch_up_months=3)
    out = run_preset(BUY_CASE, SETTINGS, jump, base)
    assert not out.changed and out.decision == "self_hosted"
    expected = CAPEX + 5 * RUNNING + 3 * (API_MONTH + HOSTING + STAFF) + 28 * RUNNING
    assert cents(out.npv["self_hosted"]) == cents(expected)


def test_open_catch_up_lifts_a_floor_the_open_model_missed_and_flips_to_self_hosting() -> None:
    # The work needs 145 ECI; the open model has 140, the closed 150: self-hosting is not an
    # option (its traffic goes to the API), so the API wins, tied at the API's cost.
    floor = Capability("ECI", open_score=140, closed_score=150, floor=145)
    base = baseline(RENT_CASE, capability=floor)
    assert base.cheapest == "api"
    assert cents(base.plan("self_hosted").npv_usd) == cents(base.plan("api").npv_usd)
    catch = Preset("Open catches up in month 3", "open_catch_up", month=3)
    out = run_preset(RENT_CASE, SETTINGS, catch, base, capability=floor)
    assert out.changed and out.decision == "self_hosted"
    rented = 2 * 730 * 2.00 + STAFF  # $6,670 a month from month 3
    assert cents(out.npv["self_hosted"]) == cents(2 * API_MONTH + 34 * rented)


def test_api_price_cut_flips_to_the_api() -> None:
    base = baseline(RENT_CASE)  # rented $6,670 against the API's $8,750 a month
    assert base.cheapest == "self_hosted"
    cut = Preset("API price cut 50%", "api_price_cut", pct=50)
    out = run_preset(RENT_CASE, SETTINGS, cut, base)
    assert out.changed and out.decision == "api"
    assert cents(out.npv["api"]) == cents(36 * API_MONTH / 2)


def test_gpu_rent_decline_flips_to_self_hosting() -> None:
    pricier = TcoCase(WORKLOAD, API_OPTION, replace(RENTED, gpu_hour_usd=3.00))
    cheap_api = replace(pricier, api=ApiOption(input_usd_per_mtok=2.0, output_usd_per_mtok=8.0))
    base = baseline(cheap_api)  # API $7,000 against 2 × 730 × $3 + $3,750 = $8,130 a month
    assert base.cheapest == "api"
    fall = Preset("GPU rent falls 60% a year", "gpu_rent_decline", pct=60)
    out = run_preset(cheap_api, SETTINGS, fall, base)
    assert out.changed and out.decision == "self_hosted"
    k = 0.4 ** (1 / 12)  # the rent is multiplied by 0.4 a year
    rent = 2 * 730 * 3.00 * (1 - k**36) / (1 - k)
    assert cents(out.npv["self_hosted"]) == cents(rent + 36 * STAFF)


# --------------------------------------------------------------------------- the hybrid router

MINI = ApiOption(input_usd_per_mtok=0.40, output_usd_per_mtok=1.60)
CLASSES = (
    TaskClass("easy", 0.7, "ECI", 120, 1_000, 300),
    TaskClass("hard", 0.3, "ECI", 140, 3_000, 1_000),
)
# A lean rented deployment: 2 GPUs × 730 h × $2 + 0.1 × $180,000 / 12 = $4,420 a month,
# cheaper than the mini API ($616) plus the frontier API ($5,250) for the two classes.
LEAN = replace(RENTED, staff_fte=0.1)
LEAN_CASE = TcoCase(WORKLOAD, API_OPTION, LEAN)
OPTIONS = (
    RouteOption("frontier", {"ECI": 150}, api=API_OPTION),
    RouteOption("mini", {"ECI": 125}, api=MINI),
    RouteOption("open", {"ECI": 142}, self_hosted=LEAN),
)
HYBRID = HybridInputs(CLASSES, OPTIONS, api_option="frontier", self_hosted_option="open")


def test_a_closed_jump_re_routes_the_hybrid_split() -> None:
    base = baseline(LEAN_CASE, hybrid=HYBRID)
    jump = Preset("Closed jumps 8 ECI points", "closed_jump", points=8, month=6)
    out = run_preset(LEAN_CASE, SETTINGS, jump, base, hybrid=HYBRID)
    # Month 1: both classes self-hosted (142 meets 120 and 140). From month 6 the floors are
    # 128 and 148: 'hard' must go to the frontier API (158, $5,250); the mini API (125) no
    # longer meets 'easy', which costs $3,850 on the frontier API against $4,420 self-hosted.
    assert out.routing[0] == "month 1: easy → open, hard → open"
    assert out.routing[1] == "month 6: easy → frontier, hard → frontier"
    assert "re-routes" in out.text
    assert out.npv["hybrid"] > out.baseline_npv["hybrid"]


def test_an_open_catch_up_re_routes_a_class_back_to_self_hosting() -> None:
    weak = (OPTIONS[0], OPTIONS[1], replace(OPTIONS[2], scores={"ECI": 130}))
    hybrid = HybridInputs(CLASSES, weak, api_option="frontier", self_hosted_option="open")
    base = baseline(LEAN_CASE, hybrid=hybrid)
    catch = Preset("Open catches up in month 4", "open_catch_up", month=4)
    out = run_preset(LEAN_CASE, SETTINGS, catch, base, hybrid=hybrid)
    assert out.routing[0] == "month 1: easy → mini, hard → frontier"
    assert out.routing[1] == "month 4: easy → open, hard → open"
    assert out.npv["hybrid"] < out.baseline_npv["hybrid"]


def test_report_names_the_presets_that_flip_and_says_whether_it_is_robust() -> None:
    report = horizon_report(BUY_CASE, SETTINGS, hybrid=None, presets=DEFAULT_PRESETS)
    assert report.result.cheapest == "self_hosted" and report.held.cheapest == "self_hosted"
    assert report.robust
    assert set(report.flips) == {"Closed frontier jumps by 8 ECI points", "API price cut 50%"}
    assert "It would flip under: Closed frontier jumps by 8 ECI points" in report.text
    assert report.text.startswith("Over the next 36 months, Self-hosted (bought GPUs) costs least")
    assert report.to_dict()["presets"][0]["kind"] == "closed_jump"


def test_presets_are_strict_about_their_fields() -> None:
    with pytest.raises(ScenarioError, match="does not apply to api_price_cut"):
        Preset("x", "api_price_cut", pct=10, points=3)
    with pytest.raises(ScenarioError, match="is required for closed_jump"):
        Preset("x", "closed_jump")
    with pytest.raises(ScenarioError, match="kind"):
        Preset("x", "meteor")
    with pytest.raises(ScenarioError, match="pct"):
        Preset("x", "api_price_cut", pct=120)
    with pytest.raises(ScenarioError, match="names must be unique"):
        horizon_report(BUY_CASE, SETTINGS, presets=(DEFAULT_PRESETS[0], DEFAULT_PRESETS[0]))
    with pytest.raises(ScenarioError, match="open_score"):
        Capability("ECI", floor=140)
    with pytest.raises(ScenarioError, match="self_hosted routing option"):
        HybridInputs(CLASSES, OPTIONS, api_option="frontier", self_hosted_option="mini")
    assert BOUGHT.ownership == "buy"


def test_a_flip_search_finds_the_size_that_would_change_the_decision() -> None:
    from analysis.horizon import flip_point, flip_text

    pricier = TcoCase(WORKLOAD, API_OPTION, replace(RENTED, gpu_hour_usd=3.00))
    case = replace(pricier, api=ApiOption(input_usd_per_mtok=2.0, output_usd_per_mtok=8.0))
    base = baseline(case)
    mild = Preset("GPU rent falls 10% a year", "gpu_rent_decline", pct=10)
    out = flip_point(case, SETTINGS, mild, base)
    assert not out.changed and out.flip_searched and out.flip_pct is not None
    # The size found flips it; a point less does not (the search's step is 99/2^10 %).
    at = replace(mild, pct=out.flip_pct)
    below = replace(mild, pct=out.flip_pct - 0.2)
    assert run_preset(case, SETTINGS, at, base).changed
    assert not run_preset(case, SETTINGS, below, base).changed
    assert flip_text(out) == f"GPU rent falling {out.flip_pct:.0f}% a year would change it"
    # Far out of reach: self-hosting at ten times the API's cost.
    far = TcoCase(WORKLOAD, ApiOption(input_usd_per_mtok=0.1, output_usd_per_mtok=0.4), RENTED)
    none = flip_point(far, SETTINGS, mild, baseline(far))
    assert none.flip_pct is None and none.flip_searched
    assert flip_text(none) == "no fall in GPU rent short of 99% a year would change it"
    # A preset that already flips it, or a capability shift, is not searched.
    cut = flip_point(
        RENT_CASE, SETTINGS, Preset("cut", "api_price_cut", pct=50), baseline(RENT_CASE)
    )
    assert cut.changed and not cut.flip_searched and flip_text(cut) is None
