"""Models added from the 2026 reference (``fresh_2026/``), and the facts derived for them.

Each :class:`Added` row states only identity (name, family, developer) and the
kind of model with its basis. Everything else is looked up in the sources by
:func:`derive`:

- **release_date**: Epoch AI's date for the model, newest snapshot first
  (Oct-2026 list, Aug-2026 ``eci_scores.csv``, May-2026 hub
  ``epoch_capabilities_index.csv``), else the Artificial Analysis scrape's
  ``release_date``. Epoch's date is usually the announcement or first-API date,
  not a weights upload; AA's is its own listing's date.
- **open_weights**: Epoch's "Model accessibility" (Aug 2026, else May 2026);
  where Epoch says Unknown or has no label, "true" when a vLLM recipe serves the
  model's weights from Hugging Face; else the reference's documented family rule
  (GPT, o-series, Claude, Gemini closed; DeepSeek open). A model with none of
  these bases is not added.
- **params / context**: the vLLM recipe (``parameter_count``,
  ``active_parameters``, ``context_length``), written by vLLM maintainers close
  to the vendor cards. A dense model's active count equals its total.

A model that none of these sources dates keeps an empty date and a
``release_date_missing_reason``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# model_type bases used below.
_GPT = "family rule: OpenAI's GPT-5.x rows in models are reasoning models"
_CLAUDE = "family rule: Claude 4.x rows in models are hybrid-reasoning (extended thinking)"
_GEMINI = "family rule: Gemini 2.5/3.x rows in models are reasoning models"
_GROK = "family rule: the Grok 4 row in models is a reasoning model"
_AA_HYBRID = "Artificial Analysis lists Reasoning and Non-reasoning modes of the same model"
_AA_REASONING = "Artificial Analysis lists only a reasoning mode"
_EPOCH_EFFORT = "Epoch AI runs it at reasoning-effort settings (hub runs)"


@dataclass(frozen=True)
class Added:
    """A model the 2026 sources name that the earlier reference did not hold.

    Attributes:
        model_id: the new key.
        name: display name (Epoch's spelling where Epoch lists it).
        family: family grouping.
        organisation: developer.
        model_type: base / chat / instruct / reasoning / hybrid-reasoning.
        type_basis: what ``model_type`` rests on.
        rule: 'closed' or 'open' when open_weights may fall back on the
            reference's family rule (GPT, Claude, Gemini closed; DeepSeek open).
        licence: licence text with its provenance, when a source states it.
        note: caveats.
        open_basis: an explicit open-weights basis ('true'/'false' is the first word),
            used when neither Epoch nor a vLLM recipe gives one.
    """

    model_id: str
    name: str
    family: str
    organisation: str
    model_type: str
    type_basis: str
    rule: str = ""
    licence: str = ""
    note: str = ""
    open_basis: str = ""


def _a(*args: str, **kw: str) -> Added:
    return Added(*args, **kw)


ADDED: tuple[Added, ...] = (
    # --- OpenAI (closed) -------------------------------------------------------------------
    _a(
        "gpt-5.1-codex-max",
        "GPT-5.1-Codex-Max",
        "GPT-5.1 Codex",
        "OpenAI",
        "reasoning",
        _GPT,
        rule="closed",
    ),
    _a(
        "gpt-5.3-codex",
        "GPT-5.3 Codex",
        "GPT-5.3 Codex",
        "OpenAI",
        "reasoning",
        _GPT,
        rule="closed",
        note="not the same model as gpt-5.3 (GPT-5.3 Chat, the ChatGPT Instant model)",
    ),
    _a(
        "gpt-5.5-instant",
        "GPT-5.5 Instant",
        "GPT-5.5",
        "OpenAI",
        "chat",
        "name: OpenAI's 'Instant' models are the non-reasoning ChatGPT models (cf. gpt-5.3, "
        "'GPT-5.3 Chat')",
        rule="closed",
    ),
    _a(
        "gpt-6-astra",
        "GPT-6 Astra",
        "GPT-6",
        "OpenAI",
        "reasoning",
        _GPT + "; GPT-6 Astra's mode is not stated in the sources",
        rule="closed",
    ),
    # --- Anthropic (closed) ----------------------------------------------------------------
    _a(
        "claude-fable-5.1",
        "Claude Fable 5.1",
        "Claude Fable 5",
        "Anthropic",
        "hybrid-reasoning",
        _CLAUDE,
        rule="closed",
    ),
    _a(
        "claude-opus-5.5",
        "Claude Opus 5.5",
        "Claude Opus 5.5",
        "Anthropic",
        "hybrid-reasoning",
        _CLAUDE,
        rule="closed",
    ),
    _a(
        "claude-sonnet-5.5",
        "Claude Sonnet 5.5",
        "Claude Sonnet 5.5",
        "Anthropic",
        "hybrid-reasoning",
        _CLAUDE,
        rule="closed",
    ),
    # --- Google (closed) -------------------------------------------------------------------
    _a(
        "gemini-2.5-flash-preview-09-2025",
        "Gemini 2.5 Flash Preview (Sep 2025)",
        "Gemini 2.5 Flash",
        "Google",
        "reasoning",
        _GEMINI,
        rule="closed",
    ),
    _a(
        "gemini-3.8-flash",
        "Gemini 3.8 Flash",
        "Gemini 3.8 Flash",
        "Google",
        "reasoning",
        _GEMINI,
        rule="closed",
    ),
    # --- xAI, Meta (closed per Epoch) ------------------------------------------------------
    _a("grok-4-fast", "Grok 4 Fast", "Grok 4 Fast", "xAI", "hybrid-reasoning", _AA_HYBRID),
    _a("grok-4.20", "Grok 4.20", "Grok 4.20", "xAI", "hybrid-reasoning", _AA_HYBRID),
    _a("grok-4.3-beta", "Grok 4.3 Beta", "Grok 4.3", "xAI", "reasoning", _GROK),
    _a("grok-4.5", "Grok 4.5", "Grok 4.5", "xAI", "reasoning", _GROK),
    _a("muse-spark", "Muse Spark", "Muse Spark", "Meta", "reasoning", _EPOCH_EFFORT),
    _a(
        "muse-spark-1.1",
        "Muse Spark 1.1",
        "Muse Spark",
        "Meta",
        "reasoning",
        "family: the Muse Spark row is a reasoning model",
    ),
    # --- Alibaba (closed per Epoch) --------------------------------------------------------
    _a(
        "qwen3.7-max",
        "Qwen3.7-Max",
        "Qwen Max",
        "Alibaba",
        "reasoning",
        "family rule: Qwen Max rows in models (qwen3-max) are API models; mode not stated, Epoch "
        "lists it among reasoning frontier models",
    ),
    _a(
        "qwen3.8-max",
        "Qwen 3.8 Max",
        "Qwen Max",
        "Alibaba",
        "reasoning",
        "family: as qwen3.7-max (mode not stated in the sources)",
    ),
    # --- DeepSeek (open) -------------------------------------------------------------------
    _a(
        "deepseek-v4-flash-0731",
        "DeepSeek V4 Flash 0731",
        "DeepSeek-V4",
        "DeepSeek",
        "hybrid-reasoning",
        "vLLM recipe DeepSeek-V4-Flash: three-tier reasoning modes (same family as "
        "deepseek-v4-flash)",
        note="the 2026-07-31 update of DeepSeek V4 Flash (new weights, same architecture per the "
        "vLLM "
        "recipe); the API id deepseek-v4-flash is the row deepseek-v4-flash",
    ),
    _a(
        "deepseek-v4-pro-0813",
        "DeepSeek V4 Pro 0813",
        "DeepSeek-V4",
        "DeepSeek",
        "hybrid-reasoning",
        "vLLM recipe DeepSeek-V4-Pro: 'three-tier reasoning'",
        note="the 2026-08-13 release of DeepSeek V4 Pro ('Official 0813 release: supersedes the "
        "preview, "
        "same architecture' per the vLLM recipe)",
    ),
    _a(
        "deepseek-v4.1-flash",
        "DeepSeek V4.1 Flash",
        "DeepSeek-V4",
        "DeepSeek",
        "hybrid-reasoning",
        "family: DeepSeek V4 rows are hybrid-reasoning",
        rule="open",
        note="listed only in Epoch's Oct-2026 ECI list; open_weights rests on the reference's "
        "DeepSeek "
        "family rule, not on a weights release seen in the sources",
    ),
    # --- Moonshot --------------------------------------------------------------------------
    _a("kimi-k2.5", "Kimi K2.5", "Kimi K2.5", "Moonshot", "hybrid-reasoning", _AA_HYBRID),
    _a("kimi-k2.6", "Kimi K2.6", "Kimi K2.6", "Moonshot", "reasoning", _EPOCH_EFFORT),
    _a(
        "kimi-k2.7-code",
        "Kimi K2.7 Code",
        "Kimi K2.7",
        "Moonshot",
        "reasoning",
        "family: Kimi K2.6 row is reasoning (coding variant)",
    ),
    _a(
        "kimi-k3",
        "Kimi K3",
        "Kimi K3",
        "Moonshot",
        "reasoning",
        "family: Kimi K2.x rows are reasoning",
        note="the vLLM recipe calls the checkpoint 'pre-release'; Epoch labels it open weights "
        "(non-commercial)",
    ),
    _a(
        "kimi-linear-48b-a3b-instruct",
        "Kimi Linear 48B A3B Instruct",
        "Kimi Linear",
        "Moonshot",
        "instruct",
        "name (Instruct)",
    ),
    # --- Z.ai ------------------------------------------------------------------------------
    _a(
        "glm-4.5-air",
        "GLM-4.5-Air",
        "GLM-4.5",
        "Z.ai (Zhipu AI)",
        "hybrid-reasoning",
        "family: the GLM-4.5 row is hybrid-reasoning",
        open_basis="true: licence 'MIT' in the LMArena leaderboard metadata (reference "
        "benchmarks/arena_elo_tidy_monthly.csv, snapshot 2025-08-04)",
        licence="MIT (LMArena metadata)",
    ),
    _a("glm-4.6", "GLM-4.6", "GLM-4.6", "Z.ai (Zhipu AI)", "hybrid-reasoning", _AA_HYBRID),
    _a("glm-4.7", "GLM-4.7", "GLM-4.7", "Z.ai (Zhipu AI)", "hybrid-reasoning", _AA_HYBRID),
    _a(
        "glm-5",
        "GLM-5",
        "GLM-5",
        "Z.ai (Zhipu AI)",
        "hybrid-reasoning",
        _AA_HYBRID,
        licence="Apache-2.0 for the repository code (zai-org/GLM-5 LICENSE, per the reference); "
        "model licence not captured",
    ),
    _a("glm-5.1", "GLM-5.1", "GLM-5", "Z.ai (Zhipu AI)", "hybrid-reasoning", _AA_HYBRID),
    _a(
        "glm-5.2",
        "GLM-5.2",
        "GLM-5",
        "Z.ai (Zhipu AI)",
        "hybrid-reasoning",
        "family: GLM-5 rows are hybrid-reasoning",
    ),
    # --- MiniMax ---------------------------------------------------------------------------
    _a("minimax-m2", "MiniMax-M2", "MiniMax-M2", "MiniMax", "reasoning", _AA_REASONING),
    _a("minimax-m2.1", "MiniMax-M2.1", "MiniMax-M2", "MiniMax", "reasoning", _AA_REASONING),
    _a(
        "minimax-m2.5",
        "MiniMax-M2.5",
        "MiniMax-M2",
        "MiniMax",
        "reasoning",
        _AA_REASONING,
        licence="Modified-MIT (README badge); LICENSE-MODEL titled 'MINIMAX MODEL LICENSE' "
        "(MiniMax-AI/MiniMax-M2.5@0fe00c84, per the reference)",
    ),
    _a("minimax-m2.7", "MiniMax-M2.7", "MiniMax-M2", "MiniMax", "reasoning", _AA_REASONING),
    _a(
        "minimax-m3",
        "MiniMax-M3",
        "MiniMax-M3",
        "MiniMax",
        "reasoning",
        "family: MiniMax-M2.x rows are reasoning",
    ),
    # --- Alibaba (open) --------------------------------------------------------------------
    _a("qwen3-30b-a3b", "Qwen3-30B-A3B", "Qwen3", "Alibaba", "hybrid-reasoning", _AA_HYBRID),
    _a("qwen3-8b", "Qwen3-8B", "Qwen3", "Alibaba", "hybrid-reasoning", _AA_HYBRID),
    _a("qwen3-4b", "Qwen3-4B", "Qwen3", "Alibaba", "hybrid-reasoning", _AA_HYBRID),
    _a("qwen3-1.7b", "Qwen3-1.7B", "Qwen3", "Alibaba", "hybrid-reasoning", _AA_HYBRID),
    _a(
        "qwen3-235b-a22b-instruct-2507",
        "Qwen3-235B-A22B-Instruct-2507",
        "Qwen3-2507",
        "Alibaba",
        "instruct",
        "name (Instruct)",
    ),
    _a(
        "qwen3-235b-a22b-thinking-2507",
        "Qwen3-235B-A22B-Thinking-2507",
        "Qwen3-2507",
        "Alibaba",
        "reasoning",
        "name (Thinking)",
    ),
    _a(
        "qwen3-coder-480b-a35b-instruct",
        "Qwen3-Coder-480B-A35B-Instruct",
        "Qwen3-Coder",
        "Alibaba",
        "instruct",
        "name (Instruct)",
    ),
    _a(
        "qwen3-next-80b-a3b-instruct",
        "Qwen3-Next-80B-A3B-Instruct",
        "Qwen3-Next",
        "Alibaba",
        "instruct",
        "name (Instruct)",
    ),
    _a("qwen3.5-0.8b", "Qwen3.5-0.8B", "Qwen3.5", "Alibaba", "hybrid-reasoning", _AA_HYBRID),
    _a("qwen3.5-2b", "Qwen3.5-2B", "Qwen3.5", "Alibaba", "hybrid-reasoning", _AA_HYBRID),
    _a("qwen3.5-4b", "Qwen3.5-4B", "Qwen3.5", "Alibaba", "hybrid-reasoning", _AA_HYBRID),
    _a("qwen3.5-9b", "Qwen3.5-9B", "Qwen3.5", "Alibaba", "hybrid-reasoning", _AA_HYBRID),
    _a("qwen3.5-27b", "Qwen3.5-27B", "Qwen3.5", "Alibaba", "hybrid-reasoning", _AA_HYBRID),
    _a("qwen3.5-35b-a3b", "Qwen3.5-35B-A3B", "Qwen3.5", "Alibaba", "hybrid-reasoning", _AA_HYBRID),
    _a(
        "qwen3.5-122b-a10b",
        "Qwen3.5-122B-A10B",
        "Qwen3.5",
        "Alibaba",
        "hybrid-reasoning",
        _AA_HYBRID,
    ),
    _a(
        "qwen3.5-397b-a17b",
        "Qwen3.5-397B-A17B",
        "Qwen3.5",
        "Alibaba",
        "hybrid-reasoning",
        _AA_HYBRID,
    ),
    _a(
        "qwen3.6-27b",
        "Qwen3.6-27B",
        "Qwen3.6",
        "Alibaba",
        "hybrid-reasoning",
        "family: Qwen3.5 rows are hybrid-reasoning",
    ),
    _a(
        "qwen3.6-35b-a3b",
        "Qwen3.6-35B-A3B",
        "Qwen3.6",
        "Alibaba",
        "hybrid-reasoning",
        "family: Qwen3.5 rows are hybrid-reasoning",
    ),
    _a(
        "qwen3.8-27b",
        "Qwen3.8-27B",
        "Qwen3.8",
        "Alibaba",
        "hybrid-reasoning",
        "family: Qwen3.5 rows are hybrid-reasoning",
    ),
    _a(
        "qwen3.8-2.4t-a95b",
        "Qwen3.8-2.4T-A95B",
        "Qwen3.8",
        "Alibaba",
        "hybrid-reasoning",
        "family: Qwen3.5 rows are hybrid-reasoning",
    ),
    # --- Google (open) ---------------------------------------------------------------------
    _a("gemma-4-e2b-it", "Gemma 4 E2B IT", "Gemma 4", "Google", "hybrid-reasoning", _AA_HYBRID),
    _a("gemma-4-e4b-it", "Gemma 4 E4B IT", "Gemma 4", "Google", "hybrid-reasoning", _AA_HYBRID),
    _a(
        "gemma-4-12b-it",
        "Gemma 4 12B IT",
        "Gemma 4",
        "Google",
        "hybrid-reasoning",
        "family: Gemma 4 rows are hybrid-reasoning",
    ),
    _a(
        "gemma-4-26b-a4b-it",
        "Gemma 4 26B A4B IT",
        "Gemma 4",
        "Google",
        "hybrid-reasoning",
        _AA_HYBRID,
    ),
    _a("gemma-4-31b-it", "Gemma 4 31B IT", "Gemma 4", "Google", "hybrid-reasoning", _AA_HYBRID),
    # --- OpenAI (open) ---------------------------------------------------------------------
    _a(
        "gpt-oss-20b",
        "gpt-oss-20b",
        "gpt-oss",
        "OpenAI",
        "reasoning",
        "family: the gpt-oss-120b row is reasoning",
        licence="Apache-2.0 (per the genai-prices description of gpt-oss-20b)",
    ),
    # --- Mistral (open) --------------------------------------------------------------------
    _a(
        "ministral-3-14b-2512",
        "Ministral 3 14B Instruct (2512)",
        "Ministral 3",
        "Mistral AI",
        "instruct",
        "name (Instruct)",
    ),
    _a(
        "ministral-3-8b-reasoning-2512",
        "Ministral 3 8B Reasoning (2512)",
        "Ministral 3",
        "Mistral AI",
        "reasoning",
        "name (Reasoning)",
    ),
    _a(
        "mistral-small-4",
        "Mistral Small 4 (119B, 2603)",
        "Mistral Small",
        "Mistral AI",
        "hybrid-reasoning",
        _AA_HYBRID,
    ),
    _a(
        "mistral-medium-3.5",
        "Mistral Medium 3.5",
        "Mistral Medium",
        "Mistral AI",
        "reasoning",
        _EPOCH_EFFORT,
    ),
    # --- NVIDIA (open) ---------------------------------------------------------------------
    _a(
        "nemotron-3-nano-30b-a3b",
        "NVIDIA Nemotron 3 Nano 30B A3B",
        "Nemotron 3",
        "NVIDIA",
        "hybrid-reasoning",
        _AA_HYBRID,
    ),
    _a(
        "nemotron-3-nano-4b",
        "NVIDIA Nemotron 3 Nano 4B",
        "Nemotron 3",
        "NVIDIA",
        "reasoning",
        "family: Nemotron 3 rows are reasoning-capable; mode of the 4B not stated",
    ),
    _a(
        "nemotron-3-super-120b-a12b",
        "NVIDIA Nemotron 3 Super 120B A12B",
        "Nemotron 3",
        "NVIDIA",
        "reasoning",
        _AA_REASONING,
    ),
    _a(
        "nemotron-3-ultra",
        "Nemotron 3 Ultra (550B A55B)",
        "Nemotron 3",
        "NVIDIA",
        "reasoning",
        "family: Nemotron 3 Super row is reasoning",
    ),
    _a(
        "nemotron-3.5-lightning-30b-a3b",
        "NVIDIA Nemotron 3.5 Lightning 30B A3B",
        "Nemotron 3.5",
        "NVIDIA",
        "reasoning",
        "family: Nemotron 3 rows are reasoning-capable; mode not stated",
    ),
    # --- others (open) ---------------------------------------------------------------------
    _a(
        "inkling",
        "Inkling",
        "Inkling",
        "Thinking Machines",
        "reasoning",
        "mode not stated; Epoch ECI frontier list",
    ),
    _a(
        "inkling-small",
        "Inkling-Small",
        "Inkling",
        "Thinking Machines",
        "reasoning",
        "family: as inkling",
    ),
    _a("mimo-v2-flash", "MiMo-V2-Flash", "MiMo-V2", "Xiaomi", "hybrid-reasoning", _AA_HYBRID),
    _a(
        "mimo-v2.5",
        "MiMo-V2.5",
        "MiMo-V2.5",
        "Xiaomi",
        "reasoning",
        "family: MiMo-V2 rows are reasoning-capable",
    ),
    _a(
        "mimo-v2.5-pro",
        "MiMo-V2.5-Pro",
        "MiMo-V2.5",
        "Xiaomi",
        "reasoning",
        "family: MiMo-V2 rows are reasoning-capable",
    ),
    _a("step-3.5-flash", "Step 3.5 Flash", "Step 3.5", "StepFun", "reasoning", _AA_REASONING),
    _a(
        "step-3.7-flash",
        "Step 3.7 Flash",
        "Step 3.7",
        "StepFun",
        "reasoning",
        "family: Step 3.5 Flash row is reasoning",
    ),
    _a(
        "trinity-large-thinking",
        "Trinity Large Thinking",
        "Trinity",
        "Arcee AI",
        "reasoning",
        "name (Thinking)",
    ),
    _a(
        "seed-oss-36b-instruct",
        "Seed-OSS-36B-Instruct",
        "Seed-OSS",
        "ByteDance Seed",
        "instruct",
        "name (Instruct)",
    ),
    _a("hy3", "Hy3", "Hy3", "Tencent", "reasoning", "mode not stated in the sources"),
    _a(
        "ling-2.6-1t",
        "Ling-2.6-1T",
        "Ling 2.6",
        "inclusionAI",
        "instruct",
        "inclusionAI's Ling models are its non-thinking line (Ring is the reasoning line)",
    ),
    _a(
        "ring-2.6-1t",
        "Ring-2.6-1T",
        "Ring 2.6",
        "inclusionAI",
        "reasoning",
        "inclusionAI's Ring models are its reasoning line",
    ),
    _a(
        "laguna-m.1",
        "Laguna M.1",
        "Laguna",
        "Poolside",
        "instruct",
        "coding model; mode not stated",
    ),
    _a(
        "lfm2.5-8b-a1b",
        "LFM2.5 8B A1B",
        "LFM2.5",
        "Liquid AI",
        "instruct",
        "mode not stated (instruct model)",
    ),
    _a("phi-4-reasoning", "Phi-4-reasoning", "Phi-4", "Microsoft", "reasoning", "name (reasoning)"),
    _a(
        "ernie-4.5-21b-a3b",
        "ERNIE 4.5 21B A3B",
        "ERNIE 4.5",
        "Baidu",
        "instruct",
        "post-trained (PT) checkpoint",
    ),
    _a(
        "hunyuan-a13b-instruct",
        "Hunyuan-A13B-Instruct",
        "Hunyuan",
        "Tencent",
        "instruct",
        "name (Instruct)",
    ),
    _a(
        "ling-2.6-flash",
        "Ling-2.6-flash",
        "Ling 2.6",
        "inclusionAI",
        "instruct",
        "inclusionAI's Ling models are its non-thinking line (Ring is the reasoning line)",
    ),
    _a(
        "ling-3.0-flash",
        "Ling-3.0-flash",
        "Ling 3.0",
        "inclusionAI",
        "instruct",
        "inclusionAI's Ling models are its non-thinking line (Ring is the reasoning line)",
    ),
    _a(
        "laguna-s-2.1",
        "Laguna S-2.1",
        "Laguna",
        "Poolside",
        "instruct",
        "coding model; mode not stated",
    ),
    _a(
        "laguna-xs-2.1",
        "Laguna XS-2.1",
        "Laguna",
        "Poolside",
        "instruct",
        "coding model; mode not stated",
    ),
    _a(
        "intern-s2-preview",
        "Intern-S2-Preview",
        "Intern-S2",
        "Shanghai AI Laboratory (InternLM)",
        "reasoning",
        "scientific reasoning model; mode not stated",
    ),
    _a("muse-glimmer-30b", "Muse Glimmer 30B", "Muse", "Meta", "instruct", "mode not stated"),
    _a(
        "phi-4-mini-instruct",
        "Phi-4-mini-instruct",
        "Phi-4",
        "Microsoft",
        "instruct",
        "name (instruct)",
    ),
    _a("minicpm5-1b", "MiniCPM5-1B", "MiniCPM", "OpenBMB", "instruct", "mode not stated"),
    _a(
        "mellum2-12b-a2.5b-instruct",
        "Mellum2-12B-A2.5B-Instruct",
        "Mellum2",
        "JetBrains",
        "instruct",
        "name (Instruct)",
    ),
    _a(
        "lfm2.5-1.2b-instruct",
        "LFM2.5-1.2B-Instruct",
        "LFM2.5",
        "Liquid AI",
        "instruct",
        "name (Instruct)",
    ),
    _a(
        "granite-3.2-2b-instruct",
        "Granite 3.2 2B Instruct",
        "Granite 3.2",
        "IBM",
        "instruct",
        "name (Instruct)",
    ),
)

# Why a model has no release date, where the generic reason would say less than the sources do.
MISSING_REASONS: dict[str, str] = {
    "gemini-2.5-flash-lite": "Epoch's model_versions and Artificial Analysis date only the preview "
    "(2025-06-17); no source dates the GA id gemini-2.5-flash-lite",
    "codestral-2508": "the genai-prices description says 'released end of July 2025' (a month, "
    "no day); no source gives a date",
    "qwen2.5-vl-72b-instruct": "Epoch's model_versions gives 2024-09-19, the Qwen2.5 family blog "
    "date, "
    "not this model's; no other source dates it",
    "gpt-5.3": "LiveBench lists gpt-5.3-instant without a date; not in Epoch AI's ECI files or the "
    "Artificial Analysis scrape",
}

# Context windows printed as max_position_embeddings in a config.json copy (models the
# vLLM recipes do not cover): model_id -> (tokens, citation).
_SCALE = (
    "scaleapi/llm-engine:model-engine/tests/unit/domain/test_llm_use_cases.py"
    "@28edd64a8717c3a64fb53c874d1513fbb64be880"
)
CONFIG_CONTEXT: dict[str, tuple[str, str]] = {
    "mixtral-8x7b-base": ("32768", f"{_SCALE} ('mixtral-8x7b' config.json copy)"),
    "mixtral-8x7b-instruct": ("32768", f"{_SCALE} ('mixtral-8x7b' config.json copy)"),
    "mixtral-8x22b-base": ("65536", f"{_SCALE} ('mixtral-8x22b' config.json copy)"),
    "mixtral-8x22b-instruct": ("65536", f"{_SCALE} ('mixtral-8x22b' config.json copy)"),
}

# Sizes printed only in a model's or script's name (nominal, like the reference's
# name-derived sizes): model_id -> (total_b, active_b, where the name is printed).
NOMINAL_PARAMS: dict[str, tuple[str, str, str]] = {
    "glm-4.5-air": (
        "106",
        "12",
        "nominal size in the script name THUDM/slime:scripts/models/glm4.5-106B-A12B.sh"
        "@624b824a898ab0ec1fcb4d373004c7f3852bf515",
    ),
    "qwen3-235b-a22b-thinking-2507": (
        "235",
        "22",
        "nominal size in the model's name (Qwen3-235B-A22B-Thinking-2507)",
    ),
}

# model_id -> Hugging Face repo id whose weights a vLLM recipe serves (the recipe's
# model_id, or a variant of it). Used for open_weights and params/context.
VLLM_REPOS: dict[str, str] = {
    "deepseek-r1": "deepseek-ai/DeepSeek-R1",
    "deepseek-r1-0528": "deepseek-ai/DeepSeek-R1-0528",
    "deepseek-v3": "deepseek-ai/DeepSeek-V3",
    "deepseek-v3.1": "deepseek-ai/DeepSeek-V3.1",
    "deepseek-v3.2-exp": "deepseek-ai/DeepSeek-V3.2-Exp",
    "deepseek-v3.2": "deepseek-ai/DeepSeek-V3.2",
    "deepseek-v4-flash": "deepseek-ai/DeepSeek-V4-Flash",
    "deepseek-v4-flash-0731": "deepseek-ai/DeepSeek-V4-Flash-0731",
    "deepseek-v4-pro": "deepseek-ai/DeepSeek-V4-Pro",
    "deepseek-v4-pro-0813": "deepseek-ai/DeepSeek-V4-Pro-0813",
    "kimi-k2-instruct": "moonshotai/Kimi-K2-Instruct",
    "kimi-k2-thinking": "moonshotai/Kimi-K2-Thinking",
    "kimi-k2.5": "moonshotai/Kimi-K2.5",
    "kimi-k2.6": "moonshotai/Kimi-K2.6",
    "kimi-k2.7-code": "moonshotai/Kimi-K2.7-Code",
    "kimi-k3": "moonshotai/Kimi-K3",
    "kimi-linear-48b-a3b-instruct": "moonshotai/Kimi-Linear-48B-A3B-Instruct",
    "glm-4.5": "zai-org/GLM-4.5",
    "glm-4.6": "zai-org/GLM-4.6",
    "glm-4.7": "zai-org/GLM-4.7",
    "glm-5": "zai-org/GLM-5",
    "glm-5.1": "zai-org/GLM-5.1",
    "glm-5.2": "zai-org/GLM-5.2",
    "minimax-m2": "MiniMaxAI/MiniMax-M2",
    "minimax-m2.1": "MiniMaxAI/MiniMax-M2.1",
    "minimax-m2.5": "MiniMaxAI/MiniMax-M2.5",
    "minimax-m2.7": "MiniMaxAI/MiniMax-M2.7",
    "minimax-m3": "MiniMaxAI/MiniMax-M3",
    "qwen3-30b-a3b": "Qwen/Qwen3-30B-A3B",
    "qwen3-32b": "Qwen/Qwen3-32B",
    "qwen3-8b": "Qwen/Qwen3-8B",
    "qwen3-4b": "Qwen/Qwen3-4B",
    "qwen3-1.7b": "Qwen/Qwen3-1.7B",
    "qwen3-235b-a22b-instruct-2507": "Qwen/Qwen3-235B-A22B-Instruct-2507",
    "qwen3-coder-480b-a35b-instruct": "Qwen/Qwen3-Coder-480B-A35B-Instruct",
    "qwen3-next-80b-a3b-instruct": "Qwen/Qwen3-Next-80B-A3B-Instruct",
    "qwen3.5-0.8b": "Qwen/Qwen3.5-0.8B",
    "qwen3.5-2b": "Qwen/Qwen3.5-2B",
    "qwen3.5-4b": "Qwen/Qwen3.5-4B",
    "qwen3.5-9b": "Qwen/Qwen3.5-9B",
    "qwen3.5-27b": "Qwen/Qwen3.5-27B",
    "qwen3.5-35b-a3b": "Qwen/Qwen3.5-35B-A3B",
    "qwen3.5-122b-a10b": "Qwen/Qwen3.5-122B-A10B",
    "qwen3.5-397b-a17b": "Qwen/Qwen3.5-397B-A17B",
    "qwen3.6-27b": "Qwen/Qwen3.6-27B",
    "qwen3.6-35b-a3b": "Qwen/Qwen3.6-35B-A3B",
    "qwen3.8-27b": "Qwen/Qwen3.8-27B",
    "qwen3.8-2.4t-a95b": "Qwen/Qwen3.8-2.4T-A95B",
    "qwen2.5-vl-72b-instruct": "Qwen/Qwen2.5-VL-72B-Instruct",
    "gemma-4-e2b-it": "google/gemma-4-E2B-it",
    "gemma-4-e4b-it": "google/gemma-4-E4B-it",
    "gemma-4-12b-it": "google/gemma-4-12B-it",
    "gemma-4-26b-a4b-it": "google/gemma-4-26B-A4B-it",
    "gemma-4-31b-it": "google/gemma-4-31B-it",
    "gpt-oss-120b": "openai/gpt-oss-120b",
    "gpt-oss-20b": "openai/gpt-oss-20b",
    "mistral-large-2512": "mistralai/Mistral-Large-3-675B-Instruct-2512",
    "ministral-3-14b-2512": "mistralai/Ministral-3-14B-Instruct-2512",
    "ministral-3-8b-reasoning-2512": "mistralai/Ministral-3-8B-Reasoning-2512",
    "mistral-small-4": "mistralai/Mistral-Small-4-119B-2603",
    "mistral-medium-3.5": "mistralai/Mistral-Medium-3.5-128B",
    "nemotron-3-nano-30b-a3b": "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16",
    "nemotron-3-nano-4b": "nvidia/NVIDIA-Nemotron-3-Nano-4B-BF16",
    "nemotron-3-super-120b-a12b": "nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16",
    "nemotron-3-ultra": "nvidia/NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16",
    "nemotron-3.5-lightning-30b-a3b": "nvidia/NVIDIA-Nemotron-3.5-Lightning-30B-A3B-BF16",
    "inkling": "thinkingmachines/Inkling-NVFP4",
    "inkling-small": "thinkingmachines/Inkling-Small-NVFP4",
    "mimo-v2-flash": "XiaomiMiMo/MiMo-V2-Flash",
    "mimo-v2.5": "XiaomiMiMo/MiMo-V2.5",
    "mimo-v2.5-pro": "XiaomiMiMo/MiMo-V2.5-Pro",
    "step-3.5-flash": "stepfun-ai/Step-3.5-Flash",
    "step-3.7-flash": "stepfun-ai/Step-3.7-Flash",
    "trinity-large-thinking": "arcee-ai/Trinity-Large-Thinking",
    "seed-oss-36b-instruct": "ByteDance-Seed/Seed-OSS-36B-Instruct",
    "hy3": "tencent/Hy3",
    "ling-2.6-1t": "inclusionAI/Ling-2.6-1T",
    "ring-2.6-1t": "inclusionAI/Ring-2.6-1T",
    "laguna-m.1": "poolside/Laguna-M.1",
    "lfm2.5-8b-a1b": "LiquidAI/LFM2.5-8B-A1B",
    "phi-4-reasoning": "microsoft/Phi-4-reasoning",
    "ernie-4.5-21b-a3b": "baidu/ERNIE-4.5-21B-A3B-PT",
    "hunyuan-a13b-instruct": "tencent/Hunyuan-A13B-Instruct",
    "ling-2.6-flash": "inclusionAI/Ling-2.6-flash",
    "ling-3.0-flash": "inclusionAI/Ling-3.0-flash",
    "laguna-s-2.1": "poolside/Laguna-S-2.1",
    "laguna-xs-2.1": "poolside/Laguna-XS-2.1",
    "intern-s2-preview": "internlm/Intern-S2-Preview",
    "muse-glimmer-30b": "meta-models/Muse-Glimmer-30B",
    "phi-4-mini-instruct": "microsoft/Phi-4-mini-instruct",
    "minicpm5-1b": "openbmb/MiniCPM5-1B",
    "mellum2-12b-a2.5b-instruct": "JetBrains/Mellum2-12B-A2.5B-Instruct",
    "lfm2.5-1.2b-instruct": "LiquidAI/LFM2.5-1.2B-Instruct",
    "granite-3.2-2b-instruct": "ibm-granite/granite-3.2-2b-instruct",
    "llama-3.3-70b-instruct": "meta-llama/Llama-3.3-70B-Instruct",
    "llama-4-scout-instruct": "meta-llama/Llama-4-Scout-17B-16E-Instruct",
}


# --------------------------------------------------------------------------- derivation

VLLM_DIR = "fresh_2026/open_models/vllm_recipes_models"
VLLM_CITE = "vllm-project/recipes:models/{file}@8959cf64189c71d36e11c6a30335f923f261b1f7"
AA_FILE = "fresh_2026/artificial_analysis/aa_2026-05/artificial_analysis_llm_stats.csv"
AA_CITE = (
    "feruiloba/miri-fellowship-inference-scaling:data/artificial_analysis/"
    "artificial_analysis_llm_stats.csv@de0813762c251604d966b146346f5c1f022f6de4 "
    "(Artificial Analysis scrape, 2026-05-14)"
)
EPOCH_DATE_NOTE = (
    "Epoch's date is the announcement or first API availability, not necessarily a weights upload"
)
MOE_ACTIVE_MISSING = (
    "params_active_b empty: no source in the reference states this MoE model's active "
    "parameter count"
)
ALIAS_REASON = "alias row: the API id named several snapshots over time, so no single release date"
NO_SOURCE_REASON = (
    "no source in the reference dates this model: not in Epoch AI's ECI files (May/Aug/Oct 2026) "
    "or the Artificial Analysis scrape (May 2026)"
)


@dataclass(frozen=True)
class Recipe:
    """What a vLLM recipe states about the weights it serves."""

    file: str
    total_b: str
    active_b: str
    active_printed: str
    context: str
    architecture: str
    variant: bool

    @property
    def cite(self) -> str:
        return VLLM_CITE.format(file=self.file)


def vllm_index(ref: Path) -> dict[str, Recipe]:
    """Hugging Face repo id -> the recipe serving it (the recipe's model or one of its variants)."""
    import yaml

    from .common import num
    from .parsers import billions

    out: dict[str, Recipe] = {}
    root = ref / VLLM_DIR
    for path in sorted(root.glob("*/*.yaml")):
        y = yaml.safe_load(path.read_text(encoding="utf-8"))
        m = y.get("model") or {}
        rel = path.relative_to(root).as_posix()
        total = billions(str(m.get("parameter_count", "")))
        active = billions(str(m.get("active_parameters", "")))
        ctx = str(m.get("context_length") or "")
        base = dict(
            file=rel,
            total_b=num(total) if total is not None else "",
            active_b=num(active) if active is not None else "",
            active_printed=str(m.get("active_parameters", "")),
            context="" if ctx in ("", "0") else ctx,
            architecture=str(m.get("architecture", "")),
        )
        out[str(m.get("model_id"))] = Recipe(**base, variant=False)
        for v in (y.get("variants") or {}).values():
            if isinstance(v, dict) and v.get("model_id") and v["model_id"] not in out:
                out[str(v["model_id"])] = Recipe(**base, variant=True)
    return out


def aa_dates(ref: Path) -> dict[str, tuple[str, str]]:
    """model_id -> (AA release_date, AA names) over every AA slug mapped to it.

    Raises:
        ValueError: the slugs of one model carry different dates (then they are
            not one model and names.AA_SLUGS is wrong), or a mapped slug is missing.
    """
    from .common import read_csv
    from .names import AA_SLUGS

    stats = {r["slug"]: r for r in read_csv(ref / AA_FILE)}
    missing = sorted(set(AA_SLUGS) - set(stats))
    if missing:
        raise ValueError(f"names.AA_SLUGS lists slugs absent from the AA scrape: {missing}")
    per: dict[str, set[str]] = {}
    names: dict[str, list[str]] = {}
    for slug, (mid, _) in AA_SLUGS.items():
        per.setdefault(mid, set()).add(stats[slug]["release_date"])
        names.setdefault(mid, []).append(stats[slug]["name"])
    out = {}
    for mid, dates in per.items():
        if len(dates) != 1:
            raise ValueError(
                f"AA slugs mapped to {mid} carry several release dates {sorted(dates)}"
            )
        out[mid] = (dates.pop(), "; ".join(sorted(names[mid])))
    return out


ALIAS_IDS = {
    "gpt-4o",
    "claude-3.5-sonnet",
    "deepseek-chat",
    "deepseek-reasoner",
    "codestral",
    "mistral-large",
    "gemini-1.5-flash",
    "gemini-1.5-pro",
}


def _open_basis(
    mid: str, facts: dict[str, str], recipe: Recipe | None, rule: str, explicit: str = ""
) -> tuple[str, str]:
    """(open_weights, basis) for an added model, by the order in the module docstring."""
    from .eci import open_from_accessibility

    if explicit:
        flag, _, text = explicit.partition(": ")
        return flag, text

    access = facts.get("accessibility", "")
    flag = open_from_accessibility(access) if access else ""
    if flag:
        basis = f"{facts['access_source']}: '{access}'"
        if recipe is not None and flag == "false":
            raise ValueError(f"{mid}: Epoch says {access!r} but a vLLM recipe serves its weights")
        if recipe is not None:
            basis += f"; weights served in {recipe.cite}"
        return flag, basis
    if recipe is not None:
        return (
            "true",
            f"weights served from Hugging Face in {recipe.cite} (Epoch: no accessibility label)",
        )
    if rule == "closed":
        return "false", (
            "family rule of reference prices/api_prices_curated.csv: GPT, o-series, Claude and "
            "Gemini are closed (Epoch gives no accessibility label for this model)"
        )
    if rule == "open":
        return "true", (
            "family rule of reference prices/api_prices_curated.csv: DeepSeek is open-weight "
            "(family rule, not a licence check; no weights release seen in the sources)"
        )
    raise ValueError(f"{mid}: no basis for open_weights (no Epoch label, no vLLM recipe, no rule)")


def extend_models(
    rows: list[dict[str, str]],
    ref: Path,
    versions: dict[str, str],
    columns: tuple[str, ...] | list[str],
) -> list[str]:
    """Add the :data:`ADDED` models to ``rows`` and fill facts the 2026 sources give.

    For every row: an empty release date is filled from Epoch (newest snapshot
    first) or AA; empty params/context of an open model from its vLLM recipe; a
    still-empty date gets ``release_date_missing_reason``. Existing values are
    never overwritten; a source that disagrees with one is noted.

    Returns:
        The decision log.
    """
    from .common import join_notes
    from .eci import epoch_facts, open_from_accessibility

    log: list[str] = []
    facts = epoch_facts(ref, versions)
    aa = aa_dates(ref)
    recipes = vllm_index(ref)
    known = {r["model_id"] for r in rows}
    for a in ADDED:
        if a.model_id in known:
            raise ValueError(f"added model {a.model_id} already exists")
        recipe = recipes.get(VLLM_REPOS.get(a.model_id, "")) if a.model_id in VLLM_REPOS else None
        if a.model_id in VLLM_REPOS and recipe is None:
            raise ValueError(f"{a.model_id}: no vLLM recipe serves {VLLM_REPOS[a.model_id]}")
        flag, basis = _open_basis(
            a.model_id, facts.get(a.model_id, {}), recipe, a.rule, a.open_basis
        )
        row = {c: "" for c in columns}
        row.update(
            model_id=a.model_id,
            name=a.name,
            family=a.family,
            organisation=a.organisation,
            open_weights=flag,
            open_weights_basis=basis,
            model_type=a.model_type,
            license=a.licence,
            source="",
            notes=join_notes(a.note, f"model_type: {a.type_basis}"),
        )
        rows.append(row)
    for row in rows:
        mid = row["model_id"]
        f = facts.get(mid, {})
        added: list[str] = []  # citations of the facts filled here
        notes = [row["notes"]]
        # Epoch accessibility vs an existing flag: noted, not changed.
        if f.get("accessibility"):
            epoch_flag = open_from_accessibility(f["accessibility"])
            if epoch_flag and epoch_flag != row["open_weights"]:
                log.append(
                    f"models: {mid}: open_weights {row['open_weights']} but Epoch says "
                    f"{f['accessibility']!r}"
                )
                notes.append(f"Epoch labels it '{f['accessibility']}' ({f['access_source']})")
        if not row["release_date"]:
            if f.get("date"):
                row["release_date"] = f["date"]
                row["release_date_source"] = f["date_source"]
                added.append(f["date_source"].split(" model ")[0])
                notes.append(EPOCH_DATE_NOTE)
                if mid in aa and aa[mid][0] != f["date"]:
                    notes.append(f"Artificial Analysis dates it {aa[mid][0]}")
            elif mid in aa:
                row["release_date"] = aa[mid][0]
                row["release_date_source"] = f'{AA_CITE} release_date of "{aa[mid][1]}"'
                added.append(AA_CITE)
                notes.append("release date as listed by Artificial Analysis (its own listing date)")
        elif f.get("date") and f["date"] != row["release_date"]:
            notes.append(f"Epoch AI dates it {f['date']}")
        if not row["release_date"]:
            row["release_date_missing_reason"] = (
                ALIAS_REASON if mid in ALIAS_IDS else MISSING_REASONS.get(mid, NO_SOURCE_REASON)
            )
        if mid in NOMINAL_PARAMS and not row["params_total_b"]:
            total, active, where = NOMINAL_PARAMS[mid]
            row["params_total_b"], row["params_active_b"] = total, active
            row["architecture"] = row["architecture"] or "moe"
            row["spec_source"] = join_notes(row["spec_source"], f"params: {where}")
            added.append(where)
        if mid in CONFIG_CONTEXT and not row["context_window"]:
            tokens, where = CONFIG_CONTEXT[mid]
            row["context_window"] = tokens
            row["spec_source"] = join_notes(
                row["spec_source"], f"context_window: max_position_embeddings in {where}"
            )
            added.append(where)
        recipe = recipes.get(VLLM_REPOS.get(mid, ""))
        if recipe is not None and (
            _fill_specs(row, recipe, notes, log) or recipe.cite in row["open_weights_basis"]
        ):
            added.append(recipe.cite)
        if row["architecture"] == "moe" and not row["params_active_b"]:
            notes.append(MOE_ACTIVE_MISSING)
        if (
            "access_source" in f
            and f["access_source"].split(" model ")[0] in row["open_weights_basis"]
        ):
            added.append(f["access_source"].split(" model ")[0])
        row["source"] = join_notes(row["source"], *added)
        if not row["source"]:
            raise ValueError(f"models {mid}: no source for the row's facts")
        row["notes"] = join_notes(*notes)
    return log


def _fill_specs(row: dict[str, str], recipe: Recipe, notes: list[str], log: list[str]) -> bool:
    """Empty params / architecture / context from a vLLM recipe; disagreements noted.

    Returns:
        Whether any cell was filled from the recipe.
    """
    from .common import join_notes

    mid = row["model_id"]
    filled = []
    variant = " (a variant checkpoint of that recipe)" if recipe.variant else ""
    if not row["params_total_b"] and recipe.total_b:
        row["params_total_b"] = recipe.total_b
        filled.append("params_total_b")
    elif row["params_total_b"] and recipe.total_b and row["params_total_b"] != recipe.total_b:
        notes.append(f"vLLM recipe gives {recipe.total_b}B total")
    if not row["params_active_b"] and recipe.active_b:
        if row["params_total_b"] == recipe.total_b or not recipe.total_b:
            row["params_active_b"] = recipe.active_b
            filled.append("params_active_b")
    elif row["params_active_b"] and recipe.active_b and row["params_active_b"] != recipe.active_b:
        notes.append(f"vLLM recipe gives {recipe.active_b}B active")
        log.append(
            f"models: {mid}: params_active_b {row['params_active_b']} vs vLLM {recipe.active_b}"
        )
    if not recipe.active_b and recipe.active_printed:
        notes.append(f"vLLM recipe active parameters: '{recipe.active_printed}' (not a count)")
    if not row["architecture"] and recipe.architecture in ("moe", "dense"):
        row["architecture"] = recipe.architecture
        row["architecture_detail"] = (
            row["architecture_detail"] or f"{recipe.architecture} (vLLM recipe)"
        )
        filled.append("architecture")
    if not row["context_window"] and recipe.context:
        row["context_window"] = recipe.context
        filled.append("context_window")
    elif row["context_window"] and recipe.context and row["context_window"] != recipe.context:
        notes.append(f"vLLM recipe context_length {recipe.context}")
    if filled:
        row["spec_source"] = join_notes(
            row["spec_source"], f"{', '.join(filled)}: {recipe.cite}{variant}"
        )
    return bool(filled)
