"""Plain values: the one conversion of results to JSON- and YAML-safe data.

Results and settings are frozen dataclasses; command-line ``--json``, saved
panel states, papermill parameters and brief tables all need them as plain
dicts, lists, text and numbers. :func:`to_plain` is that conversion.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from analysis.errors import ScenarioError


def to_plain(obj: Any, *, non_finite: str = "raise") -> Any:
    """A JSON-safe copy of ``obj``.

    Dataclasses become dicts (field order), mappings dicts with text keys,
    tuples and lists lists, dates and datetimes ISO text, ``Decimal`` a float,
    ``timedelta`` seconds, ``bytes`` hex; other objects with ``to_dict()`` use it.

    Args:
        obj: the value.
        non_finite: what a NaN or infinite float becomes: ``"raise"`` (a result
            never holds one) or ``"none"`` (a database cell that is missing).

    Raises:
        ScenarioError: a float is NaN or infinite and ``non_finite`` is ``"raise"``.
    """
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        if non_finite == "none":
            return None
        raise ScenarioError("result", obj, "is not a finite number; check the inputs' sizes")
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name), non_finite=non_finite) for f in fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_plain(v, non_finite=non_finite) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v, non_finite=non_finite) for v in obj]
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return to_plain(float(obj), non_finite=non_finite)
    if isinstance(obj, timedelta):
        return obj.total_seconds()
    if isinstance(obj, bytes):
        return obj.hex()
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return to_plain(to_dict(), non_finite=non_finite)
    return obj


class Record:
    """Mixin for result and settings dataclasses: ``to_dict()`` via :func:`to_plain`."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict of every field (nested dataclasses included)."""
        return to_plain(self)
