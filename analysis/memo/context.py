"""The brief's context: the parameters and the evaluated scenario every section reads.

:func:`prepare` is the one expensive step of a brief: it checks the options,
builds the warehouse when needed, evaluates the scenario on the brief's date
(:func:`analysis.scenario.evaluate_scenario`) and reads the display names and
the probe run. Each section of the brief is then a function of the
:class:`BriefContext`; :func:`kept` makes a section built once per context,
so the appendix can collect its detailed charts without computing it again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from analysis.dates import parse_date
from analysis.errors import BriefError, DateError, ProbeError
from analysis.freshness import DataDates, data_dates
from analysis.memo.formatting import PROVIDER_NAMES
from analysis.memo.options import check_options, scenario_mapping

if TYPE_CHECKING:
    import pandas as pd

    from analysis.memo.layout import Section
    from analysis.scenario import Scenario, ScenarioReport


@dataclass(frozen=True)
class Names:
    """Display names of what the brief compares (from the warehouse, else the ids)."""

    api_model: str
    api_provider: str
    open_model: str
    gpu: str


@dataclass(frozen=True)
class ProbeFacts:
    """A stored probe run, summarised for the brief.

    Attributes:
        run_id: the stored run.
        model, hardware: what was measured, as the run recorded it.
        started: the run's start date (ISO).
        slo: the run's service level, in words.
        best_tok_s: output tokens a second per replica at the best level within the SLO.
        best_concurrency: that level's concurrent requests.
        ttft_p95_ms: that level's p95 time to first token [ms].
        levels: one row per load level (concurrency, output_tokens_per_s, meets_slo, ...).
        note: a caveat, or "".
    """

    run_id: str
    model: str
    hardware: str
    started: str
    slo: str
    best_tok_s: float | None
    best_concurrency: int | None
    ttft_p95_ms: float | None
    levels: pd.DataFrame
    note: str


@dataclass(frozen=True)
class BriefContext:
    """Everything the sections are computed from.

    Attributes:
        organisation: who the brief is for.
        as_of: the date of every price and score.
        title: the brief's title.
        options: brief options (:data:`analysis.memo.OPTIONS`).
        params_file: the parameter file, for the record.
        report: the evaluated scenario, whose ``scenario`` holds every value used
            and its source.
        names: display names.
        probe: the probe run, when the scenario names one.
        dates: how current each dataset is on ``as_of`` (None: read when first needed).
        sections: sections already built from this context, by function name
            (the appendix collects their detailed charts without computing them again).
    """

    organisation: str
    as_of: date
    title: str
    options: Mapping[str, Any]
    params_file: str
    report: ScenarioReport
    names: Names
    probe: ProbeFacts | None = None
    dates: DataDates | None = None
    sections: dict[str, Section | None] = field(default_factory=dict, compare=False, repr=False)

    @property
    def scenario(self) -> Scenario:
        """The resolved scenario."""
        return self.report.scenario

    @property
    def data_dates(self) -> DataDates:
        """How current each dataset is on ``as_of`` (:func:`analysis.freshness.data_dates`)."""
        return self.dates if self.dates is not None else data_dates(self.as_of)


def ensure_data() -> None:
    """Build the warehouse if it is missing or stale (:func:`analysis.warehouse.ensure_built`)."""
    from analysis import warehouse

    warehouse.ensure_built()


def _first(sql: str, params: Sequence[object]) -> dict[str, Any] | None:
    from analysis import warehouse

    cols, rows = warehouse.query_rows(sql, list(params))
    return dict(zip(cols, rows[0], strict=True)) if rows else None


def names_of(scenario: Scenario) -> Names:
    """The display names of a scenario's models, provider and GPU, read from the warehouse.

    The API model is named by its family ("GPT-4o"): an alias's own name carries
    snapshot notes. Ids stand in for what the warehouse does not know.

    Raises:
        WarehouseError: the warehouse cannot be read.
    """
    api, sh = scenario.api, scenario.self_hosted
    row = _first(
        "SELECT m.family AS name FROM api_prices p JOIN models m USING (model_id) "
        "WHERE p.api_model = ? AND (? IS NULL OR p.provider = ?) LIMIT 1",
        [api.model, api.provider, api.provider],
    ) or _first("SELECT family AS name FROM models WHERE model_id = ?", [api.model])
    open_row = _first("SELECT name FROM models WHERE model_id = ?", [sh.model])
    gpu_row = _first("SELECT name FROM gpus WHERE gpu_id = ?", [sh.gpu])
    return Names(
        api_model=str(row["name"]) if row else str(api.model or "the API model"),
        api_provider=PROVIDER_NAMES.get(str(api.provider), str(api.provider or "the provider")),
        open_model=str(open_row["name"]) if open_row else str(sh.model or "the open model"),
        gpu=str(gpu_row["name"]) if gpu_row else str(sh.gpu or "GPU"),
    )


def check_released(scenario: Scenario, as_of: date, where: str) -> None:
    """Refuse a scenario that names a model released after the brief's date.

    A brief as of a date names only models released by then. The API model is
    found as :func:`names_of` finds it; a model without a release date (an API
    alias that served several snapshots) passes.

    Raises:
        BriefError: the API or the self-hosted model was released after ``as_of``.
        WarehouseError: the warehouse cannot be read.
    """
    api, sh = scenario.api, scenario.self_hosted
    found = [
        (
            "api.model",
            api.model,
            _first(
                "SELECT m.name, m.release_date FROM api_prices p JOIN models m USING (model_id) "
                "WHERE p.api_model = ? AND (? IS NULL OR p.provider = ?) "
                "ORDER BY m.release_date NULLS LAST LIMIT 1",
                [api.model, api.provider, api.provider],
            )
            or _first("SELECT name, release_date FROM models WHERE model_id = ?", [api.model]),
        ),
        (
            "self_hosted.model",
            sh.model,
            _first("SELECT name, release_date FROM models WHERE model_id = ?", [sh.model]),
        ),
    ]
    for key, given, row in found:
        released = row["release_date"] if row else None
        if given and row and released is not None and released > as_of:
            raise BriefError(
                f"{where}: scenario.{key} = {given!r}: {row['name']} was released on "
                f"{released.isoformat()}, after the brief's date {as_of.isoformat()}; a brief "
                "names only models released by its date"
            )


def probe_facts(run_id: str) -> ProbeFacts:
    """A stored probe run, summarised: its best throughput within its own SLO.

    Raises:
        BriefError: the run is not stored, cannot be read or no level meets its SLO.
    """
    from analysis import probes
    from analysis.probes import store as probe_store

    try:
        run = probe_store.load_run(run_id)
        levels = probe_store.levels_of(run_id).to_pandas()
        tok_s, _ = probes.to_tco_throughput(run)
        point = probes.best_throughput(run)
    except ProbeError as exc:
        raise BriefError(f"probe run {run_id}: {exc}") from None
    return ProbeFacts(
        run_id=run_id,
        model=str(run.model),
        hardware=str(run.config.hardware or "unstated hardware"),
        started=run.started_at.date().isoformat(),
        slo=run.config.slo.describe(),
        best_tok_s=tok_s,
        best_concurrency=point.concurrency,
        ttft_p95_ms=point.ttft_p95_ms,
        levels=levels,
        note="",
    )


def prepare(
    organisation: str,
    as_of: str | date,
    title: str,
    scenario: Mapping[str, Any],
    options: Mapping[str, Any] | None = None,
    params_file: str = "",
) -> BriefContext:
    """Load the data and evaluate the scenario: the one expensive step of a brief.

    A probe run named in ``scenario.self_hosted.probe_run`` supplies the
    replica throughput (its best level within its own SLO), unless the
    scenario gives ``throughput_tok_s`` itself (:func:`analysis.scenario.resolve`).

    Args:
        organisation: who the brief is for.
        as_of: the date (ISO text or a date).
        title: the brief's title.
        scenario: the scenario mapping (the shape :mod:`analysis.scenario` loads).
        options: brief options (see :data:`analysis.memo.OPTIONS`).
        params_file: the parameter file, for the record and messages.

    Returns:
        The context every section function takes.

    Raises:
        BriefError: bad options, a bad date, a bad probe run, or a model released
            after ``as_of``.
        ScenarioError: the scenario is invalid or a lookup fails.
        WarehouseError: the warehouse cannot be built or read.
    """
    from analysis import charts
    from analysis.scenario import evaluate_scenario, scenario_from_dict

    where = params_file or "brief parameters"
    try:
        day = parse_date(as_of, "as_of")
    except DateError as exc:
        raise BriefError(f"{where}: {exc}") from None
    opts = check_options(options or {}, where)
    data = scenario_mapping(scenario, day, where)
    charts.use_theme()
    ensure_data()
    given = scenario_from_dict(data, where)
    check_released(given, day, where)
    report = evaluate_scenario(given, day)
    # The run the scenario names, or the stored run of its model and GPU that resolve() found.
    run_id = report.scenario.self_hosted.probe_run
    probe = probe_facts(str(run_id)) if run_id else None
    return BriefContext(
        organisation=organisation,
        as_of=day,
        title=title,
        options=opts,
        params_file=params_file,
        report=report,
        names=names_of(report.scenario),
        probe=probe,
        dates=data_dates(day),
    )


_S = TypeVar("_S", bound="Section | None")


def kept(build: Callable[[BriefContext], _S]) -> Callable[[BriefContext], _S]:
    """Build a section once per context: the appendix reuses it for its detailed charts."""

    @functools.wraps(build)
    def section(ctx: BriefContext) -> _S:
        done = ctx.sections
        if build.__name__ not in done:
            done[build.__name__] = build(ctx)
        return done[build.__name__]  # type: ignore[return-value]

    return section
