"""The brief's options and the checks a parameter file passes before any kernel starts.

:data:`OPTIONS` are the ``brief:`` mapping of a parameter file (which
benchmarks the gap is measured on, the thresholds of the decision rule);
:func:`check_options` fills in the defaults and refuses unknown keys, and
:func:`check_scenario` reads the file's ``scenario`` mapping strictly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from analysis.errors import BriefError, ScenarioError
from analysis.freshness import STALE_AFTER_DAYS
from analysis.scenario import scenario_from_dict

if TYPE_CHECKING:
    from analysis.scenario import Scenario

#: Brief options (the ``brief:`` mapping of a parameter file), their defaults and meaning.
OPTIONS: dict[str, Any] = {
    # Benchmarks the claim check and the gap are measured on (labels of benchmark_scores).
    "benchmarks": ["GPQA-Diamond"],
    # Which scores count for the gap: independent (one harness), vendor or all.
    "gap_source": "independent",
    # Decision rule: the scorecard's winner is preferred to the cheaper option when it
    # leads by at least this many points (of 5) ...
    "scorecard_margin": 0.5,
    # ... and costs at most this share more per month.
    "premium_tolerance": 0.25,
    # A hybrid split is recommended when it saves at least this share of the monthly cost.
    "hybrid_min_saving": 0.10,
    # "Dramatically lower cost" read as: closed at least this many times the open price.
    "cheaper_factor": 3.0,
    # Charts shown at most this many tornado bars.
    "tornado_bars": 6,
    # Stored probe runs to compare side by side (run ids); none: no comparison section.
    "compare_runs": [],
    # The first screen warns when the newest benchmark data is older than this many days
    # before the brief's date (analysis.freshness.staleness).
    "stale_after_days": STALE_AFTER_DAYS,
}

_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "benchmarks": (list,),
    "gap_source": (str,),
    "scorecard_margin": (int, float),
    "premium_tolerance": (int, float),
    "hybrid_min_saving": (int, float),
    "cheaper_factor": (int, float),
    "tornado_bars": (int,),
    "compare_runs": (list,),
    "stale_after_days": (int,),
}


def check_options(options: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The brief options with defaults filled in.

    Args:
        options: the ``brief:`` mapping of a parameter file.
        where: the file, for messages.

    Returns:
        Every option of :data:`OPTIONS`, given or default.

    Raises:
        BriefError: an unknown option, or a value of the wrong kind.
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise BriefError(
            f"{where}: unknown key 'brief.{unknown[0]}'; brief options are "
            f"{', '.join(sorted(OPTIONS))}"
        )
    merged = {**OPTIONS, **options}
    for key, kinds in _OPTION_TYPES.items():
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise BriefError(f"{where}: brief.{key} = {value!r} must be {kinds[0].__name__}")
        if isinstance(value, float) and not math.isfinite(value):
            raise BriefError(f"{where}: brief.{key} = {value!r} must be a finite number")
    if not merged["benchmarks"] or not all(isinstance(b, str) and b for b in merged["benchmarks"]):
        raise BriefError(f"{where}: brief.benchmarks must be a list of benchmark names")
    if merged["gap_source"] not in ("independent", "vendor", "all"):
        raise BriefError(
            f"{where}: brief.gap_source = {merged['gap_source']!r}: "
            "must be independent, vendor or all"
        )
    for key in ("scorecard_margin", "premium_tolerance", "hybrid_min_saving"):
        if merged[key] < 0:
            raise BriefError(f"{where}: brief.{key} = {merged[key]!r} must be >= 0")
    if merged["cheaper_factor"] <= 0 or merged["tornado_bars"] < 1:
        raise BriefError(f"{where}: brief.cheaper_factor must be > 0 and brief.tornado_bars >= 1")
    if merged["stale_after_days"] < 0:
        raise BriefError(
            f"{where}: brief.stale_after_days = {merged['stale_after_days']!r} must be >= 0"
        )
    return merged


def scenario_mapping(scenario: Mapping[str, Any], as_of: date, where: str) -> dict[str, Any]:
    """The scenario mapping with the brief's as-of date (given once, at the top).

    Raises:
        BriefError: the scenario gives another ``as_of`` than the brief's.
    """
    data = dict(scenario)
    given = data.get("as_of")
    if given is not None and str(given) != as_of.isoformat():
        raise BriefError(
            f"{where}: scenario.as_of = {given} differs from as_of = {as_of.isoformat()}; "
            "give the date once, at the top of the file"
        )
    data["as_of"] = as_of.isoformat()
    return data


def check_scenario(
    scenario: Mapping[str, Any],
    where: str,
    as_of: date,
    lines: Mapping[str, int] | None = None,
) -> Scenario:
    """Read a parameter file's ``scenario`` mapping strictly, before any kernel starts.

    Only the shape and values are checked here (strict keys, ranges); lookups
    in the warehouse happen when the brief runs.

    Args:
        scenario: the mapping, as in the file.
        where: the file, for messages.
        as_of: the brief's date.
        lines: key inside ``scenario`` (dotted) -> line in the file, for messages.

    Returns:
        The scenario, its ``as_of`` the brief's (nothing looked up yet).

    Raises:
        BriefError: the scenario is invalid; the message names the file, the key
            and, when known, the line.
    """
    try:
        return scenario_from_dict(scenario_mapping(scenario, as_of, where), where, lines)
    except ScenarioError as exc:
        raise BriefError(f"{where}: scenario.{exc}") from None
