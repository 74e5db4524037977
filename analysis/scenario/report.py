"""Evaluating a scenario: the cost comparison and everything else its settings ask for.

:func:`evaluate_scenario` resolves a scenario (:func:`analysis.scenario.resolve`)
and hands it to the pure models: :mod:`analysis.tco` (both bills, the
break-even), :mod:`analysis.uncertainty` (tornado, Monte Carlo),
:mod:`analysis.routing` (the hybrid split and its frontier) and
:mod:`analysis.scorecard` (the five factors), collecting what they return in a
:class:`ScenarioReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from analysis.decode import LatencyTarget, Span
from analysis.errors import ScenarioError
from analysis.horizon.shifts import HorizonReport, HybridInputs, horizon_report
from analysis.horizon.store import TrendSet, measured_trends
from analysis.records import Record, to_plain
from analysis.routing import FrontierPoint, RouteOption, RoutingResult, pareto_frontier, route
from analysis.scenario.files import scenario_to_dict
from analysis.scenario.lookups import api_model_id_of, probe_matches, probe_measurement, resolve
from analysis.scenario.model import Scenario, ScorecardSettings
from analysis.scorecard import OptionProfile, Scorecard, score_options
from analysis.sizing import Traffic, estimate_at
from analysis.tco import QualityComparison, TcoResult, evaluate, quality_adjusted
from analysis.uncertainty import MonteCarloResult, Tornado, monte_carlo, tornado


@dataclass(frozen=True, slots=True)
class ThroughputCheck(Record):
    """A probe run's measured throughput against the decode model's estimate of it.

    The estimate is made for the run's own conditions: its best level's concurrency
    as the batch (no latency target: the level met the run's SLO), its prompt and
    answer lengths, on the scenario's GPUs per replica.

    Attributes:
        run_id: the probe run.
        measured_tok_s: output tokens/s per replica measured [tok/s] (the figure used).
        estimate: the decode model's estimate [tok/s] (low, point, high).
        error: ``estimate.point/measured − 1`` (0.2: the estimate is 20% above).
        within_range: whether the measurement lies in the estimate's range.
        batch: the batch estimated at [sequences].
        gpus: GPUs per replica [GPUs].
        matches: whether the run names the scenario's model and GPU.
        note: the conditions, in words.
    """

    run_id: str
    measured_tok_s: float
    estimate: Span
    error: float
    within_range: bool
    batch: int
    gpus: int
    matches: bool
    note: str


def throughput_check(scenario: Scenario, result: TcoResult) -> ThroughputCheck | None:
    """The measured throughput of the scenario's probe run against the estimate of it.

    Returns:
        The comparison, or None without a probe run or when the figures for an
        estimate are missing (or the run's conditions do not fit the GPUs).
    """
    sh = scenario.self_hosted
    if sh.probe_run is None:
        return None
    try:
        m = probe_measurement(sh.probe_run)
    except ScenarioError:
        return None
    gpus = result.self_hosted.sizing.gpus_per_replica
    option = replace(
        sh,
        throughput_tok_s=None,
        concurrent_sequences=m.concurrency or sh.concurrent_sequences,
        context_tokens=None,
    )
    w = scenario.workload
    traffic = Traffic(
        m.input_tokens, m.output_tokens, w.requests_per_month, w.peak_to_average, w.hours_per_month
    )
    try:
        plan = estimate_at(option, gpus, traffic, LatencyTarget(source="none: the run's level"))
    except ScenarioError:
        return None
    est = plan.tok_s
    matches = bool(sh.model and sh.gpu) and probe_matches(
        sh.model or "", sh.gpu or "", m.model, m.hardware
    )
    return ThroughputCheck(
        run_id=m.run_id,
        measured_tok_s=m.tok_s,
        estimate=est,
        error=est.point / m.tok_s - 1,
        within_range=est.low <= m.tok_s <= est.high,
        batch=plan.batch,
        gpus=gpus,
        matches=matches,
        note=(
            f"estimated for the run's conditions: batch {plan.batch}, {m.input_tokens:,} input "
            f"/ {m.output_tokens:,} output tokens, {gpus} × {sh.gpu or 'GPU'}; the run measured "
            f"{m.model} on {m.hardware or 'unlabelled hardware'}"
        ),
    )


@dataclass(frozen=True, slots=True)
class ScenarioReport(Record):
    """Everything computed for a scenario.

    Attributes:
        scenario: the resolved scenario (every value used, with ``sources``).
        tco: both bills, the break-even and the verdict.
        horizon_months: the period of the totals [months] (None: not set).
        horizon_api_usd, horizon_self_hosted_usd: monthly cost × horizon [USD].
        tornado: sensitivity of the chosen metric.
        monte_carlo: the uncertainty (None when not configured).
        quality: the quality-adjusted comparison (None when not configured).
        routing: the hybrid split (None when not configured).
        frontier: the cost–quality Pareto frontier of the routing.
        scorecard: the five factors (None when not configured).
        unsourced: assumptions in use with no entry in ``sources``.
        throughput_check: the measured throughput against the decode model's estimate
            at the measurement's conditions (None: no probe run, or no estimate).
        horizon: the cost over the horizon, its uncertainty and the frontier shifts
            (None when the scenario has no ``horizon`` block).
        trends: the measured price trends the horizon rests on (None: no horizon).
    """

    scenario: Scenario
    tco: TcoResult
    horizon_months: int | None
    horizon_api_usd: float | None
    horizon_self_hosted_usd: float | None
    tornado: Tornado
    monte_carlo: MonteCarloResult | None
    quality: QualityComparison | None
    routing: RoutingResult | None
    frontier: tuple[FrontierPoint, ...]
    scorecard: Scorecard | None
    unsourced: tuple[str, ...]
    throughput_check: ThroughputCheck | None = None
    horizon: HorizonReport | None = None
    trends: TrendSet | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict; the scenario in its file form."""
        out = {
            f.name: to_plain(getattr(self, f.name)) for f in fields(self) if f.name != "scenario"
        }
        return {"scenario": scenario_to_dict(self.scenario), **out}


def route_options(scenario: Scenario) -> tuple[RouteOption, ...]:
    """The routing options of a (resolved) scenario as pure :class:`RouteOption` objects."""
    if scenario.routing is None:
        return ()
    out = []
    for choice in scenario.routing.options:
        if choice.use == "api":
            out.append(RouteOption(choice.name, choice.scores, api=scenario.api))
        elif choice.use == "self_hosted":
            out.append(
                RouteOption(
                    choice.name,
                    choice.scores,
                    self_hosted=scenario.self_hosted,
                    max_replicas=choice.max_replicas,
                )
            )
        else:
            out.append(RouteOption(choice.name, choice.scores, api=choice.api))
    return tuple(out)


def horizon_hybrid(scenario: Scenario) -> HybridInputs | None:
    """The hybrid router's inputs for the horizon (None without task classes, or without
    both the scenario's own API and its self-hosted deployment among the options)."""
    if scenario.routing is None:
        return None
    choices = scenario.routing.options
    api = next((c.name for c in choices if c.use == "api"), None)
    hosted = next((c.name for c in choices if c.use == "self_hosted"), None)
    if api is None or hosted is None:
        return None
    return HybridInputs(scenario.routing.classes, route_options(scenario), api, hosted)


def horizon_of(
    scenario: Scenario,
    *,
    presets: bool = True,
    monte_carlo: bool = True,
    flip_search: bool = True,
) -> HorizonReport:
    """The horizon of a resolved scenario: its plans under the trends, held prices, the
    Monte Carlo and the frontier-shift presets (:func:`analysis.horizon.horizon_report`).

    The ``tco`` command, the brief and the horizon panel all call this.

    Args:
        scenario: a resolved scenario with a ``horizon`` block.
        presets: run the block's presets (False: none).
        monte_carlo: run the block's Monte Carlo, when it has one.
        flip_search: for the price presets that do not change the decision, find the
            size that would (:func:`analysis.horizon.flip_point`; a panel moving a slider
            says False).

    Returns:
        The horizon report.

    Raises:
        ScenarioError: no horizon block, a factor still ``measured``, or an invalid setting.
    """
    spec = scenario.horizon
    if spec is None:
        raise ScenarioError("horizon", None, "the scenario has no horizon block")
    mc = spec.monte_carlo
    return horizon_report(
        scenario.case,
        spec.settings(scenario.horizon_months),
        hybrid=horizon_hybrid(scenario),
        capability=spec.capability,
        presets=spec.presets if presets else (),
        distributions=spec.distributions() if monte_carlo and mc is not None else None,
        draws=mc.draws if mc is not None else 0,
        seed=mc.seed if mc is not None else 0,
        flip_search=flip_search,
    )


def horizon_trends(scenario: Scenario) -> TrendSet | None:
    """The measured trends behind a resolved scenario's horizon (kept per warehouse version).

    None without a horizon block or a date.
    """
    spec = scenario.horizon
    if spec is None or scenario.as_of is None:
        return None
    return measured_trends(
        scenario.as_of,
        api_model=scenario.api.model,
        api_provider=scenario.api.provider,
        api_model_id=api_model_id_of(scenario),
        gpu_id=scenario.self_hosted.gpu,
        benchmark=spec.trends.benchmark,
        thresholds=spec.trends.thresholds,
        source=spec.trends.source,
    )


def option_profiles(
    scenario: Scenario, mc: MonteCarloResult | None = None, tco: TcoResult | None = None
) -> tuple[OptionProfile, OptionProfile]:
    """The scorecard facts of the API and self-hosted options.

    The API runs on the provider's hardware and has no fixed cost; the
    self-hosted option runs on rented or owned hardware (``ownership``) and its
    bill is fixed at a given replica count. Cost spreads come from the Monte
    Carlo when it ran. The self-hosted p95 time to first token is the scenario's
    (a probe run's measurement), else the decode model's estimate at the planned
    peak (``tco.self_hosted.ttft_p95_ms``, basis ``estimate``).
    """
    facts = scenario.scorecard or ScorecardSettings()
    sh = scenario.self_hosted
    latency, latency_basis = facts.self_hosted.latency_p95_ms, facts.self_hosted.latency_basis
    estimate = tco.self_hosted.ttft_p95_ms if tco is not None else None
    if latency is None and estimate is not None:
        latency, latency_basis = estimate.point, "estimate"
    api = OptionProfile(
        name=scenario.api.label,
        kind="api",
        hardware="provider",
        processing_jurisdiction=facts.api.processing_jurisdiction,
        customization=facts.api.customization or "prompt_only",
        meets=facts.api.meets,
        latency_p95_ms=facts.api.latency_p95_ms,
        latency_basis=facts.api.latency_basis,
        cost_spread=mc.api.spread if mc else None,
        fixed_cost_share=0.0,
    )
    hosted = OptionProfile(
        name=sh.label,
        kind="self_hosted",
        hardware="owned" if sh.ownership == "buy" else "rented",
        processing_jurisdiction=facts.self_hosted.processing_jurisdiction,
        customization=facts.self_hosted.customization or "weights",
        meets=facts.self_hosted.meets,
        latency_p95_ms=latency,
        latency_basis=latency_basis,
        cost_spread=mc.self_hosted.spread if mc else None,
        fixed_cost_share=1.0,
    )
    return api, hosted


def evaluate_scenario(
    scenario: Scenario, at: date | None = None, *, lookup: bool = True
) -> ScenarioReport:
    """Resolve a scenario and compute everything it configures.

    Args:
        scenario: the scenario.
        at: the date of the lookups (default: the scenario's ``as_of``).
        lookup: look up missing values (False: the scenario must be complete).

    Returns:
        The report.

    Raises:
        ScenarioError: an invalid or incomplete scenario (PriceNotFoundError and
            ModelDoesNotFitError among them).
        WarehouseError: the warehouse cannot be read.
    """
    if lookup:
        scenario = resolve(scenario, at)
    case = scenario.case
    result = evaluate(case)
    mc = None
    if scenario.monte_carlo is not None:
        settings = scenario.monte_carlo
        mc = monte_carlo(case, settings.distributions, settings.draws, settings.seed)
    quality = None
    if scenario.quality is not None:
        quality = quality_adjusted(
            result, dict(scenario.quality.self_hosted_scores), dict(scenario.quality.api_scores)
        )
    routing: RoutingResult | None = None
    frontier: tuple[FrontierPoint, ...] = ()
    if scenario.routing is not None:
        options = route_options(scenario)
        routing = route(scenario.workload, scenario.routing.classes, options)
        frontier = pareto_frontier(scenario.workload, scenario.routing.classes, options)
    card = None
    if scenario.scorecard is not None:
        card = score_options(
            option_profiles(scenario, mc, result),
            scenario.scorecard.requirements,
            scenario.scorecard.weights,
        )
    months = scenario.horizon_months
    return ScenarioReport(
        scenario=scenario,
        tco=result,
        horizon_months=months,
        horizon_api_usd=result.api.monthly_usd * months if months else None,
        horizon_self_hosted_usd=result.self_hosted.monthly_usd * months if months else None,
        tornado=tornado(case, scenario.sensitivity.pct, scenario.sensitivity.metric),
        monte_carlo=mc,
        quality=quality,
        routing=routing,
        frontier=frontier,
        scorecard=card,
        unsourced=scenario.unsourced(),
        throughput_check=throughput_check(scenario, result),
        horizon=horizon_of(scenario) if scenario.horizon is not None else None,
        trends=horizon_trends(scenario) if lookup else None,
    )
