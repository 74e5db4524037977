"""The cross_check_resolutions table: facts two sources give differently, and which
value the datasets keep.

``python -m analysis validate --cross-check`` lists every disagreement between the
datasets and a second source (Epoch AI's ECI files for release dates and open
weights, vLLM's recipes for parameters and context windows, simonw/llm-prices for
a price on a date). Each one is settled here, by hand, with the reason; the check
fails on a disagreement without a row, on a row whose kept value the datasets no
longer hold, and on a row that matches no disagreement any more.

A row is matched on (fact, subject, other_source, other_value). Nothing here
changes another table: the kept value is the one the datasets already hold, and
the row says why the other source's value was not taken.
"""

from __future__ import annotations

from .common import Row

COLUMNS = (
    "fact",
    "subject",
    "kept_value",
    "other_value",
    "other_source",
    "resolution",
    "why",
    "source",
)

# The second sources, spelled as the cross-check names them.
EPOCH_2026_05_14 = (
    "Epoch AI ECI snapshot 2026-05-14 (feruiloba/miri-fellowship-inference-scaling:"
    "data/eci/benchmark_data/epoch_capabilities_index.csv@d0aa29658d5657ecaa8ee1cca0aa96d8e5464922)"
)
EPOCH_2026_08_11 = (
    "Epoch AI ECI snapshot 2026-08-11 (timfduffy/teci:data/raw/eci_scores.csv"
    "@5faff1d7c3100f543e26b1afbaa9915ada51b84e)"
)
RECIPE = "vllm-project/recipes models/ @8959cf64 (vLLM recipe) {file}"
LLM_PRICES = "simonw/llm-prices:data/{vendor}.json@723ef0bd"
LITELLM = "BerriAI/litellm==1.110.2:litellm/model_prices_and_context_window_backup.json '{key}'"

# Why a value is kept (the `resolution` column).
RESOLUTIONS = {
    "other_snapshot_agrees": "another release of the same second source gives the kept value",
    "other_dates_family": "the second source dates the model family or its first announcement, "
    "not this version",
    "one_day_apart": "the same release dated a day apart; the primary source is kept",
    "developer_figure": "the developer's stated figure is kept over a derived or rounded one",
    "other_not_updated": "the second source has not recorded a change the provider announced",
    "other_names_another_model": "the second source's entry under this name is another model's",
}

_VERSIONS = (
    'epoch-research/benchmark-stitching:data/model_versions.csv@37d55ed ("Version release date")'
)
_ALL_SYSTEMS = (
    "epoch-research/open-model-trends:data/All ML Systems - full view.csv@a72b3e9 (models.csv's "
    "source)"
)
_ECI_2026_10_01 = (
    "Epoch AI's ECI list of 2026-10-01 (tecunningham/eci-benchmark-logodds:data/eci_data.json"
    "@9574fa7813031c1b82386e0798e556bcd9823934)"
)


def _family(subject: str, kept: str, other: str, family: str) -> Row:
    return {
        "fact": "release_date",
        "subject": subject,
        "kept_value": kept,
        "other_value": other,
        "other_source": EPOCH_2026_08_11,
        "resolution": "other_dates_family",
        "why": f"Epoch's 2026-08-11 eci_scores.csv gives this version {other}, the date of "
        f"{family}; Epoch's own {_VERSIONS} and its 2026-05-14 download date this version "
        f"{kept}, the date models.csv keeps.",
        "source": f"{_VERSIONS}; {EPOCH_2026_05_14}",
    }


def _later(subject: str, kept: str, other: str, source: str, agreeing: str, evidence: str) -> Row:
    return {
        "fact": "release_date",
        "subject": subject,
        "kept_value": kept,
        "other_value": other,
        "other_source": source,
        "resolution": "other_snapshot_agrees",
        "why": f"Epoch's files disagree with each other on this model: {agreeing} gives {kept}, "
        f"the date models.csv keeps; this snapshot's {other} is not taken.",
        "source": evidence,
    }


def _day(subject: str, kept: str, other: str, cited: str) -> Row:
    return {
        "fact": "release_date",
        "subject": subject,
        "kept_value": kept,
        "other_value": other,
        "other_source": EPOCH_2026_05_14,
        "resolution": "one_day_apart",
        "why": f"One day apart, the same release (a release late in one time zone is the next "
        f"day in another); models.csv keeps the date of its primary source, {cited}.",
        "source": cited,
    }


def _version(subject: str, kept: str, other: str, source: str, family: str) -> Row:
    return {
        "fact": "release_date",
        "subject": subject,
        "kept_value": kept,
        "other_value": other,
        "other_source": source,
        "resolution": "other_dates_family",
        "why": f"Epoch's ECI dates {family} ({other}); models.csv dates the version "
        f"{subject}, which Epoch's own {_VERSIONS} dates {kept}.",
        "source": _VERSIONS,
    }


RELEASE_DATES: list[Row] = [
    # Claude 3: Anthropic announced the family on 2024-03-04; Epoch's later file agrees.
    _later(
        "claude-3-haiku",
        "2024-03-04",
        "2024-03-07",
        EPOCH_2026_05_14,
        "its 2026-08-11 eci_scores.csv (and its All ML Systems table, models.csv's source)",
        f"{EPOCH_2026_08_11}; {_ALL_SYSTEMS}",
    ),
    _later(
        "claude-3-opus",
        "2024-03-04",
        "2024-02-29",
        EPOCH_2026_05_14,
        "its 2026-08-11 eci_scores.csv (and its All ML Systems table, models.csv's source)",
        f"{EPOCH_2026_08_11}; {_ALL_SYSTEMS}",
    ),
    _later(
        "claude-3-sonnet",
        "2024-03-04",
        "2024-02-29",
        EPOCH_2026_05_14,
        "its 2026-08-11 eci_scores.csv (and its All ML Systems table, models.csv's source)",
        f"{EPOCH_2026_08_11}; {_ALL_SYSTEMS}",
    ),
    _later(
        "gemma-3-27b-it",
        "2025-03-12",
        "2025-03-11",
        EPOCH_2026_05_14,
        f"its 2026-08-11 eci_scores.csv (and {_VERSIONS})",
        f"{EPOCH_2026_08_11}; {_VERSIONS}",
    ),
    _later(
        "deepseek-v3",
        "2024-12-26",
        "2024-12-24",
        EPOCH_2026_08_11,
        "its 2026-05-14 download (and its model_versions.csv; 2024-12-26 is also the day of "
        "DeepSeek's first commit of the weights, deepseek-ai/DeepSeek-V3 4b58dc6)",
        f"{EPOCH_2026_05_14}; {_VERSIONS}; deepseek-ai/DeepSeek-V3 first commit 4b58dc6",
    ),
    _later(
        "gpt-4-0314",
        "2023-03-14",
        "2023-03-15",
        EPOCH_2026_08_11,
        f"its 2026-05-14 download (and {_VERSIONS}; 2023-03-14 is the date in the snapshot's name)",
        f"{EPOCH_2026_05_14}; {_VERSIONS}",
    ),
    _later(
        "kimi-k2.5",
        "2026-01-27",
        "2026-02-02",
        EPOCH_2026_08_11,
        f"its 2026-05-14 download and its later list, {_ECI_2026_10_01}",
        f"{EPOCH_2026_05_14}; {_ECI_2026_10_01}",
    ),
    _later(
        "mistral-medium-3.5",
        "2026-04-28",
        "2026-04-29",
        EPOCH_2026_08_11,
        f"its later list, {_ECI_2026_10_01}",
        _ECI_2026_10_01,
    ),
    _later(
        "qwen3.6-plus",
        "2026-03-31",
        "2026-04-01",
        EPOCH_2026_08_11,
        f"its later list, {_ECI_2026_10_01}",
        _ECI_2026_10_01,
    ),
    _later(
        "qwen3.8-max",
        "2026-08-02",
        "2026-07-19",
        EPOCH_2026_08_11,
        f"its later list, {_ECI_2026_10_01}",
        _ECI_2026_10_01,
    ),
    # The 2026-08-11 file dates a dated snapshot at its family's first release.
    _family("gpt-4o-2024-08-06", "2024-08-06", "2024-05-13", "GPT-4o's first release"),
    _family("gpt-4o-2024-11-20", "2024-11-20", "2024-05-13", "GPT-4o's first release"),
    _family("grok-2-1212", "2024-12-12", "2024-08-13", "Grok-2's first release"),
    _family(
        "mistral-large-2-2411", "2024-11-18", "2024-07-24", "Mistral Large 2's first release (2407)"
    ),
    _family(
        "o1-2024-12-17",
        "2024-12-17",
        "2024-12-05",
        "o1's first release in ChatGPT (the API snapshot is o1-2024-12-17)",
    ),
    _family(
        "o3-2025-04-16", "2025-04-16", "2024-12-20", "o3's announcement, months before its release"
    ),
    _family("qwen3-max-2025-09-23", "2025-09-24", "2025-09-05", "the Qwen3-Max preview's release"),
    # Epoch's ECI names the model, models.csv the dated API version.
    _version(
        "gemini-1.0-pro-001",
        "2024-02-15",
        "2023-12-13",
        EPOCH_2026_05_14,
        "Gemini 1.0 Pro, the model",
    ),
    _version(
        "gemini-1.0-pro-001",
        "2024-02-15",
        "2023-12-06",
        EPOCH_2026_08_11,
        "Gemini 1.0 Pro, the model",
    ),
    _version(
        "gemini-1.5-flash-001",
        "2024-05-23",
        "2024-05-14",
        EPOCH_2026_05_14,
        "Gemini 1.5 Flash, the model",
    ),
    _version(
        "gemini-1.5-pro-001",
        "2024-05-24",
        "2024-05-14",
        EPOCH_2026_05_14,
        "Gemini 1.5 Pro, the model",
    ),
    _day(
        "kimi-k2-instruct",
        "2025-07-11",
        "2025-07-12",
        "the initial commit of MoonshotAI/Kimi-K2 (d778e27, 2025-07-11)",
    ),
    _day(
        "llama-3.2-90b-vision-instruct",
        "2024-09-25",
        "2024-09-24",
        "Meta's model card, meta-llama/llama-models:models/llama3_2/MODEL_CARD_VISION.md",
    ),
    _day(
        "qwen3-235b-a22b",
        "2025-04-29",
        "2025-04-28",
        "the date of Qwen's release post, QwenLM/qwenlm.github.io:content/blog/qwen3/index.md",
    ),
]

SPECS: list[Row] = [
    {
        "fact": "context_window",
        "subject": "deepseek-r1",
        "kept_value": "131072",
        "other_value": "163840",
        "other_source": RECIPE.format(file="deepseek-ai/DeepSeek-R1.yaml"),
        "resolution": "developer_figure",
        "why": "DeepSeek's model card (deepseek-ai/DeepSeek-R1:README.md) gives a 128K context "
        "length; the recipe's 163840 is the checkpoint's position-embedding limit "
        "(max_position_embeddings in its config.json), longer than the context DeepSeek states.",
        "source": "deepseek-ai/DeepSeek-R1:README.md",
    },
    {
        "fact": "context_window",
        "subject": "deepseek-v3",
        "kept_value": "131072",
        "other_value": "163840",
        "other_source": RECIPE.format(file="deepseek-ai/DeepSeek-V3.yaml"),
        "resolution": "developer_figure",
        "why": "DeepSeek's model card (deepseek-ai/DeepSeek-V3:README.md) gives a 128K context "
        "length; the recipe's 163840 is the checkpoint's position-embedding limit "
        "(max_position_embeddings in its config.json), longer than the context DeepSeek states.",
        "source": "deepseek-ai/DeepSeek-V3:README.md; deepseek-ai/DeepSeek-V3 config.json",
    },
    {
        "fact": "params_total_b",
        "subject": "gpt-oss-120b",
        "kept_value": "117",
        "other_value": "120",
        "other_source": RECIPE.format(file="openai/gpt-oss-120b.yaml"),
        "resolution": "developer_figure",
        "why": "OpenAI's announcement gives 117B total parameters (its model card 116.8B); the "
        "recipe's '120B' is the size in the model's name.",
        "source": "OpenAI's gpt-oss announcement table (models.spec_source)",
    },
    {
        "fact": "params_total_b",
        "subject": "glm-4.5",
        "kept_value": "355",
        "other_value": "358",
        "other_source": RECIPE.format(file="zai-org/GLM-4.5.yaml"),
        "resolution": "developer_figure",
        "why": "Z.ai's model card (zai-org/GLM-4.5:README.md) gives 355B total, 32B active; the "
        "recipe says '~358B total parameters' for the checkpoint, which it describes as "
        "shipping built-in MTP layers for speculative decoding.",
        "source": "zai-org/GLM-4.5:README.md (Model Size 355B-A32B)",
    },
]

PRICES: list[Row] = [
    {
        "fact": "price",
        "subject": "openai o3 on 2026-08-05",
        "kept_value": "2 / 8",
        "other_value": "10 / 40",
        "other_source": LLM_PRICES.format(vendor="openai"),
        "resolution": "other_not_updated",
        "why": "OpenAI cut o3's price by 80% to 2 / 8 USD per 1M tokens on 2025-06-10 "
        "(pydantic/genai-prices records the change with its date, and litellm prices o3 at "
        "2 / 8); llm-prices holds only o3's launch price, with no date.",
        "source": "pydantic/genai-prices:prices/new_data/v2/data.json@47df840a",
    },
    {
        "fact": "price",
        "subject": "deepseek deepseek-v4-pro on 2026-08-05",
        "kept_value": "0.435 / 0.87",
        "other_value": "1.74 / 3.48",
        "other_source": LLM_PRICES.format(vendor="deepseek"),
        "resolution": "other_not_updated",
        "why": "DeepSeek took 75% off V4-Pro from 2026-04-26 and made the discount permanent on "
        "2026-05-22 (its pricing page, https://api-docs.deepseek.com/quick_start/pricing, as "
        "quoted in anomalyco/opencode#29008 and BerriAI/litellm#29345); llm-prices holds only "
        "the launch list price of 2026-04-24, with no date.",
        "source": "anomalyco/opencode#29008; BerriAI/litellm#29345",
    },
]


PRICES += [
    {
        "fact": "price",
        "subject": "anthropic claude-sonnet-5 on 2026-09-01",
        "kept_value": "2 / 10",
        "other_value": "3 / 15",
        "other_source": LLM_PRICES.format(vendor="anthropic"),
        "resolution": "other_not_updated",
        "why": "Anthropic cancelled the increase to 3 / 15 announced for 2026-09-01: its pricing "
        "page says the introductory 2 / 10 'is now the standard price' and the increase 'will "
        "not occur' (quoted in yiliangs/agent-usage-stat#81 and theopenco/llmgateway#3612); "
        "litellm lists 2 / 10 on 2026-11-20. llm-prices (and pydantic/genai-prices) still "
        "carry the cancelled increase.",
        "source": "https://platform.claude.com/docs/en/about-claude/pricing "
        "(yiliangs/agent-usage-stat#81)",
    },
    {
        "fact": "price",
        "subject": "mistral mistral-small-latest on 2026-08-05",
        "kept_value": "0.15 / 0.6",
        "other_value": "0.1 / 0.3",
        "other_source": LLM_PRICES.format(vendor="mistral"),
        "resolution": "other_not_updated",
        "why": "mistral-small-latest serves Mistral Small 4 since its release on 2026-03-16 "
        "(api_aliases), at Small 4's 0.15 / 0.60 (litellm's mistral/mistral-small-latest, "
        "citing Mistral's Small 4 model card); llm-prices' undated entry is the price of the "
        "earlier Small model it names ('Mistral Small 3.1').",
        "source": "anomalyco/models.dev#1274 and #1289; "
        "litellm==1.110.2 mistral/mistral-small-latest",
    },
    {
        "fact": "price",
        "subject": "mistral mistral-medium-3 on 2026-11-20",
        "kept_value": "0.4 / 2",
        "other_value": "1.5 / 7.5",
        "other_source": LITELLM.format(key="mistral/mistral-medium-3"),
        "resolution": "other_names_another_model",
        "why": "litellm's entry under this name is Mistral Medium 3.5's: it cites the Medium 3.5 "
        "model card (https://docs.mistral.ai/models/model-cards/mistral-medium-3-5-26-04) and "
        "repeats its mistral/mistral-medium-3.5 price; the datasets keep Mistral Medium 3's "
        "own price (pydantic/genai-prices).",
        "source": "pydantic/genai-prices:prices/new_data/v2/data.json@47df840a",
    },
]


def build_cross_check_resolutions() -> list[Row]:
    """The resolution rows, sorted by fact, subject and other source.

    Raises:
        ValueError: a row lacks a column, names an unknown resolution, or settles a
            disagreement another row settles too.
    """
    rows = RELEASE_DATES + SPECS + PRICES
    seen: set[tuple[str, str, str, str]] = set()
    for r in rows:
        empty = [c for c in COLUMNS if not r.get(c)]
        if empty:
            raise ValueError(f"cross_check_resolutions: {r['subject']} without {empty}")
        if r["resolution"] not in RESOLUTIONS:
            raise ValueError(f"cross_check_resolutions: unknown resolution {r['resolution']}")
        key = (r["fact"], r["subject"], r["other_source"], r["other_value"])
        if key in seen:
            raise ValueError(f"cross_check_resolutions: {key} settled twice")
        seen.add(key)
    return sorted(
        ({c: r[c] for c in COLUMNS} for r in rows),
        key=lambda r: (r["fact"], r["subject"], r["other_source"], r["other_value"]),
    )
