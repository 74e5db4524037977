"""Decode and prefill speed of one replica, from the bytes and FLOPs each step moves.

Pure: frozen, typed objects and numbers in, frozen results out; no file,
database or network access. The model (units in brackets):

- **Bytes read per decode step** at batch B, each sequence at context C [tokens]:
  ``bytes = weights_read(B) + B·C·kv_per_token`` [bytes].

  - Dense: ``weights_read = params_total·1e9·bytes_per_param``.
  - Mixture of experts (E routed experts per MoE layer, top-k routing):
    ``weights_read(B) = (params_total − E·p + n(B)·p)·1e9·bytes_per_param`` with
    ``n(B) = E·(1 − (1 − k/E)^B)`` the expected number of distinct experts the
    batch routes to in one layer [experts] and p the parameters of one routed
    expert summed over the MoE layers [billions], ``p = (params_total −
    params_active)/(E − k)``: the only p for which one token reads ``params_active``
    and all experts together ``params_total``. n(1) = k, so one sequence reads ``params_active``;
    n(B) → E, so a large batch reads every expert.
  - KV cache per token of context: ``layers·2·kv_heads·head_dim·kv_bytes``
    (grouped-query attention), or ``layers·(kv_lora_rank + qk_rope_head_dim)·
    kv_bytes`` for multi-head latent attention (MLA: DeepSeek V3, Kimi K2), which
    caches one compressed latent and one rotary key per token and layer.
- **Step time** at bandwidth fraction f and compute efficiency e on g GPUs:
  ``t = max(bytes/(g·bandwidth·f), 2·params_active·1e9·B/(g·dense_flops·e))`` [s];
  ``throughput = B/t`` [output tok/s]; TPOT ≈ t.
- **Prefill** of I input tokens: ``S = 2·params_active·1e9·I/(g·dense_flops·e)`` [s]
  (matrix FLOPs only; attention adds ~I² terms, small below ~8k tokens).
- **Queueing** of prefills at a replica receiving λ requests/s: M/D/1
  (Poisson arrivals, deterministic service S), load ``ρ = λ·S``; mean wait
  ``ρ·S/(2·(1 − ρ))`` (Pollaczek–Khinchine) [s]; its tail is approximated as
  exponential with that mean given a wait (Kingman), ``P(wait > t) = ρ·exp(−2·(1 − ρ)·t/S)``,
  so the p95 wait is ``S·ln(20·ρ)/(2·(1 − ρ))`` for ρ > 0.05, else 0 [s].
  TTFT ≈ S + wait.

The achievable fraction of datasheet bandwidth is :data:`BANDWIDTH_FRACTION`, one
pair taken from this project's H200 measurement for every estimate; prefill (and
compute-bound decode) efficiency is :data:`COMPUTE_EFFICIENCY`. Each estimate is a
:class:`Span`: low, point (the geometric mean of the pair) and high.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

from analysis.errors import ModelDoesNotFitError, ScenarioError
from analysis.parameters import Num, check_fields, check_number, check_text
from analysis.records import Record

_GB = 1e9  # datasheet gigabytes [bytes]
_TB = 1e12  # datasheet terabytes [bytes]
_TFLOPS = 1e12  # [FLOP/s]


@dataclass(frozen=True, slots=True)
class Efficiency(Record):
    """An achievable share of a datasheet peak, as a low-high pair with its source.

    Attributes:
        low: the lowest share seen [0–1].
        high: the highest share seen [0–1].
        source: where the pair comes from.
    """

    low: float
    high: float
    source: str

    def __post_init__(self) -> None:
        if not (0 < self.low <= self.high <= 1):
            raise ScenarioError(
                "efficiency", (self.low, self.high), "must satisfy 0 < low <= high <= 1"
            )

    @property
    def point(self) -> float:
        """The geometric mean ``√(low·high)``: equally far, as a ratio, from both ends."""
        return math.sqrt(self.low * self.high)


#: Achieved decode speed over (bytes per step ÷ datasheet bandwidth), measured.
BANDWIDTH_FRACTION = Efficiency(
    low=0.57,
    high=0.83,
    source=(
        "measured on one H200, 2026-12-04, random weights, CUDA-graph decode "
        "(datasets/decode_measurements.csv): 14 decode steps of Llama-3.1-8B (bf16, 2k and "
        "8k contexts), Qwen2.5-32B (bf16) and Llama-3.3-70B (fp8) shapes at batch 1-128 "
        "reached 0.579-0.830 of this model's bytes per step ÷ 4.8 TB/s; rounded outward to "
        "0.57-0.83. One GPU: multi-GPU replicas assume tensor parallelism scales bandwidth "
        "linearly (not measured)"
    ),
)
#: Achieved share of dense FLOPS in prefill (and compute-bound decode): an estimate.
COMPUTE_EFFICIENCY = Efficiency(
    low=0.30,
    high=0.50,
    source=(
        "estimate, not measured here: the model FLOPs utilisation of LLM prefill, "
        "'Inference prefill: 30-50 percent' (ZeroEntropy, 'Model FLOPs Utilization', "
        "https://zeroentropy.dev/concepts/mfu/, 2026)"
    ),
)


@dataclass(frozen=True, slots=True)
class LatencyTarget(Record):
    """The latency a replica must meet: time per output token and time to first token.

    Attributes:
        tpot_ms: the longest time per output token [ms] (None: no TPOT target).
        ttft_ms: the longest p95 time to first token [ms] (None: no TTFT target).
        source: where the targets come from.
    """

    SECTION: ClassVar[str] = "self_hosted"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "tpot_ms": Num("ms per output token"),
        "ttft_ms": Num("ms to the first token (p95)"),
    }

    tpot_ms: float | None = None
    ttft_ms: float | None = None
    source: str = "given"

    def __post_init__(self) -> None:
        for name, spec in self.NUMBERS.items():
            value = getattr(self, name)
            if value is not None:
                check_number(self.SECTION, f"target_{name}", value, spec)


#: The target used when a scenario sets none.
DEFAULT_TARGET = LatencyTarget(
    tpot_ms=200.0,
    ttft_ms=2000.0,
    source=(
        "default: the MLPerf Inference server-scenario limits for Llama-2-70B, TTFT 2,000 ms "
        "and TPOT 200 ms (mlcommons/inference:loadgen/mlperf.conf@001712e9, "
        "llama2-70b.Server.ttft_latency / tpot_latency)"
    ),
)


@dataclass(frozen=True, slots=True)
class Span(Record):
    """An estimate as a range: ``low <= point <= high`` in the unit of the field it fills."""

    low: float
    point: float
    high: float

    def scaled(self, factor: float) -> Span:
        """Each end multiplied by ``factor`` (> 0)."""
        return Span(self.low * factor, self.point * factor, self.high * factor)

    def text(self, fmt: str = ",.0f", unit: str = "") -> str:
        """``point (low–high) unit``."""
        tail = f" {unit}" if unit else ""
        return f"{self.point:{fmt}} ({self.low:{fmt}}–{self.high:{fmt}}){tail}"


# --------------------------------------------------------------------------- #
# Architecture
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class ModelSpec(Record):
    """Architecture facts of an open-weight model (datasheet facts, not assumptions).

    Attributes:
        params_total_b: total parameters [billions].
        params_active_b: parameters each token is computed with [billions]; for MoE
            fewer than the total, for dense models equal to it (None: same as total).
        layers: transformer layers.
        kv_layers: layers that keep a KV cache for the whole context (None: all of
            them); fewer for sliding-window, linear-attention or Mamba hybrids, whose
            other layers hold a bounded state that is not counted.
        kv_heads: key/value heads per layer (grouped-query attention).
        head_dim: dimension of one attention head.
        kv_lora_rank: MLA only: size of the compressed key/value latent cached per
            token and layer.
        qk_rope_head_dim: MLA only: size of the rotary key cached beside the latent.
        experts: MoE only: routed experts per MoE layer (E).
        experts_per_token: MoE only: routed experts each token uses (top-k).
        source: where the figures come from.
    """

    SECTION: ClassVar[str] = "self_hosted.model_spec"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "params_total_b": Num("billion parameters", assumption=False),
        "params_active_b": Num("billion parameters", assumption=False),
        "layers": Num("layers", 1, False, integer=True, assumption=False),
        "kv_layers": Num("layers", 1, False, integer=True, assumption=False),
        "kv_heads": Num("key/value heads", 1, False, integer=True, assumption=False),
        "head_dim": Num("dimensions", 1, False, integer=True, assumption=False),
        "kv_lora_rank": Num("dimensions", 1, False, integer=True, assumption=False),
        "qk_rope_head_dim": Num("dimensions", 0, False, integer=True, assumption=False),
        "experts": Num("routed experts per MoE layer", 1, False, integer=True, assumption=False),
        "experts_per_token": Num("experts per token", 1, False, integer=True, assumption=False),
    }

    params_total_b: float
    params_active_b: float | None = None
    layers: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    kv_layers: int | None = None
    kv_lora_rank: int | None = None
    qk_rope_head_dim: int | None = None
    experts: int | None = None
    experts_per_token: int | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        section = self.SECTION
        check_text(f"{section}.source", self.source)
        check_fields(self)
        if self.params_active_b is not None and self.params_active_b > self.params_total_b:
            raise ScenarioError(
                f"{section}.params_active_b",
                self.params_active_b,
                f"cannot exceed params_total_b ({self.params_total_b:g})",
            )
        for a, b in (("experts", "experts_per_token"), ("kv_lora_rank", "qk_rope_head_dim")):
            if (getattr(self, a) is None) != (getattr(self, b) is None):
                missing = b if getattr(self, b) is None else a
                raise ScenarioError(
                    f"{section}.{missing}", None, f"is needed with {a if missing == b else b}"
                )
        if self.experts is not None:
            assert self.experts_per_token is not None
            if self.experts_per_token > self.experts:
                raise ScenarioError(
                    f"{section}.experts_per_token",
                    self.experts_per_token,
                    f"cannot exceed experts ({self.experts})",
                )
            if self.experts_per_token < self.experts and self.active_b >= self.params_total_b:
                raise ScenarioError(
                    f"{section}.params_active_b",
                    self.params_active_b,
                    "must be below params_total_b for a mixture of experts (experts is set)",
                )
        if self.kv_layers is not None and self.layers is not None and self.kv_layers > self.layers:
            raise ScenarioError(
                f"{section}.kv_layers", self.kv_layers, f"cannot exceed layers ({self.layers})"
            )

    @property
    def active_b(self) -> float:
        """Parameters each generated token is computed with [billions]."""
        return self.params_total_b if self.params_active_b is None else self.params_active_b

    @property
    def is_moe(self) -> bool:
        """Whether the routed experts are known (E and top-k given, k < E)."""
        return (
            self.experts is not None
            and self.experts_per_token is not None
            and self.experts_per_token < self.experts
        )

    @property
    def is_mla(self) -> bool:
        """Whether the KV cache is a compressed latent (multi-head latent attention)."""
        return self.kv_lora_rank is not None


def expected_experts(experts: float, top_k: float, batch: float) -> float:
    """Expected distinct experts a batch routes to in one MoE layer [experts].

    ``n(B) = E·(1 − (1 − k/E)^B)``: each token picks k of E experts; an expert is
    missed by one token with probability ``1 − k/E`` and by all B tokens with
    ``(1 − k/E)^B`` (tokens taken as independent and routing as uniform; real
    routers are skewed, which lowers n). n(1) = k and n(B) → E as B grows.

    Args:
        experts: E, routed experts per layer.
        top_k: k, experts per token (1 <= k <= E).
        batch: B, tokens in the step [sequences] (>= 0).

    Returns:
        n(B) [experts].

    Raises:
        ScenarioError: when k is not in [1, E] or B < 0.
    """
    if not (1 <= top_k <= experts):
        raise ScenarioError("experts_per_token", top_k, f"must be in [1, {experts:g}]")
    if batch < 0:
        raise ScenarioError("batch", batch, "must be >= 0")
    return experts * (1.0 - (1.0 - top_k / experts) ** batch)


def routed_expert_b(spec: ModelSpec) -> float:
    """Parameters of one routed expert, summed over the MoE layers [billions].

    ``(params_total − params_active)/(E − k)``: one token computes with the shared
    part and k experts (``params_active``), and all E experts make ``params_total``.

    Raises:
        ScenarioError: when the model is not a known mixture of experts.
    """
    if not spec.is_moe:
        raise ScenarioError(
            "self_hosted.model_spec.experts", spec.experts, "is not a mixture of experts"
        )
    e, k = float(spec.experts), float(spec.experts_per_token)  # type: ignore[arg-type]
    return (spec.params_total_b - spec.active_b) / (e - k)


def weight_bytes_read(spec: ModelSpec, batch: float, bytes_per_param: float) -> float:
    """Weight bytes one decode step reads at batch B [bytes].

    Dense: ``params_total·1e9·b``. MoE: ``(params_total − E·p + n(B)·p)·1e9·b``
    (see :func:`expected_experts`, :func:`routed_expert_b`). A model marked MoE
    (active < total) whose experts are not known counts every expert: an upper
    bound on the bytes.

    Args:
        spec: the architecture.
        batch: B [sequences].
        bytes_per_param: b [bytes per weight].
    """
    if not spec.is_moe:
        return spec.params_total_b * _GB * bytes_per_param
    p = routed_expert_b(spec)
    e, k = float(spec.experts), float(spec.experts_per_token)  # type: ignore[arg-type]
    shared = spec.params_total_b - e * p
    return (shared + expected_experts(e, k, batch) * p) * _GB * bytes_per_param


def kv_bytes_per_token(spec: ModelSpec, kv_bytes_per_value: float) -> float:
    """KV-cache bytes of one token of context, over all layers [bytes/token].

    GQA: ``layers·2·kv_heads·head_dim·kv_bytes``; MLA: ``layers·(kv_lora_rank +
    qk_rope_head_dim)·kv_bytes``; ``layers`` is ``kv_layers`` when the model keeps a
    full KV cache in only some of its layers.

    Raises:
        ScenarioError: when the figures needed are missing.
    """
    section = ModelSpec.SECTION
    if spec.layers is None:
        raise ScenarioError(f"{section}.layers", None, "is needed to size the KV cache")
    layers = spec.kv_layers or spec.layers
    if spec.is_mla:
        latent = spec.kv_lora_rank + spec.qk_rope_head_dim  # type: ignore[operator]
        return layers * latent * kv_bytes_per_value
    for name in ("kv_heads", "head_dim"):
        if getattr(spec, name) is None:
            raise ScenarioError(
                f"{section}.{name}",
                None,
                "is needed to size the KV cache (or kv_lora_rank and qk_rope_head_dim for MLA)",
            )
    return layers * 2 * spec.kv_heads * spec.head_dim * kv_bytes_per_value  # type: ignore[operator]


def kv_known(spec: ModelSpec) -> bool:
    """Whether the KV cache per token can be counted (layers, and heads or the MLA latent)."""
    if spec.layers is None:
        return False
    return spec.is_mla or (spec.kv_heads is not None and spec.head_dim is not None)


def kv_basis(spec: ModelSpec) -> str:
    """How the KV cache per token was counted, in words."""
    layers = spec.kv_layers or spec.layers
    of = f" (of {spec.layers})" if spec.kv_layers and spec.kv_layers != spec.layers else ""
    if spec.is_mla:
        return (
            f"MLA latent: {layers} layers{of} × ({spec.kv_lora_rank} kv_lora_rank + "
            f"{spec.qk_rope_head_dim} rotary) values per token"
        )
    return f"{layers} layers{of} × 2 × {spec.kv_heads} KV heads × {spec.head_dim} values per token"


# --------------------------------------------------------------------------- #
# Decode step and prefill
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Hardware(Record):
    """What one replica runs on: g GPUs and their datasheet peaks.

    Attributes:
        gpus: g, GPUs in the replica (tensor parallel).
        bandwidth_tbps: memory bandwidth per GPU [TB/s].
        dense_tflops: dense matrix throughput per GPU at the precision used [TFLOPS];
            None when unknown (the compute limit is then not checked).
        memory_gb: memory per GPU [GB].
    """

    gpus: int
    bandwidth_tbps: float
    dense_tflops: float | None
    memory_gb: float


@dataclass(frozen=True, slots=True)
class DecodeStep(Record):
    """One decode step of a batch: what it reads and how long it takes.

    Attributes:
        batch: B [sequences]; context_tokens: C [tokens per sequence].
        weight_bytes: weights read [bytes]; kv_bytes: KV cache read, B·C·per token [bytes].
        bytes: weight_bytes + kv_bytes [bytes].
        experts_read: n(B), distinct experts per MoE layer (None: dense).
        flops: 2·params_active·1e9·B [FLOP].
        step_s: step time [s] (TPOT).
        tok_s: B/step [output tok/s].
        bound: what sets the point step time: ``bandwidth`` or ``compute``.
    """

    batch: int
    context_tokens: int
    weight_bytes: float
    kv_bytes: float
    bytes: float
    experts_read: float | None
    flops: float
    step_s: Span
    tok_s: Span
    bound: str


def _step_seconds(
    bytes_: float, flops: float, hw: Hardware, fraction: float, efficiency: float
) -> tuple[float, str]:
    memory = bytes_ / (hw.gpus * hw.bandwidth_tbps * _TB * fraction)
    if hw.dense_tflops is None:
        return memory, "bandwidth"
    compute = flops / (hw.gpus * hw.dense_tflops * _TFLOPS * efficiency)
    return (memory, "bandwidth") if memory >= compute else (compute, "compute")


def decode_step(
    spec: ModelSpec,
    hw: Hardware,
    *,
    batch: int,
    context_tokens: int,
    bytes_per_param: float,
    kv_bytes_per_value: float,
    bandwidth: Efficiency = BANDWIDTH_FRACTION,
    compute: Efficiency = COMPUTE_EFFICIENCY,
) -> DecodeStep:
    """Bytes, FLOPs and time of one decode step.

    ``bytes = weights_read(B) + B·C·kv_per_token`` [bytes];
    ``t = max(bytes/(g·bandwidth·f), 2·params_active·1e9·B/(g·dense_flops·e))`` [s];
    ``tok/s = B/t``. The low throughput takes the low f and e, the high the high ones.

    Args:
        spec: the architecture.
        hw: the replica's GPUs.
        batch: B, sequences decoded together (>= 1).
        context_tokens: C, tokens each sequence attends to (>= 1).
        bytes_per_param: weight precision [bytes per weight].
        kv_bytes_per_value: KV-cache precision [bytes per value].
        bandwidth: the achievable bandwidth fraction.
        compute: the achievable compute efficiency.

    Raises:
        ScenarioError: when a figure needed is missing or out of range.
    """
    if batch < 1 or context_tokens < 1:
        raise ScenarioError("batch", (batch, context_tokens), "batch and context must be >= 1")
    weights = weight_bytes_read(spec, batch, bytes_per_param)
    kv = batch * context_tokens * kv_bytes_per_token(spec, kv_bytes_per_value)
    total = weights + kv
    flops = 2.0 * spec.active_b * _GB * batch
    slow, _ = _step_seconds(total, flops, hw, bandwidth.low, compute.low)
    point, bound = _step_seconds(total, flops, hw, bandwidth.point, compute.point)
    fast, _ = _step_seconds(total, flops, hw, bandwidth.high, compute.high)
    experts = (
        expected_experts(float(spec.experts), float(spec.experts_per_token), batch)  # type: ignore[arg-type]
        if spec.is_moe
        else None
    )
    return DecodeStep(
        batch=batch,
        context_tokens=context_tokens,
        weight_bytes=weights,
        kv_bytes=kv,
        bytes=total,
        experts_read=experts,
        flops=flops,
        step_s=Span(fast, point, slow),
        tok_s=Span(batch / slow, batch / point, batch / fast),
        bound=bound,
    )


def prefill_seconds(
    spec: ModelSpec,
    hw: Hardware,
    input_tokens: float,
    compute: Efficiency = COMPUTE_EFFICIENCY,
) -> Span:
    """Time to prefill one request's prompt [s].

    ``S = 2·params_active·1e9·I/(g·dense_flops·e)`` (matrix FLOPs; attention's
    I² terms left out).

    Raises:
        ScenarioError: when the GPU's dense FLOPS are unknown.
    """
    if hw.dense_tflops is None:
        raise ScenarioError(
            "self_hosted.gpu_spec.dense_tflops", None, "is needed to estimate the prefill time"
        )
    work = 2.0 * spec.active_b * _GB * input_tokens
    peak = hw.gpus * hw.dense_tflops * _TFLOPS
    return Span(
        work / (peak * compute.high), work / (peak * compute.point), work / (peak * compute.low)
    )


@dataclass(frozen=True, slots=True)
class QueueWait(Record):
    """Waiting for the prefill server: M/D/1.

    Attributes:
        load: ρ = λ·S, the share of time the replica spends prefilling.
        mean_s: ``ρ·S/(2·(1 − ρ))`` [s].
        p95_s: ``S·ln(20·ρ)/(2·(1 − ρ))`` for ρ > 0.05, else 0 [s].
    """

    load: float
    mean_s: float
    p95_s: float


def md1_wait(arrivals_per_s: float, service_s: float) -> QueueWait:
    """Wait before prefill at a replica receiving Poisson arrivals (M/D/1).

    ``ρ = λ·S``; mean wait ``ρ·S/(2·(1 − ρ))`` (Pollaczek–Khinchine) [s]; p95 wait
    from the exponential tail ``P(wait > t) = ρ·exp(−2·(1 − ρ)·t/S)`` (Kingman):
    ``S·ln(20·ρ)/(2·(1 − ρ))`` when ρ > 0.05, else 0 [s].

    Args:
        arrivals_per_s: λ [requests/s per replica].
        service_s: S, prefill time of one request [s].

    Raises:
        ScenarioError: when ρ >= 1 (the queue grows without bound).
    """
    rho = arrivals_per_s * service_s
    if rho >= 1:
        raise ScenarioError(
            "workload.requests_per_month",
            round(rho, 3),
            "prefill load per replica reaches 100%: the queue grows without bound",
        )
    mean = rho * service_s / (2 * (1 - rho))
    p95 = service_s * math.log(20 * rho) / (2 * (1 - rho)) if rho > 0.05 else 0.0
    return QueueWait(rho, mean, p95)


def max_load_for_ttft(service_s: float, ttft_s: float) -> float:
    """The highest prefill load ρ whose p95 TTFT ``S + p95 wait(ρ)`` stays within a target.

    The p95 wait is 0 up to ρ = 0.05 and rises with ρ beyond, so a bisection on
    ρ in [0.05, 1) finds the largest ρ with ``S·ln(20·ρ)/(2·(1 − ρ)) <= target − S``.

    Args:
        service_s: S [s].
        ttft_s: the p95 TTFT target [s].

    Returns:
        ρ_max in [0.05, 1); 0 when S alone reaches the target.
    """
    if service_s >= ttft_s:
        return 0.0
    budget = ttft_s - service_s
    lo, hi = 0.05, 1.0 - 1e-12  # the wait at lo is 0 (within budget); at hi it is unbounded
    for _ in range(60):
        mid = (lo + hi) / 2
        if service_s * math.log(20 * mid) / (2 * (1 - mid)) <= budget:
            lo = mid
        else:
            hi = mid
    return lo


# --------------------------------------------------------------------------- #
# One replica at a latency target
# --------------------------------------------------------------------------- #

Limit = Literal["memory", "latency", "bandwidth", "compute"]


@dataclass(frozen=True, slots=True)
class ReplicaPlan(Record):
    """The largest batch one replica can run within memory and the latency target.

    Attributes:
        gpus: g [GPUs per replica].
        batch: B, sequences decoded together [sequences].
        limit: what bound the replica: ``memory`` (the KV cache of one more sequence
            does not fit), ``latency`` (one more sequence misses the TPOT target, or
            the load is capped to meet the TTFT target), else what sets the step
            time at the planned batch: ``bandwidth`` or ``compute``.
        limit_detail: the same in words, with the figures.
        memory_batch: the most sequences whose KV cache fits beside the weights.
        latency_batch: the most sequences meeting the TPOT target (None: no target).
        planned_batch: the batch the scenario plans (None: chosen here).
        context_tokens: C [tokens per sequence].
        step: the decode step at B.
        prefill_s: S, prefill time of one request [s] (None: the GPU's dense FLOPS
            or the request's tokens are unknown, so prefill is neither timed nor counted).
        tok_s: T, output tokens/s the replica sustains, prefill time included and
            the load capped to meet the TTFT target [tok/s].
        decode_tok_s: B/step, decode alone [tok/s].
        tpot_ms: time per output token ≈ step time [ms].
        ttft_ms: p95 time to first token at the planned peak load [ms] (None: not timed).
        ttft_load: ρ, prefill share of the replica's time at the planned peak load.
        target: the latency target applied.
        weights_gb, kv_cache_gb, overhead_gb, required_gb: memory at B [GB].
        basis: what the estimate rests on, in words.
    """

    gpus: int
    batch: int
    limit: Limit
    limit_detail: str
    memory_batch: int
    latency_batch: int | None
    planned_batch: int | None
    context_tokens: int
    step: DecodeStep
    prefill_s: Span | None
    tok_s: Span
    decode_tok_s: Span
    tpot_ms: Span
    ttft_ms: Span | None
    ttft_load: float | None
    target: LatencyTarget
    weights_gb: float
    kv_cache_gb: float
    overhead_gb: float
    required_gb: float
    basis: str


@dataclass(frozen=True, slots=True)
class Serving(Record):
    """How the replica is run: precision, context, planned batch and load.

    Attributes:
        bytes_per_param: weight precision [bytes per weight].
        kv_bytes_per_value: KV-cache precision [bytes per value].
        context_tokens: C, tokens each sequence holds [tokens].
        overhead_share: activations and runtime as a share of weights + KV [0–1].
        input_tokens: I, prompt tokens per request [tokens] (None: prefill not counted).
        output_tokens: O, generated tokens per request [tokens] (None: prefill not counted).
        utilisation: u, the share of capacity used at peak (0–1].
        planned_batch: the batch the operator plans (None: the largest that fits
            and meets the target).
    """

    bytes_per_param: float
    kv_bytes_per_value: float
    context_tokens: int
    overhead_share: float
    input_tokens: float | None
    output_tokens: float | None
    utilisation: float
    planned_batch: int | None = None


def memory_batch(spec: ModelSpec, hw: Hardware, serving: Serving) -> int:
    """The most sequences whose KV cache fits beside the weights on g GPUs [sequences].

    ``floor((g·memory/(1 + overhead) − weights)/(C·kv_per_token))``, weights at
    ``params_total·1e9·b`` (every expert is resident) [bytes]; 0 when not even one fits.
    """
    weights = spec.params_total_b * _GB * serving.bytes_per_param
    per_sequence = serving.context_tokens * kv_bytes_per_token(spec, serving.kv_bytes_per_value)
    room = hw.gpus * hw.memory_gb * _GB / (1 + serving.overhead_share) - weights
    if room <= 0:
        return 0
    return max(0, math.floor(room / per_sequence + 1e-9))


def _step(spec: ModelSpec, hw: Hardware, serving: Serving, batch: int) -> DecodeStep:
    return decode_step(
        spec,
        hw,
        batch=batch,
        context_tokens=serving.context_tokens,
        bytes_per_param=serving.bytes_per_param,
        kv_bytes_per_value=serving.kv_bytes_per_value,
    )


def _point_step_s(
    spec: ModelSpec, hw: Hardware, serving: Serving, batch: int, kv_per_token: float
) -> float:
    """The point step time of :func:`decode_step`, as one scalar (for searches) [s]."""
    read = weight_bytes_read(spec, batch, serving.bytes_per_param)
    read += batch * serving.context_tokens * kv_per_token
    memory = read / (hw.gpus * hw.bandwidth_tbps * _TB * BANDWIDTH_FRACTION.point)
    if hw.dense_tflops is None:
        return memory
    flops = 2.0 * spec.active_b * _GB * batch
    return max(memory, flops / (hw.gpus * hw.dense_tflops * _TFLOPS * COMPUTE_EFFICIENCY.point))


def _linear_batch(
    spec: ModelSpec, hw: Hardware, serving: Serving, limit_s: float, kv_per_token: float
) -> int:
    """For a dense model, the largest B with both step-time terms within ``limit_s``.

    ``(W + B·C·kv)/(g·bw·f) <= t`` gives ``B <= (t·g·bw·f − W)/(C·kv)``;
    ``2·A·B/(g·F·e) <= t`` gives ``B <= t·g·F·e/(2·A)``.
    """
    weights = spec.params_total_b * _GB * serving.bytes_per_param
    bandwidth = hw.gpus * hw.bandwidth_tbps * _TB * BANDWIDTH_FRACTION.point
    by_bytes = (limit_s * bandwidth - weights) / (serving.context_tokens * kv_per_token)
    best = by_bytes
    if hw.dense_tflops is not None:
        flops = hw.gpus * hw.dense_tflops * _TFLOPS * COMPUTE_EFFICIENCY.point
        best = min(best, limit_s * flops / (2.0 * spec.active_b * _GB))
    return math.floor(best) if best < 1e12 else 0


def latency_batch(
    spec: ModelSpec, hw: Hardware, serving: Serving, tpot_ms: float, most: int
) -> int:
    """The largest batch in [0, most] whose point step time meets the TPOT target.

    Step time rises with B, so a bisection finds it in O(log most) steps.
    """
    limit_s = tpot_ms / 1000
    kv = kv_bytes_per_token(spec, serving.kv_bytes_per_value)

    def meets(b: int) -> bool:
        return _point_step_s(spec, hw, serving, b, kv) <= limit_s

    if most < 1 or not meets(1):
        return 0
    if meets(most):
        return most
    lo, hi = 1, most  # meets(lo), not meets(hi)
    if not spec.is_moe:  # both step-time terms are linear in B: solve, then confirm
        guess = _linear_batch(spec, hw, serving, limit_s, kv)
        if 1 <= guess < most and meets(guess) and not meets(guess + 1):
            return guess
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if meets(mid):
            lo = mid
        else:
            hi = mid
    return lo


def _effective(decode: float, prefill_s: float, output_tokens: float) -> float:
    """Output tok/s with each request's prefill time counted: ``O/(S + O/T_decode)``."""
    return output_tokens / (prefill_s + output_tokens / decode)


def _with_prefill(
    decode: Span, prefill: Span, serving: Serving, target: LatencyTarget, hw: Hardware
) -> tuple[Span, Span, float, str]:
    """Throughput with prefill time counted and the load capped for the TTFT target.

    Returns:
        (T [tok/s], p95 TTFT at the planned peak [ms], prefill load ρ at the point,
        why the TTFT target capped the load or "").
    """
    out, u = float(serving.output_tokens or 0), serving.utilisation
    # The low throughput pairs with the slow prefill, the high with the fast one.
    ends = [
        [_effective(decode.low, prefill.high, out), prefill.high],
        [_effective(decode.point, prefill.point, out), prefill.point],
        [_effective(decode.high, prefill.low, out), prefill.low],
    ]
    uncapped = ends[1][0]
    detail = ""
    if target.ttft_ms is not None:
        for end in ends:
            t, s = end
            if (s + md1_wait(u * t / out, s).p95_s) * 1000 <= target.ttft_ms:
                continue  # met at the full planned load: no cap
            rho = max_load_for_ttft(s, target.ttft_ms / 1000)
            if rho <= 0:
                raise ScenarioError(
                    "self_hosted.target_ttft_ms",
                    target.ttft_ms,
                    f"cannot be met: prefilling {serving.input_tokens:,.0f} tokens takes "
                    f"{s * 1000:,.0f} ms on {hw.gpus} GPU(s)",
                )
            end[0] = min(t, out * rho / (s * u))
        if ends[1][0] < uncapped:
            detail = (
                f"TTFT target {target.ttft_ms:g} ms (p95): prefill queueing caps the load at "
                f"{ends[1][0]:,.0f} of {uncapped:,.0f} tok/s"
            )
    waits = [md1_wait(u * t / out, s) for t, s in ends]
    ttft = [(s + w.p95_s) * 1000 for (_, s), w in zip(ends, waits, strict=True)]
    tok = Span(ends[0][0], ends[1][0], ends[2][0])
    return tok, Span(ttft[2], ttft[1], ttft[0]), waits[1].load, detail


@functools.lru_cache(maxsize=512)
def plan_replica(
    spec: ModelSpec, hw: Hardware, serving: Serving, target: LatencyTarget
) -> ReplicaPlan:
    """The largest batch that fits memory and meets the latency target, and its throughput.

    1. ``B_mem`` (:func:`memory_batch`) and ``B_lat`` (:func:`latency_batch`, TPOT);
       ``B = min(planned or B_mem, B_mem, B_lat)``.
    2. Decode at B (:func:`decode_step`), prefill S (:func:`prefill_seconds`);
       ``T = O/(S + O/T_decode)`` [output tok/s]: each request occupies the replica
       for its prefill and its share of the decode steps.
    3. At the planned peak the replica receives ``λ = u·T/O`` requests/s; the p95
       TTFT is ``S + p95 wait`` (:func:`md1_wait`). When that misses the TTFT
       target, the load is capped at ``ρ_max`` (:func:`max_load_for_ttft`):
       ``T = O·ρ_max/(S·u)``.

    Args:
        spec: the architecture.
        hw: the replica's GPUs.
        serving: precision, context, load and planned batch.
        target: the TPOT and TTFT targets.

    Returns:
        The plan, with what bound it.

    Raises:
        ModelDoesNotFitError: not even one sequence fits beside the weights.
        ScenarioError: the TPOT target cannot be met with one sequence, or the TTFT
            target not even without queueing.

    Pure, so its results are remembered (inputs are frozen): a tornado or a slider
    that moves prices or volumes does not plan the replica again.
    """
    fits = memory_batch(spec, hw, serving)
    if fits < 1:
        weights = spec.params_total_b * serving.bytes_per_param
        raise ModelDoesNotFitError(
            "self_hosted.gpus_per_replica",
            hw.gpus,
            f"{hw.gpus} GPU(s) of {hw.memory_gb:g} GB hold {hw.gpus * hw.memory_gb:g} GB: not "
            f"enough for {weights:,.1f} GB of weights, one sequence of "
            f"{serving.context_tokens:,} tokens and {serving.overhead_share:.0%} overhead",
        )
    cap = min(fits, serving.planned_batch) if serving.planned_batch else fits
    by_latency: int | None = None
    if target.tpot_ms is not None:
        by_latency = latency_batch(spec, hw, serving, target.tpot_ms, cap)
        if by_latency < 1:
            one = _step(spec, hw, serving, 1).step_s.point * 1000
            raise ScenarioError(
                "self_hosted.target_tpot_ms",
                target.tpot_ms,
                f"cannot be met: one sequence takes {one:,.1f} ms per token on {hw.gpus} GPU(s) "
                "(more GPUs per replica, a smaller precision or a shorter context would help)",
            )
    batch = cap if by_latency is None else min(cap, by_latency)
    step = _step(spec, hw, serving, batch)
    kv = kv_bytes_per_token(spec, serving.kv_bytes_per_value)
    if by_latency is not None and by_latency < cap:
        limit: Limit = "latency"
        detail = (
            f"TPOT target {target.tpot_ms:g} ms: {batch + 1} sequences would take "
            f"{_point_step_s(spec, hw, serving, batch + 1, kv) * 1000:,.1f} ms per token"
        )
    elif serving.planned_batch is None or fits < serving.planned_batch:
        limit = "memory"
        detail = (
            f"{fits} sequences of {serving.context_tokens:,} tokens fill "
            f"{hw.gpus} × {hw.memory_gb:g} GB beside the weights"
        )
    else:
        limit = "bandwidth" if step.bound == "bandwidth" else "compute"
        detail = (
            f"the planned batch of {batch} fits and meets the target; each step is "
            f"{'memory-bandwidth' if step.bound == 'bandwidth' else 'compute'}-bound"
        )
    prefill: Span | None = None
    ttft_ms: Span | None = None
    load: float | None = None
    tok = step.tok_s
    if (
        hw.dense_tflops is not None
        and serving.input_tokens is not None
        and serving.output_tokens is not None
    ):
        prefill = prefill_seconds(spec, hw, serving.input_tokens)
        tok, ttft_ms, load, capped_detail = _with_prefill(step.tok_s, prefill, serving, target, hw)
        if capped_detail:
            limit, detail = "latency", capped_detail
    weights_gb = spec.params_total_b * serving.bytes_per_param
    kv_gb = (
        batch * serving.context_tokens * kv_bytes_per_token(spec, serving.kv_bytes_per_value) / _GB
    )
    overhead_gb = (weights_gb + kv_gb) * serving.overhead_share
    basis = (
        f"decode model: per step {step.weight_bytes / _GB:,.1f} GB of weights"
        + (
            f" ({step.experts_read:,.1f} of {spec.experts} experts per MoE layer at batch {batch})"
            if step.experts_read is not None
            else ""
        )
        + (
            " (experts per layer unknown: every expert counted, an upper bound on the bytes)"
            if spec.active_b < spec.params_total_b and not spec.is_moe
            else ""
        )
        + f" + {step.kv_bytes / _GB:,.1f} GB of KV cache ({kv_basis(spec)}) read at "
        f"{BANDWIDTH_FRACTION.low:.2f}–{BANDWIDTH_FRACTION.high:.2f} of {hw.gpus} × "
        f"{hw.bandwidth_tbps:g} TB/s (measured fraction)"
        + (
            f"; prefill at {COMPUTE_EFFICIENCY.low:.2f}–{COMPUTE_EFFICIENCY.high:.2f} of dense "
            "FLOPS (estimate)"
            if prefill is not None
            else "; prefill not counted"
        )
    )
    return ReplicaPlan(
        gpus=hw.gpus,
        batch=batch,
        limit=limit,
        limit_detail=detail,
        memory_batch=fits,
        latency_batch=by_latency,
        planned_batch=serving.planned_batch,
        context_tokens=serving.context_tokens,
        step=step,
        prefill_s=prefill,
        tok_s=tok,
        decode_tok_s=step.tok_s,
        tpot_ms=step.step_s.scaled(1000),
        ttft_ms=ttft_ms,
        ttft_load=load,
        target=target,
        weights_gb=weights_gb,
        kv_cache_gb=kv_gb,
        overhead_gb=overhead_gb,
        required_gb=weights_gb + kv_gb + overhead_gb,
        basis=basis,
    )


def ttft_at_load(plan: ReplicaPlan, requests_per_s: float) -> Span | None:
    """p95 TTFT [ms] when the replica receives ``requests_per_s`` prefills per second.

    ``S + p95 wait`` (:func:`md1_wait`) at each end of the prefill range; None
    when the prefill is not timed.

    Raises:
        ScenarioError: when the prefill load reaches 100%.
    """
    if plan.prefill_s is None:
        return None
    ends = []
    for s in (plan.prefill_s.low, plan.prefill_s.point, plan.prefill_s.high):
        ends.append((s + md1_wait(requests_per_s, s).p95_s) * 1000)
    return Span(ends[0], ends[1], ends[2])


def replica_sizes(smallest: int, most: int) -> tuple[int, ...]:
    """Replica sizes to try: the powers of two in [smallest, most], and smallest itself.

    Serving engines split attention heads evenly across the GPUs of a replica, and
    head counts are multiples of powers of two; ``smallest`` (the memory fit) is
    kept even when it is not one, as a replica of that size was always allowed.
    """
    sizes = {smallest}
    g = 1
    while g <= most:
        if g >= smallest:
            sizes.add(g)
        g *= 2
    return tuple(sorted(sizes))


def cheapest_plan(
    spec: ModelSpec,
    hw: Hardware,
    serving: Serving,
    target: LatencyTarget,
    most_gpus: int,
    replicas_for: Callable[[float], int] | None = None,
) -> ReplicaPlan:
    """The replica size that serves the load on the fewest GPUs.

    Each size g of :func:`replica_sizes` (from ``hw.gpus``, the smallest that holds
    the weights, to ``most_gpus``) is planned with :func:`plan_replica`. The winner
    minimises ``g·replicas_for(T)`` [GPUs], else ``g/T`` [GPUs per output tok/s]
    when no load is given; ties go to the higher throughput per GPU, then to fewer
    GPUs. Sizes that cannot hold one sequence or meet the target are skipped.

    Args:
        spec, hw, serving, target: as for :func:`plan_replica` (``hw.gpus`` is the
            smallest size tried).
        most_gpus: the largest replica allowed [GPUs].
        replicas_for: replicas needed for the planned peak at throughput T
            (None: rank by GPUs per token/s alone).

    Raises:
        ModelDoesNotFitError, ScenarioError: when no size works (the last size's error).
    """
    best: tuple[float, float, int] | None = None
    chosen: ReplicaPlan | None = None
    error: ScenarioError | None = None
    for g in replica_sizes(hw.gpus, max(hw.gpus, most_gpus)):
        try:
            plan = plan_replica(spec, _with_gpus(hw, g), serving, target)
        except ScenarioError as exc:
            error = exc
            continue
        per_token = g / plan.tok_s.point
        total = g * replicas_for(plan.tok_s.point) if replicas_for else per_token
        key = (total, round(per_token, 12), g)
        if best is None or key < best:
            best, chosen = key, plan
    if chosen is None:
        assert error is not None
        raise error
    return chosen


def _with_gpus(hw: Hardware, gpus: int) -> Hardware:
    return Hardware(gpus, hw.bandwidth_tbps, hw.dense_tflops, hw.memory_gb)
