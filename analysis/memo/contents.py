"""The brief's table of contents: its sections in order.

The memo (:data:`MEMO_SECTIONS`) prints on about two A4 pages: each section
leads with its finding and sets one small chart beside its text; a section's
secondary charts carry ``placement="appendix"`` and are drawn full width by
:func:`detailed_charts`, which opens the appendix on a new page, before the
assumptions and sources. A new section is a module of
:mod:`analysis.memo.sections`, listed here and shown by one cell of
``notebooks/executive_brief.ipynb``.
"""

from __future__ import annotations

from collections.abc import Callable

from analysis.memo.context import BriefContext
from analysis.memo.layout import Section
from analysis.memo.sections.appendix import assumptions, detailed_charts_section, sources
from analysis.memo.sections.claims import claim_check
from analysis.memo.sections.cost import cost
from analysis.memo.sections.gap import gap_trend
from analysis.memo.sections.horizon import horizon, horizon_trends
from analysis.memo.sections.hybrid import hybrid
from analysis.memo.sections.recommendation import recommendation
from analysis.memo.sections.risk import risk
from analysis.memo.sections.scorecard import scorecard
from analysis.memo.sections.throughput import probe_comparison, throughput

#: A section of the brief: built from the context, None when it does not apply.
SectionBuilder = Callable[[BriefContext], Section | None]

#: The sections of the memo itself (about two printed pages), in order.
MEMO_SECTIONS: tuple[SectionBuilder, ...] = (
    recommendation,
    claim_check,
    cost,
    risk,
    hybrid,
    horizon,
    scorecard,
    gap_trend,
    throughput,
    probe_comparison,
)


def detailed_charts(ctx: BriefContext) -> Section:
    """The first page of the appendix: the detailed charts the memo's sections refer to.

    Each memo section is built once per context (:func:`analysis.memo.context.kept`),
    so the charts here are those the memo's own sections computed.

    Args:
        ctx: the brief's context.

    Returns:
        A section that starts the appendix, with every appendix-placed figure.
    """
    return detailed_charts_section(build(ctx) for build in MEMO_SECTIONS)


#: The sections of a brief, in order (the notebook shows them one per cell): the memo,
#: then the appendix.
SECTIONS: tuple[SectionBuilder, ...] = (
    *MEMO_SECTIONS,
    detailed_charts,
    assumptions,
    sources,
    horizon_trends,
)
