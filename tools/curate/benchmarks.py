"""The benchmark_scores table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from .common import Row, join_notes, num

# ---------------------------------------------------------------------------
# Benchmark scores
# ---------------------------------------------------------------------------

EVAL_RELATIONSHIP = {
    "self-reported": "self-reported",
    "reported by another developer (competitor/comparison column)": "competitor-reported",
    "copied from model developer report": "copied-from-developer",
    "independent third party": "independent",
}
# Epoch runs without a recorded run date: benchmarks_runs.csv@37d55ed is dated
# 2025-11-21 (NOTES.md), the last edit of the table, which the schema accepts.
EPOCH_RUNS_SOURCE = "epoch-research/benchmark-stitching:data/benchmarks_runs.csv@37d55ed"
EPOCH_RUNS_DATE = "2025-11-21"


def build_benchmark_scores(
    bench_rows: Sequence[Row], name_to_id: Mapping[str, str], extra: Sequence[Row] = ()
) -> tuple[list[Row], list[str]]:
    """The benchmark_scores table and a list of decisions taken (for the report).

    Args:
        bench_rows: rows of the reference's benchmarks/model_benchmarks_curated.csv.
        name_to_id: its canonical model names -> model_id.
        extra: rows already in the table's shape (plus ``_printed``, the score as the
            source prints it) from the 2026 sources (:mod:`benchmarks2026`).
    """
    log: list[str] = []
    out: list[Row] = [dict(r) for r in extra]
    for b in bench_rows:
        notes = [b["notes"]]
        source_date = b["source_date"]
        if not source_date:
            if b["source"] != EPOCH_RUNS_SOURCE:
                raise ValueError(f"benchmark row without a date outside Epoch runs: {b}")
            source_date = EPOCH_RUNS_DATE
            notes.append(
                f"run date not recorded; source_date is the table's commit date {EPOCH_RUNS_DATE}"
            )
        out.append(
            {
                "model_id": name_to_id[b["model"]],
                "benchmark": b["benchmark"],
                "benchmark_variant": b["benchmark_variant"],
                "score": num(b["score"]),
                "scale": b["scale"],
                "score_pct": num(b["score_pct"]),
                "setting": b["setting"],
                "reported_by": b["reported_by"],
                "eval_relationship": EVAL_RELATIONSHIP[b["eval_relationship"]],
                "source": b["source"],
                "source_date": source_date,
                "row_ref": f"{b['model_as_printed']} | {b['benchmark_as_printed']}",
                "notes": join_notes(
                    *notes,
                    f"printed '{b['score_as_printed']}'"
                    if b["score_as_printed"] != b["score"]
                    else "",
                ),
                "_printed": b["score_as_printed"],
            }
        )
    # Primary key: true duplicates (same score) are dropped; conflicting ones
    # get the printed score appended to row_ref so both remain citable.
    key = ("model_id", "benchmark", "benchmark_variant", "setting", "source", "row_ref")
    groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in out:
        groups[tuple(r[k] for k in key)].append(r)
    final: list[Row] = []
    for k, rs in groups.items():
        if len(rs) == 1:
            final.append(rs[0])
            continue
        if len({r["score"] for r in rs}) == 1:
            log.append(f"benchmark_scores: dropped {len(rs) - 1} true duplicate(s) of {k}")
            final.append(rs[0])
        else:
            for r in rs:
                r["row_ref"] = f"{r['row_ref']} | {r['_printed']}"
                final.append(r)
            log.append(f"benchmark_scores: disambiguated {len(rs)} conflicting rows of {k}")
    for r in final:
        r.pop("_printed", None)
    final.sort(key=lambda r: tuple(r[k] for k in key))
    if not log:
        log.append("benchmark_scores: primary key unique as given (no duplicates to drop)")
    return final, log
