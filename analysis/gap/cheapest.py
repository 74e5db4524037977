"""The cheapest price at which a capability level was on offer, over time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.errors import GapError
from analysis.gap.frames import (
    CLOSED_LABEL,
    OPEN_LABEL,
    pandas_copy,
    require_columns,
    timestamp,
    to_bool,
)
from analysis.prices import blended_usd_per_mtok

if TYPE_CHECKING:
    import pandas as pd

    from analysis.gap.frames import DateLike, Table


def cheapest_over_time(
    rows: Table,
    price_history: Table,
    threshold: float,
    *,
    as_of: DateLike | None = None,
    by_group: bool = True,
) -> pd.DataFrame:
    """The cheapest blended price at which a capability level was on offer, over time.

    A model qualifies when its score >= ``threshold``. A price counts from its
    ``effective_from`` (inclusive) until the next ``effective_from`` of the same
    (provider, api_model) (exclusive). Prices with no ``effective_from`` are skipped (their
    start is unknown); scheduled prices count from their date. Price per offer:
    blended = (3 × input + 1 × output) / 4, USD per 1M tokens.

    Args:
        rows: one row per model (model_id, model, open_weights, score).
        price_history: ``api_prices`` (provider, api_model, model_id, input_usd_per_mtok,
            output_usd_per_mtok, effective_from).
        threshold: minimum score, in the rows' unit.
        as_of: end of the series (None: the last price change).
        by_group: one series per side (open/closed) as well as the overall one.

    Returns:
        A step series: group ("All", "Open weights", "Closed"), date, usd_per_mtok, model_id,
        model, provider, api_model, score, date_basis (how the price's start date is known,
        e.g. ``first_recorded``: first seen in the source, not the vendor's date). A row
        is written when the cheapest price or offer changes, plus a closing row at ``as_of``.

    Raises:
        GapError: required columns are missing or no model reaches the threshold.
    """
    import pandas as pd

    sel = pandas_copy(rows, "rows")
    ph = pandas_copy(price_history, "price_history")
    require_columns(sel, ["model_id", "model", "open_weights", "score"], "score rows")
    require_columns(
        ph,
        [
            "provider",
            "api_model",
            "model_id",
            "input_usd_per_mtok",
            "output_usd_per_mtok",
            "effective_from",
        ],
        "api_prices",
    )
    able = sel[sel["score"].astype(float) >= float(threshold)]
    if able.empty:
        raise GapError(
            f"threshold = {threshold!r}: no model reaches it (best {sel['score'].max():.4g})"
        )
    ph = ph.copy()
    if "date_basis" not in ph.columns:
        ph["date_basis"] = None
    ph["effective_from"] = pd.to_datetime(ph["effective_from"], errors="coerce")
    ph = ph[ph["effective_from"].notna()]
    ph = ph.sort_values(["provider", "api_model", "effective_from"])
    ph["until"] = ph.groupby(["provider", "api_model"])["effective_from"].shift(-1)
    ph["usd_per_mtok"] = [
        blended_usd_per_mtok(float(i), float(o))
        for i, o in zip(ph["input_usd_per_mtok"], ph["output_usd_per_mtok"], strict=True)
    ]
    offers = ph.merge(able[["model_id", "model", "open_weights", "score"]], on="model_id")
    offers["open_weights"] = offers["open_weights"].map(to_bool).astype(bool)
    cut = timestamp(as_of)
    if cut is not None:
        offers = offers[offers["effective_from"] <= cut]
    cols = [
        "group",
        "date",
        "usd_per_mtok",
        "model_id",
        "model",
        "provider",
        "api_model",
        "score",
        "date_basis",
    ]
    if offers.empty:
        return pd.DataFrame(columns=cols)
    end = cut if cut is not None else offers["effective_from"].max()
    dates = sorted(
        set(offers["effective_from"]) | {d for d in offers["until"].dropna() if d <= end}
    )
    groups: list[tuple[str, bool | None]] = [("All", None)]
    if by_group:
        groups += [(OPEN_LABEL, True), (CLOSED_LABEL, False)]
    # Rank every offer once: cheapest first, then the higher score, then table order (the
    # order a stable sort on price and score keeps); at each date the live offer of lowest
    # rank is the cheapest. A date × offer matrix does it without a loop over offers.
    import numpy as np

    start = offers["effective_from"].to_numpy(dtype="datetime64[ns]")
    until = offers["until"].to_numpy(dtype="datetime64[ns]")
    price = offers["usd_per_mtok"].to_numpy(dtype=float)
    score = offers["score"].astype(float).to_numpy()
    rank = np.empty(len(offers), dtype=float)
    rank[np.lexsort((np.arange(len(offers)), -score, price))] = np.arange(len(offers))
    when = np.array(dates, dtype="datetime64[ns]")[:, None]
    live = (start[None, :] <= when) & (np.isnat(until)[None, :] | (until[None, :] > when))
    out = []
    for label, flag in groups:
        mine = (
            np.ones(len(offers), dtype=bool)
            if flag is None
            else (offers["open_weights"].to_numpy(dtype=bool) == flag)
        )
        ranked = np.where(live & mine[None, :], rank[None, :], np.inf)
        best = ranked.argmin(axis=1)
        found = np.isfinite(ranked[np.arange(len(dates)), best])
        last_key: tuple[object, ...] | None = None
        for i, d in enumerate(dates):
            key: tuple[object, ...]
            if not found[i]:
                key, rec = ("none",), None
            else:
                top = offers.iloc[int(best[i])]
                key = (round(float(top["usd_per_mtok"]), 9), top["provider"], top["api_model"])
                rec = {
                    "group": label,
                    "date": d,
                    "usd_per_mtok": float(top["usd_per_mtok"]),
                    "model_id": top["model_id"],
                    "model": top["model"],
                    "provider": top["provider"],
                    "api_model": top["api_model"],
                    "score": float(top["score"]),
                    "date_basis": top["date_basis"],
                }
            if key != last_key and rec is not None:
                out.append(rec)
            last_key = key
        if out and out[-1]["group"] == label and out[-1]["date"] < end and last_key != ("none",):
            out.append({**out[-1], "date": end})
    return pd.DataFrame.from_records(out, columns=cols)
