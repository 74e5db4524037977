"""The arena_ratings table."""

from __future__ import annotations

from pathlib import Path

from .common import Row, num, read_csv

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
    extra, extra_log = cherry_rows(ref, model_ids)
    log += extra_log
    rows = sorted([*seen.values(), *extra], key=lambda r: (r["snapshot_date"], r["arena_model"]))
    return rows, log


# ---------------------------------------------------------------------------
# LMArena text leaderboard, Sep-Nov 2025 (CherryHQ/cherry-studio-docs scrape)
# ---------------------------------------------------------------------------

CHERRY_DIR = "fresh_2026/lmarena/cherry_studio_docs"
CHERRY_PATH = "i18n/english/other/model_rank/lmarena.md"
# snapshot date (the page's "Data Last Updated"/"Data Update Time", UTC) -> (file, commit)
CHERRY_SNAPSHOTS = {
    "2025-09-30": ("lmarena_text_2025-09-30.md", "b0628497"),
    "2025-10-31": ("lmarena_text_2025-10-31.md", "ef2f38fb"),
    "2025-11-25": ("lmarena_text_2025-11-25.md", "886ee10e"),
}
CHERRY_METHOD = (
    "LMArena text leaderboard as scraped daily by CherryHQ/cherry-studio-docs (overall; "
    "month-end version of the page)"
)
CHERRY_CAVEAT = {
    "2025-09-30": "the 2025-09-30 table looks stale: its numbers equal early-September ones "
    "(Gemini-2.5-Pro 1470, 26,019 votes), likely from the frozen Hugging Face space",
    "2025-10-31": "reflects the new lmarena.ai board (rank spread, +-CI, votes)",
    "2025-11-25": "reflects the new lmarena.ai board; 'Preliminary' marks ratings with few votes",
}


def cherry_rows(ref: Path, model_ids: set[str]) -> tuple[list[Row], list[str]]:
    """Arena rows of the three month-end cherry-studio-docs scrapes (Sep-Nov 2025)."""
    from .names import ARENA_2025
    from .parsers import markdown_tables, parse_count, strip_markup

    # The scrape spells names in several cases; a name differing only in case is the
    # same board entry. Some 2025-11 names carry the organisation glued in front
    # ('Anthropicclaude-3-5-haiku-20241022'), a scrape artefact: it is stripped for
    # the lookup, and arena_model keeps the name as printed.
    names = {k.lower(): v for k, v in {**ARENA_MAP, **ARENA_2025}.items()}
    rows: dict[tuple[str, str], Row] = {}
    log: list[str] = []
    for snapshot, (file, commit) in CHERRY_SNAPSHOTS.items():
        text = (ref / CHERRY_DIR / file).read_text(encoding="utf-8")
        table = next(t for t in markdown_tables(text) if t and "Score" in t[0])
        mapped = 0
        for r in table:
            name = strip_markup(r.get("Model Name") or r["Model"])
            score_text = r["Score"]
            preliminary = "Preliminary" in score_text
            rating = score_text.replace("Preliminary", "").strip()
            ci = r.get("Confidence Interval") or r.get("95% Confidence Interval (±)", "")
            licence = r["License"]
            lower = licence.lower()
            open_w = (
                ""
                if lower in ("", "other", "nan")
                else ("false" if lower in ("proprietary", "propretary") else "true")
            )
            org = r.get("Provider") or r.get("Organization/Company", "")
            mid = names.get(name.lower(), "")
            if not mid and org and name.startswith(org) and name != org:
                mid = names.get(name[len(org) :].lower(), "")
            if mid and mid not in model_ids:
                raise ValueError(f"arena name {name!r} maps to unknown model_id {mid!r}")
            mapped += bool(mid)
            key = (snapshot, name)
            row = {
                "snapshot_date": snapshot,
                "arena_model": name,
                "model_id": mid,
                "organisation": r.get("Provider") or r.get("Organization/Company", ""),
                "license": licence,
                "open_weights": open_w,
                "rating": num(rating),
                "rating_95ci": ci,
                "votes": str(parse_count(r["Votes"]) or ""),
                "rating_method": CHERRY_METHOD
                + ("; preliminary rating" if preliminary else "")
                + f"; {CHERRY_CAVEAT[snapshot]}",
                "source": f"CherryHQ/cherry-studio-docs:{CHERRY_PATH}@{commit}",
            }
            if key in rows:
                if rows[key] != row:
                    raise ValueError(f"arena {snapshot}: conflicting rows for {name!r}")
                log.append(f"arena_ratings: {snapshot}: dropped an exact duplicate of {name!r}")
                continue
            rows[key] = row
        log.append(f"arena_ratings: {snapshot}: {len(table)} entries, {mapped} mapped to models")
    return list(rows.values()), log
