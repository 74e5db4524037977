"""The section model: what a section of the brief holds, and how it becomes HTML.

A :class:`Section` is a title, a one-sentence finding, short paragraphs, a few
:class:`Kpi` figures, small :class:`Table` objects and :class:`Figure` charts
with captions. The brief's sections (:mod:`analysis.memo.sections`) and the
notebook panels (:mod:`widgets`) both build them; :func:`show` displays one in a
notebook. All text that comes from data (model names, sources, claims) is
escaped by :meth:`Section.to_html`; charts become placeholders that the brief
page draws offline (:mod:`analysis.html`).

A chart's title and source become the figure's heading and caption, so they
wrap with the page instead of widening the chart; :func:`size` sets a chart's
size for the printed page without changing the chart object itself.
"""

from __future__ import annotations

import copy
import itertools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analysis.errors import BriefError
from analysis.html import chart_placeholder, escape

if TYPE_CHECKING:
    import altair as alt


@dataclass(frozen=True)
class Kpi:
    """One headline figure.

    Attributes:
        label: what it measures ("Monthly cost, self-hosted").
        value: the figure as displayed ("$41,200").
        detail: one short line of context ("vs $63,000 through the API").
    """

    label: str
    value: str
    detail: str = ""


#: Where a figure or table is printed: in its section, or in the appendix's detail
#: (:func:`analysis.memo.detailed_charts`).
PLACEMENTS = ("body", "appendix")


def _check_placement(placement: str) -> None:
    if placement not in PLACEMENTS:
        raise BriefError(f"placement {placement!r}: expected one of {', '.join(PLACEMENTS)}")


@dataclass(frozen=True)
class Table:
    """A small table, already formatted for reading.

    Attributes:
        columns: header labels.
        rows: rows of display strings, one per column.
        caption: what the table shows.
        numeric: indexes of the columns to right-align.
        highlight: indexes of rows to set in bold.
        note: a line under the table (sources, caveats).
        widths: relative column widths (e.g. ``(4, 2, 2, 3)``); empty lets the browser choose.
        placement: ``"body"`` (in its section) or ``"appendix"`` (with the detailed charts).
    """

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""
    numeric: Sequence[int] = ()
    highlight: Sequence[int] = ()
    note: str = ""
    widths: Sequence[float] = ()
    placement: str = "body"

    def __post_init__(self) -> None:
        _check_placement(self.placement)

    def to_html(self) -> str:
        """The table as escaped HTML."""

        def cell(tag: str, i: int, text: object) -> str:
            cls = ' class="num"' if i in self.numeric else ""
            return f"<{tag}{cls}>{escape(text)}</{tag}>"

        cols = ""
        if self.widths and len(self.widths) == len(self.columns):
            total = float(sum(self.widths)) or 1.0
            cols = (
                "<colgroup>"
                + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in self.widths)
                + "</colgroup>"
            )
        head = "".join(cell("th", i, c) for i, c in enumerate(self.columns))
        body = "".join(
            ('<tr class="highlight">' if r in self.highlight else "<tr>")
            + "".join(cell("td", i, v) for i, v in enumerate(row))
            + "</tr>"
            for r, row in enumerate(self.rows)
        )
        caption = f"<caption>{escape(self.caption)}</caption>" if self.caption else ""
        note = f'<p class="note">{escape(self.note)}</p>' if self.note else ""
        fixed = " fixed" if cols else ""
        return (
            f'<table class="data{fixed}">{caption}{cols}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{note}"
        )


@dataclass(frozen=True)
class Figure:
    """A chart with its caption.

    In the brief the chart's title becomes the figure's heading and its
    subtitle (source and as-of date) the small print under the caption, so
    both wrap with the page instead of widening the chart.

    Attributes:
        chart: an Altair chart (or a Vega-Lite spec as a dict).
        caption: one or two sentences saying what to read in it.
        size: top-level spec settings for the brief (``width``, ``height``,
            ``config``, merged into the theme's), e.g. :func:`size`; the chart
            object itself is left as built, for the notebook panels that reuse it.
        placement: ``"body"`` (in its section) or ``"appendix"`` (with the
            detailed charts, :func:`analysis.memo.detailed_charts`).
        axis_titles: shorter axis titles for the brief, by channel (``{"y": "Lead",
            "x": None}``; None drops the title): a small chart has no room for long ones.
        legend: legend properties for the brief (e.g. ``columns``, ``labelExpr``),
            set on every colour legend of the chart.
    """

    chart: alt.TopLevelMixin | Mapping[str, Any]
    caption: str
    size: Mapping[str, Any] = field(default_factory=dict)
    placement: str = "body"
    axis_titles: Mapping[str, str | None] = field(default_factory=dict)
    legend: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_placement(self.placement)

    def spec(self) -> dict[str, Any]:
        """The Vega-Lite spec, data inlined, with :attr:`size` applied."""
        # A fresh copy either way: the brief's settings below change nested views in place.
        base = (
            copy.deepcopy(dict(self.chart))
            if isinstance(self.chart, Mapping)
            else self.chart.to_dict()
        )
        out = _merged(base, self.size)
        for channel, title in self.axis_titles.items():
            _restyle(out, channel, {"title": title})
        if self.legend:
            _restyle(out, "color", {"legend": dict(self.legend)})
        return out

    def to_html(self, chart_id: str) -> str:
        """The figure: heading, chart placeholder, caption with source and date (escaped).

        Args:
            chart_id: the placeholder's page-unique id.

        Returns:
            A ``<figure>`` element.
        """
        spec = self.spec()
        heading, source = _title_parts(spec.pop("title", None))
        head = f'<div class="chart-title">{escape(heading)}</div>' if heading else ""
        small = f' <span class="source">{escape(source)}</span>' if source else ""
        return (
            f'<figure class="chart">{head}{chart_placeholder(spec, chart_id)}'
            f"<figcaption>{escape(self.caption)}{small}</figcaption></figure>"
        )


def _restyle(spec: dict[str, Any], channel: str, props: Mapping[str, Any]) -> None:
    """Merge ``props`` into the ``channel`` encoding of every view of ``spec`` that has it.

    Only channels with a field (or a title) are changed, so a view that merely sets a
    constant colour gets no legend. Works in place on ``spec`` (a fresh ``to_dict()``).
    """
    enc = spec.get("encoding")
    if isinstance(enc, dict) and isinstance(enc.get(channel), dict):
        current = enc[channel]
        if "field" in current or "title" in current:
            enc[channel] = _merged(current, props)
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for view in spec.get(key) or []:
            if isinstance(view, dict):
                _restyle(view, channel, props)


def _title_parts(title: Any) -> tuple[str, str]:
    """A spec's title as (heading, subtitle text); the subtitle holds source and as-of date."""
    if title is None:
        return "", ""
    if isinstance(title, str):
        return title, ""
    if isinstance(title, Sequence):
        return " ".join(str(t) for t in title), ""
    if isinstance(title, Mapping):
        text, sub = title.get("text", ""), title.get("subtitle", "")
        text = " ".join(map(str, text)) if isinstance(text, list) else str(text or "")
        sub = " ".join(map(str, sub)) if isinstance(sub, list) else str(sub or "")
        return text, sub
    return str(title), ""


def _merged(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``extra``, nested mappings merged (the theme's config is kept)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


#: Plot sizes in the brief [px]. The printed A4 text column is about 690 px wide (182 mm
#: at 96 px an inch), a half column about 335 px; axes and legends come on top of the
#: plot, and a chart that still comes out wider is scaled down to its column by the page.
HALF_WIDTH = 250
FULL_WIDTH = 600
SMALL_HEIGHT = 120
DETAIL_HEIGHT = 240


def size(
    width: int | None = None,
    height: int | None = None,
    *,
    legend_columns: int | None = None,
    config: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Spec settings that size a chart for the brief.

    Args:
        width: plot width [px]; None keeps the chart's own.
        height: plot height [px]; None keeps the chart's own.
        legend_columns: wrap the legend's entries into this many columns.
        config: further Vega-Lite config for this chart only (merged into the theme's).

    Returns:
        A mapping for :attr:`Figure.size`.
    """
    out: dict[str, Any] = {}
    if width is not None:
        out["width"] = width
    if height is not None:
        out["height"] = height
    conf: dict[str, Any] = dict(config or {})
    if legend_columns is not None:
        conf = _merged(conf, {"legend": {"columns": legend_columns}})
    if conf:
        out["config"] = conf
    return out


#: Height of the memo's line and bar charts [px]: shorter than the notebook default, so
#: the brief stays close to two printed pages before its appendix.
CHART_HEIGHT = 220


def compact(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart at :data:`CHART_HEIGHT` (a copy; builders' other settings are kept)."""
    return chart.properties(height=CHART_HEIGHT)


#: Section layouts: ``stack`` (text, then figures side by side, then tables), ``split``
#: (text and tables in the left column, figures in the right) or ``wide`` (text, then
#: one full-width figure per row, then tables).
LAYOUTS = ("stack", "split", "wide")


@dataclass(frozen=True)
class Section:
    """One section of the brief.

    Attributes:
        key: a stable identifier (``"cost"``).
        title: the heading.
        finding: the one-sentence takeaway, shown first.
        paragraphs: short paragraphs of plain text.
        kpis: headline figures.
        tables: small tables.
        figures: charts with captions.
        bullets: a short list, shown after the paragraphs.
        bullets_title: a heading over the list.
        notes: small print (assumptions, caveats).
        numbers: the figures the text quotes, unrounded, for tests and reuse.
        level: 1 for the title block of the brief, 2 for a section.
        eyebrow: a small label above the heading.
        byline: a line under the heading (date, workload).
        dateline: a small line under the byline: how current the data is ("Data through: ...").
        alert: a warning shown before the finding, in plain words (e.g. stale data); "" for none.
        layout: one of :data:`LAYOUTS`.
        appendix: the section belongs to the appendix (smaller type).
        starts_appendix: the appendix begins here (a new printed page).
        brief_kpis: show :attr:`kpis` in the brief; False when the finding already
            states them (the notebook panels still show them as cards).
    """

    key: str
    title: str
    finding: str = ""
    paragraphs: Sequence[str] = ()
    kpis: Sequence[Kpi] = ()
    tables: Sequence[Table] = ()
    figures: Sequence[Figure] = ()
    bullets: Sequence[str] = ()
    bullets_title: str = ""
    notes: Sequence[str] = ()
    numbers: Mapping[str, float] = field(default_factory=dict)
    level: int = 2
    eyebrow: str = ""
    byline: str = ""
    dateline: str = ""
    alert: str = ""
    layout: str = "stack"
    appendix: bool = False
    starts_appendix: bool = False
    brief_kpis: bool = True

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise BriefError(
                f"section layout {self.layout!r}: expected one of {', '.join(LAYOUTS)}"
            )

    @property
    def shown_figures(self) -> list[Figure]:
        """The figures printed in this section (the others go to the appendix)."""
        return [f for f in self.figures if f.placement == "body"]

    @property
    def shown_tables(self) -> list[Table]:
        """The tables printed in this section (the others go to the appendix)."""
        return [t for t in self.tables if t.placement == "body"]

    def to_html(self, chart_ids: Callable[[], str] | None = None) -> str:
        """The section as HTML; all of its text escaped.

        Args:
            chart_ids: gives a page-unique id per chart; default a global counter.

        Returns:
            A ``<section>`` element.
        """
        next_id = chart_ids or _next_chart_id
        classes = ["brief-section", f"layout-{self.layout}"]
        if self.level == 1:
            classes.append("title-block")
        if self.appendix:
            classes.append("appendix")
        if self.starts_appendix:
            classes.append("appendix-start")
        parts = [f'<section class="{" ".join(classes)}" id="section-{escape(self.key)}">']
        if self.eyebrow:
            # Above a section heading the label carries the section's rule (CSS "kicker").
            cls = "eyebrow" if self.level == 1 else "eyebrow kicker"
            parts.append(f'<p class="{cls}">{escape(self.eyebrow)}</p>')
        tag = "h1" if self.level == 1 else "h2"
        parts.append(f"<{tag}>{escape(self.title)}</{tag}>")
        if self.byline:
            parts.append(f'<p class="byline">{escape(self.byline)}</p>')
        if self.dateline:
            parts.append(f'<p class="dateline">{escape(self.dateline)}</p>')
        if self.alert:
            parts.append(f'<p class="alert" role="note">{escape(self.alert)}</p>')
        if self.finding:
            cls = "verdict" if self.level == 1 else "lead"
            parts.append(f'<p class="{cls}">{escape(self.finding)}</p>')
        if self.kpis and self.brief_kpis:
            cls = "kpis" if self.level == 1 else "kpis mini"
            parts.append(f'<div class="{cls}">')
            for k in self.kpis:
                detail = f'<div class="detail">{escape(k.detail)}</div>' if k.detail else ""
                parts.append(
                    f'<div class="kpi"><div class="label">{escape(k.label)}</div>'
                    f'<div class="value">{escape(k.value)}</div>{detail}</div>'
                )
            parts.append("</div>")
        text = [f"<p>{escape(p)}</p>" for p in self.paragraphs]
        if self.bullets:
            if self.bullets_title:
                text.append(f"<h3>{escape(self.bullets_title)}</h3>")
            text.append("<ul>" + "".join(f"<li>{escape(b)}</li>" for b in self.bullets) + "</ul>")
        figures = [f.to_html(next_id()) for f in self.shown_figures]
        tables = [t.to_html() for t in self.shown_tables]
        notes = [f'<p class="note">{escape(n)}</p>' for n in self.notes]
        if self.layout == "split" and figures:
            parts.append(
                '<div class="split"><div class="split-text">'
                + "\n".join(text + tables + notes)
                + '</div><div class="split-figures">'
                + "\n".join(figures)
                + "</div></div>"
            )
        else:
            parts.extend(text)
            if figures:
                n = 1 if self.layout == "wide" else min(len(figures), 2)
                parts.append(f'<div class="figures n{n}">' + "\n".join(figures) + "</div>")
            parts.extend(tables + notes)
        parts.append("</section>")
        return "\n".join(parts)


_chart_counter = itertools.count(1)


def _next_chart_id() -> str:
    # Unique within one kernel, so unique within the one brief it renders.
    return f"chart-{next(_chart_counter)}"


class _Html:
    """Display wrapper: Jupyter shows ``_repr_html_``; papermill stores it as text/html."""

    def __init__(self, html: str, text: str) -> None:
        self._html = html
        self._text = text

    def _repr_html_(self) -> str:
        return self._html

    def __repr__(self) -> str:
        return self._text


def show(section: Section | None) -> None:
    """Display ``section`` in the notebook (one output, HTML with a plain-text fallback).

    The chart placeholders are drawn by the script of the exported brief page.
    Opened interactively (in JupyterLab, not under ``python -m analysis
    brief``), the section's charts are also shown through Altair's own renderer.

    Args:
        section: what a section function returned; None shows nothing.
    """
    from IPython.display import display

    if section is None:  # a section that does not apply (e.g. no probe run)
        return
    display(_Html(section.to_html(), f"[{section.title}]"))
    if os.environ.get(RENDER_ENV) != "1":
        for fig in section.shown_figures:
            display(fig.chart)


#: Set to "1" in the kernel that renders a brief (by :mod:`analysis.brief`).
RENDER_ENV = "AISTRAT_BRIEF_RENDER"
