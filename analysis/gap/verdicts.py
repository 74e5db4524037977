"""Claim verdicts a careful analyst would sign: how a claim is read, and what the data says.

A claim's figure is first *read*: a point ("about 4 months", read as the figure
as rounded, 3.5-4.5), a range ("8-10 months") or a floor ("90-95% of closed
performance", read as "at least 90%", the reading its authors meant); the
declared reading is shown beside the verdict. The reading is then set against
the measured figure and its interval:

consistent
    Some value the claim states lies inside the measured interval, or the
    measured value meets the claim (inside its range, or at or above its floor).
differs
    Neither: the verdict gives the direction (the measured figure is higher or
    lower, longer or shorter) and the size (measured minus the nearest stated
    value, and the same for the interval's ends).
not comparable
    The claim is about another metric or benchmark set than the measure; the
    verdict names both.
not measurable
    The figure cannot be measured (no data by the date, one side missing, …);
    the verdict gives the reason.

Without an interval (too few resamples define it, or an exact figure such as a
price ratio) the measured value alone decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from analysis.errors import GapError
from analysis.gap.intervals import Estimate
from analysis.records import Record

CONSISTENT = "consistent"
DIFFERS = "differs"
NOT_COMPARABLE = "not comparable"
NOT_MEASURABLE = "not measurable"
LEVELS = (CONSISTENT, DIFFERS, NOT_COMPARABLE, NOT_MEASURABLE)
"""The verdict levels, in the order tables count them."""


@dataclass(frozen=True)
class Reading(Record):
    """How a claim's figure is read.

    Attributes:
        low: the lowest value the claim states.
        high: the highest (equal to ``low`` for a point; None with ``at_least``).
        at_least: the claim is a floor: any value from ``low`` up meets it.
        unit: the figure's unit (``months``, ``ECI points``, ``share``, ``×``).
        stated: the figure as the claim states it (``4 months``, ``90–95%``).
        declared: the reading in words, shown beside the verdict.
        words: (higher, lower) words for the direction (e.g. ("longer", "shorter")).
        digits: decimals shown.
        percent: show values as percentages (a share).
        center: the stated figure of a point claim (differences are measured from it).
    """

    low: float
    high: float | None
    at_least: bool
    unit: str
    stated: str
    declared: str
    words: tuple[str, str] = ("higher", "lower")
    digits: int = 1
    percent: bool = False
    center: float | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.low):
            raise GapError(f"a claim's stated value must be a number, got {self.low!r}")
        if not self.at_least and (self.high is None or self.high < self.low):
            raise GapError(f"stated range {self.low}–{self.high}: the upper end is missing or low")

    def show(self, value: float) -> str:
        """A value in the reading's unit (``4.4 months``, ``96.1%``)."""
        if self.percent:
            return f"{value * 100:.{self.digits}f}%"
        return f"{value:.{self.digits}f}" + (f" {self.unit}" if self.unit else "")

    def number(self, value: float) -> str:
        """A bare number at the reading's precision (a share as a percentage)."""
        return f"{value * 100:.{self.digits}f}" if self.percent else f"{value:.{self.digits}f}"


def rounding(value: float) -> float:
    """Half a unit of the last digit a figure is stated to: 4 -> 0.5, 3.5 -> 0.05."""
    text = f"{value:g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0**-decimals


def point(value: float, unit: str, stated: str, *, words: tuple[str, str] = ("higher", "lower"),
          digits: int = 1) -> Reading:  # fmt: skip
    """A point claim ("about 4 months"), read as the figure as rounded (3.5–4.5): consistent
    when that overlaps the measured interval; a difference is measured from the figure."""
    half = rounding(value)
    low, high = value - half, value + half
    return Reading(
        low,
        high,
        False,
        unit,
        stated,
        f"“{stated}” read as {low:g}–{high:g} {unit} (the figure as rounded): consistent "
        "when the measured interval reaches it",
        words,
        digits,
        center=value,
    )


def span(low: float, high: float, unit: str, stated: str, *,
         words: tuple[str, str] = ("higher", "lower"), digits: int = 1) -> Reading:  # fmt: skip
    """A range claim ("8–10 months"): consistent when it overlaps the measured interval."""
    return Reading(
        low,
        high,
        False,
        unit,
        stated,
        f"{stated}, read as any value from {low:g} to {high:g} {unit}: consistent when the "
        "measured interval overlaps it",
        words,
        digits,
    )


def floor(low: float, stated: str, declared: str, *, unit: str = "share", percent: bool = True,
          digits: int = 1) -> Reading:  # fmt: skip
    """A floor ("90–95% of closed performance" meant as at least 90%)."""
    return Reading(low, None, True, unit, stated, declared, ("higher", "lower"), digits, percent)


@dataclass(frozen=True)
class Verdict(Record):
    """What the data says about one reading of a claim.

    Attributes:
        level: ``consistent``, ``differs``, ``not comparable`` or ``not measurable``.
        text: the verdict as a reader sees it, with its reason or size.
        direction: for ``differs``, the direction word (``longer``, ``lower``, …).
        size: for ``differs``, measured minus the nearest stated value (signed).
        measured: the estimate judged (None when not measured).
    """

    level: str
    text: str
    direction: str | None = None
    size: float | None = None
    measured: Estimate | None = None


def not_comparable(claim_measure: str, measure: str) -> Verdict:
    """The claim is about another metric or benchmark set; says which."""
    return Verdict(
        NOT_COMPARABLE,
        f"not comparable: the claim measures {claim_measure}; this measure is {measure}",
    )


def not_measurable(reason: str) -> Verdict:
    """The figure cannot be measured, and why."""
    return Verdict(NOT_MEASURABLE, f"not measurable: {reason}")


def _meets(reading: Reading, value: float) -> bool:
    if reading.at_least:
        return value >= reading.low
    assert reading.high is not None
    return reading.low <= value <= reading.high


def _overlaps(reading: Reading, low: float, high: float) -> bool:
    if reading.at_least:
        return high >= reading.low
    assert reading.high is not None
    return low <= reading.high and high >= reading.low


def interval_text(reading: Reading, estimate: Estimate, level: float = 0.90) -> str:
    """``90% CI 3.1–6.2`` (``90% CI 92.6–96.6%`` for a share), or "" without an interval."""
    if estimate.ci_low is None or estimate.ci_high is None:
        return ""
    tail = "%" if reading.percent else ""
    return (
        f"{level:.0%} CI {reading.number(estimate.ci_low)}–{reading.number(estimate.ci_high)}{tail}"
    )


def measured_text(reading: Reading, estimate: Estimate, level: float = 0.90) -> str:
    """The measured figure as the claim states its own: ``96.0% (90% CI 92.6–96.6%)``."""
    if estimate.value is None:
        return f"n/a ({estimate.note})" if estimate.note else "n/a"
    ci = interval_text(reading, estimate, level)
    return reading.show(estimate.value) + (f" ({ci})" if ci else "")


def judge(reading: Reading, estimate: Estimate | None, level: float = 0.90) -> Verdict:
    """The verdict on a reading, from the measured value and its interval.

    consistent: the value meets the reading, or the interval [ci_low, ci_high] overlaps
    the stated values; differs: otherwise, size = value - the stated figure (a point), the
    nearest end (a range) or the floor, direction from its sign; not measurable: no value.

    Args:
        reading: how the claim is read.
        estimate: the measured figure (None or a None value: not measurable).
        level: the interval's confidence level, for the text.

    Returns:
        The :class:`Verdict`.
    """
    if estimate is None or estimate.value is None:
        return not_measurable((estimate.note if estimate else None) or "no measured value")
    value = estimate.value
    ci = interval_text(reading, estimate, level)
    measured = reading.show(value) + (f", {ci}" if ci else "")
    if _meets(reading, value):
        word = "meets" if reading.at_least else "lies within"
        return Verdict(
            CONSISTENT,
            f"consistent: the measured {reading.show(value)} {word} {reading.stated}"
            + (f" ({ci})" if ci else ""),
            measured=estimate,
        )
    if ci and estimate.ci_low is not None and estimate.ci_high is not None:
        if _overlaps(reading, estimate.ci_low, estimate.ci_high):
            return Verdict(
                CONSISTENT,
                f"consistent: {reading.stated} lies inside the measured interval ({measured})",
                measured=estimate,
            )
    nearest = reading.low if (reading.at_least or value < reading.low) else reading.high
    if reading.center is not None:
        nearest = reading.center
    assert nearest is not None
    size = value - nearest
    higher, lower = reading.words
    direction = higher if size > 0 else lower
    amount = abs(size) * (100 if reading.percent else 1)
    unit = "percentage points" if reading.percent else reading.unit
    if reading.at_least:
        text = (
            f"differs: {amount:.{reading.digits}f} {unit} below the floor of "
            f"{reading.show(reading.low)} (measured {measured})"
        )
    else:
        text = (
            f"differs: {amount:.{reading.digits}f} {unit} {direction} than the stated "
            f"{reading.stated} (measured {measured})"
        )
    return Verdict(DIFFERS, text, direction=direction, size=round(size, 6), measured=estimate)
