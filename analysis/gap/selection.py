"""Which scores a benchmark analysis rests on: sources, settings and the models that count.

See :mod:`analysis.gap` for the rules in words. :func:`select_scores` applies them in two
halves: :func:`candidates` (the rules that do not move with the analysis date, which the
warehouse helpers keep) and :func:`choose` (the ``as_of`` cut, the setting rule and one
row per model).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from analysis.errors import GapError
from analysis.gap.frames import (
    as_pandas,
    group_label,
    is_missing,
    iso,
    norm_setting,
    require_columns,
    text_values,
    timestamp,
    to_bool,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from analysis.gap.frames import DateLike, Table


INDEPENDENT = ("independent",)
VENDOR = ("self-reported", "competitor-reported", "copied-from-developer")
SOURCES: dict[str, tuple[str, ...]] = {
    "independent": INDEPENDENT,
    "vendor": VENDOR,
    "all": INDEPENDENT + VENDOR,
}
"""Source choices and the ``eval_relationship`` values each admits."""


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
        snapshot: the index snapshot the scores come from (ECI), else None.
    """

    benchmark: str
    source: str
    setting_rule: str
    configurations: list[dict[str, Any]]
    unit: str
    as_of: pd.Timestamp | None
    rows: pd.DataFrame
    excluded: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    snapshot: date | None = None

    @property
    def reported_by(self) -> list[str]:
        """Organisations whose tables or runs the scores come from."""
        return sorted({str(v) for v in self.rows["reported_by"].dropna()})

    @property
    def sources(self) -> list[str]:
        """The ``source`` references of the rows used."""
        return sorted({str(v) for v in self.rows["source"].dropna()})


def benchmark_labels(scores: Table) -> list[str]:
    """Every benchmark label in a scores table, sorted.

    Args:
        scores: a ``benchmark_scores`` table (pandas or polars).

    Returns:
        The distinct ``benchmark`` values.
    """
    df = as_pandas(scores, "scores")
    require_columns(df, ["benchmark"], "scores")
    return text_values(df["benchmark"])


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
    scores: Table,
    models: Table,
    benchmark: str,
    *,
    source: str = "independent",
    setting: str | None = None,
    variant: str | None = None,
    as_of: DateLike | None = None,
    include_base: bool = False,
) -> Selection:
    """One score per model for a benchmark, under the module's selection rules.

    Args:
        scores: ``benchmark_scores`` table (model_id, benchmark, benchmark_variant, score,
            scale, score_pct, setting, reported_by, eval_relationship, source, source_date).
        models: ``models`` table (model_id, name, organisation, open_weights, model_type,
            release_date).
        benchmark: benchmark label (case-insensitive).
        source: ``independent``, ``vendor`` or ``all`` (see :mod:`analysis.gap`).
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
    sc, md, label = selection_inputs(scores, models, benchmark, source)
    cut = timestamp(as_of)
    return choose(candidates(sc, md, label, source, variant, include_base), setting, cut)


def selection_inputs(
    scores: Table, models: Table, benchmark: str, source: str
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The scores and models tables checked (not copied) and the benchmark label resolved."""
    if source not in SOURCES:
        raise GapError(f"source = {source!r}: choose one of {', '.join(SOURCES)}")
    sc = as_pandas(scores, "scores")
    md = as_pandas(models, "models")
    require_columns(
        sc,
        ["model_id", "benchmark", "score", "scale", "eval_relationship", "source"],
        "benchmark_scores",
    )
    require_columns(md, ["model_id", "open_weights", "release_date"], "models")
    return sc, md, _resolve_benchmark(benchmark, text_values(sc["benchmark"]))


@dataclass(frozen=True)
class Candidates:
    """A benchmark's rows under the rules that do not depend on ``as_of`` (first half of
    :func:`select_scores`; :func:`choose` is the second).

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


def candidates(
    sc: pd.DataFrame,
    md: pd.DataFrame,
    label: str,
    source: str,
    variant: str | None,
    include_base: bool,
) -> Candidates:
    """The first half of :func:`select_scores` (no ``as_of``): see :class:`Candidates`."""
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
        kept = rows[rows["benchmark_variant"].map(norm_setting) == norm_setting(variant)]
        if kept.empty:
            variants = sorted({str(v) for v in rows["benchmark_variant"].dropna()})
            raise GapError(f"variant = {variant!r}: not found for {label}; it has: {variants}")
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
        open_weights=rows["open_weights"].map(to_bool),
        _variant=rows["benchmark_variant"].map(norm_setting),
        _setting=rows["setting"].map(norm_setting),
    )
    return Candidates(label, source, rows, excluded)


def _drop(
    rows: pd.DataFrame,
    mask: pd.Series | np.ndarray,
    reason: str,
    excluded: dict[str, int],
) -> pd.DataFrame:
    """``rows`` without the ``mask`` rows, their models counted in ``excluded[reason]``."""
    if not mask.any():
        return rows
    n = rows.loc[mask, "model_id"].nunique()
    if n:
        excluded[reason] = excluded.get(reason, 0) + int(n)
    return rows[~mask]


def choose(cands: Candidates, setting: str | None, cut: pd.Timestamp | None) -> Selection:
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
            f"(left out: {excluded or 'none'}; as_of={iso(cut)})"
        )

    def configs(rows: pd.DataFrame) -> pd.Series:
        """Models per configuration (for messages)."""
        return rows.groupby(["_variant", "_setting"])["model_id"].nunique()

    def printed(rows: pd.DataFrame = rows) -> dict[str, str]:
        """Settings as printed in the source (first spelling seen), for messages."""
        return {
            k: ("" if is_missing(v) else str(v))
            for k, v in rows.groupby("_setting")["setting"].first().items()
        }

    if setting is not None and norm_setting(setting) != "best":
        wanted = norm_setting(setting)
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
        if norm_setting(setting) == "best":
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

    scales = text_values(rows["scale"])
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
            "group": best["open_weights"].map(group_label),
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
            _v=out["benchmark_variant"].map(lambda v: None if norm_setting(v) == "" else str(v)),
            _s=out["setting"].map(lambda v: None if norm_setting(v) == "" else str(v)),
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
