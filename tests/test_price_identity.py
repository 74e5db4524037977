"""Prices over time: aliases resolve to the model they served, retired offers end.

Known answers are DeepSeek's and OpenAI's own published prices (see the sources in
datasets/api_prices.csv and datasets/api_aliases.csv), checked on the warehouse
built from datasets/.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from analysis import warehouse
from analysis.errors import PriceNotFoundError
from analysis.prices import price_for


def test_deepseek_r1_0528_gets_deepseeks_own_price_through_deepseek_reasoner() -> None:
    price = price_for("deepseek-r1-0528", at=date(2025, 6, 15))

    assert (price.provider, price.provider_kind, price.api_model) == (
        "deepseek",
        "first-party",
        "deepseek-reasoner",
    )
    assert price.alias_of == "deepseek-reasoner" and price.model_id == "deepseek-r1-0528"
    assert (price.input_usd_per_mtok, price.output_usd_per_mtok) == (0.55, 2.19)
    assert price.cached_input_usd_per_mtok == 0.14
    # The alias served R1-0528 from 2025-05-28 until V3.1 took the name on 2025-08-21.
    assert (price.effective_from, price.effective_to) == (date(2025, 5, 28), date(2025, 8, 21))


def test_the_alias_serves_one_model_at_a_time() -> None:
    # The day before 2025-05-28 the alias was DeepSeek-R1; R1-0528 had no DeepSeek price.
    assert price_for("deepseek-r1", at=date(2025, 5, 27)).api_model == "deepseek-reasoner"
    with pytest.raises(PriceNotFoundError):
        price_for("deepseek-r1-0528", at=date(2025, 5, 27), provider="deepseek")
    assert price_for("deepseek-r1-0528", at=date(2025, 5, 28)).api_model == "deepseek-reasoner"
    # From V3.1's release the name belongs to V3.1, and R1-0528 is priced by hosts only.
    assert price_for("deepseek-v3.1", at=date(2025, 8, 21)).api_model in (
        "deepseek-chat",
        "deepseek-reasoner",
    )
    with pytest.raises(PriceNotFoundError):
        price_for("deepseek-r1-0528", at=date(2025, 8, 21), provider="deepseek")


def test_gpt_4o_snapshots_get_openais_price_through_the_alias() -> None:
    may = price_for("gpt-4o-2024-05-13", at=date(2024, 7, 1))
    august = price_for("gpt-4o-2024-08-06", at=date(2024, 11, 1))

    assert (may.provider, may.api_model, may.alias_of) == ("openai", "gpt-4o", "gpt-4o")
    assert (may.input_usd_per_mtok, may.output_usd_per_mtok) == (5.0, 15.0)
    assert (august.input_usd_per_mtok, august.output_usd_per_mtok) == (2.5, 10.0)
    # The switch of 2024-10-03: the day before, the 08-06 snapshot was not the alias.
    with pytest.raises(PriceNotFoundError):
        price_for("gpt-4o-2024-08-06", at=date(2024, 10, 2), provider="openai")
    assert price_for("gpt-4o-2024-05-13", at=date(2024, 10, 2)).input_usd_per_mtok == 5.0
    # Asked by its API name, the alias is priced whatever it served.
    assert price_for("gpt-4o", at=date(2024, 7, 1)).model_id == "gpt-4o-2024-05-13"
    assert price_for("gpt-4o", at=date(2026, 1, 1)).model_id == "gpt-4o-2024-08-06"


def test_deepseeks_first_party_price_on_2025_10_15_is_its_notice() -> None:
    # DeepSeek's notice of 2025-09-29 (V3.2-Exp): $0.28 per 1M input tokens (cache
    # miss), $0.028 (cache hit), $0.42 per 1M output tokens, for both API names.
    for name in ("deepseek-chat", "deepseek-reasoner", "deepseek-v3.2-exp"):
        price = price_for(name, at=date(2025, 10, 15))
        assert (price.provider, price.provider_kind) == ("deepseek", "first-party")
        assert (price.input_usd_per_mtok, price.output_usd_per_mtok) == (0.28, 0.42)
        assert price.cached_input_usd_per_mtok == 0.028
        assert price.effective_from == date(2025, 9, 29)
    # The September 2025 change before it: $0.56 / $1.68 from 2025-09-05.
    sept = price_for("deepseek-chat", at=date(2025, 9, 10))
    assert (sept.input_usd_per_mtok, sept.output_usd_per_mtok) == (0.56, 1.68)


@pytest.mark.parametrize(
    ("name", "last_day", "end"),
    [
        ("deepseek-chat [off-peak]", date(2025, 9, 4), date(2025, 9, 5)),
        ("deepseek-reasoner [off-peak]", date(2025, 9, 4), date(2025, 9, 5)),
        ("deepseek-chat", date(2026, 7, 23), date(2026, 7, 24)),
        ("llama-3.3-70b-versatile", date(2026, 8, 15), date(2026, 8, 16)),
        ("meta-llama/llama-4-scout-17b-16e-instruct", date(2026, 7, 16), date(2026, 7, 17)),
    ],
)
def test_a_retired_offer_is_not_used_after_its_end(name: str, last_day: date, end: date) -> None:
    assert price_for(name, at=last_day).effective_to == end
    with pytest.raises(PriceNotFoundError, match=f"no price in force on {end.isoformat()}"):
        price_for(name, at=end)
    with pytest.raises(PriceNotFoundError):
        price_for(name, at=end + timedelta(days=100))


def test_groq_llama_offers_are_not_priced_after_shutdown() -> None:
    # Groq's rows for Llama 3.3 70B end with the shutdown of 2026-08-16: the model's
    # price afterwards comes from the hosts still selling it.
    after = warehouse.query_rows(
        "SELECT DISTINCT provider FROM prices_at(?) WHERE model_id = 'llama-3.3-70b-instruct'",
        [date(2026, 9, 1)],
    )[1]
    assert ("groq",) not in after and after
    # Offers shut down before the price databases first listed them are never priced.
    for name in ("llama-3.1-70b-versatile", "llama-3.1-405b-reasoning", "mixtral-8x7b-32768"):
        with pytest.raises(PriceNotFoundError, match="no price recorded"):
            price_for(name, at=date(2025, 12, 1), provider="groq")


def test_deepseek_first_party_series_is_deepseeks_own() -> None:
    names = {
        row[0]
        for row in warehouse.query_rows(
            "SELECT DISTINCT api_model FROM api_prices WHERE provider = 'deepseek'"
        )[1]
    }
    base = {n.split(" [")[0] for n in names}
    # Only the names DeepSeek's API has had (no other host's model names).
    assert base == {
        "deepseek-chat",
        "deepseek-reasoner",
        "deepseek-v4-flash",
        "deepseek-v4-pro",
        "deepseek-flash",
    }
    # No name with two list prices on one day, from launch to the build date (the
    # databases had 'deepseek-chat' and 'deepseek-chat [peak window]' disagreeing).
    _, clashes = warehouse.query_rows(
        """
        WITH days AS (SELECT CAST(d AS DATE) AS d FROM range(DATE '2024-12-26',
                                                             DATE '2026-11-30',
                                                             INTERVAL 1 DAY) AS t(d))
        SELECT days.d, split_part(p.api_model, ' [', 1) AS name,
               count(DISTINCT (p.input_usd_per_mtok, p.output_usd_per_mtok))
        FROM days, api_prices_resolved AS p
        WHERE p.provider = 'deepseek' AND p.api_model NOT LIKE '%[off-peak]'
          AND coalesce(p.effective_from <= days.d, true)
          AND coalesce(days.d < p.effective_to, true)
        GROUP BY ALL
        HAVING count(DISTINCT (p.input_usd_per_mtok, p.output_usd_per_mtok)) > 1
        """
    )
    assert clashes == []
    # Until 2025-09-05 V3.1's two modes had two prices (one per API name), then one.
    modes = {
        price_for("deepseek-v3.1", at=date(2025, 9, 1), provider="deepseek").api_model,
    }
    assert modes == {"deepseek-chat"}  # the cheaper list price of the two names
    assert price_for("deepseek-reasoner", at=date(2025, 9, 1)).output_usd_per_mtok == 2.19
    assert price_for("deepseek-reasoner", at=date(2025, 9, 5)).output_usd_per_mtok == 1.68


def test_every_alias_period_names_a_model_and_a_source() -> None:
    columns, rows = warehouse.query_rows(
        "SELECT provider, alias, model_id, valid_from, valid_to, source FROM api_aliases"
    )
    assert len(rows) >= 20
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        assert record["source"] and record["valid_from"]
        assert record["valid_to"] is None or record["valid_to"] > record["valid_from"]


def test_mistral_small_latest_moves_from_small_3_2_to_small_4() -> None:
    # Small 3.2's price under the alias ends when the alias moves to Small 4.
    old = price_for("mistral-small-3.2", at=date(2026, 1, 1), provider="mistral")
    assert (old.api_model, old.alias_of) == ("mistral-small-latest", "mistral-small-latest")
    assert (old.input_usd_per_mtok, old.output_usd_per_mtok) == (0.1, 0.3)
    assert old.effective_to == date(2026, 3, 16)
    new = price_for("mistral-small-4", at=date(2026, 5, 1), provider="mistral")
    assert (new.model_id, new.alias_of) == ("mistral-small-4", "mistral-small-latest")
    assert (new.input_usd_per_mtok, new.output_usd_per_mtok) == (0.15, 0.6)
    # After the move the alias's price is never Small 3.2's.
    with pytest.raises(PriceNotFoundError):
        price_for("mistral-small-3.2", at=date(2026, 5, 1), provider="mistral")
