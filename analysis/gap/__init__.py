"""How far open-weight models trail closed ones: frontiers, gaps, lags and claim checks.

The analysis is pure: functions over tidy tables (pandas or polars) shaped like
the warehouse tables, returning pandas DataFrames or small result objects, with
no warehouse access. Thin helpers (:mod:`analysis.gap.store`: ``benchmark_gap``,
``quality_vs_price``, …) read the warehouse and call them; they keep the tables
they read, and the gaps that do not move with the analysis date, for as long as
the warehouse file is unchanged (so a panel's slider re-measures one gap, not
every claim's).

Modules, one per concept, all re-exported here:

- :mod:`~analysis.gap.selection`: which scores count (sources, settings, models);
- :mod:`~analysis.gap.frontiers`: frontiers, the vertical gap and the lag;
- :mod:`~analysis.gap.arena`: the Arena rating gap, within one snapshot;
- :mod:`~analysis.gap.composites`: a composite over a benchmark set, lags per benchmark;
- :mod:`~analysis.gap.quality`: quality against blended price, the best-value frontier;
- :mod:`~analysis.gap.cheapest`: the cheapest price of a capability level over time;
- :mod:`~analysis.gap.eci`: the gap on Epoch's Capabilities Index, one snapshot at a time;
- :mod:`~analysis.gap.timeline`: the frontiers as arrays over time; lag methods
  (``days``, ``records``, ``levels``);
- :mod:`~analysis.gap.intervals`: bootstrap intervals on every figure, and the method;
- :mod:`~analysis.gap.verdicts`: how a claim is read, and its verdict;
- :mod:`~analysis.gap.equal_capability`: open against closed prices at equal capability;
- :mod:`~analysis.gap.over_time`: the gap month by month, and its trend;
- :mod:`~analysis.gap.claims`: published claims checked against the measurements;
- :mod:`~analysis.gap.store`: the warehouse reads and what is kept per warehouse version;
- :mod:`~analysis.gap.frames`: reading tables and cells (shared by the modules above).

Definitions used throughout
---------------------------
Frontier
    For each side (open weights / closed), the running best score of the
    models released so far, ordered by ``release_date``. A model that raises
    its side's best is *on the frontier*.
Vertical gap (as of a date D)
    Best closed score minus best open score among models released on or
    before D, in score points; and the ratio open / closed (dimensionless,
    e.g. 0.93 = "open delivers 93 % of closed performance").
Horizontal gap (lag)
    Epoch AI's method: for a score level L, the first release date at which
    the closed frontier reached L and the first at which the open frontier
    reached it; lag(L) = (open date - closed date) in days / 30.4375
    (months; 30.4375 = 365.25 / 12 days). The reported lag is the mean of
    lag(L) over ``levels`` evenly spaced levels from
    ``max(first closed frontier value, first open frontier value)`` to
    ``min(best closed score, best open score)``, both inclusive: every level
    in that range was reached by both frontiers inside the data, so neither
    date is cut off by where the data starts or stops. A negative lag at a
    level means open models got there first.

Source selection
    ``independent``: rows measured by a third party with one harness for all
    models (``eval_relationship = independent``; here Epoch AI's Benchmarking
    Hub). ``vendor``: rows from model developers' own tables, whether about
    their own model (``self-reported``), a rival re-run or quoted
    (``competitor-reported``) or copied from the developer's report
    (``copied-from-developer``). ``all``: both.
Settings (never mixed silently)
    A configuration is (``benchmark_variant``, ``setting``); settings are
    compared ignoring case and repeated spaces. With ``setting=None``:
    one configuration is used as is; several configurations are accepted
    only when every row comes from one independent harness (one
    ``reported_by``), and then each model is counted at its best run (its
    vendor's most capable reasoning effort or thinking budget, as frontier
    comparisons are drawn); otherwise a :class:`GapError` lists the
    configurations to choose from. ``setting="best"`` takes each model's
    best run across configurations for any source, on request.
    ``setting="<text>"`` keeps only that setting. The result always lists
    the configurations it rests on, with model counts.
Which models count
    Only models with a ``release_date``; only models released on or before
    ``as_of`` (scores measured later are used: a score describes the model,
    and the independent runs were mostly made after release). Base
    (pre-trained only) checkpoints are left out unless ``include_base=True``:
    they are scored few-shot and are not what a deployment runs, so the
    frontier is drawn from post-trained models (chat, instruct, reasoning,
    hybrid-reasoning). When a model has several eligible rows, its highest
    score counts, and the row it comes from is kept (source, setting, date).
Scores
    ``score_pct`` (0-100) when every selected row has one, otherwise
    ``score`` in its single ``scale``; mixed scales are refused.
"""

from __future__ import annotations

from analysis.gap.arena import (
    ARENA,
    arena_monthly_gap,
    arena_selection,
)
from analysis.gap.cheapest import (
    cheapest_over_time,
)
from analysis.gap.claims import (
    COST_CLAIM,
    DEFAULT_CHEAPER_FACTOR,
    PERFORMANCE_CLAIM,
    PERFORMANCE_CLAIM_RANGE,
    claim_check,
    is_eci_metric,
    window_bounds,
)
from analysis.gap.composites import (
    composite,
    composite_gap,
    lag_by_benchmark,
)
from analysis.gap.eci import (
    ECI,
    EciWindowGap,
    eci_selection,
    eci_window_gap,
    is_eci,
    snapshot_for,
    snapshots,
)
from analysis.gap.equal_capability import (
    DEFAULT_SHARE,
    CapabilityCost,
    PricedModel,
    cost_at_capability,
)
from analysis.gap.frames import (
    CLOSED_LABEL,
    OPEN_LABEL,
)
from analysis.gap.frontiers import (
    FrontierPoint,
    GapResult,
    HorizontalGap,
    VerticalGap,
    first_reach,
    frontier,
    gap_from_selection,
    horizontal_gap,
    lag_at_level,
    measure_gap,
    months_between,
    vertical_gap,
)
from analysis.gap.intervals import (
    DEFAULT_LEVEL,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    Bootstrap,
    Estimate,
    GapEstimate,
    Method,
    default_window,
    estimate_gap,
)
from analysis.gap.over_time import (
    GapSeries,
    Trend,
    gap_series,
    trend,
)
from analysis.gap.quality import (
    pareto_frontier,
    quality_price_table,
)
from analysis.gap.selection import (
    INDEPENDENT,
    SOURCES,
    VENDOR,
    Selection,
    benchmark_labels,
    select_scores,
)
from analysis.gap.store import (
    KEEP_GAPS,
    benchmark_counts,
    benchmark_gap,
    capability_cost,
    claims_table,
    eci_gap_over_window,
    gap_over_time,
    load_tables,
    model_prices,
    price_trend,
    quality_vs_price,
)
from analysis.gap.timeline import (
    DAYS_PER_MONTH,
    DEFAULT_LEVELS,
    METHODS,
)
from analysis.gap.verdicts import (
    CONSISTENT,
    DIFFERS,
    NOT_COMPARABLE,
    NOT_MEASURABLE,
    Reading,
    Verdict,
    judge,
)

__all__ = [
    "ARENA",
    "CLOSED_LABEL",
    "CONSISTENT",
    "COST_CLAIM",
    "DAYS_PER_MONTH",
    "DEFAULT_CHEAPER_FACTOR",
    "DEFAULT_LEVEL",
    "DEFAULT_LEVELS",
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "DEFAULT_SHARE",
    "DIFFERS",
    "ECI",
    "INDEPENDENT",
    "KEEP_GAPS",
    "METHODS",
    "NOT_COMPARABLE",
    "NOT_MEASURABLE",
    "OPEN_LABEL",
    "PERFORMANCE_CLAIM",
    "PERFORMANCE_CLAIM_RANGE",
    "SOURCES",
    "VENDOR",
    "Bootstrap",
    "CapabilityCost",
    "EciWindowGap",
    "Estimate",
    "FrontierPoint",
    "GapEstimate",
    "GapResult",
    "GapSeries",
    "HorizontalGap",
    "Method",
    "PricedModel",
    "Reading",
    "Selection",
    "Trend",
    "Verdict",
    "VerticalGap",
    "arena_monthly_gap",
    "arena_selection",
    "benchmark_counts",
    "benchmark_gap",
    "benchmark_labels",
    "capability_cost",
    "cheapest_over_time",
    "claim_check",
    "claims_table",
    "composite",
    "composite_gap",
    "cost_at_capability",
    "default_window",
    "eci_gap_over_window",
    "eci_selection",
    "eci_window_gap",
    "estimate_gap",
    "first_reach",
    "frontier",
    "gap_from_selection",
    "gap_over_time",
    "gap_series",
    "horizontal_gap",
    "is_eci",
    "is_eci_metric",
    "judge",
    "lag_at_level",
    "lag_by_benchmark",
    "load_tables",
    "measure_gap",
    "model_prices",
    "months_between",
    "pareto_frontier",
    "price_trend",
    "quality_price_table",
    "quality_vs_price",
    "select_scores",
    "snapshot_for",
    "snapshots",
    "trend",
    "vertical_gap",
    "window_bounds",
]
