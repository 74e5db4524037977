"""The api_prices and api_aliases tables.

The price databases' rows (the reference's ``prices/api_prices_curated.csv``) are
mapped to models; DeepSeek's first-party series is replaced by the one rebuilt from
DeepSeek's notices and the ``gpt-4o`` alias gets its price before the databases'
first record (:mod:`.price_facts`); every offer that ended gets its end date
(``effective_to``) from the provider's notice, a dated report of its shutdown, or
litellm's ``deprecation_date``; rows that would start after their offer ended are
dropped.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from .common import BUILD_DATE, Row, join_notes, num
from .price_facts import (
    ALIASES,
    CANCELLED_PRICES,
    DEEPSEEK_PRICES,
    LITELLM_CITE,
    LITELLM_FILE,
    LITELLM_PREFIX,
    MISTRAL_PRICES,
    OFFER_ENDS,
    OPENAI_PRICES,
    Notice,
    OfferEnd,
)

# ---------------------------------------------------------------------------
# API prices
# ---------------------------------------------------------------------------

PROVIDER_RENAME = {"qwen (alibaba)": "alibaba"}  # plain lower-case provider ids


def provider_id(p: str) -> str:
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


# DeepSeek's first-party rows of the databases, replaced by DEEPSEEK_PRICES. The
# databases also price names DeepSeek's API never had (deepseek-r1, deepseek-v3, ...:
# other hosts' model names matched to the provider "deepseek").
DEEPSEEK_OWN_NAMES = {
    "deepseek-chat",
    "deepseek-chat [off-peak]",
    "deepseek-chat [peak window]",
    "deepseek-reasoner",
    "deepseek-reasoner [off-peak]",
    "deepseek-reasoner [peak window]",
    "deepseek-v4-flash",
    "deepseek-v4-pro",
}


def build_api_prices(
    price_rows: Sequence[Row], model_org: Mapping[str, str], ref: Path
) -> tuple[list[Row], list[str]]:
    """The api_prices table and a decision log.

    Args:
        price_rows: rows of prices/api_prices_curated.csv.
        model_org: model_id -> organisation (to tell first-party APIs from hosts).
        ref: the reference folder (litellm's deprecation dates are read from it).
    """
    log: list[str] = []
    rows: list[Row] = []
    for p in price_rows:
        provider = provider_id(p["provider"])
        if provider == "deepseek":
            why = (
                "replaced by DeepSeek's own notices (price_facts.DEEPSEEK_PRICES)"
                if p["model"] in DEEPSEEK_OWN_NAMES
                else "not an id of DeepSeek's API (the database matched another host's name)"
            )
            log.append(f"api_prices: dropped deepseek {p['model']} {p['effective_date']}: {why}")
            continue
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
    final += [_notice_row("deepseek", n) for n in DEEPSEEK_PRICES]
    final += [_notice_row("openai", n) for n in OPENAI_PRICES]
    final += [_notice_row("mistral", n) for n in MISTRAL_PRICES]
    final = _replace_cancelled(final, log)
    final, ended = _apply_ends(final, _litellm_ends(ref))
    log += ended
    final.sort(key=lambda r: (r["provider"], r["api_model"], r["effective_from"]))
    return final, log


def _replace_cancelled(rows: list[Row], log: list[str]) -> list[Row]:
    """Rows of prices that never took effect, replaced by the provider's price that day.

    Raises:
        ValueError: a listed cancelled price is not among the rows (the sources changed).
    """
    out: list[Row] = []
    found = set()
    for r in rows:
        key = (r["provider"], r["api_model"], r["effective_from"])
        notice = CANCELLED_PRICES.get(key)
        if notice is None:
            out.append(r)
            continue
        found.add(key)
        replacement = _notice_row(r["provider"], notice)
        replacement["notes"] = join_notes(
            notice.notes,
            f"replaces {r['input_usd_per_mtok']} / {r['output_usd_per_mtok']} from {r['source']}",
        )
        out.append(replacement)
        log.append(f"api_prices: {key} never took effect; the provider's price replaces it")
    missing = sorted(set(CANCELLED_PRICES) - found)
    if missing:
        raise ValueError(f"api_prices: cancelled prices not found in the sources: {missing}")
    return out


def _notice_row(provider: str, n: Notice) -> Row:
    """An api_prices row for a price from a provider's notice."""
    inp, out, cached = n.prices
    return {
        "provider": provider,
        "provider_kind": "first-party",
        "api_model": n.api_model,
        "model_id": n.model_id,
        "input_usd_per_mtok": num(inp),
        "output_usd_per_mtok": num(out),
        "cached_input_usd_per_mtok": num(cached),
        "effective_from": n.start,
        "date_basis": "explicit",
        "scheduled": "true" if date.fromisoformat(n.start) > BUILD_DATE else "false",
        "source": n.source,
        "notes": n.notes,
    }


def _litellm_ends(ref: Path) -> dict[str, str]:
    """litellm key -> deprecation_date (YYYY-MM-DD) for every entry that has one."""
    data = json.loads((ref / LITELLM_FILE).read_text(encoding="utf-8"))
    return {
        key: str(entry["deprecation_date"])[:10]
        for key, entry in data.items()
        if isinstance(entry, dict) and entry.get("deprecation_date")
    }


def _offer_end(provider: str, api_model: str, litellm: Mapping[str, str]) -> OfferEnd | None:
    """When the offer stopped being sold: a notice first, else litellm's deprecation_date."""
    end = OFFER_ENDS.get((provider, api_model))
    if end is not None:
        return end
    prefix = LITELLM_PREFIX.get(provider)
    if prefix is None:
        return None
    key = prefix + api_model.split(" [", 1)[0]
    day = litellm.get(key)
    return OfferEnd(day, "deprecation_date", LITELLM_CITE.format(key=key)) if day else None


def _apply_ends(rows: list[Row], litellm: Mapping[str, str]) -> tuple[list[Row], list[str]]:
    """Give each ended offer's last row its end; drop rows that start on or after the end."""
    log: list[str] = []
    series: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in rows:
        r.update(effective_to="", end_basis="", end_source="")
        series[(r["provider"], r["api_model"])].append(r)
    kept: list[Row] = []
    for (provider, api_model), rs in series.items():
        rs.sort(key=lambda r: r["effective_from"])  # an unknown start ("") sorts first
        end = _offer_end(provider, api_model, litellm)
        if end is not None:
            for r in [r for r in rs if r["effective_from"] and r["effective_from"] >= end.day]:
                rs.remove(r)
                log.append(
                    f"api_prices: dropped {provider} {api_model} {r['effective_from']} "
                    f"({r['source']}): starts after the offer ended on {end.day} ({end.basis})"
                )
            if rs:
                rs[-1].update(effective_to=end.day, end_basis=end.basis, end_source=end.source)
                log.append(f"api_prices: {provider} {api_model} ends {end.day} ({end.basis})")
        kept += rs
    return kept, log


def build_api_aliases(model_ids: set[str]) -> list[Row]:
    """The api_aliases table: what each API name served, period by period.

    Raises:
        ValueError: an alias names a model that has no ``models`` row.
    """
    missing = sorted({a.model_id for a in ALIASES} - model_ids)
    if missing:
        raise ValueError(f"api_aliases: models without a models row: {missing}")
    rows = [
        {
            "provider": a.provider,
            "alias": a.alias,
            "model_id": a.model_id,
            "valid_from": a.valid_from,
            "valid_to": a.valid_to,
            "source": a.source,
            "notes": a.notes,
        }
        for a in ALIASES
    ]
    return sorted(rows, key=lambda r: (r["provider"], r["alias"], r["valid_from"]))


def check_price_tables(t: Mapping[str, list[Row]]) -> list[str]:
    """The rules of price ends and aliases (as analysis.schema's checks state them)."""
    p: list[str] = []
    series: dict[tuple[str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for i, r in enumerate(t["api_prices"], start=2):
        w = f"api_prices.csv:{i}"
        end, start = r.get("effective_to", ""), r["effective_from"]
        if bool(end) != bool(r.get("end_basis")) or bool(end) != bool(r.get("end_source")):
            p.append(f"{w}: effective_to, end_basis and end_source go together")
        if end and start and end <= start:
            p.append(f"{w}: effective_to {end} not after effective_from {start}")
        series[(r["provider"], r["api_model"])].append((start, end, i))
    for rows in series.values():
        ends = {end for _s, end, _i in rows if end}
        if len(ends) > 1:
            p.append(f"api_prices.csv:{rows[0][2]}: one offer with several ends {sorted(ends)}")
        for start, _e, i in rows:
            if ends and start and start >= min(ends):
                p.append(f"api_prices.csv:{i}: starts on or after the offer's end {min(ends)}")
    periods: dict[tuple[str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for i, r in enumerate(t["api_aliases"], start=2):
        if r["valid_to"] and r["valid_to"] <= r["valid_from"]:
            p.append(f"api_aliases.csv:{i}: valid_to not after valid_from")
        periods[(r["provider"], r["alias"])].append((r["valid_from"], r["valid_to"], i))
    for rows in periods.values():
        rows.sort()
        for (_s, end, i), (next_start, _e, j) in zip(rows, rows[1:], strict=False):
            if not end or next_start < end:
                p.append(f"api_aliases.csv:{j}: overlaps the period of line {i}")
    return p
