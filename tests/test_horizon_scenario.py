"""The scenario's horizon block: strict keys, round trip, measured trends filled from the
warehouse with their sources, and the tco command's horizon summary."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from analysis.errors import ScenarioError
from analysis.horizon.spec import MEASURED, HorizonSpec, PriceSpec
from analysis.scenario import (
    dump_scenario,
    evaluate_scenario,
    horizon_of,
    load_scenario,
    parse_scenario_text,
    resolve,
)
from analysis.uncertainty import LogNormal

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "reports" / "params" / "example_scenario.yaml"
# A scenario whose API model has a long enough price history at its ECI level to fit
# (GPT-5.4 mini against gpt-oss-120b on a rented H200), written out so that the test does
# not move when the example files change. Routing scores are given, so nothing else is
# looked up for them.
SCENARIO = """
name: GPT-5.4 mini API vs gpt-oss-120b on rented H200s
as_of: 2026-12-01
workload: {requests_per_month: 1000000, input_tokens: 1500, output_tokens: 500}
api: {provider: openai, model: gpt-5.4-mini}
self_hosted:
  model: gpt-oss-120b
  gpu: nvidia-h200-sxm
  quantisation: fp8
  context_tokens: 8192
  concurrent_sequences: 16
  ownership: rent
  staff_fte: 0.25
  staff_annual_usd: 180000
routing:
  classes:
    - {name: easy, share: 0.7, benchmark: ECI, required_score: 120,
       input_tokens: 1000, output_tokens: 300}
    - {name: hard, share: 0.3, benchmark: ECI, required_score: 140,
       input_tokens: 3000, output_tokens: 1000}
  options:
    - {name: api, use: api, scores: {ECI: 148.9}}
    - {name: open, use: self_hosted, scores: {ECI: 141.0}}
"""
BLOCK = """
horizon:
  months: 24
  discount_rate: 0.05
  volume_growth: 0.02
  api_price: {path: switch, decline_factor: measured}
  rent_price: {path: trend, decline_factor: measured}
  hardware: {resale_fraction: 0.3}
  trends: {benchmark: ECI, thresholds: [120, 130]}
  capability: {benchmark: ECI, open_score: 140, closed_score: 150, floor: 138}
  monte_carlo:
    draws: 1000
    seed: 3
    distributions:
      api_price.decline_factor: measured
      rent_price.decline_factor: measured
      volume_growth: {kind: uniform, low: 0.0, high: 0.04}
  presets:
    - {name: Jump, kind: closed_jump, points: 5, month: 3, catch_up_months: 6}
    - {name: Cut, kind: api_price_cut, pct: 40}
"""


def example_text(block: str = BLOCK) -> str:
    """The test scenario with ``block`` as its horizon."""
    return SCENARIO.strip("\n") + "\n" + block.strip("\n") + "\n"


def test_the_block_reads_strictly_and_round_trips() -> None:
    scenario = parse_scenario_text(example_text(), "mine.yaml")
    spec = scenario.horizon
    assert spec is not None and spec.months == 24 and spec.api_price.measured
    assert spec.measured == (
        "api_price.decline_factor",
        "rent_price.decline_factor",
        "monte_carlo.distributions.api_price.decline_factor",
        "monte_carlo.distributions.rent_price.decline_factor",
    )
    assert [p.name for p in spec.presets] == ["Jump", "Cut"]
    again = parse_scenario_text(dump_scenario(scenario), "dump")
    assert again == scenario
    # Unknown keys anywhere in the block name the key, the file and the line.
    for bad, key in (
        ("discount_rate: 0.05", "discount: 0.05"),
        ("resale_fraction: 0.3", "resale: 0.3"),
        ("thresholds: [120, 130]", "levels: [120, 130]"),
        ("draws: 1000", "runs: 1000"),
        ("pct: 40}", "pct: 40, points: 2}"),
    ):
        with pytest.raises(ScenarioError, match=r"mine\.yaml, line \d+"):
            parse_scenario_text(example_text(BLOCK.replace(bad, key)), "mine.yaml")
    with pytest.raises(ScenarioError, match="horizon.api_price.decline_factor"):
        parse_scenario_text(example_text(BLOCK.replace("measured}", "lots}", 1)), "mine.yaml")
    with pytest.raises(ScenarioError, match="give the horizon once"):
        parse_scenario_text("horizon_months: 12\n" + example_text(), "mine.yaml")


def test_measured_factors_are_filled_from_the_warehouse_with_their_sources() -> None:
    scenario = resolve(parse_scenario_text(example_text(), "mine.yaml"))
    spec = scenario.horizon
    assert spec is not None and spec.measured == ()
    api = spec.api_price
    source = scenario.sources["horizon.api_price.decline_factor"]
    assert source.startswith("measured (the cheapest blended price of any model at the API")
    assert "ECI >= " in source and "(the API model's level)" in source and "90% CI" in source
    assert isinstance(api.decline_factor, float) and api.decline_factor > 1
    assert api.basis == source
    # The H200's rent follows the monthly GPU price index (normalised list prices).
    rent_source = scenario.sources["horizon.rent_price.decline_factor"]
    assert (
        rent_source.startswith("measured (the GPU type's rent") and "GIX-H200 index" in rent_source
    )
    assert spec.rent_price.decline_factor != 1.0
    dists = spec.monte_carlo.distributions if spec.monte_carlo else {}
    assert isinstance(dists["api_price.decline_factor"], LogNormal)
    assert isinstance(dists["rent_price.decline_factor"], LogNormal)
    assert dists["rent_price.decline_factor"].median == spec.rent_price.decline_factor
    # A resolved scenario writes the numbers it used, and reads back equal.
    assert parse_scenario_text(dump_scenario(scenario), "dump") == scenario


def test_thin_trends_hold_the_price_and_bought_gpus_draw_no_rent() -> None:
    bought = example_text().replace(
        "  ownership: rent\n",
        "  ownership: buy\n  capex_usd_per_gpu: 30000\n  amortisation_years: 4\n"
        "  power_w: 700\n  pue: 1.3\n  usd_per_kwh: 0.12\n  hosting_usd_per_gpu_month: 100\n",
    )
    # An ECI level no priced model series reaches often enough: not fitted, held.
    thin = bought.replace(
        "trends: {benchmark: ECI, thresholds: [120, 130]}", "trends: {benchmark: GPQA-Diamond}"
    )
    scenario = resolve(parse_scenario_text(thin, "mine.yaml"))
    spec = scenario.horizon
    assert spec is not None
    assert spec.api_price.decline_factor == 1.0
    assert "the price is held (factor 1)" in scenario.sources["horizon.api_price.decline_factor"]
    dists = spec.monte_carlo.distributions if spec.monte_carlo else {}
    assert set(dists) == {"volume_growth"}
    assert scenario.sources["horizon.monte_carlo.distributions.rent_price.decline_factor"] == (
        "not drawn: the GPUs are bought, so no rent is paid"
    )
    assert horizon_of(scenario).monte_carlo is not None  # the rest still runs


def test_the_report_carries_the_horizon_and_its_trends() -> None:
    report = evaluate_scenario(parse_scenario_text(example_text(), "mine.yaml"))
    h = report.horizon
    assert h is not None and report.trends is not None
    assert h.result.settings.months == 24
    assert set(h.result.names) == {"api", "self_hosted", "hybrid"}
    assert h.monte_carlo is not None and h.monte_carlo.draws == 1000
    assert [o.name for o in h.presets] == ["Jump", "Cut"]
    assert h.text.startswith("Over the next 24 months")
    # The panel and the CLI call the same function on the resolved scenario.
    assert horizon_of(report.scenario) == h
    quick = horizon_of(report.scenario, presets=False, monte_carlo=False)
    assert quick.presets == () and quick.monte_carlo is None and quick.result == h.result
    # Without a block there is no horizon, and asking for one says why.
    plain = replace(report.scenario, horizon=None)
    with pytest.raises(ScenarioError, match="no horizon block"):
        horizon_of(plain)


def test_a_held_block_needs_no_warehouse_trend() -> None:
    spec = HorizonSpec(months=12, api_price=PriceSpec("held", MEASURED))
    scenario = replace(load_scenario(EXAMPLE), horizon=spec)
    resolved = resolve(scenario)
    assert resolved.horizon is not None
    assert resolved.horizon.api_price.decline_factor == 1.0
    assert resolved.sources["horizon.api_price.decline_factor"].startswith("held")
    with pytest.raises(ScenarioError, match="resolve it first"):
        spec.settings()


@pytest.mark.slow
def test_tco_prints_the_horizon_summary(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(example_text(), encoding="utf-8")

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "analysis", "tco", "-f", str(path), *args],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    text = run()
    assert "Horizon: 24 months, discount rate 5.0% a year, volume +2.0% a month" in text
    assert "Frontier shifts:" in text and "  - Jump: " in text and "Measured trends:" in text
    assert "P(self-hosting cheaper over the horizon)" in text
    payload = json.loads(run("--json"))["horizon"]
    assert payload["months"] == 24 and len(payload["plans"]) == 3
    assert {p["plan"] for p in payload["plans"]} == {"api", "self_hosted", "hybrid"}
    assert payload["trends"] and all("fitted" in t for t in payload["trends"])
    assert [p["name"] for p in payload["presets"]] == ["Jump", "Cut"]
