"""The content of the executive brief: sections built from the parameters and the data.

The notebook ``notebooks/executive_brief.ipynb`` prepares the context
(:func:`prepare`) and shows one section per cell (``memo.show(memo.cost(ctx))``);
every number is computed here. The package is split where its layers change:

- :mod:`analysis.memo.layout`: the section model (:class:`Section`, :class:`Kpi`,
  :class:`Table`, :class:`Figure`), its HTML and :func:`show`; the notebook
  panels build the same objects.
- :mod:`analysis.memo.formatting`: numbers, dates and names as a reader sees them
  (:func:`usd`, :func:`pct`, :func:`number`, :func:`months`, :func:`iso`, labels).
- :mod:`analysis.memo.options`: the brief options (:data:`OPTIONS`) and the checks
  of a parameter file's ``brief`` and ``scenario`` mappings.
- :mod:`analysis.memo.context`: :func:`prepare` and the :class:`BriefContext`.
- :mod:`analysis.memo.decision`: the decision rule (:func:`decide`).
- :mod:`analysis.memo.sections`: one module per section. Each has a builder
  that takes the values it needs (an evaluated scenario and display names, or a
  date and benchmarks), which a panel calls without a brief, and the brief's
  function of the context, which calls that builder.
- :mod:`analysis.memo.contents`: the order of the sections (:data:`SECTIONS`).

Rendering a brief (papermill, the HTML page) is :mod:`analysis.brief`.
"""

from __future__ import annotations

from analysis.memo.contents import MEMO_SECTIONS, SECTIONS, detailed_charts
from analysis.memo.context import BriefContext, Names, ProbeFacts, names_of, prepare
from analysis.memo.decision import Decision, decide, must_have_failures
from analysis.memo.formatting import (
    FACTOR_NAMES,
    PARAMETER_LABELS,
    PROVIDER_NAMES,
    format_value,
    iso,
    lower_first,
    months,
    number,
    parameter_label,
    pct,
    usd,
)
from analysis.memo.layout import (
    CHART_HEIGHT,
    DETAIL_HEIGHT,
    FULL_WIDTH,
    HALF_WIDTH,
    LAYOUTS,
    PLACEMENTS,
    RENDER_ENV,
    SMALL_HEIGHT,
    Figure,
    Kpi,
    Section,
    Table,
    show,
    size,
)
from analysis.memo.options import OPTIONS, check_options, check_scenario
from analysis.memo.sections.appendix import (
    DATASETS,
    assumptions,
    assumptions_section,
    detailed_charts_section,
    sources,
    sources_section,
)
from analysis.memo.sections.claims import claim_check, claims_section
from analysis.memo.sections.cost import cost, cost_section, energy_words, throughput_words
from analysis.memo.sections.gap import gap_section, gap_trend
from analysis.memo.sections.horizon import (
    horizon,
    horizon_chart,
    horizon_detail_section,
    horizon_figure,
    horizon_paragraphs,
    horizon_section,
    horizon_trends,
    read_horizon,
)
from analysis.memo.sections.hybrid import hybrid, hybrid_section
from analysis.memo.sections.recommendation import recommendation
from analysis.memo.sections.risk import risk, risk_section
from analysis.memo.sections.scorecard import scorecard, scorecard_section
from analysis.memo.sections.throughput import probe_comparison, throughput, throughput_section

__all__ = [
    "CHART_HEIGHT",
    "DATASETS",
    "DETAIL_HEIGHT",
    "FACTOR_NAMES",
    "FULL_WIDTH",
    "HALF_WIDTH",
    "LAYOUTS",
    "MEMO_SECTIONS",
    "OPTIONS",
    "PARAMETER_LABELS",
    "PLACEMENTS",
    "PROVIDER_NAMES",
    "RENDER_ENV",
    "SECTIONS",
    "SMALL_HEIGHT",
    "BriefContext",
    "Decision",
    "Figure",
    "Kpi",
    "Names",
    "ProbeFacts",
    "Section",
    "Table",
    "assumptions",
    "assumptions_section",
    "check_options",
    "check_scenario",
    "claim_check",
    "claims_section",
    "cost",
    "cost_section",
    "energy_words",
    "throughput_words",
    "decide",
    "detailed_charts",
    "detailed_charts_section",
    "format_value",
    "gap_section",
    "gap_trend",
    "hybrid",
    "hybrid_section",
    "iso",
    "lower_first",
    "months",
    "must_have_failures",
    "names_of",
    "number",
    "parameter_label",
    "pct",
    "prepare",
    "recommendation",
    "risk",
    "risk_section",
    "scorecard",
    "scorecard_section",
    "show",
    "size",
    "sources",
    "sources_section",
    "probe_comparison",
    "throughput",
    "throughput_section",
    "horizon",
    "horizon_chart",
    "horizon_detail_section",
    "horizon_figure",
    "horizon_paragraphs",
    "horizon_section",
    "horizon_trends",
    "read_horizon",
    "usd",
]
