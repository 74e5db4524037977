"""How far open-weight models trail closed ones: frontiers, gaps, lags and claim checks.

The functions here are pure: they take tidy tables (pandas or polars) shaped
like the warehouse tables and return pandas DataFrames or small result
objects. Thin helpers at the end (``benchmark_gap``, ``quality_vs_price``, …)
read the warehouse and call them; they keep the tables they read, and the gaps
that do not move with the analysis date, for as long as the warehouse file is
unchanged (so a panel's slider re-measures one gap, not every claim's).

Definitions used throughout
---------------------------
Frontier
    For each side (open weights / closed), the running best score of the
    models released so far, ordered by ``release_date``. A model that raises
    its side's best is *on the frontier*.
Vertical gap (as of a date D)
    Best closed score minus best open score among models released on or
    before D, in score points; and the ratio open / closed (dimensionless,
    e.g. 0.93 = "open delivers 93 % of closed performance").
Horizontal gap (lag)
    Epoch AI's method: for a score level L, the first release date at which
    the closed frontier reached L and the first at which the open frontier
    reached it; lag(L) = (open date - closed date) in days / 30.4375
    (months; 30.4375 = 365.25 / 12 days). The reported lag is the mean of
    lag(L) over ``levels`` evenly spaced levels from
    ``max(first closed frontier value, first open frontier value)`` to
    ``min(best closed score, best open score)``, both inclusive: every level
    in that range was reached by both frontiers inside the data, so neither
    date is cut off by where the data starts or stops. A negative lag at a
    level means open models got there first.

Source selection
    ``independent``: rows measured by a third party with one harness for all
    models (``eval_relationship = independent``; here Epoch AI's Benchmarking
    Hub). ``vendor``: rows from model developers' own tables, whether about
    their own model (``self-reported``), a rival re-run or quoted
    (``competitor-reported``) or copied from the developer's report
    (``copied-from-developer``). ``all``: both.
Settings (never mixed silently)
    A configuration is (``benchmark_variant``, ``setting``); settings are
    compared ignoring case and repeated spaces. With ``setting=None``:
    one configuration is used as is; several configurations are accepted
    only when every row comes from one independent harness (one
    ``reported_by``), and then each model is counted at its best run (its
    vendor's most capable reasoning effort or thinking budget, as frontier
    comparisons are drawn); otherwise a :class:`GapError` lists the
    configurations to choose from. ``setting="best"`` takes each model's
    best run across configurations for any source, on request.
    ``setting="<text>"`` keeps only that setting. The result always lists
    the configurations it rests on, with model counts.
Which models count
    Only models with a ``release_date``; only models released on or before
    ``as_of`` (scores measured later are used: a score describes the model,
    and the independent runs were mostly made after release). Base
    (pre-trained only) checkpoints are left out unless ``include_base=True``:
    they are scored few-shot and are not what a deployment runs, so the
    frontier is drawn from post-trained models (chat, instruct, reasoning,
    hybrid-reasoning). When a model has several eligible rows, its highest
    score counts, and the row it comes from is kept (source, setting, date).
Scores
    ``score_pct`` (0-100) when every selected row has one, otherwise
    ``score`` in its single ``scale``; mixed scales are refused.
"""

from __future__ import annotations

import argparse
import difflib
import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from analysis.errors import GapError

if TYPE_CHECKING:  # pandas is imported inside functions to keep `import analysis.gap` cheap
    import pandas as pd

DAYS_PER_MONTH = 30.4375
"""Average days in a month (365.25 / 12); months = days / DAYS_PER_MONTH."""

DEFAULT_LEVELS = 101
"""Score levels averaged over for the horizontal gap (evenly spaced, ends included)."""

INDEPENDENT = ("independent",)
VENDOR = ("self-reported", "competitor-reported", "copied-from-developer")
SOURCES: dict[str, tuple[str, ...]] = {
    "independent": INDEPENDENT,
    "vendor": VENDOR,
    "all": INDEPENDENT + VENDOR,
}
"""Source choices and the ``eval_relationship`` values each admits."""

ARENA = "Arena rating"
"""Benchmark label under which the LMArena text rating is analysed."""

OPEN_LABEL = "Open weights"
CLOSED_LABEL = "Closed"

PERFORMANCE_CLAIM = "Open models deliver 90–95% of closed performance"
PERFORMANCE_CLAIM_RANGE = (0.90, 0.95)  # the claim's own figures, as a ratio open / closed
COST_CLAIM = "Open models deliver it at dramatically lower cost"
DEFAULT_CHEAPER_FACTOR = 3.0
"""Declared reading of "dramatically lower cost": closed blended price at least this many
times the open one. A judgement, not data; pass another value to ``claim_check``."""

PRICE_INPUT_WEIGHT = 3
PRICE_OUTPUT_WEIGHT = 1


# --------------------------------------------------------------------------- helpers


def _pandas(df: Any, what: str) -> pd.DataFrame:
    """A pandas copy of a pandas or polars DataFrame."""
    import pandas as pd

    if isinstance(df, pd.DataFrame):
        return df.copy()
    return _as_pandas(df, what)


def _as_pandas(df: Any, what: str) -> pd.DataFrame:
    """A pandas DataFrame as given (not copied: for reading only), or a polars one converted."""
    import pandas as pd

    if isinstance(df, pd.DataFrame):
        return df
    to_pandas = getattr(df, "to_pandas", None)
    if to_pandas is None:
        raise GapError(f"{what}: expected a pandas or polars DataFrame, got {type(df).__name__}")
    return to_pandas()


def _labels(column: pd.Series) -> list[str]:
    """The distinct values of a text column, as sorted text."""
    return sorted({str(b) for b in column.dropna().unique()})


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise GapError(
            f"{what} lacks column(s) {', '.join(missing)}; "
            f"it has: {', '.join(map(str, df.columns))}"
        )


def _timestamp(value: date | datetime | str | None, parameter: str = "as_of") -> Any:
    """A normalised pandas Timestamp, or None."""
    import pandas as pd

    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise GapError(f"{parameter} = {value!r}: not a date (use YYYY-MM-DD)") from exc
    if stamp is pd.NaT:
        raise GapError(f"{parameter} = {value!r}: not a date (use YYYY-MM-DD)")
    return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()


def _iso(value: Any) -> str | None:
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


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _norm_setting(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if text.lower() in ("nan", "<na>", "none"):
        return ""
    return re.sub(r"\s+", " ", text.strip()).lower()


def _to_bool(value: Any) -> bool | None:
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


def months_between(earlier: Any, later: Any) -> float:
    """Months from ``earlier`` to ``later``.

    months = (later - earlier) in days / 30.4375.

    Args:
        earlier: a date (date, datetime, Timestamp or ISO text).
        later: a date.

    Returns:
        Signed months (negative when ``later`` precedes ``earlier``).
    """
    a, b = _timestamp(earlier, "earlier"), _timestamp(later, "later")
    return (b - a).days / DAYS_PER_MONTH


def blended_price(input_usd_per_mtok: float, output_usd_per_mtok: float) -> float:
    """Blended API price at a 3:1 input:output token mix.

    blended = (3 × input + 1 × output) / 4, in USD per million tokens.

    Args:
        input_usd_per_mtok: input price, USD per 1M tokens.
        output_usd_per_mtok: output price, USD per 1M tokens.

    Returns:
        The blended price in USD per 1M tokens.
    """
    total = PRICE_INPUT_WEIGHT + PRICE_OUTPUT_WEIGHT
    return (
        PRICE_INPUT_WEIGHT * float(input_usd_per_mtok)
        + PRICE_OUTPUT_WEIGHT * float(output_usd_per_mtok)
    ) / total


# --------------------------------------------------------------------------- selection


@dataclass(frozen=True)
class Selection:
    """The per-model scores one benchmark analysis rests on.

    Attributes:
        benchmark: canonical benchmark label.
        source: ``independent``, ``vendor`` or ``all``.
        setting_rule: how configurations were chosen, in words.
        configurations: every (variant, setting) used, with the number of models each gives.
        unit: ``%`` for 0-100 scores, else the scale name (e.g. ``rating``).
        as_of: models released after this date are left out (None: no cut-off).
        rows: one row per model: model_id, model, organisation, open_weights, group,
            model_type, release_date, score, benchmark_variant, setting, eval_relationship,
            reported_by, source, source_date.
        excluded: number of models left out, by reason.
        notes: caveats a reader should see beside the figures.
    """

    benchmark: str
    source: str
    setting_rule: str
    configurations: list[dict[str, Any]]
    unit: str
    as_of: Any
    rows: pd.DataFrame
    excluded: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def reported_by(self) -> list[str]:
        """Organisations whose tables or runs the scores come from."""
        return sorted({str(v) for v in self.rows["reported_by"].dropna()})

    @property
    def sources(self) -> list[str]:
        """The ``source`` references of the rows used."""
        return sorted({str(v) for v in self.rows["source"].dropna()})


def benchmark_labels(scores: Any) -> list[str]:
    """Every benchmark label in a scores table, sorted.

    Args:
        scores: a ``benchmark_scores`` table (pandas or polars).

    Returns:
        The distinct ``benchmark`` values.
    """
    df = _as_pandas(scores, "scores")
    _require(df, ["benchmark"], "scores")
    return _labels(df["benchmark"])


def _resolve_benchmark(name: str, labels: Sequence[str]) -> str:
    if name in labels:
        return name
    lower = {label.lower(): label for label in labels}
    if name.strip().lower() in lower:
        return lower[name.strip().lower()]
    close = difflib.get_close_matches(name, labels, n=6, cutoff=0.5)
    close += [lb for lb in labels if name.lower() in lb.lower() and lb not in close]
    hint = f"close matches: {', '.join(close[:8])}" if close else "no close match"
    raise GapError(
        f"benchmark = {name!r} is not in benchmark_scores ({hint}); "
        "list them with `python -m analysis gap --list`"
    )


def select_scores(
    scores: Any,
    models: Any,
    benchmark: str,
    *,
    source: str = "independent",
    setting: str | None = None,
    variant: str | None = None,
    as_of: date | str | None = None,
    include_base: bool = False,
) -> Selection:
    """One score per model for a benchmark, under the module's selection rules.

    Args:
        scores: ``benchmark_scores`` table (model_id, benchmark, benchmark_variant, score,
            scale, score_pct, setting, reported_by, eval_relationship, source, source_date).
        models: ``models`` table (model_id, name, organisation, open_weights, model_type,
            release_date).
        benchmark: benchmark label (case-insensitive).
        source: ``independent``, ``vendor`` or ``all`` (see the module docstring).
        setting: None (automatic rule), ``"best"`` (each model's best configuration) or a
            setting text to keep.
        variant: keep only this ``benchmark_variant`` (None: all).
        as_of: leave out models released after this date.
        include_base: count base (pre-trained only) models too.

    Returns:
        The :class:`Selection`.

    Raises:
        GapError: unknown benchmark or source, no rows left, several configurations
            without a rule to choose, or mixed score scales.
    """
    sc, md, label = _selection_inputs(scores, models, benchmark, source)
    cut = _timestamp(as_of)
    return _choose(_candidates(sc, md, label, source, variant, include_base), setting, cut)


def _selection_inputs(
    scores: Any, models: Any, benchmark: str, source: str
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The scores and models tables checked (not copied) and the benchmark label resolved."""
    if source not in SOURCES:
        raise GapError(f"source = {source!r}: choose one of {', '.join(SOURCES)}")
    sc = _as_pandas(scores, "scores")
    md = _as_pandas(models, "models")
    _require(
        sc,
        ["model_id", "benchmark", "score", "scale", "eval_relationship", "source"],
        "benchmark_scores",
    )
    _require(md, ["model_id", "open_weights", "release_date"], "models")
    return sc, md, _resolve_benchmark(benchmark, _labels(sc["benchmark"]))


@dataclass(frozen=True)
class _Candidates:
    """A benchmark's rows under the rules that do not depend on ``as_of`` (first half of
    :func:`select_scores`; :func:`_choose` is the second).

    Attributes:
        label: the benchmark label.
        source: the source selection.
        rows: the source's rows with the model facts joined, models without a release
            date (and base models, unless kept) left out; ``open_weights`` read as
            True/False/None; ``_variant`` and ``_setting`` normalised.
        excluded: models left out so far, by reason.
    """

    label: str
    source: str
    rows: pd.DataFrame
    excluded: dict[str, int]


def _candidates(
    sc: pd.DataFrame,
    md: pd.DataFrame,
    label: str,
    source: str,
    variant: str | None,
    include_base: bool,
) -> _Candidates:
    """The first half of :func:`select_scores` (no ``as_of``): see :class:`_Candidates`."""
    import pandas as pd

    # Only the benchmark's rows are copied (by this filter); the tables are read as given.
    rows = sc[sc["benchmark"] == label]
    for col in ("benchmark_variant", "setting", "score_pct", "reported_by", "source_date"):
        if col not in rows.columns:
            rows = rows.assign(**{col: None})
    present = rows["eval_relationship"].value_counts().to_dict()
    rows = rows[rows["eval_relationship"].isin(SOURCES[source])]
    if rows.empty:
        have = ", ".join(f"{k} ({v} rows)" for k, v in sorted(present.items()))
        raise GapError(
            f"no {source} scores for {label}; it has: {have}. Try --source vendor or --source all"
        )
    if variant is not None:
        kept = rows[rows["benchmark_variant"].map(_norm_setting) == _norm_setting(variant)]
        if kept.empty:
            have = sorted({str(v) for v in rows["benchmark_variant"].dropna()})
            raise GapError(f"variant = {variant!r}: not found for {label}; it has: {have}")
        rows = kept

    # Join the model facts first, so that configuration counts describe eligible models.
    md = md.copy()
    md["release_date"] = pd.to_datetime(md["release_date"], errors="coerce")
    keep = ["model_id", "name", "organisation", "open_weights", "model_type", "release_date"]
    for col in keep:
        if col not in md.columns:
            md[col] = None
    # The model facts come from the models table only.
    rows = rows.drop(columns=[c for c in keep[1:] if c in rows.columns])
    facts = md[keep]
    if facts["model_id"].is_unique:  # as in the warehouse: a lookup, cheaper than a merge
        facts = facts.set_index("model_id")
        rows = rows.reset_index(drop=True)
        rows = rows.assign(**{c: rows["model_id"].map(facts[c]) for c in keep[1:]})
    else:
        rows = rows.merge(facts, on="model_id", how="left")
    excluded: dict[str, int] = {}
    rows = _drop(rows, rows["release_date"].isna(), "no release date", excluded)
    if not include_base:
        base = rows["model_type"].astype("string").str.lower().eq("base").fillna(False)
        rows = _drop(rows, base, "base model", excluded)
    # Row by row, so the same whatever the as_of cut keeps later.
    rows = rows.assign(
        open_weights=rows["open_weights"].map(_to_bool),
        _variant=rows["benchmark_variant"].map(_norm_setting),
        _setting=rows["setting"].map(_norm_setting),
    )
    return _Candidates(label, source, rows, excluded)


def _drop(rows: pd.DataFrame, mask: Any, reason: str, excluded: dict[str, int]) -> Any:
    """``rows`` without the ``mask`` rows, their models counted in ``excluded[reason]``."""
    if not mask.any():
        return rows
    n = rows.loc[mask, "model_id"].nunique()
    if n:
        excluded[reason] = excluded.get(reason, 0) + int(n)
    return rows[~mask]


def _choose(cands: _Candidates, setting: str | None, cut: Any) -> Selection:
    """The second half of :func:`select_scores`: the ``as_of`` cut, the setting rules and
    one row per model."""
    import numpy as np
    import pandas as pd

    label, source, rows = cands.label, cands.source, cands.rows
    excluded = dict(cands.excluded)
    if cut is not None:
        later = rows["release_date"].to_numpy() > cut.to_datetime64()
        rows = _drop(rows, later, "released after as_of", excluded)
    rows = _drop(rows, rows["open_weights"].isna().to_numpy(), "open/closed unknown", excluded)
    if rows.empty:
        raise GapError(
            f"no {source} scores for {label} remain after the model rules "
            f"(left out: {excluded or 'none'}; as_of={_iso(cut)})"
        )

    def configs(rows: pd.DataFrame) -> pd.Series:
        """Models per configuration (for messages)."""
        return rows.groupby(["_variant", "_setting"])["model_id"].nunique()

    def printed(rows: pd.DataFrame = rows) -> dict[str, str]:
        """Settings as printed in the source (first spelling seen), for messages."""
        return {
            k: ("" if _missing(v) else str(v))
            for k, v in rows.groupby("_setting")["setting"].first().items()
        }

    if setting is not None and _norm_setting(setting) != "best":
        wanted = _norm_setting(setting)
        kept = rows[(rows["_setting"] == wanted).to_numpy()]
        if kept.empty:
            spelt = printed()
            listing = "; ".join(
                f"{spelt.get(s) or '(blank)'!r}: {n} models" for (_, s), n in configs(rows).items()
            )
            raise GapError(
                f"setting = {setting!r}: not found for {label} ({source}); it has {listing}"
            )
        rows = kept
        rule = f"setting {setting!r} only"
    else:
        rule = "one configuration"
    if len(set(zip(rows["_variant"], rows["_setting"], strict=True))) > 1:
        one_harness = (
            set(rows["eval_relationship"]) <= set(INDEPENDENT)
            and rows["reported_by"].nunique(dropna=False) == 1
        )
        if _norm_setting(setting) == "best":
            rule = "each model's best run across the configurations listed (on request)"
        elif setting is None and one_harness:
            rule = (
                "each model's best run across one independent harness's configurations "
                "(reasoning effort / thinking budget, task version)"
            )
        else:
            spelt, counts = printed(), configs(rows)
            listing = "; ".join(
                f"{(v + ' / ') if v else ''}{spelt.get(s) or '(blank)'}: {n} models"
                for (v, s), n in counts.sort_values(ascending=False).items()
            )
            raise GapError(
                f"{label} ({source}) has {len(counts)} settings that are not comparable: "
                f"{listing}. Choose one with --setting TEXT (and --variant TEXT when variants "
                "differ), or take each model's best with --setting best"
            )

    scales = _labels(rows["scale"])
    if rows["score_pct"].notna().all():
        rows = rows.assign(_value=pd.to_numeric(rows["score_pct"], errors="coerce"))
        unit = "%"
    elif len(scales) == 1:
        rows = rows.assign(_value=pd.to_numeric(rows["score"], errors="coerce"))
        unit = scales[0]
    else:
        raise GapError(
            f"{label} ({source}) mixes score scales {scales} that cannot be compared; "
            "choose one setting with --setting"
        )
    rows = rows[np.isfinite(rows["_value"].to_numpy(dtype=float, na_value=np.nan))]

    # One row per model: its highest eligible score (ties: the most recent source).
    rows = rows.sort_values(
        ["model_id", "_value", "source_date"], ascending=[True, False, False], na_position="last"
    )
    best = rows.drop_duplicates("model_id", keep="first")
    out = pd.DataFrame(
        {
            "model_id": best["model_id"].astype(str),
            "model": best["name"].fillna(best["model_id"]).astype(str),
            "organisation": best["organisation"],
            "open_weights": best["open_weights"].astype(bool),
            "group": best["open_weights"].map(lambda o: OPEN_LABEL if o else CLOSED_LABEL),
            "model_type": best["model_type"],
            "release_date": best["release_date"],
            "score": best["_value"].astype(float),
            "benchmark_variant": best["benchmark_variant"],
            "setting": best["setting"],
            "eval_relationship": best["eval_relationship"],
            "reported_by": best["reported_by"],
            "source": best["source"],
            "source_date": pd.to_datetime(best["source_date"], errors="coerce"),
        }
    ).sort_values(["release_date", "score"], ascending=[True, False], ignore_index=True)

    used = (
        out.assign(
            _v=out["benchmark_variant"].map(lambda v: None if _norm_setting(v) == "" else str(v)),
            _s=out["setting"].map(lambda v: None if _norm_setting(v) == "" else str(v)),
        )
        .groupby(["_v", "_s"], dropna=False)["model_id"]
        .nunique()
        .sort_values(ascending=False)
    )
    configurations = [
        {
            "benchmark_variant": None if (isinstance(v, float) or v is None) else v,
            "setting": None if (isinstance(s, float) or s is None) else s,
            "models": int(n),
        }
        for (v, s), n in used.items()
    ]
    notes: list[str] = []
    if source != "independent":
        notes.append(
            "Vendor-reported scores: developers choose benchmarks and settings and may "
            "re-run rivals under their own settings."
        )
    if len(configurations) > 1:
        notes.append(f"Configurations combined: {rule}.")
    return Selection(
        benchmark=label,
        source=source,
        setting_rule=rule,
        configurations=configurations,
        unit=unit,
        as_of=cut,
        rows=out,
        excluded=excluded,
        notes=notes,
    )


# --------------------------------------------------------------------------- frontier and gaps


def frontier(rows: Any) -> pd.DataFrame:
    """The running best score of open-weight and of closed models by release date.

    Args:
        rows: one row per model with columns model, open_weights (bool), release_date,
            score (e.g. ``Selection.rows``). Other columns are carried along.

    Returns:
        The rows sorted by release date, with ``group`` ("Open weights"/"Closed"),
        ``frontier_score`` (best score of the group among models released on or before
        this one's date) and ``on_frontier`` (True when the model raised its group's best).

    Raises:
        GapError: a required column is missing.
    """
    import pandas as pd

    df = _pandas(rows, "rows")
    _require(df, ["model", "open_weights", "release_date", "score"], "frontier rows")
    df["release_date"] = pd.to_datetime(df["release_date"])
    df["open_weights"] = df["open_weights"].map(_to_bool).astype(bool)
    df["group"] = df["open_weights"].map(lambda o: OPEN_LABEL if o else CLOSED_LABEL)
    df["score"] = df["score"].astype(float)
    df = df.sort_values(["release_date", "score"], ascending=[True, False], ignore_index=True)
    df["frontier_score"] = df.groupby("group")["score"].cummax()
    previous = df.groupby("group")["frontier_score"].shift(1)
    df["on_frontier"] = previous.isna() | (df["score"] > previous)
    return df


@dataclass(frozen=True)
class FrontierPoint:
    """A model at the top of its side's frontier.

    Attributes:
        model_id: warehouse key.
        model: display name.
        score: its score, in the analysis unit.
        date: its release date (ISO).
        setting: configuration the score was measured in.
        source: where the score comes from.
    """

    model_id: str
    model: str
    score: float
    date: str
    setting: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "model_id": self.model_id,
            "model": self.model,
            "score": self.score,
            "date": self.date,
            "setting": self.setting,
            "source": self.source,
        }


def _point(row: Any) -> FrontierPoint:
    setting = row.get("setting")
    return FrontierPoint(
        model_id=str(row.get("model_id", row["model"])),
        model=str(row["model"]),
        score=round(float(row["score"]), 6),
        date=_iso(row["release_date"]) or "",
        setting=None if _norm_setting(setting) == "" else str(setting),
        source=None if row.get("source") is None else str(row.get("source")),
    )


@dataclass(frozen=True)
class VerticalGap:
    """Best open vs best closed score as of a date.

    Attributes:
        best_open: the best open-weight model.
        best_closed: the best closed model.
        points: best closed - best open, in score points.
        ratio: best open / best closed (None when the closed score is not positive or the
            scale has no meaningful zero, like a rating).
    """

    best_open: FrontierPoint
    best_closed: FrontierPoint
    points: float
    ratio: float | None


def vertical_gap(rows: Any, as_of: date | str | None = None, *, ratio: bool = True) -> VerticalGap:
    """The vertical gap between the two frontiers as of a date.

    points = best_closed - best_open (score points); ratio = best_open / best_closed.

    Args:
        rows: one row per model (model, open_weights, release_date, score).
        as_of: only models released on or before it (None: all).
        ratio: compute the ratio (False for interval scales such as ratings).

    Returns:
        The :class:`VerticalGap`.

    Raises:
        GapError: one side has no model by ``as_of``.
    """
    return _vertical(frontier(rows), _timestamp(as_of), ratio)


def _sides(df: pd.DataFrame, cut: Any) -> tuple[dict[str, Any], Any, Any]:
    """Row positions of each side among the models released by ``cut``, with the score and
    release-date columns as arrays (whole-column work, no per-side table copies).

    Returns:
        ({"Open weights": positions, "Closed": positions}, scores, release dates).
    """
    import numpy as np

    dates = df["release_date"].to_numpy()
    scores = df["score"].to_numpy(dtype=float)
    groups = df["group"].to_numpy()
    kept = np.ones(len(df), dtype=bool) if cut is None else dates <= cut.to_datetime64()
    return (
        {label: np.flatnonzero(kept & (groups == label)) for label in (OPEN_LABEL, CLOSED_LABEL)},
        scores,
        dates,
    )


def _vertical(df: pd.DataFrame, cut: Any, ratio: bool) -> VerticalGap:
    """:func:`vertical_gap` on a table :func:`frontier` has already prepared."""
    import numpy as np

    sides, scores, dates = _sides(df, cut)
    best: dict[str, Any] = {}
    for label in (OPEN_LABEL, CLOSED_LABEL):
        at = sides[label]
        if not len(at):
            raise GapError(
                f"no {label.lower()} model with a score released by {_iso(cut) or 'now'}: "
                "a gap needs both sides"
            )
        # Highest score; among equals, the earliest to reach it; then table order (a
        # stable sort: score descending, missing last, then release date ascending).
        first = np.lexsort((dates[at], -scores[at]))[0]
        best[label] = df.iloc[at[first]]
    o, c = best[OPEN_LABEL], best[CLOSED_LABEL]
    points = float(c["score"]) - float(o["score"])
    r = float(o["score"]) / float(c["score"]) if ratio and float(c["score"]) > 0 else None
    return VerticalGap(
        best_open=_point(o),
        best_closed=_point(c),
        points=round(points, 6),
        ratio=None if r is None else round(r, 6),
    )


def _reach_dates(scores: Any, dates: Any, levels: Any) -> Any:
    """First release date at which one side's frontier reached each level, all levels at once.

    ``scores`` and ``dates`` are one side's models in release-date order (as
    :func:`frontier` leaves them). The running best, best[i] = max(score[0..i]), never
    decreases, so the first model reaching level L is i = searchsorted(best, L, "left"):
    the first i with best[i] >= L, whose date is the earliest release date of any model
    scoring >= L. A missing score counts as never reaching any level.

    Args:
        scores: the side's scores (float array), in release-date order.
        dates: their release dates (datetime64 array).
        levels: score levels (a 1-d array).

    Returns:
        A datetime64 array, one date per level (NaT where the side never reached it).
    """
    import numpy as np

    best = np.maximum.accumulate(np.where(np.isnan(scores), -np.inf, scores))
    at = np.searchsorted(best, np.asarray(levels, dtype=float), side="left")
    out = np.full(len(at), np.datetime64("NaT"), dtype=dates.dtype)
    reached = at < len(best)
    out[reached] = dates[at[reached]]
    return out


def first_reach(rows: Any, open_weights: bool, level: float) -> Any:
    """The first release date at which a side's frontier reached a score level.

    Args:
        rows: one row per model (model, open_weights, release_date, score).
        open_weights: True for the open side, False for the closed side.
        level: the score level (inclusive).

    Returns:
        A pandas Timestamp, or None when the side never reached the level.
    """
    import pandas as pd

    df = frontier(rows)
    side = df[df["open_weights"] == bool(open_weights)]
    found = _reach_dates(
        side["score"].to_numpy(dtype=float), side["release_date"].to_numpy(), [float(level)]
    )[0]
    return None if pd.isna(found) else pd.Timestamp(found)


def lag_at_level(rows: Any, level: float) -> float | None:
    """Months between the closed and the open frontier first reaching a level.

    lag = (open first date - closed first date) in days / 30.4375.

    Args:
        rows: one row per model (model, open_weights, release_date, score).
        level: the score level.

    Returns:
        Months (negative when open got there first), or None when a side never reached it.
    """
    closed, opened = first_reach(rows, False, level), first_reach(rows, True, level)
    if closed is None or opened is None:
        return None
    return (opened - closed).days / DAYS_PER_MONTH


@dataclass(frozen=True)
class HorizontalGap:
    """The lag of the open frontier behind the closed one.

    Attributes:
        lag_months: mean of the per-level lags (None when the frontiers share no level).
        low: lowest level averaged over.
        high: highest level averaged over.
        levels: per level: level, closed_date, open_date, lag_months.
        reason: why ``lag_months`` is None, else None.
    """

    lag_months: float | None
    low: float | None
    high: float | None
    levels: pd.DataFrame
    reason: str | None = None


def horizontal_gap(
    rows: Any, *, as_of: date | str | None = None, levels: int = DEFAULT_LEVELS
) -> HorizontalGap:
    """Epoch AI's horizontal gap: lag in months averaged over evenly spaced score levels.

    For each level L in linspace(low, high, levels):
    lag(L) = (first open date with score >= L - first closed date with score >= L) / 30.4375
    months, where low = max(first closed frontier value, first open frontier value) and
    high = min(best closed, best open). lag_months = mean of lag(L).

    Args:
        rows: one row per model (model, open_weights, release_date, score).
        as_of: only models released on or before it.
        levels: number of levels (>= 1; 1 uses ``high`` alone).

    Returns:
        The :class:`HorizontalGap`.

    Raises:
        GapError: ``levels`` < 1.
    """
    if int(levels) < 1:
        raise GapError(f"levels = {levels!r}: must be at least 1")
    return _horizontal(frontier(rows), _timestamp(as_of), int(levels))


def _horizontal(df: pd.DataFrame, cut: Any, levels: int) -> HorizontalGap:
    """:func:`horizontal_gap` on a table :func:`frontier` has already prepared.

    Every level is looked up at once (:func:`_reach_dates`), not filtered for one by one.
    """
    import numpy as np
    import pandas as pd

    empty = pd.DataFrame(columns=["level", "closed_date", "open_date", "lag_months"])
    at, scores, dates = _sides(df, cut)
    if any(not len(a) for a in at.values()):
        return HorizontalGap(None, None, None, empty, "one side has no model with a score")
    running = df["frontier_score"].to_numpy(dtype=float)
    firsts = {k: float(running[a[0]]) for k, a in at.items()}
    other = {OPEN_LABEL: CLOSED_LABEL, CLOSED_LABEL: OPEN_LABEL}
    tops = {k: _max(scores[a]) for k, a in at.items()}
    low, high = max(firsts.values()), min(tops.values())
    if low > high:
        behind = OPEN_LABEL if tops[OPEN_LABEL] < firsts[CLOSED_LABEL] else CLOSED_LABEL
        return HorizontalGap(
            None,
            None,
            None,
            empty,
            f"the {behind.lower()} frontier never reached the other's first level in the data "
            f"(best {tops[behind]:.4g} < first {firsts[other[behind]]:.4g})",
        )
    grid = np.array([high]) if levels == 1 or low == high else np.linspace(low, high, levels)
    c, o = at[CLOSED_LABEL], at[OPEN_LABEL]
    closed = _reach_dates(scores[c], dates[c], grid)
    opened = _reach_dates(scores[o], dates[o], grid)
    # Whole days, rounded down as Timedelta.days does: months = days / 30.4375.
    days = (opened - closed) // np.timedelta64(1, "D")
    table = pd.DataFrame(
        {
            "level": grid.astype(float),
            "closed_date": pd.to_datetime(closed),
            "open_date": pd.to_datetime(opened),
            "lag_months": days / DAYS_PER_MONTH,
        }
    )
    return HorizontalGap(
        lag_months=round(float(table["lag_months"].mean()), 6),
        low=float(low),
        high=float(high),
        levels=table,
    )


def _max(values: Any) -> float:
    """The largest number, missing ones skipped (NaN when there is none), as pandas' max."""
    import numpy as np

    present = values[~np.isnan(values)]
    return float(present.max()) if len(present) else math.nan


@dataclass(frozen=True)
class GapResult:
    """The open-vs-closed gap on one benchmark, with what it rests on.

    Attributes:
        selection: the per-model scores and the rules that chose them.
        frontier: :func:`frontier` of the selection.
        vertical: :class:`VerticalGap` as of ``selection.as_of``.
        horizontal: :class:`HorizontalGap`.
    """

    selection: Selection
    frontier: pd.DataFrame
    vertical: VerticalGap
    horizontal: HorizontalGap

    @property
    def benchmark(self) -> str:
        """The benchmark label."""
        return self.selection.benchmark

    @property
    def lag_months(self) -> float | None:
        """Mean lag in months (see :func:`horizontal_gap`)."""
        return self.horizontal.lag_months

    @property
    def ratio(self) -> float | None:
        """Best open / best closed."""
        return self.vertical.ratio

    def frontier_models(self, group: str) -> list[dict[str, Any]]:
        """The models that raised a side's best, oldest first.

        Args:
            group: ``"Open weights"`` or ``"Closed"``.

        Returns:
            Dicts with model, score and date.
        """
        side = self.frontier[(self.frontier["group"] == group) & self.frontier["on_frontier"]]
        return [
            {"model": str(r["model"]), "score": float(r["score"]), "date": _iso(r["release_date"])}
            for _, r in side.iterrows()
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no NaN: missing figures are None)."""
        s = self.selection
        return {
            "benchmark": s.benchmark,
            "source": s.source,
            "reported_by": s.reported_by,
            "as_of": _iso(s.as_of),
            "unit": s.unit,
            "setting_rule": s.setting_rule,
            "configurations": s.configurations,
            "best_open": self.vertical.best_open.to_dict(),
            "best_closed": self.vertical.best_closed.to_dict(),
            "points": self.vertical.points,
            "ratio": self.vertical.ratio,
            "lag_months": self.horizontal.lag_months,
            "lag_levels": {
                "count": int(len(self.horizontal.levels)),
                "low": self.horizontal.low,
                "high": self.horizontal.high,
                "reason": self.horizontal.reason,
            },
            "frontier": {
                "open": self.frontier_models(OPEN_LABEL),
                "closed": self.frontier_models(CLOSED_LABEL),
            },
            "models": {
                "open": int((s.rows["open_weights"]).sum()),
                "closed": int((~s.rows["open_weights"]).sum()),
            },
            "excluded": s.excluded,
            "sources": s.sources,
            "notes": s.notes,
        }


def gap_from_selection(
    selection: Selection, *, levels: int = DEFAULT_LEVELS, ratio: bool = True
) -> GapResult:
    """Frontier, vertical gap and lag for a :class:`Selection`.

    Args:
        selection: from :func:`select_scores` (or built by hand).
        levels: score levels for the lag.
        ratio: compute open / closed (False for ratings).

    Returns:
        The :class:`GapResult`.

    Raises:
        GapError: one side has no model.
    """
    sides = selection.rows["open_weights"].astype(bool)
    if sides.all() or not sides.any():
        missing = "closed" if sides.all() else "open-weight"
        raise GapError(
            f"{selection.benchmark} ({selection.source}; {selection.setting_rule}) has no "
            f"{missing} model, only {len(sides)} {'open-weight' if sides.all() else 'closed'} "
            "ones: a gap needs both sides. Try another --setting or --source"
        )
    if int(levels) < 1:
        raise GapError(f"levels = {levels!r}: must be at least 1")
    front = frontier(selection.rows)  # once: both gaps read the same frontier
    return GapResult(
        selection=selection,
        frontier=front,
        vertical=_vertical(front, None, ratio),
        horizontal=_horizontal(front, None, int(levels)),
    )


def measure_gap(
    scores: Any,
    models: Any,
    benchmark: str,
    *,
    source: str = "independent",
    setting: str | None = None,
    variant: str | None = None,
    as_of: date | str | None = None,
    include_base: bool = False,
    levels: int = DEFAULT_LEVELS,
) -> GapResult:
    """The open-vs-closed gap on a benchmark from tidy tables.

    Args:
        scores: ``benchmark_scores`` table.
        models: ``models`` table.
        benchmark: benchmark label.
        source: ``independent`` (default), ``vendor`` or ``all``.
        setting: None, ``"best"`` or a setting text (see :func:`select_scores`).
        variant: a ``benchmark_variant`` to keep.
        as_of: only models released on or before it.
        include_base: count base models too.
        levels: score levels averaged over for the lag.

    Returns:
        The :class:`GapResult`.

    Raises:
        GapError: see :func:`select_scores`; or one side has no model.
    """
    selection = select_scores(
        scores,
        models,
        benchmark,
        source=source,
        setting=setting,
        variant=variant,
        as_of=as_of,
        include_base=include_base,
    )
    return gap_from_selection(selection, levels=levels)


# --------------------------------------------------------------------------- arena


def arena_monthly_gap(ratings: Any, as_of: date | str | None = None) -> pd.DataFrame:
    """Best open vs best closed Arena rating within each monthly snapshot.

    Ratings are compared within a snapshot only: the rating scale drifts between
    snapshots. gap_points = best_closed_rating - best_open_rating;
    open_win_share = 1 / (1 + 10^(gap_points / 400)), the expected share of head-to-head
    votes the best open model wins against the best closed one under the Elo model.

    Args:
        ratings: ``arena_ratings`` (snapshot_date, arena_model, open_weights, rating, …).
        as_of: drop snapshots after this date.

    Returns:
        One row per snapshot: snapshot_date, best_open_model, best_open_rating,
        best_closed_model, best_closed_rating, gap_points, open_win_share, rating_method,
        source. Snapshots lacking one side are left out.

    Raises:
        GapError: required columns are missing or no snapshot has both sides.
    """
    import pandas as pd

    df = _pandas(ratings, "ratings")
    _require(df, ["snapshot_date", "arena_model", "open_weights", "rating"], "arena_ratings")
    for col in ("rating_method", "source"):
        if col not in df.columns:
            df[col] = None
    df["snapshot_date"] = pd.to_datetime(df["snapshot_date"])
    df["open_weights"] = df["open_weights"].map(_to_bool)
    df = df[df["open_weights"].notna()]
    cut = _timestamp(as_of)
    if cut is not None:
        df = df[df["snapshot_date"] <= cut]
    out = []
    for snap, month in df.groupby("snapshot_date"):
        month = month.sort_values("rating", ascending=False)
        o, c = month[month["open_weights"] == True], month[month["open_weights"] == False]  # noqa: E712
        if o.empty or c.empty:
            continue
        bo, bc = o.iloc[0], c.iloc[0]
        gap = float(bc["rating"]) - float(bo["rating"])
        out.append(
            {
                "snapshot_date": snap,
                "best_open_model": bo["arena_model"],
                "best_open_rating": float(bo["rating"]),
                "best_closed_model": bc["arena_model"],
                "best_closed_rating": float(bc["rating"]),
                "gap_points": round(gap, 6),
                "open_win_share": round(1.0 / (1.0 + 10.0 ** (gap / 400.0)), 6),
                "rating_method": bc["rating_method"],
                "source": bc["source"],
            }
        )
    if not out:
        raise GapError(
            f"no Arena snapshot up to {_iso(cut) or 'now'} has both open and closed models"
        )
    return pd.DataFrame.from_records(out)


def arena_selection(
    ratings: Any, models: Any, *, as_of: date | str | None = None, include_base: bool = False
) -> Selection:
    """The Arena ratings of one snapshot as a :class:`Selection` (benchmark "Arena rating").

    The snapshot is the last one on or before ``as_of``. Only entries linked to a model
    (``model_id``) with a ``release_date`` count, so the frontier can be drawn by release
    date within that one snapshot (ratings are never compared across snapshots).

    Args:
        ratings: ``arena_ratings`` table.
        models: ``models`` table.
        as_of: the snapshot date cut-off.
        include_base: count base models too.

    Returns:
        A Selection with unit ``rating`` (ratio is not meaningful on this scale).

    Raises:
        GapError: no snapshot or no linked models.
    """
    import pandas as pd

    rt = _pandas(ratings, "ratings")
    _require(rt, ["snapshot_date", "arena_model", "rating"], "arena_ratings")
    if "model_id" not in rt.columns:
        raise GapError("arena_ratings lacks model_id: ratings cannot be tied to release dates")
    rt["snapshot_date"] = pd.to_datetime(rt["snapshot_date"])
    cut = _timestamp(as_of)
    if cut is not None:
        rt = rt[rt["snapshot_date"] <= cut]
    if rt.empty:
        raise GapError(f"no Arena snapshot on or before {_iso(cut)}")
    snap = rt["snapshot_date"].max()
    month = rt[(rt["snapshot_date"] == snap) & rt["model_id"].notna()]
    fake = pd.DataFrame(
        {
            "model_id": month["model_id"],
            "benchmark": ARENA,
            "benchmark_variant": None,
            "score": month["rating"].astype(float),
            "scale": "rating",
            "score_pct": None,
            "setting": month["rating_method"] if "rating_method" in month else None,
            "reported_by": "LMArena",
            "eval_relationship": "independent",
            "source": month["source"] if "source" in month else None,
            "source_date": snap,
        }
    )
    if fake.empty:
        raise GapError(f"the Arena snapshot of {_iso(snap)} has no entry linked to a model_id")
    sel = select_scores(
        fake, models, ARENA, source="independent", setting="best", include_base=include_base
    )
    return Selection(
        benchmark=ARENA,
        source="independent",
        setting_rule=f"one snapshot ({_iso(snap)}); ratings compared within it only",
        configurations=sel.configurations,
        unit="rating",
        as_of=snap,
        rows=sel.rows,
        excluded=sel.excluded,
        notes=[
            f"Arena snapshot of {_iso(snap)} only; ratings are never compared across snapshots.",
            "Ratings are on an interval scale: the gap is in rating points and no ratio is given.",
        ],
    )


# --------------------------------------------------------------------------- composite


def composite(
    scores: Any,
    models: Any,
    benchmarks: Sequence[str],
    *,
    method: str = "pct_of_best",
    source: str = "independent",
    setting: str | None = None,
    as_of: date | str | None = None,
    include_base: bool = False,
) -> tuple[pd.DataFrame, list[Selection]]:
    """A normalised composite score over a benchmark set.

    Per benchmark b, over the models that have all the benchmarks:
    ``pct_of_best``: norm = score / max_b(score) × 100;
    ``minmax``: norm = (score - min_b) / (max_b - min_b) × 100.
    composite = mean over benchmarks of norm (0-100, unitless).

    Args:
        scores: ``benchmark_scores`` table.
        models: ``models`` table.
        benchmarks: two or more benchmark labels.
        method: ``pct_of_best`` or ``minmax``.
        source: source selection applied to every benchmark.
        setting: setting rule applied to every benchmark.
        as_of: only models released on or before it.
        include_base: count base models too.

    Returns:
        (table, selections): table has one row per model with model_id, model,
        open_weights, group, release_date, score (the composite) and one ``norm: <b>``
        column per benchmark; selections are the per-benchmark :class:`Selection`.

    Raises:
        GapError: unknown method, fewer than two benchmarks, or no model has them all.
    """
    if method not in ("pct_of_best", "minmax"):
        raise GapError(f"method = {method!r}: choose pct_of_best or minmax")
    if len(set(benchmarks)) < 2:
        raise GapError(f"benchmarks = {list(benchmarks)!r}: a composite needs two or more")
    sels = [
        select_scores(
            scores,
            models,
            b,
            source=source,
            setting=setting,
            as_of=as_of,
            include_base=include_base,
        )
        for b in benchmarks
    ]
    common = set(sels[0].rows["model_id"])
    for s in sels[1:]:
        common &= set(s.rows["model_id"])
    if not common:
        raise GapError(f"no model has scores on all of {', '.join(s.benchmark for s in sels)}")
    base = (
        sels[0]
        .rows[sels[0].rows["model_id"].isin(common)][
            ["model_id", "model", "organisation", "open_weights", "group", "release_date"]
        ]
        .reset_index(drop=True)
    )
    norm_cols = []
    for s in sels:
        vals = s.rows.set_index("model_id")["score"].reindex(base["model_id"]).astype(float)
        hi, lo = vals.max(), vals.min()
        if method == "pct_of_best":
            if hi <= 0:
                raise GapError(f"{s.benchmark}: best score is {hi}; % of best is undefined")
            norm = vals / hi * 100.0
        else:
            if hi == lo:
                raise GapError(f"{s.benchmark}: every model scores {hi}; min-max is undefined")
            norm = (vals - lo) / (hi - lo) * 100.0
        col = f"norm: {s.benchmark}"
        base[col] = norm.to_numpy()
        norm_cols.append(col)
    base["score"] = base[norm_cols].mean(axis=1)
    cols = ["model_id", "model", "organisation", "open_weights", "group", "release_date", "score"]
    out = base[cols + norm_cols].sort_values(["release_date", "score"], ignore_index=True)
    return out, sels


def composite_gap(
    scores: Any,
    models: Any,
    benchmarks: Sequence[str],
    *,
    method: str = "pct_of_best",
    source: str = "independent",
    setting: str | None = None,
    as_of: date | str | None = None,
    include_base: bool = False,
    levels: int = DEFAULT_LEVELS,
) -> GapResult:
    """Frontier, vertical gap and lag on the composite of :func:`composite`.

    Args:
        scores: ``benchmark_scores`` table.
        models: ``models`` table.
        benchmarks: two or more benchmark labels.
        method: ``pct_of_best`` or ``minmax``.
        source: source selection.
        setting: setting rule.
        as_of: only models released on or before it.
        include_base: count base models too.
        levels: score levels for the lag.

    Returns:
        A :class:`GapResult` whose benchmark is "Composite (b1, b2, …)".

    Raises:
        GapError: see :func:`composite`.
    """
    table, sels = composite(
        scores,
        models,
        benchmarks,
        method=method,
        source=source,
        setting=setting,
        as_of=as_of,
        include_base=include_base,
    )
    first = sels[0]
    rows = table.assign(setting=None, source=None)
    sel = Selection(
        benchmark=f"Composite ({', '.join(s.benchmark for s in sels)})",
        source=source,
        setting_rule="; ".join(f"{s.benchmark}: {s.setting_rule}" for s in sels),
        configurations=[
            {"benchmark": s.benchmark, "configurations": s.configurations} for s in sels
        ],
        unit=f"composite ({method}, 0-100)",
        as_of=first.as_of,
        rows=rows.assign(reported_by=", ".join(first.reported_by)),
        excluded={"missing a benchmark": int(max(len(s.rows) for s in sels) - len(table))},
        notes=[n for s in sels for n in s.notes],
    )
    return gap_from_selection(sel, levels=levels)


def lag_by_benchmark(
    scores: Any,
    models: Any,
    benchmarks: Sequence[str],
    *,
    source: str = "independent",
    setting: str | None = None,
    as_of: date | str | None = None,
    include_base: bool = False,
    levels: int = DEFAULT_LEVELS,
) -> pd.DataFrame:
    """The gap figures for several benchmarks, one row each.

    A benchmark that cannot be measured keeps its row, with empty figures and the reason
    in ``note`` (nothing is dropped silently).

    Args:
        scores: ``benchmark_scores`` table.
        models: ``models`` table.
        benchmarks: benchmark labels.
        source: source selection.
        setting: setting rule.
        as_of: only models released on or before it.
        include_base: count base models too.
        levels: score levels for the lag.

    Returns:
        Columns benchmark, lag_months, points, ratio, unit, best_open, best_closed,
        n_open, n_closed, source, setting_rule, note.
    """
    import pandas as pd

    out = []
    for b in benchmarks:
        try:
            g = measure_gap(
                scores,
                models,
                b,
                source=source,
                setting=setting,
                as_of=as_of,
                include_base=include_base,
                levels=levels,
            )
        except GapError as exc:
            out.append({"benchmark": b, "source": source, "note": str(exc)})
            continue
        out.append(
            {
                "benchmark": g.benchmark,
                "lag_months": g.lag_months,
                "points": g.vertical.points,
                "ratio": g.vertical.ratio,
                "unit": g.selection.unit,
                "best_open": g.vertical.best_open.model,
                "best_closed": g.vertical.best_closed.model,
                "n_open": int(g.selection.rows["open_weights"].sum()),
                "n_closed": int((~g.selection.rows["open_weights"]).sum()),
                "source": source,
                "setting_rule": g.selection.setting_rule,
                "note": g.horizontal.reason,
            }
        )
    cols = [
        "benchmark",
        "lag_months",
        "points",
        "ratio",
        "unit",
        "best_open",
        "best_closed",
        "n_open",
        "n_closed",
        "source",
        "setting_rule",
        "note",
    ]
    df = pd.DataFrame.from_records(out, columns=cols)
    for col in ("lag_months", "points", "ratio"):
        df[col] = df[col].astype("Float64")
    for col in ("n_open", "n_closed"):
        df[col] = df[col].astype("Int64")
    return df


# --------------------------------------------------------------------------- quality vs price


def pareto_frontier(
    df: Any, score: str = "score", price: str = "blended_usd_per_mtok"
) -> list[bool]:
    """Which rows are on the quality-price Pareto frontier.

    A row is on it when no other row has a score at least as high and a price at least as
    low with one of the two strictly better.

    Args:
        df: a table with the score and price columns.
        score: column to maximise.
        price: column to minimise.

    Returns:
        One bool per row, in the table's order.
    """
    data = _pandas(df, "df")
    _require(data, [score, price], "quality-price table")
    items = sorted(
        (
            (float(p), -float(s), i)
            for i, (s, p) in enumerate(zip(data[score], data[price], strict=True))
        ),
    )
    # Cheapest first; a row is undominated when it beats every cheaper row's score, or
    # ties exactly (same price and score) the last undominated row.
    flags = [False] * len(items)
    best, best_price = -math.inf, math.nan
    for p, neg_s, i in items:
        s = -neg_s
        if s > best or (s == best and p == best_price):
            flags[i] = True
            best, best_price = s, p
    return flags


def quality_price_table(rows: Any, prices: Any) -> pd.DataFrame:
    """Each model's score against its blended (3:1) price, with the Pareto frontier.

    blended_usd_per_mtok = (3 × input + 1 × output) / 4 (USD per 1M tokens), unless the
    prices table already has ``blended_usd_per_mtok``.

    Args:
        rows: one row per model (model_id, model, open_weights, score, …), e.g.
            ``Selection.rows``.
        prices: one row per model_id with input_usd_per_mtok and output_usd_per_mtok (or
            blended_usd_per_mtok), e.g. the warehouse's ``model_prices_at(d)``; optional
            price_basis.

    Returns:
        Rows of models that have a price: model_id, model, open_weights, group, score,
        blended_usd_per_mtok, price_basis, on_frontier. Models without a price are left out.

    Raises:
        GapError: required columns are missing.
    """
    sel = _pandas(rows, "rows")
    pr = _pandas(prices, "prices")
    _require(sel, ["model_id", "model", "open_weights", "score"], "score rows")
    _require(pr, ["model_id"], "prices")
    if "blended_usd_per_mtok" not in pr.columns:
        _require(pr, ["input_usd_per_mtok", "output_usd_per_mtok"], "prices")
        pr["blended_usd_per_mtok"] = [
            blended_price(i, o)
            for i, o in zip(pr["input_usd_per_mtok"], pr["output_usd_per_mtok"], strict=True)
        ]
    if "price_basis" not in pr.columns:
        pr["price_basis"] = None
    pr = pr[pr["blended_usd_per_mtok"].map(lambda v: _finite(v) is not None)]
    pr = pr.sort_values("blended_usd_per_mtok").drop_duplicates("model_id")
    sel = sel.drop(columns=[c for c in ("blended_usd_per_mtok", "price_basis") if c in sel])
    # One price per model (deduplicated above): the inner join is a lookup.
    priced = pr.set_index("model_id")
    df = sel[sel["model_id"].isin(priced.index).to_numpy()].reset_index(drop=True)
    df["blended_usd_per_mtok"] = df["model_id"].map(priced["blended_usd_per_mtok"])
    df["price_basis"] = df["model_id"].map(priced["price_basis"])
    df["open_weights"] = df["open_weights"].map(_to_bool).astype(bool)
    df["group"] = df["open_weights"].map(lambda o: OPEN_LABEL if o else CLOSED_LABEL)
    df["blended_usd_per_mtok"] = df["blended_usd_per_mtok"].astype(float)
    df = df.reset_index(drop=True)
    df["on_frontier"] = pareto_frontier(df) if len(df) else []
    return df.sort_values("blended_usd_per_mtok", ignore_index=True)


# --------------------------------------------------------------------------- price trend


def cheapest_over_time(
    rows: Any,
    price_history: Any,
    threshold: float,
    *,
    as_of: date | str | None = None,
    by_group: bool = True,
) -> pd.DataFrame:
    """The cheapest blended price at which a capability level was on offer, over time.

    A model qualifies when its score >= ``threshold``. A price counts from its
    ``effective_from`` (inclusive) until the next ``effective_from`` of the same
    (provider, api_model) (exclusive). Prices with no ``effective_from`` are skipped (their
    start is unknown); scheduled prices count from their date. Price per offer:
    blended = (3 × input + 1 × output) / 4, USD per 1M tokens.

    Args:
        rows: one row per model (model_id, model, open_weights, score).
        price_history: ``api_prices`` (provider, api_model, model_id, input_usd_per_mtok,
            output_usd_per_mtok, effective_from).
        threshold: minimum score, in the rows' unit.
        as_of: end of the series (None: the last price change).
        by_group: one series per side (open/closed) as well as the overall one.

    Returns:
        A step series: group ("All", "Open weights", "Closed"), date, usd_per_mtok, model_id,
        model, provider, api_model, score, date_basis (how the price's start date is known,
        e.g. ``first_recorded``: first seen in the source, not the vendor's date). A row
        is written when the cheapest price or offer changes, plus a closing row at ``as_of``.

    Raises:
        GapError: required columns are missing or no model reaches the threshold.
    """
    import pandas as pd

    sel = _pandas(rows, "rows")
    ph = _pandas(price_history, "price_history")
    _require(sel, ["model_id", "model", "open_weights", "score"], "score rows")
    _require(
        ph,
        [
            "provider",
            "api_model",
            "model_id",
            "input_usd_per_mtok",
            "output_usd_per_mtok",
            "effective_from",
        ],
        "api_prices",
    )
    able = sel[sel["score"].astype(float) >= float(threshold)]
    if able.empty:
        raise GapError(
            f"threshold = {threshold!r}: no model reaches it (best {sel['score'].max():.4g})"
        )
    ph = ph.copy()
    if "date_basis" not in ph.columns:
        ph["date_basis"] = None
    ph["effective_from"] = pd.to_datetime(ph["effective_from"], errors="coerce")
    ph = ph[ph["effective_from"].notna()]
    ph = ph.sort_values(["provider", "api_model", "effective_from"])
    ph["until"] = ph.groupby(["provider", "api_model"])["effective_from"].shift(-1)
    ph["usd_per_mtok"] = [
        blended_price(i, o)
        for i, o in zip(ph["input_usd_per_mtok"], ph["output_usd_per_mtok"], strict=True)
    ]
    offers = ph.merge(able[["model_id", "model", "open_weights", "score"]], on="model_id")
    offers["open_weights"] = offers["open_weights"].map(_to_bool).astype(bool)
    cut = _timestamp(as_of)
    if cut is not None:
        offers = offers[offers["effective_from"] <= cut]
    cols = [
        "group",
        "date",
        "usd_per_mtok",
        "model_id",
        "model",
        "provider",
        "api_model",
        "score",
        "date_basis",
    ]
    if offers.empty:
        return pd.DataFrame(columns=cols)
    end = cut if cut is not None else offers["effective_from"].max()
    dates = sorted(
        set(offers["effective_from"]) | {d for d in offers["until"].dropna() if d <= end}
    )
    groups = [("All", None)]
    if by_group:
        groups += [(OPEN_LABEL, True), (CLOSED_LABEL, False)]
    out = []
    for label, flag in groups:
        side = offers if flag is None else offers[offers["open_weights"] == flag]
        last_key = None
        for d in dates:
            live = side[
                (side["effective_from"] <= d) & (side["until"].isna() | (side["until"] > d))
            ]
            if live.empty:
                key, rec = ("none",), None
            else:
                top = live.sort_values(["usd_per_mtok", "score"], ascending=[True, False]).iloc[0]
                key = (round(float(top["usd_per_mtok"]), 9), top["provider"], top["api_model"])
                rec = {
                    "group": label,
                    "date": d,
                    "usd_per_mtok": float(top["usd_per_mtok"]),
                    "model_id": top["model_id"],
                    "model": top["model"],
                    "provider": top["provider"],
                    "api_model": top["api_model"],
                    "score": float(top["score"]),
                    "date_basis": top["date_basis"],
                }
            if key != last_key and rec is not None:
                out.append(rec)
            last_key = key
        if out and out[-1]["group"] == label and out[-1]["date"] < end and last_key != ("none",):
            out.append({**out[-1], "date": end})
    return pd.DataFrame.from_records(out, columns=cols)


# --------------------------------------------------------------------------- claim check


def _rests_on(g: GapResult) -> str:
    v = g.vertical
    return (
        f"{g.benchmark} · {g.selection.source} ({', '.join(g.selection.reported_by)}) · "
        f"{g.selection.setting_rule} · best open {v.best_open.model} {v.best_open.score:.4g} "
        f"({v.best_open.date}) vs best closed {v.best_closed.model} {v.best_closed.score:.4g} "
        f"({v.best_closed.date}) · {int(g.selection.rows['open_weights'].sum())} open / "
        f"{int((~g.selection.rows['open_weights']).sum())} closed models"
    )


def _priced(row: Any) -> str:
    basis = row.get("price_basis")
    return (
        f"{row['model']} ({float(row['score']):.4g}, "
        f"${float(row['blended_usd_per_mtok']):.4g}/Mtok"
        f"{', ' + str(basis) if not _missing(basis) else ''})"
    )


def claim_check(
    scores: Any,
    models: Any,
    claims: Any,
    benchmarks: Sequence[str],
    *,
    prices: Any = None,
    as_of: date | str | None = None,
    source: str = "independent",
    setting: str | None = None,
    cheaper_factor: float = DEFAULT_CHEAPER_FACTOR,
    levels: int = DEFAULT_LEVELS,
    measure: Callable[[str, Any], GapResult] | None = None,
) -> pd.DataFrame:
    """Published claims about the open-vs-closed gap against the measured figures.

    Rows, per benchmark: the performance claim (ratio open / closed against 0.90-0.95);
    the cost claim (closed / open blended price of the best-scoring priced model on each
    side, "supported" when at least ``cheaper_factor``); and each ``gap_claims`` row with a
    ``lag_months`` (measured lag as of ``as_of`` and as of the claim's date; the difference
    is measured minus the nearest end of the stated range, 0 inside it).

    Args:
        scores: ``benchmark_scores`` table.
        models: ``models`` table.
        claims: ``gap_claims`` table (claim_id, publisher, title, published_date,
            claim_verbatim, lag_months, lag_months_high, url).
        benchmarks: benchmark labels to measure on.
        prices: per-model prices in force on ``as_of`` (``model_prices_at``); None skips
            the cost claim.
        as_of: the measurement date (None: all data).
        source: source selection.
        setting: setting rule.
        cheaper_factor: price factor read as "dramatically lower cost".
        levels: score levels for the lag.
        measure: ``measure(benchmark, date)`` gives a benchmark's :class:`GapResult` as of
            a date (a normalised Timestamp, or None for all data); default
            :func:`measure_gap` on ``scores`` and ``models`` with this call's source,
            setting and levels. Either way each distinct (benchmark, date) is measured
            once per call: claims published on the same day, or on ``as_of``, share it.

    Returns:
        Columns claim_id, claim, publisher, published_date, url, benchmark, stated,
        measured, measured_value, measured_at_claim_date, difference, verdict, rests_on,
        as_of. Figures that cannot be measured are empty, with the reason in ``verdict``.
    """
    import pandas as pd

    cut = _timestamp(as_of)
    cl = _pandas(claims, "claims") if claims is not None else pd.DataFrame()
    claims_rows = cl.to_dict("records")  # plain dicts: read row by row below
    out: list[dict[str, Any]] = []
    lo, hi = PERFORMANCE_CLAIM_RANGE
    if measure is None:

        def measure(b: str, when: Any) -> GapResult:
            return measure_gap(
                scores, models, b, source=source, setting=setting, as_of=when, levels=levels
            )

    measured_once: dict[tuple[str, Any], GapResult | GapError] = {}

    def gap_at(b: str, when: Any) -> GapResult:
        """The gap on ``b`` as of ``when``, measured once per call (errors too)."""
        key = (b, when)
        if key not in measured_once:
            try:
                measured_once[key] = measure(b, when)
            except GapError as exc:
                measured_once[key] = exc
        found = measured_once[key]
        if isinstance(found, GapError):
            raise GapError(str(found))
        return found

    for b in benchmarks:
        try:
            g = gap_at(b, cut)
        except GapError as exc:
            out.append(
                {"claim": PERFORMANCE_CLAIM, "benchmark": b, "verdict": f"not measured: {exc}"}
            )
            continue
        rests_on = _rests_on(g)  # the same for every row of this benchmark
        ratio = g.vertical.ratio
        if ratio is None:
            verdict = "not measured: no ratio on this scale"
        elif ratio < lo:
            verdict = "below the claimed range: open models trail by more"
        elif ratio > hi:
            verdict = "above the claimed range: open models are closer"
        else:
            verdict = "within the claimed range"
        out.append(
            {
                "claim_id": "performance-90-95",
                "claim": PERFORMANCE_CLAIM,
                "benchmark": g.benchmark,
                "stated": "90–95% (ratio 0.90–0.95)",
                "measured": None if ratio is None else f"{ratio:.1%}",
                "measured_value": ratio,
                "difference": None
                if ratio is None
                else (ratio - lo if ratio < lo else max(0.0, ratio - hi)),
                "verdict": verdict,
                "rests_on": rests_on,
            }
        )
        if prices is not None:
            # Only the columns the cost claim reads (the table merges whatever it is given).
            q = quality_price_table(
                g.selection.rows[["model_id", "model", "open_weights", "score"]], prices
            )
            sides = {}
            for label in (OPEN_LABEL, CLOSED_LABEL):
                side = q[q["group"] == label].sort_values(
                    ["score", "blended_usd_per_mtok"], ascending=[False, True]
                )
                sides[label] = None if side.empty else side.iloc[0]
            o, c = sides[OPEN_LABEL], sides[CLOSED_LABEL]
            if o is None or c is None or float(o["blended_usd_per_mtok"]) <= 0:
                out.append(
                    {
                        "claim_id": "cost-dramatically-lower",
                        "claim": COST_CLAIM,
                        "benchmark": g.benchmark,
                        "stated": f"closed costs >= {cheaper_factor:g}× open (declared reading)",
                        "verdict": "not measured: no priced model on one side",
                    }
                )
            else:
                factor = float(c["blended_usd_per_mtok"]) / float(o["blended_usd_per_mtok"])
                out.append(
                    {
                        "claim_id": "cost-dramatically-lower",
                        "claim": COST_CLAIM,
                        "benchmark": g.benchmark,
                        "stated": f"closed costs >= {cheaper_factor:g}× open (declared reading)",
                        "measured": f"closed costs {factor:.1f}× open",
                        "measured_value": factor,
                        "difference": factor - cheaper_factor,
                        "verdict": "supported" if factor >= cheaper_factor else "not supported",
                        "rests_on": (
                            f"{g.benchmark}: best priced open {_priced(o)} vs best priced "
                            f"closed {_priced(c)}; blended 3:1, prices in force "
                            f"{_iso(cut) or 'latest'}"
                        ),
                    }
                )
        if cl.empty or "lag_months" not in cl.columns:
            continue
        for claim in claims_rows:
            stated_lo = _finite(claim.get("lag_months"))
            if stated_lo is None:
                continue
            stated_hi = _finite(claim.get("lag_months_high")) or stated_lo
            measured = g.horizontal.lag_months
            then = None
            published = claim.get("published_date")
            try:
                then = gap_at(b, _timestamp(published)).lag_months
            except GapError:
                then = None
            if measured is None:
                diff, verdict = None, f"not measured: {g.horizontal.reason}"
            else:
                diff = (
                    measured - stated_hi if measured > stated_hi else min(0.0, measured - stated_lo)
                )
                if diff == 0:
                    verdict = "within the stated lag"
                elif diff > 0:
                    verdict = f"measured lag {diff:.1f} months longer"
                else:
                    verdict = f"measured lag {-diff:.1f} months shorter"
            stated = (
                f"{stated_lo:g} months"
                if stated_hi == stated_lo
                else f"{stated_lo:g}–{stated_hi:g} months"
            )
            out.append(
                {
                    "claim_id": claim.get("claim_id"),
                    "claim": claim.get("claim_verbatim") or claim.get("title"),
                    "publisher": claim.get("publisher"),
                    "published_date": _iso(_timestamp(published, "published_date")),
                    "url": claim.get("url"),
                    "benchmark": g.benchmark,
                    "stated": stated,
                    "measured": None if measured is None else f"{measured:.1f} months",
                    "measured_value": measured,
                    "measured_at_claim_date": then,
                    "difference": diff,
                    "verdict": verdict,
                    "rests_on": rests_on,
                }
            )
    cols = [
        "claim_id",
        "claim",
        "publisher",
        "published_date",
        "url",
        "benchmark",
        "stated",
        "measured",
        "measured_value",
        "measured_at_claim_date",
        "difference",
        "verdict",
        "rests_on",
        "as_of",
    ]
    numeric = ("measured_value", "measured_at_claim_date", "difference")
    when = _iso(cut)
    # Built once, column by column (no NaN: missing numbers are NA, missing text None).
    return pd.DataFrame(
        {
            col: pd.array([_finite(r.get(col)) for r in out], dtype="Float64")
            if col in numeric
            else [None if _missing(v) else v for v in (r.get(col) for r in out)]
            if col != "as_of"
            else [when] * len(out)
            for col in cols
        },
        columns=cols,
    )


# --------------------------------------------------------------------------- warehouse helpers


KEEP_GAPS = 64
"""Gaps as of fixed dates (the claims' publication dates) kept per warehouse version;
also the number of benchmark selections kept before the ``as_of`` cut."""


class _Remembered:
    """Warehouse tables and gap results, kept for one version of the warehouse file.

    A version is the file's path, size, modification time and inode: a rebuilt or
    re-pointed warehouse is a new version, and what was kept for the old one is dropped.
    Kept: whole tables; per benchmark, source, variant and base rule, the rows the
    selection rules keep before the ``as_of`` cut (:class:`_Candidates`: the part of a
    selection that does not move with the analysis date); gaps as of fixed dates (a
    claim's publication date does not move with the analysis date either); each up to
    :data:`KEEP_GAPS`; and the latest gap asked for by :func:`benchmark_gap`, so that a
    panel and its claim check measuring the same benchmark on the same date share one
    computation. Gap errors are kept as messages. Results handed out are shared: treat
    them as read-only.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: tuple[Any, ...] | None = None
        self.tables: dict[str, pd.DataFrame] = {}
        self.candidates: dict[tuple[Any, ...], _Candidates] = {}
        self.fixed: dict[tuple[Any, ...], GapResult | str] = {}
        self.latest: tuple[tuple[Any, ...], GapResult | str] | None = None

    def check(self) -> tuple[Any, ...]:
        """The current warehouse version (building it if needed); forget an older one."""
        from analysis import warehouse

        version = warehouse.version()
        with self.lock:
            if version != self.version:
                self.version, self.tables, self.latest = version, {}, None
                self.candidates, self.fixed = {}, {}
        return version

    def table(self, name: str, version: tuple[Any, ...] | None = None) -> pd.DataFrame:
        """A whole table (kept: read it, do not change it); ``version`` if just checked."""
        from analysis import warehouse

        version = version or self.check()
        with self.lock:
            found = self.tables.get(name)
        if found is None:
            found = _pandas(warehouse.load(name, backend="pandas"), name)
            with self.lock:
                if self.version == version:
                    self.tables[name] = found
        return found

    def selection(
        self,
        benchmark: str,
        source: str,
        setting: str | None,
        variant: str | None,
        as_of: Any,
        include_base: bool,
        version: tuple[Any, ...],
    ) -> Selection:
        """:func:`select_scores` on the warehouse tables, its first half kept."""
        sc, md, label = _selection_inputs(
            self.table("benchmark_scores", version),
            self.table("models", version),
            benchmark,
            source,
        )
        cut = _timestamp(as_of)
        key = (version, label, source, variant, include_base)
        with self.lock:
            cands = self.candidates.get(key)
        if cands is None:
            cands = _candidates(sc, md, label, source, variant, include_base)
            with self.lock:
                if self.version == version and len(self.candidates) < KEEP_GAPS:
                    self.candidates[key] = cands
        return _choose(cands, setting, cut)

    def gap(
        self,
        key: tuple[Any, ...],
        compute: Callable[[tuple[Any, ...]], GapResult],
        fixed: bool,
        version: tuple[Any, ...] | None = None,
    ) -> GapResult:
        """The gap for ``key``: kept, else ``compute(version)`` and kept (``fixed``: among
        the fixed dates' gaps, else as the latest); ``version`` if just checked."""
        version = version or self.check()
        key = (version, *key)
        with self.lock:
            if fixed:
                found = self.fixed.get(key)
            else:
                found = self.latest[1] if self.latest and self.latest[0] == key else None
        if found is None:
            try:
                found = compute(version)
            except GapError as exc:
                found = str(exc)
            with self.lock:
                if self.version == version:
                    if not fixed:
                        self.latest = (key, found)
                    elif len(self.fixed) < KEEP_GAPS:
                        self.fixed[key] = found
        if isinstance(found, str):
            raise GapError(found)
        return found


_REMEMBERED = _Remembered()


def load_tables(*names: str) -> dict[str, pd.DataFrame]:
    """Warehouse tables as pandas DataFrames.

    Each table is read once per version of the warehouse file; every call gets its own
    copy (copy-on-write: changing it leaves the kept table as it is).

    Args:
        names: table names (e.g. ``benchmark_scores``, ``models``).

    Returns:
        Name -> DataFrame.

    Raises:
        WarehouseError: the warehouse cannot be opened (from :mod:`analysis.warehouse`).
    """
    return {n: _REMEMBERED.table(n).copy(deep=False) for n in names}


def model_prices(as_of: date | str) -> pd.DataFrame:
    """Per-model prices in force on a date (the warehouse's ``model_prices_at`` macro).

    Args:
        as_of: the date.

    Returns:
        One row per model_id: price_basis, input/output/blended_usd_per_mtok.

    Raises:
        GapError: ``as_of`` is not a date.
        WarehouseError: the warehouse cannot be queried.
    """
    from analysis import warehouse

    day = _timestamp(as_of)
    if day is None:
        raise GapError("as_of = None: prices need a date")
    return warehouse.query(
        "SELECT * FROM model_prices_at(CAST(? AS DATE))", [day.date()], backend="pandas"
    )


def benchmark_gap(
    benchmark: str,
    *,
    source: str = "independent",
    setting: str | None = None,
    variant: str | None = None,
    as_of: date | str | None = None,
    include_base: bool = False,
    levels: int = DEFAULT_LEVELS,
) -> GapResult:
    """The open-vs-closed gap on a benchmark, read from the warehouse.

    ``benchmark`` "arena" (any case) or "Arena rating" analyses the Arena snapshot on or
    before ``as_of`` (see :func:`arena_selection`). The latest result is kept for the same
    arguments and warehouse version (a panel and its claim check share it); it is shared,
    so treat it as read-only.

    Args:
        benchmark: benchmark label.
        source: ``independent``, ``vendor`` or ``all``.
        setting: None, ``"best"`` or a setting text.
        variant: a ``benchmark_variant`` to keep.
        as_of: only models released on or before it.
        include_base: count base models too.
        levels: score levels for the lag.

    Returns:
        The :class:`GapResult`.

    Raises:
        GapError: see :func:`measure_gap`.
        WarehouseError: the warehouse cannot be opened.
    """
    return _warehouse_gap(
        benchmark,
        source=source,
        setting=setting,
        variant=variant,
        as_of=as_of,
        include_base=include_base,
        levels=levels,
        fixed=False,
    )


def _date_key(value: Any) -> Any:
    """``value`` as a normalised Timestamp for a lookup key (kept as text when it is not a
    date: the computation then reports it, in its usual order of checks)."""
    try:
        return _timestamp(value)
    except GapError:
        return ("not a date", repr(value))


def _warehouse_gap(
    benchmark: str,
    *,
    source: str,
    setting: str | None,
    variant: str | None,
    as_of: Any,
    include_base: bool,
    levels: int,
    fixed: bool,
    version: tuple[Any, ...] | None = None,
) -> GapResult:
    """:func:`benchmark_gap`, kept as the latest result or (``fixed``) among fixed dates';
    ``version``: the warehouse version if just checked."""

    def compute(version: tuple[Any, ...]) -> GapResult:
        table = _REMEMBERED.table
        if benchmark.strip().lower() in ("arena", ARENA.lower()):
            sel = arena_selection(
                table("arena_ratings", version),
                table("models", version),
                as_of=as_of,
                include_base=include_base,
            )
            return gap_from_selection(sel, levels=levels, ratio=False)
        sel = _REMEMBERED.selection(
            benchmark, source, setting, variant, as_of, include_base, version
        )
        return gap_from_selection(sel, levels=levels)

    key = (benchmark, source, setting, variant, _date_key(as_of), include_base, int(levels))
    return _REMEMBERED.gap(key, compute, fixed, version)


def quality_vs_price(
    benchmark: str,
    as_of: date | str,
    *,
    source: str = "independent",
    setting: str | None = None,
    include_base: bool = False,
) -> pd.DataFrame:
    """Score against blended (3:1) price on a date, from the warehouse, with the Pareto frontier.

    Args:
        benchmark: benchmark label.
        as_of: price date (and release cut-off).
        source: source selection.
        setting: setting rule.
        include_base: count base models too.

    Returns:
        See :func:`quality_price_table`.

    Raises:
        GapError: see :func:`select_scores`.
        WarehouseError: the warehouse cannot be opened.
    """
    t = load_tables("benchmark_scores", "models")
    sel = select_scores(
        t["benchmark_scores"],
        t["models"],
        benchmark,
        source=source,
        setting=setting,
        as_of=as_of,
        include_base=include_base,
    )
    return quality_price_table(sel.rows, model_prices(as_of))


def price_trend(
    benchmark: str,
    threshold: float,
    as_of: date | str,
    *,
    source: str = "independent",
    setting: str | None = None,
) -> pd.DataFrame:
    """Cheapest blended price of a capability level over time, from the warehouse.

    Args:
        benchmark: benchmark label.
        threshold: minimum score on it.
        as_of: end of the series.
        source: source selection.
        setting: setting rule.

    Returns:
        See :func:`cheapest_over_time`.

    Raises:
        GapError: see :func:`select_scores` and :func:`cheapest_over_time`.
        WarehouseError: the warehouse cannot be opened.
    """
    t = load_tables("benchmark_scores", "models", "api_prices")
    sel = select_scores(
        t["benchmark_scores"], t["models"], benchmark, source=source, setting=setting
    )
    return cheapest_over_time(sel.rows, t["api_prices"], threshold, as_of=as_of)


def claims_table(
    benchmarks: Sequence[str],
    as_of: date | str,
    *,
    source: str = "independent",
    setting: str | None = None,
    cheaper_factor: float = DEFAULT_CHEAPER_FACTOR,
) -> pd.DataFrame:
    """The claim-check table from the warehouse (see :func:`claim_check`).

    The gap as of ``as_of`` is shared with :func:`benchmark_gap` (the latest one kept);
    gaps as of the claims' publication dates, which do not depend on ``as_of``, are kept
    per warehouse version, so moving ``as_of`` measures one gap per benchmark.

    Args:
        benchmarks: benchmark labels to measure on.
        as_of: measurement and price date.
        source: source selection.
        setting: setting rule.
        cheaper_factor: price factor read as "dramatically lower cost".

    Returns:
        See :func:`claim_check`.

    Raises:
        WarehouseError: the warehouse cannot be opened.
    """
    cut = _timestamp(as_of)
    version = _REMEMBERED.check()

    def measure(benchmark: str, when: Any) -> GapResult:
        return _warehouse_gap(
            benchmark,
            source=source,
            setting=setting,
            variant=None,
            as_of=when,
            include_base=False,
            levels=DEFAULT_LEVELS,
            fixed=when != cut,
            version=version,
        )

    return claim_check(
        _REMEMBERED.table("benchmark_scores", version),
        _REMEMBERED.table("models", version),
        _REMEMBERED.table("gap_claims", version),
        benchmarks,
        prices=model_prices(as_of),
        as_of=as_of,
        source=source,
        setting=setting,
        cheaper_factor=cheaper_factor,
        measure=measure,
    )


# --------------------------------------------------------------------------- CLI


def _cli_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--as-of {text!r}: use YYYY-MM-DD") from exc


def register_cli(subparsers: Any) -> None:
    """Add the ``gap`` command.

    Args:
        subparsers: the ``add_subparsers()`` object of the main parser.
    """
    p = subparsers.add_parser(
        "gap",
        help="how far open-weight models trail closed ones on a benchmark",
        description=(
            "Current vertical gap (best closed - best open, and open/closed), the average "
            "lag in months (Epoch AI's horizontal gap) and the models on each frontier. "
            "Use --benchmark arena for the Arena rating (one snapshot)."
        ),
    )
    p.add_argument("--benchmark", help="benchmark label, e.g. GPQA-Diamond (see --list)")
    p.add_argument(
        "--source",
        choices=list(SOURCES),
        default="independent",
        help="independent runs (default), vendor-reported tables, or all",
    )
    p.add_argument(
        "--setting",
        help="keep one setting (text as in benchmark_scores), or 'best' for each model's best",
    )
    p.add_argument("--variant", help="keep one benchmark_variant")
    p.add_argument(
        "--as-of",
        type=_cli_date,
        default=None,
        help="only models released on or before this date (default: today)",
    )
    p.add_argument("--include-base", action="store_true", help="count base models too")
    p.add_argument("--list", action="store_true", help="list benchmarks with row counts by source")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_gap)


def _cmd_gap(args: argparse.Namespace) -> int:
    from analysis.console import print_json, print_table

    if args.list:
        sc = load_tables("benchmark_scores")["benchmark_scores"]
        counts = (
            sc.assign(
                kind=sc["eval_relationship"].map(
                    lambda r: "independent" if r in INDEPENDENT else "vendor"
                )
            )
            .groupby(["benchmark", "kind"])["model_id"]
            .nunique()
            .unstack(fill_value=0)
        )
        rows = [
            {
                "benchmark": b,
                "independent_models": int(r.get("independent", 0)),
                "vendor_models": int(r.get("vendor", 0)),
            }
            for b, r in counts.iterrows()
        ]
        if args.json:
            print_json(rows)
        else:
            print_table(rows)
        return 0
    if not args.benchmark:
        raise GapError("--benchmark is required (see `python -m analysis gap --list`)")
    as_of = args.as_of or date.today()  # the "now" default lives here, at the edge
    result = benchmark_gap(
        args.benchmark,
        source=args.source,
        setting=args.setting,
        variant=args.variant,
        as_of=as_of,
        include_base=args.include_base,
    )
    data = result.to_dict()
    if args.json:
        print_json(data)
        return 0
    unit = "" if data["unit"] == "rating" else (" %" if data["unit"] == "%" else f" {data['unit']}")
    bo, bc = data["best_open"], data["best_closed"]
    print(
        f"{data['benchmark']} — {data['source']} ({', '.join(data['reported_by'])}), "
        f"models released by {data['as_of']}"
    )
    print(f"Settings: {data['setting_rule']}")
    for c in data["configurations"]:
        label = " / ".join(str(x) for x in (c.get("benchmark_variant"), c.get("setting")) if x)
        n = c.get("models")
        print(f"  {label or '(no setting given)'}: {n} model{'' if n == 1 else 's'}")
    print(f"Best closed: {bc['model']} {bc['score']:.4g}{unit} (released {bc['date']})")
    print(f"Best open:   {bo['model']} {bo['score']:.4g}{unit} (released {bo['date']})")
    ratio = f"; open/closed = {data['ratio']:.1%}" if data["ratio"] is not None else ""
    print(f"Vertical gap: {data['points']:.4g} points{ratio}")
    lv = data["lag_levels"]
    if data["lag_months"] is None:
        print(f"Lag: not measurable ({lv['reason']})")
    else:
        print(
            f"Lag: {data['lag_months']:.1f} months on average over {lv['count']} score levels "
            f"from {lv['low']:.4g} to {lv['high']:.4g}{unit}"
        )
    if data["excluded"]:
        print("Left out: " + ", ".join(f"{k}: {v}" for k, v in data["excluded"].items()))
    for n in data["notes"]:
        print(f"Note: {n}")
    for side, label in (("closed", "Closed frontier"), ("open", "Open-weight frontier")):
        print(f"\n{label}:")
        print_table(data["frontier"][side], ["date", "model", "score"])
    return 0
