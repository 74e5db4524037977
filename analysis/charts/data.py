"""What every chart builder shares: tables checked and copied into the chart as inline
values, captions that name the source and date, and the open/closed colour encoding.

A table becomes JSON-ready records here (:func:`records`), column by column. The
conversion is the charts' own on purpose: a cell is what Vega reads (a calendar date
as ``YYYY-MM-DD`` text, a timestamp as ISO text, a numpy scalar as a number, a missing
value as null) and an infinite number is refused with a :class:`ChartError` naming the
figure and the column; :func:`analysis.records.to_plain` converts result objects, not
table cells.
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from analysis.errors import ChartError

if TYPE_CHECKING:  # altair and pandas are imported when a chart is built
    import altair as alt
    import pandas as pd
    import polars as pl

    Table: TypeAlias = pd.DataFrame | pl.DataFrame
    """A tidy table as the builders take it: pandas or polars."""

OPEN_LABEL = "Open weights"
CLOSED_LABEL = "Closed"
GROUP_ORDER = [OPEN_LABEL, CLOSED_LABEL]
TREND_ORDER = [OPEN_LABEL, CLOSED_LABEL, "All"]


def frame(
    df: Table, required: Sequence[str], what: str, used: Sequence[str] | None = None
) -> pd.DataFrame:
    """A pandas copy of ``df`` with the required columns checked.

    ``used``: the only columns the caller reads (those present are kept, the rest are
    not copied); None keeps every column.
    """
    import pandas as pd

    if isinstance(df, pd.DataFrame):
        if used is not None:
            df = df[[c for c in df.columns if c in set(used) | set(required)]]
        data = df.copy()
    elif hasattr(df, "to_pandas"):
        data = df.to_pandas()
    else:
        raise ChartError(f"{what}: expected a pandas or polars DataFrame, got {type(df).__name__}")
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise ChartError(
            f"{what}: the table lacks column(s) {', '.join(missing)}; "
            f"expected {', '.join(required)}; it has {', '.join(map(str, data.columns))}"
        )
    if data.empty:
        raise ChartError(f"{what}: the table has no rows")
    return data.reset_index(drop=True)


def cell(value: Any, column: str, what: str) -> Any:
    """A JSON-ready scalar: dates as ISO text, missing as None; inf refused."""
    import pandas as pd

    if value is None:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        if value is pd.NaT:
            return None
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and not math.isfinite(value):
        raise ChartError(f"{what}: column {column} holds {value}; charts take finite numbers only")
    return value


def column_values(series: pd.Series, column: str, what: str) -> list[Any]:
    """One column as JSON-ready values (as :func:`cell` gives them, by whole columns
    where the type allows: numbers, booleans and text need no per-value checks)."""
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    kind = dtype.kind if isinstance(dtype, np.dtype) else None
    if kind == "f":
        numbers = series.to_numpy()
        infinite = np.isinf(numbers)
        if infinite.any():
            bad = numbers[infinite.argmax()]
            raise ChartError(
                f"{what}: column {column} holds {bad}; charts take finite numbers only"
            )
        return [None if v != v else v for v in numbers.tolist()]  # NaN -> None
    if kind is not None and kind in "iub":
        return series.tolist()  # Python ints and bools
    if isinstance(dtype, pd.StringDtype):
        return [v if isinstance(v, str) else None for v in series.tolist()]
    return [cell(v, column, what) for v in series.tolist()]


def records(data: pd.DataFrame, what: str) -> list[dict[str, Any]]:
    """Inline records of ``data`` (all columns)."""
    cols = [str(c) for c in data.columns]
    values = [column_values(data.iloc[:, i], c, what) for i, c in enumerate(cols)]
    return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)]


@functools.cache
def inline_class() -> type:
    import altair as alt

    class _InlineRows(alt.InlineData):
        """Inline rows, checked once with the whole chart by ``to_dict()`` (Altair otherwise
        validates every row on construction too, which doubles the cost of a figure).

        Copies share the rows: a builder makes them fresh and nothing changes them, while
        Altair deep-copies every layer (data included) twice when layers are combined,
        value by value, which cost more than the rest of a figure.
        """

        _class_is_valid_at_instantiation = False

        def __deepcopy__(self, memo: Any = None) -> Any:
            return type(self)(**self._kwds)

    return _InlineRows


def inline_rows(values: list[dict[str, Any]]) -> alt.InlineData:
    return inline_class()(values=values)


def inline(data: pd.DataFrame, what: str) -> alt.InlineData:
    return inline_rows(records(data, what))


def date_text(series: pd.Series) -> list[str | None]:
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series.dtype):  # the whole column at once
        return [v if isinstance(v, str) else None for v in series.dt.strftime("%Y-%m-%d")]
    return [None if pd.isna(v) else pd.Timestamp(v).date().isoformat() for v in series]


def group_labels(data: pd.DataFrame, what: str) -> pd.Series:
    """``group`` labels from a ``group`` or an ``open_weights`` column."""
    if "group" in data.columns:
        return data["group"].astype(str)
    if "open_weights" in data.columns:

        def label(v: Any) -> str:
            text = str(v).strip().lower()
            if text in ("true", "1"):
                return OPEN_LABEL
            if text in ("false", "0"):
                return CLOSED_LABEL
            raise ChartError(f"{what}: open_weights = {v!r}; expected true or false")

        return data["open_weights"].map(label)
    raise ChartError(f"{what}: the table needs a group or an open_weights column")


def caption(source: str | Sequence[str], as_of: date | str, note: str | None = None) -> list[str]:
    """Subtitle lines: "Source: …. As of YYYY-MM-DD." (+ an optional note), wrapped."""
    items = [source] if isinstance(source, str) else list(source)
    items = [str(s).strip() for s in items if s is not None and str(s).strip()]
    if not items:
        raise ChartError("source is required: name where the chart's data comes from")
    if as_of is None or str(as_of).strip() == "":
        raise ChartError("as_of is required: the date the chart's data describes")
    when = as_of.isoformat() if isinstance(as_of, date) else str(as_of)
    if isinstance(as_of, datetime):
        when = as_of.date().isoformat()
    text = f"Source: {'; '.join(items)}. As of {when}."
    lines = textwrap.wrap(text, 120)
    if note:
        lines += textwrap.wrap(note, 120)
    return lines


def chart_title(
    text: str, source: str | Sequence[str], as_of: date | str, note: str | None = None
) -> alt.TitleParams:
    import altair as alt

    return alt.TitleParams(text=text, subtitle=caption(source, as_of, note))


def layered(*charts: alt.Chart | alt.LayerChart, **kwargs: Any) -> alt.LayerChart:
    """``alt.layer(*charts, **kwargs)``, typed as the layer chart it is here.

    Altair returns a facet chart only when every layer shares a facet encoding;
    no figure of this package has one.
    """
    import altair as alt

    chart = alt.layer(*charts, **kwargs)
    if not isinstance(chart, alt.LayerChart):
        raise ChartError("layers with shared facet encodings are not used by these figures")
    return chart


def group_color(title: str = "Models", order: Sequence[str] = GROUP_ORDER) -> alt.Color:
    import altair as alt

    # A fixed domain keeps open-weight models in the palette's first colour everywhere.
    return alt.Color("group:N", title=title, scale=alt.Scale(domain=list(order)))
