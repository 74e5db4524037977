"""A scenario's ``horizon`` block: the horizon as a file states it, before the warehouse fills it.

Pure. A decline factor may be written ``measured``: the scenario's lookups
(:func:`analysis.scenario.resolve`) replace it with the trend fitted from the
warehouse (:mod:`analysis.horizon.store`) and record the fit in ``sources``; a
distribution of the horizon Monte Carlo may be written ``measured`` too, and
becomes a lognormal whose 5th and 95th percentiles are the fit's 90% interval.
:meth:`HorizonSpec.settings` then gives the pure :class:`HorizonSettings`.

The block, with every key (all optional)::

    horizon:
      months: 36                      # 12–60 (default: horizon_months, else 36)
      discount_rate: 0.08             # per year
      volume_growth: 0.01             # per month
      api_price: {path: switch, decline_factor: measured, offers: [], events: []}
      rent_price: {path: trend, decline_factor: measured, events: []}
      hardware: {resale_fraction: 0.2, life_years: 5, price_decline_factor: 1.0}
      trends: {benchmark: ECI, thresholds: [120, 130, 140, 150], source: independent}
      capability: {benchmark: ECI, open_score: 140, closed_score: 150, floor: 145}
      monte_carlo: {draws: 2000, seed: 0, distributions: {api_price.decline_factor: measured}}
      presets: [{name: ..., kind: closed_jump, points: 8, month: 6}, ...]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from analysis.errors import ScenarioError
from analysis.horizon.model import (
    API_PATHS,
    HORIZON_SAMPLEABLE,
    MIN_HORIZON_DRAWS,
    RENT_PATHS,
    ApiPricePath,
    HardwarePlan,
    HorizonSettings,
    PriceEvent,
    RentPricePath,
)
from analysis.horizon.shifts import DEFAULT_PRESETS, DEFAULT_SCALE, Capability, Preset
from analysis.horizon.trends import DeclineFit
from analysis.parameters import Num, check_choice, check_number, check_text
from analysis.records import Record
from analysis.uncertainty import Distribution, LogNormal

MEASURED = "measured"
DEFAULT_MONTHS = 36
#: Draws of the horizon Monte Carlo when the block does not say (a panel redraws on every move).
DEFAULT_HORIZON_DRAWS = 2_000
#: z of the 95th percentile: a 90% interval spans ±1.645 standard deviations.
_Z95 = 1.6448536269514722
SOURCES = ("independent", "vendor", "all")


def _factor(parameter: str, value: Any) -> None:
    if value == MEASURED:
        return
    spec = ApiPricePath.NUMBERS["decline_factor"]
    check_number(parameter.rpartition(".")[0], "decline_factor", value, spec)


@dataclass(frozen=True, slots=True)
class PriceSpec(Record):
    """A price path as the file states it (see :class:`analysis.horizon.ApiPricePath`).

    Attributes:
        path: ``held``, ``trend`` or ``switch`` (the API), ``held`` or ``trend`` (rent).
        decline_factor: [× per year], or ``measured`` (filled from the warehouse).
        offers: known cheaper models at equal capability (``switch`` only).
        events: one-off changes.
        basis: what the factor rests on (set when it is filled).
    """

    path: str = "held"
    decline_factor: float | str = 1.0
    offers: tuple[PriceEvent, ...] = ()
    events: tuple[PriceEvent, ...] = ()
    basis: str | None = None

    @property
    def measured(self) -> bool:
        """Whether the factor is still to be filled from the warehouse."""
        return self.decline_factor == MEASURED


def check_price_spec(spec: PriceSpec, where: str, paths: tuple[str, ...]) -> None:
    """Raise ScenarioError unless the path is one of ``paths`` and the factor valid."""
    check_choice(f"{where}.path", spec.path, paths)
    _factor(f"{where}.decline_factor", spec.decline_factor)
    check_text(f"{where}.basis", spec.basis)


@dataclass(frozen=True, slots=True)
class TrendSpec(Record):
    """What the measured trends rest on.

    Attributes:
        benchmark: the capability scale of the thresholds: ``ECI`` or a benchmark name.
        thresholds: the levels the trend table reports (None: the scale's defaults).
        source: the score source for a benchmark (``independent``, ``vendor``, ``all``).
    """

    benchmark: str = DEFAULT_SCALE
    thresholds: tuple[float, ...] | None = None
    source: str = "independent"

    def __post_init__(self) -> None:
        if not isinstance(self.benchmark, str) or not self.benchmark:
            raise ScenarioError("horizon.trends.benchmark", self.benchmark, "must name a scale")
        check_choice("horizon.trends.source", self.source, SOURCES)
        if self.thresholds is not None:
            if not isinstance(self.thresholds, (list, tuple)) or not self.thresholds:
                raise ScenarioError(
                    "horizon.trends.thresholds", self.thresholds, "must be a list of levels"
                )
            for level in self.thresholds:
                check_number("horizon.trends", "thresholds", level, Num("points", 0.0, False))
            object.__setattr__(self, "thresholds", tuple(float(t) for t in self.thresholds))


@dataclass(frozen=True, slots=True)
class HorizonMonteCarloSpec(Record):
    """The horizon Monte Carlo as the file states it.

    Attributes:
        draws: [1,000 – 1,000,000].
        seed: the random seed.
        distributions: name within the block (see
            :data:`analysis.horizon.HORIZON_SAMPLEABLE`) -> a distribution, or
            ``measured`` for a decline factor (filled from the fit's interval).
    """

    NUMBERS: ClassVar[dict[str, Num]] = {
        "draws": Num("draws", MIN_HORIZON_DRAWS, False, 1_000_000, False, integer=True),
        "seed": Num("seed", 0, False, integer=True),
    }
    SECTION: ClassVar[str] = "horizon.monte_carlo"

    draws: int = DEFAULT_HORIZON_DRAWS
    seed: int = 0
    distributions: Mapping[str, Distribution | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, spec in self.NUMBERS.items():
            check_number(self.SECTION, name, getattr(self, name), spec)
        for path, dist in self.distributions.items():
            where = f"horizon.monte_carlo.distributions.{path}"
            if path not in HORIZON_SAMPLEABLE:
                raise ScenarioError(
                    where, None, "cannot be drawn; drawable: " + ", ".join(HORIZON_SAMPLEABLE)
                )
            if dist == MEASURED and not path.endswith("decline_factor"):
                raise ScenarioError(where, dist, "only a decline factor can be measured")
        object.__setattr__(self, "distributions", dict(self.distributions))

    @property
    def measured(self) -> tuple[str, ...]:
        """The distributions still to be filled from the warehouse."""
        return tuple(p for p, d in self.distributions.items() if d == MEASURED)


@dataclass(frozen=True, slots=True)
class HorizonSpec(Record):
    """The ``horizon`` block of a scenario (see the module's description).

    Attributes:
        months: N [months] (None: the scenario's ``horizon_months``, else 36).
        discount_rate: r [share per year].
        volume_growth: g [share per month].
        api_price, rent_price: the price paths.
        hardware: bought hardware over the horizon.
        trends: what the measured trends rest on.
        capability: the plain self-hosted plan's quality floor (None: today's level).
        monte_carlo: the horizon Monte Carlo (None: not run).
        presets: the frontier shifts tried.
    """

    months: int | None = None
    discount_rate: float = 0.0
    volume_growth: float = 0.0
    api_price: PriceSpec = field(default_factory=PriceSpec)
    rent_price: PriceSpec = field(default_factory=PriceSpec)
    hardware: HardwarePlan = field(default_factory=HardwarePlan)
    trends: TrendSpec = field(default_factory=TrendSpec)
    capability: Capability | None = None
    monte_carlo: HorizonMonteCarloSpec | None = None
    presets: tuple[Preset, ...] = DEFAULT_PRESETS

    def __post_init__(self) -> None:
        numbers = HorizonSettings.NUMBERS
        if self.months is not None:
            check_number("horizon", "months", self.months, numbers["months"])
        check_number("horizon", "discount_rate", self.discount_rate, numbers["discount_rate"])
        check_number("horizon", "volume_growth", self.volume_growth, numbers["volume_growth"])
        check_price_spec(self.api_price, "horizon.api_price", API_PATHS)
        check_price_spec(self.rent_price, "horizon.rent_price", RENT_PATHS)
        if self.api_price.offers and self.api_price.path != "switch":
            raise ScenarioError(
                "horizon.api_price.offers", len(self.api_price.offers), "apply only to switch"
            )
        presets = tuple(self.presets)
        names = [p.name for p in presets]
        if len(set(names)) != len(names):
            raise ScenarioError("horizon.presets", names, "names must be unique")
        object.__setattr__(self, "presets", presets)

    @property
    def measured(self) -> tuple[str, ...]:
        """Everything still to be filled from the warehouse (dotted names within the block)."""
        out = [
            f"{name}.decline_factor"
            for name in ("api_price", "rent_price")
            if getattr(self, name).measured
        ]
        if self.monte_carlo is not None:
            out += [f"monte_carlo.distributions.{p}" for p in self.monte_carlo.measured]
        return tuple(out)

    def horizon_months(self, default: int | None = None) -> int:
        """N: the block's months, else ``default`` (the scenario's), else 36."""
        if self.months is not None:
            return int(self.months)
        return int(default) if default is not None else DEFAULT_MONTHS

    def settings(self, default_months: int | None = None) -> HorizonSettings:
        """The pure settings (every ``measured`` factor must have been filled).

        Raises:
            ScenarioError: a factor is still ``measured``, or a setting is invalid.
        """
        for name in ("api_price", "rent_price"):
            if getattr(self, name).measured:
                raise ScenarioError(
                    f"horizon.{name}.decline_factor",
                    MEASURED,
                    "is filled from the warehouse by the scenario's lookups; resolve it first",
                )
        api, rent = self.api_price, self.rent_price
        return HorizonSettings(
            months=self.horizon_months(default_months),
            discount_rate=float(self.discount_rate),
            volume_growth=float(self.volume_growth),
            api_price=ApiPricePath(
                api.path, float(api.decline_factor), api.offers, api.events, api.basis
            ),
            rent_price=RentPricePath(
                rent.path, float(rent.decline_factor), rent.events, rent.basis
            ),
            hardware=self.hardware,
        )

    def distributions(self) -> dict[str, Distribution]:
        """The Monte Carlo's distributions (every ``measured`` one must have been filled)."""
        if self.monte_carlo is None:
            return {}
        out: dict[str, Distribution] = {}
        for path, dist in self.monte_carlo.distributions.items():
            if isinstance(dist, str):
                raise ScenarioError(
                    f"horizon.monte_carlo.distributions.{path}",
                    dist,
                    "is filled from the warehouse by the scenario's lookups; resolve it first",
                )
            out[path] = dist
        return out


#: A fitted interval wider than this ratio (high/low) is too uncertain to draw from.
MAX_DRAWN_RATIO = 1000.0


def distribution_from_fit(fit: DeclineFit) -> LogNormal | None:
    """A lognormal whose 5th and 95th percentiles are the fit's interval (None: thin, or an
    interval wider than :data:`MAX_DRAWN_RATIO`, which says nothing a draw could use).

    ``median = factor``, ``sigma = ln(high/low)/(2·z)``, z = 1.645 for a 90% interval
    (the fit is symmetric in logarithms, so its point estimate is the median).
    """
    if not fit.fitted or fit.factor is None or fit.low is None or fit.high is None:
        return None
    if fit.high / fit.low > MAX_DRAWN_RATIO:
        return None
    z = _Z95 if math.isclose(fit.confidence, 0.90) else _z_of(fit.confidence)
    sigma = math.log(fit.high / fit.low) / (2 * z)
    return LogNormal(fit.factor, sigma)


def _z_of(confidence: float) -> float:
    """The standard normal quantile at 0.5 + confidence/2 (bisection on erf)."""
    target = 0.5 + confidence / 2
    lo, hi = 0.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def filled(spec: PriceSpec, factor: float, basis: str) -> PriceSpec:
    """``spec`` with its factor filled and what it rests on."""
    return replace(spec, decline_factor=float(factor), basis=basis)
