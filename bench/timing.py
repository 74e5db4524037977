"""What the bench scripts share: a median of repeated timings and a nearest-rank percentile.

Each script runs as ``python bench/NAME.py``, which puts this folder on the import path.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def median_ms(fn: Callable[[], object], runs: int, inner: int = 1) -> float:
    """Median wall time of ``fn`` in ms over ``runs`` runs (each run averages ``inner``
    calls), after one call that warms imports and caches."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) * 1000 / inner)
    return statistics.median(times)


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]
