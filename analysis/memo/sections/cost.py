"""Cost comparison and break-even: both bills, their parts, and cost against volume."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from analysis.freshness import DataDates, data_dates
from analysis.memo.context import BriefContext, Names, kept
from analysis.memo.formatting import number, ownership_word, pct, usd
from analysis.memo.layout import (
    DETAIL_HEIGHT,
    FULL_WIDTH,
    HALF_WIDTH,
    Figure,
    Section,
    compact,
    size,
)

if TYPE_CHECKING:
    from analysis.scenario import ScenarioReport


def short_basis(basis: str, probe_run: str | None = None) -> str:
    """What a figure rests on, in a few words for the memo; the full text is in appendix B."""
    if probe_run is not None and probe_run in basis:
        return f"measured in probe run {probe_run}"
    return basis if len(basis) <= 48 else "as stated in the scenario, see appendix B"


LIMIT_WORDS = {
    "memory": "GPU memory: one more sequence's KV cache does not fit",
    "latency": "the latency target",
    "bandwidth": "memory bandwidth at the planned batch",
    "compute": "compute at the planned batch",
}


def throughput_words(report: ScenarioReport, probe_run: str | None = None) -> str:
    """The replica throughput in words: the figure used, its range or measurement, what bound it.

    An estimate reads ``653 tokens a second (541–788; decode model, bound by …)``; a
    measurement adds how far the decode model's estimate of it was.
    """
    t = report.tco.self_hosted.sizing.throughput
    if t.estimated and t.range is not None:
        return (
            f"{number(t.tok_s)} tokens a second ({number(t.range.low)}–{number(t.range.high)}; "
            f"decode model, bound by {LIMIT_WORDS.get(t.limit, t.limit)})"
        )
    text = f"{number(t.tok_s)} tokens a second ({short_basis(t.basis, probe_run)})"
    check = report.throughput_check
    if check is not None:
        side = "above" if check.error >= 0 else "below"
        text += (
            f"; the decode model estimated {number(check.estimate.point)} "
            f"({number(check.estimate.low)}–{number(check.estimate.high)}) for the run's "
            f"conditions, {pct(abs(check.error))} {side} the measurement"
        )
    elif t.plan is not None:
        text += (
            f"; the decode model estimates {number(t.plan.tok_s.point)} "
            f"({number(t.plan.tok_s.low)}–{number(t.plan.tok_s.high)})"
        )
    return text


def energy_words(report: ScenarioReport) -> str | None:
    """Energy (and carbon) per million output tokens in one sentence, or None when unknown."""
    e = report.tco.self_hosted.energy
    if e is None:
        return None
    carbon = (
        f" and {number(e.gco2e_per_mtok)} g CO2e at {number(e.grid_gco2e_per_kwh)} g/kWh"
        if e.gco2e_per_mtok is not None and e.grid_gco2e_per_kwh is not None
        else " (no grid intensity given: no carbon figure)"
    )
    pue = f"PUE {e.pue:g}" if "no PUE" not in e.pue_basis else "no PUE given"
    return (
        f"Energy: {e.kwh_per_mtok:,.2f} kWh per million output tokens at this volume "
        f"({e.kwh_per_mtok_at_capacity:,.2f} with every replica busy){carbon}; "
        f"{e.gpus} GPUs at {number(e.power_w)} W ({e.power_basis}), {pue}, "
        f"{number(e.kwh_per_month)} kWh a month."
    )


def cost_components(report: ScenarioReport, names: Names) -> list[dict[str, Any]]:
    """Each option's monthly bill by component, one row each (components of zero left out).

    Returns:
        Rows ``{option, component, monthly_usd}`` for :func:`analysis.charts.tco_comparison`.
    """
    api, sh = report.tco.api, report.tco.self_hosted
    api_label = f"API: {names.api_model}"
    sh_label = f"Self-hosted: {names.open_model}"
    rows: list[dict[str, Any]] = [
        {"option": api_label, "component": "Input tokens", "monthly_usd": api.input_usd},
        {
            "option": api_label,
            "component": "Cached input tokens",
            "monthly_usd": api.cached_input_usd,
        },
        {"option": api_label, "component": "Output tokens", "monthly_usd": api.output_usd},
    ]
    gh = sh.sizing.gpu_hour
    hours = sh.gpus * report.tco.workload.hours_per_month  # GPU-hours a month
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


def volume_curve(report: ScenarioReport, names: Names) -> list[dict[str, Any]]:
    """Monthly cost of each option at volumes around today's and the break-even.

    91 log-spaced volumes from a tenth of today's to the larger of 4× today's
    and 1.6× the break-even, each costed by :func:`analysis.tco.api_cost` and
    :func:`analysis.tco.self_hosted_cost` at the scenario's replica sizing.
    """
    from analysis import tco as tco_model

    w = report.tco.workload
    sizing = report.tco.self_hosted.sizing
    case = report.scenario.case
    today = w.requests_per_month
    be = report.tco.break_even.requests_per_month
    top = max(today * 4, (be or 0) * 1.6)
    low = today / 10
    points = 90
    api_label, sh_label = f"API: {names.api_model}", f"Self-hosted: {names.open_model}"
    out: list[dict[str, Any]] = []
    for i in range(points + 1):
        volume = low * (top / low) ** (i / points)  # log-spaced
        load = dataclasses.replace(w, requests_per_month=volume)
        api_usd = tco_model.api_cost(load, case.api).monthly_usd
        sh_usd = tco_model.self_hosted_cost(load, case.self_hosted, sizing).monthly_usd
        out += [
            {"requests_per_month": volume, "option": api_label, "monthly_usd": api_usd},
            {"requests_per_month": volume, "option": sh_label, "monthly_usd": sh_usd},
        ]
    return out


def cost_section(
    report: ScenarioReport,
    names: Names,
    *,
    probe_run: str | None = None,
    dates: DataDates | None = None,
) -> Section:
    """Cost comparison and break-even of an evaluated scenario.

    Args:
        report: the evaluated scenario (its ``scenario.as_of`` is the price date).
        names: display names.
        probe_run: the probe run the throughput was measured in, if any (named
            briefly in the text).
        dates: how current the price data is on that date, for the chart captions
            (read from the warehouse when None).

    Returns:
        A section with the cost by component (in the body) and the cost against
        volume with the break-even (``placement="appendix"``).
    """
    import pandas as pd

    from analysis import charts

    r, n = report, names
    tco, w = r.tco, r.tco.workload
    sh, api, be = tco.self_hosted, tco.api, tco.break_even
    sizing = sh.sizing
    option = r.scenario.self_hosted
    gh = sizing.gpu_hour
    as_of = r.scenario.as_of.isoformat() if r.scenario.as_of else "an unstated date"
    # Short chart captions; the full sources are in the assumptions table.
    price_src = f"{n.api_provider} list prices in force {as_of} (api_prices)"
    gpu_src = (
        f"GPU offer {option.cloud_offer} (gpu_cloud_prices)"
        if gh.ownership == "rent" and option.cloud_offer
        else "GPU purchase price and power (gpus, scenario)"
    )
    through = price_dates(r, dates)
    per_replica = sizing.gpus_per_replica
    paragraphs = [
        f"The API costs {usd(api.per_mtok_usd, 2)} per million tokens at the list prices in force "
        f"on {as_of}. Self-hosting costs {usd(sh.per_mtok_usd, 2)} per million: {sh.replicas} "
        f"replica{'s' if sh.replicas != 1 else ''} of {per_replica} "
        f"GPU{'s' if per_replica != 1 else ''} ({sizing.gpus_basis}), each delivering "
        f"{throughput_words(r, probe_run)} at "
        f"{pct(option.utilisation)} planned utilisation, at {usd(gh.usd, 2)} a GPU-hour "
        f"({ownership_word(option)}) plus {usd(sh.staff_usd)} a month of staff.",
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
    energy = energy_words(r)
    if energy is not None:
        notes.append(energy)
    q = r.quality
    if q is not None:
        benches = ", ".join(b.benchmark for b in q.benchmarks)
        notes.append(
            f"On quality ({benches}), {n.open_model} averages {q.open_quality:.1f} points "
            f"against {q.closed_quality:.1f} for {n.api_model} ({pct(q.ratio)}): "
            f"{usd(q.self_hosted_usd_per_point)} against {usd(q.api_usd_per_point)} a month per "
            "point of quality."
        )
    comp = pd.DataFrame(cost_components(r, n))
    figures = [
        Figure(
            charts.tco_comparison(
                comp,
                source=[price_src, gpu_src],
                as_of=as_of,
                title="Monthly cost by option and component",
                note=through,
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
            compact(
                charts.break_even_curve(
                    pd.DataFrame(volume_curve(r, n)),
                    source=[price_src, gpu_src],
                    as_of=as_of,
                    break_even=be.requests_per_month,
                    title="Monthly cost against volume",
                    x_title="Requests per month",
                    note=through,
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
            "throughput_tok_s": sizing.throughput.tok_s,
            **({"kwh_per_mtok": sh.energy.kwh_per_mtok} if sh.energy is not None else {}),
        },
    )


def price_dates(report: ScenarioReport, dates: DataDates | None = None) -> str:
    """ "Data through" of the price data a cost figure rests on, for its caption.

    The API prices always; the cloud GPU offers when the GPUs are rented and
    their price was looked up.

    Args:
        report: the evaluated scenario (its ``scenario.as_of`` the price date).
        dates: the datasets' dates on that date (read from the warehouse when None).
    """
    as_of = report.scenario.as_of
    if dates is None:
        if as_of is None:
            return ""
        dates = data_dates(as_of)
    rent = report.scenario.sources.get("self_hosted.gpu_hour_usd", "")
    offer = report.scenario.self_hosted.ownership == "rent" and "gpu_cloud_prices" in rent
    return dates.line(["api_prices", *(["gpu_cloud_prices"] if offer else [])])


@kept
def cost(ctx: BriefContext) -> Section:
    """Cost comparison and break-even: both bills, their parts, and cost against volume.

    Args:
        ctx: the brief's context.

    Returns:
        A section with KPIs, a stacked cost chart and the break-even curve.
    """
    return cost_section(
        ctx.report,
        ctx.names,
        probe_run=ctx.probe.run_id if ctx.probe is not None else None,
        dates=ctx.data_dates,
    )
