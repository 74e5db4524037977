"""Build the curated tables in ``datasets/`` from the shared reference snapshot.

The reference folder (``../shared/reference`` beside the checkout) holds public
price databases, benchmark tables, arena ratings and hardware data, each with
its provenance in ``SOURCES.md`` and ``benchmarks/NOTES.md``. This script reads
the reference's curated CSVs (and a few raw files), maps them onto the columns
of ``datasets/schema.yaml`` and writes one CSV per table. It is deterministic:
the same reference gives byte-identical output.

Every mapping decision is written down beside the code that makes it. Figures
that the reference does not hold (layer counts, KV heads, head size of the
models used for hardware sizing) come from the public repositories named in
``SPECS`` below, each cited as ``owner/repo:path@commit``.

Usage::

    python tools/curate_reference.py --reference ../shared/reference
    python tools/curate_reference.py --reference ../shared/reference --check-only

The run ends with a self-check (row counts, unique keys, foreign keys, required
cells, allowed values, numeric bounds); any problem makes it exit with status 1
and nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference"
DEFAULT_OUT = REPO / "datasets"

# The reference was gathered on this date (its SOURCES.md); it is also the
# build date against which announced future prices count as "scheduled".
BUILD_DATE = date(2026, 11, 29)

# Minimum row counts the downstream tests rely on.
MINIMUM_ROWS = {
    "models": 80,
    "benchmark_scores": 1500,
    "arena_ratings": 1000,
    "api_prices": 150,
    "gpus": 15,
    "gpu_cloud_prices": 40,
    "gap_claims": 4,
}

Row = dict[str, str]


# ---------------------------------------------------------------------------
# Small utilities
# ---------------------------------------------------------------------------


def read_csv(path: Path) -> list[Row]:
    """Rows of a CSV as dicts of strings; ``#`` comment lines before the header are skipped."""
    text = path.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    # Cells are stripped: a few reference cells carry stray spaces.
    return [
        {k: (v or "").strip() for k, v in r.items()}
        for r in csv.DictReader(io.StringIO("".join(lines)))
    ]


def num(value: str | float | Decimal | None, places: int | None = None) -> str:
    """A number as plain decimal text without needless trailing zeros ('' stays '').

    Args:
        value: the number, or its text as printed in a source.
        places: round half-up to this many decimals first (for derived values).

    Returns:
        e.g. ``'3'`` for ``'3.0'``, ``'0.135'`` for ``0.135``; never exponent notation.

    Raises:
        ValueError: when ``value`` is not a finite number.
    """
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return ""
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def slug(name: str) -> str:
    """Lower-case slug of a display name: 'GPT-4o (2024-05-13)' -> 'gpt-4o-2024-05-13'."""
    s = name.lower().replace("+", "-plus")
    s = s.replace(
        "(base)", "base"
    )  # base rows keep a '-base' suffix so they never clash with chat rows
    s = re.sub(r"[()]", " ", s)
    s = re.sub(r"[^a-z0-9._-]+", "-", s.strip())
    return re.sub(r"-+", "-", s).strip("-")


_CTX = re.compile(r"^(\d+(?:\.\d+)?)\s*([kKmM])$")


def context_tokens(printed: str) -> tuple[str, str]:
    """Context window as an integer token count, plus a note on the conversion.

    Sources print '128k', '32K', '1M'. We convert with binary multiples
    (k = 1,024; M = 1,048,576): that is how the model configs express the same
    limits (e.g. Llama 3.1 '128k' is max_position_embeddings 131072).
    """
    printed = printed.strip()
    if not printed:
        return "", ""
    if printed.isdigit():
        return printed, ""
    m = _CTX.match(printed)
    if not m:
        raise ValueError(f"unrecognised context window {printed!r}")
    factor = 1024 if m.group(2).lower() == "k" else 1024 * 1024
    tokens = int(Decimal(m.group(1)) * factor)
    return str(tokens), f"context_window printed as '{printed}' (converted with k=1024, M=1024^2)"


def join_notes(*parts: str) -> str:
    """Non-empty parts joined with '; ' (no duplicates, order kept)."""
    seen: list[str] = []
    for p in parts:
        p = (p or "").strip()
        if p and p not in seen:
            seen.append(p)
    return "; ".join(seen)


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
GENAI = "pydantic/genai-prices"
GENAI_HEAD = "47df840a"
EPOCH_VERSIONS = "epoch-research/benchmark-stitching:data/model_versions.csv@37d55ed"


def _epoch_date(version_id: str) -> str:
    """How a release date taken from Epoch's model_versions table is cited."""
    return f'{EPOCH_VERSIONS} (Epoch AI, "Version release date") id="{version_id}"'


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


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------

MODEL_ID_OVERRIDES = {
    # The generic slug is unwieldy or misleading for these names.
    "Mistral 7B Instruct (API open-mistral-7b)": "mistral-7b-instruct-open-mistral-7b",
    "Gemini 2.5 Pro (GA)": "gemini-2.5-pro",  # the GA model is what the API id gemini-2.5-pro names
    "Gemini 2.5 Deep Think (2025-08-01 web app)": "gemini-2.5-deep-think-2025-08-01",
}

ARCH = {  # architecture as printed -> schema value (architecture_detail keeps the print)
    "dense": "dense",
    "dense (vision adapter)": "dense",
    "MoE": "moe",
    "MoE (hybrid lightning attention)": "moe",
    "MoE (sparse attention)": "moe",
    "hybrid SSM-Transformer MoE": "moe",
}

# Models that prices name but the benchmark reference does not hold. Each is
# (name, family, organisation, open_weights, open_weights_basis, model_type,
#  model_type_basis, release_date, release_date_source, extra) where extra may
# carry params/architecture/licence sourced from the price database text.
# release_date stays empty unless a reference source states it: the first
# date a price database recorded a model is not its release date.
_CLOSED_BASIS = (
    "family rule of reference prices/api_prices_curated.csv: GPT, o-series, Claude "
    "and Gemini are closed"
)
_OPEN_BASIS = (
    "family rule of reference prices/api_prices_curated.csv: Llama, Mistral, Mixtral, Codestral, "
    "DeepSeek, "
    "Qwen and Gemma are open-weight (family rule, not a licence check)"
)
_FAM_T = "model_type from the family's rows in models (not stated by the price source)"

NEW_MODELS: dict[str, dict[str, str]] = {}


def _new(model_id: str, **kw: str) -> None:
    NEW_MODELS[model_id] = kw


for _mid, _name, _fam in [
    ("claude-opus-4.5", "Claude Opus 4.5", "Claude Opus 4.5"),
    ("claude-opus-4.6", "Claude Opus 4.6", "Claude Opus 4.6"),
    ("claude-opus-4.7", "Claude Opus 4.7", "Claude Opus 4.7"),
    ("claude-opus-4.8", "Claude Opus 4.8", "Claude Opus 4.8"),
    ("claude-opus-5", "Claude Opus 5", "Claude Opus 5"),
    ("claude-sonnet-4.6", "Claude Sonnet 4.6", "Claude Sonnet 4.6"),
    ("claude-sonnet-5", "Claude Sonnet 5", "Claude Sonnet 5"),
    ("claude-fable-5", "Claude Fable 5", "Claude Fable 5"),
]:
    _new(
        _mid,
        name=_name,
        family=_fam,
        organisation="Anthropic",
        open_weights="false",
        open_weights_basis=_CLOSED_BASIS,
        model_type="hybrid-reasoning",
        type_basis=_FAM_T + " (Claude 4 rows are hybrid-reasoning)",
        provider="anthropic",
    )

_new(
    "claude-3.5-sonnet",
    name="Claude 3.5 Sonnet (API alias, snapshot unspecified)",
    family="Claude 3.5 Sonnet",
    organisation="Anthropic",
    open_weights="false",
    open_weights_basis=_CLOSED_BASIS,
    model_type="chat",
    type_basis=_FAM_T,
    provider="anthropic",
    note="alias row: genai-prices' entry 'claude-3-5-sonnet' matches every claude-3-5-sonnet* "
    "id, i.e. both "
    "snapshots 2024-06-20 and 2024-10-22 (rows claude-3.5-sonnet-2024-06-20 / -2024-10-22); "
    "which one a price "
    "applied to is not recorded, so prices attach here",
)
_new(
    "gpt-4o",
    name="GPT-4o (API alias, snapshot unspecified)",
    family="GPT-4o",
    organisation="OpenAI",
    open_weights="false",
    open_weights_basis=_CLOSED_BASIS,
    model_type="chat",
    type_basis=_FAM_T,
    provider="openai",
    note="alias row: genai-prices' entry 'gpt-4o' matches gpt-4o, gpt-4o-2024-05-13, -2024-08-06 "
    "and "
    "-2024-11-20 at one price; the alias moved between snapshots, so prices attach to this "
    "family-level row",
)
for _mid, _name, _t, _tb in [
    ("gpt-5.2", "GPT-5.2", "reasoning", _FAM_T + " (GPT-5 rows are reasoning)"),
    ("gpt-5.2-pro", "GPT-5.2 Pro", "reasoning", _FAM_T + " (GPT-5 Pro row is reasoning)"),
    (
        "gpt-5.3",
        "GPT-5.3 Chat",
        "chat",
        f"{GENAI}:prices/providers/openai.yml@{GENAI_HEAD} names it 'GPT-5.3 Chat' ('Instant "
        f"model used in ChatGPT')",
    ),
    ("gpt-5.4", "GPT-5.4", "reasoning", _FAM_T + " (GPT-5 rows are reasoning)"),
    ("gpt-5.4-mini", "GPT-5.4 mini", "reasoning", _FAM_T + " (GPT-5 mini row is reasoning)"),
    ("gpt-5.4-nano", "GPT-5.4 nano", "reasoning", _FAM_T + " (GPT-5 nano row is reasoning)"),
    ("gpt-5.4-pro", "GPT-5.4 Pro", "reasoning", _FAM_T + " (GPT-5 Pro row is reasoning)"),
    ("gpt-5.5", "GPT-5.5", "reasoning", _FAM_T + " (GPT-5 rows are reasoning)"),
    ("gpt-5.5-pro", "GPT-5.5 Pro", "reasoning", _FAM_T + " (GPT-5 Pro row is reasoning)"),
    ("gpt-5.6-luna", "GPT-5.6 Luna", "reasoning", _FAM_T + " (GPT-5 rows are reasoning)"),
    ("gpt-5.6-sol", "GPT-5.6 Sol", "reasoning", _FAM_T + " (GPT-5 rows are reasoning)"),
    ("gpt-5.6-terra", "GPT-5.6 Terra", "reasoning", _FAM_T + " (GPT-5 rows are reasoning)"),
]:
    _new(
        _mid,
        name=_name,
        family=_name.replace(" Chat", ""),
        organisation="OpenAI",
        open_weights="false",
        open_weights_basis=_CLOSED_BASIS,
        model_type=_t,
        type_basis=_tb,
        provider="openai",
    )
_new(
    "o1-pro",
    name="o1-pro",
    family="o1-pro",
    organisation="OpenAI",
    open_weights="false",
    open_weights_basis=_CLOSED_BASIS,
    model_type="reasoning",
    type_basis=_FAM_T + " (o-series rows are reasoning)",
    provider="openai",
    release_date="2025-03-19",
    release_date_source=_epoch_date("o1-pro-2025-03-19_low"),
)
_new(
    "o3-pro",
    name="o3-pro",
    family="o3-pro",
    organisation="OpenAI",
    open_weights="false",
    open_weights_basis=_CLOSED_BASIS,
    model_type="reasoning",
    type_basis=_FAM_T + " (o-series rows are reasoning)",
    provider="openai",
    release_date="2025-06-10",
    release_date_source=_epoch_date("o3-pro-2025-06-10_medium"),
)

_new(
    "gemini-2.0-flash-lite",
    name="Gemini 2.0 Flash-Lite",
    family="Gemini 2.0 Flash-Lite",
    organisation="Google",
    open_weights="false",
    open_weights_basis=_CLOSED_BASIS,
    model_type="chat",
    type_basis=_FAM_T + " (Gemini 2.0 Flash row is chat)",
    provider="google",
    release_date="2025-02-05",
    release_date_source=_epoch_date("gemini-2.0-flash-lite"),
)
_new(
    "gemini-2.5-flash",
    name="Gemini 2.5 Flash (GA)",
    family="Gemini 2.5 Flash",
    organisation="Google",
    open_weights="false",
    open_weights_basis=_CLOSED_BASIS,
    model_type="reasoning",
    type_basis=_FAM_T + " (Gemini 2.5 Flash previews are reasoning)",
    provider="google",
    release_date="2025-06-17",
    release_date_source=_epoch_date("gemini-2.5-flash"),
)
_new(
    "gemini-2.5-flash-lite",
    name="Gemini 2.5 Flash-Lite",
    family="Gemini 2.5 Flash-Lite",
    organisation="Google",
    open_weights="false",
    open_weights_basis=_CLOSED_BASIS,
    model_type="reasoning",
    type_basis=f"{GENAI}:prices/providers/google.yml@{GENAI_HEAD} describes it as 'a lightweight "
    f"reasoning model'",
    provider="google",
    note="Epoch model_versions dates only the previews (2025-06-17, 2025-09-25), not this id",
)
for _mid, _name in [
    ("gemini-3-flash-preview", "Gemini 3 Flash Preview"),
    ("gemini-3-pro-preview", "Gemini 3 Pro Preview"),
    ("gemini-3.1-flash-lite", "Gemini 3.1 Flash-Lite"),
    ("gemini-3.1-pro-preview", "Gemini 3.1 Pro Preview"),
    ("gemini-3.5-flash", "Gemini 3.5 Flash"),
    ("gemini-3.5-flash-lite", "Gemini 3.5 Flash-Lite"),
    ("gemini-3.6-flash", "Gemini 3.6 Flash"),
    ("gemini-3.7-flash", "Gemini 3.7 Flash"),
]:
    _new(
        _mid,
        name=_name,
        family=_name.replace(" Preview", ""),
        organisation="Google",
        open_weights="false",
        open_weights_basis=_CLOSED_BASIS,
        model_type="reasoning",
        type_basis=_FAM_T + " (Gemini 2.5 rows are reasoning)",
        provider="google",
    )

_new(
    "deepseek-chat",
    name="deepseek-chat (DeepSeek API alias)",
    family="DeepSeek API",
    organisation="DeepSeek",
    open_weights="true",
    open_weights_basis=_OPEN_BASIS,
    model_type="chat",
    type_basis="the API's non-thinking endpoint",
    provider="deepseek",
    note="alias row: the DeepSeek API id deepseek-chat served successive open-weight models (V3, "
    "V3-0324, "
    "V3.x); the sources do not record which model a price applied to",
)
_new(
    "deepseek-reasoner",
    name="deepseek-reasoner (DeepSeek API alias)",
    family="DeepSeek API",
    organisation="DeepSeek",
    open_weights="true",
    open_weights_basis=_OPEN_BASIS,
    model_type="reasoning",
    type_basis=f"{GENAI}:prices/providers/deepseek.yml@{GENAI_HEAD} lists it as 'Deepseek R1'",
    provider="deepseek",
    note="alias row: the DeepSeek API id deepseek-reasoner served successive reasoning models "
    "(R1, R1-0528, "
    "later thinking modes); genai-prices matches deepseek-r1* ids to the same entry",
)
_new(
    "deepseek-v3.2",
    name="DeepSeek V3.2",
    family="DeepSeek-V3.2",
    organisation="DeepSeek",
    open_weights="true",
    open_weights_basis=_OPEN_BASIS,
    model_type="hybrid-reasoning",
    type_basis=_FAM_T + " (DeepSeek-V3.2-Exp row is hybrid-reasoning)",
    provider="deepseek",
)
for _mid, _name in [
    ("deepseek-v4-flash", "DeepSeek V4 Flash"),
    ("deepseek-v4-pro", "DeepSeek V4 Pro"),
]:
    _new(
        _mid,
        name=_name,
        family="DeepSeek-V4",
        organisation="DeepSeek",
        open_weights="true",
        open_weights_basis=_OPEN_BASIS,
        model_type="hybrid-reasoning",
        type_basis=f"{GENAI}:prices/providers/deepseek.yml@{GENAI_HEAD}: 'Supports both "
        f"non-thinking and "
        "thinking (default) modes'",
        provider="deepseek",
    )

_new(
    "codestral",
    name="Codestral (API alias codestral-latest / codestral-2501)",
    family="Codestral",
    organisation="Mistral AI",
    open_weights="true",
    open_weights_basis=_OPEN_BASIS,
    model_type="instruct",
    type_basis=_FAM_T + " (Codestral 22B row is instruct)",
    provider="mistral",
    note="alias row: genai-prices' entry 'codestral' matches codestral-latest and "
    "codestral-2501; the family "
    "rule marks Codestral open-weight, but API-only versions may not have public weights",
)
_new(
    "codestral-2508",
    name="Codestral 2508",
    family="Codestral",
    organisation="Mistral AI",
    open_weights="true",
    open_weights_basis=_OPEN_BASIS,
    model_type="instruct",
    type_basis=_FAM_T + " (Codestral 22B row is instruct)",
    provider="mistral",
    note="family rule only: public weights for this version not verified",
)
_new(
    "mistral-large",
    name="Mistral Large (API alias, 2407/2411)",
    family="Mistral Large 2",
    organisation="Mistral AI",
    open_weights="true",
    open_weights_basis=f"{GENAI}:prices/providers/mistral.yml@{GENAI_HEAD} describes Mistral "
    f"Large 2 as "
    "'proprietary weights-available'; models rows mistral-large-2-2407/-2411 are open-weight",
    model_type="instruct",
    type_basis=_FAM_T + " (Mistral Large 2 rows are instruct)",
    provider="mistral",
    note="alias row: genai-prices' entry 'mistral-large' matches mistral-large, -latest, -2407 "
    "and -2411",
)
_new(
    "mistral-large-2512",
    name="Mistral Large 3 (2512)",
    family="Mistral Large 3",
    organisation="Mistral AI",
    open_weights="true",
    open_weights_basis=f"{GENAI}:prices/providers/mistral.yml@{GENAI_HEAD} description: "
    f"'released under the "
    "Apache 2.0 license'",
    model_type="instruct",
    type_basis=_FAM_T + " (Mistral Large 2 rows are instruct)",
    provider="mistral",
    params_total_b="675",
    params_active_b="41",
    architecture="moe",
    architecture_detail="sparse mixture-of-experts",
    spec_source=f"{GENAI}:prices/providers/mistral.yml@{GENAI_HEAD} description ('41B active "
    f"parameters (675B "
    "total)')",
    license="Apache 2.0 (per the genai-prices description)",
)
_new(
    "mistral-small-3.2",
    name="Mistral Small 3.2 (24B Instruct 2506)",
    family="Mistral Small",
    organisation="Mistral AI",
    open_weights="true",
    open_weights_basis=f"{GENAI}:prices/providers/mistral.yml@{GENAI_HEAD} describes "
    f"mistral-small-latest "
    "(named 'Mistral Small 3.2') as 'Apache 2.0'",
    model_type="instruct",
    type_basis="name 'Mistral-Small-3.2-24B-Instruct-2506' in the genai-prices description",
    provider="mistral",
    params_total_b="24",
    spec_source=f"{GENAI}:prices/providers/mistral.yml@{GENAI_HEAD} description ('updated 24B "
    f"parameter model')",
    license="Apache 2.0 (per the genai-prices description)",
)

_new(
    "qwen3.6-plus",
    name="Qwen3.6 Plus",
    family="Qwen Plus",
    organisation="Alibaba",
    open_weights="false",
    open_weights_basis="Qwen Plus API models are closed in the reference's models_curated.csv "
    "(Qwen Plus "
    "2025-01-25 / 2025-04-28); the price file's 'Qwen -> open' family rule is not applied to "
    "Plus models",
    model_type="hybrid-reasoning",
    type_basis=_FAM_T + " (Qwen Plus 2025-04-28 row is hybrid-reasoning)",
    provider="alibaba",
    note="llm-prices lists two tiers, 'qwen3.6-plus' (<=256k tokens) and 'qwen3.6-plus-256k' "
    "(>256k)",
)
_new(
    "qwen3-32b",
    name="Qwen3-32B",
    family="Qwen3",
    organisation="Alibaba",
    open_weights="true",
    open_weights_basis=f"vendor release blog {QWEN3_BLOG}: open-weighted under Apache 2.0",
    model_type="hybrid-reasoning",
    type_basis=f"{QWEN3_BLOG}: Qwen3 models have hybrid thinking modes",
    provider="groq",
    release_date="2025-04-29",
    release_date_source=f"{QWEN3_BLOG} (blog date)",
    license="Apache 2.0",
)
_new(
    "qwen2.5-vl-72b-instruct",
    name="Qwen2.5-VL-72B-Instruct",
    family="Qwen2.5-VL",
    organisation="Alibaba",
    open_weights="true",
    open_weights_basis=_OPEN_BASIS,
    model_type="instruct",
    type_basis="name (Instruct)",
    provider="fireworks",
    note="Epoch model_versions gives 2024-09-19, the Qwen2.5 LLM blog date, for this id; not "
    "used as its "
    "release date because it appears to be the family's date",
)
_new(
    "hermes-3-llama-3.1-405b",
    name="Hermes 3 Llama 3.1 405B",
    family="Hermes",
    organisation="Nous Research",
    open_weights="true",
    open_weights_basis=_OPEN_BASIS + "; a Llama 3.1 fine-tune",
    model_type="instruct",
    type_basis="instruction-tuned fine-tune (Hermes family row is instruct)",
    provider="deepinfra",
)
_new(
    "hermes-3-llama-3.1-70b",
    name="Hermes 3 Llama 3.1 70B",
    family="Hermes",
    organisation="Nous Research",
    open_weights="true",
    open_weights_basis=_OPEN_BASIS + "; a Llama 3.1 fine-tune",
    model_type="instruct",
    type_basis="instruction-tuned fine-tune (Hermes family row is instruct)",
    provider="deepinfra",
)
_new(
    "nous-hermes-2-mixtral-8x7b-dpo",
    name="Nous Hermes 2 Mixtral 8x7B DPO",
    family="Hermes",
    organisation="Nous Research",
    open_weights="true",
    open_weights_basis=_OPEN_BASIS + "; a Mixtral fine-tune",
    model_type="instruct",
    type_basis="instruction-tuned fine-tune (Hermes family row is instruct)",
    provider="fireworks",
)
_new(
    "dolphin-2.6-mixtral-8x7b",
    name="Dolphin 2.6 Mixtral 8x7B",
    family="Dolphin",
    organisation="Cognitive Computations",
    open_weights="true",
    open_weights_basis=_OPEN_BASIS + "; a Mixtral fine-tune",
    model_type="instruct",
    type_basis="instruction-tuned fine-tune",
    provider="fireworks",
)


# The models columns in schema order; a row carries all of them.
MODEL_COLUMNS = (
    "model_id name family organisation open_weights open_weights_basis model_type release_date "
    "release_date_source params_total_b params_active_b architecture architecture_detail "
    "context_window license layers kv_heads head_dim spec_source source notes"
).split()
# Columns models_curated.csv gives as they are.
_CURATED_MODEL_COLUMNS = (
    "family organisation open_weights open_weights_basis model_type release_date "
    "release_date_source license"
).split()


def build_models(
    ref: Path, bench_rows: Sequence[Row], price_rows: Sequence[Row]
) -> tuple[list[Row], dict[str, str]]:
    """The models table, and the map canonical model name -> model_id.

    Args:
        ref: the reference folder.
        bench_rows: rows of benchmarks/model_benchmarks_curated.csv (cited for rows without a
            source of their own).
        price_rows: rows of prices/api_prices_curated.csv (cited for the models added from them).

    Returns:
        (rows, name_to_id).
    """
    curated = read_csv(ref / "benchmarks" / "models_curated.csv")
    sources_by_model: dict[str, set[str]] = defaultdict(set)
    for b in bench_rows:
        sources_by_model[b["model"]].add(b["source"])

    name_to_id: dict[str, str] = {}
    rows: list[Row] = []
    for m in curated:
        model_id = MODEL_ID_OVERRIDES.get(m["model"], slug(m["model"]))
        name_to_id[m["model"]] = model_id
        notes = [m["notes"]]
        ctx, ctx_note = context_tokens(m["context_window"])
        notes.append(ctx_note)
        arch_printed = m["architecture"].strip()
        total, active = m["params_total_b"], m["params_active_b"]
        # The schema defines active = total for dense models; fill it where the
        # reference printed only the total for a plain dense model.
        if arch_printed == "dense" and total and not active:
            active = total
            notes.append("params_active_b set equal to params_total_b (dense)")
        spec_source = m["spec_source"]
        if (total or active) and not spec_source:
            # The reference filled these sizes from the model's name (e.g.
            # 'Qwen1.5-7B') or, where its notes say so, from Epoch's snapshot.
            spec_source = "reference benchmarks/models_curated.csv (size as given there; " + (
                "Epoch All ML Systems snapshot per its notes)"
                if "Epoch" in m["notes"]
                else "nominal size in the model's name)"
            )
        # The reference joins fact sources with ' || '; one row starts with an
        # empty release-date part ('' || params...), which is dropped.
        source = re.sub(r"^\|\|\s*", "", m["source"])
        if not source:
            # No fact beyond the model's identity: cite the tables that name it.
            source = "named in " + "; ".join(sorted(sources_by_model[m["model"]]))
        values = {k: m[k] for k in _CURATED_MODEL_COLUMNS}
        values.update(
            model_id=model_id,
            name=m["model"],
            params_total_b=num(total),
            params_active_b=num(active),
            architecture=ARCH[arch_printed] if arch_printed else "",
            architecture_detail=arch_printed,
            context_window=ctx,
            spec_source=spec_source,
            source=source,
        )
        rows.append(_model_row(values, notes))

    known = {r["model_id"] for r in rows}
    price_source: dict[str, set[str]] = defaultdict(set)
    first_price: dict[str, tuple[str, str]] = {}
    for p in price_rows:
        mid = API_MODEL_MAP.get((_provider(p["provider"]), p["model"]))
        if mid:
            price_source[mid].add(p["source"])
            if p["effective_date"]:
                cur = first_price.get(mid)
                if cur is None or p["effective_date"] < cur[0]:
                    first_price[mid] = (p["effective_date"], p["source"])
    for model_id, spec in sorted(NEW_MODELS.items()):
        if model_id in known:
            raise ValueError(f"added model {model_id} already exists in models_curated.csv")
        notes = [spec.get("note", ""), f"model_type: {spec['type_basis']}"]
        if model_id in first_price:
            d, s = first_price[model_id]
            notes.append(f"first price recorded {d} in {s.split(':')[0]} (not a release date)")
        src = (
            "; ".join(sorted(price_source[model_id]))
            or f"{GENAI}:prices/new_data/v2/data.json@{GENAI_HEAD}"
        )
        if spec.get("release_date_source") and spec["release_date_source"] not in src:
            src = join_notes(src, f"release_date: {spec['release_date_source']}")
        values = {k: v for k, v in spec.items() if k in MODEL_COLUMNS}
        values.update(
            model_id=model_id,
            params_total_b=num(spec.get("params_total_b", "")),
            params_active_b=num(spec.get("params_active_b", "")),
            source=src,
        )
        rows.append(_model_row(values, notes))
    rows.sort(key=lambda r: r["model_id"])
    return rows, name_to_id


def _model_row(values: Row, notes: list[str]) -> Row:
    """A models row: ``values``, empty columns elsewhere, specs applied, ``notes`` joined."""
    row: Row = {c: values.get(c, "") for c in MODEL_COLUMNS}
    _apply_specs(row, notes)
    row["notes"] = join_notes(*notes)
    return row


def _apply_specs(row: Row, notes: list[str]) -> None:
    """Fill layers / kv_heads / head_dim (and missing params) from SPECS and EXTRA_PARAMS."""
    model_id = row["model_id"]
    if model_id in SPECS:
        layers, kv, hd, src = SPECS[model_id]
        row["layers"], row["kv_heads"], row["head_dim"] = str(layers), str(kv), str(hd)
        row["spec_source"] = join_notes(
            f"params/context: {row['spec_source']}" if row["spec_source"] else "",
            f"layers/kv_heads/head_dim: {src}",
        )
    if model_id in EXTRA_PARAMS and not row["params_total_b"]:
        total, active, detail, src = EXTRA_PARAMS[model_id]
        row["params_total_b"], row["params_active_b"] = num(total), num(active)
        row["architecture"] = "moe"
        row["architecture_detail"] = row["architecture_detail"] or detail
        row["spec_source"] = join_notes(row["spec_source"], f"params: {src}")
    if model_id in MLA_MODELS:
        notes.append(MLA_NOTE)


# ---------------------------------------------------------------------------
# Benchmark scores
# ---------------------------------------------------------------------------

EVAL_RELATIONSHIP = {
    "self-reported": "self-reported",
    "reported by another developer (competitor/comparison column)": "competitor-reported",
    "copied from model developer report": "copied-from-developer",
    "independent third party": "independent",
}
# Epoch runs without a recorded run date: benchmarks_runs.csv@37d55ed is dated
# 2025-11-21 (NOTES.md), the last edit of the table, which the schema accepts.
EPOCH_RUNS_SOURCE = "epoch-research/benchmark-stitching:data/benchmarks_runs.csv@37d55ed"
EPOCH_RUNS_DATE = "2025-11-21"


def build_benchmark_scores(
    bench_rows: Sequence[Row], name_to_id: Mapping[str, str]
) -> tuple[list[Row], list[str]]:
    """The benchmark_scores table and a list of decisions taken (for the report)."""
    log: list[str] = []
    out: list[Row] = []
    for b in bench_rows:
        notes = [b["notes"]]
        source_date = b["source_date"]
        if not source_date:
            if b["source"] != EPOCH_RUNS_SOURCE:
                raise ValueError(f"benchmark row without a date outside Epoch runs: {b}")
            source_date = EPOCH_RUNS_DATE
            notes.append(
                f"run date not recorded; source_date is the table's commit date {EPOCH_RUNS_DATE}"
            )
        out.append(
            {
                "model_id": name_to_id[b["model"]],
                "benchmark": b["benchmark"],
                "benchmark_variant": b["benchmark_variant"],
                "score": num(b["score"]),
                "scale": b["scale"],
                "score_pct": num(b["score_pct"]),
                "setting": b["setting"],
                "reported_by": b["reported_by"],
                "eval_relationship": EVAL_RELATIONSHIP[b["eval_relationship"]],
                "source": b["source"],
                "source_date": source_date,
                "row_ref": f"{b['model_as_printed']} | {b['benchmark_as_printed']}",
                "notes": join_notes(
                    *notes,
                    f"printed '{b['score_as_printed']}'"
                    if b["score_as_printed"] != b["score"]
                    else "",
                ),
                "_printed": b["score_as_printed"],
            }
        )
    # Primary key: true duplicates (same score) are dropped; conflicting ones
    # get the printed score appended to row_ref so both remain citable.
    key = ("model_id", "benchmark", "benchmark_variant", "setting", "source", "row_ref")
    groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in out:
        groups[tuple(r[k] for k in key)].append(r)
    final: list[Row] = []
    for k, rs in groups.items():
        if len(rs) == 1:
            final.append(rs[0])
            continue
        if len({r["score"] for r in rs}) == 1:
            log.append(f"benchmark_scores: dropped {len(rs) - 1} true duplicate(s) of {k}")
            final.append(rs[0])
        else:
            for r in rs:
                r["row_ref"] = f"{r['row_ref']} | {r['_printed']}"
                final.append(r)
            log.append(f"benchmark_scores: disambiguated {len(rs)} conflicting rows of {k}")
    for r in final:
        r.pop("_printed", None)
    final.sort(key=lambda r: tuple(r[k] for k in key))
    if not log:
        log.append("benchmark_scores: primary key unique as given (no duplicates to drop)")
    return final, log


# ---------------------------------------------------------------------------
# Arena ratings
# ---------------------------------------------------------------------------

# Arena names that clearly are one model in models. Names left out are either
# not in models or ambiguous (e.g. 'GPT 3.5 Turbo' without a snapshot,
# 'ChatGPT-4o-latest' builds, experimental or anonymous entries, and
# 'Minimax-M1' which could be the 40K or 80K release).
ARENA_MAP = {
    "ChatGPT-4": "gpt-4",  # May-2023 board; GPT-4 without a snapshot, as the models row
    "GPT 4 Turbo": "gpt-4-turbo-1106-preview",  # first listed 2023-11-16: the only GPT-4 Turbo then
    "GPT-3.5-Turbo-0125": "gpt-3.5-turbo-0125",
    "GPT-3.5-Turbo-0613": "gpt-3.5-turbo-0613",
    "GPT-3.5-Turbo-1106": "gpt-3.5-turbo-1106",
    "GPT-4-0125-preview": "gpt-4-turbo-0125-preview",
    "GPT-4-1106-preview": "gpt-4-turbo-1106-preview",
    "GPT-4-0314": "gpt-4-0314",
    "GPT-4-0613": "gpt-4-0613",
    "GPT-4-Turbo-2024-04-09": "gpt-4-turbo-2024-04-09",
    "GPT-4.1-2025-04-14": "gpt-4.1-2025-04-14",
    "GPT-4.1-mini-2025-04-14": "gpt-4.1-mini-2025-04-14",
    "GPT-4.1-nano-2025-04-14": "gpt-4.1-nano-2025-04-14",
    "GPT-4.5-Preview": "gpt-4.5-preview-2025-02-27",
    "GPT-4o-2024-05-13": "gpt-4o-2024-05-13",
    "GPT-4o-2024-08-06": "gpt-4o-2024-08-06",
    "GPT-4o-mini-2024-07-18": "gpt-4o-mini-2024-07-18",
    "o1-2024-12-17": "o1-2024-12-17",
    "o1-mini": "o1-mini-2024-09-12",
    "o1-preview": "o1-preview-2024-09-12",
    "o3-2025-04-16": "o3-2025-04-16",
    "o3-mini": "o3-mini-2025-01-31",
    "o3-mini-high": "o3-mini-2025-01-31",  # same model, high reasoning effort
    "o4-mini-2025-04-16": "o4-mini-2025-04-16",
    "Claude 2": "claude-2.0",
    "Claude-2.0": "claude-2.0",
    "Claude-2.1": "claude-2.1",
    "Claude 3 Haiku": "claude-3-haiku",
    "Claude 3 Opus": "claude-3-opus",
    "Claude 3 Sonnet": "claude-3-sonnet",
    "Claude 3.5 Haiku (20241022)": "claude-3.5-haiku-2024-10-22",
    # listed from 2024-07, before the 20241022 snapshot existed
    "Claude 3.5 Sonnet": "claude-3.5-sonnet-2024-06-20",
    "Claude 3.5 Sonnet (20240620)": "claude-3.5-sonnet-2024-06-20",
    "Claude 3.5 Sonnet (20241022)": "claude-3.5-sonnet-2024-10-22",
    "Claude 3.7 Sonnet": "claude-3.7-sonnet-2025-02-19",
    # same model with a thinking budget
    "Claude 3.7 Sonnet (thinking-32k)": "claude-3.7-sonnet-2025-02-19",
    "Claude Opus 4 (20250514)": "claude-opus-4-2025-05-14",
    "Claude Opus 4 (thinking-16k)": "claude-opus-4-2025-05-14",
    "Claude Sonnet 4 (20250514)": "claude-sonnet-4-2025-05-14",
    "Claude Sonnet 4 (thinking-32k)": "claude-sonnet-4-2025-05-14",
    "Gemini-1.0-Pro-001": "gemini-1.0-pro-001",
    "Gemini-1.5-Flash-001": "gemini-1.5-flash-001",
    "Gemini-1.5-Flash-002": "gemini-1.5-flash-002",
    "Gemini-1.5-Flash-8B-001": "gemini-1.5-flash-8b-001",
    "Gemini-1.5-Pro-001": "gemini-1.5-pro-001",
    "Gemini-1.5-Pro-002": "gemini-1.5-pro-002",
    "Gemini-2.0-Flash-001": "gemini-2.0-flash-001",
    "Gemini-2.0-Flash-Lite": "gemini-2.0-flash-lite",
    "Gemini-2.0-Flash-Thinking-Exp-01-21": "gemini-2.0-flash-thinking-exp-01-21",
    "Gemini-2.0-Pro-Exp-02-05": "gemini-2.0-pro-exp-02-05",
    "Gemini-2.5-Flash": "gemini-2.5-flash",
    "Gemini-2.5-Flash-Preview-04-17": "gemini-2.5-flash-preview-04-17",
    "Gemini-2.5-Flash-Preview-05-20": "gemini-2.5-flash-preview-05-20",
    "Gemini-2.5-Pro": "gemini-2.5-pro",
    "Gemini-2.5-Pro-Exp-03-25": "gemini-2.5-pro-exp-03-25",
    "Gemini-2.5-Pro-Preview-05-06": "gemini-2.5-pro-preview-05-06",
    "Gemma-2-27B-it": "gemma-2-27b-it",
    "Gemma-2-27b-it": "gemma-2-27b-it",
    "Gemma-2-9B-it": "gemma-2-9b-it",
    "Gemma-2-9b-it": "gemma-2-9b-it",
    "Gemma-2-2b-it": "gemma-2-2b-it",
    "Gemma-3-27B-it": "gemma-3-27b-it",
    "LLaMA-13B": "llama-1-13b-base",
    "Llama-2-13b-chat": "llama-2-13b-chat",
    "Llama-2-70B-chat": "llama-2-70b-chat",
    "Llama-2-70b-chat": "llama-2-70b-chat",
    "Llama-2-7B-chat": "llama-2-7b-chat",
    "Llama-2-7b-chat": "llama-2-7b-chat",
    "Llama-3-70B-Instruct": "llama-3-70b-instruct",
    "Llama-3-70b-Instruct": "llama-3-70b-instruct",
    "Llama-3-8B-Instruct": "llama-3-8b-instruct",
    "Llama-3-8b-Instruct": "llama-3-8b-instruct",
    "Meta-Llama-3.1-405B-Instruct-bf16": "llama-3.1-405b-instruct",
    # Meta's FP8 release of the same model
    "Meta-Llama-3.1-405B-Instruct-fp8": "llama-3.1-405b-instruct",
    "Meta-Llama-3.1-405b-Instruct": "llama-3.1-405b-instruct",
    "Meta-Llama-3.1-405b-Instruct-bf16": "llama-3.1-405b-instruct",
    "Meta-Llama-3.1-405b-Instruct-fp8": "llama-3.1-405b-instruct",
    "Meta-Llama-3.1-70B-Instruct": "llama-3.1-70b-instruct",
    "Meta-Llama-3.1-70b-Instruct": "llama-3.1-70b-instruct",
    "Meta-Llama-3.1-8B-Instruct": "llama-3.1-8b-instruct",
    "Meta-Llama-3.1-8b-Instruct": "llama-3.1-8b-instruct",
    "Meta-Llama-3.2-1B-Instruct": "llama-3.2-1b-instruct",
    "Meta-Llama-3.2-1b-Instruct": "llama-3.2-1b-instruct",
    "Meta-Llama-3.2-3B-Instruct": "llama-3.2-3b-instruct",
    "Meta-Llama-3.2-3b-Instruct": "llama-3.2-3b-instruct",
    "Llama-3.3-70B-Instruct": "llama-3.3-70b-instruct",
    "Llama-4-Maverick-17B-128E-Instruct": "llama-4-maverick-instruct",
    "Llama-4-Scout-17B-16E-Instruct": "llama-4-scout-instruct",
    "Mixtral-8x7B-Instruct-v0.1": "mixtral-8x7b-instruct",
    "Mixtral-8x7b-Instruct-v0.1": "mixtral-8x7b-instruct",
    "Mixtral-8x22b-Instruct-v0.1": "mixtral-8x22b-instruct",
    "Mistral-Large-2402": "mistral-large-2402",
    "Mistral-Large-2407": "mistral-large-2-2407",
    "Mistral-Large-2411": "mistral-large-2-2411",
    "Mistral Medium 3": "mistral-medium-3-2505",
    "Mistral-Small-24B-Instruct-2501": "mistral-small-3-2501",
    "Mistral-Small-3.1-24B-Instruct-2503": "mistral-small-3.1-2503",
    "Ministral-8B-2410": "ministral-8b-2410",
    "DeepSeek-Coder-V2-Instruct": "deepseek-coder-v2-instruct",
    "DeepSeek-LLM-67B-Chat": "deepseek-llm-67b-chat",
    "DeepSeek-R1": "deepseek-r1",
    "DeepSeek-R1-0528": "deepseek-r1-0528",
    "DeepSeek-V3": "deepseek-v3",
    "DeepSeek-V3-0324": "deepseek-v3-0324",
    # listed from 2024-09-28; the 1210 update has its own name
    "Deepseek-v2.5": "deepseek-v2.5-0905",
    "Qwen1.5-32B-Chat": "qwen1.5-32b-chat",
    "Qwen1.5-72B-Chat": "qwen1.5-72b-chat",
    "Qwen1.5-7B-Chat": "qwen1.5-7b-chat",
    "Qwen2-72B-Instruct": "qwen2-72b-instruct",
    "Qwen2.5-72B-Instruct": "qwen2.5-72b-instruct",
    "Qwen2.5-72b-Instruct": "qwen2.5-72b-instruct",
    "Qwen2.5-Max": "qwen2.5-max-2025-01-25",
    "Qwen-Plus-0125": "qwen-plus-2025-01-25",
    "Qwen3-235B-A22B": "qwen3-235b-a22b",
    "Qwen3-235B-A22B-no-thinking": "qwen3-235b-a22b",  # same model, non-thinking mode
    "Qwen3-32B": "qwen3-32b",
    "QwQ-32B-Preview": "qwq-32b-preview",
    "Yi-34B-Chat": "yi-34b-chat",
    "Yi-1.5-34B-Chat": "yi-1.5-34b-chat",
    "Phi-4": "phi-4",
    "Command R+ (04-2024)": "command-r-plus-104b",
    "Command R+": "command-r-plus-104b",  # listed 2024-06, before the 08-2024 update
    "DBRX-instruct": "dbrx-instruct",
    "Grok-2-08-13": "grok-2",
    "Grok-2-Mini-08-13": "grok-2-mini",
    "Grok-3-Mini-beta": "grok-3-mini-beta",
    "Grok-4-0709": "grok-4-0709",
    # Moonshot's API id for the 2025-07-11 Kimi K2 release
    "kimi-k2-0711-preview": "kimi-k2-instruct",
    "GLM-4.5": "glm-4.5",
}


def build_arena(ref: Path, model_ids: set[str]) -> tuple[list[Row], list[str]]:
    """The arena_ratings table (true duplicate rows dropped) and a decision log."""
    log: list[str] = []
    seen: dict[tuple[str, str], Row] = {}
    dropped = 0
    for a in read_csv(ref / "benchmarks" / "arena_elo_tidy_monthly.csv"):
        mid = ARENA_MAP.get(a["model"], "")
        if mid and mid not in model_ids:
            raise ValueError(f"ARENA_MAP points {a['model']!r} at unknown model_id {mid!r}")
        row = {
            "snapshot_date": a["snapshot_date"],
            "arena_model": a["model"],
            "model_id": mid,
            "organisation": a["organization"],
            "license": a["license"],
            "open_weights": a["open_weights_derived"],
            "rating": num(a["rating"]),
            "rating_95ci": a["rating_95ci"],
            "votes": num(a["votes"]),
            "rating_method": a["rating_method"],
            "source": a["source"],
        }
        key = (row["snapshot_date"], row["arena_model"])
        if key in seen:
            if seen[key] != row:
                raise ValueError(f"conflicting arena rows for {key}")
            dropped += 1
            continue
        seen[key] = row
    log.append(
        f"arena_ratings: dropped {dropped} exact duplicate rows (Yi-34B-Chat listed twice in "
        f"some snapshots)"
    )
    rows = sorted(seen.values(), key=lambda r: (r["snapshot_date"], r["arena_model"]))
    return rows, log


# ---------------------------------------------------------------------------
# API prices
# ---------------------------------------------------------------------------

PROVIDER_RENAME = {"qwen (alibaba)": "alibaba"}  # plain lower-case provider ids


def _provider(p: str) -> str:
    return PROVIDER_RENAME.get(p, p)


# The developer behind each first-party API (provider_kind = first-party when a
# row's model is this provider's own).
PROVIDER_ORG = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "deepseek": "DeepSeek",
    "mistral": "Mistral AI",
    "meta": "Meta",
    "alibaba": "Alibaba",
}

# genai-prices names Fireworks models by their short id; Fireworks' API (and
# litellm) uses 'accounts/fireworks/models/<id>'. One spelling keeps each
# model's price history in one series.
FIREWORKS_PREFIX = "accounts/fireworks/models/"

# (provider, api_model as the source prints it) -> model_id. Aliases that moved
# between snapshots map to a family-level alias row (see NEW_MODELS notes).
API_MODEL_MAP: dict[tuple[str, str], str] = {
    (
        "anthropic",
        "claude-3-5-haiku-latest",
    ): "claude-3.5-haiku-2024-10-22",  # the only 3.5 Haiku snapshot
    ("anthropic", "claude-3-5-sonnet"): "claude-3.5-sonnet",
    (
        "anthropic",
        "claude-3-7-sonnet-latest",
    ): "claude-3.7-sonnet-2025-02-19",  # the only 3.7 Sonnet snapshot
    ("anthropic", "claude-3-haiku"): "claude-3-haiku",
    ("anthropic", "claude-3-opus-latest"): "claude-3-opus",
    ("anthropic", "claude-fable-5"): "claude-fable-5",
    ("anthropic", "claude-haiku-4-5"): "claude-haiku-4.5-2025-10-01",
    ("anthropic", "claude-opus-4-0"): "claude-opus-4-2025-05-14",
    ("anthropic", "claude-opus-4-1"): "claude-opus-4.1-2025-08-05",
    ("anthropic", "claude-opus-4-5"): "claude-opus-4.5",
    ("anthropic", "claude-opus-4-6"): "claude-opus-4.6",
    ("anthropic", "claude-opus-4-7"): "claude-opus-4.7",
    ("anthropic", "claude-opus-4-8"): "claude-opus-4.8",
    ("anthropic", "claude-opus-5"): "claude-opus-5",
    ("anthropic", "claude-sonnet-4-0"): "claude-sonnet-4-2025-05-14",
    ("anthropic", "claude-sonnet-4-5"): "claude-sonnet-4.5-2025-09-29",
    ("anthropic", "claude-sonnet-4-6"): "claude-sonnet-4.6",
    ("anthropic", "claude-sonnet-5"): "claude-sonnet-5",
    ("openai", "gpt-4.1"): "gpt-4.1-2025-04-14",  # single snapshot behind the alias
    ("openai", "gpt-4.1-mini"): "gpt-4.1-mini-2025-04-14",
    ("openai", "gpt-4.1-nano"): "gpt-4.1-nano-2025-04-14",
    ("openai", "gpt-4o"): "gpt-4o",
    ("openai", "gpt-4o-mini"): "gpt-4o-mini-2024-07-18",  # single snapshot behind the alias
    ("openai", "gpt-5"): "gpt-5-2025-08-07",
    ("openai", "gpt-5-mini"): "gpt-5-mini-2025-08-07",
    ("openai", "gpt-5-nano"): "gpt-5-nano-2025-08-07",
    ("openai", "gpt-5-pro"): "gpt-5-pro-2025-10-06",
    ("openai", "gpt-5.1"): "gpt-5.1",
    ("openai", "gpt-5.2"): "gpt-5.2",
    ("openai", "gpt-5.2-pro"): "gpt-5.2-pro",
    ("openai", "gpt-5.3"): "gpt-5.3",
    ("openai", "gpt-5.4"): "gpt-5.4",
    ("openai", "gpt-5.4-mini"): "gpt-5.4-mini",
    ("openai", "gpt-5.4-nano"): "gpt-5.4-nano",
    ("openai", "gpt-5.4-pro"): "gpt-5.4-pro",
    ("openai", "gpt-5.5"): "gpt-5.5",
    ("openai", "gpt-5.5-pro"): "gpt-5.5-pro",
    ("openai", "gpt-5.6-luna"): "gpt-5.6-luna",
    ("openai", "gpt-5.6-sol"): "gpt-5.6-sol",
    ("openai", "gpt-5.6-terra"): "gpt-5.6-terra",
    ("openai", "o1"): "o1-2024-12-17",
    ("openai", "o1-mini"): "o1-mini-2024-09-12",
    ("openai", "o1-pro"): "o1-pro",
    ("openai", "o3"): "o3-2025-04-16",
    ("openai", "o3-mini"): "o3-mini-2025-01-31",
    ("openai", "o3-pro"): "o3-pro",
    ("openai", "o4-mini"): "o4-mini-2025-04-16",
    ("google", "gemini-1.5-flash"): "gemini-1.5-flash",  # version unspecified, as the models row
    ("google", "gemini-1.5-pro"): "gemini-1.5-pro",
    ("google", "gemini-2.0-flash"): "gemini-2.0-flash-001",  # the stable id's only version
    ("google", "gemini-2.0-flash-lite"): "gemini-2.0-flash-lite",
    ("google", "gemini-2.5-flash"): "gemini-2.5-flash",
    ("google", "gemini-2.5-flash-lite"): "gemini-2.5-flash-lite",
    ("google", "gemini-2.5-pro"): "gemini-2.5-pro",
    ("google", "gemini-3-flash-preview"): "gemini-3-flash-preview",
    ("google", "gemini-3-pro-preview"): "gemini-3-pro-preview",
    ("google", "gemini-3.1-flash-lite"): "gemini-3.1-flash-lite",
    ("google", "gemini-3.1-pro-preview"): "gemini-3.1-pro-preview",
    ("google", "gemini-3.5-flash"): "gemini-3.5-flash",
    ("google", "gemini-3.5-flash-lite"): "gemini-3.5-flash-lite",
    ("google", "gemini-3.6-flash"): "gemini-3.6-flash",
    ("google", "gemini-3.7-flash"): "gemini-3.7-flash",
    ("deepseek", "deepseek-chat"): "deepseek-chat",
    ("deepseek", "deepseek-chat [off-peak]"): "deepseek-chat",
    ("deepseek", "deepseek-chat [peak window]"): "deepseek-chat",
    ("deepseek", "deepseek-reasoner"): "deepseek-reasoner",
    ("deepseek", "deepseek-reasoner [off-peak]"): "deepseek-reasoner",
    ("deepseek", "deepseek-reasoner [peak window]"): "deepseek-reasoner",
    ("deepseek", "deepseek-r1"): "deepseek-r1",
    ("deepseek", "deepseek-v3"): "deepseek-v3",
    ("deepseek", "deepseek-v3.1-terminus"): "deepseek-v3.1-terminus",
    ("deepseek", "deepseek-v3.2"): "deepseek-v3.2",
    ("deepseek", "deepseek-v3.2-exp"): "deepseek-v3.2-exp",
    ("deepseek", "deepseek-v4-flash"): "deepseek-v4-flash",
    ("deepseek", "deepseek-v4-pro"): "deepseek-v4-pro",
    ("mistral", "codestral"): "codestral",
    ("mistral", "codestral-2508"): "codestral-2508",
    ("mistral", "ministral-8b"): "ministral-8b-2410",  # genai-prices names it 'Ministral 8B 24.10'
    ("mistral", "mistral-large"): "mistral-large",
    ("mistral", "mistral-large-2512"): "mistral-large-2512",
    ("mistral", "mistral-medium-3"): "mistral-medium-3-2505",
    ("mistral", "mistral-small-3.2-24b-instruct"): "mistral-small-3.2",
    (
        "mistral",
        "mistral-small-latest",
    ): "mistral-small-3.2",  # genai-prices names this entry 'Mistral Small 3.2'
    ("mistral", "mixtral-8x22b-instruct"): "mixtral-8x22b-instruct",
    (
        "mistral",
        "mixtral-8x7b",
    ): "mixtral-8x7b-instruct",  # matches open-mixtral-8x7b, the chat API model
    ("alibaba", "qwen3.6-plus"): "qwen3.6-plus",
    ("alibaba", "qwen3.6-plus-256k"): "qwen3.6-plus",  # >256k-token tier of the same model
    # Groq ids per genai-prices; the groq->Llama mapping matches llama-stack's Groq model registry.
    ("groq", "deepseek-r1-distill-llama-70b"): "deepseek-r1-distill-llama-70b",
    ("groq", "gemma2-9b-it"): "gemma-2-9b-it",
    ("groq", "llama-3.1-405b-reasoning"): "llama-3.1-405b-instruct",
    ("groq", "llama-3.1-70b-versatile"): "llama-3.1-70b-instruct",
    ("groq", "llama-3.1-8b-instant"): "llama-3.1-8b-instruct",
    ("groq", "llama-3.3-70b-versatile"): "llama-3.3-70b-instruct",
    ("groq", "meta-llama/llama-4-maverick-17b-128e-instruct"): "llama-4-maverick-instruct",
    ("groq", "meta-llama/llama-4-scout-17b-16e-instruct"): "llama-4-scout-instruct",
    ("groq", "mixtral-8x7b-32768"): "mixtral-8x7b-instruct",
    ("groq", "qwen/qwen3-32b"): "qwen3-32b",
    ("together", "Qwen/Qwen2.5-72B-Instruct"): "qwen2.5-72b-instruct",
    ("together", "Qwen/Qwen2.5-72B-Instruct-Turbo"): "qwen2.5-72b-instruct",
    ("together", "deepseek-ai/DeepSeek-R1-0528"): "deepseek-r1-0528",
    ("together", "deepseek-ai/DeepSeek-V3"): "deepseek-v3",
    ("together", "deepseek-ai/DeepSeek-V3.1"): "deepseek-v3.1",
    ("together", "meta-llama/Llama-3.1-405B-Instruct"): "llama-3.1-405b-instruct",
    ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"): "llama-3.3-70b-instruct",
    ("together", "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8"): "llama-4-maverick-instruct",
    ("together", "meta-llama/Llama-4-Scout-17B-16E-Instruct"): "llama-4-scout-instruct",
    ("together", "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo"): "llama-3.1-405b-instruct",
    ("together", "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo"): "llama-3.1-70b-instruct",
    ("together", "meta-llama/Meta-Llama-3.1-8B"): "llama-3.1-8b-base",
    ("together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"): "llama-3.1-8b-instruct",
    ("together", "meta-llama/Meta-Llama-3.3-70B-Instruct-Turbo"): "llama-3.3-70b-instruct",
    ("together", "mistralai/Mixtral-8x22B-Instruct-v0.1"): "mixtral-8x22b-instruct",
    ("together", "mistralai/Mixtral-8x7B-Instruct-v0.1"): "mixtral-8x7b-instruct",
    ("deepinfra", "NousResearch/Hermes-3-Llama-3.1-405B"): "hermes-3-llama-3.1-405b",
    ("deepinfra", "NousResearch/Hermes-3-Llama-3.1-70B"): "hermes-3-llama-3.1-70b",
    ("deepinfra", "Qwen/Qwen2.5-72B-Instruct"): "qwen2.5-72b-instruct",
    ("deepinfra", "deepseek-ai/DeepSeek-R1"): "deepseek-r1",
    ("deepinfra", "deepseek-ai/DeepSeek-R1-0528"): "deepseek-r1-0528",
    ("deepinfra", "deepseek-ai/DeepSeek-R1-0528-Turbo"): "deepseek-r1-0528",
    ("deepinfra", "deepseek-ai/DeepSeek-R1-Turbo"): "deepseek-r1",
    ("deepinfra", "deepseek-ai/DeepSeek-V3"): "deepseek-v3",
    ("deepinfra", "deepseek-ai/DeepSeek-V3-0324"): "deepseek-v3-0324",
    ("deepinfra", "deepseek-ai/DeepSeek-V3.1"): "deepseek-v3.1",
    ("deepinfra", "deepseek-ai/DeepSeek-V3.1-Terminus"): "deepseek-v3.1-terminus",
    ("deepinfra", "deepseek-ai/DeepSeek-V3.2"): "deepseek-v3.2",
    ("deepinfra", "meta-llama/Llama-3.3-70B-Instruct"): "llama-3.3-70b-instruct",
    ("deepinfra", "meta-llama/Llama-3.3-70B-Instruct-Turbo"): "llama-3.3-70b-instruct",
    ("deepinfra", "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8"): "llama-4-maverick-instruct",
    ("deepinfra", "meta-llama/Llama-4-Scout-17B-16E-Instruct"): "llama-4-scout-instruct",
    ("deepinfra", "meta-llama/Meta-Llama-3.1-70B-Instruct"): "llama-3.1-70b-instruct",
    ("deepinfra", "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo"): "llama-3.1-70b-instruct",
    ("deepinfra", "meta-llama/Meta-Llama-3.1-8B-Instruct"): "llama-3.1-8b-instruct",
    ("deepinfra", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"): "llama-3.1-8b-instruct",
    ("deepinfra", "mistralai/Mixtral-8x7B-Instruct-v0.1"): "mixtral-8x7b-instruct",
}
# Fireworks: short ids (genai-prices) and full ids (litellm) map alike.
for _short, _mid in {
    "deepseek-r1": "deepseek-r1",
    "deepseek-r1-0528": "deepseek-r1-0528",
    "deepseek-r1-basic": "deepseek-r1",  # Fireworks' lower-priced serving tier of the same weights
    "deepseek-v3": "deepseek-v3",
    "deepseek-v3-0324": "deepseek-v3-0324",
    "deepseek-v3p1": "deepseek-v3.1",
    "deepseek-v3p1-terminus": "deepseek-v3.1-terminus",
    "deepseek-v3p2": "deepseek-v3.2",
    "dolphin-2p6-mixtral-8x7b": "dolphin-2.6-mixtral-8x7b",
    "llama-v3p1-405b-instruct": "llama-3.1-405b-instruct",
    "llama-v3p1-70b-instruct": "llama-3.1-70b-instruct",
    "llama-v3p1-8b-instruct": "llama-3.1-8b-instruct",
    "llama-v3p3-70b-instruct": "llama-3.3-70b-instruct",
    "llama4-maverick-instruct-basic": "llama-4-maverick-instruct",
    "llama4-scout-instruct-basic": "llama-4-scout-instruct",
    "mixtral-8x22b": "mixtral-8x22b-base",
    "mixtral-8x22b-instruct": "mixtral-8x22b-instruct",
    "mixtral-8x22b-instruct-hf": "mixtral-8x22b-instruct",
    "mixtral-8x7b": "mixtral-8x7b-base",
    "mixtral-8x7b-instruct": "mixtral-8x7b-instruct",
    "mixtral-8x7b-instruct-hf": "mixtral-8x7b-instruct",
    "nous-hermes-2-mixtral-8x7b-dpo": "nous-hermes-2-mixtral-8x7b-dpo",
    "qwen2p5-72b": "qwen2.5-72b-base",
    "qwen2p5-72b-instruct": "qwen2.5-72b-instruct",
    "qwen2p5-vl-72b-instruct": "qwen2.5-vl-72b-instruct",
    "qwen3-235b-a22b": "qwen3-235b-a22b",
}.items():
    API_MODEL_MAP[("fireworks", _short)] = _mid
    API_MODEL_MAP[("fireworks", FIREWORKS_PREFIX + _short)] = _mid

# Rows dropped on purpose, with the reason (reported in SOURCES.md).
API_DROPPED = {
    (
        "meta",
        "muse-spark-1.1",
    ): "open_weights unknown in the reference (family not stated); no model row can be made",
    (
        "meta",
        "muse-spark-1.2",
    ): "open_weights unknown in the reference (family not stated); no model row can be made",
    (
        "meta",
        "muse-spark-1.2-contributor",
    ): "open_weights unknown in the reference (family not stated); no model row can be made",
}

DATE_BASIS = {
    "explicit_start_date_in_source": "explicit",
    "explicit_from_date_in_source": "explicit",
    "first_recorded_in_source_git_history": "first_recorded",
    "first_recorded_in_source_git_history (data/ layout exists since 2025-10-10)": "first_recorded",
    "source_snapshot_date (PyPI upload of litellm 1.110.2)": "snapshot",
    "unknown_start (source gives only end date)": "unknown_start",
}


def build_api_prices(
    price_rows: Sequence[Row], model_org: Mapping[str, str]
) -> tuple[list[Row], list[str]]:
    """The api_prices table and a decision log.

    Args:
        price_rows: rows of prices/api_prices_curated.csv.
        model_org: model_id -> organisation (to tell first-party APIs from hosts).
    """
    log: list[str] = []
    rows: list[Row] = []
    for p in price_rows:
        provider = _provider(p["provider"])
        if (provider, p["model"]) in API_DROPPED:
            log.append(
                f"api_prices: dropped {provider} {p['model']} {p['effective_date']}: "
                f"{API_DROPPED[(provider, p['model'])]}"
            )
            continue
        model_id = API_MODEL_MAP[(provider, p["model"])]
        api_model = p["model"]
        notes = [p["notes"]]
        if provider == "fireworks" and not api_model.startswith(FIREWORKS_PREFIX):
            notes.append(
                f"listed as '{api_model}' in genai-prices; spelled as Fireworks' full model id"
            )
            api_model = FIREWORKS_PREFIX + api_model
        if provider != p["provider"]:
            notes.append(f"provider listed as '{p['provider']}' in the source")
        basis = DATE_BASIS[p["date_basis"]]
        eff = p["effective_date"]
        if basis == "unknown_start":
            eff = ""
        if basis == "first_recorded":
            notes.append(
                "effective_from is the first appearance in the price database's git history, "
                "not the vendor's start date"
            )
        if p["context_window"]:
            notes.append(f"context window {p['context_window']} tokens per source")
        scheduled = bool(eff) and date.fromisoformat(eff) > BUILD_DATE
        if scheduled:
            notes.append(
                f"announced change taking effect after the build date {BUILD_DATE.isoformat()}"
            )
        org = model_org[model_id]
        kind = "first-party" if PROVIDER_ORG.get(provider) == org else "host"
        rows.append(
            {
                "provider": provider,
                "provider_kind": kind,
                "api_model": api_model,
                "model_id": model_id,
                "input_usd_per_mtok": num(p["input_usd_per_mtok"]),
                "output_usd_per_mtok": num(p["output_usd_per_mtok"]),
                "cached_input_usd_per_mtok": num(p["cached_input_usd_per_mtok"]),
                "effective_from": eff,
                "date_basis": basis,
                "scheduled": "true" if scheduled else "false",
                "source": p["source"],
                "notes": join_notes(*notes),
                "_rank": "0" if basis == "explicit" else "1",
            }
        )
    # Deduplicate (provider, api_model, effective_from). Same prices: keep one
    # (the explicit basis, then the row with a cached price) and cite both
    # sources. Different prices: keep the explicit one and note the other.
    groups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for r in rows:
        groups[(r["provider"], r["api_model"], r["effective_from"])].append(r)
    final: list[Row] = []
    for key, rs in groups.items():
        if len(rs) == 1:
            final.append(rs[0])
            continue
        rs.sort(key=lambda r: (r["_rank"], r["cached_input_usd_per_mtok"] == "", r["source"]))
        keep, others = rs[0], rs[1:]
        for o in others:
            same = (o["input_usd_per_mtok"], o["output_usd_per_mtok"]) == (
                keep["input_usd_per_mtok"],
                keep["output_usd_per_mtok"],
            )
            if same:
                keep["notes"] = join_notes(
                    keep["notes"],
                    f"same input/output price also in {o['source']} ({o['date_basis']})",
                )
                log.append(f"api_prices: merged duplicate {key} (same prices) from {o['source']}")
            else:
                keep["notes"] = join_notes(
                    keep["notes"],
                    f"{o['source']} gives {o['input_usd_per_mtok']}/{o['output_usd_per_mtok']} "
                    f"for the same date ({o['date_basis']}); not used",
                )
                log.append(
                    f"api_prices: kept {keep['date_basis']} row for {key}; other prices noted"
                )
        final.append(keep)
    for r in final:
        r.pop("_rank", None)
    final.sort(key=lambda r: (r["provider"], r["api_model"], r["effective_from"]))
    return final, log


# ---------------------------------------------------------------------------
# GPUs and cloud offers
# ---------------------------------------------------------------------------

GPU_ID = {  # gpus_curated 'gpu' -> gpu_id
    "NVIDIA A100 SXM4 40GB": "nvidia-a100-sxm4-40gb",
    "NVIDIA A100 SXM4 80GB": "nvidia-a100-sxm4-80gb",
    "NVIDIA A100 PCIe": "nvidia-a100-pcie",
    "NVIDIA H100 SXM5 80GB": "nvidia-h100-sxm",
    "NVIDIA H100 PCIe": "nvidia-h100-pcie",
    "NVIDIA H100 NVL": "nvidia-h100-nvl",
    "NVIDIA H200 SXM": "nvidia-h200-sxm",
    "NVIDIA B100": "nvidia-b100",
    "NVIDIA B200": "nvidia-b200",
    "NVIDIA GB200 (per GPU)": "nvidia-gb200",
    "NVIDIA B300": "nvidia-b300",
    "NVIDIA L4": "nvidia-l4",
    "NVIDIA L40": "nvidia-l40",
    "NVIDIA A10G": "nvidia-a10g",
    "NVIDIA A10 PCIe": "nvidia-a10-pcie",
    "NVIDIA GeForce RTX 4090": "nvidia-rtx-4090",
    "AMD Instinct MI300X": "amd-mi300x",
    "AMD Instinct MI325X": "amd-mi325x",
    "AMD Instinct MI350X": "amd-mi350x",
    "AMD Instinct MI355X": "amd-mi355x",
    "NVIDIA L40S": "nvidia-l40s",
    "NVIDIA GeForce RTX 5090": "nvidia-rtx-5090",
}
# Prices that are launch MSRPs of consumer/workstation cards (list prices)
# rather than press or analyst estimates; every datacenter price is an estimate.
MSRP_GPUS = {"nvidia-rtx-4090", "nvidia-rtx-5090", "nvidia-rtx-a6000"}

EPOCH_PRICE_NO_SOURCE = (
    'Epoch AI hardware dataset, column "Release price (USD)" (the row cites no source)'
)
EPOCH_HW = (
    "talmolab/lablink-paper-figures:data/raw/gpu_prices/ml_hardware.csv@ee0f2932 "
    '(Epoch AI "Data on Machine Learning Hardware", CC-BY-4.0)'
)
# GPUs that cloud offers need but gpus_curated lacks, taken from the Epoch row
# named here (units converted: FLOP/s -> TFLOPS, bytes -> GB, bytes/s -> TB/s).
EPOCH_EXTRA = {
    "nvidia-v100-sxm2-16gb": (
        "NVIDIA Tesla V100 SXM2",
        "offers list 'V100' without form factor; the SkyPilot Lambda catalog GpuInfo gives 16384 "
        "MiB per GPU, "
        "so the 16 GB SXM2 Epoch row is used (form factor assumed, not stated by the catalogs)",
    ),
    "nvidia-t4": ("NVIDIA Tesla T4", "no BF16 tensor figure in the Epoch row"),
    "nvidia-rtx-a6000": ("NVIDIA RTX A6000", "no tensor BF16 figure in the Epoch row"),
    "nvidia-a40": ("NVIDIA A40 PCIe", ""),
}


def _epoch_row(rows: Sequence[Row], name: str) -> Row:
    hits = [r for r in rows if r["Hardware name"] == name]
    if len(hits) != 1:
        raise ValueError(f"expected one Epoch hardware row named {name!r}, found {len(hits)}")
    return hits[0]


def build_gpus(ref: Path) -> list[Row]:
    """The gpus table."""
    out: list[Row] = []
    for g in read_csv(ref / "hardware" / "gpus_curated.csv"):
        gpu_id = GPU_ID[g["gpu"]]
        price = num(g["release_price_usd"])
        notes = [g["notes"]]
        if price:
            is_est = gpu_id not in MSRP_GPUS
            psrc = g["release_price_source"] or EPOCH_PRICE_NO_SOURCE
            if is_est:
                notes.append("purchase price is a press/analyst estimate, not a vendor list price")
            else:
                notes.append("purchase price is the launch MSRP as reported by the press")
        else:
            is_est, psrc = None, ""
        out.append(
            {
                "gpu_id": gpu_id,
                "name": g["gpu"],
                "vendor": g["vendor"],
                "memory_gb": num(g["memory_gb"]),
                "mem_bandwidth_tbps": num(g["mem_bandwidth_tbps"]),
                "bf16_dense_tflops": num(g["bf16_dense_tflops"]),
                "fp8_dense_tflops": num(g["fp8_dense_tflops"]),
                "tdp_w": num(g["tdp_w"]),
                "release_year": g["release_year"],
                "purchase_price_usd": price,
                "purchase_price_is_estimate": ""
                if is_est is None
                else ("true" if is_est else "false"),
                "purchase_price_source": psrc,
                "value_type": g["value_type"],
                # The reference notes where it read two vendor copies ('pages
                # corpus'); for a reader they are stored copies of the cited pages.
                "source": g["source"]
                .replace(" (pages corpus)", " (stored copy)")
                .replace("coverage in pages corpus:", "coverage (stored copies):"),
                "notes": join_notes(*notes),
            }
        )
    epoch = read_csv(ref / "hardware" / "raw" / "epoch_ml_hardware.csv")
    for gpu_id, (name, note) in EPOCH_EXTRA.items():
        e = _epoch_row(epoch, name)

        def tflops(col: str, e: Row = e) -> str:
            return num(Decimal(e[col]) / Decimal(10**12), 2) if e[col] else ""

        links = " ".join(e["Link to datasheet"].split())
        price = num(e["Release price (USD)"])
        price_note = ""
        is_est = gpu_id not in MSRP_GPUS
        if price and not e["Source for the price"]:
            price_note = "Epoch gives this release price without citing a source"
        out.append(
            {
                "gpu_id": gpu_id,
                "name": name,
                "vendor": e["Manufacturer"],
                "memory_gb": num(Decimal(e["Memory size per board (Byte)"]) / Decimal(10**9), 1),
                "mem_bandwidth_tbps": num(
                    Decimal(e["Memory bandwidth (byte/s)"]) / Decimal(10**12), 4
                ),
                "bf16_dense_tflops": tflops("Tensor-FP16/BF16 performance (FLOP/s)"),
                "fp8_dense_tflops": tflops("FP8 performance (FLOP/s)"),
                "tdp_w": num(e["TDP (W)"]),
                "release_year": e["Release date"][:4],
                "purchase_price_usd": price,
                "purchase_price_is_estimate": ("true" if is_est else "false") if price else "",
                "purchase_price_source": (e["Source for the price"] or EPOCH_PRICE_NO_SOURCE)
                if price
                else "",
                "value_type": "third-party compilation of vendor datasheet values (Epoch AI)",
                "source": f'{EPOCH_HW} row "{name}"; Epoch datasheet link(s): {links}',
                "notes": join_notes(
                    note,
                    price_note,
                    "added for cloud offers; unit conversion FLOP/s -> TFLOPS, bytes -> GB "
                    "(10^9), bytes/s -> TB/s",
                    (
                        "purchase price is the launch list price as reported by the press"
                        if price and not is_est
                        else ""
                    ),
                ),
            }
        )
    out.sort(key=lambda r: r["gpu_id"])
    return out


# gpu_cloud_prices_curated 'gpu' -> gpu_id. Offers whose GPU cannot be tied to
# a gpus row with sourced specs are dropped (see CLOUD_DROPPED).
CLOUD_GPU = {
    # AWS p4d and Lambda gpu_*_a100(_sxm4): SXM4 40 GB parts
    "NVIDIA A100 40GB": "nvidia-a100-sxm4-40gb",
    "NVIDIA A100 80GB": "nvidia-a100-sxm4-80gb",  # AWS p4de
    "NVIDIA A100 80GB (SXM4)": "nvidia-a100-sxm4-80gb",
    "NVIDIA A100 80GB (SXM)": "nvidia-a100-sxm4-80gb",
    # Epoch's 'A100 PCIe' row is 40 GB (see its caution)
    "NVIDIA A100 40GB (PCIe)": "nvidia-a100-pcie",
    "NVIDIA H100 80GB (SXM)": "nvidia-h100-sxm",
    "NVIDIA H100 80GB (SXM5)": "nvidia-h100-sxm",
    "NVIDIA H100 80GB (PCIe)": "nvidia-h100-pcie",
    "NVIDIA H200 141GB": "nvidia-h200-sxm",  # AWS p5en: H200 SXM modules
    "NVIDIA H200 141GB (SXM)": "nvidia-h200-sxm",
    "NVIDIA B200": "nvidia-b200",
    "NVIDIA B300": "nvidia-b300",
    "NVIDIA L40S": "nvidia-l40s",
    "NVIDIA A10G": "nvidia-a10g",
    "NVIDIA A10": "nvidia-a10-pcie",
    "NVIDIA V100": "nvidia-v100-sxm2-16gb",
    "NVIDIA T4": "nvidia-t4",
    "NVIDIA RTX A6000": "nvidia-rtx-a6000",
    "NVIDIA A40": "nvidia-a40",
    "AMD Instinct MI300X": "amd-mi300x",
}
CLOUD_DROPPED_GPUS = {
    "NVIDIA GH200": (
        "the Epoch hardware row for GH200 has no memory size, so a gpus row cannot be sourced"
    ),
    "NVIDIA A100 80GB (PCIe)": (
        "no A100 80 GB PCIe row in the Epoch data (its 'A100 PCIe' row is 40 GB)"
    ),
}
SKYPILOT_AS_OF_BASIS = (
    "upper bound: reference snapshot gathered 2026-11-29; catalog commit date not retrievable"
)


def build_gpu_cloud_prices(ref: Path, gpu_ids: set[str]) -> tuple[list[Row], list[str]]:
    """The gpu_cloud_prices table and a decision log."""
    log: list[str] = []
    out: list[Row] = []
    for c in read_csv(ref / "hardware" / "gpu_cloud_prices_curated.csv"):
        label = f"{c['provider']} {c['instance_type']} {c['region']}"
        if c["gpu"] in CLOUD_DROPPED_GPUS:
            log.append(f"gpu_cloud_prices: dropped {label}: {CLOUD_DROPPED_GPUS[c['gpu']]}")
            continue
        if not c["usd_per_hour_on_demand"]:
            log.append(
                f"gpu_cloud_prices: dropped {label}: no on-demand price in the catalog "
                f"({c['notes']})"
            )
            continue
        gpu_id = CLOUD_GPU[c["gpu"]]
        if gpu_id not in gpu_ids:
            raise ValueError(f"offer {label} maps to unknown gpu_id {gpu_id}")
        count = int(c["gpu_count"])
        per_hour = Decimal(c["usd_per_hour_on_demand"])
        # The reference's notes explain why its as_of was blank; as_of and
        # as_of_basis now carry that, so those phrases are dropped.
        ref_note = re.sub(
            r" \(index-stored version; commit date not retrievable offline -> as_of blank\)"
            r"|;? ?commit date not retrievable offline",
            "",
            c["notes"],
        ).strip(" ;")
        notes = [ref_note, f"GPU as listed: {c['gpu']}"]
        if c["as_of"]:
            as_of = c["as_of"]
            basis = "git blame date of the price line in gpuhunt (date the line last changed)"
        else:
            # SkyPilot catalog rows carry no date; the honest bound is the
            # date the reference snapshot was gathered.
            as_of = BUILD_DATE.isoformat()
            basis = SKYPILOT_AS_OF_BASIS
        region = c["region"]
        if not region:
            region = "all (one rate per GPU type)"
            notes.append("gpuhunt's Crusoe table has one rate per GPU type, not per region")
        out.append(
            {
                "provider": c["provider"],
                "instance_type": c["instance_type"],
                "gpu_id": gpu_id,
                "gpu_count": str(count),
                "usd_per_hour": num(per_hour),
                "usd_per_gpu_hour": num(
                    per_hour / count, 4
                ),  # usd_per_hour / gpu_count, 4 decimals
                "region": region,
                "as_of": as_of,
                "as_of_basis": basis,
                "source": c["source"],
                "notes": join_notes(*notes),
            }
        )
    out.sort(key=lambda r: (r["provider"], r["instance_type"], r["region"], r["as_of"]))
    return out, log


# ---------------------------------------------------------------------------
# Gap claims
# ---------------------------------------------------------------------------

# The claim's figures, read by hand from its verbatim text or the reference's
# lag_estimate: (lag_months, lag_months_high, extra note).
GAP_FIGURES = {
    "epoch-2024-11-report": ("12", "", "'about one year' / lag_estimate 'about 12' months"),
    "epoch-2025-10-data-insight": (
        "3.5",
        "",
        "headline says 'an average of 3 months'; the page's measured average is 3.5 months "
        "(90% CI 1.1-5.3), used here",
    ),
    "epoch-2026-05-data-insight": ("4", "", "'an average of four months'"),
    "lesswrong-2026-05": (
        "8",
        "10",
        "private benchmarks 8-10 months (headline figures); public benchmarks 4-6 months in the "
        "same claim",
    ),
}


def build_gap_claims(ref: Path) -> list[Row]:
    """The gap_claims table."""
    out: list[Row] = []
    for g in read_csv(ref / "benchmarks" / "open_closed_gap_claims.csv"):
        low, high, fig_note = GAP_FIGURES[g["claim_id"]]
        authors = "" if g["authors"].strip().lower() == "not captured" else g["authors"]
        out.append(
            {
                "claim_id": g["claim_id"],
                "publisher": g["publisher"],
                "title": g["title"],
                "published_date": g["published_date"],
                "authors": authors,
                "metric": g["metric"],
                "period_covered": g["period_covered"],
                "claim_verbatim": g["headline_claim_verbatim"],
                "lag_months": num(low),
                "lag_months_high": num(high),
                "uncertainty": g["uncertainty"],
                "url": g["url"],
                "source": f"{g['url']} (quoted from a stored copy of the page; reference "
                "benchmarks/open_closed_gap_claims.csv)",
                "notes": join_notes(
                    f"figures: {fig_note}",
                    "authors not captured in the reference" if not authors else "",
                    g["notes"],
                ),
            }
        )
    out.sort(key=lambda r: r["claim_id"])
    return out


# ---------------------------------------------------------------------------
# Writing and self-check
# ---------------------------------------------------------------------------


def load_schema(path: Path) -> dict:
    """The parsed datasets/schema.yaml."""
    import yaml  # only needed here

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def to_csv(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """CSV text with a header; LF line ends; minimal quoting."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue()


_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?\d+(\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_tables(tables: Mapping[str, list[Row]], schema: Mapping) -> list[str]:
    """Every problem found: required, type, allowed, bounds, pattern, keys, references, rules."""
    problems: list[str] = []
    for name, spec in schema["tables"].items():
        rows = tables.get(name)
        if rows is None:
            problems.append(f"{name}: table not built")
            continue
        if len(rows) < MINIMUM_ROWS.get(name, 1):
            problems.append(f"{name}: {len(rows)} rows, fewer than {MINIMUM_ROWS[name]}")
        cols = {c["name"]: c for c in spec["columns"]}
        for i, r in enumerate(rows, start=2):
            where = f"{spec['file']}:{i}"
            extra = set(r) - set(cols)
            if extra:
                problems.append(f"{where}: unexpected columns {sorted(extra)}")
            for cname, c in cols.items():
                v = r.get(cname, "")
                if v == "":
                    if c.get("required"):
                        problems.append(f"{where}: {cname}: required but empty")
                    continue
                if v != v.strip():
                    problems.append(f"{where}: {cname}: surrounding whitespace ({v!r})")
                t = c["type"]
                if t == "int" and not _INT.match(v):
                    problems.append(f"{where}: {cname}: not an integer ({v!r})")
                    continue
                if t == "float" and not _FLOAT.match(v):
                    problems.append(f"{where}: {cname}: not a plain decimal ({v!r})")
                    continue
                if t == "bool" and v not in ("true", "false"):
                    problems.append(f"{where}: {cname}: not true/false ({v!r})")
                if t == "date":
                    try:
                        if not _DATE.match(v):
                            raise ValueError
                        date.fromisoformat(v)
                    except ValueError:
                        problems.append(f"{where}: {cname}: not a YYYY-MM-DD date ({v!r})")
                if "allowed" in c and v not in c["allowed"]:
                    problems.append(f"{where}: {cname}: {v!r} not in {c['allowed']}")
                if t in ("int", "float"):
                    x = Decimal(v)
                    if "min" in c and x < Decimal(str(c["min"])):
                        problems.append(f"{where}: {cname}: {v} below min {c['min']}")
                    if "max" in c and x > Decimal(str(c["max"])):
                        problems.append(f"{where}: {cname}: {v} above max {c['max']}")
                if "pattern" in c and not re.fullmatch(c["pattern"], v):
                    problems.append(f"{where}: {cname}: {v!r} does not match {c['pattern']}")
        pk = spec["primary_key"]
        counts = Counter(tuple(r.get(k, "") for k in pk) for r in rows)
        for k, n in counts.items():
            if n > 1:
                problems.append(f"{spec['file']}: primary key {pk} repeated {n}x: {k}")
            if all(v == "" for v in k):
                problems.append(f"{spec['file']}: empty primary key")
        for cname, c in cols.items():
            ref = c.get("references")
            if not ref:
                continue
            rt, rc = ref.split(".")
            targets = {r[rc] for r in tables.get(rt, [])}
            for i, r in enumerate(rows, start=2):
                if r.get(cname) and r[cname] not in targets:
                    problems.append(f"{spec['file']}:{i}: {cname}: {r[cname]!r} not in {ref}")
    problems += _check_rules(tables)
    return problems


def _check_rules(t: Mapping[str, list[Row]]) -> list[str]:
    """The cross-column rules named in schema.yaml, as this script reads them."""
    p: list[str] = []
    for i, r in enumerate(t["models"], start=2):
        w = f"models.csv:{i}"
        if r["release_date"] and not r["release_date_source"]:
            p.append(f"{w}: release_date without release_date_source")
        if (
            any(
                r[c]
                for c in ("params_total_b", "params_active_b", "layers", "kv_heads", "head_dim")
            )
            and not r["spec_source"]
        ):
            p.append(f"{w}: spec figures without spec_source")
        if (
            r["params_total_b"]
            and r["params_active_b"]
            and Decimal(r["params_active_b"]) > Decimal(r["params_total_b"])
        ):
            p.append(f"{w}: params_active_b > params_total_b")
        if (
            r["architecture"] == "dense"
            and r["params_total_b"]
            and r["params_active_b"]
            and r["params_total_b"] != r["params_active_b"]
        ):
            p.append(f"{w}: dense model with active != total")
    for i, r in enumerate(t["benchmark_scores"], start=2):
        w = f"benchmark_scores.csv:{i}"
        s = Decimal(r["score"])
        if r["scale"] == "percent" and not (0 <= s <= 100):
            p.append(f"{w}: percent score {s} outside 0-100")
        if r["scale"] == "fraction_0_1" and not (0 <= s <= 1):
            p.append(f"{w}: fraction score {s} outside 0-1")
        if r["scale"] in ("percent", "fraction_0_1") and not r["score_pct"]:
            p.append(f"{w}: score_pct missing for scale {r['scale']}")
        if r["scale"] not in ("percent", "fraction_0_1") and r["score_pct"]:
            p.append(f"{w}: score_pct given for scale {r['scale']}")
        if r["scale"] == "score_0_10" and not (0 <= s <= 10):
            p.append(f"{w}: score_0_10 score {s} outside 0-10")
        if r["scale"] == "score_1_5" and not (1 <= s <= 5):
            p.append(f"{w}: score_1_5 score {s} outside 1-5")
    for i, r in enumerate(t["api_prices"], start=2):
        w = f"api_prices.csv:{i}"
        eff = r["effective_from"]
        if (r["date_basis"] == "unknown_start") != (eff == ""):
            p.append(f"{w}: effective_from must be empty exactly when date_basis is unknown_start")
        if eff and (date.fromisoformat(eff) > BUILD_DATE) != (r["scheduled"] == "true"):
            p.append(f"{w}: scheduled flag disagrees with effective_from {eff}")
        if r["cached_input_usd_per_mtok"] and Decimal(r["cached_input_usd_per_mtok"]) > Decimal(
            r["input_usd_per_mtok"]
        ):
            p.append(f"{w}: cached input price above input price")
    for i, r in enumerate(t["gpus"], start=2):
        w = f"gpus.csv:{i}"
        if r["purchase_price_usd"] and (
            not r["purchase_price_source"] or not r["purchase_price_is_estimate"]
        ):
            p.append(f"{w}: purchase price without source or estimate flag")
        if r["purchase_price_is_estimate"] == "true" and not r["purchase_price_source"]:
            p.append(f"{w}: estimated price without source")
    for i, r in enumerate(t["gpu_cloud_prices"], start=2):
        w = f"gpu_cloud_prices.csv:{i}"
        per = Decimal(r["usd_per_hour"]) / int(r["gpu_count"])
        if abs(per - Decimal(r["usd_per_gpu_hour"])) > Decimal("0.00005"):
            p.append(
                f"{w}: usd_per_gpu_hour {r['usd_per_gpu_hour']} != usd_per_hour / gpu_count ({per})"
            )
    for i, r in enumerate(t["gap_claims"], start=2):
        if r["lag_months_high"] and Decimal(r["lag_months_high"]) < Decimal(r["lag_months"] or "0"):
            p.append(f"gap_claims.csv:{i}: lag_months_high below lag_months")
    return p


def build_all(ref: Path) -> tuple[dict[str, list[Row]], list[str]]:
    """Every table, and the log of mapping decisions taken on this reference."""
    bench = read_csv(ref / "benchmarks" / "model_benchmarks_curated.csv")
    prices = read_csv(ref / "prices" / "api_prices_curated.csv")
    log: list[str] = []
    unmapped = sorted(
        {(_provider(p["provider"]), p["model"]) for p in prices}
        - set(API_MODEL_MAP)
        - set(API_DROPPED)
    )
    if unmapped:
        raise ValueError(f"price rows without a model mapping: {unmapped}")
    models, name_to_id = build_models(ref, bench, prices)
    model_ids = {m["model_id"] for m in models}
    scores, l1 = build_benchmark_scores(bench, name_to_id)
    arena, l2 = build_arena(ref, model_ids)
    api, l3 = build_api_prices(prices, {m["model_id"]: m["organisation"] for m in models})
    gpus = build_gpus(ref)
    cloud, l4 = build_gpu_cloud_prices(ref, {g["gpu_id"] for g in gpus})
    gaps = build_gap_claims(ref)
    log += l1 + l2 + l3 + l4
    tables = {
        "models": models,
        "benchmark_scores": scores,
        "arena_ratings": arena,
        "api_prices": api,
        "gpus": gpus,
        "gpu_cloud_prices": cloud,
        "gap_claims": gaps,
    }
    return tables, log


def main(argv: Sequence[str] | None = None) -> int:
    """Build, check and (unless --check-only) write the tables; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE, help="the shared reference folder"
    )
    ap.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="where the CSVs go (holds schema.yaml)"
    )
    ap.add_argument("--check-only", action="store_true", help="build and check, write nothing")
    ap.add_argument("--verbose", action="store_true", help="print every mapping decision")
    args = ap.parse_args(argv)

    ref = args.reference.resolve()
    if not (ref / "SOURCES.md").is_file():
        print(
            f"error: {ref} is not the reference folder (no SOURCES.md); pass --reference",
            file=sys.stderr,
        )
        return 1
    schema = load_schema(args.out / "schema.yaml")
    try:
        tables, log = build_all(ref)
    except (KeyError, ValueError) as exc:
        print(f"error: mapping failed: {exc!r}", file=sys.stderr)
        return 1
    problems = check_tables(tables, schema)
    if args.verbose:
        for line in log:
            print(line)
    if problems:
        print(f"error: {len(problems)} problem(s); nothing written", file=sys.stderr)
        for line in problems[:50]:
            print(f"  {line}", file=sys.stderr)
        return 1
    for name, spec in schema["tables"].items():
        columns = [c["name"] for c in spec["columns"]]
        text = to_csv(tables[name], columns)
        if not args.check_only:
            (args.out / spec["file"]).write_text(text, encoding="utf-8")
        print(f"{spec['file']:<22} {len(tables[name]):>6} rows")
    print("self-check passed" + (" (check only; nothing written)" if args.check_only else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
