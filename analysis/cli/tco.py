"""The tco command: cost a scenario's two options, find the break-even, say which is cheaper.

It reads a scenario file, or a brief parameter file's ``scenario``
(:func:`analysis.brief.scenario_from_file`), evaluates it
(:func:`analysis.scenario.evaluate_scenario`) and prints the report as text
(:func:`format_report`) or JSON (:func:`summary`, or the whole report with ``--full``).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from analysis.brief import scenario_from_file
from analysis.cli import date_arg
from analysis.console import format_table, print_json
from analysis.horizon import plan_rows, settings_text
from analysis.records import to_plain
from analysis.scenario import ScenarioReport, dump_scenario, evaluate_scenario


def _usd(value: float) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:g}"


def summary(report: ScenarioReport) -> dict[str, Any]:
    """The ``tco --json`` payload: both options, break-even and the verdict.

    Args:
        report: the evaluated scenario.

    Returns:
        A JSON-safe dict with at least ``api.monthly_usd``, ``self_hosted.monthly_usd``,
        ``self_hosted.replicas``, ``self_hosted.gpus`` and ``break_even_requests_per_month``.
    """
    tco = report.tco
    s = report.scenario
    return {
        "name": s.name,
        "as_of": s.as_of.isoformat() if s.as_of else None,
        "workload": to_plain(tco.workload),
        "api": to_plain(tco.api),
        "self_hosted": to_plain(tco.self_hosted),
        "break_even": to_plain(tco.break_even),
        "break_even_requests_per_month": tco.break_even.requests_per_month,
        "cheaper": tco.cheaper,
        "difference_usd": tco.difference_usd,
        "horizon_months": report.horizon_months,
        "horizon": horizon_summary(report),
        "sources": dict(s.sources),
        "unsourced": list(report.unsourced),
    }


def format_report(report: ScenarioReport, full: bool = False) -> str:
    """The ``tco`` command's text output.

    Args:
        report: the evaluated scenario.
        full: add the tornado, Monte Carlo, quality, routing and scorecard.

    Returns:
        Plain text.
    """
    tco, s = report.tco, report.scenario
    w, api, sh, be = tco.workload, tco.api, tco.self_hosted, tco.break_even
    head = s.name or "scenario"
    if s.as_of:
        head += f" (as of {s.as_of.isoformat()})"
    lines = [
        head,
        f"Workload: {w.requests_per_month:,.0f} requests/month, {w.input_tokens:,.0f} input + "
        f"{w.output_tokens:,.0f} output tokens/request, cached share {w.cached_share:g}, "
        f"peak/average {w.peak_to_average:g}",
        "",
    ]
    rows = [
        {
            "option": f"API: {api.label}",
            "monthly": _usd(api.monthly_usd),
            "per 1M tokens": f"${api.per_mtok_usd:,.4f}",
            "per request": f"${api.per_request_usd:,.6f}",
            "replicas": "",
            "GPUs": "",
        },
        {
            "option": f"self-hosted: {sh.label}",
            "monthly": _usd(sh.monthly_usd),
            "per 1M tokens": f"${sh.per_mtok_usd:,.4f}",
            "per request": f"${sh.per_request_usd:,.6f}",
            "replicas": str(sh.replicas),
            "GPUs": str(sh.gpus),
        },
    ]
    lines.append(format_table(rows))
    sizing = sh.sizing
    lines += [
        "",
        f"Self-hosted: infrastructure {_usd(sh.infrastructure_usd)} + staff {_usd(sh.staff_usd)}; "
        f"{sizing.gpus_per_replica} GPUs per replica ({sizing.gpus_basis}); GPU-hour "
        f"${sizing.gpu_hour.usd:,.6f} ({sizing.gpu_hour.ownership})",
        f"Throughput: {sizing.throughput.tok_s:,.1f} output tok/s per replica "
        f"({sizing.throughput.basis}); peak load {sh.peak_output_tok_s:,.1f} tok/s",
    ]
    t = sizing.throughput
    if t.estimated and t.range is not None and t.plan is not None:
        ttft = (
            f"; p95 TTFT {sh.ttft_p95_ms.text()} ms at the peak"
            if sh.ttft_p95_ms is not None
            else ""
        )
        lines.append(
            f"Decode estimate: {t.range.text()} tok/s, batch {t.plan.batch}, bound by {t.limit} "
            f"({t.plan.limit_detail}); TPOT {t.plan.tpot_ms.text('.1f')} ms{ttft}"
        )
    if sh.energy is not None:
        e = sh.energy
        carbon = f", {e.gco2e_per_mtok:,.0f} g CO2e" if e.gco2e_per_mtok is not None else ""
        lines.append(
            f"Energy: {e.kwh_per_mtok:,.2f} kWh per 1M output tokens{carbon} "
            f"({e.gpus} GPUs × {e.power_w:,.0f} W, {e.power_basis}; PUE {e.pue:g})"
        )
    if be.requests_per_month is not None:
        lines.append(
            f"Break-even: {be.requests_per_month:,} requests/month (self-hosted "
            f"{_usd(be.self_hosted_monthly_usd or 0.0)} vs API {_usd(be.api_monthly_usd or 0.0)}, "
            f"{be.replicas} replica(s)); next replica at "
            f"{be.next_replica_at_requests_per_month:,} requests/month"
        )
    else:
        lines.append(f"Break-even: none ({be.reason})")
    next_at = sh.next_replica_at_requests_per_month
    lines.append(f"Next replica for this workload at {next_at:,} requests/month")
    saving = abs(tco.difference_usd)
    if tco.cheaper == "equal":
        lines.append("Cheaper: neither (equal cost)")
    else:
        label = "self-hosted" if tco.cheaper == "self_hosted" else "API"
        lines.append(f"Cheaper: {label}, by {_usd(saving)}/month")
    if report.horizon_months:
        lines.append(
            f"Over {report.horizon_months} months: API {_usd(report.horizon_api_usd or 0.0)}, "
            f"self-hosted {_usd(report.horizon_self_hosted_usd or 0.0)}"
        )
    if report.unsourced:
        lines.append(f"Assumptions without a stated source: {', '.join(report.unsourced)}")
    lines += horizon_lines(report)
    if full:
        lines += _full_sections(report)
    return "\n".join(lines)


def horizon_summary(report: ScenarioReport) -> dict[str, Any] | None:
    """The horizon in the ``tco --json`` payload (None without a ``horizon`` block).

    Returns:
        ``months``, ``settings`` (in words), ``plans`` (see
        :func:`analysis.horizon.plan_rows`), ``cheapest``, ``crossover_month``,
        ``p_self_hosted_cheaper``, ``robust``, ``flips``, ``presets`` (name, decision,
        changed, text), ``trends`` (name, fitted, factor, low, high, n, reason) and ``text``.
    """
    h = report.horizon
    if h is None:
        return None
    mc = h.monte_carlo
    trends = []
    if report.trends is not None:
        t = report.trends
        for fit in (t.equal_capability, t.list_price, t.rent, *t.thresholds):
            if fit is not None:
                trends.append(
                    {
                        "name": fit.name,
                        "fitted": fit.fitted,
                        "factor": fit.factor,
                        "low": fit.low,
                        "high": fit.high,
                        "n": fit.n,
                        "reason": fit.reason,
                    }
                )
    return {
        "months": h.result.settings.months,
        "settings": settings_text(h.result.settings),
        "plans": plan_rows(h),
        "cheapest": h.result.cheapest,
        "crossover_month": h.result.crossover.month if h.result.crossover else None,
        "p_self_hosted_cheaper": mc.p_self_hosted_cheaper if mc is not None else None,
        "robust": h.robust,
        "flips": list(h.flips),
        "presets": [
            {"name": o.name, "decision": o.decision, "changed": o.changed, "text": o.text}
            for o in h.presets
        ],
        "trends": trends,
        "text": h.text,
    }


def horizon_lines(report: ScenarioReport) -> list[str]:
    """The horizon summary the ``tco`` command prints (none without a ``horizon`` block)."""
    h = report.horizon
    if h is None:
        return []
    lines = ["", f"Horizon: {settings_text(h.result.settings)}"]
    with_mc = h.monte_carlo is not None
    rows = []
    for row in plan_rows(h):
        entry = {
            "plan": row["label"] + (" *" if row["cheapest"] else ""),
            "NPV": _usd(row["npv_usd"]),
            "cash total": _usd(row["cash_usd"]),
            "month 1": _usd(row["month_1_usd"]),
            f"month {h.result.settings.months}": _usd(row["last_month_usd"]),
        }
        if with_mc:
            entry["NPV P10-P90"] = f"{_usd(row['npv_p10_usd'])} to {_usd(row['npv_p90_usd'])}"
            entry["cheapest in"] = f"{row['p_cheapest']:.0%} of draws"
        rows.append(entry)
    lines.append(format_table(rows))
    if h.monte_carlo is not None and h.monte_carlo.p_self_hosted_cheaper is not None:
        mc = h.monte_carlo
        lines.append(
            f"Monte Carlo ({mc.draws:,} draws, seed {mc.seed}; drawn: "
            f"{', '.join(mc.parameters) or 'nothing'}): P(self-hosting cheaper over the horizon) "
            f"= {mc.p_self_hosted_cheaper:.1%}"
        )
    if h.presets:
        lines.append("Frontier shifts:")
        lines += [f"  - {o.text}" for o in h.presets]
    if report.trends is not None:
        fits = [report.trends.equal_capability, report.trends.list_price, report.trends.rent]
        fits += list(report.trends.thresholds)
        lines.append("Measured trends:")
        lines += [f"  - {f.describe()}" for f in fits if f is not None]
    lines.append(h.text)
    return lines


def _full_sections(report: ScenarioReport) -> list[str]:
    t = report.tornado
    lines = ["", f"Sensitivity (±{t.pct:g}%, {t.metric}, base {_usd(t.base_result)}):"]
    lines.append(
        format_table(
            [
                {
                    "parameter": r.parameter,
                    "low": _num(r.low_value),
                    "high": _num(r.high_value),
                    "result at low": "" if r.low_result is None else _usd(r.low_result),
                    "result at high": "" if r.high_result is None else _usd(r.high_result),
                    "swing": _usd(r.swing),
                }
                for r in t.rows
            ]
        )
    )
    mc = report.monte_carlo
    if mc is not None:
        lines += ["", f"Monte Carlo ({mc.draws:,} draws, seed {mc.seed}):"]
        lines.append(
            format_table(
                [
                    {"option": name, "P10": _usd(p.p10), "P50": _usd(p.p50), "P90": _usd(p.p90)}
                    for name, p in (("API", mc.api), ("self-hosted", mc.self_hosted))
                ]
            )
        )
        lines.append(f"P(self-hosted cheaper) = {mc.p_self_hosted_cheaper:.1%}")
    q = report.quality
    if q is not None:
        lines += [
            "",
            f"Quality: open/closed = {q.ratio:.3f} "
            f"({q.open_quality:.1f} vs {q.closed_quality:.1f}); "
            f"USD/month per point: self-hosted {_usd(q.self_hosted_usd_per_point)}, "
            f"API {_usd(q.api_usd_per_point)}",
        ]
    rr = report.routing
    if rr is not None:
        lines += ["", f"Hybrid routing: {_usd(rr.monthly_usd)}/month, quality {rr.quality:.1f}"]
        lines.append(
            format_table(
                [
                    {
                        "class": c.name,
                        "option": c.option,
                        "score": f"{c.score:g}",
                        "floor": f"{c.required_score:g}",
                        "monthly": _usd(c.monthly_usd),
                    }
                    for c in rr.classes
                ]
            )
        )
    card = report.scorecard
    if card is not None:
        lines += ["", "Scorecard (0-5):"]
        lines.append(
            format_table(
                [
                    {
                        "option": o.name,
                        **{s.factor: str(s.score) for s in o.scores},
                        "total": f"{o.weighted_total:.2f}",
                    }
                    for o in card.options
                ]
            )
        )
        if card.winner:
            lines.append(f"Winner: {card.winner}; deciding factor: {card.deciding_factor}")
    return lines


def _cmd_tco(args: argparse.Namespace) -> int:
    scenario = scenario_from_file(args.file)
    at = args.as_of or scenario.as_of or date.today()  # "today" only at the edge
    report = evaluate_scenario(scenario, at)
    if args.dump is not None:
        dump_scenario(report.scenario, args.dump)
    if args.json:
        payload = report.to_dict() if args.full else summary(report)
        if args.full:
            payload = {**summary(report), **payload}
        print_json(payload)
    else:
        print(format_report(report, full=args.full))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's commands to ``python -m analysis``: ``tco``."""
    p = subparsers.add_parser(
        "tco",
        help="compare a closed model's API with a self-hosted open model (TCO, break-even)",
        description=(
            "Cost both options of a scenario file, find the break-even volume and say which "
            "is cheaper. Values the file leaves out are looked up in the warehouse."
        ),
    )
    p.add_argument(
        "-f",
        "--file",
        required=True,
        type=Path,
        help="a scenario YAML file, or a brief parameter file (its scenario is used)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--as-of",
        type=date_arg,
        default=None,
        metavar="YYYY-MM-DD",
        help="date of the price lookups (default: the file's as_of, else today)",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="add sensitivity, Monte Carlo, quality, routing and scorecard",
    )
    p.add_argument(
        "--dump",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the resolved scenario (every value used and its source) to this YAML file",
    )
    p.set_defaults(func=_cmd_tco)
