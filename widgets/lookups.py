"""Warehouse lookups of a scenario, made once per set of lookup keys.

:func:`analysis.scenario.resolve` fills what a scenario leaves out (API
prices on its date, model and GPU figures, the cloud offer, measured
throughput, benchmark scores) with a few queries: tens of milliseconds, too
slow to repeat on every slider move. What it fills depends only on the
scenario's lookup keys (the date, the API model, the open model and GPU, the
ownership, which values are given, the benchmarks picked), never on the
numbers a slider moves (volume, tokens, utilisation, weights, ...). So a
panel resolves a scenario once per set of keys and applies the same filled
values to every scenario with those keys.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.scenario import Scenario
    from analysis.tco import ApiOption, SelfHostedOption

_SIZE = 64


def lookup_key(scenario: Scenario) -> tuple[object, ...]:
    """What the lookups of ``scenario`` depend on.

    Args:
        scenario: the scenario.

    Returns:
        A hashable key: equal keys get the same looked-up values.
    """
    sh = scenario.self_hosted
    routing = scenario.routing
    return (
        scenario.as_of,
        scenario.api,
        sh.model,
        sh.gpu,
        sh.ownership,
        sh.cloud_offer,
        sh.probe_run,
        sh.model_spec is None,
        sh.gpu_spec is None,
        sh.throughput_tok_s is None,
        sh.gpu_hour_usd is None,
        sh.capex_usd_per_gpu is None,
        sh.power_w is None,
        repr(scenario.quality),
        None if routing is None else tuple(c.benchmark for c in routing.classes),
        None if routing is None else repr(routing.options),
    )


def _changed(
    before: ApiOption | SelfHostedOption, after: ApiOption | SelfHostedOption
) -> dict[str, Any]:
    """The fields of a dataclass that a lookup filled or changed."""
    return {
        f.name: getattr(after, f.name)
        for f in dataclasses.fields(before)
        if getattr(before, f.name) != getattr(after, f.name)
    }


class Lookups:
    """:func:`analysis.scenario.resolve`, remembered per :func:`lookup_key`."""

    def __init__(self) -> None:
        self._filled: dict[tuple[object, ...], dict[str, Any]] = {}

    def resolve(self, scenario: Scenario) -> Scenario:
        """The scenario with every missing value looked up (see :func:`analysis.scenario.resolve`).

        Args:
            scenario: the scenario as the controls describe it.

        Returns:
            The resolved scenario, with a source for each value looked up.

        Raises:
            ScenarioError: a lookup fails (no price on the date, unknown model, ...).
            WarehouseError: the warehouse cannot be read.
        """
        from analysis.scenario import resolve

        key = lookup_key(scenario)
        filled = self._filled.get(key)
        if filled is None:
            resolved = resolve(scenario)
            filled = {
                "api": _changed(scenario.api, resolved.api),
                "self_hosted": _changed(scenario.self_hosted, resolved.self_hosted),
                "quality": resolved.quality,
                "options": None if resolved.routing is None else resolved.routing.options,
                "sources": {
                    k: v for k, v in resolved.sources.items() if scenario.sources.get(k) != v
                },
            }
            if len(self._filled) >= _SIZE:
                self._filled.clear()
            self._filled[key] = filled
        routing = scenario.routing
        if routing is not None:
            routing = dataclasses.replace(routing, options=filled["options"])
        return dataclasses.replace(
            scenario,
            api=dataclasses.replace(scenario.api, **filled["api"]),
            self_hosted=dataclasses.replace(scenario.self_hosted, **filled["self_hosted"]),
            quality=filled["quality"],
            routing=routing,
            sources={**scenario.sources, **filled["sources"]},
        )
