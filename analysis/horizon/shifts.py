"""Frontier shifts: named, editable what-ifs run through the horizon model and the hybrid router.

Pure; no I/O. A :class:`Preset` is one of four shifts:

- ``closed_jump``: the closed frontier jumps by N points on a capability scale
  (ECI by default) in month m. The closed API (the scenario's own API option)
  moves to the new model at the same price, and every quality floor on that
  scale rises with it: the gap accepted today is the most accepted. The open
  model no longer meets the floor, so the plain self-hosted plan sends its
  traffic to the API, and the hybrid split re-routes, until an open model
  catches up (``catch_up_months`` after the jump, when given).
- ``open_catch_up``: an open model reaches the closed model's level in month M;
  it is served on the same hardware (its GPUs per replica and throughput).
- ``api_price_cut``: the API price falls X% in month m (one-off).
- ``gpu_rent_decline``: GPU rent falls Y% a year (rented hardware; bought
  hardware: later purchases cost that much less).

The plans compared are the API alone, self-hosting alone and, when task classes
are given, the hybrid split (:func:`analysis.routing.route`, re-run in each
month the shift changes scores or floors, at month 1's volume). The decision is
the plan with the lowest NPV over the horizon; an outcome says whether the
shift changes it, and how the split moves. The router decides at month 1's
volume and at today's prices (bought hardware amortised, as in the monthly
model); within a regime the split is held while volume grows, and a
deployment's ``max_replicas`` is not checked again.

Capability of the plain self-hosted plan: it is taken to be good enough today
(as the monthly cost comparison takes it) unless :class:`Capability` gives a
floor; with a floor, a month is served self-hosted only when the open model's
level on the scale is at least the floor (both moved by the shifts), otherwise
through the API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from analysis.errors import ScenarioError
from analysis.horizon.model import (
    API,
    HYBRID,
    SELF_HOSTED,
    HorizonMonteCarlo,
    HorizonResult,
    HorizonSettings,
    Plan,
    PriceEvent,
    Regime,
    api_plan,
    evaluate_horizon,
    horizon_monte_carlo,
    self_hosted_plan,
)
from analysis.horizon.trends import annual_factor_from_percent
from analysis.parameters import Num, check_number
from analysis.records import Record
from analysis.routing import RouteOption, RoutingResult, TaskClass, route
from analysis.tco import TcoCase, api_cost
from analysis.uncertainty import Distribution

KINDS = ("closed_jump", "open_catch_up", "api_price_cut", "gpu_rent_decline")
#: The fields each kind takes besides name and kind.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "closed_jump": ("points", "benchmark", "month", "catch_up_months"),
    "open_catch_up": ("benchmark", "month"),
    "api_price_cut": ("pct", "month"),
    "gpu_rent_decline": ("pct",),
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "closed_jump": ("points",),
    "open_catch_up": ("month",),
    "api_price_cut": ("pct",),
    "gpu_rent_decline": ("pct",),
}
DEFAULT_SCALE = "ECI"
#: How a robust decision reads: the cheapest plan wins in at least this share of draws.
ROBUST_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class Preset(Record):
    """A named frontier shift (see the module's description of each kind).

    Attributes:
        name: how it is shown ("Closed frontier jumps by 8 ECI points").
        kind: ``closed_jump``, ``open_catch_up``, ``api_price_cut`` or ``gpu_rent_decline``.
        points: N, the jump [points of ``benchmark``] (closed_jump).
        benchmark: the capability scale of the jump or the catch-up (None for a
            catch-up: every benchmark) [a benchmark name, or ``ECI``].
        month: the month it happens [month, 1 = now] (closed_jump, api_price_cut:
            default 1; open_catch_up: M, the month the open model catches up).
        catch_up_months: months after the jump until an open model catches up
            (closed_jump; None: not within the horizon) [months].
        pct: X, the one-off API price cut [%] (api_price_cut), or Y, the GPU rent
            fall [% per year] (gpu_rent_decline; negative: a rise).
    """

    NUMBERS: ClassVar[dict[str, Num]] = {
        "points": Num("points", 0.0, True),
        "month": Num("month", 1, False, 60, False, integer=True),
        "catch_up_months": Num("months", 1, False, 60, False, integer=True),
    }

    name: str
    kind: str
    points: float | None = None
    benchmark: str | None = None
    month: int | None = None
    catch_up_months: int | None = None
    pct: float | None = None

    def __post_init__(self) -> None:
        where = f"horizon.presets.{self.name}"
        if not isinstance(self.name, str) or not self.name:
            raise ScenarioError("horizon.presets.name", self.name, "must be a non-empty name")
        if self.kind not in KINDS:
            raise ScenarioError(f"{where}.kind", self.kind, f"must be one of: {', '.join(KINDS)}")
        allowed = KIND_FIELDS[self.kind]
        for name in ("points", "benchmark", "month", "catch_up_months", "pct"):
            value = getattr(self, name)
            if value is not None and name not in allowed:
                raise ScenarioError(
                    f"{where}.{name}",
                    value,
                    f"does not apply to {self.kind}; it takes " + ", ".join(allowed),
                )
        for name in _REQUIRED[self.kind]:
            if getattr(self, name) is None:
                raise ScenarioError(f"{where}.{name}", None, f"is required for {self.kind}")
        for name, spec in self.NUMBERS.items():
            value = getattr(self, name)
            if value is not None:
                check_number(where, name, value, spec)
        if self.benchmark is not None and (
            not isinstance(self.benchmark, str) or not self.benchmark
        ):
            raise ScenarioError(f"{where}.benchmark", self.benchmark, "must name a benchmark")
        if self.pct is not None:
            high = 100.0
            spec = Num(
                "percent", -1000.0 if self.kind == "gpu_rent_decline" else 0.0, True, high, True
            )
            check_number(where, "pct", self.pct, spec)

    @property
    def scale(self) -> str | None:
        """The benchmark the shift is on (closed_jump: ECI unless given)."""
        if self.kind == "closed_jump":
            return self.benchmark or DEFAULT_SCALE
        return self.benchmark

    @property
    def at(self) -> int:
        """The month it happens (default 1)."""
        return self.month or 1

    def describe(self) -> str:
        """The shift in words."""
        if self.kind == "closed_jump":
            text = (
                f"the closed frontier jumps by {self.points:g} {self.scale} points "
                f"in month {self.at}"
            )
            if self.catch_up_months:
                text += f"; an open model catches up {self.catch_up_months} months later"
            return text
        if self.kind == "open_catch_up":
            on = f" on {self.benchmark}" if self.benchmark else ""
            return f"an open model reaches the closed model's level{on} in month {self.at}"
        if self.kind == "api_price_cut":
            return f"the API price falls {self.pct:g}% in month {self.at}"
        return f"GPU rent falls {self.pct:g}% a year"


#: The presets a horizon runs when none are given (each editable in a scenario file).
DEFAULT_PRESETS: tuple[Preset, ...] = (
    Preset("Closed frontier jumps by 8 ECI points", "closed_jump", points=8.0, month=6),
    Preset("Open models catch up within 6 months", "open_catch_up", month=6),
    Preset("API price cut 50%", "api_price_cut", pct=50.0, month=1),
    Preset("GPU rent falls 30% a year", "gpu_rent_decline", pct=30.0),
)


@dataclass(frozen=True, slots=True)
class Capability(Record):
    """The plain self-hosted plan's quality floor on a capability scale.

    Attributes:
        benchmark: the scale (ECI, or a benchmark name).
        open_score: the open model's level on it today (None: not known).
        closed_score: the closed API model's level today (None: not known).
        floor: the lowest level the work accepts (None: whatever the open model
            delivers today, i.e. the gap accepted today is the most accepted).
    """

    benchmark: str = DEFAULT_SCALE
    open_score: float | None = None
    closed_score: float | None = None
    floor: float | None = None

    def __post_init__(self) -> None:
        for name in ("open_score", "closed_score", "floor"):
            value = getattr(self, name)
            if value is not None:
                check_number("horizon.capability", name, value, Num("points", 0.0, False))
        if self.floor is not None and (self.open_score is None or self.closed_score is None):
            raise ScenarioError(
                "horizon.capability.floor",
                self.floor,
                "needs open_score and closed_score on the same scale",
            )


@dataclass(frozen=True, slots=True)
class HybridInputs(Record):
    """What the hybrid router needs, and which of its options are the scenario's own.

    Attributes:
        classes: the task classes.
        options: the routing options (APIs and one self-hosted deployment).
        api_option: the name of the option that is the scenario's closed API
            (the one that moves with the closed frontier).
        self_hosted_option: the name of the scenario's self-hosted deployment.
    """

    classes: tuple[TaskClass, ...]
    options: tuple[RouteOption, ...]
    api_option: str
    self_hosted_option: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "classes", tuple(self.classes))
        object.__setattr__(self, "options", tuple(self.options))
        names = {o.name: o for o in self.options}
        for attr, kind in (("api_option", "api"), ("self_hosted_option", "self_hosted")):
            name = getattr(self, attr)
            if name not in names or names[name].kind != kind:
                raise ScenarioError(
                    f"horizon.routing.{attr}", name, f"must name a {kind} routing option"
                )
        hosted = [o.name for o in self.options if o.kind == "self_hosted"]
        if len(hosted) != 1:
            raise ScenarioError(
                "routing.options", hosted, "the horizon follows one self-hosted deployment"
            )


@dataclass(frozen=True, slots=True)
class _State:
    """Shifts in force in a month: the closed jump, and whether the open model caught up."""

    jump: float = 0.0
    caught_up: bool = False


def _timeline(presets: Sequence[Preset], months: int) -> list[tuple[int, _State]]:
    """The months in which the capability state changes, with the state from then on."""
    events: list[tuple[int, str, float]] = []
    for p in presets:
        if p.kind == "closed_jump":
            events.append((p.at, "jump", float(p.points or 0.0)))
            if p.catch_up_months:
                events.append((p.at + p.catch_up_months, "catch_up", 0.0))
        elif p.kind == "open_catch_up":
            events.append((p.at, "catch_up", 0.0))
    out = [(1, _State())]
    state = _State()
    for month in sorted({m for m, _, _ in events if m <= months}):
        for m, what, value in events:
            if m != month:
                continue
            if what == "jump":
                state = _State(state.jump + value, False)
            else:
                state = _State(state.jump, True)
        if month == 1:
            out[0] = (1, state)
        else:
            out.append((month, state))
    return out


def _feasible(capability: Capability | None, state: _State, scale: str | None) -> bool:
    """Whether the open model meets the plain plan's floor under ``state``.

    With a floor given on the shift's scale (or a catch-up on every scale):
    ``level >= floor + jump``, the level being the open model's, or the closed
    model's after the catch-up (``closed + jump``). Otherwise the floor is today's
    open level moved with the frontier: met while no jump is in force or after
    the catch-up.
    """
    if (
        capability is None
        or capability.floor is None
        or (scale is not None and scale != capability.benchmark)
    ):
        return state.jump == 0 or state.caught_up
    assert capability.open_score is not None and capability.closed_score is not None
    floor = capability.floor + state.jump
    level = capability.closed_score + state.jump if state.caught_up else capability.open_score
    return level >= floor


def self_hosted_plan_under(
    case: TcoCase,
    timeline: Sequence[tuple[int, _State]],
    capability: Capability | None,
    scale: str | None,
) -> Plan:
    """The plain self-hosted plan: self-hosted while the open model meets the floor, else API."""
    base = self_hosted_plan(case)
    api_usd = api_cost(case.workload, case.api).monthly_usd
    regimes = []
    for month, state in timeline:
        if _feasible(capability, state, scale):
            regimes.append(Regime(month, 0.0, float(case.workload.output_tokens)))
        else:
            regimes.append(
                Regime(month, api_usd, 0.0, note="the open model falls short of the floor")
            )
    return Plan(base.name, base.label, _merged(regimes))


def _merged(regimes: Sequence[Regime]) -> tuple[Regime, ...]:
    out: list[Regime] = []
    for r in regimes:
        if out and (out[-1].api_usd, out[-1].other_api_usd, out[-1].hosted_output_tokens) == (
            r.api_usd,
            r.other_api_usd,
            r.hosted_output_tokens,
        ):
            continue
        out.append(r)
    return tuple(out)


def _shifted_options(
    hybrid: HybridInputs, state: _State, scale: str | None
) -> tuple[tuple[TaskClass, ...], tuple[RouteOption, ...]]:
    """Classes and options with the jump and the catch-up applied to scores and floors."""
    classes = hybrid.classes
    options = {o.name: o for o in hybrid.options}
    closed = options[hybrid.api_option]
    if state.jump:
        on = scale or DEFAULT_SCALE
        classes = tuple(
            replace(c, required_score=c.required_score + state.jump) if c.benchmark == on else c
            for c in classes
        )
        if on in closed.scores:
            closed = replace(closed, scores={**closed.scores, on: closed.scores[on] + state.jump})
        options[closed.name] = closed
    if state.caught_up:
        hosted = options[hybrid.self_hosted_option]
        lifted = dict(hosted.scores)
        for bench, score in closed.scores.items():
            if scale is None or bench == scale:
                lifted[bench] = max(lifted.get(bench, score), score)
        options[hosted.name] = replace(hosted, scores=lifted)
    return classes, tuple(options[o.name] for o in hybrid.options)


def _regime_of(
    routed: RoutingResult, month: int, classes: Sequence[TaskClass], own_api: str
) -> Regime:
    api_usd = sum(c.monthly_usd for c in routed.classes if c.option == own_api)
    other = sum(c.monthly_usd for c in routed.classes if c.kind == "api" and c.option != own_api)
    share = {c.name: c for c in classes}
    tokens = sum(
        share[c.name].share * share[c.name].output_tokens
        for c in routed.classes
        if c.kind == "self_hosted"
    )
    moved = ", ".join(f"{c.name} → {c.option}" for c in routed.classes)
    return Regime(month, float(api_usd), float(tokens), float(other), note=moved)


def hybrid_plan(
    case: TcoCase,
    hybrid: HybridInputs,
    timeline: Sequence[tuple[int, _State]] = ((1, _State()),),
    scale: str | None = None,
) -> tuple[Plan, tuple[tuple[int, RoutingResult], ...]]:
    """The hybrid split over the horizon: the router re-run in each month the shifts change.

    Returns:
        The plan and the routing of each regime (month, routing).

    Raises:
        ScenarioError: a class that no option can serve after a shift.
    """
    regimes, routings = [], []
    for month, state in timeline:
        classes, options = _shifted_options(hybrid, state, scale)
        try:
            routed = route(case.workload, classes, options)
        except ScenarioError as exc:
            raise ScenarioError(
                "horizon.presets",
                month,
                f"the hybrid split cannot be routed from month {month}: {exc}",
            ) from None
        regimes.append(_regime_of(routed, month, classes, hybrid.api_option))
        routings.append((month, routed))
    return Plan(HYBRID, "Hybrid split", tuple(regimes)), tuple(routings)


def plans_under(
    case: TcoCase,
    presets: Sequence[Preset] = (),
    months: int = 60,
    hybrid: HybridInputs | None = None,
    capability: Capability | None = None,
) -> tuple[tuple[Plan, ...], tuple[tuple[int, RoutingResult], ...]]:
    """The plans compared (API, self-hosted, hybrid when given) under capability shifts."""
    shifts = [p for p in presets if p.kind in ("closed_jump", "open_catch_up")]
    scale = shifts[0].scale if shifts else None
    timeline = _timeline(shifts, months)
    plans = [api_plan(case), self_hosted_plan_under(case, timeline, capability, scale)]
    routings: tuple[tuple[int, RoutingResult], ...] = ()
    if hybrid is not None:
        plan, routings = hybrid_plan(case, hybrid, timeline, scale)
        plans.append(plan)
    return tuple(plans), routings


def settings_under(settings: HorizonSettings, presets: Sequence[Preset]) -> HorizonSettings:
    """The horizon settings with the price shifts of ``presets`` applied."""
    out = settings
    for p in presets:
        if p.kind == "api_price_cut":
            if p.at > out.months:
                continue
            event = PriceEvent(p.at, 1.0 - float(p.pct or 0.0) / 100.0, p.name)
            out = replace(
                out, api_price=replace(out.api_price, events=(*out.api_price.events, event))
            )
        elif p.kind == "gpu_rent_decline":
            factor = annual_factor_from_percent(float(p.pct or 0.0))
            out = replace(
                out,
                rent_price=replace(
                    out.rent_price, path="trend", decline_factor=factor, basis=p.name
                ),
                hardware=replace(out.hardware, price_decline_factor=factor),
            )
    return out


# --------------------------------------------------------------------------- #
# Outcomes
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class PresetOutcome(Record):
    """What one preset does to the decision.

    Attributes:
        name, kind: the preset's.
        description: the shift in words.
        decision: the cheapest plan over the horizon under the shift.
        baseline_decision: the cheapest plan without it.
        changed: whether the decision differs.
        npv: plan -> NPV under the shift [USD].
        baseline_npv: plan -> NPV without it [USD].
        crossover_month: the API/self-hosted crossover under the shift (None: never).
        routing: the hybrid split from each month the shift re-routes it
            (``month: class → option, …``); empty without task classes.
        text: the outcome in one sentence.
        flip_pct: for a price preset that does not change the decision, the
            smallest percentage that would (None: none up to its limit, or not searched)
            [% or % a year].
        flip_searched: whether ``flip_pct`` was searched for.
    """

    name: str
    kind: str
    description: str
    decision: str
    baseline_decision: str
    changed: bool
    npv: Mapping[str, float]
    baseline_npv: Mapping[str, float]
    crossover_month: int | None
    routing: tuple[str, ...]
    text: str
    flip_pct: float | None = None
    flip_searched: bool = False


@dataclass(frozen=True, slots=True)
class HorizonReport(Record):
    """The horizon of a scenario: the paths under the trends, their uncertainty and the shifts.

    Attributes:
        result: every plan under the measured (or given) trends.
        held: every plan with prices held, no growth (today's monthly model, over N months).
        monte_carlo: the trends as distributions (None: not run).
        presets: one outcome per preset.
        flips: the names of the presets that change the decision.
        robust: whether the decision is the same with prices held and under the
            trends, and (when the Monte Carlo ran) wins in at least 80% of draws.
        labels: plan name -> label.
        text: the finding in a few sentences.
    """

    result: HorizonResult
    held: HorizonResult
    monte_carlo: HorizonMonteCarlo | None
    presets: tuple[PresetOutcome, ...]
    flips: tuple[str, ...]
    robust: bool
    labels: Mapping[str, str] = field(default_factory=dict)
    text: str = ""


def _npvs(result: HorizonResult) -> dict[str, float]:
    return {p.name: p.npv_usd for p in result.plans}


def _routing_lines(routings: Sequence[tuple[int, RoutingResult]]) -> tuple[str, ...]:
    out = []
    for month, routed in routings:
        split = ", ".join(f"{c.name} → {c.option}" for c in routed.classes)
        out.append(f"month {month}: {split}")
    return tuple(out)


def run_preset(
    case: TcoCase,
    settings: HorizonSettings,
    preset: Preset,
    baseline: HorizonResult,
    hybrid: HybridInputs | None = None,
    capability: Capability | None = None,
) -> PresetOutcome:
    """One preset through the horizon model and the hybrid router, against the baseline.

    Args:
        case: the workload and both options, priced today.
        settings: the horizon under the measured (or given) trends.
        preset: the shift.
        baseline: :func:`evaluate_horizon` of the same plans without the shift.
        hybrid: the task classes and routing options (None: no hybrid plan).
        capability: the plain self-hosted plan's floor (None: today's level).

    Returns:
        The decision with and without the shift, and how the split moves.
    """
    plans, routings = plans_under(case, (preset,), settings.months, hybrid, capability)
    shifted = evaluate_horizon(case, settings_under(settings, (preset,)), plans)
    labels = {p.name: p.label for p in shifted.plans}
    changed = shifted.cheapest != baseline.cheapest
    npv = _npvs(shifted)
    if changed:
        text = (
            f"{preset.name}: the decision changes from {labels[baseline.cheapest]} to "
            f"{labels[shifted.cheapest]} (NPV ${npv[shifted.cheapest]:,.0f} against "
            f"${npv[baseline.cheapest]:,.0f})"
        )
    else:
        text = (
            f"{preset.name}: {labels[shifted.cheapest]} stays the cheapest "
            f"(NPV ${npv[shifted.cheapest]:,.0f})"
        )
    moved = len({tuple(c.option for c in r.classes) for _, r in routings}) > 1
    if moved:
        text += "; the hybrid split re-routes"
    return PresetOutcome(
        name=preset.name,
        kind=preset.kind,
        description=preset.describe(),
        decision=shifted.cheapest,
        baseline_decision=baseline.cheapest,
        changed=changed,
        npv=npv,
        baseline_npv=_npvs(baseline),
        crossover_month=shifted.crossover.month if shifted.crossover else None,
        routing=_routing_lines(routings) if moved else (),
        text=text,
    )


#: The largest percentage a flip search tries, per price preset [% or % a year].
FLIP_LIMITS = {"api_price_cut": 99.0, "gpu_rent_decline": 99.0}
#: Bisection steps of a flip search (the answer to within limit/2^steps).
FLIP_STEPS = 10


def flip_point(
    case: TcoCase,
    settings: HorizonSettings,
    preset: Preset,
    baseline: HorizonResult,
    hybrid: HybridInputs | None = None,
    capability: Capability | None = None,
) -> PresetOutcome:
    """The outcome of a price preset, with the smallest size that would change the decision.

    For ``api_price_cut`` and ``gpu_rent_decline`` a larger percentage only moves the
    costs one way, so the smallest flipping percentage is found by bisection between
    0 and :data:`FLIP_LIMITS` (to within limit/2^10); other kinds are returned as
    :func:`run_preset` gives them.
    """
    outcome = run_preset(case, settings, preset, baseline, hybrid, capability)
    limit = FLIP_LIMITS.get(preset.kind)
    if limit is None or outcome.changed:
        return outcome

    def flips(pct: float) -> bool:
        trial = replace(preset, pct=pct)
        return run_preset(case, settings, trial, baseline, hybrid, capability).changed

    if not flips(limit):
        return replace(outcome, flip_pct=None, flip_searched=True)
    lo, hi = float(preset.pct or 0.0), limit
    for _ in range(FLIP_STEPS):
        mid = (lo + hi) / 2
        if flips(mid):
            hi = mid
        else:
            lo = mid
    return replace(outcome, flip_pct=hi, flip_searched=True)


def held_settings(settings: HorizonSettings) -> HorizonSettings:
    """The same horizon and discount rate with every price held and no growth."""
    return replace(
        settings,
        volume_growth=0.0,
        api_price=replace(settings.api_price, path="held", offers=(), events=()),
        rent_price=replace(settings.rent_price, path="held", events=()),
        hardware=replace(settings.hardware, price_decline_factor=1.0),
    )


def horizon_report(
    case: TcoCase,
    settings: HorizonSettings,
    *,
    hybrid: HybridInputs | None = None,
    capability: Capability | None = None,
    presets: Sequence[Preset] = DEFAULT_PRESETS,
    distributions: Mapping[str, Distribution] | None = None,
    draws: int = 2_000,
    seed: int = 0,
    flip_search: bool = False,
) -> HorizonReport:
    """The horizon under the trends, with prices held, under each preset, and its uncertainty.

    Args:
        case: the workload and both options, priced today.
        settings: the horizon under the measured (or given) trends.
        hybrid: task classes and routing options (None: no hybrid plan).
        capability: the plain self-hosted plan's floor.
        presets: the shifts to try.
        distributions: the trends drawn by the horizon Monte Carlo (None or empty: not run).
        draws, seed: the Monte Carlo's draws and seed.
        flip_search: for the price presets that do not change the decision, find the
            size that would (:func:`flip_point`; some tens of evaluations each).

    Returns:
        The report.

    Raises:
        ScenarioError: an invalid input, or a split that cannot be routed.
    """
    names = [p.name for p in presets]
    if len(set(names)) != len(names):
        raise ScenarioError("horizon.presets", names, "names must be unique")
    plans, _ = plans_under(case, (), settings.months, hybrid, capability)
    result = evaluate_horizon(case, settings, plans)
    held = evaluate_horizon(case, held_settings(settings), plans)
    mc = (
        horizon_monte_carlo(case, settings, distributions, draws, seed, plans)
        if distributions
        else None
    )
    run = flip_point if flip_search else run_preset
    outcomes = tuple(run(case, settings, p, result, hybrid, capability) for p in presets)
    flips = tuple(o.name for o in outcomes if o.changed)
    share = mc.p_cheapest.get(result.cheapest) if mc is not None else None
    robust = held.cheapest == result.cheapest and (share is None or share >= ROBUST_SHARE)
    labels = {p.name: p.label for p in result.plans}
    return HorizonReport(
        result=result,
        held=held,
        monte_carlo=mc,
        presets=outcomes,
        flips=flips,
        robust=robust,
        labels=labels,
        text=summary_text(result, held, outcomes, robust, share, labels),
    )


def flip_text(outcome: PresetOutcome) -> str | None:
    """What size of a price preset would change the decision, in words (None: not searched,
    or the preset already changes it)."""
    if outcome.changed or not outcome.flip_searched:
        return None
    limit = FLIP_LIMITS.get(outcome.kind, 99.0)
    x = outcome.flip_pct
    if outcome.kind == "api_price_cut":
        return (
            f"an API price cut of {x:.0f}% would change it"
            if x is not None
            else f"no API price cut short of {limit:.0f}% would change it"
        )
    return (
        f"GPU rent falling {x:.0f}% a year would change it"
        if x is not None
        else f"no fall in GPU rent short of {limit:.0f}% a year would change it"
    )


def plan_rows(report: HorizonReport) -> list[dict[str, Any]]:
    """One row per plan for tables (the CLI, the panel and the brief show the same).

    Returns:
        Rows with ``plan`` (name), ``label``, ``npv_usd`` (NPV over the horizon),
        ``cash_usd`` (undiscounted total), ``month_1_usd`` and ``last_month_usd``
        (cash in the first and last month), ``npv_p10_usd``/``npv_p90_usd`` (None
        without the Monte Carlo), ``p_cheapest`` (share of draws, None without it),
        ``cheapest`` (bool).
    """
    mc = report.monte_carlo
    rows = []
    for p in report.result.plans:
        npv = mc.npv.get(p.name) if mc is not None else None
        rows.append(
            {
                "plan": p.name,
                "label": p.label,
                "npv_usd": p.npv_usd,
                "cash_usd": p.total_cash_usd,
                "month_1_usd": p.cash_usd[0],
                "last_month_usd": p.cash_usd[-1],
                "npv_p10_usd": npv.p10 if npv is not None else None,
                "npv_p90_usd": npv.p90 if npv is not None else None,
                "p_cheapest": mc.p_cheapest.get(p.name) if mc is not None else None,
                "cheapest": p.name == report.result.cheapest,
            }
        )
    return rows


def path_rows(report: HorizonReport) -> list[dict[str, Any]]:
    """The cumulative cost of each plan by month, as tidy rows for the horizon chart.

    Returns:
        Rows ``{month, plan (label), cumulative_usd}``, plans in the report's order.
    """
    return [
        {"month": t, "plan": p.label, "cumulative_usd": value}
        for p in report.result.plans
        for t, value in enumerate(p.cumulative_usd, start=1)
    ]


def band_rows(report: HorizonReport) -> list[dict[str, Any]]:
    """The Monte Carlo's P10–P90 of each plan's cumulative cost by month (none without it).

    Returns:
        Rows ``{month, plan (label), p10_usd, p90_usd}``.
    """
    mc = report.monte_carlo
    if mc is None:
        return []
    return [
        {"month": t, "plan": report.labels.get(b.name, b.name), "p10_usd": lo, "p90_usd": hi}
        for b in mc.bands
        for t, (lo, hi) in enumerate(zip(b.p10, b.p90, strict=True), start=1)
    ]


def settings_text(settings: HorizonSettings) -> str:
    """The horizon's settings in one line: months, discount rate, growth and price paths."""
    from analysis.horizon.trends import direction_text

    api, rent = settings.api_price, settings.rent_price
    trend = (
        "held"
        if api.path == "held" or api.decline_factor == 1
        else direction_text(api.decline_factor)
    )
    if api.path == "switch" and api.offers:
        first = api.offers[0]
        offer = (
            f"the cheapest model of equal capability ({first.factor:.3g}× today's price from "
            f"month {first.month})"
        )
        api_text = (
            f"switch to {offer}, then held"
            if trend == "held"
            else f"the lower of {offer} and today's price, which {trend}"
        )
    elif api.path == "held" or api.decline_factor == 1:
        api_text = "held"
    else:
        api_text = f"{api.path}, {trend}"
    rent_text = (
        "held"
        if rent.path == "held" or rent.decline_factor == 1
        else direction_text(rent.decline_factor)
    )
    return (
        f"{settings.months} months, discount rate {settings.discount_rate:.1%} a year, volume "
        f"{settings.volume_growth:+.1%} a month; API price: {api_text}; GPU rent: {rent_text}"
    )


def summary_text(
    result: HorizonResult,
    held: HorizonResult,
    outcomes: Sequence[PresetOutcome],
    robust: bool,
    share: float | None,
    labels: Mapping[str, str],
) -> str:
    """The horizon's finding in a few sentences (the CLI, the panel and the brief use it)."""
    n = result.settings.months
    best = result.plan(result.cheapest)
    tied = [p for p in result.plans if p.name != best.name and p.npv_usd == best.npv_usd]
    others = [p for p in result.plans if p.npv_usd != best.npv_usd]
    runner = min(others, key=lambda p: p.npv_usd) if others else None
    lead = f"Over the next {n} months, {labels[best.name]} costs least: NPV ${best.npv_usd:,.0f}"
    if runner is not None:
        lead += f" against ${runner.npv_usd:,.0f} for {labels[runner.name]}"
    if tied:
        lead += " (" + ", ".join(labels[p.name] for p in tied) + " costs the same)"
    parts = [lead + "."]
    if result.crossover is not None:
        parts.append(result.crossover.text[:1].upper() + result.crossover.text[1:] + ".")
    if held.cheapest != result.cheapest:
        parts.append(
            f"With today's prices held it would be {labels[held.cheapest]}: the trends decide it."
        )
    if share is not None:
        parts.append(f"It is the cheapest in {share:.0%} of the Monte Carlo draws.")
    flips = [o for o in outcomes if o.changed]
    sizes = [t for t in (flip_text(o) for o in outcomes) if t]
    if robust and not flips:
        parts.append("The decision is robust to the trends, and no preset flips it.")
    elif robust:
        parts.append("The decision is robust to the trends.")
    else:
        parts.append("The decision is not robust to the trends.")
    if flips:
        parts.append(
            "It would flip under: "
            + "; ".join(f"{o.name} (to {labels.get(o.decision, o.decision)})" for o in flips)
            + "."
        )
    if sizes:
        parts.append("Of the price shifts, " + "; ".join(sizes) + ".")
    return " ".join(parts)


__all__ = [
    "API",
    "DEFAULT_PRESETS",
    "HYBRID",
    "KINDS",
    "SELF_HOSTED",
    "Capability",
    "HorizonReport",
    "HybridInputs",
    "Preset",
    "PresetOutcome",
    "held_settings",
    "horizon_report",
    "flip_point",
    "flip_text",
    "hybrid_plan",
    "plans_under",
    "run_preset",
    "self_hosted_plan_under",
    "settings_under",
    "band_rows",
    "path_rows",
    "plan_rows",
    "settings_text",
    "summary_text",
]
