"""The brief's decision rule: which option it recommends, and why.

1. An option that fails a must-have (:func:`must_have_failures`) is ruled out.
2. Of the rest, the cheaper per month is chosen, unless the scorecard's winner
   leads by at least ``scorecard_margin`` points (of 5) and costs at most
   ``premium_tolerance`` more, in which case the winner is chosen.
3. A hybrid split whose options all pass the must-haves replaces that choice
   when it saves at least ``hybrid_min_saving`` of its monthly cost.

The thresholds are brief options (:data:`analysis.memo.OPTIONS`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analysis.memo.formatting import FACTOR_NAMES, pct

if TYPE_CHECKING:
    from analysis.memo.context import Names
    from analysis.scenario import Scenario, ScenarioReport


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


def must_have_failures(scenario: Scenario) -> dict[str, list[str]]:
    """The must-have requirements each option fails.

    Must-haves are the scorecard's requirements: the jurisdiction requests must
    be processed in (an option whose processing place is not stated cannot show
    that it meets it) and each compliance requirement (met only when the option
    is documented to meet it). Without a scorecard there are none.

    Args:
        scenario: the (resolved) scenario.

    Returns:
        ``{"api": [...], "self_hosted": [...]}``: what each fails (empty lists when none).
    """
    card = scenario.scorecard
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


def hybrid_failures(report: ScenarioReport, failures: Mapping[str, Sequence[str]]) -> list[str]:
    """The must-haves a hybrid split fails: those of every option it routes traffic to.

    Args:
        report: the evaluated scenario.
        failures: what each single option fails (:func:`must_have_failures`).

    Returns:
        ``"option: failure"`` lines; empty when the split passes.
    """
    rr = report.routing
    scenario = report.scenario
    if rr is None or scenario.routing is None:
        return ["no hybrid split was assessed"]
    choices = {c.name: c for c in scenario.routing.options}
    card = scenario.scorecard
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


def decide(report: ScenarioReport, names: Names, options: Mapping[str, Any]) -> Decision:
    """The recommendation, by the stated rule (see the module's docstring).

    Args:
        report: the evaluated scenario.
        names: display names.
        options: brief options (``scorecard_margin``, ``premium_tolerance``,
            ``hybrid_min_saving``).

    Returns:
        The decision with its headline and reason.
    """
    r, n, o = report, names, options
    costs = {"api": r.tco.api.monthly_usd, "self_hosted": r.tco.self_hosted.monthly_usd}
    failures = must_have_failures(r.scenario)
    hybrid_fail = hybrid_failures(r, failures)
    ruled_out: dict[str, Sequence[str]] = {k: v for k, v in failures.items() if v}
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
