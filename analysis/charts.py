"""Altair chart builders for every figure the notebooks and briefs show.

Each builder takes a tidy table (pandas or polars; the expected columns are in
its docstring), copies what it needs into the chart as inline values (so a
brief's HTML is self-contained) and returns an Altair chart. Builders have no
side effects: nothing is displayed, no renderer or data transformer is set.
Every chart says where its data comes from and as of when, in the title's
subtitle (``source=`` and ``as_of=`` are required), and has tooltips.

Theme: one theme, ``"aistrat"``, holds all the house style (fonts, colours,
sizes). It is registered and enabled by :func:`use_theme`, which notebooks and
the brief call once; builders never set colours or fonts themselves, and their
specs are valid with or without the theme. Categorical colours come from the
theme's palette in a fixed order: open-weight models first, closed second.

Text in charts is rendered by Vega as text, never as HTML, so nothing here
escapes or builds HTML.
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from analysis.errors import ChartError

if TYPE_CHECKING:  # altair and pandas are imported when a chart is built
    import altair as alt
    import pandas as pd

THEME_NAME = "aistrat"
# Encodings are channel objects (alt.X("f:Q")), never shorthand strings (x="f:Q"): Altair 6
# rebuilds its whole schema-class table for each shorthand, several ms per encoding, which
# the notebook panels pay on every slider move. The specs are the same either way.

OPEN_LABEL = "Open weights"
CLOSED_LABEL = "Closed"
GROUP_ORDER = [OPEN_LABEL, CLOSED_LABEL]
TREND_ORDER = [OPEN_LABEL, CLOSED_LABEL, "All"]

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
_PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
_FONT = "Helvetica, Arial, 'DejaVu Sans', sans-serif"


def theme() -> dict[str, Any]:
    """The house theme, as an Altair/Vega-Lite theme dict.

    Returns:
        ``{"config": {...}}`` for ``alt.theme.register``.
    """
    return {
        "config": {
            "font": _FONT,
            "background": "white",
            "padding": 8,
            "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 300},
            "title": {
                "anchor": "start",
                "fontSize": 16,
                "fontWeight": "bold",
                "subtitleFontSize": 11,
                "subtitleColor": "#555555",
                "offset": 12,
            },
            "axis": {
                "labelFontSize": 11,
                "titleFontSize": 12,
                "titleFontWeight": "normal",
                "gridColor": "#e9e9e9",
                "domainColor": "#888888",
                "tickColor": "#888888",
                "labelLimit": 260,
            },
            "legend": {
                "orient": "bottom",
                "titleFontSize": 11,
                "labelFontSize": 11,
                "titleFontWeight": "normal",
                "labelLimit": 260,
            },
            "range": {
                "category": _PALETTE,
                "ordinal": {"scheme": "blues"},
                # Light ramp: black cell labels stay readable on every shade.
                "heatmap": ["#f2f6fb", "#8fbce0"],
                "ramp": {"scheme": "blues"},
            },
            "line": {"strokeWidth": 2.2, "color": "#555555"},
            "point": {"filled": True, "size": 46},
            "circle": {"size": 46},
            "area": {"opacity": 0.22, "color": "#7f7f7f"},
            "bar": {"cornerRadiusEnd": 2, "color": "#0072B2"},
            "rule": {"color": "#444444", "strokeDash": [4, 3]},
            "text": {"fontSize": 11, "color": "#222222"},
            "rect": {"stroke": "white", "strokeWidth": 1},
        }
    }


def use_theme() -> str:
    """Register the house theme (once) and make it Altair's active theme.

    Call it once per notebook or rendering process, before charts are displayed or
    converted; charts built earlier pick it up too, since the theme is applied when a
    chart is converted to a spec.

    Returns:
        The theme's name, ``"aistrat"``.
    """
    import altair as alt

    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme)
    alt.theme.enable(THEME_NAME)
    return THEME_NAME


# --------------------------------------------------------------------------- data helpers


def _frame(
    df: Any, required: Sequence[str], what: str, used: Sequence[str] | None = None
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


def _plain(value: Any, column: str, what: str) -> Any:
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


def _column(series: pd.Series, column: str, what: str) -> list[Any]:
    """One column as JSON-ready values (as :func:`_plain` gives them, by whole columns
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
    return [_plain(v, column, what) for v in series.tolist()]


def _values(data: pd.DataFrame, what: str) -> list[dict[str, Any]]:
    """Inline records of ``data`` (all columns)."""
    cols = [str(c) for c in data.columns]
    values = [_column(data.iloc[:, i], c, what) for i, c in enumerate(cols)]
    return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)]


@functools.cache
def _inline_class() -> type:
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


def _rows(values: list[dict[str, Any]]) -> alt.InlineData:
    return _inline_class()(values=values)


def _inline(data: pd.DataFrame, what: str) -> alt.InlineData:
    return _rows(_values(data, what))


def _date_text(series: pd.Series) -> list[str | None]:
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series.dtype):  # the whole column at once
        return [v if isinstance(v, str) else None for v in series.dt.strftime("%Y-%m-%d")]
    return [None if pd.isna(v) else pd.Timestamp(v).date().isoformat() for v in series]


def _groups(data: pd.DataFrame, what: str) -> pd.Series:
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


def _caption(source: str | Sequence[str], as_of: Any, note: str | None = None) -> list[str]:
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


def _title(text: str, source: str | Sequence[str], as_of: Any, note: str | None = None) -> Any:
    import altair as alt

    return alt.TitleParams(text=text, subtitle=_caption(source, as_of, note))


def _group_color(title: str = "Models", order: Sequence[str] = GROUP_ORDER) -> Any:
    import altair as alt

    # A fixed domain keeps open-weight models in the palette's first colour everywhere.
    return alt.Color("group:N", title=title, scale=alt.Scale(domain=list(order)))


# --------------------------------------------------------------------------- gap figures


def frontier(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    title: str = "Best open-weight and closed model scores over time",
    score_title: str = "Score (%)",
    note: str | None = None,
) -> alt.LayerChart:
    """Frontier lines of open-weight and closed models with the gap between them shaded.

    Args:
        df: one row per model: ``release_date`` (date), ``model`` (text), ``group``
            ("Open weights"/"Closed") or ``open_weights`` (bool), ``score`` (number);
            optional ``frontier_score`` (running best of the group; computed when absent),
            ``on_frontier`` (bool), ``setting``. :func:`analysis.gap.frontier` returns this.
        source: where the scores come from (e.g. "Epoch AI Benchmarking Hub").
        as_of: the date the data describes; the frontier lines run to it.
        title: chart title.
        score_title: y-axis title (name the benchmark and unit).
        note: an extra caption line (e.g. which settings).

    Returns:
        A layer chart: shaded gap band, step lines (frontiers), points (every model).

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt
    import numpy as np
    import pandas as pd

    what = "frontier chart"
    used = ["group", "open_weights", "frontier_score", "on_frontier", "setting"]
    data = _frame(df, ["release_date", "model", "score"], what, used)
    data["group"] = _groups(data, what)
    data["release_date"] = pd.to_datetime(data["release_date"])
    data = data.sort_values(["release_date", "score"], ascending=[True, False], ignore_index=True)
    if "frontier_score" not in data.columns:
        data["frontier_score"] = data.groupby("group")["score"].cummax()
    if "on_frontier" not in data.columns:
        prev = data.groupby("group")["frontier_score"].shift(1)
        data["on_frontier"] = prev.isna() | (data["score"] > prev)
    data["on_frontier"] = data["on_frontier"].astype(bool)
    data["date_text"] = _date_text(data["release_date"])
    data["status"] = data["on_frontier"].map(
        {True: "raised its side's best", False: "below its side's best"}
    )
    if "setting" not in data.columns:
        data["setting"] = None

    # Step lines: the frontier value at every date either side changed, run to as_of.
    try:
        end = pd.Timestamp(str(as_of))
    except ValueError:  # a caption such as "latest": the lines stop at the last model
        end = data["release_date"].max()
    dates = sorted(
        set(data["release_date"]) | ({end} if end >= data["release_date"].max() else set())
    )
    wide = (
        data.groupby(["release_date", "group"])["frontier_score"]
        .max()
        .unstack("group")
        .reindex(dates)
        .ffill()
    )
    # Long form (one row per date and group with a value, group by group) and the band
    # (dates where both sides have a value), cut from the columns of ``wide`` directly.
    present = {str(g): wide[g].notna().to_numpy() for g in wide.columns}
    steps = pd.DataFrame(
        {
            "date": np.concatenate([wide.index[present[str(g)]] for g in wide.columns]),
            "group": [str(g) for g in wide.columns for _ in range(int(present[str(g)].sum()))],
            "best": np.concatenate([wide[g].to_numpy()[present[str(g)]] for g in wide.columns]),
        }
    )
    steps["date"] = pd.to_datetime(steps["date"])
    steps["date_text"] = _date_text(steps["date"])
    if OPEN_LABEL in present and CLOSED_LABEL in present:
        both = present[OPEN_LABEL] & present[CLOSED_LABEL]
        open_best = wide[OPEN_LABEL].to_numpy()[both]
        closed_best = wide[CLOSED_LABEL].to_numpy()[both]
        band = pd.DataFrame({"date": wide.index[both]})
        band["date_text"] = _date_text(band["date"])
        band["open_best"], band["closed_best"] = open_best, closed_best
        band["gap_points"] = closed_best - open_best
    else:
        band = pd.DataFrame()

    x = alt.X("release_date:T", title="Release date", scale=alt.Scale(type="utc"))
    y_title = alt.Y("score:Q", title=score_title, scale=alt.Scale(zero=False))
    color = _group_color()
    layers = []
    if not band.empty:
        layers.append(
            alt.Chart(_inline(band, what))
            .mark_area(interpolate="step-after")
            .encode(
                x=alt.X("date:T", scale=alt.Scale(type="utc")),
                y=alt.Y("open_best:Q"),
                y2=alt.Y2("closed_best:Q"),
                tooltip=[
                    alt.Tooltip("date_text:N", title="From"),
                    alt.Tooltip("closed_best:Q", title="Best closed", format=".1f"),
                    alt.Tooltip("open_best:Q", title="Best open", format=".1f"),
                    alt.Tooltip("gap_points:Q", title="Gap (points)", format=".1f"),
                ],
            )
        )
    layers.append(
        alt.Chart(_inline(steps, what))
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("date:T", scale=alt.Scale(type="utc")),
            y=alt.Y("best:Q"),
            color=color,
            tooltip=[
                alt.Tooltip("group:N", title="Models"),
                alt.Tooltip("date_text:N", title="Date"),
                alt.Tooltip("best:Q", title="Best score so far", format=".1f"),
            ],
        )
    )
    keep = [
        "release_date",
        "date_text",
        "model",
        "group",
        "score",
        "on_frontier",
        "status",
        "setting",
    ]
    layers.append(
        alt.Chart(_inline(data[keep], what))
        .mark_point()
        .encode(
            x=x,
            y=y_title,
            color=color,
            opacity=alt.Opacity(
                "on_frontier:N",
                scale=alt.Scale(domain=[True, False], range=[1.0, 0.35]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("model:N", title="Model"),
                alt.Tooltip("group:N", title="Models"),
                alt.Tooltip("date_text:N", title="Released"),
                alt.Tooltip("score:Q", title="Score", format=".1f"),
                alt.Tooltip("status:N", title="Frontier"),
                alt.Tooltip("setting:N", title="Setting"),
            ],
        )
    )
    return alt.layer(*layers, title=_title(title, source, as_of, note))


def lag_bars(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    title: str = "How many months open-weight models trail closed ones",
    note: str | None = None,
) -> alt.LayerChart:
    """Bars of the average lag per benchmark (or per claim), labelled in months.

    Args:
        df: one row per bar: ``benchmark`` (label), ``lag_months`` (number; rows with no
            figure are listed in the caption instead); optional ``best_open``,
            ``best_closed``, ``detail`` for the tooltip. :func:`analysis.gap.lag_by_benchmark`
            returns this.
        source: where the scores come from.
        as_of: the date the data describes.
        title: chart title.
        note: an extra caption line.

    Returns:
        A layer chart: horizontal bars, value labels and a zero line.

    Raises:
        ChartError: a column is missing, a value is not finite, or no row has a figure.
    """
    import altair as alt

    what = "lag bars"
    data = _frame(df, ["benchmark", "lag_months"], what)
    missing = data[data["lag_months"].isna()]["benchmark"].astype(str).tolist()
    data = data[data["lag_months"].notna()].copy()
    if data.empty:
        raise ChartError(f"{what}: no row has a lag_months figure")
    data["lag_months"] = data["lag_months"].astype(float)
    data["label"] = [f"{v:.1f} mo" for v in data["lag_months"]]
    for col in ("best_open", "best_closed", "detail"):
        if col not in data.columns:
            data[col] = None
    data = data[["benchmark", "lag_months", "label", "best_open", "best_closed", "detail"]]
    if missing:
        extra = "No lag measurable for: " + ", ".join(missing) + "."
        note = f"{note} {extra}" if note else extra
    y = alt.Y("benchmark:N", title=None, sort="-x")
    tooltip = [
        alt.Tooltip("benchmark:N", title="Benchmark"),
        alt.Tooltip("lag_months:Q", title="Lag (months)", format=".1f"),
        alt.Tooltip("best_open:N", title="Best open model"),
        alt.Tooltip("best_closed:N", title="Best closed model"),
        alt.Tooltip("detail:N", title="Detail"),
    ]
    base = alt.Chart(_inline(data, what))
    bars = base.mark_bar().encode(
        x=alt.X("lag_months:Q", title="Months behind the closed frontier (average)"),
        y=y,
        tooltip=tooltip,
    )
    labels = base.mark_text(align="left", dx=4).encode(
        x=alt.X("lag_months:Q"), y=y, text=alt.Text("label:N"), tooltip=tooltip
    )
    zero = alt.Chart(_rows([{"x": 0}])).mark_rule().encode(x=alt.X("x:Q"))
    return alt.layer(bars, labels, zero, title=_title(title, source, as_of, note))


def quality_price(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    title: str = "Quality against price, with the best-value frontier",
    score_title: str = "Score (%)",
    note: str | None = None,
) -> alt.LayerChart:
    """Scatter of score against blended price, coloured open/closed, with the Pareto frontier.

    Args:
        df: one row per model: ``model``, ``group`` or ``open_weights``, ``score``,
            ``blended_usd_per_mtok`` (USD per 1M tokens, 3:1 input:output, > 0);
            optional ``on_frontier`` (bool; computed when absent), ``price_basis``.
            :func:`analysis.gap.quality_price_table` returns this.
        source: where the scores and prices come from.
        as_of: the price date.
        title: chart title.
        score_title: y-axis title.
        note: an extra caption line.

    Returns:
        A layer chart: frontier line, points, frontier model labels; log price axis.

    Raises:
        ChartError: a column is missing, a price is not positive, or a value is not finite.
    """
    import altair as alt

    what = "quality-price chart"
    data = _frame(df, ["model", "score", "blended_usd_per_mtok"], what)
    data["group"] = _groups(data, what)
    data["blended_usd_per_mtok"] = data["blended_usd_per_mtok"].astype(float)
    if (data["blended_usd_per_mtok"] <= 0).any():
        bad = data.loc[data["blended_usd_per_mtok"] <= 0, "model"].tolist()
        raise ChartError(f"{what}: blended_usd_per_mtok must be > 0 for a log axis; see {bad}")
    if "on_frontier" not in data.columns:
        from analysis.gap import pareto_frontier

        data["on_frontier"] = pareto_frontier(data)
    data["on_frontier"] = data["on_frontier"].astype(bool)
    if "price_basis" not in data.columns:
        data["price_basis"] = None
    data = data[["model", "group", "score", "blended_usd_per_mtok", "on_frontier", "price_basis"]]
    front = data[data["on_frontier"]].sort_values("blended_usd_per_mtok")
    x = alt.X(
        "blended_usd_per_mtok:Q",
        title="Price, USD per million tokens (3 input : 1 output, log scale)",
        scale=alt.Scale(type="log"),
    )
    y = alt.Y("score:Q", title=score_title, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("model:N", title="Model"),
        alt.Tooltip("group:N", title="Models"),
        alt.Tooltip("score:Q", title="Score", format=".1f"),
        alt.Tooltip("blended_usd_per_mtok:Q", title="USD / 1M tokens", format="$,.3f"),
        alt.Tooltip("price_basis:N", title="Price basis"),
        alt.Tooltip("on_frontier:N", title="Best value"),
    ]
    line = (
        alt.Chart(_inline(front, what))
        .mark_line()
        .encode(x=x, y=y, order=alt.Order("blended_usd_per_mtok:Q"), tooltip=tooltip)
    )
    points = (
        alt.Chart(_inline(data, what))
        .mark_point()
        .encode(x=x, y=y, color=_group_color(), tooltip=tooltip)
    )
    labels = (
        alt.Chart(_inline(front, what))
        .mark_text(align="left", dx=6, dy=-6)
        .encode(x=x, y=y, text=alt.Text("model:N"), tooltip=tooltip)
    )
    return alt.layer(line, points, labels, title=_title(title, source, as_of, note))


def price_trend(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    title: str = "Cheapest price of a capability level over time",
    note: str | None = None,
) -> alt.LayerChart:
    """Step lines of the cheapest blended price at which a capability level was on offer.

    Args:
        df: a step series: ``group`` ("All", "Open weights", "Closed"), ``date``,
            ``usd_per_mtok`` (> 0), ``model``; optional ``provider``, ``score``.
            :func:`analysis.gap.cheapest_over_time` returns this.
        source: where prices and scores come from.
        as_of: end of the series.
        title: chart title (name the capability level, e.g. "GPQA-Diamond >= 70%").
        note: an extra caption line.

    Returns:
        A layer chart: step lines and points at each change; log price axis.

    Raises:
        ChartError: a column is missing or a price is not positive.
    """
    import altair as alt
    import pandas as pd

    what = "price trend"
    data = _frame(df, ["group", "date", "usd_per_mtok", "model"], what)
    data["date"] = pd.to_datetime(data["date"])
    data["usd_per_mtok"] = data["usd_per_mtok"].astype(float)
    if (data["usd_per_mtok"] <= 0).any():
        raise ChartError(f"{what}: usd_per_mtok must be > 0 for a log axis")
    for col in ("provider", "score"):
        if col not in data.columns:
            data[col] = None
    data["date_text"] = _date_text(data["date"])
    data = data[["group", "date", "date_text", "usd_per_mtok", "model", "provider", "score"]]
    order = [g for g in TREND_ORDER if g in set(data["group"])] or sorted(set(data["group"]))
    x = alt.X("date:T", title="Date", scale=alt.Scale(type="utc"))
    y = alt.Y(
        "usd_per_mtok:Q",
        title="Cheapest price, USD per million tokens (log)",
        scale=alt.Scale(type="log"),
    )
    color = alt.Color("group:N", title="Models", scale=alt.Scale(domain=order))
    tooltip = [
        alt.Tooltip("group:N", title="Models"),
        alt.Tooltip("date_text:N", title="From"),
        alt.Tooltip("usd_per_mtok:Q", title="USD / 1M tokens", format="$,.3f"),
        alt.Tooltip("model:N", title="Model"),
        alt.Tooltip("provider:N", title="Provider"),
        alt.Tooltip("score:Q", title="Score", format=".1f"),
    ]
    base = alt.Chart(_inline(data, what))
    lines = base.mark_line(interpolate="step-after").encode(x=x, y=y, color=color, tooltip=tooltip)
    points = base.mark_point().encode(x=x, y=y, color=color, tooltip=tooltip)
    return alt.layer(lines, points, title=_title(title, source, as_of, note))


def arena_gap(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    title: str = "Arena: rating points between the best closed and best open model, each month",
    note: str | None = "Ratings compared within each month only; the scale drifts between months.",
) -> alt.Chart:
    """Bars of the within-month Arena rating gap.

    Args:
        df: one row per snapshot: ``snapshot_date``, ``gap_points`` (best closed - best open
            rating); optional ``best_open_model``, ``best_closed_model``,
            ``best_open_rating``, ``best_closed_rating``, ``open_win_share``.
            :func:`analysis.gap.arena_monthly_gap` returns this.
        source: the leaderboard snapshots.
        as_of: the last snapshot date.
        title: chart title.
        note: an extra caption line.

    Returns:
        A bar chart.

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt
    import pandas as pd

    what = "arena gap"
    data = _frame(df, ["snapshot_date", "gap_points"], what)
    data["snapshot_date"] = pd.to_datetime(data["snapshot_date"])
    data["date_text"] = _date_text(data["snapshot_date"])
    optional = [
        "best_open_model",
        "best_open_rating",
        "best_closed_model",
        "best_closed_rating",
        "open_win_share",
    ]
    for col in optional:
        if col not in data.columns:
            data[col] = None
    data = data[["snapshot_date", "date_text", "gap_points", *optional]]
    return (
        alt.Chart(_inline(data, what), title=_title(title, source, as_of, note))
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(snapshot_date):O", title="Month"),
            y=alt.Y("gap_points:Q", title="Rating points the best closed model leads by"),
            tooltip=[
                alt.Tooltip("date_text:N", title="Snapshot"),
                alt.Tooltip("gap_points:Q", title="Gap (points)", format=".0f"),
                alt.Tooltip("best_closed_model:N", title="Best closed"),
                alt.Tooltip("best_closed_rating:Q", title="Its rating", format=".0f"),
                alt.Tooltip("best_open_model:N", title="Best open"),
                alt.Tooltip("best_open_rating:Q", title="Its rating", format=".0f"),
                alt.Tooltip("open_win_share:Q", title="Open wins (expected)", format=".0%"),
            ],
        )
    )


# --------------------------------------------------------------------------- cost figures


def tco_comparison(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    title: str = "Monthly cost of each option, by component",
    note: str | None = None,
) -> alt.LayerChart:
    """Stacked bars of monthly cost per option, split by cost component, with totals.

    Args:
        df: one row per (option, component): ``option`` (e.g. "API: GPT-4o",
            "Self-host: Llama 3.1 70B on 2×H100"), ``component`` (e.g. "GPU rental",
            "Tokens", "Staff"), ``monthly_usd`` (USD per month, >= 0).
        source: where the prices and assumptions come from.
        as_of: the price date.
        title: chart title.
        note: an extra caption line (e.g. the workload).

    Returns:
        A layer chart: stacked horizontal bars and a total label per option.

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt

    what = "TCO comparison"
    data = _frame(df, ["option", "component", "monthly_usd"], what)
    data["monthly_usd"] = data["monthly_usd"].astype(float)
    data = data[["option", "component", "monthly_usd"]]
    totals = data.groupby("option", as_index=False, sort=False)["monthly_usd"].sum()
    totals["label"] = [f"${v:,.0f}" for v in totals["monthly_usd"]]
    order = totals.sort_values("monthly_usd")["option"].tolist()
    y = alt.Y("option:N", title=None, sort=order)
    x = alt.X("monthly_usd:Q", title="Cost per month (USD)", axis=alt.Axis(format="$,.0f"))
    bars = (
        alt.Chart(_inline(data, what))
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color("component:N", title="Cost component"),
            order=alt.Order("component:N"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("component:N", title="Component"),
                alt.Tooltip("monthly_usd:Q", title="USD / month", format="$,.0f"),
            ],
        )
    )
    labels = (
        alt.Chart(_inline(totals, what))
        .mark_text(align="left", dx=4)
        .encode(
            x=alt.X("monthly_usd:Q"),
            y=y,
            text=alt.Text("label:N"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("monthly_usd:Q", title="Total USD / month", format="$,.0f"),
            ],
        )
    )
    return alt.layer(bars, labels, title=_title(title, source, as_of, note))


def break_even_curve(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    break_even: float | None = None,
    title: str = "Monthly cost as volume grows",
    x_title: str = "Requests per month",
    note: str | None = None,
) -> alt.LayerChart:
    """Cost-versus-volume lines per option, with the break-even volume marked.

    Args:
        df: one row per (requests_per_month, option): ``requests_per_month`` (> 0),
            ``option``, ``monthly_usd`` (USD per month).
        source: where the prices and assumptions come from.
        as_of: the price date.
        break_even: requests per month at which the options cost the same (computed by the
            caller); None draws no marker.
        title: chart title.
        x_title: x-axis title (say the unit of volume).
        note: an extra caption line.

    Returns:
        A layer chart: one line per option, and a labelled rule at ``break_even``.

    Raises:
        ChartError: a column is missing, a value is not finite, or ``break_even`` is not
            a positive number.
    """
    import altair as alt

    what = "break-even curve"
    data = _frame(df, ["requests_per_month", "option", "monthly_usd"], what)
    data = data[["requests_per_month", "option", "monthly_usd"]]
    x = alt.X("requests_per_month:Q", title=x_title, axis=alt.Axis(format="~s"))
    y = alt.Y("monthly_usd:Q", title="Cost per month (USD)", axis=alt.Axis(format="$,.0f"))
    tooltip = [
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("requests_per_month:Q", title="Requests / month", format=",.0f"),
        alt.Tooltip("monthly_usd:Q", title="USD / month", format="$,.0f"),
    ]
    base = alt.Chart(_inline(data, what))
    layers = [
        base.mark_line().encode(
            x=x, y=y, color=alt.Color("option:N", title="Option"), tooltip=tooltip
        )
    ]
    if break_even is not None:
        value = float(break_even)
        if not math.isfinite(value) or value <= 0:
            raise ChartError(f"{what}: break_even = {break_even!r}; expected a positive number")
        mark = _rows([{"x": value, "label": f"Break-even ≈ {value:,.0f} / month"}])
        tip = [alt.Tooltip("x:Q", title="Break-even (requests / month)", format=",.0f")]
        layers.append(alt.Chart(mark).mark_rule().encode(x=alt.X("x:Q"), tooltip=tip))
        layers.append(
            alt.Chart(mark)
            .mark_text(align="left", dx=4, baseline="top")
            .encode(x=alt.X("x:Q"), y=alt.value(4), text=alt.Text("label:N"), tooltip=tip)
        )
    return alt.layer(*layers, title=_title(title, source, as_of, note))


def tornado(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    base: float | None = None,
    title: str = "What moves the result most",
    x_title: str = "Monthly cost (USD)",
    value_format: str = "$,.0f",
    note: str | None = None,
) -> alt.LayerChart:
    """Tornado chart: the result at each parameter's low and high value around the base case.

    Args:
        df: one row per parameter: ``parameter``, ``low_result``, ``high_result`` (the
            result with the parameter at its low/high value, others at base); ``base``
            (the base-case result, same on every row) unless passed as ``base=``; optional
            ``low_label``, ``high_label`` (the parameter values, for tooltips).
        source: where the assumptions come from.
        as_of: the price date.
        base: the base-case result (overrides the column).
        title: chart title.
        x_title: axis title (name the result and its unit).
        value_format: d3 format of the result.
        note: an extra caption line.

    Returns:
        A layer chart: bars from the base to each end, widest swing on top, and a base rule.

    Raises:
        ChartError: a column is missing, no base is given, or a value is not finite.
    """
    import altair as alt
    import pandas as pd

    what = "tornado"
    data = _frame(df, ["parameter", "low_result", "high_result"], what)
    if base is None:
        if "base" not in data.columns or data["base"].isna().all():
            raise ChartError(f"{what}: give the base-case result as base= or a base column")
        base = float(data["base"].dropna().iloc[0])
    base = float(base)
    for col in ("low_label", "high_label"):
        if col not in data.columns:
            data[col] = None
    data["swing"] = (data["high_result"].astype(float) - data["low_result"].astype(float)).abs()
    order = data.sort_values("swing", ascending=False)["parameter"].astype(str).tolist()
    cases = ["Parameter at its low value", "Parameter at its high value"]
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "parameter": data["parameter"].astype(str),
                    "case": case,
                    "result": data[f"{key}_result"].astype(float),
                    "input": data[f"{key}_label"].map(lambda v: None if pd.isna(v) else str(v)),
                    "base": base,
                    "change": data[f"{key}_result"].astype(float) - base,
                    "swing": data["swing"],
                }
            )
            for key, case in zip(("low", "high"), cases, strict=True)
        ],
        ignore_index=True,
    )
    y = alt.Y("parameter:N", title=None, sort=order)
    bars = (
        alt.Chart(_inline(long, what))
        .mark_bar()
        .encode(
            x=alt.X(
                "result:Q",
                title=x_title,
                axis=alt.Axis(format=value_format),
                scale=alt.Scale(zero=False),
            ),
            x2=alt.X2("base:Q"),
            y=y,
            color=alt.Color("case:N", title=None, sort=cases),
            tooltip=[
                alt.Tooltip("parameter:N", title="Parameter"),
                alt.Tooltip("case:N", title="Case"),
                alt.Tooltip("input:N", title="Parameter value"),
                alt.Tooltip("result:Q", title="Result", format=value_format),
                alt.Tooltip("change:Q", title="Change from base", format=value_format),
            ],
        )
    )
    rule = (
        alt.Chart(_rows([{"base": base}]))
        .mark_rule()
        .encode(
            x=alt.X("base:Q"),
            tooltip=[alt.Tooltip("base:Q", title="Base case", format=value_format)],
        )
    )
    return alt.layer(bars, rule, title=_title(title, source, as_of, note))


def monte_carlo(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    value: str = "monthly_usd",
    bins: int = 40,
    title: str = "Range of likely monthly costs (simulation)",
    x_title: str = "Monthly cost (USD)",
    value_format: str = "$,.0f",
    note: str | None = None,
) -> alt.LayerChart:
    """Distribution of simulated results per option, with the median and 90 % range marked.

    The draws are binned here (shared bins across options), so only the histogram is
    embedded, however many draws there are.

    Args:
        df: one row per draw: ``option``, and the value column (default ``monthly_usd``).
        source: where the assumptions come from.
        as_of: the price date.
        value: the column holding the draws.
        bins: number of bins (>= 5).
        title: chart title.
        x_title: axis title (name the result and its unit).
        value_format: d3 format of the value.
        note: an extra caption line (e.g. number of draws, seed).

    Returns:
        A layer chart: step areas (share of draws per bin) and rules at each option's median,
        with p5/p50/p95 in the tooltip.

    Raises:
        ChartError: a column is missing, a draw is not finite, or ``bins`` < 5.
    """
    import altair as alt
    import numpy as np
    import pandas as pd

    what = "Monte Carlo distribution"
    if int(bins) < 5:
        raise ChartError(f"{what}: bins = {bins!r}; use at least 5")
    data = _frame(df, ["option", value], what)
    draws = data[value].astype(float).to_numpy()
    if not np.isfinite(draws).all():
        raise ChartError(f"{what}: column {value} holds non-finite draws")
    lo, hi = float(draws.min()), float(draws.max())
    if hi == lo:
        hi = lo + max(abs(lo) * 1e-6, 1e-9)
    edges = np.linspace(lo, hi, int(bins) + 1)
    hist, stats = [], []
    for option, part in data.groupby("option", sort=False):
        v = part[value].astype(float).to_numpy()
        counts, _ = np.histogram(v, bins=edges)
        share = counts / len(v)
        for i, c in enumerate(counts):
            hist.append(
                {
                    "option": str(option),
                    "bin_start": float(edges[i]),
                    "bin_end": float(edges[i + 1]),
                    "share": float(share[i]),
                    "draws": int(c),
                }
            )
        p5, p50, p95 = (float(q) for q in np.percentile(v, [5, 50, 95]))
        stats.append({"option": str(option), "p5": p5, "p50": p50, "p95": p95, "draws": len(v)})
    hist_df, stats_df = pd.DataFrame(hist), pd.DataFrame(stats)
    color = alt.Color("option:N", title="Option")
    areas = (
        alt.Chart(_inline(hist_df, what))
        .mark_area(interpolate="step-after", line=True)
        .encode(
            x=alt.X("bin_start:Q", title=x_title, axis=alt.Axis(format=value_format)),
            y=alt.Y(
                "share:Q",
                title="Share of simulated outcomes",
                axis=alt.Axis(format="%"),
                stack=None,
            ),
            color=color,
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("bin_start:Q", title="From", format=value_format),
                alt.Tooltip("bin_end:Q", title="To", format=value_format),
                alt.Tooltip("share:Q", title="Share of outcomes", format=".1%"),
            ],
        )
    )
    tip = [
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("p5:Q", title="5th percentile", format=value_format),
        alt.Tooltip("p50:Q", title="Median", format=value_format),
        alt.Tooltip("p95:Q", title="95th percentile", format=value_format),
        alt.Tooltip("draws:Q", title="Draws", format=",d"),
    ]
    medians = (
        alt.Chart(_inline(stats_df, what))
        .mark_rule()
        .encode(x=alt.X("p50:Q"), color=color, tooltip=tip)
    )
    return alt.layer(areas, medians, title=_title(title, source, as_of, note))


def hybrid_split(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    title: str = "Which option serves each kind of task",
    note: str | None = None,
) -> alt.Chart:
    """Stacked bars of each task class's traffic share by serving option, cost in tooltips.

    Args:
        df: one row per (task_class, option): ``task_class`` (e.g. "Summaries"),
            ``option`` (e.g. "Self-hosted open model", "Closed API"), ``share`` (fraction
            of the task class's requests, 0-1), ``monthly_usd`` (USD per month).
        source: where the routing rules and prices come from.
        as_of: the price date.
        title: chart title.
        note: an extra caption line.

    Returns:
        A bar chart.

    Raises:
        ChartError: a column is missing, a value is not finite, or a share is outside 0-1.
    """
    import altair as alt

    what = "hybrid split"
    data = _frame(df, ["task_class", "option", "share", "monthly_usd"], what)
    data = data[["task_class", "option", "share", "monthly_usd"]]
    share = data["share"].astype(float)
    if ((share < 0) | (share > 1)).any():
        raise ChartError(f"{what}: share must be a fraction between 0 and 1")
    return (
        alt.Chart(_inline(data, what), title=_title(title, source, as_of, note))
        .mark_bar()
        .encode(
            x=alt.X(
                "share:Q",
                title="Share of the task's requests",
                axis=alt.Axis(format="%"),
                stack="zero",
            ),
            y=alt.Y("task_class:N", title=None),
            color=alt.Color("option:N", title="Served by"),
            order=alt.Order("option:N"),
            tooltip=[
                alt.Tooltip("task_class:N", title="Task"),
                alt.Tooltip("option:N", title="Served by"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
                alt.Tooltip("monthly_usd:Q", title="USD / month", format="$,.0f"),
            ],
        )
    )


def hybrid_pareto(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    title: str = "Cost against quality: every cheapest routing as the floor varies",
    x_title: str = "Cost per month (USD)",
    score_title: str = "Traffic-weighted score (points)",
    note: str | None = None,
) -> alt.LayerChart:
    """Cost against quality of hybrid routings: the Pareto frontier, the current one marked.

    Args:
        df: one row per routing: ``monthly_usd`` (blended cost, USD per month),
            ``quality`` (traffic-weighted score, points: Σ share × score), ``current``
            (bool: the routing at the quality floor shown; the other rows are the
            frontier's cheapest routings); optional ``routing`` (text, e.g.
            "Chat → Open model; Code → Closed API"), ``floor`` (the floor factor that gives
            the routing, a ratio: 1 = each class's required score as stated).
            :func:`analysis.routing.pareto_frontier` and :func:`analysis.routing.route`
            give the figures.
        source: where the scores, prices and task classes come from.
        as_of: the price and score date.
        title: chart title.
        x_title: x-axis title (the cost and its unit).
        score_title: y-axis title (the quality measure and its unit).
        note: an extra caption line.

    Returns:
        A layer chart: the frontier as a line through its routings (cheapest first) and
        the current routing as a larger point with a legend entry.

    Raises:
        ChartError: a column is missing, a value is not finite, or ``current`` is not
            true or false.
    """
    import altair as alt

    what = "hybrid Pareto chart"
    data = _frame(df, ["monthly_usd", "quality", "current"], what, ["routing", "floor"])
    for col in ("routing", "floor"):
        if col not in data.columns:
            data[col] = None
    data["monthly_usd"] = data["monthly_usd"].astype(float)
    data["quality"] = data["quality"].astype(float)
    data["current"] = [_flag(v, "current", what) for v in data["current"]]
    data["kind"] = ["At this floor" if c else "On the frontier" for c in data["current"]]
    data = data[["monthly_usd", "quality", "kind", "floor", "routing", "current"]]
    x = alt.X(
        "monthly_usd:Q",
        title=x_title,
        axis=alt.Axis(format="$,.0f"),
        scale=alt.Scale(zero=False),
    )
    y = alt.Y("quality:Q", title=score_title, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("kind:N", title="Routing"),
        alt.Tooltip("monthly_usd:Q", title="USD / month", format="$,.0f"),
        alt.Tooltip("quality:Q", title="Quality (points)", format=".1f"),
        alt.Tooltip("floor:Q", title="Floor factor", format=".0%"),
        alt.Tooltip("routing:N", title="Classes → options"),
    ]
    front = data[~data["current"]].sort_values("monthly_usd", kind="stable")
    here = data[data["current"]]
    layers = []
    if not front.empty:
        layers.append(
            alt.Chart(_inline(front, what))
            .mark_line(point=True)
            .encode(x=x, y=y, order=alt.Order("monthly_usd:Q"), tooltip=tooltip)
        )
    if not here.empty:
        layers.append(
            alt.Chart(_inline(here, what))
            .mark_point(size=160, shape="diamond", filled=True)
            .encode(x=x, y=y, color=alt.Color("kind:N", title=None), tooltip=tooltip)
        )
    return alt.layer(*layers, title=_title(title, source, as_of, note))


def _flag(value: Any, column: str, what: str) -> bool:
    """A true/false cell (bool, 0/1 or the words), else a :class:`ChartError`."""
    text = str(value).strip().lower()
    if text in ("true", "1", "1.0"):
        return True
    if text in ("false", "0", "0.0"):
        return False
    raise ChartError(f"{what}: {column} = {value!r}; expected true or false")


def scorecard(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    title: str = "Scorecard: how each option rates on what matters",
    total: bool = True,
    note: str | None = None,
) -> alt.LayerChart:
    """Grid of factor scores per option, with the weighted total as the last row.

    weighted total (per option) = Σ(score × weight) / Σ(weight), on the scores' scale.

    Options are the columns, in alphabetical order; long option names are wrapped onto
    up to three lines of the column header (the full name is in every cell's tooltip).

    Args:
        df: one row per (factor, option): ``factor``, ``option``, ``score`` (e.g. 1-5),
            ``weight`` (the factor's weight, >= 0; same for every option).
        source: where the scores come from (e.g. "team workshop, 2026-03").
        as_of: the date the scores describe.
        title: chart title.
        total: add the weighted-total row.
        note: an extra caption line.

    Returns:
        A layer chart: shaded cells and their values.

    Raises:
        ChartError: a column is missing, a value is not finite, or the weights sum to 0.
    """
    import altair as alt
    import pandas as pd

    what = "scorecard"
    data = _frame(df, ["factor", "option", "score", "weight"], what)
    data = data[["factor", "option", "score", "weight"]].copy()
    data["score"] = data["score"].astype(float)
    data["weight"] = data["weight"].astype(float)
    weights = data.groupby("factor", sort=False)["weight"].first()
    if (weights < 0).any() or weights.sum() <= 0:
        raise ChartError(f"{what}: weights must be >= 0 and not all 0")
    share = weights / weights.sum()
    data["row"] = [f"{f} (weight {share[f]:.0%})" for f in data["factor"]]
    rows = [f"{f} (weight {share[f]:.0%})" for f in weights.index]
    if total:
        w = data.assign(ws=data["score"] * data["weight"])
        agg = w.groupby("option", sort=False)[["ws", "weight"]].sum()
        tot = pd.DataFrame(
            {
                "factor": "Weighted total",
                "option": agg.index,
                "score": (agg["ws"] / agg["weight"]).to_numpy(),
                "weight": agg["weight"].to_numpy(),
                "row": "Weighted total",
            }
        )
        data = pd.concat([data, tot], ignore_index=True)
        rows.append("Weighted total")
    data["label"] = [f"{v:.1f}" for v in data["score"]]
    # Column headers: each option's name wrapped onto lines ("\n" in the data, split into
    # lines by the axis), so long names stay inside their own column. Vega stacks a label's
    # lines downwards from where a one-line label would sit, so every header gets as many
    # lines (blank ones first) and the labels are lifted by the extra lines' height: the
    # last lines line up just above the grid.
    names = sorted({str(o) for o in data["option"]})
    wrapped = {n: _wrap(n, _HEADER_CHARS, _HEADER_LINES) for n in names}
    depth = max(w.count("\n") for w in wrapped.values())
    headers = {n: "\n" * (depth - w.count("\n")) + w for n, w in wrapped.items()}
    seen: dict[str, int] = {}
    for n in names:  # two names shortened alike keep two columns (zero-width spaces differ)
        seen[headers[n]] = seen.get(headers[n], 0) + 1
        headers[n] += "\u200b" * (seen[headers[n]] - 1)
    data["header"] = [headers[str(o)] for o in data["option"]]
    x = alt.X(
        "header:N",
        title=None,
        sort=[headers[n] for n in names],
        axis=alt.Axis(
            orient="top",
            labelAngle=0,
            labelExpr="split(datum.label, '\\n')",
            labelLimit=_HEADER_STEP - 8,
            labelLineHeight=_HEADER_LINE_PX,
            labelPadding=4 + depth * _HEADER_LINE_PX,
        ),
    )
    y = alt.Y("row:N", title=None, sort=rows)
    tooltip = [
        alt.Tooltip("factor:N", title="Factor"),
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("score:Q", title="Score", format=".2f"),
        alt.Tooltip("weight:Q", title="Weight", format=".2f"),
    ]
    base = alt.Chart(_inline(data, what))
    cells = base.mark_rect().encode(
        x=x, y=y, color=alt.Color("score:Q", title="Score", legend=None), tooltip=tooltip
    )
    text = base.mark_text().encode(x=x, y=y, text=alt.Text("label:N"), tooltip=tooltip)
    # One column per option, wide enough for a header line.
    return alt.layer(
        cells, text, width=alt.Step(_HEADER_STEP), title=_title(title, source, as_of, note)
    )


_HEADER_STEP = 150  # px per scorecard column
_HEADER_CHARS = 22  # characters per header line (11 px labels: about 6 px a character)
_HEADER_LINES = 3
_HEADER_LINE_PX = 14  # header line height (px)


def _wrap(text: str, width: int, lines: int) -> str:
    """``text`` broken at spaces into lines of about ``width`` characters, joined by
    newlines; past ``lines`` lines the last one ends with "…"."""
    parts = textwrap.wrap(text, width, break_long_words=False) or [text]
    if len(parts) > lines:
        parts = [
            *parts[: lines - 1],
            textwrap.shorten(" ".join(parts[lines - 1 :]), width, placeholder="…"),
        ]
    return "\n".join(parts)


# --------------------------------------------------------------------------- probe figures


def probe_latency(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    unit: str = "ms",
    title: str = "Response time as concurrent users grow",
    note: str | None = None,
) -> alt.LayerChart:
    """Latency percentiles (p50, p90, p99) against concurrency, one colour per metric.

    Args:
        df: one row per (concurrency, metric): ``concurrency`` (simultaneous requests),
            ``metric`` (e.g. "Time to first token", "Total response time"), ``p50``,
            ``p90``, ``p99`` (latency in ``unit``).
        source: the probed server and model.
        as_of: the probe date.
        unit: latency unit shown on the axis.
        title: chart title.
        note: an extra caption line.

    Returns:
        A layer chart: lines (dash = percentile) and points.

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt

    what = "probe latency"
    data = _frame(df, ["concurrency", "metric", "p50", "p90", "p99"], what)
    data = data[["concurrency", "metric", "p50", "p90", "p99"]]
    long = data.melt(id_vars=["concurrency", "metric"], var_name="percentile", value_name="latency")
    long["percentile"] = long["percentile"].map(
        {
            "p50": "Median (p50)",
            "p90": "1 in 10 slower than (p90)",
            "p99": "1 in 100 slower than (p99)",
        }
    )
    pct_order = ["Median (p50)", "1 in 10 slower than (p90)", "1 in 100 slower than (p99)"]
    x = alt.X("concurrency:Q", title="Simultaneous requests")
    y = alt.Y("latency:Q", title=f"Latency ({unit})")
    color = alt.Color("metric:N", title="Measure")
    dash = alt.StrokeDash("percentile:N", title="Percentile", sort=pct_order)
    tooltip = [
        alt.Tooltip("metric:N", title="Measure"),
        alt.Tooltip("percentile:N", title="Percentile"),
        alt.Tooltip("concurrency:Q", title="Simultaneous requests"),
        alt.Tooltip("latency:Q", title=f"Latency ({unit})", format=",.1f"),
    ]
    base = alt.Chart(_inline(long, what))
    lines = base.mark_line().encode(x=x, y=y, color=color, strokeDash=dash, tooltip=tooltip)
    points = base.mark_point().encode(x=x, y=y, color=color, tooltip=tooltip)
    return alt.layer(lines, points, title=_title(title, source, as_of, note))


def probe_throughput(
    df: Any,
    *,
    source: str | Sequence[str],
    as_of: Any,
    title: str = "Output speed as concurrent users grow",
    note: str | None = None,
) -> alt.LayerChart:
    """Total output tokens per second against concurrency (one line per series if given).

    Args:
        df: one row per concurrency level: ``concurrency``, ``output_tokens_per_s``
            (aggregate output tokens per second); optional ``series`` (e.g. server or
            model) for several lines.
        source: the probed server and model.
        as_of: the probe date.
        title: chart title.
        note: an extra caption line.

    Returns:
        A layer chart: line and points.

    Raises:
        ChartError: a column is missing or a value is not finite.
    """
    import altair as alt

    what = "probe throughput"
    data = _frame(df, ["concurrency", "output_tokens_per_s"], what)
    if "series" not in data.columns:
        data["series"] = "Measured"
    data = data[["concurrency", "output_tokens_per_s", "series"]]
    x = alt.X("concurrency:Q", title="Simultaneous requests")
    y = alt.Y("output_tokens_per_s:Q", title="Output tokens per second (all requests)")
    color = alt.Color("series:N", title="Series")
    tooltip = [
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("concurrency:Q", title="Simultaneous requests"),
        alt.Tooltip("output_tokens_per_s:Q", title="Tokens / s", format=",.1f"),
    ]
    base = alt.Chart(_inline(data, what))
    lines = base.mark_line().encode(x=x, y=y, color=color, tooltip=tooltip)
    points = base.mark_point().encode(x=x, y=y, color=color, tooltip=tooltip)
    return alt.layer(lines, points, title=_title(title, source, as_of, note))


BUILDERS = (
    "frontier",
    "lag_bars",
    "quality_price",
    "price_trend",
    "arena_gap",
    "tco_comparison",
    "break_even_curve",
    "tornado",
    "monte_carlo",
    "hybrid_split",
    "hybrid_pareto",
    "scorecard",
    "probe_latency",
    "probe_throughput",
)
"""Every chart builder in this module, by name."""
