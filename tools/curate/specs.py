"""Architecture figures of the open models used for hardware sizing, with their citations."""

from __future__ import annotations

from collections.abc import Iterable

# ---------------------------------------------------------------------------
# Sources cited for figures that are not in the reference snapshot
# ---------------------------------------------------------------------------

LLAMA_STACK = (
    "meta-llama/llama-stack:llama_stack/models/llama/sku_list.py"
    "@012dd6891ff6af98b46146f3dc41995986cdcfcc"
)
MAXTEXT = (
    "AI-Hypercomputer/maxtext:src/MaxText/utils/ckpt_conversion/utils/hf_model_configs.py"
    "@14b30db0f9b9fdb22738fbbc34282aaa388269bc"
)
FAIRSEQ2_LLAMA4 = (
    "facebookresearch/fairseq2:src/fairseq2/models/llama4/config.py"
    "@83eab3514f656783c8b1699e7d8a150ab89c9fc6"
)
HF_LLAMA4 = (
    "huggingface/transformers:src/transformers/models/llama4/configuration_llama4.py"
    "@b17cfe48c5a9631dcf9f57f3865a055903800f81"
)
NEMO_MIXTRAL = (
    "NVIDIA/NeMo:nemo/collections/llm/gpt/model/mixtral.py@d24cc776e874ed5b8f787365b574cdc0212f8c25"
)
NEMO_MISTRAL = (
    "NVIDIA/NeMo:nemo/collections/llm/gpt/model/mistral.py@51e4f9468fb6835cc06d1846c9eca9a3a5f0ddb2"
)
NEMO_QWEN2 = (
    "NVIDIA/NeMo:nemo/collections/llm/gpt/model/qwen2.py@6356bb81e75b827daefc4bf8cd139242759a281e"
)
NEMO_QWEN3 = (
    "NVIDIA/NeMo:nemo/collections/llm/gpt/model/qwen3.py@b7805b7a194c834cd7be6186bd4c75b49a92cd92"
)
QWEN25_BLOG = (
    "QwenLM/qwenlm.github.io:content/blog/qwen2.5-llm/index.md@"
    "a55fd10480de419b462edb4d049c914813731b2e"
)
QWEN3_BLOG = (
    "QwenLM/qwenlm.github.io:content/blog/qwen3/index.md@ab34a96447550d9225c67004625f8e69917992ea"
)
LITGPT = "Lightning-AI/litgpt:litgpt/config.py@0006c973aa7d6ace293e2a5fedaf1f8f804f960c"
SCALE_FIXTURES = (
    "scaleapi/llm-engine:model-engine/tests/unit/domain/test_llm_use_cases.py"
    "@28edd64a8717c3a64fb53c874d1513fbb64be880"
)

# Hardware-sizing figures: model_id -> (layers, kv_heads, head_dim, spec_source).
# head_dim is taken as printed where the source states it; otherwise it is
# hidden size / attention heads from the same source, and the text says so.
# Base and instruct/chat releases of one size share the architecture (the
# instruct model is a fine-tune of the base), so both rows get the figures.
_L3 = f"{LLAMA_STACK} arch_args"
SPECS: dict[str, tuple[int, int, int, str]] = {}


def _spec(ids: Iterable[str], layers: int, kv: int, hd: int, src: str) -> None:
    for model_id in ids:
        SPECS[model_id] = (layers, kv, hd, src)


_spec(
    ["llama-2-7b-base", "llama-2-7b-chat"],
    32,
    32,
    128,
    f"{SCALE_FIXTURES} (copy of meta-llama/Llama-2-7b-hf config.json: 32 layers, 32 KV heads = "
    f"no GQA; "
    "head_dim = hidden 4096 / 32 heads); chat release shares the base architecture",
)
_spec(
    ["llama-2-13b-base", "llama-2-13b-chat"],
    40,
    40,
    128,
    f"{SCALE_FIXTURES} (copy of meta-llama/Llama-2-13b-hf config.json: 40 layers, 40 KV heads; "
    "head_dim = 5120 / 40); chat release shares the base architecture",
)
_spec(
    ["llama-2-70b-base", "llama-2-70b-chat"],
    80,
    8,
    128,
    f"{SCALE_FIXTURES} (copy of meta-llama/Llama-2-70b-hf config.json: 80 layers, 8 KV heads; "
    "head_dim = 8192 / 64); chat release shares the base architecture",
)
_spec(
    ["llama-3-8b-base", "llama-3-8b-instruct"],
    32,
    8,
    128,
    f"{_L3} llama3_8b(_instruct): n_layers 32, n_kv_heads 8; head_dim = dim 4096 / n_heads 32",
)
_spec(
    ["llama-3-70b-base", "llama-3-70b-instruct"],
    80,
    8,
    128,
    f"{_L3} llama3_70b(_instruct): n_layers 80, n_kv_heads 8; head_dim = dim 8192 / n_heads 64",
)
_spec(
    ["llama-3.1-8b-base", "llama-3.1-8b-instruct"],
    32,
    8,
    128,
    f"{_L3} llama3_1_8b(_instruct): n_layers 32, n_kv_heads 8; head_dim 128 as printed in "
    f"{MAXTEXT} llama31_8b_config",
)
_spec(
    ["llama-3.1-70b-base", "llama-3.1-70b-instruct"],
    80,
    8,
    128,
    f"{_L3} llama3_1_70b(_instruct): n_layers 80, n_kv_heads 8; head_dim 128 as printed in "
    f"{MAXTEXT} llama31_70b_config",
)
_spec(
    ["llama-3.1-405b-base", "llama-3.1-405b-instruct"],
    126,
    8,
    128,
    f"{_L3} llama3_1_405b(_instruct) bf16-mp8/fp8: n_layers 126, n_kv_heads 8 (the bf16-mp16 "
    f"checkpoint "
    f"layout lists 16); head_dim 128 as printed in {MAXTEXT} llama31_405b_config",
)
_spec(
    ["llama-3.2-1b-base", "llama-3.2-1b-instruct"],
    16,
    8,
    64,
    f"{_L3} arch_args_1b: n_layers 16, n_kv_heads 8; head_dim = dim 2048 / n_heads 32",
)
_spec(
    ["llama-3.2-3b-base", "llama-3.2-3b-instruct"],
    28,
    8,
    128,
    f"{_L3} arch_args_3b: n_layers 28, n_kv_heads 8; head_dim = dim 3072 / n_heads 24",
)
_spec(
    ["llama-3.3-70b-instruct"],
    80,
    8,
    128,
    f"{_L3} llama3_3_70b_instruct: n_layers 80, n_kv_heads 8; head_dim = dim 8192 / n_heads 64",
)
_spec(
    ["llama-4-scout-base", "llama-4-scout-instruct"],
    48,
    8,
    128,
    f"{FAIRSEQ2_LLAMA4} llama4_scout_17b_16e: num_layers 48, num_key_value_heads 8, model_dim "
    f"5120 / "
    f"40 heads = 128; head_dim 128 also the default of {HF_LLAMA4} (Llama4TextConfig, defaults = "
    f"Scout 109B)",
)
_spec(
    ["llama-4-maverick-base", "llama-4-maverick-instruct"],
    48,
    8,
    128,
    f"{FAIRSEQ2_LLAMA4} llama4_maverick_17b_128e (inherits the Scout attention settings: "
    f"num_layers 48, "
    "num_key_value_heads 8, model_dim 5120 / 40 heads = 128)",
)
_spec(
    ["mixtral-8x7b-base", "mixtral-8x7b-instruct"],
    32,
    8,
    128,
    f"{NEMO_MIXTRAL} MixtralConfig8x7B: num_layers 32, num_query_groups 8; head_dim = hidden "
    f"4096 / 32 heads; "
    f"same figures in the config.json copy used by {SCALE_FIXTURES} ('mixtral-8x7b')",
)
_spec(
    ["mixtral-8x22b-base", "mixtral-8x22b-instruct"],
    56,
    8,
    128,
    f"{NEMO_MIXTRAL} MixtralConfig8x22B: num_layers 56, num_query_groups 8; head_dim = hidden "
    f"6144 / 48 heads; "
    f"same figures in the config.json copy used by {SCALE_FIXTURES} ('mixtral-8x22b')",
)
_spec(
    ["mistral-7b-base", "mistral-7b-instruct-open-mistral-7b", "mistral-7b-instruct-v0.3"],
    32,
    8,
    128,
    f"{NEMO_MISTRAL} MistralConfig7B: num_layers 32, num_query_groups 8; head_dim = hidden 4096 /"
    f" 32 heads "
    "(one config for the Mistral 7B releases; v0.3 changed the vocabulary, not the attention)",
)
_spec(
    ["mistral-nemo-instruct-2407"],
    40,
    8,
    128,
    f"{NEMO_MISTRAL} MistralNeMo2407Config12B: num_layers 40, kv_channels 128, num_query_groups "
    f"8 (inherited)",
)
_spec(
    ["mistral-large-2-2407"],
    88,
    8,
    128,
    f"{NEMO_MISTRAL} MistralNeMo2407Config123B: num_layers 88, kv_channels 128, num_query_groups "
    f"8 (inherited)",
)
_spec(
    ["qwen2-7b-base", "qwen2-7b-instruct"],
    28,
    4,
    128,
    f"{NEMO_QWEN2} Qwen2Config7B: num_layers 28, num_query_groups 4; head_dim = hidden 3584 / 28 "
    f"heads",
)
_spec(
    ["qwen2-72b-base", "qwen2-72b-instruct"],
    80,
    8,
    128,
    f"{NEMO_QWEN2} Qwen2Config72B: num_layers 80, num_query_groups 8; head_dim = hidden 8192 / "
    f"64 heads; "
    f"same figures in the Qwen2-72B-Instruct config.json copy used by {SCALE_FIXTURES}",
)
_spec(
    ["qwen2.5-7b-base", "qwen2.5-7b-instruct"],
    28,
    4,
    128,
    f"{QWEN25_BLOG} model card table: Layers 28, Heads (Q/KV) 28/4; head_dim = hidden 3584 / 28 "
    f"heads, "
    f"hidden size from {NEMO_QWEN2} Qwen2Config7B (same layer/head shape; NeMo's Qwen 2.5 7B "
    f"config reuses it)",
)
_spec(
    ["qwen2.5-72b-base", "qwen2.5-72b-instruct"],
    80,
    8,
    128,
    f"{QWEN25_BLOG} model card table: Layers 80, Heads (Q/KV) 64/8; head_dim = hidden 8192 / 64 "
    f"heads, "
    f"hidden size from {NEMO_QWEN2} Qwen2Config72B (same layer/head shape)",
)
_spec(
    ["qwen3-235b-a22b"],
    94,
    4,
    128,
    f"{QWEN3_BLOG} table: Layers 94, Heads (Q/KV) 64/4; head_dim: kv_channels 128 in {NEMO_QWEN3} "
    f"(Qwen3Config235B_A22B) and head_size 128 in {LITGPT} (Qwen3-235B-A22B)",
)
_spec(
    ["qwen3-32b"],
    64,
    8,
    128,
    f"{QWEN3_BLOG} table: Layers 64, Heads (Q/KV) 64/8; head_dim 128 as printed in {MAXTEXT} "
    f"qwen3_32b_config "
    f"and kv_channels 128 in {NEMO_QWEN3}",
)
_spec(
    ["gemma-2-9b-base", "gemma-2-9b-it"],
    42,
    8,
    256,
    f"{MAXTEXT} gemma2_9b_config: num_hidden_layers 42, num_key_value_heads 8, head_dim 256",
)
_spec(
    ["gemma-2-27b-base", "gemma-2-27b-it"],
    46,
    16,
    128,
    f"{MAXTEXT} gemma2_27b_config: num_hidden_layers 46, num_key_value_heads 16, head_dim 128 "
    "(NeMo's Gemma2Config27B would inherit kv_channels 256; the MaxText copy of the HF config is "
    "used)",
)
_spec(
    ["gpt-oss-120b"],
    36,
    8,
    64,
    f"{MAXTEXT} gpt_oss_120b_dict (copy of openai/gpt-oss-120b config.json): num_hidden_layers 36, "
    "num_key_value_heads 8, head_dim 64; layers alternate sliding-window (128 tokens) and full "
    "attention",
)
_spec(
    ["deepseek-r1-distill-llama-70b"],
    80,
    8,
    128,
    f"{LITGPT} R1-Distill-Llama-70B (from its config.json): n_layer 80, n_query_groups 8; "
    "head_dim = n_embd 8192 / n_head 64",
)

# DeepSeek V2/V3 and their derivatives use Multi-head Latent Attention: the KV
# cache holds a compressed latent, not per-head keys and values, so kv_heads /
# head_dim would mislead a GQA-style KV-cache estimate. They stay empty.
MLA_NOTE = (
    "kv_heads/head_dim left empty: Multi-head Latent Attention (MLA), not GQA; the KV cache "
    "stores a "
    "compressed latent, so a per-head KV estimate does not apply"
)
MLA_MODELS = {
    "deepseek-v2-base",
    "deepseek-v2-chat-rl",
    "deepseek-v2-chat-sft",
    "deepseek-v2-chat-version-unspecified",
    "deepseek-v2-lite-base",
    "deepseek-v2-lite-chat-sft",
    "deepseek-coder-v2-instruct",
    "deepseek-coder-v2-lite-instruct",
    "deepseek-v2.5-0905",
    "deepseek-v3",
    "deepseek-v3-base",
    "deepseek-v3-0324",
    "deepseek-r1",
    "deepseek-r1-0528",
    "deepseek-v3.1",
    "deepseek-v3.1-terminus",
    "deepseek-v3.2-exp",
    "deepseek-v3.2",
    "kimi-k2-base",
    "kimi-k2-instruct",
    "kimi-k2-thinking",
}

# Parameter counts the reference leaves blank, with their source.
EXTRA_PARAMS: dict[str, tuple[str, str, str, str]] = {
    # model_id: (total_b, active_b, architecture_detail, source)
    "gpt-oss-120b": (
        "117",
        "5.1",
        "MoE (128 experts, 4 active per token)",
        "OpenAI gpt-oss announcement table (117B total, 5.1B active, 36 layers, 128 experts / 4 "
        "active) as "
        "reproduced at https://www.fitmygpu.com/models/gpt-oss-120b and https://lephongphu.site/"
        "?p=726 "
        "(third-party copies; the model card gives 116.8B total)",
    ),
}
