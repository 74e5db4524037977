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

Which snapshot covers a window
    A window's lag needs the closed frontier dated before the window: a snapshot
    *covers* a window when its models start on or before the window's first day
    and no day of the window is left-censored (:mod:`analysis.gap.timeline`).
    :func:`eci_window_gap` takes the newest snapshot published by the date that
    covers the window, and says which newer ones it passed over and why.
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


@dataclass(frozen=True)
class EciIndex:
    """An ``eci_scores`` table read once: per snapshot, its models ready to select.

    Attributes:
        rows: snapshot -> one row per Epoch model (model_id, model, organisation,
            open_weights, release_date, score, ci_low, ci_high, …, draw_key), models
            without a date or a side already left out.
        excluded: snapshot -> models left out, by reason.
    """

    rows: dict[date, pd.DataFrame]
    excluded: dict[date, dict[str, int]]

    @property
    def snapshots(self) -> list[date]:
        """The snapshot dates, oldest first."""
        return sorted(self.rows)


def eci_index(eci: Table, models: Table) -> EciIndex:
    """Read an ``eci_scores`` table into an :class:`EciIndex` (the costly part, done once).

    Args:
        eci: ``eci_scores`` table (snapshot, eci_model, model_id, eci, ci_low, ci_high,
            model_date, organisation, open_weights, source, source_date).
        models: ``models`` table (model_id, open_weights, release_date).

    Raises:
        GapError: a required column is missing.
    """
    import pandas as pd

    df = as_pandas(eci, "eci_scores")
    require_columns(df, ["snapshot", "eci_model", "eci"], "eci_scores")
    rows = df.reset_index(drop=True).copy()
    optional = ("model_id", "ci_low", "ci_high", "model_date", "organisation", "open_weights")
    for col in (*optional, "source", "source_date"):
        if col not in rows.columns:
            rows[col] = None
    md = as_pandas(models, "models")
    require_columns(md, ["model_id"], "models")
    facts = md.drop_duplicates("model_id").set_index("model_id")
    ids = rows["model_id"].astype("string")
    linked = ids.where(ids.isin(list(facts.index.astype(str))))
    side = rows["open_weights"].map(to_bool)
    if "open_weights" in facts.columns:
        known = linked.map(facts["open_weights"].map(to_bool).to_dict())
        side = side.where(side.notna(), known)
    dated = pd.to_datetime(rows["model_date"], errors="coerce")
    if "release_date" in facts.columns:
        released = pd.to_datetime(facts["release_date"], errors="coerce").to_dict()
        dated = dated.where(dated.notna(), pd.to_datetime(linked.map(released), errors="coerce"))
    name = rows["eci_model"].astype(str)
    table = pd.DataFrame(
        {
            "snapshot": pd.to_datetime(rows["snapshot"]).dt.date,
            "model_id": ids.where(ids.notna() & (ids != ""), "eci:" + name).astype(str),
            "model": name,
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
            "draw_key": "eci:" + name,
        }
    )
    out: dict[date, pd.DataFrame] = {}
    excluded: dict[date, dict[str, int]] = {}
    for snap, part in table.groupby("snapshot", sort=True):
        counts: dict[str, int] = {}
        for mask, reason in (
            (part["release_date"].isna(), "no model date"),
            (part["open_weights"].isna(), "open/closed unknown"),
            (part["score"].isna(), "no ECI value"),
        ):
            if mask.any():
                counts[reason] = int(mask.sum())
                part = part[~mask]
        part = part.drop(columns="snapshot").assign(
            open_weights=part["open_weights"].astype(bool),
            group=part["open_weights"].astype(bool).map(group_label),
        )
        out[snap] = part.sort_values(
            ["release_date", "score"], ascending=[True, False], ignore_index=True
        )
        excluded[snap] = counts
    return EciIndex(out, excluded)


def _index(eci: Table | EciIndex, models: Table | None) -> EciIndex:
    if isinstance(eci, EciIndex):
        return eci
    if models is None:
        raise GapError("models is required to read an eci_scores table")
    return eci_index(eci, models)


def snapshots(eci: Table | EciIndex) -> list[date]:
    """The snapshot dates of an ``eci_scores`` table (or index), oldest first."""
    import pandas as pd

    if isinstance(eci, EciIndex):
        return eci.snapshots
    df = as_pandas(eci, "eci_scores")
    require_columns(df, ["snapshot"], "eci_scores")
    return sorted({pd.Timestamp(v).date() for v in df["snapshot"].dropna()})


def snapshot_for(
    eci: Table | EciIndex, published_by: DateLike | None, snapshot: DateLike | None = None
) -> date:
    """The snapshot to use: ``snapshot`` if given, else the newest published by a date.

    Args:
        eci: ``eci_scores`` table or its :class:`EciIndex`.
        published_by: the latest publication date allowed (None: any, the newest).
        snapshot: a snapshot date to use.

    Returns:
        The snapshot date.

    Raises:
        GapError: no snapshot at all, none published by ``published_by``, the named one
            does not exist, or it was published after ``published_by``.
    """
    have = snapshots(eci)
    if not have:
        raise GapError("eci_scores has no snapshot: the ECI gap needs Epoch's index data")
    cut = timestamp(published_by, "published_by")
    listed = ", ".join(d.isoformat() for d in have)
    if snapshot is not None:
        want = timestamp(snapshot, "snapshot")
        assert want is not None
        if want.date() not in have:
            raise GapError(f"snapshot = {want.date()}: not in eci_scores (it has {listed})")
        if cut is not None and want.date() > cut.date():
            raise GapError(
                f"snapshot = {want.date()}: published after {cut.date()}; data of a later "
                "day cannot describe that date"
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
    eci: Table | EciIndex,
    models: Table | None = None,
    *,
    snapshot: DateLike | None = None,
    as_of: DateLike | None = None,
    published_by: DateLike | None = None,
) -> Selection:
    """One ECI snapshot as a :class:`Selection` (benchmark ``ECI``, unit ``ECI points``).

    As with benchmark scores, the snapshot may be newer than ``as_of`` (today's index of
    the models released by then) unless ``published_by`` limits it (the data of a day).

    Args:
        eci: ``eci_scores`` table, or its :class:`EciIndex` (read once, reused).
        models: ``models`` table (needed with a table).
        snapshot: the snapshot to use (default: the newest published by ``published_by``).
        as_of: leave out models dated after it.
        published_by: the latest snapshot publication date allowed (None: any).

    Returns:
        The selection; its rows carry ``ci_low``, ``ci_high`` and ``draw_key``
        (``eci:<Epoch name>``).

    Raises:
        GapError: see :func:`snapshot_for`; or no model is left.
    """
    import pandas as pd

    index = _index(eci, models)
    snap = snapshot_for(index, published_by, snapshot)
    out = index.rows[snap]
    excluded = dict(index.excluded[snap])
    cut = timestamp(as_of)
    if cut is not None:
        later = out["release_date"] > cut
        if later.any():
            excluded["released after as_of"] = int(later.sum())
            out = out[~later.to_numpy()]
    if out.empty:
        raise GapError(
            f"the ECI snapshot of {snap} has no model left (left out: {excluded or 'none'}; "
            f"as_of={iso(cut)})"
        )
    notes = [
        f"ECI snapshot of {snap} only: Epoch refits the index at every release, so values "
        "are never compared across snapshots.",
        "ECI is an interval scale (Claude 3.5 Sonnet = 130, GPT-5 = 150): the gap is in ECI "
        "points and months; no ratio is given.",
    ]
    if not out["ci_low"].notna().any():
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
        skipped: newer snapshots passed over, each with the reason.
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


def coverage(selection: Selection, window: tuple[date, date]) -> tuple[int, str | None]:
    """Whether a selection covers a window: (shortfall in days, reason), (0, None) if so.

    It covers the window when its models start on or before the window's first day and
    no day of the window is left-censored (the closed frontier already at the open level
    when the data starts). The shortfall, which orders the ones that do not, is the days
    from the window's start to the first model plus the left-censored days.
    """
    rows = selection.rows
    start = rows["release_date"].min()
    late = max(0, (start.date() - window[0]).days)
    open_side, closed_side = sides(rows)
    d = window_arrays(
        open_side,
        closed_side,
        score_matrix(open_side),
        score_matrix(closed_side),
        day_span(*window),
        "days",
    )
    censored = int(d.censored[0])
    reasons = []
    if late:
        reasons.append(f"its models start at {iso(start)}, {late} day(s) into the window")
    if censored:
        first_closed = rows.loc[~rows["open_weights"], "release_date"].min()
        reasons.append(
            f"its closed models start at {iso(first_closed)}, too late to date the closed "
            f"frontier on {censored} day(s) of the window"
        )
    return late + censored, "; ".join(reasons) or None


def window_snapshot(
    index: EciIndex,
    as_of: date,
    span: tuple[date, date],
    snapshot: DateLike | None = None,
    published_by: DateLike | None = None,
) -> tuple[Selection, tuple[date, date], list[str]]:
    """The snapshot to measure a window on, its models by ``as_of`` and the window it allows.

    ``snapshot`` if given; else the newest published by ``published_by`` (None: any) that
    covers the window (:func:`coverage`); else the one with the smallest shortfall (newest
    first among equals). The window ends at the snapshot's date at the latest.

    Returns:
        (the selection, the window used, what a reader should know: newer snapshots
        passed over and why, a shortened window).

    Raises:
        GapError: no snapshot by ``as_of``, or none with a model left.
    """
    if snapshot is not None:
        candidates = [snapshot_for(index, published_by, snapshot)]
    else:
        newest = snapshot_for(index, published_by)
        candidates = [d for d in reversed(index.snapshots) if d <= newest]
    skipped: list[str] = []
    chosen: Selection | None = None
    fallback: list[tuple[int, int, Selection]] = []

    def through(snap: date) -> tuple[date, date]:
        """The window cut at the snapshot's date: Epoch had scored no later model."""
        return span[0], min(span[1], snap)

    for rank, snap in enumerate(candidates):
        if through(snap)[0] > through(snap)[1]:
            skipped.append(f"snapshot {snap}: published before the window starts")
            continue
        try:
            sel = eci_selection(index, snapshot=snap, as_of=as_of, published_by=published_by)
        except GapError as exc:
            skipped.append(f"snapshot {snap}: {exc}")
            continue
        shortfall, why = coverage(sel, through(snap)) if len(candidates) > 1 else (0, None)
        if why is None:
            chosen = sel
            break
        skipped.append(f"snapshot {snap}: {why}")
        fallback.append((shortfall, rank, sel))
    if chosen is None:
        if not fallback:
            raise GapError("; ".join(skipped) or "no ECI snapshot")
        chosen = min(fallback, key=lambda f: (f[0], f[1]))[2]
        assert chosen.snapshot is not None
        newer = [d.isoformat() for d in candidates if d > chosen.snapshot]
        skipped = [x for x in skipped if x.split(":")[0].split()[-1] in newer]
        why = coverage(chosen, through(chosen.snapshot))[1]
        skipped.append(
            f"snapshot {chosen.snapshot} used, the nearest to covering the window: {why}"
        )
    assert chosen.snapshot is not None
    used = through(chosen.snapshot)
    if used[1] < span[1]:
        skipped.append(
            f"The window ends at the snapshot's date, {used[1]}, not {span[1]}: Epoch had "
            "scored no later model."
        )
    return chosen, used, skipped


def eci_window_gap(
    eci: Table | EciIndex,
    models: Table | None = None,
    *,
    as_of: DateLike,
    window: tuple[DateLike, DateLike],
    method: str = "days",
    bootstrap: Bootstrap | None = None,
    snapshot: DateLike | None = None,
    published_by: DateLike | None = None,
) -> EciWindowGap:
    """The ECI points gap and lag over a window, with intervals, as of a date.

    The snapshot is ``snapshot`` if given; else the newest (published by
    ``published_by``, if given) that covers the window (:func:`coverage`); else, when none
    does, the one with the smallest shortfall (newest first among equals), its censored
    days left out and said so. The window ends at the snapshot's date at the latest: a snapshot says
    nothing of models Epoch had not scored yet.

    Args:
        eci: ``eci_scores`` table, or its :class:`EciIndex`.
        models: ``models`` table (needed with a table).
        as_of: the date the data must describe (models dated later are left out).
        window: (first day, last day) averaged over; cut at ``as_of``.
        method: ``days`` or ``records`` (the lag variant reported; both are computed).
        bootstrap: how to draw the intervals.
        snapshot: a snapshot to use.
        published_by: only snapshots published by then (the data of that day); None:
            any, today's index of the models released by ``as_of``.

    Returns:
        The :class:`EciWindowGap`.

    Raises:
        GapError: no snapshot by ``as_of``, or no model left.
    """
    index = _index(eci, models)
    cut = timestamp(as_of)
    assert cut is not None
    first, last = (timestamp(window[0], "window_start"), timestamp(window[1], "window_end"))
    assert first is not None and last is not None
    span = (first.date(), min(last.date(), cut.date()))
    if span[0] > span[1]:
        raise GapError(f"the window starts ({span[0]}) after the data's date ({cut.date()})")
    chosen, used, skipped = window_snapshot(index, cut.date(), span, snapshot, published_by)
    estimate = estimate_gap(
        chosen,
        method=method,
        window=used,
        bootstrap=bootstrap,
        ratio=False,
        variants=("days", "records"),
    )
    assert chosen.snapshot is not None
    return EciWindowGap(chosen.snapshot, cut.date(), chosen, estimate, skipped)
