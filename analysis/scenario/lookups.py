"""Looking up what a scenario file leaves out, with the source of every value.

:func:`resolve` fills what the file leaves out from the warehouse (API prices
on the scenario's date, model and GPU figures, cloud GPU prices, benchmark
scores: :func:`lookup_score`) and the probe store (measured throughput:
:func:`probe_throughput`), recording each value's source in the scenario's
``sources``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from analysis.errors import PriceNotFoundError, ProbeError, ScenarioError
from analysis.horizon.model import PriceEvent
from analysis.horizon.spec import (
    MAX_DRAWN_RATIO,
    HorizonSpec,
    PriceSpec,
    distribution_from_fit,
    filled,
)
from analysis.horizon.trends import DeclineFit
from analysis.records import Record
from analysis.scenario.files import problem_of
from analysis.scenario.model import BenchmarkPick, Scenario
from analysis.tco import ApiOption, GpuSpec, ModelSpec, SelfHostedOption


def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    from analysis import warehouse

    return warehouse.query(sql, params).to_dicts()


def _need_date(at: date | None, parameter: str) -> date:
    if at is None:
        raise ScenarioError(
            parameter,
            None,
            "is looked up at a date: give as_of in the scenario (or --as-of on the command line)",
        )
    return at


def _resolve_api(api: ApiOption, at: date | None, sources: dict[str, str], path: str) -> ApiOption:
    if api.input_usd_per_mtok is not None and api.output_usd_per_mtok is not None:
        return api
    from analysis import prices

    if not api.model:
        raise ScenarioError(
            f"{path}.model", None, "name the model to look up its price, or give the prices"
        )
    at = _need_date(at, f"{path}.input_usd_per_mtok")
    try:
        price = prices.price_for(api.model, at=at, provider=api.provider)
    except PriceNotFoundError as exc:  # name the scenario's parameter, keep the explanation
        raise PriceNotFoundError(f"{path}.model", api.model, problem_of(exc)) from None
    since = price.effective_from.isoformat() if price.effective_from else "an unknown start"
    note = (
        f"warehouse api_prices: {price.provider} {price.api_model}, in force on "
        f"{at.isoformat()} (from {since}, {price.date_basis}); {price.source}"
    )
    filled: dict[str, Any] = {}
    for name in ("input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok"):
        value = getattr(price, name)
        if getattr(api, name) is None and value is not None:
            filled[name] = float(value)
            sources.setdefault(f"{path}.{name}", note)
    return replace(
        api,
        provider=api.provider or price.provider,
        price_source=api.price_source or price.source,
        price_date=api.price_date
        or (price.effective_from.isoformat() if price.effective_from else None),
        **filled,
    )


def _model_row(model_id: str, parameter: str) -> dict[str, Any]:
    rows = _rows("SELECT * FROM models WHERE model_id = ?", [model_id])
    if not rows:
        import difflib

        known = [r["model_id"] for r in _rows("SELECT model_id FROM models WHERE open_weights", [])]
        close = difflib.get_close_matches(model_id, known, n=8, cutoff=0.4)
        raise ScenarioError(
            parameter,
            model_id,
            f"is not in the warehouse's models table; closest open-weight models: "
            f"{', '.join(close) or 'none'} ({len(known)} in all: python -m analysis sql "
            '"SELECT model_id FROM models WHERE open_weights" lists them)',
        )
    return rows[0]


def model_spec_of(row: Mapping[str, Any], shape: Mapping[str, Any] | None) -> ModelSpec:
    """A model's architecture from its ``models`` row and, when there is one, its
    ``model_shapes`` row (KV layout, the MLA latent, routed experts).

    The shape's layers, KV heads and head size win over the models row's; its
    ``full_attention_layers`` (when fewer than ``layers``) become ``kv_layers``.
    """
    shape = shape or {}

    def pick(name: str, column: str | None = None) -> Any:
        value = shape.get(column or name)
        return row.get(name) if value is None else value

    layers = pick("layers")
    full = shape.get("full_attention_layers")
    sources = [row.get("spec_source") or row.get("source")]
    if shape.get("source"):
        sources.append(f"model_shapes: {shape['source']}")
    moe = shape.get("ffn") == "moe"
    return ModelSpec(
        params_total_b=row["params_total_b"],
        params_active_b=row.get("params_active_b"),
        layers=layers,
        kv_heads=pick("kv_heads"),
        head_dim=pick("head_dim"),
        kv_layers=full if full is not None and layers is not None and full < layers else None,
        kv_lora_rank=shape.get("kv_lora_rank") if shape.get("attention") == "mla" else None,
        qk_rope_head_dim=shape.get("qk_rope_head_dim") if shape.get("attention") == "mla" else None,
        experts=shape.get("routed_experts") if moe else None,
        experts_per_token=shape.get("experts_per_token") if moe else None,
        source="; ".join(str(x) for x in sources if x),
    )


def _resolve_model_spec(sh: SelfHostedOption, sources: dict[str, str]) -> SelfHostedOption:
    if sh.model_spec is not None or not sh.model:
        return sh
    row = _model_row(sh.model, "self_hosted.model")
    if not row.get("open_weights"):
        raise ScenarioError(
            "self_hosted.model", sh.model, "is not open-weight, so it cannot be self-hosted"
        )
    if row.get("params_total_b") is None:
        return sh  # sizing will say what is missing if it needs the figures
    shape = _rows("SELECT * FROM model_shapes WHERE model_id = ?", [sh.model])
    spec = model_spec_of(row, shape[0] if shape else None)
    sources.setdefault("self_hosted.model_spec", f"warehouse models: {spec.source}")
    return replace(sh, model_spec=spec)


def _resolve_gpu(sh: SelfHostedOption, sources: dict[str, str]) -> SelfHostedOption:
    if not sh.gpu:
        return sh
    rows = _rows("SELECT * FROM gpus WHERE gpu_id = ?", [sh.gpu])
    if not rows:
        known = ", ".join(r["gpu_id"] for r in _rows("SELECT gpu_id FROM gpus ORDER BY 1", []))
        raise ScenarioError(
            "self_hosted.gpu", sh.gpu, f"is not in the warehouse's gpus table; known: {known}"
        )
    row = rows[0]
    changes: dict[str, Any] = {}
    if sh.gpu_spec is None:
        changes["gpu_spec"] = GpuSpec(
            memory_gb=row["memory_gb"],
            mem_bandwidth_tbps=row["mem_bandwidth_tbps"],
            bf16_dense_tflops=row.get("bf16_dense_tflops"),
            fp8_dense_tflops=row.get("fp8_dense_tflops"),
            tdp_w=row.get("tdp_w"),
            purchase_price_usd=row.get("purchase_price_usd"),
            source=row.get("source"),
        )
        sources.setdefault("self_hosted.gpu_spec", f"warehouse gpus: {row.get('source')}")
    if sh.ownership == "buy":
        if sh.capex_usd_per_gpu is None and row.get("purchase_price_usd") is not None:
            changes["capex_usd_per_gpu"] = float(row["purchase_price_usd"])
            kind = "an estimate" if row.get("purchase_price_is_estimate") else "a list price"
            sources.setdefault(
                "self_hosted.capex_usd_per_gpu",
                f"warehouse gpus.purchase_price_usd, {kind}: {row.get('purchase_price_source')}",
            )
        if sh.power_w is None and row.get("tdp_w") is not None:
            changes["power_w"] = float(row["tdp_w"])
            changes["power_basis"] = (
                f"estimate: the board power (TDP) of {sh.gpu}, an upper bound on the average draw"
            )
            sources.setdefault(
                "self_hosted.power_w",
                "estimate: the board power (TDP) from the datasheet, an upper bound on the "
                f"average draw; {row.get('source')}",
            )
    return replace(sh, **changes) if changes else sh


def _resolve_rent(
    sh: SelfHostedOption, at: date | None, sources: dict[str, str]
) -> SelfHostedOption:
    if sh.ownership != "rent" or sh.gpu_hour_usd is not None:
        return sh
    if sh.cloud_offer is None and not sh.gpu:
        return sh  # the model will ask for gpu_hour_usd
    at = _need_date(at, "self_hosted.gpu_hour_usd")
    sql = (
        "SELECT * FROM gpu_cloud_prices WHERE as_of <= ? "
        "QUALIFY row_number() OVER (PARTITION BY provider, instance_type, region "
        "ORDER BY as_of DESC) = 1"
    )
    offers = _rows(sql, [at])
    if sh.cloud_offer is not None:
        parts = sh.cloud_offer.split("/", 2)
        if len(parts) != 3:
            raise ScenarioError(
                "self_hosted.cloud_offer", sh.cloud_offer, "must be provider/instance_type/region"
            )
        chosen = [o for o in offers if [o["provider"], o["instance_type"], o["region"]] == parts]
        how = "the offer named"
    else:
        chosen = sorted(
            (o for o in offers if o["gpu_id"] == sh.gpu),
            key=lambda o: (o["usd_per_gpu_hour"], o["provider"], o["instance_type"], o["region"]),
        )[:1]
        how = f"the cheapest on-demand offer for {sh.gpu}"
    if not chosen:
        what = sh.cloud_offer or f"an offer for {sh.gpu}"
        raise ScenarioError(
            "self_hosted.cloud_offer" if sh.cloud_offer else "self_hosted.gpu",
            sh.cloud_offer or sh.gpu,
            f"the warehouse has no gpu_cloud_prices row for {what} dated on or before "
            f"{at.isoformat()}; give self_hosted.gpu_hour_usd",
        )
    offer = chosen[0]
    label = f"{offer['provider']}/{offer['instance_type']}/{offer['region']}"
    sources.setdefault(
        "self_hosted.gpu_hour_usd",
        f"warehouse gpu_cloud_prices, {how}: {label} as of {offer['as_of']} "
        f"({offer.get('as_of_basis')}); {offer.get('source')}",
    )
    return replace(sh, gpu_hour_usd=float(offer["usd_per_gpu_hour"]), cloud_offer=label)


@dataclass(frozen=True, slots=True)
class ProbeMeasurement(Record):
    """What a stored probe run measured, for the cost model and the comparison with the estimate.

    Attributes:
        run_id: the run.
        tok_s: output tokens/s per replica at the highest level meeting the run's SLO.
        basis: the basis text (:func:`analysis.probes.to_tco_throughput`).
        ttft_p95_ms: that level's p95 time to first token [ms] (None: not measured).
        concurrency: that level's concurrency (None: an open-loop rate).
        input_tokens, output_tokens: the run's prompt and answer lengths [tokens].
        model, hardware: the model the server reported and the hardware label.
    """

    run_id: str
    tok_s: float
    basis: str
    ttft_p95_ms: float | None
    concurrency: int | None
    input_tokens: int
    output_tokens: int
    model: str
    hardware: str


def probe_measurement(run_id: str) -> ProbeMeasurement:
    """The measured replica throughput of a stored probe run, within the run's own SLO.

    Raises:
        ScenarioError: the run is not stored, cannot be read, or no level meets its SLO.
    """
    from analysis import probes
    from analysis.probes import store as probe_store

    try:
        run = probe_store.load_run(run_id)
        tok_s, basis = probes.to_tco_throughput(run)
        point = probes.best_throughput(run)
    except ProbeError as exc:
        raise ScenarioError("self_hosted.probe_run", run_id, str(exc)) from None
    return ProbeMeasurement(
        run_id=run_id,
        tok_s=float(tok_s),
        basis=basis,
        ttft_p95_ms=point.ttft_p95_ms,
        concurrency=point.concurrency,
        input_tokens=int(run.config.input_tokens),
        output_tokens=int(run.config.max_tokens),
        model=run.model,
        hardware=run.config.hardware,
    )


def probe_throughput(run_id: str) -> tuple[float, str, float | None]:
    """Measured replica throughput of a stored probe run, within the run's own SLO.

    Args:
        run_id: the probe run's id.

    Returns:
        (output tokens/s per replica at the highest load level meeting the SLO,
        the basis text, that level's p95 time to first token [ms] or None).

    Raises:
        ScenarioError: the run is not stored, cannot be read, or no level meets its SLO.
    """
    m = probe_measurement(run_id)
    return m.tok_s, m.basis, m.ttft_p95_ms


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def probe_matches(model_id: str, gpu_id: str, run_model: str, run_hardware: str) -> bool:
    """Whether a probe run measured this model on this GPU, by their names.

    The model matches when one name, lower-cased with punctuation removed, contains
    the other (``llama-3.3-70b-instruct`` in ``meta-llama/Llama-3.3-70B-Instruct-FP8``,
    ``llama3.3:70b`` in ``llama-3.3-70b-instruct``); the GPU when the run's hardware
    label names the chip (``h100`` of ``nvidia-h100-sxm`` in ``2x H100 SXM, vLLM``).
    A run's GPU count and precision are not in its labels: name the run in the
    scenario (``self_hosted.probe_run``) to choose one for sure.
    """
    model, measured = _squash(model_id), _squash(run_model)
    if len(min(model, measured, key=len)) < 6 or not (model in measured or measured in model):
        return False
    parts = gpu_id.lower().split("-")
    chip = parts[1] if len(parts) > 1 and parts[0] in ("nvidia", "amd", "intel") else parts[0]
    return bool(chip) and _squash(chip) in _squash(run_hardware)


def matching_probe_run(model_id: str, gpu_id: str) -> str | None:
    """The newest stored probe run of this model on this GPU with a level meeting its SLO."""
    from analysis.probes import store as probe_store

    try:
        runs = probe_store.list_runs().to_dicts()
    except ProbeError:
        return None
    found = [
        r["run_id"]
        for r in runs
        if r.get("best_output_tokens_per_s")
        and probe_matches(model_id, gpu_id, r.get("model") or "", r.get("hardware") or "")
    ]
    return found[-1] if found else None


def _resolve_probe(sh: SelfHostedOption, sources: dict[str, str]) -> SelfHostedOption:
    if sh.throughput_tok_s is not None:
        return sh
    how = ""
    if sh.probe_run is None:
        if not (sh.model and sh.gpu and sh.match_probe_runs):
            return sh
        found = matching_probe_run(sh.model, sh.gpu)
        if found is None:
            return sh
        sh = replace(sh, probe_run=found)
        how = f" (a stored run matching {sh.model} on {sh.gpu}: it replaces the estimate)"
    m = probe_measurement(sh.probe_run)  # type: ignore[arg-type]
    if sh.model and sh.gpu and not probe_matches(sh.model, sh.gpu, m.model, m.hardware):
        how = (
            f" (note: the run measured {m.model} on {m.hardware or 'unlabelled hardware'}, "
            f"which does not name {sh.model} on {sh.gpu})"
        )
    sources.setdefault("self_hosted.throughput_tok_s", f"measured: {m.basis}{how}")
    return replace(sh, throughput_tok_s=m.tok_s, throughput_basis=m.basis)


def api_model_id_of(scenario: Scenario) -> str | None:
    """The ``model_id`` whose scores and level stand for the scenario's API model.

    ``quality.api_model`` when given, else the API model itself when it is a
    ``model_id``, else the one model the price table maps its name to (None: unknown).
    """
    if scenario.quality is not None and scenario.quality.api_model:
        return scenario.quality.api_model
    return _model_id_of_api(scenario.api)


def _model_id_of_api(api: ApiOption) -> str | None:
    if not api.model:
        return None
    if _rows("SELECT 1 FROM models WHERE model_id = ?", [api.model]):
        return api.model
    rows = _rows("SELECT DISTINCT model_id FROM api_prices WHERE api_model = ?", [api.model])
    return rows[0]["model_id"] if len(rows) == 1 else None


def lookup_score(
    model_id: str, pick: BenchmarkPick, parameter: str, required: bool = True
) -> tuple[float, str] | None:
    """One published score (0–100) of a model on a benchmark, with its source.

    Args:
        model_id: the model.
        pick: the benchmark and the filters that make the match one row.
        parameter: the scenario parameter named in errors.
        required: raise when there is no score (else return None).

    Returns:
        (score on a 0–100 scale, source text), or None.

    Raises:
        ScenarioError: no row (when required), several rows (add a filter), or a
            score not on a 0–100 scale.
    """
    sql = "SELECT * FROM benchmark_scores WHERE model_id = ? AND benchmark = ?"
    params: list[Any] = [model_id, pick.benchmark]
    for column, value in (
        ("benchmark_variant", pick.variant),
        ("setting", pick.setting),
        ("reported_by", pick.reported_by),
        ("eval_relationship", pick.relationship),
        ("source", pick.source),
    ):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    rows = _rows(sql, params)
    if not rows:
        if not required:
            return None
        have = _rows(
            "SELECT DISTINCT benchmark FROM benchmark_scores WHERE model_id = ? ORDER BY 1",
            [model_id],
        )
        names = ", ".join(r["benchmark"] for r in have) or "none"
        raise ScenarioError(
            parameter,
            pick.benchmark,
            f"no score for {model_id} with these filters; its benchmarks: {names}",
        )
    if len(rows) > 1:
        options = "; ".join(
            f"variant={r.get('benchmark_variant')!r} setting={r.get('setting')!r} "
            f"reported_by={r.get('reported_by')!r} source={r.get('source')!r}"
            for r in rows[:6]
        )
        raise ScenarioError(
            parameter,
            pick.benchmark,
            f"{len(rows)} scores match for {model_id}; add a filter (variant, setting, "
            f"reported_by or source) to pick one: {options}",
        )
    row = rows[0]
    if row.get("score_pct") is None:
        raise ScenarioError(
            parameter, pick.benchmark, f"the score is on the {row.get('scale')} scale, not 0-100"
        )
    source = (
        f"warehouse benchmark_scores: {row.get('reported_by')} ({row.get('eval_relationship')}), "
        f"{row.get('source')}, {row.get('source_date')}"
    )
    return float(row["score_pct"]), source


def _fill_scores(
    scores: dict[str, float],
    model_id: str | None,
    picks: list[BenchmarkPick],
    path: str,
    sources: dict[str, str],
    required: bool,
) -> dict[str, float]:
    out = dict(scores)
    for pick in picks:
        if pick.benchmark in out:
            continue
        if model_id is None:
            if required:
                raise ScenarioError(
                    f"{path}.{pick.benchmark}", None, "give the score, or a model to look it up"
                )
            continue
        found = lookup_score(model_id, pick, f"{path}.{pick.benchmark}", required)
        if found is not None:
            out[pick.benchmark], sources[f"{path}.{pick.benchmark}"] = found
    return out


#: Which measured trend each price path's factor comes from, and what it is.
_TREND_OF = {
    ("api_price", "trend"): ("list_price", "the API model's own list-price history"),
    ("api_price", "switch"): (
        "equal_capability",
        "the cheapest blended price of any model at the API model's level",
    ),
    ("rent_price", "trend"): (
        "rent",
        "the GPU type's rent: the monthly GPU price index, else the median of the offers seen "
        "on each date",
    ),
}


def _fill_price(
    spec: PriceSpec, name: str, fit: DeclineFit | None, why_none: str, sources: dict[str, str]
) -> PriceSpec:
    """A ``measured`` factor filled from its fit, or held (1) with the reason."""
    key = f"horizon.{name}.decline_factor"
    if spec.path == "held":
        sources.setdefault(key, "held: today's price throughout (the path is held)")
        return filled(spec, 1.0, "held")
    _, what = _TREND_OF[(name, spec.path)]
    if fit is None or not fit.fitted or fit.factor is None:
        reason = fit.reason if fit is not None else why_none
        note = f"not measured ({what}): {reason}; the price is held (factor 1)"
        sources[key] = note
        return filled(spec, 1.0, note)
    note = f"measured ({what}): {fit.describe()}"
    sources[key] = note
    return filled(spec, fit.factor, note)


def _switch_today(
    spec: PriceSpec, fit: DeclineFit | None, api: ApiOption, sources: dict[str, str]
) -> PriceSpec:
    """A switch path starts from the cheapest offer at equal capability on offer today.

    The last point of the equal-capability series is the cheapest blended price at
    the API model's level on the date; when it is below the API model's own blended
    price, a buyer who switches pays it from month 1 (an offer at month 1, its price
    relative to today's).
    """
    from analysis.prices import blended_usd_per_mtok

    if fit is None or not fit.points or api.input_usd_per_mtok is None:
        return spec
    if api.output_usd_per_mtok is None:
        return spec
    today = blended_usd_per_mtok(api.input_usd_per_mtok, api.output_usd_per_mtok)
    cheapest = fit.points[-1]
    if today <= 0 or cheapest.value >= today:
        return spec
    ratio = cheapest.value / today
    label = f"cheapest at equal capability: {cheapest.label}"
    sources["horizon.api_price.offers"] = (
        f"measured: {cheapest.label} at ${cheapest.value:,.4g} per 1M tokens (blended 3:1) on "
        f"offer since {cheapest.date.isoformat()}, {ratio:.3g} × the API model's "
        f"${today:,.4g} ({fit.name})"
    )
    return replace(spec, offers=(PriceEvent(1, ratio, label), *spec.offers))


def _resolve_horizon(
    spec: HorizonSpec | None,
    at: date | None,
    sources: dict[str, str],
    api: ApiOption,
    sh: SelfHostedOption,
    api_model_id: str | None,
) -> HorizonSpec | None:
    """Fill the horizon block's ``measured`` factors and distributions from the warehouse."""
    if spec is None or not spec.measured:
        return spec
    from analysis.horizon.store import measured_trends

    at = _need_date(at, "horizon.api_price.decline_factor")
    trends = measured_trends(
        at,
        api_model=api.model,
        api_provider=api.provider,
        api_model_id=api_model_id,
        gpu_id=sh.gpu,
        benchmark=spec.trends.benchmark,
        thresholds=spec.trends.thresholds,
        source=spec.trends.source,
    )
    why = {
        "list_price": f"no price history for {api.model}",
        "equal_capability": (
            f"no {spec.trends.benchmark} level for the API model "
            f"({api_model_id or api.model}); name it in quality.api_model"
        ),
        "rent": "no GPU named",
    }
    changes: dict[str, Any] = {}
    used: dict[str, DeclineFit | None] = {}
    for name in ("api_price", "rent_price"):
        price: PriceSpec = getattr(spec, name)
        trend, _ = _TREND_OF.get((name, price.path), ("", ""))
        fit = getattr(trends, trend) if trend else None
        used[name] = fit
        if price.measured:
            price = _fill_price(price, name, fit, why.get(trend, ""), sources)
            if name == "api_price" and price.path == "switch":
                price = _switch_today(price, fit, api, sources)
            changes[name] = price
    mc = spec.monte_carlo
    if mc is not None and mc.measured:
        dists = dict(mc.distributions)
        for path in mc.measured:
            name = path.partition(".")[0]
            key = f"horizon.monte_carlo.distributions.{path}"
            fit = used.get(name)
            price = changes.get(name, getattr(spec, name))
            if name == "rent_price" and sh.ownership != "rent":
                del dists[path]
                sources[key] = "not drawn: the GPUs are bought, so no rent is paid"
                continue
            dist = distribution_from_fit(fit) if fit is not None and price.path != "held" else None
            if dist is None:
                del dists[path]
                sources[key] = (
                    "not drawn: no usable fitted trend (the path is held, the data are too "
                    "thin, or the interval is wider than "
                    f"{MAX_DRAWN_RATIO:,.0f}×: {fit.describe() if fit else 'no fit'})"
                )
            else:
                dists[path] = dist
                sources[key] = (
                    f"measured: lognormal with the fit's 90% interval as its 5th-95th "
                    f"percentiles ({fit.describe() if fit else ''})"
                )
        changes["monte_carlo"] = replace(mc, distributions=dists)
    return replace(spec, **changes)


def resolve(scenario: Scenario, at: date | None = None) -> Scenario:
    """Fill what the scenario leaves out from the warehouse and the probe store.

    Looked up when not given: API prices in force on the date (``prices.price_for``),
    the open model's figures (``models``), the GPU's figures (``gpus``) and, when
    bought, its purchase price and board power, the rent price (the named
    ``cloud_offer``, else the cheapest offer for the GPU dated on or before the
    date), measured throughput (``probe_run``), benchmark scores and the horizon's
    ``measured`` price trends (:func:`analysis.horizon.store.measured_trends`). Each
    value looked up gets an entry in ``sources``.

    Args:
        scenario: the scenario as read.
        at: the date of the lookups (default: the scenario's ``as_of``).

    Returns:
        An equal-shaped scenario with the values filled in and ``as_of`` set.

    Raises:
        PriceNotFoundError: no API price in force on the date.
        ScenarioError: a model, GPU, offer or score is not found, or is ambiguous.
        WarehouseError: the warehouse cannot be read.
    """
    at = at or scenario.as_of
    sources = dict(scenario.sources)
    api = _resolve_api(scenario.api, at, sources, "api")
    sh = scenario.self_hosted
    for step in (_resolve_model_spec, _resolve_gpu, _resolve_probe):
        sh = step(sh, sources)
    sh = _resolve_rent(sh, at, sources)

    quality = scenario.quality
    api_model_id: str | None = quality.api_model if quality else None
    hosted_model_id: str | None = (quality.self_hosted_model if quality else None) or sh.model
    if api_model_id is None and (quality is not None or scenario.routing is not None):
        api_model_id = _model_id_of_api(api)
    if quality is not None:
        picks = list(quality.benchmarks)
        quality = replace(
            quality,
            api_scores=_fill_scores(
                dict(quality.api_scores), api_model_id, picks, "quality.api_scores", sources, True
            ),
            self_hosted_scores=_fill_scores(
                dict(quality.self_hosted_scores),
                hosted_model_id,
                picks,
                "quality.self_hosted_scores",
                sources,
                True,
            ),
        )

    routing = scenario.routing
    if routing is not None:
        known = {p.benchmark: p for p in (quality.benchmarks if quality else ())}
        picks = [known.get(c.benchmark, BenchmarkPick(c.benchmark)) for c in routing.classes]
        options = []
        for choice in routing.options:
            path = f"routing.options.{choice.name}"
            if choice.use == "api":
                base, model_id = (quality.api_scores if quality else {}), api_model_id
            elif choice.use == "self_hosted":
                base, model_id = (quality.self_hosted_scores if quality else {}), hosted_model_id
            else:
                assert choice.api is not None
                choice = replace(choice, api=_resolve_api(choice.api, at, sources, f"{path}.api"))
                base, model_id = {}, _model_id_of_api(choice.api)  # type: ignore[arg-type]
            model_id = choice.score_model or model_id
            merged = {**base, **choice.scores}
            scores = _fill_scores(merged, model_id, picks, f"{path}.scores", sources, False)
            options.append(replace(choice, scores=scores))
        routing = replace(routing, options=tuple(options))

    scorecard = scenario.scorecard
    if scorecard is not None and sh.probe_run and scorecard.self_hosted.latency_p95_ms is None:
        _, _, p95 = probe_throughput(sh.probe_run)
        if p95 is not None:
            scorecard = replace(
                scorecard,
                self_hosted=replace(
                    scorecard.self_hosted, latency_p95_ms=float(p95), latency_basis="measured"
                ),
            )
            sources.setdefault(
                "scorecard.self_hosted.latency_p95_ms",
                f"measured: p95 time to first token of probe run {sh.probe_run}",
            )
    if scenario.horizon is not None and api_model_id is None:
        api_model_id = _model_id_of_api(api)
    horizon = _resolve_horizon(scenario.horizon, at, sources, api, sh, api_model_id)
    return replace(
        scenario,
        api=api,
        self_hosted=sh,
        quality=quality,
        routing=routing,
        scorecard=scorecard,
        horizon=horizon,
        as_of=at,
        sources=sources,
    )
