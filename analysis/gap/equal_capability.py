"""Cost at equal capability: the cheapest open model good enough, against closed prices.

On a date D and a benchmark on a ratio scale (percent scores):

- the *closed frontier model* is the best closed model released by D (ties: the
  earliest), with score S;
- the *capability level* is ``share × S`` (``share`` = 0.90 by default: "at least
  90% of the closed frontier's score");
- the *open model used* is the cheapest open-weight model released by D that reaches
  the level and has a price in force on D (ties: the higher score);
- it is compared with the closed frontier model's own price and with the
  *cheapest closed model* at the same level.

Prices are the per-model prices in force on D (the warehouse's
``model_prices_at``: the developer's own first-party price where it sells one,
else the median of hosts), blended 3:1 (USD per 1M tokens,
:func:`analysis.prices.blended_usd_per_mtok`). factor = closed price / open price
(dimensionless: "closed costs 4.2× the open model"). Open models that reach the
level but have no price on D are listed, best first, so a reader sees when the
best open model could not be priced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis.errors import GapError
from analysis.gap.frames import as_pandas, finite, is_missing, require_columns, to_bool
from analysis.prices import blended_usd_per_mtok
from analysis.records import Record

if TYPE_CHECKING:
    from analysis.gap.frames import Table

DEFAULT_SHARE = 0.90
"""Capability level as a share of the closed frontier's score."""


@dataclass(frozen=True)
class PricedModel(Record):
    """A model with its score and the price it is compared at.

    Attributes:
        model_id: warehouse key.
        model: display name.
        open_weights: True for an open-weight model.
        score: its score on the benchmark.
        usd_per_mtok: blended 3:1 price in force, USD per 1M tokens (None: not priced).
        price_basis: where the price comes from (``first-party: deepseek``,
            ``median of 3 hosts``).
    """

    model_id: str
    model: str
    open_weights: bool
    score: float
    usd_per_mtok: float | None
    price_basis: str | None

    def text(self, unit: str = "%") -> str:
        """``DeepSeek-V3.2 (82.4%, $0.70/Mtok, first-party: deepseek)``."""
        score = f"{self.score:.1f}{unit}" if unit == "%" else f"{self.score:.1f} {unit}"
        if self.usd_per_mtok is None:
            return f"{self.model} ({score}, no price in force)"
        return f"{self.model} ({score}, ${self.usd_per_mtok:.4g}/Mtok, {self.price_basis})"


@dataclass(frozen=True)
class CapabilityCost(Record):
    """Open against closed prices at equal capability.

    Attributes:
        benchmark: the benchmark.
        unit: its score unit.
        as_of: the date (ISO) of the scores' cut and the prices.
        share: the capability level as a share of the closed frontier's score.
        level: ``share`` × the closed frontier's score.
        closed_frontier: the best closed model (its price may be None).
        open_model: the cheapest priced open model at the level (None: none).
        cheapest_closed: the cheapest priced closed model at the level (None: none).
        factor_vs_frontier: closed frontier price / open price.
        factor_vs_cheapest_closed: cheapest closed price at the level / open price.
        unpriced_open: open models at the level with no price on the date, best first.
        notes: what a reader should know beside the figures.
    """

    benchmark: str
    unit: str
    as_of: str
    share: float
    level: float
    closed_frontier: PricedModel
    open_model: PricedModel | None
    cheapest_closed: PricedModel | None
    factor_vs_frontier: float | None
    factor_vs_cheapest_closed: float | None
    unpriced_open: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _factor(closed: PricedModel | None, opened: PricedModel | None) -> float | None:
    if closed is None or opened is None or closed.usd_per_mtok is None:
        return None
    if opened.usd_per_mtok is None or opened.usd_per_mtok <= 0:
        return None
    return round(closed.usd_per_mtok / opened.usd_per_mtok, 6)


def cost_at_capability(
    rows: Table,
    prices: Table,
    *,
    benchmark: str = "",
    unit: str = "%",
    as_of: str = "",
    share: float = DEFAULT_SHARE,
) -> CapabilityCost:
    """The cheapest open model at ``share`` of the closed frontier's score, against closed.

    Args:
        rows: one row per model released by the date: model_id, model, open_weights,
            score, release_date (e.g. ``Selection.rows``).
        prices: per-model prices in force on the date: model_id, price_basis and
            blended_usd_per_mtok (or input/output_usd_per_mtok), e.g.
            ``model_prices_at(d)``.
        benchmark: the benchmark's label, for the result.
        unit: the score unit (a ratio scale: ``%``).
        as_of: the date, for the result.
        share: the capability level as a share of the closed frontier's score, in (0, 1].

    Returns:
        The :class:`CapabilityCost`.

    Raises:
        GapError: ``share`` outside (0, 1], a column missing, or no closed model.
    """
    import pandas as pd

    if not 0 < float(share) <= 1:
        raise GapError(f"share = {share!r}: must be in (0, 1], e.g. 0.9 for 90%")
    import numpy as np

    df = as_pandas(rows, "rows")
    require_columns(df, ["model_id", "model", "open_weights", "score"], "score rows")
    pr = as_pandas(prices, "prices")
    require_columns(pr, ["model_id"], "prices")
    if "blended_usd_per_mtok" in pr.columns:
        blended = pd.to_numeric(pr["blended_usd_per_mtok"], errors="coerce").to_numpy(float)
    else:
        require_columns(pr, ["input_usd_per_mtok", "output_usd_per_mtok"], "prices")
        blended = np.array(
            [
                blended_usd_per_mtok(float(i), float(o))
                for i, o in zip(pr["input_usd_per_mtok"], pr["output_usd_per_mtok"], strict=True)
            ],
            dtype=float,
        )
    basis_col = pr["price_basis"] if "price_basis" in pr.columns else [None] * len(pr)
    price: dict[str, tuple[float, object]] = {}
    for mid, usd, basis in zip(pr["model_id"], blended, basis_col, strict=True):
        if np.isfinite(usd) and usd > 0 and str(mid) not in price:
            price[str(mid)] = (float(usd), basis)
    keep = ["model_id", "model", "open_weights", "score"]
    keep += ["release_date"] if "release_date" in df.columns else []
    df = df[keep].assign(open_weights=df["open_weights"].map(to_bool))
    df = df[df["open_weights"].notna() & df["score"].map(lambda v: finite(v) is not None)]
    sort = ["score", "release_date"] if "release_date" in df.columns else ["score"]
    df = df.sort_values(sort, ascending=[False] + [True] * (len(sort) - 1), kind="stable")

    def priced(r: dict[str, object]) -> PricedModel:
        found = price.get(str(r["model_id"]))
        basis = None if found is None else found[1]
        return PricedModel(
            model_id=str(r["model_id"]),
            model=str(r["model"]),
            open_weights=bool(r["open_weights"]),
            score=round(float(r["score"]), 6),  # type: ignore[arg-type]
            usd_per_mtok=None if found is None else round(found[0], 6),
            price_basis=None if is_missing(basis) else str(basis),
        )

    closed = df[~df["open_weights"].astype(bool)]
    if closed.empty:
        raise GapError(f"{benchmark or 'the benchmark'}: no closed model by {as_of or 'now'}")
    frontier = priced(closed.iloc[0].to_dict())
    level = round(float(share) * frontier.score, 6)
    able = df[df["score"].astype(float) >= level - 1e-9]
    candidates = [priced(r) for r in able.to_dict("records")]

    def cheapest(open_weights: bool) -> PricedModel | None:
        found = [m for m in candidates if m.open_weights is open_weights and m.usd_per_mtok]
        return min(found, key=lambda m: (m.usd_per_mtok, -m.score), default=None)

    opened, closed_low = cheapest(True), cheapest(False)
    unpriced = [m.model for m in candidates if m.open_weights and m.usd_per_mtok is None]
    notes = []
    if frontier.usd_per_mtok is None:
        notes.append(f"The closed frontier model {frontier.model} has no price in force.")
    if unpriced and (opened is None or unpriced[0] != opened.model):
        best = next(m for m in candidates if m.open_weights)
        if best.usd_per_mtok is None:
            notes.append(
                f"The best open model at the level, {best.model}, has no price in force; "
                "the cheapest priced one is used."
            )
    if opened is None:
        notes.append("No open-weight model at the level has a price in force.")
    return CapabilityCost(
        benchmark=benchmark,
        unit=unit,
        as_of=as_of,
        share=float(share),
        level=level,
        closed_frontier=frontier,
        open_model=opened,
        cheapest_closed=closed_low,
        factor_vs_frontier=_factor(frontier, opened),
        factor_vs_cheapest_closed=_factor(closed_low, opened),
        unpriced_open=unpriced,
        notes=notes,
    )


def factor_text(factor: float | None) -> str:
    """``4.2×``, or ``n/a``."""
    return "n/a" if factor is None or not math.isfinite(factor) else f"{factor:.1f}×"
