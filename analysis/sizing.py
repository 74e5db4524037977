"""What one self-hosted replica is: GPUs per replica, throughput and the cost of a GPU-hour.

Everything here is independent of the traffic volume; :mod:`analysis.tco`
multiplies it out into replicas and monthly bills. Pure: frozen, typed objects
in, frozen results out; no file, database or network access.

Formulas (units in brackets):

- Memory fit: ``weights = params_total·1e9·bytes_per_param`` [bytes];
  ``KV = 2·layers·kv_heads·head_dim·kv_bytes_per_value·context_tokens·
  concurrent_sequences`` [bytes]; ``required = (weights + KV)·(1 + overhead_share)``;
  ``g = ceil(required/(memory_gb·1e9))`` [GPUs per replica].
- Throughput T [output tok/s per replica]: a given figure (a probe run or
  another stated basis), or the roofline
  ``T = g·bandwidth/(active_params·bytes_per_param)·concurrent_sequences``,
  an upper bound that counts only the weights read per decode step.
- GPU-hour, rented: the rent price; bought: ``capex/(years·12·H) +
  power_W/1000·PUE·usd_per_kWh + hosting_per_GPU_month/H`` [USD/GPU-hour]
  (H = 730 hours/month, so 12·730 = 8760 hours a year).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from analysis.errors import ModelDoesNotFitError, ScenarioError
from analysis.parameters import Num, check_choice, check_fields, check_text, require
from analysis.records import Record

SECONDS_PER_HOUR = 3600.0
MONTHS_PER_YEAR = 12
#: Bytes per weight at each precision (bf16 = 2 bytes, fp8 = 1, int4 = ½).
QUANTISATION_BYTES: dict[str, float] = {"bf16": 2.0, "fp8": 1.0, "int4": 0.5}
SMALLEST_QUANTISATION = "int4"
#: A load within a billionth of a replica's (or a GPU's) capacity does not add one:
#: without it, float noise in R·O·P/(H·3600·T·u) could add a replica at an exact boundary.
CAPACITY_SLACK = 1e-9
_GB = 1e9  # datasheet gigabytes [bytes]
_TB = 1e12  # datasheet terabytes [bytes]


# --------------------------------------------------------------------------- #
# Inputs
# --------------------------------------------------------------------------- #


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

    SECTION: ClassVar[str] = "self_hosted.model_spec"
    NUMBERS: ClassVar[dict[str, Num]] = {
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
        check_text("self_hosted.model_spec.source", self.source)
        check_fields(self)
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

    SECTION: ClassVar[str] = "self_hosted.gpu_spec"
    NUMBERS: ClassVar[dict[str, Num]] = {
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
        check_text("self_hosted.gpu_spec.source", self.source)
        check_fields(self)


Ownership = Literal["rent", "buy"]
#: The fields that price a rented GPU-hour, and those that price a bought one.
RENT_FIELDS = ("gpu_hour_usd",)
BUY_FIELDS = (
    "capex_usd_per_gpu",
    "amortisation_years",
    "power_w",
    "pue",
    "usd_per_kwh",
    "hosting_usd_per_gpu_month",
)
#: The fields that size the memory fit only (unused when g is given).
FIT_FIELDS = ("kv_bytes_per_value", "context_tokens", "overhead_share")


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

    SECTION: ClassVar[str] = "self_hosted"
    NUMBERS: ClassVar[dict[str, Num]] = {
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
            check_text(f"self_hosted.{name}", getattr(self, name))
        check_choice("self_hosted.quantisation", self.quantisation, tuple(QUANTISATION_BYTES))
        check_choice("self_hosted.ownership", self.ownership, ("rent", "buy"))
        if self.model_spec is not None and not isinstance(self.model_spec, ModelSpec):
            raise ScenarioError("self_hosted.model_spec", self.model_spec, "must be a ModelSpec")
        if self.gpu_spec is not None and not isinstance(self.gpu_spec, GpuSpec):
            raise ScenarioError("self_hosted.gpu_spec", self.gpu_spec, "must be a GpuSpec")
        check_fields(self)

    @property
    def label(self) -> str:
        """``model on GPU`` or ``self-hosted``."""
        if self.model and self.gpu:
            return f"{self.model} on {self.gpu}"
        return self.model or "self-hosted"


# --------------------------------------------------------------------------- #
# Formula (scalars or numpy arrays alike: only arithmetic)
# --------------------------------------------------------------------------- #


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
    capex, power, hosting = _bought_parts(
        capex_usd_per_gpu,
        amortisation_years,
        power_w,
        pue,
        usd_per_kwh,
        hosting_usd_per_gpu_month,
        hours_per_month,
    )
    return capex + power + hosting


def _bought_parts(
    capex_usd_per_gpu: Any,
    amortisation_years: Any,
    power_w: Any,
    pue: Any,
    usd_per_kwh: Any,
    hosting_usd_per_gpu_month: Any,
    hours_per_month: Any,
) -> tuple[Any, Any, Any]:
    """The capex, power and hosting parts of :func:`gpu_hour_bought_usd` [USD/GPU-hour]."""
    capex = capex_usd_per_gpu / (amortisation_years * MONTHS_PER_YEAR * hours_per_month)
    power = power_w / 1000 * pue * usd_per_kwh
    hosting = hosting_usd_per_gpu_month / hours_per_month
    return capex, power, hosting


# --------------------------------------------------------------------------- #
# Results
# --------------------------------------------------------------------------- #


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


# --------------------------------------------------------------------------- #
# Sizing
# --------------------------------------------------------------------------- #


def _kv_cache_bytes(spec: ModelSpec, option: SelfHostedOption) -> float:
    layers, kv_heads, head_dim = spec.layers, spec.kv_heads, spec.head_dim
    if layers is None or kv_heads is None or head_dim is None:
        missing = [n for n in ("layers", "kv_heads", "head_dim") if getattr(spec, n) is None]
        raise ScenarioError(
            f"self_hosted.model_spec.{missing[0]}",
            None,
            f"is not known for {option.model or 'the model'}: needed to size the KV cache "
            "(give it, or give self_hosted.gpus_per_replica)",
        )
    context = require(
        "self_hosted",
        "context_tokens",
        option.context_tokens,
        "tokens per sequence are needed to size the KV cache (or give gpus_per_replica)",
    )
    return (
        2.0
        * layers
        * kv_heads
        * head_dim
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
    spec = require("self_hosted", "model_spec", option.model_spec, "model figures are needed")
    gpu = require("self_hosted", "gpu_spec", option.gpu_spec, "GPU figures are needed")
    quant = quantisation or option.quantisation
    bytes_per_param = QUANTISATION_BYTES[quant]
    weights = spec.params_total_b * 1e9 * bytes_per_param
    kv = _kv_cache_bytes(spec, option)
    overhead = (weights + kv) * option.overhead_share
    required = weights + kv + overhead
    gpus = max(1, math.ceil(required / (gpu.memory_gb * _GB) - CAPACITY_SLACK))
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


def gpu_hour(option: SelfHostedOption, hours_per_month: float) -> GpuHour:
    """The cost of one GPU-hour: the rent price, or :func:`gpu_hour_bought_usd` and its parts.

    Args:
        option: the self-hosted option (rent price, or the buy fields).
        hours_per_month: H [hours/month].

    Returns:
        The GPU-hour cost [USD/GPU-hour] with its capex, power, hosting and rent parts.

    Raises:
        ScenarioError: a figure the ownership needs is not set.
    """
    if option.ownership == "rent":
        rate = require(
            "self_hosted",
            "gpu_hour_usd",
            option.gpu_hour_usd,
            "give the rent price, or name self_hosted.cloud_offer for a warehouse lookup",
        )
        return GpuHour("rent", float(rate), 0.0, 0.0, 0.0, float(rate))
    hint = "needed when self_hosted.ownership is buy"
    values = {n: require("self_hosted", n, getattr(option, n), hint) for n in BUY_FIELDS}
    capex, power, hosting = _bought_parts(**values, hours_per_month=hours_per_month)
    return GpuHour("buy", capex + power + hosting, capex, power, hosting, 0.0)


def throughput(option: SelfHostedOption, gpus_per_replica: int) -> Throughput:
    """Replica throughput T: the given figure with its basis, or the roofline estimate.

    Roofline: ``per_sequence = g·bandwidth/(active_params·bytes_per_param)``
    [tok/s], ``T = per_sequence·concurrent_sequences`` [output tok/s per replica].

    Args:
        option: the self-hosted option.
        gpus_per_replica: g [GPUs].

    Returns:
        T, its basis and how it was obtained.

    Raises:
        ScenarioError: no throughput is given and the model or GPU figures are missing.
    """
    if option.throughput_tok_s is not None:
        if option.throughput_basis:
            basis = option.throughput_basis
        elif option.probe_run:
            basis = f"probe run {option.probe_run}"
        else:
            basis = "given"
        return Throughput(float(option.throughput_tok_s), basis, None, f"T = {basis}")
    hint = "give self_hosted.throughput_tok_s, or the model and GPU figures for a roofline"
    spec = require("self_hosted", "model_spec", option.model_spec, hint)
    gpu = require("self_hosted", "gpu_spec", option.gpu_spec, hint)
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
    return Sizing(gpus, basis, fit, throughput(option, gpus), gpu_hour(option, hours_per_month))
