"""What the panels' dropdowns offer, read from the warehouse.

Each function returns ``(label, value)`` pairs for an ``ipywidgets.Dropdown``
plus the display names the brief's sections use. Nothing here is cached across
calls except by the caller: a rebuilt warehouse is read again by the next panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.memo import Names
    from analysis.scenario import Scenario

#: Off-peak rows are time-of-day discounts, not list prices (see analysis.prices).
_OFF_PEAK = " [off-peak]"


@dataclass(frozen=True)
class Choice:
    """One dropdown entry.

    Attributes:
        label: what the dropdown shows.
        value: what the control's value becomes.
        name: the display name used in texts and charts.
    """

    label: str
    value: Any
    name: str


def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    from analysis import warehouse

    return warehouse.query(sql, params).to_dicts()


def api_models(at: date) -> list[Choice]:
    """Closed models released by ``at`` (or undated) with a first-party API price in force then.

    Args:
        at: the price date.

    Returns:
        One choice per (provider, api_model), value ``(provider, api_model)``,
        ordered by provider and name; the label carries the prices [USD per 1M tokens].

    Raises:
        WarehouseError: the warehouse cannot be read.
    """
    rows = _rows(
        "SELECT p.provider, p.api_model, m.name, p.input_usd_per_mtok, p.output_usd_per_mtok "
        "FROM prices_at(?::DATE) AS p JOIN models AS m USING (model_id) "
        "WHERE NOT m.open_weights AND p.provider_kind = 'first-party' "
        "AND (m.release_date IS NULL OR m.release_date <= ?) "
        "AND NOT ends_with(p.api_model, ?) ORDER BY p.provider, m.name, p.api_model",
        [at, at, _OFF_PEAK],
    )
    return [
        Choice(
            f"{r['provider']} · {r['api_model']} (${r['input_usd_per_mtok']:g} in / "
            f"${r['output_usd_per_mtok']:g} out per 1M)",
            (r["provider"], r["api_model"]),
            str(r["name"]),
        )
        for r in rows
    ]


def open_models() -> list[Choice]:
    """Open-weight models that can be sized: parameters and attention figures known.

    Base (not post-trained) models are left out: they are not served to users.

    Returns:
        One choice per model, value the ``model_id``, ordered by name.

    Raises:
        WarehouseError: the warehouse cannot be read.
    """
    rows = _rows(
        "SELECT model_id, name, params_total_b FROM models WHERE open_weights "
        "AND model_type <> 'base' AND params_total_b IS NOT NULL AND layers IS NOT NULL "
        "AND kv_heads IS NOT NULL AND head_dim IS NOT NULL ORDER BY name",
        [],
    )
    return [
        Choice(f"{r['name']} ({r['params_total_b']:g}B)", r["model_id"], str(r["name"]))
        for r in rows
    ]


def gpus() -> list[Choice]:
    """Every GPU of the warehouse, value the ``gpu_id``, with its memory [GB] in the label.

    Returns:
        The choices, ordered by name.

    Raises:
        WarehouseError: the warehouse cannot be read.
    """
    rows = _rows("SELECT gpu_id, name, memory_gb FROM gpus ORDER BY name", [])
    return [
        Choice(f"{r['name']} ({r['memory_gb']:g} GB)", r["gpu_id"], str(r["name"])) for r in rows
    ]


def pairs(choices: list[Choice]) -> list[tuple[str, Any]]:
    """``(label, value)`` pairs for a Dropdown."""
    return [(c.label, c.value) for c in choices]


def name_of(choices: list[Choice], value: Any, default: str) -> str:
    """The display name of ``value`` among ``choices``, else ``default``."""
    return next((c.name for c in choices if c.value == value), default)


def names_for(
    scenario: Scenario,
    *,
    api: list[Choice] | None = None,
    models: list[Choice] | None = None,
    hardware: list[Choice] | None = None,
) -> Names:
    """Display names of what a scenario compares, for the brief's section builders.

    Args:
        scenario: the scenario (``as_of`` set).
        api, models, hardware: the API, open-model and GPU choices already read
            (each read here when None).

    Returns:
        The names; ids stand in for names the warehouse lacks.

    Raises:
        WarehouseError: the warehouse cannot be read.
    """
    from analysis.memo import Names

    a, sh = scenario.api, scenario.self_hosted
    if api is None:
        api = api_models(scenario.as_of) if scenario.as_of else []
    return Names(
        api_model=name_of(api, (a.provider, a.model), str(a.model or "the API model")),
        api_provider=str(a.provider or "the provider"),
        open_model=name_of(models or open_models(), sh.model, str(sh.model or "the open model")),
        gpu=name_of(hardware or gpus(), sh.gpu, str(sh.gpu or "GPU")),
    )
