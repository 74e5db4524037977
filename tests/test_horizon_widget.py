"""The horizon explorer: sliders move the cumulative-cost chart, the crossover and the KPIs,
through the same function the tco command and the brief call."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analysis.errors import ScenarioError
from analysis.horizon.spec import HorizonSpec, PriceSpec
from analysis.scenario import horizon_of, load_scenario, parse_scenario_text
from analysis.uncertainty import LogNormal
from tests.test_widgets import kpi, kpi_values, layer_values
from widgets.horizon import SET_HERE, HorizonExplorer

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "reports" / "params" / "example_scenario.yaml"


def given_scenario():  # type: ignore[no-untyped-def]
    """The example with its trends given (not measured), so the panel's arithmetic is tested
    apart from what the warehouse holds: the API falls 3× a year (drawn around it)."""
    from analysis.horizon.spec import HorizonMonteCarloSpec

    base = load_scenario(EXAMPLE)
    assert base.horizon is not None
    spec = dataclasses.replace(
        base.horizon,
        api_price=PriceSpec("switch", 3.0),
        rent_price=PriceSpec("trend", 1.2),
        monte_carlo=HorizonMonteCarloSpec(
            draws=1000,
            distributions={"api_price.decline_factor": LogNormal.from_p10_p90(2.0, 4.5)},
        ),
    )
    return dataclasses.replace(base, horizon=spec)


@pytest.fixture(scope="module")
def panel() -> HorizonExplorer:
    p = HorizonExplorer(given_scenario())
    assert p.message.value == "", p.message.value
    return p


def test_the_default_panel_opens_with_the_measured_trends() -> None:
    p = HorizonExplorer()
    assert p.message.value == "", p.message.value
    spec = p.base.horizon
    assert spec is not None and not spec.measured  # every measured value was filled
    assert p.api_decline.value == pytest.approx(spec.api_price.decline_factor)
    assert "API price: " in p.blocks["notes"].value
    assert p.chart_specs["paths"]


def bought_scenario():  # type: ignore[no-untyped-def]
    """The example at 20M requests a month on bought GPUs, prices held: a crossover case."""
    base = load_scenario(EXAMPLE)
    sh = dataclasses.replace(
        base.self_hosted,
        ownership="buy",
        cloud_offer=None,
        capex_usd_per_gpu=30_000,
        amortisation_years=4,
        power_w=700,
        pue=1.3,
        usd_per_kwh=0.12,
        hosting_usd_per_gpu_month=150,
    )
    workload = dataclasses.replace(base.workload, requests_per_month=20_000_000)
    spec = HorizonSpec(months=36, api_price=PriceSpec("held"), rent_price=PriceSpec("held"))
    return dataclasses.replace(
        base, workload=workload, self_hosted=sh, horizon=spec, horizon_months=None
    )


def test_opens_with_kpis_chart_and_bands(panel: HorizonExplorer) -> None:
    h = panel.horizon
    assert h is not None
    spec = panel.chart_specs["paths"]
    months = layer_values(spec, "month")
    assert max(months) == h.result.settings.months
    assert set(layer_values(spec, "plan")) >= {p.label for p in h.result.plans}
    assert layer_values(spec, "p10_usd"), "the Monte Carlo bands are drawn"
    assert kpi(panel, f"{h.result.settings.months} months · cheapest").startswith("$")
    # The API slider starts at the scenario's decline; its basis is shown below the chart.
    assert panel.api_decline.value == pytest.approx(3.0)
    assert "API price: given." in panel.blocks["notes"].value
    assert "Frontier shifts" in panel.blocks["presets"].value


def test_sliders_move_the_horizon_and_record_their_source(panel: HorizonExplorer) -> None:
    before = panel.horizon
    assert before is not None
    start = dict(kpi_values(panel))
    panel.months.value = 24
    assert panel.horizon is not None and panel.horizon.result.settings.months == 24
    assert max(layer_values(panel.chart_specs["paths"], "month")) == 24
    panel.api_decline.value = 50.0
    state = panel.read_state()
    assert state.horizon is not None
    assert state.horizon.api_price.decline_factor == pytest.approx(50.0)
    assert state.sources["horizon.api_price.decline_factor"] == SET_HERE
    drawn = state.horizon.monte_carlo.distributions["api_price.decline_factor"]  # type: ignore[union-attr]
    assert isinstance(drawn, LogNormal) and drawn.median == pytest.approx(50.0)
    # The panel shows exactly what the shared function computes for its state.
    assert panel.horizon == horizon_of(state, flip_search=False)
    assert kpi_values(panel) != start
    panel.discount.value = 0.0
    api = panel.horizon.result.plan("api")
    assert api.npv_usd == pytest.approx(api.total_cash_usd)  # no discounting


def test_a_bought_case_marks_the_crossover() -> None:
    p = HorizonExplorer(bought_scenario())
    assert p.message.value == "", p.message.value
    h = p.horizon
    assert h is not None and h.result.crossover is not None
    month = h.result.crossover.month
    assert month is not None and 1 < month < 36
    assert kpi(p, "Crossover") == f"month {month}"
    rules = [r for r in layer_values(p.chart_specs["paths"], "label") if "from month" in r]
    assert rules == [f"Self-hosted cheaper from month {month}"]
    assert p.gpu_decline.description.startswith("GPU price falls")
    p.gpu_decline.value = 2.0  # later GPU purchases at half the price a year on
    state = p.read_state()
    assert state.horizon is not None and state.horizon.hardware.price_decline_factor == 2.0


def test_state_round_trips_as_a_scenario_file(panel: HorizonExplorer, tmp_path: Path) -> None:
    panel.growth.value = 2.0
    path = panel.save(tmp_path / "horizon.yaml")
    # The file is a scenario the tco command and a brief take.
    again = parse_scenario_text(path.read_text(encoding="utf-8"), str(path))
    assert again.horizon is not None and again.horizon.volume_growth == pytest.approx(0.02)
    fresh = HorizonExplorer(given_scenario())
    fresh.load(path)
    assert fresh.growth.value == pytest.approx(2.0)
    assert kpi_values(fresh) == kpi_values(panel)


def test_a_file_without_a_horizon_is_refused_by_load(panel: HorizonExplorer) -> None:
    from analysis.scenario import scenario_to_dict

    plain = scenario_to_dict(dataclasses.replace(load_scenario(EXAMPLE), horizon=None))
    with pytest.raises(ScenarioError, match="no horizon block"):
        panel.state_from_mapping(plain, "x.yaml")
