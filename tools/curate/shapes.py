"""The model_shapes table: the architecture figures that size decoding of open models.

One row per model: layers, hidden size, the attention kind and its dimensions
(per-head K/V for GQA/MHA; the compressed latent for MLA), how many layers keep
a full-length KV cache, and for mixture-of-experts models the routed and shared
experts, experts per token, the expert FFN size and the dense vs MoE layer
split -- enough to split parameters into always-active (shared) and routed
parts. Every figure is copied from the cited file; nothing is estimated.
Where a source prints a figure that needs a reading (a script's name, a
default), the row's notes say so. Empty means no source stated it.

The figures of the THUDM/slime scripts that the reference holds
(``fresh_2026/open_models/slime_model_scripts``) are re-read by
:func:`check_against_slime` on every run, so a typo here fails the curation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .common import Row
from .parsers import moe_layer_split, slime_args

SLIME = "THUDM/slime:scripts/models/{name}@{commit}"
SLIME_HEAD = "624b824a898ab0ec1fcb4d373004c7f3852bf515"  # 2026-08-21
MAXTEXT = (
    "AI-Hypercomputer/maxtext:src/MaxText/utils/ckpt_conversion/utils/hf_model_configs.py"
    "@14b30db0f9b9fdb22738fbbc34282aaa388269bc"
)
SCALE = (
    "scaleapi/llm-engine:model-engine/tests/unit/domain/test_llm_use_cases.py"
    "@28edd64a8717c3a64fb53c874d1513fbb64be880"
)
LLAMA_STACK = (
    "meta-llama/llama-stack:llama_stack/models/llama/sku_list.py"
    "@012dd6891ff6af98b46146f3dc41995986cdcfcc"
)
FAIRSEQ2 = (
    "facebookresearch/fairseq2:src/fairseq2/models/llama4/config.py"
    "@83eab3514f656783c8b1699e7d8a150ab89c9fc6"
)
NEMO_MISTRAL = (
    "NVIDIA/NeMo:nemo/collections/llm/gpt/model/mistral.py@51e4f9468fb6835cc06d1846c9eca9a3a5f0ddb2"
)
NEMO_QWEN2 = (
    "NVIDIA/NeMo:nemo/collections/llm/gpt/model/qwen2.py@6356bb81e75b827daefc4bf8cd139242759a281e"
)
QWEN25_BLOG = (
    "QwenLM/qwenlm.github.io:content/blog/qwen2.5-llm/index.md@"
    "a55fd10480de419b462edb4d049c914813731b2e"
)
HF_QWEN35 = (
    "huggingface/transformers:src/transformers/models/qwen3_5/configuration_qwen3_5.py"
    "@008e574391258935f3ecc3035c882e73bbcac419"
)


def slime(name: str, commit: str = SLIME_HEAD) -> str:
    """Citation of a THUDM/slime model script."""
    return SLIME.format(name=name, commit=commit)


@dataclass(frozen=True)
class Shape:
    """One model's architecture figures (see schema.yaml, table model_shapes)."""

    layers: int
    attention: str
    source: str
    hidden_size: int | None = None
    attention_heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    q_lora_rank: int | None = None
    kv_lora_rank: int | None = None
    qk_nope_head_dim: int | None = None
    qk_rope_head_dim: int | None = None
    v_head_dim: int | None = None
    full_attention_layers: int | None = None
    attention_notes: str = ""
    ffn: str = "dense"
    dense_layers: int | None = None
    moe_layers: int | None = None
    dense_ffn_size: int | None = None
    routed_experts: int | None = None
    experts_per_token: int | None = None
    shared_experts: int | None = None
    expert_ffn_size: int | None = None
    shared_expert_ffn_size: int | None = None
    vocab_size: int | None = None
    tied_embeddings: bool | None = None
    notes: str = ""


SHAPE_COLUMNS = (
    ["model_id"]
    + [f.name for f in fields(Shape) if f.name not in ("source", "notes")]
    + [
        "source",
        "notes",
    ]
)

_UNTIED = "untied embeddings (--untie-embeddings-and-output-weights)"
_TIED_SLIME = "no --untie-embeddings-and-output-weights flag: input and output embeddings tied"
_SHARED_SAME = "base and instruct/chat releases share the architecture (the latter is a fine-tune)"
_QWEN35_HYBRID = (
    "hybrid: Gated DeltaNet linear-attention layers plus gated full-attention layers "
    "(--use-gated-attention, get_qwen3_5_spec); only full-attention layers keep a growing KV cache"
)


def _gqa(
    layers: int, hidden: int | None, heads: int | None, kv: int, hd: int, src: str, **kw: object
) -> Shape:
    attention = "mha" if heads is not None and kv == heads else "gqa"
    return Shape(
        layers=layers,
        attention=attention,
        source=src,
        hidden_size=hidden,
        attention_heads=heads,
        kv_heads=kv,
        head_dim=hd,
        **kw,  # type: ignore[arg-type]
    )


SHAPES: dict[str, Shape] = {}


def _put(ids: list[str], shape: Shape) -> None:
    for model_id in ids:
        if model_id in SHAPES:
            raise ValueError(f"two shapes for {model_id}")
        SHAPES[model_id] = shape


# --- Llama ------------------------------------------------------------------------------------
_put(
    ["llama-2-7b-base", "llama-2-7b-chat"],
    _gqa(
        32,
        4096,
        32,
        32,
        128,
        f"{SCALE} (meta-llama/Llama-2-7b-hf config.json copy, 'llama-2-7b')",
        full_attention_layers=32,
        dense_ffn_size=11008,
        vocab_size=32000,
        notes="head_dim = hidden 4096 / 32 heads; " + _SHARED_SAME,
    ),
)
_put(
    ["llama-2-13b-base", "llama-2-13b-chat"],
    _gqa(
        40,
        5120,
        40,
        40,
        128,
        f"{SCALE} ('llama-2-13b' config.json copy)",
        full_attention_layers=40,
        dense_ffn_size=13824,
        vocab_size=32000,
        notes="head_dim = 5120 / 40; " + _SHARED_SAME,
    ),
)
_put(
    ["llama-2-70b-base", "llama-2-70b-chat"],
    _gqa(
        80,
        8192,
        64,
        8,
        128,
        f"{SCALE} ('llama-2-70b' config.json copy)",
        full_attention_layers=80,
        dense_ffn_size=28672,
        vocab_size=32000,
        notes="head_dim = 8192 / 64; " + _SHARED_SAME,
    ),
)
_put(
    ["llama-3-8b-base", "llama-3-8b-instruct"],
    _gqa(
        32,
        4096,
        32,
        8,
        128,
        f"{SCALE} ('llama-3-8b' config.json copy)",
        full_attention_layers=32,
        dense_ffn_size=14336,
        vocab_size=128256,
        notes="head_dim = 4096 / 32; " + _SHARED_SAME,
    ),
)
_put(
    ["llama-3-70b-base", "llama-3-70b-instruct"],
    _gqa(
        80,
        8192,
        64,
        8,
        128,
        f"{SCALE} ('llama-3-70b' config.json copy)",
        full_attention_layers=80,
        dense_ffn_size=28672,
        vocab_size=128256,
        notes="head_dim = 8192 / 64; " + _SHARED_SAME,
    ),
)
_put(
    ["llama-3.1-8b-base", "llama-3.1-8b-instruct"],
    _gqa(
        32,
        4096,
        32,
        8,
        128,
        f"{MAXTEXT} llama31_8b_config",
        full_attention_layers=32,
        dense_ffn_size=14336,
        vocab_size=128256,
        tied_embeddings=False,
        notes=_SHARED_SAME,
    ),
)
_put(
    ["llama-3.1-70b-base", "llama-3.1-70b-instruct"],
    _gqa(
        80,
        8192,
        64,
        8,
        128,
        f"{MAXTEXT} llama31_70b_config",
        full_attention_layers=80,
        dense_ffn_size=28672,
        vocab_size=128256,
        tied_embeddings=False,
        notes=_SHARED_SAME,
    ),
)
_put(
    ["llama-3.1-405b-base", "llama-3.1-405b-instruct"],
    _gqa(
        126,
        16384,
        128,
        8,
        128,
        f"{MAXTEXT} llama31_405b_config",
        full_attention_layers=126,
        dense_ffn_size=53248,
        vocab_size=128256,
        notes=_SHARED_SAME,
    ),
)
_put(
    ["llama-3.2-1b-base", "llama-3.2-1b-instruct"],
    _gqa(
        16,
        2048,
        32,
        8,
        64,
        f"{LLAMA_STACK} arch_args_1b (dim 2048, n_layers 16, n_heads 32, n_kv_heads 8)",
        full_attention_layers=16,
        notes="head_dim = dim 2048 / 32 heads; " + _SHARED_SAME,
    ),
)
_put(
    ["llama-3.2-3b-base", "llama-3.2-3b-instruct"],
    _gqa(
        28,
        3072,
        24,
        8,
        128,
        slime("llama3.2-3B-Instruct.sh"),
        full_attention_layers=28,
        dense_ffn_size=8192,
        vocab_size=128256,
        tied_embeddings=True,
        notes=_TIED_SLIME + "; " + _SHARED_SAME,
    ),
)
_put(
    ["llama-3.3-70b-instruct"],
    _gqa(
        80,
        8192,
        64,
        8,
        128,
        f"{LLAMA_STACK} llama3_3_70b_instruct (dim 8192, n_layers 80, n_heads 64, n_kv_heads 8)",
        full_attention_layers=80,
        notes="head_dim = 8192 / 64",
    ),
)
_put(
    ["llama-4-scout-base", "llama-4-scout-instruct"],
    _gqa(
        48,
        5120,
        40,
        8,
        128,
        f"{FAIRSEQ2} llama4_scout_17b_16e",
        ffn="moe",
        dense_layers=0,
        moe_layers=48,
        routed_experts=16,
        experts_per_token=1,
        shared_experts=1,
        vocab_size=202048,
        notes="Llama4ExpertsConfig: num_experts 16, top_k 1, use_shared_expert true, "
        "interleave_moe_layer_step 1; expert FFN size is derived (ffn_inner_dim x "
        "multiplier, rounded), not printed; chunked/NoPE attention layers not described in "
        "this source; " + _SHARED_SAME,
    ),
)
_put(
    ["llama-4-maverick-base", "llama-4-maverick-instruct"],
    _gqa(
        48,
        5120,
        40,
        8,
        128,
        f"{FAIRSEQ2} llama4_maverick_17b_128e",
        ffn="moe",
        dense_layers=24,
        moe_layers=24,
        routed_experts=128,
        experts_per_token=1,
        shared_experts=1,
        vocab_size=202048,
        notes="num_experts 128, interleave_moe_layer_step 2 (every 2nd layer MoE: 24 of 48), top_k "
        "1 and the shared expert inherited from the Scout config; expert FFN size derived, "
        "not printed; " + _SHARED_SAME,
    ),
)
# --- Mistral ------------------------------------------------------------------------------------
_put(
    ["mistral-7b-base", "mistral-7b-instruct-open-mistral-7b", "mistral-7b-instruct-v0.3"],
    _gqa(
        32,
        4096,
        32,
        8,
        128,
        f"{NEMO_MISTRAL} MistralConfig7B",
        notes="num_layers 32, hidden 4096, 32 heads, num_query_groups 8; head_dim = 4096 / 32; "
        "sliding-window use differs by release and is not in this source",
    ),
)
_put(
    ["mistral-nemo-instruct-2407"],
    _gqa(
        40,
        None,
        None,
        8,
        128,
        f"{NEMO_MISTRAL} MistralNeMo2407Config12B",
        full_attention_layers=40,
        notes="num_layers 40, kv_channels 128, num_query_groups 8 (inherited)",
    ),
)
_put(
    ["mistral-large-2-2407"],
    _gqa(
        88,
        None,
        None,
        8,
        128,
        f"{NEMO_MISTRAL} MistralNeMo2407Config123B",
        full_attention_layers=88,
        notes="num_layers 88, kv_channels 128, num_query_groups 8 (inherited)",
    ),
)
_put(
    ["mixtral-8x7b-base", "mixtral-8x7b-instruct"],
    _gqa(
        32,
        4096,
        32,
        8,
        128,
        f"{SCALE} ('mixtral-8x7b' config.json copy: num_local_experts 8, num_experts_per_tok 2)",
        ffn="moe",
        dense_layers=0,
        moe_layers=32,
        routed_experts=8,
        experts_per_token=2,
        shared_experts=0,
        expert_ffn_size=14336,
        vocab_size=32000,
        notes="head_dim = 4096 / 32; every layer is MoE (Mixtral); " + _SHARED_SAME,
    ),
)
_put(
    ["mixtral-8x22b-base", "mixtral-8x22b-instruct"],
    _gqa(
        56,
        6144,
        48,
        8,
        128,
        f"{SCALE} ('mixtral-8x22b' config.json copy: num_local_experts 8, num_experts_per_tok 2)",
        ffn="moe",
        dense_layers=0,
        moe_layers=56,
        routed_experts=8,
        experts_per_token=2,
        shared_experts=0,
        expert_ffn_size=16384,
        vocab_size=32000,
        full_attention_layers=56,
        notes="head_dim = 6144 / 48; every layer is MoE (Mixtral); " + _SHARED_SAME,
    ),
)
# --- Qwen2 / 2.5 --------------------------------------------------------------------------------
_put(
    ["qwen2-7b-base", "qwen2-7b-instruct"],
    _gqa(
        28,
        3584,
        28,
        4,
        128,
        f"{NEMO_QWEN2} Qwen2Config7B",
        full_attention_layers=28,
        notes="head_dim = 3584 / 28; " + _SHARED_SAME,
    ),
)
_put(
    ["qwen2-72b-base", "qwen2-72b-instruct"],
    _gqa(
        80,
        8192,
        64,
        8,
        128,
        f"{SCALE} ('qwen2-72b-instruct' config.json copy)",
        full_attention_layers=80,
        dense_ffn_size=29568,
        vocab_size=152064,
        tied_embeddings=False,
        notes="head_dim = 8192 / 64; " + _SHARED_SAME,
    ),
)
_put(
    ["qwen2.5-0.5b-base", "qwen2.5-0.5b-instruct"],
    _gqa(
        24,
        896,
        14,
        2,
        64,
        slime("qwen2.5-0.5B.sh"),
        full_attention_layers=24,
        dense_ffn_size=4864,
        vocab_size=151936,
        tied_embeddings=True,
        notes="head_dim = 896 / 14 heads; " + _TIED_SLIME + "; " + _SHARED_SAME,
    ),
)
_put(
    ["qwen2.5-1.5b-base", "qwen2.5-1.5b-instruct"],
    _gqa(
        28,
        1536,
        12,
        2,
        128,
        slime("qwen2.5-1.5B.sh"),
        full_attention_layers=28,
        dense_ffn_size=8960,
        vocab_size=151936,
        tied_embeddings=True,
        notes="head_dim = 1536 / 12; " + _TIED_SLIME + "; " + _SHARED_SAME,
    ),
)
_put(
    ["qwen2.5-3b-base", "qwen2.5-3b-instruct"],
    _gqa(
        36,
        2048,
        16,
        2,
        128,
        slime("qwen2.5-3B.sh"),
        full_attention_layers=36,
        dense_ffn_size=11008,
        vocab_size=151936,
        tied_embeddings=True,
        notes="head_dim = 2048 / 16; " + _TIED_SLIME + "; " + _SHARED_SAME,
    ),
)
_put(
    ["qwen2.5-7b-base", "qwen2.5-7b-instruct"],
    _gqa(
        28,
        3584,
        28,
        4,
        128,
        slime("qwen2.5-7B.sh"),
        full_attention_layers=28,
        dense_ffn_size=18944,
        vocab_size=152064,
        tied_embeddings=False,
        notes="head_dim = 3584 / 28; " + _SHARED_SAME,
    ),
)
_put(
    ["qwen2.5-32b-base", "qwen2.5-32b-instruct"],
    _gqa(
        64,
        5120,
        40,
        8,
        128,
        slime("qwen2.5-32B.sh"),
        full_attention_layers=64,
        dense_ffn_size=27648,
        vocab_size=152064,
        tied_embeddings=False,
        notes="head_dim = 5120 / 40; " + _SHARED_SAME,
    ),
)
_put(
    ["qwen2.5-72b-base", "qwen2.5-72b-instruct"],
    _gqa(
        80,
        8192,
        64,
        8,
        128,
        f"{QWEN25_BLOG} model card table (Layers 80, Heads Q/KV 64/8); hidden size from "
        f"{NEMO_QWEN2} Qwen2Config72B",
        full_attention_layers=80,
        notes="head_dim = 8192 / 64; " + _SHARED_SAME,
    ),
)
# --- Qwen3 --------------------------------------------------------------------------------------
_put(
    ["qwen3-1.7b"],
    _gqa(
        28,
        2048,
        16,
        8,
        128,
        slime("qwen3-1.7B.sh"),
        full_attention_layers=28,
        dense_ffn_size=6144,
        vocab_size=151936,
        tied_embeddings=True,
        notes=_TIED_SLIME,
    ),
)
_put(
    ["qwen3-4b"],
    _gqa(
        36,
        2560,
        32,
        8,
        128,
        slime("qwen3-4B.sh"),
        full_attention_layers=36,
        dense_ffn_size=9728,
        vocab_size=151936,
        tied_embeddings=True,
        notes=_TIED_SLIME,
    ),
)
_put(
    ["qwen3-8b"],
    _gqa(
        36,
        4096,
        32,
        8,
        128,
        slime("qwen3-8B.sh"),
        full_attention_layers=36,
        dense_ffn_size=12288,
        vocab_size=151936,
        tied_embeddings=False,
    ),
)
_put(
    ["qwen3-32b"],
    _gqa(
        64,
        5120,
        64,
        8,
        128,
        slime("qwen3-32B.sh"),
        full_attention_layers=64,
        dense_ffn_size=25600,
        vocab_size=151936,
        tied_embeddings=False,
    ),
)
_put(
    ["qwen3-30b-a3b"],
    _gqa(
        48,
        2048,
        32,
        4,
        128,
        slime("qwen3-30B-A3B.sh"),
        full_attention_layers=48,
        ffn="moe",
        dense_layers=0,
        moe_layers=48,
        routed_experts=128,
        experts_per_token=8,
        shared_experts=0,
        expert_ffn_size=768,
        vocab_size=151936,
        tied_embeddings=False,
        notes="FIRST_K_DENSE_REPLACE=0: every layer MoE; no shared expert",
    ),
)
_put(
    ["qwen3-235b-a22b"],
    _gqa(
        94,
        4096,
        64,
        4,
        128,
        slime("qwen3-235B-A22B.sh"),
        full_attention_layers=94,
        ffn="moe",
        dense_layers=0,
        moe_layers=94,
        routed_experts=128,
        experts_per_token=8,
        shared_experts=0,
        expert_ffn_size=1536,
        vocab_size=151936,
        tied_embeddings=False,
        notes="FIRST_K_DENSE_REPLACE=0: every layer MoE; no shared expert",
    ),
)
_put(
    ["qwen3-235b-a22b-thinking-2507"],
    _gqa(
        94,
        4096,
        64,
        4,
        128,
        f"{MAXTEXT} qwen3_235b_a22b_thinking_2507_config",
        full_attention_layers=94,
        ffn="moe",
        routed_experts=128,
        experts_per_token=8,
        expert_ffn_size=1536,
        vocab_size=151936,
        tied_embeddings=False,
        notes="dense/MoE layer split not printed in this source",
    ),
)
_put(
    ["qwen3-coder-480b-a35b-instruct"],
    _gqa(
        62,
        6144,
        96,
        8,
        128,
        f"{MAXTEXT} qwen3_coder_480b_a35b_config",
        full_attention_layers=62,
        ffn="moe",
        routed_experts=160,
        experts_per_token=8,
        shared_experts=0,
        expert_ffn_size=2560,
        vocab_size=151936,
        tied_embeddings=False,
        notes="shared_expert_intermediate_size 0 (no shared expert); dense/MoE layer split not "
        "printed",
    ),
)
_put(
    ["qwen3-next-80b-a3b-instruct"],
    _gqa(
        48,
        2048,
        16,
        2,
        256,
        slime("qwen3-next-80B-A3B.sh"),
        attention_notes="hybrid: Gated DeltaNet linear-attention layers plus gated "
        "full-attention layers "
        "(qwen3_next plugin); the split is read from the HF config at run time and not "
        "printed here",
        ffn="moe",
        dense_layers=0,
        moe_layers=48,
        routed_experts=512,
        experts_per_token=10,
        shared_experts=1,
        expert_ffn_size=512,
        shared_expert_ffn_size=512,
        vocab_size=151936,
        tied_embeddings=False,
    ),
)
# --- Qwen3.5 / 3.6 ------------------------------------------------------------------------------
_put(
    ["qwen3.5-0.8b"],
    _gqa(
        24,
        1024,
        8,
        2,
        256,
        slime("qwen3.5-0.8B.sh"),
        attention_notes=_QWEN35_HYBRID,
        dense_ffn_size=3584,
        vocab_size=248320,
        tied_embeddings=True,
        notes=_TIED_SLIME,
    ),
)
_put(
    ["qwen3.5-2b"],
    _gqa(
        24,
        2048,
        8,
        2,
        256,
        slime("qwen3.5-2B.sh", "148be654eaa11acdc5e0216bb2c1f26e3346aa9f"),
        attention_notes=_QWEN35_HYBRID,
        dense_ffn_size=6144,
        vocab_size=248320,
        tied_embeddings=True,
        notes=_TIED_SLIME + "; script removed from the repo later (last version cited)",
    ),
)
_put(
    ["qwen3.5-4b"],
    _gqa(
        32,
        2560,
        16,
        4,
        256,
        slime("qwen3.5-4B.sh"),
        attention_notes=_QWEN35_HYBRID,
        dense_ffn_size=9216,
        vocab_size=248320,
        tied_embeddings=True,
        notes=_TIED_SLIME,
    ),
)
_put(
    ["qwen3.5-9b"],
    _gqa(
        32,
        4096,
        16,
        4,
        256,
        slime("qwen3.5-9B.sh"),
        full_attention_layers=8,
        attention_notes=_QWEN35_HYBRID,
        dense_ffn_size=12288,
        vocab_size=248320,
        tied_embeddings=False,
        notes=f"full_attention_layers 8: {HF_QWEN35} Qwen3_5TextConfig, documented as the "
        "'Qwen3.5-9B style configuration' (its defaults equal these figures), makes every "
        "4th layer full attention (full_attention_interval 4) when layer_types is not given",
    ),
)
_put(
    ["qwen3.5-27b"],
    _gqa(
        64,
        5120,
        24,
        4,
        256,
        slime("qwen3.5-27B.sh"),
        attention_notes=_QWEN35_HYBRID,
        dense_ffn_size=17408,
        vocab_size=248320,
        tied_embeddings=False,
    ),
)
_put(
    ["qwen3.5-35b-a3b"],
    _gqa(
        40,
        2048,
        16,
        2,
        256,
        slime("qwen3.5-35B-A3B.sh"),
        attention_notes=_QWEN35_HYBRID,
        ffn="moe",
        dense_layers=0,
        moe_layers=40,
        routed_experts=256,
        experts_per_token=8,
        shared_experts=1,
        expert_ffn_size=512,
        shared_expert_ffn_size=512,
        vocab_size=248320,
        tied_embeddings=False,
        notes="FIRST_K_DENSE_REPLACE=0; one gated shared expert (--moe-shared-expert-gate)",
    ),
)
_put(
    ["qwen3.6-35b-a3b"],
    _gqa(
        40,
        2048,
        16,
        2,
        256,
        slime("qwen36-35B-A3B.sh", "1713bae117e595f16a9d0ea1a9468ea4f20f8a4e")
        + " (sources qwen3.5-35B-A3B.sh)",
        attention_notes=_QWEN35_HYBRID,
        ffn="moe",
        dense_layers=0,
        moe_layers=40,
        routed_experts=256,
        experts_per_token=8,
        shared_experts=1,
        expert_ffn_size=512,
        shared_expert_ffn_size=512,
        vocab_size=248320,
        tied_embeddings=False,
        notes="the script states 'Qwen3.6-35B-A3B uses the same language/MoE topology as the "
        "Qwen3.5-35B-A3B config' and sources it",
    ),
)
_put(
    ["qwen3.5-397b-a17b"],
    _gqa(
        60,
        4096,
        32,
        2,
        256,
        slime("qwen3.5-397B-A17B.sh", "aa84536b351586da7db37f74688d0550f3d333cf"),
        attention_notes=_QWEN35_HYBRID,
        ffn="moe",
        dense_layers=0,
        moe_layers=60,
        routed_experts=512,
        experts_per_token=10,
        shared_experts=1,
        expert_ffn_size=1024,
        shared_expert_ffn_size=1024,
        vocab_size=248320,
        tied_embeddings=False,
        notes="script removed from the repo later (last version cited)",
    ),
)
# --- DeepSeek (MLA) -----------------------------------------------------------------------------
_DSV3 = dict(
    layers=61,
    attention="mla",
    hidden_size=7168,
    attention_heads=128,
    q_lora_rank=1536,
    kv_lora_rank=512,
    qk_nope_head_dim=128,
    qk_rope_head_dim=64,
    v_head_dim=128,
    full_attention_layers=61,
    ffn="moe",
    dense_layers=3,
    moe_layers=58,
    dense_ffn_size=18432,
    routed_experts=256,
    experts_per_token=8,
    shared_experts=1,
    expert_ffn_size=2048,
    shared_expert_ffn_size=2048,
    vocab_size=129280,
    tied_embeddings=False,
)
_put(
    ["deepseek-v3", "deepseek-v3-base"],
    Shape(
        source=f"{MAXTEXT} deepseek3_671b_dict (first_k_dense_replace 3, n_routed_experts 256, "
        "n_shared_experts 1)",
        notes="the KV cache holds kv_lora_rank + qk_rope_head_dim = 576 values per token per "
        "layer; " + _SHARED_SAME,
        **_DSV3,
    ),
)  # type: ignore[arg-type]
_put(
    ["deepseek-r1"],
    Shape(
        source=slime("deepseek-v3.sh") + " (commented '# deepseek r1')",
        notes="same figures as deepseek-v3 (FIRST_K_DENSE_REPLACE=3 of 61 layers); the script has "
        "no --num-query-groups (MLA)",
        **_DSV3,
    ),
)  # type: ignore[arg-type]
_put(
    ["deepseek-coder-v2-instruct"],
    Shape(
        layers=60,
        attention="mla",
        source=f"{SCALE} ('deepseek-coder-v2-instruct' config.json copy, model_type deepseek_v2)",
        hidden_size=5120,
        attention_heads=128,
        q_lora_rank=1536,
        kv_lora_rank=512,
        qk_nope_head_dim=128,
        qk_rope_head_dim=64,
        v_head_dim=128,
        full_attention_layers=60,
        ffn="moe",
        dense_layers=1,
        moe_layers=59,
        dense_ffn_size=12288,
        routed_experts=160,
        experts_per_token=6,
        shared_experts=2,
        expert_ffn_size=1536,
        vocab_size=102400,
        tied_embeddings=False,
        notes="first_k_dense_replace 1, moe_layer_freq 1",
    ),
)
_put(
    ["deepseek-coder-v2-lite-instruct"],
    Shape(
        layers=27,
        attention="mla",
        source=f"{SCALE} ('deepseek-coder-v2-lite-instruct' config.json copy)",
        hidden_size=2048,
        attention_heads=16,
        kv_lora_rank=512,
        qk_nope_head_dim=128,
        qk_rope_head_dim=64,
        v_head_dim=128,
        full_attention_layers=27,
        ffn="moe",
        dense_layers=1,
        moe_layers=26,
        dense_ffn_size=10944,
        routed_experts=64,
        experts_per_token=6,
        shared_experts=2,
        expert_ffn_size=1408,
        vocab_size=102400,
        tied_embeddings=False,
        notes="no q_lora_rank in the config (queries not compressed)",
    ),
)
# --- Moonshot (MLA) -----------------------------------------------------------------------------
_K2 = dict(
    layers=61,
    attention="mla",
    hidden_size=7168,
    attention_heads=64,
    q_lora_rank=1536,
    kv_lora_rank=512,
    qk_nope_head_dim=128,
    qk_rope_head_dim=64,
    v_head_dim=128,
    full_attention_layers=61,
    ffn="moe",
    dense_layers=1,
    moe_layers=60,
    dense_ffn_size=18432,
    routed_experts=384,
    experts_per_token=8,
    shared_experts=1,
    expert_ffn_size=2048,
    shared_expert_ffn_size=2048,
    vocab_size=163840,
    tied_embeddings=False,
)
_put(
    ["kimi-k2-base", "kimi-k2-instruct"],
    Shape(
        source=slime("kimi-k2.sh"),
        notes="FIRST_K_DENSE_REPLACE=1; qk-head-dim 128 is the non-rotary part; " + _SHARED_SAME,
        **_K2,
    ),
)  # type: ignore[arg-type]
_put(
    ["kimi-k2-thinking"],
    Shape(
        source=slime("kimi-k2-thinking.sh"),
        notes="FIRST_K_DENSE_REPLACE=1; same figures as kimi-k2 (rotary scaling differs)",
        **_K2,
    ),
)  # type: ignore[arg-type]
# --- Z.ai ---------------------------------------------------------------------------------------
_put(
    ["glm-4.5"],
    _gqa(
        92,
        5120,
        96,
        8,
        128,
        slime("glm4.5-355B-A32B.sh"),
        full_attention_layers=92,
        ffn="moe",
        dense_layers=3,
        moe_layers=89,
        dense_ffn_size=12288,
        routed_experts=160,
        experts_per_token=8,
        shared_experts=1,
        expert_ffn_size=1536,
        shared_expert_ffn_size=1536,
        vocab_size=151552,
        tied_embeddings=False,
        notes="N_DENSE_LAYERS=3, N_MOE_LAYERS=89",
    ),
)
_put(
    ["glm-4.5-air"],
    _gqa(
        46,
        4096,
        96,
        8,
        128,
        slime("glm4.5-106B-A12B.sh"),
        full_attention_layers=46,
        ffn="moe",
        dense_layers=1,
        moe_layers=45,
        dense_ffn_size=10944,
        routed_experts=128,
        experts_per_token=8,
        shared_experts=1,
        expert_ffn_size=1408,
        shared_expert_ffn_size=1408,
        vocab_size=151552,
        tied_embeddings=False,
        notes="N_DENSE_LAYERS=1, N_MOE_LAYERS=45; script name glm4.5-106B-A12B (GLM-4.5-Air's "
        "size)",
    ),
)
_GLM5 = dict(
    layers=78,
    attention="mla",
    hidden_size=6144,
    attention_heads=64,
    q_lora_rank=2048,
    kv_lora_rank=512,
    qk_nope_head_dim=192,
    qk_rope_head_dim=64,
    v_head_dim=256,
    full_attention_layers=78,
    ffn="moe",
    dense_layers=3,
    moe_layers=75,
    dense_ffn_size=12288,
    routed_experts=256,
    experts_per_token=8,
    shared_experts=1,
    expert_ffn_size=2048,
    shared_expert_ffn_size=2048,
    vocab_size=154880,
    tied_embeddings=False,
)
_put(
    ["glm-5"],
    Shape(
        source=slime("glm5-744B-A40B.sh"),
        attention_notes="MLA with DSA sparse attention (glm5 spec); every layer keeps the "
        "compressed KV cache",
        notes="N_DENSE_LAYERS=3, N_MOE_LAYERS=75; --qk-head-dim 192 is the non-rotary part",
        **_GLM5,
    ),
)  # type: ignore[arg-type]
_put(
    ["glm-5.2"],
    Shape(
        source=slime("glm5.2-744B-A40B.sh"),
        attention_notes="MLA with DSA sparse attention and cross-layer index sharing "
        "(index_topk_freq 4 per "
        "the script's comment)",
        notes="N_DENSE_LAYERS=3, N_MOE_LAYERS=75; same dimensions as glm-5, rotary base 8e6",
        **_GLM5,
    ),
)  # type: ignore[arg-type]
# --- MiniMax, OpenAI, Google, NVIDIA ------------------------------------------------------------
_put(
    ["minimax-m2.5"],
    _gqa(
        62,
        3072,
        48,
        8,
        128,
        slime("minimax-m2.sh") + " (headed '# MiniMax-M2.5 (229B, 62 layers, 256 experts, top-8)')",
        full_attention_layers=62,
        ffn="moe",
        dense_layers=0,
        moe_layers=62,
        routed_experts=256,
        experts_per_token=8,
        shared_experts=0,
        expert_ffn_size=1536,
        vocab_size=200064,
        tied_embeddings=False,
        notes="--moe-layer-freq [1]*62; --rotary-percent 0.5",
    ),
)
_put(
    ["gpt-oss-120b"],
    _gqa(
        36,
        2880,
        64,
        8,
        64,
        f"{MAXTEXT} gpt_oss_120b_dict",
        full_attention_layers=18,
        attention_notes="layers alternate sliding-window (128 tokens) and full attention "
        "(layer_types); "
        "sliding layers keep at most 128 tokens of KV",
        ffn="moe",
        dense_layers=0,
        moe_layers=36,
        routed_experts=128,
        experts_per_token=4,
        shared_experts=0,
        expert_ffn_size=2880,
        vocab_size=201088,
        tied_embeddings=False,
        notes="full_attention_layers = the 'full_attention' entries of layer_types (half of 36)",
    ),
)
_put(
    ["gpt-oss-20b"],
    _gqa(
        24,
        2880,
        64,
        8,
        64,
        f"{MAXTEXT} gpt_oss_20b_dict",
        full_attention_layers=12,
        attention_notes="layers alternate sliding-window (128 tokens) and full attention "
        "(layer_types)",
        ffn="moe",
        dense_layers=0,
        moe_layers=24,
        routed_experts=32,
        experts_per_token=4,
        shared_experts=0,
        expert_ffn_size=2880,
        vocab_size=201088,
        tied_embeddings=False,
        notes="full_attention_layers = the 'full_attention' entries of layer_types (12 of 24)",
    ),
)
_put(
    ["gemma-2-9b-base", "gemma-2-9b-it"],
    _gqa(
        42,
        3584,
        16,
        8,
        256,
        f"{MAXTEXT} gemma2_9b_config",
        attention_notes="sliding_window 4096 on the local layers; the local/global pattern is "
        "not printed in "
        "this source",
        dense_ffn_size=14336,
        notes=_SHARED_SAME,
    ),
)
_put(
    ["gemma-2-27b-base", "gemma-2-27b-it"],
    _gqa(
        46,
        4608,
        32,
        16,
        128,
        f"{MAXTEXT} gemma2_27b_config",
        attention_notes="sliding_window 4096 on the local layers; pattern not printed in this "
        "source",
        dense_ffn_size=36864,
        notes=_SHARED_SAME,
    ),
)
_put(
    ["gemma-3-27b-it"],
    _gqa(
        62,
        5376,
        32,
        16,
        128,
        f"{MAXTEXT} gemma3_27b_config text_config",
        full_attention_layers=10,
        attention_notes="sliding_window 1024 with sliding_window_pattern 6: every 6th layer is "
        "global",
        dense_ffn_size=21504,
        vocab_size=262144,
        notes="full_attention_layers = floor(62 / 6) = 10 global layers (derived from the printed "
        "pattern)",
    ),
)
_put(
    ["gemma-4-12b-it"],
    _gqa(
        48,
        3840,
        16,
        8,
        256,
        slime("gemma4-12B.sh", "e734ee75f9c4ea29fa4745f02151d758222ac943"),
        attention_notes="local/global attention pattern lives in the gemma4 spec, not printed here",
        dense_ffn_size=15360,
        vocab_size=262144,
        notes="script removed from the repo later (last version cited)",
    ),
)
_put(
    ["gemma-4-31b-it"],
    _gqa(
        60,
        5376,
        32,
        16,
        256,
        slime("gemma4-31B.sh", "e734ee75f9c4ea29fa4745f02151d758222ac943"),
        attention_notes="local/global attention pattern lives in the gemma4 spec, not printed here",
        dense_ffn_size=21504,
        vocab_size=262144,
        notes="script removed from the repo later (last version cited)",
    ),
)
_put(
    ["gemma-4-26b-a4b-it"],
    _gqa(
        30,
        2816,
        16,
        8,
        256,
        slime("gemma4-26B-A4B.sh", "e734ee75f9c4ea29fa4745f02151d758222ac943"),
        attention_notes="local/global attention pattern lives in the gemma4 spec, not printed here",
        ffn="moe",
        dense_ffn_size=2112,
        routed_experts=128,
        experts_per_token=8,
        expert_ffn_size=704,
        vocab_size=262144,
        notes="--ffn-hidden-size 2112 beside --num-experts 128 / --moe-ffn-hidden-size 704; how "
        "the dense FFN and the experts combine per layer is in the custom provider, not "
        "printed; dense/MoE split not stated",
    ),
)
_put(
    ["nemotron-3-nano-30b-a3b"],
    _gqa(
        52,
        2688,
        32,
        2,
        128,
        slime("nemotron-nano-30B-A3B.sh", "b6326a73a1974d0f313974b03f944aae85965978"),
        full_attention_layers=6,
        attention_notes="hybrid Mamba-2 / attention / MoE: --hybrid-override-pattern has 6 "
        "attention ('*'), "
        "23 Mamba ('M') and 23 MoE ('E') layers; Mamba layers keep a fixed-size state",
        ffn="moe",
        dense_layers=0,
        moe_layers=23,
        routed_experts=128,
        experts_per_token=6,
        expert_ffn_size=1856,
        shared_expert_ffn_size=3712,
        tied_embeddings=False,
        notes="layers counts the pattern's 52 blocks (Megatron hybrid layers), not transformer "
        "blocks; shared expert size 3712 as printed (number of shared experts not stated)",
    ),
)


def build_shapes(model_ids: set[str]) -> list[Row]:
    """The model_shapes table.

    Raises:
        ValueError: a shape names a model_id that models lacks.
    """
    rows = []
    for model_id, shape in sorted(SHAPES.items()):
        if model_id not in model_ids:
            raise ValueError(f"model_shapes: unknown model_id {model_id!r}")
        values = asdict(shape)
        row: Row = {"model_id": model_id}
        for k, v in values.items():
            if v is None:
                row[k] = ""
            elif isinstance(v, bool):
                row[k] = "true" if v else "false"
            else:
                row[k] = str(v)
        rows.append(row)
    return rows


# slime scripts held by the reference -> the models whose rows cite them.
SLIME_IN_REFERENCE = {
    "deepseek-v3.sh": ["deepseek-r1"],
    "kimi-k2.sh": ["kimi-k2-instruct"],
    "kimi-k2-thinking.sh": ["kimi-k2-thinking"],
    "glm5-744B-A40B.sh": ["glm-5"],
    "glm5.2-744B-A40B.sh": ["glm-5.2"],
    "minimax-m2.sh": ["minimax-m2.5"],
    "qwen3.5-0.8B.sh": ["qwen3.5-0.8b"],
    "qwen3.5-4B.sh": ["qwen3.5-4b"],
    "qwen3.5-9B.sh": ["qwen3.5-9b"],
    "qwen3.5-27B.sh": ["qwen3.5-27b"],
    "qwen3.5-35B-A3B.sh": ["qwen3.5-35b-a3b"],
}
_ARG_FIELDS = {
    "--num-layers": "layers",
    "--hidden-size": "hidden_size",
    "--num-attention-heads": "attention_heads",
    "--num-query-groups": "kv_heads",
    "--q-lora-rank": "q_lora_rank",
    "--kv-lora-rank": "kv_lora_rank",
    "--qk-pos-emb-head-dim": "qk_rope_head_dim",
    "--v-head-dim": "v_head_dim",
    "--num-experts": "routed_experts",
    "--moe-router-topk": "experts_per_token",
    "--moe-ffn-hidden-size": "expert_ffn_size",
    "--moe-shared-expert-intermediate-size": "shared_expert_ffn_size",
    "--vocab-size": "vocab_size",
}


def check_against_slime(ref: Path, *, only_present: bool = False) -> list[str]:
    """Problems where a shape disagrees with the reference's copy of the slime script it cites.

    Args:
        ref: the reference folder.
        only_present: check only the scripts present (for excerpts); otherwise a
            missing script is a problem.
    """
    folder = ref / "fresh_2026" / "open_models" / "slime_model_scripts"
    problems = []
    for script, model_ids in SLIME_IN_REFERENCE.items():
        if not (folder / script).is_file():
            if not only_present:
                problems.append(f"model_shapes: {script} missing from {folder}")
            continue
        args = slime_args((folder / script).read_text(encoding="utf-8"))
        for model_id in model_ids:
            shape = SHAPES[model_id]
            expect = {}
            for flag, field in _ARG_FIELDS.items():
                if flag in args:
                    expect[field] = int(args[flag])
            if shape.attention == "mla":
                expect["qk_nope_head_dim"] = int(args["--qk-head-dim"])
            elif "--kv-channels" in args:
                expect["head_dim"] = int(args["--kv-channels"])
            if shape.ffn == "moe" and "--moe-layer-freq" in args:
                freq = args["--moe-layer-freq"]
                if freq.startswith("$"):  # built by a loop from FIRST_K_DENSE_REPLACE
                    dense = int(args.get("FIRST_K_DENSE_REPLACE", "0"))
                    expect["dense_layers"], expect["moe_layers"] = dense, shape.layers - dense
                else:
                    expect["dense_layers"], expect["moe_layers"] = moe_layer_split(
                        freq, shape.layers
                    )
            if shape.ffn == "dense" and "--ffn-hidden-size" in args:
                expect["dense_ffn_size"] = int(args["--ffn-hidden-size"])
            elif shape.ffn == "moe" and "--ffn-hidden-size" in args and shape.dense_layers:
                expect["dense_ffn_size"] = int(args["--ffn-hidden-size"])
            untied = "--untie-embeddings-and-output-weights" in args
            expect["tied_embeddings"] = not untied
            got = asdict(shape)
            for field, value in expect.items():
                if got[field] != value:
                    problems.append(
                        f"model_shapes {model_id}: {field} = {got[field]!r} but {script} says "
                        f"{value!r}"
                    )
    return problems


def fill_models_from_shapes(models: list[Row]) -> list[str]:
    """Copy layers / kv_heads / head_dim into models from a full-attention GQA/MHA shape.

    A models row that already holds the figures must agree with its shape. Rows of
    MLA, sliding-window or hybrid models are not filled: a per-head KV-cache
    formula over all layers would overstate their cache (see model_shapes).

    Returns:
        The decision log.

    Raises:
        ValueError: a models row disagrees with its shape.
    """
    log = []
    for row in models:
        shape = SHAPES.get(row["model_id"])
        if shape is None:
            continue
        figures = (str(shape.layers), str(shape.kv_heads or ""), str(shape.head_dim or ""))
        have = (row["layers"], row["kv_heads"], row["head_dim"])
        if any(have):
            if shape.attention != "mla" and have != figures:
                raise ValueError(
                    f"models {row['model_id']}: layers/kv_heads/head_dim {have} != shape {figures}"
                )
            continue
        if shape.attention in ("mha", "gqa") and shape.full_attention_layers == shape.layers:
            row["layers"], row["kv_heads"], row["head_dim"] = figures
            row["spec_source"] = "; ".join(
                x for x in (row["spec_source"], f"layers/kv_heads/head_dim: {shape.source}") if x
            )
            log.append(f"models: {row['model_id']}: layers/kv_heads/head_dim from model_shapes")
    return log
