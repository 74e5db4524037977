"""Quality against price: each model's score against its blended (3:1) price, and the
best-value (Pareto) frontier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.gap.frames import (
    as_pandas,
    finite,
    group_label,
    pandas_copy,
    require_columns,
    to_bool,
)
from analysis.pareto import pareto_flags
from analysis.prices import blended_usd_per_mtok

if TYPE_CHECKING:
    import pandas as pd

    from analysis.gap.frames import Table


def pareto_frontier(
    df: Table, score: str = "score", price: str = "blended_usd_per_mtok"
) -> list[bool]:
    """Which rows are on the quality-price Pareto frontier.

    A row is on it when no other row has a score at least as high and a price at least as
    low with one of the two strictly better (:func:`analysis.pareto.pareto_flags`).

    Args:
        df: a table with the score and price columns.
        score: column to maximise.
        price: column to minimise.

    Returns:
        One bool per row, in the table's order.
    """
    data = as_pandas(df, "df")
    require_columns(data, [score, price], "quality-price table")
    return pareto_flags(data[score], data[price])


def quality_price_table(rows: Table, prices: Table) -> pd.DataFrame:
    """Each model's score against its blended (3:1) price, with the Pareto frontier.

    blended_usd_per_mtok = (3 × input + 1 × output) / 4 (USD per 1M tokens), unless the
    prices table already has ``blended_usd_per_mtok``.

    Args:
        rows: one row per model (model_id, model, open_weights, score, …), e.g.
            ``Selection.rows``.
        prices: one row per model_id with input_usd_per_mtok and output_usd_per_mtok (or
            blended_usd_per_mtok), e.g. the warehouse's ``model_prices_at(d)``; optional
            price_basis.

    Returns:
        Rows of models that have a price: model_id, model, open_weights, group, score,
        blended_usd_per_mtok, price_basis, on_frontier. Models without a price are left out.

    Raises:
        GapError: required columns are missing.
    """
    sel = pandas_copy(rows, "rows")
    pr = pandas_copy(prices, "prices")
    require_columns(sel, ["model_id", "model", "open_weights", "score"], "score rows")
    require_columns(pr, ["model_id"], "prices")
    if "blended_usd_per_mtok" not in pr.columns:
        require_columns(pr, ["input_usd_per_mtok", "output_usd_per_mtok"], "prices")
        pr["blended_usd_per_mtok"] = [
            blended_usd_per_mtok(float(i), float(o))
            for i, o in zip(pr["input_usd_per_mtok"], pr["output_usd_per_mtok"], strict=True)
        ]
    if "price_basis" not in pr.columns:
        pr["price_basis"] = None
    pr = pr[pr["blended_usd_per_mtok"].map(lambda v: finite(v) is not None)]
    pr = pr.sort_values("blended_usd_per_mtok").drop_duplicates("model_id")
    sel = sel.drop(columns=[c for c in ("blended_usd_per_mtok", "price_basis") if c in sel])
    # One price per model (deduplicated above): the inner join is a lookup.
    priced = pr.set_index("model_id")
    df = sel[sel["model_id"].isin(priced.index).to_numpy()].reset_index(drop=True)
    df["blended_usd_per_mtok"] = df["model_id"].map(priced["blended_usd_per_mtok"])
    df["price_basis"] = df["model_id"].map(priced["price_basis"])
    df["open_weights"] = df["open_weights"].map(to_bool).astype(bool)
    df["group"] = df["open_weights"].map(group_label)
    df["blended_usd_per_mtok"] = df["blended_usd_per_mtok"].astype(float)
    df = df.reset_index(drop=True)
    df["on_frontier"] = pareto_frontier(df) if len(df) else []
    return df.sort_values("blended_usd_per_mtok", ignore_index=True)
