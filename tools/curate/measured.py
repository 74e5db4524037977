"""The decode_measurements table: this project's decode-speed measurement on one H200.

Read from ``reference/measured/`` (its README, two JSON files and the two scripts
that wrote them). The shapes below are those the scripts build (``SHAPES`` in
``decode_roofline.py``, the tuples in ``decode_fp8.py``); ``params_total_b`` is
counted from them: per layer the QKV, output and gate/up/down matrices, plus the
embedding and the output head.
"""

from __future__ import annotations

import json
from pathlib import Path

from .common import Row

MEASURED_ON = "2026-12-04"
GPU_ID = "nvidia-h200-sxm"
#: shape -> (hidden, layers, query heads, KV heads, head dim, FFN, vocabulary, model_id)
SHAPES = {
    "llama-3.1-8b": (4096, 32, 32, 8, 128, 14336, 128256, "llama-3.1-8b-instruct"),
    "qwen2.5-32b": (5120, 64, 40, 8, 128, 27648, 152064, "qwen2.5-32b-instruct"),
    "llama-3.3-70b": (8192, 80, 64, 8, 128, 28672, 128256, "llama-3.3-70b-instruct"),
}
FILES = (
    ("h200_decode_2026-12-04.json", "decode_roofline.py"),
    ("h200_decode_fp8_2026-12-04.json", "decode_fp8.py"),
)
METHOD = (
    "measured on one H200, 2026-12-04, random weights, CUDA-graph decode: one decode step "
    "of the batch captured in a CUDA graph and replayed (PyTorch 2.11, CUDA 13), no "
    "scheduler, prefill or sampling"
)
FP8_NOTE = (
    "weights fp8 except the embedding and output head (bf16): the script counts weight_gb = "
    "layers at 1 byte + embedding and head at 2 bytes"
)


def params_b(shape: str) -> float:
    """Parameters of a shape as the scripts build it [billions, 4 decimals]."""
    h, layers, heads, kv_heads, head_dim, ffn, vocab, _ = SHAPES[shape]
    per_layer = h * (heads + 2 * kv_heads) * head_dim + heads * head_dim * h + 3 * h * ffn
    return round((layers * per_layer + 2 * vocab * h) / 1e9, 4)


def build_decode_measurements(ref: Path) -> list[Row]:
    """One row per measured decode step, in the order of the raw files."""
    rows: list[Row] = []
    for name, script in FILES:
        data = json.loads((ref / "measured" / name).read_text(encoding="utf-8"))
        items = data["results"] if isinstance(data, dict) else data
        for item in items:
            shape = item.get("model") or item["shape"]
            quant = item.get("weights", "bf16")
            h, layers, _, kv_heads, head_dim, _, _, model_id = SHAPES[shape]
            rows.append(
                {
                    "gpu_id": GPU_ID,
                    "shape": shape,
                    "model_id": model_id,
                    "quantisation": quant,
                    "kv_bytes_per_value": "2",
                    "params_total_b": f"{params_b(shape):g}",
                    "layers": str(layers),
                    "kv_heads": str(kv_heads),
                    "head_dim": str(head_dim),
                    "hidden_size": str(h),
                    "batch": str(item["batch"]),
                    "context_tokens": str(item["ctx"]),
                    "ms_per_step": repr(item["ms_per_step"]),
                    "tok_s": repr(item["tok_s"]),
                    "weight_gb": repr(item["weight_gb"]),
                    "kv_gb": repr(item["kv_gb"]),
                    "measured_on": MEASURED_ON,
                    "method": METHOD,
                    "source": (
                        f"this project's measurement: reference/measured/{name} "
                        f"(script reference/measured/{script})"
                    ),
                    "notes": FP8_NOTE if quant == "fp8" else "",
                }
            )
    return rows
