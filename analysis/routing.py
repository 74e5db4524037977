"""Hybrid routing: send each class of tasks to the cheapest option good enough for it.

Pure; no I/O. A workload is split into task classes (a share of the requests,
a required score on a named benchmark, its own input/output tokens). Options
are APIs (billed per token) and self-hosted deployments (billed per replica,
with a capacity). Each class goes to the cheapest option whose score meets the
class's floor, within the self-hosted capacity; the search is exact (every
combination of the candidate options is costed), because a self-hosted
deployment's cost is a step function of all the traffic sent to it.

Quality is traffic-weighted: ``Σ share_i·score_i`` over classes, each score
on the benchmark its class names (so pick benchmarks on one scale, e.g. percent).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar

from analysis.errors import ScenarioError
from analysis.parameters import Num, check_number
from analysis.records import Record
from analysis.sizing import SECONDS_PER_HOUR, SelfHostedOption, Sizing, size_replica
from analysis.tco import (
    ApiOption,
    Workload,
    api_cost,
    replicas_needed,
    self_hosted_monthly_usd,
    staff_inputs,
)

#: The most combinations of (class → candidate option) costed exactly.
MAX_COMBINATIONS = 4096
_SHARE_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class TaskClass(Record):
    """A class of requests with its own quality floor and size.

    Attributes:
        name: label, unique within the routing.
        share: share of the workload's requests [0–1]; shares sum to 1.
        benchmark: the benchmark the floor is on.
        required_score: the lowest acceptable score on it [points of that benchmark].
        input_tokens: I for this class [tokens/request].
        output_tokens: O for this class [tokens/request].
    """

    SECTION: ClassVar[str] = "routing.classes"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "share": Num("share of requests", 0.0, True, 1.0),
        "required_score": Num("benchmark points", 0.0, False),
        "input_tokens": Num("tokens/request"),
        "output_tokens": Num("tokens/request"),
    }

    name: str
    share: float
    benchmark: str
    required_score: float
    input_tokens: float
    output_tokens: float

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ScenarioError("routing.classes.name", self.name, "must be a non-empty name")
        if not isinstance(self.benchmark, str) or not self.benchmark:
            raise ScenarioError(
                f"routing.classes.{self.name}.benchmark", self.benchmark, "must name a benchmark"
            )
        for name, spec in self.NUMBERS.items():
            check_number(f"routing.classes.{self.name}", name, getattr(self, name), spec)


@dataclass(frozen=True, slots=True)
class RouteOption(Record):
    """Where requests can go: an API or a self-hosted deployment, with its scores.

    Attributes:
        name: label, unique within the routing.
        scores: benchmark → score of the option's model [points of that benchmark].
        api: the API prices (for an API option).
        self_hosted: the deployment (for a self-hosted option).
        max_replicas: the self-hosted capacity in replicas (None: no limit).
    """

    name: str
    scores: Mapping[str, float] = field(default_factory=dict)
    api: ApiOption | None = None
    self_hosted: SelfHostedOption | None = None
    max_replicas: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ScenarioError("routing.options.name", self.name, "must be a non-empty name")
        where = f"routing.options.{self.name}"
        if (self.api is None) == (self.self_hosted is None):
            raise ScenarioError(where, self.name, "needs exactly one of api or self_hosted")
        if not isinstance(self.scores, Mapping):
            raise ScenarioError(f"{where}.scores", self.scores, "must map benchmark to score")
        for bench, score in self.scores.items():
            check_number(f"{where}.scores", str(bench), score, Num("benchmark points", 0, False))
        if self.max_replicas is not None:
            if self.self_hosted is None:
                raise ScenarioError(
                    f"{where}.max_replicas",
                    self.max_replicas,
                    "applies to self-hosted options only",
                )
            check_number(
                where, "max_replicas", self.max_replicas, Num("replicas", 1, False, integer=True)
            )
        object.__setattr__(self, "scores", dict(self.scores))

    @property
    def kind(self) -> str:
        """``api`` or ``self_hosted``."""
        return "api" if self.api is not None else "self_hosted"


@dataclass(frozen=True, slots=True)
class ClassRoute(Record):
    """Where one class went.

    Attributes:
        monthly_usd: the class's cost [USD/month]; for a self-hosted option the
            deployment's cost shared in proportion to output tokens.
    """

    name: str
    option: str
    kind: str
    requests_per_month: float
    share: float
    benchmark: str
    score: float
    required_score: float
    monthly_usd: float


@dataclass(frozen=True, slots=True)
class OptionLoad(Record):
    """One option's traffic and cost.

    Attributes:
        share: share of requests routed to it.
        monthly_usd: its cost [USD/month] (0 for a deployment with no traffic).
        replicas, gpus: for self-hosted options.
        capacity_used: peak output tok/s ÷ (replicas·T·u), for self-hosted options.
    """

    name: str
    kind: str
    share: float
    monthly_usd: float
    replicas: int | None
    gpus: int | None
    capacity_used: float | None


@dataclass(frozen=True, slots=True)
class RoutingResult(Record):
    """The split, its blended cost and its quality.

    Attributes:
        floor_factor: the factor applied to every class's required score.
        classes: where each class went.
        options: each option's load and cost.
        monthly_usd: the blended monthly cost [USD/month].
        quality: Σ share_i·score_i [points].
    """

    floor_factor: float
    classes: tuple[ClassRoute, ...]
    options: tuple[OptionLoad, ...]
    monthly_usd: float
    quality: float


@dataclass(frozen=True, slots=True)
class FrontierPoint(Record):
    """One routing on the cost–quality Pareto frontier.

    Attributes:
        floor_factor: the lowest floor factor tried that gives this routing (each
            routing holds from the previous threshold, exclusive, up to this one).
        monthly_usd: [USD/month]; quality: traffic-weighted score [points].
        assignment: (class, option) pairs.
    """

    floor_factor: float
    monthly_usd: float
    quality: float
    assignment: tuple[tuple[str, str], ...]


class _Plan:
    """Per-option facts computed once: API cost of each class, self-hosted sizing."""

    def __init__(
        self, workload: Workload, classes: Sequence[TaskClass], options: Sequence[RouteOption]
    ):
        _check_routing(classes, options)
        self.w = workload
        self.classes = tuple(classes)
        self.options = tuple(options)
        r = workload.requests_per_month
        self.requests = [r * c.share for c in classes]
        # API cost of each class on each API option [USD/month].
        self.api_cost: dict[tuple[int, int], float] = {}
        self.sizing: dict[int, Sizing] = {}
        self.staff: dict[int, tuple[float, float]] = {}
        for j, opt in enumerate(options):
            if opt.api is not None:
                for i, c in enumerate(classes):
                    load = replace(
                        workload,
                        requests_per_month=self.requests[i],
                        input_tokens=c.input_tokens,
                        output_tokens=c.output_tokens,
                    )
                    self.api_cost[i, j] = api_cost(load, opt.api).monthly_usd
            else:
                assert opt.self_hosted is not None
                self.sizing[j] = size_replica(
                    opt.self_hosted, workload.hours_per_month, workload.traffic
                )
                self.staff[j] = staff_inputs(opt.self_hosted)

    def score(self, i: int, j: int) -> float | None:
        return self.options[j].scores.get(self.classes[i].benchmark)

    def eligible(self, i: int, j: int, factor: float) -> bool:
        score = self.score(i, j)
        return score is not None and score >= self.classes[i].required_score * factor

    def hosted(self, j: int, classes: list[int]) -> tuple[float, int, float] | None:
        """(USD/month, replicas, capacity used) of deployment j for these classes.

        None when the classes need more than the option's ``max_replicas``.
        """
        opt = self.options[j].self_hosted
        assert opt is not None
        sizing = self.sizing[j]
        tokens = sum(self.requests[i] * self.classes[i].output_tokens for i in classes)
        replicas = int(
            replicas_needed(
                tokens,
                1.0,
                self.w.peak_to_average,
                self.w.hours_per_month,
                sizing.throughput.tok_s,
                opt.utilisation,
            )
        )
        limit = self.options[j].max_replicas
        if limit is not None and replicas > limit:
            return None
        fte, annual = self.staff[j]
        cost = self_hosted_monthly_usd(
            replicas * sizing.gpus_per_replica,
            self.w.hours_per_month,
            sizing.gpu_hour.usd,
            fte,
            annual,
        )
        peak = tokens / (self.w.hours_per_month * SECONDS_PER_HOUR) * self.w.peak_to_average
        used = peak / (replicas * sizing.throughput.tok_s * opt.utilisation)
        return cost, replicas, used

    def candidates(self, i: int, factor: float) -> list[int]:
        """The cheapest eligible API and every eligible self-hosted option for class i."""
        apis = [
            j
            for j, o in enumerate(self.options)
            if o.api is not None and self.eligible(i, j, factor)
        ]
        out = (
            [min(apis, key=lambda j: (self.api_cost[i, j], -(self.score(i, j) or 0), j))]
            if apis
            else []
        )
        out += [
            j for j, o in enumerate(self.options) if o.api is None and self.eligible(i, j, factor)
        ]
        return out

    def cost(self, assignment: tuple[int, ...]) -> float | None:
        total = sum(self.api_cost[i, j] for i, j in enumerate(assignment) if self.options[j].api)
        for j in sorted(set(assignment)):
            if self.options[j].api is None:
                hosted = self.hosted(j, [i for i, k in enumerate(assignment) if k == j])
                if hosted is None:
                    return None
                total += hosted[0]
        return total

    def quality(self, assignment: tuple[int, ...]) -> float:
        return sum(
            c.share * (self.score(i, j) or 0.0)
            for i, (c, j) in enumerate(zip(self.classes, assignment, strict=True))
        )

    def best(self, factor: float) -> tuple[int, ...] | str:
        """The cheapest feasible assignment, or the reason there is none."""
        choices = []
        for i, c in enumerate(self.classes):
            cands = self.candidates(i, factor)
            if not cands:
                scores = [(o.scores.get(c.benchmark), o.name) for o in self.options]
                known = [(s, n) for s, n in scores if s is not None]
                top = (
                    f"the best is {max(known)[0]:g} ({max(known)[1]})"
                    if known
                    else "no option has a score on it"
                )
                return (
                    f"class {c.name!r} needs {c.required_score * factor:g} on {c.benchmark}; {top}"
                )
            choices.append(cands)
        if math.prod(len(c) for c in choices) > MAX_COMBINATIONS:
            raise ScenarioError(
                "routing.classes",
                len(self.classes),
                f"too many task classes to route exactly (more than {MAX_COMBINATIONS} "
                "combinations): merge similar classes",
            )
        best: tuple[float, float, tuple[int, ...]] | None = None
        for assignment in itertools.product(*choices):
            cost = self.cost(assignment)
            if cost is None:
                continue
            key = (cost, -self.quality(assignment), assignment)
            if best is None or key < best:
                best = key
        if best is None:
            return (
                "the self-hosted capacity (max_replicas) cannot take the traffic "
                "that the floors leave it"
            )
        return best[2]

    def result(self, assignment: tuple[int, ...], factor: float) -> RoutingResult:
        hosted: dict[int, tuple[float, int, float]] = {}
        for j in set(assignment):
            if self.options[j].api is None:
                bill = self.hosted(j, [i for i, k in enumerate(assignment) if k == j])
                assert bill is not None, "a routed assignment is within max_replicas"
                hosted[j] = bill
        routes = []
        for i, (c, j) in enumerate(zip(self.classes, assignment, strict=True)):
            opt = self.options[j]
            if opt.api is not None:
                cost = self.api_cost[i, j]
            else:
                mine = self.requests[i] * c.output_tokens
                all_tokens = sum(
                    self.requests[k] * self.classes[k].output_tokens
                    for k, m in enumerate(assignment)
                    if m == j
                )
                cost = hosted[j][0] * mine / all_tokens
            routes.append(
                ClassRoute(
                    c.name,
                    opt.name,
                    opt.kind,
                    self.requests[i],
                    c.share,
                    c.benchmark,
                    float(self.score(i, j) or 0.0),
                    c.required_score,
                    cost,
                )
            )
        loads = []
        for j, opt in enumerate(self.options):
            share = sum(c.share for c, k in zip(self.classes, assignment, strict=True) if k == j)
            if opt.api is not None:
                cost = sum(r.monthly_usd for r in routes if r.option == opt.name)
                loads.append(OptionLoad(opt.name, opt.kind, share, cost, None, None, None))
            elif j in hosted:
                cost, replicas, used = hosted[j]
                gpus = replicas * self.sizing[j].gpus_per_replica
                loads.append(OptionLoad(opt.name, opt.kind, share, cost, replicas, gpus, used))
            else:
                loads.append(OptionLoad(opt.name, opt.kind, 0.0, 0.0, 0, 0, 0.0))
        return RoutingResult(
            floor_factor=factor,
            classes=tuple(routes),
            options=tuple(loads),
            monthly_usd=sum(load.monthly_usd for load in loads),
            quality=self.quality(assignment),
        )


def _check_routing(classes: Sequence[TaskClass], options: Sequence[RouteOption]) -> None:
    if not classes:
        raise ScenarioError("routing.classes", [], "give at least one task class")
    if not options:
        raise ScenarioError("routing.options", [], "give at least one option")
    for what, names in (
        ("classes", [c.name for c in classes]),
        ("options", [o.name for o in options]),
    ):
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ScenarioError(f"routing.{what}", dupes, "names must be unique")
    total = sum(c.share for c in classes)
    if abs(total - 1.0) > _SHARE_TOLERANCE:
        raise ScenarioError(
            "routing.classes.share", round(total, 12), "the classes' shares must sum to 1"
        )


def route(
    workload: Workload,
    classes: Sequence[TaskClass],
    options: Sequence[RouteOption],
    floor_factor: float = 1.0,
) -> RoutingResult:
    """Route each class to the cheapest option that meets its floor, within capacity.

    A class may go to an option whose score on the class's benchmark is at
    least ``required_score·floor_factor``. Among the assignments that respect
    every floor and every self-hosted ``max_replicas``, the one with the lowest
    blended monthly cost is returned (ties: higher quality). The API cost of
    class i is the API formula with ``R_i = R·share_i`` and the class's tokens;
    a deployment's cost is the self-hosted formula on the output tokens routed
    to it, ``replicas = max(1, ceil(Σ R_i·O_i/(H·3600)·P/(T·u)))``.

    Args:
        workload: the traffic (R, cached share, P, H; its I and O are replaced per class).
        classes: the task classes (shares sum to 1).
        options: the API and self-hosted options with their scores.
        floor_factor: multiplies every required score (1 = as stated).

    Returns:
        The split, its blended monthly cost and its traffic-weighted quality.

    Raises:
        ScenarioError: when a class cannot be served (no option good enough, or
            capacity too small), or an input is invalid.
    """
    check_number("routing", "floor_factor", floor_factor, Num("factor", 0.0, False))
    plan = _Plan(workload, classes, options)
    best = plan.best(floor_factor)
    if isinstance(best, str):
        raise ScenarioError("routing.classes.required_score", floor_factor, best)
    return plan.result(best, floor_factor)


def pareto_frontier(
    workload: Workload, classes: Sequence[TaskClass], options: Sequence[RouteOption]
) -> tuple[FrontierPoint, ...]:
    """The cost–quality Pareto frontier as the quality floor varies.

    Every floor factor at which some option becomes ineligible for some class
    (``score/required_score``, and 0) is tried; each gives the cheapest routing
    under that floor. The routings that no other beats on both monthly cost
    (lower) and quality (higher) form the frontier.

    Args:
        workload: the traffic.
        classes: the task classes.
        options: the options with their scores.

    Returns:
        Frontier points, cheapest first (quality rises along it).

    Raises:
        ScenarioError: when an input is invalid.
    """
    plan = _Plan(workload, classes, options)
    factors = {0.0}
    for i, c in enumerate(plan.classes):
        if c.required_score > 0:
            for j in range(len(plan.options)):
                score = plan.score(i, j)
                if score is not None:
                    factors.add(score / c.required_score)
    points: dict[tuple[int, ...], FrontierPoint] = {}
    for factor in sorted(factors):
        best = plan.best(factor)
        if isinstance(best, str) or best in points:
            continue
        cost = plan.cost(best)
        assert cost is not None
        points[best] = FrontierPoint(
            floor_factor=factor,
            monthly_usd=cost,
            quality=plan.quality(best),
            assignment=tuple(
                (c.name, plan.options[j].name) for c, j in zip(plan.classes, best, strict=True)
            ),
        )
    frontier: list[FrontierPoint] = []
    for p in sorted(points.values(), key=lambda p: (p.monthly_usd, -p.quality)):
        if not frontier or p.quality > frontier[-1].quality:
            frontier.append(p)
    return tuple(frontier)
