"""Plain-text and JSON output shared by the CLI commands."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from analysis.records import to_plain


def _default(value: Any) -> Any:
    plain = to_plain(value)
    if plain is value:
        raise TypeError(f"cannot serialise {type(value).__name__}")
    return plain


def to_json(obj: Any) -> str:
    """JSON text of ``obj``, values converted by :func:`analysis.records.to_plain`.

    Dates are ISO text; a NaN or infinite number raises instead of being written.
    """
    return json.dumps(obj, default=_default, indent=2, allow_nan=False, ensure_ascii=False)


def print_json(obj: Any, out: TextIO | None = None) -> None:
    """Print ``obj`` as JSON."""
    print(to_json(obj), file=out or sys.stdout)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def format_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """A fixed-width text table of ``rows`` (dicts sharing keys)."""
    if not rows:
        return "(no rows)"
    cols = list(columns or rows[0].keys())
    cells = [[_cell(row.get(c)) for c in cols] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, rule, *body])


def print_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    out: TextIO | None = None,
) -> None:
    """Print ``rows`` as a fixed-width text table."""
    print(format_table(list(rows), columns), file=out or sys.stdout)
