"""Over the next N months: whether the recommendation holds as prices fall and the frontier moves.

The horizon of the scenario (:func:`analysis.scenario.horizon_of`, computed by
:func:`analysis.scenario.evaluate_scenario`): every plan's cumulative cost over
the horizon under the measured trends, its Monte Carlo band, the crossover, and
the frontier-shift presets that would change the decision. A second, appendix
section lists the measured trends with the rows each rests on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from analysis.horizon import band_rows, flip_text, path_rows, settings_text
from analysis.horizon.trends import direction_text, factor_text
from analysis.memo.context import BriefContext, Names, kept
from analysis.memo.decision import Decision, decide
from analysis.memo.formatting import pct, usd
from analysis.memo.layout import (
    HALF_WIDTH,
    SMALL_HEIGHT,
    Figure,
    Kpi,
    Section,
    Table,
    compact,
    size,
)

if TYPE_CHECKING:
    import altair as alt

    from analysis.horizon import DeclineFit, HorizonReport
    from analysis.horizon.store import TrendSet

#: The brief's choice -> the horizon plan that carries it out.
PLAN_OF_CHOICE = {"api": "api", "self_hosted": "self_hosted", "hybrid": "hybrid"}
#: Where the horizon's figures come from, for captions.
HORIZON_SOURCE = (
    "warehouse api_prices, gpu_cloud_prices, benchmark_scores and eci_scores (trend fits); "
    "the scenario's assumptions"
)


def _plan_label(h: HorizonReport, name: str) -> str:
    return h.labels.get(name, name)


def plan_names(h: HorizonReport, names: Names) -> dict[str, str]:
    """How each plan reads in a sentence: "the GPT-4o API", "self-hosted Llama 3.3 70B"."""
    out = {p.name: p.label[:1].lower() + p.label[1:] for p in h.result.plans}
    out.update(
        {
            "api": f"the {names.api_model} API",
            "self_hosted": f"self-hosted {names.open_model}",
            "hybrid": "the hybrid split",
        }
    )
    return {k: v for k, v in out.items() if k in h.result.names}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def horizon_chart(h: HorizonReport, as_of: date | str) -> alt.LayerChart:
    """The cumulative-cost chart of a horizon: lines per plan, the Monte Carlo's P10–P90
    band per plan when it ran, and the month self-hosting and the API cross.

    The brief (compacted) and the horizon panel (full size) show this chart.
    """
    import pandas as pd

    from analysis import charts

    settings = h.result.settings
    bands = band_rows(h)
    cross = h.result.crossover
    label = None
    if cross is not None and cross.month is not None:
        after = cross.second if cross.leader_at_start == cross.first else cross.first
        label = f"{_plan_label(h, after).split(':')[0]} cheaper from month {cross.month}"
    note = f"Present value at {settings.discount_rate:.0%} a year; " + (
        f"shaded: P10–P90 of {h.monte_carlo.draws:,} draws."
        if h.monte_carlo is not None
        else "no Monte Carlo."
    )
    paths = pd.DataFrame(path_rows(h)).astype({"plan": "string"})
    shaded = pd.DataFrame(bands).astype({"plan": "string"}) if bands else None
    return charts.horizon_paths(
        paths,
        bands=shaded,
        crossover_month=cross.month if cross is not None else None,
        crossover_label=label,
        source=HORIZON_SOURCE,
        as_of=str(as_of),
        title=f"Cumulative cost over the next {settings.months} months",
        note=note,
    )


def horizon_figure(h: HorizonReport, as_of: date | str) -> Figure:
    """:func:`horizon_chart` as the brief's small figure, with its caption."""
    return Figure(
        compact(horizon_chart(h, as_of)),
        "Running total of each plan's discounted cost; bought hardware is paid in month 1.",
        size=size(HALF_WIDTH + 30, SMALL_HEIGHT + 20),
        axis_titles={"y": "Cumulative (USD)", "x": "Month"},
    )


def horizon_section(
    h: HorizonReport,
    names: Names,
    as_of: date | str,
    decision: Decision | None = None,
    *,
    figure: bool = True,
) -> Section:
    """Whether the recommendation holds over the horizon, and which shift would flip it.

    Args:
        h: the horizon of the scenario (:func:`analysis.scenario.horizon_of`).
        names: display names.
        as_of: the brief's date.
        decision: the brief's recommendation (None: say only what costs least).
        figure: add the chart (a panel that draws it at its own size says False).

    Returns:
        A section with a few sentences and one chart.
    """
    r = h.result
    n = r.settings.months
    labels = plan_names(h, names)
    # Plans that fail a must-have are out of the running (the brief's decision rule).
    ruled = set(decision.ruled_out) if decision is not None else set()
    eligible = [p.name for p in r.plans if p.name not in ruled] or list(r.names)

    def cheapest(npv: Mapping[str, float]) -> str:
        return min(eligible, key=lambda name: (npv[name], r.names.index(name)))

    best = r.plan(cheapest({p.name: p.npv_usd for p in r.plans}))
    held = cheapest({p.name: p.npv_usd for p in h.held.plans})
    recommended = PLAN_OF_CHOICE.get(decision.choice) if decision is not None else None
    if recommended is not None and recommended not in r.names:
        recommended = None
    flips = [(o, cheapest(o.npv)) for o in h.presets if cheapest(o.npv) != best.name]
    mc = h.monte_carlo
    share = mc.p_cheapest.get(best.name) if mc is not None and not ruled else None
    if recommended is None:
        finding = f"Over the next {n} months, {labels[best.name]} costs least."
    elif recommended == best.name:
        finding = (
            f"Over the next {n} months the recommendation holds: {labels[best.name]} costs "
            f"least at the measured price trends"
            + (f" (in {pct(share)} of the simulated trends)" if share is not None else "")
            + "."
        )
    else:
        finding = (
            f"Over the next {n} months the trends favour {labels[best.name]} over "
            f"{labels[recommended]}, the option recommended: the recommendation is not robust "
            "to them."
        )
    others = sorted((p for p in r.plans if p.name != best.name), key=lambda p: p.npv_usd)
    paragraphs = [
        f"{_capital(labels[best.name])} costs {usd(best.npv_usd)} over "
        f"{n} months in today's money"
        + ("; " + ", ".join(f"{labels[p.name]} {usd(p.npv_usd)}" for p in others) if others else "")
        + f". Assumed: {settings_text(r.settings)}."
    ]
    excluded = [p for p in others if p.name in ruled and p.npv_usd < best.npv_usd]
    if excluded:
        paragraphs.append(
            ", ".join(_capital(labels[p.name]) for p in excluded)
            + " would cost less but fails a must-have."
        )
    if r.crossover is not None:
        cross = r.crossover
        text = cross.text
        for name, label in labels.items():
            text = text.replace(_plan_label(h, name), label)
        paragraphs.append(_capital(text) + ".")
    if held != best.name:
        paragraphs.append(
            f"At today's prices held it would be {labels[held]}: the trends decide it."
        )
    if flips:
        shift_text = "; ".join(
            f"“{o.name}” would make {labels.get(new, new)} the cheapest" for o, new in flips
        )
        paragraphs.append(f"Of the frontier shifts tried, {shift_text}.")
    elif h.presets:
        paragraphs.append(
            "No frontier shift tried flips it: "
            + "; ".join(f"“{o.name}”" for o in h.presets)
            + "."
        )
    sizes = [t for t in (flip_text(o) for o in h.presets) if t] if not ruled else []
    if sizes:
        paragraphs.append("Of the price shifts, " + "; ".join(sizes) + ".")
    kpis = [
        Kpi(f"{n} months · cheapest", usd(best.npv_usd), labels[best.name]),
        Kpi(
            "Crossover",
            f"month {r.crossover.month}"
            if r.crossover is not None and r.crossover.month is not None
            else "none",
            "API against self-hosting",
        ),
    ]
    if mc is not None and mc.p_self_hosted_cheaper is not None:
        kpis.append(
            Kpi(
                "P(self-hosting cheaper)",
                pct(mc.p_self_hosted_cheaper),
                f"{mc.draws:,} draws of the trends",
            )
        )
    figures = [horizon_figure(h, as_of)] if figure else []
    numbers: dict[str, float] = {f"npv_{p.name}": p.npv_usd for p in r.plans}
    numbers["months"] = float(n)
    numbers["flips"] = float(len(flips))
    numbers["robust"] = 1.0 if held == best.name and not flips else 0.0
    if mc is not None and mc.p_self_hosted_cheaper is not None:
        numbers["p_self_hosted_cheaper"] = mc.p_self_hosted_cheaper
    return Section(
        key="horizon",
        title=f"Over the next {n} months",
        finding=finding,
        layout="split",
        paragraphs=paragraphs,
        kpis=kpis,
        brief_kpis=False,
        figures=figures,
        notes=[
            "Cumulative cost is the running total of each month's cost discounted to today; "
            "frontier shifts re-run the hybrid router in the months they change scores or floors. "
            f"Names: {names.api_model} through {names.api_provider}; {names.open_model} on "
            f"{names.gpu}."
        ],
        numbers=numbers,
    )


@kept
def horizon(ctx: BriefContext) -> Section | None:
    """Over the next N months: whether the recommendation holds as prices and the frontier move.

    Args:
        ctx: the brief's context.

    Returns:
        The section, or None when the scenario has no horizon block.
    """
    h = ctx.report.horizon
    if h is None:
        return None
    return horizon_section(h, ctx.names, ctx.as_of, decide(ctx.report, ctx.names, ctx.options))


def _fit_row(fit: DeclineFit) -> list[str]:
    if not fit.fitted or fit.factor is None:
        return [fit.name, "not fitted", "", str(fit.n), fit.reason]
    start = fit.start.isoformat() if fit.start else "?"
    window = f"{start} to {fit.end.isoformat() if fit.end else '?'}"
    return [
        fit.name,
        direction_text(fit.factor),
        f"{factor_text(fit.low)}–{factor_text(fit.high)}",
        str(fit.n),
        window,
    ]


def trends_section(t: TrendSet) -> Section:
    """The measured price trends the horizon rests on, each with the rows it uses.

    Args:
        t: the trends (:func:`analysis.scenario.horizon_trends`).

    Returns:
        An appendix section: one table of fits (factor, 90% interval, n, window) and
        one table of the rows behind each fitted trend.
    """
    fits = [f for f in (t.equal_capability, t.list_price, t.rent) if f is not None]
    fits += [f for f in t.thresholds if all(f.name != g.name for g in fits)]
    rows = [_fit_row(f) for f in fits]
    used = [
        [f.name, p.date.isoformat(), f"${p.value:,.4g}", p.label]
        for f in fits
        if f.fitted
        for p in f.points
    ]
    tables = [
        Table(
            ["Trend", "Annual change", "90% interval", "n", "Window"],
            rows,
            caption="Price declines fitted by least squares on log prices",
            numeric=[3],
            widths=(30, 24, 16, 5, 25),
            note="A factor f means the price divides by f each year; the interval is "
            "Student's t on the slope. Thin series (fewer than 4 points, or under 180 days) "
            "are not fitted.",
        )
    ]
    if used:
        tables.append(
            Table(
                ["Trend", "Date", "Price", "Offer"],
                used,
                caption="The rows each fitted trend rests on",
                numeric=[2],
                widths=(26, 12, 10, 52),
                note="Capability trends: the cheapest blended (3:1) price per 1M tokens of any "
                "model at the level, one row per change; an offer first seen later in a price "
                "feed is dated from its model's release. Rent: median USD per GPU-hour per date.",
            )
        )
    fitted = [f for f in fits if f.fitted]
    return Section(
        key="trends",
        eyebrow="Appendix D",
        title="Measured price trends",
        finding=(
            f"{len(fitted)} of {len(fits)} price trends have enough data to fit, as of "
            f"{t.as_of.isoformat()}."
        ),
        tables=tables,
        layout="wide",
        appendix=True,
        numbers={"fitted": float(len(fitted)), "trends": float(len(fits))},
    )


@kept
def horizon_trends(ctx: BriefContext) -> Section | None:
    """The measured price trends behind the horizon, with their rows (appendix D).

    Args:
        ctx: the brief's context.

    Returns:
        The section, or None when the scenario has no horizon block.
    """
    t = ctx.report.trends
    return trends_section(t) if t is not None else None
