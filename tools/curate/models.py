"""The models table: the reference's curated models plus the models that prices name."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from .common import (
    GENAI,
    GENAI_HEAD,
    Row,
    context_tokens,
    epoch_date,
    join_notes,
    num,
    read_csv,
    slug,
)
from .eci import version_map
from .models2026 import ADDED, extend_models
from .prices import API_MODEL_MAP, provider_id
from .specs import EXTRA_PARAMS, MLA_MODELS, MLA_NOTE, QWEN3_BLOG, SPECS

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
    release_date_source=epoch_date("o1-pro-2025-03-19_low"),
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
    release_date_source=epoch_date("o3-pro-2025-06-10_medium"),
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
    release_date_source=epoch_date("gemini-2.0-flash-lite"),
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
    release_date_source=epoch_date("gemini-2.5-flash"),
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
    "context_window license layers kv_heads head_dim spec_source source notes "
    "release_date_missing_reason"
).split()
# Columns models_curated.csv gives as they are.
_CURATED_MODEL_COLUMNS = (
    "family organisation open_weights open_weights_basis model_type release_date "
    "release_date_source license"
).split()


def build_models(
    ref: Path, bench_rows: Sequence[Row], price_rows: Sequence[Row]
) -> tuple[list[Row], dict[str, str], dict[str, str], list[str]]:
    """The models table, the name and Epoch-version maps, and a decision log.

    Args:
        ref: the reference folder.
        bench_rows: rows of benchmarks/model_benchmarks_curated.csv (cited for rows without a
            source of their own).
        price_rows: rows of prices/api_prices_curated.csv (cited for the models added from them).

    Returns:
        (rows, name_to_id, versions, log): ``name_to_id`` maps the reference's canonical
        names, ``versions`` Epoch "Model version" ids (see :func:`eci.version_map`).
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
        mid = API_MODEL_MAP.get((provider_id(p["provider"]), p["model"]))
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
    versions = version_map(bench_rows, name_to_id)
    log = extend_models(rows, ref, versions, MODEL_COLUMNS)
    for row in rows:
        if row["model_id"] in {a.model_id for a in ADDED}:
            extra: list[str] = []
            _apply_specs(row, extra)
            row["notes"] = join_notes(row["notes"], *extra)
    rows.sort(key=lambda r: r["model_id"])
    return rows, name_to_id, versions, log


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
