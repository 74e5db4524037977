"""Price facts the price databases miss or get wrong, each from a dated public notice.

- :data:`DEEPSEEK_PRICES`: DeepSeek's first-party price series, rebuilt from DeepSeek's
  own notices (its pricing page, news posts and change log). It replaces every DeepSeek
  row of the price databases, which miss the September 2025 changes, keep the off-peak
  discount after it ended and price ids DeepSeek's API never had.
- :data:`OPENAI_PRICES`: the ``gpt-4o`` alias before the databases' first record, and
  GPT-5.6 Sol's cut of 2026-08-21 that the databases missed.
- :data:`CANCELLED_PRICES`: a database price that never took effect, and the
  provider's price for that day (Claude Sonnet 5's cancelled increase).
- :data:`MISTRAL_PRICES`: ``mistral-small-latest`` once it served Mistral Small 4.
- :data:`ALIASES`: what an API name served over time (the ``api_aliases`` table).
- :data:`OFFER_ENDS`: the day an offer stopped being sold, from the provider's notice
  or a dated public report that it was shut down.

DeepSeek's and Groq's pages are not among the stored snapshots: each row names the
official page and the public copy or quotation it was read from (an issue, a pull
request or a release note that quotes it, with its date). A price change that takes
effect at 16:00 UTC is dated that day, as DeepSeek's 2025-02-08 change already is.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------- citations

DS_PRICING = "https://api-docs.deepseek.com/quick_start/pricing"
DS_PROMO = (
    f"DeepSeek pricing page {DS_PRICING}: promotional price until 2025-02-08 16:00 UTC, "
    "quoted in BerriAI/litellm#8363 (2025-02-07); 0.14 in / 0.28 out per "
    "simonw/llm-prices:data/deepseek.json@723ef0bd (valid to 2025-02-08); cache hit 0.014 "
    "per DeepSeek's notice https://api-docs.deepseek.com/news/news0802 quoted in cline/cline#815; "
    "start: DeepSeek-V3 release https://api-docs.deepseek.com/news/news1226 "
    "(deepseek-ai/DeepSeek-V3 first commit 2024-12-26)"
)
DS_LIST_2025 = (
    "DeepSeek pricing page https://api-docs.deepseek.com/quick_start/pricing-details-usd "
    "(stored copy: deepseek-chat 0.07 hit / 0.27 miss / 1.10 out; deepseek-reasoner "
    "0.14 / 0.55 / 2.19); deepseek-chat from 2025-02-08 per "
    "simonw/llm-prices:data/deepseek.json@723ef0bd"
)
DS_R1 = (
    "DeepSeek-R1 release https://api-docs.deepseek.com/news/news250120 (deepseek-ai/DeepSeek-R1 "
    "first commit 2025-01-20); prices per " + DS_LIST_2025
)
DS_OFF_PEAK = (
    "DeepSeek off-peak notice of 2025-02-26 (UTC 16:30-00:30: deepseek-chat 50% off, "
    "deepseek-reasoner 75% off, both 0.035 hit / 0.135 miss / 0.55 out), reported at "
    "https://techgethub.com/?p=9801 and encoded in "
    "pydantic/genai-prices:prices/providers/deepseek.yml@47df840a"
)
DS_V31 = (
    "DeepSeek-V3.1 notice https://api-docs.deepseek.com/news/news250821: new prices and the end "
    "of the off-peak discount from 2025-09-05 16:00 UTC; 0.56 miss / 0.07 hit / 1.68 out as "
    "quoted in RooCodeInc/Roo-Code#9962 (the prices before the V3.2 cut)"
)
DS_V32EXP = (
    "DeepSeek-V3.2-Exp notice https://api-docs.deepseek.com/news/news250929: API prices cut "
    "50%+, effective immediately; 0.28 miss / 0.028 hit / 0.42 out as quoted in "
    "promptfoo/promptfoo#5787 (2025-10-01) and charmbracelet/catwalk#87 (2025-10-22, "
    f"citing {DS_PRICING})"
)
DS_V4 = (
    "DeepSeek change log https://api-docs.deepseek.com/updates/#date-2026-04-24 (V4 release; "
    "deepseek-chat and deepseek-reasoner answer as deepseek-v4-flash, non-thinking and "
    "thinking), quoted in mozilla-ai/any-llm#1172 and garrytan/gbrain#1255; V4 launch prices "
    "(flash 0.14 / 0.28, cache hit 0.028; pro 1.74 / 3.48, cache hit 0.145) per "
    "simonw/llm-prices:data/deepseek.json@723ef0bd and anomalyco/opencode#29008"
)
DS_V4_CACHE_CUT = (
    "cache-hit price cut to 1/10 on 2026-04-26 and the 75% V4-Pro discount from the same day "
    "(made permanent 2026-05-22), per anomalyco/opencode#29008 and BerriAI/litellm#29345 "
    f"(citing {DS_PRICING})"
)
DS_PEAK = (
    "DeepSeek peak/off-peak billing from 2026-08-16 16:00 UTC (peak 01:00-04:00 and "
    "06:00-10:00 UTC on weekdays; off-peak half the peak rate; weekends all off-peak from "
    f"2026-08-23), per {DS_PRICING} as quoted in NousResearch/hermes-agent#90308, "
    "ccusage/ccusage#1643 and anomalyco/models.dev#4891"
)
DS_V41 = (
    "DeepSeek-V4.1-Flash: the API name deepseek-flash, and deepseek-v4-flash retired and "
    "served by V4.1 Flash at its price from 2026-09-09 16:00 UTC, per dshworks/dsh-meter "
    f"release 0.5.0 and the pricing page {DS_PRICING} as quoted in "
    "2389-research/dippin-lang#316 (2026-09-18)"
)
DS_RETIRED = (
    "DeepSeek change log https://api-docs.deepseek.com/updates/#date-2026-04-24: deepseek-chat "
    "and deepseek-reasoner discontinued 2026-07-24 15:59 UTC, quoted in mozilla-ai/any-llm#1172; "
    "litellm 1.110.2 deprecation_date 2026-07-24"
)
PEAK_NOTE = "the list (peak-hour) price; the off-peak rate is the '[off-peak]' row of the same name"


@dataclass(frozen=True)
class Notice:
    """One price from a provider's notice.

    Attributes:
        api_model: the API name (a ``" [off-peak]"`` suffix marks the time-of-day discount).
        model_id: the ``models`` row the name is booked under (aliases resolve through
            ``api_aliases``).
        prices: input, output, cached input, in USD per 1M tokens (cached may be ``""``).
        start: first day in force.
        source: where the price and its date come from.
        notes: caveats.
    """

    api_model: str
    model_id: str
    prices: tuple[str, str, str]
    start: str
    source: str
    notes: str = ""


def _ds(
    api_model: str,
    model_id: str,
    start: str,
    prices: tuple[str, str, str],
    src: str,
    notes: str = "",
) -> Notice:
    return Notice(api_model, model_id, prices, start, src, notes)


DEEPSEEK_PRICES: tuple[Notice, ...] = (
    # deepseek-chat: V3 from 2024-12-26, then each upgrade (see ALIASES).
    _ds(
        "deepseek-chat",
        "deepseek-chat",
        "2024-12-26",
        ("0.14", "0.28", "0.014"),
        DS_PROMO,
        "promotional price of the DeepSeek-V3 launch",
    ),
    _ds("deepseek-chat", "deepseek-chat", "2025-02-08", ("0.27", "1.1", "0.07"), DS_LIST_2025),
    _ds("deepseek-chat", "deepseek-chat", "2025-09-05", ("0.56", "1.68", "0.07"), DS_V31),
    _ds("deepseek-chat", "deepseek-chat", "2025-09-29", ("0.28", "0.42", "0.028"), DS_V32EXP),
    _ds(
        "deepseek-chat",
        "deepseek-chat",
        "2026-04-24",
        ("0.14", "0.28", "0.028"),
        DS_V4,
        "priced as deepseek-v4-flash, which the name answers as",
    ),
    _ds(
        "deepseek-chat", "deepseek-chat", "2026-04-26", ("0.14", "0.28", "0.0028"), DS_V4_CACHE_CUT
    ),
    _ds(
        "deepseek-chat [off-peak]",
        "deepseek-chat",
        "2025-02-26",
        ("0.135", "0.55", "0.035"),
        DS_OFF_PEAK,
        "time-of-day discount, UTC 16:30-00:30",
    ),
    # deepseek-reasoner: R1 from 2025-01-20.
    _ds("deepseek-reasoner", "deepseek-reasoner", "2025-01-20", ("0.55", "2.19", "0.14"), DS_R1),
    _ds("deepseek-reasoner", "deepseek-reasoner", "2025-09-05", ("0.56", "1.68", "0.07"), DS_V31),
    _ds(
        "deepseek-reasoner", "deepseek-reasoner", "2025-09-29", ("0.28", "0.42", "0.028"), DS_V32EXP
    ),
    _ds(
        "deepseek-reasoner",
        "deepseek-reasoner",
        "2026-04-24",
        ("0.14", "0.28", "0.028"),
        DS_V4,
        "priced as deepseek-v4-flash, which the name answers as (thinking mode)",
    ),
    _ds(
        "deepseek-reasoner",
        "deepseek-reasoner",
        "2026-04-26",
        ("0.14", "0.28", "0.0028"),
        DS_V4_CACHE_CUT,
    ),
    _ds(
        "deepseek-reasoner [off-peak]",
        "deepseek-reasoner",
        "2025-02-26",
        ("0.135", "0.55", "0.035"),
        DS_OFF_PEAK,
        "time-of-day discount, UTC 16:30-00:30",
    ),
    # The V4 names.
    _ds("deepseek-v4-flash", "deepseek-v4-flash", "2026-04-24", ("0.14", "0.28", "0.028"), DS_V4),
    _ds(
        "deepseek-v4-flash",
        "deepseek-v4-flash",
        "2026-04-26",
        ("0.14", "0.28", "0.0028"),
        DS_V4_CACHE_CUT,
    ),
    _ds(
        "deepseek-v4-flash",
        "deepseek-v4-flash",
        "2026-08-16",
        ("0.44", "1.32", "0.014"),
        DS_PEAK,
        PEAK_NOTE,
    ),
    _ds(
        "deepseek-v4-flash",
        "deepseek-v4-flash",
        "2026-09-09",
        ("0.3", "1.2", "0.006"),
        DS_V41,
        PEAK_NOTE + "; billed as deepseek-flash (DeepSeek-V4.1-Flash)",
    ),
    _ds(
        "deepseek-v4-flash [off-peak]",
        "deepseek-v4-flash",
        "2026-08-16",
        ("0.22", "0.66", "0.007"),
        DS_PEAK,
        "off-peak rate: half the peak rate",
    ),
    _ds(
        "deepseek-v4-flash [off-peak]",
        "deepseek-v4-flash",
        "2026-09-09",
        ("0.15", "0.6", "0.003"),
        DS_V41,
        "off-peak rate: half the peak rate",
    ),
    _ds(
        "deepseek-flash",
        "deepseek-v4.1-flash",
        "2026-09-09",
        ("0.3", "1.2", "0.006"),
        DS_V41,
        PEAK_NOTE,
    ),
    _ds(
        "deepseek-flash [off-peak]",
        "deepseek-v4.1-flash",
        "2026-09-09",
        ("0.15", "0.6", "0.003"),
        DS_V41,
        "off-peak rate: half the peak rate",
    ),
    _ds("deepseek-v4-pro", "deepseek-v4-pro", "2026-04-24", ("1.74", "3.48", "0.145"), DS_V4),
    _ds(
        "deepseek-v4-pro",
        "deepseek-v4-pro",
        "2026-04-26",
        ("0.435", "0.87", "0.003625"),
        DS_V4_CACHE_CUT,
        "75% launch discount, made permanent on 2026-05-22",
    ),
    _ds(
        "deepseek-v4-pro",
        "deepseek-v4-pro",
        "2026-08-16",
        ("1.32", "3.96", "0.044"),
        DS_PEAK,
        PEAK_NOTE + "; anomalyco/models.dev#6722 dates this increase 2026-08-28; the earlier "
        "date of the pricing-page quotations is used",
    ),
    _ds(
        "deepseek-v4-pro [off-peak]",
        "deepseek-v4-pro",
        "2026-08-16",
        ("0.66", "1.98", "0.022"),
        DS_PEAK,
        "off-peak rate: half the peak rate",
    ),
)

# gpt-4o before the price databases' first record (genai-prices, 2025-07-04).
OPENAI_PRICES: tuple[Notice, ...] = (
    Notice(
        "gpt-4o",
        "gpt-4o",
        ("5", "15", ""),
        "2024-05-13",
        "OpenAI pricing page https://openai.com/api/pricing/ (gpt-4o and gpt-4o-2024-05-13 "
        "$5 / $15 per 1M tokens) as quoted in promptfoo/promptfoo#1728 (2024-09-20); gpt-4o "
        "pointed at gpt-4o-2024-05-13 from its release on 2024-05-13 (sigoden/aichat#500)",
        "the price of gpt-4o-2024-05-13, which the alias served",
    ),
    Notice(
        "gpt-4o",
        "gpt-4o",
        ("2.5", "10", ""),
        "2024-10-03",
        "gpt-4o points at gpt-4o-2024-08-06 since 2024-10-03 (OpenAI API docs "
        "https://platform.openai.com/docs/models/gpt-4o, quoted in danny-avila/LibreChat#4386); "
        "gpt-4o-2024-08-06 at $2.50 / $10 per 1M tokens per https://openai.com/api/pricing/ "
        "(promptfoo/promptfoo#1728)",
        "the price of gpt-4o-2024-08-06, which the alias serves from this day",
    ),
    Notice(
        "gpt-5.6-sol",
        "gpt-5.6-sol",
        ("4", "20", "0.4"),
        "2026-08-21",
        "OpenAI's price cut of 2026-08-21 ('starting today'; "
        "https://community.openai.com/t/20-price-reduction-for-gpt-5-6-sol-api-codex-credits-"
        "and-chatgpt-work/1391726) and the model page "
        "https://developers.openai.com/api/docs/models/gpt-5.6-sol, as quoted in "
        "pwrdrvr/PwrAgent#1868 (2026-08-31), danny-avila/LibreChat#15114 (2026-08-22) and "
        "traceroot-ai/traceroot#2051 (2026-09-09); litellm==1.110.2 (2026-11-20) lists "
        "gpt-5.6-sol at 4 / 20, cache read 0.40, citing https://developers.openai.com/api/docs/pricing",
        "promotional price, 'available at least through November 21, 2026' per OpenAI's pricing "
        "page (CultivateLabs/raif#545); prompts over 272K tokens 8 / 30; "
        "pydantic/genai-prices@47df840a and simonw/llm-prices@723ef0bd still list the launch "
        "price 5 / 30",
    ),
)

# A price a database records that never took effect, replaced by what the
# provider's own page says was in force from that day:
# (provider, api_model, effective_from) -> the replacing notice.
ANTHROPIC_PRICES: tuple[Notice, ...] = (
    Notice(
        "claude-sonnet-5",
        "claude-sonnet-5",
        ("2", "10", "0.2"),
        "2026-09-01",
        "Anthropic pricing page https://platform.claude.com/docs/en/about-claude/pricing: 'The "
        "$2/$10 per million input/output token pricing for Claude Sonnet 5, announced at "
        "launch as introductory pricing through August 31, 2026, is now the standard price. The "
        "previously scheduled increase to $3/$15 per million input/output tokens on September 1, "
        "2026 will not occur.' (quoted in yiliangs/agent-usage-stat#81, page fetched 2026-08-23; "
        "also theopenco/llmgateway#3612, 2026-08-14, and farion1231/cc-switch#7051); "
        "litellm==1.110.2 (2026-11-20) lists claude-sonnet-5 at 2 / 10",
        "the introductory price became the standard price on this day; the increase to 3 / 15 "
        "announced for it was cancelled, though pydantic/genai-prices@47df840a and "
        "simonw/llm-prices@723ef0bd still list it",
    ),
)
CANCELLED_PRICES: dict[tuple[str, str, str], Notice] = {
    ("anthropic", "claude-sonnet-5", "2026-09-01"): ANTHROPIC_PRICES[0],
}

_MISTRAL_SMALL_4 = (
    "Mistral Small 4 (mistral-small-2603), released 2026-03-16 (models.release_date; "
    "anomalyco/models.dev#1274); mistral-small-latest carries Small 4's values by 2026-03-29 "
    "(anomalyco/models.dev#1289 'Updating mistral-small-latest values'); litellm==1.110.2 "
    "prices mistral/mistral-small-latest at 0.15 / 0.60 citing Mistral's model card "
    "https://docs.mistral.ai/models/model-cards/mistral-small-4-0-26-03"
)
MISTRAL_PRICES: tuple[Notice, ...] = (
    Notice(
        "mistral-small-latest",
        "mistral-small-4",
        ("0.15", "0.6", "0.015"),
        "2026-03-16",
        _MISTRAL_SMALL_4 + "; Small 4's price 0.15 / 0.60, cache read 0.015, per "
        "pydantic/genai-prices:prices/new_data/v2/data.json@47df840a (mistral-small-2603)",
        "the alias's price once it served Small 4; dated at Small 4's release, the day the "
        "alias is taken to have moved (no source gives the exact day; it had by 2026-03-29)",
    ),
)

# --------------------------------------------------------------------------- aliases

_DS_CHAT_V3 = (
    "DeepSeek pricing page note '(1) The deepseek-chat model has been upgraded to "
    "DeepSeek-V3. deepseek-reasoner points to the new model DeepSeek-R1.' (stored copy "
    "https://share.apidog.com/apidoc/docs-site/747793/models-pricing-835236m0)"
)
_DS_0324_0528 = (
    "DeepSeek news https://api-docs.deepseek.com/news/news250325 and news250528 (the API names "
    "upgraded on release); 'deepseek-chat points to DeepSeek-V3-0324 and deepseek-reasoner "
    "points to DeepSeek-R1-0528' in promptfoo's DeepSeek docs (promptfoo/promptfoo#5787)"
)
_DS_V31_ALIAS = (
    "DeepSeek-V3.1 release https://api-docs.deepseek.com/news/news250821: non-thinking mode "
    "via deepseek-chat, thinking via deepseek-reasoner (stored copy "
    "https://vercel.com/ai-gateway/models/deepseek-v3.1.md)"
)
_DS_TERMINUS = (
    "DeepSeek-V3.1-Terminus release https://api-docs.deepseek.com/news/news250922 (both API "
    "names updated; 'September 22, 2025 refined iteration of V3.1' at "
    "https://vercel.com/ai-gateway/models/deepseek-v3.1-terminus/api)"
)
_DS_V32EXP_ALIAS = (
    "'As of September 29, 2025, both deepseek-chat and deepseek-reasoner have been upgraded to "
    "use DeepSeek-V3.2-Exp' (promptfoo/promptfoo#5787, from "
    "https://api-docs.deepseek.com/news/news250929)"
)
_DS_V32_ALIAS = (
    "DeepSeek-V3.2 release https://api-docs.deepseek.com/news/news251201: deepseek-chat is "
    "DeepSeek-V3.2 (non-thinking), deepseek-reasoner DeepSeek-V3.2 (thinking), as quoted in "
    "RooCodeInc/Roo-Code#9962"
)


@dataclass(frozen=True)
class Alias:
    """One period of what an API name served (a row of ``api_aliases``)."""

    provider: str
    alias: str
    model_id: str
    valid_from: str
    valid_to: str
    source: str
    notes: str = ""


def _chain(
    provider: str, alias: str, periods: list[tuple[str, str, str]], end: str, end_source: str
) -> list[Alias]:
    """Consecutive periods: each ``(model_id, valid_from, source)`` runs to the next start,
    the last one to ``end`` (``""``: still current), whose source ``end_source`` gives."""
    out = []
    for i, (model_id, start, source) in enumerate(periods):
        last = i + 1 == len(periods)
        stop = end if last else periods[i + 1][1]
        cite = f"{source}; end: {end_source}" if last and end_source else source
        out.append(Alias(provider, alias, model_id, start, stop, cite))
    return out


_DS_SHARED = [
    ("deepseek-v3.1", "2025-08-21", _DS_V31_ALIAS),
    ("deepseek-v3.1-terminus", "2025-09-22", _DS_TERMINUS),
    ("deepseek-v3.2-exp", "2025-09-29", _DS_V32EXP_ALIAS),
    ("deepseek-v3.2", "2025-12-01", _DS_V32_ALIAS),
    ("deepseek-v4-flash", "2026-04-24", DS_V4),
]

ALIASES: tuple[Alias, ...] = (
    *_chain(
        "deepseek",
        "deepseek-chat",
        [
            ("deepseek-v3", "2024-12-26", _DS_CHAT_V3),
            ("deepseek-v3-0324", "2025-03-24", _DS_0324_0528),
            *_DS_SHARED,
        ],
        "2026-07-24",
        DS_RETIRED,
    ),
    *_chain(
        "deepseek",
        "deepseek-reasoner",
        [
            ("deepseek-r1", "2025-01-20", _DS_CHAT_V3),
            ("deepseek-r1-0528", "2025-05-28", _DS_0324_0528),
            *_DS_SHARED,
        ],
        "2026-07-24",
        DS_RETIRED,
    ),
    *_chain(
        "deepseek",
        "deepseek-v4-flash",
        [("deepseek-v4-flash", "2026-04-24", DS_V4), ("deepseek-v4.1-flash", "2026-09-09", DS_V41)],
        "",
        "",
    ),
    Alias("deepseek", "deepseek-flash", "deepseek-v4.1-flash", "2026-09-09", "", DS_V41),
    *_chain(
        "deepseek",
        "deepseek-v4-pro",
        [
            ("deepseek-v4-pro", "2026-04-24", DS_V4),
            (
                "deepseek-v4-pro-0813",
                "2026-08-13",
                f"pricing page {DS_PRICING} lists model version DeepSeek-V4-Pro-0813 for "
                "deepseek-v4-pro (quoted in 2389-research/dippin-lang#316, 2026-09-18); from the "
                "0813 release date (models.release_date)",
            ),
        ],
        "",
        "",
    ),
    *_chain(
        "mistral",
        "mistral-small-latest",
        [
            (
                "mistral-small-3.2",
                "2025-07-04",
                "pydantic/genai-prices:prices/providers/mistral.yml@47df840a names "
                "mistral-small-latest 'Mistral Small 3.2' from its first record (commit "
                "eba343d0, 2025-07-04)",
            ),
            ("mistral-small-4", "2026-03-16", _MISTRAL_SMALL_4),
        ],
        "",
        "",
    ),
    Alias(
        "openai",
        "gpt-4o",
        "gpt-4o-2024-05-13",
        "2024-05-13",
        "2024-10-03",
        "gpt-4o pointed at gpt-4o-2024-05-13 from its release (sigoden/aichat#500, 2024-05-13) "
        "until the switch below",
    ),
    Alias(
        "openai",
        "gpt-4o",
        "gpt-4o-2024-08-06",
        "2024-10-03",
        "",
        "OpenAI API docs https://platform.openai.com/docs/models/gpt-4o: gpt-4o points at "
        "gpt-4o-2024-08-06 since 2024-10-03 (danny-avila/LibreChat#4386, citing the docs and "
        "OpenAI's announcement https://x.com/edwinarbus/status/1841934440140046596)",
        "the later snapshot gpt-4o-2024-11-20 was never the alias's target in these sources",
    ),
)

# --------------------------------------------------------------------------- offer ends

_GROQ = "https://console.groq.com/docs/deprecations"


@dataclass(frozen=True)
class OfferEnd:
    """The first day an offer was no longer sold."""

    day: str
    basis: str  # notice | reported_retired
    source: str


OFFER_ENDS: dict[tuple[str, str], OfferEnd] = {
    ("deepseek", "deepseek-chat"): OfferEnd("2026-07-24", "notice", DS_RETIRED),
    ("deepseek", "deepseek-reasoner"): OfferEnd("2026-07-24", "notice", DS_RETIRED),
    ("deepseek", "deepseek-chat [off-peak]"): OfferEnd("2025-09-05", "notice", DS_V31),
    ("deepseek", "deepseek-reasoner [off-peak]"): OfferEnd("2025-09-05", "notice", DS_V31),
    ("groq", "llama-3.1-405b-reasoning"): OfferEnd(
        "2024-08-21",
        "reported_retired",
        f"removed from Groq by 2024-08-21 (model_not_found; BerriAI/litellm#5312), {_GROQ}",
    ),
    ("groq", "llama-3.1-70b-versatile"): OfferEnd(
        "2025-01-26",
        "reported_retired",
        f"decommissioned by 2025-01-26 (model_decommissioned error in "
        f"crewAIInc/crewAI#1976), {_GROQ}",
    ),
    ("groq", "mixtral-8x7b-32768"): OfferEnd(
        "2025-03-20",
        "notice",
        f"{_GROQ}: decommissioned 2025-03-20, per papi-ai/groq release v0.15.2",
    ),
    ("groq", "deepseek-r1-distill-llama-70b"): OfferEnd(
        "2025-10-02",
        "notice",
        f"{_GROQ}#october-2-2025-deepseekr1distillllama70b, cited in "
        "benman1/generative_ai_with_langchain#103",
    ),
    ("groq", "gemma2-9b-it"): OfferEnd(
        "2026-03-24",
        "reported_retired",
        f"decommissioned by 2026-03-24 (model_decommissioned error in "
        f"RightNow-AI/openfang#834), {_GROQ}",
    ),
    ("groq", "meta-llama/llama-4-maverick-17b-128e-instruct"): OfferEnd(
        "2026-03-09",
        "notice",
        f"{_GROQ}#march-9-2026-metallamallama4maverick17b128einstruct, cited in "
        "MNeMoNiCuZ/ComfyUI-mnemic-nodes#39",
    ),
    ("groq", "meta-llama/llama-4-scout-17b-16e-instruct"): OfferEnd(
        "2026-07-17",
        "notice",
        f"{_GROQ}#july-17-2026-qwenqwen332b-and-metallamallama4scout17b16einstruct, cited in "
        "MNeMoNiCuZ/ComfyUI-mnemic-nodes#39",
    ),
    ("groq", "qwen/qwen3-32b"): OfferEnd(
        "2026-07-17",
        "notice",
        f"{_GROQ}#july-17-2026-qwenqwen332b-and-metallamallama4scout17b16einstruct, cited in "
        "MNeMoNiCuZ/ComfyUI-mnemic-nodes#39",
    ),
    ("groq", "llama-3.1-8b-instant"): OfferEnd(
        "2026-08-16",
        "notice",
        f"{_GROQ}#august-16-2026-llama318binstant-and-llama3370bversatile, cited in "
        "langchain-ai/langchain#38363",
    ),
    ("groq", "llama-3.3-70b-versatile"): OfferEnd(
        "2026-08-16",
        "notice",
        f"{_GROQ}#august-16-2026-llama318binstant-and-llama3370bversatile, cited in "
        "langchain-ai/langchain#38363 and karthink/gptel#1478 (Groq's e-mail notice)",
    ),
}

# litellm key prefix of each provider (the offer's deprecation_date is read from litellm).
LITELLM_PREFIX = {
    "openai": "",
    "anthropic": "",
    "google": "gemini/",
    "mistral": "mistral/",
    "deepseek": "deepseek/",
    "together": "together_ai/",
    "fireworks": "fireworks_ai/",
    "deepinfra": "deepinfra/",
    "groq": "groq/",
}
LITELLM_FILE = "prices/litellm/model_prices_and_context_window_backup.json"
LITELLM_CITE = (
    "BerriAI/litellm (PyPI litellm==1.110.2):litellm/model_prices_and_context_window_backup.json "
    "deprecation_date of '{key}'"
)
