"""The scenario model: the settings of a cost comparison, its uncertainty, routing and scorecard.

A :class:`Scenario` holds the pure inputs of :mod:`analysis.tco` (the workload
and the two options) and the settings of what else is computed from them:
the tornado (:class:`Sensitivity`), the Monte Carlo (:class:`MonteCarloSettings`),
the quality comparison (:class:`QualitySettings`), hybrid routing
(:class:`RoutingSettings`), the scorecard (:class:`ScorecardSettings`) and the
horizon (:class:`analysis.horizon.spec.HorizonSpec`), and ``sources``: where each
value comes from. Every object is frozen and checks its
values when made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date

from analysis.errors import ScenarioError
from analysis.horizon.spec import HorizonSpec
from analysis.records import Record
from analysis.routing import TaskClass
from analysis.scorecard import CUSTOMIZATION, LATENCY_BASES, Requirements, Weights
from analysis.tco import (
    ApiOption,
    Num,
    SelfHostedOption,
    TcoCase,
    Workload,
    assumptions_in_use,
    check_number,
)
from analysis.uncertainty import METRICS, MIN_DRAWS, SAMPLEABLE, Distribution


@dataclass(frozen=True, slots=True)
class Sensitivity(Record):
    """Tornado settings: ±``pct`` percent on ``metric`` (difference, api or self_hosted)."""

    pct: float = 20.0
    metric: str = "difference"

    def __post_init__(self) -> None:
        check_number("sensitivity", "pct", self.pct, Num("percent", 0, True, 100, True))
        if self.metric not in METRICS:
            raise ScenarioError(
                "sensitivity.metric", self.metric, f"must be one of: {', '.join(METRICS)}"
            )


@dataclass(frozen=True, slots=True)
class MonteCarloSettings(Record):
    """Monte Carlo settings: draws (>= 10,000), seed and one distribution per parameter."""

    draws: int = MIN_DRAWS
    seed: int = 0
    distributions: Mapping[str, Distribution] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_number(
            "monte_carlo", "draws", self.draws, Num("draws", MIN_DRAWS, False, integer=True)
        )
        check_number("monte_carlo", "seed", self.seed, Num("seed", 0, False, integer=True))
        for path in self.distributions:
            if path not in SAMPLEABLE:
                raise ScenarioError(
                    f"monte_carlo.distributions.{path}",
                    None,
                    "cannot be sampled; sampleable: " + ", ".join(sorted(SAMPLEABLE)),
                )
        object.__setattr__(self, "distributions", dict(self.distributions))


@dataclass(frozen=True, slots=True)
class BenchmarkPick(Record):
    """Which published score to use: the benchmark and filters that make it one row.

    Attributes:
        benchmark: the canonical benchmark label (``benchmark_scores.benchmark``).
        variant, setting, reported_by, source: exact filters on those columns
            (``variant`` filters ``benchmark_variant``).
        relationship: exact filter on ``eval_relationship`` (``self-reported``,
            ``independent``, ...): one filter that suits models of different developers.
    """

    benchmark: str
    variant: str | None = None
    setting: str | None = None
    reported_by: str | None = None
    relationship: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ScenarioError(f"quality.benchmarks.{f.name}", value, "must be text")


@dataclass(frozen=True, slots=True)
class QualitySettings(Record):
    """Benchmarks for the quality-adjusted comparison and the scores (given or looked up).

    Attributes:
        benchmarks: the benchmarks picked, with filters that make each one row.
        api_model, self_hosted_model: the ``model_id`` whose published scores stand
            for each option (default: the option's model; e.g. a dated snapshot
            such as ``gpt-4o-2024-11-20`` for the ``gpt-4o`` alias).
        api_scores, self_hosted_scores: benchmark -> score [0-100], given or looked up.
    """

    benchmarks: tuple[BenchmarkPick, ...] = ()
    api_model: str | None = None
    self_hosted_model: str | None = None
    api_scores: Mapping[str, float] = field(default_factory=dict)
    self_hosted_scores: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "benchmarks", tuple(self.benchmarks))
        for name in ("api_scores", "self_hosted_scores"):
            scores = getattr(self, name)
            for bench, score in scores.items():
                check_number(f"quality.{name}", str(bench), score, Num("points"))
            object.__setattr__(self, name, dict(scores))


@dataclass(frozen=True, slots=True)
class RoutingChoice(Record):
    """A routing option: the scenario's ``api`` or ``self_hosted`` (``use``), or another API.

    Attributes:
        name: label.
        use: ``api`` or ``self_hosted`` to route to the scenario's option; None
            for another API given in ``api``.
        api: another API's prices (when ``use`` is None).
        scores: benchmark -> score (those not given are looked up).
        score_model: the ``model_id`` whose published scores are looked up
            (default: as for the quality comparison, or the API's model).
        max_replicas: the self-hosted capacity in replicas (None: no limit).
    """

    name: str
    use: str | None = None
    api: ApiOption | None = None
    scores: Mapping[str, float] = field(default_factory=dict)
    score_model: str | None = None
    max_replicas: int | None = None

    def __post_init__(self) -> None:
        where = f"routing.options.{self.name}"
        if self.use not in (None, "api", "self_hosted"):
            raise ScenarioError(f"{where}.use", self.use, "must be api or self_hosted")
        if (self.use is None) == (self.api is None):
            raise ScenarioError(
                where, self.name, "give either use (api or self_hosted) or an api mapping"
            )
        object.__setattr__(self, "scores", dict(self.scores))


@dataclass(frozen=True, slots=True)
class RoutingSettings(Record):
    """Task classes and the options they can be routed to."""

    classes: tuple[TaskClass, ...]
    options: tuple[RoutingChoice, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "classes", tuple(self.classes))
        object.__setattr__(self, "options", tuple(self.options))


@dataclass(frozen=True, slots=True)
class ProfileFacts(Record):
    """Facts about one option for the scorecard (see :class:`analysis.scorecard.OptionProfile`)."""

    processing_jurisdiction: str | None = None
    customization: str | None = None
    meets: tuple[str, ...] = ()
    latency_p95_ms: float | None = None
    latency_basis: str | None = None

    def __post_init__(self) -> None:
        if self.customization is not None and self.customization not in CUSTOMIZATION:
            raise ScenarioError(
                "scorecard.customization",
                self.customization,
                f"must be one of: {', '.join(CUSTOMIZATION)}",
            )
        if self.latency_basis is not None and self.latency_basis not in LATENCY_BASES:
            raise ScenarioError(
                "scorecard.latency_basis",
                self.latency_basis,
                f"must be one of: {', '.join(LATENCY_BASES)}",
            )
        object.__setattr__(self, "meets", tuple(self.meets))
        if self.latency_p95_ms is not None:
            check_number("scorecard", "latency_p95_ms", self.latency_p95_ms, Num("ms"))


@dataclass(frozen=True, slots=True)
class ScorecardSettings(Record):
    """Requirements, weights and the facts of each option."""

    requirements: Requirements = field(default_factory=Requirements)
    weights: Weights = field(default_factory=Weights)
    api: ProfileFacts = field(default_factory=ProfileFacts)
    self_hosted: ProfileFacts = field(default_factory=ProfileFacts)


@dataclass(frozen=True, slots=True)
class Scenario(Record):
    """Everything a cost comparison, its uncertainty, routing and scorecard need.

    Attributes:
        workload, api, self_hosted: the pure inputs (:mod:`analysis.tco`).
        name, description: labels.
        as_of: the date prices are looked up at.
        horizon_months: the period totals are reported over [months].
        sensitivity: tornado settings.
        monte_carlo: Monte Carlo settings (None: not run).
        quality: benchmarks and scores (None: no quality comparison).
        routing: hybrid routing (None: none).
        scorecard: the five-factor scorecard settings (None: not scored).
        horizon: the cost over the next months as prices and the frontier move
            (None: not assessed).
        sources: dotted parameter -> where its value comes from, or what an
            estimate rests on.
    """

    workload: Workload
    api: ApiOption
    self_hosted: SelfHostedOption
    name: str | None = None
    description: str | None = None
    as_of: date | None = None
    horizon_months: int | None = None
    sensitivity: Sensitivity = field(default_factory=Sensitivity)
    monte_carlo: MonteCarloSettings | None = None
    quality: QualitySettings | None = None
    routing: RoutingSettings | None = None
    scorecard: ScorecardSettings | None = None
    horizon: HorizonSpec | None = None
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.horizon_months is not None:
            check_number(
                "scenario", "horizon_months", self.horizon_months, Num("months", integer=True)
            )
        if (
            self.horizon is not None
            and self.horizon.months is not None
            and self.horizon_months is not None
            and self.horizon.months != self.horizon_months
        ):
            raise ScenarioError(
                "horizon.months",
                self.horizon.months,
                f"differs from horizon_months = {self.horizon_months}; give the horizon once",
            )
        for key, text in self.sources.items():
            if not isinstance(key, str) or not isinstance(text, str):
                raise ScenarioError(f"sources.{key}", text, "must map a parameter to text")
        object.__setattr__(self, "sources", dict(self.sources))

    @property
    def case(self) -> TcoCase:
        """The workload and the two options, for :func:`analysis.tco.evaluate`."""
        return TcoCase(self.workload, self.api, self.self_hosted)

    def unsourced(self) -> tuple[str, ...]:
        """Assumptions in use that have no entry in ``sources`` (for the brief to flag)."""
        return tuple(p for p in assumptions_in_use(self.case) if p not in self.sources)
