"""Energy and carbon of GPUs in service: one formula for the power bill and the footprint.

Pure; no I/O. :func:`energy_kwh` is the one definition of the energy GPUs draw;
the bought GPU-hour's power cost (:mod:`analysis.sizing`) and the energy and
carbon per 1M output tokens (:func:`energy_use`) both call it, so the bill's
power line always equals energy × price.

Formulas (units in brackets):

- ``energy = GPUs·power_W/1000·PUE·hours`` [kWh];
- per 1M output tokens: ``GPUs·power_W/1000·PUE·(1e6·time per token/3600)`` [kWh],
  time per token = the fleet's seconds per output token [s/token];
- ``carbon = energy·grid intensity`` [g CO2e], grid intensity in g CO2e/kWh.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analysis.records import Record

SECONDS_PER_HOUR = 3600.0
_MTOK = 1e6


def energy_kwh(gpus: Any, power_w: Any, pue: Any, hours: Any) -> Any:
    """Energy drawn by GPUs running for a time, facility overhead included [kWh].

    ``GPUs·power_W/1000·PUE·hours``.

    Args:
        gpus: GPUs in service [count].
        power_w: average draw per GPU [W].
        pue: power usage effectiveness of the data centre [ratio, >= 1].
        hours: time in service [hours].

    Returns:
        kWh (a float, or an array when any argument is one).
    """
    return gpus * power_w / 1000 * pue * hours


@dataclass(frozen=True, slots=True)
class EnergyUse(Record):
    """Energy and carbon of a self-hosted deployment.

    Attributes:
        gpus: GPUs in service [count].
        power_w: average draw per GPU [W].
        power_basis: what the draw rests on (a measured draw, or the board power
            (TDP), an estimate and an upper bound).
        pue: power usage effectiveness used [ratio].
        pue_basis: where the PUE comes from (1.0 when none is given: GPU energy only).
        kwh_per_month: ``GPUs·power/1000·PUE·H`` [kWh/month].
        kwh_per_mtok: per 1M output tokens at the planned volume, ``GPUs·power/1000·
            PUE·(1e6·H·3600/(R·O))/3600`` [kWh per 1M output tokens].
        kwh_per_mtok_at_capacity: per 1M output tokens with every replica busy at its
            throughput T, ``g·power/1000·PUE·(1e6/T)/3600`` [kWh per 1M output tokens].
        grid_gco2e_per_kwh: grid intensity [g CO2e/kWh] (None: not given).
        gco2e_per_mtok: ``kwh_per_mtok·grid`` [g CO2e per 1M output tokens] (None: no grid).
        kgco2e_per_month: ``kwh_per_month·grid/1000`` [kg CO2e/month] (None: no grid).
        usd_per_month: ``kwh_per_month·usd_per_kwh`` [USD/month] (None: no price; a
            rented GPU's price includes its power).
    """

    gpus: int
    power_w: float
    power_basis: str
    pue: float
    pue_basis: str
    kwh_per_month: float
    kwh_per_mtok: float
    kwh_per_mtok_at_capacity: float
    grid_gco2e_per_kwh: float | None
    gco2e_per_mtok: float | None
    kgco2e_per_month: float | None
    usd_per_month: float | None


def energy_use(
    *,
    gpus: int,
    gpus_per_replica: int,
    power_w: float,
    power_basis: str,
    pue: float | None,
    hours_per_month: float,
    output_tokens_per_month: float,
    replica_tok_s: float,
    grid_gco2e_per_kwh: float | None = None,
    usd_per_kwh: float | None = None,
) -> EnergyUse:
    """Energy per month and per 1M output tokens, and carbon when the grid is known.

    ``kWh/month = energy_kwh(GPUs, power, PUE, H)``; per 1M output tokens at the
    planned volume, time per token = ``H·3600/(R·O)`` [s] of the whole fleet, so
    ``kWh/Mtok = energy_kwh(GPUs, power, PUE, 1e6·time per token/3600)``; at capacity,
    time per token = ``1/T`` [s] of one replica of g GPUs.

    Args:
        gpus: GPUs in service [count].
        gpus_per_replica: g [GPUs].
        power_w: average draw per GPU [W].
        power_basis: what the draw rests on.
        pue: PUE [ratio]; None counts the GPUs' own energy only (PUE 1).
        hours_per_month: H [hours/month].
        output_tokens_per_month: R·O [tokens/month] (> 0).
        replica_tok_s: T, output tok/s of one replica [tok/s] (> 0).
        grid_gco2e_per_kwh: grid intensity [g CO2e/kWh].
        usd_per_kwh: electricity price [USD/kWh].
    """
    used_pue = 1.0 if pue is None else float(pue)
    pue_basis = (
        "no PUE given: the GPUs' own energy only (facility overhead not counted)"
        if pue is None
        else "self_hosted.pue"
    )
    monthly = energy_kwh(gpus, power_w, used_pue, hours_per_month)
    fleet_s_per_token = hours_per_month * SECONDS_PER_HOUR / output_tokens_per_month
    per_mtok = energy_kwh(gpus, power_w, used_pue, _MTOK * fleet_s_per_token / SECONDS_PER_HOUR)
    at_capacity = energy_kwh(
        gpus_per_replica, power_w, used_pue, _MTOK / replica_tok_s / SECONDS_PER_HOUR
    )
    grid = None if grid_gco2e_per_kwh is None else float(grid_gco2e_per_kwh)
    return EnergyUse(
        gpus=gpus,
        power_w=float(power_w),
        power_basis=power_basis,
        pue=used_pue,
        pue_basis=pue_basis,
        kwh_per_month=monthly,
        kwh_per_mtok=per_mtok,
        kwh_per_mtok_at_capacity=at_capacity,
        grid_gco2e_per_kwh=grid,
        gco2e_per_mtok=None if grid is None else per_mtok * grid,
        kgco2e_per_month=None if grid is None else monthly * grid / 1000,
        usd_per_month=None if usd_per_kwh is None else monthly * usd_per_kwh,
    )
