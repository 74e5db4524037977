"""Price feeds: reading the public price databases, and merging them into api_prices.csv.

``python -m analysis refresh-prices`` reads one of two public price databases,
the pydantic/genai-prices v2 JSON or the BerriAI/litellm
``model_prices_and_context_window.json``, and adds new effective-dated rows to
``datasets/api_prices.csv`` for the (provider, api_model) pairs the file already
tracks. It never adds a model, never overwrites or deletes a row, and changes
nothing at all unless the whole feed is well formed and the merged table
passes the dataset validation. The feed is untrusted input: its size, the time
it may take, its types, its numbers and its names are all checked
(:mod:`analysis.feeds.fetch`). Reading, merging and writing the table happen
under one cross-process lock, so two refreshes at once never lose a row.

Date rules of a refresh (``effective_from`` is inclusive, as everywhere):

- an offer that ended (an ``effective_to`` on one of its rows) is never reopened:
  a feed price dated on or after the end is reported, not written;

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

import dataclasses
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from analysis import config
from analysis.dates import parse_date
from analysis.errors import DateError, RefreshError
from analysis.feeds.csv_text import CsvText, cell_date, check_merged, read_csv_text
from analysis.feeds.fetch import (
    DEFAULT_DEADLINE_S,
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT_S,
    FeedProblem,
    Json,
    check_name,
    decode_json,
    fetch_or_read,
    shown,
    type_name,
)
from analysis.files import atomic_write, file_lock
from analysis.prices import OFF_PEAK_SUFFIX, TIME_WINDOW_SUFFIX
from analysis.records import to_plain

MAX_USD_PER_MTOK = Decimal(1000)  # above this a per-token price is taken as an error
MAX_ERRORS_SHOWN = 10
LOCK_TIMEOUT_S = 60.0  # waiting for another refresh of the same table
_MTOK = Decimal(1_000_000)
_REQUIRED_COLUMNS = ("provider", "api_model", "model_id", "provider_kind", "effective_from")

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


def _to_decimal(value: object, what: str, scale: Decimal = Decimal(1)) -> Decimal:
    """A feed price as an exact Decimal in USD per 1M tokens, checked.

    ``usd_per_mtok = value * scale`` (scale 1 for per-1M feeds, 1,000,000 for
    per-token feeds).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FeedProblem(f"{what} should be a number, got {type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise FeedProblem(f"{what} is not a finite number")
    # repr() of a float is its shortest exact decimal form: 1.04e-06 -> 1.04e-06
    number = Decimal(repr(value)) * scale
    if number < 0:
        raise FeedProblem(f"{what} is negative ({_money(number)} per 1M tokens)")
    if number > MAX_USD_PER_MTOK:
        raise FeedProblem(
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


def _check_top_level(payload: Json, feed: str, kind: type, shape: str, *, other: str) -> None:
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
        f"got {type_name(payload)}{hint}; nothing was changed"
    )


def _require(container: Mapping[str, Json], key: str, kind: type, where: str) -> Json:
    if key not in container:
        raise FeedProblem(f"{where}: missing {key!r}")
    value = container[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        names: dict[type, str] = {list: "a list", dict: "an object", str: "a string"}
        expected = names.get(kind, kind.__name__)
        raise FeedProblem(f"{where}: {key!r} should be {expected}, got {type_name(value)}")
    return value


def _feed_date(value: object, where: str) -> date:
    """A feed's date: ``YYYY-MM-DD``, or an ISO timestamp (its UTC calendar day)."""
    if not isinstance(value, str) or len(value) > 40:
        raise FeedProblem(f"{where} should be a date string YYYY-MM-DD, got {type_name(value)}")
    try:
        if len(value) == 10:
            return parse_date(value, where)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    except (DateError, ValueError):
        raise FeedProblem(f"{where} is not a date: {shown(value)}") from None


def _genai_price(value: object, where: str) -> tuple[Decimal, str]:
    """A genai-prices price: a number, or ``{"base": n, "tiers": [{"start": t, "price": p}]}``.

    Returns the base price (USD per 1M tokens) and a note describing the tiers.
    """
    if isinstance(value, dict):
        base = _to_decimal(value.get("base"), f"{where}.base")
        tiers = value.get("tiers", [])
        if not isinstance(tiers, list):
            raise FeedProblem(f"{where}.tiers should be a list, got {type_name(tiers)}")
        notes = []
        for i, tier in enumerate(tiers):
            if not isinstance(tier, dict):
                raise FeedProblem(f"{where}.tiers[{i}] should be an object, got {type_name(tier)}")
            start = tier.get("start")
            if isinstance(start, bool) or not isinstance(start, int) or start < 0:
                raise FeedProblem(
                    f"{where}.tiers[{i}].start should be a token count, got {start!r}"
                )
            price = _to_decimal(tier.get("price"), f"{where}.tiers[{i}].price")
            notes.append(f">{start} tok -> {_decimal_text(price)}")
        return base, " | ".join(notes)
    return _to_decimal(value, where), ""


def parse_genai_prices(payload: Json) -> list[FeedPrice]:
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
                raise FeedProblem(f"{where} should be an object, got {type_name(provider)}")
            feed_provider = check_name(_require(provider, "id", str, where), f"{where}.id")
            models = _require(provider, "models", list, f"provider {feed_provider!r}")
        except FeedProblem as exc:
            problems.append(str(exc))
            continue
        ours = GENAI_PRICES_PROVIDERS.get(feed_provider)
        for m_index, model in enumerate(models):
            where = f"provider {feed_provider!r} models[{m_index}]"
            try:
                out.extend(_genai_model(model, feed_provider, ours, where))
            except FeedProblem as exc:
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
        raise FeedProblem(f"{where} should be an object, got {type_name(model)}")
    model_id = check_name(_require(model, "id", str, where), f"{where}.id")
    where = f"{feed_provider}/{model_id}"
    aliases = tuple(a for a in _exact_names(model.get("match"), f"{where} match") if a != model_id)
    prices = model.get("prices")
    if isinstance(prices, dict):
        items: list[Json] = [{"prices": prices}]
    elif isinstance(prices, list):
        items = prices
    else:
        raise FeedProblem(
            f"{where}: 'prices' should be an object or a list, got {type_name(prices)}"
        )

    parsed: list[tuple[dict[str, Json], Decimal | None, Decimal | None, Decimal | None, str]] = []
    for i, item in enumerate(items):
        at = f"{where} prices[{i}]" if isinstance(prices, list) else f"{where} prices"
        if not isinstance(item, dict):
            raise FeedProblem(f"{at} should be an object, got {type_name(item)}")
        values = _require(item, "prices", dict, at)
        constraint = item.get("constraint") or {}
        if not isinstance(constraint, dict):
            raise FeedProblem(f"{at}.constraint should be an object, got {type_name(constraint)}")
        found: dict[str, Decimal | None] = {}
        tier_notes = []
        for key in ("input_mtok", "output_mtok", "cache_read_mtok"):
            if key in values:
                found[key], tier_note = _genai_price(values[key], f"{at}.{key}")
                if tier_note:
                    tier_notes.append(f"{key} tiered: {tier_note}")
            else:
                found[key] = None
        parsed.append(
            (
                constraint,
                found["input_mtok"],
                found["output_mtok"],
                found["cache_read_mtok"],
                "; ".join(tier_notes),
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
            notes = "; ".join(x for x in (f"time-of-day price for {shown(window)} UTC", notes) if x)
        else:
            valid_until = first_change
            if windowed:
                api_model = model_id + OFF_PEAK_SUFFIX
        unknown = set(constraint) - {"start_date", "start_time", "end_time"}
        if unknown:
            raise FeedProblem(f"{where}: unknown price constraint {sorted(unknown)!r}")
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
        raise FeedProblem(f"{where} should be an object, got {type_name(match)}")
    names = []
    if "equals" in match:
        names.append(check_name(match["equals"], f"{where}.equals"))
    alternatives = match.get("or", [])
    if not isinstance(alternatives, list):
        raise FeedProblem(f"{where}.or should be a list, got {type_name(alternatives)}")
    for i, clause in enumerate(alternatives):
        if not isinstance(clause, dict):
            raise FeedProblem(f"{where}.or[{i}] should be an object, got {type_name(clause)}")
        if "equals" in clause:  # nested or-clauses are not used by the feed; not followed
            names.append(check_name(clause["equals"], f"{where}.or[{i}].equals"))
    return names


def parse_litellm(payload: Json) -> list[FeedPrice]:
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
        except FeedProblem as exc:
            problems.append(str(exc))
            if len(problems) > MAX_ERRORS_SHOWN:
                break
    _raise_problems("litellm", problems)
    return out


def _litellm_entry(key: str, entry: object) -> list[FeedPrice]:
    name = check_name(key, "model key")
    where = f"entry {name!r}"
    if not isinstance(entry, dict):
        raise FeedProblem(f"{where} should be an object, got {type_name(entry)}")
    feed_provider = entry.get("litellm_provider")
    if feed_provider is None:
        return []
    feed_provider = check_name(feed_provider, f"{where} litellm_provider")
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
    listed = problems[:MAX_ERRORS_SHOWN]
    more = " (and more)" if len(problems) > MAX_ERRORS_SHOWN else ""
    raise RefreshError(
        f"{feed} feed rejected, nothing was changed: {len(listed)} problem(s){more}:\n  "
        + "\n  ".join(listed)
    )


# Feed registry: the --from name -> its parser.
FEEDS: dict[str, Callable[[Json], list[FeedPrice]]] = {
    "genai-prices": parse_genai_prices,
    "litellm": parse_litellm,
}


def _parser(feed: str) -> Callable[[Json], list[FeedPrice]]:
    try:
        return FEEDS[feed]
    except KeyError:
        raise RefreshError(
            f"unknown feed {feed!r}: choose one of {', '.join(sorted(FEEDS))}"
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
        """A JSON-ready view (prices as strings of exact decimals, dates ``YYYY-MM-DD``)."""
        changes = [
            {
                f.name: _decimal_text(value) if isinstance(value, Decimal) else value
                for f in dataclasses.fields(change)
                for value in [getattr(change, f.name)]
            }
            for change in self.changes
        ]
        return to_plain(
            {
                "feed": self.feed,
                "origin": self.origin,
                "today": self.today,
                "path": str(self.path),
                "dry_run": self.dry_run,
                "written": self.written,
                "changes": changes,
                "unchanged": self.unchanged,
                "not_tracked": self.not_tracked,
                "rejected": self.rejected,
            }
        )


@dataclass(frozen=True)
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
    table: CsvText, points: Sequence[FeedPrice], today: date, source: str
) -> tuple[
    list[PriceChange], list[dict[str, str]], int, list[tuple[str, str]], list[tuple[str, str, str]]
]:
    histories: dict[tuple[str, str], list[_Recorded]] = {}
    latest: dict[tuple[str, str], dict[str, str]] = {}
    ends: dict[tuple[str, str], tuple[date, str]] = {}  # the offer's end and how it is known
    for row, _text in table.records:
        if not row:
            continue
        key = (row["provider"], row["api_model"])
        end = cell_date(row.get("effective_to", ""))
        if end is not None and (key not in ends or end < ends[key][0]):
            ends[key] = (end, row.get("end_basis", "") or "end recorded")
        histories.setdefault(key, []).append(
            _Recorded(
                cell_date(row.get("effective_from", "")),
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
        if key in ends and day >= ends[key][0]:
            end, how = ends[key]
            rejected.append(
                (
                    provider,
                    api_model,
                    f"the offer ended on {end.isoformat()} ({how}); a feed that still lists it "
                    f"does not reopen it (its price from {day.isoformat()} is not added)",
                )
            )
            continue
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
                    f"({shown(current.source if current else 'this feed')}); "
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
    lock_timeout: float = LOCK_TIMEOUT_S,
) -> RefreshResult:
    """Add the feed's new and changed prices to api_prices.csv as new dated rows.

    Only (provider, api_model) pairs already in the table are considered; the
    others are listed as not tracked. See the module docstring for the date
    rules. The feed is fetched and parsed first; then, holding the table's
    lock (:func:`table_lock`), the table is read, merged, validated and
    rewritten (atomically), and only when there are changes, the whole feed is
    well formed and the merged table passes validation. A refresh that waits
    for another one merges into the table the other one wrote.

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
        lock_timeout: seconds to wait for another refresh of the same table.

    Returns:
        The changes, counts and whether the table was written.

    Raises:
        RefreshError: the feed cannot be fetched or is malformed, the merged
            table fails validation, or another refresh held the table for over
            ``lock_timeout`` seconds; nothing was changed.
    """
    parser = _parser(feed)
    origin, body = fetch_or_read(url, file, timeout=timeout, max_bytes=max_bytes, deadline=deadline)
    points = parser(decode_json(body, origin))

    folder = datasets or config.datasets_dir()
    path = folder / "api_prices.csv"
    source = f"{feed} feed {origin} fetched {today.isoformat()}"
    with table_lock(path, timeout=lock_timeout):
        table = read_csv_text(path, required=_REQUIRED_COLUMNS)
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
        merged = table.with_rows(
            new_rows,
            key=lambda row: (row["provider"], row["api_model"]),
            day=lambda row: cell_date(row.get("effective_from", "")),
        )
        problems = check_merged(folder, {"api_prices.csv": merged}, today, tables=("api_prices",))
        if problems:
            raise RefreshError(
                f"the merged price table would not validate, nothing was changed "
                f"({len(problems)} problem(s)):\n  " + "\n  ".join(problems[:MAX_ERRORS_SHOWN])
            )
        if dry_run:
            return result
        atomic_write(path, merged)
    return dataclasses.replace(result, written=True)


def table_lock(path: Path, *, timeout: float = LOCK_TIMEOUT_S) -> AbstractContextManager[None]:
    """The cross-process lock a refresh holds while it reads, merges and writes ``path``.

    The lock file is ``.locks/<table name>.lock`` in the table's folder (hidden,
    so the dataset validation and the warehouse build never see it).

    Args:
        path: the dataset table, e.g. ``datasets/api_prices.csv``.
        timeout: seconds to wait for another refresh.

    Returns:
        A context manager holding the lock.
    """
    return file_lock(
        path.parent / ".locks" / f"{path.name}.lock",
        timeout=timeout,
        error=RefreshError,
        holder="another refresh",
    )


__all__ = [
    "FEEDS",
    "FeedPrice",
    "PriceChange",
    "RefreshResult",
    "parse_genai_prices",
    "parse_litellm",
    "refresh_prices",
    "table_lock",
]
