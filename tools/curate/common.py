"""Shared helpers of the curation: paths, the build date, CSV reading and writing, number
and slug formatting, and the citations several table groups use."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference"
DEFAULT_OUT = REPO / "datasets"

# The reference was gathered on this date (its SOURCES.md); it is also the
# build date against which announced future prices count as "scheduled".
BUILD_DATE = date(2026, 11, 29)


Row = dict[str, str]

# ---------------------------------------------------------------------------
# Small utilities
# ---------------------------------------------------------------------------


def read_csv(path: Path) -> list[Row]:
    """Rows of a CSV as dicts of strings; ``#`` comment lines before the header are skipped."""
    text = path.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    # Cells are stripped: a few reference cells carry stray spaces.
    return [
        {k: (v or "").strip() for k, v in r.items()}
        for r in csv.DictReader(io.StringIO("".join(lines)))
    ]


def num(value: str | float | Decimal | None, places: int | None = None) -> str:
    """A number as plain decimal text without needless trailing zeros ('' stays '').

    Args:
        value: the number, or its text as printed in a source.
        places: round half-up to this many decimals first (for derived values).

    Returns:
        e.g. ``'3'`` for ``'3.0'``, ``'0.135'`` for ``0.135``; never exponent notation.

    Raises:
        ValueError: when ``value`` is not a finite number.
    """
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return ""
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def slug(name: str) -> str:
    """Lower-case slug of a display name: 'GPT-4o (2024-05-13)' -> 'gpt-4o-2024-05-13'."""
    s = name.lower().replace("+", "-plus")
    s = s.replace(
        "(base)", "base"
    )  # base rows keep a '-base' suffix so they never clash with chat rows
    s = re.sub(r"[()]", " ", s)
    s = re.sub(r"[^a-z0-9._-]+", "-", s.strip())
    return re.sub(r"-+", "-", s).strip("-")


_CTX = re.compile(r"^(\d+(?:\.\d+)?)\s*([kKmM])$")


def context_tokens(printed: str) -> tuple[str, str]:
    """Context window as an integer token count, plus a note on the conversion.

    Sources print '128k', '32K', '1M'. We convert with binary multiples
    (k = 1,024; M = 1,048,576): that is how the model configs express the same
    limits (e.g. Llama 3.1 '128k' is max_position_embeddings 131072).
    """
    printed = printed.strip()
    if not printed:
        return "", ""
    if printed.isdigit():
        return printed, ""
    m = _CTX.match(printed)
    if not m:
        raise ValueError(f"unrecognised context window {printed!r}")
    factor = 1024 if m.group(2).lower() == "k" else 1024 * 1024
    tokens = int(Decimal(m.group(1)) * factor)
    return str(tokens), f"context_window printed as '{printed}' (converted with k=1024, M=1024^2)"


def join_notes(*parts: str) -> str:
    """Non-empty parts joined with '; ' (no duplicates, order kept)."""
    seen: list[str] = []
    for p in parts:
        p = (p or "").strip()
        if p and p not in seen:
            seen.append(p)
    return "; ".join(seen)


# ---------------------------------------------------------------------------
# Sources cited for figures that are not in the reference snapshot
# ---------------------------------------------------------------------------

GENAI = "pydantic/genai-prices"
GENAI_HEAD = "47df840a"
EPOCH_VERSIONS = "epoch-research/benchmark-stitching:data/model_versions.csv@37d55ed"


def epoch_date(version_id: str) -> str:
    """How a release date taken from Epoch's model_versions table is cited."""
    return f'{EPOCH_VERSIONS} (Epoch AI, "Version release date") id="{version_id}"'


# ---------------------------------------------------------------------------
# Writing and self-check
# ---------------------------------------------------------------------------


def load_schema(path: Path) -> dict:
    """The parsed datasets/schema.yaml."""
    import yaml  # only needed here

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def to_csv(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """CSV text with a header; LF line ends; minimal quoting."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue()
