"""Energy and carbon per 1M output tokens: a hand-computed case, exact."""

from __future__ import annotations

import pytest

from analysis.energy import energy_kwh, energy_use


def test_energy_kwh_by_hand():
    # 4 GPUs × 700 W × PUE 1.2 for 730 hours = 4 × 0.7 kW × 1.2 × 730 h = 2,452.8 kWh.
    assert energy_kwh(4, 700, 1.2, 730) == pytest.approx(2452.8, rel=1e-15)


def test_energy_per_million_tokens_by_hand():
    # 4 GPUs (2 per replica) at 700 W, PUE 1.2, 730 h/month, 1e9 output tokens/month,
    # a replica at 1,000 tok/s, grid 400 g CO2e/kWh, power at 0.10 USD/kWh.
    use = energy_use(
        gpus=4,
        gpus_per_replica=2,
        power_w=700,
        power_basis="estimate: TDP",
        pue=1.2,
        hours_per_month=730,
        output_tokens_per_month=1e9,
        replica_tok_s=1000,
        grid_gco2e_per_kwh=400,
        usd_per_kwh=0.10,
    )
    assert use.kwh_per_month == pytest.approx(2452.8, rel=1e-15)
    # Fleet time per output token: 730·3600/1e9 s; 1e6 tokens → 2,628 s = 0.73 h:
    # 4 × 0.7 × 1.2 × 0.73 = 2.4528 kWh per 1M output tokens.
    assert use.kwh_per_mtok == pytest.approx(2.4528, rel=1e-14)
    # One replica at capacity: 1e6/1000 = 1,000 s: 2 × 0.7 × 1.2 × 1000/3600 = 0.46667 kWh.
    assert use.kwh_per_mtok_at_capacity == pytest.approx(1.68 * 1000 / 3600, rel=1e-14)
    assert use.gco2e_per_mtok == pytest.approx(981.12, rel=1e-14)  # 2.4528 × 400
    assert use.kgco2e_per_month == pytest.approx(981.12, rel=1e-14)  # 2,452.8 × 400/1000
    assert use.usd_per_month == pytest.approx(245.28, rel=1e-14)  # 2,452.8 × 0.10
    assert use.power_basis == "estimate: TDP"


def test_without_pue_or_grid():
    use = energy_use(
        gpus=1,
        gpus_per_replica=1,
        power_w=350,
        power_basis="measured draw",
        pue=None,
        hours_per_month=730,
        output_tokens_per_month=1e8,
        replica_tok_s=500,
    )
    assert use.pue == 1.0 and "own energy only" in use.pue_basis
    assert use.gco2e_per_mtok is None and use.kgco2e_per_month is None
    assert use.usd_per_month is None
    assert use.kwh_per_month == pytest.approx(0.35 * 730)
