"""The dataset schema and the validation of the curated CSV files against it.

``datasets/schema.yaml`` is the contract: it names every table, its columns
(type, unit, required, allowed values, bounds, pattern, references), its
primary key and the named cross-column ``checks`` implemented here.

Validation reads each CSV once, converts every cell to its declared type and
reports *every* problem, one line each::

    datasets/api_prices.csv:12: input_usd_per_mtok: below the minimum 0 (-3)

The path is relative to the datasets folder's parent and the line number counts
the header as line 1 (a record spanning several lines is reported at its first
line). The converted columns are what the warehouse loads, so what was
validated is exactly what is stored.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from analysis.dates import DATE_PATTERN
from analysis.errors import DataValidationError

SCHEMA_FILE = "schema.yaml"
TYPES = ("str", "int", "float", "bool", "date")
_COLUMN_KEYS = {
    "name",
    "type",
    "unit",
    "required",
    "allowed",
    "min",
    "max",
    "pattern",
    "references",
    "description",
}
_TABLE_KEYS = {"file", "description", "primary_key", "checks", "columns"}

# Inclusive bounds of `score` per `scale` (None = unbounded on that side).
SCALE_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "percent": (0.0, 100.0),
    "fraction_0_1": (0.0, 1.0),
    "percentile": (0.0, 100.0),
    "score_0_10": (0.0, 10.0),
    "score_1_5": (1.0, 5.0),
    "solved_of_30": (0.0, 30.0),
    "bits_per_byte": (0.0, None),
    "rating": (None, None),
}
# score_pct = score x factor for these scales; empty for every other scale.
SCORE_PCT_FACTOR = {"percent": 1.0, "fraction_0_1": 100.0}
SCORE_PCT_TOLERANCE = 0.005  # percentage points: half of the 0.01 a table prints
PER_GPU_TOLERANCE = 0.005  # relative: usd_per_gpu_hour vs usd_per_hour / gpu_count

_INT = re.compile(r"[+-]?\d+")


# --------------------------------------------------------------------------- schema model


@dataclass(frozen=True)
class Column:
    """One declared column of a table."""

    name: str
    type: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    pattern: re.Pattern[str] | None = None
    references: tuple[str, str] | None = None
    unit: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Table:
    """One declared table: its CSV file, columns, primary key and checks."""

    name: str
    file: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    description: str | None = None

    @property
    def column_names(self) -> list[str]:
        """The declared column names, in schema order."""
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class Schema:
    """The parsed ``schema.yaml``."""

    version: int
    tables: dict[str, Table]
    path: Path


def _label(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (the datasets folder's parent), with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def parse_schema(text: str, path: Path, label: str | None = None) -> Schema:
    """Parse the text of a ``schema.yaml``.

    Args:
        text: the YAML text.
        path: where it was read from (kept on the result).
        label: how problems name the file (default: ``path``).

    Returns:
        The schema.

    Raises:
        DataValidationError: the schema itself is malformed (every problem listed).
    """
    import yaml  # only the build and validation paths need YAML

    label = label or path.as_posix()
    problems: list[str] = []
    # libyaml's loader when present: ~10x faster than the pure-Python one.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        doc = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise DataValidationError([f"{label}: not valid YAML ({exc})"]) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict):
        raise DataValidationError([f"{label}: tables: a mapping of table names is required"])
    version = doc.get("version")
    if not isinstance(version, int):
        problems.append(f"{label}: version: an integer is required ({version})")
        version = 0
    tables: dict[str, Table] = {}
    for tname, spec in doc["tables"].items():
        where = f"{label}: tables.{tname}"
        if not isinstance(spec, dict):
            problems.append(f"{where}: a mapping is required ({spec})")
            continue
        for key in sorted(set(spec) - _TABLE_KEYS):
            problems.append(f"{where}.{key}: unknown key ({key})")
        columns: list[Column] = []
        for i, col in enumerate(spec.get("columns") or []):
            cwhere = f"{where}.columns[{i}]"
            if not isinstance(col, dict) or not col.get("name"):
                problems.append(f"{cwhere}: a mapping with a name is required ({col})")
                continue
            for key in sorted(set(col) - _COLUMN_KEYS):
                problems.append(f"{cwhere}.{key}: unknown key ({key})")
            ctype = col.get("type")
            if ctype not in TYPES:
                problems.append(f"{cwhere}.type: not one of {', '.join(TYPES)} ({ctype})")
                ctype = "str"
            pattern = None
            if col.get("pattern") is not None:
                try:
                    pattern = re.compile(str(col["pattern"]))
                except re.error as exc:
                    problems.append(f"{cwhere}.pattern: invalid regular expression ({exc})")
            references = None
            if col.get("references") is not None:
                ref = str(col["references"])
                if ref.count(".") != 1:
                    problems.append(f"{cwhere}.references: TABLE.COLUMN is required ({ref})")
                else:
                    rt, rc = ref.split(".")
                    references = (rt, rc)
            allowed = col.get("allowed")
            columns.append(
                Column(
                    name=str(col["name"]),
                    type=ctype,
                    required=bool(col.get("required", False)),
                    allowed=tuple(str(a) for a in allowed) if allowed is not None else None,
                    min=float(col["min"]) if col.get("min") is not None else None,
                    max=float(col["max"]) if col.get("max") is not None else None,
                    pattern=pattern,
                    references=references,
                    unit=col.get("unit"),
                    description=col.get("description"),
                )
            )
        names = [c.name for c in columns]
        for dup in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"{where}.columns: duplicate column ({dup})")
        pk = tuple(spec.get("primary_key") or ())
        for key in pk:
            if key not in names:
                problems.append(f"{where}.primary_key: not a column of the table ({key})")
        checks = tuple(spec.get("checks") or ())
        for check in checks:
            if check not in CHECKS:
                known = ", ".join(sorted(CHECKS))
                problems.append(f"{where}.checks: unknown check; known: {known} ({check})")
                continue
            for needed in CHECKS[check].columns:
                if needed not in names:
                    problems.append(f"{where}.checks: {check} needs column {needed} ({check})")
        if not spec.get("file"):
            problems.append(f"{where}.file: a CSV file name is required")
        tables[str(tname)] = Table(
            name=str(tname),
            file=str(spec.get("file") or f"{tname}.csv"),
            columns=tuple(columns),
            primary_key=pk,
            checks=checks,
            description=spec.get("description"),
        )
    for table in tables.values():
        for col in table.columns:
            if col.references is None:
                continue
            rt, rc = col.references
            if rt not in tables or rc not in tables[rt].column_names:
                problems.append(
                    f"{label}: tables.{table.name}.{col.name}.references: "
                    f"no such table column ({rt}.{rc})"
                )
    if problems:
        raise DataValidationError(problems)
    return Schema(version=version, tables=tables, path=path)


def load_schema(path: Path) -> Schema:
    """Read and parse a ``schema.yaml`` file.

    Args:
        path: the schema file.

    Returns:
        The schema.

    Raises:
        DataValidationError: the file is missing or malformed.
    """
    label = _label(path, path.parent.parent)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataValidationError([f"{label}: cannot read the schema ({exc.strerror})"]) from exc
    return parse_schema(text, path, label)


# --------------------------------------------------------------------------- parsed tables


@dataclass
class ParsedTable:
    """A table read from its CSV: typed columns (``None`` for an empty cell) and line numbers.

    Attributes:
        table: the schema table.
        label: the file as problems name it (``datasets/FILE.csv``).
        columns: declared column name -> list of typed values, one per row.
        lines: the CSV line number of each row (header = line 1).
        absent: declared columns missing from the header (their values are all ``None``).
        present: whether the file exists and was read to its end (references into a
            table that was not are not checked, to avoid a cascade of false problems).
    """

    table: Table
    label: str
    columns: dict[str, list[Any]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    absent: set[str] = field(default_factory=set)
    present: bool = True

    @property
    def rows(self) -> int:
        """Number of data rows."""
        return len(self.lines)

    def unread(self) -> ParsedTable:
        """Mark the file as not read (no rows, every column absent); returns ``self``."""
        self.present = False
        self.absent = set(self.table.column_names)
        self.columns = {n: [] for n in self.table.column_names}
        return self


class _Problems:
    """Collects problems; sorted by table order, line, then column order at the end."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int, int, str]] = []

    def add(self, order: tuple[int, int, int], text: str) -> None:
        self.items.append((*order, text))

    def sorted(self) -> list[str]:
        return [text for *_, text in sorted(self.items)]


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _convert(ctype: str, raw: list[str], on_error: Callable[[int, str, str], None]) -> list[Any]:
    """Convert raw cells (already stripped) to ``ctype``; ``None`` for empty or bad cells."""
    out: list[Any] = [None] * len(raw)
    if ctype == "str":
        return [v if v else None for v in raw]
    for i, v in enumerate(raw):
        if not v:
            continue
        if ctype == "float":
            try:
                x = float(v)
            except ValueError:
                on_error(i, "not a number", v)
                continue
            if "_" in v or not math.isfinite(x):
                on_error(i, "not a finite number", v)
                continue
            out[i] = x
        elif ctype == "int":
            if _INT.fullmatch(v):
                out[i] = int(v)
            else:
                on_error(i, "not an integer", v)
        elif ctype == "bool":
            if v == "true":
                out[i] = True
            elif v == "false":
                out[i] = False
            else:
                on_error(i, "not true or false", v)
        elif ctype == "date":
            try:
                if not DATE_PATTERN.fullmatch(v):
                    raise ValueError(v)
                out[i] = date.fromisoformat(v)
            except ValueError:
                on_error(i, "not a date YYYY-MM-DD", v)
    return out


def _decode(data: bytes, label: str, problems: _Problems, order: int) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.add(
            (order, line, -1),
            f"{label}:{line}: (file): not UTF-8 text (byte 0x{data[exc.start]:02x})",
        )
        return None


def parse_table(
    table: Table, data: bytes | None, label: str, problems: _Problems, order: int
) -> ParsedTable:
    """Read one CSV file's bytes into typed columns, recording cell-level problems."""
    parsed = ParsedTable(table=table, label=label)
    names = table.column_names
    if data is None:
        problems.add((order, 1, -1), f"{label}:1: (file): file not found ({table.file})")
        return parsed.unread()
    text = _decode(data, label, problems, order)
    if text is None:
        return parsed.unread()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    last = 0
    try:
        for record in reader:
            start, last = last + 1, reader.line_num
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # a blank line
            if header is None:
                header = [h.strip() for h in record]
                header_line = start
                continue
            records.append(record)
            lines.append(start)
    except csv.Error as exc:
        line = last + 1
        problems.add((order, line, -1), f"{label}:{line}: (row): malformed CSV ({exc})")
        # The rows after the error are unread: references into this table are not checked.
        parsed.present = False
    if header is None:
        problems.add((order, 1, -1), f"{label}:1: (header): the file has no header row")
        return parsed.unread()

    position = {n: i for i, n in enumerate(names)}
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in seen:
            problems.add(
                (order, header_line, position.get(h, len(names))),
                f"{label}:{header_line}: {h or '(empty)'}: "
                f"column appears twice in the header ({h})",
            )
            continue
        seen[h] = i
        if h not in position:
            problems.add(
                (order, header_line, len(names)),
                f"{label}:{header_line}: {h or '(empty)'}: "
                f"unknown column, not in schema.yaml ({h})",
            )
    for n in names:
        if n not in seen:
            parsed.absent.add(n)
            problems.add(
                (order, header_line, position[n]),
                f"{label}:{header_line}: {n}: column missing from the header",
            )

    width = len(header)
    good_records: list[list[str]] = []
    good_lines: list[int] = []
    for record, line in zip(records, lines, strict=True):
        if len(record) != width:
            problems.add(
                (order, line, -1),
                f"{label}:{line}: (row): {len(record)} cells but the header has {width}",
            )
            continue
        good_records.append(record)
        good_lines.append(line)
    parsed.lines = good_lines
    nrows = len(good_lines)

    for col in table.columns:
        cidx = position[col.name]
        if col.name in parsed.absent:
            parsed.columns[col.name] = [None] * nrows
            continue
        j = seen[col.name]
        raw = [r[j].strip() for r in good_records]

        def bad(i: int, what: str, value: str, _col: str = col.name, _c: int = cidx) -> None:
            problems.add(
                (order, good_lines[i], _c),
                f"{label}:{good_lines[i]}: {_col}: {what} ({value})",
            )

        values = _convert(col.type, raw, bad)
        parsed.columns[col.name] = values
        for i, v in enumerate(values):
            if v is None:
                if col.required and not raw[i]:
                    problems.add(
                        (order, good_lines[i], cidx),
                        f"{label}:{good_lines[i]}: {col.name}: required value is empty",
                    )
                continue
            if col.allowed is not None and v not in col.allowed:
                bad(i, f"not one of {', '.join(col.allowed)}", raw[i])
            if col.min is not None and v < col.min:
                bad(i, f"below the minimum {_fmt(col.min)}", raw[i])
            if col.max is not None and v > col.max:
                bad(i, f"above the maximum {_fmt(col.max)}", raw[i])
            if col.pattern is not None and not col.pattern.fullmatch(raw[i]):
                bad(i, f"does not match the pattern {col.pattern.pattern}", raw[i])
    return parsed


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Check:
    """A named cross-column rule: the columns it reads and the function that applies it.

    The function yields ``(row index, column, what is wrong, value)`` for each problem.
    """

    columns: tuple[str, ...]
    func: Callable[[ParsedTable, date], Iterator[tuple[int, str, str, Any]]]


def _score_within_scale(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    score, scale, pct = t.columns["score"], t.columns["scale"], t.columns["score_pct"]
    for i, (s, sc, p) in enumerate(zip(score, scale, pct, strict=True)):
        if sc is None or sc not in SCALE_BOUNDS:
            continue  # a missing or unknown scale is reported by its own column rule
        lo, hi = SCALE_BOUNDS[sc]
        if s is not None and ((lo is not None and s < lo) or (hi is not None and s > hi)):
            span = (
                f"{_fmt(lo) if lo is not None else '-inf'}..{_fmt(hi) if hi is not None else 'inf'}"
            )
            yield i, "score", f"outside {span} for scale {sc}", _fmt(s)
        factor = SCORE_PCT_FACTOR.get(sc)
        if factor is None:
            if p is not None:
                yield i, "score_pct", f"must be empty for scale {sc}", _fmt(p)
        elif s is not None:
            expected = s * factor
            if p is None:
                yield i, "score_pct", f"empty; expected score x {_fmt(factor)} = {expected:g}", ""
            elif abs(p - expected) > SCORE_PCT_TOLERANCE:
                yield (
                    i,
                    "score_pct",
                    f"not score x {_fmt(factor)} = {expected:g} for scale {sc}",
                    _fmt(p),
                )


def _per_gpu_price_consistent(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    hour, count, per_gpu = (
        t.columns["usd_per_hour"],
        t.columns["gpu_count"],
        t.columns["usd_per_gpu_hour"],
    )
    for i, (h, n, g) in enumerate(zip(hour, count, per_gpu, strict=True)):
        if h is None or not n or g is None:
            continue
        expected = h / n
        if abs(g - expected) > PER_GPU_TOLERANCE * expected:
            yield (
                i,
                "usd_per_gpu_hour",
                f"not usd_per_hour / gpu_count = {_fmt(h)} / {n} = {expected:.6g} (within 0.5%)",
                _fmt(g),
            )


def _cached_le_input(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    cached, inp = t.columns["cached_input_usd_per_mtok"], t.columns["input_usd_per_mtok"]
    for i, (c, p) in enumerate(zip(cached, inp, strict=True)):
        if c is not None and p is not None and c > p:
            yield i, "cached_input_usd_per_mtok", f"above input_usd_per_mtok {_fmt(p)}", _fmt(c)


def _active_le_total(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    active, total = t.columns["params_active_b"], t.columns["params_total_b"]
    for i, (a, n) in enumerate(zip(active, total, strict=True)):
        if a is not None and n is not None and a > n:
            yield i, "params_active_b", f"above params_total_b {_fmt(n)}", _fmt(a)


def _needs_source(
    value_columns: tuple[str, ...], source_column: str, what: str
) -> Callable[[ParsedTable, date], Iterator[tuple[int, str, str, Any]]]:
    def check(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
        sources = t.columns[source_column]
        for i, src in enumerate(sources):
            if src is not None:
                continue
            given = [(c, t.columns[c][i]) for c in value_columns if t.columns[c][i] is not None]
            if given:
                c, v = given[0]
                yield i, source_column, f"empty although {c} is given; {what}", v

    return check


def _price_estimate_has_source(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    price = t.columns["purchase_price_usd"]
    estimate = t.columns["purchase_price_is_estimate"]
    source = t.columns["purchase_price_source"]
    for i, (p, e, s) in enumerate(zip(price, estimate, source, strict=True)):
        if p is None:
            if e is not None or s is not None:
                yield i, "purchase_price_usd", "empty although a price source or flag is given", ""
            continue
        if s is None:
            yield i, "purchase_price_source", "empty although a purchase price is given", _fmt(p)
        if e is None:
            yield (
                i,
                "purchase_price_is_estimate",
                "empty although a purchase price is given (true for a press or analyst estimate)",
                _fmt(p),
            )


def _unknown_start_has_no_date(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    start, basis = t.columns["effective_from"], t.columns["date_basis"]
    for i, (d, b) in enumerate(zip(start, basis, strict=True)):
        if b is None:
            continue
        if b == "unknown_start" and d is not None:
            yield i, "effective_from", "must be empty when date_basis is unknown_start", d
        elif b != "unknown_start" and d is None:
            yield i, "effective_from", f"empty but date_basis is {b} (not unknown_start)", ""


def _future_price_is_scheduled(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    start, scheduled = t.columns["effective_from"], t.columns["scheduled"]
    for i, (d, s) in enumerate(zip(start, scheduled, strict=True)):
        if d is not None and d > today and s is False:
            yield i, "effective_from", f"after today ({today}) but scheduled is false", d


CHECKS: dict[str, Check] = {
    "score_within_scale": Check(("score", "scale", "score_pct"), _score_within_scale),
    "per_gpu_price_consistent": Check(
        ("usd_per_hour", "gpu_count", "usd_per_gpu_hour"), _per_gpu_price_consistent
    ),
    "cached_le_input": Check(("cached_input_usd_per_mtok", "input_usd_per_mtok"), _cached_le_input),
    "active_le_total": Check(("params_active_b", "params_total_b"), _active_le_total),
    "release_date_has_source": Check(
        ("release_date", "release_date_source"),
        _needs_source(("release_date",), "release_date_source", "say where the date comes from"),
    ),
    "spec_has_source": Check(
        ("layers", "kv_heads", "head_dim", "params_total_b", "params_active_b", "spec_source"),
        _needs_source(
            ("params_total_b", "params_active_b", "layers", "kv_heads", "head_dim"),
            "spec_source",
            "say where the architecture figures come from",
        ),
    ),
    "price_estimate_has_source": Check(
        ("purchase_price_usd", "purchase_price_is_estimate", "purchase_price_source"),
        _price_estimate_has_source,
    ),
    "unknown_start_has_no_date": Check(
        ("effective_from", "date_basis"), _unknown_start_has_no_date
    ),
    "future_price_is_scheduled": Check(("effective_from", "scheduled"), _future_price_is_scheduled),
}


# ------------------------------------------------------------------------ whole-folder validation


def _pk_problems(parsed: ParsedTable, problems: _Problems, order: int) -> None:
    pk = parsed.table.primary_key
    if not pk or any(c in parsed.absent for c in pk):
        return
    cols = [parsed.columns[c] for c in pk]
    first: dict[tuple[Any, ...], int] = {}
    label = "+".join(pk)
    cidx = parsed.table.column_names.index(pk[0])
    for i, key in enumerate(zip(*cols, strict=True)):
        line = parsed.lines[i]
        if all(v is None for v in key):
            problems.add(
                (order, line, cidx), f"{parsed.label}:{line}: {label}: primary key is empty"
            )
            continue
        if key in first:
            shown = " | ".join("" if v is None else _fmt(v) for v in key)
            problems.add(
                (order, line, cidx),
                f"{parsed.label}:{line}: {label}: duplicate primary key, "
                f"first on line {first[key]} ({shown})",
            )
        else:
            first[key] = line


def validate_sources(
    schema: Schema,
    files: dict[str, bytes | None],
    *,
    label_prefix: str,
    today: date | None = None,
    extra_files: Sequence[str] = (),
) -> tuple[list[str], dict[str, ParsedTable]]:
    """Validate the bytes of every table's CSV against ``schema``.

    Args:
        schema: the parsed schema.
        files: table name -> the CSV's bytes (``None`` when the file is missing).
        label_prefix: how problems name the folder (``datasets``).
        today: the build date for ``future_price_is_scheduled`` (default: ``date.today()``).
        extra_files: CSV files in the folder that no table describes (each is a problem).

    Returns:
        ``(problems, parsed tables)``; problems sorted by table, line and column.
    """
    today = today or date.today()
    problems = _Problems()
    parsed: dict[str, ParsedTable] = {}
    order = {name: i for i, name in enumerate(schema.tables)}
    for name, table in schema.tables.items():
        label = f"{label_prefix}/{table.file}"
        parsed[name] = parse_table(table, files.get(name), label, problems, order[name])
    for extra in extra_files:
        problems.add(
            (len(order), 1, -1),
            f"{label_prefix}/{extra}:1: (file): "
            f"no table in schema.yaml describes this file ({extra})",
        )

    for name, p in parsed.items():
        o = order[name]
        names = p.table.column_names
        _pk_problems(p, problems, o)
        for col in p.table.columns:
            if col.references is None or col.name in p.absent:
                continue
            rt, rc = col.references
            target = parsed[rt]
            if not target.present or rc in target.absent:
                continue  # the missing file or column is already a problem
            known = {v for v in target.columns[rc] if v is not None}
            cidx = names.index(col.name)
            for i, v in enumerate(p.columns[col.name]):
                if v is not None and v not in known:
                    line = p.lines[i]
                    problems.add(
                        (o, line, cidx),
                        f"{p.label}:{line}: {col.name}: not in {rt}.{rc} ({_fmt(v)})",
                    )
        for check_name in p.table.checks:
            check = CHECKS[check_name]
            if any(c in p.absent for c in check.columns):
                continue
            for i, column, what, value in check.func(p, today):
                line = p.lines[i]
                text = f"{p.label}:{line}: {column}: {what}"
                if value != "":
                    text += f" ({_fmt(value)})"
                problems.add((o, line, names.index(column)), text)
    return problems.sorted(), parsed


# ------------------------------------------------- checks of eci_scores and model_shapes (2026)


def _eci_within_interval(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    eci, low, high = t.columns["eci"], t.columns["ci_low"], t.columns["ci_high"]
    for i, (e, lo, hi) in enumerate(zip(eci, low, high, strict=True)):
        if (lo is None) != (hi is None):
            yield i, "ci_low" if lo is None else "ci_high", "an interval needs both ends", ""
        elif e is not None and lo is not None and hi is not None and not lo <= e <= hi:
            yield i, "eci", f"outside its interval {_fmt(lo)}..{_fmt(hi)}", _fmt(e)


def _eci_model_once_per_snapshot(
    t: ParsedTable, today: date
) -> Iterator[tuple[int, str, str, Any]]:
    seen: dict[tuple[Any, Any], int] = {}
    for i, key in enumerate(zip(t.columns["snapshot"], t.columns["model_id"], strict=True)):
        if key[1] is None:
            continue
        if key in seen:
            yield (
                i,
                "model_id",
                f"already in snapshot {key[0]} on line {t.lines[seen[key]]}; "
                "one ECI per model and snapshot",
                key[1],
            )
        else:
            seen[key] = i


def _shape_attention_fields(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    c = t.columns
    for i, kind in enumerate(c["attention"]):
        if kind in ("mha", "gqa"):
            for col in ("kv_heads", "head_dim"):
                if c[col][i] is None:
                    yield i, col, f"empty for {kind} attention", ""
            for col in ("kv_lora_rank", "qk_rope_head_dim"):
                if c[col][i] is not None:
                    yield i, col, f"must be empty for {kind} attention", c[col][i]
            heads, kv = c["attention_heads"][i], c["kv_heads"][i]
            if kind == "mha" and heads is not None and kv is not None and heads != kv:
                yield i, "kv_heads", f"mha needs kv_heads = attention_heads {heads}", kv
            uneven = heads is not None and kv is not None and (kv >= heads or heads % kv)
            if kind == "gqa" and uneven:
                yield i, "kv_heads", f"gqa needs fewer K/V heads dividing {heads} query heads", kv
        elif kind == "mla":
            for col in ("kv_lora_rank", "qk_rope_head_dim"):
                if c[col][i] is None:
                    yield i, col, "empty for mla attention", ""
            for col in ("kv_heads", "head_dim"):
                if c[col][i] is not None:
                    yield i, col, "must be empty for mla (the cache holds a latent)", c[col][i]
        full, layers = c["full_attention_layers"][i], c["layers"][i]
        if full is not None and layers is not None and full > layers:
            yield i, "full_attention_layers", f"above layers {layers}", full


def _shape_moe_fields(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    c = t.columns
    moe_cols = ("routed_experts", "experts_per_token", "moe_layers", "expert_ffn_size")
    for i, ffn in enumerate(c["ffn"]):
        if ffn == "moe":
            for col in ("routed_experts", "experts_per_token"):
                if c[col][i] is None:
                    yield i, col, "empty for a moe model", ""
            e, k = c["routed_experts"][i], c["experts_per_token"][i]
            if e is not None and k is not None and k > e:
                yield i, "experts_per_token", f"above routed_experts {e}", k
        elif ffn == "dense":
            for col in moe_cols:
                if c[col][i] is not None:
                    yield i, col, "must be empty for a dense model", c[col][i]
        dense, moe, layers = c["dense_layers"][i], c["moe_layers"][i], c["layers"][i]
        if dense is not None and moe is not None and layers is not None and dense + moe > layers:
            yield i, "moe_layers", f"dense_layers + moe_layers above layers {layers}", moe


CHECKS.update(
    {
        "eci_within_interval": Check(("eci", "ci_low", "ci_high"), _eci_within_interval),
        "eci_model_once_per_snapshot": Check(
            ("snapshot", "model_id"), _eci_model_once_per_snapshot
        ),
        "shape_attention_fields": Check(
            (
                "attention",
                "attention_heads",
                "kv_heads",
                "head_dim",
                "kv_lora_rank",
                "qk_rope_head_dim",
                "full_attention_layers",
                "layers",
            ),
            _shape_attention_fields,
        ),
        "shape_moe_fields": Check(
            (
                "ffn",
                "routed_experts",
                "experts_per_token",
                "moe_layers",
                "expert_ffn_size",
                "dense_layers",
                "layers",
            ),
            _shape_moe_fields,
        ),
    }
)


# ------------------------------------------------------------ checks of price ends and aliases


def _price_end_is_sourced(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    c = t.columns
    for i, end in enumerate(c["effective_to"]):
        basis, source, start = c["end_basis"][i], c["end_source"][i], c["effective_from"][i]
        if end is None:
            for col, value in (("end_basis", basis), ("end_source", source)):
                if value is not None:
                    yield i, col, "given although effective_to is empty", value
            continue
        if basis is None:
            yield (
                i,
                "end_basis",
                "empty although effective_to is given; say how the end is known",
                "",
            )
        if source is None:
            yield (
                i,
                "end_source",
                "empty although effective_to is given; say where it comes from",
                "",
            )
        if start is not None and end <= start:
            yield i, "effective_to", f"not after effective_from {start}", end


def _series_order(keys: list[tuple[Any, ...]], starts: list[Any]) -> list[list[int]]:
    """Row indexes grouped by key, each group sorted by start (unknown starts first)."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    return [
        sorted(rows, key=lambda i: (starts[i] is not None, starts[i] or date.min))
        for rows in groups.values()
    ]


def _price_end_in_order(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    """An offer has one end, and no price of it starts on or after that end."""
    c = t.columns
    keys = list(zip(c["provider"], c["api_model"], strict=True))
    for rows in _series_order(keys, c["effective_from"]):
        ends = [i for i in rows if c["effective_to"][i] is not None]
        if not ends:
            continue
        first = min(ends, key=lambda i: c["effective_to"][i])
        end = c["effective_to"][first]
        for i in ends:
            if c["effective_to"][i] != end:
                yield (
                    i,
                    "effective_to",
                    f"differs from the end {end} on line {t.lines[first]}; an offer ends once",
                    c["effective_to"][i],
                )
        for i in rows:
            start = c["effective_from"][i]
            if start is not None and start >= end:
                yield (
                    i,
                    "effective_from",
                    f"on or after the offer's end {end} (line {t.lines[first]})",
                    start,
                )


def _alias_periods_in_order(t: ParsedTable, today: date) -> Iterator[tuple[int, str, str, Any]]:
    c = t.columns
    for i, (start, end) in enumerate(zip(c["valid_from"], c["valid_to"], strict=True)):
        if start is not None and end is not None and end <= start:
            yield i, "valid_to", f"not after valid_from {start}", end
    keys = list(zip(c["provider"], c["alias"], strict=True))
    for rows in _series_order(keys, c["valid_from"]):
        for here, after in itertools.pairwise(rows):
            end, next_start = c["valid_to"][here], c["valid_from"][after]
            if next_start is not None and (end is None or next_start < end):
                yield (
                    after,
                    "valid_from",
                    f"overlaps the period from line {t.lines[here]} "
                    f"(to {end if end is not None else 'open'}); one model per alias and day",
                    next_start,
                )


CHECKS.update(
    {
        "price_end_is_sourced": Check(
            ("effective_to", "end_basis", "end_source", "effective_from"), _price_end_is_sourced
        ),
        "price_end_in_order": Check(
            ("provider", "api_model", "effective_from", "effective_to"), _price_end_in_order
        ),
        "alias_periods_in_order": Check(
            ("provider", "alias", "valid_from", "valid_to"), _alias_periods_in_order
        ),
    }
)
