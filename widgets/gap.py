"""Gap explorer: how far open-weight models trail closed ones, with intervals, and which
published claims the data bears out.

Controls: the measure (Epoch AI's Capabilities Index, a single benchmark, or the
Arena rating), whose scores count (independent runs, the developers' own tables,
or both), the lag method and a date range. The end of the range is the analysis
date (models released by then, prices in force then, claims judged "now" with
the data of then); the start only trims the frontier chart. The gap and its intervals
come from :func:`analysis.gap.benchmark_gap` (which keeps the latest result: the
claim check measuring the same benchmark on the same date reuses it), the gap
month by month from :func:`analysis.gap.gap_over_time` (computed once to the
range's last date and cut at the end, each month being computed as of its own
last day), the charts from :mod:`analysis.charts` and the claim check from the
brief's own, brief-free section (:func:`analysis.memo.claims_section`).

The state is a small :class:`GapView` dataclass, saved as YAML by
:mod:`widgets.state`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from analysis.errors import ScenarioError
from widgets.base import Panel, View, chart_spec
from widgets.cards import Card, note_html

if TYPE_CHECKING:
    import ipywidgets as W

    from analysis.gap import GapResult, GapSeries, Trend
    from analysis.memo import Section

SOURCES = (("Independent runs", "independent"), ("Developers' tables", "vendor"), ("Both", "all"))
ARENA = "arena"
ECI = "eci"
#: Lag methods offered: None lets the measure decide (days for ECI, levels otherwise).
METHODS = (
    ("as the measure decides", None),
    ("averaged over days", "days"),
    ("at new open records", "records"),
    ("over score levels", "levels"),
)
#: The first month the date range offers: the earliest model releases in the data are 2023.
FIRST_MONTH = date(2023, 1, 1)


@dataclasses.dataclass(frozen=True)
class GapView:
    """What the gap explorer shows.

    Attributes:
        benchmark: a ``benchmark_scores`` label, or ``arena`` for the Arena rating.
        source: ``independent``, ``vendor`` or ``all``.
        start: the first release date the frontier chart shows.
        end: the analysis date: models released by then, claims checked then.
        setting: None (the selection rules decide), ``best`` (each model at its best
            run) or one setting text, when a benchmark has several.
        method: the lag method (``days``, ``records``, ``levels``; None: the measure's
            default).
    """

    benchmark: str
    source: str
    start: date
    end: date
    setting: str | None = None
    method: str | None = None

    def __post_init__(self) -> None:
        if self.source not in {s for _, s in SOURCES}:
            raise ScenarioError("source", self.source, "must be independent, vendor or all")
        if self.start > self.end:
            raise ScenarioError("start", self.start.isoformat(), f"is after end ({self.end})")
        if self.method not in {m for _, m in METHODS}:
            raise ScenarioError("method", self.method, "must be days, records, levels or empty")


def months(first: date, last: date) -> list[tuple[str, date]]:
    """Month starts from ``first`` to ``last``, then ``last`` itself, as range-slider options.

    Args:
        first: the first month (its day is ignored).
        last: the last date offered.

    Returns:
        ``(label, date)`` pairs, labels such as ``Jan 2024`` (``29 Nov 2026`` for ``last``).
    """
    out, year, month = [], first.year, first.month
    while (year, month) < (last.year, last.month) or (
        (year, month) == (last.year, last.month) and last.day > 1
    ):
        out.append((f"{date(year, month, 1):%b %Y}", date(year, month, 1)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    out.append((f"{last:%d %b %Y}", last))
    return out


class GapExplorer(Panel[GapView]):
    """Measure, score source, lag method and date range in; the gap with its intervals, the
    frontier and the gap month by month, and the claim check out.

    Args:
        benchmark: the measure to open with: ``eci`` (Epoch AI's Capabilities Index), a
            benchmark label, or ``arena`` for the Arena rating.
        source: ``independent`` (default), ``vendor`` or ``all``.
        end: the analysis date (default: today, the only place a "today" enters).
        start: the first date the frontier chart shows (default: 2023-01-01).

    Attributes:
        result: the last :class:`analysis.gap.GapResult` shown (with its ``estimate``).
    """

    title = "The gap: how far do open-weight models trail closed ones?"
    lead = (
        "How far the best open-weight model is behind the best closed one, in months and in "
        "points, each with its 90% interval; whether the gap is closing; and the published "
        "claims judged with the data of their day and of the end of the range."
    )
    chart_names = ("frontier", "over_time")
    block_names = ("claims", "notes")

    def __init__(
        self,
        benchmark: str = "GPQA-Diamond",
        source: str = "independent",
        *,
        end: date | None = None,
        start: date | None = None,
    ) -> None:
        import ipywidgets as W

        from analysis import gap

        super().__init__()
        self.result: GapResult | None = None
        self._claims: dict[tuple[str, str, date], Section] = {}
        self._series: dict[tuple[str, str, str | None, date], GapSeries | str] = {}
        self._over_time_spec: tuple[tuple[Any, ...], dict[str, Any]] | None = None
        labels = gap.benchmark_labels(gap.load_tables("benchmark_scores")["benchmark_scores"])
        end = end or date.today()  # "today" only at the notebook edge
        wide = {"description_width": "120px"}
        self.benchmark = W.Dropdown(
            options=[
                ("Epoch Capabilities Index (ECI: many benchmarks)", ECI),
                ("Arena rating (LMArena votes)", ARENA),
                *[(f"{b} (single benchmark)", b) for b in labels],
            ],
            description="Measure",
            style=wide,
            layout=W.Layout(width="460px"),
        )
        self.source = W.ToggleButtons(
            options=SOURCES,
            description="Scores from",
            style={**wide, "button_width": "150px"},
        )
        self.setting = W.Dropdown(
            options=[
                ("as the selection rules decide", None),
                ("each model at its best run", "best"),
            ],
            description="Settings",
            style=wide,
            layout=W.Layout(width="460px"),
        )
        self.method = W.Dropdown(
            options=list(METHODS),
            description="Lag",
            style=wide,
            layout=W.Layout(width="460px"),
        )
        self.dates = W.SelectionRangeSlider(
            options=months(FIRST_MONTH, end),
            description="Released",
            continuous_update=False,
            style=wide,
            layout=W.Layout(width="720px"),
        )
        self.write_state(GapView(benchmark, source, start or FIRST_MONTH, end))
        self._finish([self.benchmark, self.source, self.setting, self.method, self.dates])

    def controls(self) -> W.VBox:
        import ipywidgets as W

        return W.VBox([self.benchmark, self.source, self.setting, self.method, self.dates])

    # ------------------------------------------------------------------ state

    def write_state(self, state: GapView) -> None:
        values = [v for _, v in self.dates.options]
        if state.end > values[-1] or state.end not in values:
            self.dates.options = months(FIRST_MONTH, state.end)
            values = [v for _, v in self.dates.options]
        if state.benchmark not in [v for _, v in self.benchmark.options]:
            raise ScenarioError("benchmark", state.benchmark, "is not in benchmark_scores")
        start = max((v for v in values if v <= state.start), default=values[0])
        if state.setting not in [v for _, v in self.setting.options]:
            self.setting.options = [*self.setting.options, (state.setting, state.setting)]
        self.benchmark.value = state.benchmark
        self.source.value = state.source
        self.setting.value = state.setting
        self.method.value = state.method
        self.dates.value = (start, state.end)

    def read_state(self) -> GapView:
        start, end = self.dates.value
        return GapView(
            self.benchmark.value,
            self.source.value,
            start,
            end,
            self.setting.value,
            self.method.value,
        )

    def state_to_mapping(self, state: GapView) -> dict[str, Any]:
        from widgets.state import to_mapping

        return to_mapping(state)

    def state_from_mapping(self, data: Any, where: str) -> GapView:
        from widgets.state import from_mapping

        return from_mapping(GapView, data, where=where)

    # ------------------------------------------------------------------ computing

    def _gap(self, view: GapView) -> GapResult:
        """The gap, with its intervals, for the view's measure, source, setting and end.

        :func:`analysis.gap.benchmark_gap` keeps the latest result, so moving only the
        start (which just trims the charts) measures nothing again, and the claim check
        measuring the same benchmark on the same date reuses it.
        """
        from analysis import gap

        if view.benchmark in (ARENA, ECI):
            return gap.benchmark_gap(view.benchmark, as_of=view.end, method=view.method)
        return gap.benchmark_gap(
            view.benchmark,
            source=view.source,
            setting=view.setting,
            as_of=view.end,
            method=view.method,
        )

    def _series_full(self, view: GapView) -> GapSeries:
        """The gap month by month to the range's last date (kept per measure, source and
        setting).

        Raises:
            GapError: the series cannot be computed.
        """
        from analysis import gap
        from analysis.errors import GapError

        last = self.dates.options[-1][1]
        key = (view.benchmark, view.source, view.setting, last)
        if key not in self._series:
            try:
                self._series[key] = gap.gap_over_time(
                    view.benchmark,
                    as_of=last,
                    months=(last.year - FIRST_MONTH.year) * 12 + last.month - FIRST_MONTH.month + 1,
                    source=view.source,
                    setting=view.setting,
                )
            except GapError as exc:
                self._series[key] = str(exc)
        found = self._series[key]
        if isinstance(found, str):
            raise GapError(found)
        return found

    def _over_time(self, view: GapView) -> GapSeries | None:
        """The gap month by month, cut at the view's end (None for the Arena rating: its
        monthly gap compares snapshots, not frontiers)."""
        if view.benchmark == ARENA:
            return None
        return self._series_full(view).until(view.end)

    def _over_time_chart(self, view: GapView, series: GapSeries, source: str) -> dict[str, Any]:
        """The gap-month-by-month chart's spec, to the view's end.

        The chart of the whole series (to the range's last date) is built once per measure,
        source and setting; each end shows its months up to the end (each month being
        computed as of its own last day, they read the same as in a series cut there).
        """
        from analysis import charts

        last = self.dates.options[-1][1]
        key = (view.benchmark, view.source, view.setting, last, source)
        if self._over_time_spec is None or self._over_time_spec[0] != key:
            whole = self._series_full(view)
            chart = charts.gap_over_time(
                whole.table,
                source=f"{source} (snapshot {whole.snapshot})" if whole.snapshot else source,
                as_of=last.isoformat(),
                title="Is the gap closing? Month by month, with 90% bands",
                height=110,
            )
            self._over_time_spec = (key, chart_spec(chart))
        return until(self._over_time_spec[1], "month", view.end, last)

    def _claim_check(self, view: GapView) -> Section:
        """The brief's claim-check section for this measure, source and date (remembered).

        On ECI or the Arena rating only the published lag and gap claims are judged: the
        performance and cost claims need a benchmark on a percent scale, chosen as the
        measure.
        """
        from analysis import memo

        benchmarks = [] if view.benchmark in (ARENA, ECI) else [view.benchmark]
        key = (view.benchmark, view.source, view.end)
        if key not in self._claims:
            section = memo.claims_section(benchmarks, view.end, source=view.source)
            self._claims = {key: section}  # one at a time: the latest
        return self._claims[key]

    def compute(self, state: GapView) -> View:
        from analysis import charts, gap

        g = self._gap(state)
        series = self._over_time(state)
        claims = self._claim_check(state)
        self.result = g
        sel, e = g.selection, g.estimate
        shown = g.frontier[g.frontier["release_date"] >= state.start.isoformat()]
        if shown.empty:
            raise ScenarioError(
                "start", state.start.isoformat(), "no model in the range: move the start earlier"
            )
        unit = sel.unit or "score"
        source = ", ".join(sel.reported_by) or "benchmark_scores"
        if sel.snapshot is not None:
            source = f"{source}, ECI snapshot {sel.snapshot}"
        chart_set: dict[str, Any] = {
            "frontier": charts.frontier_spec(
                shown,
                source=source,
                as_of=state.end.isoformat(),
                title=f"Best open and closed scores over time: {g.benchmark}",
                score_title=f"{g.benchmark} ({unit})",
                note=sel.setting_rule,
            )
        }
        trends: list[Trend] = []
        if series is not None and len(series.months):
            chart_set["over_time"] = self._over_time_chart(state, series, source)
            for months_back in (12, 24):
                if len(series.months) >= months_back:
                    trends.append(gap.trend(series, "lag_months", months_back))
        numbers = claims.numbers
        cards = _cards(g, state, unit, numbers)
        notes = [
            f"Scores: {sel.setting_rule}. Sources: {'; '.join(sel.sources) or 'see the table'}.",
            *sel.notes,
        ]
        if e is not None:
            notes.append(
                f"Method: {e.method.description}. {e.method.level:.0%} intervals: "
                f"{e.method.resamples} resamples (seed {e.method.seed}), "
                f"{e.method.resampling.lower()}; per-model intervals: {e.method.model_intervals}."
            )
            others = [f"{k} {est.text()}" for k, est in e.lag_variants.items() if k != e.method.lag]
            if others:
                notes.append("Lag by the other methods: " + "; ".join(others) + ".")
            notes.extend(e.notes)
        for t in trends:
            notes.append(
                f"Trend of the lag over the last {t.months} months to {state.end}: "
                f"{t.per_year.text()} ({t.reading})."
            )
        if series is not None:
            notes.extend(series.notes)
        if state.benchmark in (ARENA, ECI):
            notes.append(
                "The performance and cost claims need a benchmark on a percent scale: choose "
                "one (e.g. GPQA-Diamond) as the measure to judge them."
            )
        return View(
            cards=cards,
            charts=chart_set,
            blocks={
                "claims": "".join(t.to_html() for t in claims.tables)
                + note_html(list(claims.notes)),
                "notes": note_html(notes),
            },
        )


def _cards(g: GapResult, state: GapView, unit: str, numbers: Mapping[str, float]) -> list[Card]:
    """The KPI cards: the lag, the best model on each side, the gap, the claims."""
    from analysis.memo import pct

    v, e = g.vertical, g.estimate
    lag = e.lag_months if e is not None else None
    if lag is not None and lag.value is not None:
        lag_value = f"{lag.value:.1f} months"
        lag_detail = (
            f"90% CI {lag.ci_low:.1f}–{lag.ci_high:.1f}; {e.method.lag}"
            if lag.ci_low is not None and lag.ci_high is not None and e is not None
            else (e.method.lag if e is not None else "")
        )
    elif g.lag_months is not None:
        lag_value, lag_detail = f"{g.lag_months:.1f} months", "over score levels"
    else:
        lag_value = "n/a"
        lag_detail = (lag.note if lag is not None else None) or g.horizontal.reason or "n/a"
    if e is not None and e.ratio.value is not None:
        share_label, share_value = "Open as share of closed", pct(e.ratio.value, 1)
        share_detail = (
            f"90% CI {pct(e.ratio.ci_low, 1)}–{pct(e.ratio.ci_high, 1)}"
            if e.ratio.ci_low is not None and e.ratio.ci_high is not None
            else f"{v.points:.1f} points behind"
        )
    else:
        points = e.points if e is not None else None
        share_label = f"Gap, {points.unit if points is not None else 'points'}"
        value = points.value if points is not None and points.value is not None else v.points
        share_value = f"{value:.1f}"
        share_detail = (
            f"90% CI {points.ci_low:.1f}–{points.ci_high:.1f}"
            if points is not None and points.ci_low is not None and points.ci_high is not None
            else "as of the end date"
        )
    return [
        Card("Lag of open models", lag_value, lag_detail, "accent"),
        Card(
            "Best open-weight",
            _score(v.best_open.score, unit),
            f"{v.best_open.model} ({v.best_open.date})",
            "good",
        ),
        Card(
            "Best closed",
            _score(v.best_closed.score, unit),
            f"{v.best_closed.model} ({v.best_closed.date})",
        ),
        Card(share_label, share_value, share_detail),
        Card(
            "Published claims consistent now",
            f"{numbers.get('consistent', 0):.0f} of {numbers.get('claims', 0):.0f}",
            f"{numbers.get('differs', 0):.0f} differ, "
            f"{numbers.get('not_comparable', 0):.0f} not comparable, as of {state.end}",
        ),
    ]


def _score(value: float, unit: str) -> str:
    """``84.2%``, ``1434 rating`` or ``157.6 ECI points``."""
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "rating":
        return f"{value:.0f} {unit}"
    return f"{value:.1f} {unit}"


def until(spec: Mapping[str, Any], field: str, end: date, last: date) -> dict[str, Any]:
    """A chart spec showing only its rows whose ``field`` (an ISO date) is on or before
    ``end``, its caption's "As of" date moved from ``last`` to ``end``.

    Args:
        spec: a Vega-Lite spec with its data in ``datasets`` (as Altair writes it).
        field: the date field to cut on.
        end: the last date shown.
        last: the date the spec was built as of.

    Returns:
        A new spec (``spec`` is left as it is).
    """
    cut = end.isoformat()
    out = dict(spec)
    out["datasets"] = {
        name: [r for r in rows if not (field in r and str(r[field]) > cut)]
        for name, rows in spec.get("datasets", {}).items()
    }
    title = spec.get("title")
    if isinstance(title, Mapping) and isinstance(title.get("subtitle"), list):
        old, new = f"As of {last.isoformat()}.", f"As of {cut}."
        out["title"] = {**title, "subtitle": [line.replace(old, new) for line in title["subtitle"]]}
    return out
