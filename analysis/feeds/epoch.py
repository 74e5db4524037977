"""Epoch AI's public benchmark data: reading its download formats, untrusted.

Epoch AI publishes its Benchmarking Hub as ``benchmark_data.zip`` (one CSV per
benchmark, the Capabilities Index ``epoch_capabilities_index.csv``) and its
Capabilities Index alone as ``eci_scores.csv``; the runs behind the hub are
also viewable as one table of runs. :func:`read_epoch` takes any of these, as
bytes, and returns what they hold as typed records:

- :class:`EpochRun` -- one evaluation Epoch ran itself (per-benchmark CSV of an
  Epoch-run benchmark, or a row of the runs table);
- :class:`EciScore` -- one model's index in the file's snapshot;
- files that copy third-party leaderboards (``*_external.csv`` and the like) are
  listed as skipped, with the reason: their scores are not Epoch's own runs.

Cells are read the way the files are written in the wild: decimal commas
(``0,961``), dates as ``YYYY-MM-DD``, ISO timestamps, or spelled out in
Spanish or English (``2 de mayo de 2026 2:08am``, ``May 2, 2026``). Anything
else -- an HTML page, a file whose columns are not one of the formats, a ZIP
that would unpack beyond the size limit, a score outside 0..1 -- is refused
with a :class:`RefreshError` that names the file, line and column.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from analysis.dates import parse_date
from analysis.errors import DateError, RefreshError
from analysis.feeds.fetch import MIB, FeedProblem, Format, check_name, refuse_markup, shown

#: What an Epoch download may be: a ZIP archive or one CSV file.
EPOCH_DOWNLOAD = Format(
    "ZIP or CSV",
    "a ZIP or CSV download",
    (
        "application/zip",
        "application/x-zip-compressed",
        "application/octet-stream",
        "text/csv",
        "application/csv",
        "text/plain",
    ),
)

MAX_MEMBERS = 500  # files in a ZIP
MAX_ERRORS_SHOWN = 10
MAX_ROWS = 200_000  # per CSV file
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"

# Epoch-run benchmark files of the hub download: file stem -> (benchmark label, task
# as the runs table prints it). Labels are the ones benchmark_scores already uses.
EPOCH_RUN_BENCHMARKS: dict[str, tuple[str, str]] = {
    "gpqa_diamond": ("GPQA-Diamond", "GPQA diamond"),
    "math_level_5": ("MATH-Level-5", "MATH level 5"),
    "otis_mock_aime_2024_2025": ("OTIS-Mock-AIME-2024-2025", "OTIS Mock AIME 2024-2025"),
    "swe_bench_verified": ("SWE-bench-Verified", "SWE-Bench verified"),
    "frontiermath": (
        "FrontierMath-Tier1-3 (private)",
        "FrontierMath-2025-02-28-Private",
    ),
    "frontiermath_tier_4": (
        "FrontierMath-Tier4 (private)",
        "FrontierMath-Tier-4-2025-07-01-Private",
    ),
    "simpleqa_verified": ("SimpleQA-Verified", "SimpleQA Verified"),
    "chess_puzzles": ("Chess-Puzzles", "Chess Puzzles"),
}
# The same benchmarks by the task name the runs table prints (lower case), and the
# tasks found only there.
_TASKS = {task.lower(): label for label, task in EPOCH_RUN_BENCHMARKS.values()}
_TASKS.update(
    {
        "frontiermath-2025-02-28-public": "FrontierMath-Tier1-3 (public)",
        "frontiermath-tier-4-2025-07-01-public": "FrontierMath-Tier4 (public)",
        "swe-bench verified (claude code)": "SWE-bench-Verified (Claude Code scaffold)",
        "swe-bench verified (codex)": "SWE-bench-Verified (Codex scaffold)",
    }
)

# Columns that identify each CSV format (a file must have all of them).
ECI_COLUMNS = ("Model", "eci", "eci_ci_low", "eci_ci_high", "date")
HUB_ECI_COLUMNS = ("Model version", "ECI Score", "Release date")
BENCHMARK_COLUMNS = ("Model version", "mean_score", "stderr", "Started at", "id")
RUNS_COLUMNS = ("id", "task", "model", "Best score (across scorers)", "started_at", "Status")

#: Month names as Epoch's exports spell them (lower case): Spanish, and English with
#: its abbreviations. The curation scripts read the same names.
SPANISH_MONTHS = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
ENGLISH_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_SPANISH_DATE = re.compile(r"^(\d{1,2}) de ([a-záéíóú]+)(?: de|,)? (\d{4})\b", re.IGNORECASE)
_ENGLISH_DATE = re.compile(r"^([a-z]+)\.? (\d{1,2}),? (\d{4})\b", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2}) ([a-z]+)\.? (\d{4})\b", re.IGNORECASE)

# Model-version suffixes that are settings of one model, not another model:
# reasoning effort or a thinking budget ("_high", "_32K"), or "unknown".
_SETTING = re.compile(
    r"^(?P<base>.+?)_(?P<setting>minimal|none|low|medium|high|xhigh|max|unknown|\d+K)$"
)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class EpochRun:
    """One evaluation Epoch AI ran itself.

    Attributes:
        benchmark: the benchmark's label in ``benchmark_scores`` (``GPQA-Diamond``).
        task: the task as Epoch prints it (``GPQA diamond``).
        model_version: Epoch's model id with its setting (``gpt-5.5_xhigh``).
        model: the model id without the setting suffix (``gpt-5.5``).
        setting: reasoning effort or thinking budget from the suffix, or ``""``.
        score: the mean score, a fraction in [0, 1].
        stderr: its standard error, when given.
        run_id: Epoch's id of the run (or of the row, when no run id is given).
        run_date: the day the run started, when given.
        task_version: the task's version, when given (runs table only).
        origin: ``file:line`` of the record.
        printed: the score cell as printed (``0,961``).
        started: the start cell as printed, when it is not an ISO timestamp.
        scorers: the runs table's per-scorer summary (``choice:0.91±0.02``), when given.
    """

    benchmark: str
    task: str
    model_version: str
    model: str
    setting: str
    score: Decimal
    stderr: Decimal | None
    run_id: str
    run_date: date | None
    task_version: str
    origin: str
    printed: str = ""
    started: str = ""
    scorers: str = ""


@dataclass(frozen=True)
class EciScore:
    """One model's Capabilities Index in one published snapshot.

    Attributes:
        model: Epoch's model name (``GPT-5.5``); the hub file's ``Model name``.
        display_name: the name as displayed, when given.
        eci: the index, ECI points.
        ci_low: lower end of the interval, when given.
        ci_high: upper end of the interval, when given.
        model_date: Epoch's date for the model, when given.
        organisation: the developer as printed.
        accessibility: Epoch's "Model accessibility" label, when given.
        versions: the hub's model-version ids folded into this row.
        origin: ``file:line`` of the record.
    """

    model: str
    display_name: str
    eci: Decimal
    ci_low: Decimal | None
    ci_high: Decimal | None
    model_date: date | None
    organisation: str
    accessibility: str
    versions: tuple[str, ...]
    origin: str


@dataclass(frozen=True)
class EpochDownload:
    """What an Epoch download holds.

    Attributes:
        runs: Epoch's own evaluation runs.
        eci: Capabilities Index rows.
        skipped: ``(file, reason)`` for each file read but not used.
    """

    runs: tuple[EpochRun, ...] = ()
    eci: tuple[EciScore, ...] = ()
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- cells


def parse_number(text: str, where: str) -> Decimal:
    """A number as written in a CSV cell, exact.

    Accepts ``0.961``, a decimal comma ``0,961`` (a single comma is always a
    decimal comma: ``1,234`` is 1.234), thousands separators when both marks are
    present (``1,234.5``, ``1.234,5``) or commas group thousands repeatedly
    (``1,234,567``), and exponents (``1e-3``).

    Raises:
        FeedProblem: the cell is empty or not a finite number.
    """
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        raise FeedProblem(f"{where}: empty, a number is required")
    if "," in value and "." in value:
        if value.rfind(",") > value.rfind("."):  # 1.234,5
            value = value.replace(".", "").replace(",", ".")
        else:  # 1,234.5
            value = value.replace(",", "")
    elif value.count(",") == 1 and re.fullmatch(r"[-+]?\d*,\d+(e[-+]?\d+)?", value, re.I):
        value = value.replace(",", ".")  # a decimal comma: 0,961
    elif re.fullmatch(r"[-+]?\d{1,3}(,\d{3}){2,}", value):
        value = value.replace(",", "")  # 1,234,567
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise FeedProblem(f"{where}: {shown(text)} is not a number") from None
    if not number.is_finite():
        raise FeedProblem(f"{where}: {shown(text)} is not a finite number")
    return number


def parse_when(text: str, where: str) -> date:
    """The calendar day a cell names.

    Accepts ``YYYY-MM-DD``, ISO timestamps (their UTC day), Spanish dates
    (``2 de mayo de 2026 2:08am``) and English ones (``May 2, 2026``,
    ``2 May 2026``).

    Raises:
        FeedProblem: the cell is not one of these, or not a real day.
    """
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return parse_date(value, where)
        if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", value):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return (moment.astimezone(UTC) if moment.tzinfo else moment).date()
        spanish = _SPANISH_DATE.match(value)
        if spanish and spanish.group(2).lower() in SPANISH_MONTHS:
            day, month, year = spanish.groups()
            return date(int(year), SPANISH_MONTHS[month.lower()], int(day))
        english = _ENGLISH_DATE.match(value)
        if english and english.group(1).lower() in ENGLISH_MONTHS:
            month, day, year = english.groups()
            return date(int(year), ENGLISH_MONTHS[month.lower()], int(day))
        day_first = _DAY_MONTH_YEAR.match(value)
        if day_first and day_first.group(2).lower() in ENGLISH_MONTHS:
            day, month, year = day_first.groups()
            return date(int(year), ENGLISH_MONTHS[month.lower()], int(day))
    except (DateError, ValueError):
        pass
    raise FeedProblem(
        f"{where}: {shown(value)} is not a date (YYYY-MM-DD, an ISO timestamp, "
        "or a day spelled out in Spanish or English)"
    )


def split_version(model_version: str) -> tuple[str, str]:
    """``(model, setting)`` of an Epoch model version: ``gpt-5.5_xhigh`` -> ``(gpt-5.5, xhigh)``."""
    match = _SETTING.match(model_version)
    if not match:
        return model_version, ""
    setting = match.group("setting")
    return match.group("base"), "" if setting == "unknown" else setting


def _fraction(text: str, where: str) -> Decimal:
    score = parse_number(text, where)
    if not Decimal(0) <= score <= Decimal(1):
        raise FeedProblem(f"{where}: {shown(text)} is outside 0..1 (a fraction of the tasks)")
    return score


def _optional_number(text: str, where: str) -> Decimal | None:
    return parse_number(text, where) if text.strip() else None


def _optional_day(text: str, where: str) -> date | None:
    return parse_when(text, where) if text.strip() else None


# --------------------------------------------------------------------------- files


def _decode(data: bytes, name: str) -> str:
    refuse_markup(data, name, EPOCH_DOWNLOAD)
    if b"\x00" in data[:4096]:
        raise RefreshError(f"{name}: binary data, not a CSV file; nothing was changed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RefreshError(
            f"{name}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8; nothing was changed"
        ) from None


def _rows(text: str, name: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the ``(line, row)`` pairs of a CSV text."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise RefreshError(f"{name}: the file is empty; nothing was changed") from None
    except csv.Error as exc:
        raise RefreshError(f"{name}:1: unreadable header ({exc}); nothing was changed") from None
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise RefreshError(
                    f"{name}: more than {MAX_ROWS} rows; not an Epoch file; nothing was changed"
                )
            line = reader.line_num
            if len(cells) != len(header):
                raise RefreshError(
                    f"{name}:{line}: {len(cells)} cells, the header has {len(header)}; "
                    "nothing was changed"
                )
            rows.append((line, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        raise RefreshError(f"{name}:{reader.line_num}: {exc}; nothing was changed") from None
    return header, rows


def _has(header: Sequence[str], columns: Iterable[str]) -> bool:
    return set(columns) <= set(header)


def _read_csv_file(
    text: str, name: str, problems: list[str]
) -> tuple[list[EpochRun], list[EciScore], str]:
    """Records of one CSV file, and what was done with it.

    Returns:
        ``(runs, eci, outcome)``: ``outcome`` is ``"read"``, a reason the file is
        skipped, or ``""`` when the columns are not one of Epoch's formats.
    """
    header, rows = _rows(text, name)
    stem = PurePosixPath(name.rsplit("!", 1)[-1].split("?")[0]).stem.lower()
    if _has(header, ECI_COLUMNS):
        return [], _eci_rows(rows, name, problems), "read"
    if _has(header, HUB_ECI_COLUMNS):
        return [], _hub_eci_rows(rows, name, problems), "read"
    if _has(header, RUNS_COLUMNS):
        return _run_rows(rows, name, problems), [], "read"
    if _has(header, BENCHMARK_COLUMNS) and stem in EPOCH_RUN_BENCHMARKS:
        return _benchmark_rows(rows, stem, name, problems), [], "read"
    if stem.endswith("_external") or "Source" in header or "Source link" in header:
        return [], [], "a copy of a third-party leaderboard, not an Epoch run"
    if _has(header, BENCHMARK_COLUMNS):
        return [], [], "an Epoch-run benchmark this toolkit does not track yet"
    return [], [], ""


def _unknown_format(name: str, header: Sequence[str]) -> RefreshError:
    expected = "; ".join(
        ", ".join(columns)
        for columns in (ECI_COLUMNS, HUB_ECI_COLUMNS, BENCHMARK_COLUMNS, RUNS_COLUMNS)
    )
    got = ", ".join(shown(c, 30) for c in header[:12]) or "(no columns)"
    return RefreshError(
        f"{name}: wrong columns for an Epoch file: got {got}; expected the columns of "
        f"eci_scores.csv, epoch_capabilities_index.csv, a per-benchmark CSV or the runs "
        f"table ({expected}); nothing was changed"
    )


def _eci_rows(
    rows: Sequence[tuple[int, Mapping[str, str]]], name: str, problems: list[str]
) -> list[EciScore]:
    out = []
    for line, row in rows:
        where = f"{name}:{line}"
        try:
            model = check_name(row["Model"].strip(), f"{where}: Model")
            low = _optional_number(row["eci_ci_low"], f"{where}: eci_ci_low")
            high = _optional_number(row["eci_ci_high"], f"{where}: eci_ci_high")
            out.append(
                EciScore(
                    model=model,
                    display_name=row.get("Display name", "").strip(),
                    eci=parse_number(row["eci"], f"{where}: eci"),
                    ci_low=low,
                    ci_high=high,
                    model_date=_optional_day(row["date"], f"{where}: date"),
                    organisation=row.get("Organization", "").strip(),
                    accessibility=row.get("Model accessibility", "").strip(),
                    versions=tuple(
                        v.strip() for v in row.get("model_versions", "").split(",") if v.strip()
                    ),
                    origin=where,
                )
            )
        except FeedProblem as exc:
            problems.append(str(exc))
    return out


def _hub_eci_rows(
    rows: Sequence[tuple[int, Mapping[str, str]]], name: str, problems: list[str]
) -> list[EciScore]:
    """The hub's epoch_capabilities_index.csv: one row per model version, folded per model."""
    groups: dict[tuple[str, Decimal], list[tuple[int, Mapping[str, str]]]] = {}
    for line, row in rows:
        where = f"{name}:{line}"
        if not row["ECI Score"].strip():
            continue  # a version Epoch lists without an index
        try:
            check_name(row["Model version"].strip(), f"{where}: Model version")
            model = (
                row.get("Model name", "").strip()
                or row.get("Display name", "").strip()
                or row["Model version"].strip()
            )
            check_name(model, f"{where}: Model name")
            score = parse_number(row["ECI Score"], f"{where}: ECI Score")
            _optional_day(row["Release date"], f"{where}: Release date")
        except FeedProblem as exc:
            problems.append(str(exc))
            continue
        groups.setdefault((model, score), []).append((line, row))
    per_name: dict[str, int] = {}
    for model, _score in groups:
        per_name[model] = per_name.get(model, 0) + 1
    out = []
    for (model, score), members in groups.items():
        first_line, first = members[0]
        versions = tuple(sorted(r["Model version"].strip() for _l, r in members))
        label = model
        if per_name[model] > 1:  # one name, several indexes: name the shortest version too
            label = f"{model} ({min(versions, key=lambda v: (len(v), v))})"
        dates = sorted(
            parse_when(r["Release date"], name) for _l, r in members if r["Release date"].strip()
        )
        labels = sorted({r.get("Model accessibility", "").strip() for _l, r in members} - {""})
        out.append(
            EciScore(
                model=label,
                display_name=first.get("Display name", "").strip(),
                eci=score,
                ci_low=None,
                ci_high=None,
                model_date=dates[0] if dates else None,
                organisation=first.get("Organization", "").strip(),
                accessibility="; ".join(labels),
                versions=versions,
                origin=f"{name}:{first_line}",
            )
        )
    return out


def _benchmark_rows(
    rows: Sequence[tuple[int, Mapping[str, str]]], stem: str, name: str, problems: list[str]
) -> list[EpochRun]:
    label, task = EPOCH_RUN_BENCHMARKS[stem]
    out = []
    for line, row in rows:
        where = f"{name}:{line}"
        try:
            version = check_name(row["Model version"].strip(), f"{where}: Model version")
            model, setting = split_version(version)
            run_id = check_name(row["id"].strip(), f"{where}: id")
            out.append(
                EpochRun(
                    benchmark=label,
                    task=task,
                    model_version=version,
                    model=model,
                    setting=setting,
                    score=_fraction(row["mean_score"], f"{where}: mean_score"),
                    stderr=_optional_number(row["stderr"], f"{where}: stderr"),
                    run_id=run_id,
                    run_date=_optional_day(row["Started at"], f"{where}: Started at"),
                    task_version="",
                    origin=where,
                    printed=row["mean_score"].strip(),
                )
            )
        except FeedProblem as exc:
            problems.append(str(exc))
    return out


def _run_rows(
    rows: Sequence[tuple[int, Mapping[str, str]]], name: str, problems: list[str]
) -> list[EpochRun]:
    """The runs table: one row per run; only successful runs of tracked tasks are kept."""
    out = []
    for line, row in rows:
        where = f"{name}:{line}"
        task = row["task"].strip()
        label = _TASKS.get(task.lower())
        if label is None or row["Status"].strip().lower() != "success":
            continue
        try:
            version = check_name(row["model"].strip(), f"{where}: model")
            model, setting = split_version(version)
            out.append(
                EpochRun(
                    benchmark=label,
                    task=task,
                    model_version=version,
                    model=model,
                    setting=setting,
                    score=_fraction(
                        row["Best score (across scorers)"],
                        f"{where}: Best score (across scorers)",
                    ),
                    stderr=None,
                    run_id=check_name(row["id"].strip(), f"{where}: id"),
                    run_date=_optional_day(row["started_at"], f"{where}: started_at"),
                    task_version=row.get("task version", "").strip(),
                    origin=where,
                    printed=row["Best score (across scorers)"].strip(),
                    started=row["started_at"].strip(),
                    scorers=row.get("Scores", "").strip(),
                )
            )
        except FeedProblem as exc:
            problems.append(str(exc))
    return out


def _raise_problems(origin: str, problems: Sequence[str]) -> None:
    if not problems:
        return
    shown_problems = list(problems[:MAX_ERRORS_SHOWN])
    more = (
        f" (and {len(problems) - MAX_ERRORS_SHOWN} more)"
        if len(problems) > MAX_ERRORS_SHOWN
        else ""
    )
    raise RefreshError(
        f"{origin}: Epoch data rejected, nothing was changed: {len(problems)} problem(s){more}:\n  "
        + "\n  ".join(shown_problems)
    )


def _members(body: bytes, origin: str, max_bytes: int) -> list[tuple[str, bytes]]:
    """The CSV files of a ZIP archive, read in memory, bounded in count and size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RefreshError(
            f"{origin}: not a readable ZIP archive ({exc}); nothing was changed"
        ) from None
    with archive:
        infos = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not PurePosixPath(i.filename).name.startswith((".", "__"))
            and "__MACOSX" not in i.filename
        ]
        if len(infos) > MAX_MEMBERS:
            raise RefreshError(
                f"{origin}: the archive holds {len(infos)} files, more than {MAX_MEMBERS}; "
                "nothing was changed"
            )
        total = sum(i.file_size for i in infos)
        if total > max_bytes:
            raise RefreshError(
                f"{origin}: the archive unpacks to {total / MIB:.1f} MB, over the "
                f"{max_bytes / MIB:.1f} MB limit (raise it with --max-mb); nothing was changed"
            )
        out = []
        read = 0
        for info in infos:
            if not info.filename.lower().endswith(".csv"):
                continue
            try:
                with archive.open(info) as handle:
                    data = handle.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                raise RefreshError(
                    f"{origin}: {info.filename}: cannot unpack it ({exc}); nothing was changed"
                ) from None
            read += len(data)
            if len(data) > info.file_size or read > max_bytes:
                raise RefreshError(
                    f"{origin}: {info.filename} unpacks to more than the archive declares; "
                    "nothing was changed"
                )
            out.append((info.filename, data))
    if not out:
        raise RefreshError(f"{origin}: the archive holds no CSV file; nothing was changed")
    return out


def read_epoch(body: bytes, origin: str, *, max_bytes: int) -> EpochDownload:
    """What an Epoch download holds: ``benchmark_data.zip``, or one of its CSV files.

    Args:
        body: the downloaded bytes.
        origin: the URL or file, for messages.
        max_bytes: largest size the download may unpack to, in bytes.

    Returns:
        The runs and ECI rows found, and the files skipped with the reason.

    Raises:
        RefreshError: the body is HTML, not UTF-8, a broken or oversized ZIP, a
            CSV with other columns than Epoch's formats, or holds malformed cells
            (the message lists the first problems with ``file:line: column``).
    """
    if not body.strip():
        raise RefreshError(f"{origin}: the download is empty; nothing was changed")
    if body.startswith((_ZIP_MAGIC, _EMPTY_ZIP)):
        files = _members(body, origin, max_bytes)
        label = f"{origin}!"
    else:
        files = [(PurePosixPath(origin.split("?")[0]).name or "download.csv", body)]
        label = ""
    runs: list[EpochRun] = []
    eci: list[EciScore] = []
    skipped: list[tuple[str, str]] = []
    problems: list[str] = []
    for name, data in files:
        shown_name = f"{label}{name}" if label else origin
        text = _decode(data, shown_name)
        found_runs, found_eci, outcome = _read_csv_file(text, shown_name, problems)
        if not outcome:
            if not label:  # one CSV given: its columns must be one of the formats
                raise _unknown_format(shown_name, _rows(text, shown_name)[0])
            outcome = "not an Epoch benchmark, runs or index table"
        if outcome != "read":
            skipped.append((name, outcome))
        runs += found_runs
        eci += found_eci
    _raise_problems(origin, problems)
    if not runs and not eci:
        raise RefreshError(
            f"{origin}: no Epoch runs or Capabilities Index rows found "
            f"({len(skipped)} file(s) skipped); nothing was changed"
        )
    return EpochDownload(tuple(runs), tuple(eci), tuple(sorted(skipped)))


__all__ = [
    "EPOCH_DOWNLOAD",
    "EPOCH_RUN_BENCHMARKS",
    "EciScore",
    "EpochDownload",
    "EpochRun",
    "parse_number",
    "parse_when",
    "read_epoch",
    "split_version",
]
