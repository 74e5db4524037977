"""The gap on Epoch AI's Capabilities Index (ECI): one snapshot at a time.

ECI aggregates dozens of benchmarks into one index (anchors: Claude 3.5 Sonnet =
130, GPT-5 = 150), which makes it the headline measure of "how close". Epoch
refits the index at every release, so a comparison uses one snapshot only; it is
an interval scale (no true zero), so the gap is in ECI points and a lag, never a
ratio.

Rows of a snapshot become a :class:`~analysis.gap.selection.Selection`: each
Epoch model counts once, dated by Epoch's own ``model_date`` (else the models
table's release date) and placed on a side by the snapshot's accessibility label
(else the models table's ``open_weights``); its interval (``ci_low``-``ci_high``)
comes along for the bootstrap (:mod:`analysis.gap.intervals`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from analysis.errors import GapError
from analysis.gap.frames import (
    as_pandas,
    group_label,
    iso,
    require_columns,
    timestamp,
    to_bool,
)
from analysis.gap.intervals import Bootstrap, GapEstimate, day_span, estimate_gap
from analysis.gap.selection import Selection
from analysis.gap.timeline import score_matrix, sides, window_arrays

if TYPE_CHECKING:
    import pandas as pd

    from analysis.gap.frames import DateLike, Table

ECI = "ECI"
"""Benchmark label under which the Epoch Capabilities Index is analysed."""

ECI_NAME = "Epoch Capabilities Index (ECI)"
ECI_UNIT = "ECI points"
ECI_SOURCE = "Epoch AI"


def is_eci(benchmark: str) -> bool:
    """True for ``eci`` or ``Epoch Capabilities Index (ECI)`` (any case)."""
    text = benchmark.strip().lower()
    return text in (ECI.lower(), ECI_NAME.lower(), "epoch capabilities index")


def snapshots(eci: Table) -> list[date]:
    """The snapshot dates of an ``eci_scores`` table, oldest first."""
    import pandas as pd

    df = as_pandas(eci, "eci_scores")
    require_columns(df, ["snapshot"], "eci_scores")
    return sorted({pd.Timestamp(v).date() for v in df["snapshot"].dropna()})


def snapshot_for(eci: Table, as_of: DateLike | None, snapshot: DateLike | None = None) -> date:
    """The snapshot to use: ``snapshot`` if given, else the newest on or before ``as_of``.

    Args:
        eci: ``eci_scores`` table.
        as_of: the analysis date (None: the newest snapshot).
        snapshot: a snapshot date to use.

    Returns:
        The snapshot date.

    Raises:
        GapError: no snapshot at all, none on or before ``as_of``, the named one does not
            exist, or it was published after ``as_of``.
    """
    have = snapshots(eci)
    if not have:
        raise GapError("eci_scores has no snapshot: the ECI gap needs Epoch's index data")
    cut = timestamp(as_of)
    listed = ", ".join(d.isoformat() for d in have)
    if snapshot is not None:
        want = timestamp(snapshot, "snapshot")
        assert want is not None
        if want.date() not in have:
            raise GapError(f"snapshot = {want.date()}: not in eci_scores (it has {listed})")
        if cut is not None and want.date() > cut.date():
            raise GapError(
                f"snapshot = {want.date()}: published after as_of = {cut.date()}; "
                "data of a later day cannot describe that date"
            )
        return want.date()
    usable = [d for d in have if cut is None or d <= cut.date()]
    if not usable:
        raise GapError(
            f"no ECI snapshot was published on or before {cut.date() if cut else 'now'} "
            f"(the snapshots are {listed})"
        )
    return usable[-1]


def eci_selection(
    eci: Table,
    models: Table,
    *,
    snapshot: DateLike | None = None,
    as_of: DateLike | None = None,
) -> Selection:
    """One ECI snapshot as a :class:`Selection` (benchmark ``ECI``, unit ``ECI points``).

    Args:
        eci: ``eci_scores`` table (snapshot, eci_model, model_id, eci, ci_low, ci_high,
            model_date, organisation, open_weights, source, source_date).
        models: ``models`` table (model_id, name, open_weights, release_date).
        snapshot: the snapshot to use (default: the newest on or before ``as_of``).
        as_of: leave out models dated after it.

    Returns:
        The selection; its rows carry ``ci_low``, ``ci_high`` and ``draw_key``
        (``eci:<Epoch name>``).

    Raises:
        GapError: see :func:`snapshot_for`; or no model is left.
    """
    import pandas as pd

    snap = snapshot_for(eci, as_of, snapshot)
    df = as_pandas(eci, "eci_scores")
    require_columns(df, ["snapshot", "eci_model", "eci"], "eci_scores")
    rows = df[pd.to_datetime(df["snapshot"]).dt.date == snap].reset_index(drop=True)
    for col in (
        "model_id",
        "ci_low",
        "ci_high",
        "model_date",
        "organisation",
        "open_weights",
        "source",
        "source_date",
    ):
        if col not in rows.columns:
            rows[col] = None
    md = as_pandas(models, "models")
    require_columns(md, ["model_id"], "models")
    facts = md.drop_duplicates("model_id").set_index("model_id")
    linked = rows["model_id"].where(rows["model_id"].isin(facts.index))
    side = rows["open_weights"].map(to_bool)
    if "open_weights" in facts.columns:
        side = side.where(side.notna(), linked.map(facts["open_weights"]).map(to_bool))
    dated = pd.to_datetime(rows["model_date"], errors="coerce")
    if "release_date" in facts.columns:
        fallback = pd.to_datetime(linked.map(facts["release_date"]), errors="coerce")
        dated = dated.where(dated.notna(), fallback)
    out = pd.DataFrame(
        {
            "model_id": rows["model_id"]
            .where(
                rows["model_id"].notna() & (rows["model_id"].astype(str) != ""),
                "eci:" + rows["eci_model"].astype(str),
            )
            .astype(str),
            "model": rows["eci_model"].astype(str),
            "organisation": rows["organisation"],
            "open_weights": side,
            "release_date": dated,
            "score": pd.to_numeric(rows["eci"], errors="coerce").astype(float),
            "ci_low": pd.to_numeric(rows["ci_low"], errors="coerce").astype(float),
            "ci_high": pd.to_numeric(rows["ci_high"], errors="coerce").astype(float),
            "benchmark_variant": None,
            "setting": None,
            "eval_relationship": "independent",
            "reported_by": ECI_SOURCE,
            "source": rows["source"],
            "source_date": pd.to_datetime(rows["source_date"], errors="coerce"),
            "draw_key": "eci:" + rows["eci_model"].astype(str),
        }
    )
    excluded: dict[str, int] = {}

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal out
        if mask.any():
            excluded[reason] = int(mask.sum())
            out = out[~mask]

    drop(out["release_date"].isna(), "no model date")
    drop(out["open_weights"].isna(), "open/closed unknown")
    drop(~out["score"].notna(), "no ECI value")
    cut = timestamp(as_of)
    if cut is not None:
        drop(out["release_date"] > cut, "released after as_of")
    if out.empty:
        raise GapError(
            f"the ECI snapshot of {snap} has no model left (left out: {excluded or 'none'}; "
            f"as_of={iso(cut)})"
        )
    out = out.assign(
        open_weights=out["open_weights"].astype(bool),
        group=out["open_weights"].astype(bool).map(group_label),
    ).sort_values(["release_date", "score"], ascending=[True, False], ignore_index=True)
    has_ci = bool(out["ci_low"].notna().any())
    notes = [
        f"ECI snapshot of {snap} only: Epoch refits the index at every release, so values "
        "are never compared across snapshots.",
        "ECI is an interval scale (Claude 3.5 Sonnet = 130, GPT-5 = 150): the gap is in ECI "
        "points and months; no ratio is given.",
    ]
    if not has_ci:
        notes.append(f"The snapshot of {snap} gives no per-model intervals.")
    return Selection(
        benchmark=ECI,
        source="independent",
        setting_rule=f"one ECI snapshot ({snap}); values compared within it only",
        configurations=[{"benchmark_variant": None, "setting": None, "models": len(out)}],
        unit=ECI_UNIT,
        as_of=cut if cut is not None else pd.Timestamp(snap),
        rows=out,
        excluded=excluded,
        notes=notes,
        snapshot=snap,
    )


@dataclass(frozen=True)
class EciWindowGap:
    """The ECI gap over a window, as of a date, on the snapshot that covers the window.

    Attributes:
        snapshot: the snapshot used.
        as_of: the date the data describes.
        selection: the snapshot's models released by ``as_of``.
        estimate: the figures, their intervals and method.
        skipped: snapshots passed over, each with the reason.
    """

    snapshot: date
    as_of: date
    selection: Selection
    estimate: GapEstimate
    skipped: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """``ECI (snapshot 2026-08-11)``."""
        return f"{ECI} (snapshot {self.snapshot.isoformat()})"


def covers(selection: Selection, window: tuple[date, date]) -> int:
    """Days of ``window`` whose lag the selection can date: 0 left-censored is full cover.

    Returns:
        The number of left-censored days (the closed frontier stood at the open level
        from the snapshot's first closed model on, so the lag there is unknown).
    """

    open_side, closed_side = sides(selection.rows)
    d = window_arrays(
        open_side,
        closed_side,
        score_matrix(open_side),
        score_matrix(closed_side),
        day_span(*window),
        "days",
    )
    return int(d.censored[0])


def eci_window_gap(
    eci: Table,
    models: Table,
    *,
    as_of: DateLike,
    window: tuple[DateLike, DateLike],
    method: str = "days",
    bootstrap: Bootstrap | None = None,
    snapshot: DateLike | None = None,
) -> EciWindowGap:
    """The ECI points gap and lag over a window, with intervals, as of a date.

    The snapshot is ``snapshot`` if given; else the newest published on or before
    ``as_of`` whose models reach back far enough to date the closed frontier over the
    whole window (no left-censored day, see :func:`covers`); else the newest, with the
    censored days left out and said so.

    Args:
        eci: ``eci_scores`` table.
        models: ``models`` table.
        as_of: the date the data must describe (models dated later are left out).
        window: (first day, last day) averaged over; cut at ``as_of``.
        method: ``days`` or ``records`` (the lag variant reported; both are computed).
        bootstrap: how to draw the intervals.
        snapshot: a snapshot to use.

    Returns:
        The :class:`EciWindowGap`.

    Raises:
        GapError: no snapshot by ``as_of``, or no model left.
    """
    cut = timestamp(as_of)
    assert cut is not None
    first, last = (timestamp(window[0], "window_start"), timestamp(window[1], "window_end"))
    assert first is not None and last is not None
    span = (first.date(), min(last.date(), cut.date()))
    if span[0] > span[1]:
        raise GapError(f"the window starts ({span[0]}) after the data's date ({cut.date()})")
    if snapshot is not None:
        candidates = [snapshot_for(eci, cut, snapshot)]
    else:
        newest = snapshot_for(eci, cut)
        candidates = [d for d in reversed(snapshots(eci)) if d <= newest]
    skipped: list[str] = []
    chosen: Selection | None = None
    for snap in candidates:
        sel = eci_selection(eci, models, snapshot=snap, as_of=cut)
        censored = covers(sel, span) if len(candidates) > 1 else 0
        if not censored:
            chosen = sel
            break
        first_closed = sel.rows.loc[~sel.rows["open_weights"], "release_date"].min()
        skipped.append(
            f"snapshot {snap}: its models start at {iso(first_closed)}, too late to date the "
            f"closed frontier on {censored} day(s) of the window"
        )
    if chosen is None:
        chosen = eci_selection(eci, models, snapshot=candidates[0], as_of=cut)
        skipped = [s + " (used anyway: no snapshot covers the window)" for s in skipped[:1]]
    estimate = estimate_gap(
        chosen,
        method=method,
        window=span,
        bootstrap=bootstrap,
        ratio=False,
        variants=("days", "records"),
    )
    assert chosen.snapshot is not None
    return EciWindowGap(chosen.snapshot, cut.date(), chosen, estimate, skipped)
