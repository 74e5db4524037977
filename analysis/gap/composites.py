"""Several benchmarks at once: a normalised composite, its gap, and the lag per benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from analysis.errors import GapError
from analysis.gap.frontiers import DEFAULT_LEVELS, GapResult, gap_from_selection, measure_gap
from analysis.gap.selection import Selection, select_scores

if TYPE_CHECKING:
    import pandas as pd

    from analysis.gap.frames import DateLike, Table


def composite(
    scores: Table,
    models: Table,
    benchmarks: Sequence[str],
    *,
    method: str = "pct_of_best",
    source: str = "independent",
    setting: str | None = None,
    as_of: DateLike | None = None,
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
    scores: Table,
    models: Table,
    benchmarks: Sequence[str],
    *,
    method: str = "pct_of_best",
    source: str = "independent",
    setting: str | None = None,
    as_of: DateLike | None = None,
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
    scores: Table,
    models: Table,
    benchmarks: Sequence[str],
    *,
    source: str = "independent",
    setting: str | None = None,
    as_of: DateLike | None = None,
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

    out: list[dict[str, Any]] = []
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
