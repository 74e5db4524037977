"""The content of the executive brief: sections built from the parameters and the data.

Each section function takes a :class:`BriefContext` and returns a
:class:`Section`: a title, a one-sentence finding, short paragraphs with
their numbers, a few KPI figures, small tables and Altair charts with
captions. The notebook ``notebooks/executive_brief.ipynb`` only prepares the
context and shows one section per cell; every number is computed here.

Sections render to HTML with :meth:`Section.to_html`. All text that comes
from data (model names, sources, claims) is escaped there; charts become
placeholders that the brief page draws offline (:mod:`analysis.html`).

Layout: the memo (:data:`MEMO_SECTIONS`) prints on about two A4 pages, so
each section leads with its finding and sets one small chart beside its text
(``layout="split"``); a section's secondary charts carry
``placement="appendix"`` and are drawn full width by :func:`detailed_charts`,
which opens the appendix on a new page, before the assumptions and sources.
A chart's title and source become the figure's heading and caption, so they
wrap with the page instead of widening the chart.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from analysis.errors import BriefError
from analysis.html import chart_placeholder, escape

# --------------------------------------------------------------------------- section model


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
    """

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""
    numeric: Sequence[int] = ()
    highlight: Sequence[int] = ()
    note: str = ""
    widths: Sequence[float] = ()

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


#: Where a figure is printed: beside its section's text, or in the appendix's detailed charts.
PLACEMENTS = ("body", "appendix")


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
            detailed charts, :func:`detailed_charts`).
        axis_titles: shorter axis titles for the brief, by channel (``{"y": "Lead",
            "x": None}``; None drops the title): a small chart has no room for long ones.
        legend: legend properties for the brief (e.g. ``columns``, ``labelExpr``),
            set on every colour legend of the chart.
    """

    chart: Any
    caption: str
    size: Mapping[str, Any] = field(default_factory=dict)
    placement: str = "body"
    axis_titles: Mapping[str, str | None] = field(default_factory=dict)
    legend: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.placement not in PLACEMENTS:
            raise BriefError(
                f"figure placement {self.placement!r}: expected one of {', '.join(PLACEMENTS)}"
            )

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
        tables = [t.to_html() for t in self.tables]
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
    import os

    from IPython.display import display

    if section is None:  # a section that does not apply (e.g. no probe run)
        return
    display(_Html(section.to_html(), f"[{section.title}]"))
    if os.environ.get(RENDER_ENV) != "1":
        for fig in section.shown_figures:
            display(fig.chart)


#: Set to "1" in the kernel that renders a brief (by :mod:`analysis.brief`).
RENDER_ENV = "AISTRAT_BRIEF_RENDER"


# --------------------------------------------------------------------------- formatting


def usd(value: float, digits: int = 0) -> str:
    """``$12,345`` style; ``$1.2M`` from a million up; a minus sign for negatives."""
    _finite(value, "amount")
    sign = "-" if value < 0 else ""
    v = abs(value)
    if v >= 1e9:
        return f"{sign}${v / 1e9:,.2f}B"
    if v >= 1e6:
        return f"{sign}${v / 1e6:,.2f}M"
    if v >= 1e3 or digits == 0:
        return f"{sign}${v:,.0f}"
    return f"{sign}${v:,.{digits}f}"


def pct(value: float, digits: int = 0) -> str:
    """``0.234`` -> ``"23%"``."""
    _finite(value, "share")
    return f"{value * 100:.{digits}f}%"


def number(value: float, digits: int = 0) -> str:
    """``12345.6`` -> ``"12,346"``; millions as ``"12.3M"``."""
    _finite(value, "number")
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.1f}B"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.1f}M"
    return f"{value:,.{digits}f}"


def months(value: float) -> str:
    """``7.4`` -> ``"7.4 months"``; ``1`` -> ``"1 month"``."""
    _finite(value, "months")
    text = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
    return f"{text} month" + ("" if text == "1" else "s")


def _finite(value: float, what: str) -> None:
    if value is None or not math.isfinite(float(value)):
        raise BriefError(f"the brief computed a {what} that is not a finite number ({value!r})")


def iso(value: date | str) -> str:
    """A date as ``YYYY-MM-DD``."""
    return value if isinstance(value, str) else value.isoformat()


# --------------------------------------------------------------------------- parameters

#: Brief options (the ``brief:`` mapping of a parameter file), their defaults and meaning.
OPTIONS: dict[str, Any] = {
    # Benchmarks the claim check and the gap are measured on (labels of benchmark_scores).
    "benchmarks": ["GPQA-Diamond"],
    # Which scores count for the gap: independent (one harness), vendor or all.
    "gap_source": "independent",
    # Decision rule: the scorecard's winner is preferred to the cheaper option when it
    # leads by at least this many points (of 5) ...
    "scorecard_margin": 0.5,
    # ... and costs at most this share more per month.
    "premium_tolerance": 0.25,
    # A hybrid split is recommended when it saves at least this share of the monthly cost.
    "hybrid_min_saving": 0.10,
    # "Dramatically lower cost" read as: closed at least this many times the open price.
    "cheaper_factor": 3.0,
    # Charts shown at most this many tornado bars.
    "tornado_bars": 6,
}

_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "benchmarks": (list,),
    "gap_source": (str,),
    "scorecard_margin": (int, float),
    "premium_tolerance": (int, float),
    "hybrid_min_saving": (int, float),
    "cheaper_factor": (int, float),
    "tornado_bars": (int,),
}


def check_options(options: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The brief options with defaults filled in.

    Args:
        options: the ``brief:`` mapping of a parameter file.
        where: the file, for messages.

    Returns:
        Every option of :data:`OPTIONS`, given or default.

    Raises:
        BriefError: an unknown option, or a value of the wrong kind.
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise BriefError(
            f"{where}: unknown key 'brief.{unknown[0]}'; brief options are "
            f"{', '.join(sorted(OPTIONS))}"
        )
    merged = {**OPTIONS, **options}
    for key, kinds in _OPTION_TYPES.items():
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise BriefError(f"{where}: brief.{key} = {value!r} must be {kinds[0].__name__}")
        if isinstance(value, float) and not math.isfinite(value):
            raise BriefError(f"{where}: brief.{key} = {value!r} must be a finite number")
    if not merged["benchmarks"] or not all(isinstance(b, str) and b for b in merged["benchmarks"]):
        raise BriefError(f"{where}: brief.benchmarks must be a list of benchmark names")
    if merged["gap_source"] not in ("independent", "vendor", "all"):
        raise BriefError(
            f"{where}: brief.gap_source = {merged['gap_source']!r}: "
            "must be independent, vendor or all"
        )
    for key in ("scorecard_margin", "premium_tolerance", "hybrid_min_saving"):
        if merged[key] < 0:
            raise BriefError(f"{where}: brief.{key} = {merged[key]!r} must be >= 0")
    if merged["cheaper_factor"] <= 0 or merged["tornado_bars"] < 1:
        raise BriefError(f"{where}: brief.cheaper_factor must be > 0 and brief.tornado_bars >= 1")
    return merged


def _scenario_mapping(scenario: Mapping[str, Any], as_of: date, where: str) -> dict[str, Any]:
    """The scenario mapping with the brief's as-of date (given once, at the top)."""
    data = dict(scenario)
    given = data.get("as_of")
    if given is not None and str(given) != as_of.isoformat():
        raise BriefError(
            f"{where}: scenario.as_of = {given} differs from as_of = {as_of.isoformat()}; "
            "give the date once, at the top of the file"
        )
    data["as_of"] = as_of.isoformat()
    return data


def check_scenario(
    scenario: Mapping[str, Any],
    where: str,
    as_of: date,
    lines: Mapping[str, int] | None = None,
) -> None:
    """Check a parameter file's ``scenario`` mapping before any kernel starts.

    Only the shape and values are checked here (strict keys, ranges); lookups
    in the warehouse happen when the brief runs.

    Args:
        scenario: the mapping, as in the file.
        where: the file, for messages.
        as_of: the brief's date.
        lines: key inside ``scenario`` (dotted) -> line in the file, for messages.

    Raises:
        BriefError: the scenario is invalid; the message names the file, the key
            and, when known, the line.
    """
    from analysis.errors import ScenarioError
    from analysis.scenario import scenario_from_dict

    try:
        scenario_from_dict(_scenario_mapping(scenario, as_of, where), where, lines)
    except ScenarioError as exc:
        raise BriefError(f"{where}: scenario.{exc}") from None


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class Names:
    """Display names of what the brief compares (from the warehouse, else the ids)."""

    api_model: str
    api_provider: str
    open_model: str
    gpu: str


@dataclass(frozen=True)
class ProbeFacts:
    """A stored probe run, summarised for the brief."""

    run_id: str
    model: str
    hardware: str
    started: str
    slo: str
    best_tok_s: float | None
    best_concurrency: int | None
    ttft_p95_ms: float | None
    levels: Any  # pandas DataFrame: concurrency, output_tokens_per_s, meets_slo, ...
    note: str


@dataclass(frozen=True)
class BriefContext:
    """Everything the sections are computed from.

    Attributes:
        organisation: who the brief is for.
        as_of: the date of every price and score.
        title: the brief's title.
        options: brief options (:data:`OPTIONS`).
        params_file: the parameter file, for the record.
        report: the evaluated scenario (:class:`analysis.scenario.ScenarioReport`),
            whose ``scenario`` holds every value used and its source.
        names: display names.
        probe: the probe run, when the scenario names one.
        sections: sections already built from this context, by function name
            (the appendix collects their detailed charts without computing them again).
    """

    organisation: str
    as_of: date
    title: str
    options: Mapping[str, Any]
    params_file: str
    report: Any
    names: Names
    probe: ProbeFacts | None = None
    sections: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def scenario(self) -> Any:
        """The resolved scenario."""
        return self.report.scenario


def ensure_data() -> None:
    """Build the warehouse if it is missing or stale (:func:`analysis.warehouse.ensure_built`)."""
    from analysis import warehouse

    warehouse.ensure_built()


def _first(sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
    from analysis import warehouse

    rows = warehouse.query(sql, list(params), backend="pandas").to_dict("records")
    return rows[0] if rows else None


#: How providers are written in prose (ids elsewhere are shown as they are).
PROVIDER_NAMES = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "mistral": "Mistral",
    "deepseek": "DeepSeek",
    "together": "Together AI",
    "fireworks": "Fireworks AI",
    "groq": "Groq",
    "deepinfra": "DeepInfra",
}


def _names(scenario: Any) -> Names:
    api, sh = scenario.api, scenario.self_hosted
    # The API model by its family ("GPT-4o"): an alias's name carries snapshot notes.
    row = _first(
        "SELECT m.family AS name FROM api_prices p JOIN models m USING (model_id) "
        "WHERE p.api_model = ? AND (? IS NULL OR p.provider = ?) LIMIT 1",
        [api.model, api.provider, api.provider],
    ) or _first("SELECT family AS name FROM models WHERE model_id = ?", [api.model])
    open_row = _first("SELECT name FROM models WHERE model_id = ?", [sh.model])
    gpu_row = _first("SELECT name FROM gpus WHERE gpu_id = ?", [sh.gpu])
    return Names(
        api_model=str(row["name"]) if row else str(api.model or "the API model"),
        api_provider=PROVIDER_NAMES.get(str(api.provider), str(api.provider or "the provider")),
        open_model=str(open_row["name"]) if open_row else str(sh.model or "the open model"),
        gpu=str(gpu_row["name"]) if gpu_row else str(sh.gpu or "GPU"),
    )


def _probe_facts(run_id: str) -> tuple[ProbeFacts, float, str]:
    """The stored run, its best throughput within its SLO and the basis text for the cost model."""
    from analysis import probes
    from analysis.errors import ProbeError
    from analysis.probes import store as probe_store

    run = probe_store.load_run(run_id)
    levels = probe_store.levels_of(run_id).to_pandas()
    try:
        tok_s, basis = probes.to_tco_throughput(run)
        point = probes.best_throughput(run)
        best, conc, ttft, note = tok_s, point.concurrency, point.ttft_p95_ms, ""
    except ProbeError as exc:
        raise BriefError(f"probe run {run_id}: {exc}") from None
    facts = ProbeFacts(
        run_id=run_id,
        model=str(run.model),
        hardware=str(run.config.hardware or "unstated hardware"),
        started=run.started_at.date().isoformat(),
        slo=run.config.slo.describe(),
        best_tok_s=best,
        best_concurrency=conc,
        ttft_p95_ms=ttft,
        levels=levels,
        note=note,
    )
    return facts, tok_s, basis


def prepare(
    organisation: str,
    as_of: str | date,
    title: str,
    scenario: Mapping[str, Any],
    options: Mapping[str, Any] | None = None,
    params_file: str = "",
) -> BriefContext:
    """Load the data and evaluate the scenario: the one expensive step of a brief.

    A probe run named in ``scenario.self_hosted.probe_run`` supplies the
    replica throughput (its best level within its own SLO), unless the
    scenario gives ``throughput_tok_s`` itself.

    Args:
        organisation: who the brief is for.
        as_of: the date (ISO text or a date).
        title: the brief's title.
        scenario: the scenario mapping (the shape :mod:`analysis.scenario` loads).
        options: brief options (see :data:`OPTIONS`).
        params_file: the parameter file, for the record and messages.

    Returns:
        The context every section function takes.

    Raises:
        BriefError: bad options or a bad probe run.
        ScenarioError: the scenario is invalid or a lookup fails.
        WarehouseError: the warehouse cannot be built or read.
    """
    from analysis import charts
    from analysis.scenario import evaluate_scenario, scenario_from_dict

    where = params_file or "brief parameters"
    day = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))
    opts = check_options(options or {}, where)
    data = _scenario_mapping(scenario, day, where)
    charts.use_theme()
    ensure_data()
    probe = None
    sh = dict(data.get("self_hosted") or {})
    if sh.get("probe_run") and sh.get("throughput_tok_s") is None:
        probe, tok_s, basis = _probe_facts(str(sh["probe_run"]))
        sh.update(throughput_tok_s=tok_s, throughput_basis=basis)
        data["self_hosted"] = sh
        sources = dict(data.get("sources") or {})
        sources.setdefault("self_hosted.throughput_tok_s", f"measured: {basis}")
        data["sources"] = sources
    elif sh.get("probe_run"):
        probe, _, _ = _probe_facts(str(sh["probe_run"]))
    report = evaluate_scenario(scenario_from_dict(data, where), day)
    return BriefContext(
        organisation=organisation,
        as_of=day,
        title=title,
        options=opts,
        params_file=params_file,
        report=report,
        names=_names(report.scenario),
        probe=probe,
    )


# --------------------------------------------------------------------------- the decision

#: Readable names of the scorecard factors.
FACTOR_NAMES = {
    "cost_predictability": "Cost predictability",
    "data_sovereignty": "Data sovereignty",
    "regulatory_compliance": "Regulatory compliance",
    "customization_depth": "Customisation depth",
    "latency_control": "Latency control",
}


@dataclass(frozen=True)
class Decision:
    """What the brief recommends and why.

    Attributes:
        choice: ``api``, ``self_hosted``, ``hybrid`` or ``none``.
        headline: the action in a few words.
        why: the reason, as one sentence.
        ruled_out: per option (``api``/``self_hosted``/``hybrid``), the must-haves it fails.
        monthly_usd: the recommended option's monthly cost (None for ``none``).
    """

    choice: str
    headline: str
    why: str
    ruled_out: Mapping[str, Sequence[str]]
    monthly_usd: float | None


def must_have_failures(ctx: BriefContext) -> dict[str, list[str]]:
    """The must-have requirements each option fails.

    Must-haves are the scorecard's requirements: the jurisdiction requests must
    be processed in (an option whose processing place is not stated cannot show
    that it meets it) and each compliance requirement (met only when the option
    is documented to meet it). Without a scorecard there are none.

    Args:
        ctx: the brief's context.

    Returns:
        ``{"api": [...], "self_hosted": [...]}``: what each fails (empty lists when none).
    """
    card = ctx.scenario.scorecard
    out: dict[str, list[str]] = {"api": [], "self_hosted": []}
    if card is None:
        return out
    req = card.requirements
    for kind, facts in (("api", card.api), ("self_hosted", card.self_hosted)):
        if req.jurisdiction:
            where = facts.processing_jurisdiction
            if where is None:
                out[kind].append(
                    f"cannot show processing in {req.jurisdiction} (the location is not stated)"
                )
            elif where.casefold() != req.jurisdiction.casefold():
                out[kind].append(f"processes requests in {where}, outside {req.jurisdiction}")
        have = {m.casefold() for m in facts.meets}
        out[kind].extend(f"does not meet '{c}'" for c in req.compliance if c.casefold() not in have)
    return out


def _hybrid_failures(ctx: BriefContext, failures: Mapping[str, Sequence[str]]) -> list[str]:
    """A hybrid split fails a must-have when any option it routes traffic to does."""
    rr = ctx.report.routing
    if rr is None:
        return ["no hybrid split was assessed"]
    choices = {c.name: c for c in ctx.scenario.routing.options}
    card = ctx.scenario.scorecard
    strict = card is not None and (card.requirements.jurisdiction or card.requirements.compliance)
    out: list[str] = []
    for load in rr.options:
        if load.share <= 0:
            continue
        choice = choices.get(load.name)
        use = choice.use if choice is not None else None
        if use in ("api", "self_hosted"):
            out.extend(f"{load.name}: {f}" for f in failures[use])
        elif strict:
            out.append(f"{load.name}: not assessed against the must-haves")
    return out


def decide(ctx: BriefContext) -> Decision:
    """The recommendation, by a stated rule.

    1. An option that fails a must-have (:func:`must_have_failures`) is ruled out.
    2. Of the rest, the cheaper per month is chosen, unless the scorecard's winner
       leads by at least ``scorecard_margin`` points (of 5) and costs at most
       ``premium_tolerance`` more, in which case the winner is chosen.
    3. A hybrid split whose options all pass the must-haves replaces that choice
       when it saves at least ``hybrid_min_saving`` of its monthly cost.

    Args:
        ctx: the brief's context.

    Returns:
        The decision with its headline and reason.
    """
    r, n, o = ctx.report, ctx.names, ctx.options
    costs = {"api": r.tco.api.monthly_usd, "self_hosted": r.tco.self_hosted.monthly_usd}
    failures = must_have_failures(ctx)
    hybrid_fail = _hybrid_failures(ctx, failures)
    ruled_out = {k: v for k, v in failures.items() if v}
    if r.routing is not None and hybrid_fail:
        ruled_out["hybrid"] = hybrid_fail
    eligible = [k for k in ("api", "self_hosted") if k not in ruled_out]
    labels = {
        "api": f"the {n.api_model} API",
        "self_hosted": f"self-hosted {n.open_model}",
    }
    sh = r.tco.self_hosted
    heads = {
        "api": f"Stay on the {n.api_model} API",
        "self_hosted": f"Self-host {n.open_model} on {sh.gpus} × {n.gpu}",
    }
    if not eligible:
        return Decision(
            "none",
            "Neither option meets the must-haves as stated",
            "Both options fail a must-have requirement; see the scorecard section.",
            ruled_out,
            None,
        )
    cap = {k: v[:1].upper() + v[1:] for k, v in labels.items()}
    if len(eligible) == 1:
        choice = eligible[0]
        other = "self_hosted" if choice == "api" else "api"
        why = (
            f"{cap[choice]} is the only option that meets the must-haves: {labels[other]} "
            f"{ruled_out[other][0]}."
        )
    else:
        choice = min(eligible, key=lambda k: (costs[k], k))
        other = "self_hosted" if choice == "api" else "api"
        why = (
            f"{cap[choice]} costs {pct(1 - costs[choice] / costs[other])} less a month than "
            f"{labels[other]}."
            if costs["api"] != costs["self_hosted"]
            else "The two options cost the same a month."
        )
        card = r.scorecard
        if card is not None and card.winner:
            winner = next(x.kind for x in card.options if x.name == card.winner)
            premium = costs[winner] / costs[choice] - 1 if costs[choice] > 0 else math.inf
            if (
                winner != choice
                and card.margin >= o["scorecard_margin"]
                and premium <= o["premium_tolerance"]
            ):
                factor = FACTOR_NAMES.get(card.deciding_factor or "", "strategic fit")
                why = (
                    f"{cap[winner]} leads the strategic scorecard by {card.margin:.1f} points "
                    f"of 5 ({factor.lower()}) for {pct(premium)} more a month."
                )
                choice = winner
    monthly = costs[choice]
    rr = r.routing
    if (
        rr is not None
        and "hybrid" not in ruled_out
        and rr.monthly_usd <= monthly * (1 - o["hybrid_min_saving"])
    ):
        saving = 1 - rr.monthly_usd / monthly
        return Decision(
            "hybrid",
            "Split the work between models by task",
            f"Routing each task class to the cheapest model good enough for it costs "
            f"{pct(saving)} less than {labels[choice]} alone.",
            ruled_out,
            rr.monthly_usd,
        )
    return Decision(choice, heads[choice], why, ruled_out, monthly)


# --------------------------------------------------------------------------- text


def _difference_range(p: Any) -> str:
    """P10–P90 of self-hosted − API [USD/month] in words."""
    lo, hi = p.p10, p.p90
    if lo >= 0:
        return f"self-hosting costs {usd(lo)} to {usd(hi)} a month more than the API"
    if hi <= 0:
        return f"self-hosting saves {usd(-hi)} to {usd(-lo)} a month against the API"
    return f"self-hosting ranges from saving {usd(-lo)} to costing {usd(hi)} more a month"


def _share_words(share: float) -> str:
    """``0`` -> ``"none of them"``, ``1`` -> ``"all of them"``, else ``"37% of them"``."""
    if share <= 0:
        return "none of them"
    if share >= 1:
        return "all of them"
    return f"{pct(share)} of them"


def _tokens_per_day(workload: Any) -> float:
    # tokens/month ÷ (H/24 days/month) [tokens/day]
    return workload.tokens_per_month / (workload.hours_per_month / 24)


def _ownership(sh_option: Any) -> str:
    return "bought" if sh_option.ownership == "buy" else "rented"


def _table_date_range(info: Mapping[str, Any]) -> str:
    lo, hi = info.get("as_of_min"), info.get("as_of_max")
    if lo is None and hi is None:
        return "no dates"
    if lo == hi:
        return iso(lo)
    return f"{iso(lo)} to {iso(hi)}"


# --------------------------------------------------------------------------- sections

_S = TypeVar("_S")


def _kept(build: Callable[[BriefContext], _S]) -> Callable[[BriefContext], _S]:
    """Build a section once per context: the appendix reuses it for its detailed charts."""

    @functools.wraps(build)
    def section(ctx: BriefContext) -> _S:
        kept = ctx.sections
        if build.__name__ not in kept:
            kept[build.__name__] = build(ctx)
        return kept[build.__name__]

    return section


@_kept
def recommendation(ctx: BriefContext) -> Section:
    """The title block: the recommendation in one paragraph, with its numbers, and the KPIs.

    Args:
        ctx: the brief's context.

    Returns:
        The level-1 section that opens the brief.
    """
    r, n = ctx.report, ctx.names
    tco, w = r.tco, r.tco.workload
    sh, api = tco.self_hosted, tco.api
    d = decide(ctx)
    be = tco.break_even
    diff = tco.difference_usd  # self-hosted − API [USD/month]
    cheaper_word = "less" if diff < 0 else "more"
    parts = [d.why]
    if d.choice == "hybrid" and r.routing is not None:
        parts.append(
            f"The split costs {usd(r.routing.monthly_usd)} a month at a traffic-weighted "
            f"quality of {r.routing.quality:.1f} points."
        )
    parts += [
        f"At {number(_tokens_per_day(w))} tokens a day, {n.api_model} through the "
        f"{n.api_provider} API costs {usd(api.monthly_usd)} a month; self-hosting {n.open_model} "
        f"on {sh.gpus} {_ownership(ctx.scenario.self_hosted)} {n.gpu} "
        f"GPU{'s' if sh.gpus != 1 else ''} costs {usd(sh.monthly_usd)}, "
        f"{usd(abs(diff))} {cheaper_word}.",
    ]
    if be.requests_per_month is not None:
        ratio = be.requests_per_month / w.requests_per_month
        parts.append(
            f"Self-hosting breaks even at {number(be.requests_per_month)} requests a month, "
            f"{ratio:.1f}× today's {number(w.requests_per_month)}."
        )
    else:
        parts.append("Self-hosting never breaks even at these prices.")
    mc = r.monte_carlo
    if mc is not None:
        parts.append(
            f"Across {number(mc.draws)} simulated futures, self-hosting is cheaper in "
            f"{_share_words(mc.p_self_hosted_cheaper)}."
        )
    if d.choice in ("api", "self_hosted") and d.monthly_usd is not None:
        cheapest = min(api.monthly_usd, sh.monthly_usd)
        if d.monthly_usd > cheapest:
            parts.append(
                f"Meeting the must-haves and strategic aims costs {usd(d.monthly_usd - cheapest)} "
                "a month more than the cheapest option."
            )
    for kind, fails in d.ruled_out.items():
        if kind in ("api", "self_hosted") and fails and fails[0] not in d.why:
            label = f"The {n.api_model} API" if kind == "api" else f"Self-hosted {n.open_model}"
            parts.append(f"{label} is ruled out: it {fails[0]}.")
    # Short details: each tile is about a sixth of the page wide.
    kpis = [
        Kpi("API · month", usd(api.monthly_usd), n.api_model),
        Kpi(
            "Self-hosted · month",
            usd(sh.monthly_usd),
            f"{sh.gpus} {_ownership(ctx.scenario.self_hosted)} GPU{'s' if sh.gpus != 1 else ''}",
        ),
    ]
    if d.choice == "hybrid" and r.routing is not None:
        kpis.append(
            Kpi("Hybrid · month", usd(r.routing.monthly_usd), f"quality {r.routing.quality:.1f}")
        )
    kpis.append(
        Kpi(
            "Break-even",
            number(be.requests_per_month) if be.requests_per_month else "none",
            f"req/month, {be.requests_per_month / w.requests_per_month:.1f}× today"
            if be.requests_per_month
            else "at any volume",
        )
    )
    if mc is not None:
        kpis.append(
            Kpi(
                "Self-host cheaper",
                pct(mc.p_self_hosted_cheaper),
                f"of {number(mc.draws)} futures",
            )
        )
    if r.horizon_months:
        total = diff * r.horizon_months
        kpis.append(
            Kpi(
                f"Over {r.horizon_months} months",
                usd(abs(total)),
                "saved by self-hosting" if total < 0 else "extra to self-host",
            )
        )
    bullets = []
    if be.requests_per_month is not None:
        ratio = be.requests_per_month / w.requests_per_month
        side = "self-hosting becomes" if diff > 0 else "self-hosting stays"
        bullets.append(
            f"Volume: above {number(be.requests_per_month)} requests a month ({ratio:.1f}× "
            f"today's), {side} the cheaper option."
        )
    moving = [row for row in r.tornado.rows if row.swing > 0]
    if moving:
        bullets.append(
            f"Sensitivity: {lower_first(parameter_label(moving[0].parameter))} moves the monthly "
            f"difference by up to {usd(moving[0].swing)} at ±{r.tornado.pct:g}%."
        )
    if mc is not None:
        bullets.append(
            f"Uncertainty: in 80% of simulated futures, {_difference_range(mc.difference)}."
        )
    return Section(
        key="recommendation",
        title=d.headline,
        eyebrow=f"{ctx.title} · {ctx.organisation}",
        byline=(
            f"Executive brief · data as of {iso(ctx.as_of)} · workload "
            f"{number(_tokens_per_day(w))} tokens a day, {number(w.input_tokens)} in and "
            f"{number(w.output_tokens)} out per request"
            + (f" · horizon {r.horizon_months} months" if r.horizon_months else "")
        ),
        finding=" ".join(parts),
        kpis=kpis,
        bullets=bullets,
        bullets_title="What would change the answer",
        level=1,
        numbers={
            "api_monthly_usd": api.monthly_usd,
            "self_hosted_monthly_usd": sh.monthly_usd,
            "difference_usd": diff,
            "break_even_requests_per_month": float(be.requests_per_month or 0),
            "tokens_per_day": _tokens_per_day(w),
        },
    )


def _text(value: Any) -> str:
    """``value`` as text; None and NaN (a missing cell) as the empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def lower_first(label: str) -> str:
    """``"GPU rent per hour"`` stays; ``"Requests per month"`` -> ``"requests per month"``."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


def _verdict_kind(verdict: str) -> str:
    v = verdict.lower()
    if v.startswith("not measured"):
        return "not measured"
    if v.startswith("within") or v == "supported":
        return "holds"
    return "does not hold"


@_kept
def claim_check(ctx: BriefContext) -> Section:
    """Published claims about open vs closed models, checked against today's data.

    Args:
        ctx: the brief's context.

    Returns:
        A section with a small table: the claim, what it states, what the data
        shows as of the brief's date, and whether it holds.
    """
    from analysis import gap

    o = ctx.options
    df = gap.claims_table(
        o["benchmarks"],
        ctx.as_of,
        source=o["gap_source"],
        cheaper_factor=float(o["cheaper_factor"]),
    )
    rows, kinds = [], []
    for rec in df.to_dict("records"):
        verdict = _text(rec.get("verdict"))
        kind = _verdict_kind(verdict)
        kinds.append(kind)
        who = _text(rec.get("publisher")) or "a common claim"
        when = f", {_text(rec.get('published_date'))}" if _text(rec.get("published_date")) else ""
        claim = _text(rec.get("claim"))
        if len(claim) > 64:  # a quote, shortened; the full text is in gap_claims
            claim = claim[:63].rstrip(" ,;:") + "…"
        rows.append(
            [
                f"{claim} ({who}{when})",
                _text(rec.get("stated")),
                _text(rec.get("measured")) or "—",
                f"{kind[:1].upper()}{kind[1:]}: {verdict}" if kind != "not measured" else verdict,
            ]
        )
    holds = kinds.count("holds")
    fails = kinds.count("does not hold")
    finding = (
        f"Of {len(rows)} claims checked on {', '.join(o['benchmarks'])} as of {iso(ctx.as_of)}, "
        f"{holds} hold{'s' if holds == 1 else ''} and {fails} do{'es' if fails == 1 else ''} not"
        + (
            f"; {kinds.count('not measured')} cannot be measured."
            if "not measured" in kinds
            else "."
        )
    )
    return Section(
        key="claims",
        title="Published claims against today's data",
        finding=finding,
        tables=[
            Table(
                ["Claim", "Stated", "Measured today", "Verdict"],
                rows,
                widths=(43, 20, 11, 26),
                note=(
                    f"Measured on {o['gap_source']} benchmark results of models released by "
                    f"{iso(ctx.as_of)} (warehouse tables benchmark_scores, models, gap_claims, "
                    f"api_prices). 'Dramatically lower cost' is read as closed at least "
                    f"{o['cheaper_factor']:g}× the open blended price (a declared reading)."
                ),
            )
        ],
        numbers={"claims": float(len(rows)), "hold": float(holds), "do_not_hold": float(fails)},
    )


def _short_basis(ctx: BriefContext, basis: str) -> str:
    """What a figure rests on, in a few words for the memo; the full text is in appendix B."""
    if ctx.probe is not None and ctx.probe.run_id in basis:
        return f"measured in probe run {ctx.probe.run_id}"
    return basis if len(basis) <= 48 else "as stated in the scenario, see appendix B"


def _cost_components(ctx: BriefContext) -> list[dict[str, Any]]:
    r, n = ctx.report, ctx.names
    api, sh = r.tco.api, r.tco.self_hosted
    api_label = f"API: {n.api_model}"
    sh_label = f"Self-hosted: {n.open_model}"
    rows = [
        {"option": api_label, "component": "Input tokens", "monthly_usd": api.input_usd},
        {
            "option": api_label,
            "component": "Cached input tokens",
            "monthly_usd": api.cached_input_usd,
        },
        {"option": api_label, "component": "Output tokens", "monthly_usd": api.output_usd},
    ]
    gh = sh.sizing.gpu_hour
    hours = sh.gpus * r.tco.workload.hours_per_month  # GPU-hours a month
    if gh.ownership == "rent":
        rows.append(
            {"option": sh_label, "component": "GPU rental", "monthly_usd": sh.infrastructure_usd}
        )
    else:
        rows += [
            {
                "option": sh_label,
                "component": "GPU purchase (amortised)",
                "monthly_usd": gh.capex_usd * hours,
            },
            {"option": sh_label, "component": "Power", "monthly_usd": gh.power_usd * hours},
            {"option": sh_label, "component": "Hosting", "monthly_usd": gh.hosting_usd * hours},
        ]
    rows.append({"option": sh_label, "component": "Staff", "monthly_usd": sh.staff_usd})
    return [row for row in rows if row["monthly_usd"] > 0]


def _volume_curve(ctx: BriefContext) -> list[dict[str, Any]]:
    """Monthly cost of each option at volumes around today's and the break-even."""
    import dataclasses

    from analysis import tco as tco_model

    r, n = ctx.report, ctx.names
    w = r.tco.workload
    sizing = r.tco.self_hosted.sizing
    case = ctx.scenario.case
    today = w.requests_per_month
    be = r.tco.break_even.requests_per_month
    top = max(today * 4, (be or 0) * 1.6)
    low = today / 10
    points = 90
    out = []
    for i in range(points + 1):
        volume = low * (top / low) ** (i / points)  # log-spaced
        load = dataclasses.replace(w, requests_per_month=volume)
        api_usd = tco_model.api_cost(load, case.api).monthly_usd
        sh_usd = tco_model.self_hosted_cost(load, case.self_hosted, sizing).monthly_usd
        out.append(
            {"requests_per_month": volume, "option": f"API: {n.api_model}", "monthly_usd": api_usd}
        )
        out.append(
            {
                "requests_per_month": volume,
                "option": f"Self-hosted: {n.open_model}",
                "monthly_usd": sh_usd,
            }
        )
    return out


@_kept
def cost(ctx: BriefContext) -> Section:
    """Cost comparison and break-even: both bills, their parts, and cost against volume.

    Args:
        ctx: the brief's context.

    Returns:
        A section with KPIs, a stacked cost chart and the break-even curve.
    """
    import pandas as pd

    from analysis import charts

    r, n = ctx.report, ctx.names
    tco, w = r.tco, r.tco.workload
    sh, api, be = tco.self_hosted, tco.api, tco.break_even
    sizing = sh.sizing
    option = ctx.scenario.self_hosted
    gh = sizing.gpu_hour
    as_of = iso(ctx.as_of)
    # Short chart captions; the full sources are in the assumptions table.
    price_src = f"{n.api_provider} list prices in force {as_of} (api_prices)"
    gpu_src = (
        f"GPU offer {option.cloud_offer} (gpu_cloud_prices)"
        if gh.ownership == "rent" and option.cloud_offer
        else "GPU purchase price and power (gpus, scenario)"
    )
    per_replica = sizing.gpus_per_replica
    paragraphs = [
        f"The API costs {usd(api.per_mtok_usd, 2)} per million tokens at the list prices in force "
        f"on {as_of}. Self-hosting costs {usd(sh.per_mtok_usd, 2)} per million: {sh.replicas} "
        f"replica{'s' if sh.replicas != 1 else ''} of {per_replica} "
        f"GPU{'s' if per_replica != 1 else ''} ({sizing.gpus_basis}), each delivering "
        f"{number(sizing.throughput.tok_s)} tokens a second "
        f"({_short_basis(ctx, sizing.throughput.basis)}) at "
        f"{pct(option.utilisation)} planned utilisation, at {usd(gh.usd, 2)} a GPU-hour "
        f"({_ownership(option)}) plus {usd(sh.staff_usd)} a month of staff.",
    ]
    if be.requests_per_month is not None:
        paragraphs.append(
            f"The two bills meet at {number(be.requests_per_month)} requests a month; the next "
            f"replica is needed at {number(sh.next_replica_at_requests_per_month)}."
        )
    else:
        paragraphs.append(f"There is no break-even volume: {be.reason}.")
    notes = [
        f"Output tokens are {pct(api.output_usd / api.monthly_usd if api.monthly_usd else 0)} "
        f"of the API bill; self-hosting is sized for a peak of {number(sh.peak_output_tok_s)} "
        "output tokens a second."
    ]
    q = r.quality
    if q is not None:
        benches = ", ".join(b.benchmark for b in q.benchmarks)
        notes.append(
            f"On quality ({benches}), {n.open_model} averages {q.open_quality:.1f} points "
            f"against {q.closed_quality:.1f} for {n.api_model} ({pct(q.ratio)}): "
            f"{usd(q.self_hosted_usd_per_point)} against {usd(q.api_usd_per_point)} a month per "
            "point of quality."
        )
    comp = pd.DataFrame(_cost_components(ctx))
    figures = [
        Figure(
            charts.tco_comparison(
                comp,
                source=[price_src, gpu_src],
                as_of=as_of,
                title="Monthly cost by option and component",
            ),
            f"Monthly cost at {number(w.requests_per_month)} requests, by component.",
            # Two bars, each labelled on two lines ("API" / the model), to fit a half column.
            size=size(
                HALF_WIDTH - 80,
                64,
                legend_columns=2,
                config={
                    "axisY": {"labelExpr": "split(datum.label, ': ')", "labelLineHeight": 13},
                    "axisX": {"tickCount": 4},
                    "legend": {"offset": 6},
                },
            ),
            legend={"title": None},
        ),
        Figure(
            _compact(
                charts.break_even_curve(
                    pd.DataFrame(_volume_curve(ctx)),
                    source=[price_src, gpu_src],
                    as_of=as_of,
                    break_even=be.requests_per_month,
                    title="Monthly cost against volume",
                    x_title="Requests per month",
                )
            ),
            "Self-hosted cost steps up with each replica; the API's grows with every request. "
            "Where the lines cross is the break-even volume.",
            size=size(FULL_WIDTH, DETAIL_HEIGHT, config={"axisX": {"tickCount": 8}}),
            placement="appendix",
        ),
    ]
    return Section(
        key="cost",
        title="Cost comparison and break-even",
        finding=(
            f"Self-hosting costs {usd(sh.monthly_usd)} a month against {usd(api.monthly_usd)} for "
            f"the API: {usd(abs(tco.difference_usd))} "
            f"{'less' if tco.difference_usd < 0 else 'more'}"
            + (
                f", and {usd(abs(tco.difference_usd) * r.horizon_months)} over "
                f"{r.horizon_months} months."
                if r.horizon_months
                else "."
            )
        ),
        layout="split",
        paragraphs=paragraphs,
        notes=notes,
        figures=figures,
        numbers={
            "api_monthly_usd": api.monthly_usd,
            "self_hosted_monthly_usd": sh.monthly_usd,
            "replicas": float(sh.replicas),
            "gpus": float(sh.gpus),
        },
    )


#: Readable labels of scenario parameters (others are derived from the dotted name).
PARAMETER_LABELS = {
    "workload.requests_per_month": "Requests per month",
    "workload.input_tokens": "Input tokens per request",
    "workload.output_tokens": "Output tokens per request",
    "workload.cached_share": "Share of input served from cache",
    "workload.peak_to_average": "Peak-to-average traffic",
    "workload.hours_per_month": "Hours per month",
    "api.input_usd_per_mtok": "API input price",
    "api.output_usd_per_mtok": "API output price",
    "api.cached_input_usd_per_mtok": "API cached-input price",
    "self_hosted.gpu_hour_usd": "GPU rent per hour",
    "self_hosted.capex_usd_per_gpu": "GPU purchase price",
    "self_hosted.amortisation_years": "Amortisation period",
    "self_hosted.power_w": "Power per GPU",
    "self_hosted.pue": "Data-centre PUE",
    "self_hosted.usd_per_kwh": "Power price",
    "self_hosted.hosting_usd_per_gpu_month": "Hosting per GPU-month",
    "self_hosted.staff_fte": "Operations staff (FTE)",
    "self_hosted.staff_annual_usd": "Cost of one FTE a year",
    "self_hosted.utilisation": "Planned GPU utilisation",
    "self_hosted.throughput_tok_s": "Replica throughput",
    "self_hosted.concurrent_sequences": "Concurrent sequences per replica",
    "self_hosted.context_tokens": "Context held per sequence",
    "self_hosted.kv_bytes_per_value": "KV-cache bytes per value",
    "self_hosted.overhead_share": "Memory overhead",
    "self_hosted.gpus_per_replica": "GPUs per replica",
}


def parameter_label(path: str) -> str:
    """A readable name for a dotted scenario parameter."""
    if path in PARAMETER_LABELS:
        return PARAMETER_LABELS[path]
    last = path.rsplit(".", 1)[-1].replace("_", " ")
    return last[:1].upper() + last[1:]


def format_value(value: Any, unit: str) -> str:
    """A parameter's value with its unit, e.g. ``$2.50 per 1M input tokens``, ``70%``."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    v = float(value)
    _finite(v, unit or "value")
    u = unit.lower()
    if u.startswith("share") or u == "share":
        return pct(v)
    if u.startswith("ratio"):
        return f"{v:g}×"
    if u.startswith("usd"):
        rest = unit[3:].strip()
        if rest.startswith("/"):
            rest = "per " + rest[1:]
        digits = 2 if abs(v) < 1000 else 0
        return f"{usd(v, digits)} {rest}".strip()
    text = f"{v:,.0f}" if abs(v) >= 1000 or v == int(v) else f"{v:,.3g}"
    return f"{text} {unit}".strip()


@_kept
def risk(ctx: BriefContext) -> Section:
    """Sensitivity (tornado) and uncertainty (P10–P90) of the cost comparison.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the tornado chart of the assumptions that move the
        difference most, and the Monte Carlo percentiles.
    """
    import pandas as pd

    from analysis import charts, tco

    r = ctx.report
    t = r.tornado
    top = [row for row in t.rows if row.swing > 0][: int(ctx.options["tornado_bars"])]
    base = t.base_result
    flips = [
        row
        for row in top
        if any(x is not None and (x < 0) != (base < 0) for x in (row.low_result, row.high_result))
    ]
    metric_words = {
        "difference": "self-hosted − API, USD a month",
        "api": "API cost, USD a month",
        "self_hosted": "self-hosted cost, USD a month",
    }[t.metric]
    paragraphs = []
    finding = "No assumption moves the result."
    if top:
        names = [lower_first(parameter_label(row.parameter)) for row in top[:3]]
        finding = (
            f"The answer is most exposed to {names[0]}: ±{t.pct:g}% moves the result by up to "
            f"{usd(top[0].swing)} a month"
        )
        if t.metric == "difference":
            finding += (
                f", and no single ±{t.pct:g}% change reverses which option is cheaper."
                if not flips
                else f"; a ±{t.pct:g}% change in "
                f"{lower_first(parameter_label(flips[0].parameter))} alone reverses which "
                "option is cheaper: watch it."
            )
        else:
            finding += "."
    tables = []
    mc = r.monte_carlo
    if mc is not None:
        drawn = ", ".join(lower_first(parameter_label(p)) for p in mc.parameters)
        paragraphs.append(
            f"In 80% of {number(mc.draws)} simulated futures (P10 to P90), "
            f"{_difference_range(mc.difference)}; self-hosting is cheaper in "
            f"{_share_words(mc.p_self_hosted_cheaper)}."
        )
        tables.append(
            Table(
                ["Monthly cost", "P10", "Median", "P90"],
                [
                    [
                        f"API: {ctx.names.api_model}",
                        usd(mc.api.p10),
                        usd(mc.api.p50),
                        usd(mc.api.p90),
                    ],
                    [
                        f"Self-hosted: {ctx.names.open_model}",
                        usd(mc.self_hosted.p10),
                        usd(mc.self_hosted.p50),
                        usd(mc.self_hosted.p90),
                    ],
                    [
                        "Difference (self-hosted − API)",
                        usd(mc.difference.p10),
                        usd(mc.difference.p50),
                        usd(mc.difference.p90),
                    ],
                ],
                caption="Monthly cost across simulated futures",
                numeric=[1, 2, 3],
                highlight=[2],
                widths=(49, 17, 17, 17),
                note=f"Monte Carlo, {number(mc.draws)} draws, seed {mc.seed}, drawing {drawn} "
                "from the ranges stated in the scenario (see the assumptions).",
            )
        )
    else:
        paragraphs.append("No uncertainty ranges were given, so no simulation was run.")
    figures = []
    if top:
        df = pd.DataFrame(
            [
                {
                    "parameter": parameter_label(row.parameter),
                    "low_result": row.low_result if row.low_result is not None else base,
                    "high_result": row.high_result if row.high_result is not None else base,
                    "low_label": format_value(
                        row.low_value, tco.parameter_spec(row.parameter).unit
                    ),
                    "high_label": format_value(
                        row.high_value, tco.parameter_spec(row.parameter).unit
                    ),
                }
                for row in top
            ]
        )
        figures.append(
            Figure(
                charts.tornado(
                    df,
                    source="the scenario's assumptions (appendix B)",
                    as_of=iso(ctx.as_of),
                    base=base,
                    title=f"What moves the answer: each assumption ±{t.pct:g}%",
                    x_title=metric_words[:1].upper() + metric_words[1:],
                    value_format="$,.0f",
                ),
                "The result with one assumption lowered and raised, the others held. "
                + (
                    "Below zero, self-hosting is cheaper."
                    if t.metric == "difference"
                    else "Longer bars matter more."
                ),
                size=size(HALF_WIDTH - 50, 14 * len(top), config={"legend": {"offset": 6}}),
                # One legend row: "low value", "high value" (the builder says "Parameter at its …").
                legend={"columns": 2, "labelExpr": "replace(datum.label, 'Parameter at its ', '')"},
            )
        )
    return Section(
        key="risk",
        title="Sensitivity and uncertainty",
        finding=finding,
        layout="split",
        paragraphs=paragraphs,
        figures=figures,
        tables=tables,
        numbers={
            "base_result": base,
            "p_self_hosted_cheaper": mc.p_self_hosted_cheaper if mc else -1.0,
        },
    )


#: The single options a hybrid split is compared with, as the finding names them.
_ALONE = {"API only": "the API alone", "Self-hosted only": "self-hosting alone"}


@_kept
def hybrid(ctx: BriefContext) -> Section:
    """The hybrid split: each task class sent to the cheapest option good enough for it.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the split as a table and its cost against the single options.
    """
    r, n = ctx.report, ctx.names
    rr = r.routing
    if rr is None:
        return Section(
            key="hybrid",
            title="A hybrid split",
            finding="Not assessed: the scenario defines no task classes to route.",
        )
    single = {"API only": r.tco.api.monthly_usd, "Self-hosted only": r.tco.self_hosted.monthly_usd}
    best_name = min(single, key=lambda k: single[k])
    saving = 1 - rr.monthly_usd / single[best_name] if single[best_name] else 0.0
    rows = [
        [
            c.name,
            pct(c.share),
            c.option,
            f"{c.score:.1f} vs {c.required_score:.1f} ({c.benchmark})",
            usd(c.monthly_usd),
        ]
        for c in rr.classes
    ]
    failures = _hybrid_failures(ctx, must_have_failures(ctx))
    paragraphs = [f"It fails the must-haves: {failures[0]}."] if failures else []
    return Section(
        key="hybrid",
        title="A hybrid split",
        finding=(
            "Sending each task class to the cheapest model good enough for it costs "
            f"{usd(rr.monthly_usd)} a month, "
            + (f"{pct(saving)} less than" if saving > 0 else f"{pct(-saving)} more than")
            + f" {_ALONE[best_name]} ({usd(single[best_name])}), at a traffic-weighted quality of "
            f"{rr.quality:.1f} points."
        ),
        paragraphs=paragraphs,
        kpis=[
            Kpi("Hybrid · per month", usd(rr.monthly_usd), f"quality {rr.quality:.1f} points"),
            Kpi("API only", usd(single["API only"]), n.api_model),
            Kpi("Self-hosted only", usd(single["Self-hosted only"]), n.open_model),
        ],
        brief_kpis=False,
        tables=[
            Table(
                ["Task class", "Share", "Sent to", "Score vs floor", "Per month"],
                rows,
                numeric=[1, 4],
                widths=(22, 10, 22, 32, 14),
                note="Each class goes to the cheapest option whose published score meets its "
                "floor; a self-hosted deployment's cost is shared by output tokens.",
            )
        ],
        numbers={"hybrid_monthly_usd": rr.monthly_usd, "saving_share": saving},
    )


@_kept
def scorecard(ctx: BriefContext) -> Section:
    """The five strategic factors beyond cost, scored 0–5 and weighted, and the must-haves.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the scorecard grid and a must-have table.
    """
    import pandas as pd

    from analysis import charts

    r = ctx.report
    card = r.scorecard
    if card is None:
        return Section(
            key="scorecard",
            title="Strategic scorecard",
            finding="Not assessed: the scenario gives no scorecard requirements or weights.",
        )
    weights = card.weights
    rows = [
        {
            "factor": FACTOR_NAMES[s.factor],
            "option": o.name,
            "score": s.score,
            "weight": getattr(weights, s.factor),
        }
        for o in card.options
        for s in o.scores
    ]
    labels = {"api": f"API ({ctx.names.api_model})", "self_hosted": "Self-hosted"}
    for row in rows:
        kind = next(o.kind for o in card.options if o.name == row["option"])
        row["option"] = labels[kind]
    failures = must_have_failures(ctx)
    req = card.requirements
    must = []
    if req.jurisdiction:
        must.append(f"Processed in {req.jurisdiction}")
    must.extend(req.compliance)
    must_rows = []
    for item in must:
        cells = [item]
        for kind in ("api", "self_hosted"):
            failed = [f for f in failures[kind] if item.casefold() in f.casefold()]
            if item.startswith("Processed in"):
                failed = [f for f in failures[kind] if req.jurisdiction and req.jurisdiction in f]
            cells.append("no: " + failed[0] if failed else "yes")
        must_rows.append(cells)
    totals = ", ".join(f"{labels[o.kind]} {o.weighted_total:.2f}" for o in card.options)
    if card.winner:
        winner_kind = next(o.kind for o in card.options if o.name == card.winner)
        finding = (
            f"{labels[winner_kind]} leads the scorecard by {card.margin:.2f} points of 5 "
            f"({totals}); the deciding factor is "
            f"{FACTOR_NAMES[card.deciding_factor].lower()}."
        )
    else:
        finding = "The two options tie on the weighted scorecard."
    weight_text = ", ".join(
        f"{FACTOR_NAMES[f].lower()} {getattr(weights, f):g}" for f in FACTOR_NAMES
    )
    return Section(
        key="scorecard",
        title="Strategic scorecard",
        finding=finding,
        layout="split",
        paragraphs=[
            f"Weights: {weight_text}. Each score follows a stated rule from the scenario's facts "
            "(where requests are processed, who owns the hardware, the documented compliance, "
            "the spread of the bill, measured latency).",
        ],
        figures=[
            Figure(
                charts.scorecard(
                    pd.DataFrame(rows),
                    source="scenario facts scored by the toolkit's stated rules",
                    as_of=iso(ctx.as_of),
                    title="Strategic factors, scored 0–5",
                ),
                "Higher is better; the last row is the weighted total.",
                # Column labels on two lines ("API" / "(model)") so neighbours cannot overlap.
                size=size(
                    config={
                        "axisX": {
                            "labelExpr": "split(replace(datum.label, ' (', '|('), '|')",
                            "labelLineHeight": 12,
                            # Room for the second line above the grid (the axis is on top).
                            "labelPadding": 14,
                        }
                    }
                )
                | {"width": {"step": 80}, "height": {"step": 15}},
            )
        ],
        tables=[
            Table(
                ["Must-have", "API", "Self-hosted"],
                must_rows,
                caption="Must-have requirements",
                widths=(34, 33, 33),
                note="An option that fails a must-have is ruled out whatever it costs.",
            )
        ]
        if must_rows
        else [],
        numbers={"margin": card.margin},
    )


@_kept
def gap_trend(ctx: BriefContext) -> Section:
    """How far open-weight models trail closed ones, and whether the gap is closing.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the frontier chart of the first benchmark and the
        monthly Arena rating gap.
    """
    from analysis import charts, gap

    o = ctx.options
    bench = o["benchmarks"][0]
    g = gap.benchmark_gap(bench, source=o["gap_source"], as_of=ctx.as_of)
    v = g.vertical
    as_of = iso(ctx.as_of)
    lag = g.lag_months
    paragraphs = [
        f"On {g.benchmark}, the best open-weight model released by {as_of} "
        f"({v.best_open.model}, {v.best_open.score:.1f}) scores "
        + (f"{pct(v.ratio)} of" if v.ratio is not None else f"{v.points:.1f} points below")
        + f" the best closed model ({v.best_closed.model}, {v.best_closed.score:.1f})"
        + (
            "; the lag is Epoch AI's measure, averaged over the score levels both sides reached."
            if lag is not None
            else "."
        )
    ]
    figures = [
        Figure(
            _compact(
                charts.frontier(
                    g.frontier,
                    source=", ".join(g.selection.reported_by) or "benchmark_scores",
                    as_of=as_of,
                    title=f"Best open and closed scores over time: {g.benchmark}",
                    score_title=f"{g.benchmark} ({g.selection.unit or 'score'})",
                )
            ),
            "Each line is the best score of its side so far; the shaded band is the gap.",
            size=size(FULL_WIDTH, DETAIL_HEIGHT),
            placement="appendix",
        )
    ]
    trend_words = ""
    numbers: dict[str, float] = {
        "ratio": v.ratio or 0.0,
        "lag_months": lag if lag is not None else -1.0,
    }
    ratings = gap.load_tables("arena_ratings")["arena_ratings"]
    try:
        monthly = gap.arena_monthly_gap(ratings, as_of=ctx.as_of)
    except Exception as exc:  # a GapError: no month with both sides
        paragraphs.append(f"The Arena trend cannot be drawn: {exc}.")
        monthly = None
    if monthly is not None and len(monthly):
        last = monthly.iloc[-1]
        year_ago = monthly[monthly["snapshot_date"] <= last["snapshot_date"] - _year()]
        trend = ""
        if len(year_ago):
            before = year_ago.iloc[-1]
            change = float(last["gap_points"]) - float(before["gap_points"])
            word = "narrowed" if change < 0 else "widened"
            trend = (
                f" (against {float(before['gap_points']):.0f} in {before['snapshot_date']:%B %Y})"
            )
            trend_words = (
                f"; in people's head-to-head votes the gap has {word} by {abs(change):.0f} "
                "rating points over a year"
            )
            numbers["arena_change_points"] = change
        paragraphs.append(
            f"In head-to-head votes (LMArena) the best closed model led the best open one by "
            f"{float(last['gap_points']):.0f} rating points in {last['snapshot_date']:%B %Y}, "
            f"the latest snapshot{trend}; the open model wins about "
            f"{pct(float(last['open_win_share']))} of direct comparisons."
        )
        numbers["arena_gap_points"] = float(last["gap_points"])
        figures.append(
            Figure(
                _compact(
                    charts.arena_gap(
                        monthly,
                        source="LMArena text leaderboard snapshots (arena_ratings)",
                        as_of=as_of,
                        title="The gap in human preference votes",
                    )
                ),
                "One bar per monthly snapshot.",
                size=size(HALF_WIDTH + 30, SMALL_HEIGHT - 45),
                axis_titles={"y": "Lead (rating points)", "x": None},
            )
        )
    finding = (
        f"Open-weight models trail the closed frontier by about {months(lag)} on {g.benchmark}"
        if lag is not None
        else f"On {g.benchmark}, open-weight models are {v.points:.1f} points behind"
    ) + f"{trend_words}."
    return Section(
        key="gap",
        title="The gap between open and closed models, and its trend",
        finding=finding,
        layout="split",
        paragraphs=paragraphs,
        figures=figures,
        numbers=numbers,
    )


#: Height of the memo's line and bar charts [px]: shorter than the notebook default, so
#: the brief stays close to two printed pages before its appendix.
CHART_HEIGHT = 220


def _compact(chart: Any) -> Any:
    """The chart at :data:`CHART_HEIGHT` (a copy; builders' other settings are kept)."""
    return chart.properties(height=CHART_HEIGHT)


def _year() -> Any:
    import pandas as pd

    return pd.DateOffset(years=1)


@_kept
def throughput(ctx: BriefContext) -> Section | None:
    """Measured throughput of the open model from a stored probe run, when one is named.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the throughput against concurrency, or None without a probe run.
    """
    import pandas as pd

    from analysis import charts

    p = ctx.probe
    if p is None:
        return None
    levels = p.levels
    ttft = (
        f"; measured p95 time to first token {number(p.ttft_p95_ms)} ms"
        if p.ttft_p95_ms is not None
        else ""
    )
    conc = p.best_concurrency
    finding = (
        f"Measured: {number(p.best_tok_s or 0)} output tokens a second per replica within the "
        "service level; the cost model uses it."
    )
    notes = [
        f"Load test of {p.started}: {p.model} on {p.hardware}, best at {conc} concurrent "
        f"request{'' if conc == 1 else 's'}; service level {p.slo}{ttft}."
    ]
    figures = []
    if "concurrency" in levels.columns and "output_tokens_per_s" in levels.columns:
        df = levels[["concurrency", "output_tokens_per_s"]].dropna()
        if len(df):
            figures.append(
                Figure(
                    _compact(
                        charts.probe_throughput(
                            pd.DataFrame(df),
                            source=f"probe run {p.run_id}: {p.model} on {p.hardware}",
                            as_of=p.started,
                            title="Measured throughput against concurrent requests",
                        )
                    ),
                    "Output tokens per second across all concurrent requests, per load level.",
                    size=size(FULL_WIDTH, DETAIL_HEIGHT),
                    placement="appendix",
                )
            )
    kpis = [
        Kpi("Measured throughput", f"{number(p.best_tok_s or 0)} tok/s", "per replica, within SLO")
    ]
    if p.ttft_p95_ms is not None:
        kpis.append(Kpi("Time to first token", f"{number(p.ttft_p95_ms)} ms", "p95 at that load"))
    return Section(
        key="throughput",
        title="Measured throughput",
        finding=finding,
        notes=notes,
        kpis=kpis,
        brief_kpis=False,
        figures=figures,
        numbers={"best_tok_s": float(p.best_tok_s or 0)},
    )


def _basis_kind(text: str | None) -> str:
    if not text:
        return "no stated source"
    low = text.lower()
    if low.startswith("measured"):
        return "measured"
    if "roofline" in low or ("estimate" in low and "assumption" not in low):
        return "estimate"
    if "assumption" in low or "illustrative" in low:
        return "assumption"
    return "sourced"


def assumptions(ctx: BriefContext) -> Section:
    """Every figure the comparison rests on, with its value and where it comes from.

    Args:
        ctx: the brief's context.

    Returns:
        A section with the assumptions table; figures without a stated source are counted.
    """
    from analysis import tco

    s = ctx.scenario
    case = s.case
    sizing = ctx.report.tco.self_hosted.sizing
    paths = list(tco.assumptions_in_use(case))
    rows = []
    for path in paths:
        value = case.value(path)
        unit = tco.parameter_spec(path).unit
        basis = s.sources.get(path)
        rows.append(
            [parameter_label(path), format_value(value, unit), _basis_kind(basis), basis or "—"]
        )
    rows.append(
        [
            "Replica throughput",
            f"{number(sizing.throughput.tok_s)} tok/s",
            _basis_kind(s.sources.get("self_hosted.throughput_tok_s") or sizing.throughput.basis),
            s.sources.get("self_hosted.throughput_tok_s") or sizing.throughput.detail,
        ]
    )
    rows.append(
        [
            "GPUs per replica",
            str(sizing.gpus_per_replica),
            "derived"
            if sizing.gpus_basis == "memory fit"
            else _basis_kind(s.sources.get("self_hosted.gpus_per_replica")),
            (
                f"memory fit: {sizing.memory_fit.required_gb:,.0f} GB needed at "
                f"{sizing.memory_fit.quantisation}, {sizing.memory_fit.gpu_memory_gb:g} GB per GPU"
            )
            if sizing.memory_fit is not None
            else s.sources.get("self_hosted.gpus_per_replica", "given"),
        ]
    )
    o = ctx.options
    rows.append(
        [
            "Decision rule",
            f"margin {o['scorecard_margin']:g} pts, premium {pct(o['premium_tolerance'])}, "
            f"hybrid saving {pct(o['hybrid_min_saving'])}",
            "assumption",
            "the brief's stated rule for preferring the scorecard's winner or a hybrid split",
        ]
    )
    unsourced = [r[0] for r in rows if r[2] == "no stated source"]
    kinds = [r[2] for r in rows]
    estimated = kinds.count("estimate") + kinds.count("derived")
    assumed = kinds.count("assumption")
    finding = (
        f"{kinds.count('sourced')} figures come from sourced data, {kinds.count('measured')} "
        f"from measurement, {estimated} {'is' if estimated == 1 else 'are'} estimated or "
        f"derived and {assumed} {'is a' if assumed == 1 else 'are'} stated "
        f"assumption{'' if assumed == 1 else 's'}"
        + (f"; {len(unsourced)} have no stated source." if unsourced else ".")
    )
    return Section(
        key="assumptions",
        eyebrow="Appendix B",
        title="Assumptions",
        appendix=True,
        finding=finding,
        tables=[
            Table(["Figure", "Value", "Kind", "Source or basis"], rows, widths=(24, 19, 11, 46))
        ],
        numbers={"rows": float(len(rows)), "unsourced": float(len(unsourced))},
    )


#: The warehouse tables a brief reads, with what each holds.
DATASETS = {
    "api_prices": "API prices by date",
    "models": "models and their specifications",
    "gpus": "GPU datasheet figures",
    "gpu_cloud_prices": "cloud GPU offers",
    "benchmark_scores": "benchmark results",
    "arena_ratings": "LMArena ratings",
    "gap_claims": "published gap claims",
}


def sources(ctx: BriefContext) -> Section:
    """The sources and as-of dates of every dataset the brief used.

    Args:
        ctx: the brief's context.

    Returns:
        A section with one row per dataset (rows, distinct sources, date range)
        and the probe run, when one was used.
    """
    from analysis import warehouse

    info = warehouse.table_sources()
    rows = []
    for table, what in DATASETS.items():
        t = info.get(table)
        if t is None:
            continue
        rows.append(
            [
                f"{what} ({t['file']})",
                f"{t['rows']:,}",
                f"{t['sources']:,}",
                _table_date_range(t),
            ]
        )
    if ctx.probe is not None:
        rows.append([f"probe run {ctx.probe.run_id} (probe store)", "1", "1", ctx.probe.started])
    built = warehouse.summary(today=ctx.as_of).get("built_at")
    notes = [
        "Every row of the datasets names its source (repository and commit, or URL) and its "
        "date; see datasets/SOURCES.md. Estimates are marked as such in their rows.",
    ]
    if built is not None:
        notes.append(f"Warehouse built {built:%Y-%m-%d %H:%M} UTC from the curated CSV files.")
    if ctx.params_file:
        notes.append(f"Parameters: {ctx.params_file}.")
    return Section(
        key="sources",
        eyebrow="Appendix C",
        title="Sources and dates",
        appendix=True,
        finding=f"All figures are as of {iso(ctx.as_of)} unless a row below says otherwise.",
        tables=[Table(["Dataset", "Rows", "Sources", "Dates covered"], rows, numeric=[1, 2])],
        notes=notes,
        numbers={"datasets": float(len(rows))},
    )


def detailed_charts(ctx: BriefContext) -> Section:
    """The first page of the appendix: the detailed charts the memo's sections refer to.

    Sections keep their secondary charts (``placement="appendix"``) so that the
    memo itself stays about two printed pages; they are drawn here, full width.

    Args:
        ctx: the brief's context.

    Returns:
        A section that starts the appendix, with every appendix-placed figure.
    """
    figures = []
    for build in MEMO_SECTIONS:
        section = build(ctx)
        if section is None:
            continue
        figures.extend(
            dataclasses.replace(f, placement="body")
            for f in section.figures
            if f.placement == "appendix"
        )
    return Section(
        key="charts",
        eyebrow="Appendix A",
        title="Detailed charts",
        finding=(
            "Supporting detail for the memo: the full charts behind its findings (A), every "
            "assumption with its source (B) and the datasets with their dates (C)."
        ),
        figures=figures,
        layout="wide",
        notes=[] if figures else ["No section has a detailed chart for this brief."],
        appendix=True,
        starts_appendix=True,
        numbers={"charts": float(len(figures))},
    )


#: The sections of the memo itself (about two printed pages), in order.
MEMO_SECTIONS: tuple[Callable[[BriefContext], Section | None], ...] = (
    recommendation,
    claim_check,
    cost,
    risk,
    hybrid,
    scorecard,
    gap_trend,
    throughput,
)

#: The sections of a brief, in order (the notebook shows them one per cell): the memo,
#: then the appendix.
SECTIONS: tuple[Callable[[BriefContext], Section | None], ...] = (
    *MEMO_SECTIONS,
    detailed_charts,
    assumptions,
    sources,
)
