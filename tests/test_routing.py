"""Hybrid routing: cheapest option meeting each floor, capacity, and the Pareto frontier.

Expected figures are worked by hand from the formulas (see each comment).
"""

from __future__ import annotations

import json

import pytest

from analysis.errors import ScenarioError
from analysis.routing import RouteOption, TaskClass, pareto_frontier, route
from analysis.tco import ApiOption, SelfHostedOption, Workload

WORKLOAD = Workload(requests_per_month=1_000_000, input_tokens=1_000, output_tokens=300)
BIG = ApiOption(input_usd_per_mtok=2.50, output_usd_per_mtok=10.00)
MINI = ApiOption(input_usd_per_mtok=0.15, output_usd_per_mtok=0.60)
# One replica: 2 GPUs · 730 h · $2 + 0.25 · $180,000/12 = $6,670/month, 700 tok/s usable.
HOSTED = SelfHostedOption(
    gpus_per_replica=2,
    throughput_tok_s=1_000,
    gpu_hour_usd=2.0,
    staff_fte=0.25,
    staff_annual_usd=180_000,
)
CLASSES = (
    # 700k requests: big $3,850, mini $231 (1000·0.15 + 300·0.6 = $330 per 1,000)
    TaskClass("support", 0.7, "MMLU", 80, 1_000, 300),
    # 300k requests: big $5,250, mini $315
    TaskClass("analysis", 0.3, "GPQA", 45, 3_000, 1_000),
)


def options(max_replicas: int | None = None) -> tuple[RouteOption, ...]:
    return (
        RouteOption("big", {"MMLU": 88, "GPQA": 53}, api=BIG),
        RouteOption("mini", {"MMLU": 82, "GPQA": 40}, api=MINI),
        RouteOption(
            "open", {"MMLU": 86, "GPQA": 47}, self_hosted=HOSTED, max_replicas=max_replicas
        ),
    )


def split(result) -> dict[str, str]:
    return {c.name: c.option for c in result.classes}


def test_each_class_goes_to_the_cheapest_option_that_meets_its_floor():
    result = route(WORKLOAD, CLASSES, options())
    # mini meets support's 80 (82) but not analysis's 45 (40); for analysis the
    # big API ($5,250) is cheaper than a replica for it alone ($6,670).
    assert split(result) == {"support": "mini", "analysis": "big"}
    assert round(result.monthly_usd, 2) == 5_481.00
    assert result.quality == pytest.approx(0.7 * 82 + 0.3 * 53)
    loads = {o.name: o for o in result.options}
    assert loads["open"].monthly_usd == 0.0 and loads["open"].share == 0.0
    assert loads["mini"].share == pytest.approx(0.7)
    json.dumps(result.to_dict(), allow_nan=False)


def test_self_hosting_wins_a_class_at_volume_and_capacity_limits_it():
    workload = Workload(requests_per_month=10_000_000, input_tokens=1, output_tokens=1)
    result = route(workload, CLASSES, options())
    # analysis: 3M requests · 1000 output tokens → 1,141.6 tok/s average, 2,283 peak,
    # ÷ 700 → 4 replicas = 8 GPUs: 8·730·2 + 3,750 = $15,430 (big API: $52,500).
    assert split(result) == {"support": "mini", "analysis": "open"}
    hosted = next(o for o in result.options if o.name == "open")
    assert (hosted.replicas, hosted.gpus) == (4, 8)
    assert round(hosted.monthly_usd, 2) == 15_430.00
    assert hosted.capacity_used == pytest.approx(2_283.1 / 2_800, rel=1e-3)
    assert round(result.monthly_usd, 2) == 2_310.00 + 15_430.00
    capped = route(workload, CLASSES, options(max_replicas=3))
    assert split(capped) == {"support": "mini", "analysis": "big"}
    assert round(capped.monthly_usd, 2) == 2_310.00 + 52_500.00


def test_routing_costs_a_shared_deployment_jointly():
    # Floors that only big and open meet. Alone, each class is cheaper on the big API
    # ($3,850 and $5,250 vs $6,670 each); together they fit one replica ($6,670 < $9,100).
    classes = (
        TaskClass("support", 0.7, "MMLU", 85, 1_000, 300),
        TaskClass("analysis", 0.3, "GPQA", 46, 3_000, 1_000),
    )
    result = route(WORKLOAD, classes, options())
    assert split(result) == {"support": "open", "analysis": "open"}
    assert round(result.monthly_usd, 2) == 6_670.00
    hosted = next(o for o in result.options if o.name == "open")
    assert hosted.replicas == 1
    # The deployment's cost is shared by output tokens: 210M vs 300M.
    costs = {c.name: c.monthly_usd for c in result.classes}
    assert costs["support"] == pytest.approx(6_670 * 210 / 510)


def test_pareto_frontier_as_the_floor_rises():
    frontier = pareto_frontier(WORKLOAD, CLASSES, options())
    points = [(round(p.monthly_usd, 2), round(p.quality, 6)) for p in frontier]
    assert points == [
        (546.00, 69.4),  # floor ×0: everything on mini
        (5_481.00, 73.3),  # analysis leaves mini (40 < 45·1.025)
        (6_670.00, 74.3),  # support leaves mini too: both share one replica
        (9_100.00, 77.5),  # analysis leaves open (47 < 45·1.075): both on big
    ]
    assert [dict(p.assignment) for p in frontier][2] == {"support": "open", "analysis": "open"}
    for p in frontier:  # each point is the cheapest routing at its floor
        assert route(WORKLOAD, CLASSES, options(), p.floor_factor).monthly_usd == p.monthly_usd


def test_a_class_no_option_can_serve_is_an_error_naming_it():
    classes = (TaskClass("legal", 1.0, "GPQA", 60, 2_000, 500),)
    with pytest.raises(ScenarioError) as info:
        route(WORKLOAD, classes, options())
    assert "'legal'" in str(info.value) and "53" in str(info.value) and "big" in str(info.value)


@pytest.mark.parametrize(
    ("classes", "opts", "parameter"),
    [
        ((TaskClass("a", 0.5, "MMLU", 50, 10, 10),), None, "routing.classes.share"),
        (
            (TaskClass("a", 0.5, "MMLU", 50, 10, 10), TaskClass("a", 0.5, "MMLU", 50, 10, 10)),
            None,
            "routing.classes",
        ),
        ((TaskClass("a", 1.0, "MMLU", 50, 10, 10),), (), "routing.options"),
    ],
)
def test_bad_routing_inputs(classes, opts, parameter):
    with pytest.raises(ScenarioError) as info:
        route(WORKLOAD, classes, options() if opts is None else opts)
    assert info.value.parameter == parameter


def test_bad_classes_and_options():
    with pytest.raises(ScenarioError) as info:
        TaskClass("a", 1.5, "MMLU", 50, 10, 10)
    assert info.value.parameter == "routing.classes.a.share"
    with pytest.raises(ScenarioError):
        TaskClass("a", 1.0, "MMLU", 50, 0, 10)
    with pytest.raises(ScenarioError):
        RouteOption("both", {}, api=BIG, self_hosted=HOSTED)
    with pytest.raises(ScenarioError) as info:
        RouteOption("x", {}, api=BIG, max_replicas=2)
    assert info.value.parameter == "routing.options.x.max_replicas"
