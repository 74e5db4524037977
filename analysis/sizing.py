"""What one self-hosted replica is: GPUs per replica, throughput and the cost of a GPU-hour.

Everything here is independent of the traffic volume except the choice of the
replica size when the scenario leaves it open (made for the scenario's peak);
:mod:`analysis.tco` multiplies it out into replicas and monthly bills. Pure:
frozen, typed objects in, frozen results out; no file, database or network access.

Formulas (units in brackets):

- Memory fit: ``weights = params_total·1e9·bytes_per_param`` [bytes];
  ``KV = sequences·context_tokens·kv_per_token`` [bytes] with kv_per_token
  ``layers·2·kv_heads·head_dim·kv_bytes_per_value`` (or the MLA latent, see
  :mod:`analysis.decode`); ``required = (weights + KV)·(1 + overhead_share)``;
  ``g = ceil(required/(memory_gb·1e9))`` [GPUs per replica].
- Throughput T [output tok/s per replica]: a given figure (a probe run or
  another stated basis), or the decode model of :mod:`analysis.decode`: the
  bytes each decode step reads (weights, the experts a batch routes to, the KV
  cache of every sequence) at a measured fraction of the bandwidth, the largest
  batch that fits memory and meets the latency target, each request's prefill
  time counted, as a range with the limit that bound it.
- Replicas: ``max(1, ceil(peak/(T·u)))`` with ``peak = R·O·P/(H·3600)`` [output tok/s].
- GPU-hour, rented: the rent price; bought: ``capex/(years·12·H) +
  power_W/1000·PUE·usd_per_kWh + hosting_per_GPU_month/H`` [USD/GPU-hour]
  (H = 730 hours/month, so 12·730 = 8760 hours a year); the power term is
  :func:`analysis.energy.energy_kwh` of one GPU-hour times the price.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from analysis.decode import (
    DEFAULT_TARGET,
    Hardware,
    LatencyTarget,
    ModelSpec,
    ReplicaPlan,
    Serving,
    Span,
    cheapest_plan,
    kv_bytes_per_token,
    kv_known,
    plan_replica,
)
from analysis.energy import energy_kwh
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
class GpuSpec(Record):
    """Datasheet figures of one accelerator.

    Attributes:
        memory_gb: memory per GPU [GB, 1e9 bytes].
        mem_bandwidth_tbps: memory bandwidth per GPU [TB/s, 1e12 bytes/s].
        bf16_dense_tflops: dense bf16 matrix throughput per GPU [TFLOPS] (None: unknown).
        fp8_dense_tflops: dense fp8 matrix throughput per GPU [TFLOPS] (None: unknown).
        tdp_w: board power [W] (a default for ``power_w`` when bought).
        purchase_price_usd: purchase price [USD per GPU] (a default for ``capex_usd_per_gpu``).
        source: where the figures come from.
    """

    SECTION: ClassVar[str] = "self_hosted.gpu_spec"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "memory_gb": Num("GB", assumption=False),
        "mem_bandwidth_tbps": Num("TB/s", assumption=False),
        "bf16_dense_tflops": Num("TFLOPS", assumption=False),
        "fp8_dense_tflops": Num("TFLOPS", assumption=False),
        "tdp_w": Num("W", assumption=False),
        "purchase_price_usd": Num("USD per GPU", assumption=False),
    }

    memory_gb: float
    mem_bandwidth_tbps: float
    bf16_dense_tflops: float | None = None
    fp8_dense_tflops: float | None = None
    tdp_w: float | None = None
    purchase_price_usd: float | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        check_text("self_hosted.gpu_spec.source", self.source)
        check_fields(self)

    def dense_tflops(self, quantisation: str) -> float | None:
        """Dense TFLOPS at a weight precision: fp8 weights use the fp8 rate when the
        datasheet gives one, else bf16; bf16 and int4 (weight-only) compute in bf16."""
        if quantisation == "fp8" and self.fp8_dense_tflops is not None:
            return self.fp8_dense_tflops
        return self.bf16_dense_tflops


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
#: The fields only the decode model's estimate reads (unused when T is given).
ESTIMATE_FIELDS = ("concurrent_sequences", "target_tpot_ms", "target_ttft_ms")


@dataclass(frozen=True, slots=True)
class SelfHostedOption(Record):
    """An open-weight model served on GPUs that are rented or bought.

    Sizing (GPUs per replica g) is given, or found from memory fit and the
    decode model; replica throughput T is given (a probe run or another stated
    basis), or estimated by :mod:`analysis.decode` at the latency target. Rented
    GPUs cost ``gpu_hour_usd``; bought GPUs cost their amortised capex, power and
    hosting.

    Attributes:
        model: the open-weight model id (label and warehouse lookup key).
        gpu: the GPU id (label and warehouse lookup key).
        model_spec: the model's architecture figures (for memory fit and the decode model).
        gpu_spec: the GPU's datasheet figures (for memory fit and the decode model).
        quantisation: weight precision, one of ``bf16`` (2 bytes/param),
            ``fp8`` (1) or ``int4`` (0.5).
        kv_bytes_per_value: bytes per cached key or value element [bytes] (2 = bf16 cache).
        context_tokens: tokens held in the KV cache per sequence [tokens] (None: a
            request's input + output tokens).
        concurrent_sequences: the batch a replica is planned to run [sequences]; the
            decode model lowers it when the latency target needs; None: the largest
            batch that fits memory and meets the target.
        overhead_share: memory for activations and runtime, as a share of
            weights + KV cache [0–1].
        max_gpus_per_replica: the most GPUs one replica may span [GPUs] (8 = one server).
        gpus_per_replica: g [GPUs]; None to size by memory fit (and, without a
            planned batch, the replica size that serves the peak on the fewest GPUs).
        throughput_tok_s: T, output tokens/s one replica sustains at the latency
            target [tok/s]; None for the decode model's estimate.
        throughput_basis: what T rests on (e.g. ``probe run 42``).
        target_tpot_ms: the longest time per output token [ms]; with target_ttft_ms
            None too, the default target :data:`analysis.decode.DEFAULT_TARGET` applies.
        target_ttft_ms: the longest p95 time to first token [ms].
        probe_run: the id of the stored probe run T comes from, if any.
        match_probe_runs: when T and probe_run are not given, use the newest stored
            probe run of this model on this GPU (:func:`analysis.scenario.resolve`);
            False keeps the decode model's estimate.
        utilisation: u, the share of T planned to be used at peak (0–1].
        ownership: ``rent`` or ``buy``.
        gpu_hour_usd: rent price [USD per GPU-hour].
        cloud_offer: the rented offer, as ``provider/instance_type/region`` (lookup key).
        capex_usd_per_gpu: purchase price [USD per GPU].
        amortisation_years: years over which the purchase is written off [years].
        power_w: average power draw per GPU [W] (None: the board power, TDP, for the
            energy figure; a bought GPU needs it).
        power_basis: what power_w rests on (a measured draw, or the TDP: an estimate).
        pue: power usage effectiveness of the data centre [ratio, >= 1].
        usd_per_kwh: electricity price [USD/kWh].
        hosting_usd_per_gpu_month: rack space, network and support [USD per GPU-month].
        staff_fte: people running the service [full-time equivalents].
        staff_annual_usd: fully loaded cost of one FTE [USD/year].
        grid_gco2e_per_kwh: carbon intensity of the electricity [g CO2e/kWh] (None:
            no carbon figure).
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
        "target_tpot_ms": Num("ms per output token"),
        "target_ttft_ms": Num("ms to the first token (p95)"),
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
        "grid_gco2e_per_kwh": Num("g CO2e/kWh", 0.0, False),
    }

    model: str | None = None
    gpu: str | None = None
    model_spec: ModelSpec | None = None
    gpu_spec: GpuSpec | None = None
    quantisation: str = "bf16"
    kv_bytes_per_value: float = 2.0
    context_tokens: int | None = None
    concurrent_sequences: int | None = None
    overhead_share: float = 0.10
    max_gpus_per_replica: int = 8
    gpus_per_replica: int | None = None
    throughput_tok_s: float | None = None
    throughput_basis: str | None = None
    probe_run: str | None = None
    match_probe_runs: bool = True
    target_tpot_ms: float | None = None
    target_ttft_ms: float | None = None
    utilisation: float = 0.7
    ownership: str = "rent"
    gpu_hour_usd: float | None = None
    cloud_offer: str | None = None
    capex_usd_per_gpu: float | None = None
    amortisation_years: float | None = None
    power_w: float | None = None
    power_basis: str | None = None
    pue: float | None = None
    usd_per_kwh: float | None = None
    hosting_usd_per_gpu_month: float | None = None
    staff_fte: float | None = None
    staff_annual_usd: float | None = None
    grid_gco2e_per_kwh: float | None = None

    def __post_init__(self) -> None:
        for name in ("model", "gpu", "throughput_basis", "probe_run", "cloud_offer", "power_basis"):
            check_text(f"self_hosted.{name}", getattr(self, name))
        check_choice("self_hosted.quantisation", self.quantisation, tuple(QUANTISATION_BYTES))
        check_choice("self_hosted.ownership", self.ownership, ("rent", "buy"))
        if not isinstance(self.match_probe_runs, bool):
            raise ScenarioError(
                "self_hosted.match_probe_runs", self.match_probe_runs, "must be true or false"
            )
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

    @property
    def target(self) -> LatencyTarget:
        """The latency target: the scenario's, else :data:`analysis.decode.DEFAULT_TARGET`."""
        if self.target_tpot_ms is None and self.target_ttft_ms is None:
            return DEFAULT_TARGET
        return LatencyTarget(
            self.target_tpot_ms,
            self.target_ttft_ms,
            "scenario: self_hosted.target_tpot_ms / target_ttft_ms",
        )


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
    return _at_least_one(_ceil(peak / (throughput_tok_s * utilisation) - CAPACITY_SLACK))


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

    ``capex/(years·12·H) + energy_kwh(1 GPU, power_W, PUE, 1 h)·usd_per_kWh +
    hosting_per_GPU_month/H``, the energy being ``power_W/1000·PUE`` kWh
    (:func:`analysis.energy.energy_kwh`); with H = 730 the first term is
    ``capex/(years·8760)``.

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
    power = energy_kwh(1, power_w, pue, 1.0) * usd_per_kwh
    hosting = hosting_usd_per_gpu_month / hours_per_month
    return capex, power, hosting


# --------------------------------------------------------------------------- #
# Results
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Traffic(Record):
    """What the sizing needs of the workload (built by :class:`analysis.tco.Workload`).

    Attributes:
        input_tokens: I [tokens/request].
        output_tokens: O [tokens/request].
        requests_per_month: R [requests/month].
        peak_to_average: P [ratio].
        hours_per_month: H [hours/month].
    """

    input_tokens: float
    output_tokens: float
    requests_per_month: float
    peak_to_average: float
    hours_per_month: float

    def replicas(self, throughput_tok_s: float, utilisation: float) -> int:
        """Replicas for this traffic's peak at T (:func:`replicas_needed`)."""
        return int(
            replicas_needed(
                self.requests_per_month,
                self.output_tokens,
                self.peak_to_average,
                self.hours_per_month,
                throughput_tok_s,
                utilisation,
            )
        )


@dataclass(frozen=True, slots=True)
class MemoryFit(Record):
    """How the model fits in GPU memory.

    ``weights = params_total·bytes_per_param``; ``KV = batch·context·kv_per_token``
    (:func:`analysis.decode.kv_bytes_per_token`: GQA or MLA); ``required = (weights +
    KV)·(1 + overhead_share)``; ``g = ceil(required/GPU memory)``. All sizes in GB
    (1e9 bytes); ``sequences`` is the batch sized for.
    """

    quantisation: str
    bytes_per_param: float
    weights_gb: float
    kv_cache_gb: float
    overhead_gb: float
    required_gb: float
    gpu_memory_gb: float
    gpus_needed: int
    sequences: int = 1


@dataclass(frozen=True, slots=True)
class Throughput(Record):
    """Replica throughput T and what it rests on.

    Attributes:
        tok_s: output tokens/s per replica at the latency target [tok/s] (the point).
        basis: ``probe run <id>``, the stated basis of a given value, or
            ``decode estimate``.
        per_sequence_tok_s: decode speed of one sequence of the batch, 1/TPOT
            [tok/s] (estimates only).
        detail: how the figure was obtained.
        range: low, point and high [tok/s] (a given figure: the figure three times).
        limit: what bound the replica (``memory``, ``latency``, ``bandwidth``,
            ``compute``), or ``given``.
        plan: the decode model's plan: the estimate used, or (when T is given) the
            estimate it replaces; None when the figures for it are missing.
    """

    tok_s: float
    basis: str
    per_sequence_tok_s: float | None
    detail: str
    range: Span | None = None
    limit: str = "given"
    plan: ReplicaPlan | None = None

    @property
    def estimated(self) -> bool:
        """Whether T is the decode model's estimate (not a given or measured figure)."""
        return self.limit != "given"


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
        gpus_basis: ``given``, ``memory fit`` or ``fewest GPUs for the peak``.
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


def _need_kv(spec: ModelSpec, option: SelfHostedOption) -> None:
    if not kv_known(spec):
        missing = "layers" if spec.layers is None else "kv_heads"
        raise ScenarioError(
            f"self_hosted.model_spec.{missing}",
            None,
            f"is not known for {option.model or 'the model'}: needed to size the KV cache "
            "(give it, or self_hosted.gpus_per_replica and throughput_tok_s)",
        )


def _context(option: SelfHostedOption, traffic: Traffic | None) -> int:
    if option.context_tokens is not None:
        return int(option.context_tokens)
    if traffic is not None:
        return max(1, math.ceil(traffic.input_tokens + traffic.output_tokens))
    raise ScenarioError(
        "self_hosted.context_tokens",
        None,
        "is not set: tokens per sequence are needed to size the KV cache (or give the workload)",
    )


def memory_fit(
    option: SelfHostedOption,
    quantisation: str | None = None,
    *,
    sequences: int | None = None,
    context_tokens: int | None = None,
) -> MemoryFit:
    """GPUs one replica needs to hold the weights and the KV cache.

    ``weights = params_total_b·1e9·bytes_per_param`` [bytes];
    ``KV = sequences·context_tokens·kv_per_token`` [bytes] (kv_per_token:
    ``layers·2·kv_heads·head_dim·kv_bytes_per_value``, or the MLA latent);
    ``required = (weights + KV)·(1 + overhead_share)``;
    ``g = ceil(required/(memory_gb·1e9))`` [GPUs].

    Args:
        option: the self-hosted option (needs model_spec, gpu_spec and a context).
        quantisation: the precision to size at (default: the option's).
        sequences: the batch to hold (default: the planned batch, else 1).
        context_tokens: tokens per sequence (default: the option's).

    Returns:
        The memory arithmetic in GB and the GPUs needed.

    Raises:
        ScenarioError: when a figure needed is missing.
    """
    spec = require("self_hosted", "model_spec", option.model_spec, "model figures are needed")
    gpu = require("self_hosted", "gpu_spec", option.gpu_spec, "GPU figures are needed")
    _need_kv(spec, option)
    context = context_tokens if context_tokens is not None else _context(option, None)
    batch = sequences if sequences is not None else (option.concurrent_sequences or 1)
    quant = quantisation or option.quantisation
    bytes_per_param = QUANTISATION_BYTES[quant]
    weights = spec.params_total_b * 1e9 * bytes_per_param
    kv = batch * context * kv_bytes_per_token(spec, option.kv_bytes_per_value)
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
        sequences=batch,
    )


def _does_not_fit(
    option: SelfHostedOption, fit: MemoryFit, gpus: int, parameter: str, context: int
) -> None:
    """Raise the right error for a model that needs more than ``gpus`` GPUs."""
    smallest = memory_fit(
        option, SMALLEST_QUANTISATION, sequences=fit.sequences, context_tokens=context
    )
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


def _hardware(option: SelfHostedOption, gpus: int) -> Hardware:
    gpu = option.gpu_spec
    assert gpu is not None
    flops = gpu.dense_tflops(option.quantisation)
    return Hardware(gpus, gpu.mem_bandwidth_tbps, flops, gpu.memory_gb)


def _serving(option: SelfHostedOption, traffic: Traffic | None, context: int) -> Serving:
    return Serving(
        bytes_per_param=QUANTISATION_BYTES[option.quantisation],
        kv_bytes_per_value=option.kv_bytes_per_value,
        context_tokens=context,
        overhead_share=option.overhead_share,
        input_tokens=traffic.input_tokens if traffic else None,
        output_tokens=traffic.output_tokens if traffic else None,
        utilisation=option.utilisation,
        planned_batch=option.concurrent_sequences,
    )


@functools.lru_cache(maxsize=512)
def _estimated(plan: ReplicaPlan, gpu_name: str) -> Throughput:
    prefill = (
        f"; with each request's prefill {plan.tok_s.text()} tok/s, p95 TTFT "
        f"{plan.ttft_ms.text()} ms at the planned peak"
        if plan.prefill_s is not None and plan.ttft_ms is not None
        else "; prefill not counted (no workload or no FLOPS figure for the GPU)"
    )
    detail = (
        f"decode estimate: batch {plan.batch} of {plan.context_tokens:,}-token sequences on "
        f"{plan.gpus} × {gpu_name}: decode {plan.decode_tok_s.text()} tok/s, TPOT "
        f"{plan.tpot_ms.text('.1f')} ms{prefill}; bound by {plan.limit} ({plan.limit_detail}); "
        f"{plan.basis}; target: {plan.target.source}"
    )
    return Throughput(
        tok_s=plan.tok_s.point,
        basis="decode estimate",
        per_sequence_tok_s=1000 / plan.tpot_ms.point,
        detail=detail,
        range=plan.tok_s,
        limit=plan.limit,
        plan=plan,
    )


def throughput(
    option: SelfHostedOption, gpus_per_replica: int, traffic: Traffic | None = None
) -> Throughput:
    """Replica throughput T: the given figure with its basis, or the decode model's estimate.

    Estimate: :func:`analysis.decode.plan_replica` on g GPUs at the option's latency
    target (the largest batch that fits memory and meets it; T counts each request's
    prefill and the TTFT cap). A given figure keeps the estimate beside it, when the
    figures for one are known, to say how far apart they are.

    Args:
        option: the self-hosted option.
        gpus_per_replica: g [GPUs].
        traffic: the workload's token counts and peak (None: prefill not counted).

    Returns:
        T, its range, basis, binding limit and how it was obtained.

    Raises:
        ScenarioError: no throughput is given and a figure the estimate needs is missing,
            or the latency target cannot be met.
    """
    plan = None
    if option.throughput_tok_s is not None:
        if option.throughput_basis:
            basis = option.throughput_basis
        elif option.probe_run:
            basis = f"probe run {option.probe_run}"
        else:
            basis = "given"
        if _can_estimate(option):
            try:
                plan = _plan(option, gpus_per_replica, traffic)
            except ScenarioError:
                plan = None  # the estimate is out of reach; the given figure stands
        t = float(option.throughput_tok_s)
        return Throughput(t, basis, None, f"T = {basis}", Span(t, t, t), "given", plan)
    hint = "give self_hosted.throughput_tok_s, or the model and GPU figures for an estimate"
    spec = require("self_hosted", "model_spec", option.model_spec, hint)
    require("self_hosted", "gpu_spec", option.gpu_spec, hint)
    _need_kv(spec, option)
    return _estimated(_plan(option, gpus_per_replica, traffic), option.gpu or "GPU")


def _can_estimate(option: SelfHostedOption) -> bool:
    return (
        option.model_spec is not None
        and option.gpu_spec is not None
        and kv_known(option.model_spec)
    )


def _plan(option: SelfHostedOption, gpus: int, traffic: Traffic | None) -> ReplicaPlan:
    return estimate_at(option, gpus, traffic, option.target)


def estimate_at(
    option: SelfHostedOption, gpus: int, traffic: Traffic | None, target: LatencyTarget
) -> ReplicaPlan:
    """The decode model's plan for the option on g GPUs at a given target.

    :func:`analysis.decode.plan_replica` with the option's precision, context, planned
    batch and utilisation, the traffic's token counts and the GPU's datasheet peaks
    (used to compare a measurement with the estimate at the measurement's own batch).

    Raises:
        ScenarioError: a figure is missing or the target cannot be met.
    """
    hint = "the model and GPU figures are needed for an estimate"
    spec = require("self_hosted", "model_spec", option.model_spec, hint)
    require("self_hosted", "gpu_spec", option.gpu_spec, hint)
    _need_kv(spec, option)
    serving = _serving(option, traffic, _context(option, traffic))
    return plan_replica(spec, _hardware(option, gpus), serving, target)


def size_replica(
    option: SelfHostedOption, hours_per_month: float = 730.0, traffic: Traffic | None = None
) -> Sizing:
    """GPUs per replica, replica throughput and GPU-hour cost.

    - g: the given ``gpus_per_replica`` (checked against memory when the figures are
      known); else the memory fit of the weights and the planned batch (one sequence
      when none is planned). Without a planned batch and a given T, each replica size
      from the memory fit to ``max_gpus_per_replica`` (powers of two) is planned and
      the one serving the traffic's peak on the fewest GPUs is kept
      (:func:`analysis.decode.cheapest_plan`).
    - T: the given throughput, or the decode model's estimate (:func:`throughput`).
    - The GPU-hour cost: the rent price or :func:`gpu_hour_bought_usd`.

    Args:
        option: the self-hosted option.
        hours_per_month: H [hours/month].
        traffic: the workload (prefill, default context, the peak the replica size is
            chosen for); None: prefill not counted, replica size by GPUs per token/s.

    Returns:
        The sizing.

    Raises:
        ScenarioError: when a figure is missing, the latency target cannot be met, or the
            model fits only at a smaller precision.
        ModelDoesNotFitError: when the model does not fit even at int4.
    """
    can_fit = _can_estimate(option) and (option.context_tokens is not None or traffic is not None)
    fit: MemoryFit | None = None
    context = _context(option, traffic) if can_fit else 0
    if option.gpus_per_replica is not None:
        gpus = int(option.gpus_per_replica)
        basis = "given"
        if can_fit:
            fit = memory_fit(option, context_tokens=context)
            if fit.gpus_needed > gpus:
                _does_not_fit(option, fit, gpus, "self_hosted.gpus_per_replica", context)
        tput = throughput(option, gpus, traffic)
    else:
        if not can_fit:
            _context(option, traffic)  # raises, naming what is missing
        fit = memory_fit(option, context_tokens=context)  # raises, naming what is missing
        if fit.gpus_needed > option.max_gpus_per_replica:
            _does_not_fit(option, fit, option.max_gpus_per_replica, "self_hosted.gpu", context)
        gpus, basis = fit.gpus_needed, "memory fit"
        if option.throughput_tok_s is None and option.concurrent_sequences is None:
            assert option.model_spec is not None
            replicas_for = (lambda t: gpus_for(traffic, t, option.utilisation)) if traffic else None
            plan = cheapest_plan(
                option.model_spec,
                _hardware(option, gpus),
                _serving(option, traffic, context),
                option.target,
                option.max_gpus_per_replica,
                replicas_for,
            )
            gpus = plan.gpus
            basis = "fewest GPUs for the peak" if traffic else "fewest GPUs per token/s"
            tput = _estimated(plan, option.gpu or "GPU")
        else:
            tput = throughput(option, gpus, traffic)
    if tput.plan is not None and tput.estimated:
        p = tput.plan
        per_gpu = option.gpu_spec.memory_gb  # type: ignore[union-attr]
        fit = MemoryFit(
            quantisation=option.quantisation,
            bytes_per_param=QUANTISATION_BYTES[option.quantisation],
            weights_gb=p.weights_gb,
            kv_cache_gb=p.kv_cache_gb,
            overhead_gb=p.overhead_gb,
            required_gb=p.required_gb,
            gpu_memory_gb=per_gpu,
            gpus_needed=max(1, math.ceil(p.required_gb / per_gpu - CAPACITY_SLACK)),
            sequences=p.batch,
        )
    return Sizing(gpus, basis, fit, tput, gpu_hour(option, hours_per_month))


def forget_plans() -> None:
    """Forget the remembered decode plans (they are pure, so only timing sees a difference:
    ``bench/bench_sizing.py`` times first evaluations with it)."""
    plan_replica.cache_clear()
    _estimated.cache_clear()


def gpus_for(traffic: Traffic, throughput_tok_s: float, utilisation: float) -> int:
    """Replicas the traffic's peak needs at T (:func:`replicas_needed`) [count]."""
    return traffic.replicas(throughput_tok_s, utilisation)
