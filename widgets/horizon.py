"""Horizon explorer: the API and self-hosting over the next months as prices fall and volume grows.

The panel's state is an :class:`analysis.scenario.Scenario` with a ``horizon``
block (the file a brief and ``python -m analysis tco`` take). It is resolved once
when the panel opens (:func:`analysis.scenario.resolve`: prices, figures and the
``measured`` price trends from the warehouse, with their sources); the sliders
then change only the horizon's settings (months, volume growth, the API's and
the rent's decline factors, the discount rate), and each move calls
:func:`analysis.scenario.horizon_of`, the function the ``tco`` command and the
brief call. The brief's own builders (:func:`analysis.memo.horizon_section`,
:func:`analysis.memo.horizon_chart`) give the KPIs, the text and the cumulative-cost
chart with the crossover marked and the Monte Carlo's P10–P90 bands.

A decline factor the Monte Carlo draws from its measured interval (a lognormal)
is re-centred on the slider's value, keeping the measured spread.
"""

from __future__ import annotations

import dataclasses
import html
import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import ScenarioError
from widgets import choices
from widgets.base import Panel, View
from widgets.cards import Card, note_html
from widgets.tco import DEFAULT_SCENARIO, set_in

if TYPE_CHECKING:
    from analysis.horizon import HorizonReport
    from analysis.horizon.spec import HorizonSpec
    from analysis.memo import Names
    from analysis.scenario import Scenario

SET_HERE = set_in("horizon explorer")
_WIDE = {"description_width": "230px"}


def _layout(width: str = "520px") -> Any:
    import ipywidgets as W

    return W.Layout(width=width)


def default_spec() -> HorizonSpec:
    """The horizon a scenario without a ``horizon`` block is opened with: 36 months, the API
    switching to the cheapest model of equal capability and the rent following its trend,
    both measured in the warehouse; the default presets."""
    from analysis.horizon.spec import MEASURED, HorizonSpec, PriceSpec

    return HorizonSpec(
        api_price=PriceSpec("switch", MEASURED), rent_price=PriceSpec("trend", MEASURED)
    )


class HorizonExplorer(Panel):
    """Cumulative cost of each plan over 12–60 months, the crossover and its uncertainty.

    Args:
        scenario: the starting scenario: a :class:`~analysis.scenario.Scenario`, a
            YAML file, or None for ``reports/params/example_scenario.yaml``. Without a
            ``horizon`` block it gets :func:`default_spec`.
        as_of: the date of the lookups and trends (default: the scenario's ``as_of``,
            else today: the only place a "today" enters).

    Attributes:
        base: the resolved scenario (prices, figures and trends filled, with sources).
        horizon: the last :class:`~analysis.horizon.HorizonReport` shown.
        names: display names of what the scenario compares.
    """

    title = "Horizon explorer: how the answer changes as prices fall"
    lead = (
        "Each plan's cumulative cost over the horizon, discounted to today: the API, "
        "self-hosting and, with task classes, the hybrid split. Prices start from the "
        "trends measured in the warehouse; move a slider to try others. The shaded bands "
        "are the Monte Carlo's 10th to 90th percentiles."
    )
    chart_names = ("paths",)
    block_names = ("summary", "presets", "notes")

    def __init__(self, scenario: Scenario | str | Path | None = None, *, as_of: date | None = None):
        import ipywidgets as W

        from analysis import charts
        from analysis.scenario import Scenario, load_scenario, resolve

        super().__init__()
        charts.use_theme()
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(Path(scenario or DEFAULT_SCENARIO))
        if scenario.horizon is None:
            scenario = dataclasses.replace(scenario, horizon=default_spec())
        if as_of is not None or scenario.as_of is None:
            scenario = dataclasses.replace(scenario, as_of=as_of or date.today())
        self.base: Scenario = resolve(scenario)
        self.names: Names = choices.names_for(self.base)
        self.horizon: HorizonReport | None = None
        spec = self.base.horizon
        assert spec is not None
        settings = spec.settings(self.base.horizon_months)
        self.months = W.IntSlider(
            value=settings.months,
            min=12,
            max=60,
            step=1,
            continuous_update=False,
            description="Horizon, months",
            style=_WIDE,
            layout=_layout(),
        )
        self.growth = W.FloatSlider(
            value=round(settings.volume_growth * 100, 2),
            min=-5.0,
            max=10.0,
            step=0.25,
            readout_format=".2f",
            continuous_update=False,
            description="Volume growth, % a month",
            style=_WIDE,
            layout=_layout(),
        )
        self.api_decline = W.FloatLogSlider(
            value=settings.api_price.decline_factor,
            base=10,
            min=-1,
            max=3,
            step=0.01,
            readout_format=".3g",
            continuous_update=False,
            description=f"API price falls × a year ({settings.api_price.path})",
            style=_WIDE,
            layout=_layout(),
        )
        owned = self.base.self_hosted.ownership == "buy"
        hardware = (
            settings.hardware.price_decline_factor if owned else settings.rent_price.decline_factor
        )
        self.gpu_decline = W.FloatLogSlider(
            value=hardware,
            base=10,
            min=-0.5,
            max=1,
            step=0.005,
            readout_format=".3g",
            continuous_update=False,
            description=(
                "GPU price falls × a year" if owned else "GPU rent falls × a year (trend)"
            ),
            style=_WIDE,
            layout=_layout(),
        )
        self.discount = W.FloatSlider(
            value=round(settings.discount_rate * 100, 2),
            min=0.0,
            max=30.0,
            step=0.5,
            readout_format=".1f",
            continuous_update=False,
            description="Discount rate, % a year",
            style=_WIDE,
            layout=_layout(),
        )
        self._sliders = [
            self.months,
            self.growth,
            self.api_decline,
            self.gpu_decline,
            self.discount,
        ]
        self._finish(self._sliders)

    def controls(self) -> Any:
        import ipywidgets as W

        return W.VBox(self._sliders)

    # ------------------------------------------------------------------ state

    def read_state(self) -> Scenario:
        """The resolved scenario with the horizon's settings the sliders say (no arithmetic
        beyond turning percentages into shares)."""
        from analysis.uncertainty import LogNormal

        base = self.base
        spec = base.horizon
        assert spec is not None
        sources = dict(base.sources)
        owned = base.self_hosted.ownership == "buy"
        values = {
            "months": int(self.months.value),
            "volume_growth": float(self.growth.value) / 100,
            "discount_rate": float(self.discount.value) / 100,
        }
        before = spec.settings(base.horizon_months)
        changes: dict[str, Any] = {}
        for name, value in values.items():
            if not math.isclose(value, getattr(before, name), abs_tol=1e-9):
                changes[name] = value
                sources[f"horizon.{name}"] = SET_HERE
        factors = {"api_price": float(self.api_decline.value)}
        gpu_key = "hardware" if owned else "rent_price"
        gpu_field = "price_decline_factor" if owned else "decline_factor"
        factors[gpu_key] = float(self.gpu_decline.value)
        dists = dict(spec.monte_carlo.distributions) if spec.monte_carlo is not None else {}
        for key, value in factors.items():
            field = gpu_field if key == gpu_key else "decline_factor"
            current = getattr(getattr(spec, key), field)
            if math.isclose(value, float(current), rel_tol=1e-9):
                continue
            part = getattr(spec, key)
            if key == "rent_price" and part.path == "held":
                part = dataclasses.replace(part, path="trend")
            changes[key] = dataclasses.replace(part, **{field: value})
            if key != "hardware":
                changes[key] = dataclasses.replace(changes[key], basis=SET_HERE)
            sources[f"horizon.{key}.{field}"] = SET_HERE
            drawn = dists.get(f"{key}.{field}")
            if isinstance(drawn, LogNormal):  # the measured spread, re-centred on the value set
                dists[f"{key}.{field}"] = dataclasses.replace(drawn, median=value)
        if dists and spec.monte_carlo is not None:
            changes["monte_carlo"] = dataclasses.replace(spec.monte_carlo, distributions=dists)
        if "months" in changes and base.horizon_months is not None:
            base = dataclasses.replace(base, horizon_months=None)
        return dataclasses.replace(
            base, horizon=dataclasses.replace(spec, **changes), sources=sources
        )

    def write_state(self, state: Scenario) -> None:
        from analysis.scenario import resolve

        self.base = resolve(state)
        spec = self.base.horizon
        assert spec is not None
        settings = spec.settings(self.base.horizon_months)
        self.months.value = settings.months
        self.growth.value = round(settings.volume_growth * 100, 2)
        self.discount.value = round(settings.discount_rate * 100, 2)
        self.api_decline.value = settings.api_price.decline_factor
        owned = self.base.self_hosted.ownership == "buy"
        self.gpu_decline.value = (
            settings.hardware.price_decline_factor if owned else settings.rent_price.decline_factor
        )

    def state_to_mapping(self, state: Scenario) -> dict[str, Any]:
        from analysis.scenario import scenario_to_dict

        return scenario_to_dict(state)

    def state_from_mapping(self, data: Any, where: str) -> Scenario:
        from analysis.scenario import scenario_from_dict

        scenario = scenario_from_dict(data, where)
        if scenario.horizon is None:
            raise ScenarioError("horizon", None, f"the scenario in {where} has no horizon block")
        return scenario

    # ------------------------------------------------------------------ computing

    def compute(self, state: Scenario) -> View:
        from analysis.memo import horizon_chart, horizon_paragraphs, horizon_section
        from analysis.scenario import horizon_of

        h = horizon_of(state, flip_search=False)
        self.horizon = h
        as_of = state.as_of.isoformat() if state.as_of else "an unstated date"
        section = horizon_section(h, self.names, as_of, figure=False)
        cards = [
            Card(k.label, k.value, k.detail, "accent" if i == 0 else "neutral")
            for i, k in enumerate(section.kpis)
        ]
        paragraphs = horizon_paragraphs(h, self.names)
        summary = "".join(f"<p>{html.escape(p)}</p>" for p in (section.finding, *paragraphs[:-1]))
        rows = "".join(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(o.name),
                html.escape(h.labels.get(o.decision, o.decision)),
                "flips the decision" if o.changed else "no change",
            )
            for o in h.presets
        )
        presets = (
            "<table><caption>Frontier shifts</caption><thead><tr><th>Preset</th>"
            f"<th>Cheapest under it</th><th>Effect</th></tr></thead><tbody>{rows}</tbody></table>"
            if rows
            else ""
        )
        spec = state.horizon
        assert spec is not None
        notes = note_html(
            [
                f"API price: {spec.api_price.basis or 'given'}.",
                f"GPU rent: {spec.rent_price.basis or 'given'}.",
                paragraphs[-1],
            ]
        )
        return View(
            cards=cards,
            charts={"paths": horizon_chart(h, as_of)},
            blocks={"summary": summary, "presets": presets, "notes": notes},
        )
