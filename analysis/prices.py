"""API prices: dated lookups over the warehouse, and the opt-in refresh from public feeds.

Lookups are pure reads and always take a date (``price_for(model, at=...)``);
"today" is chosen only at the command line or in a notebook.

The refresh (``python -m analysis refresh-prices``) reads one of two public
price databases, the pydantic/genai-prices v2 JSON or the BerriAI/litellm
``model_prices_and_context_window.json``, and adds new effective-dated rows to
``datasets/api_prices.csv`` for the (provider, api_model) pairs the file already
tracks. It never adds a model, never overwrites or deletes a row, and changes
nothing at all unless the whole feed is well formed and the merged table
passes the dataset validation. The feed is untrusted input: its size, the time
it may take, its types, its numbers and its names are all checked.

Date rules of a refresh (``effective_from`` is inclusive, as everywhere):

- a price the feed dates itself (a genai-prices ``constraint.start_date``)
  becomes a row from that date, ``date_basis = explicit``; it is ``scheduled``
  when the date is after ``today``;
- an undated price is the feed's price as of ``today``: it becomes a row from
  ``today`` with ``date_basis = snapshot``, unless it equals the price already
  in force on ``today``;
- an undated genai-prices base price that a dated change has already replaced
  by ``today`` is history: it is compared with the recorded price on the day
  before the change, and a difference is reported, not written (its start date
  is unknown).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import config
from analysis.cli import date_arg
from analysis.errors import PriceNotFoundError, RefreshError
from analysis.files import atomic_write

if TYPE_CHECKING:  # polars is imported lazily: only the lookups need it
    import polars as pl

# --------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------

# Weights of the blended price used to rank hosts: 3 input tokens per output token.
BLEND_INPUT_WEIGHT = 3
BLEND_OUTPUT_WEIGHT = 1

# genai-prices gives DeepSeek's time-of-day prices as an unconstrained price
# (off-peak) plus one constrained by start_time/end_time (the standard window).
# api_prices keeps them as separate api_model rows with these suffixes.
TIME_WINDOW_SUFFIX = " [peak window]"
OFF_PEAK_SUFFIX = " [off-peak]"


@dataclass(frozen=True)
class Price:
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
        effective_to: first day no longer in force (exclusive); None while current.
        date_basis: how ``effective_from`` is known (explicit, first_recorded, snapshot,
            unknown_start).
        source: where the price comes from.
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

    @property
    def blended_usd_per_mtok(self) -> float:
        """Blended price at 3 input tokens per output token.

        ``blended = (3 * input + 1 * output) / 4``, in USD per 1M tokens.
        """
        return blended_usd_per_mtok(self.input_usd_per_mtok, self.output_usd_per_mtok)

    def to_dict(self) -> dict[str, Any]:
        """The price as a plain dict (dates stay ``date`` objects)."""
        return asdict(self) | {"blended_usd_per_mtok": self.blended_usd_per_mtok}


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


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _price_from_row(row: Mapping[str, Any]) -> Price:
    return Price(
        provider=str(row["provider"]),
        provider_kind=str(row["provider_kind"]),
        api_model=str(row["api_model"]),
        model_id=str(row["model_id"]),
        input_usd_per_mtok=float(row["input_usd_per_mtok"]),
        output_usd_per_mtok=float(row["output_usd_per_mtok"]),
        cached_input_usd_per_mtok=_as_float(row.get("cached_input_usd_per_mtok")),
        effective_from=_as_date(row.get("effective_from")),
        effective_to=_as_date(row.get("effective_to")),
        date_basis=str(row["date_basis"]),
        source=str(row["source"]),
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
        start = _as_date(row.get("effective_from"))
        end = _as_date(row.get("effective_to"))
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
       when it is an ``api_model`` only rows with that API name are considered.
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
        "SELECT * FROM prices_at(?::DATE) WHERE model_id = ? OR api_model = ?",
        [at_day, model, model],
    )
    rows = [_price_from_row(r) for r in frame.iter_rows(named=True)]
    if provider is not None:
        rows = [p for p in rows if p.provider == provider]
    chosen = _pick(rows, model)
    if chosen is not None:
        return chosen

    history = price_history(model, provider=provider, _missing_ok=True)
    where = f" at provider {provider!r}" if provider else ""
    if history.height == 0:
        if provider is not None and price_history(model, _missing_ok=True).height:
            others = sorted(set(price_history(model)["provider"].to_list()))
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


def price_history(
    model: str, provider: str | None = None, *, _missing_ok: bool = False
) -> pl.DataFrame:
    """Every recorded price of a model, oldest first, with the period each was in force.

    Args:
        model: a model_id or an api_model.
        provider: restrict to one provider.

    Returns:
        A polars DataFrame with the columns of ``api_prices`` plus ``effective_to``
        (the next ``effective_from`` of the same provider and api_model, exclusive;
        null while current), ``start_known`` and ``blended_usd_per_mtok``
        (``(3 * input + output) / 4``, USD per 1M tokens), sorted by provider,
        api_model and ``effective_from`` (unknown starts first).

    Raises:
        PriceNotFoundError: no price is recorded for the model (and provider).
        WarehouseError: the warehouse cannot be built or read.
    """
    from analysis import warehouse

    model = _check_model_argument(model)
    # blended_price() defaults to the same 3:1 weights as BLEND_*_WEIGHT.
    sql = """
        SELECT *, blended_price(input_usd_per_mtok, output_usd_per_mtok) AS blended_usd_per_mtok
        FROM api_prices_history
        WHERE (model_id = ? OR api_model = ?)
        """
    params: list[Any] = [model, model]
    if provider is not None:
        sql += " AND provider = ?"
        params.append(provider)
    sql += " ORDER BY provider, api_model, effective_from NULLS FIRST"
    frame = warehouse.query(sql, params)
    if frame.height == 0 and not _missing_ok:
        where = f" at provider {provider!r}" if provider else ""
        raise PriceNotFoundError(
            "model",
            model,
            f"no price recorded{where} on any date; check the name against "
            "datasets/api_prices.csv (model_id or api_model)",
        )
    return frame


# --------------------------------------------------------------------------
# Refresh: limits and names
# --------------------------------------------------------------------------

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # the litellm file is ~3.5 MB, genai-prices ~0.4 MB
DEFAULT_TIMEOUT_S = 10.0  # connect and per-read timeout
DEFAULT_DEADLINE_S = 120.0  # whole download, so a trickling server cannot hold on forever
MAX_USD_PER_MTOK = Decimal(1000)  # above this a per-token price is taken as an error
MAX_NAME_LENGTH = 200
MAX_ERRORS_SHOWN = 10
_CHUNK = 64 * 1024
_MIB = 1024 * 1024  # --max-mb counts in these
_MTOK = Decimal(1_000_000)

# Characters refused in any name from a feed: markup and quoting. Control and
# format characters (Unicode categories Cc, Cf: bidi overrides, zero-width) too.
_FORBIDDEN_CHARS = frozenset("<>\"'`\\")

# Feed provider id -> our provider name (api_prices.provider). Providers not
# listed here are never matched: their models count as "not tracked".
GENAI_PRICES_PROVIDERS: dict[str, str] = {
    "anthropic": "anthropic",
    "deepseek": "deepseek",
    "fireworks": "fireworks",
    "google": "google",
    "groq": "groq",
    "mistral": "mistral",
    "openai": "openai",
    "together": "together",
}
LITELLM_PROVIDERS: dict[str, str] = {
    "anthropic": "anthropic",
    "deepinfra": "deepinfra",
    "deepseek": "deepseek",
    "fireworks_ai": "fireworks",
    "gemini": "google",
    "groq": "groq",
    "mistral": "mistral",
    "openai": "openai",
    "together_ai": "together",
}


def _check_name(value: object, what: str) -> str:
    """A feed name, checked: a string, bounded, free of markup and control characters."""
    if not isinstance(value, str):
        raise _Bad(f"{what} should be a string, got {_type_name(value)}")
    if not value or len(value) > MAX_NAME_LENGTH:
        raise _Bad(f"{what} should be 1 to {MAX_NAME_LENGTH} characters, got {len(value)}")
    for char in value:
        if char in _FORBIDDEN_CHARS or unicodedata.category(char) in ("Cc", "Cf"):
            raise _Bad(f"{what} {_shown(value)} contains a forbidden character {char!r}")
    return value


def _shown(value: str, limit: int = 60) -> str:
    """An untrusted string made safe to print: control characters escaped, length cut."""
    text = value if len(value) <= limit else value[:limit] + "..."
    return repr(text)


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


class _Bad(Exception):
    """One problem found in a feed (collected, then reported as one RefreshError)."""


def _to_decimal(value: object, what: str, scale: Decimal = Decimal(1)) -> Decimal:
    """A feed price as an exact Decimal in USD per 1M tokens, checked.

    ``usd_per_mtok = value * scale`` (scale 1 for per-1M feeds, 1,000,000 for
    per-token feeds).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(f"{what} should be a number, got {_type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad(f"{what} is not a finite number")
    # repr() of a float is its shortest exact decimal form: 1.04e-06 -> 1.04e-06
    number = Decimal(repr(value)) * scale
    if number < 0:
        raise _Bad(f"{what} is negative ({_money(number)} per 1M tokens)")
    if number > MAX_USD_PER_MTOK:
        raise _Bad(
            f"{what} is {_money(number)} per 1M tokens, above the ${MAX_USD_PER_MTOK} sanity limit"
        )
    return _normal(number)


def _normal(number: Decimal) -> Decimal:
    # normalize() drops trailing zeros; adding 0 turns -0 into 0.
    return number.normalize() + Decimal(0)


def _money(number: Decimal | None) -> str:
    if number is None:
        return "none"
    return "$" + format(_normal(number), "f")


def _decimal_text(number: Decimal | None) -> str:
    return "" if number is None else format(_normal(number), "f")


# --------------------------------------------------------------------------
# Refresh: parsing the two feed formats
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedPrice:
    """One price a feed states for one (provider, api_model).

    Attributes:
        feed_provider: the provider as the feed names it.
        provider: our provider name, or None when the feed's provider is not mapped.
        api_model: the model as the provider's API names it.
        input_usd_per_mtok: USD per 1M input tokens (base tier), exact.
        output_usd_per_mtok: USD per 1M output tokens (base tier), exact.
        cached_input_usd_per_mtok: USD per 1M cached input tokens, or None.
        effective_from: the start date the feed states, or None (undated).
        valid_until: for an undated price replaced by a dated one, that date (exclusive).
        notes: tiers and other caveats, for the notes column.
        priority: among duplicate entries for one pair, the higher wins.
        aliases: other API names the feed says this price applies to.
    """

    feed_provider: str
    provider: str | None
    api_model: str
    input_usd_per_mtok: Decimal | None
    output_usd_per_mtok: Decimal | None
    cached_input_usd_per_mtok: Decimal | None
    effective_from: date | None = None
    valid_until: date | None = None
    notes: str = ""
    priority: int = 0
    aliases: tuple[str, ...] = ()


def _check_top_level(payload: Any, feed: str, kind: type, shape: str, *, other: str) -> None:
    """Reject a feed whose top level is not ``kind``, naming the ``other`` feed's shape.

    Raises:
        RefreshError: ``payload`` is not a ``kind``; when it is the other feed's
            list or object, the message says to use ``--from other``.
    """
    if isinstance(payload, kind):
        return
    # Not ``kind``, yet a list or an object: the top level of the other feed.
    looks_other = isinstance(payload, (list, dict))
    hint = f" (this looks like the {other} feed: use --from {other})" if looks_other else ""
    raise RefreshError(
        f"{feed} feed rejected: the top level should be {shape}, "
        f"got {_type_name(payload)}{hint}; nothing was changed"
    )


def _require(container: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in container:
        raise _Bad(f"{where}: missing {key!r}")
    value = container[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        expected = {list: "a list", dict: "an object", str: "a string"}.get(kind, kind.__name__)
        raise _Bad(f"{where}: {key!r} should be {expected}, got {_type_name(value)}")
    return value


def _feed_date(value: object, where: str) -> date:
    if not isinstance(value, str) or len(value) > 40:
        raise _Bad(f"{where} should be a date string YYYY-MM-DD, got {_type_name(value)}")
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    except ValueError:
        raise _Bad(f"{where} is not a date: {_shown(value)}") from None


def _genai_price(value: object, where: str) -> tuple[Decimal, str]:
    """A genai-prices price: a number, or ``{"base": n, "tiers": [{"start": t, "price": p}]}``.

    Returns the base price (USD per 1M tokens) and a note describing the tiers.
    """
    if isinstance(value, dict):
        base = _to_decimal(value.get("base"), f"{where}.base")
        tiers = value.get("tiers", [])
        if not isinstance(tiers, list):
            raise _Bad(f"{where}.tiers should be a list, got {_type_name(tiers)}")
        notes = []
        for i, tier in enumerate(tiers):
            if not isinstance(tier, dict):
                raise _Bad(f"{where}.tiers[{i}] should be an object, got {_type_name(tier)}")
            start = tier.get("start")
            if isinstance(start, bool) or not isinstance(start, int) or start < 0:
                raise _Bad(f"{where}.tiers[{i}].start should be a token count, got {start!r}")
            price = _to_decimal(tier.get("price"), f"{where}.tiers[{i}].price")
            notes.append(f">{start} tok -> {_decimal_text(price)}")
        return base, " | ".join(notes)
    return _to_decimal(value, where), ""


def parse_genai_prices(payload: Any) -> list[FeedPrice]:
    """Prices from the pydantic/genai-prices v2 ``data.json``.

    The feed is a list of providers, each with ``id`` and ``models``; a model has
    ``id`` and ``prices``, either one price set or a list of them, each optionally
    constrained by ``start_date`` (a dated change) or ``start_time``/``end_time``
    (a time-of-day window). Prices are in USD per 1M tokens; a tiered price
    contributes its base tier, the others go to the notes. A model's ``match``
    clause may list the exact API names it prices (``equals``, e.g. Fireworks'
    ``accounts/fireworks/models/...``): those are its aliases.

    Args:
        payload: the decoded JSON.

    Returns:
        One FeedPrice per price set of every model.

    Raises:
        RefreshError: the payload is not a well-formed genai-prices v2 feed; the
            message lists the first problems found.
    """
    _check_top_level(payload, "genai-prices", list, "a list of providers", other="litellm")
    problems: list[str] = []
    out: list[FeedPrice] = []
    for p_index, provider in enumerate(payload):
        where = f"providers[{p_index}]"
        try:
            if not isinstance(provider, dict):
                raise _Bad(f"{where} should be an object, got {_type_name(provider)}")
            feed_provider = _check_name(_require(provider, "id", str, where), f"{where}.id")
            models = _require(provider, "models", list, f"provider {feed_provider!r}")
        except _Bad as exc:
            problems.append(str(exc))
            continue
        ours = GENAI_PRICES_PROVIDERS.get(feed_provider)
        for m_index, model in enumerate(models):
            where = f"provider {feed_provider!r} models[{m_index}]"
            try:
                out.extend(_genai_model(model, feed_provider, ours, where))
            except _Bad as exc:
                problems.append(str(exc))
            if len(problems) > MAX_ERRORS_SHOWN:
                break
        if len(problems) > MAX_ERRORS_SHOWN:
            break
    _raise_problems("genai-prices", problems)
    return out


def _genai_model(
    model: object, feed_provider: str, ours: str | None, where: str
) -> list[FeedPrice]:
    if not isinstance(model, dict):
        raise _Bad(f"{where} should be an object, got {_type_name(model)}")
    model_id = _check_name(_require(model, "id", str, where), f"{where}.id")
    where = f"{feed_provider}/{model_id}"
    aliases = tuple(a for a in _exact_names(model.get("match"), f"{where} match") if a != model_id)
    prices = model.get("prices")
    if isinstance(prices, dict):
        items: list[Any] = [{"prices": prices}]
    elif isinstance(prices, list):
        items = prices
    else:
        raise _Bad(f"{where}: 'prices' should be an object or a list, got {_type_name(prices)}")

    parsed: list[tuple[dict[str, Any], Decimal | None, Decimal | None, Decimal | None, str]] = []
    for i, item in enumerate(items):
        at = f"{where} prices[{i}]" if isinstance(prices, list) else f"{where} prices"
        if not isinstance(item, dict):
            raise _Bad(f"{at} should be an object, got {_type_name(item)}")
        values = _require(item, "prices", dict, at)
        constraint = item.get("constraint") or {}
        if not isinstance(constraint, dict):
            raise _Bad(f"{at}.constraint should be an object, got {_type_name(constraint)}")
        found: dict[str, Decimal | None] = {}
        notes = []
        for key in ("input_mtok", "output_mtok", "cache_read_mtok"):
            if key in values:
                found[key], tier_note = _genai_price(values[key], f"{at}.{key}")
                if tier_note:
                    notes.append(f"{key} tiered: {tier_note}")
            else:
                found[key] = None
        parsed.append(
            (
                constraint,
                found["input_mtok"],
                found["output_mtok"],
                found["cache_read_mtok"],
                "; ".join(notes),
            )
        )

    dated = sorted(
        (_feed_date(c["start_date"], f"{where} constraint.start_date"), i)
        for i, (c, *_rest) in enumerate(parsed)
        if "start_date" in c
    )
    first_change = dated[0][0] if dated else None
    windowed = any("start_time" in c or "end_time" in c for c, *_rest in parsed)
    out = []
    for constraint, inp, outp, cached, notes in parsed:
        api_model = model_id
        start = None
        valid_until = None
        if "start_date" in constraint:
            start = _feed_date(constraint["start_date"], f"{where} constraint.start_date")
        elif "start_time" in constraint or "end_time" in constraint:
            window = f"{constraint.get('start_time', '')}-{constraint.get('end_time', '')}"
            api_model = model_id + TIME_WINDOW_SUFFIX
            notes = "; ".join(
                x for x in (f"time-of-day price for {_shown(window)} UTC", notes) if x
            )
        else:
            valid_until = first_change
            if windowed:
                api_model = model_id + OFF_PEAK_SUFFIX
        unknown = set(constraint) - {"start_date", "start_time", "end_time"}
        if unknown:
            raise _Bad(f"{where}: unknown price constraint {sorted(unknown)!r}")
        out.append(
            FeedPrice(
                feed_provider=feed_provider,
                provider=ours,
                api_model=api_model,
                input_usd_per_mtok=inp,
                output_usd_per_mtok=outp,
                cached_input_usd_per_mtok=cached,
                effective_from=start,
                valid_until=valid_until,
                notes=notes,
                aliases=tuple(alias + api_model[len(model_id) :] for alias in aliases),
            )
        )
    return out


def _exact_names(match: object, where: str) -> list[str]:
    """The exact API names a genai-prices ``match`` clause lists (its ``equals`` values).

    Only ``equals`` (alone or inside ``or``) names one API model; prefix, substring
    and regex rules are not names and are ignored.
    """
    if match is None:
        return []
    if not isinstance(match, dict):
        raise _Bad(f"{where} should be an object, got {_type_name(match)}")
    names = []
    if "equals" in match:
        names.append(_check_name(match["equals"], f"{where}.equals"))
    alternatives = match.get("or", [])
    if not isinstance(alternatives, list):
        raise _Bad(f"{where}.or should be a list, got {_type_name(alternatives)}")
    for i, clause in enumerate(alternatives):
        if not isinstance(clause, dict):
            raise _Bad(f"{where}.or[{i}] should be an object, got {_type_name(clause)}")
        if "equals" in clause:  # nested or-clauses are not used by the feed; not followed
            names.append(_check_name(clause["equals"], f"{where}.or[{i}].equals"))
    return names


def parse_litellm(payload: Any) -> list[FeedPrice]:
    """Prices from BerriAI/litellm ``model_prices_and_context_window.json``.

    The feed is one object keyed by model name; each entry names its
    ``litellm_provider`` and gives ``input_cost_per_token``,
    ``output_cost_per_token`` and ``cache_read_input_token_cost`` in USD per
    token, converted here to USD per 1M tokens: ``usd_per_mtok = usd_per_token *
    1,000,000`` (exact, in Decimal). The api_model is the key without its
    ``"<litellm_provider>/"`` prefix; when both the prefixed and the bare key exist
    the prefixed entry wins. The ``sample_spec`` entry documents the format and is
    skipped. litellm gives no dates: every price is undated.

    Args:
        payload: the decoded JSON.

    Returns:
        One FeedPrice per priced entry.

    Raises:
        RefreshError: the payload is not a well-formed litellm price file.
    """
    _check_top_level(payload, "litellm", dict, "an object keyed by model", other="genai-prices")
    problems: list[str] = []
    out: list[FeedPrice] = []
    for key, entry in payload.items():
        if key == "sample_spec":
            continue
        try:
            out.extend(_litellm_entry(key, entry))
        except _Bad as exc:
            problems.append(str(exc))
            if len(problems) > MAX_ERRORS_SHOWN:
                break
    _raise_problems("litellm", problems)
    return out


def _litellm_entry(key: str, entry: object) -> list[FeedPrice]:
    name = _check_name(key, "model key")
    where = f"entry {name!r}"
    if not isinstance(entry, dict):
        raise _Bad(f"{where} should be an object, got {_type_name(entry)}")
    feed_provider = entry.get("litellm_provider")
    if feed_provider is None:
        return []
    feed_provider = _check_name(feed_provider, f"{where} litellm_provider")
    values: dict[str, Decimal | None] = {}
    for field_name in (
        "input_cost_per_token",
        "output_cost_per_token",
        "cache_read_input_token_cost",
    ):
        raw = entry.get(field_name)
        values[field_name] = (
            None if raw is None else _to_decimal(raw, f"{where} {field_name}", _MTOK)
        )
    prefix = feed_provider + "/"
    prefixed = name.startswith(prefix) and len(name) > len(prefix)
    api_model = name[len(prefix) :] if prefixed else name
    notes = []
    for side in ("input", "output"):
        # Long-context tiers, e.g. input_cost_per_token_above_200k_tokens (batch,
        # flex and priority variants are other products and are left out).
        for tier_key in sorted(entry):
            threshold = tier_key.removeprefix(f"{side}_cost_per_token_above_")
            if tier_key.startswith(f"{side}_cost_per_token_above_") and threshold.endswith(
                "_tokens"
            ):
                tier = _to_decimal(entry[tier_key], f"{where} {tier_key}", _MTOK)
                notes.append(f"{side} above {threshold[: -len('_tokens')]} tokens -> {tier}")
    return [
        FeedPrice(
            feed_provider=feed_provider,
            provider=LITELLM_PROVIDERS.get(feed_provider),
            api_model=api_model,
            input_usd_per_mtok=values["input_cost_per_token"],
            output_usd_per_mtok=values["output_cost_per_token"],
            cached_input_usd_per_mtok=values["cache_read_input_token_cost"],
            notes=("tiered: " + "; ".join(notes)) if notes else "",
            priority=1 if prefixed else 0,
        )
    ]


def _raise_problems(feed: str, problems: list[str]) -> None:
    if not problems:
        return
    shown = problems[:MAX_ERRORS_SHOWN]
    more = " (and more)" if len(problems) > MAX_ERRORS_SHOWN else ""
    raise RefreshError(
        f"{feed} feed rejected, nothing was changed: {len(shown)} problem(s){more}:\n  "
        + "\n  ".join(shown)
    )


# Feed registry: name -> (parser, label used in the source column).
FEEDS: dict[str, Callable[[Any], list[FeedPrice]]] = {
    "genai-prices": parse_genai_prices,
    "litellm": parse_litellm,
}


def _parser(feed: str) -> Callable[[Any], list[FeedPrice]]:
    try:
        return FEEDS[feed]
    except KeyError:
        raise RefreshError(
            f"unknown feed {feed!r}: choose one of {', '.join(sorted(FEEDS))}"
        ) from None


# --------------------------------------------------------------------------
# Refresh: fetching and decoding
# --------------------------------------------------------------------------

# Content types accepted for a JSON feed. GitHub's raw host serves .json files as
# text/plain, and some mirrors as application/octet-stream.
_JSON_TYPES = ("application/json", "text/json", "text/plain", "application/octet-stream")


def fetch_feed(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DEADLINE_S,
) -> bytes:
    """Download a feed, bounded in size and time.

    Args:
        url: an http(s) URL.
        timeout: seconds allowed to connect, and between two received chunks.
        max_bytes: largest body accepted (after decompression), in bytes.
        deadline: seconds allowed for the whole download.

    Returns:
        The response body.

    Raises:
        RefreshError: bad URL, connection failure, timeout, non-2xx status, an HTML
            or other non-JSON content type, or a body larger than ``max_bytes``.
    """
    import requests

    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise RefreshError(f"--url {url!r}: give an http:// or https:// URL")
    if timeout <= 0 or max_bytes <= 0 or deadline <= 0:
        raise RefreshError("timeout, deadline and size limit must be positive")
    started = time.monotonic()
    try:
        response = requests.get(
            url,
            stream=True,
            timeout=(timeout, timeout),
            headers={"Accept": "application/json"},
        )
    except requests.Timeout:
        raise RefreshError(
            f"{url}: no answer within {timeout:g} s (timed out); nothing was changed"
        ) from None
    except requests.RequestException as exc:
        raise RefreshError(
            f"{url}: could not connect ({type(exc).__name__}); nothing was changed"
        ) from None
    with response:
        status = response.status_code
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not 200 <= status < 300:
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = ""
            page = " (an HTML error page)" if content_type == "text/html" else ""
            raise RefreshError(
                f"{url}: the server answered HTTP {status} {phrase}{page}; nothing was changed"
            )
        if content_type == "text/html" or content_type.endswith("/xhtml+xml"):
            raise RefreshError(
                f"{url}: the server sent an HTML page (HTTP {status}), not a JSON feed; "
                "check the URL (a login or error page?); nothing was changed"
            )
        if content_type and not (content_type in _JSON_TYPES or content_type.endswith("+json")):
            raise RefreshError(
                f"{url}: content type {_shown(content_type)} is not JSON; nothing was changed"
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise RefreshError(_too_big(url, int(declared), max_bytes))
        body = bytearray()
        try:
            for chunk in response.iter_content(_CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise RefreshError(_too_big(url, len(body), max_bytes, at_least=True))
                if time.monotonic() - started > deadline:
                    raise RefreshError(
                        f"{url}: download took longer than {deadline:g} s; nothing was changed"
                    )
        except requests.RequestException as exc:
            timed_out = isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower()
            what = f"stalled for {timeout:g} s (timed out)" if timed_out else "broke off"
            raise RefreshError(f"{url}: the download {what}; nothing was changed") from None
    return bytes(body)


def _too_big(origin: str, size: int, limit: int, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return (
        f"{origin}: the feed is {more}{size / _MIB:.1f} MB, over the {limit / _MIB:.1f} MB limit "
        "(raise it with --max-mb if the feed really is that large); nothing was changed"
    )


def read_feed_file(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a feed saved on disk, bounded in size.

    Args:
        path: the JSON file.
        max_bytes: largest file accepted, in bytes.

    Returns:
        The file's bytes.

    Raises:
        RefreshError: the file is missing, unreadable or too large.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > max_bytes:
            raise RefreshError(_too_big(str(file), size, max_bytes))
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise RefreshError(f"--file {str(file)!r}: cannot read it ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise RefreshError(_too_big(str(file), len(data), max_bytes, at_least=True))
    return data


def _reject_constant(name: str) -> Any:
    raise _Bad(f"{name} is not a number JSON allows")


def decode_feed(body: bytes, origin: str) -> Any:
    """Decode a feed body as strict JSON (no NaN/Infinity), refusing HTML.

    Args:
        body: the raw bytes.
        origin: the URL or file, for messages.

    Returns:
        The decoded JSON value.

    Raises:
        RefreshError: the body is HTML, not UTF-8, or not valid (e.g. truncated) JSON.
    """
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<")):
        raise RefreshError(
            f"{origin}: this is an HTML/XML page, not a JSON feed; check the URL or file; "
            "nothing was changed"
        )
    if not body.strip():
        raise RefreshError(f"{origin}: the feed is empty; nothing was changed")
    try:
        text = body.decode("utf-8-sig")
        return json.loads(text, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise RefreshError(f"{origin}: the feed is not UTF-8 text; nothing was changed") from None
    except json.JSONDecodeError as exc:
        truncated = " (the file looks truncated)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise RefreshError(
            f"{origin}: not valid JSON at line {exc.lineno} column {exc.colno}: "
            f"{exc.msg}{truncated}; nothing was changed"
        ) from None
    except _Bad as exc:
        raise RefreshError(f"{origin}: {exc}; nothing was changed") from None
    except ValueError as exc:  # e.g. an integer literal too long to convert
        raise RefreshError(f"{origin}: not valid JSON ({exc}); nothing was changed") from None
    except RecursionError:
        raise RefreshError(
            f"{origin}: the JSON is nested too deeply; nothing was changed"
        ) from None


# --------------------------------------------------------------------------
# Refresh: merging into api_prices.csv
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceChange:
    """A new row the refresh adds to api_prices.csv.

    Attributes:
        provider: our provider name.
        api_model: the provider's model name.
        effective_from: first day of the new price (inclusive).
        date_basis: ``explicit`` (the feed dates it) or ``snapshot`` (the refresh date).
        scheduled: the new price starts after ``today``.
        old_input_usd_per_mtok: price in force before (None when none was recorded).
        new_input_usd_per_mtok: new input price, USD per 1M tokens.
        old_output_usd_per_mtok: output price before.
        new_output_usd_per_mtok: new output price, USD per 1M tokens.
        old_cached_input_usd_per_mtok: cached-input price before.
        new_cached_input_usd_per_mtok: new cached-input price.
    """

    provider: str
    api_model: str
    effective_from: date
    date_basis: str
    scheduled: bool
    old_input_usd_per_mtok: Decimal | None
    new_input_usd_per_mtok: Decimal
    old_output_usd_per_mtok: Decimal | None
    new_output_usd_per_mtok: Decimal
    old_cached_input_usd_per_mtok: Decimal | None
    new_cached_input_usd_per_mtok: Decimal | None

    def describe(self) -> str:
        """One diff line: ``provider api_model: in $a -> $b, out $c -> $d (from DATE)``."""
        text = (
            f"{self.provider} {self.api_model}: "
            f"in {_money(self.old_input_usd_per_mtok)} -> {_money(self.new_input_usd_per_mtok)}, "
            f"out {_money(self.old_output_usd_per_mtok)} -> {_money(self.new_output_usd_per_mtok)}"
        )
        if self.old_cached_input_usd_per_mtok != self.new_cached_input_usd_per_mtok:
            text += (
                f", cached {_money(self.old_cached_input_usd_per_mtok)} -> "
                f"{_money(self.new_cached_input_usd_per_mtok)}"
            )
        kind = "scheduled, " if self.scheduled else ""
        return text + f" (from {self.effective_from.isoformat()}, {kind}{self.date_basis})"


@dataclass
class RefreshResult:
    """What a refresh found and did.

    Attributes:
        feed: the feed format (``genai-prices`` or ``litellm``).
        origin: the URL or file read.
        today: the refresh date.
        path: the api_prices.csv considered.
        changes: the new rows (applied unless ``dry_run``).
        unchanged: tracked prices equal to the recorded ones.
        not_tracked: (feed provider, api_model) pairs the feed prices and api_prices does not track.
        rejected: (provider, api_model, reason) of tracked prices the refresh could not use.
        dry_run: nothing was written on purpose.
        written: api_prices.csv was rewritten.
    """

    feed: str
    origin: str
    today: date
    path: Path
    changes: list[PriceChange] = field(default_factory=list)
    unchanged: int = 0
    not_tracked: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    def summary(self) -> str:
        """The counts line."""
        return (
            f"changed: {len(self.changes)}, unchanged: {self.unchanged}, "
            f"not tracked: {len(self.not_tracked)}, rejected: {len(self.rejected)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (prices as strings of exact decimals)."""

        def money(value: Decimal | None) -> str | None:
            return None if value is None else _decimal_text(value)

        return {
            "feed": self.feed,
            "origin": self.origin,
            "today": self.today.isoformat(),
            "path": str(self.path),
            "dry_run": self.dry_run,
            "written": self.written,
            "changes": [
                {
                    k: (money(v) if isinstance(v, Decimal) or v is None else v)
                    for k, v in asdict(change).items()
                }
                | {"effective_from": change.effective_from.isoformat()}
                for change in self.changes
            ],
            "unchanged": self.unchanged,
            "not_tracked": [list(pair) for pair in self.not_tracked],
            "rejected": [list(item) for item in self.rejected],
        }


@dataclass
class _CsvFile:
    """api_prices.csv as text: leading comment lines, header, and raw records."""

    newline: str
    preamble: list[str]  # comment lines (with line ends) before the header
    header: list[str]
    header_text: str
    records: list[tuple[dict[str, str], str]]  # parsed row, its exact original text
    trailing: str  # anything after the last record (blank lines)


def _read_csv(path: Path) -> _CsvFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RefreshError(f"{path}: cannot read the price table ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RefreshError(f"{path}: not UTF-8 text") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    preamble: list[str] = []
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        preamble.append(lines.pop(0))
    if not lines:
        raise RefreshError(f"{path}: no header row")
    # Records are read one at a time so each keeps its exact original text (a
    # quoted cell may span lines): unchanged rows are written back byte for byte.
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise RefreshError(f"{path}: unreadable header ({exc})") from None
    header_text = "".join(lines[: reader.line_num])
    records: list[tuple[dict[str, str], str]] = []
    consumed = reader.line_num
    try:
        for cells in reader:
            chunk = "".join(lines[consumed : reader.line_num])
            consumed = reader.line_num
            if not cells or not any(c.strip() for c in cells):
                records.append(({}, chunk))  # a blank line: kept as is
                continue
            if len(cells) != len(header):
                raise RefreshError(
                    f"{path}:{len(preamble) + consumed}: {len(cells)} cells, "
                    f"the header has {len(header)}; fix the file, then refresh"
                )
            records.append((dict(zip(header, cells, strict=True)), chunk))
    except csv.Error as exc:
        raise RefreshError(f"{path}:{len(preamble) + reader.line_num}: {exc}") from None
    trailing = ""
    while records and not records[-1][0]:
        trailing = records.pop()[1] + trailing
    missing = {"provider", "api_model", "model_id", "provider_kind", "effective_from"} - set(header)
    if missing:
        raise RefreshError(f"{path}: header lacks column(s) {', '.join(sorted(missing))}")
    return _CsvFile(newline, preamble, header, header_text, records, trailing)


@dataclass
class _Recorded:
    effective_from: date | None
    input: Decimal | None
    output: Decimal | None
    cached: Decimal | None
    source: str


def _cell_decimal(value: str) -> Decimal | None:
    value = value.strip()
    if not value:
        return None
    try:
        return _normal(Decimal(value))
    except InvalidOperation:
        return None


def _cell_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _in_force(history: Sequence[_Recorded], day: date) -> _Recorded | None:
    """The recorded price in force on ``day`` (unknown starts count as earliest)."""
    current = None
    for row in history:  # sorted, unknown starts first
        if row.effective_from is None or row.effective_from <= day:
            current = row
    return current


def _same(feed: FeedPrice, row: _Recorded) -> bool:
    if feed.input_usd_per_mtok != row.input or feed.output_usd_per_mtok != row.output:
        return False
    # A cached price given on one side only is not a price change (a feed that
    # omits it says nothing; one that adds it alone does not move the list price).
    cached = feed.cached_input_usd_per_mtok
    return cached is None or row.cached is None or cached == row.cached


def _prices_of(point: FeedPrice) -> tuple[Decimal | None, ...]:
    return (
        point.input_usd_per_mtok,
        point.output_usd_per_mtok,
        point.cached_input_usd_per_mtok,
    )


def _match(
    points: Iterable[FeedPrice], tracked: Mapping[tuple[str, str], object]
) -> tuple[dict[tuple, FeedPrice], list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Feed prices matched to tracked pairs, one per (provider, api_model, start, until).

    A feed price matches under its own name and under each alias; several
    entries for one pair are settled by priority (the feed's own preference, then
    own name over alias), and equal-priority entries that disagree are rejected.

    Returns:
        ``(chosen, not_tracked, rejected)``.
    """
    ranked: dict[tuple, tuple[tuple[int, int], FeedPrice]] = {}
    conflicts: set[tuple] = set()
    not_tracked: set[tuple[str, str]] = set()
    for point in points:
        names = [(point.api_model, 1), *((alias, 0) for alias in point.aliases)]
        hits = [(n, own) for n, own in names if (point.provider, n) in tracked]
        if point.provider is None or not hits:
            not_tracked.add((point.feed_provider, point.api_model))
            continue
        for name, own in hits:
            key = (point.provider, name, point.effective_from, point.valid_until)
            rank = (point.priority, own)
            other = ranked.get(key)
            if other is None or rank > other[0]:
                ranked[key] = (rank, point)
                conflicts.discard(key)
            elif rank == other[0] and _prices_of(point) != _prices_of(other[1]):
                conflicts.add(key)
    rejected = [
        (key[0], key[1], "the feed lists this model more than once, with different prices")
        for key in sorted(conflicts, key=lambda k: (k[0], k[1], k[2] or date.min))
    ]
    chosen = {key: point for key, (_rank, point) in ranked.items() if key not in conflicts}
    return chosen, sorted(not_tracked), rejected


def _plan(
    table: _CsvFile, points: Sequence[FeedPrice], today: date, source: str
) -> tuple[
    list[PriceChange], list[dict[str, str]], int, list[tuple[str, str]], list[tuple[str, str, str]]
]:
    histories: dict[tuple[str, str], list[_Recorded]] = {}
    latest: dict[tuple[str, str], dict[str, str]] = {}
    for row, _text in table.records:
        if not row:
            continue
        key = (row["provider"], row["api_model"])
        histories.setdefault(key, []).append(
            _Recorded(
                _cell_date(row.get("effective_from", "")),
                _cell_decimal(row.get("input_usd_per_mtok", "")),
                _cell_decimal(row.get("output_usd_per_mtok", "")),
                _cell_decimal(row.get("cached_input_usd_per_mtok", "")),
                row.get("source", ""),
            )
        )
        latest[key] = row
    for history in histories.values():
        history.sort(key=lambda r: r.effective_from or date.min)

    chosen, not_tracked, rejected = _match(points, histories)
    changes: list[PriceChange] = []
    new_rows: list[dict[str, str]] = []
    unchanged = 0
    planned: set[tuple[str, str, date]] = set()
    for (provider, api_model, start, valid_until), point in sorted(
        chosen.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or date.min)
    ):
        key = (provider, api_model)
        if key not in histories:
            continue
        history = histories[key]
        if point.input_usd_per_mtok is None or point.output_usd_per_mtok is None:
            rejected.append((provider, api_model, "the feed gives no input and output token price"))
            continue
        if (
            point.cached_input_usd_per_mtok is not None
            and point.cached_input_usd_per_mtok > point.input_usd_per_mtok
        ):
            rejected.append(
                (provider, api_model, "the feed's cached-input price is above its input price")
            )
            continue
        if start is not None:
            day, basis = start, "explicit"
        elif valid_until is not None and valid_until <= today:
            # A base price already replaced by a dated change: history, start unknown.
            before = _in_force(history, valid_until - timedelta(days=1))
            if before is not None and _same(point, before):
                unchanged += 1
            else:
                rejected.append(
                    (
                        provider,
                        api_model,
                        f"the feed's price before {valid_until.isoformat()} "
                        f"(in {_money(point.input_usd_per_mtok)}, "
                        f"out {_money(point.output_usd_per_mtok)}) differs from the recorded one "
                        "and has no start date; not added",
                    )
                )
            continue
        else:
            day, basis = today, "snapshot"
        current = _in_force(history, day)
        if current is not None and _same(point, current):
            unchanged += 1
            continue
        if (current is not None and current.effective_from == day) or (key + (day,)) in planned:
            rejected.append(
                (
                    provider,
                    api_model,
                    f"a different price is already recorded from {day.isoformat()} "
                    f"({_shown(current.source if current else 'this feed')}); "
                    "rows are never overwritten",
                )
            )
            continue
        planned.add(key + (day,))
        change = PriceChange(
            provider=provider,
            api_model=api_model,
            effective_from=day,
            date_basis=basis,
            scheduled=day > today,
            old_input_usd_per_mtok=current.input if current else None,
            new_input_usd_per_mtok=point.input_usd_per_mtok,
            old_output_usd_per_mtok=current.output if current else None,
            new_output_usd_per_mtok=point.output_usd_per_mtok,
            old_cached_input_usd_per_mtok=current.cached if current else None,
            new_cached_input_usd_per_mtok=point.cached_input_usd_per_mtok,
        )
        changes.append(change)
        base = latest[key]
        row = {column: "" for column in table.header}
        row.update(
            provider=provider,
            provider_kind=base.get("provider_kind", ""),
            api_model=api_model,
            model_id=base.get("model_id", ""),
            input_usd_per_mtok=_decimal_text(point.input_usd_per_mtok),
            output_usd_per_mtok=_decimal_text(point.output_usd_per_mtok),
            cached_input_usd_per_mtok=_decimal_text(point.cached_input_usd_per_mtok),
            effective_from=day.isoformat(),
            date_basis=basis,
            scheduled="true" if change.scheduled else "false",
            source=source,
            notes=point.notes,
        )
        new_rows.append({k: v for k, v in row.items() if k in table.header})
    return changes, new_rows, unchanged, not_tracked, rejected


def _render(table: _CsvFile, new_rows: Sequence[dict[str, str]]) -> str:
    """The CSV text with new rows placed after the rows of their pair, by date."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=table.newline)
    records = list(table.records)
    if records and not records[-1][1].endswith(("\n", "\r")):
        # The file's last line had no line end: give it one before anything follows it.
        records[-1] = (records[-1][0], records[-1][1] + table.newline)
    for row in new_rows:
        key = (row["provider"], row["api_model"])
        day = date.fromisoformat(row["effective_from"])
        position = None
        for index, (existing, _text) in enumerate(records):
            if existing and (existing["provider"], existing["api_model"]) == key:
                start = _cell_date(existing.get("effective_from", ""))
                if start is None or start <= day:
                    position = index + 1
                elif position is None:
                    position = index
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([row.get(column, "") for column in table.header])
        text = buffer.getvalue()
        records.insert(len(records) if position is None else position, (row, text))
    body = "".join(text for _row, text in records)
    return "".join(table.preamble) + table.header_text + body + table.trailing


def _validate_merged(datasets: Path, merged_text: str, today: date) -> list[str]:
    """Problems the dataset validation finds in api_prices.csv once merged (a temp copy)."""
    from analysis import warehouse

    with tempfile.TemporaryDirectory(prefix="aistrat-refresh-") as tmp:
        copy = Path(tmp) / "datasets"
        shutil.copytree(datasets, copy, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        (copy / "api_prices.csv").write_text(merged_text, encoding="utf-8", newline="")
        problems = warehouse.validate(directory=copy, today=today)
    return [p for p in problems if "api_prices" in p]


def refresh_prices(
    feed: str,
    *,
    today: date,
    url: str | None = None,
    file: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT_S,
    deadline: float = DEFAULT_DEADLINE_S,
    datasets: Path | None = None,
) -> RefreshResult:
    """Add the feed's new and changed prices to api_prices.csv as new dated rows.

    Only (provider, api_model) pairs already in the table are considered; the
    others are listed as not tracked. See the module docstring for the date
    rules. The table is rewritten (atomically) only when there are changes, the
    whole feed is well formed and the merged table passes validation.

    Args:
        feed: ``genai-prices`` or ``litellm``.
        today: the refresh date (undated feed prices take effect from it).
        url: the feed's http(s) URL (give this or ``file``).
        file: a saved copy of the feed.
        dry_run: compute and return the changes but write nothing.
        max_bytes: largest feed accepted, in bytes.
        timeout: seconds to connect and between received chunks.
        deadline: seconds for the whole download.
        datasets: the datasets folder (default: ``config.datasets_dir()``).

    Returns:
        The changes, counts and whether the table was written.

    Raises:
        RefreshError: the feed cannot be fetched or is malformed, or the merged
            table fails validation; nothing was changed.
    """
    parser = _parser(feed)
    if (url is None) == (file is None):
        raise RefreshError("give exactly one of --url URL or --file PATH")
    if url is not None:
        origin = url
        body = fetch_feed(url, timeout=timeout, max_bytes=max_bytes, deadline=deadline)
    else:
        origin = str(file)
        body = read_feed_file(file, max_bytes=max_bytes)  # type: ignore[arg-type]
    points = parser(decode_feed(body, origin))

    folder = datasets or config.datasets_dir()
    path = folder / "api_prices.csv"
    table = _read_csv(path)
    source = f"{feed} feed {origin} fetched {today.isoformat()}"
    changes, new_rows, unchanged, not_tracked, rejected = _plan(table, points, today, source)
    result = RefreshResult(
        feed=feed,
        origin=origin,
        today=today,
        path=path,
        changes=changes,
        unchanged=unchanged,
        not_tracked=not_tracked,
        rejected=sorted(rejected),
        dry_run=dry_run,
    )
    if not new_rows:
        return result
    merged = _render(table, new_rows)
    problems = _validate_merged(folder, merged, today)
    if problems:
        shown = problems[:MAX_ERRORS_SHOWN]
        raise RefreshError(
            f"the merged price table would not validate, nothing was changed "
            f"({len(problems)} problem(s)):\n  " + "\n  ".join(shown)
        )
    if not dry_run:
        atomic_write(path, merged)
        result.written = True
    return result


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def format_refresh(result: RefreshResult, *, show_untracked: bool = False) -> str:
    """The readable report of a refresh: the diff, then the counts.

    Args:
        result: what ``refresh_prices`` returned.
        show_untracked: list every pair not tracked (otherwise counts per provider).

    Returns:
        Plain text, one item per line.
    """
    lines = [f"{result.feed} feed {result.origin} (as of {result.today.isoformat()})"]
    if result.changes:
        lines.append("changes:")
        lines += [f"  {change.describe()}" for change in result.changes]
    else:
        lines.append("no price changes")
    if result.rejected:
        lines.append("rejected:")
        lines += [
            f"  {provider} {api_model}: {why}" for provider, api_model, why in result.rejected
        ]
    if result.not_tracked:
        if show_untracked:
            lines.append("not tracked (in the feed, not in api_prices.csv):")
            lines += [f"  {provider} {api_model}" for provider, api_model in result.not_tracked]
        else:
            per_provider: dict[str, int] = {}
            for provider, _model in result.not_tracked:
                per_provider[provider] = per_provider.get(provider, 0) + 1
            top = sorted(per_provider.items(), key=lambda kv: (-kv[1], kv[0]))
            listed = ", ".join(f"{p} {n}" for p, n in top[:12])
            more = f", ... {len(top) - 12} more providers" if len(top) > 12 else ""
            lines.append(
                f"not tracked by feed provider: {listed}{more} (--show-untracked lists them)"
            )
    lines.append(result.summary())
    if result.dry_run:
        lines.append(f"dry run: {result.path} not changed")
    elif result.written:
        lines.append(f"wrote {len(result.changes)} new row(s) to {result.path}")
    else:
        lines.append(f"{result.path} already up to date")
    return "\n".join(lines)


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} should be a positive number")
    return number


def _cmd_refresh(args: argparse.Namespace) -> int:
    from analysis.console import print_json

    result = refresh_prices(
        args.feed,
        today=args.today or date.today(),
        url=args.url,
        file=args.file,
        dry_run=args.dry_run,
        max_bytes=int(args.max_mb * 1024 * 1024),
        timeout=args.timeout,
    )
    if args.json:
        print_json(result.to_dict())
    else:
        print(format_refresh(result, show_untracked=args.show_untracked))
    return 0


def _cmd_price(args: argparse.Namespace) -> int:
    from analysis.console import print_json, print_table

    price = price_for(args.model, at=args.at or date.today(), provider=args.provider)
    if args.json:
        print_json(price.to_dict())
    else:
        print_table([{"field": k, "value": v} for k, v in price.to_dict().items()])
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    from analysis.console import print_json, print_table

    frame = price_history(args.model, provider=args.provider)
    columns = [
        "provider",
        "api_model",
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "cached_input_usd_per_mtok",
        "effective_from",
        "effective_to",
        "date_basis",
    ]
    if args.json:
        print_json(frame.to_dicts())
    else:
        print_table(frame.select(columns).to_dicts(), columns)
    return 0


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add ``price``, ``price-history`` and ``refresh-prices`` to the command line."""
    price = subparsers.add_parser(
        "price",
        help="the API price of a model on a date",
        description="The API price in force on a date (first-party preferred, else the "
        "cheapest host by blended 3:1 input:output price).",
    )
    price.add_argument("model", help="a model_id or a provider's api_model")
    price.add_argument("--at", type=date_arg, help="date YYYY-MM-DD (default: today)")
    price.add_argument("--provider", help="only this provider")
    price.add_argument("--json", action="store_true", help="print JSON")
    price.set_defaults(func=_cmd_price)

    history = subparsers.add_parser(
        "price-history", help="every recorded price of a model, with its period"
    )
    history.add_argument("model", help="a model_id or a provider's api_model")
    history.add_argument("--provider", help="only this provider")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.set_defaults(func=_cmd_history)

    refresh = subparsers.add_parser(
        "refresh-prices",
        help="add new prices from a public feed to datasets/api_prices.csv",
        description="Read the genai-prices v2 or litellm price feed and add new dated rows "
        "for the provider/api_model pairs api_prices.csv already tracks. Nothing is "
        "overwritten; a malformed feed changes nothing.",
    )
    refresh.add_argument(
        "--from", dest="feed", required=True, choices=sorted(FEEDS), help="feed format"
    )
    source = refresh.add_mutually_exclusive_group(required=True)
    source.add_argument("--url", help="http(s) URL of the feed")
    source.add_argument("--file", help="a saved copy of the feed")
    refresh.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")
    refresh.add_argument("--today", type=date_arg, help="refresh date YYYY-MM-DD (default: today)")
    refresh.add_argument(
        "--max-mb",
        type=_positive,
        default=DEFAULT_MAX_BYTES / (1024 * 1024),
        help="largest feed accepted, in MB (default: %(default)g)",
    )
    refresh.add_argument(
        "--timeout",
        type=_positive,
        default=DEFAULT_TIMEOUT_S,
        help="seconds to connect and between received data (default: %(default)g)",
    )
    refresh.add_argument(
        "--show-untracked", action="store_true", help="list every feed model not tracked"
    )
    refresh.add_argument("--json", action="store_true", help="print the result as JSON")
    refresh.set_defaults(func=_cmd_refresh)


__all__ = [
    "FEEDS",
    "FeedPrice",
    "Price",
    "PriceChange",
    "RefreshResult",
    "blended_usd_per_mtok",
    "decode_feed",
    "fetch_feed",
    "format_refresh",
    "parse_genai_prices",
    "parse_litellm",
    "price_for",
    "price_history",
    "read_feed_file",
    "refresh_prices",
    "register_cli",
]
