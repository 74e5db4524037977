"""Scenarios: the file a notebook panel saves, the ``tco`` command reads and a brief takes.

A scenario is one YAML mapping (see ``reports/params/example_scenario.yaml``)::

    name, description, as_of, horizon_months
    workload:    requests_per_month (or tokens_per_day), input_tokens, output_tokens, ...
    api:         provider, model, and prices (looked up when not given)
    self_hosted: model, gpu, sizing, throughput (or probe_run), rent or buy, staff
    sensitivity: pct, metric                         (tornado)
    monte_carlo: draws, seed, distributions          (uncertainty)
    quality:     benchmarks, api_scores, self_hosted_scores
    routing:     classes, options                    (hybrid routing)
    scorecard:   requirements, weights, api, self_hosted   (the five factors)
    sources:     parameter -> where its value comes from

Keys are strict: an unknown key is an error naming the key, the file and the
line. :func:`resolve` fills what the file leaves out from the warehouse (API
prices on the scenario's date, model and GPU figures, cloud GPU prices,
benchmark scores) and the probe store (measured throughput), recording each
value's source; the pure model (:mod:`analysis.tco`, :mod:`analysis.uncertainty`,
:mod:`analysis.routing`, :mod:`analysis.scorecard`) then does the arithmetic.
:func:`dump_scenario` writes a scenario back; loading the dump gives an equal
scenario.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from analysis.cli import date_arg
from analysis.errors import PriceNotFoundError, ScenarioError
from analysis.records import Record, to_plain
from analysis.routing import (
    FrontierPoint,
    RouteOption,
    RoutingResult,
    TaskClass,
    pareto_frontier,
    route,
)
from analysis.scorecard import (
    CUSTOMIZATION,
    LATENCY_BASES,
    OptionProfile,
    Requirements,
    Scorecard,
    Weights,
    score_options,
)
from analysis.tco import (
    ApiOption,
    GpuSpec,
    ModelSpec,
    Num,
    QualityComparison,
    SelfHostedOption,
    TcoCase,
    TcoResult,
    Workload,
    assumptions_in_use,
    check_number,
    evaluate,
    quality_adjusted,
)
from analysis.uncertainty import (
    METRICS,
    MIN_DRAWS,
    SAMPLEABLE,
    Distribution,
    MonteCarloResult,
    Tornado,
    distribution_from_dict,
    monte_carlo,
    tornado,
)

HOURS_PER_DAY = 24
#: Largest scenario file read [bytes]: a scenario is a page of YAML.
MAX_FILE_BYTES = 1_000_000


# --------------------------------------------------------------------------- #
# Settings objects (frozen; the pure objects of analysis.tco hold the numbers)
# --------------------------------------------------------------------------- #


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
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.horizon_months is not None:
            check_number(
                "scenario", "horizon_months", self.horizon_months, Num("months", integer=True)
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


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #

_TOP_KEYS = (
    "name",
    "description",
    "as_of",
    "horizon_months",
    "workload",
    "api",
    "self_hosted",
    "sensitivity",
    "monte_carlo",
    "quality",
    "routing",
    "scorecard",
    "sources",
)


def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


class _Reader:
    """Turns a parsed mapping into a Scenario, with strict keys and located errors."""

    def __init__(self, where: str, lines: Mapping[str, int]):
        self.where = where
        self.lines = lines

    def line_of(self, path: str) -> int | None:
        parts = path.split(".")
        while parts:
            line = self.lines.get(".".join(parts))
            if line is not None:
                return line
            parts.pop()
        return None

    def location(self, path: str) -> str:
        line = self.line_of(path)
        return f"{self.where}, line {line}" if line else self.where

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ScenarioError(path, value, f"must be a mapping ({self.location(path)})")
        return dict(value)

    def strict(self, data: Mapping[str, Any], path: str, allowed: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                full = f"{path}.{key}" if path else str(key)
                raise ScenarioError(
                    full,
                    data[key],
                    f"unknown key in {self.location(full)}; known keys: {', '.join(allowed)}",
                )

    def build(self, cls: type, data: Any, path: str, **converted: Any) -> Any:
        data = self.mapping(data, path)
        allowed = tuple(n for n in _field_names(cls) if n != "kind")
        self.strict(data, path, allowed)
        return cls(**{**data, **converted})


def _text_date(value: Any, parameter: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    raise ScenarioError(parameter, value, "must be a date (YYYY-MM-DD)")


def _as_date(value: Any, parameter: str) -> date | None:
    if value is None or (isinstance(value, date)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ScenarioError(parameter, value, "must be a date (YYYY-MM-DD)")


def _workload(r: _Reader, data: Any) -> Workload:
    data = r.mapping(data, "workload")
    allowed = (*_field_names(Workload), "tokens_per_day")
    r.strict(data, "workload", allowed)
    if "tokens_per_day" in data:
        if "requests_per_month" in data:
            raise ScenarioError(
                "workload.tokens_per_day",
                data["tokens_per_day"],
                "give requests_per_month or tokens_per_day, not both "
                f"({r.location('workload.tokens_per_day')})",
            )
        per_day = data.pop("tokens_per_day")
        check_number("workload", "tokens_per_day", per_day, Num("tokens/day"))
        for name in ("input_tokens", "output_tokens"):
            if name not in data:
                raise ScenarioError(
                    f"workload.{name}", None, "is needed to turn tokens_per_day into requests"
                )
        hours = data.get("hours_per_month", 730.0)
        tokens = data["input_tokens"] + data["output_tokens"]
        # R = tokens/day · (H/24) days/month ÷ (I+O) tokens/request [requests/month]
        data["requests_per_month"] = per_day * (hours / HOURS_PER_DAY) / tokens
    for name in ("requests_per_month", "input_tokens", "output_tokens"):
        if name not in data:
            raise ScenarioError(f"workload.{name}", None, f"is required ({r.location('workload')})")
    return Workload(**data)


def _api(r: _Reader, data: Any, path: str) -> ApiOption:
    data = r.mapping(data, path)
    date_value = _text_date(data.get("price_date"), f"{path}.price_date")
    return r.build(ApiOption, data, path, **({"price_date": date_value} if date_value else {}))


def _self_hosted(r: _Reader, data: Any) -> SelfHostedOption:
    data = r.mapping(data, "self_hosted")
    converted: dict[str, Any] = {}
    if data.get("model_spec") is not None:
        converted["model_spec"] = r.build(ModelSpec, data["model_spec"], "self_hosted.model_spec")
    if data.get("gpu_spec") is not None:
        converted["gpu_spec"] = r.build(GpuSpec, data["gpu_spec"], "self_hosted.gpu_spec")
    if isinstance(data.get("probe_run"), int) and not isinstance(data.get("probe_run"), bool):
        converted["probe_run"] = str(data["probe_run"])
    return r.build(SelfHostedOption, data, "self_hosted", **converted)


def _scores(r: _Reader, data: Any, path: str) -> dict[str, float]:
    scores = r.mapping(data, path)
    return {str(k): v for k, v in scores.items()}


def _quality(r: _Reader, data: Any) -> QualitySettings:
    data = r.mapping(data, "quality")
    r.strict(data, "quality", _field_names(QualitySettings))
    picks = data.get("benchmarks") or []
    if not isinstance(picks, list):
        raise ScenarioError("quality.benchmarks", picks, "must be a list")
    built = []
    for i, pick in enumerate(picks):
        if isinstance(pick, str):
            built.append(BenchmarkPick(pick))
        else:
            built.append(r.build(BenchmarkPick, pick, f"quality.benchmarks[{i}]"))
    return QualitySettings(
        benchmarks=tuple(built),
        api_model=data.get("api_model"),
        self_hosted_model=data.get("self_hosted_model"),
        api_scores=_scores(r, data.get("api_scores"), "quality.api_scores"),
        self_hosted_scores=_scores(r, data.get("self_hosted_scores"), "quality.self_hosted_scores"),
    )


def _routing(r: _Reader, data: Any) -> RoutingSettings:
    data = r.mapping(data, "routing")
    r.strict(data, "routing", _field_names(RoutingSettings))
    classes, options = data.get("classes") or [], data.get("options") or []
    for name, value in (("classes", classes), ("options", options)):
        if not isinstance(value, list) or not value:
            raise ScenarioError(f"routing.{name}", value, "must be a non-empty list")
    built_classes = tuple(
        r.build(TaskClass, c, f"routing.classes[{i}]") for i, c in enumerate(classes)
    )
    built_options = []
    for i, o in enumerate(options):
        path = f"routing.options[{i}]"
        o = r.mapping(o, path)
        converted: dict[str, Any] = {"scores": _scores(r, o.get("scores"), f"{path}.scores")}
        if o.get("api") is not None:
            converted["api"] = _api(r, o["api"], f"{path}.api")
        built_options.append(r.build(RoutingChoice, o, path, **converted))
    return RoutingSettings(built_classes, tuple(built_options))


def _scorecard(r: _Reader, data: Any) -> ScorecardSettings:
    data = r.mapping(data, "scorecard")
    r.strict(data, "scorecard", _field_names(ScorecardSettings))
    req = r.mapping(data.get("requirements"), "scorecard.requirements")
    if isinstance(req.get("compliance"), list):
        req["compliance"] = tuple(req["compliance"])
    facts = {}
    for side in ("api", "self_hosted"):
        side_data = r.mapping(data.get(side), f"scorecard.{side}")
        if isinstance(side_data.get("meets"), list):
            side_data["meets"] = tuple(side_data["meets"])
        facts[side] = r.build(ProfileFacts, side_data, f"scorecard.{side}")
    return ScorecardSettings(
        requirements=r.build(Requirements, req, "scorecard.requirements"),
        weights=r.build(Weights, data.get("weights"), "scorecard.weights"),
        **facts,
    )


def _monte_carlo(r: _Reader, data: Any) -> MonteCarloSettings:
    data = r.mapping(data, "monte_carlo")
    r.strict(data, "monte_carlo", _field_names(MonteCarloSettings))
    dists = r.mapping(data.get("distributions"), "monte_carlo.distributions")
    built = {
        str(path): distribution_from_dict(spec, f"monte_carlo.distributions.{path}")
        for path, spec in dists.items()
    }
    return MonteCarloSettings(
        draws=data.get("draws", MIN_DRAWS), seed=data.get("seed", 0), distributions=built
    )


def scenario_from_dict(
    data: Mapping[str, Any], where: str = "scenario", lines: Mapping[str, int] | None = None
) -> Scenario:
    """Build a Scenario from its mapping (as read from YAML or made in a notebook).

    Args:
        data: the mapping.
        where: the file (or other origin) named in errors.
        lines: dotted key -> line number, for errors (from :func:`load_scenario`).

    Returns:
        The scenario (nothing looked up yet: see :func:`resolve`).

    Raises:
        ScenarioError: an unknown or missing key, or an invalid value; the message
            names the parameter, its value, the file and the line.
    """
    r = _Reader(where, lines or {})
    try:
        if not isinstance(data, Mapping):
            raise ScenarioError("scenario", data, f"must be a mapping ({where})")
        data = dict(data)
        r.strict(data, "", _TOP_KEYS)
        for key in ("workload", "api", "self_hosted"):
            if data.get(key) is None:
                raise ScenarioError(key, None, f"is required ({where})")
        sources = r.mapping(data.get("sources"), "sources")
        return Scenario(
            workload=_workload(r, data["workload"]),
            api=_api(r, data["api"], "api"),
            self_hosted=_self_hosted(r, data["self_hosted"]),
            name=data.get("name"),
            description=data.get("description"),
            as_of=_as_date(data.get("as_of"), "as_of"),
            horizon_months=data.get("horizon_months"),
            sensitivity=r.build(Sensitivity, data.get("sensitivity"), "sensitivity"),
            monte_carlo=(
                _monte_carlo(r, data["monte_carlo"])
                if data.get("monte_carlo") is not None
                else None
            ),
            quality=_quality(r, data["quality"]) if data.get("quality") is not None else None,
            routing=_routing(r, data["routing"]) if data.get("routing") is not None else None,
            scorecard=(
                _scorecard(r, data["scorecard"]) if data.get("scorecard") is not None else None
            ),
            sources={str(k): v for k, v in sources.items()},
        )
    except TypeError as exc:  # a dataclass given a wrong shape
        raise ScenarioError("scenario", None, f"{exc} ({where})") from exc
    except ScenarioError as exc:
        raise _located(exc, r) from None


def _problem(exc: ScenarioError) -> str:
    """The explanation part of a ScenarioError's message (after ``parameter = value: ``)."""
    text = str(exc)
    prefix = f"{exc.parameter} = {exc.value!r}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def _located(exc: ScenarioError, r: _Reader) -> ScenarioError:
    """The same error with the file and line added, when not already there."""
    if r.where in str(exc):
        return exc
    return type(exc)(exc.parameter, exc.value, f"{_problem(exc)} ({r.location(exc.parameter)})")


def yaml_key_lines(
    node: Any, prefix: str = "", out: dict[str, int] | None = None
) -> dict[str, int]:
    """Map each dotted key of a composed YAML node tree to its line, for error messages.

    Args:
        node: the root from ``yaml.compose`` (a mapping, sequence or scalar node).
        prefix: the dotted key of ``node`` itself ("" at the root).
        out: the mapping to fill (a new one when None).

    Returns:
        Dotted key (``workload.tokens_per_day``, ``models[0]``) -> 1-based line.
    """
    import yaml

    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            out[key] = key_node.start_mark.line + 1
            yaml_key_lines(value_node, key, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            key = f"{prefix}[{i}]"
            out[key] = item.start_mark.line + 1
            yaml_key_lines(item, key, out)
    return out


_FLOAT = (
    r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"  # 1.5, 1.5e6
    r"|[0-9][0-9_]*[eE][-+]?[0-9]+"  # 1e6 (YAML 1.1 would read it as text)
    r"|\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
    r"|\.(?:inf|Inf|INF))$|^\.(?:nan|NaN|NAN)$"
)


def _yaml_loader() -> type:
    """A safe YAML loader that also reads ``1e6`` as a number."""
    import re

    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float", re.compile(_FLOAT), list("-+0123456789.")
    )
    return Loader


def parse_scenario_text(text: str, where: str = "scenario") -> Scenario:
    """Build a Scenario from YAML text (numbers such as ``1e6`` are read as numbers).

    Args:
        text: the YAML.
        where: the origin named in errors.

    Returns:
        The scenario.

    Raises:
        ScenarioError: the YAML is malformed, or as :func:`scenario_from_dict`.
    """
    import yaml

    loader = _yaml_loader()
    try:
        data = yaml.load(text, Loader=loader)  # a SafeLoader subclass
        lines = yaml_key_lines(yaml.compose(text, Loader=loader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise ScenarioError(
            "scenario", where, f"is not valid YAML ({where}{line}): {exc}"
        ) from None
    return scenario_from_dict(data, where, lines)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file.

    Args:
        path: the YAML file.

    Returns:
        The scenario (nothing looked up yet: see :func:`resolve`).

    Raises:
        ScenarioError: the file is missing, too large, not YAML, or invalid.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                "scenario",
                str(path),
                f"is {size:,} bytes; a scenario is at most {MAX_FILE_BYTES:,}",
            )
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError("scenario", str(path), f"cannot be read: {exc.strerror}") from None
    return parse_scenario_text(text, str(path))


# --------------------------------------------------------------------------- #
# Writing
# --------------------------------------------------------------------------- #


def _pruned(value: Any) -> Any:
    """Plain data without None values and empty mappings/lists, distribution kinds kept."""
    if isinstance(value, dict):
        out = {k: _pruned(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in out.items() if v != {} and v != []}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the plain mapping a file holds (None values left out).

    Args:
        scenario: the scenario.

    Returns:
        A mapping :func:`scenario_from_dict` turns back into an equal scenario.
    """
    data = _pruned(to_plain(scenario))
    for path, dist in data.get("monte_carlo", {}).get("distributions", {}).items():
        data["monte_carlo"]["distributions"][path] = {"kind": dist.pop("kind"), **dist}
    if scenario.sensitivity == Sensitivity():
        data["sensitivity"] = to_plain(Sensitivity())
    for key in ("monte_carlo", "quality", "routing", "scorecard"):
        if getattr(scenario, key) is not None:
            data.setdefault(key, {})
    order = [k for k in _TOP_KEYS if k in data]
    return {k: data[k] for k in order}


def dump_scenario(scenario: Scenario, path: str | Path | None = None) -> str:
    """Write the scenario as YAML (to ``path`` when given) and return the text.

    Args:
        scenario: the scenario.
        path: where to write it (None: only return the text).

    Returns:
        The YAML text; loading it gives a scenario equal to ``scenario``.
    """
    import yaml

    text = yaml.safe_dump(
        scenario_to_dict(scenario), sort_keys=False, allow_unicode=True, width=100
    )
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


# --------------------------------------------------------------------------- #
# Looking up what the file leaves out
# --------------------------------------------------------------------------- #


def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    from analysis import warehouse

    return warehouse.query(sql, params).to_dicts()


def _need_date(at: date | None, parameter: str) -> date:
    if at is None:
        raise ScenarioError(
            parameter,
            None,
            "is looked up at a date: give as_of in the scenario (or --as-of on the command line)",
        )
    return at


def _resolve_api(api: ApiOption, at: date | None, sources: dict[str, str], path: str) -> ApiOption:
    if api.input_usd_per_mtok is not None and api.output_usd_per_mtok is not None:
        return api
    from analysis import prices

    if not api.model:
        raise ScenarioError(
            f"{path}.model", None, "name the model to look up its price, or give the prices"
        )
    at = _need_date(at, f"{path}.input_usd_per_mtok")
    try:
        price = prices.price_for(api.model, at=at, provider=api.provider)
    except PriceNotFoundError as exc:  # name the scenario's parameter, keep the explanation
        raise PriceNotFoundError(f"{path}.model", api.model, _problem(exc)) from None
    since = price.effective_from.isoformat() if price.effective_from else "an unknown start"
    note = (
        f"warehouse api_prices: {price.provider} {price.api_model}, in force on "
        f"{at.isoformat()} (from {since}, {price.date_basis}); {price.source}"
    )
    filled: dict[str, Any] = {}
    for name in ("input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok"):
        value = getattr(price, name)
        if getattr(api, name) is None and value is not None:
            filled[name] = float(value)
            sources.setdefault(f"{path}.{name}", note)
    return replace(
        api,
        provider=api.provider or price.provider,
        price_source=api.price_source or price.source,
        price_date=api.price_date
        or (price.effective_from.isoformat() if price.effective_from else None),
        **filled,
    )


def _model_row(model_id: str, parameter: str) -> dict[str, Any]:
    rows = _rows("SELECT * FROM models WHERE model_id = ?", [model_id])
    if not rows:
        import difflib

        known = [r["model_id"] for r in _rows("SELECT model_id FROM models WHERE open_weights", [])]
        close = difflib.get_close_matches(model_id, known, n=8, cutoff=0.4)
        raise ScenarioError(
            parameter,
            model_id,
            f"is not in the warehouse's models table; closest open-weight models: "
            f"{', '.join(close) or 'none'} ({len(known)} in all: python -m analysis sql "
            '"SELECT model_id FROM models WHERE open_weights" lists them)',
        )
    return rows[0]


def _resolve_model_spec(sh: SelfHostedOption, sources: dict[str, str]) -> SelfHostedOption:
    if sh.model_spec is not None or not sh.model:
        return sh
    row = _model_row(sh.model, "self_hosted.model")
    if not row.get("open_weights"):
        raise ScenarioError(
            "self_hosted.model", sh.model, "is not open-weight, so it cannot be self-hosted"
        )
    if row.get("params_total_b") is None:
        return sh  # sizing will say what is missing if it needs the figures
    spec = ModelSpec(
        params_total_b=row["params_total_b"],
        params_active_b=row.get("params_active_b"),
        layers=row.get("layers"),
        kv_heads=row.get("kv_heads"),
        head_dim=row.get("head_dim"),
        source=row.get("spec_source") or row.get("source"),
    )
    sources.setdefault("self_hosted.model_spec", f"warehouse models: {spec.source}")
    return replace(sh, model_spec=spec)


def _resolve_gpu(sh: SelfHostedOption, sources: dict[str, str]) -> SelfHostedOption:
    if not sh.gpu:
        return sh
    rows = _rows("SELECT * FROM gpus WHERE gpu_id = ?", [sh.gpu])
    if not rows:
        known = ", ".join(r["gpu_id"] for r in _rows("SELECT gpu_id FROM gpus ORDER BY 1", []))
        raise ScenarioError(
            "self_hosted.gpu", sh.gpu, f"is not in the warehouse's gpus table; known: {known}"
        )
    row = rows[0]
    changes: dict[str, Any] = {}
    if sh.gpu_spec is None:
        changes["gpu_spec"] = GpuSpec(
            memory_gb=row["memory_gb"],
            mem_bandwidth_tbps=row["mem_bandwidth_tbps"],
            tdp_w=row.get("tdp_w"),
            purchase_price_usd=row.get("purchase_price_usd"),
            source=row.get("source"),
        )
        sources.setdefault("self_hosted.gpu_spec", f"warehouse gpus: {row.get('source')}")
    if sh.ownership == "buy":
        if sh.capex_usd_per_gpu is None and row.get("purchase_price_usd") is not None:
            changes["capex_usd_per_gpu"] = float(row["purchase_price_usd"])
            kind = "an estimate" if row.get("purchase_price_is_estimate") else "a list price"
            sources.setdefault(
                "self_hosted.capex_usd_per_gpu",
                f"warehouse gpus.purchase_price_usd, {kind}: {row.get('purchase_price_source')}",
            )
        if sh.power_w is None and row.get("tdp_w") is not None:
            changes["power_w"] = float(row["tdp_w"])
            sources.setdefault(
                "self_hosted.power_w",
                "estimate: the board power (TDP) from the datasheet, an upper bound on the "
                f"average draw; {row.get('source')}",
            )
    return replace(sh, **changes) if changes else sh


def _resolve_rent(
    sh: SelfHostedOption, at: date | None, sources: dict[str, str]
) -> SelfHostedOption:
    if sh.ownership != "rent" or sh.gpu_hour_usd is not None:
        return sh
    if sh.cloud_offer is None and not sh.gpu:
        return sh  # the model will ask for gpu_hour_usd
    at = _need_date(at, "self_hosted.gpu_hour_usd")
    sql = (
        "SELECT * FROM gpu_cloud_prices WHERE as_of <= ? "
        "QUALIFY row_number() OVER (PARTITION BY provider, instance_type, region "
        "ORDER BY as_of DESC) = 1"
    )
    offers = _rows(sql, [at])
    if sh.cloud_offer is not None:
        parts = sh.cloud_offer.split("/", 2)
        if len(parts) != 3:
            raise ScenarioError(
                "self_hosted.cloud_offer", sh.cloud_offer, "must be provider/instance_type/region"
            )
        chosen = [o for o in offers if [o["provider"], o["instance_type"], o["region"]] == parts]
        how = "the offer named"
    else:
        chosen = sorted(
            (o for o in offers if o["gpu_id"] == sh.gpu),
            key=lambda o: (o["usd_per_gpu_hour"], o["provider"], o["instance_type"], o["region"]),
        )[:1]
        how = f"the cheapest on-demand offer for {sh.gpu}"
    if not chosen:
        what = sh.cloud_offer or f"an offer for {sh.gpu}"
        raise ScenarioError(
            "self_hosted.cloud_offer" if sh.cloud_offer else "self_hosted.gpu",
            sh.cloud_offer or sh.gpu,
            f"the warehouse has no gpu_cloud_prices row for {what} dated on or before "
            f"{at.isoformat()}; give self_hosted.gpu_hour_usd",
        )
    offer = chosen[0]
    label = f"{offer['provider']}/{offer['instance_type']}/{offer['region']}"
    sources.setdefault(
        "self_hosted.gpu_hour_usd",
        f"warehouse gpu_cloud_prices, {how}: {label} as of {offer['as_of']} "
        f"({offer.get('as_of_basis')}); {offer.get('source')}",
    )
    return replace(sh, gpu_hour_usd=float(offer["usd_per_gpu_hour"]), cloud_offer=label)


def probe_throughput(run_id: str) -> tuple[float, str, float | None]:
    """Measured replica throughput of a stored probe run, within the run's own SLO.

    Args:
        run_id: the probe run's id.

    Returns:
        (output tokens/s per replica at the highest load level meeting the SLO,
        the basis text, that level's p95 time to first token [ms] or None).

    Raises:
        ScenarioError: the run is not stored, cannot be read, or no level meets its SLO.
    """
    from analysis import probes
    from analysis.errors import ProbeError
    from analysis.probes import store as probe_store

    try:
        run = probe_store.load_run(run_id)
        tok_s, basis = probes.to_tco_throughput(run)
        point = probes.best_throughput(run)
    except ProbeError as exc:
        raise ScenarioError("self_hosted.probe_run", run_id, str(exc)) from None
    return float(tok_s), basis, point.ttft_p95_ms


def _resolve_probe(sh: SelfHostedOption, sources: dict[str, str]) -> SelfHostedOption:
    if sh.probe_run is None or sh.throughput_tok_s is not None:
        return sh
    tok_s, basis, _ = probe_throughput(sh.probe_run)
    sources.setdefault("self_hosted.throughput_tok_s", f"measured: {basis}")
    return replace(sh, throughput_tok_s=tok_s, throughput_basis=basis)


def _model_id_of_api(api: ApiOption) -> str | None:
    if not api.model:
        return None
    if _rows("SELECT 1 FROM models WHERE model_id = ?", [api.model]):
        return api.model
    rows = _rows("SELECT DISTINCT model_id FROM api_prices WHERE api_model = ?", [api.model])
    return rows[0]["model_id"] if len(rows) == 1 else None


def lookup_score(
    model_id: str, pick: BenchmarkPick, parameter: str, required: bool = True
) -> tuple[float, str] | None:
    """One published score (0–100) of a model on a benchmark, with its source.

    Args:
        model_id: the model.
        pick: the benchmark and the filters that make the match one row.
        parameter: the scenario parameter named in errors.
        required: raise when there is no score (else return None).

    Returns:
        (score on a 0–100 scale, source text), or None.

    Raises:
        ScenarioError: no row (when required), several rows (add a filter), or a
            score not on a 0–100 scale.
    """
    sql = "SELECT * FROM benchmark_scores WHERE model_id = ? AND benchmark = ?"
    params: list[Any] = [model_id, pick.benchmark]
    for column, value in (
        ("benchmark_variant", pick.variant),
        ("setting", pick.setting),
        ("reported_by", pick.reported_by),
        ("eval_relationship", pick.relationship),
        ("source", pick.source),
    ):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    rows = _rows(sql, params)
    if not rows:
        if not required:
            return None
        have = _rows(
            "SELECT DISTINCT benchmark FROM benchmark_scores WHERE model_id = ? ORDER BY 1",
            [model_id],
        )
        names = ", ".join(r["benchmark"] for r in have) or "none"
        raise ScenarioError(
            parameter,
            pick.benchmark,
            f"no score for {model_id} with these filters; its benchmarks: {names}",
        )
    if len(rows) > 1:
        options = "; ".join(
            f"variant={r.get('benchmark_variant')!r} setting={r.get('setting')!r} "
            f"reported_by={r.get('reported_by')!r} source={r.get('source')!r}"
            for r in rows[:6]
        )
        raise ScenarioError(
            parameter,
            pick.benchmark,
            f"{len(rows)} scores match for {model_id}; add a filter (variant, setting, "
            f"reported_by or source) to pick one: {options}",
        )
    row = rows[0]
    if row.get("score_pct") is None:
        raise ScenarioError(
            parameter, pick.benchmark, f"the score is on the {row.get('scale')} scale, not 0-100"
        )
    source = (
        f"warehouse benchmark_scores: {row.get('reported_by')} ({row.get('eval_relationship')}), "
        f"{row.get('source')}, {row.get('source_date')}"
    )
    return float(row["score_pct"]), source


def _fill_scores(
    scores: dict[str, float],
    model_id: str | None,
    picks: list[BenchmarkPick],
    path: str,
    sources: dict[str, str],
    required: bool,
) -> dict[str, float]:
    out = dict(scores)
    for pick in picks:
        if pick.benchmark in out:
            continue
        if model_id is None:
            if required:
                raise ScenarioError(
                    f"{path}.{pick.benchmark}", None, "give the score, or a model to look it up"
                )
            continue
        found = lookup_score(model_id, pick, f"{path}.{pick.benchmark}", required)
        if found is not None:
            out[pick.benchmark], sources[f"{path}.{pick.benchmark}"] = found
    return out


def resolve(scenario: Scenario, at: date | None = None) -> Scenario:
    """Fill what the scenario leaves out from the warehouse and the probe store.

    Looked up when not given: API prices in force on the date (``prices.price_for``),
    the open model's figures (``models``), the GPU's figures (``gpus``) and, when
    bought, its purchase price and board power, the rent price (the named
    ``cloud_offer``, else the cheapest offer for the GPU dated on or before the
    date), measured throughput (``probe_run``) and benchmark scores. Each value
    looked up gets an entry in ``sources``.

    Args:
        scenario: the scenario as read.
        at: the date of the lookups (default: the scenario's ``as_of``).

    Returns:
        An equal-shaped scenario with the values filled in and ``as_of`` set.

    Raises:
        PriceNotFoundError: no API price in force on the date.
        ScenarioError: a model, GPU, offer or score is not found, or is ambiguous.
        WarehouseError: the warehouse cannot be read.
    """
    at = at or scenario.as_of
    sources = dict(scenario.sources)
    api = _resolve_api(scenario.api, at, sources, "api")
    sh = scenario.self_hosted
    for step in (_resolve_model_spec, _resolve_gpu, _resolve_probe):
        sh = step(sh, sources)
    sh = _resolve_rent(sh, at, sources)

    quality = scenario.quality
    api_model_id: str | None = quality.api_model if quality else None
    hosted_model_id: str | None = (quality.self_hosted_model if quality else None) or sh.model
    if api_model_id is None and (quality is not None or scenario.routing is not None):
        api_model_id = _model_id_of_api(api)
    if quality is not None:
        picks = list(quality.benchmarks)
        quality = replace(
            quality,
            api_scores=_fill_scores(
                dict(quality.api_scores), api_model_id, picks, "quality.api_scores", sources, True
            ),
            self_hosted_scores=_fill_scores(
                dict(quality.self_hosted_scores),
                hosted_model_id,
                picks,
                "quality.self_hosted_scores",
                sources,
                True,
            ),
        )

    routing = scenario.routing
    if routing is not None:
        known = {p.benchmark: p for p in (quality.benchmarks if quality else ())}
        picks = [known.get(c.benchmark, BenchmarkPick(c.benchmark)) for c in routing.classes]
        options = []
        for choice in routing.options:
            path = f"routing.options.{choice.name}"
            if choice.use == "api":
                base, model_id = (quality.api_scores if quality else {}), api_model_id
            elif choice.use == "self_hosted":
                base, model_id = (quality.self_hosted_scores if quality else {}), hosted_model_id
            else:
                assert choice.api is not None
                choice = replace(choice, api=_resolve_api(choice.api, at, sources, f"{path}.api"))
                base, model_id = {}, _model_id_of_api(choice.api)  # type: ignore[arg-type]
            model_id = choice.score_model or model_id
            merged = {**base, **choice.scores}
            scores = _fill_scores(merged, model_id, picks, f"{path}.scores", sources, False)
            options.append(replace(choice, scores=scores))
        routing = replace(routing, options=tuple(options))

    scorecard = scenario.scorecard
    if scorecard is not None and sh.probe_run and scorecard.self_hosted.latency_p95_ms is None:
        _, _, p95 = probe_throughput(sh.probe_run)
        if p95 is not None:
            scorecard = replace(
                scorecard,
                self_hosted=replace(
                    scorecard.self_hosted, latency_p95_ms=float(p95), latency_basis="measured"
                ),
            )
            sources.setdefault(
                "scorecard.self_hosted.latency_p95_ms",
                f"measured: p95 time to first token of probe run {sh.probe_run}",
            )
    return replace(
        scenario,
        api=api,
        self_hosted=sh,
        quality=quality,
        routing=routing,
        scorecard=scorecard,
        as_of=at,
        sources=sources,
    )


# --------------------------------------------------------------------------- #
# Evaluating
# --------------------------------------------------------------------------- #


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


def option_profiles(
    scenario: Scenario, mc: MonteCarloResult | None = None
) -> tuple[OptionProfile, OptionProfile]:
    """The scorecard facts of the API and self-hosted options.

    The API runs on the provider's hardware and has no fixed cost; the
    self-hosted option runs on rented or owned hardware (``ownership``) and its
    bill is fixed at a given replica count. Cost spreads come from the Monte
    Carlo when it ran.
    """
    facts = scenario.scorecard or ScorecardSettings()
    sh = scenario.self_hosted
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
        latency_p95_ms=facts.self_hosted.latency_p95_ms,
        latency_basis=facts.self_hosted.latency_basis,
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
    routing, frontier = None, ()
    if scenario.routing is not None:
        options = route_options(scenario)
        routing = route(scenario.workload, scenario.routing.classes, options)
        frontier = pareto_frontier(scenario.workload, scenario.routing.classes, options)
    card = None
    if scenario.scorecard is not None:
        card = score_options(
            option_profiles(scenario, mc),
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
    )


# --------------------------------------------------------------------------- #
# Command line
# --------------------------------------------------------------------------- #


def _usd(value: float) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:g}"


def summary(report: ScenarioReport) -> dict[str, Any]:
    """The ``tco --json`` payload: both options, break-even and the verdict.

    Args:
        report: the evaluated scenario.

    Returns:
        A JSON-safe dict with at least ``api.monthly_usd``, ``self_hosted.monthly_usd``,
        ``self_hosted.replicas``, ``self_hosted.gpus`` and ``break_even_requests_per_month``.
    """
    tco = report.tco
    s = report.scenario
    return {
        "name": s.name,
        "as_of": s.as_of.isoformat() if s.as_of else None,
        "workload": to_plain(tco.workload),
        "api": to_plain(tco.api),
        "self_hosted": to_plain(tco.self_hosted),
        "break_even": to_plain(tco.break_even),
        "break_even_requests_per_month": tco.break_even.requests_per_month,
        "cheaper": tco.cheaper,
        "difference_usd": tco.difference_usd,
        "horizon_months": report.horizon_months,
        "sources": dict(s.sources),
        "unsourced": list(report.unsourced),
    }


def format_report(report: ScenarioReport, full: bool = False) -> str:
    """The ``tco`` command's text output.

    Args:
        report: the evaluated scenario.
        full: add the tornado, Monte Carlo, quality, routing and scorecard.

    Returns:
        Plain text.
    """
    from analysis.console import format_table

    tco, s = report.tco, report.scenario
    w, api, sh, be = tco.workload, tco.api, tco.self_hosted, tco.break_even
    head = s.name or "scenario"
    if s.as_of:
        head += f" (as of {s.as_of.isoformat()})"
    lines = [
        head,
        f"Workload: {w.requests_per_month:,.0f} requests/month, {w.input_tokens:,.0f} input + "
        f"{w.output_tokens:,.0f} output tokens/request, cached share {w.cached_share:g}, "
        f"peak/average {w.peak_to_average:g}",
        "",
    ]
    rows = [
        {
            "option": f"API: {api.label}",
            "monthly": _usd(api.monthly_usd),
            "per 1M tokens": f"${api.per_mtok_usd:,.4f}",
            "per request": f"${api.per_request_usd:,.6f}",
            "replicas": "",
            "GPUs": "",
        },
        {
            "option": f"self-hosted: {sh.label}",
            "monthly": _usd(sh.monthly_usd),
            "per 1M tokens": f"${sh.per_mtok_usd:,.4f}",
            "per request": f"${sh.per_request_usd:,.6f}",
            "replicas": str(sh.replicas),
            "GPUs": str(sh.gpus),
        },
    ]
    lines.append(format_table(rows))
    sizing = sh.sizing
    lines += [
        "",
        f"Self-hosted: infrastructure {_usd(sh.infrastructure_usd)} + staff {_usd(sh.staff_usd)}; "
        f"{sizing.gpus_per_replica} GPUs per replica ({sizing.gpus_basis}); GPU-hour "
        f"${sizing.gpu_hour.usd:,.6f} ({sizing.gpu_hour.ownership})",
        f"Throughput: {sizing.throughput.tok_s:,.1f} output tok/s per replica "
        f"({sizing.throughput.basis}); peak load {sh.peak_output_tok_s:,.1f} tok/s",
    ]
    if be.requests_per_month is not None:
        lines.append(
            f"Break-even: {be.requests_per_month:,} requests/month (self-hosted "
            f"{_usd(be.self_hosted_monthly_usd or 0.0)} vs API {_usd(be.api_monthly_usd or 0.0)}, "
            f"{be.replicas} replica(s)); next replica at "
            f"{be.next_replica_at_requests_per_month:,} requests/month"
        )
    else:
        lines.append(f"Break-even: none ({be.reason})")
    next_at = sh.next_replica_at_requests_per_month
    lines.append(f"Next replica for this workload at {next_at:,} requests/month")
    saving = abs(tco.difference_usd)
    if tco.cheaper == "equal":
        lines.append("Cheaper: neither (equal cost)")
    else:
        label = "self-hosted" if tco.cheaper == "self_hosted" else "API"
        lines.append(f"Cheaper: {label}, by {_usd(saving)}/month")
    if report.horizon_months:
        lines.append(
            f"Over {report.horizon_months} months: API {_usd(report.horizon_api_usd or 0.0)}, "
            f"self-hosted {_usd(report.horizon_self_hosted_usd or 0.0)}"
        )
    if report.unsourced:
        lines.append(f"Assumptions without a stated source: {', '.join(report.unsourced)}")
    if full:
        lines += _full_sections(report)
    return "\n".join(lines)


def _full_sections(report: ScenarioReport) -> list[str]:
    from analysis.console import format_table

    t = report.tornado
    lines = ["", f"Sensitivity (±{t.pct:g}%, {t.metric}, base {_usd(t.base_result)}):"]
    lines.append(
        format_table(
            [
                {
                    "parameter": r.parameter,
                    "low": _num(r.low_value),
                    "high": _num(r.high_value),
                    "result at low": "" if r.low_result is None else _usd(r.low_result),
                    "result at high": "" if r.high_result is None else _usd(r.high_result),
                    "swing": _usd(r.swing),
                }
                for r in t.rows
            ]
        )
    )
    mc = report.monte_carlo
    if mc is not None:
        lines += ["", f"Monte Carlo ({mc.draws:,} draws, seed {mc.seed}):"]
        lines.append(
            format_table(
                [
                    {"option": name, "P10": _usd(p.p10), "P50": _usd(p.p50), "P90": _usd(p.p90)}
                    for name, p in (("API", mc.api), ("self-hosted", mc.self_hosted))
                ]
            )
        )
        lines.append(f"P(self-hosted cheaper) = {mc.p_self_hosted_cheaper:.1%}")
    q = report.quality
    if q is not None:
        lines += [
            "",
            f"Quality: open/closed = {q.ratio:.3f} "
            f"({q.open_quality:.1f} vs {q.closed_quality:.1f}); "
            f"USD/month per point: self-hosted {_usd(q.self_hosted_usd_per_point)}, "
            f"API {_usd(q.api_usd_per_point)}",
        ]
    rr = report.routing
    if rr is not None:
        lines += ["", f"Hybrid routing: {_usd(rr.monthly_usd)}/month, quality {rr.quality:.1f}"]
        lines.append(
            format_table(
                [
                    {
                        "class": c.name,
                        "option": c.option,
                        "score": f"{c.score:g}",
                        "floor": f"{c.required_score:g}",
                        "monthly": _usd(c.monthly_usd),
                    }
                    for c in rr.classes
                ]
            )
        )
    card = report.scorecard
    if card is not None:
        lines += ["", "Scorecard (0-5):"]
        lines.append(
            format_table(
                [
                    {
                        "option": o.name,
                        **{s.factor: str(s.score) for s in o.scores},
                        "total": f"{o.weighted_total:.2f}",
                    }
                    for o in card.options
                ]
            )
        )
        if card.winner:
            lines.append(f"Winner: {card.winner}; deciding factor: {card.deciding_factor}")
    return lines


def _cmd_tco(args: argparse.Namespace) -> int:
    from analysis.console import print_json

    scenario = load_scenario(args.file)
    at = args.as_of or scenario.as_of or date.today()  # "today" only at the edge
    report = evaluate_scenario(scenario, at)
    if args.dump is not None:
        dump_scenario(report.scenario, args.dump)
    if args.json:
        payload = report.to_dict() if args.full else summary(report)
        if args.full:
            payload = {**summary(report), **payload}
        print_json(payload)
    else:
        print(format_report(report, full=args.full))
    return 0


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``tco`` command."""
    p = subparsers.add_parser(
        "tco",
        help="compare a closed model's API with a self-hosted open model (TCO, break-even)",
        description=(
            "Cost both options of a scenario file, find the break-even volume and say which "
            "is cheaper. Values the file leaves out are looked up in the warehouse."
        ),
    )
    p.add_argument("-f", "--file", required=True, type=Path, help="the scenario YAML file")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--as-of",
        type=date_arg,
        default=None,
        metavar="YYYY-MM-DD",
        help="date of the price lookups (default: the file's as_of, else today)",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="add sensitivity, Monte Carlo, quality, routing and scorecard",
    )
    p.add_argument(
        "--dump",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the resolved scenario (every value used and its source) to this YAML file",
    )
    p.set_defaults(func=_cmd_tco)
