"""analysis.dates.parse_date: the one rule for reading dates, and its command-line wrapper."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

import pytest

from analysis.cli import date_arg
from analysis.dates import parse_date
from analysis.errors import DateError, ScenarioError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-29", date(2026, 11, 29)),
        ("  2024-02-29\n", date(2024, 2, 29)),  # a leap day; blanks around it are ignored
        (date(2025, 1, 1), date(2025, 1, 1)),
        (datetime(2025, 12, 31, 23, 59, 59), date(2025, 12, 31)),
        # A datetime's own calendar day, whatever its zone (no conversion to UTC).
        (datetime(2025, 6, 1, 0, 30, tzinfo=UTC), date(2025, 6, 1)),
    ],
)
def test_known_dates(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2023-02-29",  # not a leap year
        "2026-13-01",
        "20261129",  # ISO 8601's basic form: date.fromisoformat takes it, the toolkit does not
        "2026-W48-7",  # an ISO week date, likewise
        "2026-1-5",
        "29/11/2026",
        "",
        "yesterday",
        20261129,
        None,
        3.5,
        ["2026-01-01"],
    ],
)
def test_a_value_that_is_not_a_date_names_the_parameter_and_the_value(value: object) -> None:
    with pytest.raises(DateError) as info:
        parse_date(value, "as_of")
    assert info.value.parameter == "as_of"
    assert info.value.value == value
    assert str(info.value) == f"as_of = {value!r}: is not a date; write it as YYYY-MM-DD"
    assert isinstance(info.value, ScenarioError)  # callers that catch scenario errors see it


def test_the_default_parameter_name_is_date() -> None:
    with pytest.raises(DateError, match=r"^date = 'soon': "):
        parse_date("soon")


def test_today_only_where_allowed() -> None:
    assert parse_date("today", "at", allow_today=True, today=date(2026, 3, 1)) == date(2026, 3, 1)
    assert parse_date(" TODAY ", "at", allow_today=True, today=date(2026, 3, 1)) == date(2026, 3, 1)
    before = date.today()
    got = parse_date("today", allow_today=True)
    assert before <= got <= date.today()
    with pytest.raises(DateError) as info:
        parse_date("today", "at")
    assert str(info.value) == "at = 'today': is not a date; write it as YYYY-MM-DD"
    with pytest.raises(DateError) as info:
        parse_date("tomorrow", "at", allow_today=True)
    assert str(info.value).endswith("write it as YYYY-MM-DD (or today)")


def test_the_command_line_type_wraps_the_same_rule() -> None:
    assert date_arg("2026-11-29") == date(2026, 11, 29)
    with pytest.raises(argparse.ArgumentTypeError, match="'29/11/2026' is not a date YYYY-MM-DD"):
        date_arg("29/11/2026")
