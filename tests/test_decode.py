"""The decode model: bytes per step by hand, the expected-experts formula, the measured H200
points within ±25%, latency and the batch a latency target allows."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from analysis.decode import (
    BANDWIDTH_FRACTION,
    COMPUTE_EFFICIENCY,
    DEFAULT_TARGET,
    Hardware,
    LatencyTarget,
    ModelSpec,
    Serving,
    cheapest_plan,
    decode_step,
    expected_experts,
    kv_bytes_per_token,
    max_load_for_ttft,
    md1_wait,
    memory_batch,
    plan_replica,
    prefill_seconds,
    replica_sizes,
    routed_expert_b,
    weight_bytes_read,
)
from analysis.errors import ModelDoesNotFitError, ScenarioError

REPO = Path(__file__).resolve().parent.parent
MEASUREMENTS = REPO / "datasets" / "decode_measurements.csv"
BYTES = {"bf16": 2.0, "fp8": 1.0}

#: Llama-3.1-8B's shape (meta-llama/llama-models MODEL_CARD; 8.03B parameters counted from
#: the shape in reference/measured/decode_roofline.py).
LLAMA_8B = ModelSpec(8.03, layers=32, kv_heads=8, head_dim=128)
#: DeepSeek-V3's shape: 671B total / 37B active (deepseek-ai/DeepSeek-V3 README); 61 layers,
#: 256 routed experts top-8, MLA with kv_lora_rank 512 and a 64-dim rotary key
#: (THUDM/slime scripts/models/deepseek-v3.sh@624b824a, mirroring the model's config).
DEEPSEEK_V3 = ModelSpec(
    671, 37, layers=61, kv_lora_rank=512, qk_rope_head_dim=64, experts=256, experts_per_token=8
)
H200 = Hardware(gpus=1, bandwidth_tbps=4.8, dense_tflops=989.5, memory_gb=141)


def _gpus() -> dict[str, dict[str, str]]:
    with (REPO / "datasets" / "gpus.csv").open(newline="") as f:
        return {r["gpu_id"]: r for r in csv.DictReader(f)}


def _measurements() -> list[dict[str, str]]:
    with MEASUREMENTS.open(newline="") as f:
        return list(csv.DictReader(f))


def _estimate(row: dict[str, str]):
    gpu = _gpus()[row["gpu_id"]]
    quant = row["quantisation"]
    flops = gpu["fp8_dense_tflops"] if quant == "fp8" else gpu["bf16_dense_tflops"]
    hw = Hardware(1, float(gpu["mem_bandwidth_tbps"]), float(flops), float(gpu["memory_gb"]))
    spec = ModelSpec(
        float(row["params_total_b"]),
        layers=int(row["layers"]),
        kv_heads=int(row["kv_heads"]),
        head_dim=int(row["head_dim"]),
    )
    return decode_step(
        spec,
        hw,
        batch=int(row["batch"]),
        context_tokens=int(row["context_tokens"]),
        bytes_per_param=BYTES[quant],
        kv_bytes_per_value=float(row["kv_bytes_per_value"]),
    )


# --------------------------------------------------------------------------- bytes by hand


def test_dense_bytes_per_step_by_hand():
    # Llama-3.1-8B, bf16, batch 64 at 2,048 tokens:
    # weights 8.03e9 × 2 = 16.06e9 bytes;
    # KV 64 × 2048 × (32 layers × 2 × 8 heads × 128 × 2 bytes = 131,072) = 17,179,869,184 bytes.
    step = decode_step(
        LLAMA_8B, H200, batch=64, context_tokens=2048, bytes_per_param=2, kv_bytes_per_value=2
    )
    assert step.weight_bytes == pytest.approx(16.06e9, rel=1e-12)
    assert step.kv_bytes == 17_179_869_184
    assert step.bytes == pytest.approx(16.06e9 + 17_179_869_184, rel=1e-12)
    assert step.experts_read is None
    # The measurement script counted the same KV cache: 17.18 GB (reference/measured README).
    assert step.kv_bytes / 1e9 == pytest.approx(17.18, abs=0.005)
    # Point step time: bytes / (4.8e12 × √(0.57·0.83)) s.
    point = (16.06e9 + 17_179_869_184) / (4.8e12 * math.sqrt(0.57 * 0.83))
    assert step.step_s.point == pytest.approx(point, rel=1e-12)
    assert step.tok_s.point == pytest.approx(64 / point, rel=1e-12)
    assert step.bound == "bandwidth"


def test_moe_bytes_per_step_by_hand():
    # A toy MoE: 10B total, 4B active, 4 experts, top-1. One expert over all layers:
    # p = (10 − 4)/(4 − 1) = 2B; shared part 10 − 4·2 = 2B. Batch 2 routes to
    # 4·(1 − (3/4)²) = 1.75 experts: weights read (2 + 1.75·2)B = 5.5B at 1 byte = 5.5e9.
    toy = ModelSpec(10, 4, layers=2, kv_heads=1, head_dim=4, experts=4, experts_per_token=1)
    assert routed_expert_b(toy) == pytest.approx(2.0)
    assert weight_bytes_read(toy, 2, 1.0) == pytest.approx(5.5e9, rel=1e-12)
    assert weight_bytes_read(toy, 1, 1.0) == pytest.approx(4e9, rel=1e-12)  # = active
    # KV: 2 layers × 2 × 1 head × 4 × 2 bytes = 32 bytes per token; 2 × 100 tokens → 6,400.
    step = decode_step(
        toy, H200, batch=2, context_tokens=100, bytes_per_param=1, kv_bytes_per_value=2
    )
    assert step.kv_bytes == 6_400
    assert step.bytes == pytest.approx(5.5e9 + 6_400, rel=1e-12)
    assert step.experts_read == pytest.approx(1.75)


def test_deepseek_v3_bytes_per_step_by_hand():
    # One routed expert over all MoE layers: p = (671 − 37)/(256 − 8) = 2.556452B params.
    p = (671 - 37) / 248
    assert routed_expert_b(DEEPSEEK_V3) == pytest.approx(2.556452, rel=1e-6)
    # Cross-check with the config: 58 MoE layers × 3 matrices × 7168 × 2048 = 2.554331B,
    # 0.08% apart (the 671B and 37B are rounded).
    assert p == pytest.approx(58 * 3 * 7168 * 2048 / 1e9, rel=1e-3)
    shared = 671 - 256 * p  # 16.548B: attention, dense layers, shared experts, embeddings
    # MLA cache: 61 layers × (512 + 64) × 2 bytes = 70,272 bytes per token.
    assert kv_bytes_per_token(DEEPSEEK_V3, 2) == 70_272
    # Batch 64: 256·(1 − (1 − 8/256)^64) = 222.44 experts (87%), weights at fp8:
    n = 256 * (1 - (248 / 256) ** 64)
    assert n == pytest.approx(222.44, abs=0.01)
    step = decode_step(
        DEEPSEEK_V3,
        Hardware(8, 4.8, 1979, 141),
        batch=64,
        context_tokens=4096,
        bytes_per_param=1,
        kv_bytes_per_value=2,
    )
    assert step.experts_read == pytest.approx(n, rel=1e-12)
    assert step.weight_bytes == pytest.approx((shared + n * p) * 1e9, rel=1e-12)
    assert step.kv_bytes == 64 * 4096 * 70_272
    # "Active parameters" would have counted 37 GB; the batch reads ~585 GB of weights.
    assert step.weight_bytes / 1e9 == pytest.approx(585.2, abs=0.5)
    # One sequence reads exactly the active parameters.
    assert weight_bytes_read(DEEPSEEK_V3, 1, 1) == pytest.approx(37e9, rel=1e-12)


def test_expected_experts_at_one_and_at_large_batch():
    assert expected_experts(256, 8, 1) == 8  # B = 1: exactly k
    assert expected_experts(64, 6, 1) == pytest.approx(6, rel=1e-15)
    assert expected_experts(256, 8, 0) == 0
    assert expected_experts(256, 8, 10_000) == pytest.approx(256, rel=1e-12)  # → E
    values = [expected_experts(256, 8, b) for b in (1, 2, 8, 64, 512)]
    assert values == sorted(values) and values[-1] < 256
    with pytest.raises(ScenarioError, match="experts_per_token"):
        expected_experts(8, 9, 1)


def test_architecture_checks_name_the_field():
    with pytest.raises(ScenarioError, match="model_spec.experts_per_token"):
        ModelSpec(10, 4, experts=4)
    with pytest.raises(ScenarioError, match="model_spec.qk_rope_head_dim"):
        ModelSpec(10, kv_lora_rank=512)
    with pytest.raises(ScenarioError, match="cannot exceed experts"):
        ModelSpec(10, 4, experts=4, experts_per_token=5)
    with pytest.raises(ScenarioError, match="params_active_b"):
        ModelSpec(10, 10, experts=4, experts_per_token=1)
    with pytest.raises(ScenarioError, match="kv_layers"):
        ModelSpec(10, 4, layers=2, kv_layers=3)
    with pytest.raises(ScenarioError, match="kv_heads"):
        kv_bytes_per_token(ModelSpec(8, layers=32), 2)


# --------------------------------------------------------------------------- the measured H200


def test_measured_points_within_25_percent():
    """Every measured H200 point, one bandwidth fraction pair for all (not fitted per point)."""
    rows = _measurements()
    assert len(rows) == 14
    for row in rows:
        step = _estimate(row)
        measured = float(row["tok_s"])
        error = step.tok_s.point / measured - 1
        where = f"{row['shape']} {row['quantisation']} B={row['batch']} C={row['context_tokens']}"
        assert abs(error) <= 0.25, f"{where}: estimate {step.tok_s.point:,.0f} vs {measured:,.0f}"
        assert step.tok_s.low <= measured <= step.tok_s.high, where  # the range brackets it
        assert step.bound == "bandwidth", where


def test_bandwidth_fraction_is_the_measured_range():
    """The pair is the lowest and highest measured fraction, rounded outward (not tuned)."""
    fractions = []
    for row in _measurements():
        step = _estimate(row)
        roofline = int(row["batch"]) * 4.8e12 / step.bytes
        fractions.append(float(row["tok_s"]) / roofline)
    assert math.floor(min(fractions) * 100) / 100 == BANDWIDTH_FRACTION.low
    assert math.ceil(max(fractions) * 100) / 100 == BANDWIDTH_FRACTION.high
    assert BANDWIDTH_FRACTION.point == pytest.approx(math.sqrt(0.57 * 0.83))
    assert "measured on one H200, 2026-12-04" in BANDWIDTH_FRACTION.source
    assert "estimate" in COMPUTE_EFFICIENCY.source


def test_measurement_table_matches_the_raw_files(reference_dir: Path):
    """datasets/decode_measurements.csv holds exactly the figures of the two JSON files."""
    measured = reference_dir / "measured"
    raw = json.loads((measured / "h200_decode_2026-12-04.json").read_text())["results"]
    raw += json.loads((measured / "h200_decode_fp8_2026-12-04.json").read_text())
    rows = _measurements()
    assert len(rows) == len(raw)
    for row, item in zip(rows, raw, strict=True):
        assert row["shape"] == item.get("model", item.get("shape"))
        assert row["quantisation"] == item.get("weights", "bf16")
        assert int(row["batch"]) == item["batch"]
        assert int(row["context_tokens"]) == item["ctx"]
        for column in ("ms_per_step", "tok_s", "weight_gb", "kv_gb"):
            assert float(row[column]) == item[column], (row["shape"], column)
        assert row["measured_on"] == "2026-12-04"
        assert row["source"].startswith("this project's measurement: reference/measured/")


def test_measurement_table_shapes_give_its_weight_bytes():
    """params_total_b × bytes matches the script's weight count (fp8: its bf16 head aside)."""
    for row in _measurements():
        counted = float(row["params_total_b"]) * BYTES[row["quantisation"]]
        if row["quantisation"] == "bf16":
            assert counted == pytest.approx(float(row["weight_gb"]), abs=0.01)
        else:  # the 70B script keeps the 2.1B-parameter embedding and head in bf16
            assert counted + 2.101346304 == pytest.approx(float(row["weight_gb"]), abs=0.01)


# --------------------------------------------------------------------------- latency


def test_prefill_time_by_hand():
    # 2 × 70e9 × 1,500 FLOPs on 2 × 1,979 TFLOPS at 0.30 / √0.15 / 0.50.
    spec = ModelSpec(70, layers=80, kv_heads=8, head_dim=128)
    span = prefill_seconds(spec, Hardware(2, 3.35, 1979, 80), 1500)
    work = 2 * 70e9 * 1500
    assert span.high == pytest.approx(work / (2 * 1979e12 * 0.30), rel=1e-12)
    assert span.point == pytest.approx(work / (2 * 1979e12 * math.sqrt(0.15)), rel=1e-12)
    assert span.low == pytest.approx(work / (2 * 1979e12 * 0.50), rel=1e-12)
    with pytest.raises(ScenarioError, match="dense_tflops"):
        prefill_seconds(spec, Hardware(1, 1, None, 80), 10)


def test_md1_queue_by_hand():
    wait = md1_wait(0.5, 1.0)  # ρ = 0.5, S = 1 s
    assert wait.load == 0.5
    assert wait.mean_s == pytest.approx(0.5)  # 0.5·1/(2·0.5)
    assert wait.p95_s == pytest.approx(math.log(10))  # 1·ln(20·0.5)/(2·0.5)
    assert md1_wait(0.01, 1.0).p95_s == 0  # ρ <= 0.05: 95% never wait
    with pytest.raises(ScenarioError, match="without bound"):
        md1_wait(2.0, 0.5)
    # The load cap inverts the p95: at ρ_max the TTFT equals the target.
    rho = max_load_for_ttft(0.2, 1.0)
    assert 0.2 + md1_wait(rho / 0.2, 0.2).p95_s == pytest.approx(1.0, rel=1e-9)
    assert max_load_for_ttft(1.5, 1.0) == 0


# --------------------------------------------------------------------------- sizing


def _serving(context: int, planned: int | None = None, quant: float = 2.0) -> Serving:
    return Serving(
        bytes_per_param=quant,
        kv_bytes_per_value=2,
        context_tokens=context,
        overhead_share=0.10,
        input_tokens=1000,
        output_tokens=500,
        utilisation=0.7,
        planned_batch=planned,
    )


def test_latency_binds():
    # Llama-3.1-8B bf16 on one H200, 2,048-token contexts, TPOT target 10 ms:
    # (16.06e9 + B·2048·131,072)/(4.8e12·√(0.57·0.83)) <= 0.010 s
    # → B <= (0.010·4.8e12·0.68782 − 16.06e9)/268,435,456 = 63.1 → 63.
    # Memory: (141e9/1.1 − 16.06e9)/268,435,456 = 417.7 → 417 sequences fit.
    target = LatencyTarget(tpot_ms=10, source="test")
    plan = plan_replica(LLAMA_8B, H200, _serving(2048), target)
    assert plan.memory_batch == 417
    assert plan.latency_batch == 63
    assert plan.batch == 63
    assert plan.limit == "latency"
    assert plan.tpot_ms.point <= 10 < plan.tpot_ms.high
    assert "TPOT target 10 ms" in plan.limit_detail


def test_memory_binds():
    # Llama-3.3-70B fp8 on one H100 (80 GB), 8,192-token contexts: room for the KV cache
    # 80e9/1.1 − 70e9 = 2.727e9 bytes; one sequence holds 8192 × 327,680 = 2.684e9 → 1.
    spec = ModelSpec(70, layers=80, kv_heads=8, head_dim=128)
    h100 = Hardware(1, 3.35, 1979, 80)
    serving = _serving(8192, quant=1.0)
    assert memory_batch(spec, h100, serving) == 1
    plan = plan_replica(spec, h100, serving, DEFAULT_TARGET)
    assert (plan.batch, plan.limit) == (1, "memory")
    assert plan.required_gb == pytest.approx((70 + 2.68435456) * 1.1)
    # A planned batch that fits and meets the target: the step itself bounds (bandwidth).
    plan = plan_replica(spec, Hardware(2, 3.35, 1979, 80), _serving(8192, 16, 1.0), DEFAULT_TARGET)
    assert (plan.batch, plan.limit) == (16, "bandwidth")
    with pytest.raises(ModelDoesNotFitError, match="not enough"):
        plan_replica(spec, Hardware(1, 3.35, 1979, 40), serving, DEFAULT_TARGET)


def test_ttft_target_caps_the_load():
    # Long prompts (30k tokens) on an 8B model: prefill S ≈ 2·8.03e9·3e4/(989.5e12·0.387)
    # ≈ 1.26 s; a 2 s p95 target allows only a modest prefill load.
    serving = Serving(2, 2, 32768, 0.1, 30_000, 100, 0.7)
    plan = plan_replica(LLAMA_8B, H200, serving, LatencyTarget(ttft_ms=2000, source="t"))
    assert plan.limit == "latency" and "TTFT" in plan.limit_detail
    assert plan.ttft_ms is not None and plan.ttft_ms.point == pytest.approx(2000, rel=1e-6)
    free = plan_replica(LLAMA_8B, H200, serving, LatencyTarget(source="no target"))
    assert plan.tok_s.point < free.tok_s.point
    with pytest.raises(ScenarioError, match="target_ttft_ms"):
        plan_replica(LLAMA_8B, H200, serving, LatencyTarget(ttft_ms=500, source="t"))


def test_tpot_target_out_of_reach():
    with pytest.raises(ScenarioError, match="target_tpot_ms.*one sequence takes"):
        plan_replica(LLAMA_8B, H200, _serving(2048), LatencyTarget(tpot_ms=1, source="t"))


def test_prefill_is_counted_in_the_replica_throughput():
    plan = plan_replica(LLAMA_8B, H200, _serving(2048, 32), DEFAULT_TARGET)
    assert plan.prefill_s is not None
    s, t = plan.prefill_s.point, plan.decode_tok_s.point
    assert plan.tok_s.point == pytest.approx(500 / (s + 500 / t), rel=1e-12)  # O/(S + O/T)
    assert plan.tok_s.low <= plan.tok_s.point <= plan.tok_s.high
    # Without a FLOPS figure the prefill is neither timed nor counted.
    no_flops = plan_replica(
        LLAMA_8B, Hardware(1, 4.8, None, 141), _serving(2048, 32), DEFAULT_TARGET
    )
    assert no_flops.prefill_s is None and no_flops.ttft_ms is None
    assert no_flops.tok_s == no_flops.decode_tok_s


def test_cheapest_replica_size():
    assert replica_sizes(1, 8) == (1, 2, 4, 8)
    assert replica_sizes(3, 8) == (3, 4, 8)
    spec = ModelSpec(70, layers=80, kv_heads=8, head_dim=128)
    serving = _serving(8192, quant=1.0)
    # Per token, a bigger replica holds more sequences beside one copy of the weights.
    big = cheapest_plan(spec, Hardware(1, 3.35, 1979, 80), serving, DEFAULT_TARGET, 8)
    assert big.gpus == 8
    # A load one replica of any size serves goes on the fewest GPUs: the 1-GPU replica.
    small = cheapest_plan(
        spec, Hardware(1, 3.35, 1979, 80), serving, DEFAULT_TARGET, 8, lambda t: 1
    )
    assert small.gpus == 1


def test_hybrid_attention_caches_only_its_full_attention_layers():
    # gpt-oss-120b: 36 layers, half of them sliding-window (128 tokens), 8 KV heads of 64
    # (warehouse model_shapes): the full-context cache is 18 × 2 × 8 × 64 × 2 = 36,864
    # bytes per token; the windowed layers' bounded cache is not counted.
    spec = ModelSpec(117, 5.1, layers=36, kv_layers=18, kv_heads=8, head_dim=64)
    assert kv_bytes_per_token(spec, 2) == 36_864
    assert (
        "18 layers (of 36)"
        in plan_replica(
            spec, Hardware(1, 4.8, 989.5, 141), _serving(8192, 8, 0.5), DEFAULT_TARGET
        ).basis
    )


def test_experts_unknown_counts_every_expert():
    # A model marked MoE by its parameter counts, with no expert figures: all weights read.
    spec = ModelSpec(47, 12, layers=32, kv_heads=8, head_dim=128)
    assert weight_bytes_read(spec, 1, 2.0) == pytest.approx(94e9)
    plan = plan_replica(spec, Hardware(2, 3.35, 989.4, 80), _serving(4096, 4), DEFAULT_TARGET)
    assert "every expert counted" in plan.basis
