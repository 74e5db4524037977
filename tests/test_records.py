"""analysis.records: the one conversion of results to plain, JSON-safe data."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest

from analysis.errors import ScenarioError
from analysis.records import Record, to_plain


@dataclass(frozen=True)
class Inner(Record):
    when: date
    share: float


@dataclass(frozen=True)
class Outer(Record):
    name: str
    parts: tuple[Inner, ...]
    extra: dict[int, object] = field(default_factory=dict)


class HasToDict:
    def to_dict(self) -> dict[str, object]:
        return {"at": date(2026, 1, 2)}


def test_nested_dataclasses_become_dicts_in_field_order() -> None:
    value = Outer("x", (Inner(date(2026, 11, 29), 0.25),), {1: [Decimal("1.5"), None]})
    plain = value.to_dict()
    assert plain == {
        "name": "x",
        "parts": [{"when": "2026-11-29", "share": 0.25}],
        "extra": {"1": [1.5, None]},
    }
    assert list(plain) == ["name", "parts", "extra"]
    assert json.loads(json.dumps(plain, allow_nan=False)) == plain


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (7, 7),
        ("text", "text"),
        (1.5, 1.5),
        (date(2024, 2, 29), "2024-02-29"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05+00:00"),
        (time(12, 30), "12:30:00"),
        (Decimal("0.125"), 0.125),
        (timedelta(minutes=1, milliseconds=500), 60.5),
        (b"\x00\xff", "00ff"),
        (Path("/tmp/w.duckdb"), "/tmp/w.duckdb"),
        (UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        ((1, [2, (3,)]), [1, [2, [3]]]),
        ({date(2026, 1, 1): 1}, {"2026-01-01": 1}),
        (HasToDict(), {"at": "2026-01-02"}),
    ],
)
def test_known_conversions(value: object, expected: object) -> None:
    assert to_plain(value) == expected


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_number_raises_by_default(bad: float) -> None:
    with pytest.raises(ScenarioError) as info:
        to_plain({"a": [1.0, bad]})
    assert info.value.parameter == "result"
    assert info.value.value is bad
    assert "is not a finite number" in str(info.value)
    with pytest.raises(ScenarioError):
        Inner(date(2026, 1, 1), bad).to_dict()


def test_a_non_finite_number_becomes_none_for_database_cells() -> None:
    assert to_plain([math.nan, Decimal("NaN"), 2.0], non_finite="none") == [None, None, 2.0]


def test_an_unknown_non_finite_mode_names_the_parameter() -> None:
    with pytest.raises(ScenarioError) as info:
        to_plain(1.0, non_finite="zero")  # type: ignore[arg-type]
    assert str(info.value) == 'non_finite = \'zero\': must be "raise" or "none"'
