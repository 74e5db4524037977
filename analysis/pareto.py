"""Best-value (Pareto) frontiers: the items no other item beats on two measures at once.

One rule, used by the gap analysis (quality against price) and by the charts
that draw it: an item is on the frontier when no other item has a score at
least as high *and* a cost at least as low, with one of the two strictly
better. Items that tie exactly (same score, same cost) are all kept.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def pareto_flags(scores: Iterable[float], costs: Iterable[float]) -> list[bool]:
    """Which items are on the score-cost Pareto frontier (score maximised, cost minimised).

    Items are taken cheapest first (ties: highest score first); an item is undominated
    when its score beats every cheaper item's, or ties exactly (same cost and score) the
    last undominated item.

    Args:
        scores: one score per item (higher is better), any unit.
        costs: one cost per item (lower is better), e.g. USD per 1M tokens.

    Returns:
        One bool per item, in the order given.

    Raises:
        ValueError: ``scores`` and ``costs`` differ in length.
    """
    pairs = list(zip(scores, costs, strict=True))
    items = sorted((float(c), -float(s), i) for i, (s, c) in enumerate(pairs))
    flags = [False] * len(items)
    best, best_cost = -math.inf, math.nan
    for c, neg_s, i in items:
        s = -neg_s
        if s > best or (s == best and c == best_cost):
            flags[i] = True
            best, best_cost = s, c
    return flags
