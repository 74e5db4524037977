"""Strategic scorecard: the five factors beyond cost, scored 0–5 by stated rules.

Pure; no I/O. The factors are cost predictability, data sovereignty,
regulatory compliance, customization depth and latency control. Each option
is scored on each factor by a rule tied to facts of the scenario (where the
requests are processed, who owns the hardware, which requirements the option
meets, the Monte Carlo spread of its bill, its latency against the target).
Every score carries its rule and the fact it rests on, for the brief.

``weighted total = Σ w_f·s_f / Σ w_f`` [0–5]; the deciding factor is the one
contributing most to the winner's margin over the runner-up,
``w_f·(s_winner,f − s_runner_up,f)/Σ w``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

from analysis.errors import ScenarioError
from analysis.parameters import Num, check_number
from analysis.records import Record

FACTORS = (
    "cost_predictability",
    "data_sovereignty",
    "regulatory_compliance",
    "customization_depth",
    "latency_control",
)
KINDS = ("api", "self_hosted")
HARDWARE = ("owned", "rented", "provider")
CUSTOMIZATION = ("weights", "fine_tuning_api", "prompt_only")
LATENCY_BASES = ("measured", "vendor_stated", "estimate")

#: Cost predictability from the Monte Carlo spread (P90 − P10)/P50: (upper bound, score).
SPREAD_STEPS = ((0.10, 5), (0.25, 4), (0.50, 3), (1.00, 2), (2.00, 1))
SOVEREIGNTY_IN = {"owned": 5, "rented": 4, "provider": 3}
CUSTOMIZATION_SCORE = {"weights": 5, "fine_tuning_api": 3, "prompt_only": 1}
LATENCY_BASE = {"owned": 3, "rented": 2, "provider": 1}
LATENCY_BONUS = {"measured": 2, "vendor_stated": 1, "estimate": 1}


def _choice(parameter: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ScenarioError(parameter, value, f"must be one of: {', '.join(allowed)}")


def _names(parameter: str, values: object) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise ScenarioError(parameter, values, "must be a list of names")
    for v in values:
        if not isinstance(v, str) or not v:
            raise ScenarioError(parameter, values, "must be a list of non-empty names")
    return tuple(values)


@dataclass(frozen=True, slots=True)
class Requirements(Record):
    """What the organisation requires of any option.

    Attributes:
        jurisdiction: where requests must be processed (e.g. ``EU``); None if anywhere.
        compliance: requirements each option must meet (e.g. ``gdpr-dpa``, ``audit-log``).
        latency_target_ms: the target for p95 time to first token [ms]; None if none.
    """

    jurisdiction: str | None = None
    compliance: tuple[str, ...] = ()
    latency_target_ms: float | None = None

    def __post_init__(self) -> None:
        if self.jurisdiction is not None and not isinstance(self.jurisdiction, str):
            raise ScenarioError("scorecard.requirements.jurisdiction", self.jurisdiction, "text")
        object.__setattr__(
            self, "compliance", _names("scorecard.requirements.compliance", self.compliance)
        )
        if self.latency_target_ms is not None:
            check_number(
                "scorecard.requirements", "latency_target_ms", self.latency_target_ms, Num("ms")
            )


@dataclass(frozen=True, slots=True)
class OptionProfile(Record):
    """The facts about one option that the factors are scored on.

    Attributes:
        name: the option's label.
        kind: ``api`` or ``self_hosted``.
        hardware: ``owned``, ``rented`` (dedicated, e.g. cloud GPUs) or ``provider``
            (shared, behind an API).
        processing_jurisdiction: where requests are processed (None: unknown).
        customization: ``weights`` (weights in hand), ``fine_tuning_api`` (the
            vendor's fine-tuning) or ``prompt_only``.
        meets: the compliance requirements the option is documented to meet.
        latency_p95_ms: p95 time to first token [ms] (None: unknown).
        latency_basis: ``measured`` (a probe run), ``vendor_stated`` or ``estimate``.
        cost_spread: Monte Carlo (P90 − P10)/P50 of its monthly cost (None: not run).
        fixed_cost_share: share of its monthly cost that does not move with usage [0–1].
    """

    name: str
    kind: str
    hardware: str
    processing_jurisdiction: str | None = None
    customization: str = "prompt_only"
    meets: tuple[str, ...] = ()
    latency_p95_ms: float | None = None
    latency_basis: str | None = None
    cost_spread: float | None = None
    fixed_cost_share: float | None = None

    def __post_init__(self) -> None:
        where = f"scorecard.options.{self.name}"
        if not isinstance(self.name, str) or not self.name:
            raise ScenarioError("scorecard.options.name", self.name, "must be a non-empty name")
        _choice(f"{where}.kind", self.kind, KINDS)
        _choice(f"{where}.hardware", self.hardware, HARDWARE)
        _choice(f"{where}.customization", self.customization, CUSTOMIZATION)
        if self.processing_jurisdiction is not None and not isinstance(
            self.processing_jurisdiction, str
        ):
            raise ScenarioError(
                f"{where}.processing_jurisdiction", self.processing_jurisdiction, "must be text"
            )
        object.__setattr__(self, "meets", _names(f"{where}.meets", self.meets))
        if self.latency_p95_ms is not None:
            check_number(where, "latency_p95_ms", self.latency_p95_ms, Num("ms"))
            _choice(f"{where}.latency_basis", self.latency_basis, LATENCY_BASES)
        if self.cost_spread is not None:
            check_number(where, "cost_spread", self.cost_spread, Num("ratio", 0.0, False))
        if self.fixed_cost_share is not None:
            check_number(
                where, "fixed_cost_share", self.fixed_cost_share, Num("share", 0.0, False, 1.0)
            )


@dataclass(frozen=True, slots=True)
class Weights(Record):
    """How much each factor counts (any non-negative numbers; normalised by their sum)."""

    cost_predictability: float = 1.0
    data_sovereignty: float = 1.0
    regulatory_compliance: float = 1.0
    customization_depth: float = 1.0
    latency_control: float = 1.0

    def __post_init__(self) -> None:
        for f in fields(self):
            check_number(
                "scorecard.weights", f.name, getattr(self, f.name), Num("weight", 0, False)
            )
        if self.total == 0:
            raise ScenarioError("scorecard.weights", self.to_dict(), "at least one must be > 0")

    @property
    def total(self) -> float:
        """Σ w_f."""
        return sum(getattr(self, f) for f in FACTORS)


@dataclass(frozen=True, slots=True)
class FactorScore(Record):
    """One factor's score for one option, with the rule and the fact behind it."""

    factor: str
    score: int
    rule: str
    fact: str


@dataclass(frozen=True, slots=True)
class OptionScore(Record):
    """One option's five scores and weighted total [0–5]."""

    name: str
    kind: str
    scores: tuple[FactorScore, ...]
    weighted_total: float

    def score(self, factor: str) -> int:
        """The score on one factor."""
        return next(s.score for s in self.scores if s.factor == factor)


@dataclass(frozen=True, slots=True)
class Scorecard(Record):
    """Scores, totals, the winner and the factor that decides.

    Attributes:
        weights: the weights used.
        requirements: the requirements scored against.
        options: per-option scores, best total first.
        winner: the option with the highest total (None on a tie).
        deciding_factor: the factor contributing most to the winner's margin (None on a tie).
        margin: winner's total − runner-up's total [points of 0–5].
        deciding_contribution: that factor's w_f·Δs_f/Σw [points of 0–5].
    """

    weights: Weights
    requirements: Requirements
    options: tuple[OptionScore, ...]
    winner: str | None
    deciding_factor: str | None
    margin: float
    deciding_contribution: float


def _cost_predictability(option: OptionProfile) -> FactorScore:
    steps = ", ".join(f"<= {int(b * 100)}% -> {s}" for b, s in SPREAD_STEPS)
    if option.cost_spread is not None:
        score = next((s for bound, s in SPREAD_STEPS if option.cost_spread <= bound), 0)
        return FactorScore(
            "cost_predictability",
            score,
            f"Monte Carlo spread (P90-P10)/P50 of the monthly cost: {steps}, wider -> 0",
            f"spread {option.cost_spread:.0%}",
        )
    if option.fixed_cost_share is not None:
        score = 1 + math.floor(4 * option.fixed_cost_share + 0.5)
        return FactorScore(
            "cost_predictability",
            score,
            "no Monte Carlo: 1 + 4 x the share of the monthly cost that is fixed "
            "(a bill that moves with usage is harder to predict)",
            f"fixed share {option.fixed_cost_share:.0%}",
        )
    raise ScenarioError(
        f"scorecard.options.{option.name}.cost_spread",
        None,
        "cost predictability needs a Monte Carlo spread or a fixed-cost share",
    )


def _data_sovereignty(option: OptionProfile, req: Requirements) -> FactorScore:
    where = option.processing_jurisdiction
    rule_in = "; ".join(f"{k} hardware -> {v}" for k, v in SOVEREIGNTY_IN.items())
    if req.jurisdiction is None:
        return FactorScore(
            "data_sovereignty",
            SOVEREIGNTY_IN[option.hardware],
            f"no jurisdiction required: scored on control of the hardware ({rule_in})",
            f"{option.hardware} hardware, processed in {where or 'an unstated place'}",
        )
    rule = (
        f"requests processed in the required jurisdiction: {rule_in}; "
        "processed elsewhere -> 1; location unknown -> 0"
    )
    if where is None:
        return FactorScore("data_sovereignty", 0, rule, "processing location not stated")
    if where.casefold() == req.jurisdiction.casefold():
        return FactorScore(
            "data_sovereignty",
            SOVEREIGNTY_IN[option.hardware],
            rule,
            f"processed in {where} on {option.hardware} hardware",
        )
    return FactorScore(
        "data_sovereignty", 1, rule, f"requests leave {req.jurisdiction} (processed in {where})"
    )


def _regulatory_compliance(option: OptionProfile, req: Requirements) -> FactorScore:
    if not req.compliance:
        return FactorScore(
            "regulatory_compliance", 5, "no compliance requirements stated -> 5", "none required"
        )
    have = {m.casefold() for m in option.meets}
    met = [r for r in req.compliance if r.casefold() in have]
    missing = [r for r in req.compliance if r.casefold() not in have]
    score = math.floor(5 * len(met) / len(req.compliance))
    fact = f"meets {len(met)} of {len(req.compliance)}"
    if missing:
        fact += f"; missing: {', '.join(missing)}"
    return FactorScore(
        "regulatory_compliance",
        score,
        "floor(5 x requirements met / requirements stated): 5 only when all are met",
        fact,
    )


def _customization_depth(option: OptionProfile) -> FactorScore:
    return FactorScore(
        "customization_depth",
        CUSTOMIZATION_SCORE[option.customization],
        "weights in hand (any fine-tuning, quantisation, distillation) -> 5; "
        "the vendor's fine-tuning API -> 3; prompting and retrieval only -> 1",
        option.customization.replace("_", " "),
    )


def _latency_control(option: OptionProfile, req: Requirements) -> FactorScore:
    base = LATENCY_BASE[option.hardware]
    rule = (
        "who controls batching, placement and queueing: owned hardware 3, rented 2, "
        "a provider's API 1; +2 when a measured p95 meets the target, +1 when a stated "
        "or estimated p95 does; +0 when it misses, is unknown or no target is set"
    )
    fact = f"{option.hardware} hardware"
    bonus = 0
    if req.latency_target_ms is not None and option.latency_p95_ms is not None:
        meets = option.latency_p95_ms <= req.latency_target_ms
        bonus = LATENCY_BONUS[option.latency_basis] if meets else 0  # type: ignore[index]
        verdict = "meets" if meets else "misses"
        fact += (
            f"; {option.latency_basis} p95 {option.latency_p95_ms:g} ms {verdict} "
            f"the {req.latency_target_ms:g} ms target"
        )
    elif req.latency_target_ms is not None:
        fact += "; p95 latency unknown"
    return FactorScore("latency_control", min(5, base + bonus), rule, fact)


def score_option(
    option: OptionProfile, requirements: Requirements, weights: Weights
) -> OptionScore:
    """Score one option on the five factors.

    Args:
        option: the option's facts.
        requirements: what is required of every option.
        weights: the factor weights.

    Returns:
        Its five scores (each with rule and fact) and its weighted total [0–5].

    Raises:
        ScenarioError: when a fact needed is missing.
    """
    scores = (
        _cost_predictability(option),
        _data_sovereignty(option, requirements),
        _regulatory_compliance(option, requirements),
        _customization_depth(option),
        _latency_control(option, requirements),
    )
    total = sum(getattr(weights, s.factor) * s.score for s in scores) / weights.total
    return OptionScore(option.name, option.kind, scores, total)


def score_options(
    options: Sequence[OptionProfile],
    requirements: Requirements | None = None,
    weights: Weights | None = None,
) -> Scorecard:
    """Score every option, rank them and name the factor that decides.

    Args:
        options: two or more options' facts.
        requirements: what is required (default: nothing).
        weights: the factor weights (default: all 1).

    Returns:
        The scorecard.

    Raises:
        ScenarioError: for fewer than two options, duplicate names or a missing fact.
    """
    requirements = requirements or Requirements()
    weights = weights or Weights()
    if len(options) < 2:
        raise ScenarioError("scorecard.options", len(options), "needs at least two options")
    names = [o.name for o in options]
    if len(set(names)) != len(names):
        raise ScenarioError("scorecard.options", names, "names must be unique")
    scored = sorted(
        (score_option(o, requirements, weights) for o in options),
        key=lambda s: -s.weighted_total,
    )
    first, second = scored[0], scored[1]
    margin = first.weighted_total - second.weighted_total
    if math.isclose(margin, 0.0, abs_tol=1e-12):
        return Scorecard(weights, requirements, tuple(scored), None, None, 0.0, 0.0)
    contributions = {
        f: getattr(weights, f) * (first.score(f) - second.score(f)) / weights.total for f in FACTORS
    }
    deciding = max(FACTORS, key=lambda f: contributions[f])
    return Scorecard(
        weights, requirements, tuple(scored), first.name, deciding, margin, contributions[deciding]
    )
