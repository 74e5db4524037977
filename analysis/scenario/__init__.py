"""Scenarios: the file a notebook panel saves, the ``tco`` command reads and a brief takes.

A scenario is one YAML mapping (see ``reports/params/example_scenario.yaml``)
of the workload, the closed model's API, the self-hosted open model, and the
settings of the tornado, the Monte Carlo, the quality comparison, hybrid
routing and the scorecard, with the source of each value. The package is split
where its layers change:

- :mod:`analysis.scenario.model`: the frozen settings objects and :class:`Scenario`;
- :mod:`analysis.scenario.files`: strict YAML reading (:func:`load_scenario`,
  :func:`scenario_from_dict`) and writing (:func:`dump_scenario`);
- :mod:`analysis.scenario.lookups`: :func:`resolve` fills what the file leaves
  out from the warehouse and the probe store, recording each value's source;
- :mod:`analysis.scenario.report`: :func:`evaluate_scenario` hands the resolved
  scenario to the pure models (:mod:`analysis.tco`, :mod:`analysis.uncertainty`,
  :mod:`analysis.routing`, :mod:`analysis.scorecard`, :mod:`analysis.horizon`) and
  returns a :class:`ScenarioReport`; :func:`horizon_of` is the horizon of a resolved
  scenario, which the ``tco`` command, the horizon panel and the brief share.

The ``tco`` command's text and JSON output is :mod:`analysis.cli.tco`.
"""

from __future__ import annotations

from analysis.scenario.files import (
    HOURS_PER_DAY,
    MAX_FILE_BYTES,
    dump_scenario,
    load_scenario,
    parse_scenario_text,
    problem_of,
    scenario_from_dict,
    scenario_to_dict,
    yaml_key_lines,
)
from analysis.scenario.lookups import api_model_id_of, lookup_score, probe_throughput, resolve
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
from analysis.scenario.report import (
    ScenarioReport,
    evaluate_scenario,
    horizon_hybrid,
    horizon_of,
    horizon_trends,
    option_profiles,
    route_options,
)

__all__ = [
    "HOURS_PER_DAY",
    "MAX_FILE_BYTES",
    "BenchmarkPick",
    "MonteCarloSettings",
    "ProfileFacts",
    "QualitySettings",
    "RoutingChoice",
    "RoutingSettings",
    "Scenario",
    "ScenarioReport",
    "ScorecardSettings",
    "Sensitivity",
    "api_model_id_of",
    "dump_scenario",
    "evaluate_scenario",
    "horizon_hybrid",
    "horizon_of",
    "horizon_trends",
    "load_scenario",
    "lookup_score",
    "option_profiles",
    "parse_scenario_text",
    "probe_throughput",
    "problem_of",
    "resolve",
    "route_options",
    "scenario_from_dict",
    "scenario_to_dict",
    "yaml_key_lines",
]
