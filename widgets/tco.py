"""TCO explorer: a closed model's API against a self-hosted open-weight model, live.

The panel's state is an :class:`analysis.scenario.Scenario` (the file a brief
and ``python -m analysis tco`` take). Moving a control builds a new scenario
from the controls; the warehouse lookups it needs (API prices in force on the
chosen date, model and GPU figures, the cloud offer) are made by
:func:`analysis.scenario.resolve` and remembered per set of lookup keys, so a
slider move costs no query; :func:`analysis.scenario.evaluate_scenario`
computes both bills, the break-even and the tornado; the brief's own section
builders (:func:`analysis.memo.cost_section`, :func:`analysis.memo.risk_section`)
turn the report into the comparison chart, the break-even curve and the
tornado, so the panel shows exactly what a brief of the same scenario would.

Every input shows the value the model uses: a value looked up (the GPU rent of
the cloud offer, the GPU's purchase price) is written into its control, with
its source on hover and below it; typing another value there overrides it,
and 0 asks for the looked-up value again.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.config import PROJECT_ROOT
from analysis.errors import ScenarioError
from widgets import choices
from widgets.base import InUse, Panel, View, options_of, stale_note
from widgets.cards import Card, note_html
from widgets.lookups import Lookups

if TYPE_CHECKING:
    from analysis.memo import Names
    from analysis.scenario import Scenario, ScenarioReport
    from analysis.tco import SelfHostedOption, SelfHostedResult

#: The scenario the explorer opens with when none is given.
DEFAULT_SCENARIO = PROJECT_ROOT / "reports" / "params" / "example_scenario.yaml"


def starting_scenario(scenario: Scenario | str | Path | None, as_of: date | None) -> Scenario:
    """The scenario a panel starts from, dated.

    Args:
        scenario: a :class:`~analysis.scenario.Scenario`, a YAML file, or None for
            :data:`DEFAULT_SCENARIO`.
        as_of: the date to start from (default: the scenario's ``as_of``, else
            today: the only place a "today" enters).

    Returns:
        The scenario, its ``as_of`` set.

    Raises:
        ScenarioError: the file is missing or its settings are wrong.
    """
    from analysis.scenario import Scenario, load_scenario

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(Path(scenario or DEFAULT_SCENARIO))
    when = as_of or scenario.as_of or date.today()
    return scenario if scenario.as_of == when else dataclasses.replace(scenario, as_of=when)


def set_in(panel: str) -> str:
    """The source recorded for a value set with a panel's control."""
    return f"assumption: set in the {panel}"


SET_HERE = set_in("TCO explorer")

#: Starting values of the buy-side controls when the scenario gives none,
#: each an estimate with what it rests on (recorded in the scenario's sources).
BUY_DEFAULTS: dict[str, tuple[float, str]] = {
    "pue": (
        1.58,
        "estimate: the industry-average PUE of 1.58 in 2023, Uptime Institute Global Data "
        "Center Survey (Uptime Intelligence Update 221, 2023-11-23)",
    ),
    "usd_per_kwh": (
        0.124,
        "estimate: US commercial-sector average price in 2022, EIA Electric Power Monthly "
        "tables 5.1 and 5.2 (revenue $172,257M / sales 1,390,873 GWh = 12.4 cents/kWh)",
    ),
    "amortisation_years": (
        5.0,
        "estimate: the 5-year server life Amazon uses from 2022-01-01 (2022 annual report); "
        "Microsoft uses 6 years from fiscal 2023",
    ),
    "hosting_usd_per_gpu_month": (
        0.0,
        "assumption: rack space, network and support not counted (0); set it for colocation",
    ),
}
#: Staff starting values when the scenario gives none.
STAFF_DEFAULTS: dict[str, tuple[float, str]] = {
    "staff_fte": (0.0, "assumption: no operations staff counted (0 FTE)"),
    "staff_annual_usd": (0.0, "assumption: not used while staff is 0 FTE"),
}
_DEFAULTS = {**BUY_DEFAULTS, **STAFF_DEFAULTS}

_WIDE = {"description_width": "170px"}

#: The panel's inputs (see :meth:`TCOExplorer.controls`) and the scenario parameter each sets.
INPUT_PARAMETERS = {
    "volume": "workload.requests_per_month",
    "input_tokens": "workload.input_tokens",
    "output_tokens": "workload.output_tokens",
    "api_model": "api.input_usd_per_mtok",
    "open_model": "self_hosted.model_spec",
    "gpu": "self_hosted.gpu_spec",
    "quantisation": "self_hosted.quantisation",
    "throughput": "self_hosted.throughput_tok_s",
    "utilisation": "self_hosted.utilisation",
    "gpu_hour": "self_hosted.gpu_hour_usd",
    "capex": "self_hosted.capex_usd_per_gpu",
    "amortisation": "self_hosted.amortisation_years",
    "pue": "self_hosted.pue",
    "power_price": "self_hosted.usd_per_kwh",
    "hosting": "self_hosted.hosting_usd_per_gpu_month",
    "staff_fte": "self_hosted.staff_fte",
    "staff_cost": "self_hosted.staff_annual_usd",
}
#: Inputs whose value may be looked up in the warehouse (shown in the control when it is).
LOOKED_UP = {"gpu_hour": "gpu_hour_usd", "capex": "capex_usd_per_gpu"}


def _layout(width: str = "390px") -> Any:
    import ipywidgets as W

    return W.Layout(width=width)


class TCOExplorer(Panel["Scenario"]):
    """Monthly cost of the API and of self-hosting, the break-even volume and the tornado.

    Args:
        scenario: the starting scenario: a :class:`~analysis.scenario.Scenario`, a
            YAML file, or None for ``reports/params/example_scenario.yaml``.
        as_of: the price date to start from (default: the scenario's ``as_of``,
            else today: the only place a "today" enters).

    Attributes:
        base: the starting scenario (values the controls do not cover come from it).
        report: the last :class:`~analysis.scenario.ScenarioReport` shown.
        measured: throughput handed over by a probe run, ``(tok/s, basis)``.
        lookups: the warehouse lookups of the scenarios shown, made once per set of keys.
    """

    title = "TCO explorer: closed API or self-hosted open model?"
    lead = (
        "Move a control and both monthly bills, the break-even volume and the charts follow. "
        "API prices come from the warehouse as of the chosen date; every value's source is "
        "kept in the scenario, which Save writes for a brief."
    )
    chart_names = ("comparison", "break_even", "tornado")
    block_names = ("notes",)

    def __init__(
        self, scenario: Scenario | str | Path | None = None, *, as_of: date | None = None
    ) -> None:
        import ipywidgets as W

        super().__init__()
        scenario = starting_scenario(scenario, as_of)
        self.base: Scenario = scenario
        self.report: ScenarioReport | None = None
        self.measured: tuple[float, str] | None = None
        self.lookups = Lookups()
        # Looked-up values shown in their controls (input -> value): not typed by the user.
        self._looked_up: dict[str, float] = {}
        self._open = choices.open_models()
        self._gpus = choices.gpus()
        self._api: list[choices.Choice] = []

        w = scenario.workload
        self.volume = W.FloatLogSlider(
            value=w.requests_per_month,
            base=10,
            min=3,
            max=10,
            step=0.01,
            description="Requests per month",
            readout_format=".3s",
            continuous_update=False,
            style=_WIDE,
            layout=_layout(),
        )
        self.input_tokens = W.BoundedIntText(
            value=int(w.input_tokens),
            min=1,
            max=2_000_000,
            description="Input tokens / request",
            style=_WIDE,
            layout=_layout(),
        )
        self.output_tokens = W.BoundedIntText(
            value=int(w.output_tokens),
            min=1,
            max=2_000_000,
            description="Output tokens / request",
            style=_WIDE,
            layout=_layout(),
        )
        self.as_of = W.DatePicker(
            value=scenario.as_of,
            description="Prices as of",
            style=_WIDE,
            layout=_layout(),
        )
        self.api_model = W.Dropdown(description="API model", style=_WIDE, layout=_layout("520px"))
        self.open_model = W.Dropdown(
            description="Open model",
            style=_WIDE,
            layout=_layout(),
        )
        self.gpu = W.Dropdown(description="GPU", style=_WIDE, layout=_layout())
        self.quantisation = W.ToggleButtons(
            options=[("bf16", "bf16"), ("fp8", "fp8"), ("int4", "int4")],
            description="Weight precision",
            style={**_WIDE, "button_width": "62px"},
            layout=_layout(),
        )
        self.throughput = W.Dropdown(
            description="Replica throughput", style=_WIDE, layout=_layout()
        )
        self.utilisation = W.FloatSlider(
            min=0.05,
            max=1.0,
            step=0.05,
            readout_format=".0%",
            continuous_update=False,
            description="Utilisation at peak",
            style=_WIDE,
            layout=_layout(),
        )
        self.ownership = W.ToggleButtons(
            options=[("Rent", "rent"), ("Buy", "buy")],
            description="GPUs are",
            style={**_WIDE, "button_width": "80px"},
            layout=_layout(),
        )
        self.gpu_hour = W.BoundedFloatText(
            min=0,
            max=1000,
            step=0.01,
            description="Rent, USD/GPU-hour",
            style=_WIDE,
            layout=_layout(),
        )
        self.capex = W.BoundedFloatText(
            min=0,
            max=1_000_000,
            step=100,
            description="Price, USD per GPU",
            style=_WIDE,
            layout=_layout(),
        )
        self.amortisation = W.FloatSlider(
            min=1,
            max=10,
            step=0.5,
            continuous_update=False,
            readout_format=".1f",
            description="Amortisation, years",
            style=_WIDE,
            layout=_layout(),
        )
        self.pue = W.FloatSlider(
            min=1.0,
            max=3.0,
            step=0.01,
            continuous_update=False,
            readout_format=".2f",
            description="PUE (facility/IT power)",
            style=_WIDE,
            layout=_layout(),
        )
        self.power_price = W.FloatSlider(
            min=0.01,
            max=0.60,
            step=0.005,
            continuous_update=False,
            readout_format=".3f",
            description="Power, USD/kWh",
            style=_WIDE,
            layout=_layout(),
        )
        self.hosting = W.BoundedFloatText(
            min=0,
            max=100_000,
            step=10,
            description="Hosting, USD/GPU-month",
            style=_WIDE,
            layout=_layout(),
        )
        self.staff_fte = W.FloatSlider(
            min=0,
            max=10,
            step=0.05,
            continuous_update=False,
            readout_format=".2f",
            description="Staff, FTE",
            style=_WIDE,
            layout=_layout(),
        )
        self.staff_cost = W.BoundedFloatText(
            min=0,
            max=5_000_000,
            step=1000,
            description="Staff, USD/year per FTE",
            style=_WIDE,
            layout=_layout(),
        )
        self._write(scenario)
        self.as_of.observe(self._on_date, names="value")
        self.ownership.observe(self._on_ownership, names="value")
        self._finish(
            [
                self.volume,
                self.input_tokens,
                self.output_tokens,
                self.api_model,
                self.open_model,
                self.gpu,
                self.quantisation,
                self.throughput,
                self.utilisation,
                self.ownership,
                self.gpu_hour,
                self.capex,
                self.amortisation,
                self.pue,
                self.power_price,
                self.hosting,
                self.staff_fte,
                self.staff_cost,
            ]
        )

    # ------------------------------------------------------------------ layout

    def controls(self) -> Any:
        import ipywidgets as W

        def column(title: str, *items: Any) -> Any:
            return W.VBox([W.HTML(f"<b>{title}</b>"), *items], layout=W.Layout(margin="0 16px 0 0"))

        def shown(name: str) -> Any:
            return self.noted(name, getattr(self, name), note=name in ("throughput", *LOOKED_UP))

        return W.VBox(
            [
                W.HBox(
                    [
                        column(
                            "Workload", *map(shown, ("volume", "input_tokens", "output_tokens"))
                        ),
                        column("Closed model through its API", self.as_of, shown("api_model")),
                    ],
                    layout=W.Layout(flex_flow="row wrap"),
                ),
                W.HBox(
                    [
                        column(
                            "Open model, self-hosted",
                            *map(
                                shown,
                                ("open_model", "gpu", "quantisation", "throughput", "utilisation"),
                            ),
                        ),
                        column(
                            "Hardware and people",
                            self.ownership,
                            *map(
                                shown,
                                (
                                    "gpu_hour",
                                    "capex",
                                    "amortisation",
                                    "pue",
                                    "power_price",
                                    "hosting",
                                    "staff_fte",
                                    "staff_cost",
                                ),
                            ),
                        ),
                    ],
                    layout=W.Layout(flex_flow="row wrap"),
                ),
            ]
        )

    # ------------------------------------------------------------------ controls <-> state

    def _api_options(
        self, at: date | None, current: tuple[str | None, str] | None
    ) -> list[tuple[str, Any]]:
        self._api = choices.api_models(at) if at else []
        pairs = choices.pairs(self._api)
        if current is not None and current not in [v for _, v in pairs]:
            label = f"{current[0]} · {current[1]} (no first-party price listed on this date)"
            return [(label, current), *pairs]
        return pairs

    def _on_date(self, change: Any) -> None:
        with self.holding():
            current = self.api_model.value
            self.api_model.options = self._api_options(change["new"], current)
            self.api_model.value = current

    def _on_ownership(self, change: Any) -> None:
        buy = change["new"] == "buy"
        self.gpu_hour.disabled = buy
        for control in (self.capex, self.amortisation, self.pue, self.power_price, self.hosting):
            control.disabled = not buy

    def _throughput_options(self, sh: SelfHostedOption) -> list[tuple[str, str]]:
        options = [("decode estimate (range, at the latency target)", "estimate")]
        if sh.throughput_tok_s is not None or sh.probe_run is not None:
            basis = sh.throughput_basis or (
                f"probe run {sh.probe_run}" if sh.probe_run else "the scenario"
            )
            value = f"{sh.throughput_tok_s:,.0f} tok/s, " if sh.throughput_tok_s else ""
            options.insert(0, (f"as in the scenario: {value}{basis}", "scenario"))
        if self.measured is not None:
            tok_s, basis = self.measured
            options.insert(0, (f"measured: {tok_s:,.1f} tok/s ({basis})", "measured"))
        return options

    def write_state(self, state: Scenario) -> None:
        self.base = state
        self._write(state)

    def _write(self, s: Scenario) -> None:
        w, api, sh = s.workload, s.api, s.self_hosted
        self._looked_up = {}  # the values set below are the scenario's own
        self.volume.value = w.requests_per_month
        self.input_tokens.value = int(w.input_tokens)
        self.output_tokens.value = int(w.output_tokens)
        if s.as_of is not None:
            self.as_of.value = s.as_of
        current = (api.provider, api.model) if api.model else None
        self.api_model.options = self._api_options(self.as_of.value, current)
        if current is not None:
            self.api_model.value = current
        self.open_model.options = options_of(choices.pairs(self._open), sh.model)
        self.open_model.value = sh.model
        self.gpu.options = options_of(choices.pairs(self._gpus), sh.gpu)
        self.gpu.value = sh.gpu
        self.quantisation.value = sh.quantisation
        self.throughput.options = self._throughput_options(sh)
        self.throughput.value = self.throughput.options[0][1]
        self.utilisation.value = sh.utilisation
        self.ownership.value = sh.ownership
        self.gpu_hour.value = sh.gpu_hour_usd or 0.0  # 0 until the offer's price is shown
        self.capex.value = sh.capex_usd_per_gpu or 0.0  # 0 until the warehouse price is shown
        for control, name in (
            (self.amortisation, "amortisation_years"),
            (self.pue, "pue"),
            (self.power_price, "usd_per_kwh"),
            (self.hosting, "hosting_usd_per_gpu_month"),
            (self.staff_fte, "staff_fte"),
            (self.staff_cost, "staff_annual_usd"),
        ):
            given = getattr(sh, name)
            control.value = _DEFAULTS[name][0] if given is None else given
        self._on_ownership({"new": sh.ownership})

    def read_state(self) -> Scenario:
        """The scenario the controls describe (lookups not made yet).

        A looked-up value shown in its control (:attr:`_looked_up`) is left to
        the lookup; any other value in the control is the user's.
        """
        from analysis.tco import (
            ApiOption,
        )

        base = self.base
        if self.as_of.value is None:
            raise ScenarioError("as_of", None, "pick the date the API prices are looked up at")
        if self.api_model.value is None:
            raise ScenarioError("api.model", None, "pick an API model")
        sources = dict(base.sources)
        workload = dataclasses.replace(
            base.workload,
            requests_per_month=float(self.volume.value),
            input_tokens=self.input_tokens.value,
            output_tokens=self.output_tokens.value,
        )
        for name in ("requests_per_month", "input_tokens", "output_tokens"):
            self._mark(
                sources, f"workload.{name}", getattr(base.workload, name), getattr(workload, name)
            )
        provider, model = self.api_model.value
        api = base.api
        if (provider, model) != (base.api.provider, base.api.model):
            api = ApiOption(provider=provider, model=model)
            for key in [k for k in sources if k.startswith("api.")]:
                del sources[key]
        sh = self._self_hosted(base.self_hosted, sources)
        return dataclasses.replace(
            base,
            workload=workload,
            api=api,
            self_hosted=sh,
            as_of=self.as_of.value,
            sources=sources,
        )

    def _typed(self, name: str, value: float) -> float | None:
        """The value typed in a looked-up input, or None to look it up (0 or the value shown)."""
        if value <= 0 or value == self._looked_up.get(name):
            return None
        return value

    def _self_hosted(self, base: SelfHostedOption, sources: dict[str, str]) -> SelfHostedOption:
        sh = base
        changes: dict[str, Any] = {}
        if self.open_model.value != base.model:
            changes.update(model=self.open_model.value, model_spec=None)
            sources.pop("self_hosted.model_spec", None)
        if self.gpu.value != base.gpu:
            changes.update(
                gpu=self.gpu.value,
                gpu_spec=None,
                cloud_offer=None,
                gpu_hour_usd=None,
                capex_usd_per_gpu=None,
                power_w=None,
            )
            for name in ("gpu_spec", "gpu_hour_usd", "capex_usd_per_gpu", "power_w"):
                sources.pop(f"self_hosted.{name}", None)
        choice = self.throughput.value
        if choice == "estimate":
            changes.update(
                throughput_tok_s=None, throughput_basis=None, probe_run=None, match_probe_runs=False
            )
            sources.pop("self_hosted.throughput_tok_s", None)
        elif choice == "measured" and self.measured is not None:
            tok_s, basis = self.measured
            changes.update(throughput_tok_s=tok_s, throughput_basis=basis, probe_run=None)
            sources["self_hosted.throughput_tok_s"] = f"measured: {basis}"
        sh = dataclasses.replace(sh, **changes)
        values: dict[str, Any] = {
            "quantisation": self.quantisation.value,
            "utilisation": self.utilisation.value,
            "ownership": self.ownership.value,
            "staff_fte": self.staff_fte.value,
            "staff_annual_usd": self.staff_cost.value,
        }
        if self.ownership.value == "rent":
            typed = self._typed("gpu_hour", self.gpu_hour.value)
            if typed is not None:
                values["gpu_hour_usd"] = typed
        else:
            typed = self._typed("capex", self.capex.value)
            if typed is not None:
                values["capex_usd_per_gpu"] = typed
            values.update(
                amortisation_years=self.amortisation.value,
                pue=self.pue.value,
                usd_per_kwh=self.power_price.value,
                hosting_usd_per_gpu_month=self.hosting.value,
            )
        for name, value in values.items():
            before = getattr(sh, name)
            default = _DEFAULTS.get(name)
            if before is None and default is not None and value == default[0]:
                sources.setdefault(f"self_hosted.{name}", default[1])
            else:
                self._mark(sources, f"self_hosted.{name}", before, value)
        return dataclasses.replace(sh, **values)

    @staticmethod
    def _mark(sources: dict[str, str], path: str, before: object, after: object) -> None:
        """Record that a control changed a value, unless it is the scenario's own."""
        if after != before:
            sources[path] = SET_HERE

    # ------------------------------------------------------------------ computing

    def compute(self, state: Scenario) -> View:
        from analysis.memo import cost_section, risk_section
        from analysis.scenario import evaluate_scenario

        # Only the cost comparison is live; the rest of the scenario is kept for the brief
        # (the horizon has its own panel, widgets.horizon).
        core = dataclasses.replace(
            state, monte_carlo=None, quality=None, routing=None, scorecard=None, horizon=None
        )
        resolved = self.lookups.resolve(core)
        report = evaluate_scenario(resolved, lookup=False)
        names = choices.names_for(resolved, api=self._api, models=self._open, hardware=self._gpus)
        cost, risk = cost_section(report, names), risk_section(report, names)
        inputs = in_use(state, report)
        self.report = report
        self._looked_up = {
            name: float(shown.value)  # type: ignore[arg-type]
            for name, shown in inputs.items()
            if name in LOOKED_UP and shown.value is not None
        }
        return View(
            cards=_cards(report, names),
            charts={
                "comparison": cost.figures[0].chart,
                "break_even": cost.figures[1].chart,
                "tornado": risk.figures[0].chart if risk.figures else None,
            },
            blocks={"notes": note_html(_notes(report))},
            inputs=inputs,
            notice=stale_note(resolved.as_of),
        )

    # ------------------------------------------------------------------ probes and files

    def use_measured_throughput(self, tok_s: float, basis: str) -> None:
        """Cost the self-hosted option at a measured replica throughput.

        Called by :meth:`widgets.probe.ProbeRunner.use_in_tco`.

        Args:
            tok_s: output tokens per second one replica sustains within the SLO [tok/s].
            basis: what the figure rests on (probe run, server, SLO).

        Raises:
            ScenarioError: when ``tok_s`` is not a positive finite number.
        """
        import math

        if (
            isinstance(tok_s, bool)
            or not isinstance(tok_s, (int, float))
            or not (math.isfinite(tok_s) and tok_s > 0)
        ):
            raise ScenarioError("self_hosted.throughput_tok_s", tok_s, "must be a positive number")
        self.measured = (float(tok_s), str(basis))
        with self.holding():
            self.throughput.options = self._throughput_options(self.base.self_hosted)
            self.throughput.value = "measured"

    def state_to_mapping(self, state: Scenario) -> dict[str, Any]:
        from analysis.scenario import scenario_to_dict

        return scenario_to_dict(state)

    def state_from_mapping(self, data: Any, where: str) -> Scenario:
        from analysis.scenario import scenario_from_dict

        return scenario_from_dict(data, where)


def in_use(state: Scenario, report: ScenarioReport) -> dict[str, InUse]:
    """Each input's value in use and its source, for the panel to show.

    A value the scenario leaves out and the warehouse supplies (the rent of the
    cloud offer, the GPU's purchase price) is shown in its control; a value
    typed is shown as typed. Every input's tooltip is the source of its value.

    Args:
        state: the scenario the controls describe (before lookups).
        report: its evaluation (``report.scenario`` resolved, with ``sources``).

    Returns:
        Input name (:data:`INPUT_PARAMETERS`) -> :class:`~widgets.base.InUse`.
    """
    from analysis.memo import number, usd

    resolved = report.scenario
    sources = resolved.sources
    sh = resolved.self_hosted
    out = {
        name: InUse(None, sources.get(path) or "no stated source")
        for name, path in INPUT_PARAMETERS.items()
    }
    used = {"gpu_hour": sh.ownership == "rent", "capex": sh.ownership == "buy"}
    unit = {"gpu_hour": "a GPU-hour", "capex": "per GPU"}
    for name, field in LOOKED_UP.items():
        source = out[name].source
        value = getattr(sh, field)
        if not used[name]:
            other = "bought" if sh.ownership == "buy" else "rented"
            out[name] = InUse(None, f"not used: the GPUs are {other}", "not used")
        elif value is not None and getattr(state.self_hosted, field) is None:
            price = usd(value, 2)
            out[name] = InUse(float(value), source, f"{price} {unit[name]}, looked up: {source}")
        elif value is not None:
            out[name] = InUse(None, source, f"{usd(value, 2)} {unit[name]}: {source}")
    throughput = report.tco.self_hosted.sizing.throughput
    basis = sources.get("self_hosted.throughput_tok_s") or (
        f"{throughput.basis}: {throughput.detail}" if throughput.detail else throughput.basis
    )
    shown = number(throughput.tok_s)
    if throughput.estimated and throughput.range is not None:
        shown += f" ({number(throughput.range.low)}–{number(throughput.range.high)})"
    out["throughput"] = InUse(None, basis, f"{shown} output tok/s per replica: {basis}")
    for name in ("amortisation", "pue", "power_price", "hosting"):
        if sh.ownership != "buy":
            out[name] = InUse(None, "not used: the GPUs are rented")
    return out


def _cards(report: ScenarioReport, names: Names) -> list[Card]:
    from analysis.memo import number, usd

    tco, s = report.tco, report.scenario
    api, sh, be = tco.api, tco.self_hosted, tco.break_even
    prices = (
        f"${s.api.input_usd_per_mtok:g} in / ${s.api.output_usd_per_mtok:g} out per 1M tokens"
        f", in force from {s.api.price_date or 'an unknown start'}"
    )
    sizing = sh.sizing
    ownership = "rented" if sizing.gpu_hour.ownership == "rent" else "bought"
    hosted_detail = (
        f"{sh.replicas} replica(s) × {sizing.gpus_per_replica} {names.gpu} ({ownership}, "
        f"${sizing.gpu_hour.usd:,.2f}/GPU-hour), {usd(sh.staff_usd)} staff"
    )
    cheaper = {"api": "API", "self_hosted": "Self-hosted", "equal": "Neither"}[tco.cheaper]
    saving_detail = {
        "api": "the API costs less than self-hosting",
        "self_hosted": "self-hosting costs less than the API",
        "equal": "both options cost the same",
    }[tco.cheaper]
    if be.requests_per_month is not None:
        be_value = number(be.requests_per_month)
        be_detail = "from this volume on, self-hosting costs no more"
    else:
        be_value, be_detail = "none", be.reason
    return [
        Card(f"API · {names.api_model}, USD/month", usd(api.monthly_usd), prices),
        Card(f"Self-hosted · {names.open_model}, USD/month", usd(sh.monthly_usd), hosted_detail),
        Card("Saving, USD/month", usd(abs(tco.difference_usd)), saving_detail, "good"),
        Card("Break-even, requests/month", be_value, be_detail),
        Card(
            "Cheaper option",
            cheaper,
            f"at {number(tco.workload.requests_per_month)} requests a month",
            "accent",
        ),
        *_energy_cards(sh),
    ]


def _energy_cards(hosted: SelfHostedResult) -> list[Card]:
    """Energy (and carbon) per 1M output tokens of the self-hosted option, when known."""
    from analysis.memo import number

    e = hosted.energy
    if e is None:
        return []
    carbon = (
        f"{number(e.gco2e_per_mtok)} g CO2e at {number(e.grid_gco2e_per_kwh)} g/kWh"
        if e.gco2e_per_mtok is not None and e.grid_gco2e_per_kwh is not None
        else "no grid intensity given"
    )
    return [
        Card(
            "Energy, kWh per 1M output tokens",
            f"{e.kwh_per_mtok:,.2f}",
            f"at this volume; {e.kwh_per_mtok_at_capacity:,.2f} with replicas busy; {carbon}; "
            f"power: {e.power_basis}",
        )
    ]


def _notes(report: ScenarioReport) -> list[str]:
    from analysis.memo import energy_words, throughput_words

    s = report.scenario
    sources = s.sources
    sizing = report.tco.self_hosted.sizing
    prices = sources.get("api.input_usd_per_mtok") or s.api.price_source or "the scenario"
    lines = [
        f"API prices: {prices}.",
        "GPU cost: "
        + (
            sources.get("self_hosted.gpu_hour_usd")
            or sources.get("self_hosted.capex_usd_per_gpu")
            or "the scenario"
        )
        + ".",
        f"Replica throughput: {throughput_words(report)}; {sizing.gpus_per_replica} GPU(s) "
        f"per replica ({sizing.gpus_basis}).",
    ]
    energy = energy_words(report)
    if energy is not None:
        lines.append(energy)
    if report.unsourced:
        lines.append(f"Assumptions without a stated source: {', '.join(report.unsourced)}.")
    return lines
