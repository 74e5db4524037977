"""Total cost of ownership: a closed model's API against a self-hosted open-weight model.

Pure: frozen, typed objects in, frozen result objects out; no file, database or
network access. Prices and hardware figures are given by the caller, or looked
up from the warehouse by :mod:`analysis.scenario`.

Every assumption is a named field whose unit is in its name or its docstring.
The formulas (units in brackets):

- API: ``monthly = R·(I·(1−c)·p_in + I·c·p_cached + O·p_out)/1e6`` [USD/month],
  with R [requests/month], I and O [tokens/request], c [share of input tokens
  served from the prompt cache], p [USD per 1M tokens].
- Self-hosted: ``average = R·O/(H·3600)`` [output tok/s], ``peak = average·P``,
  ``replicas = max(1, ceil(peak/(T·u)))``, ``GPUs = replicas·g``,
  ``monthly = GPUs·H·gpu_hour + staff_fte·staff_annual_usd/12`` [USD/month], with
  H = 730 [hours/month], T [output tok/s per replica], u [target utilisation].
- Energy: ``GPUs·power_W/1000·PUE·H`` [kWh/month] and per 1M output tokens
  ``GPUs·power_W/1000·PUE·(1e6·H·3600/(R·O))/3600`` [kWh]; carbon = energy·grid
  intensity [g CO2e] (:mod:`analysis.energy`, the formula the bought GPU-hour's
  power cost uses too).
- Break-even: the smallest whole R at which the self-hosted bill is no more
  than the API bill (:func:`break_even`).

What one replica is (GPUs per replica g, throughput T, the GPU-hour price,
rented or bought) is worked out in :mod:`analysis.sizing`, which also defines
the self-hosted option; the parameter checks are :mod:`analysis.parameters`.
This module re-exports their public names, so ``from analysis.tco import
SelfHostedOption, size_replica`` keeps working.

Money is computed in floats and rounded only for display.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, ClassVar

from analysis.decode import Span, ttft_at_load
from analysis.energy import EnergyUse, energy_use
from analysis.errors import ScenarioError
from analysis.parameters import (
    MAX_INPUT,
    Declared,
    Num,
    check_fields,
    check_number,
    check_text,
    require,
)
from analysis.records import Record
from analysis.sizing import (
    BUY_FIELDS,
    CAPACITY_SLACK,
    ESTIMATE_FIELDS,
    FIT_FIELDS,
    MONTHS_PER_YEAR,
    QUANTISATION_BYTES,
    RENT_FIELDS,
    SECONDS_PER_HOUR,
    SMALLEST_QUANTISATION,
    GpuHour,
    GpuSpec,
    MemoryFit,
    ModelSpec,
    Ownership,
    SelfHostedOption,
    Sizing,
    Throughput,
    Traffic,
    gpu_hour_bought_usd,
    memory_fit,
    replicas_needed,
    size_replica,
)

__all__ = [
    "MAX_BREAK_EVEN_REQUESTS",
    "MAX_INPUT",
    "MONTHS_PER_YEAR",
    "QUANTISATION_BYTES",
    "SECONDS_PER_HOUR",
    "SMALLEST_QUANTISATION",
    "ApiOption",
    "ApiResult",
    "BenchmarkRatio",
    "BreakEven",
    "GpuHour",
    "GpuSpec",
    "MemoryFit",
    "ModelSpec",
    "Num",
    "Ownership",
    "QualityComparison",
    "SelfHostedOption",
    "SelfHostedResult",
    "Sizing",
    "TcoCase",
    "TcoResult",
    "Throughput",
    "Traffic",
    "Workload",
    "api_cost",
    "api_monthly_usd",
    "api_prices",
    "assumptions_in_use",
    "break_even",
    "check_number",
    "evaluate",
    "gpu_hour_bought_usd",
    "memory_fit",
    "parameter_spec",
    "quality_adjusted",
    "replicas_needed",
    "self_hosted_cost",
    "self_hosted_monthly_usd",
    "size_replica",
    "staff_inputs",
]

#: Break-even volumes beyond this are reported as "none" [requests/month].
MAX_BREAK_EVEN_REQUESTS = 10**15
#: Replica blocks the break-even search walks before jumping to one that surely holds it.
_MAX_BLOCKS = 100_000
_MTOK = 1e6  # prices are per million tokens


# --------------------------------------------------------------------------- #
# Inputs
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Workload(Record):
    """The traffic to serve.

    Attributes:
        requests_per_month: R [requests/month].
        input_tokens: I, prompt tokens per request [tokens/request].
        output_tokens: O, generated tokens per request [tokens/request].
        cached_share: c, share of input tokens billed at the cached-input price [0–1].
        peak_to_average: P, peak traffic over average traffic [ratio, >= 1].
        hours_per_month: H, the calendar convention 730 [hours/month].
    """

    SECTION: ClassVar[str] = "workload"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "requests_per_month": Num("requests/month"),
        "input_tokens": Num("tokens/request"),
        "output_tokens": Num("tokens/request"),
        "cached_share": Num("share of input tokens", 0.0, False, 1.0),
        "peak_to_average": Num("ratio of peak to average traffic", 1.0, False),
        "hours_per_month": Num("hours/month", assumption=False),
    }

    requests_per_month: float
    input_tokens: float
    output_tokens: float
    cached_share: float = 0.0
    peak_to_average: float = 2.0
    hours_per_month: float = 730.0

    def __post_init__(self) -> None:
        check_fields(self)

    @property
    def tokens_per_month(self) -> float:
        """R·(I+O) [tokens/month]."""
        return self.requests_per_month * (self.input_tokens + self.output_tokens)

    @property
    def traffic(self) -> Traffic:
        """What the replica sizing reads of the workload."""
        return Traffic(
            self.input_tokens,
            self.output_tokens,
            self.requests_per_month,
            self.peak_to_average,
            self.hours_per_month,
        )


@dataclass(frozen=True, slots=True)
class ApiOption(Record):
    """A closed model bought per token through its provider's API.

    Attributes:
        provider: the API provider (``openai``, ``anthropic``, …), for lookups and labels.
        model: the model id as the warehouse names it, for lookups and labels.
        input_usd_per_mtok: p_in [USD per 1M input tokens]; None until looked up.
        output_usd_per_mtok: p_out [USD per 1M output tokens]; None until looked up.
        cached_input_usd_per_mtok: p_cached [USD per 1M cached input tokens]; None
            means "no cache discount" (the input price applies).
        price_source: where the prices come from (file, feed, commit).
        price_date: the date the prices are in force from (ISO text).
    """

    SECTION: ClassVar[str] = "api"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "input_usd_per_mtok": Num("USD per 1M input tokens"),
        "output_usd_per_mtok": Num("USD per 1M output tokens"),
        "cached_input_usd_per_mtok": Num("USD per 1M cached input tokens"),
    }

    provider: str | None = None
    model: str | None = None
    input_usd_per_mtok: float | None = None
    output_usd_per_mtok: float | None = None
    cached_input_usd_per_mtok: float | None = None
    price_source: str | None = None
    price_date: str | None = None

    def __post_init__(self) -> None:
        for name in ("provider", "model", "price_source", "price_date"):
            check_text(f"api.{name}", getattr(self, name))
        check_fields(self)

    @property
    def label(self) -> str:
        """``provider/model`` or ``API``."""
        return "/".join(p for p in (self.provider, self.model) if p) or "API"


@dataclass(frozen=True, slots=True)
class TcoCase(Record):
    """What the cost comparison needs: the workload and the two options."""

    workload: Workload
    api: ApiOption
    self_hosted: SelfHostedOption

    def value(self, path: str) -> Any:
        """The value at a dotted path such as ``self_hosted.utilisation``.

        Raises:
            ScenarioError: when the path names no field.
        """
        obj: Any = self
        for part in path.split("."):
            if not is_dataclass(obj) or part not in {f.name for f in fields(obj)}:
                raise ScenarioError(path, None, "is not a parameter of the scenario")
            obj = getattr(obj, part)
        return obj

    def with_value(self, path: str, value: Any) -> TcoCase:
        """A copy with the field at a dotted path replaced (validated again).

        Raises:
            ScenarioError: when the path names no field or the value is invalid.
        """
        self.value(path)  # checks the path
        return _replace_path(self, path.split("."), value)


def _replace_path(obj: Any, parts: list[str], value: Any) -> Any:
    head, rest = parts[0], parts[1:]
    if not rest:
        return replace(obj, **{head: value})
    return replace(obj, **{head: _replace_path(getattr(obj, head), rest, value)})


def parameter_spec(path: str) -> Num:
    """The :class:`Num` declaration of a numeric parameter at a dotted path.

    Raises:
        ScenarioError: when the path is not a numeric parameter.
    """
    owners: dict[str, type[Declared]] = {
        "workload": Workload,
        "api": ApiOption,
        "self_hosted": SelfHostedOption,
        "self_hosted.model_spec": ModelSpec,
        "self_hosted.gpu_spec": GpuSpec,
    }
    section, _, name = path.rpartition(".")
    owner = owners.get(section)
    if owner is None or name not in owner.NUMBERS:
        raise ScenarioError(path, None, "is not a numeric parameter of the scenario")
    return owner.NUMBERS[name]


def assumptions_in_use(case: TcoCase) -> tuple[str, ...]:
    """The dotted paths of the numeric assumptions that affect this case's costs.

    Unset fields, datasheet facts and conventions are left out, and so are the
    fields of the path not taken (buy fields when renting; memory-fit fields
    when both g and T are given; the decode model's fields when T is given).

    Args:
        case: the workload and the two options.

    Returns:
        Paths in a stable order: workload, api, self_hosted.
    """
    sh = case.self_hosted
    skip: set[str] = set(BUY_FIELDS if sh.ownership == "rent" else RENT_FIELDS)
    if sh.gpus_per_replica is not None and sh.throughput_tok_s is not None:
        skip.update(FIT_FIELDS)
    if sh.throughput_tok_s is not None:
        skip.update(ESTIMATE_FIELDS)
    if sh.staff_fte == 0:
        skip.add("staff_annual_usd")
    paths: list[str] = []
    for obj in (case.workload, case.api, sh):
        for name, spec in obj.NUMBERS.items():
            value = getattr(obj, name)
            if spec.assumption and value is not None and name not in skip:
                paths.append(f"{obj.SECTION}.{name}")
    return tuple(paths)


# --------------------------------------------------------------------------- #
# Formulas (scalars or numpy arrays alike: only arithmetic and ``_ceil``)
# --------------------------------------------------------------------------- #


def api_monthly_usd(
    requests_per_month: Any,
    input_tokens: Any,
    output_tokens: Any,
    cached_share: Any,
    input_usd_per_mtok: Any,
    cached_input_usd_per_mtok: Any,
    output_usd_per_mtok: Any,
) -> Any:
    """API bill [USD/month]: ``R·(I·(1−c)·p_in + I·c·p_cached + O·p_out)/1e6``.

    Args:
        requests_per_month: R [requests/month].
        input_tokens: I [tokens/request].
        output_tokens: O [tokens/request].
        cached_share: c [share of input tokens].
        input_usd_per_mtok: p_in [USD per 1M tokens].
        cached_input_usd_per_mtok: p_cached [USD per 1M tokens].
        output_usd_per_mtok: p_out [USD per 1M tokens].

    Returns:
        USD per month (a float, or an array when any argument is one).
    """
    per_request_micro = (
        input_tokens * (1 - cached_share) * input_usd_per_mtok
        + input_tokens * cached_share * cached_input_usd_per_mtok
        + output_tokens * output_usd_per_mtok
    )
    return requests_per_month * per_request_micro / _MTOK


def self_hosted_monthly_usd(
    gpus: Any, hours_per_month: Any, gpu_hour_usd: Any, staff_fte: Any, staff_annual_usd: Any
) -> Any:
    """Self-hosted bill [USD/month]: ``GPUs·H·gpu_hour + staff_fte·staff_annual_usd/12``.

    Args:
        gpus: GPUs in service [count].
        hours_per_month: H [hours/month].
        gpu_hour_usd: [USD per GPU-hour].
        staff_fte: [FTE].
        staff_annual_usd: [USD/year per FTE].

    Returns:
        USD per month.
    """
    return gpus * hours_per_month * gpu_hour_usd + staff_fte * staff_annual_usd / MONTHS_PER_YEAR


# --------------------------------------------------------------------------- #
# Results
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class ApiResult(Record):
    """The API option's monthly bill.

    Attributes:
        label: ``provider/model``.
        monthly_usd: [USD/month].
        input_usd: the uncached input part [USD/month].
        cached_input_usd: the cached input part [USD/month].
        output_usd: the output part [USD/month].
        per_request_usd: monthly / R [USD/request].
        per_mtok_usd: monthly / (R·(I+O)) · 1e6 [USD per 1M tokens, input + output].
        cached_input_usd_per_mtok: the cached-input price used [USD per 1M tokens].
    """

    label: str
    monthly_usd: float
    input_usd: float
    cached_input_usd: float
    output_usd: float
    per_request_usd: float
    per_mtok_usd: float
    cached_input_usd_per_mtok: float


@dataclass(frozen=True, slots=True)
class SelfHostedResult(Record):
    """The self-hosted option's monthly bill.

    Attributes:
        label: ``model on GPU``.
        monthly_usd: infrastructure + staff [USD/month].
        infrastructure_usd: GPUs·H·gpu_hour [USD/month].
        staff_usd: staff_fte·staff_annual_usd/12 [USD/month].
        replicas: [count]; gpus: replicas·g [count].
        average_output_tok_s: R·O/(H·3600) [tok/s]; peak_output_tok_s: average·P [tok/s].
        requests_per_replica_month: the volume one replica serves at u and P
            [requests/month] = T·u·H·3600/(O·P).
        next_replica_at_requests_per_month: the smallest volume needing one more replica.
        per_request_usd, per_mtok_usd: as for the API.
        sizing: g, memory fit, throughput and GPU-hour cost.
        energy: energy and carbon (None: neither a power draw nor the GPU's TDP known).
        ttft_p95_ms: the decode model's p95 time to first token at the peak of this
            volume, ``λ = R·P/(H·3600·replicas)`` requests/s per replica [ms] (None:
            throughput given, or prefill not timed).
    """

    label: str
    monthly_usd: float
    infrastructure_usd: float
    staff_usd: float
    replicas: int
    gpus: int
    average_output_tok_s: float
    peak_output_tok_s: float
    requests_per_replica_month: float
    next_replica_at_requests_per_month: int
    per_request_usd: float
    per_mtok_usd: float
    sizing: Sizing
    energy: EnergyUse | None = None
    ttft_p95_ms: Span | None = None


@dataclass(frozen=True, slots=True)
class BreakEven(Record):
    """The smallest whole volume at which self-hosting costs no more than the API.

    Attributes:
        requests_per_month: the break-even R, or None when there is none below
            ``MAX_BREAK_EVEN_REQUESTS``.
        self_hosted_monthly_usd, api_monthly_usd: both costs at that R.
        replicas: replicas at that R.
        next_replica_at_requests_per_month: the volume at which one more replica is needed.
        cheaper_after_next_replica: whether self-hosting is still no dearer just
            after that next replica is added.
        reason: why there is no break-even, or how it was found.
    """

    requests_per_month: int | None
    self_hosted_monthly_usd: float | None
    api_monthly_usd: float | None
    replicas: int | None
    next_replica_at_requests_per_month: int | None
    cheaper_after_next_replica: bool | None
    reason: str


@dataclass(frozen=True, slots=True)
class TcoResult(Record):
    """Both options, the break-even and the verdict.

    Attributes:
        workload: the workload costed.
        api: the API bill.
        self_hosted: the self-hosted bill.
        break_even: the break-even volume.
        difference_usd: self-hosted − API [USD/month] (negative: self-hosting saves).
        cheaper: ``api``, ``self_hosted`` or ``equal``.
    """

    workload: Workload
    api: ApiResult
    self_hosted: SelfHostedResult
    break_even: BreakEven
    difference_usd: float
    cheaper: str


# --------------------------------------------------------------------------- #
# The model
# --------------------------------------------------------------------------- #


def api_prices(api: ApiOption) -> tuple[float, float, float]:
    """The prices the API bill uses: ``(p_in, p_out, p_cached)`` [USD per 1M tokens].

    The cached-input price is the input price when none is given (no cache discount).

    Raises:
        ScenarioError: the input or output price is not set.
    """
    hint = "give it, or name api.provider and api.model for a warehouse lookup"
    p_in = require("api", "input_usd_per_mtok", api.input_usd_per_mtok, hint)
    p_out = require("api", "output_usd_per_mtok", api.output_usd_per_mtok, hint)
    cached = api.cached_input_usd_per_mtok
    return float(p_in), float(p_out), float(p_in if cached is None else cached)


def api_cost(workload: Workload, api: ApiOption) -> ApiResult:
    """The API option's monthly bill (formula in :func:`api_monthly_usd`).

    Args:
        workload: the traffic.
        api: the API prices.

    Returns:
        The bill with its input/cached/output parts and unit costs.

    Raises:
        ScenarioError: when a price is not set.
    """
    p_in, p_out, p_cached = api_prices(api)
    w = workload
    monthly = api_monthly_usd(
        w.requests_per_month, w.input_tokens, w.output_tokens, w.cached_share, p_in, p_cached, p_out
    )
    r = w.requests_per_month
    return ApiResult(
        label=api.label,
        monthly_usd=monthly,
        input_usd=r * w.input_tokens * (1 - w.cached_share) * p_in / _MTOK,
        cached_input_usd=r * w.input_tokens * w.cached_share * p_cached / _MTOK,
        output_usd=r * w.output_tokens * p_out / _MTOK,
        per_request_usd=monthly / r,
        per_mtok_usd=monthly / w.tokens_per_month * _MTOK,
        cached_input_usd_per_mtok=p_cached,
    )


def staff_inputs(option: SelfHostedOption) -> tuple[float, float]:
    """The staff figures the self-hosted bill uses: ``(staff_fte, staff_annual_usd)``.

    The staff cost is ``staff_fte·staff_annual_usd/12`` [USD/month]; with no
    staff (``staff_fte = 0``) the annual cost may be unset.

    Args:
        option: the self-hosted option.

    Returns:
        FTE [full-time equivalents] and the cost of one FTE [USD/year].

    Raises:
        ScenarioError: ``staff_fte`` is not set, or it is above 0 and
            ``staff_annual_usd`` is not set.
    """
    fte = require("self_hosted", "staff_fte", option.staff_fte, "give it (0 when none)")
    if fte == 0:
        return 0.0, 0.0 if option.staff_annual_usd is None else float(option.staff_annual_usd)
    annual = require(
        "self_hosted", "staff_annual_usd", option.staff_annual_usd, "the cost of one FTE is needed"
    )
    return float(fte), float(annual)


class _Costing:
    """Fast scalar costs at any volume R, for one case (used by the break-even search)."""

    __slots__ = ("w", "p", "sizing", "u", "fte", "annual")

    def __init__(
        self, workload: Workload, api: ApiOption | None, sizing: Sizing, option: SelfHostedOption
    ):
        self.w = workload
        self.p = api_prices(api) if api is not None else (0.0, 0.0, 0.0)
        self.sizing = sizing
        self.u = option.utilisation
        self.fte, self.annual = staff_inputs(option)

    def api(self, r: float) -> float:
        w, (p_in, p_out, p_cached) = self.w, self.p
        return api_monthly_usd(
            r, w.input_tokens, w.output_tokens, w.cached_share, p_in, p_cached, p_out
        )

    def replicas(self, r: float) -> int:
        w = self.w
        return replicas_needed(
            r,
            w.output_tokens,
            w.peak_to_average,
            w.hours_per_month,
            self.sizing.throughput.tok_s,
            self.u,
        )

    def self_hosted_for(self, replicas: int) -> float:
        gpus = replicas * self.sizing.gpus_per_replica
        return self_hosted_monthly_usd(
            gpus, self.w.hours_per_month, self.sizing.gpu_hour.usd, self.fte, self.annual
        )

    def self_hosted(self, r: float) -> float:
        return self.self_hosted_for(self.replicas(r))

    def capacity(self) -> float:
        """Requests/month one replica serves: T·u·H·3600/(O·P)."""
        w = self.w
        return (
            self.sizing.throughput.tok_s
            * self.u
            * w.hours_per_month
            * SECONDS_PER_HOUR
            / (w.output_tokens * w.peak_to_average)
        )

    def last_request_with(self, k: int) -> int:
        """The largest whole R that ``k`` replicas serve (exact, by the replica formula).

        Beyond 2^52 requests a float cannot tell R from R + 1, so the estimate stands.
        """
        r = max(1, math.floor((k + CAPACITY_SLACK) * self.capacity()))
        if r > 2**52:
            return r
        for _ in range(1000):  # float error moves the estimate by a request or two at most
            if r > 1 and self.replicas(r) > k:
                r -= 1
            elif self.replicas(r + 1) <= k:
                r += 1
            else:
                break
        return r


def self_hosted_cost(
    workload: Workload, option: SelfHostedOption, sizing: Sizing | None = None
) -> SelfHostedResult:
    """The self-hosted option's monthly bill.

    ``replicas = max(1, ceil(R·O·P/(H·3600)/(T·u)))``, ``GPUs = replicas·g``,
    ``monthly = GPUs·H·gpu_hour + staff_fte·staff_annual_usd/12`` [USD/month].

    Args:
        workload: the traffic.
        option: the self-hosted option.
        sizing: a sizing already computed for ``option`` (saves recomputing it).

    Returns:
        The bill, the replica count and the sizing it rests on.

    Raises:
        ScenarioError: when a needed figure is missing or invalid.
        ModelDoesNotFitError: when the model does not fit even at int4.
    """
    sizing = sizing or size_replica(option, workload.hours_per_month, workload.traffic)
    fte, annual = staff_inputs(option)
    w = workload
    replicas = int(
        replicas_needed(
            w.requests_per_month,
            w.output_tokens,
            w.peak_to_average,
            w.hours_per_month,
            sizing.throughput.tok_s,
            option.utilisation,
        )
    )
    gpus = replicas * sizing.gpus_per_replica
    monthly = self_hosted_monthly_usd(gpus, w.hours_per_month, sizing.gpu_hour.usd, fte, annual)
    infrastructure = gpus * w.hours_per_month * sizing.gpu_hour.usd
    average = w.requests_per_month * w.output_tokens / (w.hours_per_month * SECONDS_PER_HOUR)
    costing = _Costing(workload, None, sizing, option)
    return SelfHostedResult(
        label=option.label,
        monthly_usd=monthly,
        infrastructure_usd=infrastructure,
        staff_usd=fte * annual / MONTHS_PER_YEAR,
        replicas=replicas,
        gpus=gpus,
        average_output_tok_s=average,
        peak_output_tok_s=average * w.peak_to_average,
        requests_per_replica_month=costing.capacity(),
        next_replica_at_requests_per_month=costing.last_request_with(replicas) + 1,
        per_request_usd=monthly / w.requests_per_month,
        per_mtok_usd=monthly / w.tokens_per_month * _MTOK,
        sizing=sizing,
        energy=energy(workload, option, sizing, gpus),
        ttft_p95_ms=_ttft_at_peak(workload, sizing, replicas),
    )


def energy(
    workload: Workload, option: SelfHostedOption, sizing: Sizing, gpus: int
) -> EnergyUse | None:
    """Energy and carbon of the deployment (:func:`analysis.energy.energy_use`).

    Power is ``power_w`` (its basis: ``power_basis``) or else the GPU's board power
    (TDP), marked as an estimate; PUE is the option's (none: GPU energy only); the
    electricity price is the option's when the GPUs are bought (a rent includes it).

    Returns:
        The energy, or None when no power figure is known.
    """
    tdp = option.gpu_spec.tdp_w if option.gpu_spec is not None else None
    power = option.power_w if option.power_w is not None else tdp
    if power is None:
        return None
    if option.power_basis:
        basis = option.power_basis
    elif option.power_w is not None:
        basis = "given: self_hosted.power_w"
    else:
        basis = (
            f"estimate: the board power (TDP) of {option.gpu or 'the GPU'}, "
            "an upper bound on the average draw"
        )
    w = workload
    return energy_use(
        gpus=gpus,
        gpus_per_replica=sizing.gpus_per_replica,
        power_w=float(power),
        power_basis=basis,
        pue=option.pue,
        hours_per_month=w.hours_per_month,
        output_tokens_per_month=w.requests_per_month * w.output_tokens,
        replica_tok_s=sizing.throughput.tok_s,
        grid_gco2e_per_kwh=option.grid_gco2e_per_kwh,
        usd_per_kwh=option.usd_per_kwh if option.ownership == "buy" else None,
    )


def _ttft_at_peak(workload: Workload, sizing: Sizing, replicas: int) -> Span | None:
    plan = sizing.throughput.plan
    if plan is None or not sizing.throughput.estimated:
        return None
    w = workload
    per_replica = (
        w.requests_per_month * w.peak_to_average / (w.hours_per_month * SECONDS_PER_HOUR * replicas)
    )
    try:
        return ttft_at_load(plan, per_replica)
    except ScenarioError:  # the prefill queue cannot drain at this volume
        return None


def _smallest_r_at_or_above(costing: _Costing, target_usd: float, lo: int, hi: int) -> int | None:
    """The smallest whole R in [lo, hi] whose API bill reaches ``target_usd``, or None."""
    if costing.api(hi) < target_usd:
        return None
    per_request = costing.api(1.0)
    r = min(hi, max(lo, math.ceil(target_usd / per_request)))
    # The estimate is off by at most a request or two from float rounding: step to the exact R.
    while r > lo and costing.api(r - 1) >= target_usd:
        r -= 1
    while costing.api(r) < target_usd:
        r += 1
    return r


def break_even(
    workload: Workload, api: ApiOption, option: SelfHostedOption, sizing: Sizing | None = None
) -> BreakEven:
    """The smallest whole R [requests/month] at which self-hosting costs no more than the API.

    The self-hosted bill S(R) is a step function (constant while the replica count
    k is constant, jumping by g·H·gpu_hour when a replica is added); the API bill
    A(R) grows linearly. The search walks the replica blocks: within block k
    (volumes ``lo_k..hi_k`` served by k replicas) the answer is the smallest R
    with ``A(R) >= S_k``, if that is ``<= hi_k``. Blocks that cannot hold it are
    skipped: block k can only if ``k·(a·C − c) >= f`` (a = API USD/request,
    C = requests/month per replica, c = USD/month per replica, f = staff USD/month).
    The result is checked against the exact cost functions on both sides.

    Args:
        workload: the traffic (its R is ignored).
        api: the API prices.
        option: the self-hosted option.
        sizing: a sizing already computed for ``option``.

    Returns:
        The break-even volume, or None with the reason when there is none.

    Raises:
        ScenarioError: when a needed figure is missing or invalid.
    """
    sizing = sizing or size_replica(option, workload.hours_per_month, workload.traffic)
    costing = _Costing(workload, api, sizing, option)
    per_request = costing.api(1.0)  # a [USD/request]
    capacity = costing.capacity()  # C [requests/month per replica]
    fixed = costing.self_hosted_for(0)  # f, staff [USD/month]
    per_replica = costing.self_hosted_for(1) - fixed  # c [USD/month]
    margin = per_request * capacity - per_replica  # API cost of a full replica's traffic − its cost
    if margin <= 0 or costing.self_hosted(1) <= costing.api(1):
        # Without a margin only the first block can hold it (at its very end, f = 0).
        first_k = last_k = 1
    else:
        first_k = max(1, math.floor(fixed / margin) - 1)
        last_k = math.ceil((fixed + per_request) / margin) + 2  # block last_k always holds it
    blocks: Iterable[int] = range(first_k, last_k + 1)
    if last_k - first_k > _MAX_BLOCKS:  # a margin of a fraction of a request: skip ahead
        blocks = itertools.chain(range(first_k, first_k + _MAX_BLOCKS), (last_k,))
    for k in blocks:
        lo = 1 if k == 1 else costing.last_request_with(k - 1) + 1
        if lo > MAX_BREAK_EVEN_REQUESTS:
            break
        hi = costing.last_request_with(k)
        if costing.replicas(lo) != k:  # a block with no whole R in it
            continue
        target = costing.self_hosted_for(k)
        r = _smallest_r_at_or_above(costing, target, lo, hi)
        if r is None:
            continue
        if r > MAX_BREAK_EVEN_REQUESTS:
            break
        next_at = hi + 1
        after = costing.self_hosted(next_at) <= costing.api(next_at)
        return BreakEven(
            requests_per_month=int(r),
            self_hosted_monthly_usd=costing.self_hosted(r),
            api_monthly_usd=costing.api(r),
            replicas=k,
            next_replica_at_requests_per_month=int(next_at),
            cheaper_after_next_replica=after,
            reason=(
                f"with {k} replica(s) self-hosting costs ${target:,.2f}/month; the API bill "
                f"reaches it at {r:,} requests/month"
            ),
        )
    if margin <= 0:
        return _no_break_even(
            f"a full replica serves {capacity:,.0f} requests/month, which cost "
            f"${per_request * capacity:,.2f} through the API but ${per_replica:,.2f} self-hosted: "
            "self-hosting never costs less"
        )
    return _no_break_even(
        f"self-hosting costs less only beyond {MAX_BREAK_EVEN_REQUESTS:,} requests/month"
    )


def _no_break_even(reason: str) -> BreakEven:
    return BreakEven(None, None, None, None, None, None, reason)


def evaluate(case: TcoCase) -> TcoResult:
    """Cost both options for the case's workload and find the break-even volume.

    Args:
        case: the workload and the two options.

    Returns:
        Both bills, the break-even and which option is cheaper.

    Raises:
        ScenarioError: when a needed figure is missing or invalid, or a result
            would not be finite.
        ModelDoesNotFitError: when the model does not fit even at int4.
    """
    workload, option = case.workload, case.self_hosted
    api = api_cost(workload, case.api)
    sizing = size_replica(option, workload.hours_per_month, workload.traffic)
    hosted = self_hosted_cost(workload, option, sizing)
    difference = hosted.monthly_usd - api.monthly_usd
    cheaper = "equal" if difference == 0 else ("self_hosted" if difference < 0 else "api")
    result = TcoResult(
        workload=workload,
        api=api,
        self_hosted=hosted,
        break_even=break_even(workload, case.api, option, sizing),
        difference_usd=difference,
        cheaper=cheaper,
    )
    _check_finite(result)
    return result


def _check_finite(obj: object, path: str = "result") -> None:
    """Raise ScenarioError when any float inside ``obj`` is NaN or infinite."""
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ScenarioError(path, obj, "is not a finite number; check the inputs' sizes")
    elif is_dataclass(obj):
        for f in fields(obj):
            _check_finite(getattr(obj, f.name), f"{path}.{f.name}")


# --------------------------------------------------------------------------- #
# Quality-adjusted comparison
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class BenchmarkRatio(Record):
    """One benchmark's scores [its scale, e.g. percent] and their ratio open/closed."""

    benchmark: str
    open_score: float
    closed_score: float
    ratio: float


@dataclass(frozen=True, slots=True)
class QualityComparison(Record):
    """Quality of the open model relative to the closed one, and cost per quality point.

    Attributes:
        benchmarks: per-benchmark scores and ratios.
        open_quality: mean score of the open (self-hosted) model [points].
        closed_quality: mean score of the closed (API) model [points].
        ratio: open_quality / closed_quality.
        self_hosted_usd_per_point: self-hosted monthly / open_quality [USD/month per point].
        api_usd_per_point: API monthly / closed_quality [USD/month per point].
        self_hosted_per_mtok_per_point: self-hosted USD per 1M tokens / open_quality.
        api_per_mtok_per_point: API USD per 1M tokens / closed_quality.
    """

    benchmarks: tuple[BenchmarkRatio, ...]
    open_quality: float
    closed_quality: float
    ratio: float
    self_hosted_usd_per_point: float
    api_usd_per_point: float
    self_hosted_per_mtok_per_point: float
    api_per_mtok_per_point: float


def quality_adjusted(
    result: TcoResult, open_scores: dict[str, float], closed_scores: dict[str, float]
) -> QualityComparison:
    """Ratio open/closed on the chosen benchmarks and cost per quality point.

    ``quality = mean of the scores`` [points]; ``ratio = open/closed``;
    ``USD per point = monthly_usd/quality`` [USD/month per point].

    Args:
        result: the cost comparison.
        open_scores: benchmark → score of the self-hosted (open) model.
        closed_scores: benchmark → score of the API (closed) model, same benchmarks.

    Returns:
        The comparison.

    Raises:
        ScenarioError: when the benchmark sets differ, are empty, or a score is not > 0.
    """
    if not open_scores:
        raise ScenarioError("quality.benchmarks", [], "pick at least one benchmark")
    if set(open_scores) != set(closed_scores):
        missing = sorted(set(open_scores) ^ set(closed_scores))
        raise ScenarioError(
            "quality.benchmarks", missing, "each benchmark needs a score for both models"
        )
    rows = []
    for name in sorted(open_scores):
        for side, scores in (("open", open_scores), ("closed", closed_scores)):
            check_number(f"quality.{side}_scores", name, scores[name], Num("points"))
        rows.append(
            BenchmarkRatio(
                name,
                open_scores[name],
                closed_scores[name],
                open_scores[name] / closed_scores[name],
            )
        )
    open_q = sum(r.open_score for r in rows) / len(rows)
    closed_q = sum(r.closed_score for r in rows) / len(rows)
    return QualityComparison(
        benchmarks=tuple(rows),
        open_quality=open_q,
        closed_quality=closed_q,
        ratio=open_q / closed_q,
        self_hosted_usd_per_point=result.self_hosted.monthly_usd / open_q,
        api_usd_per_point=result.api.monthly_usd / closed_q,
        self_hosted_per_mtok_per_point=result.self_hosted.per_mtok_usd / open_q,
        api_per_mtok_per_point=result.api.per_mtok_usd / closed_q,
    )
