"""Dated price lookups over the real warehouse built from datasets/.

Numbers checked here are the curated rows of datasets/api_prices.csv: the day
before and the day of a price change, first-party preference, the cheapest host.
"""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from cli_runner import run_cli

from analysis import warehouse
from analysis.errors import PriceNotFoundError
from analysis.prices import (
    BLEND_INPUT_WEIGHT,
    BLEND_OUTPUT_WEIGHT,
    Price,
    blended_usd_per_mtok,
    price_for,
    price_history,
)

TODAY = date(2026, 11, 29)


def test_gpt_5_6_sol_on_the_day_before_and_the_day_of_its_price_cut() -> None:
    before = price_for("gpt-5.6-sol", at=date(2026, 8, 20))
    after = price_for("gpt-5.6-sol", at=date(2026, 8, 21))

    assert (before.input_usd_per_mtok, before.output_usd_per_mtok) == (5.0, 30.0)
    assert before.cached_input_usd_per_mtok == 0.5
    assert before.effective_to == date(2026, 8, 21)  # exclusive
    assert (after.input_usd_per_mtok, after.output_usd_per_mtok) == (4.0, 20.0)
    assert (after.effective_from, after.date_basis) == (date(2026, 8, 21), "explicit")
    assert after.provider == "openai" and after.provider_kind == "first-party"
    assert "community.openai.com" in after.source


def test_claude_sonnet_5_keeps_its_price_when_the_announced_increase_is_cancelled() -> None:
    # Anthropic announced 3 / 15 from 2026-09-01, then made the introductory
    # 2 / 10 the standard price; the price databases still carry the increase.
    before = price_for("claude-sonnet-5", at=date(2026, 8, 31))
    after = price_for("claude-sonnet-5", at=date(2026, 9, 1))

    assert (before.input_usd_per_mtok, before.output_usd_per_mtok) == (2.0, 10.0)
    assert before.cached_input_usd_per_mtok == 0.2
    assert (after.input_usd_per_mtok, after.output_usd_per_mtok) == (2.0, 10.0)
    assert (after.effective_from, after.date_basis) == (date(2026, 9, 1), "explicit")
    assert "platform.claude.com" in after.source and "will not occur" in after.source


def test_deepseek_chat_across_its_february_2025_change() -> None:
    before = price_for("deepseek-chat", at=date(2025, 2, 7))
    after = price_for("deepseek-chat", at=date(2025, 2, 8))

    # The launch price of DeepSeek-V3, promotional until 2025-02-08 16:00 UTC.
    assert (before.input_usd_per_mtok, before.output_usd_per_mtok) == (0.14, 0.28)
    assert before.effective_from == date(2024, 12, 26) and before.effective_to == date(2025, 2, 8)
    assert (after.input_usd_per_mtok, after.output_usd_per_mtok) == (0.27, 1.1)
    assert after.effective_from == date(2025, 2, 8)
    # Named by its exact API name, the time-of-day variant is not mixed in.
    assert after.api_model == "deepseek-chat"


def test_first_party_price_is_preferred_over_a_cheaper_host() -> None:
    price = price_for("mixtral-8x7b-instruct", at=TODAY)
    deepinfra = price_for("mixtral-8x7b-instruct", at=TODAY, provider="deepinfra")

    assert (price.provider, price.provider_kind, price.api_model) == (
        "mistral",
        "first-party",
        "mixtral-8x7b",
    )
    assert (price.input_usd_per_mtok, price.output_usd_per_mtok) == (0.7, 0.7)
    assert deepinfra.provider_kind == "host"
    assert deepinfra.blended_usd_per_mtok < price.blended_usd_per_mtok


def test_without_a_first_party_price_the_cheapest_host_wins() -> None:
    price = price_for("llama-3.3-70b-instruct", at=TODAY)
    together = price_for("llama-3.3-70b-instruct", at=TODAY, provider="together")

    assert (price.provider, price.api_model) == (
        "deepinfra",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    )
    assert price.blended_usd_per_mtok == pytest.approx((3 * 0.1 + 0.32) / 4)
    assert together.provider == "together"
    assert together.blended_usd_per_mtok > price.blended_usd_per_mtok


def test_an_api_model_name_narrows_the_lookup_to_that_name() -> None:
    cheapest = price_for("meta-llama/Llama-3.3-70B-Instruct-Turbo", at=TODAY)
    together = price_for(
        "meta-llama/Llama-3.3-70B-Instruct-Turbo", at=date(2026, 6, 1), provider="together"
    )
    off_peak = price_for("deepseek-chat [off-peak]", at=date(2025, 6, 1))
    list_price = price_for("deepseek-chat", at=date(2025, 6, 1))

    assert cheapest.provider == "deepinfra"
    assert (together.input_usd_per_mtok, together.output_usd_per_mtok) == (0.88, 0.88)
    assert off_peak.api_model == "deepseek-chat [off-peak]"
    assert (off_peak.input_usd_per_mtok, off_peak.output_usd_per_mtok) == (0.135, 0.55)
    assert (list_price.api_model, list_price.input_usd_per_mtok) == ("deepseek-chat", 0.27)


def test_blended_price_is_three_to_one() -> None:
    assert blended_usd_per_mtok(2.0, 10.0) == 4.0
    price = price_for("gpt-5.6-sol", at=date(2026, 9, 1))
    assert isinstance(price, Price)
    assert price.blended_usd_per_mtok == 8.0
    assert price.to_dict()["blended_usd_per_mtok"] == 8.0
    assert price.to_dict()["effective_from"] == "2026-08-21"


# (input, output) USD per 1M tokens: zero, each side alone, real list prices, extremes.
BLEND_CASES = [(0, 0), (1, 0), (0, 1), (2, 10), (0.27, 1.1), (3, 15), (1000, 0.001), (0.07, 0.3)]


@pytest.mark.parametrize(("input_usd", "output_usd"), BLEND_CASES)
def test_the_warehouse_blended_price_macro_defaults_to_the_python_rule(
    input_usd: float, output_usd: float
) -> None:
    # One rule: the SQL macro's default weights are BLEND_INPUT_WEIGHT:BLEND_OUTPUT_WEIGHT.
    row = warehouse.query(
        "SELECT blended_price(?::DOUBLE, ?::DOUBLE) AS by_default, "
        "blended_price(?::DOUBLE, ?::DOUBLE, input_weight := ?, output_weight := ?) AS explicit",
        [input_usd, output_usd, input_usd, output_usd, BLEND_INPUT_WEIGHT, BLEND_OUTPUT_WEIGHT],
    ).row(0, named=True)
    expected = blended_usd_per_mtok(input_usd, output_usd)
    assert row["by_default"] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert row["explicit"] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    # and by hand: 3 input tokens per output token
    assert expected == pytest.approx((3 * input_usd + output_usd) / 4, rel=1e-12, abs=1e-15)


def test_missing_price_names_the_date_and_the_periods_on_record() -> None:
    with pytest.raises(PriceNotFoundError) as info:
        price_for("claude-sonnet-5", at=date(2025, 1, 1))
    message = str(info.value)
    assert info.value.parameter == "model" and info.value.value == "claude-sonnet-5"
    assert "2025-01-01" in message
    assert "anthropic claude-sonnet-5 from 2026-06-30 to 2026-08-31" in message
    assert "from 2026-09-01 on" in message


def test_unknown_model_and_wrong_provider_are_explained() -> None:
    with pytest.raises(PriceNotFoundError, match=r"no-such-model.*2026-11-29"):
        price_for("no-such-model", at=TODAY)
    with pytest.raises(PriceNotFoundError, match=r"providers with prices: anthropic"):
        price_for("claude-sonnet-5", at=TODAY, provider="together")
    with pytest.raises(PriceNotFoundError, match="give a date"):
        price_for("claude-sonnet-5", at="2026-09-01")  # type: ignore[arg-type]


def test_price_history_lists_every_period_oldest_first() -> None:
    history = price_history("deepseek-chat", provider="deepseek")
    plain = history.filter(history["api_model"] == "deepseek-chat")

    # One row per price and model served: the September 2025 prices span two snapshots.
    assert plain["input_usd_per_mtok"].to_list()[:6] == [0.14, 0.27, 0.27, 0.27, 0.56, 0.56]
    assert plain["model_id"].to_list()[:6] == [
        "deepseek-v3",
        "deepseek-v3",
        "deepseek-v3-0324",
        "deepseek-v3.1",
        "deepseek-v3.1",
        "deepseek-v3.1-terminus",
    ]
    assert plain["effective_from"][0] == date(2024, 12, 26)
    assert plain["effective_to"].to_list()[-1] == date(2026, 7, 24)  # retired
    assert set(plain["alias_of"]) == {"deepseek-chat"}
    assert "deepseek-chat [off-peak]" in set(history["api_model"])
    assert "deepseek-chat [peak window]" not in set(history["api_model"])
    assert all(math.isfinite(v) for v in history["blended_usd_per_mtok"])
    with pytest.raises(PriceNotFoundError, match="no price recorded"):
        price_history("no-such-model")


def test_price_commands() -> None:
    status, out, _ = run_cli("price", "claude-sonnet-5", "--at", "2026-09-01", "--json")
    assert status == 0
    assert json.loads(out)["input_usd_per_mtok"] == 2.0

    status, out, _ = run_cli("price-history", "claude-sonnet-5")
    assert status == 0 and "2026-09-01" in out and "2026-06-30" in out

    status, out, err = run_cli("price", "claude-sonnet-5", "--at", "2025-01-01")
    assert status == 1 and out == ""
    assert err.startswith("error: model = 'claude-sonnet-5': no price in force on 2025-01-01")
