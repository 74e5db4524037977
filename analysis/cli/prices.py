"""Price commands: ``price``, ``price-history`` and ``refresh-prices``."""

from __future__ import annotations

import argparse
from datetime import date

from analysis import prices
from analysis.cli import add_download_options, date_arg, download_arguments
from analysis.console import print_json, print_table
from analysis.feeds import fetch
from analysis.feeds import prices as price_feeds
from analysis.feeds.prices import RefreshResult

# Columns ``price-history`` prints as a table (--json prints every column).
HISTORY_COLUMNS = (
    "provider",
    "api_model",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "cached_input_usd_per_mtok",
    "effective_from",
    "effective_to",
    "date_basis",
)


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


def _cmd_price(args: argparse.Namespace) -> int:
    price = prices.price_for(args.model, at=args.at or date.today(), provider=args.provider)
    if args.json:
        print_json(price.to_dict())
    else:
        print_table([{"field": k, "value": v} for k, v in price.to_dict().items()])
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    frame = prices.price_history(args.model, provider=args.provider)
    if args.json:
        print_json(frame.to_dicts())
    else:
        print_table(frame.select(HISTORY_COLUMNS).to_dicts(), HISTORY_COLUMNS)
    return 0


def _cmd_refresh(args: argparse.Namespace) -> int:
    result = price_feeds.refresh_prices(args.feed, **download_arguments(args))
    if args.json:
        print_json(result.to_dict())
    else:
        print(format_refresh(result, show_untracked=args.show_untracked))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``price``, ``price-history`` and ``refresh-prices`` to ``python -m analysis``."""
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
        "--from", dest="feed", required=True, choices=sorted(price_feeds.FEEDS), help="feed format"
    )
    add_download_options(
        refresh,
        noun="feed",
        max_mb=fetch.DEFAULT_MAX_BYTES / fetch.MIB,
        size_help="largest feed accepted",
        untracked="every feed model not tracked",
    )
    refresh.set_defaults(func=_cmd_refresh)
