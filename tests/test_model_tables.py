"""The committed models, model_shapes and eci_scores tables: coverage and known answers.

These read datasets/ only (no reference needed). The known answers are published
figures checked against the table independently: the parameter counts of
DeepSeek-V3 (671B total / 37B active), Qwen3-235B-A22B (235B / 22B) and Mixtral
8x7B (46.7B / 12.9B) recomputed from the shapes alone, and the per-token KV cache
of MLA models (kv_lora_rank + qk_rope_head_dim = 576 values per layer).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

DATASETS = Path(__file__).resolve().parent.parent / "datasets"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATASETS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def models() -> dict[str, dict[str, str]]:
    return {r["model_id"]: r for r in _rows("models.csv")}


@pytest.fixture(scope="module")
def shapes() -> dict[str, dict[str, str]]:
    return {r["model_id"]: r for r in _rows("model_shapes.csv")}


def test_model_coverage_reaches_2026(models: dict[str, dict[str, str]]) -> None:
    assert len(models) >= 380
    dated_2026 = [m for m in models.values() if m["release_date"] >= "2026-01-01"]
    assert len(dated_2026) >= 30
    assert all(m["release_date_source"] for m in dated_2026)
    for name in ("gpt-6-astra", "claude-opus-5.5", "glm-5.2", "kimi-k3", "deepseek-v4-pro-0813"):
        assert name in models


def test_every_priced_model_has_a_date_or_a_reason(models: dict[str, dict[str, str]]) -> None:
    priced = {r["model_id"] for r in _rows("api_prices.csv")}
    for model_id in priced:
        m = models[model_id]
        assert bool(m["release_date"]) != bool(m["release_date_missing_reason"]), model_id
    reasons = [m["release_date_missing_reason"] for m in models.values() if not m["release_date"]]
    assert all(reasons)


def test_every_moe_model_has_active_params_or_says_why(models: dict[str, dict[str, str]]) -> None:
    for m in models.values():
        if m["architecture"] == "moe" and not m["params_active_b"]:
            assert "params_active_b empty" in m["notes"], m["model_id"]
        if m["architecture"] == "dense" and m["params_total_b"] and m["params_active_b"]:
            assert m["params_total_b"] == m["params_active_b"], m["model_id"]


def _int(value: str) -> int:
    return int(value) if value else 0


def _params(s: dict[str, str]) -> tuple[float, float]:
    """(total, active) parameters in billions from a shape: embeddings (untied), attention,
    dense FFN layers and experts (SwiGLU: 3 matrices). Norms and routers are left out."""
    h, layers = _int(s["hidden_size"]), _int(s["layers"])
    vocab = _int(s["vocab_size"]) * h * (1 if s["tied_embeddings"] == "true" else 2)
    heads = _int(s["attention_heads"])
    if s["attention"] == "mla":
        q_lora, kv_lora = _int(s["q_lora_rank"]), _int(s["kv_lora_rank"])
        nope, rope, v = (
            _int(s["qk_nope_head_dim"]),
            _int(s["qk_rope_head_dim"]),
            _int(s["v_head_dim"]),
        )
        q = h * q_lora + q_lora * heads * (nope + rope) if q_lora else h * heads * (nope + rope)
        attn = q + h * (kv_lora + rope) + kv_lora * heads * (nope + v) + heads * v * h
    else:
        hd, kv = _int(s["head_dim"]), _int(s["kv_heads"])
        attn = h * heads * hd * 2 + h * kv * hd * 2
    moe_layers = _int(s["moe_layers"]) if s["ffn"] == "moe" else 0
    dense_layers = layers - moe_layers
    dense = dense_layers * 3 * h * _int(s["dense_ffn_size"])
    expert = 3 * h * _int(s["expert_ffn_size"])
    shared = 3 * h * _int(s["shared_expert_ffn_size"])
    routed_all = moe_layers * _int(s["routed_experts"]) * expert
    routed_active = moe_layers * _int(s["experts_per_token"]) * expert
    base = vocab + layers * attn + dense + moe_layers * shared
    return (base + routed_all) / 1e9, (base + routed_active) / 1e9


@pytest.mark.parametrize(
    ("model_id", "total", "active", "rel"),
    [
        ("deepseek-v3", 671, 37, 0.02),  # DeepSeek-V3 README: 671B total, 37B activated
        ("qwen3-235b-a22b", 235, 22, 0.02),  # Qwen3 blog: 235B total, 22B activated
        ("mixtral-8x7b-instruct", 46.7, 12.9, 0.02),  # Mistral: 46.7B total, 12.9B per token
        # Kimi K2 README: "1T" total (a rounded figure; the shape gives 1.026T), 32B activated
        ("kimi-k2-instruct", 1000, 32, 0.03),
    ],
)
def test_shapes_reproduce_the_published_parameter_counts(
    shapes: dict[str, dict[str, str]], model_id: str, total: float, active: float, rel: float
) -> None:
    t, a = _params(shapes[model_id])
    assert t == pytest.approx(total, rel=rel)
    assert a == pytest.approx(active, rel=0.05)


def test_mla_cache_per_token_and_gqa_cache(shapes: dict[str, dict[str, str]]) -> None:
    for model_id in ("deepseek-v3", "kimi-k2-instruct", "glm-5", "glm-5.2"):
        s = shapes[model_id]
        assert (s["attention"], _int(s["kv_lora_rank"]) + _int(s["qk_rope_head_dim"])) == (
            "mla",
            576,
        )
        assert s["kv_heads"] == s["head_dim"] == ""
    llama = shapes["llama-3.1-8b-instruct"]
    # K and V, 8 heads x 128 dims, 32 layers, 2 bytes (bf16): 131072 bytes = 128 KiB per token
    per_token = 2 * _int(llama["kv_heads"]) * _int(llama["head_dim"]) * _int(llama["layers"]) * 2
    assert per_token == 128 * 1024
    assert _int(shapes["gpt-oss-120b"]["full_attention_layers"]) == 18  # half sliding-window


def test_models_and_shapes_agree(
    models: dict[str, dict[str, str]], shapes: dict[str, dict[str, str]]
) -> None:
    for model_id, s in shapes.items():
        m = models[model_id]
        if m["layers"]:
            assert (m["layers"], m["kv_heads"], m["head_dim"]) == (
                s["layers"],
                s["kv_heads"],
                s["head_dim"],
            ), model_id
        assert s["source"], model_id
    families = {
        "llama",
        "qwen",
        "mixtral",
        "mistral",
        "deepseek",
        "kimi",
        "glm",
        "minimax",
        "gpt-oss",
        "gemma",
        "nemotron",
    }
    covered = {f for f in families for model_id in shapes if model_id.startswith(f)}
    assert covered == families


def test_eci_snapshots_are_kept_apart() -> None:
    rows = _rows("eci_scores.csv")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["snapshot"]] = counts.get(r["snapshot"], 0) + 1
    assert counts == {"2026-05-14": 167, "2026-08-11": 222, "2026-10-01": 84}
    ultra = {r["snapshot"]: r["eci"] for r in rows if r["eci_model"] == "Nemotron 3 Ultra"}
    assert ultra == {"2026-08-11": "142.83", "2026-10-01": "146.19"}  # the same model, refit
    top_oct = max((r for r in rows if r["snapshot"] == "2026-10-01"), key=lambda r: float(r["eci"]))
    assert (top_oct["eci_model"], top_oct["eci"]) == ("Claude Opus 5.5", "167.35")
    assert all("TRANSCRIBED" in r["source"] for r in rows if r["snapshot"] == "2026-10-01")
    for snapshot in counts:
        ids = [r["model_id"] for r in rows if r["snapshot"] == snapshot and r["model_id"]]
        assert len(ids) == len(set(ids))


def test_independent_rows_of_one_label_come_from_one_harness() -> None:
    harness: dict[str, set[str]] = {}
    for r in _rows("benchmark_scores.csv"):
        if r["eval_relationship"] == "independent":
            harness.setdefault(r["benchmark"], set()).add(r["reported_by"])
    assert {k: v for k, v in harness.items() if len(v) > 1} == {}
    assert harness["GPQA-Diamond"] == {"Epoch AI"}
    assert harness["GPQA-Diamond (Artificial Analysis)"] == {"Artificial Analysis"}


def test_newest_rows_per_table() -> None:
    newest_bench = max(r["source_date"] for r in _rows("benchmark_scores.csv"))
    assert newest_bench >= "2026-07-01"  # LiveBench rows first seen in July 2026
    assert max(r["snapshot_date"] for r in _rows("arena_ratings.csv")) == "2025-11-25"
    assert max(r["snapshot"] for r in _rows("eci_scores.csv")) == "2026-10-01"
