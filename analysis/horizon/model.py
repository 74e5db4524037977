"""Cost over the horizon: the API and self-hosting month by month while prices move.

Pure: frozen, typed objects in, frozen results out; no file, database or network
access. The monthly model of :mod:`analysis.tco` answers "what does each option
cost this month, at today's prices"; this module follows both options over 12–60
months while the API price falls, GPU rent follows its trend, volume grows and
bought hardware is paid for up front, ages and is replaced.

Conventions and formulas (units in brackets). Months are numbered t = 1..N; month 1
is the month the tco model prices, at today's volume and prices.

- Volume: ``R_t = R·(1+g)^(t−1)`` [requests/month], g the growth per month.
- Price multiplier of the API: ``m_t = b_t·Π(events with month <= t)``, where
  ``b_t = 1`` (``held``), ``f^(−(t−1)/12)`` (``trend``: the model's own list price
  falls f× a year) or, for ``switch`` (move to the cheapest model of equal
  capability as it appears), ``min(f^(−(t−1)/12), offers appeared by t)`` with f
  the measured decline of the cheapest price at that capability and the offers
  (month, price relative to today's) known cheaper models.
- API bill: ``API_t = (A·m_t + A'·m'_t)·(R_t/R)`` [USD/month], A the month-1 bill
  of the traffic sent to the scenario's API (:func:`analysis.tco.api_monthly_usd`)
  and A' that of traffic a hybrid split sends to other APIs, whose multiplier m'_t
  leaves out the switch offers (they are priced against the scenario's API).
- Self-hosted load: the output tokens per request served self-hosted, O_h (O for
  a plain self-hosted plan, less for a hybrid split). ``replicas_t = max(1,
  ceil(R_t·O_h·P/(H·3600)/(T·u)))`` while O_h > 0, else 0; GPUs in service
  ``G_t = replicas_t·g`` (formula of :func:`analysis.tco.replicas_needed`).
- Rent: ``rent_t = G_t·H·c·k_t`` [USD/month], c the rent [USD/GPU-hour] and
  ``k_t = f_rent^(−(t−1)/12)·Π(events)`` (``held``: f_rent = 1).
- Buy: GPUs owned ``O_t = max(G_1..G_t)`` (never sold while the horizon runs);
  purchases ``B_t = O_t − O_(t−1)`` (initial and volume) and end-of-life
  replacements ``Rep_t = Σ_(k>=1) B_(t−k·L)``, L the life in months (12 ×
  amortisation years unless given); capex ``C_t = (B_t + Rep_t)·capex·h_t``
  [USD], paid at the start of month t, ``h_t = f_hw^(−(t−1)/12)``; power
  ``G_t·W/1000·PUE·usd_per_kWh·H`` (GPUs in service) and hosting
  ``O_t·hosting_per_GPU_month`` (GPUs owned) [USD/month]; depreciation
  ``(C_(t−L+1) + … + C_t)/L`` [USD/month] (straight line, reported, not a cash
  flow); book value at the end of month N ``Σ_s C_s·max(0, 1 − (N−s+1)/L)`` and
  a resale ``−ρ·book`` [USD] at the end of month N, ρ the resale fraction.
- Staff: ``staff_fte·staff_annual_usd/12`` [USD/month] in the months the fleet is
  not empty (rent: G_t > 0; buy: O_t > 0).
- Discounting: ``v = (1+r)^(−1/12)`` per month, r the annual discount rate;
  month t's bills are paid at its end (``·v^t``), capex at its start
  (``·v^(t−1)``). NPV = Σ present values [USD]; the cumulative cost through month
  t is the running sum of present values (cash when r = 0).
- Crossover: the first month from which another plan's cumulative cost is lower
  than the plan that led before it, or "never within the horizon".

With no decline, no growth, r = 0, no resale and L = N, a bought plan's cost
over N months is the tco model's monthly bill × N: the capex it amortises is
paid in month 1 instead ("capex timing"). A constant API decline factor f gives
``Σ API = A·(1 − q^N)/(1 − q)`` with ``q = f^(−1/12)``: a geometric sum.

Every month's figures are computed for all draws at once (numpy arrays of shape
draws × months), so :func:`horizon_monte_carlo` runs the same formulas as
:func:`evaluate_horizon`, and a distribution of zero width gives back the point
estimate exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from analysis.errors import ScenarioError
from analysis.parameters import (
    MAX_INPUT,
    Num,
    check_choice,
    check_fields,
    check_text,
)
from analysis.records import Record
from analysis.sizing import (
    CAPACITY_SLACK,
    MONTHS_PER_YEAR,
    SECONDS_PER_HOUR,
    Sizing,
    size_replica,
)
from analysis.tco import TcoCase, api_cost, self_hosted_cost
from analysis.uncertainty import Distribution, Percentiles, check_draws_fit

MIN_MONTHS = 12
MAX_MONTHS = 60
API_PATHS = ("held", "trend", "switch")
RENT_PATHS = ("held", "trend")
#: The largest annual decline factor accepted [× per year]: the toolkit's bound on any input,
#: which keeps every product finite (Epoch AI has measured up to ~900× a year).
MAX_DECLINE_FACTOR = MAX_INPUT
#: Plans compared by the crossover and P(self-hosting cheaper), when both are there.
API, SELF_HOSTED, HYBRID = "api", "self_hosted", "hybrid"
MIN_HORIZON_DRAWS = 1_000
MAX_HORIZON_DRAWS = 1_000_000


def _events(parameter: str, events: Any) -> tuple[PriceEvent, ...]:
    if not isinstance(events, (list, tuple)):
        raise ScenarioError(parameter, events, "must be a list of {month, factor, label}")
    for event in events:
        if not isinstance(event, PriceEvent):
            raise ScenarioError(parameter, event, "must be a PriceEvent")
    return tuple(sorted(events, key=lambda e: e.month))


# --------------------------------------------------------------------------- #
# Settings
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class PriceEvent(Record):
    """A one-off change of a price from a month on.

    Attributes:
        month: the first month it applies to (1 = today) [month].
        factor: multiplies the price from that month on (0.7 = a 30% cut) [ratio].
        label: what it is ("API price cut 30%", "DeepSeek V4 at equal capability").
    """

    SECTION: ClassVar[str] = "horizon.event"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "month": Num("month", 1, False, MAX_MONTHS, False, integer=True),
        "factor": Num("ratio to the price before"),
    }

    month: int
    factor: float
    label: str = ""

    def __post_init__(self) -> None:
        check_fields(self)
        check_text("horizon.event.label", self.label)


@dataclass(frozen=True, slots=True)
class ApiPricePath(Record):
    """How the API price moves.

    Attributes:
        path: ``held`` (today's price throughout), ``trend`` (the model's own list
            price falls ``decline_factor``× a year) or ``switch`` (moving to the
            cheapest model of equal capability as it appears: the price falls at the
            capability's measured rate, ``decline_factor``× a year, and drops to
            each of ``offers`` from its month).
        decline_factor: f, the price divides by f each year (1 = held; 10 = a
            tenth a year; below 1 a rise) [× per year].
        offers: known cheaper models of equal capability (``switch`` only): the
            month each appears and its price relative to today's [ratio].
        events: one-off changes in every path (a price cut) [ratio from a month].
        basis: what ``decline_factor`` rests on (a fit and its rows, or "given").
    """

    SECTION: ClassVar[str] = "horizon.api_price"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "decline_factor": Num("× per year", 0.0, True, MAX_DECLINE_FACTOR)
    }

    path: str = "held"
    decline_factor: float = 1.0
    offers: tuple[PriceEvent, ...] = ()
    events: tuple[PriceEvent, ...] = ()
    basis: str | None = None

    def __post_init__(self) -> None:
        check_choice("horizon.api_price.path", self.path, API_PATHS)
        check_fields(self)
        check_text("horizon.api_price.basis", self.basis)
        object.__setattr__(self, "offers", _events("horizon.api_price.offers", self.offers))
        object.__setattr__(self, "events", _events("horizon.api_price.events", self.events))
        if self.offers and self.path != "switch":
            raise ScenarioError(
                "horizon.api_price.offers", len(self.offers), "apply only when path is switch"
            )


@dataclass(frozen=True, slots=True)
class RentPricePath(Record):
    """How the GPU rent moves.

    Attributes:
        path: ``held`` (today's rent throughout) or ``trend`` (falls
            ``decline_factor``× a year, the measured trend for the GPU type).
        decline_factor: the rent divides by it each year (1.25 = −20% a year) [× per year].
        events: one-off changes [ratio from a month].
        basis: what ``decline_factor`` rests on.
    """

    SECTION: ClassVar[str] = "horizon.rent_price"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "decline_factor": Num("× per year", 0.0, True, MAX_DECLINE_FACTOR)
    }

    path: str = "held"
    decline_factor: float = 1.0
    events: tuple[PriceEvent, ...] = ()
    basis: str | None = None

    def __post_init__(self) -> None:
        check_choice("horizon.rent_price.path", self.path, RENT_PATHS)
        check_fields(self)
        check_text("horizon.rent_price.basis", self.basis)
        object.__setattr__(self, "events", _events("horizon.rent_price.events", self.events))


@dataclass(frozen=True, slots=True)
class HardwarePlan(Record):
    """Bought hardware over the horizon.

    Attributes:
        resale_fraction: ρ, the share of the book value recovered when the fleet is
            sold at the end of the horizon (0 = no resale) [0–1].
        life_years: years before a GPU is replaced (None: the option's
            ``amortisation_years``, the depreciation period) [years].
        price_decline_factor: GPUs bought later cost ``capex·f^(−(t−1)/12)``
            (1 = today's price) [× per year].
    """

    SECTION: ClassVar[str] = "horizon.hardware"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "resale_fraction": Num("share of book value", 0.0, False, 1.0),
        "life_years": Num("years", 1 / 12, False, 100.0),
        "price_decline_factor": Num("× per year", 0.0, True, MAX_DECLINE_FACTOR),
    }

    resale_fraction: float = 0.0
    life_years: float | None = None
    price_decline_factor: float = 1.0

    def __post_init__(self) -> None:
        check_fields(self)


@dataclass(frozen=True, slots=True)
class HorizonSettings(Record):
    """The horizon and the trends it runs under.

    Attributes:
        months: N, the horizon [months], 12–60.
        discount_rate: r, the annual discount rate [share per year, 0–1].
        volume_growth: g, the volume growth per month [share per month].
        api_price: the API price path.
        rent_price: the GPU rent path (rented hardware).
        hardware: bought hardware: resale, life and later purchase prices.
    """

    SECTION: ClassVar[str] = "horizon"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "months": Num("months", MIN_MONTHS, False, MAX_MONTHS, False, integer=True),
        "discount_rate": Num("share per year", 0.0, False, 1.0),
        "volume_growth": Num("share per month", -1.0, True, 1.0),
    }

    months: int = 36
    discount_rate: float = 0.0
    volume_growth: float = 0.0
    api_price: ApiPricePath = field(default_factory=ApiPricePath)
    rent_price: RentPricePath = field(default_factory=RentPricePath)
    hardware: HardwarePlan = field(default_factory=HardwarePlan)

    def __post_init__(self) -> None:
        check_fields(self)
        for name, cls in (
            ("api_price", ApiPricePath),
            ("rent_price", RentPricePath),
            ("hardware", HardwarePlan),
        ):
            if not isinstance(getattr(self, name), cls):
                raise ScenarioError(
                    f"horizon.{name}", getattr(self, name), f"must be {cls.__name__}"
                )
        for event in (*self.api_price.offers, *self.api_price.events, *self.rent_price.events):
            if event.month > self.months:
                raise ScenarioError(
                    "horizon.event.month",
                    event.month,
                    f"is after the horizon's last month ({self.months})",
                )


# --------------------------------------------------------------------------- #
# Plans: where the traffic goes, regime by regime
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Regime(Record):
    """Where the traffic goes from a month on, until the next regime.

    Attributes:
        start_month: the first month of the regime [month, 1 = today].
        api_usd: A, the month-1 API bill (today's volume and prices) of the traffic
            sent to the scenario's own API in this regime [USD/month].
        other_api_usd: the month-1 bill of traffic sent to other APIs (a hybrid split's
            cheaper models): they follow the trend and events, not the switch offers,
            which are priced against the scenario's own API [USD/month].
        hosted_output_tokens: O_h, output tokens per request (averaged over all
            requests) served self-hosted [tokens/request]; 0 = none.
        gpus_per_replica: g in this regime (None: the case's sizing) [GPUs].
        throughput_tok_s: T in this regime (None: the case's sizing) [tok/s].
        note: why the regime starts ("the open model no longer meets the floor").
    """

    SECTION: ClassVar[str] = "horizon.regime"
    NUMBERS: ClassVar[dict[str, Num]] = {
        "start_month": Num("month", 1, False, MAX_MONTHS, False, integer=True),
        "api_usd": Num("USD/month", 0.0, False),
        "other_api_usd": Num("USD/month", 0.0, False),
        "hosted_output_tokens": Num("tokens/request", 0.0, False),
        "gpus_per_replica": Num("GPUs per replica", 1, False, integer=True),
        "throughput_tok_s": Num("output tokens/s per replica"),
    }

    start_month: int
    api_usd: float
    hosted_output_tokens: float
    other_api_usd: float = 0.0
    gpus_per_replica: int | None = None
    throughput_tok_s: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(self)
        check_text("horizon.regime.note", self.note)


@dataclass(frozen=True, slots=True)
class Plan(Record):
    """A way of serving the workload over the horizon.

    Attributes:
        name: key (``api``, ``self_hosted``, ``hybrid`` or a preset's own).
        label: how it is shown.
        regimes: from month 1, each starting later than the one before.
    """

    name: str
    label: str
    regimes: tuple[Regime, ...]

    def __post_init__(self) -> None:
        for attr in ("name", "label"):
            if not isinstance(getattr(self, attr), str) or not getattr(self, attr):
                raise ScenarioError(f"horizon.plan.{attr}", getattr(self, attr), "must be text")
        regimes = tuple(self.regimes)
        if not regimes or regimes[0].start_month != 1:
            raise ScenarioError(
                f"horizon.plan.{self.name}.regimes", len(regimes), "must start in month 1"
            )
        starts = [r.start_month for r in regimes]
        if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
            raise ScenarioError(
                f"horizon.plan.{self.name}.regimes", starts, "must start in increasing months"
            )
        object.__setattr__(self, "regimes", regimes)

    @property
    def self_hosts(self) -> bool:
        """Whether any regime serves traffic self-hosted."""
        return any(r.hosted_output_tokens > 0 for r in self.regimes)


def api_plan(case: TcoCase, label: str | None = None) -> Plan:
    """All traffic through the case's API, every month."""
    monthly = api_cost(case.workload, case.api).monthly_usd
    name = case.api.label
    return Plan(
        API, label or ("API" if name == "API" else f"API: {name}"), (Regime(1, monthly, 0.0),)
    )


def self_hosted_plan(case: TcoCase, label: str | None = None) -> Plan:
    """All traffic self-hosted on the case's deployment, every month."""
    sh = case.self_hosted
    gpus = "bought GPUs" if sh.ownership == "buy" else "rented GPUs"
    default = f"Self-hosted: {sh.label} ({gpus})" if sh.model else f"Self-hosted ({gpus})"
    return Plan(
        SELF_HOSTED,
        label or default,
        (Regime(1, 0.0, float(case.workload.output_tokens)),),
    )


# --------------------------------------------------------------------------- #
# Results
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Purchase(Record):
    """GPUs bought at the start of a month.

    Attributes:
        month: [month]; gpus: [count]; usd: their capex [USD].
        reason: ``initial``, ``volume`` (more replicas or GPUs per replica) or
            ``end of life`` (replacing GPUs bought L months before).
    """

    month: int
    gpus: int
    usd: float
    reason: str


@dataclass(frozen=True, slots=True)
class PlanPath(Record):
    """One plan, month by month (every tuple has one value per month, month 1 first).

    Attributes:
        name, label: the plan's.
        ownership: ``rent`` or ``buy`` (the case's), or ``none`` for an API-only plan.
        requests: R_t [requests/month].
        api_usd: API bills [USD/month].
        rent_usd: GPU rent [USD/month] (rented hardware).
        capex_usd: GPU purchases, paid at the start of the month [USD].
        power_usd, hosting_usd: running costs of bought GPUs [USD/month].
        staff_usd: staff [USD/month].
        resale_usd: the fleet's resale at the end of the horizon, as a negative
            cost in the last month [USD].
        depreciation_usd: straight-line depreciation of bought GPUs [USD/month]
            (reported; not a cash flow).
        cash_usd: the month's cash cost (all but depreciation) [USD].
        present_value_usd: the cash cost discounted to today [USD].
        cumulative_usd: running sum of present values [USD].
        gpus_in_service: G_t [GPUs]; gpus_owned: O_t (bought hardware) [GPUs].
        purchases: every purchase of GPUs.
        total_cash_usd: Σ cash [USD]; npv_usd: Σ present values [USD].
        book_value_end_usd: book value of the fleet at the end of the horizon [USD].
    """

    name: str
    label: str
    ownership: str
    requests: tuple[float, ...]
    api_usd: tuple[float, ...]
    rent_usd: tuple[float, ...]
    capex_usd: tuple[float, ...]
    power_usd: tuple[float, ...]
    hosting_usd: tuple[float, ...]
    staff_usd: tuple[float, ...]
    resale_usd: tuple[float, ...]
    depreciation_usd: tuple[float, ...]
    cash_usd: tuple[float, ...]
    present_value_usd: tuple[float, ...]
    cumulative_usd: tuple[float, ...]
    gpus_in_service: tuple[int, ...]
    gpus_owned: tuple[int, ...]
    purchases: tuple[Purchase, ...]
    total_cash_usd: float
    npv_usd: float
    book_value_end_usd: float


@dataclass(frozen=True, slots=True)
class Crossover(Record):
    """When one plan's cumulative cost overtakes another's.

    Attributes:
        first, second: the plans compared (names).
        month: the first month from which the plan that trailed costs less
            cumulatively, or None ("never within the horizon").
        leader_at_start: the plan cheaper in month 1 (``equal`` when tied).
        leader_at_end: the plan cheaper over the whole horizon (``equal`` when tied).
        months: every month the lead changes hands.
        text: the finding in words.
    """

    first: str
    second: str
    month: int | None
    leader_at_start: str
    leader_at_end: str
    months: tuple[int, ...]
    text: str


@dataclass(frozen=True, slots=True)
class HorizonResult(Record):
    """Every plan over the horizon, the cheapest and the crossover.

    Attributes:
        settings: the horizon and trends used.
        api_multiplier: m_t, the API price relative to today's [ratio per month].
        rent_multiplier: k_t, the rent relative to today's [ratio per month].
        plans: one path per plan.
        cheapest: the plan with the lowest NPV.
        crossover: API against self-hosted (None when one of them is missing).
    """

    settings: HorizonSettings
    api_multiplier: tuple[float, ...]
    rent_multiplier: tuple[float, ...]
    plans: tuple[PlanPath, ...]
    cheapest: str
    crossover: Crossover | None

    def plan(self, name: str) -> PlanPath:
        """The path of the plan named ``name``.

        Raises:
            ScenarioError: when there is no such plan.
        """
        for p in self.plans:
            if p.name == name:
                return p
        raise ScenarioError("horizon.plan", name, f"no such plan; plans: {self.names}")

    @property
    def names(self) -> tuple[str, ...]:
        """The plans' names, in order."""
        return tuple(p.name for p in self.plans)


# --------------------------------------------------------------------------- #
# The vectorised model
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class _Base:
    """Per-case figures that do not move over the horizon."""

    requests: float
    peak_to_average: float
    hours: float
    utilisation: float
    sizing: Sizing
    ownership: str
    rent_usd_per_gpu_hour: float
    capex_usd_per_gpu: float
    power_usd_per_gpu_hour: float
    hosting_usd_per_gpu_month: float
    staff_usd: float
    amortisation_years: float | None


def _base(case: TcoCase) -> _Base:
    w, sh = case.workload, case.self_hosted
    sizing = size_replica(sh, w.hours_per_month)
    staff = self_hosted_cost(w, sh, sizing).staff_usd
    hour = sizing.gpu_hour
    return _Base(
        requests=float(w.requests_per_month),
        peak_to_average=float(w.peak_to_average),
        hours=float(w.hours_per_month),
        utilisation=float(sh.utilisation),
        sizing=sizing,
        ownership=sh.ownership,
        rent_usd_per_gpu_hour=hour.rent_usd,
        capex_usd_per_gpu=float(sh.capex_usd_per_gpu or 0.0),
        power_usd_per_gpu_hour=hour.power_usd,
        hosting_usd_per_gpu_month=hour.hosting_usd * float(w.hours_per_month),
        staff_usd=float(staff),
        amortisation_years=sh.amortisation_years,
    )


def _life_months(base: _Base, hardware: HardwarePlan) -> int:
    years = hardware.life_years if hardware.life_years is not None else base.amortisation_years
    if years is None:
        raise ScenarioError(
            "horizon.hardware.life_years", None, "give it, or self_hosted.amortisation_years"
        )
    return max(1, round(float(years) * MONTHS_PER_YEAR))


def _trend(np: Any, factor: Any, months: Any) -> Any:
    """``f^(−(t−1)/12)`` for months t (factor: a float or a draws × 1 array).

    Computed as ``exp(−ln f·(t−1)/12)``: one logarithm per draw, not per month.
    """
    return np.exp(np.log(factor) * (-(months - 1) / MONTHS_PER_YEAR))


def _with_events(np: Any, mult: Any, months: Any, events: Sequence[PriceEvent]) -> Any:
    for e in events:
        mult = mult * np.where(months >= e.month, e.factor, 1.0)
    return mult


def api_multipliers(
    settings: HorizonSettings, decline_factor: Any = None, *, offers: bool = True
) -> Any:
    """m_t for t = 1..N: the API price relative to today's (see the module's formulas).

    Args:
        settings: the horizon.
        decline_factor: f in place of the settings' (a float or a draws × 1 array).
        offers: include the switch path's offers (False: other APIs' prices, which
            follow the trend and the events only).

    Returns:
        A numpy array, months (or draws × months when ``decline_factor`` is an array).
    """
    import numpy as np

    path = settings.api_price
    months = np.arange(1, settings.months + 1, dtype=float)
    f = path.decline_factor if decline_factor is None else decline_factor
    if path.path == "held":
        mult = np.ones_like(months) * (np.ones_like(f) if hasattr(f, "shape") else 1.0)
    else:
        mult = _trend(np, f, months)
    if path.path == "switch" and path.offers and offers:
        floor = np.ones_like(months)
        for offer in path.offers:
            floor = np.minimum(floor, np.where(months >= offer.month, offer.factor, 1.0))
        mult = np.minimum(mult, floor)
    return _with_events(np, mult, months, path.events)


def rent_multipliers(settings: HorizonSettings, decline_factor: Any = None) -> Any:
    """k_t for t = 1..N: the GPU rent relative to today's (see the module's formulas)."""
    import numpy as np

    path = settings.rent_price
    months = np.arange(1, settings.months + 1, dtype=float)
    f = path.decline_factor if decline_factor is None else decline_factor
    if path.path == "held":
        mult = np.ones_like(months) * (np.ones_like(f) if hasattr(f, "shape") else 1.0)
    else:
        mult = _trend(np, f, months)
    return _with_events(np, mult, months, path.events)


def discount_factors(months: int, discount_rate: float) -> tuple[Any, Any]:
    """(end-of-month factors ``v^t``, start-of-month factors ``v^(t−1)``), ``v = (1+r)^(−1/12)``."""
    import numpy as np

    t = np.arange(1, months + 1, dtype=float)
    v = (1.0 + discount_rate) ** (-1.0 / MONTHS_PER_YEAR)
    return v**t, v ** (t - 1)


#: The monthly components of a plan's cost (and its GPU counts).
_PARTS = (
    "api",
    "rent",
    "capex",
    "power",
    "hosting",
    "staff",
    "resale",
    "depreciation",
    "gpus",
    "owned",
)


@dataclass(frozen=True, slots=True)
class _Draws:
    """The moving parts of one evaluation: floats, or draws × 1 arrays in a Monte Carlo."""

    growth: Any
    api_factor: Any
    rent_factor: Any
    hardware_factor: Any


def _plan_arrays(
    base: _Base,
    settings: HorizonSettings,
    plan: Plan,
    draws: _Draws,
    api_mult: tuple[Any, Any],
    rent_mult: Any,
) -> dict[str, Any]:
    """Every monthly figure of one plan as arrays (draws × months, or months)."""
    import numpy as np

    n = settings.months
    months = np.arange(1, n + 1, dtype=float)
    starts = np.array([r.start_month for r in plan.regimes])
    idx = np.searchsorted(starts, months, side="right") - 1
    api_base = np.array([r.api_usd for r in plan.regimes])[idx]
    other_base = np.array([r.other_api_usd for r in plan.regimes])[idx]
    tokens = np.array([r.hosted_output_tokens for r in plan.regimes])[idx]
    gpr = np.array(
        [r.gpus_per_replica or base.sizing.gpus_per_replica for r in plan.regimes], dtype=float
    )[idx]
    tput = np.array(
        [r.throughput_tok_s or base.sizing.throughput.tok_s for r in plan.regimes], dtype=float
    )[idx]

    volume = np.exp(np.log1p(draws.growth) * (months - 1))  # R_t / R = (1+g)^(t−1)
    requests = base.requests * volume
    own_mult, other_mult = api_mult
    api = (api_base * own_mult + other_base * other_mult) * volume
    # Components a plan does not have stay the scalar 0.0 (broadcast when reported).
    out: dict[str, Any] = dict.fromkeys(_PARTS, 0.0)
    out.update(requests=requests, api=api, book=0.0)
    if not plan.self_hosts:
        return out
    # replicas_t = max(1, ceil(R_t·O_h·P/(H·3600)/(T·u))) while O_h > 0 (analysis.tco's formula)
    peak = requests * tokens / (base.hours * SECONDS_PER_HOUR) * base.peak_to_average
    replicas = np.maximum(1.0, np.ceil(peak / (tput * base.utilisation) - CAPACITY_SLACK))
    replicas = np.where(tokens > 0, replicas, 0.0)
    gpus = replicas * gpr
    shape = np.broadcast_shapes(np.shape(api), np.shape(gpus), np.shape(rent_mult))
    zeros = np.zeros(shape)
    if base.ownership == "rent":
        gpus = gpus + zeros
        out.update(
            gpus=gpus,
            rent=gpus * base.hours * base.rent_usd_per_gpu_hour * rent_mult,
            staff=np.where(gpus > 0, base.staff_usd, 0.0),
        )
        return out
    life = _life_months(base, settings.hardware)
    gpus = gpus + zeros
    owned = np.maximum.accumulate(gpus, axis=-1)
    bought = np.diff(owned, axis=-1, prepend=0.0)
    replaced = np.zeros_like(bought)
    k = life
    while k < n:  # Rep_t = Σ_(k>=1) B_(t−k·L)
        replaced[..., k:] += bought[..., : n - k]
        k += life
    price = base.capex_usd_per_gpu * _trend(np, draws.hardware_factor, months)
    capex = (bought + replaced) * price
    power = gpus * base.hours * base.power_usd_per_gpu_hour
    hosting = owned * base.hosting_usd_per_gpu_month
    staff = np.where(owned > 0, base.staff_usd, 0.0)
    spent = np.cumsum(capex, axis=-1)
    earlier = np.zeros_like(spent)
    if life < n:
        earlier[..., life:] = spent[..., : n - life]
    depreciation = (spent - earlier) / life
    age = n - months + 1  # months of use by the end of month N of a purchase in month t
    book = (capex * np.maximum(0.0, 1.0 - age / life)).sum(axis=-1)
    resale = zeros.copy()
    resale[..., -1] = -settings.hardware.resale_fraction * book
    out.update(
        gpus=gpus,
        owned=owned,
        bought=bought,
        replaced=replaced,
        capex=capex,
        power=power + zeros,
        hosting=hosting,
        staff=staff,
        resale=resale,
        depreciation=depreciation,
        book=book,
    )
    return out


def _present_values(arrays: Mapping[str, Any], end: Any, start: Any) -> tuple[Any, Any]:
    """(cash per month, present value per month)."""
    running = (
        arrays["api"]
        + arrays["rent"]
        + arrays["power"]
        + arrays["hosting"]
        + arrays["staff"]
        + arrays["resale"]
    )
    cash = running + arrays["capex"]
    return cash, running * end + arrays["capex"] * start


def _purchases(arrays: Mapping[str, Any], n: int) -> tuple[Purchase, ...]:
    if "bought" not in arrays:
        return ()
    bought, replaced = arrays["bought"].tolist(), arrays["replaced"].tolist()
    capex = arrays["capex"].tolist()
    out = []
    for t in range(n):
        total = bought[t] + replaced[t]
        if not total:
            continue
        for count, reason in (
            (bought[t], "initial" if t == 0 else "volume"),
            (replaced[t], "end of life"),
        ):
            if count:
                out.append(Purchase(t + 1, int(round(count)), capex[t] * count / total, reason))
    return tuple(out)


def _floats(values: Any) -> tuple[float, ...]:
    return tuple(values.astype(float).tolist())


def _ints(np: Any, values: Any) -> tuple[int, ...]:
    return tuple(np.rint(values).astype(int).tolist())


def _check_finite(np: Any, arrays: Mapping[str, Any], plan: str) -> None:
    total = sum(np.sum(value) for value in arrays.values())  # NaN or inf anywhere shows here
    if np.isfinite(total):
        return
    for key, value in arrays.items():
        if not np.all(np.isfinite(value)):
            raise ScenarioError(
                f"horizon.plan.{plan}.{key}", "not finite", "check the inputs' sizes and rates"
            )
    raise ScenarioError(f"horizon.plan.{plan}", "not finite", "check the inputs' sizes and rates")


def _leader(first: str, second: str, a: float, b: float) -> str:
    if a < b:
        return first
    if b < a:
        return second
    return "equal"


def crossover(first: PlanPath, second: PlanPath) -> Crossover:
    """When one plan's cumulative cost (present value) overtakes the other's.

    The lead is held by the plan with the lower cumulative cost through the month;
    a crossover is a month in which the lead passes to the other plan (months of
    exact equality keep the lead where it was).

    Args:
        first, second: the two paths (same horizon).

    Returns:
        The first crossover month (None: never within the horizon), the leaders
        at the start and the end, and the finding in words.
    """
    a, b = first.cumulative_usd, second.cumulative_usd
    start = _leader(first.name, second.name, a[0], b[0])
    end = _leader(first.name, second.name, a[-1], b[-1])
    changes = []
    held = start
    for t, (x, y) in enumerate(zip(a, b, strict=True), start=1):
        now = _leader(first.name, second.name, x, y)
        if now != "equal" and held != "equal" and now != held:
            changes.append(t)
        if now != "equal":
            held = now
    labels = {first.name: first.label, second.name: second.label}
    n = len(a)
    if changes:
        month = changes[0]
        before = start if start != "equal" else (second.name if a[0] < b[0] else first.name)
        after = first.name if before == second.name else second.name
        text = (
            f"{labels[after]} costs less than {labels[before]} cumulatively from month {month}"
            + (f" (the lead changes {len(changes)} times)" if len(changes) > 1 else "")
        )
    else:
        month = None
        if end == "equal":
            text = f"the two cost the same over the {n} months"
        else:
            loser = second.name if end == first.name else first.name
            text = (
                f"{labels[end]} costs less than {labels[loser]} in every month's running total: "
                f"no crossover within the {n} months"
            )
    return Crossover(first.name, second.name, month, start, end, tuple(changes), text)


def _draws_of(settings: HorizonSettings) -> _Draws:
    return _Draws(
        growth=settings.volume_growth,
        api_factor=settings.api_price.decline_factor,
        rent_factor=settings.rent_price.decline_factor,
        hardware_factor=settings.hardware.price_decline_factor,
    )


def evaluate_horizon(
    case: TcoCase, settings: HorizonSettings, plans: Sequence[Plan] | None = None
) -> HorizonResult:
    """Both options (or the plans given) month by month over the horizon.

    Args:
        case: the workload and both options, as priced today (:mod:`analysis.tco`).
        settings: the horizon, discount rate, volume growth and price paths.
        plans: the plans to follow (default: the API alone and self-hosting alone).

    Returns:
        Each plan's monthly path, NPV and cumulative cost, the cheapest plan and the
        month self-hosting and the API cross.

    Raises:
        ScenarioError: an invalid case or setting, or a result that is not finite.
        ModelDoesNotFitError: the model does not fit the GPUs.
    """
    import numpy as np

    plans = tuple(plans) if plans is not None else (api_plan(case), self_hosted_plan(case))
    if not plans:
        raise ScenarioError("horizon.plans", [], "give at least one plan")
    names = [p.name for p in plans]
    if len(set(names)) != len(names):
        raise ScenarioError("horizon.plans", names, "names must be unique")
    base = _base(case)
    n = settings.months
    api_mult = api_multipliers(settings)
    api_mults = (api_mult, api_multipliers(settings, offers=False))
    rent_mult = rent_multipliers(settings)
    end, start = discount_factors(n, settings.discount_rate)
    draws = _draws_of(settings)
    paths = []
    for plan in plans:
        parts = _plan_arrays(base, settings, plan, draws, api_mults, rent_mult)
        cash, pv = _present_values(parts, end, start)
        arrays = {
            k: (np.broadcast_to(np.asarray(v, dtype=float), (n,)) if k in _PARTS else v)
            for k, v in parts.items()
        }
        arrays.update(cash=np.broadcast_to(cash, (n,)), pv=np.broadcast_to(pv, (n,)))
        pv = arrays["pv"]
        _check_finite(np, arrays, plan.name)
        cumulative = np.cumsum(pv)
        hosted = plan.self_hosts
        paths.append(
            PlanPath(
                name=plan.name,
                label=plan.label,
                ownership=base.ownership if hosted else "none",
                requests=_floats(arrays["requests"]),
                api_usd=_floats(arrays["api"]),
                rent_usd=_floats(arrays["rent"]),
                capex_usd=_floats(arrays["capex"]),
                power_usd=_floats(arrays["power"]),
                hosting_usd=_floats(arrays["hosting"]),
                staff_usd=_floats(arrays["staff"]),
                resale_usd=_floats(arrays["resale"]),
                depreciation_usd=_floats(arrays["depreciation"]),
                cash_usd=_floats(cash),
                present_value_usd=_floats(pv),
                cumulative_usd=_floats(cumulative),
                gpus_in_service=_ints(np, arrays["gpus"]),
                gpus_owned=_ints(np, arrays["owned"]),
                purchases=_purchases(arrays, n),
                total_cash_usd=float(cash.sum()),
                npv_usd=float(cumulative[-1]),
                book_value_end_usd=float(arrays["book"]),
            )
        )
    cheapest = min(paths, key=lambda p: (p.npv_usd, names.index(p.name))).name
    by_name = {p.name: p for p in paths}
    cross = (
        crossover(by_name[API], by_name[SELF_HOSTED])
        if API in by_name and SELF_HOSTED in by_name
        else None
    )
    return HorizonResult(
        settings=settings,
        api_multiplier=_floats(np.broadcast_to(api_mult, (n,))),
        rent_multiplier=_floats(np.broadcast_to(rent_mult, (n,))),
        plans=tuple(paths),
        cheapest=cheapest,
        crossover=cross,
    )


# --------------------------------------------------------------------------- #
# Monte Carlo over the trends
# --------------------------------------------------------------------------- #

#: What the horizon Monte Carlo can draw, by its dotted name within the ``horizon`` block.
HORIZON_SAMPLEABLE: dict[str, Num] = {
    "api_price.decline_factor": ApiPricePath.NUMBERS["decline_factor"],
    "rent_price.decline_factor": RentPricePath.NUMBERS["decline_factor"],
    "volume_growth": HorizonSettings.NUMBERS["volume_growth"],
    "hardware.price_decline_factor": HardwarePlan.NUMBERS["price_decline_factor"],
}


@dataclass(frozen=True, slots=True)
class Band(Record):
    """P10, P50 and P90 of a plan's cumulative cost, month by month [USD].

    Attributes:
        name: the plan.
        p10, p50, p90: one value per month, month 1 first.
    """

    name: str
    p10: tuple[float, ...]
    p50: tuple[float, ...]
    p90: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class HorizonMonteCarlo(Record):
    """The horizon under uncertain trends.

    Attributes:
        draws, seed: the number of draws and the random seed.
        parameters: the dotted names drawn.
        npv: per plan, the percentiles of its NPV [USD].
        bands: per plan, P10–P90 of the cumulative cost by month [USD].
        p_self_hosted_cheaper: share of draws in which self-hosting costs less than
            the API over the horizon (NPV, strictly); None without both plans.
        p_cheapest: per plan, the share of draws in which it has the lowest NPV.
    """

    draws: int
    seed: int
    parameters: tuple[str, ...]
    npv: Mapping[str, Percentiles]
    bands: tuple[Band, ...]
    p_self_hosted_cheaper: float | None
    p_cheapest: Mapping[str, float]


def check_horizon_distributions(
    settings: HorizonSettings, distributions: Mapping[str, Distribution], ownership: str
) -> None:
    """Raise ScenarioError unless each distribution names a trend in use and fits its range.

    Args:
        settings: the horizon (a held path cannot be drawn).
        distributions: dotted name -> distribution.
        ownership: the self-hosted option's ``rent`` or ``buy``.
    """
    unused = {
        "api_price.decline_factor": settings.api_price.path == "held",
        "rent_price.decline_factor": (ownership != "rent" or settings.rent_price.path == "held"),
        "hardware.price_decline_factor": ownership != "buy",
    }
    for path, dist in distributions.items():
        where = f"horizon.monte_carlo.distributions.{path}"
        if path not in HORIZON_SAMPLEABLE:
            raise ScenarioError(
                where, None, "cannot be drawn; drawable: " + ", ".join(HORIZON_SAMPLEABLE)
            )
        if unused.get(path):
            raise ScenarioError(
                where,
                dist.to_dict(),
                "has no effect here (a held price path, or the other ownership)",
            )
        dist.check(where)
        check_draws_fit(dist, HORIZON_SAMPLEABLE[path], where, "it")


def horizon_monte_carlo(
    case: TcoCase,
    settings: HorizonSettings,
    distributions: Mapping[str, Distribution],
    draws: int = 10_000,
    seed: int = 0,
    plans: Sequence[Plan] | None = None,
) -> HorizonMonteCarlo:
    """Every plan over the horizon under uncertain trends, vectorised over the draws.

    Each drawn trend (API decline, rent decline, volume growth, later GPU prices)
    gets ``draws`` independent values; the rest keep the settings' values. The
    formulas are those of :func:`evaluate_horizon` on draws × months arrays.

    Args:
        case: the workload and both options.
        settings: the horizon (the point values).
        distributions: dotted name (see :data:`HORIZON_SAMPLEABLE`) -> distribution.
        draws: the number of draws, 1,000 to 1,000,000.
        seed: the random seed (same seed, same result).
        plans: the plans (default: the API alone and self-hosting alone).

    Returns:
        NPV percentiles, P10–P90 bands of the cumulative cost, P(self-hosting cheaper).

    Raises:
        ScenarioError: a bad draw count, seed or distribution, or a non-finite result.
    """
    import numpy as np

    if isinstance(draws, bool) or not isinstance(draws, int):
        raise ScenarioError("horizon.monte_carlo.draws", draws, "must be a whole number")
    if not MIN_HORIZON_DRAWS <= draws <= MAX_HORIZON_DRAWS:
        raise ScenarioError(
            "horizon.monte_carlo.draws",
            draws,
            f"must be in [{MIN_HORIZON_DRAWS}, {MAX_HORIZON_DRAWS}]",
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ScenarioError("horizon.monte_carlo.seed", seed, "must be a whole number >= 0")
    check_horizon_distributions(settings, distributions, case.self_hosted.ownership)
    plans = tuple(plans) if plans is not None else (api_plan(case), self_hosted_plan(case))
    base = _base(case)
    rng = np.random.default_rng(seed)
    drawn = {p: distributions[p].sample(rng, draws)[:, None] for p in sorted(distributions)}
    point = _draws_of(settings)
    d = _Draws(
        growth=drawn.get("volume_growth", point.growth),
        api_factor=drawn.get("api_price.decline_factor", point.api_factor),
        rent_factor=drawn.get("rent_price.decline_factor", point.rent_factor),
        hardware_factor=drawn.get("hardware.price_decline_factor", point.hardware_factor),
    )
    api_mult = (
        api_multipliers(settings, d.api_factor),
        api_multipliers(settings, d.api_factor, offers=False),
    )
    rent_mult = rent_multipliers(settings, d.rent_factor)
    end, start = discount_factors(settings.months, settings.discount_rate)
    npvs: dict[str, Any] = {}
    bands = []
    for plan in plans:
        arrays = _plan_arrays(base, settings, plan, d, api_mult, rent_mult)
        _, pv = _present_values(arrays, end, start)
        cumulative = np.cumsum(np.broadcast_to(pv, (draws, settings.months)), axis=1)
        if not np.all(np.isfinite(cumulative)):
            raise ScenarioError(
                "horizon.monte_carlo.distributions", sorted(distributions), "gave a non-finite cost"
            )
        npvs[plan.name] = cumulative[:, -1]
        p10, p50, p90 = np.percentile(cumulative, [10, 50, 90], axis=0)
        bands.append(Band(plan.name, _floats(p10), _floats(p50), _floats(p90)))
    stacked = np.vstack([npvs[p.name] for p in plans])
    winners = np.argmin(stacked, axis=0)
    p_cheapest = {p.name: float(np.mean(winners == i)) for i, p in enumerate(plans)}
    p_hosted = (
        float(np.mean(npvs[SELF_HOSTED] < npvs[API]))
        if API in npvs and SELF_HOSTED in npvs
        else None
    )
    return HorizonMonteCarlo(
        draws=draws,
        seed=seed,
        parameters=tuple(sorted(distributions)),
        npv={name: _percentiles(np, values) for name, values in npvs.items()},
        bands=tuple(bands),
        p_self_hosted_cheaper=p_hosted,
        p_cheapest=p_cheapest,
    )


def _percentiles(np: Any, values: Any) -> Percentiles:
    p10, p50, p90 = (float(v) for v in np.percentile(values, [10, 50, 90]))
    spread = (p90 - p10) / abs(p50) if p50 != 0 else 0.0
    return Percentiles(p10, p50, p90, float(values.mean()), spread)


def with_settings(settings: HorizonSettings, **changes: Any) -> HorizonSettings:
    """A copy of ``settings`` with top-level fields or ``api_price.x`` / ``rent_price.x`` /
    ``hardware.x`` (written ``api_price__x``) replaced, validated again.

    Args:
        settings: the settings.
        changes: field -> value; nested fields with a double underscore.

    Returns:
        The new settings.

    Raises:
        ScenarioError: an unknown field or an invalid value.
    """
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, value in changes.items():
        head, _, tail = key.partition("__")
        if tail:
            nested.setdefault(head, {})[tail] = value
        else:
            top[key] = value
    try:
        for head, values in nested.items():
            top[head] = replace(getattr(settings, head), **values)
        return replace(settings, **top)
    except (TypeError, AttributeError) as exc:
        raise ScenarioError("horizon", sorted(changes), f"unknown setting: {exc}") from None
