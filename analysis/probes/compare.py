"""Comparing stored runs side by side: different servers, GPUs, quantisations, tools.

For several runs under one SLO, :func:`compare_runs` gives, per run, the
best SLO-meeting point (throughput, TTFT and TPOT p90 there, goodput) and the
cost per 1M output tokens at that point, and per level the rows the charts
draw (throughput against concurrency; TTFT and TPOT p90 against throughput;
goodput). The GPU-hour price comes from the warehouse (the cheapest on-demand
offer of the run's GPU, :func:`gpu_hour_price`) or is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from analysis.errors import ProbeError, ToolkitError
from analysis.probes.config import SLO
from analysis.probes.results import ProbeRun, best_throughput
from analysis.records import Record


def cost_per_million_output_tokens(gpu_hour_usd: float, gpus: int, tok_s: float) -> float:
    """USD per 1M output tokens of a replica kept busy at ``tok_s``.

    ``cost = gpu_hour_usd [USD/GPU-h] * gpus / (tok_s [tok/s] * 3600 [s/h]) * 1e6``.

    Args:
        gpu_hour_usd: price of one GPU-hour, USD.
        gpus: GPUs per replica.
        tok_s: output tokens per second of the replica.

    Raises:
        ProbeError: a non-positive price, GPU count or throughput.
    """
    if not gpu_hour_usd > 0 or gpus < 1 or not tok_s > 0:
        raise ProbeError(
            f"cost per 1M tokens needs a positive price, GPU count and throughput "
            f"(got {gpu_hour_usd!r} USD/GPU-hour, {gpus!r} GPUs, {tok_s!r} tok/s)"
        )
    return gpu_hour_usd * gpus / (tok_s * 3600) * 1e6


def gpu_hour_price(gpu: str, at: date) -> tuple[float, str]:
    """The cheapest on-demand GPU-hour of ``gpu`` in the warehouse, as of ``at``.

    Takes each offer's latest row dated on or before ``at`` (``gpu_cloud_prices``).

    Returns:
        ``(USD per GPU-hour, source text)``.

    Raises:
        ProbeError: no offer for that GPU dated on or before ``at``.
    """
    from analysis import warehouse

    sql = (
        "SELECT provider, instance_type, region, usd_per_gpu_hour, as_of, source "
        "FROM gpu_cloud_prices WHERE gpu_id = ? AND as_of <= ? "
        "QUALIFY row_number() OVER (PARTITION BY provider, instance_type, region "
        "ORDER BY as_of DESC) = 1 "
        "ORDER BY usd_per_gpu_hour, provider, instance_type, region LIMIT 1"
    )
    try:
        _, rows = warehouse.query_rows(sql, [gpu, at])
    except ToolkitError as exc:
        raise ProbeError(f"cannot look up the GPU-hour price of {gpu}: {exc}") from exc
    if not rows:
        raise ProbeError(
            f"the warehouse has no gpu_cloud_prices offer for gpu {gpu!r} dated on or before "
            f"{at.isoformat()}; give a price with --price"
        )
    provider, instance, region, usd, as_of, source = rows[0]
    return float(usd), (
        f"warehouse gpu_cloud_prices, cheapest on-demand offer for {gpu}: "
        f"{provider}/{instance}/{region} as of {as_of} ({source})"
    )


@dataclass(frozen=True)
class ComparedRun(Record):
    """One run's figures in a comparison (at its best level meeting the SLO).

    Attributes:
        run_id, label, origin, model, hardware, gpu, gpus: what was probed.
        best_concurrency: the highest concurrency meeting the SLO, None if none does.
        output_tokens_per_s: throughput there, tokens/s per replica.
        ttft_p90_ms, tpot_p90_ms: latencies there, ms.
        goodput_rps: requests/s meeting the SLO there (None for summary imports).
        gpu_hour_usd: the GPU-hour price used, USD; price_source says where it is from.
        cost_per_mtok_usd: USD per 1M output tokens at that point.
        note: why a figure is missing.
    """

    run_id: str
    label: str
    origin: str
    model: str
    hardware: str
    gpu: str | None
    gpus: int
    best_concurrency: int | None
    output_tokens_per_s: float | None
    ttft_p90_ms: float | None
    tpot_p90_ms: float | None
    goodput_rps: float | None
    gpu_hour_usd: float | None
    price_source: str | None
    cost_per_mtok_usd: float | None
    note: str


@dataclass(frozen=True)
class Comparison(Record):
    """Runs compared under one SLO.

    Attributes:
        slo: the objectives every run is judged by.
        runs: one entry per run, in the order given.
        levels: tidy rows, one per run and level: ``run`` (label), ``run_id``,
            ``concurrency``, ``output_tokens_per_s``, ``ttft_p90_ms``, ``tpot_p90_ms``,
            ``goodput_rps``, ``meets_slo``.
    """

    slo: SLO
    runs: tuple[ComparedRun, ...]
    levels: tuple[dict[str, Any], ...]


def run_label(run: ProbeRun) -> str:
    """A short label: model, hardware (or GPU), and the tool when imported."""
    where = run.config.hardware or run.config.gpu or run.client_host
    tool = "" if run.origin == "probe" else f", {run.origin}"
    return f"{run.model} on {where}{tool} ({run.run_id[-6:]})"


def compare_runs(
    runs: Sequence[ProbeRun],
    slo: SLO | None = None,
    *,
    prices: Mapping[str, float] | None = None,
    price_at: date | None = None,
) -> Comparison:
    """Compare ``runs`` under one SLO, with the cost per 1M output tokens of each.

    Args:
        runs: the runs (two or more make a comparison; one is allowed).
        slo: the objectives for every run (default: no latency bound, 95% without error).
        prices: USD per GPU-hour by run id, for runs whose GPU is not in the warehouse
            (a key ``"*"`` applies to every run without its own).
        price_at: the date of the warehouse prices (default: each run's start date).

    Returns:
        The comparison.

    Raises:
        ProbeError: no run given, or a run id repeated.
    """
    if not runs:
        raise ProbeError("give at least one stored run id to compare")
    ids = [run.run_id for run in runs]
    if len(set(ids)) != len(ids):
        raise ProbeError(f"a run is given twice: {', '.join(ids)}")
    slo = slo or SLO()
    prices = dict(prices or {})
    compared, rows = [], []
    for run in runs:
        label = run_label(run)
        for level in run.levels(slo):
            rows.append(
                {
                    "run": label,
                    "run_id": run.run_id,
                    "concurrency": level.concurrency,
                    "output_tokens_per_s": level.output_tokens_per_s,
                    "ttft_p90_ms": level.metrics["ttft_ms"].p90,
                    "tpot_p90_ms": level.metrics["tpot_ms"].p90,
                    "goodput_rps": level.goodput_rps,
                    "meets_slo": level.meets_slo,
                }
            )
        compared.append(_compared(run, label, slo, prices, price_at))
    return Comparison(slo=slo, runs=tuple(compared), levels=tuple(rows))


def _compared(
    run: ProbeRun, label: str, slo: SLO, prices: Mapping[str, float], price_at: date | None
) -> ComparedRun:
    cfg = run.config
    notes = []
    try:
        point = best_throughput(run, slo)
    except ProbeError:
        point = None
        notes.append(f"no level meets {slo.describe()}")
    level = None
    if point is not None:
        level = next(lv for lv in run.levels(slo) if lv.concurrency == point.concurrency)
    usd, source = None, None
    given = prices.get(run.run_id, prices.get("*"))
    if given is not None:
        usd, source = float(given), "given"
    elif cfg.gpu:
        try:
            usd, source = gpu_hour_price(cfg.gpu, price_at or run.started_at.date())
        except ProbeError as exc:
            notes.append(str(exc))
    else:
        notes.append("no GPU recorded with the run and no price given")
    cost = None
    if usd is not None and point is not None and point.output_tokens_per_s > 0:
        cost = cost_per_million_output_tokens(usd, cfg.gpus, point.output_tokens_per_s)
    return ComparedRun(
        run_id=run.run_id,
        label=label,
        origin=run.origin,
        model=run.model,
        hardware=cfg.hardware,
        gpu=cfg.gpu,
        gpus=cfg.gpus,
        best_concurrency=point.concurrency if point else None,
        output_tokens_per_s=point.output_tokens_per_s if point else None,
        ttft_p90_ms=level.metrics["ttft_ms"].p90 if level else None,
        tpot_p90_ms=level.metrics["tpot_ms"].p90 if level else None,
        goodput_rps=level.goodput_rps if level else None,
        gpu_hour_usd=usd,
        price_source=source,
        cost_per_mtok_usd=cost,
        note="; ".join(notes),
    )


def comparison_charts(comparison: Comparison) -> dict[str, Any]:
    """The comparison's four charts, by name: ``throughput``, ``latency``, ``goodput``, ``cost``.

    Throughput against concurrency; TTFT and TPOT p90 against throughput;
    goodput under the comparison's SLO; cost per 1M output tokens (only runs
    with a price and a level meeting the SLO). A chart with nothing to draw is None.
    """
    import pandas as pd

    from analysis import charts

    levels = pd.DataFrame(list(comparison.levels))
    runs = pd.DataFrame([run.to_dict() for run in comparison.runs])
    source = ", ".join(f"probe run {run.run_id}" for run in comparison.runs)
    as_of = max(run.run_id[:8] for run in comparison.runs)
    as_of = f"{as_of[:4]}-{as_of[4:6]}-{as_of[6:8]}"
    out: dict[str, Any] = {}
    tput = levels.dropna(subset=["concurrency", "output_tokens_per_s"]).rename(
        columns={"run": "series"}
    )
    out["throughput"] = (
        charts.probe_throughput(
            tput[["concurrency", "output_tokens_per_s", "series"]],
            source=source,
            as_of=as_of,
            title="Throughput against concurrency, run by run",
        )
        if len(tput)
        else None
    )
    lat = levels.dropna(subset=["output_tokens_per_s"])
    out["latency"] = (
        charts.probe_compare_latency(
            lat[["run", "output_tokens_per_s", "ttft_p90_ms", "tpot_p90_ms"]],
            source=source,
            as_of=as_of,
        )
        if len(lat)
        else None
    )
    good = levels.dropna(subset=["concurrency", "goodput_rps"])
    out["goodput"] = (
        charts.probe_goodput(
            good[["run", "concurrency", "goodput_rps"]],
            source=source,
            as_of=as_of,
            slo=comparison.slo.describe(),
        )
        if len(good)
        else None
    )
    cost = runs.dropna(subset=["cost_per_mtok_usd"]) if len(runs) else runs
    prices = "; ".join(
        sorted(
            {f"{r.gpu or r.run_id}: {r.price_source}" for r in comparison.runs if r.price_source}
        )
    )
    out["cost"] = (
        charts.probe_cost(
            cost.rename(columns={"label": "run"})[["run", "cost_per_mtok_usd"]],
            source=f"{source}; prices: {prices}",
            as_of=as_of,
        )
        if len(cost)
        else None
    )
    return out
