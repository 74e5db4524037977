"""API prices: dated look-ups over the warehouse.

Look-ups are pure reads and always take a date (``price_for(model, at=...)``);
"today" is chosen only at the command line or in a notebook. They read the
warehouse's ``api_prices_resolved``: every price period cut by what its API name
served (``api_aliases``: ``deepseek-reasoner`` was DeepSeek-R1, then R1-0528, ...),
so a model's own first-party price is found under the alias that served it, and
ended at the offer's ``effective_to``, so a retired offer is never priced. The 3:1 blended
price (:func:`blended_usd_per_mtok`, weights :data:`BLEND_INPUT_WEIGHT` and
:data:`BLEND_OUTPUT_WEIGHT`) is defined here once; the warehouse's SQL macro
``blended_price(i, o)`` defaults to the same weights (a test pins them).

The refresh of ``datasets/api_prices.csv`` from public price feeds is
:mod:`analysis.feeds.prices`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from analysis.dates import parse_date
from analysis.errors import PriceNotFoundError
from analysis.records import Record, to_plain

if TYPE_CHECKING:  # polars is imported lazily: only the lookups need it
    import polars as pl

# Weights of the blended price used to rank hosts: 3 input tokens per output token.
BLEND_INPUT_WEIGHT = 3
BLEND_OUTPUT_WEIGHT = 1

# genai-prices gives DeepSeek's time-of-day prices as an unconstrained price
# (off-peak) plus one constrained by start_time/end_time (the standard window).
# api_prices keeps them as separate api_model rows with these suffixes.
TIME_WINDOW_SUFFIX = " [peak window]"
OFF_PEAK_SUFFIX = " [off-peak]"


@dataclass(frozen=True)
class Price(Record):
    """One API price in force over a period.

    Attributes:
        provider: API provider (``openai``, ``together``, ...).
        provider_kind: ``first-party`` (the model's developer) or ``host``.
        api_model: the model id as the provider names it.
        model_id: the model in ``models.csv``.
        input_usd_per_mtok: USD per 1M input tokens.
        output_usd_per_mtok: USD per 1M output tokens.
        cached_input_usd_per_mtok: USD per 1M cached input tokens; None when not given.
        effective_from: first day in force (inclusive); None when the start is unknown.
        effective_to: first day no longer in force (exclusive): the next price, the
            offer's end or the end of the alias period; None while current.
        date_basis: how ``effective_from`` is known (explicit, first_recorded, snapshot,
            unknown_start).
        source: where the price comes from.
        alias_of: the API name the price is listed under when it reached ``model_id``
            through ``api_aliases``; None when the name is the model's own.
    """

    provider: str
    provider_kind: str
    api_model: str
    model_id: str
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    cached_input_usd_per_mtok: float | None
    effective_from: date | None
    effective_to: date | None
    date_basis: str
    source: str
    alias_of: str | None = None

    @property
    def blended_usd_per_mtok(self) -> float:
        """Blended price at 3 input tokens per output token.

        ``blended = (3 * input + 1 * output) / 4``, in USD per 1M tokens.
        """
        return blended_usd_per_mtok(self.input_usd_per_mtok, self.output_usd_per_mtok)

    def to_dict(self) -> dict[str, Any]:
        """The price as plain data (dates as ``YYYY-MM-DD``), with its blended price."""
        return to_plain(self) | {"blended_usd_per_mtok": self.blended_usd_per_mtok}


def blended_usd_per_mtok(input_usd_per_mtok: float, output_usd_per_mtok: float) -> float:
    """Blended price of a 3:1 input:output token mix.

    ``blended = (3 * input + 1 * output) / 4``; all three in USD per 1M tokens.

    Args:
        input_usd_per_mtok: USD per 1M input tokens.
        output_usd_per_mtok: USD per 1M output tokens.

    Returns:
        USD per 1M tokens of the mix.
    """
    total = BLEND_INPUT_WEIGHT * input_usd_per_mtok + BLEND_OUTPUT_WEIGHT * output_usd_per_mtok
    return total / (BLEND_INPUT_WEIGHT + BLEND_OUTPUT_WEIGHT)


def _as_date(value: object, column: str) -> date | None:
    return None if value is None else parse_date(value, column)


def _as_float(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number  # NaN: a missing cell


def _price_from_row(row: Mapping[str, Any]) -> Price:
    return Price(
        provider=str(row["provider"]),
        provider_kind=str(row["provider_kind"]),
        api_model=str(row["api_model"]),
        model_id=str(row["model_id"]),
        input_usd_per_mtok=float(row["input_usd_per_mtok"]),
        output_usd_per_mtok=float(row["output_usd_per_mtok"]),
        cached_input_usd_per_mtok=_as_float(row.get("cached_input_usd_per_mtok")),
        effective_from=_as_date(row.get("effective_from"), "effective_from"),
        effective_to=_as_date(row.get("effective_to"), "effective_to"),
        date_basis=str(row["date_basis"]),
        source=str(row["source"]),
        alias_of=None if row.get("alias_of") is None else str(row["alias_of"]),
    )


def _check_model_argument(model: object) -> str:
    if not isinstance(model, str) or not model.strip():
        raise PriceNotFoundError("model", model, "give a model_id or a provider's api_model")
    return model.strip()


def _pick(candidates: Sequence[Price], model: str) -> Price | None:
    """The preferred price among candidates for one lookup (see ``price_for``)."""
    # A name that is a provider's api_model narrows the lookup to that API name.
    exact = [p for p in candidates if p.api_model == model]
    # An off-peak discount is not a list price: used only when asked for by name.
    pool = exact or [p for p in candidates if not p.api_model.endswith(OFF_PEAK_SUFFIX)]
    first_party = [p for p in pool if p.provider_kind == "first-party"]
    pool = first_party or pool
    if not pool:
        return None
    return min(pool, key=lambda p: (p.blended_usd_per_mtok, p.provider, p.api_model))


def _periods_text(history: Sequence[Mapping[str, Any]], limit: int = 6) -> str:
    """Human-readable periods of a price history, e.g. ``anthropic claude-x from 2026-09-01``."""
    parts: list[str] = []
    for row in history:
        start = _as_date(row.get("effective_from"), "effective_from")
        end = _as_date(row.get("effective_to"), "effective_to")
        first = start.isoformat() if start else "an unknown start"
        span = f"from {first}" + (f" to {(end - timedelta(days=1)).isoformat()}" if end else " on")
        parts.append(f"{row['provider']} {row['api_model']} {span}")
    if len(parts) > limit:
        parts = [*parts[:limit], f"... {len(parts) - limit} more"]
    return "; ".join(parts)


def price_for(model: str, *, at: date, provider: str | None = None) -> Price:
    """The API price of a model in force on a date.

    Selection rule, in order:

    1. ``model`` may be a ``model_id`` (``models.csv``) or a provider's ``api_model``;
       when it is an ``api_model`` only rows with that API name are considered. A
       price listed under an alias counts for the model the alias served on ``at``
       (``api_aliases``), and an offer that ended (``effective_to``) counts no more.
    2. With ``provider`` given, only that provider's rows are considered.
    3. Off-peak rows (api_model ending in ``" [off-peak]"``, a time-of-day discount)
       are left out unless named exactly.
    4. A first-party price (the model developer's own API) is preferred over hosts.
    5. Among what is left, the cheapest blended price wins,
       ``blended = (3 * input + output) / 4`` in USD per 1M tokens (a 3:1 input:output
       token mix); ties go to the provider name, then the api_model, alphabetically.
       So without a first-party price this is the cheapest host.

    Args:
        model: a model_id or an api_model.
        at: the date (inclusive ``effective_from``, exclusive ``effective_to``).
        provider: restrict to one provider (as in ``api_prices.provider``).

    Returns:
        The price in force on ``at``.

    Raises:
        PriceNotFoundError: no price is in force for that model (and provider) on
            ``at``; the message names the date and the periods that do have prices.
        WarehouseError: the warehouse cannot be built or read.
    """
    from analysis import warehouse

    model = _check_model_argument(model)
    if not isinstance(at, date):
        raise PriceNotFoundError("at", at, "give a date (datetime.date), e.g. date(2026, 9, 1)")
    at_day = at.date() if isinstance(at, datetime) else at
    frame = warehouse.query(
        "SELECT * FROM prices_at(?::DATE) WHERE model_id = ? OR api_model = ? OR alias_of = ?",
        [at_day, model, model, model],
    )
    rows = [_price_from_row(r) for r in frame.iter_rows(named=True)]
    if provider is not None:
        rows = [p for p in rows if p.provider == provider]
    chosen = _pick(rows, model)
    if chosen is not None:
        return chosen

    history = _history(model, provider)
    where = f" at provider {provider!r}" if provider else ""
    if history.height == 0:
        anywhere = _history(model, None) if provider is not None else history
        if anywhere.height:
            others = sorted(set(anywhere["provider"].to_list()))
            problem = (
                f"no price recorded{where} (on any date, including {at_day.isoformat()}); "
                f"providers with prices: {', '.join(others)}"
            )
        else:
            problem = (
                f"no price recorded for this model on any date (asked for "
                f"{at_day.isoformat()}); check the name against datasets/api_prices.csv "
                "(model_id or api_model)"
            )
        raise PriceNotFoundError("model", model, problem)
    periods = _periods_text(history.to_dicts())
    raise PriceNotFoundError(
        "model",
        model,
        f"no price in force{where} on {at_day.isoformat()}; prices are recorded for: {periods}",
    )


def price_history(model: str, provider: str | None = None) -> pl.DataFrame:
    """Every recorded price of a model, oldest first, with the period each was in force.

    Args:
        model: a model_id or an api_model.
        provider: restrict to one provider.

    Returns:
        A polars DataFrame of ``api_prices_resolved``: the columns of
        ``api_prices`` with ``effective_to`` the end of the period (the next
        ``effective_from`` of the same provider and api_model, the offer's own
        end or the end of the alias period, exclusive; null while current) and
        ``model_id`` the model served in it, plus ``start_known``, ``alias_of``
        and ``blended_usd_per_mtok`` (``(3 * input + output) / 4``, USD per 1M
        tokens), sorted by provider, api_model and ``effective_from`` (unknown
        starts first).

    Raises:
        PriceNotFoundError: no price is recorded for the model (and provider).
        WarehouseError: the warehouse cannot be built or read.
    """
    frame = _history(_check_model_argument(model), provider)
    if frame.height == 0:
        where = f" at provider {provider!r}" if provider else ""
        raise PriceNotFoundError(
            "model",
            model,
            f"no price recorded{where} on any date; check the name against "
            "datasets/api_prices.csv (model_id or api_model)",
        )
    return frame


def _history(model: str, provider: str | None) -> pl.DataFrame:
    """The rows of ``price_history`` (possibly none)."""
    from analysis import warehouse

    # blended_price() defaults to the same 3:1 weights as BLEND_*_WEIGHT (a test pins them).
    sql = """
        SELECT *, blended_price(input_usd_per_mtok, output_usd_per_mtok) AS blended_usd_per_mtok
        FROM api_prices_resolved
        WHERE (model_id = ? OR api_model = ? OR alias_of = ?)
        """
    params: list[object] = [model, model, model]
    if provider is not None:
        sql += " AND provider = ?"
        params.append(provider)
    sql += " ORDER BY provider, api_model, effective_from NULLS FIRST"
    return warehouse.query(sql, params)


__all__ = [
    "BLEND_INPUT_WEIGHT",
    "BLEND_OUTPUT_WEIGHT",
    "OFF_PEAK_SUFFIX",
    "TIME_WINDOW_SUFFIX",
    "Price",
    "blended_usd_per_mtok",
    "price_for",
    "price_history",
]
