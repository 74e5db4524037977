"""Score feeds: Epoch AI's benchmark data merged into benchmark_scores.csv and eci_scores.csv.

``python -m analysis refresh-scores --from epoch`` reads one of Epoch AI's public
downloads (:mod:`analysis.feeds.epoch`) and adds new dated rows:

- an Epoch-run evaluation becomes a ``benchmark_scores`` row (``reported_by =
  Epoch AI``, ``eval_relationship = independent``, ``source_date`` = the run's start
  day) when its run id is not recorded yet and its model is known;
- a Capabilities Index row becomes an ``eci_scores`` row of the snapshot the
  download is (``--snapshot``, by default the refresh date): ECI is refitted at
  every release, so a new release is a new snapshot and is never mixed with an
  older one.

Like the price refresh it never overwrites or deletes a row, never adds a model,
and changes nothing unless the whole download is well formed and the merged
tables pass the dataset validation. A second identical run changes nothing:

- a run whose id is recorded (under any source) is unchanged when its score
  agrees within half a unit of the printed precision, and reported otherwise;
- an index row already recorded in the snapshot is unchanged when its value
  agrees (to 2 decimals, as recorded) and reported otherwise; a download whose
  every index row equals an existing snapshot's is that snapshot, and adds nothing.

Models are matched, never guessed: an Epoch model version that is an API alias
(``deepseek-reasoner``) is the model the alias served on the run's day
(``api_aliases``); otherwise it maps to a ``model_id`` when an earlier Epoch row of
``benchmark_scores`` records that version (or its base, without the effort
suffix) for one model, or when it is itself a ``model_id``; an index name maps
when an earlier ``eci_scores`` row records it for one model. A run of an unknown
model is listed as not tracked; an index row of an unknown model is added with an
empty ``model_id`` (the table allows it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from analysis import config
from analysis.errors import RefreshError
from analysis.feeds.csv_text import CsvText, cell_date, check_merged, read_csv_text
from analysis.feeds.epoch import EPOCH_DOWNLOAD, EciScore, EpochRun, read_epoch, split_version
from analysis.feeds.fetch import (
    DEFAULT_DEADLINE_S,
    DEFAULT_TIMEOUT_S,
    MIB,
    fetch_or_read,
)
from analysis.feeds.prices import LOCK_TIMEOUT_S, table_lock
from analysis.files import atomic_write
from analysis.records import to_plain

#: Largest Epoch download accepted (bytes): the May-2026 hub unpacks to about 2 MB.
DEFAULT_MAX_BYTES = 50 * MIB
SOURCES = ("epoch",)
SCORES_FILE = "benchmark_scores.csv"
ECI_FILE = "eci_scores.csv"
EPOCH_SETTING = "Epoch AI Benchmarking Hub (Inspect harness); "
MAX_LISTED = 10
_RUN_ID = re.compile(r"(?:^|;)\s*run id (\S+?)(?:;|\s|$)")
_TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ScoreChange:
    """A row a score refresh adds.

    Attributes:
        table: ``benchmark_scores`` or ``eci_scores``.
        model_id: the model (empty for an index row of an unknown model).
        name: the model as Epoch names it (version for runs, model name for the index).
        what: the benchmark label, or ``ECI <snapshot>``.
        value: the score (fraction) or the index value, exact.
        when: the run's day, or the snapshot.
        detail: run id, setting, interval: what tells the row apart.
    """

    table: str
    model_id: str
    name: str
    what: str
    value: Decimal
    when: date | None
    detail: str

    def describe(self) -> str:
        """One diff line: ``benchmark_scores model_id GPQA-Diamond 0.94 (2026-04-24; ...)``."""
        who = self.model_id or f"({self.name}: no model row)"
        day = self.when.isoformat() if self.when else "undated"
        return f"{self.table} {who} {self.what} {_plain(self.value)} ({day}; {self.detail})"


@dataclass
class ScoreRefreshResult:
    """What a score refresh found and did.

    Attributes:
        source: the feed (``epoch``).
        origin: the URL or file read.
        today: the refresh date.
        snapshot: the ECI snapshot the download's index rows belong to.
        paths: the tables considered.
        changes: the new rows (applied unless ``dry_run``).
        unchanged: runs and index rows already recorded with the same value.
        not_tracked: Epoch model versions without a known model (their runs are left out).
        rejected: ``(name, reason)`` of rows the refresh could not use.
        skipped: ``(file, reason)`` of files in the download not used.
        dry_run: nothing was written on purpose.
        written: the tables were rewritten.
    """

    source: str
    origin: str
    today: date
    snapshot: date
    paths: tuple[Path, ...]
    changes: list[ScoreChange] = field(default_factory=list)
    unchanged: int = 0
    not_tracked: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    def summary(self) -> str:
        """The counts line."""
        runs = sum(c.table == "benchmark_scores" for c in self.changes)
        return (
            f"added: {len(self.changes)} ({runs} runs, {len(self.changes) - runs} index rows), "
            f"unchanged: {self.unchanged}, not tracked: {len(self.not_tracked)}, "
            f"rejected: {len(self.rejected)}, files skipped: {len(self.skipped)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (values as strings of exact decimals, dates ``YYYY-MM-DD``)."""
        changes = [
            {f.name: getattr(c, f.name) for f in dataclasses.fields(c)} | {"value": _plain(c.value)}
            for c in self.changes
        ]
        return to_plain(
            {
                "source": self.source,
                "origin": self.origin,
                "today": self.today,
                "snapshot": self.snapshot,
                "paths": [str(p) for p in self.paths],
                "dry_run": self.dry_run,
                "written": self.written,
                "changes": changes,
                "unchanged": self.unchanged,
                "not_tracked": self.not_tracked,
                "rejected": self.rejected,
                "skipped": self.skipped,
            }
        )


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text.strip() else None
    except InvalidOperation:
        return None


def _setting(effort: str) -> str:
    """The ``setting`` text of an effort suffix, as the curated Epoch rows write it."""
    if not effort:
        return EPOCH_SETTING + "default settings"
    return EPOCH_SETTING + f"reasoning effort / thinking budget={effort}"


def _unique_map(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``key -> value`` for keys that map to exactly one value."""
    seen: dict[str, set[str]] = {}
    for key, value in pairs:
        if key and value:
            seen.setdefault(key, set()).add(value)
    return {key: next(iter(values)) for key, values in seen.items() if len(values) == 1}


def _run_ids(rows: Sequence[Mapping[str, str]]) -> dict[str, Decimal | None]:
    """Run id -> recorded score, from the notes of the Epoch rows (``run id X``)."""
    out: dict[str, Decimal | None] = {}
    for row in rows:
        for match in _RUN_ID.finditer(row.get("notes", "")):
            out[match.group(1)] = _decimal(row.get("score", ""))
    return out


def _version_map(rows: Sequence[Mapping[str, str]], model_ids: set[str]) -> dict[str, str]:
    """Epoch model version (and its base) -> model_id, learned from the recorded Epoch rows."""
    pairs: list[tuple[str, str]] = []
    for row in rows:
        if row.get("reported_by") != "Epoch AI":
            continue
        version = row.get("row_ref", "").split(" | ", 1)[0].strip()
        pairs.append((version, row["model_id"]))
        pairs.append((split_version(version)[0], row["model_id"]))
    mapping = {m: m for m in model_ids}
    mapping.update(_unique_map(pairs))
    return mapping


Periods = dict[str, list[tuple[date, date | None, str]]]


def _alias_periods(folder: Path) -> Periods:
    """API name -> its ``(valid_from, valid_to, model_id)`` periods, from api_aliases.csv."""
    path = folder / "api_aliases.csv"
    if not path.is_file():
        return {}
    out: Periods = {}
    for row in read_csv_text(path, required=("alias", "model_id", "valid_from")).rows():
        start = cell_date(row["valid_from"])
        if start is not None:
            out.setdefault(row["alias"], []).append(
                (start, cell_date(row.get("valid_to", "")), row["model_id"])
            )
    return out


def _served(periods: Periods, names: Iterable[str], day: date | None) -> str | None:
    """The model an API alias among ``names`` served on ``day``: ``""`` when the name is an
    alias but served nothing known that day, None when no name is an alias."""
    for name in names:
        if name in periods:
            for start, end, model_id in periods[name]:
                if day is not None and start <= day and (end is None or day < end):
                    return model_id
            return ""
    return None


def _merge_runs(runs: Sequence[EpochRun]) -> list[EpochRun]:
    """One record per run id: the runs table's (task version, start) with the file's stderr."""
    by_id: dict[str, EpochRun] = {}
    for run in runs:
        known = by_id.get(run.run_id)
        if known is None:
            by_id[run.run_id] = run
        elif known.task_version or not run.task_version:
            if known.stderr is None and run.stderr is not None:
                by_id[run.run_id] = dataclasses.replace(known, stderr=run.stderr)
        else:
            by_id[run.run_id] = dataclasses.replace(run, stderr=run.stderr or known.stderr)
    return sorted(by_id.values(), key=lambda r: (r.benchmark, r.model_version, r.run_id))


def _tolerance(printed: str) -> Decimal:
    """Half a unit of the last printed decimal (``0,961`` -> 0.0005); 1e-9 when unknown."""
    digits = re.search(r"[.,](\d+)$", printed.strip())
    return Decimal(5) / Decimal(10) ** (len(digits.group(1)) + 1) if digits else Decimal("1e-9")


def _plan_runs(
    runs: Sequence[EpochRun],
    table: CsvText,
    model_ids: set[str],
    aliases: Periods,
    source: str,
    result: ScoreRefreshResult,
) -> list[dict[str, str]]:
    rows = table.rows()
    recorded = _run_ids(rows)
    versions = _version_map(rows, model_ids)
    keys = {
        (r["model_id"], r["benchmark"], r["benchmark_variant"], r["setting"], r["row_ref"])
        for r in rows
        if r.get("source") == source
    }
    new_rows: list[dict[str, str]] = []
    unknown: set[str] = set()
    for run in _merge_runs(runs):
        if run.run_id in recorded:
            old = recorded[run.run_id]
            if old is not None and abs(old - run.score) <= _tolerance(run.printed):
                result.unchanged += 1
            else:
                result.rejected.append(
                    (
                        run.model_version,
                        f"run {run.run_id} ({run.benchmark}) is recorded with score {old}, the "
                        f"download says {_plain(run.score)}; rows are never overwritten",
                    )
                )
            continue
        # An API alias (deepseek-reasoner) is the model it served on the run's day.
        served = _served(aliases, (run.model_version, run.model), run.run_date)
        model_id = versions.get(run.model_version) or versions.get(run.model)
        if served is not None:
            model_id = served
        if not model_id:
            unknown.add(run.model_version)
            continue
        if run.run_date is None:
            result.rejected.append(
                (run.model_version, f"run {run.run_id} has no start date; a row needs one")
            )
            continue
        variant = f"task version {run.task_version}" if run.task_version else ""
        setting = _setting(run.setting)
        row_ref = f"{run.model_version} | {run.task}"
        key = (model_id, run.benchmark, variant, setting, row_ref)
        if key in keys:
            row_ref = f"{row_ref} | run {run.run_id}"  # a second run of one version and task
            key = (*key[:4], row_ref)
        keys.add(key)
        notes = [f"run id {run.run_id}"]
        notes += [f"scores {run.scorers}"] if run.scorers else []
        notes += [f"stderr {_plain(run.stderr.quantize(Decimal('0.0001')))}"] if run.stderr else []
        if run.started and not re.match(r"^\d{4}-\d{2}-\d{2}", run.started):
            notes.append(f"run started '{run.started}'")
        if run.printed and run.printed != _plain(run.score):
            notes.append(f"printed '{run.printed}'")
        if not run.task_version:
            notes.append("task version not recorded")
        notes.append(f"from {run.origin.rsplit('/', 1)[-1]}")
        new_rows.append(
            {
                "model_id": model_id,
                "benchmark": run.benchmark,
                "benchmark_variant": variant,
                "score": _plain(run.score),
                "scale": "fraction_0_1",
                "score_pct": _plain(run.score * 100),
                "setting": setting,
                "reported_by": "Epoch AI",
                "eval_relationship": "independent",
                "source": source,
                "source_date": run.run_date.isoformat(),
                "row_ref": row_ref,
                "notes": "; ".join(notes),
            }
        )
        result.changes.append(
            ScoreChange(
                "benchmark_scores",
                model_id,
                run.model_version,
                run.benchmark,
                run.score,
                run.run_date,
                f"run {run.run_id}, {setting.removeprefix(EPOCH_SETTING)}",
            )
        )
    result.not_tracked = sorted(unknown)
    return new_rows


def _open_weights(label: str) -> str:
    if label.startswith("Open weights"):
        return "true"
    if label in ("API access", "Hosted access (no API)", "Unreleased"):
        return "false"
    return ""


def _plan_eci(
    scores: Sequence[EciScore],
    table: CsvText,
    snapshot: date,
    source: str,
    result: ScoreRefreshResult,
) -> list[dict[str, str]]:
    if not scores:
        return []
    rows = table.rows()
    names = _unique_map((r["eci_model"], r.get("model_id", "")) for r in rows)
    snapshots: dict[str, dict[str, Decimal | None]] = {}
    for r in rows:
        snapshots.setdefault(r["snapshot"], {})[r["eci_model"]] = _decimal(r["eci"])
    incoming = {s.model: s.eci.quantize(_TWO_PLACES) for s in scores}
    for day, recorded in sorted(snapshots.items()):
        if day != snapshot.isoformat() and all(
            recorded.get(name) == value for name, value in incoming.items()
        ):
            result.unchanged += len(incoming)
            result.rejected.append(
                (
                    "(index)",
                    f"every index row equals snapshot {day}: the download is that release, "
                    f"not a new one ({snapshot.isoformat()}); nothing added",
                )
            )
            return []
    same_day = snapshots.get(snapshot.isoformat(), {})
    new_rows: list[dict[str, str]] = []
    for s in sorted(scores, key=lambda s: s.model):
        value = s.eci.quantize(_TWO_PLACES)
        if s.model in same_day:
            if same_day[s.model] == value:
                result.unchanged += 1
            else:
                result.rejected.append(
                    (
                        s.model,
                        f"snapshot {snapshot.isoformat()} records ECI {same_day[s.model]}, the "
                        f"download says {_plain(value)}; rows are never overwritten",
                    )
                )
            continue
        low = s.ci_low.quantize(_TWO_PLACES) if s.ci_low is not None else None
        high = s.ci_high.quantize(_TWO_PLACES) if s.ci_high is not None else None
        notes = []
        if s.versions:
            notes.append(f"Epoch model versions: {', '.join(s.versions)}")
        if value != s.eci:
            notes.append(f"printed {_plain(s.eci)} (rounded to 2 decimals)")
        notes.append(f"from {s.origin.rsplit('/', 1)[-1]}")
        model_id = names.get(s.model, "")
        new_rows.append(
            {
                "snapshot": snapshot.isoformat(),
                "eci_model": s.model,
                "model_id": model_id,
                "eci": _plain(value),
                "ci_low": _plain(low) if low is not None else "",
                "ci_high": _plain(high) if high is not None else "",
                "model_date": s.model_date.isoformat() if s.model_date else "",
                "organisation": s.organisation,
                "epoch_accessibility": s.accessibility,
                "open_weights": _open_weights(s.accessibility),
                "source": source,
                "source_date": snapshot.isoformat(),
                "notes": "; ".join(notes),
            }
        )
        interval = f"[{_plain(low)}, {_plain(high)}]" if low is not None and high else "no interval"
        result.changes.append(
            ScoreChange(
                "eci_scores",
                model_id,
                s.model,
                f"ECI {snapshot.isoformat()}",
                value,
                s.model_date,
                interval,
            )
        )
    return new_rows


def _model_ids(folder: Path) -> set[str]:
    models = read_csv_text(folder / "models.csv", required=("model_id",))
    return {r["model_id"] for r in models.rows()}


def refresh_scores(
    source: str,
    *,
    today: date,
    url: str | None = None,
    file: str | os.PathLike[str] | None = None,
    snapshot: date | None = None,
    dry_run: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT_S,
    deadline: float = DEFAULT_DEADLINE_S,
    datasets: Path | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
) -> ScoreRefreshResult:
    """Add the download's new runs and index rows to benchmark_scores.csv and eci_scores.csv.

    The download is fetched and read first; then, holding both tables' locks
    (``benchmark_scores`` before ``eci_scores``), the tables are read, merged,
    validated and rewritten (each atomically), and only when there are new rows,
    the whole download is well formed and the merged tables pass validation.

    Args:
        source: ``epoch``.
        today: the refresh date.
        url: the download's http(s) URL (give this or ``file``).
        file: a saved copy.
        snapshot: the ECI release the download is (default: ``today``).
        dry_run: compute and return the changes but write nothing.
        max_bytes: largest download, and largest size it may unpack to, in bytes.
        timeout: seconds to connect and between received chunks.
        deadline: seconds for the whole download.
        datasets: the datasets folder (default: ``config.datasets_dir()``).
        lock_timeout: seconds to wait for another refresh of the same tables.

    Returns:
        The changes, counts and whether the tables were written.

    Raises:
        RefreshError: the download cannot be fetched or is malformed, the merged
            tables fail validation, or another refresh held them too long;
            nothing was changed.
    """
    if source not in SOURCES:
        raise RefreshError(f"unknown score source {source!r}: choose one of {', '.join(SOURCES)}")
    origin, body = fetch_or_read(
        url, file, timeout=timeout, max_bytes=max_bytes, deadline=deadline, expect=EPOCH_DOWNLOAD
    )
    download = read_epoch(body, origin, max_bytes=max_bytes)

    folder = datasets or config.datasets_dir()
    paths = (folder / SCORES_FILE, folder / ECI_FILE)
    day = snapshot or today
    cite = f"Epoch AI download {origin} fetched {today.isoformat()} (CC BY 4.0)"
    result = ScoreRefreshResult(
        source=source,
        origin=origin,
        today=today,
        snapshot=day,
        paths=paths,
        skipped=list(download.skipped),
        dry_run=dry_run,
    )
    with contextlib.ExitStack() as locks:
        for path in paths:
            locks.enter_context(table_lock(path, timeout=lock_timeout))
        scores = read_csv_text(paths[0], required=("model_id", "notes", "row_ref", "source"))
        eci = read_csv_text(paths[1], required=("snapshot", "eci_model", "eci", "model_id"))
        new_runs = _plan_runs(
            download.runs, scores, _model_ids(folder), _alias_periods(folder), cite, result
        )
        new_eci = _plan_eci(download.eci, eci, day, cite, result)
        if not new_runs and not new_eci:
            return result
        merged = {
            SCORES_FILE: scores.with_rows(
                new_runs,
                key=lambda r: (r["model_id"], r["benchmark"]),
                day=lambda r: cell_date(r.get("source_date", "")),
            ),
            ECI_FILE: eci.with_rows(
                new_eci, key=lambda r: (r["snapshot"],), day=lambda r: cell_date(r["snapshot"])
            ),
        }
        problems = check_merged(folder, merged, today, tables=("benchmark_scores", "eci_scores"))
        if problems:
            raise RefreshError(
                "the merged score tables would not validate, nothing was changed "
                f"({len(problems)} problem(s)):\n  " + "\n  ".join(problems[:MAX_LISTED])
            )
        if dry_run:
            return result
        if new_runs:
            atomic_write(paths[0], merged[SCORES_FILE])
        if new_eci:
            atomic_write(paths[1], merged[ECI_FILE])
    result.written = True
    return result


__all__ = ["DEFAULT_MAX_BYTES", "SOURCES", "ScoreChange", "ScoreRefreshResult", "refresh_scores"]
