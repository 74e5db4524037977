"""Benchmark rows from the 2026 sources: Epoch's hub (May 2026), Artificial Analysis,
LiveBench and Vectara's HHEM leaderboard.

Who measured what (``eval_relationship``):

- **Epoch-run benchmarks** (``benchmarks_runs-PUBLIC VIEW.csv``: GPQA Diamond,
  FrontierMath, OTIS Mock AIME, MATH level 5, SWE-bench Verified, SimpleQA
  Verified, Chess Puzzles) are ``independent``: Epoch runs every model in one
  Inspect harness. Runs already in the reference (Epoch's earlier runs table,
  same run ids) are not repeated. The export is in a Spanish locale (dates
  ``2 de mayo de 2026 2:08am``, decimal commas); standard errors come from the
  per-benchmark files of the same download, joined on the run id.
- **Third-party leaderboards copied by Epoch** (``*_external.csv``): each file's
  relationship is stated in :data:`EXTERNAL` with what it rests on; rows whose
  source is the model developer's own document (e.g. a system card) are
  ``self-reported``; GDPval is OpenAI's evaluation, so OpenAI models are
  ``self-reported`` and others ``competitor-reported``; Terminal-Bench 2.0 rows
  submitted by the model's own developer are ``self-reported``. Paper
  compilations of saturated benchmarks (MMLU, GSM8K, HellaSwag, ...) and
  agent-system boards (OSWorld, DeepResearchBench, TheAgentCompany,
  PostTrainBench, GeoBench) are not imported.
- **Artificial Analysis** runs its evaluations itself: ``independent``. The
  scrape has no per-row evaluation date, so ``source_date`` is the scrape's
  commit date (2026-05-14).
- **LiveBench** runs every model itself on a contamination-limited question
  set: ``independent``; ``source_date`` is the first commit in which the model
  appears in the table (a proxy for its evaluation date).
- **Vectara HHEM** runs its judge on every model: ``independent``.

Benchmark labels carry the harness when another harness measures the same test
(``GPQA-Diamond (Artificial Analysis)`` beside Epoch's ``GPQA-Diamond``): one
label's independent rows always come from one harness.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .common import Row, join_notes, num, read_csv
from .names import AA_SLUGS, LIVEBENCH, VECTARA, split_version
from .parsers import markdown_tables, parse_decimal, parse_run_date

HUB = "fresh_2026/epoch/benchmark_data_2026-05"
HUB_REPO = "feruiloba/miri-fellowship-inference-scaling"
HUB_COMMIT = "d0aa29658d5657ecaa8ee1cca0aa96d8e5464922"
HUB_DATE = "2026-05-14"
RUNS_FILE = "benchmarks_runs-PUBLIC VIEW.csv"
RUNS_SOURCE = f"{HUB_REPO}:data/eci/{RUNS_FILE}@{HUB_COMMIT[:8]}"
EPOCH_SETTING = "Epoch AI Benchmarking Hub (Inspect harness); "

# Epoch task names -> (benchmark label, per-benchmark file holding stderr).
RUN_TASKS: dict[str, tuple[str, str]] = {
    "GPQA diamond": ("GPQA-Diamond", "gpqa_diamond.csv"),
    "OTIS Mock AIME 2024-2025": ("OTIS-Mock-AIME-2024-2025", "otis_mock_aime_2024_2025.csv"),
    "MATH level 5": ("MATH-Level-5", "math_level_5.csv"),
    "FrontierMath-2025-02-28-Private": ("FrontierMath-Tier1-3 (private)", "frontiermath.csv"),
    "FrontierMath-2025-02-28-Public": ("FrontierMath-Tier1-3 (public)", "frontiermath.csv"),
    "FrontierMath-Tier-4-2025-07-01-Private": (
        "FrontierMath-Tier4 (private)",
        "frontiermath_tier_4.csv",
    ),
    "FrontierMath-Tier-4-2025-07-01-Public": (
        "FrontierMath-Tier4 (public)",
        "frontiermath_tier_4.csv",
    ),
    "SWE-Bench verified": ("SWE-bench-Verified", "swe_bench_verified.csv"),
    "SWE-bench Verified (Claude Code)": ("SWE-bench-Verified (Claude Code scaffold)", ""),
    "SWE-bench Verified (Codex)": ("SWE-bench-Verified (Codex scaffold)", ""),
    "SimpleQA Verified": ("SimpleQA-Verified", "simpleqa_verified.csv"),
    "Chess Puzzles": ("Chess-Puzzles", "chess_puzzles.csv"),
}


def effort_setting(effort: str) -> str:
    """The ``setting`` text of an Epoch version's effort suffix (as the reference wrote it)."""
    if not effort:
        return EPOCH_SETTING + "default settings"
    return EPOCH_SETTING + f"reasoning effort / thinking budget={effort}"


def _row(
    model_id: str,
    benchmark: str,
    score: Decimal,
    scale: str,
    *,
    variant: str,
    setting: str,
    reported_by: str,
    relationship: str,
    source: str,
    source_date: str,
    row_ref: str,
    printed: str,
    notes: list[str],
) -> Row:
    pct = ""
    if scale == "fraction_0_1":
        pct = num(score * 100, 6)
    elif scale == "percent":
        pct = num(score)
    return {
        "model_id": model_id,
        "benchmark": benchmark,
        "benchmark_variant": variant,
        "score": num(score),
        "scale": scale,
        "score_pct": pct,
        "setting": setting,
        "reported_by": reported_by,
        "eval_relationship": relationship,
        "source": source,
        "source_date": source_date,
        "row_ref": row_ref,
        "notes": join_notes(*notes, f"printed '{printed}'" if printed != num(score) else ""),
        "_printed": printed,
    }


# --------------------------------------------------------------------------- Epoch runs


def old_run_ids(bench_rows: list[Row]) -> set[str]:
    """Run ids of the Epoch runs the reference already holds (from its notes: 'run id X')."""
    ids = set()
    for b in bench_rows:
        if b["source"].startswith("epoch-research/benchmark-stitching"):
            for part in b["notes"].split(";"):
                part = part.strip()
                if part.startswith("run id "):
                    ids.add(part.removeprefix("run id ").split()[0])
    return ids


def epoch_runs(
    ref: Path, versions: Mapping[str, str], skip_ids: set[str]
) -> tuple[list[Row], list[str]]:
    """Epoch-run evaluations from the hub's PUBLIC VIEW export that the reference lacks.

    Raises:
        ValueError: an unknown task, an unparseable date or score, or a score that
            disagrees with the per-benchmark file of the same run.
    """
    root = ref / HUB
    log: list[str] = []
    stderr: dict[str, tuple[str, str, str]] = {}
    for file in sorted({f for _, f in RUN_TASKS.values() if f}):
        if not (root / file).is_file():
            log.append(f"benchmark_scores: {file} absent: no stderr joined for its runs")
            continue
        for r in read_csv(root / file):
            stderr[r["id"]] = (file, r["stderr"], r["Best score (across scorers)"])
    rows: list[Row] = []
    unmapped: list[str] = []
    for r in read_csv(root / RUNS_FILE):
        if r["id"] in skip_ids:
            continue
        if r["task"] not in RUN_TASKS:
            raise ValueError(f"{RUNS_FILE}: unknown task {r['task']!r}")
        label, _ = RUN_TASKS[r["task"]]
        base, effort = split_version(r["model"])
        model_id = versions.get(r["model"], versions.get(base, ""))
        if not model_id:
            unmapped.append(r["model"])
            log.append(
                f"benchmark_scores: Epoch run {r['id']} of unmapped version {r['model']!r} left out"
            )
            continue
        score = parse_decimal(r["Best score (across scorers)"], comma_decimal=True)
        run_date = parse_run_date(r["started_at"])
        if score is None or run_date is None:
            raise ValueError(f"{RUNS_FILE}: run {r['id']} lacks a score or a date")
        notes = [f"run id {r['id']}", f"scores {r['Scores']}" if r["Scores"] else ""]
        if r["id"] in stderr:
            file, err, best = stderr[r["id"]]
            if best and abs(Decimal(best) - score) > Decimal("0.0005"):
                raise ValueError(f"run {r['id']}: {RUNS_FILE} score {score} but {file} {best}")
            if err:
                notes.append(f"stderr {num(err, 4)} ({file})")
        if r["Manual evaluation"]:
            notes.append(f"manual evaluation: {r['Manual evaluation']}")
        if r["comments"]:
            notes.append(f"Epoch comment: {r['comments']}")
        notes.append(f"run started '{r['started_at']}' (Spanish-locale export)")
        if not r["task version"]:
            notes.append("task version not recorded")
        rows.append(
            _row(
                model_id,
                label,
                score,
                "fraction_0_1",
                variant=f"task version {r['task version']}" if r["task version"] else "",
                setting=effort_setting(effort),
                reported_by="Epoch AI",
                relationship="independent",
                source=RUNS_SOURCE,
                source_date=run_date.isoformat(),
                row_ref=f"{r['model']} | {r['task']}",
                printed=r["Best score (across scorers)"],
                notes=notes,
            )
        )
    log.append(
        f"benchmark_scores: {len(rows)} Epoch hub runs added; {len(unmapped)} runs of "
        f"{len(set(unmapped))} unmapped model versions left out"
    )
    return rows, log


# --------------------------------------------------------------------------- Epoch externals


@dataclass(frozen=True)
class External:
    """How one ``*_external.csv`` copy of a third-party leaderboard is read."""

    file: str
    label: str
    column: str
    scale: str
    reported_by: str
    rests_on: str
    relationship: Callable[[Row], str] = lambda r: "independent"
    variant: Callable[[Row], str] = lambda r: ""
    setting: Callable[[Row], str] = lambda r: ""
    date_column: str = ""
    extra: tuple[str, ...] = field(default_factory=tuple)


def _gdpval(r: Row) -> str:
    return "self-reported" if r["Organization"] == "OpenAI" else "competitor-reported"


def _cybench(r: Row) -> str:
    return "self-reported" if "System Card" in r["Source"] else "independent"


def _terminal(r: Row) -> str:
    return "self-reported" if r["Agent Org"] and r["Agent Org"] == r["Model Org"] else "independent"


EXTERNAL: tuple[External, ...] = (
    External(
        "arc_agi_external.csv",
        "ARC-AGI-1",
        "Score",
        "fraction_0_1",
        "ARC Prize Foundation",
        "ARC Prize leaderboard: the ARC Prize team runs each model on the semi-private set",
    ),
    External(
        "arc_agi_2_external.csv",
        "ARC-AGI-2",
        "Score",
        "fraction_0_1",
        "ARC Prize Foundation",
        "ARC Prize leaderboard (ARC-AGI-2 semi-private set), run by the ARC Prize team",
    ),
    External(
        "hle_external.csv",
        "HLE",
        "Accuracy",
        "fraction_0_1",
        "Scale AI / CAIS (HLE leaderboard)",
        "Humanity's Last Exam leaderboard, run by Scale AI and CAIS",
        variant=lambda r: "HLE leaderboard",
        extra=("Accuracy Standard Error", "Calibration Error"),
    ),
    External(
        "metr_time_horizons_external.csv",
        "METR time horizon (50%)",
        "Time horizon",
        "minutes",
        "METR",
        "METR measures the task length (minutes of human time) a model completes with 50% success",
        variant=lambda r: r["METR version"],
        extra=("CI_low", "CI_high", "Time Horizon (80%)"),
    ),
    External(
        "terminalbench_external.csv",
        "Terminal-Bench-2.0",
        "Accuracy mean",
        "fraction_0_1",
        "Terminal-Bench 2.0 leaderboard",
        "Terminal-Bench 2.0 leaderboard of agent submissions (harness by the Terminal-Bench team); "
        "self-reported when the agent's organisation is the model's developer",
        relationship=_terminal,
        setting=lambda r: f"agent {r['Agent']} ({r['Agent Org']})",
        date_column="Run date",
        extra=("Accuracy SE",),
    ),
    External(
        "simplebench_external.csv",
        "SimpleBench",
        "Score (AVG@5)",
        "fraction_0_1",
        "SimpleBench",
        "SimpleBench leaderboard, run by its authors (AVG@5)",
    ),
    External(
        "weirdml_external.csv",
        "WeirdML",
        "Accuracy",
        "fraction_0_1",
        "WeirdML",
        "WeirdML leaderboard, run by its author",
        extra=("Accuracy SE",),
    ),
    External(
        "gso_external.csv",
        "GSO",
        "Score OPT@1",
        "fraction_0_1",
        "GSO team",
        "GSO leaderboard (software optimisation), run by the GSO team",
        setting=lambda r: f"scaffold {r['Scaffold']}" if r["Scaffold"] else "",
        date_column="Evaluation date",
    ),
    External(
        "webdev_arena_external.csv",
        "WebDev Arena",
        "Arena Score",
        "rating",
        "LMArena (WebDev Arena)",
        "WebDev Arena: crowd pairwise votes, rated by LMArena",
        date_column="Last updated",
        extra=("Score 95% CI", "Votes"),
    ),
    External(
        "live_bench_external.csv",
        "LiveBench (2024-11-25 set)",
        "Global average",
        "percent",
        "LiveBench",
        "LiveBench leaderboard (question set 2024-11-25), run by the LiveBench team",
        variant=lambda r: r["LiveBench Version"],
    ),
    External(
        "aider_polyglot_external.csv",
        "Aider-Polyglot",
        "Percent correct",
        "percent",
        "Aider",
        "Aider polyglot leaderboard, run by Aider's maintainer",
        setting=lambda r: f"edit format {r['Edit format']}" if r["Edit format"] else "",
        date_column="Date of evaluation",
    ),
    External(
        "apex_agents_external.csv",
        "APEX-Agents",
        "Pass@1 score",
        "fraction_0_1",
        "Mercor (APEX-Agents)",
        "APEX-Agents leaderboard, run by Mercor",
        extra=("Pass@1 Standard Error",),
    ),
    External(
        "swe_bench_bash.csv",
        "SWE-bench-Verified (bash only)",
        "% Resolved",
        "fraction_0_1",
        "SWE-bench team (bash-only leaderboard)",
        "swebench.com bash-only leaderboard: one minimal agent for every model, run by the "
        "SWE-bench team",
        date_column="Date run",
    ),
    External(
        "fictionlivebench_external.csv",
        "Fiction.LiveBench (120k)",
        "120k token score",
        "fraction_0_1",
        "Fiction.live",
        "Fiction.LiveBench long-context comprehension at 120k tokens, run by Fiction.live",
    ),
    External(
        "gdpval_external.csv",
        "GDPval (win rate)",
        "Win Rate (%)",
        "fraction_0_1",
        "OpenAI (GDPval)",
        "OpenAI's GDPval: experts grade model deliverables against human ones; OpenAI models are "
        "self-reported, other developers' competitor-reported",
        relationship=_gdpval,
    ),
    External(
        "cybench_external.csv",
        "Cybench (unguided)",
        "Unguided % Solved",
        "fraction_0_1",
        "Cybench",
        "Cybench leaderboard (unguided capture-the-flag tasks); rows taken from a developer's "
        "system "
        "card are self-reported",
        relationship=_cybench,
    ),
    External(
        "vpct_external.csv",
        "VPCT",
        "Correct",
        "fraction_0_1",
        "VPCT",
        "VPCT (visual physics comprehension) leaderboard, run by its creator",
    ),
    External(
        "balrog_external.csv",
        "BALROG",
        "Average progress",
        "fraction_0_1",
        "BALROG",
        "BALROG agentic game leaderboard, run by its authors",
        date_column="Date added",
        extra=("Average Standard error",),
    ),
    External(
        "lech_mazur_writing_external.csv",
        "Creative writing (Lech Mazur)",
        "Mean score",
        "score_0_10",
        "Lech Mazur (writing benchmark)",
        "lechmazur/writing: stories graded 0-10 by a panel of LLM judges",
    ),
    External(
        "cad_eval_external.csv",
        "CadEval",
        "Overall pass (%)",
        "fraction_0_1",
        "CadEval",
        "CadEval dashboard (OpenSCAD generation), run by its author",
    ),
)


def epoch_externals(ref: Path, versions: Mapping[str, str]) -> tuple[list[Row], list[str]]:
    """Rows of the third-party leaderboards Epoch copies, for models in ``versions``."""
    rows, log = [], []
    for ext in EXTERNAL:
        src = f"{HUB_REPO}:data/eci/benchmark_data/{ext.file}@{HUB_COMMIT[:8]}"
        kept = skipped = 0
        for r in read_csv(ref / HUB / ext.file):
            printed = r[ext.column]
            if not printed:
                continue
            base, effort = split_version(r["Model version"])
            model_id = versions.get(r["Model version"], versions.get(base, ""))
            if not model_id:
                skipped += 1
                continue
            score = parse_decimal(printed)
            assert score is not None
            setting = ext.setting(r)
            if effort:
                setting = join_notes(setting, f"reasoning effort / thinking budget={effort}")
            date = r.get(ext.date_column, "")[:10] if ext.date_column else ""
            notes = [f"{ext.rests_on} (copied by Epoch AI)"]
            if not date:
                notes.append(
                    "no evaluation date in the file; source_date is the copy's commit date "
                    f"{HUB_DATE}"
                )
            for col in ext.extra:
                if r.get(col):
                    notes.append(f"{col} {r[col]}")
            if r.get("Source"):
                notes.append(f"Epoch's source: {r['Source']}")
            rows.append(
                _row(
                    model_id,
                    ext.label,
                    score,
                    ext.scale,
                    variant=ext.variant(r),
                    setting=setting,
                    reported_by=ext.reported_by,
                    relationship=ext.relationship(r),
                    source=src,
                    source_date=date or HUB_DATE,
                    row_ref=f"{r['Model version']} | {ext.label}"
                    + (f" | {setting}" if setting else ""),
                    printed=printed,
                    notes=notes,
                )
            )
            kept += 1
        log.append(
            f"benchmark_scores: {ext.file}: {kept} rows kept, {skipped} of unmapped models left out"
        )
    return rows, log


# --------------------------------------------------------------------------- Artificial Analysis

AA_DIR = "fresh_2026/artificial_analysis/aa_2026-05"
AA_SOURCE = (
    "feruiloba/miri-fellowship-inference-scaling:data/artificial_analysis/aa_evaluations_combined.csv"
    "@de081376"
)
AA_DATE = "2026-05-14"
AA_LABELS = {
    "gpqa-diamond": "GPQA-Diamond (Artificial Analysis)",
    "humanitys-last-exam": "HLE (Artificial Analysis)",
    "scicode": "SciCode (Artificial Analysis)",
    "artificial-analysis-long-context-reasoning": "AA-LCR long-context reasoning (Artificial "
    "Analysis)",
    "ifbench": "IFBench (Artificial Analysis)",
    "tau2-bench": "Tau2-Bench telecom (Artificial Analysis)",
    "terminalbench-hard": "Terminal-Bench Hard (Artificial Analysis)",
    "critpt": "CritPt (Artificial Analysis)",
    "mmlu-pro": "MMLU-Pro (Artificial Analysis)",
    "livecodebench": "LiveCodeBench (Artificial Analysis)",
    "aime-2025": "AIME-2025 (Artificial Analysis)",
    "math-500": "MATH-500 (Artificial Analysis)",
    "mmmu-pro": "MMMU-Pro (Artificial Analysis)",
    "global-mmlu-lite": "Global-MMLU-Lite (Artificial Analysis)",
    "apex-agents-aa": "APEX-Agents (Artificial Analysis)",
}


def artificial_analysis(ref: Path) -> tuple[list[Row], list[str]]:
    """AA's own evaluations of the models mapped in names.AA_SLUGS."""
    rows = []
    skipped = 0
    for r in read_csv(ref / AA_DIR / "aa_evaluations_combined.csv"):
        if r["model_slug"] not in AA_SLUGS:
            skipped += 1
            continue
        model_id, setting = AA_SLUGS[r["model_slug"]]
        raw = Decimal(r["score_raw"])
        rows.append(
            _row(
                model_id,
                AA_LABELS[r["benchmark"]],
                raw,
                "fraction_0_1",
                variant="",
                setting=setting,
                reported_by="Artificial Analysis",
                relationship="independent",
                source=AA_SOURCE,
                source_date=AA_DATE,
                row_ref=f"{r['model']} | {r['benchmark']}",
                printed=r["score_raw"],
                notes=[
                    f"AA score {r['score']} (percent as shown)",
                    "AA runs the evaluation itself; the scrape has no evaluation date, so "
                    f"source_date is the scrape's commit date {AA_DATE}",
                ],
            )
        )
    return rows, [
        f"benchmark_scores: {len(rows)} Artificial Analysis rows; {skipped} of unmapped AA models "
        "left out"
    ]


# --------------------------------------------------------------------------- LiveBench

LB_DIR = "fresh_2026/livebench"
LB_SOURCE = "LiveBench/livebench.github.io:public/table_2026_01_08.csv@4bf96c8d"


def livebench(ref: Path) -> tuple[list[Row], list[str]]:
    """Category and global averages of LiveBench's 2026-01-08 question set, recomputed.

    category average = mean of its tasks' scores; global average = mean of the
    category averages (LiveBench's definition). A model missing a task gets no
    average for that category (and no global average).
    """
    cats: dict[str, list[str]] = json.loads(
        (ref / LB_DIR / "categories_2026_01_08.json").read_text(encoding="utf-8")
    )
    first = {
        r["model"]: r for r in read_csv(ref / LB_DIR / "table_2026_01_08_model_first_seen.csv")
    }
    rows, skipped = [], 0
    for r in read_csv(ref / LB_DIR / "table_2026_01_08.csv"):
        name = r["model"]
        if name not in LIVEBENCH:
            skipped += 1
            continue
        model_id, setting = LIVEBENCH[name]
        seen = first.get(name)
        date = seen["first_seen_commit_date"] if seen else "2026-07-01"
        averages: dict[str, Decimal] = {}
        for cat, tasks in cats.items():
            values = [r[t] for t in tasks]
            if all(values):
                averages[cat] = sum(Decimal(v) for v in values) / len(values)
        if len(averages) == len(cats):
            averages["Global average"] = sum(averages.values()) / len(averages)
        for cat, value in averages.items():
            rounded = Decimal(num(value, 3))  # half-up to 0.001
            label = f"LiveBench {cat} (2026-01-08 set)"
            rows.append(
                _row(
                    model_id,
                    label,
                    rounded,
                    "percent",
                    variant="LiveBench-2026-01-08",
                    setting=setting,
                    reported_by="LiveBench",
                    relationship="independent",
                    source=LB_SOURCE,
                    source_date=date,
                    row_ref=f"{name} | {cat}",
                    printed=num(rounded),
                    notes=[
                        "recomputed from the task scores with categories_2026_01_08.json (mean of "
                        "tasks; global = mean of categories), rounded to 0.001",
                        "source_date = first commit showing the model "
                        f"({seen['first_seen_commit'][:8]})"
                        if seen
                        else "model absent from the first-seen list; "
                        "source_date = table commit date",
                    ],
                )
            )
    return rows, [
        f"benchmark_scores: {len(rows)} LiveBench rows; {skipped} unmapped LiveBench models left "
        "out"
    ]


# --------------------------------------------------------------------------- Vectara

VECTARA_FILE = "fresh_2026/vectara/README_leaderboard.md"
VECTARA_SOURCE = "vectara/hallucination-leaderboard:README.md@6b31dc62"
VECTARA_DATE = "2026-03-10"


def vectara(ref: Path) -> tuple[list[Row], list[str]]:
    """Factual consistency rate (100 - hallucination rate) of Vectara's HHEM-2.3 leaderboard."""
    text = (ref / VECTARA_FILE).read_text(encoding="utf-8")
    table = next(t for t in markdown_tables(text) if t and "Hallucination Rate" in t[0])
    rows, skipped = [], 0
    for r in table:
        if r["Model"] not in VECTARA:
            skipped += 1
            continue
        model_id, setting = VECTARA[r["Model"]]
        rate = parse_decimal(r["Factual Consistency Rate"].rstrip("%").strip())
        assert rate is not None
        rows.append(
            _row(
                model_id,
                "HHEM-2.3 factual consistency (Vectara)",
                rate,
                "percent",
                variant="",
                setting=setting,
                reported_by="Vectara",
                relationship="independent",
                source=VECTARA_SOURCE,
                source_date=VECTARA_DATE,
                row_ref=f"{r['Model']} | Factual Consistency Rate",
                printed=r["Factual Consistency Rate"],
                notes=[
                    f"hallucination rate {r['Hallucination Rate']}, answer rate "
                    f"{r['Answer Rate']}, "
                    f"average summary {r['Average Summary Length (Words)']} words",
                    "one narrow metric: hallucinations when summarising a given document, judged "
                    "by "
                    "Vectara's HHEM-2.3; higher is better",
                ],
            )
        )
    return rows, [
        f"benchmark_scores: {len(rows)} Vectara rows; {skipped} unmapped Vectara models left out"
    ]


def build_2026_scores(
    ref: Path, versions: Mapping[str, str], bench_rows: list[Row], model_ids: set[str]
) -> tuple[list[Row], list[str]]:
    """Every benchmark row from the 2026 sources.

    Raises:
        ValueError: a row names a model_id that models lacks.
    """
    rows: list[Row] = []
    log: list[str] = []
    for part, plog in (
        epoch_runs(ref, versions, old_run_ids(bench_rows)),
        epoch_externals(ref, versions),
        artificial_analysis(ref),
        livebench(ref),
        vectara(ref),
    ):
        rows += part
        log += plog
    unknown = sorted({r["model_id"] for r in rows} - model_ids)
    if unknown:
        raise ValueError(f"benchmark rows for unknown model_ids {unknown}")
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["eval_relationship"]] += 1
    log.append(f"benchmark_scores 2026: {dict(sorted(counts.items()))}")
    return rows, log
