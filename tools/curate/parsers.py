"""Parsers for the raw formats of the 2026 reference files.

Each function takes the text as the source prints it and returns plain Python
values; none reads files, so the tests exercise them on small committed
excerpts (``tests/fixtures/reference/``).

- Epoch AI's ``benchmarks_runs-PUBLIC VIEW.csv`` was exported in a Spanish
  locale: dates like ``2 de mayo de 2026 2:08am`` and decimal commas (``0,961``).
- The LMArena and Vectara leaderboards are markdown pipe tables.
- THUDM/slime model scripts hold Megatron arguments (``--num-layers 61``) and
  shell variables (``N_DENSE_LAYERS=3``, ``$((A + B))``).
- vLLM recipe YAMLs print parameter counts as ``1600B``, ``2.8T`` or ``230M``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from analysis.feeds.epoch import ENGLISH_MONTHS, SPANISH_MONTHS

# Spanish (Epoch's PUBLIC VIEW export) and English (the earlier export).
_MONTHS = {**SPANISH_MONTHS, **ENGLISH_MONTHS}
_SPANISH_DATE = re.compile(
    r"^(\d{1,2}) de ([a-záéíóú]+) de (\d{4})(?:\s+\d{1,2}:\d{2}\s*(?:am|pm|a\.\s*m\.|p\.\s*m\.))?$"
)
_ENGLISH_DATE = re.compile(r"^(\d{1,2}) ([A-Za-z]+) (\d{4})(?:\s+\d{1,2}:\d{2}\s*(?:am|pm))?$")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+Z?)?$")


def parse_run_date(text: str) -> date | None:
    """The calendar date of an Epoch run timestamp, in any of the exports' spellings.

    Args:
        text: ``'2 de mayo de 2026 2:08am'`` (Spanish export), ``'17 November 2025
            4:28pm'`` (English export) or ``'2026-04-24T16:01:38.000Z'`` (ISO);
            the time of day is dropped (the exports do not name a time zone).

    Returns:
        The date, or None for an empty cell.

    Raises:
        ValueError: the text is not one of these spellings, or names no real date.
    """
    t = " ".join(text.strip().lower().split())
    if not t:
        return None
    for pattern in (_SPANISH_DATE, _ENGLISH_DATE):
        m = pattern.match(t)
        if m:
            month = _MONTHS.get(m.group(2))
            if month is None:
                raise ValueError(f"unknown month {m.group(2)!r} in run date {text!r}")
            return date(int(m.group(3)), month, int(m.group(1)))
    m = _ISO_DATETIME.match(t.upper())
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError(f"unrecognised run date {text!r}")


def parse_decimal(text: str, *, comma_decimal: bool = False) -> Decimal | None:
    """A number printed with a decimal comma or a decimal point.

    ``'0,961'`` and ``'0.961'`` are 0.961; ``'1.234,5'`` (Spanish thousands) is
    1234.5. Without ``comma_decimal``, ``'26,019'`` is refused: a comma followed by
    exactly three digits is a thousands separator in English exports -- use
    :func:`parse_count` for counts. With ``comma_decimal=True`` (a file known to be
    in a decimal-comma locale, like Epoch's Spanish export) every comma is the
    decimal mark: ``'1,000'`` is 1.

    Raises:
        ValueError: an ambiguous or non-numeric cell.
    """
    t = text.strip().replace("\u00a0", "")
    if not t:
        return None
    if "," in t and "." in t:
        if t.rfind(",") < t.rfind("."):
            raise ValueError(f"mixed separators in {text!r}")
        t = t.replace(".", "").replace(",", ".")
    elif "," in t:
        ambiguous = re.fullmatch(r"-?\d{1,3},\d{3}", t) and not t.startswith(("0,", "-0,"))
        if t.count(",") > 1 or (ambiguous and not comma_decimal):
            raise ValueError(f"ambiguous decimal comma in {text!r}")
        t = t.replace(",", ".")
    try:
        value = Decimal(t)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    return value


def parse_count(text: str) -> int | None:
    """A vote or token count with thousands separators: ``'26,019'`` -> 26019."""
    t = text.strip().replace(",", "").replace("\u00a0", "")
    if not t:
        return None
    if not t.isdigit():
        raise ValueError(f"not a count: {text!r}")
    return int(t)


def markdown_tables(text: str) -> list[list[dict[str, str]]]:
    """Every pipe table of a markdown document, as rows of header -> cell.

    The separator row (``|---|:---:|``) is dropped; cells are stripped; a row
    with a different number of cells than its header raises ValueError.
    """
    tables: list[list[dict[str, str]]] = []
    block: list[str] = []
    for line in text.splitlines() + [""]:
        if line.lstrip().startswith("|"):
            block.append(line.strip())
            continue
        if len(block) >= 2:
            tables.append(_pipe_table(block))
        block = []
    return tables


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in inner.split("|")]


def _pipe_table(lines: list[str]) -> list[dict[str, str]]:
    header = _cells(lines[0])
    if not re.fullmatch(r"[\s|:\-]+", lines[1]):
        raise ValueError(f"markdown table without a separator row: {lines[1]!r}")
    rows = []
    for line in lines[2:]:
        cells = _cells(line)
        if len(cells) != len(header):
            raise ValueError(f"{len(cells)} cells for {len(header)} columns: {line!r}")
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SUP = re.compile(r"\s*\[?<sup>.*?</sup>\]?(\([^)]*\))?")


def strip_markup(cell: str) -> str:
    """Cell text without markdown links, ``<sup>`` footnote markers and extra spaces."""
    t = _SUP.sub("", cell)
    t = _LINK.sub(r"\1", t)
    return " ".join(t.split())


_ASSIGN = re.compile(r"^\s*([A-Z_][A-Z0-9_]*)=(.+?)\s*$")
_ARG = re.compile(r"^\s*(--[a-z0-9-]+)(?:\s+(.+?))?\s*$")


def slime_args(text: str) -> dict[str, str]:
    """The Megatron arguments of a THUDM/slime ``scripts/models/*.sh`` file.

    Shell variables assigned in the script (``NHIDDEN=6144``,
    ``MOE_SHARED_EXPERT_INTERMEDIATE_SIZE=$(($MOE_FFN_HIDDEN * $MOE_SHARED_EXPERTS))``)
    are substituted, integer arithmetic ``$((...))`` is evaluated, and
    ``${VAR:-default}`` takes the default. Comment lines are skipped.

    Returns:
        ``{'--num-layers': '78', '--hidden-size': '6144', '--multi-latent-attention': '', ...}``
        plus the shell variables under their own names (``'N_DENSE_LAYERS': '3'``).
    """
    env: dict[str, str] = {}
    args: dict[str, str] = {}

    def expand(value: str) -> str:
        value = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m.group(1), m.group(2)), value)
        value = re.sub(
            r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m.group(1) or m.group(2), m.group(0)), value
        )

        def arith(m: re.Match[str]) -> str:
            # bash arithmetic reads bare variable names too: $((A + B))
            expr = re.sub(
                r"\b[A-Z_][A-Z0-9_]*\b", lambda v: env.get(v.group(0), v.group(0)), m.group(1)
            )
            if not re.fullmatch(r"[\d\s+*()-]+", expr):
                raise ValueError(f"unsupported shell arithmetic {expr!r}")
            return str(_eval_int(expr))

        return re.sub(r"\$\(\((.*?)\)\)", arith, value)

    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("--") else raw
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _ASSIGN.match(line)
        if m:
            env[m.group(1)] = expand(m.group(2).strip("\"'"))
            args[m.group(1)] = env[m.group(1)]
            continue
        m = _ARG.match(line)
        if m:
            value = (m.group(2) or "").strip()
            value = value.split(" #", 1)[0].strip().strip("\"'")
            args[m.group(1)] = expand(value)
    return args


def _eval_int(expr: str) -> int:
    """Integer value of ``+``, ``-``, ``*`` and parentheses (no names, no other operators)."""
    tokens = re.findall(r"\d+|[+*()-]", expr)
    pos = 0

    def parse_sum() -> int:
        nonlocal pos
        value = parse_product()
        while pos < len(tokens) and tokens[pos] in "+-":
            op = tokens[pos]
            pos += 1
            rhs = parse_product()
            value = value + rhs if op == "+" else value - rhs
        return value

    def parse_product() -> int:
        nonlocal pos
        value = parse_atom()
        while pos < len(tokens) and tokens[pos] == "*":
            pos += 1
            value *= parse_atom()
        return value

    def parse_atom() -> int:
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            value = parse_sum()
            pos += 1  # ')'
            return value
        return int(tok)

    result = parse_sum()
    if pos != len(tokens):
        raise ValueError(f"trailing tokens in {expr!r}")
    return result


def moe_layer_split(freq: str, layers: int) -> tuple[int, int]:
    """(dense layers, MoE layers) from a slime ``--moe-layer-freq`` value.

    Accepts the list form ``[0]*3+[1]*75`` (Python list arithmetic), an explicit
    ``[0, 0, 1, ...]`` list, or ``[1]*62``.
    """
    f = freq.replace(" ", "")
    parts = re.findall(r"\[([01](?:,[01])*)\](?:\*(\d+))?", f)
    if not parts or not re.fullmatch(r"(\[[01](?:,[01])*\](?:\*\d+)?\+?)+", f):
        raise ValueError(f"unrecognised --moe-layer-freq {freq!r}")
    flags: list[int] = []
    for body, times in parts:
        flags += [int(x) for x in body.split(",")] * int(times or 1)
    if len(flags) != layers:
        raise ValueError(f"--moe-layer-freq {freq!r} covers {len(flags)} layers, not {layers}")
    moe = sum(flags)
    return layers - moe, moe


_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([MBT])$")


def billions(printed: str) -> Decimal | None:
    """A parameter count as printed by a vLLM recipe, in billions: '1600B', '2.8T', '230M'.

    Returns None for an empty cell or prose (e.g. Kimi-K3's active count,
    '16 experts/token + shared (of 896 routed)').
    """
    t = printed.strip().strip("\"'")
    m = _SIZE.match(t)
    if not m:
        return None
    factor = {"M": Decimal("0.001"), "B": Decimal(1), "T": Decimal(1000)}[m.group(2)]
    return Decimal(m.group(1)) * factor
