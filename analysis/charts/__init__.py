"""Altair chart builders for every figure the notebooks and briefs show.

Each builder takes a tidy table (pandas or polars; the expected columns are in
its docstring), copies what it needs into the chart as inline values (so a
brief's HTML is self-contained) and returns an Altair chart. Builders have no
side effects: nothing is displayed, no renderer or data transformer is set.
Every chart says where its data comes from and as of when, in the title's
subtitle (``source=`` and ``as_of=`` are required), and has tooltips.

Theme: one theme, ``"aistrat"``, holds all the house style (fonts, colours,
sizes). It is registered and enabled by :func:`use_theme`, which notebooks and
the brief call once; builders never set colours or fonts themselves, and their
specs are valid with or without the theme. Categorical colours come from the
theme's palette in a fixed order: open-weight models first, closed second.

Text in charts is rendered by Vega as text, never as HTML, so nothing here
escapes or builds HTML.

Layout: :mod:`analysis.charts.theme` (the theme), :mod:`analysis.charts.data` (checking
tables, inline values, captions, the open/closed colours), and the builders by subject:
:mod:`~analysis.charts.gap_figures`, :mod:`~analysis.charts.cost_figures`,
:mod:`~analysis.charts.horizon_figures` and :mod:`~analysis.charts.probe_figures`. Every
builder is importable from here.
"""

from __future__ import annotations

from analysis.charts.cost_figures import (
    break_even_curve,
    hybrid_pareto,
    hybrid_split,
    monte_carlo,
    scorecard,
    tco_comparison,
    tornado,
)
from analysis.charts.data import CLOSED_LABEL, GROUP_ORDER, OPEN_LABEL, TREND_ORDER
from analysis.charts.gap_figures import (
    arena_gap,
    frontier,
    frontier_spec,
    gap_over_time,
    lag_bars,
    price_trend,
    quality_price,
)
from analysis.charts.horizon_figures import horizon_paths
from analysis.charts.probe_figures import (
    probe_compare_latency,
    probe_cost,
    probe_goodput,
    probe_latency,
    probe_throughput,
)
from analysis.charts.theme import THEME_NAME, theme, use_theme

BUILDERS = (
    "frontier",
    "lag_bars",
    "quality_price",
    "price_trend",
    "arena_gap",
    "gap_over_time",
    "tco_comparison",
    "break_even_curve",
    "tornado",
    "monte_carlo",
    "hybrid_split",
    "hybrid_pareto",
    "scorecard",
    "horizon_paths",
    "probe_latency",
    "probe_throughput",
)
"""Every chart builder in this package, by name."""

__all__ = [
    "BUILDERS",
    "CLOSED_LABEL",
    "GROUP_ORDER",
    "OPEN_LABEL",
    "THEME_NAME",
    "TREND_ORDER",
    "arena_gap",
    "break_even_curve",
    "frontier",
    "frontier_spec",
    "gap_over_time",
    "horizon_paths",
    "hybrid_pareto",
    "hybrid_split",
    "lag_bars",
    "monte_carlo",
    "price_trend",
    "probe_compare_latency",
    "probe_cost",
    "probe_goodput",
    "probe_latency",
    "probe_throughput",
    "quality_price",
    "scorecard",
    "tco_comparison",
    "theme",
    "tornado",
    "use_theme",
]
