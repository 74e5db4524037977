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
- GPU-hour, bought: ``capex/(years·12·H) + power_W/1000·PUE·usd_per_kWh +
  hosting_per_GPU_month/H`` [USD/GPU-hour] (12·730 = 8760 hours a year).

Money is computed in floats and rounded only for display.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, Literal

from analysis.errors import ModelDoesNotFitError, ScenarioError
from analysis.records import Record

SECONDS_PER_HOUR = 3600.0
MONTHS_PER_YEAR = 12
#: Bytes per weight at each precision (bf16 = 2 bytes, fp8 = 1, int4 = ½).
QUANTISATION_BYTES: dict[str, float] = {"bf16": 2.0, "fp8": 1.0, "int4": 0.5}
SMALLEST_QUANTISATION = "int4"
#: A load within a billionth of a replica's capacity does not add a replica:
#: without it, float noise in R·O·P/(H·3600·T·u) could add one at an exact boundary.
_CAPACITY_SLACK = 1e-9
#: Break-even volumes beyond this are reported as "none" [requests/month].
MAX_BREAK_EVEN_REQUESTS = 10**15
#: No input may exceed this in its unit: it keeps every product of inputs finite.
MAX_INPUT = 1e12
#: Replica blocks the break-even search walks before jumping to one that surely holds it.
_MAX_BLOCKS = 100_000
_GB = 1e9  # datasheet gigabytes [bytes]
_TB = 1e12  # datasheet terabytes [bytes]
_MTOK = 1e6  # prices are per million tokens


# --------------------------------------------------------------------------- #
# Numeric fields: one declaration drives validation, sensitivity and sampling.
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Num:
    """How one numeric field is checked, and whether it is an assumption.

    Attributes:
        unit: the unit, shown in messages and tables.
        low: the lower bound.
        low_open: True when the value must be strictly above ``low``.
        high: the upper bound (default :data:`MAX_INPUT`, which keeps results finite).
        high_open: True when the value must be strictly below ``high``.
        integer: True for whole numbers (GPU counts, token counts).
        assumption: True when sensitivity analysis and Monte Carlo may vary it
            (False for datasheet facts and calendar conventions).
    """

    unit: str
    low: float = 0.0
    low_open: bool = True
    high: float = MAX_INPUT
    high_open: bool = False
    integer: bool = False
    assumption: bool = True

    def bounds_text(self) -> str:
        """The valid range in words, e.g. ``> 0`` or ``in (0, 1]``."""
        if self.high == MAX_INPUT:
            return f"{'>' if self.low_open else '>='} {self.low:g} and <= {MAX_INPUT:g}"
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"in {left}{self.low:g}, {self.high:g}{right}"

    def contains(self, value: float) -> bool:
        """Whether ``value`` is within the bounds."""
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def clamp(self, value: float) -> float:
        """``value`` moved just inside the bounds (used when perturbing a value)."""
        if self.contains(value):
            return value
        if value <= self.low:
            if not self.low_open:
                return self.low
            return self.low + 1 if self.integer else math.nextafter(self.low, math.inf)
        if not self.high_open:
            return self.high
        return self.high - 1 if self.integer else math.nextafter(self.high, -math.inf)


def check_number(section: str, name: str, value: Any, spec: Num) -> None:
    """Raise ScenarioError unless ``value`` is a finite number within ``spec``."""
    parameter = f"{section}.{name}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(parameter, value, f"must be a number ({spec.unit})")
    if not math.isfinite(value):
        raise ScenarioError(parameter, value, f"must be a finite number ({spec.unit})")
    if spec.integer and value != int(value):
        raise ScenarioError(parameter, value, f"must be a whole number ({spec.unit})")
    if not spec.contains(value):
        raise ScenarioError(parameter, value, f"must be {spec.bounds_text()} ({spec.unit})")


def _check_fields(obj: Any) -> None:
    """Validate every numeric field of ``obj`` declared in its ``NUMBERS`` table."""
    for name, spec in obj.NUMBERS.items():
        value = getattr(obj, name)
        if value is not None:
            check_number(obj.SECTION, name, value, spec)


def _check_choice(parameter: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ScenarioError(parameter, value, f"must be one of: {', '.join(allowed)}")


def _check_text(parameter: str, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise ScenarioError(parameter, value, "must be text")


def _require(section: str, name: str, value: Any, hint: str) -> Any:
    if value is None:
        raise ScenarioError(f"{section}.{name}", None, f"is not set: {hint}")
    return value


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

    SECTION = "workload"
    NUMBERS = {
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
        _check_fields(self)

    @property
    def tokens_per_month(self) -> float:
        """R·(I+O) [tokens/month]."""
        return self.requests_per_month * (self.input_tokens + self.output_tokens)


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

    SECTION = "api"
    NUMBERS = {
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
            _check_text(f"api.{name}", getattr(self, name))
        _check_fields(self)

    @property
    def label(self) -> str:
        """``provider/model`` or ``API``."""
        return "/".join(p for p in (self.provider, self.model) if p) or "API"


@dataclass(frozen=True, slots=True)
class ModelSpec(Record):
    """Architecture figures of an open-weight model (datasheet facts, not assumptions).

    Attributes:
        params_total_b: total parameters [billions].
        params_active_b: parameters read per token [billions]; for MoE fewer than
            the total, for dense models equal to it (None: same as total).
        layers: transformer layers, for KV-cache sizing.
        kv_heads: key/value heads per layer (grouped-query attention).
        head_dim: dimension of one attention head.
        source: where the figures come from.
    """

    SECTION = "self_hosted.model_spec"
    NUMBERS = {
        "params_total_b": Num("billion parameters", assumption=False),
        "params_active_b": Num("billion parameters", assumption=False),
        "layers": Num("layers", 1, False, integer=True, assumption=False),
        "kv_heads": Num("key/value heads", 1, False, integer=True, assumption=False),
        "head_dim": Num("dimensions", 1, False, integer=True, assumption=False),
    }

    params_total_b: float
    params_active_b: float | None = None
    layers: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        _check_text("self_hosted.model_spec.source", self.source)
        _check_fields(self)
        if self.params_active_b is not None and self.params_active_b > self.params_total_b:
            raise ScenarioError(
                "self_hosted.model_spec.params_active_b",
                self.params_active_b,
                f"cannot exceed params_total_b ({self.params_total_b:g})",
            )

    @property
    def active_b(self) -> float:
        """Parameters read per generated token [billions]."""
        return self.params_total_b if self.params_active_b is None else self.params_active_b


@dataclass(frozen=True, slots=True)
class GpuSpec(Record):
    """Datasheet figures of one accelerator.

    Attributes:
        memory_gb: memory per GPU [GB, 1e9 bytes].
        mem_bandwidth_tbps: memory bandwidth per GPU [TB/s, 1e12 bytes/s].
        tdp_w: board power [W] (a default for ``power_w`` when bought).
        purchase_price_usd: purchase price [USD per GPU] (a default for ``capex_usd_per_gpu``).
        source: where the figures come from.
    """

    SECTION = "self_hosted.gpu_spec"
    NUMBERS = {
        "memory_gb": Num("GB", assumption=False),
        "mem_bandwidth_tbps": Num("TB/s", assumption=False),
        "tdp_w": Num("W", assumption=False),
        "purchase_price_usd": Num("USD per GPU", assumption=False),
    }

    memory_gb: float
    mem_bandwidth_tbps: float
    tdp_w: float | None = None
    purchase_price_usd: float | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        _check_text("self_hosted.gpu_spec.source", self.source)
        _check_fields(self)


Ownership = Literal["rent", "buy"]
_RENT_FIELDS = ("gpu_hour_usd",)
_BUY_FIELDS = (
    "capex_usd_per_gpu",
    "amortisation_years",
    "power_w",
    "pue",
    "usd_per_kwh",
    "hosting_usd_per_gpu_month",
)
_FIT_FIELDS = ("kv_bytes_per_value", "context_tokens", "overhead_share")


@dataclass(frozen=True, slots=True)
class SelfHostedOption(Record):
    """An open-weight model served on GPUs that are rented or bought.

    Sizing (GPUs per replica g) is given, or found from memory fit; replica
    throughput T is given (a probe run or another stated basis), or estimated
    by a roofline. Rented GPUs cost ``gpu_hour_usd``; bought GPUs cost their
    amortised capex, power and hosting.

    Attributes:
        model: the open-weight model id (label and warehouse lookup key).
        gpu: the GPU id (label and warehouse lookup key).
        model_spec: the model's architecture figures (for memory fit and roofline).
        gpu_spec: the GPU's datasheet figures (for memory fit and roofline).
        quantisation: weight precision, one of ``bf16`` (2 bytes/param),
            ``fp8`` (1) or ``int4`` (0.5).
        kv_bytes_per_value: bytes per cached key or value element [bytes] (2 = bf16 cache).
        context_tokens: tokens held in the KV cache per sequence [tokens].
        concurrent_sequences: sequences served at once by a replica, the batch
            [sequences]; sizes the KV cache and multiplies the roofline.
        overhead_share: memory for activations and runtime, as a share of
            weights + KV cache [0–1].
        max_gpus_per_replica: the most GPUs one replica may span [GPUs] (8 = one server).
        gpus_per_replica: g [GPUs]; None to size by memory fit.
        throughput_tok_s: T, output tokens/s one replica sustains at the latency
            target [tok/s]; None for a roofline estimate.
        throughput_basis: what T rests on (e.g. ``probe run 42``).
        probe_run: the id of the stored probe run T comes from, if any.
        utilisation: u, the share of T planned to be used at peak (0–1].
        ownership: ``rent`` or ``buy``.
        gpu_hour_usd: rent price [USD per GPU-hour].
        cloud_offer: the rented offer, as ``provider/instance_type/region`` (lookup key).
        capex_usd_per_gpu: purchase price [USD per GPU].
        amortisation_years: years over which the purchase is written off [years].
        power_w: average power draw per GPU [W].
        pue: power usage effectiveness of the data centre [ratio, >= 1].
        usd_per_kwh: electricity price [USD/kWh].
        hosting_usd_per_gpu_month: rack space, network and support [USD per GPU-month].
        staff_fte: people running the service [full-time equivalents].
        staff_annual_usd: fully loaded cost of one FTE [USD/year].
    """

    SECTION = "self_hosted"
    NUMBERS = {
        "kv_bytes_per_value": Num("bytes per KV-cache value"),
        "context_tokens": Num("tokens per sequence", 1, False, integer=True),
        "concurrent_sequences": Num("sequences per replica", 1, False, integer=True),
        "overhead_share": Num("share of weights + KV cache", 0.0, False, 1.0),
        "max_gpus_per_replica": Num("GPUs", 1, False, integer=True, assumption=False),
        "gpus_per_replica": Num("GPUs per replica", 1, False, integer=True),
        "throughput_tok_s": Num("output tokens/s per replica"),
        "utilisation": Num("share of replica throughput", 0.0, True, 1.0),
        "gpu_hour_usd": Num("USD per GPU-hour"),
        "capex_usd_per_gpu": Num("USD per GPU"),
        "amortisation_years": Num("years"),
        "power_w": Num("W per GPU"),
        "pue": Num("ratio", 1.0, False),
        "usd_per_kwh": Num("USD/kWh"),
        "hosting_usd_per_gpu_month": Num("USD per GPU-month", 0.0, False),
        "staff_fte": Num("full-time equivalents", 0.0, False),
        "staff_annual_usd": Num("USD/year per FTE", 0.0, False),
    }

    model: str | None = None
    gpu: str | None = None
    model_spec: ModelSpec | None = None
    gpu_spec: GpuSpec | None = None
    quantisation: str = "bf16"
    kv_bytes_per_value: float = 2.0
    context_tokens: int | None = None
    concurrent_sequences: int = 1
    overhead_share: float = 0.10
    max_gpus_per_replica: int = 8
    gpus_per_replica: int | None = None
    throughput_tok_s: float | None = None
    throughput_basis: str | None = None
    probe_run: str | None = None
    utilisation: float = 0.7
    ownership: str = "rent"
    gpu_hour_usd: float | None = None
    cloud_offer: str | None = None
    capex_usd_per_gpu: float | None = None
    amortisation_years: float | None = None
    power_w: float | None = None
    pue: float | None = None
    usd_per_kwh: float | None = None
    hosting_usd_per_gpu_month: float | None = None
    staff_fte: float | None = None
    staff_annual_usd: float | None = None

    def __post_init__(self) -> None:
        for name in ("model", "gpu", "throughput_basis", "probe_run", "cloud_offer"):
            _check_text(f"self_hosted.{name}", getattr(self, name))
        _check_choice("self_hosted.quantisation", self.quantisation, tuple(QUANTISATION_BYTES))
        _check_choice("self_hosted.ownership", self.ownership, ("rent", "buy"))
        if self.model_spec is not None and not isinstance(self.model_spec, ModelSpec):
            raise ScenarioError("self_hosted.model_spec", self.model_spec, "must be a ModelSpec")
        if self.gpu_spec is not None and not isinstance(self.gpu_spec, GpuSpec):
            raise ScenarioError("self_hosted.gpu_spec", self.gpu_spec, "must be a GpuSpec")
        _check_fields(self)

    @property
    def label(self) -> str:
        """``model on GPU`` or ``self-hosted``."""
        if self.model and self.gpu:
            return f"{self.model} on {self.gpu}"
        return self.model or "self-hosted"


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
    owners: dict[str, Any] = {
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
    when g is given; roofline fields when T is given).

    Args:
        case: the workload and the two options.

    Returns:
        Paths in a stable order: workload, api, self_hosted.
    """
    sh = case.self_hosted
    skip: set[str] = set(_BUY_FIELDS if sh.ownership == "rent" else _RENT_FIELDS)
    if sh.gpus_per_replica is not None:
        skip.update(_FIT_FIELDS)
    if sh.gpus_per_replica is not None and sh.throughput_tok_s is not None:
        skip.add("concurrent_sequences")
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


def _ceil(x: Any) -> Any:
    if hasattr(x, "shape"):
        import numpy as np

        return np.ceil(x)
    return math.ceil(x)


def _at_least_one(x: Any) -> Any:
    if hasattr(x, "shape"):
        import numpy as np

        return np.maximum(1.0, x)
    return max(1, x)


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


def replicas_needed(
    requests_per_month: Any,
    output_tokens: Any,
    peak_to_average: Any,
    hours_per_month: Any,
    throughput_tok_s: Any,
    utilisation: Any,
) -> Any:
    """Replicas for the peak load: ``max(1, ceil(peak/(T·u)))``.

    ``average = R·O/(H·3600)`` [output tok/s] and ``peak = average·P``.

    Args:
        requests_per_month: R [requests/month].
        output_tokens: O [tokens/request].
        peak_to_average: P [ratio].
        hours_per_month: H [hours/month].
        throughput_tok_s: T [output tok/s per replica].
        utilisation: u [share].

    Returns:
        Replicas [count] (an int, or a float array).
    """
    average = requests_per_month * output_tokens / (hours_per_month * SECONDS_PER_HOUR)
    peak = average * peak_to_average
    return _at_least_one(_ceil(peak / (throughput_tok_s * utilisation) - _CAPACITY_SLACK))


def gpu_hour_bought_usd(
    capex_usd_per_gpu: Any,
    amortisation_years: Any,
    power_w: Any,
    pue: Any,
    usd_per_kwh: Any,
    hosting_usd_per_gpu_month: Any,
    hours_per_month: Any,
) -> Any:
    """Cost of an owned GPU-hour [USD/GPU-hour].

    ``capex/(years·12·H) + power_W/1000·PUE·usd_per_kWh + hosting_per_GPU_month/H``;
    with H = 730 the first term is ``capex/(years·8760)``.

    Args:
        capex_usd_per_gpu: purchase price [USD per GPU].
        amortisation_years: write-off period [years].
        power_w: power per GPU [W].
        pue: power usage effectiveness [ratio].
        usd_per_kwh: electricity [USD/kWh].
        hosting_usd_per_gpu_month: hosting [USD per GPU-month].
        hours_per_month: H [hours/month].

    Returns:
        USD per GPU-hour.
    """
    capex = capex_usd_per_gpu / (amortisation_years * MONTHS_PER_YEAR * hours_per_month)
    power = power_w / 1000 * pue * usd_per_kwh
    hosting = hosting_usd_per_gpu_month / hours_per_month
    return capex + power + hosting


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
class MemoryFit(Record):
    """How the model fits in GPU memory.

    ``weights = params_total·bytes_per_param``; ``KV = 2·layers·kv_heads·head_dim·
    kv_bytes·context_tokens·concurrent_sequences``; ``required = (weights + KV)·
    (1 + overhead_share)``; ``g = ceil(required/GPU memory)``. All sizes in GB (1e9 bytes).
    """

    quantisation: str
    bytes_per_param: float
    weights_gb: float
    kv_cache_gb: float
    overhead_gb: float
    required_gb: float
    gpu_memory_gb: float
    gpus_needed: int


@dataclass(frozen=True, slots=True)
class Throughput(Record):
    """Replica throughput T and what it rests on.

    Attributes:
        tok_s: output tokens/s per replica at the latency target [tok/s].
        basis: ``probe run <id>``, ``roofline estimate`` or the stated basis of a given value.
        per_sequence_tok_s: roofline decode speed of one sequence [tok/s] (roofline only).
        detail: how the figure was obtained.
    """

    tok_s: float
    basis: str
    per_sequence_tok_s: float | None
    detail: str


@dataclass(frozen=True, slots=True)
class GpuHour(Record):
    """The cost of one GPU-hour and its parts [USD/GPU-hour]."""

    ownership: str
    usd: float
    capex_usd: float
    power_usd: float
    hosting_usd: float
    rent_usd: float


@dataclass(frozen=True, slots=True)
class Sizing(Record):
    """Per-replica facts that do not depend on the volume.

    Attributes:
        gpus_per_replica: g [GPUs].
        gpus_basis: ``given`` or ``memory fit``.
        memory_fit: the memory arithmetic, when the figures were available.
        throughput: T and its basis.
        gpu_hour: the GPU-hour cost and its parts.
    """

    gpus_per_replica: int
    gpus_basis: str
    memory_fit: MemoryFit | None
    throughput: Throughput
    gpu_hour: GpuHour


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


def _api_prices(api: ApiOption) -> tuple[float, float, float]:
    hint = "give it, or name api.provider and api.model for a warehouse lookup"
    p_in = _require("api", "input_usd_per_mtok", api.input_usd_per_mtok, hint)
    p_out = _require("api", "output_usd_per_mtok", api.output_usd_per_mtok, hint)
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
    p_in, p_out, p_cached = _api_prices(api)
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


def _kv_cache_bytes(spec: ModelSpec, option: SelfHostedOption) -> float:
    missing = [n for n in ("layers", "kv_heads", "head_dim") if getattr(spec, n) is None]
    if missing:
        raise ScenarioError(
            f"self_hosted.model_spec.{missing[0]}",
            None,
            f"is not known for {option.model or 'the model'}: needed to size the KV cache "
            "(give it, or give self_hosted.gpus_per_replica)",
        )
    context = _require(
        "self_hosted",
        "context_tokens",
        option.context_tokens,
        "tokens per sequence are needed to size the KV cache (or give gpus_per_replica)",
    )
    return (
        2.0
        * spec.layers  # type: ignore[operator]
        * spec.kv_heads
        * spec.head_dim
        * option.kv_bytes_per_value
        * context
        * option.concurrent_sequences
    )


def memory_fit(option: SelfHostedOption, quantisation: str | None = None) -> MemoryFit:
    """GPUs one replica needs to hold the weights and the KV cache.

    ``weights = params_total_b·1e9·bytes_per_param`` [bytes];
    ``KV = 2·layers·kv_heads·head_dim·kv_bytes_per_value·context_tokens·
    concurrent_sequences`` [bytes]; ``required = (weights + KV)·(1 + overhead_share)``;
    ``g = ceil(required/(memory_gb·1e9))`` [GPUs].

    Args:
        option: the self-hosted option (needs model_spec, gpu_spec, context_tokens).
        quantisation: the precision to size at (default: the option's).

    Returns:
        The memory arithmetic in GB and the GPUs needed.

    Raises:
        ScenarioError: when a figure needed is missing.
    """
    spec = _require("self_hosted", "model_spec", option.model_spec, "model figures are needed")
    gpu = _require("self_hosted", "gpu_spec", option.gpu_spec, "GPU figures are needed")
    quant = quantisation or option.quantisation
    bytes_per_param = QUANTISATION_BYTES[quant]
    weights = spec.params_total_b * 1e9 * bytes_per_param
    kv = _kv_cache_bytes(spec, option)
    overhead = (weights + kv) * option.overhead_share
    required = weights + kv + overhead
    gpus = max(1, math.ceil(required / (gpu.memory_gb * _GB) - _CAPACITY_SLACK))
    return MemoryFit(
        quantisation=quant,
        bytes_per_param=bytes_per_param,
        weights_gb=weights / _GB,
        kv_cache_gb=kv / _GB,
        overhead_gb=overhead / _GB,
        required_gb=required / _GB,
        gpu_memory_gb=gpu.memory_gb,
        gpus_needed=gpus,
    )


def _does_not_fit(option: SelfHostedOption, fit: MemoryFit, gpus: int, parameter: str) -> None:
    """Raise the right error for a model that needs more than ``gpus`` GPUs."""
    smallest = memory_fit(option, SMALLEST_QUANTISATION)
    gpu_name = option.gpu or "the GPU"
    model_name = option.model or "the model"
    have = f"{gpus} × {gpu_name} hold {gpus * fit.gpu_memory_gb:g} GB"
    if smallest.gpus_needed > gpus:
        value = option.gpu if parameter == "self_hosted.gpu" else gpus
        raise ModelDoesNotFitError(
            parameter,
            value,
            f"{model_name} does not fit even at {SMALLEST_QUANTISATION}: it needs "
            f"{smallest.required_gb:,.1f} GB (weights {smallest.weights_gb:,.1f} + KV cache "
            f"{smallest.kv_cache_gb:,.1f} + overhead {smallest.overhead_gb:,.1f}) but {have}; "
            "choose a larger GPU, more GPUs per replica, or a shorter context / fewer sequences",
        )
    raise ScenarioError(
        "self_hosted.quantisation",
        option.quantisation,
        f"{model_name} at {fit.quantisation} needs {fit.required_gb:,.1f} GB but {have}; "
        f"at {SMALLEST_QUANTISATION} it needs {smallest.required_gb:,.1f} GB "
        f"({smallest.gpus_needed} GPUs): choose a smaller precision or "
        f"{fit.gpus_needed} GPUs per replica",
    )


def _gpu_hour(option: SelfHostedOption, hours_per_month: float) -> GpuHour:
    if option.ownership == "rent":
        rate = _require(
            "self_hosted",
            "gpu_hour_usd",
            option.gpu_hour_usd,
            "give the rent price, or name self_hosted.cloud_offer for a warehouse lookup",
        )
        return GpuHour("rent", float(rate), 0.0, 0.0, 0.0, float(rate))
    hint = "needed when self_hosted.ownership is buy"
    values = {n: _require("self_hosted", n, getattr(option, n), hint) for n in _BUY_FIELDS}
    total = gpu_hour_bought_usd(**values, hours_per_month=hours_per_month)
    capex = values["capex_usd_per_gpu"] / (
        values["amortisation_years"] * MONTHS_PER_YEAR * hours_per_month
    )
    power = values["power_w"] / 1000 * values["pue"] * values["usd_per_kwh"]
    hosting = values["hosting_usd_per_gpu_month"] / hours_per_month
    return GpuHour("buy", total, capex, power, hosting, 0.0)


def _throughput(option: SelfHostedOption, gpus_per_replica: int) -> Throughput:
    if option.throughput_tok_s is not None:
        if option.throughput_basis:
            basis = option.throughput_basis
        elif option.probe_run:
            basis = f"probe run {option.probe_run}"
        else:
            basis = "given"
        return Throughput(float(option.throughput_tok_s), basis, None, f"T = {basis}")
    hint = "give self_hosted.throughput_tok_s, or the model and GPU figures for a roofline"
    spec = _require("self_hosted", "model_spec", option.model_spec, hint)
    gpu = _require("self_hosted", "gpu_spec", option.gpu_spec, hint)
    bytes_per_param = QUANTISATION_BYTES[option.quantisation]
    bytes_per_token = spec.active_b * 1e9 * bytes_per_param
    per_sequence = gpus_per_replica * gpu.mem_bandwidth_tbps * _TB / bytes_per_token
    tok_s = per_sequence * option.concurrent_sequences
    detail = (
        f"roofline: {gpus_per_replica} GPUs × {gpu.mem_bandwidth_tbps:g} TB/s ÷ "
        f"({spec.active_b:g}B active params × {bytes_per_param:g} bytes) = "
        f"{per_sequence:,.1f} tok/s per sequence × {option.concurrent_sequences} sequences; "
        "an upper bound (ignores KV-cache reads, compute limits and the latency target)"
    )
    return Throughput(tok_s, "roofline estimate", per_sequence, detail)


def size_replica(option: SelfHostedOption, hours_per_month: float = 730.0) -> Sizing:
    """GPUs per replica, replica throughput and GPU-hour cost (independent of volume).

    g is the given ``gpus_per_replica`` (checked against memory when the figures
    are known) or the memory fit; T is the given throughput or a roofline
    estimate ``T = g·bandwidth/(active_params·bytes_per_param)·concurrent_sequences``
    [tok/s]; the GPU-hour cost is the rent price or :func:`gpu_hour_bought_usd`.

    Args:
        option: the self-hosted option.
        hours_per_month: H [hours/month].

    Returns:
        The sizing.

    Raises:
        ScenarioError: when a figure is missing, or the model fits only at a smaller precision.
        ModelDoesNotFitError: when the model does not fit even at int4.
    """
    can_fit = (
        option.model_spec is not None
        and option.gpu_spec is not None
        and option.context_tokens is not None
        and option.model_spec.layers is not None
        and option.model_spec.kv_heads is not None
        and option.model_spec.head_dim is not None
    )
    fit: MemoryFit | None = None
    if option.gpus_per_replica is not None:
        gpus = int(option.gpus_per_replica)
        basis = "given"
        if can_fit:
            fit = memory_fit(option)
            if fit.gpus_needed > gpus:
                _does_not_fit(option, fit, gpus, "self_hosted.gpus_per_replica")
    else:
        fit = memory_fit(option)  # raises, naming what is missing
        if fit.gpus_needed > option.max_gpus_per_replica:
            _does_not_fit(option, fit, option.max_gpus_per_replica, "self_hosted.gpu")
        gpus = fit.gpus_needed
        basis = "memory fit"
    return Sizing(gpus, basis, fit, _throughput(option, gpus), _gpu_hour(option, hours_per_month))


def _staff(option: SelfHostedOption) -> tuple[float, float]:
    fte = _require("self_hosted", "staff_fte", option.staff_fte, "give it (0 when none)")
    if fte == 0:
        return 0.0, 0.0 if option.staff_annual_usd is None else float(option.staff_annual_usd)
    annual = _require(
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
        self.p = _api_prices(api) if api is not None else (0.0, 0.0, 0.0)
        self.sizing = sizing
        self.u = option.utilisation
        self.fte, self.annual = _staff(option)

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
        r = max(1, math.floor((k + _CAPACITY_SLACK) * self.capacity()))
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
    sizing = sizing or size_replica(option, workload.hours_per_month)
    fte, annual = _staff(option)
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
    )


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
    sizing = sizing or size_replica(option, workload.hours_per_month)
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
    sizing = size_replica(option, workload.hours_per_month)
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


def _check_finite(obj: Any, path: str = "result") -> None:
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
