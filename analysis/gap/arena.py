"""The Arena (LMArena) rating gap: within each monthly snapshot, never across snapshots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.errors import GapError
from analysis.gap.frames import (
    iso,
    pandas_copy,
    require_columns,
    timestamp,
    to_bool,
)
from analysis.gap.selection import Selection, select_scores

if TYPE_CHECKING:
    import pandas as pd

    from analysis.gap.frames import DateLike, Table


ARENA = "Arena rating"
"""Benchmark label under which the LMArena text rating is analysed."""


def arena_monthly_gap(ratings: Table, as_of: DateLike | None = None) -> pd.DataFrame:
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

    df = pandas_copy(ratings, "ratings")
    require_columns(df, ["snapshot_date", "arena_model", "open_weights", "rating"], "arena_ratings")
    for col in ("rating_method", "source"):
        if col not in df.columns:
            df[col] = None
    df["snapshot_date"] = pd.to_datetime(df["snapshot_date"])
    df["open_weights"] = df["open_weights"].map(to_bool)
    df = df[df["open_weights"].notna()]
    cut = timestamp(as_of)
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
            f"no Arena snapshot up to {iso(cut) or 'now'} has both open and closed models"
        )
    return pd.DataFrame.from_records(out)


def arena_selection(
    ratings: Table, models: Table, *, as_of: DateLike | None = None, include_base: bool = False
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

    rt = pandas_copy(ratings, "ratings")
    require_columns(rt, ["snapshot_date", "arena_model", "rating"], "arena_ratings")
    if "model_id" not in rt.columns:
        raise GapError("arena_ratings lacks model_id: ratings cannot be tied to release dates")
    rt["snapshot_date"] = pd.to_datetime(rt["snapshot_date"])
    cut = timestamp(as_of)
    if cut is not None:
        rt = rt[rt["snapshot_date"] <= cut]
    if rt.empty:
        raise GapError(f"no Arena snapshot on or before {iso(cut)}")
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
        raise GapError(f"the Arena snapshot of {iso(snap)} has no entry linked to a model_id")
    sel = select_scores(
        fake, models, ARENA, source="independent", setting="best", include_base=include_base
    )
    return Selection(
        benchmark=ARENA,
        source="independent",
        setting_rule=f"one snapshot ({iso(snap)}); ratings compared within it only",
        configurations=sel.configurations,
        unit="rating",
        as_of=snap,
        rows=sel.rows,
        excluded=sel.excluded,
        notes=[
            f"Arena snapshot of {iso(snap)} only; ratings are never compared across snapshots.",
            "Ratings are on an interval scale: the gap is in rating points and no ratio is given.",
        ],
    )
