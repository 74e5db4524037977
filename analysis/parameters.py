"""Checked parameters: one declaration per numeric field drives checks, sensitivity and sampling.

The cost model's inputs (:mod:`analysis.tco`, :mod:`analysis.sizing`), the
scorecard and the routing classes declare each numeric field once, as a
:class:`Num` (unit, bounds, whether it is an assumption), in a ``NUMBERS``
table beside a ``SECTION`` name. :func:`check_fields` validates a whole object
from that table; the other checks here are for single values. Every failure is
a :class:`~analysis.errors.ScenarioError` naming the parameter
(``section.name``) and the value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Protocol, TypeVar

from analysis.errors import ScenarioError

#: No input may exceed this in its unit: it keeps every product of inputs finite.
MAX_INPUT = 1e12

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Num:
    """How one numeric field is checked, and whether it is an assumption.

    Attributes:
        unit: the unit, shown in messages and tables.
        low: the lower bound.
        low_open: True when the value must be strictly above ``low``.
        high: the upper bound (default :data:`MAX_INPUT`, which keeps results finite).
        high_open: True when the value must be strictly below ``high``.
        integer: True for whole numbers (GPU counts, token counts).
        assumption: True when sensitivity analysis and Monte Carlo may vary it
            (False for datasheet facts and calendar conventions).
    """

    unit: str
    low: float = 0.0
    low_open: bool = True
    high: float = MAX_INPUT
    high_open: bool = False
    integer: bool = False
    assumption: bool = True

    def bounds_text(self) -> str:
        """The valid range in words, e.g. ``> 0`` or ``in (0, 1]``."""
        if self.high == MAX_INPUT:
            return f"{'>' if self.low_open else '>='} {self.low:g} and <= {MAX_INPUT:g}"
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"in {left}{self.low:g}, {self.high:g}{right}"

    def contains(self, value: float) -> bool:
        """Whether ``value`` is within the bounds."""
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def clamp(self, value: float) -> float:
        """``value`` moved just inside the bounds (used when perturbing a value)."""
        if self.contains(value):
            return value
        if value <= self.low:
            if not self.low_open:
                return self.low
            return self.low + 1 if self.integer else math.nextafter(self.low, math.inf)
        if not self.high_open:
            return self.high
        return self.high - 1 if self.integer else math.nextafter(self.high, -math.inf)


class Declared(Protocol):
    """An object whose numeric fields are declared in a ``NUMBERS`` table under ``SECTION``."""

    SECTION: ClassVar[str]
    NUMBERS: ClassVar[dict[str, Num]]


def check_number(section: str, name: str, value: object, spec: Num) -> None:
    """Raise unless ``value`` is a finite number within ``spec``.

    Args:
        section: the parameter's section (``workload``, ``self_hosted``, …).
        name: the parameter's name within it.
        value: the value to check.
        spec: its declaration.

    Raises:
        ScenarioError: naming ``section.name`` and the value: not a number, not
            finite, not whole where it must be, or out of bounds.
    """
    parameter = f"{section}.{name}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(parameter, value, f"must be a number ({spec.unit})")
    if not math.isfinite(value):
        raise ScenarioError(parameter, value, f"must be a finite number ({spec.unit})")
    if spec.integer and value != int(value):
        raise ScenarioError(parameter, value, f"must be a whole number ({spec.unit})")
    if not spec.contains(value):
        raise ScenarioError(parameter, value, f"must be {spec.bounds_text()} ({spec.unit})")


def check_fields(obj: Declared) -> None:
    """Validate every numeric field of ``obj`` declared in its ``NUMBERS`` table (None = unset).

    Raises:
        ScenarioError: the first field that fails :func:`check_number`.
    """
    for name, spec in obj.NUMBERS.items():
        value = getattr(obj, name)
        if value is not None:
            check_number(obj.SECTION, name, value, spec)


def check_choice(parameter: str, value: object, allowed: tuple[str, ...]) -> None:
    """Raise unless ``value`` is one of ``allowed``.

    Raises:
        ScenarioError: naming the parameter, the value and the allowed choices.
    """
    if value not in allowed:
        raise ScenarioError(parameter, value, f"must be one of: {', '.join(allowed)}")


def check_text(parameter: str, value: object) -> None:
    """Raise unless ``value`` is text or None.

    Raises:
        ScenarioError: naming the parameter and the value.
    """
    if value is not None and not isinstance(value, str):
        raise ScenarioError(parameter, value, "must be text")


def require(section: str, name: str, value: T | None, hint: str) -> T:
    """``value``, which must be set.

    Args:
        section: the parameter's section.
        name: the parameter's name within it.
        value: the value, None when unset.
        hint: what to do about it, for the message.

    Raises:
        ScenarioError: ``section.name`` is not set; the message carries ``hint``.
    """
    if value is None:
        raise ScenarioError(f"{section}.{name}", None, f"is not set: {hint}")
    return value
