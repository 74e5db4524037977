"""The best open and closed models in the data on a date, and those it cannot rank.

A brief names the best open-weight and the best closed model. They must be the
best the data knows on the brief's date, not the best of whatever happens to
be scored, and the brief must say which recent models it could not rank for
lack of a score. The rule (:func:`rank`):

1. The measure is Epoch AI's Capabilities Index (ECI) of one snapshot (ECI is
   refitted with each release, so two snapshots never meet in one ranking): the
   newest dated on or before the date, else the first one after it (said so in
   the measure's words); without ECI data, a single benchmark's scores.
2. Only models released by the date count (the model's release date in
   ``models``, else the snapshot's own date for the model). Their scores may have
   been published later, as in the gap analysis: the ranking is of the models
   that existed on the date, by what is known of them.
3. The best of each side is the highest score; ties go to the earlier release.
4. Unranked: models of ``models`` released in the ``window_days`` before the
   date (base models left out) that have no score on the measure, newest first.

:func:`standings` reads the measure and the models from the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from analysis.records import Record

#: Recent models without a score are listed from this many days before the date [days].
WINDOW_DAYS = 365


@dataclass(frozen=True)
class Ranked(Record):
    """A model with its score on the measure.

    Attributes:
        name: the model's name.
        model_id: the ``models`` row, when the measure's row maps to one.
        open_weights: which side it is on.
        score: its score on the measure.
        released: its release date (None when no source dates it).
    """

    name: str
    model_id: str | None
    open_weights: bool
    score: float
    released: date | None


@dataclass(frozen=True)
class Unranked(Record):
    """A recent model the measure has no score for."""

    model_id: str
    name: str
    open_weights: bool
    released: date


@dataclass(frozen=True)
class Standings(Record):
    """The best model of each side on a date, by one measure, and the recent unranked.

    Attributes:
        as_of: the date.
        measure: what ranks the models, in words ("Epoch AI's Capabilities Index (ECI),
            snapshot 2026-10-01").
        measured_on: the date of the measure's data (the snapshot; the newest score).
        best_open, best_closed: the best of each side (None: the side has no score).
        ranked: how many models the measure ranks.
        unranked: recent models with no score, newest first.
        window_days: how far back ``unranked`` reaches [days].
    """

    as_of: date
    measure: str
    measured_on: date | None
    best_open: Ranked | None
    best_closed: Ranked | None
    ranked: int
    unranked: tuple[Unranked, ...]
    window_days: int = WINDOW_DAYS

    def sentence(self, listed: int = 3) -> str:
        """The standings in plain words, naming at most ``listed`` unranked models, newest first."""
        day = self.as_of.isoformat()

        def who(r: Ranked | None, side: str) -> str:
            return f"{r.name} ({r.score:.1f})" if r is not None else f"none ({side} unscored)"

        if self.best_open is None and self.best_closed is None:
            text = f"No model released by {day} has a score on {self.measure}."
        else:
            text = (
                f"Best in the data on {day}, by {self.measure}: closed "
                f"{who(self.best_closed, 'closed')}, open {who(self.best_open, 'open-weight')}."
            )
        if self.unranked:
            n = len(self.unranked)
            names = ", ".join(u.name for u in self.unranked[:listed])
            text += (
                f" Not ranked for lack of a score: {n} model{'' if n == 1 else 's'} released in "
                f"the {self.window_days} days to {day}"
                + (f", newest {names}." if n > listed else f": {names}.")
            )
        return text


def rank(
    scored: Iterable[Ranked],
    recent: Iterable[Unranked],
    as_of: date,
    *,
    measure: str,
    measured_on: date | None,
    window_days: int = WINDOW_DAYS,
) -> Standings:
    """The standings by the module's rule, from rows already read.

    Args:
        scored: every model with a score on the measure (any release date).
        recent: candidate models (any release date); those released in the window
            and missing from ``scored`` are the unranked.
        as_of: the date.
        measure: the measure, in words.
        measured_on: the date of the measure's data.
        window_days: how far back unranked models are listed [days].

    Returns:
        The standings.
    """
    counted = [r for r in scored if r.released is None or r.released <= as_of]

    def best(open_weights: bool) -> Ranked | None:
        side = [r for r in counted if r.open_weights is open_weights]
        return min(side, key=lambda r: (-r.score, r.released or as_of, r.name), default=None)

    have = {r.model_id for r in counted if r.model_id}
    start = as_of - timedelta(days=window_days)
    unranked = sorted(
        (u for u in recent if start < u.released <= as_of and u.model_id not in have),
        key=lambda u: (u.released, u.name),
        reverse=True,
    )
    return Standings(
        as_of=as_of,
        measure=measure,
        measured_on=measured_on,
        best_open=best(True),
        best_closed=best(False),
        ranked=len(counted),
        unranked=tuple(unranked),
        window_days=window_days,
    )


def standings(
    as_of: date,
    *,
    measure: str = "eci",
    benchmark: str = "GPQA-Diamond",
    source: str = "independent",
    window_days: int = WINDOW_DAYS,
) -> Standings:
    """The best open and closed models in the warehouse on ``as_of``, and the unranked.

    Args:
        as_of: the date.
        measure: ``eci`` (Epoch's Capabilities Index; the benchmark when the warehouse
            holds no ECI snapshot) or ``benchmark``.
        benchmark: the benchmark that ranks without ECI.
        source: its scores counted: ``independent`` runs, ``vendor`` (self-reported)
            or ``all``.
        window_days: how far back unranked models are listed [days].

    Returns:
        The standings.

    Raises:
        WarehouseError: the warehouse cannot be read.
    """
    from analysis import warehouse

    _, rows = warehouse.query_rows(
        "SELECT model_id, name, open_weights, release_date FROM models "
        "WHERE release_date IS NOT NULL AND model_type <> 'base'"
    )
    recent = [Unranked(m, n, bool(o), d) for m, n, o, d in rows]
    _, ((before, after),) = warehouse.query_rows(
        "SELECT max(snapshot) FILTER (WHERE snapshot <= ?), "
        "min(snapshot) FILTER (WHERE snapshot > ?) FROM eci_scores",
        [as_of, as_of],
    )
    snapshot = before or after
    if measure == "eci" and snapshot is not None:
        _, rows = warehouse.query_rows(
            "SELECT e.eci_model, e.model_id, coalesce(m.open_weights, e.open_weights), e.eci, "
            "coalesce(m.release_date, e.model_date) FROM eci_scores e "
            "LEFT JOIN models m USING (model_id) WHERE e.snapshot = ? "
            "AND coalesce(m.open_weights, e.open_weights) IS NOT NULL",
            [snapshot],
        )
        scored = [Ranked(str(n), m, bool(o), float(s), d) for n, m, o, s, d in rows]
        words = f"Epoch AI's Capabilities Index (ECI), snapshot {snapshot.isoformat()}"
        if before is None:
            words += " (the first, published after this date)"
        return rank(
            scored, recent, as_of, measure=words, measured_on=snapshot, window_days=window_days
        )
    relationship = {"independent": "= 'independent'", "vendor": "= 'self-reported'"}.get(
        source, "IS NOT NULL"
    )
    _, rows = warehouse.query_rows(
        "SELECT m.name, b.model_id, m.open_weights, max(b.score_pct), m.release_date, "
        "max(b.source_date) FROM benchmark_scores b JOIN models m USING (model_id) "
        f"WHERE b.benchmark = ? AND b.score_pct IS NOT NULL AND b.eval_relationship {relationship} "
        "GROUP BY ALL",
        [benchmark],
    )
    scored = [Ranked(str(n), m, bool(o), float(s), d) for n, m, o, s, d, _ in rows]
    dates = [r[5] for r in rows if r[5] is not None and (r[4] is None or r[4] <= as_of)]
    labels = {"independent": "independent runs", "vendor": "developers' own results"}
    return rank(
        scored,
        recent,
        as_of,
        measure=f"{benchmark} ({labels.get(source, 'all published results')})",
        measured_on=max(dates) if dates else None,
        window_days=window_days,
    )
