"""Strategic scorecard: weight the five factors beyond cost; the ranking and the deciding factor.

The state is an :class:`analysis.scenario.Scenario` whose ``scorecard.weights``
the sliders set (so Save writes the file a brief takes). The facts each
option is scored on (where requests are processed, who owns the hardware,
compliance met, the Monte Carlo spread of the bill, latency) do not move with
the weights: they are computed once per scenario by
:func:`analysis.scenario.evaluate_scenario` and
:func:`analysis.scenario.option_profiles`. A weight change then only calls
:func:`analysis.scorecard.score_options` and the brief's own section builder
(:func:`analysis.memo.scorecard_section`) for the grid chart and the must-have table.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import ScenarioError
from widgets import choices
from widgets.base import Panel, View, stale_note
from widgets.cards import Card, note_html
from widgets.lookups import Lookups
from widgets.tco import starting_scenario

if TYPE_CHECKING:
    from analysis.memo import Names, Section
    from analysis.scenario import Scenario, ScenarioReport
    from analysis.scorecard import OptionProfile, Scorecard


class ScorecardPanel(Panel["Scenario"]):
    """Five weight sliders; the weighted ranking, the margin and the factor that decides.

    Args:
        scenario: a :class:`~analysis.scenario.Scenario`, a YAML file, or None for
            ``reports/params/example_scenario.yaml``. A scenario without a
            ``scorecard`` section is scored with no requirements and equal weights.
        as_of: the date of the lookups (default: the scenario's ``as_of``, else today).

    Attributes:
        base: the starting scenario.
        weights: factor -> its weight slider.
        scorecard: the last :class:`~analysis.scorecard.Scorecard` shown.
    """

    title = "Strategic scorecard: what matters beyond cost?"
    lead = (
        "Each option is scored 0–5 on five factors by stated rules; the sliders set how much "
        "each factor counts. The ranking and the factor that decides it follow."
    )
    chart_names = ("scorecard",)
    block_names = ("details",)

    def __init__(
        self, scenario: Scenario | str | Path | None = None, *, as_of: date | None = None
    ) -> None:
        import ipywidgets as W

        from analysis.memo import FACTOR_NAMES
        from analysis.scenario import ScorecardSettings

        super().__init__()
        scenario = starting_scenario(scenario, as_of)
        if scenario.scorecard is None:
            scenario = dataclasses.replace(scenario, scorecard=ScorecardSettings())
        self.base: Scenario = scenario
        self.scorecard: Scorecard | None = None
        self.lookups = Lookups()
        self._facts: dict[str, _Facts] = {}
        self.weights = {
            factor: W.FloatSlider(
                min=0,
                max=5,
                step=0.5,
                readout_format=".1f",
                continuous_update=False,
                description=f"{label} (weight)",
                style={"description_width": "210px"},
                layout=W.Layout(width="470px"),
            )
            for factor, label in FACTOR_NAMES.items()
        }
        self.write_state(scenario)
        self._finish(list(self.weights.values()))

    def controls(self) -> Any:
        import ipywidgets as W

        return W.VBox(
            [W.HTML("<b>How much each factor counts (0 = not at all)</b>"), *self.weights.values()]
        )

    # ------------------------------------------------------------------ state

    def write_state(self, state: Scenario) -> None:
        self.base = state
        assert state.scorecard is not None  # the panel always gives one
        weights = state.scorecard.weights
        for factor, slider in self.weights.items():
            slider.value = getattr(weights, factor)

    def read_state(self) -> Scenario:
        from analysis.scorecard import Weights

        weights = Weights(**{f: float(s.value) for f, s in self.weights.items()})
        assert self.base.scorecard is not None  # the panel always gives one
        card = dataclasses.replace(self.base.scorecard, weights=weights)
        return dataclasses.replace(self.base, scorecard=card)

    def state_to_mapping(self, state: Scenario) -> dict[str, Any]:
        from analysis.scenario import scenario_to_dict

        return scenario_to_dict(state)

    def state_from_mapping(self, data: Any, where: str) -> Scenario:
        from analysis.scenario import ScorecardSettings, scenario_from_dict

        state = scenario_from_dict(data, where)
        if state.scorecard is None:
            state = dataclasses.replace(state, scorecard=ScorecardSettings())
        if state.as_of is None:
            raise ScenarioError("as_of", None, f"give the date of the lookups in {where}")
        return state

    # ------------------------------------------------------------------ computing

    def _facts_for(self, state: Scenario) -> _Facts:
        """The report, option facts and names of a scenario: computed once, weights aside."""
        from analysis.scenario import evaluate_scenario, option_profiles
        from analysis.scorecard import Weights

        assert state.scorecard is not None  # the panel always gives one
        neutral = dataclasses.replace(
            state, scorecard=dataclasses.replace(state.scorecard, weights=Weights())
        )
        key = repr(neutral)
        facts = self._facts.get(key)
        if facts is None:
            # Routing and the horizon are not scored: leave them out rather than look them up.
            resolved = self.lookups.resolve(
                dataclasses.replace(neutral, routing=None, horizon=None)
            )
            report = evaluate_scenario(resolved, lookup=False)
            facts = _Facts(
                report,
                option_profiles(resolved, report.monte_carlo, report.tco),
                choices.names_for(resolved),
            )
            self._facts = {key: facts}  # one scenario at a time
        return facts

    def compute(self, state: Scenario) -> View:
        from analysis.memo import FACTOR_NAMES, scorecard_section
        from analysis.scorecard import score_options

        facts = self._facts_for(state)
        report, names = facts.report, facts.names
        settings = state.scorecard
        assert settings is not None  # the panel always gives one
        card = score_options(facts.profiles, settings.requirements, settings.weights)
        scenario = dataclasses.replace(report.scenario, scorecard=settings)
        section = scorecard_section(
            dataclasses.replace(report, scenario=scenario, scorecard=card), names
        )
        self.scorecard = card
        labels = {
            "api": f"API: {names.api_model}",
            "self_hosted": f"Self-hosted: {names.open_model}",
        }
        first, second = card.options[0], card.options[1]
        kind_word = {"api": "API", "self_hosted": "Self-hosted"}
        cards = [
            Card(
                "Ranked first",
                kind_word[first.kind] if card.winner else "A tie",
                f"{labels[first.kind]}: {first.weighted_total:.2f} of 5",
                "accent",
            ),
            Card("Margin, points of 5", f"{card.margin:.2f}", f"over {labels[second.kind]}"),
            Card(
                "Deciding factor",
                FACTOR_NAMES[card.deciding_factor] if card.deciding_factor else "none",
                f"adds {card.deciding_contribution:.2f} points to the margin"
                if card.deciding_factor
                else "the options tie",
                "good",
            ),
            *[
                Card(f"{labels[o.kind]}, total of 5", f"{o.weighted_total:.2f}")
                for o in card.options
            ],
        ]
        return View(
            cards=cards,
            charts={"scorecard": section.figures[0].chart if section.figures else None},
            blocks={"details": _details(card, section, labels)},
            notice=stale_note(scenario.as_of),
        )


@dataclasses.dataclass(frozen=True)
class _Facts:
    """What a scorecard rests on apart from the weights: the report, facts and names."""

    report: ScenarioReport
    profiles: tuple[OptionProfile, OptionProfile]
    names: Names


def _details(card: Scorecard, section: Section, labels: dict[str, str]) -> str:
    """The must-have table and, per option, the rule and fact behind each score (escaped)."""
    import html

    from analysis.memo import FACTOR_NAMES

    rows = "".join(
        f"<tr><td>{html.escape(labels[o.kind])}</td><td>{html.escape(FACTOR_NAMES[s.factor])}</td>"
        f"<td class='num'>{s.score}</td><td>{html.escape(s.rule)}</td>"
        f"<td>{html.escape(s.fact)}</td></tr>"
        for o in card.options
        for s in o.scores
    )
    table = (
        "<table><caption>Why each score</caption><thead><tr><th>Option</th><th>Factor</th>"
        f"<th class='num'>Score</th><th>Rule</th><th>Fact</th></tr></thead><tbody>{rows}</tbody>"
        "</table>"
    )
    return "".join(t.to_html() for t in section.tables) + table + note_html(section.paragraphs)
