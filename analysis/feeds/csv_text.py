"""A dataset CSV as text, so a refresh can add rows and leave every other byte as it was.

A refresh never rewrites the rows it does not change: :func:`read_csv_text`
keeps each record's exact original text (a quoted cell may span lines), the
comment lines before the header and the blank lines after the last record;
:meth:`CsvText.with_rows` places new rows among them and returns the whole
new text, ready for :func:`analysis.files.atomic_write`.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analysis.dates import parse_date
from analysis.errors import DateError, RefreshError


def cell_date(value: str) -> date | None:
    """A ``YYYY-MM-DD`` cell as a date; None when blank or not a date."""
    if not value.strip():
        return None
    try:
        return parse_date(value)
    except DateError:
        return None


@dataclass(frozen=True)
class CsvText:
    """A CSV file as text: leading comment lines, header, and raw records.

    Attributes:
        path: the file read.
        newline: the file's line end (``"\\n"`` or ``"\\r\\n"``).
        preamble: comment and blank lines (with line ends) before the header.
        header: the column names.
        header_text: the header line(s) as written.
        records: each record parsed (``{}`` for a blank line) with its exact original text.
        trailing: blank lines after the last record.
    """

    path: Path
    newline: str
    preamble: tuple[str, ...]
    header: tuple[str, ...]
    header_text: str
    records: tuple[tuple[dict[str, str], str], ...]
    trailing: str

    def rows(self) -> list[dict[str, str]]:
        """The records as dicts, blank lines left out."""
        return [row for row, _text in self.records if row]

    def with_rows(
        self,
        new_rows: Sequence[Mapping[str, str]],
        *,
        key: Callable[[Mapping[str, str]], tuple[str, ...]],
        day: Callable[[Mapping[str, str]], date | None],
    ) -> str:
        """The file's text with ``new_rows`` added; every existing record kept byte for byte.

        A new row goes after the last record of the same ``key`` whose ``day`` is
        unknown or not after its own (so a series stays in date order), or before
        the first later one; a row with a new key goes at the end.

        Args:
            new_rows: the rows to add (columns missing from the header are left out,
                columns of the header missing from a row are empty).
            key: the series a row belongs to, e.g. ``(provider, api_model)``.
            day: a row's date within its series.

        Returns:
            The whole new text.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=self.newline)
        records = list(self.records)
        if records and not records[-1][1].endswith(("\n", "\r")):
            # The file's last line had no line end: give it one before anything follows it.
            records[-1] = (records[-1][0], records[-1][1] + self.newline)
        for row in new_rows:
            series, when = key(row), day(row)
            position = None
            for index, (existing, _text) in enumerate(records):
                if existing and key(existing) == series:
                    start = day(existing)
                    if start is None or when is None or start <= when:
                        position = index + 1
                    elif position is None:
                        position = index
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([row.get(column, "") for column in self.header])
            text = buffer.getvalue()
            cells = {column: row.get(column, "") for column in self.header}
            records.insert(len(records) if position is None else position, (cells, text))
        body = "".join(text for _row, text in records)
        return "".join(self.preamble) + self.header_text + body + self.trailing


def read_csv_text(path: Path, *, required: Iterable[str] = ()) -> CsvText:
    """Read a dataset CSV keeping each record's original text.

    Lines before the header that start with ``#`` or are blank are kept as the
    preamble; blank lines after the last record as the trailing text.

    Args:
        path: the CSV file.
        required: columns the header must have.

    Returns:
        The file as :class:`CsvText`.

    Raises:
        RefreshError: the file cannot be read, is not UTF-8, has no header, lacks a
            required column, or a record has another number of cells than the header
            (the message gives ``path:line``).
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RefreshError(f"{path}: cannot read the table ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RefreshError(f"{path}: not UTF-8 text") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    preamble: list[str] = []
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        preamble.append(lines.pop(0))
    if not lines:
        raise RefreshError(f"{path}: no header row")
    # Records are read one at a time so each keeps its exact original text (a
    # quoted cell may span lines): unchanged rows are written back byte for byte.
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise RefreshError(f"{path}: unreadable header ({exc})") from None
    header_text = "".join(lines[: reader.line_num])
    records: list[tuple[dict[str, str], str]] = []
    consumed = reader.line_num
    try:
        for cells in reader:
            chunk = "".join(lines[consumed : reader.line_num])
            consumed = reader.line_num
            if not cells or not any(c.strip() for c in cells):
                records.append(({}, chunk))  # a blank line: kept as is
                continue
            if len(cells) != len(header):
                raise RefreshError(
                    f"{path}:{len(preamble) + consumed}: {len(cells)} cells, "
                    f"the header has {len(header)}; fix the file, then refresh"
                )
            records.append((dict(zip(header, cells, strict=True)), chunk))
    except csv.Error as exc:
        raise RefreshError(f"{path}:{len(preamble) + reader.line_num}: {exc}") from None
    trailing = ""
    while records and not records[-1][0]:
        trailing = records.pop()[1] + trailing
    missing = set(required) - set(header)
    if missing:
        raise RefreshError(f"{path}: header lacks column(s) {', '.join(sorted(missing))}")
    return CsvText(
        path, newline, tuple(preamble), tuple(header), header_text, tuple(records), trailing
    )


def check_merged(
    datasets: Path, merged: Mapping[str, str], today: date, *, tables: Sequence[str]
) -> list[str]:
    """Problems the dataset validation finds once merged texts replace their files.

    The datasets folder is copied to a temporary folder (hidden files, such as the
    lock folder, left out), the merged texts are written there and the whole folder
    is validated, so references between tables are checked too.

    Args:
        datasets: the datasets folder.
        merged: file name -> its new text.
        today: the date the future-price rule compares with.
        tables: the tables whose problems count (``api_prices``, ...).

    Returns:
        The problems that name one of ``tables``.
    """
    from analysis import warehouse

    with tempfile.TemporaryDirectory(prefix="aistrat-refresh-") as tmp:
        copy = Path(tmp) / "datasets"
        shutil.copytree(datasets, copy, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        for name, text in merged.items():
            (copy / name).write_text(text, encoding="utf-8", newline="")
        problems = warehouse.validate(directory=copy, today=today)
    return [p for p in problems if any(f"{t}.csv" in p for t in tables)]
