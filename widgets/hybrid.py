"""Hybrid stack designer: send each class of tasks to the cheapest option good enough for it.

The task classes are edited in a small table (name, share of requests, the
benchmark and score the class needs, its input and output tokens; rows can be
added and removed); the quality-floor slider multiplies every class's required
score (100% = as stated). On each change the panel builds a scenario from the
table, and :func:`analysis.routing.route` and
:func:`analysis.routing.pareto_frontier` give the split, its cost and the
cost-quality frontier (drawn by :func:`analysis.charts.hybrid_pareto`); the
brief's own section builder (:func:`analysis.memo.hybrid_section`) gives the
cost KPIs and the split table.

The state is a :class:`HybridState`: the scenario (what a brief takes; its
floors as stated) and the floor factor of the what-if.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import ScenarioError
from widgets import choices
from widgets.base import Panel, View, stale_note
from widgets.cards import Card
from widgets.lookups import Lookups
from widgets.tco import set_in, starting_scenario

if TYPE_CHECKING:
    from analysis.routing import FrontierPoint, RoutingResult
    from analysis.scenario import Scenario


@dataclasses.dataclass(frozen=True)
class HybridState:
    """What the hybrid designer shows.

    Attributes:
        scenario: the :class:`~analysis.scenario.Scenario`, its ``routing`` from the table.
        floor_factor: multiplies every class's required score [ratio; 1 = as stated].
    """

    scenario: Scenario
    floor_factor: float = 1.0


class HybridDesigner(Panel[HybridState]):
    """Task classes in a table and a quality floor; the split, its cost and the Pareto chart.

    Args:
        scenario: a :class:`~analysis.scenario.Scenario` with a ``routing``
            section, a YAML file, or None for ``reports/params/example_scenario.yaml``.
        as_of: the date of the lookups (default: the scenario's ``as_of``, else today).

    Attributes:
        base: the starting scenario.
        rows: one dict of widgets per task class (name, share, benchmark, score, tokens).
        quality_floor: the floor slider (a factor on every required score).
        result: the last :class:`~analysis.routing.RoutingResult` shown.
        frontier: the last Pareto frontier shown.
    """

    title = "Hybrid stack: which tasks can the open model take?"
    lead = (
        "Each class of tasks goes to the cheapest option whose published score on the class's "
        "benchmark meets the floor. Edit the classes (shares must add up to 1) or move the floor."
    )
    chart_names = ("split", "pareto")
    block_names = ("table",)

    def __init__(
        self, scenario: Scenario | str | Path | None = None, *, as_of: date | None = None
    ) -> None:
        import ipywidgets as W

        super().__init__()
        scenario = starting_scenario(scenario, as_of)
        if scenario.routing is None:
            raise ScenarioError(
                "routing", None, "the scenario has no routing section (task classes and options)"
            )
        self.base: Scenario = scenario
        self.result: RoutingResult | None = None
        self.frontier: tuple[FrontierPoint, ...] = ()
        self.lookups = Lookups()
        self._benchmarks = _benchmarks()
        self.rows: list[dict[str, Any]] = []
        self.table = W.VBox()
        self.add_row = W.Button(description="Add a class", icon="plus")
        self.add_row.on_click(lambda _b: self._add_row())
        self.quality_floor = W.FloatSlider(
            value=1.0,
            min=0.5,
            max=1.2,
            step=0.01,
            readout_format=".0%",
            continuous_update=False,
            description="Quality floor (× each class's score)",
            style={"description_width": "260px"},
            layout=W.Layout(width="560px"),
        )
        self.volume = W.FloatLogSlider(
            base=10,
            min=3,
            max=10,
            step=0.01,
            readout_format=".3s",
            continuous_update=False,
            description="Requests per month (all classes)",
            style={"description_width": "260px"},
            layout=W.Layout(width="560px"),
        )
        self._fill(scenario, 1.0)
        self._finish([self.quality_floor, self.volume])

    # ------------------------------------------------------------------ the table

    def controls(self) -> Any:
        import ipywidgets as W

        head = W.HTML(
            "<b>Task classes</b> — share of requests (0–1), the benchmark and the score the "
            "class needs on it, tokens per request"
        )
        return W.VBox([head, self.table, self.add_row, self.volume, self.quality_floor])

    def _row(self, c: Any) -> dict[str, Any]:
        """The widgets of one class; ``c`` has the fields of a TaskClass."""
        import ipywidgets as W

        def box(width: str) -> Any:
            return W.Layout(width=width)

        row = {
            "name": W.Text(
                value=c.name, placeholder="name", continuous_update=False, layout=box("150px")
            ),
            "share": W.BoundedFloatText(value=c.share, min=0, max=1, step=0.05, layout=box("80px")),
            "benchmark": W.Combobox(
                value=c.benchmark,
                options=self._benchmarks,
                ensure_option=False,
                continuous_update=False,
                layout=box("190px"),
            ),
            "required_score": W.BoundedFloatText(
                value=c.required_score, min=0, max=100_000, step=1, layout=box("80px")
            ),
            "input_tokens": W.BoundedIntText(
                value=int(c.input_tokens), min=1, max=2_000_000, layout=box("90px")
            ),
            "output_tokens": W.BoundedIntText(
                value=int(c.output_tokens), min=1, max=2_000_000, layout=box("90px")
            ),
        }
        for widget in row.values():
            widget.observe(self._on_change, names="value")
        remove = W.Button(icon="trash", tooltip="remove this class", layout=box("40px"))
        remove.on_click(lambda _b, r=row: self._remove_row(r))
        row["remove"] = remove
        return row

    def _layout_rows(self) -> None:
        import ipywidgets as W

        labels = ("Class", "Share", "Benchmark", "Score", "Input tok.", "Output tok.", "")
        widths = ("150px", "80px", "190px", "80px", "90px", "90px", "40px")
        header = W.HBox(
            [
                W.HTML(f"<b>{t}</b>", layout=W.Layout(width=w))
                for t, w in zip(labels, widths, strict=True)
            ]
        )
        self.table.children = [header, *[W.HBox(list(r.values())) for r in self.rows]]

    def _add_row(self) -> None:
        """A new class copying the last one's benchmark and sizes, with no share yet."""
        from types import SimpleNamespace

        last = self.rows[-1] if self.rows else None
        new = SimpleNamespace(
            name=f"class {len(self.rows) + 1}",
            share=0.0,  # the user sets it; shares must add up to 1
            benchmark=last["benchmark"].value if last else self._benchmarks[0],
            required_score=last["required_score"].value if last else 0.0,
            input_tokens=last["input_tokens"].value if last else 1000,
            output_tokens=last["output_tokens"].value if last else 300,
        )
        self.rows.append(self._row(new))
        self._layout_rows()
        self.refresh()

    def _remove_row(self, row: dict[str, Any]) -> None:
        self.rows = [r for r in self.rows if r is not row]
        self._layout_rows()
        self.refresh()

    # ------------------------------------------------------------------ state

    def _fill(self, scenario: Scenario, floor_factor: float) -> None:
        self.base = scenario
        assert scenario.routing is not None  # the state always has one
        self.rows = [self._row(c) for c in scenario.routing.classes]
        self._layout_rows()
        self.volume.value = scenario.workload.requests_per_month
        self.quality_floor.value = floor_factor

    def write_state(self, state: HybridState) -> None:
        self._fill(state.scenario, state.floor_factor)

    def read_state(self) -> HybridState:
        from analysis.routing import TaskClass

        base = self.base
        classes = tuple(
            TaskClass(
                name=r["name"].value.strip(),
                share=r["share"].value,
                benchmark=r["benchmark"].value.strip(),
                required_score=r["required_score"].value,
                input_tokens=r["input_tokens"].value,
                output_tokens=r["output_tokens"].value,
            )
            for r in self.rows
        )
        if not classes:
            raise ScenarioError("routing.classes", [], "add at least one task class")
        sources = dict(base.sources)
        assert base.routing is not None  # the state always has one
        if classes != base.routing.classes:
            sources["routing.classes"] = set_in("hybrid designer")
        workload = base.workload
        if self.volume.value != workload.requests_per_month:
            workload = dataclasses.replace(workload, requests_per_month=float(self.volume.value))
            sources["workload.requests_per_month"] = set_in("hybrid designer")
        scenario = dataclasses.replace(
            base,
            workload=workload,
            routing=dataclasses.replace(base.routing, classes=classes),
            sources=sources,
        )
        return HybridState(scenario, float(self.quality_floor.value))

    def state_to_mapping(self, state: HybridState) -> dict[str, Any]:
        from analysis.scenario import scenario_to_dict

        return {"floor_factor": state.floor_factor, "scenario": scenario_to_dict(state.scenario)}

    def state_from_mapping(self, data: Any, where: str) -> HybridState:
        from analysis.scenario import scenario_from_dict

        if not isinstance(data, dict) or set(data) - {"floor_factor", "scenario"}:
            keys = (
                sorted(set(data) - {"floor_factor", "scenario"}) if isinstance(data, dict) else []
            )
            raise ScenarioError(
                f"{where}: {keys[0] if keys else 'file'}",
                None,
                "a hybrid designer file holds floor_factor and scenario only",
            )
        scenario = scenario_from_dict(data.get("scenario"), where)
        if scenario.routing is None:
            raise ScenarioError("routing", None, f"the scenario in {where} has no routing section")
        factor = data.get("floor_factor", 1.0)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            raise ScenarioError(f"{where}: floor_factor", factor, "must be a number")
        return HybridState(scenario, float(factor))

    # ------------------------------------------------------------------ computing

    def compute(self, state: HybridState) -> View:
        import pandas as pd

        from analysis import charts
        from analysis.freshness import data_dates
        from analysis.memo import hybrid_section
        from analysis.routing import pareto_frontier, route
        from analysis.scenario import evaluate_scenario, route_options

        core = dataclasses.replace(state.scenario, monte_carlo=None, scorecard=None, horizon=None)
        resolved = self.lookups.resolve(core)
        assert resolved.routing is not None  # the state always has one
        options = route_options(resolved)
        classes = resolved.routing.classes
        result = route(resolved.workload, classes, options, state.floor_factor)
        frontier = pareto_frontier(resolved.workload, classes, options)
        report = evaluate_scenario(dataclasses.replace(resolved, routing=None), lookup=False)
        report = dataclasses.replace(report, scenario=resolved, routing=result, frontier=frontier)
        section = hybrid_section(report, choices.names_for(resolved))
        self.result, self.frontier = result, frontier
        as_of = resolved.as_of.isoformat() if resolved.as_of else "an unstated date"
        source = "published benchmark scores and prices (warehouse), task classes as set here"
        through = (
            data_dates(resolved.as_of).line(["benchmark_scores", "api_prices"])
            if resolved.as_of
            else None
        )
        split = charts.hybrid_split(
            pd.DataFrame(
                [
                    {
                        "task_class": c.name,
                        "option": c.option,
                        "share": 1.0,
                        "monthly_usd": c.monthly_usd,
                    }
                    for c in result.classes
                ]
            ),
            source=source,
            as_of=as_of,
            title="Where each class of tasks goes",
            note=through,
        )
        cards = [
            Card(k.label, k.value, k.detail, "accent" if i == 0 else "neutral")
            for i, k in enumerate(section.kpis)
        ]
        cards.append(
            Card(
                "Traffic-weighted quality",
                f"{result.quality:.1f} points",
                f"floor at {state.floor_factor:.0%} of each class's score",
            )
        )
        routings = [
            {
                "monthly_usd": p.monthly_usd,
                "quality": p.quality,
                "current": False,
                "floor": p.floor_factor,
                "routing": "; ".join(f"{c} → {o}" for c, o in p.assignment),
            }
            for p in frontier
        ]
        routings.append(
            {
                "monthly_usd": result.monthly_usd,
                "quality": result.quality,
                "current": True,
                "floor": result.floor_factor,
                "routing": "; ".join(f"{c.name} → {c.option}" for c in result.classes),
            }
        )
        pareto = charts.hybrid_pareto(
            pd.DataFrame(routings), source=source, as_of=as_of, note=through
        )
        return View(
            cards=cards,
            charts={"split": split, "pareto": pareto},
            blocks={"table": "".join(t.to_html() for t in section.tables)},
            notice=stale_note(resolved.as_of),
        )


def _benchmarks() -> list[str]:
    """Benchmark labels with published scores, for the class table's suggestions."""
    from analysis import warehouse

    rows = warehouse.query("SELECT DISTINCT benchmark FROM benchmark_scores ORDER BY 1").to_dicts()
    return [r["benchmark"] for r in rows]
