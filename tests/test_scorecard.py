"""The strategic scorecard: each stated rule, weights, winner and the deciding factor."""

from __future__ import annotations

import json

import pytest

from analysis.errors import ScenarioError
from analysis.scorecard import (
    FACTORS,
    OptionProfile,
    Requirements,
    Weights,
    score_option,
    score_options,
)

EU = Requirements(jurisdiction="EU", compliance=("gdpr-dpa", "audit-log", "hipaa-baa"))


def profile(**kw) -> OptionProfile:
    base = dict(name="x", kind="self_hosted", hardware="rented", fixed_cost_share=1.0)
    return OptionProfile(**{**base, **kw})


def score(option: OptionProfile, factor: str, req: Requirements = EU) -> int:
    return score_option(option, req, Weights()).score(factor)


@pytest.mark.parametrize(
    ("hardware", "where", "expected"),
    [
        ("owned", "EU", 5),
        ("rented", "eu", 4),  # jurisdictions compare case-insensitively
        ("provider", "EU", 3),
        ("provider", "US", 1),  # requests leave the jurisdiction
        ("owned", None, 0),  # location not stated
    ],
)
def test_data_sovereignty_rule(hardware, where, expected):
    option = profile(hardware=hardware, processing_jurisdiction=where)
    assert score(option, "data_sovereignty") == expected


def test_data_sovereignty_without_a_required_jurisdiction_scores_control():
    free = Requirements()
    assert score(profile(hardware="owned"), "data_sovereignty", free) == 5
    assert score(profile(hardware="provider", kind="api"), "data_sovereignty", free) == 3


@pytest.mark.parametrize(
    ("spread", "expected"), [(0.05, 5), (0.10, 5), (0.2, 4), (0.5, 3), (0.9, 2), (1.5, 1), (3, 0)]
)
def test_cost_predictability_from_the_monte_carlo_spread(spread, expected):
    assert score(profile(cost_spread=spread), "cost_predictability") == expected


def test_cost_predictability_from_the_fixed_share_without_monte_carlo():
    assert score(profile(fixed_cost_share=1.0), "cost_predictability") == 5
    assert score(profile(fixed_cost_share=0.0), "cost_predictability") == 1
    assert score(profile(fixed_cost_share=0.5), "cost_predictability") == 3
    with pytest.raises(ScenarioError) as info:
        score(profile(fixed_cost_share=None), "cost_predictability")
    assert info.value.parameter == "scorecard.options.x.cost_spread"


def test_regulatory_compliance_counts_requirements_met():
    assert (
        score(profile(meets=("gdpr-dpa", "audit-log", "hipaa-baa")), "regulatory_compliance") == 5
    )
    # 2 of 3: floor(5·2/3) = 3 — 5 only when all are met.
    two = score_option(profile(meets=("GDPR-DPA", "audit-log")), EU, Weights())
    fs = next(s for s in two.scores if s.factor == "regulatory_compliance")
    assert fs.score == 3 and "missing: hipaa-baa" in fs.fact
    assert score(profile(), "regulatory_compliance") == 0
    assert score(profile(), "regulatory_compliance", Requirements()) == 5


def test_customization_depth_rule():
    assert score(profile(customization="weights"), "customization_depth") == 5
    assert score(profile(customization="fine_tuning_api"), "customization_depth") == 3
    assert score(profile(customization="prompt_only"), "customization_depth") == 1


def test_latency_control_rule():
    req = Requirements(latency_target_ms=800)
    owned_measured = profile(hardware="owned", latency_p95_ms=450, latency_basis="measured")
    assert score(owned_measured, "latency_control", req) == 5
    api_stated = profile(
        kind="api", hardware="provider", latency_p95_ms=600, latency_basis="vendor_stated"
    )
    assert score(api_stated, "latency_control", req) == 2
    misses = profile(hardware="rented", latency_p95_ms=1_200, latency_basis="measured")
    assert score(misses, "latency_control", req) == 2
    assert score(profile(hardware="rented"), "latency_control", Requirements()) == 2


def test_weighted_total_winner_and_deciding_factor():
    api = OptionProfile(
        name="gpt-4o",
        kind="api",
        hardware="provider",
        processing_jurisdiction="US",
        customization="fine_tuning_api",
        meets=("gdpr-dpa",),
        cost_spread=0.9,
        fixed_cost_share=0.0,
    )
    hosted = OptionProfile(
        name="llama",
        kind="self_hosted",
        hardware="rented",
        processing_jurisdiction="EU",
        customization="weights",
        meets=("gdpr-dpa",),
        cost_spread=0.3,
        fixed_cost_share=1.0,
    )
    req = Requirements(jurisdiction="EU", compliance=("gdpr-dpa",))
    card = score_options([api, hosted], req, Weights(data_sovereignty=3))
    # api: predictability 2, sovereignty 1, compliance 5, customization 3, latency 1
    # llama: 3, 4, 5, 5, 2; weights 1,3,1,1,1 (sum 7)
    totals = {o.name: o.weighted_total for o in card.options}
    assert totals["gpt-4o"] == pytest.approx((2 + 3 * 1 + 5 + 3 + 1) / 7)
    assert totals["llama"] == pytest.approx((3 + 3 * 4 + 5 + 5 + 2) / 7)
    assert card.winner == "llama" and card.options[0].name == "llama"
    assert card.deciding_factor == "data_sovereignty"  # 3·(4−1)/7 is the largest share
    assert card.deciding_contribution == pytest.approx(9 / 7)
    assert card.margin == pytest.approx(totals["llama"] - totals["gpt-4o"])
    for option in card.options:
        assert [s.factor for s in option.scores] == list(FACTORS)
        assert all(s.rule for s in option.scores)
    json.dumps(card.to_dict(), allow_nan=False)
    # With sovereignty weighed at zero, customization decides instead.
    other = score_options([api, hosted], req, Weights(data_sovereignty=0))
    assert other.winner == "llama" and other.deciding_factor == "customization_depth"


def test_a_tie_has_no_winner():
    a = profile(name="a")
    b = profile(name="b")
    card = score_options([a, b], EU)
    assert card.winner is None and card.deciding_factor is None and card.margin == 0.0


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"hardware": "cloud"}, "scorecard.options.x.hardware"),
        ({"customization": "lora"}, "scorecard.options.x.customization"),
        ({"cost_spread": -1}, "scorecard.options.x.cost_spread"),
        ({"fixed_cost_share": 2}, "scorecard.options.x.fixed_cost_share"),
        ({"latency_p95_ms": 100, "latency_basis": "guess"}, "scorecard.options.x.latency_basis"),
    ],
)
def test_bad_facts_name_the_field(kwargs, parameter):
    with pytest.raises(ScenarioError) as info:
        profile(**kwargs)
    assert info.value.parameter == parameter


def test_bad_weights_and_too_few_options():
    with pytest.raises(ScenarioError):
        Weights(latency_control=-1)
    with pytest.raises(ScenarioError):
        Weights(0, 0, 0, 0, 0)
    with pytest.raises(ScenarioError):
        score_options([profile()])
