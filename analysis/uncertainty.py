"""Sensitivity (tornado) and uncertainty (Monte Carlo) of the TCO comparison.

Pure functions over :class:`analysis.tco.TcoCase`; no I/O. The Monte Carlo
path runs the same formulas as :func:`analysis.tco.evaluate` on numpy arrays,
so a distribution of zero width gives back the point estimate exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analysis.errors import ScenarioError
from analysis.records import Record
from analysis.sizing import gpu_hour_bought_usd, size_replica
from analysis.tco import (
    TcoCase,
    api_cost,
    api_monthly_usd,
    api_prices,
    assumptions_in_use,
    parameter_spec,
    replicas_needed,
    self_hosted_cost,
    self_hosted_monthly_usd,
    staff_inputs,
)

if TYPE_CHECKING:  # numpy is imported only when a Monte Carlo runs
    import numpy as np

    from analysis.parameters import Num

METRICS = ("difference", "api", "self_hosted")
#: z-score of the 90th percentile of a standard normal distribution.
_Z90 = 1.2815515655446004
MIN_DRAWS = 10_000
MAX_DRAWS = 10_000_000


# --------------------------------------------------------------------------- #
# Tornado
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class TornadoRow(Record):
    """One assumption moved down and up, all others held.

    Attributes:
        parameter: dotted path, e.g. ``self_hosted.gpu_hour_usd``.
        unit: the parameter's unit.
        base_value: the scenario's value.
        low_value, high_value: the values tried (−X% and +X%, kept within the
            parameter's valid range; whole numbers rounded outwards).
        low_result, high_result: the metric at those values [USD/month]; None
            when that value makes the scenario invalid (see ``note``).
        swing: |high_result − low_result| [USD/month].
        note: why a side has no result, else empty.
    """

    parameter: str
    unit: str
    base_value: float
    low_value: float
    high_value: float
    low_result: float | None
    high_result: float | None
    swing: float
    note: str


@dataclass(frozen=True, slots=True)
class Tornado(Record):
    """Tornado data: rows sorted by swing, largest first.

    Attributes:
        metric: ``difference`` (self-hosted − API monthly), ``api`` or ``self_hosted``.
        pct: the ± percentage applied.
        base_result: the metric at the scenario's values [USD/month].
        rows: one per assumption in use.
    """

    metric: str
    pct: float
    base_result: float
    rows: tuple[TornadoRow, ...]


def _metric(case: TcoCase, metric: str) -> float:
    """The monthly figure a tornado reports (no break-even search: not needed)."""
    if metric == "api":
        return api_cost(case.workload, case.api).monthly_usd
    hosted = self_hosted_cost(case.workload, case.self_hosted).monthly_usd
    if metric == "self_hosted":
        return hosted
    return hosted - api_cost(case.workload, case.api).monthly_usd


def _moved(value: float, factor: float, integer: bool, up: bool) -> float:
    moved = value * factor
    if integer:  # round outwards so that small counts still move
        return float(math.ceil(moved) if up else math.floor(moved))
    return moved


def tornado(
    case: TcoCase,
    pct: float = 20.0,
    metric: str = "difference",
    parameters: tuple[str, ...] | None = None,
) -> Tornado:
    """One-at-a-time sensitivity: each assumption at −pct% and +pct%.

    ``low = v·(1 − pct/100)``, ``high = v·(1 + pct/100)``, each kept inside the
    parameter's valid range (e.g. utilisation at most 1); ``swing = |result(high)
    − result(low)|`` [USD/month].

    Args:
        case: the scenario's workload and options.
        pct: the percentage, in (0, 100).
        metric: ``difference`` (self-hosted − API), ``api`` or ``self_hosted`` monthly cost.
        parameters: dotted paths to vary (default: every assumption in use,
            see :func:`analysis.tco.assumptions_in_use`).

    Returns:
        The rows, sorted by swing (largest first, then by name).

    Raises:
        ScenarioError: for a bad pct, metric or parameter, or an invalid base scenario.
    """
    if isinstance(pct, bool) or not isinstance(pct, (int, float)) or not 0 < pct < 100:
        raise ScenarioError("sensitivity.pct", pct, "must be a percentage in (0, 100)")
    if metric not in METRICS:
        raise ScenarioError("sensitivity.metric", metric, f"must be one of: {', '.join(METRICS)}")
    base = _metric(case, metric)
    paths = assumptions_in_use(case) if parameters is None else parameters
    rows = []
    for path in paths:
        spec = parameter_spec(path)
        value = case.value(path)
        if value is None:
            raise ScenarioError(path, None, "is not set, so it cannot be varied")
        sides: list[tuple[float, float | None, str]] = []
        for factor, up in ((1 - pct / 100, False), (1 + pct / 100, True)):
            moved = spec.clamp(_moved(float(value), factor, spec.integer, up))
            if spec.integer:
                moved = int(moved)
            try:
                sides.append((moved, _metric(case.with_value(path, moved), metric), ""))
            except ScenarioError as exc:  # e.g. more context no longer fits the GPUs
                sides.append((moved, None, f"at {moved:g}: {exc}"))
        (low_v, low_r, low_note), (high_v, high_r, high_note) = sides
        known = [r for r in (low_r, high_r) if r is not None]
        swing = (
            abs(high_r - low_r)
            if low_r is not None and high_r is not None
            else (max(abs(r - base) for r in known) if known else 0.0)
        )
        rows.append(
            TornadoRow(
                parameter=path,
                unit=spec.unit,
                base_value=float(value),
                low_value=float(low_v),
                high_value=float(high_v),
                low_result=low_r,
                high_result=high_r,
                swing=swing,
                note="; ".join(n for n in (low_note, high_note) if n),
            )
        )
    rows.sort(key=lambda r: (-r.swing, r.parameter))
    return Tornado(metric=metric, pct=float(pct), base_result=base, rows=tuple(rows))


# --------------------------------------------------------------------------- #
# Distributions
# --------------------------------------------------------------------------- #


def _finite_number(parameter: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScenarioError(parameter, value, "must be a finite number")
    return float(value)


@dataclass(frozen=True, slots=True)
class Triangular(Record):
    """Triangular(low, mode, high): the most likely value and hard limits."""

    low: float
    mode: float
    high: float
    kind: str = "triangular"

    def check(self, parameter: str) -> None:
        """Raise ScenarioError unless low <= mode <= high."""
        for name in ("low", "mode", "high"):
            _finite_number(f"{parameter}.{name}", getattr(self, name))
        if not self.low <= self.mode <= self.high:
            raise ScenarioError(parameter, self.to_dict(), "needs low <= mode <= high")

    def support(self) -> tuple[float, float]:
        """The smallest and largest values a draw can take."""
        return self.low, self.high

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws by the inverse CDF (exactly ``mode`` when low == high)."""
        import numpy as np

        if self.high == self.low:
            return np.full(n, float(self.mode))
        u = rng.random(n)
        width = self.high - self.low
        split = (self.mode - self.low) / width
        left = self.low + np.sqrt(u * width * (self.mode - self.low))
        right = self.high - np.sqrt((1 - u) * width * (self.high - self.mode))
        return np.where(u < split, left, right)


@dataclass(frozen=True, slots=True)
class LogNormal(Record):
    """LogNormal(median, sigma): ``median·exp(sigma·Z)``, Z standard normal."""

    median: float
    sigma: float
    kind: str = "lognormal"

    @classmethod
    def from_p10_p90(cls, p10: float, p90: float) -> LogNormal:
        """The lognormal with these 10th and 90th percentiles.

        ``median = sqrt(p10·p90)``, ``sigma = ln(p90/p10)/(2·1.28155)``.

        Raises:
            ScenarioError: unless 0 < p10 <= p90.
        """
        if not 0 < _finite_number("p10", p10) <= _finite_number("p90", p90):
            raise ScenarioError("p10", p10, f"needs 0 < p10 <= p90 (p90 = {p90!r})")
        if p10 == p90:
            return cls(float(p10), 0.0)
        return cls(math.sqrt(p10 * p90), math.log(p90 / p10) / (2 * _Z90))

    def check(self, parameter: str) -> None:
        """Raise ScenarioError unless median > 0 and sigma >= 0."""
        if _finite_number(f"{parameter}.median", self.median) <= 0:
            raise ScenarioError(f"{parameter}.median", self.median, "must be > 0")
        if _finite_number(f"{parameter}.sigma", self.sigma) < 0:
            raise ScenarioError(f"{parameter}.sigma", self.sigma, "must be >= 0")

    def support(self) -> tuple[float, float]:
        """(0, ∞), or the median alone when sigma is 0."""
        return (self.median, self.median) if self.sigma == 0 else (0.0, math.inf)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws (exactly ``median`` when sigma is 0)."""
        import numpy as np

        return self.median * np.exp(self.sigma * rng.standard_normal(n))


@dataclass(frozen=True, slots=True)
class Uniform(Record):
    """Uniform(low, high): every value between equally likely."""

    low: float
    high: float
    kind: str = "uniform"

    def check(self, parameter: str) -> None:
        """Raise ScenarioError unless low <= high."""
        _finite_number(f"{parameter}.low", self.low)
        _finite_number(f"{parameter}.high", self.high)
        if self.low > self.high:
            raise ScenarioError(parameter, self.to_dict(), "needs low <= high")

    def support(self) -> tuple[float, float]:
        """The smallest and largest values a draw can take."""
        return self.low, self.high

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws (exactly ``low`` when low == high)."""
        return self.low + (self.high - self.low) * rng.random(n)


Distribution = Triangular | LogNormal | Uniform
_KINDS: dict[str, tuple[str, ...]] = {
    "triangular": ("low", "mode", "high"),
    "lognormal": ("median", "sigma"),
    "uniform": ("low", "high"),
}


def distribution_from_dict(data: Mapping[str, Any], parameter: str) -> Distribution:
    """Build a distribution from its mapping, as written in a scenario file.

    Accepted: ``{kind: triangular, low, mode, high}``, ``{kind: lognormal, median,
    sigma}``, ``{kind: lognormal, p10, p90}``, ``{kind: uniform, low, high}``.

    Args:
        data: the mapping.
        parameter: the dotted parameter it is for (named in errors).

    Returns:
        The distribution, checked.

    Raises:
        ScenarioError: for an unknown kind, a missing or unknown key, or bad values.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(parameter, data, "must be a mapping with a 'kind'")
    kind = data.get("kind")
    if kind not in _KINDS:
        raise ScenarioError(f"{parameter}.kind", kind, f"must be one of: {', '.join(_KINDS)}")
    keys = set(data) - {"kind"}
    if kind == "lognormal" and keys == {"p10", "p90"}:
        dist: Distribution = LogNormal.from_p10_p90(data["p10"], data["p90"])
    else:
        expected = set(_KINDS[kind])
        if keys != expected:
            extra = sorted(keys - expected)
            problem = f"unknown key(s) {extra}" if extra else f"missing {sorted(expected - keys)}"
            raise ScenarioError(
                parameter,
                dict(data),
                f"{problem}; {kind} takes {', '.join(_KINDS[kind])}"
                + (" (or p10, p90)" if kind == "lognormal" else ""),
            )
        dist = {"triangular": Triangular, "lognormal": LogNormal, "uniform": Uniform}[kind](
            **{k: data[k] for k in _KINDS[kind]}
        )
    dist.check(parameter)
    return dist


# --------------------------------------------------------------------------- #
# Monte Carlo
# --------------------------------------------------------------------------- #

#: Assumptions the vectorised model can vary (memory-fit and whole-number
#: fields change the sizing, which is held at the point estimate).
SAMPLEABLE = frozenset(
    {
        "workload.requests_per_month",
        "workload.input_tokens",
        "workload.output_tokens",
        "workload.cached_share",
        "workload.peak_to_average",
        "api.input_usd_per_mtok",
        "api.output_usd_per_mtok",
        "api.cached_input_usd_per_mtok",
        "self_hosted.throughput_tok_s",
        "self_hosted.utilisation",
        "self_hosted.gpu_hour_usd",
        "self_hosted.capex_usd_per_gpu",
        "self_hosted.amortisation_years",
        "self_hosted.power_w",
        "self_hosted.pue",
        "self_hosted.usd_per_kwh",
        "self_hosted.hosting_usd_per_gpu_month",
        "self_hosted.staff_fte",
        "self_hosted.staff_annual_usd",
    }
)


@dataclass(frozen=True, slots=True)
class Percentiles(Record):
    """P10, P50, P90 and mean of a monthly cost [USD/month].

    Attributes:
        spread: (P90 − P10)/|P50|, a unit-free width (0 when P50 is 0).
    """

    p10: float
    p50: float
    p90: float
    mean: float
    spread: float


@dataclass(frozen=True, slots=True)
class MonteCarloResult(Record):
    """Monte Carlo outcome.

    Attributes:
        draws: number of draws; seed: the random seed.
        parameters: the dotted parameters that were sampled.
        api, self_hosted: percentiles of each option's monthly cost [USD/month].
        difference: percentiles of self-hosted − API [USD/month].
        p_self_hosted_cheaper: share of draws where self-hosted < API (strictly).
        replicas_p50, replicas_p90: percentiles of the replica count.
    """

    draws: int
    seed: int
    parameters: tuple[str, ...]
    api: Percentiles
    self_hosted: Percentiles
    difference: Percentiles
    p_self_hosted_cheaper: float
    replicas_p50: float
    replicas_p90: float


def _percentiles(values: np.ndarray) -> Percentiles:
    import numpy as np

    p10, p50, p90 = (float(v) for v in np.percentile(values, [10, 50, 90]))
    spread = (p90 - p10) / abs(p50) if p50 != 0 else 0.0
    return Percentiles(p10, p50, p90, float(values.mean()), spread)


def check_distributions(case: TcoCase, distributions: Mapping[str, Distribution]) -> None:
    """Raise ScenarioError unless each distribution fits its parameter.

    A distribution must name a sampleable assumption in use by the case, and
    every value it can draw must be valid for that parameter (so a lognormal,
    unbounded above, cannot describe a share).

    Args:
        case: the scenario's workload and options.
        distributions: dotted parameter → distribution.

    Raises:
        ScenarioError: naming the parameter and what is wrong.
    """
    in_use = set(assumptions_in_use(case)) | {
        "api.cached_input_usd_per_mtok",
        "self_hosted.throughput_tok_s",
    }
    for path, dist in distributions.items():
        if path not in SAMPLEABLE:
            raise ScenarioError(
                f"monte_carlo.distributions.{path}",
                dist.to_dict() if hasattr(dist, "to_dict") else dist,
                "cannot be sampled; sampleable: " + ", ".join(sorted(SAMPLEABLE)),
            )
        if path not in in_use:
            raise ScenarioError(
                f"monte_carlo.distributions.{path}",
                dist.to_dict(),
                f"has no effect on this scenario (self_hosted.ownership is "
                f"{case.self_hosted.ownership})",
            )
        dist.check(f"monte_carlo.distributions.{path}")
        check_draws_fit(dist, parameter_spec(path), f"monte_carlo.distributions.{path}")


def check_draws_fit(
    dist: Distribution, spec: Num, where: str, subject: str = "the parameter"
) -> None:
    """Raise ScenarioError at ``where`` unless every value ``dist`` can draw lies in ``spec``.

    A lognormal draws in (0, ∞) but never beyond median·e^(8σ): it fits when ``spec``
    takes values down to 0 and up to that point.

    Args:
        dist: a checked distribution.
        spec: the bounds and unit of what it describes.
        where: the dotted name the message starts with.
        subject: what the message says must lie in the bounds.
    """
    low, high = dist.support()
    if math.isinf(high):
        assert isinstance(dist, LogNormal)
        high = dist.median * math.exp(8 * dist.sigma)
        fits = spec.low <= 0 and high <= spec.high
    else:
        fits = spec.contains(low) and spec.contains(high)
    if not fits:
        raise ScenarioError(
            where,
            dist.to_dict(),
            f"can draw {low:g}..{high:g} but {subject} must be {spec.bounds_text()} ({spec.unit})",
        )


def monte_carlo(
    case: TcoCase,
    distributions: Mapping[str, Distribution],
    draws: int = MIN_DRAWS,
    seed: int = 0,
) -> MonteCarloResult:
    """Monthly cost of each option under uncertain assumptions, vectorised.

    Each sampled assumption gets ``draws`` independent values; the others keep
    their point values. GPUs per replica and the sizing are held at the point
    estimate; replicas, GPU-hour cost and both bills follow the formulas of
    :mod:`analysis.tco` on arrays.

    Args:
        case: the scenario's workload and options (the point estimate).
        distributions: dotted parameter → distribution (see :data:`SAMPLEABLE`).
        draws: number of draws, at least 10,000.
        seed: the random seed (same seed, same result).

    Returns:
        Percentiles of each option's monthly cost and of their difference, and
        the probability that self-hosting is cheaper.

    Raises:
        ScenarioError: for a bad draw count, seed or distribution, or an invalid scenario.
    """
    import numpy as np

    if (
        isinstance(draws, bool)
        or not isinstance(draws, int)
        or not (MIN_DRAWS <= draws <= MAX_DRAWS)
    ):
        raise ScenarioError(
            "monte_carlo.draws", draws, f"must be a whole number in [{MIN_DRAWS}, {MAX_DRAWS}]"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ScenarioError("monte_carlo.seed", seed, "must be a whole number >= 0")
    check_distributions(case, distributions)
    w, api, sh = case.workload, case.api, case.self_hosted
    api_cost(w, api)  # validates the prices
    sizing = size_replica(sh, w.hours_per_month, w.traffic)

    rng = np.random.default_rng(seed)
    drawn = {path: distributions[path].sample(rng, draws) for path in sorted(distributions)}

    def value(path: str, point: Any) -> Any:
        return drawn.get(path, point)

    p_in_point, p_out_point, _ = api_prices(api)
    p_in = value("api.input_usd_per_mtok", p_in_point)
    p_cached_point = (
        p_in if api.cached_input_usd_per_mtok is None else float(api.cached_input_usd_per_mtok)
    )
    api_monthly = api_monthly_usd(
        value("workload.requests_per_month", w.requests_per_month),
        value("workload.input_tokens", w.input_tokens),
        value("workload.output_tokens", w.output_tokens),
        value("workload.cached_share", w.cached_share),
        p_in,
        value("api.cached_input_usd_per_mtok", p_cached_point),
        value("api.output_usd_per_mtok", p_out_point),
    )
    replicas = replicas_needed(
        value("workload.requests_per_month", w.requests_per_month),
        value("workload.output_tokens", w.output_tokens),
        value("workload.peak_to_average", w.peak_to_average),
        w.hours_per_month,
        value("self_hosted.throughput_tok_s", sizing.throughput.tok_s),
        value("self_hosted.utilisation", sh.utilisation),
    )
    if sh.ownership == "rent":
        gpu_hour = value("self_hosted.gpu_hour_usd", sizing.gpu_hour.usd)
    else:
        gpu_hour = gpu_hour_bought_usd(
            value("self_hosted.capex_usd_per_gpu", sh.capex_usd_per_gpu),
            value("self_hosted.amortisation_years", sh.amortisation_years),
            value("self_hosted.power_w", sh.power_w),
            value("self_hosted.pue", sh.pue),
            value("self_hosted.usd_per_kwh", sh.usd_per_kwh),
            value("self_hosted.hosting_usd_per_gpu_month", sh.hosting_usd_per_gpu_month),
            w.hours_per_month,
        )
    fte, annual = staff_inputs(sh)
    hosted_monthly = self_hosted_monthly_usd(
        replicas * sizing.gpus_per_replica,
        w.hours_per_month,
        gpu_hour,
        value("self_hosted.staff_fte", fte),
        value("self_hosted.staff_annual_usd", annual),
    )
    ones = np.ones(draws)
    api_monthly = api_monthly * ones  # a scalar when nothing it depends on was sampled
    hosted_monthly = hosted_monthly * ones
    replicas = replicas * ones
    if not (np.isfinite(api_monthly).all() and np.isfinite(hosted_monthly).all()):
        raise ScenarioError(
            "monte_carlo.distributions", sorted(distributions), "produced a non-finite cost"
        )
    return MonteCarloResult(
        draws=draws,
        seed=seed,
        parameters=tuple(sorted(distributions)),
        api=_percentiles(api_monthly),
        self_hosted=_percentiles(hosted_monthly),
        difference=_percentiles(hosted_monthly - api_monthly),
        p_self_hosted_cheaper=float(np.mean(hosted_monthly < api_monthly)),
        replicas_p50=float(np.percentile(replicas, 50)),
        replicas_p90=float(np.percentile(replicas, 90)),
    )
