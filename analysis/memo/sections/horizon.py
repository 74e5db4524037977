"""Over the next N months: whether the recommendation holds as prices fall and the frontier moves.

The horizon of the scenario (:func:`analysis.scenario.horizon_of`, computed by
:func:`analysis.scenario.evaluate_scenario`): every plan's cumulative cost over
the horizon under the measured trends, its Monte Carlo band, the crossover, and
the frontier-shift presets that would change the decision. A second, appendix
section lists the measured trends with the rows each rests on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from analysis.freshness import DataDates, data_dates
from analysis.horizon import band_rows, flip_text, path_rows, settings_text
from analysis.horizon.trends import direction_text
from analysis.memo.context import BriefContext, Names, kept
from analysis.memo.decision import Decision, decide
from analysis.memo.formatting import pct, usd
from analysis.memo.layout import (
    DETAIL_HEIGHT,
    FULL_WIDTH,
    Figure,
    Kpi,
    Section,
    Table,
    size,
)

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

    from analysis.horizon import DeclineFit, HorizonReport, PlanPath, PresetOutcome
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


def _table(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Rows as a frame built column by column, the plan labels as text (the chart copies
    text columns whole, and a slider redraws the chart on every move)."""
    import pandas as pd

    return pd.DataFrame(
        {
            key: pd.array([r[key] for r in rows], dtype="string")
            if key == "plan"
            else [r[key] for r in rows]
            for key in rows[0]
        }
    )


#: The datasets the horizon's trends and prices rest on, for its caption's "data through".
HORIZON_TABLES = (
    "api_prices",
    "eci_scores",
    "benchmark_scores",
    "gpu_price_index",
    "gpu_cloud_prices",
)


def horizon_chart(
    h: HorizonReport, as_of: date | str, dates: DataDates | None = None
) -> alt.LayerChart:
    """The cumulative-cost chart of a horizon: lines per plan, the Monte Carlo's P10–P90
    band per plan when it ran, and the month self-hosting and the API cross.

    The brief (appendix A) and the horizon panel show this chart; its caption says how
    current the prices and scores behind the trends are (``dates``: read when None).
    """

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
    if dates is None:
        dates = data_dates(date.fromisoformat(str(as_of)[:10]))
    note += " " + dates.line([t for t in HORIZON_TABLES if t in dates.through])
    paths = _table(path_rows(h))
    shaded = _table(bands) if bands else None
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


def horizon_figure(h: HorizonReport, as_of: date | str, dates: DataDates | None = None) -> Figure:
    """:func:`horizon_chart` as the brief's figure, drawn full width in appendix A (the memo
    keeps to two printed pages)."""
    return Figure(
        horizon_chart(h, as_of, dates),
        "Running total of each plan's discounted cost, with the Monte Carlo's P10–P90 band; "
        "bought hardware is paid in month 1.",
        size=size(FULL_WIDTH, DETAIL_HEIGHT),
        placement="appendix",
        axis_titles={"y": "Cumulative cost (USD, today's money)", "x": "Month"},
    )


@dataclass(frozen=True)
class HorizonReading:
    """What the horizon says about a decision, computed once for the memo and the appendix.

    Attributes:
        labels: plan -> how it reads in a sentence.
        best: the cheapest eligible plan over the horizon (plans failing a must-have
            are out of the running).
        held: the cheapest eligible plan with prices held.
        recommended: the plan carrying out the brief's choice (None: no decision given).
        flips: (preset, the plan it makes cheapest) for each shift that changes ``best``.
        sizes: for price shifts that do not, the size that would (in words).
        excluded: cheaper plans that fail a must-have.
        share: share of Monte Carlo draws in which ``best`` is cheapest (None: not known).
    """

    labels: Mapping[str, str]
    best: PlanPath
    held: str
    recommended: str | None
    flips: tuple[tuple[PresetOutcome, str], ...]
    sizes: tuple[str, ...]
    excluded: tuple[PlanPath, ...]
    share: float | None


def read_horizon(
    h: HorizonReport, names: Names, decision: Decision | None = None
) -> HorizonReading:
    """The horizon's verdict on a decision (see :class:`HorizonReading`)."""
    r = h.result
    labels = plan_names(h, names)
    ruled = set(decision.ruled_out) if decision is not None else set()
    eligible = [p.name for p in r.plans if p.name not in ruled] or list(r.names)

    def cheapest(npv: Mapping[str, float]) -> str:
        return min(eligible, key=lambda name: (npv[name], r.names.index(name)))

    best = r.plan(cheapest({p.name: p.npv_usd for p in r.plans}))
    recommended = PLAN_OF_CHOICE.get(decision.choice) if decision is not None else None
    mc = h.monte_carlo
    return HorizonReading(
        labels=labels,
        best=best,
        held=cheapest({p.name: p.npv_usd for p in h.held.plans}),
        recommended=recommended if recommended in r.names else None,
        flips=tuple((o, cheapest(o.npv)) for o in h.presets if cheapest(o.npv) != best.name),
        sizes=tuple(t for t in (flip_text(o) for o in h.presets) if t) if not ruled else (),
        excluded=tuple(p for p in r.plans if p.name in ruled and p.npv_usd < best.npv_usd),
        share=mc.p_cheapest.get(best.name) if mc is not None and not ruled else None,
    )


def _flip_words(reading: HorizonReading) -> str:
    flips = reading.flips
    if not flips:
        return "no frontier shift tried flips it"
    return "; ".join(
        f"“{o.name}” would flip it to {reading.labels.get(new, new)}" for o, new in flips
    )


def horizon_section(
    h: HorizonReport,
    names: Names,
    as_of: date | str,
    decision: Decision | None = None,
    *,
    figure: bool = True,
    dates: DataDates | None = None,
) -> Section:
    """Whether the recommendation holds over the horizon, and which shift would flip it.

    The memo keeps to two printed pages, so the section is its finding: a few
    sentences; the chart is drawn in appendix A and the detail (costs, crossover,
    each shift, the trends and their rows) is :func:`horizon_detail_section`.

    Args:
        h: the horizon of the scenario (:func:`analysis.scenario.horizon_of`).
        names: display names.
        as_of: the brief's date.
        decision: the brief's recommendation (None: say only what costs least).
        figure: add the chart (a panel that draws it at its own size says False).
        dates: how current the data is, for the chart's caption (read when None).

    Returns:
        A section with a few sentences and one chart (``placement="appendix"``).
    """
    r = h.result
    n = r.settings.months
    x = read_horizon(h, names, decision)
    labels, best = x.labels, x.best
    runner = min((p for p in r.plans if p.name != best.name), key=lambda p: p.npv_usd, default=None)
    costs = f"{usd(best.npv_usd)} in today's money" + (
        f", against {usd(runner.npv_usd)} for {labels[runner.name]}" if runner is not None else ""
    )
    if x.excluded:  # a cheaper plan fails a must-have: say so rather than "costs least"
        costs += ", which fails a must-have" if runner in x.excluded else ""
        least = "costs least of the options that meet the must-haves"
    else:
        least = "costs least"
    drawn = f" and in {pct(x.share)} of simulated ones" if x.share is not None else ""
    if x.recommended is None:
        finding = f"Over the next {n} months {labels[best.name]} {least} ({costs})."
    elif x.recommended == best.name:
        finding = (
            f"The recommendation holds over the next {n} months: {labels[best.name]} {least} "
            f"({costs}) at the measured price trends{drawn}; {_flip_words(x)}."
        )
    else:
        finding = (
            f"Over the next {n} months the trends favour {labels[best.name]} ({costs}) over "
            f"{labels[x.recommended]}, the option recommended: the recommendation is not robust "
            f"to them; {_flip_words(x)}."
        )
    mc = h.monte_carlo
    cross = r.crossover
    kpis = [
        Kpi(f"{n} months · cheapest", usd(best.npv_usd), labels[best.name]),
        Kpi(
            "Crossover",
            f"month {cross.month}" if cross is not None and cross.month is not None else "none",
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
    numbers: dict[str, float] = {f"npv_{p.name}": p.npv_usd for p in r.plans}
    numbers["months"] = float(n)
    numbers["flips"] = float(len(x.flips))
    numbers["robust"] = 1.0 if x.held == best.name and not x.flips else 0.0
    if mc is not None and mc.p_self_hosted_cheaper is not None:
        numbers["p_self_hosted_cheaper"] = mc.p_self_hosted_cheaper
    return Section(
        key="horizon",
        title=f"Over the next {n} months",
        finding=finding,
        kpis=kpis,
        brief_kpis=False,
        figures=[horizon_figure(h, as_of, dates)] if figure else [],
        numbers=numbers,
    )


def horizon_paragraphs(
    h: HorizonReport, names: Names, decision: Decision | None = None
) -> list[str]:
    """The horizon in a few paragraphs: the costs, the crossover, prices held, each shift and
    the assumptions (appendix D and the horizon panel show them)."""
    r = h.result
    n = r.settings.months
    x = read_horizon(h, names, decision)
    labels, best = x.labels, x.best
    others = sorted((p for p in r.plans if p.name != best.name), key=lambda p: p.npv_usd)
    first = (
        f"{_capital(labels[best.name])} costs {usd(best.npv_usd)} over {n} months in today's "
        "money"
        + ("; " + ", ".join(f"{labels[p.name]} {usd(p.npv_usd)}" for p in others) if others else "")
        + "."
    )
    cross = r.crossover
    if cross is not None and cross.month is not None:
        before = cross.leader_at_start
        after = cross.second if before == cross.first else cross.first
        first += f" {_capital(labels[after])} overtakes {labels[before]} in month {cross.month}."
    elif cross is not None and cross.leader_at_end != "equal":
        first += " The API and self-hosting do not cross within the horizon."
    if x.excluded:
        first += (
            " "
            + ", ".join(_capital(labels[p.name]) for p in x.excluded)
            + " would cost less but fails a must-have."
        )
    if x.held != best.name:
        first += f" At today's prices held it would be {labels[x.held]}: the trends decide it."
    paragraphs = [first]
    if x.flips:
        paragraphs.append(f"Of the frontier shifts tried, {_flip_words(x)}.")
    elif h.presets:
        paragraphs.append(
            "No frontier shift tried flips it ("
            + "; ".join(f"“{o.name}”" for o in h.presets)
            + ")"
            + ("; " + "; ".join(x.sizes) if x.sizes else "")
            + "."
        )
    paragraphs.append(
        f"Assumed: {settings_text(r.settings)}. Costs are discounted to today; frontier shifts "
        "re-run the hybrid router in the months they change scores or floors."
    )
    return paragraphs


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
    decision = decide(ctx.report, ctx.names, ctx.options)
    return horizon_section(h, ctx.names, ctx.as_of, decision, dates=ctx.data_dates)


def _fit_row(fit: DeclineFit) -> list[str]:
    if not fit.fitted or fit.factor is None:
        return [fit.name, "not fitted", "", str(fit.n), fit.reason]
    start = fit.start.isoformat() if fit.start else "?"
    window = f"{start} to {fit.end.isoformat() if fit.end else '?'}"
    return [
        fit.name,
        direction_text(fit.factor),
        fit.interval_text(),
        str(fit.n),
        window,
    ]


def horizon_detail_section(
    h: HorizonReport,
    names: Names,
    trends: TrendSet | None = None,
    decision: Decision | None = None,
) -> Section:
    """Appendix D: the horizon in detail, each frontier shift, and the measured price trends
    with the rows each rests on.

    Args:
        h: the horizon of the scenario.
        names: display names.
        trends: the measured trends (None: no trend tables).
        decision: the brief's recommendation.

    Returns:
        An appendix section: paragraphs, a table of the shifts, a table of trend fits
        (factor, 90% interval, n, window) and a table of the rows behind each fitted trend.
    """
    x = read_horizon(h, names, decision)
    shifts = Table(
        ["Frontier shift", "What happens", "Cheapest under it", "NPV"],
        [
            [
                o.name,
                o.description,
                x.labels.get(o.decision, o.decision),
                usd(o.npv.get(o.decision, 0.0)),
            ]
            for o in h.presets
        ],
        caption="Frontier shifts, each run through the horizon model and the hybrid router",
        numeric=[3],
        widths=(26, 40, 22, 12),
    )
    tables = [shifts] if h.presets else []
    fitted_count, count = 0, 0
    if trends is not None:
        t = trends
        fits = [f for f in (t.equal_capability, t.list_price, t.rent) if f is not None]
        fits += [f for f in t.thresholds if all(f.name != g.name for g in fits)]
        used = [
            [f.name, p.date.isoformat(), f"${p.value:,.4g}", p.label]
            for f in fits
            if f.fitted
            for p in f.points
        ]
        tables.append(
            Table(
                ["Trend", "Annual change", "90% interval", "n", "Window"],
                [_fit_row(f) for f in fits],
                caption=f"Price declines fitted by least squares on log prices, as of "
                f"{t.as_of.isoformat()}",
                numeric=[3],
                widths=(30, 24, 16, 5, 25),
                note="A factor f means the price divides by f each year; the interval is "
                "Student's t on the slope. Thin series (fewer than 4 points, or under 180 days) "
                "are not fitted.",
            )
        )
        if used:
            tables.append(
                Table(
                    ["Trend", "Date", "Price", "Offer"],
                    used,
                    caption="The rows each fitted trend rests on",
                    numeric=[2],
                    widths=(26, 12, 10, 52),
                    note="Capability trends: the cheapest blended (3:1) price per 1M tokens of "
                    "any model at the level, one row per change; an offer first seen later in a "
                    "price feed is dated from its model's release. Rent: the monthly GPU "
                    "price index (normalised list prices), else the median of the offers seen "
                    "on each date.",
                )
            )
        fitted_count, count = sum(1 for f in fits if f.fitted), len(fits)
    finding = f"How the {h.result.settings.months}-month horizon was worked out" + (
        f"; {fitted_count} of {count} price trends have enough data to fit." if count else "."
    )
    return Section(
        key="trends",
        eyebrow="Appendix D",
        title="The horizon in detail: price trends and frontier shifts",
        finding=finding,
        paragraphs=horizon_paragraphs(h, names, decision),
        tables=tables,
        layout="wide",
        appendix=True,
        numbers={"fitted": float(fitted_count), "trends": float(count)},
    )


@kept
def horizon_trends(ctx: BriefContext) -> Section | None:
    """Appendix D: the horizon in detail, the shifts, the trends and their rows.

    Args:
        ctx: the brief's context.

    Returns:
        The section, or None when the scenario has no horizon block.
    """
    h = ctx.report.horizon
    if h is None:
        return None
    decision = decide(ctx.report, ctx.names, ctx.options)
    return horizon_detail_section(h, ctx.names, ctx.report.trends, decision)
