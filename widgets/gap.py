"""Gap explorer: how far open-weight models trail closed ones, and which claims hold.

Controls: the benchmark (or the Arena rating), whose scores count
(independent runs, the developers' own tables, or both) and a date range.
The end of the range is the analysis date (models released by then, prices in
force then); the start only trims the frontier chart. The gap itself comes
from :func:`analysis.gap.benchmark_gap` (which keeps the latest result: the
claim check measuring the same benchmark on the same date reuses it), the
chart from :func:`analysis.charts.frontier`, the claim check from the brief's
own section (:func:`analysis.memo.claim_check`).

The state is a small :class:`GapView` dataclass, saved as YAML by
:mod:`widgets.state`.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING, Any

from analysis.errors import ScenarioError
from widgets.base import Panel, View
from widgets.cards import Card, note_html

if TYPE_CHECKING:
    import ipywidgets as W

    from analysis.gap import GapResult
    from analysis.memo import Section

SOURCES = (("Independent runs", "independent"), ("Developers' tables", "vendor"), ("Both", "all"))
ARENA = "arena"
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
    """

    benchmark: str
    source: str
    start: date
    end: date
    setting: str | None = None

    def __post_init__(self) -> None:
        if self.source not in {s for _, s in SOURCES}:
            raise ScenarioError("source", self.source, "must be independent, vendor or all")
        if self.start > self.end:
            raise ScenarioError("start", self.start.isoformat(), f"is after end ({self.end})")


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


class GapExplorer(Panel):
    """Benchmark, score source and date range in; frontier chart, lag and claim check out.

    Args:
        benchmark: the benchmark to open with (``arena`` for the Arena rating).
        source: ``independent`` (default), ``vendor`` or ``all``.
        end: the analysis date (default: today, the only place a "today" enters).
        start: the first date the chart shows (default: 2023-01-01).

    Attributes:
        result: the last :class:`analysis.gap.GapResult` shown.
    """

    title = "The gap: how far do open-weight models trail closed ones?"
    lead = (
        "The best score of each side over time, the lag in months (how long open models took "
        "to reach each level closed models reached), and the published claims checked against "
        "the data as of the end of the range."
    )
    chart_names = ("frontier",)
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

        from analysis import charts, gap

        super().__init__()
        charts.use_theme()
        self.result: GapResult | None = None
        self._claims: dict[tuple[str, str, date], Section] = {}
        labels = gap.benchmark_labels(gap.load_tables("benchmark_scores")["benchmark_scores"])
        end = end or date.today()  # "today" only at the notebook edge
        wide = {"description_width": "120px"}
        self.benchmark = W.Dropdown(
            options=[("Arena rating (LMArena votes)", ARENA), *[(b, b) for b in labels]],
            description="Benchmark",
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
        self.dates = W.SelectionRangeSlider(
            options=months(FIRST_MONTH, end),
            description="Released",
            continuous_update=False,
            style=wide,
            layout=W.Layout(width="720px"),
        )
        self.write_state(GapView(benchmark, source, start or FIRST_MONTH, end))
        self._finish([self.benchmark, self.source, self.setting, self.dates])

    def controls(self) -> W.VBox:
        import ipywidgets as W

        return W.VBox([self.benchmark, self.source, self.setting, self.dates])

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
        self.dates.value = (start, state.end)

    def read_state(self) -> GapView:
        start, end = self.dates.value
        return GapView(self.benchmark.value, self.source.value, start, end, self.setting.value)

    def state_to_mapping(self, state: GapView) -> dict[str, Any]:
        from widgets.state import to_mapping

        return to_mapping(state)

    def state_from_mapping(self, data: Any, where: str) -> GapView:
        from widgets.state import from_mapping

        return from_mapping(GapView, data, where=where)

    # ------------------------------------------------------------------ computing

    def _gap(self, view: GapView) -> GapResult:
        """The gap for the view's benchmark, source, setting and end.

        :func:`analysis.gap.benchmark_gap` keeps the latest result, so moving only the
        start (which just trims the chart) measures nothing again, and the claim check
        measuring the same benchmark on the same date reuses it.
        """
        from analysis import gap

        if view.benchmark == ARENA:
            return gap.benchmark_gap(ARENA, as_of=view.end)
        return gap.benchmark_gap(
            view.benchmark, source=view.source, setting=view.setting, as_of=view.end
        )

    def _claim_check(self, view: GapView) -> Section:
        """The brief's claim-check section for this benchmark, source and date (remembered)."""
        from analysis import memo

        benchmark = "GPQA-Diamond" if view.benchmark == ARENA else view.benchmark
        key = (benchmark, view.source, view.end)
        if key not in self._claims:
            options = memo.check_options(
                {"benchmarks": [benchmark], "gap_source": view.source}, "gap explorer"
            )
            ctx = memo.BriefContext("", view.end, self.title, options, "gap explorer", None, None)
            self._claims = {key: memo.claim_check(ctx)}  # one at a time: the latest
        return self._claims[key]

    def compute(self, state: GapView) -> View:
        from analysis import charts
        from analysis.memo import months as in_months
        from analysis.memo import pct

        g = self._gap(state)
        claims = self._claim_check(state)
        self.result = g
        sel, v = g.selection, g.vertical
        shown = g.frontier[g.frontier["release_date"] >= state.start.isoformat()]
        if shown.empty:
            raise ScenarioError(
                "start", state.start.isoformat(), "no model in the range: move the start earlier"
            )
        unit = sel.unit or "score"
        chart = charts.frontier(
            shown,
            source=", ".join(sel.reported_by) or "benchmark_scores",
            as_of=state.end.isoformat(),
            title=f"Best open and closed scores over time: {g.benchmark}",
            score_title=f"{g.benchmark} ({unit})",
            note=sel.setting_rule,
        )
        lag = g.lag_months
        numbers = claims.numbers
        cards = [
            Card(
                "Lag of open models",
                in_months(lag) if lag is not None else "n/a",
                "mean over the score levels both sides reached"
                if lag is not None
                else g.horizontal.reason or "not measurable",
                "accent",
            ),
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
            Card(
                "Open as share of closed" if v.ratio is not None else "Gap, points",
                pct(v.ratio, 1) if v.ratio is not None else f"{v.points:.0f}",
                f"{v.points:.1f} points behind" if v.ratio is not None else "rating points",
            ),
            Card(
                "Published claims that hold",
                f"{numbers.get('hold', 0):.0f} of {numbers.get('claims', 0):.0f}",
                f"{numbers.get('do_not_hold', 0):.0f} do not hold, as of {state.end}",
            ),
        ]
        notes = [
            f"Scores: {sel.setting_rule}. Sources: {'; '.join(sel.sources)}.",
            *sel.notes,
        ]
        if state.benchmark == ARENA:
            notes.append("The claim check uses GPQA-Diamond: claims are about benchmark scores.")
        return View(
            cards=cards,
            charts={"frontier": chart},
            blocks={
                "claims": "".join(t.to_html() for t in claims.tables),
                "notes": note_html(notes),
            },
        )


def _score(value: float, unit: str) -> str:
    """``84.2%`` or ``1434 rating``."""
    return f"{value:.1f}%" if unit == "%" else f"{value:.0f} {unit}"
