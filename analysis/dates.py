"""Reading dates: the one rule for every parameter, file and command-line argument.

A date is written ``YYYY-MM-DD``. :func:`parse_date` also takes ``date`` and
``datetime`` objects (YAML and DuckDB give those), and, where the caller allows
it, the word ``today``, the one place where "now" enters a run.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from analysis.errors import DateError

#: The one way a date is written: four-digit year, month and day (other ISO 8601
#: forms that ``date.fromisoformat`` accepts, such as ``20261129``, are not dates here).
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(
    value: object, parameter: str = "date", *, allow_today: bool = False, today: date | None = None
) -> date:
    """The date ``value`` stands for.

    Args:
        value: ``YYYY-MM-DD`` text (surrounding blanks ignored), a ``date`` or a ``datetime``
            (its calendar day), or ``today`` when ``allow_today`` is set.
        parameter: the parameter's name, for the error message.
        allow_today: accept the word ``today``.
        today: the day ``today`` stands for (default: the system's date).

    Returns:
        The date.

    Raises:
        DateError: ``value`` is not a date; the message names ``parameter`` and ``value``.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if allow_today and text.lower() == "today":
            return today or date.today()
        if DATE_PATTERN.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:  # no such day, e.g. 2023-02-29
                pass
    hint = "YYYY-MM-DD (or today)" if allow_today else "YYYY-MM-DD"
    raise DateError(parameter, value, f"is not a date; write it as {hint}")
