"""Reading the tidy tables the gap functions take: pandas or polars in, pandas out, with
columns checked, dates normalised and cells read the same way everywhere.

These helpers are shared by the modules of :mod:`analysis.gap`; they hold no rule of
the analysis itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeAlias, overload

from analysis.dates import parse_date
from analysis.errors import DateError, GapError

if TYPE_CHECKING:  # pandas is imported inside functions to keep `import analysis.gap` cheap
    import numpy as np
    import pandas as pd
    import polars as pl

    Table: TypeAlias = pd.DataFrame | pl.DataFrame
    """A tidy table as the gap functions take it: pandas or polars."""

    DateLike: TypeAlias = date | datetime | str | pd.Timestamp | np.datetime64
    """A date as the gap functions take it (text is ``YYYY-MM-DD``)."""

OPEN_LABEL = "Open weights"
CLOSED_LABEL = "Closed"


def pandas_copy(df: Table, what: str) -> pd.DataFrame:
    """A pandas copy of a pandas or polars DataFrame.

    Args:
        df: the table.
        what: its name, for the error message.

    Raises:
        GapError: ``df`` is not a DataFrame.
    """
    import pandas as pd

    if isinstance(df, pd.DataFrame):
        return df.copy()
    return as_pandas(df, what)


def as_pandas(df: Table, what: str) -> pd.DataFrame:
    """A pandas DataFrame as given (not copied: for reading only), or a polars one converted.

    Args:
        df: the table.
        what: its name, for the error message.

    Raises:
        GapError: ``df`` is not a DataFrame.
    """
    import pandas as pd

    if isinstance(df, pd.DataFrame):
        return df
    to_pandas = getattr(df, "to_pandas", None)
    if to_pandas is None:
        raise GapError(f"{what}: expected a pandas or polars DataFrame, got {type(df).__name__}")
    return to_pandas()


def text_values(column: pd.Series) -> list[str]:
    """The distinct values of a text column, as sorted text."""
    return sorted({str(b) for b in column.dropna().unique()})


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise a :class:`GapError` naming the columns ``df`` lacks, and those it has."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise GapError(
            f"{what} lacks column(s) {', '.join(missing)}; "
            f"it has: {', '.join(map(str, df.columns))}"
        )


@overload
def timestamp(value: DateLike, parameter: str = ...) -> pd.Timestamp: ...
@overload
def timestamp(value: None, parameter: str = ...) -> None: ...
def timestamp(value: DateLike | None, parameter: str = "as_of") -> pd.Timestamp | None:
    """A date as a midnight pandas Timestamp (no time zone), or None for None.

    Text, ``date`` and ``datetime`` values are read by :func:`analysis.dates.parse_date`
    (the toolkit's one date rule); a pandas Timestamp or numpy datetime64 (as tables hold
    them) is taken at its calendar day.

    Args:
        value: the date, or None.
        parameter: the parameter's name, for the error message.

    Raises:
        DateError: ``value`` is not a date (the message names ``parameter``).
    """
    import numpy as np
    import pandas as pd

    if value is None:
        return None
    if value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value)):
        raise DateError(parameter, value, "is not a date; write it as YYYY-MM-DD")
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    return pd.Timestamp(parse_date(value, parameter))


def iso(value: Any) -> str | None:
    """A date cell as ``YYYY-MM-DD`` text; None for a missing one; other values as text."""
    if value is None:
        return None
    try:
        import pandas as pd

        if value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
            return None
    except ImportError:  # pragma: no cover
        pass
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def finite(value: Any) -> float | None:
    """A cell as a finite float, or None (missing, not a number, NaN or infinite)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def norm_setting(value: Any) -> str:
    """A setting or variant cell compared ignoring case and repeated spaces ("" if blank)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if text.lower() in ("nan", "<na>", "none"):
        return ""
    return re.sub(r"\s+", " ", text.strip()).lower()


def to_bool(value: Any) -> bool | None:
    """A true/false cell (bool, 1/0, t/f, yes/no, true/false) as a bool; None if unknown."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip().lower()
    if text in ("true", "1", "t", "yes"):
        return True
    if text in ("false", "0", "f", "no"):
        return False
    return None


def group_label(open_weights: bool) -> str:
    """``"Open weights"`` or ``"Closed"``."""
    return OPEN_LABEL if open_weights else CLOSED_LABEL
