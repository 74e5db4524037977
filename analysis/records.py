"""Plain values: the one conversion of results to JSON- and YAML-safe data.

Results and settings are frozen dataclasses; command-line ``--json``, saved
panel states, papermill parameters and brief tables all need them as plain
dicts, lists, text and numbers. :func:`to_plain` is that conversion.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Literal
from uuid import UUID

from analysis.errors import ScenarioError

NonFinite = Literal["raise", "none"]


def to_plain(obj: Any, *, non_finite: NonFinite = "raise") -> Any:
    """A JSON-safe copy of ``obj``.

    Dataclasses become dicts (field order), mappings dicts with text keys,
    tuples and lists lists, dates, datetimes and times ISO text, ``Decimal`` a
    float, ``timedelta`` seconds, ``bytes`` hex, paths and UUIDs text; other
    objects with ``to_dict()`` use it; anything else is returned as it is.

    Args:
        obj: the value.
        non_finite: what a NaN or infinite float becomes: ``"raise"`` (a result
            never holds one) or ``"none"`` (a database cell that is missing).

    Raises:
        ScenarioError: a float is NaN or infinite and ``non_finite`` is ``"raise"``,
            or ``non_finite`` is neither ``"raise"`` nor ``"none"``.
    """
    if non_finite not in ("raise", "none"):
        raise ScenarioError("non_finite", non_finite, 'must be "raise" or "none"')
    return _plain(obj, non_finite == "none")


def _plain(obj: Any, none_if_not_finite: bool) -> Any:
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        if none_if_not_finite:
            return None
        raise ScenarioError("result", obj, "is not a finite number; check the inputs' sizes")
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name), none_if_not_finite) for f in fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): _plain(v, none_if_not_finite) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v, none_if_not_finite) for v in obj]
    if isinstance(obj, (date, datetime, time)):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return _plain(float(obj), none_if_not_finite)
    if isinstance(obj, timedelta):
        return obj.total_seconds()
    if isinstance(obj, bytes):
        return obj.hex()
    if isinstance(obj, (PurePath, UUID)):
        return str(obj)
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return _plain(to_dict(), none_if_not_finite)
    return obj


class Record:
    """Mixin for result and settings dataclasses: ``to_dict()`` via :func:`to_plain`."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict of every field (nested dataclasses included)."""
        out: dict[str, Any] = _plain(self, False)
        return out
