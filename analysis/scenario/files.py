"""Scenario files: strict YAML reading (every key checked, errors located) and writing.

A scenario file is one YAML mapping (see ``reports/params/example_scenario.yaml``)::

    name, description, as_of, horizon_months
    workload:    requests_per_month (or tokens_per_day), input_tokens, output_tokens, ...
    api:         provider, model, and prices (looked up when not given)
    self_hosted: model, gpu, sizing, throughput (or probe_run), rent or buy, staff
    sensitivity: pct, metric                         (tornado)
    monte_carlo: draws, seed, distributions          (uncertainty)
    quality:     benchmarks, api_scores, self_hosted_scores
    routing:     classes, options                    (hybrid routing)
    scorecard:   requirements, weights, api, self_hosted   (the five factors)
    horizon:     months, discount_rate, volume_growth, price paths, hardware,
                 trends, capability, monte_carlo, presets  (cost over the horizon)
    sources:     parameter -> where its value comes from

Keys are strict: an unknown key is an error naming the key, the file and the
line. :func:`dump_scenario` writes a scenario back; loading the dump gives an
equal scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.dates import parse_date
from analysis.errors import ScenarioError
from analysis.files import atomic_write
from analysis.horizon.model import HardwarePlan, PriceEvent
from analysis.horizon.shifts import Capability, Preset
from analysis.horizon.spec import (
    MEASURED,
    HorizonMonteCarloSpec,
    HorizonSpec,
    PriceSpec,
    TrendSpec,
)
from analysis.records import to_plain
from analysis.routing import TaskClass
from analysis.scenario.model import (
    BenchmarkPick,
    MonteCarloSettings,
    ProfileFacts,
    QualitySettings,
    RoutingChoice,
    RoutingSettings,
    Scenario,
    ScorecardSettings,
    Sensitivity,
)
from analysis.scorecard import Requirements, Weights
from analysis.tco import (
    ApiOption,
    GpuSpec,
    ModelSpec,
    Num,
    SelfHostedOption,
    Workload,
    check_number,
)
from analysis.uncertainty import MIN_DRAWS, distribution_from_dict

if TYPE_CHECKING:
    import yaml

HOURS_PER_DAY = 24
#: Largest scenario file read [bytes]: a scenario is a page of YAML.
MAX_FILE_BYTES = 1_000_000

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
    "horizon",
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
    """A date kept as text (a price's own date may be a note); a YAML date as ISO text."""
    if value is None or isinstance(value, str):
        return value
    return parse_date(value, parameter).isoformat()


def _as_date(value: Any, parameter: str) -> date | None:
    return None if value is None else parse_date(value, parameter)


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


def _events(r: _Reader, data: Any, path: str) -> tuple[PriceEvent, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ScenarioError(
            path, data, f"must be a list of {{month, factor, label}} ({r.location(path)})"
        )
    return tuple(r.build(PriceEvent, e, f"{path}[{i}]") for i, e in enumerate(data))


def _price_spec(r: _Reader, data: Any, path: str) -> PriceSpec:
    data = r.mapping(data, path)
    r.strict(data, path, _field_names(PriceSpec))
    return PriceSpec(
        **{
            **data,
            "offers": _events(r, data.get("offers"), f"{path}.offers"),
            "events": _events(r, data.get("events"), f"{path}.events"),
        }
    )


def _horizon(r: _Reader, data: Any) -> HorizonSpec:
    data = r.mapping(data, "horizon")
    r.strict(data, "horizon", _field_names(HorizonSpec))
    converted: dict[str, Any] = {}
    for key in ("api_price", "rent_price"):
        if data.get(key) is not None:
            converted[key] = _price_spec(r, data[key], f"horizon.{key}")
    if data.get("hardware") is not None:
        converted["hardware"] = r.build(HardwarePlan, data["hardware"], "horizon.hardware")
    if data.get("trends") is not None:
        trends = r.mapping(data["trends"], "horizon.trends")
        r.strict(trends, "horizon.trends", _field_names(TrendSpec))
        if isinstance(trends.get("thresholds"), list):
            trends["thresholds"] = tuple(trends["thresholds"])
        converted["trends"] = TrendSpec(**trends)
    if data.get("capability") is not None:
        converted["capability"] = r.build(Capability, data["capability"], "horizon.capability")
    if data.get("monte_carlo") is not None:
        mc = r.mapping(data["monte_carlo"], "horizon.monte_carlo")
        r.strict(mc, "horizon.monte_carlo", _field_names(HorizonMonteCarloSpec))
        dists = r.mapping(mc.get("distributions"), "horizon.monte_carlo.distributions")
        mc["distributions"] = {
            str(p): d
            if d == MEASURED
            else distribution_from_dict(d, f"horizon.monte_carlo.distributions.{p}")
            for p, d in dists.items()
        }
        converted["monte_carlo"] = HorizonMonteCarloSpec(**mc)
    if "presets" in data:
        presets = data["presets"]
        if not isinstance(presets, list):
            raise ScenarioError(
                "horizon.presets", presets, f"must be a list ({r.location('horizon.presets')})"
            )
        built = []
        for i, preset in enumerate(presets):
            path = f"horizon.presets[{i}]"
            preset = r.mapping(preset, path)
            r.strict(preset, path, _field_names(Preset))
            built.append(Preset(**preset))
        converted["presets"] = tuple(built)
    return HorizonSpec(**{**data, **converted})


def scenario_from_dict(
    data: Mapping[str, Any] | None,
    where: str = "scenario",
    lines: Mapping[str, int] | None = None,
) -> Scenario:
    """Build a Scenario from its mapping (as read from YAML or made in a notebook).

    Args:
        data: the mapping (None, as for a missing section, is reported as an error).
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
            horizon=_horizon(r, data["horizon"]) if data.get("horizon") is not None else None,
            sources={str(k): v for k, v in sources.items()},
        )
    except TypeError as exc:  # a dataclass given a wrong shape
        raise ScenarioError("scenario", None, f"{exc} ({where})") from exc
    except ScenarioError as exc:
        raise _located(exc, r) from None


def problem_of(exc: ScenarioError) -> str:
    """The explanation part of a ScenarioError's message (after ``parameter = value: ``)."""
    text = str(exc)
    prefix = f"{exc.parameter} = {exc.value!r}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def _located(exc: ScenarioError, r: _Reader) -> ScenarioError:
    """The same error with the file and line added, when not already there."""
    if r.where in str(exc):
        return exc
    return type(exc)(exc.parameter, exc.value, f"{problem_of(exc)} ({r.location(exc.parameter)})")


def yaml_key_lines(
    node: yaml.Node | None, prefix: str = "", out: dict[str, int] | None = None
) -> dict[str, int]:
    """Map each dotted key of a composed YAML node tree to its line, for error messages.

    Args:
        node: the root from ``yaml.compose`` (a mapping, sequence or scalar node;
            None for an empty document).
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
    horizon_dists = data.get("horizon", {}).get("monte_carlo", {}).get("distributions", {})
    for path, dist in horizon_dists.items():
        if isinstance(dist, dict):
            horizon_dists[path] = {"kind": dist.pop("kind"), **dist}
    if scenario.horizon is not None and not scenario.horizon.presets:
        data.setdefault("horizon", {})["presets"] = []
    if scenario.sensitivity == Sensitivity():
        data["sensitivity"] = to_plain(Sensitivity())
    for key in ("monte_carlo", "quality", "routing", "scorecard", "horizon"):
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
        atomic_write(Path(path), text)
    return text
